//! Reading a contacts export: the two shapes MIS produce, recognised by their header.
//!
//! * **One row per contact**: the pupil's UPN or admission number (often with the pupil's
//!   names, which are not used), then the contact's fields: `Title`, `Forename`, `Surname` (or
//!   one `Name`), `Relationship`, `Parental Responsibility`, `Priority`, `Lives With Pupil`,
//!   `Court Order`, address lines, `Town`, `County`, `Postcode`, phones, `Email`, `Preferred
//!   Contact Method`, sometimes a contact id. The fields may carry a prefix: `Contact Forename`.
//! * **One row per pupil** with numbered groups: `Contact 1 Forename`, `Contact 2 Surname`, also
//!   `Guardian 1 ...`, `Parent 1 ...`, `Priority 1 ...`, `Primary Contact ...` (group 1).
//!
//! Headers are compared in any case, with `_`, `.`, `-` and `/` read as spaces; `attend.yaml`'s
//! `import.contact_columns` names a school's own headers. Nothing here writes: every problem is
//! reported with its line and column, and a refused file changes nothing.

use super::Contact;
use super::fields::{ALIASES, contact_method_word};
use crate::register::read::{ExportError, Problem, TextEncoding, norm_header};
use crate::text::{is_email, uk_postcode};
use crate::upn::PupilId;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How to read a contacts export.
#[derive(Debug, Clone, Default)]
pub struct ContactsOptions {
    /// Force an encoding (else detected).
    pub encoding: Option<TextEncoding>,
    /// The school's own headers: attend's field name -> the export's header(s).
    pub columns: Vec<(String, Vec<String>)>,
}

/// One contact of one pupil, as one row (or one numbered group of a row) gives it.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// The line of the row.
    pub line: usize,
    /// The pupil's UPN, when the row has one.
    pub upn: Option<PupilId>,
    /// The pupil's admission number, when the row has one.
    pub adno: String,
    /// The person (its `id` is empty: the merge gives it).
    pub contact: Contact,
    pub priority: Option<u32>,
    pub relationship: String,
    pub parental_responsibility: Option<bool>,
    pub lives_with_pupil: Option<bool>,
    pub no_contact: Option<bool>,
    /// The person fields the export has a column for (in this entry's group).
    pub present: BTreeSet<&'static str>,
    /// The header of each field's column, for messages.
    pub columns: BTreeMap<&'static str, String>,
}

/// Everything read from a contacts export.
#[derive(Debug, Clone, Default)]
pub struct ContactsExport {
    pub file_name: String,
    pub sha256: String,
    pub encoding: &'static str,
    /// "one row per contact" or "one row per pupil".
    pub shape: &'static str,
    /// Data rows read.
    pub rows: usize,
    pub entries: Vec<Entry>,
    /// Every row's pupil (line, UPN, admission number), with or without contacts: the pupils
    /// the export covers.
    pub pupils: Vec<(usize, Option<PupilId>, String)>,
    /// Things the user should know (columns not used).
    pub notices: Vec<String>,
    /// Things to check (postcodes that are not UK postcodes, unknown contact methods).
    pub warnings: Vec<String>,
}

/// Lower case, spaces for `_ . - / ? :` and brackets, inner spaces collapsed.
fn norm(h: &str) -> String {
    norm_header(h)
        .replace(['-', '/', '?', ':', '(', ')', '#'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Group prefixes of the one-row-per-pupil shape (and the prefix of a contact's field).
const PREFIXES: &[&str] = &[
    "parent carer",
    "parent guardian",
    "primary contact",
    "secondary contact",
    "primary guardian",
    "secondary guardian",
    "contact",
    "guardian",
    "priority",
    "parent",
    "carer",
];

/// A header cell read as a contact field: the group (`Contact 2` -> 2), whether it had a
/// prefix, and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldCol {
    group: Option<u32>,
    prefixed: bool,
    field: &'static str,
}

fn alias(rest: &str, own: &[(String, Vec<String>)]) -> Option<&'static str> {
    for (field, headers) in own {
        if headers.iter().any(|h| norm(h) == rest)
            && let Some((f, _)) = ALIASES.iter().find(|(f, _)| f == field)
        {
            return Some(f);
        }
    }
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&rest))
        .map(|(f, _)| *f)
}

