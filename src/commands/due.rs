//! `attend due`: what needs doing, each with the date it became due.

use super::Ctx;
use super::common::register_for;
use super::output::write_csv;
use super::table::{Col, FitTable};
use super::xlsx::{self, About, Sheet};
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

/// The columns of due's table, and the order they are left out to fit the screen (README):
/// Stage, then UPN; Details, What and Name are cut short first.
const TABLE: &[Col] = &[
    Col::keep("What").cut(16),
    Col::keep("UPN").drop(2),
    Col::keep("Name").cut(16),
    Col::keep("Stage").drop(1),
    Col::keep("Date"),
    Col::keep("Details").cut(30),
];

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
    super::common::warn_if_stale(
        ctx,
        &ws,
        attend::attendance::SchoolCalendar::on(&reg.grid, ctx.as_of).last_date,
    );
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
    if let Some(path) = &a.share.xlsx {
        let last = attend::attendance::SchoolCalendar::on(&reg.grid, ctx.as_of).last_date;
        let mut about = xlsx::about_common("due", ctx.as_of, last);
        about.extend([
            About::Text(
                "What is listed",
                format!(
                    "what needs doing as of the as-of date; reviews and the ends of improvement periods looked ahead {}",
                    attend::text::plural(a.within, "day")
                ),
            ),
            About::Text("date", "when each item became due".into()),
            About::Text(
                "Small groups",
                "not applied: this list names pupils and is for use inside the school only".into(),
            ),
        ]);
        xlsx::write(
            ws.fs(),
            path,
            &[Sheet::new(
                "Due",
                DUE_COLUMNS,
                items.iter().map(record).collect(),
            )],
            &about,
        )?;
        ctx.say(format!("Wrote the workbook {}", path.display()));
    }
    match super::output::format_of(a.format, &a.share)? {
        Format::Table => {
            if items.is_empty() {
                ctx.say(format!(
                    "Nothing is due within {} of {}.",
                    attend::text::plural(a.within, "day"),
                    ctx.as_of
                ));
            } else {
                let mut t = FitTable::new(TABLE, ctx.color);
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
                writeln!(
                    std::io::stdout().lock(),
                    "{}",
                    t.render(ctx.width, a.share.wide).with_note()
                )?;
                ctx.say(format!(
                    "{} as of {} (reviews and improvement periods looked ahead {}; Date: when each became due).",
                    attend::text::plural(items.len(), "item"),
                    ctx.as_of,
                    attend::text::plural(a.within, "day")
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
