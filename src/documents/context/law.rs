//! The law in documents: whether the pupil is of compulsory school age, what a penalty notice to
//! each parent would be, the penalty-notice ledger for a referral, and the threshold counted
//! without the sessions issued notices rest on.

use super::request::Sources;
use super::shared::not_in_register;
use crate::attendance::{self, AgeStatus, PeriodSpec, Snapshot};
use crate::cases::Case;
use crate::cases::law::dob_of;
use crate::cases::penalty::{self, NextNotice};
use crate::dates::uk_date;
use crate::documents::{DocumentError, Kind};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

/// The pupil's compulsory school age on the document's date, for `pupil.compulsory_school_age`:
/// `of_age` (true, false, or null without a date of birth), `from`, `to` and `text`.
pub(super) fn school_age(src: &Sources) -> Value {
    let dob = dob_of(src.case, src.register, src.id);
    let status = AgeStatus::of(dob, src.as_of);
    let span = status.span();
    json!({
        "of_age": status.known(),
        "from": span.map(|s| s.start),
        "to": span.map(|s| s.end),
        "text": status.describe(),
    })
}

/// What may follow a Notice to Improve for `parent`, in the words of their own copy (it finishes
/// the sentence "If ...'s attendance does not improve sufficiently during the improvement period,"):
/// a penalty notice with the amounts of their own ledger, or, after two within three years,
/// prosecution only.
pub(super) fn notice_sentence(
    case: &Case,
    parent: &str,
    on: NaiveDate,
    forename: &str,
    local_authority: Option<&str>,
) -> String {
    use crate::cases::model::NoticeOrder;
    let by = local_authority
        .map(|la| format!(" by {la}"))
        .unwrap_or_default();
    let prosecution = "The local authority may instead consider prosecuting you under section 444 of the Education Act 1996.";
    match penalty::next_notice(case, parent, on) {
        NextNotice::First => format!(
            "a penalty notice may be issued to you{by}: as the first to you for {forename} within three years, it would be {}. {prosecution}",
            penalty::amount_text(NoticeOrder::First)
        ),
        NextNotice::Second { first } => format!(
            "a penalty notice may be issued to you{by}: as the second to you for {forename} within three years (the first was issued on {}), it would be {}. {prosecution}",
            crate::dates::long_date(first),
            penalty::amount_text(NoticeOrder::Second)
        ),
        NextNotice::NotAllowed { .. } => format!(
            "the local authority may consider prosecuting you under section 444 of the Education Act 1996: two penalty notices have already been issued to you for {forename} within three years, so a further one cannot be."
        ),
    }
}

/// The penalty-notice ledger for a referral: each parent's notices and what a next one would be.
pub(super) fn ledger(case: &Case, on: NaiveDate) -> Value {
    json!({
        "parents": penalty::ledger(case, on).iter().map(|p| json!({
            "parent": p.parent,
            "relationship": p.relationship.trim(),
            "counted": p.counted,
            "next": p.next.describe(),
            "next_allowed": p.next.order().is_some(),
            "text": p.describe(),
        })).collect::<Vec<_>>(),
        "notices": case.penalty_notices.iter().map(|n| json!({
            "number": n.number,
            "parent": n.parent.trim(),
            "issued": n.issued,
            "order": n.order.as_str(),
            "amount": n.amount,
            "reduced": n.reduced,
            "from": n.sessions.from,
            "to": n.sessions.to,
            "unauthorised": n.unauthorised,
            "status": n.status_text(),
            "text": penalty::describe_notice(n),
        })).collect::<Vec<_>>(),
        "notices_to_improve": case.notices_to_improve.iter().map(|n| json!({
            "date": n.date,
            "from": n.from,
            "to": n.to,
            "weeks": n.weeks,
            "target": n.target.map(|t| t.to_string()),
            "decision": n.decision.as_ref().map(|d| json!({
                "date": d.date,
                "penalty_notice": d.penalty_notice,
                "reason": d.reason.trim(),
            })),
        })).collect::<Vec<_>>(),
    })
}

/// The figures over the 12 months to the document's date, with the penalty-notice window counted
/// as the framework counts it: only sessions when the pupil was of compulsory school age, and
/// not the sessions issued notices rest on ([`crate::attendance::penalty`]). With them, the most
/// unauthorised sessions in any window so counted.
pub(super) fn penalty_window(src: &Sources) -> Result<(Snapshot, u32), DocumentError> {
    let reg = src
        .register
        .ok_or_else(|| not_in_register(src.id, Kind::NoticeToImprove))?;
    let index = reg
        .index_of(src.id)
        .ok_or_else(|| not_in_register(src.id, Kind::NoticeToImprove))?;
    let cal = attendance::SchoolCalendar::on(&reg.grid, src.as_of);
    let from = src.as_of - Duration::days(365);
    let mut period = cal.resolve(
        &reg.grid,
        &PeriodSpec {
            from: Some(cal.first_date.map_or(from, |f| f.max(from)).min(src.as_of)),
            to: Some(src.as_of),
            ..Default::default()
        },
    )?;
    period.label = "the 12 months to date".into();
    let scope = penalty::scope(src.case, dob_of(src.case, src.register, src.id));
    let frame = attendance::Frame::new(&reg.grid, &cal, period);
    let an = frame.analyse_scoped(index, &scope);
    Ok((
        Snapshot::of(&an, &frame, &src.config.thresholds),
        an.penalty_max,
    ))
}