/// Read a header cell as a contact field, if it is one.
fn parse_field(h: &str, own: &[(String, Vec<String>)]) -> Option<FieldCol> {
    let n = norm(h);
    // the school's own header, matched whole, takes the first group
    for (field, headers) in own {
        if headers.iter().any(|x| norm(x) == n)
            && let Some((f, _)) = ALIASES.iter().find(|(f, _)| f == field)
        {
            return Some(FieldCol {
                group: None,
                prefixed: true,
                field: f,
            });
        }
    }
    for p in PREFIXES {
        let Some(rest) = n.strip_prefix(p) else {
            continue;
        };
        let fixed = match *p {
            "primary contact" | "primary guardian" => Some(1),
            "secondary contact" | "secondary guardian" => Some(2),
            _ => None,
        };
        // "contact 1 forename", "contact1 forename", "contact forename"
        let rest = rest.trim_start();
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let (group, after) = if !digits.is_empty() && fixed.is_none() {
            (digits.parse().ok(), rest[digits.len()..].trim_start())
        } else {
            (fixed, rest)
        };
        if after.is_empty() && *p != "priority" {
            continue;
        }
        // "Priority 1" alone is a priority column only in the one-row-per-contact shape
        if *p == "priority" && group.is_none() {
            continue;
        }
        if let Some(f) = alias(after, own) {
            return Some(FieldCol {
                group,
                prefixed: true,
                field: f,
            });
        }
        // "contact forename 1"
        if group.is_none()
            && let Some((front, num)) = after.rsplit_once(' ')
            && let Ok(g) = num.parse::<u32>()
            && let Some(f) = alias(front, own)
        {
            return Some(FieldCol {
                group: Some(g),
                prefixed: true,
                field: f,
            });
        }
    }
    alias(&n, own).map(|f| FieldCol {
        group: None,
        prefixed: false,
        field: f,
    })
}

const UPN_HEADERS: &[&str] = &[
    "upn",
    "pupil upn",
    "student upn",
    "learner upn",
    "child upn",
    "unique pupil number",
];
const ADNO_HEADERS: &[&str] = &[
    "adno",
    "adm no",
    "admission no",
    "admission number",
    "admissions number",
    "admission num",
    "pupil adno",
    "student adno",
    "pupil admission number",
];

/// Does this header look like a contacts export (rather than a register)? It names contact
/// fields (relationship, parental responsibility, court order, lives with, or a contact's name in
/// a prefixed or numbered group) and no session dates.
pub fn looks_like_contacts(header: &[String], own: &[(String, Vec<String>)]) -> bool {
    let date_like = |h: &str| {
        h.split(|c: char| !(c.is_ascii_digit() || c == '/' || c == '-'))
            .any(|tok| tok.matches(['/', '-']).count() == 2 && tok.len() >= 6)
    };
    if header.iter().any(|h| date_like(h)) {
        return false;
    }
    header.iter().any(|h| {
        parse_field(h, own).is_some_and(|f| {
            matches!(
                f.field,
                "relationship"
                    | "parental_responsibility"
                    | "no_contact"
                    | "receives_correspondence"
                    | "lives_with_pupil"
            ) || (f.prefixed && matches!(f.field, "forename" | "surname" | "name"))
        })
    })
}

