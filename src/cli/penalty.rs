//! `attend penalty ...`: clap definitions.

use super::common::ByArg;
use attend::dates::parse_cli_date;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

/// `FROM..TO`: two dates (YYYY-MM-DD or dd/mm/yyyy), inclusive.
pub fn parse_range(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (a, b) = text.split_once("..").ok_or_else(|| {
        format!("{text:?} is not a range of dates: write FROM..TO, e.g. 2025-01-06..2025-03-14")
    })?;
    Ok((parse_cli_date(a.trim())?, parse_cli_date(b.trim())?))
}

#[derive(Debug, Subcommand)]
pub enum PenaltyCommand {
    /// Record a penalty notice issued to a parent for this pupil: checked against the register
    /// (the sessions must meet the national threshold: 10 unauthorised sessions within 10 school
    /// weeks, not already used by another notice to that parent) and the national framework (no
    /// third notice to a parent within three years). Kept in the case and on its timeline.
    Record(RecordArgs),
    /// The notice was paid (--date: when).
    Paid(UpdateArgs),
    /// The notice was withdrawn: it no longer counts toward the limit of two.
    Withdrawn(UpdateArgs),
    /// The notice was not paid within 28 days: the local authority considers prosecution.
    Unpaid(UpdateArgs),
    /// The parent was prosecuted for the attendance offence.
    Prosecuted(UpdateArgs),
    /// Record the decision not to issue a penalty notice after a Notice to Improve, with the reason.
    NoNotice(NoNoticeArgs),
    /// The ledger: each parent's notices for this pupil, and what a next notice would be.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// The parent the notice was issued to: their number in the case's people (as `attend case
    /// show` lists them, from 1) or their name (in full, or a part only one name holds).
    #[arg(long, value_name = "PERSON")]
    pub parent: String,
    /// The date the notice was issued.
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub issued: NaiveDate,
    /// The dates of the unauthorised sessions it rests on, FROM..TO (at most 10 school weeks).
    #[arg(long, value_parser = parse_range, value_name = "FROM..TO")]
    pub sessions: (NaiveDate, NaiveDate),
    /// A note kept with the notice (e.g. the local authority's reference).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// The notice's number in the case (1, 2...; `attend penalty show UPN` lists them).
    pub number: u32,
    /// When it happened (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// A note kept with the update.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct NoNoticeArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    /// Why no penalty notice is issued (recorded on the timeline).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// When it was decided (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
}
