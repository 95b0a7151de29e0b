//! Compulsory school age: who the law's steps can apply to, and the DfE statistics' age basis.
//! The one home for both rules.
//!
//! * **Start** (Education Act 1996 s.8; the Education (Start of Compulsory School Age) Order
//!   1998): the first *prescribed day* — 31 December, 31 March or 31 August — on or after the
//!   child's fifth birthday. A fifth birthday *on* a prescribed day starts that day.
//! * **End** (s.8(3)-(4); the Education (School Leaving Date) Order 1997): the last Friday in June
//!   of the school year (1 September to 31 August) in which the child turns 16.
//! * **Statistics** (the DfE's absence statistics): pupils aged 5 to 15 on 31 August at the start
//!   of the academic year. A simpler basis than the law's, used for persistent and severe absence
//!   *rates* quoted against national figures.
//!
//! Support (letters, meetings, plans) never depends on age; the legal steps (Notice to Improve,
//! penalty notice, prosecution) need a child of compulsory school age on the dates concerned
//! ([`crate::cases::law`]).

use crate::dates::{AcademicYear, uk_date};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The prescribed days (month, day) on which compulsory school age starts.
pub const PRESCRIBED_DAYS: [(u32, u32); 3] = [(3, 31), (8, 31), (12, 31)];

/// The ages (on 31 August at the start of the academic year) the DfE's absence statistics cover.
pub const STATISTICS_AGES: std::ops::RangeInclusive<i32> = 5..=15;

/// The date a person born on `dob` turns `years` old. A birthday on 29 February falls on 1 March
/// in a year that has none (as English law reckons it).
pub fn birthday(dob: NaiveDate, years: i32) -> NaiveDate {
    let y = dob.year() + years;
    NaiveDate::from_ymd_opt(y, dob.month(), dob.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, 3, 1).expect("1 March exists"))
}

/// Age in whole years on `on`.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if birthday(dob, age) > on {
        age -= 1;
    }
    age
}

/// The last Friday in June of `year`.
pub fn last_friday_in_june(year: i32) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, 6, 30).expect("30 June exists");
    // days back from 30 June to the Friday on or before it
    let back =
        (last.weekday().num_days_from_monday() + 7 - Weekday::Fri.num_days_from_monday()) % 7;
    last - Duration::days(i64::from(back))
}

/// A child's compulsory school age, from `start` to `end` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompulsorySchoolAge {
    /// The prescribed day on or after the fifth birthday.
    pub start: NaiveDate,
    /// The last Friday in June of the school year in which the child turns 16.
    pub end: NaiveDate,
}

impl CompulsorySchoolAge {
    pub fn for_dob(dob: NaiveDate) -> CompulsorySchoolAge {
        let fifth = birthday(dob, 5);
        // the first prescribed day (in the order of the year) on or after the fifth birthday:
        // in the same year, as the last is 31 December
        let (m, d) = PRESCRIBED_DAYS
            .into_iter()
            .find(|&md| md >= (fifth.month(), fifth.day()))
            .expect("31 December is the last day of the year");
        let start = NaiveDate::from_ymd_opt(fifth.year(), m, d).expect("prescribed days exist");
        let sixteenth = birthday(dob, 16);
        // the school year 1 September to 31 August holding the sixteenth birthday ends in
        // June of this calendar year
        let june_year = if sixteenth.month() >= 9 {
            sixteenth.year() + 1
        } else {
            sixteenth.year()
        };
        CompulsorySchoolAge {
            start,
            end: last_friday_in_june(june_year),
        }
    }

    /// Of compulsory school age on `d`?
    pub fn on(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// The part of `from..=to` in which the child is of compulsory school age, if any.
    pub fn within(&self, from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let (a, b) = (from.max(self.start), to.min(self.end));
        (a <= b).then_some((a, b))
    }

    /// "from 31/12/2024 to 26/06/2037".
    pub fn span_text(&self) -> String {
        format!("from {} to {}", uk_date(self.start), uk_date(self.end))
    }
}

/// Whether a pupil is of compulsory school age on a date, as far as attend can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeStatus {
    /// Of compulsory school age on the date.
    Of(CompulsorySchoolAge),
    /// Not yet: compulsory school age starts later.
    Before(CompulsorySchoolAge),
    /// No longer: compulsory school age has ended.
    After(CompulsorySchoolAge),
    /// No date of birth: attend cannot tell.
    Unknown,
}

impl AgeStatus {
    pub fn of(dob: Option<NaiveDate>, on: NaiveDate) -> AgeStatus {
        let Some(dob) = dob else {
            return AgeStatus::Unknown;
        };
        let csa = CompulsorySchoolAge::for_dob(dob);
        if on < csa.start {
            AgeStatus::Before(csa)
        } else if on > csa.end {
            AgeStatus::After(csa)
        } else {
            AgeStatus::Of(csa)
        }
    }

    /// `Some(true)` of compulsory school age, `Some(false)` not, `None` unknown.
    pub fn known(self) -> Option<bool> {
        match self {
            AgeStatus::Of(_) => Some(true),
            AgeStatus::Before(_) | AgeStatus::After(_) => Some(false),
            AgeStatus::Unknown => None,
        }
    }

