//! Addressing letters: who a letter goes to, at which address, and how it begins.
//!
//! A letter goes to each person in the case with parental responsibility who is not marked no
//! contact, at the postal address the case holds for them: one copy per address ("Dear Mr and Mrs
//! Khan" for two at one address), or one per person for a Notice to Improve (each parent is
//! given their own). Someone without an address gets no copy; a letter nobody can be sent is not
//! written, and [`NobodyToWrite`] says who lacks what and how to add it.

use crate::cases::Case;
use crate::cases::model::Person;
use crate::text::join_and;
use serde::Serialize;
use std::fmt;

/// One copy of a letter: who it is to, at which address, and how it begins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Addressee {
    /// The positions (from 0) in the case's `people` of the people this copy is to.
    pub people: Vec<usize>,
    /// As on the envelope: "Mrs Siobhan O'Brien".
    pub names: Vec<String>,
    /// The postal address, one line each, postcode last.
    pub address: Vec<String>,
    /// "Dear Mrs O'Brien", "Dear Mr and Mrs Khan".
    pub salutation: String,
}

/// Why someone in the case is not written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotWritten {
    /// Parental responsibility not recorded (`None`) or recorded as not held.
    NoParentalResponsibility,
    /// Marked no contact (a court order, or no correspondence).
    NoContact,
    /// Holds parental responsibility, but the case has no postal address for them.
    NoAddress,
}

/// Someone in the case a letter does not go to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// Position (from 0) in the case's `people`.
    pub person: usize,
    /// "Karen Lee (mother)".
    pub who: String,
    pub why: NotWritten,
}

impl LeftOut {
    /// What is missing and how to add it, for the case of `id`.
    pub fn advice(&self, id: &str) -> String {
        let n = self.person + 1;
        match self.why {
            NotWritten::NoParentalResponsibility => format!(
                "{}: parental responsibility is not recorded as held (if it is: attend case person edit {id} {n} --pr yes)",
                self.who
            ),
            NotWritten::NoContact => format!(
                "{}: marked no contact, so never written to (if that has changed: attend case person edit {id} {n} --no-contact no)",
                self.who
            ),
            NotWritten::NoAddress => format!(
                "{}: no postal address (add it: attend case person edit {id} {n} --address \"LINE, LINE, POSTCODE\")",
                self.who
            ),
        }
    }
}

/// A letter would go to nobody, or to nobody with an address: it is not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NobodyToWrite {
    /// The pupil's id (for the commands that put it right).
    pub id: String,
    /// Everyone in the case and why they are not written to (empty: the case has no people).
    pub people: Vec<LeftOut>,
}

impl NobodyToWrite {
    /// Why, in a line (for a mail-out's table).
    pub fn summary(&self) -> String {
        if self.people.is_empty() {
            "nobody to write to: the case has no parents or carers".into()
        } else {
            "nobody to write to: no one with parental responsibility and an address".into()
        }
    }

    /// What to do, a line for each thing missing.
    pub fn advice_lines(&self) -> Vec<String> {
        let id = &self.id;
        if self.people.is_empty() {
            return vec![format!(
                "attend case sync {id} (once the MIS's contacts are imported), or attend case person add {id} --title T --forename F --surname S --pr yes --address \"LINE, LINE, POSTCODE\""
            )];
        }
        let mut out: Vec<String> = self.people.iter().map(|p| p.advice(id)).collect();
        if self
            .people
            .iter()
            .any(|p| p.why == NotWritten::NoParentalResponsibility)
        {
            out.push(format!(
                "or add someone who holds it: attend case person add {id} --forename NAME --surname NAME --relationship RELATIONSHIP --pr yes --address \"LINE, LINE, POSTCODE\""
            ));
        }
        out
    }
}

