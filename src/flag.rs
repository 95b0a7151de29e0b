//! `attend flag`: the pupils whose attendance is at or below a threshold, and why.

use crate::attendance::{Analysis, Band, Fraction, Frame, PenaltyScope};
use crate::config::Thresholds;
use crate::register::{Pupil, Register, year_key};
use crate::upn::PupilId;
use chrono::NaiveDate;

/// Which pupils to list.
#[derive(Debug, Clone, Default)]
pub struct FlagQuery {
    /// List pupils whose attendance is at or below this, in hundredths of a percent (9000 = 90%);
    /// not used when `band` is given (the band decides).
    pub threshold_hundredths: u32,
    /// Every pupil, whatever their attendance.
    pub all: bool,
    pub year: Option<String>,
    pub group: Option<String>,
    pub fsm: bool,
    pub sen: bool,
    pub eal: bool,
    pub band: Option<Band>,
    /// Pupils with fewer possible sessions are listed apart.
    pub min_sessions: u32,
    /// Per pupil: the date ranges whose sessions issued penalty notices rest on (they do not
    /// count toward the penalty-notice threshold again; [`crate::cases::penalty::used_sessions`]).
    pub used: std::collections::HashMap<PupilId, Vec<(NaiveDate, NaiveDate)>>,
}

/// One pupil in the list.
#[derive(Debug, Clone)]
pub struct FlagRow {
    /// Index into [`Register::pupils`].
    pub index: usize,
    pub analysis: Analysis,
    pub band: Band,
}

/// The result of a flag query.
#[derive(Debug, Clone, Default)]
pub struct Flagged {
    /// Lowest attendance first.
    pub rows: Vec<FlagRow>,
    /// Pupils who would be listed but have fewer than `min_sessions` possible sessions.
    pub few_sessions: Vec<FlagRow>,
    /// Pupils matching the cohort filters (year, group, FSM...), with or without a flag.
    pub cohort: usize,
}

impl FlagQuery {
    fn in_cohort(&self, p: &Pupil) -> bool {
        if let Some(y) = &self.year
            && year_key(y) != p.year_key()
        {
            return false;
        }
        if let Some(g) = &self.group
            && !g.trim().eq_ignore_ascii_case(p.reg_group.trim())
        {
            return false;
        }
        (!self.fsm || p.is_fsm()) && (!self.sen || p.has_sen()) && (!self.eal || p.is_eal())
    }
}

/// Run a flag query over one period.
pub fn flag(reg: &Register, frame: &Frame<'_>, q: &FlagQuery, t: &Thresholds) -> Flagged {
    let chosen: Vec<usize> = (0..reg.pupils.len())
        .filter(|&i| q.in_cohort(&reg.pupils[i]))
        .collect();
    let cohort = chosen.len();
    // the counts decide who is listed (all of the cohort with --all, unless a band is asked
    // for); only they get the full analysis, whose counts are the same
    let is_listed = |i: usize| -> bool {
        let c = frame.counts(i);
        match q.band {
            // a band is its own filter, whatever the threshold: at-risk pupils are above the
            // persistent-absence line, so the threshold would hide every one of them
            Some(b) => b == c.band(t),
            None => c
                .attendance()
                .is_some_and(|f| f.at_most_hundredths(q.threshold_hundredths)),
        }
    };
    let analyse = |i: usize| -> FlagRow {
        // the penalty-notice threshold counts sessions of compulsory school age not already
        // used by an issued notice
        let p = &reg.pupils[i];
        let scope = PenaltyScope::for_pupil(p.dob, q.used.get(&p.id).cloned().unwrap_or_default());
        let analysis = frame.analyse_scoped(i, &scope);
        debug_assert_eq!(
            analysis.counts,
            frame.counts(i),
            "the listing used these counts"
        );
        let band = analysis.counts.band(t);
        FlagRow {
            index: i,
            analysis,
            band,
        }
    };
    let t0 = std::time::Instant::now();
    let listed: Vec<usize> = if q.all && q.band.is_none() {
        chosen
    } else {
        parallel_filter(&chosen, is_listed)
    };
    // the rows are large (150,000 are 40 MB): each is made straight into its place
    let mut rows: Vec<FlagRow> =
        crate::parallel::map_into_place(listed.len(), 2048, |k| analyse(listed[k]));
    crate::timing("  analyse", t0);
    let t0 = std::time::Instant::now();
    // lowest attendance first, then register order; the rows are large, so sort small keys
    // and then move each row once, in place (no second copy of the rows)
    let facts: Vec<[u32; 3]> = rows
        .iter()
        .map(|r| {
            let c = &r.analysis.counts;
            [c.attended(), c.possible, r.index as u32]
        })
        .collect();
    let (mut order, enough) = list_order(&facts, q.min_sessions);
    crate::order::permute_in_place(&mut rows, &mut order);
    // the few-session rows are at the end: only they are moved
    let few_sessions = rows.split_off(enough);
    crate::timing("  sort", t0);
    Flagged {
        rows,
        few_sessions,
        cohort,
    }
}

