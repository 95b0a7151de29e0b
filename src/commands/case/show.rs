//! `attend case show`: one pupil's case on one screen.

use super::*;
use attend::dates::uk_date;

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
}

/// A column of figures for the comparison table.
fn figures_column(s: Option<&Snapshot>) -> Vec<String> {
    let Some(s) = s else {
        return vec!["—".into(); 9];
    };
    vec![
        format!("{} to {}", uk_date(s.from), uk_date(s.to)),
        s.attendance_pct
            .as_deref()
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "—".into()),
        s.possible.to_string(),
        (s.present + s.approved_activity).to_string(),
        s.authorised.to_string(),
        s.unauthorised.to_string(),
        s.late_before_close.to_string(),
        s.late_after_close.to_string(),
        match s.band.label() {
            "" => "—".into(),
            l => l.into(),
        },
    ]
}

pub(super) fn show(ctx: &Ctx, a: ShowArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let recorded = store::load_existing(&ws, &id)?;
    warn_broken_seals(ctx, &recorded);
    // what is shown is the record as corrected by its amendments (listed below)
    let c = attend::cases::seal::amended(&recorded).unwrap_or(recorded);
    let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
    crate::commands::common::warn_if_stale(
        ctx,
        &ws,
        attend::attendance::SchoolCalendar::on(&reg.grid, ctx.as_of).last_date,
    );
    let (now, why_not) = attend::cases::plan::figures_for_case(&reg, &c, ctx.as_of, &ws.config);
    let mut o = String::new();
    let p = &c.pupil;
    let mut head = format!("{}  {}", p.id, p.display_name());
    if !p.preferred_forename.is_empty() || !p.preferred_surname.is_empty() {
        head.push_str(&format!(" (known as {})", p.full_name()));
    }
    o.push_str(&head);
    o.push('\n');
    let mut facts = Vec::new();
    if let Some(l) = pupil_line(p) {
        facts.push(l);
    }
    if let Some(d) = p.dob {
        facts.push(format!("born {}", uk_date(d)));
    }
    for (k, v) in [("fsm", &p.fsm), ("sen", &p.sen), ("eal", &p.eal)] {
        if !v.trim().is_empty() {
            facts.push(attend::register::values::meaning(k, v));
        }
    }
    if !facts.is_empty() {
        o.push_str(&format!("{}\n", facts.join("; ")));
    }
    let dob = attend::cases::law::dob_of(Some(&c), Some(&reg), &id);
    let age = attend::attendance::AgeStatus::of(dob, ctx.as_of);
    o.push_str(&age.line(ctx.as_of));
    if age.is_not_of_age() {
        o.push_str(
            ". Support, but no legal steps (Notice to Improve, penalty notice, prosecution)",
        );
    }
    o.push('\n');
    o.push_str(&format!("Stage: {} — {}\n", c.stage, c.stage.describe()));
    o.push_str(&format!("Opened {}", c.opened));
    if let Some(last) = c.timeline.iter().map(|e| e.date).max() {
        o.push_str(&format!("; last entry {last}"));
    }
    o.push('\n');

    // attendance: frozen figures beside today's
    let mut cols: Vec<(String, Option<&Snapshot>)> = vec![(
        format!("At opening {}", uk_date(c.opened)),
        c.opening_attendance.as_ref(),
    )];
    if let Some(pl) = c.plans.last() {
        cols.push((
            format!("At plan {} {}", pl.number, uk_date(pl.meeting.date)),
            pl.attendance.as_ref(),
        ));
    }
    if let Some((n, r)) = c
        .plans
        .iter()
        .rev()
        .find_map(|p| p.review.as_ref().map(|r| (p.number, r)))
    {
        cols.push((
            format!("During plan {n} (review {})", uk_date(r.meeting.date)),
            r.during_plan.as_ref(),
        ));
    }
    cols.push((format!("Now ({})", uk_date(ctx.as_of)), now.as_ref()));
    // to fit the screen, the oldest figures are left out first: at opening, then at the plan
    let n = cols.len();
    let mut spec = vec![crate::commands::table::Col::keep("Attendance")];
    spec.extend(cols.iter().enumerate().map(|(k, (h, _))| {
        let c = crate::commands::table::Col::keep(h);
        if k + 2 < n { c.drop(k as u8 + 1) } else { c }
    }));
    let mut t = crate::commands::table::FitTable::new(&spec, ctx.color);
    let labels = [
        "period",
        "attendance",
        "possible sessions",
        "attended",
        "authorised absence",
        "unauthorised absence",
        "late (L)",
        "late after close (U)",
        "band",
    ];
    let columns: Vec<Vec<String>> = cols.iter().map(|(_, s)| figures_column(*s)).collect();
    for (i, l) in labels.iter().enumerate() {
        let mut row = vec![l.to_string()];
        row.extend(columns.iter().map(|c| c[i].clone()));
        t.add_row(row);
    }
    o.push_str(&format!("\n{}\n", t.render(ctx.width, a.wide).with_note()));
    if let Some(w) = why_not {
        o.push_str(&format!("No figures for now: {w}\n"));
    }
    if let Some(pn) = now.as_ref().and_then(|s| s.penalty_notice.as_ref()) {
        o.push_str(&format!(
            "Penalty-notice threshold met: {}\n",
            pn.describe()
        ));
    }

    law_section(&mut o, &c, ctx.as_of);
    if !c.people.is_empty() {
        o.push_str("\nParents and carers\n");
        for (n, person) in c.people.iter().enumerate() {
            let mut l = format!("  {}. {}", n + 1, person.addressed_name());
            if !person.relationship.is_empty() {
                l.push_str(&format!(" ({})", person.relationship));
            }
            l.push_str(&format!(
                "; parental responsibility: {}",
                yes_no(person.parental_responsibility)
            ));
            match person.lives_with_pupil {
                Some(true) => l.push_str("; lives with the pupil"),
                Some(false) => l.push_str("; lives elsewhere"),
                None => {}
            }
            o.push_str(&format!("{l}\n"));
            if person.no_contact {
                o.push_str("    WARNING: no contact (court order or no correspondence): never written to\n");
            }
            let mut contact = Vec::new();
            if !person.phone.is_empty() {
                contact.push(format!("phone {}", person.phone));
            }
            if !person.mobile.is_empty() {
                contact.push(format!("mobile {}", person.mobile));
            }
            if !person.work_phone.is_empty() {
                contact.push(format!("work {}", person.work_phone));
            }
            if !person.email.is_empty() {
                contact.push(format!("email {}", person.email));
            }
            if let Some(m) = person.preferred_contact {
                contact.push(format!("prefers {}", m.label()));
            }
            if !contact.is_empty() {
                o.push_str(&format!("    {}\n", contact.join(", ")));
            }
            if !person.address.is_empty() {
                o.push_str(&format!("    {}\n", person.address.join(", ")));
            }
            if !person.notes.is_empty() {
                o.push_str(&format!("    {}\n", person.notes));
            }
        }
    } else {
        o.push_str(&format!(
            "\nNo parents or carers recorded yet (bring them in from the MIS with attend case sync {id}, or add them with attend case person add {id} ...).\n"
        ));
    }
    mis_section(&mut o, &ws, &c, &reg)?;
    if !c.professionals.is_empty() {
        o.push_str("\nProfessionals\n");
        for pr in &c.professionals {
            let mut l = format!("  {}, {}", pr.name, pr.role);
            if !pr.organisation.is_empty() {
                l.push_str(&format!(", {}", pr.organisation));
            }
            for v in [&pr.phone, &pr.email] {
                if !v.is_empty() {
                    l.push_str(&format!("; {v}"));
                }
            }
            o.push_str(&format!("{l}\n"));
        }
    }
    siblings_section(&mut o, &ws, &c, &reg, ctx.as_of)?;
    if !c.services.is_empty() || c.consent_to_referral.is_some() {
        o.push_str("\nServices involved\n");
        for s in &c.services {
            let mut l = format!("  {}", s.name);
            if !s.contact.is_empty() {
                l.push_str(&format!(" ({})", s.contact));
            }
            if let Some(d) = s.since {
                l.push_str(&format!(", since {d}"));
            }
            o.push_str(&format!("{l}\n"));
        }
        o.push_str(&format!(
            "  Family consents to a referral: {}\n",
            yes_no(c.consent_to_referral)
        ));
    }
    if !c.child_view.is_empty() {
        o.push_str(&format!(
            "\nThe child's view\n  {}\n",
            c.child_view.replace('\n', "\n  ")
        ));
    }
    if !c.barriers.is_empty() {
        o.push_str("\nBarriers\n");
        for b in &c.barriers {
            let detail = if b.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", b.detail.replace('\n', " "))
            };
            o.push_str(&format!("  {}{detail}\n", b.kind.label()));
        }
    }
    if !c.strengths.is_empty() {
        o.push_str("\nStrengths\n");
        for s in &c.strengths {
            o.push_str(&format!("  {s}\n"));
        }
    }
    plans_section(&mut o, &c, ctx.as_of);
    o.push_str("\nTimeline\n");
    let mut events: Vec<&Event> = c.timeline.iter().collect();
    events.sort_by_key(|e| e.date); // stable: same-day entries keep their order
    for e in events {
        let mut who = e.by.clone();
        if !e.with.is_empty() {
            who = if who.is_empty() {
                format!("with {}", e.with)
            } else {
                format!("{who}, with {}", e.with)
            };
        }
        let mut line = format!("  {}  {:<8}  ", e.date, e.kind.as_str());
        if !who.is_empty() {
            line.push_str(&format!("{who}: "));
        }
        line.push_str(&e.text.replace('\n', " "));
        if let Some(d) = &e.document {
            line.push_str(&format!(" [document {}]", d.path));
        }
        o.push_str(&line);
        o.push('\n');
    }
    if !c.amendments.is_empty() {
        o.push_str(
            "\nAmendments (corrections of the record; the original stays in the case file)\n",
        );
        for a in &c.amendments {
            o.push_str(&format!(
                "  {}  {}: {} {} corrected from {:?} to {:?}: {}\n",
                a.date,
                a.by,
                a.part,
                a.field,
                a.original,
                a.new,
                a.reason.replace('\n', " ")
            ));
        }
    }
    std::io::stdout()
        .lock()
        .write_all(super::super::output::clean(&o).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Where the case and the MIS's contacts now differ.
fn mis_section(o: &mut String, ws: &Workspace, c: &Case, reg: &Register) -> Result<()> {
    let contacts = attend::register::contacts::Contacts::load(&ws.register_dir())?;
    if contacts.is_empty() {
        return Ok(());
    }
    let diffs = attend::cases::family::differences(c, &contacts, reg);
    if diffs.is_empty() {
        return Ok(());
    }
    o.push_str(&format!(
        "\nThe MIS now differs from the case (bring its details in with attend case sync {}):\n",
        c.pupil.id
    ));
    for d in &diffs {
        o.push_str(&format!("  {}\n", d.describe(c)));
    }
    Ok(())
}

fn siblings_section(
    o: &mut String,
    ws: &Workspace,
    c: &Case,
    reg: &Register,
    today: NaiveDate,
) -> Result<()> {
    // siblings this case lists, and cases that list this pupil as their sibling
    let mut linked: Vec<Sibling> = c.siblings.clone();
    let needle = c.pupil.id.as_str();
    for (other, path) in store::case_files(ws)? {
        if other == c.pupil.id || linked.iter().any(|l| l.id.as_ref() == Some(&other)) {
            continue;
        }
        let text = store::read_text(ws, &path).map_err(|e| anyhow::anyhow!(e))?;
        if !text.contains(needle) {
            continue;
        }
        if let Ok(oc) = store::parse_for(ws, &other, &text, &path)
            && oc
                .siblings
                .iter()
                .any(|s| s.id.as_ref() == Some(&c.pupil.id))
        {
            linked.push(Sibling {
                name: oc.pupil.display_name(),
                id: Some(other),
                school: String::new(),
                year: oc.pupil.year.clone(),
                attendance_concern: None,
                notes: String::new(),
            });
        }
    }
    if linked.is_empty() {
        return Ok(());
    }
    let stages = store::stages(ws)?;
    o.push_str("\nSiblings\n");
    for s in linked {
        let mut l = format!("  {}", s.name);
        if !s.year.is_empty() {
            l.push_str(&format!(", year {}", s.year));
        }
        match &s.id {
            Some(sid) => {
                l.push_str(&format!(", {sid} at this school"));
                match stages.get(sid) {
                    Some(s) => l.push_str(&format!(", case at stage {s}")),
                    None => l.push_str(", no case"),
                }
                match attend::cases::plan::figures_on(reg, sid, today, &ws.config) {
                    (Some(s), _) => {
                        l.push_str(&format!("; attendance {}{}", s.describe(), band_note(&s)))
                    }
                    (None, Some(why)) => l.push_str(&format!("; no figures ({why})")),
                    _ => {}
                }
            }
            None if !s.school.is_empty() => l.push_str(&format!(", at {}", s.school)),
            None => {}
        }
        if let Some(cn) = s.attendance_concern {
            l.push_str(&format!(
                "; attendance concern: {}",
                if cn { "yes" } else { "no" }
            ));
        }
        o.push_str(&format!("{l}\n"));
    }
    Ok(())
}

fn plans_section(o: &mut String, c: &Case, today: NaiveDate) {
    for p in &c.plans {
        match &p.review {
            Some(r) => {
                let mut l = format!(
                    "\nPlan {} (meeting {}): {}; reviewed {}: {}, decision {}",
                    p.number,
                    p.meeting.date,
                    p.aim.describe(),
                    r.meeting.date,
                    r.outcome.label(),
                    r.decision.as_str()
                );
                if let Some(e) = r.escalation {
                    l.push_str(&format!(" to {}", e.label()));
                }
                o.push_str(&format!("{l}\n"));
            }
            None => {
                let overdue = if p.review_date < today {
                    " — OVERDUE"
                } else {
                    ""
                };
                o.push_str(&format!(
                    "\nPlan {} (meeting {}{}), open: {}; review due {}{overdue}\n",
                    p.number,
                    p.meeting.date,
                    if p.meeting.parents_attended {
                        ""
                    } else {
                        ", held in the parents' absence"
                    },
                    p.aim.describe(),
                    p.review_date
                ));
                for (i, a) in p.actions.iter().enumerate() {
                    let who = if a.for_ == ActionFor::Agency {
                        a.agency.clone()
                    } else {
                        a.for_.as_str().replace('_', " ")
                    };
                    o.push_str(&format!(
                        "  {}. [{who}] {} — {}, by {}\n",
                        i + 1,
                        a.what.replace('\n', " "),
                        a.owner,
                        a.due
                    ));
                }
            }
        }
    }
}

/// Notices to Improve and the penalty-notice ledger, per parent.
fn law_section(o: &mut String, c: &Case, today: NaiveDate) {
    use attend::cases::penalty::{describe_notice, ledger};
    for n in &c.notices_to_improve {
        let mut l = format!(
            "Notice to Improve of {}: improvement period {} to {}",
            uk_date(n.date),
            uk_date(n.from),
            uk_date(n.to)
        );
        match &n.decision {
            Some(d) if d.penalty_notice => l.push_str(&format!(
                "; followed by a penalty notice ({})",
                uk_date(d.date)
            )),
            Some(d) => l.push_str(&format!(
                "; no penalty notice ({}: {})",
                uk_date(d.date),
                d.reason
            )),
            None if n.to < today => l.push_str("; the decision on a penalty notice is pending"),
            None => {}
        }
        o.push_str(&format!("{l}\n"));
    }
    let l = ledger(c, today);
    if c.penalty_notices.is_empty() && (c.notices_to_improve.is_empty() || l.is_empty()) {
        return;
    }
    o.push_str("\nPenalty notices (per parent, for this pupil)\n");
    for p in &l {
        o.push_str(&format!("  {}\n", p.describe()));
    }
    for n in &c.penalty_notices {
        o.push_str(&format!("  {}. {}\n", n.number, describe_notice(n)));
    }
}
