//! `attend penalty ...`: the penalty-notice ledger of a pupil's case.

use super::Ctx;
use super::common::{pupil_id, register_for, report_commit, who};
use crate::cli::penalty::*;
use anyhow::{Result, anyhow};
use attend::cases::model::PenaltyStatus;
use attend::cases::penalty::{
    NoticeRequest, check_notice, describe_notice, ledger, no_notice, record_notice, update_notice,
};
use attend::cases::store;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, command: PenaltyCommand) -> Result<ExitCode> {
    match command {
        PenaltyCommand::Record(a) => record(ctx, a),
        PenaltyCommand::Paid(a) => update(ctx, a, PenaltyStatus::Paid),
        PenaltyCommand::Withdrawn(a) => update(ctx, a, PenaltyStatus::Withdrawn),
        PenaltyCommand::Unpaid(a) => update(ctx, a, PenaltyStatus::Unpaid),
        PenaltyCommand::Prosecuted(a) => update(ctx, a, PenaltyStatus::Prosecuted),
        PenaltyCommand::NoNotice(a) => decline(ctx, a),
        PenaltyCommand::Show(a) => show(ctx, a),
    }
}

fn record(ctx: &Ctx, a: RecordArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut case = store::load_existing(&ws, &id)?;
    let (from, to) = a.sessions;
    let reg = register_for(&ws, from.min(to), a.issued.max(to))?;
    let req = NoticeRequest {
        parent: a.parent.clone(),
        issued: a.issued,
        from,
        to,
        note: a.note.clone().unwrap_or_default(),
    };
    let checked = check_notice(&case, &reg, &req, ctx.as_of)
        .map_err(|e| anyhow!("{e}\n  Nothing was recorded."))?;
    let by = who(ctx, &ws, &a.by);
    let warnings = checked.warnings.clone();
    let shared = checked.shared_with.clone();
    let done = record_notice(&mut case, checked, &by);
    let n = &case.penalty_notices[done.number as usize - 1];
    let commit = store::save(
        &ws,
        &case,
        &format!(
            "Penalty notice {} recorded for {id} ({})",
            done.number, n.issued
        ),
        ctx.as_of,
    )?;
    ctx.say(format!(
        "Recorded penalty notice {} for {id} ({}): {}",
        done.number,
        case.pupil.display_name(),
        describe_notice(n)
    ));
    if !shared.is_empty() {
        ctx.say(format!(
            "  The same absence supports the notice to {} (each parent liable may be given a notice for it).",
            attend::text::join_and(&shared)
        ));
    }
    if let Some(s) = done.stage {
        ctx.say(format!("  Stage: {} -> {}", s.from, s.to));
    }
    for w in &warnings {
        ctx.warn(w);
    }
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn update(ctx: &Ctx, a: UpdateArgs, status: PenaltyStatus) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut case = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    let warnings = update_notice(
        &mut case,
        a.number,
        status,
        date,
        a.note.as_deref().unwrap_or(""),
        ctx.as_of,
        &by,
    )
    .map_err(|e| anyhow!("{e}\n  Nothing was recorded."))?;
    let commit = store::save(
        &ws,
        &case,
        &format!(
            "Penalty notice {} of {id} recorded as {} ({date})",
            a.number,
            status.as_str()
        ),
        ctx.as_of,
    )?;
    ctx.say(format!(
        "Recorded for {id}: {}",
        case.timeline.last().map(|e| e.text.as_str()).unwrap_or("")
    ));
    for w in &warnings {
        ctx.warn(w);
    }
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn decline(ctx: &Ctx, a: NoNoticeArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut case = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    let nti = no_notice(&mut case, &a.reason, date, ctx.as_of, &by)
        .map_err(|e| anyhow!("{e}\n  Nothing was recorded."))?;
    let commit = store::save(
        &ws,
        &case,
        &format!(
            "No penalty notice for {id} after the Notice to Improve of {}",
            nti.date
        ),
        ctx.as_of,
    )?;
    ctx.say(format!(
        "Recorded for {id}: no penalty notice after the Notice to Improve of {}.",
        attend::dates::uk_date(nti.date)
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let case = store::load_existing(&ws, &id)?;
    println!(
        "Penalty notices for {id} ({}), as of {}",
        case.pupil.display_name(),
        attend::dates::uk_date(ctx.as_of)
    );
    let l = ledger(&case, ctx.as_of);
    if l.is_empty() {
        println!(
            "  Nobody in the case holds parental responsibility yet (attend case edit {id}), and no notice is recorded."
        );
    }
    for p in &l {
        println!("  {}", p.describe());
    }
    for n in &case.penalty_notices {
        println!("  {}. {}", n.number, describe_notice(n));
    }
    Ok(ExitCode::SUCCESS)
}
