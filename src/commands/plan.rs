//! `attend plan new UPN`: record an attendance meeting and its action plan.

use super::Ctx;
use super::common::{pupil_id, register_for, report_commit, who};
use super::documents::{documents_wanted, make_documents, report_made, stage_documents};
use super::forms::{Input, actions_of, attendees_of, flag_problems, input_mode, read_form};
use crate::cli::common::TargetArg;
use crate::cli::plan::{How, PlanCommand, PlanCopyArgs, PlanNewArgs};
use anyhow::{Result, anyhow, bail};
use attend::cases::OpenOptions;
use attend::cases::editor::{Edited, edit_until_valid};
use attend::cases::file::parse_checked;
use attend::cases::model::{Aim, CopyTo};
use attend::cases::plan::{
    CheckedPlan, PlanForm, check_plan_form, default_attendees, figures_on, open_plan, record_plan,
    render_plan_form,
};
use attend::cases::problem::{CaseFileError, Located};
use attend::cases::store;
use attend::cases::{Case, Stage};
use attend::documents::{Kind, Request, can_write, meeting_day_warning};
use attend::upn::PupilId;
use attend::workspace::Workspace;
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, command: PlanCommand) -> Result<ExitCode> {
    match command {
        PlanCommand::New(a) => new(ctx, a),
        PlanCommand::Copy(a) => copy(ctx, a),
    }
}

