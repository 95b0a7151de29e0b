//! The law's edges through the binary: compulsory school age (who the legal steps can be taken
//! for) and the penalty-notice ledger, on registers built by hand.

use crate::support::*;
use chrono::NaiveDate;
use predicates::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 12 weeks from Monday 6 January 2025 (half term, week 6, closed): 55 school days to Friday
/// 28 March. Each pupil is absent (O) on the school days given, present otherwise.
fn register(ws: &Ws, pupils: Vec<HandPupil>) -> Vec<NaiveDate> {
    hand_register(ws, d(2025, 1, 6), 12, &[6], &pupils)
}

fn absent(days: &'static [std::ops::RangeInclusive<usize>]) -> impl Fn(usize, bool) -> String {
    move |k, pm| {
        if days.iter().any(|r| r.contains(&k)) {
            "O".into()
        } else {
            present(pm)
        }
    }
}

const PARENTS: &str = "- name: Sam Carter\n  relationship: mother\n  parental_responsibility: true\n  address: [1 Road, Town]\n- name: Alex Carter\n  relationship: father\n  parental_responsibility: true\n  address: [2 Street, Town]\n";

fn open_with_parents(ws: &Ws, id: &str) {
    ws.at("2025-01-06")
        .args(["case", "open", id])
        .assert()
        .success();
    add_people(ws, id, PARENTS);
}

fn ledger_yaml(ws: &Ws, id: &str) -> serde_yaml::Value {
    load_yaml(&case_file(ws.path(), id))
}

