//! Marks: cell text to stored bytes, and the bad marks gathered for the error report.

use super::{ExportError, MAX_PLACES};
use crate::codes::{Code, CodeSet, REGS_2024_START, is_no_mark};
use crate::dates::long_date;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Turns cell text into stored bytes, counting bad codes.
#[derive(Clone)]
pub(super) struct MarkReader {
    pub(super) code_map: FxHashMap<Vec<u8>, Code>,
    /// Fast lookup of single-byte cells: 0 = no mark, 1..=63 code, 0xFE = slow path.
    pub(super) single: [u8; 256],
}

pub(super) enum Cell {
    NoMark,
    Code(Code),
    Unknown,
}

impl MarkReader {
    pub(super) fn new(map: &BTreeMap<String, Code>) -> Self {
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
    pub(super) fn read(&self, cell: &[u8]) -> Cell {
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

pub(super) fn trim_ascii(b: &[u8]) -> &[u8] {
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

pub(super) fn bad_code(err: &mut ExportError, cell: &[u8], reason: String, place: String) {
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

pub(super) fn wrong_set_reason(code: Code, date: NaiveDate) -> String {
    let switch = long_date(REGS_2024_START);
    match CodeSet::for_date(date) {
        CodeSet::Regs2006 => format!(
            "{code} is a code of the 2024 regulations, which apply to sessions from {switch}; this session is before"
        ),
        CodeSet::Regs2024 => format!(
            "{code} was withdrawn on {switch} and cannot be used for later sessions{}",
            code.replaced_in_2024()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
    }
}
