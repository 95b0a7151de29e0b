//! The arithmetic of attendance, exactly as the DfE counts it. The one home for it.
//!
//! * possible sessions = present + approved educational activity + authorised + unauthorised,
//!   each code counted by the code set in force on its session's date ([`crate::codes`]);
//! * attendance % = (present + approved activity) / possible, shown to one decimal, rounded half up
//!   on the exact fraction;
//! * bands compare **exact fractions**, never the rounded figure: 89.96% shows as "90.0" and *is*
//!   persistent absence at the DfE's 90% line; 90.0% exactly is persistent absence too.
//!
//! Beyond the statistics, the patterns an officer looks for: absence by weekday, absence next to
//! school closures and holidays, the absence codes used most, lateness, the trend over the last 4
//! school weeks, and the national penalty-notice threshold (10 or more sessions of unauthorised
//! absence, G N O U, within any rolling 10 school weeks).

use crate::codes::{Category, Code, CodeSet, category_table};
use crate::config::Thresholds;
use crate::dates::Session;
use crate::dates::{AcademicYear, Term, monday_of};
use crate::register::{MarkGrid, WEEK_SLOTS};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::fmt;

/// The number of distinct stored code bytes (see [`Code::as_u8`]).
const CODE_SLOTS: usize = 40;

/// Session counts for one pupil over one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Possible sessions: present + approved activity + authorised + unauthorised.
    pub possible: u32,
    /// Present, including late before the register closed (L).
    pub present: u32,
    /// Attending an approved educational activity off site.
    pub approved_activity: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    /// L: late, arrived before the register closed (counted in `present`).
    pub late_before_close: u32,
    /// U: arrived after the register closed (counted in `unauthorised`).
    pub late_after_close: u32,
    /// Sessions with a code that is not a possible session (D, X, Y, Q, Y1-Y7, Z, #).
    pub not_counted: u32,
    /// Sessions held for the pupil with no mark.
    pub no_mark: u32,
    /// How many times each code was used (indexed by [`Code::as_u8`]).
    pub codes: [u32; CODE_SLOTS],
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            possible: 0,
            present: 0,
            approved_activity: 0,
            authorised: 0,
            unauthorised: 0,
            late_before_close: 0,
            late_after_close: 0,
            not_counted: 0,
            no_mark: 0,
            codes: [0; CODE_SLOTS],
        }
    }
}

impl Counts {
    /// Count one stored mark byte of a session under its code set.
    #[inline]
    pub fn add(&mut self, b: u8, set: CodeSet) {
        self.add_n(b, set, 1);
    }

    /// Count `n` sessions with the same mark byte under a code set.
    #[inline]
    pub fn add_n(&mut self, b: u8, set: CodeSet, n: u32) {
        if b == 0 || n == 0 {
            return;
        }
        let i = b as usize;
        self.codes[i] += n;
        match category_table()[set.index()][i] {
            Some(Category::Present) => {
                self.present += n;
                self.possible += n;
                if b == Code::L.as_u8() {
                    self.late_before_close += n;
                }
            }
            Some(Category::ApprovedActivity) => {
                self.approved_activity += n;
                self.possible += n;
            }
            Some(Category::Authorised) => {
                self.authorised += n;
                self.possible += n;
            }
            Some(Category::Unauthorised) => {
                self.unauthorised += n;
                self.possible += n;
                if b == Code::U.as_u8() {
                    self.late_after_close += n;
                }
            }
            Some(Category::NotCounted | Category::Administrative) | None => self.not_counted += n,
        }
    }

    pub fn add_counts(&mut self, o: &Counts) {
        self.possible += o.possible;
        self.present += o.present;
        self.approved_activity += o.approved_activity;
        self.authorised += o.authorised;
        self.unauthorised += o.unauthorised;
        self.late_before_close += o.late_before_close;
        self.late_after_close += o.late_after_close;
        self.not_counted += o.not_counted;
        self.no_mark += o.no_mark;
        for (a, b) in self.codes.iter_mut().zip(o.codes.iter()) {
            *a += b;
        }
    }

    /// Sessions attended: present + approved educational activity.
    pub fn attended(&self) -> u32 {
        self.present + self.approved_activity
    }

    /// Sessions absent: authorised + unauthorised.
    pub fn absent(&self) -> u32 {
        self.authorised + self.unauthorised
    }

