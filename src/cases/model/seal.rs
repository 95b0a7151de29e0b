//! Seals and amendments: what keeps recorded evidence as it was recorded.
//!
//! A [`Seal`] sits beside each part of a case that is evidence (the opening figures, each plan,
//! each review, each timeline entry, each amendment): the date it was sealed and the SHA-256 of
//! the part's content. An [`Amendment`] corrects one field of a sealed part without changing it:
//! the part keeps what was recorded, the amendment says what, original, new, reason, date and by.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The date a part was sealed and the SHA-256 of its content, written as
/// `2025-01-10 sha256:<64 hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub date: NaiveDate,
    /// 64 lower-case hex digits.
    pub sha256: String,
}

impl std::fmt::Display for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} sha256:{}", self.date.format("%Y-%m-%d"), self.sha256)
    }
}

impl Seal {
    pub fn parse(text: &str) -> Result<Seal, String> {
        let bad = || {
            format!(
                "a seal is written `YYYY-MM-DD sha256:<64 hex digits>` (attend writes it: do not edit it), not {text:?}"
            )
        };
        let (date, hash) = text.trim().split_once(' ').ok_or_else(bad)?;
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
        let hash = hash.trim().strip_prefix("sha256:").ok_or_else(bad)?;
        if hash.len() != 64
            || !hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad());
        }
        Ok(Seal {
            date,
            sha256: hash.to_string(),
        })
    }
}

impl Serialize for Seal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Seal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Seal, D::Error> {
        let text = String::deserialize(d)?;
        Seal::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A correction of one field of a sealed part: the part keeps what was recorded; wherever the
/// value is shown, the amended value is shown, with this record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// The day the correction was recorded.
    pub date: NaiveDate,
    /// Who made it.
    pub by: String,
    /// The part corrected: `opening_attendance`, `plans.N`, `plans.N.review`, `timeline.N`.
    pub part: String,
    /// The field inside the part, as a dotted path (`possible`, `attendance.unauthorised`).
    pub field: String,
    /// The value before this correction (empty: there was none).
    #[serde(default)]
    pub original: String,
    /// The corrected value.
    pub new: String,
    /// Why.
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
}
