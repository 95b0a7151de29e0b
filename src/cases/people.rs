//! The officer's weekly changes to a case, one at a time: the people around the pupil
//! (parents and carers, siblings, professionals, services), barriers and strengths, the child's
//! view, consent to a referral, and a copy of a plan sent. Each change is checked before it is
//! made; those that are events (someone added or removed, parental responsibility or no contact
//! changed, the child's view, consent, a copy sent) are recorded on the timeline.

use super::model::*;
use super::problem::FieldPath;
use super::validate::check_person;
use crate::text::fold;
use anyhow::{Result, bail};
use chrono::NaiveDate;

/// Which item of a list the officer means: its number (from 1), or a name (or part of one)
/// that matches exactly one. The error lists the items to choose from.
pub fn pick<T>(
    items: &[T],
    which: &str,
    label: impl Fn(&T) -> String,
    what: &str,
) -> Result<usize> {
    let whats = if what == "person" {
        "people".to_string()
    } else {
        format!("{what}s")
    };
    let list = || {
        if items.is_empty() {
            return format!("the case has no {whats}");
        }
        let mut s = format!("the case's {whats} are:");
        for (i, item) in items.iter().enumerate() {
            s.push_str(&format!("\n    {}. {}", i + 1, label(item)));
        }
        s.push_str("\n  Give the number, or a name (or part of one) that matches one of them");
        s
    };
    let w = which.trim();
    if let Ok(n) = w.parse::<usize>() {
        if n >= 1 && n <= items.len() {
            return Ok(n - 1);
        }
        bail!("there is no {what} {n}: {}", list());
    }
    let q = fold(w);
    if q.is_empty() {
        bail!("say which {what}: {}", list());
    }
    let exact: Vec<usize> = (0..items.len())
        .filter(|&i| fold(&label(&items[i])) == q)
        .collect();
    let hits: Vec<usize> = if exact.len() == 1 {
        exact
    } else {
        (0..items.len())
            .filter(|&i| {
                let l = fold(&label(&items[i]));
                q.split(' ')
                    .all(|word| l.split(' ').any(|x| x.starts_with(word)))
            })
            .collect()
    };
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no {what} matches {w:?}: {}", list()),
        _ => bail!("{w:?} matches more than one {what}: {}", list()),
    }
}

fn event(date: NaiveDate, kind: EventKind, by: &str, with: &str, text: String) -> Event {
    Event {
        date,
        kind,
        by: by.trim().to_string(),
        with: with.trim().to_string(),
        text,
        stage: None,
        plan: None,
        document: None,
        seal: None,
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not known",
    }
}

/// Who someone is, for the timeline: "Mrs Jade Stevens (mother), parental responsibility: yes".
fn person_line(p: &Person) -> String {
    let mut s = p.addressed_name();
    if !p.relationship.trim().is_empty() {
        s.push_str(&format!(" ({})", p.relationship.trim()));
    }
    s.push_str(&format!(
        ", parental responsibility: {}",
        yes_no(p.parental_responsibility)
    ));
    if p.no_contact {
        s.push_str(", no contact");
    }
    s
}

fn check(p: &Person) -> Result<()> {
    let mut out = Vec::new();
    check_person(&mut out, p, &FieldPath::root());
    if let Some(problem) = out.first() {
        bail!("{}", problem.message);
    }
    Ok(())
}

/// Add a parent or carer (at the end of the list).
pub fn add_person(case: &mut Case, p: Person, date: NaiveDate, by: &str) -> Result<usize> {
    check(&p)?;
    let name = fold(&p.full_name());
    if let Some(i) = case
        .people
        .iter()
        .position(|q| fold(&q.full_name()) == name)
    {
        bail!(
            "{} is already in the case (person {}): change their details with attend case person edit {} {}",
            case.people[i].described(),
            i + 1,
            case.pupil.id,
            i + 1
        );
    }
    case.timeline.push(event(
        date,
        EventKind::Note,
        by,
        "",
        format!("Added to the case: {}", person_line(&p)),
    ));
    case.people.push(p);
    Ok(case.people.len() - 1)
}