/// The order of a list's rows, given each row's (attended, possible, register index): lowest
/// attendance first, then register order; rows with fewer than `min_sessions` possible sessions
/// after the rest, in the same order. Returns the rows' positions in that order and how many come
/// before the few-session rows.
fn list_order(rows: &[[u32; 3]], min_sessions: u32) -> (Vec<u32>, usize) {
    let few = |possible: u32| possible < min_sessions;
    // each row's place as one number: a few-session row after the rest, a rate (its key) before
    // no rate (no possible sessions, after every key), then the register index, then the
    // position; sorting plain numbers is several times faster than comparing rates
    let keys: Option<Vec<u128>> = rows
        .iter()
        .enumerate()
        .map(|(k, &[attended, possible, index])| {
            let rate = match Fraction::new(attended, possible) {
                Some(f) => f.rate_key()?,
                None => 1 << 41,
            };
            Some(
                u128::from(few(possible)) << 127
                    | u128::from(rate) << 64
                    | u128::from(index) << 32
                    | k as u128,
            )
        })
        .collect();
    let order: Vec<u32> = match keys {
        Some(mut keys) => {
            keys.sort_unstable();
            keys.into_iter().map(|k| k as u32).collect()
        }
        // a rate no key orders exactly (over a million sessions): compare the rates themselves
        None => {
            let mut order: Vec<u32> = (0..rows.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| {
                let ([aa, ap, ai], [ba, bp, bi]) = (rows[a as usize], rows[b as usize]);
                few(ap).cmp(&few(bp)).then_with(|| {
                    match (Fraction::new(aa, ap), Fraction::new(ba, bp)) {
                        (Some(x), Some(y)) => x.cmp_rate(y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    }
                    .then(ai.cmp(&bi))
                })
            });
            order
        }
    };
    let enough = order
        .iter()
        .take_while(|&&k| !few(rows[k as usize][1]))
        .count();
    (order, enough)
}

/// The items for which `keep` is true, worked out on the machine's cores, in order.
fn parallel_filter(items: &[usize], keep: impl Fn(usize) -> bool + Sync) -> Vec<usize> {
    crate::parallel::map_ranges(items.len(), 2048, |r| {
        items[r]
            .iter()
            .copied()
            .filter(|&i| keep(i))
            .collect::<Vec<usize>>()
    })
    .concat()
}

#[cfg(test)]
mod tests {
    use super::{list_order, parallel_filter};
    use proptest::prelude::*;

    proptest! {
        /// The list's order, whether sorted by keys or (with a pupil of over a million sessions)
        /// by comparing rates: lowest attendance first (compared exactly), no possible sessions
        /// after every rate, ties in register order, rows with few sessions after the rest.
        #[test]
        fn rows_are_listed_lowest_attendance_first_with_few_session_rows_last(
            rows in proptest::collection::vec((0u32..400, 0u32..400, any::<bool>()), 0..300),
            min_sessions in 0u32..60,
            huge in any::<bool>(),
        ) {
            let mut facts: Vec<[u32; 3]> = rows
                .iter()
                .enumerate()
                .map(|(k, &(a, p, _))| [a.min(p), p, (k as u32 * 7919) % 1000])
                .collect();
            facts.sort_by_key(|f| f[2]);
            facts.dedup_by_key(|f| f[2]);
            if huge && !facts.is_empty() {
                facts[0] = [3 << 20, 4 << 20, facts[0][2]];
            }
            let (order, enough) = list_order(&facts, min_sessions);
            // what is wanted, spelt out: a stable sort by (few sessions, rate, index)
            let mut want: Vec<u32> = (0..facts.len() as u32).collect();
            want.sort_by(|&x, &y| {
                let (a, b) = (facts[x as usize], facts[y as usize]);
                let few = |f: [u32; 3]| f[1] < min_sessions;
                let rate = |f: [u32; 3], g: [u32; 3]| match (f[1], g[1]) {
                    (0, 0) => std::cmp::Ordering::Equal,
                    (0, _) => std::cmp::Ordering::Greater,
                    (_, 0) => std::cmp::Ordering::Less,
                    _ => (u128::from(f[0]) * u128::from(g[1])).cmp(&(u128::from(g[0]) * u128::from(f[1]))),
                };
                few(a).cmp(&few(b)).then(rate(a, b)).then(a[2].cmp(&b[2]))
            });
            prop_assert_eq!(&order, &want);
            prop_assert_eq!(enough, facts.iter().filter(|f| f[1] >= min_sessions).count());
        }
    }

    #[test]
    fn parallel_filter_keeps_the_items_in_order_across_threads() {
        for n in [0, 1, 2047, 2048, 4097, 20_001] {
            let items: Vec<usize> = (0..n).map(|k| k * 2).collect();
            let got = parallel_filter(&items, |i| i % 3 != 0);
            let want: Vec<usize> = items.iter().copied().filter(|i| i % 3 != 0).collect();
            assert_eq!(got, want, "{n} items");
        }
    }

    #[test]
    fn a_row_being_made_takes_no_more_room_than_the_row_so_the_list_is_not_held_twice() {
        // `parallel::map_into_place` makes the rows in `Option` slots and takes the list over
        // in place: only when a slot is the size of a row (a niche in the row)
        use std::mem::size_of;
        assert_eq!(
            size_of::<Option<super::FlagRow>>(),
            size_of::<super::FlagRow>()
        );
    }
}
