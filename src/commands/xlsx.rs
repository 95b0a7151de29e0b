//! Excel workbooks (`--xlsx FILE`): the same rows and columns as the command's CSV, as a real
//! spreadsheet. One sheet per table; the header row bold, frozen and filtered; each column's
//! width set to its contents; percentages numbers shown with one decimal; counts numbers; dates
//! Excel dates (shown dd/mm/yyyy); UPNs, year and registration groups, names and every other
//! text as text, so nothing a cell holds is ever run as a formula. A sheet "About" says what the
//! workbook holds: the command, the period, the as-of date, the register's latest session and
//! the small-group rule.
//!
//! The file is written as every file attend writes for the user: atomically, never over
//! attend's own files, through [`attend::fsutil::write_output`].

use anyhow::{Context, Result, anyhow};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};
use std::path::Path;

/// One table: its sheet's name, the CSV header and the CSV rows (before CSV neutralisation).
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn new(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Sheet {
        Sheet {
            name: name.to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }

    /// The rows split into one sheet per value of column `by` (in the order first met), each
    /// named by `name(value)`.
    pub fn split(
        header: &[&str],
        rows: Vec<Vec<String>>,
        by: &str,
        name: impl Fn(&str) -> String,
    ) -> Vec<Sheet> {
        let col = header.iter().position(|h| *h == by).expect("a column");
        let mut sheets: Vec<Sheet> = Vec::new();
        for r in rows {
            let n = name(&r[col]);
            match sheets.iter_mut().find(|s| s.name == n) {
                Some(s) => s.rows.push(r),
                None => {
                    let mut s = Sheet::new(&n, header, Vec::new());
                    s.rows.push(r);
                    sheets.push(s);
                }
            }
        }
        sheets
    }
}

/// A line of the "About" sheet.
pub enum About {
    Text(&'static str, String),
    Date(&'static str, Option<NaiveDate>),
}

/// What a column holds, from its name and its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Count,
    /// A number with a fraction, not a percentage (school days: 57.5).
    Number,
    Percent,
    Date,
}

fn is_date(v: &str) -> bool {
    v.len() == 10 && NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok()
}

fn is_count(v: &str) -> bool {
    !v.is_empty() && v.len() < 12 && v.bytes().all(|b| b.is_ascii_digit())
}

fn is_decimal(v: &str) -> bool {
    let (w, f) = v.split_once('.').unwrap_or((v, "0"));
    is_count(w) && is_count(f)
}

/// Columns that hold labels made of digits, kept as text: a UPN, a year group ("7", "R"), a
/// registration group, an admission number, a phone number.
fn always_text(name: &str) -> bool {
    [
        "upn", "year", "group", "adno", "phone", "mobile", "postcode",
    ]
    .iter()
    .any(|w| name.contains(w))
}

fn kind_of(name: &str, values: impl Iterator<Item = String> + Clone) -> Kind {
    let mut filled = values.filter(|v| !v.is_empty()).peekable();
    if filled.peek().is_none() || always_text(name) {
        return Kind::Text;
    }
    let all = |f: fn(&str) -> bool| filled.clone().all(|v| f(&v));
    if all(is_date) {
        Kind::Date
    } else if name.ends_with("pct") && all(is_decimal) {
        Kind::Percent
    } else if all(is_count) {
        Kind::Count
    } else if all(is_decimal) {
        Kind::Number
    } else {
        Kind::Text
    }
}

fn date_of(d: NaiveDate) -> Result<ExcelDateTime> {
    let year = u16::try_from(d.year()).map_err(|_| anyhow!("{d} cannot be written"))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
        .map_err(|e| anyhow!("{d} cannot be written: {e}"))
}

/// A sheet's name as Excel allows it: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let n: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let n: String = n.trim().chars().take(31).collect();
    if n.is_empty() { "Sheet".into() } else { n }
}

struct Formats {
    header: Format,
    date: Format,
    pct: Format,
    count: Format,
    text: Format,
    wrap: Format,
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet, f: &Formats) -> Result<()> {
    ws.set_name(sheet_name(&s.name))?;
    let cols = s.header.len();
    let kinds: Vec<Kind> = (0..cols)
        .map(|c| {
            kind_of(
                &s.header[c],
                s.rows
                    .iter()
                    .map(move |r| r.get(c).cloned().unwrap_or_default()),
            )
        })
        .collect();
    for (c, h) in s.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.header)?;
    }
    for (i, r) in s.rows.iter().enumerate() {
        let row = u32::try_from(i + 1).context("too many rows for a sheet")?;
        for (c, v) in r.iter().enumerate().take(cols) {
            let col = c as u16;
            if v.is_empty() {
                continue;
            }
            match kinds[c] {
                Kind::Date => {
                    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d")?;
                    ws.write_datetime_with_format(row, col, date_of(d)?, &f.date)?;
                }
                Kind::Percent => {
                    ws.write_number_with_format(row, col, v.parse::<f64>()?, &f.pct)?;
                }
                Kind::Count => {
                    ws.write_number_with_format(row, col, v.parse::<f64>()?, &f.count)?;
                }
                Kind::Number => {
                    ws.write_number(row, col, v.parse::<f64>()?)?;
                }
                // text, and nothing but text: a cell beginning `=` is never a formula here
                Kind::Text => {
                    ws.write_string_with_format(row, col, v, &f.text)?;
                }
            }
        }
    }
    for (c, kind) in kinds.iter().enumerate() {
        let widest = s
            .rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|v| match kind {
                Kind::Date => 10,
                _ => v.chars().count(),
            })
            .chain([s.header[c].chars().count()])
            .max()
            .unwrap_or(8);
        ws.set_column_width(c as u16, (widest.clamp(6, 60) + 2) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if cols > 0 {
        let last = u32::try_from(s.rows.len()).context("too many rows for a sheet")?;
        ws.autofilter(0, 0, last, (cols - 1) as u16)?;
    }
    Ok(())
}

