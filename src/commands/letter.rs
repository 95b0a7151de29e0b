//! `attend letter KIND UPN`: write a letter or record for a pupil's case as a PDF, file it in the
//! case and record it on the timeline; `--stdout`, `--context`, `--source`, `--all-flagged`.

use super::Ctx;
use super::common::pupil_id;
use super::documents::{batch, one};
use crate::cli::letter::LetterArgs;
use anyhow::{Result, anyhow, bail};
use attend::cases::model::Attendee;
use attend::cases::plan::FormAttendee;
use attend::documents::{Kind, MeetingDetails, NoticeDetails, Request, ReviewMeeting};
use attend::workspace::Workspace;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, a: LetterArgs) -> Result<ExitCode> {
    check_options(&a)?;
    let ws = ctx.workspace()?;
    if a.all_flagged {
        if a.kind != Kind::ConcernLetter {
            bail!(
                "--all-flagged writes concern letters only: an {} needs details for each pupil; write them one at a time (attend letter {} UPN ...)",
                a.kind.in_sentence(),
                a.kind.name()
            );
        }
        return batch(ctx, &ws, &a.output, &a.by, a.threshold, |_| {
            Ok(Request::ConcernLetter)
        });
    }
    let id = pupil_id(ctx, &ws, a.upn.as_deref().expect("clap requires UPN"))?;
    let request = request_of(&ws, &a)?;
    one(ctx, &ws, &id, &request, &a.output, &a.by)
}

/// Options that belong to other kinds of document are mistakes, not silently ignored.
fn check_options(a: &LetterArgs) -> Result<()> {
    let k = a.kind;
    let mut wrong = Vec::new();
    let only = |used: bool, name: &str, kinds: &[Kind], wrong: &mut Vec<String>| {
        if used && !kinds.contains(&k) {
            let for_: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            wrong.push(format!("{name} (for: {})", for_.join(", ")));
        }
    };
    only(a.date.is_some(), "--date", &[Kind::Invitation], &mut wrong);
    only(
        a.time.is_some(),
        "--time",
        &[Kind::Invitation, Kind::PlanLetter],
        &mut wrong,
    );
    only(
        a.place.is_some(),
        "--place",
        &[Kind::Invitation, Kind::PlanLetter],
        &mut wrong,
    );
    only(
        a.minutes.is_some(),
        "--minutes",
        &[Kind::Invitation],
        &mut wrong,
    );
    only(
        !a.attendee.is_empty(),
        "--attendee",
        &[Kind::Invitation],
        &mut wrong,
    );
    only(
        a.plan.is_some(),
        "--plan",
        &[Kind::Plan, Kind::PlanLetter, Kind::Review],
        &mut wrong,
    );
    for (used, name) in [
        (a.weeks.is_some(), "--weeks"),
        (a.start.is_some(), "--start"),
        (a.target.is_some(), "--target"),
        (!a.support.is_empty(), "--support"),
    ] {
        only(used, name, &[Kind::NoticeToImprove], &mut wrong);
    }
    if !wrong.is_empty() {
        bail!(
            "{} not used by the {}: {}",
            if wrong.len() == 1 {
                "this option is"
            } else {
                "these options are"
            },
            k.in_sentence(),
            wrong.join("; ")
        );
    }
    if k == Kind::Invitation && !a.all_flagged {
        let mut missing = Vec::new();
        if a.date.is_none() {
            missing.push("--date DATE");
        }
        if a.time.is_none() {
            missing.push("--time TIME");
        }
        if !missing.is_empty() {
            bail!(
                "an invitation says when the meeting is: give {} (and --place, if not at the school)",
                missing.join(" and ")
            );
        }
    }
    Ok(())
}

fn request_of(ws: &Workspace, a: &LetterArgs) -> Result<Request> {
    Ok(match a.kind {
        Kind::ConcernLetter => Request::ConcernLetter,
        Kind::Invitation => {
            let attendees: Vec<Attendee> = if a.attendee.is_empty() {
                let lead = &ws.config.school.attendance_lead;
                if lead.name.trim().is_empty() {
                    vec![]
                } else {
                    vec![Attendee {
                        name: lead.name.trim().into(),
                        role: lead.role.trim().into(),
                    }]
                }
            } else {
                a.attendee
                    .iter()
                    .map(|t| {
                        FormAttendee::parse(t)
                            .map(|f| f.0)
                            .map_err(|e| anyhow!("--attendee {t:?}: {e}"))
                    })
                    .collect::<Result<_>>()?
            };
            let place = match &a.place {
                Some(p) => p.trim().to_string(),
                None => default_place(ws),
            };
            Request::Invitation(MeetingDetails {
                date: a.date.expect("checked"),
                time: a.time.expect("checked"),
                place,
                minutes: a.minutes,
                attendees,
            })
        }
        Kind::Plan => Request::Plan { plan: a.plan },
        Kind::PlanLetter => Request::PlanLetter {
            plan: a.plan,
            review: ReviewMeeting {
                time: a.time,
                place: a.place.clone().unwrap_or_default(),
            },
        },
        Kind::Review => Request::Review { plan: a.plan },
        Kind::NoticeToImprove => Request::NoticeToImprove(NoticeDetails {
            weeks: a.weeks.unwrap_or(6),
            start: a.start,
            target: a.target,
            support: a.support.clone(),
        }),
        Kind::Referral => Request::Referral,
        Kind::Certificate => unreachable!("parse_letter_kind refuses it"),
    })
}

/// "Riverside Academy, 1 School Lane, Townley, TW1 2AB".
fn default_place(ws: &Workspace) -> String {
    let s = &ws.config.school;
    std::iter::once(s.name.trim())
        .chain(s.address.iter().map(|l| l.trim()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}
