//! `attend completions SHELL` and `attend manual`, made from the command line's definitions:
//! each shell's script is generated (and bash's sourced by bash), and the manual page lists the
//! commands and their options.

use crate::support::*;
use predicates::prelude::*;

fn run(args: &[&str]) -> String {
    let out = Env::REGISTER.attend().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completion_scripts_are_made_for_each_shell_and_bash_sources_its_own() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = run(&["completions", shell]);
        for word in ["attend", "flag", "threshold", "case", "xlsx", "excel-csv"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
        std::fs::write(dir.path().join(shell), &script).unwrap();
    }
    let bash = dir.path().join("bash");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("source \"$1\" && complete -p attend")
        .arg("bash")
        .arg(&bash)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("-F _attend attend"));
    // and it completes: the commands after `attend `
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            "source \"$1\"; COMP_WORDS=(attend fl); COMP_CWORD=1; COMP_LINE='attend fl'; \
             COMP_POINT=9; _attend attend fl attend; printf '%s\\n' \"${COMPREPLY[@]}\"",
        )
        .arg("bash")
        .arg(&bash)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l == "flag"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Env::REGISTER
        .attend()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn the_manual_page_covers_every_command_and_the_exit_status() {
    let man = run(&["manual"]);
    assert!(man.contains(".TH attend 1"), "a roff page, section 1");
    for page in [
        "attend-flag",
        "attend-report",
        "attend-due",
        "attend-completions",
    ] {
        assert!(man.contains(&format!(".TH {page} 1")), "{page}");
    }
    assert!(man.contains("\\-\\-threshold") && man.contains("\\-\\-wide"));
    assert!(man.contains("Exit status"));
    Env::REGISTER
        .attend()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Exit status: 0 success; 1 failure",
        ));
}
