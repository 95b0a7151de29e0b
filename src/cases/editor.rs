//! Editing a file in the user's editor until it is valid.
//!
//! The text is written to a temporary file beside the case (`.attend-tmp-edit-…`, ignored by git)
//! and the editor is run on it. When the editor exits:
//! * if the file is exactly as attend wrote it (the user quit without saving), nothing happens;
//! * if it is valid, the caller records it;
//! * if it is not, attend puts the problems at the top of the file, as `#!` comment lines whose
//!   line numbers refer to the file as shown, and opens the editor again.
//!
//! The original file is never touched by this loop.

use super::problem::CaseFileError;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Lines attend puts at the top of a file it reopens start with this.
const MARK: &str = "#!";

/// After this many invalid saves in a row, stop (a script set as the editor could otherwise
/// loop for ever); nothing is recorded.
const MAX_ATTEMPTS: usize = 20;

/// How the edit ended.
#[derive(Debug)]
pub enum Edited<T> {
    /// The user saved a valid file: its value and text (without attend's message lines).
    Saved(T, String),
    /// The user quit without saving: record nothing.
    Unchanged,
}

/// The editor to run: `VISUAL`, then `EDITOR` (as git and most tools do), else `vi`.
pub fn editor_from_env(visual: Option<String>, editor: Option<String>) -> String {
    visual
        .filter(|v| !v.trim().is_empty())
        .or(editor.filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// Run `editor` on `path` (the editor command may hold arguments, like `code --wait`).
fn run_editor(editor: &str, path: &Path) -> Result<()> {
    let status = if cfg!(windows) {
        let mut parts = editor.split_whitespace();
        let prog = parts.next().unwrap_or("notepad");
        Command::new(prog).args(parts).arg(path).status()
    } else {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg(editor)
            .arg(path)
            .status()
    }
    .with_context(|| {
        format!("cannot run the editor {editor:?} (set VISUAL or EDITOR to the editor you use)")
    })?;
    if !status.success() {
        bail!("the editor {editor:?} exited with {status}; nothing was recorded");
    }
    Ok(())
}

/// Split off attend's message lines from the top of an edited text.
fn strip_message(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with(MARK) {
        rest = match rest.find('\n') {
            Some(i) => &rest[i + 1..],
            None => "",
        };
    }
    rest
}

/// attend's message for an invalid file, with line numbers as they will be seen.
fn message(e: &CaseFileError) -> String {
    let render = |e: &CaseFileError| {
        let mut s = format!(
            "{MARK} attend could not record this: fix what is below, then save and close again.\n"
        );
        s.push_str(&format!(
            "{MARK} To record nothing, close the editor without saving.\n"
        ));
        for p in &e.problems {
            for (i, l) in p.to_string().lines().enumerate() {
                let lead = if i == 0 { "  - " } else { "    " };
                s.push_str(&format!("{MARK}{lead}{l}\n"));
            }
        }
        s
    };
    let n = render(e).lines().count();
    render(&e.shifted(n))
}

/// Edit `initial` in `editor` until `check` accepts it or the user quits without saving.
/// `dir` is where the temporary file goes (the case folder); `suffix` names it (`case.yaml`).
pub fn edit_until_valid<T>(
    dir: &Path,
    suffix: &str,
    initial: &str,
    editor: &str,
    mut check: impl FnMut(&str) -> Result<T, CaseFileError>,
) -> Result<Edited<T>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".attend-tmp-edit-")
        .suffix(&format!("-{suffix}"))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file to edit in {}", dir.display()))?;
    let mut shown = initial.to_string();
    tmp.write_all(shown.as_bytes())
        .and_then(|_| tmp.flush())
        .context("cannot write the file to edit")?;
    for _ in 0..MAX_ATTEMPTS {
        run_editor(editor, tmp.path())?;
        let text =
            std::fs::read_to_string(tmp.path()).context("cannot read the edited file back")?;
        if text == shown {
            return Ok(Edited::Unchanged);
        }
        let body = strip_message(&text).to_string();
        match check(&body) {
            Ok(v) => return Ok(Edited::Saved(v, body)),
            Err(e) => {
                shown = format!("{}{body}", message(&e));
                std::fs::write(tmp.path(), shown.as_bytes())
                    .context("cannot write the file to edit")?;
            }
        }
    }
    bail!(
        "the file was still not valid after {MAX_ATTEMPTS} attempts, so nothing was recorded; \
         the last problems were shown at the top of the file"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::problem::Located;

    #[test]
    fn the_message_counts_its_own_lines() {
        let e = CaseFileError {
            file: "x".into(),
            problems: vec![Located {
                line: Some(3),
                field: Some("a".into()),
                message: "bad".into(),
            }],
        };
        let m = message(&e);
        assert_eq!(m.lines().count(), 3);
        assert!(m.contains("line 6, field a: bad"), "{m}");
        let text = format!("{m}a: 1\n");
        assert_eq!(strip_message(&text), "a: 1\n");
    }

    #[test]
    fn visual_wins_over_editor() {
        assert_eq!(
            editor_from_env(Some("code --wait".into()), Some("nano".into())),
            "code --wait"
        );
        assert_eq!(
            editor_from_env(Some(" ".into()), Some("nano".into())),
            "nano"
        );
        assert_eq!(editor_from_env(None, None), "vi");
    }
}
