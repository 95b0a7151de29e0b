//! `attend plan ...`: clap definitions.

use super::common::{ByArg, TargetArg, parse_target};
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
    /// Record that a copy of a plan was sent or handed to someone: attend plan copy UPN --to 1
    /// --date 2025-01-21 --how post (on the plan and on the timeline).
    Copy(PlanCopyArgs),
}

/// How a copy went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum How {
    Post,
    Email,
    /// Handed over in person.
    #[value(alias = "by-hand", alias = "in-person")]
    Hand,
}

#[derive(Debug, Args)]
pub struct PlanCopyArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Who received it: a person of the case (their number in attend case show, or their name),
    /// or anyone else as written ("Early Help worker").
    #[arg(long, value_name = "WHO")]
    pub to: String,
    /// When it was sent (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// How: post, email or hand.
    #[arg(long, value_enum)]
    pub how: How,
    /// Which plan (default: the latest).
    #[arg(long, value_name = "N")]
    pub plan: Option<u32>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct PlanNewArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
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
