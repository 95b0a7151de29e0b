//! Parents and carers from the MIS: pupils' contacts, read from contacts exports and kept in the
//! register beside the pupils.
//!
//! * [`read`] reads a contacts export in either shape MIS produce: one row per contact (the
//!   pupil's UPN or admission number, then the contact), or one row per pupil with numbered
//!   groups (`Contact 1 Forename`, `Guardian 2 Surname`, `Priority 1 ...`).
//! * [`merge`] matches the export's people with the contacts already held (the same person
//!   across pupils is one contact: that is how siblings are found) and logs every change.
//! * [`store`] is the on-disk form: `register/contacts.csv` (one row per person) and
//!   `register/pupil-contacts.csv` (one row per person and pupil), sorted, and
//!   `register/contact-changes.csv`, the log of changes between imports.
//!
//! A person is the same person when the export's contact id says so; else when their name and
//! address are the same; else when their name and a phone number are the same; and, against the
//! contacts already held, when their name is the same and they are a contact of the same pupil
//! (a parent who moved house).

pub mod fields;
pub mod merge;
pub mod read;
pub mod store;

pub use fields::{LINK_FIELDS, PERSON_FIELDS};
pub use merge::{ContactsSummary, merge_contacts};
pub use read::{ContactsExport, looks_like_contacts, read_contacts};
pub use store::Contacts;

use crate::text::fold;
use crate::upn::PupilId;

/// A person in the register's contacts: one row of `contacts.csv`, however many pupils they are
/// a contact of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// attend's key for the person ("karen-lee"), kept from import to import.
    pub id: String,
    /// The MIS's own id for the person, when the export gives one.
    pub mis_id: String,
    pub title: String,
    pub forename: String,
    pub surname: String,
    /// The name as one text, when the export gives it so and it cannot be split.
    pub name: String,
    pub address: [String; 4],
    pub town: String,
    pub county: String,
    pub postcode: String,
    pub home_phone: String,
    pub work_phone: String,
    pub mobile_phone: String,
    pub email: String,
    /// `phone`, `text`, `email`, `letter` or `in_person` (the case file's words), or empty.
    pub preferred_contact: String,
}

impl Contact {
    /// The value of a person field by its name in [`PERSON_FIELDS`].
    pub fn field(&self, name: &str) -> &str {
        match name {
            "mis_id" => &self.mis_id,
            "title" => &self.title,
            "forename" => &self.forename,
            "surname" => &self.surname,
            "name" => &self.name,
            "address_1" => &self.address[0],
            "address_2" => &self.address[1],
            "address_3" => &self.address[2],
            "address_4" => &self.address[3],
            "town" => &self.town,
            "county" => &self.county,
            "postcode" => &self.postcode,
            "home_phone" => &self.home_phone,
            "work_phone" => &self.work_phone,
            "mobile_phone" => &self.mobile_phone,
            "email" => &self.email,
            "preferred_contact" => &self.preferred_contact,
            other => unreachable!("not a contact field: {other}"),
        }
    }

    /// Set a person field by its name in [`PERSON_FIELDS`].
    pub fn set(&mut self, name: &str, value: String) {
        let slot = match name {
            "mis_id" => &mut self.mis_id,
            "title" => &mut self.title,
            "forename" => &mut self.forename,
            "surname" => &mut self.surname,
            "name" => &mut self.name,
            "address_1" => &mut self.address[0],
            "address_2" => &mut self.address[1],
            "address_3" => &mut self.address[2],
            "address_4" => &mut self.address[3],
            "town" => &mut self.town,
            "county" => &mut self.county,
            "postcode" => &mut self.postcode,
            "home_phone" => &mut self.home_phone,
            "work_phone" => &mut self.work_phone,
            "mobile_phone" => &mut self.mobile_phone,
            "email" => &mut self.email,
            "preferred_contact" => &mut self.preferred_contact,
            other => unreachable!("not a contact field: {other}"),
        };
        *slot = value;
    }

