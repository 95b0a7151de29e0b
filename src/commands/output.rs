//! Presenting results: aligned tables for people, CSV and JSON for machines.

use comfy_table::{ContentArrangement, Table, presets};

/// A table in attend's style: no colour unless allowed, width from the terminal.
pub fn table(header: &[&str], color: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    if !color {
        t.force_no_tty();
    }
    t
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

/// Write CSV rows to stdout.
pub fn write_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(stdout.lock());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.flush()?;
    Ok(())
}
