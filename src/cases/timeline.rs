//! Changing a case: events on its timeline, documents filed in it, its stage moving up or down,
//! closing and reopening, and what a hand edit may not change.

use super::Stage;
use super::model::*;
use super::store::sha256_hex;
use super::validate::check_document;
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use std::fs;
use std::path::Path;

/// Add an event to the end of the timeline, checking it can be recorded.
pub fn log_event(case: &mut Case, event: Event, today: NaiveDate) -> Result<()> {
    if event.text.trim().is_empty() {
        bail!("say what happened: the text of a timeline entry cannot be empty");
    }
    if event.date > today {
        bail!(
            "{} is after today ({}): the timeline records what has happened",
            event.date,
            today
        );
    }
    if let Some(d) = &event.document {
        check_document(d).map_err(|m| anyhow!("document: {m}"))?;
    }
    case.timeline.push(event);
    Ok(())
}

/// A document for a timeline entry: `file` must be inside the case folder (given relative to it,
/// or as a path that leads into it); its SHA-256 is computed now.
pub fn document_for(case_dir: &Path, file: &Path) -> Result<Document> {
    let candidate = if file.is_absolute() {
        file.to_path_buf()
    } else {
        case_dir.join(file)
    };
    let candidate = if candidate.exists() || file.is_absolute() {
        candidate
    } else {
        std::env::current_dir()?.join(file)
    };
    let full = candidate
        .canonicalize()
        .with_context(|| format!("cannot find the document {}", file.display()))?;
    let base = case_dir
        .canonicalize()
        .with_context(|| format!("cannot find the case folder {}", case_dir.display()))?;
    let rel = full.strip_prefix(&base).map_err(|_| {
        anyhow!(
            "{} is not inside the case folder {}: put the document there first (e.g. in {}/documents/)",
            file.display(),
            case_dir.display(),
            case_dir.display()
        )
    })?;
    if !full.is_file() {
        bail!("{} is not a file", file.display());
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow!("{} has a name that is not text", file.display()))?;
    let bytes = fs::read(&full).with_context(|| format!("cannot read {}", full.display()))?;
    let doc = Document {
        path: parts.join("/"),
        sha256: sha256_hex(&bytes),
    };
    check_document(&doc).map_err(|m| anyhow!("{m}"))?;
    Ok(doc)
}

/// Why a stage change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("the case is already at stage {0}")]
    Already(Stage),
    #[error(
        "moving from {from} to {to} skips {skipped} stage{}: give the reason with --reason \"...\" (it is recorded on the timeline)",
        if *.skipped == 1 { "" } else { "s" }
    )]
    NeedsReason {
        from: Stage,
        to: Stage,
        skipped: usize,
    },
    #[error("the case is closed: reopening it needs a reason (--reason \"...\")")]
    ReopenNeedsReason,
    #[error("to close a case use: attend case close ID --reason \"...\"")]
    UseClose,
    #[error("the case is already closed")]
    AlreadyClosed,
    #[error("closing a case needs a reason (--reason \"...\"), recorded on the timeline")]
    CloseNeedsReason,
}

/// Move a case to another open stage: more than one step up the ladder, or reopening a closed
/// case, needs a reason. Records a `stage` event.
pub fn change_stage(
    case: &mut Case,
    to: Stage,
    reason: &str,
    date: NaiveDate,
    by: &str,
) -> Result<StageChange, StageError> {
    let from = case.stage;
    let reason = reason.trim();
    if to == Stage::Closed {
        return Err(StageError::UseClose);
    }
    if from == to {
        return Err(StageError::Already(to));
    }
    match (from.rung(), to.rung()) {
        (None, _) if reason.is_empty() => return Err(StageError::ReopenNeedsReason),
        (Some(a), Some(b)) if b > a + 1 && reason.is_empty() => {
            return Err(StageError::NeedsReason {
                from,
                to,
                skipped: b - a - 1,
            });
        }
        _ => {}
    }
    let what = if from == Stage::Closed {
        format!("Case reopened at stage {to}")
    } else if to > from {
        format!("Stage moved up from {from} to {to}")
    } else {
        format!("Stage moved back from {from} to {to}")
    };
    push_stage_event(case, from, to, date, by, &what, reason);
    Ok(StageChange { from, to })
}

