//! Attendance meetings, their action plans and reviews (the meeting guidance of the seed
//! documents 001 and 003): what a plan holds, how it is checked, the figures frozen into it, and
//! how a review judges the plan's aim.
//!
//! A plan is entered through a [`PlanForm`] and a review through a [`ReviewForm`], whichever way
//! the officer gives them (an editor, a prepared file, command-line flags): one validation for all.

mod form;
mod render;
mod review;
mod summary;

pub use form::*;
pub use render::*;
pub use review::*;
pub use summary::*;

use super::model::*;
use super::problem::{FieldPath, Problem};
use super::timeline;
use super::validate::{check_actions, check_aim, check_meeting, required};
use super::{Case, Stage};
use crate::attendance::{Fraction, PeriodSpec, SchoolCalendar, Snapshot};
use crate::config::Config;
use crate::register::Register;
use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};
use std::cmp::Ordering;

/// The guidance's review window: 2 to 4 weeks after the meeting.
pub const REVIEW_MIN_DAYS: i64 = 14;
pub const REVIEW_MAX_DAYS: i64 = 28;
/// A plan continued at a review is reviewed again no more than 3 weeks later.
pub const CONTINUE_MAX_DAYS: i64 = 21;

/// What recording a plan did.
#[derive(Debug, Clone)]
pub struct PlanRecorded {
    pub number: u32,
    pub stage: Option<StageChange>,
    pub warnings: Vec<String>,
    /// Why there are no figures, when there are none.
    pub no_figures: Option<String>,
}

/// The latest plan if it has not been reviewed.
pub fn open_plan(case: &Case) -> Option<&Plan> {
    case.plans.last().filter(|p| p.is_open())
}

/// Record a meeting and its plan in the case: figures at the meeting frozen in, a `plan` event on
/// the timeline, and the stage raised to `support`.
pub fn record_plan(
    case: &mut Case,
    reg: &Register,
    config: &Config,
    plan: CheckedPlan,
    by: &str,
) -> Result<PlanRecorded> {
    if case.stage == Stage::Closed {
        bail!(
            "the case of {} is closed: reopen it first (attend case stage {} support --reason \"...\")",
            case.pupil.id,
            case.pupil.id
        );
    }
    if let Some(p) = open_plan(case) {
        bail!(
            "plan {} (meeting {}) has not been reviewed yet; review it first: attend review {}",
            p.number,
            p.meeting.date,
            case.pupil.id
        );
    }
    if let Some(last) = case.plans.last()
        && let Some(r) = &last.review
        && plan.meeting.date < r.meeting.date
    {
        bail!(
            "the meeting ({}) is before the review of plan {} ({}): a new plan comes after the last review",
            plan.meeting.date,
            last.number,
            r.meeting.date
        );
    }
    let number = case.plans.len() as u32 + 1;
    let (attendance, no_figures) = figures_for_case(reg, case, plan.meeting.date, config);
    let text = format!(
        "{}; plan {number} agreed: {}; review due {}",
        meeting_summary(&plan.meeting, "Attendance meeting"),
        plan.aim.describe(),
        plan.review_date
    );
    let t = plan.fields;
    case.plans.push(Plan {
        number,
        follows_review_of: None,
        meeting: plan.meeting.clone(),
        attendance,
        summary_of_concerns: t.summary_of_concerns,
        reasons: t.reasons,
        barriers: t.barriers,
        support_in_place: t.support_in_place,
        going_well: t.going_well,
        concerns: t.concerns,
        wellbeing_goals: t.wellbeing_goals,
        other_issues: t.other_issues,
        child_view: t.child_view,
        aim: plan.aim,
        actions: plan.actions,
        review_date: plan.review_date,
        copies: plan.copies,
        review: None,
        seal: None,
    });
    case.timeline.push(Event {
        date: plan.meeting.date,
        kind: EventKind::Plan,
        by: by.trim().into(),
        with: String::new(),
        text,
        stage: None,
        plan: Some(number),
        document: None,
        seal: None,
    });
    let stage = timeline::raise_stage(
        case,
        Stage::Support,
        plan.meeting.date,
        by,
        &format!("action plan {number} agreed"),
    );
    Ok(PlanRecorded {
        number,
        stage,
        warnings: plan.warnings,
        no_figures,
    })
}

fn meeting_summary(m: &Meeting, what: &str) -> String {
    if m.parents_attended {
        format!("{what} held with the parents/carers")
    } else {
        format!("{what} held in the parents'/carers' absence")
    }
}

/// The year-to-date figures of a case's pupil on `date`, or why there are none; the
/// penalty-notice window leaves out the sessions the case's issued notices rest on.
pub fn figures_for_case(
    reg: &Register,
    case: &Case,
    date: NaiveDate,
    config: &Config,
) -> (Option<Snapshot>, Option<String>) {
    let id = &case.pupil.id;
    let Some(i) = reg.index_of(id) else {
        return (None, Some("the pupil is not in the register".into()));
    };
    let scope = super::penalty::scope(Some(case), reg.pupils[i].dob.or(case.pupil.dob));
    match crate::attendance::snapshot_scoped(
        reg,
        i,
        &PeriodSpec {
            to: Some(date),
            ..Default::default()
        },
        None,
        &config.thresholds,
        &scope,
    ) {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e.to_string())),
    }
}

/// The year-to-date figures of a pupil on `date`, or why there are none.
pub fn figures_on(
    reg: &Register,
    id: &crate::upn::PupilId,
    date: NaiveDate,
    config: &Config,
) -> (Option<Snapshot>, Option<String>) {
    let Some(i) = reg.index_of(id) else {
        return (None, Some("the pupil is not in the register".into()));
    };
    match crate::attendance::snapshot(
        reg,
        i,
        &PeriodSpec {
            to: Some(date),
            ..Default::default()
        },
        None,
        &config.thresholds,
    ) {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e.to_string())),
    }
}
