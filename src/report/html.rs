//! Self-contained HTML pages (no scripts, no network, A4 print) with inline SVG charts.
//!
//! The pages are tera templates (`templates/report/`, embedded at build time) rendered with HTML
//! autoescape on, so every name, group value and school name from the register is escaped; the
//! charts are drawn by `plotters` into SVG (which escapes its own text) and inserted as they are.
//! Every number printed comes from the report's own strings (`attendance_pct`...); the charts
//! place their marks with the exact rates ([`Sessions::attendance`]) but label them with the
//! same strings.

use super::{CodeUse, Figures, PupilPicture, Report, Sessions, Week};
use crate::codes::Category;
use anyhow::{Context as _, Result, anyhow};
use chrono::NaiveDate;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use std::sync::OnceLock;

const STYLE: &str = include_str!("../../templates/report/_style.css");
const REPORT: &str = include_str!("../../templates/report/report.html.tera");
const PUPIL: &str = include_str!("../../templates/report/pupil.html.tera");

/// The chart font: used only to measure text while laying a chart out (the browser draws the
/// text with the page's font, Liberation Sans or a metric twin such as Arial).
const FONT: &[u8] = include_bytes!("../documents/engine/fonts/LiberationSans-Regular.ttf");

/// Shown for a missing figure (nothing possible).
const NONE: &str = "–";

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

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

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn week_date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn axis_date(d: NaiveDate) -> String {
    d.format("%-d %b").to_string()
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
            detail: format!("{} sessions", s.authorised),
        },
        Card {
            label: "Unauthorised absence".into(),
            value: pct_text(&s.unauthorised_pct),
            detail: format!("{} sessions", s.unauthorised),
        },
    ]
}

#[derive(Serialize)]
struct Chart {
    title: String,
    svg: String,
    note: String,
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
        cards.extend([
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
        ]);
        let mut benchmarks = Vec::new();
        if !r.benchmarks.is_empty() {
            benchmarks.push(BenchRow {
                name: r.school.clone(),
                school: true,
                cells: vec![
                    or_none(&s.attendance_pct),
                    or_none(&s.authorised_pct),
                    or_none(&s.unauthorised_pct),
                    or_none(&w.persistent_pct),
                    or_none(&w.severe_pct),
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

// ---------------------------------------------------------------------------------------------
// Charts (plotters, SVG backend)
// ---------------------------------------------------------------------------------------------

const INK: RGBColor = RGBColor(40, 40, 40);
const GRID: RGBColor = RGBColor(225, 225, 225);
const LINE: RGBColor = RGBColor(31, 94, 150);
const THRESHOLD: RGBColor = RGBColor(192, 40, 40);
const BAR: RGBColor = RGBColor(70, 120, 170);
const PA_BAR: RGBColor = RGBColor(200, 90, 60);
/// Mark colours, the same as the marks grid's (templates/report/_style.css).
const PRESENT: RGBColor = RGBColor(124, 196, 128);
const APPROVED: RGBColor = RGBColor(92, 178, 168);
const AUTHORISED: RGBColor = RGBColor(242, 180, 60);
const UNAUTHORISED: RGBColor = RGBColor(222, 80, 64);
const NOT_COUNTED: RGBColor = RGBColor(190, 190, 190);

/// plotters prints SVG font sizes at 1/1.24 of the size asked for.
const LABEL: f64 = 14.0;
const SMALL: f64 = 13.0;

fn chart_font() -> Result<()> {
    static OK: OnceLock<bool> = OnceLock::new();
    let ok = *OK.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(anyhow!("the chart font could not be loaded"))
    }
}

fn drawing<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart: {e:?}")
}

/// Run `draw` on a `w` × `h` SVG canvas and return the SVG, ready to be inlined in HTML.
fn svg(
    w: u32,
    h: u32,
    label: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()>,
) -> Result<String> {
    chart_font()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        draw(&root)?;
        root.present().map_err(drawing)?;
    }
    // Inline SVG in HTML needs no namespace declaration (the HTML parser gives it), and the page
    // then names no web address at all. The label is for screen readers.
    let out = out.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    let out = out.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape_attr(label)),
        1,
    );
    Ok(out)
}

