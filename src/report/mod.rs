//! Whole-school insight (`attend report`) and one pupil's picture (`attend pupil --html`).
//!
//! Everything here is counted from the register with the same rules as `attend flag`
//! ([`crate::attendance`]): rates sum sessions over all pupils and then divide (they are not
//! averages of pupils' rates), and a pupil counts in a group only with at least one possible
//! session in the period (the DfE excludes enrolments with none).

mod basis;
pub mod html;

pub use basis::{StatisticsBasis, statistics_basis};

use crate::attendance::{Band, Counts, Fraction, Frame, SlotTally};
use crate::cases::Stage;
use crate::cases::model::{Case, Outcome};
use crate::codes::{Category, Code, CodeSet};
use crate::config::{Benchmark, Thresholds};
use crate::dates::{SCHOOL_WEEKDAYS, weekday_name};
use crate::register::{Pupil, Register};
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Session figures of a group of pupils (or one pupil, or one week): sums, then rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sessions {
    pub possible: u32,
    /// Present, including late before the register closed.
    pub present: u32,
    pub approved_activity: u32,
    /// Present + approved educational activity.
    pub attended: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    /// L sessions (counted as present).
    pub late_before_close: u32,
    /// U sessions (counted as unauthorised absence).
    pub late_after_close: u32,
    /// Attended ÷ possible, one decimal, rounded half up; absent when nothing was possible.
    pub attendance_pct: Option<String>,
    pub authorised_pct: Option<String>,
    pub unauthorised_pct: Option<String>,
    /// L ÷ possible.
    pub late_before_close_pct: Option<String>,
    /// U ÷ possible.
    pub late_after_close_pct: Option<String>,
}

fn pct(num: u32, den: u32) -> Option<String> {
    Fraction::new(num, den).map(Fraction::pct)
}

impl Sessions {
    pub fn of(c: &Counts) -> Sessions {
        let p = c.possible;
        Sessions {
            possible: p,
            present: c.present,
            approved_activity: c.approved_activity,
            attended: c.attended(),
            authorised: c.authorised,
            unauthorised: c.unauthorised,
            late_before_close: c.late_before_close,
            late_after_close: c.late_after_close,
            attendance_pct: pct(c.attended(), p),
            authorised_pct: pct(c.authorised, p),
            unauthorised_pct: pct(c.unauthorised, p),
            late_before_close_pct: pct(c.late_before_close, p),
            late_after_close_pct: pct(c.late_after_close, p),
        }
    }

    /// Attendance in percent (0 to 100) as a number, for charts.
    pub fn attendance(&self) -> Option<f64> {
        Fraction::new(self.attended, self.possible).map(Fraction::as_f64)
    }

    /// Overall absence (authorised + unauthorised) in percent as a number, for charts.
    pub fn absence(&self) -> Option<f64> {
        Fraction::new(self.authorised + self.unauthorised, self.possible).map(Fraction::as_f64)
    }
}

/// A group's figures: its pupils, their sessions, and how many are persistently or severely absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Pupils with at least one possible session in the period.
    pub pupils: u32,
    #[serde(flatten)]
    pub sessions: Sessions,
    /// Pupils at or below the persistent-absence line (severe absence included, as the DfE does).
    pub persistent: u32,
    pub persistent_pct: Option<String>,
    /// Pupils at or below the severe-absence line.
    pub severe: u32,
    pub severe_pct: Option<String>,
}

impl Figures {
    /// The persistent-absence rate in percent of pupils as a number, for charts.
    pub fn persistent_rate(&self) -> Option<f64> {
        Fraction::new(self.persistent, self.pupils).map(Fraction::as_f64)
    }
}

/// Sums for a group while pupils are added.
#[derive(Debug, Clone, Default)]
struct Acc {
    counts: Counts,
    pupils: u32,
    persistent: u32,
    severe: u32,
}

impl Acc {
    fn add(&mut self, c: &Counts, band: Band) {
        if c.possible == 0 {
            return;
        }
        self.counts.add_counts(c);
        self.pupils += 1;
        self.persistent += u32::from(matches!(band, Band::Persistent | Band::Severe));
        self.severe += u32::from(band == Band::Severe);
    }

