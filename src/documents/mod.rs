//! Documents: the letters, records and certificates a school sends and files.
//!
//! A document is made in three steps, each its own module:
//!
//! 1. [`context`] gathers everything a document says from the case, the register and attend.yaml
//!    into one JSON object (what `attend letter --context` prints), checking first that the
//!    document can be written truthfully: a letter needs someone to address, a figure needs the
//!    register, a Notice to Improve needs the national threshold met.
//! 2. [`engine`] renders the document's tera template (the school's own copy in `templates/`, or
//!    the built-in one) to typst markup, every value escaped, and typesets it to a PDF/A file
//!    with an embedded font and a fixed timestamp: the same case on the same day gives the same
//!    bytes.
//! 3. [`issue`] files the PDF in the case folder (`cases/<ID>/documents/<date>-<kind>.pdf`) and
//!    records it on the case's timeline with its SHA-256, all in one atomic transaction.
//!
//! The built-in templates are embedded from the repository's `templates/` folder ([`BUILTINS`]).

pub mod bundle;
pub(crate) mod certificate;
pub mod context;
pub mod engine;
pub mod issue;
pub mod mailout;

use crate::cases::Stage;
use crate::cases::model::EventKind;
use std::fmt;
use std::path::Path;

pub use context::address::{
    Addressee, LeftOut, NobodyToWrite, NotWritten, addressees, addressees_each, not_addressed,
};
pub use context::{
    MeetingDetails, MeetingOf, NoticeDetails, Prepared, Request, ReviewMeeting, Sources,
    bundle_context, can_write, meeting_day_warning, prepare,
};
pub use engine::{DocError, TemplateSet};

/// The built-in templates, by file name. Files starting with `_` are shared parts (the page and
/// letterhead, the frame of a letter), which the documents extend.
pub const BUILTINS: &[(&str, &str)] = &[
    (
        "_base.typ.tera",
        include_str!("../../templates/_base.typ.tera"),
    ),
    (
        "_letter.typ.tera",
        include_str!("../../templates/_letter.typ.tera"),
    ),
    (
        "bundle.typ.tera",
        include_str!("../../templates/bundle.typ.tera"),
    ),
    (
        "court-certificate.typ.tera",
        include_str!("../../templates/court-certificate.typ.tera"),
    ),
    (
        "concern-letter.typ.tera",
        include_str!("../../templates/concern-letter.typ.tera"),
    ),
    (
        "invitation.typ.tera",
        include_str!("../../templates/invitation.typ.tera"),
    ),
    (
        "plan.typ.tera",
        include_str!("../../templates/plan.typ.tera"),
    ),
    (
        "plan-letter.typ.tera",
        include_str!("../../templates/plan-letter.typ.tera"),
    ),
    (
        "review.typ.tera",
        include_str!("../../templates/review.typ.tera"),
    ),
    (
        "certificate.typ.tera",
        include_str!("../../templates/certificate.typ.tera"),
    ),
    (
        "notice-to-improve.typ.tera",
        include_str!("../../templates/notice-to-improve.typ.tera"),
    ),
    (
        "referral.typ.tera",
        include_str!("../../templates/referral.typ.tera"),
    ),
    (
        "review-invitation.typ.tera",
        include_str!("../../templates/review-invitation.typ.tera"),
    ),
    (
        "rearranged.typ.tera",
        include_str!("../../templates/rearranged.typ.tera"),
    ),
    (
        "target-met.typ.tera",
        include_str!("../../templates/target-met.typ.tera"),
    ),
];

/// The built-in templates with the school's overrides from `override_dir` (normally the
/// workspace's `templates/`). A broken override is an error, never a silent fallback.
pub fn template_set(override_dir: Option<&Path>) -> Result<TemplateSet, DocError> {
    TemplateSet::new(BUILTINS, override_dir)
}