/// Escape text for an HTML attribute (the charts' labels; the pages are escaped by tera).
fn escape_attr(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A round lower end for a percentage axis that ends at 100: 5 below the lowest value shown.
fn axis_floor(lowest: f64) -> f64 {
    (((lowest - 5.0) / 10.0).floor() * 10.0).clamp(0.0, 90.0)
}

/// How many ticks a percentage axis from `lo` to 100 gets: every 5, 10 or 20 points.
fn y_ticks(lo: f64) -> usize {
    let span = 100.0 - lo;
    let step = if span <= 30.0 {
        5.0
    } else if span <= 60.0 {
        10.0
    } else {
        20.0
    };
    (span / step) as usize + 1
}

/// A label's backing: a box of `fill` behind text of `size` drawn at `offset` from its anchor
/// with position `pos`, so a line or bar behind it does not cross the words.
fn backing(
    text: (u32, u32),
    offset: (i32, i32),
    pos: Pos,
    fill: ShapeStyle,
) -> Rectangle<(i32, i32)> {
    Rectangle::new(label_box(text, offset, pos), fill)
}

/// The box (corners, relative to the anchor) that text of `size` takes at `offset` and `pos`.
fn label_box(text: (u32, u32), offset: (i32, i32), pos: Pos) -> [(i32, i32); 2] {
    // the layout estimate is made at 1.24 × the size the SVG prints (see LABEL)
    let w = (f64::from(text.0) / 1.24).ceil() as i32 + 4;
    let h = (f64::from(text.1) * 1.15).ceil() as i32 + 2;
    let x0 = match pos.h_pos {
        HPos::Left => offset.0 - 2,
        HPos::Center => offset.0 - w / 2,
        HPos::Right => offset.0 - w + 2,
    };
    let y0 = match pos.v_pos {
        VPos::Top => offset.1 - 1,
        VPos::Center => offset.1 - h / 2,
        VPos::Bottom => offset.1 - h + 1,
    };
    [(x0, y0), (x0 + w, y0 + h)]
}

/// Weekly attendance as a line against the persistent-absence line; `None` with no weeks.
fn trend_chart(weeks: &[Week], threshold: u32, w: u32, h: u32) -> Result<Option<String>> {
    let points: Vec<(i32, f64)> = weeks
        .iter()
        .enumerate()
        .filter_map(|(i, wk)| wk.sessions.attendance().map(|a| (i as i32, a)))
        .collect();
    if points.is_empty() {
        return Ok(None);
    }
    let dates: Vec<String> = weeks.iter().map(|w| axis_date(w.week_beginning)).collect();
    let thr = f64::from(threshold);
    let lowest = points.iter().map(|p| p.1).fold(thr, f64::min);
    let lo = axis_floor(lowest);
    let last = (weeks.len() as i32 - 1).max(1);
    let label = format!("persistent absence line ({threshold}%)");
    let chart = svg(w, h, "Weekly attendance chart", |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(10)
            .margin_right(22)
            .margin_left(6)
            .x_label_area_size(42)
            .y_label_area_size(52)
            .build_cartesian_2d(0..last, lo..100.5)
            .map_err(drawing)?;
        let fmt_x = |i: &i32| dates.get(*i as usize).cloned().unwrap_or_default();
        let fmt_y = |v: &f64| format!("{v:.0}%");
        chart
            .configure_mesh()
            .x_labels(weeks.len().clamp(2, 10))
            .y_labels(y_ticks(lo))
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .label_style(("sans-serif", LABEL).into_font().color(&INK))
            .axis_desc_style(("sans-serif", LABEL).into_font().color(&INK))
            .x_desc("week beginning")
            .y_desc("attendance")
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(0, thr), (last, thr)],
                8,
                5,
                THRESHOLD.stroke_width(2),
            ))
            .map_err(drawing)?;
        chart
            .draw_series(
                LineSeries::new(points.iter().copied(), LINE.stroke_width(2)).point_size(3),
            )
            .map_err(drawing)?;
        // The label goes at an end of the line, above or below it, where the weekly line
        // crosses it least: the line in pixels, sampled between the weeks.
        let font = ("sans-serif", SMALL).into_font().color(&THRESHOLD);
        let size = root.estimate_text_size(&label, &font).map_err(drawing)?;
        let px: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(p)).collect();
        let mut samples = px.clone();
        for w in px.windows(2) {
            for k in 1..12 {
                let t = f64::from(k) / 12.0;
                let at = |a: i32, b: i32| a + (f64::from(b - a) * t).round() as i32;
                samples.push((at(w[0].0, w[1].0), at(w[0].1, w[1].1)));
            }
        }
        let candidates = [
            (last, Pos::new(HPos::Right, VPos::Top), (-4, 5)),
            (last, Pos::new(HPos::Right, VPos::Bottom), (-4, -5)),
            (0, Pos::new(HPos::Left, VPos::Top), (4, 5)),
            (0, Pos::new(HPos::Left, VPos::Bottom), (4, -5)),
        ];
        let crossings = |(x, pos, offset): &(i32, Pos, (i32, i32))| {
            let (ax, ay) = chart.backend_coord(&(*x, thr));
            let [(x0, y0), (x1, y1)] = label_box(size, *offset, *pos);
            samples
                .iter()
                .filter(|(sx, sy)| {
                    (ax + x0 - 3..=ax + x1 + 3).contains(sx)
                        && (ay + y0 - 3..=ay + y1 + 3).contains(sy)
                })
                .count()
        };
        let (x, pos, offset) = candidates
            .iter()
            .min_by_key(|c| crossings(c))
            .copied()
            .unwrap_or(candidates[0]);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x, thr))
                    + backing(size, offset, pos, WHITE.mix(0.85).filled())
                    + Text::new(label.clone(), offset, font.pos(pos)),
            ))
            .map_err(drawing)?;
        Ok(())
    })?;
    Ok(Some(chart))
}

