//! Forms shared by `plan new` and `review`: how the officer gave the input (editor, file or
//! options), reading a prepared file, options given as "Name|Role" and "for|what|owner|due", and
//! problems found in options.

use super::Ctx;
use anyhow::{Context, Result, anyhow, bail};
use attend::cases::plan::{FormAction, FormAttendee};
use attend::cases::problem::{CaseFileError, Located, Problem};
use std::path::Path;

/// Problems found in flags (no file, so no line): "field actions[2].owner: ...".
pub fn flag_problems(what: &str, problems: Vec<Problem>) -> anyhow::Error {
    let e = CaseFileError {
        file: what.to_string(),
        problems: problems
            .into_iter()
            .map(|p| Located {
                line: None,
                field: (!p.path.is_root()).then(|| p.path.to_string()),
                message: p.message,
            })
            .collect(),
    };
    anyhow!("{e}\n  Nothing was recorded.")
}

/// How the officer gave the input.
pub enum Input {
    Editor,
    File(std::path::PathBuf),
    Flags,
}

/// Decide the input mode: --from, flags, the editor (on a terminal or with --edit), else explain.
pub fn input_mode(
    ctx: &Ctx,
    from: Option<&Path>,
    edit: bool,
    has_fields: bool,
    what: &str,
    example: &str,
) -> Result<Input> {
    use std::io::IsTerminal;
    if from.is_some() && has_fields {
        bail!(
            "give the {what} either --from FILE or as options, not both (or add --edit to start the editor from the file)"
        );
    }
    if edit {
        return Ok(Input::Editor);
    }
    if let Some(f) = from {
        return Ok(Input::File(f.to_path_buf()));
    }
    if has_fields {
        return Ok(Input::Flags);
    }
    if ctx.interactive && std::io::stdin().is_terminal() {
        return Ok(Input::Editor);
    }
    bail!(
        "there is no terminal to open an editor in, so give the {what}:\n  \
         --from FILE   a prepared file (see README, \"Attendance meetings\")\n  \
         options       e.g. {example}\n  \
         --edit        open the form in your editor anyway (VISUAL or EDITOR)"
    )
}

/// Read a prepared form from a file.
pub fn read_form(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Parse repeated "Name|Role" options.
pub fn attendees_of(list: &[String]) -> Result<Vec<FormAttendee>> {
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            FormAttendee::parse(a).map_err(|e| anyhow!("--attendee (the {}): {e}", ordinal(i + 1)))
        })
        .collect()
}

/// Parse repeated "for|what|owner|due" options.
pub fn actions_of(flag: &str, list: &[String]) -> Result<Vec<FormAction>> {
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            FormAction::parse(a).map_err(|e| anyhow!("{flag} (the {}): {e}", ordinal(i + 1)))
        })
        .collect()
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
