//! Every check of a case file and of the plans and reviews in it, in one place: what a case must
//! hold to be used, whichever way it was written (by attend, by a form, by hand).
//!
//! Nothing here needs the workspace: a case is checked on its own.

use super::Case;
use super::model::*;
use super::problem::{FieldPath, Problem};
use chrono::NaiveDate;
use std::path::Path;

pub(super) fn required(out: &mut Vec<Problem>, path: FieldPath, value: &str, what: &str) {
    if value.trim().is_empty() {
        out.push(Problem::new(path, format!("{what} cannot be empty")));
    }
}

/// Check a document reference: a relative path inside the case folder and a SHA-256.
pub fn check_document(d: &Document) -> Result<(), String> {
    let p = Path::new(&d.path);
    let safe = !d.path.is_empty()
        && !d.path.contains('\\')
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(format!(
            "path {:?} must be a file inside the case folder, such as documents/2025-01-20-plan-1.pdf",
            d.path
        ));
    }
    if d.sha256.len() != 64
        || !d
            .sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(format!(
            "sha256 {:?} must be 64 lower-case hexadecimal digits",
            d.sha256
        ));
    }
    Ok(())
}

/// A parent or carer: a name (in full or in parts), an email that is an email address.
pub fn check_person(out: &mut Vec<Problem>, p: &Person, at: &FieldPath) {
    if p.name.trim().is_empty() && p.forename.trim().is_empty() && p.surname.trim().is_empty() {
        out.push(Problem::new(
            at.key("name"),
            "a parent or carer needs a name: name, or forename and surname",
        ));
    }
    if !p.email.trim().is_empty() && !crate::text::is_email(&p.email) {
        out.push(Problem::new(
            at.key("email"),
            format!("{:?} is not an email address", p.email),
        ));
    }
    if p.contact_id.chars().any(|c| c.is_whitespace() || c == ',') {
        out.push(Problem::new(
            at.key("contact_id"),
            format!(
                "{:?} is not a contact id (attend writes it from register/contacts.csv)",
                p.contact_id
            ),
        ));
    }
}

