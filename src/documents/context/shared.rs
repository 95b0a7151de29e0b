//! What every document shares: the letterhead and contact details, the pupil, and the small
//! pieces of wording (names, dates, year groups) documents are made of.

use super::request::Sources;
use crate::cases::Case;
use crate::cases::model::{Person, PupilDetails};
use crate::config::Config;
use crate::documents::{DocumentError, Kind};
use crate::register::Pupil;
use crate::text::join_and;
use crate::upn::PupilId;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::{Value, json};

use crate::dates::uk_date;
use crate::text::full_name;

pub(super) fn check_letterhead(c: &Config, kind: Kind) -> Result<(), DocumentError> {
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

/// Can a document of `kind` be written for `case` at all: the letterhead complete, and for a
/// letter someone to send it to? (What a meeting's documents need whatever the meeting records:
/// checked before an officer fills in a form.)
pub fn can_write(c: &Config, case: &Case, kind: Kind) -> Result<(), DocumentError> {
    check_letterhead(c, kind)?;
    if kind.is_letter() {
        super::address::addressees(case).map_err(|nobody| DocumentError::NobodyToWrite {
            what: kind.in_sentence(),
            nobody,
        })?;
    }
    Ok(())
}

pub(super) fn nonempty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

pub(super) fn common(src: &Sources, kind: Kind) -> Result<Value, DocumentError> {
    let c = src.config;
    let s = &c.school;
    let lead = &s.attendance_lead;
    let logo = s.logo.trim();
    let logo = (!logo.is_empty()).then(|| crate::documents::engine::logo_asset_name(logo));
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
        "amendments": [],
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
pub(super) fn contact_text(c: &Config) -> String {
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
pub(super) fn year_text(y: &str) -> String {
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
        "name": full_name(
            forename.trim(),
            preferred_forename.trim(),
            surname.trim(),
            preferred_surname.trim()
        ),
        "forename": pf,
        "surname": ps,
        "legal_name": full_name(forename.trim(), "", surname.trim(), ""),
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

pub(super) fn pupil_name(src: &Sources, case: Option<&Case>) -> String {
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
pub(super) fn forename(case: &Case) -> String {
    let p = &case.pupil;
    if p.preferred_forename.trim().is_empty() {
        p.forename.trim().to_string()
    } else {
        p.preferred_forename.trim().to_string()
    }
}

pub(super) fn not_in_register(id: &PupilId, kind: Kind) -> DocumentError {
    DocumentError::NotInRegister {
        id: id.to_string(),
        what: kind.in_sentence(),
    }
}

/// The registration certificate's figures for the pupil over `period` (up to the document's
/// date when the period names no end: a document dated on the as-of day shows the register up
/// to that day), and the register they come from.
pub(super) fn certificate_to_date<'a>(
    src: &Sources<'a>,
    period: &crate::attendance::PeriodSpec,
    kind: Kind,
) -> Result<(Value, &'a crate::register::Register), DocumentError> {
    let reg = src.register.ok_or_else(|| not_in_register(src.id, kind))?;
    let index = reg
        .index_of(src.id)
        .ok_or_else(|| not_in_register(src.id, kind))?;
    let mut spec = period.clone();
    spec.to = Some(spec.to.unwrap_or(src.as_of));
    let cert = crate::documents::certificate::certificate(
        reg,
        index,
        &spec,
        &src.config.thresholds,
        src.as_of,
    )?;
    Ok((cert, reg))
}

pub(super) fn names_text(people: &[&Person]) -> String {
    join_and(&people.iter().map(|p| p.full_name()).collect::<Vec<_>>())
}

pub(super) fn date_short(v: &Value) -> String {
    v.as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(uk_date)
        .unwrap_or_default()
}

/// The Monday after `d` (a week's notice at most, time for a letter to arrive).
pub(super) fn next_monday(d: NaiveDate) -> NaiveDate {
    d + Duration::days(7 - i64::from(d.weekday().num_days_from_monday()))
}

pub(super) fn last_weekday(d: NaiveDate) -> NaiveDate {
    let mut n = d;
    while matches!(n.weekday(), Weekday::Sat | Weekday::Sun) {
        n -= Duration::days(1);
    }
    n
}
