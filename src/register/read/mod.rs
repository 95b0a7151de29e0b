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

mod build;
mod clean;
mod columns;
mod decode;
mod fingerprint;
mod halves;
mod long;
mod marks;
mod plausible;
mod reader;
mod records;
#[allow(unsafe_code)]
mod simd;
#[cfg(test)]
mod tests;
mod wide;

pub use columns::norm_header;
pub use plausible::latest_plausible;
pub use reader::{PendingFingerprint, read_export, read_export_fingerprint_pending};

use super::{Pupil, WEEK_SLOTS};
use crate::codes::{Code, CodeSet};
use crate::config::IdentifyBy;
use crate::dates::Session;
use crate::text::plural;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

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
    /// Today (`--as-of`): an export may hold sessions up to the end of the next school year
    /// ([`latest_plausible`]). `None` only where no day is known (tests of the reader).
    pub as_of: Option<NaiveDate>,
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
    /// Which sessions and pupils' rows the export has cells for, and how many hold a mark.
    pub coverage: Coverage,
}

/// Which slots and rows of an export's marks hold a cell, and how many cells hold a mark: worked
/// out in one pass as the export is finished, so that the merge need not look at every row
/// again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Per slot: whether any pupil's row has a cell (is not [`NOT_COVERED`]) there.
    pub slots: Vec<bool>,
    /// Per pupil: whether the row has a cell in any slot.
    pub rows: Vec<bool>,
    /// Cells that hold a mark (not blank, not [`NOT_COVERED`]).
    pub marked: usize,
    /// Slots of pupils' rows with no cell ([`NOT_COVERED`]).
    pub not_covered: usize,
}

impl Coverage {
    /// Whether every cell not covered is in a slot no row covers (a wide export's rows, each
    /// whole): "not covered" is then only in those slots.
    pub fn only_whole_slots(&self) -> bool {
        let missing = self.slots.iter().filter(|&&c| !c).count();
        self.not_covered == missing * self.rows.len()
    }
}

impl Coverage {
    /// The coverage of `pupils` rows of `n` slots each, worked out on the machine's cores.
    pub fn of(marks: &[u8], pupils: usize, n: usize) -> Coverage {
        let parts = crate::parallel::map_ranges(pupils, 8192, |rows| {
            let mut c = Coverage {
                slots: vec![false; n],
                rows: Vec::with_capacity(rows.len()),
                ..Coverage::default()
            };
            for i in rows {
                // one loop the compiler vectorises: counted in bytes, 255 slots at a time
                let row = &marks[i * n..(i + 1) * n];
                let (mut uncovered, mut blank) = (0usize, 0usize);
                for (slots, cells) in c.slots.chunks_mut(255).zip(row.chunks(255)) {
                    let (mut u, mut b) = (0u8, 0u8);
                    for (slot, &v) in slots.iter_mut().zip(cells) {
                        *slot |= v != NOT_COVERED;
                        u += u8::from(v == NOT_COVERED);
                        b += u8::from(v == 0);
                    }
                    uncovered += usize::from(u);
                    blank += usize::from(b);
                }
                c.rows.push(uncovered < n);
                c.marked += n - uncovered - blank;
                c.not_covered += uncovered;
            }
            c
        });
        let mut all = Coverage {
            slots: vec![false; n],
            rows: Vec::with_capacity(pupils),
            ..Coverage::default()
        };
        for c in parts {
            all.slots.iter_mut().zip(c.slots).for_each(|(a, b)| *a |= b);
            all.rows.extend(c.rows);
            all.marked += c.marked;
            all.not_covered += c.not_covered;
        }
        all
    }
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
                "  {} {} not attendance codes this import can take:",
                plural(total, "mark"),
                if total == 1 { "is" } else { "are" }
            )?;
            for (code, b) in &self.bad_codes {
                writeln!(
                    f,
                    "    {code:?}: {} ({}), first at {}",
                    b.reason,
                    plural(b.count, "time"),
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
