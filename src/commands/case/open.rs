//! `attend case open`.

use super::*;

pub(super) fn open(ctx: &Ctx, a: OpenArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let _lock = ws.lock()?;
    let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
    // (no "who" note for a case that cannot be opened)
    let by = if store::case_path(&ws, &id).exists() {
        String::new()
    } else {
        who(ctx, &ws, &a.by)
    };
    let mut opts = OpenOptions::new(ctx.as_of, by);
    opts.reason = a.reason.unwrap_or_default();
    opts.surname = a.surname;
    opts.forename = a.forename;
    opts.dob = a.dob;
    opts.year = a.year;
    opts.reg_group = a.group;
    let (opened, commit) = attend::cases::open_case(&ws, &reg, &id, &opts)?;
    let c = &opened.case;
    ctx.say(format!(
        "Opened a case for {} ({}){}: {}",
        id,
        c.pupil.display_name(),
        pupil_line(&c.pupil)
            .map(|l| format!(", {l}"))
            .unwrap_or_default(),
        store::display_path(&ws, &opened.path)
    ));
    if !opened.in_register {
        ctx.say(format!("  {id} is not in the register: the case holds the names given, and no attendance figures"));
    }
    match (&c.opening_attendance, &opened.no_figures) {
        (Some(s), _) => ctx.say(format!(
            "  Attendance frozen in: {}{}",
            s.describe(),
            band_note(s)
        )),
        (None, Some(why)) if opened.in_register => {
            ctx.say(format!("  No attendance figures frozen in: {why}"))
        }
        _ => {}
    }
    if !c.people.is_empty() {
        ctx.say(format!(
            "  Parents and carers from the MIS: {}",
            attend::text::join_and(&c.people.iter().map(|p| p.described()).collect::<Vec<_>>())
        ));
        for p in c.people.iter().filter(|p| p.no_contact) {
            ctx.say(format!(
                "  warning: {} is marked no contact in the MIS: never written to",
                p.full_name()
            ));
        }
    }
    if !c.siblings.is_empty() {
        ctx.say(format!(
            "  Siblings at this school: {}",
            attend::text::join_and(
                &c.siblings
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
            )
        ));
    }
    if c.people.is_empty() && opened.in_register {
        ctx.say(format!(
            "  Next: add parents and carers (import the MIS's contacts export, then attend case sync {id}; or attend case person add {id} ...), record contacts with `attend case log {id} --kind call \"...\"`"
        ));
    } else {
        ctx.say(format!(
            "  Next: record contacts with `attend case log {id} --kind call \"...\"`"
        ));
    }
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}
