//! Tables that fit the screen: a table for people is never wider than the terminal.
//!
//! The width is the terminal's own when the output is a terminal, else `COLUMNS` when it is
//! set, else 100 (a laptop's terminal). A table too wide for it is made narrower, never wrapped:
//! first the columns that may be cut (long free text such as a pattern or a name) are cut short
//! with `…`, down to each one's least width; then whole columns are left out, the least needed
//! first (each command documents its order in README); a line under the table names the columns
//! left out and says that `--wide` shows them. `--wide` shows every column, however wide.
//!
//! Every cell is [`clean`]ed for the terminal, as in [`super::output::table`].

use super::output::{clean, table};
use std::fmt::Write as _;

/// The width tables fit when neither a terminal nor `COLUMNS` gives one.
pub const DEFAULT_WIDTH: usize = 100;

/// One column of a [`FitTable`].
#[derive(Debug, Clone, Copy)]
pub struct Col<'a> {
    pub header: &'a str,
    /// Right-aligned (figures).
    pub right: bool,
    /// Left out to fit: the lower the number, the sooner (`None`: never left out).
    pub drop: Option<u8>,
    /// May be cut short with `…` to fit, down to this many characters (`None`: never cut).
    pub cut_to: Option<usize>,
}

impl<'a> Col<'a> {
    /// A column always shown, never cut.
    pub const fn keep(header: &'a str) -> Col<'a> {
        Col {
            header,
            right: false,
            drop: None,
            cut_to: None,
        }
    }

    /// Right-aligned (a figure).
    pub const fn right(self) -> Col<'a> {
        Col {
            right: true,
            ..self
        }
    }

    /// Left out to fit, in this order (lower first).
    pub const fn drop(self, order: u8) -> Col<'a> {
        Col {
            drop: Some(order),
            ..self
        }
    }

    /// May be cut short to fit, down to `least` characters.
    pub const fn cut(self, least: usize) -> Col<'a> {
        Col {
            cut_to: Some(least),
            ..self
        }
    }
}

/// A table whose columns are chosen and cut to fit a width (see the module's documentation).
pub struct FitTable<'a> {
    cols: Vec<Col<'a>>,
    rows: Vec<Vec<String>>,
    color: bool,
}

