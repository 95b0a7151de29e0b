//! Case files: one YAML file per pupil (`cases/<ID>/case.yaml`), the officer's whole record.
//!
//! * [`model`]: the types, whose field order is the file's key order.
//! * [`file`]: reading and writing the text: validation that names file, line and field, and a
//!   canonical form (a round trip changes no byte).
//! * [`store`]: the cases of a workspace: open, list, record events, change stage, close, edit.
//! * [`plan`]: attendance meetings, action plans and reviews, with the evidence they rest on.
//! * [`due`]: what needs doing.
//! * [`git`]: committing a case's folder when `git.auto_commit` is on.
//! * [`editor`]: editing a file in the user's `$EDITOR` until it is valid.
//!
//! The stage says *where* a case sits on the DfE's graduated response; the timeline says *what*
//! was done, each step an [`model::Event`].

pub mod due;
pub mod editor;
pub mod file;
pub mod git;
pub mod model;
pub mod plan;
pub mod store;

pub use file::CaseFileError;
pub use model::Case;
pub use store::{OpenError, OpenOptions, Opened, open_case, open_cases, stages};

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a case sits on the graduated response ("support first"), from the DfE's *Working together
/// to improve school attendance* (2024): monitor → understand → support → formal → enforce, or
/// closed. The order of the variants is the order of the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Attendance is watched: the case is open, no meeting yet.
    Monitor,
    /// Listening and understanding: concern letter, a meeting to understand the barriers.
    Understand,
    /// Facilitating support: an action plan and its reviews, early help.
    Support,
    /// Formalising support: attendance contract, referral to the local authority, education
    /// supervision order.
    Formal,
    /// Enforcing: Notice to Improve, penalty notice, prosecution.
    Enforce,
    /// The case is closed.
    Closed,
}

impl Stage {
    /// The open stages, in ladder order.
    pub const LADDER: [Stage; 5] = [
        Stage::Monitor,
        Stage::Understand,
        Stage::Support,
        Stage::Formal,
        Stage::Enforce,
    ];
    pub const ALL: [Stage; 6] = [
        Stage::Monitor,
        Stage::Understand,
        Stage::Support,
        Stage::Formal,
        Stage::Enforce,
        Stage::Closed,
    ];

    /// The machine name, as written in case files: `monitor`, `understand`, `support`, `formal`,
    /// `enforce`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Monitor => "monitor",
            Stage::Understand => "understand",
            Stage::Support => "support",
            Stage::Formal => "formal",
            Stage::Enforce => "enforce",
            Stage::Closed => "closed",
        }
    }

    /// What the stage means, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Monitor => "attendance is being monitored",
            Stage::Understand => {
                "listening and understanding: concern letter, a meeting to understand the barriers"
            }
            Stage::Support => "facilitating support: action plan, reviews, early help",
            Stage::Formal => {
                "formalising support: attendance contract, local authority referral, education supervision order"
            }
            Stage::Enforce => "enforcement: Notice to Improve, penalty notice, prosecution",
            Stage::Closed => "the case is closed",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        let t = text.trim().to_ascii_lowercase();
        Stage::ALL.into_iter().find(|s| s.as_str() == t)
    }

    /// Position on the ladder (0 = monitor); `None` when closed.
    pub fn rung(self) -> Option<usize> {
        Stage::LADDER.iter().position(|s| *s == self)
    }

    pub fn is_open(self) -> bool {
        self != Stage::Closed
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file name of a case inside its folder.
pub const CASE_FILE: &str = "case.yaml";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_is_in_order_and_names_parse_back() {
        for w in Stage::LADDER.windows(2) {
            assert!(w[0] < w[1]);
        }
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            assert_eq!(serde_yaml::to_string(&s).unwrap().trim(), s.as_str());
        }
        assert_eq!(Stage::Closed.rung(), None);
        assert_eq!(Stage::Formal.rung(), Some(3));
        assert_eq!(Stage::parse("Support "), Some(Stage::Support));
        assert_eq!(Stage::parse("escalate"), None);
    }
}
