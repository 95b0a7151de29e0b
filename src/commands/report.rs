//! `attend report`: whole-school figures by group, week, weekday and code, with the caseload.

use super::Ctx;
use super::output::{thousands, write_csv};
use super::table::{Col, FitTable, wrap};
use super::xlsx::{self, About, Sheet};
use crate::cli::common::Format;
use crate::cli::report::ReportArgs;
use anyhow::{Context, Result};
use attend::attendance::Frame;
use attend::dates::AcademicYear;
use attend::dates::uk_date;
use attend::report::{Figures, Report, ReportInput, Sessions, build, html};
use std::io::Write;
use std::process::ExitCode;

/// The CSV columns: one table holding every section of the report.
pub const CSV_COLUMNS: &[&str] = &[
    "section",
    "breakdown",
    "group",
    "pupils",
    "possible",
    "attended",
    "authorised",
    "unauthorised",
    "late_before_close",
    "late_after_close",
    "attendance_pct",
    "authorised_pct",
    "unauthorised_pct",
    "late_before_close_pct",
    "late_after_close_pct",
    "persistent",
    "persistent_pct",
    "severe",
    "severe_pct",
    "count",
    "share_pct",
];

pub fn run(ctx: &Ctx, args: ReportArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let t = ws.config.thresholds.clone();
    let spec = args.period.spec();
    let t0 = std::time::Instant::now();
    let (reg, cal, period) = super::common::register_for_period(ctx, &ws, &spec)?;
    if reg.is_empty() {
        anyhow::bail!(
            "the register is empty: import an export first (attend import FILE.csv), then run attend report"
        );
    }
    super::common::warn_if_stale(ctx, &ws, cal.last_date);
    let frame = Frame::new(&reg.grid, &cal, period);
    let (cases, problems) = attend::cases::store::load_all(&ws)?;
    for p in &problems {
        ctx.say(format!(
            "warning: a case file is left out of the caseload: {p:#}"
        ));
    }
    let t1 = std::time::Instant::now();
    let input = ReportInput {
        register: &reg,
        frame: &frame,
        thresholds: &t,
        school: ws.config.school.name.clone(),
        extra_groups: ws.config.extra_columns(),
        small_group: ws.config.report.small_group,
        benchmarks: ws.config.benchmarks_for(AcademicYear::of(frame.period.to)),
        cases: (!cases.is_empty()).then_some(cases.as_slice()),
        today: ctx.as_of,
        // reviews are not in the register: they count to the end of the period asked for (or
        // today), not to the latest imported session
        caseload_to: match (spec.to, spec.term) {
            (Some(to), _) => to,
            (None, Some(term)) => AcademicYear::of(frame.period.to).term(term).1,
            _ => ctx.as_of,
        }
        .min(ctx.as_of)
        .max(frame.period.from),
    };
    let report = build(&input);
    attend::timing("figures", t1);
    let shared = if args.show_small_groups {
        report.clone()
    } else {
        report.clone().for_sharing()
    };
    if let Some(path) = &args.html {
        let page = html::report_page(&shared)?;
        attend::fsutil::write_output(Some(ws.fs()), path, page.as_bytes())
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
        ctx.say(format!(
            "Wrote the report to {}{}",
            path.display(),
            if shared.small_groups_withheld {
                format!(
                    " (groups of fewer than {} pupils withheld)",
                    shared.small_group
                )
            } else {
                " (small groups shown: for use inside the school only)".to_string()
            }
        ));
    }
    if let Some(path) = &args.share.xlsx {
        let sheets = Sheet::split(CSV_COLUMNS, csv_rows(&shared), "section", |s| {
            attend::text::capitalise(&s.replace('_', " "))
        });
        let mut about = xlsx::about_common("report", ctx.as_of, cal.last_date);
        about.extend([
            About::Text("School", shared.school.clone()),
            About::Text(
                "Period",
                format!(
                    "{} ({} to {})",
                    shared.period,
                    uk_date(shared.from),
                    uk_date(shared.to)
                ),
            ),
            About::Date("Period from", Some(shared.from)),
            About::Date("Period to", Some(shared.to)),
            About::Text(
                "Small groups",
                if shared.small_groups_withheld {
                    format!(
                        "groups of fewer than {} pupils: figures withheld, so that no pupil can be recognised (--show-small-groups shows them, for use inside the school only)",
                        shared.small_group
                    )
                } else {
                    format!(
                        "groups of fewer than {} pupils shown (--show-small-groups): for use inside the school only",
                        shared.small_group
                    )
                },
            ),
            About::Text(
                "Percentages",
                "of possible sessions (persistent and severe: of pupils), shown with one decimal"
                    .into(),
            ),
        ]);
        xlsx::write(ws.fs(), path, &sheets, &about)?;
        ctx.say(format!("Wrote the workbook {}", path.display()));
    }
    match super::output::format_of(args.format, &args.share)? {
        Format::Table => print_table(ctx, args.share.wide, &report),
        Format::Csv => write_csv(CSV_COLUMNS, &csv_rows(&shared)),
        Format::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &shared)?;
            writeln!(out)?;
            Ok(())
        }
    }?;
    attend::timing("report total", t0);
    Ok(ExitCode::SUCCESS)
}

