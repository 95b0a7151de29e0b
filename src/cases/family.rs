//! The family: parents and carers from the register's contacts (the MIS), and siblings linked
//! through them.
//!
//! * [`fill_from_register`]: a new case's people and siblings, from the contacts.
//! * [`differences`] and [`apply`]: where a case and the MIS now differ, and bringing the MIS's
//!   details in (`attend case sync`). A later import never changes a case by itself: what the
//!   officer wrote stays until they choose to take the MIS's details.
//! * [`Families`]: which pupils of the school are brothers and sisters, from the contacts the
//!   MIS gives (a family contact in common) and the siblings the cases record.

use super::model::{Case, ContactMethod, Person, Sibling};
use super::store;
use crate::register::contacts::{Contact, Contacts, Link};
use crate::register::{Pupil, Register};
use crate::text::fold;
use crate::upn::PupilId;
use crate::workspace::Workspace;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};

/// A case's person made from a contact of the register and their link to the pupil.
pub fn person_from(link: &Link, c: &Contact) -> Person {
    Person {
        name: c.name.trim().to_string(),
        title: c.title.trim().to_string(),
        forename: c.forename.trim().to_string(),
        surname: c.surname.trim().to_string(),
        relationship: link.relationship.trim().to_lowercase(),
        parental_responsibility: link.parental_responsibility,
        lives_with_pupil: link.lives_with_pupil,
        no_contact: link.no_contact,
        address: c.address_lines(),
        phone: c.home_phone.trim().to_string(),
        mobile: c.mobile_phone.trim().to_string(),
        work_phone: c.work_phone.trim().to_string(),
        email: c.email.trim().to_string(),
        preferred_contact: ContactMethod::parse(&c.preferred_contact),
        notes: String::new(),
        contact_id: c.id.clone(),
    }
}

