//! Merging a contacts export into the contacts held: the same person across pupils becomes one
//! contact, each keeps the key attend gave them, and every change is logged.
//!
//! The pupils a file covers get exactly the file's contacts; other pupils keep theirs. A
//! person's details are taken from the file for every field it has a column for (a blank cell
//! clears the field: the MIS is where contact details are kept up to date); fields it has no
//! column for are kept. A person no longer a contact of any pupil is removed. Every change is
//! logged in `contact-changes.csv`.

use super::read::{ContactsExport, Entry};
use super::{Contact, Contacts, LINK_FIELDS, Link, PERSON_FIELDS, new_key};
use crate::register::Pupil;
use crate::register::read::{ExportError, Problem};
use crate::text::plural;
use crate::upn::PupilId;
use std::collections::{BTreeMap, BTreeSet};

/// What one contacts export did.
#[derive(Debug, Clone, Default)]
pub struct ContactsSummary {
    pub file_name: String,
    pub sha256: String,
    pub shape: &'static str,
    pub encoding: &'static str,
    pub rows: usize,
    /// Pupils in the file who are in the register.
    pub pupils: usize,
    /// People in the file (each person once, however many pupils they are a contact of).
    pub people: usize,
    /// Of them, contacts of more than one pupil.
    pub shared: usize,
    pub new_people: usize,
    pub changed_people: usize,
    pub removed_people: usize,
    pub links_added: usize,
    pub links_removed: usize,
    pub links_changed: usize,
    pub notices: Vec<String>,
    pub warnings: Vec<String>,
    /// When this very file (same SHA-256) was imported before, if it was.
    pub imported_before: Option<String>,
}

impl ContactsSummary {
    pub fn changed_anything(&self) -> bool {
        self.new_people
            + self.changed_people
            + self.removed_people
            + self.links_added
            + self.links_removed
            + self.links_changed
            > 0
    }
}

/// The result of a merge: the new contacts, the summary, and the rows for the change log.
pub struct Merged {
    pub contacts: Contacts,
    pub summary: ContactsSummary,
    pub changes: Vec<Vec<String>>,
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut k = i;
    while parent[k] != r {
        let next = parent[k];
        parent[k] = r;
        k = next;
    }
    r
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent[hi] = lo;
    }
}

/// One person found in the export: their entries, and their details merged.
struct Person {
    entries: Vec<usize>,
    contact: Contact,
    present: BTreeSet<&'static str>,
    links: Vec<Link>,
}

