//! Document engine: (template name, JSON context) → typst markup → PDF.
//!
//! * Templates are tera 2 templates. Built-ins are embedded in the binary; a
//!   workspace folder (normally `templates/`) may hold a school's own copy of a
//!   template under the same file name, which then replaces the built-in
//!   everywhere (also when other templates `extends`/`include` it).
//! * Every `{{ value }}` is escaped for typst *markup* automatically (tera
//!   autoescaping with a typst escape function), so a surname such as `#Smith*`
//!   prints literally. Inside a typst string literal use `{{ value | typst_str }}`,
//!   which prints a complete, quoted typst string: `#set document(title: {{ t | typst_str }})`.
//! * With the `pdf` feature, [`markup_to_pdf`] compiles markup with typst used
//!   as a library: A4, embedded Liberation Sans, no system fonts, no packages,
//!   no network, PDF/A-2b, reproducible bytes for the same input and date.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::dates::{full_date, long_date, uk_date};
use chrono::NaiveDate;
use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

/// The name a logo file is given inside the typesetter's world (`logo.png`, `logo.svg`...).
pub fn logo_asset_name(configured: &str) -> String {
    let ext = Path::new(configured)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    format!("logo.{ext}")
}

#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "pdf")]
pub use pdf::{PdfDocument, PdfOptions, markup_to_pdf, pdf_page_count};

#[cfg(test)]
mod tests;

/// Everything that can go wrong while producing a document.
#[derive(Debug)]
pub enum DocError {
    /// A template could not be parsed or rendered.
    Template {
        /// Name of the template the problem is in (may be a parent/included one).
        template: String,
        /// File the template came from, when it is a workspace override.
        path: Option<PathBuf>,
        /// 1-based line in that template, when known.
        line: Option<usize>,
        /// Short description of the problem.
        message: String,
        /// Full report (with the source line and a caret), for display.
        report: String,
    },
    /// No template with that name exists.
    UnknownTemplate(String),
    /// The context passed to `render` is not usable (e.g. not a JSON object).
    Context(String),
    /// Reading the workspace template folder failed.
    Io {
        /// Path being read.
        path: PathBuf,
        /// Underlying error.
        source: io::Error,
    },
    /// The typst markup did not compile (or the PDF could not be written).
    Typst {
        /// 1-based line of the first error in the markup, when known.
        line: Option<usize>,
        /// One readable line per diagnostic (errors first), with line numbers.
        messages: Vec<String>,
    },
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocError::Template {
                template,
                path,
                line,
                message,
                report,
            } => {
                write!(f, "template `{template}`")?;
                if let Some(p) = path {
                    write!(f, " (workspace override {})", p.display())?;
                }
                if let Some(l) = line {
                    write!(f, ", line {l}")?;
                }
                write!(f, ": {message}")?;
                if !report.is_empty() {
                    write!(f, "\n{report}")?;
                }
                Ok(())
            }
            DocError::UnknownTemplate(name) => write!(f, "no template named `{name}`"),
            DocError::Context(msg) => write!(f, "invalid template context: {msg}"),
            DocError::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            DocError::Typst { messages, .. } => {
                write!(f, "typesetting failed: {}", messages.join("\n"))
            }
        }
    }
}

impl std::error::Error for DocError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DocError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Built-in templates plus workspace overrides, ready to render.
#[derive(Debug)]
pub struct TemplateSet {
    tera: Tera,
    builtins: BTreeMap<String, &'static str>,
    /// Templates read from the workspace folder (override or school-only), by name.
    workspace: BTreeMap<String, PathBuf>,
}

/// File-name suffix a workspace file must have to be loaded as a template.
pub const TEMPLATE_SUFFIX: &str = ".tera";

