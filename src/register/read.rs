//! Reading a register export from a school's MIS (SIMS, Arbor, Bromcom...).
//!
//! * **Wide**: one row per pupil, pupil columns, then one column per session. Headers such as
//!   `02/09/2024 AM`, `Mon 02/09/2024 AM`, `2024-09-02 AM`, `02/09/2024 (am)`, or a two-row header
//!   (dates on the first row, AM/PM on the second).
//! * **Long**: one row per mark, with date, session (AM/PM) and mark columns.
//!
//! Encodings: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and
//! Windows-1252 (detected when the file's non-ASCII text is not UTF-8). The file is streamed: it is
//! never held in memory whole, and marks are kept as one byte per session.
//!
//! Nothing here writes: a problem anywhere is reported with its line (and column) and the import
//! stops before the store is touched.

use super::{Pupil, WEEK_SLOTS, slot_in_week};
use crate::codes::{Code, CodeSet, is_no_mark};
use crate::config::IdentifyBy;
use crate::dates::{Half, Session, is_weekend, monday_of, parse_date};
use crate::upn::{PupilId, Upn};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// A session the export does not cover (different from "covered, but no mark").
pub const NOT_COVERED: u8 = 0xFF;

/// The two shapes of export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Wide,
    Long,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Long => "long",
        }
    }
}

/// Text encodings an export may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Windows1252,
}

/// How to read an export.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub layout: Option<Layout>,
    pub encoding: Option<TextEncoding>,
    pub identify_by: IdentifyBy,
    /// A school's own marks and the DfE codes they stand for.
    pub code_map: BTreeMap<String, Code>,
    /// The school's own pupil columns to keep: (name in attend, the export's headers for it).
    pub pupil_columns: Vec<(String, Vec<String>)>,
}

/// Told how far the reading of an export has got, for a progress bar (the caller decides whether
/// and how to show one).
pub trait Progress {
    /// Reading a file of `total` bytes begins.
    fn start(&self, total: u64);
    /// The first `done` bytes of the file have been read.
    fn advance(&self, done: u64);
    /// Reading has ended, whether or not the file could be read.
    fn finish(&self);
}

/// No progress to show.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
}

/// One pupil as an export gives them.
#[derive(Debug, Clone)]
pub struct ExportPupil {
    pub details: Pupil,
    /// The line the pupil's (first) row is on.
    pub line: usize,
}

/// A pupil while the export is read: details, and marks over the weeks seen so far.
struct Reading {
    details: Pupil,
    line: usize,
    marks: Vec<u8>,
}

/// Everything read from one export.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub sha256: String,
    pub layout: Layout,
    pub encoding: &'static str,
    /// Data rows read (not counting headers, blank rows, or a skipped total row).
    pub rows: usize,
    /// Mondays of the weeks the export covers, sorted.
    pub weeks: Vec<NaiveDate>,
    /// Pupils, sorted by id.
    pub pupils: Vec<ExportPupil>,
    /// The pupils' marks, one row each (in `pupils` order) of `weeks.len() * WEEK_SLOTS` bytes:
    /// [`NOT_COVERED`], 0 (covered, no mark), or a code. See [`Export::row`].
    pub marks: Vec<u8>,
    /// Pupil detail fields (names as in `pupils.csv`) that the export has columns for.
    pub detail_fields: Vec<Cow<'static, str>>,
    /// Distinct sessions the export covers.
    pub sessions: usize,
    pub first_session: Option<Session>,
    pub last_session: Option<Session>,
    pub no_mark_cells: usize,
    pub code_sets: BTreeSet<CodeSet>,
    /// Things the user should know (ignored columns, a skipped total row, the encoding).
    pub notices: Vec<String>,
}

/// One problem found in an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c:?}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(c)) => write!(f, "column {c:?}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// A bad mark, aggregated: the mark, why, how often, and the first few places.
#[derive(Debug, Clone, Default)]
pub struct BadCode {
    pub count: usize,
    pub places: Vec<String>,
    pub reason: String,
}

/// Why an export cannot be imported. Nothing has been written.
#[derive(Debug, Clone, Default)]
pub struct ExportError {
    pub file: String,
    pub problems: Vec<Problem>,
    /// Marks that are not codes, or not codes for their session's date.
    pub bad_codes: BTreeMap<String, BadCode>,
    /// What to do about it.
    pub remedies: Vec<String>,
    pub truncated: bool,
}

const MAX_PROBLEMS: usize = 50;
const MAX_PLACES: usize = 5;

impl ExportError {
    fn new(file: &str) -> Self {
        ExportError {
            file: file.to_string(),
            ..Default::default()
        }
    }

    fn one(file: &str, line: Option<usize>, message: impl Into<String>, remedy: &str) -> Self {
        let mut e = ExportError::new(file);
        e.problems.push(Problem {
            line,
            column: None,
            message: message.into(),
        });
        if !remedy.is_empty() {
            e.remedies.push(remedy.to_string());
        }
        e
    }

    fn push(&mut self, line: Option<usize>, column: Option<&str>, message: impl Into<String>) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.truncated = true;
            return;
        }
        self.problems.push(Problem {
            line,
            column: column.map(str::to_string),
            message: message.into(),
        });
    }

    fn remedy(&mut self, r: &str) {
        if !self.remedies.iter().any(|x| x == r) {
            self.remedies.push(r.to_string());
        }
    }

    fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.bad_codes.is_empty()
    }

    fn too_many(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} cannot be imported:", self.file)?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        if self.truncated {
            writeln!(
                f,
                "  ... and more problems (only the first {MAX_PROBLEMS} are listed)"
            )?;
        }
        if !self.bad_codes.is_empty() {
            let total: usize = self.bad_codes.values().map(|b| b.count).sum();
            writeln!(
                f,
                "  {total} mark{} {} not attendance codes this import can take:",
                if total == 1 { "" } else { "s" },
                if total == 1 { "is" } else { "are" }
            )?;
            for (code, b) in &self.bad_codes {
                writeln!(
                    f,
                    "    {code:?}: {} ({} time{}), first at {}",
                    b.reason,
                    b.count,
                    if b.count == 1 { "" } else { "s" },
                    b.places.join("; ")
                )?;
            }
        }
        for r in &self.remedies {
            writeln!(f, "  What to do: {r}")?;
        }
        write!(f, "Nothing was imported: the register is as it was.")
    }
}

impl std::error::Error for ExportError {}

impl Export {
    /// The marks of pupil `i` (in [`Export::pupils`] order) over [`Export::weeks`].
    pub fn row(&self, i: usize) -> &[u8] {
        let n = self.weeks.len() * WEEK_SLOTS;
        &self.marks[i * n..(i + 1) * n]
    }
}

// ---------------------------------------------------------------------------------------------
// Column names
// ---------------------------------------------------------------------------------------------

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

