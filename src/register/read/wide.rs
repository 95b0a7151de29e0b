//! The wide layout: one row per pupil, one column per session.

use super::build::{Builder, ReadResult, finish, header_strings};
use super::columns::{Columns, HeaderCell, find_pupil_columns, is_summary_row};
use super::halves::{SplitSource, Walk, after_first_line_end, find_split, read_rows};
use super::marks::trim_ascii;
use super::records::{Records, Row};
use super::simd::comma_mask16;
use super::{ExportError, Layout, Progress};
use crate::codes::CodeSet;
use crate::config::IdentifyBy;
use crate::dates::{Half, Session, is_weekend, monday_of, uk_date, weekday_name};
use crate::register::{WEEK_SLOTS, slot_in_week};
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::io::Read;

pub(super) fn read_wide<R: Read>(
    rec: &mut Records<R>,
    b: &mut Builder<'_>,
    header: Vec<String>,
    cells: Vec<HeaderCell>,
    header_line: usize,
    progress: &dyn Progress,
    split: Option<&SplitSource<'_>>,
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
                labels[k] = format!("{} {}", uk_date(d), h.as_str());
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
                    uk_date(s.date),
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
    // session columns that would be lost, and dates that cannot be sessions
    for (k, why) in
        super::plausible::dropped_session_columns(&header, &cells, &sessions, !has_sessions)
    {
        b.err.push(Some(header_line), Some(&header[k]), why);
        b.err.remedy(super::plausible::HEADER_REMEDY);
        cols_ok = false;
    }
    let mut dates: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
    for (k, s) in sessions.iter().enumerate() {
        if let Some(s) = s {
            dates.entry(s.date).or_insert(k);
        }
    }
    for (k, why) in super::plausible::implausible(&dates, b.opts.as_of) {
        b.err.push(Some(header_line), Some(&labels[k]), why);
        b.err.remedy(super::plausible::DATE_REMEDY);
        cols_ok = false;
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
    // every pupil's row in one block
    b.row_len = row_len;
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
    let mut cell_code = [[SLOW; 256]; 4];
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        for byte in 0..=255u8 {
            let v = b.marks.single[byte as usize];
            if v != 0xFE && v != 0 && categories[set.index()][v as usize].is_some() {
                cell_code[set.index()][byte as usize] = v;
            }
        }
    }
    cell_code[SKIP_COLUMN] = [IGNORE; 256];
    cell_code[3] = [IGNORE; 256]; // unused: makes `set & 3` always a table

    let plan = WidePlan {
        header: &header,
        labels: &labels,
        cols: &cols,
        session_cols,
        row_len,
        categories,
        col_set,
        needed,
        fast,
        first_col,
        ncols,
        plan,
        plan_slot,
        plan_set,
        cell_code,
    };
    let mut st = WalkState::default();
    // a large export is read in two halves, one on each core (see `read_halves`)
    let at = split
        .filter(|_| plan.fast)
        .and_then(|s| Some((s, find_split(s, rec.consumed, after_first_line_end).ok()??)));
    read_rows(rec, b, &plan, &mut st, at, progress)?;
    progress.advance(st.consumed);
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        if st.col_used[set.index()] {
            b.code_sets.insert(set);
        }
    }
    let t = std::time::Instant::now();
    let done = finish(b, Layout::Wide, &cols, st.summary, st.blank_rows);
    crate::timing("  in id order", t);
    done
}

/// What the walk over a wide export's rows needs to know, fixed by the header: shared by both
/// halves' readers.
struct WidePlan<'p> {
    header: &'p [String],
    labels: &'p [String],
    cols: &'p Columns,
    session_cols: Vec<(usize, Session, usize)>,
    row_len: usize,
    categories: &'static [[Option<crate::codes::Category>; 64]; 2],
    /// Per session column: its code set (index into the category table).
    col_set: Vec<usize>,
    needed: usize,
    fast: bool,
    first_col: usize,
    ncols: usize,
    plan: Vec<Option<usize>>,
    plan_slot: Vec<u32>,
    plan_set: Vec<u8>,
    /// Indexed by a column's table (`plan_set`, under 3; the fourth only lets the index be
    /// masked, so that it is never checked) and the cell's byte.
    cell_code: [[u8; 256]; 4],
}

/// One reader's running state over the rows.
#[derive(Default)]
struct WalkState {
    summary: Option<usize>,
    blank_rows: usize,
    n: usize,
    consumed: u64,
    /// Per table: whether a code the fast path accepted was seen in a column of its code set.
    col_used: [bool; 3],
    slow: Vec<(usize, usize, usize)>,
    ranges: Vec<(usize, usize)>,
}

