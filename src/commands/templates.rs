//! `attend templates list|export`: the templates documents are made from.

use super::Ctx;
use super::output::table;
use crate::cli::templates::{ExportArgs, TemplatesCommand};
use anyhow::{Context, Result, bail};
use attend::documents::{BUILTINS, Kind, template_set};
use attend::fsutil::{write_atomic, write_output};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, c: TemplatesCommand) -> Result<ExitCode> {
    match c {
        TemplatesCommand::List => list(ctx),
        TemplatesCommand::Export(a) => export(ctx, a),
    }
}

fn what(name: &str) -> String {
    match Kind::of_template(name) {
        Some(k) => format!("{}: {}", k.title(), k.describe()),
        None => match name {
            "_base.typ.tera" => {
                "Shared: the page, letterhead, footer and page numbers of every document".into()
            }
            "bundle.typ.tera" => {
                "The case bundle (attend bundle): index, exhibits, chronology and manifest".into()
            }
            "_letter.typ.tera" => {
                "Shared: a letter's frame (a copy for each address, salutation, signature)".into()
            }
            _ => "The school's own template".into(),
        },
    }
}

fn list(ctx: &Ctx) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let dir = ws.templates_dir();
    // a broken override is reported here too, with its line
    let set = template_set(Some(&dir)).map_err(|e| {
        anyhow::anyhow!(
            "{e}\n  Fix the template, or remove it from templates/ to use the built-in one"
        )
    })?;
    let mut t = table(&["template", "in use", "what it is"], ctx.color);
    for name in set.names() {
        let used = if set.is_overridden(name) {
            "the school's (templates/)"
        } else if set.source_of(name).is_some() {
            "built-in"
        } else {
            "the school's only"
        };
        t.add_row(vec![name.to_string(), used.to_string(), what(name)]);
    }
    println!("{t}");
    ctx.say(format!(
        "To change one, copy it into {} with attend templates export --only NAME, then edit it there.",
        attend::cases::store::display_path(&ws, &dir)
    ));
    Ok(ExitCode::SUCCESS)
}

fn export(ctx: &Ctx, a: ExportArgs) -> Result<ExitCode> {
    let ws = match &a.folder {
        Some(_) => ctx.workspace().ok(),
        None => Some(ctx.workspace()?),
    };
    let dir = match (&a.folder, &ws) {
        (Some(d), _) => d.clone(),
        (None, Some(ws)) => ws.templates_dir(),
        (None, None) => unreachable!("a workspace was opened"),
    };
    // inside the workspace: under its lock, confined to it; elsewhere, a folder of the user's
    let inside = ws.as_ref().filter(|w| w.fs().relative(&dir).is_ok());
    let _lock = inside.map(|w| w.lock()).transpose()?;
    let mut chosen: Vec<(&str, &str)> = Vec::new();
    if a.only.is_empty() {
        chosen.extend(BUILTINS.iter().copied());
    } else {
        for o in &a.only {
            let name = Kind::parse(o)
                .map(|k| k.template().to_string())
                .unwrap_or_else(|| {
                    let o = o.trim();
                    if o.ends_with(".typ.tera") {
                        o.to_string()
                    } else {
                        format!("{o}.typ.tera")
                    }
                });
            match BUILTINS.iter().find(|(n, _)| *n == name) {
                Some(b) => chosen.push(*b),
                None => bail!("there is no built-in template {name:?}: see attend templates list"),
            }
        }
    }
    match inside {
        Some(w) => w.fs().ensure_dir(&dir)?,
        None => std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?,
    }
    let (mut written, mut kept) = (Vec::new(), Vec::new());
    for (name, text) in chosen {
        let path = dir.join(name);
        if path.exists() && !a.force {
            kept.push(name);
            continue;
        }
        match inside {
            Some(w) => write_atomic(w.fs(), &path, text.as_bytes())?,
            None => write_output(None, &path, text.as_bytes())?,
        }
        written.push(name);
    }
    if !written.is_empty() {
        ctx.say(format!(
            "Copied {} template{} into {}:",
            written.len(),
            if written.len() == 1 { "" } else { "s" },
            dir.display()
        ));
        for n in &written {
            ctx.say(format!("  {n}"));
        }
    }
    if !kept.is_empty() {
        ctx.say(format!(
            "Kept {} that {} already there (replace with --force): {}",
            kept.len(),
            if kept.len() == 1 { "was" } else { "were" },
            kept.join(", ")
        ));
    }
    ctx.say(
        "A template in the workspace's templates/ folder replaces the built-in one of the same name. \
         See what a template can use with: attend letter KIND UPN --context",
    );
    Ok(ExitCode::SUCCESS)
}
