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
//! school weeks, and the national penalty-notice threshold ([`penalty`]).
//!
//! * [`period`]: what period the user asked for, and the school's calendar;
//! * [`analysis`]: one pupil over a period, and tallies of whole groups;
//! * [`penalty`]: the penalty-notice threshold and its rolling window;
//! * [`age`]: compulsory school age, and the DfE statistics' age basis;
//! * [`snapshot`](mod@snapshot): figures frozen into a case.

pub mod age;
pub(crate) mod analysis;
pub mod penalty;
pub(crate) mod period;
pub(crate) mod snapshot;
#[cfg(test)]
mod tests;

pub use crate::dates::weekday_short;
pub use crate::text::capitalise;
pub use age::{AgeStatus, CompulsorySchoolAge};
pub use analysis::{Analysis, DayRate, Frame, Recent, SlotTally, Trend, weekday_index};
pub use penalty::{PENALTY_NOTICE_SESSIONS, PENALTY_NOTICE_WEEKS, PenaltyScope, PenaltyWindow};
pub use period::{Period, PeriodError, PeriodSpec, SchoolCalendar, SchoolDay, terms_to_date};
pub use snapshot::{
    CodeCount, RecentSnapshot, Snapshot, WeekdaySnapshot, snapshot, snapshot_scoped,
};

use crate::codes::{Category, Code, CodeSet, category_table};
use crate::config::Thresholds;
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

/// The largest denominator [`Fraction::rate_key`] orders exactly.
const RATE_KEY_MAX_DEN: u32 = 1 << 20;

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

    /// A number that orders rates exactly as [`Fraction::cmp_rate`] does, so that a list can be
    /// sorted by plain numbers: `num * 2^40 / den`, rounded down. Two different rates whose
    /// denominators are at most 2^20 differ by at least 2^-40, so their numbers differ; equal
    /// rates give the same number. `None` for a rate above 100% or a denominator over 2^20
    /// (over a million sessions), where that does not hold.
    pub fn rate_key(self) -> Option<u64> {
        (self.num <= self.den && self.den <= RATE_KEY_MAX_DEN)
            .then(|| (u64::from(self.num) << 40) / u64::from(self.den))
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
