//! `attend case ...`: clap definitions.

use super::common::{ByArg, Format};
use attend::cases::Stage;
use attend::cases::model::{BarrierKind, ContactMethod, EventKind};
use attend::dates::parse_cli_date;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case for a pupil: cases/UPN/case.yaml, filled in from the register, with today's
    /// attendance figures frozen in as the opening evidence.
    Open(OpenArgs),
    /// List the cases: stage, when opened, the last entry, the next review, overdue reviews.
    List(ListArgs),
    /// One pupil's case on one screen, with today's attendance beside the figures frozen in it.
    Show(ShowArgs),
    /// Record a call, visit, letter, email, meeting, referral or note on the case's timeline.
    Log(LogArgs),
    /// Move the case to another stage of the graduated response (monitor, understand, support,
    /// formal, enforce).
    Stage(StageArgs),
    /// Close the case, with the reason.
    Close(CloseArgs),
    /// Edit the case file in your editor (VISUAL or EDITOR): people, siblings, services, barriers...
    /// It is checked when you save; the case is left as it was until it is valid.
    Edit(EditArgs),
    /// Parents and carers: add, edit or remove one (title, name, relationship, parental
    /// responsibility, lives with, address, phones, email, preferred contact, no contact).
    #[command(subcommand)]
    Person(PersonCommand),
    /// Brothers and sisters: a pupil of this school (a UPN or a name), or one at another school.
    #[command(subcommand)]
    Sibling(SiblingCommand),
    /// Other professionals involved (social worker, early help worker, school nurse...).
    #[command(subcommand)]
    Professional(ProfessionalCommand),
    /// Services already involved with the family (Early Help, CAMHS, Young Carers...).
    #[command(subcommand)]
    Service(ServiceCommand),
    /// Barriers to attendance (medical, mental_health, bullying, home, transport, sen,
    /// relationships, community, other).
    #[command(subcommand)]
    Barrier(BarrierCommand),
    /// Strengths to build on.
    #[command(subcommand)]
    Strength(StrengthCommand),
    /// Record the child's own view, in their words (recorded on the timeline).
    View(ViewArgs),
    /// Record whether the family consents to a referral: yes, no or not-asked (on the timeline).
    Consent(ConsentArgs),
    /// Bring the MIS's contact details (register/contacts.csv) into the case: changed details,
    /// new contacts and siblings (attend case show lists them first). Recorded on the timeline.
    Sync(SyncArgs),
    /// Correct a part of the record that is sealed (the opening figures, a plan, a review, a
    /// timeline entry): the original stays, the correction is recorded with its reason, date and
    /// who made it, and the corrected value is what documents show from then on.
    Amend(AmendArgs),
    /// Check that the record is as it was recorded: every seal, and every filed document against
    /// the SHA-256 on the timeline. Exit status 0 when all is well, 1 when something is changed,
    /// missing or unexplained.
    Verify(VerifyArgs),
}

/// A yes or no on the command line (`unknown` where it may not be known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    #[value(alias = "y", alias = "true")]
    Yes,
    #[value(alias = "n", alias = "false")]
    No,
    /// Not known (not recorded).
    #[value(alias = "not-known", alias = "not-recorded")]
    Unknown,
}

impl YesNo {
    pub fn value(self) -> Option<bool> {
        match self {
            YesNo::Yes => Some(true),
            YesNo::No => Some(false),
            YesNo::Unknown => None,
        }
    }
}

/// How a parent or carer prefers to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preferred {
    Phone,
    Text,
    Email,
    Letter,
    InPerson,
    /// No preference recorded.
    None,
}

impl Preferred {
    pub fn value(self) -> Option<ContactMethod> {
        match self {
            Preferred::Phone => Some(ContactMethod::Phone),
            Preferred::Text => Some(ContactMethod::Text),
            Preferred::Email => Some(ContactMethod::Email),
            Preferred::Letter => Some(ContactMethod::Letter),
            Preferred::InPerson => Some(ContactMethod::InPerson),
            Preferred::None => None,
        }
    }
}

