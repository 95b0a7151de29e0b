//! `attend letter KIND UPN`: write a letter or record for a pupil's case as a PDF, file it in the
//! case and record it on the timeline; `--stdout`, `--context`, `--source`; and mail-outs of
//! letters of concern (`--all-flagged`, `--upns FILE`, several UPNs, `--dry-run`: [`mailout`]).

mod mailout;

use super::Ctx;
use super::common::pupil_id;
use super::documents::one;
use crate::cli::common::Format;
use crate::cli::letter::{LetterArgs, MeetingArg};
use anyhow::{Result, anyhow, bail};
use attend::cases::model::Attendee;
use attend::cases::plan::{FormAttendee, open_plan};
use attend::cases::store;
use attend::documents::{Kind, MeetingDetails, MeetingOf, NoticeDetails, Request, ReviewMeeting};
use attend::upn::PupilId;
use attend::workspace::Workspace;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, a: LetterArgs) -> Result<ExitCode> {
    check_options(&a)?;
    let ws = ctx.workspace()?;
    if is_mailout(&a) {
        if a.kind != Kind::ConcernLetter {
            bail!(
                "only letters of concern go out in a mail-out: an {} needs details for each family; write them one at a time (attend letter {} UPN ...)",
                a.kind.in_sentence(),
                a.kind.name()
            );
        }
        return mailout::run(ctx, &ws, &a);
    }
    let id = pupil_id(ctx, &ws, &a.upn[0])?;
    if a.kind == Kind::ConcernLetter
        && !a.output.context
        && let Some(case) = store::load(&ws, &id)?
        && let Err(not) = attend::documents::mailout::concern_letter_fits(
            &case,
            ctx.as_of,
            ws.config.letters.concern_repeat_weeks,
        )
    {
        eprintln!(
            "warning: a mail-out of letters of concern would leave this family out ({}); written because you named the pupil",
            not.reason()
        );
    }
    let request = request_of(&ws, &id, &a)?;
    one(ctx, &ws, &id, &request, &a.output, &a.by)
}

