//! The long layout: one row per mark, with date, session (AM/PM) and mark columns.

use super::build::{Builder, LONG_WEEKS, ReadResult, finish};
use super::columns::Columns;
use super::columns::{find_pupil_columns, is_summary_row, parse_long_date};
use super::halves::{SplitSource, Walk, find_split, read_rows};
use super::marks::trim_ascii;
use super::records::{Records, Row};
use super::{ExportError, Layout, NOT_COVERED, Progress};
use crate::codes::CodeSet;
use crate::config::IdentifyBy;
use crate::dates::{Half, Session, is_weekend, monday_of, uk_date, weekday_name};
use crate::register::WEEK_SLOTS;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

/// What a long export's date cell says, worked out once per distinct cell text.
#[derive(Debug, Clone, Copy)]
struct Day {
    pub(super) date: NaiveDate,
    /// A half given in the date cell itself ("02/09/2024 AM").
    pub(super) half: Option<Half>,
    /// The slot of the day's AM session in the export's weeks; `usize::MAX` at a weekend.
    slot0: usize,
    /// Index of the code set in force.
    pub(super) set: usize,
    /// The cell's text has no comma, quote or line end: met in a line, it is a whole cell.
    plain: bool,
}

const DAY_CACHE: usize = 4096;

/// A cell of up to 16 bytes as a cache key: its length, and its bytes in two words. Longer
/// cells are never cached (their key's length is 0, which no cached entry has).
#[inline]
fn date_key(cell: &[u8]) -> (u64, u64, u8) {
    let n = cell.len();
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    match n {
        // a date's 10 bytes ("02/09/2024") and the like: the first 8 and the last 8 (which
        // overlap) and the length tell every cell of 8 to 16 bytes from every other, read
        // straight from the row (no copy to the stack and back)
        8..=16 => (word(&cell[..8]), word(&cell[n - 8..]), n as u8),
        1..=7 => {
            let mut k = [0u8; 8];
            k[..n].copy_from_slice(cell);
            (u64::from_le_bytes(k), 0, n as u8)
        }
        _ => (0, 0, 0),
    }
}

/// Where in the day cache a cell's key is kept.
#[inline]
fn cache_slot(key: (u64, u64, u8)) -> usize {
    ((key.0 ^ key.1.rotate_left(23)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> (64 - DAY_CACHE.trailing_zeros())) as usize
}

pub(super) fn read_long<R: Read>(
    rec: &mut Records<R>,
    b: &mut Builder<'_>,
    header: Vec<String>,
    (date_col, session_col, mark_col): (Option<usize>, Option<usize>, Option<usize>),
    header_line: usize,
    progress: &dyn Progress,
    split: Option<&SplitSource<'_>>,
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
    let tail = Tail::of(header.len(), date_col, session_col, mark_col, id_col);
    let plan = LongPlan {
        header: &header,
        cols: &cols,
        date_col,
        session_col,
        mark_col,
        id_col,
        needed,
        categories: crate::codes::category_table(),
        runs: matches!(
            tail,
            Some(Tail {
                len: 3,
                date: 0,
                session: Some(1),
                mark: 2
            })
        ),
        tail,
    };
    let mut st = LongState::default();
    // each pupil's row starts with room for a year's weeks
    b.row_len = LONG_WEEKS * WEEK_SLOTS;
    // a large export is read in two halves, one on each core (see `read_halves`), split between
    // two pupils' rows, where there are cores enough (see `halves_pay`)
    let at = split.filter(|_| halves_pay()).and_then(|s| {
        Some((
            s,
            find_split(s, rec.consumed, |w| between_pupils(w, id_col)).ok()??,
        ))
    });
    read_rows(rec, b, &plan, &mut st, at, progress)?;
    progress.advance(st.consumed);
    for (line, why) in super::plausible::implausible(&st.s.first_line, b.opts.as_of) {
        b.err.push(Some(line), Some(&header[date_col]), why);
        b.err.remedy(super::plausible::DATE_REMEDY);
    }
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        if st.s.sets_used[set.index()] {
            b.code_sets.insert(set);
        }
    }
    let t = std::time::Instant::now();
    let done = finish(b, Layout::Long, &cols, st.s.summary, st.blank_rows);
    crate::timing("  in id order", t);
    done
}

/// Whether a long export is read in two halves (see `read_halves`): only with a core for each
/// half besides the one fingerprinting the file (SHA-256, see `read_export`). A long export's
/// rows are read faster than the file is fingerprinted (on 150,000 pupils, 1.6 s against
/// 2.4 s), so on two cores a second reader only takes time from the fingerprint, which the
/// import waits for: reading in one go there was 0.35 s quicker.
fn halves_pay() -> bool {
    #[cfg(test)]
    if HALVES_ALWAYS.with(|c| c.get()) {
        return true;
    }
    crate::parallel::threads() >= 3
}