impl TemplateSet {
    /// Load the built-in templates, then every `*.tera` file directly inside
    /// `override_dir` (if given and existing). A workspace file replaces the
    /// built-in of the same name; other workspace files are added as
    /// school-only templates. Any parse error (including in an override) is an
    /// error; there is no silent fallback to the built-in.
    pub fn new(
        builtins: &[(&str, &'static str)],
        override_dir: Option<&Path>,
    ) -> Result<TemplateSet, DocError> {
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        let mut builtin_map = BTreeMap::new();
        for (name, src) in builtins {
            builtin_map.insert((*name).to_string(), *src);
            sources.insert((*name).to_string(), (*src).to_string());
        }
        let mut workspace = BTreeMap::new();
        if let Some(dir) = override_dir.filter(|d| d.is_dir()) {
            let io_err = |path: &Path, source| DocError::Io {
                path: path.to_path_buf(),
                source,
            };
            let entries = std::fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| io_err(dir, e))?;
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if name.starts_with('.') || !name.ends_with(TEMPLATE_SUFFIX) || !path.is_file() {
                    continue;
                }
                // a link to a file outside the templates folder is not the school's template
                let inside = std::fs::canonicalize(&path)
                    .and_then(|p| Ok(p.starts_with(std::fs::canonicalize(dir)?)))
                    .map_err(|e| io_err(&path, e))?;
                if !inside {
                    return Err(io_err(
                        &path,
                        std::io::Error::other(
                            "it is a link to a file outside the templates folder, so attend does not read it",
                        ),
                    ));
                }
                let text = std::fs::read_to_string(&path).map_err(|e| io_err(&path, e))?;
                // Windows editors may add a byte-order mark; it is not template text.
                let text = text
                    .strip_prefix('\u{feff}')
                    .map(str::to_string)
                    .unwrap_or(text);
                sources.insert(name.to_string(), text);
                workspace.insert(name.to_string(), path);
            }
        }
        let mut tera = Tera::new();
        // Empty suffix: autoescape every template, whatever its name.
        tera.autoescape_on([""]);
        tera.set_escape_fn(escape_typst_markup);
        register_filters(&mut tera);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| map_tera_error(e, "(template set)", &workspace))?;
        Ok(TemplateSet {
            tera,
            builtins: builtin_map,
            workspace,
        })
    }

    /// All template names (built-in and workspace-only), sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .builtins
            .keys()
            .chain(self.workspace.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The built-in source of a template (for exporting it into `templates/`).
    pub fn source_of(&self, name: &str) -> Option<&'static str> {
        self.builtins.get(name).copied()
    }

    /// True when a workspace file replaces the built-in template `name`.
    pub fn is_overridden(&self, name: &str) -> bool {
        self.builtins.contains_key(name) && self.workspace.contains_key(name)
    }

    /// Path of the workspace file used for `name`, if any.
    pub fn workspace_path(&self, name: &str) -> Option<&Path> {
        self.workspace.get(name).map(PathBuf::as_path)
    }

    /// Render template `name` with `context` (must be a JSON object) to typst markup.
    pub fn render(&self, name: &str, context: &serde_json::Value) -> Result<String, DocError> {
        if !self.builtins.contains_key(name) && !self.workspace.contains_key(name) {
            return Err(DocError::UnknownTemplate(name.to_string()));
        }
        if !context.is_object() {
            return Err(DocError::Context(format!(
                "expected a JSON object, got {context}"
            )));
        }
        let ctx = Context::from_serialize(context).map_err(|e| DocError::Context(e.to_string()))?;
        self.tera
            .render(name, &ctx)
            .map_err(|e| map_tera_error(e, name, &self.workspace))
    }

    /// Render template `name` and typeset it to PDF.
    #[cfg(feature = "pdf")]
    pub fn render_pdf(
        &self,
        name: &str,
        context: &serde_json::Value,
        options: &PdfOptions,
    ) -> Result<PdfDocument, DocError> {
        markup_to_pdf(&self.render(name, context)?, options)
    }
}

fn map_tera_error(err: tera::Error, name: &str, workspace: &BTreeMap<String, PathBuf>) -> DocError {
    let mut out = match err.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => DocError::Template {
            template: r.filename().to_string(),
            path: None,
            line: Some(r.span().start_line),
            message: r.message().to_string(),
            // Drop tera's first line ("error: <message>"): Display prints the message.
            report: err
                .to_string()
                .split_once('\n')
                .map_or(String::new(), |(_, rest)| rest.to_string()),
        },
        ErrorKind::MissingParent { current, parent } => DocError::Template {
            template: current.clone(),
            path: None,
            line: None,
            message: format!("extends `{parent}`, which does not exist"),
            report: String::new(),
        },
        ErrorKind::TemplateNotFound(missing) => DocError::Template {
            template: name.to_string(),
            path: None,
            line: None,
            message: format!("uses template `{missing}`, which does not exist"),
            report: String::new(),
        },
        other => DocError::Template {
            template: name.to_string(),
            path: None,
            line: None,
            message: other.to_string(),
            report: String::new(),
        },
    };
    if let DocError::Template {
        template,
        path,
        message,
        ..
    } = &mut out
    {
        *path = workspace.get(template.as_str()).cloned();
        // Errors from our own filters are chained; surface their text too.
        let mut src = std::error::Error::source(&err);
        while let Some(s) = src {
            message.push_str(&format!(": {s}"));
            src = s.source();
        }
    }
    out
}

