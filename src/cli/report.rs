//! `attend report`: clap definitions.

use super::common::{Format, PeriodArgs};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// table (for reading), csv or json. CSV and JSON withhold small groups' figures.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub share: super::common::ShareArgs,
    /// Also write the report as one self-contained HTML page with charts (prints on A4), to share.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Show small groups' figures in CSV, JSON and HTML too (for use inside the school only).
    #[arg(long)]
    pub show_small_groups: bool,
}
