//! The register: pupils and their marks, as imported from the school's MIS exports.
//!
//! * [`read`] reads an export (wide or long, any of the encodings and header shapes MIS produce).
//! * [`import`] merges an export into the store, logging every changed mark.
//! * [`store`] is the on-disk form under `register/`: plain text, sorted, deterministic.
//! * [`contacts`] reads contacts exports (parents and carers) and keeps them beside the pupils.
//! * [`search`] finds pupils by name.

mod bytes;
pub mod cache;
pub mod contacts;
pub mod import;
#[allow(unsafe_code)]
mod mapped;
pub mod read;
pub mod search;
pub mod store;
pub mod values;

use crate::dates::{AcademicYear, Half, Session};
use crate::upn::PupilId;
use anyhow::Result;
pub use bytes::MarkBytes;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// Sessions in a school week: Monday AM to Friday PM.
pub const WEEK_SLOTS: usize = 10;

/// A short piece of a pupil's details: 16 bytes, holding the text in place up to 15 bytes (a
/// name, a year, a census value), so a register of 150,000 pupils is not 1.5 million separate
/// heap blocks, and each pupil's record is small (11 of them a pupil).
pub type Text = ecow::EcoString;

/// A pupil's details, as the latest export that held the pupil gave them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Pupil {
    pub id: PupilId,
    pub admission_number: Text,
    pub surname: Text,
    pub forename: Text,
    pub preferred_surname: Text,
    pub preferred_forename: Text,
    pub gender: Text,
    pub dob: Option<NaiveDate>,
    pub year: Text,
    pub reg_group: Text,
    pub fsm: Text,
    pub sen: Text,
    pub eal: Text,
    /// The school's own pupil columns (`import.pupil_columns` in attend.yaml), by name.
    pub extra: std::collections::BTreeMap<String, String>,
}

impl Default for PupilId {
    fn default() -> Self {
        PupilId::from_admission_number("0").expect("valid")
    }
}

/// The pupil detail fields, in the order `pupils.csv` keeps them (after `upn`).
pub const DETAIL_FIELDS: [&str; 12] = [
    "admission_number",
    "surname",
    "forename",
    "preferred_surname",
    "preferred_forename",
    "gender",
    "dob",
    "year",
    "reg_group",
    "fsm",
    "sen",
    "eal",
];

impl Pupil {
    /// The value of a detail field by its `pupils.csv` name (borrowed: only a date is made).
    pub fn field(&self, name: &str) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow::Borrowed;
        match name {
            "admission_number" => Borrowed(&self.admission_number),
            "surname" => Borrowed(&self.surname),
            "forename" => Borrowed(&self.forename),
            "preferred_surname" => Borrowed(&self.preferred_surname),
            "preferred_forename" => Borrowed(&self.preferred_forename),
            "gender" => Borrowed(&self.gender),
            "dob" => self.dob.map(|d| d.to_string()).unwrap_or_default().into(),
            "year" => Borrowed(&self.year),
            "reg_group" => Borrowed(&self.reg_group),
            "fsm" => Borrowed(&self.fsm),
            "sen" => Borrowed(&self.sen),
            "eal" => Borrowed(&self.eal),
            other => Borrowed(self.extra.get(other).map(String::as_str).unwrap_or("")),
        }
    }

    /// Set a detail field by name (the value already validated where it matters).
    pub fn set_field(&mut self, name: &str, value: &str) {
        match name {
            "admission_number" => self.admission_number = Text::from(value),
            "surname" => self.surname = Text::from(value),
            "forename" => self.forename = Text::from(value),
            "preferred_surname" => self.preferred_surname = Text::from(value),
            "preferred_forename" => self.preferred_forename = Text::from(value),
            "gender" => self.gender = Text::from(value),
            "dob" => self.dob = crate::dates::parse_date(value),
            "year" => self.year = Text::from(value),
            "reg_group" => self.reg_group = Text::from(value),
            "fsm" => self.fsm = Text::from(value),
            "sen" => self.sen = Text::from(value),
            "eal" => self.eal = Text::from(value),
            other => {
                self.extra.insert(other.to_string(), value.to_string());
            }
        }
    }

    /// "Surname, Forename" with the legal names.
    pub fn display_name(&self) -> String {
        match (self.surname.is_empty(), self.forename.is_empty()) {
            (false, false) => format!("{}, {}", self.surname, self.forename),
            (false, true) => self.surname.to_string(),
            (true, false) => self.forename.to_string(),
            (true, true) => String::new(),
        }
    }

    /// "Forename Surname", preferring the preferred names, for letters.
    pub fn full_name(&self) -> String {
        crate::text::full_name(
            &self.forename,
            &self.preferred_forename,
            &self.surname,
            &self.preferred_surname,
        )
    }

    /// Eligible for free school meals (`Y`, `Yes`, `True`, `1`, `Eligible`).
    pub fn is_fsm(&self) -> bool {
        values::canonical("fsm", &self.fsm) == Some("Y") || is_yes(&self.fsm)
    }

    /// Has a special educational need recorded (census `K` SEN support or `E` EHC plan, or a yes).
    pub fn has_sen(&self) -> bool {
        if let Some(v) = values::canonical("sen", &self.sen) {
            return v != "N";
        }
        let s = self.sen.trim().to_ascii_uppercase();
        !(s.is_empty() || s == "N" || s == "NO" || s == "NONE" || s == "FALSE" || s == "0")
    }

    /// English as an additional language: `Y`, or a first language other than English.
    pub fn is_eal(&self) -> bool {
        if let Some(v) = values::canonical("eal", &self.eal) {
            return v == "Y";
        }
        let s = self.eal.trim().to_ascii_uppercase();
        if is_yes(&s) {
            return true;
        }
        !(s.is_empty()
            || matches!(
                s.as_str(),
                "N" | "NO" | "FALSE" | "0" | "ENG" | "ENB" | "ENGLISH" | "NOT EAL"
            ))
    }

    /// The year group without "Year ": "7", "R" for Reception.
    pub fn year_key(&self) -> String {
        year_key(&self.year)
    }
}

