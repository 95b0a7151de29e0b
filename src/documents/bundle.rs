//! The bundle a local authority's attendance service (or a court) receives when a case is
//! referred: one PDF with an index, numbered exhibits (the referral summary, the certificate for
//! a court, every letter and record filed in the case in date order, the chronology) and a
//! manifest page giving each exhibit's SHA-256; the manifest as CSV; and a byte-for-byte copy of
//! each filed exhibit, whose SHA-256 is the one on the case's timeline.
//!
//! The bundle's PDF shows each filed PDF's pages as they are (typst places them in the bundle);
//! the copies beside it are the files themselves, so anyone can check them against the manifest.

use crate::cases::Case;
use crate::cases::model::Document;
use crate::cases::store::sha256_hex;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::path::Path;

/// The folder inside a case folder that holds its bundles.
pub const BUNDLES_DIR: &str = "bundles";

/// What an exhibit's file holds, for placing it in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A PDF, with its number of pages.
    Pdf(usize),
    /// Plain text (a letter logged by hand as a .txt file).
    Text,
    /// An image (PNG, JPEG, GIF, SVG).
    Image,
    /// Anything else: only in the bundle's folder, listed in the manifest.
    Other,
}

/// One exhibit: a document filed in the case.
#[derive(Debug, Clone)]
pub struct Exhibit {
    pub number: usize,
    pub title: String,
    /// The date of its timeline entry.
    pub date: NaiveDate,
    /// Who it was sent to (the entry's `with`).
    pub to: String,
    /// Inside the case folder.
    pub path: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub format: Format,
}

impl Exhibit {
    /// The file name in the bundle: `03-2025-01-14-concern-letter.pdf`.
    pub fn file_name(&self) -> String {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        format!("{:02}-{name}", self.number)
    }

    /// The name typst reads it by in the bundle's markup.
    pub fn asset_name(&self) -> String {
        let ext = self.path.rsplit_once('.').map_or("bin", |(_, e)| e);
        format!("exhibit-{}.{}", self.number, ext.to_ascii_lowercase())
    }
}

/// How a file is placed, from its name and (for PDFs) its pages.
pub fn format_of(path: &str, bytes: &[u8], pages: impl Fn(&[u8]) -> Option<usize>) -> Format {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => match pages(bytes) {
            Some(n) if n > 0 => Format::Pdf(n),
            _ => Format::Other,
        },
        "txt" if std::str::from_utf8(bytes).is_ok() => Format::Text,
        "png" | "jpg" | "jpeg" | "gif" | "svg" => Format::Image,
        _ => Format::Other,
    }
}

/// The title of a filed document, from its file name (`2025-01-20-plan-1.pdf`: "Attendance
/// action plan 1").
fn title_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match super::issue::kind_of_filed(path) {
        Some(kind) => {
            let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
            let plan = stem
                .rsplit('-')
                .next()
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && n.len() < 4);
            match plan {
                Some(n) if matches!(kind, super::Kind::Plan | super::Kind::Review) => {
                    format!("{} {n}", kind.title())
                }
                _ => kind.title().to_string(),
            }
        }
        None => name.to_string(),
    }
}

