//! Analysis of one pupil over a period: counts, weekdays, absence next to holidays, the last 4
//! school weeks and the trend, the penalty-notice window; and the tallies of whole groups.

use super::penalty::{PenaltyScope, PenaltyWindow, rolling_window};
use super::period::{Period, SchoolCalendar};
use super::{Counts, Fraction};
use crate::codes::{Code, CodeSet};
use crate::dates::{Session, weekday_short};
use crate::register::{MarkGrid, WEEK_SLOTS};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Absence on one weekday.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayRate {
    pub possible: u32,
    pub absent: u32,
}

impl DayRate {
    pub fn rate(&self) -> Option<Fraction> {
        Fraction::new(self.absent, self.possible)
    }
}

/// Trend of the last 4 school weeks against the whole period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Improving,
    Steady,
    Falling,
    /// No possible sessions in the last 4 weeks.
    Unknown,
}

impl Trend {
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Improving => "↑",
            Trend::Steady => "→",
            Trend::Falling => "↓",
            Trend::Unknown => "",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Steady => "steady",
            Trend::Falling => "falling",
            Trend::Unknown => "",
        }
    }
}

/// Everything about one pupil's attendance over one period.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub counts: Counts,
    /// Monday..Friday.
    pub weekdays: [DayRate; 5],
    /// Absence sessions on school days next to a closure or holiday.
    pub holiday_adjacent: u32,
    /// Possible sessions on school days next to a closure or holiday.
    pub holiday_adjacent_possible: u32,
    /// Attendance over the last 4 school weeks of the period.
    pub last4: Recent,
    /// The latest window meeting the penalty-notice threshold ([`super::penalty`]), if any.
    pub penalty: Option<PenaltyWindow>,
    /// The most unauthorised sessions in any window of the period of
    /// [`PENALTY_NOTICE_WEEKS`](super::PENALTY_NOTICE_WEEKS) school weeks.
    pub penalty_max: u32,
}

/// Possible and attended sessions over a stretch of the period (the last 4 school weeks): all a
/// trend needs, without the per-code counts of [`Counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recent {
    pub possible: u32,
    /// Present or at an approved educational activity.
    pub attended: u32,
}

impl Recent {
    pub fn attended(&self) -> u32 {
        self.attended
    }

    pub fn attendance(&self) -> Option<Fraction> {
        Fraction::new(self.attended, self.possible)
    }
}

/// Points of difference between the last 4 weeks and the whole period that make a trend.
const TREND_POINTS: u64 = 10; // tenths of a percentage point: 1.0 point

impl Analysis {
    pub fn trend(&self) -> Trend {
        match (self.last4.attendance(), self.counts.attendance()) {
            (Some(recent), Some(all)) => {
                let (r, a) = (recent.tenths(), all.tenths());
                if r >= a + TREND_POINTS {
                    Trend::Improving
                } else if r + TREND_POINTS <= a {
                    Trend::Falling
                } else {
                    Trend::Steady
                }
            }
            _ => Trend::Unknown,
        }
    }

    /// The weekday with the highest absence rate, when it stands out: at least 4 absent sessions,
    /// at least 15% absent, and at least 1.5 times the pupil's overall absence rate.
    pub fn weekday_pattern(&self) -> Option<(chrono::Weekday, Fraction)> {
        let overall = Fraction::new(self.counts.absent(), self.counts.possible)?;
        let (i, d) = self
            .weekdays
            .iter()
            .enumerate()
            .filter(|(_, d)| d.possible > 0)
            .max_by(|a, b| {
                a.1.rate()
                    .expect("possible > 0")
                    .cmp_rate(b.1.rate().expect("possible > 0"))
                    .then(b.0.cmp(&a.0))
            })?;
        let r = d.rate()?;
        // at least 4 absences, at least 15% absent, at least 1.5 times the overall rate
        let stands_out = d.absent >= 4
            && r.at_least_percent(15)
            && (r.num as u64 * overall.den as u64 * 2) >= (overall.num as u64 * r.den as u64 * 3);
        stands_out.then(|| (chrono::Weekday::try_from(i as u8).expect("0..5"), r))
    }

