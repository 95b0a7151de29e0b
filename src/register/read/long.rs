//! The long layout: one row per mark, with date, session (AM/PM) and mark columns.

use super::build::{Builder, ReadResult, finish};
use super::columns::{find_pupil_columns, is_summary_row, parse_long_date};
use super::marks::trim_ascii;
use super::records::Records;
use super::{ExportError, Layout, NOT_COVERED, Progress};
use crate::codes::CodeSet;
use crate::config::IdentifyBy;
use crate::dates::{Half, Session, is_weekend, monday_of, uk_date, weekday_name};
use crate::register::WEEK_SLOTS;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
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

pub(super) fn read_long<R: Read>(
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
    // the line each session date first appears on, to check the dates once read
    let mut first_line: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
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
                    let pi = b.add_pupil(details, rec.line);
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
            if let Some(p) = &parsed {
                first_line.entry(p.date).or_insert(rec.line);
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
        let mcell = rec.field(mark_col);
        if mcell.len() == 1 {
            let v = b.marks.single[mcell[0] as usize];
            if v != 0xFE && v != 0 && categories[day.set][v as usize].is_some() {
                let m = b.row_mut(pi, slot + 1);
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
                uk_date(date),
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
    for (line, why) in super::plausible::implausible(&first_line, b.opts.as_of) {
        b.err.push(Some(line), Some(&header[date_col]), why);
        b.err.remedy(super::plausible::DATE_REMEDY);
    }
    for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
        if sets_used[set.index()] {
            b.code_sets.insert(set);
        }
    }
    finish(b, Layout::Long, &cols, summary, blank_rows)
}
