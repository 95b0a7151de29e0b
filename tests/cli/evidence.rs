//! Evidence that stands up: sealed records found changed by load and by `case verify`, refused
//! by `case edit`; amendments with original, new, reason, date and who, shown in the next
//! document; seals per part, so two branches merge without conflict (real git).

use crate::support::*;
use predicates::prelude::*;
use std::path::Path;

/// Replace exactly one occurrence of `from` in the case file of MASON, as a person would by hand.
fn hand_edit(ws: &Ws, from: &str, to: &str) {
    let path = case_file(ws.path(), MASON);
    let text = read(&path);
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in the case");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn verify_json(ws: &Ws) -> (bool, Vec<serde_json::Value>) {
    let out = ws
        .at(AS_OF)
        .args(["case", "verify", MASON, "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.success(), rows)
}

fn state_of<'a>(rows: &'a [serde_json::Value], what: &str) -> &'a str {
    rows.iter()
        .find(|r| r["what"] == what)
        .unwrap_or_else(|| panic!("{what} not in {rows:?}"))["state"]
        .as_str()
        .unwrap()
}

#[test]
fn the_example_case_is_as_recorded() {
    let ws = Ws::with_fictional_cases();
    let (ok, rows) = verify_json(&ws);
    assert!(ok, "{rows:?}");
    assert!(rows.iter().all(|r| r["state"] == "ok"), "{rows:?}");
    // every part of the case is there: the opening figures, 2 plans, 1 review, the timeline
    let case = attend::cases::file::parse_case(&read(&case_file(ws.path(), MASON)), Path::new("x"))
        .unwrap();
    assert_eq!(rows.len(), 1 + 2 + 1 + case.timeline.len() + 1, "{rows:?}");
    assert_eq!(
        state_of(&rows, "documents/2025-01-14-concern-letter.txt"),
        "ok"
    );
    ws.at(AS_OF)
        .args(["case", "verify", "--all"])
        .assert()
        .success();
}

/// Each hand edit of a sealed record is found: when the case is read (a warning naming the part
/// and the day it was sealed, and no document issued from it) and by `case verify` (exit 1).
#[test]
fn hand_edits_of_sealed_records_are_found_by_load_and_by_verify() {
    let edits: [(&str, &str, &str, &str); 3] = [
        // the frozen opening figures
        (
            "  possible: 160\n",
            "  possible: 158\n",
            "opening_attendance",
            "sealed on 2025-01-10",
        ),
        // a review's outcome
        (
            "    outcome: some_improvement\n",
            "    outcome: met\n    outcome_reason: Mondays were good\n",
            "plans.1.review",
            "sealed on 2025-02-10",
        ),
        // a filed document's hash on the timeline
        (
            "    sha256: ed9c46c8d160465faa19277e4b9a510bb3f7dd53ace790cceeb41589969032f4\n",
            "    sha256: 0000000000000000000000000000000000000000000000000000000000000000\n",
            "timeline.3",
            "sealed on 2025-01-14",
        ),
    ];
    for (from, to, part, sealed) in edits {
        let ws = Ws::with_fictional_cases();
        let w = ws.path();
        let before = read(&case_file(w, MASON));
        hand_edit(&ws, from, to);
        // load: reading still works, with a warning naming the part and when it was sealed
        ws.at(AS_OF)
            .args(["case", "show", MASON])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!("({part})")))
            .stderr(predicate::str::contains(sealed));
        ws.at(AS_OF)
            .args(["pupil", MASON])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!("({part})")));
        ws.at(AS_OF)
            .args(["case", "list"])
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "1 case has a part changed by hand after it was recorded",
            ));
        // no new document from it, and nothing written
        let files = tree(w);
        let err = run_err(ws.at(AS_OF).args(["letter", "review", MASON]));
        assert!(err.contains("changed by hand"), "{err}");
        assert!(err.contains(&format!("({part})")), "{err}");
        assert!(err.contains("attend case amend"), "{err}");
        assert_eq!(tree(w), files, "a refused document changes nothing");
        // verify: exit 1, the part named as changed
        let (ok, rows) = verify_json(&ws);
        assert!(!ok, "{part}: {rows:?}");
        assert_eq!(state_of(&rows, part), "changed", "{rows:?}");
        let changed: Vec<&serde_json::Value> = rows.iter().filter(|r| r["state"] != "ok").collect();
        if part == "timeline.3" {
            // and the file no longer has the hash the entry now claims
            assert_eq!(changed.len(), 2, "{changed:?}");
            assert_eq!(
                state_of(&rows, "documents/2025-01-14-concern-letter.txt"),
                "changed"
            );
        } else {
            assert_eq!(changed.len(), 1, "{changed:?}");
        }
        // put back as it was: all well again
        std::fs::write(case_file(w, MASON), &before).unwrap();
        assert!(verify_json(&ws).0);
    }
}