/// The workbook as bytes: the sheets, then "About".
pub fn workbook(sheets: &[Sheet], about: &[About]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats {
        header: Format::new().set_bold().set_text_wrap(),
        date: Format::new().set_num_format("dd/mm/yyyy"),
        pct: Format::new().set_num_format("0.0"),
        count: Format::new().set_num_format("0"),
        text: Format::new().set_num_format("@"),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    };
    for s in sheets {
        write_sheet(wb.add_worksheet(), s, &f)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("About")?;
    ws.write_string_with_format(0, 0, "About this workbook", &f.header)?;
    for (i, a) in about.iter().enumerate() {
        let row = i as u32 + 1;
        match a {
            About::Text(k, v) => {
                ws.write_string_with_format(row, 0, *k, &f.header)?;
                ws.write_string_with_format(row, 1, v, &f.wrap)?;
            }
            About::Date(k, d) => {
                ws.write_string_with_format(row, 0, *k, &f.header)?;
                match d {
                    Some(d) => ws.write_datetime_with_format(row, 1, date_of(*d)?, &f.date)?,
                    None => ws.write_string(row, 1, "none")?,
                };
            }
        }
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 90)?;
    wb.save_to_buffer()
        .map_err(|e| anyhow!("cannot make the workbook: {e}"))
}

/// Write the workbook to `path` (atomically; never over attend's own files).
pub fn write(
    root: &attend::fsutil::Root,
    path: &Path,
    sheets: &[Sheet],
    about: &[About],
) -> Result<()> {
    let bytes = workbook(sheets, about)?;
    attend::fsutil::write_output(Some(root), path, &bytes)
        .with_context(|| format!("cannot write the workbook {}", path.display()))
}

/// The lines of "About" every workbook has: what made it, the as-of date, the register's
/// latest session.
pub fn about_common(
    command: &str,
    as_of: NaiveDate,
    latest_session: Option<NaiveDate>,
) -> Vec<About> {
    vec![
        About::Text("Made by", format!("attend {command}")),
        About::Date("As of", Some(as_of)),
        About::Date("Register's latest session", latest_session),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_by_name_and_contents() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(kind_of("upn", v(&["123"]).into_iter()), Kind::Text);
        assert_eq!(kind_of("year", v(&["7", "8"]).into_iter()), Kind::Text);
        assert_eq!(kind_of("possible", v(&["7", ""]).into_iter()), Kind::Count);
        assert_eq!(
            kind_of("attendance_pct", v(&["90.0", "100.0"]).into_iter()),
            Kind::Percent
        );
        assert_eq!(
            kind_of("opened", v(&["2025-01-10", ""]).into_iter()),
            Kind::Date
        );
        assert_eq!(kind_of("name", v(&["=1+1"]).into_iter()), Kind::Text);
        assert_eq!(
            kind_of("detail", v(&["12", "twelve"]).into_iter()),
            Kind::Text
        );
        assert_eq!(sheet_name("a/b: [c]"), "a b   c");
    }
}