    /// "Karen Lee": the name as one text, else forename and surname.
    pub fn full_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_string();
        }
        format!("{} {}", self.forename.trim(), self.surname.trim())
            .trim()
            .to_string()
    }

    /// "Mrs Karen Lee".
    pub fn addressed_name(&self) -> String {
        format!("{} {}", self.title.trim(), self.full_name())
            .trim()
            .to_string()
    }

    /// The postal address, one line each, postcode last.
    pub fn address_lines(&self) -> Vec<String> {
        self.address
            .iter()
            .chain([&self.town, &self.county, &self.postcode])
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The name as compared: folded, without the title.
    pub fn name_key(&self) -> String {
        fold(&self.full_name())
    }

    /// The address as compared: the first line and the postcode, or every line without one.
    pub fn address_key(&self) -> Option<String> {
        let pc: String = self
            .postcode
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        let first = fold(&self.address[0]);
        if !pc.is_empty() {
            return Some(format!("{first}|{pc}"));
        }
        let all = fold(&self.address_lines().join(" "));
        (!all.is_empty()).then_some(all)
    }

    /// Phone numbers as compared: digits only, +44 as 0, at least 7 digits.
    pub fn phone_keys(&self) -> Vec<String> {
        [&self.home_phone, &self.work_phone, &self.mobile_phone]
            .into_iter()
            .filter_map(|p| phone_key(p))
            .collect()
    }

    /// Is this the same person as `other` by the export's rules: the same MIS id (when both
    /// have one), else the same name with the same address or a phone number in common?
    pub fn same_person(&self, other: &Contact) -> bool {
        if !self.mis_id.is_empty() && !other.mis_id.is_empty() {
            return self.mis_id == other.mis_id;
        }
        let name = self.name_key();
        if name.is_empty() || name != other.name_key() {
            return false;
        }
        if let (Some(a), Some(b)) = (self.address_key(), other.address_key())
            && a == b
        {
            return true;
        }
        let theirs = other.phone_keys();
        self.phone_keys().iter().any(|p| theirs.contains(p))
    }
}

fn phone_key(p: &str) -> Option<String> {
    let mut d: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
    if p.trim_start().starts_with('+')
        && let Some(rest) = d.strip_prefix("44")
    {
        d = format!("0{rest}");
    }
    (d.len() >= 7).then_some(d)
}

/// A person's link to one pupil: one row of `pupil-contacts.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub pupil: PupilId,
    /// The [`Contact::id`].
    pub contact: String,
    /// The MIS's contact order for the pupil (1 first).
    pub priority: Option<u32>,
    /// To the pupil: mother, father, step-father, grandmother, carer, social worker...
    pub relationship: String,
    pub parental_responsibility: Option<bool>,
    pub lives_with_pupil: Option<bool>,
    /// A court order, or no correspondence: never addressed by any document.
    pub no_contact: bool,
}

