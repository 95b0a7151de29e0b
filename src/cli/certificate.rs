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
    /// The version for a magistrates' court (s.566 Education Act 1996): everyone with parental
    /// responsibility, compulsory school age and roll, the unauthorised sessions listed, the date
    /// the register was imported, and the headteacher's declaration (certificate.court in
    /// attend.yaml makes it the default).
    #[arg(long)]
    pub court: bool,
    /// With --court: certify even though marks in the period are still N (reason not yet
    /// established); the certificate says so. Without it such a certificate is refused.
    #[arg(long)]
    pub allow_unresolved: bool,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub by: ByArg,
}
