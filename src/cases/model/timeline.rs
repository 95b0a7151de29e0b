//! The timeline: what was done, each step an event, with the documents it produced.

use super::Seal;
use crate::cases::Stage;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kinds of event on a case's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The case was opened.
    Opened,
    /// A letter was sent.
    Letter,
    /// A phone call.
    Call,
    /// A home visit.
    Visit,
    Email,
    /// A meeting (other than an attendance meeting with a plan).
    Meeting,
    /// An attendance meeting agreed an action plan.
    Plan,
    /// A plan was reviewed.
    Review,
    /// A referral (early help, local authority, school nurse...).
    Referral,
    /// A penalty notice issued, or what became of one (paid, withdrawn, unpaid, prosecuted).
    PenaltyNotice,
    Note,
    /// The case moved to another stage (including closing and reopening).
    Stage,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Letter => "letter",
            EventKind::Call => "call",
            EventKind::Visit => "visit",
            EventKind::Email => "email",
            EventKind::Meeting => "meeting",
            EventKind::Plan => "plan",
            EventKind::Review => "review",
            EventKind::Referral => "referral",
            EventKind::PenaltyNotice => "penalty_notice",
            EventKind::Note => "note",
            EventKind::Stage => "stage",
        }
    }
}

/// A move between stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    pub from: Stage,
    pub to: Stage,
}

/// A file the event produced (a letter, a plan record), as sent: its path inside the case folder
/// and its SHA-256, so the record shows the document was not changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Relative to the case folder, e.g. `documents/2025-01-20-plan-1.pdf`.
    pub path: String,
    /// 64 lower-case hex digits.
    pub sha256: String,
}

/// One dated entry on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub date: NaiveDate,
    pub kind: EventKind,
    /// Who did it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    /// Who else was involved (the person called, the family visited...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub with: String,
    /// What happened.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageChange>,
    /// The plan the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
    /// The seal of the entry as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
}
