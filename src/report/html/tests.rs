//! Tests of the pages and their charts.

use super::super::{
    BenchmarkRow, Breakdown, Caseload, Group, MarkCell, MarkWeek, StageCount, Week, Weekday,
};
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn sessions(possible: u32, attended: u32, authorised: u32, l: u32, u: u32) -> Sessions {
    let c = crate::attendance::Counts {
        possible,
        present: attended,
        authorised,
        unauthorised: possible - attended - authorised,
        late_before_close: l,
        late_after_close: u,
        ..Default::default()
    };
    Sessions::of(&c)
}

fn figures(pupils: u32, s: Sessions, persistent: u32, severe: u32) -> Figures {
    Figures {
        pupils,
        sessions: s,
        persistent,
        persistent_pct: Some(format!(
            "{:.1}",
            f64::from(persistent) * 100.0 / f64::from(pupils)
        )),
        severe,
        severe_pct: Some(format!(
            "{:.1}",
            f64::from(severe) * 100.0 / f64::from(pupils)
        )),
    }
}

fn group(name: &str, f: Figures) -> Group {
    Group {
        group: name.into(),
        small: false,
        figures: Some(f),
        withheld: None,
    }
}

fn report() -> Report {
    let weeks = (0..12)
        .map(|i| Week {
            week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
            sessions: sessions(1000, 900 + (i as u32 % 5) * 9, 40, 10, 3),
        })
        .collect();
    let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
        .iter()
        .enumerate()
        .map(|(i, w)| Weekday {
            weekday: w.to_string(),
            sessions: sessions(2400, 2150 + i as u32 * 30, 90, 20, 5),
        })
        .collect();
    Report {
        school: "St Mary & St John's <script>alert(1)</script>".into(),
        period: "Autumn term 2024".into(),
        from: d(2024, 9, 2),
        to: d(2024, 11, 22),
        academic_year: "2024/25".into(),
        school_weeks: 12,
        persistent_threshold: 90,
        severe_threshold: 50,
        small_group: 5,
        small_groups_withheld: true,
        whole_school: figures(120, sessions(12000, 11321, 450, 95, 21), 17, 2),
        breakdowns: vec![
            Breakdown {
                key: "year".into(),
                title: "Year group".into(),
                groups: vec![
                    group("7", figures(40, sessions(4000, 3800, 120, 30, 5), 4, 0)),
                    group("8", figures(40, sessions(4000, 3700, 160, 30, 8), 7, 1)),
                    group("9", figures(40, sessions(4000, 3821, 170, 35, 8), 6, 1)),
                ],
            },
            Breakdown {
                key: "fsm".into(),
                title: "Free school meals".into(),
                groups: vec![
                    group("N", figures(100, sessions(10000, 9500, 350, 70, 11), 10, 1)),
                    group(
                        "Y <b>&co</b>",
                        figures(17, sessions(1700, 1521, 80, 20, 8), 6, 1),
                    ),
                    Group {
                        group: "(not recorded)".into(),
                        small: true,
                        figures: None,
                        withheld: Some("fewer than 5".into()),
                    },
                ],
            },
        ],
        weeks,
        weekdays,
        absence_codes: vec![CodeUse {
            code: "I".into(),
            meaning: "Illness".into(),
            counts_as: "authorised absence".into(),
            sessions: 321,
            share_pct: Some("47.3".into()),
        }],
        benchmarks: vec![BenchmarkRow {
            name: "National".into(),
            attendance_pct: Some("93.1".into()),
            authorised_pct: Some("4.2".into()),
            unauthorised_pct: Some("2.7".into()),
            persistent_pct: Some("17.8".into()),
            severe_pct: Some("2.2".into()),
        }],
        caseload: Some(Caseload {
            by_stage: vec![StageCount {
                stage: "support".into(),
                cases: 4,
            }],
            reviews_held: 3,
            reviewed_on_time: 2,
            reviews_overdue: 1,
            outcome_met: 1,
            outcome_some_improvement: 1,
            outcome_not_met: 1,
            ..Default::default()
        }),
        pupils_without_sessions: 2,
        statistics_basis: None,
    }
}