/// Change a person's details to `new`; returns the names of the fields that changed. A change
/// of parental responsibility or no contact is recorded on the timeline.
pub fn edit_person(
    case: &mut Case,
    i: usize,
    new: Person,
    date: NaiveDate,
    by: &str,
) -> Result<Vec<&'static str>> {
    check(&new)?;
    let old = &case.people[i];
    let name = fold(&new.full_name());
    if let Some(j) =
        (0..case.people.len()).find(|&j| j != i && fold(&case.people[j].full_name()) == name)
    {
        bail!(
            "person {} is already called {}: two people in a case cannot have the same name",
            j + 1,
            case.people[j].full_name()
        );
    }
    let mut changed = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if old.$f != new.$f { changed.push(stringify!($f)); } )* };
    }
    cmp!(
        name,
        title,
        forename,
        surname,
        relationship,
        parental_responsibility,
        lives_with_pupil,
        no_contact,
        address,
        phone,
        mobile,
        work_phone,
        email,
        preferred_contact,
        notes
    );
    if changed.is_empty() {
        bail!(
            "nothing to change: give the details that change (see attend case person edit --help)"
        );
    }
    let mut notes = Vec::new();
    if old.parental_responsibility != new.parental_responsibility {
        notes.push(format!(
            "parental responsibility: {} (was {})",
            yes_no(new.parental_responsibility),
            yes_no(old.parental_responsibility)
        ));
    }
    if old.no_contact != new.no_contact {
        notes.push(if new.no_contact {
            "marked no contact: never written to".to_string()
        } else {
            "no longer marked no contact".to_string()
        });
    }
    if !notes.is_empty() {
        case.timeline.push(event(
            date,
            EventKind::Note,
            by,
            "",
            format!("{}: {}", new.described(), notes.join("; ")),
        ));
    }
    case.people[i] = new;
    Ok(changed)
}

/// Remove a person (recorded on the timeline).
pub fn remove_person(case: &mut Case, i: usize, date: NaiveDate, by: &str) -> Person {
    let p = case.people.remove(i);
    case.timeline.push(event(
        date,
        EventKind::Note,
        by,
        "",
        format!("Removed from the case: {}", person_line(&p)),
    ));
    p
}

/// Add a brother or sister.
pub fn add_sibling(case: &mut Case, s: Sibling) -> Result<()> {
    if s.name.trim().is_empty() {
        bail!("a sibling needs a name (--name)");
    }
    if s.id.as_ref() == Some(&case.pupil.id) {
        bail!("a pupil cannot be their own sibling");
    }
    if let Some(id) = &s.id
        && let Some(i) = case.siblings.iter().position(|x| x.id.as_ref() == Some(id))
    {
        bail!("{id} is already a sibling in the case (sibling {})", i + 1);
    }
    let name = fold(&s.name);
    if let Some(i) = case
        .siblings
        .iter()
        .position(|x| fold(&x.name) == name && x.id.is_none() && s.id.is_none())
    {
        bail!(
            "{} is already a sibling in the case (sibling {})",
            case.siblings[i].name,
            i + 1
        );
    }
    case.siblings.push(s);
    Ok(())
}

/// Add a professional.
pub fn add_professional(case: &mut Case, p: Professional) -> Result<()> {
    if p.name.trim().is_empty() || p.role.trim().is_empty() {
        bail!("a professional needs a name and a role (--name, --role)");
    }
    if !p.email.trim().is_empty() && !crate::text::is_email(&p.email) {
        bail!("{:?} is not an email address", p.email);
    }
    let name = fold(&p.name);
    if let Some(x) = case.professionals.iter().find(|x| fold(&x.name) == name) {
        bail!("{} is already in the case's professionals", x.name.trim());
    }
    case.professionals.push(p);
    Ok(())
}

/// Add a service involved with the family.
pub fn add_service(case: &mut Case, s: Service) -> Result<()> {
    if s.name.trim().is_empty() {
        bail!("a service needs a name");
    }
    let name = fold(&s.name);
    if let Some(x) = case.services.iter().find(|x| fold(&x.name) == name) {
        bail!("{} is already in the case's services", x.name.trim());
    }
    case.services.push(s);
    Ok(())
}

