//! The reader: opening a file, finding its encoding and layout, reading pupils and storing
//! their marks, and the finished [`Export`].

use super::build::{Builder, header_strings};
use super::columns::{HeaderCell, LONG_DATE, LONG_MARK, LONG_SESSION, find_col, parse_header_cell};
use super::decode::{Decoder, Utf16ToUtf8};
use super::fingerprint::{Fingerprint, Tee};
use super::halves::SplitSource;
use super::long::read_long;
use super::marks::MarkReader;
use super::records::Records;
use super::wide::read_wide;
use super::{Export, ExportError, Layout, Progress, ReadOptions, TextEncoding};
use crate::dates::{uk_date, weekday_name};
use chrono::Datelike;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

/// Open and read an export, telling `progress` how far it has got. Nothing is written.
pub fn read_export(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Export, ExportError> {
    let (mut export, fingerprint) = read_export_fingerprint_pending(path, opts, progress)?;
    export.sha256 = fingerprint.wait()?;
    Ok(export)
}

/// The SHA-256 of an export file, still being worked out on another thread (it takes longer
/// than reading a long export's rows): [`PendingFingerprint::wait`] gives it.
#[must_use = "the import log needs the fingerprint"]
pub struct PendingFingerprint {
    fingerprint: Arc<Fingerprint>,
    shown: String,
}

impl PendingFingerprint {
    /// The file's SHA-256, as lowercase hex, once worked out.
    pub fn wait(self) -> Result<String, ExportError> {
        match self.fingerprint.wait() {
            Ok(Ok(h)) => Ok(h),
            Ok(Err(e)) => Err(cannot_open(&self.shown, e)),
            Err(_) => Err(ExportError::one(
                &self.shown,
                None,
                "could not read the file to fingerprint it",
                "",
            )),
        }
    }
}

/// The file `shown` could not be opened or read.
fn cannot_open(shown: &str, e: io::Error) -> ExportError {
    ExportError::one(
        shown,
        None,
        format!("cannot open the file: {e}"),
        "check the file name and that you can read it",
    )
}

/// [`read_export`], but with the file's fingerprint left to be worked out while the export is
/// merged: the export's `sha256` is empty until [`PendingFingerprint::wait`] gives it.
pub fn read_export_fingerprint_pending(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
) -> Result<(Export, PendingFingerprint), ExportError> {
    let file_name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let shown = path.display().to_string();
    let open_err = |e: io::Error| cannot_open(&shown, e);
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
    // the file is hashed on another thread, from the blocks the rows' reader reads (`Tee`)
    let fingerprint = Fingerprint::start(path, head).map_err(open_err)?;
    let f = Tee {
        inner: f,
        fingerprint: &fingerprint,
    };
    progress.start(size);
    let result = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let dec = Decoder {
            forced: opts.encoding,
            bom: true,
            seen: None,
        };
        let split = SplitSource {
            path,
            offset: 3,
            size,
            fingerprint: &fingerprint,
        };
        read_records(
            Records::new(f),
            dec,
            &shown,
            &file_name,
            opts,
            progress,
            Some(&split),
        )
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
        read_records(
            Records::new(src),
            dec,
            &shown,
            &file_name,
            opts,
            progress,
            None,
        )
        .map(|mut e| {
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
        let split = SplitSource {
            path,
            offset: 0,
            size,
            fingerprint: &fingerprint,
        };
        read_records(
            Records::new(src),
            dec,
            &shown,
            &file_name,
            opts,
            progress,
            Some(&split),
        )
    };
    progress.finish();
    let export = result?;
    Ok((export, PendingFingerprint { fingerprint, shown }))
}

pub(super) fn read_records<R: Read>(
    mut rec: Records<R>,
    dec: Decoder,
    shown: &str,
    file_name: &str,
    opts: &ReadOptions,
    progress: &dyn Progress,
    split: Option<&SplitSource<'_>>,
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
        wide_rows: Vec::new(),
        row_len: 0,
        by_id: FxHashMap::default(),
        code_sets: BTreeSet::new(),
        no_mark_cells: 0,
        rows: 0,
        identical_duplicates: 0,
        controls: Default::default(),
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
        Layout::Wide => read_wide(
            &mut rec,
            &mut b,
            header,
            cells,
            header_line,
            progress,
            split,
        ),
        Layout::Long => read_long(
            &mut rec,
            &mut b,
            header,
            long_cols,
            header_line,
            progress,
            split,
        ),
    }
    .map_err(|e| e.unwrap_or_else(|| std::mem::take(&mut b.err)))?;
    let mut export = export;
    export.file_name = file_name.to_string();
    Ok(export)
}
