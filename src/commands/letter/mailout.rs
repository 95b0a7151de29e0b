//! A mail-out of letters of concern: to every flagged pupil (`--all-flagged`), to the pupils of
//! a file (`--upns FILE`) or named on the command line. Each pupil gets the letter that fits
//! their case, or is listed as left out with why and what to do; every letter is made in memory
//! first, and only if all of them can be is anything written: each letter filed in its case and
//! on its timeline, one print file and the list of what was sent in `mailouts/<date>-<kind>/`,
//! all in one transaction. `--dry-run` lists the same and writes nothing.

use super::super::Ctx;
use super::super::common::{pupil_id, register_for, report_commit, who};
use super::super::documents::{flagged, prepare, render, templates, typeset, typeset_pages};
use super::super::output::write_csv;
use super::super::table::{Col, FitTable};
use crate::cli::common::Format;
use crate::cli::letter::LetterArgs;
use anyhow::{Context, Result, anyhow, bail};
use attend::cases::{Case, store};
use attend::dates::uk_date;
use attend::documents::mailout::{self, NotSent, SentCopy};
use attend::documents::{DocumentError, Kind, Prepared, Request, issue};
use attend::register::Register;
use attend::text::{hundredths, plural, plural_of};
use attend::upn::PupilId;
use attend::workspace::Workspace;
use chrono::Duration;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// One pupil of the mail-out: the letter made for them, or why there is none.
struct Pupil {
    id: PupilId,
    name: String,
    outcome: Outcome,
}

enum Outcome {
    Send(Box<Letter>),
    Skip(NotSent),
}

struct Letter {
    case: Case,
    prepared: Prepared,
    markup: String,
    pdf: Vec<u8>,
}

/// The copies of a letter: (names as on the envelope, address lines).
fn copies(p: &Prepared) -> Vec<(String, String)> {
    p.context["copies"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let join = |v: &Value, sep: &str| {
                        v.as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str())
                                    .collect::<Vec<_>>()
                                    .join(sep)
                            })
                            .unwrap_or_default()
                    };
                    (join(&c["names"], " and "), join(&c["address"], ", "))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The pupils a file lists: a UPN or a name a line (blank lines and `#` comments skipped), or a
/// CSV file whose header has a `upn` column.
fn read_list(path: &Path) -> Result<Vec<(usize, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the list of pupils {}", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().next().unwrap_or("");
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    if let Some(col) = header.iter().position(|h| h == "upn") {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.with_context(|| format!("{}, line {}", path.display(), i + 2))?;
            if let Some(v) = rec.get(col).map(str::trim).filter(|v| !v.is_empty()) {
                out.push((i + 2, v.to_string()));
            }
        }
        return Ok(out);
    }
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i, l.split(',').next().unwrap_or(l).trim().to_string()))
        .collect())
}

/// The pupils of the mail-out, in order, each once; and what they are, for people.
fn pupils(
    ctx: &Ctx,
    ws: &Workspace,
    reg: &Register,
    a: &LetterArgs,
) -> Result<(Vec<PupilId>, String)> {
    if a.all_flagged {
        let (ids, period, threshold) = flagged(ctx, reg, ws, a.threshold)?;
        let what = format!(
            "{} at or below {}% attendance ({} to {})",
            plural(ids.len(), "pupil"),
            hundredths(threshold),
            uk_date(period.from),
            uk_date(period.to)
        );
        return Ok((ids, what));
    }
    let mut ids: Vec<PupilId> = Vec::new();
    let mut add = |id: PupilId| {
        if !ids.contains(&id) {
            ids.push(id);
        }
    };
    for text in &a.upn {
        add(pupil_id(ctx, ws, text)?);
    }
    if let Some(path) = &a.upns {
        for (line, text) in read_list(path)? {
            add(pupil_id(ctx, ws, &text).map_err(|e| {
                anyhow!(
                    "{}, line {line}: {e:#}\n  Nothing was written: correct the list and run it again",
                    path.display()
                )
            })?);
        }
    }
    let what = format!("{} listed", plural(ids.len(), "pupil"));
    Ok((ids, what))
}

