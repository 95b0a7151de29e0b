//! One file (or folder) per subcommand, 1:1 with `cli/`, each thin: parse, call the library,
//! present. What handlers share lives in [`common`], [`documents`], [`forms`], [`output`],
//! [`table`] (tables that fit the screen) and [`xlsx`] (workbooks);
//! a handler never borrows from another handler.

pub mod bundle;
pub mod case;
pub mod certificate;
pub mod common;
pub mod documents;
pub mod due;
pub mod family;
pub mod flag;
pub mod forms;
pub mod import;
pub mod init;
pub mod letter;
pub mod output;
pub mod penalty;
pub mod plan;
pub mod pupil;
pub mod report;
pub mod review;
pub mod shell;
pub mod table;
pub mod templates;
pub mod xlsx;

use crate::cli::{Cli, Command};
use anyhow::Result;
use attend::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// The environment attend reads, read once, in one place (`Env::read`); nothing else in attend
/// reads environment variables (clap aside, for its own options).
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `ATTEND_DIR`: the workspace when `--dir` is not given.
    pub attend_dir: Option<PathBuf>,
    /// `ATTEND_USER`: who is recording, when `--by` is not given.
    pub user: Option<String>,
    /// `VISUAL`, else `EDITOR`, else `vi`.
    pub editor: String,
    /// `NO_COLOR` set and not empty.
    pub no_color: bool,
    /// `SOURCE_DATE_EPOCH`: the time stamp written in the register's logs (reproducible runs).
    pub source_date_epoch: Option<DateTime<Utc>>,
    /// `COLUMNS`: the width tables fit when the output is not a terminal.
    pub columns: Option<usize>,
}

impl Env {
    pub fn read() -> Env {
        let text = |name: &str| {
            std::env::var_os(name)
                .map(|v: OsString| v.to_string_lossy().trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Env {
            attend_dir: std::env::var_os("ATTEND_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            user: text("ATTEND_USER"),
            editor: attend::cases::editor::editor_from_env(text("VISUAL"), text("EDITOR")),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            source_date_epoch: text("SOURCE_DATE_EPOCH")
                .and_then(|s| s.parse::<i64>().ok())
                .and_then(|secs| DateTime::from_timestamp(secs, 0)),
            columns: text("COLUMNS")
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|&n| n > 0),
        }
    }
}

/// What every command needs to know about how it was run.
pub struct Ctx {
    pub dir: Option<PathBuf>,
    pub as_of: NaiveDate,
    pub quiet: bool,
    pub color: bool,
    /// stderr is a terminal (progress bars, prompts).
    pub interactive: bool,
    /// The width tables fit ([`table`]): the terminal's, else `COLUMNS`, else 100.
    pub width: usize,
    pub env: Env,
}

impl Ctx {
    pub fn new(cli: &Cli, env: Env) -> Ctx {
        use std::io::IsTerminal;
        let no_color = cli.no_color || env.no_color;
        Ctx {
            dir: cli.dir.clone(),
            as_of: cli
                .as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            quiet: cli.quiet,
            color: !no_color && std::io::stdout().is_terminal(),
            interactive: std::io::stderr().is_terminal(),
            width: terminal_size::terminal_size_of(std::io::stdout())
                .map(|(w, _)| usize::from(w.0))
                .or(env.columns)
                .unwrap_or(table::DEFAULT_WIDTH),
            env,
        }
    }

    /// The workspace: --dir, ATTEND_DIR, or the current folder upwards.
    pub fn workspace(&self) -> Result<Workspace> {
        let cwd = std::env::current_dir()?;
        let ws = Workspace::find(self.dir.as_deref(), self.env.attend_dir.as_deref(), &cwd)?;
        for n in &ws.notes {
            self.say(format!("note: {n}"));
        }
        Ok(ws)
    }

    /// The time stamp for the register's logs: SOURCE_DATE_EPOCH when set, else now (UTC).
    pub fn now(&self) -> DateTime<Utc> {
        self.env.source_date_epoch.unwrap_or_else(Utc::now)
    }

    /// Print a warning on stderr (never suppressed), cleaned for the terminal.
    pub fn warn(&self, text: impl AsRef<str>) {
        eprintln!("warning: {}", output::clean(text.as_ref()));
    }

    /// Print a line for people (suppressed by --quiet) on stderr, keeping stdout for results.
    pub fn say(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", output::clean(text.as_ref()));
        }
    }
}

pub fn run(ctx: &Ctx, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::Flag(args) => flag::run(ctx, args),
        Command::Pupil(args) => pupil::run(ctx, args),
        Command::Family(args) => family::run(ctx, args),
        Command::Report(args) => report::run(ctx, args),
        Command::Case(c) => case::run(ctx, c),
        Command::Plan(c) => plan::run(ctx, c),
        Command::Review(args) => review::run(ctx, args),
        Command::Due(args) => due::run(ctx, args),
        Command::Penalty(c) => penalty::run(ctx, c),
        Command::Letter(args) => letter::run(ctx, args),
        Command::Certificate(args) => certificate::run(ctx, args),
        Command::Bundle(args) => bundle::run(ctx, args),
        Command::Templates(c) => templates::run(ctx, c),
        Command::Completions(a) => shell::completions(ctx, a),
        Command::Manual => shell::manual(ctx),
    }
}