/// One bar of a bar chart: where it ends, the text printed beside it, its colour.
struct Bar {
    label: String,
    value: f64,
    text: String,
    colour: RGBColor,
}

/// Shorten a long label for a chart axis (the tables carry the whole text).
fn short_label(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Horizontal bars, first bar at the top; `reference` draws a dashed vertical line with a label.
fn hbar_chart(
    bars: &[Bar],
    w: u32,
    row: u32,
    x_desc: &str,
    percent: bool,
    reference: Option<(f64, String)>,
    aria: &str,
) -> Result<String> {
    let n = bars.len();
    let h = 24 + 50 + row * n as u32 + if reference.is_some() { 18 } else { 0 };
    let max = bars
        .iter()
        .map(|b| b.value)
        .chain(reference.iter().map(|r| r.0))
        .fold(0.0, f64::max);
    // room on the right for the value printed after the longest bar
    let top = nice_ceiling(max * 1.3).max(if percent { 10.0 } else { 5.0 });
    let top = if percent { top.min(100.0) } else { top };
    let labels: Vec<String> = bars.iter().map(|b| short_label(&b.label, 18)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let label_area = (longest as u32 * 8 + 14).clamp(40, 160);
    svg(w, h, aria, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(if reference.is_some() { 24 } else { 8 })
            .margin_right(16)
            .margin_left(4)
            .x_label_area_size(46)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..top, (0..n - 1).into_segmented())
            .map_err(drawing)?;
        let fmt_y = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < n => labels[n - 1 - *i].clone(),
            _ => String::new(),
        };
        let fmt_x = |v: &f64| {
            if percent {
                format!("{v:.0}%")
            } else {
                format!("{v:.0}")
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .x_labels(6)
            .y_label_formatter(&fmt_y)
            .x_label_formatter(&fmt_x)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .label_style(("sans-serif", LABEL).into_font().color(&INK))
            .axis_desc_style(("sans-serif", LABEL).into_font().color(&INK))
            .x_desc(x_desc)
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(k, b)| {
                let i = n - 1 - k;
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i)),
                        (b.value, SegmentValue::Exact(i + 1)),
                    ],
                    b.colour.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                r
            }))
            .map_err(drawing)?;
        if let Some((x, text)) = &reference {
            chart
                .draw_series(DashedLineSeries::new(
                    [(*x, SegmentValue::Exact(0)), (*x, SegmentValue::Last)],
                    6,
                    4,
                    INK.stroke_width(1),
                ))
                .map_err(drawing)?;
            let style = ("sans-serif", SMALL)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((*x, SegmentValue::Last))
                        + Text::new(text.clone(), (0, -4), style),
                ))
                .map_err(drawing)?;
        }
        // each bar's figure after its end, or inside it (in white) where it would not fit
        let font = ("sans-serif", SMALL).into_font().color(&INK);
        let right = chart.backend_coord(&(top, SegmentValue::Exact(0))).0;
        let mut labels = Vec::with_capacity(n);
        for (k, b) in bars.iter().enumerate() {
            let i = n - 1 - k;
            let at = (b.value, SegmentValue::CenterOf(i));
            let size = root.estimate_text_size(&b.text, &font).map_err(drawing)?;
            let [_, (x1, _)] = label_box(size, (4, 0), Pos::new(HPos::Left, VPos::Center));
            let (pos, offset, fill, colour) = if chart.backend_coord(&at).0 + x1 <= right {
                (HPos::Left, (4, 0), WHITE.mix(0.85), &INK)
            } else {
                (HPos::Right, (-4, 0), b.colour.to_rgba(), &WHITE)
            };
            let pos = Pos::new(pos, VPos::Center);
            labels.push(
                EmptyElement::at(at)
                    + backing(size, offset, pos, fill.filled())
                    + Text::new(b.text.clone(), offset, font.color(colour).pos(pos)),
            );
        }
        chart.draw_series(labels).map_err(drawing)?;
        Ok(())
    })
}

