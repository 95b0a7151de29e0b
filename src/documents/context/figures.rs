//! Figures: attendance over the year to date, the penalty-notice window, and the figures
//! section documents print.

use super::request::STALE_DAYS;
use super::request::Sources;
use super::shared::not_in_register;
use crate::attendance::{self, Band, Fraction, PeriodSpec, Snapshot};
use crate::codes::Code;
use crate::documents::{DocumentError, Kind};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use crate::dates::{uk_date, weekday_name, weekday_short};
use crate::text::capitalise;
use chrono::Weekday::{Fri, Mon, Sat, Thu, Tue, Wed};

pub(super) fn stale_warning(to: NaiveDate) -> String {
    format!(
        "the register's latest session is {}: the figures stop there (import the latest export to bring them up to date)",
        uk_date(to)
    )
}

/// The academic year to date on the document's date.
pub(super) fn year_to_date(
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

pub(super) fn describe_figures(s: &Snapshot) -> String {
    s.describe()
}

fn code_meaning(code: &str, to: NaiveDate) -> (String, String) {
    match Code::parse(code).and_then(|c| c.on_date(to)) {
        Some((meaning, cat)) => (meaning.to_string(), cat.label().to_string()),
        None => (String::new(), String::new()),
    }
}

/// "Mon" -> "Monday" (a snapshot's weekday; anything else reads as Sunday, as it always has).
fn day_name(short: &str) -> &'static str {
    [Mon, Tue, Wed, Thu, Fri, Sat]
        .into_iter()
        .find(|&d| weekday_short(d) == short)
        .map_or("Sunday", weekday_name)
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
                "meaning": capitalise(&meaning),
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
pub(super) fn days_text(sessions: u32) -> String {
    let (days, half) = (sessions / 2, sessions % 2 == 1);
    match (days, half) {
        (0, false) => "no school days".into(),
        (0, true) => "half a school day".into(),
        (1, false) => "1 school day".into(),
        (d, false) => format!("{d} school days"),
        (d, true) => format!("{d} and a half school days"),
    }
}

pub(super) fn figures_or_null(s: Option<&Snapshot>) -> Value {
    s.map(figures).unwrap_or(Value::Null)
}
