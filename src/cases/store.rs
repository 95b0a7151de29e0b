//! The cases of a workspace: `cases/<ID>/case.yaml`, one per pupil.
//!
//! The functions here write files but do not take the workspace lock: the command that calls them
//! holds [`Workspace::lock`] for as long as it reads, changes and writes.

use super::file::{self, CaseFileError, FieldPath, Problem};
use super::git::{self, Commit};
use super::model::*;
use super::{CASE_FILE, Stage};
use crate::attendance::{self, PeriodSpec, Snapshot};
use crate::fsutil::Transaction;
use crate::register::Register;
use crate::upn::PupilId;
use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

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

/// Read and check a pupil's case; `None` when the pupil has no case.
pub fn load(ws: &Workspace, id: &PupilId) -> Result<Option<Case>> {
    let path = case_path(ws, id);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
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
            problems: vec![file::Located {
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
        match fs::read_to_string(&path) {
            Ok(text) => match parse_for(ws, &id, &text, &path) {
                Ok(c) => cases.push(c),
                Err(e) => errors.push(anyhow!(e)),
            },
            Err(e) => errors.push(anyhow!("cannot read {}: {e}", path.display())),
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
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let stage = match scan_stage(&text) {
            Some(s) => s,
            None => parse_for(ws, &id, &text, &path)?.stage,
        };
        out.insert(id, stage);
    }
    Ok(out)
}

/// The stage from the one top-level `stage:` line, if there is exactly one and it is plain.
fn scan_stage(text: &str) -> Option<Stage> {
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

/// Write a case atomically, after checking that what is written reads back the same.
pub fn stage_write(tx: &mut Transaction, ws: &Workspace, case: &Case) -> Result<()> {
    let path = case_path(ws, &case.pupil.id);
    let text = checked_text(ws, case, &path)?;
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
pub fn save(ws: &Workspace, case: &Case, message: &str) -> Result<Commit> {
    let mut tx = Transaction::new(&ws.root);
    stage_write(&mut tx, ws, case)?;
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

// ---------------------------------------------------------------------------------------------
// Opening cases
// ---------------------------------------------------------------------------------------------

/// How to open a case.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// The day the case is opened (the command's `--as-of`).
    pub date: NaiveDate,
    /// Who opens it.
    pub by: String,
    /// Why (optional): "flagged below 90%", "referred by head of year".
    pub reason: String,
    /// For a pupil who is not in the register: their names (both needed) and what else is known.
    pub surname: Option<String>,
    pub forename: Option<String>,
    pub dob: Option<NaiveDate>,
    pub year: Option<String>,
    pub reg_group: Option<String>,
}

impl OpenOptions {
    pub fn new(date: NaiveDate, by: impl Into<String>) -> OpenOptions {
        OpenOptions {
            date,
            by: by.into(),
            reason: String::new(),
            surname: None,
            forename: None,
            dob: None,
            year: None,
            reg_group: None,
        }
    }
}

/// Why a case could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{id} already has a case ({path}, stage {stage}).\n  See it with: attend case show {id}{}", if *.stage == Stage::Closed { format!("\n  It is closed; to reopen it: attend case stage {id} monitor --reason \"...\"") } else { String::new() })]
    AlreadyOpen {
        id: PupilId,
        path: String,
        stage: Stage,
    },
    #[error(
        "{id} is not in the register ({pupils} pupils imported).\n  Check the UPN, or import the latest export; \
         to open a case anyway give the pupil's names: --surname NAME --forename NAME"
    )]
    NotInRegister { id: PupilId, pupils: usize },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A case just opened.
#[derive(Debug, Clone)]
pub struct Opened {
    pub case: Case,
    pub path: PathBuf,
    /// The pupil was found in the register (else the case was opened from the names given).
    pub in_register: bool,
    /// Why there are no opening figures, when there are none.
    pub no_figures: Option<String>,
}

/// Several cases opened together.
#[derive(Debug)]
pub struct OpenedMany {
    pub opened: Vec<Opened>,
    /// Pupils who already had a case (left as they were).
    pub skipped: Vec<PupilId>,
    pub commit: Commit,
}

/// The year-to-date figures on `date` for row `index` of the register.
pub fn year_to_date(
    reg: &Register,
    index: usize,
    date: NaiveDate,
    ws: &Workspace,
) -> Result<Snapshot, attendance::PeriodError> {
    attendance::snapshot(
        reg,
        index,
        &PeriodSpec {
            to: Some(date),
            ..Default::default()
        },
        None,
        &ws.config.thresholds,
    )
}

/// Build (not write) a new case for `id`.
pub fn new_case(
    ws: &Workspace,
    reg: &Register,
    id: &PupilId,
    opts: &OpenOptions,
) -> Result<Opened, OpenError> {
    let path = case_path(ws, id);
    if path.exists() {
        let stage = stages_one(ws, id).unwrap_or(Stage::Monitor);
        return Err(OpenError::AlreadyOpen {
            id: id.clone(),
            path: display_path(ws, &path),
            stage,
        });
    }
    let index = reg.index_of(id);
    let given = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (pupil, in_register) = match index {
        Some(i) => {
            let p = &reg.pupils[i];
            let mut d = PupilDetails {
                id: id.clone(),
                surname: p.surname.clone(),
                forename: p.forename.clone(),
                preferred_surname: p.preferred_surname.clone(),
                preferred_forename: p.preferred_forename.clone(),
                dob: p.dob,
                gender: p.gender.clone(),
                year: p.year.clone(),
                reg_group: p.reg_group.clone(),
                fsm: p.fsm.clone(),
                sen: p.sen.clone(),
                eal: p.eal.clone(),
            };
            // names given on the command line win over an empty register field only
            if d.surname.is_empty()
                && let Some(s) = given(&opts.surname)
            {
                d.surname = s;
            }
            if d.forename.is_empty()
                && let Some(f) = given(&opts.forename)
            {
                d.forename = f;
            }
            (d, true)
        }
        None => {
            let (Some(surname), Some(forename)) = (given(&opts.surname), given(&opts.forename))
            else {
                return Err(OpenError::NotInRegister {
                    id: id.clone(),
                    pupils: reg.pupils.len(),
                });
            };
            (
                PupilDetails {
                    id: id.clone(),
                    surname,
                    forename,
                    preferred_surname: String::new(),
                    preferred_forename: String::new(),
                    dob: opts.dob,
                    gender: String::new(),
                    year: given(&opts.year).unwrap_or_default(),
                    reg_group: given(&opts.reg_group).unwrap_or_default(),
                    fsm: String::new(),
                    sen: String::new(),
                    eal: String::new(),
                },
                false,
            )
        }
    };
    let (figures, no_figures) = match index {
        Some(i) => match year_to_date(reg, i, opts.date, ws) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        },
        None => (None, Some("the pupil is not in the register".to_string())),
    };
    let mut text = match &figures {
        Some(s) => format!("Case opened; attendance {}", s.describe()),
        None => "Case opened".to_string(),
    };
    if !in_register {
        text.push_str("; the pupil is not in the register");
    }
    if !opts.reason.trim().is_empty() {
        text = format!("{text}. Reason: {}", opts.reason.trim());
    }
    let case = Case {
        format: FORMAT,
        pupil,
        stage: Stage::Monitor,
        opened: opts.date,
        opening_attendance: figures,
        people: vec![],
        professionals: vec![],
        siblings: vec![],
        services: vec![],
        consent_to_referral: None,
        child_view: String::new(),
        barriers: vec![],
        strengths: vec![],
        plans: vec![],
        timeline: vec![Event {
            date: opts.date,
            kind: EventKind::Opened,
            by: opts.by.trim().to_string(),
            with: String::new(),
            text,
            stage: None,
            plan: None,
            document: None,
        }],
    };
    Ok(Opened {
        case,
        path,
        in_register,
        no_figures,
    })
}

fn stages_one(ws: &Workspace, id: &PupilId) -> Option<Stage> {
    let text = fs::read_to_string(case_path(ws, id)).ok()?;
    scan_stage(&text).or_else(|| {
        file::parse_case(&text, Path::new(CASE_FILE))
            .ok()
            .map(|c| c.stage)
    })
}

/// Open a case for one pupil: `cases/<ID>/case.yaml`, pre-filled from the register, with the
/// year-to-date figures frozen in; committed if `git.auto_commit` is on. The caller holds the
/// workspace lock.
pub fn open_case(
    ws: &Workspace,
    reg: &Register,
    id: &PupilId,
    opts: &OpenOptions,
) -> Result<(Opened, Commit), OpenError> {
    let opened = new_case(ws, reg, id, opts)?;
    let commit = save(ws, &opened.case, &format!("Case opened for {id}"))?;
    Ok((opened, commit))
}

/// Open cases for every pupil in `ids` who has none (those who have one are skipped), all written
/// together or not at all, in one commit. For `attend flag --open-cases`. The caller holds the lock.
pub fn open_cases(
    ws: &Workspace,
    reg: &Register,
    ids: &[PupilId],
    opts: &OpenOptions,
) -> Result<OpenedMany> {
    let mut tx = Transaction::new(&ws.root);
    let mut opened = Vec::new();
    let mut skipped = Vec::new();
    for id in ids {
        match new_case(ws, reg, id, opts) {
            Ok(o) => {
                stage_write(&mut tx, ws, &o.case)?;
                opened.push(o);
            }
            Err(OpenError::AlreadyOpen { .. }) => skipped.push(id.clone()),
            Err(e) => return Err(anyhow!(e)),
        }
    }
    tx.commit()?;
    let new_ids: Vec<PupilId> = opened.iter().map(|o| o.case.pupil.id.clone()).collect();
    let message = match new_ids.as_slice() {
        [one] => format!("Case opened for {one}"),
        many => format!("Cases opened for {} pupils", many.len()),
    };
    let commit = git::commit_cases(ws, &new_ids, &message);
    Ok(OpenedMany {
        opened,
        skipped,
        commit,
    })
}

// ---------------------------------------------------------------------------------------------
// Changing a case
// ---------------------------------------------------------------------------------------------

/// The kinds of event `attend case log` records (the others are recorded by their commands).
pub const LOG_KINDS: [EventKind; 7] = [
    EventKind::Call,
    EventKind::Visit,
    EventKind::Letter,
    EventKind::Email,
    EventKind::Meeting,
    EventKind::Referral,
    EventKind::Note,
];

/// Add an event to the end of the timeline, checking it can be recorded.
pub fn log_event(case: &mut Case, event: Event, today: NaiveDate) -> Result<()> {
    if event.text.trim().is_empty() {
        bail!("say what happened: the text of a timeline entry cannot be empty");
    }
    if event.date > today {
        bail!(
            "{} is after today ({}): the timeline records what has happened",
            event.date,
            today
        );
    }
    if let Some(d) = &event.document {
        check_document(d).map_err(|m| anyhow!("document: {m}"))?;
    }
    case.timeline.push(event);
    Ok(())
}

/// A document for a timeline entry: `file` must be inside the case folder (given relative to it,
/// or as a path that leads into it); its SHA-256 is computed now.
pub fn document_for(case_dir: &Path, file: &Path) -> Result<Document> {
    let candidate = if file.is_absolute() {
        file.to_path_buf()
    } else {
        case_dir.join(file)
    };
    let candidate = if candidate.exists() || file.is_absolute() {
        candidate
    } else {
        std::env::current_dir()?.join(file)
    };
    let full = candidate
        .canonicalize()
        .with_context(|| format!("cannot find the document {}", file.display()))?;
    let base = case_dir
        .canonicalize()
        .with_context(|| format!("cannot find the case folder {}", case_dir.display()))?;
    let rel = full.strip_prefix(&base).map_err(|_| {
        anyhow!(
            "{} is not inside the case folder {}: put the document there first (e.g. in {}/documents/)",
            file.display(),
            case_dir.display(),
            case_dir.display()
        )
    })?;
    if !full.is_file() {
        bail!("{} is not a file", file.display());
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow!("{} has a name that is not text", file.display()))?;
    let bytes = fs::read(&full).with_context(|| format!("cannot read {}", full.display()))?;
    let doc = Document {
        path: parts.join("/"),
        sha256: sha256_hex(&bytes),
    };
    check_document(&doc).map_err(|m| anyhow!("{m}"))?;
    Ok(doc)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Record one event on a pupil's case and save it (committing if `git.auto_commit` is on): for
/// other parts of attend that produce something for the case, such as a letter with its document
/// (see [`document_for`]). The caller holds the workspace lock.
pub fn record_event(
    ws: &Workspace,
    id: &PupilId,
    event: Event,
    today: NaiveDate,
    message: &str,
) -> Result<Commit> {
    let mut case = load_existing(ws, id)?;
    log_event(&mut case, event, today)?;
    save(ws, &case, message)
}

/// Why a stage change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("the case is already at stage {0}")]
    Already(Stage),
    #[error(
        "moving from {from} to {to} skips {skipped} stage{}: give the reason with --reason \"...\" (it is recorded on the timeline)",
        if *.skipped == 1 { "" } else { "s" }
    )]
    NeedsReason {
        from: Stage,
        to: Stage,
        skipped: usize,
    },
    #[error("the case is closed: reopening it needs a reason (--reason \"...\")")]
    ReopenNeedsReason,
    #[error("to close a case use: attend case close ID --reason \"...\"")]
    UseClose,
    #[error("the case is already closed")]
    AlreadyClosed,
    #[error("closing a case needs a reason (--reason \"...\"), recorded on the timeline")]
    CloseNeedsReason,
}

