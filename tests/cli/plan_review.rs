//! `attend plan new`, `attend review`, `attend due` on the fixture register: every input mode,
//! every outcome and decision, with the review's figures checked against numbers counted from
//! the export itself (tests/cli/support/cases.rs), not with attend's own code.

use crate::support::*;
use predicates::prelude::*;

const MASON: &str = "C815381816030";
/// Oliver Mitchell: severe absence, meets the penalty-notice threshold.
const OLIVER: &str = "K815375514034";

const MEETING: &str = "2025-01-20";
const REVIEW: &str = "2025-02-10";

fn forms() -> std::path::PathBuf {
    fixtures().join("forms")
}

/// A plan by flags: meeting on MEETING, the given target, review on REVIEW.
fn plan_by_flags(ws: &Ws, upn: &str, target: &str) {
    ws.at(MEETING)
        .args([
            "plan", "new", upn, "--date", MEETING, "--target", target, "--weeks", "3", "--review",
            REVIEW,
        ])
        .args([
            "--attendee",
            "Parent Name|Mother",
            "--attendee",
            "Priya Shah|Attendance Officer",
        ])
        .args([
            "--action",
            "young_person|Come to the morning check-in|Pupil Name",
        ])
        .args([
            "--action",
            "parents|Phone by 9am on any day of absence|Parent Name",
        ])
        .args(["--action", "school|Daily check-in|Tom Reid"])
        .assert()
        .success();
}

fn all_done() -> [&'static str; 6] {
    [
        "--action-status",
        "1=done",
        "--action-status",
        "2=done",
        "--action-status",
        "3=partly",
    ]
}

/// Check a frozen snapshot against the export, counted independently.
fn assert_figures(snapshot: &serde_yaml::Value, expected: &Tally, from: &str, to: &str) {
    assert_eq!(tally_of(snapshot), *expected, "{snapshot:?}");
    assert_eq!(snapshot["from"].as_str(), Some(from));
    assert_eq!(snapshot["to"].as_str(), Some(to));
    assert_eq!(
        snapshot["attendance_pct"].as_str().map(str::to_string),
        expected.pct()
    );
}

/// Exact comparison of two attendance rates a/b and c/d.
fn rate_cmp(a: &Tally, b: &Tally) -> std::cmp::Ordering {
    (a.attended as u64 * b.possible as u64).cmp(&(b.attended as u64 * a.possible as u64))
}

