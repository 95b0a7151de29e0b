//! Sealed records and amendments: what attend records as evidence stays as it was recorded.
//!
//! Each part of a case that is evidence carries a [`Seal`] beside it: the opening attendance
//! figures (`opening_attendance_seal`), each plan as recorded at its meeting (everything but the
//! copies sent later and its review), each review, each timeline entry (with the document it
//! filed) and each amendment. The seal is the date it was sealed and the SHA-256 of that date and
//! the part's canonical JSON (the part's fields in the file's order, without the seal), so two
//! officers adding parts on two git branches touch different lines and merge cleanly.
//!
//! A part is sealed when attend first saves it. A case file written before seals existed loads as
//! before: its parts are sealed the next time attend saves the case, dated that day.
//!
//! A correction is an [`Amendment`]: the sealed part keeps what was recorded, and
//! [`amended`] gives the case as corrected, which documents and `case show` present.

use super::model::*;
use super::problem::{FieldPath, Problem};
use super::validate::validate_case;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// A part of a case that is sealed (numbers count from 1, as people count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    OpeningAttendance,
    Plan(u32),
    Review(u32),
    Timeline(usize),
    Amendment(usize),
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::OpeningAttendance => write!(f, "opening_attendance"),
            Part::Plan(n) => write!(f, "plans.{n}"),
            Part::Review(n) => write!(f, "plans.{n}.review"),
            Part::Timeline(n) => write!(f, "timeline.{n}"),
            Part::Amendment(n) => write!(f, "amendments.{n}"),
        }
    }
}

impl Part {
    /// `opening_attendance`, `plans.2`, `plans.2.review`, `timeline.5`, `amendments.1`.
    pub fn parse(text: &str) -> Result<Part, String> {
        let t = text.trim();
        let num = |s: &str| s.parse::<usize>().ok().filter(|&n| n > 0);
        let parts: Vec<&str> = t.split('.').collect();
        let part = match parts.as_slice() {
            ["opening_attendance"] => Some(Part::OpeningAttendance),
            ["plans", n] => num(n).map(|n| Part::Plan(n as u32)),
            ["plans", n, "review"] => num(n).map(|n| Part::Review(n as u32)),
            ["timeline", n] => num(n).map(Part::Timeline),
            ["amendments", n] => num(n).map(Part::Amendment),
            _ => None,
        };
        part.ok_or_else(|| {
            format!(
                "{t:?} is not a part of a case: give opening_attendance, plans.N (the plan as \
                 recorded), plans.N.review or timeline.N (N counts from 1, as `attend case show` lists them)"
            )
        })
    }

    /// Where the part is in the file, for error messages with a line.
    pub fn path(&self) -> FieldPath {
        let root = FieldPath::root();
        match *self {
            Part::OpeningAttendance => root.key("opening_attendance"),
            Part::Plan(n) => root.key("plans").index(n as usize - 1),
            Part::Review(n) => root.key("plans").index(n as usize - 1).key("review"),
            Part::Timeline(n) => root.key("timeline").index(n - 1),
            Part::Amendment(n) => root.key("amendments").index(n - 1),
        }
    }

    /// The part in words: "the opening attendance figures", "timeline entry 3 (a call, 2025-01-13)".
    pub fn describe(&self, case: &Case) -> String {
        match *self {
            Part::OpeningAttendance => "the attendance figures frozen when the case was opened \
                                        (opening_attendance)"
                .to_string(),
            Part::Plan(n) => match case.plan(n) {
                Some(p) => format!(
                    "plan {n}, from the meeting of {} (plans.{n})",
                    p.meeting.date
                ),
                None => format!("plan {n}"),
            },
            Part::Review(n) => format!("the review of plan {n} (plans.{n}.review)"),
            Part::Timeline(n) => match case.timeline.get(n - 1) {
                Some(e) => format!(
                    "timeline entry {n} ({}, {}) (timeline.{n})",
                    e.kind.as_str(),
                    e.date
                ),
                None => format!("timeline entry {n}"),
            },
            Part::Amendment(n) => format!("amendment {n} (amendments.{n})"),
        }
    }
}

/// Every sealable part the case holds, in file order.
pub fn parts(case: &Case) -> Vec<Part> {
    let mut out = Vec::new();
    if case.opening_attendance.is_some() {
        out.push(Part::OpeningAttendance);
    }
    for p in &case.plans {
        out.push(Part::Plan(p.number));
        if p.review.is_some() {
            out.push(Part::Review(p.number));
        }
    }
    out.extend((1..=case.amendments.len()).map(Part::Amendment));
    out.extend((1..=case.timeline.len()).map(Part::Timeline));
    out
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("case parts serialise to JSON")
}