    /// Attendance as an exact fraction, when there are possible sessions.
    pub fn attendance(&self) -> Option<Fraction> {
        Fraction::new(self.attended(), self.possible)
    }

    pub fn authorised_rate(&self) -> Option<Fraction> {
        Fraction::new(self.authorised, self.possible)
    }

    pub fn unauthorised_rate(&self) -> Option<Fraction> {
        Fraction::new(self.unauthorised, self.possible)
    }

    /// The band, comparing exact fractions with the school's thresholds.
    pub fn band(&self, t: &Thresholds) -> Band {
        match self.attendance() {
            None => Band::None,
            Some(f) if f.at_most_percent(t.severe) => Band::Severe,
            Some(f) if f.at_most_percent(t.persistent) => Band::Persistent,
            Some(f) if f.at_most_percent(t.persistent + t.at_risk) => Band::AtRisk,
            Some(_) => Band::None,
        }
    }

    /// Codes used, most used first (ties in code order), with their counts.
    pub fn code_mix(&self) -> Vec<(Code, u32)> {
        let mut v: Vec<(Code, u32)> = Code::ALL
            .iter()
            .filter_map(|c| {
                let n = self.codes[c.as_u8() as usize];
                (n > 0).then_some((*c, n))
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Absence codes used, most used first, with the category each counted as on its dates.
    pub fn absence_codes(&self) -> Vec<(Code, u32)> {
        self.code_mix()
            .into_iter()
            .filter(|(c, _)| {
                [CodeSet::Regs2006, CodeSet::Regs2024]
                    .iter()
                    .any(|s| c.category(*s).is_some_and(Category::is_absence))
            })
            .collect()
    }
}

/// An exact rate `num / den` with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub num: u32,
    pub den: u32,
}

impl Fraction {
    pub fn new(num: u32, den: u32) -> Option<Fraction> {
        (den > 0).then_some(Fraction { num, den })
    }

    /// The percentage in tenths, rounded half up on the exact fraction: 97.25% -> 973.
    pub fn tenths(self) -> u64 {
        (self.num as u64 * 2000 + self.den as u64) / (2 * self.den as u64)
    }

    /// The percentage at one decimal, e.g. "89.9".
    pub fn pct(self) -> String {
        let t = self.tenths();
        format!("{}.{}", t / 10, t % 10)
    }

    /// Is this rate at or below `p` percent (exactly)?
    pub fn at_most_percent(self, p: u32) -> bool {
        self.num as u64 * 100 <= p as u64 * self.den as u64
    }

    /// Is this rate at or above `p` percent (exactly)?
    pub fn at_least_percent(self, p: u32) -> bool {
        self.num as u64 * 100 >= p as u64 * self.den as u64
    }

    /// The percentage rounded half up to a whole number.
    pub fn whole_percent(self) -> u64 {
        (self.num as u64 * 200 + self.den as u64) / (2 * self.den as u64)
    }

    /// Is this rate at or below `hundredths / 100` percent (exactly)? For thresholds like 92.5.
    pub fn at_most_hundredths(self, hundredths: u32) -> bool {
        self.num as u64 * 10_000 <= hundredths as u64 * self.den as u64
    }

    /// Compare two rates exactly.
    pub fn cmp_rate(self, o: Fraction) -> std::cmp::Ordering {
        (self.num as u64 * o.den as u64).cmp(&(o.num as u64 * self.den as u64))
    }

    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64 * 100.0
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pct())
    }
}

/// A percentage for output: one decimal, or empty when there are no possible sessions.
pub fn pct_or_blank(f: Option<Fraction>) -> String {
    f.map(Fraction::pct).unwrap_or_default()
}

/// Where a pupil's attendance sits against the school's thresholds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Attendance at or below the severe line (DfE: 50%).
    Severe,
    /// At or below the persistent line (DfE: 90%), above the severe line.
    Persistent,
    /// Above the persistent line, within the at-risk margin.
    AtRisk,
    /// None of the above (or no possible sessions).
    None,
}

impl Band {
    /// The machine name: `severe`, `persistent`, `at_risk`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Severe => "severe",
            Band::Persistent => "persistent",
            Band::AtRisk => "at_risk",
            Band::None => "none",
        }
    }

    /// For people: "severe absence", "persistent absence", "at risk", "".
    pub fn label(self) -> &'static str {
        match self {
            Band::Severe => "severe absence",
            Band::Persistent => "persistent absence",
            Band::AtRisk => "at risk",
            Band::None => "",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

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
}

