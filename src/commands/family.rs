//! `attend family UPN`: a pupil's family on one screen: the children at this school with their
//! attendance, case and open plan; brothers and sisters at other schools; the parents and carers,
//! who holds parental responsibility and who lives where.

use super::Ctx;
use super::common::{pupil_id, register_for};
use super::output::write_csv;
use super::table::{Col, FitTable, wrap};
use super::xlsx::{self, About, Sheet};
use crate::cli::common::Format;
use crate::cli::family::FamilyArgs;
use anyhow::Result;
use attend::cases::family::{Families, case_sibling_links, person_from};
use attend::cases::model::{Person, Sibling};
use attend::cases::plan::{figures_on, open_plan};
use attend::cases::{Case, store};
use attend::dates::uk_date;
use attend::register::contacts::Contacts;
use attend::text::{fold, join_and};
use attend::upn::PupilId;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

/// The machine-readable columns, in order (README: a contract).
pub const CSV_COLUMNS: &[&str] = &[
    "member",
    "upn",
    "name",
    "year",
    "reg_group",
    "school",
    "possible",
    "attendance_pct",
    "band",
    "case_stage",
    "open_plan",
    "review_due",
    "attendance_concern",
    "relationship",
    "parental_responsibility",
    "lives_with_pupil",
    "no_contact",
    "address",
    "phone",
    "mobile",
    "email",
];

/// A child of the family at this school.
struct Child {
    id: PupilId,
    name: String,
    forename: String,
    year: String,
    reg_group: String,
    possible: Option<u32>,
    pct: Option<String>,
    band: String,
    stage: String,
    plan: Option<(u32, chrono::NaiveDate)>,
    case: Option<Case>,
}

/// What a parent or carer is to one child: (child, relationship, parental responsibility, lives
/// with, no contact).
type ToChild = (PupilId, String, Option<bool>, Option<bool>, bool);

/// A parent or carer, with what they are to each child.
struct Adult {
    person: Person,
    to: Vec<ToChild>,
}