#[test]
fn reviews_judge_plans_by_figures_counted_from_the_export() {
    let ex = export();
    let (bfrom, bto) = ex.before_window(MEETING, REVIEW);
    let during = |u: &str| ex.tally(u, MEETING, REVIEW);
    let before = |u: &str| ex.tally(u, &bfrom, &bto);
    // pupils for each outcome, found from the export alone
    let pupils: Vec<&String> = ex
        .marks
        .keys()
        .filter(|u| during(u).possible > 0 && before(u).possible > 0)
        .collect();
    let met = pupils
        .iter()
        .find(|u| {
            during(u).attended * 100 >= 90 * during(u).possible
                && during(u).attended < during(u).possible
        })
        .expect("a pupil at 90% or more during the plan");
    let some = pupils
        .iter()
        .find(|u| {
            rate_cmp(&during(u), &before(u)).is_gt()
                && during(u).attended < during(u).possible
                && *u != met
        })
        .expect("a pupil better than before the plan, below 100%");
    // escalated to a Notice to Improve: a pupil of compulsory school age (Years 1 to 10 are of
    // age all year; a Year 11 pupil's ends in June, Years 12 and 13 are past it)
    let not = pupils
        .iter()
        .find(|u| {
            rate_cmp(&during(u), &before(u)).is_le()
                && during(u).attended < during(u).possible
                && ex.of_school_age(u)
                && *u != met
                && *u != some
        })
        .expect("a pupil no better than before the plan");

    let ws = Ws::with_fixture_register();
    let w = ws.path();
    plan_by_flags(&ws, met, "90"); // met: at or above 90%
    plan_by_flags(&ws, some, "100"); // short of 100%, better than before
    plan_by_flags(&ws, not, "100"); // short of 100%, no better than before

    // met -> close: stage back to monitoring
    ws.at(REVIEW)
        .args(["review", met, "--decision", "close"])
        .args(all_done())
        .assert()
        .success()
        .stderr(predicate::str::contains("target met (as the figures give)"))
        .stderr(predicate::str::contains("the case goes back to monitoring"));
    // some improvement -> continue: plan 2, reviewed 3 weeks on
    ws.at(REVIEW)
        .args(["review", some, "--decision", "continue"])
        .args(all_done())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "some improvement (as the figures give)",
        ))
        .stderr(predicate::str::contains(
            "plan 2 is in place, review due 2025-03-03",
        ));
    // not met -> escalate to a Notice to Improve, with a plan kept in place
    ws.at(REVIEW)
        .args(["review", not, "--escalate", "notice-to-improve"])
        .args(all_done())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "target not met (as the figures give)",
        ))
        .stderr(predicate::str::contains("Stage: support -> enforce"));

    for (upn, outcome, decision) in [
        (met, "met", "close"),
        (some, "some_improvement", "continue"),
        (not, "not_met", "escalate"),
    ] {
        let file = case_file(w, upn);
        assert_matches_schema(&file);
        let v = load_yaml(&file);
        let review = yaml_at(&v, &["plans", "0", "review"]);
        assert_figures(&review["during_plan"], &during(upn), MEETING, REVIEW);
        assert_figures(&review["before_plan"], &before(upn), &bfrom, &bto);
        assert_eq!(review["proposed_outcome"].as_str(), Some(outcome), "{upn}");
        assert_eq!(review["outcome"].as_str(), Some(outcome));
        assert_eq!(review["decision"].as_str(), Some(decision));
        // the year to date, frozen at the review
        assert_figures(
            &review["year_to_date"],
            &ex.tally(upn, "2024-09-02", REVIEW),
            "2024-09-02",
            REVIEW,
        );
        // the plan's own figures, frozen at the meeting
        assert_figures(
            yaml_at(&v, &["plans", "0", "attendance"]),
            &ex.tally(upn, "2024-09-02", MEETING),
            "2024-09-02",
            MEETING,
        );
    }
    let v = load_yaml(&case_file(w, met));
    assert_eq!(v["stage"].as_str(), Some("monitor"));
    assert!(v["plans"][1].is_null(), "no new plan after a close");
    let v = load_yaml(&case_file(w, some));
    assert_eq!(v["stage"].as_str(), Some("support"));
    assert_eq!(
        yaml_at(&v, &["plans", "1", "follows_review_of"]).as_u64(),
        Some(1)
    );
    assert_eq!(
        yaml_at(&v, &["plans", "1", "review_date"]).as_str(),
        Some("2025-03-03")
    );
    // the action not fully done is carried into plan 2, due by its review
    assert_eq!(
        yaml_at(&v, &["plans", "1", "actions", "0", "what"]).as_str(),
        Some("Daily check-in")
    );
    assert_eq!(
        yaml_at(&v, &["plans", "1", "actions", "0", "due"]).as_str(),
        Some("2025-03-03")
    );
    let v = load_yaml(&case_file(w, not));
    assert_eq!(v["stage"].as_str(), Some("enforce"));
    assert_eq!(
        yaml_at(&v, &["plans", "0", "review", "escalation"]).as_str(),
        Some("notice_to_improve")
    );
    assert_eq!(
        yaml_at(&v, &["plans", "1", "follows_review_of"]).as_u64(),
        Some(1)
    );

    // the escalated plan's review (plan 2 keeps the aim of 100%): the officer overrides the
    // outcome the figures give, which needs a reason
    let (nfrom, nto) = ("2025-02-10", "2025-03-03");
    let d2 = ex.tally(not, nfrom, nto);
    let (bf2, bt2) = ex.before_window(nfrom, nto);
    let b2 = ex.tally(not, &bf2, &bt2);
    // in the officer's words, not the file's keys (met, some_improvement, not_met)
    let proposed = if d2.attended == d2.possible {
        "target met"
    } else if rate_cmp(&d2, &b2).is_gt() {
        "some improvement"
    } else {
        "target not met"
    };
    let (override_to, decision) = if proposed == "target met" {
        ("not-met", "continue")
    } else {
        ("met", "close")
    };
    ws.at(nto)
        .args([
            "review",
            not,
            "--outcome",
            override_to,
            "--decision",
            decision,
            "--action-status",
            "1=partly",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "field outcome_reason: the figures give {proposed}"
        )));
    ws.at(nto)
        .args([
            "review",
            not,
            "--outcome",
            override_to,
            "--outcome-reason",
            "Absences since the plan were a hospital stay, with evidence",
        ])
        .args(["--decision", decision, "--action-status", "1=partly"])
        .assert()
        .success();
    let v = load_yaml(&case_file(w, not));
    let r2 = yaml_at(&v, &["plans", "1", "review"]);
    assert_figures(&r2["during_plan"], &d2, nfrom, nto);
    let proposed_key = match proposed {
        "target met" => "met",
        "some improvement" => "some_improvement",
        _ => "not_met",
    };
    assert_eq!(r2["proposed_outcome"].as_str(), Some(proposed_key));
    assert_eq!(
        r2["outcome"].as_str(),
        Some(override_to.replace('-', "_").as_str())
    );
    assert_eq!(
        r2["outcome_reason"].as_str(),
        Some("Absences since the plan were a hospital stay, with evidence")
    );
    ws.at("2025-03-04")
        .args(["case", "close", not, "--reason", "Attendance recovered"])
        .assert()
        .success();
    assert_matches_schema(&case_file(w, not));
}

