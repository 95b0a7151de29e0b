//! Documents: letters, plan and review records, registration certificates.
pub mod engine;
