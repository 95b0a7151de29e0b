//! The penalty-notice ledger: the national framework for penalty notices (from 19 August 2024),
//! in one place. A notice is issued **to a parent, for a child**:
//!
//! * the first to a parent for a child is £160, reduced to £80 if paid within 21 days;
//! * a second to the same parent for the same child within three years of the first is £160,
//!   with no reduction;
//! * a third within three years may not be issued: the local authority considers other action,
//!   usually prosecution;
//! * the three years run back from the date a notice would be issued, counting notices issued on
//!   or after 19 August 2024; withdrawn notices do not count (paid, unpaid and prosecuted do);
//! * the unauthorised sessions that supported one notice to a parent cannot support another to
//!   the same parent; each parent liable may be given a notice for the same absence.
//!
//! A notice rests on the unauthorised sessions (G, N, O, U) of at most 10 school weeks, which
//! must meet the national threshold ([`crate::attendance::penalty`]), counting only sessions when
//! the child was of compulsory school age ([`super::law`]).

mod record;
#[cfg(test)]
mod tests;

pub use record::*;

use super::Case;
use super::model::*;
use crate::attendance::{PENALTY_NOTICE_SESSIONS, PENALTY_NOTICE_WEEKS, PenaltyScope};
use crate::cases::problem::{FieldPath, Problem};
use crate::dates::uk_date;
use crate::text::{join_and, plural};
use chrono::{Months, NaiveDate};

/// The national framework applies to notices issued from this date.
pub fn framework_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 8, 19).expect("19 August 2024")
}
/// A first notice, paid within 28 days.
pub const FIRST_AMOUNT: u32 = 160;
/// A first notice, paid within 21 days.
pub const FIRST_REDUCED: u32 = 80;
/// A second notice within three years of the first (no reduction).
pub const SECOND_AMOUNT: u32 = 160;
pub const REDUCED_DAYS: i64 = 21;
pub const PAY_DAYS: i64 = 28;
/// At most this many notices to a parent for a child within...
pub const LIMIT: usize = 2;
/// ...this many months (three years).
pub const LIMIT_MONTHS: u32 = 36;

/// Why a notice cannot be recorded or updated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PenaltyError {
    #[error("{0}")]
    Person(String),
    #[error(
        "the case of {0} is closed: reopen it first (attend case stage {0} enforce --reason \"...\")"
    )]
    Closed(String),
    #[error("{0}")]
    Dates(String),
    #[error("{0}")]
    NotOfAge(String),
    #[error("{0}")]
    Register(String),
    #[error(
        "{} to {} covers {weeks} school weeks: a penalty notice rests on the unauthorised sessions of at most {PENALTY_NOTICE_WEEKS} school weeks (the national threshold's window); give the dates of those weeks",
        uk_date(*from),
        uk_date(*to)
    )]
    TooManyWeeks {
        from: NaiveDate,
        to: NaiveDate,
        weeks: usize,
    },
    #[error(
        "the threshold is not met: {counted} unauthorised sessions (G, N, O, U) from {from} to {to} can support a notice to {parent}, and it takes {PENALTY_NOTICE_SESSIONS}{left_out}"
    )]
    ThresholdNotMet {
        parent: String,
        counted: u32,
        from: String,
        to: String,
        left_out: String,
    },
    #[error(
        "a third penalty notice to {parent} for this child within three years may not be issued (notices issued {first} and {second}, not withdrawn): the local authority considers other action, usually prosecution"
    )]
    Third {
        parent: String,
        first: NaiveDate,
        second: NaiveDate,
    },
    #[error("{0}")]
    Update(String),
}

/// What the next notice to a parent for this child would be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextNotice {
    First,
    /// A second within three years of the first, issued on this date.
    Second {
        first: NaiveDate,
    },
    /// Not allowed: two notices (issued on these dates) within three years.
    NotAllowed {
        issued: [NaiveDate; 2],
    },
}

