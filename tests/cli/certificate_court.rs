//! The registration certificate for a magistrates' court (s.566 Education Act 1996): exactly the
//! unauthorised sessions the register holds (the export's own marks, and the generator's truth),
//! everyone with parental responsibility from the case, the import date, the declaration; N marks
//! refused unless the officer says otherwise; the typst source pinned by a snapshot.

use crate::support::*;
use std::collections::BTreeMap;

/// A pupil of the fixture register with unauthorised absence and N marks (generator's truth:
/// codes N 2, O 2).
const CHLOE: &str = "E815399614010";
const END: &str = "2025-03-28";

fn truth_of(upn: &str) -> serde_json::Value {
    let t: serde_json::Value = serde_json::from_str(&read(&fixtures().join("truth.json"))).unwrap();
    t[upn].clone()
}

/// A workspace with the letterhead, and a case for CHLOE whose people the test chose.
fn workspace() -> Ws {
    let ws = Ws::with_fictional_cases();
    ws.at("2025-01-10")
        .args(["case", "open", CHLOE])
        .assert()
        .success();
    add_people(
        &ws,
        CHLOE,
        "- name: Dawn Rogers
  relationship: mother
  parental_responsibility: true
  address:
  - 7 Quarry Row
  - Townley
  - TW1 7QR
- name: Sam Rogers
  relationship: stepfather
  parental_responsibility: false
  address:
  - 7 Quarry Row
  - Townley
  - TW1 7QR
- name: Gary Rogers
  relationship: father
  parental_responsibility: true
  no_contact: true
  address:
  - 1 Hidden Lane
  - Farton
  - FT9 9ZZ
",
    );
    ws
}

fn court_args() -> Vec<&'static str> {
    vec![
        "certificate",
        CHLOE,
        "--court",
        "--from",
        "2024-09-02",
        "--to",
        END,
    ]
}

#[test]
fn unresolved_n_marks_are_refused_unless_the_officer_certifies_them_as_they_stand() {
    let ws = workspace();
    let n = truth_of(CHLOE)["codes"]["N"].as_u64().unwrap();
    assert!(n > 0, "the fixture pupil has N marks");
    let files = tree(ws.path());
    let err = run_err(ws.at(END).args(court_args()));
    assert!(
        err.contains(&format!("{n} sessions in the period are still coded N")),
        "{err}"
    );
    assert!(err.contains("--allow-unresolved"), "{err}");
    assert_eq!(
        tree(ws.path()),
        files,
        "a refused certificate changes nothing"
    );
    // the everyday certificate is not held up by them
    run_ok(ws.at(END).args(["certificate", CHLOE, "--stdout"]));
}