    /// Absence next to closures and holidays, when it stands out: at least 4 sessions, at least
    /// 20% of the possible sessions there, and at least 1.5 times the overall absence rate.
    pub fn holiday_pattern(&self) -> Option<Fraction> {
        let overall = Fraction::new(self.counts.absent(), self.counts.possible)?;
        let r = Fraction::new(self.holiday_adjacent, self.holiday_adjacent_possible)?;
        (self.holiday_adjacent >= 4
            && r.at_least_percent(20)
            && (r.num as u64 * overall.den as u64 * 2) >= (overall.num as u64 * r.den as u64 * 3))
            .then_some(r)
    }

    /// A short hint of the patterns found, for tables: "Mon 45% absent; holidays 40%".
    pub fn pattern_hint(&self) -> String {
        let mut parts = Vec::new();
        if let Some((day, r)) = self.weekday_pattern() {
            parts.push(format!(
                "{} {}% absent",
                weekday_short(day),
                r.whole_percent()
            ));
        }
        if let Some(r) = self.holiday_pattern() {
            parts.push(format!("holidays {}%", r.whole_percent()));
        }
        if self.counts.late_after_close >= 5 {
            parts.push(format!("U×{}", self.counts.late_after_close));
        } else if self.counts.late_before_close >= 10 {
            parts.push(format!("L×{}", self.counts.late_before_close));
        }
        if self.penalty.is_some() {
            parts.push("PN threshold".into());
        }
        parts.join("; ")
    }
}

const POSSIBLE: u8 = 1;
const ABSENT: u8 = 2;
const PENALTY: u8 = 4;

/// Per code set and stored byte: is it a possible session, an absence, a penalty-notice code
/// (G, N, O, U)? Built from [`category_table`], so the rules stay in `codes.rs`.
fn slot_flags() -> &'static [[u8; 64]; 2] {
    static FLAGS: std::sync::LazyLock<[[u8; 64]; 2]> = std::sync::LazyLock::new(|| {
        let mut f = [[0u8; 64]; 2];
        for set in [CodeSet::Regs2006, CodeSet::Regs2024] {
            for &c in Code::ALL {
                let Some(cat) = c.category(set) else { continue };
                let b = &mut f[set.index()][c.as_u8() as usize];
                if cat.is_possible() {
                    *b |= POSSIBLE;
                }
                if cat.is_absence() {
                    *b |= ABSENT;
                    if c.counts_toward_penalty_notice() {
                        *b |= PENALTY;
                    }
                }
            }
        }
        f
    });
    &FLAGS
}

/// The 16-bit fields of a slot's packed contribution ([`slot_fields`]).
const FIELD_POSSIBLE: u64 = 0xFFFF;
const FIELD_ABSENT: u64 = 0xFFFF << 16;
const FIELD_NO_MARK: u64 = 0xFFFF << 48;
/// Slots summed in 16-bit fields before they are added up in full.
const FIELD_RUN: usize = 60_000;

/// Per code set and stored byte (`set * 64 + byte`), what a session adds to a pupil's figures,
/// packed into one word so that one addition counts them all: a possible session (bits 0-15),
/// an absence (16-31), a penalty-notice code (32-47), no mark (48-63). Built from
/// [`slot_flags`], so the rules stay in `codes.rs`.
fn slot_fields() -> &'static [u64; 128] {
    static FIELDS: std::sync::LazyLock<[u64; 128]> = std::sync::LazyLock::new(|| {
        let flags = slot_flags();
        std::array::from_fn(|idx| {
            let f = flags[idx / 64][idx % 64];
            u64::from(f & POSSIBLE)
                | u64::from((f & ABSENT) >> 1) << 16
                | u64::from((f & PENALTY) >> 2) << 32
                | u64::from(idx % 64 == 0) << 48
        })
    });
    &FIELDS
}

/// Field `k` (0..4) of packed sums.
#[inline]
fn field(sum: u64, k: u32) -> u32 {
    ((sum >> (16 * k)) & 0xFFFF) as u32
}