impl NextNotice {
    pub fn order(&self) -> Option<NoticeOrder> {
        match self {
            NextNotice::First => Some(NoticeOrder::First),
            NextNotice::Second { .. } => Some(NoticeOrder::Second),
            NextNotice::NotAllowed { .. } => None,
        }
    }

    /// (amount within 28 days, reduced amount within 21 days).
    pub fn amounts(&self) -> Option<(u32, Option<u32>)> {
        self.order().map(amounts)
    }

    /// "£160, reduced to £80 if paid within 21 days"; "£160 (a second notice within three years
    /// of the first, issued 20/01/2025: no reduction)"; "none: a third notice within three years
    /// may not be issued (...)".
    pub fn describe(&self) -> String {
        match self {
            NextNotice::First => amount_text(NoticeOrder::First),
            NextNotice::Second { first } => format!(
                "{} (a second notice within three years of the first, issued {})",
                amount_text(NoticeOrder::Second),
                uk_date(*first)
            ),
            NextNotice::NotAllowed { issued } => format!(
                "none: a third notice within three years may not be issued (notices issued {} and {}); the local authority considers other action, usually prosecution",
                uk_date(issued[0]),
                uk_date(issued[1])
            ),
        }
    }
}

/// The amounts of a notice by its order: (within 28 days, within 21 days).
pub fn amounts(order: NoticeOrder) -> (u32, Option<u32>) {
    match order {
        NoticeOrder::First => (FIRST_AMOUNT, Some(FIRST_REDUCED)),
        NoticeOrder::Second => (SECOND_AMOUNT, None),
    }
}

/// "£160, reduced to £80 if paid within 21 days" / "£160, paid within 28 days, with no reduction".
pub fn amount_text(order: NoticeOrder) -> String {
    match amounts(order) {
        (a, Some(r)) => format!(
            "£{a} if paid within {PAY_DAYS} days, reduced to £{r} if paid within {REDUCED_DAYS} days"
        ),
        (a, None) => format!("£{a} if paid within {PAY_DAYS} days, with no reduction"),
    }
}

fn norm(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The same person (names compared without case or extra spaces)?
pub fn same_person(a: &str, b: &str) -> bool {
    norm(a) == norm(b)
}

/// The notices that count toward the limit for a notice to `parent` issued on `on`: to them for
/// this child, not withdrawn, issued on or after 19 August 2024 and within the three years
/// ending on `on`.
fn counted<'a>(case: &'a Case, parent: &str, on: NaiveDate) -> Vec<&'a PenaltyNotice> {
    let window_start = on
        .checked_sub_months(Months::new(LIMIT_MONTHS))
        .unwrap_or(NaiveDate::MIN);
    let mut v: Vec<&PenaltyNotice> = case
        .penalty_notices
        .iter()
        .filter(|n| same_person(&n.parent, parent) && !n.is_withdrawn())
        .filter(|n| n.issued >= framework_start() && n.issued > window_start && n.issued <= on)
        .collect();
    v.sort_by_key(|n| (n.issued, n.number));
    v
}

/// What a notice to `parent` issued on `on` would be.
pub fn next_notice(case: &Case, parent: &str, on: NaiveDate) -> NextNotice {
    let c = counted(case, parent, on);
    match c.as_slice() {
        [] => NextNotice::First,
        [one] => NextNotice::Second { first: one.issued },
        [.., a, b] => NextNotice::NotAllowed {
            issued: [a.issued, b.issued],
        },
    }
}

/// One parent's place in the ledger on a date.
#[derive(Debug, Clone)]
pub struct ParentLedger {
    pub parent: String,
    pub relationship: String,
    /// Every notice to them for this child, in the order recorded.
    pub notices: Vec<PenaltyNotice>,
    /// Those that count toward the limit now.
    pub counted: usize,
    pub next: NextNotice,
}