/// Move a case to another open stage: more than one step up the ladder, or reopening a closed
/// case, needs a reason. Records a `stage` event.
pub fn change_stage(
    case: &mut Case,
    to: Stage,
    reason: &str,
    date: NaiveDate,
    by: &str,
) -> Result<StageChange, StageError> {
    let from = case.stage;
    let reason = reason.trim();
    if to == Stage::Closed {
        return Err(StageError::UseClose);
    }
    if from == to {
        return Err(StageError::Already(to));
    }
    match (from.rung(), to.rung()) {
        (None, _) if reason.is_empty() => return Err(StageError::ReopenNeedsReason),
        (Some(a), Some(b)) if b > a + 1 && reason.is_empty() => {
            return Err(StageError::NeedsReason {
                from,
                to,
                skipped: b - a - 1,
            });
        }
        _ => {}
    }
    let what = if from == Stage::Closed {
        format!("Case reopened at stage {to}")
    } else if to > from {
        format!("Stage moved up from {from} to {to}")
    } else {
        format!("Stage moved back from {from} to {to}")
    };
    push_stage_event(case, from, to, date, by, &what, reason);
    Ok(StageChange { from, to })
}

fn push_stage_event(
    case: &mut Case,
    from: Stage,
    to: Stage,
    date: NaiveDate,
    by: &str,
    what: &str,
    reason: &str,
) {
    case.stage = to;
    let text = if reason.is_empty() {
        format!("{what}.")
    } else {
        format!("{what}: {reason}")
    };
    case.timeline.push(Event {
        date,
        kind: EventKind::Stage,
        by: by.trim().to_string(),
        with: String::new(),
        text,
        stage: Some(StageChange { from, to }),
        plan: None,
        document: None,
    });
}