/// Decode a file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
/// mark, else Windows-1252; `forced` overrides.
fn decode(bytes: &[u8], forced: Option<TextEncoding>) -> Result<(String, &'static str), String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((t.to_string(), "utf-8 (with byte-order mark)")),
            Err(e) => Err(format!(
                "byte 0x{:02X} is not valid UTF-8 (the file starts with a UTF-8 byte-order mark)",
                rest[e.valid_up_to()]
            )),
        };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (t, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return Ok((t.into_owned(), "utf-16le"));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (t, _, _) = encoding_rs::UTF_16BE.decode(bytes);
        return Ok((t.into_owned(), "utf-16be"));
    }
    match forced {
        Some(TextEncoding::Windows1252) => {
            let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((t.into_owned(), "windows-1252"))
        }
        Some(TextEncoding::Utf8) => match std::str::from_utf8(bytes) {
            Ok(t) => Ok((t.to_string(), "utf-8")),
            Err(e) => Err(format!(
                "byte 0x{:02X} is not valid UTF-8",
                bytes[e.valid_up_to()]
            )),
        },
        None => match std::str::from_utf8(bytes) {
            Ok(t) => Ok((t.to_string(), "utf-8")),
            Err(_) => {
                let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                Ok((t.into_owned(), "windows-1252"))
            }
        },
    }
}

/// The header of a file: its first row that is not empty (for telling contacts from registers).
pub fn header_of(path: &Path) -> Option<Vec<String>> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return None,
        }
    }
    buf.truncate(n);
    // a cut in the middle of a character or a line is fine: only the first row is used
    let (text, _) = decode(&buf, None).ok()?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for rec in rdr.records() {
        let rec = rec.ok()?;
        if rec.iter().any(|c| !c.trim().is_empty()) {
            return Some(rec.iter().map(|c| c.trim().to_string()).collect());
        }
    }
    None
}

const MAX_PROBLEMS: usize = 50;

fn push(err: &mut ExportError, line: usize, column: Option<&str>, message: String) {
    if err.problems.len() >= MAX_PROBLEMS {
        err.truncated = true;
        return;
    }
    err.problems.push(Problem {
        line: Some(line),
        column: column.map(str::to_string),
        message,
    });
}

fn remedy(err: &mut ExportError, r: &str) {
    if !err.remedies.iter().any(|x| x == r) {
        err.remedies.push(r.to_string());
    }
}

/// A yes/no cell: Y/N, Yes/No, True/False, 1/0 (and, for parental responsibility, "Legal
/// guardian"); blank is not known (`Some(None)`); anything else is not a yes or no (`None`).
pub fn yes_no(text: &str) -> Option<Option<bool>> {
    let t = crate::text::fold(text);
    Some(match t.as_str() {
        "" => None,
        "y"
        | "yes"
        | "true"
        | "t"
        | "1"
        | "x"
        | "legal guardian"
        | "has parental responsibility"
        | "parental responsibility"
        | "pr"
        | "on" => Some(true),
        "n" | "no" | "false" | "f" | "0" | "none" | "not held" | "off" => Some(false),
        _ => return None,
    })
}

const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Rev", "Revd", "Sir", "Lady", "Lord", "Dame",
];

/// A title as people write it: "MRS" and "mrs." -> "Mrs"; an unknown one as written.
fn tidy_title(t: &str) -> String {
    let bare = t.trim().trim_end_matches('.');
    TITLES
        .iter()
        .find(|x| x.eq_ignore_ascii_case(bare))
        .map(|x| x.to_string())
        .unwrap_or_else(|| t.trim().to_string())
}

/// One name cell: "Lee, Karen" (surname first), "Mrs Karen Lee" (a title first), or as written.
fn split_name(c: &mut Contact, text: &str) {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let (title, rest) = match t.split_once(' ') {
        Some((first, rest))
            if TITLES
                .iter()
                .any(|x| x.eq_ignore_ascii_case(first.trim_end_matches('.'))) =>
        {
            (tidy_title(first), rest.to_string())
        }
        _ => (String::new(), t.clone()),
    };
    if c.title.is_empty() {
        c.title = title;
    }
    match rest.split_once(',') {
        Some((surname, forename)) if !surname.trim().is_empty() && !forename.trim().is_empty() => {
            let mut f = forename.trim().to_string();
            if let Some((first, more)) = f.split_once(' ')
                && TITLES
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(first.trim_end_matches('.')))
            {
                if c.title.is_empty() {
                    c.title = tidy_title(first);
                }
                f = more.trim().to_string();
            }
            if c.forename.is_empty() {
                c.forename = f;
            }
            if c.surname.is_empty() {
                c.surname = surname.trim().to_string();
            }
        }
        _ => c.name = rest,
    }
}

