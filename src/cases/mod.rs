//! Case files: one YAML file per pupil (`cases/<ID>/case.yaml`), the officer's whole record.
//!
//! * [`model`]: the types, whose field order is the file's key order.
//! * [`file`]: reading and writing the text: validation that names file, line and field, and a
//!   canonical form (a round trip changes no byte).
//! * [`validate`]: every check of a case, its plans and reviews, in one place.
//! * [`stage`]: where a case sits on the graduated response.
//! * [`store`]: the cases of a workspace on disk: find, load, save.
//! * [`open`]: opening cases, with the figures frozen on the day and the family from the MIS.
//! * [`family`]: parents, carers and siblings from the register's contacts; where a case and
//!   the MIS differ; which pupils are brothers and sisters.
//! * [`people`]: the officer's weekly changes to a case's people, siblings, professionals,
//!   services, barriers, strengths, the child's view and consent.
//! * [`timeline`]: changing a case: events, documents, stage moves, closing, hand edits.
//! * [`plan`]: attendance meetings, action plans and reviews, with the evidence they rest on.
//! * [`penalty`]: the penalty-notice ledger (the national framework, per parent, per child).
//! * [`law`]: the law's steps need a child of compulsory school age.
//! * [`due`]: what needs doing.
//! * [`git`]: committing a case's folder when `git.auto_commit` is on.
//! * [`seal`]: sealed records (evidence stays as recorded) and amendments (corrections with
//!   their reasons).
//! * [`verify`]: `attend case verify`: every seal and every filed document checked.
//! * [`editor`]: editing a file in the user's `$EDITOR` until it is valid.
//!
//! The stage says *where* a case sits on the DfE's graduated response; the timeline says *what*
//! was done, each step an [`model::Event`].

pub mod due;
pub mod editor;
pub mod family;
pub mod file;
pub mod git;
pub mod law;
pub mod model;
pub mod open;
pub mod penalty;
pub mod people;
pub mod plan;
pub mod problem;
pub mod seal;
pub(crate) mod stage;
pub mod store;
pub mod timeline;
pub(crate) mod validate;
pub mod verify;

pub use model::Case;
pub use open::{OpenError, OpenOptions, Opened, open_case, open_cases};
pub use problem::CaseFileError;
pub use stage::Stage;
pub use store::{CASE_FILE, stages};