#[test]
fn the_example_case_is_what_the_commands_make() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    ws.at("2025-01-10")
        .args([
            "case",
            "open",
            MASON,
            "--reason",
            "Persistent absence: 79.4% this year, falling since October",
        ])
        .assert()
        .success();
    ws.at("2025-01-13")
        .args(["case", "log", MASON, "--kind", "call", "--with", "Karen Lee (mother)"])
        .arg("Discussed Mason's absences. Mum says stomach aches on school mornings; agreed to meet.")
        .assert()
        .success();
    let docs = w.join("cases").join(MASON).join("documents");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(
        repo()
            .join("cases")
            .join(MASON)
            .join("documents/2025-01-14-concern-letter.txt"),
        docs.join("2025-01-14-concern-letter.txt"),
    )
    .unwrap();
    ws.at("2025-01-14")
        .args([
            "case",
            "log",
            MASON,
            "--kind",
            "letter",
            "--document",
            "documents/2025-01-14-concern-letter.txt",
        ])
        .arg("Letter of concern sent, inviting both parents to an attendance meeting on 20 January")
        .assert()
        .success();
    ws.at("2025-01-14")
        .args(["case", "stage", MASON, "understand"])
        .assert()
        .success();
    ws.at("2025-01-20")
        .args(["plan", "new", MASON, "--from"])
        .arg(forms().join("plan-full.yaml"))
        .assert()
        .success()
        .stderr(predicate::str::contains("Attendance at the meeting: 76.2% (131 of 172 possible sessions, 02/09/2024 to 20/01/2025)"))
        .stderr(predicate::str::contains("Stage: understand -> support"));
    ws.at("2025-02-10")
        .args(["review", MASON, "--from"])
        .arg(forms().join("review-continue.yaml"))
        .assert()
        .success();
    let family = forms().join("family.yaml");
    let ed = editor(
        w,
        "family.sh",
        &format!(
            r#"awk -v f={} '/^opening_attendance:$/ {{ while ((getline l < f) > 0) print l }} {{ print }}' "$1" > "$1.new"
mv "$1.new" "$1""#,
            family.display()
        ),
    );
    ws.at("2025-02-12")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    ws.at("2025-02-14")
        .args([
            "case",
            "log",
            MASON,
            "--kind",
            "note",
            "GP letter received: no medical cause found; referral to CAMHS suggested",
        ])
        .assert()
        .success();
    let made = read(&case_file(w, MASON));
    let example = read(&repo().join("cases").join(MASON).join("case.yaml"));
    assert!(
        made == example,
        "the example case differs from what the commands make:\n{made}"
    );
    // and the review's figures are the export's
    let ex = export();
    let v = load_yaml(&case_file(w, MASON));
    let review = yaml_at(&v, &["plans", "0", "review"]);
    assert_figures(
        &review["during_plan"],
        &ex.tally(MASON, MEETING, REVIEW),
        MEETING,
        REVIEW,
    );
    let (bfrom, bto) = ex.before_window(MEETING, REVIEW);
    assert_figures(
        &review["before_plan"],
        &ex.tally(MASON, &bfrom, &bto),
        &bfrom,
        &bto,
    );
}