/// Merge `export` into `held`. `pupils` is the register's pupils (sorted by id); `imported_at`
/// stamps the log. A problem anywhere refuses the whole file.
pub fn merge_contacts(
    held: &Contacts,
    export: ContactsExport,
    pupils: &[Pupil],
    imported_at: &str,
    imported_before: Option<String>,
) -> Result<Merged, ExportError> {
    let mut s = ContactsSummary {
        file_name: export.file_name.clone(),
        sha256: export.sha256.clone(),
        shape: export.shape,
        encoding: export.encoding,
        rows: export.rows,
        notices: export.notices.clone(),
        warnings: export.warnings.clone(),
        imported_before,
        ..Default::default()
    };
    let mut err = ExportError {
        file: export.file_name.clone(),
        ..Default::default()
    };
    // the pupils: by UPN, else by admission number
    let by_adno: BTreeMap<&str, &PupilId> = pupils
        .iter()
        .filter(|p| !p.admission_number.is_empty())
        .map(|p| (p.admission_number.trim_start_matches('0'), &p.id))
        .collect();
    let known = |upn: &Option<PupilId>, adno: &str| -> Option<PupilId> {
        if let Some(u) = upn
            && pupils.binary_search_by(|p| p.id.cmp(u)).is_ok()
        {
            return Some(u.clone());
        }
        if !adno.is_empty() {
            if let Some(id) = by_adno.get(adno.trim_start_matches('0')) {
                return Some((*id).clone());
            }
            if let Ok(id) = PupilId::from_admission_number(adno)
                && pupils.binary_search_by(|p| p.id.cmp(&id)).is_ok()
            {
                return Some(id);
            }
        }
        None
    };
    let mut covered: BTreeSet<PupilId> = BTreeSet::new();
    let mut unknown_lines: Vec<usize> = Vec::new();
    for (line, upn, adno) in &export.pupils {
        match known(upn, adno) {
            Some(id) => {
                covered.insert(id);
            }
            None => unknown_lines.push(*line),
        }
    }
    if covered.is_empty() {
        err.problems.push(Problem {
            line: None,
            column: None,
            message: if pupils.is_empty() {
                "the register holds no pupils yet, so the contacts cannot be matched to them".into()
            } else {
                format!(
                    "none of the {} in the file is in the register",
                    plural(export.pupils.len(), "row")
                )
            },
        });
        err.remedies.push(
            "import the register export first (attend import register.csv), then the contacts; check that the contacts export is this school's"
                .into(),
        );
        return Err(err);
    }
    if !unknown_lines.is_empty() {
        let shown: Vec<String> = unknown_lines
            .iter()
            .take(10)
            .map(|l| l.to_string())
            .collect();
        s.warnings.push(format!(
            "{} for pupils who are not in the register: not imported (line{} {}{}). Import the latest register export, then this file again",
            plural(unknown_lines.len(), "row is"),
            if unknown_lines.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if unknown_lines.len() > 10 { ", ..." } else { "" }
        ).replace("rows is", "rows are"));
    }
    let entries: Vec<(PupilId, &Entry)> = export
        .entries
        .iter()
        .filter_map(|e| Some((known(&e.upn, &e.adno)?, e)))
        .collect();

    // the same person across rows and pupils: one person
    let n = entries.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut by_mis: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (_, e)) in entries.iter().enumerate() {
        by_name.entry(e.contact.name_key()).or_default().push(i);
        if !e.contact.mis_id.is_empty() {
            match by_mis.get(e.contact.mis_id.as_str()) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_mis.insert(&e.contact.mis_id, i);
                }
            }
        }
    }
    for same in by_name.values() {
        for (a, &i) in same.iter().enumerate() {
            for &j in &same[a + 1..] {
                let (pi, ei) = &entries[i];
                let (pj, ej) = &entries[j];
                let ids_differ = !ei.contact.mis_id.is_empty()
                    && !ej.contact.mis_id.is_empty()
                    && ei.contact.mis_id != ej.contact.mis_id;
                if ei.contact.same_person(&ej.contact) || (pi == pj && !ids_differ) {
                    union(&mut parent, i, j);
                }
            }
        }
    }
    let mut people: Vec<Person> = Vec::new();
    let mut root_of: BTreeMap<usize, usize> = BTreeMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        let k = *root_of.entry(r).or_insert_with(|| {
            people.push(Person {
                entries: Vec::new(),
                contact: Contact::default(),
                present: BTreeSet::new(),
                links: Vec::new(),
            });
            people.len() - 1
        });
        people[k].entries.push(i);
    }
    for p in &mut people {
        let first = entries[p.entries[0]].1;
        let mut c = Contact::default();
        let mut differ: BTreeSet<&str> = BTreeSet::new();
        for &i in &p.entries {
            let e = entries[i].1;
            p.present.extend(e.present.iter().copied());
            for f in PERSON_FIELDS {
                let v = e.contact.field(f);
                if v.is_empty() {
                    continue;
                }
                if c.field(f).is_empty() {
                    c.set(f, v.to_string());
                } else if c.field(f) != v {
                    differ.insert(f);
                }
            }
        }
        if !differ.is_empty() {
            let lines: BTreeSet<usize> = p.entries.iter().map(|&i| entries[i].1.line).collect();
            s.warnings.push(format!(
                "lines {} are the same person with different {}: the first is kept (correct the MIS so they agree)",
                lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "),
                differ.iter().map(|f| f.replace('_', " ")).collect::<Vec<_>>().join(", ")
            ));
        }
        p.contact = c;
        let _ = first;
        // one link per pupil
        let mut by_pupil: BTreeMap<&PupilId, Vec<&Entry>> = BTreeMap::new();
        for &i in &p.entries {
            by_pupil
                .entry(&entries[i].0)
                .or_default()
                .push(entries[i].1);
        }
        for (pupil, es) in by_pupil {
            let prs: Vec<(bool, &Entry)> = es
                .iter()
                .filter_map(|e| e.parental_responsibility.map(|b| (b, *e)))
                .collect();
            if let (Some(yes), Some(no)) =
                (prs.iter().find(|(b, _)| *b), prs.iter().find(|(b, _)| !*b))
            {
                let column = yes
                    .1
                    .columns
                    .get("parental_responsibility")
                    .cloned()
                    .unwrap_or_default();
                err.problems.push(Problem {
                    line: Some(no.1.line.max(yes.1.line)),
                    column: Some(column),
                    message: format!(
                        "the same contact of the same pupil has parental responsibility on line {} and not on line {}",
                        yes.1.line, no.1.line
                    ),
                });
                err.remedies.push(
                    "correct the contact's parental responsibility in the MIS so it is recorded once, then export again"
                        .into(),
                );
                continue;
            }
            p.links.push(Link {
                pupil: pupil.clone(),
                contact: String::new(),
                priority: es.iter().filter_map(|e| e.priority).min(),
                relationship: es
                    .iter()
                    .map(|e| e.relationship.trim())
                    .find(|r| !r.is_empty())
                    .unwrap_or("")
                    .to_string(),
                parental_responsibility: prs.first().map(|(b, _)| *b),
                lives_with_pupil: es.iter().find_map(|e| e.lives_with_pupil),
                no_contact: es.iter().any(|e| e.no_contact == Some(true)),
            });
        }
    }
    if !err.problems.is_empty() {
        err.remedies.dedup();
        return Err(err);
    }

    // match each person with a contact already held
    let held_pupils: BTreeMap<&str, BTreeSet<&PupilId>> =
        held.links.iter().fold(BTreeMap::new(), |mut m, l| {
            m.entry(l.contact.as_str()).or_default().insert(&l.pupil);
            m
        });
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut keys: Vec<String> = Vec::with_capacity(people.len());
    for p in &people {
        let pupils_here: BTreeSet<&PupilId> = p.links.iter().map(|l| &l.pupil).collect();
        let name = p.contact.name_key();
        let rank = |h: &Contact| -> Option<u8> {
            if !h.mis_id.is_empty() && !p.contact.mis_id.is_empty() {
                return (h.mis_id == p.contact.mis_id).then_some(0);
            }
            if h.same_person(&p.contact) {
                return Some(1);
            }
            let shares = held_pupils
                .get(h.id.as_str())
                .is_some_and(|ps| ps.iter().any(|x| pupils_here.contains(x)));
            (h.name_key() == name && shares).then_some(2)
        };
        let best = held
            .people
            .iter()
            .filter(|h| !taken.contains(&h.id))
            .filter_map(|h| rank(h).map(|r| (r, &h.id)))
            .min();
        let key = match best {
            Some((_, id)) => id.clone(),
            None => {
                let used = |k: &str| taken.contains(k) || held.person(k).is_some();
                new_key(&p.contact, &used)
            }
        };
        taken.insert(key.clone());
        keys.push(key);
    }

    // the new contacts
    let mut out = Contacts {
        people: held.people.clone(),
        links: held
            .links
            .iter()
            .filter(|l| !covered.contains(&l.pupil))
            .cloned()
            .collect(),
    };
    let prefix = [
        imported_at.to_string(),
        export.file_name.clone(),
        export.sha256.clone(),
    ];
    let mut changes: Vec<Vec<String>> = Vec::new();
    let mut log = |contact: &str, upn: &str, field: &str, old: &str, new: &str| {
        let mut row = prefix.to_vec();
        row.extend(
            [contact, upn, field, old, new]
                .into_iter()
                .map(str::to_string),
        );
        changes.push(row);
    };
    s.people = people.len();
    s.shared = people.iter().filter(|p| p.links.len() > 1).count();
    for (p, key) in people.iter().zip(&keys) {
        match out.people.iter_mut().find(|h| &h.id == key) {
            Some(h) => {
                let mut changed = false;
                for f in PERSON_FIELDS {
                    if !p.present.contains(f) {
                        continue;
                    }
                    let new = p.contact.field(f);
                    if h.field(f) != new {
                        log(key, "", f, h.field(f), new);
                        h.set(f, new.to_string());
                        changed = true;
                    }
                }
                s.changed_people += usize::from(changed);
            }
            None => {
                let mut c = p.contact.clone();
                c.id = key.clone();
                log(key, "", "contact", "", &c.addressed_name());
                out.people.push(c);
                s.new_people += 1;
            }
        }
        for l in &p.links {
            let mut l = l.clone();
            l.contact = key.clone();
            out.links.push(l);
        }
    }
    // links of the pupils covered: added, removed, changed
    let old_links: BTreeMap<(&PupilId, &str), &Link> = held
        .links
        .iter()
        .filter(|l| covered.contains(&l.pupil))
        .map(|l| ((&l.pupil, l.contact.as_str()), l))
        .collect();
    let new_links: BTreeMap<(PupilId, String), Link> = out
        .links
        .iter()
        .filter(|l| covered.contains(&l.pupil))
        .map(|l| ((l.pupil.clone(), l.contact.clone()), l.clone()))
        .collect();
    for ((pupil, contact), l) in &new_links {
        match old_links.get(&(pupil, contact.as_str())) {
            None => {
                log(
                    contact,
                    pupil.as_str(),
                    "link",
                    "",
                    &l.relationship_or_contact(),
                );
                s.links_added += 1;
            }
            Some(old) => {
                let mut changed = false;
                for f in LINK_FIELDS {
                    let (a, b) = (old.field(f), l.field(f));
                    if a != b {
                        log(contact, pupil.as_str(), f, &a, &b);
                        changed = true;
                    }
                }
                s.links_changed += usize::from(changed);
            }
        }
    }
    for ((pupil, contact), l) in &old_links {
        if !new_links.contains_key(&((*pupil).clone(), contact.to_string())) {
            log(
                contact,
                pupil.as_str(),
                "link",
                &l.relationship_or_contact(),
                "",
            );
            s.links_removed += 1;
        }
    }
    // people no longer a contact of any pupil
    let linked: BTreeSet<&str> = out.links.iter().map(|l| l.contact.as_str()).collect();
    let gone: Vec<Contact> = out
        .people
        .iter()
        .filter(|c| !linked.contains(c.id.as_str()))
        .cloned()
        .collect();
    for c in &gone {
        log(&c.id, "", "contact", &c.addressed_name(), "");
        s.removed_people += 1;
    }
    out.people.retain(|c| linked.contains(c.id.as_str()));
    out.sort();
    s.pupils = covered.len();
    Ok(Merged {
        contacts: out,
        summary: s,
        changes,
    })
}

impl Link {
    /// What the change log says a link is: the relationship, or "contact".
    fn relationship_or_contact(&self) -> String {
        if self.relationship.trim().is_empty() {
            "contact".into()
        } else {
            self.relationship.trim().to_string()
        }
    }
}
