//! What is asked for: the document, the facts it draws on, and the prepared result.

use crate::attendance::PeriodSpec;
use crate::cases::Case;
use crate::cases::model::{Attendee, Percent};
use crate::config::Config;
use crate::documents::{Kind, TimeOfDay};
use crate::register::Register;
use crate::upn::PupilId;
use chrono::NaiveDate;
use serde_json::Value;

/// Where a document's facts come from.
pub struct Sources<'a> {
    pub config: &'a Config,
    /// The pupil the document is about.
    pub id: &'a PupilId,
    /// The pupil's case (every document but the certificate needs one).
    pub case: Option<&'a Case>,
    /// The register, loaded over the years the document's figures need.
    pub register: Option<&'a Register>,
    /// The date of the document.
    pub as_of: NaiveDate,
}

/// The meeting an invitation is for.
#[derive(Debug, Clone)]
pub struct MeetingDetails {
    pub date: NaiveDate,
    pub time: TimeOfDay,
    pub place: String,
    /// How long it is expected to last, when the school says.
    pub minutes: Option<u32>,
    /// Who will be there from the school and other services.
    pub attendees: Vec<Attendee>,
}

/// The review meeting a covering letter mentions (its date is the plan's review date).
#[derive(Debug, Clone, Default)]
pub struct ReviewMeeting {
    pub time: Option<TimeOfDay>,
    pub place: String,
}

/// Which meeting a letter confirming a rearranged meeting is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingOf {
    /// An attendance meeting (the one an invitation was sent for).
    Attendance,
    /// The review of the open plan.
    Review,
}

/// What a Notice to Improve sets.
#[derive(Debug, Clone)]
pub struct NoticeDetails {
    /// The improvement period, in weeks: 3 to 6.
    pub weeks: u32,
    /// Its first day (default: the Monday after the notice).
    pub start: Option<NaiveDate>,
    /// Attendance to reach during the period, besides no unauthorised absence.
    pub target: Option<Percent>,
    /// The further support offered (default: the open plan's actions for the school and agencies).
    pub support: Vec<String>,
}

/// Which document, with what only the officer can say.
#[derive(Debug, Clone)]
pub enum Request {
    ConcernLetter,
    Invitation(MeetingDetails),
    /// The record of plan N (default: the latest plan).
    Plan {
        plan: Option<u32>,
    },
    PlanLetter {
        plan: Option<u32>,
        review: ReviewMeeting,
    },
    /// The record of plan N's review (default: the latest reviewed plan).
    Review {
        plan: Option<u32>,
    },
    Certificate {
        period: PeriodSpec,
    },
    /// The certificate for a magistrates' court (s.566 Education Act 1996).
    CourtCertificate {
        period: PeriodSpec,
        /// The import the register's marks were last taken from the MIS by (`imports.csv`).
        import: Option<crate::register::store::ImportRecord>,
        /// Certify even though marks in the period are still N (reason not yet established).
        allow_unresolved: bool,
    },
    NoticeToImprove(NoticeDetails),
    Referral,
    /// Invitation to the review of the open plan.
    ReviewInvitation(MeetingDetails),
    /// A meeting moved to a new date or time: which one (default: the review of the open plan
    /// if there is one, else an attendance meeting).
    Rearranged {
        meeting: MeetingDetails,
        of: Option<MeetingOf>,
    },
    /// Plan N (default: the latest reviewed plan) was closed with its target met.
    TargetMet {
        plan: Option<u32>,
    },
}

impl Request {
    pub fn kind(&self) -> Kind {
        match self {
            Request::ConcernLetter => Kind::ConcernLetter,
            Request::Invitation(_) => Kind::Invitation,
            Request::Plan { .. } => Kind::Plan,
            Request::PlanLetter { .. } => Kind::PlanLetter,
            Request::Review { .. } => Kind::Review,
            Request::Certificate { .. } => Kind::Certificate,
            Request::CourtCertificate { .. } => Kind::CourtCertificate,
            Request::NoticeToImprove(_) => Kind::NoticeToImprove,
            Request::Referral => Kind::Referral,
            Request::ReviewInvitation(_) => Kind::ReviewInvitation,
            Request::Rearranged { .. } => Kind::Rearranged,
            Request::TargetMet { .. } => Kind::TargetMet,
        }
    }
}

/// A document ready to render: its context, and what to record when it is issued.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: Kind,
    pub context: Value,
    /// The file name without the date and extension: `invitation`, `plan-2`.
    pub stem: String,
    /// The timeline entry's text.
    pub event_text: String,
    /// Who the document is to (the timeline entry's `with`).
    pub with: String,
    /// The plan it is about.
    pub plan: Option<u32>,
    /// A Notice to Improve to keep in the case when the document is filed.
    pub notice: Option<crate::cases::model::NoticeToImprove>,
    /// Things the officer should check (printed, never in the document).
    pub warnings: Vec<String>,
}

/// The register's figures are this many days behind the document's date before attend warns.
pub(super) const STALE_DAYS: i64 = 7;
