//! Charts for the pages, drawn by `plotters` into SVG: the weekly trend, groups, weekdays and
//! codes.

use crate::codes::Category;
use crate::report::{CodeUse, Report, Week};
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use std::sync::OnceLock;

use crate::text::plural;

/// The chart font: used only to measure text while laying a chart out (the browser draws the
/// text with the page's font, Liberation Sans or a metric twin such as Arial).
const FONT: &[u8] = include_bytes!("../../documents/engine/fonts/LiberationSans-Regular.ttf");

/// A chart on a page: its title, the SVG and a note under it.
#[derive(Serialize)]
pub(super) struct Chart {
    pub(super) title: String,
    pub(super) svg: String,
    pub(super) note: String,
}

/// A date on a chart's axis: "2 Sep".
fn axis_date(d: NaiveDate) -> String {
    d.format("%-d %b").to_string()
}

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
pub(super) fn svg(
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
pub(super) fn axis_floor(lowest: f64) -> f64 {
    (((lowest - 5.0) / 10.0).floor() * 10.0).clamp(0.0, 90.0)
}

/// How many ticks a percentage axis from `lo` to 100 gets: every 5, 10 or 20 points.
pub(super) fn y_ticks(lo: f64) -> usize {
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
pub(super) fn trend_chart(
    weeks: &[Week],
    threshold: u32,
    w: u32,
    h: u32,
) -> Result<Option<String>> {
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
    pub(super) label: String,
    pub(super) value: f64,
    pub(super) text: String,
    pub(super) colour: RGBColor,
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
pub(super) fn nice_ceiling(x: f64) -> f64 {
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
pub(super) fn group_chart(r: &Report, b: &crate::report::Breakdown) -> Result<Option<Chart>> {
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
            "{} of fewer than {} pupils not shown.",
            plural(withheld, "group"),
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
pub(super) fn weekday_chart(r: &Report) -> Result<Option<Chart>> {
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
pub(super) fn code_chart(codes: &[CodeUse]) -> Result<Option<Chart>> {
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