    fn figures(&self) -> Figures {
        Figures {
            pupils: self.pupils,
            sessions: Sessions::of(&self.counts),
            persistent: self.persistent,
            persistent_pct: pct(self.persistent, self.pupils),
            severe: self.severe,
            severe_pct: pct(self.severe, self.pupils),
        }
    }
}

/// One group of a breakdown ("Year 9", "FSM: Y").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The value the pupils share, as the register holds it ("(not recorded)" when blank).
    pub group: String,
    /// Fewer pupils than the school's smallest shared group size.
    pub small: bool,
    /// The figures; `None` when the group is small and the output is to be shared.
    #[serde(flatten)]
    pub figures: Option<Figures>,
    /// For a small group whose figures are withheld: "fewer than 5".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
}

/// Figures broken down by one pupil characteristic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// The `pupils.csv` column ("year", "fsm", or a school's own column).
    pub key: String,
    /// For people: "Year group", "Free school meals".
    pub title: String,
    pub groups: Vec<Group>,
}

/// One school week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// The Monday of the week.
    pub week_beginning: NaiveDate,
    #[serde(flatten)]
    pub sessions: Sessions,
}

/// One weekday over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weekday {
    pub weekday: String,
    #[serde(flatten)]
    pub sessions: Sessions,
}

/// A code's use over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeUse {
    pub code: String,
    /// What the code means (under the code set in force at the end of the period).
    pub meaning: String,
    /// How it counts: "authorised absence", "present"...
    pub counts_as: String,
    pub sessions: u32,
    /// Share of all absence sessions (absence codes) or of all marked sessions (other codes).
    pub share_pct: Option<String>,
}

/// A published figure for the year, entered by the school in attend.yaml.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkRow {
    pub name: String,
    pub attendance_pct: Option<String>,
    pub authorised_pct: Option<String>,
    pub unauthorised_pct: Option<String>,
    pub persistent_pct: Option<String>,
    pub severe_pct: Option<String>,
}

/// The cases: where they stand and how their reviews went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Caseload {
    /// Open cases at each stage of the graduated response, and closed cases (every stage listed).
    pub by_stage: Vec<StageCount>,
    /// The days reviews are counted over: the period's first day to the report's end date (the
    /// `--to` asked for, the term's end, or today: not the latest imported session, as reviews
    /// are not in the register).
    pub reviews_from: Option<NaiveDate>,
    pub reviews_to: Option<NaiveDate>,
    /// Reviews held in the period.
    pub reviews_held: u32,
    /// Of those, held on or before the plan's review date.
    pub reviewed_on_time: u32,
    /// Open plans whose review date has passed (as of the report's day).
    pub reviews_overdue: u32,
    /// Outcomes of the reviews held in the period.
    pub outcome_met: u32,
    pub outcome_some_improvement: u32,
    pub outcome_not_met: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageCount {
    pub stage: String,
    pub cases: u32,
}

/// The whole-school report for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub school: String,
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub academic_year: String,
    pub school_weeks: u32,
    /// The thresholds the persistent and severe counts use.
    pub persistent_threshold: u32,
    pub severe_threshold: u32,
    /// Groups with fewer pupils than this are small.
    pub small_group: u32,
    /// Whether small groups' figures are withheld in this copy.
    pub small_groups_withheld: bool,
    pub whole_school: Figures,
    /// One per pupil characteristic the register holds (one no export gave is left out).
    pub breakdowns: Vec<Breakdown>,
    pub weeks: Vec<Week>,
    pub weekdays: Vec<Weekday>,
    /// Absence codes, most used first.
    pub absence_codes: Vec<CodeUse>,
    pub benchmarks: Vec<BenchmarkRow>,
    pub caseload: Option<Caseload>,
    /// Pupils in the register with no possible session in the period (left out of every figure).
    pub pupils_without_sessions: u32,
    /// The whole school's persistent and severe absence rates on the DfE's basis (pupils aged 5
    /// to 15 at the start of the academic year), when the register has dates of birth.
    pub statistics_basis: Option<StatisticsBasis>,
}

