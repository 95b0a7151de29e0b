//! The command line: clap definitions only. Help text speaks the officer's language.

pub mod case;
pub mod letter;
pub mod plan;
pub mod values;

use attend::attendance::PeriodSpec;
use attend::dates::{Term, parse_cli_date};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use values::{Band, Layout, TextEncoding};

#[derive(Debug, Parser)]
#[command(
    name = "attend",
    version,
    about = "School attendance for attendance officers: import register exports, see who needs help, keep case records, meetings, reviews and letters.",
    long_about = None,
    after_help = "Start with `attend init` in a new folder, then `attend import export.csv` and `attend flag`.\nEvery command has its own --help."
)]
pub struct Cli {
    /// The workspace folder (default: ATTEND_DIR, else the current folder or the nearest one above it holding attend.yaml).
    #[arg(long, global = true, value_name = "FOLDER")]
    pub dir: Option<PathBuf>,

    /// Treat this date as today (YYYY-MM-DD or dd/mm/yyyy), for reproducible letters and reviews.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_cli_date)]
    pub as_of: Option<NaiveDate>,

    /// Print only errors and the requested output.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Do not use colours (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace: attend.yaml (every setting explained), register/ and cases/.
    Init {
        /// Where to create it (default: the current folder). Nothing that exists is overwritten.
        folder: Option<PathBuf>,
    },
    /// Import register exports (CSV from SIMS, Arbor, Bromcom...), wide or long, into the register.
    Import(ImportArgs),
    /// List pupils whose attendance is at or below a threshold, lowest first, with the patterns behind it.
    Flag(FlagArgs),
    /// Everything about one pupil's attendance on one screen (--html: a page for a meeting).
    Pupil(PupilArgs),
    /// Whole-school figures for staff and governors: by year group, reg group, FSM, SEN, EAL,
    /// gender and the school's own groups; weekly trend, weekdays, codes, punctuality, caseload.
    Report(ReportArgs),
    /// Case files: open, list, show, log, stage, close, edit a pupil's case.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Attendance meetings: record a meeting and its action plan (attend plan new UPN).
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Review a pupil's open plan: the figures since it began against its aim, the outcome, the decision.
    Review(plan::ReviewArgs),
    /// What needs doing: reviews due and overdue, cases without a plan, flagged pupils with no case,
    /// unresolved N marks, cases with no contact for 4 weeks.
    Due(plan::DueArgs),
    /// Write a letter or record for a pupil's case as a PDF, filed in the case and recorded on its
    /// timeline: concern-letter, invitation, plan, plan-letter, review, notice-to-improve, referral.
    Letter(letter::LetterArgs),
    /// The registration certificate: every register mark of a period for one pupil, with the key
    /// of the codes and the totals.
    Certificate(letter::CertificateArgs),
    /// The templates documents are made from: list them, or export them to edit.
    #[command(subcommand)]
    Templates(letter::TemplatesCommand),
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// table (for reading), csv or json. CSV and JSON withhold small groups' figures.
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::commands::output::Format,
    /// Also write the report as one self-contained HTML page with charts (prints on A4), to share.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Show small groups' figures in CSV, JSON and HTML too (for use inside the school only).
    #[arg(long)]
    pub show_small_groups: bool,
}

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

/// The period figures are computed over. Default: the academic year (1 August to 31 July) holding
/// the latest imported session, up to that session.
#[derive(Debug, Clone, clap::Args, Default)]
pub struct PeriodArgs {
    /// First date of the period (YYYY-MM-DD or dd/mm/yyyy).
    #[arg(long, value_name = "DATE", value_parser = parse_cli_date)]
    pub from: Option<NaiveDate>,
    /// Last date of the period (default: the latest imported session).
    #[arg(long, value_name = "DATE", value_parser = parse_cli_date)]
    pub to: Option<NaiveDate>,
    /// One term of the academic year (census terms: autumn to 31 Dec, spring to Easter Sunday, summer).
    #[arg(long, value_enum, conflicts_with_all = ["from", "weeks"])]
    pub term: Option<TermArg>,
    /// The last N school weeks (weeks in which the school held sessions).
    #[arg(long, value_name = "N", conflicts_with = "from")]
    pub weeks: Option<u32>,
}

impl PeriodArgs {
    pub fn spec(&self) -> PeriodSpec {
        PeriodSpec {
            from: self.from,
            to: self.to,
            term: self.term.map(TermArg::term),
            weeks: self.weeks,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TermArg {
    Autumn,
    Spring,
    Summer,
}

impl TermArg {
    pub fn term(self) -> Term {
        match self {
            TermArg::Autumn => Term::Autumn,
            TermArg::Spring => Term::Spring,
            TermArg::Summer => Term::Summer,
        }
    }
}

/// A percentage threshold from 0 to 100 (up to two decimals), in hundredths.
pub fn parse_threshold(s: &str) -> Result<u32, String> {
    let bad =
        || format!("{s:?} is not a percentage: give a number from 0 to 100, such as 90 or 92.5");
    let t = s.trim().trim_end_matches('%');
    if let Some(n) = t.strip_prefix('-')
        && n.parse::<f64>().is_ok()
    {
        return Err(format!(
            "{s} is outside 0 to 100: a threshold is a percentage of attendance"
        ));
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: u32 = whole.parse().map_err(|_| bad())?;
    let f: u32 = format!("{frac:0<2}").parse().unwrap_or(0);
    let h = w
        .checked_mul(100)
        .and_then(|x| x.checked_add(f))
        .ok_or_else(bad)?;
    if h > 10_000 {
        return Err(format!(
            "{s} is outside 0 to 100: a threshold is a percentage of attendance"
        ));
    }
    Ok(h)
}

#[derive(Debug, clap::Args)]
pub struct FlagArgs {
    /// List pupils whose attendance is at or below this percentage (default: thresholds.persistent in attend.yaml, DfE 90).
    #[arg(long, value_name = "PERCENT", value_parser = parse_threshold, allow_negative_numbers = true)]
    pub threshold: Option<u32>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Only this year group (e.g. 7, "Year 7", R).
    #[arg(long)]
    pub year: Option<String>,
    /// Only this registration group.
    #[arg(long)]
    pub group: Option<String>,
    /// Only pupils eligible for free school meals.
    #[arg(long)]
    pub fsm: bool,
    /// Only pupils with special educational needs (SEN support or an EHC plan).
    #[arg(long)]
    pub sen: bool,
    /// Only pupils with English as an additional language.
    #[arg(long)]
    pub eal: bool,
    /// Only pupils in this band.
    #[arg(long, value_enum)]
    pub band: Option<Band>,
    /// Pupils with fewer possible sessions are listed separately (default: thresholds.min_sessions).
    #[arg(long, value_name = "N")]
    pub min_sessions: Option<u32>,
    /// Every pupil, whatever their attendance (for exports).
    #[arg(long)]
    pub all: bool,
    /// Open a case for every listed pupil who has none.
    #[arg(long)]
    pub open_cases: bool,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::commands::output::Format,
}

#[derive(Debug, clap::Args)]
pub struct PupilArgs {
    /// The pupil's UPN (or ADNO-<admission number>).
    pub upn: String,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Also write a page to print for a meeting: weekly attendance, the marks week by week, the
    /// codes used (a self-contained HTML file; open it in a browser and print).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// table (for reading) or json.
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::commands::output::Format,
}
