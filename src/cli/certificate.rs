//! `attend certificate`: clap definitions.

use super::common::{ByArg, OutputArgs, PeriodArgs, parse_threshold};
use clap::Args;

#[derive(Debug, Args)]
pub struct CertificateArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    #[arg(
        required_unless_present = "all_flagged",
        conflicts_with = "all_flagged"
    )]
    pub upn: Option<String>,
    /// A certificate for every pupil attend flag lists who has an open case (meeting preparation).
    #[arg(long)]
    pub all_flagged: bool,
    /// With --all-flagged: pupils at or below this attendance (default thresholds.persistent in attend.yaml).
    #[arg(long, value_name = "PERCENT", value_parser = parse_threshold, requires = "all_flagged")]
    pub threshold: Option<u32>,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub by: ByArg,
}
