//! attend's integration tests, in one test binary (`cargo test --test cli`): the real binary on
//! real files, each command family in its own module, every run through the one support module
//! ([`support::Ws`] for a temporary workspace, [`support::Env`] for the environment).
//!
//! Figures are checked against numbers made without attend: the generator's ground truth
//! (tests/tools/gen_register.py), marks counted from the export itself, or hand-built cases.
//! Data only lives in tests/fixtures/ and tests/snapshots/ (insta, `cargo insta review`).

mod support;

mod bundle;
mod case_edit;
mod case_files;
mod case_git;
mod case_people;
mod certificate_court;
mod documents_pdf;
mod documents_snapshots;
mod documents_templates;
mod due;
mod evidence;
mod exit_codes;
mod families;
mod filters;
mod flag;
mod import;
mod law;
mod mailout;
mod plan_review;
mod report;
mod reviews;
mod safety_files;
mod safety_input;
mod shell;
mod tables;
mod words;
mod workbooks;
