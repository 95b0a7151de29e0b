//! `attend case list`.

use super::*;

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
