//! `attend import`: clap definitions.

use super::values::{Layout, TextEncoding};
use std::path::PathBuf;

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
