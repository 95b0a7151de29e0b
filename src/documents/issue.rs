//! Filing an issued document in its case: `cases/<ID>/documents/<date>-<stem>.pdf`, recorded on
//! the timeline with its SHA-256 (so the case proves exactly what was sent), the stage raised
//! where the document moves the case on, all staged in one [`Transaction`]: a failure leaves every
//! file as it was.

use super::context::Prepared;
use crate::cases::Case;
use crate::cases::model::{Document, Event};
use crate::cases::{store, timeline};
use crate::fsutil::Transaction;
use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder inside a case folder that holds its documents.
pub const DOCUMENTS_DIR: &str = "documents";

/// The largest logo attend reads (a letterhead's crest is a few hundred KiB at most).
const LOGO_MAX: u64 = 16 << 20;

/// The files a document may read while typeset: the school's logo, when attend.yaml names one
/// (`school.logo`, relative to the workspace).
pub fn assets(ws: &Workspace) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let logo = ws.config.school.logo.trim();
    if !logo.is_empty() {
        let path = ws.root.join(logo);
        let ext = super::engine::logo_asset_name(logo);
        if !matches!(
            ext.as_str(),
            "logo.png" | "logo.jpg" | "logo.jpeg" | "logo.gif" | "logo.svg"
        ) {
            bail!("school.logo in attend.yaml is {logo:?}: use a PNG, JPEG, GIF or SVG image");
        }
        let bytes = ws.fs().read(&path, LOGO_MAX).map_err(|e| {
            anyhow!(
                "cannot read the school's logo {} (school.logo in attend.yaml; a path relative to the workspace): {e}",
                path.display()
            )
        })?;
        out.insert(ext, bytes);
    }
    Ok(out)
}

/// The kind of a document filed in a case, from its file name (`documents/<date>-<stem>.pdf`, a
/// `-vN` version, a plan's number): what the case's history says was sent. A file logged by hand
/// under the same naming (`2025-01-14-concern-letter.txt`) counts too.
pub fn kind_of_filed(path: &str) -> Option<super::Kind> {
    let name = path.rsplit('/').next()?;
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let (date, rest) = (stem.get(..10)?, stem.get(10..)?);
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let mut rest = rest.strip_prefix('-')?;
    // a version (-v2), then a plan's number (-3)
    if let Some((head, v)) = rest.rsplit_once("-v")
        && !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit())
    {
        rest = head;
    }
    if let Some((head, n)) = rest.rsplit_once('-')
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
    {
        rest = head;
    }
    match rest {
        "rearranged-review" | "rearranged-meeting" => Some(super::Kind::Rearranged),
        _ => super::Kind::ALL.into_iter().find(|k| k.name() == rest),
    }
}

/// Where an issued document went.
#[derive(Debug, Clone)]
pub struct Filed {
    /// The PDF, in the workspace.
    pub path: PathBuf,
    /// The document as recorded on the timeline (path relative to the case folder, SHA-256).
    pub document: Document,
    /// The typst source written beside it (with `--source`).
    pub source: Option<PathBuf>,
    /// The same bytes were already filed and recorded under this name: nothing was written.
    pub unchanged: bool,
}