#[test]
fn a_plan_in_the_editor_opens_the_case_and_reopens_on_a_mistake() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    let seen = w.join("seen.txt");
    let first = w.join("first.txt");
    let ed = editor(
        w,
        "plan.sh",
        &format!(
            r#"if grep -q '^#!' "$1"; then
  cp "$1" {seen}
  sed -i 's/^  target: 101$/  target: 95/' "$1"
else
  cp "$1" {first}
  sed -i "s/^  target:$/  target: 101/; s/^  what: ''$/  what: Come in every day/; s/^  owner: ''$/  owner: Named Person/; s/^place: ''$/place: Room 2/" "$1"
fi"#,
            seen = seen.display(),
            first = first.display()
        ),
    );
    ws.at(MEETING)
        .env("EDITOR", &ed)
        .args(["plan", "new", MASON, "--edit"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Opened a case for C815381816030"));
    // the form showed the figures attend freezes, and was filled with what attend knows
    let form = read(&first);
    assert!(form.contains("#   attendance 76.2% (131 of 172 possible sessions, 02/09/2024 to 20/01/2025) (2024-25 to date)"), "{form}");
    assert!(form.contains("date: 2025-01-20\n"));
    assert!(form.contains("- name: Priya Shah\n  role: Attendance Officer\n"));
    assert!(form.contains("review_date: 2025-02-10\n"));
    // the mistake was shown at the top, with the line it is on
    let shown = read(&seen);
    let line = shown.lines().position(|l| l == "  target: 101").unwrap() + 1;
    assert!(
        shown
            .lines()
            .nth(2)
            .unwrap()
            .contains(&format!("line {line}, field aim.target: 101 is over 100")),
        "{shown}"
    );
    let v = load_yaml(&case_file(w, MASON));
    assert_eq!(
        yaml_at(&v, &["plans", "0", "aim", "target"]).as_u64(),
        Some(95)
    );
    assert_eq!(
        yaml_at(&v, &["plans", "0", "meeting", "place"]).as_str(),
        Some("Room 2")
    );
    assert_eq!(
        yaml_at(&v, &["plans", "0", "actions"])
            .as_sequence()
            .unwrap()
            .len(),
        3
    );
    assert_figures(
        yaml_at(&v, &["plans", "0", "attendance"]),
        &export().tally(MASON, "2024-09-02", MEETING),
        "2024-09-02",
        MEETING,
    );
    assert_eq!(v["stage"].as_str(), Some("support"));
}

#[test]
fn quitting_the_form_without_saving_records_nothing() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    let ed = editor(w, "quit.sh", "exit 0");
    ws.at(MEETING)
        .env("EDITOR", &ed)
        .args(["plan", "new", MASON, "--edit"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Nothing was recorded"));
    assert!(!w.join("cases").join(MASON).exists(), "no case, no folder");
    // a review form too
    plan_by_flags(&ws, MASON, "95");
    let before = read(&case_file(w, MASON));
    ws.at(REVIEW)
        .env("EDITOR", &ed)
        .args(["review", MASON, "--edit"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Nothing was recorded"));
    assert_eq!(read(&case_file(w, MASON)), before);
}

#[test]
fn a_review_in_the_editor() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    plan_by_flags(&ws, MASON, "95");
    let first = w.join("first.txt");
    let ed = editor(
        w,
        "review.sh",
        &format!(
            r#"cp "$1" {first}
sed -i "s/^  status:$/  status: partly/; s/^what_worked: ''$/what_worked: The check-ins/" "$1""#,
            first = first.display()
        ),
    );
    ws.at(REVIEW)
        .env("EDITOR", &ed)
        .args(["review", MASON, "--edit"])
        .assert()
        .success();
    let form = read(&first);
    let ex = export();
    let d = ex.tally(MASON, MEETING, REVIEW);
    assert!(
        form.contains(&format!("#   During the plan (during plan 1 (from the meeting on 20/01/2025)): {}% ({} of {} possible sessions, 20/01/2025 to 10/02/2025)", d.pct().unwrap(), d.attended, d.possible)),
        "{form}"
    );
    assert!(
        form.contains("#   The figures give: not_met (target not met)")
            || form.contains("#   The figures give: some_improvement"),
        "{form}"
    );
    assert!(
        form.contains("# 3. [school] Daily check-in (Tom Reid, due 2025-02-10)"),
        "{form}"
    );
    let v = load_yaml(&case_file(w, MASON));
    let review = yaml_at(&v, &["plans", "0", "review"]);
    assert_eq!(review["what_worked"].as_str(), Some("The check-ins"));
    assert_eq!(review["decision"].as_str(), Some("continue"));
    assert_eq!(
        yaml_at(&v, &["plans", "1", "review_date"]).as_str(),
        Some("2025-03-03")
    );
}

#[test]
fn with_no_terminal_and_no_input_it_says_which_to_use() {
    let ws = Ws::with_fixture_register();
    ws.at(MEETING)
        .args(["plan", "new", MASON])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "there is no terminal to open an editor in, so give the plan",
        ))
        .stderr(predicate::str::contains("--from FILE"))
        .stderr(predicate::str::contains("--edit"));
    assert!(!ws.path().join("cases").join(MASON).exists());
}

/// `plan new --from` a copy of the full form with one change; returns stderr.
fn plan_from_changed(ws: &Ws, from: &str, to: &str) -> (String, String) {
    let w = ws.path();
    let text = read(&forms().join("plan-full.yaml"));
    assert!(text.contains(from), "{from}");
    let changed = text.replacen(from, to, 1);
    let file = w.join("plan.yaml");
    std::fs::write(&file, &changed).unwrap();
    let out = ws
        .at(MEETING)
        .args(["plan", "new", MASON, "--from"])
        .arg(&file)
        .assert()
        .failure();
    (
        String::from_utf8_lossy(&out.get_output().stderr).into_owned(),
        changed,
    )
}

fn line_of(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} not found"))
        + 1
}