impl Walk for WidePlan<'_> {
    type State = WalkState;

    fn summary(st: &WalkState) -> Option<usize> {
        st.summary
    }

    fn append_marks(&self, b: &mut Builder<'_>, h: &mut Builder<'_>) {
        // the rows are all one length: the second half's follow the first's
        b.wide_rows.reserve_exact(h.wide_rows.len());
        b.wide_rows.extend_from_slice(&h.wide_rows);
        h.wide_rows = Vec::new();
    }

    fn append_state(st: &mut WalkState, hs: WalkState, lines_before: usize) {
        st.summary = hs.summary.map(|l| l + lines_before);
        st.blank_rows += hs.blank_rows;
        st.n += hs.n;
        st.consumed = hs.consumed;
        for (a, c) in st.col_used.iter_mut().zip(hs.col_used) {
            *a |= c;
        }
    }

    fn row(
        &self,
        st: &mut WalkState,
        b: &mut Builder<'_>,
        row: &Row<'_>,
        progress: Option<&dyn Progress>,
    ) -> bool {
        st.consumed = row.consumed;
        if let Some(progress) = progress
            && st.n.is_multiple_of(256)
        {
            progress.advance(row.consumed);
        }
        st.n += 1;
        let rec = row.fields(&mut st.ranges, self.fast.then_some(self.first_col));
        if rec.is_blank() {
            st.blank_rows += 1;
            return true;
        }
        if is_summary_row(&rec, self.cols) {
            if st.summary.is_none() {
                st.summary = Some(rec.line);
            }
            return true;
        }
        if let Some(s) = st.summary {
            b.err.push(
                Some(s),
                None,
                "looks like a total/summary row, but pupil rows follow it",
            );
            b.err
                .remedy("remove the row, or export the register without totals");
            st.summary = None;
        }
        let cut_short = |b: &mut Builder<'_>, fields: usize| {
            b.err.push(
                Some(rec.line),
                None,
                format!(
                    "has {fields} columns but the header has {}: the row is cut short",
                    self.header.len()
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
                    format!("has {fields} columns but the header has {}: the row has values with no column heading", self.header.len()),
                );
            b.err.remedy("check that the file's columns line up with its header (a stray comma in a name must be in quotes)");
        };
        if rec.rest.is_none() {
            // split whole: check its length now
            if rec.len() < self.needed {
                cut_short(b, rec.len());
                return !b.err.too_many();
            }
            if rec.len() > self.header.len()
                && (self.header.len()..rec.len()).any(|k| !trim_ascii(rec.field(k)).is_empty())
            {
                too_long(b, rec.len());
                return !b.err.too_many();
            }
        }
        let Some((id, details)) = b.pupil_of(&rec, self.cols) else {
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
        let pi = b.add_pupil(details, rec.line);
        b.by_id.insert(id.as_str().as_bytes().into(), pi as u32);
        let line = rec.line;
        let Some(rest) = rec.rest else {
            // split whole (a record with quotes, or pupil columns among the sessions)
            for (c, &(k, s, slot)) in self.session_cols.iter().enumerate() {
                let cell = rec.field(k);
                if cell.len() == 1 {
                    let v = b.marks.single[cell[0] as usize];
                    if v != 0xFE && v != 0 && self.categories[self.col_set[c]][v as usize].is_some()
                    {
                        st.col_used[self.col_set[c]] = true;
                        b.wide_rows[pi * self.row_len + slot] = v;
                        continue;
                    }
                }
                let label = &self.labels[k];
                b.put(pi, slot, cell, s, || {
                    format!("line {line}, column {label:?}")
                });
            }
            return !b.err.too_many();
        };
        // the fast path: walk the session cells in place, eight at a time where the row has
        // eight one-byte cells in a row; other cells are handled after the walk
        let text = rec.buf;
        let len = text.len();
        let mut pos = rest;
        let mut ci = 0;
        st.slow.clear();
        // per table, a bit: a code the fast path accepted was seen in a column of its code set
        let mut used = 0u8;
        {
            let m = &mut b.wide_rows[pi * self.row_len..(pi + 1) * self.row_len];
            while ci < self.ncols {
                if ci + 8 <= self.ncols
                    && pos + 16 <= len
                    && eight_short_cells(&text[pos..pos + 16])
                {
                    // fixed-size views: the compiler checks their bounds once, not per cell
                    let cells: &[u8; 16] = text[pos..pos + 16].try_into().expect("16 bytes");
                    let slots: &[u32; 8] =
                        self.plan_slot[ci..ci + 8].try_into().expect("8 columns");
                    let sets: &[u8; 8] = self.plan_set[ci..ci + 8].try_into().expect("8 columns");
                    for t in 0..8 {
                        let set = usize::from(sets[t] & 3);
                        let v = self.cell_code[set][usize::from(cells[2 * t])];
                        if v < IGNORE {
                            m[slots[t] as usize] = v;
                            used |= 1 << set;
                        } else if v != IGNORE {
                            st.slow.push((ci + t, pos + 2 * t, pos + 2 * t + 1));
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
                    self.cell_code[self.plan_set[ci] as usize][text[pos] as usize]
                } else if self.plan_set[ci] as usize == SKIP_COLUMN {
                    IGNORE
                } else {
                    SLOW
                };
                if v < IGNORE {
                    m[self.plan_slot[ci] as usize] = v;
                    used |= 1 << self.plan_set[ci];
                } else if v != IGNORE {
                    st.slow.push((ci, pos, end));
                }
                ci += 1;
                pos = end + 1;
            }
        }
        for (set, seen) in st.col_used.iter_mut().enumerate() {
            *seen |= used & (1 << set) != 0;
        }
        for &(c, from, to) in st.slow.iter() {
            let (k, s, slot) = self.session_cols[self.plan[c].expect("a session column")];
            let label = &self.labels[k];
            b.put(pi, slot, &text[from..to], s, || {
                format!("line {line}, column {label:?}")
            });
        }
        if ci < self.ncols {
            cut_short(b, self.first_col + ci);
            return !b.err.too_many();
        }
        if pos <= len {
            // more fields after the last session column: only empty ones beyond the header
            let done = self.first_col + self.plan.len();
            let mut k = done;
            let mut too_many = false;
            for f in text[pos..].split(|c| *c == b',') {
                if k >= self.header.len() && !trim_ascii(f).is_empty() {
                    too_many = true;
                }
                k += 1;
            }
            if too_many {
                too_long(b, k);
            }
        }
        !b.err.too_many()
    }
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
