//! Which session dates an export may hold, and session columns that must not be dropped.
//!
//! A mistyped year (`Thu 14/03/2052 PM`, a mark on 01/01/2199) is refused with its line and
//! column, rather than imported to stretch every default figure over years that have not
//! happened. **A session date is plausible** when
//!
//! 1. it is no later than the end of the school year after the one holding today (`--as-of`):
//!    schools enter planned closures and approved leave ahead, but not years ahead;
//! 2. it is no earlier than 1 September 2006, the first day of the earliest code set attend
//!    knows ([`REGS_2006_START`]);
//! 3. it is within a year of the export's other sessions: a date more than a year (366 days)
//!    from the rest, with no session between, is a mistyped year (2014 among 2024's sessions).
//!    When an export's sessions fall into such separate stretches, the stretch with the most
//!    session days is the export, and the others are refused.
//!
//! Marks that are plausible but after today are imported (and kept), and never counted until
//! their day has come ([`crate::attendance::SchoolCalendar`]).

use super::columns::HeaderCell;
use crate::codes::REGS_2006_START;
use crate::dates::{AcademicYear, Session, parse_date, uk_date};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Sessions this far (in days) from every other session of the export, with none between, are
/// a mistake.
pub(super) const GAP_DAYS: i64 = 366;

/// What to do about an implausible date.
pub(super) const DATE_REMEDY: &str = "correct the date in the MIS (or in the file) and export again; if today is not the date attend takes it to be, give today's date with --as-of";

/// What to do about a session column whose heading is not a session.
pub(super) const HEADER_REMEDY: &str = "head every session column with its date and AM or PM (such as \"02/09/2024 AM\"), or put AM and PM on the row under the dates; a column that is not a session must not be headed by a date";

/// The latest session date an export may hold, today being `as_of`.
pub fn latest_plausible(as_of: NaiveDate) -> NaiveDate {
    AcademicYear(AcademicYear::of(as_of).0 + 1).end()
}

/// The implausible dates among an export's session dates (each with where it first appears,
/// `P`), and why. `as_of` is today; without it only rules 2 and 3 apply.
pub(super) fn implausible<P: Copy>(
    dates: &BTreeMap<NaiveDate, P>,
    as_of: Option<NaiveDate>,
) -> Vec<(P, String)> {
    let mut out = Vec::new();
    let latest = as_of.map(latest_plausible);
    let mut kept: Vec<NaiveDate> = Vec::new();
    for (&d, &place) in dates {
        if d < REGS_2006_START {
            out.push((
                place,
                format!(
                    "{} is before {}, the start of the earliest attendance codes attend knows (the 2006 regulations): it cannot be a session of this register",
                    uk_date(d),
                    uk_date(REGS_2006_START)
                ),
            ));
        } else if let (Some(latest), Some(today)) = (latest, as_of)
            && d > latest
        {
            out.push((
                place,
                format!(
                    "{} is too far ahead: an export may hold sessions up to the end of next school year ({}), today being {}",
                    uk_date(d),
                    uk_date(latest),
                    uk_date(today)
                ),
            ));
        } else {
            kept.push(d);
        }
    }
    // rule 3: stretches of sessions separated by more than a year; the largest is the export
    let mut runs: Vec<(usize, usize)> = Vec::new(); // [start, end) into `kept`
    for i in 0..kept.len() {
        if i == 0 || (kept[i] - kept[i - 1]).num_days() > GAP_DAYS {
            runs.push((i, i + 1));
        } else if let Some(r) = runs.last_mut() {
            r.1 = i + 1;
        }
    }
    if runs.len() > 1 {
        let main = *runs
            .iter()
            .max_by(|a, b| (a.1 - a.0).cmp(&(b.1 - b.0)).then(b.0.cmp(&a.0)))
            .expect("two runs or more");
        let (first, last) = (kept[main.0], kept[main.1 - 1]);
        for r in runs.iter().filter(|r| **r != main) {
            for d in &kept[r.0..r.1] {
                out.push((
                    dates[d],
                    format!(
                        "{} is more than a year from every other session of the export ({} to {}): is its year mistyped?",
                        uk_date(*d),
                        uk_date(first),
                        uk_date(last)
                    ),
                ));
            }
        }
    }
    out
}

