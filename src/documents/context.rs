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

use super::{DocumentError, Kind, TimeOfDay};
use crate::attendance::{self, Band, Fraction, PeriodSpec, Snapshot};
use crate::cases::Case;
use crate::cases::model::{
    Action, ActionFor, Aim, Attendee, Decision, Outcome, Percent, Person, PupilDetails, Review,
};
use crate::codes::{Code, CodeSet};
use crate::config::Config;
use crate::register::{Pupil, Register};
use crate::upn::PupilId;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::{Value, json};

/// Where a document's facts come from.
pub struct Sources<'a> {
    pub config: &'a Config,
    /// The pupil the document is about.
    pub id: &'a PupilId,
    /// The pupil's case (every document but the certificate needs one).
    pub case: Option<&'a Case>,
    /// The register, loaded over the years the document's figures need.
    pub register: Option<&'a Register>,
    /// The date of the document.
    pub as_of: NaiveDate,
}

/// The meeting an invitation is for.
#[derive(Debug, Clone)]
pub struct MeetingDetails {
    pub date: NaiveDate,
    pub time: TimeOfDay,
    pub place: String,
    /// How long it is expected to last, when the school says.
    pub minutes: Option<u32>,
    /// Who will be there from the school and other services.
    pub attendees: Vec<Attendee>,
}

/// The review meeting a covering letter mentions (its date is the plan's review date).
#[derive(Debug, Clone, Default)]
pub struct ReviewMeeting {
    pub time: Option<TimeOfDay>,
    pub place: String,
}

/// What a Notice to Improve sets.
#[derive(Debug, Clone)]
pub struct NoticeDetails {
    /// The improvement period, in weeks: 3 to 6.
    pub weeks: u32,
    /// Its first day (default: the Monday after the notice).
    pub start: Option<NaiveDate>,
    /// Attendance to reach during the period, besides no unauthorised absence.
    pub target: Option<Percent>,
    /// The further support offered (default: the open plan's actions for the school and agencies).
    pub support: Vec<String>,
}

/// Which document, with what only the officer can say.
#[derive(Debug, Clone)]
pub enum Request {
    ConcernLetter,
    Invitation(MeetingDetails),
    /// The record of plan N (default: the latest plan).
    Plan {
        plan: Option<u32>,
    },
    PlanLetter {
        plan: Option<u32>,
        review: ReviewMeeting,
    },
    /// The record of plan N's review (default: the latest reviewed plan).
    Review {
        plan: Option<u32>,
    },
    Certificate {
        period: PeriodSpec,
    },
    NoticeToImprove(NoticeDetails),
    Referral,
}

impl Request {
    pub fn kind(&self) -> Kind {
        match self {
            Request::ConcernLetter => Kind::ConcernLetter,
            Request::Invitation(_) => Kind::Invitation,
            Request::Plan { .. } => Kind::Plan,
            Request::PlanLetter { .. } => Kind::PlanLetter,
            Request::Review { .. } => Kind::Review,
            Request::Certificate { .. } => Kind::Certificate,
            Request::NoticeToImprove(_) => Kind::NoticeToImprove,
            Request::Referral => Kind::Referral,
        }
    }
}

/// A document ready to render: its context, and what to record when it is issued.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: Kind,
    pub context: Value,
    /// The file name without the date and extension: `invitation`, `plan-2`.
    pub stem: String,
    /// The timeline entry's text.
    pub event_text: String,
    /// Who the document is to (the timeline entry's `with`).
    pub with: String,
    /// The plan it is about.
    pub plan: Option<u32>,
    /// Things the officer should check (printed, never in the document).
    pub warnings: Vec<String>,
}

/// The register's figures are this many days behind the document's date before attend warns.
const STALE_DAYS: i64 = 7;

