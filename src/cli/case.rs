//! `attend case ...`: clap definitions (owned by the case-files work).

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {}
