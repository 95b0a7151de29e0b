//! Presenting results: aligned tables for people, CSV and JSON for machines.
//!
//! What an export or a case file holds reaches people through here, made safe for where it
//! goes: [`clean`] for a terminal (no control characters, no bidirectional overrides: a name
//! cannot move the cursor, recolour the screen or reverse the text around it), [`csv_cell`]
//! for a spreadsheet (no cell a spreadsheet would run as a formula). JSON is written exactly.

use comfy_table::{ContentArrangement, presets};
use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// Is `c` unsafe to print to a terminal: a control character other than a line break (which
/// could move the cursor, clear the screen or change colours), or a bidirectional control
/// (which reorders the text around it)?
fn unsafe_char(c: char) -> bool {
    c != '\n' && attend::text::is_control(c)
}

/// Text from an export or a case, safe to print to a terminal: each control character (but a
/// line break) and each bidirectional control becomes `�`, so it is seen, and does nothing. A
/// tab becomes a space.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\t' => ' ',
                c if unsafe_char(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// A table in attend's style, whose cells are [`clean`]ed.
pub struct Table(comfy_table::Table);

impl Table {
    /// Add a row; every cell is cleaned for the terminal.
    pub fn add_row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.0
            .add_row(cells.into_iter().map(|c| clean(c.as_ref()).into_owned()));
        self
    }
}

impl Deref for Table {
    type Target = comfy_table::Table;
    fn deref(&self) -> &comfy_table::Table {
        &self.0
    }
}

impl DerefMut for Table {
    fn deref_mut(&mut self) -> &mut comfy_table::Table {
        &mut self.0
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A table in attend's style: no colour unless allowed, width from the terminal.
pub fn table(header: &[&str], color: bool) -> Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| clean(h).into_owned()));
    if !color {
        t.force_no_tty();
    }
    Table(t)
}

/// Thousands separators for counts people read: 12345 -> "12,345".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A CSV cell safe to open in a spreadsheet: a cell beginning `=`, `+`, `-`, `@`, a tab or a
/// carriage return, which Excel would read as a formula, gets a `'` in front (OWASP's advice
/// on CSV injection). A number (`-3`, `+4.5`) is not a formula and is kept as it is; attend's own
/// figures are never negative, so only text from an export or a case is ever changed. The test
/// is one byte for almost every cell.
pub fn csv_cell(cell: &str) -> Cow<'_, [u8]> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_number(cell) => {
            Cow::Owned(format!("'{cell}").into_bytes())
        }
        _ => Cow::Borrowed(cell.as_bytes()),
    }
}

/// `-3`, `+4.5`: a plain decimal number, with a sign.
fn is_number(cell: &str) -> bool {
    let digits = &cell[1..];
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "1"));
    cell.starts_with(['-', '+'])
        && !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// The format a command prints in: `--excel-csv` is CSV (with a byte-order mark, written here
/// at once, before the CSV).
pub fn format_of(
    format: crate::cli::common::Format,
    share: &crate::cli::common::ShareArgs,
) -> anyhow::Result<crate::cli::common::Format> {
    use crate::cli::common::Format;
    use std::io::Write;
    if !share.excel_csv {
        return Ok(format);
    }
    if format == Format::Json {
        anyhow::bail!("--excel-csv writes CSV: leave out --format json");
    }
    std::io::stdout().lock().write_all("\u{FEFF}".as_bytes())?;
    Ok(Format::Csv)
}

/// Write CSV rows to stdout, each cell made safe for a spreadsheet ([`csv_cell`]).
pub fn write_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(stdout.lock());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r.iter().map(|c| csv_cell(c)))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_in_csv_cells_are_neutralised() {
        for (cell, out) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+44 7700 900123", "'+44 7700 900123"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("Smith", "Smith"),
            ("", ""),
            ("90.0", "90.0"),
            ("-3", "-3"),
            ("+4.5", "+4.5"),
            ("-.5", "'-.5"),
            ("2024-09-02", "2024-09-02"),
        ] {
            assert_eq!(&*csv_cell(cell), out.as_bytes(), "{cell:?}");
        }
    }

    #[test]
    fn control_characters_and_bidi_overrides_never_reach_the_terminal() {
        assert_eq!(clean("Smith"), "Smith");
        assert_eq!(clean("Sm\u{1b}[31mith"), "Sm\u{FFFD}[31mith");
        assert_eq!(clean("a\u{202E}b\u{2066}c"), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(
            clean("a\0b\u{7}\u{9b}c\rd"),
            "a\u{FFFD}b\u{FFFD}\u{FFFD}c\u{FFFD}d"
        );
        assert_eq!(clean("one\ntwo\tthree"), "one\ntwo three");
        assert_eq!(clean("Żak, Zoë"), "Żak, Zoë");
    }
}