/// Gather a document's context, checking first that it can be written.
pub fn prepare(req: &Request, src: &Sources) -> Result<Prepared, DocumentError> {
    let kind = req.kind();
    check_letterhead(src.config, kind)?;
    let mut warnings = Vec::new();
    let mut ctx = common(src, kind)?;
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
    let event_text;
    if kind.is_letter() {
        let case = case.expect("letters need a case");
        let (recipients, copies) = addressees(case, kind, &name, &mut warnings)?;
        with = names_text(&recipients);
        ctx["recipients"] = Value::Array(
            recipient_people(case)
                .map(|p| {
                    json!({
                        "name": p.name,
                        "relationship": p.relationship,
                    })
                })
                .collect(),
        );
        ctx["copies"] = Value::Array(copies);
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
            if m.date < src.as_of {
                return Err(DocumentError::Invalid(format!(
                    "the meeting date {} is before the date of the letter ({}): give the meeting's date with --date",
                    m.date, src.as_of
                )));
            }
            if m.date.weekday() == Weekday::Sat || m.date.weekday() == Weekday::Sun {
                warnings.push(format!(
                    "the meeting is on a {} ({})",
                    m.date.format("%A"),
                    m.date
                ));
            }
            if m.date - src.as_of < Duration::days(5) {
                warnings.push(format!(
                    "the meeting is {} day{} after the letter: allow time for it to arrive and for the family to arrange another time",
                    (m.date - src.as_of).num_days(),
                    if (m.date - src.as_of).num_days() == 1 { "" } else { "s" }
                ));
            }
            if m.place.trim().is_empty() {
                return Err(DocumentError::Invalid(
                    "say where the meeting will be held with --place".into(),
                ));
            }
            let s = year_to_date(src, &mut warnings, kind)?;
            ctx["attendance"] = figures(&s);
            ctx["meeting"] = json!({
                "date": m.date,
                "time": m.time.to_string(),
                "place": m.place.trim(),
                "minutes": m.minutes,
                "attendees": m.attendees.iter().map(attendee).collect::<Vec<_>>(),
            });
            event_text = format!(
                "Invitation to an attendance meeting on {} at {}, {}",
                m.date.format("%A %-d %B %Y"),
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
                    p.review_date.format("%-d %B %Y")
                );
            } else {
                if p.meeting.parents_attended && !p.copies.iter().any(|c| c.sent.is_some()) {
                    warnings.push(format!(
                        "plan {} records no copy sent yet: add who received it to the case (copies:) once it is sent",
                        p.number
                    ));
                }
                event_text = format!(
                    "Record of action plan {} (meeting on {})",
                    p.number,
                    p.meeting.date.format("%-d %B %Y")
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
                r.meeting.date.format("%-d %B %Y"),
                r.outcome.label()
            );
        }
        Request::Certificate { period } => {
            let reg = src.register.ok_or_else(|| not_in_register(src.id, kind))?;
            let index = reg
                .index_of(src.id)
                .ok_or_else(|| not_in_register(src.id, kind))?;
            // a document dated on the as-of day shows the register up to that day
            let mut spec = period.clone();
            spec.to = Some(spec.to.unwrap_or(src.as_of));
            let cert = super::certificate::certificate(reg, index, &spec, &src.config.thresholds)?;
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
            let last = attendance::SchoolCalendar::of(&reg.grid).last_date;
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
        Request::NoticeToImprove(n) => {
            let case = case.expect("checked");
            if !(3..=6).contains(&n.weeks) {
                return Err(DocumentError::Invalid(format!(
                    "the improvement period is {} weeks: the guidance sets 3 to 6 weeks (--weeks)",
                    n.weeks
                )));
            }
            let s = year_to_date(src, &mut warnings, kind)?;
            let window = penalty_window(src)?;
            let Some(pn) = window.penalty_notice.clone() else {
                return Err(DocumentError::ThresholdNotMet {
                    pupil: name.clone(),
                    max: penalty_max(src)?,
                    from: window.from.format("%d/%m/%Y").to_string(),
                    to: window.to.format("%d/%m/%Y").to_string(),
                });
            };
            let start = n.start.unwrap_or_else(|| next_monday(src.as_of));
            if start < src.as_of {
                return Err(DocumentError::Invalid(format!(
                    "the improvement period cannot start ({start}) before the notice is given ({})",
                    src.as_of
                )));
            }
            let end = last_weekday(start + Duration::days(7 * i64::from(n.weeks) - 1));
            warnings.push(format!(
                "the improvement period runs for {} calendar weeks, {} to {}: if school holidays fall in it, set the dates with --start and --weeks so that it covers {} weeks of school",
                n.weeks,
                start.format("%d/%m/%Y"),
                end.format("%d/%m/%Y"),
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
                start.format("%d/%m/%Y"),
                end.format("%d/%m/%Y")
            );
        }
        Request::Referral => {
            let case = case.expect("checked");
            let s = year_to_date(src, &mut warnings, kind)?;
            let window = penalty_window(src)?;
            ctx["attendance"] = figures(&s);
            ctx["referral"] = referral_context(case, &window, src.config);
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
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// What every document shares
// ---------------------------------------------------------------------------------------------

fn check_letterhead(c: &Config, kind: Kind) -> Result<(), DocumentError> {
    let s = &c.school;
    let mut missing = Vec::new();
    if s.name.trim().is_empty() {
        missing.push("the school's name (school.name)");
    }
    if kind.is_letter() {
        if s.attendance_lead.name.trim().is_empty() {
            missing.push("who signs letters (school.attendance_lead.name)");
        }
        let reachable = [
            &s.phone,
            &s.email,
            &s.attendance_lead.phone,
            &s.attendance_lead.email,
            &c.letters.contact_line,
        ]
        .iter()
        .any(|x| !x.trim().is_empty());
        if !reachable {
            missing.push("how families contact the school (school.phone or school.email)");
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DocumentError::Letterhead(join_and(&missing)))
    }
}

fn nonempty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn common(src: &Sources, kind: Kind) -> Result<Value, DocumentError> {
    let c = src.config;
    let s = &c.school;
    let lead = &s.attendance_lead;
    let logo = s.logo.trim();
    let logo = (!logo.is_empty()).then(|| super::issue::logo_asset_name(logo));
    let contact_line = if c.letters.contact_line.trim().is_empty() {
        contact_text(c)
    } else {
        c.letters.contact_line.trim().to_string()
    };
    let (sign_name, sign_role) = match kind {
        Kind::NoticeToImprove if !s.headteacher.trim().is_empty() => {
            (s.headteacher.trim().to_string(), "Headteacher".to_string())
        }
        _ => (lead.name.trim().to_string(), lead.role.trim().to_string()),
    };
    let pupil = match src.case {
        Some(c) => pupil_from_case(&c.pupil),
        None => {
            let reg = src.register.ok_or_else(|| not_in_register(src.id, kind))?;
            let i = reg
                .index_of(src.id)
                .ok_or_else(|| not_in_register(src.id, kind))?;
            pupil_from_register(&reg.pupils[i])
        }
    };
    Ok(json!({
        "document": {
            "kind": kind.name(),
            "title": kind.title(),
            "date": src.as_of,
            "file": Value::Null,
        },
        "school": {
            "name": s.name.trim(),
            "address": s.address.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
            "phone": s.phone.trim(),
            "email": s.email.trim(),
            "website": s.website.trim(),
            "headteacher": s.headteacher.trim(),
            "local_authority": s.local_authority.trim(),
            "logo": logo,
        },
        "signatory": {
            "name": sign_name,
            "role": sign_role,
        },
        "contact": {
            "name": lead.name.trim(),
            "role": lead.role.trim(),
            "phone": first_nonempty(&[&lead.phone, &s.phone]),
            "email": first_nonempty(&[&lead.email, &s.email]),
            "line": contact_line,
        },
        "consequence": c.letters.consequence.trim(),
        "thresholds": {
            "persistent": c.thresholds.persistent,
            "severe": c.thresholds.severe,
        },
        "pupil": pupil,
    }))
}

fn first_nonempty(v: &[&String]) -> String {
    v.iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string()
}

/// "Mr D. Hughes, Attendance Officer, on 01234 567891 or at d.hughes@school.uk".
fn contact_text(c: &Config) -> String {
    let s = &c.school;
    let lead = &s.attendance_lead;
    let phone = first_nonempty(&[&lead.phone, &s.phone]);
    let email = first_nonempty(&[&lead.email, &s.email]);
    let who = match (lead.name.trim(), lead.role.trim()) {
        ("", "") => "the school".to_string(),
        (n, "") => n.to_string(),
        ("", r) => format!("our {r}"),
        (n, r) => format!("{n}, {r},"),
    };
    let who = who.trim_end_matches(',');
    let how = match (phone.is_empty(), email.is_empty()) {
        (false, false) => format!("on {phone} or by email at {email}"),
        (false, true) => format!("on {phone}"),
        (true, false) => format!("by email at {email}"),
        (true, true) => String::new(),
    };
    if how.is_empty() {
        who.to_string()
    } else if who.contains(',') {
        format!("{who}, {how}")
    } else {
        format!("{who} {how}")
    }
}

/// "Year 8" for "8", "Reception" for "R"; otherwise as the register has it.
fn year_text(y: &str) -> String {
    let y = y.trim();
    if y.is_empty() {
        String::new()
    } else if y.chars().all(|c| c.is_ascii_digit()) {
        format!("Year {}", y.trim_start_matches('0'))
    } else if y.eq_ignore_ascii_case("r") || y.eq_ignore_ascii_case("rec") {
        "Reception".into()
    } else {
        y.to_string()
    }
}

fn pupil_json(
    id: &PupilId,
    forename: &str,
    surname: &str,
    preferred_forename: &str,
    preferred_surname: &str,
    dob: Option<NaiveDate>,
    rest: [&str; 6],
) -> Value {
    let pf = if preferred_forename.trim().is_empty() {
        forename.trim()
    } else {
        preferred_forename.trim()
    };
    let ps = if preferred_surname.trim().is_empty() {
        surname.trim()
    } else {
        preferred_surname.trim()
    };
    let [year, reg_group, gender, fsm, sen, eal] = rest;
    json!({
        "id": id.as_str(),
        "upn": id.upn().map(|u| u.as_str().to_string()),
        "name": format!("{pf} {ps}").trim(),
        "forename": pf,
        "surname": ps,
        "legal_name": format!("{} {}", forename.trim(), surname.trim()).trim(),
        "legal_forename": forename.trim(),
        "legal_surname": surname.trim(),
        "dob": dob,
        "year": year_text(year),
        "reg_group": reg_group.trim(),
        "gender": gender.trim(),
        "fsm": fsm.trim(),
        "sen": sen.trim(),
        "eal": eal.trim(),
    })
}

fn pupil_from_case(p: &PupilDetails) -> Value {
    pupil_json(
        &p.id,
        &p.forename,
        &p.surname,
        &p.preferred_forename,
        &p.preferred_surname,
        p.dob,
        [&p.year, &p.reg_group, &p.gender, &p.fsm, &p.sen, &p.eal],
    )
}

fn pupil_from_register(p: &Pupil) -> Value {
    pupil_json(
        &p.id,
        &p.forename,
        &p.surname,
        &p.preferred_forename,
        &p.preferred_surname,
        p.dob,
        [&p.year, &p.reg_group, &p.gender, &p.fsm, &p.sen, &p.eal],
    )
}

fn pupil_name(src: &Sources, case: Option<&Case>) -> String {
    match case {
        Some(c) => c.pupil.full_name(),
        None => src
            .register
            .and_then(|r| r.index_of(src.id).map(|i| r.pupils[i].full_name()))
            .unwrap_or_else(|| src.id.to_string()),
    }
}

/// Free text as written in a case file, for a document: lines wrapped by hand join into one
/// paragraph; a blank line starts a new paragraph; a line that starts a list item ("- ", "* ",
/// "1. ") stays on its own line.
pub fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.trim().lines() {
        let l = line.trim();
        if l.is_empty() {
            blank = true;
            continue;
        }
        let item = l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("• ")
            || l.split_once(". ").is_some_and(|(n, _)| {
                !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit())
            });
        if !out.is_empty() {
            out.push_str(if blank {
                "\n\n"
            } else if item {
                "\n"
            } else {
                " "
            });
        }
        out.push_str(l);
        blank = false;
    }
    out
}

/// The name a letter uses for the pupil: the preferred forename.
fn forename(case: &Case) -> String {
    let p = &case.pupil;
    if p.preferred_forename.trim().is_empty() {
        p.forename.trim().to_string()
    } else {
        p.preferred_forename.trim().to_string()
    }
}

fn not_in_register(id: &PupilId, kind: Kind) -> DocumentError {
    DocumentError::NotInRegister {
        id: id.to_string(),
        what: kind.in_sentence(),
    }
}

/// "A", "A and B", "A, B and C".
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [a] => a.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

fn names_text(people: &[&Person]) -> String {
    join_and(&people.iter().map(|p| p.name.trim()).collect::<Vec<_>>())
}

fn date_short(v: &Value) -> String {
    v.as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// The Monday after `d` (a week's notice at most, time for a letter to arrive).
fn next_monday(d: NaiveDate) -> NaiveDate {
    d + Duration::days(7 - i64::from(d.weekday().num_days_from_monday()))
}

fn last_weekday(d: NaiveDate) -> NaiveDate {
    let mut n = d;
    while matches!(n.weekday(), Weekday::Sat | Weekday::Sun) {
        n -= Duration::days(1);
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Addressing letters
// ---------------------------------------------------------------------------------------------

fn recipient_people(case: &Case) -> impl Iterator<Item = &Person> {
    case.with_parental_responsibility()
}

/// The people a letter is addressed to, and its copies: one per address for letters (everyone
/// with parental responsibility who lives there), one per person for a Notice to Improve (each
/// parent is given their own notice).
fn addressees<'c>(
    case: &'c Case,
    kind: Kind,
    pupil_name: &str,
    warnings: &mut Vec<String>,
) -> Result<(Vec<&'c Person>, Vec<Value>), DocumentError> {
    let people: Vec<&Person> = recipient_people(case).collect();
    if people.is_empty() {
        if kind != Kind::ConcernLetter {
            return Err(DocumentError::NoParentalResponsibility {
                id: case.pupil.id.to_string(),
                what: kind.in_sentence(),
            });
        }
        warnings.push(format!(
            "nobody in the case is recorded as holding parental responsibility: the letter is addressed to \"the parent or carer of {pupil_name}\", with no address (add the parents to the case with attend case edit {})",
            case.pupil.id
        ));
        return Ok((
            people,
            vec![json!({
                "names": [format!("The parent or carer of {pupil_name}")],
                "address": [],
                "salutation": "Dear Parent or Carer",
            })],
        ));
    }
    for p in &people {
        if p.address.iter().all(|l| l.trim().is_empty()) {
            warnings.push(format!(
                "no postal address is recorded for {}: their copy has only their name on it",
                p.name.trim()
            ));
        }
    }
    let key = |p: &Person| -> Vec<String> {
        p.address
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .filter(|l| !l.is_empty())
            .collect()
    };
    let mut groups: Vec<(Vec<String>, Vec<&Person>)> = Vec::new();
    for p in &people {
        let k = key(p);
        let shared = kind != Kind::NoticeToImprove && !k.is_empty();
        match groups.iter_mut().find(|(gk, _)| shared && *gk == k) {
            Some((_, g)) => g.push(p),
            None => groups.push((k, vec![p])),
        }
    }
    let copies = groups
        .into_iter()
        .map(|(_, g)| {
            let names: Vec<&str> = g.iter().map(|p| p.name.trim()).collect();
            json!({
                "names": names,
                "address": g[0].address.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
                "salutation": format!("Dear {}", join_and(&names)),
            })
        })
        .collect();
    Ok((people, copies))
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

fn stale_warning(to: NaiveDate) -> String {
    format!(
        "the register's latest session is {}: the figures stop there (import the latest export to bring them up to date)",
        to.format("%d/%m/%Y")
    )
}

/// The academic year to date on the document's date.
fn year_to_date(
    src: &Sources,
    warnings: &mut Vec<String>,
    kind: Kind,
) -> Result<Snapshot, DocumentError> {
    let reg = src.register.ok_or_else(|| not_in_register(src.id, kind))?;
    let index = reg
        .index_of(src.id)
        .ok_or_else(|| not_in_register(src.id, kind))?;
    let s = attendance::snapshot(
        reg,
        index,
        &PeriodSpec {
            to: Some(src.as_of),
            ..Default::default()
        },
        None,
        &src.config.thresholds,
    )?;
    if src.as_of - s.to > Duration::days(STALE_DAYS) {
        warnings.push(stale_warning(s.to));
    }
    Ok(s)
}

/// The figures over the 12 months to the document's date, for the penalty-notice threshold
/// (whose rolling 10 school weeks may cross terms and school years).
fn penalty_window(src: &Sources) -> Result<Snapshot, DocumentError> {
    let reg = src
        .register
        .ok_or_else(|| not_in_register(src.id, Kind::NoticeToImprove))?;
    let index = reg
        .index_of(src.id)
        .ok_or_else(|| not_in_register(src.id, Kind::NoticeToImprove))?;
    let from = src.as_of - Duration::days(365);
    let first = attendance::SchoolCalendar::of(&reg.grid).first_date;
    Ok(attendance::snapshot(
        reg,
        index,
        &PeriodSpec {
            from: Some(first.map_or(from, |f| f.max(from)).min(src.as_of)),
            to: Some(src.as_of),
            ..Default::default()
        },
        Some("the 12 months to date"),
        &src.config.thresholds,
    )?)
}

/// The most unauthorised sessions in any 10 school weeks of the last 12 months.
fn penalty_max(src: &Sources) -> Result<u32, DocumentError> {
    let reg = src
        .register
        .ok_or_else(|| not_in_register(src.id, Kind::NoticeToImprove))?;
    let index = reg
        .index_of(src.id)
        .ok_or_else(|| not_in_register(src.id, Kind::NoticeToImprove))?;
    let cal = attendance::SchoolCalendar::of(&reg.grid);
    let from = src.as_of - Duration::days(365);
    let period = cal.resolve(
        &reg.grid,
        &PeriodSpec {
            from: Some(cal.first_date.map_or(from, |f| f.max(from)).min(src.as_of)),
            to: Some(src.as_of),
            ..Default::default()
        },
    )?;
    let frame = attendance::Frame::new(&reg.grid, &cal, period);
    Ok(frame.analyse(index).penalty_max)
}

fn describe_figures(s: &Snapshot) -> String {
    s.describe()
}

fn code_meaning(code: &str, to: NaiveDate) -> (String, String) {
    let Some(c) = Code::parse(code) else {
        return (String::new(), String::new());
    };
    let set = CodeSet::for_date(to);
    let (set, cat) = match c.category(set) {
        Some(cat) => (set, cat),
        None => {
            let other = if set == CodeSet::Regs2024 {
                CodeSet::Regs2006
            } else {
                CodeSet::Regs2024
            };
            match c.category(other) {
                Some(cat) => (other, cat),
                None => return (String::new(), String::new()),
            }
        }
    };
    (c.meaning(set).to_string(), cat.label().to_string())
}

fn day_name(short: &str) -> &'static str {
    match short {
        "Mon" => "Monday",
        "Tue" => "Tuesday",
        "Wed" => "Wednesday",
        "Thu" => "Thursday",
        "Fri" => "Friday",
        "Sat" => "Saturday",
        _ => "Sunday",
    }
}

/// A frozen or computed set of figures, as documents show it: every figure with its denominator.
pub fn figures(s: &Snapshot) -> Value {
    let attended = s.present + s.approved_activity;
    let absent = s.authorised + s.unauthorised;
    json!({
        "period": s.period,
        "from": s.from,
        "to": s.to,
        "possible": s.possible,
        "attended": attended,
        "present": s.present,
        "approved_activity": s.approved_activity,
        "absent": absent,
        "absent_days": days_text(absent),
        "authorised": s.authorised,
        "unauthorised": s.unauthorised,
        "late_before_close": s.late_before_close,
        "late_after_close": s.late_after_close,
        "attendance_pct": s.attendance_pct,
        "absence_pct": Fraction::new(absent, s.possible).map(Fraction::pct),
        "authorised_pct": s.authorised_pct,
        "unauthorised_pct": s.unauthorised_pct,
        "band": s.band.as_str(),
        "band_label": s.band.label(),
        "persistent": matches!(s.band, Band::Persistent | Band::Severe),
        "severe": s.band == Band::Severe,
        "last_4_weeks": s.last_4_weeks.as_ref().map(|r| json!({
            "from": r.from,
            "to": r.to,
            "possible": r.possible,
            "attended": r.attended,
            "attendance_pct": r.attendance_pct,
        })),
        "absence_codes": s.absence_codes.iter().map(|c| {
            let (meaning, category) = code_meaning(&c.code, s.to);
            json!({
                "code": c.code,
                "sessions": c.sessions,
                "meaning": crate::attendance::capitalise(&meaning),
                "category": category,
            })
        }).collect::<Vec<_>>(),
        "weekdays": s.weekdays.iter().map(|d| json!({
            "day": day_name(&d.day),
            "possible": d.possible,
            "absent": d.absent,
            "absence_pct": Fraction::new(d.absent, d.possible).map(Fraction::pct),
        })).collect::<Vec<_>>(),
        "holiday_adjacent": s.holiday_adjacent,
        "holiday_adjacent_possible": s.holiday_adjacent_possible,
        "penalty_notice": s.penalty_notice.as_ref().map(|p| json!({
            "from": p.from,
            "to": p.to,
            "sessions": p.sessions,
        })),
    })
}

/// Sessions as school days, in words: "half a school day", "1 school day", "16 and a half
/// school days".
fn days_text(sessions: u32) -> String {
    let (days, half) = (sessions / 2, sessions % 2 == 1);
    match (days, half) {
        (0, false) => "no school days".into(),
        (0, true) => "half a school day".into(),
        (1, false) => "1 school day".into(),
        (d, false) => format!("{d} school days"),
        (d, true) => format!("{d} and a half school days"),
    }
}

fn figures_or_null(s: Option<&Snapshot>) -> Value {
    s.map(figures).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------------------------
// Plans and reviews
// ---------------------------------------------------------------------------------------------

fn find_plan(case: &Case, n: Option<u32>) -> Result<&crate::cases::model::Plan, DocumentError> {
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

fn find_reviewed_plan(
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

fn attendee(a: &Attendee) -> Value {
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
fn action_line(a: &Action) -> String {
    let who = if a.for_ == ActionFor::Agency && !a.agency.trim().is_empty() {
        format!("{}, {}", a.owner.trim(), a.agency.trim())
    } else {
        a.owner.trim().to_string()
    };
    format!(
        "{} ({who}, by {})",
        a.what.trim().trim_end_matches('.'),
        a.due.format("%-d %B %Y")
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

fn plan_context(case: &Case, p: &crate::cases::model::Plan, pupil_forename: &str) -> Value {
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
    let recipients: Vec<&Person> = case.with_parental_responsibility().collect();
    let came: Vec<&str> = recipients
        .iter()
        .filter(|r| at_meeting.contains(&norm(&r.name)))
        .map(|r| r.name.trim())
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
            "label": crate::attendance::capitalise(b.kind.label()),
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
fn family(case: &Case) -> Value {
    json!({
        "people": case.people.iter().map(|p| json!({
            "name": p.name.trim(),
            "relationship": crate::attendance::capitalise(p.relationship.trim()),
            "parental_responsibility": p.parental_responsibility,
            "lives_with_pupil": p.lives_with_pupil,
            "address": p.address.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
            "phone": p.phone.trim(),
            "email": p.email.trim(),
            "contact": ([
                p.phone.trim().to_string(),
                p.email.trim().to_string(),
                p.preferred_contact.map(|c| format!("prefers: {}", contact_method(c))).unwrap_or_default(),
            ].into_iter().filter(|l| !l.is_empty()).collect::<Vec<_>>()),
            "preferred_contact": p.preferred_contact.map(|c| match c {
                crate::cases::model::ContactMethod::Phone => "phone",
                crate::cases::model::ContactMethod::Text => "text message",
                crate::cases::model::ContactMethod::Email => "email",
                crate::cases::model::ContactMethod::Letter => "letter",
                crate::cases::model::ContactMethod::InPerson => "in person",
            }),
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

fn contact_method(c: crate::cases::model::ContactMethod) -> &'static str {
    use crate::cases::model::ContactMethod::*;
    match c {
        Phone => "phone",
        Text => "text message",
        Email => "email",
        Letter => "letter",
        InPerson => "in person",
    }
}

fn outcome_sentence(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "Target met",
        Outcome::SomeImprovement => {
            "Some improvement: better than before the plan, short of the target"
        }
        Outcome::NotMet => "Target not met",
    }
}

fn review_context(case: &Case, p: &crate::cases::model::Plan, r: &Review) -> Value {
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
                np.review_date.format("%-d %B %Y")
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
                    np.review_date.format("%-d %B %Y")
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
        "proposed_outcome": r.proposed_outcome.map(outcome_sentence),
        "outcome": outcome_sentence(r.outcome),
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
fn support_so_far(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    for s in &case.services {
        let mut line = format!("Support from {}", s.name.trim());
        if !s.contact.trim().is_empty() {
            line.push_str(&format!(" ({})", s.contact.trim()));
        }
        if let Some(d) = s.since {
            line.push_str(&format!(", since {}", d.format("%-d %B %Y")));
        }
        out.push(line);
    }
    for p in &case.plans {
        let mut line = format!(
            "At an attendance meeting on {}{}, action plan {} was agreed ({})",
            p.meeting.date.format("%-d %B %Y"),
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
                r.meeting.date.format("%-d %B %Y"),
                r.outcome.label()
            ));
        }
        out.push(line);
    }
    out
}

fn referral_context(case: &Case, window: &Snapshot, config: &Config) -> Value {
    let chronology: Vec<Value> = case
        .timeline
        .iter()
        .map(|e| {
            json!({
                "date": e.date,
                "kind": crate::attendance::capitalise(e.kind.as_str()),
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
        "stage_text": crate::attendance::capitalise(case.stage.describe()),
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
            "label": crate::attendance::capitalise(b.kind.label()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_as_people_write_them() {
        assert_eq!(join_and::<&str>(&[]), "");
        assert_eq!(join_and(&["A"]), "A");
        assert_eq!(join_and(&["A", "B"]), "A and B");
        assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn hand_wrapped_text_reads_as_paragraphs() {
        assert_eq!(prose("  one\ntwo  \n\nthree\n"), "one two\n\nthree");
        assert_eq!(
            prose("Actions:\n- a\n- b\n1. c"),
            "Actions:\n- a\n- b\n1. c"
        );
        assert_eq!(prose(""), "");
        assert_eq!(
            prose("8:40 check-in. Then\nmaths"),
            "8:40 check-in. Then maths"
        );
    }

    #[test]
    fn sessions_read_as_school_days() {
        assert_eq!(days_text(0), "no school days");
        assert_eq!(days_text(1), "half a school day");
        assert_eq!(days_text(2), "1 school day");
        assert_eq!(days_text(3), "1 and a half school days");
        assert_eq!(days_text(33), "16 and a half school days");
    }

    #[test]
    fn year_groups_read_as_in_letters() {
        assert_eq!(year_text("8"), "Year 8");
        assert_eq!(year_text("08"), "Year 8");
        assert_eq!(year_text("R"), "Reception");
        assert_eq!(year_text("Year 10"), "Year 10");
        assert_eq!(year_text(""), "");
    }

    #[test]
    fn improvement_periods_end_on_a_weekday() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(next_monday(d("2025-02-21")), d("2025-02-24"));
        assert_eq!(next_monday(d("2025-02-23")), d("2025-02-24"));
        assert_eq!(next_monday(d("2025-02-24")), d("2025-03-03"));
        // a Monday start, 6 weeks: the Friday of the sixth week
        let start = d("2025-02-24");
        assert_eq!(
            last_weekday(start + Duration::days(7 * 6 - 1)),
            d("2025-04-04")
        );
        // a Wednesday start, 3 weeks: the Tuesday three weeks on
        assert_eq!(
            last_weekday(d("2025-03-05") + Duration::days(7 * 3 - 1)),
            d("2025-03-25")
        );
    }

    #[test]
    fn the_contact_line_names_who_and_how() {
        let mut c = Config::default();
        c.school.attendance_lead.name = "Mr D. Hughes".into();
        c.school.attendance_lead.role = "Attendance Officer".into();
        c.school.attendance_lead.phone = "01234 567891".into();
        c.school.email = "office@school.uk".into();
        assert_eq!(
            contact_text(&c),
            "Mr D. Hughes, Attendance Officer, on 01234 567891 or by email at office@school.uk"
        );
        c.school.attendance_lead.role.clear();
        c.school.email.clear();
        assert_eq!(contact_text(&c), "Mr D. Hughes on 01234 567891");
    }
}
