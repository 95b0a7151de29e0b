//! Attendance meetings, their action plans and reviews (the meeting guidance of the seed
//! documents 001 and 003): what a plan holds, how it is checked, the figures frozen into it, and
//! how a review judges the plan's aim.
//!
//! A plan is entered through a [`PlanForm`] and a review through a [`ReviewForm`], whichever way
//! the officer gives them (an editor, a prepared file, command-line flags): one validation for all.

use super::file::{FieldPath, Problem};
use super::model::*;
use super::store;
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

// ---------------------------------------------------------------------------------------------
// Checking plan records (also used for the case file)
// ---------------------------------------------------------------------------------------------

fn required(out: &mut Vec<Problem>, path: FieldPath, value: &str, what: &str) {
    if value.trim().is_empty() {
        out.push(Problem::new(path, format!("{what} cannot be empty")));
    }
}

fn check_meeting(out: &mut Vec<Problem>, m: &Meeting, at: &FieldPath) {
    if m.attendees.is_empty() {
        out.push(Problem::new(
            at.key("attendees"),
            "say who attended, names and roles in full (the officer at least)",
        ));
    }
    for (i, a) in m.attendees.iter().enumerate() {
        let p = at.key("attendees").index(i);
        required(out, p.key("name"), &a.name, "an attendee's name");
        required(out, p.key("role"), &a.role, "an attendee's role");
    }
}

fn check_aim(out: &mut Vec<Problem>, aim: &Aim, at: &FieldPath) {
    match (aim.target, aim.no_unauthorised_absence) {
        (Some(_), true) => out.push(Problem::new(
            at.clone(),
            "choose one aim: a target (with weeks) or no_unauthorised_absence: true, not both",
        )),
        (None, false) => out.push(Problem::new(
            at.clone(),
            "give the aim: a target attendance with the weeks it covers (target: 95, weeks: 4), or no_unauthorised_absence: true",
        )),
        (Some(t), false) => {
            if t.hundredths() == 0 {
                out.push(Problem::new(at.key("target"), "a target of 0% is not an aim: give the attendance to reach, such as 95"));
            }
            if aim.weeks.is_none() {
                out.push(Problem::new(at.key("weeks"), "say over how many weeks the target runs (weeks: 4)"));
            }
        }
        (None, true) => {}
    }
    if let Some(w) = aim.weeks
        && !(1..=52).contains(&w)
    {
        out.push(Problem::new(
            at.key("weeks"),
            format!("{w} weeks: give between 1 and 52"),
        ));
    }
}

fn check_actions(out: &mut Vec<Problem>, actions: &[Action], at: &FieldPath, meeting: NaiveDate) {
    if actions.is_empty() {
        out.push(Problem::new(
            at.clone(),
            "a plan needs actions: what the young person, the parents and the school (and any agency) agree to do",
        ));
    }
    for (i, a) in actions.iter().enumerate() {
        let p = at.index(i);
        required(out, p.key("what"), &a.what, "an action's what");
        required(
            out,
            p.key("owner"),
            &a.owner,
            "an action's owner (the named person responsible)",
        );
        if a.for_ == ActionFor::Agency && a.agency.trim().is_empty() {
            out.push(Problem::new(
                p.key("agency"),
                "an action for an agency names the agency (agency: Early Help)",
            ));
        }
        if a.due < meeting {
            out.push(Problem::new(
                p.key("due"),
                format!("due {} is before the meeting ({meeting})", a.due),
            ));
        }
    }
}

/// Every rule of a plan record (and its review) that the file alone can check.
pub fn validate_plan(p: &Plan, at: &FieldPath) -> Vec<Problem> {
    let mut out = Vec::new();
    let date = p.meeting.date;
    check_meeting(&mut out, &p.meeting, &at.key("meeting"));
    check_aim(&mut out, &p.aim, &at.key("aim"));
    check_actions(&mut out, &p.actions, &at.key("actions"), date);
    if p.review_date <= date {
        out.push(Problem::new(
            at.key("review_date"),
            format!(
                "the review ({}) must be after the meeting ({date})",
                p.review_date
            ),
        ));
    }
    for (i, c) in p.copies.iter().enumerate() {
        required(
            &mut out,
            at.key("copies").index(i).key("to"),
            &c.to,
            "who a copy went to",
        );
    }
    if let Some(r) = &p.review {
        let rat = at.key("review");
        check_meeting(&mut out, &r.meeting, &rat.key("meeting"));
        if r.meeting.date < date {
            out.push(Problem::new(
                rat.key("meeting").key("date"),
                format!(
                    "the review ({}) is before the plan's meeting ({date})",
                    r.meeting.date
                ),
            ));
        }
        if r.proposed_outcome.is_some_and(|o| o != r.outcome) && r.outcome_reason.trim().is_empty()
        {
            out.push(Problem::new(
                rat.key("outcome_reason"),
                "the outcome differs from the one the figures give: say why (outcome_reason)",
            ));
        }
        match (r.decision, r.escalation) {
            (Decision::Escalate, None) => out.push(Problem::new(
                rat.key("escalation"),
                format!(
                    "say what the case is escalated to: {}",
                    Escalation::ALL.map(Escalation::as_str).join(", ")
                ),
            )),
            (Decision::Close | Decision::Continue, Some(_)) => out.push(Problem::new(
                rat.key("escalation"),
                "an escalation goes with decision: escalate",
            )),
            _ => {}
        }
        if r.decision == Decision::Close && r.outcome != Outcome::Met {
            out.push(Problem::new(
                rat.key("decision"),
                "a plan is closed when its target is met: continue it or escalate (the guidance keeps a plan in place)",
            ));
        }
        if r.decision != Decision::Close && r.next_plan.is_none() {
            out.push(Problem::new(
                rat.key("next_plan"),
                "a review that continues or escalates makes a new plan: give its number (next_plan)",
            ));
        }
        let mut seen = Vec::new();
        for (i, s) in r.actions.iter().enumerate() {
            let sp = rat.key("actions").index(i).key("action");
            if s.action == 0 || s.action as usize > p.actions.len() {
                out.push(Problem::new(
                    sp,
                    format!(
                        "the plan has no action {} (it has {})",
                        s.action,
                        p.actions.len()
                    ),
                ));
            } else if seen.contains(&s.action) {
                out.push(Problem::new(
                    sp,
                    format!("action {} is reviewed twice", s.action),
                ));
            }
            seen.push(s.action);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The plan form
// ---------------------------------------------------------------------------------------------

/// An attendee as a form takes them: `{name: ..., role: ...}` or `"Name|Role"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormAttendee(pub Attendee);

impl FormAttendee {
    /// Parse `"Name|Role"` (as `--attendee` takes it).
    pub fn parse(text: &str) -> Result<FormAttendee, String> {
        let Some((name, role)) = text.split_once('|') else {
            return Err(format!(
                "{text:?} has no role: write an attendee as \"Name|Role\", e.g. \"Jane Smith|Mother\""
            ));
        };
        let (name, role) = (name.trim(), role.trim());
        if name.is_empty() || role.is_empty() || role.contains('|') {
            return Err(format!(
                "{text:?} is not \"Name|Role\": give one name and one role, e.g. \"Jane Smith|Mother\""
            ));
        }
        Ok(FormAttendee(Attendee {
            name: name.into(),
            role: role.into(),
        }))
    }
}

impl<'de> Deserialize<'de> for FormAttendee {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FormAttendee;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an attendee: \"Name|Role\", or a name and a role (name: Jane Smith, role: Mother)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FormAttendee, E> {
                FormAttendee::parse(v).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<FormAttendee, A::Error> {
                Attendee::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(FormAttendee)
            }
        }
        d.deserialize_any(V)
    }
}

/// An action as a form takes it: `due` may be left out (it is then the review date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormAction {
    #[serde(rename = "for")]
    pub for_: ActionFor,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agency: String,
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

impl FormAction {
    /// Parse `"for|what|owner"` or `"for|what|owner|due"` (as `--action` takes it).
    pub fn parse(text: &str) -> Result<FormAction, String> {
        let parts: Vec<&str> = text.split('|').map(str::trim).collect();
        let usage = "write an action as \"for|what|owner|due\", e.g. \"parents|Phone the school by 9am on any day of absence|Jane Smith|2025-02-10\" \
                     (for: young_person, parents, school or agency:NAME; due is optional)";
        if !(3..=4).contains(&parts.len()) {
            return Err(format!("{text:?}: {usage}"));
        }
        let (for_, agency) = match parts[0].split_once(':') {
            Some((f, a)) => (f, a.trim().to_string()),
            None => (parts[0], String::new()),
        };
        let for_ = ActionFor::parse(for_).ok_or_else(|| {
            format!(
                "{text:?}: {:?} is not who an action is for; {usage}",
                parts[0]
            )
        })?;
        let due = match parts.get(3) {
            Some(d) if !d.is_empty() => Some(crate::dates::parse_cli_date(d)?),
            _ => None,
        };
        Ok(FormAction {
            for_,
            agency,
            what: parts[1].into(),
            owner: parts[2].into(),
            due,
        })
    }

    fn is_blank(&self) -> bool {
        self.what.trim().is_empty() && self.owner.trim().is_empty() && self.agency.trim().is_empty()
    }
}

/// A meeting and its plan as the officer gives them (editor form, `--from` file or flags).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub parents_attended: Option<bool>,
    #[serde(default)]
    pub attendees: Vec<FormAttendee>,
    #[serde(default)]
    pub summary_of_concerns: String,
    #[serde(default)]
    pub reasons: String,
    #[serde(default)]
    pub barriers: Vec<Barrier>,
    #[serde(default)]
    pub support_in_place: String,
    #[serde(default)]
    pub going_well: String,
    #[serde(default)]
    pub concerns: String,
    #[serde(default)]
    pub wellbeing_goals: String,
    #[serde(default)]
    pub other_issues: String,
    #[serde(default)]
    pub child_view: String,
    #[serde(default)]
    pub aim: Option<Aim>,
    #[serde(default)]
    pub actions: Vec<FormAction>,
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    #[serde(default)]
    pub copies: Vec<CopyTo>,
}

