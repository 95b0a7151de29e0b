//! `attend due`: each entry, checked against registers built by hand (the test chose every mark,
//! so it knows on which school day each item became due) and cases built for the test.

use crate::support::*;
use chrono::{Duration, NaiveDate};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 12 weeks from Monday 6 January 2025, half term (week 6, 17-21 February) closed: 55 school
/// days, the last Friday 28 March 2025.
const WEEKS: usize = 12;
const CLOSED: [usize; 1] = [6];

fn monday() -> NaiveDate {
    d(2025, 1, 6)
}

/// A mark function: `code` on the school days in `days`, present otherwise.
fn on(days: std::ops::RangeInclusive<usize>, code: &'static str) -> impl Fn(usize, bool) -> String {
    move |k, pm| {
        if days.contains(&k) {
            code.to_string()
        } else {
            present(pm)
        }
    }
}

fn due_csv(ws: &Ws, as_of: &str, extra: &[&str]) -> Vec<Vec<String>> {
    let out = ws
        .at(as_of)
        .args(["due", "--format", "csv"])
        .args(extra)
        .assert()
        .success();
    csv_rows(&String::from_utf8_lossy(&out.get_output().stdout))
}

/// The rows of one kind for one pupil: (date, from, to, school_days, detail).
fn items(
    rows: &[Vec<String>],
    kind: &str,
    upn: &str,
) -> Vec<(String, String, String, String, String)> {
    rows.iter()
        .filter(|r| r[0] == kind && r[1] == upn)
        .map(|r| {
            (
                r[4].clone(),
                r[8].clone(),
                r[9].clone(),
                r[10].clone(),
                r[5].clone(),
            )
        })
        .collect()
}

