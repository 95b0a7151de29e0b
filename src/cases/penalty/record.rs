//! Recording the ledger: a notice checked against the case, the register and the framework;
//! what became of it; the decision after a Notice to Improve.

use super::*;
use crate::attendance::{Frame, PeriodSpec, SchoolCalendar};
use crate::cases::law::{LegalStep, check_step, dob_of};
use crate::cases::{Stage, timeline};
use crate::register::Register;

/// A notice as the officer gives it.
#[derive(Debug, Clone)]
pub struct NoticeRequest {
    /// The parent: a number or a name (see [`find_person`]).
    pub parent: String,
    pub issued: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub note: String,
}

/// A notice ready to record, and what the officer should hear about it.
#[derive(Debug, Clone)]
pub struct CheckedNotice {
    pub notice: PenaltyNotice,
    pub relationship: String,
    pub warnings: Vec<String>,
    /// Other parents whose notices rest on some of the same sessions.
    pub shared_with: Vec<String>,
}

/// Check a notice against the case, the register and the framework.
pub fn check_notice(
    case: &Case,
    reg: &Register,
    req: &NoticeRequest,
    today: NaiveDate,
) -> Result<CheckedNotice, PenaltyError> {
    let id = &case.pupil.id;
    if case.stage == Stage::Closed {
        return Err(PenaltyError::Closed(id.to_string()));
    }
    let person = find_person(case, &req.parent)?;
    let parent = person.name.trim().to_string();
    let mut warnings = Vec::new();
    if person.parental_responsibility != Some(true) && person.lives_with_pupil != Some(true) {
        warnings.push(format!(
            "the case does not record {parent} as holding parental responsibility or living with the pupil: a penalty notice goes to a parent (someone with parental responsibility or who has care of the child)"
        ));
    }
    if req.to < req.from {
        return Err(PenaltyError::Dates(format!(
            "the sessions run from {} to {}: the first date comes first (--sessions FROM..TO)",
            req.from, req.to
        )));
    }
    if req.issued > today {
        return Err(PenaltyError::Dates(format!(
            "the notice is dated {} , after today ({today}): record a notice once it is issued",
            req.issued
        )));
    }
    if req.issued < req.to {
        return Err(PenaltyError::Dates(format!(
            "the notice ({}) is dated before the last of the sessions it rests on ({}): a notice follows the absence",
            req.issued, req.to
        )));
    }
    if req.issued < framework_start() {
        return Err(PenaltyError::Dates(format!(
            "attend keeps the ledger of the national framework, for notices issued from {}; a notice issued on {} does not count toward its limit (note it on the timeline with attend case log {id} --kind note \"...\")",
            uk_date(framework_start()),
            uk_date(req.issued)
        )));
    }
    let dob = dob_of(Some(case), Some(reg), id);
    match check_step(LegalStep::PenaltyNotice, dob, req.from, req.to) {
        Ok(a) => warnings.extend(a.warning),
        Err(e) => {
            // part of the dates may still be of age: only wholly outside it is refused here,
            // the threshold below counts the sessions of age only
            let of_age = dob.map(crate::attendance::CompulsorySchoolAge::for_dob);
            if of_age.is_some_and(|a| a.within(req.from, req.to).is_none()) {
                return Err(PenaltyError::NotOfAge(e));
            }
        }
    }
    let next = next_notice(case, &parent, req.issued);
    let order = match &next {
        NextNotice::NotAllowed { issued } => {
            return Err(PenaltyError::Third {
                parent,
                first: issued[0],
                second: issued[1],
            });
        }
        n => n.order().expect("allowed"),
    };
    // the register: the sessions must meet the threshold within at most 10 school weeks
    let index = reg.index_of(id).ok_or_else(|| {
        PenaltyError::Register(format!(
            "{id} is not in the register: a notice rests on the pupil's register marks (import an export that holds the pupil)"
        ))
    })?;
    let cal = SchoolCalendar::on(&reg.grid, req.issued);
    if let Some(last) = cal.last_date
        && last < req.to
    {
        return Err(PenaltyError::Register(format!(
            "the register runs to {} only: import the export that holds the sessions to {}",
            uk_date(last),
            uk_date(req.to)
        )));
    }
    let period = cal
        .resolve(
            &reg.grid,
            &PeriodSpec {
                from: Some(req.from),
                to: Some(req.to),
                ..Default::default()
            },
        )
        .map_err(|e| PenaltyError::Register(e.to_string()))?;
    let frame = Frame::new(&reg.grid, &cal, period);
    let weeks = frame.school_weeks().len();
    if weeks > PENALTY_NOTICE_WEEKS {
        return Err(PenaltyError::TooManyWeeks {
            from: req.from,
            to: req.to,
            weeks,
        });
    }
    // sessions already used by this parent's other notices do not count again
    let own: Vec<(NaiveDate, NaiveDate)> = case
        .penalty_notices
        .iter()
        .filter(|n| same_person(&n.parent, &parent) && !n.is_withdrawn())
        .map(|n| (n.sessions.from, n.sessions.to))
        .collect();
    let scope = PenaltyScope::for_pupil(dob, own.clone());
    let an = frame.analyse_scoped(index, &scope);
    let counted = an.penalty_max;
    if counted < PENALTY_NOTICE_SESSIONS {
        let all = frame.analyse(index).penalty_max;
        let mut why = Vec::new();
        if all > counted {
            if !own.is_empty() {
                why.push(format!(
                    "sessions that {parent}'s earlier notices rest on do not count again"
                ));
            }
            if scope
                .of_age
                .is_some_and(|a| a.within(req.from, req.to) != Some((req.from, req.to)))
            {
                why.push(
                    "sessions when the pupil was not of compulsory school age do not count".into(),
                );
            }
        }
        return Err(PenaltyError::ThresholdNotMet {
            parent,
            counted,
            from: uk_date(req.from),
            to: uk_date(req.to),
            left_out: if why.is_empty() {
                String::new()
            } else {
                format!(" ({} of them in all; {})", all, why.join("; "))
            },
        });
    }
    let shared_with: Vec<String> = case
        .penalty_notices
        .iter()
        .filter(|n| !same_person(&n.parent, &parent) && !n.is_withdrawn())
        .filter(|n| n.sessions.from <= req.to && req.from <= n.sessions.to)
        .map(|n| n.parent.trim().to_string())
        .fold(Vec::new(), |mut v, p| {
            if !v.contains(&p) {
                v.push(p);
            }
            v
        });
    let (amount, reduced) = amounts(order);
    Ok(CheckedNotice {
        notice: PenaltyNotice {
            number: case.penalty_notices.len() as u32 + 1,
            parent,
            issued: req.issued,
            sessions: SessionRange {
                from: req.from,
                to: req.to,
            },
            unauthorised: counted,
            order,
            amount,
            reduced,
            note: req.note.trim().to_string(),
            updates: vec![],
        },
        relationship: person.relationship.trim().to_string(),
        warnings,
        shared_with,
    })
}

