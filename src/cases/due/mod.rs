//! What needs doing, each with the date it became due:
//!
//! * the follow-through of cases ([`follow`]): reviews due and overdue, cases with no plan in
//!   place, Notices to Improve ending and the penalty-notice decisions they leave, weekly
//!   check-ins missed during a plan, cases gone quiet;
//! * what the register shows ([`register`]): the notices the local authority must be given
//!   (10 school days in a row of unauthorised absence; 20, when the school and the local
//!   authority must make enquiries together; 15 school days of illness in the year, the sickness
//!   return; a part-time timetable running past its review), `N` marks left unresolved, and
//!   pupils in persistent or severe absence with no case.

mod follow;
mod register;

use super::{Case, Stage};
use crate::config::Config;
use crate::register::Register;
use crate::upn::PupilId;
use chrono::NaiveDate;
use serde::Serialize;

/// An `N` mark (reason not yet established) should be resolved within this many school days.
pub const N_MARK_SCHOOL_DAYS: usize = crate::codes::Code::N_RESOLVE_SCHOOL_DAYS;
/// A case with no timeline entry for this many days is listed.
pub const QUIET_DAYS: i64 = 28;
/// School days in a row of unauthorised absence after which the local authority must be told.
pub const UNAUTHORISED_DAYS: u32 = 10;
/// School days in a row absent without authorisation after which the school and the local
/// authority make reasonable enquiries together (before any removal from the roll).
pub const ABSENT_DAYS: u32 = 20;
/// School days absent through illness in the academic year (consecutive or not) that make the
/// sickness return to the local authority.
pub const ILLNESS_DAYS: u32 = 15;
/// A run of absence that has ended stays listed for this many school days, so the week's return
/// to the local authority still holds it.
pub const RECENT_SCHOOL_DAYS: usize = 10;

/// The kinds of thing to do, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A plan's review date has passed with no review recorded.
    ReviewOverdue,
    /// A plan's review falls within the window.
    ReviewDue,
    /// A case at support or above has no plan in place.
    NoPlan,
    /// A Notice to Improve's improvement period has ended and no decision on a penalty notice is
    /// recorded.
    PenaltyDecision,
    /// A Notice to Improve's improvement period ends within the window.
    NoticePeriodEnds,
    /// Weeks of an open plan with no check-in recorded (weekly meetings, weekly updates home).
    MissedCheckIn,
    /// 20 school days in a row absent without authorisation: enquiries with the local authority.
    Absent20Days,
    /// 10 school days in a row of unauthorised absence: the local authority must be told.
    Unauthorised10Days,
    /// 15 school days of illness in the year: the sickness return.
    Illness15Days,
    /// A part-time timetable (C2) running longer than its review period.
    PartTimeTimetable,
    /// `N` marks older than 5 school days.
    UnresolvedN,
    /// An open case with nothing on its timeline for 4 weeks.
    NoRecentContact,
    /// A pupil in persistent or severe absence with no case.
    NoCase,
}

impl DueKind {
    pub const ALL: [DueKind; 13] = [
        DueKind::ReviewOverdue,
        DueKind::ReviewDue,
        DueKind::NoPlan,
        DueKind::PenaltyDecision,
        DueKind::NoticePeriodEnds,
        DueKind::MissedCheckIn,
        DueKind::Absent20Days,
        DueKind::Unauthorised10Days,
        DueKind::Illness15Days,
        DueKind::PartTimeTimetable,
        DueKind::UnresolvedN,
        DueKind::NoRecentContact,
        DueKind::NoCase,
    ];

    /// The notices a school gives the local authority (the weekly return).
    pub const LA_RETURN: [DueKind; 4] = [
        DueKind::Absent20Days,
        DueKind::Unauthorised10Days,
        DueKind::Illness15Days,
        DueKind::PartTimeTimetable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::ReviewOverdue => "review_overdue",
            DueKind::ReviewDue => "review_due",
            DueKind::NoPlan => "no_plan",
            DueKind::PenaltyDecision => "penalty_decision",
            DueKind::NoticePeriodEnds => "notice_period_ends",
            DueKind::MissedCheckIn => "missed_check_in",
            DueKind::Absent20Days => "absent_20_days",
            DueKind::Unauthorised10Days => "unauthorised_10_days",
            DueKind::Illness15Days => "illness_15_days",
            DueKind::PartTimeTimetable => "part_time_timetable",
            DueKind::UnresolvedN => "unresolved_n",
            DueKind::NoRecentContact => "no_recent_contact",
            DueKind::NoCase => "no_case",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DueKind::ReviewOverdue => "review overdue",
            DueKind::ReviewDue => "review due",
            DueKind::NoPlan => "no plan in place",
            DueKind::PenaltyDecision => "penalty-notice decision",
            DueKind::NoticePeriodEnds => "NTI period ends",
            DueKind::MissedCheckIn => "check-ins missed",
            DueKind::Absent20Days => "20 days absent",
            DueKind::Unauthorised10Days => "10 days unauthorised",
            DueKind::Illness15Days => "15 days illness",
            DueKind::PartTimeTimetable => "part-time timetable",
            DueKind::UnresolvedN => "N marks unresolved",
            DueKind::NoRecentContact => "no contact for 4 weeks",
            DueKind::NoCase => "flagged, no case",
        }
    }

    pub fn parse(text: &str) -> Option<DueKind> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        DueKind::ALL.into_iter().find(|k| k.as_str() == t)
    }
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub kind: DueKind,
    pub id: PupilId,
    /// "Surname, Forename".
    pub name: String,
    /// The case's stage, when there is a case.
    pub stage: Option<Stage>,
    /// The date it became due (a review's date, the tenth school day of a run of absence...).
    pub date: Option<NaiveDate>,
    pub detail: String,
    /// The pupil's year group and date of birth (for the local authority's return).
    pub year: String,
    pub dob: Option<NaiveDate>,
    /// The dates it covers: a run of absence, a part-time timetable, a notice's period.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The school days it counts (a run of absence, days of illness), when it counts them.
    pub school_days: Option<String>,
}

impl DueItem {
    fn new(kind: DueKind, id: &PupilId, name: String, detail: String) -> DueItem {
        DueItem {
            kind,
            id: id.clone(),
            name,
            stage: None,
            date: None,
            detail,
            year: String::new(),
            dob: None,
            from: None,
            to: None,
            school_days: None,
        }
    }
}

/// Everything due on `today`, reviews and improvement periods looked ahead `within` days.
pub fn due(
    cases: &[Case],
    reg: &Register,
    config: &Config,
    today: NaiveDate,
    within: u32,
) -> Vec<DueItem> {
    let mut out = follow::from_cases(cases, reg, config, today, within);
    out.extend(register::from_register(cases, reg, config, today));
    // the pupil's year and date of birth: the register's, else the case's
    for item in &mut out {
        match reg.index_of(&item.id) {
            Some(i) => {
                item.year = reg.pupils[i].year.to_string();
                item.dob = reg.pupils[i].dob;
            }
            None => {
                if let Some(c) = cases.iter().find(|c| c.pupil.id == item.id) {
                    item.year = c.pupil.year.clone();
                    item.dob = c.pupil.dob;
                }
            }
        }
        if item.stage.is_none() {
            item.stage = cases
                .iter()
                .find(|c| c.pupil.id == item.id)
                .map(|c| c.stage);
        }
    }
    // stable: within a kind and date, cases in id order and flagged pupils lowest attendance first
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.date.cmp(&b.date)));
    out
}
