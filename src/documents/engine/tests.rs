use super::*;
use serde_json::json;

const SAMPLE: &str = include_str!("testdata/sample-letter.typ.tera");
const SAMPLE_CONTEXT: &str = include_str!("testdata/sample-letter.json");

/// Strings that mean something in typst markup; each must print literally.
const NASTY: &[&str] = &[
    "#Smith*",
    "<b>",
    "O'Brien",
    "$100",
    "_x_",
    "@ref",
    "\\",
    "[x]",
    "// comment",
    "/* block */",
    "= Heading",
    "- item",
    "+",
    "+ enum",
    "~",
    "\"quotes\"",
    "`code`",
    "```rust x```",
    "1. first",
    "/ term: desc",
    "a -- b --- c ... d",
    "-5",
    "http://example.com/x",
    "<label>",
    "#{1+1}",
    "\\u{41}",
    "{curly}",
];

/// A fresh directory under the system temp dir, removed on drop (avoids a
/// `tempfile` dev-dependency, whose features would force a rebuild of typst
/// for tests).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("attend-docs-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn set(builtins: &[(&str, &'static str)]) -> TemplateSet {
    TemplateSet::new(builtins, None).expect("templates load")
}

#[test]
fn escape_function_backslashes_markup_characters() {
    assert_eq!(typst_markup("#Smith*"), "\\#Smith\\*");
    assert_eq!(typst_markup("O'Brien"), "O\\'Brien");
    assert_eq!(typst_markup("a\nb"), "a\\\nb");
    assert_eq!(typst_markup("plain Name"), "plain Name");
    assert_eq!(typst_markup("Zoë Ñúñez"), "Zoë Ñúñez");
}

#[test]
fn a_control_character_in_a_name_never_stops_a_document() {
    assert_eq!(typst_markup("Le\0e"), "Lee");
    assert_eq!(typst_markup("Smith\u{202E}\u{1b}"), "Smith");
    assert_eq!(typst_markup("a\tb"), "a b");
}

#[test]
fn every_markup_character_is_escaped() {
    for v in NASTY {
        let escaped = typst_markup(v);
        // Undo the escapes: what remains must be the input, and every ASCII
        // punctuation character that typst markup uses must have been escaped.
        let mut plain = String::new();
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                plain.push(chars.next().expect("escape is followed by a char"));
            } else {
                assert!(
                    !"#*_`$<>@[]~'\"=-+/.:\\{}".contains(c),
                    "unescaped `{c}` in {escaped}"
                );
                plain.push(c);
            }
        }
        assert_eq!(&plain, v);
    }
}

#[test]
fn autoescape_applies_to_every_template_and_filter_output() {
    let ts = set(&[("a.typ.tera", "{{ v }}|{{ v | upper }}|{{ v ~ '#' }}")]);
    let out = ts.render("a.typ.tera", &json!({"v": "#x"})).unwrap();
    assert_eq!(out, "\\#x|\\#X|\\#x\\#");
    // Numbers are escaped too (a negative number would otherwise be a shorthand).
    // tera 2 treats numbers/booleans as safe: they are printed unescaped. The
    // only typst effect is that a leading `-` becomes a typographic minus sign.
    let ts = set(&[("n.typ.tera", "{{ v }}")]);
    assert_eq!(
        ts.render("n.typ.tera", &json!({"v": -5.5})).unwrap(),
        "-5.5"
    );
}