fn push_stage_event(
    case: &mut Case,
    from: Stage,
    to: Stage,
    date: NaiveDate,
    by: &str,
    what: &str,
    reason: &str,
) {
    case.stage = to;
    let text = if reason.is_empty() {
        format!("{what}.")
    } else {
        format!("{what}: {reason}")
    };
    case.timeline.push(Event {
        date,
        kind: EventKind::Stage,
        by: by.trim().to_string(),
        with: String::new(),
        text,
        stage: Some(StageChange { from, to }),
        plan: None,
        document: None,
        seal: None,
    });
}

/// Raise the stage to at least `to` (a plan puts a case at `support`, an escalation higher),
/// recording why. Returns the change, if any.
pub fn raise_stage(
    case: &mut Case,
    to: Stage,
    date: NaiveDate,
    by: &str,
    why: &str,
) -> Option<StageChange> {
    let from = case.stage;
    if !from.is_open() || from >= to {
        return None;
    }
    push_stage_event(
        case,
        from,
        to,
        date,
        by,
        &format!("Stage moved up from {from} to {to}"),
        why,
    );
    Some(StageChange { from, to })
}

/// Set the stage to `to` whatever it is (a review that closes a plan puts the case back to
/// monitoring), recording why.
pub fn set_stage(
    case: &mut Case,
    to: Stage,
    date: NaiveDate,
    by: &str,
    why: &str,
) -> Option<StageChange> {
    let from = case.stage;
    if from == to || !from.is_open() {
        return None;
    }
    let what = if to > from {
        "Stage moved up"
    } else {
        "Stage moved back"
    };
    push_stage_event(
        case,
        from,
        to,
        date,
        by,
        &format!("{what} from {from} to {to}"),
        why,
    );
    Some(StageChange { from, to })
}

/// Close a case with a reason.
pub fn close_case(
    case: &mut Case,
    reason: &str,
    date: NaiveDate,
    by: &str,
) -> Result<StageChange, StageError> {
    let reason = reason.trim();
    if case.stage == Stage::Closed {
        return Err(StageError::AlreadyClosed);
    }
    if reason.is_empty() {
        return Err(StageError::CloseNeedsReason);
    }
    let from = case.stage;
    let mut what = "Case closed".to_string();
    if let Some(p) = case.plans.iter().find(|p| p.is_open()) {
        what.push_str(&format!(
            " (plan {} was not reviewed; its review was due {})",
            p.number, p.review_date
        ));
    }
    push_stage_event(case, from, Stage::Closed, date, by, &what, reason);
    Ok(StageChange {
        from,
        to: Stage::Closed,
    })
}

/// What a hand edit changed that the officer should hear about.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EditNotes {
    pub events_removed: usize,
    pub events_added: usize,
    pub plans_removed: usize,
}

