//! What each document says, gathered from the case, the register and attend.yaml into the JSON
//! object its template receives (`attend letter ... --context` prints it).
//!
//! Every document's context has the same top-level keys: `document`, `school`, `signatory`,
//! `contact`, `pupil`; letters add `recipients`, `copies`; each document adds its own section
//! (`attendance`, `meeting`, `plan`, `review`, `certificate`, `notice`, `referral`). A value
//! that is not known is `null` or an empty list, never a placeholder text, so a template can
//! leave out what it cannot say.
//!
//! Before building anything, [`prepare`] checks the document can be written truthfully, and
//! says what to do when it cannot.

pub mod address;
mod court;
mod figures;
mod law;
mod meetings;
mod plans;
mod request;
mod shared;
#[cfg(test)]
mod tests;

pub use crate::text::join_and;
pub use figures::figures;
pub use meetings::meeting_day_warning;
pub use request::{
    MeetingDetails, MeetingOf, NoticeDetails, Prepared, Request, ReviewMeeting, Sources,
};
pub use shared::{can_write, prose};

use address::*;
use figures::*;
use meetings::*;
use plans::*;
use request::STALE_DAYS;
use shared::*;

use super::{DocumentError, Kind};
use crate::attendance::{self};
use crate::cases::model::{ActionFor, Case};
use crate::dates::{full_date, long_date, uk_date};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

pub use meetings::MAX_MEETING_MINUTES;

/// The lines of an address block (names and address) a DL envelope's window shows.
const WINDOW_LINES: usize = 8;

/// Gather a document's context, checking first that it can be written. A case whose sealed
/// record was changed by hand gives no document; a document shows the record as its amendments
/// corrected it, and lists those corrections.
pub fn prepare(req: &Request, src: &Sources) -> Result<Prepared, DocumentError> {
    let Some(case) = src.case else {
        return prepare_from(req, src);
    };
    let broken = crate::cases::seal::broken(case);
    if !broken.is_empty() {
        return Err(DocumentError::Invalid(format!(
            "no document is issued from this case: part of it was changed by hand after it was recorded:\n{}",
            crate::cases::seal::broken_advice(case.pupil.id.as_str(), &broken)
        )));
    }
    if case.amendments.is_empty() {
        return prepare_from(req, src);
    }
    let amended =
        crate::cases::seal::amended(case).map_err(|e| DocumentError::Invalid(format!("{e:#}")))?;
    let src = Sources {
        case: Some(&amended),
        ..*src
    };
    let mut prepared = prepare_from(req, &src)?;
    prepared.context["amendments"] = amendments(case);
    Ok(prepared)
}

/// The context of a case's bundle (`bundle.typ.tera`): what every document has (school, pupil,
/// contact), `bundle` (from [`crate::documents::bundle::context`]) and the case's amendments.
pub fn bundle_context(src: &Sources, bundle: Value) -> Result<Value, DocumentError> {
    check_letterhead(src.config, Kind::Referral)?;
    let mut ctx = common(src, Kind::Referral)?;
    ctx["document"]["kind"] = Value::from("bundle");
    ctx["document"]["title"] = Value::from("Case bundle");
    ctx["bundle"] = bundle;
    if let Some(case) = src.case {
        ctx["amendments"] = amendments(case);
    }
    Ok(ctx)
}

/// The case's amendments as documents show them ("Corrections to the record").
fn amendments(case: &Case) -> Value {
    Value::Array(
        case.amendments
            .iter()
            .map(|a| {
                json!({
                    "date": long_date(a.date),
                    "by": a.by,
                    "part": a.part,
                    "field": a.field,
                    "original": a.original,
                    "new": a.new,
                    "reason": a.reason,
                })
            })
            .collect(),
    )
}

