//! typst markup → PDF/A-2b bytes, with typst used as a library.
//!
//! The "world" given to typst knows exactly one source file (the markup), the
//! image/data assets the caller hands in, and the fonts embedded below. It
//! never touches the file system, the system fonts, the clock or the network.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontFamily, FontList, Region, TextElem};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_pdf::{PdfStandard, PdfStandards, Timestamp};

use super::DocError;

/// Font family every document starts with (override with `#set text(font: …)`,
/// but only embedded families exist).
pub const DEFAULT_FONT: &str = "Liberation Sans";

/// Fonts compiled into the binary (SIL OFL 1.1, see `fonts/OFL.txt`).
static FONT_DATA: [&[u8]; 4] = [
    include_bytes!("fonts/LiberationSans-Regular.ttf"),
    include_bytes!("fonts/LiberationSans-Bold.ttf"),
    include_bytes!("fonts/LiberationSans-Italic.ttf"),
    include_bytes!("fonts/LiberationSans-BoldItalic.ttf"),
];

static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_DATA
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| {
    let mut lib = Library::builder().build();
    // Page size already defaults to A4 in typst; set font and British English.
    lib.styles.set(
        TextElem::font,
        FontList(vec![FontFamily::new(DEFAULT_FONT)]),
    );
    lib.styles
        .set(TextElem::region, "GB".parse::<Region>().ok());
    LazyHash::new(lib)
});

/// How to produce the PDF.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The "as of" date: PDF creation date (midnight UTC) and typst's `datetime.today()`.
    pub as_of: NaiveDate,
    /// PDF document identifier; `None` derives a stable one from the markup.
    pub ident: Option<String>,
    /// Extra files the markup may read, e.g. `("logo.png", bytes)` for `#image("logo.png")`.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// PDF/A-2b (archival), as every document is. A bundle, which embeds the pages of the PDFs
    /// filed in a case, cannot be: typst embeds PDF pages only in plain PDF.
    pub archival: bool,
}

impl PdfOptions {
    /// Options with the given "as of" date, derived identifier and no assets.
    pub fn new(as_of: NaiveDate) -> Self {
        PdfOptions {
            as_of,
            ident: None,
            assets: BTreeMap::new(),
            archival: true,
        }
    }
}

/// A typeset document.
#[derive(Debug, Clone)]
pub struct PdfDocument {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Non-fatal typst warnings (e.g. unknown font family), one readable line each.
    pub warnings: Vec<String>,
}

/// The number of pages of a PDF file (`None`: not a PDF that can be read).
pub fn pdf_page_count(bytes: &[u8]) -> Option<usize> {
    let pdf = hayro_syntax::Pdf::new(bytes.to_vec()).ok()?;
    Some(pdf.pages().len())
}

/// Typeset typst `markup` into a PDF/A-2b document.
pub fn markup_to_pdf(markup: &str, options: &PdfOptions) -> Result<PdfDocument, DocError> {
    let world = DocWorld::new(markup, options)?;
    let result = typst::compile(&world);
    // Drop typst's memoisation caches so a long batch does not grow memory.
    typst::comemo::evict(0);
    let warnings: Vec<String> = result
        .warnings
        .iter()
        .map(|d| describe(&world, d).1)
        .collect();
    let doc = result
        .output
        .map_err(|errors| typst_error(&world, &errors, &result.warnings))?;

    let ident = options
        .ident
        .clone()
        .unwrap_or_else(|| format!("attend-{:016x}", fnv1a(markup.as_bytes())));
    let wanted: &[PdfStandard] = if options.archival {
        &[PdfStandard::A_2b]
    } else {
        &[]
    };
    let standards = PdfStandards::new(wanted).map_err(|e| DocError::Typst {
        line: None,
        messages: vec![e.message().to_string()],
    })?;
    let pdf_options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some("attend".to_string())),
        timestamp: Some(Timestamp::new_utc(world.today)),
        standards,
        ..Default::default()
    };
    let bytes =
        typst_pdf::pdf(&doc, &pdf_options).map_err(|errors| typst_error(&world, &errors, &[]))?;
    Ok(PdfDocument {
        bytes,
        pages: doc.pages().len(),
        warnings,
    })
}

/// 64-bit FNV-1a: a tiny hash that is stable across Rust versions and platforms.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn typst_error(
    world: &DocWorld,
    errors: &[SourceDiagnostic],
    warnings: &[SourceDiagnostic],
) -> DocError {
    let mut line = None;
    let mut messages = Vec::new();
    for d in errors.iter().chain(warnings) {
        let (l, msg) = describe(world, d);
        if line.is_none() && d.severity == Severity::Error {
            line = l;
        }
        messages.push(msg);
    }
    DocError::Typst { line, messages }
}

/// "error: line 12: unknown variable: foo (hint: …) | <source line>"
fn describe(world: &DocWorld, d: &SourceDiagnostic) -> (Option<usize>, String) {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut line = None;
    let mut snippet = String::new();
    if d.span.id() == Some(world.main.id())
        && let Some(range) = world.range(d.span)
        && let Some(l) = world.main.lines().byte_to_line(range.start)
    {
        line = Some(l + 1);
        if let Some(text) = world.main.text().lines().nth(l) {
            snippet = format!(" | {}", text.trim());
        }
    }
    let mut msg = match line {
        Some(l) => format!("{kind}: line {l}: {}", d.message),
        None => format!("{kind}: {}", d.message),
    };
    for hint in &d.hints {
        msg.push_str(&format!(" (hint: {})", hint.v));
    }
    msg.push_str(&snippet);
    (line, msg)
}

struct DocWorld {
    main: Source,
    assets: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn project_file(path: &str) -> Result<FileId, DocError> {
    let vpath = VirtualPath::new(path).map_err(|e| DocError::Typst {
        line: None,
        messages: vec![format!("invalid asset name `{path}`: {e}")],
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl DocWorld {
    fn new(markup: &str, options: &PdfOptions) -> Result<Self, DocError> {
        let main = Source::new(project_file("/main.typ")?, markup.to_string());
        let mut assets = HashMap::new();
        for (name, data) in &options.assets {
            assets.insert(project_file(name)?, Bytes::new(data.clone()));
        }
        let d = options.as_of;
        let today = u8::try_from(d.month())
            .ok()
            .zip(u8::try_from(d.day()).ok())
            .and_then(|(m, day)| Datetime::from_ymd(d.year(), m, day))
            .ok_or_else(|| DocError::Typst {
                line: None,
                messages: vec![format!("date {d} cannot be used as a PDF date")],
            })?;
        Ok(DocWorld {
            main,
            assets,
            today,
        })
    }

    fn check_access(&self, id: FileId) -> FileResult<()> {
        if let VirtualRoot::Package(spec) = id.get().root() {
            return Err(FileError::Other(Some(
                format!(
                    "package imports are not allowed ({spec}): documents must be self-contained, \
                     with no downloads"
                )
                .into(),
            )));
        }
        Ok(())
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.check_access(id)?;
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.check_access(id)?;
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.assets
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
