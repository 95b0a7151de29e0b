//! Helpers every command may use (and the only ones commands share): a pupil id from the command
//! line, who is recording, the register a command needs, case stages, git commit notes.

use super::Ctx;
use crate::cli::common::ByArg;
use anyhow::{Result, anyhow};
use attend::cases::git::Commit;
use attend::cases::store;
use attend::register::search::{Named, find};
use attend::register::{Register, Years};
use attend::upn::PupilId;
use attend::workspace::Workspace;
use chrono::NaiveDate;

/// The pupil a command is about: their UPN (or ADNO-<admission number>), or their name (or part
/// of it) when it matches exactly one pupil of the register or of a case. Several matches are
/// listed with their UPN, year and group, and nothing is done.
pub fn pupil_id(ctx: &Ctx, ws: &Workspace, text: &str) -> Result<PupilId> {
    let t = text.trim();
    let parsed = PupilId::parse(t);
    if let Ok(id) = parsed {
        return Ok(id);
    }
    // something shaped like an identifier is a mistyped one, not a name
    let id_like = t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if id_like || t.is_empty() {
        return Err(anyhow!(
            "{}\n  Give the pupil's UPN (13 characters), ADNO-<admission number>, or their name",
            parsed.expect_err("not an id")
        ));
    }
    let pupils = attend::register::store::load_pupils(&ws.register_dir())?;
    // pupils with a case who are not in the register (opened with their names)
    let (cases, _) = store::load_all(ws)?;
    struct Found {
        id: PupilId,
        name: String,
        year: String,
        group: String,
    }
    let mut all: Vec<Found> = pupils
        .iter()
        .map(|p| Found {
            id: p.id.clone(),
            name: p.display_name(),
            year: p.year.to_string(),
            group: p.reg_group.to_string(),
        })
        .collect();
    let extra: Vec<&attend::cases::Case> = cases
        .iter()
        .filter(|c| pupils.binary_search_by(|p| p.id.cmp(&c.pupil.id)).is_err())
        .collect();
    all.extend(extra.iter().map(|c| Found {
        id: c.pupil.id.clone(),
        name: c.pupil.display_name(),
        year: c.pupil.year.clone(),
        group: c.pupil.reg_group.clone(),
    }));
    let named = pupils
        .iter()
        .map(|p| Named {
            forename: &p.forename,
            surname: &p.surname,
            preferred_forename: &p.preferred_forename,
            preferred_surname: &p.preferred_surname,
        })
        .chain(extra.iter().map(|c| Named {
            forename: &c.pupil.forename,
            surname: &c.pupil.surname,
            preferred_forename: &c.pupil.preferred_forename,
            preferred_surname: &c.pupil.preferred_surname,
        }));
    let hits = find(t, named);
    match hits.as_slice() {
        [one] => {
            let f = &all[*one];
            ctx.say(format!("{t:?} is {} ({})", f.name, f.id));
            Ok(f.id.clone())
        }
        [] => Err(anyhow!(
            "no pupil's name matches {t:?}, and it is not a UPN.\n  Give the pupil's UPN, or their name as the register has it (attend flag --all lists every pupil)"
        )),
        many => {
            let mut msg = format!(
                "{t:?} matches {} pupils: nothing was done. Give the UPN, or more of the name:",
                many.len()
            );
            for &i in many.iter().take(20) {
                let f = &all[i];
                let year = match f.year.trim() {
                    "" => String::new(),
                    y if y.chars().all(|c| c.is_ascii_digit()) => format!("Year {y}"),
                    y => y.to_string(),
                };
                msg.push_str(&format!(
                    "\n  {}  {}  {}{}",
                    f.id,
                    f.name,
                    year,
                    if f.group.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", f.group)
                    }
                ));
            }
            if many.len() > 20 {
                msg.push_str(&format!("\n  ... and {} more", many.len() - 20));
            }
            Err(anyhow!(msg))
        }
    }
}

/// Who records: --by / ATTEND_USER, else the attendance lead in attend.yaml.
pub fn who(ctx: &Ctx, ws: &Workspace, by: &ByArg) -> String {
    let name = by
        .by
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| ctx.env.user.clone())
        .unwrap_or_else(|| store::default_by(ws));
    if name.is_empty() {
        ctx.say(
            "note: the record does not say who made this entry: pass --by NAME, set ATTEND_USER, \
             or name the attendance lead in attend.yaml (school.attendance_lead.name)",
        );
    }
    name
}

