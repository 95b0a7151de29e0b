//! The family and the people around the pupil: parents and carers, professionals, siblings,
//! services, barriers and strengths.

use crate::upn::PupilId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a parent or carer prefers to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Phone,
    Text,
    Email,
    Letter,
    InPerson,
}

/// A parent or carer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name, as used on letters ("Mrs Jane Smith").
    pub name: String,
    /// To the pupil: mother, father, step-father, grandmother, foster carer...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub relationship: String,
    /// Holds parental responsibility. Everyone who does is invited to attendance meetings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parental_responsibility: Option<bool>,
    /// The pupil normally lives with this person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lives_with_pupil: Option<bool>,
    /// Postal address, one line per item, postcode last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_contact: Option<ContactMethod>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// Another professional involved with the pupil or family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Professional {
    pub name: String,
    /// Social worker, early help worker, SEND officer, school nurse...
    pub role: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organisation: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// A brother or sister.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sibling {
    pub name: String,
    /// The sibling's UPN when they are a pupil of this school: links the two cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PupilId>,
    /// The school they attend, when it is another school.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub school: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub year: String,
    /// Whether their attendance is also a concern (absent: not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance_concern: Option<bool>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// A service already involved with the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Early Help, CAMHS, Young Carers, Family Action...
    pub name: String,
    /// Who to contact there.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// The kinds of barrier to attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BarrierKind {
    Medical,
    MentalHealth,
    Bullying,
    Home,
    Transport,
    Sen,
    Relationships,
    Community,
    Other,
}

impl BarrierKind {
    pub const ALL: [BarrierKind; 9] = [
        BarrierKind::Medical,
        BarrierKind::MentalHealth,
        BarrierKind::Bullying,
        BarrierKind::Home,
        BarrierKind::Transport,
        BarrierKind::Sen,
        BarrierKind::Relationships,
        BarrierKind::Community,
        BarrierKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BarrierKind::Medical => "medical",
            BarrierKind::MentalHealth => "mental_health",
            BarrierKind::Bullying => "bullying",
            BarrierKind::Home => "home",
            BarrierKind::Transport => "transport",
            BarrierKind::Sen => "sen",
            BarrierKind::Relationships => "relationships",
            BarrierKind::Community => "community",
            BarrierKind::Other => "other",
        }
    }

    /// For people and documents.
    pub fn label(self) -> &'static str {
        match self {
            BarrierKind::Medical => "medical",
            BarrierKind::MentalHealth => "anxiety or mental health",
            BarrierKind::Bullying => "bullying",
            BarrierKind::Home => "home circumstances",
            BarrierKind::Transport => "transport",
            BarrierKind::Sen => "special educational needs",
            BarrierKind::Relationships => "peer or staff relationships",
            BarrierKind::Community => "community",
            BarrierKind::Other => "other",
        }
    }
}

/// A barrier to attendance: its kind, and what it is in this family's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Barrier {
    pub kind: BarrierKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}
