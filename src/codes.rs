//! The DfE attendance codes: both code sets, what each code means, and how it counts.
//!
//! This is the one place that knows code letters. Everything else asks a [`Code`] for its
//! [`Category`] under the [`CodeSet`] in force on the session's date.
//!
//! * The set in force **to 18 August 2024**: the Education (Pupil Registration) (England)
//!   Regulations 2006 ([`CodeSet::Regs2006`]).
//! * The set in force **from 19 August 2024**: the School Attendance (Pupil Registration) (England)
//!   Regulations 2024, regulation 10 ([`CodeSet::Regs2024`]).
//!
//! A code that is not in the set of its session's date is invalid for that session (for example `J`
//! after 19 August 2024, or `C1` before it).

use crate::dates::long_date;
use chrono::{Days, NaiveDate};
use serde::Serialize;
use std::fmt;

/// The first session date on which the 2024 regulations' codes apply: 19 August 2024. The one
/// place that says when the code sets switch; messages write it with [`long_date`].
pub const REGS_2024_START: NaiveDate = match NaiveDate::from_ymd_opt(2024, 8, 19) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The first day of the 2006 regulations' codes (1 September 2006), the earliest code set attend
/// knows: a register export holds no session before it.
pub const REGS_2006_START: NaiveDate = match NaiveDate::from_ymd_opt(2006, 9, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// Which statutory code set applies to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CodeSet {
    /// Education (Pupil Registration) (England) Regulations 2006: sessions to 18 August 2024.
    #[serde(rename = "2006")]
    Regs2006,
    /// School Attendance (Pupil Registration) (England) Regulations 2024: sessions from 19 August 2024.
    #[serde(rename = "2024")]
    Regs2024,
}

impl CodeSet {
    /// The code set in force on a session's date.
    pub fn for_date(date: NaiveDate) -> CodeSet {
        if date >= REGS_2024_START {
            CodeSet::Regs2024
        } else {
            CodeSet::Regs2006
        }
    }

    /// A short human description, e.g. for import summaries: "2024 regulations' codes (sessions
    /// from 19 August 2024)".
    pub fn describe(self) -> String {
        let year = match self {
            CodeSet::Regs2006 => 2006,
            CodeSet::Regs2024 => 2024,
        };
        format!("{year} regulations' codes ({})", self.sessions_text())
    }

    /// The sessions the set applies to: "sessions to 18 August 2024", "sessions from 19 August
    /// 2024".
    pub fn sessions_text(self) -> String {
        match self {
            CodeSet::Regs2006 => {
                format!("sessions to {}", long_date(REGS_2024_START - Days::new(1)))
            }
            CodeSet::Regs2024 => format!("sessions from {}", long_date(REGS_2024_START)),
        }
    }

    /// The set that is not this one.
    pub fn other(self) -> CodeSet {
        match self {
            CodeSet::Regs2006 => CodeSet::Regs2024,
            CodeSet::Regs2024 => CodeSet::Regs2006,
        }
    }

    pub fn index(self) -> usize {
        match self {
            CodeSet::Regs2006 => 0,
            CodeSet::Regs2024 => 1,
        }
    }
}

/// How a code counts in the DfE's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Present (including late before the register closed): a possible session, attended.
    Present,
    /// Attending an approved educational activity off site: a possible session, attended.
    ApprovedActivity,
    /// Authorised absence: a possible session, absent.
    Authorised,
    /// Unauthorised absence: a possible session, absent.
    Unauthorised,
    /// Not a possible session: attendance not required, unable to attend, dual registration.
    NotCounted,
    /// Administrative: not on roll (`Z`) or planned school closure (`#`). Not a possible session.
    Administrative,
}

impl Category {
    /// Whether a session with this code is one of the pupil's possible sessions.
    pub fn is_possible(self) -> bool {
        matches!(
            self,
            Category::Present
                | Category::ApprovedActivity
                | Category::Authorised
                | Category::Unauthorised
        )
    }

    /// Whether the pupil counts as attending (present or approved educational activity).
    pub fn is_attended(self) -> bool {
        matches!(self, Category::Present | Category::ApprovedActivity)
    }

