//! Registers for the import, flag and report tests: the bundled examples, and registers made by
//! the project's synthetic-register generator (tests/tools/gen_register.py) with its ground truth.

use super::{Ws, read, repo};
use std::path::{Path, PathBuf};

/// A file of the bundled example school (examples/).
pub fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// A workspace with the example school's wide export imported.
pub fn riverside_wide() -> Ws {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    ws
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