/// Decide and make the letter for one pupil. `Err` is a failure that stops the mail-out.
fn decide(
    ctx: &Ctx,
    ws: &Workspace,
    a: &LetterArgs,
    reg: &Register,
    set: &attend::documents::TemplateSet,
    id: &PupilId,
) -> Result<(String, Outcome)> {
    let case = store::load(ws, id)?;
    let name = match (&case, reg.index_of(id)) {
        (Some(c), _) => c.pupil.display_name(),
        (None, Some(i)) => reg.pupils[i].display_name(),
        (None, None) => String::new(),
    };
    let skip = |n: NotSent| Ok((name.clone(), Outcome::Skip(n)));
    let Some(case) = case else {
        return skip(NotSent::NoCase);
    };
    if !case.stage.is_open() {
        return skip(NotSent::Closed);
    }
    if !a.include_later_stages
        && let Err(n) = mailout::concern_letter_stage(&case)
    {
        return skip(n);
    }
    let weeks = ws.config.letters.concern_repeat_weeks;
    if !a.include_recent
        && let Err(n) = mailout::concern_letter_recent(&case, ctx.as_of, weeks)
    {
        return skip(n);
    }
    let reg_ref = reg.index_of(id).map(|_| reg);
    let prepared = match prepare(
        ws,
        id,
        Some(&case),
        reg_ref,
        &Request::ConcernLetter,
        ctx.as_of,
    ) {
        Ok(p) => p,
        Err(e) => {
            return match e.downcast::<DocumentError>() {
                Ok(DocumentError::NobodyToWrite { nobody, .. }) => {
                    skip(NotSent::NobodyToWrite(nobody))
                }
                Ok(DocumentError::NotInRegister { .. }) => skip(NotSent::NotInRegister),
                Ok(other) => Err(anyhow!(other)),
                Err(e) => Err(e),
            };
        }
    };
    if a.output.context {
        return Ok((
            name,
            Outcome::Send(Box::new(Letter {
                case,
                prepared,
                markup: String::new(),
                pdf: Vec::new(),
            })),
        ));
    }
    let markup = render(set, &prepared)?;
    let pdf = typeset(ws, &markup, ctx.as_of, &prepared.kind.in_sentence())?;
    Ok((
        name,
        Outcome::Send(Box::new(Letter {
            case,
            prepared,
            markup,
            pdf,
        })),
    ))
}

