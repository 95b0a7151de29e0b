//! Helpers shared by the integration tests: run the real binary, make workspaces, generate
//! registers with the project's synthetic-register generator (tests/tools/gen_register.py).
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The attend binary with a clean, reproducible environment.
pub fn attend() -> Command {
    let mut c = Command::cargo_bin("attend").expect("binary built");
    c.env_remove("ATTEND_DIR")
        .env_remove("EDITOR")
        .env_remove("VISUAL")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1767225600"); // 2026-01-01T00:00:00Z in the logs
    c
}

/// A fresh workspace in a temporary folder.
pub fn workspace() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    attend()
        .arg("--dir")
        .arg(d.path())
        .arg("init")
        .assert()
        .success();
    d
}

/// attend with --dir set to the workspace.
pub fn at(ws: &Path) -> Command {
    let mut c = attend();
    c.arg("--dir").arg(ws);
    c
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// Run the generator with `args` (it writes where `--out`/`--truth` say).
pub fn generate(args: &[&str]) {
    let script = repo().join("tests/tools/gen_register.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs the generator");
    assert!(
        out.status.success(),
        "generator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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

pub fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// Parse a CSV text into rows of fields (header included).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The generator's truth JSON.
pub fn truth(path: &Path) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&read(path))
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}