/// What recording a notice did.
#[derive(Debug, Clone)]
pub struct NoticeRecorded {
    pub number: u32,
    pub stage: Option<StageChange>,
}

/// Record a checked notice: appended to the ledger, on the timeline, the case raised to
/// `enforce`, and a Notice to Improve awaiting its decision marked as followed by a notice.
pub fn record_notice(case: &mut Case, checked: CheckedNotice, by: &str) -> NoticeRecorded {
    let n = checked.notice;
    let number = n.number;
    let who = if checked.relationship.is_empty() {
        n.parent.clone()
    } else {
        format!("{} ({})", n.parent, checked.relationship)
    };
    let mut text = format!(
        "Penalty notice {number} issued to {who}: the {} within three years, {}; it rests on {} unauthorised sessions (G, N, O, U) from {} to {}",
        n.order.as_str(),
        amount_text(n.order),
        n.unauthorised,
        uk_date(n.sessions.from),
        uk_date(n.sessions.to)
    );
    if !n.note.is_empty() {
        text.push_str(&format!(". {}", n.note));
    }
    let date = n.issued;
    if let Some(nti) = case
        .notices_to_improve
        .iter_mut()
        .rev()
        .find(|t| t.decision.is_none() && t.date <= date)
    {
        nti.decision = Some(NoticeDecision {
            date,
            penalty_notice: true,
            reason: format!("penalty notice {number} issued to {}", n.parent),
        });
    }
    case.penalty_notices.push(n.clone());
    case.timeline.push(Event {
        date,
        kind: EventKind::PenaltyNotice,
        by: by.trim().to_string(),
        with: n.parent.clone(),
        text,
        stage: None,
        plan: None,
        document: None,
        seal: None,
    });
    let stage = timeline::raise_stage(
        case,
        Stage::Enforce,
        date,
        by,
        &format!("penalty notice {number} issued"),
    );
    NoticeRecorded { number, stage }
}

