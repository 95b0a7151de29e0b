//! `attend case verify`: is the record as it was recorded? Every seal of a case checked against
//! its part, every document on the timeline checked against its file's SHA-256, and every file
//! in the case's `documents/` folder accounted for by the timeline.

use super::model::Case;
use super::seal::{self, Status};
use super::store;
use crate::upn::PupilId;
use crate::workspace::Workspace;
use std::collections::BTreeSet;
use std::path::Path;

/// The largest document attend reads back to check (a filed PDF is a few hundred KiB).
const DOCUMENT_MAX: u64 = 256 << 20;

/// What was found about one part or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// As it was sealed, or as it was filed.
    Ok,
    /// Recorded before seals existed: sealed the next time attend saves the case.
    Unsealed,
    /// Changed since it was sealed or filed.
    Changed,
    /// A filed document that is not there.
    Missing,
    /// A file in the case's documents folder that no timeline entry records.
    Unexplained,
    /// The case file cannot be read, or an amendment cannot be applied.
    Invalid,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Unsealed => "unsealed",
            State::Changed => "changed",
            State::Missing => "missing",
            State::Unexplained => "unexplained",
            State::Invalid => "invalid",
        }
    }

    /// Whether this finding means the record is not as recorded.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            State::Changed | State::Missing | State::Unexplained | State::Invalid
        )
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The case (its folder's name).
    pub case: String,
    /// The part (`timeline.3`) or file (`documents/2025-01-14-plan-1.pdf`).
    pub what: String,
    pub state: State,
    /// In words.
    pub detail: String,
}

/// Check one case.
pub fn verify_case(ws: &Workspace, id: &PupilId) -> Vec<Finding> {
    let found = |what: String, state: State, detail: String| Finding {
        case: id.to_string(),
        what,
        state,
        detail,
    };
    let case = match store::load(ws, id) {
        Ok(Some(c)) => c,
        Ok(None) => {
            return vec![found(
                store::CASE_FILE.into(),
                State::Missing,
                "there is no case file".into(),
            )];
        }
        Err(e) => {
            return vec![found(
                store::CASE_FILE.into(),
                State::Invalid,
                format!("{e:#}"),
            )];
        }
    };
    let mut out = Vec::new();
    for part in seal::parts(&case) {
        let what = part.describe(&case);
        let (state, detail) = match seal::status(&case, part) {
            Status::Intact(s) => (State::Ok, format!("{what}: as sealed on {}", s.date)),
            Status::Unsealed => (
                State::Unsealed,
                format!(
                    "{what}: recorded before seals; sealed the next time attend saves the case"
                ),
            ),
            Status::Broken(s) => (
                State::Changed,
                format!("{what}: changed after it was sealed on {}", s.date),
            ),
        };
        out.push(found(part.to_string(), state, detail));
    }
    if let Err(e) = seal::amended(&case) {
        out.push(found("amendments".into(), State::Invalid, format!("{e:#}")));
    }
    out.extend(documents(ws, &case));
    out
}

/// The filed documents of a case against their files, and the files no entry records.
fn documents(ws: &Workspace, case: &Case) -> Vec<Finding> {
    let dir = store::case_dir(ws, &case.pupil.id);
    let mut out = Vec::new();
    let mut recorded = BTreeSet::new();
    let found = |what: &str, state: State, detail: String| Finding {
        case: case.pupil.id.to_string(),
        what: what.to_string(),
        state,
        detail,
    };
    for (i, e) in case.timeline.iter().enumerate() {
        let Some(d) = &e.document else { continue };
        recorded.insert(d.path.clone());
        let entry = format!("timeline entry {} ({}, {})", i + 1, e.kind.as_str(), e.date);
        if super::validate::check_document(d).is_err() {
            out.push(found(
                &d.path,
                State::Invalid,
                format!("{entry}: not a path inside the case folder"),
            ));
            continue;
        }
        match ws.fs().read(&dir.join(&d.path), DOCUMENT_MAX) {
            Ok(bytes) if store::sha256_hex(&bytes) == d.sha256 => out.push(found(
                &d.path,
                State::Ok,
                format!("{entry}: the file's SHA-256 is the one recorded"),
            )),
            Ok(_) => out.push(found(
                &d.path,
                State::Changed,
                format!("{entry}: the file is not the one filed (its SHA-256 differs from the one recorded)"),
            )),
            Err(crate::fsutil::ReadError::NotFound) => out.push(found(
                &d.path,
                State::Missing,
                format!("{entry}: the file is not there"),
            )),
            Err(e) => out.push(found(&d.path, State::Invalid, format!("{entry}: {e}"))),
        }
    }
    // files in documents/ that no entry records (a typst source beside a filed PDF is explained)
    let docs = dir.join("documents");
    let mut names: Vec<String> = std::fs::read_dir(&docs)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for name in names {
        let rel = format!("documents/{name}");
        if recorded.contains(&rel) {
            continue;
        }
        let source_of_filed = Path::new(&name).extension().is_some_and(|e| e == "typ")
            && recorded.contains(&format!("documents/{}.pdf", name.trim_end_matches(".typ")));
        if source_of_filed {
            continue;
        }
        out.push(found(
            &rel,
            State::Unexplained,
            "no timeline entry records this file: record it (attend case log ... --document) or move it out of the case folder".into(),
        ));
    }
    out
}

/// Check every case of the workspace (and say which case files cannot be read).
pub fn verify_all(ws: &Workspace) -> anyhow::Result<Vec<Finding>> {
    let mut out = Vec::new();
    for (id, _) in store::case_files(ws)? {
        out.extend(verify_case(ws, &id));
    }
    Ok(out)
}
