//! The registration certificate: every mark of a period for one pupil, weeks down and Monday to
//! Friday (AM, PM) across, with the key of the codes used and the totals.
//!
//! The totals are counted by the same [`Frame`] as `attend flag`, so a certificate and the flag
//! list for the same period always agree.

use crate::attendance::{Fraction, Frame, PeriodError, PeriodSpec, SchoolCalendar};
use crate::codes::{Category, Code, CodeSet, REGS_2024_START};
use crate::config::Thresholds;
use crate::dates::long_date;
use crate::register::{Register, WEEK_SLOTS};
use chrono::Duration;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What a cell of the grid shows, for shading and for the key.
fn class(cat: Option<Category>) -> &'static str {
    match cat {
        Some(Category::Present) => "present",
        Some(Category::ApprovedActivity) => "activity",
        Some(Category::Authorised) => "authorised",
        Some(Category::Unauthorised) => "unauthorised",
        Some(Category::NotCounted) => "not_counted",
        Some(Category::Administrative) => "administrative",
        None => "invalid",
    }
}

/// Order of the categories in the key.
fn category_rank(cat: Option<Category>) -> u8 {
    match cat {
        Some(Category::Present) => 0,
        Some(Category::ApprovedActivity) => 1,
        Some(Category::Authorised) => 2,
        Some(Category::Unauthorised) => 3,
        Some(Category::NotCounted) => 4,
        Some(Category::Administrative) => 5,
        None => 6,
    }
}

fn set_label(set: CodeSet) -> String {
    let year = match set {
        CodeSet::Regs2006 => 2006,
        CodeSet::Regs2024 => 2024,
    };
    format!("{} ({year} regulations)", set.sessions_text())
}

