//! `attend review UPN`: review the pupil's open plan against its aim, and decide.

use super::Ctx;
use super::common::{pupil_id, register_for, report_commit, who};
use super::documents::{documents_wanted, make_documents, report_made, stage_documents};
use super::forms::{Input, actions_of, attendees_of, flag_problems, input_mode, read_form};
use crate::cli::common::TargetArg;
use crate::cli::review::ReviewArgs;
use anyhow::{Result, anyhow, bail};
use attend::cases::editor::{Edited, edit_until_valid};
use attend::cases::file::parse_checked;
use attend::cases::model::{Aim, Decision, Plan};
use attend::cases::plan::{
    CheckedReview, FormActionReview, FormAttendee, FormNextPlan, ReviewCase, ReviewFigures,
    ReviewForm, carried_actions, check_review_form, is_parent, open_plan, record_review,
    render_review_form, review_figures,
};
use attend::cases::problem::{CaseFileError, Located};
use attend::cases::store;
use attend::cases::{Case, Stage};
use attend::documents::{Kind, Request, can_write, meeting_day_warning};
use attend::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use std::cell::RefCell;
use std::path::Path;
use std::process::ExitCode;

/// The review form the options give. `--next-action` adds to the actions carried over from
/// `plan` (those not done) unless `--replace-actions`.
fn form_from_flags(
    a: &ReviewArgs,
    plan: &Plan,
    weeks: u32,
    today: NaiveDate,
) -> Result<ReviewForm> {
    let next_aim = match a.next_target {
        Some(TargetArg::Percent(p)) => Some(Aim {
            target: Some(p),
            weeks: a.next_weeks,
            no_unauthorised_absence: false,
        }),
        Some(TargetArg::NoUnauthorised) => Some(Aim {
            target: None,
            weeks: a.next_weeks,
            no_unauthorised_absence: true,
        }),
        None => None,
    };
    let mut next_actions = actions_of("--next-action", &a.next_action)?;
    let statuses: Vec<FormActionReview> = a
        .action_status
        .iter()
        .map(|(n, s)| FormActionReview {
            action: *n,
            status: Some(*s),
            note: String::new(),
        })
        .collect();
    if !next_actions.is_empty() && !a.replace_actions {
        let review = a.next_review.unwrap_or_else(|| {
            attend::cases::plan::default_next_review(a.date.unwrap_or(today), weeks)
        });
        let mut all = carried_actions(plan, &statuses, review);
        all.append(&mut next_actions);
        next_actions = all;
    }
    let next_plan = (a.next_review.is_some() || next_aim.is_some() || !next_actions.is_empty())
        .then(|| FormNextPlan {
            aim: next_aim,
            actions: next_actions,
            review_date: a.next_review,
            ..Default::default()
        });
    Ok(ReviewForm {
        date: a.date,
        place: a.place.clone().unwrap_or_default(),
        parents_attended: Some(!a.parents_absent),
        attendees: attendees_of(&a.attendee)?,
        outcome: a.outcome,
        outcome_reason: a.outcome_reason.clone().unwrap_or_default(),
        what_worked: a.worked.clone().unwrap_or_default(),
        what_did_not_work: a.not_worked.clone().unwrap_or_default(),
        actions: statuses,
        decision: match (a.decision, a.escalate) {
            (None, Some(_)) => Some(attend::cases::model::Decision::Escalate),
            (d, _) => d,
        },
        escalation: a.escalate,
        notes: a.notes.clone().unwrap_or_default(),
        next_plan,
    })
}

/// The figures for a review on `date` (the register loaded from a year before the plan).
fn figures_for(ws: &Workspace, case: &Case, plan: &Plan, date: NaiveDate) -> Result<ReviewFigures> {
    let reg = register_for(
        ws,
        plan.meeting.date - Duration::days(366),
        date.max(plan.meeting.date),
    )?;
    Ok(review_figures(&reg, case, plan, date, &ws.config))
}

/// The figures a review rests on, for people.
fn figure_lines(plan: &Plan, f: &ReviewFigures) -> Vec<String> {
    let mut out = vec![format!(
        "  Aim of plan {}: {}",
        plan.number,
        plan.aim.describe()
    )];
    match &f.during {
        Some(s) => out.push(format!("  During the plan: {}", s.describe())),
        None => out.push("  During the plan: no figures".into()),
    }
    match &f.before {
        Some(s) => out.push(format!(
            "  Before the plan ({}): {}",
            s.period,
            s.describe()
        )),
        None => out.push("  Before the plan: no figures".into()),
    }
    if let Some(pn) = f.year.as_ref().and_then(|y| y.penalty_notice.as_ref()) {
        out.push(format!("  Penalty-notice threshold met: {}", pn.describe()));
    }
    for n in &f.notes {
        out.push(format!("  Note: {n}"));
    }
    out
}

