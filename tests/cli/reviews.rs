//! Reviews as the guidance asks: who attended (never a parent at a review held in their
//! absence), the actions carried into the next plan, the outcome's meaning beside the figures,
//! the stage an escalation implies, and the referral that follows. On a register built by hand.

use crate::support::*;
use chrono::NaiveDate;
use predicates::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const PARENT: &str = "- name: Sam Carter\n  relationship: mother\n  parental_responsibility: true\n  address: [1 Road, Town]\n";

/// A workspace with the fictional school's letterhead and one Year 9 pupil, present until the
/// plan's meeting on Monday 10 March 2025 (school day 40) and then absent with `code` every
/// day; a case with a parent, and plan 1 agreed on 10 March: three actions, review 24 March.
fn planned(code: &'static str) -> (Ws, String) {
    let ws = Ws::empty();
    std::fs::copy(
        repo().join("tests/fixtures/documents/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    let days = hand_register(
        &ws,
        d(2025, 1, 6),
        12,
        &[6],
        &[HandPupil::new(
            1,
            "Carter",
            "9",
            "2010-11-20",
            move |k, pm| {
                if k >= 40 {
                    code.to_string()
                } else if k % 5 == 0 {
                    "I".into()
                } else {
                    present(pm)
                }
            },
        )],
    );
    assert_eq!(days[40], d(2025, 3, 10));
    let id = upn(1);
    ws.at("2025-03-10")
        .args(["case", "open", &id])
        .assert()
        .success();
    add_people(&ws, &id, PARENT);
    ws.at("2025-03-10")
        .args([
            "plan",
            "new",
            &id,
            "--target",
            "95",
            "--weeks",
            "2",
            "--review",
            "2025-03-24",
        ])
        .args([
            "--attendee",
            "Sam Carter|Mother",
            "--attendee",
            "Priya Shah|Attendance Officer",
        ])
        .args([
            "--action",
            "young_person|Come to the 8:40 check-in|Jo Carter",
            "--action",
            "parents|Phone by 9am on any day of absence|Sam Carter",
            "--action",
            "school|Daily check-in|Priya Shah",
        ])
        .assert()
        .success();
    (ws, id)
}

fn statuses() -> [&'static str; 6] {
    [
        "--action-status",
        "1=done",
        "--action-status",
        "2=partly",
        "--action-status",
        "3=not-done",
    ]
}

fn case_yaml(ws: &Ws, id: &str) -> serde_yaml::Value {
    load_yaml(&case_file(ws.path(), id))
}

#[test]
fn a_review_held_in_the_parents_absence_lists_no_parent_among_those_who_attended() {
    let (ws, id) = planned("O");
    // naming the parent as an attendee of a review held in their absence is refused
    let before = tree(ws.path());
    ws.at("2025-03-24")
        .args(["review", &id, "--parents-absent", "--decision", "continue"])
        .args([
            "--attendee",
            "Sam Carter|Mother",
            "--attendee",
            "Priya Shah|Attendance Officer",
        ])
        .args(statuses())
        .assert()
        .failure()
        .stderr(predicate::str::contains("field attendees[1]"))
        .stderr(predicate::str::contains("is a parent or carer"));
    assert_eq!(tree(ws.path()), before);
    // by default the plan's attendees are kept, without the parents
    ws.at("2025-03-24")
        .args(["review", &id, "--parents-absent", "--decision", "continue"])
        .args(statuses())
        .assert()
        .success();
    let v = case_yaml(&ws, &id);
    let m = yaml_at(&v, &["plans", "0", "review", "meeting"]);
    assert_eq!(m["parents_attended"].as_bool(), Some(false));
    let names: Vec<&str> = m["attendees"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Priya Shah"]);
    // so the review's record has no signature row for the parent
    let out = ws
        .at("2025-03-24")
        .args(["letter", "review", &id, "--source", "--stdout"])
        .assert()
        .success();
    let source = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let signed = &source[source.find("Signed by those present").unwrap()..];
    assert!(!signed.contains("Sam Carter"), "{signed}");
    assert!(signed.contains("Priya Shah"), "{signed}");
}

#[test]
fn next_actions_add_to_those_carried_over_unless_replaced() {
    let (ws, id) = planned("O");
    // actions 2 and 3 were not done: carried over, and the new one added
    ws.at("2025-03-24")
        .args(["review", &id, "--decision", "continue"])
        .args(statuses())
        .args([
            "--next-action",
            "agency:Early Help|Family assessment|Kim Lowe",
        ])
        .assert()
        .success();
    let v = case_yaml(&ws, &id);
    let whats: Vec<&str> = yaml_at(&v, &["plans", "1", "actions"])
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a["what"].as_str().unwrap())
        .collect();
    assert_eq!(
        whats,
        [
            "Phone by 9am on any day of absence",
            "Daily check-in",
            "Family assessment"
        ]
    );
    // --replace-actions: only the actions given, and a warning that the parents and the school
    // have none
    let (ws, id) = planned("O");
    ws.at("2025-03-24")
        .args(["review", &id, "--decision", "continue", "--replace-actions"])
        .args(statuses())
        .args([
            "--next-action",
            "agency:Early Help|Family assessment|Kim Lowe",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: plan 2 has no action for the parents/carers",
        ))
        .stderr(predicate::str::contains(
            "warning: plan 2 has no action for the school",
        ));
    let v = case_yaml(&ws, &id);
    assert_eq!(
        yaml_at(&v, &["plans", "1", "actions"])
            .as_sequence()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn an_overridden_outcome_is_not_given_the_meaning_the_figures_contradict() {
    // absent every day of the plan (O): worse than before it, the figures give "not met"
    let (ws, id) = planned("O");
    ws.at("2025-03-24")
        .args(["review", &id, "--escalate", "local-authority"])
        .args([
            "--outcome",
            "some-improvement",
            "--outcome-reason",
            "Mum now engaging with the school",
        ])
        .args(statuses())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "some improvement (the figures gave target not met)",
        ))
        .stderr(predicate::str::contains("Stage: support -> formal"));
    let out = ws
        .at("2025-03-24")
        .args(["letter", "review", &id, "--context"])
        .assert()
        .success();
    let ctx: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let r = &ctx["review"];
    assert_eq!(r["outcome"], "Some improvement, as judged at the review");
    assert_eq!(r["proposed_outcome"], "Target not met");
    assert!(
        !r["outcome"]
            .as_str()
            .unwrap()
            .contains("better than before")
    );
    // the escalation moved the case and said so on the timeline
    let v = case_yaml(&ws, &id);
    let stage_moves: Vec<&serde_yaml::Value> = v["timeline"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|e| e["kind"].as_str() == Some("stage"))
        .collect();
    let last = stage_moves.last().unwrap();
    assert_eq!(last["stage"]["to"].as_str(), Some("formal"));
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains("referral to the local authority")
    );
    // the referral says why the school refers, what it asks, and the family's consent
    let out = ws
        .at("2025-03-24")
        .args(["letter", "referral", &id, "--context"])
        .assert()
        .success();
    let ctx: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let p = &ctx["referral"]["purpose"];
    let reasons: Vec<&str> = p["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("escalate to referral to the local authority attendance service")),
        "{reasons:?}"
    );
    assert!(
        p["asks"]
            .as_str()
            .unwrap()
            .contains("attendance contract or an education supervision order")
    );
    assert!(
        p["consent"]
            .as_str()
            .unwrap()
            .contains("not yet been asked")
    );
}