impl Link {
    /// The value of a link field by its name in [`LINK_FIELDS`], as the file writes it.
    pub fn field(&self, name: &str) -> String {
        let yn = |b: Option<bool>| match b {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        match name {
            "priority" => self.priority.map(|p| p.to_string()).unwrap_or_default(),
            "relationship" => self.relationship.clone(),
            "parental_responsibility" => yn(self.parental_responsibility).into(),
            "lives_with_pupil" => yn(self.lives_with_pupil).into(),
            "no_contact" => if self.no_contact { "yes" } else { "" }.into(),
            other => unreachable!("not a link field: {other}"),
        }
    }

    /// Does this link make the pupils who share the person siblings? A family member (parent,
    /// step-parent, grandparent, carer...) or anyone with parental responsibility does; a social
    /// worker, childminder or "other" contact, who may be a contact of unrelated pupils, does not.
    pub fn is_family(&self) -> bool {
        if self.parental_responsibility == Some(true) {
            return true;
        }
        is_family_relationship(&self.relationship)
    }

    /// The sort key within a pupil: priority first (unnumbered last), then the contact.
    fn order(&self) -> (u32, &str) {
        (self.priority.unwrap_or(u32::MAX), self.contact.as_str())
    }
}

/// Mother, father, step-father, grandmother, aunt, foster carer, guardian...: the relationships
/// that make a family.
pub fn is_family_relationship(relationship: &str) -> bool {
    let r = fold(relationship);
    if r.is_empty() {
        return false;
    }
    let not_family = [
        "social worker",
        "childminder",
        "child minder",
        "doctor",
        "gp",
        "friend",
        "neighbour",
        "other",
        "agency",
        "teacher",
        "key worker",
        "keyworker",
    ];
    let padded = format!(" {r} ");
    if not_family
        .iter()
        .any(|w| padded.contains(&format!(" {w} ")))
    {
        return false;
    }
    [
        "mother", "father", "mum", "dad", "parent", "step", "grand", "aunt", "uncle", "carer",
        "guardian", "brother", "sister", "sibling", "family",
    ]
    .iter()
    .any(|w| r.contains(w))
}

/// The key attend gives a new person: their name in lower case, hyphenated ("karen-lee"), with
/// a number after it when another person already has it ("john-smith-2").
pub fn new_key(c: &Contact, taken: &dyn Fn(&str) -> bool) -> String {
    let base = fold(&c.full_name()).replace(' ', "-");
    let base = if base.is_empty() {
        "contact".to_string()
    } else {
        base
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|k| !taken(k))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(forename: &str, surname: &str, line1: &str, postcode: &str, phone: &str) -> Contact {
        Contact {
            forename: forename.into(),
            surname: surname.into(),
            address: [line1.into(), String::new(), String::new(), String::new()],
            postcode: postcode.into(),
            mobile_phone: phone.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_same_person_is_found_by_name_and_address_or_phone() {
        let a = c("Karen", "Lee", "14 Example Road", "TW1 4AB", "");
        assert!(a.same_person(&c("KAREN", "LEE", "14 example road", "tw14ab", "")));
        assert!(!a.same_person(&c("Karen", "Lee", "3 Other St", "TW1 4AB", "")));
        assert!(!a.same_person(&c("David", "Lee", "14 Example Road", "TW1 4AB", "")));
        let p = c("Karen", "Lee", "", "", "+44 7700 900123");
        assert!(p.same_person(&c("Karen", "Lee", "9 Far Away", "OT2 9ZZ", "07700900123")));
        // a contact id decides when both have one
        let mut x = a.clone();
        x.mis_id = "1".into();
        let mut y = a.clone();
        y.mis_id = "2".into();
        assert!(!x.same_person(&y));
        y.forename = "Karen Ann".into();
        y.mis_id = "1".into();
        assert!(x.same_person(&y));
    }

    #[test]
    fn only_family_links_make_siblings() {
        let link = |rel: &str, pr: Option<bool>| Link {
            pupil: PupilId::parse("B801200005001").unwrap(),
            contact: "x".into(),
            priority: None,
            relationship: rel.into(),
            parental_responsibility: pr,
            lives_with_pupil: None,
            no_contact: false,
        };
        for rel in [
            "Mother",
            "step-father",
            "Grandmother",
            "Foster Carer",
            "Aunt",
        ] {
            assert!(link(rel, None).is_family(), "{rel}");
        }
        for rel in ["Social Worker", "Childminder", "Other", ""] {
            assert!(!link(rel, None).is_family(), "{rel}");
        }
        assert!(link("Other", Some(true)).is_family());
    }

    #[test]
    fn keys_are_names_made_unique() {
        let k = c("Zoë", "O'Brien", "", "", "");
        assert_eq!(new_key(&k, &|_| false), "zoe-o-brien");
        assert_eq!(new_key(&k, &|t| t == "zoe-o-brien"), "zoe-o-brien-2");
    }
}