/// Record what became of notice `number`: paid, withdrawn, unpaid or prosecuted. Returns what the
/// officer should hear.
pub fn update_notice(
    case: &mut Case,
    number: u32,
    status: PenaltyStatus,
    date: NaiveDate,
    note: &str,
    today: NaiveDate,
    by: &str,
) -> Result<Vec<String>, PenaltyError> {
    let count = case.penalty_notices.len();
    let n = case
        .penalty_notices
        .get_mut((number as usize).wrapping_sub(1))
        .ok_or_else(|| {
            PenaltyError::Update(if count == 0 {
                "the case has no penalty notices: record one first with attend penalty record"
                    .into()
            } else {
                format!("there is no penalty notice {number}: the case has {count}")
            })
        })?;
    if date > today {
        return Err(PenaltyError::Update(format!(
            "{date} is after today ({today}): record what has happened"
        )));
    }
    if date < n.issued {
        return Err(PenaltyError::Update(format!(
            "{date} is before the notice was issued ({})",
            n.issued
        )));
    }
    if let Some(last) = n.updates.last()
        && date < last.date
    {
        return Err(PenaltyError::Update(format!(
            "{date} is before the notice's last update ({}, {})",
            last.date,
            last.status.as_str()
        )));
    }
    use PenaltyStatus::*;
    let allowed = match n.status() {
        None => true,
        Some(Unpaid) => matches!(status, Paid | Withdrawn | Prosecuted),
        Some(Paid | Withdrawn | Prosecuted) => false,
    };
    if !allowed {
        return Err(PenaltyError::Update(format!(
            "penalty notice {number} is already {}: it cannot now be recorded as {}",
            n.status_text(),
            status.as_str()
        )));
    }
    let days = (date - n.issued).num_days();
    let mut warnings = Vec::new();
    let what = match status {
        Paid => {
            let paid = match n.reduced {
                Some(r) if days <= REDUCED_DAYS => format!("£{r}, within {REDUCED_DAYS} days"),
                _ => format!("£{}", n.amount),
            };
            if days > PAY_DAYS {
                warnings.push(format!(
                    "recorded as paid {days} days after it was issued: a notice is paid within {PAY_DAYS} days of receipt, after which the local authority considers prosecution instead; check the date with the local authority"
                ));
            }
            format!("paid ({paid}; {} after it was issued)", plural(days, "day"))
        }
        Unpaid => {
            if days < PAY_DAYS {
                warnings.push(format!(
                    "recorded as unpaid {days} days after it was issued: parents have {PAY_DAYS} days from receipt to pay"
                ));
            }
            "not paid within 28 days: the local authority considers prosecution for the attendance offence".into()
        }
        Withdrawn => "withdrawn: it does not count toward the limit of two, and its sessions may support another notice".into(),
        Prosecuted => "the parent was prosecuted for the attendance offence".into(),
    };
    n.updates.push(PenaltyUpdate {
        date,
        status,
        note: note.trim().to_string(),
    });
    let mut text = format!("Penalty notice {number} ({}): {what}", n.parent);
    if !note.trim().is_empty() {
        text.push_str(&format!(". {}", note.trim()));
    }
    let parent = n.parent.clone();
    case.timeline.push(Event {
        date,
        kind: EventKind::PenaltyNotice,
        by: by.trim().to_string(),
        with: parent,
        text,
        stage: None,
        plan: None,
        document: None,
        seal: None,
    });
    Ok(warnings)
}

/// Record the decision not to issue a penalty notice after the latest Notice to Improve whose
/// decision is pending.
pub fn no_notice(
    case: &mut Case,
    reason: &str,
    date: NaiveDate,
    today: NaiveDate,
    by: &str,
) -> Result<NoticeToImprove, PenaltyError> {
    if reason.trim().is_empty() {
        return Err(PenaltyError::Update(
            "say why no penalty notice is issued (--reason \"...\"): it is recorded on the timeline".into(),
        ));
    }
    if date > today {
        return Err(PenaltyError::Update(format!(
            "{date} is after today ({today}): record a decision once it is made"
        )));
    }
    let Some(nti) = case
        .notices_to_improve
        .iter_mut()
        .rev()
        .find(|t| t.decision.is_none())
    else {
        return Err(PenaltyError::Update(
            "no Notice to Improve in this case is waiting for a decision".into(),
        ));
    };
    if date < nti.date {
        return Err(PenaltyError::Update(format!(
            "{date} is before the Notice to Improve ({})",
            nti.date
        )));
    }
    nti.decision = Some(NoticeDecision {
        date,
        penalty_notice: false,
        reason: reason.trim().to_string(),
    });
    let done = nti.clone();
    case.timeline.push(Event {
        date,
        kind: EventKind::Note,
        by: by.trim().to_string(),
        with: String::new(),
        text: format!(
            "No penalty notice after the Notice to Improve of {} (improvement period {} to {}): {}",
            uk_date(done.date),
            uk_date(done.from),
            uk_date(done.to),
            reason.trim()
        ),
        stage: None,
        plan: None,
        document: None,
        seal: None,
    });
    Ok(done)
}