/// What the report is broken down by: the built-in pupil columns, then the school's own.
pub fn breakdown_columns(extra: &[String]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("year", "Year group"),
        ("reg_group", "Registration group"),
        ("gender", "Gender"),
        ("fsm", "Free school meals"),
        ("sen", "SEN status"),
        ("eal", "English as an additional language"),
    ]
    .iter()
    .map(|(k, t)| (k.to_string(), t.to_string()))
    .collect();
    for e in extra {
        v.push((e.clone(), e.clone()));
    }
    v
}

/// The blank value's label.
pub const NOT_RECORDED: &str = "(not recorded)";

fn group_value(p: &Pupil, key: &str) -> String {
    let v = p.field(key);
    let v = v.trim();
    if v.is_empty() {
        NOT_RECORDED.to_string()
    } else if crate::register::values::is_coded(key) {
        // SEN, FSM, EAL, gender: what the census code means ("EHC plan", not "E")
        crate::register::values::meaning(key, v)
    } else {
        v.to_string()
    }
}

/// The meanings of the census values in the order people read them (none, then more).
const MEANING_ORDER: [&str; 11] = [
    "No SEN",
    "SEN support",
    "EHC plan",
    "SEN (kind not recorded)",
    "Not eligible for FSM",
    "Eligible for FSM",
    "Not EAL (first language English)",
    "EAL (first language not English)",
    "First language not known",
    "Female",
    "Male",
];

/// Year groups in school order (Reception, Nursery, 1..13, then anything else), other groups by
/// text, "(not recorded)" last.
fn group_order(key: &str, a: &str, b: &str) -> std::cmp::Ordering {
    fn rank(key: &str, v: &str) -> (u8, i64, String) {
        if v == NOT_RECORDED {
            return (9, 0, String::new());
        }
        if key == "year" {
            let t = v
                .trim()
                .trim_start_matches(|c: char| c.is_alphabetic() || c == ' ')
                .trim();
            let lower = v.to_ascii_lowercase();
            if lower.starts_with('n') && !lower.starts_with("nc") {
                return (0, -2, v.to_string());
            }
            if lower == "r" || lower.starts_with("rec") {
                return (0, -1, v.to_string());
            }
            if let Ok(n) = t.parse::<i64>() {
                return (0, n, v.to_string());
            }
        }
        if let Some(i) = MEANING_ORDER.iter().position(|m| *m == v) {
            return (0, i as i64, v.to_string());
        }
        // "7A" before "10A": a leading number compares as a number
        let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
        match digits.parse::<i64>() {
            Ok(n) => (1, n, v[digits.len()..].to_lowercase()),
            Err(_) => (2, 0, v.to_lowercase()),
        }
    }
    rank(key, a).cmp(&rank(key, b))
}

/// Which pupils' marks the report counts, and its settings.
pub struct ReportInput<'a> {
    pub register: &'a Register,
    pub frame: &'a Frame<'a>,
    pub thresholds: &'a Thresholds,
    pub school: String,
    /// The school's own pupil columns to break down by (labels as in attend.yaml).
    pub extra_groups: Vec<String>,
    pub small_group: u32,
    /// Benchmarks for the period's academic year.
    pub benchmarks: Vec<(String, Benchmark)>,
    pub cases: Option<&'a [Case]>,
    /// "Today", for overdue reviews.
    pub today: NaiveDate,
    /// The report's end date for the caseload (reviews held up to it): the `--to` asked for, the
    /// term's end, else today, never after today.
    pub caseload_to: NaiveDate,
}

/// Per pupil: counts over the period; and the tally of everyone's marks per session.
fn count_all(reg: &Register, frame: &Frame) -> (Vec<Counts>, SlotTally) {
    let n = reg.pupils.len();
    let parts = crate::parallel::map_ranges(n, 1024, |rows| {
        let mut tally = frame.new_tally();
        let counts = rows
            .map(|i| frame.counts_tallied(i, &mut tally))
            .collect::<Vec<_>>();
        (counts, tally)
    });
    let mut counts = Vec::with_capacity(n);
    let mut tally = frame.new_tally();
    for (c, t) in parts {
        counts.extend(c);
        tally.merge(&t);
    }
    (counts, tally)
}

