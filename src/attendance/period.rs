//! Periods: what the user asked for (`--from`/`--to`, `--term`, `--weeks`), the school's
//! calendar as the register shows it, and the resolved period with its label.

use crate::codes::Code;
use crate::dates::{AcademicYear, Term, monday_of, uk_date};
use crate::register::{MarkGrid, WEEK_SLOTS};
use crate::text::capitalise;
use crate::text::plural;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct PeriodSpec {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub term: Option<Term>,
    pub weeks: Option<u32>,
}

/// A resolved period: inclusive dates and what to call it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
    /// What the user should know about how the period was worked out (a `--to` after today,
    /// brought back to today).
    #[serde(skip)]
    pub note: Option<String>,
}

/// Why a period cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("--from {from} is after --to {to}")]
    FromAfterTo { from: NaiveDate, to: NaiveDate },
    #[error("the register holds no sessions yet: import an export first (attend import FILE.csv)")]
    EmptyRegister,
    #[error(
        "the register holds no sessions on or before {as_of} (today, or --as-of), only later ones from {first}: marks dated after today are never counted"
    )]
    NotYet { as_of: NaiveDate, first: NaiveDate },
    #[error(
        "there are no school sessions from {from} to {to} in the register (it holds {first} to {last})"
    )]
    NoSessions {
        from: NaiveDate,
        to: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    },
    #[error("--weeks must be at least 1")]
    ZeroWeeks,
    #[error("use either --term, --weeks, or --from/--to, not more than one of them")]
    Conflicting,
}

/// A day, as the register shows it (see [`SchoolCalendar::day`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolDay {
    Weekend,
    /// The school held at least one session.
    Held,
    /// A planned closure: the register's `#` marks.
    Closure,
    /// A weekday inside the register's dates with no session held (a holiday).
    NoSessions,
    /// Outside the register's dates (a day not imported yet).
    Unknown,
}

/// The school's calendar as the register shows it on a day (`as_of`, today): which sessions
/// the school held.
///
/// **Marks dated after `as_of` never count towards any figure**: the register may hold them
/// (schools enter planned closures and approved leave ahead), but a session after today has
/// not been held, so this calendar holds no session after `as_of`, and every period resolved
/// against it ends on or before `as_of`. This is the one place that rule lives.
#[derive(Debug, Clone)]
pub struct SchoolCalendar {
    /// Per slot of the grid: did the school hold this session (someone has a mark other than a
    /// closure `#` or not-on-roll `Z`)? Never for a session after `as_of`.
    pub held: Vec<bool>,
    /// Per slot: does anyone have a planned closure (`#`) for it (on or before `as_of`)?
    pub closed: Vec<bool>,
    /// The latest session on or before `as_of` with any mark.
    pub last_date: Option<NaiveDate>,
    pub first_date: Option<NaiveDate>,
    /// Today: the day the figures are as of.
    pub as_of: NaiveDate,
    /// The first session after `as_of` with any mark (marks entered ahead), if there is one.
    pub first_after: Option<NaiveDate>,
}

/// Per slot of a grid, whether any of a set of rows has a mark, a mark of a session held (not
/// `#` or `Z`), a `#`: [`SchoolCalendar::on`]'s scan of the rows.
struct SlotFlags {
    held: Vec<bool>,
    closed: Vec<bool>,
    any: Vec<bool>,
}

impl SlotFlags {
    fn new(n: usize) -> SlotFlags {
        SlotFlags {
            held: vec![false; n],
            closed: vec![false; n],
            any: vec![false; n],
        }
    }

    /// Add rows `rows` of `grid`, whose slots from `end` on are after the day the calendar is
    /// on (only whether they hold a mark is noted).
    fn add_rows(&mut self, grid: &MarkGrid, rows: std::ops::Range<usize>, end: usize) {
        let closed_code = Code::Closed.as_u8();
        let not_on_roll = Code::Z.as_u8();
        let n = self.any.len();
        let (held, closed, any) = (
            &mut self.held[..end],
            &mut self.closed[..end],
            &mut self.any,
        );
        for i in rows {
            let row = &grid.row(i)[..n];
            // one pass over the row, with no index checks, that the compiler vectorises
            for (((&b, a), h), c) in row[..end]
                .iter()
                .zip(any.iter_mut())
                .zip(held.iter_mut())
                .zip(closed.iter_mut())
            {
                *a |= b != 0;
                *h |= (b != 0) & (b != closed_code) & (b != not_on_roll);
                *c |= b == closed_code;
            }
            for (a, &b) in any[end..].iter_mut().zip(&row[end..]) {
                *a |= b != 0;
            }
        }
    }

