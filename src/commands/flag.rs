//! `attend flag`: who is at or below the threshold, lowest first, and why.

use super::Ctx;
use super::output::{CsvLine, thousands};
use super::table::{Col, FitTable, wrap};
use super::xlsx::{self, About, Sheet};
use crate::cli::common::Format;
use crate::cli::flag::FlagArgs;
use anyhow::Result;
use attend::attendance::{Frame, pct_or_blank};
use attend::dates::uk_date;
use attend::flag::{FlagQuery, FlagRow, Flagged, flag};
use attend::register::Register;
use attend::text::hundredths;
use attend::upn::PupilId;
use attend::workspace::Workspace;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

/// The machine-readable columns, in order. The first fourteen are a contract (README).
pub const CSV_COLUMNS: &[&str] = &[
    "upn",
    "surname",
    "forename",
    "year",
    "reg_group",
    "possible",
    "present",
    "approved_activity",
    "authorised",
    "unauthorised",
    "late_before_close",
    "late_after_close",
    "attendance_pct",
    "band",
    "authorised_pct",
    "unauthorised_pct",
    "not_counted",
    "no_mark",
    "last_4_weeks_pct",
    "trend",
    "weekday_pattern",
    "holiday_adjacent",
    "penalty_notice_from",
    "penalty_notice_to",
    "penalty_notice_sessions",
    "case_stage",
    "few_sessions",
    "period_from",
    "period_to",
    "siblings",
    "siblings_flagged",
    "family",
    "compulsory_school_age",
    "compulsory_school_age_from",
    "compulsory_school_age_to",
    "penalty_notices",
];

/// Brothers and sisters at the school, for the Siblings column and `--families`.
pub struct Siblings {
    families: attend::cases::family::Families,
    /// Of each listed pupil's siblings, how many are at or below the threshold too (by
    /// register index; 0 for pupils not listed).
    flagged: Vec<u32>,
    /// With `--families`: the listed rows, family by family.
    groups: Option<Vec<(Option<usize>, Vec<FlagRow>)>>,
}

impl Siblings {
    fn of(
        ws: &Workspace,
        reg: &Register,
        frame: &Frame<'_>,
        r: &Flagged,
        threshold: u32,
    ) -> Result<Siblings> {
        let families = attend::cases::family::Families::load(ws, reg)?;
        let mut flagged = vec![0u32; reg.pupils.len()];
        for row in r.rows.iter().chain(&r.few_sessions) {
            let n = families.siblings[row.index]
                .iter()
                .filter(|&&j| {
                    frame
                        .counts(j)
                        .attendance()
                        .is_some_and(|f| f.at_most_hundredths(threshold))
                })
                .count();
            flagged[row.index] = n as u32;
        }
        Ok(Siblings {
            families,
            flagged,
            groups: None,
        })
    }

    /// "2, 1 flagged", "1", or nothing.
    fn text(&self, i: usize) -> String {
        let n = self.families.siblings[i].len();
        match (n, self.flagged[i]) {
            (0, _) => String::new(),
            (n, 0) => n.to_string(),
            (n, f) => format!("{n}, {f} flagged"),
        }
    }

    fn family_id(&self, reg: &Register, i: usize) -> String {
        self.families.family[i]
            .map(|f| reg.pupils[f].id.to_string())
            .unwrap_or_default()
    }

    /// The rows in families: each family's listed pupils together, in the order of its lowest
    /// attendance; pupils without brothers or sisters at the school after them.
    fn group(&self, rows: Vec<FlagRow>) -> Vec<(Option<usize>, Vec<FlagRow>)> {
        let mut groups: Vec<(Option<usize>, Vec<FlagRow>)> = Vec::new();
        let mut alone = Vec::new();
        for row in rows {
            match self.families.family[row.index] {
                Some(f) => match groups.iter_mut().find(|(g, _)| *g == Some(f)) {
                    Some((_, g)) => g.push(row),
                    None => groups.push((Some(f), vec![row])),
                },
                None => alone.push(row),
            }
        }
        if !alone.is_empty() {
            groups.push((None, alone));
        }
        groups
    }
}

/// What the cases add to each listed pupil: the stage, and the penalty-notice ledger.
struct CaseFacts {
    stages: BTreeMap<PupilId, String>,
    ledgers: BTreeMap<PupilId, String>,
    sibs: Siblings,
}