/// Tell the user about the git commit, if it failed.
pub fn report_commit(ctx: &Ctx, commit: &Commit) {
    if let Some(w) = commit.warning() {
        ctx.warn(w);
    } else if let Commit::Committed { message } = commit {
        ctx.say(format!("  committed to git: {message}"));
    }
}

/// Warn (on stderr, never suppressed) when the register is old: its latest session more than
/// `thresholds.stale_register` school days (weekdays) before today, so that nobody takes last
/// month's figures for this week's. Every command that shows figures calls it.
pub fn warn_if_stale(ctx: &Ctx, ws: &Workspace, latest: Option<NaiveDate>) {
    let limit = ws.config.thresholds.stale_register;
    let Some(last) = latest else { return };
    let days = attend::dates::weekdays_after(last, ctx.as_of);
    if limit > 0 && days > limit {
        ctx.warn(format!(
            "the register's latest session is {}, {} before today ({}): these figures are out of date. Import the latest export from the MIS (attend import FILE.csv)",
            attend::dates::uk_date(last),
            attend::text::plural(days, "school day"),
            attend::dates::uk_date(ctx.as_of)
        ));
    }
}

/// The register, with the academic years from `from` to `to`.
pub fn register_for(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Result<Register> {
    Register::load(&ws.register_dir(), Years::Span(from.min(to), to.max(from)))
}

/// The academic years of register a period needs (the latest year when no date is given).
pub fn years_for(
    spec: &attend::attendance::PeriodSpec,
    as_of: NaiveDate,
) -> attend::register::Years {
    use attend::register::Years;
    match (spec.from, spec.to) {
        (Some(a), Some(b)) => Years::Span(a, b),
        (Some(a), None) => Years::Span(a, as_of.max(a)),
        (None, Some(b)) => Years::Span(b, b),
        // the year to date: the latest year held that has begun by today
        _ => Years::Span(as_of, as_of),
    }
}

/// The register a period needs, and the period resolved against it.
pub fn register_for_period(
    ctx: &Ctx,
    ws: &Workspace,
    spec: &attend::attendance::PeriodSpec,
) -> Result<(
    attend::register::Register,
    attend::attendance::SchoolCalendar,
    attend::attendance::Period,
)> {
    use anyhow::Context;
    use attend::attendance::{PeriodError, SchoolCalendar};
    let t0 = std::time::Instant::now();
    let mut reg = Register::load(&ws.register_dir(), years_for(spec, ctx.as_of))?;
    attend::timing("load register", t0);
    let t0 = std::time::Instant::now();
    let mut cal = SchoolCalendar::on(&reg.grid, ctx.as_of);
    attend::timing("calendar", t0);
    let mut resolved = cal.resolve(&reg.grid, spec);
    if matches!(resolved, Err(PeriodError::NotYet { .. })) && spec.from.is_none() {
        // the latest year holds only marks entered ahead (next year's closures): the year
        // before is the one to date
        reg = Register::load(
            &ws.register_dir(),
            Years::Span(ctx.as_of - chrono::Duration::days(366), ctx.as_of),
        )?;
        cal = SchoolCalendar::on(&reg.grid, ctx.as_of);
        resolved = cal.resolve(&reg.grid, spec);
    }
    let period = resolved.context("cannot work out the period to report on")?;
    if let Some(n) = &period.note {
        ctx.say(format!("note: {n}"));
    }
    Ok((reg, cal, period))
}

/// The stage of every pupil's case (fast: reads only each file's `stage:` line).
pub fn case_stages(
    ws: &Workspace,
) -> Result<std::collections::BTreeMap<attend::upn::PupilId, String>> {
    Ok(attend::cases::stages(ws)?
        .into_iter()
        .map(|(id, s)| (id, s.as_str().to_string()))
        .collect())
}

pub fn case_stage(ws: &Workspace, id: &attend::upn::PupilId) -> Result<Option<String>> {
    Ok(case_stages(ws)?.get(id).cloned())
}

/// Warn when parts of a case that were sealed as evidence were changed by hand since: reading
/// still works, but no document is issued from the case until they are put back or amended.
pub fn warn_broken_seals(ctx: &Ctx, case: &attend::cases::Case) {
    let broken = attend::cases::seal::broken(case);
    if broken.is_empty() {
        return;
    }
    ctx.warn(format!(
        "part of this case was changed by hand after it was recorded; no document will be issued \
         from it until that is put back or amended:\n{}",
        attend::cases::seal::broken_advice(case.pupil.id.as_str(), &broken)
    ));
}
