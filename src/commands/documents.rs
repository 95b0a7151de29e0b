//! Writing documents, shared by `letter`, `certificate`, `plan new --letters` and
//! `review --letters`: render a template, typeset it, file it in the case and on its timeline (one
//! document, a batch for every flagged pupil, or a meeting's documents made before the meeting
//! is recorded and filed with it).

use super::Ctx;
use super::common::{register_for, report_commit, who};
use crate::cli::common::OutputArgs;
use anyhow::{Context, Result, anyhow, bail};
use attend::attendance::{Frame, SchoolCalendar};
use attend::cases::Case;
use attend::cases::store;
use attend::dates::uk_date;
use attend::documents::{self, Prepared, Request, Sources, TemplateSet, issue};
use attend::flag::{FlagQuery, flag};
use attend::fsutil::Transaction;
use attend::register::{Register, Years};
use attend::text::{hundredths, plural};
use attend::upn::PupilId;
use attend::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The years of register a document needs: a year back for the penalty-notice window, or the
/// period a certificate covers.
pub fn register_for_request(ws: &Workspace, req: &Request, as_of: NaiveDate) -> Result<Register> {
    match req {
        Request::Certificate { period } => {
            let years = match (period.from, period.to) {
                (Some(a), Some(b)) => Years::Span(a, b),
                (Some(a), None) => Years::Span(a, as_of.max(a)),
                (None, Some(b)) => Years::Span(b - Duration::days(366), b),
                // to the as-of day; a year back for --weeks that reach into the year before
                (None, None) => Years::Span(as_of - Duration::days(366), as_of),
            };
            Register::load(&ws.register_dir(), years)
        }
        _ => register_for(ws, as_of - Duration::days(366), as_of),
    }
}

/// The built-in templates with the workspace's own.
pub fn templates(ws: &Workspace) -> Result<TemplateSet> {
    if ws.templates_dir().exists() {
        ws.fs().check_dir(&ws.templates_dir())?;
    }
    documents::template_set(Some(&ws.templates_dir())).map_err(|e| {
        anyhow!("{e}\n  Fix the template, or remove it from templates/ to use the built-in one")
    })
}

/// Render a prepared document to typst markup (with the school's templates).
pub fn render(set: &TemplateSet, p: &Prepared) -> Result<String> {
    let name = p.kind.template();
    set.render(name, &p.context).map_err(|e| {
        let hint = match set.workspace_path(name) {
            Some(path) => format!(
                "\n  The school's own template {} is used for this document",
                path.display()
            ),
            None => String::new(),
        };
        anyhow!("cannot write the {}: {e}{hint}", p.kind.in_sentence())
    })
}

/// Typeset markup to PDF bytes.
#[cfg(feature = "pdf")]
pub fn typeset(ws: &Workspace, markup: &str, as_of: NaiveDate, what: &str) -> Result<Vec<u8>> {
    Ok(typeset_pages(ws, markup, as_of, what)?.0)
}

/// Typeset markup to PDF bytes, with the number of pages.
#[cfg(feature = "pdf")]
pub fn typeset_pages(
    ws: &Workspace,
    markup: &str,
    as_of: NaiveDate,
    what: &str,
) -> Result<(Vec<u8>, usize)> {
    use attend::documents::engine::{PdfOptions, markup_to_pdf};
    let mut opts = PdfOptions::new(as_of);
    opts.assets = issue::assets(ws)?;
    let pdf = markup_to_pdf(markup, &opts).map_err(|e| {
        let text = e.to_string();
        let hint = if text.contains("glyph") || text.contains("font") {
            "\n  The document contains characters the embedded font (Liberation Sans: Latin, Greek and Cyrillic scripts) cannot print, such as Chinese, Arabic or Hindi script. Write the name in Latin letters in the case file, as it appears in the register, or adjust the template"
        } else {
            "\n  If the school's own template is used, check it; --source --stdout prints the typst source"
        };
        anyhow!("cannot typeset the {what}: {text}{hint}")
    })?;
    for w in &pdf.warnings {
        eprintln!("warning: {}", super::output::clean(&format!("{what}: {w}")));
    }
    Ok((pdf.bytes, pdf.pages))
}

