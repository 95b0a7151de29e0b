//! `attend init`: clap definitions.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to create it (default: the current folder). Nothing that exists is overwritten.
    pub folder: Option<PathBuf>,
}
