//! Persistent and severe absence rates on the DfE's statistical basis: pupils aged 5 to 15 on 31
//! August at the start of the academic year ([`crate::attendance::age`]). National and local
//! authority figures are counted that way, so a school quoting its rates beside them should be
//! too; the all-pupils figures stay beside them.

use crate::attendance::{Band, Counts, Fraction, age};
use crate::config::Thresholds;
use crate::dates::AcademicYear;
use crate::register::Register;
use serde::Serialize;

/// The persistent and severe absence rates of the pupils the DfE's statistics count.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatisticsBasis {
    /// What the basis is, in words.
    pub basis: String,
    /// Pupils aged 5 to 15 on 31 August with at least one possible session.
    pub pupils: u32,
    pub persistent: u32,
    pub persistent_pct: Option<String>,
    pub severe: u32,
    pub severe_pct: Option<String>,
    /// Pupils with possible sessions left out as outside the ages (Reception, sixth form).
    pub outside_ages: u32,
    /// Pupils with possible sessions left out for want of a date of birth.
    pub without_dob: u32,
}

fn pct(num: u32, den: u32) -> Option<String> {
    Fraction::new(num, den).map(Fraction::pct)
}

/// The rates on the DfE's basis for the academic year `ay`, from each pupil's counts (in the
/// register's order). `None` when no pupil has a date of birth (nothing can be said).
pub fn statistics_basis(
    reg: &Register,
    counts: &[Counts],
    t: &Thresholds,
    ay: AcademicYear,
) -> Option<StatisticsBasis> {
    let mut b = StatisticsBasis {
        basis: format!(
            "pupils aged 5 to 15 on 31 August {} (the DfE's absence statistics)",
            ay.0
        ),
        ..Default::default()
    };
    let mut any_dob = false;
    for (p, c) in reg.pupils.iter().zip(counts) {
        if c.possible == 0 {
            continue;
        }
        match age::in_statistics_basis(p.dob, ay) {
            None => b.without_dob += 1,
            Some(false) => {
                any_dob = true;
                b.outside_ages += 1;
            }
            Some(true) => {
                any_dob = true;
                b.pupils += 1;
                let band = c.band(t);
                b.persistent += u32::from(matches!(band, Band::Persistent | Band::Severe));
                b.severe += u32::from(band == Band::Severe);
            }
        }
    }
    b.persistent_pct = pct(b.persistent, b.pupils);
    b.severe_pct = pct(b.severe, b.pupils);
    any_dob.then_some(b)
}