#[test]
fn typst_str_filter_makes_a_safe_string_literal() {
    let ts = set(&[("t.typ.tera", "#let t = {{ v | typst_str }}")]);
    let out = ts
        .render("t.typ.tera", &json!({"v": "a \"b\" \\ #c\nd"}))
        .unwrap();
    assert_eq!(out, r#"#let t = "a \"b\" \\ #c\nd""#);
}

#[test]
fn date_and_pct_filters() {
    let ts = set(&[(
        "f.typ.tera",
        "{{ d | date_long }};{{ d | date_short }};{{ n | pct }};{{ s | pct }};{{ p | pct }};{{ i | pct }};{{ d | date_full }}",
    )]);
    let out = ts
        .render(
            "f.typ.tera",
            &json!({"d": "2025-03-04", "n": 89.96, "s": "89.94", "p": "n/a", "i": 100}),
        )
        .unwrap();
    // `.` and `/` are escaped for markup.
    assert_eq!(
        out,
        "4 March 2025;04\\/03\\/2025;90\\.0;89\\.9;n\\/a;100\\.0;Tuesday 4 March 2025"
    );
    let err = ts
        .render(
            "f.typ.tera",
            &json!({"d": "14/03/2025", "n": 1, "s": "1", "p": "1", "i": 1}),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("f.typ.tera") && err.contains("2025-03-14"),
        "{err}"
    );
}

#[test]
fn undefined_field_error_names_template_line_and_field() {
    let ts = set(&[(
        "letter.typ.tera",
        "Dear parent,\n\nAbout {{ pupil.name }}:\n{{ pupil.nmae }}\n",
    )]);
    let err = ts
        .render("letter.typ.tera", &json!({"pupil": {"name": "Ann"}}))
        .unwrap_err();
    match &err {
        DocError::Template { template, line, .. } => {
            assert_eq!(template, "letter.typ.tera");
            assert_eq!(*line, Some(4));
        }
        other => panic!("unexpected error {other:?}"),
    }
    let msg = err.to_string();
    println!("{msg}");
    assert!(msg.contains("letter.typ.tera"), "{msg}");
    assert!(msg.contains("line 4"), "{msg}");
    assert!(msg.contains("nmae"), "{msg}");
}

#[test]
fn syntax_error_names_template_and_line() {
    let err = TemplateSet::new(&[("bad.typ.tera", "ok\n{% if x %}\nno end")], None).unwrap_err();
    let msg = err.to_string();
    println!("{msg}");
    assert!(msg.contains("bad.typ.tera"), "{msg}");
    assert!(
        matches!(err, DocError::Template { line: Some(_), .. }),
        "{err:?}"
    );
}

#[test]
fn context_must_be_an_object_and_template_must_exist() {
    let ts = set(&[("a.typ.tera", "x")]);
    assert!(matches!(
        ts.render("a.typ.tera", &json!([1])),
        Err(DocError::Context(_))
    ));
    assert!(matches!(
        ts.render("nope.typ.tera", &json!({})),
        Err(DocError::UnknownTemplate(_))
    ));
}

const BASE: &str = "BASE[{% block body %}{% endblock body %}]";
const CHILD: &str =
    "{% extends \"base.typ.tera\" %}{% block body %}child {{ v }}{% endblock body %}";

#[test]
fn override_replaces_builtin_including_extended_base() {
    let dir = TempDir::new();
    let builtins = [("base.typ.tera", BASE), ("child.typ.tera", CHILD)];
    let ts = TemplateSet::new(&builtins, Some(dir.path())).unwrap();
    assert_eq!(
        ts.render("child.typ.tera", &json!({"v": 1})).unwrap(),
        "BASE[child 1]"
    );
    assert!(!ts.is_overridden("base.typ.tera"));

    std::fs::write(
        dir.path().join("base.typ.tera"),
        "SCHOOL BASE<{% block body %}{% endblock body %}>",
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "{{ not a template").unwrap();
    std::fs::write(dir.path().join("extra.typ.tera"), "\u{feff}extra {{ v }}").unwrap();
    let ts = TemplateSet::new(&builtins, Some(dir.path())).unwrap();
    assert!(ts.is_overridden("base.typ.tera"));
    assert!(!ts.is_overridden("child.typ.tera"));
    assert!(!ts.is_overridden("extra.typ.tera"));
    assert_eq!(
        ts.render("child.typ.tera", &json!({"v": 1})).unwrap(),
        "SCHOOL BASE<child 1>"
    );
    assert_eq!(
        ts.render("extra.typ.tera", &json!({"v": 2})).unwrap(),
        "extra 2"
    );
    assert_eq!(
        ts.names(),
        vec!["base.typ.tera", "child.typ.tera", "extra.typ.tera"]
    );
    // source_of always gives the built-in (for `export`).
    assert_eq!(ts.source_of("base.typ.tera"), Some(BASE));
    assert_eq!(ts.source_of("extra.typ.tera"), None);
}

#[test]
fn broken_override_is_an_error_not_a_fallback() {
    let dir = TempDir::new();
    std::fs::write(
        dir.path().join("base.typ.tera"),
        "line 1\n{% block body %}\n",
    )
    .unwrap();
    let builtins = [("base.typ.tera", BASE), ("child.typ.tera", CHILD)];
    let err = TemplateSet::new(&builtins, Some(dir.path())).unwrap_err();
    let msg = err.to_string();
    println!("{err:?}\n---\n{msg}");
    assert!(msg.contains("base.typ.tera"), "{msg}");
    assert!(msg.contains("workspace override"), "{msg}");

    // Render-time error inside an override names the override file.
    std::fs::write(
        dir.path().join("base.typ.tera"),
        "x\n{{ missing.field }}{% block body %}{% endblock body %}",
    )
    .unwrap();
    let ts = TemplateSet::new(&builtins, Some(dir.path())).unwrap();
    let msg = ts
        .render("child.typ.tera", &json!({"v": 1}))
        .unwrap_err()
        .to_string();
    println!("{msg}");
    assert!(
        msg.contains("base.typ.tera") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn missing_override_dir_means_no_overrides() {
    let ts = TemplateSet::new(
        &[("a.typ.tera", "x")],
        Some(Path::new("/nonexistent/templates")),
    )
    .unwrap();
    assert_eq!(ts.names(), vec!["a.typ.tera"]);
}

#[test]
fn sample_template_renders_to_markup() {
    let ts = set(&[("sample-letter.typ.tera", SAMPLE)]);
    let ctx: serde_json::Value = serde_json::from_str(SAMPLE_CONTEXT).unwrap();
    let markup = ts.render("sample-letter.typ.tera", &ctx).unwrap();
    assert!(markup.contains("14 March 2025"), "{markup}");
    assert!(markup.contains("O\\'Brien"));
}

#[cfg(feature = "pdf")]
mod pdf_tests {
    use super::*;
    use std::process::Command;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 14).unwrap()
    }

    /// Text of a PDF via poppler's `pdftotext`, or `None` (test skipped) when it
    /// is not installed (`apt-get install poppler-utils`).
    fn pdf_text(bytes: &[u8], pages: Option<(usize, usize)>) -> Option<String> {
        let dir = TempDir::new();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, bytes).unwrap();
        let mut cmd = Command::new("pdftotext");
        cmd.arg("-layout").arg("-enc").arg("UTF-8");
        if let Some((f, l)) = pages {
            cmd.args(["-f", &f.to_string(), "-l", &l.to_string()]);
        }
        match cmd.arg(&path).arg("-").output() {
            Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
            Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(_) => {
                eprintln!("SKIPPED PDF text check: pdftotext (poppler-utils) is not installed");
                None
            }
        }
    }

    #[test]
    fn nasty_values_print_literally_in_the_pdf() {
        let ts = set(&[(
            "t.typ.tera",
            "#set document(title: {{ title | typst_str }})\n\
             {% for v in values %}{{ v }}\n\n{% endfor %}Inline: [{{ values[0] }}] *{{ values[2] }}*\n",
        )]);
        let ctx = json!({"title": "Report for #Smith* \"O'Brien\" \\ x", "values": NASTY});
        let markup = ts.render("t.typ.tera", &ctx).unwrap();
        let pdf = markup_to_pdf(&markup, &PdfOptions::new(as_of())).unwrap();
        assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
        let Some(text) = pdf_text(&pdf.bytes, None) else {
            return;
        };
        println!("{text}");
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for v in NASTY {
            assert!(
                lines.contains(v),
                "`{v}` not printed literally; text:\n{text}"
            );
        }
        assert!(text.contains("Inline: [#Smith*] O'Brien"), "{text}");
        // Title in metadata (typst_str) is literal too.
        let title = String::from_utf8_lossy(&pdf.bytes).contains("Report for #Smith*");
        assert!(title, "title not found literally in PDF metadata");
    }

    #[test]
    fn european_names_render_and_other_scripts_fail_clearly() {
        let names = "Zoë Brontë, Łukasz Wiśniewski, Nguyễn Thị Minh, Şükrü Öztürk, Dvořák, \
            Siobhán Ní Bhriain, Llŷr Gruffydd, Ŵyn, Đorđe, Ioana Ștefănescu, Ana-María Núñez, \
            Ægir Åsmund, Иван Петров, Σοφία";
        let ts = set(&[("n.typ.tera", "{{ n }}")]);
        let markup = ts.render("n.typ.tera", &json!({ "n": names })).unwrap();
        let pdf = markup_to_pdf(&markup, &PdfOptions::new(as_of())).unwrap();
        assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
        if let Some(text) = pdf_text(&pdf.bytes, None) {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(names), "{flat}");
        }
        // CJK is not in the embedded font: PDF/A forbids missing glyphs.
        let err = markup_to_pdf("Pupil: 王小明", &PdfOptions::new(as_of())).unwrap_err();
        let msg = err.to_string();
        println!("{msg}");
        assert!(msg.contains("王小明") && msg.contains("line 1"), "{msg}");
    }

    #[test]
    fn same_markup_and_date_give_identical_bytes() {
        let markup = "= Title\n\nHello #datetime.today().display()";
        let a = markup_to_pdf(markup, &PdfOptions::new(as_of())).unwrap();
        let b = markup_to_pdf(markup, &PdfOptions::new(as_of())).unwrap();
        assert_eq!(a.bytes, b.bytes);
        let later = NaiveDate::from_ymd_opt(2025, 3, 15).unwrap();
        let c = markup_to_pdf(markup, &PdfOptions::new(later)).unwrap();
        assert_ne!(a.bytes, c.bytes);
        let s = String::from_utf8_lossy(&a.bytes);
        assert!(s.contains("20250314"), "creation date from as_of");
        if let Some(text) = pdf_text(&a.bytes, None) {
            assert!(text.contains("Hello 2025-03-14"), "{text}");
        }
    }

    #[test]
    fn output_is_pdf_a_2b_with_embedded_fonts_only() {
        let pdf = markup_to_pdf("Hello *world* _it_", &PdfOptions::new(as_of())).unwrap();
        let s = String::from_utf8_lossy(&pdf.bytes);
        assert!(s.starts_with("%PDF-1.7"), "{}", &s[..20]);
        assert!(s.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(s.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
        assert!(s.contains("LiberationSans"));
        assert!(s.contains("FontFile2"), "fonts are embedded");
    }

    #[test]
    fn typst_errors_are_readable_with_line_numbers() {
        let err = markup_to_pdf(
            "Line one\n\nLine three #undefined_thing here\n",
            &PdfOptions::new(as_of()),
        )
        .unwrap_err();
        let msg = err.to_string();
        println!("{msg}");
        assert!(
            matches!(err, DocError::Typst { line: Some(3), .. }),
            "{err:?}"
        );
        assert!(
            msg.contains("line 3") && msg.contains("undefined_thing"),
            "{msg}"
        );
    }

    #[test]
    fn warnings_are_reported() {
        let pdf = markup_to_pdf(
            "#set text(font: \"Comic Sans MS\")\nHi",
            &PdfOptions::new(as_of()),
        )
        .unwrap();
        assert_eq!(pdf.warnings.len(), 1, "{:?}", pdf.warnings);
        assert!(pdf.warnings[0].contains("line 1"), "{:?}", pdf.warnings);
    }

    #[test]
    fn package_imports_are_rejected() {
        let err = markup_to_pdf(
            "#import \"@preview/cetz:0.3.0\": canvas\nHi",
            &PdfOptions::new(as_of()),
        )
        .unwrap_err();
        let msg = err.to_string();
        println!("{msg}");
        assert!(msg.contains("package imports are not allowed"), "{msg}");
        assert!(msg.contains("line 1"), "{msg}");
    }

    #[test]
    fn files_are_limited_to_given_assets() {
        let err = markup_to_pdf("#read(\"/etc/passwd\")", &PdfOptions::new(as_of())).unwrap_err();
        assert!(err.to_string().contains("not found"), "{err}");
        let mut opts = PdfOptions::new(as_of());
        opts.assets
            .insert("note.txt".into(), b"from asset".to_vec());
        let pdf = markup_to_pdf("#read(\"note.txt\")", &opts).unwrap();
        if let Some(text) = pdf_text(&pdf.bytes, None) {
            assert!(text.contains("from asset"), "{text}");
        }
    }

    #[test]
    fn sample_letter_spans_two_pages_with_repeated_header_and_page_numbers() {
        let ts = set(&[("sample-letter.typ.tera", SAMPLE)]);
        let ctx: serde_json::Value = serde_json::from_str(SAMPLE_CONTEXT).unwrap();
        let pdf = ts
            .render_pdf("sample-letter.typ.tera", &ctx, &PdfOptions::new(as_of()))
            .unwrap();
        assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
        assert_eq!(pdf.pages, 2);
        let Some(p1) = pdf_text(&pdf.bytes, Some((1, 1))) else {
            return;
        };
        let p2 = pdf_text(&pdf.bytes, Some((2, 2))).unwrap();
        for needle in [
            "Hillside Primary School",
            "12 Church Lane",
            "01234 567890",
            "attendance@hillside.sch.uk",
            "14 March 2025",
            "Mr and Mrs O'Brien",
            "Attendance of Aoife O'Brien",
            "84.6%",
            "Page 1 of 2",
        ] {
            assert!(p1.contains(needle), "page 1 lacks {needle}:\n{p1}");
        }
        for needle in [
            "Date",
            "Session",
            "Code",
            "Meaning",
            "Yours sincerely",
            "Mrs J. Patel",
            "Page 2 of 2",
        ] {
            assert!(p2.contains(needle), "page 2 lacks {needle}:\n{p2}");
        }
    }
}