/// Build the report.
pub fn build(input: &ReportInput) -> Report {
    let reg = input.register;
    let frame = input.frame;
    let t = input.thresholds;
    let (counts, tally) = count_all(reg, frame);
    let columns = breakdown_columns(&input.extra_groups);
    // per breakdown: value -> accumulator
    let mut accs: Vec<FxHashMap<String, Acc>> = vec![FxHashMap::default(); columns.len()];
    let mut whole = Acc::default();
    let mut without = 0u32;
    for (p, c) in reg.pupils.iter().zip(&counts) {
        if c.possible == 0 {
            without += 1;
            continue;
        }
        let band = c.band(t);
        whole.add(c, band);
        for ((key, _), acc) in columns.iter().zip(accs.iter_mut()) {
            let v = group_value(p, key);
            match acc.get_mut(&v) {
                Some(a) => a.add(c, band),
                None => {
                    let mut a = Acc::default();
                    a.add(c, band);
                    acc.insert(v, a);
                }
            }
        }
    }
    let breakdowns = columns
        .into_iter()
        .zip(accs)
        // a characteristic the exports never gave (every pupil "not recorded") is left out
        .filter(|(_, acc)| acc.keys().any(|k| k != NOT_RECORDED))
        .map(|((key, title), acc)| {
            let mut groups: Vec<(String, Acc)> = acc.into_iter().collect();
            groups.sort_by(|a, b| group_order(&key, &a.0, &b.0));
            Breakdown {
                groups: groups
                    .into_iter()
                    .map(|(g, a)| Group {
                        group: g,
                        small: a.pupils < input.small_group,
                        figures: Some(a.figures()),
                        withheld: None,
                    })
                    .collect(),
                key,
                title,
            }
        })
        .collect();
    let weeks = frame
        .weekly_counts(&tally)
        .into_iter()
        .map(|(monday, c)| Week {
            week_beginning: monday,
            sessions: Sessions::of(&c),
        })
        .collect();
    let weekdays = frame
        .weekday_counts(&tally)
        .iter()
        .zip(SCHOOL_WEEKDAYS)
        .map(|(c, d)| Weekday {
            weekday: weekday_name(d).to_string(),
            sessions: Sessions::of(c),
        })
        .collect();
    let total = frame.tally_total(&tally);
    debug_assert_eq!(total.possible, whole.counts.possible);
    let absence_codes = absence_code_use(&total, frame.period.to);
    let ay = crate::dates::AcademicYear::of(frame.period.to);
    let school_figures = whole.figures();
    let benchmarks = input
        .benchmarks
        .iter()
        .map(|(name, b)| BenchmarkRow {
            name: name.clone(),
            attendance_pct: b.attendance.map(one_decimal),
            authorised_pct: b.authorised.map(one_decimal),
            unauthorised_pct: b.unauthorised.map(one_decimal),
            persistent_pct: b.persistent.map(one_decimal),
            severe_pct: b.severe.map(one_decimal),
        })
        .collect();
    Report {
        school: input.school.clone(),
        period: frame.period.label.clone(),
        from: frame.period.from,
        to: frame.period.to,
        academic_year: ay.label(),
        school_weeks: frame.school_weeks().len() as u32,
        persistent_threshold: t.persistent,
        severe_threshold: t.severe,
        small_group: input.small_group,
        small_groups_withheld: false,
        whole_school: school_figures,
        breakdowns,
        weeks,
        weekdays,
        absence_codes,
        benchmarks,
        caseload: input
            .cases
            .map(|cases| caseload(cases, frame.period.from, input.caseload_to, input.today)),
        pupils_without_sessions: without,
        statistics_basis: statistics_basis(reg, &counts, t, ay),
    }
}

fn one_decimal(x: f64) -> String {
    format!("{x:.1}")
}

/// Absence codes used, most used first (ties in code order), with their share of all absence.
fn absence_code_use(total: &Counts, to: NaiveDate) -> Vec<CodeUse> {
    let absence = total.authorised + total.unauthorised;
    total
        .absence_codes()
        .into_iter()
        .map(|(c, n)| CodeUse {
            code: c.as_str().to_string(),
            meaning: meaning(c, to),
            counts_as: counts_as(c, to),
            sessions: n,
            share_pct: pct(n, absence),
        })
        .collect()
}

