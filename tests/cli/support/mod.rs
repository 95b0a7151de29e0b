//! The one support module of the integration tests: how they run the real binary ([`Env`]) in a
//! temporary workspace ([`Ws`]), and the helpers that read what it wrote. Inspired by the `Test`
//! builder of just's integration tests: every run goes through one place, so every run gets the
//! same clean environment.
//!
//! - [`register`]: generated registers and their ground truth (tests/tools/gen_register.py).
//! - [`cases`]: the fixture register, its expected case files, and attendance counted from the
//!   export without attend.
//! - [`schema`]: a checker for cases/case.schema.json.
//! - [`documents`]: the fictional cases' documents, and PDFs read back with pdftotext.
//! - [`hand`]: registers built by hand, every mark chosen by the test.
//! - [`git`]: workspaces under real git, branches and merges.

pub mod cases;
pub mod documents;
pub mod git;
pub mod hand;
pub mod register;
pub mod schema;

pub use cases::*;
pub use documents::*;
pub use git::*;
pub use hand::*;
pub use register::*;
pub use schema::*;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The officer the case and document tests record as (the example case's officer).
pub const OFFICER: &str = "Priya Shah";

/// 2026-01-01T00:00:00Z: the time stamp of the register tests' logs.
pub const EPOCH: &str = "1767225600";

/// The environment attend runs in. Every run removes `ATTEND_DIR`, `EDITOR`, `VISUAL` and `COLUMNS` (tables
/// fit 100 characters) and sets
/// `NO_COLOR=1`; on top of that, the two groups of tests differ in two variables, each kept as
/// the group has always had it. A variable a group does not set is removed, so nothing leaks in
/// from the shell that runs the tests.
#[derive(Clone, Copy, Debug)]
pub struct Env {
    /// `ATTEND_USER`: who records case entries.
    user: Option<&'static str>,
    /// `SOURCE_DATE_EPOCH`: the time stamp written in the register's logs.
    epoch: Option<&'static str>,
}

impl Env {
    /// The register tests (import, flag, report): logs stamped [`EPOCH`], nobody named as the
    /// recorder.
    pub const REGISTER: Env = Env {
        user: None,
        epoch: Some(EPOCH),
    };

    /// The case, plan, review and document tests: [`OFFICER`] records; the logs use the clock.
    pub const CASES: Env = Env {
        user: Some(OFFICER),
        epoch: None,
    };

    /// The attend binary in this environment, with no workspace given: the one way the tests
    /// start it. [`Ws::attend`] and [`Ws::at`] add the workspace.
    pub fn attend(self) -> Command {
        let mut c = Command::cargo_bin("attend").expect("binary built");
        c.env_remove("ATTEND_DIR")
            .env_remove("EDITOR")
            .env_remove("VISUAL")
            .env_remove("COLUMNS")
            .env("NO_COLOR", "1");
        match self.user {
            Some(user) => c.env("ATTEND_USER", user),
            None => c.env_remove("ATTEND_USER"),
        };
        match self.epoch {
            Some(epoch) => c.env("SOURCE_DATE_EPOCH", epoch),
            None => c.env_remove("SOURCE_DATE_EPOCH"),
        };
        c
    }
}

/// A workspace in a temporary folder (removed when dropped), and the environment attend runs in
/// there. `Ws::new().attend(["flag", "--all"])` runs `attend --dir WS flag --all`;
/// `ws.at("2025-01-10").args([...])` runs `attend --dir WS --as-of 2025-01-10 ...`.
pub struct Ws {
    root: PathBuf,
    env: Env,
    _temp: Option<tempfile::TempDir>,
}

impl Ws {
    /// An empty temporary folder, not yet a workspace.
    fn temp(env: Env) -> Ws {
        let temp = tempfile::tempdir().unwrap();
        Ws {
            root: temp.path().to_path_buf(),
            env,
            _temp: Some(temp),
        }
    }

    /// A fresh workspace for the register tests ([`Env::REGISTER`]): `attend --dir WS init`.
    pub fn new() -> Ws {
        let ws = Ws::temp(Env::REGISTER);
        ws.attend(["init"]).assert().success();
        ws
    }

    /// A workspace with no register, for the case tests ([`Env::CASES`]): `attend init WS`.
    pub fn empty() -> Ws {
        let ws = Ws::temp(Env::CASES);
        ws.env.attend().arg("init").arg(&ws.root).assert().success();
        ws
    }

    /// A workspace holding the fixture register, for the case tests ([`Env::CASES`]): the
    /// export tests/fixtures/cases/register.csv (made by tests/tools/gen_register.py --pupils 40
    /// --seed 11 --until 2025-03-28 --newline lf), imported.
    pub fn with_fixture_register() -> Ws {
        let ws = Ws::empty();
        ws.attend(["import"])
            .arg(fixtures().join("register.csv"))
            .assert()
            .success();
        ws
    }

    /// The document tests' workspace ([`Env::CASES`]): the fixture register, the fictional
    /// Townley Academy's letterhead (tests/fixtures/documents/attend.yaml) and the fictional
    /// cases ([`MASON`] from the repository's cases/, [`OLIVER`] and [`ELLIE`] from
    /// tests/fixtures/documents/).
    pub fn with_fictional_cases() -> Ws {
        let ws = Ws::temp(Env::CASES);
        let root = ws.path();
        ws.env
            .attend()
            .arg("init")
            .arg(root)
            .arg("--quiet")
            .assert()
            .success();
        std::fs::copy(
            repo().join("tests/fixtures/documents/attend.yaml"),
            root.join("attend.yaml"),
        )
        .unwrap();
        ws.attend(["--quiet", "import"])
            .arg(repo().join("tests/fixtures/cases/register.csv"))
            .assert()
            .success();
        copy_dir(
            &repo().join("cases").join(MASON),
            &root.join("cases").join(MASON),
        );
        let oliver = root.join("cases").join(OLIVER);
        std::fs::create_dir_all(&oliver).unwrap();
        std::fs::copy(
            repo().join("tests/fixtures/documents/K815375514034.yaml"),
            oliver.join("case.yaml"),
        )
        .unwrap();
        let ellie = root.join("cases").join(ELLIE);
        std::fs::create_dir_all(&ellie).unwrap();
        std::fs::copy(
            repo().join("tests/fixtures/documents/L815363715050.yaml"),
            ellie.join("case.yaml"),
        )
        .unwrap();
        ws
    }

    /// A folder the test made itself (a workspace or not yet one), run in `env`. It is not
    /// removed on drop: it lives in the test's own temporary folder.
    pub fn open(root: impl Into<PathBuf>, env: Env) -> Ws {
        Ws {
            root: root.into(),
            env,
            _temp: None,
        }
    }

    /// The workspace folder.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// `attend --dir WS ARGS...`
    pub fn attend<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = self.env.attend();
        c.arg("--dir").arg(&self.root).args(args);
        c
    }

    /// `attend --dir WS --as-of DATE` (add the command with `.args`).
    pub fn at(&self, date: &str) -> Command {
        let mut c = self.env.attend();
        c.arg("--dir").arg(&self.root).arg("--as-of").arg(date);
        c
    }
}

/// The repository (for tests/fixtures/, examples/, cases/, templates/).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Every file under `dir` with its bytes (to check that a failed command changed nothing).
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let name = p.strip_prefix(base).unwrap().to_path_buf();
                if name.to_string_lossy() == ".attend-lock" {
                    continue;
                }
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Copy the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// A shell script usable as EDITOR (or as a stand-in for a program on PATH): `body` runs with
/// the file to edit as $1.
pub fn editor(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\nset -e\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    p
}

/// `cases/ID/case.yaml` in workspace `ws`.
pub fn case_file(ws: &Path, id: &str) -> PathBuf {
    ws.join("cases").join(id).join("case.yaml")
}