/// Every rule of the case file that can be checked from the file alone.
pub fn validate_case(case: &Case) -> Vec<Problem> {
    let mut out = Vec::new();
    let root = FieldPath::root();
    if case.format != FORMAT {
        out.push(Problem::new(
            root.key("format"),
            format!("format must be {FORMAT}"),
        ));
    }
    let pupil = root.key("pupil");
    if case.pupil.surname.trim().is_empty() && case.pupil.forename.trim().is_empty() {
        out.push(Problem::new(
            pupil.key("surname"),
            "the pupil needs a surname or a forename",
        ));
    }
    for (i, p) in case.people.iter().enumerate() {
        check_person(&mut out, p, &root.key("people").index(i));
    }
    for (i, p) in case.professionals.iter().enumerate() {
        let at = root.key("professionals").index(i);
        required(&mut out, at.key("name"), &p.name, "a professional's name");
        required(&mut out, at.key("role"), &p.role, "a professional's role");
    }
    for (i, s) in case.siblings.iter().enumerate() {
        let at = root.key("siblings").index(i);
        required(&mut out, at.key("name"), &s.name, "a sibling's name");
        if s.id.as_ref() == Some(&case.pupil.id) {
            out.push(Problem::new(
                at.key("id"),
                "a pupil cannot be their own sibling",
            ));
        }
    }
    for (i, s) in case.services.iter().enumerate() {
        required(
            &mut out,
            root.key("services").index(i).key("name"),
            &s.name,
            "a service's name",
        );
    }
    for (i, s) in case.strengths.iter().enumerate() {
        required(&mut out, root.key("strengths").index(i), s, "a strength");
    }
    // plans: numbered 1, 2, 3...; at most one open, and it is the latest
    let plans = root.key("plans");
    for (i, p) in case.plans.iter().enumerate() {
        let at = plans.index(i);
        if p.number as usize != i + 1 {
            out.push(Problem::new(
                at.key("number"),
                format!(
                    "plans are numbered in order: this is plan {}, not {}",
                    i + 1,
                    p.number
                ),
            ));
        }
        out.extend(validate_plan(p, &at));
        if p.is_open() && i + 1 != case.plans.len() {
            out.push(Problem::new(
                at.key("review_date"),
                format!("plan {} has no review, but a later plan exists: only the latest plan can be open", p.number),
            ));
        }
        if let Some(r) = &p.review
            && let Some(n) = r.next_plan
        {
            let ok = n as usize > i + 1
                && case
                    .plans
                    .get(n as usize - 1)
                    .is_some_and(|q| q.follows_review_of == Some(p.number));
            if !ok {
                out.push(Problem::new(
                    at.key("review").key("next_plan"),
                    format!(
                        "plan {n} must be a later plan that says follows_review_of: {}",
                        p.number
                    ),
                ));
            }
        }
        if let Some(f) = p.follows_review_of {
            let ok = f >= 1
                && (f as usize) <= i
                && case.plans[f as usize - 1]
                    .review
                    .as_ref()
                    .and_then(|r| r.next_plan)
                    == Some(p.number);
            if !ok {
                out.push(Problem::new(
                    at.key("follows_review_of"),
                    format!(
                        "plan {f}'s review must be an earlier review whose next_plan is {}",
                        p.number
                    ),
                ));
            }
        }
    }
    for (i, n) in case.notices_to_improve.iter().enumerate() {
        let at = root.key("notices_to_improve").index(i);
        if n.to < n.from {
            out.push(Problem::new(
                at.key("to"),
                format!(
                    "the improvement period ends ({}) before it starts ({})",
                    n.to, n.from
                ),
            ));
        }
        if !(3..=6).contains(&n.weeks) {
            out.push(Problem::new(
                at.key("weeks"),
                format!("an improvement period is 3 to 6 weeks, not {}", n.weeks),
            ));
        }
        if let Some(d) = &n.decision
            && d.date < n.date
        {
            out.push(Problem::new(
                at.key("decision").key("date"),
                format!(
                    "the decision ({}) is before the notice ({})",
                    d.date, n.date
                ),
            ));
        }
    }
    for (i, n) in case.penalty_notices.iter().enumerate() {
        let at = root.key("penalty_notices").index(i);
        out.extend(super::penalty::validate_notice(n, i, &at));
    }
    for (i, e) in case.timeline.iter().enumerate() {
        let at = root.key("timeline").index(i);
        required(&mut out, at.key("text"), &e.text, "an entry's text");
        match (e.kind, e.stage) {
            (EventKind::Stage, None) => out.push(Problem::new(
                at.key("stage"),
                "a stage entry says the stage it moved from and to",
            )),
            (EventKind::Stage, Some(c)) if c.from == c.to => out.push(Problem::new(
                at.key("stage"),
                "a stage entry moves between two different stages",
            )),
            (k, Some(_)) if k != EventKind::Stage => out.push(Problem::new(
                at.key("stage"),
                "only entries of kind stage say a stage change",
            )),
            _ => {}
        }
        if let Some(n) = e.plan
            && (n == 0 || n as usize > case.plans.len())
        {
            out.push(Problem::new(
                at.key("plan"),
                format!("there is no plan {n} in this case"),
            ));
        }
        if let Some(d) = &e.document
            && let Err(m) = check_document(d)
        {
            out.push(Problem::new(at.key("document"), m));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Plans and reviews
// ---------------------------------------------------------------------------------------------

pub(super) fn check_meeting(out: &mut Vec<Problem>, m: &Meeting, at: &FieldPath) {
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

pub(super) fn check_aim(out: &mut Vec<Problem>, aim: &Aim, at: &FieldPath) {
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

pub(super) fn check_actions(
    out: &mut Vec<Problem>,
    actions: &[Action],
    at: &FieldPath,
    meeting: NaiveDate,
) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_stay_inside_the_case_folder() {
        let ok = Document {
            path: "documents/2025-01-20-plan-1.pdf".into(),
            sha256: "a".repeat(64),
        };
        assert!(check_document(&ok).is_ok());
        for bad in [
            "../other/case.yaml",
            "/etc/passwd",
            "documents/../../x",
            "",
            "a\\b",
        ] {
            assert!(
                check_document(&Document {
                    path: bad.into(),
                    ..ok.clone()
                })
                .is_err(),
                "{bad}"
            );
        }
        assert!(
            check_document(&Document {
                sha256: "A".repeat(64),
                ..ok.clone()
            })
            .is_err()
        );
        assert!(
            check_document(&Document {
                sha256: "a".repeat(63),
                ..ok
            })
            .is_err()
        );
    }
}
