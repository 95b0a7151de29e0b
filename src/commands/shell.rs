//! `attend completions SHELL` and `attend manual`: the shell's completion script and the manual
//! page, both made from the command line's own definitions (`cli/`), so they never disagree
//! with it.

use super::Ctx;
use crate::cli::Cli;
use crate::cli::shell::CompletionsArgs;
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

pub fn completions(_ctx: &Ctx, a: CompletionsArgs) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "attend", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page (roff, section 1): the whole command line, every command with its options.
pub fn manual(_ctx: &Ctx) -> Result<ExitCode> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    // each command's own page follows, as `attend-flag(1)` would be
    for sub in cmd.get_subcommands() {
        clap_mangen::Man::new(sub.clone())
            .title(format!("attend-{}", sub.get_name()))
            .render(&mut out)?;
    }
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}