/// Does a header cell that is not a session look like one meant to be: one date, and nothing
/// but short words beside it (`02/09/2024 XM`, `Mon 02/09/2024 AM PM`, `02/09/2024`)? A longer
/// heading with a date in it (`Attendance to 14/03/2025`) is a column of another kind.
fn meant_as_session(cell: &str) -> bool {
    let tokens: Vec<&str> = cell
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .map(|t| t.trim_matches(|c| c == '(' || c == ')'))
        .filter(|t| !t.is_empty() && *t != "-")
        .collect();
    let is_date = |t: &str| parse_date(t).is_some();
    tokens.iter().filter(|t| is_date(t)).count() == 1
        && tokens.iter().all(|t| is_date(t) || t.chars().count() <= 4)
}

/// Session columns a wide export would lose: a heading meant as a session that is not one
/// (`02/09/2024 XM`), and, in a two-row header, a date with no AM or PM under it. Returns the
/// columns and why.
pub(super) fn dropped_session_columns(
    header: &[String],
    cells: &[HeaderCell],
    sessions: &[Option<Session>],
    two_rows: bool,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let has_session = |k: usize| sessions.get(k).is_some_and(Option::is_some);
    for (k, cell) in cells.iter().enumerate() {
        if has_session(k) {
            continue;
        }
        match cell {
            HeaderCell::Date(_) if two_rows => {
                // the date covers its column and the unheaded ones after it
                let end = (k + 1..header.len().max(sessions.len()))
                    .find(|&j| header.get(j).is_some_and(|h| !h.trim().is_empty()))
                    .unwrap_or(header.len().max(sessions.len()));
                if !(k..end).any(has_session) {
                    out.push((
                        k,
                        "is a date with no AM or PM under it: its sessions would be left out"
                            .to_string(),
                    ));
                }
            }
            HeaderCell::Date(_) | HeaderCell::Other if meant_as_session(&header[k]) => {
                out.push((
                    k,
                    "is headed like a session but is not a date with AM or PM (such as \"02/09/2024 AM\"): the column would be left out".to_string(),
                ));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dates(list: &[NaiveDate]) -> BTreeMap<NaiveDate, usize> {
        list.iter().enumerate().map(|(i, d)| (*d, i)).collect()
    }

    #[test]
    fn sessions_up_to_the_end_of_next_school_year_are_plausible() {
        let today = d(2025, 3, 14);
        assert_eq!(latest_plausible(today), d(2026, 7, 31));
        let ok = dates(&[d(2024, 9, 2), d(2025, 3, 14), d(2025, 9, 3)]);
        assert!(implausible(&ok, Some(today)).is_empty());
        let bad = dates(&[d(2024, 9, 2), d(2025, 3, 13), d(2052, 3, 14)]);
        let why = implausible(&bad, Some(today));
        assert_eq!(why.len(), 1, "{why:?}");
        assert_eq!(why[0].0, 2);
        assert!(why[0].1.contains("14/03/2052 is too far ahead"), "{why:?}");
    }

    #[test]
    fn a_date_a_year_from_the_rest_of_the_export_is_a_mistyped_year() {
        let today = d(2025, 3, 14);
        let export = dates(&[d(2014, 9, 3), d(2024, 9, 2), d(2024, 9, 3), d(2025, 3, 13)]);
        let why = implausible(&export, Some(today));
        assert_eq!(why.len(), 1, "{why:?}");
        assert_eq!(why[0].0, 0);
        assert!(
            why[0].1.contains("03/09/2014 is more than a year"),
            "{why:?}"
        );
        // years of history without a gap are one export
        let long: Vec<NaiveDate> = (2015..2025).map(|y| d(y, 10, 1)).collect();
        assert!(implausible(&dates(&long), Some(today)).is_empty());
        assert_eq!(implausible(&dates(&[d(1999, 9, 1)]), None).len(), 1);
    }

    #[test]
    fn broken_session_headings_are_found() {
        assert!(meant_as_session("02/09/2024 XM"));
        assert!(meant_as_session("Mon 02/09/2024 AM PM"));
        assert!(meant_as_session("02/09/2024"));
        assert!(!meant_as_session("Attendance to 14/03/2025"));
        assert!(!meant_as_session("Surname"));
        assert!(!meant_as_session("01/09/2024 - 14/03/2025"));
    }
}
