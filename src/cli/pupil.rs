//! `attend pupil`: clap definitions.

use super::common::{Format, PeriodArgs};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct PupilArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Also write a page to print for a meeting: weekly attendance, the marks week by week, the
    /// codes used (a self-contained HTML file; open it in a browser and print).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// table (for reading) or json.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show every column of the figures, however wide (by default they fit the screen).
    #[arg(long)]
    pub wide: bool,
}