    /// Whether the pupil counts as absent (authorised or unauthorised).
    pub fn is_absence(self) -> bool {
        matches!(self, Category::Authorised | Category::Unauthorised)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Present => "present",
            Category::ApprovedActivity => "approved educational activity",
            Category::Authorised => "authorised absence",
            Category::Unauthorised => "unauthorised absence",
            Category::NotCounted => "not counted (not a possible session)",
            Category::Administrative => "not counted (not on roll or school closed)",
        }
    }
}

macro_rules! codes {
    ($( $var:ident = $n:literal, $text:literal, $c2006:expr, $c2024:expr, $m2006:expr, $m2024:expr; )*) => {
        /// One DfE attendance code (the union of both sets). Stored as one byte.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Code { $( $var = $n, )* }

        impl Code {
            /// Every code of either set, in a stable order.
            pub const ALL: &'static [Code] = &[ $( Code::$var, )* ];

            /// The code as written in a register (`/`, `C1`, `#`...).
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$var => $text, )* }
            }

            /// How the code counts under a code set; `None` when the code is not in that set.
            pub fn category(self, set: CodeSet) -> Option<Category> {
                match set {
                    CodeSet::Regs2006 => match self { $( Code::$var => $c2006, )* },
                    CodeSet::Regs2024 => match self { $( Code::$var => $c2024, )* },
                }
            }

            /// What the code means under a code set (paraphrasing the regulations), for keys and letters.
            pub fn meaning(self, set: CodeSet) -> &'static str {
                match set {
                    CodeSet::Regs2006 => match self { $( Code::$var => $m2006, )* },
                    CodeSet::Regs2024 => match self { $( Code::$var => $m2024, )* },
                }
            }

            /// The code as bytes.
            pub fn as_bytes(self) -> &'static [u8] {
                self.as_str().as_bytes()
            }

            /// The code stored as byte `n` (1-based; 0 means "no mark").
            pub fn from_u8(n: u8) -> Option<Code> {
                match n { $( $n => Some(Code::$var), )* _ => None }
            }
        }
    };
}

use Category::{
    Administrative as ADM, ApprovedActivity as AEA, Authorised as AUTH, NotCounted as NC,
    Present as PRES, Unauthorised as UNAUTH,
};

const NOT_IN_SET: &str = "not a code in this code set";