/// The documents attend writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// First contact when attendance falls: the figures, a supportive tone, who to call.
    ConcernLetter,
    /// Invitation to an attendance meeting, to everyone with parental responsibility.
    Invitation,
    /// The record of an attendance meeting and its action plan.
    Plan,
    /// The covering letter sent with the plan.
    PlanLetter,
    /// The record of a plan's review.
    Review,
    /// Every register mark of a period in a grid, with the key and the totals.
    Certificate,
    /// The registration certificate for a magistrates' court (s.566 Education Act 1996): the
    /// everyday certificate with the particulars a prosecution relies on, and the declaration.
    CourtCertificate,
    /// Notice to Improve: the last chance to engage before a penalty notice.
    NoticeToImprove,
    /// The case's chronology and evidence for a referral to the local authority.
    Referral,
    /// Invitation to the review meeting of the open plan, at a date and time.
    ReviewInvitation,
    /// A meeting (an attendance meeting or a review) moved to a new date or time.
    Rearranged,
    /// A plan closed because its target was met: praise, and what happens next.
    TargetMet,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::ConcernLetter,
        Kind::Invitation,
        Kind::Plan,
        Kind::PlanLetter,
        Kind::Review,
        Kind::Certificate,
        Kind::CourtCertificate,
        Kind::NoticeToImprove,
        Kind::Referral,
        Kind::ReviewInvitation,
        Kind::Rearranged,
        Kind::TargetMet,
    ];

    /// The name on the command line and in file names: `concern-letter`, `invitation`...
    pub fn name(self) -> &'static str {
        match self {
            Kind::ConcernLetter => "concern-letter",
            Kind::Invitation => "invitation",
            Kind::Plan => "plan",
            Kind::PlanLetter => "plan-letter",
            Kind::Review => "review",
            Kind::Certificate => "certificate",
            Kind::CourtCertificate => "court-certificate",
            Kind::NoticeToImprove => "notice-to-improve",
            Kind::Referral => "referral",
            Kind::ReviewInvitation => "review-invitation",
            Kind::Rearranged => "rearranged",
            Kind::TargetMet => "target-met",
        }
    }

    /// Parse a kind, accepting a few short forms (`concern`, `invite`, `nti`).
    pub fn parse(text: &str) -> Option<Kind> {
        let t = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let t = t.strip_suffix(".typ.tera").unwrap_or(&t);
        match t {
            "concern" | "concern-letter" => Some(Kind::ConcernLetter),
            "invitation" | "invite" => Some(Kind::Invitation),
            "plan" | "action-plan" => Some(Kind::Plan),
            "plan-letter" | "covering-letter" => Some(Kind::PlanLetter),
            "review" => Some(Kind::Review),
            "certificate" | "registration-certificate" => Some(Kind::Certificate),
            "court-certificate" | "certificate-for-court" | "s566" => Some(Kind::CourtCertificate),
            "notice-to-improve" | "nti" => Some(Kind::NoticeToImprove),
            "referral" | "referral-summary" => Some(Kind::Referral),
            "review-invitation" | "invite-review" | "review-invite" => Some(Kind::ReviewInvitation),
            "rearranged" | "rearranged-meeting" | "rearrange" | "new-time" => {
                Some(Kind::Rearranged)
            }
            "target-met" | "plan-closed" | "positive" | "well-done" => Some(Kind::TargetMet),
            _ => None,
        }
    }

    /// The template's file name.
    pub fn template(self) -> &'static str {
        match self {
            Kind::ConcernLetter => "concern-letter.typ.tera",
            Kind::Invitation => "invitation.typ.tera",
            Kind::Plan => "plan.typ.tera",
            Kind::PlanLetter => "plan-letter.typ.tera",
            Kind::Review => "review.typ.tera",
            Kind::Certificate => "certificate.typ.tera",
            Kind::CourtCertificate => "court-certificate.typ.tera",
            Kind::NoticeToImprove => "notice-to-improve.typ.tera",
            Kind::Referral => "referral.typ.tera",
            Kind::ReviewInvitation => "review-invitation.typ.tera",
            Kind::Rearranged => "rearranged.typ.tera",
            Kind::TargetMet => "target-met.typ.tera",
        }
    }

    /// The kind a template file is for, if it is one of the documents.
    pub fn of_template(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.template() == name)
    }

    /// What the document is called, for people.
    pub fn title(self) -> &'static str {
        match self {
            Kind::ConcernLetter => "Letter of concern about attendance",
            Kind::Invitation => "Invitation to an attendance meeting",
            Kind::Plan => "Attendance action plan",
            Kind::PlanLetter => "Covering letter for the action plan",
            Kind::Review => "Review of the attendance action plan",
            Kind::Certificate => "Registration certificate",
            Kind::CourtCertificate => "Registration certificate for a magistrates' court",
            Kind::NoticeToImprove => "Notice to Improve",
            Kind::Referral => "Referral summary for the local authority",
            Kind::ReviewInvitation => "Invitation to the review meeting",
            Kind::Rearranged => "Letter confirming a rearranged meeting",
            Kind::TargetMet => "Letter on meeting the attendance target",
        }
    }

    /// The title as it reads inside a sentence: "the invitation to an attendance meeting", "the
    /// Notice to Improve".
    pub fn in_sentence(self) -> String {
        match self {
            Kind::NoticeToImprove => self.title().to_string(),
            _ => self.title().to_lowercase(),
        }
    }

    /// What several of them are called: "letters of concern about attendance".
    pub fn plural(self) -> &'static str {
        match self {
            Kind::ConcernLetter => "letters of concern about attendance",
            Kind::Invitation => "invitations to an attendance meeting",
            Kind::Plan => "attendance action plans",
            Kind::PlanLetter => "covering letters for the action plan",
            Kind::Review => "reviews of the attendance action plan",
            Kind::Certificate => "registration certificates",
            Kind::CourtCertificate => "registration certificates for a magistrates' court",
            Kind::NoticeToImprove => "Notices to Improve",
            Kind::Referral => "referral summaries for the local authority",
            Kind::ReviewInvitation => "invitations to the review meeting",
            Kind::Rearranged => "letters confirming a rearranged meeting",
            Kind::TargetMet => "letters on meeting the attendance target",
        }
    }

    /// One line on what the document carries (for `attend templates list`).
    pub fn describe(self) -> &'static str {
        match self {
            Kind::ConcernLetter => {
                "first contact: the figures with their period, a supportive offer of help, who to call"
            }
            Kind::Invitation => {
                "to every parent with parental responsibility: date, time, place, who will be there, what will be discussed; may go ahead without them; another time offered"
            }
            Kind::Plan => {
                "the meeting and its plan, in the guidance's order: attendees, figures, barriers, support, aim, actions, review date, copies, signatures"
            }
            Kind::PlanLetter => {
                "sent with the plan: the review date, another appointment offered, plans made in their absence"
            }
            Kind::Review => {
                "the plan's actions and what worked, attendance since the plan against its aim, the outcome and decision"
            }
            Kind::Certificate => {
                "every mark of a period, weeks down and Mon-Fri AM/PM across, the key of the codes used, the totals"
            }
            Kind::CourtCertificate => {
                "s.566 Education Act 1996: the pupil, compulsory school age and roll, everyone with parental responsibility, every mark with the key, the unauthorised sessions listed, totals, the import date, the declaration"
            }
            Kind::NoticeToImprove => {
                "the record and the threshold met, the parent's duty, support so far and offered, the improvement period, what follows"
            }
            Kind::Referral => {
                "for the local authority: the pupil, family, figures, plans and reviews, and the case's full chronology"
            }
            Kind::ReviewInvitation => {
                "to every parent with parental responsibility: the review of the plan at a date, time and place; what it will look at; may go ahead without them; another time offered"
            }
            Kind::Rearranged => {
                "confirms the new date, time and place of an attendance meeting or a review; another time offered"
            }
            Kind::TargetMet => {
                "when a plan is closed with its target met: praise, the figures, what happens next"
            }
        }
    }

    /// Is it a letter to the family (addressed to the parents with parental responsibility)?
    pub fn is_letter(self) -> bool {
        matches!(
            self,
            Kind::ConcernLetter
                | Kind::Invitation
                | Kind::PlanLetter
                | Kind::NoticeToImprove
                | Kind::ReviewInvitation
                | Kind::Rearranged
                | Kind::TargetMet
        )
    }

    /// Which kind of timeline event issuing the document is.
    pub fn event_kind(self) -> EventKind {
        if self.is_letter() {
            EventKind::Letter
        } else {
            EventKind::Note
        }
    }

    /// The stage of the graduated response the document puts a case at, at least.
    pub fn raises_to(self) -> Option<Stage> {
        match self {
            Kind::ConcernLetter | Kind::Invitation => Some(Stage::Understand),
            Kind::NoticeToImprove => Some(Stage::Enforce),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A time of day for a meeting: `9:30`, `09:30`, `9.30`, `9:30am`, `2pm`, `14:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
}

impl TimeOfDay {
    pub fn parse(text: &str) -> Result<TimeOfDay, String> {
        let bad = || format!("{text:?} is not a time of day: write it as 9:30, 14:00 or 2:15pm");
        let t = text.trim().to_ascii_lowercase().replace(' ', "");
        let (t, half) = if let Some(x) = t.strip_suffix("am") {
            (x.to_string(), Some(false))
        } else if let Some(x) = t.strip_suffix("pm") {
            (x.to_string(), Some(true))
        } else {
            (t, None)
        };
        let (h, m) = match t.split_once([':', '.']) {
            Some((h, m)) => (h, m),
            None => (t.as_str(), "0"),
        };
        if h.is_empty()
            || h.len() > 2
            || m.is_empty()
            || m.len() > 2
            || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let (mut h, m): (u8, u8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m > 59 {
            return Err(bad());
        }
        match half {
            Some(pm) => {
                if !(1..=12).contains(&h) {
                    return Err(bad());
                }
                h = match (pm, h) {
                    (false, 12) => 0,
                    (false, h) => h,
                    (true, 12) => 12,
                    (true, h) => h + 12,
                };
            }
            None if h > 23 => return Err(bad()),
            None => {}
        }
        Ok(TimeOfDay { hour: h, minute: m })
    }
}

impl fmt::Display for TimeOfDay {
    /// `9:30am`, `12:00pm`, `2:15pm`: the way UK school letters write times.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, suffix) = match self.hour {
            0 => (12, "am"),
            h @ 1..=11 => (h, "am"),
            12 => (12, "pm"),
            h => (h - 12, "pm"),
        };
        write!(f, "{h}:{:02}{suffix}", self.minute)
    }
}

/// Why a document cannot be written (each says what to do about it).
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(
        "attend.yaml does not say {0}: every document carries the school's letterhead and contact details.\n  Fill in the school: section of attend.yaml (see the comments there)"
    )]
    Letterhead(String),
    #[error("the {what} is not written: {nobody}")]
    NobodyToWrite {
        what: String,
        nobody: context::address::NobodyToWrite,
    },
    #[error(
        "{id} is not in the register, and the {what} states attendance figures from it: import an export that holds the pupil (attend import FILE.csv)"
    )]
    NotInRegister { id: String, what: String },
    #[error("cannot work out the attendance figures: {0}")]
    Period(#[from] crate::attendance::PeriodError),
    #[error("the case of {0} has no action plan yet: record one with attend plan new {0}")]
    NoPlan(String),
    #[error("the case of {id} has no plan {number} (it has {count})")]
    NoSuchPlan {
        id: String,
        number: u32,
        count: usize,
    },
    #[error(
        "plan {number} of {id} has not been reviewed yet: review it first (attend review {id}), or name a reviewed plan with --plan N"
    )]
    NotReviewed { id: String, number: u32 },
    #[error(
        "the case of {id} has no reviewed plan yet: a review is recorded with attend review {id}"
    )]
    NoReview { id: String },
    #[error(
        "the case of {0} is closed: reopen it before writing to the family (attend case stage {0} monitor --reason \"...\")"
    )]
    Closed(String),
    #[error("{0}")]
    Invalid(String),
    #[error(
        "{pupil}'s unauthorised absence has not met the national threshold for a Notice to Improve: at most {sessions_text} of unauthorised absence (G, N, O, U) in any {weeks} school weeks from {from} to {to}, where the threshold is {sessions}.\n  A Notice to Improve is given only once the threshold is met",
        sessions_text = crate::text::plural(*.max, "session"),
        weeks = crate::attendance::PENALTY_NOTICE_WEEKS,
        sessions = crate::attendance::PENALTY_NOTICE_SESSIONS
    )]
    ThresholdNotMet {
        pupil: String,
        max: u32,
        from: String,
        to: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_back_and_have_templates() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.name()), Some(k));
            assert_eq!(Kind::of_template(k.template()), Some(k));
            assert!(BUILTINS.iter().any(|(n, _)| *n == k.template()), "{k}");
        }
        assert_eq!(Kind::parse("NTI"), Some(Kind::NoticeToImprove));
        assert_eq!(Kind::parse("concern"), Some(Kind::ConcernLetter));
        assert_eq!(Kind::parse("invite"), Some(Kind::Invitation));
        assert_eq!(Kind::parse("letter"), None);
    }

    #[test]
    fn times_parse_in_the_ways_people_write_them() {
        let t = |s: &str| TimeOfDay::parse(s).map(|t| t.to_string());
        assert_eq!(t("9:30").unwrap(), "9:30am");
        assert_eq!(t("09:30").unwrap(), "9:30am");
        assert_eq!(t("9.30").unwrap(), "9:30am");
        assert_eq!(t("9:30 AM").unwrap(), "9:30am");
        assert_eq!(t("2pm").unwrap(), "2:00pm");
        assert_eq!(t("14:05").unwrap(), "2:05pm");
        assert_eq!(t("12:00").unwrap(), "12:00pm");
        assert_eq!(t("12am").unwrap(), "12:00am");
        assert_eq!(t("12:15pm").unwrap(), "12:15pm");
        for bad in ["", "25:00", "9:60", "13pm", "0am", "nine", "9:3:0", "930"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_built_in_templates_load() {
        let set = template_set(None).unwrap();
        assert_eq!(set.names().len(), BUILTINS.len());
    }
}
