//! Self-contained HTML pages (no scripts, no network, A4 print) with inline SVG charts.
//!
//! The pages are tera templates (`templates/report/`, embedded at build time) rendered with HTML
//! autoescape on, so every name, group value and school name from the register is escaped; the
//! charts are drawn by `plotters` into SVG (which escapes its own text) and inserted as they are.
//! Every number printed comes from the report's own strings (`attendance_pct`...); the charts
//! place their marks with the exact rates ([`Sessions::attendance`]) but label them with the
//! same strings.

mod charts;
#[cfg(test)]
mod tests;

use super::{CodeUse, Figures, PupilPicture, Report, Sessions};
use crate::dates::long_date;
use anyhow::{Context as _, Result};
use charts::*;
use chrono::NaiveDate;
use serde::Serialize;

const STYLE: &str = include_str!("../../../templates/report/_style.css");
const REPORT: &str = include_str!("../../../templates/report/report.html.tera");
const PUPIL: &str = include_str!("../../../templates/report/pupil.html.tera");

/// Shown for a missing figure (nothing possible).
const NONE: &str = "–";

// Pages

/// The whole-school report as one HTML page.
pub fn report_page(r: &Report) -> Result<String> {
    let view = ReportView::of(r)?;
    render("report.html", REPORT, &view)
}

/// One pupil's page for a meeting.
pub fn pupil_page(p: &PupilPicture) -> Result<String> {
    let view = PupilView::of(p)?;
    render("pupil.html", PUPIL, &view)
}

fn render<T: Serialize>(name: &str, source: &str, view: &T) -> Result<String> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".css"]);
    tera.add_raw_templates(vec![("_style.css", STYLE), (name, source)])
        .with_context(|| format!("the built-in template {name} is broken"))?;
    let ctx = tera::Context::from_serialize(view)
        .with_context(|| format!("preparing the {name} page"))?;
    tera.render(name, &ctx)
        .with_context(|| format!("rendering the {name} page"))
}

fn or_none(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| NONE.to_string())
}

fn week_date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A headline figure.
#[derive(Serialize)]
struct Card {
    label: String,
    value: String,
    detail: String,
}

/// The attendance, authorised and unauthorised cards every page starts with.
fn session_cards(s: &super::Sessions) -> Vec<Card> {
    vec![
        Card {
            label: "Attendance".into(),
            value: pct_text(&s.attendance_pct),
            detail: format!("{} of {} possible sessions", s.attended, s.possible),
        },
        Card {
            label: "Authorised absence".into(),
            value: pct_text(&s.authorised_pct),
            detail: crate::text::plural(s.authorised, "session"),
        },
        Card {
            label: "Unauthorised absence".into(),
            value: pct_text(&s.unauthorised_pct),
            detail: crate::text::plural(s.unauthorised, "session"),
        },
    ]
}

#[derive(Serialize)]
struct BenchRow {
    name: String,
    school: bool,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct GroupRow {
    group: String,
    /// "fewer than 5" when the figures are withheld, else "".
    withheld: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Table {
    title: String,
    rows: Vec<GroupRow>,
}

#[derive(Serialize)]
struct WeekRow {
    label: String,
    possible: u32,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct CodeRow {
    code: String,
    meaning: String,
    counts_as: String,
    sessions: u32,
    share: String,
}

impl CodeRow {
    fn of(c: &CodeUse) -> CodeRow {
        CodeRow {
            code: c.code.clone(),
            meaning: c.meaning.clone(),
            counts_as: c.counts_as.clone(),
            sessions: c.sessions,
            share: or_none(&c.share_pct),
        }
    }
}

#[derive(Serialize)]
struct ReportView<'a> {
    r: &'a Report,
    from: String,
    to: String,
    cards: Vec<Card>,
    benchmarks: Vec<BenchRow>,
    trend: Option<Chart>,
    weekday: Option<Chart>,
    weekday_rows: Vec<WeekRow>,
    group_charts: Vec<Chart>,
    tables: Vec<Table>,
    weeks: Vec<WeekRow>,
    codes: Vec<CodeRow>,
}

fn group_cells(f: &Figures) -> Vec<String> {
    let s = &f.sessions;
    vec![
        f.pupils.to_string(),
        or_none(&s.attendance_pct),
        or_none(&s.authorised_pct),
        or_none(&s.unauthorised_pct),
        f.persistent.to_string(),
        or_none(&f.persistent_pct),
        f.severe.to_string(),
        or_none(&f.severe_pct),
        or_none(&s.late_before_close_pct),
        or_none(&s.late_after_close_pct),
    ]
}

fn session_cells(s: &Sessions) -> Vec<String> {
    vec![
        or_none(&s.attendance_pct),
        or_none(&s.authorised_pct),
        or_none(&s.unauthorised_pct),
        or_none(&s.late_before_close_pct),
        or_none(&s.late_after_close_pct),
    ]
}

fn pct_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("{s}%"),
        None => NONE.to_string(),
    }
}