/// Why a period cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("--from {from} is after --to {to}")]
    FromAfterTo { from: NaiveDate, to: NaiveDate },
    #[error("the register holds no sessions yet: import an export first (attend import FILE.csv)")]
    EmptyRegister,
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

/// The school's calendar as the register shows it: which sessions the school held.
#[derive(Debug, Clone)]
pub struct SchoolCalendar {
    /// Per slot of the grid: did the school hold this session (someone has a mark other than a
    /// closure `#` or not-on-roll `Z`)?
    pub held: Vec<bool>,
    /// Per slot: does anyone have a planned closure (`#`) for it?
    pub closed: Vec<bool>,
    /// The latest session with any mark.
    pub last_date: Option<NaiveDate>,
    pub first_date: Option<NaiveDate>,
}

impl SchoolCalendar {
    pub fn of(grid: &MarkGrid) -> SchoolCalendar {
        let n = grid.row_len();
        let closed_code = Code::Closed.as_u8();
        let not_on_roll = Code::Z.as_u8();
        let mut held = vec![false; n];
        let mut closed = vec![false; n];
        let mut any = vec![false; n];
        for i in 0..grid.ids.len() {
            let row = grid.row(i);
            for j in 0..n {
                let b = row[j];
                any[j] |= b != 0;
                held[j] |= b != 0 && b != closed_code && b != not_on_roll;
                closed[j] |= b == closed_code;
            }
        }
        let last = (0..n).rev().find(|&j| any[j]).map(|j| grid.session(j).date);
        let first = (0..n).find(|&j| any[j]).map(|j| grid.session(j).date);
        SchoolCalendar {
            held,
            closed,
            last_date: last,
            first_date: first,
        }
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

    /// Mondays of the school weeks (weeks with at least one session held), in order.
    pub fn school_weeks(&self, grid: &MarkGrid) -> Vec<NaiveDate> {
        grid.weeks
            .iter()
            .enumerate()
            .filter(|(w, _)| (0..WEEK_SLOTS).any(|k| self.held[w * WEEK_SLOTS + k]))
            .map(|(_, m)| *m)
            .collect()
    }

    /// Resolve what the user asked for against the register.
    pub fn resolve(&self, grid: &MarkGrid, spec: &PeriodSpec) -> Result<Period, PeriodError> {
        let (Some(first), Some(last)) = (self.first_date, self.last_date) else {
            return Err(PeriodError::EmptyRegister);
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
        // figures run to the latest imported session at most
        let to = spec.to.unwrap_or(last).min(last);
        let ay = AcademicYear::of(spec.to.unwrap_or(last));
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
            (
                start,
                to,
                format!("last {w} school week{}", if w == 1 { "" } else { "s" }),
            )
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
            format!("{} to {}", from.format("%d/%m/%Y"), to.format("%d/%m/%Y"))
        } else {
            label
        };
        Ok(Period { from, to, label })
    }
}

/// "autumn" -> "Autumn".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Analysis of one pupil over a period
// ---------------------------------------------------------------------------------------------

/// Absence on one weekday.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayRate {
    pub possible: u32,
    pub absent: u32,
}

impl DayRate {
    pub fn rate(&self) -> Option<Fraction> {
        Fraction::new(self.absent, self.possible)
    }
}

/// A window of school weeks meeting the penalty-notice threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyWindow {
    /// Monday of the first school week of the window.
    pub from: NaiveDate,
    /// Friday of the last school week of the window (or the period's end, if earlier).
    pub to: NaiveDate,
    /// Unauthorised absence sessions (G, N, O, U) in the window.
    pub sessions: u32,
}

/// Trend of the last 4 school weeks against the whole period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Improving,
    Steady,
    Falling,
    /// No possible sessions in the last 4 weeks.
    Unknown,
}

impl Trend {
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Improving => "↑",
            Trend::Steady => "→",
            Trend::Falling => "↓",
            Trend::Unknown => "",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Steady => "steady",
            Trend::Falling => "falling",
            Trend::Unknown => "",
        }
    }
}