fn or_blank(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn session_cells(s: &Sessions) -> Vec<String> {
    vec![
        s.possible.to_string(),
        s.attended.to_string(),
        s.authorised.to_string(),
        s.unauthorised.to_string(),
        s.late_before_close.to_string(),
        s.late_after_close.to_string(),
        or_blank(&s.attendance_pct),
        or_blank(&s.authorised_pct),
        or_blank(&s.unauthorised_pct),
        or_blank(&s.late_before_close_pct),
        or_blank(&s.late_after_close_pct),
    ]
}

fn figure_cells(f: &Figures) -> Vec<String> {
    let mut v = vec![f.pupils.to_string()];
    v.extend(session_cells(&f.sessions));
    v.extend([
        f.persistent.to_string(),
        or_blank(&f.persistent_pct),
        f.severe.to_string(),
        or_blank(&f.severe_pct),
    ]);
    v
}

fn row(section: &str, breakdown: &str, group: &str, middle: Vec<String>) -> Vec<String> {
    let mut v = vec![
        section.to_string(),
        breakdown.to_string(),
        group.to_string(),
    ];
    v.extend(middle);
    v.resize(CSV_COLUMNS.len(), String::new());
    v
}

/// The CSV's rows (before neutralisation), for CSV and the workbook.
fn csv_rows(r: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row(
        "school",
        "",
        "whole school",
        figure_cells(&r.whole_school),
    )];
    if let Some(b) = &r.statistics_basis {
        // the DfE's basis: pupils aged 5 to 15 at the start of the academic year
        let mut v = row(
            "school",
            "dfe_basis",
            "aged 5 to 15",
            vec![b.pupils.to_string()],
        );
        v[15] = b.persistent.to_string();
        v[16] = or_blank(&b.persistent_pct);
        v[17] = b.severe.to_string();
        v[18] = or_blank(&b.severe_pct);
        rows.push(v);
    }
    for b in &r.benchmarks {
        let mut v = row("benchmark", "", &b.name, vec![]);
        v[10] = or_blank(&b.attendance_pct);
        v[11] = or_blank(&b.authorised_pct);
        v[12] = or_blank(&b.unauthorised_pct);
        v[16] = or_blank(&b.persistent_pct);
        v[18] = or_blank(&b.severe_pct);
        rows.push(v);
    }
    for b in &r.breakdowns {
        for g in &b.groups {
            rows.push(match (&g.figures, &g.withheld) {
                (Some(f), _) => row("group", &b.title, &g.group, figure_cells(f)),
                (None, w) => row("group", &b.title, &g.group, vec![or_blank(w)]),
            });
        }
    }
    for w in &r.weeks {
        let mut m = vec![String::new()];
        m.extend(session_cells(&w.sessions));
        rows.push(row("week", "", &w.week_beginning.to_string(), m));
    }
    for d in &r.weekdays {
        let mut m = vec![String::new()];
        m.extend(session_cells(&d.sessions));
        rows.push(row("weekday", "", &d.weekday, m));
    }
    for c in &r.absence_codes {
        let mut v = row("absence_code", &c.counts_as, &c.code, vec![]);
        v[19] = c.sessions.to_string();
        v[20] = or_blank(&c.share_pct);
        rows.push(v);
    }
    if let Some(c) = &r.caseload {
        for s in &c.by_stage {
            let mut v = row("caseload", "stage", &s.stage, vec![]);
            v[19] = s.cases.to_string();
            rows.push(v);
        }
        for (what, n) in [
            ("reviews held", c.reviews_held),
            ("reviewed on time", c.reviewed_on_time),
            ("reviews overdue", c.reviews_overdue),
            ("outcome: target met", c.outcome_met),
            ("outcome: some improvement", c.outcome_some_improvement),
            ("outcome: target not met", c.outcome_not_met),
        ] {
            let mut v = row("caseload", "reviews", what, vec![]);
            v[19] = n.to_string();
            rows.push(v);
        }
    }
    rows
}

