//! `attend bundle`: clap definitions.

use super::common::{ByArg, PeriodArgs};
use clap::Args;

#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Certify the court certificate even though marks in the period are still N (reason not
    /// yet established); the certificate says so.
    #[arg(long)]
    pub allow_unresolved: bool,
    /// The period of the certificate (default: the academic year to date).
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub by: ByArg,
}
