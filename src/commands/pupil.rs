//! `attend pupil UPN`: everything about one pupil's attendance on one screen.

use super::Ctx;
use super::output::table;
use super::table::{Col, FitTable};
use crate::cli::common::Format;
use crate::cli::pupil::PupilArgs;
use anyhow::{Context, Result, anyhow};
use attend::attendance::{
    AgeStatus, Analysis, Fraction, Frame, PeriodSpec, SchoolCalendar, Snapshot, pct_or_blank,
    terms_to_date, weekday_short,
};
use attend::codes::CodeSet;
use attend::dates::AcademicYear;
use attend::dates::uk_date;
use attend::register::{Register, Years};
use chrono::Weekday;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: PupilArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let t = ws.config.thresholds.clone();
    let id = super::common::pupil_id(ctx, &ws, &args.upn)?;
    let reg = Register::load(&ws.register_dir(), Years::All)?;
    let i = reg.index_of(&id).ok_or_else(|| {
        anyhow!(
            "{id} is not in the register. Check the UPN, or import an export that holds the pupil (attend import FILE.csv)"
        )
    })?;
    let cal = SchoolCalendar::on(&reg.grid, ctx.as_of);
    super::common::warn_if_stale(ctx, &ws, cal.last_date);
    let spec = args.period.spec();
    let period = cal
        .resolve(&reg.grid, &spec)
        .context("cannot work out the period to report on")?;
    if let Some(n) = &period.note {
        ctx.say(format!("note: {n}"));
    }
    let ay = AcademicYear::of(period.to);
    let main = Frame::new(&reg.grid, &cal, period.clone());
    // the penalty-notice threshold counts only sessions of compulsory school age that no issued
    // notice rests on
    let case = match attend::cases::store::load(&ws, &id) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "warning: the pupil's case file cannot be read, so its penalty notices are left out: {e:#}"
            );
            None
        }
    };
    if let Some(c) = &case {
        super::common::warn_broken_seals(ctx, c);
    }
    let scope = attend::cases::penalty::scope(case.as_ref(), reg.pupils[i].dob);
    let an = main.analyse_scoped(i, &scope);
    let age = AgeStatus::of(reg.pupils[i].dob, period.to);
    let ledger = case
        .as_ref()
        .map(|c| attend::cases::penalty::ledger(c, period.to))
        .unwrap_or_default();
    if let Some(path) = &args.html {
        let picture = attend::report::pupil_picture(&reg, &main, i, &t, &ws.config.school.name);
        let page = attend::report::html::pupil_page(&picture)?;
        attend::fsutil::write_output(Some(ws.fs()), path, page.as_bytes())
            .with_context(|| format!("cannot write the pupil's page to {}", path.display()))?;
        ctx.say(format!(
            "Wrote {}'s page to {} (open it in a browser to print; it holds personal data: keep it safe)",
            id,
            path.display()
        ));
    }
    // each term of the academic year, to the period's end
    let mut rows: Vec<(String, Frame<'_>, Analysis)> = Vec::new();
    for (term, from, to) in terms_to_date(ay, period.to) {
        let s = PeriodSpec {
            from: Some(from),
            to: Some(to),
            ..Default::default()
        };
        if let Ok(mut p) = cal.resolve(&reg.grid, &s) {
            p.label = format!("{} term", attend::attendance::capitalise(term.name()));
            let f = Frame::new(&reg.grid, &cal, p);
            let a = f.analyse(i);
            rows.push((f.period.label.clone(), f, a));
        }
    }
    let stage = super::common::case_stage(&ws, &id)?;
    let pupil = &reg.pupils[i];
    match args.format {
        Format::Json => {
            let mut v = serde_json::json!({
                "upn": pupil.id.as_str(),
                "surname": pupil.surname,
                "forename": pupil.forename,
                "year": pupil.year,
                "reg_group": pupil.reg_group,
                "dob": pupil.dob,
                "fsm": pupil.fsm,
                "sen": pupil.sen,
                "eal": pupil.eal,
                "case_stage": stage,
                "period": Snapshot::of(&an, &main, &t),
                "trend": an.trend().as_str(),
                "penalty_notice_threshold_met": an.penalty.is_some(),
                "compulsory_school_age": {
                    "of_age": age.known(),
                    "from": age.span().map(|a| a.start),
                    "to": age.span().map(|a| a.end),
                    "text": age.describe(),
                },
                "penalty_notices": ledger.iter().map(|p| serde_json::json!({
                    "parent": p.parent,
                    "relationship": p.relationship,
                    "notices": p.notices.iter().map(|n| serde_json::json!({
                        "number": n.number,
                        "issued": n.issued,
                        "order": n.order.as_str(),
                        "amount": n.amount,
                        "reduced": n.reduced,
                        "from": n.sessions.from,
                        "to": n.sessions.to,
                        "status": n.status_text(),
                    })).collect::<Vec<_>>(),
                    "in_last_three_years": p.counted,
                    "next": p.next.describe(),
                    "next_allowed": p.next.order().is_some(),
                })).collect::<Vec<_>>(),
            });
            v["terms"] = serde_json::Value::Array(
                rows.iter()
                    .map(|(_, f, a)| serde_json::to_value(Snapshot::of(a, f, &t)))
                    .collect::<Result<_, _>>()?,
            );
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        Format::Table | Format::Csv => {
            let mut out = std::io::stdout().lock();
            let mut facts = vec![
                format!("Year {}", pupil.year),
                format!("reg group {}", pupil.reg_group),
            ];
            if let Some(d) = pupil.dob {
                facts.push(format!("born {}", uk_date(d)));
            }
            if pupil.is_fsm() {
                facts.push("FSM".into());
            }
            if pupil.has_sen() {
                facts.push(attend::register::values::meaning("sen", &pupil.sen));
            }
            if pupil.is_eal() {
                facts.push("EAL".into());
            }
            let clean = super::output::clean;
            writeln!(out, "{} ({})", clean(&pupil.display_name()), pupil.id)?;
            writeln!(out, "{}", clean(&facts.join(", ")))?;
            writeln!(
                out,
                "{}{}",
                age.line(period.to),
                if age.is_not_of_age() {
                    ". Support, but no legal steps (Notice to Improve, penalty notice, prosecution)."
                } else {
                    ""
                }
            )?;
            writeln!(
                out,
                "Case: {}",
                stage
                    .as_deref()
                    .unwrap_or("none (open one with `attend case open UPN`)")
            )?;
            writeln!(out)?;
            // left out to fit the screen (README): the counts behind the percentages first
            let mut tb = FitTable::new(
                &[
                    Col::keep("Period").cut(16),
                    Col::keep("From").drop(6),
                    Col::keep("To").drop(5),
                    Col::keep("Possible").right().drop(8),
                    Col::keep("Attended").right().drop(7),
                    Col::keep("Attend %").right(),
                    Col::keep("Auth").right().drop(1),
                    Col::keep("Auth %").right(),
                    Col::keep("Unauth").right().drop(2),
                    Col::keep("Unauth %").right(),
                    Col::keep("Late L").right().drop(4),
                    Col::keep("Late U").right().drop(3),
                    Col::keep("Band"),
                ],
                ctx.color,
            );
            let mut add = |label: &str, f: &Frame<'_>, a: &Analysis| {
                let c = &a.counts;
                tb.add_row(vec![
                    label.to_string(),
                    uk_date(f.period.from),
                    uk_date(f.period.to),
                    c.possible.to_string(),
                    c.attended().to_string(),
                    pct_or_blank(c.attendance()),
                    c.authorised.to_string(),
                    pct_or_blank(c.authorised_rate()),
                    c.unauthorised.to_string(),
                    pct_or_blank(c.unauthorised_rate()),
                    c.late_before_close.to_string(),
                    c.late_after_close.to_string(),
                    c.band(&t).label().to_string(),
                ]);
            };
            add(&main.period.label, &main, &an);
            for (label, f, a) in &rows {
                add(label, f, a);
            }
            if let Some((from, to)) = main.last4_dates() {
                let s = PeriodSpec {
                    from: Some(from),
                    to: Some(to),
                    ..Default::default()
                };
                if let Ok(mut p) = cal.resolve(&reg.grid, &s) {
                    p.label = "Last 4 school weeks".into();
                    let f = Frame::new(&reg.grid, &cal, p);
                    let a = f.analyse(i);
                    add("Last 4 school weeks", &f, &a);
                }
            }
            writeln!(out, "{}", tb.render(ctx.width, args.wide).with_note())?;

            // weekday pattern
            let mut wd = table(&["", "Mon", "Tue", "Wed", "Thu", "Fri"], ctx.color);
            let days = [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ];
            let mut absent = vec!["Absent".to_string()];
            let mut rate = vec!["% absent".to_string()];
            for (k, _) in days.iter().enumerate() {
                let d = an.weekdays[k];
                absent.push(format!("{} of {}", d.absent, d.possible));
                rate.push(pct_or_blank(d.rate()));
            }
            wd.add_row(absent);
            wd.add_row(rate);
            writeln!(out, "\nAbsence by weekday ({}):\n{wd}", main.period.label)?;
            if let Some((d, r)) = an.weekday_pattern() {
                writeln!(
                    out,
                    "  {} stands out: {}% of {} sessions missed.",
                    weekday_short(d),
                    r.pct(),
                    weekday_short(d)
                )?;
            }

            // codes
            let c = &an.counts;
            let sets: Vec<CodeSet> = {
                let mut s = vec![
                    CodeSet::for_date(main.period.from),
                    CodeSet::for_date(main.period.to),
                ];
                s.dedup();
                s
            };
            writeln!(out, "\nCodes used ({}):", main.period.label)?;
            for (code, n) in c.code_mix() {
                let meaning = sets
                    .iter()
                    .rev()
                    .find(|s| code.category(**s).is_some())
                    .map(|s| code.meaning(*s))
                    .unwrap_or("");
                writeln!(out, "  {:<3} {:>4}  {meaning}", code.as_str(), n)?;
            }
            writeln!(
                out,
                "\nLate: {} before the register closed (L, counted present), {} after it closed (U, unauthorised absence).",
                c.late_before_close, c.late_after_close
            )?;
            let trend = an.trend();
            if let (Some(recent), Some(all)) = (an.last4.attendance(), c.attendance()) {
                writeln!(
                    out,
                    "Trend: {} {}: {}% over the last 4 school weeks against {}% over {}.",
                    trend.arrow(),
                    trend.as_str(),
                    recent.pct(),
                    all.pct(),
                    main.period.label
                )?;
            }
            if let Some(r) = Fraction::new(an.holiday_adjacent, an.holiday_adjacent_possible) {
                writeln!(
                    out,
                    "Next to school holidays and closures: absent for {} of {} ({}%), against {}% of all sessions.",
                    an.holiday_adjacent,
                    attend::text::plural(an.holiday_adjacent_possible, "session"),
                    r.pct(),
                    pct_or_blank(Fraction::new(c.absent(), c.possible))
                )?;
            }
            match &an.penalty {
                Some(w) => writeln!(out, "Penalty-notice threshold: MET — {}.", w.describe())?,
                None => writeln!(
                    out,
                    "Penalty-notice threshold: not met ({}).",
                    attend::attendance::penalty::not_met_text(an.penalty_max)
                )?,
            }
            if !scope.used.is_empty() {
                writeln!(
                    out,
                    "  (not counting the sessions issued penalty notices rest on: {})",
                    scope
                        .used
                        .iter()
                        .map(|(a, b)| format!("{} to {}", uk_date(*a), uk_date(*b)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
            if !ledger.is_empty() {
                writeln!(out, "Penalty notices (per parent, for this pupil):")?;
                for p in &ledger {
                    writeln!(out, "  {}", p.describe())?;
                }
            }
            if c.not_counted + c.no_mark > 0 {
                writeln!(
                    out,
                    "Not counted: {} not possible (closures, not on roll, dual registration, unable to attend...); {} with no mark.",
                    attend::text::plural(c.not_counted, "session"),
                    attend::text::plural(c.no_mark, "session")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