/// Read a contacts export. `header` is the file's first row (from [`header_of`]).
pub fn read_contacts(path: &Path, opts: &ContactsOptions) -> Result<ContactsExport, ExportError> {
    let shown = path.display().to_string();
    let fail = |message: String, what: &str| ExportError {
        file: shown.clone(),
        problems: vec![Problem {
            line: None,
            column: None,
            message,
        }],
        remedies: vec![what.to_string()],
        ..Default::default()
    };
    let bytes = std::fs::read(path).map_err(|e| {
        fail(
            format!("cannot read the file: {e}"),
            "check the file name and that you can read it",
        )
    })?;
    let (text, encoding) = decode(&bytes, opts.encoding)
        .map_err(|m| fail(m, "export the contacts again, or give --encoding"))?;
    let mut out = ContactsExport {
        file_name: path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone()),
        sha256: Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        encoding,
        ..Default::default()
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            ExportError {
                file: shown.clone(),
                problems: vec![Problem {
                    line,
                    column: None,
                    message: format!("cannot be read as CSV: {e}"),
                }],
                remedies: vec!["export the contacts again as CSV".into()],
                ..Default::default()
            }
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push((line, rec.iter().map(|c| c.trim().to_string()).collect()));
    }
    if rows.is_empty() {
        return Err(fail(
            "the file is empty".into(),
            "export the contacts again from the MIS",
        ));
    }
    let (_, header) = rows.remove(0);
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();

    // the columns
    let mut upn_col = None;
    let mut adno_col = None;
    let mut found: Vec<(usize, FieldCol)> = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    for (k, h) in header.iter().enumerate() {
        let n = norm(h);
        if n.is_empty() {
            continue;
        }
        if UPN_HEADERS.contains(&n.as_str()) && upn_col.is_none() {
            upn_col = Some(k);
        } else if ADNO_HEADERS.contains(&n.as_str()) && adno_col.is_none() {
            adno_col = Some(k);
        } else if let Some(f) = parse_field(h, &opts.columns) {
            found.push((k, f));
        } else {
            ignored.push(h.trim().to_string());
        }
    }
    let per_pupil = found.iter().any(|(_, f)| f.group.is_some());
    out.shape = if per_pupil {
        "one row per pupil"
    } else {
        "one row per contact"
    };
    // group -> field -> column; in the one-row-per-pupil shape an unnumbered field belongs to
    // the pupil (their own surname...) and is not used; a prefixed field wins over a bare one
    let mut groups: BTreeMap<u32, BTreeMap<&'static str, usize>> = BTreeMap::new();
    let prefixed_fields: BTreeSet<&str> = found
        .iter()
        .filter(|(_, f)| f.prefixed && f.group.is_none())
        .map(|(_, f)| f.field)
        .collect();
    for (k, f) in &found {
        let group = match (per_pupil, f.group) {
            (true, Some(g)) => g,
            (true, None) if f.prefixed => 1,
            (true, None) => {
                ignored.push(header[*k].trim().to_string());
                continue;
            }
            (false, _) => {
                if !f.prefixed && prefixed_fields.contains(f.field) {
                    ignored.push(header[*k].trim().to_string());
                    continue;
                }
                0
            }
        };
        let g = groups.entry(group).or_default();
        if g.contains_key(f.field) {
            ignored.push(header[*k].trim().to_string());
        } else {
            g.insert(f.field, *k);
        }
    }
    let mut err = ExportError {
        file: shown.clone(),
        ..Default::default()
    };
    if upn_col.is_none() && adno_col.is_none() {
        err.problems.push(Problem {
            line: Some(1),
            column: None,
            message: "no column identifies the pupil: a contacts export needs the pupil's UPN (or admission number) on each row".into(),
        });
        remedy(
            &mut err,
            "export the contacts with the pupil's UPN (or Adno) column",
        );
    }
    if groups.is_empty()
        || groups.values().all(|g| {
            !g.contains_key("forename") && !g.contains_key("surname") && !g.contains_key("name")
        })
    {
        err.problems.push(Problem {
            line: Some(1),
            column: None,
            message: "no column holds the contacts' names (Forename and Surname, or Name)".into(),
        });
        remedy(
            &mut err,
            "export the contacts with their names, or name the export's own headers in attend.yaml (import: contact_columns:)",
        );
    }
    if !err.problems.is_empty() {
        return Err(err);
    }
    if !ignored.is_empty() {
        out.notices.push(format!(
            "columns not used: {}",
            ignored
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let mut bad_postcodes: Vec<String> = Vec::new();
    let mut unknown_methods: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (line, row) in &rows {
        let line = *line;
        out.rows += 1;
        let cell = |k: usize| row.get(k).map(String::as_str).unwrap_or("");
        if row.len() > header.len() && row[header.len()..].iter().any(|c| !c.is_empty()) {
            push(
                &mut err,
                line,
                None,
                format!("{} cells where the header has {}", row.len(), header.len()),
            );
            continue;
        }
        let upn_text = upn_col.map(cell).unwrap_or("");
        let adno = adno_col.map(cell).unwrap_or("").to_string();
        let upn = if upn_text.is_empty() {
            None
        } else {
            match PupilId::parse(upn_text) {
                Ok(u) => Some(u),
                Err(e) => {
                    push(
                        &mut err,
                        line,
                        upn_col.map(|k| header[k].as_str()),
                        e.to_string(),
                    );
                    continue;
                }
            }
        };
        if upn.is_none() && adno.is_empty() {
            // a summary row ("Total: 240 contacts") has no pupil and is not a contact
            if row.iter().take(3).any(|c| {
                let f = crate::text::fold(c);
                f.starts_with("total") || f.starts_with("count") || f.starts_with("number of")
            }) {
                out.notices.push(format!(
                    "line {line} is a total/summary row, not a contact: skipped"
                ));
                continue;
            }
            push(
                &mut err,
                line,
                upn_col.or(adno_col).map(|k| header[k].as_str()),
                "the row does not say which pupil the contact is for (no UPN or admission number)"
                    .into(),
            );
            continue;
        }
        out.pupils.push((line, upn.clone(), adno.clone()));
        for (&group, cols) in &groups {
            let get = |f: &str| cols.get(f).map(|&k| cell(k)).unwrap_or("");
            if cols.values().all(|&k| cell(k).is_empty()) {
                continue; // an empty group: this pupil has fewer contacts
            }
            let col_name = |f: &str| cols.get(f).map(|&k| header[k].as_str());
            let mut e = Entry {
                line,
                upn: upn.clone(),
                adno: adno.clone(),
                ..Default::default()
            };
            for (&f, &k) in cols {
                e.columns.insert(f, header[k].clone());
            }
            let c = &mut e.contact;
            c.mis_id = get("mis_id").to_string();
            c.title = tidy_title(get("title"));
            c.forename = get("forename").to_string();
            c.surname = get("surname").to_string();
            let whole = get("name");
            if !whole.is_empty() {
                if c.forename.is_empty() && c.surname.is_empty() {
                    split_name(c, whole);
                } else {
                    c.name = String::new();
                }
            }
            if c.full_name().is_empty() {
                push(
                    &mut err,
                    line,
                    col_name("surname")
                        .or(col_name("forename"))
                        .or(col_name("name")),
                    format!(
                        "a contact{} has no name",
                        if per_pupil {
                            format!(" (group {group})")
                        } else {
                            String::new()
                        }
                    ),
                );
                remedy(
                    &mut err,
                    "give every contact a name in the MIS (or remove the empty contact), then export again",
                );
                continue;
            }
            // the address: lines, or one cell of several lines
            let mut lines: Vec<String> = (1..=4)
                .map(|n| get(&format!("address_{n}")).to_string())
                .collect();
            let block = get("address");
            let mut postcode = get("postcode").to_string();
            if lines.iter().all(|l| l.is_empty()) && !block.is_empty() {
                let mut parts: Vec<String> = block
                    .split(['\n', '\r', ','])
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                if postcode.is_empty()
                    && let Some(last) = parts.last()
                    && uk_postcode(last).is_some()
                {
                    postcode = parts.pop().expect("last");
                }
                if parts.len() > 4 {
                    let rest = parts.split_off(3);
                    parts.push(rest.join(", "));
                }
                for (slot, p) in lines.iter_mut().zip(parts) {
                    *slot = p;
                }
            }
            let lines: Vec<String> = lines.into_iter().filter(|l| !l.is_empty()).collect();
            for (k, l) in lines.into_iter().enumerate() {
                c.address[k] = l;
            }
            c.town = get("town").to_string();
            c.county = get("county").to_string();
            if !postcode.is_empty() {
                match uk_postcode(&postcode) {
                    Some(p) => c.postcode = p,
                    None => {
                        bad_postcodes.push(format!("line {line}"));
                        c.postcode = postcode.trim().to_string();
                    }
                }
            }
            c.home_phone = get("home_phone").to_string();
            c.work_phone = get("work_phone").to_string();
            c.mobile_phone = get("mobile_phone").to_string();
            c.email = get("email").to_string();
            if !c.email.is_empty() && !is_email(&c.email) {
                push(
                    &mut err,
                    line,
                    col_name("email"),
                    format!("{:?} is not an email address", c.email),
                );
                remedy(
                    &mut err,
                    "correct the email address in the MIS (or clear it), then export again",
                );
            }
            let method = get("preferred_contact");
            if !method.is_empty() {
                match contact_method_word(method) {
                    Some(w) => c.preferred_contact = w.to_string(),
                    None => unknown_methods
                        .entry(method.to_string())
                        .or_default()
                        .push(line),
                }
            }
            let flag = |f: &str, err: &mut ExportError| -> Option<bool> {
                let v = get(f);
                match yes_no(v) {
                    Some(b) => b,
                    None => {
                        push(
                            err,
                            line,
                            col_name(f),
                            format!("{v:?} is not yes or no (Y/N, Yes/No, True/False)"),
                        );
                        remedy(err, "export the yes/no columns as Y or N");
                        None
                    }
                }
            };
            e.parental_responsibility = flag("parental_responsibility", &mut err);
            e.lives_with_pupil = flag("lives_with_pupil", &mut err);
            let no_contact = flag("no_contact", &mut err);
            let receives = flag("receives_correspondence", &mut err);
            e.no_contact = match (no_contact, receives) {
                (Some(true), _) | (_, Some(false)) => Some(true),
                (Some(false), _) | (_, Some(true)) => Some(false),
                _ => None,
            };
            e.relationship = get("relationship").to_string();
            let p = get("priority");
            e.priority = if p.is_empty() {
                per_pupil.then_some(group)
            } else {
                match p.parse::<u32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        push(
                            &mut err,
                            line,
                            col_name("priority"),
                            format!("{p:?} is not a number (the contact's priority: 1, 2, 3...)"),
                        );
                        None
                    }
                }
            };
            e.present = cols
                .keys()
                .flat_map(|f| match *f {
                    "address" => vec!["address_1", "address_2", "address_3", "address_4"],
                    f => vec![f],
                })
                .filter_map(|f| super::PERSON_FIELDS.iter().find(|x| **x == f).copied())
                .collect();
            // an address is one thing: a file that gives any of it gives all of it
            const ADDRESS: [&str; 7] = [
                "address_1",
                "address_2",
                "address_3",
                "address_4",
                "town",
                "county",
                "postcode",
            ];
            if cols.contains_key("address") || ADDRESS.iter().any(|f| cols.contains_key(f)) {
                e.present.extend(ADDRESS);
            }
            out.entries.push(e);
        }
    }
    if !err.problems.is_empty() {
        return Err(err);
    }
    if !bad_postcodes.is_empty() {
        out.warnings.push(format!(
            "{} not shaped like a UK postcode (kept as written; check them before letters are posted): {}",
            if bad_postcodes.len() == 1 {
                "1 postcode is".to_string()
            } else {
                format!("{} postcodes are", bad_postcodes.len())
            },
            bad_postcodes.join(", ")
        ));
    }
    for (m, lines) in unknown_methods {
        out.warnings.push(format!(
            "preferred contact method {m:?} is not one attend knows (phone, text, email, letter, in person): left blank ({})",
            lines
                .iter()
                .map(|l| format!("line {l}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_are_read_with_their_groups() {
        let f = |s: &str| parse_field(s, &[]);
        assert_eq!(
            f("Contact 2 Forename"),
            Some(FieldCol {
                group: Some(2),
                prefixed: true,
                field: "forename"
            })
        );
        assert_eq!(f("Guardian1_Surname").unwrap().group, Some(1));
        assert_eq!(f("Priority 1 Mobile Phone").unwrap().field, "mobile_phone");
        assert_eq!(f("Primary Contact Email").unwrap().group, Some(1));
        assert_eq!(f("Contact Forename 3").unwrap().group, Some(3));
        assert_eq!(f("Contact Forename").unwrap().group, None);
        assert_eq!(f("Address Line 1").unwrap().field, "address_1");
        assert_eq!(f("Contact Address 2").unwrap().field, "address_2");
        assert_eq!(
            f("Parental Responsibility").unwrap().field,
            "parental_responsibility"
        );
        assert_eq!(f("E-mail").unwrap().field, "email");
        assert_eq!(f("Priority").unwrap().field, "priority");
        assert_eq!(f("Legal Surname"), None);
        let own = vec![("forename".to_string(), vec!["Parent First".to_string()])];
        assert_eq!(parse_field("Parent First", &own).unwrap().field, "forename");
    }

    #[test]
    fn contacts_exports_are_told_from_registers() {
        assert!(looks_like_contacts(
            &h(&["UPN", "Title", "Forename", "Surname", "Relationship"]),
            &[]
        ));
        assert!(looks_like_contacts(
            &h(&["UPN", "Contact 1 Forename", "Contact 1 Surname"]),
            &[]
        ));
        assert!(!looks_like_contacts(
            &h(&["UPN", "Surname", "Forename", "Mon 02/09/2024 AM"]),
            &[]
        ));
        assert!(!looks_like_contacts(
            &h(&["UPN", "Surname", "Date", "Session", "Mark"]),
            &[]
        ));
    }

    #[test]
    fn one_name_cell_is_split_where_it_can_be() {
        let mut c = Contact::default();
        split_name(&mut c, "Lee, Mrs Karen");
        assert_eq!(
            (c.title.as_str(), c.forename.as_str(), c.surname.as_str()),
            ("Mrs", "Karen", "Lee")
        );
        let mut c = Contact::default();
        split_name(&mut c, "MR  Jean Le Roux");
        assert_eq!((c.title.as_str(), c.name.as_str()), ("Mr", "Jean Le Roux"));
        assert_eq!(yes_no("Legal guardian"), Some(Some(true)));
        assert_eq!(yes_no(" N "), Some(Some(false)));
        assert_eq!(yes_no(""), Some(None));
        assert_eq!(yes_no("maybe"), None);
    }
}