fn picture() -> PupilPicture {
    let cell = |code: &str, kind: &str| MarkCell {
        code: code.into(),
        kind: kind.into(),
    };
    let marks = (0..3)
        .map(|i| MarkWeek {
            week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
            days: vec![
                [cell("/", "present"), cell("\\", "present")],
                [cell("I", "authorised"), cell("I", "authorised")],
                [cell("O", "unauthorised"), cell("", "no_mark")],
                [cell("B", "approved"), cell("X", "not_counted")],
                [cell("", "not_held"), cell("", "not_held")],
            ],
        })
        .collect();
    PupilPicture {
        school: "Riverside & Co".into(),
        upn: "A123456789012".into(),
        name: "Zoë <script>O'Brien & Sons".into(),
        year: "9".into(),
        reg_group: "9A".into(),
        period: "Autumn term 2024".into(),
        from: d(2024, 9, 2),
        to: d(2024, 9, 20),
        figures: sessions(24, 17, 4, 2, 1),
        band: "persistent absence".into(),
        persistent_threshold: 90,
        weeks: (0..3)
            .map(|i| Week {
                week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
                sessions: sessions(8, 4 + i as u32, 2, 1, 0),
            })
            .collect(),
        marks,
        codes: vec![
            CodeUse {
                code: "/".into(),
                meaning: "Present (AM)".into(),
                counts_as: "present".into(),
                sessions: 12,
                share_pct: Some("50.0".into()),
            },
            CodeUse {
                code: "O".into(),
                meaning: "Unauthorised absence <not> explained".into(),
                counts_as: "unauthorised absence".into(),
                sessions: 3,
                share_pct: Some("12.5".into()),
            },
        ],
    }
}

fn self_contained(html: &str) {
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script in the page");
    assert!(!lower.contains("http://"), "a web address in the page");
    assert!(!lower.contains("https://"), "a web address in the page");
    assert!(!lower.contains("<link"), "an external resource");
    assert!(!lower.contains("<img"), "an external image");
    assert!(!lower.contains("url("), "a CSS resource");
    assert!(lower.contains("@page { size: a4; margin: 15mm; }"));
}

#[test]
fn report_page_shows_the_headline_figures() {
    let r = report();
    let html = report_page(&r).unwrap();
    self_contained(&html);
    let s = &r.whole_school.sessions;
    for v in [
        s.attendance_pct.as_deref().unwrap(),
        s.authorised_pct.as_deref().unwrap(),
        s.unauthorised_pct.as_deref().unwrap(),
        r.whole_school.persistent_pct.as_deref().unwrap(),
        r.whole_school.severe_pct.as_deref().unwrap(),
    ] {
        assert!(html.contains(&format!("{v}%")), "{v}% missing");
    }
    assert!(html.contains("94.3%"), "attendance 11321/12000");
    assert!(html.contains("17 of 120 pupils at or below 90%"));
    assert!(html.contains("2 of 120 pupils at or below 50%"));
    assert!(html.contains("1 September 2024") || html.contains("2 September 2024"));
    assert!(html.contains("22 November 2024"));
    assert!(html.contains("12 school weeks"));
    // benchmarks beside the school
    assert!(html.contains("<td>National</td><td>93.1</td>"));
    // caseload and codes
    assert!(html.contains("Reviews held in the period</td><td>3</td>"));
    assert!(html.contains("<td>I</td><td class=\"text\">Illness</td>"));
    assert!(html.contains("47.3"));
}

#[test]
fn report_page_draws_the_charts() {
    let html = report_page(&report()).unwrap();
    // trend, weekday, and a PA chart for each breakdown with two groups or more
    assert_eq!(html.matches("<svg ").count(), 4, "{html}");
    assert!(html.contains("persistent absence line (90%)"));
    assert!(html.contains("aria-label=\"Attendance by weekday\""));
    // weekday bars are labelled with the report's own figure
    let mon = report().weekdays[0]
        .sessions
        .attendance_pct
        .clone()
        .unwrap();
    assert!(html.contains(&format!("{mon}%")));
}

#[test]
fn withheld_groups_show_fewer_than_5_and_no_figures() {
    let html = report_page(&report()).unwrap();
    assert!(html.contains(
        "<tr><td>(not recorded)</td><td class=\"withheld\" colspan=\"10\">fewer than 5</td></tr>"
    ));
    assert!(html.contains("1 group of fewer than 5 pupils not shown."));
    // the withheld group is not a bar in the chart
    let fsm_chart = html
        .split("<figcaption>Free school meals</figcaption>")
        .nth(1)
        .unwrap()
        .split("</figure>")
        .next()
        .unwrap();
    assert!(!fsm_chart.contains("not recorded"));
    assert!(fsm_chart.contains(">\nN\n</text>") || fsm_chart.contains("N\n</text>"));
}