/// Why the school is referring, what it asks of the local authority, and the family's consent:
/// `referral.reasons` (sentences from the case and the figures), `referral.asks` and
/// `referral.consent`.
pub(super) fn referral_purpose(
    case: &Case,
    now: &Snapshot,
    window: &Snapshot,
    src: &Sources,
) -> Value {
    use crate::cases::model::{Decision, Escalation};
    let mut reasons = Vec::new();
    if let Some(p) = &now.attendance_pct {
        let band = match now.band.label() {
            "" => String::new(),
            l => format!(": {l}"),
        };
        reasons.push(format!(
            "{}’s attendance this year is {p}% ({} of {} possible sessions, {} to {}){band}.",
            case.pupil.full_name(),
            now.present + now.approved_activity,
            now.possible,
            uk_date(now.from),
            uk_date(now.to)
        ));
    }
    if let Some(pn) = &window.penalty_notice {
        reasons.push(format!(
            "The national penalty-notice threshold is met: {}.",
            pn.describe()
        ));
    }
    let reviewed: Vec<_> = case.plans.iter().filter(|p| p.review.is_some()).collect();
    if !case.plans.is_empty() {
        let not_met = reviewed
            .iter()
            .filter(|p| {
                p.review
                    .as_ref()
                    .is_some_and(|r| r.outcome != crate::cases::model::Outcome::Met)
            })
            .count();
        reasons.push(format!(
            "Support has been in place since {}: {} agreed with the family, {} reviewed, {} of them short of {}.",
            crate::dates::long_date(case.plans[0].meeting.date),
            crate::text::plural(case.plans.len(), "action plan"),
            reviewed.len(),
            not_met,
            if reviewed.len() == 1 { "its aim" } else { "their aims" }
        ));
    }
    let escalation = case
        .plans
        .iter()
        .rev()
        .filter_map(|p| p.review.as_ref().map(|r| (p, r)))
        .find(|(_, r)| r.decision == Decision::Escalate);
    if let Some((p, r)) = escalation {
        let mut l = format!(
            "At the review of plan {} on {}, the school decided to escalate to {}",
            p.number,
            crate::dates::long_date(r.meeting.date),
            r.escalation.map_or("the next step", Escalation::label)
        );
        let why: Vec<&str> = [r.what_did_not_work.trim(), r.notes.trim()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect();
        if why.is_empty() {
            l.push('.');
        } else {
            l.push_str(&format!(": {}", why.join(" ")));
            if !l.ends_with('.') {
                l.push('.');
            }
        }
        reasons.push(l);
    }
    for n in &case.notices_to_improve {
        reasons.push(format!(
            "A Notice to Improve was given on {}, with an improvement period from {} to {}.",
            crate::dates::long_date(n.date),
            crate::dates::long_date(n.from),
            crate::dates::long_date(n.to)
        ));
    }
    let of_age = AgeStatus::of(dob_of(src.case, src.register, src.id), src.as_of);
    let step = escalation.and_then(|(_, r)| r.escalation);
    let asks = if of_age.is_not_of_age() {
        format!(
            "The pupil is {}, so the legal steps (Notice to Improve, penalty notice, prosecution) do not apply: the school asks the local authority's attendance service for its support and advice in working with the family.",
            of_age.describe()
        )
    } else {
        match (step, case.stage) {
            (Some(Escalation::EarlyHelp), _) => "The school asks for an early help assessment for the family, and for the local authority's advice on the support it can offer.".to_string(),
            (Some(Escalation::NoticeToImprove), _) if !case.notices_to_improve.is_empty() => "The school asks the local authority to consider issuing a penalty notice, the Notice to Improve having been given, under its code of conduct and the national framework (the record below shows each parent's notices).".to_string(),
            (Some(Escalation::NoticeToImprove), _) => "The school asks the local authority's attendance service to support a Notice to Improve: a final chance for the family to engage with support before a penalty notice is considered.".to_string(),
            (Some(Escalation::PenaltyNotice), _) => "The school asks the local authority to consider issuing a penalty notice, under its code of conduct and the national framework (the penalty-notice record below shows each parent's notices).".to_string(),
            (Some(Escalation::Prosecution), _) => "The school asks the local authority to consider prosecution under section 444 of the Education Act 1996, having first considered an education supervision order, as section 447 requires.".to_string(),
            (Some(Escalation::LocalAuthority), _) | (None, _) => "The school asks the local authority's attendance service to work with the family and the school, and to consider formal support: an attendance contract or an education supervision order, and the legal steps if support is not engaged with.".to_string(),
        }
    };
    let consent = match case.consent_to_referral {
        Some(true) => "The family consents to this referral.",
        Some(false) => {
            "The family does not consent to this referral. (A referral for the attendance offence does not need the family's consent; early help and other voluntary support do.)"
        }
        None => {
            "The family has not yet been asked whether they consent to a referral (consent_to_referral in the case)."
        }
    };
    json!({
        "reasons": reasons,
        "asks": asks,
        "consent": consent,
        "consent_given": case.consent_to_referral,
    })
}
