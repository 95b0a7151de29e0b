//! The command line: clap definitions only. Help text speaks the officer's language.

pub mod case;

use attend::dates::parse_cli_date;
use attend::register::read::{Layout, TextEncoding};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "attend",
    version,
    about = "School attendance for attendance officers: import register exports, see who needs help, keep case records, meetings, reviews and letters.",
    long_about = None,
    after_help = "Start with `attend init` in a new folder, then `attend import export.csv` and `attend flag`.\nEvery command has its own --help."
)]
pub struct Cli {
    /// The workspace folder (default: ATTEND_DIR, else the current folder or the nearest one above it holding attend.yaml).
    #[arg(long, global = true, value_name = "FOLDER")]
    pub dir: Option<PathBuf>,

    /// Treat this date as today (YYYY-MM-DD or dd/mm/yyyy), for reproducible letters and reviews.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_cli_date)]
    pub as_of: Option<NaiveDate>,

    /// Print only errors and the requested output.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Do not use colours (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace: attend.yaml (every setting explained), register/ and cases/.
    Init {
        /// Where to create it (default: the current folder). Nothing that exists is overwritten.
        folder: Option<PathBuf>,
    },
    /// Import register exports (CSV from SIMS, Arbor, Bromcom...), wide or long, into the register.
    Import(ImportArgs),
    /// Case files: open, list, show, log, stage, close, edit a pupil's case.
    #[command(subcommand)]
    Case(case::CaseCommand),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The export files (CSV). Several may be given: they are imported together, or not at all.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The layout, if attend cannot tell from the header: wide (a column per session) or long (a row per mark).
    #[arg(long)]
    pub layout: Option<Layout>,
    /// The text encoding, if attend guesses it wrong.
    #[arg(long)]
    pub encoding: Option<TextEncoding>,
    /// Check the files and show what would change, without changing the register.
    #[arg(long)]
    pub dry_run: bool,
}