#[cfg(test)]
thread_local! {
    /// Tests read a big long export in halves on any machine, to test reading in halves.
    pub(super) static HALVES_ALWAYS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Where, in `window` (the bytes from the middle of a long export on), a pupil's rows begin
/// after another's: the second half must not share a pupil with the first. The place is after
/// a run of at least two rows of one pupil, and begins a run of at least two of another, so an
/// export in date order (every row a different pupil from the last) is not split: it would
/// share every pupil. `None` if there is no such place, or a quote is met first (a quoted
/// field may hold a line end; the plain split is then not to be trusted).
pub(super) fn between_pupils(window: &[u8], id_col: usize) -> Option<usize> {
    fn id_of(line: &[u8], id_col: usize) -> Option<&[u8]> {
        if line.contains(&b'"') {
            return None;
        }
        line.split(|&c| c == b',').nth(id_col).map(trim_ascii)
    }
    // whole lines only: the first line end ends a part of a line
    let mut at = memchr::memchr(b'\n', window)? + 1;
    let mut prev: Option<(&[u8], usize)> = None; // an id, and how many rows of it in a row
    let mut starts: Option<(&[u8], usize)> = None; // a new id, and where its first row starts
    while let Some(p) = memchr::memchr(b'\n', &window[at..]) {
        let line = &window[at..at + p];
        let id = id_of(line, id_col)?;
        if let Some((new, place)) = starts {
            if id == new {
                return Some(place);
            }
            starts = None;
        }
        match prev {
            Some((last, run)) if last == id => prev = Some((last, run + 1)),
            Some((_, run)) => {
                if run >= 2 && !id.is_empty() {
                    starts = Some((id, at));
                }
                prev = Some((id, 1));
            }
            None => prev = Some((id, 1)),
        }
        at += p + 1;
    }
    None
}

/// What the walk over a long export's rows needs to know, fixed by the header: shared by both
/// halves' readers.
struct LongPlan<'p> {
    header: &'p [String],
    cols: &'p Columns,
    date_col: usize,
    session_col: Option<usize>,
    mark_col: usize,
    id_col: usize,
    needed: usize,
    categories: &'static [[Option<crate::codes::Category>; 64]; 2],
    /// When the session's columns (date, AM/PM, mark) are the last of the header, after every
    /// pupil column: where each is among them.
    tail: Option<Tail>,
    /// The session's columns end the rows as date, AM/PM, mark: a run of a pupil's rows can be
    /// read straight from the text (see [`LongPlan::run`]).
    runs: bool,
}

/// The session's columns at the end of a long export's rows: a row whose line begins with the
/// same text as the row before, up to them, is the same pupil's, and only they are read.
struct Tail {
    /// How many: 2 (date and mark) or 3 (date, AM/PM and mark).
    len: usize,
    date: usize,
    session: Option<usize>,
    mark: usize,
}

impl Tail {
    fn of(
        header_len: usize,
        date: usize,
        session: Option<usize>,
        mark: usize,
        id: usize,
    ) -> Option<Tail> {
        let len = 2 + usize::from(session.is_some());
        let first = header_len.checked_sub(len)?;
        let at = |k: usize| k.checked_sub(first);
        (id < first).then_some(())?;
        let (date, mark) = (at(date)?, at(mark)?);
        let session = match session {
            Some(k) => Some(at(k)?),
            None => None,
        };
        Some(Tail {
            len,
            date,
            session,
            mark,
        })
    }

    /// The cells of `rest` (the text after the pupil's columns), if it has exactly the session's
    /// columns.
    #[inline]
    fn cells<'r>(&self, rest: &'r [u8]) -> Option<[&'r [u8]; 3]> {
        let mut cells: [&[u8]; 3] = [b""; 3];
        let mut from = 0;
        let mut k = 0;
        for p in memchr::memchr_iter(b',', rest) {
            if k + 1 >= self.len {
                return None;
            }
            cells[k] = &rest[from..p];
            from = p + 1;
            k += 1;
        }
        if k + 1 != self.len {
            return None;
        }
        cells[k] = &rest[from..];
        Some(cells)
    }
}