/// A parent's or carer's details; each option given sets that detail ("" clears it).
#[derive(Debug, Args, Clone, Default)]
pub struct PersonFields {
    /// Mr, Mrs, Ms, Miss, Mx, Dr...
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub forename: Option<String>,
    #[arg(long)]
    pub surname: Option<String>,
    /// The name as one text, when it is not given as forename and surname.
    #[arg(long)]
    pub name: Option<String>,
    /// To the pupil: mother, father, step-father, grandmother, carer, foster carer...
    #[arg(long)]
    pub relationship: Option<String>,
    /// Holds parental responsibility: yes, no or unknown (everyone who holds it is invited and written to).
    #[arg(long, value_enum, value_name = "yes|no|unknown")]
    pub pr: Option<YesNo>,
    /// The pupil lives with them: yes, no or unknown.
    #[arg(long, value_enum, value_name = "yes|no|unknown")]
    pub lives_with: Option<YesNo>,
    /// The postal address, its lines separated by commas, postcode last: "14 Example Road, Townley, TW1 4AB".
    #[arg(long, value_name = "LINE, LINE, POSTCODE")]
    pub address: Option<String>,
    /// The main (home) telephone.
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub mobile: Option<String>,
    #[arg(long)]
    pub work_phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// How they prefer to be contacted.
    #[arg(long, value_enum)]
    pub preferred: Option<Preferred>,
    /// No contact (a court order, or no correspondence): yes or no. Such a person is never written to.
    #[arg(long, value_enum, value_name = "yes|no")]
    pub no_contact: Option<YesNo>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Add a parent or carer: attend case person add UPN --title Mrs --forename Jade --surname Stevens --relationship mother --pr yes --address "40 Bridge Street, Townley, TW4 8JK"
    Add(PersonAddArgs),
    /// Change a parent's or carer's details: attend case person edit UPN 2 --phone "01632 960000"
    Edit(PersonEditArgs),
    /// Remove a parent or carer from the case (recorded on the timeline).
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct PersonAddArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    #[command(flatten)]
    pub fields: PersonFields,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct PersonEditArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Which person: their number in attend case show (1, 2...) or their name.
    pub which: String,
    #[command(flatten)]
    pub fields: PersonFields,
    #[command(flatten)]
    pub by: ByArg,
}

/// Remove one item of a case's list.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Which one: its number in attend case show (1, 2...) or its name.
    pub which: String,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Subcommand)]