/// The width of a piece of text on screen, counted in characters (the widest of its lines).
fn width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// `text` cut to at most `w` characters on each line, with `…` where it was cut.
fn cut(text: &str, w: usize) -> String {
    text.lines()
        .map(|l| {
            if l.chars().count() <= w {
                l.to_string()
            } else {
                let mut s: String = l.chars().take(w.saturating_sub(1)).collect();
                s.push('…');
                s
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What [`FitTable::render`] made: the table, and the headers of the columns it left out.
pub struct Fitted<'a> {
    pub text: String,
    /// The width it was fitted to.
    pub max: usize,
    pub left_out: Vec<&'a str>,
}

impl Fitted<'_> {
    /// The table, with a line under it naming the columns left out (if any).
    pub fn with_note(&self) -> String {
        let mut s = self.text.clone();
        if !self.left_out.is_empty() {
            let note = format!(
                "Left out to fit the screen: {} (--wide shows every column).",
                self.left_out.join(", ")
            );
            let _ = write!(s, "\n{}", wrap(&note, self.max));
        }
        s
    }
}

impl<'a> FitTable<'a> {
    pub fn new(cols: &[Col<'a>], color: bool) -> FitTable<'a> {
        FitTable {
            cols: cols.to_vec(),
            rows: Vec::new(),
            color,
        }
    }

    /// Add a row (one cell per column); every cell is cleaned for the terminal.
    /// Add a row (one cell per column: missing ones are blank); every cell is cleaned for the
    /// terminal.
    pub fn add_row(&mut self, cells: Vec<String>) -> &mut Self {
        debug_assert!(cells.len() <= self.cols.len(), "one cell per column");
        let mut row: Vec<String> = cells.iter().map(|c| clean(c).into_owned()).collect();
        row.resize(self.cols.len(), String::new());
        self.rows.push(row);
        self
    }

    /// The table fitted to `max` characters (unless `wide`), with the columns it left out.
    pub fn render(&self, max: usize, wide: bool) -> Fitted<'a> {
        // the natural width of each column: its widest cell or header
        let natural: Vec<usize> = (0..self.cols.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| width(&r[i]))
                    .chain([width(self.cols[i].header)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut shown: Vec<bool> = vec![true; self.cols.len()];
        let mut widths = natural.clone();
        // a table's width: `│ a ┆ b │` is one border, then each column padded by one space
        // either side and followed by a separator
        let total = |shown: &[bool], widths: &[usize]| -> usize {
            1 + (0..widths.len())
                .filter(|&i| shown[i])
                .map(|i| widths[i] + 3)
                .sum::<usize>()
        };
        if !wide {
            let mut order: Vec<usize> = (0..self.cols.len())
                .filter(|&i| self.cols[i].drop.is_some())
                .collect();
            order.sort_by_key(|&i| (self.cols[i].drop, std::cmp::Reverse(i)));
            let mut order = order.into_iter();
            loop {
                // cut the columns that may be cut, as far as needed, widest first
                widths.clone_from(&natural);
                let mut over = total(&shown, &widths).saturating_sub(max);
                let mut cuttable: Vec<usize> = (0..self.cols.len())
                    .filter(|&i| shown[i] && self.cols[i].cut_to.is_some())
                    .collect();
                cuttable.sort_by_key(|&i| std::cmp::Reverse(widths[i]));
                for i in cuttable {
                    if over == 0 {
                        break;
                    }
                    let least = self.cols[i]
                        .cut_to
                        .unwrap_or(0)
                        .max(width(self.cols[i].header));
                    let spare = widths[i].saturating_sub(least);
                    let by = spare.min(over);
                    widths[i] -= by;
                    over -= by;
                }
                if over == 0 {
                    break;
                }
                match order.next() {
                    Some(i) => shown[i] = false,
                    None => {
                        // nothing more may be left out: cut the widest columns to fit
                        while total(&shown, &widths) > max {
                            let Some(i) = (0..widths.len())
                                .filter(|&i| shown[i] && widths[i] > 3)
                                .max_by_key(|&i| widths[i])
                            else {
                                break;
                            };
                            widths[i] -= 1;
                        }
                        break;
                    }
                }
            }
        }
        let keep: Vec<usize> = (0..self.cols.len()).filter(|&i| shown[i]).collect();
        let header: Vec<&str> = keep.iter().map(|&i| self.cols[i].header).collect();
        let mut t = table(&header, self.color);
        for (k, &i) in keep.iter().enumerate() {
            if self.cols[i].right
                && let Some(col) = t.column_mut(k)
            {
                col.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
        }
        for r in &self.rows {
            t.add_row(keep.iter().map(|&i| {
                if widths[i] < natural[i] {
                    cut(&r[i], widths[i])
                } else {
                    r[i].clone()
                }
            }));
        }
        Fitted {
            max,
            text: t.to_string(),
            left_out: (0..self.cols.len())
                .filter(|&i| !shown[i])
                .map(|i| self.cols[i].header)
                .collect(),
        }
    }
}

/// Prose for the screen, its lines broken between words to fit `width` characters (a word
/// longer than the width stands on its own line); a line that fits is left exactly as it is, so
/// a fitted table passes through unchanged. Line breaks already in it are kept.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if line.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let mut len = 0;
        for (k, word) in line.split_whitespace().enumerate() {
            let w = word.chars().count();
            if k == 0 {
                out.push_str(&indent);
                len = indent.chars().count();
            } else if len + 1 + w > width {
                out.push('\n');
                out.push_str(&indent);
                out.push_str("  ");
                len = indent.chars().count() + 2;
            } else {
                out.push(' ');
                len += 1;
            }
            out.push_str(word);
            len += w;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest(s: &str) -> usize {
        s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    fn sample() -> FitTable<'static> {
        let mut t = FitTable::new(
            &[
                Col::keep("UPN"),
                Col::keep("Name").cut(12),
                Col::keep("Attend %").right(),
                Col::keep("Trend").drop(1),
                Col::keep("Pattern").cut(10).drop(2),
            ],
            false,
        );
        t.add_row(vec![
            "A123456789012".into(),
            "Featherstonehaugh-Cholmondeley, Wilhelmina".into(),
            "45.0".into(),
            "↓".into(),
            "Mon 52% absent; holidays 50%; U×5; PN threshold".into(),
        ]);
        t
    }

    #[test]
    fn a_table_that_fits_is_left_as_it_is() {
        let f = sample().render(200, false);
        assert!(f.left_out.is_empty());
        assert!(
            f.text
                .contains("Featherstonehaugh-Cholmondeley, Wilhelmina")
        );
        assert!(f.text.contains("PN threshold"));
        assert_eq!(longest(&f.text), 1 + 16 + 45 + 11 + 8 + 50);
    }

    #[test]
    fn long_text_is_cut_before_any_column_is_left_out() {
        let f = sample().render(100, false);
        assert!(f.left_out.is_empty());
        assert!(longest(&f.text) <= 100, "{}", f.text);
        assert!(f.text.contains('…'));
        assert!(f.text.contains("A123456789012"));
    }

    #[test]
    fn columns_are_left_out_in_their_order_and_never_wrapped() {
        let f = sample().render(60, false);
        assert_eq!(f.left_out, vec!["Trend"], "Pattern cut short, kept");
        assert!(longest(&f.text) <= 60, "{}", f.text);
        let f = sample().render(50, false);
        assert_eq!(f.left_out, vec!["Trend", "Pattern"]);
        assert!(longest(&f.text) <= 50, "{}", f.text);
        assert_eq!(f.text.lines().count(), 5, "one line per row: {}", f.text);
        assert!(
            f.with_note()
                .contains("Left out to fit the screen: Trend, Pattern")
        );
    }

    #[test]
    fn prose_is_broken_between_words() {
        let text = "Listed apart: 3 pupils with fewer than 20 possible sessions (figures on few sessions swing widely):";
        let w = wrap(text, 40);
        assert!(w.lines().all(|l| l.chars().count() <= 40), "{w}");
        assert_eq!(
            w.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert_eq!(wrap("short\n  two  words", 40), "short\n  two  words");
    }

    #[test]
    fn wide_shows_every_column_whole() {
        let f = sample().render(40, true);
        assert!(f.left_out.is_empty());
        assert!(
            f.text
                .contains("Mon 52% absent; holidays 50%; U×5; PN threshold")
        );
    }
}
