//! Tests of the arithmetic: counts and bands, periods, patterns, the penalty-notice window.

use super::*;
use crate::dates::Term;
use crate::register::{MarkGrid, WEEK_SLOTS};
use crate::upn::{PupilId, Upn};
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn counts(marks: &[&str], date: NaiveDate) -> Counts {
    let set = CodeSet::for_date(date);
    let mut c = Counts::default();
    for m in marks {
        c.add(Code::parse(m).unwrap().as_u8(), set);
    }
    c
}

fn t() -> Thresholds {
    Thresholds::default()
}

#[test]
fn every_code_counts_in_exactly_one_place() {
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        for c in Code::in_set(set) {
            let mut k = Counts::default();
            k.add(c.as_u8(), set);
            let places =
                k.present + k.approved_activity + k.authorised + k.unauthorised + k.not_counted;
            assert_eq!(places, 1, "{c} under {set:?}");
            assert_eq!(k.possible, k.attended() + k.absent(), "{c}");
            let cat = c.category(set).unwrap();
            assert_eq!(k.possible == 1, cat.is_possible(), "{c}");
            assert_eq!(k.attended() == 1, cat.is_attended(), "{c}");
        }
    }
}

#[test]
fn exactly_90_percent_is_persistent_absence() {
    let c = counts(&[&["/"; 9][..], &["I"]].concat(), d(2025, 1, 6));
    assert_eq!(c.attendance().unwrap().pct(), "90.0");
    assert_eq!(c.band(&t()), Band::Persistent);
}

#[test]
fn just_above_90_shows_90_0_but_is_not_persistent() {
    // 226 of 251 = 90.04%: shows as 90.0, is not persistent absence (absent 9.96%)
    let mut c = Counts::default();
    for _ in 0..226 {
        c.add(Code::PresentAm.as_u8(), CodeSet::Regs2024);
    }
    for _ in 0..25 {
        c.add(Code::I.as_u8(), CodeSet::Regs2024);
    }
    assert_eq!(c.attendance().unwrap().pct(), "90.0");
    assert_eq!(c.band(&t()), Band::AtRisk);
}

#[test]
fn just_below_90_shows_90_0_and_is_persistent() {
    // 2249 of 2500 = 89.96%: prints 90.0, is persistent absence
    let c = Counts {
        possible: 2500,
        present: 2249,
        authorised: 251,
        ..Default::default()
    };
    assert_eq!(c.attendance().unwrap().pct(), "90.0");
    assert_eq!(c.band(&t()), Band::Persistent);
}

#[test]
fn exactly_50_percent_is_severe_absence() {
    let c = counts(&["/", "O"], d(2025, 1, 6));
    assert_eq!(c.band(&t()), Band::Severe);
    let c = counts(&["/", "/", "O"], d(2025, 1, 6));
    assert_eq!(c.band(&t()), Band::Persistent);
}

#[test]
fn zero_possible_sessions_has_no_percentage_and_no_band() {
    let c = counts(&["#", "Z", "X", "D"], d(2025, 1, 6));
    assert_eq!(c.possible, 0);
    assert_eq!(c.attendance(), None);
    assert_eq!(pct_or_blank(c.attendance()), "");
    assert_eq!(c.band(&t()), Band::None);
    assert_eq!(c.not_counted, 4);
}

#[test]
fn rounding_is_half_up_on_the_exact_fraction() {
    assert_eq!(Fraction::new(389, 400).unwrap().pct(), "97.3"); // 97.25
    assert_eq!(Fraction::new(7, 8).unwrap().pct(), "87.5");
    assert_eq!(Fraction::new(4, 7).unwrap().pct(), "57.1");
    assert_eq!(Fraction::new(2, 3).unwrap().pct(), "66.7");
    assert_eq!(Fraction::new(0, 3).unwrap().pct(), "0.0");
    assert_eq!(Fraction::new(3, 3).unwrap().pct(), "100.0");
}

#[test]
fn lates_are_counted_apart_and_not_twice() {
    let c = counts(&["L", "L", "U", "/"], d(2025, 1, 6));
    assert_eq!((c.present, c.unauthorised, c.possible), (3, 1, 4));
    assert_eq!((c.late_before_close, c.late_after_close), (2, 1));
}