#[test]
fn the_local_authority_notices_come_from_the_register_with_the_day_each_became_due() {
    let ws = Ws::new();
    let pupils = vec![
        // 15 school days of O to the last day: the LA must be told (10th day: day 49)
        HandPupil::new(1, "Runs", "8", "2012-05-01", on(40..=54, "O")),
        // 30 days of G across half term: 10 and 20 days (days 34 and 44)
        HandPupil::new(2, "Long", "8", "2012-05-02", on(25..=54, "G")),
        // 9 days, then back: not 10
        HandPupil::new(3, "Nine", "8", "2012-05-03", on(45..=53, "O")),
        // 12 days in January, long past: not listed
        HandPupil::new(4, "Early", "8", "2012-05-04", on(5..=16, "O")),
        // 12 days ending 8 school days before the last: still listed for the week's return
        HandPupil::new(5, "Back", "8", "2012-05-05", on(35..=46, "O")),
        // a day absent in the morning only breaks the run (9 days, then 5)
        HandPupil::new(6, "Mixed", "8", "2012-05-06", |k, pm| {
            if (30..=38).contains(&k) || (40..=44).contains(&k) || (k == 39 && !pm) {
                "O".into()
            } else {
                present(pm)
            }
        }),
        // a day not counted (X) neither counts nor breaks: 9 + 5 = 14 days, the 10th on day 50
        HandPupil::new(7, "Neutral", "8", "2012-05-07", |k, pm| match k {
            40..=48 | 50..=54 => "O".into(),
            49 => "X".into(),
            _ => present(pm),
        }),
        // U (came in late) is not missing: runs of 5 and 9
        HandPupil::new(8, "Late", "8", "2012-05-08", |k, pm| match k {
            45 if !pm => "U".into(),
            40..=54 => "O".into(),
            _ => present(pm),
        }),
        // illness on every third school day to day 42: 15 days (30 sessions), reached on day 42
        HandPupil::new(9, "Ill", "8", "2012-05-09", |k, pm| {
            if k % 3 == 0 && k <= 42 {
                "I".into()
            } else {
                present(pm)
            }
        }),
        // 14 and a half days of illness: not yet
        HandPupil::new(10, "NotIll", "8", "2012-05-10", |k, pm| {
            if (k % 3 == 0 && k <= 39) || (k == 41 && !pm) {
                "I".into()
            } else {
                present(pm)
            }
        }),
        // an N five school days before the last day: due on the last day
        HandPupil::new(11, "NMark", "8", "2012-05-11", |k, pm| {
            if k == 49 && !pm {
                "N".into()
            } else {
                present(pm)
            }
        }),
        // an N four school days before: not yet
        HandPupil::new(12, "NRecent", "8", "2012-05-12", |k, pm| {
            if k == 50 && !pm {
                "N".into()
            } else {
                present(pm)
            }
        }),
        // C2 every afternoon from Monday 20 January: past 6 weeks on 3 March
        HandPupil::new(13, "PartTime", "8", "2012-05-13", |k, pm| {
            if pm && k >= 10 {
                "C2".into()
            } else {
                present(pm)
            }
        }),
        // C2 from Monday 3 March: 25 days, within 6 weeks
        HandPupil::new(14, "PartShort", "8", "2012-05-14", |k, pm| {
            if pm && k >= 35 {
                "C2".into()
            } else {
                present(pm)
            }
        }),
        // C2 until half term only: no longer running
        HandPupil::new(15, "PartOld", "8", "2012-05-15", |k, pm| {
            if pm && k <= 29 {
                "C2".into()
            } else {
                present(pm)
            }
        }),
    ];
    let days = hand_register(&ws, monday(), WEEKS, &CLOSED, &pupils);
    assert_eq!(days.len(), 55);
    assert_eq!(days[54], d(2025, 3, 28));
    let day = |k: usize| days[k].to_string();
    let rows = due_csv(&ws, "2025-03-28", &[]);
    assert_eq!(
        rows[0],
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
    let u = |n: u32| upn(n);

    // 10 school days in a row of unauthorised absence
    let runs = items(&rows, "unauthorised_10_days", &u(1));
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (&runs[0].0, &runs[0].1, &runs[0].2, &runs[0].3),
        (&day(49), &day(40), &day(54), &"15".to_string())
    );
    assert!(runs[0].4.contains("continuing") && runs[0].4.contains("local authority must be told"));
    assert_eq!(items(&rows, "absent_20_days", &u(1)), vec![]);
    // 30 days across half term: both notices
    let long10 = items(&rows, "unauthorised_10_days", &u(2));
    let long20 = items(&rows, "absent_20_days", &u(2));
    assert_eq!(
        (long10[0].0.clone(), long10[0].3.clone()),
        (day(34), "30".into())
    );
    assert_eq!(
        (long20[0].0.clone(), long20[0].1.clone()),
        (day(44), day(25))
    );
    assert!(long20[0].4.contains("reasonable enquiries"));
    for n in [3, 4, 6, 8] {
        assert_eq!(
            items(&rows, "unauthorised_10_days", &u(n)),
            vec![],
            "pupil {n}"
        );
    }
    let back = items(&rows, "unauthorised_10_days", &u(5));
    assert_eq!((back[0].0.clone(), back[0].2.clone()), (day(44), day(46)));
    assert!(back[0].4.contains("then back"));
    let neutral = items(&rows, "unauthorised_10_days", &u(7));
    assert_eq!(
        (neutral[0].0.clone(), neutral[0].3.clone()),
        (day(50), "14".into())
    );

    // illness: 15 school days in the year, consecutive or not
    let ill = items(&rows, "illness_15_days", &u(9));
    assert_eq!((ill[0].0.clone(), ill[0].3.clone()), (day(42), "15".into()));
    assert_eq!(items(&rows, "illness_15_days", &u(10)), vec![]);

    // N marks not resolved within 5 school days
    let n = items(&rows, "unresolved_n", &u(11));
    assert_eq!((n[0].0.clone(), n[0].1.clone()), (day(54), day(49)));
    assert_eq!(items(&rows, "unresolved_n", &u(12)), vec![]);

    // part-time timetables running past their review (6 weeks by default)
    let pt = items(&rows, "part_time_timetable", &u(13));
    assert_eq!(
        (pt[0].0.clone(), pt[0].1.clone()),
        ((d(2025, 1, 20) + Duration::weeks(6)).to_string(), day(10))
    );
    assert_eq!(items(&rows, "part_time_timetable", &u(14)), vec![]);
    assert_eq!(items(&rows, "part_time_timetable", &u(15)), vec![]);
    // a shorter review period lists the shorter timetable, due 3 weeks after it began
    let yaml = read(&ws.path().join("attend.yaml"));
    std::fs::write(
        ws.path().join("attend.yaml"),
        yaml.replace("  part_time_weeks: 6 ", "  part_time_weeks: 3 "),
    )
    .unwrap();
    let rows3 = due_csv(&ws, "2025-03-28", &[]);
    let short = items(&rows3, "part_time_timetable", &u(14));
    assert_eq!(short[0].0, (d(2025, 3, 3) + Duration::weeks(3)).to_string());

    // the weekly return: only the notices to the local authority, with year and date of birth
    let la = due_csv(&ws, "2025-03-28", &["--la-return"]);
    assert!(la.len() > 1);
    for r in &la[1..] {
        assert!(
            [
                "absent_20_days",
                "unauthorised_10_days",
                "illness_15_days",
                "part_time_timetable"
            ]
            .contains(&r[0].as_str()),
            "{r:?}"
        );
        assert_eq!(r[6], "8");
        assert!(r[7].starts_with("2012-05-"), "{r:?}");
    }
    // --kind chooses one kind
    let only = due_csv(&ws, "2025-03-28", &["--kind", "unresolved_n"]);
    assert!(only[1..].iter().all(|r| r[0] == "unresolved_n"));
    ws.at("2025-03-28")
        .args(["due", "--kind", "sickness"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("illness_15_days"));
}

#[test]
fn missed_check_ins_and_notices_to_improve_are_followed_through() {
    let ws = Ws::empty();
    let pupils = vec![HandPupil::new(
        1,
        "Runs",
        "8",
        "2012-05-01",
        on(40..=54, "O"),
    )];
    let days = hand_register(&ws, monday(), WEEKS, &CLOSED, &pupils);
    let id = upn(1);
    // a plan agreed on Monday 24 February (after half term), a call in the week after
    ws.at("2025-02-24")
        .args(["plan", "new", &id, "--target", "95", "--weeks", "3"])
        .args([
            "--attendee",
            "Sam Runs|Mother",
            "--attendee",
            "Priya Shah|Attendance Officer",
        ])
        .args([
            "--action",
            "parents|Phone by 9am|Sam Runs",
            "--action",
            "school|Weekly check-in|Priya Shah",
        ])
        .assert()
        .success();
    ws.at("2025-03-05")
        .args(["case", "log", &id, "--kind", "call", "Weekly call home"])
        .assert()
        .success();
    // by Friday 28 March: the weeks of 10 and 17 March had no check-in (this week is not over)
    let rows = due_csv(&ws, "2025-03-28", &[]);
    let missed = items(&rows, "missed_check_in", &id);
    assert_eq!(missed.len(), 1, "{rows:?}");
    assert_eq!(
        (
            missed[0].0.as_str(),
            missed[0].1.as_str(),
            missed[0].2.as_str()
        ),
        ("2025-03-14", "2025-03-10", "2025-03-21")
    );
    assert!(missed[0].4.contains("2 school weeks"), "{}", missed[0].4);
    // a note is not a check-in; a visit is
    ws.at("2025-03-28")
        .args([
            "case",
            "log",
            &id,
            "--kind",
            "note",
            "--date",
            "2025-03-11",
            "Thought about it",
        ])
        .assert()
        .success();
    ws.at("2025-03-28")
        .args([
            "case",
            "log",
            &id,
            "--kind",
            "visit",
            "--date",
            "2025-03-12",
            "Home visit",
        ])
        .assert()
        .success();
    let rows = due_csv(&ws, "2025-03-28", &[]);
    let missed = items(&rows, "missed_check_in", &id);
    assert_eq!(missed[0].0, "2025-03-21", "{missed:?}");

    // a Notice to Improve given on 3 March, its period 10 to 28 March, asking for 95%
    let file = case_file(ws.path(), &id);
    let text = read(&file);
    let at = text.find("\ntimeline:").unwrap();
    std::fs::write(
        &file,
        format!(
            "{}\nnotices_to_improve:\n- date: 2025-03-03\n  from: 2025-03-10\n  to: 2025-03-28\n  weeks: 3\n  target: 95{}",
            &text[..at],
            &text[at..]
        ),
    )
    .unwrap();
    // four days before it ends
    let rows = due_csv(&ws, "2025-03-24", &[]);
    let ends = items(&rows, "notice_period_ends", &id);
    assert_eq!(ends[0].0, "2025-03-28");
    assert!(ends[0].4.contains("in 4 days"), "{}", ends[0].4);
    // after it ended: the decision is pending, with the figures over the period against what it
    // asked: every session from 10 to 28 March (days 40 to 54) was O
    let rows = due_csv(&ws, "2025-03-31", &[]);
    let pending = items(&rows, "penalty_decision", &id);
    assert_eq!(
        (pending[0].0.as_str(), pending[0].1.as_str()),
        ("2025-03-28", "2025-03-10")
    );
    let sessions = 2 * (40..=54).count();
    assert_eq!(days[40], d(2025, 3, 10));
    assert!(
        pending[0].4.contains(&format!(
            "{sessions} unauthorised sessions and attendance 0.0% (0 of {sessions} possible sessions)"
        )) && pending[0].4.contains("95% attendance")
            && pending[0].4.contains("is not met"),
        "{}",
        pending[0].4
    );
    assert!(items(&rows, "notice_period_ends", &id).is_empty());
    // deciding not to issue a notice settles it, and is on the timeline
    ws.at("2025-03-31")
        .args([
            "penalty",
            "no-notice",
            &id,
            "--reason",
            "Family now engaging with early help",
        ])
        .assert()
        .success();
    let rows = due_csv(&ws, "2025-03-31", &[]);
    assert!(items(&rows, "penalty_decision", &id).is_empty());
    let v = load_yaml(&file);
    assert_eq!(
        yaml_at(
            &v,
            &["notices_to_improve", "0", "decision", "penalty_notice"]
        )
        .as_bool(),
        Some(false)
    );
    assert_matches_schema(&file);
}