impl fmt::Display for NobodyToWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = &self.id;
        if self.people.is_empty() {
            return write!(
                f,
                "the case of {id} has no parents or carers.\n  Bring them in from the MIS (attend import contacts.csv, then attend case sync {id}), or add them: attend case person add {id} --title Mrs --forename NAME --surname NAME --relationship mother --pr yes --address \"LINE, LINE, POSTCODE\""
            );
        }
        write!(
            f,
            "nobody in the case of {id} can be sent it: it goes to each person with parental responsibility who is not marked no contact, at their postal address."
        )?;
        for p in &self.people {
            write!(f, "\n  {}", p.advice(id))?;
        }
        if self
            .people
            .iter()
            .all(|p| p.why != NotWritten::NoParentalResponsibility)
        {
            return Ok(());
        }
        write!(
            f,
            "\n  Or add someone who holds it: attend case person add {id} --forename NAME --surname NAME --relationship RELATIONSHIP --pr yes --address \"LINE, LINE, POSTCODE\""
        )
    }
}

impl std::error::Error for NobodyToWrite {}

fn has_address(p: &Person) -> bool {
    p.address.iter().any(|l| !l.trim().is_empty())
}

/// Everyone in the case a letter does not go to, and why, in the case's order.
pub fn not_addressed(case: &Case) -> Vec<LeftOut> {
    case.people
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let why = if p.no_contact {
                NotWritten::NoContact
            } else if p.parental_responsibility != Some(true) {
                NotWritten::NoParentalResponsibility
            } else if !has_address(p) {
                NotWritten::NoAddress
            } else {
                return None;
            };
            Some(LeftOut {
                person: i,
                who: p.described(),
                why,
            })
        })
        .collect()
}

/// One copy per postal address, to everyone written to who lives there.
pub fn addressees(case: &Case) -> Result<Vec<Addressee>, NobodyToWrite> {
    copies(case, true)
}

/// One copy per person written to (a Notice to Improve is given to each parent).
pub fn addressees_each(case: &Case) -> Result<Vec<Addressee>, NobodyToWrite> {
    copies(case, false)
}

