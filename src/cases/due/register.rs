//! What the register shows needs doing: the notices the local authority must be given, `N` marks
//! left unresolved, and pupils in persistent or severe absence with no case.
//!
//! "School days" are the days the school held sessions (the register's calendar); "in a row"
//! means consecutive school days. A day counts toward a run of absence without authorisation when
//! every possible session the pupil had that day is G, N or O; a day with no possible session for
//! the pupil (a closure for them, X, Y, D, no mark) neither counts nor breaks the run; anything
//! else (present, late, authorised absence, U) ends it.

use super::{
    ABSENT_DAYS, DueItem, DueKind, ILLNESS_DAYS, N_MARK_SCHOOL_DAYS, RECENT_SCHOOL_DAYS,
    UNAUTHORISED_DAYS,
};
use crate::attendance::{Band, Frame, PeriodSpec, SchoolCalendar};
use crate::cases::Case;
use crate::codes::{Code, CodeSet};
use crate::config::Config;
use crate::dates::{AcademicYear, uk_date};
use crate::flag::{FlagQuery, flag};
use crate::register::Register;
use crate::upn::PupilId;
use chrono::{Duration, NaiveDate};
use std::collections::BTreeSet;

/// A school day: its date and its two slots in the grid (those the school held).
struct Day {
    date: NaiveDate,
    slots: Vec<usize>,
}

/// How a school day counts for one pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayIs {
    /// Every possible session was G, N or O.
    Missing,
    /// No possible session for the pupil.
    Neutral,
    /// Present, late, authorised absence or U.
    Other,
}

fn day_is(row: &[u8], day: &Day) -> DayIs {
    let set = CodeSet::for_date(day.date);
    let mut any = false;
    for &j in &day.slots {
        let Some(code) = Code::from_u8(row[j]) else {
            continue;
        };
        if !code.category(set).is_some_and(|c| c.is_possible()) {
            continue;
        }
        any = true;
        if !code.is_missing_without_authorisation() {
            return DayIs::Other;
        }
    }
    if any { DayIs::Missing } else { DayIs::Neutral }
}

/// A run of school days absent without authorisation: first and last day, how many, and whether
/// it goes on to the latest day.
struct Run {
    from: NaiveDate,
    to: NaiveDate,
    days: u32,
    /// Date of each day of the run, to find its tenth and twentieth.
    dates: Vec<NaiveDate>,
    ongoing: bool,
    /// The index (in the year's school days) of its last day.
    last: usize,
}

fn runs(row: &[u8], days: &[Day]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut cur: Option<Run> = None;
    for (k, d) in days.iter().enumerate() {
        match day_is(row, d) {
            DayIs::Missing => {
                let r = cur.get_or_insert_with(|| Run {
                    from: d.date,
                    to: d.date,
                    days: 0,
                    dates: Vec::new(),
                    ongoing: false,
                    last: k,
                });
                r.to = d.date;
                r.days += 1;
                r.dates.push(d.date);
                r.last = k;
            }
            DayIs::Neutral => {}
            DayIs::Other => {
                if let Some(r) = cur.take() {
                    out.push(r);
                }
            }
        }
    }
    if let Some(mut r) = cur.take() {
        r.ongoing = true;
        out.push(r);
    }
    out
}

/// Half days as people write them: "15", "15½".
fn days_text(sessions: u32) -> String {
    if sessions.is_multiple_of(2) {
        format!("{}", sessions / 2)
    } else {
        format!("{}½", sessions / 2)
    }
}

