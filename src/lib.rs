//! attend: school attendance for English attendance officers.
//!
//! The library holds every rule; the `attend` binary only parses the command line, calls the
//! library and presents the result.
//!
//! * [`codes`]: the DfE attendance codes of both code sets and how each counts.
//! * [`register`]: reading MIS exports and the git-friendly register store.
//! * [`attendance`]: the arithmetic of attendance, bands, patterns and the penalty-notice threshold.
//! * [`workspace`] and [`config`]: the school's folder and its `attend.yaml`.
//! * [`cases`]: case files, attendance meetings, plans, reviews and what is due.
//! * [`dates`] and [`text`]: dates, weekdays, plurals and names as schools write them.

#![deny(unsafe_code)]

pub mod attendance;
pub mod cases;
pub mod codes;
pub(crate) mod config;
pub mod dates;
pub mod documents;
pub mod flag;
pub mod fsutil;
pub mod order;
pub mod parallel;
pub mod register;
pub mod report;
pub mod text;
pub mod upn;
pub mod workspace;
pub mod yaml;

#[cfg(test)]
mod fuzz_tests;

/// Phase timings on stderr when `ATTEND_TIMING` is set (for benchmarking; never in normal use).
/// Where the system tells it (Linux), the memory the process holds at the end of each phase.
pub fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("ATTEND_TIMING").is_some() {
        // "VmRSS:   123456 kB" in /proc/self/status: the memory held now
        let held = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
                let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(format!(", holding {} MiB", kb / 1024))
            })
            .unwrap_or_default();
        eprintln!(
            "timing: {phase}: {:.3} s{held}",
            since.elapsed().as_secs_f64()
        );
    }
}