pub enum SiblingCommand {
    /// Add a brother or sister: --pupil UPN|NAME for one at this school, or --name NAME --school SCHOOL --year YEAR.
    Add(SiblingAddArgs),
    /// Remove a brother or sister from the case.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct SiblingAddArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// A sibling at this school: their UPN or name.
    #[arg(long, value_name = "UPN|NAME", conflicts_with_all = ["name", "school"])]
    pub pupil: Option<String>,
    /// A sibling at another school: their name.
    #[arg(long, required_unless_present = "pupil")]
    pub name: Option<String>,
    /// The school they attend.
    #[arg(long)]
    pub school: Option<String>,
    /// Their year group.
    #[arg(long)]
    pub year: Option<String>,
    /// Whether their attendance is also a concern: yes, no or unknown.
    #[arg(long, value_enum, value_name = "yes|no|unknown")]
    pub concern: Option<YesNo>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProfessionalCommand {
    /// Add a professional: --name NAME --role ROLE [--organisation ORG --phone --email].
    Add(ProfessionalAddArgs),
    /// Remove a professional from the case.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct ProfessionalAddArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    #[arg(long)]
    pub name: String,
    /// Social worker, early help worker, SEND officer, school nurse...
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub organisation: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Add a service: NAME [--contact WHO --since DATE].
    Add(ServiceAddArgs),
    /// Remove a service from the case.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct ServiceAddArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Early Help, CAMHS, Young Carers, Family Action...
    pub name: String,
    /// Who to contact there.
    #[arg(long)]
    pub contact: Option<String>,
    /// Involved since.
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum BarrierCommand {
    /// Add a barrier: KIND [DETAIL].
    Add(BarrierAddArgs),
    /// Remove a barrier (its number, or its kind when only one has it).
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct BarrierAddArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// medical, mental_health, bullying, home, transport, sen, relationships, community or other.
    #[arg(value_parser = parse_barrier)]
    pub kind: BarrierKind,
    /// What it is, in the family's words.
    pub detail: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum StrengthCommand {
    /// Add a strength: TEXT.
    Add(StrengthAddArgs),
    /// Remove a strength.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct StrengthAddArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// "Enjoys art", "good relationship with her mentor".
    pub text: String,
}

#[derive(Debug, Args)]
pub struct ViewArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// The child's view, in their words where possible.
    pub text: String,
    /// When it was given (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

/// The family's answer about a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Consent {
    #[value(alias = "y")]
    Yes,
    #[value(alias = "n")]
    No,
    #[value(alias = "not_asked", alias = "unknown")]
    NotAsked,
}

#[derive(Debug, Args)]
pub struct ConsentArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// yes, no or not-asked.
    #[arg(value_enum)]
    pub consent: Consent,
    /// When the family was asked (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The pupil's UPN, or their name (or part of it) when it matches one pupil.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub upn: Option<String>,
    /// Every open case.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub by: ByArg,
}

/// A barrier kind, for clap.
pub fn parse_barrier(text: &str) -> Result<BarrierKind, String> {
    let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    BarrierKind::ALL
        .into_iter()
        .find(|k| k.as_str() == t)
        .ok_or_else(|| {
            format!(
                "{text:?} is not a kind of barrier: use one of {}",
                BarrierKind::ALL.map(BarrierKind::as_str).join(", ")
            )
        })
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Why the case is opened (recorded on the timeline), e.g. "attendance below 90% since October".
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
    /// For a pupil not in the register: their legal surname.
    #[arg(long)]
    pub surname: Option<String>,
    /// For a pupil not in the register: their legal forename.
    #[arg(long)]
    pub forename: Option<String>,
    /// For a pupil not in the register: date of birth.
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub dob: Option<NaiveDate>,
    /// For a pupil not in the register: year group.
    #[arg(long)]
    pub year: Option<String>,
    /// For a pupil not in the register: registration group.
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only cases at this stage.
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<Stage>,
    /// Only cases whose plan review date has passed without a review.
    #[arg(long)]
    pub overdue: bool,
    /// Include closed cases (listed only with --stage closed otherwise).
    #[arg(long)]
    pub all: bool,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub share: super::common::ShareArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Show every column of the figures, however wide (by default the oldest are left out to fit
    /// the screen).
    #[arg(long)]
    pub wide: bool,
}

/// The kinds of entry `attend case log` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogKind {
    /// A phone call.
    Call,
    /// A home visit.
    Visit,
    /// A letter sent.
    Letter,
    Email,
    /// A meeting (an attendance meeting with a plan is recorded by `attend plan new`).
    Meeting,
    /// A referral made (early help, school nurse, local authority...).
    Referral,
    Note,
}

impl LogKind {
    pub fn kind(self) -> EventKind {
        match self {
            LogKind::Call => EventKind::Call,
            LogKind::Visit => EventKind::Visit,
            LogKind::Letter => EventKind::Letter,
            LogKind::Email => EventKind::Email,
            LogKind::Meeting => EventKind::Meeting,
            LogKind::Referral => EventKind::Referral,
            LogKind::Note => EventKind::Note,
        }
    }
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// What happened, in a sentence or two.
    pub text: String,
    /// What kind of entry this is.
    #[arg(long, value_enum)]
    pub kind: LogKind,
    /// When it happened (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Who else was involved: the person called, the family visited ("Jane Smith (mother)").
    #[arg(long, value_name = "WHO")]
    pub with: Option<String>,
    /// A file in the case folder this entry produced (e.g. documents/2025-01-10-letter.pdf); its
    /// SHA-256 is recorded so the record shows it was not changed afterwards.
    #[arg(long, value_name = "FILE")]
    pub document: Option<PathBuf>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct StageArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// The new stage: monitor, understand, support, formal or enforce.
    #[arg(value_parser = parse_stage)]
    pub stage: Stage,
    /// Why (needed to move up more than one step, or to reopen a closed case).
    #[arg(long)]
    pub reason: Option<String>,
    /// When the move happened (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// Why the case is closed (recorded on the timeline), e.g. "attendance above 95% for a term".
    #[arg(long, required = true)]
    pub reason: String,
    /// When it was closed (default: today).
    #[arg(long, value_parser = parse_cli_date, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
    /// The part to correct: opening_attendance, plans.N (the plan as recorded at its meeting),
    /// plans.N.review, or timeline.N (N counts from 1, in the order of the case file).
    #[arg(long, value_name = "PART")]
    pub part: String,
    /// The field inside the part, as a dotted path: e.g. possible, unauthorised, text, date,
    /// outcome, attendance.possible, actions.2.owner.
    #[arg(long, value_name = "FIELD")]
    pub field: String,
    /// The corrected value.
    #[arg(long, value_name = "VALUE")]
    pub value: String,
    /// Why the record is corrected (kept with the correction).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// For a part changed by hand in the case file: the value the field had when it was recorded.
    /// attend puts it back, checks the part then matches its seal, and records the correction.
    #[arg(long, value_name = "VALUE")]
    pub original: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub upn: Option<String>,
    /// Check every case.
    #[arg(long)]
    pub all: bool,
    /// List every part and document checked, not only those with a problem.
    #[arg(long)]
    pub verbose: bool,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The pupil's UPN (or ADNO-<admission number>), or their name (or part of it) when it matches one pupil.
    pub upn: String,
}

/// A stage name, for clap.
pub fn parse_stage(text: &str) -> Result<Stage, String> {
    Stage::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is not a stage: use one of {}",
            Stage::ALL.map(Stage::as_str).join(", ")
        )
    })
}