/// Normalise a year group for comparison: "Year 7" = "Y7" = "7"; "Reception" = "R".
pub fn year_key(text: &str) -> String {
    let t = text.trim().to_ascii_lowercase();
    let t = t
        .strip_prefix("year")
        .or_else(|| t.strip_prefix("yr"))
        .or_else(|| t.strip_prefix('y'))
        .unwrap_or(&t)
        .trim();
    if t == "reception" || t == "r" || t == "rec" {
        return "R".into();
    }
    t.trim_start_matches('0').to_ascii_uppercase().to_string()
}

fn is_yes(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "true" | "t" | "1"
    )
}

/// Slot `0..10` within a week for a session: Monday AM = 0 ... Friday PM = 9.
pub fn slot_in_week(s: Session) -> usize {
    s.date.weekday().num_days_from_monday() as usize * 2 + usize::from(s.half == Half::Pm)
}

/// The session at slot `k` of the week starting `monday`.
pub fn session_at(monday: NaiveDate, k: usize) -> Session {
    Session {
        date: monday + Duration::days((k / 2) as i64),
        half: if k.is_multiple_of(2) {
            Half::Am
        } else {
            Half::Pm
        },
    }
}

/// Marks of many pupils over consecutive school weeks, one byte per session
/// (0 = no mark held, otherwise [`Code::as_u8`]).
#[derive(Debug, Clone, Default)]
pub struct MarkGrid {
    /// The Monday of each week, sorted, no repeats.
    pub weeks: Vec<NaiveDate>,
    /// The pupils' rows, sorted by id.
    pub ids: Vec<PupilId>,
    /// Row-major: `ids.len()` rows of `weeks.len() * WEEK_SLOTS` bytes.
    pub marks: MarkBytes,
}

/// The part of a grid that a year's marks file holds ([`store::write_marks`]): the weeks that
/// touch the year, and which of their sessions are inside it.
pub struct YearLayout {
    /// The grid's weeks that touch the year (one after another: the weeks are in order).
    pub weeks: std::ops::Range<usize>,
    /// For each of those weeks, which of its sessions are inside the year (all of them, but at
    /// the year's ends).
    pub inside: Vec<[bool; WEEK_SLOTS]>,
}

impl MarkGrid {
    /// Which weeks and sessions of the grid belong to the academic year `year`.
    pub fn year_layout(&self, year: AcademicYear) -> YearLayout {
        let (first, last) = (year.start(), year.end());
        // a week touches the year when its Friday is on or after the year's first day and its
        // Monday on or before the year's last
        let from = self
            .weeks
            .partition_point(|&m| m + Duration::days(4) < first);
        let to = self.weeks.partition_point(|&m| m <= last).max(from);
        let inside = self.weeks[from..to]
            .iter()
            .map(|&m| {
                std::array::from_fn(|k| {
                    let d = m + Duration::days((k / 2) as i64);
                    first <= d && d <= last
                })
            })
            .collect();
        YearLayout {
            weeks: from..to,
            inside,
        }
    }