/// A round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or above `x`.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x - 1e-9)
        .unwrap_or(10.0 * p)
}

/// The rate of persistent absence in each group of a breakdown (withheld groups left out).
fn group_chart(r: &Report, b: &super::Breakdown) -> Result<Option<Chart>> {
    let bars: Vec<Bar> = b
        .groups
        .iter()
        .filter_map(|g| {
            let f = g.figures.as_ref()?;
            Some(Bar {
                label: g.group.clone(),
                value: f.persistent_rate()?,
                text: format!("{}% ({})", f.persistent_pct.as_deref()?, f.persistent),
                colour: PA_BAR,
            })
        })
        .collect();
    let withheld = b.groups.iter().filter(|g| g.figures.is_none()).count();
    // a breakdown with one group, or more than fit a page, is left to its table
    if bars.len() < 2 || bars.len() > 30 {
        return Ok(None);
    }
    let reference = match (
        r.whole_school.persistent_rate(),
        &r.whole_school.persistent_pct,
    ) {
        (Some(x), Some(t)) => Some((x, format!("whole school {t}%"))),
        _ => None,
    };
    let svg = hbar_chart(
        &bars,
        335,
        22,
        "% of pupils persistently absent",
        true,
        reference,
        &format!("Persistent absence by {}", b.title),
    )?;
    let mut note = String::new();
    if withheld > 0 {
        note = format!(
            "{withheld} group{} of fewer than {} pupils not shown.",
            if withheld == 1 { "" } else { "s" },
            r.small_group
        );
    }
    Ok(Some(Chart {
        title: b.title.clone(),
        svg,
        note,
    }))
}

