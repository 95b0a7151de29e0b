//! `attend due`: clap definitions.

use super::common::Format;
use attend::cases::due::DueKind;
use clap::Args;

/// A number of days: "7d", "2w" or "7".
pub fn parse_within(text: &str) -> Result<u32, String> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || format!("{text:?} is not a length of time: write e.g. 7d (days) or 2w (weeks)");
    let (num, mult) = if let Some(n) = t.strip_suffix('w') {
        (n, 7)
    } else if let Some(n) = t.strip_suffix('d') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let n: u32 = num.trim().parse().map_err(|_| bad())?;
    n.checked_mul(mult).filter(|d| *d <= 366).ok_or_else(bad)
}

/// A kind of item: review_overdue, unauthorised_10_days...
pub fn parse_kind(text: &str) -> Result<DueKind, String> {
    DueKind::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is not a kind of item: {}",
            DueKind::ALL.map(|k| k.as_str()).join(", ")
        )
    })
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// How far ahead to look for reviews and the ends of improvement periods: 7d (days) or 2w (weeks).
    #[arg(long, value_parser = parse_within, default_value = "7d", value_name = "DAYS")]
    pub within: u32,
    /// Only items of this kind (repeat): e.g. unauthorised_10_days, missed_check_in (README lists them).
    #[arg(long, value_parser = parse_kind, value_name = "KIND")]
    pub kind: Vec<DueKind>,
    /// Only the notices the local authority must be given (the weekly return): 20 and 10 school
    /// days of absence, 15 days of illness, part-time timetables past their review.
    #[arg(long)]
    pub la_return: bool,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub share: super::common::ShareArgs,
}
