//! Filters that mean what they say: `--band at-risk` lists the at-risk pupils whatever
//! `--threshold` is; every command that shows figures warns when the register is old; the
//! report's caseload counts reviews to the report's end date, not to the latest session.

use crate::flag::exact_register;
use crate::support::*;
use crate::tables::example_with_cases;
use predicates::prelude::*;

fn listed(ws: &Ws, args: &[&str]) -> Vec<String> {
    let out = ws
        .at("2025-03-17")
        .args(["flag", "--format", "csv"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    csv_rows(&String::from_utf8_lossy(&out.stdout))[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn band_at_risk_lists_the_at_risk_pupils_whatever_the_threshold() {
    let ws = Ws::new();
    let fix = |body: &str| attend::upn::Upn::from_body(body).unwrap().to_string();
    // 91% and 92% are at risk (up to 2 points above 90), 92.5% and 95% are not; 80% persistent
    let (a, b, c, d, e) = (
        fix("801200005001"),
        fix("801200005002"),
        fix("801200005003"),
        fix("801200005004"),
        fix("801200005005"),
    );
    exact_register(
        &ws,
        &[
            (&a, 91, 100),
            (&b, 92, 100),
            (&c, 37, 40),
            (&d, 95, 100),
            (&e, 80, 100),
        ],
    );
    let at_risk = vec![a.clone(), b.clone()];
    assert_eq!(listed(&ws, &["--band", "at-risk"]), at_risk);
    for threshold in ["50", "90", "100"] {
        assert_eq!(
            listed(&ws, &["--band", "at-risk", "--threshold", threshold]),
            at_risk,
            "--threshold {threshold}"
        );
    }
    assert_eq!(listed(&ws, &["--band", "persistent"]), vec![e.clone()]);
    assert_eq!(
        listed(&ws, &[]),
        vec![e.clone()],
        "the threshold alone: at or below 90%"
    );
    ws.at("2025-03-17")
        .args(["flag", "--band", "at-risk"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Pupils in the at risk band"));
}

#[test]
fn every_command_that_shows_figures_warns_when_the_register_is_old() {
    let ws = example_with_cases();
    // the latest session is Friday 14 March 2025
    let upn = "K860309314015";
    let commands: Vec<Vec<&str>> = vec![
        vec!["flag"],
        vec!["due"],
        vec!["report"],
        vec!["pupil", upn],
        vec!["case", "show", upn],
        vec!["family", upn],
    ];
    for args in &commands {
        // 10 school days later: not yet old (thresholds.stale_register: 10)
        ws.at("2025-03-28")
            .args(args)
            .assert()
            .success()
            .stderr(predicate::str::contains("out of date").not());
        ws.at("2025-03-31")
            .args(args)
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "warning: the register's latest session is 14/03/2025, 11 school days before today (31/03/2025): these figures are out of date",
            ));
    }
    // the number of days is the school's to set; 0 never warns
    let yaml = ws.path().join("attend.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        text.replace("stale_register: 10", "stale_register: 0"),
    )
    .unwrap();
    ws.at("2026-01-05")
        .args(["flag"])
        .assert()
        .success()
        .stderr(predicate::str::contains("out of date").not());
}

#[test]
fn the_caseload_counts_reviews_to_the_reports_end_date() {
    let ws = example_with_cases();
    // Lily Parker's plan is reviewed on 24 March, after the latest session (14 March)
    ws.at("2025-03-24")
        .args(["--quiet", "review", "lily parker", "--outcome", "met"])
        .args(["--outcome-reason", "Came in every Monday since the meeting"])
        .args(["--decision", "close", "--action-status", "1=done"])
        .assert()
        .success();
    let held = |args: &[&str]| -> String {
        let out = ws
            .at("2025-03-25")
            .args(["report", "--format", "csv"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = csv_rows(&String::from_utf8_lossy(&out.stdout));
        rows.iter()
            .find(|r| r[0] == "caseload" && r[2] == "reviews held")
            .map(|r| r[19].clone())
            .unwrap()
    };
    assert_eq!(
        held(&[]),
        "1",
        "the year to date runs to today, not to 14 March"
    );
    assert_eq!(
        held(&["--to", "2025-03-21"]),
        "0",
        "a period ending before the review"
    );
    assert_eq!(held(&["--term", "spring"]), "1");
    ws.at("2025-03-25")
        .args(["report"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Reviews held 02/09/2024 to 25/03/2025: 1",
        ));
}
