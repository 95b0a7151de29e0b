//! The law's steps as the case file holds them: the Notices to Improve given, and the penalty
//! notices issued (the ledger, per parent, for this child). Entries are only ever appended, and a
//! notice's later history (paid, withdrawn, unpaid, prosecuted) is appended to its `updates`.

use super::Percent;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A Notice to Improve, recorded when it is filed (`attend letter notice-to-improve`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeToImprove {
    /// The notice's date.
    pub date: NaiveDate,
    /// The improvement period: first and last day.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Its length in weeks (3 to 6).
    pub weeks: u32,
    /// Attendance it asks for over the period, besides no unauthorised absence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Percent>,
    /// What was decided once the period ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<NoticeDecision>,
}

/// The decision after a Notice to Improve's improvement period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeDecision {
    pub date: NaiveDate,
    /// A penalty notice was issued (true), or not (false).
    pub penalty_notice: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// The sessions a penalty notice rests on: every unauthorised session (G, N, O, U) from `from` to
/// `to`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Which notice to this parent for this child within three years it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeOrder {
    /// The first: £160, reduced to £80 if paid within 21 days.
    First,
    /// The second within three years of the first: £160, no reduction.
    Second,
}

impl NoticeOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeOrder::First => "first",
            NoticeOrder::Second => "second",
        }
    }
}

/// What happened to a penalty notice after it was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyStatus {
    Paid,
    /// Withdrawn: it does not count toward the limit of two.
    Withdrawn,
    /// Not paid within 28 days: the local authority considers prosecution.
    Unpaid,
    /// The parent was prosecuted for the attendance offence.
    Prosecuted,
}

impl PenaltyStatus {
    pub const ALL: [PenaltyStatus; 4] = [
        PenaltyStatus::Paid,
        PenaltyStatus::Withdrawn,
        PenaltyStatus::Unpaid,
        PenaltyStatus::Prosecuted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PenaltyStatus::Paid => "paid",
            PenaltyStatus::Withdrawn => "withdrawn",
            PenaltyStatus::Unpaid => "unpaid",
            PenaltyStatus::Prosecuted => "prosecuted",
        }
    }
}

/// A change in a penalty notice's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyUpdate {
    pub date: NaiveDate,
    pub status: PenaltyStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A penalty notice issued to a parent for this child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyNotice {
    /// 1, 2, 3... in the order recorded in this case.
    pub number: u32,
    /// The parent it was issued to, as named in the case's people.
    pub parent: String,
    pub issued: NaiveDate,
    /// The unauthorised sessions it rests on.
    pub sessions: SessionRange,
    /// How many unauthorised sessions (G, N, O, U) of those dates it rests on (frozen).
    pub unauthorised: u32,
    /// First or second within three years, to this parent for this child.
    pub order: NoticeOrder,
    /// The amount due within 28 days, in pounds.
    pub amount: u32,
    /// The reduced amount if paid within 21 days (a first notice only), in pounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduced: Option<u32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Paid, withdrawn, unpaid, prosecuted: in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<PenaltyUpdate>,
}

impl PenaltyNotice {
    /// The latest status, `None` while it is simply issued.
    pub fn status(&self) -> Option<PenaltyStatus> {
        self.updates.last().map(|u| u.status)
    }

    /// Withdrawn notices do not count toward the limit, and their sessions may support another.
    pub fn is_withdrawn(&self) -> bool {
        self.status() == Some(PenaltyStatus::Withdrawn)
    }

    /// "issued", "paid", "withdrawn"...
    pub fn status_text(&self) -> &'static str {
        self.status().map_or("issued", PenaltyStatus::as_str)
    }
}