#[test]
fn validation_errors_name_the_field_and_line_and_record_nothing() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    let (err, text) = plan_from_changed(&ws, "  target: 95", "  target: 101");
    assert!(
        err.contains(&format!(
            "plan.yaml, line {}, field aim.target: 101 is over 100",
            line_of(&text, "  target: 101")
        )),
        "{err}"
    );
    let (err, text) = plan_from_changed(&ws, "review_date: 2025-02-10", "review_date: 2025-01-10");
    assert!(
        err.contains(&format!(
            "line {}, field review_date: the review (2025-01-10) must be after the meeting (2025-01-20)",
            line_of(&text, "review_date: 2025-01-10")
        )),
        "{err}"
    );
    let (err, text) = plan_from_changed(&ws, "- Karen Lee|Mother", "- Karen Lee, Mother");
    assert!(
        err.contains(&format!("line {}, field attendees[1]: \"Karen Lee, Mother\" has no role: write an attendee as \"Name|Role\"", line_of(&text, "- Karen Lee, Mother"))),
        "{err}"
    );
    let (err, text) = plan_from_changed(&ws, "  owner: Karen Lee\n", "  owner: ''\n");
    assert!(
        err.contains(&format!("line {}, field actions[2].owner: an action's owner (the named person responsible) cannot be empty", line_of(&text, "  owner: ''"))),
        "{err}"
    );
    let (err, _) = plan_from_changed(&ws, "  weeks: 3\n", "  weeks: 3\n  weeks_extra: 1\n");
    assert!(
        err.contains("unknown field (check its spelling) `weeks_extra`"),
        "{err}"
    );
    assert!(
        !w.join("cases").join(MASON).exists(),
        "nothing was recorded"
    );
    // the same rules for flags
    ws.at(MEETING)
        .args([
            "plan",
            "new",
            MASON,
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Karen Lee",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--attendee (the 1st): \"Karen Lee\" has no role: write an attendee as \"Name|Role\"",
        ));
    ws.at(MEETING)
        .args(["plan", "new", MASON, "--target", "101"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("101 is over 100"));
    ws.at(MEETING)
        .args(["plan", "new", MASON, "--target", "95", "--weeks", "3", "--attendee", "Karen Lee|Mother", "--action", "parents|Phone by 9am|"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("field actions[1].owner: an action's owner (the named person responsible) cannot be empty"));
    ws.at(MEETING)
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
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "field actions: a plan needs actions",
        ));
    assert!(
        !w.join("cases").join(MASON).exists(),
        "nothing was recorded"
    );
}

