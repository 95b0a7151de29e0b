//! Civil dates as schools write them, sessions, academic years and terms.
//!
//! Dates are civil (no time zones). UK day-first `dd/mm/yyyy` and ISO `yyyy-mm-dd` are read here
//! and nowhere else.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;
use std::fmt;

/// Half of a school day: the morning or the afternoon session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Half {
    #[serde(rename = "AM")]
    Am,
    #[serde(rename = "PM")]
    Pm,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::Am => "AM",
            Half::Pm => "PM",
        }
    }

    /// `AM`, `am`, `(am)`, `Morning`, `A.M.`; and the same for the afternoon.
    pub fn parse(text: &str) -> Option<Half> {
        let t: String = text
            .trim()
            .trim_matches(|c| c == '(' || c == ')' || c == '[' || c == ']')
            .chars()
            .filter(|c| *c != '.')
            .collect::<String>()
            .to_ascii_lowercase();
        match t.as_str() {
            "am" | "morning" | "a" | "mor" => Some(Half::Am),
            "pm" | "afternoon" | "p" | "aft" => Some(Half::Pm),
            _ => None,
        }
    }
}

/// One registration session: a date and a half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Session {
    pub date: NaiveDate,
    pub half: Half,
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date.format("%Y-%m-%d"), self.half.as_str())
    }
}

/// Parse a date written `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`), ISO `yyyy-mm-dd`,
/// or `dd-Mon-yyyy` (`02-Sep-2024`, `2 Sep 2024`). A date that does not exist (31/02/2025) is `None`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_date_any(text).filter(|d| (1900..2200).contains(&d.year()))
}

fn parse_date_any(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let b = t.as_bytes();
    // fast paths: dd/mm/yyyy and yyyy-mm-dd
    if b.len() == 10 {
        let num = |s: &[u8]| -> Option<u32> {
            let mut n = 0u32;
            for &c in s {
                if !c.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + (c - b'0') as u32;
            }
            Some(n)
        };
        if (b[2] == b'/' || b[2] == b'-' || b[2] == b'.') && b[5] == b[2] {
            return NaiveDate::from_ymd_opt(num(&b[6..10])? as i32, num(&b[3..5])?, num(&b[0..2])?);
        }
        if b[4] == b'-' && b[7] == b'-' {
            return NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?);
        }
    }
    for fmt in [
        "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some(d);
        }
    }
    None
}

/// Parse a date given on the command line (`YYYY-MM-DD` or `dd/mm/yyyy`), for clap.
pub fn parse_cli_date(text: &str) -> Result<NaiveDate, String> {
    parse_date(text).ok_or_else(|| {
        format!("{text:?} is not a date: write it as YYYY-MM-DD or dd/mm/yyyy (and check the day exists)")
    })
}

