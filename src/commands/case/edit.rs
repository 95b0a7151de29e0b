//! `attend case edit`: the case file in the officer's editor, checked when saved.

use super::*;

/// Guidance at the top of the file `attend case edit` opens (comments: not saved).
const EDIT_GUIDE: &str = "\
# Edit the case, then save and close the editor. attend checks the file when you close it:
# if something is wrong it opens it again with the problem at the top. Close without saving
# to change nothing. Comments (lines starting with #) are not kept.
#
# Sections you can add (leave out what you do not know; dates are YYYY-MM-DD):
# people:                          # parents and carers (or: attend case person add UPN ...)
# - title: Mrs
#   forename: Jane
#   surname: Smith                 # or the name in one: name: Jane Smith
#   relationship: mother
#   parental_responsibility: true  # everyone with parental responsibility is invited to meetings
#   lives_with_pupil: true
#   no_contact: false              # true: a court order or no correspondence, never written to
#   address: [12 Mill Lane, Townley, TW1 4AB]
#   phone: 01632 960123
#   mobile: 07700 900123
#   email: jane@example.org
#   preferred_contact: phone       # phone, text, email, letter or in_person
# professionals:
# - {name: Sam Lee, role: Early Help Worker, organisation: Townley Council, phone: 01632 960001}
# siblings:
# - {name: Amy Smith, id: UPN-IF-AT-THIS-SCHOOL, year: '5'}         # id links the two cases
# - {name: Tom Smith, school: Townley Primary, attendance_concern: true}
# services:
# - {name: Early Help, contact: Sam Lee, since: 2024-11-04}
# consent_to_referral: true        # does the family consent to a referral?
# child_view: In the child's own words.
# barriers:                        # kind: medical, mental_health, bullying, home, transport,
# - {kind: transport, detail: Bus pass expired}   #   sen, relationships, community or other
# strengths: [Loves art, Good friendships in form]
#
# The stage changes with `attend case stage`, so the reason is recorded; plans and reviews are
# recorded with `attend plan new` and `attend review`. What is sealed (a `seal:` beside it: the
# opening figures, plans, reviews, timeline entries) stays as recorded: correct it with
# `attend case amend`.
";

pub(super) fn edit(ctx: &Ctx, a: EditArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let path = store::case_path(&ws, &id);
    let original = store::read_text(&ws, &path).map_err(|e| match e {
        attend::fsutil::ReadError::NotFound => {
            anyhow!("{id} has no case.\n  Open one with: attend case open {id}")
        }
        e => anyhow!(e),
    })?;
    // an invalid file can be edited too: that is how a hand edit gets fixed
    let before: Option<Case> = store::parse_for(&ws, &id, &original, &path).ok();
    let editor = ctx.env.editor.clone();
    let shown = store::display_path(&ws, &path);
    let initial = format!("{EDIT_GUIDE}{original}");
    let result = edit_until_valid(
        &store::case_dir(&ws, &id),
        "case.yaml",
        &initial,
        &editor,
        |text| {
            let case = store::parse_for(&ws, &id, text, &path)?;
            if let Some(b) = &before {
                attend::cases::seal::check_edit(b, &case).map_err(|r| CaseFileError {
                    file: shown.clone(),
                    problems: vec![attend::cases::problem::Located {
                        line: attend::cases::file::locate(text, &r.path),
                        field: Some(r.path.to_string()),
                        message: r.message,
                    }],
                })?;
                attend::cases::timeline::check_edit(b, &case).map_err(|m| CaseFileError {
                    file: shown.clone(),
                    problems: vec![attend::cases::problem::Located {
                        line: attend::cases::file::locate(
                            text,
                            &attend::cases::problem::FieldPath::root().key("stage"),
                        ),
                        field: None,
                        message: m,
                    }],
                })?;
            }
            Ok(case)
        },
    )?;
    let case = match result {
        Edited::Unchanged => {
            ctx.say(format!("No changes saved: the case of {id} is as it was."));
            return Ok(ExitCode::SUCCESS);
        }
        Edited::Saved(case, _) => case,
    };
    let _lock = ws.lock()?;
    let now = store::read_text(&ws, &path).map_err(|e| anyhow!(e))?;
    if now != original {
        bail!(
            "{} was changed by another command while you were editing; your edit was not saved.\n  Run attend case edit {id} again",
            store::display_path(&ws, &path)
        );
    }
    if before.as_ref() == Some(&case) {
        // only comments or layout changed: keep attend's layout
        if now == store::checked_text(&ws, &case, &path)? {
            ctx.say(format!(
                "No changes to the record: the case of {id} is as it was."
            ));
            return Ok(ExitCode::SUCCESS);
        }
    }
    let notes = before
        .as_ref()
        .map(|b| attend::cases::timeline::check_edit(b, &case))
        .transpose()
        .map_err(|m| anyhow!(m))?;
    let commit = store::save(
        &ws,
        &case,
        &format!("Case of {id} edited by hand"),
        ctx.as_of,
    )?;
    ctx.say(format!("Saved the case of {id}."));
    if let Some(n) = notes {
        if n.events_removed > 0 {
            ctx.say(format!(
                "  note: {} timeline entr{} removed (git keeps the earlier version)",
                n.events_removed,
                if n.events_removed == 1 {
                    "y was"
                } else {
                    "ies were"
                }
            ));
        }
        if n.plans_removed > 0 {
            ctx.say(format!(
                "  note: {} plan{} removed",
                n.plans_removed,
                if n.plans_removed == 1 {
                    " was"
                } else {
                    "s were"
                }
            ));
        }
    }
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}
