//! Plans, reviews and referrals: the meeting's plan, its review, the support given so far.

use super::figures::figures_or_null;
use super::shared::{forename, nonempty, prose, year_text};
use crate::attendance::Snapshot;
use crate::cases::Case;
use crate::cases::model::{Action, ActionFor, Aim, Attendee, Decision, Outcome, Person, Review};
use crate::config::Config;
use crate::documents::DocumentError;
use crate::text::join_and;
use serde_json::{Value, json};

use crate::dates::long_date;
use crate::text::capitalise;

pub(super) fn find_plan(
    case: &Case,
    n: Option<u32>,
) -> Result<&crate::cases::model::Plan, DocumentError> {
    let id = case.pupil.id.to_string();
    match n {
        None => case.plans.last().ok_or(DocumentError::NoPlan(id)),
        Some(n) => case.plan(n).ok_or(DocumentError::NoSuchPlan {
            id,
            number: n,
            count: case.plans.len(),
        }),
    }
}

pub(super) fn find_reviewed_plan(
    case: &Case,
    n: Option<u32>,
) -> Result<&crate::cases::model::Plan, DocumentError> {
    let id = case.pupil.id.to_string();
    match n {
        None => case
            .plans
            .iter()
            .rev()
            .find(|p| p.review.is_some())
            .ok_or(DocumentError::NoReview { id }),
        Some(n) => {
            let p = find_plan(case, Some(n))?;
            if p.review.is_none() {
                return Err(DocumentError::NotReviewed { id, number: n });
            }
            Ok(p)
        }
    }
}

pub(super) fn attendee(a: &Attendee) -> Value {
    json!({"name": a.name.trim(), "role": a.role.trim()})
}

fn aim_context(a: &Aim) -> Value {
    json!({
        "text": a.describe(),
        "target": a.target.map(|t| t.to_string()),
        "weeks": a.weeks,
        "no_unauthorised_absence": a.no_unauthorised_absence,
    })
}

/// "Daily 8:40 check-in (Tom Reid, by 10 February 2025)".
pub(super) fn action_line(a: &Action) -> String {
    let who = if a.for_ == ActionFor::Agency && !a.agency.trim().is_empty() {
        format!("{}, {}", a.owner.trim(), a.agency.trim())
    } else {
        a.owner.trim().to_string()
    };
    format!(
        "{} ({who}, by {})",
        a.what.trim().trim_end_matches('.'),
        long_date(a.due)
    )
}

fn action_json(number: usize, a: &Action) -> Value {
    json!({
        "number": number,
        "for": a.for_.as_str(),
        "heading": a.for_.heading(),
        "agency": nonempty(a.agency.trim()),
        "what": a.what.trim(),
        "owner": a.owner.trim(),
        "due": a.due,
    })
}