/// Everything about one pupil's attendance over one period.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub counts: Counts,
    /// Monday..Friday.
    pub weekdays: [DayRate; 5],
    /// Absence sessions on school days next to a closure or holiday.
    pub holiday_adjacent: u32,
    /// Possible sessions on school days next to a closure or holiday.
    pub holiday_adjacent_possible: u32,
    /// Counts over the last 4 school weeks of the period.
    pub last4: Counts,
    /// The latest window of 10 school weeks with 10 or more unauthorised sessions, if any.
    pub penalty: Option<PenaltyWindow>,
    /// The most unauthorised sessions in any 10-school-week window of the period.
    pub penalty_max: u32,
}

/// Points of difference between the last 4 weeks and the whole period that make a trend.
const TREND_POINTS: u64 = 10; // tenths of a percentage point: 1.0 point

impl Analysis {
    pub fn trend(&self) -> Trend {
        match (self.last4.attendance(), self.counts.attendance()) {
            (Some(recent), Some(all)) => {
                let (r, a) = (recent.tenths(), all.tenths());
                if r >= a + TREND_POINTS {
                    Trend::Improving
                } else if r + TREND_POINTS <= a {
                    Trend::Falling
                } else {
                    Trend::Steady
                }
            }
            _ => Trend::Unknown,
        }
    }

    /// The weekday with the highest absence rate, when it stands out: at least 4 absent sessions,
    /// at least 15% absent, and at least 1.5 times the pupil's overall absence rate.
    pub fn weekday_pattern(&self) -> Option<(chrono::Weekday, Fraction)> {
        let overall = Fraction::new(self.counts.absent(), self.counts.possible)?;
        let (i, d) = self
            .weekdays
            .iter()
            .enumerate()
            .filter(|(_, d)| d.possible > 0)
            .max_by(|a, b| {
                a.1.rate()
                    .expect("possible > 0")
                    .cmp_rate(b.1.rate().expect("possible > 0"))
                    .then(b.0.cmp(&a.0))
            })?;
        let r = d.rate()?;
        // at least 4 absences, at least 15% absent, at least 1.5 times the overall rate
        let stands_out = d.absent >= 4
            && r.at_least_percent(15)
            && (r.num as u64 * overall.den as u64 * 2) >= (overall.num as u64 * r.den as u64 * 3);
        stands_out.then(|| (chrono::Weekday::try_from(i as u8).expect("0..5"), r))
    }

    /// Absence next to closures and holidays, when it stands out: at least 4 sessions, at least
    /// 20% of the possible sessions there, and at least 1.5 times the overall absence rate.
    pub fn holiday_pattern(&self) -> Option<Fraction> {
        let overall = Fraction::new(self.counts.absent(), self.counts.possible)?;
        let r = Fraction::new(self.holiday_adjacent, self.holiday_adjacent_possible)?;
        (self.holiday_adjacent >= 4
            && r.at_least_percent(20)
            && (r.num as u64 * overall.den as u64 * 2) >= (overall.num as u64 * r.den as u64 * 3))
            .then_some(r)
    }

    /// A short hint of the patterns found, for tables: "Mon 45% absent; holidays 40%".
    pub fn pattern_hint(&self) -> String {
        let mut parts = Vec::new();
        if let Some((day, r)) = self.weekday_pattern() {
            parts.push(format!(
                "{} {}% absent",
                weekday_short(day),
                r.whole_percent()
            ));
        }
        if let Some(r) = self.holiday_pattern() {
            parts.push(format!("holidays {}%", r.whole_percent()));
        }
        if self.counts.late_after_close >= 5 {
            parts.push(format!("U×{}", self.counts.late_after_close));
        } else if self.counts.late_before_close >= 10 {
            parts.push(format!("L×{}", self.counts.late_before_close));
        }
        if self.penalty.is_some() {
            parts.push("PN threshold".into());
        }
        parts.join("; ")
    }
}

pub fn weekday_short(d: chrono::Weekday) -> &'static str {
    match d {
        chrono::Weekday::Mon => "Mon",
        chrono::Weekday::Tue => "Tue",
        chrono::Weekday::Wed => "Wed",
        chrono::Weekday::Thu => "Thu",
        chrono::Weekday::Fri => "Fri",
        chrono::Weekday::Sat => "Sat",
        chrono::Weekday::Sun => "Sun",
    }
}

const POSSIBLE: u8 = 1;
const ABSENT: u8 = 2;
const PENALTY: u8 = 4;