/// The pupils of the register who share a family contact with `id` (see
/// [`Link::is_family`]), sorted.
pub fn register_siblings(contacts: &Contacts, id: &PupilId) -> Vec<PupilId> {
    let mine: BTreeSet<&str> = contacts
        .of_pupil(id)
        .filter(|(l, _)| l.is_family())
        .map(|(l, _)| l.contact.as_str())
        .collect();
    let mut out: Vec<PupilId> = contacts
        .links
        .iter()
        .filter(|l| &l.pupil != id && l.is_family() && mine.contains(l.contact.as_str()))
        .map(|l| l.pupil.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn sibling_from(p: &Pupil) -> Sibling {
    Sibling {
        name: p.full_name(),
        id: Some(p.id.clone()),
        year: p.year.trim().to_string(),
        ..Default::default()
    }
}

/// Fill a new case's people and siblings from the register's contacts. Returns whether anything
/// was filled.
pub fn fill_from_register(case: &mut Case, contacts: &Contacts, reg: &Register) -> bool {
    let id = case.pupil.id.clone();
    case.people = contacts
        .of_pupil(&id)
        .map(|(l, c)| person_from(l, c))
        .collect();
    case.siblings = register_siblings(contacts, &id)
        .iter()
        .filter_map(|s| reg.index_of(s).map(|i| sibling_from(&reg.pupils[i])))
        .collect();
    !case.people.is_empty() || !case.siblings.is_empty()
}

/// One way in which a case and the MIS now differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A person's detail: the case says one thing, the MIS another.
    Field {
        person: usize,
        field: &'static str,
        case: String,
        mis: String,
    },
    /// A contact in the MIS the case does not have.
    NewPerson(Box<Person>),
    /// A person written in by hand whose name matches a contact in the MIS: they are linked.
    Linked { person: usize, contact_id: String },
    /// A person filled from the MIS who is no longer one of the pupil's contacts there (left
    /// in the case: remove them with `attend case person remove` if they should go).
    Gone { person: usize },
    /// A brother or sister at the school the MIS links through a family contact.
    NewSibling(Sibling),
}

impl Difference {
    /// For people, in the case's words: "Karen Lee: address: 14 Example Road, ... -> 2 New St, ...".
    pub fn describe(&self, case: &Case) -> String {
        let who = |i: &usize| case.people[*i].described();
        match self {
            Difference::Field {
                person,
                field,
                case: was,
                mis,
            } => format!(
                "{}: {}: the case has {}, the MIS {}",
                who(person),
                field.replace('_', " "),
                if was.is_empty() {
                    "nothing".to_string()
                } else {
                    format!("{was:?}")
                },
                format_args!("{mis:?}")
            ),
            Difference::NewPerson(p) => format!(
                "{}: in the MIS, not in the case{}",
                p.described(),
                if p.no_contact { " (no contact)" } else { "" }
            ),
            Difference::Linked { person, .. } => format!(
                "{}: written in by hand; the MIS has a contact of the same name (sync links them)",
                who(person)
            ),
            Difference::Gone { person } => format!(
                "{}: no longer one of the pupil's contacts in the MIS (left in the case; remove with attend case person remove {} {})",
                who(person),
                case.pupil.id,
                person + 1
            ),
            Difference::NewSibling(s) => format!(
                "{}{}: a sibling at this school in the MIS, not in the case",
                s.name,
                s.id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
            ),
        }
    }
}

fn yn(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

/// The fields of a person the MIS gives, as text, in the order they are compared.
fn fields_of(p: &Person) -> [(&'static str, String); 14] {
    [
        ("title", p.title.trim().to_string()),
        ("forename", p.forename.trim().to_string()),
        ("surname", p.surname.trim().to_string()),
        ("name", p.name.trim().to_string()),
        ("relationship", p.relationship.trim().to_string()),
        ("parental_responsibility", yn(p.parental_responsibility)),
        ("lives_with_pupil", yn(p.lives_with_pupil)),
        (
            "no_contact",
            if p.no_contact {
                "yes".into()
            } else {
                String::new()
            },
        ),
        ("address", p.address.join(", ")),
        ("phone", p.phone.trim().to_string()),
        ("mobile", p.mobile.trim().to_string()),
        ("work_phone", p.work_phone.trim().to_string()),
        ("email", p.email.trim().to_string()),
        (
            "preferred_contact",
            p.preferred_contact
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
        ),
    ]
}

fn same_value(field: &str, a: &str, b: &str) -> bool {
    match field {
        "relationship" | "email" => a.eq_ignore_ascii_case(b),
        "address" => fold(a) == fold(b),
        "phone" | "mobile" | "work_phone" => {
            let d = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
            d(a) == d(b)
        }
        _ => a == b,
    }
}

/// Where the case and the MIS differ: details the MIS gives that the case does not have or has
/// otherwise (a blank in the MIS never counts: what the officer added stays), contacts and
/// siblings the case lacks, and people the MIS no longer has.
pub fn differences(case: &Case, contacts: &Contacts, reg: &Register) -> Vec<Difference> {
    let id = &case.pupil.id;
    let mut out = Vec::new();
    let theirs: Vec<Person> = contacts
        .of_pupil(id)
        .map(|(l, c)| person_from(l, c))
        .collect();
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    for (i, p) in case.people.iter().enumerate() {
        let found = if p.contact_id.is_empty() {
            let name = fold(&p.full_name());
            let k = (0..theirs.len()).find(|&k| {
                let t = &theirs[k];
                !matched.contains(&k)
                    && fold(&t.full_name()) == name
                    && !case.people.iter().any(|q| q.contact_id == t.contact_id)
            });
            if let Some(k) = k {
                out.push(Difference::Linked {
                    person: i,
                    contact_id: theirs[k].contact_id.clone(),
                });
            }
            k
        } else {
            let k = theirs.iter().position(|t| t.contact_id == p.contact_id);
            if k.is_none() {
                out.push(Difference::Gone { person: i });
            }
            k
        };
        let Some(k) = found else { continue };
        matched.insert(k);
        let mine = fields_of(p);
        for (field, mis) in fields_of(&theirs[k]) {
            let was = &mine
                .iter()
                .find(|(f, _)| *f == field)
                .expect("same fields")
                .1;
            if mis.is_empty() || same_value(field, was, &mis) {
                continue;
            }
            out.push(Difference::Field {
                person: i,
                field,
                case: was.clone(),
                mis,
            });
        }
    }
    for (k, t) in theirs.into_iter().enumerate() {
        if !matched.contains(&k) {
            out.push(Difference::NewPerson(Box::new(t)));
        }
    }
    let have: BTreeSet<&PupilId> = case.siblings.iter().filter_map(|s| s.id.as_ref()).collect();
    for s in register_siblings(contacts, id) {
        if have.contains(&s) {
            continue;
        }
        if let Some(i) = reg.index_of(&s) {
            out.push(Difference::NewSibling(sibling_from(&reg.pupils[i])));
        }
    }
    out
}

/// Bring the MIS's details into the case. Returns what was done, in a sentence for the
/// timeline (empty when nothing changed).
pub fn apply(case: &mut Case, diffs: &[Difference]) -> String {
    let mut per_person: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut added: Vec<String> = Vec::new();
    let mut siblings: Vec<String> = Vec::new();
    for d in diffs {
        match d {
            Difference::Field {
                person, field, mis, ..
            } => {
                let p = &mut case.people[*person];
                set_field(p, field, mis);
                per_person.entry(*person).or_default().push(field);
            }
            Difference::Linked { person, contact_id } => {
                case.people[*person].contact_id = contact_id.clone();
                per_person
                    .entry(*person)
                    .or_default()
                    .push("linked to the MIS contact");
            }
            Difference::NewPerson(p) => {
                added.push(p.described());
                case.people.push((**p).clone());
            }
            Difference::Gone { .. } => {}
            Difference::NewSibling(s) => {
                siblings.push(s.name.clone());
                case.siblings.push(s.clone());
            }
        }
    }
    let mut parts: Vec<String> = per_person
        .iter()
        .map(|(i, fields)| {
            format!(
                "{}: {}",
                case.people[*i].full_name(),
                fields
                    .iter()
                    .map(|f| f.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if !added.is_empty() {
        parts.push(format!("added {}", crate::text::join_and(&added)));
    }
    if !siblings.is_empty() {
        parts.push(format!(
            "sibling{} added: {}",
            if siblings.len() == 1 { "" } else { "s" },
            crate::text::join_and(&siblings)
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "Family details brought in from the MIS: {}",
            parts.join("; ")
        )
    }
}

fn set_field(p: &mut Person, field: &str, v: &str) {
    let b = |s: &str| match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    match field {
        "title" => p.title = v.into(),
        "forename" => p.forename = v.into(),
        "surname" => p.surname = v.into(),
        "name" => p.name = v.into(),
        "relationship" => p.relationship = v.into(),
        "parental_responsibility" => p.parental_responsibility = b(v),
        "lives_with_pupil" => p.lives_with_pupil = b(v),
        "no_contact" => p.no_contact = v == "yes",
        "address" => p.address = v.split(", ").map(str::to_string).collect(),
        "phone" => p.phone = v.into(),
        "mobile" => p.mobile = v.into(),
        "work_phone" => p.work_phone = v.into(),
        "email" => p.email = v.into(),
        "preferred_contact" => p.preferred_contact = ContactMethod::parse(v),
        other => unreachable!("not a person field: {other}"),
    }
}

/// Which pupils of the school are brothers and sisters.
#[derive(Debug, Clone, Default)]
pub struct Families {
    /// For each pupil of the register (by index), their siblings at the school (indices).
    pub siblings: Vec<Vec<usize>>,
    /// For each pupil, the family they belong to: the index of its first pupil (pupils linked
    /// through brothers and sisters, however indirectly), when they have a sibling.
    pub family: Vec<Option<usize>>,
}

impl Families {
    /// From the register's contacts and the siblings the cases record with an id.
    pub fn load(ws: &Workspace, reg: &Register) -> Result<Families> {
        let contacts = Contacts::load(&ws.register_dir())?;
        let links = case_sibling_links(ws)?;
        Ok(Families::of(reg, &contacts, &links))
    }

    pub fn of(reg: &Register, contacts: &Contacts, case_links: &[(PupilId, PupilId)]) -> Families {
        let n = reg.pupils.len();
        let mut sets: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
        for pupils in contacts.family_pupils().values() {
            let idx: Vec<usize> = pupils.iter().filter_map(|p| reg.index_of(p)).collect();
            for &a in &idx {
                for &b in &idx {
                    if a != b {
                        sets[a].insert(b);
                    }
                }
            }
        }
        for (a, b) in case_links {
            if let (Some(i), Some(j)) = (reg.index_of(a), reg.index_of(b))
                && i != j
            {
                sets[i].insert(j);
                sets[j].insert(i);
            }
        }
        let siblings: Vec<Vec<usize>> = sets.into_iter().map(|s| s.into_iter().collect()).collect();
        let mut family: Vec<Option<usize>> = vec![None; n];
        for start in 0..n {
            if family[start].is_some() || siblings[start].is_empty() {
                continue;
            }
            let mut stack = vec![start];
            family[start] = Some(start);
            while let Some(i) = stack.pop() {
                for &j in &siblings[i] {
                    if family[j].is_none() {
                        family[j] = Some(start);
                        stack.push(j);
                    }
                }
            }
        }
        Families { siblings, family }
    }

    /// Every pupil of the family `f` (by index), in register order.
    pub fn members(&self, f: usize) -> Vec<usize> {
        (0..self.family.len())
            .filter(|&i| self.family[i] == Some(f))
            .collect()
    }
}

/// The sibling links the cases record: (the case's pupil, a sibling at this school).
pub fn case_sibling_links(ws: &Workspace) -> Result<Vec<(PupilId, PupilId)>> {
    let mut out = Vec::new();
    for (id, path) in store::case_files(ws)? {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !text.contains("\nsiblings:") {
            continue;
        }
        if let Ok(c) = store::parse_for(ws, &id, &text, &path) {
            out.extend(
                c.siblings
                    .iter()
                    .filter_map(|s| s.id.clone())
                    .map(|s| (id.clone(), s)),
            );
        }
    }
    Ok(out)
}