/// What every pupil's analysis over one period shares: the slots, their code sets, weekdays,
/// school weeks, closures. Built once per period, then [`Frame::analyse`] runs per pupil.
pub struct Frame<'g> {
    pub(super) grid: &'g MarkGrid,
    pub period: Period,
    /// Slots of the period: `a..b`.
    pub(super) a: usize,
    pub(super) b: usize,
    /// Per slot in `a..b`: the code set index.
    pub(super) set: Vec<u8>,
    /// Per slot in `a..b`: the weekday, Monday = 0.
    pub(super) day: Vec<u8>,
    /// Per slot in `a..b`: school-week index within the period (or u32::MAX if not held).
    school_week: Vec<u32>,
    /// Mondays of the period's school weeks.
    pub(super) weeks: Vec<NaiveDate>,
    /// First slot (relative to `a`) of the last 4 school weeks.
    last4_from: usize,
    /// Per slot: is the session held by the school?
    pub(super) held: Vec<bool>,
    /// Per slot in `a..b`, packed into one byte for the per-pupil loops: the code set index
    /// (bit 0), held (bit 1), next to a closure or holiday (bit 2), the weekday (bits 4-6).
    info: Vec<u8>,
    /// Per slot in `a..b`: which of a slot's [`slot_fields`] count toward the holiday-adjacent
    /// figures (possible and absent, when next to a closure or holiday) and toward "no mark"
    /// (when the school held the session).
    mask: Vec<u64>,
    /// The period's whole weeks, from grid week `common_from`: the week most pupils' rows hold
    /// there (a full week present, a week's closure...) and what it adds to a pupil's figures, so
    /// that a row holding it is counted a week at once.
    common: Vec<CommonWeek>,
    common_from: usize,
    /// The distinct weeks of `common`, as each slot's [`slot_fields`] index: what one of them adds
    /// to the per-code tally.
    common_kinds: Vec<[u8; WEEK_SLOTS]>,
}

/// A week most pupils hold, and what a row holding it adds ([`Frame::analyse_scoped`]).
#[derive(Debug, Clone, Copy)]
struct CommonWeek {
    /// The ten marks (never matched when they are [`NO_COMMON`]).
    marks: [u8; WEEK_SLOTS],
    /// Index into `common_kinds`.
    kind: u8,
    /// The sums of its slots' packed fields: the whole (with how many penalty-notice codes it
    /// holds), the masked, and by weekday.
    total: u64,
    masked: u64,
    days: [u64; 5],
}

/// A byte no stored mark is (they are below 64): a week holding it matches no row.
const NO_COMMON: u8 = 0xFF;
/// How many pupils' rows are looked at to find each week's common marks.
const COMMON_SAMPLE: usize = 64;
/// At most this many distinct common weeks (the others are counted slot by slot).
const COMMON_KINDS: usize = 16;

impl CommonWeek {
    const NONE: CommonWeek = CommonWeek {
        marks: [NO_COMMON; WEEK_SLOTS],
        kind: 0,
        total: 0,
        masked: 0,
        days: [0; 5],
    };

    /// Does `week` (ten marks) hold exactly this week's marks?
    #[inline]
    fn matches(&self, week: &[u8]) -> bool {
        week_words(week) == week_words(&self.marks)
    }

    /// Whether the week holds a penalty-notice code.
    #[inline]
    fn has_penalty_code(&self) -> bool {
        field(self.total, 2) > 0
    }
}

/// A week's ten marks as two numbers (bytes 0-7, bytes 8-9), to compare weeks at once.
#[inline]
fn week_words(week: &[u8]) -> (u64, u16) {
    let head = u64::from_le_bytes(week[..8].try_into().expect("ten marks"));
    let tail = u16::from_le_bytes(week[8..WEEK_SLOTS].try_into().expect("ten marks"));
    (head, tail)
}

const INFO_SET: u8 = 1;
const INFO_HELD: u8 = 2;
const INFO_ADJACENT: u8 = 4;
const INFO_DAY_SHIFT: u32 = 4;