#[test]
fn the_ledger_counts_per_parent_with_the_framework_amounts() {
    let ws = Ws::empty();
    // Year 9: O on days 0-9 (10 days = 20 sessions, weeks 0-1) and 35-44 (weeks 8-9)
    let days = register(
        &ws,
        vec![HandPupil::new(
            1,
            "Carter",
            "9",
            "2010-11-20",
            absent(&[0..=9, 35..=44]),
        )],
    );
    let id = upn(1);
    open_with_parents(&ws, &id);
    let first = format!("{}..{}", days[0], days[9]);
    let second = format!("{}..{}", days[35], days[44]);
    // the first notice to Sam Carter: £160, reduced to £80 within 21 days
    ws.at("2025-03-28")
        .args(["penalty", "record", &id, "--parent", "1", "--issued", "2025-01-24", "--sessions", &first])
        .assert()
        .success()
        .stderr(predicate::str::contains("the first within three years (£160 if paid within 28 days, reduced to £80 if paid within 21 days)"))
        .stderr(predicate::str::contains("resting on 20 unauthorised sessions"))
        .stderr(predicate::str::contains("Stage: monitor -> enforce"));
    let v = ledger_yaml(&ws, &id);
    let n1 = yaml_at(&v, &["penalty_notices", "0"]);
    assert_eq!(n1["parent"].as_str(), Some("Sam Carter"));
    assert_eq!(n1["order"].as_str(), Some("first"));
    assert_eq!(
        (n1["amount"].as_u64(), n1["reduced"].as_u64()),
        (Some(160), Some(80))
    );
    assert_eq!(n1["unauthorised"].as_u64(), Some(20));
    // the same sessions cannot support a second notice to the same parent...
    let before = tree(ws.path());
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "Sam",
            "--issued",
            "2025-03-27",
            "--sessions",
            &first,
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "0 unauthorised sessions (G, N, O, U)",
        ))
        .stderr(predicate::str::contains(
            "earlier notices rest on do not count again",
        ));
    assert_eq!(tree(ws.path()), before, "a refused notice changes nothing");
    // ...but each parent liable may be given one for the same absence
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "Alex Carter",
            "--issued",
            "2025-01-24",
            "--sessions",
            &first,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "The same absence supports the notice to Sam Carter",
        ));
    // a second to Sam Carter within three years, on new sessions: £160 flat
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "1",
            "--issued",
            "2025-03-21",
            "--sessions",
            &second,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the second within three years (£160 if paid within 28 days, with no reduction)",
        ));
    let v = ledger_yaml(&ws, &id);
    let n3 = yaml_at(&v, &["penalty_notices", "2"]);
    assert_eq!(
        (n3["amount"].as_u64(), n3["reduced"].as_u64()),
        (Some(160), None)
    );
    // a third to Sam Carter within three years is refused
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "1",
            "--issued",
            "2025-03-28",
            "--sessions",
            &format!("{}..{}", days[45], days[54]),
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "a third penalty notice to Sam Carter",
        ))
        .stderr(predicate::str::contains("usually prosecution"));
    ws.at("2025-03-28")
        .args(["penalty", "show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Sam Carter (mother): 2 notices in the last three years",
        ))
        .stdout(predicate::str::contains("no further notice may be issued"))
        .stdout(predicate::str::contains(
            "Alex Carter (father): 1 notice in the last three years",
        ))
        .stdout(predicate::str::contains("reduced to £80"));
    // the first paid within 21 days (£80); a withdrawn notice no longer counts
    ws.at("2025-03-28")
        .args(["penalty", "paid", &id, "1", "--date", "2025-02-07"])
        .assert()
        .success()
        .stderr(predicate::str::contains("£80, within 21 days"));
    ws.at("2025-03-28")
        .args(["penalty", "withdrawn", &id, "1", "--date", "2025-02-08"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already paid"));
    ws.at("2025-03-28")
        .args([
            "penalty",
            "withdrawn",
            &id,
            "3",
            "--date",
            "2025-03-25",
            "--note",
            "Issued in error",
        ])
        .assert()
        .success();
    ws.at("2025-03-28")
        .args(["penalty", "show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Sam Carter (mother): 1 notice in the last three years",
        ))
        .stdout(predicate::str::contains(
            "£160 if paid within 28 days, with no reduction (a second notice",
        ));
    let file = case_file(ws.path(), &id);
    assert_matches_schema(&file);
    let text = read(&file);
    assert!(text.contains("kind: penalty_notice"), "on the timeline");
}

#[test]
fn the_threshold_ignores_sessions_an_issued_notice_rests_on() {
    let ws = Ws::empty();
    // 10 days absent in weeks 8-9 only: the threshold is met by them
    let days = register(
        &ws,
        vec![HandPupil::new(
            1,
            "Carter",
            "9",
            "2010-11-20",
            absent(&[35..=44]),
        )],
    );
    let id = upn(1);
    open_with_parents(&ws, &id);
    let out = ws
        .at("2025-03-28")
        .args(["flag", "--all", "--format", "csv"])
        .assert()
        .success();
    let rows = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
    let col = rows[0]
        .iter()
        .position(|c| c == "penalty_notice_sessions")
        .unwrap();
    assert_eq!(rows[1][col], "20");
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "1",
            "--issued",
            "2025-03-21",
        ])
        .args(["--sessions", &format!("{}..{}", days[35], days[44])])
        .assert()
        .success();
    // now the sessions are used: the threshold is not met, and the ledger is shown
    let out = ws
        .at("2025-03-28")
        .args(["flag", "--all", "--format", "csv"])
        .assert()
        .success();
    let rows = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
    let h = &rows[0];
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let r = &rows[1];
    assert_eq!(r[col("penalty_notice_sessions")], "");
    assert_eq!(r[col("penalty_notices")], "Sam Carter 1, next £160 flat");
    ws.at("2025-03-28")
        .args(["pupil", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Penalty-notice threshold: not met",
        ))
        .stdout(predicate::str::contains(
            "not counting the sessions issued penalty notices rest on",
        ));
}

