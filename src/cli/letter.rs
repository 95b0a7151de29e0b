//! `attend letter`: clap definitions.

use super::common::{ByArg, OutputArgs, parse_percent, parse_threshold};
use attend::cases::model::Percent;
use attend::dates::parse_cli_date;
use attend::documents::{Kind, TimeOfDay};
use chrono::NaiveDate;
use clap::Args;

/// A document kind for `attend letter` (the certificate has its own command).
pub fn parse_letter_kind(text: &str) -> Result<Kind, String> {
    let names = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Certificate)
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ");
    match Kind::parse(text) {
        Some(Kind::Certificate) => Err(
            "the registration certificate has its own command: attend certificate UPN [--from DATE --to DATE | --term T | --weeks N]".into(),
        ),
        Some(k) => Ok(k),
        None => Err(format!("{text:?} is not a document attend writes: {names}")),
    }
}

pub fn parse_time(text: &str) -> Result<TimeOfDay, String> {
    TimeOfDay::parse(text)
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// Which document: concern-letter, invitation, plan, plan-letter, review, notice-to-improve or
    /// referral (short forms: concern, invite, nti).
    #[arg(value_parser = parse_letter_kind, value_name = "KIND")]
    pub kind: Kind,
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    #[arg(
        required_unless_present = "all_flagged",
        conflicts_with = "all_flagged"
    )]
    pub upn: Option<String>,
    /// A letter for every pupil attend flag lists who has an open case, one file in each case
    /// (a mail-out; concern letters only).
    #[arg(long)]
    pub all_flagged: bool,
    /// With --all-flagged: pupils at or below this attendance (default thresholds.persistent in attend.yaml).
    #[arg(long, value_name = "PERCENT", value_parser = parse_threshold, requires = "all_flagged")]
    pub threshold: Option<u32>,
    /// Invitation: the date of the meeting.
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Invitation: the time of the meeting (9:30, 14:00, 2:15pm); covering letter: the time of the review meeting.
    #[arg(long, value_parser = parse_time, value_name = "TIME")]
    pub time: Option<TimeOfDay>,
    /// Invitation: where the meeting is (default: the school and its address); covering letter: where the review is.
    #[arg(long)]
    pub place: Option<String>,
    /// Invitation: how long the meeting will last, in minutes (1 to 600).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=600))]
    pub minutes: Option<u32>,
    /// Invitation: who will be at the meeting from the school or other services, "Name|Role"
    /// (repeat; default: the attendance lead in attend.yaml).
    #[arg(long, value_name = "NAME|ROLE")]
    pub attendee: Vec<String>,
    /// Plan, covering letter or review: the plan's number (default: the latest plan; for a review,
    /// the latest reviewed plan).
    #[arg(long, value_name = "N")]
    pub plan: Option<u32>,
    /// Notice to Improve: the improvement period in weeks, 3 to 6 (default 6).
    #[arg(long, value_name = "N")]
    pub weeks: Option<u32>,
    /// Notice to Improve: the first day of the improvement period (default: the Monday after the notice).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub start: Option<NaiveDate>,
    /// Notice to Improve: attendance to reach over the improvement period, besides no unauthorised absence.
    #[arg(long, value_parser = parse_percent, value_name = "PERCENT")]
    pub target: Option<Percent>,
    /// Notice to Improve: further support offered (repeat; default: the open plan's actions for the
    /// school and other agencies).
    #[arg(long, value_name = "TEXT")]
    pub support: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub by: ByArg,
}