const LONG_DATE: &[&str] = &["date", "session date", "attendance date", "register date"];
const LONG_SESSION: &[&str] = &[
    "session",
    "session name",
    "am/pm",
    "am pm",
    "ampm",
    "period",
    "half",
];
const LONG_MARK: &[&str] = &[
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

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// What a header cell says about sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HeaderCell {
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
fn parse_header_cell(cell: &str) -> HeaderCell {
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
fn parse_long_date(b: &[u8]) -> Option<(NaiveDate, Option<Half>)> {
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

// ---------------------------------------------------------------------------------------------
// Records: a streaming CSV splitter (quotes, doubled quotes, quoted newlines, CRLF)
// ---------------------------------------------------------------------------------------------

/// Reads records from a byte stream, keeping only a window of the file in memory.
struct Records<R: Read> {
    src: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Line number (1-based) of the record last returned.
    line: usize,
    next_line: usize,
    /// Field ranges into `buf` (fast path) or `scratch` (quoted records).
    ranges: Vec<(usize, usize)>,
    scratch: Vec<u8>,
    quoted: bool,
    consumed: u64,
}

impl<R: Read> Records<R> {
    fn new(src: R) -> Self {
        Records {
            src,
            buf: vec![0; 1 << 20],
            start: 0,
            end: 0,
            eof: false,
            line: 0,
            next_line: 1,
            ranges: Vec::with_capacity(512),
            scratch: Vec::new(),
            quoted: false,
            consumed: 0,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let n = self.buf.len() * 2;
            self.buf.resize(n, 0);
        }
        let n = self.src.read(&mut self.buf[self.end..])?;
        if n == 0 {
            self.eof = true;
        }
        self.end += n;
        Ok(())
    }

    /// Advance to the next record. Returns false at the end of the file.
    fn next(&mut self) -> io::Result<bool> {
        loop {
            let window = &self.buf[self.start..self.end];
            if let Some(nl) = memchr::memchr(b'\n', window) {
                let line = &window[..nl];
                if memchr::memchr(b'"', line).is_none() {
                    self.split_plain(nl);
                    return Ok(true);
                }
                if let Some(len) = self.split_quoted()? {
                    self.start += len;
                    return Ok(true);
                }
                // quoted field runs past the window: read more
                if self.eof {
                    return self.finish_last();
                }
                self.fill()?;
                continue;
            }
            if self.eof {
                return self.finish_last();
            }
            self.fill()?;
        }
    }

    fn finish_last(&mut self) -> io::Result<bool> {
        if self.start >= self.end {
            return Ok(false);
        }
        // a last line without a newline
        if self.end == self.buf.len() {
            self.buf.push(b'\n');
        } else {
            self.buf[self.end] = b'\n';
        }
        self.end += 1;
        let window = &self.buf[self.start..self.end];
        let nl = window.len() - 1;
        if memchr::memchr(b'"', &window[..nl]).is_none() {
            self.split_plain(nl);
            return Ok(true);
        }
        match self.split_quoted()? {
            Some(len) => {
                self.start += len;
                Ok(true)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a quoted field that starts on line {} is never closed",
                    self.next_line
                ),
            )),
        }
    }

    fn split_plain(&mut self, nl: usize) {
        let s = self.start;
        let mut e = s + nl;
        if e > s && self.buf[e - 1] == b'\r' {
            e -= 1;
        }
        self.ranges.clear();
        let mut f = s;
        for c in memchr::memchr_iter(b',', &self.buf[s..e]) {
            self.ranges.push((f, s + c));
            f = s + c + 1;
        }
        self.ranges.push((f, e));
        self.quoted = false;
        self.line = self.next_line;
        self.next_line += 1;
        self.consumed += (nl + 1) as u64;
        self.start += nl + 1;
    }

    /// Parse a record with quotes from `start`. Returns its length in bytes, or None if the
    /// window ends inside a quoted field.
    fn split_quoted(&mut self) -> io::Result<Option<usize>> {
        let window = &self.buf[self.start..self.end];
        self.scratch.clear();
        self.ranges.clear();
        let mut i = 0;
        let mut field_start = 0;
        let mut in_quotes = false;
        let mut newlines = 0;
        while i < window.len() {
            let c = window[i];
            if in_quotes {
                if c == b'"' {
                    if window.get(i + 1) == Some(&b'"') {
                        self.scratch.push(b'"');
                        i += 2;
                        continue;
                    }
                    if i + 1 == window.len() && !self.eof {
                        return Ok(None);
                    }
                    in_quotes = false;
                } else {
                    if c == b'\n' {
                        newlines += 1;
                    }
                    self.scratch.push(c);
                }
                i += 1;
                continue;
            }
            match c {
                b'"' if self.scratch.len() == field_start => in_quotes = true,
                b',' => {
                    self.ranges.push((field_start, self.scratch.len()));
                    field_start = self.scratch.len();
                }
                b'\n' => {
                    let mut e = self.scratch.len();
                    if e > field_start && self.scratch[e - 1] == b'\r' {
                        e -= 1;
                    }
                    self.ranges.push((field_start, e));
                    self.quoted = true;
                    self.line = self.next_line;
                    self.next_line += 1 + newlines;
                    self.consumed += (i + 1) as u64;
                    return Ok(Some(i + 1));
                }
                _ => self.scratch.push(c),
            }
            i += 1;
        }
        Ok(None)
    }

    /// The fields of the record last returned by [`Records::next`].
    fn fields(&self) -> Fields<'_> {
        Fields {
            buf: if self.quoted {
                &self.scratch
            } else {
                &self.buf
            },
            ranges: &self.ranges,
            line: self.line,
            plain: false,
            rest: None,
        }
    }

    /// Call `f` on every remaining record, until it returns false. The hot path of imports: line
    /// ends (and quotes) are found with SIMD over each window of the file; a line without quotes
    /// is handed over whole, to be split by the reader that knows what it needs; a record with
    /// quotes is parsed by [`Records::split_quoted`].
    fn for_each(&mut self, mut f: impl FnMut(&Row<'_>) -> bool) -> io::Result<()> {
        loop {
            let base = self.consumed - self.start as u64; // file offset of buf[0]
            let mut rec_start = self.start;
            let mut quote = false;
            let mut stop = false;
            {
                let window = &self.buf[..self.end];
                for p in memchr::memchr2_iter(b'\n', b'"', &window[self.start..]) {
                    let p = self.start + p;
                    if window[p] == b'"' {
                        quote = true;
                        break;
                    }
                    let mut e = p;
                    if e > rec_start && window[e - 1] == b'\r' {
                        e -= 1;
                    }
                    let row = Row {
                        kind: RowKind::Plain(&window[rec_start..e]),
                        line: self.next_line,
                        consumed: base + p as u64 + 1,
                    };
                    self.line = self.next_line;
                    self.next_line += 1;
                    rec_start = p + 1;
                    if !f(&row) {
                        stop = true;
                        break;
                    }
                }
            }
            self.consumed = base + rec_start as u64;
            self.start = rec_start;
            if stop {
                return Ok(());
            }
            if quote {
                match self.split_quoted()? {
                    Some(len) => {
                        self.start += len;
                        if !f(&self.quoted_row()) {
                            return Ok(());
                        }
                        continue;
                    }
                    None if !self.eof => {
                        self.fill()?;
                        continue;
                    }
                    None => {}
                }
            } else if !self.eof {
                self.fill()?;
                continue;
            }
            // end of file: a last record without a line end, if any
            if self.finish_last()? {
                if !f(&self.quoted_row()) {
                    return Ok(());
                }
                continue;
            }
            return Ok(());
        }
    }

    /// The record just parsed by `split_quoted` or `finish_last`, already split into fields.
    fn quoted_row(&self) -> Row<'_> {
        Row {
            kind: RowKind::Split(
                if self.quoted {
                    &self.scratch
                } else {
                    &self.buf
                },
                &self.ranges,
            ),
            line: self.line,
            consumed: self.consumed,
        }
    }
}

/// One record of the export, as found in the file.
struct Row<'a> {
    kind: RowKind<'a>,
    /// Its line number (1-based).
    line: usize,
    /// Bytes of the file read up to the end of this record (for progress bars).
    consumed: u64,
}

enum RowKind<'a> {
    /// A line without quotes (and without its line end), not yet split into fields.
    Plain(&'a [u8]),
    /// A record already split into fields (`ranges` into the buffer).
    Split(&'a [u8], &'a [(usize, usize)]),
}

impl<'a> Row<'a> {
    /// The record's fields. With `limit`, a plain line is split only into its first `limit`
    /// fields; where the rest begins is [`Fields::rest`].
    fn fields<'b>(&'b self, ranges: &'b mut Vec<(usize, usize)>, limit: Option<usize>) -> Fields<'b>
    where
        'a: 'b,
    {
        match self.kind {
            RowKind::Split(buf, r) => Fields {
                buf,
                ranges: r,
                line: self.line,
                plain: false,
                rest: None,
            },
            RowKind::Plain(line) => {
                ranges.clear();
                let rest = split_commas(line, ranges, limit.unwrap_or(usize::MAX));
                Fields {
                    buf: line,
                    ranges,
                    line: self.line,
                    plain: true,
                    rest,
                }
            }
        }
    }
}

/// Split `line` at commas into `ranges`, at most `limit` fields; returns where field `limit`
/// starts if the line has more fields than that.
fn split_commas(line: &[u8], ranges: &mut Vec<(usize, usize)>, limit: usize) -> Option<usize> {
    let mut field_start = 0;
    let mut block = 0;
    while block < line.len() {
        let mut m = comma_mask(&line[block..]);
        while m != 0 {
            let p = block + m.trailing_zeros() as usize;
            m &= m - 1;
            if p >= line.len() {
                break;
            }
            ranges.push((field_start, p));
            field_start = p + 1;
            if ranges.len() == limit {
                return Some(field_start);
            }
        }
        block += 64;
    }
    ranges.push((field_start, line.len()));
    None
}

/// The fields of one record.
struct Fields<'a> {
    buf: &'a [u8],
    ranges: &'a [(usize, usize)],
    /// Its line number (1-based).
    line: usize,
    /// A plain line (`buf` is the whole line).
    plain: bool,
    /// Split only partly: where the unsplit rest of the line begins.
    rest: Option<usize>,
}

impl Fields<'_> {
    /// Fields split (all of them, unless `rest` is set).
    fn len(&self) -> usize {
        self.ranges.len()
    }

    #[inline]
    fn field(&self, k: usize) -> &[u8] {
        match self.ranges.get(k) {
            Some(&(a, b)) => &self.buf[a..b],
            None => &[],
        }
    }

    /// Whether every field is empty or blank (a blank row).
    fn is_blank(&self) -> bool {
        if self.plain {
            self.buf
                .iter()
                .all(|b| b.is_ascii_whitespace() || *b == b',')
        } else {
            (0..self.len()).all(|k| self.field(k).iter().all(u8::is_ascii_whitespace))
        }
    }
}