#[test]
fn legal_steps_are_refused_for_a_pupil_not_of_compulsory_school_age() {
    let ws = Ws::empty();
    // the fictional school's letterhead, so that documents can be written
    std::fs::copy(
        repo().join("tests/fixtures/documents/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    // a Reception child born 14 March 2020 (of age from 31 March 2025), a sixth-former, and a
    // Year 9 pupil: all absent on days 35-44 (3 to 14 March)
    let days = register(
        &ws,
        vec![
            HandPupil::new(1, "Reception", "R", "2020-03-14", absent(&[35..=44])),
            HandPupil::new(2, "Sixth", "12", "2008-01-10", absent(&[35..=44])),
            HandPupil::new(3, "Nine", "9", "2010-11-20", absent(&[35..=44])),
        ],
    );
    let sessions = format!("{}..{}", days[35], days[44]);
    for n in [1, 2] {
        let id = upn(n);
        open_with_parents(&ws, &id);
        let before = tree(ws.path());
        ws.at("2025-03-28")
            .args([
                "penalty",
                "record",
                &id,
                "--parent",
                "1",
                "--issued",
                "2025-03-21",
                "--sessions",
                &sessions,
            ])
            .assert()
            .failure()
            .stderr(predicate::str::contains(
                "needs a child of compulsory school age",
            ));
        ws.at("2025-03-28")
            .args(["case", "stage", &id, "enforce", "--reason", "threshold met"])
            .assert()
            .failure()
            .stderr(predicate::str::contains("compulsory school age"));
        ws.at("2025-03-28")
            .args([
                "letter",
                "notice-to-improve",
                &id,
                "--support",
                "Mentoring",
                "--context",
            ])
            .assert()
            .failure()
            .stderr(predicate::str::contains("compulsory school age"));
        assert_eq!(tree(ws.path()), before, "nothing was changed for pupil {n}");
        // support is not refused: a plan, then a review escalating to a legal step is
        ws.at("2025-03-10")
            .args(["plan", "new", &id, "--target", "95", "--weeks", "2"])
            .args([
                "--attendee",
                "Sam Carter|Mother",
                "--attendee",
                "Priya Shah|Attendance Officer",
            ])
            .args([
                "--action",
                "parents|Phone by 9am|Sam Carter",
                "--action",
                "school|Check-in|Priya Shah",
            ])
            .assert()
            .success();
        ws.at("2025-03-24")
            .args([
                "review",
                &id,
                "--escalate",
                "penalty-notice",
                "--action-status",
                "1=done",
                "--action-status",
                "2=partly",
            ])
            .assert()
            .failure()
            .stderr(predicate::str::contains("field escalation"))
            .stderr(predicate::str::contains("compulsory school age"));
        ws.at("2025-03-24")
            .args([
                "review",
                &id,
                "--escalate",
                "local-authority",
                "--action-status",
                "1=done",
                "--action-status",
                "2=partly",
            ])
            .assert()
            .success()
            .stderr(predicate::str::contains("Stage: support -> formal"));
    }
    // the Year 9 pupil: allowed
    let id = upn(3);
    open_with_parents(&ws, &id);
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "1",
            "--issued",
            "2025-03-21",
            "--sessions",
            &sessions,
        ])
        .assert()
        .success();
    // flag says who is not of compulsory school age, in a column of its own
    let out = ws
        .at("2025-03-28")
        .args(["flag", "--all", "--format", "csv"])
        .assert()
        .success();
    let rows = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
    let h = &rows[0];
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    for (n, of_age, from, to) in [
        (1, "false", "2025-03-31", "2036-06-27"),
        (2, "false", "2013-03-31", "2024-06-28"),
        (3, "true", "2015-12-31", "2027-06-25"),
    ] {
        let r = rows.iter().find(|r| r[0] == upn(n)).unwrap();
        assert_eq!(
            (
                &r[col("compulsory_school_age")][..],
                &r[col("compulsory_school_age_from")][..],
                &r[col("compulsory_school_age_to")][..]
            ),
            (of_age, from, to),
            "pupil {n}"
        );
    }
    ws.at("2025-03-28")
        .args(["flag", "--all"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "CSA no: 2 pupils not of compulsory school age on 28/03/2025",
        ));
    ws.at("2025-03-28")
        .args(["pupil", &upn(1)])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Compulsory school age: not yet on 28/03/2025 (from 31/03/2025",
        ));
    ws.at("2025-03-28")
        .args(["case", "show", &upn(2)])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Compulsory school age: no longer on 28/03/2025 (it ended on 28/06/2024",
        ));
    let out = ws
        .at("2025-03-28")
        .args(["letter", "review", &upn(2), "--context"])
        .assert()
        .success();
    let ctx: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        ctx["pupil"]["compulsory_school_age"]["of_age"],
        serde_json::json!(false)
    );
}

