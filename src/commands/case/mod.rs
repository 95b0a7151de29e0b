//! `attend case ...`: open, list, show, log, stage, close, edit; the people, siblings,
//! professionals, services, barriers, strengths, view and consent; sync with the MIS.

mod edit;
mod evidence;
mod list;
mod log;
mod open;
mod people;
mod show;
mod sync;

use super::Ctx;
use super::common::{pupil_id, register_for, report_commit, warn_broken_seals, who};
use super::output::write_csv;
use crate::cli::case::*;
use crate::cli::common::Format;
use anyhow::{Result, anyhow, bail};
use attend::attendance::Snapshot;
use attend::cases::OpenOptions;
use attend::cases::editor::{Edited, edit_until_valid};
use attend::cases::model::*;
use attend::cases::plan::open_plan;
use attend::cases::store;
use attend::cases::{Case, CaseFileError, Stage};
use attend::register::Register;
use attend::upn::PupilId;
use attend::workspace::Workspace;
use chrono::NaiveDate;
use std::io::Write;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, command: CaseCommand) -> Result<ExitCode> {
    match command {
        CaseCommand::Open(a) => open::open(ctx, a),
        CaseCommand::List(a) => list::list(ctx, a),
        CaseCommand::Show(a) => show::show(ctx, a),
        CaseCommand::Log(a) => log::log(ctx, a),
        CaseCommand::Stage(a) => log::stage(ctx, a),
        CaseCommand::Close(a) => log::close(ctx, a),
        CaseCommand::Edit(a) => edit::edit(ctx, a),
        CaseCommand::Person(c) => people::person(ctx, c),
        CaseCommand::Sibling(c) => people::sibling(ctx, c),
        CaseCommand::Professional(c) => people::professional(ctx, c),
        CaseCommand::Service(c) => people::service(ctx, c),
        CaseCommand::Barrier(c) => people::barrier(ctx, c),
        CaseCommand::Strength(c) => people::strength(ctx, c),
        CaseCommand::View(a) => people::view(ctx, a),
        CaseCommand::Consent(a) => people::consent(ctx, a),
        CaseCommand::Sync(a) => sync::sync(ctx, a),
        CaseCommand::Amend(a) => evidence::amend(ctx, a),
        CaseCommand::Verify(a) => evidence::verify(ctx, a),
    }
}

fn band_note(s: &Snapshot) -> String {
    match s.band.label() {
        "" => String::new(),
        l => format!(", {l}"),
    }
}

fn pupil_line(p: &PupilDetails) -> Option<String> {
    let mut parts = Vec::new();
    if !p.year.is_empty() {
        let y = p.year.trim();
        parts.push(if y.chars().all(|c| c.is_ascii_digit()) {
            format!("Year {y}")
        } else {
            y.to_string()
        });
    }
    if !p.reg_group.is_empty() {
        parts.push(p.reg_group.clone());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
