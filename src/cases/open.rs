//! Opening cases: a pupil's case with the figures frozen on the day it was opened.

use super::Stage;
use super::file;
use super::git::{self, Commit};
use super::model::*;
use super::store::*;
use crate::attendance::{self, PeriodSpec, Snapshot};
use crate::register::Register;
use crate::register::contacts::Contacts;
use crate::upn::PupilId;
use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

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

/// Build (not write) a new case for `id`, its people and siblings from the register's contacts.
pub fn new_case(
    ws: &Workspace,
    reg: &Register,
    id: &PupilId,
    opts: &OpenOptions,
) -> Result<Opened, OpenError> {
    let contacts = Contacts::load(&ws.register_dir())?;
    new_case_with(ws, reg, &contacts, id, opts)
}

fn new_case_with(
    ws: &Workspace,
    reg: &Register,
    contacts: &Contacts,
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
                surname: p.surname.to_string(),
                forename: p.forename.to_string(),
                preferred_surname: p.preferred_surname.to_string(),
                preferred_forename: p.preferred_forename.to_string(),
                dob: p.dob,
                gender: p.gender.to_string(),
                year: p.year.to_string(),
                reg_group: p.reg_group.to_string(),
                fsm: p.fsm.to_string(),
                sen: p.sen.to_string(),
                eal: p.eal.to_string(),
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
    let mut case = Case {
        opening_attendance: figures,
        timeline: vec![Event {
            date: opts.date,
            kind: EventKind::Opened,
            by: opts.by.trim().to_string(),
            with: String::new(),
            text,
            stage: None,
            plan: None,
            document: None,
            seal: None,
        }],
        ..Case::new(pupil, opts.date)
    };
    if in_register {
        super::family::fill_from_register(&mut case, contacts, reg);
    }
    Ok(Opened {
        case,
        path,
        in_register,
        no_figures,
    })
}

fn stages_one(ws: &Workspace, id: &PupilId) -> Option<Stage> {
    let text = super::store::read_text(ws, &case_path(ws, id)).ok()?;
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
    let commit = save(
        ws,
        &opened.case,
        &format!("Case opened for {id}"),
        opts.date,
    )?;
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
    let mut tx = ws.transaction();
    let mut opened = Vec::new();
    let mut skipped = Vec::new();
    let contacts = Contacts::load(&ws.register_dir())?;
    for id in ids {
        match new_case_with(ws, reg, &contacts, id, opts) {
            Ok(o) => {
                stage_write(&mut tx, ws, &o.case, opts.date)?;
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
