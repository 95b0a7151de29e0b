//! The typst source of every built-in document, rendered for the fictional cases on a fixed date,
//! is pinned by snapshots (tests/snapshots/); each document typesets to the same PDF bytes every
//! time, and the PDF filed in the case is that PDF, recorded on the timeline with its SHA-256.

mod documents_support;

use documents_support::*;

#[test]
fn the_typst_source_of_every_built_in_document_is_pinned() {
    let ws = workspace();
    for (name, args) in documents() {
        let source = run_ok(
            at(ws.path(), AS_OF)
                .args(&args)
                .args(["--stdout", "--source"]),
        );
        let source = String::from_utf8(source).unwrap();
        // nothing a family could read as a template artefact
        for bad in ["{{", "{%", "None", "null", "undefined"] {
            assert!(!source.contains(bad), "{name}: {bad:?} in the source");
        }
        insta::assert_snapshot!(name, source);
    }
}

#[test]
fn every_document_typesets_to_the_same_bytes_and_is_filed_as_printed() {
    let ws = workspace();
    for (name, args) in documents() {
        let a = run_ok(at(ws.path(), AS_OF).args(&args).arg("--stdout"));
        let b = run_ok(at(ws.path(), AS_OF).args(&args).arg("--stdout"));
        assert!(a.starts_with(b"%PDF-"), "{name}: not a PDF");
        assert!(a == b, "{name}: two renderings differ");
        let text = String::from_utf8_lossy(&a);
        assert!(
            text.contains("<pdfaid:part>2</pdfaid:part>"),
            "{name}: not PDF/A-2"
        );
        assert!(
            text.contains("20250224"),
            "{name}: creation date is not the as-of date"
        );
        // another day gives another document (the date is printed in it)
        let later = run_ok(at(ws.path(), "2025-02-25").args(&args).arg("--stdout"));
        assert!(later != a, "{name}: the date does not change the document");

        // filed: the same bytes, recorded with their SHA-256
        let id = if name == "notice-to-improve" {
            OLIVER
        } else {
            MASON
        };
        run_ok(at(ws.path(), AS_OF).args(&args));
        let case = read(&case_path(ws.path(), id));
        let last = case.rsplit("- date: ").next().unwrap();
        let path_line = last
            .lines()
            .find(|l| l.trim_start().starts_with("path: "))
            .unwrap_or_else(|| panic!("{name}: no document on the last timeline entry:\n{last}"));
        let rel = path_line.trim().trim_start_matches("path: ");
        assert!(
            rel.starts_with("documents/2025-02-24-"),
            "{name}: filed as {rel}"
        );
        let file = ws.path().join("cases").join(id).join(rel);
        assert!(
            std::fs::read(&file).unwrap() == a,
            "{name}: the filed PDF differs"
        );
        let sha = sha256sum(&file);
        assert!(
            last.contains(&format!("sha256: {sha}")),
            "{name}: the timeline does not hold the file's SHA-256 {sha}:\n{last}"
        );
    }
}
