//! The reader: opening a file, finding its encoding and layout, reading pupils and storing
//! their marks, and the finished [`Export`].

use super::columns::{
    Columns, HeaderCell, LONG_DATE, LONG_MARK, LONG_SESSION, find_col, parse_header_cell,
};
use super::decode::{Decoder, Utf16ToUtf8};
use super::long::read_long;
use super::marks::{Cell, MarkReader, bad_code, trim_ascii, wrong_set_reason};
use super::records::{Fields, Records};
use super::wide::read_wide;
use super::{
    Export, ExportError, ExportPupil, Layout, NOT_COVERED, Progress, ReadOptions, TextEncoding,
};
use crate::codes::CodeSet;
use crate::config::IdentifyBy;
use crate::dates::{Session, parse_date, uk_date, weekday_name};
use crate::register::{Pupil, WEEK_SLOTS};
use crate::text::plural;
use crate::upn::{PupilId, Upn};
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// A pupil while the export is read: details, and marks over the weeks seen so far.
pub(super) struct Reading {
    pub(super) details: Pupil,
    pub(super) line: usize,
    pub(super) marks: Vec<u8>,
}

pub(super) struct Builder<'a> {
    pub(super) file: &'a str,
    pub(super) opts: &'a ReadOptions,
    pub(super) err: ExportError,
    pub(super) dec: Decoder,
    pub(super) marks: MarkReader,
    pub(super) weeks: Vec<NaiveDate>,
    week_index: FxHashMap<NaiveDate, usize>,
    pub(super) pupils: Vec<Reading>,
    pub(super) by_id: FxHashMap<Box<[u8]>, u32>,
    pub(super) code_sets: BTreeSet<CodeSet>,
    pub(super) no_mark_cells: usize,
    pub(super) rows: usize,
    identical_duplicates: usize,
}

impl<'a> Builder<'a> {
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

pub(super) fn header_strings(rec: &Fields<'_>, dec: &mut Decoder) -> Vec<String> {
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
                    uk_date(*d),
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