/// The canonical JSON of a part, without its seal; `None` when the case has no such part.
fn content(case: &Case, part: Part) -> Option<String> {
    Some(match part {
        Part::OpeningAttendance => json(case.opening_attendance.as_ref()?),
        Part::Plan(n) => {
            let mut p = case.plan(n)?.clone();
            p.seal = None;
            p.review = None;
            p.copies.clear();
            json(&p)
        }
        Part::Review(n) => {
            let mut r = case.plan(n)?.review.clone()?;
            r.seal = None;
            json(&r)
        }
        Part::Timeline(n) => {
            let mut e = case.timeline.get(n.checked_sub(1)?)?.clone();
            e.seal = None;
            json(&e)
        }
        Part::Amendment(n) => {
            let mut a = case.amendments.get(n.checked_sub(1)?)?.clone();
            a.seal = None;
            json(&a)
        }
    })
}

/// The seal a part carries.
pub fn seal_of(case: &Case, part: Part) -> Option<&Seal> {
    match part {
        Part::OpeningAttendance => case.opening_attendance_seal.as_ref(),
        Part::Plan(n) => case.plan(n)?.seal.as_ref(),
        Part::Review(n) => case.plan(n)?.review.as_ref()?.seal.as_ref(),
        Part::Timeline(n) => case.timeline.get(n.checked_sub(1)?)?.seal.as_ref(),
        Part::Amendment(n) => case.amendments.get(n.checked_sub(1)?)?.seal.as_ref(),
    }
}

fn seal_slot(case: &mut Case, part: Part) -> Option<&mut Option<Seal>> {
    match part {
        Part::OpeningAttendance => Some(&mut case.opening_attendance_seal),
        Part::Plan(n) => Some(&mut case.plans.get_mut((n as usize).checked_sub(1)?)?.seal),
        Part::Review(n) => Some(
            &mut case
                .plans
                .get_mut((n as usize).checked_sub(1)?)?
                .review
                .as_mut()?
                .seal,
        ),
        Part::Timeline(n) => Some(&mut case.timeline.get_mut(n.checked_sub(1)?)?.seal),
        Part::Amendment(n) => Some(&mut case.amendments.get_mut(n.checked_sub(1)?)?.seal),
    }
}

fn digest(date: NaiveDate, content: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(format!("{}\n{content}", date.format("%Y-%m-%d")).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a part's seal says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Recorded before seals existed (or by hand, not yet saved by attend): sealed at the next save.
    Unsealed,
    /// As it was sealed.
    Intact(Seal),
    /// Changed since it was sealed.
    Broken(Seal),
}

pub fn status(case: &Case, part: Part) -> Status {
    let Some(content) = content(case, part) else {
        return Status::Unsealed;
    };
    match seal_of(case, part) {
        None => Status::Unsealed,
        Some(s) if digest(s.date, &content) == s.sha256 => Status::Intact(s.clone()),
        Some(s) => Status::Broken(s.clone()),
    }
}

/// A sealed part that was changed since it was sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub part: Part,
    /// The part in words.
    pub what: String,
    pub sealed: NaiveDate,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} was changed after it was sealed on {}",
            self.what, self.sealed
        )
    }
}

/// The parts changed since they were sealed (by hand, outside attend).
pub fn broken(case: &Case) -> Vec<Broken> {
    parts(case)
        .into_iter()
        .filter_map(|part| match status(case, part) {
            Status::Broken(s) => Some(Broken {
                part,
                what: part.describe(case),
                sealed: s.date,
            }),
            _ => None,
        })
        .collect()
}

/// What to do about parts changed by hand, for a message (`id` is the case's folder name).
pub fn broken_advice(id: &str, broken: &[Broken]) -> String {
    let mut s = String::new();
    for b in broken {
        s.push_str(&format!("  - {b}\n"));
    }
    s.push_str(&format!(
        "  What is recorded as evidence cannot be changed by hand. Put it back as it was (git shows \
         the earlier version: git diff cases/{id}/case.yaml), then record the correction with\n    \
         attend case amend {id} --part PART --field FIELD --value VALUE --reason \"...\"\n  \
         or, if you know the value the field had, give it with --original and attend checks it \
         against the seal and records the correction in one step."
    ));
    s
}

/// The parts not sealed yet.
pub fn unsealed(case: &Case) -> Vec<Part> {
    parts(case)
        .into_iter()
        .filter(|&p| status(case, p) == Status::Unsealed)
        .collect()
}