/// Per code set and stored byte: is it a possible session, an absence, a penalty-notice code
/// (G, N, O, U)? Built from [`category_table`], so the rules stay in `codes.rs`.
fn slot_flags() -> &'static [[u8; 64]; 2] {
    static FLAGS: std::sync::LazyLock<[[u8; 64]; 2]> = std::sync::LazyLock::new(|| {
        let mut f = [[0u8; 64]; 2];
        for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
            for &c in Code::ALL {
                let Some(cat) = c.category(set) else { continue };
                let b = &mut f[set.index()][c.as_u8() as usize];
                if cat.is_possible() {
                    *b |= POSSIBLE;
                }
                if cat.is_absence() {
                    *b |= ABSENT;
                    if c.counts_toward_penalty_notice() {
                        *b |= PENALTY;
                    }
                }
            }
        }
        f
    });
    &FLAGS
}

/// What every pupil's analysis over one period shares: the slots, their code sets, weekdays,
/// school weeks, closures. Built once per period, then [`Frame::analyse`] runs per pupil.
pub struct Frame<'g> {
    grid: &'g MarkGrid,
    pub period: Period,
    /// Slots of the period: `a..b`.
    a: usize,
    b: usize,
    /// Per slot in `a..b`: the code set index.
    set: Vec<u8>,
    /// Per slot in `a..b`: the weekday, Monday = 0.
    day: Vec<u8>,
    /// Per slot in `a..b`: school-week index within the period (or u32::MAX if not held).
    school_week: Vec<u32>,
    /// Per slot in `a..b`: on a school day next to a closure or holiday.
    adjacent: Vec<bool>,
    /// Mondays of the period's school weeks.
    weeks: Vec<NaiveDate>,
    /// First slot (relative to `a`) of the last 4 school weeks.
    last4_from: usize,
    /// Per slot: is the session held by the school?
    held: Vec<bool>,
}

