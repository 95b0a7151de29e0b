//! The export's columns: pupil columns by the names MIS exports give them, the long layout's
//! date, session and mark columns, session headers (`Mon 02/09/2024 AM`), and total rows.

use super::marks::trim_ascii;
use super::records::Fields;
use crate::dates::{Half, Session, parse_date};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Pupil columns by the names and aliases MIS exports use (compared after [`norm_header`]).
const PUPIL_ALIASES: &[(&str, &[&str])] = &[
    ("upn", &["upn", "unique pupil number", "pupil upn"]),
    (
        "admission_number",
        &[
            "adno",
            "adm no",
            "admission no",
            "admission number",
            "admissions number",
            "admission num",
        ],
    ),
    (
        "surname",
        &[
            "legal surname",
            "surname",
            "last name",
            "family name",
            "legal last name",
        ],
    ),
    (
        "forename",
        &[
            "legal forename",
            "forename",
            "first name",
            "given name",
            "legal first name",
            "forenames",
        ],
    ),
    (
        "preferred_surname",
        &["preferred surname", "preferred last name"],
    ),
    (
        "preferred_forename",
        &[
            "preferred forename",
            "preferred first name",
            "preferred name",
            "known as",
        ],
    ),
    ("gender", &["gender", "sex"]),
    ("dob", &["dob", "date of birth", "birth date", "birthdate"]),
    (
        "year",
        &[
            "year",
            "nc year",
            "year group",
            "national curriculum year",
            "yr",
            "ncyear",
            "year grp",
            "curriculum year",
        ],
    ),
    (
        "reg_group",
        &[
            "reg group",
            "registration group",
            "reg",
            "form",
            "class",
            "tutor group",
            "form group",
            "reg grp",
            "registration class",
        ],
    ),
    (
        "fsm",
        &[
            "fsm",
            "fsm eligible",
            "fsm eligibility",
            "free school meals",
            "eligible for fsm",
        ],
    ),
    (
        "sen",
        &[
            "sen status",
            "sen",
            "send",
            "sen provision",
            "send status",
            "sen need",
        ],
    ),
    (
        "eal",
        &[
            "eal",
            "first language",
            "english as an additional language",
            "eal status",
            "language",
        ],
    ),
];

pub(super) const LONG_DATE: &[&str] = &["date", "session date", "attendance date", "register date"];
pub(super) const LONG_SESSION: &[&str] = &[
    "session",
    "session name",
    "am/pm",
    "am pm",
    "ampm",
    "period",
    "half",
];
pub(super) const LONG_MARK: &[&str] = &[
    "mark",
    "code",
    "attendance mark",
    "attendance code",
    "session mark",
    "mark code",
];

/// Lower-case, trimmed, inner spaces collapsed, `_` and `.` read as spaces.
pub fn norm_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', '.'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn weekday_word(t: &str) -> Option<Weekday> {
    let t = t.trim_end_matches([',', '.']).to_ascii_lowercase();
    Some(match t.as_str() {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// What a header cell says about sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HeaderCell {
    /// A date and a half: one session column.
    Session(Session),
    /// A date alone (first row of a two-row header).
    Date(NaiveDate),
    /// A date whose weekday word does not match it (probably month/day order).
    WrongWeekday(NaiveDate, Weekday),
    /// Shaped like a date (with or without AM/PM) but not a date that exists, such as 31/02/2025.
    BadDate(String),
    Other,
}

/// Is `tok` shaped like a numeric date (`31/02/2025`, `2025-02-31`), whether or not it exists?
fn date_shaped(tok: &str) -> bool {
    let parts: Vec<&str> = tok.split(['/', '-', '.']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
        && (parts[0].len() == 4 || parts[2].len() == 4)
}

/// Read a header cell such as `Mon 02/09/2024 AM`, `2024-09-02 (pm)` or `02/09/2024`.
pub(super) fn parse_header_cell(cell: &str) -> HeaderCell {
    let t = cell.trim().trim_start_matches('\u{feff}');
    if t.is_empty() || !t.bytes().any(|b| b.is_ascii_digit()) {
        return HeaderCell::Other;
    }
    if let Some(tok) = t
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .find(|tok| date_shaped(tok))
        && parse_date(tok).is_none()
    {
        return HeaderCell::BadDate(tok.to_string());
    }
    let mut date = None;
    let mut half = None;
    let mut weekday = None;
    let tokens: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|s| !s.is_empty() && *s != "-")
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i];
        if let Some(d) = parse_date(tok) {
            if date.replace(d).is_some() {
                return HeaderCell::Other;
            }
        } else if let Some(h) = Half::parse(tok) {
            if half.replace(h).is_some() {
                return HeaderCell::Other;
            }
        } else if let Some(w) = weekday_word(tok) {
            weekday = Some(w);
        } else if i + 2 < tokens.len() {
            // "2 Sep 2024"
            let joined = format!("{} {} {}", tokens[i], tokens[i + 1], tokens[i + 2]);
            match parse_date(&joined) {
                Some(d) if date.is_none() => {
                    date = Some(d);
                    i += 2;
                }
                _ => return HeaderCell::Other,
            }
        } else {
            return HeaderCell::Other;
        }
        i += 1;
    }
    let Some(date) = date else {
        return HeaderCell::Other;
    };
    if let Some(w) = weekday
        && w != date.weekday()
    {
        return HeaderCell::WrongWeekday(date, w);
    }
    match half {
        Some(half) => HeaderCell::Session(Session { date, half }),
        None => HeaderCell::Date(date),
    }
}