/// Seal every part not sealed yet, dated `today`; returns how many were sealed. Parts already
/// sealed (intact or not) keep their seal: a broken seal stays broken until the part is restored.
pub fn seal_new(case: &mut Case, today: NaiveDate) -> usize {
    let todo = unsealed(case);
    for &part in &todo {
        let c = content(case, part).expect("the part exists");
        if let Some(slot) = seal_slot(case, part) {
            *slot = Some(Seal {
                date: today,
                sha256: digest(today, &c),
            });
        }
    }
    todo.len()
}

/// Why a hand edit is refused: the part and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRefused {
    pub path: FieldPath,
    pub message: String,
}

/// Check a hand edit (`attend case edit`) against the case it replaces: every sealed part must be
/// there, with its seal, and unchanged (or put back as it was sealed).
pub fn check_edit(before: &Case, after: &Case) -> Result<(), EditRefused> {
    let id = before.pupil.id.as_str();
    for part in parts(before) {
        let Some(seal) = seal_of(before, part) else {
            continue;
        };
        let what = part.describe(before);
        let refused = EditRefused {
            path: part.path(),
            message: format!(
                "{what} was sealed on {} and cannot be changed or removed{}: put it back as it was. \
                 To correct it, record an amendment (the original stays, with your correction and \
                 its reason):\n  \
                 attend case amend {id} --part {part} --field FIELD --value VALUE --reason \"...\"",
                seal.date,
                if matches!(part, Part::Timeline(_) | Part::Amendment(_)) {
                    " (new entries go at the end of the list)"
                } else {
                    ""
                }
            ),
        };
        let unchanged = content(after, part).is_some()
            && seal_of(after, part) == Some(seal)
            && (content(after, part) == content(before, part)
                || matches!(status(after, part), Status::Intact(_)));
        if !unchanged {
            return Err(refused);
        }
    }
    Ok(())
}

// ----- amendments -----

/// The value at a dotted path inside a JSON value (list items counted from 1).
fn slot<'a>(v: &'a mut Value, field: &str) -> Result<&'a mut Value, String> {
    let mut at = v;
    let segs: Vec<&str> = field.split('.').collect();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        at = match at {
            Value::Object(m) => {
                if !m.contains_key(*seg) && !last {
                    return Err(format!("there is no {seg:?} in it"));
                }
                m.entry(seg.to_string()).or_insert(Value::Null)
            }
            Value::Array(a) => {
                let n: usize = seg
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("{seg:?} should be an item's number (from 1)"))?;
                let len = a.len();
                a.get_mut(n - 1)
                    .ok_or_else(|| format!("there are only {len} items, not {n}"))?
            }
            _ => return Err(format!("{seg:?} is inside a value that has no fields")),
        };
    }
    Ok(at)
}

/// A field's value as text (`""` when it is not there).
fn text_of(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return Err("it holds more than one value: give a field inside it".into()),
    })
}

/// Text given for a field, as a value of the field's kind.
fn value_like(existing: &Value, text: &str) -> Value {
    let t = text.trim();
    let number = || {
        t.parse::<u64>()
            .map(Value::from)
            .or_else(|_| t.parse::<i64>().map(Value::from))
            .ok()
    };
    match existing {
        Value::String(_) => Value::String(text.to_string()),
        Value::Bool(_) | Value::Number(_) | Value::Null => match t {
            "true" | "yes" => Value::Bool(true),
            "false" | "no" => Value::Bool(false),
            "" => Value::Null,
            _ => number().unwrap_or_else(|| Value::String(text.to_string())),
        },
        _ => Value::String(text.to_string()),
    }
}