impl<'g> Frame<'g> {
    pub fn new(grid: &'g MarkGrid, cal: &SchoolCalendar, period: Period) -> Frame<'g> {
        let a = grid.slot_on_or_after(period.from);
        let b = grid.slot_after(period.to).max(a);
        let mut set = Vec::with_capacity(b - a);
        let mut school_week = Vec::with_capacity(b - a);
        let mut weeks: Vec<NaiveDate> = Vec::new();
        let mut week_of_slot_week: Option<(usize, u32)> = None;
        for j in a..b {
            let s = grid.session(j);
            set.push(CodeSet::for_date(s.date).index() as u8);
            let w = j / WEEK_SLOTS;
            let held_week = (0..WEEK_SLOTS).any(|k| cal.held[w * WEEK_SLOTS + k]);
            let idx = if held_week {
                match week_of_slot_week {
                    Some((pw, i)) if pw == w => i,
                    _ => {
                        weeks.push(grid.weeks[w]);
                        let i = weeks.len() as u32 - 1;
                        week_of_slot_week = Some((w, i));
                        i
                    }
                }
            } else {
                u32::MAX
            };
            school_week.push(idx);
        }
        let adjacent = cal.holiday_adjacent_slots(grid)[a..b].to_vec();
        let day: Vec<u8> = (a..b).map(|j| (j % WEEK_SLOTS / 2) as u8).collect();
        let last4_week = weeks.len().saturating_sub(4) as u32;
        let last4_from = school_week
            .iter()
            .position(|&i| i != u32::MAX && i >= last4_week)
            .unwrap_or(b - a);
        let held = cal.held[a..b].to_vec();
        Frame {
            grid,
            period,
            a,
            b,
            set,
            day,
            school_week,
            adjacent,
            weeks,
            last4_from,
            held,
        }
    }

    /// Mondays of the period's school weeks.
    pub fn school_weeks(&self) -> &[NaiveDate] {
        &self.weeks
    }

    /// Just the counts of row `i` (the fast path for sorting and filtering).
    pub fn counts(&self, i: usize) -> Counts {
        let row = &self.grid.row(i)[self.a..self.b];
        let mut c = Counts::default();
        for (k, &m) in row.iter().enumerate() {
            if m == 0 {
                c.no_mark += u32::from(self.held[k]);
                continue;
            }
            c.add(
                m,
                if self.set[k] == 0 {
                    CodeSet::Regs2006
                } else {
                    CodeSet::Regs2024
                },
            );
        }
        c
    }

    /// Everything about row `i` of the grid over the period.
    pub fn analyse(&self, i: usize) -> Analysis {
        let row = &self.grid.row(i)[self.a..self.b];
        let flags = slot_flags();
        let mut an = Analysis::default();
        // per code set and code: how many sessions (turned into counts once, at the end)
        let mut tally = [[0u32; 64]; 2];
        let mut small = [0u32; 64];
        let mut big = Vec::new();
        let week_unauth: &mut [u32] = if self.weeks.len() <= small.len() {
            &mut small[..self.weeks.len()]
        } else {
            big.resize(self.weeks.len(), 0);
            &mut big
        };
        let (mut adj_possible, mut adj_absent, mut no_mark) = (0u32, 0u32, 0u32);
        let (mut day_possible, mut day_absent) = ([0u32; 5], [0u32; 5]);
        for (k, &m) in row.iter().enumerate() {
            let set = self.set[k] as usize;
            tally[set][m as usize] += 1;
            let f = flags[set][m as usize];
            let possible = u32::from(f & POSSIBLE != 0);
            let absent = u32::from(f & ABSENT != 0);
            let day = self.day[k] as usize;
            day_possible[day] += possible;
            day_absent[day] += absent;
            let adjacent = u32::from(self.adjacent[k]);
            adj_possible += possible & adjacent;
            adj_absent += absent & adjacent;
            no_mark += u32::from(m == 0) & u32::from(self.held[k]);
            if f & PENALTY != 0 {
                let w = self.school_week[k];
                if w != u32::MAX {
                    week_unauth[w as usize] += 1;
                }
            }
        }
        for (set, t) in [CodeSet::Regs2006, CodeSet::Regs2024]
            .into_iter()
            .zip(&tally)
        {
            for (b, &n) in t.iter().enumerate().skip(1) {
                an.counts.add_n(b as u8, set, n);
            }
        }
        an.counts.no_mark = no_mark;
        for (k, &m) in row.iter().enumerate().skip(self.last4_from) {
            let set = if self.set[k] == 0 {
                CodeSet::Regs2006
            } else {
                CodeSet::Regs2024
            };
            an.last4.add(m, set);
        }
        for d in 0..5 {
            an.weekdays[d] = DayRate {
                possible: day_possible[d],
                absent: day_absent[d],
            };
        }
        an.holiday_adjacent = adj_absent;
        an.holiday_adjacent_possible = adj_possible;
        // rolling 10 school weeks
        let mut sum = 0u32;
        for w in 0..week_unauth.len() {
            sum += week_unauth[w];
            if w >= 10 {
                sum -= week_unauth[w - 10];
            }
            an.penalty_max = an.penalty_max.max(sum);
            if sum >= 10 {
                let first = w.saturating_sub(9);
                let end = (self.weeks[w] + Duration::days(4)).min(self.period.to);
                an.penalty = Some(PenaltyWindow {
                    from: self.weeks[first],
                    to: end,
                    sessions: sum,
                });
            }
        }
        an
    }

    /// One pupil's counts over the period, with the pupil's marks added to `tally` (how many
    /// pupils had each mark in each session of the period): one pass over the row.
    pub fn counts_tallied(&self, i: usize, tally: &mut SlotTally) -> Counts {
        let row = &self.grid.row(i)[self.a..self.b];
        debug_assert_eq!(tally.hist.len(), row.len());
        let mut per_set = [[0u32; 64]; 2];
        let mut no_mark = 0u32;
        for ((k, &m), h) in row.iter().enumerate().zip(tally.hist.iter_mut()) {
            let m = (m as usize) & 63;
            h[m] += 1;
            per_set[self.set[k] as usize][m] += 1;
            no_mark += u32::from(m == 0) & u32::from(self.held[k]);
        }
        let mut c = Counts::default();
        for (set, t) in [CodeSet::Regs2006, CodeSet::Regs2024]
            .into_iter()
            .zip(&per_set)
        {
            for (b, &n) in t.iter().enumerate().skip(1) {
                c.add_n(b as u8, set, n);
            }
        }
        c.no_mark = no_mark;
        c
    }

    /// An empty tally for this period.
    pub fn new_tally(&self) -> SlotTally {
        SlotTally {
            hist: vec![[0; 64]; self.b - self.a],
        }
    }

    /// Counts of the tallied sessions whose slot passes `keep(slot)`.
    fn tally_counts(&self, t: &SlotTally, keep: impl Fn(usize) -> bool) -> Counts {
        let mut c = Counts::default();
        for (k, h) in t.hist.iter().enumerate() {
            if !keep(k) {
                continue;
            }
            let set = if self.set[k] == 0 {
                CodeSet::Regs2006
            } else {
                CodeSet::Regs2024
            };
            for (b, &n) in h.iter().enumerate().skip(1) {
                c.add_n(b as u8, set, n);
            }
            if self.held[k] {
                c.no_mark += h[0];
            }
        }
        c
    }

    /// The tallied sessions of each school week of the period: (Monday, counts).
    pub fn weekly_counts(&self, t: &SlotTally) -> Vec<(NaiveDate, Counts)> {
        self.weeks
            .iter()
            .enumerate()
            .map(|(w, monday)| {
                (
                    *monday,
                    self.tally_counts(t, |k| self.school_week[k] == w as u32),
                )
            })
            .collect()
    }

    /// The tallied sessions by weekday, Monday first.
    pub fn weekday_counts(&self, t: &SlotTally) -> [Counts; 5] {
        std::array::from_fn(|d| self.tally_counts(t, |k| self.day[k] as usize == d))
    }

    /// All the tallied sessions.
    pub fn tally_total(&self, t: &SlotTally) -> Counts {
        self.tally_counts(t, |_| true)
    }

    /// The slots of the period as (session, whether the school held it, the pupil's mark) for
    /// row `i`: the raw material of a marks grid.
    pub fn row_sessions(&self, i: usize) -> impl Iterator<Item = (Session, bool, u8)> + '_ {
        let row = &self.grid.row(i)[self.a..self.b];
        row.iter()
            .enumerate()
            .map(move |(k, &m)| (self.grid.session(self.a + k), self.held[k], m))
    }

