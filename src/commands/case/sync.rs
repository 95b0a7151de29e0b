//! `attend case sync UPN` / `--all`: bring the MIS's contact details into cases.

use super::*;
use attend::cases::family::{Difference, apply, differences};
use attend::register::contacts::Contacts;

pub(super) fn sync(ctx: &Ctx, a: SyncArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let one = match &a.upn {
        Some(u) => Some(pupil_id(ctx, &ws, u)?),
        None => None,
    };
    let _lock = ws.lock()?;
    let contacts = Contacts::load(&ws.register_dir())?;
    if contacts.is_empty() {
        bail!(
            "the register holds no contacts yet: import the MIS's contacts export first (attend import contacts.csv)"
        );
    }
    let cases: Vec<Case> = match &one {
        Some(id) => vec![store::load_existing(&ws, id)?],
        None => {
            let (cases, errors) = store::load_all(&ws)?;
            if let Some(e) = errors.first() {
                bail!(
                    "{e}\n  Nothing was changed: put the case file right (attend case edit), then sync again"
                );
            }
            cases.into_iter().filter(|c| c.stage.is_open()).collect()
        }
    };
    let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
    let by = who(ctx, &ws, &a.by);
    let mut tx = ws.transaction();
    let mut changed: Vec<PupilId> = Vec::new();
    let mut said: Vec<String> = Vec::new();
    for mut c in cases {
        let diffs = differences(&c, &contacts, &reg);
        let gone: Vec<String> = diffs
            .iter()
            .filter(|d| matches!(d, Difference::Gone { .. }))
            .map(|d| d.describe(&c))
            .collect();
        let text = apply(&mut c, &diffs);
        let id = c.pupil.id.clone();
        if text.is_empty() {
            if one.is_some() {
                said.push(format!(
                    "The case of {id} already holds the MIS's details: nothing to bring in."
                ));
            }
        } else {
            c.timeline.push(Event {
                date: ctx.as_of,
                kind: EventKind::Note,
                by: by.clone(),
                with: String::new(),
                text: text.clone(),
                stage: None,
                plan: None,
                document: None,
                seal: None,
            });
            store::stage_write(&mut tx, &ws, &c, ctx.as_of)?;
            said.push(format!("{id}: {text}"));
            changed.push(id);
        }
        for g in gone {
            said.push(format!("  note: {g}"));
        }
    }
    tx.commit()?;
    for s in &said {
        ctx.say(s);
    }
    if one.is_none() {
        ctx.say(format!(
            "Brought the MIS's details into {} (recorded on each timeline).",
            attend::text::plural(changed.len(), "case")
        ));
    }
    if !changed.is_empty() {
        let commit = attend::cases::git::commit_cases(
            &ws,
            &changed,
            &match changed.as_slice() {
                [id] => format!("Family details brought in from the MIS for {id}"),
                many => format!(
                    "Family details brought in from the MIS for {} cases",
                    many.len()
                ),
            },
        );
        report_commit(ctx, &commit);
    }
    Ok(ExitCode::SUCCESS)
}
