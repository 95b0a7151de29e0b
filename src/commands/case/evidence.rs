//! `attend case amend` and `attend case verify`: correcting a sealed record, and checking that
//! the record is as it was recorded.

use super::*;
use crate::commands::table::{Col, FitTable};
use attend::cases::seal::{self, AmendRequest, Part};
use attend::cases::verify::{self, State};

/// The verify table for people: what was found is cut short to fit (the CSV has it whole).
const VERIFY_TABLE: &[Col] = &[
    Col::keep("UPN"),
    Col::keep("Part or file").cut(24),
    Col::keep("State"),
    Col::keep("What was found").cut(24),
];

/// The columns of `attend case verify --format csv` (a contract: see README).
const VERIFY_COLUMNS: &[&str] = &["upn", "what", "state", "detail"];

pub(super) fn amend(ctx: &Ctx, a: AmendArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let part = Part::parse(&a.part).map_err(|m| anyhow!(m))?;
    let by = who(ctx, &ws, &a.by);
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let req = AmendRequest {
        part,
        field: a.field.clone(),
        value: a.value.clone(),
        reason: a.reason.clone(),
        by,
        date: ctx.as_of,
        original: a.original.clone(),
    };
    let restored =
        a.original.is_some() && matches!(seal::status(&c, part), seal::Status::Broken(_));
    let amendment = seal::amend(&mut c, &req)?;
    let commit = store::save(
        &ws,
        &c,
        &format!("Case of {id}: {part} {} amended", amendment.field),
        ctx.as_of,
    )?;
    if restored {
        ctx.say(format!(
            "{} is back as it was recorded (it matches its seal again).",
            part.describe(&c)
        ));
    }
    ctx.say(format!(
        "Recorded the correction of {part} {}: {:?} to {:?} ({}). The original stays in the case; documents show the corrected value.",
        amendment.field, amendment.original, amendment.new, amendment.reason
    ));
    let still = seal::broken(&c);
    if !still.is_empty() {
        warn_broken_seals(ctx, &c);
    }
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn verify(ctx: &Ctx, a: VerifyArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let findings = match &a.upn {
        Some(u) => {
            let id = pupil_id(ctx, &ws, u)?;
            if store::load(&ws, &id).is_ok_and(|c| c.is_none()) {
                bail!("{id} has no case.\n  Open one with: attend case open {id}");
            }
            verify::verify_case(&ws, &id)
        }
        None => verify::verify_all(&ws)?,
    };
    let problems = findings.iter().filter(|f| f.state.is_problem()).count();
    let unsealed = findings
        .iter()
        .filter(|f| f.state == State::Unsealed)
        .count();
    let cases: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.case.as_str()).collect();
    let shown: Vec<&verify::Finding> = findings
        .iter()
        .filter(|f| a.verbose || a.format != Format::Table || f.state.is_problem())
        .collect();
    match a.format {
        Format::Table => {
            if !shown.is_empty() {
                let mut t = FitTable::new(VERIFY_TABLE, ctx.color);
                for f in &shown {
                    t.add_row(vec![
                        f.case.clone(),
                        f.what.clone(),
                        f.state.as_str().to_string(),
                        f.detail.clone(),
                    ]);
                }
                writeln!(
                    std::io::stdout().lock(),
                    "{}",
                    t.render(ctx.width, false).with_note()
                )?;
            }
            let n = cases.len();
            let checked = format!(
                "{n} case{} checked: {} part{} and document{}",
                if n == 1 { "" } else { "s" },
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                if findings.len() == 1 { "" } else { "s" },
            );
            if problems == 0 {
                ctx.say(format!(
                    "{checked}; all as recorded.{}",
                    if unsealed > 0 {
                        format!(
                            " {unsealed} part{} recorded before seals existed will be sealed the next time attend saves {}.",
                            if unsealed == 1 { "" } else { "s" },
                            if n == 1 { "the case" } else { "their case" }
                        )
                    } else {
                        String::new()
                    }
                ));
            } else {
                ctx.warn(format!(
                    "{checked}; {problems} not as recorded (changed, missing or unexplained). \
                     Put back what was changed by hand (git shows the earlier version), and correct \
                     records with attend case amend"
                ));
            }
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = shown
                .iter()
                .map(|f| {
                    vec![
                        f.case.clone(),
                        f.what.clone(),
                        f.state.as_str().to_string(),
                        f.detail.clone(),
                    ]
                })
                .collect();
            write_csv(VERIFY_COLUMNS, &rows)?;
        }
        Format::Json => {
            let v: Vec<serde_json::Value> = shown
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "upn": f.case,
                        "what": f.what,
                        "state": f.state.as_str(),
                        "detail": f.detail,
                    })
                })
                .collect();
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
    }
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