/// Check an edited case against the one it replaces: same pupil, same stage (stages move with
/// `attend case stage`, so the reason is recorded).
pub fn check_edit(before: &Case, after: &Case) -> Result<EditNotes, String> {
    if before.pupil.id != after.pupil.id {
        return Err(format!(
            "pupil.id was changed from {} to {}: a case cannot move to another pupil",
            before.pupil.id, after.pupil.id
        ));
    }
    if before.stage != after.stage {
        return Err(format!(
            "stage was changed from {} to {}: change the stage with `attend case stage {} {}` so the reason is recorded (put it back to {} here)",
            before.stage, after.stage, before.pupil.id, after.stage, before.stage
        ));
    }
    Ok(EditNotes {
        events_removed: before.timeline.len().saturating_sub(after.timeline.len()),
        events_added: after.timeline.len().saturating_sub(before.timeline.len()),
        plans_removed: before.plans.len().saturating_sub(after.plans.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upn::PupilId;

    fn case() -> Case {
        crate::cases::model::tests_support::empty_case()
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    #[test]
    fn one_step_up_needs_no_reason_two_steps_do() {
        let mut c = case();
        assert_eq!(
            change_stage(&mut c, Stage::Understand, "", d(1, 7), "A")
                .unwrap()
                .to,
            Stage::Understand
        );
        assert_eq!(
            change_stage(&mut c, Stage::Formal, "", d(1, 8), "A"),
            Err(StageError::NeedsReason {
                from: Stage::Understand,
                to: Stage::Formal,
                skipped: 1
            })
        );
        assert_eq!(
            c.stage,
            Stage::Understand,
            "a refused change changes nothing"
        );
        change_stage(
            &mut c,
            Stage::Formal,
            "LA asked for a referral",
            d(1, 8),
            "A",
        )
        .unwrap();
        assert_eq!(
            c.timeline.last().unwrap().text,
            "Stage moved up from understand to formal: LA asked for a referral"
        );
        // down any number of steps is allowed
        change_stage(&mut c, Stage::Monitor, "", d(1, 9), "A").unwrap();
        assert_eq!(
            change_stage(&mut c, Stage::Monitor, "x", d(1, 9), "A"),
            Err(StageError::Already(Stage::Monitor))
        );
        assert_eq!(
            change_stage(&mut c, Stage::Closed, "x", d(1, 9), "A"),
            Err(StageError::UseClose)
        );
    }

    #[test]
    fn closing_and_reopening_need_reasons() {
        let mut c = case();
        assert_eq!(
            close_case(&mut c, " ", d(2, 1), "A"),
            Err(StageError::CloseNeedsReason)
        );
        close_case(&mut c, "Attendance back above 95%", d(2, 1), "A").unwrap();
        assert_eq!(c.stage, Stage::Closed);
        assert_eq!(
            close_case(&mut c, "again", d(2, 1), "A"),
            Err(StageError::AlreadyClosed)
        );
        assert_eq!(
            change_stage(&mut c, Stage::Monitor, "", d(3, 1), "A"),
            Err(StageError::ReopenNeedsReason)
        );
        change_stage(
            &mut c,
            Stage::Support,
            "Absence again since half term",
            d(3, 1),
            "A",
        )
        .unwrap();
        assert_eq!(
            c.timeline.last().unwrap().stage,
            Some(StageChange {
                from: Stage::Closed,
                to: Stage::Support
            })
        );
        assert!(
            super::super::validate::validate_case(&c).is_empty(),
            "{:?}",
            super::super::validate::validate_case(&c)
        );
    }

    #[test]
    fn logged_events_must_say_something_and_not_be_in_the_future() {
        let mut c = case();
        let ev = |date, text: &str| Event {
            date,
            kind: EventKind::Call,
            by: "A".into(),
            with: String::new(),
            text: text.into(),
            stage: None,
            plan: None,
            document: None,
            seal: None,
        };
        assert!(log_event(&mut c, ev(d(1, 7), "  "), d(1, 7)).is_err());
        assert!(log_event(&mut c, ev(d(1, 8), "Called mum"), d(1, 7)).is_err());
        log_event(&mut c, ev(d(1, 7), "Called mum"), d(1, 7)).unwrap();
        assert_eq!(c.timeline.len(), 1);
    }

    #[test]
    fn edits_cannot_move_a_case_or_its_stage() {
        let a = case();
        let mut b = case();
        b.stage = Stage::Support;
        assert!(
            check_edit(&a, &b)
                .unwrap_err()
                .contains("attend case stage")
        );
        let mut b = case();
        b.pupil.id = PupilId::parse("ADNO-1").unwrap();
        assert!(check_edit(&a, &b).is_err());
        assert_eq!(check_edit(&a, &case()).unwrap(), EditNotes::default());
    }
}
