//! attend: school attendance for English attendance officers.
//!
//! The library holds every rule; the `attend` binary only parses the command line, calls the
//! library and presents the result.
//!
//! * [`codes`]: the DfE attendance codes of both code sets and how each counts.
//! * [`register`]: reading MIS exports and the git-friendly register store.
//! * [`attendance`]: the arithmetic of attendance, bands, patterns and the penalty-notice threshold.
//! * [`workspace`] and [`config`]: the school's folder and its `attend.yaml`.

pub mod attendance;
pub mod codes;
pub mod config;
pub mod dates;
pub mod flag;
pub mod fsutil;
pub mod register;
pub mod upn;
pub mod workspace;
pub mod yaml;