fn with_pct(n: u32, pct: &Option<String>) -> String {
    match pct {
        Some(p) => format!("{n} ({p}%)"),
        None => n.to_string(),
    }
}

fn pct_cell(p: &Option<String>) -> String {
    p.as_ref().map(|p| format!("{p}%")).unwrap_or_default()
}

fn print_table(ctx: &Ctx, wide: bool, r: &Report) -> Result<()> {
    let mut out: Vec<u8> = Vec::new();
    let fit = |t: &FitTable<'_>| t.render(ctx.width, wide).with_note();
    // prose is broken to the screen's width, but for --wide
    let width = if wide { usize::MAX } else { ctx.width };
    let school = if r.school.is_empty() {
        "Whole school".to_string()
    } else {
        r.school.clone()
    };
    writeln!(
        out,
        "{school}: attendance, {} ({} to {}, {} school week{})",
        r.period,
        uk_date(r.from),
        uk_date(r.to),
        r.school_weeks,
        if r.school_weeks == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "Persistent absence: attendance {}% or less; severe absence: {}% or less.",
        r.persistent_threshold, r.severe_threshold
    )?;
    writeln!(out)?;
    let header = [
        "",
        "Pupils",
        "Attendance",
        "Authorised",
        "Unauthorised",
        "Persistent",
        "Severe",
        "Late (L)",
        "Late after close (U)",
    ];
    let mut tb = FitTable::new(&figure_cols(&header), ctx.color);
    let w = &r.whole_school;
    tb.add_row(figure_row("This school, all pupils", w));
    if let Some(b) = &r.statistics_basis {
        tb.add_row(vec![
            "This school, aged 5 to 15 (DfE basis)".to_string(),
            thousands(b.pupils as usize),
            String::new(),
            String::new(),
            String::new(),
            with_pct(b.persistent, &b.persistent_pct),
            with_pct(b.severe, &b.severe_pct),
            String::new(),
            String::new(),
        ]);
    }
    for b in &r.benchmarks {
        tb.add_row(vec![
            b.name.clone(),
            String::new(),
            pct_cell(&b.attendance_pct),
            pct_cell(&b.authorised_pct),
            pct_cell(&b.unauthorised_pct),
            pct_cell(&b.persistent_pct),
            pct_cell(&b.severe_pct),
            String::new(),
            String::new(),
        ]);
    }
    writeln!(out, "{}", fit(&tb))?;
    match &r.statistics_basis {
        Some(b) => {
            writeln!(
                out,
                "Persistent and severe absence rates to set beside national and local authority figures are on the DfE's basis: {}. Left out of it: {} outside those ages (Reception, sixth form){}.",
                b.basis,
                attend::text::plural(b.outside_ages, "pupil"),
                if b.without_dob > 0 {
                    format!(
                        ", and {} with no date of birth in the register",
                        attend::text::plural(b.without_dob, "pupil")
                    )
                } else {
                    String::new()
                }
            )?;
        }
        None => writeln!(
            out,
            "note: the register has no dates of birth, so the rates cannot be given on the DfE's basis (pupils aged 5 to 15): the figures above count every pupil."
        )?,
    }
    let mut small = false;
    for b in &r.breakdowns {
        let mut h = header;
        h[0] = &b.title;
        let mut tb = FitTable::new(&figure_cols(&h), ctx.color);
        for g in &b.groups {
            let name = if g.small {
                small = true;
                format!("{} *", g.group)
            } else {
                g.group.clone()
            };
            match &g.figures {
                Some(f) => tb.add_row(figure_row(&name, f)),
                None => tb.add_row(vec![name, or_blank(&g.withheld)]),
            };
        }
        writeln!(out, "\n{}", fit(&tb))?;
    }
    if small {
        writeln!(
            out,
            "* fewer than {} pupils: shown here, withheld in CSV, JSON and HTML (--show-small-groups shows them).",
            r.small_group
        )?;
    }
    let mut tb = FitTable::new(
        &[
            Col::keep("Week beginning"),
            Col::keep("Possible").right().drop(2),
            Col::keep("Attendance").right(),
            Col::keep("Unauthorised").right(),
            Col::keep("").drop(1),
        ],
        ctx.color,
    );
    for w in &r.weeks {
        tb.add_row(vec![
            uk_date(w.week_beginning),
            thousands(w.sessions.possible as usize),
            pct_cell(&w.sessions.attendance_pct),
            pct_cell(&w.sessions.unauthorised_pct),
            bar(w.sessions.attendance(), r.persistent_threshold),
        ]);
    }
    writeln!(out, "\nWeek by week\n{}", fit(&tb))?;
    let mut tb = FitTable::new(
        &[
            Col::keep("Weekday"),
            Col::keep("Possible").right().drop(1),
            Col::keep("Attendance").right(),
            Col::keep("Authorised").right(),
            Col::keep("Unauthorised").right(),
        ],
        ctx.color,
    );
    for d in &r.weekdays {
        tb.add_row(vec![
            d.weekday.clone(),
            thousands(d.sessions.possible as usize),
            pct_cell(&d.sessions.attendance_pct),
            pct_cell(&d.sessions.authorised_pct),
            pct_cell(&d.sessions.unauthorised_pct),
        ]);
    }
    writeln!(out, "\n{}", fit(&tb))?;
    let mut tb = FitTable::new(
        &[
            Col::keep("Code"),
            Col::keep("Meaning").cut(16),
            Col::keep("Counts as").cut(12).drop(1),
            Col::keep("Sessions").right(),
            Col::keep("Share of absence").right(),
        ],
        ctx.color,
    );
    for c in r.absence_codes.iter().take(10) {
        tb.add_row(vec![
            c.code.clone(),
            c.meaning.clone(),
            c.counts_as.clone(),
            thousands(c.sessions as usize),
            pct_cell(&c.share_pct),
        ]);
    }
    writeln!(out, "\nMost used absence codes\n{}", fit(&tb))?;
    if let Some(c) = &r.caseload {
        let stages = c
            .by_stage
            .iter()
            .map(|s| format!("{} {}", s.stage, s.cases))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(out, "\nCaseload: {stages}.")?;
        writeln!(
            out,
            "Reviews held {}: {} ({} on time); overdue now: {}. Outcomes: target met {}, some improvement {}, not met {}.",
            match (c.reviews_from, c.reviews_to) {
                (Some(f), Some(t)) => format!("{} to {}", uk_date(f), uk_date(t)),
                _ => "in the period".to_string(),
            },
            c.reviews_held,
            c.reviewed_on_time,
            c.reviews_overdue,
            c.outcome_met,
            c.outcome_some_improvement,
            c.outcome_not_met
        )?;
    }
    if r.pupils_without_sessions > 0 {
        writeln!(
            out,
            "\n{} pupil{} in the register had no possible session in the period and {} left out.",
            r.pupils_without_sessions,
            if r.pupils_without_sessions == 1 {
                ""
            } else {
                "s"
            },
            if r.pupils_without_sessions == 1 {
                "is"
            } else {
                "are"
            }
        )?;
    }
    std::io::stdout()
        .lock()
        .write_all(wrap(&String::from_utf8_lossy(&out), width).as_bytes())?;
    Ok(())
}

