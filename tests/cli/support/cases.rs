//! The case, plan and review tests' fixtures (tests/fixtures/cases/): the fixture register,
//! expected case files, the plan and review forms; and attendance counted from the export
//! itself, independently of attend.

use super::{read, repo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// tests/fixtures/cases: the fixture register (made by tests/tools/gen_register.py --pupils 40
/// --seed 11 --until 2025-03-28 --newline lf), the expected files and the forms.
pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/cases")
}

/// Compare with `tests/fixtures/cases/expected/<name>` byte for byte. With UPDATE_EXPECT=1 the
/// expected file is written instead (then review the diff before committing it).
pub fn expect_file(name: &str, actual: &str) {
    let path = fixtures().join("expected").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = read(&path);
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  expected: {a}\n  actual:   {b}", i + 1))
            .collect();
        panic!(
            "{} differs ({} vs {} lines):\n{}",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Independent arithmetic, from the export itself and the generator's documented rules
// ---------------------------------------------------------------------------------------------

/// The export: session headers and each pupil's marks.
pub struct Export {
    /// (date as YYYY-MM-DD, "AM"/"PM") per column.
    pub sessions: Vec<(String, String)>,
    pub marks: BTreeMap<String, Vec<String>>,
    /// Each pupil's year group, as the export has it ("7", "12").
    pub years: BTreeMap<String, String>,
}

impl Export {
    /// A pupil in Years 1 to 11: of compulsory school age from September to the last Friday in
    /// June (the legal steps may be taken), where Years 12 and 13 are past it.
    pub fn of_school_age(&self, upn: &str) -> bool {
        self.years[upn]
            .parse::<u32>()
            .is_ok_and(|y| (1..=11).contains(&y))
    }
}

pub fn export() -> Export {
    let text = read(&fixtures().join("register.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let first = header
        .iter()
        .position(|h| h.ends_with(" AM") || h.ends_with(" PM"))
        .unwrap();
    let sessions = header[first..]
        .iter()
        .map(|h| {
            let (d, half) = h.split_once(' ').unwrap();
            let p: Vec<&str> = d.split('/').collect();
            (format!("{}-{}-{}", p[2], p[1], p[0]), half.to_string())
        })
        .collect();
    let mut marks = BTreeMap::new();
    let mut years = BTreeMap::new();
    let year = header.iter().position(|h| *h == "Year").unwrap();
    for l in lines {
        // the fixture's names hold no commas (generated without --names-from-seed)
        let cells: Vec<&str> = l.split(',').collect();
        marks.insert(
            cells[0].to_string(),
            cells[first..].iter().map(|s| s.to_string()).collect(),
        );
        years.insert(cells[0].to_string(), cells[year].to_string());
    }
    Export {
        sessions,
        marks,
        years,
    }
}

/// Counts as the generator's docstring defines them (2024 code set: every session is after
/// 19 August 2024).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub possible: u32,
    pub attended: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    pub late_before_close: u32,
    pub late_after_close: u32,
}

impl Tally {
    /// One decimal, rounded half up on the exact fraction.
    pub fn pct(&self) -> Option<String> {
        (self.possible > 0).then(|| {
            let t =
                (self.attended as u64 * 2000 + self.possible as u64) / (2 * self.possible as u64);
            format!("{}.{}", t / 10, t % 10)
        })
    }
}

impl Export {
    pub fn tally(&self, upn: &str, from: &str, to: &str) -> Tally {
        let mut t = Tally::default();
        for ((date, _), m) in self.sessions.iter().zip(&self.marks[upn]) {
            if date.as_str() < from || date.as_str() > to {
                continue;
            }
            match m.as_str() {
                "/" | "\\" | "L" => {
                    t.attended += 1;
                    t.possible += 1;
                    if m == "L" {
                        t.late_before_close += 1;
                    }
                }
                "K" | "V" | "P" | "W" | "B" => {
                    t.attended += 1;
                    t.possible += 1;
                }
                "C1" | "M" | "J1" | "S" | "C2" | "C" | "T" | "R" | "I" | "E" => {
                    t.authorised += 1;
                    t.possible += 1;
                }
                "G" | "N" | "O" | "U" => {
                    t.unauthorised += 1;
                    t.possible += 1;
                    if m == "U" {
                        t.late_after_close += 1;
                    }
                }
                _ => {}
            }
        }
        t
    }

    /// Days on which the school held a session: someone on roll has a mark that is not '#'
    /// (a day when the only marks are '#' and 'Z', not on roll, is a holiday).
    pub fn school_days(&self) -> Vec<String> {
        let mut days: Vec<String> = Vec::new();
        for (k, (date, _)) in self.sessions.iter().enumerate() {
            let held = self
                .marks
                .values()
                .any(|row| !row[k].is_empty() && row[k] != "#" && row[k] != "Z");
            if held && days.last() != Some(date) {
                days.push(date.clone());
            }
        }
        days
    }

    /// The comparison window for a plan from `from` to `to`: as many school days just before.
    pub fn before_window(&self, from: &str, to: &str) -> (String, String) {
        let days = self.school_days();
        let n = days
            .iter()
            .filter(|d| d.as_str() >= from && d.as_str() <= to)
            .count();
        let before: Vec<&String> = days.iter().filter(|d| d.as_str() < from).collect();
        let w = &before[before.len() - n..];
        (w[0].clone(), w[w.len() - 1].clone())
    }
}

/// A frozen snapshot's counts, read from case YAML text by path of keys (`plans`, `0`, `review`...).
pub fn yaml_at<'a>(v: &'a serde_yaml::Value, path: &[&str]) -> &'a serde_yaml::Value {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[*p],
        };
    }
    cur
}

pub fn load_yaml(p: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&read(p)).unwrap()
}

/// The counts of a snapshot in case YAML as a Tally.
pub fn tally_of(s: &serde_yaml::Value) -> Tally {
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k} in {s:?}")) as u32;
    Tally {
        possible: n("possible"),
        attended: n("present") + n("approved_activity"),
        authorised: n("authorised"),
        unauthorised: n("unauthorised"),
        late_before_close: n("late_before_close"),
        late_after_close: n("late_after_close"),
    }
}