/// Set `field` of `part` to `text`; returns the value it had.
fn set_field(case: &mut Case, part: Part, field: &str, text: &str) -> Result<String, String> {
    fn edit<T: Serialize + serde::de::DeserializeOwned>(
        item: &mut T,
        field: &str,
        text: &str,
    ) -> Result<String, String> {
        let mut v = serde_json::to_value(&*item).map_err(|e| e.to_string())?;
        let top = field.split('.').next().unwrap_or("");
        if matches!(top, "seal" | "review" | "copies") {
            return Err(format!(
                "{top} is not part of what this part recorded: amend its own part"
            ));
        }
        let at = slot(&mut v, field)?;
        let original = text_of(at)?;
        *at = value_like(at, text);
        if at.is_null()
            && let Value::Object(m) = &mut v
        {
            // an emptied field: leave it out, as attend writes it
            m.retain(|_, x| !x.is_null());
        }
        *item =
            serde_json::from_value(v).map_err(|e| format!("{text:?} does not fit there: {e}"))?;
        Ok(original)
    }
    let missing = format!("the case has no {}", part.describe(case));
    match part {
        Part::OpeningAttendance => match case.opening_attendance.as_mut() {
            Some(s) => edit(s, field, text),
            None => Err(missing),
        },
        Part::Plan(n) => match case.plans.get_mut((n as usize).wrapping_sub(1)) {
            Some(p) => edit(p, field, text),
            None => Err(missing),
        },
        Part::Review(n) => match case
            .plans
            .get_mut((n as usize).wrapping_sub(1))
            .and_then(|p| p.review.as_mut())
        {
            Some(r) => edit(r, field, text),
            None => Err(missing),
        },
        Part::Timeline(n) => match case.timeline.get_mut(n.wrapping_sub(1)) {
            Some(e) => edit(e, field, text),
            None => Err(missing),
        },
        Part::Amendment(_) => Err(
            "an amendment is not corrected: record another amendment of the part it corrected"
                .into(),
        ),
    }
}

/// The case as corrected: every amendment applied, in the order recorded. This is what documents
/// and `case show` present; the file keeps what was recorded.
pub fn amended(case: &Case) -> Result<Case> {
    let mut out = case.clone();
    for (i, a) in case.amendments.iter().enumerate() {
        let part = Part::parse(&a.part).map_err(|m| anyhow!("amendment {}: {m}", i + 1))?;
        set_field(&mut out, part, &a.field, &a.new)
            .map_err(|m| anyhow!("amendment {} ({part}, {}): {m}", i + 1, a.field))?;
    }
    Ok(out)
}

/// Problems with the amendments of a case (each must name a part and a field it can correct).
pub fn amendment_problems(case: &Case) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut view = case.clone();
    for (i, a) in case.amendments.iter().enumerate() {
        let at = FieldPath::root().key("amendments").index(i);
        match Part::parse(&a.part) {
            Err(m) => out.push(Problem::new(at.key("part"), m)),
            Ok(part) => {
                if let Err(m) = set_field(&mut view, part, &a.field, &a.new) {
                    out.push(Problem::new(at.key("field"), m));
                }
            }
        }
        if a.reason.trim().is_empty() {
            out.push(Problem::new(
                at.key("reason"),
                "an amendment needs its reason",
            ));
        }
    }
    out
}

/// What the officer asks to correct.
#[derive(Debug, Clone)]
pub struct AmendRequest {
    pub part: Part,
    pub field: String,
    pub value: String,
    pub reason: String,
    pub by: String,
    pub date: NaiveDate,
    /// For a part changed by hand: the value the field had when sealed. attend puts it back,
    /// checks the part then matches its seal, and records the correction to `value`.
    pub original: Option<String>,
}

/// Record an amendment (and, with `original`, restore a part changed by hand). The amended case
/// must be valid; nothing is changed when it is refused.
pub fn amend(case: &mut Case, req: &AmendRequest) -> Result<Amendment> {
    let part = req.part;
    if matches!(part, Part::Amendment(_)) {
        bail!("an amendment is not corrected: record another amendment of the part it corrected");
    }
    if req.reason.trim().is_empty() {
        bail!("say why with --reason \"...\": the reason is part of the record");
    }
    if req.by.trim().is_empty() {
        bail!("say who is making the correction with --by \"Name\"");
    }
    if content(case, part).is_none() {
        bail!("the case has no {part}: {}", part.describe(case));
    }
    let field = req.field.trim().trim_matches('.');
    if field.is_empty() {
        bail!("say which field of {part} to correct with --field");
    }
    let mut work = case.clone();
    if let Status::Broken(seal) = status(&work, part) {
        let Some(orig) = &req.original else {
            bail!(
                "{} was changed by hand after it was sealed on {}:\n{}",
                part.describe(case),
                seal.date,
                broken_advice(case.pupil.id.as_str(), &[])
                    .trim_start_matches("  ")
                    .trim_end()
            );
        };
        set_field(&mut work, part, field, orig).map_err(|m| anyhow!("{part}.{field}: {m}"))?;
        if !matches!(status(&work, part), Status::Intact(_)) {
            bail!(
                "with {field} set back to {orig:?}, {} still does not match its seal of {}: \
                 something else was changed too, or it had another value. Put the part back as it \
                 was (git diff shows the earlier version), then amend it",
                part.describe(case),
                seal.date
            );
        }
    }
    let mut view = amended(&work)?;
    let original = set_field(&mut view, part, field, &req.value)
        .map_err(|m| anyhow!("{part}.{field}: {m}"))?;
    if original == req.value {
        bail!("{part}.{field} is already {original:?}: there is nothing to correct");
    }
    let problems = validate_case(&view);
    if let Some(p) = problems.first() {
        bail!(
            "with {part}.{field} set to {:?} the case would not be valid: {}{}{}",
            req.value,
            if p.path.is_root() {
                String::new()
            } else {
                format!("{}: ", p.path)
            },
            p.message,
            if problems.len() > 1 {
                format!(" (and {} more problems)", problems.len() - 1)
            } else {
                String::new()
            }
        );
    }
    let a = Amendment {
        date: req.date,
        by: req.by.trim().to_string(),
        part: part.to_string(),
        field: field.to_string(),
        original,
        new: req.value.clone(),
        reason: req.reason.trim().to_string(),
        seal: None,
    };
    work.amendments.push(a.clone());
    *case = work;
    Ok(a)
}