/// An address as a key: lines in lower case, spaces and punctuation made alike.
fn address_key(p: &Person) -> Vec<String> {
    p.address
        .iter()
        .map(|l| {
            l.chars()
                .filter(|c| !matches!(c, ',' | '.'))
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn copies(case: &Case, per_address: bool) -> Result<Vec<Addressee>, NobodyToWrite> {
    let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for (i, p) in case.people.iter().enumerate() {
        if !p.is_addressed() || !has_address(p) {
            continue;
        }
        let k = address_key(p);
        match groups.iter_mut().find(|(gk, _)| per_address && *gk == k) {
            Some((_, g)) => g.push(i),
            None => groups.push((k, vec![i])),
        }
    }
    if groups.is_empty() {
        return Err(NobodyToWrite {
            id: case.pupil.id.to_string(),
            people: not_addressed(case),
        });
    }
    Ok(groups
        .into_iter()
        .map(|(_, g)| {
            let people: Vec<&Person> = g.iter().map(|&i| &case.people[i]).collect();
            Addressee {
                names: people.iter().map(|p| p.addressed_name()).collect(),
                address: people[0]
                    .address
                    .iter()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
                salutation: format!("Dear {}", salutation(&people)),
                people: g,
            }
        })
        .collect())
}

/// "Mrs O'Brien"; "Mr and Mrs Khan" (titles and one surname shared, Mr first); else each person's
/// salutation joined: "Mr Russell and Ms Yilmaz", "Mark Mitchell and Joanne Mitchell".
pub fn salutation(people: &[&Person]) -> String {
    let surname = people.first().map(|p| p.surname.trim()).unwrap_or("");
    let shared = people.len() > 1
        && !surname.is_empty()
        && people
            .iter()
            .all(|p| !p.title.trim().is_empty() && p.surname.trim() == surname);
    if shared {
        let mut titles: Vec<&str> = people.iter().map(|p| p.title.trim()).collect();
        // "Mr and Mrs Khan", as a school writes it, whoever the MIS lists first
        if let Some(i) = titles.iter().position(|t| t.eq_ignore_ascii_case("mr")) {
            let mr = titles.remove(i);
            titles.insert(0, mr);
        }
        return format!("{} {surname}", join_and(&titles));
    }
    join_and(
        &people
            .iter()
            .map(|p| p.salutation_name())
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(title: &str, forename: &str, surname: &str, address: &[&str]) -> Person {
        Person {
            title: title.into(),
            forename: forename.into(),
            surname: surname.into(),
            relationship: "parent".into(),
            parental_responsibility: Some(true),
            address: address.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn salutations_read_as_a_school_writes_them() {
        let a = person("Mrs", "Siobhan", "O'Brien", &[]);
        assert_eq!(salutation(&[&a]), "Mrs O'Brien");
        let b = person("Mr", "Imran", "Khan", &[]);
        let c = person("Mrs", "Sadia", "Khan", &[]);
        assert_eq!(salutation(&[&b, &c]), "Mr and Mrs Khan");
        assert_eq!(salutation(&[&c, &b]), "Mr and Mrs Khan");
        let d = person("Ms", "Elif", "Yilmaz", &[]);
        assert_eq!(salutation(&[&b, &d]), "Mr Khan and Ms Yilmaz");
        let untitled = Person {
            name: "Karen Lee".into(),
            parental_responsibility: Some(true),
            ..Default::default()
        };
        assert_eq!(salutation(&[&untitled]), "Karen Lee");
        let titled_name = Person {
            name: "Karen Lee".into(),
            title: "Ms".into(),
            ..Default::default()
        };
        assert_eq!(titled_name.addressed_name(), "Ms Karen Lee");
        assert_eq!(salutation(&[&titled_name]), "Ms Karen Lee");
        let written_in_full = Person {
            name: "Mrs Karen Lee".into(),
            title: "Mrs".into(),
            ..Default::default()
        };
        assert_eq!(written_in_full.addressed_name(), "Mrs Karen Lee");
    }

    #[test]
    fn a_letter_goes_once_to_each_address_and_never_to_someone_marked_no_contact() {
        let mut case = crate::cases::model::tests_support::empty_case();
        case.people = vec![
            person("Mrs", "Sadia", "Khan", &["1 High St", "Townley", "TW1 1AA"]),
            person(
                "Mr",
                "Imran",
                "Khan",
                &["1 High Street.", "townley", "TW1  1AA"],
            ),
            person("Mr", "Tariq", "Khan", &["9 Low Rd", "TW2 2BB"]),
            Person {
                no_contact: true,
                ..person("Mr", "Jon", "Doe", &["3 Side St", "TW3 3CC"])
            },
            Person {
                parental_responsibility: None,
                ..person("Mrs", "Ann", "Khan", &["1 High St", "Townley", "TW1 1AA"])
            },
        ];
        case.people[1].address = vec!["1 High St".into(), "Townley".into(), "TW1 1AA".into()];
        let a = addressees(&case).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].people, [0, 1]);
        assert_eq!(
            a[0].salutation, "Dear Mr and Mrs Khan",
            "as a school writes it"
        );
        assert_eq!(a[0].names, ["Mrs Sadia Khan", "Mr Imran Khan"]);
        assert_eq!(a[1].salutation, "Dear Mr Khan");
        assert_eq!(addressees_each(&case).unwrap().len(), 3);
        let left = not_addressed(&case);
        assert_eq!(
            left.iter().map(|l| (l.person, l.why)).collect::<Vec<_>>(),
            [
                (3, NotWritten::NoContact),
                (4, NotWritten::NoParentalResponsibility)
            ]
        );
        // nobody with an address: no letter, and the reason names who lacks what
        for p in &mut case.people {
            p.address.clear();
        }
        let err = addressees(&case).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Sadia Khan (parent): no postal address (add it: attend case person edit B801200005001 1 --address"), "{text}");
        assert!(
            text.contains("Jon Doe (parent): marked no contact"),
            "{text}"
        );
        case.people.clear();
        assert!(
            addressees(&case)
                .unwrap_err()
                .to_string()
                .contains("has no parents or carers")
        );
    }
}
