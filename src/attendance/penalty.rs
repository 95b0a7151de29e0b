//! The national penalty-notice threshold: **10 or more sessions of unauthorised absence (G, N,
//! O, U) within any rolling period of 10 school weeks**. Its numbers are
//! [`PENALTY_NOTICE_SESSIONS`] and [`PENALTY_NOTICE_WEEKS`]; the window is counted here.
//!
//! School weeks are weeks in which the school held sessions, so a window may cross a holiday,
//! a term or a school year.
//!
//! Two kinds of session never count toward the threshold ([`PenaltyScope`]): sessions that an
//! issued penalty notice already rests on (one absence supports one notice), and sessions on days
//! when the pupil was not of compulsory school age ([`super::age`]: the law's steps need a child
//! of that age).

use super::age::CompulsorySchoolAge;
use crate::dates::uk_date;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// Sessions of unauthorised absence (G, N, O, U) that meet the penalty-notice threshold...
pub const PENALTY_NOTICE_SESSIONS: u32 = 10;
/// ...within any rolling window of this many school weeks.
pub const PENALTY_NOTICE_WEEKS: usize = 10;

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

impl PenaltyWindow {
    /// The window in words, the one sentence every screen and form uses: "11 unauthorised
    /// sessions (G, N, O, U) in the 10 school weeks 16/09/2024 to 29/11/2024".
    pub fn describe(&self) -> String {
        format!(
            "{} unauthorised sessions (G, N, O, U) in the {PENALTY_NOTICE_WEEKS} school weeks {} to {}",
            self.sessions,
            uk_date(self.from),
            uk_date(self.to)
        )
    }
}

/// Which of a pupil's unauthorised sessions may count toward the threshold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PenaltyScope {
    /// Date ranges (inclusive) whose sessions issued, not withdrawn, penalty notices rest on.
    pub used: Vec<(NaiveDate, NaiveDate)>,
    /// The pupil's compulsory school age, when the date of birth is known: sessions outside it
    /// do not count.
    pub of_age: Option<CompulsorySchoolAge>,
}

impl PenaltyScope {
    /// Every session counts (no notices, age unknown).
    pub const ALL: PenaltyScope = PenaltyScope {
        used: Vec::new(),
        of_age: None,
    };

    /// The scope for a pupil born on `dob` (if known) whose notices rest on `used`.
    pub fn for_pupil(dob: Option<NaiveDate>, used: Vec<(NaiveDate, NaiveDate)>) -> PenaltyScope {
        PenaltyScope {
            used,
            of_age: dob.map(CompulsorySchoolAge::for_dob),
        }
    }

    /// Does an unauthorised session on `d` count toward the threshold?
    pub fn counts(&self, d: NaiveDate) -> bool {
        self.of_age.is_none_or(|a| a.on(d)) && !self.used.iter().any(|(a, b)| *a <= d && d <= *b)
    }

    /// True when nothing is left out (the fast path).
    pub fn is_all(&self) -> bool {
        self.used.is_empty() && self.of_age.is_none()
    }
}

/// When no window meets the threshold: "at most 4 unauthorised sessions in any 10 school weeks;
/// the threshold is 10".
pub fn not_met_text(most: u32) -> String {
    format!(
        "at most {most} unauthorised sessions in any {PENALTY_NOTICE_WEEKS} school weeks; the threshold is {PENALTY_NOTICE_SESSIONS}"
    )
}

/// Slide the window over the school weeks (their Mondays, `weeks`, with the unauthorised
/// sessions of each, `unauthorised`): the latest window meeting the threshold, if any, and the
/// most unauthorised sessions in any window. A window ends on its last week's Friday, or at
/// `period_end` if earlier.
pub(super) fn rolling_window(
    weeks: &[NaiveDate],
    unauthorised: &[u32],
    period_end: NaiveDate,
) -> (Option<PenaltyWindow>, u32) {
    let (mut latest, mut max) = (None, 0);
    let mut sum = 0u32;
    for w in 0..unauthorised.len() {
        sum += unauthorised[w];
        if w >= PENALTY_NOTICE_WEEKS {
            sum -= unauthorised[w - PENALTY_NOTICE_WEEKS];
        }
        max = max.max(sum);
        if sum >= PENALTY_NOTICE_SESSIONS {
            let first = w.saturating_sub(PENALTY_NOTICE_WEEKS - 1);
            let end = (weeks[w] + Duration::days(4)).min(period_end);
            latest = Some(PenaltyWindow {
                from: weeks[first],
                to: end,
                sessions: sum,
            });
        }
    }
    (latest, max)
}
