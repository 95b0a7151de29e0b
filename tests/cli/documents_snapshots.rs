//! The typst source of every built-in document, rendered for the fictional cases on a fixed date,
//! is pinned by snapshots (tests/snapshots/); each document typesets to the same PDF bytes every
//! time, and the PDF filed in the case is that PDF, recorded on the timeline with its SHA-256.

use crate::support::*;

#[test]
fn the_typst_source_of_every_built_in_document_is_pinned() {
    let ws = Ws::with_fictional_cases();
    for (name, args) in documents() {
        let source = run_ok(ws.at(AS_OF).args(&args).args(["--stdout", "--source"]));
        let source = String::from_utf8(source).unwrap();
        // nothing a family could read as a template artefact
        assert_no_artefacts(name, &source);
        // tests/snapshots/documents_snapshots__NAME.snap, named as when this was its own test
        // binary
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(format!("documents_snapshots__{name}"), source);
        });
    }
}

#[test]
fn every_document_typesets_to_the_same_bytes_and_is_filed_as_printed() {
    let ws = Ws::with_fictional_cases();
    for (name, args) in documents() {
        let a = run_ok(ws.at(AS_OF).args(&args).arg("--stdout"));
        let b = run_ok(ws.at(AS_OF).args(&args).arg("--stdout"));
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
        let later = run_ok(ws.at("2025-02-25").args(&args).arg("--stdout"));
        assert!(later != a, "{name}: the date does not change the document");

        // filed: the same bytes, recorded with their SHA-256
        let id = match name {
            "notice-to-improve" => OLIVER,
            "target-met" => ELLIE,
            _ => MASON,
        };
        run_ok(ws.at(AS_OF).args(&args));
        let case = read(&case_file(ws.path(), id));
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

#[test]
fn a_case_with_almost_nothing_recorded_gives_documents_without_gaps_or_artefacts() {
    // The fictional cases are full. A case opened by plan new, with one parent known by name
    // and postal address only (no relationship, no title, no phone: a letter needs someone to
    // post it to), one attendee, one action and no review yet, must still give every document
    // without an empty section, a stray value or a template artefact.
    let ws = Ws::with_fictional_cases();
    let id = "E815399614010";
    run_ok(ws.at(AS_OF).args([
        "plan",
        "new",
        id,
        "--target",
        "no-unauthorised",
        "--weeks",
        "3",
        "--attendee",
        "Priya Shah|Attendance Officer",
        "--parents-absent",
        "--action",
        "school|Daily check-in|Tom Reid",
    ]));
    let path = case_file(ws.path(), id);
    let case = read(&path).replacen(
        "\nopening_attendance:",
        "\npeople:\n- name: Sam Rogers\n  parental_responsibility: true\n  address:\n  - 1 Low Road\n  - TW1 1AA\nopening_attendance:",
        1,
    );
    std::fs::write(&path, case).unwrap();
    let check = |date: &str, args: &[&str]| {
        let name = format!("{} ({date})", args[..2].join(" "));
        let source = run_ok(ws.at(date).args(args).args(["--stdout", "--source"]));
        assert_no_artefacts(&name, &String::from_utf8(source).unwrap());
        let pdf = run_ok(ws.at(date).args(args).arg("--stdout"));
        let text = flat(&pdf_text(&pdf));
        for bad in ["{{", "{%", "None", "null", "undefined", "NaN"] {
            assert!(!text.contains(bad), "{name}: {bad:?} in the PDF:\n{text}");
        }
        text
    };
    let text = check(AS_OF, &["letter", "concern", id]);
    assert!(text.contains("Dear Sam Rogers,"), "{text}");
    check(
        AS_OF,
        &[
            "letter",
            "invitation",
            id,
            "--date",
            "2025-03-03",
            "--time",
            "9:30",
        ],
    );
    check(AS_OF, &["letter", "plan", id]);
    let text = check(AS_OF, &["letter", "plan-letter", id]);
    assert!(text.contains("made in your absence"), "{text}");
    check(AS_OF, &["certificate", id]);
    check(AS_OF, &["letter", "referral", id]);
    run_ok(ws.at("2025-03-17").args([
        "review",
        id,
        "--parents-absent",
        "--action-status",
        "1=done",
        "--decision",
        "continue",
        "--next-action",
        "school|Weekly call home|Tom Reid",
    ]));
    check("2025-03-17", &["letter", "review", id]);
    check("2025-03-17", &["letter", "plan", id]);
    check("2025-03-17", &["letter", "referral", id]);
}

#[test]
#[should_panic(expected = "has nothing under it")]
fn the_artefact_check_finds_a_heading_with_nothing_under_it() {
    assert_no_artefacts(
        "example",
        "== Support in place in school\n\n== What is going well\nMason enjoys art.\n",
    );
}

#[test]
fn the_artefact_check_passes_a_heading_with_a_subheading_and_text() {
    assert_no_artefacts(
        "example",
        "== Actions agreed\n\n=== School agrees to\n#datatable()\n\n== Review\nOn Monday.\n",
    );
}