/// Raise the stage to at least `to` (a plan puts a case at `support`, an escalation higher),
/// recording why. Returns the change, if any.
pub fn raise_stage(
    case: &mut Case,
    to: Stage,
    date: NaiveDate,
    by: &str,
    why: &str,
) -> Option<StageChange> {
    let from = case.stage;
    if !from.is_open() || from >= to {
        return None;
    }
    push_stage_event(
        case,
        from,
        to,
        date,
        by,
        &format!("Stage moved up from {from} to {to}"),
        why,
    );
    Some(StageChange { from, to })
}

/// Set the stage to `to` whatever it is (a review that closes a plan puts the case back to
/// monitoring), recording why.
pub fn set_stage(
    case: &mut Case,
    to: Stage,
    date: NaiveDate,
    by: &str,
    why: &str,
) -> Option<StageChange> {
    let from = case.stage;
    if from == to || !from.is_open() {
        return None;
    }
    let what = if to > from {
        "Stage moved up"
    } else {
        "Stage moved back"
    };
    push_stage_event(
        case,
        from,
        to,
        date,
        by,
        &format!("{what} from {from} to {to}"),
        why,
    );
    Some(StageChange { from, to })
}

/// Close a case with a reason.
pub fn close_case(
    case: &mut Case,
    reason: &str,
    date: NaiveDate,
    by: &str,
) -> Result<StageChange, StageError> {
    let reason = reason.trim();
    if case.stage == Stage::Closed {
        return Err(StageError::AlreadyClosed);
    }
    if reason.is_empty() {
        return Err(StageError::CloseNeedsReason);
    }
    let from = case.stage;
    let mut what = "Case closed".to_string();
    if let Some(p) = case.plans.iter().find(|p| p.is_open()) {
        what.push_str(&format!(
            " (plan {} was not reviewed; its review was due {})",
            p.number, p.review_date
        ));
    }
    push_stage_event(case, from, Stage::Closed, date, by, &what, reason);
    Ok(StageChange {
        from,
        to: Stage::Closed,
    })
}

