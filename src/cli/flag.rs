//! `attend flag`: clap definitions.

use super::common::{Format, PeriodArgs, parse_threshold};
use super::values::Band;

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
    /// Only pupils in this band, whatever --threshold is (at-risk pupils are above the threshold).
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
    /// Group the list by family: brothers and sisters at this school (linked through the MIS's
    /// contacts or the cases) together, each family headed by how many of its children are listed.
    #[arg(long)]
    pub families: bool,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub share: super::common::ShareArgs,
}