#[test]
fn a_changed_missing_or_unrecorded_document_is_reported() {
    let ws = Ws::with_fictional_cases();
    let dir = ws.path().join("cases").join(MASON).join("documents");
    let letter = dir.join("2025-01-14-concern-letter.txt");
    let bytes = std::fs::read(&letter).unwrap();
    std::fs::write(&letter, [&bytes[..], b" "].concat()).unwrap();
    let (ok, rows) = verify_json(&ws);
    assert!(!ok);
    assert_eq!(
        state_of(&rows, "documents/2025-01-14-concern-letter.txt"),
        "changed"
    );
    std::fs::remove_file(&letter).unwrap();
    let (ok, rows) = verify_json(&ws);
    assert!(!ok);
    assert_eq!(
        state_of(&rows, "documents/2025-01-14-concern-letter.txt"),
        "missing"
    );
    std::fs::write(&letter, &bytes).unwrap();
    std::fs::write(dir.join("2025-02-01-letter.pdf"), b"%PDF-1.7 not filed").unwrap();
    let (ok, rows) = verify_json(&ws);
    assert!(!ok);
    assert_eq!(
        state_of(&rows, "documents/2025-02-01-letter.pdf"),
        "unexplained"
    );
    // the table names it too, and the exit status says so
    ws.at(AS_OF)
        .args(["case", "verify", MASON])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("2025-02-01-letter.pdf"))
        .stdout(predicate::str::contains("unexplained"));
}

#[test]
fn case_edit_refuses_a_change_to_a_sealed_part_and_says_how_to_amend() {
    let ws = Ws::with_fictional_cases();
    let w = ws.path();
    let before = read(&case_file(w, MASON));
    let seen = w.join("seen.txt");
    let ed = editor(
        w,
        "sealed.sh",
        &format!(
            r#"if grep -q '^#!' "$1"; then cp "$1" {}; exit 0; fi
sed -i 's/^  possible: 160$/  possible: 158/' "$1""#,
            seen.display()
        ),
    );
    ws.at(AS_OF)
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    let shown = read(&seen);
    assert!(
        shown.contains("the attendance figures frozen when the case was opened (opening_attendance) was sealed on 2025-01-10"),
        "{shown}"
    );
    assert!(
        shown.contains("attend case amend C815381816030 --part opening_attendance --field FIELD --value VALUE --reason"),
        "{shown}"
    );
    assert_eq!(read(&case_file(w, MASON)), before, "nothing was saved");
    // removing a sealed timeline entry is refused too
    let ed = editor(
        w,
        "remove.sh",
        &format!(
            r#"if grep -q '^#!' "$1"; then cp "$1" {}; exit 0; fi
awk '/^- date: 2025-01-13$/ {{ skip = 1; next }} skip && /^- / {{ skip = 0 }} !skip {{ print }}' "$1" > "$1.new"
mv "$1.new" "$1""#,
            seen.display()
        ),
    );
    ws.at(AS_OF)
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    assert!(
        read(&seen).contains("cannot be changed or removed"),
        "{}",
        read(&seen)
    );
    assert_eq!(read(&case_file(w, MASON)), before, "nothing was saved");
}

#[test]
fn an_amendment_keeps_the_original_and_the_next_document_shows_the_correction() {
    let ws = Ws::with_fictional_cases();
    let w = ws.path();
    ws.at(AS_OF)
        .args([
            "case",
            "amend",
            MASON,
            "--part",
            "plans.1",
            "--field",
            "actions.2.owner",
            "--value",
            "Karen Lee and Daniel Lee",
            "--reason",
            "Both parents agreed to the action at the meeting",
        ])
        .assert()
        .success();
    let text = read(&case_file(w, MASON));
    let case = attend::cases::file::parse_case(&text, Path::new("x")).unwrap();
    assert_eq!(
        case.plans[0].actions[1].owner, "Karen Lee",
        "the record stays"
    );
    let a = &case.amendments[..];
    assert_eq!(a.len(), 1);
    assert_eq!(
        (
            a[0].part.as_str(),
            a[0].field.as_str(),
            a[0].original.as_str(),
            a[0].new.as_str(),
            a[0].reason.as_str(),
            a[0].date.to_string(),
            a[0].by.as_str()
        ),
        (
            "plans.1",
            "actions.2.owner",
            "Karen Lee",
            "Karen Lee and Daniel Lee",
            "Both parents agreed to the action at the meeting",
            AS_OF.to_string(),
            OFFICER
        )
    );
    assert!(a[0].seal.is_some(), "the amendment is sealed too");
    assert!(verify_json(&ws).0);
    // the next record of the plan shows the corrected owner, and the correction with its reason
    let source = String::from_utf8(run_ok(ws.at(AS_OF).args([
        "letter", "plan", MASON, "--plan", "1", "--stdout", "--source",
    ])))
    .unwrap();
    assert!(source.contains("Karen Lee and Daniel Lee"), "{source}");
    assert!(source.contains("Corrections to the record"), "{source}");
    assert!(
        source.contains("Both parents agreed to the action at the meeting (Priya Shah)"),
        "{source}"
    );
    let pdf = run_ok(
        ws.at(AS_OF)
            .args(["letter", "plan", MASON, "--plan", "1", "--stdout"]),
    );
    let t = flat(&pdf_text(&pdf));
    assert!(t.contains("Karen Lee and Daniel"), "{t}");
    // and case show lists it
    ws.at(AS_OF)
        .args(["case", "show", MASON])
        .assert()
        .success()
        .stdout(predicate::str::contains("Amendments"))
        .stdout(predicate::str::contains(
            "\"Karen Lee\" to \"Karen Lee and Daniel Lee\"",
        ));
}

