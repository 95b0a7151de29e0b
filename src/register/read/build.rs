//! Building an [`Export`] while a file is read, shared by the wide and long layouts: each pupil's
//! details and marks as they arrive, and the finished export.

use super::columns::Columns;
use super::decode::Decoder;
use super::marks::{Cell, MarkReader, bad_code, trim_ascii, wrong_set_reason};
use super::records::Fields;
use super::{Coverage, Export, ExportError, ExportPupil, Layout, NOT_COVERED, ReadOptions};
use crate::codes::CodeSet;
use crate::config::IdentifyBy;
use crate::dates::{Session, parse_date};
use crate::register::{Pupil, WEEK_SLOTS};
use crate::text::plural;
use crate::upn::{PupilId, Upn};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// A long export's rows start with room for a year's weeks (53), and grow by half a year when
/// an export's weeks outgrow them.
pub(super) const LONG_WEEKS: usize = 53;
const LONG_MORE_WEEKS: usize = 26;

pub(super) struct Builder<'a> {
    pub(super) file: &'a str,
    pub(super) opts: &'a ReadOptions,
    pub(super) err: ExportError,
    pub(super) dec: Decoder,
    pub(super) marks: MarkReader,
    pub(super) weeks: Vec<NaiveDate>,
    pub(super) week_index: FxHashMap<NaiveDate, usize>,
    /// The pupils in the order the export gives them, each with the line of their first row.
    pub(super) pupils: Vec<ExportPupil>,
    /// The marks, every pupil's row in one block (`row_len` bytes each, in [`Builder::pupils`]
    /// order): no heap object per pupil, and in [`finish`] put in order where they are.
    pub(super) wide_rows: Vec<u8>,
    /// The length of a row in `wide_rows`: a wide export's weeks, fixed by its header; or, for a
    /// long export, whose weeks appear as its rows are read, room for the weeks seen so far and
    /// more (widened when they outgrow it).
    pub(super) row_len: usize,
    pub(super) by_id: FxHashMap<Box<[u8]>, u32>,
    pub(super) code_sets: BTreeSet<CodeSet>,
    pub(super) no_mark_cells: usize,
    pub(super) rows: usize,
    pub(super) identical_duplicates: usize,
    pub(super) controls: super::clean::Controls,
}

impl<'a> Builder<'a> {
    /// The marks of pupil `pi`, at least `len` slots long: every pupil's row is one length, in
    /// one block; a long export's rows are all made longer if its weeks outgrow them.
    #[inline]
    pub(super) fn row_mut(&mut self, pi: usize, len: usize) -> &mut [u8] {
        if len > self.row_len {
            self.widen(len);
        }
        &mut self.wide_rows[pi * self.row_len..(pi + 1) * self.row_len]
    }

    /// Add a pupil, with a row of marks not yet covered; its index.
    pub(super) fn add_pupil(&mut self, details: Pupil, line: usize) -> usize {
        let pi = self.pupils.len();
        self.pupils.push(ExportPupil { details, line });
        self.wide_rows
            .resize(self.wide_rows.len() + self.row_len, NOT_COVERED);
        pi
    }

    /// Make every row at least `len` slots long (and half a year more), each row copied once.
    pub(super) fn widen(&mut self, len: usize) {
        let old = self.row_len;
        let new = (len.div_ceil(WEEK_SLOTS) + LONG_MORE_WEEKS) * WEEK_SLOTS;
        let mut rows = vec![NOT_COVERED; self.pupils.len() * new];
        if old > 0 {
            for (to, from) in rows
                .chunks_exact_mut(new)
                .zip(self.wide_rows.chunks_exact(old))
            {
                to[..old].copy_from_slice(from);
            }
        }
        self.wide_rows = rows;
        self.row_len = new;
    }

