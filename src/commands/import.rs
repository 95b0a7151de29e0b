//! `attend import FILE...`

use super::Ctx;
use super::output::thousands;
use crate::cli::import::ImportArgs;
use anyhow::{Context, Result};
use attend::dates::uk_date;
use attend::register::import::{ImportSummary, Store, log_timestamp};
use attend::register::read::{Progress, ReadOptions, read_export_fingerprint_pending};
use attend::text::agree;
use std::cell::RefCell;
use std::process::ExitCode;

mod contacts;

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let _lock = ws.lock()?;
    let opts = ReadOptions {
        layout: args.layout.map(Into::into),
        encoding: args.encoding.map(Into::into),
        identify_by: ws.config.import.identify_by,
        code_map: ws.config.code_map(),
        pupil_columns: ws
            .config
            .import
            .pupil_columns
            .iter()
            .map(|(name, headers)| (name.trim().to_string(), headers.items()))
            .collect(),
        as_of: Some(ctx.as_of),
    };
    let t0 = std::time::Instant::now();
    let mut store = Store::open(&ws.register_dir())?;
    attend::timing("open store", t0);
    let stamp = log_timestamp(ctx.now());
    let bar = Bar {
        show: ctx.interactive && !ctx.quiet,
        bar: RefCell::new(None),
    };
    let mut summaries = Vec::new();
    // contacts exports are told apart by their header, as wide and long registers are; they are
    // merged after the registers, so their pupils may come in the same command
    let own = ws.config.contact_columns();
    let (contact_files, register_files): (Vec<_>, Vec<_>) = args.files.iter().partition(|f| {
        args.layout.is_none()
            && attend::register::contacts::read::header_of(f)
                .is_some_and(|h| attend::register::contacts::looks_like_contacts(&h, &own))
    });
    // each file's fingerprint (SHA-256, for the import log) is worked out on another core while
    // the file is read, merged and its marks written: it is waited for only before the logs
    let mut awaiting = Vec::new();
    for file in register_files {
        let t = std::time::Instant::now();
        let (mut export, fingerprint) = read_export_fingerprint_pending(file, &opts, &bar)?;
        attend::timing("read export", t);
        // SEN, FSM, EAL and gender must be the DfE's values (or mapped to them in attend.yaml)
        let t = std::time::Instant::now();
        attend::register::values::check_export(
            export.pupils.iter_mut().map(|p| (&mut p.details, p.line)),
            &ws.config.import.values,
        )
        .map_err(|why| anyhow::anyhow!("cannot import {}: {why}", file.display()))?;
        attend::timing("check values", t);
        let t = std::time::Instant::now();
        let merged = store
            .merge_before_fingerprint(export, &stamp)
            .with_context(|| format!("cannot merge {}", file.display()))?;
        attend::timing("merge", t);
        awaiting.push((merged, fingerprint));
    }
    let mut tx = ws.transaction();
    let t = std::time::Instant::now();
    store.stage_marks(&mut tx)?;
    attend::timing("write marks (staged)", t);
    let t = std::time::Instant::now();
    for (merged, fingerprint) in awaiting {
        let sha256 = fingerprint.wait()?;
        summaries.push(store.fingerprint(merged, sha256));
    }
    attend::timing("fingerprints waited for", t);
    let contacts = if contact_files.is_empty() {
        Vec::new()
    } else {
        contacts::import(&ws, &mut store, &mut tx, &contact_files, &args, &stamp)?
    };
    let t = std::time::Instant::now();
    let anything = store.stage_logs(&mut tx)? || !tx.is_empty();
    attend::timing("write logs (staged)", t);
    for s in &summaries {
        report(ctx, s, args.dry_run);
    }
    let has_cases = !contacts.is_empty() && !attend::cases::store::case_files(&ws)?.is_empty();
    for s in &contacts {
        contacts::report(ctx, s, args.dry_run, has_cases);
    }
    if args.dry_run {
        drop(tx);
        ctx.say("Dry run: the register was not changed.");
    } else if anything {
        let t = std::time::Instant::now();
        tx.commit()?;
        attend::timing("commit", t);
    }
    attend::timing("import total", t0);
    Ok(ExitCode::SUCCESS)
}

/// A progress bar while a large file (over 8 MB) is read, when `show` (on a terminal).
struct Bar {
    show: bool,
    bar: RefCell<Option<indicatif::ProgressBar>>,
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if !self.show || total <= 8 << 20 {
            return;
        }
        let p = indicatif::ProgressBar::new(total);
        p.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        p.set_message("reading");
        *self.bar.borrow_mut() = Some(p);
    }

    fn advance(&self, done: u64) {
        if let Some(p) = self.bar.borrow().as_ref() {
            p.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(p) = self.bar.borrow_mut().take() {
            p.finish_and_clear();
        }
    }
}

fn report(ctx: &Ctx, s: &ImportSummary, dry_run: bool) {
    let span = match (s.first_session, s.last_session) {
        (Some(a), Some(b)) => format!(
            "{} {} to {} {}",
            uk_date(a.date),
            a.half.as_str(),
            uk_date(b.date),
            b.half.as_str()
        ),
        _ => "no sessions".into(),
    };
    let verb = if dry_run { "Would import" } else { "Imported" };
    if !s.changed_anything() {
        let when = s
            .imported_before
            .as_ref()
            .map(|w| format!(" (this file was imported before, at {w})"))
            .unwrap_or_default();
        ctx.say(format!(
            "Nothing changed: every mark and pupil detail in {} is already held{when}.",
            s.file_name
        ));
        ctx.say(format!(
            "  {} {}, {} {} ({span}), {} {} unchanged",
            thousands(s.pupils),
            agree(s.pupils, "pupil", "pupils"),
            thousands(s.sessions),
            agree(s.sessions, "session", "sessions"),
            thousands(s.marks_unchanged),
            agree(s.marks_unchanged, "mark", "marks")
        ));
    } else {
        ctx.say(format!(
            "{verb} {} ({} layout, {}): {} {}, {} {}, {span}",
            s.file_name,
            s.layout,
            s.encoding,
            thousands(s.pupils),
            agree(s.pupils, "pupil", "pupils"),
            thousands(s.sessions),
            agree(s.sessions, "session", "sessions")
        ));
        ctx.say(format!(
            "  marks: {} new, {} changed, {} unchanged",
            thousands(s.marks_new),
            thousands(s.marks_changed),
            thousands(s.marks_unchanged)
        ));
        if s.new_pupils + s.detail_changes > 0 {
            ctx.say(format!(
                "  pupils: {} new, {} detail{} changed",
                thousands(s.new_pupils),
                thousands(s.detail_changes),
                if s.detail_changes == 1 { "" } else { "s" }
            ));
        }
        if s.marks_changed > 0 {
            ctx.say("  every changed mark is logged in register/changes.csv");
        }
    }
    if s.no_mark_cells > 0 {
        ctx.say(format!(
            "  {} session{} had no mark (blank or -): not counted",
            thousands(s.no_mark_cells),
            if s.no_mark_cells == 1 { "" } else { "s" }
        ));
    }
    for set in &s.code_sets {
        ctx.say(format!("  codes: {}", set.describe()));
    }
    for n in &s.notices {
        ctx.say(format!("  note: {n}"));
    }
    for w in &s.warnings {
        ctx.say(format!("  warning: {w}"));
    }
}