#[test]
fn a_period_spanning_19_august_2024_counts_each_code_by_its_own_set() {
    // J before the switch is attendance (approved activity); J1 after it is authorised absence
    let mut c = Counts::default();
    c.add(Code::J.as_u8(), CodeSet::for_date(d(2024, 7, 15)));
    c.add(Code::J1.as_u8(), CodeSet::for_date(d(2024, 9, 2)));
    c.add(Code::H.as_u8(), CodeSet::for_date(d(2024, 7, 16)));
    c.add(Code::C.as_u8(), CodeSet::for_date(d(2024, 9, 3)));
    assert_eq!(c.approved_activity, 1);
    assert_eq!(c.authorised, 3);
    assert_eq!(c.possible, 4);
}

fn grid_of(weeks: &[NaiveDate], rows: &[&str]) -> MarkGrid {
    let mut g = MarkGrid {
        weeks: weeks.to_vec(),
        ..Default::default()
    };
    for (i, r) in rows.iter().enumerate() {
        let id: PupilId = Upn::from_body(&format!("80120000{:04}", i)).unwrap().into();
        g.ids.push(id);
        let cells: Vec<&str> = r.split_whitespace().collect();
        assert_eq!(cells.len(), weeks.len() * WEEK_SLOTS);
        g.marks.vec_mut().extend(cells.iter().map(|c| {
            if *c == "." {
                0
            } else {
                Code::parse(c).unwrap().as_u8()
            }
        }));
    }
    g
}

#[test]
fn holiday_adjacent_days_and_weekday_rates() {
    let weeks = [d(2025, 2, 10), d(2025, 2, 17), d(2025, 2, 24)];
    // week 1: absent Thu PM and Friday, the day before a closed week (half term);
    // week 3: absent Monday AM, the day after it; Tuesday absent too (not next to it)
    let row = "/ \\ / \\ / \\ / I I I  # # # # # # # # # #  G / O O / \\ / \\ / \\";
    let g = grid_of(&weeks, &[row]);
    let cal = SchoolCalendar::of(&g);
    let period = cal.resolve(&g, &PeriodSpec::default()).unwrap();
    let f = Frame::new(&g, &cal, period);
    let an = f.analyse(0);
    assert_eq!(an.counts.possible, 20);
    assert_eq!(an.counts.absent(), 6);
    // Fri (2 sessions, both absent) and Mon (2 sessions, 1 absent); the first and last days of
    // the data are not next to anything known
    assert_eq!((an.holiday_adjacent, an.holiday_adjacent_possible), (3, 4));
    assert_eq!(
        an.weekdays[4],
        DayRate {
            possible: 4,
            absent: 2
        }
    );
    assert_eq!(f.school_weeks(), &[d(2025, 2, 10), d(2025, 2, 24)]);
}

#[test]
fn a_gap_of_weeks_is_a_holiday_and_z_is_not_a_school_session() {
    // the week of 21 July, then nothing until 1 September: the summer holiday
    let weeks = [d(2025, 7, 14), d(2025, 7, 21), d(2025, 9, 1)];
    let a = "/ \\ / \\ / \\ / \\ / \\  / \\ O O . . . . . .  O O / \\ / \\ / \\ / \\";
    let z = "Z Z Z Z Z Z Z Z Z Z  Z Z Z Z Z Z Z Z Z Z  Z Z Z Z Z Z Z Z Z Z";
    let g = grid_of(&weeks, &[a, z]);
    let cal = SchoolCalendar::of(&g);
    let adj = cal.holiday_adjacent_slots(&g);
    // Tue 22 July is the last day held before the gap; Mon 1 Sept the first after it
    assert!(adj[12] && adj[13] && adj[20] && adj[21]);
    assert!(!adj[10] && !adj[22]);
    assert!(!cal.held[14], "Wed 23 July: only Z and no marks, not held");
}

#[test]
fn school_days_are_the_days_any_session_was_held() {
    let weeks = [d(2025, 7, 14), d(2025, 7, 21), d(2025, 9, 1)];
    let a = "/ \\ / \\ / \\ / \\ / \\  / \\ O O . . . . . .  O O / \\ / \\ / \\ / \\";
    let g = grid_of(&weeks, &[a]);
    let days = SchoolCalendar::of(&g).school_days(&g);
    assert_eq!(days.len(), 12);
    assert_eq!(days[6], d(2025, 7, 22));
    assert_eq!(days[7], d(2025, 9, 1));
}

