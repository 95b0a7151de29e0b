//! `attend case edit` with a scripted editor: a valid edit is saved in attend's layout; an invalid
//! one is reopened with the problem (and its line) at the top; quitting without saving records
//! nothing; the original is untouched until the edit is valid.

use crate::support::*;
use predicates::prelude::*;

const MASON: &str = "C815381816030";

fn opened() -> Ws {
    let ws = Ws::with_fixture_register();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    ws
}

#[test]
fn an_invalid_edit_is_reopened_with_the_problem_and_its_line_at_the_top() {
    let ws = opened();
    let w = ws.path();
    let before = read(&case_file(w, MASON));
    let seen = w.join("seen.txt");
    // 1st run: a misspelt field; 2nd run: keep what attend shows, then fix the spelling
    let ed = editor(
        w,
        "ed.sh",
        &format!(
            r#"if grep -q '^#!' "$1"; then
  cp "$1" {seen}
  sed -i 's/^  relationshp:/  relationship:/' "$1"
else
  sed -i 's/^opening_attendance:$/people:\n- name: Karen Lee\n  relationshp: mother\nopening_attendance:/' "$1"
fi"#,
            seen = seen.display()
        ),
    );
    ws.at("2025-01-11")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    let shown = read(&seen);
    let first: Vec<&str> = shown.lines().take(3).collect();
    assert_eq!(
        first[0],
        "#! attend could not record this: fix what is below, then save and close again."
    );
    assert_eq!(
        first[1],
        "#! To record nothing, close the editor without saving."
    );
    // the line named is the line of the mistake in the file as the officer sees it
    let bad = shown
        .lines()
        .position(|l| l == "  relationshp: mother")
        .unwrap()
        + 1;
    assert!(
        first[2].contains(&format!(
            "line {bad}, field people[1]: unknown field (check its spelling) `relationshp`"
        )),
        "{}\n(the mistake is on line {bad})",
        first[2]
    );
    let after = read(&case_file(w, MASON));
    assert_ne!(after, before);
    assert!(
        after.contains("people:\n- name: Karen Lee\n  relationship: mother\nopening_attendance:"),
        "{after}"
    );
    assert!(!after.contains("#!"), "attend's message is not saved");
    assert!(
        !after.contains("# Edit the case"),
        "the guidance is not saved"
    );
}

#[test]
fn quitting_without_saving_records_nothing() {
    let ws = opened();
    let w = ws.path();
    let before = read(&case_file(w, MASON));
    let ed = editor(w, "quit.sh", "exit 0");
    ws.at("2025-01-11")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success()
        .stderr(predicate::str::contains("No changes saved"));
    assert_eq!(read(&case_file(w, MASON)), before);
    // an invalid edit, then quitting without saving the reopened file: nothing either
    let ed = editor(
        w,
        "bad-then-quit.sh",
        r#"grep -q '^#!' "$1" && exit 0
sed -i 's/^opened: 2025-01-10$/opened: 2025-13-10/' "$1""#,
    );
    ws.at("2025-01-11")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success()
        .stderr(predicate::str::contains("No changes saved"));
    assert_eq!(read(&case_file(w, MASON)), before);
    // an editor that fails: nothing
    let ed = editor(w, "fail.sh", "echo '# x' >> \"$1\"\nexit 3");
    ws.at("2025-01-11")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .failure()
        .stderr(predicate::str::contains("nothing was recorded"));
    assert_eq!(read(&case_file(w, MASON)), before);
    // no temporary files are left in the case folder
    let left: Vec<String> = std::fs::read_dir(w.join("cases").join(MASON))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["case.yaml"]);
}

#[test]
fn the_stage_is_not_changed_by_hand() {
    let ws = opened();
    let w = ws.path();
    let before = read(&case_file(w, MASON));
    let seen = w.join("seen.txt");
    let ed = editor(
        w,
        "stage.sh",
        &format!(
            r#"if grep -q '^#!' "$1"; then cp "$1" {}; exit 0; fi
sed -i 's/^stage: monitor$/stage: enforce/' "$1""#,
            seen.display()
        ),
    );
    ws.at("2025-01-11")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    assert!(read(&seen).contains(
        "change the stage with `attend case stage C815381816030 enforce` so the reason is recorded"
    ));
    assert_eq!(read(&case_file(w, MASON)), before);
}

#[test]
fn visual_is_preferred_to_editor() {
    let ws = opened();
    let w = ws.path();
    let visual = editor(
        w,
        "visual.sh",
        "sed -i 's/^opening_attendance:$/child_view: I like art.\\nopening_attendance:/' \"$1\"",
    );
    let ed = editor(w, "editor.sh", "exit 9");
    ws.at("2025-01-11")
        .env("VISUAL", &visual)
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .assert()
        .success();
    assert!(read(&case_file(w, MASON)).contains("child_view: I like art.\n"));
}

#[test]
fn an_editor_that_never_makes_the_file_valid_gives_up_and_records_nothing() {
    let ws = opened();
    let w = ws.path();
    let before = read(&case_file(w, MASON));
    // every run adds another misspelt field, so the file is never valid (and never unchanged)
    let ed = editor(
        w,
        "bad.sh",
        r#"echo "stage_hint_$$_$(date +%N): x" >> "$1""#,
    );
    ws.at("2025-01-11")
        .env("EDITOR", &ed)
        .args(["case", "edit", MASON])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains("nothing was recorded"));
    assert_eq!(read(&case_file(w, MASON)), before);
}
