//! Meetings, action plans and reviews, as the case file holds them.

use super::{Barrier, Seal};
use crate::attendance::{Fraction, Snapshot};
use crate::cases::Stage;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

fn is_false(b: &bool) -> bool {
    !*b
}

/// Someone at a meeting, name and role in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    /// Full name ("Jane Smith").
    pub name: String,
    /// Role in full ("Mother", "Head of Year 8", "Early Help Worker, Townley Council").
    pub role: String,
}

/// An attendance meeting with the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// Did the parents or carers attend? A meeting held in their absence says so.
    pub parents_attended: bool,
    pub attendees: Vec<Attendee>,
}

/// A percentage with up to two decimals (e.g. 95 or 92.5), held exactly in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(u32);

impl Percent {
    /// From hundredths of a percent (9250 = 92.5%); at most 100%.
    pub fn from_hundredths(h: u32) -> Option<Percent> {
        (h <= 10_000).then_some(Percent(h))
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// Parse "95", "92.5", "92.50" or "95%".
    pub fn parse(text: &str) -> Result<Percent, String> {
        let t = text.trim().trim_end_matches('%').trim();
        let bad = || {
            format!(
                "{text:?} is not a percentage: write a number from 0 to 100, such as 95 or 92.5"
            )
        };
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty()
            || whole.len() > 3
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let w: u32 = whole.parse().map_err(|_| bad())?;
        let f: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Percent::from_hundredths(w * 100 + f)
            .ok_or_else(|| format!("{text} is over 100: a target is a percentage of attendance"))
    }

    /// The exact rate, for comparisons.
    pub fn fraction(self) -> Fraction {
        Fraction {
            num: self.0,
            den: 10_000,
        }
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w, h) = (self.0 / 100, self.0 % 100);
        if h == 0 {
            write!(f, "{w}")
        } else if h % 10 == 0 {
            write!(f, "{w}.{}", h / 10)
        } else {
            write!(f, "{w}.{h:02}")
        }
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(100) {
            s.serialize_u32(self.0 / 100)
        } else {
            // a decimal number, written the way a person would write it (92.5)
            s.serialize_f64(self.to_string().parse::<f64>().expect("a decimal"))
        }
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a percentage from 0 to 100, such as 95 or 92.5")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Percent, E> {
                if v > 100 {
                    return Err(E::custom(format!(
                        "{v} is over 100: a target is a percentage of attendance"
                    )));
                }
                Ok(Percent(v as u32 * 100))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Percent, E> {
                if v < 0 {
                    return Err(E::custom(format!(
                        "{v} is below 0: a target is a percentage of attendance"
                    )));
                }
                self.visit_u64(v as u64)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Percent, E> {
                if !(0.0..=100.0).contains(&v) {
                    return Err(E::custom(format!(
                        "{v} is outside 0 to 100: a target is a percentage of attendance"
                    )));
                }
                let h = (v * 100.0).round();
                if (v * 100.0 - h).abs() > 1e-6 {
                    return Err(E::custom(format!("{v} has more than two decimals")));
                }
                Ok(Percent(h as u32))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Percent, E> {
                Percent::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// What the plan aims for: attendance of at least a target over a number of weeks, or no further
/// unauthorised absence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aim {
    /// Target attendance, in percent, between the meeting and the review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Percent>,
    /// The number of weeks the target covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<u32>,
    /// The aim is no further unauthorised absence.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_unauthorised_absence: bool,
}

impl Aim {
    /// "95% attendance over 4 weeks" / "no further unauthorised absence".
    pub fn describe(&self) -> String {
        let weeks = |w: u32| format!("{w} week{}", if w == 1 { "" } else { "s" });
        match (self.target, self.no_unauthorised_absence) {
            (Some(t), _) => match self.weeks {
                Some(w) => format!("{t}% attendance over {}", weeks(w)),
                None => format!("{t}% attendance"),
            },
            (None, true) => match self.weeks {
                Some(w) => format!("no further unauthorised absence over {}", weeks(w)),
                None => "no further unauthorised absence".into(),
            },
            (None, false) => "no aim recorded".into(),
        }
    }
}

/// Who an action is for: the guidance asks that everyone at the meeting has actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionFor {
    YoungPerson,
    Parents,
    School,
    Agency,
}

impl ActionFor {
    pub const ALL: [ActionFor; 4] = [
        ActionFor::YoungPerson,
        ActionFor::Parents,
        ActionFor::School,
        ActionFor::Agency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionFor::YoungPerson => "young_person",
            ActionFor::Parents => "parents",
            ActionFor::School => "school",
            ActionFor::Agency => "agency",
        }
    }

    /// The plan's headings: "Young person agrees to", ...
    pub fn heading(self) -> &'static str {
        match self {
            ActionFor::YoungPerson => "Young person agrees to",
            ActionFor::Parents => "Parents/carers agree to",
            ActionFor::School => "School agrees to",
            ActionFor::Agency => "Other agencies agree to",
        }
    }

    pub fn parse(text: &str) -> Option<ActionFor> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "young_person" | "pupil" | "child" | "yp" => Some(ActionFor::YoungPerson),
            "parents" | "parent" | "carers" | "carer" | "parents_carers" => {
                Some(ActionFor::Parents)
            }
            "school" => Some(ActionFor::School),
            "agency" => Some(ActionFor::Agency),
            _ => None,
        }
    }
}