#[test]
fn penalty_notice_threshold_over_rolling_ten_school_weeks() {
    // 12 school weeks, one unauthorised session a week: 10 in the last 10 weeks
    let weeks: Vec<NaiveDate> = (0..12)
        .map(|w| d(2025, 1, 6) + Duration::weeks(w))
        .collect();
    let week = "O / / \\ / \\ / \\ / \\";
    let row = [week; 12].join(" ");
    let g = grid_of(&weeks, &[&row]);
    let cal = SchoolCalendar::of(&g);
    let f = Frame::new(&g, &cal, cal.resolve(&g, &PeriodSpec::default()).unwrap());
    let an = f.analyse(0);
    assert_eq!(an.penalty_max, 10);
    let w = an.penalty.unwrap();
    assert_eq!(w.sessions, 10);
    assert_eq!(w.from, weeks[2]);
    assert_eq!(w.to, weeks[11] + Duration::days(4));
    // nine in ten weeks does not meet it
    let week_b = "/ \\ / \\ / \\ / \\ / \\";
    let mut rows: Vec<&str> = vec![week; 9];
    rows.extend(vec![week_b; 3]);
    let g = grid_of(&weeks, &[&rows.join(" ")]);
    let cal = SchoolCalendar::of(&g);
    let f = Frame::new(&g, &cal, cal.resolve(&g, &PeriodSpec::default()).unwrap());
    assert_eq!(f.analyse(0).penalty, None);
    assert_eq!(f.analyse(0).penalty_max, 9);
}

#[test]
fn sessions_an_issued_notice_rests_on_do_not_count_again() {
    // 12 school weeks, two O a week (Monday): 20 in the last 10 weeks
    let weeks: Vec<NaiveDate> = (0..12)
        .map(|w| d(2025, 1, 6) + Duration::weeks(w))
        .collect();
    let row = ["O O / \\ / \\ / \\ / \\"; 12].join(" ");
    let g = grid_of(&weeks, &[&row]);
    let cal = SchoolCalendar::of(&g);
    let f = Frame::new(&g, &cal, cal.resolve(&g, &PeriodSpec::default()).unwrap());
    assert_eq!(f.analyse(0).penalty_max, 20);
    // a notice rests on the first 5 weeks' sessions (10): the last 7 weeks hold 14 more
    let used = PenaltyScope {
        used: vec![(weeks[0], weeks[4] + Duration::days(4))],
        of_age: None,
    };
    let an = f.analyse_scoped(0, &used);
    assert_eq!(an.penalty_max, 14);
    assert_eq!(
        an.counts.unauthorised, 24,
        "the counts themselves are untouched"
    );
    // a notice resting on the first 8 weeks leaves 8: the threshold is not met again
    let used = PenaltyScope {
        used: vec![(weeks[0], weeks[7] + Duration::days(4))],
        of_age: None,
    };
    assert_eq!(f.analyse_scoped(0, &used).penalty, None);
    assert_eq!(f.analyse_scoped(0, &used).penalty_max, 8);
}

#[test]
fn sessions_before_compulsory_school_age_do_not_count_toward_the_threshold() {
    // a Reception child born 14/03/2020 is of compulsory school age from 31/03/2025
    let weeks: Vec<NaiveDate> = (0..10)
        .map(|w| d(2025, 2, 24) + Duration::weeks(w))
        .collect();
    let row = ["O O / \\ / \\ / \\ / \\"; 10].join(" ");
    let g = grid_of(&weeks, &[&row]);
    let cal = SchoolCalendar::of(&g);
    let f = Frame::new(&g, &cal, cal.resolve(&g, &PeriodSpec::default()).unwrap());
    assert_eq!(f.analyse(0).penalty.unwrap().sessions, 20);
    let scope = PenaltyScope::for_pupil(Some(d(2020, 3, 14)), vec![]);
    // weeks of 24/02, 03/03, 10/03, 17/03 and 24/03 come before 31/03: 5 weeks x 2 left out
    let an = f.analyse_scoped(0, &scope);
    assert_eq!(an.penalty.unwrap().sessions, 10);
    // born a month later: of age from 31/08/2025, nothing counts
    let scope = PenaltyScope::for_pupil(Some(d(2020, 4, 14)), vec![]);
    assert_eq!(f.analyse_scoped(0, &scope).penalty_max, 0);
}

