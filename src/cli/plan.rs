//! `attend plan new`, `attend review`, `attend due`: clap definitions (owned by the case-files work).

use super::case::ByArg;
use attend::cases::model::{ActionStatus, Decision, Escalation, Outcome, Percent};
use attend::dates::parse_cli_date;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Record an attendance meeting and its action plan in the pupil's case (opening the case if
    /// there is none), with the attendance figures discussed frozen in.
    ///
    /// Give the plan in one of three ways: in your editor, on a form attend fills in (the default
    /// on a terminal, or --edit); from a prepared file (--from plan.yaml); or with flags
    /// (--date, --target/--weeks, --attendee, --action, --review...).
    New(PlanNewArgs),
}

/// The aim of a plan on the command line: a percentage, or "no-unauthorised".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetArg {
    Percent(Percent),
    NoUnauthorised,
}

pub fn parse_target(text: &str) -> Result<TargetArg, String> {
    let t = text.trim().to_ascii_lowercase().replace('_', "-");
    if matches!(
        t.as_str(),
        "no-unauthorised" | "no-unauthorized" | "no-unauthorised-absence"
    ) {
        return Ok(TargetArg::NoUnauthorised);
    }
    Percent::parse(text)
        .map(TargetArg::Percent)
        .map_err(|e| format!("{e}, or no-unauthorised for \"no further unauthorised absence\""))
}

#[derive(Debug, Args)]
pub struct PlanNewArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// Read the plan from this file (the form's fields; see README "Attendance meetings").
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Fill in the plan in your editor (VISUAL or EDITOR), starting from what the other options give.
    #[arg(long)]
    pub edit: bool,
    /// The date of the meeting (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Where the meeting was held.
    #[arg(long)]
    pub place: Option<String>,
    /// The aim: a target attendance percentage (e.g. 95), or no-unauthorised (no further unauthorised absence).
    #[arg(long, value_parser = parse_target, value_name = "PERCENT|no-unauthorised")]
    pub target: Option<TargetArg>,
    /// The number of weeks the target covers.
    #[arg(long, value_name = "N")]
    pub weeks: Option<u32>,
    /// The review date (default: reviews.weeks after the meeting, from attend.yaml; 3 weeks).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub review: Option<NaiveDate>,
    /// Someone who attended, "Name|Role" in full (repeat for each person).
    #[arg(long, value_name = "NAME|ROLE")]
    pub attendee: Vec<String>,
    /// The parents/carers did not attend: the meeting was held in their absence.
    #[arg(long)]
    pub parents_absent: bool,
    /// An agreed action, "for|what|owner|due" (for: young_person, parents, school or agency:NAME;
    /// due is optional and defaults to the review date). Repeat for each action.
    #[arg(long, value_name = "FOR|WHAT|OWNER|DUE")]
    pub action: Vec<String>,
    /// Who received a copy, "to|sent date|how" (e.g. "parents|2025-01-21|post"; the date and how are optional).
    #[arg(long, value_name = "TO|DATE|HOW")]
    pub copy: Vec<String>,
    /// Summary of concerns (for the long sections, use the form or --from).
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    /// Also write the plan's record and its covering letter as PDFs, filed in the case (on a
    /// terminal attend asks; without one, only with this option).
    #[arg(long)]
    pub letters: bool,
    #[command(flatten)]
    pub by: ByArg,
}

impl PlanNewArgs {
    /// Were any of the plan's fields given as flags?
    pub fn has_fields(&self) -> bool {
        self.date.is_some()
            || self.place.is_some()
            || self.target.is_some()
            || self.weeks.is_some()
            || self.review.is_some()
            || !self.attendee.is_empty()
            || self.parents_absent
            || !self.action.is_empty()
            || !self.copy.is_empty()
            || self.summary.is_some()
    }
}

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
    /// The pupil's UPN (or ADNO-<admission number>).
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
    /// Someone who attended, "Name|Role" (repeat; default: the plan's attendees).
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
    /// For continue/escalate: an action of the new plan, "for|what|owner|due" (repeat; default:
    /// the actions not done, due by the new review).
    #[arg(long, value_name = "FOR|WHAT|OWNER|DUE")]
    pub next_action: Vec<String>,
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

/// A number of days: "7d", "2w" or "7".
pub fn parse_within(text: &str) -> Result<u32, String> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || format!("{text:?} is not a length of time: write e.g. 7d (days) or 2w (weeks)");
    let (num, mult) = if let Some(n) = t.strip_suffix('w') {
        (n, 7)
    } else if let Some(n) = t.strip_suffix('d') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let n: u32 = num.trim().parse().map_err(|_| bad())?;
    n.checked_mul(mult).filter(|d| *d <= 366).ok_or_else(bad)
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// How far ahead to look for reviews: 7d (days) or 2w (weeks).
    #[arg(long, value_parser = parse_within, default_value = "7d", value_name = "DAYS")]
    pub within: u32,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::commands::output::Format,
}