/// A plan ready to record, and what the officer should hear about it.
#[derive(Debug, Clone)]
pub struct CheckedPlan {
    pub meeting: Meeting,
    pub fields: PlanText,
    pub aim: Aim,
    pub actions: Vec<Action>,
    pub review_date: NaiveDate,
    pub copies: Vec<CopyTo>,
    pub warnings: Vec<String>,
}

/// The free-text sections of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanText {
    pub summary_of_concerns: String,
    pub reasons: String,
    pub barriers: Vec<Barrier>,
    pub support_in_place: String,
    pub going_well: String,
    pub concerns: String,
    pub wellbeing_goals: String,
    pub other_issues: String,
    pub child_view: String,
}

/// Text as it is kept: no trailing spaces or blank lines, but a block keeps its line breaks.
fn tidy(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

/// Review date checks shared by plans and continued plans.
fn check_review_date(
    out: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
    path: FieldPath,
    meeting: NaiveDate,
    review: NaiveDate,
    max_days: Option<i64>,
) {
    let days = (review - meeting).num_days();
    if days <= 0 {
        out.push(Problem::new(
            path,
            format!("the review ({review}) must be after the meeting ({meeting})"),
        ));
        return;
    }
    if let Some(max) = max_days
        && days > max
    {
        out.push(Problem::new(
            path,
            format!("the review ({review}) is {days} days after this review: the guidance sets the next review no more than 3 weeks later (by {})", meeting + Duration::days(max)),
        ));
        return;
    }
    if !(REVIEW_MIN_DAYS..=REVIEW_MAX_DAYS).contains(&days) {
        warnings.push(format!(
            "the review on {review} is {days} days after the meeting; the guidance suggests 2 to 4 weeks (3 is usual)"
        ));
    }
}

/// Check the form and turn it into a plan's parts. `today` bounds dates; `review_weeks` is the
/// default review interval (attend.yaml `reviews.weeks`).
pub fn check_plan_form(
    form: &PlanForm,
    today: NaiveDate,
    review_weeks: u32,
) -> Result<CheckedPlan, Vec<Problem>> {
    let root = FieldPath::root();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let Some(date) = form.date else {
        return Err(vec![Problem::new(
            root.key("date"),
            "give the date of the meeting (date: YYYY-MM-DD)",
        )]);
    };
    if date > today {
        out.push(Problem::new(root.key("date"), format!("the meeting date {date} is after today ({today}): record a plan once the meeting has been held")));
    }
    let attendees: Vec<Attendee> = form
        .attendees
        .iter()
        .map(|a| a.0.clone())
        .filter(|a| !(a.name.trim().is_empty() && a.role.trim().is_empty()))
        .map(|a| Attendee {
            name: a.name.trim().into(),
            role: a.role.trim().into(),
        })
        .collect();
    let meeting = Meeting {
        date,
        place: form.place.trim().into(),
        parents_attended: form.parents_attended.unwrap_or(true),
        attendees,
    };
    if form.parents_attended.is_none() {
        out.push(Problem::new(
            root.key("parents_attended"),
            "say whether the parents or carers attended (parents_attended: true, or false for a meeting held in their absence)",
        ));
    }
    // check attendees against the form's own list (blank entries were dropped, so map indexes back)
    let kept: Vec<usize> = (0..form.attendees.len())
        .filter(|&i| {
            !(form.attendees[i].0.name.trim().is_empty()
                && form.attendees[i].0.role.trim().is_empty())
        })
        .collect();
    let mut m_out = Vec::new();
    check_meeting(&mut m_out, &meeting, &root);
    out.extend(
        m_out
            .into_iter()
            .map(|p| remap_index(p, "attendees", &kept)),
    );
    let aim = form.aim.clone().unwrap_or(Aim {
        target: None,
        weeks: None,
        no_unauthorised_absence: false,
    });
    check_aim(&mut out, &aim, &root.key("aim"));
    let review_date = form
        .review_date
        .unwrap_or(date + Duration::weeks(review_weeks as i64));
    check_review_date(
        &mut out,
        &mut warnings,
        root.key("review_date"),
        date,
        review_date,
        None,
    );
    let kept_actions: Vec<usize> = (0..form.actions.len())
        .filter(|&i| !form.actions[i].is_blank())
        .collect();
    let actions: Vec<Action> = kept_actions
        .iter()
        .map(|&i| {
            let a = &form.actions[i];
            Action {
                for_: a.for_,
                agency: a.agency.trim().into(),
                what: tidy(&a.what),
                owner: a.owner.trim().into(),
                due: a.due.unwrap_or(review_date.max(date)),
            }
        })
        .collect();
    let mut a_out = Vec::new();
    check_actions(&mut a_out, &actions, &root.key("actions"), date);
    out.extend(
        a_out
            .into_iter()
            .map(|p| remap_index(p, "actions", &kept_actions)),
    );
    for (i, c) in form.copies.iter().enumerate() {
        required(
            &mut out,
            root.key("copies").index(i).key("to"),
            &c.to,
            "who a copy went to",
        );
        if let Some(s) = c.sent {
            if s < date {
                out.push(Problem::new(
                    root.key("copies").index(i).key("sent"),
                    format!("sent {s} is before the meeting ({date})"),
                ));
            } else if s > today {
                out.push(Problem::new(
                    root.key("copies").index(i).key("sent"),
                    format!("sent {s} is after today ({today})"),
                ));
            }
        }
    }
    if !out.is_empty() {
        return Err(out);
    }
    for (who, label) in [
        (ActionFor::Parents, "the parents/carers"),
        (ActionFor::School, "the school"),
    ] {
        if !actions.iter().any(|a| a.for_ == who) {
            warnings.push(format!(
                "no action for {label}: the guidance asks that everyone at the meeting has actions"
            ));
        }
    }
    if !meeting.parents_attended && form.copies.is_empty() {
        warnings.push("the meeting was held in the parents' absence: send them a copy of the plan with a letter (record it under copies)".into());
    }
    Ok(CheckedPlan {
        meeting,
        fields: PlanText {
            summary_of_concerns: tidy(&form.summary_of_concerns),
            reasons: tidy(&form.reasons),
            barriers: form
                .barriers
                .iter()
                .map(|b| Barrier {
                    kind: b.kind,
                    detail: tidy(&b.detail),
                })
                .collect(),
            support_in_place: tidy(&form.support_in_place),
            going_well: tidy(&form.going_well),
            concerns: tidy(&form.concerns),
            wellbeing_goals: tidy(&form.wellbeing_goals),
            other_issues: tidy(&form.other_issues),
            child_view: tidy(&form.child_view),
        },
        aim,
        actions,
        review_date,
        copies: form
            .copies
            .iter()
            .map(|c| CopyTo {
                to: c.to.trim().into(),
                sent: c.sent,
                how: c.how.trim().into(),
            })
            .collect(),
        warnings,
    })
}

/// A problem found on a list with blank entries dropped: point at the entry in the form.
fn remap_index(mut p: Problem, list: &str, kept: &[usize]) -> Problem {
    use super::file::Seg;
    if let Some(pos) = p
        .path
        .0
        .iter()
        .position(|s| *s == Seg::Key(list.to_string()))
        && let Some(Seg::Index(i)) = p.path.0.get(pos + 1).cloned()
        && let Some(&orig) = kept.get(i)
    {
        p.path.0[pos + 1] = Seg::Index(orig);
    }
    p
}

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
    let (attendance, no_figures) = figures_on(reg, &case.pupil.id, plan.meeting.date, config);
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
    });
    let stage = store::raise_stage(
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

// ---------------------------------------------------------------------------------------------
// Review: the figures and the proposed outcome
// ---------------------------------------------------------------------------------------------

/// The figures a review rests on.
#[derive(Debug, Clone, Default)]
pub struct ReviewFigures {
    /// From the plan's meeting to the review date (or the latest imported session).
    pub during: Option<Snapshot>,
    /// The same number of school days just before the meeting.
    pub before: Option<Snapshot>,
    /// The academic year to the review date.
    pub year: Option<Snapshot>,
    pub proposed: Option<Outcome>,
    /// Things the officer should know about these figures.
    pub notes: Vec<String>,
}

/// The days on which the school held sessions, in order (from the register's marks).
fn school_days(reg: &Register) -> Vec<NaiveDate> {
    let cal = SchoolCalendar::of(&reg.grid);
    let mut days: Vec<NaiveDate> = Vec::new();
    for (j, held) in cal.held.iter().enumerate() {
        if *held {
            let d = reg.grid.session(j).date;
            if days.last() != Some(&d) {
                days.push(d);
            }
        }
    }
    days
}

/// The comparison window: as many school days as `from..=to` holds, ending the last school day
/// before `from`. Returns (first, last, days in the plan window, days found before).
pub fn comparison_window(
    reg: &Register,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<(NaiveDate, NaiveDate, usize, usize)> {
    let days = school_days(reg);
    let n = days.iter().filter(|d| **d >= from && **d <= to).count();
    let before: Vec<NaiveDate> = days.into_iter().filter(|d| *d < from).collect();
    if n == 0 || before.is_empty() {
        return None;
    }
    let take = n.min(before.len());
    let window = &before[before.len() - take..];
    Some((window[0], *window.last().expect("not empty"), n, take))
}

/// Compute the review's figures for `plan` with the review on `date`.
pub fn review_figures(
    reg: &Register,
    id: &crate::upn::PupilId,
    plan: &Plan,
    date: NaiveDate,
    config: &Config,
) -> ReviewFigures {
    let mut f = ReviewFigures::default();
    let Some(i) = reg.index_of(id) else {
        f.notes.push(
            "the pupil is not in the register: there are no figures to judge the plan by".into(),
        );
        return f;
    };
    let t = &config.thresholds;
    let start = plan.meeting.date;
    let label = format!(
        "during plan {} (from the meeting on {})",
        plan.number,
        start.format("%d/%m/%Y")
    );
    let spec = PeriodSpec {
        from: Some(start),
        to: Some(date),
        ..Default::default()
    };
    match crate::attendance::snapshot(reg, i, &spec, Some(&label), t) {
        Ok(s) => f.during = Some(s),
        Err(e) => f
            .notes
            .push(format!("no figures since the plan began: {e}")),
    }
    if let Some(d) = &f.during {
        if d.to < date {
            f.notes.push(format!(
                "the register runs to {} only: import the latest export for figures up to the review",
                d.to.format("%d/%m/%Y")
            ));
        }
        if let Some((a, b, n, got)) = comparison_window(reg, d.from, d.to) {
            let label = format!("the {got} school days before plan {}", plan.number);
            let spec = PeriodSpec {
                from: Some(a),
                to: Some(b),
                ..Default::default()
            };
            match crate::attendance::snapshot(reg, i, &spec, Some(&label), t) {
                Ok(s) => f.before = Some(s),
                Err(e) => f.notes.push(format!("no figures before the plan: {e}")),
            }
            if got < n {
                f.notes.push(format!("the register holds only {got} school days before the plan (the plan has run {n})"));
            }
        } else {
            f.notes
                .push("the register holds no school days before the plan to compare with".into());
        }
    }
    let (year, why) = figures_on(reg, id, date, config);
    f.year = year;
    if let Some(w) = why {
        f.notes.push(format!("no year-to-date figures: {w}"));
    }
    f.proposed = propose(&plan.aim, f.during.as_ref(), f.before.as_ref());
    f
}

/// The outcome the figures give: **met** (the aim reached over the plan), **some improvement**
/// (better than the same length of time before the plan, short of the aim), **not met**.
/// `None` when there are no possible sessions in the plan window to judge by.
pub fn propose(aim: &Aim, during: Option<&Snapshot>, before: Option<&Snapshot>) -> Option<Outcome> {
    let during = during?;
    let now = during.attendance()?;
    if let Some(target) = aim.target {
        if now.cmp_rate(target.fraction()) != Ordering::Less {
            return Some(Outcome::Met);
        }
        let better = before
            .and_then(Snapshot::attendance)
            .is_some_and(|b| now.cmp_rate(b) == Ordering::Greater);
        return Some(if better {
            Outcome::SomeImprovement
        } else {
            Outcome::NotMet
        });
    }
    if aim.no_unauthorised_absence {
        if during.unauthorised == 0 {
            return Some(Outcome::Met);
        }
        let rate = |s: &Snapshot| Fraction::new(s.unauthorised, s.possible);
        let better = match (rate(during), before.and_then(rate)) {
            (Some(d), Some(b)) => d.cmp_rate(b) == Ordering::Less,
            _ => false,
        };
        return Some(if better {
            Outcome::SomeImprovement
        } else {
            Outcome::NotMet
        });
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The review form
// ---------------------------------------------------------------------------------------------

/// One action's status as a form takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormActionReview {
    pub action: u32,
    #[serde(default)]
    pub status: Option<ActionStatus>,
    #[serde(default)]
    pub note: String,
}

/// The plan made at a review that continues or escalates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormNextPlan {
    #[serde(default)]
    pub aim: Option<Aim>,
    #[serde(default)]
    pub actions: Vec<FormAction>,
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    #[serde(default)]
    pub concerns: String,
    #[serde(default)]
    pub wellbeing_goals: String,
    #[serde(default)]
    pub copies: Vec<CopyTo>,
}

/// A review as the officer gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub parents_attended: Option<bool>,
    #[serde(default)]
    pub attendees: Vec<FormAttendee>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub outcome_reason: String,
    #[serde(default)]
    pub what_worked: String,
    #[serde(default)]
    pub what_did_not_work: String,
    #[serde(default)]
    pub actions: Vec<FormActionReview>,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub escalation: Option<Escalation>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub next_plan: Option<FormNextPlan>,
}

/// A review ready to record.
#[derive(Debug, Clone)]
pub struct CheckedReview {
    pub review: Review,
    pub next: Option<CheckedNext>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CheckedNext {
    pub aim: Aim,
    pub actions: Vec<Action>,
    pub review_date: NaiveDate,
    pub concerns: String,
    pub wellbeing_goals: String,
    pub copies: Vec<CopyTo>,
}

/// The actions carried into a continued plan by default: those not done, due by the new review.
pub fn carried_actions(
    plan: &Plan,
    statuses: &[FormActionReview],
    new_review: NaiveDate,
) -> Vec<FormAction> {
    plan.actions
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !statuses
                .iter()
                .any(|s| s.action as usize == i + 1 && s.status == Some(ActionStatus::Done))
        })
        .map(|(_, a)| FormAction {
            for_: a.for_,
            agency: a.agency.clone(),
            what: a.what.clone(),
            owner: a.owner.clone(),
            due: Some(new_review),
        })
        .collect()
}