#[test]
fn the_court_certificate_lists_exactly_the_unauthorised_sessions_and_the_parental_responsibility_holders()
 {
    let ws = workspace();
    let ctx: serde_json::Value = serde_json::from_slice(&run_ok(
        ws.at(END)
            .args(court_args())
            .args(["--allow-unresolved", "--context"]),
    ))
    .unwrap();
    // the unauthorised sessions, from the export's own marks (2024 code set: G, N, O, U)
    let ex = export();
    let expected: Vec<(String, String, String)> = ex
        .sessions
        .iter()
        .zip(&ex.marks[CHLOE])
        .filter(|(_, m)| matches!(m.as_str(), "G" | "N" | "O" | "U"))
        .map(|((d, h), m)| (d.clone(), h.clone(), m.clone()))
        .collect();
    let listed: Vec<(String, String, String)> = ctx["certificate"]["unauthorised_days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            let date = d["date"].as_str().unwrap().to_string();
            d["sessions"].as_array().unwrap().iter().map(move |s| {
                (
                    date.clone(),
                    s["half"].as_str().unwrap().to_string(),
                    s["code"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    assert_eq!(listed, expected);
    // and as many, code by code, as the generator's truth says
    let truth = truth_of(CHLOE);
    assert_eq!(
        listed.len() as u64,
        truth["unauthorised"].as_u64().unwrap(),
        "{truth}"
    );
    let mut by_code: BTreeMap<String, u64> = BTreeMap::new();
    for (_, _, c) in &listed {
        *by_code.entry(c.clone()).or_default() += 1;
    }
    for (code, n) in &by_code {
        assert_eq!(truth["codes"][code].as_u64(), Some(*n), "{code}");
    }
    assert_eq!(ctx["court"]["unresolved"], truth["codes"]["N"]);
    assert_eq!(
        ctx["court"]["unauthorised_sessions"].as_u64(),
        truth["unauthorised"].as_u64()
    );
    // everyone with parental responsibility, and only them
    let names: Vec<&str> = ctx["court"]["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dawn Rogers", "Gary Rogers"]);
    assert_eq!(ctx["court"]["age"]["throughout"], true);
    assert!(ctx["court"]["import"]["date"].is_string());

    // the PDF says so
    let pdf = run_ok(
        ws.at(END)
            .args(court_args())
            .args(["--allow-unresolved", "--stdout"]),
    );
    let text = flat(&pdf_text(&pdf));
    for needle in [
        "Dawn Rogers",
        "7 Quarry Row, Townley, TW1 7QR",
        "Gary Rogers",
        "Not shown: a no-contact order is recorded",
        "Section 566, Education Act 1996",
        "I certify that the particulars of attendance given in this certificate are extracted from the attendance register",
        "Mrs A. Bello",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    assert!(!text.contains("Sam Rogers"), "no parental responsibility");
    assert!(
        !text.contains("1 Hidden Lane"),
        "a no-contact address is not shown"
    );
    assert!(text.contains("coded N (reason for absence not yet established)"));
    for (d, h, c) in &expected {
        let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let day = date.format("%A %-d %B %Y").to_string();
        assert!(text.contains(&day), "{day} not listed");
        assert!(text.contains(&format!("{h} ({c})")), "{h} ({c})");
    }

    // filed: on the timeline, with its SHA-256
    run_ok(ws.at(END).args(court_args()).arg("--allow-unresolved"));
    let case = read(&case_file(ws.path(), CHLOE));
    assert!(
        case.contains("documents/2025-03-28-court-certificate.pdf"),
        "{case}"
    );
}

#[test]
fn a_court_certificate_needs_someone_with_parental_responsibility() {
    let ws = Ws::with_fictional_cases();
    ws.at("2025-01-10")
        .args(["case", "open", CHLOE])
        .assert()
        .success();
    let err = run_err(ws.at(END).args(court_args()).arg("--allow-unresolved"));
    assert!(err.contains("nobody with parental responsibility"), "{err}");
}

#[test]
fn the_court_certificate_setting_makes_it_the_default() {
    let ws = workspace();
    let cfg = ws.path().join("attend.yaml");
    let text = read(&cfg);
    std::fs::write(&cfg, format!("{text}\ncertificate:\n  court: true\n")).unwrap();
    let err = run_err(
        ws.at(END)
            .args(["certificate", CHLOE, "--from", "2024-09-02"]),
    );
    assert!(err.contains("--allow-unresolved"), "{err}");
}

#[test]
fn the_typst_source_of_the_court_certificate_is_pinned() {
    let ws = Ws::with_fictional_cases();
    // the import's time stamp is the clock's: fix it so the source is the same every run
    let imports = ws.path().join("register").join("imports.csv");
    let text = read(&imports);
    let fixed: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                let (_, rest) = l.split_once(',').unwrap();
                format!("2025-02-21T16:05:00Z,{rest}\n")
            }
        })
        .collect();
    std::fs::write(&imports, fixed).unwrap();
    let source = String::from_utf8(run_ok(ws.at(AS_OF).args([
        "certificate",
        MASON,
        "--court",
        "--stdout",
        "--source",
    ])))
    .unwrap();
    assert_no_artefacts("court-certificate", &source);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("documents_snapshots__court-certificate", source);
    });
}
