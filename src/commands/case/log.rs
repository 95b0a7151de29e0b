//! `attend case log`, `attend case stage` and `attend case close`.

use super::*;
use attend::text::capitalise;

pub(super) fn log(ctx: &Ctx, a: LogArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let document = match &a.document {
        Some(f) => Some(attend::cases::timeline::document_for(
            &store::case_dir(&ws, &id),
            f,
        )?),
        None => None,
    };
    let kind = a.kind.kind();
    let event = Event {
        date: a.date.unwrap_or(ctx.as_of),
        kind,
        by,
        with: a.with.unwrap_or_default().trim().to_string(),
        text: a.text.trim().to_string(),
        stage: None,
        plan: None,
        document,
        seal: None,
    };
    let date = event.date;
    attend::cases::timeline::log_event(&mut c, event, ctx.as_of)?;
    let commit = store::save(
        &ws,
        &c,
        &format!("{} recorded for {id} ({date})", capitalise(kind.as_str())),
        ctx.as_of,
    )?;
    ctx.say(format!(
        "Recorded {} on {date} in the case of {id}.",
        attend::text::with_article(&kind.as_str().replace('_', " "))
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn stage(ctx: &Ctx, a: StageArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    if date > ctx.as_of {
        bail!(
            "{date} is after today ({}): the timeline records what has happened",
            ctx.as_of
        );
    }
    if a.stage == Stage::Enforce {
        // the enforce stage holds the law's steps: a child of compulsory school age only
        let reg = register_for(&ws, date, date)?;
        let dob = attend::cases::law::dob_of(Some(&c), Some(&reg), &id);
        match attend::cases::law::check_step(
            attend::cases::law::LegalStep::Enforce,
            dob,
            date,
            date,
        ) {
            Ok(allowed) => {
                if let Some(w) = allowed.warning {
                    eprintln!("warning: {w}");
                }
            }
            Err(why) => bail!(
                "{why}; keep the case at stage formal (attend case stage {id} formal) for the local authority's support"
            ),
        }
    }
    let change = attend::cases::timeline::change_stage(
        &mut c,
        a.stage,
        a.reason.as_deref().unwrap_or(""),
        date,
        &by,
    )?;
    let commit = store::save(
        &ws,
        &c,
        &format!("Stage of {id} moved from {} to {}", change.from, change.to),
        ctx.as_of,
    )?;
    ctx.say(format!(
        "The case of {id} is now at stage {} (was {}).",
        change.to, change.from
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn close(ctx: &Ctx, a: CloseArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    if date > ctx.as_of {
        bail!(
            "{date} is after today ({}): the timeline records what has happened",
            ctx.as_of
        );
    }
    if let Some(p) = open_plan(&c) {
        eprintln!(
            "warning: plan {} was not reviewed (review due {}); the case is closed with the plan unreviewed",
            p.number, p.review_date
        );
    }
    attend::cases::timeline::close_case(&mut c, &a.reason, date, &by)?;
    let commit = store::save(&ws, &c, &format!("Case of {id} closed"), ctx.as_of)?;
    ctx.say(format!(
        "Closed the case of {id}. To reopen it: attend case stage {id} monitor --reason \"...\""
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}
