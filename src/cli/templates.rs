//! `attend templates ...`: clap definitions.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// The built-in templates, and which the school has replaced with its own (in templates/).
    List,
    /// Copy the built-in templates into a folder (default: the workspace's templates/) to edit
    /// them; a template there replaces the built-in one of the same name. Existing files are kept.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to copy them (default: the workspace's templates/ folder).
    #[arg(value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// Only these templates (e.g. invitation.typ.tera, or invitation); default: all of them.
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
    /// Replace files that are already there.
    #[arg(long)]
    pub force: bool,
}