/// Add a barrier to attendance.
pub fn add_barrier(case: &mut Case, b: Barrier) -> Result<()> {
    if case
        .barriers
        .iter()
        .any(|x| x.kind == b.kind && fold(&x.detail) == fold(&b.detail))
    {
        bail!("the case already records this barrier");
    }
    case.barriers.push(b);
    Ok(())
}

/// Add a strength.
pub fn add_strength(case: &mut Case, s: &str) -> Result<()> {
    let s = s.trim();
    if s.is_empty() {
        bail!("say what the strength is");
    }
    if case.strengths.iter().any(|x| fold(x) == fold(s)) {
        bail!("the case already records this strength");
    }
    case.strengths.push(s.to_string());
    Ok(())
}

/// Record the child's view (it replaces the one held; the timeline keeps each).
pub fn set_child_view(case: &mut Case, view: &str, date: NaiveDate, by: &str) -> Result<()> {
    let v = view.trim();
    if v.is_empty() {
        bail!("say what the child said: attend case view UPN \"in their words\"");
    }
    if case.child_view.trim() == v {
        bail!("the case already holds this view");
    }
    case.child_view = v.to_string();
    case.timeline.push(event(
        date,
        EventKind::Note,
        by,
        "",
        format!("The child's view: {v}"),
    ));
    Ok(())
}

/// Record whether the family consents to a referral (`None`: not asked yet).
pub fn set_consent(
    case: &mut Case,
    consent: Option<bool>,
    date: NaiveDate,
    by: &str,
) -> Result<()> {
    if case.consent_to_referral == consent {
        bail!(
            "the case already records consent to a referral as: {}",
            consent_text(consent)
        );
    }
    case.consent_to_referral = consent;
    case.timeline.push(event(
        date,
        EventKind::Note,
        by,
        "",
        format!("Consent to a referral: {}", consent_text(consent)),
    ));
    Ok(())
}

pub fn consent_text(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => "yes, the family consents",
        Some(false) => "no, the family does not consent",
        None => "not asked yet",
    }
}

/// How a copy of a plan went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Post,
    Email,
    Hand,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Post => "post",
            Delivery::Email => "email",
            Delivery::Hand => "by hand",
        }
    }

    fn kind(self) -> EventKind {
        match self {
            Delivery::Post => EventKind::Letter,
            Delivery::Email => EventKind::Email,
            Delivery::Hand => EventKind::Note,
        }
    }
}

/// Record that a copy of plan `number` was sent to `to` on `date`.
pub fn record_copy(
    case: &mut Case,
    number: u32,
    to: &str,
    date: NaiveDate,
    how: Delivery,
    today: NaiveDate,
    by: &str,
) -> Result<()> {
    let to = to.trim();
    if to.is_empty() {
        bail!("say who the copy went to (--to)");
    }
    if date > today {
        bail!("{date} is after today ({today}): record a copy once it is sent");
    }
    let Some(plan) = case.plans.get_mut((number as usize).wrapping_sub(1)) else {
        bail!(
            "the case has no plan {number} ({})",
            crate::text::plural(case.plans.len(), "plan")
        );
    };
    if date < plan.meeting.date {
        bail!(
            "{date} is before plan {number}'s meeting ({}): a copy is sent after the meeting",
            plan.meeting.date
        );
    }
    if plan
        .copies
        .iter()
        .any(|c| fold(&c.to) == fold(to) && c.sent == Some(date) && c.how == how.as_str())
    {
        bail!(
            "plan {number} already records a copy sent to {to} on {date} ({})",
            how.as_str()
        );
    }
    plan.copies.push(CopyTo {
        to: to.to_string(),
        sent: Some(date),
        how: how.as_str().to_string(),
    });
    let mut e = event(
        date,
        how.kind(),
        by,
        to,
        format!(
            "Copy of action plan {number} sent to {to} ({})",
            how.as_str()
        ),
    );
    e.plan = Some(number);
    case.timeline.push(e);
    Ok(())
}
