//! Issue 12, the workspace's files: the recovery journal trusts nothing, is workspace-relative,
//! and only the lock holder recovers; no write goes through a link that leaves the workspace;
//! `--html` replaces only regular files that are not attend's own; what attend writes is the
//! owner's only; a killed command's temporary files are removed; a case file linked to a
//! system file is not read.

use crate::support::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A temporary file's name exactly as attend stages them.
const TMP: &str = ".attend-tmp-Ab12Cd";

/// A small wide export: two pupils, `days` school days from Monday 6 January 2025, every
/// session present except the second pupil's last `absent` sessions (O).
fn small_export(dir: &Path, name: &str, days: usize, absent: usize) -> PathBuf {
    let mut header = vec!["UPN".to_string(), "Surname".into(), "Forename".into()];
    let mut day = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    let mut n = 0;
    while n < days {
        if chrono::Datelike::weekday(&day).num_days_from_monday() < 5 {
            header.push(format!("{} AM", day.format("%d/%m/%Y")));
            header.push(format!("{} PM", day.format("%d/%m/%Y")));
            n += 1;
        }
        day = day.succ_opt().unwrap();
    }
    let sessions = 2 * days;
    let mut text = header.join(",") + "\n";
    for (k, upn) in ["B801200005001", "P207000016049"].iter().enumerate() {
        let mut row = vec![upn.to_string(), format!("Pupil{k}"), "Test".into()];
        for s in 0..sessions {
            row.push(
                if k == 1 && s >= sessions - absent {
                    "O"
                } else {
                    "/"
                }
                .into(),
            );
        }
        text += &(row.join(",") + "\n");
    }
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// `attend` run with `dir` as the current folder.
fn attend_in(dir: &Path) -> assert_cmd::Command {
    let mut c = Env::REGISTER.attend();
    c.current_dir(dir);
    c
}

/// The files attend itself names under `sub` (temporary files left out), with their bytes.
///
/// The register's caches (`register/.cache/marks-*.bin`) are left out: they are not records, but
/// made from them, and an import stopped before its end may not have placed them (the marks are
/// then read from the marks files).
fn files(root: &Path, sub: &str) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    tree(&root.join(sub))
        .into_iter()
        .filter(|(p, _)| {
            let p = p.to_string_lossy();
            let cache = p.starts_with(".cache/") && p.ends_with(".bin");
            !p.contains(".attend-tmp-") && !cache
        })
        .collect()
}

/// What an import leaves when it is killed just after its commit point: each new file of
/// `after`'s register staged beside its target in `ws`, and the journal naming them (as attend
/// writes it: workspace-relative). Returns how many files were staged.
fn leave_interrupted_import(ws: &Path, after: &Path) -> usize {
    let before = files(ws, "register");
    let mut journal = String::from("attend journal 1\n");
    let mut n = 0;
    for (rel, bytes) in files(after, "register") {
        if before.get(&rel) == Some(&bytes) {
            continue;
        }
        let target = Path::new("register").join(&rel);
        let tmp = target
            .parent()
            .unwrap()
            .join(format!(".attend-tmp-St{n:04}"));
        fs::write(ws.join(&tmp), &bytes).unwrap();
        journal.push_str(&format!("{}\t{}\n", tmp.display(), target.display()));
        n += 1;
    }
    fs::write(ws.join(".attend-journal"), journal).unwrap();
    n
}

/// A parent folder holding a workspace `ws` with export A imported, the register export B
/// would give (imported into a copy, `after`), and export B.
struct Interrupted {
    parent: tempfile::TempDir,
    export_b: PathBuf,
}

impl Interrupted {
    fn new() -> Interrupted {
        let parent = tempfile::tempdir().unwrap();
        let p = parent.path();
        fs::create_dir(p.join("elsewhere")).unwrap();
        let a = small_export(p, "a.csv", 10, 2);
        let b = small_export(p, "b.csv", 15, 6);
        attend_in(p).args(["init", "ws"]).assert().success();
        attend_in(p)
            .args(["--dir", "ws", "--as-of", "2025-02-28", "import"])
            .arg(&a)
            .assert()
            .success();
        copy_dir(&p.join("ws"), &p.join("after"));
        attend_in(p)
            .args(["--dir", "after", "--as-of", "2025-02-28", "import"])
            .arg(&b)
            .assert()
            .success();
        Interrupted {
            parent,
            export_b: b,
        }
    }
    fn ws(&self) -> PathBuf {
        self.parent.path().join("ws")
    }
    fn after(&self) -> PathBuf {
        self.parent.path().join("after")
    }
}

