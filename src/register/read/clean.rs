//! Control characters in pupils' details: an export's NUL or escape sequence in a name is taken
//! out at import, and the import says where (a name with an invisible character would otherwise
//! block every document for that pupil, for a reason no one could see).

use crate::text::{plural, without_controls};
use std::borrow::Cow;

/// The cells that held control characters.
#[derive(Debug, Default)]
pub(super) struct Controls {
    cells: usize,
    first: Option<(usize, String)>,
}

impl Controls {
    /// `text` without control characters, noting where any were.
    pub(super) fn strip<'a>(
        &mut self,
        text: Cow<'a, str>,
        line: usize,
        field: &str,
    ) -> Cow<'a, str> {
        match without_controls(&text) {
            None => text,
            Some(clean) => {
                self.cells += 1;
                self.first.get_or_insert((line, field.to_string()));
                Cow::Owned(clean)
            }
        }
    }

    /// Add the cells of a later part of the file, whose line numbers were counted from 1 after
    /// `lines_before` lines.
    pub(super) fn merge(&mut self, later: Controls, lines_before: usize) {
        self.cells += later.cells;
        if self.first.is_none() {
            self.first = later
                .first
                .map(|(line, field)| (line + lines_before, field));
        }
    }

    /// The import's notice, if any cell held control characters.
    pub(super) fn notice(&self) -> Option<String> {
        let (line, field) = self.first.as_ref()?;
        Some(format!(
            "{} of pupils' details held control characters (invisible, not part of any name), taken out: the first on line {line}, column {field:?}; correct them in the MIS",
            plural(self.cells, "cell")
        ))
    }
}
