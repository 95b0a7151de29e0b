//! `attend case ...`: a case through its life, checked byte for byte; hand edits that are wrong
//! are refused with their line; the example case in cases/ loads, matches the schema and
//! survives a round trip unchanged.

use crate::support::*;
use predicates::prelude::*;
use std::path::Path;

/// Mason Lee in the fixture register: 79.4% on 10/01/2025, persistent absence.
const MASON: &str = "C815381816030";

#[test]
fn a_case_through_its_life_matches_the_expected_files() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    let file = case_file(w, MASON);

    ws.at("2025-01-10")
        .args([
            "case",
            "open",
            MASON,
            "--reason",
            "Persistent absence, falling since October",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Opened a case for C815381816030 (Lee, Mason), Year 8, 8A",
        ))
        .stderr(predicate::str::contains(
            "79.4% (127 of 160 possible sessions, 02/09/2024 to 10/01/2025), persistent absence",
        ));
    expect_file("life-1-open.yaml", &read(&file));
    assert_matches_schema(&file);

    ws.at("2025-01-13")
        .args([
            "case",
            "log",
            MASON,
            "--kind",
            "call",
            "--with",
            "Karen Lee (mother)",
        ])
        .arg("Discussed the absences; mum says stomach aches on school mornings")
        .assert()
        .success();
    ws.at("2025-01-14")
        .args([
            "case",
            "log",
            MASON,
            "--kind",
            "visit",
            "--date",
            "2025-01-14",
            "--by",
            "Tom Reid",
        ])
        .arg("Home visit: nobody in; card left")
        .assert()
        .success();
    expect_file("life-2-log.yaml", &read(&file));

    ws.at("2025-01-14")
        .args(["case", "stage", MASON, "understand"])
        .assert()
        .success();
    // two steps up needs a reason, and a refusal changes nothing
    let before = read(&file);
    ws.at("2025-01-15")
        .args(["case", "stage", MASON, "formal"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "skips 1 stage: give the reason with --reason",
        ));
    assert_eq!(read(&file), before);
    ws.at("2025-01-15")
        .args([
            "case",
            "stage",
            MASON,
            "formal",
            "--reason",
            "Local authority asked for a referral",
        ])
        .assert()
        .success();
    expect_file("life-3-stage.yaml", &read(&file));

    // an edit by file: add a parent before the timeline
    let ed = editor(
        w,
        "add-parent.sh",
        r#"awk '/^timeline:$/ { print "people:"; print "- name: Karen Lee"; print "  relationship: mother"; print "  parental_responsibility: true"; print "  phone: 07700 900123" } { print }' "$1" > "$1.new"
mv "$1.new" "$1""#,
    );
    ws.at("2025-01-16")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success()
        .stderr(predicate::str::contains("Saved the case of C815381816030"));
    expect_file("life-4-edit.yaml", &read(&file));

    ws.at("2025-03-28")
        .args([
            "case",
            "close",
            MASON,
            "--reason",
            "Attendance above 95% since February half term",
        ])
        .assert()
        .success();
    expect_file("life-5-close.yaml", &read(&file));
    assert_matches_schema(&file);

    // closed cases are listed only when asked for
    ws.at("2025-03-28")
        .args(["case", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(MASON).not());
    ws.at("2025-03-28")
        .args(["case", "list", "--stage", "closed", "--format", "csv"])
        .assert()
        .success()
        .stdout("upn,surname,forename,stage,opened,last_event,next_review,overdue\nC815381816030,Lee,Mason,closed,2025-01-10,2025-03-28,,false\n");
    // reopening needs a reason
    ws.at("2025-04-01")
        .args(["case", "stage", MASON, "monitor"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("reopening it needs a reason"));
}

#[test]
fn opening_twice_points_at_the_existing_case() {
    let ws = Ws::with_fixture_register();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    let before = read(&case_file(ws.path(), MASON));
    ws.at("2025-01-11")
        .args(["case", "open", MASON])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "C815381816030 already has a case (cases/C815381816030/case.yaml, stage monitor)",
        ))
        .stderr(predicate::str::contains("attend case show C815381816030"));
    assert_eq!(read(&case_file(ws.path(), MASON)), before);
}

#[test]
fn a_pupil_not_in_the_register_needs_names() {
    let ws = Ws::with_fixture_register();
    let upn = "B801200005001";
    ws.at("2025-01-10")
        .args(["case", "open", upn])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "B801200005001 is not in the register (40 pupils imported)",
        ))
        .stderr(predicate::str::contains("--surname NAME --forename NAME"));
    assert!(!ws.path().join("cases").join(upn).exists());
    ws.at("2025-01-10")
        .args([
            "case",
            "open",
            upn,
            "--surname",
            "Newman",
            "--forename",
            "Ava",
            "--year",
            "9",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "is not in the register: the case holds the names given, and no attendance figures",
        ));
    let text = read(&case_file(ws.path(), upn));
    assert!(
        text.contains("  surname: Newman\n  forename: Ava\n  year: '9'\n"),
        "{text}"
    );
    assert!(!text.contains("opening_attendance"));
}

