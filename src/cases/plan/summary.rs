//! Frozen figures in words, for the forms and the screen.

use super::*;
use crate::dates::uk_date;
use crate::text::plural;

/// A snapshot in a few lines, each figure with its denominator.
pub fn snapshot_lines(s: &Snapshot) -> Vec<String> {
    let mut out = vec![format!("attendance {} ({})", s.describe(), s.period)];
    let pct = |p: &Option<String>| p.as_deref().map(|p| format!(" ({p}%)")).unwrap_or_default();
    out.push(format!(
        "authorised absence {}{}, unauthorised {}{}",
        plural(s.authorised, "session"),
        pct(&s.authorised_pct),
        plural(s.unauthorised, "session"),
        pct(&s.unauthorised_pct),
    ));
    out.push(format!(
        "late: {} before the register closed (L), {} after it closed (U)",
        s.late_before_close, s.late_after_close
    ));
    if let Some(r) = &s.last_4_weeks {
        out.push(format!(
            "last 4 school weeks ({} to {}): {} ({} of {} possible sessions)",
            uk_date(r.from),
            uk_date(r.to),
            r.attendance_pct
                .as_deref()
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "no possible sessions".into()),
            r.attended,
            r.possible
        ));
    }
    if !s.absence_codes.is_empty() {
        let codes: Vec<String> = s
            .absence_codes
            .iter()
            .map(|c| format!("{} {}", c.code, c.sessions))
            .collect();
        out.push(format!("absence codes (sessions): {}", codes.join(", ")));
    }
    if !s.weekdays.is_empty() {
        let days: Vec<String> = s
            .weekdays
            .iter()
            .map(|d| format!("{} {} of {}", d.day, d.absent, d.possible))
            .collect();
        out.push(format!("absent by weekday: {}", days.join(", ")));
    }
    if s.holiday_adjacent > 0 {
        out.push(format!(
            "absence next to school holidays: {}",
            plural(s.holiday_adjacent, "session")
        ));
    }
    if let Some(p) = &s.penalty_notice {
        out.push(format!("penalty-notice threshold met: {}", p.describe()));
    }
    out
}
