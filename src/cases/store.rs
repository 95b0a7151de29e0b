//! The cases of a workspace: `cases/<ID>/case.yaml`, one per pupil.
//!
//! The functions here write files but do not take the workspace lock: the command that calls them
//! holds [`Workspace::lock`] for as long as it reads, changes and writes.

use super::Stage;
use super::file;
use super::git::{self, Commit};
use super::model::*;
use super::problem::{CaseFileError, FieldPath, Located};
use crate::fsutil::Transaction;
use crate::upn::PupilId;
use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file name of a case inside its folder.
pub const CASE_FILE: &str = "case.yaml";

/// The folder of a pupil's case. `PupilId` is validated: it cannot leave `cases/`.
pub fn case_dir(ws: &Workspace, id: &PupilId) -> PathBuf {
    ws.cases_dir().join(id.as_str())
}

pub fn case_path(ws: &Workspace, id: &PupilId) -> PathBuf {
    case_dir(ws, id).join(CASE_FILE)
}

/// The path as people see it: relative to the workspace (`cases/B801200005001/case.yaml`).
pub fn display_path(ws: &Workspace, path: &Path) -> String {
    path.strip_prefix(&ws.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The text of a case file: only from inside the workspace (not through a link leading out of
/// it), and no larger than a case file may be.
pub fn read_text(ws: &Workspace, path: &Path) -> Result<String, crate::fsutil::ReadError> {
    ws.fs().read_text(path, crate::yaml::CASE_FILE.max_bytes)
}

/// Read and check a pupil's case; `None` when the pupil has no case.
pub fn load(ws: &Workspace, id: &PupilId) -> Result<Option<Case>> {
    let path = case_path(ws, id);
    let text = match read_text(ws, &path) {
        Ok(t) => t,
        Err(crate::fsutil::ReadError::NotFound) => return Ok(None),
        Err(e) => return Err(anyhow!(e)),
    };
    Ok(Some(parse_for(ws, id, &text, &path)?))
}

/// Read a case that must exist.
pub fn load_existing(ws: &Workspace, id: &PupilId) -> Result<Case> {
    load(ws, id)?.ok_or_else(|| {
        anyhow!(
            "{id} has no case (there is no {}).\n  Open one with: attend case open {id}",
            display_path(ws, &case_path(ws, id))
        )
    })
}

/// Parse a case file's text for pupil `id`, checking it belongs in that folder.
pub fn parse_for(
    ws: &Workspace,
    id: &PupilId,
    text: &str,
    path: &Path,
) -> Result<Case, CaseFileError> {
    let shown = PathBuf::from(display_path(ws, path));
    let case = file::parse_case(text, &shown)?;
    if &case.pupil.id != id {
        return Err(CaseFileError {
            file: shown.display().to_string(),
            problems: vec![Located {
                line: file::locate(text, &FieldPath::root().key("pupil").key("id")),
                field: Some("pupil.id".into()),
                message: format!(
                    "the case is for {}, but it is in the folder of {id}: a case's folder is named after its pupil",
                    case.pupil.id
                ),
            }],
        });
    }
    Ok(case)
}

/// Every case in the workspace that can be read, and the errors of those that cannot.
pub fn load_all(ws: &Workspace) -> Result<(Vec<Case>, Vec<anyhow::Error>)> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for (id, path) in case_files(ws)? {
        match read_text(ws, &path) {
            Ok(text) => match parse_for(ws, &id, &text, &path) {
                Ok(c) => cases.push(c),
                Err(e) => errors.push(anyhow!(e)),
            },
            Err(e) => errors.push(anyhow!(e)),
        }
    }
    Ok((cases, errors))
}

/// The case files present, sorted by pupil id. Folders not named as a pupil are ignored.
pub fn case_files(ws: &Workspace) -> Result<Vec<(PupilId, PathBuf)>> {
    let dir = ws.cases_dir();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(id) = PupilId::parse(&name) else {
            continue;
        };
        if id.as_str() != name {
            continue; // e.g. a lower-case folder name: not one attend made
        }
        let path = entry.path().join(CASE_FILE);
        if path.is_file() {
            out.push((id, path));
        }
    }
    out.sort();
    Ok(out)
}

/// The stage of every case, fast enough for thousands of cases: reads only the `stage:` line of
/// each file (falling back to reading the whole file if that line is not in attend's layout).
pub fn stages(ws: &Workspace) -> Result<BTreeMap<PupilId, Stage>> {
    let mut out = BTreeMap::new();
    for (id, path) in case_files(ws)? {
        let text = read_text(ws, &path)?;
        let stage = match scan_stage(&text) {
            Some(s) => s,
            None => parse_for(ws, &id, &text, &path)?.stage,
        };
        out.insert(id, stage);
    }
    Ok(out)
}

/// The stage from the one top-level `stage:` line, if there is exactly one and it is plain.
pub(super) fn scan_stage(text: &str) -> Option<Stage> {
    let mut found = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("stage:") {
            if found.is_some() {
                return None;
            }
            let v = rest
                .split(" #")
                .next()?
                .trim()
                .trim_matches(|c| c == '\'' || c == '"');
            found = Some(Stage::parse(v)?);
        } else if line.starts_with("---") || line.starts_with("...") || line.starts_with('{') {
            return None;
        }
    }
    found
}

/// Write a case atomically, after checking that what is written reads back the same. Parts not
/// sealed yet (just recorded, or recorded before seals existed) are sealed, dated `today`.
pub fn stage_write(
    tx: &mut Transaction,
    ws: &Workspace,
    case: &Case,
    today: NaiveDate,
) -> Result<()> {
    let path = case_path(ws, &case.pupil.id);
    let mut sealed = case.clone();
    super::seal::seal_new(&mut sealed, today);
    let text = checked_text(ws, &sealed, &path)?;
    tx.write(&path, text.as_bytes())
}

/// The canonical text of a case, checked by reading it back.
pub fn checked_text(ws: &Workspace, case: &Case, path: &Path) -> Result<String> {
    let text = file::case_text(case)?;
    let back = parse_for(ws, &case.pupil.id, &text, path)
        .map_err(|e| anyhow!("attend would write an invalid case: {e}"))?;
    if &back != case {
        bail!(
            "attend would write a case that does not read back the same ({}); nothing was changed",
            path.display()
        );
    }
    Ok(text)
}

/// Save one case atomically, then commit its folder if `git.auto_commit` is on.
pub fn save(ws: &Workspace, case: &Case, message: &str, today: NaiveDate) -> Result<Commit> {
    let mut tx = ws.transaction();
    stage_write(&mut tx, ws, case, today)?;
    tx.commit()?;
    Ok(git::commit_cases(
        ws,
        std::slice::from_ref(&case.pupil.id),
        message,
    ))
}

/// Who records things, when no one is named: the attendance lead of attend.yaml.
pub fn default_by(ws: &Workspace) -> String {
    ws.config.school.attendance_lead.name.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_line_is_read_without_parsing() {
        assert_eq!(
            scan_stage("format: 1\npupil:\n  id: X\nstage: support\nopened: 2025-01-01\n"),
            Some(Stage::Support)
        );
        assert_eq!(scan_stage("stage: 'formal' # note\n"), Some(Stage::Formal));
        assert_eq!(
            scan_stage("stage: support\nstage: formal\n"),
            None,
            "two lines: read the whole file"
        );
        assert_eq!(
            scan_stage("pupil:\n  stage: support\n"),
            None,
            "not a top-level key"
        );
        assert_eq!(scan_stage("stage: sideways\n"), None);
    }
}