pub fn run(ctx: &Ctx, args: FlagArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let t = ws.config.thresholds.clone();
    let spec = args.period.spec();
    let t0 = std::time::Instant::now();
    let (reg, cal, period) = super::common::register_for_period(ctx, &ws, &spec)?;
    super::common::warn_if_stale(ctx, &ws, cal.last_date);
    let frame = Frame::new(&reg.grid, &cal, period);
    let threshold = args.threshold.unwrap_or(t.persistent * 100);
    // the penalty-notice ledgers: sessions issued notices rest on do not count toward the
    // threshold again, and each parent's notices are shown
    let (cases, problems) = attend::cases::store::load_all(&ws)?;
    for p in &problems {
        eprintln!("warning: a case file is left out of the penalty-notice ledgers: {p:#}");
    }
    let ledgers: BTreeMap<PupilId, String> = cases
        .iter()
        .filter(|c| !c.penalty_notices.is_empty())
        .map(|c| {
            (
                c.pupil.id.clone(),
                attend::cases::penalty::ledger_summary(c, frame.period.to),
            )
        })
        .collect();
    let q = FlagQuery {
        used: cases
            .iter()
            .filter(|c| !c.penalty_notices.is_empty())
            .map(|c| (c.pupil.id.clone(), attend::cases::penalty::used_sessions(c)))
            .collect(),
        threshold_hundredths: threshold,
        all: args.all,
        year: args.year.clone(),
        group: args.group.clone(),
        fsm: args.fsm,
        sen: args.sen,
        eal: args.eal,
        band: args.band.map(Into::into),
        min_sessions: args.min_sessions.unwrap_or(t.min_sessions),
    };
    let t1 = std::time::Instant::now();
    let result = flag(&reg, &frame, &q, &t);
    attend::timing("figures", t1);
    let mut result = result;
    let t1 = std::time::Instant::now();
    let mut sibs = Siblings::of(&ws, &reg, &frame, &result, threshold)?;
    attend::timing("families", t1);
    if args.families {
        let g = sibs.group(std::mem::take(&mut result.rows));
        result.rows = g
            .iter()
            .flat_map(|(_, rows)| rows.iter().cloned())
            .collect();
        sibs.groups = Some(g);
    }
    let stages = super::common::case_stages(&ws)?;
    if args.open_cases {
        open_cases_for(ctx, &ws, &reg, &result)?;
    }
    let stages = if args.open_cases {
        super::common::case_stages(&ws)?
    } else {
        stages
    };
    let facts = CaseFacts {
        stages,
        ledgers,
        sibs,
    };
    let t1 = std::time::Instant::now();
    if let Some(path) = &args.share.xlsx {
        let rows: Vec<Vec<String>> = result
            .rows
            .iter()
            .map(|r| record(&reg, &frame, r, false, &facts))
            .chain(
                result
                    .few_sessions
                    .iter()
                    .map(|r| record(&reg, &frame, r, true, &facts)),
            )
            .collect();
        let p = &frame.period;
        let mut about = xlsx::about_common("flag", ctx.as_of, cal.last_date);
        about.extend([
            About::Text(
                "Period",
                format!("{} ({} to {})", p.label, uk_date(p.from), uk_date(p.to)),
            ),
            About::Date("Period from", Some(p.from)),
            About::Date("Period to", Some(p.to)),
            About::Text(
                "Who is listed",
                if q.all {
                    "every pupil".to_string()
                } else if let Some(b) = q.band {
                    format!("pupils in the {} band", b.as_str().replace('_', " "))
                } else {
                    format!(
                        "pupils at or below {}% attendance (few_sessions yes: fewer than {} possible sessions, listed apart on screen)",
                        hundredths(q.threshold_hundredths),
                        q.min_sessions
                    )
                },
            ),
            About::Text(
                "Percentages",
                "of each pupil's possible sessions, shown with one decimal".into(),
            ),
            About::Text(
                "Small groups",
                "not applied: this list names pupils and is for use inside the school only".into(),
            ),
        ]);
        xlsx::write(
            ws.fs(),
            path,
            &[Sheet::new("Pupils", CSV_COLUMNS, rows)],
            &about,
        )?;
        ctx.say(format!("Wrote the workbook {}", path.display()));
    }
    match super::output::format_of(args.format, &args.share)? {
        Format::Table => print_table(ctx, args.share.wide, &reg, &frame, &result, &q, &facts),
        Format::Csv => print_csv(&reg, &frame, &result, &facts),
        Format::Json => print_json(&reg, &frame, &result, &facts),
    }?;
    let listed = result.rows.iter().chain(&result.few_sessions);
    let no_dob = listed.filter(|r| reg.pupils[r.index].dob.is_none()).count();
    if no_dob > 0 {
        ctx.say(format!(
            "note: {} listed {} no date of birth in the register: attend cannot check whether they are of compulsory school age (the legal steps need it; support does not)",
            attend::text::plural(no_dob, "pupil"),
            if no_dob == 1 { "has" } else { "have" },
        ));
    }
    attend::timing("output", t1);
    attend::timing("flag total", t0);
    Ok(ExitCode::SUCCESS)
}

