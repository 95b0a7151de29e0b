//! `attend due`: what needs doing, each with the date it became due.

use super::Ctx;
use super::common::register_for;
use super::output::{table, write_csv};
use crate::cli::common::Format;
use crate::cli::due::DueArgs;
use anyhow::Result;
use attend::cases::due::{DueItem, DueKind, due};
use attend::cases::store;
use std::io::Write;
use std::process::ExitCode;

/// The machine-readable columns of `attend due` (a contract: README). The first six will not
/// change.
pub const DUE_COLUMNS: &[&str] = &[
    "kind",
    "upn",
    "name",
    "stage",
    "date",
    "detail",
    "year",
    "dob",
    "from",
    "to",
    "school_days",
];

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn record(i: &DueItem) -> Vec<String> {
    vec![
        i.kind.as_str().to_string(),
        i.id.to_string(),
        i.name.clone(),
        i.stage.map(|s| s.as_str().to_string()).unwrap_or_default(),
        date(i.date),
        i.detail.clone(),
        i.year.clone(),
        date(i.dob),
        date(i.from),
        date(i.to),
        i.school_days.clone().unwrap_or_default(),
    ]
}

pub fn run(ctx: &Ctx, a: DueArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let (cases, errors) = store::load_all(&ws)?;
    for e in &errors {
        eprintln!(
            "warning: left out of the list: {}",
            super::output::clean(&e.to_string())
        );
    }
    let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
    let mut kinds: Vec<DueKind> = a.kind.clone();
    if a.la_return {
        kinds.extend(DueKind::LA_RETURN);
    }
    let items: Vec<DueItem> = due(&cases, &reg, &ws.config, ctx.as_of, a.within)
        .into_iter()
        .filter(|i| kinds.is_empty() || kinds.contains(&i.kind))
        .collect();
    let no_dob = reg.pupils.iter().filter(|p| p.dob.is_none()).count();
    if no_dob > 0 {
        ctx.say(format!(
            "note: {} in the register {} no date of birth: attend cannot check whether they are of compulsory school age",
            attend::text::plural(no_dob, "pupil"),
            if no_dob == 1 { "has" } else { "have" }
        ));
    }
    match a.format {
        Format::Table => {
            if items.is_empty() {
                ctx.say(format!(
                    "Nothing is due within {} days of {}.",
                    a.within, ctx.as_of
                ));
            } else {
                let mut t = table(
                    &["What", "UPN", "Name", "Stage", "Date", "Details"],
                    ctx.color,
                );
                for i in &items {
                    let r = record(i);
                    t.add_row(vec![
                        i.kind.label().to_string(),
                        r[1].clone(),
                        r[2].clone(),
                        r[3].clone(),
                        r[4].clone(),
                        r[5].clone(),
                    ]);
                }
                writeln!(std::io::stdout().lock(), "{t}")?;
                ctx.say(format!(
                    "{} item{} as of {} (reviews and improvement periods looked ahead {} days; Date: when each became due).",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" },
                    ctx.as_of,
                    a.within
                ));
            }
        }
        Format::Csv => write_csv(DUE_COLUMNS, &items.iter().map(record).collect::<Vec<_>>())?,
        Format::Json => {
            let v: Vec<serde_json::Value> = items
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "kind": i.kind.as_str(),
                        "upn": i.id.as_str(),
                        "name": i.name,
                        "stage": i.stage.map(|s| s.as_str()),
                        "date": i.date,
                        "detail": i.detail,
                        "year": i.year,
                        "dob": i.dob,
                        "from": i.from,
                        "to": i.to,
                        "school_days": i.school_days,
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