    /// A builder for a later part of the same file, read at the same time (a wide export's
    /// second half): the same header, weeks and decoder, nothing read yet.
    pub(super) fn fork(&self) -> Builder<'a> {
        Builder {
            file: self.file,
            opts: self.opts,
            err: ExportError::new(self.file),
            dec: self.dec.clone(),
            marks: self.marks.clone(),
            weeks: self.weeks.clone(),
            week_index: self.week_index.clone(),
            pupils: Vec::new(),
            wide_rows: Vec::new(),
            row_len: self.row_len,
            by_id: FxHashMap::default(),
            code_sets: BTreeSet::new(),
            no_mark_cells: 0,
            rows: 0,
            identical_duplicates: 0,
            controls: Default::default(),
        }
    }

    pub(super) fn week(&mut self, monday: NaiveDate) -> usize {
        if let Some(&w) = self.week_index.get(&monday) {
            return w;
        }
        let w = self.weeks.len();
        self.weeks.push(monday);
        self.week_index.insert(monday, w);
        w
    }

    /// Read the pupil id and details of a row; `None` if the row has a problem (recorded).
    pub(super) fn pupil_of(
        &mut self,
        rec: &Fields<'_>,
        cols: &Columns,
    ) -> Option<(PupilId, Pupil)> {
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
            let text = self.controls.strip(text, line, field);
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
            p.set_field(field, &text);
        }
        Some((id, p))
    }

    /// Store one cell's mark at `slot` of pupil `pi`.
    #[inline]
    pub(super) fn put(
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
        let cur = self.row_mut(pi, slot + 1)[slot];
        if cur != NOT_COVERED {
            if cur == v {
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
        self.row_mut(pi, slot + 1)[slot] = v;
    }
}

/// Reorder the rows (`n` bytes each) of `m` so that row `r` becomes the row that was at
/// `order[r]` (a permutation), in place: each row is copied once, by cycles, through one row
/// of scratch space.
pub(super) fn permute_rows(m: &mut [u8], n: usize, order: &[u32]) {
    debug_assert_eq!(m.len(), n * order.len());
    let mut done = vec![false; order.len()];
    let mut tmp = vec![0u8; n];
    for start in 0..order.len() {
        if done[start] {
            continue;
        }
        done[start] = true;
        if order[start] as usize == start {
            continue;
        }
        tmp.copy_from_slice(&m[start * n..(start + 1) * n]);
        let mut r = start;
        loop {
            let src = order[r] as usize;
            if src == start {
                m[r * n..(r + 1) * n].copy_from_slice(&tmp);
                break;
            }
            m.copy_within(src * n..(src + 1) * n, r * n);
            done[src] = true;
            r = src;
        }
    }
}

pub(super) fn header_strings(rec: &Fields<'_>, dec: &mut Decoder) -> Vec<String> {
    (0..rec.len())
        .map(|k| {
            dec.text(rec.field(k))
                .map(Cow::into_owned)
                .unwrap_or_else(|_| String::from_utf8_lossy(rec.field(k)).into_owned())
        })
        .collect()
}

pub(super) type ReadResult = Result<Export, Option<ExportError>>;

pub(super) fn finish(
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
    let mut pupils = std::mem::take(&mut b.pupils);
    // sort by id through a permutation: the records are large, move each once
    // (the ids' keys are sorted, held together: not the large records, all over memory)
    let mut keys: Vec<(u128, u128, u32)> = pupils
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (a, c) = p.details.id.sort_key();
            (a, c, i as u32)
        })
        .collect();
    keys.sort_unstable();
    let mut by_id: Vec<u32> = keys.into_iter().map(|k| k.2).collect();
    // every pupil's row in one block: a long export's rows, made with room to spare, are first
    // closed up to the weeks it has, in place
    if b.row_len < n {
        b.widen(n);
    }
    let mut marks = std::mem::take(&mut b.wide_rows);
    if b.row_len > n {
        let stride = b.row_len;
        for r in 0..pupils.len() {
            marks.copy_within(r * stride..r * stride + n, r * n);
        }
        marks.truncate(pupils.len() * n);
        marks.shrink_to_fit();
    }
    debug_assert_eq!(marks.len(), pupils.len() * n);
    // put in id order in place, and the weeks in date order: the marks on one core while the
    // pupils' records are put in the same order on another
    let put_marks_in_order = |marks: &mut Vec<u8>| {
        permute_rows(marks, n, &by_id);
        if !identity {
            let mut tmp = vec![0u8; n];
            for row in marks.chunks_exact_mut(n) {
                tmp.copy_from_slice(row);
                for (new_w, &old_w) in order.iter().enumerate() {
                    row[new_w * WEEK_SLOTS..(new_w + 1) * WEEK_SLOTS]
                        .copy_from_slice(&tmp[old_w * WEEK_SLOTS..(old_w + 1) * WEEK_SLOTS]);
                }
            }
        }
    };
    if crate::parallel::threads() > 1 && pupils.len() > 4096 {
        let mut pupils_order = by_id.clone();
        std::thread::scope(|sc| {
            let pupils_moved =
                sc.spawn(|| crate::order::permute_in_place(&mut pupils, &mut pupils_order));
            put_marks_in_order(&mut marks);
            pupils_moved.join().expect("pupils put in order")
        });
    } else {
        put_marks_in_order(&mut marks);
        crate::order::permute_in_place(&mut pupils, &mut by_id);
    }
    let coverage = Coverage::of(&marks, pupils.len(), n);
    let slots: Vec<usize> = (0..n).filter(|&j| coverage.slots[j]).collect();
    let sess = |j: usize| crate::register::session_at(sorted_weeks[j / WEEK_SLOTS], j % WEEK_SLOTS);
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
        notices.push(format!("{} skipped", plural(blank_rows, "blank row")));
    }
    if b.identical_duplicates > 0 {
        notices.push(format!(
            "{} appeared twice for the same pupil with the same mark; each was kept once",
            plural(b.identical_duplicates, "session")
        ));
    }
    notices.extend(b.controls.notice());
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
        coverage,
    })
}
