//! `attend import` of contacts exports (parents and carers): read, merge with the contacts held,
//! stage the files; and what is said about it.

use super::super::Ctx;
use crate::cli::import::ImportArgs;
use anyhow::{Context, Result, anyhow};
use attend::fsutil::Transaction;
use attend::register::contacts::read::ContactsOptions;
use attend::register::contacts::store::{
    CONTACT_CHANGES_FILE, CONTACT_CHANGES_HEADER, CONTACTS_FILE, LINKS_FILE,
};
use attend::register::contacts::{Contacts, ContactsSummary, merge_contacts, read_contacts};
use attend::register::import::Store;
use attend::register::store::appended_log;
use attend::text::plural;
use attend::workspace::Workspace;
use std::path::PathBuf;

/// Merge the contacts files into the contacts held and stage what changed in `tx`.
pub(super) fn import(
    ws: &Workspace,
    store: &mut Store,
    tx: &mut Transaction,
    files: &[&PathBuf],
    args: &ImportArgs,
    stamp: &str,
) -> Result<Vec<ContactsSummary>> {
    let dir = ws.register_dir();
    let held = Contacts::load(&dir)?;
    let opts = ContactsOptions {
        encoding: args.encoding.map(Into::into),
        columns: ws.config.contact_columns(),
    };
    let mut current = held.clone();
    let mut changes = Vec::new();
    let mut out = Vec::new();
    for file in files {
        let export = read_contacts(file, &opts).map_err(|e| anyhow!(e))?;
        let before = store.imported_before(&export.sha256);
        let m = merge_contacts(&current, export, store.pupils(), stamp, before)
            .map_err(|e| anyhow!(e))
            .with_context(|| format!("cannot import {}", file.display()))?;
        if m.summary.changed_anything() {
            let s = &m.summary;
            store.log_import(
                stamp,
                &s.file_name,
                &s.sha256,
                vec![
                    "contacts".into(),
                    s.encoding.into(),
                    s.rows.to_string(),
                    s.pupils.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            );
        }
        current = m.contacts;
        changes.extend(m.changes);
        out.push(m.summary);
    }
    if current != held {
        tx.write(&dir.join(CONTACTS_FILE), current.people_text().as_bytes())?;
        tx.write(&dir.join(LINKS_FILE), current.links_text().as_bytes())?;
    }
    if !changes.is_empty() {
        tx.write(
            &dir.join(CONTACT_CHANGES_FILE),
            &appended_log(&dir, CONTACT_CHANGES_FILE, CONTACT_CHANGES_HEADER, &changes)?,
        )?;
    }
    Ok(out)
}

pub(super) fn report(ctx: &Ctx, s: &ContactsSummary, dry_run: bool, has_cases: bool) {
    if !s.changed_anything() {
        let when = s
            .imported_before
            .as_ref()
            .map(|w| format!(" (this file was imported before, at {w})"))
            .unwrap_or_default();
        ctx.say(format!(
            "Nothing changed: every contact in {} is already held{when}.",
            s.file_name
        ));
        ctx.say(format!(
            "  {} with {} ({} of more than one pupil)",
            plural(s.pupils, "pupil"),
            plural(s.people, "contact"),
            s.shared
        ));
    } else {
        ctx.say(format!(
            "{} {} (contacts, {}, {}): {} with {} ({} of more than one pupil)",
            if dry_run { "Would import" } else { "Imported" },
            s.file_name,
            s.shape,
            s.encoding,
            plural(s.pupils, "pupil"),
            plural(s.people, "contact"),
            s.shared
        ));
        ctx.say(format!(
            "  contacts: {} new, {} changed, {} removed; links to pupils: {} new, {} changed, {} removed",
            s.new_people,
            s.changed_people,
            s.removed_people,
            s.links_added,
            s.links_changed,
            s.links_removed
        ));
        ctx.say("  every change is logged in register/contact-changes.csv");
        if has_cases {
            ctx.say("  cases keep what they hold: attend case show UPN says where a case and the MIS now differ, attend case sync --all brings the MIS's details in");
        }
    }
    for n in &s.notices {
        ctx.say(format!("  note: {n}"));
    }
    for w in &s.warnings {
        ctx.say(format!("  warning: {w}"));
    }
}