/// Bit `i` is set when byte `i` of `b` (up to 64 bytes) is a comma.
#[cfg(target_arch = "x86_64")]
#[inline]
fn comma_mask(b: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    if b.len() < 64 {
        let mut pad = [0u8; 64];
        pad[..b.len()].copy_from_slice(b);
        return comma_mask(&pad);
    }
    // SAFETY: SSE2 is part of every x86_64 target, so these instructions always exist; each
    // unaligned load reads the 16 bytes b[16k..16k + 16], inside the slice (at least 64 bytes).
    unsafe {
        let comma = _mm_set1_epi8(b',' as i8);
        let mut m = 0u64;
        for k in 0..4 {
            let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast::<__m128i>());
            m |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) as u16) << (16 * k);
        }
        m
    }
}

/// Bit `i` is set when byte `i` of `b` (up to 64 bytes) is a comma.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn comma_mask(b: &[u8]) -> u64 {
    let mut m = 0u64;
    for (i, &c) in b.iter().take(64).enumerate() {
        m |= u64::from(c == b',') << i;
    }
    m
}

// ---------------------------------------------------------------------------------------------
// Text decoding
// ---------------------------------------------------------------------------------------------

/// Decides the encoding from the file's first non-ASCII text and decodes fields.
struct Decoder {
    forced: Option<TextEncoding>,
    bom: bool,
    seen: Option<TextEncoding>,
}

impl Decoder {
    fn name(&self) -> &'static str {
        match (self.forced, self.seen, self.bom) {
            (Some(TextEncoding::Windows1252), _, _) => "windows-1252",
            (Some(TextEncoding::Utf8), _, true) | (None, _, true) => "utf-8 (with byte-order mark)",
            (_, Some(TextEncoding::Windows1252), _) => "windows-1252",
            _ => "utf-8",
        }
    }

    /// Decode a field to text; `Err` names what is wrong.
    fn text(&mut self, b: &[u8]) -> Result<String, String> {
        if b.is_ascii() {
            return Ok(String::from_utf8_lossy(b).trim().to_string());
        }
        let mode = self.forced.or(self.seen);
        match mode {
            Some(TextEncoding::Windows1252) => {
                if self.forced.is_none() && std::str::from_utf8(b).is_ok() {
                    return Err(
                        "holds UTF-8 text, but earlier text in the file was Windows-1252: the file mixes encodings"
                            .into(),
                    );
                }
                let (t, _, _) = encoding_rs::WINDOWS_1252.decode(b);
                Ok(t.trim().to_string())
            }
            Some(TextEncoding::Utf8) => match std::str::from_utf8(b) {
                Ok(t) => Ok(t.trim().to_string()),
                Err(e) => Err(format!(
                    "byte 0x{:02X} is not valid UTF-8{}",
                    b[e.valid_up_to()],
                    if self.bom || self.forced.is_some() {
                        ""
                    } else {
                        ", but earlier text in the file was UTF-8: the file mixes encodings"
                    }
                )),
            },
            None => match std::str::from_utf8(b) {
                Ok(t) => {
                    self.seen = Some(TextEncoding::Utf8);
                    Ok(t.trim().to_string())
                }
                Err(e) if self.bom => Err(format!(
                    "byte 0x{:02X} is not valid UTF-8 (the file starts with a UTF-8 byte-order mark)",
                    b[e.valid_up_to()]
                )),
                Err(_) => {
                    self.seen = Some(TextEncoding::Windows1252);
                    let (t, _, _) = encoding_rs::WINDOWS_1252.decode(b);
                    Ok(t.trim().to_string())
                }
            },
        }
    }
}

/// Wraps a UTF-16 source, transcoding to UTF-8 as it is read.
struct Utf16ToUtf8<R: Read> {
    src: R,
    dec: encoding_rs::Decoder,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.src.read(&mut self.inbuf)?;
            let last = n == 0;
            self.out.clear();
            self.out.resize(n * 2 + 16, 0);
            let (_, _, written, _) = self
                .dec
                .decode_to_utf8(&self.inbuf[..n], &mut self.out, last);
            self.out.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        let k = buf.len().min(self.out.len() - self.pos);
        buf[..k].copy_from_slice(&self.out[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

// ---------------------------------------------------------------------------------------------
// Marks
// ---------------------------------------------------------------------------------------------

/// Turns cell text into stored bytes, counting bad codes.
struct MarkReader {
    code_map: FxHashMap<Vec<u8>, Code>,
    /// Fast lookup of single-byte cells: 0 = no mark, 1..=63 code, 0xFE = slow path.
    single: [u8; 256],
}

enum Cell {
    NoMark,
    Code(Code),
    Unknown,
}

impl MarkReader {
    fn new(map: &BTreeMap<String, Code>) -> Self {
        let code_map: FxHashMap<Vec<u8>, Code> = map
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), *v))
            .collect();
        let mut single = [0xFEu8; 256];
        for b in 0..=255u8 {
            if code_map.contains_key(&vec![b]) {
                continue; // mapped: slow path
            }
            if let Some(c) = Code::parse_bytes(&[b]) {
                single[b as usize] = c.as_u8();
            }
        }
        if !code_map.contains_key(b"-".as_slice()) {
            single[b'-' as usize] = 0;
        }
        if !code_map.contains_key(b" ".as_slice()) {
            single[b' ' as usize] = 0;
        }
        MarkReader { code_map, single }
    }

    #[inline]
    fn read(&self, cell: &[u8]) -> Cell {
        if cell.len() == 1 {
            let v = self.single[cell[0] as usize];
            if v == 0 {
                return Cell::NoMark;
            }
            if v != 0xFE {
                return Cell::Code(Code::from_u8(v).expect("table holds codes"));
            }
        }
        if cell.is_empty() {
            return Cell::NoMark;
        }
        self.read_slow(cell)
    }