fn print_table(
    ctx: &Ctx,
    wide: bool,
    reg: &Register,
    frame: &Frame<'_>,
    r: &Flagged,
    q: &FlagQuery,
    facts: &CaseFacts,
) -> Result<()> {
    // prose is broken to the screen's width, but for --wide
    let width = if wide { usize::MAX } else { ctx.width };
    let p = &frame.period;
    let what = if q.all {
        "All pupils".to_string()
    } else if let Some(b) = q.band {
        format!("Pupils in the {} band", b.as_str().replace('_', " "))
    } else {
        format!(
            "Pupils at or below {}% attendance",
            hundredths(q.threshold_hundredths)
        )
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "{what}: {} ({} to {}, {})",
                p.label,
                uk_date(p.from),
                uk_date(p.to),
                attend::text::plural(frame.school_weeks().len(), "school week")
            ),
            width
        )
    )?;
    writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "{} of {} {}{}. Lowest attendance first; percentages are of each pupil's possible sessions.",
                thousands(r.rows.len()),
                thousands(r.cohort),
                attend::text::agree(r.cohort, "pupil", "pupils"),
                if r.cohort != reg.pupils.len() {
                    " in the chosen group"
                } else {
                    ""
                }
            ),
            width
        )
    )?;
    match &facts.sibs.groups {
        Some(groups) => {
            for (f, rows) in groups {
                let head = match f {
                    Some(f) => {
                        let members = facts.sibs.families.members(*f);
                        let surnames: Vec<String> = members.iter().fold(Vec::new(), |mut v, &m| {
                            let s = reg.pupils[m].surname.to_string();
                            if !v.contains(&s) {
                                v.push(s);
                            }
                            v
                        });
                        format!(
                            "Family {}: {} of {} children at the school listed",
                            surnames.join(" / "),
                            rows.len(),
                            members.len()
                        )
                    }
                    None => "No brothers or sisters at the school".to_string(),
                };
                writeln!(out, "\n{}", wrap(&head, width))?;
                writeln!(out, "{}", rows_table(ctx, wide, reg, frame, rows, facts))?;
            }
        }
        None if !r.rows.is_empty() => {
            writeln!(out, "{}", rows_table(ctx, wide, reg, frame, &r.rows, facts))?;
        }
        None => {}
    }
    if !r.few_sessions.is_empty() {
        writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "\nListed apart: {} pupil{} with fewer than {} possible sessions (figures on few sessions swing widely):",
                    r.few_sessions.len(),
                    if r.few_sessions.len() == 1 { "" } else { "s" },
                    q.min_sessions
                ),
                width
            )
        )?;
        writeln!(
            out,
            "{}",
            rows_table(ctx, wide, reg, frame, &r.few_sessions, facts)
        )?;
    }
    let not_of_age = r
        .rows
        .iter()
        .chain(&r.few_sessions)
        .filter(|x| {
            attend::attendance::AgeStatus::of(reg.pupils[x.index].dob, p.to).is_not_of_age()
        })
        .count();
    if not_of_age > 0 {
        writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "CSA no: {} not of compulsory school age on {} (Reception before the term after their fifth birthday, or past the last Friday in June of Year 11): support, but no legal steps; the penalty-notice threshold counts only sessions of compulsory school age.",
                    attend::text::plural(not_of_age, "pupil"),
                    uk_date(p.to)
                ),
                width
            )
        )?;
    }
    Ok(())
}