#[test]
fn a_hand_change_is_amended_once_its_original_value_matches_the_seal() {
    let ws = Ws::with_fictional_cases();
    hand_edit(&ws, "  possible: 160\n", "  possible: 158\n");
    let amend = |original: Option<&str>| {
        let mut c = ws.at(AS_OF);
        c.args([
            "case",
            "amend",
            MASON,
            "--part",
            "opening_attendance",
            "--field",
            "possible",
            "--value",
            "158",
            "--reason",
            "Two INSET days were counted as sessions",
        ]);
        if let Some(o) = original {
            c.args(["--original", o]);
        }
        c
    };
    let files = tree(ws.path());
    assert!(run_err(amend(None)).contains("changed by hand"));
    assert!(run_err(amend(Some("159"))).contains("still does not match its seal"));
    assert_eq!(
        tree(ws.path()),
        files,
        "a refused amendment changes nothing"
    );
    run_ok(amend(Some("160")));
    let case = attend::cases::file::parse_case(&read(&case_file(ws.path(), MASON)), Path::new("x"))
        .unwrap();
    assert_eq!(case.opening_attendance.as_ref().unwrap().possible, 160);
    assert_eq!(case.amendments[0].original, "160");
    assert_eq!(case.amendments[0].new, "158");
    assert!(verify_json(&ws).0);
}

#[test]
fn two_branches_adding_entries_and_an_amendment_merge_without_conflict() {
    let ws = repo_workspace();
    let w = ws.path();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    ws.at("2025-01-13")
        .args(["case", "log", MASON, "--kind", "call", "Called mum"])
        .assert()
        .success();
    let main = current_branch(w);
    // officer A adds two entries
    git(w, &["checkout", "-q", "-b", "officer-a"]);
    ws.at("2025-01-14")
        .args(["case", "log", MASON, "--kind", "visit", "Home visit"])
        .assert()
        .success();
    ws.at("2025-01-15")
        .args(["case", "log", MASON, "--kind", "note", "Mum rang back"])
        .assert()
        .success();
    // officer B, from the same point, corrects the call and adds an entry of their own
    git(w, &["checkout", "-q", &main]);
    ws.at("2025-01-14")
        .args([
            "case",
            "amend",
            MASON,
            "--part",
            "timeline.2",
            "--field",
            "text",
            "--value",
            "Called dad",
            "--reason",
            "It was the father who answered",
        ])
        .assert()
        .success();
    merge(w, "officer-a");
    let text = read(&case_file(w, MASON));
    let case = attend::cases::file::parse_case(&text, Path::new("case.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(case.timeline.len(), 4, "opened, call, visit, note");
    assert_eq!(case.amendments.len(), 1);
    assert!(attend::cases::seal::broken(&case).is_empty());
    ws.at("2025-01-16")
        .args(["case", "verify", MASON])
        .assert()
        .success();
    ws.at("2025-01-16")
        .args(["case", "show", MASON])
        .assert()
        .success()
        .stdout(predicate::str::contains("Called dad"));
}

#[test]
fn a_case_written_before_seals_loads_and_is_sealed_on_its_next_save() {
    let ws = Ws::with_fictional_cases();
    let path = case_file(ws.path(), MASON);
    let old: String = read(&path)
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("seal: ") && !t.starts_with("opening_attendance_seal: ")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, &old).unwrap();
    // it loads, documents are issued from it, and verify says its parts are not sealed yet
    run_ok(
        ws.at(AS_OF)
            .args(["letter", "review", MASON, "--stdout", "--source"]),
    );
    let (ok, rows) = verify_json(&ws);
    assert!(ok, "{rows:?}");
    assert_eq!(state_of(&rows, "opening_attendance"), "unsealed");
    assert_eq!(state_of(&rows, "timeline.1"), "unsealed");
    // the next save seals every part, dated that day
    ws.at(AS_OF)
        .args(["case", "log", MASON, "--kind", "note", "Checked the file"])
        .assert()
        .success();
    let text = read(&path);
    let case = attend::cases::file::parse_case(&text, Path::new("x")).unwrap();
    let seals = text.matches(&format!("seal: {AS_OF} sha256:")).count();
    assert_eq!(
        seals,
        1 + 2 + 1 + case.timeline.len(),
        "opening figures, 2 plans, 1 review, every entry"
    );
    let (ok, rows) = verify_json(&ws);
    assert!(ok);
    assert!(rows.iter().all(|r| r["state"] == "ok"), "{rows:?}");
}