/// Attendance on each weekday as vertical bars, labelled with the report's figures.
fn weekday_chart(r: &Report) -> Result<Option<Chart>> {
    let days: Vec<(String, f64, String)> = r
        .weekdays
        .iter()
        .filter_map(|d| {
            Some((
                d.weekday.chars().take(3).collect(),
                d.sessions.attendance()?,
                format!("{}%", d.sessions.attendance_pct.as_deref()?),
            ))
        })
        .collect();
    if days.is_empty() {
        return Ok(None);
    }
    let lowest = days.iter().map(|d| d.1).fold(100.0, f64::min);
    let lo = axis_floor(lowest);
    let n = days.len();
    let svg = svg(335, 250, "Attendance by weekday", |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(12)
            .margin_right(10)
            .margin_left(4)
            .x_label_area_size(30)
            .y_label_area_size(46)
            .build_cartesian_2d((0..n - 1).into_segmented(), lo..100.0)
            .map_err(drawing)?;
        let fmt_x = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < n => days[*i].0.clone(),
            _ => String::new(),
        };
        let fmt_y = |v: &f64| format!("{v:.0}%");
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .y_labels(y_ticks(lo))
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .label_style(("sans-serif", LABEL).into_font().color(&INK))
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), lo),
                        (SegmentValue::Exact(i + 1), d.1),
                    ],
                    BAR.filled(),
                );
                r.set_margin(0, 0, 8, 8);
                r
            }))
            .map_err(drawing)?;
        let style = ("sans-serif", SMALL)
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                EmptyElement::at((SegmentValue::CenterOf(i), d.1))
                    + Text::new(d.2.clone(), (0, -3), style.clone())
            }))
            .map_err(drawing)?;
        Ok(())
    })?;
    Ok(Some(Chart {
        title: "Attendance by weekday".into(),
        svg,
        note: format!("The scale starts at {lo:.0}%, not 0, to show the differences."),
    }))
}

/// The colour of a code's bar, by how it counts.
fn category_colour(counts_as: &str) -> RGBColor {
    [
        (Category::Present, PRESENT),
        (Category::ApprovedActivity, APPROVED),
        (Category::Authorised, AUTHORISED),
        (Category::Unauthorised, UNAUTHORISED),
    ]
    .into_iter()
    .find(|(c, _)| c.label() == counts_as)
    .map(|(_, colour)| colour)
    .unwrap_or(NOT_COUNTED)
}