/// The certificate's part of a document's context: `period`, `weeks` (each with its ten
/// `cells`), `key`, `totals` and `notes`; for the court's version, `unauthorised_days` (each
/// `date` with its unauthorised `sessions`: `half`, `code`, `meaning`), `unresolved` (how many
/// marks are still N), `first_marked` and `last_marked`.
pub fn certificate(
    reg: &Register,
    index: usize,
    spec: &PeriodSpec,
    t: &Thresholds,
    as_of: chrono::NaiveDate,
) -> Result<Value, PeriodError> {
    let grid = &reg.grid;
    let cal = SchoolCalendar::on(grid, as_of);
    let period = cal.resolve(grid, spec)?;
    let frame = Frame::new(grid, &cal, period.clone());
    let counts = frame.analyse(index).counts;
    let row = grid.row(index);

    let mut weeks = Vec::new();
    // the unauthorised sessions, day by day: what a prosecution relies on
    let mut unauthorised: Vec<(chrono::NaiveDate, Vec<Value>)> = Vec::new();
    let mut unresolved = 0u32;
    // (code, set) -> sessions
    let mut used: BTreeMap<(u8, CodeSet), u32> = BTreeMap::new();
    let mut no_mark = 0u32;
    let (mut first_marked, mut last_marked) = (None, None);
    for (w, monday) in grid.weeks.iter().enumerate() {
        let friday = *monday + Duration::days(4);
        if friday < period.from || *monday > period.to {
            continue;
        }
        let mut cells = Vec::with_capacity(WEEK_SLOTS);
        let mut any = false;
        for k in 0..WEEK_SLOTS {
            let j = w * WEEK_SLOTS + k;
            let s = grid.session(j);
            let inside = period.from <= s.date && s.date <= period.to;
            let b = row[j];
            let cell = if !inside {
                json!({"code": "", "class": "outside"})
            } else if b == 0 {
                if cal.held[j] {
                    no_mark += 1;
                    any = true;
                    json!({"code": "-", "class": "no_mark"})
                } else {
                    json!({"code": "", "class": "no_session"})
                }
            } else {
                any = true;
                first_marked.get_or_insert(s.date);
                last_marked = Some(s.date);
                let set = CodeSet::for_date(s.date);
                match Code::from_u8(b) {
                    Some(code) => {
                        *used.entry((b, set)).or_default() += 1;
                        if code.category(set) == Some(Category::Unauthorised) {
                            let entry = json!({
                                "half": s.half.as_str(),
                                "code": code.as_str(),
                                "meaning": code.meaning(set),
                            });
                            match unauthorised.last_mut() {
                                Some((d, list)) if *d == s.date => list.push(entry),
                                _ => unauthorised.push((s.date, vec![entry])),
                            }
                        }
                        if code.is_unresolved() {
                            unresolved += 1;
                        }
                        json!({"code": code.as_str(), "class": class(code.category(set))})
                    }
                    None => json!({"code": "?", "class": "invalid"}),
                }
            };
            cells.push(cell);
        }
        if any {
            weeks.push(json!({
                "monday": monday,
                "friday": friday,
                "cells": cells,
            }));
        }
    }

    let spans_both = period.from < REGS_2024_START && period.to >= REGS_2024_START;
    let mut key: Vec<(u8, u8, Value, u8)> = used
        .iter()
        .filter_map(|(&(b, set), &n)| {
            let code = Code::from_u8(b)?;
            let cat = code.category(set);
            Some((
                category_rank(cat),
                set.index() as u8,
                json!({
                    "code": code.as_str(),
                    "meaning": code.meaning(set),
                    "category": cat.map(Category::label).unwrap_or("not a code of this code set"),
                    "class": class(cat),
                    "code_set": if spans_both { Value::from(set_label(set)) } else { Value::Null },
                    "sessions": n,
                }),
                b,
            ))
        })
        .collect();
    // by category, then in the code's own order (/ \ L ...), then 2006 before 2024
    key.sort_by_key(|k| (k.0, k.3, k.1));

    let pct = |f: Option<Fraction>| f.map(Fraction::pct);
    let totals = json!({
        "possible": counts.possible,
        "present": counts.present,
        "late_before_close": counts.late_before_close,
        "approved_activity": counts.approved_activity,
        "attended": counts.attended(),
        "authorised": counts.authorised,
        "unauthorised": counts.unauthorised,
        "late_after_close": counts.late_after_close,
        "absent": counts.absent(),
        "not_counted": counts.not_counted,
        "no_mark": counts.no_mark,
        "attendance_pct": pct(counts.attendance()),
        "authorised_pct": pct(counts.authorised_rate()),
        "unauthorised_pct": pct(counts.unauthorised_rate()),
        "band": counts.band(t).as_str(),
        "band_label": counts.band(t).label(),
    });
    debug_assert_eq!(no_mark, counts.no_mark);

    let mut notes = Vec::new();
    if spans_both {
        notes.push(format!(
            "The period spans {}, when the 2024 regulations' attendance codes replaced those of 2006: each code is read under the regulations in force on its date, and the key shows both where a code was used under both.",
            long_date(REGS_2024_START)
        ));
    }
    Ok(json!({
        "period": {
            "from": period.from,
            "to": period.to,
            // "Autumn term 2024-25", "2024-25 to date", "last 4 school weeks"; none for dates
            // the officer gave, which the certificate prints anyway
            "label": (spec.from.is_none() || spec.term.is_some() || spec.weeks.is_some())
                .then_some(period.label.as_str()),
        },
        "weeks": weeks,
        "key": key.into_iter().map(|(_, _, v, _)| v).collect::<Vec<_>>(),
        "totals": totals,
        "notes": notes,
        "spans_code_sets": spans_both,
        "unauthorised_days": unauthorised
            .into_iter()
            .map(|(date, sessions)| json!({"date": date, "sessions": sessions}))
            .collect::<Vec<_>>(),
        "unresolved": unresolved,
        "first_marked": first_marked,
        "last_marked": last_marked,
    }))
}
