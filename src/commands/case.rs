//! `attend case ...`

use super::Ctx;
use crate::cli::case::CaseCommand;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(_ctx: &Ctx, command: CaseCommand) -> Result<ExitCode> {
    match command {}
}