fn prepare_from(req: &Request, src: &Sources) -> Result<Prepared, DocumentError> {
    let kind = req.kind();
    check_letterhead(src.config, kind)?;
    let mut warnings = Vec::new();
    let mut ctx = common(src, kind)?;
    ctx["pupil"]["compulsory_school_age"] = law::school_age(src);
    let case = match (src.case, kind) {
        (Some(c), _) => Some(c),
        (None, Kind::Certificate) => None,
        (None, _) => {
            return Err(DocumentError::Invalid(format!(
                "{} has no case: open one first (attend case open {})",
                src.id, src.id
            )));
        }
    };
    if let Some(c) = case
        && kind.is_letter()
        && c.stage == crate::cases::Stage::Closed
    {
        return Err(DocumentError::Closed(c.pupil.id.to_string()));
    }
    let name = pupil_name(src, case);
    let mut stem = kind.name().to_string();
    let mut plan_no = None;
    let mut with = String::new();
    let mut record = None;
    let mut letter_copies = Vec::new();
    let event_text;
    if kind.is_letter() {
        let case = case.expect("letters need a case");
        let copies = if kind == Kind::NoticeToImprove {
            addressees_each(case)
        } else {
            addressees(case)
        }
        .map_err(|nobody| DocumentError::NobodyToWrite {
            what: kind.in_sentence(),
            nobody,
        })?;
        for left in not_addressed(case) {
            match left.why {
                NotWritten::NoAddress => warnings.push(format!(
                    "no copy for {}",
                    left.advice(case.pupil.id.as_str())
                )),
                NotWritten::NoContact => {
                    warnings.push(format!("not sent to {}: marked no contact", left.who))
                }
                NotWritten::NoParentalResponsibility => {}
            }
        }
        let recipients: Vec<&crate::cases::model::Person> = copies
            .iter()
            .flat_map(|c| c.people.iter().map(|&i| &case.people[i]))
            .collect();
        with = names_text(&recipients);
        ctx["recipients"] = Value::Array(
            recipients
                .iter()
                .map(|p| {
                    json!({
                        "name": p.addressed_name(),
                        "relationship": p.relationship,
                    })
                })
                .collect(),
        );
        ctx["copies"] = Value::Array(
            copies
                .iter()
                .map(|c| {
                    json!({
                        "names": c.names,
                        "address": c.address,
                        "salutation": c.salutation,
                        "meeting": Value::Null,
                    })
                })
                .collect(),
        );
        for c in &copies {
            let lines = c.names.len() + c.address.len();
            if lines > WINDOW_LINES {
                warnings.push(format!(
                    "the address block to {} has {lines} lines: a DL envelope's window shows about {WINDOW_LINES}; shorten the address in the case (attend case person edit {} ...)",
                    join_and(&c.names),
                    case.pupil.id
                ));
            }
        }
        letter_copies = copies;
    }
    match req {
        Request::ConcernLetter => {
            let s = year_to_date(src, &mut warnings, kind)?;
            event_text = format!(
                "Letter of concern about attendance: {}",
                describe_figures(&s)
            );
            ctx["attendance"] = figures(&s);
        }
        Request::Invitation(m) => {
            check_meeting(m, src, &mut warnings)?;
            let s = year_to_date(src, &mut warnings, kind)?;
            ctx["attendance"] = figures(&s);
            ctx["meeting"] = meeting_json(m);
            event_text = format!(
                "Invitation to an attendance meeting on {} at {}, {}",
                full_date(m.date),
                m.time,
                m.place.trim()
            );
        }
        Request::Plan { plan } | Request::PlanLetter { plan, .. } => {
            let case = case.expect("checked");
            let p = find_plan(case, *plan)?;
            plan_no = Some(p.number);
            stem = format!("{}-{}", kind.name(), p.number);
            ctx["plan"] = plan_context(case, p, &forename(case));
            ctx["family"] = family(case);
            if let Request::PlanLetter { review, .. } = req {
                let since = invitations_since(case, p.number);
                mark_presence(&mut ctx, case, &letter_copies, &p.meeting, since);
                if p.review_date < src.as_of {
                    warnings.push(format!(
                        "the plan's review date ({}) is before the date of the letter",
                        p.review_date
                    ));
                }
                ctx["review_meeting"] = json!({
                    "date": p.review_date,
                    "time": review.time.map(|t| t.to_string()),
                    "place": nonempty(review.place.trim()),
                });
                event_text = format!(
                    "Covering letter sent with action plan {}; review on {}",
                    p.number,
                    long_date(p.review_date)
                );
            } else {
                if p.meeting.parents_attended && !p.copies.iter().any(|c| c.sent.is_some()) {
                    warnings.push(format!(
                        "plan {} records no copy sent yet: once it is sent, record it with attend plan copy {} --to WHO --how post|email|hand",
                        p.number, case.pupil.id
                    ));
                }
                event_text = format!(
                    "Record of action plan {} (meeting on {})",
                    p.number,
                    long_date(p.meeting.date)
                );
            }
        }
        Request::Review { plan } => {
            let case = case.expect("checked");
            let p = find_reviewed_plan(case, *plan)?;
            let r = p.review.as_ref().expect("reviewed");
            plan_no = Some(p.number);
            stem = format!("review-{}", p.number);
            ctx["plan"] = plan_context(case, p, &forename(case));
            ctx["review"] = review_context(case, p, r);
            event_text = format!(
                "Record of the review of action plan {} (meeting on {}): {}",
                p.number,
                long_date(r.meeting.date),
                r.outcome.label()
            );
        }
        Request::Certificate { period } => {
            let (cert, reg) = certificate_to_date(src, period, kind)?;
            let totals = &cert["totals"];
            event_text = format!(
                "Registration certificate, {} to {}: {}",
                date_short(&cert["period"]["from"]),
                date_short(&cert["period"]["to"]),
                match totals["attendance_pct"].as_str() {
                    Some(p) => format!(
                        "{p}% ({} of {} possible sessions)",
                        totals["attended"], totals["possible"]
                    ),
                    None => "no possible sessions".into(),
                }
            );
            // The register is out of date only if the period ends at its latest session (a
            // past term, or a --to before it, ends where it ends whatever was imported since).
            let last = attendance::SchoolCalendar::on(&reg.grid, src.as_of).last_date;
            if let Some(to) = cert["period"]["to"]
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                && Some(to) == last
                && src.as_of - to > Duration::days(STALE_DAYS)
            {
                warnings.push(stale_warning(to));
            }
            ctx["certificate"] = cert;
        }
        Request::CourtCertificate {
            period,
            import,
            allow_unresolved,
        } => {
            let case = case.expect("checked");
            event_text = court::court_certificate(
                &mut ctx,
                case,
                src,
                period,
                import.as_ref(),
                *allow_unresolved,
                &mut warnings,
            )?;
        }
        Request::NoticeToImprove(n) => {
            let case = case.expect("checked");
            if !(3..=6).contains(&n.weeks) {
                return Err(DocumentError::Invalid(format!(
                    "the improvement period is {} weeks: the guidance sets 3 to 6 weeks (--weeks)",
                    n.weeks
                )));
            }
            let start = n.start.unwrap_or_else(|| next_monday(src.as_of));
            if start < src.as_of {
                return Err(DocumentError::Invalid(format!(
                    "the improvement period cannot start ({start}) before the notice is given ({})",
                    src.as_of
                )));
            }
            let end = last_weekday(start + Duration::days(7 * i64::from(n.weeks) - 1));
            // the law's step needs a child of compulsory school age for the notice and its period
            let dob = crate::cases::law::dob_of(src.case, src.register, src.id);
            match crate::cases::law::check_step(
                crate::cases::law::LegalStep::NoticeToImprove,
                dob,
                src.as_of,
                end,
            ) {
                Ok(a) => warnings.extend(a.warning),
                Err(why) => return Err(DocumentError::Invalid(why)),
            }
            let s = year_to_date(src, &mut warnings, kind)?;
            let (window, max) = law::penalty_window(src)?;
            let Some(pn) = window.penalty_notice.clone() else {
                return Err(DocumentError::ThresholdNotMet {
                    pupil: name.clone(),
                    max,
                    from: uk_date(window.from),
                    to: uk_date(window.to),
                });
            };
            // each copy goes to one parent: what a penalty notice to them would be
            let forename = forename(case);
            if let Some(copies) = ctx["copies"].as_array_mut() {
                for copy in copies {
                    if let Some(parent) = copy["names"][0].as_str().map(str::to_string) {
                        copy["penalty_notice"] = Value::from(law::notice_sentence(
                            case,
                            &parent,
                            src.as_of,
                            &forename,
                            nonempty(src.config.school.local_authority.trim()),
                        ));
                    }
                }
            }
            record = Some(crate::cases::model::NoticeToImprove {
                date: src.as_of,
                from: start,
                to: end,
                weeks: n.weeks,
                target: n.target,
                decision: None,
            });
            warnings.push(format!(
                "the improvement period runs for {} calendar weeks, {} to {}: if school holidays fall in it, set the dates with --start and --weeks so that it covers {} weeks of school",
                n.weeks,
                uk_date(start),
                uk_date(end),
                n.weeks
            ));
            let support: Vec<String> = if n.support.is_empty() {
                crate::cases::plan::open_plan(case)
                    .map(|p| {
                        p.actions
                            .iter()
                            .filter(|a| matches!(a.for_, ActionFor::School | ActionFor::Agency))
                            .map(action_line)
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                n.support.iter().map(|s| s.trim().to_string()).collect()
            };
            if support.iter().all(|s| s.is_empty()) {
                return Err(DocumentError::Invalid(format!(
                    "a Notice to Improve must say what further support is offered, and the case of {} has no open plan with actions for the school or an agency: give it with --support \"...\" (repeat for each)",
                    src.id
                )));
            }
            ctx["attendance"] = figures(&s);
            ctx["notice"] = json!({
                "weeks": n.weeks,
                "from": start,
                "to": end,
                "target": n.target.map(|t| t.to_string()),
                "threshold": {
                    "sessions": pn.sessions,
                    "from": pn.from,
                    "to": pn.to,
                },
                "support_so_far": support_so_far(case),
                "support_offered": support,
                "local_authority": nonempty(src.config.school.local_authority.trim()),
            });
            event_text = format!(
                "Notice to Improve: improvement period of {} weeks, {} to {}",
                n.weeks,
                uk_date(start),
                uk_date(end)
            );
        }
        Request::ReviewInvitation(m) => {
            let case = case.expect("checked");
            let w = review_invitation(&mut ctx, case, src, m, &mut warnings)?;
            (stem, plan_no, event_text) = (w.stem, w.plan, w.event_text);
        }
        Request::Rearranged { meeting, of } => {
            let case = case.expect("checked");
            let w = rearranged(&mut ctx, case, src, meeting, *of, &mut warnings)?;
            (stem, plan_no, event_text) = (w.stem, w.plan, w.event_text);
        }
        Request::TargetMet { plan } => {
            let case = case.expect("checked");
            let w = target_met(&mut ctx, case, &letter_copies, *plan)?;
            (stem, plan_no, event_text) = (w.stem, w.plan, w.event_text);
        }
        Request::Referral => {
            let case = case.expect("checked");
            let s = year_to_date(src, &mut warnings, kind)?;
            let (window, _) = law::penalty_window(src)?;
            ctx["attendance"] = figures(&s);
            ctx["referral"] = referral_context(case, &window, src.config);
            ctx["referral"]["penalty_notices"] = law::ledger(case, src.as_of);
            ctx["referral"]["purpose"] = law::referral_purpose(case, &s, &window, src);
            event_text = format!(
                "Referral summary (case chronology) for {}",
                nonempty(src.config.school.local_authority.trim()).unwrap_or("the local authority")
            );
        }
    }
    ctx["document"]["file"] = Value::from(format!("{}-{stem}.pdf", src.as_of.format("%Y-%m-%d")));
    Ok(Prepared {
        kind,
        context: ctx,
        stem,
        event_text,
        with,
        plan: plan_no,
        notice: record,
        warnings,
    })
}
