//! Exit codes, as README's "Exit codes" promises: 0 when a command did what was asked, 1 when it
//! failed (and changed nothing), 2 when the command line itself was wrong (an unknown option, a
//! missing argument, a value of the wrong form), as ripgrep and git do.

use crate::support::*;
use predicates::prelude::*;

#[test]
fn success_is_0_failure_is_1_and_a_usage_error_is_2() {
    let ws = Ws::new();
    // 0: did what was asked (help and version included)
    ws.attend(["--help"]).assert().code(0);
    ws.attend(["--version"]).assert().code(0);
    ws.attend(["flag", "--help"]).assert().code(0);
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .code(0);
    ws.attend(["flag"]).assert().code(0);
    let before = tree(ws.path());
    // 2: the command line is wrong; nothing is run
    for args in [
        vec!["flag", "--no-such-option"],
        vec!["no-such-command"],
        vec!["flag", "--threshold", "ninety"],
        vec!["flag", "--from", "31/02/2025"],
        vec!["flag", "--term", "autumn", "--from", "2024-09-01"],
        vec!["family"],
        vec![],
    ] {
        ws.attend(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error"));
    }
    // 1: a well-formed request that failed
    for args in [
        vec!["pupil", "B801200005001"],
        vec!["flag", "--from", "2025-08-01", "--to", "2025-08-31"],
        vec!["family", "nobody-of-this-name"],
    ] {
        ws.attend(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with("error: "));
    }
    assert_eq!(
        before,
        tree(ws.path()),
        "no run of the failing or wrong ones wrote"
    );
    // a folder that is not a workspace: a failure, not a usage error
    let empty = tempfile::tempdir().unwrap();
    Env::REGISTER
        .attend()
        .arg("--dir")
        .arg(empty.path())
        .arg("flag")
        .assert()
        .code(1);
}
