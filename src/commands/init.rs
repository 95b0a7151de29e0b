//! `attend init [FOLDER]`

use super::Ctx;
use crate::cli::init::InitArgs;
use anyhow::Result;
use attend::workspace::Workspace;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: InitArgs) -> Result<ExitCode> {
    let root = match args.folder.or_else(|| ctx.dir.clone()) {
        Some(f) => f,
        None => std::env::current_dir()?,
    };
    let report = Workspace::init(&root)?;
    if report.created.is_empty() {
        ctx.say(format!(
            "{} is already an attend workspace; nothing was changed.",
            root.display()
        ));
    } else {
        ctx.say(format!(
            "Created an attend workspace in {}:",
            root.display()
        ));
        for c in &report.created {
            ctx.say(format!("  created {c}"));
        }
        for k in &report.kept {
            ctx.say(format!("  kept    {k}"));
        }
        ctx.say(
            "Next: fill in the school's details in attend.yaml, then `attend import EXPORT.csv`.",
        );
    }
    Ok(ExitCode::SUCCESS)
}