/// One agreed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Who the action is for.
    #[serde(rename = "for")]
    pub for_: ActionFor,
    /// The agency, when the action is for one ("Early Help").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agency: String,
    pub what: String,
    /// The named person responsible.
    pub owner: String,
    pub due: NaiveDate,
}

/// A copy of the plan (or review) given to someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyTo {
    /// Who: "parents", "Jo (pupil)", "Early Help worker"...
    pub to: String,
    /// The date it was sent or handed over (absent: not yet sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<NaiveDate>,
    /// post, email, by hand...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub how: String,
}

/// An attendance meeting and the action plan it agreed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// 1, 2, 3... in the order the plans were made.
    pub number: u32,
    /// The review (of this case's plan with this number) that led to this plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows_review_of: Option<u32>,
    pub meeting: Meeting,
    /// The attendance figures discussed at the meeting (frozen evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Snapshot>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary_of_concerns: String,
    /// Reasons for absence, as the school knows them and as the family explains them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reasons: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub barriers: Vec<Barrier>,
    /// Support already in place in school (including EHCP/SEN support).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub support_in_place: String,
    /// What is going well; strengths to build on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub going_well: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub concerns: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub wellbeing_goals: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub other_issues: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub child_view: String,
    pub aim: Aim,
    pub actions: Vec<Action>,
    pub review_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CopyTo>,
    /// The seal of the plan as recorded (everything but its copies and its review).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
    /// The review, once held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

impl Plan {
    /// A plan is open until it is reviewed.
    pub fn is_open(&self) -> bool {
        self.review.is_none()
    }
}

/// The review's finding against the plan's aim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    SomeImprovement,
    NotMet,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::SomeImprovement => "some_improvement",
            Outcome::NotMet => "not_met",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Met => "target met",
            Outcome::SomeImprovement => "some improvement",
            Outcome::NotMet => "target not met",
        }
    }
    pub fn parse(text: &str) -> Option<Outcome> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "met" | "yes" => Some(Outcome::Met),
            "some_improvement" | "some" => Some(Outcome::SomeImprovement),
            "not_met" | "no" => Some(Outcome::NotMet),
            _ => None,
        }
    }
}

/// What the review decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Target met: the plan ends and the case goes back to monitoring.
    Close,
    /// A new plan with a new review date no more than 3 weeks later.
    Continue,
    /// The next step of the graduated response, with a plan kept in place.
    Escalate,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Close => "close",
            Decision::Continue => "continue",
            Decision::Escalate => "escalate",
        }
    }
}

/// The next steps a review can escalate to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    /// An early help assessment (whole-family support).
    EarlyHelp,
    /// Referral to the local authority's attendance service.
    LocalAuthority,
    NoticeToImprove,
    PenaltyNotice,
    Prosecution,
}