/// The columns of a table of figures, and the order they are left out to fit the screen
/// (README): Late after close (U), Late (L), Authorised; the group's name is cut short first.
fn figure_cols<'a>(header: &[&'a str]) -> Vec<Col<'a>> {
    let drop = |i: usize| match i {
        8 => Some(1),
        7 => Some(2),
        3 => Some(3),
        _ => None,
    };
    header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let c = Col::keep(h);
            let c = if i == 0 { c.cut(36) } else { c.right() };
            match drop(i) {
                Some(d) => c.drop(d),
                None => c,
            }
        })
        .collect()
}

fn figure_row(name: &str, f: &Figures) -> Vec<String> {
    let s = &f.sessions;
    vec![
        name.to_string(),
        thousands(f.pupils as usize),
        pct_cell(&s.attendance_pct),
        pct_cell(&s.authorised_pct),
        pct_cell(&s.unauthorised_pct),
        with_pct(f.persistent, &f.persistent_pct),
        with_pct(f.severe, &f.severe_pct),
        pct_cell(&s.late_before_close_pct),
        pct_cell(&s.late_after_close_pct),
    ]
}

/// A text bar of attendance from 80% (empty) to 100% (full), with `|` at the persistent line.
fn bar(rate: Option<f64>, line: u32) -> String {
    let Some(r) = rate else {
        return String::new();
    };
    let width = 20usize;
    let scale = |p: f64| (((p - 80.0) / 20.0).clamp(0.0, 1.0) * width as f64).round() as usize;
    let filled = scale(r);
    let mark = scale(f64::from(line));
    (0..width)
        .map(|i| {
            if i == mark && line > 80 {
                '|'
            } else if i < filled {
                '█'
            } else {
                ' '
            }
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}
