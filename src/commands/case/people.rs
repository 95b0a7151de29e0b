//! `attend case person|sibling|professional|service|barrier|strength ...`, `attend case view` and
//! `attend case consent`: one change to a case from one command line, checked, saved atomically.

use super::*;
use attend::cases::people::{self as edits, pick};
use attend::text::uk_postcode;

/// Load the case of `upn` under the lock, change it with `f`, save it (or, if `f` refuses,
/// change nothing). `f` returns what to tell the officer and the git message.
fn change(
    ctx: &Ctx,
    upn: &str,
    f: impl FnOnce(&Workspace, &mut Case) -> Result<(String, String)>,
) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let (said, message) = f(&ws, &mut c)?;
    let commit = store::save(&ws, &c, &format!("{message} ({id})"), ctx.as_of)?;
    ctx.say(said);
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

/// An address as typed: lines separated by commas (or new lines), the postcode in its standard form.
fn address_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .split([',', '\n'])
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(last) = lines.last_mut()
        && let Some(pc) = uk_postcode(last)
    {
        *last = pc;
    }
    lines
}

/// The person with the details given on the command line set.
fn with_fields(mut p: Person, f: &PersonFields) -> Person {
    let text = |v: &Option<String>, slot: &mut String| {
        if let Some(v) = v {
            *slot = v.trim().to_string();
        }
    };
    text(&f.title, &mut p.title);
    text(&f.forename, &mut p.forename);
    text(&f.surname, &mut p.surname);
    text(&f.name, &mut p.name);
    text(&f.relationship, &mut p.relationship);
    text(&f.phone, &mut p.phone);
    text(&f.mobile, &mut p.mobile);
    text(&f.work_phone, &mut p.work_phone);
    text(&f.email, &mut p.email);
    text(&f.notes, &mut p.notes);
    if let Some(v) = f.pr {
        p.parental_responsibility = v.value();
    }
    if let Some(v) = f.lives_with {
        p.lives_with_pupil = v.value();
    }
    if let Some(v) = f.no_contact {
        p.no_contact = v.value() == Some(true);
    }
    if let Some(a) = &f.address {
        p.address = address_lines(a);
    }
    if let Some(m) = f.preferred {
        p.preferred_contact = m.value();
    }
    p
}

/// What the officer should know about a person who will not be written to.
fn letter_note(p: &Person) -> Option<String> {
    if p.no_contact {
        return Some(format!(
            "  {} is marked no contact: no letter or document will be addressed to them",
            p.full_name()
        ));
    }
    if p.parental_responsibility == Some(true) && p.address.is_empty() {
        return Some(format!(
            "  note: no postal address for {}: letters cannot be sent to them until one is added (--address)",
            p.full_name()
        ));
    }
    None
}

fn person_label(p: &Person) -> String {
    p.described()
}

