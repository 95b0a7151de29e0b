//! One file per subcommand, each thin: parse, call the library, present.

pub mod case;
pub mod due;
pub mod flag;
pub mod import;
pub mod init;
pub mod output;
pub mod plan;
pub mod pupil;
pub mod review;

use crate::cli::{Cli, Command};
use anyhow::Result;
use attend::workspace::Workspace;
use chrono::NaiveDate;
use std::path::PathBuf;
use std::process::ExitCode;

/// What every command needs to know about how it was run.
pub struct Ctx {
    pub dir: Option<PathBuf>,
    pub as_of: NaiveDate,
    pub quiet: bool,
    pub color: bool,
    /// stderr is a terminal (progress bars, prompts).
    pub interactive: bool,
}

impl Ctx {
    pub fn new(cli: &Cli) -> Ctx {
        use std::io::IsTerminal;
        let no_color = cli.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ctx {
            dir: cli.dir.clone(),
            as_of: cli
                .as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            quiet: cli.quiet,
            color: !no_color && std::io::stdout().is_terminal(),
            interactive: std::io::stderr().is_terminal(),
        }
    }

    /// The workspace: --dir, ATTEND_DIR, or the current folder upwards.
    pub fn workspace(&self) -> Result<Workspace> {
        let env_dir = std::env::var_os("ATTEND_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let cwd = std::env::current_dir()?;
        Workspace::find(self.dir.as_deref(), env_dir.as_deref(), &cwd)
    }

    /// Print a line for people (suppressed by --quiet) on stderr, keeping stdout for results.
    pub fn say(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }
}

pub fn run(ctx: &Ctx, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init { folder } => init::run(ctx, folder),
        Command::Import(args) => import::run(ctx, args),
        Command::Flag(args) => flag::run(ctx, args),
        Command::Pupil(args) => pupil::run(ctx, args),
        Command::Case(c) => case::run(ctx, c),
        Command::Plan(c) => plan::run(ctx, c),
        Command::Review(args) => review::run(ctx, args),
        Command::Due(args) => due::run(ctx, args),
    }
}

// TEMPORARY until the case library lands (helper-2): replaced by attend::cases::{stages, open_case}.
pub fn case_stages(
    _ws: &Workspace,
) -> Result<std::collections::BTreeMap<attend::upn::PupilId, String>> {
    Ok(Default::default())
}

pub fn case_stage(ws: &Workspace, id: &attend::upn::PupilId) -> Result<Option<String>> {
    Ok(case_stages(ws)?.get(id).cloned())
}

pub fn open_cases_for(
    _ctx: &Ctx,
    _ws: &Workspace,
    _reg: &attend::register::Register,
    _r: &attend::flag::Flagged,
) -> Result<()> {
    anyhow::bail!("--open-cases needs the case files, which are not built yet")
}