    pub fn row_len(&self) -> usize {
        self.weeks.len() * WEEK_SLOTS
    }

    pub fn row(&self, i: usize) -> &[u8] {
        let n = self.row_len();
        &self.marks[i * n..(i + 1) * n]
    }

    /// The session of slot `j` of a row.
    pub fn session(&self, j: usize) -> Session {
        session_at(self.weeks[j / WEEK_SLOTS], j % WEEK_SLOTS)
    }

    /// Index of the week starting `monday`.
    pub fn week_index(&self, monday: NaiveDate) -> Option<usize> {
        self.weeks.binary_search(&monday).ok()
    }

    /// The first slot whose session is on or after `date` (`row_len()` if none).
    pub fn slot_on_or_after(&self, date: NaiveDate) -> usize {
        let monday = crate::dates::monday_of(date);
        let w = self.weeks.partition_point(|m| *m < monday);
        let mut j = w * WEEK_SLOTS;
        while j < self.row_len() && self.session(j).date < date {
            j += 1;
        }
        j
    }

    /// One past the last slot whose session is on or before `date`.
    pub fn slot_after(&self, date: NaiveDate) -> usize {
        match date.succ_opt() {
            Some(next) => self.slot_on_or_after(next),
            None => self.row_len(),
        }
    }
}

/// Which academic years of marks to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Years {
    /// Every year held.
    All,
    /// The latest year held (and the one before, for windows that reach back).
    Latest { with_previous: bool },
    /// The years a date range touches.
    Span(NaiveDate, NaiveDate),
}

/// The register as the reports need it: every pupil, and their marks over the loaded years.
#[derive(Debug, Clone, Default)]
pub struct Register {
    /// Sorted by id.
    pub pupils: Vec<Pupil>,
    /// One row per pupil, in the same order.
    pub grid: MarkGrid,
}

impl Register {
    /// Load pupils and the marks of `years` from `register_dir`.
    pub fn load(register_dir: &std::path::Path, years: Years) -> Result<Register> {
        let held = store::years_held(register_dir)?;
        let chosen: Vec<AcademicYear> = match years {
            Years::All => held.clone(),
            Years::Latest { with_previous } => {
                let n = held.len();
                let k = if with_previous { 2 } else { 1 };
                held[n.saturating_sub(k)..].to_vec()
            }
            Years::Span(a, b) => {
                let (ya, yb) = (AcademicYear::of(a.min(b)), AcademicYear::of(a.max(b)));
                let span: Vec<AcademicYear> = held
                    .iter()
                    .copied()
                    .filter(|y| ya <= *y && *y <= yb)
                    .collect();
                // nothing held in the span: load the latest year, so that a report can say
                // which dates the register does hold
                if span.is_empty() {
                    held.last().copied().into_iter().collect()
                } else {
                    span
                }
            }
        };
        // pupils.csv on a thread of its own while the marks are read
        let (pupils, parts) = std::thread::scope(|sc| {
            let pupils = sc.spawn(|| {
                let t = std::time::Instant::now();
                let pupils = store::load_pupils(register_dir);
                crate::timing("  pupils.csv", t);
                pupils
            });
            let t = std::time::Instant::now();
            let parts: Result<Vec<MarkGrid>> = chosen
                .iter()
                .map(|y| store::load_year(register_dir, *y))
                .collect();
            crate::timing("  marks", t);
            (pupils.join().expect("pupils.csv reader"), parts)
        });
        let (pupils, mut parts) = (pupils?, parts?);
        let ids: Vec<PupilId> = pupils.iter().map(|p| p.id.clone()).collect();
        let grid = if parts.len() == 1 && parts[0].ids == ids {
            parts.pop().expect("one")
        } else {
            store::combine(&parts, &ids)
        };
        Ok(Register { pupils, grid })
    }

    /// The row of a pupil.
    pub fn index_of(&self, id: &PupilId) -> Option<usize> {
        self.pupils.binary_search_by(|p| p.id.cmp(id)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.pupils.is_empty()
    }
}

#[cfg(test)]
mod tests {
    /// A register holds hundreds of thousands of pupils, each read into fresh memory: every byte
    /// of a pupil's record is paid for on each command that loads the register.
    #[test]
    fn a_pupils_details_are_held_in_at_most_240_bytes() {
        assert!(std::mem::size_of::<super::Pupil>() <= 240);
    }
}