/// What a hand edit changed that the officer should hear about.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EditNotes {
    pub events_removed: usize,
    pub events_added: usize,
    pub plans_removed: usize,
}

/// Check an edited case against the one it replaces: same pupil, same stage (stages move with
/// `attend case stage`, so the reason is recorded).
pub fn check_edit(before: &Case, after: &Case) -> Result<EditNotes, String> {
    if before.pupil.id != after.pupil.id {
        return Err(format!(
            "pupil.id was changed from {} to {}: a case cannot move to another pupil",
            before.pupil.id, after.pupil.id
        ));
    }
    if before.stage != after.stage {
        return Err(format!(
            "stage was changed from {} to {}: change the stage with `attend case stage {} {}` so the reason is recorded (put it back to {} here)",
            before.stage, after.stage, before.pupil.id, after.stage, before.stage
        ));
    }
    Ok(EditNotes {
        events_removed: before.timeline.len().saturating_sub(after.timeline.len()),
        events_added: after.timeline.len().saturating_sub(before.timeline.len()),
        plans_removed: before.plans.len().saturating_sub(after.plans.len()),
    })
}

// ---------------------------------------------------------------------------------------------
// Checking a case (everything that does not need the workspace)
// ---------------------------------------------------------------------------------------------

fn text_required(out: &mut Vec<Problem>, path: FieldPath, value: &str, what: &str) {
    if value.trim().is_empty() {
        out.push(Problem::new(path, format!("{what} cannot be empty")));
    }
}