    fn add(&mut self, o: &SlotFlags) {
        for (mine, theirs) in [
            (&mut self.held, &o.held),
            (&mut self.closed, &o.closed),
            (&mut self.any, &o.any),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a |= b;
            }
        }
    }
}

impl SchoolCalendar {
    /// The calendar as it stands on `as_of`: sessions after it are not held yet, whatever
    /// marks the register holds for them.
    pub fn on(grid: &MarkGrid, as_of: NaiveDate) -> SchoolCalendar {
        let n = grid.row_len();
        let end = grid.slot_after(as_of).min(n);
        // every row is looked at: the pupils are split across the machine's cores
        let parts = crate::parallel::map_ranges(grid.ids.len(), 8192, |rows| {
            let mut f = SlotFlags::new(n);
            f.add_rows(grid, rows, end);
            f
        });
        let SlotFlags { held, closed, any } = parts
            .into_iter()
            .reduce(|mut all, part| {
                all.add(&part);
                all
            })
            .unwrap_or_else(|| SlotFlags::new(n));
        let last = (0..end)
            .rev()
            .find(|&j| any[j])
            .map(|j| grid.session(j).date);
        let first = (0..end).find(|&j| any[j]).map(|j| grid.session(j).date);
        let first_after = (end..n).find(|&j| any[j]).map(|j| grid.session(j).date);
        SchoolCalendar {
            held,
            closed,
            last_date: last,
            first_date: first,
            as_of,
            first_after,
        }
    }

    /// The calendar of every mark the register holds, whatever their dates (tests only: figures
    /// are always as of a day, [`SchoolCalendar::on`]).
    #[cfg(test)]
    pub(crate) fn of(grid: &MarkGrid) -> SchoolCalendar {
        SchoolCalendar::on(grid, NaiveDate::MAX)
    }

    /// Per slot: is the session on a school day next to a closure or holiday? A school day is next
    /// to one when the weekday before or after it, inside the register's dates, is not a school
    /// day: a planned closure (`#`), a day nobody is marked for, or a week the register has no
    /// sessions for at all (such as the summer holiday).
    pub fn holiday_adjacent_slots(&self, grid: &MarkGrid) -> Vec<bool> {
        let weeks = grid.weeks.len();
        let day_held = |w: usize, d: usize| {
            self.held[w * WEEK_SLOTS + 2 * d] || self.held[w * WEEK_SLOTS + 2 * d + 1]
        };
        let (Some(first), Some(last)) = (self.first_date, self.last_date) else {
            return vec![false; grid.row_len()];
        };
        let day_closed = |w: usize, d: usize| {
            let date = grid.weeks[w] + Duration::days(d as i64);
            !day_held(w, d) && first < date && date < last
        };
        let contiguous = |w: usize| w > 0 && grid.weeks[w] - grid.weeks[w - 1] == Duration::days(7);
        let mut out = vec![false; grid.row_len()];
        for w in 0..weeks {
            for d in 0..5 {
                if !day_held(w, d) {
                    continue;
                }
                let before = if d > 0 {
                    day_closed(w, d - 1)
                } else {
                    w > 0 && (!contiguous(w) || day_closed(w - 1, 4))
                };
                let after = if d < 4 {
                    day_closed(w, d + 1)
                } else {
                    w + 1 < weeks && (!contiguous(w + 1) || day_closed(w + 1, 0))
                };
                if before || after {
                    out[w * WEEK_SLOTS + 2 * d] = true;
                    out[w * WEEK_SLOTS + 2 * d + 1] = true;
                }
            }
        }
        out
    }

    /// What the register says of a day (for a meeting's date): a weekend; a day the school held
    /// sessions; a planned closure (`#` marks); a weekday inside the register's dates with no
    /// session held (a holiday or closure); or not known (outside the register's dates).
    pub fn day(&self, grid: &MarkGrid, date: NaiveDate) -> SchoolDay {
        use chrono::Datelike;
        if date.weekday().num_days_from_monday() >= 5 {
            return SchoolDay::Weekend;
        }
        let (Some(first), Some(last)) = (self.first_date, self.last_date) else {
            return SchoolDay::Unknown;
        };
        if date < first || date > last {
            return SchoolDay::Unknown;
        }
        let d = date.weekday().num_days_from_monday() as usize;
        let Some(w) = grid.week_index(monday_of(date)) else {
            // a week the register holds no sessions for, inside its dates: a holiday
            return SchoolDay::NoSessions;
        };
        let slots = [w * WEEK_SLOTS + 2 * d, w * WEEK_SLOTS + 2 * d + 1];
        if slots.iter().any(|&j| self.held[j]) {
            SchoolDay::Held
        } else if slots.iter().any(|&j| self.closed[j]) {
            SchoolDay::Closure
        } else {
            SchoolDay::NoSessions
        }
    }

