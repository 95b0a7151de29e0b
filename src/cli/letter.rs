//! `attend letter`: clap definitions.

use super::common::{ByArg, Format, OutputArgs, parse_percent, parse_threshold};
use attend::cases::model::Percent;
use attend::dates::parse_cli_date;
use attend::documents::{Kind, TimeOfDay};
use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;

/// A document kind for `attend letter` (the certificate has its own command).
pub fn parse_letter_kind(text: &str) -> Result<Kind, String> {
    let names = Kind::ALL
        .iter()
        .filter(|k| !matches!(k, Kind::Certificate | Kind::CourtCertificate))
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ");
    match Kind::parse(text) {
        Some(Kind::Certificate) => Err(
            "the registration certificate has its own command: attend certificate UPN [--from DATE --to DATE | --term T | --weeks N]".into(),
        ),
        Some(Kind::CourtCertificate) => Err(
            "the registration certificate for a court has its own command: attend certificate UPN --court [--from DATE --to DATE | --term T | --weeks N]".into(),
        ),
        Some(k) => Ok(k),
        None => Err(format!("{text:?} is not a document attend writes: {names}")),
    }
}

pub fn parse_time(text: &str) -> Result<TimeOfDay, String> {
    TimeOfDay::parse(text)
}

/// Which meeting a letter confirming a rearranged meeting is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MeetingArg {
    /// An attendance meeting (the one an invitation was sent for).
    Plan,
    /// The review of the open plan.
    Review,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// Which document: concern-letter, invitation, plan, plan-letter, review, notice-to-improve,
    /// referral, review-invitation, rearranged or target-met (short forms: concern, invite, nti).
    #[arg(value_parser = parse_letter_kind, value_name = "KIND")]
    pub kind: Kind,
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches
    /// one pupil. Several: a mail-out to each of them (letters of concern).
    #[arg(
        value_name = "UPN",
        required_unless_present_any = ["all_flagged", "upns"],
        conflicts_with = "all_flagged"
    )]
    pub upn: Vec<String>,
    /// A mail-out to every pupil attend flag lists (letters of concern): each letter filed in its
    /// case, one file to print, and a list of what was sent.
    #[arg(long)]
    pub all_flagged: bool,
    /// A mail-out to the pupils in this file: a UPN (or a name) a line, or a CSV file with a upn
    /// column (such as attend flag --format csv writes).
    #[arg(long, value_name = "FILE", conflicts_with = "all_flagged")]
    pub upns: Option<PathBuf>,
    /// With --all-flagged: pupils at or below this attendance (default thresholds.persistent in attend.yaml).
    #[arg(long, value_name = "PERCENT", value_parser = parse_threshold, requires = "all_flagged")]
    pub threshold: Option<u32>,
    /// Mail-out: list who would be sent which letter at which address, and who would not and why,
    /// writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Mail-out: also write to families sent a letter of concern less than
    /// letters.concern_repeat_weeks ago (attend.yaml; 4 weeks).
    #[arg(long)]
    pub include_recent: bool,
    /// Mail-out: also write to families whose case is past first contact (a plan in place, an
    /// invitation sent, a Notice to Improve, a referral, stage support or beyond).
    #[arg(long)]
    pub include_later_stages: bool,
    /// Mail-out: how the list of letters and of pupils left out is printed: table (for reading),
    /// csv or json (columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// A mail-out's list: show every column, however wide (by default it fits the screen).
    #[arg(long)]
    pub wide: bool,
    /// Invitation, review invitation, rearranged meeting: the date of the meeting (a review
    /// invitation's default: the plan's review date).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Invitation, review invitation, rearranged meeting: the time of the meeting (9:30, 14:00,
    /// 2:15pm); covering letter: the time of the review meeting.
    #[arg(long, value_parser = parse_time, value_name = "TIME")]
    pub time: Option<TimeOfDay>,
    /// Invitation, review invitation, rearranged meeting: where the meeting is (default: the school
    /// and its address); covering letter: where the review is.
    #[arg(long)]
    pub place: Option<String>,
    /// Invitation, review invitation, rearranged meeting: how long the meeting will last, in
    /// minutes (1 to 600).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=600))]
    pub minutes: Option<u32>,
    /// Invitation, review invitation, rearranged meeting: who will be at the meeting from the school
    /// or other services, "Name|Role" (repeat; default: the attendance lead in attend.yaml).
    #[arg(long, value_name = "NAME|ROLE")]
    pub attendee: Vec<String>,
    /// Rearranged meeting: which meeting, plan (an attendance meeting) or review (the open plan's
    /// review; the default when a plan is open).
    #[arg(long, value_enum, value_name = "plan|review")]
    pub meeting: Option<MeetingArg>,
    /// Plan, covering letter, review or target met: the plan's number (default: the latest plan;
    /// for a review or target met, the latest reviewed plan).
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