pub(super) fn from_register(
    cases: &[Case],
    reg: &Register,
    config: &Config,
    today: NaiveDate,
) -> Vec<DueItem> {
    let mut out = Vec::new();
    if reg.is_empty() {
        return out;
    }
    let cal = SchoolCalendar::on(&reg.grid, today);
    let grid = &reg.grid;
    // the academic year's school days, up to today or the latest imported session
    let latest = cal.last_date.map_or(today, |l| l.min(today));
    let year_start = AcademicYear::of(latest).start();
    let mut days: Vec<Day> = Vec::new();
    for (j, held) in cal.held.iter().enumerate() {
        let date = grid.session(j).date;
        if !*held || date < year_start || date > today {
            continue;
        }
        match days.last_mut() {
            Some(d) if d.date == date => d.slots.push(j),
            _ => days.push(Day {
                date,
                slots: vec![j],
            }),
        }
    }
    let n = Code::N.as_u8();
    let illness = Code::I.as_u8();
    let part_time = Code::C2.as_u8();
    let weeks_allowed = i64::from(config.reviews.part_time_weeks) * 7;
    for (i, p) in reg.pupils.iter().enumerate() {
        let row = grid.row(i);
        let item = |kind, date: NaiveDate, detail: String| {
            let mut it = DueItem::new(kind, &p.id, p.display_name(), detail);
            it.date = Some(date);
            it
        };
        // N marks older than 5 school days: due on the fifth school day after the first
        if days.len() > N_MARK_SCHOOL_DAYS {
            let open: Vec<(usize, &Day, usize)> = days[..days.len() - N_MARK_SCHOOL_DAYS]
                .iter()
                .enumerate()
                .flat_map(|(k, d)| {
                    d.slots
                        .iter()
                        .filter(|&&j| row[j] == n)
                        .map(move |&j| (k, d, j))
                })
                .collect();
            if let Some(&(k, _, j)) = open.first() {
                let mut it = item(
                    DueKind::UnresolvedN,
                    days[k + N_MARK_SCHOOL_DAYS].date,
                    format!(
                        "{} (reason not yet established) older than {N_MARK_SCHOOL_DAYS} school days, the first on {}",
                        if open.len() == 1 {
                            "1 N mark".to_string()
                        } else {
                            format!("{} N marks", open.len())
                        },
                        grid.session(j)
                    ),
                );
                it.from = Some(grid.session(j).date);
                it.to = Some(grid.session(open.last().expect("one").2).date);
                out.push(it);
            }
        }
        // runs of school days absent without authorisation (G, N, O)
        for r in runs(row, &days) {
            let recent = r.ongoing || days.len() - 1 - r.last <= RECENT_SCHOOL_DAYS;
            if !recent {
                continue;
            }
            let state = if r.ongoing {
                format!("{} to {}, continuing", uk_date(r.from), uk_date(r.to))
            } else {
                format!("{} to {}, then back", uk_date(r.from), uk_date(r.to))
            };
            for (threshold, kind, what) in [
                (
                    ABSENT_DAYS,
                    DueKind::Absent20Days,
                    "the school and the local authority must make reasonable enquiries together about where the pupil is (before any removal from the roll)",
                ),
                (
                    UNAUTHORISED_DAYS,
                    DueKind::Unauthorised10Days,
                    "the local authority must be told",
                ),
            ] {
                if r.days >= threshold {
                    let mut it = item(
                        kind,
                        r.dates[threshold as usize - 1],
                        format!(
                            "{} school days in a row absent without authorisation (G, N, O), {state}: {what}",
                            r.days
                        ),
                    );
                    it.from = Some(r.from);
                    it.to = Some(r.to);
                    it.school_days = Some(r.days.to_string());
                    out.push(it);
                }
            }
        }
        // illness: 15 school days (30 sessions) in the year, consecutive or not
        let mut sessions = 0u32;
        let mut reached = None;
        let (mut spell, mut longest) = (0u32, 0u32);
        let mut first = None;
        for d in &days {
            let k = d.slots.iter().filter(|&&j| row[j] == illness).count() as u32;
            if k > 0 {
                first.get_or_insert(d.date);
            }
            sessions += k;
            if sessions >= 2 * ILLNESS_DAYS && reached.is_none() {
                reached = Some(d.date);
            }
            if k as usize == d.slots.len() && k > 0 {
                spell += 1;
                longest = longest.max(spell);
            } else if day_is(row, d) != DayIs::Neutral {
                spell = 0;
            }
        }
        if let Some(date) = reached {
            let mut it = item(
                DueKind::Illness15Days,
                date,
                format!(
                    "ill (I) for {} school days this year ({} sessions; longest spell {} days): the sickness return to the local authority",
                    days_text(sessions),
                    sessions,
                    longest
                ),
            );
            it.from = first;
            it.to = days.last().map(|d| d.date);
            it.school_days = Some(if sessions.is_multiple_of(2) {
                (sessions / 2).to_string()
            } else {
                format!("{}.5", sessions / 2)
            });
            out.push(it);
        }
        // a part-time timetable (C2): the latest arrangement, weeks with C2 no more than one
        // school week apart, still running in the last two school weeks
        let weeks: Vec<(NaiveDate, bool)> = {
            let mut v: Vec<(NaiveDate, bool)> = Vec::new();
            for d in &days {
                let monday = crate::dates::monday_of(d.date);
                let c2 = d.slots.iter().any(|&j| row[j] == part_time);
                match v.last_mut() {
                    Some((m, has)) if *m == monday => *has |= c2,
                    _ => v.push((monday, c2)),
                }
            }
            v
        };
        if let Some(last_c2) = weeks.iter().rposition(|(_, c2)| *c2)
            && weeks.len() - 1 - last_c2 < 2
        {
            let mut start = last_c2;
            let mut k = last_c2;
            while k > 0 {
                let prev = (0..k).rev().find(|&x| weeks[x].1);
                match prev {
                    Some(x) if k - x <= 2 => {
                        start = x;
                        k = x;
                    }
                    _ => break,
                }
            }
            let from = days
                .iter()
                .find(|d| d.date >= weeks[start].0 && d.slots.iter().any(|&j| row[j] == part_time))
                .map(|d| d.date)
                .unwrap_or(weeks[start].0);
            let to = days.last().map_or(from, |d| d.date);
            if (to - from).num_days() >= weeks_allowed {
                let mut it = item(
                    DueKind::PartTimeTimetable,
                    from + Duration::days(weeks_allowed),
                    format!(
                        "on a part-time timetable (C2) since {}, {} weeks: longer than its review period of {} weeks (reviews.part_time_weeks); review it with the family, and tell the local authority",
                        uk_date(from),
                        (to - from).num_days() / 7,
                        config.reviews.part_time_weeks
                    ),
                );
                it.from = Some(from);
                it.to = Some(to);
                out.push(it);
            }
        }
    }
    out.extend(no_case(cases, reg, &cal, config, today));
    out
}