#[test]
fn a_register_without_dates_of_birth_still_works_and_says_so_once() {
    let ws = Ws::empty();
    let days = register(
        &ws,
        vec![
            HandPupil::new(1, "Nodob", "9", "", absent(&[35..=44])),
            HandPupil::new(2, "Other", "9", "", absent(&[30..=44])),
        ],
    );
    let out = ws
        .at("2025-03-28")
        .args(["flag", "--all", "--format", "csv"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(
        stderr.matches("no date of birth").count(),
        1,
        "said once for the command: {stderr}"
    );
    assert!(
        stderr.contains("2 pupils listed have no date of birth"),
        "{stderr}"
    );
    let rows = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
    let col = rows[0]
        .iter()
        .position(|c| c == "compulsory_school_age")
        .unwrap();
    assert!(rows[1..].iter().all(|r| r[col].is_empty()));
    // the legal steps are allowed, with a warning to check the age
    let id = upn(1);
    open_with_parents(&ws, &id);
    ws.at("2025-03-28")
        .args([
            "penalty",
            "record",
            &id,
            "--parent",
            "1",
            "--issued",
            "2025-03-21",
        ])
        .args(["--sessions", &format!("{}..{}", days[35], days[44])])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "cannot check that they are of compulsory school age",
        ));
    // the report cannot give the DfE's basis, and says so
    ws.at("2025-03-28")
        .args(["report"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "cannot be given on the DfE's basis",
        ));
}

#[test]
fn a_notice_to_improve_is_kept_in_the_case_and_tells_each_parent_their_own_amounts() {
    let ws = Ws::with_fictional_cases();
    // Mr Mitchell has had two notices for Oliver within three years (hand-written into the
    // case, on sessions outside the threshold's window); Mrs Mitchell none
    let file = case_file(ws.path(), OLIVER);
    let text = read(&file);
    let at = text.find("\ntimeline:").unwrap();
    let notices = "\npenalty_notices:\n- number: 1\n  parent: Mark Mitchell\n  issued: 2024-09-20\n  sessions:\n    from: 2024-09-02\n    to: 2024-09-13\n  unauthorised: 10\n  order: first\n  amount: 160\n  reduced: 80\n- number: 2\n  parent: Mark Mitchell\n  issued: 2024-10-20\n  sessions:\n    from: 2024-09-02\n    to: 2024-09-13\n  unauthorised: 10\n  order: second\n  amount: 160";
    std::fs::write(&file, format!("{}{notices}{}", &text[..at], &text[at..])).unwrap();
    ws.at(AS_OF)
        .args(["letter", "nti", OLIVER, "--weeks", "4", "--target", "95"])
        .args(["--support", "A weekly meeting with Tom Reid"])
        .assert()
        .success();
    let v = load_yaml(&file);
    let n = yaml_at(&v, &["notices_to_improve", "0"]);
    assert_eq!(
        (
            n["date"].as_str(),
            n["from"].as_str(),
            n["to"].as_str(),
            n["weeks"].as_u64()
        ),
        (Some(AS_OF), Some("2025-03-03"), Some("2025-03-28"), Some(4))
    );
    assert_eq!(n["target"].as_u64(), Some(95));
    assert_matches_schema(&file);
    // each parent's copy: Mr Mitchell's says no further notice can be issued to him, Mrs
    // Mitchell's gives the first notice's amounts; neither mentions the other's ledger
    let pdf = std::fs::read(
        ws.path()
            .join("cases")
            .join(OLIVER)
            .join("documents")
            .join(format!("{AS_OF}-notice-to-improve.pdf")),
    )
    .unwrap();
    let all = flat(&pdf_text(&pdf));
    let mark =
        &all[all.find("Dear Mark Mitchell").unwrap()..all.find("Dear Joanne Mitchell").unwrap()];
    let joanne = &all[all.find("Dear Joanne Mitchell").unwrap()..];
    assert!(mark.contains("two penalty notices have already been issued to you for Oliver within three years, so a further one cannot be"), "{mark}");
    assert!(!mark.contains("£80"), "{mark}");
    assert!(joanne.contains("as the first to you for Oliver within three years, it would be £160 if paid within 28 days, reduced to £80 if paid within 21 days"), "{joanne}");
    assert!(!joanne.contains("two penalty notices"), "{joanne}");
}