#[test]
fn one_open_plan_at_a_time_and_review_rules() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    plan_by_flags(&ws, MASON, "95");
    let before = read(&case_file(w, MASON));
    ws.at("2025-01-21")
        .args(["plan", "new", MASON, "--target", "90", "--weeks", "3", "--attendee", "A|B", "--action", "school|x|y"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("plan 1 (meeting 2025-01-20) has not been reviewed yet: review it first (attend review C815381816030)"));
    // a review before the meeting, a continued plan reviewed more than 3 weeks on, a close when not met
    ws.at(REVIEW)
        .args([
            "review",
            MASON,
            "--date",
            "2025-01-15",
            "--decision",
            "continue",
        ])
        .args(all_done())
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "field date: the review (2025-01-15) is before the plan's meeting (2025-01-20)",
        ));
    ws.at(REVIEW)
        .args([
            "review",
            MASON,
            "--decision",
            "continue",
            "--next-review",
            "2025-03-10",
        ])
        .args(all_done())
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "no more than 3 weeks later (by 2025-03-03)",
        ));
    ws.at(REVIEW)
        .args(["review", MASON, "--decision", "close"])
        .args(all_done())
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "a plan is closed when its target is met",
        ));
    ws.at(REVIEW)
        .args([
            "review",
            MASON,
            "--decision",
            "continue",
            "--action-status",
            "1=done",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing action 2, 3"));
    ws.at(REVIEW)
        .args(["review", MASON, "--decision", "escalate"])
        .args(all_done())
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "field escalation: say what the case is escalated to",
        ));
    assert_eq!(read(&case_file(w, MASON)), before, "nothing was recorded");
}

#[test]
fn the_penalty_notice_threshold_is_shown_when_met() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    plan_by_flags(&ws, OLIVER, "90");
    ws.at(REVIEW)
        .args(["review", OLIVER, "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Penalty-notice threshold met:"))
        .stdout(predicate::str::contains("The figures give:"));
    assert!(
        !read(&case_file(w, OLIVER)).contains("review:"),
        "a dry run records nothing"
    );
    ws.at(REVIEW)
        .args(["review", OLIVER, "--escalate", "penalty-notice"])
        .args(all_done())
        .assert()
        .success()
        .stderr(predicate::str::contains("Penalty-notice threshold met:"));
    let v = load_yaml(&case_file(w, OLIVER));
    let pn = yaml_at(
        &v,
        &["plans", "0", "review", "year_to_date", "penalty_notice"],
    );
    assert!(pn["sessions"].as_u64().unwrap() >= 10, "{pn:?}");
    let last = v["timeline"]
        .as_sequence()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"].as_str() == Some("review"))
        .unwrap();
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains("penalty-notice threshold met"),
        "{last:?}"
    );
}