/// Choose the file for a document issued on `date`: `<date>-<stem>.pdf`; when that name is
/// taken by other bytes (a document re-issued the same day), `<date>-<stem>-v2.pdf` and so on.
/// Returns the name and whether an identical document is already filed under it.
fn choose_name(dir: &Path, date: NaiveDate, stem: &str, bytes: &[u8]) -> Result<(String, bool)> {
    let base = format!("{}-{stem}", date.format("%Y-%m-%d"));
    for v in 1..1000 {
        let name = if v == 1 {
            format!("{base}.pdf")
        } else {
            format!("{base}-v{v}.pdf")
        };
        let path = dir.join(&name);
        match std::fs::read(&path) {
            Ok(existing) if existing == bytes => return Ok((name, true)),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((name, false)),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
    bail!(
        "there are already 999 versions of {base}.pdf in {}",
        dir.display()
    )
}

/// Stage a document for `case`: its PDF (and typst source), the timeline event, the raised stage
/// and the case file. The caller holds the workspace lock and commits `tx`.
#[allow(clippy::too_many_arguments)]
pub fn stage(
    tx: &mut Transaction,
    ws: &Workspace,
    case: &mut Case,
    prepared: &Prepared,
    pdf: &[u8],
    source: Option<&str>,
    date: NaiveDate,
    by: &str,
) -> Result<Filed> {
    let case_dir = store::case_dir(ws, &case.pupil.id);
    let dir = case_dir.join(DOCUMENTS_DIR);
    let (name, exists) = choose_name(&dir, date, &prepared.stem, pdf)?;
    let rel = format!("{DOCUMENTS_DIR}/{name}");
    let path = dir.join(&name);
    let sha256 = store::sha256_hex(pdf);
    let document = Document {
        path: rel.clone(),
        sha256,
    };
    let recorded = case
        .timeline
        .iter()
        .any(|e| e.document.as_ref() == Some(&document));
    let source_path = source.map(|_| path.with_extension("typ"));
    if exists && recorded {
        if let (Some(p), Some(text)) = (&source_path, source) {
            tx.write(p, text.as_bytes())?;
        }
        return Ok(Filed {
            path,
            document,
            source: source_path,
            unchanged: true,
        });
    }
    if !exists {
        tx.write(&path, pdf)?;
    }
    if let (Some(p), Some(text)) = (&source_path, source) {
        tx.write(p, text.as_bytes())?;
    }
    let event = Event {
        date,
        kind: prepared.kind.event_kind(),
        by: by.trim().to_string(),
        with: prepared.with.clone(),
        text: prepared.event_text.clone(),
        stage: None,
        plan: prepared.plan,
        document: Some(document.clone()),
        seal: None,
    };
    timeline::log_event(case, event, date)
        .map_err(|e| anyhow!("cannot record the document: {e}"))?;
    if let Some(n) = &prepared.notice {
        case.notices_to_improve.push(n.clone());
    }
    if let Some(to) = prepared.kind.raises_to() {
        timeline::raise_stage(
            case,
            to,
            date,
            by,
            &format!("{} issued", prepared.kind.title()),
        );
    }
    store::stage_write(tx, ws, case, date)?;
    Ok(Filed {
        path,
        document,
        source: source_path,
        unchanged: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_taken_by_other_bytes_gets_a_version() {
        let dir = tempfile::tempdir().unwrap();
        let d = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        assert_eq!(
            choose_name(dir.path(), d, "invitation", b"a").unwrap(),
            ("2025-03-03-invitation.pdf".into(), false)
        );
        std::fs::write(dir.path().join("2025-03-03-invitation.pdf"), b"a").unwrap();
        assert_eq!(
            choose_name(dir.path(), d, "invitation", b"a").unwrap(),
            ("2025-03-03-invitation.pdf".into(), true)
        );
        assert_eq!(
            choose_name(dir.path(), d, "invitation", b"b").unwrap(),
            ("2025-03-03-invitation-v2.pdf".into(), false)
        );
        std::fs::write(dir.path().join("2025-03-03-invitation-v2.pdf"), b"b").unwrap();
        assert_eq!(
            choose_name(dir.path(), d, "invitation", b"b").unwrap(),
            ("2025-03-03-invitation-v2.pdf".into(), true)
        );
    }

    #[test]
    fn the_kind_of_a_filed_document_is_read_from_its_name() {
        use super::super::Kind;
        for (path, kind) in [
            (
                "documents/2025-02-24-concern-letter.pdf",
                Some(Kind::ConcernLetter),
            ),
            (
                "documents/2025-01-14-concern-letter.txt",
                Some(Kind::ConcernLetter),
            ),
            (
                "documents/2025-02-24-concern-letter-v2.pdf",
                Some(Kind::ConcernLetter),
            ),
            (
                "documents/2025-02-24-plan-letter-2.pdf",
                Some(Kind::PlanLetter),
            ),
            ("documents/2025-02-24-plan-12-v3.pdf", Some(Kind::Plan)),
            (
                "documents/2025-02-24-review-invitation-1.pdf",
                Some(Kind::ReviewInvitation),
            ),
            (
                "documents/2025-02-24-rearranged-review-1.pdf",
                Some(Kind::Rearranged),
            ),
            (
                "documents/2025-02-24-rearranged-meeting.pdf",
                Some(Kind::Rearranged),
            ),
            (
                "documents/2025-02-24-target-met-1.pdf",
                Some(Kind::TargetMet),
            ),
            (
                "documents/2025-02-24-notice-to-improve.pdf",
                Some(Kind::NoticeToImprove),
            ),
            ("documents/notes.pdf", None),
            ("documents/2025-02-24-minutes.pdf", None),
            ("documents/2025-13-24-concern-letter.pdf", None),
        ] {
            assert_eq!(kind_of_filed(path), kind, "{path}");
        }
    }

    #[test]
    fn logos_are_named_by_their_extension() {
        assert_eq!(
            super::super::engine::logo_asset_name("branding/Crest.PNG"),
            "logo.png"
        );
        assert_eq!(
            super::super::engine::logo_asset_name("logo.svg"),
            "logo.svg"
        );
    }
}
