//! `attend case ...`: open, list, show, log, stage, close, edit.

use super::Ctx;
use super::output::{Format, table, write_csv};
use crate::cli::case::*;
use anyhow::{Context, Result, anyhow, bail};
use attend::attendance::Snapshot;
use attend::cases::OpenOptions;
use attend::cases::editor::{Edited, edit_until_valid, editor_from_env};
use attend::cases::git::Commit;
use attend::cases::model::*;
use attend::cases::plan::open_plan;
use attend::cases::store;
use attend::cases::{Case, CaseFileError, Stage};
use attend::register::{Register, Years};
use attend::upn::PupilId;
use attend::workspace::Workspace;
use chrono::NaiveDate;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, command: CaseCommand) -> Result<ExitCode> {
    match command {
        CaseCommand::Open(a) => open(ctx, a),
        CaseCommand::List(a) => list(ctx, a),
        CaseCommand::Show(a) => show(ctx, a),
        CaseCommand::Log(a) => log(ctx, a),
        CaseCommand::Stage(a) => stage(ctx, a),
        CaseCommand::Close(a) => close(ctx, a),
        CaseCommand::Edit(a) => edit(ctx, a),
    }
}

/// A pupil id from the command line.
pub fn pupil_id(text: &str) -> Result<PupilId> {
    PupilId::parse(text).map_err(|e| {
        anyhow!("{e}\n  Give the pupil's UPN (13 characters) or ADNO-<admission number>")
    })
}

/// Who records: --by / ATTEND_USER, else the attendance lead in attend.yaml.
pub fn who(ctx: &Ctx, ws: &Workspace, by: &ByArg) -> String {
    let name = by
        .by
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| store::default_by(ws));
    if name.is_empty() {
        ctx.say(
            "note: the record does not say who made this entry: pass --by NAME, set ATTEND_USER, \
             or name the attendance lead in attend.yaml (school.attendance_lead.name)",
        );
    }
    name
}

/// Tell the user about the git commit, if it failed.
pub fn report_commit(ctx: &Ctx, commit: &Commit) {
    if let Some(w) = commit.warning() {
        eprintln!("warning: {w}");
    } else if let Commit::Committed { message } = commit {
        ctx.say(format!("  committed to git: {message}"));
    }
}

