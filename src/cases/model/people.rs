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
///
/// The name is given in parts (`title`, `forename`, `surname`: what the MIS gives, and what
/// letters need to say "Dear Mrs Lee"), or as one `name` (a person written in by hand), or both
/// (then `name` is how they are written in full).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name as one text ("Jane Smith"), when it is not given in parts.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Mr, Mrs, Ms, Miss, Dr, Mx...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub forename: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub surname: String,
    /// To the pupil: mother, father, step-father, grandmother, foster carer...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub relationship: String,
    /// Holds parental responsibility. Everyone who does is invited to attendance meetings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parental_responsibility: Option<bool>,
    /// The pupil normally lives with this person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lives_with_pupil: Option<bool>,
    /// No contact: a court order, or the school must not send this person correspondence. They
    /// stay on record (with a warning) and are never addressed by any document.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_contact: bool,
    /// Postal address, one line per item, postcode last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<String>,
    /// The main (home) telephone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mobile: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub work_phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_contact: Option<ContactMethod>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The contact in the register (`register/contacts.csv`) this person was filled from: how
    /// `attend case sync` knows which MIS contact they are. Empty for people written in by hand.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact_id: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Person {
    /// "Jane Smith": `name`, else forename and surname.
    pub fn full_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_string();
        }
        format!("{} {}", self.forename.trim(), self.surname.trim())
            .trim()
            .to_string()
    }

    /// As on an envelope: "Mrs Jane Smith" (the title, when known, before the full name).
    pub fn addressed_name(&self) -> String {
        let full = self.full_name();
        if self.title.trim().is_empty() || starts_with_word(&full, self.title.trim()) {
            full
        } else {
            format!("{} {full}", self.title.trim())
        }
    }

    /// As after "Dear": "Mrs Smith" with a title and a surname, else the name as on the envelope.
    pub fn salutation_name(&self) -> String {
        match (self.title.trim(), self.surname.trim()) {
            ("", _) | (_, "") => self.addressed_name(),
            (t, s) => format!("{t} {s}"),
        }
    }

    /// Invited to meetings and written to: holds parental responsibility and is not marked no contact.
    pub fn is_addressed(&self) -> bool {
        self.parental_responsibility == Some(true) && !self.no_contact
    }

    /// "Jane Smith (mother)".
    pub fn described(&self) -> String {
        if self.relationship.trim().is_empty() {
            self.full_name()
        } else {
            format!("{} ({})", self.full_name(), self.relationship.trim())
        }
    }
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.split_whitespace().next().is_some_and(|w| {
        w.trim_end_matches('.')
            .eq_ignore_ascii_case(word.trim_end_matches('.'))
    })
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 5] = [
        ContactMethod::Phone,
        ContactMethod::Text,
        ContactMethod::Email,
        ContactMethod::Letter,
        ContactMethod::InPerson,
    ];

    /// The name in the case file: `phone`, `in_person`...
    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Phone => "phone",
            ContactMethod::Text => "text",
            ContactMethod::Email => "email",
            ContactMethod::Letter => "letter",
            ContactMethod::InPerson => "in_person",
        }
    }

    /// For people: "text message", "in person".
    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Phone => "phone",
            ContactMethod::Text => "text message",
            ContactMethod::Email => "email",
            ContactMethod::Letter => "letter",
            ContactMethod::InPerson => "in person",
        }
    }

    /// As people and MIS exports write it: "Phone", "Telephone", "SMS", "E-mail", "Post"...
    pub fn parse(text: &str) -> Option<ContactMethod> {
        let word = crate::register::contacts::fields::contact_method_word(text)?;
        ContactMethod::ALL.into_iter().find(|m| m.as_str() == word)
    }
}

/// Another professional involved with the pupil or family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