#[test]
fn ids_that_are_not_upns_never_become_paths() {
    let ws = Ws::with_fixture_register();
    for bad in ["../../etc", "C815381816031", "ADNO-../x", "cases", ""] {
        ws.at("2025-01-10")
            .args(["case", "open", bad, "--surname", "X", "--forename", "Y"])
            .assert()
            .failure();
    }
    let entries: Vec<_> = std::fs::read_dir(ws.path().join("cases"))
        .unwrap()
        .collect();
    assert!(entries.is_empty(), "nothing was written");
    ws.at("2025-01-10")
        .args(["case", "show", "C815381816031"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("check letter should be"));
}

/// Write a case by hand and read it with `case show`.
fn show_after_hand_edit(ws: &Ws, from: &str, to: &str) -> String {
    let w = ws.path();
    let file = case_file(w, MASON);
    let text = read(&file);
    assert!(text.contains(from), "the case holds {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    let out = ws
        .at("2025-01-20")
        .args(["case", "show", MASON])
        .assert()
        .failure();
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

#[test]
fn hand_edits_with_an_unknown_field_or_a_bad_date_are_refused_with_their_line() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    // add a person with a misspelt field: line 3 of the people block
    let file = case_file(w, MASON);
    let good = read(&file);
    let err = show_after_hand_edit(
        &ws,
        "timeline:\n",
        "people:\n- name: Karen Lee\n  relationshp: mother\ntimeline:\n",
    );
    let line = good.lines().position(|l| l == "timeline:").unwrap() + 3;
    assert!(err.contains(&format!("cases/C815381816030/case.yaml, line {line}, field people[1]: unknown field (check its spelling) `relationshp`")), "{err}");
    // a date that does not exist
    std::fs::write(&file, &good).unwrap();
    let err = show_after_hand_edit(&ws, "opened: 2025-01-10", "opened: 2025-02-30");
    let line = good
        .lines()
        .position(|l| l == "opened: 2025-01-10")
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "case.yaml, line {line}, field opened: input is out of range"
        )),
        "{err}"
    );
    // a value that breaks a rule, found after reading: the line of the field
    std::fs::write(&file, &good).unwrap();
    let err = show_after_hand_edit(&ws, "  kind: opened\n", "  kind: stage\n");
    // the field is missing: the line of the entry that lacks it (the one before "kind")
    let line = good.lines().position(|l| l == "  kind: opened").unwrap();
    assert!(err.contains(&format!("line {line}, field timeline[1].stage: a stage entry says the stage it moved from and to")), "{err}");
    // a case file in the wrong pupil's folder
    std::fs::write(&file, &good).unwrap();
    let err = show_after_hand_edit(&ws, "  id: C815381816030", "  id: N815361117010");
    assert!(err.contains("line 5, field pupil.id: the case is for N815361117010, but it is in the folder of C815381816030"), "{err}");
}

#[test]
fn log_refuses_future_dates_and_documents_outside_the_case() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    let before = read(&case_file(w, MASON));
    ws.at("2025-01-10")
        .args([
            "case",
            "log",
            MASON,
            "--kind",
            "call",
            "--date",
            "2025-01-11",
            "Called",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "2025-01-11 is after today (2025-01-10)",
        ));
    std::fs::write(w.join("outside.pdf"), "x").unwrap();
    ws.at("2025-01-10")
        .args(["case", "log", MASON, "--kind", "letter", "--document"])
        .arg(w.join("outside.pdf"))
        .arg("Letter sent")
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not inside the case folder"));
    ws.at("2025-01-10")
        .args(["case", "log", MASON, "--kind", "note", "  "])
        .assert()
        .failure();
    assert_eq!(read(&case_file(w, MASON)), before);
    // a document inside the case folder is recorded with its SHA-256
    let docs = w.join("cases").join(MASON).join("documents");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("letter.txt"), "hello\n").unwrap();
    ws.at("2025-01-10")
        .args([
            "case",
            "log",
            MASON,
            "--kind",
            "letter",
            "--document",
            "documents/letter.txt",
            "Letter of concern sent",
        ])
        .assert()
        .success();
    let text = read(&case_file(w, MASON));
    assert!(
        text.contains("  document:\n    path: documents/letter.txt\n    sha256: 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"),
        "{text}"
    );
}

