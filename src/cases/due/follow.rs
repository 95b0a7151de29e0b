//! The follow-through of cases: reviews, plans, Notices to Improve and the decisions after them,
//! weekly check-ins during a plan, cases gone quiet.

use super::{DueItem, DueKind, QUIET_DAYS};
use crate::attendance::{Fraction, PeriodSpec, SchoolCalendar, snapshot};
use crate::cases::model::{EventKind, NoticeToImprove};
use crate::cases::plan::open_plan;
use crate::cases::{Case, Stage};
use crate::config::Config;
use crate::dates::{monday_of, uk_date};
use crate::register::{Register, WEEK_SLOTS};
use crate::text::{join_and, plural};
use chrono::{Duration, NaiveDate};

/// The timeline entries that are a check-in with the pupil or the family: a meeting, a call, a
/// visit, an email or a letter (and the plan's and reviews' meetings). A note is not.
pub const CHECK_IN_KINDS: [EventKind; 7] = [
    EventKind::Meeting,
    EventKind::Call,
    EventKind::Visit,
    EventKind::Email,
    EventKind::Letter,
    EventKind::Plan,
    EventKind::Review,
];

pub(super) fn from_cases(
    cases: &[Case],
    reg: &Register,
    config: &Config,
    today: NaiveDate,
    within: u32,
) -> Vec<DueItem> {
    let mut out = Vec::new();
    let horizon = today + Duration::days(within as i64);
    let cal = (!reg.is_empty()).then(|| SchoolCalendar::on(&reg.grid, today));
    for c in cases.iter().filter(|c| c.stage.is_open()) {
        let item = |kind, date, detail: String| {
            let mut i = DueItem::new(kind, &c.pupil.id, c.pupil.display_name(), detail);
            i.stage = Some(c.stage);
            i.date = date;
            i
        };
        match open_plan(c) {
            Some(p) if p.review_date < today => {
                let days = (today - p.review_date).num_days();
                out.push(item(
                    DueKind::ReviewOverdue,
                    Some(p.review_date),
                    format!(
                        "plan {} ({}), {} overdue",
                        p.number,
                        p.aim.describe(),
                        plural(days, "day")
                    ),
                ));
            }
            Some(p) if p.review_date <= horizon => {
                let when = if p.review_date == today {
                    "today".to_string()
                } else {
                    format!("in {}", plural((p.review_date - today).num_days(), "day"))
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
                let (date, detail) = match last {
                    Some((n, d)) => (
                        Some(d),
                        format!(
                            "stage {}: plan {n} was reviewed on {d} and no plan followed; the guidance keeps a plan in place",
                            c.stage
                        ),
                    ),
                    None => (
                        None,
                        format!(
                            "stage {}: no action plan yet (attend plan new {})",
                            c.stage, c.pupil.id
                        ),
                    ),
                };
                out.push(item(DueKind::NoPlan, date, detail));
            }
            None => {}
        }
        if let Some(p) = open_plan(c)
            && let Some(missed) =
                missed_check_ins(c, p.number, p.meeting.date, cal.as_ref(), reg, today)
        {
            out.push(missed);
        }
        for n in c.notices_to_improve.iter().filter(|n| n.decision.is_none()) {
            let issued_since = c.penalty_notices.iter().any(|pn| pn.issued >= n.date);
            if issued_since {
                continue;
            }
            let figures = notice_figures(c, n, reg, config, today);
            if n.to < today {
                let mut i = item(
                    DueKind::PenaltyDecision,
                    Some(n.to),
                    format!(
                        "the Notice to Improve of {} ended its improvement period on {}: {figures}; decide on a penalty notice (attend penalty record {id} ..., or attend penalty no-notice {id} --reason \"...\")",
                        uk_date(n.date),
                        uk_date(n.to),
                        id = c.pupil.id
                    ),
                );
                i.from = Some(n.from);
                i.to = Some(n.to);
                out.push(i);
            } else if n.to <= horizon {
                let mut i = item(
                    DueKind::NoticePeriodEnds,
                    Some(n.to),
                    format!(
                        "the Notice to Improve of {} ends its improvement period {}: so far {figures}",
                        uk_date(n.date),
                        if n.to == today {
                            "today".to_string()
                        } else {
                            format!("in {}", plural((n.to - today).num_days(), "day"))
                        }
                    ),
                );
                i.from = Some(n.from);
                i.to = Some(n.to);
                out.push(i);
            }
        }
        let last = c.timeline.iter().map(|e| e.date).max().unwrap_or(c.opened);
        if (today - last).num_days() >= QUIET_DAYS {
            out.push(item(
                DueKind::NoRecentContact,
                Some(last + Duration::days(QUIET_DAYS)),
                format!(
                    "nothing on the timeline since {} ({} weeks)",
                    uk_date(last),
                    (today - last).num_days() / 7
                ),
            ));
        }
    }
    out
}

/// The figures over a Notice to Improve's improvement period (to today at most), against what
/// it asked: no unauthorised absence, and its target if it set one.
fn notice_figures(
    c: &Case,
    n: &NoticeToImprove,
    reg: &Register,
    config: &Config,
    today: NaiveDate,
) -> String {
    let asked = match n.target {
        Some(t) => format!("no unauthorised absence and {t}% attendance"),
        None => "no unauthorised absence".to_string(),
    };
    let Some(i) = reg.index_of(&c.pupil.id) else {
        return format!("it asked for {asked}; the pupil is not in the register");
    };
    if n.from > today {
        return format!("it asks for {asked}; the period has not started");
    }
    let spec = PeriodSpec {
        from: Some(n.from),
        to: Some(n.to.min(today)),
        ..Default::default()
    };
    let Ok(s) = snapshot(reg, i, &spec, None, &config.thresholds) else {
        return format!("it asked for {asked}; the register holds no sessions of the period yet");
    };
    let unauth_ok = s.unauthorised == 0;
    let target_ok = match (n.target, s.attendance()) {
        (Some(t), Some(a)) => a.cmp_rate(t.fraction()) != std::cmp::Ordering::Less,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let verdict = if unauth_ok && target_ok {
        "what it asked is met"
    } else {
        "what it asked is not met"
    };
    format!(
        "{} unauthorised {} and attendance {} over {} to {}, against {asked}: {verdict}",
        s.unauthorised,
        if s.unauthorised == 1 {
            "session"
        } else {
            "sessions"
        },
        s.attendance()
            .map(|a| format!(
                "{}% ({} of {} possible sessions)",
                Fraction::pct(a),
                a.num,
                a.den
            ))
            .unwrap_or_else(|| "not known (no possible sessions)".into()),
        uk_date(s.from),
        uk_date(s.to)
    )
}

/// The school weeks of an open plan (after the meeting's week, up to last week) with no
/// check-in on the timeline. A week counts when the school held sessions in it, or when the
/// register does not reach it yet.
fn missed_check_ins(
    c: &Case,
    plan: u32,
    meeting: NaiveDate,
    cal: Option<&SchoolCalendar>,
    reg: &Register,
    today: NaiveDate,
) -> Option<DueItem> {
    let last_week = monday_of(today) - Duration::days(7);
    let mut week = monday_of(meeting) + Duration::days(7);
    let mut missed = Vec::new();
    while week <= last_week {
        let held = match (cal, reg.grid.week_index(week)) {
            (Some(cal), Some(w)) => (0..WEEK_SLOTS).any(|k| cal.held[w * WEEK_SLOTS + k]),
            // past the register's last week: not imported yet, taken as a school week
            (Some(cal), None) => cal.last_date.is_none_or(|l| week > l),
            (None, _) => true,
        };
        let end = week + Duration::days(6);
        let contact = c
            .timeline
            .iter()
            .any(|e| e.date >= week && e.date <= end && CHECK_IN_KINDS.contains(&e.kind));
        if held && !contact {
            missed.push(week);
        }
        week += Duration::days(7);
    }
    let first = *missed.first()?;
    let weeks: Vec<String> = missed.iter().map(|w| uk_date(*w)).collect();
    let mut i = DueItem::new(
        DueKind::MissedCheckIn,
        &c.pupil.id,
        c.pupil.display_name(),
        format!(
            "no check-in in {} of plan {plan} (w/c {}): a weekly meeting with the pupil and a weekly update home (attend case log --kind meeting, call, visit or email)",
            plural(missed.len(), "school week"),
            join_and(&weeks),
        ),
    );
    i.stage = Some(c.stage);
    i.date = Some(first + Duration::days(4));
    i.from = Some(first);
    i.to = Some(*missed.last().expect("not empty") + Duration::days(4));
    Some(i)
}