    /// The dates of the last 4 school weeks of the period (first Monday, period end).
    pub fn last4_dates(&self) -> Option<(NaiveDate, NaiveDate)> {
        let n = self.weeks.len();
        (n > 0).then(|| (self.weeks[n.saturating_sub(4)], self.period.to))
    }
}

/// How many pupils had each mark in each session of a period (per slot, per stored mark byte;
/// byte 0 is "no mark"). Built by [`Frame::counts_tallied`]; tallies of disjoint groups of pupils
/// can be merged.
#[derive(Debug, Clone)]
pub struct SlotTally {
    hist: Vec<[u32; 64]>,
}

impl SlotTally {
    /// Add another tally of the same period.
    pub fn merge(&mut self, o: &SlotTally) {
        for (a, b) in self.hist.iter_mut().zip(&o.hist) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// Attendance figures frozen into a case (at opening, at a meeting, at a review), so the record
/// still says what was true that day after later imports. Serialised into case YAML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// What the period was called ("2024-25 to date", "since the plan began").
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub possible: u32,
    /// Present, including late before the register closed.
    pub present: u32,
    pub approved_activity: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    pub late_before_close: u32,
    pub late_after_close: u32,
    /// One decimal, rounded half up; absent when there were no possible sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance_pct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorised_pct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unauthorised_pct: Option<String>,
    pub band: Band,
    /// Attendance over the last 4 school weeks of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_4_weeks: Option<RecentSnapshot>,
    /// Absence codes used, most used first: `{code: I, sessions: 12}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absence_codes: Vec<CodeCount>,
    /// Absence by weekday, Monday to Friday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<WeekdaySnapshot>,
    /// Absence sessions on school days next to a closure or holiday...
    #[serde(default)]
    pub holiday_adjacent: u32,
    /// ...out of this many possible sessions on such days.
    #[serde(default)]
    pub holiday_adjacent_possible: u32,
    /// The latest window meeting the penalty-notice threshold, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty_notice: Option<PenaltyWindow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecentSnapshot {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub possible: u32,
    pub attended: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance_pct: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeCount {
    pub code: String,
    pub sessions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekdaySnapshot {
    pub day: String,
    pub possible: u32,
    pub absent: u32,
}

impl Snapshot {
    /// Freeze an analysis over a period.
    pub fn of(an: &Analysis, frame: &Frame<'_>, t: &Thresholds) -> Snapshot {
        let c = &an.counts;
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri"];
        Snapshot {
            period: frame.period.label.clone(),
            from: frame.period.from,
            to: frame.period.to,
            possible: c.possible,
            present: c.present,
            approved_activity: c.approved_activity,
            authorised: c.authorised,
            unauthorised: c.unauthorised,
            late_before_close: c.late_before_close,
            late_after_close: c.late_after_close,
            attendance_pct: c.attendance().map(Fraction::pct),
            authorised_pct: c.authorised_rate().map(Fraction::pct),
            unauthorised_pct: c.unauthorised_rate().map(Fraction::pct),
            band: c.band(t),
            last_4_weeks: frame.last4_dates().map(|(from, to)| RecentSnapshot {
                from,
                to,
                possible: an.last4.possible,
                attended: an.last4.attended(),
                attendance_pct: an.last4.attendance().map(Fraction::pct),
            }),
            absence_codes: c
                .absence_codes()
                .into_iter()
                .map(|(code, n)| CodeCount {
                    code: code.as_str().to_string(),
                    sessions: n,
                })
                .collect(),
            weekdays: an
                .weekdays
                .iter()
                .zip(days)
                .filter(|(d, _)| d.possible > 0)
                .map(|(d, name)| WeekdaySnapshot {
                    day: name.to_string(),
                    possible: d.possible,
                    absent: d.absent,
                })
                .collect(),
            holiday_adjacent: an.holiday_adjacent,
            holiday_adjacent_possible: an.holiday_adjacent_possible,
            penalty_notice: an.penalty.clone(),
        }
    }

    /// The attendance as an exact fraction.
    pub fn attendance(&self) -> Option<Fraction> {
        Fraction::new(self.present + self.approved_activity, self.possible)
    }

    /// "89.5% (340 of 380 possible sessions, 02/09/2024 to 14/03/2025)": a figure with its denominator.
    pub fn describe(&self) -> String {
        match &self.attendance_pct {
            Some(p) => format!(
                "{p}% ({} of {} possible sessions, {} to {})",
                self.present + self.approved_activity,
                self.possible,
                self.from.format("%d/%m/%Y"),
                self.to.format("%d/%m/%Y")
            ),
            None => format!(
                "no possible sessions from {} to {}",
                self.from.format("%d/%m/%Y"),
                self.to.format("%d/%m/%Y")
            ),
        }
    }
}

/// Freeze one pupil's figures over a period of the register.
pub fn snapshot(
    reg: &crate::register::Register,
    index: usize,
    spec: &PeriodSpec,
    label: Option<&str>,
    t: &Thresholds,
) -> Result<Snapshot, PeriodError> {
    let cal = SchoolCalendar::of(&reg.grid);
    let mut period = cal.resolve(&reg.grid, spec)?;
    if let Some(l) = label {
        period.label = l.to_string();
    }
    let frame = Frame::new(&reg.grid, &cal, period);
    Ok(Snapshot::of(&frame.analyse(index), &frame, t))
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

/// Day of week index of a date, Monday = 0.
pub fn weekday_index(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upn::{PupilId, Upn};
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
            g.marks.extend(cells.iter().map(|c| {
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
        /// The one-pass analysis counts exactly as the plain counting does, for any marks,
        /// across the code-set change (weeks from July to September 2024).
        #[test]
        fn analysis_counts_as_plain_counting(cells in proptest::collection::vec(0u8..=37, 60)) {
            let weeks = [d(2024, 7, 8), d(2024, 7, 15), d(2024, 8, 12), d(2024, 8, 19), d(2024, 9, 2), d(2024, 9, 9)];
            let mut g = MarkGrid { weeks: weeks.to_vec(), ..Default::default() };
            g.ids.push(Upn::from_body("801200000001").unwrap().into());
            // a second pupil with a full register, so the school holds every session
            g.ids.push(Upn::from_body("801200000002").unwrap().into());
            g.marks.extend(cells.iter().copied());
            g.marks.extend(std::iter::repeat_n(Code::PresentAm.as_u8(), 60));
            let cal = SchoolCalendar::of(&g);
            let p = cal.resolve(&g, &PeriodSpec::default()).unwrap();
            let f = Frame::new(&g, &cal, p);
            let an = f.analyse(0);
            prop_assert_eq!(&an.counts, &f.counts(0));
            let wd_possible: u32 = an.weekdays.iter().map(|d| d.possible).sum();
            let wd_absent: u32 = an.weekdays.iter().map(|d| d.absent).sum();
            prop_assert_eq!(wd_possible, an.counts.possible);
            prop_assert_eq!(wd_absent, an.counts.absent());
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
}