/// The columns of flag's table, and the order they are left out to fit the screen (README):
/// Trend, Siblings, Late L/U, Auth %, Possible, Reg, CSA, Year, Pattern, Case; Name and Pattern
/// are cut short first.
const TABLE: &[Col] = &[
    Col::keep("UPN"),
    Col::keep("Name").cut(16),
    Col::keep("Year").drop(8),
    Col::keep("Reg").drop(6),
    Col::keep("CSA").drop(7),
    Col::keep("Possible").right().drop(5),
    Col::keep("Attend %").right(),
    Col::keep("Auth %").right().drop(4),
    Col::keep("Unauth %").right(),
    Col::keep("Late L/U").right().drop(3),
    Col::keep("Band"),
    Col::keep("Trend").drop(1),
    Col::keep("Pattern").cut(12).drop(9),
    Col::keep("Case").drop(10),
    Col::keep("Siblings").drop(2),
];

fn rows_table(
    ctx: &Ctx,
    wide: bool,
    reg: &Register,
    frame: &Frame<'_>,
    rows: &[FlagRow],
    facts: &CaseFacts,
) -> String {
    let mut tb = FitTable::new(TABLE, ctx.color);
    for row in rows {
        let p = &reg.pupils[row.index];
        let c = &row.analysis.counts;
        let mut pattern = row.analysis.pattern_hint();
        if let Some(l) = facts.ledgers.get(&p.id).filter(|l| !l.is_empty()) {
            if !pattern.is_empty() {
                pattern.push_str("; ");
            }
            pattern.push_str(&format!("PN issued: {l}"));
        }
        tb.add_row(vec![
            p.id.to_string(),
            p.display_name(),
            p.year.to_string(),
            p.reg_group.to_string(),
            match attend::attendance::AgeStatus::of(p.dob, frame.period.to).known() {
                Some(true) => String::new(),
                Some(false) => "no".into(),
                None => "?".into(),
            },
            c.possible.to_string(),
            pct_or_blank(c.attendance()),
            pct_or_blank(c.authorised_rate()),
            pct_or_blank(c.unauthorised_rate()),
            format!("{}/{}", c.late_before_close, c.late_after_close),
            row.band.as_str().replace("_", " ").replace("none", ""),
            row.analysis.trend().arrow().to_string(),
            pattern,
            facts.stages.get(&p.id).cloned().unwrap_or_default(),
            facts.sibs.text(row.index),
        ]);
    }
    tb.render(ctx.width, wide).with_note()
}

fn record(
    reg: &Register,
    frame: &Frame<'_>,
    row: &FlagRow,
    few: bool,
    facts: &CaseFacts,
) -> Vec<String> {
    let p = &reg.pupils[row.index];
    let an = &row.analysis;
    let c = &an.counts;
    let pen = an.penalty.as_ref();
    let age = attend::attendance::AgeStatus::of(p.dob, frame.period.to);
    vec![
        p.id.to_string(),
        p.surname.to_string(),
        p.forename.to_string(),
        p.year.to_string(),
        p.reg_group.to_string(),
        c.possible.to_string(),
        c.present.to_string(),
        c.approved_activity.to_string(),
        c.authorised.to_string(),
        c.unauthorised.to_string(),
        c.late_before_close.to_string(),
        c.late_after_close.to_string(),
        pct_or_blank(c.attendance()),
        row.band.as_str().to_string(),
        pct_or_blank(c.authorised_rate()),
        pct_or_blank(c.unauthorised_rate()),
        c.not_counted.to_string(),
        c.no_mark.to_string(),
        pct_or_blank(an.last4.attendance()),
        an.trend().as_str().to_string(),
        an.weekday_pattern()
            .map(|(d, r)| format!("{} {}", attend::attendance::weekday_short(d), r.pct()))
            .unwrap_or_default(),
        an.holiday_adjacent.to_string(),
        pen.map(|w| w.from.to_string()).unwrap_or_default(),
        pen.map(|w| w.to.to_string()).unwrap_or_default(),
        pen.map(|w| w.sessions.to_string()).unwrap_or_default(),
        facts.stages.get(&p.id).cloned().unwrap_or_default(),
        if few { "yes" } else { "no" }.to_string(),
        frame.period.from.to_string(),
        frame.period.to.to_string(),
        facts.sibs.families.siblings[row.index].len().to_string(),
        facts.sibs.flagged[row.index].to_string(),
        facts.sibs.family_id(reg, row.index),
        match age.known() {
            Some(b) => b.to_string(),
            None => String::new(),
        },
        age.span().map(|a| a.start.to_string()).unwrap_or_default(),
        age.span().map(|a| a.end.to_string()).unwrap_or_default(),
        facts.ledgers.get(&p.id).cloned().unwrap_or_default(),
    ]
}