fn yn(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

pub fn run(ctx: &Ctx, a: FamilyArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
    super::common::warn_if_stale(
        ctx,
        &ws,
        attend::attendance::SchoolCalendar::on(&reg.grid, ctx.as_of).last_date,
    );
    let contacts = Contacts::load(&ws.register_dir())?;
    let families = Families::of(&reg, &contacts, &case_sibling_links(&ws)?);
    let stages = store::stages(&ws)?;
    let ids: Vec<PupilId> = match reg.index_of(&id) {
        Some(i) => match families.family[i] {
            Some(f) => families
                .members(f)
                .into_iter()
                .map(|k| reg.pupils[k].id.clone())
                .collect(),
            None => vec![id.clone()],
        },
        None => vec![id.clone()],
    };
    let mut children: Vec<Child> = Vec::new();
    let mut period: Option<(chrono::NaiveDate, chrono::NaiveDate)> = None;
    for cid in &ids {
        let case = store::load(&ws, cid)?;
        let (figures, _) = figures_on(&reg, cid, ctx.as_of, &ws.config);
        if let Some(s) = &figures {
            period.get_or_insert((s.from, s.to));
        }
        let (name, forename, year, group) = match reg.index_of(cid) {
            Some(i) => {
                let p = &reg.pupils[i];
                (
                    p.display_name(),
                    if p.preferred_forename.is_empty() {
                        p.forename.to_string()
                    } else {
                        p.preferred_forename.to_string()
                    },
                    p.year.to_string(),
                    p.reg_group.to_string(),
                )
            }
            None => match &case {
                Some(c) => (
                    c.pupil.display_name(),
                    c.pupil.forename.clone(),
                    c.pupil.year.clone(),
                    c.pupil.reg_group.clone(),
                ),
                None => anyhow::bail!(
                    "{cid} is not in the register and has no case.\n  Check the UPN, or import the latest export"
                ),
            },
        };
        children.push(Child {
            id: cid.clone(),
            name,
            forename,
            year,
            reg_group: group,
            possible: figures.as_ref().map(|s| s.possible),
            pct: figures.as_ref().and_then(|s| s.attendance_pct.clone()),
            band: figures
                .as_ref()
                .map(|s| s.band.as_str().to_string())
                .unwrap_or_default(),
            stage: stages
                .get(cid)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            plan: case
                .as_ref()
                .and_then(open_plan)
                .map(|p| (p.number, p.review_date)),
            case,
        });
    }
    // brothers and sisters elsewhere, from the children's cases
    let mut elsewhere: Vec<(Sibling, PupilId)> = Vec::new();
    for ch in &children {
        for s in ch.case.iter().flat_map(|c| &c.siblings) {
            if s.id.is_some() {
                continue;
            }
            if !elsewhere
                .iter()
                .any(|(e, _)| fold(&e.name) == fold(&s.name))
            {
                elsewhere.push((s.clone(), ch.id.clone()));
            }
        }
    }
    // the parents and carers: the MIS's, and those the cases record by hand
    let mut adults: Vec<Adult> = Vec::new();
    for ch in &children {
        for (l, c) in contacts.of_pupil(&ch.id) {
            let p = person_from(l, c);
            let to = (
                ch.id.clone(),
                p.relationship.clone(),
                p.parental_responsibility,
                p.lives_with_pupil,
                p.no_contact,
            );
            match adults.iter_mut().find(|a| a.person.contact_id == c.id) {
                Some(a) => a.to.push(to),
                None => adults.push(Adult {
                    person: p,
                    to: vec![to],
                }),
            }
        }
        for p in ch.case.iter().flat_map(|c| &c.people) {
            if !p.contact_id.is_empty()
                && adults.iter().any(|a| a.person.contact_id == p.contact_id)
            {
                continue;
            }
            let to = (
                ch.id.clone(),
                p.relationship.clone(),
                p.parental_responsibility,
                p.lives_with_pupil,
                p.no_contact,
            );
            let name = fold(&p.full_name());
            match adults
                .iter_mut()
                .find(|a| a.person.contact_id.is_empty() && fold(&a.person.full_name()) == name)
            {
                Some(a) => a.to.push(to),
                None => adults.push(Adult {
                    person: p.clone(),
                    to: vec![to],
                }),
            }
        }
    }
    let forename_of: BTreeMap<&PupilId, &str> = children
        .iter()
        .map(|c| (&c.id, c.forename.as_str()))
        .collect();
    if let Some(path) = &a.share.xlsx {
        let sheets = Sheet::split(
            CSV_COLUMNS,
            rows(&children, &elsewhere, &adults),
            "member",
            |m| {
                match m {
                    "pupil" => "Children at this school",
                    "sibling_elsewhere" => "At other schools",
                    _ => "Parents and carers",
                }
                .to_string()
            },
        );
        let last = attend::attendance::SchoolCalendar::on(&reg.grid, ctx.as_of).last_date;
        let mut about = xlsx::about_common("family", ctx.as_of, last);
        about.extend([
            About::Date("Period from", period.map(|p| p.0)),
            About::Date("Period to", period.map(|p| p.1)),
            About::Text(
                "Small groups",
                "not applied: this names a family and is for use inside the school only".into(),
            ),
        ]);
        xlsx::write(ws.fs(), path, &sheets, &about)?;
        ctx.say(format!("Wrote the workbook {}", path.display()));
    }
    match super::output::format_of(a.format, &a.share)? {
        Format::Table => print_table(
            ctx,
            a.share.wide,
            &id,
            &children,
            &elsewhere,
            &adults,
            &forename_of,
            period,
        ),
        Format::Csv => print_csv(&children, &elsewhere, &adults),
        Format::Json => print_json(&id, &children, &elsewhere, &adults, period),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// "mother of Oliver and Maya"; "father of Oliver; step-father of Maya".
fn relationships(a: &Adult, forename_of: &BTreeMap<&PupilId, &str>) -> String {
    let mut by_rel: Vec<(String, Vec<&str>)> = Vec::new();
    for (child, rel, ..) in &a.to {
        let rel = if rel.is_empty() {
            "contact".to_string()
        } else {
            rel.clone()
        };
        let name = forename_of.get(child).copied().unwrap_or("");
        match by_rel.iter_mut().find(|(r, _)| *r == rel) {
            Some((_, names)) => names.push(name),
            None => by_rel.push((rel, vec![name])),
        }
    }
    by_rel
        .iter()
        .map(|(r, names)| format!("{r} of {}", join_and(names)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "yes", "no", or per child when it differs: "Oliver: yes; Maya: no".
fn per_child(
    a: &Adult,
    forename_of: &BTreeMap<&PupilId, &str>,
    get: impl Fn(&ToChild) -> Option<bool>,
) -> String {
    let values: Vec<Option<bool>> = a.to.iter().map(&get).collect();
    if values.windows(2).all(|w| w[0] == w[1]) {
        return yn(values[0]).to_string();
    }
    a.to.iter()
        .map(|t| {
            format!(
                "{}: {}",
                forename_of.get(&t.0).copied().unwrap_or(""),
                yn(get(t))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The columns of the family's tables, and the order they are left out to fit the screen
/// (README): children: Possible, Reg, Year; parents and carers: Phone, Address (cut short
/// first), Lives with.
const CHILDREN: &[Col] = &[
    Col::keep("UPN"),
    Col::keep("Name").cut(16),
    Col::keep("Year").drop(3),
    Col::keep("Reg").drop(2),
    Col::keep("Possible").right().drop(1),
    Col::keep("Attend %").right(),
    Col::keep("Band"),
    Col::keep("Case"),
    Col::keep("Open plan").cut(25),
];

const ADULTS: &[Col] = &[
    Col::keep("Name").cut(16),
    Col::keep("To the children").cut(26),
    Col::keep("PR").cut(8),
    Col::keep("Lives with").cut(10).drop(3),
    Col::keep("Address").cut(20).drop(2),
    Col::keep("Phone").drop(1),
];

#[allow(clippy::too_many_arguments)] // what the screen shows, each part passed apart
fn print_table(
    ctx: &Ctx,
    wide: bool,
    id: &PupilId,
    children: &[Child],
    elsewhere: &[(Sibling, PupilId)],
    adults: &[Adult],
    forename_of: &BTreeMap<&PupilId, &str>,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Result<()> {
    // prose is broken to the screen's width, but for --wide
    let width = if wide { usize::MAX } else { ctx.width };
    let mut o = String::new();
    let me = children
        .iter()
        .find(|c| &c.id == id)
        .expect("the pupil is a child");
    o.push_str(&format!("The family of {} ({id})\n", me.name));
    if let Some((from, to)) = period {
        o.push_str(&format!(
            "Attendance {} to {}; percentages are of each pupil's possible sessions.\n",
            uk_date(from),
            uk_date(to)
        ));
    }
    o.push_str(&format!("\nChildren at this school ({})\n", children.len()));
    let mut t = FitTable::new(CHILDREN, ctx.color);
    for c in children {
        t.add_row(vec![
            c.id.to_string(),
            c.name.clone(),
            c.year.clone(),
            c.reg_group.clone(),
            c.possible.map(|p| p.to_string()).unwrap_or_default(),
            c.pct.clone().unwrap_or_default(),
            c.band.replace('_', " ").replace("none", ""),
            c.stage.clone(),
            c.plan
                .map(|(n, d)| format!("plan {n}, review {}", uk_date(d)))
                .unwrap_or_default(),
        ]);
    }
    o.push_str(&format!("{}\n", t.render(ctx.width, wide).with_note()));
    if !elsewhere.is_empty() {
        o.push_str("\nBrothers and sisters at other schools\n");
        for (s, _) in elsewhere {
            let mut l = format!("  {}", s.name);
            if !s.school.is_empty() {
                l.push_str(&format!(", {}", s.school));
            }
            if !s.year.is_empty() {
                l.push_str(&format!(", year {}", s.year));
            }
            if let Some(c) = s.attendance_concern {
                l.push_str(&format!(
                    "; attendance concern: {}",
                    if c { "yes" } else { "no" }
                ));
            }
            if !s.notes.is_empty() {
                l.push_str(&format!("; {}", s.notes.replace('\n', " ")));
            }
            o.push_str(&format!("{l}\n"));
        }
    }
    if adults.is_empty() {
        o.push_str(&format!(
            "\nNo parents or carers are known: import the MIS's contacts export (attend import contacts.csv), or add them to the case (attend case person add {id} ...).\n"
        ));
    } else {
        o.push_str("\nParents and carers\n");
        let mut t = FitTable::new(ADULTS, ctx.color);
        for a in adults {
            let p = &a.person;
            let phone = [&p.mobile, &p.phone, &p.work_phone]
                .into_iter()
                .find(|x| !x.is_empty())
                .cloned()
                .unwrap_or_default();
            t.add_row(vec![
                p.addressed_name(),
                relationships(a, forename_of),
                per_child(a, forename_of, |t| t.2),
                per_child(a, forename_of, |t| t.3),
                p.address.join(", "),
                phone,
            ]);
        }
        o.push_str(&format!("{}\n", t.render(ctx.width, wide).with_note()));
        for a in adults.iter().filter(|a| a.to.iter().any(|t| t.4)) {
            o.push_str(&format!(
                "WARNING: {} is marked no contact (court order or no correspondence): never written to.\n",
                a.person.addressed_name()
            ));
        }
    }
    std::io::stdout()
        .lock()
        .write_all(wrap(&o, width).as_bytes())?;
    Ok(())
}

fn rows(
    children: &[Child],
    elsewhere: &[(Sibling, PupilId)],
    adults: &[Adult],
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let blank = || vec![String::new(); CSV_COLUMNS.len()];
    let col = |name: &str| {
        CSV_COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect("a column")
    };
    for c in children {
        let mut r = blank();
        r[col("member")] = "pupil".into();
        r[col("upn")] = c.id.to_string();
        r[col("name")] = c.name.clone();
        r[col("year")] = c.year.clone();
        r[col("reg_group")] = c.reg_group.clone();
        r[col("possible")] = c.possible.map(|p| p.to_string()).unwrap_or_default();
        r[col("attendance_pct")] = c.pct.clone().unwrap_or_default();
        r[col("band")] = c.band.clone();
        r[col("case_stage")] = c.stage.clone();
        r[col("open_plan")] = c.plan.map(|(n, _)| n.to_string()).unwrap_or_default();
        r[col("review_due")] = c.plan.map(|(_, d)| d.to_string()).unwrap_or_default();
        out.push(r);
    }
    for (s, _) in elsewhere {
        let mut r = blank();
        r[col("member")] = "sibling_elsewhere".into();
        r[col("name")] = s.name.clone();
        r[col("year")] = s.year.clone();
        r[col("school")] = s.school.clone();
        r[col("attendance_concern")] = yn(s.attendance_concern).into();
        out.push(r);
    }
    for a in adults {
        for (child, rel, pr, lives, nc) in &a.to {
            let p = &a.person;
            let mut r = blank();
            r[col("member")] = "contact".into();
            r[col("upn")] = child.to_string();
            r[col("name")] = p.addressed_name();
            r[col("relationship")] = rel.clone();
            r[col("parental_responsibility")] = yn(*pr).into();
            r[col("lives_with_pupil")] = yn(*lives).into();
            r[col("no_contact")] = if *nc { "yes" } else { "no" }.into();
            r[col("address")] = p.address.join(", ");
            r[col("phone")] = p.phone.clone();
            r[col("mobile")] = p.mobile.clone();
            r[col("email")] = p.email.clone();
            out.push(r);
        }
    }
    out
}

fn print_csv(children: &[Child], elsewhere: &[(Sibling, PupilId)], adults: &[Adult]) -> Result<()> {
    write_csv(CSV_COLUMNS, &rows(children, elsewhere, adults))
}

fn print_json(
    id: &PupilId,
    children: &[Child],
    elsewhere: &[(Sibling, PupilId)],
    adults: &[Adult],
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Result<()> {
    let v = json!({
        "pupil": id.as_str(),
        "period_from": period.map(|p| p.0.to_string()),
        "period_to": period.map(|p| p.1.to_string()),
        "children": children.iter().map(|c| json!({
            "upn": c.id.as_str(),
            "name": c.name,
            "year": c.year,
            "reg_group": c.reg_group,
            "possible": c.possible,
            "attendance_pct": c.pct.as_ref().and_then(|p| p.parse::<f64>().ok()),
            "band": c.band,
            "case_stage": if c.stage.is_empty() { Value::Null } else { Value::from(c.stage.clone()) },
            "open_plan": c.plan.map(|(n, _)| n),
            "review_due": c.plan.map(|(_, d)| d.to_string()),
        })).collect::<Vec<_>>(),
        "siblings_elsewhere": elsewhere.iter().map(|(s, from)| json!({
            "name": s.name,
            "school": s.school,
            "year": s.year,
            "attendance_concern": s.attendance_concern,
            "notes": s.notes,
            "recorded_in_case_of": from.as_str(),
        })).collect::<Vec<_>>(),
        "contacts": adults.iter().map(|a| {
            let p = &a.person;
            json!({
                "name": p.addressed_name(),
                "title": p.title,
                "forename": p.forename,
                "surname": p.surname,
                "address": p.address,
                "phone": p.phone,
                "mobile": p.mobile,
                "work_phone": p.work_phone,
                "email": p.email,
                "preferred_contact": p.preferred_contact.map(|m| m.as_str()),
                "contact_id": if p.contact_id.is_empty() { Value::Null } else { Value::from(p.contact_id.clone()) },
                "children": a.to.iter().map(|(child, rel, pr, lives, nc)| json!({
                    "upn": child.as_str(),
                    "relationship": rel,
                    "parental_responsibility": pr,
                    "lives_with_pupil": lives,
                    "no_contact": nc,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    });
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &v)?;
    writeln!(out)?;
    Ok(())
}
