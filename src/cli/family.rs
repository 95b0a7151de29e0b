//! `attend family`: clap definitions.

use super::common::Format;

#[derive(Debug, clap::Args)]
pub struct FamilyArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub share: super::common::ShareArgs,
}