/// Can strace inject faults into attend here (installed, and allowed to trace)?
fn strace_works() -> bool {
    std::process::Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// attend run under strace, which acts on attend's renames as `inject` says (the first rename
/// of a commit writes the journal; each later one moves a staged file into place).
fn attend_under_strace(dir: &Path, inject: &str) -> std::process::Command {
    let mut c = std::process::Command::new("strace");
    c.current_dir(dir)
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=rename,renameat,renameat2",
        ])
        .arg("-e")
        .arg(format!("inject=rename,renameat,renameat2:{inject}"))
        .arg(assert_cmd::cargo::cargo_bin("attend"))
        .env_remove("ATTEND_DIR")
        .env_remove("ATTEND_USER")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH);
    c
}

#[test]
fn a_crafted_journal_moves_nothing_anywhere_and_says_why() {
    let ws = Ws::new();
    let export = small_export(ws.path(), "a.csv", 10, 2);
    ws.at("2025-02-28")
        .arg("import")
        .arg(&export)
        .assert()
        .success();
    // outside the workspace: a shell start-up file, and a payload named as attend names its
    // temporary files
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join(".profile");
    fs::write(&victim, "original").unwrap();
    fs::write(outside.path().join(TMP), "echo pwned").unwrap();
    fs::write(ws.path().join("register").join(TMP), "echo pwned").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), ws.path().join("cases/LINK")).unwrap();
    let (payload, target) = (outside.path().join(TMP), victim.display().to_string());
    let journals = [
        // today's format, absolute paths
        format!("{}\t{target}\n", payload.display()),
        format!("attend journal 1\n{}\t{target}\n", payload.display()),
        format!("attend journal 1\nregister/{TMP}\tregister/../../{target}\n"),
        format!("attend journal 1\nregister/{TMP}\t../.profile\n"),
        "attend journal 1\nregister/evil.sh\tregister/pupils.csv\n".to_string(),
        format!("attend journal 1\n{TMP}\tattend.yaml\n"),
        format!("attend journal 1\ncases/LINK/{TMP}\tcases/LINK/.profile\n"),
    ];
    for journal in journals {
        fs::write(ws.path().join(".attend-journal"), &journal).unwrap();
        let before = tree(ws.path());
        let outside_before = tree(outside.path());
        for args in [vec!["flag", "--all"], vec!["import", "a.csv"]] {
            let err = run_err(ws.at("2025-02-28").args(&args).current_dir(ws.path()));
            assert!(err.contains(".attend-journal"), "{journal}: {err}");
            assert!(err.contains("Nothing was changed"), "{journal}: {err}");
            assert_eq!(tree(ws.path()), before, "{journal}: the workspace changed");
            assert_eq!(tree(outside.path()), outside_before, "{journal}");
        }
        assert_eq!(read(&victim), "original");
    }
}

