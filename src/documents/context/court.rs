//! The registration certificate for a magistrates' court (s.566 Education Act 1996): the
//! everyday certificate (every mark, the key, the totals) with what a prosecution relies on: the
//! pupil's compulsory school age and roll over the period, everyone with parental responsibility,
//! the unauthorised sessions listed, the date the register was taken from the MIS, and the
//! declaration of the headteacher (or someone they authorised).

use super::request::Sources;
use super::{DocumentError, Kind, STALE_DAYS, stale_warning};
use crate::attendance::{CompulsorySchoolAge, PeriodSpec, SchoolCalendar};
use crate::cases::Case;
use crate::dates::{long_date, uk_date};
use crate::register::store::ImportRecord;
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

fn date_of(v: &Value) -> Option<NaiveDate> {
    v.as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// Fill `ctx["certificate"]` and `ctx["court"]`; returns the timeline entry's text.
pub(super) fn court_certificate(
    ctx: &mut Value,
    case: &Case,
    src: &Sources,
    period: &PeriodSpec,
    import: Option<&ImportRecord>,
    allow_unresolved: bool,
    warnings: &mut Vec<String>,
) -> Result<String, DocumentError> {
    let kind = Kind::CourtCertificate;
    let (cert, reg) = super::certificate_to_date(src, period, kind)?;
    let (from, to) = (
        date_of(&cert["period"]["from"]).expect("a date"),
        date_of(&cert["period"]["to"]).expect("a date"),
    );

    // marks still N: the reason is not established, so the absence is not yet evidence
    let unresolved = cert["unresolved"].as_u64().unwrap_or(0);
    if unresolved > 0 {
        let what = format!(
            "{unresolved} session{} in the period {} still coded N (reason for absence not yet established)",
            if unresolved == 1 { "" } else { "s" },
            if unresolved == 1 { "is" } else { "are" },
        );
        if !allow_unresolved {
            return Err(DocumentError::Invalid(format!(
                "{what}: resolve them in the MIS and import the register again before certifying, \
                 or certify as they stand with --allow-unresolved (the certificate then says so)"
            )));
        }
        warnings.push(format!(
            "{what}: certified as they stand (--allow-unresolved)"
        ));
    }

    // everyone with parental responsibility, from the case
    let holders: Vec<Value> = case
        .people
        .iter()
        .filter(|p| p.parental_responsibility == Some(true))
        .map(|p| {
            json!({
                "name": p.full_name(),
                "relationship": p.relationship,
                "address": p.address,
                "no_contact": p.no_contact,
            })
        })
        .collect();
    if holders.is_empty() {
        return Err(DocumentError::Invalid(format!(
            "the case records nobody with parental responsibility, and the certificate for a court \
             names everyone who has it: add them (attend case person add {} ... --pr yes, or \
             attend case sync {} from the MIS's contacts)",
            case.pupil.id, case.pupil.id
        )));
    }
    for p in case
        .people
        .iter()
        .filter(|p| p.parental_responsibility == Some(true) && p.address.is_empty())
    {
        warnings.push(format!(
            "no address recorded for {}, who has parental responsibility: the certificate says so",
            p.full_name()
        ));
    }

    // compulsory school age over the whole period
    let dob = crate::cases::law::dob_of(Some(case), src.register, src.id);
    let age = match dob {
        None => {
            warnings.push(
                "no date of birth in the register or the case: the certificate cannot state compulsory school age".into(),
            );
            json!({"known": false, "throughout": false, "text": "Not known: no date of birth is recorded"})
        }
        Some(d) => {
            let csa = CompulsorySchoolAge::for_dob(d);
            let throughout = csa.start <= from && to <= csa.end;
            let text = if throughout {
                format!(
                    "of compulsory school age throughout the period (compulsory school age {})",
                    csa.span_text()
                )
            } else {
                match csa.within(from, to) {
                    Some((a, b)) => format!(
                        "of compulsory school age only from {} to {} of the period (compulsory school age {})",
                        uk_date(a),
                        uk_date(b),
                        csa.span_text()
                    ),
                    None => format!(
                        "not of compulsory school age at any time in the period (compulsory school age {})",
                        csa.span_text()
                    ),
                }
            };
            if !throughout {
                warnings.push(format!("the pupil was {text}"));
            }
            json!({"known": true, "throughout": throughout, "text": crate::text::capitalise(&text)})
        }
    };

    // on roll: marks recorded for every session the school held in the period
    let no_mark = cert["totals"]["no_mark"].as_u64().unwrap_or(0);
    let on_roll = match (
        date_of(&cert["first_marked"]),
        date_of(&cert["last_marked"]),
    ) {
        (Some(a), Some(b)) if no_mark == 0 => format!(
            "on the school's admission register over the period: a mark is recorded for every session held from {} to {}",
            long_date(a),
            long_date(b)
        ),
        (Some(a), Some(b)) => format!(
            "marks are recorded from {} to {}; {no_mark} session{} held in the period {} no mark",
            long_date(a),
            long_date(b),
            if no_mark == 1 { "" } else { "s" },
            if no_mark == 1 { "has" } else { "have" },
        ),
        _ => "no marks are recorded for the pupil in the period".to_string(),
    };
    if no_mark > 0 {
        warnings.push(format!(
            "{no_mark} session{} held in the period {} no mark for the pupil: check they were on roll",
            if no_mark == 1 { "" } else { "s" },
            if no_mark == 1 { "has" } else { "have" },
        ));
    }

    // when the register was taken from the MIS
    let import = match import {
        Some(i) => json!({
            "date": i.imported_at.get(..10),
            "time": i.imported_at.get(11..16),
            "file": i.source_file,
            "sha256": i.source_sha256,
        }),
        None => {
            warnings.push(
                "the register's imports.csv does not say when the marks were imported".into(),
            );
            Value::Null
        }
    };
    let last = SchoolCalendar::on(&reg.grid, src.as_of).last_date;
    if Some(to) == last && src.as_of - to > Duration::days(STALE_DAYS) {
        warnings.push(stale_warning(to));
    }

    let c = &src.config;
    let signatory = [c.certificate.signatory.trim(), c.school.headteacher.trim()]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let capacity = match c.certificate.capacity.trim() {
        "" if c.certificate.signatory.trim().is_empty() => "Headteacher",
        "" => "Authorised by the headteacher",
        cap => cap,
    };
    if signatory.is_empty() {
        return Err(DocumentError::Letterhead(
            "who signs the certificate for a court (certificate.signatory, or school.headteacher)"
                .into(),
        ));
    }
    let days = cert["unauthorised_days"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let sessions: usize = cert["unauthorised_days"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| x["sessions"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    ctx["court"] = json!({
        "age": age,
        "on_roll": crate::text::capitalise(&on_roll),
        "parents": holders,
        "import": import,
        "unauthorised_sessions": sessions,
        "unauthorised_days": days,
        "unresolved": unresolved,
        "declaration": {"name": signatory, "capacity": capacity},
    });
    ctx["signatory"] = json!({"name": signatory, "role": capacity});
    ctx["certificate"] = cert;
    Ok(format!(
        "Registration certificate for a court (s.566), {} to {}: {sessions} unauthorised session{} on {days} day{}",
        uk_date(from),
        uk_date(to),
        if sessions == 1 { "" } else { "s" },
        if days == 1 { "" } else { "s" },
    ))
}