codes! {
    PresentAm = 1, "/", Some(PRES), Some(PRES),
        "present (AM)", "present at the start of the morning register";
    PresentPm = 2, "\\", Some(PRES), Some(PRES),
        "present (PM)", "present at the start of the afternoon register";
    L = 3, "L", Some(PRES), Some(PRES),
        "late, arrived before the register closed", "late, arrived before the register closed";
    B = 4, "B", Some(AEA), Some(AEA),
        "educated off site (not dual registration)", "attending any other approved educational activity";
    D = 5, "D", Some(NC), Some(NC),
        "dual registered, at another establishment", "attending another school at which the pupil is registered";
    J = 6, "J", Some(AEA), None,
        "at an interview with a prospective employer or educational establishment", NOT_IN_SET;
    K = 7, "K", None, Some(AEA),
        NOT_IN_SET, "attending education provision arranged by the local authority";
    P = 8, "P", Some(AEA), Some(AEA),
        "participating in a supervised sporting activity", "attending an approved sporting activity";
    V = 9, "V", Some(AEA), Some(AEA),
        "educational visit or trip", "attending an educational visit or trip";
    W = 10, "W", Some(AEA), Some(AEA),
        "work experience", "attending work experience";
    C = 11, "C", Some(AUTH), Some(AUTH),
        "other authorised circumstances", "leave of absence for exceptional circumstances";
    C1 = 12, "C1", None, Some(AUTH),
        NOT_IN_SET, "leave of absence for a regulated performance or regulated employment abroad";
    C2 = 13, "C2", None, Some(AUTH),
        NOT_IN_SET, "leave of absence on an agreed part-time timetable";
    E = 14, "E", Some(AUTH), Some(AUTH),
        "excluded, no alternative provision made", "suspended or permanently excluded, no alternative provision made";
    H = 15, "H", Some(AUTH), None,
        "holiday authorised by the school", NOT_IN_SET;
    I = 16, "I", Some(AUTH), Some(AUTH),
        "illness (not medical or dental appointment)", "illness (not medical or dental appointment)";
    J1 = 17, "J1", None, Some(AUTH),
        NOT_IN_SET, "leave of absence to attend an interview for employment or admission";
    M = 18, "M", Some(AUTH), Some(AUTH),
        "medical or dental appointment", "leave of absence for a medical or dental appointment";
    R = 19, "R", Some(AUTH), Some(AUTH),
        "religious observance", "religious observance";
    S = 20, "S", Some(AUTH), Some(AUTH),
        "study leave", "leave of absence for study leave";
    T = 21, "T", Some(AUTH), Some(AUTH),
        "Gypsy, Roma and Traveller absence", "parent travelling for occupational purposes";
    G = 22, "G", Some(UNAUTH), Some(UNAUTH),
        "holiday not authorised by the school", "holiday not granted by the school";
    N = 23, "N", Some(UNAUTH), Some(UNAUTH),
        "reason for absence not yet provided", "reason for absence not yet established";
    O = 24, "O", Some(UNAUTH), Some(UNAUTH),
        "absent in other or unknown circumstances", "absent in other or unknown circumstances";
    U = 25, "U", Some(UNAUTH), Some(UNAUTH),
        "arrived after the register closed", "arrived in school after the register closed";
    X = 26, "X", Some(NC), Some(NC),
        "not required to be in school (non-compulsory school age)", "non-compulsory school age pupil not required to attend";
    Y = 27, "Y", Some(NC), None,
        "unable to attend due to exceptional circumstances", NOT_IN_SET;
    Q = 28, "Q", None, Some(NC),
        NOT_IN_SET, "unable to attend: lack of access arrangements by the local authority";
    Y1 = 29, "Y1", None, Some(NC),
        NOT_IN_SET, "unable to attend: transport normally provided not available";
    Y2 = 30, "Y2", None, Some(NC),
        NOT_IN_SET, "unable to attend: widespread disruption to travel";
    Y3 = 31, "Y3", None, Some(NC),
        NOT_IN_SET, "unable to attend: part of the school premises closed";
    Y4 = 32, "Y4", None, Some(NC),
        NOT_IN_SET, "unable to attend: whole school site unexpectedly closed";
    Y5 = 33, "Y5", None, Some(NC),
        NOT_IN_SET, "unable to attend: held in criminal justice detention";
    Y6 = 34, "Y6", None, Some(NC),
        NOT_IN_SET, "unable to attend: public health guidance or law";
    Y7 = 35, "Y7", None, Some(NC),
        NOT_IN_SET, "unable to attend: any other unavoidable cause";
    Z = 36, "Z", Some(ADM), Some(ADM),
        "pupil not on admission register", "prospective pupil not on admission register";
    Closed = 37, "#", Some(ADM), Some(ADM),
        "planned whole or partial school closure", "planned whole-school closure";
}

