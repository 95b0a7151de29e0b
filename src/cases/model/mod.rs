//! The case file's types: what `cases/<ID>/case.yaml` holds, field by field.
//!
//! The serde derive order of each struct is the key order of the file. Empty text and lists are
//! left out when saving (no noise), lists only ever grow at their end, dates are `YYYY-MM-DD`, and
//! unknown fields are errors: a misspelt field must never silently lose what an officer wrote.

mod penalty;
mod people;
mod plan;
mod seal;
mod timeline;

pub use penalty::*;
pub use people::*;
pub use plan::*;
pub use seal::*;
pub use timeline::*;

use super::Stage;
use crate::attendance::Snapshot;
use crate::upn::PupilId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The format version written in every case file.
pub const FORMAT: u32 = 1;

/// One pupil's case: the officer's whole record.
///
/// Key order matters for merging: the sections people edit by hand (people ... strengths) sit
/// between `opened` and the frozen opening figures, away from where plans and timeline entries
/// are added, so a hand edit on one git branch and a recorded plan on another merge cleanly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The version of the case file format (1).
    pub format: u32,
    /// Who the case is about, as the register gave it when the case was opened.
    pub pupil: PupilDetails,
    /// Where the case sits on the graduated response.
    pub stage: Stage,
    /// The date the case was opened.
    pub opened: NaiveDate,
    /// Parents and carers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Person>,
    /// Other professionals involved (social worker, early help worker, SEND officer...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub professionals: Vec<Professional>,
    /// Brothers and sisters, here or at other schools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub siblings: Vec<Sibling>,
    /// Services already involved with the family (early help and others).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Whether the family consents to a referral (for example to early help); absent: not asked yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_to_referral: Option<bool>,
    /// The child's own view, in their words where possible.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub child_view: String,
    /// Barriers to attendance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub barriers: Vec<Barrier>,
    /// Strengths to build on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strengths: Vec<String>,
    /// The attendance figures on the day the case was opened (frozen evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_attendance: Option<Snapshot>,
    /// The seal of the opening figures: when they were sealed, and their hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_attendance_seal: Option<Seal>,
    /// Attendance meetings and their action plans, each with its review once held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<Plan>,
    /// Notices to Improve given to the parents, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices_to_improve: Vec<NoticeToImprove>,
    /// Penalty notices issued to the parents for this child: the ledger, in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalty_notices: Vec<PenaltyNotice>,
    /// Corrections of sealed parts, in the order recorded (the parts themselves never change).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// Everything done, in the order it was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<Event>,
}

impl Case {
    /// A new case about `pupil`, opened on `opened` at the first stage, with nothing recorded yet.
    pub fn new(pupil: PupilDetails, opened: NaiveDate) -> Case {
        Case {
            format: FORMAT,
            pupil,
            stage: Stage::Monitor,
            opened,
            people: vec![],
            professionals: vec![],
            siblings: vec![],
            services: vec![],
            consent_to_referral: None,
            child_view: String::new(),
            barriers: vec![],
            strengths: vec![],
            opening_attendance: None,
            opening_attendance_seal: None,
            plans: vec![],
            notices_to_improve: vec![],
            penalty_notices: vec![],
            amendments: vec![],
            timeline: vec![],
        }
    }

    /// The parents and carers with parental responsibility who are not marked no contact:
    /// everyone who is invited to meetings and sent letters.
    pub fn addressed_people(&self) -> impl Iterator<Item = &Person> {
        self.people.iter().filter(|p| p.is_addressed())
    }

    /// The plan with this number (plans are numbered from 1).
    pub fn plan(&self, number: u32) -> Option<&Plan> {
        self.plans.get((number as usize).checked_sub(1)?)
    }
}

/// A case with nothing in it but a pupil, for unit tests.
#[cfg(test)]
pub mod tests_support {
    use super::*;

    pub fn empty_case() -> Case {
        Case::new(
            PupilDetails {
                id: PupilId::parse("B801200005001").unwrap(),
                surname: "Smith".into(),
                forename: "Jo".into(),
                preferred_surname: String::new(),
                preferred_forename: String::new(),
                dob: None,
                gender: String::new(),
                year: String::new(),
                reg_group: String::new(),
                fsm: String::new(),
                sen: String::new(),
                eal: String::new(),
            },
            NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
        )
    }
}

/// The pupil's details, copied from the register when the case was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PupilDetails {
    /// The UPN (or `ADNO-<admission number>`); the case folder has the same name.
    pub id: PupilId,
    pub surname: String,
    pub forename: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub preferred_surname: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub preferred_forename: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gender: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub year: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reg_group: String,
    /// Free school meals, as the register records it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fsm: String,
    /// Special educational needs, as the register records it (census: N, K SEN support, E EHC plan).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sen: String,
    /// English as an additional language / first language, as the register records it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub eal: String,
}

impl PupilDetails {
    /// "Surname, Forename" (legal names).
    pub fn display_name(&self) -> String {
        match (self.surname.is_empty(), self.forename.is_empty()) {
            (false, false) => format!("{}, {}", self.surname, self.forename),
            (false, true) => self.surname.clone(),
            _ => self.forename.clone(),
        }
    }

    /// "Forename Surname", preferring the preferred names, for letters.
    pub fn full_name(&self) -> String {
        let f = if self.preferred_forename.is_empty() {
            &self.forename
        } else {
            &self.preferred_forename
        };
        let s = if self.preferred_surname.is_empty() {
            &self.surname
        } else {
            &self.preferred_surname
        };
        format!("{f} {s}").trim().to_string()
    }
}
