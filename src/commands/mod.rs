//! One file per subcommand, each thin: parse, call the library, present.

pub mod case;
pub mod certificate;
pub mod due;
pub mod flag;
pub mod import;
pub mod init;
pub mod letter;
pub mod output;
pub mod plan;
pub mod pupil;
pub mod report;
pub mod review;
pub mod templates;

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

/// The academic years of register a period needs (the latest year when no date is given).
pub fn years_for(
    spec: &attend::attendance::PeriodSpec,
    as_of: NaiveDate,
) -> attend::register::Years {
    use attend::register::Years;
    match (spec.from, spec.to) {
        (Some(a), Some(b)) => Years::Span(a, b),
        (Some(a), None) => Years::Span(a, as_of.max(a)),
        (None, Some(b)) => Years::Span(b, b),
        _ => Years::Latest {
            with_previous: false,
        },
    }
}

/// The register a period needs, and the period resolved against it.
pub fn register_for_period(
    ctx: &Ctx,
    ws: &Workspace,
    spec: &attend::attendance::PeriodSpec,
) -> Result<(
    attend::register::Register,
    attend::attendance::SchoolCalendar,
    attend::attendance::Period,
)> {
    use anyhow::Context;
    let t0 = std::time::Instant::now();
    let reg = attend::register::Register::load(&ws.register_dir(), years_for(spec, ctx.as_of))?;
    attend::timing("load register", t0);
    let cal = attend::attendance::SchoolCalendar::of(&reg.grid);
    let period = cal
        .resolve(&reg.grid, spec)
        .context("cannot work out the period to report on")?;
    Ok((reg, cal, period))
}

pub fn run(ctx: &Ctx, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init { folder } => init::run(ctx, folder),
        Command::Import(args) => import::run(ctx, args),
        Command::Flag(args) => flag::run(ctx, args),
        Command::Pupil(args) => pupil::run(ctx, args),
        Command::Report(args) => report::run(ctx, args),
        Command::Case(c) => case::run(ctx, c),
        Command::Plan(c) => plan::run(ctx, c),
        Command::Review(args) => review::run(ctx, args),
        Command::Due(args) => due::run(ctx, args),
        Command::Letter(args) => letter::run(ctx, args),
        Command::Certificate(args) => certificate::run(ctx, args),
        Command::Templates(c) => templates::run(ctx, c),
    }
}

/// The stage of every pupil's case (fast: reads only each file's `stage:` line).
pub fn case_stages(
    ws: &Workspace,
) -> Result<std::collections::BTreeMap<attend::upn::PupilId, String>> {
    Ok(attend::cases::stages(ws)?
        .into_iter()
        .map(|(id, s)| (id, s.as_str().to_string()))
        .collect())
}

pub fn case_stage(ws: &Workspace, id: &attend::upn::PupilId) -> Result<Option<String>> {
    Ok(case_stages(ws)?.get(id).cloned())
}

/// `attend flag --open-cases`: open a case for every listed pupil who has none, all together, in
/// one commit when git.auto_commit is on. Pupils listed apart for having few sessions are left out.
pub fn open_cases_for(
    ctx: &Ctx,
    ws: &Workspace,
    reg: &attend::register::Register,
    r: &attend::flag::Flagged,
) -> Result<()> {
    let _lock = ws.lock()?;
    let ids: Vec<attend::upn::PupilId> = r
        .rows
        .iter()
        .map(|row| reg.pupils[row.index].id.clone())
        .collect();
    let by = std::env::var("ATTEND_USER")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| attend::cases::store::default_by(ws));
    let mut opts = attend::cases::OpenOptions::new(ctx.as_of, by);
    opts.reason = "listed by attend flag".into();
    let done = attend::cases::open_cases(ws, reg, &ids, &opts)?;
    ctx.say(format!(
        "Opened {} case{}; {} listed pupil{} already had one.",
        done.opened.len(),
        if done.opened.len() == 1 { "" } else { "s" },
        done.skipped.len(),
        if done.skipped.len() == 1 { "" } else { "s" }
    ));
    if !r.few_sessions.is_empty() {
        ctx.say(format!(
            "  {} pupil{} with few possible sessions (listed apart) had no case opened: open one with attend case open UPN",
            r.few_sessions.len(),
            if r.few_sessions.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some(w) = done.commit.warning() {
        eprintln!("warning: {w}");
    }
    Ok(())
}