    fn read_slow(&self, cell: &[u8]) -> Cell {
        let t = trim_ascii(cell);
        if let Some(c) = self.code_map.get(t) {
            return Cell::Code(*c);
        }
        let text = String::from_utf8_lossy(t);
        if is_no_mark(&text) {
            return Cell::NoMark;
        }
        match Code::parse_bytes(t) {
            Some(c) => Cell::Code(c),
            None => Cell::Unknown,
        }
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let s = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let e = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(s, |e| e + 1);
    &b[s..e]
}

fn bad_code(err: &mut ExportError, cell: &[u8], reason: String, place: String) {
    let key = String::from_utf8_lossy(trim_ascii(cell)).into_owned();
    let e = err.bad_codes.entry(key).or_default();
    if e.reason.is_empty() {
        e.reason = reason;
    }
    e.count += 1;
    if e.places.len() < MAX_PLACES {
        e.places.push(place);
    }
}

fn wrong_set_reason(code: Code, date: NaiveDate) -> String {
    match CodeSet::for_date(date) {
        CodeSet::Regs2006 => format!(
            "{code} is a code of the 2024 regulations, which apply to sessions from 19 August 2024; this session is before"
        ),
        CodeSet::Regs2024 => format!(
            "{code} was withdrawn on 19 August 2024 and cannot be used for later sessions{}",
            match code {
                Code::J => " (interviews are now J1)",
                Code::H => " (a holiday the school grants is now C)",
                Code::Y => " (use Y1 to Y7 or Q)",
                _ => "",
            }
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The reader
// ---------------------------------------------------------------------------------------------

struct Columns {
    /// detail field name -> column index
    pupil: Vec<(Cow<'static, str>, usize)>,
    upn: Option<usize>,
    adno: Option<usize>,
    ignored: Vec<String>,
}

fn find_pupil_columns(
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

fn find_col(header: &[String], aliases: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| aliases.contains(&norm_header(h).as_str()))
}

/// Is this row a total / summary row (no pupil id; a label such as "Total")?
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
fn is_summary_row(rec: &Fields<'_>, cols: &Columns) -> bool {
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

struct Builder<'a> {
    file: &'a str,
    opts: &'a ReadOptions,
    err: ExportError,
    dec: Decoder,
    marks: MarkReader,
    weeks: Vec<NaiveDate>,
    week_index: FxHashMap<NaiveDate, usize>,
    pupils: Vec<Reading>,
    by_id: FxHashMap<Box<[u8]>, u32>,
    code_sets: BTreeSet<CodeSet>,
    no_mark_cells: usize,
    rows: usize,
    identical_duplicates: usize,
}

impl<'a> Builder<'a> {
    fn week(&mut self, monday: NaiveDate) -> usize {
        if let Some(&w) = self.week_index.get(&monday) {
            return w;
        }
        let w = self.weeks.len();
        self.weeks.push(monday);
        self.week_index.insert(monday, w);
        w
    }

    /// Read the pupil id and details of a row; `None` if the row has a problem (recorded).
    fn pupil_of(&mut self, rec: &Fields<'_>, cols: &Columns) -> Option<(PupilId, Pupil)> {
        let line = rec.line;
        let upn_txt = cols
            .upn
            .map(|k| String::from_utf8_lossy(trim_ascii(rec.field(k))).into_owned())
            .unwrap_or_default();
        let adno_txt = cols
            .adno
            .map(|k| String::from_utf8_lossy(trim_ascii(rec.field(k))).into_owned())
            .unwrap_or_default();
        let id = if !upn_txt.is_empty() {
            match Upn::parse(&upn_txt) {
                Ok(u) => PupilId::from_upn(u),
                Err(e) => {
                    self.err.push(Some(line), Some("UPN"), e.to_string());
                    self.err.remedy(
                        "correct the UPN in the MIS (a UPN is a check letter and 12 characters) and export again",
                    );
                    return None;
                }
            }
        } else if self.opts.identify_by == IdentifyBy::AdmissionNumber && !adno_txt.is_empty() {
            match PupilId::from_admission_number(&adno_txt) {
                Ok(id) => id,
                Err(e) => {
                    self.err
                        .push(Some(line), Some("admission number"), e.to_string());
                    return None;
                }
            }
        } else {
            self.err
                .push(Some(line), Some("UPN"), "this row has no UPN");
            self.err.remedy(if cols.adno.is_some() {
                "add the missing UPNs in the MIS, or set `import: identify_by: admission_number` in attend.yaml to identify such rows by admission number"
            } else {
                "add the missing UPNs in the MIS and export again"
            });
            return None;
        };
        let mut p = Pupil {
            id: id.clone(),
            ..Default::default()
        };
        for (field, k) in &cols.pupil {
            let (field, k): (&str, usize) = (field, *k);
            if field == "upn" {
                continue;
            }
            let text = match self.dec.text(rec.field(k)) {
                Ok(t) => t,
                Err(why) => {
                    self.err.push(Some(line), Some(field), why);
                    self.err.remedy(
                        "export the file again as CSV UTF-8; or, if it is in the Windows-1252 encoding, say so with --encoding windows-1252",
                    );
                    continue;
                }
            };
            if field == "dob" && !text.is_empty() {
                match parse_date(&text) {
                    Some(d) => p.dob = Some(d),
                    None => self.err.push(
                        Some(line),
                        Some("date of birth"),
                        format!("{text:?} is not a date (write dd/mm/yyyy or yyyy-mm-dd)"),
                    ),
                }
                continue;
            }
            p.set_field(field, text);
        }
        Some((id, p))
    }

    /// Store one cell's mark at `slot` of pupil `pi`.
    #[inline]
    fn put(
        &mut self,
        pi: usize,
        slot: usize,
        cell: &[u8],
        session: Session,
        place: impl Fn() -> String,
    ) {
        let v = match self.marks.read(cell) {
            Cell::NoMark => {
                self.no_mark_cells += 1;
                0
            }
            Cell::Code(c) => {
                let set = CodeSet::for_date(session.date);
                if c.category(set).is_none() {
                    bad_code(
                        &mut self.err,
                        cell,
                        wrong_set_reason(c, session.date),
                        place(),
                    );
                    return;
                }
                self.code_sets.insert(set);
                c.as_u8()
            }
            Cell::Unknown => {
                bad_code(
                    &mut self.err,
                    cell,
                    "not a DfE attendance code".into(),
                    place(),
                );
                return;
            }
        };
        let m = &mut self.pupils[pi].marks;
        if m.len() <= slot {
            m.resize((slot / WEEK_SLOTS + 1) * WEEK_SLOTS, NOT_COVERED);
        }
        if m[slot] != NOT_COVERED {
            if m[slot] == v {
                self.identical_duplicates += 1;
            } else {
                self.err.push(
                    None,
                    None,
                    format!(
                        "{} has two different marks for {} ({}); {}",
                        self.pupils[pi].details.id,
                        session,
                        place(),
                        "an export should hold one mark per session"
                    ),
                );
            }
            return;
        }
        m[slot] = v;
    }
}

/// Open and read an export, telling `progress` how far it has got. Nothing is written.
pub fn read_export(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Export, ExportError> {
    let file_name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let shown = path.display().to_string();
    let open_err = |e: io::Error| {
        ExportError::one(
            &shown,
            None,
            format!("cannot open the file: {e}"),
            "check the file name and that you can read it",
        )
    };
    let mut f = File::open(path).map_err(open_err)?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(ExportError::one(
            &shown,
            None,
            "is a folder, not a file",
            "give the path of the CSV file",
        ));
    }
    if size == 0 {
        return Err(ExportError::one(
            &shown,
            None,
            "the file is empty",
            "export the register again from the MIS",
        ));
    }
    // hash the file on another thread, reading it a second time (from the page cache)
    let hash_path = path.to_path_buf();
    let hasher = std::thread::spawn(move || -> io::Result<String> {
        let mut f = File::open(hash_path)?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    });

    let mut head = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(open_err(e)),
        }
    }
    let head = &head[..got];
    progress.start(size);
    let result = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let dec = Decoder {
            forced: opts.encoding,
            bom: true,
            seen: None,
        };
        read_records(Records::new(f), dec, &shown, &file_name, opts, progress)
    } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let enc = if head[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let rest = head[2..].to_vec();
        let src = io::Cursor::new(rest).chain(f);
        let src = Utf16ToUtf8 {
            src,
            dec: enc.new_decoder_without_bom_handling(),
            inbuf: vec![0; 1 << 16],
            out: Vec::new(),
            pos: 0,
            done: false,
        };
        let dec = Decoder {
            forced: Some(TextEncoding::Utf8),
            bom: true,
            seen: None,
        };
        read_records(Records::new(src), dec, &shown, &file_name, opts, progress).map(|mut e| {
            e.encoding = if enc == encoding_rs::UTF_16LE {
                "utf-16le"
            } else {
                "utf-16be"
            };
            e
        })
    } else {
        let src = io::Cursor::new(head.to_vec()).chain(f);
        let dec = Decoder {
            forced: opts.encoding,
            bom: false,
            seen: None,
        };
        read_records(Records::new(src), dec, &shown, &file_name, opts, progress)
    };
    progress.finish();
    let mut export = result?;
    export.sha256 = match hasher.join() {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return Err(open_err(e)),
        Err(_) => {
            return Err(ExportError::one(
                &shown,
                None,
                "could not read the file to fingerprint it",
                "",
            ));
        }
    };
    Ok(export)
}

fn header_strings(rec: &Fields<'_>, dec: &mut Decoder) -> Vec<String> {
    (0..rec.len())
        .map(|k| {
            dec.text(rec.field(k))
                .unwrap_or_else(|_| String::from_utf8_lossy(rec.field(k)).into_owned())
        })
        .collect()
}

fn read_records<R: Read>(
    mut rec: Records<R>,
    dec: Decoder,
    shown: &str,
    file_name: &str,
    opts: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Export, ExportError> {
    let io_err = |e: io::Error| {
        ExportError::one(
            shown,
            None,
            format!("cannot be read: {e}"),
            "check that the file is a complete CSV export",
        )
    };
    let mut b = Builder {
        file: shown,
        opts,
        err: ExportError::new(shown),
        dec,
        marks: MarkReader::new(&opts.code_map),
        weeks: Vec::new(),
        week_index: FxHashMap::default(),
        pupils: Vec::new(),
        by_id: FxHashMap::default(),
        code_sets: BTreeSet::new(),
        no_mark_cells: 0,
        rows: 0,
        identical_duplicates: 0,
    };
    // header: skip blank lines before it
    loop {
        if !rec.next().map_err(io_err)? {
            return Err(ExportError::one(
                shown,
                None,
                "the file holds no text (only blank lines)",
                "export the register again from the MIS",
            ));
        }
        if !rec.fields().is_blank() {
            break;
        }
    }
    let header_line = rec.line;
    let mut header = header_strings(&rec.fields(), &mut b.dec);
    // trailing empty columns
    while header.last().is_some_and(|h| h.trim().is_empty()) && header.len() > 1 {
        header.pop();
    }
    if header.len() == 1 {
        let h = &header[0];
        let delim = [(';', "semicolons"), ('\t', "tabs"), ('|', "vertical bars")]
            .into_iter()
            .find(|(c, _)| h.contains(*c));
        let msg = match delim {
            Some((_, name)) => format!(
                "the header has a single column; the file seems to separate its columns with {name}, not commas"
            ),
            None => "the header has a single column, so this is not a register export".into(),
        };
        return Err(ExportError::one(
            shown,
            Some(header_line),
            msg,
            "export the register as CSV (comma-separated values) from the MIS, or in Excel use Save As > CSV (Comma delimited)",
        ));
    }
    let cells: Vec<HeaderCell> = header.iter().map(|h| parse_header_cell(h)).collect();
    for (k, c) in cells.iter().enumerate() {
        if let HeaderCell::BadDate(tok) = c {
            b.err.push(
                Some(header_line),
                Some(&header[k]),
                format!("{tok} is not a date that exists"),
            );
            b.err
                .remedy("correct the export's dates (dd/mm/yyyy or yyyy-mm-dd) and export again");
        }
        if let HeaderCell::WrongWeekday(d, w) = c {
            b.err.push(
                Some(header_line),
                Some(&header[k]),
                format!(
                    "says {} but {} is a {}; the dates may be month-first (US style)",
                    weekday_name(*w),
                    d.format("%d/%m/%Y"),
                    weekday_name(d.weekday())
                ),
            );
            b.err
                .remedy("export with UK dates (dd/mm/yyyy) or ISO dates (yyyy-mm-dd)");
        }
    }
    if !b.err.is_empty() {
        return Err(b.err);
    }
    let has_sessions = cells.iter().any(|c| matches!(c, HeaderCell::Session(_)));
    let has_dates = cells.iter().any(|c| matches!(c, HeaderCell::Date(_)));
    let long_cols = (
        find_col(&header, LONG_DATE),
        find_col(&header, LONG_SESSION),
        find_col(&header, LONG_MARK),
    );
    let layout = match opts.layout {
        Some(l) => l,
        None if has_sessions || has_dates => Layout::Wide,
        None if long_cols.0.is_some() && long_cols.2.is_some() => Layout::Long,
        None => {
            return Err(ExportError::one(
                shown,
                Some(header_line),
                "cannot tell the layout: the header has no session columns (such as \"02/09/2024 AM\") and no Date and Mark columns",
                "export the attendance register (marks per session) from the MIS; if it is a register, say which layout it is with --layout wide or --layout long",
            ));
        }
    };
    let export = match layout {
        Layout::Wide => read_wide(&mut rec, &mut b, header, cells, header_line, progress),
        Layout::Long => read_long(&mut rec, &mut b, header, long_cols, header_line, progress),
    }
    .map_err(|e| e.unwrap_or_else(|| std::mem::take(&mut b.err)))?;
    let mut export = export;
    export.file_name = file_name.to_string();
    Ok(export)
}

type ReadResult = Result<Export, Option<ExportError>>;

fn finish(
    b: &mut Builder<'_>,
    layout: Layout,
    columns: &Columns,
    summary_skipped: Option<usize>,
    blank_rows: usize,
) -> ReadResult {
    if !b.err.is_empty() {
        if !b.err.bad_codes.is_empty() {
            b.err.remedy(
                "correct the marks in the MIS and export again; or, if a mark is your school's own code, map it to the DfE code it stands for in attend.yaml, for example:\n      import:\n        code_map:\n          \"!\": O",
            );
        }
        return Err(None);
    }
    if b.pupils.is_empty() {
        return Err(Some(ExportError::one(
            b.file,
            None,
            "the file has a header but no pupil rows",
            "export the register again, with the pupils selected",
        )));
    }
    // sort weeks, remap every pupil's marks
    let mut order: Vec<usize> = (0..b.weeks.len()).collect();
    order.sort_by_key(|&w| b.weeks[w]);
    let sorted_weeks: Vec<NaiveDate> = order.iter().map(|&w| b.weeks[w]).collect();
    let n = sorted_weeks.len() * WEEK_SLOTS;
    let identity = order.iter().enumerate().all(|(i, &w)| i == w);
    let mut covered = vec![false; n];
    let mut reading = std::mem::take(&mut b.pupils);
    // sort by id through a permutation: the records are large, move each once
    let mut by_id: Vec<u32> = (0..reading.len() as u32).collect();
    by_id.sort_unstable_by(|&a, &c| {
        reading[a as usize]
            .details
            .id
            .cmp(&reading[c as usize].details.id)
    });
    let mut marks = vec![NOT_COVERED; by_id.len() * n];
    let mut pupils: Vec<ExportPupil> = Vec::with_capacity(by_id.len());
    for (r, &i) in by_id.iter().enumerate() {
        let p = &mut reading[i as usize];
        let m = &mut marks[r * n..(r + 1) * n];
        if identity {
            m[..p.marks.len()].copy_from_slice(&p.marks);
        } else {
            for (new_w, &old_w) in order.iter().enumerate() {
                let src = old_w * WEEK_SLOTS;
                if src < p.marks.len() {
                    m[new_w * WEEK_SLOTS..(new_w + 1) * WEEK_SLOTS]
                        .copy_from_slice(&p.marks[src..src + WEEK_SLOTS]);
                }
            }
        }
        for (c, v) in covered.iter_mut().zip(m.iter()) {
            *c |= *v != NOT_COVERED;
        }
        p.marks = Vec::new();
        pupils.push(ExportPupil {
            details: std::mem::take(&mut p.details),
            line: p.line,
        });
    }
    drop(reading);
    let slots: Vec<usize> = (0..n).filter(|&j| covered[j]).collect();
    let sess = |j: usize| super::session_at(sorted_weeks[j / WEEK_SLOTS], j % WEEK_SLOTS);
    let mut notices = Vec::new();
    if !columns.ignored.is_empty() {
        notices.push(format!(
            "columns not used: {}",
            columns
                .ignored
                .iter()
                .map(|c| format!("{c:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (name, headers) in &b.opts.pupil_columns {
        if !columns.pupil.iter().any(|(f, _)| f == name) {
            notices.push(format!(
                "attend.yaml's pupil column {name:?} is not in this export (looked for {}): pupils keep the value already held",
                headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
    }
    if let Some(line) = summary_skipped {
        notices.push(format!(
            "line {line} is a total/summary row, not a pupil: skipped"
        ));
    }
    if blank_rows > 0 {
        notices.push(format!(
            "{blank_rows} blank row{} skipped",
            if blank_rows == 1 { "" } else { "s" }
        ));
    }
    if b.identical_duplicates > 0 {
        notices.push(format!(
            "{} session{} appeared twice for the same pupil with the same mark; each was kept once",
            b.identical_duplicates,
            if b.identical_duplicates == 1 { "" } else { "s" }
        ));
    }
    let encoding = b.dec.name();
    if encoding == "windows-1252" && b.dec.forced.is_none() {
        notices.push("the file's text is Windows-1252 (not UTF-8); it was read as such".into());
    }
    Ok(Export {
        file_name: String::new(),
        sha256: String::new(),
        layout,
        encoding,
        rows: b.rows,
        weeks: sorted_weeks.clone(),
        pupils,
        marks,
        detail_fields: columns
            .pupil
            .iter()
            .map(|(f, _)| f.clone())
            .filter(|f| f != "upn")
            .collect(),
        sessions: slots.len(),
        first_session: slots.first().map(|&j| sess(j)),
        last_session: slots.last().map(|&j| sess(j)),
        no_mark_cells: b.no_mark_cells,
        code_sets: std::mem::take(&mut b.code_sets),
        notices,
    })
}

fn read_wide<R: Read>(
    rec: &mut Records<R>,
    b: &mut Builder<'_>,
    header: Vec<String>,
    cells: Vec<HeaderCell>,
    header_line: usize,
    progress: &dyn Progress,
) -> ReadResult {
    // Session columns: one-row headers, or dates on this row and AM/PM on the next.
    let mut sessions: Vec<Option<Session>> = cells
        .iter()
        .map(|c| match c {
            HeaderCell::Session(s) => Some(*s),
            _ => None,
        })
        .collect();
    let mut labels = header.clone();
    let has_sessions = sessions.iter().any(Option::is_some);
    if !has_sessions {
        // two-row header
        if !rec
            .next()
            .map_err(|e| Some(ExportError::one(b.file, None, e.to_string(), "")))?
        {
            return Err(Some(ExportError::one(
                b.file,
                Some(header_line),
                "the file has a header but no pupil rows",
                "export the register again, with the pupils selected",
            )));
        }
        let mut current: Option<NaiveDate> = None;
        let row2 = header_strings(&rec.fields(), &mut b.dec);
        let mut halves = 0;
        for k in 0..header.len().max(row2.len()) {
            match cells.get(k) {
                Some(HeaderCell::Date(d)) => current = Some(*d),
                Some(HeaderCell::Other) if header.get(k).is_some_and(|h| !h.trim().is_empty()) => {
                    current = None
                }
                _ => {}
            }
            let half = row2.get(k).and_then(|t| Half::parse(t));
            if let (Some(d), Some(h)) = (current, half) {
                if k >= sessions.len() {
                    sessions.resize(k + 1, None);
                    labels.resize(k + 1, String::new());
                }
                sessions[k] = Some(Session { date: d, half: h });
                labels[k] = format!("{} {}", d.format("%d/%m/%Y"), h.as_str());
                halves += 1;
            }
        }
        if halves == 0 {
            return Err(Some(ExportError::one(
                b.file,
                Some(header_line),
                "the header has dates but no AM/PM: expected session columns such as \"02/09/2024 AM\", or AM and PM on the row under the dates",
                "export the register with one column per session",
            )));
        }
    }
    // the pupil columns are the header cells that are not sessions
    let skip: BTreeSet<usize> = sessions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_some())
        .map(|(k, _)| k)
        .collect();
    let cols = find_pupil_columns(&header, &skip, &b.opts.pupil_columns);
    if cols.upn.is_none()
        && !(b.opts.identify_by == IdentifyBy::AdmissionNumber && cols.adno.is_some())
    {
        return Err(Some(ExportError::one(
            b.file,
            Some(header_line),
            "there is no UPN column",
            "include the UPN in the export (or, to identify pupils by admission number, include it and set `import: identify_by: admission_number` in attend.yaml)",
        )));
    }
    // duplicate and weekend session columns
    let mut seen: FxHashMap<Session, usize> = FxHashMap::default();
    let mut cols_ok = true;
    for (k, s) in sessions.iter().enumerate() {
        let Some(s) = s else { continue };
        if is_weekend(s.date) {
            b.err.push(
                Some(header_line),
                Some(&labels[k]),
                format!(
                    "{} is a {}: schools do not hold sessions at weekends",
                    s.date.format("%d/%m/%Y"),
                    weekday_name(s.date.weekday())
                ),
            );
            b.err.remedy("check the dates of the export: if they are month-first (US style), export UK dates (dd/mm/yyyy)");
            cols_ok = false;
        }
        if let Some(&first) = seen.get(s) {
            b.err.push(
                Some(header_line),
                Some(&labels[k]),
                format!(
                    "the session {s} has two columns (also column {:?})",
                    labels[first]
                ),
            );
            b.err.remedy("export each session once");
            cols_ok = false;
        } else {
            seen.insert(*s, k);
        }
    }
    if !cols_ok {
        return Err(None);
    }
    // slots of each session column
    let session_cols: Vec<(usize, Session, usize)> = sessions
        .iter()
        .enumerate()
        .filter_map(|(k, s)| s.map(|s| (k, s)))
        .map(|(k, s)| {
            let w = b.week(monday_of(s.date));
            (k, s, w * WEEK_SLOTS + slot_in_week(s))
        })
        .collect();
    let row_len = b.weeks.len() * WEEK_SLOTS;
    // per session column: its code set (index into the category table), and whether a code the
    // fast path accepted was seen in it
    let categories = crate::codes::category_table();
    let col_set: Vec<usize> = session_cols
        .iter()
        .map(|(_, s, _)| CodeSet::for_date(s.date).index())
        .collect();
    let needed = session_cols
        .iter()
        .map(|c| c.0)
        .chain(cols.pupil.iter().map(|c| c.1))
        .max()
        .unwrap_or(0)
        + 1;
    let mut summary: Option<usize> = None;
    let mut blank_rows = 0;
    let mut n = 0usize;
    let mut consumed = 0u64;
    // The fast path walks a plain row's session cells in place: it needs the pupil columns to
    // come before the first session column (as every MIS export we know has them).
    let first_col = session_cols.iter().map(|c| c.0).min().unwrap_or(0);
    let last_col = session_cols.iter().map(|c| c.0).max().unwrap_or(0);
    let fast = cols.pupil.iter().all(|(_, k)| *k < first_col);
    let mut plan: Vec<Option<usize>> = vec![None; last_col + 1 - first_col];
    for (c, (k, _, _)) in session_cols.iter().enumerate() {
        plan[k - first_col] = Some(c);
    }
    // per column of the walk: its slot, and which of the fast tables applies (the code set of
    // its date, or "not a session column")
    let ncols = plan.len();
    let plan_slot: Vec<u32> = plan
        .iter()
        .map(|c| c.map_or(u32::MAX, |c| session_cols[c].2 as u32))
        .collect();
    let plan_set: Vec<u8> = plan
        .iter()
        .map(|c| c.map_or(SKIP_COLUMN as u8, |c| col_set[c] as u8))
        .collect();
    // cell_code[table][byte]: the code a one-byte cell holds when valid for the table's code set;
    // SLOW for anything else (no mark, a mapped or unknown code, a code of the other set)
    let mut cell_code = [[SLOW; 256]; 3];
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        for byte in 0..=255u8 {
            let v = b.marks.single[byte as usize];
            if v != 0xFE && v != 0 && categories[set.index()][v as usize].is_some() {
                cell_code[set.index()][byte as usize] = v;
            }
        }
    }
    cell_code[SKIP_COLUMN] = [IGNORE; 256];
    let mut col_used = [false; 3];
    let mut slow: Vec<(usize, usize, usize)> = Vec::new();
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(64);
    rec.for_each(|row| {
        consumed = row.consumed;
        if n.is_multiple_of(256) {
            progress.advance(row.consumed);
        }
        n += 1;
        let rec = row.fields(&mut ranges, fast.then_some(first_col));
        if rec.is_blank() {
            blank_rows += 1;
            return true;
        }
        if is_summary_row(&rec, &cols) {
            if summary.is_none() {
                summary = Some(rec.line);
            }
            return true;
        }
        if let Some(s) = summary {
            b.err.push(
                Some(s),
                None,
                "looks like a total/summary row, but pupil rows follow it",
            );
            b.err
                .remedy("remove the row, or export the register without totals");
            summary = None;
        }
        let cut_short = |b: &mut Builder<'_>, fields: usize| {
            b.err.push(
                Some(rec.line),
                None,
                format!(
                    "has {fields} columns but the header has {}: the row is cut short",
                    header.len()
                ),
            );
            b.err.remedy(
                "export the register again; if the file was edited by hand, check that line",
            );
        };
        let too_long = |b: &mut Builder<'_>, fields: usize| {
            b.err.push(
                Some(rec.line),
                None,
                format!("has {fields} columns but the header has {}: the row has values with no column heading", header.len()),
            );
            b.err.remedy("check that the file's columns line up with its header (a stray comma in a name must be in quotes)");
        };
        if rec.rest.is_none() {
            // split whole: check its length now
            if rec.len() < needed {
                cut_short(b, rec.len());
                return !b.err.too_many();
            }
            if rec.len() > header.len()
                && (header.len()..rec.len()).any(|k| !trim_ascii(rec.field(k)).is_empty())
            {
                too_long(b, rec.len());
                return !b.err.too_many();
            }
        }
        let Some((id, details)) = b.pupil_of(&rec, &cols) else {
            return !b.err.too_many();
        };
        if let Some(&first) = b.by_id.get(id.as_str().as_bytes()) {
            let first = b.pupils[first as usize].line;
            b.err.push(
                Some(rec.line),
                Some("UPN"),
                format!("{id} already has a row, on line {first}: each pupil must have one row"),
            );
            b.err.remedy(
                "export the register again; if two pupils share a UPN, correct it in the MIS",
            );
            return true;
        }
        b.rows += 1;
        let pi = b.pupils.len();
        b.by_id.insert(id.as_str().as_bytes().into(), pi as u32);
        b.pupils.push(Reading {
            details,
            line: rec.line,
            marks: vec![NOT_COVERED; row_len],
        });
        let line = rec.line;
        let Some(rest) = rec.rest else {
            // split whole (a record with quotes, or pupil columns among the sessions)
            for (c, &(k, s, slot)) in session_cols.iter().enumerate() {
                let cell = rec.field(k);
                if cell.len() == 1 {
                    let v = b.marks.single[cell[0] as usize];
                    if v != 0xFE && v != 0 && categories[col_set[c]][v as usize].is_some() {
                        col_used[col_set[c]] = true;
                        b.pupils[pi].marks[slot] = v;
                        continue;
                    }
                }
                let label = &labels[k];
                b.put(pi, slot, cell, s, || format!("line {line}, column {label:?}"));
            }
            return !b.err.too_many();
        };
        // the fast path: walk the session cells in place, eight at a time where the row has
        // eight one-byte cells in a row; other cells are handled after the walk
        let text = rec.buf;
        let len = text.len();
        let mut pos = rest;
        let mut ci = 0;
        slow.clear();
        {
            let m = &mut b.pupils[pi].marks[..];
            while ci < ncols {
                if ci + 8 <= ncols && pos + 16 <= len && eight_short_cells(&text[pos..pos + 16]) {
                    for t in 0..8 {
                        let c = ci + t;
                        let v = cell_code[plan_set[c] as usize][text[pos + 2 * t] as usize];
                        if v < IGNORE {
                            m[plan_slot[c] as usize] = v;
                            col_used[plan_set[c] as usize] = true;
                        } else if v != IGNORE {
                            slow.push((c, pos + 2 * t, pos + 2 * t + 1));
                        }
                    }
                    ci += 8;
                    pos += 16;
                    continue;
                }
                if pos > len {
                    break;
                }
                let end = if pos < len
                    && text[pos] != b','
                    && (pos + 1 == len || text[pos + 1] == b',')
                {
                    pos + 1
                } else {
                    memchr::memchr(b',', &text[pos..]).map_or(len, |x| pos + x)
                };
                let v = if end == pos + 1 {
                    cell_code[plan_set[ci] as usize][text[pos] as usize]
                } else if plan_set[ci] as usize == SKIP_COLUMN {
                    IGNORE
                } else {
                    SLOW
                };
                if v < IGNORE {
                    m[plan_slot[ci] as usize] = v;
                    col_used[plan_set[ci] as usize] = true;
                } else if v != IGNORE {
                    slow.push((ci, pos, end));
                }
                ci += 1;
                pos = end + 1;
            }
        }
        for &(c, from, to) in slow.iter() {
            let (k, s, slot) = session_cols[plan[c].expect("a session column")];
            let label = &labels[k];
            b.put(pi, slot, &text[from..to], s, || format!("line {line}, column {label:?}"));
        }
        if ci < ncols {
            cut_short(b, first_col + ci);
            return !b.err.too_many();
        }
        if pos <= len {
            // more fields after the last session column: only empty ones beyond the header
            let done = first_col + plan.len();
            let mut k = done;
            let mut too_many = false;
            for f in text[pos..].split(|c| *c == b',') {
                if k >= header.len() && !trim_ascii(f).is_empty() {
                    too_many = true;
                }
                k += 1;
            }
            if too_many {
                too_long(b, k);
            }
        }
        !b.err.too_many()
    })
    .map_err(|e| Some(ExportError::one(b.file, None, format!("cannot be read: {e}"), "")))?;
    progress.advance(consumed);
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        if col_used[set.index()] {
            b.code_sets.insert(set);
        }
    }
    finish(b, Layout::Wide, &cols, summary, blank_rows)
}

/// The wide walk's table for columns that are not sessions.
const SKIP_COLUMN: usize = 2;
/// In the wide walk's tables: a cell to ignore (not a session column).
const IGNORE: u8 = 0xFD;
/// In the wide walk's tables: a cell for the careful path.
const SLOW: u8 = 0xFE;

/// Do these 16 bytes hold eight one-byte cells, each followed by a comma?
#[inline]
fn eight_short_cells(b: &[u8]) -> bool {
    comma_mask16(b) == 0xAAAA
}

/// Bit `i` is set when byte `i` of the 16 bytes is a comma.
#[cfg(target_arch = "x86_64")]
#[inline]
fn comma_mask16(b: &[u8]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    assert!(b.len() >= 16);
    // SAFETY: SSE2 is part of every x86_64 target; the load reads b[0..16], inside the slice.
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr().cast::<__m128i>());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8))) as u32 & 0xFFFF
    }
}