#[test]
fn a_review_with_no_figures_needs_the_officers_outcome() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    let upn = "B801200005001";
    ws.at("2025-01-10")
        .args([
            "case",
            "open",
            upn,
            "--surname",
            "Newman",
            "--forename",
            "Ava",
        ])
        .assert()
        .success();
    plan_by_flags(&ws, upn, "95");
    ws.at(REVIEW)
        .args(["review", upn, "--decision", "continue"])
        .args(all_done())
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "field outcome: there are no figures for the plan's weeks to judge it by",
        ));
    ws.at(REVIEW)
        .args([
            "review",
            upn,
            "--outcome",
            "some-improvement",
            "--outcome-reason",
            "Attendance at the new school's records: 88%",
        ])
        .args(["--decision", "continue"])
        .args(all_done())
        .assert()
        .success();
    let v = load_yaml(&case_file(w, upn));
    assert!(yaml_at(&v, &["plans", "0", "review", "proposed_outcome"]).is_null());
    assert_eq!(
        yaml_at(&v, &["plans", "0", "review", "outcome"]).as_str(),
        Some("some_improvement")
    );
}

#[test]
fn due_lists_what_needs_doing() {
    let ws = Ws::with_fixture_register();
    // overdue: plan reviewed 2025-02-10, today 2025-02-12
    plan_by_flags(&ws, MASON, "95");
    // due soon: plan with review on 2025-02-14
    ws.at("2025-01-31")
        .args([
            "plan",
            "new",
            OLIVER,
            "--target",
            "90",
            "--weeks",
            "2",
            "--review",
            "2025-02-14",
            "--attendee",
            "A Parent|Father",
        ])
        .args([
            "--action",
            "parents|Phone by 9am|A Parent",
            "--action",
            "school|Check-in|Tom Reid",
        ])
        .assert()
        .success();
    // support with no plan; and a case with no entry for 4 weeks
    ws.at("2025-01-06")
        .args(["case", "open", "N815361117010"])
        .assert()
        .success();
    ws.at("2025-01-06")
        .args([
            "case",
            "stage",
            "N815361117010",
            "support",
            "--reason",
            "Early help referral",
        ])
        .assert()
        .success();
    ws.at("2025-01-06")
        .args(["case", "open", "E815399614010"])
        .assert()
        .success();
    let out = ws
        .at("2025-02-12")
        .args(["due", "--format", "csv"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let rows: Vec<&str> = text.lines().collect();
    let table = csv_rows(&text);
    assert_eq!(
        table[0],
        [
            "kind",
            "upn",
            "name",
            "stage",
            "date",
            "detail",
            "year",
            "dob",
            "from",
            "to",
            "school_days"
        ]
    );
    let first_six = |r: &Vec<String>| r[..6].to_vec();
    assert!(
        table.iter().any(|r| first_six(r)
            == [
                "review_overdue",
                "C815381816030",
                "Lee, Mason",
                "support",
                "2025-02-10",
                "plan 1 (95% attendance over 3 weeks), 2 days overdue"
            ]),
        "{text}"
    );
    assert!(
        table.iter().any(|r| first_six(r)
            == [
                "review_due",
                "K815375514034",
                "Mitchell, Oliver",
                "support",
                "2025-02-14",
                "plan 1 (90% attendance over 2 weeks), in 2 days"
            ]),
        "{text}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("no_plan,N815361117010,") && r.contains("no action plan yet")),
        "{text}"
    );
    // nothing since the case was opened on 06/01/2025: due 4 weeks (28 days) later
    assert!(
        table.iter().any(|r| r[0] == "no_recent_contact"
            && r[1] == "E815399614010"
            && r[4] == "2025-02-03"
            && r[5].contains("06/01/2025")),
        "{text}"
    );
    // flagged pupils with no case: every persistent absentee in the export without a case
    let ex = export();
    for upn in ex.marks.keys() {
        let t = ex.tally(upn, "2024-09-02", "2025-02-12");
        let persistent = t.possible > 0 && 10 * (t.possible - t.attended) >= t.possible;
        let has_case = [MASON, OLIVER, "N815361117010", "E815399614010"].contains(&upn.as_str());
        let listed = rows
            .iter()
            .any(|r| r.starts_with(&format!("no_case,{upn},")));
        assert_eq!(listed, persistent && !has_case, "{upn}: {t:?}\n{text}");
    }
    // N marks older than 5 school days
    let n_pupils: Vec<&String> = ex
        .marks
        .iter()
        .filter(|(_, row)| {
            ex.sessions
                .iter()
                .zip(row.iter())
                .any(|((d, _), m)| m == "N" && d.as_str() <= "2025-02-05")
        })
        .map(|(u, _)| u)
        .collect();
    assert!(!n_pupils.is_empty());
    for u in n_pupils {
        assert!(
            rows.iter()
                .any(|r| r.starts_with(&format!("unresolved_n,{u},"))),
            "{u}: {text}"
        );
    }
    // closed cases are not listed; --within looks further ahead
    ws.at("2025-02-12")
        .args(["case", "close", MASON, "--reason", "Left the school"])
        .assert()
        .success();
    // (what the register shows, such as the sickness return, is listed whatever the case)
    let out = ws
        .at("2025-02-12")
        .args(["due", "--format", "csv"])
        .assert()
        .success();
    let after = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
    let case_kinds = [
        "review_overdue",
        "review_due",
        "no_plan",
        "missed_check_in",
        "no_recent_contact",
    ];
    assert!(
        !after
            .iter()
            .any(|r| r[1] == "C815381816030" && case_kinds.contains(&r[0].as_str())),
        "{after:?}"
    );
    ws.at("2025-02-01")
        .args(["due", "--within", "2w", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"kind\": \"review_due\""));
}

#[test]
fn from_flag_to_plan_to_review() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    // every pupil at or below 90% on 10/01/2025, counted from the export
    let ex = export();
    let flagged: Vec<&String> = ex
        .marks
        .keys()
        .filter(|u| {
            let t = ex.tally(u, "2024-09-02", "2025-01-10");
            t.possible > 0 && 10 * t.attended <= 9 * t.possible
        })
        .collect();
    assert!(flagged.len() >= 3);
    ws.at("2025-01-10")
        .args([
            "flag",
            "--to",
            "2025-01-10",
            "--open-cases",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "Opened {} cases; 0 listed pupils already had one.",
            flagged.len()
        )));
    for u in &flagged {
        let file = case_file(w, u);
        let v = load_yaml(&file);
        assert_eq!(v["stage"].as_str(), Some("monitor"));
        assert_figures(
            &v["opening_attendance"],
            &ex.tally(u, "2024-09-02", "2025-01-10"),
            "2024-09-02",
            "2025-01-10",
        );
        assert_matches_schema(&file);
    }
    // a second run opens none, and shows each pupil's stage
    ws.at("2025-01-10")
        .args([
            "flag",
            "--to",
            "2025-01-10",
            "--open-cases",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "Opened 0 cases; {} listed pupils already had one.",
            flagged.len()
        )))
        .stdout(predicate::str::contains(",monitor,"));
    // then a plan and its review for the first of them
    let u = flagged[0];
    plan_by_flags(&ws, u, "95");
    ws.at(REVIEW)
        .args(["review", u, "--decision", "continue"])
        .args(all_done())
        .assert()
        .success();
    let v = load_yaml(&case_file(w, u));
    assert_figures(
        &yaml_at(&v, &["plans", "0", "review"])["during_plan"],
        &ex.tally(u, MEETING, REVIEW),
        MEETING,
        REVIEW,
    );
    ws.at(REVIEW)
        .args(["flag", "--to", REVIEW, "--format", "csv"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!("{u},")).and(predicate::str::contains(",support,")),
        );
}