fn print_csv(reg: &Register, frame: &Frame<'_>, r: &Flagged, facts: &CaseFacts) -> Result<()> {
    let rows: Vec<(&FlagRow, bool)> = r
        .rows
        .iter()
        .map(|x| (x, false))
        .chain(r.few_sessions.iter().map(|x| (x, true)))
        .collect();
    let period = (frame.period.from.to_string(), frame.period.to.to_string());
    let mut out = std::io::stdout().lock();
    let mut head = Vec::new();
    let mut line = CsvLine::new(&mut head);
    for c in CSV_COLUMNS {
        line.plain(c);
    }
    line.end();
    out.write_all(&head)?;
    // every row is rendered on its own: a block of rows at a time is rendered on the machine's
    // cores, in order, and written out, so only one block's text is ever held
    for block in rows.chunks(1 << 15) {
        let parts = attend::parallel::map_ranges(block.len(), 2048, |range| {
            let mut buf = Vec::with_capacity(range.len() * 200);
            let here = &block[range];
            for (k, (row, few)) in here.iter().enumerate() {
                // the rows are in order of attendance, so their pupils are all over memory:
                // reading ahead brings the next pupils' details in while this row is written
                if let Some((ahead, _)) = here.get(k + 8) {
                    std::hint::black_box(reg.pupils[ahead.index].dob);
                }
                if let Some((ahead, _)) = here.get(k + 4) {
                    let p = &reg.pupils[ahead.index];
                    std::hint::black_box(
                        [&p.surname, &p.forename, &p.year, &p.reg_group]
                            .map(|s| s.as_bytes().first()),
                    );
                }
                csv_record(&mut buf, reg, frame, row, *few, facts, &period);
            }
            buf
        });
        for part in parts {
            out.write_all(&part)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One row of `--format csv`: the cells [`record`] gives, written straight out (the same bytes
/// the csv crate would write for them, without a string per cell).
fn csv_record(
    buf: &mut Vec<u8>,
    reg: &Register,
    frame: &Frame<'_>,
    row: &FlagRow,
    few: bool,
    facts: &CaseFacts,
    period: &(String, String),
) {
    let p = &reg.pupils[row.index];
    let an = &row.analysis;
    let c = &an.counts;
    let pen = an.penalty.as_ref();
    let age = attend::attendance::AgeStatus::of(p.dob, frame.period.to);
    let mut l = CsvLine::new(buf);
    l.text(p.id.as_str())
        .text(&p.surname)
        .text(&p.forename)
        .text(&p.year)
        .text(&p.reg_group)
        .num(c.possible)
        .num(c.present)
        .num(c.approved_activity)
        .num(c.authorised)
        .num(c.unauthorised)
        .num(c.late_before_close)
        .num(c.late_after_close)
        .pct(c.attendance())
        .plain(row.band.as_str())
        .pct(c.authorised_rate())
        .pct(c.unauthorised_rate())
        .num(c.not_counted)
        .num(c.no_mark)
        .pct(an.last4.attendance())
        .plain(an.trend().as_str());
    match an.weekday_pattern() {
        Some((d, rate)) => l.text(&format!(
            "{} {}",
            attend::attendance::weekday_short(d),
            rate.pct()
        )),
        None => l.plain(""),
    };
    l.num(an.holiday_adjacent)
        .date(pen.map(|w| w.from))
        .date(pen.map(|w| w.to));
    match pen {
        Some(w) => l.num(w.sessions),
        None => l.plain(""),
    };
    l.text(facts.stages.get(&p.id).map(String::as_str).unwrap_or(""))
        .plain(if few { "yes" } else { "no" })
        .plain(&period.0)
        .plain(&period.1)
        .num(facts.sibs.families.siblings[row.index].len() as u32)
        .num(facts.sibs.flagged[row.index]);
    match facts.sibs.families.family[row.index] {
        Some(f) => l.text(reg.pupils[f].id.as_str()),
        None => l.plain(""),
    };
    l.plain(match age.known() {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    })
    .date(age.span().map(|a| a.start))
    .date(age.span().map(|a| a.end))
    .text(facts.ledgers.get(&p.id).map(String::as_str).unwrap_or(""));
    l.end();
}

fn print_json(reg: &Register, frame: &Frame<'_>, r: &Flagged, facts: &CaseFacts) -> Result<()> {
    use serde_json::{Map, Value};
    let numeric = [
        "possible",
        "present",
        "approved_activity",
        "authorised",
        "unauthorised",
        "late_before_close",
        "late_after_close",
        "not_counted",
        "no_mark",
        "holiday_adjacent",
        "penalty_notice_sessions",
        "siblings",
        "siblings_flagged",
    ];
    let pcts = [
        "attendance_pct",
        "authorised_pct",
        "unauthorised_pct",
        "last_4_weeks_pct",
    ];
    let to_value = |row: &FlagRow, few: bool| -> Value {
        let mut m = Map::new();
        for (k, v) in CSV_COLUMNS.iter().zip(record(reg, frame, row, few, facts)) {
            let value = if numeric.contains(k) || pcts.contains(k) {
                if v.is_empty() {
                    Value::Null
                } else if pcts.contains(k) {
                    // one decimal: tenths / 10 prints as e.g. 90.0
                    let tenths: i64 = v.replace('.', "").parse().unwrap_or(0);
                    serde_json::Number::from_f64(tenths as f64 / 10.0)
                        .map(Value::Number)
                        .unwrap_or(Value::Null)
                } else {
                    v.parse::<u64>().map(Value::from).unwrap_or(Value::Null)
                }
            } else if *k == "few_sessions" {
                Value::Bool(few)
            } else if *k == "family" && v.is_empty() {
                Value::Null
            } else if *k == "compulsory_school_age" {
                v.parse::<bool>().map(Value::Bool).unwrap_or(Value::Null)
            } else if k.starts_with("compulsory_school_age_") && v.is_empty() {
                Value::Null
            } else {
                Value::String(v)
            };
            m.insert(k.to_string(), value);
        }
        Value::Object(m)
    };
    let all: Vec<Value> = r
        .rows
        .iter()
        .map(|row| to_value(row, false))
        .chain(r.few_sessions.iter().map(|row| to_value(row, true)))
        .collect();
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &all)?;
    writeln!(out)?;
    Ok(())
}

/// `attend flag --open-cases`: open a case for every listed pupil who has none, all together, in
/// one commit when git.auto_commit is on. Pupils listed apart for having few sessions are left out.
pub fn open_cases_for(
    ctx: &Ctx,
    ws: &Workspace,
    reg: &attend::register::Register,
    r: &attend::flag::Flagged,
) -> Result<()> {
    let _lock = ws.lock()?;
    let ids: Vec<attend::upn::PupilId> = r
        .rows
        .iter()
        .map(|row| reg.pupils[row.index].id.clone())
        .collect();
    let by = ctx
        .env
        .user
        .clone()
        .unwrap_or_else(|| attend::cases::store::default_by(ws));
    let mut opts = attend::cases::OpenOptions::new(ctx.as_of, by);
    opts.reason = "listed by attend flag".into();
    let done = attend::cases::open_cases(ws, reg, &ids, &opts)?;
    ctx.say(format!(
        "Opened {} case{}; {} listed pupil{} already had one.",
        done.opened.len(),
        if done.opened.len() == 1 { "" } else { "s" },
        done.skipped.len(),
        if done.skipped.len() == 1 { "" } else { "s" }
    ));
    if !r.few_sessions.is_empty() {
        ctx.say(format!(
            "  {} pupil{} with few possible sessions (listed apart) had no case opened: open one with attend case open UPN",
            r.few_sessions.len(),
            if r.few_sessions.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some(w) = done.commit.warning() {
        ctx.warn(w);
    }
    Ok(())
}