    /// Mondays of the school weeks (weeks with at least one session held), in order.
    pub fn school_weeks(&self, grid: &MarkGrid) -> Vec<NaiveDate> {
        grid.weeks
            .iter()
            .enumerate()
            .filter(|(w, _)| (0..WEEK_SLOTS).any(|k| self.held[w * WEEK_SLOTS + k]))
            .map(|(_, m)| *m)
            .collect()
    }

    /// The days on which the school held sessions, in order.
    pub fn school_days(&self, grid: &MarkGrid) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = Vec::new();
        for (j, held) in self.held.iter().enumerate() {
            if *held {
                let d = grid.session(j).date;
                if days.last() != Some(&d) {
                    days.push(d);
                }
            }
        }
        days
    }

    /// Resolve what the user asked for against the register, as of the calendar's day: the
    /// period ends at the earlier of `as_of` and the latest session imported; a `--to` after
    /// `as_of` is brought back to it, with a note saying so.
    pub fn resolve(&self, grid: &MarkGrid, spec: &PeriodSpec) -> Result<Period, PeriodError> {
        let (Some(first), Some(last)) = (self.first_date, self.last_date) else {
            return Err(match self.first_after {
                Some(first) => PeriodError::NotYet {
                    as_of: self.as_of,
                    first,
                },
                None => PeriodError::EmptyRegister,
            });
        };
        let n_given = [
            spec.term.is_some(),
            spec.weeks.is_some(),
            spec.from.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if n_given > 1 {
            return Err(PeriodError::Conflicting);
        }
        if let (Some(from), Some(to)) = (spec.from, spec.to)
            && from > to
        {
            return Err(PeriodError::FromAfterTo { from, to });
        }
        // figures run to today, and to the latest imported session, at most
        let asked_to = spec.to.map(|t| t.min(self.as_of));
        let note = spec.to.filter(|t| *t > self.as_of).map(|t| {
            format!(
                "the period asked for ends on {}, after today ({}): marks dated after today are never counted, so the figures end on {} at the latest",
                uk_date(t),
                uk_date(self.as_of),
                uk_date(self.as_of.min(last))
            )
        });
        let to = asked_to.unwrap_or(last).min(last);
        let ay = AcademicYear::of(asked_to.unwrap_or(last));
        let (from, to, label) = if let Some(term) = spec.term {
            let (a, b) = ay.term(term);
            let end = b.min(to);
            (
                a,
                end,
                format!("{} term {}", capitalise(term.name()), ay.label()),
            )
        } else if let Some(w) = spec.weeks {
            if w == 0 {
                return Err(PeriodError::ZeroWeeks);
            }
            let weeks: Vec<NaiveDate> = self
                .school_weeks(grid)
                .into_iter()
                .filter(|m| *m <= to)
                .collect();
            let start = if weeks.len() >= w as usize {
                weeks[weeks.len() - w as usize]
            } else {
                weeks.first().copied().unwrap_or(monday_of(to))
            };
            (start, to, format!("last {}", plural(w, "school week")))
        } else if let Some(from) = spec.from {
            (from, to, String::new())
        } else {
            (ay.start(), to, format!("{} to date", ay.label()))
        };
        if from > to {
            // e.g. --from after the latest imported session
            return Err(PeriodError::NoSessions {
                from,
                to: spec.to.unwrap_or(to).max(from),
                first,
                last,
            });
        }
        let a = grid.slot_on_or_after(from);
        let b = grid.slot_after(to);
        let (Some(j0), Some(j1)) = (
            (a..b).find(|&j| self.held[j]),
            (a..b).rev().find(|&j| self.held[j]),
        ) else {
            return Err(PeriodError::NoSessions {
                from,
                to,
                first,
                last,
            });
        };
        // the figures cover the sessions held: say so (2 September, not 1 August)
        let (from, to) = (grid.session(j0).date, grid.session(j1).date);
        let label = if label.is_empty() {
            format!("{} to {}", uk_date(from), uk_date(to))
        } else {
            label
        };
        Ok(Period {
            from,
            to,
            label,
            note,
        })
    }
}

/// The terms of an academic year that fall within the register, clipped to `to`.
pub fn terms_to_date(year: AcademicYear, to: NaiveDate) -> Vec<(Term, NaiveDate, NaiveDate)> {
    Term::ALL
        .into_iter()
        .map(|t| {
            let (a, b) = year.term(t);
            (t, a, b.min(to))
        })
        .filter(|(_, a, b)| a <= b)
        .collect()
}
