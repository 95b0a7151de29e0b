//! Committing a case's folder after a command changed it, when `git.auto_commit` is on.
//!
//! attend runs the `git` program (so the user's hooks, signing and settings apply) and commits
//! only the folders of the cases the command changed, never anything else that is staged or
//! changed in the workspace. With `auto_commit` off, attend never runs git.

use crate::upn::PupilId;
use crate::workspace::Workspace;
use std::path::Path;
use std::process::Command;

/// What happened to the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Commit {
    /// `git.auto_commit` is off: git was not run.
    Disabled,
    Committed {
        message: String,
    },
    /// git ran and found nothing changed in those folders.
    NothingToCommit,
    /// The change is saved, but not committed; why.
    Failed(String),
}

impl Commit {
    /// A warning for the user, when the commit did not happen although it should have.
    pub fn warning(&self) -> Option<String> {
        match self {
            Commit::Failed(why) => Some(format!(
                "the change is saved, but git did not commit it: {why}\n  \
                 commit it yourself, or fix the problem and run the next command (git.auto_commit is on in attend.yaml)"
            )),
            _ => None,
        }
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git ({e}); is git installed?"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let out_text = String::from_utf8_lossy(&out.stdout);
        let text = if err.trim().is_empty() {
            out_text.trim().to_string()
        } else {
            err.trim().to_string()
        };
        Err(format!(
            "git {}: {text}",
            args.first().copied().unwrap_or("")
        ))
    }
}

/// Commit the folders of these cases with `message`, if `git.auto_commit` is on.
pub fn commit_cases(ws: &Workspace, ids: &[PupilId], message: &str) -> Commit {
    // pathspecs relative to the workspace root; ids are validated, safe as folder names
    let paths: Vec<String> = ids
        .iter()
        .map(|id| format!("cases/{}", id.as_str()))
        .collect();
    commit_paths(ws, &paths, message)
}

/// Commit these paths of the workspace (folders or files, relative to its root, made by attend
/// from checked names) with `message`, if `git.auto_commit` is on.
pub fn commit_paths(ws: &Workspace, paths: &[String], message: &str) -> Commit {
    if !ws.config.git.auto_commit {
        return Commit::Disabled;
    }
    if paths.is_empty() {
        return Commit::NothingToCommit;
    }
    match git(&ws.root, &["rev-parse", "--is-inside-work-tree"]) {
        Ok(s) if s.trim() == "true" => {}
        _ => {
            return Commit::Failed(format!(
                "{} is not inside a git repository (run `git init` there, or set git.auto_commit: false)",
                ws.root.display()
            ));
        }
    }
    let mut add = vec!["add", "--"];
    add.extend(paths.iter().map(String::as_str));
    if let Err(e) = git(&ws.root, &add) {
        return Commit::Failed(e);
    }
    // anything staged for those folders?
    let mut diff = vec!["diff", "--cached", "--quiet", "--"];
    diff.extend(paths.iter().map(String::as_str));
    if git(&ws.root, &diff).is_ok() {
        return Commit::NothingToCommit;
    }
    // `git commit -- paths` commits only those paths, whatever else is staged
    let mut commit = vec!["commit", "--quiet", "-m", message, "--"];
    commit.extend(paths.iter().map(String::as_str));
    match git(&ws.root, &commit) {
        Ok(_) => Commit::Committed {
            message: message.to_string(),
        },
        Err(e) => Commit::Failed(e),
    }
}
