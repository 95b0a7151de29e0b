//! `attend due`: clap definitions.

use super::common::Format;
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

#[derive(Debug, Args)]
pub struct DueArgs {
    /// How far ahead to look for reviews: 7d (days) or 2w (weeks).
    #[arg(long, value_parser = parse_within, default_value = "7d", value_name = "DAYS")]
    pub within: u32,
    /// table (for reading), csv or json (for other programs; columns documented in README).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
