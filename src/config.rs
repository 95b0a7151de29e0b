//! `attend.yaml`: the school's settings. `attend init` writes [`DEFAULT_CONFIG`], every setting
//! explained in comments; loading validates it and names the line of any mistake.

use crate::codes::Code;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file `attend init` writes: every setting, its default, and what it does.
pub const DEFAULT_CONFIG: &str = include_str!("../templates/attend.yaml");

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub school: School,
    pub thresholds: Thresholds,
    pub reviews: Reviews,
    pub import: ImportSettings,
    pub letters: Letters,
    pub certificate: CertificateSettings,
    pub report: ReportSettings,
    pub git: GitSettings,
    pub security: Security,
}

/// Who may read what attend writes.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    /// Files attend creates are readable by the owner's group too (`0640`, folders `0750`);
    /// otherwise by the owner only (`0600`, `0700`).
    pub share_with_group: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct School {
    pub name: String,
    pub address: Vec<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub headteacher: String,
    /// The member of staff who signs letters and whom families contact.
    pub attendance_lead: Contact,
    pub local_authority: String,
    /// The school's logo for the letterhead: a PNG, JPEG, GIF or SVG file, relative to the
    /// workspace (empty: no logo).
    pub logo: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Contact {
    pub name: String,
    pub role: String,
    pub phone: String,
    pub email: String,
}

/// Thresholds in whole percentage points of attendance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Attendance at or below this is persistent absence (DfE: 90).
    pub persistent: u32,
    /// Attendance at or below this is severe absence (DfE: 50).
    pub severe: u32,
    /// Points above the persistent line that count as "at risk".
    pub at_risk: u32,
    /// Pupils with fewer possible sessions are listed apart by `attend flag`.
    pub min_sessions: u32,
    /// Commands that show figures warn when the register's latest session is more than this
    /// many school days (weekdays) before today (0: never).
    pub stale_register: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            persistent: 90,
            severe: 50,
            at_risk: 2,
            min_sessions: 0,
            stale_register: 10,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reviews {
    /// Default weeks from a meeting to its review (guidance: 3; 2 to 4 acceptable).
    pub weeks: u32,
    /// A part-time timetable (C2) is reviewed within this many weeks: `attend due` lists one
    /// that has run longer.
    pub part_time_weeks: u32,
}

impl Default for Reviews {
    fn default() -> Self {
        Reviews {
            weeks: 3,
            part_time_weeks: 6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IdentifyBy {
    /// Every row must carry a valid UPN.
    #[default]
    Upn,
    /// Rows without a UPN are identified by admission number (stored as `ADNO-<number>`).
    AdmissionNumber,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ImportSettings {
    pub identify_by: IdentifyBy,
    /// A school's own mark -> the DfE code it stands for.
    pub code_map: BTreeMap<String, String>,
    /// Other pupil columns to keep from exports: the name attend gives the column (it is how
    /// `attend report` shows it) -> the export's header(s) for it.
    pub pupil_columns: BTreeMap<String, OneOrMany>,
    /// A school's own headers in contacts exports: attend's field name (forename, surname,
    /// relationship, parental_responsibility...) -> the export's header(s) for it.
    pub contact_columns: BTreeMap<String, OneOrMany>,
    /// A school's own values of the pupil characteristics (sen, fsm, eal, gender) -> the DfE
    /// value each stands for: `fsm: {C: Y}`.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// One header or a list of alternatives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// `attend report`: what to share and what to compare with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportSettings {
    /// Groups with fewer pupils than this are shown as "fewer than N" in shared outputs.
    pub small_group: u32,
    /// Published figures per academic year ("2024/25"), by name ("Local authority", "National").
    pub benchmarks: BTreeMap<String, BTreeMap<String, Benchmark>>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            small_group: 5,
            benchmarks: BTreeMap::new(),
        }
    }
}

/// Published figures for a year, in percent (one decimal, as published). Any may be left out.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Benchmark {
    /// Overall attendance %.
    pub attendance: Option<f64>,
    /// Authorised absence rate %.
    pub authorised: Option<f64>,
    /// Unauthorised absence rate %.
    pub unauthorised: Option<f64>,
    /// Persistent absence: % of pupils.
    pub persistent: Option<f64>,
    /// Severe absence: % of pupils.
    pub severe: Option<f64>,
}

/// The registration certificate (`attend certificate`).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CertificateSettings {
    /// Always write the version for a magistrates' court (s.566 Education Act 1996), as
    /// `attend certificate --court` does.
    pub court: bool,
    /// Who signs the court version: the headteacher, or someone they authorised (default: the
    /// headteacher named under school).
    pub signatory: String,
    /// Their capacity, as the declaration states it (default: Headteacher).
    pub capacity: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Letters {
    /// What the invitation says may follow if the family does not engage.
    pub consequence: String,
    /// Who a family should call, if not the attendance lead.
    pub contact_line: String,
    /// A mail-out leaves out a family sent a letter of concern less than this many weeks ago
    /// (0: never left out for that reason).
    pub concern_repeat_weeks: u32,
}

impl Default for Letters {
    fn default() -> Self {
        Letters {
            consequence: "We want to work with you to support your child. If we cannot agree a plan together, the school may need to follow its further attendance procedures, which can include a referral to the local authority and, as a last resort, legal action.".into(),
            contact_line: String::new(),
            concern_repeat_weeks: 4,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GitSettings {
    /// Commit each case's folder after a command changes it.
    pub auto_commit: bool,
}

impl Config {
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            crate::yaml::from_str_limited(text, path, &crate::yaml::SETTINGS)?
        };
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let logo = self.school.logo.trim();
        if !logo.is_empty()
            && let Err(why) = crate::fsutil::plain_relative(Path::new(logo))
        {
            bail!(
                "{}: school.logo is {logo:?}, but {why}: put the logo in the workspace and give its path from there, e.g. logo.png",
                path.display()
            );
        }
        let t = &self.thresholds;
        if t.persistent > 100 || t.severe > 100 {
            bail!(
                "{}: thresholds are percentages from 0 to 100 (persistent is {}, severe {})",
                path.display(),
                t.persistent,
                t.severe
            );
        }
        if t.severe > t.persistent {
            bail!(
                "{}: thresholds.severe ({}) must not be above thresholds.persistent ({})",
                path.display(),
                t.severe,
                t.persistent
            );
        }
        if t.persistent + t.at_risk > 100 {
            bail!(
                "{}: thresholds.at_risk ({}) puts the at-risk line above 100%",
                path.display(),
                t.at_risk
            );
        }
        if !(1..=12).contains(&self.reviews.weeks) {
            bail!(
                "{}: reviews.weeks must be between 1 and 12 (the guidance suggests 3); it is {}",
                path.display(),
                self.reviews.weeks
            );
        }
        if !(1..=26).contains(&self.reviews.part_time_weeks) {
            bail!(
                "{}: reviews.part_time_weeks must be between 1 and 26 (a part-time timetable is short and reviewed often; 6 is usual); it is {}",
                path.display(),
                self.reviews.part_time_weeks
            );
        }
        for (local, dfe) in &self.import.code_map {
            if local.trim().is_empty() {
                bail!("{}: import.code_map has an empty code", path.display());
            }
            if Code::parse(dfe).is_none() {
                bail!(
                    "{}: import.code_map maps {local:?} to {dfe:?}, which is not a DfE attendance code",
                    path.display()
                );
            }
        }
        if let Err(why) = crate::register::values::check_map(&self.import.values) {
            bail!("{}: {why}", path.display());
        }
        for (name, headers) in &self.import.pupil_columns {
            let n = name.trim();
            if n.is_empty() || n.contains([',', '"', '\n', '\r']) {
                bail!(
                    "{}: import.pupil_columns: {name:?} cannot be a column name (it must not be empty or hold a comma or quote)",
                    path.display()
                );
            }
            let lower = n.to_ascii_lowercase();
            if lower == "upn" || crate::register::DETAIL_FIELDS.contains(&lower.as_str()) {
                bail!(
                    "{}: import.pupil_columns: {name:?} is already one of attend's own pupil columns; choose another name",
                    path.display()
                );
            }
            if headers.items().iter().all(|h| h.trim().is_empty()) {
                bail!(
                    "{}: import.pupil_columns: {name:?} needs the export's column header, e.g. {name}: \"Social Worker\"",
                    path.display()
                );
            }
        }
        for (field, headers) in &self.import.contact_columns {
            if !crate::register::contacts::fields::mappable().any(|f| f == field.trim()) {
                bail!(
                    "{}: import.contact_columns: {field:?} is not a contact field; use one of {}",
                    path.display(),
                    crate::register::contacts::fields::mappable()
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if headers.items().iter().all(|h| h.trim().is_empty()) {
                bail!(
                    "{}: import.contact_columns: {field:?} needs the export's column header, e.g. {field}: \"Parent First Name\"",
                    path.display()
                );
            }
        }
        if self.report.small_group > 100 {
            bail!(
                "{}: report.small_group is the smallest group size whose figures are shared (published statistics use 5 or 10); {} is too large",
                path.display(),
                self.report.small_group
            );
        }
        for (year, rows) in &self.report.benchmarks {
            if crate::dates::AcademicYear::parse(year).is_none() {
                bail!(
                    "{}: report.benchmarks: {year:?} is not an academic year; write it like \"2024/25\"",
                    path.display()
                );
            }
            for (name, b) in rows {
                for (what, v) in [
                    ("attendance", b.attendance),
                    ("authorised", b.authorised),
                    ("unauthorised", b.unauthorised),
                    ("persistent", b.persistent),
                    ("severe", b.severe),
                ] {
                    if v.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                        bail!(
                            "{}: report.benchmarks {year} {name}: {what} must be a percentage from 0 to 100",
                            path.display()
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// The school's own contacts headers: (attend's field, the export's headers).
    pub fn contact_columns(&self) -> Vec<(String, Vec<String>)> {
        self.import
            .contact_columns
            .iter()
            .map(|(f, h)| (f.trim().to_string(), h.items()))
            .collect()
    }

    /// The school's own pupil columns, by their names in attend.yaml.
    pub fn extra_columns(&self) -> Vec<String> {
        self.import
            .pupil_columns
            .keys()
            .map(|k| k.trim().to_string())
            .collect()
    }

    /// The benchmarks entered for an academic year, by name.
    pub fn benchmarks_for(&self, year: crate::dates::AcademicYear) -> Vec<(String, Benchmark)> {
        self.report
            .benchmarks
            .iter()
            .filter(|(y, _)| crate::dates::AcademicYear::parse(y) == Some(year))
            .flat_map(|(_, rows)| rows.iter().map(|(n, b)| (n.clone(), b.clone())))
            .collect()
    }

    /// The code map as parsed codes, keyed by the school's mark (trimmed, as written).
    pub fn code_map(&self) -> BTreeMap<String, Code> {
        self.import
            .code_map
            .iter()
            .filter_map(|(k, v)| Some((k.trim().to_string(), Code::parse(v)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_loads_with_the_documented_defaults() {
        let c = Config::parse(DEFAULT_CONFIG, Path::new("attend.yaml")).unwrap();
        assert_eq!(c.thresholds.persistent, 90);
        assert_eq!(c.thresholds.severe, 50);
        assert_eq!(c.thresholds.at_risk, 2);
        assert_eq!(c.reviews.weeks, 3);
        assert!(!c.git.auto_commit);
        assert_eq!(c.import.identify_by, IdentifyBy::Upn);
    }

    #[test]
    fn unknown_settings_are_errors_with_a_line() {
        let err = Config::parse(
            "thresholds:\n  persistent: 90\n  persistant: 85\n",
            Path::new("attend.yaml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("persistant"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn code_map_targets_must_be_dfe_codes() {
        let err = Config::parse("import:\n  code_map:\n    '!': Q9\n", Path::new("a.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a DfE attendance code"), "{err}");
        let c = Config::parse("import:\n  code_map:\n    '<': C1\n", Path::new("a.yaml")).unwrap();
        assert_eq!(c.code_map().get("<"), Some(&Code::C1));
    }

    #[test]
    fn school_columns_and_benchmarks_are_checked() {
        let p = Path::new("attend.yaml");
        let ok = Config::parse(
            "import:\n  pupil_columns:\n    Social worker: [\"Social Worker\", CIN]\n    Young carer: Young Carer\nreport:\n  benchmarks:\n    \"2024/25\":\n      National: {attendance: 93.0}\n",
            p,
        )
        .unwrap();
        assert_eq!(ok.extra_columns(), ["Social worker", "Young carer"]);
        assert_eq!(
            ok.import.pupil_columns["Social worker"].items(),
            ["Social Worker", "CIN"]
        );
        let y = crate::dates::AcademicYear(2024);
        assert_eq!(ok.benchmarks_for(y).len(), 1);
        assert!(
            ok.benchmarks_for(crate::dates::AcademicYear(2023))
                .is_empty()
        );
        for (bad, says) in [
            (
                "import:\n  pupil_columns:\n    FSM: Free Meals\n",
                "already one of attend's own",
            ),
            (
                "import:\n  pupil_columns:\n    \"a,b\": X\n",
                "cannot be a column name",
            ),
            (
                "import:\n  pupil_columns:\n    Carer: \"\"\n",
                "needs the export's column header",
            ),
            (
                "report:\n  benchmarks:\n    \"2024\":\n      National: {attendance: 93}\n",
                "not an academic year",
            ),
            (
                "report:\n  benchmarks:\n    \"2024/25\":\n      National: {attendance: 193}\n",
                "from 0 to 100",
            ),
            ("report:\n  small_group: 500\n", "too large"),
            (
                "import:\n  contact_columns:\n    first_name: Parent First Name\n",
                "is not a contact field",
            ),
            ("school:\n  logo: /etc/hostname\n", "absolute path"),
            ("school:\n  logo: ../crest.png\n", "goes up"),
        ] {
            let e = Config::parse(bad, p).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