#[test]
fn an_import_interrupted_with_a_relative_dir_is_finished_from_another_folder() {
    let it = Interrupted::new();
    let n = leave_interrupted_import(&it.ws(), &it.after());
    assert!(n >= 2, "the import changes several files");
    // recovered by a read-only command, run from another folder with a relative --dir
    let out = attend_in(&it.parent.path().join("elsewhere"))
        .args(["--dir", "../ws", "--as-of", "2025-02-28", "flag", "--all"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(err.contains("finished saving"), "{err}");
    assert_eq!(files(&it.ws(), "register"), files(&it.after(), "register"));
    assert!(!it.ws().join(".attend-journal").exists());
    assert!(
        !tree(&it.ws())
            .keys()
            .any(|p| p.to_string_lossy().contains(".attend-tmp-")),
        "staged files are all moved into place"
    );
}

#[test]
fn a_real_import_killed_after_its_commit_point_is_finished_from_another_folder() {
    if !strace_works() {
        eprintln!(
            "skipped: strace cannot trace attend here (the simulated interruption is tested above)"
        );
        return;
    }
    let it = Interrupted::new();
    // kill attend at its third rename: the journal is written, one file is moved
    let status = attend_under_strace(it.parent.path(), "signal=SIGKILL:when=3")
        .args(["--dir", "ws", "--as-of", "2025-02-28", "import"])
        .arg(&it.export_b)
        .status()
        .unwrap();
    assert!(!status.success(), "attend was killed");
    let journal = read(&it.ws().join(".attend-journal"));
    for line in journal.lines().skip(1) {
        assert!(
            line.starts_with("register/") && line.contains("\tregister/"),
            "paths relative to the workspace, whatever the current folder: {journal}"
        );
    }
    attend_in(&it.parent.path().join("elsewhere"))
        .args(["--dir", "../ws", "--as-of", "2025-02-28", "flag", "--all"])
        .assert()
        .success();
    assert_eq!(files(&it.ws(), "register"), files(&it.after(), "register"));
    assert!(!it.ws().join(".attend-journal").exists());
}

#[test]
fn a_read_only_command_never_finishes_another_commands_save() {
    let it = Interrupted::new();
    leave_interrupted_import(&it.ws(), &it.after());
    // another command holds the lock: it is saving right now
    let lock = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(it.ws().join(".attend-lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let before = tree(&it.ws());
    let t = Instant::now();
    let err = run_err(attend_in(it.parent.path()).args(["--dir", "ws", "flag", "--all"]));
    assert!(err.contains("another attend command is saving"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(20));
    assert_eq!(
        tree(&it.ws()),
        before,
        "nothing rolled forward without the lock"
    );
    // once it has let go, the next command finishes the save
    drop(lock);
    attend_in(it.parent.path())
        .args(["--dir", "ws", "flag", "--all"])
        .assert()
        .success();
    assert_eq!(files(&it.ws(), "register"), files(&it.after(), "register"));
}

#[test]
fn an_import_that_is_saving_is_not_rolled_forward_by_a_read_only_command() {
    if !strace_works() {
        eprintln!("skipped: strace cannot trace attend here (the lock is tested above)");
        return;
    }
    let it = Interrupted::new();
    // the import pauses 8 s before moving its first file, after its journal is written (a reader
    // waits 2 s for a save to finish)
    let mut import = attend_under_strace(it.parent.path(), "delay_enter=8000000:when=2")
        .args(["--dir", "ws", "--as-of", "2025-02-28", "import"])
        .arg(&it.export_b)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !it.ws().join(".attend-journal").exists() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the import reached its commit"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let before = files(&it.ws(), "register");
    let err = run_err(attend_in(it.parent.path()).args(["--dir", "ws", "flag", "--all"]));
    assert!(err.contains("another attend command is saving"), "{err}");
    assert_eq!(
        files(&it.ws(), "register"),
        before,
        "the reader moved nothing"
    );
    assert!(
        import.wait().unwrap().success(),
        "the import itself succeeds"
    );
    assert_eq!(files(&it.ws(), "register"), files(&it.after(), "register"));
}

#[cfg(unix)]
#[test]
fn nothing_is_written_through_a_link_that_leaves_the_workspace() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let empty = |d: &Path| fs::read_dir(d).unwrap().count() == 0;
    // a case's documents folder linked out
    let ws = Ws::with_fictional_cases();
    let docs = ws.path().join("cases").join(OLIVER).join("documents");
    assert!(!docs.exists());
    symlink(outside.path(), &docs).unwrap();
    let before = tree(ws.path());
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", OLIVER]));
    assert!(err.contains("outside the workspace"), "{err}");
    assert!(empty(outside.path()));
    assert_eq!(tree(ws.path()), before);
    // a pupil's case folder linked out
    let ws = Ws::with_fixture_register();
    let upn = "C815381816030";
    symlink(outside.path(), ws.path().join("cases").join(upn)).unwrap();
    let err = run_err(
        ws.at("2025-01-10")
            .args(["case", "open", upn, "--reason", "x"]),
    );
    assert!(err.contains("outside the workspace"), "{err}");
    assert!(empty(outside.path()));
    // cases/ itself linked out
    let ws = Ws::with_fixture_register();
    fs::remove_dir(ws.path().join("cases")).unwrap();
    symlink(outside.path(), ws.path().join("cases")).unwrap();
    let err = run_err(
        ws.at("2025-01-10")
            .args(["case", "open", upn, "--reason", "x"]),
    );
    assert!(err.contains("outside the workspace"), "{err}");
    assert!(empty(outside.path()));
    // the register linked out
    let ws = Ws::new();
    fs::remove_dir(ws.path().join("register")).unwrap();
    symlink(outside.path(), ws.path().join("register")).unwrap();
    let export = small_export(ws.path(), "a.csv", 5, 0);
    let err = run_err(ws.at("2025-02-28").arg("import").arg(&export));
    assert!(err.contains("outside the workspace"), "{err}");
    assert!(empty(outside.path()));
}

#[cfg(unix)]
#[test]
fn html_output_never_replaces_a_pipe_a_folder_or_attends_own_files() {
    let ws = Ws::with_fixture_register();
    let outside = tempfile::tempdir().unwrap();
    let fifo = outside.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let link = outside.path().join("link.html");
    std::os::unix::fs::symlink(ws.path().join("attend.yaml"), &link).unwrap();
    let folder = outside.path().join("folder");
    fs::create_dir(&folder).unwrap();
    let before = tree(ws.path());
    for target in [
        fifo.clone(),
        folder.clone(),
        ws.path().join("attend.yaml"),
        ws.path().join("register/pupils.csv"),
        ws.path().join("cases/report.html"),
        link.clone(),
    ] {
        for cmd in [vec!["report"], vec!["pupil", "C815381816030"]] {
            let err = run_err(ws.attend(&cmd).arg("--html").arg(&target));
            assert!(
                err.contains("not a regular file") || err.contains("attend's own files"),
                "{}: {err}",
                target.display()
            );
            assert_eq!(tree(ws.path()), before, "{}", target.display());
        }
    }
    assert!(folder.is_dir() && fs::read_dir(&folder).unwrap().count() == 0);
    // a page anywhere else is written whole, readable by the owner only
    let page = outside.path().join("report.html");
    ws.attend(["report", "--html"])
        .arg(&page)
        .assert()
        .success();
    assert!(read(&page).contains("<html"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&page).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[cfg(unix)]
#[test]
fn what_attend_writes_is_readable_by_its_owner_only_unless_shared_with_the_group() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let ws = Ws::with_fixture_register();
    let upn = "C815381816030";
    ws.at("2025-01-10")
        .args(["case", "open", upn, "--reason", "x"])
        .assert()
        .success();
    let root = ws.path();
    for dir in [
        "register",
        "register/2024-25",
        "cases",
        &format!("cases/{upn}"),
    ] {
        assert_eq!(mode(&root.join(dir)), 0o700, "{dir}");
    }
    for file in [
        "attend.yaml",
        ".gitignore",
        "register/pupils.csv",
        "register/imports.csv",
        "register/2024-25/marks.txt",
        &format!("cases/{upn}/case.yaml"),
    ] {
        assert_eq!(mode(&root.join(file)), 0o600, "{file}");
    }
    // a school that shares the folder with a group says so
    let cfg = root.join("attend.yaml");
    let text = read(&cfg).replace("share_with_group: false", "share_with_group: true");
    fs::write(&cfg, text).unwrap();
    let other = "N815361117010";
    ws.at("2025-01-14")
        .args(["case", "open", other, "--reason", "x"])
        .assert()
        .success();
    ws.at("2025-01-14")
        .args(["case", "log", upn, "--kind", "note", "A note"])
        .assert()
        .success();
    assert_eq!(mode(&root.join(format!("cases/{other}"))), 0o750);
    assert_eq!(mode(&root.join(format!("cases/{other}/case.yaml"))), 0o640);
    assert_eq!(
        mode(&root.join(format!("cases/{upn}/case.yaml"))),
        0o640,
        "rewritten"
    );
    assert_eq!(mode(&root.join(format!("cases/{upn}"))), 0o700, "kept");
    // a new workspace folder is the owner's only
    let parent = tempfile::tempdir().unwrap();
    Env::CASES
        .attend()
        .arg("init")
        .arg(parent.path().join("new"))
        .assert()
        .success();
    assert_eq!(mode(&parent.path().join("new")), 0o700);
}

#[test]
fn temporary_files_a_killed_command_left_are_removed_by_the_next_command_that_writes() {
    let ws = Ws::with_fixture_register();
    let upn = "C815381816030";
    ws.at("2025-01-10")
        .args(["case", "open", upn, "--reason", "x"])
        .assert()
        .success();
    let root = ws.path();
    let ours = [
        root.join(TMP),
        root.join("register").join(TMP),
        root.join("register/2024-25").join(TMP),
        root.join("cases").join(upn).join(TMP),
    ];
    let not_ours = [
        root.join(".attend-tmp-notours.txt"),
        root.join("cases")
            .join(upn)
            .join(".attend-tmp-edit-Ab12Cd-case.yaml"),
        root.join("notes.txt"),
    ];
    for p in ours.iter().chain(&not_ours) {
        fs::write(p, "left behind").unwrap();
    }
    // a read-only command does not hold the lock: it removes nothing
    ws.attend(["case", "list"]).assert().success();
    assert!(ours.iter().all(|p| p.exists()));
    ws.at("2025-01-13")
        .args(["case", "log", upn, "--kind", "note", "A note"])
        .assert()
        .success();
    for p in &ours {
        assert!(!p.exists(), "{} was left", p.display());
    }
    for p in &not_ours {
        assert!(p.exists(), "{} is not attend's to remove", p.display());
    }
}

#[cfg(unix)]
#[test]
fn a_case_file_linked_to_a_system_file_is_refused_without_printing_it() {
    let ws = Ws::with_fixture_register();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    fs::write(&secret, "root:x:0:0:SECRET-LINE:/root:/bin/bash\n").unwrap();
    let upn = "C815381816030";
    fs::create_dir(ws.path().join("cases").join(upn)).unwrap();
    std::os::unix::fs::symlink(&secret, case_file(ws.path(), upn)).unwrap();
    let err = run_err(ws.attend(["case", "show", upn]));
    assert!(err.contains("outside the workspace"), "{err}");
    assert!(!err.contains("SECRET"), "{err}");
    let out = ws.attend(["case", "list"]).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("SECRET"), "{all}");
    assert!(all.contains("outside the workspace"), "{all}");
}
