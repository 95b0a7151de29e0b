//! `attend bundle`: the referral summary and the certificate for a court filed, then one PDF of
//! numbered exhibits with an index, the chronology and a manifest; the manifest's SHA-256 are the
//! filed files' and their copies'; refused while `case verify` finds a problem.

use crate::support::*;
use std::path::Path;

fn bundle_dir(ws: &Ws) -> std::path::PathBuf {
    ws.path()
        .join("cases")
        .join(MASON)
        .join("bundles")
        .join(format!("{AS_OF}-bundle"))
}

fn sha256_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_bundle_manifest_hashes_equal_the_files() {
    let ws = Ws::with_fictional_cases();
    // a record and a letter filed before the bundle
    run_ok(
        ws.at("2025-02-20")
            .args(["letter", "plan", MASON, "--plan", "1"]),
    );
    run_ok(ws.at("2025-02-21").args([
        "letter",
        "plan-letter",
        MASON,
        "--time",
        "15:30",
        "--place",
        "Meeting room 2",
    ]));
    run_ok(ws.at(AS_OF).args(["bundle", MASON]));
    let dir = bundle_dir(&ws);
    let case_dir = ws.path().join("cases").join(MASON);
    let manifest = read(&dir.join("manifest.csv"));
    let rows = csv_rows(&manifest);
    assert_eq!(
        rows[0],
        [
            "exhibit",
            "title",
            "date",
            "sent_to",
            "file",
            "case_path",
            "bytes",
            "sha256"
        ]
    );
    let rows = &rows[1..];
    // the referral summary and the certificate first, then what was filed, in date order
    let paths: Vec<&str> = rows.iter().map(|r| r[5].as_str()).collect();
    assert_eq!(
        paths,
        [
            "documents/2025-02-24-referral.pdf",
            "documents/2025-02-24-court-certificate.pdf",
            "documents/2025-01-14-concern-letter.txt",
            "documents/2025-02-20-plan-1.pdf",
            "documents/2025-02-21-plan-letter-2.pdf",
        ]
    );
    let case = attend::cases::file::parse_case(&read(&case_file(ws.path(), MASON)), Path::new("x"))
        .unwrap();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], (i + 1).to_string());
        let filed = std::fs::read(case_dir.join(&r[5])).unwrap();
        let copy = std::fs::read(dir.join("exhibits").join(&r[4])).unwrap();
        assert_eq!(
            copy, filed,
            "{}: the copy is the filed file, byte for byte",
            r[5]
        );
        assert_eq!(sha256_of(&filed), r[7], "{}", r[5]);
        assert_eq!(filed.len().to_string(), r[6]);
        // and the SHA-256 the timeline recorded when it was filed
        let recorded = case
            .timeline
            .iter()
            .filter_map(|e| e.document.as_ref())
            .find(|d| d.path == r[5])
            .unwrap_or_else(|| panic!("{} not on the timeline", r[5]));
        assert_eq!(recorded.sha256, r[7]);
    }
    // the PDF: the index names every exhibit; the manifest page gives every SHA-256; the pages
    // of each filed PDF are in it
    let pdf = std::fs::read(dir.join("bundle.pdf")).unwrap();
    let text = flat(&pdf_text(&pdf));
    for r in rows {
        assert!(text.contains(&r[1]), "{} not in the bundle", r[1]);
        assert!(text.contains(&r[7]), "{} not in the manifest page", r[7]);
        assert!(text.contains(&format!("Exhibit {}", r[0])));
    }
    assert!(text.contains("Attendance referral summary"));
    assert!(text.contains("Section 566, Education Act 1996"));
    assert!(
        text.contains("Letter of concern (fictional)"),
        "the text exhibit"
    );
    assert!(text.contains("chronology of the case"));
    // the bundle is on the timeline, with the SHA-256 of its PDF, and the case is as recorded
    let last = case.timeline.last().unwrap();
    let doc = last.document.as_ref().unwrap();
    assert_eq!(doc.path, format!("bundles/{AS_OF}-bundle/bundle.pdf"));
    assert_eq!(doc.sha256, sha256_of(&pdf));
    ws.at(AS_OF)
        .args(["case", "verify", MASON])
        .assert()
        .success();
}

#[test]
fn no_bundle_is_made_while_case_verify_finds_a_problem() {
    let ws = Ws::with_fictional_cases();
    let letter = ws
        .path()
        .join("cases")
        .join(MASON)
        .join("documents/2025-01-14-concern-letter.txt");
    let bytes = std::fs::read(&letter).unwrap();
    std::fs::write(&letter, [&bytes[..], b"edited"].concat()).unwrap();
    let files = tree(ws.path());
    let err = run_err(ws.at(AS_OF).args(["bundle", MASON]));
    assert!(
        err.contains("no bundle is made while the case is not as recorded"),
        "{err}"
    );
    assert!(
        err.contains("documents/2025-01-14-concern-letter.txt (changed)"),
        "{err}"
    );
    assert_eq!(tree(ws.path()), files, "a refused bundle changes nothing");
}