/// `attend plan copy`: a copy of the plan sent, on the plan and on the timeline.
fn copy(ctx: &Ctx, a: PlanCopyArgs) -> Result<ExitCode> {
    use attend::cases::people::{Delivery, pick, record_copy};
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let mut case = store::load_existing(&ws, &id)?;
    let number = match a.plan {
        Some(n) => n,
        None => case.plans.last().map(|p| p.number).ok_or_else(|| {
            anyhow!("the case of {id} has no action plan yet: record one with attend plan new {id}")
        })?,
    };
    // a person of the case, by number or name; anyone else as written
    let to_text = a.to.trim();
    let is_number = to_text.parse::<usize>().is_ok();
    let to = match pick(&case.people, to_text, |p| p.described(), "person") {
        Ok(i) => case.people[i].addressed_name(),
        Err(e) if is_number || to_text.is_empty() => return Err(e),
        Err(e) if e.to_string().contains("more than one") => return Err(e),
        Err(_) => {
            if !case.people.is_empty() {
                ctx.say(format!(
                    "note: {to_text:?} is not one of the case's people: recorded as written"
                ));
            }
            to_text.to_string()
        }
    };
    let how = match a.how {
        How::Post => Delivery::Post,
        How::Email => Delivery::Email,
        How::Hand => Delivery::Hand,
    };
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    record_copy(&mut case, number, &to, date, how, ctx.as_of, &by)?;
    let commit = store::save(
        &ws,
        &case,
        &format!("Copy of plan {number} sent to {to} ({id})"),
        ctx.as_of,
    )?;
    ctx.say(format!(
        "Recorded a copy of plan {number} sent to {to} on {date} ({}), in the case of {id}.",
        how.as_str()
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn aim_of(target: Option<TargetArg>, weeks: Option<u32>) -> Option<Aim> {
    match target {
        Some(TargetArg::Percent(p)) => Some(Aim {
            target: Some(p),
            weeks,
            no_unauthorised_absence: false,
        }),
        Some(TargetArg::NoUnauthorised) => Some(Aim {
            target: None,
            weeks,
            no_unauthorised_absence: true,
        }),
        None => weeks.map(|w| Aim {
            target: None,
            weeks: Some(w),
            no_unauthorised_absence: false,
        }),
    }
}

fn copies_of(list: &[String]) -> Result<Vec<CopyTo>> {
    list.iter()
        .map(|c| {
            let parts: Vec<&str> = c.split('|').map(str::trim).collect();
            if parts.is_empty() || parts[0].is_empty() || parts.len() > 3 {
                bail!("--copy {c:?}: write it as \"to|sent date|how\", e.g. \"parents|2025-01-21|post\"");
            }
            let sent = match parts.get(1) {
                Some(d) if !d.is_empty() => Some(attend::dates::parse_cli_date(d).map_err(|e| anyhow!("--copy {c:?}: {e}"))?),
                _ => None,
            };
            Ok(CopyTo { to: parts[0].into(), sent, how: parts.get(2).map(|s| s.to_string()).unwrap_or_default() })
        })
        .collect()
}

fn form_from_flags(a: &PlanNewArgs, today: NaiveDate) -> Result<PlanForm> {
    Ok(PlanForm {
        date: Some(a.date.unwrap_or(today)),
        place: a.place.clone().unwrap_or_default(),
        parents_attended: Some(!a.parents_absent),
        attendees: attendees_of(&a.attendee)?,
        summary_of_concerns: a.summary.clone().unwrap_or_default(),
        aim: aim_of(a.target, a.weeks),
        actions: actions_of("--action", &a.action)?,
        review_date: a.review,
        copies: copies_of(&a.copy)?,
        ..Default::default()
    })
}

/// The case as it is, or as it would be opened.
fn case_or_new(ws: &Workspace, id: &PupilId, today: NaiveDate, by: &str) -> Result<(Case, bool)> {
    if let Some(c) = store::load(ws, id)? {
        return Ok((c, false));
    }
    let reg = register_for(ws, today, today)?;
    let opts = OpenOptions::new(today, by);
    let opened = attend::cases::open::new_case(ws, &reg, id, &opts).map_err(|e| match e {
        attend::cases::open::OpenError::NotInRegister { .. } => anyhow!(
            "{id} has no case and is not in the register.\n  Open the case first, giving the pupil's names: attend case open {id} --surname NAME --forename NAME"
        ),
        other => anyhow!(other),
    })?;
    Ok((opened.case, true))
}

fn check_before_recording(case: &Case) -> Result<()> {
    if case.stage == Stage::Closed {
        bail!(
            "the case of {} is closed: reopen it first (attend case stage {} support --reason \"...\")",
            case.pupil.id,
            case.pupil.id
        );
    }
    if let Some(p) = open_plan(case) {
        bail!(
            "plan {} (meeting {}) has not been reviewed yet: review it first (attend review {}). A pupil has one open plan at a time.",
            p.number,
            p.meeting.date,
            case.pupil.id
        );
    }
    Ok(())
}

fn new(ctx: &Ctx, a: PlanNewArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let today = ctx.as_of;
    let weeks = ws.config.reviews.weeks;
    let (case, _) = case_or_new(&ws, &id, today, "")?;
    check_before_recording(&case)?;
    let mode = input_mode(
        ctx,
        a.from.as_deref(),
        a.edit,
        a.has_fields(),
        "plan",
        "--date 2025-01-20 --target 95 --weeks 3 --attendee \"Jane Smith|Mother\" --action \"parents|Phone by 9am on any day of absence|Jane Smith\"",
    )?;
    let by = who(ctx, &ws, &a.by);
    // with --letters, what the documents need whatever the plan says is checked before the
    // officer fills anything in
    let kinds = [Kind::Plan, Kind::PlanLetter];
    if a.letters {
        for k in kinds {
            can_write(&ws.config, &case, k).map_err(|e| {
                anyhow!("{e}
  Nothing was recorded: put that right first, or leave out --letters to record the meeting without its documents")
            })?;
        }
    }
    let mut form_text = None;
    let checked: CheckedPlan = match mode {
        Input::Flags => {
            let form = form_from_flags(&a, today)?;
            check_plan_form(&form, today, weeks).map_err(|p| flag_problems("the plan", p))?
        }
        Input::File(path) => {
            let text = read_form(&path)?;
            let form: PlanForm = parse_checked(&text, &path, |f: &PlanForm| {
                check_plan_form(f, today, weeks).err().unwrap_or_default()
            })
            .map_err(|e| anyhow!("{e}\n  Nothing was recorded."))?;
            check_plan_form(&form, today, weeks)
                .map_err(|p| flag_problems(&path.display().to_string(), p))?
        }
        Input::Editor => {
            let mut form = match &a.from {
                Some(path) => {
                    let text = read_form(path)?;
                    attend::yaml::from_str::<PlanForm>(&text, path)?
                }
                None if a.has_fields() => form_from_flags(&a, today)?,
                None => PlanForm {
                    date: Some(today),
                    parents_attended: Some(true),
                    ..Default::default()
                },
            };
            if form.date.is_none() {
                form.date = Some(today);
            }
            if form.attendees.is_empty() {
                form.attendees =
                    default_attendees(&case, &by, &ws.config.school.attendance_lead.role);
            }
            if form.child_view.is_empty() {
                form.child_view = case.child_view.clone();
            }
            if form.barriers.is_empty() {
                form.barriers = case.barriers.clone();
            }
            let reg = register_for(&ws, form.date.unwrap_or(today), form.date.unwrap_or(today))?;
            let (figures, why) = figures_on(&reg, &id, form.date.unwrap_or(today), &ws.config);
            let text = render_plan_form(&case, &form, figures.as_ref(), why.as_deref(), weeks);
            let editor = ctx.env.editor.clone();
            let label = Path::new("the plan form");
            let edited = edit_until_valid(
                &store::case_dir(&ws, &id),
                "plan.yaml",
                &text,
                &editor,
                |t| {
                    let f: PlanForm = parse_checked(t, label, |f: &PlanForm| {
                        check_plan_form(f, today, weeks).err().unwrap_or_default()
                    })?;
                    check_plan_form(&f, today, weeks).map_err(|p| CaseFileError {
                        file: label.display().to_string(),
                        problems: p
                            .into_iter()
                            .map(|p| Located {
                                line: None,
                                field: Some(p.path.to_string()),
                                message: p.message,
                            })
                            .collect(),
                    })
                },
            );
            // the case folder may have been made just for the form: leave no empty folder behind
            if store::load(&ws, &id)?.is_none() {
                let _ = std::fs::remove_dir(store::case_dir(&ws, &id));
            }
            match edited? {
                Edited::Unchanged => {
                    ctx.say("Nothing was recorded (the form was closed without saving).");
                    return Ok(ExitCode::SUCCESS);
                }
                Edited::Saved(p, text) => {
                    form_text = Some(text);
                    p
                }
            }
        }
    };
    // said before anything is recorded: a meeting on a weekend or a day the school was closed
    let reg = register_for(&ws, checked.meeting.date, checked.meeting.date)?;
    if let Some(w) = meeting_day_warning(Some(&reg), checked.meeting.date) {
        ctx.warn(format!("{w}: check the meeting's date"));
    }
    let wanted = documents_wanted(ctx, &kinds, a.letters)?;
    // record: take the lock, read the case again (it may have changed meanwhile), check again
    let _lock = ws.lock()?;
    let (mut case, opened) = case_or_new(&ws, &id, today, &by)?;
    check_before_recording(&case)?;
    let done = record_plan(&mut case, &reg, &ws.config, checked, &by)?;
    // the meeting and its documents are recorded together, or (if a document cannot be
    // written) nothing is
    let made = if wanted {
        let n = Some(done.number);
        let requests = [
            Request::Plan { plan: n },
            Request::PlanLetter {
                plan: n,
                review: Default::default(),
            },
        ];
        match make_documents(ctx, &ws, &case, &requests) {
            Ok(m) => m,
            Err(e) => {
                if let Some(text) = &form_text {
                    println!("{text}");
                    eprintln!(
                        "The form you filled in is printed above: save it, and record it with attend plan new {id} --from FILE --letters once this is put right."
                    );
                }
                bail!(
                    "nothing was recorded: {e:#}\n  Put that right and run the command again; or leave out --letters to record the meeting now, and write its documents afterwards (attend letter plan {id}; attend letter plan-letter {id})"
                );
            }
        }
    } else {
        Vec::new()
    };
    let mut tx = ws.transaction();
    let filed = stage_documents(&mut tx, &ws, &mut case, &made, today, &by)?;
    store::stage_write(&mut tx, &ws, &case, ctx.as_of)?;
    tx.commit()?;
    let plan = case
        .plans
        .get(done.number as usize - 1)
        .expect("just recorded");
    let message = format!(
        "{}Plan {} recorded for {id}, review due {}{}",
        if opened { "Case opened and " } else { "" },
        done.number,
        plan.review_date,
        if made.is_empty() {
            ""
        } else {
            ", with its record and covering letter"
        }
    );
    let commit = attend::cases::git::commit_cases(&ws, std::slice::from_ref(&id), &message);
    if opened {
        ctx.say(format!(
            "Opened a case for {id} ({}).",
            case.pupil.display_name()
        ));
    }
    ctx.say(format!(
        "Recorded plan {} for {id} ({}): meeting {}{}.",
        done.number,
        case.pupil.display_name(),
        plan.meeting.date,
        if plan.meeting.parents_attended {
            " with the parents/carers"
        } else {
            ", held in the parents'/carers' absence"
        }
    ));
    ctx.say(format!(
        "  Aim: {}; {} action{}; review due {}.",
        plan.aim.describe(),
        plan.actions.len(),
        if plan.actions.len() == 1 { "" } else { "s" },
        plan.review_date
    ));
    match (&plan.attendance, &done.no_figures) {
        (Some(s), _) => ctx.say(format!("  Attendance at the meeting: {}", s.describe())),
        (None, Some(w)) => ctx.say(format!("  No attendance figures: {w}")),
        _ => {}
    }
    if let Some(s) = done.stage {
        ctx.say(format!("  Stage: {} -> {}", s.from, s.to));
    }
    for w in &done.warnings {
        ctx.warn(w);
    }
    report_made(ctx, &ws, &case, &made, &filed);
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}