/// A mail-out: every flagged pupil, a file of pupils, several pupils, or a dry run.
fn is_mailout(a: &LetterArgs) -> bool {
    a.all_flagged || a.upns.is_some() || a.upn.len() > 1 || a.dry_run
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
    let meetings = [Kind::Invitation, Kind::ReviewInvitation, Kind::Rearranged];
    let meetings_and_cover = [
        Kind::Invitation,
        Kind::ReviewInvitation,
        Kind::Rearranged,
        Kind::PlanLetter,
    ];
    only(a.date.is_some(), "--date", &meetings, &mut wrong);
    only(a.time.is_some(), "--time", &meetings_and_cover, &mut wrong);
    only(
        a.place.is_some(),
        "--place",
        &meetings_and_cover,
        &mut wrong,
    );
    only(a.minutes.is_some(), "--minutes", &meetings, &mut wrong);
    only(!a.attendee.is_empty(), "--attendee", &meetings, &mut wrong);
    only(
        a.meeting.is_some(),
        "--meeting",
        &[Kind::Rearranged],
        &mut wrong,
    );
    only(
        a.plan.is_some(),
        "--plan",
        &[Kind::Plan, Kind::PlanLetter, Kind::Review, Kind::TargetMet],
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
    if !is_mailout(a) {
        let mailout_only: Vec<&str> = [
            (a.include_recent, "--include-recent"),
            (a.include_later_stages, "--include-later-stages"),
            (a.format != Format::Table, "--format"),
        ]
        .into_iter()
        .filter_map(|(used, name)| used.then_some(name))
        .collect();
        if !mailout_only.is_empty() {
            bail!(
                "{} {} for mail-outs (--all-flagged, --upns FILE, several UPNs, or --dry-run): a letter written for one pupil you name is always written",
                mailout_only.join(" and "),
                if mailout_only.len() == 1 { "is" } else { "are" }
            );
        }
        let mut missing = Vec::new();
        if matches!(k, Kind::Invitation | Kind::Rearranged) && a.date.is_none() {
            missing.push("--date DATE");
        }
        if meetings.contains(&k) && a.time.is_none() {
            missing.push("--time TIME");
        }
        if !missing.is_empty() {
            bail!(
                "{} says when the meeting is: give {} (and --place, if not at the school)",
                capitalised(&k.in_sentence()),
                missing.join(" and ")
            );
        }
    }
    Ok(())
}

fn capitalised(s: &str) -> String {
    attend::text::capitalise(s)
}

/// Who will be at a meeting from the school: --attendee, else the attendance lead.
fn attendees(ws: &Workspace, a: &LetterArgs) -> Result<Vec<Attendee>> {
    if a.attendee.is_empty() {
        let lead = &ws.config.school.attendance_lead;
        return Ok(if lead.name.trim().is_empty() {
            vec![]
        } else {
            vec![Attendee {
                name: lead.name.trim().into(),
                role: lead.role.trim().into(),
            }]
        });
    }
    a.attendee
        .iter()
        .map(|t| {
            FormAttendee::parse(t)
                .map(|f| f.0)
                .map_err(|e| anyhow!("--attendee {t:?}: {e}"))
        })
        .collect()
}

/// The meeting a letter is about, from --date (or `default_date`), --time, --place, --minutes
/// and --attendee.
fn meeting(
    ws: &Workspace,
    a: &LetterArgs,
    default_date: Option<chrono::NaiveDate>,
) -> Result<MeetingDetails> {
    let date = a
        .date
        .or(default_date)
        .ok_or_else(|| anyhow!("give the meeting's date with --date"))?;
    Ok(MeetingDetails {
        date,
        time: a.time.expect("checked"),
        place: match &a.place {
            Some(p) => p.trim().to_string(),
            None => default_place(ws),
        },
        minutes: a.minutes,
        attendees: attendees(ws, a)?,
    })
}

fn request_of(ws: &Workspace, id: &PupilId, a: &LetterArgs) -> Result<Request> {
    Ok(match a.kind {
        Kind::ConcernLetter => Request::ConcernLetter,
        Kind::Invitation => Request::Invitation(meeting(ws, a, None)?),
        Kind::ReviewInvitation => {
            // by default, the review on the open plan's review date
            let review_date = store::load(ws, id)?
                .as_ref()
                .and_then(open_plan)
                .map(|p| p.review_date);
            if a.date.is_none() && review_date.is_none() {
                bail!(
                    "the case of {id} has no plan waiting for review: an invitation to a review is for the open plan's review (record a plan with attend plan new {id})"
                );
            }
            Request::ReviewInvitation(meeting(ws, a, review_date)?)
        }
        Kind::Rearranged => Request::Rearranged {
            meeting: meeting(ws, a, None)?,
            of: a.meeting.map(|m| match m {
                MeetingArg::Plan => MeetingOf::Attendance,
                MeetingArg::Review => MeetingOf::Review,
            }),
        },
        Kind::Plan => Request::Plan { plan: a.plan },
        Kind::PlanLetter => Request::PlanLetter {
            plan: a.plan,
            review: ReviewMeeting {
                time: a.time,
                place: a.place.clone().unwrap_or_default(),
            },
        },
        Kind::Review => Request::Review { plan: a.plan },
        Kind::TargetMet => Request::TargetMet { plan: a.plan },
        Kind::NoticeToImprove => Request::NoticeToImprove(NoticeDetails {
            weeks: a.weeks.unwrap_or(6),
            start: a.start,
            target: a.target,
            support: a.support.clone(),
        }),
        Kind::Referral => Request::Referral,
        Kind::Certificate | Kind::CourtCertificate => {
            unreachable!("parse_letter_kind refuses them")
        }
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
