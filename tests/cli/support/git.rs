//! Workspaces under real git, for the tests of auto-commit and of two officers' branches merging.

use super::{Ws, read};
use std::path::Path;
use std::process::Command;

/// Run git in `dir`; panics with its output unless it succeeds. Returns what it printed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A workspace with the fixture register, under git with `git.auto_commit` on, everything
/// committed.
pub fn repo_workspace() -> Ws {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    auto_commit_on(&ws);
    git(w, &["init", "-q"]);
    git(w, &["config", "user.name", "Test Officer"]);
    git(w, &["config", "user.email", "officer@example.org"]);
    git(w, &["config", "commit.gpgsign", "false"]);
    git(w, &["add", "-A"]);
    git(w, &["commit", "-q", "-m", "Workspace"]);
    ws
}

/// Turn `git.auto_commit` on in the workspace's attend.yaml.
pub fn auto_commit_on(ws: &Ws) {
    let cfg = ws.path().join("attend.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("auto_commit: false", "auto_commit: true"),
    )
    .unwrap();
}

/// The branch checked out in `w`.
pub fn current_branch(w: &Path) -> String {
    git(w, &["rev-parse", "--abbrev-ref", "HEAD"])
        .trim()
        .to_string()
}

/// Merge `branch` into the branch checked out in `w`; panics with git's output on a conflict.
pub fn merge(w: &Path, branch: &str) {
    git(w, &["merge", "--no-edit", branch]);
}