/// `14 March 2025`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// `Friday 14 March 2025` (for meetings).
pub fn full_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// `14/03/2025`: the UK day-first date of tables and messages.
pub fn uk_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `Monday`.
pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// `Mon`.
pub fn weekday_short(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

/// The school days, Monday to Friday.
pub const SCHOOL_WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// The weekdays (Monday to Friday) after `from`, up to and including `to`: 0 when `to` is not
/// after `from`.
pub fn weekdays_after(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = d.succ_opt().unwrap_or(to);
        if !is_weekend(d) {
            n += 1;
        }
    }
    n
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The Monday of the week holding `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// An academic year, 1 August to 31 July, named by the calendar year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct AcademicYear(pub i32);

impl AcademicYear {
    pub fn of(d: NaiveDate) -> AcademicYear {
        if d.month() >= 8 {
            AcademicYear(d.year())
        } else {
            AcademicYear(d.year() - 1)
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 8, 1).expect("1 August")
    }

    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 7, 31).expect("31 July")
    }

    /// `2024-25`, as schools write it (and the register store names its files).
    pub fn label(self) -> String {
        format!("{}-{:02}", self.0, (self.0 + 1) % 100)
    }

    /// Parse `2024-25` (or `2024/25`).
    pub fn parse(text: &str) -> Option<AcademicYear> {
        let t = text.trim();
        let (a, b) = t.split_once(['-', '/'])?;
        let y: i32 = a.parse().ok()?;
        let next: i32 = b.parse().ok()?;
        ((y + 1) % 100 == next % 100 && a.len() == 4).then_some(AcademicYear(y))
    }

    /// The term holding `d`, with its dates (census terms).
    pub fn term_of(d: NaiveDate) -> (Term, NaiveDate, NaiveDate) {
        let ay = AcademicYear::of(d);
        let t = Term::ALL
            .into_iter()
            .find(|t| {
                let (a, b) = ay.term(*t);
                a <= d && d <= b
            })
            .expect("terms cover the year");
        let (a, b) = ay.term(t);
        (t, a, b)
    }

    /// First and last date of a term in this academic year, as the school census defines terms:
    /// autumn 1 August–31 December, spring 1 January–Easter Sunday, summer Easter Monday–31 July.
    pub fn term(self, term: Term) -> (NaiveDate, NaiveDate) {
        let easter = easter_sunday(self.0 + 1);
        match term {
            Term::Autumn => (
                self.start(),
                NaiveDate::from_ymd_opt(self.0, 12, 31).expect("date"),
            ),
            Term::Spring => (
                NaiveDate::from_ymd_opt(self.0 + 1, 1, 1).expect("date"),
                easter,
            ),
            Term::Summer => (easter + Duration::days(1), self.end()),
        }
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The three terms of the school census.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Term {
    Autumn,
    Spring,
    Summer,
}

impl Term {
    pub const ALL: [Term; 3] = [Term::Autumn, Term::Spring, Term::Summer];

    pub fn name(self) -> &'static str {
        match self {
            Term::Autumn => "autumn",
            Term::Spring => "spring",
            Term::Summer => "summer",
        }
    }
}

/// Easter Sunday (Gregorian; the anonymous algorithm).
pub fn easter_sunday(y: i32) -> NaiveDate {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32).expect("Easter exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekdays_after_a_date_leave_out_weekends() {
        // Friday 14 March 2025 to Monday 17 March: one weekday
        assert_eq!(weekdays_after(d(2025, 3, 14), d(2025, 3, 17)), 1);
        assert_eq!(weekdays_after(d(2025, 3, 14), d(2025, 3, 28)), 10);
        assert_eq!(weekdays_after(d(2025, 3, 14), d(2025, 3, 31)), 11);
        assert_eq!(weekdays_after(d(2025, 3, 14), d(2025, 3, 14)), 0);
        assert_eq!(weekdays_after(d(2025, 3, 14), d(2025, 3, 1)), 0);
    }

    #[test]
    fn uk_and_iso_dates() {
        assert_eq!(parse_date("02/09/2024"), Some(d(2024, 9, 2)));
        assert_eq!(parse_date("2/9/2024"), Some(d(2024, 9, 2)));
        assert_eq!(parse_date("2024-09-02"), Some(d(2024, 9, 2)));
        assert_eq!(parse_date("02-Sep-2024"), Some(d(2024, 9, 2)));
        assert_eq!(parse_date("02-09-2024"), Some(d(2024, 9, 2)));
        assert_eq!(parse_date("31/02/2025"), None, "a date that does not exist");
        assert_eq!(parse_date("2025-02-31"), None);
        assert_eq!(
            parse_date("09/02/24"),
            None,
            "two-digit years are ambiguous"
        );
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn halves() {
        for am in ["AM", "am", "(am)", "Morning", "A.M."] {
            assert_eq!(Half::parse(am), Some(Half::Am), "{am}");
        }
        for pm in ["PM", "pm", "(PM)", "afternoon"] {
            assert_eq!(Half::parse(pm), Some(Half::Pm), "{pm}");
        }
        assert_eq!(Half::parse("noon"), None);
    }

    #[test]
    fn academic_years_run_august_to_july() {
        assert_eq!(AcademicYear::of(d(2024, 8, 1)), AcademicYear(2024));
        assert_eq!(AcademicYear::of(d(2024, 7, 31)), AcademicYear(2023));
        assert_eq!(AcademicYear(2024).label(), "2024-25");
        assert_eq!(AcademicYear(1999).label(), "1999-00");
        assert_eq!(AcademicYear::parse("2024-25"), Some(AcademicYear(2024)));
        assert_eq!(AcademicYear::parse("2024-26"), None);
    }

    #[test]
    fn census_terms() {
        assert_eq!(easter_sunday(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday(2024), d(2024, 3, 31));
        let y = AcademicYear(2024);
        assert_eq!(y.term(Term::Autumn), (d(2024, 8, 1), d(2024, 12, 31)));
        assert_eq!(y.term(Term::Spring), (d(2025, 1, 1), d(2025, 4, 20)));
        assert_eq!(y.term(Term::Summer), (d(2025, 4, 21), d(2025, 7, 31)));
        assert_eq!(AcademicYear::term_of(d(2025, 4, 21)).0, Term::Summer);
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(monday_of(d(2024, 9, 6)), d(2024, 9, 2));
        assert_eq!(monday_of(d(2024, 9, 2)), d(2024, 9, 2));
        assert!(is_weekend(d(2024, 9, 7)));
    }
}
