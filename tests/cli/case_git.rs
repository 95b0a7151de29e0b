//! git.auto_commit: each command commits only its case's folder, with a message saying what
//! happened; without it attend never runs git; and two officers' changes to different parts of a
//! case on two branches merge without conflict (real git, in a temporary folder).

use crate::support::*;
use predicates::prelude::*;
use std::path::Path;

const MASON: &str = "C815381816030";

fn last_subject(w: &Path) -> String {
    git(w, &["log", "-1", "--format=%s"]).trim().to_string()
}

fn last_files(w: &Path) -> Vec<String> {
    git(w, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn each_command_commits_only_its_case_folder() {
    let ws = repo_workspace();
    let w = ws.path();
    // someone's unrelated work in progress: staged and unstaged
    std::fs::write(w.join("notes.txt"), "draft\n").unwrap();
    git(w, &["add", "notes.txt"]);
    std::fs::write(
        w.join("attend.yaml"),
        read(&w.join("attend.yaml")) + "# a local note\n",
    )
    .unwrap();

    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "committed to git: Case opened for C815381816030",
        ));
    assert_eq!(last_subject(w), "Case opened for C815381816030");
    assert_eq!(last_files(w), ["cases/C815381816030/case.yaml"]);

    ws.at("2025-01-13")
        .args(["case", "log", MASON, "--kind", "call", "Called mum"])
        .assert()
        .success();
    assert_eq!(
        last_subject(w),
        "Call recorded for C815381816030 (2025-01-13)"
    );

    ws.at("2025-01-20")
        .args([
            "plan",
            "new",
            MASON,
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Karen Lee|Mother",
        ])
        .args([
            "--action",
            "parents|Phone by 9am|Karen Lee",
            "--action",
            "school|Daily check-in|Tom Reid",
        ])
        .assert()
        .success();
    assert_eq!(
        last_subject(w),
        "Plan 1 recorded for C815381816030, review due 2025-02-10"
    );
    assert_eq!(last_files(w), ["cases/C815381816030/case.yaml"]);

    ws.at("2025-02-10")
        .args([
            "review",
            MASON,
            "--decision",
            "continue",
            "--action-status",
            "1=done",
            "--action-status",
            "2=partly",
        ])
        .assert()
        .success();
    assert!(
        last_subject(w).starts_with("Review of plan 1 recorded for C815381816030: "),
        "{}",
        last_subject(w)
    );

    // the other work is as it was: still staged, still modified, not committed
    let status = git(w, &["status", "--porcelain"]);
    assert!(status.contains("A  notes.txt"), "{status}");
    assert!(status.contains(" M attend.yaml"), "{status}");
    assert!(
        !status.contains("cases/"),
        "the case folder is committed: {status}"
    );
}

#[test]
fn without_auto_commit_attend_never_runs_git() {
    let ws = Ws::with_fixture_register();
    // a `git` that leaves a mark if anything runs it
    let bin = tempfile::tempdir().unwrap();
    let marker = bin.path().join("git-was-run");
    editor(
        bin.path(),
        "git",
        &format!("touch {}\nexit 1", marker.display()),
    );
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    ws.at("2025-01-10")
        .env("PATH", &path)
        .args(["case", "open", MASON])
        .assert()
        .success();
    ws.at("2025-01-13")
        .env("PATH", &path)
        .args(["case", "log", MASON, "--kind", "note", "A note"])
        .assert()
        .success();
    ws.at("2025-01-14")
        .env("PATH", &path)
        .args(["case", "stage", MASON, "understand"])
        .assert()
        .success();
    assert!(!marker.exists(), "git was run although auto_commit is off");
}

#[test]
fn a_failed_commit_says_so_and_keeps_the_change() {
    let ws = Ws::with_fixture_register();
    let w = ws.path();
    auto_commit_on(&ws);
    // not a git repository
    ws.at("2025-01-10")
        .env("GIT_CEILING_DIRECTORIES", w.parent().unwrap())
        .args(["case", "open", MASON])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: the change is saved, but git did not commit it",
        ))
        .stderr(predicate::str::contains("is not inside a git repository"));
    assert!(case_file(w, MASON).exists());
}

#[test]
fn changes_to_different_parts_on_two_branches_merge_without_conflict() {
    let ws = repo_workspace();
    let w = ws.path();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    let main = current_branch(w);

    // officer A, on a branch: a call, a stage change and the first plan
    git(w, &["checkout", "-q", "-b", "officer-a"]);
    ws.at("2025-01-13")
        .args(["case", "log", MASON, "--kind", "call", "Called mum"])
        .assert()
        .success();
    ws.at("2025-01-14")
        .args(["case", "stage", MASON, "understand"])
        .assert()
        .success();
    ws.at("2025-01-20")
        .args([
            "plan",
            "new",
            MASON,
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Karen Lee|Mother",
        ])
        .args([
            "--action",
            "parents|Phone by 9am|Karen Lee",
            "--action",
            "school|Daily check-in|Tom Reid",
        ])
        .assert()
        .success();

    // officer B, from the same starting point: parents, a sibling and barriers by hand
    git(w, &["checkout", "-q", &main]);
    let ed = editor(
        w,
        "add-family.sh",
        r#"awk '/^opening_attendance:$/ { print "people:"; print "- name: Karen Lee"; print "  relationship: mother"; print "  parental_responsibility: true"; print "siblings:"; print "- name: Ella Lee"; print "  school: Townley Primary"; print "barriers:"; print "- kind: transport" } { print }' "$1" > "$1.new"
mv "$1.new" "$1""#,
    );
    ws.at("2025-01-15")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    std::fs::remove_file(&ed).unwrap();
    assert_eq!(last_subject(w), "Case of C815381816030 edited by hand");

    // merge: no conflict, and the result is a valid case holding both officers' work
    merge(w, "officer-a");
    let text = read(&case_file(w, MASON));
    let case = attend::cases::file::parse_case(&text, Path::new("case.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(case.people.len(), 1);
    assert_eq!(case.siblings.len(), 1);
    assert_eq!(case.plans.len(), 1);
    assert_eq!(case.stage, attend::cases::Stage::Support);
    assert_eq!(case.timeline.len(), 5, "opened, call, stage, plan, stage");
    // and the merged file is already in attend's layout: saving it changes nothing
    assert_eq!(attend::cases::file::case_text(&case).unwrap(), text);
    ws.at("2025-01-21")
        .args(["case", "show", MASON])
        .assert()
        .success();
}
