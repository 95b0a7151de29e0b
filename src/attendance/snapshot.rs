//! Snapshots: attendance figures frozen into a case (at opening, at a meeting, at a review), so
//! the record still says what was true that day after later imports.

use super::analysis::{Analysis, Frame};
use super::penalty::{PenaltyScope, PenaltyWindow};
use super::period::{PeriodError, PeriodSpec, SchoolCalendar};
use super::{Band, Fraction};
use crate::config::Thresholds;
use crate::dates::{SCHOOL_WEEKDAYS, uk_date, weekday_short};
use chrono::NaiveDate;
use serde::Serialize;

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
                .zip(SCHOOL_WEEKDAYS)
                .filter(|(d, _)| d.possible > 0)
                .map(|(d, day)| WeekdaySnapshot {
                    day: weekday_short(day).to_string(),
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
                uk_date(self.from),
                uk_date(self.to)
            ),
            None => format!(
                "no possible sessions from {} to {}",
                uk_date(self.from),
                uk_date(self.to)
            ),
        }
    }
}

/// Freeze one pupil's figures over a period of the register, as they stood on the period's
/// last day (`spec.to`, which a snapshot always has): no mark dated after it counts. The
/// penalty-notice window counts only sessions when the pupil was of compulsory school age (from
/// the register's date of birth).
pub fn snapshot(
    reg: &crate::register::Register,
    index: usize,
    spec: &PeriodSpec,
    label: Option<&str>,
    t: &Thresholds,
) -> Result<Snapshot, PeriodError> {
    let scope = PenaltyScope::for_pupil(reg.pupils[index].dob, Vec::new());
    snapshot_scoped(reg, index, spec, label, t, &scope)
}

/// [`snapshot`], with the penalty-notice window counting only the sessions `scope` lets count.
pub fn snapshot_scoped(
    reg: &crate::register::Register,
    index: usize,
    spec: &PeriodSpec,
    label: Option<&str>,
    t: &Thresholds,
    scope: &PenaltyScope,
) -> Result<Snapshot, PeriodError> {
    debug_assert!(spec.to.is_some(), "a snapshot is as of a day");
    let cal = SchoolCalendar::on(&reg.grid, spec.to.unwrap_or(chrono::NaiveDate::MAX));
    let mut period = cal.resolve(&reg.grid, spec)?;
    if let Some(l) = label {
        period.label = l.to_string();
    }
    let frame = Frame::new(&reg.grid, &cal, period);
    Ok(Snapshot::of(&frame.analyse_scoped(index, scope), &frame, t))
}