/// The register, with the academic years from `from` to `to`.
pub fn register_for(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Result<Register> {
    Register::load(&ws.register_dir(), Years::Span(from.min(to), to.max(from)))
}

fn open(ctx: &Ctx, a: OpenArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(&a.upn)?;
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
    ctx.say(format!(
        "  Next: add parents and carers with `attend case edit {id}`, record contacts with `attend case log {id} --kind call \"...\"`"
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn band_note(s: &Snapshot) -> String {
    match s.band.label() {
        "" => String::new(),
        l => format!(", {l}"),
    }
}

fn pupil_line(p: &PupilDetails) -> Option<String> {
    let mut parts = Vec::new();
    if !p.year.is_empty() {
        let y = p.year.trim();
        parts.push(if y.chars().all(|c| c.is_ascii_digit()) {
            format!("Year {y}")
        } else {
            y.to_string()
        });
    }
    if !p.reg_group.is_empty() {
        parts.push(p.reg_group.clone());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

// ---------------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------------

/// The machine-readable columns of `attend case list` (a contract: README).
pub const LIST_COLUMNS: &[&str] = &[
    "upn",
    "surname",
    "forename",
    "stage",
    "opened",
    "last_event",
    "next_review",
    "overdue",
];

struct Row {
    id: PupilId,
    surname: String,
    forename: String,
    stage: Stage,
    opened: NaiveDate,
    last_event: Option<NaiveDate>,
    next_review: Option<NaiveDate>,
    overdue: bool,
}

fn row_of(c: &Case, today: NaiveDate) -> Row {
    let next_review = if c.stage.is_open() {
        open_plan(c).map(|p| p.review_date)
    } else {
        None
    };
    Row {
        id: c.pupil.id.clone(),
        surname: c.pupil.surname.clone(),
        forename: c.pupil.forename.clone(),
        stage: c.stage,
        opened: c.opened,
        last_event: c.timeline.iter().map(|e| e.date).max(),
        next_review,
        overdue: next_review.is_some_and(|d| d < today),
    }
}

fn list(ctx: &Ctx, a: ListArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let (cases, errors) = store::load_all(&ws)?;
    for e in &errors {
        eprintln!("warning: not listed: {e}");
    }
    let rows: Vec<Row> = cases
        .iter()
        .map(|c| row_of(c, ctx.as_of))
        .filter(|r| match a.stage {
            Some(s) => r.stage == s,
            None => a.all || r.stage.is_open(),
        })
        .filter(|r| !a.overdue || r.overdue)
        .collect();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match a.format {
        Format::Table => {
            if rows.is_empty() {
                ctx.say(match (cases.is_empty(), a.overdue) {
                    (true, _) => {
                        "There are no cases yet. Open one with: attend case open UPN".to_string()
                    }
                    (false, true) => "No case has an overdue review.".to_string(),
                    (false, false) => "No case matches.".to_string(),
                });
            } else {
                let mut t = table(
                    &[
                        "UPN",
                        "Name",
                        "Stage",
                        "Opened",
                        "Last entry",
                        "Next review",
                        "",
                    ],
                    ctx.color,
                );
                for r in &rows {
                    t.add_row(vec![
                        r.id.to_string(),
                        format!("{}, {}", r.surname, r.forename),
                        r.stage.to_string(),
                        r.opened.to_string(),
                        date(r.last_event),
                        date(r.next_review),
                        if r.overdue {
                            "OVERDUE".into()
                        } else {
                            String::new()
                        },
                    ]);
                }
                let mut out = std::io::stdout().lock();
                writeln!(out, "{t}")?;
                let overdue = rows.iter().filter(|r| r.overdue).count();
                ctx.say(format!(
                    "{} case{}{}",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    if overdue > 0 {
                        format!(", {overdue} with an overdue review")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        Format::Csv => {
            let out: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.surname.clone(),
                        r.forename.clone(),
                        r.stage.to_string(),
                        r.opened.to_string(),
                        date(r.last_event),
                        date(r.next_review),
                        r.overdue.to_string(),
                    ]
                })
                .collect();
            write_csv(LIST_COLUMNS, &out)?;
        }
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "upn": r.id.as_str(),
                        "surname": r.surname,
                        "forename": r.forename,
                        "stage": r.stage.as_str(),
                        "opened": r.opened,
                        "last_event": r.last_event,
                        "next_review": r.next_review,
                        "overdue": r.overdue,
                    })
                })
                .collect();
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

// ---------------------------------------------------------------------------------------------
// show
// ---------------------------------------------------------------------------------------------

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
        format!(
            "{} to {}",
            s.from.format("%d/%m/%Y"),
            s.to.format("%d/%m/%Y")
        ),
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

fn show(ctx: &Ctx, a: ShowArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(&a.upn)?;
    let c = store::load_existing(&ws, &id)?;
    let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
    let (now, why_not) = attend::cases::plan::figures_on(&reg, &id, ctx.as_of, &ws.config);
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
        facts.push(format!("born {}", d.format("%d/%m/%Y")));
    }
    for (k, v) in [("FSM", &p.fsm), ("SEN", &p.sen), ("EAL", &p.eal)] {
        if !v.is_empty() {
            facts.push(format!("{k} {v}"));
        }
    }
    if !facts.is_empty() {
        o.push_str(&format!("{}\n", facts.join("; ")));
    }
    o.push_str(&format!("Stage: {} — {}\n", c.stage, c.stage.describe()));
    o.push_str(&format!("Opened {}", c.opened));
    if let Some(last) = c.timeline.iter().map(|e| e.date).max() {
        o.push_str(&format!("; last entry {last}"));
    }
    o.push('\n');

    // attendance: frozen figures beside today's
    let mut cols: Vec<(String, Option<&Snapshot>)> = vec![(
        format!("At opening {}", c.opened.format("%d/%m/%Y")),
        c.opening_attendance.as_ref(),
    )];
    if let Some(pl) = c.plans.last() {
        cols.push((
            format!(
                "At plan {} {}",
                pl.number,
                pl.meeting.date.format("%d/%m/%Y")
            ),
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
            format!(
                "During plan {n} (review {})",
                r.meeting.date.format("%d/%m/%Y")
            ),
            r.during_plan.as_ref(),
        ));
    }
    cols.push((
        format!("Now ({})", ctx.as_of.format("%d/%m/%Y")),
        now.as_ref(),
    ));
    let mut header: Vec<&str> = vec!["Attendance"];
    header.extend(cols.iter().map(|(h, _)| h.as_str()));
    let mut t = table(&header, ctx.color);
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
    o.push_str(&format!("\n{t}\n"));
    if let Some(w) = why_not {
        o.push_str(&format!("No figures for now: {w}\n"));
    }
    if let Some(pn) = now.as_ref().and_then(|s| s.penalty_notice.as_ref()) {
        o.push_str(&format!(
            "Penalty-notice threshold met: {} unauthorised sessions in the 10 school weeks {} to {}\n",
            pn.sessions,
            pn.from.format("%d/%m/%Y"),
            pn.to.format("%d/%m/%Y")
        ));
    }

    if !c.people.is_empty() {
        o.push_str("\nParents and carers\n");
        for person in &c.people {
            let mut l = format!("  {}", person.name);
            if !person.relationship.is_empty() {
                l.push_str(&format!(" ({})", person.relationship));
            }
            l.push_str(&format!(
                "; parental responsibility: {}",
                yes_no(person.parental_responsibility)
            ));
            if person.lives_with_pupil == Some(true) {
                l.push_str("; lives with the pupil");
            }
            o.push_str(&format!("{l}\n"));
            let mut contact = Vec::new();
            if !person.phone.is_empty() {
                contact.push(format!("phone {}", person.phone));
            }
            if !person.email.is_empty() {
                contact.push(format!("email {}", person.email));
            }
            if let Some(m) = person.preferred_contact {
                contact.push(format!(
                    "prefers {}",
                    attend::yaml::to_string(&m)
                        .unwrap_or_default()
                        .trim()
                        .replace('_', " ")
                ));
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
            "\nNo parents or carers recorded yet (add them with attend case edit {id}).\n"
        ));
    }
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
    std::io::stdout().lock().write_all(o.as_bytes())?;
    Ok(ExitCode::SUCCESS)
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
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
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

// ---------------------------------------------------------------------------------------------
// log, stage, close
// ---------------------------------------------------------------------------------------------

fn log(ctx: &Ctx, a: LogArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(&a.upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let document = match &a.document {
        Some(f) => Some(attend::cases::timeline::document_for(
            &store::case_dir(&ws, &id),
            f,
        )?),
        None => None,
    };
    let kind = a.kind.kind();
    let event = Event {
        date: a.date.unwrap_or(ctx.as_of),
        kind,
        by,
        with: a.with.unwrap_or_default().trim().to_string(),
        text: a.text.trim().to_string(),
        stage: None,
        plan: None,
        document,
    };
    let date = event.date;
    attend::cases::timeline::log_event(&mut c, event, ctx.as_of)?;
    let commit = store::save(
        &ws,
        &c,
        &format!("{} recorded for {id} ({date})", capital(kind.as_str())),
    )?;
    ctx.say(format!(
        "Recorded a {} on {date} in the case of {id}.",
        kind.as_str()
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn stage(ctx: &Ctx, a: StageArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(&a.upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    if date > ctx.as_of {
        bail!(
            "{date} is after today ({}): the timeline records what has happened",
            ctx.as_of
        );
    }
    let change = attend::cases::timeline::change_stage(
        &mut c,
        a.stage,
        a.reason.as_deref().unwrap_or(""),
        date,
        &by,
    )?;
    let commit = store::save(
        &ws,
        &c,
        &format!("Stage of {id} moved from {} to {}", change.from, change.to),
    )?;
    ctx.say(format!(
        "The case of {id} is now at stage {} (was {}).",
        change.to, change.from
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn close(ctx: &Ctx, a: CloseArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(&a.upn)?;
    let _lock = ws.lock()?;
    let mut c = store::load_existing(&ws, &id)?;
    let by = who(ctx, &ws, &a.by);
    let date = a.date.unwrap_or(ctx.as_of);
    if date > ctx.as_of {
        bail!(
            "{date} is after today ({}): the timeline records what has happened",
            ctx.as_of
        );
    }
    if let Some(p) = open_plan(&c) {
        eprintln!(
            "warning: plan {} was not reviewed (review due {}); the case is closed with the plan unreviewed",
            p.number, p.review_date
        );
    }
    attend::cases::timeline::close_case(&mut c, &a.reason, date, &by)?;
    let commit = store::save(&ws, &c, &format!("Case of {id} closed"))?;
    ctx.say(format!(
        "Closed the case of {id}. To reopen it: attend case stage {id} monitor --reason \"...\""
    ));
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// edit
// ---------------------------------------------------------------------------------------------

/// Guidance at the top of the file `attend case edit` opens (comments: not saved).
const EDIT_GUIDE: &str = "\
# Edit the case, then save and close the editor. attend checks the file when you close it:
# if something is wrong it opens it again with the problem at the top. Close without saving
# to change nothing. Comments (lines starting with #) are not kept.
#
# Sections you can add (leave out what you do not know; dates are YYYY-MM-DD):
# people:                          # parents and carers
# - name: Mrs Jane Smith
#   relationship: mother
#   parental_responsibility: true  # everyone with parental responsibility is invited to meetings
#   lives_with_pupil: true
#   address: [12 Mill Lane, Townley, TW1 4AB]
#   phone: 07700 900123
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
# recorded with `attend plan new` and `attend review`.
";

fn edit(ctx: &Ctx, a: EditArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(&a.upn)?;
    let path = store::case_path(&ws, &id);
    let original = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            anyhow!("{id} has no case.\n  Open one with: attend case open {id}")
        }
        _ => anyhow!("cannot read {}: {e}", path.display()),
    })?;
    // an invalid file can be edited too: that is how a hand edit gets fixed
    let before: Option<Case> = store::parse_for(&ws, &id, &original, &path).ok();
    let editor = editor_from_env(std::env::var("VISUAL").ok(), std::env::var("EDITOR").ok());
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
    let now = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
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
    let commit = store::save(&ws, &case, &format!("Case of {id} edited by hand"))?;
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