/// One reader's running state over a long export's rows.
#[derive(Default)]
struct LongState {
    /// What the sessions read so far have found.
    s: Sessions,
    blank_rows: usize,
    n: usize,
    /// The pupil of the row before: usually the same.
    last_id: Vec<u8>,
    last_pi: usize,
    consumed: u64,
    ranges: Vec<(usize, usize)>,
    /// The text of the row before up to its session's columns, when it was a pupil's row
    /// (`last_pi`'s) without quotes; else empty.
    prefix: Vec<u8>,
}

/// The part of a long reader's state that reading a session changes.
struct Sessions {
    /// The date text of the last rows, and what each day is (a small direct-mapped cache).
    day_cache: Vec<((u64, u64, u8), Option<Day>)>,
    sets_used: [bool; 2],
    /// A total row read with no row after it yet.
    summary: Option<usize>,
    weekend_reported: BTreeSet<NaiveDate>,
    /// The line each session date first appears on, to check the dates once read.
    first_line: BTreeMap<NaiveDate, usize>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            day_cache: vec![((0, 0, 0), None); DAY_CACHE],
            sets_used: [false; 2],
            summary: None,
            weekend_reported: BTreeSet::new(),
            first_line: BTreeMap::new(),
        }
    }
}

impl Walk for LongPlan<'_> {
    type State = LongState;

    fn summary(st: &LongState) -> Option<usize> {
        st.s.summary
    }

    fn append_marks(&self, b: &mut Builder<'_>, h: &mut Builder<'_>) {
        if h.pupils.is_empty() {
            return;
        }
        // each half numbered the weeks as it met them: the second half's are given the first's
        // numbers (new weeks added), and its rows' weeks moved to match
        let weeks: Vec<usize> = h.weeks.iter().map(|&monday| b.week(monday)).collect();
        let need = b.weeks.len() * WEEK_SLOTS;
        if b.row_len < need {
            b.widen(need);
        }
        let (to_len, from_len) = (b.row_len, h.row_len);
        let start = b.wide_rows.len();
        b.wide_rows
            .resize(start + h.pupils.len() * to_len, NOT_COVERED);
        for (to, from) in b.wide_rows[start..]
            .chunks_exact_mut(to_len)
            .zip(h.wide_rows.chunks_exact(from_len))
        {
            for (w, &bw) in weeks.iter().enumerate() {
                if let Some(week) = from.get(w * WEEK_SLOTS..(w + 1) * WEEK_SLOTS) {
                    to[bw * WEEK_SLOTS..(bw + 1) * WEEK_SLOTS].copy_from_slice(week);
                }
            }
        }
        h.wide_rows = Vec::new();
    }

    fn append_state(st: &mut LongState, hs: LongState, lines_before: usize) {
        for (a, c) in st.s.sets_used.iter_mut().zip(hs.s.sets_used) {
            *a |= c;
        }
        st.s.summary = hs.s.summary.map(|l| l + lines_before);
        st.blank_rows += hs.blank_rows;
        st.n += hs.n;
        st.consumed = hs.consumed;
        // the first half's lines come first: a date it met keeps its line
        for (date, line) in hs.s.first_line {
            st.s.first_line.entry(date).or_insert(line + lines_before);
        }
        // a weekend is a problem, so no merged half has one
        debug_assert!(hs.s.weekend_reported.is_empty());
    }

    /// The commonest rows, read straight from the text: a run of rows of the pupil of the row
    /// before, each its line's text up to the session's columns followed by a date already met,
    /// AM or PM, and a one-byte mark valid for the day in a session not yet marked. Each is read
    /// exactly as [`LongPlan::row`] reads it; the first row that is anything else ends the run.
    #[inline]
    fn run(
        &self,
        st: &mut LongState,
        b: &mut Builder<'_>,
        window: &[u8],
        consumed: u64,
        progress: Option<&dyn Progress>,
    ) -> (usize, usize) {
        if !self.runs || st.prefix.is_empty() || st.s.summary.is_some() {
            return (0, 0);
        }
        let prefix = st.prefix.as_slice();
        let p = prefix.len();
        let mut at = 0;
        let mut rows = 0;
        // the date cell's length, from the run's first row
        let d = match window.get(p..(p + 17).min(window.len())) {
            Some(r) => match memchr::memchr(b',', r) {
                Some(d) if d > 0 => d,
                _ => return (0, 0),
            },
            None => return (0, 0),
        };
        while let Some(line) = window.get(at..at + p + d + 6)
            && line.starts_with(prefix)
        {
            // date, ",", AM or PM, ",", mark, and a line end
            let (dcell, t) = line[p..].split_at(d);
            let pm = match t {
                [b',', b'A', b'M', b',', ..] => false,
                [b',', b'P', b'M', b',', ..] => true,
                _ => break,
            };
            let len = match t[5] {
                b'\n' => p + d + 6,
                b'\r' if window.get(at + p + d + 6) == Some(&b'\n') => p + d + 7,
                _ => break,
            };
            let key = date_key(dcell);
            let (k, day) = st.s.day_cache[cache_slot(key)];
            let Some(day) = day.filter(|day| k == key && key.2 != 0 && day.plain) else {
                break;
            };
            let mark = t[4];
            let v = b.marks.single[mark as usize];
            if day.slot0 == usize::MAX
                || matches!(mark, b',' | b'"' | b'\r')
                || v == 0xFE
                || v == 0
                || self.categories[day.set][v as usize].is_none()
            {
                break;
            }
            let slot = day.slot0 + usize::from(pm);
            let m = b.row_mut(st.last_pi, slot + 1);
            if m[slot] != NOT_COVERED {
                break;
            }
            m[slot] = v;
            st.s.sets_used[day.set] = true;
            b.rows += 1;
            at += len;
            rows += 1;
            st.n += 1;
            if let Some(progress) = progress
                && st.n.is_multiple_of(4096)
            {
                progress.advance(consumed + at as u64);
            }
        }
        if rows > 0 {
            st.consumed = consumed + at as u64;
        }
        (at, rows)
    }

    fn row(
        &self,
        st: &mut LongState,
        b: &mut Builder<'_>,
        row: &Row<'_>,
        progress: Option<&dyn Progress>,
    ) -> bool {
        st.consumed = row.consumed;
        st.n += 1;
        if let Some(progress) = progress
            && st.n.is_multiple_of(4096)
        {
            progress.advance(row.consumed);
        }
        // the same pupil as the row before, its columns the same text: a row a run (see
        // `LongPlan::run`) did not take (a mark to check, a date not yet met), or any such row
        // when the session's columns end the row in another order
        if let Some(tail) = &self.tail
            && !st.prefix.is_empty()
            && let Some(line) = row.plain()
            && line.len() > st.prefix.len()
            && line.starts_with(&st.prefix)
            && let Some(cells) = tail.cells(&line[st.prefix.len()..])
        {
            let scell = tail.session.map(|k| cells[k]);
            return self.session(
                &mut st.s,
                b,
                st.last_pi,
                row.line,
                cells[tail.date],
                scell,
                cells[tail.mark],
            );
        }
        st.prefix.clear();
        let rec = row.fields(&mut st.ranges, None);
        if rec.len() < self.needed {
            if rec.is_blank() {
                st.blank_rows += 1;
                return true;
            }
            if is_summary_row(&rec, self.cols) {
                st.s.summary.get_or_insert(rec.line);
                return true;
            }
            b.err.push(
                Some(rec.line),
                None,
                format!(
                    "has {} columns but the header has {}: the row is cut short",
                    rec.len(),
                    self.header.len()
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
        let idf = trim_ascii(rec.field(self.id_col));
        let pi = if !idf.is_empty() && idf == st.last_id.as_slice() {
            st.last_pi
        } else if let Some(&pi) = b.by_id.get(idf) {
            st.last_id.clear();
            st.last_id.extend_from_slice(idf);
            st.last_pi = pi as usize;
            pi as usize
        } else {
            if rec.is_blank() {
                st.blank_rows += 1;
                return true;
            }
            if is_summary_row(&rec, self.cols) {
                st.s.summary.get_or_insert(rec.line);
                return true;
            }
            let Some((id, details)) = b.pupil_of(&rec, self.cols) else {
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
                    let pi = b.add_pupil(details, rec.line);
                    b.by_id.insert(id.as_str().as_bytes().into(), pi as u32);
                    pi
                }
            };
            b.by_id.insert(key, pi as u32);
            st.last_id.clear();
            st.last_id.extend_from_slice(idf);
            st.last_pi = pi;
            pi
        };
        // the pupil's columns are the next row's too, if its line begins with the same text
        if let Some(tail) = &self.tail
            && rec.plain
            && rec.len() == self.header.len()
        {
            let start = rec.ranges[self.header.len() - tail.len].0;
            st.prefix.extend_from_slice(&rec.buf[..start]);
        }
        let dcell = rec.field(self.date_col);
        let scell = self.session_col.map(|k| rec.field(k));
        let mcell = rec.field(self.mark_col);
        self.session(&mut st.s, b, pi, rec.line, dcell, scell, mcell)
    }
}

impl LongPlan<'_> {
    /// Read one row's session (its date, AM or PM, and mark) for pupil `pi`; false to stop.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn session(
        &self,
        ss: &mut Sessions,
        b: &mut Builder<'_>,
        pi: usize,
        line: usize,
        dcell: &[u8],
        scell: Option<&[u8]>,
        mcell: &[u8],
    ) -> bool {
        if let Some(s) = ss.summary.take() {
            b.err.push(
                Some(s),
                None,
                "looks like a total/summary row, but more rows follow it",
            );
        }
        b.rows += 1;
        // the date: a small direct-mapped cache from the cell's text to what the day is
        let key = date_key(dcell);
        let e = &mut ss.day_cache[cache_slot(key)];
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
                plain: !dcell
                    .iter()
                    .any(|c| matches!(c, b',' | b'"' | b'\r' | b'\n')),
            });
            if key.2 != 0 {
                *e = (key, parsed);
            }
            if let Some(p) = &parsed {
                ss.first_line.entry(p.date).or_insert(line);
            }
            parsed
        };
        let Some(day) = day else {
            b.err.push(
                Some(line),
                Some(&self.header[self.date_col]),
                format!(
                    "{:?} is not a date (or not one that exists)",
                    String::from_utf8_lossy(dcell)
                ),
            );
            b.err.remedy("export dates as dd/mm/yyyy or yyyy-mm-dd");
            return !b.err.too_many();
        };
        let date = day.date;
        let half = match scell {
            Some(cell) => match cell {
                b"AM" => Some(Half::Am),
                b"PM" => Some(Half::Pm),
                _ => std::str::from_utf8(cell).ok().and_then(Half::parse),
            },
            None => day.half,
        };
        let Some(half) = half else {
            let col = self
                .session_col
                .map(|k| self.header[k].as_str())
                .unwrap_or("Session");
            let text = scell
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .unwrap_or_default();
            b.err.push(
                Some(line),
                Some(col),
                format!("{text:?} is not a session: expected AM or PM"),
            );
            return !b.err.too_many();
        };
        if day.slot0 == usize::MAX {
            if ss.weekend_reported.insert(date) {
                b.err.push(
                    Some(line),
                    Some(&self.header[self.date_col]),
                    format!(
                        "{} is a {}: schools do not hold sessions at weekends",
                        uk_date(date),
                        weekday_name(date.weekday())
                    ),
                );
                b.err.remedy("check the dates of the export: if they are month-first (US style), export UK dates (dd/mm/yyyy)");
            }
            return true;
        }
        let slot = day.slot0 + usize::from(half == Half::Pm);
        // the commonest mark: one byte, a code valid for the day, the session not yet seen
        if mcell.len() == 1 {
            let v = b.marks.single[mcell[0] as usize];
            if v != 0xFE && v != 0 && self.categories[day.set][v as usize].is_some() {
                let m = b.row_mut(pi, slot + 1);
                if m[slot] == NOT_COVERED {
                    m[slot] = v;
                    ss.sets_used[day.set] = true;
                    return true;
                }
            }
        }
        let s = Session { date, half };
        let mark_header = &self.header[self.mark_col];
        b.put(pi, slot, mcell, s, || {
            format!(
                "line {line}, column {mark_header:?} ({} {})",
                uk_date(date),
                half.as_str()
            )
        });
        if b.err.too_many() {
            return false;
        }
        true
    }
}
#[cfg(test)]
mod tests {
    use super::date_key;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn date_keys_are_the_same_only_for_the_same_cell(
            a in proptest::collection::vec(any::<u8>(), 0..20),
            b in proptest::collection::vec(any::<u8>(), 0..20),
        ) {
            let cached = |c: &[u8]| (1..=16).contains(&c.len());
            prop_assert_eq!(date_key(&a).2 != 0, cached(&a));
            if cached(&a) && cached(&b) {
                prop_assert_eq!(date_key(&a) == date_key(&b), a == b);
            }
        }

        #[test]
        fn a_cell_with_one_byte_changed_has_another_key(
            a in proptest::collection::vec(any::<u8>(), 1..=16),
            at in any::<prop::sample::Index>(),
            by in 1u8..,
        ) {
            let mut b = a.clone();
            let i = at.index(a.len());
            b[i] = b[i].wrapping_add(by);
            prop_assert_ne!(date_key(&a), date_key(&b));
        }
    }

    #[test]
    fn dates_that_differ_in_one_byte_have_different_keys() {
        let days = [
            "02/09/2024",
            "02/09/2025",
            "12/09/2024",
            "2024-09-02",
            "2/9/2024",
        ];
        for a in days {
            for b in days {
                assert_eq!(date_key(a.as_bytes()) == date_key(b.as_bytes()), a == b);
            }
        }
    }
}