impl<'g> Frame<'g> {
    pub fn new(grid: &'g MarkGrid, cal: &SchoolCalendar, period: Period) -> Frame<'g> {
        let a = grid.slot_on_or_after(period.from);
        let b = grid.slot_after(period.to).max(a);
        let mut set = Vec::with_capacity(b - a);
        let mut school_week = Vec::with_capacity(b - a);
        let mut weeks: Vec<NaiveDate> = Vec::new();
        let mut week_of_slot_week: Option<(usize, u32)> = None;
        for j in a..b {
            let s = grid.session(j);
            set.push(CodeSet::for_date(s.date).index() as u8);
            let w = j / WEEK_SLOTS;
            let held_week = (0..WEEK_SLOTS).any(|k| cal.held[w * WEEK_SLOTS + k]);
            let idx = if held_week {
                match week_of_slot_week {
                    Some((pw, i)) if pw == w => i,
                    _ => {
                        weeks.push(grid.weeks[w]);
                        let i = weeks.len() as u32 - 1;
                        week_of_slot_week = Some((w, i));
                        i
                    }
                }
            } else {
                u32::MAX
            };
            school_week.push(idx);
        }
        let adjacent = cal.holiday_adjacent_slots(grid)[a..b].to_vec();
        let day: Vec<u8> = (a..b).map(|j| (j % WEEK_SLOTS / 2) as u8).collect();
        let last4_week = weeks.len().saturating_sub(4) as u32;
        let last4_from = school_week
            .iter()
            .position(|&i| i != u32::MAX && i >= last4_week)
            .unwrap_or(b - a);
        let held = cal.held[a..b].to_vec();
        let info = (0..b - a)
            .map(|k| {
                debug_assert!(set[k] <= 1 && day[k] < 5);
                set[k]
                    | if held[k] { INFO_HELD } else { 0 }
                    | if adjacent[k] { INFO_ADJACENT } else { 0 }
                    | (day[k] << INFO_DAY_SHIFT)
            })
            .collect();
        let mask = (0..b - a)
            .map(|k| {
                (if adjacent[k] {
                    FIELD_POSSIBLE | FIELD_ABSENT
                } else {
                    0
                }) | if held[k] { FIELD_NO_MARK } else { 0 }
            })
            .collect();
        let mut frame = Frame {
            grid,
            period,
            a,
            b,
            set,
            day,
            school_week,
            weeks,
            last4_from,
            held,
            info,
            mask,
            common: Vec::new(),
            common_from: a.div_ceil(WEEK_SLOTS),
            common_kinds: Vec::new(),
        };
        frame.find_common_weeks();
        frame
    }

    /// Find each whole week's common marks: the week held most often by a sample of the
    /// pupils' rows, spread through the register. Which week is chosen only decides how fast
    /// the figures are counted, never what they are.
    fn find_common_weeks(&mut self) {
        let (from, to) = (self.common_from, self.b / WEEK_SLOTS);
        let rows = self.grid.ids.len();
        let sample: Vec<usize> = if rows <= COMMON_SAMPLE {
            (0..rows).collect()
        } else {
            (0..COMMON_SAMPLE)
                .map(|t| t * rows / COMMON_SAMPLE)
                .collect()
        };
        let fields = slot_fields();
        for w in from..to {
            let start = w * WEEK_SLOTS;
            // the most held week among the sample (the first of equals)
            let mut seen: Vec<(&[u8], u32)> = Vec::new();
            for &i in &sample {
                let week = &self.grid.row(i)[start..start + WEEK_SLOTS];
                match seen.iter_mut().find(|(m, _)| *m == week) {
                    Some((_, n)) => *n += 1,
                    None => seen.push((week, 1)),
                }
            }
            let mut best: Option<(&[u8], u32)> = None;
            for &(m, n) in &seen {
                if best.is_none_or(|(_, b)| n > b) {
                    best = Some((m, n));
                }
            }
            let Some((marks, _)) = best else {
                self.common.push(CommonWeek::NONE);
                continue;
            };
            // what the week adds, slot by slot, as the per-slot loop adds it
            let k0 = start - self.a;
            let kind: [u8; WEEK_SLOTS] =
                std::array::from_fn(|q| ((self.info[k0 + q] & INFO_SET) << 6) | (marks[q] & 63));
            let mut c = CommonWeek::NONE;
            c.marks.copy_from_slice(marks);
            for (q, &idx) in kind.iter().enumerate() {
                let v = fields[usize::from(idx)];
                c.total += v;
                c.masked += v & self.mask[k0 + q];
                c.days[q / 2] += v;
            }
            c.kind = match self.common_kinds.iter().position(|k| *k == kind) {
                Some(k) => k as u8,
                None if self.common_kinds.len() < COMMON_KINDS => {
                    self.common_kinds.push(kind);
                    (self.common_kinds.len() - 1) as u8
                }
                None => {
                    self.common.push(CommonWeek::NONE);
                    continue;
                }
            };
            self.common.push(c);
        }
    }

    /// This frame without common weeks: every session counted one by one (to test the counting
    /// a week at once against).
    #[cfg(test)]
    pub(crate) fn without_common_weeks(mut self) -> Self {
        self.common = vec![CommonWeek::NONE; self.common.len()];
        self
    }

    /// The common week whose first slot is `a + k` (`k` relative to the period's start, at a
    /// Monday morning, with the whole week inside the period).
    #[inline]
    fn common_at(&self, k: usize) -> &CommonWeek {
        &self.common[self.common_index(k)]
    }

    /// The index in `common` of the week whose first slot is `a + k` ([`Frame::common_at`]).
    #[inline]
    fn common_index(&self, k: usize) -> usize {
        (self.a + k) / WEEK_SLOTS - self.common_from
    }

    /// Mondays of the period's school weeks.
    pub fn school_weeks(&self) -> &[NaiveDate] {
        &self.weeks
    }

    /// Just the counts of row `i` (the fast path for sorting and filtering).
    pub fn counts(&self, i: usize) -> Counts {
        self.counts_walked(i, |_, _| {}, |_| {})
    }

    /// Row `i`'s counts over the period, in one walk of the row: to the first Monday morning,
    /// then whole weeks (a common week at once), then the rest; `slot(k, mark)` is told of each
    /// session counted on its own, `common(w)` of each common week `w` the row held.
    #[inline(always)]
    fn counts_walked(
        &self,
        i: usize,
        mut slot: impl FnMut(usize, u8),
        mut common_week: impl FnMut(usize),
    ) -> Counts {
        let row = &self.grid.row(i)[self.a..self.b];
        // per code set and stored byte: how many sessions, turned into counts once at the end
        let mut tally = [0u32; 128];
        let mut no_mark = 0u32;
        let mut one = |k: usize| {
            let (m, info) = (row[k], self.info[k]);
            slot(k, m & 63);
            tally[(usize::from(info & INFO_SET) << 6) | usize::from(m & 63)] += 1;
            no_mark += u32::from(m == 0) & u32::from((info & INFO_HELD) >> 1);
        };
        let mut common = [0u32; COMMON_KINDS];
        let mut common_no_mark = 0u32;
        let head = self.head_slots().min(row.len());
        (0..head).for_each(&mut one);
        let mut k = head;
        while k + WEEK_SLOTS <= row.len() {
            let w = self.common_index(k);
            let c = &self.common[w];
            if c.matches(&row[k..k + WEEK_SLOTS]) {
                common[usize::from(c.kind)] += 1;
                common_no_mark += field(c.masked, 3);
                common_week(w);
            } else {
                (k..k + WEEK_SLOTS).for_each(&mut one);
            }
            k += WEEK_SLOTS;
        }
        (k..row.len()).for_each(&mut one);
        self.add_common(&mut tally, &common);
        counts_of(&tally, no_mark + common_no_mark)
    }

    /// How many of the period's first slots come before its first Monday morning.
    fn head_slots(&self) -> usize {
        (WEEK_SLOTS - self.a % WEEK_SLOTS) % WEEK_SLOTS
    }

    /// Add to a per-code tally (`set * 64 + byte`) the codes of the common weeks a row held,
    /// `common[kind]` times each kind.
    fn add_common(&self, tally: &mut [u32; 128], common: &[u32; COMMON_KINDS]) {
        for (kind, &n) in self.common_kinds.iter().zip(common) {
            if n > 0 {
                for &idx in kind {
                    tally[usize::from(idx)] += n;
                }
            }
        }
    }

    /// Everything about row `i` of the grid over the period, every unauthorised session counted
    /// toward the penalty-notice threshold.
    pub fn analyse(&self, i: usize) -> Analysis {
        self.analyse_scoped(i, &PenaltyScope::ALL)
    }

    /// Everything about row `i`, counting toward the penalty-notice threshold only the
    /// unauthorised sessions `scope` lets count (not those an issued notice rests on, nor those
    /// when the pupil was not of compulsory school age).
    pub fn analyse_scoped(&self, i: usize, scope: &PenaltyScope) -> Analysis {
        let all = scope.is_all();
        let row = &self.grid.row(i)[self.a..self.b];
        let flags = slot_flags();
        let mut an = Analysis::default();
        let mut small = [0u32; 64];
        let mut big = Vec::new();
        let week_unauth: &mut [u32] = if self.weeks.len() <= small.len() {
            &mut small[..self.weeks.len()]
        } else {
            big.resize(self.weeks.len(), 0);
            &mut big
        };
        // the penalty-notice codes (G, N, O, U) in slots `k0..k1`, counted in their school weeks
        // when the scope lets them count; they are few, so only a week (or part week) found to
        // hold one is looked at again
        let mut count_penalty = |k0: usize, k1: usize| {
            for k in k0..k1 {
                let f = flags[usize::from(self.info[k] & INFO_SET)][usize::from(row[k] & 63)];
                if f & PENALTY != 0 {
                    let w = self.school_week[k];
                    if w != u32::MAX && (all || scope.counts(self.grid.session(self.a + k).date)) {
                        week_unauth[w as usize] += 1;
                    }
                }
            }
        };
        // one pass over the row: each session's packed fields (possible, absent, penalty code,
        // no mark) are added to the whole, to its weekday's sums, and, masked, to the
        // holiday-adjacent and no-mark sums; whole school weeks are unrolled so that the weekday
        // of each session is known without looking it up, and a week most pupils hold (a common
        // week) is added at once. 16-bit fields are added up in full every FIELD_RUN sessions.
        let fields = slot_fields();
        let (info, mask) = (&self.info[..row.len()], &self.mask[..row.len()]);
        // per code set and code: how many sessions (turned into counts once, at the end)
        let mut tally = [0u32; 128];
        // how many of the row's weeks were each kind of common week
        let mut common = [0u32; COMMON_KINDS];
        let (mut adj_possible, mut adj_absent, mut no_mark) = (0u32, 0u32, 0u32);
        let (mut day_possible, mut day_absent) = ([0u32; 5], [0u32; 5]);
        let mut run_start = 0;
        while run_start < row.len() {
            let run_end = (run_start + FIELD_RUN).min(row.len());
            let (mut total, mut masked, mut days) = (0u64, 0u64, [0u64; 5]);
            let mut step =
                |k: usize, day: usize, total: &mut u64, masked: &mut u64, days: &mut [u64; 5]| {
                    let idx = (usize::from(info[k] & INFO_SET) << 6) | usize::from(row[k] & 63);
                    tally[idx] += 1;
                    let v = fields[idx];
                    *total += v;
                    *masked += v & mask[k];
                    days[day] += v;
                };
            // to the first Monday morning, then whole weeks, then the rest
            let mut k = run_start;
            let before = total;
            while k < run_end && !(self.a + k).is_multiple_of(WEEK_SLOTS) {
                let day = (self.a + k) % WEEK_SLOTS / 2;
                step(k, day, &mut total, &mut masked, &mut days);
                k += 1;
            }
            if field(total - before, 2) > 0 {
                count_penalty(run_start, k);
            }
            while k + WEEK_SLOTS <= run_end {
                let c = self.common_at(k);
                let penalty = if c.matches(&row[k..k + WEEK_SLOTS]) {
                    common[usize::from(c.kind)] += 1;
                    total += c.total;
                    masked += c.masked;
                    for (d, v) in days.iter_mut().zip(c.days) {
                        *d += v;
                    }
                    c.has_penalty_code()
                } else {
                    let before = total;
                    for q in 0..WEEK_SLOTS {
                        step(k + q, q / 2, &mut total, &mut masked, &mut days);
                    }
                    field(total - before, 2) > 0
                };
                if penalty {
                    count_penalty(k, k + WEEK_SLOTS);
                }
                k += WEEK_SLOTS;
            }
            let (before, rest) = (total, k);
            while k < run_end {
                let day = (self.a + k) % WEEK_SLOTS / 2;
                step(k, day, &mut total, &mut masked, &mut days);
                k += 1;
            }
            if field(total - before, 2) > 0 {
                count_penalty(rest, run_end);
            }
            adj_possible += field(masked, 0);
            adj_absent += field(masked, 1);
            no_mark += field(masked, 3);
            for d in 0..5 {
                day_possible[d] += field(days[d], 0);
                day_absent[d] += field(days[d], 1);
            }
            run_start = run_end;
        }
        self.add_common(&mut tally, &common);
        an.counts = counts_of(&tally, no_mark);
        an.last4 = self.recent(row, self.last4_from);
        for d in 0..5 {
            an.weekdays[d] = DayRate {
                possible: day_possible[d],
                absent: day_absent[d],
            };
        }
        an.holiday_adjacent = adj_absent;
        an.holiday_adjacent_possible = adj_possible;
        (an.penalty, an.penalty_max) = rolling_window(&self.weeks, week_unauth, self.period.to);
        an
    }

    /// Possible and attended sessions of `row` (the period's slots) from slot `from` on: a
    /// common week at once, other sessions one by one. Attended is possible less absent (a
    /// possible session is attended or an absence, never both: [`Counts::possible`]).
    fn recent(&self, row: &[u8], from: usize) -> Recent {
        let fields = slot_fields();
        let slot = |k: usize| {
            fields[(usize::from(self.info[k] & INFO_SET) << 6) | usize::from(row[k] & 63)]
        };
        let (possible, absent) = if row.len() - from <= FIELD_RUN {
            // the sums fit the 16-bit fields
            let mut sum = 0u64;
            // to the first Monday morning, then whole weeks, then the rest
            let mut k = from;
            while k < row.len() && !(self.a + k).is_multiple_of(WEEK_SLOTS) {
                sum += slot(k);
                k += 1;
            }
            while k + WEEK_SLOTS <= row.len() {
                let c = self.common_at(k);
                if c.matches(&row[k..k + WEEK_SLOTS]) {
                    sum += c.total;
                } else {
                    sum += (k..k + WEEK_SLOTS).map(slot).sum::<u64>();
                }
                k += WEEK_SLOTS;
            }
            sum += (k..row.len()).map(slot).sum::<u64>();
            (field(sum, 0), field(sum, 1))
        } else {
            (from..row.len()).fold((0, 0), |(p, a), k| {
                let v = slot(k);
                (p + field(v, 0), a + field(v, 1))
            })
        };
        Recent {
            possible,
            attended: possible - absent,
        }
    }

    /// One pupil's counts over the period, with the pupil's marks added to `tally` (how many
    /// pupils had each mark in each session of the period): one pass over the row.
    pub fn counts_tallied(&self, i: usize, tally: &mut SlotTally) -> Counts {
        debug_assert_eq!(tally.hist.len(), self.b - self.a);
        debug_assert_eq!(tally.common.len(), self.common.len());
        // a common week is tallied in the week's own count, read with the week's marks
        let SlotTally { hist, common } = tally;
        self.counts_walked(i, |k, m| hist[k][usize::from(m)] += 1, |w| common[w] += 1)
    }

    /// An empty tally for this period.
    pub fn new_tally(&self) -> SlotTally {
        SlotTally {
            hist: vec![[0; 64]; self.b - self.a],
            common: vec![0; self.common.len()],
        }
    }

    /// Counts of the tallied sessions whose slot passes `keep(slot)`.
    fn tally_counts(&self, t: &SlotTally, keep: impl Fn(usize) -> bool) -> Counts {
        let mut c = Counts::default();
        for (k, h) in t.hist.iter().enumerate() {
            if !keep(k) {
                continue;
            }
            let set = if self.set[k] == 0 {
                CodeSet::Regs2006
            } else {
                CodeSet::Regs2024
            };
            for (b, &n) in h.iter().enumerate().skip(1) {
                c.add_n(b as u8, set, n);
            }
            if self.held[k] {
                c.no_mark += h[0];
            }
            // the rows that held their week's common marks: this slot's mark, that many times
            let (w, q) = ((self.a + k) / WEEK_SLOTS, (self.a + k) % WEEK_SLOTS);
            if let Some(w) = w.checked_sub(self.common_from)
                && let Some(&n) = t.common.get(w)
                && n > 0
            {
                match self.common[w].marks[q] {
                    0 if self.held[k] => c.no_mark += n,
                    0 => {}
                    b => c.add_n(b, set, n),
                }
            }
        }
        c
    }

    /// The tallied sessions of each school week of the period: (Monday, counts).
    pub fn weekly_counts(&self, t: &SlotTally) -> Vec<(NaiveDate, Counts)> {
        self.weeks
            .iter()
            .enumerate()
            .map(|(w, monday)| {
                (
                    *monday,
                    self.tally_counts(t, |k| self.school_week[k] == w as u32),
                )
            })
            .collect()
    }

    /// The tallied sessions by weekday, Monday first.
    pub fn weekday_counts(&self, t: &SlotTally) -> [Counts; 5] {
        std::array::from_fn(|d| self.tally_counts(t, |k| self.day[k] as usize == d))
    }

    /// All the tallied sessions.
    pub fn tally_total(&self, t: &SlotTally) -> Counts {
        self.tally_counts(t, |_| true)
    }

    /// The slots of the period as (session, whether the school held it, the pupil's mark) for
    /// row `i`: the raw material of a marks grid.
    pub fn row_sessions(&self, i: usize) -> impl Iterator<Item = (Session, bool, u8)> + '_ {
        let row = &self.grid.row(i)[self.a..self.b];
        row.iter()
            .enumerate()
            .map(move |(k, &m)| (self.grid.session(self.a + k), self.held[k], m))
    }