impl ParentLedger {
    /// "Karen Lee (mother): 1 notice in the last three years (no. 1 issued 20/01/2025, paid);
    /// a next notice would be £160 ..."
    pub fn describe(&self) -> String {
        let who = if self.relationship.trim().is_empty() {
            self.parent.clone()
        } else {
            format!("{} ({})", self.parent, self.relationship.trim())
        };
        let list = if self.notices.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                self.notices
                    .iter()
                    .map(|n| {
                        let mut t = format!("no. {} issued {}", n.number, uk_date(n.issued));
                        if let Some(u) = n.updates.last() {
                            t.push_str(&format!(", {} {}", u.status.as_str(), uk_date(u.date)));
                        }
                        t
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        let next = match &self.next {
            NextNotice::NotAllowed { .. } => {
                "no further notice may be issued within three years; the local authority considers other action, usually prosecution".to_string()
            }
            n => format!("a next notice would be {}", n.describe()),
        };
        format!(
            "{who}: {} in the last three years{list}; {next}",
            plural(self.counted, "notice"),
        )
    }
}

/// The ledger on `on`: every parent with parental responsibility or who has had a notice.
pub fn ledger(case: &Case, on: NaiveDate) -> Vec<ParentLedger> {
    let mut names: Vec<(String, String)> = case
        .people
        .iter()
        .filter(|p| p.parental_responsibility == Some(true))
        .map(|p| (p.name.trim().to_string(), p.relationship.clone()))
        .collect();
    for n in &case.penalty_notices {
        if !names.iter().any(|(x, _)| same_person(x, &n.parent)) {
            let rel = case
                .people
                .iter()
                .find(|p| same_person(&p.name, &n.parent))
                .map(|p| p.relationship.clone())
                .unwrap_or_default();
            names.push((n.parent.trim().to_string(), rel));
        }
    }
    names
        .into_iter()
        .map(|(parent, relationship)| ParentLedger {
            notices: case
                .penalty_notices
                .iter()
                .filter(|n| same_person(&n.parent, &parent))
                .cloned()
                .collect(),
            counted: counted(case, &parent, on).len(),
            next: next_notice(case, &parent, on),
            parent,
            relationship,
        })
        .collect()
}

/// The ledger in a few words, for lists: each parent who has had a notice, how many count now and
/// what a next would be ("Karen Lee 1, next £160 flat; David Lee 2, no more"). Empty when no
/// notice has been issued.
pub fn ledger_summary(case: &Case, on: NaiveDate) -> String {
    ledger(case, on)
        .iter()
        .filter(|p| !p.notices.is_empty())
        .map(|p| {
            let next = match p.next {
                NextNotice::First => format!("next £{FIRST_AMOUNT}/£{FIRST_REDUCED}"),
                NextNotice::Second { .. } => format!("next £{SECOND_AMOUNT} flat"),
                NextNotice::NotAllowed { .. } => "no more".to_string(),
            };
            format!("{} {}, {next}", p.parent, p.counted)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One notice in a line: "to Karen Lee, issued 20/01/2025, the first within three years (£160 if
/// paid within 28 days, reduced to £80 if paid within 21 days), resting on 12 unauthorised sessions
/// from 04/11/2024 to 17/01/2025; paid 05/02/2025".
pub fn describe_notice(n: &PenaltyNotice) -> String {
    let mut s = format!(
        "to {}, issued {}, the {} within three years ({}), resting on {} unauthorised sessions from {} to {}",
        n.parent.trim(),
        uk_date(n.issued),
        n.order.as_str(),
        amount_text(n.order),
        n.unauthorised,
        uk_date(n.sessions.from),
        uk_date(n.sessions.to)
    );
    if n.updates.is_empty() {
        s.push_str("; not yet paid");
    }
    for u in &n.updates {
        s.push_str(&format!("; {} {}", u.status.as_str(), uk_date(u.date)));
    }
    s
}

/// The date ranges issued (not withdrawn) notices for this child rest on: a later threshold check
/// starts from the sessions not already used.
pub fn used_sessions(case: &Case) -> Vec<(NaiveDate, NaiveDate)> {
    case.penalty_notices
        .iter()
        .filter(|n| !n.is_withdrawn())
        .map(|n| (n.sessions.from, n.sessions.to))
        .collect()
}

/// The penalty-notice scope of a pupil born `dob` with this case (if any): the sessions issued
/// notices rest on, and compulsory school age, do not count toward the threshold again.
pub fn scope(case: Option<&Case>, dob: Option<NaiveDate>) -> PenaltyScope {
    PenaltyScope::for_pupil(dob, case.map(used_sessions).unwrap_or_default())
}

/// A person of the case by number (1, 2... as `attend case show` lists them) or by name (in
/// full, or a part of it that only one person's name holds).
pub fn find_person<'a>(case: &'a Case, given: &str) -> Result<&'a Person, PenaltyError> {
    let list = || {
        if case.people.is_empty() {
            format!(
                "the case has no parents or carers yet: add them with attend case edit {}",
                case.pupil.id
            )
        } else {
            format!(
                "the case's people are: {}",
                case.people
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("{}. {}", i + 1, p.name.trim()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    let g = given.trim();
    if let Ok(n) = g.parse::<usize>() {
        return case
            .people
            .get(n.wrapping_sub(1))
            .ok_or_else(|| PenaltyError::Person(format!("there is no person {n}: {}", list())));
    }
    if let Some(p) = case.people.iter().find(|p| same_person(&p.name, g)) {
        return Ok(p);
    }
    let needle = norm(g);
    let matches: Vec<&Person> = case
        .people
        .iter()
        .filter(|p| !needle.is_empty() && norm(&p.name).contains(&needle))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(PenaltyError::Person(format!(
            "nobody in the case is called {g:?}: {}",
            list()
        ))),
        _ => Err(PenaltyError::Person(format!(
            "{g:?} matches {}: give the full name or the number ({})",
            join_and(&matches.iter().map(|p| p.name.trim()).collect::<Vec<_>>()),
            list()
        ))),
    }
}

/// The checks of one notice in a case file (entry `i` of `penalty_notices`).
pub(super) fn validate_notice(n: &PenaltyNotice, i: usize, at: &FieldPath) -> Vec<Problem> {
    let mut out = Vec::new();
    if n.number as usize != i + 1 {
        out.push(Problem::new(
            at.key("number"),
            format!(
                "penalty notices are numbered in order: this is notice {}, not {}",
                i + 1,
                n.number
            ),
        ));
    }
    if n.parent.trim().is_empty() {
        out.push(Problem::new(
            at.key("parent"),
            "the parent the notice was issued to cannot be empty",
        ));
    }
    if n.sessions.to < n.sessions.from {
        out.push(Problem::new(
            at.key("sessions").key("to"),
            format!(
                "the sessions end ({}) before they start ({})",
                n.sessions.to, n.sessions.from
            ),
        ));
    }
    if n.issued < n.sessions.to {
        out.push(Problem::new(
            at.key("issued"),
            format!(
                "the notice ({}) is dated before the last session it rests on ({})",
                n.issued, n.sessions.to
            ),
        ));
    }
    if (n.amount, n.reduced) != amounts(n.order) {
        let (a, r) = amounts(n.order);
        out.push(Problem::new(
            at.key("amount"),
            format!(
                "a {} notice is £{a}{}",
                n.order.as_str(),
                r.map(|r| format!(" (reduced: £{r})"))
                    .unwrap_or_else(|| " with no reduction".into())
            ),
        ));
    }
    let mut last = n.issued;
    for (k, u) in n.updates.iter().enumerate() {
        if u.date < last {
            out.push(Problem::new(
                at.key("updates").index(k).key("date"),
                format!(
                    "{} is before the notice or its previous update ({last})",
                    u.date
                ),
            ));
        }
        last = u.date;
    }
    out
}