/// A pupil's codes as bars of sessions, coloured by how each counts.
fn code_chart(codes: &[CodeUse]) -> Result<Option<Chart>> {
    if codes.is_empty() {
        return Ok(None);
    }
    let bars: Vec<Bar> = codes
        .iter()
        .map(|c| Bar {
            label: c.code.clone(),
            value: f64::from(c.sessions),
            text: c.sessions.to_string(),
            colour: category_colour(&c.counts_as),
        })
        .collect();
    let svg = hbar_chart(&bars, 300, 19, "sessions", false, None, "Sessions by code")?;
    Ok(Some(Chart {
        title: "Sessions by code".into(),
        svg,
        note: String::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{
        BenchmarkRow, Breakdown, Caseload, Group, MarkCell, MarkWeek, StageCount, Weekday,
    };
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sessions(possible: u32, attended: u32, authorised: u32, l: u32, u: u32) -> Sessions {
        let c = crate::attendance::Counts {
            possible,
            present: attended,
            authorised,
            unauthorised: possible - attended - authorised,
            late_before_close: l,
            late_after_close: u,
            ..Default::default()
        };
        Sessions::of(&c)
    }

    fn figures(pupils: u32, s: Sessions, persistent: u32, severe: u32) -> Figures {
        Figures {
            pupils,
            sessions: s,
            persistent,
            persistent_pct: Some(format!(
                "{:.1}",
                f64::from(persistent) * 100.0 / f64::from(pupils)
            )),
            severe,
            severe_pct: Some(format!(
                "{:.1}",
                f64::from(severe) * 100.0 / f64::from(pupils)
            )),
        }
    }

    fn group(name: &str, f: Figures) -> Group {
        Group {
            group: name.into(),
            small: false,
            figures: Some(f),
            withheld: None,
        }
    }

    fn report() -> Report {
        let weeks = (0..12)
            .map(|i| Week {
                week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
                sessions: sessions(1000, 900 + (i as u32 % 5) * 9, 40, 10, 3),
            })
            .collect();
        let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
            .iter()
            .enumerate()
            .map(|(i, w)| Weekday {
                weekday: w.to_string(),
                sessions: sessions(2400, 2150 + i as u32 * 30, 90, 20, 5),
            })
            .collect();
        Report {
            school: "St Mary & St John's <script>alert(1)</script>".into(),
            period: "Autumn term 2024".into(),
            from: d(2024, 9, 2),
            to: d(2024, 11, 22),
            academic_year: "2024/25".into(),
            school_weeks: 12,
            persistent_threshold: 90,
            severe_threshold: 50,
            small_group: 5,
            small_groups_withheld: true,
            whole_school: figures(120, sessions(12000, 11321, 450, 95, 21), 17, 2),
            breakdowns: vec![
                Breakdown {
                    key: "year".into(),
                    title: "Year group".into(),
                    groups: vec![
                        group("7", figures(40, sessions(4000, 3800, 120, 30, 5), 4, 0)),
                        group("8", figures(40, sessions(4000, 3700, 160, 30, 8), 7, 1)),
                        group("9", figures(40, sessions(4000, 3821, 170, 35, 8), 6, 1)),
                    ],
                },
                Breakdown {
                    key: "fsm".into(),
                    title: "Free school meals".into(),
                    groups: vec![
                        group("N", figures(100, sessions(10000, 9500, 350, 70, 11), 10, 1)),
                        group(
                            "Y <b>&co</b>",
                            figures(17, sessions(1700, 1521, 80, 20, 8), 6, 1),
                        ),
                        Group {
                            group: "(not recorded)".into(),
                            small: true,
                            figures: None,
                            withheld: Some("fewer than 5".into()),
                        },
                    ],
                },
            ],
            weeks,
            weekdays,
            absence_codes: vec![CodeUse {
                code: "I".into(),
                meaning: "Illness".into(),
                counts_as: "authorised absence".into(),
                sessions: 321,
                share_pct: Some("47.3".into()),
            }],
            benchmarks: vec![BenchmarkRow {
                name: "National".into(),
                attendance_pct: Some("93.1".into()),
                authorised_pct: Some("4.2".into()),
                unauthorised_pct: Some("2.7".into()),
                persistent_pct: Some("17.8".into()),
                severe_pct: Some("2.2".into()),
            }],
            caseload: Some(Caseload {
                by_stage: vec![StageCount {
                    stage: "support".into(),
                    cases: 4,
                }],
                reviews_held: 3,
                reviewed_on_time: 2,
                reviews_overdue: 1,
                outcome_met: 1,
                outcome_some_improvement: 1,
                outcome_not_met: 1,
            }),
            pupils_without_sessions: 2,
        }
    }

    fn picture() -> PupilPicture {
        let cell = |code: &str, kind: &str| MarkCell {
            code: code.into(),
            kind: kind.into(),
        };
        let marks = (0..3)
            .map(|i| MarkWeek {
                week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
                days: vec![
                    [cell("/", "present"), cell("\\", "present")],
                    [cell("I", "authorised"), cell("I", "authorised")],
                    [cell("O", "unauthorised"), cell("", "no_mark")],
                    [cell("B", "approved"), cell("X", "not_counted")],
                    [cell("", "not_held"), cell("", "not_held")],
                ],
            })
            .collect();
        PupilPicture {
            school: "Riverside & Co".into(),
            upn: "A123456789012".into(),
            name: "Zoë <script>O'Brien & Sons".into(),
            year: "9".into(),
            reg_group: "9A".into(),
            period: "Autumn term 2024".into(),
            from: d(2024, 9, 2),
            to: d(2024, 9, 20),
            figures: sessions(24, 17, 4, 2, 1),
            band: "persistent absence".into(),
            persistent_threshold: 90,
            weeks: (0..3)
                .map(|i| Week {
                    week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
                    sessions: sessions(8, 4 + i as u32, 2, 1, 0),
                })
                .collect(),
            marks,
            codes: vec![
                CodeUse {
                    code: "/".into(),
                    meaning: "Present (AM)".into(),
                    counts_as: "present".into(),
                    sessions: 12,
                    share_pct: Some("50.0".into()),
                },
                CodeUse {
                    code: "O".into(),
                    meaning: "Unauthorised absence <not> explained".into(),
                    counts_as: "unauthorised absence".into(),
                    sessions: 3,
                    share_pct: Some("12.5".into()),
                },
            ],
        }
    }

    fn self_contained(html: &str) {
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "a script in the page");
        assert!(!lower.contains("http://"), "a web address in the page");
        assert!(!lower.contains("https://"), "a web address in the page");
        assert!(!lower.contains("<link"), "an external resource");
        assert!(!lower.contains("<img"), "an external image");
        assert!(!lower.contains("url("), "a CSS resource");
        assert!(lower.contains("@page { size: a4; margin: 15mm; }"));
    }

    #[test]
    fn report_page_shows_the_headline_figures() {
        let r = report();
        let html = report_page(&r).unwrap();
        self_contained(&html);
        let s = &r.whole_school.sessions;
        for v in [
            s.attendance_pct.as_deref().unwrap(),
            s.authorised_pct.as_deref().unwrap(),
            s.unauthorised_pct.as_deref().unwrap(),
            r.whole_school.persistent_pct.as_deref().unwrap(),
            r.whole_school.severe_pct.as_deref().unwrap(),
        ] {
            assert!(html.contains(&format!("{v}%")), "{v}% missing");
        }
        assert!(html.contains("94.3%"), "attendance 11321/12000");
        assert!(html.contains("17 of 120 pupils at or below 90%"));
        assert!(html.contains("2 of 120 pupils at or below 50%"));
        assert!(html.contains("1 September 2024") || html.contains("2 September 2024"));
        assert!(html.contains("22 November 2024"));
        assert!(html.contains("12 school weeks"));
        // benchmarks beside the school
        assert!(html.contains("<td>National</td><td>93.1</td>"));
        // caseload and codes
        assert!(html.contains("Reviews held in the period</td><td>3</td>"));
        assert!(html.contains("<td>I</td><td class=\"text\">Illness</td>"));
        assert!(html.contains("47.3"));
    }

    #[test]
    fn report_page_draws_the_charts() {
        let html = report_page(&report()).unwrap();
        // trend, weekday, and a PA chart for each breakdown with two groups or more
        assert_eq!(html.matches("<svg ").count(), 4, "{html}");
        assert!(html.contains("persistent absence line (90%)"));
        assert!(html.contains("aria-label=\"Attendance by weekday\""));
        // weekday bars are labelled with the report's own figure
        let mon = report().weekdays[0]
            .sessions
            .attendance_pct
            .clone()
            .unwrap();
        assert!(html.contains(&format!("{mon}%")));
    }

    #[test]
    fn withheld_groups_show_fewer_than_5_and_no_figures() {
        let html = report_page(&report()).unwrap();
        assert!(html.contains(
            "<tr><td>(not recorded)</td><td class=\"withheld\" colspan=\"10\">fewer than 5</td></tr>"
        ));
        assert!(html.contains("1 group of fewer than 5 pupils not shown."));
        // the withheld group is not a bar in the chart
        let fsm_chart = html
            .split("<figcaption>Free school meals</figcaption>")
            .nth(1)
            .unwrap()
            .split("</figure>")
            .next()
            .unwrap();
        assert!(!fsm_chart.contains("not recorded"));
        assert!(fsm_chart.contains(">\nN\n</text>") || fsm_chart.contains("N\n</text>"));
    }

    #[test]
    fn untrusted_text_is_escaped_in_the_page_and_the_charts() {
        let html = report_page(&report()).unwrap();
        assert!(
            html.contains("St Mary &amp; St John&#39;s &lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
                || html
                    .contains("St Mary &amp; St John&#39;s &lt;script&gt;alert(1)&lt;/script&gt;")
        );
        assert!(!html.contains("<b>&co</b>"));
        // the group's name on the chart (SVG text) is escaped too
        let chart = html.split("<svg ").nth(4).unwrap();
        assert!(chart.contains("Y &lt;b&gt;&amp;co&lt;/b&gt;"), "{chart}");
        let p = pupil_page(&picture()).unwrap();
        self_contained(&p);
        assert!(p.contains("<h1>Zoë &lt;script&gt;O&#39;Brien &amp; Sons</h1>"));
        assert!(p.contains("&lt;not&gt;"));
        assert!(p.contains("Riverside &amp; Co"));
    }

    #[test]
    fn pupil_page_shows_figures_marks_and_charts() {
        let p = picture();
        let html = pupil_page(&p).unwrap();
        self_contained(&html);
        assert!(html.contains("UPN A123456789012"));
        assert!(html.contains("Year 9"));
        assert!(html.contains("registration group 9A"));
        let att = p.figures.attendance_pct.clone().unwrap();
        assert!(html.contains(&format!("{att}%")), "{att}");
        assert!(html.contains("<strong>persistent absence</strong>"));
        assert!(html.contains("persistent absence line (90%)"));
        // trend and code mix
        assert_eq!(html.matches("<svg ").count(), 2);
        // 3 weeks × 10 sessions in the grid, each coloured by kind with its code
        assert_eq!(html.matches("<td class=\"m k-").count(), 30);
        assert!(html.contains("<td class=\"m k-unauthorised\">O</td>"));
        assert!(html.contains("<td class=\"m k-authorised pm\">I</td>"));
        assert!(html.contains("<td class=\"m k-no_mark pm\"></td>"));
        assert!(html.contains("<td class=\"w\">9 Sep 2024</td>"));
        for k in KEY {
            assert!(html.contains(&format!("swatch k-{}", k.kind)));
        }
    }

    #[test]
    fn empty_periods_render_without_charts() {
        let mut r = report();
        r.weeks.clear();
        r.weekdays.clear();
        r.breakdowns.clear();
        r.absence_codes.clear();
        r.caseload = None;
        r.benchmarks.clear();
        let html = report_page(&r).unwrap();
        assert!(!html.contains("<svg"));
        let mut p = picture();
        p.weeks.clear();
        p.marks.clear();
        p.codes.clear();
        p.figures = Sessions::default();
        let html = pupil_page(&p).unwrap();
        assert!(!html.contains("<svg"));
        assert!(html.contains("–"));
    }

    #[test]
    fn one_week_and_one_code_draw() {
        let mut p = picture();
        p.weeks.truncate(1);
        p.marks.truncate(1);
        p.codes.truncate(1);
        let html = pupil_page(&p).unwrap();
        assert_eq!(html.matches("<svg ").count(), 2);
        let mut r = report();
        r.weeks.truncate(1);
        r.weekdays.truncate(1);
        r.breakdowns[0].groups.truncate(2);
        let html = report_page(&r).unwrap();
        assert_eq!(html.matches("<svg ").count(), 4);
    }

    #[test]
    fn a_school_year_of_weeks_and_many_groups_draw() {
        let mut r = report();
        r.weeks = (0..39)
            .map(|i| Week {
                week_beginning: d(2024, 9, 2) + chrono::Duration::weeks(i),
                sessions: sessions(1000, 850 + (i as u32 * 7) % 120, 20, 10, 3),
            })
            .collect();
        r.breakdowns[0].groups = (0..30)
            .map(|i| {
                group(
                    &format!("Form {i} with a rather long name"),
                    figures(10, sessions(100, 90, 5, 1, 1), i % 10, 0),
                )
            })
            .collect();
        let html = report_page(&r).unwrap();
        assert_eq!(html.matches("<svg ").count(), 4);
        // long names are shortened on the chart, whole in the table
        assert!(html.contains("Form 3 with a rat…"));
        assert!(html.contains("<td>Form 3 with a rather long name</td>"));
        // one group more than a page holds: the chart is left to the table
        r.breakdowns[0].groups.push(group(
            "extra",
            figures(10, sessions(100, 90, 5, 1, 1), 1, 0),
        ));
        assert_eq!(report_page(&r).unwrap().matches("<svg ").count(), 3);
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_ceiling(13.0), 15.0);
        assert_eq!(nice_ceiling(2.1), 2.5);
        assert_eq!(nice_ceiling(41.0), 50.0);
        assert_eq!(nice_ceiling(158.6), 200.0);
        assert_eq!(y_ticks(80.0), 5);
        assert_eq!(y_ticks(0.0), 6);
        assert_eq!(axis_floor(93.2), 80.0);
        assert_eq!(axis_floor(2.0), 0.0);
    }
}
