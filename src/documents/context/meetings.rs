//! Meetings in letters: the invitation to a plan's review, a meeting moved to a new time, the
//! letter when a plan is closed with its target met; a meeting's day checked against the
//! register; and, for each copy of a letter about a meeting, whether the people it is addressed
//! to attended it, did not, or were not invited.

use super::address::Addressee;
use super::figures::figures_or_null;
use super::plans::{attendee, find_reviewed_plan, plan_context, review_context};
use super::request::{MeetingDetails, MeetingOf, Sources};
use super::shared::forename;
use crate::attendance::{SchoolCalendar, SchoolDay};
use crate::cases::Case;
use crate::cases::model::{Decision, Meeting, Outcome, Person};
use crate::cases::plan::{open_plan, review_figures};
use crate::dates::{full_date, long_date, uk_date};
use crate::documents::{DocumentError, Kind, issue};
use crate::register::Register;
use crate::text::{join_and, plural};
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{Value, json};

/// The longest meeting an invitation may announce, in minutes (ten hours).
pub const MAX_MEETING_MINUTES: u32 = 600;

/// What the register says against holding a meeting on `date`: a weekend, a planned closure
/// (`#`), or a weekday the school held no sessions (a holiday). `None` when the day is a school
/// day, or is beyond the register (a date not imported yet).
pub fn meeting_day_warning(reg: Option<&Register>, date: NaiveDate) -> Option<String> {
    let day = match reg {
        // not a figure: every mark the register holds counts here, those entered ahead too (a
        // planned closure is entered before its day)
        Some(r) => SchoolCalendar::on(&r.grid, NaiveDate::MAX).day(&r.grid, date),
        None if date.weekday().num_days_from_monday() >= 5 => SchoolDay::Weekend,
        None => SchoolDay::Unknown,
    };
    match day {
        SchoolDay::Weekend => Some(format!(
            "the meeting is on a {} ({date})",
            date.format("%A")
        )),
        SchoolDay::Closure => Some(format!(
            "the meeting is on {}, when the school is closed (the register marks the day # for a planned closure)",
            full_date(date)
        )),
        SchoolDay::NoSessions => Some(format!(
            "the meeting is on {}, when the school held no sessions (a holiday or closure in the register)",
            full_date(date)
        )),
        SchoolDay::Held | SchoolDay::Unknown => None,
    }
}

/// A meeting a letter invites the family to: not before the letter, somewhere, and warned about
/// when it falls on a weekend, a closure, or too soon for a letter to arrive.
pub(super) fn check_meeting(
    m: &MeetingDetails,
    src: &Sources,
    warnings: &mut Vec<String>,
) -> Result<(), DocumentError> {
    if m.date < src.as_of {
        return Err(DocumentError::Invalid(format!(
            "the meeting date {} is before the date of the letter ({}): give the meeting's date with --date",
            m.date, src.as_of
        )));
    }
    if let Some(w) = meeting_day_warning(src.register, m.date) {
        warnings.push(w);
    }
    if m.date - src.as_of < Duration::days(5) {
        warnings.push(format!(
            "the meeting is {} after the letter: allow time for it to arrive and for the family to arrange another time",
            plural((m.date - src.as_of).num_days(), "day")
        ));
    }
    if m.place.trim().is_empty() {
        return Err(DocumentError::Invalid(
            "say where the meeting will be held with --place".into(),
        ));
    }
    if let Some(n) = m.minutes
        && !(1..=MAX_MEETING_MINUTES).contains(&n)
    {
        return Err(DocumentError::Invalid(format!(
            "a meeting of {n} minutes cannot be right: give its length in minutes, from 1 to {MAX_MEETING_MINUTES} (--minutes)"
        )));
    }
    Ok(())
}

pub(super) fn meeting_json(m: &MeetingDetails) -> Value {
    json!({
        "date": m.date,
        "time": m.time.to_string(),
        "place": m.place.trim(),
        "minutes": m.minutes,
        "attendees": m.attendees.iter().map(attendee).collect::<Vec<_>>(),
    })
}