/// Tera escape function: make any text print literally in typst markup.
///
/// Every character that can start markup syntax is backslash-escaped (`\#`,
/// `\*`, `\=`, …); that covers emphasis, headings, lists, labels, references,
/// math, raw text, comments, smart quotes, shorthands (`--`, `...`, `~`) and
/// auto-links. A newline becomes a typst line break.
pub fn escape_typst_markup(input: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in input.char_indices() {
        let replacement: Option<&[u8]> = match c {
            '\\' | '#' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '[' | ']' | '~' | '\'' | '"'
            | '=' | '-' | '+' | '/' | '.' | ':' | '{' | '}' => None,
            '\n' => Some(b"\\\n"),
            '\r' => Some(b""),
            '\t' => Some(b" "),
            // an invisible control character cannot be printed, and must not stop a document
            c if crate::text::is_control(c) => Some(b""),
            _ => continue,
        };
        out.write_all(&input.as_bytes()[start..i])?;
        match replacement {
            Some(r) => out.write_all(r)?,
            None => {
                out.write_all(b"\\")?;
                let mut buf = [0u8; 4];
                out.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            }
        }
        start = i + c.len_utf8();
    }
    out.write_all(&input.as_bytes()[start..])
}

/// Escape text for typst markup into a `String` (see [`escape_typst_markup`]); for tests.
#[cfg(test)]
pub fn typst_markup(input: &str) -> String {
    let mut buf = Vec::with_capacity(input.len() + 8);
    escape_typst_markup(input, &mut buf).expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("escaping keeps UTF-8 valid")
}

/// A complete typst string literal (with the quotes) holding `input`.
pub fn typst_string_literal(input: &str) -> String {
    let mut s = String::with_capacity(input.len() + 2);
    s.push('"');
    for c in input.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => s.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

fn value_text(v: &Value) -> String {
    match v.as_str() {
        Some(s) => s.to_string(),
        None => v.to_string(),
    }
}

fn register_filters(tera: &mut Tera) {
    // `{{ x | typst_str }}` → `"…"`, a safe typst string literal (marked safe so
    // autoescape leaves the quotes alone).
    tera.register_filter("typst_str", |v: &Value, _: Kwargs, _: &State| {
        if v.is_undefined() {
            return Err(tera::Error::message("typst_str: value is undefined"));
        }
        Ok(Value::safe_string(&typst_string_literal(&value_text(v))))
    });
    // `{{ "2025-03-14" | date_long }}` → `14 March 2025`.
    tera.register_filter("date_long", |v: &str, _: Kwargs, _: &State| {
        parse_iso_date(v).map(long_date)
    });
    // `{{ "2025-03-14" | date_full }}` → `Friday 14 March 2025` (for meetings).
    tera.register_filter("date_full", |v: &str, _: Kwargs, _: &State| {
        parse_iso_date(v).map(full_date)
    });
    // `{{ "2025-03-14" | date_short }}` → `14/03/2025`.
    tera.register_filter("date_short", |v: &str, _: Kwargs, _: &State| {
        parse_iso_date(v).map(uk_date)
    });
    // `{{ 89.96 | pct }}` → `90.0`; strings that are not numbers pass through.
    tera.register_filter("pct", |v: &Value, _: Kwargs, _: &State| {
        if let Some(n) = v.as_f64() {
            return Ok(format!("{n:.1}"));
        }
        match v.as_str() {
            Some(s) => Ok(match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => format!("{n:.1}"),
                _ => s.to_string(),
            }),
            None => Err(tera::Error::message(format!(
                "pct: expected a number or a string, got `{v}`"
            ))),
        }
    });
}

fn parse_iso_date(s: &str) -> Result<NaiveDate, tera::Error> {
    let head = s.trim().get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").map_err(|_| {
        tera::Error::message(format!("expected an ISO date like 2025-03-14, got `{s}`"))
    })
}