pub(super) fn plan_context(
    case: &Case,
    p: &crate::cases::model::Plan,
    pupil_forename: &str,
) -> Value {
    let groups: Vec<Value> = ActionFor::ALL
        .iter()
        .filter_map(|f| {
            let actions: Vec<Value> = p
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| a.for_ == *f)
                .map(|(i, a)| action_json(i + 1, a))
                .collect();
            (!actions.is_empty()).then(|| {
                json!({
                    "for": f.as_str(),
                    "heading": f.heading(),
                    "actions": actions,
                })
            })
        })
        .collect();
    let barriers = if p.barriers.is_empty() {
        &case.barriers
    } else {
        &p.barriers
    };
    let child_view = if p.child_view.trim().is_empty() {
        case.child_view.trim()
    } else {
        p.child_view.trim()
    };
    let parent_actions: Vec<String> = p
        .actions
        .iter()
        .filter(|a| a.for_ == ActionFor::Parents)
        .map(action_line)
        .collect();
    // who else has actions, for the covering letter: "Mason, the school and School nurse"
    let mut others: Vec<String> = Vec::new();
    for a in &p.actions {
        let who = match a.for_ {
            ActionFor::Parents => continue,
            ActionFor::YoungPerson => pupil_forename.to_string(),
            ActionFor::School => "the school".to_string(),
            ActionFor::Agency => continue,
        };
        if !who.is_empty() && !others.contains(&who) {
            others.push(who);
        }
    }
    let agencies: Vec<String> = p
        .actions
        .iter()
        .filter(|a| a.for_ == ActionFor::Agency)
        .map(|a| a.agency.trim().to_string())
        .fold(Vec::new(), |mut v, a| {
            if !v.contains(&a) {
                v.push(a);
            }
            v
        });
    if !agencies.is_empty() {
        let named: Vec<&String> = agencies.iter().filter(|a| !a.is_empty()).collect();
        others.push(if named.is_empty() {
            "other services".to_string()
        } else {
            format!(
                "other services ({})",
                named
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    // which of the people the letter goes to were at the meeting
    let norm = |n: &str| {
        n.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let at_meeting: Vec<String> = p.meeting.attendees.iter().map(|a| norm(&a.name)).collect();
    let recipients: Vec<&Person> = case.addressed_people().collect();
    let came: Vec<String> = recipients
        .iter()
        .filter(|r| {
            at_meeting.contains(&norm(&r.full_name()))
                || at_meeting.contains(&norm(&r.addressed_name()))
        })
        .map(|r| r.full_name())
        .collect();
    let recipients_attended = if !p.meeting.parents_attended {
        "none"
    } else if came.is_empty() || came.len() == recipients.len() {
        "all"
    } else {
        "some"
    };
    json!({
        "number": p.number,
        "follows_review_of": p.follows_review_of,
        "meeting": {
            "date": p.meeting.date,
            "place": nonempty(p.meeting.place.trim()),
            "parents_attended": p.meeting.parents_attended,
            "attendees": p.meeting.attendees.iter().map(attendee).collect::<Vec<_>>(),
        },
        "attendance": figures_or_null(p.attendance.as_ref()),
        "summary_of_concerns": prose(&p.summary_of_concerns),
        "reasons": prose(&p.reasons),
        "barriers": barriers.iter().map(|b| json!({
            "kind": b.kind.as_str(),
            "label": capitalise(b.kind.label()),
            "detail": prose(&b.detail),
        })).collect::<Vec<_>>(),
        "support_in_place": prose(&p.support_in_place),
        "going_well": prose(&p.going_well),
        "strengths": case.strengths.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
        "concerns": prose(&p.concerns),
        "wellbeing_goals": prose(&p.wellbeing_goals),
        "other_issues": prose(&p.other_issues),
        "child_view": prose(child_view),
        "aim": aim_context(&p.aim),
        "action_groups": groups,
        "parent_actions": parent_actions,
        "others_with_actions": join_and(&others),
        "recipients_attended": recipients_attended,
        "recipients_at_meeting": join_and(&came),
        "review_date": p.review_date,
        "copies": p.copies.iter().map(|c| json!({
            "to": c.to.trim(),
            "sent": c.sent,
            "how": c.how.trim(),
        })).collect::<Vec<_>>(),
        "reviewed": p.review.is_some(),
    })
}

/// The family and the services around it, for records and referrals.
pub(super) fn family(case: &Case) -> Value {
    json!({
        "people": case.people.iter().map(|p| json!({
            "name": p.addressed_name(),
            "relationship": capitalise(p.relationship.trim()),
            "no_contact": p.no_contact,
            "parental_responsibility": p.parental_responsibility,
            "lives_with_pupil": p.lives_with_pupil,
            "address": p.address.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
            "phone": p.phone.trim(),
            "mobile": p.mobile.trim(),
            "work_phone": p.work_phone.trim(),
            "email": p.email.trim(),
            "contact": ([
                p.phone.trim().to_string(),
                p.mobile.trim().to_string(),
                p.work_phone.trim().to_string(),
                p.email.trim().to_string(),
                p.preferred_contact.map(|c| format!("prefers: {}", c.label())).unwrap_or_default(),
            ].into_iter().filter(|l| !l.is_empty()).collect::<Vec<_>>()),
            "preferred_contact": p.preferred_contact.map(|c| c.label()),
            "notes": p.notes.trim(),
        })).collect::<Vec<_>>(),
        "professionals": case.professionals.iter().map(|p| json!({
            "name": p.name.trim(),
            "role": p.role.trim(),
            "organisation": p.organisation.trim(),
            "phone": p.phone.trim(),
            "email": p.email.trim(),
        })).collect::<Vec<_>>(),
        "siblings": case.siblings.iter().map(|s| json!({
            "name": s.name.trim(),
            "id": s.id.as_ref().map(|i| i.as_str().to_string()),
            "school": s.school.trim(),
            "year": year_text(&s.year),
            "attendance_concern": s.attendance_concern,
            "notes": s.notes.trim(),
        })).collect::<Vec<_>>(),
        "services": case.services.iter().map(|s| json!({
            "name": s.name.trim(),
            "contact": s.contact.trim(),
            "since": s.since,
            "notes": s.notes.trim(),
        })).collect::<Vec<_>>(),
        "consent_to_referral": case.consent_to_referral,
    })
}

/// The outcome in words. An outcome the officer recorded against the figures is not given the
/// figures' meaning ("better than before the plan" would contradict them): it is said to be the
/// review's judgement, and the record gives the figures' own outcome and the reason beside it.
fn outcome_sentence(o: Outcome, overridden: bool) -> &'static str {
    if overridden {
        return match o {
            Outcome::Met => "Target met, as judged at the review",
            Outcome::SomeImprovement => "Some improvement, as judged at the review",
            Outcome::NotMet => "Target not met, as judged at the review",
        };
    }
    match o {
        Outcome::Met => "Target met",
        Outcome::SomeImprovement => {
            "Some improvement: better than before the plan, short of the target"
        }
        Outcome::NotMet => "Target not met",
    }
}

pub(super) fn review_context(case: &Case, p: &crate::cases::model::Plan, r: &Review) -> Value {
    let actions: Vec<Value> = r
        .action_statuses(p)
        .into_iter()
        .enumerate()
        .map(|(i, (a, st))| {
            let mut v = action_json(i + 1, a);
            v["status"] = st
                .map(|s| Value::from(s.status.label()))
                .unwrap_or(Value::Null);
            v["note"] = st
                .map(|s| Value::from(s.note.trim()))
                .unwrap_or(Value::from(""));
            v
        })
        .collect();
    let next = r.next_plan.and_then(|n| case.plan(n));
    let decision = match r.decision {
        Decision::Close => "Close the plan. Attendance will continue to be monitored.".to_string(),
        Decision::Continue => match next {
            Some(np) => format!(
                "Continue with a new action plan (plan {}), to be reviewed on {}.",
                np.number,
                long_date(np.review_date)
            ),
            None => "Continue with a new action plan.".to_string(),
        },
        Decision::Escalate => {
            let step = r
                .escalation
                .map(|e| e.label())
                .unwrap_or("the next step of the attendance procedures");
            match next {
                Some(np) => format!(
                    "Escalate to {step}, with an action plan kept in place (plan {}), to be reviewed on {}.",
                    np.number,
                    long_date(np.review_date)
                ),
                None => format!("Escalate to {step}."),
            }
        }
    };
    json!({
        "meeting": {
            "date": r.meeting.date,
            "place": nonempty(r.meeting.place.trim()),
            "parents_attended": r.meeting.parents_attended,
            "attendees": r.meeting.attendees.iter().map(attendee).collect::<Vec<_>>(),
        },
        "during_plan": figures_or_null(r.during_plan.as_ref()),
        "before_plan": figures_or_null(r.before_plan.as_ref()),
        "year_to_date": figures_or_null(r.year_to_date.as_ref()),
        "proposed_outcome": r.proposed_outcome.map(|o| outcome_sentence(o, false)),
        // with no figures to judge by, the outcome is the review's judgement too
        "outcome": outcome_sentence(r.outcome, r.proposed_outcome != Some(r.outcome)),
        "outcome_key": r.outcome.as_str(),
        "outcome_overridden": r.proposed_outcome.is_some_and(|p| p != r.outcome),
        "outcome_reason": prose(&r.outcome_reason),
        "what_worked": prose(&r.what_worked),
        "what_did_not_work": prose(&r.what_did_not_work),
        "actions": actions,
        "decision": r.decision.as_str(),
        "decision_text": decision,
        "escalation": r.escalation.map(|e| e.label()),
        "notes": prose(&r.notes),
        "next_plan": next.map(|np| json!({
            "number": np.number,
            "review_date": np.review_date,
            "aim": aim_context(&np.aim),
            "action_groups": plan_context(case, np, &forename(case))["action_groups"].clone(),
        })),
    })
}

/// What has been done so far, in a line each (for a Notice to Improve).
pub(super) fn support_so_far(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    for s in &case.services {
        let mut line = format!("Support from {}", s.name.trim());
        if !s.contact.trim().is_empty() {
            line.push_str(&format!(" ({})", s.contact.trim()));
        }
        if let Some(d) = s.since {
            line.push_str(&format!(", since {}", long_date(d)));
        }
        out.push(line);
    }
    for p in &case.plans {
        let mut line = format!(
            "At an attendance meeting on {}{}, action plan {} was agreed ({})",
            long_date(p.meeting.date),
            if p.meeting.parents_attended {
                ""
            } else {
                " (held in the parents' absence)"
            },
            p.number,
            p.aim.describe()
        );
        let school: Vec<String> = p
            .actions
            .iter()
            .filter(|a| matches!(a.for_, ActionFor::School | ActionFor::Agency))
            .map(|a| a.what.trim().trim_end_matches('.').to_string())
            .collect();
        line.push('.');
        if !school.is_empty() {
            line.push_str(&format!(
                " The school and other services agreed to: {}.",
                school.join("; ")
            ));
        }
        if let Some(r) = &p.review {
            line.push_str(&format!(
                " Reviewed on {}: {}.",
                long_date(r.meeting.date),
                r.outcome.label()
            ));
        }
        out.push(line);
    }
    out
}

pub(super) fn referral_context(case: &Case, window: &Snapshot, config: &Config) -> Value {
    let chronology: Vec<Value> = case
        .timeline
        .iter()
        .map(|e| {
            json!({
                "date": e.date,
                "kind": capitalise(e.kind.as_str()),
                "by": e.by.trim(),
                "with": e.with.trim(),
                "text": prose(&e.text),
                "plan": e.plan,
                "document": e.document.as_ref().map(|d| json!({"path": d.path, "sha256": d.sha256})),
            })
        })
        .collect();
    let plans: Vec<Value> = case
        .plans
        .iter()
        .map(|p| {
            json!({
                "number": p.number,
                "meeting_date": p.meeting.date,
                "parents_attended": p.meeting.parents_attended,
                "attendees": p.meeting.attendees.iter().map(attendee).collect::<Vec<_>>(),
                "aim": p.aim.describe(),
                "actions": p.actions.len(),
                "review_date": p.review_date,
                "review": p.review.as_ref().map(|r| json!({
                    "date": r.meeting.date,
                    "during_plan": figures_or_null(r.during_plan.as_ref()),
                    "outcome": r.outcome.label(),
                    "decision": r.decision.as_str(),
                    "escalation": r.escalation.map(|e| e.label()),
                })),
            })
        })
        .collect();
    json!({
        "local_authority": nonempty(config.school.local_authority.trim()),
        "stage": case.stage.as_str(),
        "stage_text": capitalise(case.stage.describe()),
        "opened": case.opened,
        "opening_attendance": figures_or_null(case.opening_attendance.as_ref()),
        "penalty_notice": window.penalty_notice.as_ref().map(|p| json!({
            "from": p.from,
            "to": p.to,
            "sessions": p.sessions,
        })),
        "family": family(case),
        "child_view": prose(&case.child_view),
        "barriers": case.barriers.iter().map(|b| json!({
            "label": capitalise(b.kind.label()),
            "detail": prose(&b.detail),
        })).collect::<Vec<_>>(),
        "strengths": case.strengths.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
        "plans": plans,
        "chronology": chronology,
        "documents": case.timeline.iter().filter_map(|e| e.document.as_ref().map(|d| json!({
            "date": e.date,
            "path": d.path,
            "sha256": d.sha256,
            "text": e.text.trim(),
        }))).collect::<Vec<_>>(),
    })
}
