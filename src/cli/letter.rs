//! `attend letter`, `attend certificate`, `attend templates`: clap definitions.

use super::PeriodArgs;
use super::case::ByArg;
use attend::cases::model::Percent;
use attend::dates::parse_cli_date;
use attend::documents::{Kind, TimeOfDay};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::path::PathBuf;

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

pub fn parse_percent(text: &str) -> Result<Percent, String> {
    Percent::parse(text)
}

/// How a document is delivered: filed in the case (the default), printed, or inspected.
#[derive(Debug, Clone, Args, Default)]
pub struct OutputArgs {
    /// Print the PDF to standard output instead of filing it in the case (redirect it: > letter.pdf).
    /// With --source, print the typst source instead.
    #[arg(long)]
    pub stdout: bool,
    /// Print the data the template receives, as JSON (to see what a school's own template can use);
    /// nothing is rendered or recorded.
    #[arg(long, conflicts_with = "stdout")]
    pub context: bool,
    /// Also write the typst source beside the PDF (<file>.typ), to adjust one letter by hand.
    #[arg(long)]
    pub source: bool,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// Which document: concern-letter, invitation, plan, plan-letter, review, notice-to-improve or
    /// referral (short forms: concern, invite, nti).
    #[arg(value_parser = parse_letter_kind, value_name = "KIND")]
    pub kind: Kind,
    /// The pupil's UPN (or ADNO-<admission number>).
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
    #[arg(long, value_name = "PERCENT", value_parser = super::parse_threshold, requires = "all_flagged")]
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
    /// Invitation: how long the meeting will last, in minutes.
    #[arg(long, value_name = "N")]
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

#[derive(Debug, Args)]
pub struct CertificateArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    #[arg(
        required_unless_present = "all_flagged",
        conflicts_with = "all_flagged"
    )]
    pub upn: Option<String>,
    /// A certificate for every pupil attend flag lists who has an open case (meeting preparation).
    #[arg(long)]
    pub all_flagged: bool,
    /// With --all-flagged: pupils at or below this attendance (default thresholds.persistent in attend.yaml).
    #[arg(long, value_name = "PERCENT", value_parser = super::parse_threshold, requires = "all_flagged")]
    pub threshold: Option<u32>,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// The built-in templates, and which the school has replaced with its own (in templates/).
    List,
    /// Copy the built-in templates into a folder (default: the workspace's templates/) to edit
    /// them; a template there replaces the built-in one of the same name. Existing files are kept.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to copy them (default: the workspace's templates/ folder).
    #[arg(value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// Only these templates (e.g. invitation.typ.tera, or invitation); default: all of them.
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
    /// Replace files that are already there.
    #[arg(long)]
    pub force: bool,
}