    /// The dates of the last 4 school weeks of the period (first Monday, period end).
    pub fn last4_dates(&self) -> Option<(NaiveDate, NaiveDate)> {
        let n = self.weeks.len();
        (n > 0).then(|| (self.weeks[n.saturating_sub(4)], self.period.to))
    }
}

/// How many pupils had each mark in each session of a period (per slot, per stored mark byte;
/// byte 0 is "no mark"). Built by [`Frame::counts_tallied`]; tallies of disjoint groups of pupils
/// can be merged.
#[derive(Debug, Clone)]
pub struct SlotTally {
    /// Per slot and stored byte: how many rows had it (rows holding the common week excepted).
    hist: Vec<[u32; 64]>,
    /// Per whole week of the period ([`Frame`]'s common weeks): how many rows held its common
    /// marks (counted here, not in `hist`).
    common: Vec<u32>,
}

impl SlotTally {
    /// Add another tally of the same period.
    pub fn merge(&mut self, o: &SlotTally) {
        for (a, b) in self.hist.iter_mut().zip(&o.hist) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.common.iter_mut().zip(&o.common) {
            *a += b;
        }
    }
}

/// Counts from how many sessions had each stored byte under each code set (`set * 64 + byte`).
fn counts_of(tally: &[u32; 128], no_mark: u32) -> Counts {
    let mut c = Counts::default();
    for (set, t) in [CodeSet::Regs2006, CodeSet::Regs2024]
        .into_iter()
        .zip(tally.chunks_exact(64))
    {
        for (b, &n) in t.iter().enumerate().skip(1) {
            c.add_n(b as u8, set, n);
        }
    }
    c.no_mark = no_mark;
    c
}

/// Day of week index of a date, Monday = 0.
pub fn weekday_index(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}
