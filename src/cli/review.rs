//! `attend review`: clap definitions.

use super::common::{ByArg, TargetArg, parse_target};
use attend::cases::model::{ActionStatus, Decision, Escalation, Outcome};
use attend::dates::parse_cli_date;
use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;

/// An action's status at a review, "N=status" (1=done, 2=partly, 3=not-done).
pub fn parse_action_status(text: &str) -> Result<(u32, ActionStatus), String> {
    let usage = "write it as N=STATUS, e.g. 1=done, 2=partly, 3=not-done";
    let (n, s) = text
        .split_once(['=', ':'])
        .ok_or_else(|| format!("{text:?}: {usage}"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: {:?} is not an action number; {usage}", n.trim()))?;
    let status = match s
        .trim()
        .to_ascii_lowercase()
        .replace(['-', ' '], "_")
        .as_str()
    {
        "done" => ActionStatus::Done,
        "partly" | "partly_done" | "part" => ActionStatus::Partly,
        "not_done" | "notdone" | "no" => ActionStatus::NotDone,
        _ => {
            return Err(format!(
                "{text:?}: {:?} is not a status (done, partly or not-done)",
                s.trim()
            ));
        }
    };
    Ok((n, status))
}

pub fn parse_outcome(text: &str) -> Result<Outcome, String> {
    Outcome::parse(text)
        .ok_or_else(|| format!("{text:?} is not an outcome: met, some-improvement or not-met"))
}

pub fn parse_decision(text: &str) -> Result<Decision, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "close" => Ok(Decision::Close),
        "continue" => Ok(Decision::Continue),
        "escalate" => Ok(Decision::Escalate),
        _ => Err(format!(
            "{text:?} is not a decision: close, continue or escalate"
        )),
    }
}

pub fn parse_escalation(text: &str) -> Result<Escalation, String> {
    let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let t = match t.as_str() {
        "la" | "la_referral" | "local_authority_referral" => "local_authority",
        "nti" => "notice_to_improve",
        "early_help_assessment" | "eha" => "early_help",
        other => other,
    };
    Escalation::ALL
        .into_iter()
        .find(|e| e.as_str() == t)
        .ok_or_else(|| {
            format!(
                "{text:?} is not a next step: {}",
                Escalation::ALL
                    .map(|e| e.as_str().replace('_', "-"))
                    .join(", ")
            )
        })
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Show the figures since the plan began and the outcome they give; record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Read the review from this file (the form's fields; see README "Attendance meetings").
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Fill in the review in your editor (VISUAL or EDITOR), starting from what the other options give.
    #[arg(long)]
    pub edit: bool,
    /// The date of the review meeting (default: today). Figures run from the plan's meeting to this
    /// date, or to the latest imported session if that is earlier.
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Where the review was held.
    #[arg(long)]
    pub place: Option<String>,
    /// Someone who attended, "Name|Role" (repeat; default: the plan's attendees, without the
    /// parents and carers when --parents-absent is given).
    #[arg(long, value_name = "NAME|ROLE")]
    pub attendee: Vec<String>,
    /// The parents/carers did not attend the review.
    #[arg(long)]
    pub parents_absent: bool,
    /// The outcome, if not the one the figures give: met, some-improvement or not-met (needs --outcome-reason).
    #[arg(long, value_parser = parse_outcome)]
    pub outcome: Option<Outcome>,
    /// Why the outcome differs from the one the figures give.
    #[arg(long, value_name = "TEXT")]
    pub outcome_reason: Option<String>,
    /// What worked.
    #[arg(long, value_name = "TEXT")]
    pub worked: Option<String>,
    /// What did not work.
    #[arg(long, value_name = "TEXT")]
    pub not_worked: Option<String>,
    /// An action's status, N=STATUS (1=done, 2=partly, 3=not-done); repeat for every action.
    #[arg(long, value_parser = parse_action_status, value_name = "N=STATUS")]
    pub action_status: Vec<(u32, ActionStatus)>,
    /// The decision: close (target met), continue (a new plan), or escalate (with --escalate).
    #[arg(long, value_parser = parse_decision)]
    pub decision: Option<Decision>,
    /// Escalate to: early-help, local-authority, notice-to-improve, penalty-notice or prosecution.
    #[arg(long, value_parser = parse_escalation, value_name = "STEP")]
    pub escalate: Option<Escalation>,
    /// Notes.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// For continue/escalate: the new plan's review date (default: 3 weeks on at most).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub next_review: Option<NaiveDate>,
    /// For continue/escalate: the new plan's aim (default: the same aim).
    #[arg(long, value_parser = parse_target, value_name = "PERCENT|no-unauthorised")]
    pub next_target: Option<TargetArg>,
    /// For continue/escalate: the weeks the new target covers.
    #[arg(long, value_name = "N")]
    pub next_weeks: Option<u32>,
    /// For continue/escalate: an action of the new plan, "for|what|owner|due" (repeat). It is added
    /// to the actions carried over (those not done, due by the new review), unless
    /// --replace-actions is given.
    #[arg(long, value_name = "FOR|WHAT|OWNER|DUE")]
    pub next_action: Vec<String>,
    /// With --next-action: the new plan has only the actions given, none carried over.
    #[arg(long, requires = "next_action")]
    pub replace_actions: bool,
    /// Also write the review's record (and, for a new plan, its record and covering letter) as
    /// PDFs, filed in the case (on a terminal attend asks; without one, only with this option).
    #[arg(long)]
    pub letters: bool,
    #[command(flatten)]
    pub by: ByArg,
}

impl ReviewArgs {
    pub fn has_fields(&self) -> bool {
        self.date.is_some()
            || self.place.is_some()
            || !self.attendee.is_empty()
            || self.parents_absent
            || self.outcome.is_some()
            || self.outcome_reason.is_some()
            || self.worked.is_some()
            || self.not_worked.is_some()
            || !self.action_status.is_empty()
            || self.decision.is_some()
            || self.escalate.is_some()
            || self.notes.is_some()
            || self.next_review.is_some()
            || self.next_target.is_some()
            || self.next_weeks.is_some()
            || !self.next_action.is_empty()
    }
}