/// The default review date of a continued plan: the configured weeks, at most 3 weeks.
pub fn default_next_review(date: NaiveDate, review_weeks: u32) -> NaiveDate {
    date + Duration::days((review_weeks as i64 * 7).min(CONTINUE_MAX_DAYS))
}

/// Check a review form against the open plan and the figures.
pub fn check_review_form(
    form: &ReviewForm,
    plan: &Plan,
    figures: &ReviewFigures,
    today: NaiveDate,
    review_weeks: u32,
) -> Result<CheckedReview, Vec<Problem>> {
    let root = FieldPath::root();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let date = form.date.unwrap_or(today);
    if date > today {
        out.push(Problem::new(root.key("date"), format!("the review date {date} is after today ({today}): record a review once it has been held")));
    }
    if date < plan.meeting.date {
        out.push(Problem::new(
            root.key("date"),
            format!(
                "the review ({date}) is before the plan's meeting ({})",
                plan.meeting.date
            ),
        ));
    }
    let kept: Vec<usize> = (0..form.attendees.len())
        .filter(|&i| {
            !(form.attendees[i].0.name.trim().is_empty()
                && form.attendees[i].0.role.trim().is_empty())
        })
        .collect();
    let meeting = Meeting {
        date,
        place: form.place.trim().into(),
        parents_attended: form.parents_attended.unwrap_or(true),
        attendees: kept
            .iter()
            .map(|&i| Attendee {
                name: form.attendees[i].0.name.trim().into(),
                role: form.attendees[i].0.role.trim().into(),
            })
            .collect(),
    };
    if form.parents_attended.is_none() {
        out.push(Problem::new(
            root.key("parents_attended"),
            "say whether the parents or carers attended (parents_attended: true, or false for a review held in their absence)",
        ));
    }
    let mut m_out = Vec::new();
    check_meeting(&mut m_out, &meeting, &root);
    out.extend(
        m_out
            .into_iter()
            .map(|p| remap_index(p, "attendees", &kept)),
    );
    let outcome = match (form.outcome, figures.proposed) {
        (Some(o), _) => o,
        (None, Some(p)) => p,
        (None, None) => {
            out.push(Problem::new(
                root.key("outcome"),
                "there are no figures for the plan's weeks to judge it by: give the outcome (met, some_improvement, not_met) and why (outcome_reason)",
            ));
            Outcome::NotMet
        }
    };
    let differs = match figures.proposed {
        Some(p) => p != outcome,
        None => true,
    };
    if differs && form.outcome.is_some() && form.outcome_reason.trim().is_empty() {
        out.push(Problem::new(
            root.key("outcome_reason"),
            match figures.proposed {
                Some(p) => format!(
                    "the figures give {}; say why the outcome is {} (outcome_reason)",
                    p.as_str(),
                    outcome.as_str()
                ),
                None => {
                    "say what the outcome rests on, as there are no figures (outcome_reason)".into()
                }
            },
        ));
    }
    // every action's status
    let mut statuses = Vec::new();
    for (i, s) in form.actions.iter().enumerate() {
        let at = root.key("actions").index(i);
        if s.action == 0 || s.action as usize > plan.actions.len() {
            out.push(Problem::new(
                at.key("action"),
                format!(
                    "plan {} has no action {} (it has {})",
                    plan.number,
                    s.action,
                    plan.actions.len()
                ),
            ));
            continue;
        }
        if statuses.iter().any(|x: &ActionReview| x.action == s.action) {
            out.push(Problem::new(
                at.key("action"),
                format!("action {} is reviewed twice", s.action),
            ));
            continue;
        }
        match s.status {
            Some(status) => statuses.push(ActionReview {
                action: s.action,
                status,
                note: tidy(&s.note),
            }),
            None => out.push(Problem::new(
                at.key("status"),
                "give the action's status: done, partly or not_done",
            )),
        }
    }
    let missing: Vec<String> = (1..=plan.actions.len() as u32)
        .filter(|n| !form.actions.iter().any(|s| s.action == *n))
        .map(|n| n.to_string())
        .collect();
    if !missing.is_empty() {
        out.push(Problem::new(
            root.key("actions"),
            format!(
                "give the status of every action of plan {}: missing action {}",
                plan.number,
                missing.join(", ")
            ),
        ));
    }
    statuses.sort_by_key(|s| s.action);
    let decision = match form.decision {
        Some(d) => d,
        None => {
            out.push(Problem::new(
                root.key("decision"),
                "give the decision: close, continue or escalate",
            ));
            Decision::Continue
        }
    };
    match (decision, form.escalation) {
        (Decision::Escalate, None) => out.push(Problem::new(
            root.key("escalation"),
            format!(
                "say what the case is escalated to: {}",
                Escalation::ALL.map(Escalation::as_str).join(", ")
            ),
        )),
        (Decision::Close | Decision::Continue, Some(_)) if form.decision.is_some() => {
            out.push(Problem::new(
                root.key("escalation"),
                "an escalation goes with decision: escalate",
            ))
        }
        _ => {}
    }
    if decision == Decision::Close && outcome != Outcome::Met && form.decision.is_some() {
        out.push(Problem::new(
            root.key("decision"),
            format!(
                "the outcome is {}: a plan is closed when its target is met; continue it or escalate (the guidance keeps a plan in place)",
                outcome.label()
            ),
        ));
    }
    let mut next = None;
    if decision != Decision::Close {
        let np = form.next_plan.clone().unwrap_or_default();
        let at = root.key("next_plan");
        let review_date = np
            .review_date
            .unwrap_or_else(|| default_next_review(date, review_weeks));
        check_review_date(
            &mut out,
            &mut warnings,
            at.key("review_date"),
            date,
            review_date,
            Some(CONTINUE_MAX_DAYS),
        );
        let aim = np.aim.clone().unwrap_or_else(|| plan.aim.clone());
        check_aim(&mut out, &aim, &at.key("aim"));
        let form_actions = if np.actions.is_empty() {
            carried_actions(plan, &form.actions, review_date)
        } else {
            np.actions.clone()
        };
        let kept_actions: Vec<usize> = (0..form_actions.len())
            .filter(|&i| !form_actions[i].is_blank())
            .collect();
        let actions: Vec<Action> = kept_actions
            .iter()
            .map(|&i| {
                let a = &form_actions[i];
                Action {
                    for_: a.for_,
                    agency: a.agency.trim().into(),
                    what: tidy(&a.what),
                    owner: a.owner.trim().into(),
                    due: a.due.unwrap_or(review_date.max(date)),
                }
            })
            .collect();
        let mut a_out = Vec::new();
        check_actions(&mut a_out, &actions, &at.key("actions"), date);
        if actions.is_empty() {
            a_out = vec![Problem::new(
                at.key("actions"),
                "every action of the plan was done: give the new plan's actions (next_plan.actions), as a plan stays in place",
            )];
        }
        out.extend(
            a_out
                .into_iter()
                .map(|p| remap_index(p, "actions", &kept_actions)),
        );
        for (i, c) in np.copies.iter().enumerate() {
            required(
                &mut out,
                at.key("copies").index(i).key("to"),
                &c.to,
                "who a copy went to",
            );
        }
        next = Some(CheckedNext {
            aim,
            actions,
            review_date,
            concerns: tidy(&np.concerns),
            wellbeing_goals: tidy(&np.wellbeing_goals),
            copies: np.copies.clone(),
        });
    } else if form.next_plan.is_some() {
        out.push(Problem::new(
            root.key("next_plan"),
            "a review that closes the plan makes no new plan: remove next_plan, or continue",
        ));
    }
    if !out.is_empty() {
        return Err(out);
    }
    if date < plan.review_date {
        warnings.push(format!(
            "the review is earlier than planned ({})",
            plan.review_date
        ));
    }
    let review = Review {
        meeting,
        during_plan: figures.during.clone(),
        before_plan: figures.before.clone(),
        year_to_date: figures.year.clone(),
        proposed_outcome: figures.proposed,
        outcome,
        outcome_reason: tidy(&form.outcome_reason),
        what_worked: tidy(&form.what_worked),
        what_did_not_work: tidy(&form.what_did_not_work),
        actions: statuses,
        decision,
        escalation: form.escalation,
        notes: tidy(&form.notes),
        next_plan: None,
    };
    Ok(CheckedReview {
        review,
        next,
        warnings,
    })
}

