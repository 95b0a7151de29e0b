//! Where a case sits on the graduated response.

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