/// Check a document reference: a relative path inside the case folder and a SHA-256.
pub fn check_document(d: &Document) -> Result<(), String> {
    let p = Path::new(&d.path);
    let safe = !d.path.is_empty()
        && !d.path.contains('\\')
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(format!(
            "path {:?} must be a file inside the case folder, such as documents/2025-01-20-plan-1.pdf",
            d.path
        ));
    }
    if d.sha256.len() != 64
        || !d
            .sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(format!(
            "sha256 {:?} must be 64 lower-case hexadecimal digits",
            d.sha256
        ));
    }
    Ok(())
}

/// Every rule of the case file that can be checked from the file alone.
pub fn validate_case(case: &Case) -> Vec<Problem> {
    let mut out = Vec::new();
    let root = FieldPath::root();
    if case.format != FORMAT {
        out.push(Problem::new(
            root.key("format"),
            format!("format must be {FORMAT}"),
        ));
    }
    let pupil = root.key("pupil");
    if case.pupil.surname.trim().is_empty() && case.pupil.forename.trim().is_empty() {
        out.push(Problem::new(
            pupil.key("surname"),
            "the pupil needs a surname or a forename",
        ));
    }
    for (i, p) in case.people.iter().enumerate() {
        let at = root.key("people").index(i);
        text_required(
            &mut out,
            at.key("name"),
            &p.name,
            "a parent or carer's name",
        );
        if !p.email.is_empty() && !p.email.contains('@') {
            out.push(Problem::new(
                at.key("email"),
                format!("{:?} is not an email address", p.email),
            ));
        }
    }
    for (i, p) in case.professionals.iter().enumerate() {
        let at = root.key("professionals").index(i);
        text_required(&mut out, at.key("name"), &p.name, "a professional's name");
        text_required(&mut out, at.key("role"), &p.role, "a professional's role");
    }
    for (i, s) in case.siblings.iter().enumerate() {
        let at = root.key("siblings").index(i);
        text_required(&mut out, at.key("name"), &s.name, "a sibling's name");
        if s.id.as_ref() == Some(&case.pupil.id) {
            out.push(Problem::new(
                at.key("id"),
                "a pupil cannot be their own sibling",
            ));
        }
    }
    for (i, s) in case.services.iter().enumerate() {
        text_required(
            &mut out,
            root.key("services").index(i).key("name"),
            &s.name,
            "a service's name",
        );
    }
    for (i, s) in case.strengths.iter().enumerate() {
        text_required(&mut out, root.key("strengths").index(i), s, "a strength");
    }
    // plans: numbered 1, 2, 3...; at most one open, and it is the latest
    let plans = root.key("plans");
    for (i, p) in case.plans.iter().enumerate() {
        let at = plans.index(i);
        if p.number as usize != i + 1 {
            out.push(Problem::new(
                at.key("number"),
                format!(
                    "plans are numbered in order: this is plan {}, not {}",
                    i + 1,
                    p.number
                ),
            ));
        }
        out.extend(super::plan::validate_plan(p, &at));
        if p.is_open() && i + 1 != case.plans.len() {
            out.push(Problem::new(
                at.key("review_date"),
                format!("plan {} has no review, but a later plan exists: only the latest plan can be open", p.number),
            ));
        }
        if let Some(r) = &p.review
            && let Some(n) = r.next_plan
        {
            let ok = n as usize > i + 1
                && case
                    .plans
                    .get(n as usize - 1)
                    .is_some_and(|q| q.follows_review_of == Some(p.number));
            if !ok {
                out.push(Problem::new(
                    at.key("review").key("next_plan"),
                    format!(
                        "plan {n} must be a later plan that says follows_review_of: {}",
                        p.number
                    ),
                ));
            }
        }
        if let Some(f) = p.follows_review_of {
            let ok = f >= 1
                && (f as usize) <= i
                && case.plans[f as usize - 1]
                    .review
                    .as_ref()
                    .and_then(|r| r.next_plan)
                    == Some(p.number);
            if !ok {
                out.push(Problem::new(
                    at.key("follows_review_of"),
                    format!(
                        "plan {f}'s review must be an earlier review whose next_plan is {}",
                        p.number
                    ),
                ));
            }
        }
    }
    for (i, e) in case.timeline.iter().enumerate() {
        let at = root.key("timeline").index(i);
        text_required(&mut out, at.key("text"), &e.text, "an entry's text");
        match (e.kind, e.stage) {
            (EventKind::Stage, None) => out.push(Problem::new(
                at.key("stage"),
                "a stage entry says the stage it moved from and to",
            )),
            (EventKind::Stage, Some(c)) if c.from == c.to => out.push(Problem::new(
                at.key("stage"),
                "a stage entry moves between two different stages",
            )),
            (k, Some(_)) if k != EventKind::Stage => out.push(Problem::new(
                at.key("stage"),
                "only entries of kind stage say a stage change",
            )),
            _ => {}
        }
        if let Some(n) = e.plan
            && (n == 0 || n as usize > case.plans.len())
        {
            out.push(Problem::new(
                at.key("plan"),
                format!("there is no plan {n} in this case"),
            ));
        }
        if let Some(d) = &e.document
            && let Err(m) = check_document(d)
        {
            out.push(Problem::new(at.key("document"), m));
        }
    }
    out
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

    fn case() -> Case {
        Case {
            format: FORMAT,
            pupil: PupilDetails {
                id: PupilId::parse("B801200005001").unwrap(),
                surname: "Smith".into(),
                forename: "Jo".into(),
                preferred_surname: String::new(),
                preferred_forename: String::new(),
                dob: None,
                gender: String::new(),
                year: String::new(),
                reg_group: String::new(),
                fsm: String::new(),
                sen: String::new(),
                eal: String::new(),
            },
            stage: Stage::Monitor,
            opened: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
            opening_attendance: None,
            people: vec![],
            professionals: vec![],
            siblings: vec![],
            services: vec![],
            consent_to_referral: None,
            child_view: String::new(),
            barriers: vec![],
            strengths: vec![],
            plans: vec![],
            timeline: vec![],
        }
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    #[test]
    fn one_step_up_needs_no_reason_two_steps_do() {
        let mut c = case();
        assert_eq!(
            change_stage(&mut c, Stage::Understand, "", d(1, 7), "A")
                .unwrap()
                .to,
            Stage::Understand
        );
        assert_eq!(
            change_stage(&mut c, Stage::Formal, "", d(1, 8), "A"),
            Err(StageError::NeedsReason {
                from: Stage::Understand,
                to: Stage::Formal,
                skipped: 1
            })
        );
        assert_eq!(
            c.stage,
            Stage::Understand,
            "a refused change changes nothing"
        );
        change_stage(
            &mut c,
            Stage::Formal,
            "LA asked for a referral",
            d(1, 8),
            "A",
        )
        .unwrap();
        assert_eq!(
            c.timeline.last().unwrap().text,
            "Stage moved up from understand to formal: LA asked for a referral"
        );
        // down any number of steps is allowed
        change_stage(&mut c, Stage::Monitor, "", d(1, 9), "A").unwrap();
        assert_eq!(
            change_stage(&mut c, Stage::Monitor, "x", d(1, 9), "A"),
            Err(StageError::Already(Stage::Monitor))
        );
        assert_eq!(
            change_stage(&mut c, Stage::Closed, "x", d(1, 9), "A"),
            Err(StageError::UseClose)
        );
    }

    #[test]
    fn closing_and_reopening_need_reasons() {
        let mut c = case();
        assert_eq!(
            close_case(&mut c, " ", d(2, 1), "A"),
            Err(StageError::CloseNeedsReason)
        );
        close_case(&mut c, "Attendance back above 95%", d(2, 1), "A").unwrap();
        assert_eq!(c.stage, Stage::Closed);
        assert_eq!(
            close_case(&mut c, "again", d(2, 1), "A"),
            Err(StageError::AlreadyClosed)
        );
        assert_eq!(
            change_stage(&mut c, Stage::Monitor, "", d(3, 1), "A"),
            Err(StageError::ReopenNeedsReason)
        );
        change_stage(
            &mut c,
            Stage::Support,
            "Absence again since half term",
            d(3, 1),
            "A",
        )
        .unwrap();
        assert_eq!(
            c.timeline.last().unwrap().stage,
            Some(StageChange {
                from: Stage::Closed,
                to: Stage::Support
            })
        );
        assert!(validate_case(&c).is_empty(), "{:?}", validate_case(&c));
    }

    #[test]
    fn logged_events_must_say_something_and_not_be_in_the_future() {
        let mut c = case();
        let ev = |date, text: &str| Event {
            date,
            kind: EventKind::Call,
            by: "A".into(),
            with: String::new(),
            text: text.into(),
            stage: None,
            plan: None,
            document: None,
        };
        assert!(log_event(&mut c, ev(d(1, 7), "  "), d(1, 7)).is_err());
        assert!(log_event(&mut c, ev(d(1, 8), "Called mum"), d(1, 7)).is_err());
        log_event(&mut c, ev(d(1, 7), "Called mum"), d(1, 7)).unwrap();
        assert_eq!(c.timeline.len(), 1);
    }

    #[test]
    fn documents_stay_inside_the_case_folder() {
        let ok = Document {
            path: "documents/2025-01-20-plan-1.pdf".into(),
            sha256: "a".repeat(64),
        };
        assert!(check_document(&ok).is_ok());
        for bad in [
            "../other/case.yaml",
            "/etc/passwd",
            "documents/../../x",
            "",
            "a\\b",
        ] {
            assert!(
                check_document(&Document {
                    path: bad.into(),
                    ..ok.clone()
                })
                .is_err(),
                "{bad}"
            );
        }
        assert!(
            check_document(&Document {
                sha256: "A".repeat(64),
                ..ok.clone()
            })
            .is_err()
        );
        assert!(
            check_document(&Document {
                sha256: "a".repeat(63),
                ..ok
            })
            .is_err()
        );
    }

    #[test]
    fn edits_cannot_move_a_case_or_its_stage() {
        let a = case();
        let mut b = case();
        b.stage = Stage::Support;
        assert!(
            check_edit(&a, &b)
                .unwrap_err()
                .contains("attend case stage")
        );
        let mut b = case();
        b.pupil.id = PupilId::parse("ADNO-1").unwrap();
        assert!(check_edit(&a, &b).is_err());
        assert_eq!(check_edit(&a, &case()).unwrap(), EditNotes::default());
    }
}