/// What recording a review did.
#[derive(Debug, Clone)]
pub struct ReviewRecorded {
    pub plan: u32,
    pub outcome: Outcome,
    pub decision: Decision,
    pub next_plan: Option<(u32, NaiveDate)>,
    pub stage: Option<StageChange>,
    pub warnings: Vec<String>,
}

/// Record a review of the open plan: figures frozen in, a `review` event, and by the decision:
/// close (stage back to monitor), continue (a new plan) or escalate (a new plan, stage raised).
pub fn record_review(case: &mut Case, checked: CheckedReview, by: &str) -> Result<ReviewRecorded> {
    if case.stage == Stage::Closed {
        bail!(
            "the case of {} is closed: reopen it first (attend case stage)",
            case.pupil.id
        );
    }
    let Some(plan) = open_plan(case) else {
        bail!(
            "{} has no plan waiting for review: record one with attend plan new {}",
            case.pupil.id,
            case.pupil.id
        );
    };
    let number = plan.number;
    let plan_meeting = plan.meeting.date;
    let mut review = checked.review;
    let date = review.meeting.date;
    if date < plan_meeting {
        bail!("the review ({date}) is before the plan's meeting ({plan_meeting})");
    }
    let decision = review.decision;
    let outcome = review.outcome;
    let escalation = review.escalation;
    let next_number = number + 1;
    let mut next_plan = None;
    if let Some(n) = &checked.next {
        review.next_plan = Some(next_number);
        next_plan = Some((next_number, n.review_date));
    }
    let mut text = format!(
        "{}; plan {number}: {}",
        meeting_summary(&review.meeting, "Review meeting"),
        outcome.label()
    );
    if let Some(p) = review.proposed_outcome
        && p != outcome
    {
        text.push_str(&format!(
            " (the figures gave {}: {})",
            p.label(),
            review.outcome_reason
        ));
    }
    if let Some(d) = &review.during_plan {
        text.push_str(&format!("; attendance during the plan {}", d.describe()));
    }
    match decision {
        Decision::Close => text.push_str("; plan closed"),
        Decision::Continue => text.push_str(&format!("; plan continues as plan {next_number}")),
        Decision::Escalate => text.push_str(&format!(
            "; escalated to {}, with plan {next_number} in place",
            escalation.map(Escalation::label).unwrap_or("the next step")
        )),
    }
    if let Some(pn) = review
        .year_to_date
        .as_ref()
        .and_then(|y| y.penalty_notice.as_ref())
    {
        text.push_str(&format!(
            "; penalty-notice threshold met: {} unauthorised sessions from {} to {}",
            pn.sessions, pn.from, pn.to
        ));
    }
    let meeting = review.meeting.clone();
    let last = case.plans.last_mut().expect("open plan");
    last.review = Some(review);
    case.timeline.push(Event {
        date,
        kind: EventKind::Review,
        by: by.trim().into(),
        with: String::new(),
        text,
        stage: None,
        plan: Some(number),
        document: None,
    });
    if let Some(n) = checked.next {
        let attendance = case
            .plans
            .last()
            .and_then(|p| p.review.as_ref())
            .and_then(|r| r.year_to_date.clone());
        case.plans.push(Plan {
            number: next_number,
            follows_review_of: Some(number),
            meeting,
            attendance,
            summary_of_concerns: String::new(),
            reasons: String::new(),
            barriers: vec![],
            support_in_place: String::new(),
            going_well: String::new(),
            concerns: n.concerns,
            wellbeing_goals: n.wellbeing_goals,
            other_issues: String::new(),
            child_view: String::new(),
            aim: n.aim.clone(),
            actions: n.actions,
            review_date: n.review_date,
            copies: n.copies,
            review: None,
        });
        case.timeline.push(Event {
            date,
            kind: EventKind::Plan,
            by: by.trim().into(),
            with: String::new(),
            text: format!(
                "Plan {next_number} agreed at the review of plan {number}: {}; review due {}",
                n.aim.describe(),
                n.review_date
            ),
            stage: None,
            plan: Some(next_number),
            document: None,
        });
    }
    let stage = match decision {
        Decision::Close => store::set_stage(
            case,
            Stage::Monitor,
            date,
            by,
            &format!("plan {number} met its target and was closed"),
        ),
        Decision::Continue => store::raise_stage(
            case,
            Stage::Support,
            date,
            by,
            &format!("plan {number} continues"),
        ),
        Decision::Escalate => {
            let e = escalation.expect("checked");
            let to = e.stage();
            let why = format!("escalated to {} at the review of plan {number}", e.label());
            if case.stage < to {
                store::raise_stage(case, to, date, by, &why)
            } else {
                None
            }
        }
    };
    Ok(ReviewRecorded {
        plan: number,
        outcome,
        decision,
        next_plan,
        stage,
        warnings: checked.warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// Figures for people
// ---------------------------------------------------------------------------------------------

fn plural(n: u32, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// A snapshot in a few lines, each figure with its denominator.
pub fn snapshot_lines(s: &Snapshot) -> Vec<String> {
    let mut out = vec![format!("attendance {} ({})", s.describe(), s.period)];
    let pct = |p: &Option<String>| p.as_deref().map(|p| format!(" ({p}%)")).unwrap_or_default();
    out.push(format!(
        "authorised absence {}{}, unauthorised {}{}",
        plural(s.authorised, "session"),
        pct(&s.authorised_pct),
        plural(s.unauthorised, "session"),
        pct(&s.unauthorised_pct),
    ));
    out.push(format!(
        "late: {} before the register closed (L), {} after it closed (U)",
        s.late_before_close, s.late_after_close
    ));
    if let Some(r) = &s.last_4_weeks {
        out.push(format!(
            "last 4 school weeks ({} to {}): {} ({} of {} possible sessions)",
            r.from.format("%d/%m/%Y"),
            r.to.format("%d/%m/%Y"),
            r.attendance_pct
                .as_deref()
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "no possible sessions".into()),
            r.attended,
            r.possible
        ));
    }
    if !s.absence_codes.is_empty() {
        let codes: Vec<String> = s
            .absence_codes
            .iter()
            .map(|c| format!("{} {}", c.code, c.sessions))
            .collect();
        out.push(format!("absence codes (sessions): {}", codes.join(", ")));
    }
    if !s.weekdays.is_empty() {
        let days: Vec<String> = s
            .weekdays
            .iter()
            .map(|d| format!("{} {} of {}", d.day, d.absent, d.possible))
            .collect();
        out.push(format!("absent by weekday: {}", days.join(", ")));
    }
    if s.holiday_adjacent > 0 {
        out.push(format!(
            "absence next to school holidays: {}",
            plural(s.holiday_adjacent, "session")
        ));
    }
    if let Some(p) = &s.penalty_notice {
        out.push(format!(
            "penalty-notice threshold met: {} unauthorised sessions (G, N, O, U) in the 10 school weeks {} to {}",
            p.sessions,
            p.from.format("%d/%m/%Y"),
            p.to.format("%d/%m/%Y")
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The forms people fill in (in their editor)
// ---------------------------------------------------------------------------------------------

/// `key: value` as YAML, through the one YAML module.
fn kv<T: Serialize>(key: &str, value: &T) -> String {
    let mut m = std::collections::BTreeMap::new();
    m.insert(key, value);
    crate::yaml::to_string(&m).unwrap_or_else(|_| format!("{key}:\n"))
}

fn comment_block(out: &mut String, text: &str) {
    for l in text.lines() {
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str(&format!("# {l}\n"));
        }
    }
}

/// "Stevens, Muhammad (R370375123020), Year 9, 9A".
pub fn pupil_title(p: &PupilDetails) -> String {
    let mut s = format!("{} ({})", p.display_name(), p.id);
    let y = p.year.trim();
    if !y.is_empty() {
        s.push_str(&if y.chars().all(|c| c.is_ascii_digit()) {
            format!(", Year {y}")
        } else {
            format!(", {y}")
        });
    }
    if !p.reg_group.is_empty() {
        s.push_str(&format!(", {}", p.reg_group));
    }
    s
}

const FORM_HOW: &str = "\
Fill this in, then save and close the editor to record it. To record nothing, close the editor
without saving. Lines starting with # are guidance and are not recorded. Leave '' where a section
does not apply. Text can run over several lines: write | after the colon and indent the lines
below it.";

/// People to pre-fill as attendees: the officer, and the parents and carers with parental
/// responsibility.
pub fn default_attendees(case: &Case, by: &str, role: &str) -> Vec<FormAttendee> {
    let mut out = Vec::new();
    if !by.trim().is_empty() {
        let role = if role.trim().is_empty() {
            "Attendance Officer"
        } else {
            role.trim()
        };
        out.push(FormAttendee(Attendee {
            name: by.trim().into(),
            role: role.into(),
        }));
    }
    for p in case
        .people
        .iter()
        .filter(|p| p.parental_responsibility == Some(true))
    {
        let role = if p.relationship.is_empty() {
            "Parent/carer".to_string()
        } else {
            capitalise(&p.relationship)
        };
        out.push(FormAttendee(Attendee {
            name: p.name.clone(),
            role,
        }));
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The plan form, filled with what attend knows, with guidance for each section.
pub fn render_plan_form(
    case: &Case,
    form: &PlanForm,
    figures: Option<&Snapshot>,
    no_figures: Option<&str>,
    review_weeks: u32,
) -> String {
    let mut o = String::new();
    comment_block(
        &mut o,
        &format!(
            "Attendance meeting and action plan for {}.\n\n{FORM_HOW}\n",
            pupil_title(&case.pupil)
        ),
    );
    o.push_str("#\n");
    match figures {
        Some(s) => {
            comment_block(
                &mut o,
                "The attendance figures discussed at the meeting, frozen into the plan when you save\n(computed from the register up to the meeting date):",
            );
            for l in snapshot_lines(s) {
                o.push_str(&format!("#   {l}\n"));
            }
        }
        None => comment_block(
            &mut o,
            &format!(
                "No attendance figures: {}.",
                no_figures.unwrap_or("none in the register")
            ),
        ),
    }
    o.push_str("\n# THE MEETING. The date (YYYY-MM-DD) and place.\n");
    o.push_str(&kv("date", &form.date));
    o.push_str(&kv("place", &form.place));
    o.push_str("# Did the parents/carers attend? false if the meeting was held in their absence (the guidance:\n# hold it anyway, then send them the plan with a letter).\n");
    o.push_str(&kv(
        "parents_attended",
        &form.parents_attended.unwrap_or(true),
    ));
    o.push_str(
        "# Who attended: names and roles in full (\"Jane Smith|Mother\" or name: and role:).\n",
    );
    o.push_str(&kv("attendees", &form.attendees));
    let texts: [(&str, &str, &String); 8] = [
        (
            "summary_of_concerns",
            "SUMMARY OF CONCERNS: why this meeting is being held.",
            &form.summary_of_concerns,
        ),
        (
            "reasons",
            "REASONS FOR ABSENCE: what the school knows, and what the family says (go through the\nregistration certificate and what the codes mean).",
            &form.reasons,
        ),
        (
            "support_in_place",
            "SUPPORT ALREADY IN PLACE in school, academic and pastoral, including EHCP/SEN support and\nreasonable adjustments.",
            &form.support_in_place,
        ),
        (
            "going_well",
            "WHAT IS GOING WELL: when were things better? Strengths to build on.",
            &form.going_well,
        ),
        ("concerns", "CONCERNS.", &form.concerns),
        (
            "wellbeing_goals",
            "WELL-BEING GOALS.",
            &form.wellbeing_goals,
        ),
        (
            "other_issues",
            "OTHER KEY ISSUES discussed.",
            &form.other_issues,
        ),
        (
            "child_view",
            "THE CHILD'S VIEW (obtained before the meeting, or at it).",
            &form.child_view,
        ),
    ];
    for (key, guide, value) in texts.iter().take(2) {
        o.push('\n');
        comment_block(&mut o, guide);
        o.push_str(&kv(key, value));
    }
    o.push('\n');
    comment_block(
        &mut o,
        "BARRIERS to attendance: kind is one of medical, mental_health, bullying, home, transport, sen,\nrelationships, community, other; detail in the family's words.",
    );
    o.push_str(&kv("barriers", &form.barriers));
    for (key, guide, value) in texts.iter().skip(2) {
        o.push('\n');
        comment_block(&mut o, guide);
        o.push_str(&kv(key, value));
    }
    o.push('\n');
    comment_block(
        &mut o,
        "THE AIM: a target attendance over a number of weeks (target: 95 and weeks: 4),\nor no further unauthorised absence (no_unauthorised_absence: true).",
    );
    let aim = form.aim.clone().unwrap_or(Aim {
        target: None,
        weeks: Some(review_weeks),
        no_unauthorised_absence: false,
    });
    if aim.target.is_none() && !aim.no_unauthorised_absence {
        o.push_str(&format!(
            "aim:\n  target:\n  weeks: {}\n",
            aim.weeks.unwrap_or(review_weeks)
        ));
    } else {
        o.push_str(&kv("aim", &aim));
    }
    o.push('\n');
    comment_block(
        &mut o,
        "ACTIONS: the guidance asks that everyone at the meeting has actions. for: young_person, parents,\n\
         school or agency (then agency: NAME). Each needs what, owner (the named person responsible)\n\
         and due (YYYY-MM-DD; left out: the review date). Entries with no what and no owner are ignored.",
    );
    let actions = if form.actions.is_empty() {
        [
            ActionFor::YoungPerson,
            ActionFor::Parents,
            ActionFor::School,
        ]
        .into_iter()
        .map(|f| FormAction {
            for_: f,
            agency: String::new(),
            what: String::new(),
            owner: String::new(),
            due: None,
        })
        .collect()
    } else {
        form.actions.clone()
    };
    o.push_str(&kv("actions", &actions));
    o.push('\n');
    comment_block(
        &mut o,
        &format!(
            "REVIEW DATE: 2 to 4 weeks after the meeting (the school's default: {review_weeks} weeks)."
        ),
    );
    let review = form
        .review_date
        .or(form.date.map(|d| d + Duration::weeks(review_weeks as i64)));
    o.push_str(&kv("review_date", &review));
    o.push('\n');
    comment_block(
        &mut o,
        "COPIES: who receives a copy of the plan (parents, the child, professionals), and when it was\nsent: {to: parents, sent: 2025-01-21, how: post}. Leave [] until they are sent.",
    );
    o.push_str(&kv("copies", &form.copies));
    o
}

/// The review form, with the figures and the proposed outcome as guidance.
pub fn render_review_form(
    case: &Case,
    plan: &Plan,
    form: &ReviewForm,
    figures: &ReviewFigures,
    review_weeks: u32,
) -> String {
    let mut o = String::new();
    comment_block(
        &mut o,
        &format!(
            "Review of plan {} for {}: meeting {}, review due {}.\nAim: {}.\n\n{FORM_HOW}\n",
            plan.number,
            pupil_title(&case.pupil),
            plan.meeting.date,
            plan.review_date,
            plan.aim.describe()
        ),
    );
    o.push_str("#\n");
    comment_block(&mut o, "The figures, frozen into the review when you save:");
    for (title, s) in [
        ("During the plan", &figures.during),
        ("Before the plan", &figures.before),
    ] {
        match s {
            Some(s) => o.push_str(&format!("#   {title} ({}): {}\n", s.period, s.describe())),
            None => o.push_str(&format!("#   {title}: no figures\n")),
        }
    }
    if let Some(pn) = figures
        .year
        .as_ref()
        .and_then(|y| y.penalty_notice.as_ref())
    {
        o.push_str(&format!(
            "#   Penalty-notice threshold met: {} unauthorised sessions in the 10 school weeks {} to {}\n",
            pn.sessions, pn.from, pn.to
        ));
    }
    for n in &figures.notes {
        o.push_str(&format!("#   Note: {n}\n"));
    }
    match figures.proposed {
        Some(p) => o.push_str(&format!(
            "#   The figures give: {} ({})\n",
            p.as_str(),
            p.label()
        )),
        None => {
            o.push_str("#   There are no figures to judge the plan by: give the outcome and why.\n")
        }
    }
    let date = form.date;
    o.push_str("\n# THE REVIEW MEETING: date (YYYY-MM-DD), place, whether the parents/carers attended, who attended.\n");
    o.push_str(&kv("date", &date));
    o.push_str(&kv("place", &form.place));
    o.push_str(&kv(
        "parents_attended",
        &form.parents_attended.unwrap_or(true),
    ));
    let attendees = if form.attendees.is_empty() {
        plan.meeting
            .attendees
            .iter()
            .cloned()
            .map(FormAttendee)
            .collect()
    } else {
        form.attendees.clone()
    };
    o.push_str(&kv("attendees", &attendees));
    o.push('\n');
    comment_block(
        &mut o,
        "THE OUTCOME: met, some_improvement or not_met. If it differs from what the figures give,\nsay why in outcome_reason.",
    );
    o.push_str(&kv("outcome", &form.outcome.or(figures.proposed)));
    o.push_str(&kv("outcome_reason", &form.outcome_reason));
    o.push('\n');
    comment_block(
        &mut o,
        "WHAT WORKED and WHAT DID NOT: be positive about the successes, however small.",
    );
    o.push_str(&kv("what_worked", &form.what_worked));
    o.push_str(&kv("what_did_not_work", &form.what_did_not_work));
    o.push('\n');
    comment_block(
        &mut o,
        &format!(
            "EACH ACTION of plan {}: status done, partly or not_done, and a note if useful.",
            plan.number
        ),
    );
    o.push_str("actions:\n");
    for (i, a) in plan.actions.iter().enumerate() {
        let n = i as u32 + 1;
        let who = if a.for_ == ActionFor::Agency {
            a.agency.clone()
        } else {
            a.for_.as_str().replace('_', " ")
        };
        o.push_str(&format!(
            "# {n}. [{who}] {} ({}, due {})\n",
            a.what.replace('\n', " "),
            a.owner,
            a.due
        ));
        let given = form.actions.iter().find(|s| s.action == n);
        o.push_str(&format!("- action: {n}\n"));
        match given.and_then(|s| s.status) {
            Some(st) => o.push_str(&format!("  status: {}\n", st.as_str())),
            None => o.push_str("  status:\n"),
        }
        let note = given.map(|s| s.note.clone()).unwrap_or_default();
        for l in kv("note", &note).lines() {
            o.push_str(&format!("  {l}\n"));
        }
    }
    o.push('\n');
    comment_block(
        &mut o,
        "THE DECISION: close (target met; the case goes back to monitoring), continue (a new plan,\n\
         reviewed no more than 3 weeks later), or escalate (a plan stays in place) with escalation:\n\
         early_help, local_authority, notice_to_improve, penalty_notice or prosecution.",
    );
    let decision = form.decision.or(match figures.proposed {
        Some(Outcome::Met) => Some(Decision::Close),
        Some(_) => Some(Decision::Continue),
        None => None,
    });
    o.push_str(&kv("decision", &decision));
    match form.escalation {
        Some(e) => o.push_str(&kv("escalation", &e)),
        None => o.push_str("# escalation: notice_to_improve\n"),
    }
    o.push_str(&kv("notes", &form.notes));
    o.push('\n');
    let next_review = default_next_review(date.unwrap_or(plan.review_date), review_weeks);
    match &form.next_plan {
        Some(np) => {
            comment_block(&mut o, "THE NEW PLAN (continue or escalate).");
            o.push_str(&kv("next_plan", np));
        }
        None => {
            comment_block(
                &mut o,
                &format!(
                    "THE NEW PLAN, for continue or escalate: by default the same aim, the actions not done (due by\n\
                     the new review) and a review on {next_review}. To change any of it, remove the # from these lines:"
                ),
            );
            let default = FormNextPlan {
                aim: Some(plan.aim.clone()),
                actions: carried_actions(plan, &form.actions, next_review),
                review_date: Some(next_review),
                ..Default::default()
            };
            for l in kv("next_plan", &default).lines() {
                o.push_str(&format!("# {l}\n"));
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    /// A snapshot with just the counts that matter here (read as a case file would hold it).
    fn snap(attended: u32, possible: u32, unauthorised: u32) -> Snapshot {
        let text = format!(
            "period: p\nfrom: 2025-01-06\nto: 2025-01-31\npossible: {possible}\npresent: {attended}\n\
             approved_activity: 0\nauthorised: {}\nunauthorised: {unauthorised}\n\
             late_before_close: 0\nlate_after_close: 0\nband: none\n",
            possible - attended - unauthorised
        );
        crate::yaml::from_str(&text, std::path::Path::new("snapshot")).unwrap()
    }

    fn target(t: &str) -> Aim {
        Aim {
            target: Some(Percent::parse(t).unwrap()),
            weeks: Some(3),
            no_unauthorised_absence: false,
        }
    }

    #[test]
    fn the_target_is_met_exactly_at_the_line() {
        // 57 of 60 = 95.0% exactly: met
        assert_eq!(
            propose(&target("95"), Some(&snap(57, 60, 0)), None),
            Some(Outcome::Met)
        );
        // 56 of 60 = 93.33%: not met; before 50 of 60: some improvement
        assert_eq!(
            propose(
                &target("95"),
                Some(&snap(56, 60, 4)),
                Some(&snap(50, 60, 10))
            ),
            Some(Outcome::SomeImprovement)
        );
        // no better than before: not met
        assert_eq!(
            propose(
                &target("95"),
                Some(&snap(56, 60, 4)),
                Some(&snap(56, 60, 4))
            ),
            Some(Outcome::NotMet)
        );
        // 1899 of 2000 = 94.95%, which shows as 95.0 (rounded) but is short of 95
        assert_eq!(
            propose(&target("95"), Some(&snap(1899, 2000, 0)), None),
            Some(Outcome::NotMet)
        );
        // a decimal target
        assert_eq!(
            propose(&target("92.5"), Some(&snap(37, 40, 0)), None),
            Some(Outcome::Met)
        );
        assert_eq!(
            propose(&target("92.51"), Some(&snap(37, 40, 0)), None),
            Some(Outcome::NotMet)
        );
        // no possible sessions: nothing to judge by
        assert_eq!(propose(&target("95"), Some(&snap(0, 0, 0)), None), None);
        assert_eq!(propose(&target("95"), None, None), None);
    }

    #[test]
    fn no_unauthorised_absence_is_judged_by_the_unauthorised_rate() {
        let aim = Aim {
            target: None,
            weeks: None,
            no_unauthorised_absence: true,
        };
        assert_eq!(
            propose(&aim, Some(&snap(50, 60, 0)), None),
            Some(Outcome::Met)
        );
        assert_eq!(
            propose(&aim, Some(&snap(58, 60, 2)), Some(&snap(50, 60, 6))),
            Some(Outcome::SomeImprovement)
        );
        assert_eq!(
            propose(&aim, Some(&snap(58, 60, 2)), Some(&snap(59, 60, 1))),
            Some(Outcome::NotMet)
        );
    }

    fn form() -> PlanForm {
        PlanForm {
            date: Some(d(1, 20)),
            parents_attended: Some(true),
            attendees: vec![
                FormAttendee::parse("Jane Smith|Mother").unwrap(),
                FormAttendee::parse("A Officer|Attendance Officer").unwrap(),
            ],
            aim: Some(target("95")),
            actions: vec![
                FormAction::parse("parents|Phone by 9am on any day of absence|Jane Smith").unwrap(),
                FormAction::parse("school|Daily check-in|A Officer|2025-02-03").unwrap(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_plan_form_gets_the_default_review_date_and_action_dues() {
        let p = check_plan_form(&form(), d(1, 21), 3).unwrap();
        assert_eq!(p.review_date, d(2, 10));
        assert_eq!(p.actions[0].due, d(2, 10));
        assert_eq!(p.actions[1].due, d(2, 3));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn plan_form_errors_name_their_fields() {
        let mut f = form();
        f.review_date = Some(d(1, 10));
        f.actions[1].owner = " ".into();
        f.aim = Some(Aim {
            target: None,
            weeks: None,
            no_unauthorised_absence: false,
        });
        let errs = check_plan_form(&f, d(1, 21), 3).unwrap_err();
        let fields: Vec<String> = errs.iter().map(|p| p.path.to_string()).collect();
        assert_eq!(fields, ["aim", "review_date", "actions[2].owner"]);
        assert!(errs[1].message.contains("must be after the meeting"));
    }

    #[test]
    fn blank_actions_are_ignored_and_errors_point_at_the_form_entry() {
        let mut f = form();
        f.actions.insert(
            0,
            FormAction {
                for_: ActionFor::YoungPerson,
                agency: String::new(),
                what: String::new(),
                owner: String::new(),
                due: None,
            },
        );
        f.actions.push(FormAction {
            for_: ActionFor::Agency,
            agency: String::new(),
            what: "Assess".into(),
            owner: "EH".into(),
            due: None,
        });
        let errs = check_plan_form(&f, d(1, 21), 3).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path.to_string(), "actions[4].agency");
    }

    #[test]
    fn review_dates_outside_two_to_four_weeks_warn() {
        let mut f = form();
        f.review_date = Some(d(3, 3));
        let p = check_plan_form(&f, d(1, 21), 3).unwrap();
        assert!(
            p.warnings.iter().any(|w| w.contains("2 to 4 weeks")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn attendees_and_actions_from_flags() {
        assert!(
            FormAttendee::parse("Jane Smith")
                .unwrap_err()
                .contains("Name|Role")
        );
        assert!(FormAttendee::parse("Jane Smith|").is_err());
        assert!(FormAttendee::parse("|Mother").is_err());
        assert!(FormAttendee::parse("a|b|c").is_err());
        let a =
            FormAction::parse("agency:Early Help|Family assessment|Sam Lee|2025-02-01").unwrap();
        assert_eq!(
            (a.for_, a.agency.as_str()),
            (ActionFor::Agency, "Early Help")
        );
        assert!(FormAction::parse("teacher|x|y").is_err());
        assert!(FormAction::parse("school|x").is_err());
        assert!(FormAction::parse("school|x|y|31/02/2025").is_err());
    }

    #[test]
    fn the_next_review_is_at_most_three_weeks_on() {
        assert_eq!(default_next_review(d(2, 10), 3), d(3, 3));
        assert_eq!(default_next_review(d(2, 10), 4), d(3, 3));
        assert_eq!(default_next_review(d(2, 10), 2), d(2, 24));
    }
}
