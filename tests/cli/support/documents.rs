//! The document tests: the date they write on, the two fictional cases (see
//! [`Ws::with_fictional_cases`](super::Ws::with_fictional_cases)), every built-in document, and
//! PDFs read back with pdftotext.

use assert_cmd::Command;
use std::borrow::BorrowMut;
use std::path::Path;

/// The date every document in the tests is written on.
pub const AS_OF: &str = "2025-02-24";
/// The example case in the repository's cases/ (Mason Lee: two plans, a review).
pub const MASON: &str = "C815381816030";
/// tests/fixtures/documents/K815375514034.yaml (Oliver Mitchell: severe absence, escalated to a
/// Notice to Improve).
pub const OLIVER: &str = "K815375514034";
/// tests/fixtures/documents/L815363715050.yaml (Ellie Russell: a plan closed with its target met
/// on 3 February 2025; both parents at one address, her mother at the meetings). Made with attend
/// plan new and review from the fixture register.
pub const ELLIE: &str = "L815363715050";

/// Run and return stdout, failing the test with stderr when the command fails.
pub fn run_ok(mut c: impl BorrowMut<Command>) -> Vec<u8> {
    let out = c.borrow_mut().output().unwrap();
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Run a command that must fail; returns stderr.
pub fn run_err(mut c: impl BorrowMut<Command>) -> String {
    let out = c.borrow_mut().output().unwrap();
    assert!(
        !out.status.success(),
        "command succeeded but should have failed; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// The text of a PDF, by poppler's pdftotext (CI installs poppler-utils: see .ci/run).
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs: install poppler-utils (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of each page of a PDF, in order (pdftotext ends each page with a form feed).
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let text = pdf_text(bytes);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if text.ends_with('\u{c}') {
        pages.pop();
    }
    pages
}

/// Whitespace collapsed to single spaces (line breaks in a PDF fall anywhere).
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-case hex SHA-256 of a file, computed by sha256sum (independently of attend).
pub fn sha256sum(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs");
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Every built-in document for the fictional cases: (name, arguments after `--as-of`).
pub fn documents() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("concern-letter", vec!["letter", "concern-letter", MASON]),
        (
            "invitation",
            vec![
                "letter",
                "invitation",
                MASON,
                "--date",
                "2025-03-03",
                "--time",
                "9:30",
                "--place",
                "Meeting room 2, Townley Academy",
                "--minutes",
                "30",
                "--attendee",
                "Priya Shah|Attendance Officer",
                "--attendee",
                "Tom Reid|Head of Year 8",
            ],
        ),
        ("plan", vec!["letter", "plan", MASON, "--plan", "1"]),
        (
            "plan-letter",
            vec![
                "letter",
                "plan-letter",
                MASON,
                "--time",
                "15:30",
                "--place",
                "Meeting room 2, Townley Academy",
            ],
        ),
        ("review", vec!["letter", "review", MASON]),
        ("certificate", vec!["certificate", MASON]),
        (
            "notice-to-improve",
            vec![
                "letter",
                "notice-to-improve",
                OLIVER,
                "--support",
                "A weekly meeting with Tom Reid, Head of Year 10, to plan Oliver's week",
                "--support",
                "An early help assessment with Townley Council's Early Help team",
            ],
        ),
        ("referral", vec!["letter", "referral", MASON]),
        (
            "review-invitation",
            vec![
                "letter",
                "review-invitation",
                MASON,
                "--time",
                "15:30",
                "--place",
                "Meeting room 2, Townley Academy",
                "--attendee",
                "Priya Shah|Attendance Officer",
                "--attendee",
                "Tom Reid|Head of Year 8",
            ],
        ),
        (
            "rearranged",
            vec![
                "letter",
                "rearranged",
                MASON,
                "--date",
                "2025-03-05",
                "--time",
                "9:00",
                "--place",
                "Meeting room 2, Townley Academy",
            ],
        ),
        ("target-met", vec!["letter", "target-met", ELLIE]),
    ]
}

/// Fail when typst source `source` of document `name` holds anything a family could read as a
/// template artefact: tera syntax left over, a `None`/`null`/`undefined`/`NaN` where a value
/// should be, or a heading with nothing under it (an empty section).
pub fn assert_no_artefacts(name: &str, source: &str) {
    for bad in ["{{", "{%", "{#", "None", "null", "undefined", "NaN"] {
        assert!(!source.contains(bad), "{name}: {bad:?} in the source");
    }
    let lines: Vec<&str> = source.lines().collect();
    let level = |l: &str| {
        let t = l.trim_start();
        let n = t.chars().take_while(|c| *c == '=').count();
        (n > 0 && (t.len() == n || t[n..].starts_with([' ', '\t']))).then_some(n)
    };
    for (i, line) in lines.iter().enumerate() {
        let Some(n) = level(line) else { continue };
        let title = line.trim_start()[n..].trim();
        assert!(
            !title.is_empty(),
            "{name}: an empty heading on line {}",
            i + 1
        );
        let next = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        let empty = match next {
            None => true,
            Some(l) => {
                l == "]"
                    || l.starts_with("#metadata(\"part-end\")")
                    || level(l).is_some_and(|m| m <= n)
            }
        };
        assert!(
            !empty,
            "{name}: the heading {title:?} on line {} has nothing under it",
            i + 1
        );
    }
}