    pub fn is_not_of_age(self) -> bool {
        self.known() == Some(false)
    }

    pub fn span(self) -> Option<CompulsorySchoolAge> {
        match self {
            AgeStatus::Of(c) | AgeStatus::Before(c) | AgeStatus::After(c) => Some(c),
            AgeStatus::Unknown => None,
        }
    }

    /// For people: "of compulsory school age (from 31/12/2015 to 26/06/2026)"; "not of
    /// compulsory school age until 31/03/2025 (the prescribed day after the fifth birthday)";
    /// "no longer of compulsory school age: it ended on 27/06/2025 (...)"; "compulsory school age
    /// not known (no date of birth in the register)".
    pub fn describe(self) -> String {
        match self {
            AgeStatus::Of(c) => format!("of compulsory school age ({})", c.span_text()),
            AgeStatus::Before(c) => format!(
                "not of compulsory school age until {} (the prescribed day after the fifth birthday)",
                uk_date(c.start)
            ),
            AgeStatus::After(c) => format!(
                "no longer of compulsory school age: it ended on {} (the last Friday in June of the school year in which they turned 16)",
                uk_date(c.end)
            ),
            AgeStatus::Unknown => {
                "compulsory school age not known (no date of birth in the register)".into()
            }
        }
    }

    /// A line for a pupil's screen: "Compulsory school age: yes (from 31/12/2015 to 26/06/2026)";
    /// "Compulsory school age: not yet on 14/03/2025 (from 31/03/2025, ...)"; "...: no longer on
    /// 14/03/2025 (it ended on 27/06/2025, ...)"; "...: not known (no date of birth ...)".
    pub fn line(self, on: NaiveDate) -> String {
        let what = match self {
            AgeStatus::Of(c) => format!("yes ({})", c.span_text()),
            AgeStatus::Before(c) => format!(
                "not yet on {} (from {}, the prescribed day after the fifth birthday)",
                uk_date(on),
                uk_date(c.start)
            ),
            AgeStatus::After(c) => format!(
                "no longer on {} (it ended on {}, the last Friday in June of the school year in which they turned 16)",
                uk_date(on),
                uk_date(c.end)
            ),
            AgeStatus::Unknown => "not known (no date of birth in the register)".into(),
        };
        format!("Compulsory school age: {what}")
    }
}

