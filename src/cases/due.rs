//! What needs doing: reviews due and overdue, cases that need a plan, flagged pupils with no case,
//! `N` marks left unresolved, and cases gone quiet.

use super::plan::open_plan;
use super::{Case, Stage};
use crate::attendance::{Band, Frame, PeriodSpec, SchoolCalendar};
use crate::codes::Code;
use crate::config::Config;
use crate::flag::{FlagQuery, flag};
use crate::register::Register;
use crate::upn::PupilId;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An `N` mark (reason not yet established) should be resolved within this many school days.
pub const N_MARK_SCHOOL_DAYS: usize = 5;
/// A case with no timeline entry for this many days is listed.
pub const QUIET_DAYS: i64 = 28;

/// The kinds of thing to do, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A plan's review date has passed with no review recorded.
    ReviewOverdue,
    /// A plan's review falls within the window.
    ReviewDue,
    /// A case at support or above has no plan in place.
    NoPlan,
    /// `N` marks older than 5 school days.
    UnresolvedN,
    /// An open case with nothing on its timeline for 4 weeks.
    NoRecentContact,
    /// A pupil in persistent or severe absence with no case.
    NoCase,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::ReviewOverdue => "review_overdue",
            DueKind::ReviewDue => "review_due",
            DueKind::NoPlan => "no_plan",
            DueKind::UnresolvedN => "unresolved_n",
            DueKind::NoRecentContact => "no_recent_contact",
            DueKind::NoCase => "no_case",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DueKind::ReviewOverdue => "review overdue",
            DueKind::ReviewDue => "review due",
            DueKind::NoPlan => "no plan in place",
            DueKind::UnresolvedN => "N marks unresolved",
            DueKind::NoRecentContact => "no contact for 4 weeks",
            DueKind::NoCase => "flagged, no case",
        }
    }
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub kind: DueKind,
    pub id: PupilId,
    /// "Surname, Forename".
    pub name: String,
    /// The case's stage, when there is a case.
    pub stage: Option<Stage>,
    /// The date it is about: the review date, the earliest N mark, the last entry.
    pub date: Option<NaiveDate>,
    pub detail: String,
}

/// Everything due on `today`, reviews looked ahead `within` days.
pub fn due(
    cases: &[Case],
    reg: &Register,
    config: &Config,
    today: NaiveDate,
    within: u32,
) -> Vec<DueItem> {
    let mut out = Vec::new();
    let horizon = today + Duration::days(within as i64);
    let with_case: BTreeSet<&PupilId> = cases.iter().map(|c| &c.pupil.id).collect();
    for c in cases.iter().filter(|c| c.stage.is_open()) {
        let item = |kind, date, detail: String| DueItem {
            kind,
            id: c.pupil.id.clone(),
            name: c.pupil.display_name(),
            stage: Some(c.stage),
            date,
            detail,
        };
        match open_plan(c) {
            Some(p) if p.review_date < today => {
                let days = (today - p.review_date).num_days();
                out.push(item(
                    DueKind::ReviewOverdue,
                    Some(p.review_date),
                    format!(
                        "plan {} ({}), {days} day{} overdue",
                        p.number,
                        p.aim.describe(),
                        if days == 1 { "" } else { "s" }
                    ),
                ));
            }
            Some(p) if p.review_date <= horizon => {
                let when = if p.review_date == today {
                    "today".to_string()
                } else {
                    format!("in {} days", (p.review_date - today).num_days())
                };
                out.push(item(
                    DueKind::ReviewDue,
                    Some(p.review_date),
                    format!("plan {} ({}), {when}", p.number, p.aim.describe()),
                ));
            }
            Some(_) => {}
            None if c.stage >= Stage::Support => {
                let last = c
                    .plans
                    .last()
                    .and_then(|p| p.review.as_ref().map(|r| (p.number, r.meeting.date)));
                let detail = match last {
                    Some((n, d)) => format!(
                        "stage {}: plan {n} was reviewed on {d} and no plan followed; the guidance keeps a plan in place",
                        c.stage
                    ),
                    None => format!(
                        "stage {}: no action plan yet (attend plan new {})",
                        c.stage, c.pupil.id
                    ),
                };
                out.push(item(DueKind::NoPlan, None, detail));
            }
            None => {}
        }
        let last = c.timeline.iter().map(|e| e.date).max().unwrap_or(c.opened);
        if (today - last).num_days() >= QUIET_DAYS {
            out.push(item(
                DueKind::NoRecentContact,
                Some(last),
                format!(
                    "nothing on the timeline for {} weeks",
                    (today - last).num_days() / 7
                ),
            ));
        }
    }
    let stage_of: BTreeMap<&PupilId, Stage> =
        cases.iter().map(|c| (&c.pupil.id, c.stage)).collect();
    if reg.is_empty() {
        sort(&mut out);
        return out;
    }
    let cal = SchoolCalendar::on(&reg.grid, today);
    // N marks older than 5 school days, up to today or the latest imported session
    let days: Vec<NaiveDate> = cal
        .school_days(&reg.grid)
        .into_iter()
        .filter(|d| *d <= today)
        .collect();
    if days.len() > N_MARK_SCHOOL_DAYS {
        let cutoff = days[days.len() - 1 - N_MARK_SCHOOL_DAYS];
        let end = reg.grid.slot_after(cutoff);
        let n = Code::N.as_u8();
        for (i, p) in reg.pupils.iter().enumerate() {
            let row = &reg.grid.row(i)[..end];
            let marks: Vec<usize> = (0..row.len()).filter(|&j| row[j] == n).collect();
            if let Some(&first) = marks.first() {
                out.push(DueItem {
                    kind: DueKind::UnresolvedN,
                    id: p.id.clone(),
                    name: p.display_name(),
                    stage: stage_of.get(&p.id).copied(),
                    date: Some(reg.grid.session(first).date),
                    detail: format!(
                        "{} N mark{} (reason not yet established) older than {N_MARK_SCHOOL_DAYS} school days, the first on {}",
                        marks.len(),
                        if marks.len() == 1 { "" } else { "s" },
                        reg.grid.session(first)
                    ),
                });
            }
        }
    }
    // pupils in persistent or severe absence this year with no case
    if let Ok(period) = cal.resolve(
        &reg.grid,
        &PeriodSpec {
            to: Some(today),
            ..Default::default()
        },
    ) {
        let frame = Frame::new(&reg.grid, &cal, period);
        let q = FlagQuery {
            threshold_hundredths: config.thresholds.persistent * 100,
            ..Default::default()
        };
        for row in flag(reg, &frame, &q, &config.thresholds).rows {
            let p = &reg.pupils[row.index];
            if with_case.contains(&p.id) || !matches!(row.band, Band::Persistent | Band::Severe) {
                continue;
            }
            let c = &row.analysis.counts;
            out.push(DueItem {
                kind: DueKind::NoCase,
                id: p.id.clone(),
                name: p.display_name(),
                stage: None,
                date: None,
                detail: format!(
                    "{}: {}% ({} of {} possible sessions, {})",
                    row.band.label(),
                    c.attendance().map(|f| f.pct()).unwrap_or_default(),
                    c.attended(),
                    c.possible,
                    frame.period.label
                ),
            });
        }
    }
    sort(&mut out);
    out
}

fn sort(out: &mut [DueItem]) {
    // stable: within a kind and date, cases in id order and flagged pupils lowest attendance first
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.date.cmp(&b.date)));
}
