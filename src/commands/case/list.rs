//! `attend case list`.

use super::*;
use crate::commands::table::{Col, FitTable};
use crate::commands::xlsx::{self, About, Sheet};

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

/// The columns of case list's table, and the order they are left out to fit the screen (README):
/// Last entry, then Opened; Name is cut short first.
const TABLE: &[Col] = &[
    Col::keep("UPN"),
    Col::keep("Name").cut(16),
    Col::keep("Stage"),
    Col::keep("Opened").drop(2),
    Col::keep("Last entry").drop(1),
    Col::keep("Next review"),
    Col::keep(""),
];

pub(super) fn list(ctx: &Ctx, a: ListArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let (cases, errors) = store::load_all(&ws)?;
    for e in &errors {
        eprintln!(
            "warning: not listed: {}",
            super::super::output::clean(&e.to_string())
        );
    }
    let changed = cases
        .iter()
        .filter(|c| !attend::cases::seal::broken(c).is_empty())
        .count();
    if changed > 0 {
        ctx.warn(format!(
            "{changed} case{} a part changed by hand after it was recorded (no document is issued from {} until it is put back or amended): attend case verify --all lists them",
            if changed == 1 { " has" } else { "s have" },
            if changed == 1 { "it" } else { "them" },
        ));
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
    let mut rows = rows;
    // as an officer reads them: by stage, the soonest review first (none last), then by name
    rows.sort_by(|x, y| {
        (x.stage, x.next_review.is_none(), x.next_review)
            .cmp(&(y.stage, y.next_review.is_none(), y.next_review))
            .then_with(|| {
                attend::text::fold(&format!("{} {}", x.surname, x.forename)).cmp(
                    &attend::text::fold(&format!("{} {}", y.surname, y.forename)),
                )
            })
            .then_with(|| x.id.as_str().cmp(y.id.as_str()))
    });
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let csv_rows: Vec<Vec<String>> = rows
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
    if let Some(path) = &a.share.xlsx {
        let reg = register_for(&ws, ctx.as_of, ctx.as_of)?;
        let last = attend::attendance::SchoolCalendar::on(&reg.grid, ctx.as_of).last_date;
        let mut about = xlsx::about_common("case list", ctx.as_of, last);
        about.extend([
            About::Text(
                "Order",
                "by stage, then the next review (soonest first), then by name".into(),
            ),
            About::Text(
                "Small groups",
                "not applied: this list names pupils and is for use inside the school only".into(),
            ),
        ]);
        xlsx::write(
            ws.fs(),
            path,
            &[Sheet::new("Cases", LIST_COLUMNS, csv_rows.clone())],
            &about,
        )?;
        ctx.say(format!("Wrote the workbook {}", path.display()));
    }
    match crate::commands::output::format_of(a.format, &a.share)? {
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
                let mut t = FitTable::new(TABLE, ctx.color);
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
                writeln!(out, "{}", t.render(ctx.width, a.share.wide).with_note())?;
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
        Format::Csv => write_csv(LIST_COLUMNS, &csv_rows)?,
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