impl Escalation {
    pub const ALL: [Escalation; 5] = [
        Escalation::EarlyHelp,
        Escalation::LocalAuthority,
        Escalation::NoticeToImprove,
        Escalation::PenaltyNotice,
        Escalation::Prosecution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::EarlyHelp => "early_help",
            Escalation::LocalAuthority => "local_authority",
            Escalation::NoticeToImprove => "notice_to_improve",
            Escalation::PenaltyNotice => "penalty_notice",
            Escalation::Prosecution => "prosecution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Escalation::EarlyHelp => "an early help assessment",
            Escalation::LocalAuthority => "referral to the local authority attendance service",
            Escalation::NoticeToImprove => "a Notice to Improve",
            Escalation::PenaltyNotice => "a penalty notice",
            Escalation::Prosecution => "prosecution",
        }
    }

    /// The stage of the graduated response this step belongs to.
    pub fn stage(self) -> Stage {
        match self {
            Escalation::EarlyHelp => Stage::Support,
            Escalation::LocalAuthority => Stage::Formal,
            Escalation::NoticeToImprove | Escalation::PenaltyNotice | Escalation::Prosecution => {
                Stage::Enforce
            }
        }
    }
}

/// How far an action was carried out, as found at the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Done,
    Partly,
    NotDone,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Done => "done",
            ActionStatus::Partly => "partly",
            ActionStatus::NotDone => "not_done",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Done => "done",
            ActionStatus::Partly => "partly done",
            ActionStatus::NotDone => "not done",
        }
    }
}

/// What became of one of the plan's actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionReview {
    /// The action's number in the plan (1 = the first).
    pub action: u32,
    pub status: ActionStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The review of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub meeting: Meeting,
    /// Attendance from the plan's start to the review (frozen evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub during_plan: Option<Snapshot>,
    /// The same number of school days just before the plan, for comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_plan: Option<Snapshot>,
    /// The academic year to date on the review day (with the penalty-notice threshold when met).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_to_date: Option<Snapshot>,
    /// The outcome the figures give (absent when there were no sessions to judge by).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_outcome: Option<Outcome>,
    pub outcome: Outcome,
    /// Why the officer's outcome differs from the proposed one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outcome_reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub what_worked: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub what_did_not_work: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionReview>,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The plan made at this review (continue or escalate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_plan: Option<u32>,
    /// The seal of the review as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
}

impl Review {
    /// Each of the plan's actions with the status found at this review (`None`: not reviewed).
    pub fn action_statuses<'a>(
        &'a self,
        plan: &'a Plan,
    ) -> Vec<(&'a Action, Option<&'a ActionReview>)> {
        plan.actions
            .iter()
            .enumerate()
            .map(|(i, a)| (a, self.actions.iter().find(|r| r.action as usize == i + 1)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_parse_exactly_and_print_as_written() {
        assert_eq!(Percent::parse("95").unwrap().hundredths(), 9500);
        assert_eq!(Percent::parse("92.5").unwrap().hundredths(), 9250);
        assert_eq!(Percent::parse("92.25%").unwrap().hundredths(), 9225);
        assert_eq!(Percent::parse("100").unwrap().to_string(), "100");
        assert_eq!(Percent::parse("92.50").unwrap().to_string(), "92.5");
        assert_eq!(Percent::parse("92.05").unwrap().to_string(), "92.05");
        assert!(Percent::parse("101").is_err());
        assert!(Percent::parse("100.01").is_err());
        assert!(Percent::parse("-5").is_err());
        assert!(Percent::parse("9x").is_err());
        assert!(Percent::parse("92.555").is_err());
        assert!(Percent::parse("").is_err());
    }

    #[test]
    fn percents_round_trip_through_yaml() {
        for text in ["95", "92.5", "92.05", "0", "100"] {
            let p = Percent::parse(text).unwrap();
            let y = serde_yaml::to_string(&p).unwrap();
            assert_eq!(y.trim(), text);
            let back: Percent = serde_yaml::from_str(&y).unwrap();
            assert_eq!(back, p);
        }
        assert!(serde_yaml::from_str::<Percent>("101").is_err());
        assert!(serde_yaml::from_str::<Percent>("-1").is_err());
        assert!(serde_yaml::from_str::<Percent>("'95%'").is_ok());
    }

    #[test]
    fn aims_describe_themselves() {
        let a = Aim {
            target: Some(Percent::parse("95").unwrap()),
            weeks: Some(4),
            no_unauthorised_absence: false,
        };
        assert_eq!(a.describe(), "95% attendance over 4 weeks");
        let a = Aim {
            target: None,
            weeks: None,
            no_unauthorised_absence: true,
        };
        assert_eq!(a.describe(), "no further unauthorised absence");
    }
}
