//! The contacts on disk, beside `pupils.csv`:
//!
//! ```text
//! register/
//!   contacts.csv           one row per person, sorted by contact (attend's key for them)
//!   pupil-contacts.csv     one row per person and pupil, sorted by pupil, then priority
//!   contact-changes.csv    every change an import made (append-only)
//! ```

use super::{Contact, LINK_FIELDS, Link, PERSON_FIELDS};
use crate::upn::PupilId;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

pub const CONTACTS_FILE: &str = "contacts.csv";
pub const LINKS_FILE: &str = "pupil-contacts.csv";
pub const CONTACT_CHANGES_FILE: &str = "contact-changes.csv";

pub const CONTACT_CHANGES_HEADER: &str =
    "imported_at,source_file,source_sha256,contact,upn,field,old_value,new_value";

/// The register's contacts: every person, and each person's link to each pupil.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    /// Sorted by id.
    pub people: Vec<Contact>,
    /// Sorted by pupil, then priority, then contact.
    pub links: Vec<Link>,
}

fn contacts_header() -> String {
    std::iter::once("contact")
        .chain(PERSON_FIELDS)
        .collect::<Vec<_>>()
        .join(",")
}

fn links_header() -> String {
    ["upn", "contact"]
        .into_iter()
        .chain(LINK_FIELDS)
        .collect::<Vec<_>>()
        .join(",")
}

fn yes_no(text: &str, path: &Path, line: usize, field: &str) -> Result<Option<bool>> {
    match text {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        other => bail!(
            "{}, line {line}: {field} is {other:?}, not yes, no or empty. This file is written by attend; restore it from git or import the contacts export again",
            path.display()
        ),
    }
}

impl Contacts {
    /// Read the contacts under `register_dir` (none when the files are not there).
    pub fn load(register_dir: &Path) -> Result<Contacts> {
        let mut out = Contacts::default();
        let path = register_dir.join(CONTACTS_FILE);
        for (line, rec) in read_rows(&path, &contacts_header())? {
            let mut c = Contact {
                id: rec[0].clone(),
                ..Default::default()
            };
            if c.id.is_empty() {
                bail!("{}, line {line}: a contact without its key", path.display());
            }
            for (k, f) in PERSON_FIELDS.iter().enumerate() {
                c.set(f, rec[k + 1].clone());
            }
            out.people.push(c);
        }
        let path = register_dir.join(LINKS_FILE);
        for (line, rec) in read_rows(&path, &links_header())? {
            let pupil = PupilId::parse(&rec[0])
                .map_err(|e| anyhow!("{}, line {line}: {e}", path.display()))?;
            let priority = match rec[2].as_str() {
                "" => None,
                p => Some(p.parse().map_err(|_| {
                    anyhow!(
                        "{}, line {line}: priority {p:?} is not a number",
                        path.display()
                    )
                })?),
            };
            out.links.push(Link {
                pupil,
                contact: rec[1].clone(),
                priority,
                relationship: rec[3].clone(),
                parental_responsibility: yes_no(&rec[4], &path, line, "parental_responsibility")?,
                lives_with_pupil: yes_no(&rec[5], &path, line, "lives_with_pupil")?,
                no_contact: yes_no(&rec[6], &path, line, "no_contact")? == Some(true),
            });
        }
        out.sort();
        let known: BTreeSet<&str> = out.people.iter().map(|c| c.id.as_str()).collect();
        if let Some(l) = out
            .links
            .iter()
            .find(|l| !known.contains(l.contact.as_str()))
        {
            bail!(
                "{} names contact {:?}, which is not in {CONTACTS_FILE}. These files are written by attend; restore them from git or import the contacts export again",
                register_dir.join(LINKS_FILE).display(),
                l.contact
            );
        }
        Ok(out)
    }

    /// Put people and links in the files' order.
    pub fn sort(&mut self) {
        self.people.sort_by(|a, b| a.id.cmp(&b.id));
        self.links.sort_by(|a, b| {
            a.pupil
                .cmp(&b.pupil)
                .then_with(|| a.order().cmp(&b.order()))
        });
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The person with this key.
    pub fn person(&self, id: &str) -> Option<&Contact> {
        self.people
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.people[i])
    }

    /// A pupil's contacts, in priority order.
    pub fn of_pupil<'a>(
        &'a self,
        pupil: &PupilId,
    ) -> impl Iterator<Item = (&'a Link, &'a Contact)> {
        let start = self.links.partition_point(|l| l.pupil < *pupil);
        self.links[start..]
            .iter()
            .take_while(move |l| l.pupil == *pupil)
            .filter_map(|l| Some((l, self.person(&l.contact)?)))
    }

    /// The pupils each person is a family contact of (see [`Link::is_family`]).
    pub fn family_pupils(&self) -> BTreeMap<&str, Vec<&PupilId>> {
        let mut out: BTreeMap<&str, Vec<&PupilId>> = BTreeMap::new();
        for l in self.links.iter().filter(|l| l.is_family()) {
            out.entry(l.contact.as_str()).or_default().push(&l.pupil);
        }
        out
    }

    /// The text of `contacts.csv`.
    pub fn people_text(&self) -> String {
        let mut w = writer();
        w.write_record(contacts_header().split(','))
            .expect("in memory");
        for c in &self.people {
            w.write_record(std::iter::once(c.id.as_str()).chain(PERSON_FIELDS.map(|f| c.field(f))))
                .expect("in memory");
        }
        finish(w)
    }

    /// The text of `pupil-contacts.csv`.
    pub fn links_text(&self) -> String {
        let mut w = writer();
        w.write_record(links_header().split(','))
            .expect("in memory");
        for l in &self.links {
            let mut row = vec![l.pupil.to_string(), l.contact.clone()];
            row.extend(LINK_FIELDS.map(|f| l.field(f)));
            w.write_record(row).expect("in memory");
        }
        finish(w)
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
}

/// The rows of one of attend's CSV files with their line numbers, checking its header.
fn read_rows(path: &Path, header: &str) -> Result<Vec<(usize, Vec<String>)>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let found = rdr
        .headers()
        .with_context(|| format!("{} cannot be read", path.display()))?
        .iter()
        .collect::<Vec<_>>()
        .join(",");
    if found != header {
        bail!(
            "{} does not have attend's columns ({header}); was it edited by hand? Restore it from git",
            path.display()
        );
    }
    let width = header.split(',').count();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec =
            rec.with_context(|| format!("{}, line {line}: cannot be read", path.display()))?;
        if rec.len() != width {
            bail!(
                "{}, line {line}: {} fields where the header has {width}",
                path.display(),
                rec.len()
            );
        }
        out.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(out)
}