/// Bit `i` is set when byte `i` of the 16 bytes is a comma.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn comma_mask16(b: &[u8]) -> u32 {
    let mut m = 0u32;
    for (i, &c) in b[..16].iter().enumerate() {
        m |= u32::from(c == b',') << i;
    }
    m
}

/// What a long export's date cell says, worked out once per distinct cell text.
#[derive(Debug, Clone, Copy)]
struct Day {
    date: NaiveDate,
    /// A half given in the date cell itself ("02/09/2024 AM").
    half: Option<Half>,
    /// The slot of the day's AM session in the export's weeks; `usize::MAX` at a weekend.
    slot0: usize,
    /// Index of the code set in force.
    set: usize,
}

const DAY_CACHE: usize = 4096;

/// A cell of up to 16 bytes as a cache key: its bytes (zero-padded) and its length. Longer cells
/// are never cached (their key's length is 0, which no cached entry has).
#[inline]
fn date_key(cell: &[u8]) -> (u64, u64, u8) {
    if cell.is_empty() || cell.len() > 16 {
        return (0, 0, 0);
    }
    let mut k = [0u8; 16];
    k[..cell.len()].copy_from_slice(cell);
    (
        u64::from_le_bytes(k[..8].try_into().expect("8 bytes")),
        u64::from_le_bytes(k[8..].try_into().expect("8 bytes")),
        cell.len() as u8,
    )
}

