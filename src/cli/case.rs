//! `attend case ...`: clap definitions.

use super::common::{ByArg, Format};
use attend::cases::Stage;
use attend::cases::model::EventKind;
use attend::dates::parse_cli_date;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case for a pupil: cases/UPN/case.yaml, filled in from the register, with today's
    /// attendance figures frozen in as the opening evidence.
    Open(OpenArgs),
    /// List the cases: stage, when opened, the last entry, the next review, overdue reviews.
    List(ListArgs),
    /// One pupil's case on one screen, with today's attendance beside the figures frozen in it.
    Show(ShowArgs),
    /// Record a call, visit, letter, email, meeting, referral or note on the case's timeline.
    Log(LogArgs),
    /// Move the case to another stage of the graduated response (monitor, understand, support,
    /// formal, enforce).
    Stage(StageArgs),
    /// Close the case, with the reason.
    Close(CloseArgs),
    /// Edit the case file in your editor (VISUAL or EDITOR): people, siblings, services, barriers...
    /// It is checked when you save; the case is left as it was until it is valid.
    Edit(EditArgs),
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// Why the case is opened (recorded on the timeline), e.g. "attendance below 90% since October".
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
    /// For a pupil not in the register: their legal surname.
    #[arg(long)]
    pub surname: Option<String>,
    /// For a pupil not in the register: their legal forename.
    #[arg(long)]
    pub forename: Option<String>,
    /// For a pupil not in the register: date of birth.
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub dob: Option<NaiveDate>,
    /// For a pupil not in the register: year group.
    #[arg(long)]
    pub year: Option<String>,
    /// For a pupil not in the register: registration group.
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only cases at this stage.
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<Stage>,
    /// Only cases whose plan review date has passed without a review.
    #[arg(long)]
    pub overdue: bool,
    /// Include closed cases (listed only with --stage closed otherwise).
    #[arg(long)]
    pub all: bool,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
}

/// The kinds of entry `attend case log` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogKind {
    /// A phone call.
    Call,
    /// A home visit.
    Visit,
    /// A letter sent.
    Letter,
    Email,
    /// A meeting (an attendance meeting with a plan is recorded by `attend plan new`).
    Meeting,
    /// A referral made (early help, school nurse, local authority...).
    Referral,
    Note,
}

impl LogKind {
    pub fn kind(self) -> EventKind {
        match self {
            LogKind::Call => EventKind::Call,
            LogKind::Visit => EventKind::Visit,
            LogKind::Letter => EventKind::Letter,
            LogKind::Email => EventKind::Email,
            LogKind::Meeting => EventKind::Meeting,
            LogKind::Referral => EventKind::Referral,
            LogKind::Note => EventKind::Note,
        }
    }
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// What happened, in a sentence or two.
    pub text: String,
    /// What kind of entry this is.
    #[arg(long, value_enum)]
    pub kind: LogKind,
    /// When it happened (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Who else was involved: the person called, the family visited ("Jane Smith (mother)").
    #[arg(long, value_name = "WHO")]
    pub with: Option<String>,
    /// A file in the case folder this entry produced (e.g. documents/2025-01-10-letter.pdf); its
    /// SHA-256 is recorded so the record shows it was not changed afterwards.
    #[arg(long, value_name = "FILE")]
    pub document: Option<PathBuf>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct StageArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// The new stage: monitor, understand, support, formal or enforce.
    #[arg(value_parser = parse_stage)]
    pub stage: Stage,
    /// Why (needed to move up more than one step, or to reopen a closed case).
    #[arg(long)]
    pub reason: Option<String>,
    /// When the move happened (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// Why the case is closed (recorded on the timeline), e.g. "attendance above 95% for a term".
    #[arg(long, required = true)]
    pub reason: String,
    /// When it was closed (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
}

/// A stage name, for clap.
pub fn parse_stage(text: &str) -> Result<Stage, String> {
    Stage::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is not a stage: use one of {}",
            Stage::ALL.map(Stage::as_str).join(", ")
        )
    })
}