/// Every code used, most used first, with its share of all marked sessions.
pub fn code_use(c: &Counts, to: NaiveDate) -> Vec<CodeUse> {
    let marked: u32 = c.code_mix().iter().map(|(_, n)| n).sum();
    c.code_mix()
        .into_iter()
        .map(|(code, n)| CodeUse {
            code: code.as_str().to_string(),
            meaning: meaning(code, to),
            counts_as: counts_as(code, to),
            sessions: n,
            share_pct: pct(n, marked),
        })
        .collect()
}

/// What a code means on the period's last day, with the fallback to the other code set.
fn meaning(c: Code, to: NaiveDate) -> String {
    c.on_date(to).map_or("", |(m, _)| m).to_string()
}

/// How a code counts on the period's last day, with the fallback to the other code set.
fn counts_as(c: Code, to: NaiveDate) -> String {
    c.on_date(to).map_or("", |(_, cat)| cat.label()).to_string()
}

fn caseload(cases: &[Case], from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Caseload {
    let mut c = Caseload {
        by_stage: Stage::ALL
            .iter()
            .map(|s| StageCount {
                stage: s.as_str().to_string(),
                cases: cases.iter().filter(|k| k.stage == *s).count() as u32,
            })
            .collect(),
        reviews_from: Some(from),
        reviews_to: Some(to),
        ..Default::default()
    };
    for case in cases {
        for plan in &case.plans {
            match &plan.review {
                Some(r) => {
                    let d = r.meeting.date;
                    if d < from || d > to {
                        continue;
                    }
                    c.reviews_held += 1;
                    c.reviewed_on_time += u32::from(d <= plan.review_date);
                    match r.outcome {
                        Outcome::Met => c.outcome_met += 1,
                        Outcome::SomeImprovement => c.outcome_some_improvement += 1,
                        Outcome::NotMet => c.outcome_not_met += 1,
                    }
                }
                None => {
                    c.reviews_overdue +=
                        u32::from(case.stage.is_open() && plan.review_date < today);
                }
            }
        }
    }
    c
}

impl Report {
    /// The copy to share: small groups' figures withheld ("fewer than N"), as published statistics
    /// do.
    pub fn for_sharing(mut self) -> Report {
        let n = self.small_group;
        for b in &mut self.breakdowns {
            for g in &mut b.groups {
                if g.small {
                    g.figures = None;
                    g.withheld = Some(format!("fewer than {n}"));
                }
            }
        }
        self.small_groups_withheld = true;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// One pupil
// ---------------------------------------------------------------------------------------------

/// One session's mark on a pupil's page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkCell {
    /// The code ("/", "I"...), "" when there is no mark.
    pub code: String,
    /// "present", "approved", "authorised", "unauthorised", "not_counted", "no_mark" (held, no
    /// mark) or "not_held" (no school that session, or a weekend/holiday slot).
    pub kind: String,
}

/// A week of marks: Monday to Friday, AM then PM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkWeek {
    pub week_beginning: NaiveDate,
    pub days: Vec<[MarkCell; 2]>,
}

/// One pupil's picture for a meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PupilPicture {
    pub school: String,
    pub upn: String,
    pub name: String,
    pub year: String,
    pub reg_group: String,
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: Sessions,
    /// "persistent absence", "severe absence", "at risk" or "".
    pub band: String,
    /// The persistent-absence line (percent) the band was judged against, for the chart.
    pub persistent_threshold: u32,
    pub weeks: Vec<Week>,
    pub marks: Vec<MarkWeek>,
    pub codes: Vec<CodeUse>,
}

fn kind_of(m: u8, held: bool, date: NaiveDate) -> (String, &'static str) {
    let Some(code) = Code::from_u8(m) else {
        return (String::new(), if held { "no_mark" } else { "not_held" });
    };
    let kind = match code.category(CodeSet::for_date(date)) {
        Some(Category::Present) => "present",
        Some(Category::ApprovedActivity) => "approved",
        Some(Category::Authorised) => "authorised",
        Some(Category::Unauthorised) => "unauthorised",
        _ => "not_counted",
    };
    (code.as_str().to_string(), kind)
}

