//! The journal of a transaction being committed (`.attend-journal`, at the workspace root): a
//! first line `attend journal 1`, then one line per staged file, `TEMPORARY<TAB>TARGET`, both
//! relative to the workspace root (so it means the same whatever folder attend is started from).
//!
//! A journal is trusted for nothing: a shared repository can carry one. Recovery checks every
//! line before it moves anything, and refuses the whole journal, changing nothing, unless each
//! line names a temporary file exactly as attend names them, beside its target, in the register
//! or the cases, by plain names inside the workspace, reached through no link that leads out.
//! Only the holder of the workspace lock recovers ([`super::Lock`]).

use super::confine::{Root, plain_relative};
use super::{JOURNAL, LOCK, Lock, TMP_PREFIX, is_tmp_name, sync_dir};
use anyhow::{Context, Result, anyhow, bail};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The journal's first line.
const MAGIC: &str = "attend journal 1";
/// The top folders whose files a transaction may write (and a journal may name): the register,
/// the cases and the mail-outs' print files.
pub(super) const JOURNALLED: &[&str] = &["register", "cases", "mailouts"];
/// No journal attend writes comes near this (one line per file of one command).
const MAX_JOURNAL: u64 = 64 << 20;

/// The journal's text for staged (temporary, target) paths relative to the workspace.
pub(super) fn text(staged: &[(PathBuf, PathBuf)]) -> Result<String> {
    let mut out = format!("{MAGIC}\n");
    for (tmp, target) in staged {
        let (Some(t), Some(g)) = (tmp.to_str(), target.to_str()) else {
            bail!(
                "cannot record {} in the journal: its name is not text",
                target.display()
            );
        };
        if t.contains(['\t', '\n']) || g.contains(['\t', '\n']) {
            bail!(
                "cannot record {} in the journal: its name holds a tab or a line break",
                target.display()
            );
        }
        out.push_str(&format!("{t}\t{g}\n"));
    }
    Ok(out)
}

/// Why a journal line cannot be used.
fn check_line(root: &Root, line: &str) -> Result<(PathBuf, PathBuf), String> {
    let (tmp, target) = line
        .split_once('\t')
        .ok_or("it is not two paths separated by a tab")?;
    if target.contains('\t') {
        return Err("it holds more than two paths".into());
    }
    let (tmp, target) = (Path::new(tmp), Path::new(target));
    for (what, p) in [("temporary file", tmp), ("target", target)] {
        plain_relative(p).map_err(|why| format!("the {what} {:?} is refused: {why}", p))?;
    }
    let tmp_name = tmp.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !is_tmp_name(tmp_name) {
        return Err(format!(
            "{:?} is not a temporary file as attend names them ({TMP_PREFIX} and six letters or digits)",
            tmp.display().to_string()
        ));
    }
    let target_name = target.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if target_name.is_empty()
        || is_tmp_name(target_name)
        || target_name == JOURNAL
        || target_name == LOCK
    {
        return Err(format!(
            "the target {:?} is not a file attend saves",
            target.display().to_string()
        ));
    }
    if tmp.parent() != target.parent() {
        return Err("the temporary file is not in its target's folder".into());
    }
    let top = target
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or("");
    if !JOURNALLED.contains(&top) || target.components().count() < 2 {
        return Err(format!(
            "the target {:?} is not in the register or the cases",
            target.display().to_string()
        ));
    }
    Ok((root.path().join(tmp), root.path().join(target)))
}

/// Read and check the journal; `None` when there is none. Nothing is moved.
fn read(root: &Root) -> Result<Option<Vec<(PathBuf, PathBuf)>>> {
    let jpath = root.path().join(JOURNAL);
    let refuse = |why: String| {
        anyhow!(
            "the workspace's {JOURNAL} (attend's record of changes being saved) cannot be used: {why}.\n  \
             Nothing was changed. attend writes this file only while it saves changes, and removes it when done; \
             this one names files attend did not stage. If no attend command was interrupted in {}, it did not \
             come from attend: check where it came from (for example with git log), then delete it",
            root.path().display()
        )
    };
    let meta = match fs::symlink_metadata(&jpath) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", jpath.display())),
    };
    if !meta.is_file() {
        return Err(refuse("it is not a regular file".into()));
    }
    if meta.len() > MAX_JOURNAL {
        return Err(refuse(
            "it is far larger than any journal attend writes".into(),
        ));
    }
    let mut bytes = Vec::new();
    fs::File::open(&jpath)
        .and_then(|f| f.take(MAX_JOURNAL + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {}", jpath.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| refuse("it is not text".into()))?;
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return Err(refuse(format!(
            "its first line is not {MAGIC:?} (it was not written by this version of attend)"
        )));
    }
    let mut staged = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let (tmp, target) =
            check_line(root, line).map_err(|why| refuse(format!("line {}: {why}", i + 2)))?;
        // the folder, through any links, must be inside the workspace; a line whose
        // temporary file is gone was already done
        let dir = super::parent_of(&target);
        let tmp_meta = match fs::symlink_metadata(&tmp) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", tmp.display())),
        };
        let Some(tmp_meta) = tmp_meta else { continue };
        match fs::canonicalize(&dir) {
            Ok(real) if root.holds(&real) => {}
            _ => {
                return Err(refuse(format!(
                    "line {}: the folder {} leads outside the workspace",
                    i + 2,
                    root.shown(&dir)
                )));
            }
        }
        if !tmp_meta.is_file() {
            return Err(refuse(format!(
                "line {}: the temporary file {} is not a regular file",
                i + 2,
                root.shown(&tmp)
            )));
        }
        if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            return Err(refuse(format!(
                "line {}: the target {} is a folder",
                i + 2,
                root.shown(&target)
            )));
        }
        staged.push((tmp, target));
    }
    Ok(Some(staged))
}

/// Finish a transaction that a killed command committed but did not complete: every line of
/// the journal is checked first, then the staged files are moved into place and the journal
/// removed. Only the lock holder may do this. Returns how many files were moved, or `None`
/// when there was no journal.
pub fn recover(root: &Root, _lock: &Lock) -> Result<Option<usize>> {
    let Some(staged) = read(root)? else {
        return Ok(None);
    };
    super::finish(&staged)?;
    let jpath = root.path().join(JOURNAL);
    fs::remove_file(&jpath).with_context(|| format!("cannot remove {}", jpath.display()))?;
    sync_dir(root.path());
    Ok(Some(staged.len()))
}

/// Is there a journal (a commit in progress, or interrupted)?
pub fn pending(root: &Root) -> bool {
    fs::symlink_metadata(root.path().join(JOURNAL)).is_ok()
}