/// A date cell of a long export: a date, optionally with a weekday, or an Excel serial number.
pub(super) fn parse_long_date(b: &[u8]) -> Option<(NaiveDate, Option<Half>)> {
    let t = std::str::from_utf8(b).ok()?.trim();
    if let Some(d) = parse_date(t) {
        return Some((d, None));
    }
    if t.len() == 5 && t.bytes().all(|c| c.is_ascii_digit()) {
        // An Excel serial date (the file was re-saved by Excel): days since 1899-12-30.
        let n: i64 = t.parse().ok()?;
        if (20000..80000).contains(&n) {
            let d = NaiveDate::from_ymd_opt(1899, 12, 30)? + Duration::days(n);
            return Some((d, None));
        }
    }
    match parse_header_cell(t) {
        HeaderCell::Date(d) => Some((d, None)),
        HeaderCell::Session(s) => Some((s.date, Some(s.half))),
        _ => None,
    }
}

pub(super) struct Columns {
    /// detail field name -> column index
    pub(super) pupil: Vec<(Cow<'static, str>, usize)>,
    pub(super) upn: Option<usize>,
    pub(super) adno: Option<usize>,
    pub(super) ignored: Vec<String>,
}

pub(super) fn find_pupil_columns(
    header: &[String],
    skip: &BTreeSet<usize>,
    own: &[(String, Vec<String>)],
) -> Columns {
    let mut pupil: Vec<(Cow<'static, str>, usize)> = Vec::new();
    let mut ignored = Vec::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let mut own_taken: BTreeSet<&str> = BTreeSet::new();
    for (k, h) in header.iter().enumerate() {
        if skip.contains(&k) {
            continue;
        }
        let n = norm_header(h);
        if n.is_empty() {
            continue;
        }
        // the school's own columns first: a school that names a column has the last word
        if let Some((name, _)) = own
            .iter()
            .find(|(_, hs)| hs.iter().any(|x| norm_header(x) == n))
        {
            if own_taken.insert(name.as_str()) {
                pupil.push((Cow::Owned(name.clone()), k));
            } else {
                ignored.push(h.trim().to_string());
            }
            continue;
        }
        let found = PUPIL_ALIASES
            .iter()
            .find(|(_, aliases)| aliases.contains(&n.as_str()))
            .map(|(f, _)| *f);
        match found {
            Some(f) if !taken.contains(f) => {
                taken.insert(f);
                pupil.push((Cow::Borrowed(f), k));
            }
            _ => ignored.push(h.trim().to_string()),
        }
    }
    let upn = pupil.iter().find(|(f, _)| f == "upn").map(|p| p.1);
    let adno = pupil
        .iter()
        .find(|(f, _)| f == "admission_number")
        .map(|p| p.1);
    Columns {
        pupil,
        upn,
        adno,
        ignored,
    }
}

pub(super) fn find_col(header: &[String], aliases: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| aliases.contains(&norm_header(h).as_str()))
}

/// Does a cell read like the label of a total row ("Total", "Totals:", "Number of pupils")?
fn is_total_label(b: &[u8]) -> bool {
    let t = trim_ascii(b);
    if t.is_empty() || t.len() > 40 || !t[0].is_ascii_alphabetic() {
        return false;
    }
    let t = String::from_utf8_lossy(t).to_ascii_lowercase();
    [
        "total",
        "totals",
        "grand total",
        "summary",
        "count",
        "average",
        "sum",
        "number of",
    ]
    .iter()
    .any(|w| {
        t.strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':']))
    })
}

/// Is this row a total / summary row (no pupil id; a label such as "Total")?
pub(super) fn is_summary_row(rec: &Fields<'_>, cols: &Columns) -> bool {
    let id_empty = |k: Option<usize>| k.is_none_or(|k| trim_ascii(rec.field(k)).is_empty());
    if let Some(k) = cols.upn
        && is_total_label(rec.field(k))
    {
        return true;
    }
    id_empty(cols.upn)
        && id_empty(cols.adno)
        && (0..rec.len().min(12)).any(|k| is_total_label(rec.field(k)))
}