#[test]
fn the_example_case_loads_matches_the_schema_and_survives_a_round_trip() {
    let path = repo().join("cases/C815381816030/case.yaml");
    let text = read(&path);
    let case = attend::cases::file::parse_case(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        attend::cases::file::case_text(&case).unwrap(),
        text,
        "load then save changes no byte"
    );
    assert_matches_schema(&path);
    // its documents are there, as recorded
    for e in case.timeline.iter().filter_map(|e| e.document.as_ref()) {
        let bytes = std::fs::read(path.parent().unwrap().join(&e.path)).unwrap();
        assert_eq!(
            attend::cases::store::sha256_hex(&bytes),
            e.sha256,
            "{}",
            e.path
        );
    }
    // and `case show` reads it in a workspace with the fixture register
    let ws = Ws::with_fixture_register();
    let dir = ws.path().join("cases").join(MASON);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("case.yaml"), &text).unwrap();
    ws.at("2025-02-14")
        .args(["case", "show", MASON])
        .assert()
        .success()
        .stdout(predicate::str::contains("Karen Lee (mother); parental responsibility: yes; lives with the pupil"))
        .stdout(predicate::str::contains("Muhammad Patel, year 7, N815361117010 at this school, no case; attendance 83.3% (175 of 210 possible sessions"))
        .stdout(predicate::str::contains("Plan 2 (meeting 2025-02-10), open: 95% attendance over 3 weeks; review due 2025-03-03"));
}

#[test]
fn the_schema_refuses_what_attend_refuses() {
    let schema: serde_json::Value =
        serde_json::from_str(&read(&repo().join("cases/case.schema.json"))).unwrap();
    let text = read(&repo().join("cases/C815381816030/case.yaml"));
    let mut v: serde_json::Value = attend::yaml::from_str(&text, Path::new("case.yaml")).unwrap();
    assert!(schema_problems(&schema, &v).is_empty());
    v["people"][0]["relationshp"] = "mother".into();
    v["stage"] = "escalated".into();
    v["opened"] = "10/01/2025".into();
    let problems = schema_problems(&schema, &v);
    assert_eq!(problems.len(), 3, "{problems:?}");
}

#[test]
fn stages_are_read_fast_for_thousands_of_cases() {
    let ws = Ws::empty();
    let example = read(&repo().join("cases/C815381816030/case.yaml"));
    let mut ids = Vec::new();
    for i in 0..3000u32 {
        let upn = attend::upn::Upn::from_body(&format!("9990000{i:05}")).unwrap();
        let stage = ["monitor", "support", "enforce"][i as usize % 3];
        let text = example
            .replacen(&format!("id: {MASON}"), &format!("id: {upn}"), 1)
            .replacen("stage: support\n", &format!("stage: {stage}\n"), 1);
        let dir = ws.path().join("cases").join(upn.as_str());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("case.yaml"), text).unwrap();
        ids.push((upn, stage));
    }
    let w = attend::workspace::Workspace::open(ws.path()).unwrap();
    let t = std::time::Instant::now();
    let stages = attend::cases::stages(&w).unwrap();
    let took = t.elapsed();
    assert_eq!(stages.len(), 3000);
    for (upn, stage) in &ids {
        assert_eq!(stages[&attend::upn::PupilId::from(*upn)].as_str(), *stage);
    }
    assert!(
        took.as_secs_f64() < 2.0,
        "stages() took {took:?} for 3000 cases"
    );
    // the fast read agrees with the full one
    for (upn, _) in ids.iter().step_by(60) {
        let id = attend::upn::PupilId::from(*upn);
        let c = attend::cases::store::load_existing(&w, &id).unwrap();
        assert_eq!(stages[&id], c.stage);
    }
}

#[test]
fn list_shows_stage_last_entry_and_overdue_reviews() {
    let ws = Ws::with_fixture_register();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    ws.at("2025-01-10")
        .args(["case", "open", "N815361117010"])
        .assert()
        .success();
    ws.at("2025-01-20")
        .args([
            "plan",
            "new",
            MASON,
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Karen Lee|Mother",
        ])
        .args([
            "--action",
            "parents|Phone by 9am on any day of absence|Karen Lee",
            "--action",
            "school|Daily check-in|Tom Reid",
        ])
        .assert()
        .success();
    ws.at("2025-02-11")
        .args(["case", "list", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"next_review\": \"2025-02-10\",\n    \"overdue\": true",
        ));
    ws.at("2025-02-11")
        .args(["case", "list", "--overdue", "--format", "csv"])
        .assert()
        .success()
        .stdout("upn,surname,forename,stage,opened,last_event,next_review,overdue\nC815381816030,Lee,Mason,support,2025-01-10,2025-01-20,2025-02-10,true\n");
    ws.at("2025-02-11")
        .args(["case", "list", "--stage", "monitor"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("N815361117010").and(predicate::str::contains(MASON).not()),
        );
    ws.at("2025-02-11")
        .args(["case", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("OVERDUE"));
}