/// The amendments of one part, for showing beside it.
pub fn amendments_of(case: &Case, part: Part) -> Vec<&Amendment> {
    let name = part.to_string();
    case.amendments.iter().filter(|a| a.part == name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::tests_support::empty_case;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn event(text: &str) -> Event {
        Event {
            date: d(1, 7),
            kind: EventKind::Call,
            by: "A".into(),
            with: String::new(),
            text: text.into(),
            stage: None,
            plan: None,
            document: None,
            seal: None,
        }
    }

    #[test]
    fn a_changed_entry_breaks_its_seal_and_only_its_own() {
        let mut c = empty_case();
        c.timeline.push(event("Called mum"));
        c.timeline.push(event("Called dad"));
        assert_eq!(seal_new(&mut c, d(1, 8)), 2);
        assert!(broken(&c).is_empty());
        assert_eq!(seal_new(&mut c, d(1, 9)), 0, "sealed parts keep their seal");
        c.timeline[1].text = "Called dad twice".into();
        let b = broken(&c);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].part, Part::Timeline(2));
        assert_eq!(b[0].sealed, d(1, 8));
        // the seal's date is sealed too
        c.timeline[1].text = "Called dad".into();
        c.timeline[0].seal.as_mut().unwrap().date = d(1, 9);
        assert_eq!(broken(&c)[0].part, Part::Timeline(1));
    }

    #[test]
    fn an_amendment_keeps_the_original_and_corrects_the_view() {
        let mut c = empty_case();
        c.timeline.push(event("Called mum"));
        seal_new(&mut c, d(1, 8));
        let a = amend(
            &mut c,
            &AmendRequest {
                part: Part::Timeline(1),
                field: "text".into(),
                value: "Called dad".into(),
                reason: "Wrong parent recorded".into(),
                by: "B".into(),
                date: d(1, 9),
                original: None,
            },
        )
        .unwrap();
        assert_eq!(a.original, "Called mum");
        assert_eq!(c.timeline[0].text, "Called mum", "the record stays");
        assert!(broken(&c).is_empty());
        assert_eq!(amended(&c).unwrap().timeline[0].text, "Called dad");
        assert!(amendment_problems(&c).is_empty());
    }

    #[test]
    fn a_hand_change_is_restored_only_with_the_value_the_seal_holds() {
        let mut c = empty_case();
        c.timeline.push(event("Called mum"));
        seal_new(&mut c, d(1, 8));
        c.timeline[0].text = "Called dad".into();
        let mut req = AmendRequest {
            part: Part::Timeline(1),
            field: "text".into(),
            value: "Called dad".into(),
            reason: "Wrong parent".into(),
            by: "B".into(),
            date: d(1, 9),
            original: None,
        };
        assert!(amend(&mut c, &req).is_err());
        req.original = Some("Called gran".into());
        assert!(
            amend(&mut c, &req)
                .unwrap_err()
                .to_string()
                .contains("still does not match")
        );
        req.original = Some("Called mum".into());
        let a = amend(&mut c, &req).unwrap();
        assert_eq!(
            (a.original.as_str(), a.new.as_str()),
            ("Called mum", "Called dad")
        );
        assert!(broken(&c).is_empty());
    }

    #[test]
    fn parts_read_back_as_written() {
        for p in [
            Part::OpeningAttendance,
            Part::Plan(2),
            Part::Review(3),
            Part::Timeline(12),
            Part::Amendment(1),
        ] {
            assert_eq!(Part::parse(&p.to_string()), Ok(p));
        }
        assert!(Part::parse("timeline.0").is_err());
        assert!(Part::parse("people.1").is_err());
    }
}
