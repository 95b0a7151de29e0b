//! The law's steps and the child they may be taken for. Notices to Improve, penalty notices,
//! prosecution (and the `enforce` stage that holds them) need a child of compulsory school age on
//! the dates concerned ([`crate::attendance::age`]); support (letters, meetings, plans) never
//! does. This module says, in one place, when a step is refused and why.

use crate::attendance::AgeStatus;
use crate::cases::Case;
use crate::dates::uk_date;
use crate::register::Register;
use crate::upn::PupilId;
use chrono::NaiveDate;

/// A step of the law's, which needs a child of compulsory school age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalStep {
    NoticeToImprove,
    PenaltyNotice,
    Prosecution,
    /// Moving a case to the `enforce` stage (Notice to Improve, penalty notice, prosecution).
    Enforce,
}

impl LegalStep {
    pub fn label(self) -> &'static str {
        match self {
            LegalStep::NoticeToImprove => "a Notice to Improve",
            LegalStep::PenaltyNotice => "a penalty notice",
            LegalStep::Prosecution => "prosecution",
            LegalStep::Enforce => {
                "the enforce stage (Notice to Improve, penalty notice, prosecution)"
            }
        }
    }
}

/// The pupil's date of birth: the register's (the latest export's) when the pupil is in it, else
/// the one the case was opened with.
pub fn dob_of(case: Option<&Case>, reg: Option<&Register>, id: &PupilId) -> Option<NaiveDate> {
    reg.and_then(|r| r.index_of(id).and_then(|i| r.pupils[i].dob))
        .or_else(|| case.and_then(|c| c.pupil.dob))
}

/// What checking a step found: it may be taken (with a warning when the age cannot be checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// Said to the officer when there is no date of birth to check.
    pub warning: Option<String>,
}

/// Can `step` be taken for a pupil born `dob`, concerning the dates `from..=to` (one date: the
/// same twice)? Refused, with the reason, when the pupil is not of compulsory school age on
/// them; allowed with a warning when there is no date of birth.
pub fn check_step(
    step: LegalStep,
    dob: Option<NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Allowed, String> {
    let (first, last) = (AgeStatus::of(dob, from), AgeStatus::of(dob, to));
    if first == AgeStatus::Unknown {
        return Ok(Allowed {
            warning: Some(format!(
                "the register has no date of birth for this pupil, so attend cannot check that they are of compulsory school age, which {} needs: check it yourself",
                step.label()
            )),
        });
    }
    let when = if from == to {
        format!("on {}", uk_date(from))
    } else {
        format!("from {} to {}", uk_date(from), uk_date(to))
    };
    let bad = [first, last].into_iter().find(|s| s.is_not_of_age());
    match bad {
        None => Ok(Allowed { warning: None }),
        Some(s) => Err(format!(
            "{} needs a child of compulsory school age, and the pupil is {} ({when}): support (letters, meetings, plans) continues, but this legal step cannot be taken",
            capital(step.label()),
            s.describe()
        )),
    }
}

fn capital(s: &str) -> String {
    crate::text::capitalise(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn legal_steps_need_a_child_of_compulsory_school_age_on_the_dates() {
        let reception = Some(d(2020, 3, 14));
        let e = check_step(
            LegalStep::PenaltyNotice,
            reception,
            d(2024, 11, 4),
            d(2024, 11, 4),
        )
        .unwrap_err();
        assert!(
            e.contains("not of compulsory school age until 31/03/2025"),
            "{e}"
        );
        assert!(e.starts_with("A penalty notice needs"), "{e}");
        assert!(
            check_step(
                LegalStep::NoticeToImprove,
                reception,
                d(2025, 4, 1),
                d(2025, 5, 9)
            )
            .is_ok()
        );
        // a period that runs past the end of Year 11 is refused
        let year11 = Some(d(2009, 1, 15));
        assert!(
            check_step(
                LegalStep::NoticeToImprove,
                year11,
                d(2025, 6, 2),
                d(2025, 7, 11)
            )
            .is_err()
        );
        assert!(
            check_step(
                LegalStep::NoticeToImprove,
                year11,
                d(2025, 5, 12),
                d(2025, 6, 20)
            )
            .is_ok()
        );
        // no date of birth: allowed, with a warning
        let unknown =
            check_step(LegalStep::Prosecution, None, d(2025, 1, 6), d(2025, 1, 6)).unwrap();
        assert!(unknown.warning.unwrap().contains("cannot check"));
    }
}
