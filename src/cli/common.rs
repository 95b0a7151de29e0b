//! Arguments and values several commands share: the period, who records, where documents go,
//! the output format, thresholds and targets.

use attend::attendance::PeriodSpec;
use attend::cases::model::Percent;
use attend::dates::{Term, parse_cli_date};
use chrono::NaiveDate;
use clap::Args;

/// How a command prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// An aligned table for reading.
    #[default]
    Table,
    /// Comma-separated values, for spreadsheets.
    Csv,
    /// JSON, for other programs.
    Json,
}

/// How a command's tables are shown and shared.
#[derive(Debug, Clone, Args, Default)]
pub struct ShareArgs {
    /// Show every column of the tables, however wide (by default a table fits the screen: the
    /// columns README names for each command are left out first).
    #[arg(long)]
    pub wide: bool,
    /// Also write the tables as an Excel workbook (.xlsx): one sheet per table (the CSV's columns),
    /// percentages, counts and dates as numbers and dates, and a sheet "About" (the period, the
    /// as-of date, the register's latest session).
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<std::path::PathBuf>,
    /// CSV for Excel: UTF-8 with a byte-order mark, so that Excel reads names such as Muñoz, Żak
    /// and Zoë right (implies --format csv).
    #[arg(long)]
    pub excel_csv: bool,
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

/// Who is recording (default: ATTEND_USER, else the attendance lead named in attend.yaml).
#[derive(Debug, Args, Clone, Default)]
pub struct ByArg {
    /// Who is recording this, as it should appear on the record (e.g. "A. Patel, Attendance Officer";
    /// default: ATTEND_USER, else the attendance lead in attend.yaml).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

/// How a document is delivered: filed in the case (the default), printed, or inspected.
#[derive(Debug, Clone, Args, Default)]
pub struct OutputArgs {
    /// Print the PDF to standard output instead of filing it in the case (redirect it: > letter.pdf).
    /// With --source, print the typst source instead.
    #[arg(long)]
    pub stdout: bool,
    /// Print the data the template receives, as JSON (to see what a school's own template can use);
    /// nothing is rendered or recorded.
    #[arg(long, conflicts_with = "stdout")]
    pub context: bool,
    /// Also write the typst source beside the PDF (<file>.typ), to adjust one letter by hand.
    #[arg(long)]
    pub source: bool,
}

/// The aim of a plan on the command line: a percentage, or "no-unauthorised".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetArg {
    Percent(Percent),
    NoUnauthorised,
}

pub fn parse_target(text: &str) -> Result<TargetArg, String> {
    let t = text.trim().to_ascii_lowercase().replace('_', "-");
    if matches!(
        t.as_str(),
        "no-unauthorised" | "no-unauthorized" | "no-unauthorised-absence"
    ) {
        return Ok(TargetArg::NoUnauthorised);
    }
    Percent::parse(text)
        .map(TargetArg::Percent)
        .map_err(|e| format!("{e}, or no-unauthorised for \"no further unauthorised absence\""))
}

pub fn parse_percent(text: &str) -> Result<Percent, String> {
    Percent::parse(text)
}