/// One CSV line written straight into a byte buffer, the way the `csv` crate writes it
/// (a field is quoted when it holds a comma, a quote or a line break; a quote is doubled), for
/// lists of many rows: no string per cell. Text goes through [`csv_cell`] like every cell.
pub struct CsvLine<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> CsvLine<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> CsvLine<'a> {
        CsvLine { out, first: true }
    }

    #[inline]
    fn sep(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// Text from an export or a case: made safe for a spreadsheet, quoted where needed.
    pub fn text(&mut self, cell: &str) -> &mut Self {
        self.sep();
        let cell = csv_cell(cell);
        if cell
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        {
            self.out.push(b'"');
            for &b in cell.iter() {
                if b == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(b);
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(&cell);
        }
        self
    }

    /// A count.
    pub fn num(&mut self, n: u32) -> &mut Self {
        self.sep();
        push_u64(self.out, n as u64);
        self
    }

    /// A percentage with one decimal (`90.0`), or nothing.
    pub fn pct(&mut self, f: Option<attend::attendance::Fraction>) -> &mut Self {
        self.sep();
        if let Some(f) = f {
            let t = f.tenths();
            push_u64(self.out, t / 10);
            self.out.push(b'.');
            self.out.push(b'0' + (t % 10) as u8);
        }
        self
    }

    /// A date as yyyy-mm-dd, or nothing.
    pub fn date(&mut self, d: Option<chrono::NaiveDate>) -> &mut Self {
        use chrono::Datelike;
        self.sep();
        match d {
            Some(d) if (0..=9999).contains(&d.year()) => {
                let (y, m, day) = (d.year() as u32, d.month(), d.day());
                self.out.extend_from_slice(&[
                    b'0' + (y / 1000) as u8,
                    b'0' + (y / 100 % 10) as u8,
                    b'0' + (y / 10 % 10) as u8,
                    b'0' + (y % 10) as u8,
                    b'-',
                    b'0' + (m / 10) as u8,
                    b'0' + (m % 10) as u8,
                    b'-',
                    b'0' + (day / 10) as u8,
                    b'0' + (day % 10) as u8,
                ]);
            }
            Some(d) => self.out.extend_from_slice(d.to_string().as_bytes()),
            None => {}
        }
        self
    }

    /// attend's own words and figures, which need neither quoting nor making safe.
    pub fn plain(&mut self, s: &str) -> &mut Self {
        debug_assert!(
            !s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
                && csv_cell(s).len() == s.len()
        );
        self.sep();
        self.out.extend_from_slice(s.as_bytes());
        self
    }

    /// End the line.
    pub fn end(self) {
        self.out.push(b'\n');
    }
}

/// The decimal digits of `n`.
#[inline]
fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    // most counts are a school year's sessions or fewer: written as a fixed number of bytes,
    // not a copy of a length known only when it runs
    let d = |k: u64| b'0' + k as u8;
    match n {
        0..10 => return out.push(d(n)),
        10..100 => return out.extend_from_slice(&[d(n / 10), d(n % 10)]),
        100..1000 => return out.extend_from_slice(&[d(n / 100), d(n / 10 % 10), d(n % 10)]),
        _ => {}
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod csv_line_tests {
    use super::{CsvLine, csv_cell, push_u64};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_count_is_written_as_its_decimal_digits(n in prop_oneof![0u64..2000, any::<u64>()]) {
            let mut out = b"x".to_vec();
            push_u64(&mut out, n);
            prop_assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    /// What the csv crate writes for the same cells (made safe the same way).
    fn by_csv_crate(cells: &[String]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(cells.iter().map(|c| csv_cell(c))).unwrap();
        w.into_inner().unwrap()
    }

    #[test]
    fn csv_line_quotes_and_neutralises_like_the_csv_crate() {
        let cells: Vec<String> = [
            "O'Brien, Sean",
            "say \"hi\"",
            "=HYPERLINK(\"x\")",
            "-3",
            "+4.5",
            "@SUM(A1)",
            "two\nlines",
            "cr\rhere",
            "",
            "plain",
            "Zoë",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut out = Vec::new();
        let mut line = CsvLine::new(&mut out);
        for c in &cells {
            line.text(c);
        }
        line.end();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(by_csv_crate(&cells)).unwrap()
        );
    }

    #[test]
    fn csv_line_numbers_percentages_and_dates_print_as_to_string_does() {
        use attend::attendance::Fraction;
        let mut out = Vec::new();
        let mut line = CsvLine::new(&mut out);
        let d = chrono::NaiveDate::from_ymd_opt(2025, 1, 9).unwrap();
        let f = Fraction::new(2, 3).unwrap();
        line.num(0)
            .num(4_294_967_295)
            .pct(Some(f))
            .pct(None)
            .date(Some(d))
            .date(None);
        line.end();
        let want = format!("0,4294967295,{},,{d},\n", f.pct());
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    proptest! {
        #[test]
        fn csv_line_text_matches_the_csv_crate_for_any_cells(
            cells in proptest::collection::vec("[ -~\\n\\r\\té\"=,+@-]{0,12}", 2..8)
        ) {
            let mut out = Vec::new();
            let mut line = CsvLine::new(&mut out);
            for c in &cells {
                line.text(c);
            }
            line.end();
            prop_assert_eq!(out, by_csv_crate(&cells));
        }

        #[test]
        fn csv_line_percentages_match_fraction_pct(num in 0u32..100_000, den in 1u32..100_000) {
            let f = attend::attendance::Fraction::new(num, den).unwrap();
            let mut out = Vec::new();
            CsvLine::new(&mut out).pct(Some(f));
            prop_assert_eq!(String::from_utf8(out).unwrap(), f.pct());
        }
    }
}