/// Typeset a case's bundle: plain PDF (typst places the pages of filed PDFs only there), with
/// the exhibits' files as assets beside the school's logo.
#[cfg(feature = "pdf")]
pub fn typeset_bundle(
    ws: &Workspace,
    markup: &str,
    as_of: NaiveDate,
    exhibits: BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>> {
    use attend::documents::engine::{PdfOptions, markup_to_pdf};
    let mut opts = PdfOptions::new(as_of);
    opts.assets = issue::assets(ws)?;
    opts.assets.extend(exhibits);
    opts.archival = false;
    let pdf =
        markup_to_pdf(markup, &opts).map_err(|e| anyhow!("cannot typeset the bundle: {e}"))?;
    for w in &pdf.warnings {
        eprintln!(
            "warning: {}",
            super::output::clean(&format!("the bundle: {w}"))
        );
    }
    Ok(pdf.bytes)
}

#[cfg(not(feature = "pdf"))]
pub fn typeset_bundle(
    ws: &Workspace,
    markup: &str,
    as_of: NaiveDate,
    _: BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>> {
    typeset(ws, markup, as_of, "bundle")
}

/// The number of pages of a PDF (`None`: not one that can be read, or no PDF support).
pub fn pdf_pages(bytes: &[u8]) -> Option<usize> {
    #[cfg(feature = "pdf")]
    {
        attend::documents::engine::pdf_page_count(bytes)
    }
    #[cfg(not(feature = "pdf"))]
    {
        let _ = bytes;
        None
    }
}

#[cfg(not(feature = "pdf"))]
pub fn typeset(ws: &Workspace, markup: &str, as_of: NaiveDate, what: &str) -> Result<Vec<u8>> {
    Ok(typeset_pages(ws, markup, as_of, what)?.0)
}

#[cfg(not(feature = "pdf"))]
pub fn typeset_pages(_: &Workspace, _: &str, _: NaiveDate, _: &str) -> Result<(Vec<u8>, usize)> {
    bail!(
        "this attend was built without PDF support (the cargo feature `pdf`): it can print a document's typst source (--source --stdout) or its data (--context), but not typeset it"
    )
}

/// One document for one pupil: filed (the default), printed, or its context shown.
pub fn one(
    ctx: &Ctx,
    ws: &Workspace,
    id: &PupilId,
    req: &Request,
    out: &OutputArgs,
    by: &crate::cli::common::ByArg,
) -> Result<ExitCode> {
    let kind = req.kind();
    let filing = !out.context && !out.stdout;
    // a document that is filed is made under the lock, from the case as it is now
    let _lock = if filing { Some(ws.lock()?) } else { None };
    let case = store::load(ws, id)?;
    let reg = register_for_request(ws, req, ctx.as_of)?;
    let reg_ref = reg.index_of(id).map(|_| &reg);
    let prepared = prepare(ws, id, case.as_ref(), reg_ref, req, ctx.as_of)?;
    if out.context {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, &prepared.context)?;
        writeln!(stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let set = templates(ws)?;
    let markup = render(&set, &prepared)?;
    if out.stdout {
        for w in &prepared.warnings {
            ctx.warn(w);
        }
        if out.source {
            std::io::stdout().lock().write_all(markup.as_bytes())?;
            return Ok(ExitCode::SUCCESS);
        }
        if std::io::stdout().is_terminal() {
            bail!(
                "a PDF is not for the terminal: redirect it to a file (attend letter ... --stdout > letter.pdf), or add --source to print the typst source"
            );
        }
        let pdf = typeset(ws, &markup, ctx.as_of, &kind.in_sentence())?;
        std::io::stdout().lock().write_all(&pdf)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(mut case) = case else {
        bail!(
            "{id} has no case to file the {} in: open one (attend case open {id}), or print it with --stdout > FILE.pdf",
            kind.in_sentence()
        );
    };
    let pdf = typeset(ws, &markup, ctx.as_of, &kind.in_sentence())?;
    // what the officer should check is said before anything is filed
    for w in &prepared.warnings {
        ctx.warn(w);
    }
    let by = who(ctx, ws, by);
    let mut tx = ws.transaction();
    let source = out.source.then_some(markup.as_str());
    let filed = issue::stage(
        &mut tx, ws, &mut case, &prepared, &pdf, source, ctx.as_of, &by,
    )?;
    tx.commit()?;
    report_filed(ctx, ws, &case, &prepared, &filed);
    if !filed.unchanged {
        let commit = attend::cases::git::commit_cases(
            ws,
            std::slice::from_ref(id),
            &format!("{} for {id}: {}", kind.title(), filed.document.path),
        );
        report_commit(ctx, &commit);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn prepare(
    ws: &Workspace,
    id: &PupilId,
    case: Option<&Case>,
    reg: Option<&Register>,
    req: &Request,
    as_of: NaiveDate,
) -> Result<Prepared> {
    documents::prepare(
        req,
        &Sources {
            config: &ws.config,
            id,
            case,
            register: reg,
            as_of,
        },
    )
    .map_err(|e| anyhow!(e))
}

pub fn report_filed(ctx: &Ctx, ws: &Workspace, case: &Case, p: &Prepared, f: &issue::Filed) {
    let shown = store::display_path(ws, &f.path);
    if f.unchanged {
        ctx.say(format!(
            "{} for {} is already filed, identical: {shown} (nothing changed)",
            p.kind.title(),
            case.pupil.id
        ));
    } else {
        ctx.say(format!(
            "Wrote the {} for {} ({}): {shown}",
            p.kind.in_sentence(),
            case.pupil.id,
            case.pupil.display_name()
        ));
        ctx.say(format!(
            "  Recorded on the timeline with its SHA-256 {}",
            f.document.sha256
        ));
        if !p.with.is_empty() {
            ctx.say(format!("  To: {}", p.with));
        }
    }
    if let Some(s) = &f.source {
        ctx.say(format!(
            "  Typst source: {} (if you change it, file the letter you send with attend case log {} --kind letter --document FILE)",
            store::display_path(ws, s),
            case.pupil.id
        ));
    }
}

/// The pupils `attend flag` lists on the as-of day (the academic year to date, at or below
/// `threshold`, default `thresholds.persistent`), lowest attendance first, with the period and
/// the threshold in hundredths.
pub fn flagged(
    ctx: &Ctx,
    reg: &Register,
    ws: &Workspace,
    threshold: Option<u32>,
) -> Result<(Vec<PupilId>, attend::attendance::Period, u32)> {
    let cal = SchoolCalendar::on(&reg.grid, ctx.as_of);
    let period = cal
        .resolve(
            &reg.grid,
            &attend::attendance::PeriodSpec {
                to: Some(ctx.as_of),
                ..Default::default()
            },
        )
        .context("cannot work out the period to flag pupils over")?;
    let t = &ws.config.thresholds;
    let frame = Frame::new(&reg.grid, &cal, period.clone());
    let q = FlagQuery {
        threshold_hundredths: threshold.unwrap_or(t.persistent * 100),
        min_sessions: t.min_sessions,
        ..Default::default()
    };
    let rows = flag(reg, &frame, &q, t).rows;
    let ids = rows
        .iter()
        .map(|row| reg.pupils[row.index].id.clone())
        .collect();
    Ok((ids, period, q.threshold_hundredths))
}

/// A document for every flagged pupil with an open case: rendered first, then filed all
/// together (or, if any fails, none).
pub fn batch(
    ctx: &Ctx,
    ws: &Workspace,
    out: &OutputArgs,
    by: &crate::cli::common::ByArg,
    threshold: Option<u32>,
    request: impl Fn(&Case) -> Result<Request>,
) -> Result<ExitCode> {
    if out.stdout {
        bail!(
            "--stdout prints one document: with --all-flagged, each is filed in its pupil's case"
        );
    }
    let _lock = if out.context { None } else { Some(ws.lock()?) };
    let reg = register_for(ws, ctx.as_of - Duration::days(366), ctx.as_of)?;
    let (listed, period, threshold) = flagged(ctx, &reg, ws, threshold)?;
    let mut with_case: Vec<(PupilId, Case)> = Vec::new();
    let mut no_case = Vec::new();
    let mut closed = Vec::new();
    for id in listed.iter().cloned() {
        match store::load(ws, &id)? {
            Some(c) if c.stage.is_open() => with_case.push((id, c)),
            Some(_) => closed.push(id),
            None => no_case.push(id),
        }
    }
    ctx.say(format!(
        "{} pupil{} at or below {}% attendance ({} to {}): {} with an open case, {} without a case{}.",
        listed.len(),
        if listed.len() == 1 { "" } else { "s" },
        hundredths(threshold),
        uk_date(period.from),
        uk_date(period.to),
        with_case.len(),
        no_case.len(),
        if closed.is_empty() {
            String::new()
        } else {
            format!(", {} with a closed case", closed.len())
        }
    ));
    if !no_case.is_empty() {
        ctx.say(format!(
            "  No document for the pupils without a case: open their cases first (attend flag --open-cases), then run this again. They are: {}",
            no_case.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let set = templates(ws)?;
    let mut done: Vec<(PupilId, Case, Prepared, String, Vec<u8>)> = Vec::new();
    let mut failed = Vec::new();
    let mut nobody: Vec<String> = Vec::new();
    let mut contexts = serde_json::Map::new();
    for (id, case) in with_case {
        let result = (|| -> Result<(Prepared, String, Vec<u8>)> {
            let req = request(&case)?;
            let p = prepare(ws, &id, Some(&case), Some(&reg), &req, ctx.as_of)?;
            if out.context {
                return Ok((p, String::new(), Vec::new()));
            }
            let markup = render(&set, &p)?;
            let pdf = typeset(ws, &markup, ctx.as_of, &p.kind.in_sentence())?;
            Ok((p, markup, pdf))
        })();
        match result {
            Ok((p, markup, pdf)) => {
                if out.context {
                    contexts.insert(id.to_string(), p.context.clone());
                }
                done.push((id, case, p, markup, pdf))
            }
            // a letter nobody can be sent is not written: the others are
            Err(e) => match e.downcast_ref::<documents::DocumentError>() {
                Some(documents::DocumentError::NobodyToWrite { nobody: n, .. }) => {
                    nobody.push(format!("{id}: {n}"))
                }
                _ => failed.push(format!("{id}: {e:#}")),
            },
        }
    }
    if !nobody.is_empty() {
        eprintln!(
            "warning: {} not written, for want of someone to send {} to:\n  {}",
            plural(nobody.len(), "letter"),
            if nobody.len() == 1 { "it" } else { "them" },
            nobody.join("\n  ").replace('\n', "\n  ")
        );
    }
    if out.context {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, &serde_json::Value::Object(contexts))?;
        writeln!(stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !failed.is_empty() {
        bail!(
            "{} of the {} documents could not be written, so none was filed:\n  {}",
            failed.len(),
            failed.len() + done.len(),
            failed.join("\n  ")
        );
    }
    if done.is_empty() {
        ctx.say("Nothing to write.");
        return Ok(ExitCode::SUCCESS);
    }
    let by = who(ctx, ws, by);
    let mut tx = ws.transaction();
    let mut filed = Vec::new();
    let mut ids = Vec::new();
    let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, case, p, markup, pdf) in &done {
        let mut case = case.clone();
        let source = out.source.then_some(markup.as_str());
        let f = issue::stage(&mut tx, ws, &mut case, p, pdf, source, ctx.as_of, &by)?;
        if !f.unchanged {
            ids.push(id.clone());
        }
        if !p.warnings.is_empty() {
            warnings.insert(id.to_string(), p.warnings.clone());
        }
        filed.push((case, f));
    }
    tx.commit()?;
    for (id, ws_) in &warnings {
        for w in ws_ {
            ctx.warn(format!("{id}: {w}"));
        }
    }
    let new = filed.iter().filter(|(_, f)| !f.unchanged).count();
    let kind = done[0].2.kind;
    ctx.say(format!(
        "Wrote {new} {}, each filed in its case and recorded on its timeline:",
        if new == 1 {
            kind.in_sentence()
        } else {
            kind.plural().to_string()
        },
    ));
    for (case, f) in &filed {
        ctx.say(format!(
            "  {}{}",
            store::display_path(ws, &f.path),
            if f.unchanged {
                " (already filed, identical)"
            } else {
                ""
            }
        ));
        let _ = case;
    }
    if !ids.is_empty() {
        let commit = attend::cases::git::commit_cases(
            ws,
            &ids,
            &format!(
                "{} for {} pupil{}",
                done[0].2.kind.title(),
                ids.len(),
                if ids.len() == 1 { "" } else { "s" }
            ),
        );
        report_commit(ctx, &commit);
    }
    Ok(ExitCode::SUCCESS)
}

/// Should the documents a meeting produces be written with it? Yes with --letters; on a
/// terminal, when the officer says so (asked before anything is recorded); never asked without
/// one.
pub fn documents_wanted(ctx: &Ctx, kinds: &[documents::Kind], asked: bool) -> Result<bool> {
    if asked || kinds.is_empty() {
        return Ok(asked && !kinds.is_empty());
    }
    if !(ctx.interactive && std::io::stdin().is_terminal() && !ctx.quiet) {
        return Ok(false);
    }
    let names = kinds.iter().map(|k| k.in_sentence()).collect::<Vec<_>>();
    eprint!(
        "Write the {} with it, as PDF{} filed in the case? [Y/n] ",
        documents::context::join_and(&names),
        if names.len() == 1 { "" } else { "s" }
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    let a = answer.trim().to_ascii_lowercase();
    Ok(a.is_empty() || a == "y" || a == "yes")
}

/// A document made in memory, ready to file: its context, markup and PDF.
pub struct Made {
    pub prepared: Prepared,
    pub pdf: Vec<u8>,
}

/// Make each requested document for `case` as it stands (a meeting recorded in it, not yet
/// saved): prepared, rendered and typeset in memory. The first that cannot be written is an
/// error naming it and why; nothing is written either way.
pub fn make_documents(
    ctx: &Ctx,
    ws: &Workspace,
    case: &Case,
    requests: &[Request],
) -> Result<Vec<Made>> {
    let set = templates(ws)?;
    let id = &case.pupil.id;
    let mut made = Vec::new();
    for req in requests {
        let reg = register_for_request(ws, req, ctx.as_of)?;
        let reg_ref = reg.index_of(id).map(|_| &reg);
        let prepared = prepare(ws, id, Some(case), reg_ref, req, ctx.as_of)
            .map_err(|e| anyhow!("the {} cannot be written: {e:#}", req.kind().in_sentence()))?;
        let markup = render(&set, &prepared)?;
        let pdf = typeset(ws, &markup, ctx.as_of, &prepared.kind.in_sentence())?;
        made.push(Made { prepared, pdf });
    }
    Ok(made)
}

/// Stage made documents in `tx`: each PDF filed in the case and recorded on its timeline. The
/// caller stages the case file itself afterwards and commits.
pub fn stage_documents(
    tx: &mut Transaction,
    ws: &Workspace,
    case: &mut Case,
    made: &[Made],
    as_of: NaiveDate,
    by: &str,
) -> Result<Vec<issue::Filed>> {
    made.iter()
        .map(|m| issue::stage(tx, ws, case, &m.prepared, &m.pdf, None, as_of, by))
        .collect()
}

/// Say what was filed for a meeting, with each document's warnings.
pub fn report_made(ctx: &Ctx, ws: &Workspace, case: &Case, made: &[Made], filed: &[issue::Filed]) {
    for (m, f) in made.iter().zip(filed) {
        report_filed(ctx, ws, case, &m.prepared, f);
    }
}