/// The exhibits of a case: `first` (the referral summary and the certificate made for the
/// bundle, already read), then every other document filed on the timeline in date order (a
/// bundle made before is not an exhibit). Each file must still have the SHA-256 recorded.
pub fn exhibits(
    case: &Case,
    first: Vec<(Document, Vec<u8>, NaiveDate, String)>,
    read: impl Fn(&str) -> Result<Vec<u8>>,
    pages: impl Fn(&[u8]) -> Option<usize>,
) -> Result<Vec<Exhibit>> {
    let mut out = Vec::new();
    let mut push = |doc: &Document, bytes: Vec<u8>, date: NaiveDate, to: &str| -> Result<()> {
        if sha256_hex(&bytes) != doc.sha256 {
            bail!(
                "{} is not the file filed (its SHA-256 differs from the one on the timeline): run attend case verify",
                doc.path
            );
        }
        let number = out.len() + 1;
        out.push(Exhibit {
            number,
            title: title_of(&doc.path),
            date,
            to: to.to_string(),
            path: doc.path.clone(),
            sha256: doc.sha256.clone(),
            format: format_of(&doc.path, &bytes, &pages),
            bytes,
        });
        Ok(())
    };
    let firsts: Vec<String> = first.iter().map(|f| f.0.path.clone()).collect();
    for (doc, bytes, date, to) in first {
        push(&doc, bytes, date, &to)?;
    }
    let mut filed: Vec<(NaiveDate, usize, &Document, &str)> = case
        .timeline
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.document.as_ref().map(|d| (e.date, i, d, e.with.as_str())))
        .filter(|(_, _, d, _)| {
            !firsts.contains(&d.path) && !d.path.starts_with(&format!("{BUNDLES_DIR}/"))
        })
        .collect();
    filed.sort_by_key(|(date, i, _, _)| (*date, *i));
    let mut seen = std::collections::BTreeSet::new();
    for (date, _, doc, to) in filed {
        if !seen.insert(doc.path.clone()) {
            continue; // the same file recorded twice is one exhibit
        }
        push(doc, read(&doc.path)?, date, to)?;
    }
    Ok(out)
}

/// The exhibits' part of the bundle's context: `exhibits` (each `number`, `title`, `date`, `to`,
/// `file`, `sha256`, `bytes`, `format`, `pages`, `asset`) and `chronology`.
pub fn context(case: &Case, exhibits: &[Exhibit], made: NaiveDate) -> Value {
    let exhibit_of = |path: &str| exhibits.iter().find(|x| x.path == path).map(|x| x.number);
    let chronology: Vec<Value> = {
        let mut events: Vec<(usize, &crate::cases::model::Event)> =
            case.timeline.iter().enumerate().collect();
        events.sort_by_key(|(i, e)| (e.date, *i));
        events
            .into_iter()
            .map(|(_, e)| {
                json!({
                    "date": e.date,
                    "kind": crate::text::capitalise(e.kind.as_str()).replace('_', " "),
                    "by": e.by.trim(),
                    "with": e.with.trim(),
                    "text": e.text.trim(),
                    "exhibit": e.document.as_ref().and_then(|d| exhibit_of(&d.path)),
                })
            })
            .collect()
    };
    json!({
        "made": made,
        "exhibits": exhibits.iter().map(|x| json!({
            "number": x.number,
            "title": x.title,
            "date": x.date,
            "to": x.to,
            "file": x.file_name(),
            "path": x.path,
            "sha256": x.sha256,
            "bytes": x.bytes.len(),
            "format": match x.format {
                Format::Pdf(_) => "pdf",
                Format::Text => "text",
                Format::Image => "image",
                Format::Other => "other",
            },
            "pages": match x.format { Format::Pdf(n) => Some(n), _ => None },
            "asset": x.asset_name(),
        })).collect::<Vec<_>>(),
        "chronology": chronology,
    })
}

/// The manifest as CSV: one row per exhibit.
pub fn manifest_csv(exhibits: &[Exhibit]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record([
        "exhibit",
        "title",
        "date",
        "sent_to",
        "file",
        "case_path",
        "bytes",
        "sha256",
    ])?;
    for x in exhibits {
        w.write_record([
            x.number.to_string(),
            spreadsheet_safe(&x.title),
            x.date.to_string(),
            spreadsheet_safe(&x.to),
            x.file_name(),
            x.path.clone(),
            x.bytes.len().to_string(),
            x.sha256.clone(),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// Text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
/// gets a `'` in front.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The bundle's folder inside the case folder: `bundles/<date>-bundle`, or `-v2`... when one was
/// made that day already.
pub fn folder(case_dir: &Path, date: NaiveDate) -> Result<String> {
    let base = format!("{}-bundle", date.format("%Y-%m-%d"));
    for v in 1..1000 {
        let name = if v == 1 {
            base.clone()
        } else {
            format!("{base}-v{v}")
        };
        if !case_dir.join(BUNDLES_DIR).join(&name).exists() {
            return Ok(format!("{BUNDLES_DIR}/{name}"));
        }
    }
    bail!(
        "there are already 999 bundles of {date} in {}",
        case_dir.display()
    )
}