pub fn run(ctx: &Ctx, a: ReviewArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let today = ctx.as_of;
    let weeks = ws.config.reviews.weeks;
    let case = store::load_existing(&ws, &id)?;
    if case.stage == Stage::Closed {
        bail!("the case of {id} is closed: there is no plan to review");
    }
    let Some(plan) = open_plan(&case).cloned() else {
        bail!("{id} has no plan waiting for review: record one with attend plan new {id}");
    };
    let date = a.date.unwrap_or(today);
    let figures = figures_for(&ws, &case, &plan, date)?;
    let dob = {
        let reg = register_for(&ws, date, date)?;
        attend::cases::law::dob_of(Some(&case), Some(&reg), &id)
    };
    if a.dry_run {
        println!(
            "Review of plan {} for {id} ({}) on {date}: nothing recorded",
            plan.number,
            case.pupil.display_name()
        );
        for l in figure_lines(&plan, &figures) {
            println!("{l}");
        }
        match figures.proposed {
            Some(o) => println!("The figures give: {}", o.label()),
            None => println!(
                "There are no figures to judge the plan by: give --outcome and --outcome-reason"
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mode = input_mode(
        ctx,
        a.from.as_deref(),
        a.edit,
        a.has_fields(),
        "review",
        "--decision continue --action-status 1=done --action-status 2=partly",
    )?;
    let by = who(ctx, &ws, &a.by);
    // with --letters, what the documents need whatever the review decides is checked before the
    // officer fills anything in: the letterhead, and someone to write to
    if a.letters {
        for k in [Kind::Review, Kind::PlanLetter] {
            can_write(&ws.config, &case, k).map_err(|e| {
                anyhow!("{e}\n  Nothing was recorded: put that right first, or leave out --letters to record the review without its documents")
            })?;
        }
    }
    let mut form_text = None;
    // figures follow the review date the form gives; computed once per date
    let cache: RefCell<Vec<(NaiveDate, ReviewFigures)>> = RefCell::new(vec![(date, figures)]);
    let figures_on = |d: NaiveDate| -> Result<ReviewFigures> {
        if let Some((_, f)) = cache.borrow().iter().find(|(x, _)| *x == d) {
            return Ok(f.clone());
        }
        let f = figures_for(&ws, &case, &plan, d)?;
        cache.borrow_mut().push((d, f.clone()));
        Ok(f)
    };
    let check =
        |form: &ReviewForm| -> Result<Result<CheckedReview, Vec<attend::cases::problem::Problem>>> {
            let f = figures_on(form.date.unwrap_or(today))?;
            Ok(check_review_form(
                form,
                &plan,
                &f,
                today,
                weeks,
                ReviewCase { case: &case, dob },
            ))
        };
    let checked = match mode {
        Input::Flags => {
            let mut form = form_from_flags(&a, &plan, weeks, today)?;
            if form.attendees.is_empty() {
                // as --help says: the plan's meeting attendees, unless --attendee names them;
                // a review held in the parents' absence leaves the parents out
                form.attendees = plan
                    .meeting
                    .attendees
                    .iter()
                    .filter(|x| !a.parents_absent || !is_parent(&case, x))
                    .cloned()
                    .map(FormAttendee)
                    .collect();
            }
            check(&form)?.map_err(|p| flag_problems("the review", p))?
        }
        Input::File(path) => {
            let text = read_form(&path)?;
            let form: ReviewForm = parse_checked(&text, &path, |f: &ReviewForm| match check(f) {
                Ok(r) => r.err().unwrap_or_default(),
                Err(e) => vec![attend::cases::problem::Problem::new(
                    attend::cases::problem::FieldPath::root(),
                    e.to_string(),
                )],
            })
            .map_err(|e| anyhow!("{e}\n  Nothing was recorded."))?;
            check(&form)?.map_err(|p| flag_problems(&path.display().to_string(), p))?
        }
        Input::Editor => {
            let mut form = match &a.from {
                Some(path) => attend::yaml::from_str::<ReviewForm>(&read_form(path)?, path)?,
                None => form_from_flags(&a, &plan, weeks, today)?,
            };
            if form.date.is_none() {
                form.date = Some(date);
            }
            let f = figures_on(form.date.unwrap_or(today))?;
            let text = render_review_form(&case, &plan, &form, &f, weeks);
            let editor = ctx.env.editor.clone();
            let label = Path::new("the review form");
            let edited = edit_until_valid(
                &store::case_dir(&ws, &id),
                "review.yaml",
                &text,
                &editor,
                |t| {
                    let form: ReviewForm =
                        parse_checked(t, label, |f: &ReviewForm| match check(f) {
                            Ok(r) => r.err().unwrap_or_default(),
                            Err(e) => vec![attend::cases::problem::Problem::new(
                                attend::cases::problem::FieldPath::root(),
                                e.to_string(),
                            )],
                        })?;
                    match check(&form) {
                        Ok(Ok(c)) => Ok(c),
                        Ok(Err(p)) => Err(CaseFileError {
                            file: label.display().to_string(),
                            problems: p
                                .into_iter()
                                .map(|p| Located {
                                    line: None,
                                    field: Some(p.path.to_string()),
                                    message: p.message,
                                })
                                .collect(),
                        }),
                        Err(e) => Err(CaseFileError {
                            file: label.display().to_string(),
                            problems: vec![Located {
                                line: None,
                                field: None,
                                message: e.to_string(),
                            }],
                        }),
                    }
                },
            )?;
            match edited {
                Edited::Unchanged => {
                    ctx.say("Nothing was recorded (the form was closed without saving).");
                    return Ok(ExitCode::SUCCESS);
                }
                Edited::Saved(c, text) => {
                    form_text = Some(text);
                    c
                }
            }
        }
    };
    // said before anything is recorded: a meeting on a weekend or a day the school was closed
    let meeting_date = checked.review.meeting.date;
    let reg = register_for(&ws, meeting_date, meeting_date)?;
    if let Some(w) = meeting_day_warning(Some(&reg), meeting_date) {
        ctx.warn(format!("{w}: check the review's date"));
    }
    let target_met = checked.review.decision == Decision::Close
        && checked.review.outcome == attend::cases::model::Outcome::Met;
    let kinds: Vec<Kind> = if target_met {
        vec![Kind::Review, Kind::TargetMet]
    } else if checked.next.is_some() {
        vec![Kind::Review, Kind::Plan, Kind::PlanLetter]
    } else {
        vec![Kind::Review]
    };
    let wanted = documents_wanted(ctx, &kinds, a.letters)?;
    let _lock = ws.lock()?;
    let mut case = store::load_existing(&ws, &id)?;
    if open_plan(&case).map(|p| p.number) != Some(plan.number) {
        bail!(
            "the case of {id} changed while the review was being written (plan {} is no longer open); nothing was recorded",
            plan.number
        );
    }
    let during = checked.review.during_plan.clone();
    let before = checked.review.before_plan.clone();
    let done = record_review(&mut case, checked, &by)?;
    // the review and its documents are recorded together, or (if a document cannot be written)
    // nothing is
    let made = if wanted {
        let mut requests = vec![Request::Review {
            plan: Some(done.plan),
        }];
        if let Some((n, _)) = done.next_plan {
            requests.push(Request::Plan { plan: Some(n) });
            requests.push(Request::PlanLetter {
                plan: Some(n),
                review: Default::default(),
            });
        }
        if target_met {
            requests.push(Request::TargetMet {
                plan: Some(done.plan),
            });
        }
        match make_documents(ctx, &ws, &case, &requests) {
            Ok(m) => m,
            Err(e) => {
                if let Some(text) = &form_text {
                    println!("{text}");
                    eprintln!(
                        "The form you filled in is printed above: save it, and record it with attend review {id} --from FILE --letters once this is put right."
                    );
                }
                let names: Vec<String> = requests
                    .iter()
                    .map(|r| format!("attend letter {} {id}", r.kind().name()))
                    .collect();
                bail!(
                    "nothing was recorded: {e:#}\n  Put that right and run the command again; or leave out --letters to record the review now, and write its documents afterwards ({})",
                    names.join("; ")
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
    let review = case.plans[done.plan as usize - 1]
        .review
        .clone()
        .expect("just recorded");
    let mut message = format!(
        "Review of plan {} recorded for {id}: {}, {}",
        done.plan,
        done.outcome.label(),
        done.decision.as_str()
    );
    if let Some((n, d)) = done.next_plan {
        message.push_str(&format!("; plan {n} review due {d}"));
    }
    if !made.is_empty() {
        message.push_str(&format!(
            "; {} filed",
            attend::text::plural(made.len(), "document")
        ));
    }
    let commit = attend::cases::git::commit_cases(&ws, std::slice::from_ref(&id), &message);
    ctx.say(format!(
        "Recorded the review of plan {} for {id} ({}): {}{}.",
        done.plan,
        case.pupil.display_name(),
        done.outcome.label(),
        match review.proposed_outcome {
            Some(p) if p != done.outcome => format!(" (the figures gave {})", p.label()),
            Some(_) => " (as the figures give)".to_string(),
            None => String::new(),
        }
    ));
    let shown = ReviewFigures {
        during,
        before,
        year: review.year_to_date.clone(),
        proposed: review.proposed_outcome,
        notes: vec![],
    };
    for l in figure_lines(&case.plans[done.plan as usize - 1], &shown) {
        ctx.say(l);
    }
    match (done.decision, done.next_plan) {
        (attend::cases::model::Decision::Close, _) => {
            ctx.say("  Decision: close the plan; the case goes back to monitoring.")
        }
        (d, Some((n, r))) => ctx.say(format!(
            "  Decision: {}{}; plan {n} is in place, review due {r}.",
            d.as_str(),
            review
                .escalation
                .map(|e| format!(" to {}", e.label()))
                .unwrap_or_default()
        )),
        (d, None) => ctx.say(format!("  Decision: {}", d.as_str())),
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