/// In the DfE's absence statistics for academic year `ay`: aged 5 to 15 on 31 August at its
/// start. `None` without a date of birth.
pub fn in_statistics_basis(dob: Option<NaiveDate>, ay: AcademicYear) -> Option<bool> {
    let on = NaiveDate::from_ymd_opt(ay.0, 8, 31).expect("31 August exists");
    dob.map(|d| STATISTICS_AGES.contains(&age_on(d, on)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn start(dob: NaiveDate) -> NaiveDate {
        CompulsorySchoolAge::for_dob(dob).start
    }

    fn end(dob: NaiveDate) -> NaiveDate {
        CompulsorySchoolAge::for_dob(dob).end
    }

    #[test]
    fn it_starts_on_the_prescribed_day_on_or_after_the_fifth_birthday() {
        // the reference's examples (attendance-rules.md §3.9)
        assert_eq!(
            start(d(2019, 10, 15)),
            d(2024, 12, 31),
            "autumn birthday: spring term"
        );
        assert_eq!(
            start(d(2020, 3, 22)),
            d(2025, 3, 31),
            "spring birthday: summer term"
        );
        assert_eq!(
            start(d(2019, 8, 1)),
            d(2019 + 5, 8, 31),
            "summer birthday: 31 August"
        );
        // a birthday on a prescribed day starts that day
        assert_eq!(start(d(2019, 12, 31)), d(2024, 12, 31));
        assert_eq!(start(d(2020, 3, 31)), d(2025, 3, 31));
        assert_eq!(start(d(2019, 8, 31)), d(2024, 8, 31));
        // the day after a prescribed day waits for the next one
        assert_eq!(start(d(2020, 1, 1)), d(2025, 3, 31));
        assert_eq!(start(d(2020, 4, 1)), d(2025, 8, 31));
        assert_eq!(start(d(2019, 9, 1)), d(2024, 12, 31));
        // 29 February: the fifth birthday falls on 1 March
        assert_eq!(start(d(2020, 2, 29)), d(2025, 3, 31));
    }

    #[test]
    fn born_31_august_and_1_september_fall_either_side_of_the_school_year() {
        // born 31 August 2019: Year 1 in 2024-25, of compulsory school age from its first day
        let a = CompulsorySchoolAge::for_dob(d(2019, 8, 31));
        assert!(a.on(d(2024, 9, 2)));
        assert!(!a.on(d(2024, 8, 30)));
        // born 1 September 2019: Reception in 2024-25, from the spring term only
        let b = CompulsorySchoolAge::for_dob(d(2019, 9, 1));
        assert!(!b.on(d(2024, 9, 2)));
        assert!(!b.on(d(2024, 12, 30)));
        assert!(b.on(d(2024, 12, 31)));
        // and they leave in different years
        assert_eq!(
            a.end,
            d(2035, 6, 29),
            "turns 16 on 31/08/2035: school year 2034-35"
        );
        assert_eq!(
            b.end,
            d(2036, 6, 27),
            "turns 16 on 01/09/2035: school year 2035-36"
        );
    }

    #[test]
    fn a_reception_child_born_in_march_2020_is_not_of_age_in_autumn_2024() {
        let dob = Some(d(2020, 3, 14));
        assert!(AgeStatus::of(dob, d(2024, 11, 1)).is_not_of_age());
        assert!(AgeStatus::of(dob, d(2025, 3, 30)).is_not_of_age());
        assert_eq!(AgeStatus::of(dob, d(2025, 3, 31)).known(), Some(true));
    }

    #[test]
    fn it_ends_on_the_last_friday_in_june_of_year_11() {
        assert_eq!(last_friday_in_june(2025), d(2025, 6, 27));
        assert_eq!(last_friday_in_june(2026), d(2026, 6, 26));
        assert_eq!(last_friday_in_june(2029), d(2029, 6, 29));
        assert_eq!(last_friday_in_june(2018), d(2018, 6, 29));
        // Year 11 in 2024-25: born 1 September 2008 to 31 August 2009
        for dob in [
            d(2008, 9, 1),
            d(2009, 1, 15),
            d(2009, 6, 27),
            d(2009, 8, 31),
        ] {
            assert_eq!(end(dob), d(2025, 6, 27), "{dob}");
            let s = AgeStatus::of(Some(dob), d(2025, 6, 27));
            assert_eq!(s.known(), Some(true), "{dob}: still of age on the day");
            assert!(AgeStatus::of(Some(dob), d(2025, 6, 28)).is_not_of_age());
        }
        // turning 16 after that Friday but before September: ends on that Friday, still 15
        let july = d(2009, 7, 10);
        assert_eq!(end(july), d(2025, 6, 27));
        assert_eq!(age_on(july, d(2025, 6, 27)), 15);
        // a sixth-former is not of compulsory school age at all
        assert!(AgeStatus::of(Some(d(2008, 3, 1)), d(2024, 9, 2)).is_not_of_age());
    }

    proptest::proptest! {
        /// The start found day by day from the fifth birthday (the first prescribed day on or
        /// after it) and the end found day by day back from 30 June of the school year in which
        /// the child turns 16 (the last Friday in June), for any date of birth.
        #[test]
        fn the_start_and_end_are_those_found_day_by_day(days in 0i64..40_000) {
            let dob = d(1990, 1, 1) + Duration::days(days);
            let csa = CompulsorySchoolAge::for_dob(dob);
            let mut want = birthday(dob, 5);
            while !PRESCRIBED_DAYS.contains(&(want.month(), want.day())) {
                want = want.succ_opt().unwrap();
            }
            proptest::prop_assert_eq!(csa.start, want);
            let sixteenth = birthday(dob, 16);
            let school_year_ends = if sixteenth.month() >= 9 { sixteenth.year() + 1 } else { sixteenth.year() };
            let mut end = d(school_year_ends, 6, 30);
            while end.weekday() != Weekday::Fri {
                end = end.pred_opt().unwrap();
            }
            proptest::prop_assert_eq!(csa.end, end);
        }
    }

    #[test]
    fn statuses_describe_themselves() {
        let dob = Some(d(2020, 3, 14));
        assert_eq!(
            AgeStatus::of(dob, d(2024, 11, 1)).describe(),
            "not of compulsory school age until 31/03/2025 (the prescribed day after the fifth birthday)"
        );
        assert!(
            AgeStatus::of(Some(d(2008, 3, 1)), d(2024, 9, 2))
                .describe()
                .starts_with("no longer of compulsory school age: it ended on 28/06/2024")
        );
        assert_eq!(AgeStatus::of(None, d(2024, 9, 2)), AgeStatus::Unknown);
        assert_eq!(AgeStatus::Unknown.known(), None);
    }

    #[test]
    fn the_statistics_count_ages_5_to_15_on_31_august() {
        let ay = AcademicYear(2024);
        // Reception (4 on 31/08/2024) and Year 12 (16) are out; Year 1 and Year 11 in
        assert_eq!(in_statistics_basis(Some(d(2019, 9, 1)), ay), Some(false));
        assert_eq!(in_statistics_basis(Some(d(2019, 8, 31)), ay), Some(true));
        assert_eq!(in_statistics_basis(Some(d(2008, 9, 1)), ay), Some(true));
        assert_eq!(in_statistics_basis(Some(d(2008, 8, 31)), ay), Some(false));
        assert_eq!(in_statistics_basis(None, ay), None);
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(d(2010, 3, 9), d(2025, 3, 8)), 14);
        assert_eq!(age_on(d(2010, 3, 9), d(2025, 3, 9)), 15);
        assert_eq!(age_on(d(2008, 2, 29), d(2025, 2, 28)), 16);
        assert_eq!(age_on(d(2008, 2, 29), d(2025, 3, 1)), 17);
    }
}