#[test]
fn periods_resolve_and_bad_ones_are_errors() {
    let weeks: Vec<NaiveDate> = (0..6).map(|w| d(2025, 1, 6) + Duration::weeks(w)).collect();
    let row = ["/ \\ / \\ / \\ / \\ / \\"; 6].join(" ");
    let g = grid_of(&weeks, &[&row]);
    let cal = SchoolCalendar::of(&g);
    let p = cal
        .resolve(
            &g,
            &PeriodSpec {
                weeks: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(p.from, d(2025, 2, 3));
    assert_eq!(p.to, d(2025, 2, 14));
    let e = cal.resolve(
        &g,
        &PeriodSpec {
            from: Some(d(2025, 2, 1)),
            to: Some(d(2025, 1, 1)),
            ..Default::default()
        },
    );
    assert!(matches!(e, Err(PeriodError::FromAfterTo { .. })));
    let e = cal.resolve(
        &g,
        &PeriodSpec {
            from: Some(d(2024, 9, 1)),
            to: Some(d(2024, 9, 30)),
            ..Default::default()
        },
    );
    assert!(matches!(e, Err(PeriodError::NoSessions { .. })));
    let e = cal.resolve(
        &g,
        &PeriodSpec {
            weeks: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(e, Err(PeriodError::ZeroWeeks));
    let p = cal
        .resolve(
            &g,
            &PeriodSpec {
                term: Some(Term::Spring),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (p.from, p.to),
        (d(2025, 1, 6), d(2025, 2, 14)),
        "the sessions held"
    );
}

proptest! {
    /// Sorting by rate keys puts rates in the order exact comparison does: different rates get
    /// different keys (in the same order), equal rates (49/98 and 1/2) the same key, right up to
    /// the largest denominator keys are given for.
    #[test]
    fn rate_keys_order_rates_exactly_as_comparing_them_does(
        a in 1u32..=(1 << 20), b in 1u32..=(1 << 20), x in 0.0f64..=1.0, y in 0.0f64..=1.0,
        scale in 1u32..=8,
    ) {
        let near = |den: u32, t: f64| ((f64::from(den) * t) as u32).min(den);
        let (p, q) = (Fraction::new(near(a, x), a).unwrap(), Fraction::new(near(b, y), b).unwrap());
        // also the neighbours of p (the closest different rates) and p itself, scaled
        for q in [q, Fraction { num: p.num.saturating_sub(1), den: p.den }, Fraction { num: (p.num + 1).min(p.den), den: p.den },
                  Fraction { num: p.num.saturating_mul(scale), den: p.den.saturating_mul(scale) }] {
            match (p.rate_key(), q.rate_key()) {
                (Some(kp), Some(kq)) => prop_assert_eq!(kp.cmp(&kq), p.cmp_rate(q), "{:?} {:?}", p, q),
                (_, None) => prop_assert!(q.den > (1 << 20), "{:?} has a key", q),
                (None, _) => prop_assert!(false, "{:?} has no key", p),
            }
        }
    }

    /// Counting a week most pupils hold at once (a common week: a week present, a closure, a
    /// week of holiday absence) gives every figure counting session by session gives, for
    /// periods starting and ending on any day, across a week not in the register, with
    /// penalty-notice codes in common and other weeks, sessions an issued notice rests on and
    /// pupils not yet of compulsory school age.
    #[test]
    fn counting_common_weeks_at_once_gives_the_figures_counting_each_session_does(
        rows in proptest::collection::vec(proptest::collection::vec((0u8..5, proptest::collection::vec(0u8..=37, 10)), 12), 1..7),
        from_day in 0i64..20,
        to_day in 0i64..20,
        born in proptest::option::of(0i64..3000),
        used_from in 0i64..40,
        used_days in proptest::option::of(0i64..40),
    ) {
        // twelve weeks from 6 January 2025, with half term (17 February) not in the register
        let weeks: Vec<NaiveDate> = (0..13).filter(|&w| w != 6).map(|w| d(2025, 1, 6) + Duration::weeks(w)).collect();
        let code = |c: &str| Code::parse(c).unwrap().as_u8();
        let typical: [[u8; 10]; 4] = [
            std::array::from_fn(|q| if q % 2 == 0 { code("/") } else { code("\\") }),
            [code("#"); 10],
            std::array::from_fn(|q| if q < 2 { code("G") } else if q % 2 == 0 { code("/") } else { code("\\") }),
            std::array::from_fn(|q| if q < 4 { code("O") } else { 0 }),
        ];
        let mut g = MarkGrid { weeks: weeks.clone(), ..Default::default() };
        for (i, row) in rows.iter().enumerate() {
            g.ids.push(Upn::from_body(&format!("80120000{i:04}")).unwrap().into());
            for (kind, cells) in row {
                match typical.get(usize::from(*kind)) {
                    Some(week) => g.marks.vec_mut().extend(week),
                    None => g.marks.vec_mut().extend(cells),
                }
            }
        }
        let cal = SchoolCalendar::of(&g);
        let spec = PeriodSpec {
            from: Some(d(2025, 1, 6) + Duration::days(from_day)),
            to: Some(d(2025, 3, 28) - Duration::days(to_day)),
            ..Default::default()
        };
        let Ok(p) = cal.resolve(&g, &spec) else { return Ok(()) };
        let fast = Frame::new(&g, &cal, p.clone());
        let slow = Frame::new(&g, &cal, p).without_common_weeks();
        let used = used_days.map(|n| {
            let from = d(2025, 1, 6) + Duration::days(used_from);
            (from, from + Duration::days(n))
        });
        let scope = PenaltyScope::for_pupil(born.map(|n| d(2020, 1, 1) + Duration::days(n)), used.into_iter().collect());
        for i in 0..rows.len() {
            for scope in [&PenaltyScope::ALL, &scope] {
                let (a, b) = (fast.analyse_scoped(i, scope), slow.analyse_scoped(i, scope));
                prop_assert_eq!(&a.counts, &fast.counts(i), "pupil {}", i);
                prop_assert_eq!(&a.counts, &slow.counts(i), "pupil {}", i);
                prop_assert_eq!(&a.counts, &b.counts);
                prop_assert_eq!(a.weekdays, b.weekdays);
                prop_assert_eq!((a.holiday_adjacent, a.holiday_adjacent_possible), (b.holiday_adjacent, b.holiday_adjacent_possible));
                prop_assert_eq!(a.last4, b.last4);
                prop_assert_eq!(&a.penalty, &b.penalty);
                prop_assert_eq!(a.penalty_max, b.penalty_max);
            }
        }
        // the tallies of everyone's marks per session (the first pupil's tallied apart, then
        // merged), by week, by weekday and in all
        let tallied = |f: &Frame| {
            let (mut first, mut rest) = (f.new_tally(), f.new_tally());
            let counts: Vec<Counts> = (0..rows.len())
                .map(|i| f.counts_tallied(i, if i == 0 { &mut first } else { &mut rest }))
                .collect();
            first.merge(&rest);
            (counts, f.weekly_counts(&first), f.weekday_counts(&first), f.tally_total(&first))
        };
        let (a, b) = (tallied(&fast), tallied(&slow));
        prop_assert_eq!(&a.0, &(0..rows.len()).map(|i| slow.counts(i)).collect::<Vec<_>>());
        prop_assert_eq!(a, b);
    }

    /// The one-pass analysis counts exactly as the plain counting does, for any marks,
    /// across the code-set change (weeks from July to September 2024).
    #[test]
    fn analysis_counts_as_plain_counting(cells in proptest::collection::vec(0u8..=37, 60)) {
        let weeks = [d(2024, 7, 8), d(2024, 7, 15), d(2024, 8, 12), d(2024, 8, 19), d(2024, 9, 2), d(2024, 9, 9)];
        let mut g = MarkGrid { weeks: weeks.to_vec(), ..Default::default() };
        g.ids.push(Upn::from_body("801200000001").unwrap().into());
        // a second pupil with a full register, so the school holds every session
        g.ids.push(Upn::from_body("801200000002").unwrap().into());
        g.marks.vec_mut().extend(cells.iter().copied());
        g.marks.vec_mut().extend(std::iter::repeat_n(Code::PresentAm.as_u8(), 60));
        let cal = SchoolCalendar::of(&g);
        let p = cal.resolve(&g, &PeriodSpec::default()).unwrap();
        let f = Frame::new(&g, &cal, p.clone());
        let an = f.analyse(0);
        // (the pupil's weeks are the common weeks here: two pupils, the first week of equals)
        prop_assert_eq!(&an.counts, &Frame::new(&g, &cal, p).without_common_weeks().counts(0));
        let wd_possible: u32 = an.weekdays.iter().map(|d| d.possible).sum();
        let wd_absent: u32 = an.weekdays.iter().map(|d| d.absent).sum();
        prop_assert_eq!(wd_possible, an.counts.possible);
        prop_assert_eq!(wd_absent, an.counts.absent());
    }

    /// For a period starting and ending on any day (part weeks at both ends, a closed week in
    /// the middle), the one-pass analysis gives each weekday's, the holiday-adjacent, the
    /// no-mark and the last-4-weeks figures exactly as counting session by session does.
    #[test]
    fn analysis_of_part_weeks_matches_session_by_session_counting(
        cells in proptest::collection::vec(0u8..=37, 70),
        from_day in 0i64..14,
        to_day in 0i64..14,
    ) {
        let weeks = [d(2025, 1, 6), d(2025, 1, 13), d(2025, 1, 20), d(2025, 2, 3), d(2025, 2, 10), d(2025, 2, 17), d(2025, 2, 24)];
        let mut g = MarkGrid { weeks: weeks.to_vec(), ..Default::default() };
        g.ids.push(Upn::from_body("801200000001").unwrap().into());
        g.ids.push(Upn::from_body("801200000002").unwrap().into());
        g.marks.vec_mut().extend(cells.iter().copied());
        // the school holds every session but those of the week of 17 February (closed)
        g.marks.vec_mut().extend((0..70).map(|k| if (50..60).contains(&k) { 0 } else { Code::PresentAm.as_u8() }));
        let cal = SchoolCalendar::of(&g);
        let spec = PeriodSpec {
            from: Some(d(2025, 1, 6) + Duration::days(from_day)),
            to: Some(d(2025, 2, 28) - Duration::days(to_day)),
            ..Default::default()
        };
        let p = cal.resolve(&g, &spec).unwrap();
        let f = Frame::new(&g, &cal, p.clone());
        let an = f.analyse(0);
        let adjacent = cal.holiday_adjacent_slots(&g);
        let (mut wd, mut adj, mut no_mark) = ([(0u32, 0u32); 5], (0u32, 0u32), 0u32);
        let mut sessions = Vec::new();
        for (j, &m) in g.row(0).iter().enumerate() {
            let s = g.session(j);
            if s.date < p.from || s.date > p.to {
                continue;
            }
            let set = crate::codes::CodeSet::for_date(s.date);
            let cat = Code::from_u8(m).and_then(|c| c.category(set));
            let possible = u32::from(cat.is_some_and(|c| c.is_possible()));
            let absent = u32::from(cat.is_some_and(|c| c.is_absence()));
            let day = weekday_index(s.date);
            wd[day].0 += possible;
            wd[day].1 += absent;
            if adjacent[j] {
                adj.0 += possible;
                adj.1 += absent;
            }
            if m == 0 && cal.held[j] {
                no_mark += 1;
            }
            sessions.push((s.date, possible, u32::from(cat.is_some_and(|c| c.is_attended()))));
        }
        for (day, (possible, absent)) in wd.iter().enumerate() {
            prop_assert_eq!(an.weekdays[day], DayRate { possible: *possible, absent: *absent });
        }
        prop_assert_eq!((an.holiday_adjacent_possible, an.holiday_adjacent), adj);
        prop_assert_eq!(an.counts.no_mark, no_mark);
        if let Some((first, _)) = f.last4_dates() {
            let recent = sessions.iter().filter(|(date, _, _)| *date >= first);
            let (possible, attended) = recent.fold((0, 0), |(p, a), (_, x, y)| (p + x, a + y));
            prop_assert_eq!((an.last4.possible, an.last4.attended), (possible, attended));
        }
    }

    /// possible = attended + authorised + unauthorised, for any marks on any dates.
    #[test]
    fn possible_is_attended_plus_absent(codes in proptest::collection::vec((0u8..=37, any::<bool>()), 0..400)) {
        let mut c = Counts::default();
        for (b, new_set) in codes {
            let set = if new_set { CodeSet::Regs2024 } else { CodeSet::Regs2006 };
            c.add(b, set);
        }
        prop_assert_eq!(c.possible, c.attended() + c.authorised + c.unauthorised);
        prop_assert!(c.late_before_close <= c.present);
        prop_assert!(c.late_after_close <= c.unauthorised);
        if let Some(f) = c.attendance() {
            prop_assert!(f.tenths() <= 1000);
            let band = c.band(&t());
            prop_assert_eq!(band == Band::Severe || band == Band::Persistent, 10 * c.absent() >= c.possible);
            prop_assert_eq!(band == Band::Severe, 2 * c.absent() >= c.possible);
        }
    }
}

#[test]
fn a_meeting_day_is_a_school_day_a_closure_a_holiday_a_weekend_or_not_known_yet() {
    // three weeks, the middle one not in the register (half term); Wednesday of the first a
    // planned closure (#); the last week's Friday with no marks at all
    let weeks = [d(2025, 2, 3), d(2025, 2, 17)];
    let w1 = "/ / / / # # / / / /";
    let w2 = "/ / / / / / / / . .";
    let g = grid_of(&weeks, &[&format!("{w1} {w2}"), &format!("{w1} {w2}")]);
    let cal = SchoolCalendar::of(&g);
    assert_eq!(cal.day(&g, d(2025, 2, 3)), SchoolDay::Held);
    assert_eq!(cal.day(&g, d(2025, 2, 5)), SchoolDay::Closure);
    assert_eq!(cal.day(&g, d(2025, 2, 8)), SchoolDay::Weekend);
    assert_eq!(
        cal.day(&g, d(2025, 2, 12)),
        SchoolDay::NoSessions,
        "half term"
    );
    // the register ends on Thursday 20 February (the last marks): Friday is not known yet
    assert_eq!(cal.day(&g, d(2025, 2, 20)), SchoolDay::Held);
    assert_eq!(cal.day(&g, d(2025, 2, 21)), SchoolDay::Unknown);
    assert_eq!(cal.day(&g, d(2025, 3, 3)), SchoolDay::Unknown);
    assert_eq!(cal.day(&g, d(2025, 3, 1)), SchoolDay::Weekend);
}

#[test]
fn a_session_only_one_of_many_pupils_is_marked_for_counts_whichever_part_of_the_register_it_is_in()
{
    // 20,000 pupils (the rows are looked at on several cores, in parts): the school held Monday
    // morning if anyone is marked present; a # for one pupil is a closure; a mark after the day
    // the calendar is on is only noted as there
    let weeks = [d(2025, 2, 3), d(2025, 2, 10)];
    let n = 20_000;
    for who in [0, 8191, 8192, 12_345, n - 1] {
        let mut g = MarkGrid {
            weeks: weeks.to_vec(),
            ..Default::default()
        };
        for i in 0..n {
            g.ids
                .push(Upn::from_body(&format!("8012{i:08}")).unwrap().into());
        }
        g.marks = vec![0; n * 2 * WEEK_SLOTS].into();
        let row = who * 2 * WEEK_SLOTS;
        g.marks[row] = Code::PresentAm.as_u8(); // Monday 3 February, morning
        g.marks[row + 3] = Code::Closed.as_u8(); // Tuesday afternoon
        g.marks[row + WEEK_SLOTS + 4] = Code::PresentAm.as_u8(); // Wednesday 12 February
        let cal = SchoolCalendar::on(&g, d(2025, 2, 10));
        let held: Vec<usize> = (0..2 * WEEK_SLOTS).filter(|&j| cal.held[j]).collect();
        assert_eq!(held, [0], "pupil {who}");
        assert_eq!(
            cal.day(&g, d(2025, 2, 4)),
            SchoolDay::Closure,
            "pupil {who}"
        );
        assert_eq!(cal.last_date, Some(d(2025, 2, 4)), "pupil {who}");
        assert_eq!(cal.first_after, Some(d(2025, 2, 12)), "pupil {who}");
    }
}