/// A name as written, made comparable: lower case, spaces collapsed, full stops dropped.
fn norm(name: &str) -> String {
    name.replace('.', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn names_of(p: &Person) -> [String; 3] {
    [
        norm(&p.full_name()),
        norm(&p.addressed_name()),
        norm(&p.salutation_name()),
    ]
}

/// For each copy of a letter about `meeting`, how its people stood to it:
///
/// * `attended`: one of them is among the meeting's attendees (or the parents attended and
///   the letter has one copy: the attendee was written another way);
/// * `did_not_attend`: none of them came, and they were sent an invitation to it (the meeting's
///   invitation, review invitation or rearranged letter on the timeline, after `since`), or the
///   record says the parents did not attend and no invitation is on record at all;
/// * `not_invited`: none of them came, other parents did, and no invitation to them is on record;
/// * `unknown`: the parents attended, but the record does not say which of them.
///
/// Also the names of the parents written to who attended ("Joanne Parker").
pub(super) fn presence(
    case: &Case,
    copies: &[Addressee],
    meeting: &Meeting,
    since: Option<NaiveDate>,
) -> (Vec<&'static str>, String) {
    let at_meeting: Vec<String> = meeting.attendees.iter().map(|a| norm(&a.name)).collect();
    let came = |i: usize| {
        meeting.parents_attended
            && names_of(&case.people[i])
                .iter()
                .any(|n| at_meeting.contains(n))
    };
    let invitations: Vec<&str> = case
        .timeline
        .iter()
        .filter(|e| e.date <= meeting.date && since.is_none_or(|s| e.date > s))
        .filter(|e| {
            e.document
                .as_ref()
                .and_then(|d| issue::kind_of_filed(&d.path))
                .is_some_and(|k| {
                    matches!(
                        k,
                        Kind::Invitation | Kind::ReviewInvitation | Kind::Rearranged
                    )
                })
        })
        .map(|e| e.with.as_str())
        .collect();
    let invited_names: Vec<String> = invitations
        .iter()
        .flat_map(|w| w.split(", ").flat_map(|x| x.split(" and ")))
        .map(norm)
        .collect();
    let invited = |i: usize| invited_names.contains(&norm(&case.people[i].full_name()));
    let any_came = copies.iter().any(|c| c.people.iter().any(|&i| came(i)));
    let status = copies
        .iter()
        .map(|c| {
            if c.people.iter().any(|&i| came(i)) {
                "attended"
            } else if meeting.parents_attended && !any_came {
                if copies.len() == 1 {
                    "attended"
                } else {
                    "unknown"
                }
            } else if c.people.iter().any(|&i| invited(i))
                || (!meeting.parents_attended && invitations.is_empty())
            {
                "did_not_attend"
            } else {
                "not_invited"
            }
        })
        .collect();
    let mut who: Vec<String> = Vec::new();
    for c in copies {
        for &i in &c.people {
            if came(i) {
                who.push(case.people[i].full_name());
            }
        }
    }
    (status, join_and(&who))
}

/// Mark each copy in `ctx["copies"]` with how its people stood to `meeting` (see [`presence`]).
pub(super) fn mark_presence(
    ctx: &mut Value,
    case: &Case,
    copies: &[Addressee],
    meeting: &Meeting,
    since: Option<NaiveDate>,
) {
    let (status, who) = presence(case, copies, meeting, since);
    for (i, s) in status.into_iter().enumerate() {
        ctx["copies"][i]["meeting"] = Value::from(s);
    }
    ctx["parents_at_meeting"] = Value::from(who);
}

/// What a letter about a meeting adds: its stem, plan and timeline text.
pub(super) struct Written {
    pub stem: String,
    pub plan: Option<u32>,
    pub event_text: String,
}

/// The invitation to the review of the open plan.
pub(super) fn review_invitation(
    ctx: &mut Value,
    case: &Case,
    src: &Sources,
    m: &MeetingDetails,
    warnings: &mut Vec<String>,
) -> Result<Written, DocumentError> {
    let id = case.pupil.id.as_str();
    let p = open_plan(case).ok_or_else(|| {
        DocumentError::Invalid(format!(
            "the case of {id} has no plan waiting for review: an invitation to a review is for the open plan's review (record a plan with attend plan new {id})"
        ))
    })?;
    check_meeting(m, src, warnings)?;
    if m.date != p.review_date {
        warnings.push(format!(
            "plan {}'s review date is {}: this invitation is for {} (the plan keeps its date; the timeline records the invitation)",
            p.number, p.review_date, m.date
        ));
    }
    ctx["plan"] = plan_context(case, p, &forename(case));
    ctx["meeting"] = meeting_json(m);
    let during = src
        .register
        .and_then(|r| review_figures(r, case, p, src.as_of, src.config).during);
    ctx["during_plan"] = figures_or_null(during.as_ref());
    Ok(Written {
        stem: format!("review-invitation-{}", p.number),
        plan: Some(p.number),
        event_text: format!(
            "Invitation to the review of action plan {} on {} at {}, {}",
            p.number,
            full_date(m.date),
            m.time,
            m.place.trim()
        ),
    })
}

/// A letter confirming the new date and time of an attendance meeting or a review.
pub(super) fn rearranged(
    ctx: &mut Value,
    case: &Case,
    src: &Sources,
    m: &MeetingDetails,
    of: Option<MeetingOf>,
    warnings: &mut Vec<String>,
) -> Result<Written, DocumentError> {
    let id = case.pupil.id.as_str();
    let open = open_plan(case);
    let of = of.unwrap_or(if open.is_some() {
        MeetingOf::Review
    } else {
        MeetingOf::Attendance
    });
    check_meeting(m, src, warnings)?;
    let mut meeting = meeting_json(m);
    let written = match of {
        MeetingOf::Review => {
            let p = open.ok_or_else(|| {
                DocumentError::Invalid(format!(
                    "the case of {id} has no plan waiting for review: for an attendance meeting, give --meeting plan"
                ))
            })?;
            ctx["plan"] = plan_context(case, p, &forename(case));
            meeting["of"] = Value::from("review");
            Written {
                stem: format!("rearranged-review-{}", p.number),
                plan: Some(p.number),
                event_text: format!(
                    "Review of action plan {} rearranged: now on {} at {}, {}",
                    p.number,
                    full_date(m.date),
                    m.time,
                    m.place.trim()
                ),
            }
        }
        MeetingOf::Attendance => {
            if let Some(p) = open {
                warnings.push(format!(
                    "plan {} is open: the family's next meeting is its review (for that, --meeting review)",
                    p.number
                ));
            }
            ctx["plan"] = Value::Null;
            meeting["of"] = Value::from("attendance");
            Written {
                stem: "rearranged-meeting".into(),
                plan: None,
                event_text: format!(
                    "Attendance meeting rearranged: now on {} at {}, {}",
                    full_date(m.date),
                    m.time,
                    m.place.trim()
                ),
            }
        }
    };
    ctx["meeting"] = meeting;
    Ok(written)
}

/// The letter when a plan has been closed because its target was met.
pub(super) fn target_met(
    ctx: &mut Value,
    case: &Case,
    copies: &[Addressee],
    plan: Option<u32>,
) -> Result<Written, DocumentError> {
    let p = find_reviewed_plan(case, plan)?;
    let r = p.review.as_ref().expect("reviewed");
    if r.decision != Decision::Close || r.outcome != Outcome::Met {
        return Err(DocumentError::Invalid(format!(
            "plan {} was not closed with its target met (its review on {} recorded: {}; decision: {}): this letter is for a plan closed because its target was met",
            p.number,
            uk_date(r.meeting.date),
            r.outcome.label(),
            r.decision.as_str()
        )));
    }
    ctx["plan"] = plan_context(case, p, &forename(case));
    ctx["review"] = review_context(case, p, r);
    mark_presence(ctx, case, copies, &r.meeting, Some(p.meeting.date));
    let during = r
        .during_plan
        .as_ref()
        .map(|s| format!(": {}", s.describe()))
        .unwrap_or_default();
    Ok(Written {
        stem: format!("target-met-{}", p.number),
        plan: Some(p.number),
        event_text: format!(
            "Letter on meeting the target of action plan {} ({}), reviewed on {}{during}",
            p.number,
            p.aim.describe(),
            long_date(r.meeting.date)
        ),
    })
}

/// The earliest date after which an invitation to plan `number`'s meeting was sent: the meeting
/// of the plan before it (an invitation before that was for another meeting).
pub(super) fn invitations_since(case: &Case, number: u32) -> Option<NaiveDate> {
    number
        .checked_sub(1)
        .and_then(|n| case.plan(n))
        .map(|p| p.meeting.date)
}