pub(super) fn person(ctx: &Ctx, command: PersonCommand) -> Result<ExitCode> {
    match command {
        PersonCommand::Add(a) => change(ctx, &a.upn, |ws, c| {
            let by = who(ctx, ws, &a.by);
            let p = with_fields(Person::default(), &a.fields);
            let i = edits::add_person(c, p, ctx.as_of, &by)?;
            let p = &c.people[i];
            let mut said = format!(
                "Added {} to the case of {} as person {}.",
                p.described(),
                c.pupil.id,
                i + 1
            );
            if let Some(n) = letter_note(p) {
                said.push_str(&format!("\n{n}"));
            }
            Ok((said, format!("{} added to the case", p.full_name())))
        }),
        PersonCommand::Edit(a) => change(ctx, &a.upn, |ws, c| {
            let i = pick(&c.people, &a.which, person_label, "person")?;
            let by = who(ctx, ws, &a.by);
            let new = with_fields(c.people[i].clone(), &a.fields);
            let changed = edits::edit_person(c, i, new, ctx.as_of, &by)?;
            let p = &c.people[i];
            let mut said = format!(
                "Changed {} of {} (person {}).",
                changed
                    .iter()
                    .map(|f| f.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.described(),
                i + 1
            );
            if let Some(n) = letter_note(p) {
                said.push_str(&format!("\n{n}"));
            }
            Ok((said, format!("{}'s details changed", p.full_name())))
        }),
        PersonCommand::Remove(a) => change(ctx, &a.upn, |ws, c| {
            let i = pick(&c.people, &a.which, person_label, "person")?;
            let by = who(ctx, ws, &a.by);
            let p = edits::remove_person(c, i, ctx.as_of, &by);
            Ok((
                format!(
                    "Removed {} from the case of {} (recorded on the timeline).",
                    p.described(),
                    c.pupil.id
                ),
                format!("{} removed from the case", p.full_name()),
            ))
        }),
    }
}

fn sibling_label(s: &Sibling) -> String {
    let mut l = s.name.clone();
    if let Some(id) = &s.id {
        l.push_str(&format!(" ({id})"));
    } else if !s.school.is_empty() {
        l.push_str(&format!(", {}", s.school));
    }
    l
}

pub(super) fn sibling(ctx: &Ctx, command: SiblingCommand) -> Result<ExitCode> {
    match command {
        SiblingCommand::Add(a) => change(ctx, &a.upn, |ws, c| {
            let mut s = Sibling {
                attendance_concern: a.concern.and_then(YesNo::value),
                notes: a.notes.clone().unwrap_or_default().trim().to_string(),
                year: a.year.clone().unwrap_or_default().trim().to_string(),
                ..Default::default()
            };
            match &a.pupil {
                Some(other) => {
                    let id = pupil_id(ctx, ws, other)?;
                    let reg = register_for(ws, ctx.as_of, ctx.as_of)?;
                    match reg.index_of(&id) {
                        Some(i) => {
                            let p = &reg.pupils[i];
                            s.name = p.full_name();
                            if s.year.is_empty() {
                                s.year = p.year.trim().to_string();
                            }
                        }
                        None => bail!(
                            "{id} is not in the register: for a sibling at another school give --name NAME --school SCHOOL"
                        ),
                    }
                    s.id = Some(id);
                }
                None => {
                    s.name = a.name.clone().unwrap_or_default().trim().to_string();
                    s.school = a.school.clone().unwrap_or_default().trim().to_string();
                }
            }
            let label = sibling_label(&s);
            edits::add_sibling(c, s)?;
            Ok((
                format!(
                    "Added {label} to the siblings in the case of {} (sibling {}).",
                    c.pupil.id,
                    c.siblings.len()
                ),
                format!("Sibling {label} added"),
            ))
        }),
        SiblingCommand::Remove(a) => change(ctx, &a.upn, |_, c| {
            let i = pick(&c.siblings, &a.which, sibling_label, "sibling")?;
            let s = c.siblings.remove(i);
            Ok((
                format!(
                    "Removed {} from the siblings in the case of {}.",
                    sibling_label(&s),
                    c.pupil.id
                ),
                format!("Sibling {} removed", s.name),
            ))
        }),
    }
}

pub(super) fn professional(ctx: &Ctx, command: ProfessionalCommand) -> Result<ExitCode> {
    let label = |p: &Professional| format!("{}, {}", p.name, p.role);
    match command {
        ProfessionalCommand::Add(a) => change(ctx, &a.upn, |_, c| {
            let t = |v: &Option<String>| v.clone().unwrap_or_default().trim().to_string();
            let p = Professional {
                name: a.name.trim().to_string(),
                role: a.role.trim().to_string(),
                organisation: t(&a.organisation),
                phone: t(&a.phone),
                email: t(&a.email),
                notes: t(&a.notes),
            };
            let l = label(&p);
            edits::add_professional(c, p)?;
            Ok((
                format!(
                    "Added {l} to the professionals in the case of {}.",
                    c.pupil.id
                ),
                format!("Professional {l} added"),
            ))
        }),
        ProfessionalCommand::Remove(a) => change(ctx, &a.upn, |_, c| {
            let i = pick(&c.professionals, &a.which, label, "professional")?;
            let p = c.professionals.remove(i);
            Ok((
                format!(
                    "Removed {} from the professionals in the case of {}.",
                    label(&p),
                    c.pupil.id
                ),
                format!("Professional {} removed", p.name),
            ))
        }),
    }
}

pub(super) fn service(ctx: &Ctx, command: ServiceCommand) -> Result<ExitCode> {
    let label = |s: &Service| s.name.clone();
    match command {
        ServiceCommand::Add(a) => change(ctx, &a.upn, |_, c| {
            if a.since.is_some_and(|d| d > ctx.as_of) {
                bail!(
                    "--since is after today ({}): give the date the service became involved",
                    ctx.as_of
                );
            }
            let s = Service {
                name: a.name.trim().to_string(),
                contact: a.contact.clone().unwrap_or_default().trim().to_string(),
                since: a.since,
                notes: a.notes.clone().unwrap_or_default().trim().to_string(),
            };
            let l = label(&s);
            edits::add_service(c, s)?;
            Ok((
                format!("Added {l} to the services in the case of {}.", c.pupil.id),
                format!("Service {l} added"),
            ))
        }),
        ServiceCommand::Remove(a) => change(ctx, &a.upn, |_, c| {
            let i = pick(&c.services, &a.which, label, "service")?;
            let s = c.services.remove(i);
            Ok((
                format!(
                    "Removed {} from the services in the case of {}.",
                    s.name, c.pupil.id
                ),
                format!("Service {} removed", s.name),
            ))
        }),
    }
}

pub(super) fn barrier(ctx: &Ctx, command: BarrierCommand) -> Result<ExitCode> {
    let label = |b: &Barrier| {
        if b.detail.is_empty() {
            b.kind.as_str().to_string()
        } else {
            format!("{}: {}", b.kind.as_str(), b.detail)
        }
    };
    match command {
        BarrierCommand::Add(a) => change(ctx, &a.upn, |_, c| {
            let b = Barrier {
                kind: a.kind,
                detail: a.detail.clone().unwrap_or_default().trim().to_string(),
            };
            let l = label(&b);
            edits::add_barrier(c, b)?;
            Ok((
                format!("Added the barrier {l} to the case of {}.", c.pupil.id),
                format!("Barrier {} added", a.kind.as_str()),
            ))
        }),
        BarrierCommand::Remove(a) => change(ctx, &a.upn, |_, c| {
            let i = pick(&c.barriers, &a.which, label, "barrier")?;
            let b = c.barriers.remove(i);
            Ok((
                format!(
                    "Removed the barrier {} from the case of {}.",
                    label(&b),
                    c.pupil.id
                ),
                format!("Barrier {} removed", b.kind.as_str()),
            ))
        }),
    }
}

pub(super) fn strength(ctx: &Ctx, command: StrengthCommand) -> Result<ExitCode> {
    match command {
        StrengthCommand::Add(a) => change(ctx, &a.upn, |_, c| {
            edits::add_strength(c, &a.text)?;
            Ok((
                format!(
                    "Added the strength \"{}\" to the case of {}.",
                    a.text.trim(),
                    c.pupil.id
                ),
                "Strength added".to_string(),
            ))
        }),
        StrengthCommand::Remove(a) => change(ctx, &a.upn, |_, c| {
            let i = pick(&c.strengths, &a.which, |s: &String| s.clone(), "strength")?;
            let s = c.strengths.remove(i);
            Ok((
                format!(
                    "Removed the strength \"{s}\" from the case of {}.",
                    c.pupil.id
                ),
                "Strength removed".to_string(),
            ))
        }),
    }
}

pub(super) fn view(ctx: &Ctx, a: ViewArgs) -> Result<ExitCode> {
    change(ctx, &a.upn, |ws, c| {
        let date = a.date.unwrap_or(ctx.as_of);
        if date > ctx.as_of {
            bail!(
                "{date} is after today ({}): the timeline records what has happened",
                ctx.as_of
            );
        }
        let by = who(ctx, ws, &a.by);
        edits::set_child_view(c, &a.text, date, &by)?;
        Ok((
            format!(
                "Recorded the child's view in the case of {} (on the timeline, {date}).",
                c.pupil.id
            ),
            "The child's view recorded".to_string(),
        ))
    })
}

pub(super) fn consent(ctx: &Ctx, a: ConsentArgs) -> Result<ExitCode> {
    change(ctx, &a.upn, |ws, c| {
        let date = a.date.unwrap_or(ctx.as_of);
        if date > ctx.as_of {
            bail!(
                "{date} is after today ({}): the timeline records what has happened",
                ctx.as_of
            );
        }
        let value = match a.consent {
            Consent::Yes => Some(true),
            Consent::No => Some(false),
            Consent::NotAsked => None,
        };
        let by = who(ctx, ws, &a.by);
        edits::set_consent(c, value, date, &by)?;
        Ok((
            format!(
                "Recorded consent to a referral in the case of {}: {}.",
                c.pupil.id,
                edits::consent_text(value)
            ),
            "Consent to a referral recorded".to_string(),
        ))
    })
}
