//! `attend bundle UPN`: the bundle for the local authority (or a court) when a case is referred.
//! The referral summary and the certificate for a court are made and filed first; then one PDF
//! (index, exhibits, chronology, manifest), the manifest as CSV and a copy of each exhibit are
//! written to `cases/<ID>/bundles/<date>-bundle/`, all in one transaction, and the bundle is
//! recorded on the timeline with its SHA-256.

use super::Ctx;
use super::common::{pupil_id, report_commit, who};
use super::documents::{
    pdf_pages, prepare, register_for_request, render, report_filed, templates, typeset,
    typeset_bundle,
};
use crate::cli::bundle::BundleArgs;
use anyhow::{Result, anyhow, bail};
use attend::cases::model::{Event, EventKind};
use attend::cases::store;
use attend::cases::verify;
use attend::documents::bundle::{self, Format};
use attend::documents::{Request, Sources, bundle_context, issue};
use std::collections::BTreeMap;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, a: BundleArgs) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let id = pupil_id(ctx, &ws, &a.upn)?;
    let by = who(ctx, &ws, &a.by);
    let _lock = ws.lock()?;
    let mut case = store::load_existing(&ws, &id)?;
    // the record must be as it was recorded before anything is sent out of the school
    let problems: Vec<verify::Finding> = verify::verify_case(&ws, &id)
        .into_iter()
        .filter(|f| f.state.is_problem())
        .collect();
    if !problems.is_empty() {
        let list: Vec<String> = problems
            .iter()
            .map(|f| format!("  - {} ({}): {}", f.what, f.state.as_str(), f.detail))
            .collect();
        bail!(
            "no bundle is made while the case is not as recorded (attend case verify {id}):\n{}\n  Put back what was changed by hand, file or remove what is unexplained, and correct records with attend case amend",
            list.join("\n")
        );
    }
    let import = attend::register::store::register_imports(&ws.register_dir())?
        .last()
        .cloned();
    let requests = [
        Request::Referral,
        Request::CourtCertificate {
            period: a.period.spec(),
            import,
            allow_unresolved: a.allow_unresolved,
        },
    ];
    let set = templates(&ws)?;
    let mut tx = ws.transaction();
    let mut first = Vec::new();
    for req in &requests {
        let reg = register_for_request(&ws, req, ctx.as_of)?;
        let reg_ref = reg.index_of(&id).map(|_| &reg);
        let prepared = prepare(&ws, &id, Some(&case), reg_ref, req, ctx.as_of)?;
        let markup = render(&set, &prepared)?;
        let pdf = typeset(&ws, &markup, ctx.as_of, &prepared.kind.in_sentence())?;
        for w in &prepared.warnings {
            ctx.warn(w);
        }
        let filed = issue::stage(
            &mut tx, &ws, &mut case, &prepared, &pdf, None, ctx.as_of, &by,
        )?;
        report_filed(ctx, &ws, &case, &prepared, &filed);
        first.push((
            filed.document.clone(),
            pdf,
            ctx.as_of,
            prepared.with.clone(),
        ));
    }
    let case_dir = store::case_dir(&ws, &id);
    let exhibits = bundle::exhibits(
        &case,
        first,
        |path| {
            ws.fs()
                .read(&case_dir.join(path), 256 << 20)
                .map_err(|e| anyhow!("cannot read {path} of the case: {e}"))
        },
        pdf_pages,
    )?;
    // what is shown is the record as its amendments corrected it
    let shown = attend::cases::seal::amended(&case)?;
    let data = bundle::context(&shown, &exhibits, ctx.as_of);
    let reg = register_for_request(&ws, &Request::Referral, ctx.as_of)?;
    let context = bundle_context(
        &Sources {
            config: &ws.config,
            id: &id,
            case: Some(&shown),
            register: reg.index_of(&id).map(|_| &reg),
            as_of: ctx.as_of,
        },
        data,
    )
    .map_err(|e| anyhow!(e))?;
    let markup = set
        .render("bundle.typ.tera", &context)
        .map_err(|e| anyhow!("{e}"))?;
    let assets: BTreeMap<String, Vec<u8>> = exhibits
        .iter()
        .filter(|x| x.format != Format::Other)
        .map(|x| (x.asset_name(), x.bytes.clone()))
        .collect();
    let pdf = typeset_bundle(&ws, &markup, ctx.as_of, assets)?;

    let folder = bundle::folder(&case_dir, ctx.as_of)?;
    let dir = case_dir.join(&folder);
    for x in &exhibits {
        tx.write(&dir.join("exhibits").join(x.file_name()), &x.bytes)?;
    }
    tx.write(&dir.join("manifest.csv"), &bundle::manifest_csv(&exhibits)?)?;
    tx.write(&dir.join("bundle.pdf"), &pdf)?;
    let document = attend::cases::model::Document {
        path: format!("{folder}/bundle.pdf"),
        sha256: store::sha256_hex(&pdf),
    };
    attend::cases::timeline::log_event(
        &mut case,
        Event {
            date: ctx.as_of,
            kind: EventKind::Referral,
            by: by.clone(),
            with: String::new(),
            text: format!(
                "Case bundle for the local authority: {} exhibit{} and the chronology, with the manifest of their SHA-256",
                exhibits.len(),
                if exhibits.len() == 1 { "" } else { "s" }
            ),
            stage: None,
            plan: None,
            document: Some(document.clone()),
            seal: None,
        },
        ctx.as_of,
    )?;
    store::stage_write(&mut tx, &ws, &case, ctx.as_of)?;
    tx.commit()?;
    ctx.say(format!(
        "Wrote the case bundle for {id}: {}",
        store::display_path(&ws, &dir.join("bundle.pdf"))
    ));
    for x in &exhibits {
        ctx.say(format!(
            "  Exhibit {}: {} ({}), SHA-256 {}",
            x.number, x.title, x.path, x.sha256
        ));
    }
    ctx.say(format!(
        "  The manifest: {}; a copy of each exhibit in {}",
        store::display_path(&ws, &dir.join("manifest.csv")),
        store::display_path(&ws, &dir.join("exhibits"))
    ));
    let commit = attend::cases::git::commit_cases(
        &ws,
        std::slice::from_ref(&id),
        &format!("Case of {id}: bundle for the local authority"),
    );
    report_commit(ctx, &commit);
    Ok(ExitCode::SUCCESS)
}