fn read_long<R: Read>(
    rec: &mut Records<R>,
    b: &mut Builder<'_>,
    header: Vec<String>,
    (date_col, session_col, mark_col): (Option<usize>, Option<usize>, Option<usize>),
    header_line: usize,
    progress: &dyn Progress,
) -> ReadResult {
    let (Some(date_col), Some(mark_col)) = (date_col, mark_col) else {
        return Err(Some(ExportError::one(
            b.file,
            Some(header_line),
            "a long export needs a Date column and a Mark column (and a Session column for AM/PM)",
            "export the register with one row per mark: UPN, Date, Session, Mark",
        )));
    };
    let skip: BTreeSet<usize> = [Some(date_col), session_col, Some(mark_col)]
        .into_iter()
        .flatten()
        .collect();
    let cols = find_pupil_columns(&header, &skip, &b.opts.pupil_columns);
    if cols.upn.is_none()
        && !(b.opts.identify_by == IdentifyBy::AdmissionNumber && cols.adno.is_some())
    {
        return Err(Some(ExportError::one(
            b.file,
            Some(header_line),
            "there is no UPN column",
            "include the UPN in the export",
        )));
    }
    let id_col = cols.upn.or(cols.adno).expect("checked");
    let needed = [date_col, mark_col, id_col]
        .into_iter()
        .chain(session_col)
        .max()
        .unwrap_or(0)
        + 1;
    // caches: the date text of the last rows, and each session's slot
    let categories = crate::codes::category_table();
    let mut day_cache: Vec<((u64, u64, u8), Option<Day>)> = vec![((0, 0, 0), None); DAY_CACHE];
    let mut sets_used = [false; 2];
    let mut summary: Option<usize> = None;
    let mut blank_rows = 0;
    let mut n = 0usize;
    let mut weekend_reported: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut last_id: Vec<u8> = Vec::new();
    let mut last_pi = usize::MAX;
    let mut consumed = 0u64;
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(32);
    rec.for_each(|row| {
        consumed = row.consumed;
        let rec = row.fields(&mut ranges, None);
        n += 1;
        if n.is_multiple_of(4096) {
            progress.advance(row.consumed);
        }
        if rec.len() < needed {
            if rec.is_blank() {
                blank_rows += 1;
                return true;
            }
            if is_summary_row(&rec, &cols) {
                summary.get_or_insert(rec.line);
                return true;
            }
            b.err.push(
                Some(rec.line),
                None,
                format!(
                    "has {} columns but the header has {}: the row is cut short",
                    rec.len(),
                    header.len()
                ),
            );
            b.err.remedy(
                "export the register again; if the file was edited by hand, check that line",
            );
            if b.err.too_many() {
                return false;
            }
            return true;
        }
        // the pupil: usually the same as the row before
        let idf = trim_ascii(rec.field(id_col));
        let pi = if !idf.is_empty() && idf == last_id.as_slice() {
            last_pi
        } else if let Some(&pi) = b.by_id.get(idf) {
            last_id.clear();
            last_id.extend_from_slice(idf);
            last_pi = pi as usize;
            pi as usize
        } else {
            if rec.is_blank() {
                blank_rows += 1;
                return true;
            }
            if is_summary_row(&rec, &cols) {
                summary.get_or_insert(rec.line);
                return true;
            }
            let Some((id, details)) = b.pupil_of(&rec, &cols) else {
                if b.err.too_many() {
                    return false;
                }
                return true;
            };
            // the raw id text may differ from the canonical id (lower case, spaces)
            let key: Box<[u8]> = idf.into();
            let pi = match b.by_id.get(id.as_str().as_bytes()) {
                Some(&pi) => pi as usize,
                None => {
                    let pi = b.pupils.len();
                    b.pupils.push(Reading {
                        details,
                        line: rec.line,
                        marks: Vec::new(),
                    });
                    b.by_id.insert(id.as_str().as_bytes().into(), pi as u32);
                    pi
                }
            };
            b.by_id.insert(key, pi as u32);
            last_id.clear();
            last_id.extend_from_slice(idf);
            last_pi = pi;
            pi
        };
        if let Some(s) = summary.take() {
            b.err.push(
                Some(s),
                None,
                "looks like a total/summary row, but more rows follow it",
            );
        }
        b.rows += 1;
        // the date: a small direct-mapped cache from the cell's text to what the day is
        let dcell = rec.field(date_col);
        let key = date_key(dcell);
        let slot_of_key = ((key.0 ^ key.1.rotate_left(23)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            >> (64 - DAY_CACHE.trailing_zeros())) as usize;
        let e = &mut day_cache[slot_of_key];
        let day = if e.0 == key && key.2 != 0 {
            e.1
        } else {
            let parsed = parse_long_date(dcell).map(|(date, half)| Day {
                date,
                half,
                slot0: if is_weekend(date) {
                    usize::MAX
                } else {
                    b.week(monday_of(date)) * WEEK_SLOTS
                        + 2 * date.weekday().num_days_from_monday() as usize
                },
                set: CodeSet::for_date(date).index(),
            });
            if key.2 != 0 {
                *e = (key, parsed);
            }
            parsed
        };
        let Some(day) = day else {
            b.err.push(
                Some(rec.line),
                Some(&header[date_col]),
                format!(
                    "{:?} is not a date (or not one that exists)",
                    String::from_utf8_lossy(dcell)
                ),
            );
            b.err.remedy("export dates as dd/mm/yyyy or yyyy-mm-dd");
            return !b.err.too_many();
        };
        let date = day.date;
        let half = match session_col.map(|k| rec.field(k)) {
            Some(cell) => match cell {
                b"AM" => Some(Half::Am),
                b"PM" => Some(Half::Pm),
                _ => std::str::from_utf8(cell).ok().and_then(Half::parse),
            },
            None => day.half,
        };
        let Some(half) = half else {
            let col = session_col.map(|k| header[k].as_str()).unwrap_or("Session");
            let text = session_col
                .map(|k| String::from_utf8_lossy(rec.field(k)).into_owned())
                .unwrap_or_default();
            b.err.push(
                Some(rec.line),
                Some(col),
                format!("{text:?} is not a session: expected AM or PM"),
            );
            return !b.err.too_many();
        };
        if day.slot0 == usize::MAX {
            if weekend_reported.insert(date) {
                b.err.push(
                    Some(rec.line),
                    Some(&header[date_col]),
                    format!(
                        "{} is a {}: schools do not hold sessions at weekends",
                        date.format("%d/%m/%Y"),
                        weekday_name(date.weekday())
                    ),
                );
                b.err.remedy("check the dates of the export: if they are month-first (US style), export UK dates (dd/mm/yyyy)");
            }
            return true;
        }
        let slot = day.slot0 + usize::from(half == Half::Pm);
        // the commonest mark: one byte, a code valid for the day, the session not yet seen
        let mcell = rec.field(mark_col);
        if mcell.len() == 1 {
            let v = b.marks.single[mcell[0] as usize];
            if v != 0xFE && v != 0 && categories[day.set][v as usize].is_some() {
                let m = &mut b.pupils[pi].marks;
                if m.len() <= slot {
                    m.resize((slot / WEEK_SLOTS + 1) * WEEK_SLOTS, NOT_COVERED);
                }
                if m[slot] == NOT_COVERED {
                    m[slot] = v;
                    sets_used[day.set] = true;
                    return true;
                }
            }
        }
        let s = Session { date, half };
        let line = rec.line;
        let mark_header = &header[mark_col];
        b.put(pi, slot, mcell, s, || {
            format!(
                "line {line}, column {mark_header:?} ({} {})",
                date.format("%d/%m/%Y"),
                half.as_str()
            )
        });
        if b.err.too_many() {
            return false;
        }
        true
    })
    .map_err(|e| Some(ExportError::one(b.file, None, format!("cannot be read: {e}"), "")))?;
    progress.advance(consumed);
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        if sets_used[set.index()] {
            b.code_sets.insert(set);
        }
    }
    finish(b, Layout::Long, &cols, summary, blank_rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn header_cells_in_the_shapes_mis_exports_use() {
        let am = |y, m, dd| {
            HeaderCell::Session(Session {
                date: d(y, m, dd),
                half: Half::Am,
            })
        };
        assert_eq!(parse_header_cell("02/09/2024 AM"), am(2024, 9, 2));
        assert_eq!(parse_header_cell("Mon 02/09/2024 AM"), am(2024, 9, 2));
        assert_eq!(parse_header_cell("2024-09-02 AM"), am(2024, 9, 2));
        assert_eq!(parse_header_cell("02/09/2024 (am)"), am(2024, 9, 2));
        assert_eq!(parse_header_cell("Monday 2 Sep 2024 AM"), am(2024, 9, 2));
        assert_eq!(
            parse_header_cell("02/09/2024"),
            HeaderCell::Date(d(2024, 9, 2))
        );
        assert_eq!(
            parse_header_cell("Tue 02/09/2024 AM"),
            HeaderCell::WrongWeekday(d(2024, 9, 2), Weekday::Tue)
        );
        assert_eq!(
            parse_header_cell("31/02/2025 AM"),
            HeaderCell::BadDate("31/02/2025".into())
        );
        assert_eq!(
            parse_header_cell("2025-02-31"),
            HeaderCell::BadDate("2025-02-31".into())
        );
        assert_eq!(parse_header_cell("UPN"), HeaderCell::Other);
        assert_eq!(parse_header_cell("Year 7"), HeaderCell::Other);
    }

    #[test]
    fn records_split_quotes_and_newlines() {
        let text = b"a,b,c\r\n\"O'Brien, Zo\xc3\xab\",\"say \"\"hi\"\"\",x\n\"multi\nline\",2,3\nlast,no,newline";
        let mut r = Records::new(&text[..]);
        let mut rows = Vec::new();
        let mut ranges = Vec::new();
        r.for_each(|row| {
            let f = row.fields(&mut ranges, None);
            rows.push((
                f.line,
                (0..f.len())
                    .map(|k| String::from_utf8_lossy(f.field(k)).into_owned())
                    .collect::<Vec<_>>(),
            ));
            true
        })
        .unwrap();
        assert_eq!(rows[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(
            rows[1],
            (
                2,
                vec!["O'Brien, Zoë".into(), "say \"hi\"".into(), "x".into()]
            )
        );
        assert_eq!(
            rows[2],
            (3, vec!["multi\nline".into(), "2".into(), "3".into()])
        );
        assert_eq!(
            rows[3],
            (5, vec!["last".into(), "no".into(), "newline".into()])
        );
    }

    proptest::proptest! {
        #[test]
        fn split_commas_agrees_with_a_plain_split(line in "[a-c,/\\\\]{0,200}", limit in 1usize..12) {
            let mut ranges = Vec::new();
            let rest = split_commas(line.as_bytes(), &mut ranges, usize::MAX);
            proptest::prop_assert!(rest.is_none());
            let got: Vec<&str> = ranges.iter().map(|&(a, b)| &line[a..b]).collect();
            let want: Vec<&str> = line.split(',').collect();
            proptest::prop_assert_eq!(&got, &want);
            // with a limit: the first `limit` fields, and where the rest begins
            let mut ranges = Vec::new();
            let rest = split_commas(line.as_bytes(), &mut ranges, limit);
            if want.len() > limit {
                let start = rest.expect("more fields than the limit");
                proptest::prop_assert_eq!(ranges.len(), limit);
                proptest::prop_assert_eq!(&line[start..], want[limit..].join(","));
            } else {
                proptest::prop_assert!(rest.is_none());
                proptest::prop_assert_eq!(ranges.len(), want.len());
            }
        }
    }

    #[test]
    fn records_survive_tiny_buffers() {
        // a record longer than the initial window forces the buffer to grow
        let long = format!("\"{}\",1\n", "x".repeat(3 << 20));
        let mut r = Records::new(long.as_bytes());
        let mut lens = Vec::new();
        let mut ranges = Vec::new();
        r.for_each(|row| {
            lens.push(row.fields(&mut ranges, None).field(0).len());
            true
        })
        .unwrap();
        assert_eq!(lens, [3 << 20]);
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }

    #[test]
    fn windows_1252_is_detected_and_names_survive() {
        let dir = tempfile::tempdir().unwrap();
        let (cp, _, _) = encoding_rs::WINDOWS_1252
            .encode("UPN,Surname,Forename,02/09/2024 AM\r\nB801200005001,O'Brien,Zoë,/\r\n");
        let p = write(dir.path(), "r.csv", &cp);
        let e = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap();
        assert_eq!(e.encoding, "windows-1252");
        assert_eq!(e.pupils[0].details.forename, "Zoë");
        assert_eq!(e.pupils[0].details.surname, "O'Brien");
    }

    #[test]
    fn a_bad_byte_in_a_utf8_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = "UPN,Surname,Forename,02/09/2024 AM\nB801200005001,Zoë,Ann,/\n"
            .as_bytes()
            .to_vec();
        text.extend_from_slice(b"P207000016049,Sm\xffth,Bo,/\n");
        let p = write(dir.path(), "r.csv", &text);
        let err = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("0xFF"), "{msg}");
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let text = "UPN,Surname,Forename,02/09/2024 AM\r\nB801200005001,Łukasz,Zoë,L\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let p = write(dir.path(), "r.csv", &bytes);
        let e = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap();
        assert_eq!(e.pupils[0].details.surname, "Łukasz");
        assert_eq!(e.encoding, "utf-16le");
    }
}