/// The picture of pupil row `i` over the frame's period.
pub fn pupil_picture(
    reg: &Register,
    frame: &Frame,
    i: usize,
    t: &Thresholds,
    school: &str,
) -> PupilPicture {
    let p = &reg.pupils[i];
    let mut tally = frame.new_tally();
    let counts = frame.counts_tallied(i, &mut tally);
    let weeks = frame
        .weekly_counts(&tally)
        .into_iter()
        .map(|(monday, c)| Week {
            week_beginning: monday,
            sessions: Sessions::of(&c),
        })
        .collect::<Vec<_>>();
    let school_weeks: std::collections::BTreeSet<NaiveDate> =
        frame.school_weeks().iter().copied().collect();
    let mut marks: Vec<MarkWeek> = Vec::new();
    for (s, held, m) in frame.row_sessions(i) {
        let wd = s.date.weekday().num_days_from_monday() as usize;
        if wd > 4 {
            continue;
        }
        let monday = s.date - chrono::Duration::days(wd as i64);
        if !school_weeks.contains(&monday) {
            continue;
        }
        if marks.last().is_none_or(|w| w.week_beginning != monday) {
            marks.push(MarkWeek {
                week_beginning: monday,
                days: (0..5)
                    .map(|_| {
                        std::array::from_fn(|_| MarkCell {
                            code: String::new(),
                            kind: "not_held".into(),
                        })
                    })
                    .collect(),
            });
        }
        let (code, kind) = kind_of(m, held, s.date);
        let half = usize::from(s.half != crate::dates::Half::Am);
        let w = marks.last_mut().expect("pushed");
        w.days[wd][half] = MarkCell {
            code,
            kind: kind.to_string(),
        };
    }
    PupilPicture {
        school: school.to_string(),
        upn: p.id.to_string(),
        name: p.display_name(),
        year: p.year.to_string(),
        reg_group: p.reg_group.to_string(),
        period: frame.period.label.clone(),
        from: frame.period.from,
        to: frame.period.to,
        figures: Sessions::of(&counts),
        band: counts.band(t).label().to_string(),
        persistent_threshold: t.persistent,
        weeks,
        marks,
        codes: code_use(&counts, frame.period.to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_groups_in_school_order() {
        let mut v = vec!["10", "9", "R", "(not recorded)", "Year 11", "N2", "1", "13"];
        v.sort_by(|a, b| group_order("year", a, b));
        assert_eq!(
            v,
            ["N2", "R", "1", "9", "10", "Year 11", "13", "(not recorded)"]
        );
    }

    #[test]
    fn small_groups_are_withheld_when_shared() {
        let g = |name: &str, n: u32| Group {
            group: name.into(),
            small: n < 5,
            figures: Some(Figures {
                pupils: n,
                ..Default::default()
            }),
            withheld: None,
        };
        let r = Report {
            school: String::new(),
            period: String::new(),
            from: NaiveDate::from_ymd_opt(2024, 9, 2).unwrap(),
            to: NaiveDate::from_ymd_opt(2024, 9, 6).unwrap(),
            academic_year: "2024/25".into(),
            school_weeks: 1,
            persistent_threshold: 90,
            severe_threshold: 50,
            small_group: 5,
            small_groups_withheld: false,
            whole_school: Figures::default(),
            breakdowns: vec![Breakdown {
                key: "fsm".into(),
                title: "FSM".into(),
                groups: vec![g("Y", 4), g("N", 5)],
            }],
            weeks: vec![],
            weekdays: vec![],
            absence_codes: vec![],
            benchmarks: vec![],
            caseload: None,
            pupils_without_sessions: 0,
            statistics_basis: None,
        };
        let s = r.for_sharing();
        assert!(s.breakdowns[0].groups[0].figures.is_none());
        assert_eq!(
            s.breakdowns[0].groups[0].withheld.as_deref(),
            Some("fewer than 5")
        );
        assert!(s.breakdowns[0].groups[1].figures.is_some());
        let j = serde_json::to_value(&s).unwrap();
        assert!(j["breakdowns"][0]["groups"][0].get("pupils").is_none());
        assert_eq!(j["breakdowns"][0]["groups"][1]["pupils"], 5);
    }
}