impl Code {
    /// Parse a mark as written in an export (`/`, `\`, `L`, `C1`, `#`...). Letters are
    /// case-insensitive; surrounding spaces are ignored. Returns `None` for anything that is not
    /// a DfE code of either set (a school's own code must be mapped with `code_map`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::parse_bytes(text.trim().as_bytes())
    }

    /// As [`Code::parse`], on raw bytes (no trimming). The hot path of imports.
    pub fn parse_bytes(b: &[u8]) -> Option<Code> {
        let up = |c: u8| c.to_ascii_uppercase();
        match b {
            [c] => Some(match up(*c) {
                b'/' => Code::PresentAm,
                b'\\' => Code::PresentPm,
                b'L' => Code::L,
                b'B' => Code::B,
                b'D' => Code::D,
                b'J' => Code::J,
                b'K' => Code::K,
                b'P' => Code::P,
                b'V' => Code::V,
                b'W' => Code::W,
                b'C' => Code::C,
                b'E' => Code::E,
                b'H' => Code::H,
                b'I' => Code::I,
                b'M' => Code::M,
                b'R' => Code::R,
                b'S' => Code::S,
                b'T' => Code::T,
                b'G' => Code::G,
                b'N' => Code::N,
                b'O' => Code::O,
                b'U' => Code::U,
                b'X' => Code::X,
                b'Y' => Code::Y,
                b'Q' => Code::Q,
                b'Z' => Code::Z,
                b'#' => Code::Closed,
                _ => return None,
            }),
            [a, d] => Some(match (up(*a), *d) {
                (b'C', b'1') => Code::C1,
                (b'C', b'2') => Code::C2,
                (b'J', b'1') => Code::J1,
                (b'Y', b'1') => Code::Y1,
                (b'Y', b'2') => Code::Y2,
                (b'Y', b'3') => Code::Y3,
                (b'Y', b'4') => Code::Y4,
                (b'Y', b'5') => Code::Y5,
                (b'Y', b'6') => Code::Y6,
                (b'Y', b'7') => Code::Y7,
                _ => return None,
            }),
            _ => None,
        }
    }

    /// The byte this code is stored as in memory (never 0).
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// Whether the code counts toward the national penalty-notice threshold (G, N, O, U).
    pub fn counts_toward_penalty_notice(self) -> bool {
        matches!(self, Code::G | Code::N | Code::O | Code::U)
    }

    /// How many school days an `N` (reason not yet established) may stand before it should have
    /// been re-coded (the reference's §1.3: "resolved within 5 school days").
    pub const N_RESOLVE_SCHOOL_DAYS: usize = 5;

    /// A mark still to be resolved: `N`, reason not yet established. A registration certificate
    /// for a court is not made over one without saying so.
    pub fn is_unresolved(self) -> bool {
        self == Code::N
    }

    /// Absent without authorisation for the whole session (G, N, O): the pupil is missing, as the
    /// notices of continuous unauthorised absence to the local authority count it. `U` is
    /// unauthorised absence too, but the pupil came in (after the register closed).
    pub fn is_missing_without_authorisation(self) -> bool {
        matches!(self, Code::G | Code::N | Code::O)
    }

    /// Absent through illness (I): what the sickness return to the local authority counts.
    pub fn is_illness(self) -> bool {
        self == Code::I
    }

    /// A session outside an agreed part-time timetable (C2, from 19 August 2024).
    pub fn is_part_time_timetable(self) -> bool {
        self == Code::C2
    }

    /// What the code means for a session on `date`, and how it counts: under the code set in
    /// force that day or, for a code only of the other set (a mark from the other side of
    /// [`REGS_2024_START`]), under that set. `None` for a code of neither set.
    pub fn on_date(self, date: NaiveDate) -> Option<(&'static str, Category)> {
        let set = CodeSet::for_date(date);
        [set, set.other()]
            .into_iter()
            .find_map(|s| self.category(s).map(|cat| (self.meaning(s), cat)))
    }

    /// For a code the 2024 regulations withdrew, what took its place (as advice for a mark
    /// dated after [`REGS_2024_START`]); `None` for other codes.
    pub fn replaced_in_2024(self) -> Option<&'static str> {
        match self {
            Code::J => Some("interviews are now J1"),
            Code::H => Some("a holiday the school grants is now C"),
            Code::Y => Some("use Y1 to Y7 or Q"),
            _ => None,
        }
    }

    /// Every code of a code set, in the order of [`Code::ALL`].
    pub fn in_set(set: CodeSet) -> impl Iterator<Item = Code> {
        Code::ALL
            .iter()
            .copied()
            .filter(move |c| c.category(set).is_some())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an export cell holds once read: nothing, or a code.
///
/// A blank cell or SIMS's `-` means "no mark": it is reported, never counted.
pub fn is_no_mark(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t == "-"
}

/// Category of each stored byte under each code set (`None` = no mark, or not in the set),
/// built once from [`Code::category`]: index as `category_table()[set.index()][byte]`.
/// The hot loops of the arithmetic use it instead of matching on codes.
pub fn category_table() -> &'static [[Option<Category>; 64]; 2] {
    static TABLE: std::sync::LazyLock<[[Option<Category>; 64]; 2]> =
        std::sync::LazyLock::new(|| {
            let mut t = [[None; 64]; 2];
            for &c in Code::ALL {
                for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
                    t[set.index()][c.as_u8() as usize] = c.category(set);
                }
            }
            t
        });
    &TABLE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn code_set_switches_on_19_august_2024() {
        assert_eq!(CodeSet::for_date(d(2024, 8, 18)), CodeSet::Regs2006);
        assert_eq!(CodeSet::for_date(d(2024, 8, 19)), CodeSet::Regs2024);
        assert_eq!(CodeSet::for_date(d(2019, 1, 7)), CodeSet::Regs2006);
        assert_eq!(CodeSet::for_date(d(2026, 1, 5)), CodeSet::Regs2024);
    }

    fn expect(set: CodeSet, table: &[(&str, Option<Category>)]) {
        for (text, cat) in table {
            let code = Code::parse(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(code.category(set), *cat, "{text} under {set:?}");
            assert_eq!(code.as_str(), *text);
        }
        // every code of the union is covered by the table
        assert_eq!(table.len(), Code::ALL.len(), "table covers every code");
    }

    /// Every code of the 2006 set, as the reference (attendance-rules.md §1.2) lists it.
    #[test]
    fn every_code_of_the_2006_set_counts_as_the_dfe_says() {
        use Category::*;
        expect(
            CodeSet::Regs2006,
            &[
                ("/", Some(Present)),
                ("\\", Some(Present)),
                ("L", Some(Present)),
                ("B", Some(ApprovedActivity)),
                ("J", Some(ApprovedActivity)),
                ("P", Some(ApprovedActivity)),
                ("V", Some(ApprovedActivity)),
                ("W", Some(ApprovedActivity)),
                ("C", Some(Authorised)),
                ("E", Some(Authorised)),
                ("H", Some(Authorised)),
                ("I", Some(Authorised)),
                ("M", Some(Authorised)),
                ("R", Some(Authorised)),
                ("S", Some(Authorised)),
                ("T", Some(Authorised)),
                ("G", Some(Unauthorised)),
                ("N", Some(Unauthorised)),
                ("O", Some(Unauthorised)),
                ("U", Some(Unauthorised)),
                ("D", Some(NotCounted)),
                ("X", Some(NotCounted)),
                ("Y", Some(NotCounted)),
                ("Z", Some(Administrative)),
                ("#", Some(Administrative)),
                // the 2024 additions are not codes of the 2006 set
                ("K", None),
                ("C1", None),
                ("C2", None),
                ("J1", None),
                ("Q", None),
                ("Y1", None),
                ("Y2", None),
                ("Y3", None),
                ("Y4", None),
                ("Y5", None),
                ("Y6", None),
                ("Y7", None),
            ],
        );
    }

    /// Every code of the 2024 set, as the reference (attendance-rules.md §1.3) lists it.
    #[test]
    fn every_code_of_the_2024_set_counts_as_the_dfe_says() {
        use Category::*;
        expect(
            CodeSet::Regs2024,
            &[
                ("/", Some(Present)),
                ("\\", Some(Present)),
                ("L", Some(Present)),
                ("K", Some(ApprovedActivity)),
                ("V", Some(ApprovedActivity)),
                ("P", Some(ApprovedActivity)),
                ("W", Some(ApprovedActivity)),
                ("B", Some(ApprovedActivity)),
                ("C1", Some(Authorised)),
                ("M", Some(Authorised)),
                ("J1", Some(Authorised)),
                ("S", Some(Authorised)),
                ("C2", Some(Authorised)),
                ("C", Some(Authorised)),
                ("T", Some(Authorised)),
                ("R", Some(Authorised)),
                ("I", Some(Authorised)),
                ("E", Some(Authorised)),
                ("G", Some(Unauthorised)),
                ("N", Some(Unauthorised)),
                ("O", Some(Unauthorised)),
                ("U", Some(Unauthorised)),
                ("X", Some(NotCounted)),
                ("D", Some(NotCounted)),
                ("Q", Some(NotCounted)),
                ("Y1", Some(NotCounted)),
                ("Y2", Some(NotCounted)),
                ("Y3", Some(NotCounted)),
                ("Y4", Some(NotCounted)),
                ("Y5", Some(NotCounted)),
                ("Y6", Some(NotCounted)),
                ("Y7", Some(NotCounted)),
                ("Z", Some(Administrative)),
                ("#", Some(Administrative)),
                // withdrawn on 19 August 2024
                ("J", None),
                ("H", None),
                ("Y", None),
            ],
        );
    }

    #[test]
    fn lookup_table_mirrors_category() {
        let t = category_table();
        for &c in Code::ALL {
            for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
                assert_eq!(
                    t[set.index()][c.as_u8() as usize],
                    c.category(set),
                    "{c} {set:?}"
                );
            }
        }
        assert_eq!(t[0][0], None);
        assert_eq!(t[1][0], None);
    }

    #[test]
    fn bytes_round_trip_and_zero_is_no_mark() {
        for &c in Code::ALL {
            assert_eq!(Code::from_u8(c.as_u8()), Some(c));
            assert_ne!(c.as_u8(), 0);
        }
        assert_eq!(Code::from_u8(0), None);
    }

    #[test]
    fn parsing_is_forgiving_about_case_and_spaces_but_not_about_codes() {
        assert_eq!(Code::parse(" l "), Some(Code::L));
        assert_eq!(Code::parse("c1"), Some(Code::C1));
        assert_eq!(Code::parse("y7"), Some(Code::Y7));
        for bad in ["", "-", "Y8", "C3", "J2", "!", "X01", "LL", "F", "A"] {
            assert_eq!(Code::parse(bad), None, "{bad:?}");
        }
        assert!(is_no_mark(""));
        assert!(is_no_mark(" - "));
        assert!(!is_no_mark("/"));
    }

    #[test]
    fn penalty_notice_codes_are_g_n_o_u() {
        let pn: Vec<_> = Code::ALL
            .iter()
            .filter(|c| c.counts_toward_penalty_notice())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(pn, ["G", "N", "O", "U"]);
    }

    #[test]
    fn the_sets_differ_exactly_where_the_regulations_changed() {
        let only = |a: CodeSet, b: CodeSet| -> Vec<&str> {
            Code::in_set(a)
                .filter(|c| c.category(b).is_none())
                .map(|c| c.as_str())
                .collect()
        };
        assert_eq!(
            only(CodeSet::Regs2006, CodeSet::Regs2024),
            ["J", "H", "Y"],
            "withdrawn in 2024"
        );
        assert_eq!(
            only(CodeSet::Regs2024, CodeSet::Regs2006),
            [
                "K", "C1", "C2", "J1", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"
            ],
            "new in 2024"
        );
    }

    #[test]
    fn the_switch_reads_as_messages_write_it() {
        assert_eq!(
            CodeSet::Regs2006.describe(),
            "2006 regulations' codes (sessions to 18 August 2024)"
        );
        assert_eq!(
            CodeSet::Regs2024.describe(),
            "2024 regulations' codes (sessions from 19 August 2024)"
        );
    }

    #[test]
    fn a_code_is_read_under_the_other_set_when_not_in_the_set_of_its_date() {
        let after = d(2025, 1, 6);
        let before = d(2024, 1, 8);
        for &c in Code::ALL {
            assert!(
                c.on_date(after).is_some() && c.on_date(before).is_some(),
                "{c}"
            );
        }
        assert_eq!(
            Code::J.on_date(after),
            Some((
                Code::J.meaning(CodeSet::Regs2006),
                Category::ApprovedActivity
            ))
        );
        assert_eq!(
            Code::C1.on_date(before),
            Code::C1
                .category(CodeSet::Regs2024)
                .map(|cat| (Code::C1.meaning(CodeSet::Regs2024), cat))
        );
        assert_eq!(
            Code::I.on_date(after),
            Some((Code::I.meaning(CodeSet::Regs2024), Category::Authorised))
        );
    }
}