/// Pupils in persistent or severe absence this year with no case.
fn no_case(
    cases: &[Case],
    reg: &Register,
    cal: &SchoolCalendar,
    config: &Config,
    today: NaiveDate,
) -> Vec<DueItem> {
    let mut out = Vec::new();
    let with_case: BTreeSet<&PupilId> = cases.iter().map(|c| &c.pupil.id).collect();
    let Ok(period) = cal.resolve(
        &reg.grid,
        &PeriodSpec {
            to: Some(today),
            ..Default::default()
        },
    ) else {
        return out;
    };
    let frame = Frame::new(&reg.grid, cal, period);
    let q = FlagQuery {
        threshold_hundredths: config.thresholds.persistent * 100,
        ..Default::default()
    };
    for row in flag(reg, &frame, &q, &config.thresholds).rows {
        let p = &reg.pupils[row.index];
        if with_case.contains(&p.id) || !matches!(row.band, Band::Persistent | Band::Severe) {
            continue;
        }
        let c = &row.analysis.counts;
        out.push(DueItem::new(
            DueKind::NoCase,
            &p.id,
            p.display_name(),
            format!(
                "{}: {}% ({} of {} possible sessions, {})",
                row.band.label(),
                c.attendance().map(|f| f.pct()).unwrap_or_default(),
                c.attended(),
                c.possible,
                frame.period.label
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(k: i64) -> Day {
        Day {
            date: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap() + Duration::days(k),
            slots: vec![2 * k as usize, 2 * k as usize + 1],
        }
    }

    fn row(marks: &[&str]) -> Vec<u8> {
        marks
            .iter()
            .map(|m| {
                if *m == "." {
                    0
                } else {
                    Code::parse(m).unwrap().as_u8()
                }
            })
            .collect()
    }

    #[test]
    fn a_run_counts_days_missing_and_skips_days_not_counted() {
        let days: Vec<Day> = (0..5).map(day).collect();
        // O O | X X | G N | . . | O /  -> missing, neutral, missing, neutral, other
        let r = row(&["O", "O", "X", "X", "G", "N", ".", ".", "O", "/"]);
        let v = runs(&r, &days);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].days, v[0].ongoing), (2, false));
        assert_eq!(v[0].to, days[2].date);
        // U is not missing: it ends a run
        let r = row(&["O", "O", "U", "O", "O", "O", "O", "O", "O", "O"]);
        let v = runs(&r, &days);
        assert_eq!(v.iter().map(|r| r.days).collect::<Vec<_>>(), [1, 3]);
        assert!(v[1].ongoing);
    }

    #[test]
    fn half_days_of_illness_read_as_people_write_them() {
        assert_eq!(days_text(30), "15");
        assert_eq!(days_text(31), "15½");
    }
}