#[test]
fn untrusted_text_is_escaped_in_the_page_and_the_charts() {
    let html = report_page(&report()).unwrap();
    assert!(
        html.contains("St Mary &amp; St John&#39;s &lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("St Mary &amp; St John&#39;s &lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!html.contains("<b>&co</b>"));
    // the group's name on the chart (SVG text) is escaped too
    let chart = html.split("<svg ").nth(4).unwrap();
    assert!(chart.contains("Y &lt;b&gt;&amp;co&lt;/b&gt;"), "{chart}");
    let p = pupil_page(&picture()).unwrap();
    self_contained(&p);
    assert!(p.contains("<h1>Zoë &lt;script&gt;O&#39;Brien &amp; Sons</h1>"));
    assert!(p.contains("&lt;not&gt;"));
    assert!(p.contains("Riverside &amp; Co"));
}

#[test]
fn pupil_page_shows_figures_marks_and_charts() {
    let p = picture();
    let html = pupil_page(&p).unwrap();
    self_contained(&html);
    assert!(html.contains("UPN A123456789012"));
    assert!(html.contains("Year 9"));
    assert!(html.contains("registration group 9A"));
    let att = p.figures.attendance_pct.clone().unwrap();
    assert!(html.contains(&format!("{att}%")), "{att}");
    assert!(html.contains("<strong>persistent absence</strong>"));
    assert!(html.contains("persistent absence line (90%)"));
    // trend and code mix
    assert_eq!(html.matches("<svg ").count(), 2);
    // 3 weeks × 10 sessions in the grid, each coloured by kind with its code
    assert_eq!(html.matches("<td class=\"m k-").count(), 30);
    assert!(html.contains("<td class=\"m k-unauthorised\">O</td>"));
    assert!(html.contains("<td class=\"m k-authorised pm\">I</td>"));
    assert!(html.contains("<td class=\"m k-no_mark pm\"></td>"));
    assert!(html.contains("<td class=\"w\">9 Sep 2024</td>"));
    for k in KEY {
        assert!(html.contains(&format!("swatch k-{}", k.kind)));
    }
}

#[test]
fn empty_periods_render_without_charts() {
    let mut r = report();
    r.weeks.clear();
    r.weekdays.clear();
    r.breakdowns.clear();
    r.absence_codes.clear();
    r.caseload = None;
    r.benchmarks.clear();
    let html = report_page(&r).unwrap();
    assert!(!html.contains("<svg"));
    let mut p = picture();
    p.weeks.clear();
    p.marks.clear();
    p.codes.clear();
    p.figures = Sessions::default();
    let html = pupil_page(&p).unwrap();
    assert!(!html.contains("<svg"));
    assert!(html.contains("–"));
}

#[test]
fn one_week_and_one_code_draw() {
    let mut p = picture();
    p.weeks.truncate(1);
    p.marks.truncate(1);
    p.codes.truncate(1);
    let html = pupil_page(&p).unwrap();
    assert_eq!(html.matches("<svg ").count(), 2);
    let mut r = report();
    r.weeks.truncate(1);
    r.weekdays.truncate(1);
    r.breakdowns[0].groups.truncate(2);
    let html = report_page(&r).unwrap();
    assert_eq!(html.matches("<svg ").count(), 4);
}

#[test]
fn a_school_year_of_weeks_and_many_groups_draw() {
    let mut r = report();
    r.weeks = (0..39)
        .map(|i| Week {
            week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
            sessions: sessions(1000, 850 + (i as u32 * 7) % 120, 20, 10, 3),
        })
        .collect();
    r.breakdowns[0].groups = (0..30)
        .map(|i| {
            group(
                &format!("Form {i} with a rather long name"),
                figures(10, sessions(100, 90, 5, 1, 1), i % 10, 0),
            )
        })
        .collect();
    let html = report_page(&r).unwrap();
    assert_eq!(html.matches("<svg ").count(), 4);
    // long names are shortened on the chart, whole in the table
    assert!(html.contains("Form 3 with a rat…"));
    assert!(html.contains("<td>Form 3 with a rather long name</td>"));
    // one group more than a page holds: the chart is left to the table
    r.breakdowns[0].groups.push(group(
        "extra",
        figures(10, sessions(100, 90, 5, 1, 1), 1, 0),
    ));
    assert_eq!(report_page(&r).unwrap().matches("<svg ").count(), 3);
}

#[test]
fn nice_numbers() {
    assert_eq!(nice_ceiling(13.0), 15.0);
    assert_eq!(nice_ceiling(2.1), 2.5);
    assert_eq!(nice_ceiling(41.0), 50.0);
    assert_eq!(nice_ceiling(158.6), 200.0);
    assert_eq!(y_ticks(80.0), 5);
    assert_eq!(y_ticks(0.0), 6);
    assert_eq!(axis_floor(93.2), 80.0);
    assert_eq!(axis_floor(2.0), 0.0);
}
