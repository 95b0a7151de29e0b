//! The command line: clap definitions only, one file per command (1:1 with `commands/`). Help
//! text speaks the officer's language. Nothing here runs a command.

pub mod bundle;
pub mod case;
pub mod certificate;
pub mod common;
pub mod due;
pub mod family;
pub mod flag;
pub mod import;
pub mod init;
pub mod letter;
pub mod penalty;
pub mod plan;
pub mod pupil;
pub mod report;
pub mod review;
pub mod shell;
pub mod templates;
pub mod values;

use attend::dates::parse_cli_date;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "attend",
    version,
    about = "School attendance for attendance officers: import register exports, see who needs help, keep case records, meetings, reviews and letters.",
    long_about = None,
    after_help = "Start with `attend init` in a new folder, then `attend import export.csv` and `attend flag`.\nEvery command has its own --help.\n\nExit status: 0 success; 1 failure (the error says why; nothing was changed); 2 a wrong command line (nothing was run)."
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
    Init(init::InitArgs),
    /// Import register exports (CSV from SIMS, Arbor, Bromcom...), wide or long, into the register.
    Import(import::ImportArgs),
    /// List pupils whose attendance is at or below a threshold, lowest first, with the patterns behind it.
    Flag(flag::FlagArgs),
    /// Everything about one pupil's attendance on one screen (--html: a page for a meeting).
    Pupil(pupil::PupilArgs),
    /// A pupil's family on one screen: brothers and sisters here (attendance, case, open plan)
    /// and at other schools, and the parents and carers (parental responsibility, who lives where).
    Family(family::FamilyArgs),
    /// Whole-school figures for staff and governors: by year group, reg group, FSM, SEN, EAL,
    /// gender and the school's own groups; weekly trend, weekdays, codes, punctuality, caseload.
    Report(report::ReportArgs),
    /// Case files: open, list, show, log, stage, close, edit a pupil's case; its people, siblings,
    /// professionals, services, barriers, strengths, the child's view, consent; sync with the MIS.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Attendance meetings: record a meeting and its action plan (attend plan new UPN), and the
    /// copies of it sent (attend plan copy UPN).
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Review a pupil's open plan: the figures since it began against its aim, the outcome, the decision.
    Review(review::ReviewArgs),
    /// What needs doing: reviews due and overdue, cases without a plan, flagged pupils with no case,
    /// cases with no contact for 4 weeks, missed weekly check-ins, Notices to Improve ending, and
    /// the notices the local authority must be given (the weekly return: --format csv).
    Due(due::DueArgs),
    /// The penalty-notice ledger: record a notice issued to a parent, and what became of it.
    #[command(subcommand)]
    Penalty(penalty::PenaltyCommand),
    /// Write a letter or record for a pupil's case as a PDF, filed in the case and recorded on its
    /// timeline: concern-letter, invitation, plan, plan-letter, review, notice-to-improve, referral,
    /// review-invitation, rearranged, target-met; or a mail-out of letters of concern
    /// (--all-flagged, --upns FILE, several pupils) with one file to print.
    Letter(letter::LetterArgs),
    /// The registration certificate: every register mark of a period for one pupil, with the key
    /// of the codes and the totals.
    Certificate(certificate::CertificateArgs),
    /// The bundle for the local authority (or a court) when a case is referred: one PDF with an
    /// index, numbered exhibits (the referral summary, the certificate for a court, every letter
    /// and record filed in the case in date order, the chronology) and a manifest of each
    /// exhibit's SHA-256; the manifest as CSV; a copy of each filed file. Refused while
    /// `attend case verify` finds a problem.
    Bundle(bundle::BundleArgs),
    /// The templates documents are made from: list them, or export them to edit.
    #[command(subcommand)]
    Templates(templates::TemplatesCommand),
    /// Print the completion script for your shell (bash, zsh, fish, powershell): README says
    /// where to put it.
    Completions(shell::CompletionsArgs),
    /// Print attend's manual page (roff): every command and option. Read it with
    /// `attend manual > attend.1 && man ./attend.1`.
    Manual,
}