impl<'a> ReportView<'a> {
    fn of(r: &'a Report) -> Result<ReportView<'a>> {
        let w = &r.whole_school;
        let s = &w.sessions;
        let mut cards = session_cards(s);
        match &r.statistics_basis {
            // on the DfE's basis (aged 5 to 15), with every pupil's figure beside it
            Some(b) => cards.extend([
                Card {
                    label: "Persistently absent, aged 5 to 15".into(),
                    value: pct_text(&b.persistent_pct),
                    detail: format!(
                        "{} of {} pupils at or below {}%, the DfE's basis; all pupils {} ({} of {})",
                        b.persistent,
                        b.pupils,
                        r.persistent_threshold,
                        pct_text(&w.persistent_pct),
                        w.persistent,
                        w.pupils
                    ),
                },
                Card {
                    label: "Severely absent, aged 5 to 15".into(),
                    value: pct_text(&b.severe_pct),
                    detail: format!(
                        "{} of {} pupils at or below {}%, the DfE's basis; all pupils {} ({} of {})",
                        b.severe,
                        b.pupils,
                        r.severe_threshold,
                        pct_text(&w.severe_pct),
                        w.severe,
                        w.pupils
                    ),
                },
            ]),
            None => cards.extend([
                Card {
                    label: "Persistently absent".into(),
                    value: pct_text(&w.persistent_pct),
                    detail: format!(
                        "{} of {} pupils at or below {}%",
                        w.persistent, w.pupils, r.persistent_threshold
                    ),
                },
                Card {
                    label: "Severely absent".into(),
                    value: pct_text(&w.severe_pct),
                    detail: format!(
                        "{} of {} pupils at or below {}%",
                        w.severe, w.pupils, r.severe_threshold
                    ),
                },
            ]),
        }
        let mut benchmarks = Vec::new();
        if !r.benchmarks.is_empty() {
            benchmarks.push(BenchRow {
                name: r.school.clone(),
                school: true,
                cells: vec![
                    or_none(&s.attendance_pct),
                    or_none(&s.authorised_pct),
                    or_none(&s.unauthorised_pct),
                    // beside national figures: the DfE's basis when it can be given
                    or_none(
                        r.statistics_basis
                            .as_ref()
                            .map_or(&w.persistent_pct, |b| &b.persistent_pct),
                    ),
                    or_none(
                        r.statistics_basis
                            .as_ref()
                            .map_or(&w.severe_pct, |b| &b.severe_pct),
                    ),
                ],
            });
            for b in &r.benchmarks {
                benchmarks.push(BenchRow {
                    name: b.name.clone(),
                    school: false,
                    cells: vec![
                        or_none(&b.attendance_pct),
                        or_none(&b.authorised_pct),
                        or_none(&b.unauthorised_pct),
                        or_none(&b.persistent_pct),
                        or_none(&b.severe_pct),
                    ],
                });
            }
        }
        let trend = trend_chart(&r.weeks, r.persistent_threshold, 680, 250)?.map(|svg| Chart {
            title: "Attendance week by week".into(),
            svg,
            note: format!(
                "Attendance % of the whole school in each school week, against the persistent \
                 absence line ({}%).",
                r.persistent_threshold
            ),
        });
        let weekday = weekday_chart(r)?;
        let weekday_rows = r
            .weekdays
            .iter()
            .map(|d| WeekRow {
                label: d.weekday.clone(),
                possible: d.sessions.possible,
                cells: session_cells(&d.sessions),
            })
            .collect();
        let mut group_charts = Vec::new();
        for b in &r.breakdowns {
            if let Some(c) = group_chart(r, b)? {
                group_charts.push(c);
            }
        }
        let tables = r
            .breakdowns
            .iter()
            .map(|b| Table {
                title: b.title.clone(),
                rows: b
                    .groups
                    .iter()
                    .map(|g| match &g.figures {
                        Some(f) => GroupRow {
                            group: g.group.clone(),
                            withheld: String::new(),
                            cells: group_cells(f),
                        },
                        None => GroupRow {
                            group: g.group.clone(),
                            withheld: g
                                .withheld
                                .clone()
                                .unwrap_or_else(|| format!("fewer than {}", r.small_group)),
                            cells: Vec::new(),
                        },
                    })
                    .collect(),
            })
            .collect();
        let weeks = r
            .weeks
            .iter()
            .map(|w| WeekRow {
                label: week_date(w.week_beginning),
                possible: w.sessions.possible,
                cells: session_cells(&w.sessions),
            })
            .collect();
        Ok(ReportView {
            r,
            from: long_date(r.from),
            to: long_date(r.to),
            cards,
            benchmarks,
            trend,
            weekday,
            weekday_rows,
            group_charts,
            tables,
            weeks,
            codes: r.absence_codes.iter().map(CodeRow::of).collect(),
        })
    }
}

/// One session's cell of the marks grid.
#[derive(Serialize)]
struct Cell {
    code: String,
    kind: String,
}

#[derive(Serialize)]
struct MarksRow {
    week: String,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Key {
    kind: &'static str,
    label: &'static str,
}

/// The marks grid's colour key, in the order of the kinds in [`super::MarkCell::kind`].
const KEY: [Key; 7] = [
    Key {
        kind: "present",
        label: "present",
    },
    Key {
        kind: "approved",
        label: "approved educational activity",
    },
    Key {
        kind: "authorised",
        label: "authorised absence",
    },
    Key {
        kind: "unauthorised",
        label: "unauthorised absence",
    },
    Key {
        kind: "not_counted",
        label: "not counted",
    },
    Key {
        kind: "no_mark",
        label: "no mark entered",
    },
    Key {
        kind: "not_held",
        label: "no session",
    },
];

#[derive(Serialize)]
struct PupilView<'a> {
    p: &'a PupilPicture,
    from: String,
    to: String,
    cards: Vec<Card>,
    band: String,
    trend: Option<Chart>,
    marks: Vec<MarksRow>,
    key: &'static [Key],
    codes: Vec<CodeRow>,
    code_chart: Option<Chart>,
}

impl<'a> PupilView<'a> {
    fn of(p: &'a PupilPicture) -> Result<PupilView<'a>> {
        let s = &p.figures;
        let mut cards = session_cards(s);
        cards.extend([
            Card {
                label: "Late before close (L)".into(),
                value: s.late_before_close.to_string(),
                detail: "sessions, counted as present".into(),
            },
            Card {
                label: "Late after close (U)".into(),
                value: s.late_after_close.to_string(),
                detail: "sessions, counted as unauthorised".into(),
            },
        ]);
        let band = if p.band.is_empty() {
            format!(
                "above the persistent absence line ({}%)",
                p.persistent_threshold
            )
        } else {
            p.band.clone()
        };
        let trend = trend_chart(&p.weeks, p.persistent_threshold, 680, 230)?.map(|svg| Chart {
            title: "Attendance week by week".into(),
            svg,
            note: format!(
                "Attendance % in each school week, against the persistent absence line ({}%).",
                p.persistent_threshold
            ),
        });
        let marks = p
            .marks
            .iter()
            .map(|w| MarksRow {
                week: week_date(w.week_beginning),
                cells: w
                    .days
                    .iter()
                    .flat_map(|d| d.iter())
                    .map(|c| Cell {
                        code: c.code.clone(),
                        kind: kind_class(&c.kind).to_string(),
                    })
                    .collect(),
            })
            .collect();
        Ok(PupilView {
            p,
            from: long_date(p.from),
            to: long_date(p.to),
            cards,
            band,
            trend,
            marks,
            key: &KEY,
            codes: p.codes.iter().map(CodeRow::of).collect(),
            code_chart: code_chart(&p.codes)?,
        })
    }
}

/// The CSS class suffix of a mark kind (an unknown kind is drawn as "not counted").
fn kind_class(kind: &str) -> &'static str {
    KEY.iter()
        .find(|k| k.kind == kind)
        .map(|k| k.kind)
        .unwrap_or("not_counted")
}