pub fn run(ctx: &Ctx, ws: &Workspace, a: &LetterArgs) -> Result<ExitCode> {
    if a.output.stdout {
        bail!(
            "--stdout prints one document: in a mail-out each letter is filed in its pupil's case, and all of them are in one file to print"
        );
    }
    let writing = !a.dry_run && !a.output.context;
    // a mail-out is decided and written under the lock, from the cases as they are now
    let _lock = if writing { Some(ws.lock()?) } else { None };
    let reg = register_for(ws, ctx.as_of - Duration::days(366), ctx.as_of)?;
    let (ids, what) = pupils(ctx, ws, &reg, a)?;
    ctx.say(format!(
        "{} on {}: {what}.",
        capitalise_first(Kind::ConcernLetter.plural()),
        uk_date(ctx.as_of)
    ));
    let set = templates(ws)?;
    let mut list = Vec::new();
    let mut failed = Vec::new();
    for id in ids {
        match decide(ctx, ws, a, &reg, &set, &id) {
            Ok((name, outcome)) => list.push(Pupil { id, name, outcome }),
            Err(e) => failed.push(format!("{id}: {e:#}").replace('\n', "\n    ")),
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} cannot be written, so nothing was written (no letter filed, no print file):\n  {}\n  Put {} right and run the mail-out again",
            plural(failed.len(), "letter"),
            failed.join("\n  "),
            if failed.len() == 1 { "it" } else { "them" }
        );
    }
    if a.output.context {
        let mut contexts = serde_json::Map::new();
        for p in &list {
            if let Outcome::Send(l) = &p.outcome {
                contexts.insert(p.id.to_string(), l.prepared.context.clone());
            }
        }
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, &Value::Object(contexts))?;
        writeln!(stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let letters = list
        .iter()
        .filter(|p| matches!(p.outcome, Outcome::Send(_)))
        .count();
    // what the officer should check is said before anything is filed
    for p in &list {
        if let Outcome::Send(l) = &p.outcome {
            for w in &l.prepared.warnings {
                eprintln!("warning: {}: {w}", p.id);
            }
        }
    }
    if a.dry_run {
        show(ctx, a.format, a.wide, &list)?;
        ctx.say(format!(
            "Dry run: nothing was written. {} would be written and filed{}.",
            plural(letters, "letter"),
            if letters == 0 {
                String::new()
            } else {
                ", with one file to print; run the same command without --dry-run to write them"
                    .to_string()
            }
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if letters == 0 {
        show(ctx, a.format, a.wide, &list)?;
        ctx.say("Nothing to write.");
        return Ok(ExitCode::SUCCESS);
    }
    // the one file to print: every letter, in the order of the list
    let markups: Vec<String> = list
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Send(l) => Some(l.markup.clone()),
            Outcome::Skip(_) => None,
        })
        .collect();
    let title = format!(
        "{}, {} (mail-out)",
        capitalise_first(Kind::ConcernLetter.plural()),
        uk_date(ctx.as_of)
    );
    let (print, pages) = typeset_pages(
        ws,
        &mailout::print_file_markup(&markups, &title, ws.config.school.name.trim()),
        ctx.as_of,
        "print file",
    )?;
    let by = who(ctx, ws, &a.by);
    let folder = mailout::folder(&ws.root, ctx.as_of, Kind::ConcernLetter)?;
    let mut tx = ws.transaction();
    let mut sent: Vec<SentCopy> = Vec::new();
    let mut changed: Vec<PupilId> = Vec::new();
    let mut already = 0;
    for p in &list {
        let Outcome::Send(l) = &p.outcome else {
            continue;
        };
        let mut case = l.case.clone();
        let source = a.output.source.then_some(l.markup.as_str());
        let f = issue::stage(
            &mut tx,
            ws,
            &mut case,
            &l.prepared,
            &l.pdf,
            source,
            ctx.as_of,
            &by,
        )?;
        if f.unchanged {
            already += 1;
        } else {
            changed.push(p.id.clone());
        }
        let file = store::display_path(ws, &f.path);
        for (recipient, address) in copies(&l.prepared) {
            sent.push(SentCopy {
                upn: p.id.to_string(),
                pupil: p.name.clone(),
                recipient,
                address,
                letter: l.prepared.kind.name().to_string(),
                date: ctx.as_of,
                file: file.clone(),
                sha256: f.document.sha256.clone(),
            });
        }
    }
    tx.write(&folder.join(mailout::PRINT_FILE), &print)?;
    tx.write(&folder.join(mailout::SENT_FILE), &mailout::sent_csv(&sent)?)?;
    tx.commit()?;
    show(ctx, a.format, a.wide, &list)?;
    ctx.say(format!(
        "Wrote {} ({}), each filed in its case and recorded on its timeline{}.",
        plural_of(letters, "letter of concern", "letters of concern"),
        plural_of(sent.len(), "copy", "copies"),
        if already > 0 {
            format!(" ({already} already filed today, identical: printed again)")
        } else {
            String::new()
        }
    ));
    let print_path = store::display_path(ws, &folder.join(mailout::PRINT_FILE));
    ctx.say(format!(
        "  To print: {print_path} ({}; print on both sides: each copy starts on a new sheet, its address placed for a DL window envelope)",
        plural(pages, "page")
    ));
    ctx.say(format!(
        "  What was sent: {}",
        store::display_path(ws, &folder.join(mailout::SENT_FILE))
    ));
    let mut paths: Vec<String> = changed
        .iter()
        .map(|id| format!("cases/{}", id.as_str()))
        .collect();
    if let Ok(rel) = folder.strip_prefix(&ws.root) {
        paths.push(rel.to_string_lossy().replace('\\', "/"));
    }
    let commit = attend::cases::git::commit_paths(
        ws,
        &paths,
        &format!(
            "Mail-out: {} for {}",
            Kind::ConcernLetter.plural(),
            plural(letters, "pupil")
        ),
    );
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}

fn capitalise_first(s: &str) -> String {
    attend::text::capitalise(s)
}

/// The list: who is sent which letter at which address, and who is left out, why and what to
/// do (a table for people; CSV or JSON with the columns of README, "Mail-outs").
fn show(ctx: &Ctx, format: Format, wide: bool, list: &[Pupil]) -> Result<()> {
    const COLUMNS: [&str; 8] = [
        "upn",
        "pupil",
        "action",
        "letter",
        "recipient",
        "address",
        "reason",
        "fix",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    for p in list {
        match &p.outcome {
            Outcome::Send(l) => {
                for (recipient, address) in copies(&l.prepared) {
                    rows.push(vec![
                        p.id.to_string(),
                        p.name.clone(),
                        "send".into(),
                        l.prepared.kind.name().into(),
                        recipient,
                        address,
                        String::new(),
                        String::new(),
                    ]);
                }
            }
            Outcome::Skip(n) => rows.push(vec![
                p.id.to_string(),
                p.name.clone(),
                "skip".into(),
                String::new(),
                String::new(),
                String::new(),
                n.reason(),
                n.fix(p.id.as_str()),
            ]),
        }
    }
    match format {
        Format::Csv => write_csv(&COLUMNS, &rows),
        Format::Json => {
            let out: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let mut o = serde_json::Map::new();
                    for (k, v) in COLUMNS.iter().zip(r) {
                        o.insert((*k).into(), json!(v));
                    }
                    Value::Object(o)
                })
                .collect();
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut stdout, &out)?;
            writeln!(stdout)?;
            Ok(())
        }
        Format::Table => {
            let send: Vec<&Vec<String>> = rows.iter().filter(|r| r[2] == "send").collect();
            let skip: Vec<&Vec<String>> = rows.iter().filter(|r| r[2] == "skip").collect();
            let mut stdout = std::io::stdout().lock();
            if !send.is_empty() {
                let letters = list
                    .iter()
                    .filter(|p| matches!(p.outcome, Outcome::Send(_)))
                    .count();
                writeln!(
                    stdout,
                    "To send: {} ({}, one for each address)",
                    plural(letters, "letter"),
                    plural_of(send.len(), "copy", "copies")
                )?;
                // left out to fit the screen: the address first, then the UPN
                let mut t = FitTable::new(
                    &[
                        Col::keep("UPN").drop(2),
                        Col::keep("Pupil").cut(16),
                        Col::keep("Letter").cut(14),
                        Col::keep("To").cut(20),
                        Col::keep("Address").cut(20).drop(1),
                    ],
                    ctx.color,
                );
                for r in send {
                    t.add_row(vec![
                        r[0].clone(),
                        r[1].clone(),
                        r[3].clone(),
                        r[4].clone(),
                        r[5].clone(),
                    ]);
                }
                writeln!(stdout, "{}", t.render(ctx.width, wide).with_note())?;
            }
            if !skip.is_empty() {
                writeln!(stdout, "Not sent: {}", plural(skip.len(), "pupil"))?;
                // left out to fit the screen: the UPN (the reason and what to do are cut short first)
                let mut t = FitTable::new(
                    &[
                        Col::keep("UPN").drop(1),
                        Col::keep("Pupil").cut(16),
                        Col::keep("Why").cut(30),
                        Col::keep("What to do").cut(30),
                    ],
                    ctx.color,
                );
                for r in skip {
                    // one line a row: a reason of several lines is joined
                    t.add_row(vec![
                        r[0].clone(),
                        r[1].clone(),
                        r[6].split_whitespace().collect::<Vec<_>>().join(" "),
                        r[7].split_whitespace().collect::<Vec<_>>().join(" "),
                    ]);
                }
                writeln!(stdout, "{}", t.render(ctx.width, wide).with_note())?;
            }
            Ok(())
        }
    }
}
