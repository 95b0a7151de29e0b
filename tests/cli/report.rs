//! `attend report`: group, weekly, weekday and code figures checked against numbers computed
//! without attend — the generator's per-pupil truth summed by group, and the export's marks
//! counted with the generator's own code tables (tests/tools/session_truth.py).

use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One decimal, rounded half up on the exact fraction (as the generator and the DfE do).
fn pct(num: u64, den: u64) -> Value {
    if den == 0 {
        return Value::Null;
    }
    let tenths = (num * 2000 + den) / (2 * den);
    Value::String(format!("{}.{}", tenths / 10, tenths % 10))
}

#[derive(Default, Debug)]
struct Sums {
    pupils: u64,
    possible: u64,
    attended: u64,
    authorised: u64,
    unauthorised: u64,
    late_before_close: u64,
    late_after_close: u64,
    persistent: u64,
    severe: u64,
}

impl Sums {
    fn add(&mut self, t: &Value) {
        let n = |k: &str| t[k].as_u64().unwrap();
        if n("possible") == 0 {
            return;
        }
        self.pupils += 1;
        self.possible += n("possible");
        self.attended += n("attended");
        self.authorised += n("authorised");
        self.unauthorised += n("unauthorised");
        self.late_before_close += n("late_before_close");
        self.late_after_close += n("late_after_close");
        let band = t["band"].as_str().unwrap();
        self.persistent += u64::from(band == "persistent" || band == "severe");
        self.severe += u64::from(band == "severe");
    }

    /// Check attend's figures for a group against these sums.
    fn check(&self, got: &Value, what: &str) {
        let expect = [
            ("pupils", Value::from(self.pupils)),
            ("possible", Value::from(self.possible)),
            ("attended", Value::from(self.attended)),
            ("authorised", Value::from(self.authorised)),
            ("unauthorised", Value::from(self.unauthorised)),
            ("late_before_close", Value::from(self.late_before_close)),
            ("late_after_close", Value::from(self.late_after_close)),
            ("persistent", Value::from(self.persistent)),
            ("severe", Value::from(self.severe)),
            ("attendance_pct", pct(self.attended, self.possible)),
            ("authorised_pct", pct(self.authorised, self.possible)),
            ("unauthorised_pct", pct(self.unauthorised, self.possible)),
            (
                "late_before_close_pct",
                pct(self.late_before_close, self.possible),
            ),
            (
                "late_after_close_pct",
                pct(self.late_after_close, self.possible),
            ),
            ("persistent_pct", pct(self.persistent, self.pupils)),
            ("severe_pct", pct(self.severe, self.pupils)),
        ];
        for (k, v) in expect {
            assert_eq!(got[k], v, "{what}: {k}");
        }
    }
}

/// A generated register with a "Social Worker" column added (every 7th pupil "Y"), and the
/// pupil columns of each row by UPN.
fn school_with_social_workers(
    dir: &Path,
    pupils: &str,
    seed: &str,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    BTreeMap<String, BTreeMap<String, String>>,
) {
    let raw = dir.join("raw.csv");
    let truth = dir.join("truth.json");
    generate(&[
        "--pupils",
        pupils,
        "--seed",
        seed,
        "--out",
        raw.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
        "--newline",
        "lf",
    ]);
    let rows = csv_rows(read(&raw).trim_start_matches('\u{feff}'));
    let header = &rows[0];
    let upn = header.iter().position(|h| h == "UPN").unwrap();
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut details = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let mut r = r.clone();
        let sw = if i == 0 {
            "Social Worker".to_string()
        } else if i % 7 == 0 {
            "Y".into()
        } else {
            "N".into()
        };
        if i > 0 && r.len() == header.len() {
            let mut d: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(r.iter().cloned())
                .take(10)
                .collect();
            d.insert("Social Worker".into(), sw.clone());
            details.insert(r[upn].clone(), d);
        }
        r.insert(5.min(r.len()), sw);
        out.write_record(&r).unwrap();
    }
    let csv_path = dir.join("register.csv");
    std::fs::write(&csv_path, out.into_inner().unwrap()).unwrap();
    (csv_path, truth, details)
}

fn configure(ws: &Path, extra: &str) {
    let p = ws.join("attend.yaml");
    let text = read(&p).replace(
        "  pupil_columns: {}\n",
        "  pupil_columns:\n    Social worker: [\"Social Worker\", \"CIN\"]\n",
    );
    std::fs::write(&p, text + extra).unwrap();
}

fn report_json(ws: &Ws, args: &[&str]) -> Value {
    let out = ws
        .attend(["report", "--format", "json"])
        .args(args)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn breakdown<'a>(r: &'a Value, title: &str) -> &'a Vec<Value> {
    r["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["title"] == title)
        .unwrap_or_else(|| panic!("no breakdown {title}"))["groups"]
        .as_array()
        .unwrap()
}

#[test]
fn group_figures_equal_the_generators_truth_summed_by_group() {
    let dir = tempfile::tempdir().unwrap();
    let (csv_path, truth_path, details) = school_with_social_workers(dir.path(), "420", "7");
    let ws = Ws::new();
    configure(ws.path(), "");
    ws.attend(["import"]).arg(&csv_path).assert().success();
    let truth = truth(&truth_path);
    let r = report_json(&ws, &["--show-small-groups"]);

    let mut whole = Sums::default();
    for t in truth.values() {
        whole.add(t);
    }
    whole.check(&r["whole_school"], "whole school");
    assert!(whole.persistent > 0 && whole.severe > 0, "a varied school");

    for (title, column) in [
        ("Year group", "Year"),
        ("Registration group", "Reg Group"),
        ("Free school meals", "FSM"),
        ("SEN status", "SEN"),
        ("English as an additional language", "EAL"),
        ("Social worker", "Social Worker"),
    ] {
        let mut sums: BTreeMap<String, Sums> = BTreeMap::new();
        for (upn, t) in &truth {
            let v = details[upn][column].clone();
            // the census codes the generator writes, as the DfE's code lists word them
            let v = match (column, v.as_str()) {
                ("FSM", "Y") => "Eligible for FSM".to_string(),
                ("FSM", "N") => "Not eligible for FSM".to_string(),
                ("SEN", "N") => "No SEN".to_string(),
                ("SEN", "K") => "SEN support".to_string(),
                ("SEN", "E") => "EHC plan".to_string(),
                ("EAL", "Y") => "EAL (first language not English)".to_string(),
                ("EAL", "N") => "Not EAL (first language English)".to_string(),
                _ => v,
            };
            sums.entry(v).or_default().add(t);
        }
        sums.retain(|_, s| s.pupils > 0);
        let groups = breakdown(&r, title);
        assert_eq!(groups.len(), sums.len(), "{title}: groups");
        for g in groups {
            let name = g["group"].as_str().unwrap();
            let s = sums
                .get(name)
                .unwrap_or_else(|| panic!("{title}: unexpected group {name}"));
            s.check(g, &format!("{title} {name}"));
            assert_eq!(g["small"], Value::Bool(s.pupils < 5), "{title} {name}");
        }
    }
    // year groups in school order
    let years: Vec<&str> = breakdown(&r, "Year group")
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(years, ["7", "8", "9", "10", "11", "12", "13"]);
    // no gender column in the export: no gender breakdown
    assert!(
        r["breakdowns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["title"] != "Gender")
    );
}

#[test]
fn weeks_weekdays_and_codes_equal_the_marks_counted_from_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let (csv_path, _, _) = school_with_social_workers(dir.path(), "150", "21");
    let ws = Ws::new();
    ws.attend(["import"]).arg(&csv_path).assert().success();
    for period in [
        vec![],
        vec!["--term", "spring"],
        vec!["--from", "2024-10-07", "--to", "2024-11-22"],
    ] {
        let r = report_json(&ws, &period);
        let from = r["from"].as_str().unwrap().to_string();
        let to = r["to"].as_str().unwrap().to_string();
        let out = std::process::Command::new("python3")
            .arg(repo().join("tests/tools/session_truth.py"))
            .arg(&csv_path)
            .args(["--from", &from, "--to", &to])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expect: Value = serde_json::from_slice(&out.stdout).unwrap();
        let check = |got: &Value, e: &Value, what: &str| {
            for k in [
                "possible",
                "attended",
                "authorised",
                "unauthorised",
                "late_before_close",
                "late_after_close",
            ] {
                assert_eq!(got[k], e[k], "{period:?} {what}: {k}");
            }
            let n = |k: &str| e[k].as_u64().unwrap();
            assert_eq!(
                got["attendance_pct"],
                pct(n("attended"), n("possible")),
                "{what}"
            );
        };
        let weeks = r["weeks"].as_array().unwrap();
        let expected_weeks = expect["weeks"].as_object().unwrap();
        assert_eq!(
            weeks.len(),
            expected_weeks.len(),
            "{period:?}: school weeks"
        );
        assert_eq!(r["school_weeks"], Value::from(weeks.len()));
        for w in weeks {
            let monday = w["week_beginning"].as_str().unwrap();
            check(w, &expected_weeks[monday], monday);
        }
        for d in r["weekdays"].as_array().unwrap() {
            let day = d["weekday"].as_str().unwrap();
            check(d, &expect["weekdays"][day], day);
        }
        let codes = r["absence_codes"].as_array().unwrap();
        let expected_codes = expect["codes"].as_object().unwrap();
        assert_eq!(codes.len(), expected_codes.len(), "{period:?}: codes");
        let mut last = u64::MAX;
        for c in codes {
            let n = c["sessions"].as_u64().unwrap();
            assert_eq!(
                Some(n),
                expected_codes[c["code"].as_str().unwrap()].as_u64()
            );
            assert!(n <= last, "most used first");
            last = n;
        }
    }
}

#[test]
fn the_whole_school_equals_flag_all_summed() {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    for period in [vec![], vec!["--term", "autumn"], vec!["--weeks", "4"]] {
        let r = report_json(&ws, &period);
        let out = ws
            .attend(["flag", "--all", "--format", "csv"])
            .args(&period)
            .assert()
            .success();
        let rows = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
        let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
        let (p, a, b) = (col("possible"), col("present"), col("approved_activity"));
        let band = col("band");
        let mut possible = 0u64;
        let mut attended = 0u64;
        let mut pupils = 0u64;
        let mut persistent = 0u64;
        for row in &rows[1..] {
            let n = |k: usize| row[k].parse::<u64>().unwrap();
            if n(p) == 0 {
                continue;
            }
            pupils += 1;
            possible += n(p);
            attended += n(a) + n(b);
            persistent += u64::from(row[band] == "persistent" || row[band] == "severe");
        }
        let w = &r["whole_school"];
        assert_eq!(w["pupils"], Value::from(pupils), "{period:?}");
        assert_eq!(w["possible"], Value::from(possible), "{period:?}");
        assert_eq!(w["attended"], Value::from(attended), "{period:?}");
        assert_eq!(w["persistent"], Value::from(persistent), "{period:?}");
    }
}

#[test]
fn small_groups_are_withheld_from_shared_outputs_but_shown_to_the_officer() {
    let dir = tempfile::tempdir().unwrap();
    // 30 pupils: some SEN and year groups hold fewer than 5
    let (csv_path, _, _) = school_with_social_workers(dir.path(), "30", "3");
    let ws = Ws::new();
    ws.attend(["import"]).arg(&csv_path).assert().success();
    let shown = report_json(&ws, &["--show-small-groups"]);
    let shared = report_json(&ws, &[]);
    assert_eq!(shared["small_groups_withheld"], Value::Bool(true));
    let mut withheld = 0;
    for (b, s) in shown["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .zip(shared["breakdowns"].as_array().unwrap())
    {
        for (g, h) in b["groups"]
            .as_array()
            .unwrap()
            .iter()
            .zip(s["groups"].as_array().unwrap())
        {
            assert_eq!(g["group"], h["group"]);
            if g["pupils"].as_u64().unwrap() < 5 {
                withheld += 1;
                assert_eq!(h["withheld"], "fewer than 5");
                assert!(h.get("pupils").is_none() && h.get("attendance_pct").is_none());
            } else {
                assert_eq!(g, h);
            }
        }
    }
    assert!(withheld > 0, "the test needs a small group");
    // CSV: the same
    let out = ws.attend(["report", "--format", "csv"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(text.matches(",fewer than 5,").count(), withheld);
    // the officer's table shows every group, marking the small ones
    ws.attend(["report"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "* fewer than 5 pupils: shown here",
        ));
    // a school with a larger minimum
    let p = ws.path().join("attend.yaml");
    std::fs::write(&p, read(&p).replace("small_group: 5", "small_group: 10")).unwrap();
    let shared10 = report_json(&ws, &[]);
    let text = serde_json::to_string(&shared10).unwrap();
    assert!(text.contains("fewer than 10"));
}

#[test]
fn benchmarks_for_the_year_stand_beside_the_school() {
    let ws = Ws::new();
    configure(
        ws.path(),
        "", // pupil columns only; benchmarks below
    );
    let p = ws.path().join("attend.yaml");
    std::fs::write(
        &p,
        read(&p).replace(
            "  benchmarks: {}\n",
            "  benchmarks:\n    \"2024/25\":\n      Local authority: {attendance: 92.9, persistent: 19.1}\n    \"2023/24\":\n      National: {attendance: 92.5}\n",
        ),
    )
    .unwrap();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let r = report_json(&ws, &[]);
    let b = r["benchmarks"].as_array().unwrap();
    assert_eq!(b.len(), 1, "only the period's academic year: {b:?}");
    assert_eq!(b[0]["name"], "Local authority");
    assert_eq!(b[0]["attendance_pct"], "92.9");
    assert_eq!(b[0]["persistent_pct"], "19.1");
    assert_eq!(b[0]["severe_pct"], Value::Null);
    ws.attend(["report"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Local authority"))
        .stdout(predicate::str::contains("92.9%"));
    // a mistake in the benchmarks is named, and nothing runs
    std::fs::write(&p, read(&p).replace("\"2024/25\":", "\"2024\":")).unwrap();
    ws.attend(["report"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("report.benchmarks"))
        .stderr(predicate::str::contains("2024/25"));
}

#[test]
fn the_caseload_counts_cases_by_stage() {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let r = report_json(&ws, &[]);
    assert_eq!(r["caseload"], Value::Null, "no cases yet");
    ws.attend(["flag", "--threshold", "80", "--open-cases"])
        .assert()
        .success();
    let opened = std::fs::read_dir(ws.path().join("cases"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count() as u64;
    assert!(opened > 0);
    let r = report_json(&ws, &[]);
    let stages = r["caseload"]["by_stage"].as_array().unwrap();
    let total: u64 = stages.iter().map(|s| s["cases"].as_u64().unwrap()).sum();
    assert_eq!(total, opened);
    assert_eq!(stages[0]["stage"], "monitor");
    assert_eq!(stages[0]["cases"], Value::from(opened));
    assert_eq!(r["caseload"]["reviews_held"], 0);
}

#[test]
fn school_pupil_columns_are_kept_and_their_changes_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (csv_path, _, details) = school_with_social_workers(dir.path(), "40", "5");
    let ws = Ws::new();
    configure(ws.path(), "");
    ws.attend(["import"])
        .arg(&csv_path)
        .assert()
        .success()
        .stderr(predicate::str::contains("Social Worker").not());
    let pupils = read(&ws.path().join("register/pupils.csv"));
    let rows = csv_rows(&pupils);
    assert_eq!(rows[0].last().unwrap(), "Social worker");
    for r in &rows[1..] {
        assert_eq!(r.last().unwrap(), &details[&r[0]]["Social Worker"]);
    }
    // a newer export changes one pupil's value: kept and logged
    let text = read(&csv_path);
    let (first, rest) = text.split_once('\n').unwrap();
    let mut lines: Vec<String> = rest.lines().map(str::to_string).collect();
    let upn = lines[0].split(',').next().unwrap().to_string();
    let old = details[&upn]["Social Worker"].clone();
    let new = if old == "Y" { "N" } else { "Y" };
    let mut cells: Vec<String> = lines[0].split(',').map(str::to_string).collect();
    cells[5] = new.to_string();
    lines[0] = cells.join(",");
    let newer = dir.path().join("newer.csv");
    std::fs::write(&newer, format!("{first}\n{}\n", lines.join("\n"))).unwrap();
    ws.attend(["import"]).arg(&newer).assert().success();
    let log = read(&ws.path().join("register/pupil-changes.csv"));
    assert!(
        log.lines()
            .any(|l| l.contains(&upn) && l.ends_with(&format!("Social worker,{old},{new}"))),
        "{log}"
    );
    // an export without the column keeps what is held, and says so
    let plain = dir.path().join("raw.csv");
    ws.attend(["import"])
        .arg(&plain)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "pupil column \"Social worker\" is not in this export",
        ));
    let after = csv_rows(&read(&ws.path().join("register/pupils.csv")));
    let row = after.iter().find(|r| r[0] == upn).unwrap();
    assert_eq!(row.last().unwrap(), new);
}

#[test]
fn a_report_of_an_empty_register_says_what_to_do() {
    let ws = Ws::new();
    ws.attend(["report"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("attend import"));
}

#[test]
fn persistent_absence_rates_on_the_dfe_basis_count_pupils_aged_5_to_15() {
    let ws = Ws::new();
    let dir = ws.path().to_path_buf();
    let (raw, truth) = (dir.join("raw.csv"), dir.join("truth.json"));
    generate(&[
        "--pupils",
        "400",
        "--seed",
        "15",
        "--phase",
        "all",
        "--until",
        "2025-03-14",
        "--out",
        raw.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
    ]);
    ws.attend(["--quiet", "import"])
        .arg(&raw)
        .assert()
        .success();
    // ages on 31 August 2024 from the export's DOB column; bands from the generator's truth
    let rows = csv_rows(read(&raw).trim_start_matches('\u{feff}'));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (u, dob) = (col("UPN"), col("DOB"));
    let truth = super::support::truth(&truth);
    let on = chrono::NaiveDate::from_ymd_opt(2024, 8, 31).unwrap();
    let (mut pupils, mut persistent, mut severe, mut outside, mut all) = (0, 0, 0, 0, 0);
    for r in &rows[1..] {
        let t = &truth[&r[u]];
        if t["possible"].as_u64() == Some(0) {
            continue;
        }
        all += 1;
        let born = chrono::NaiveDate::parse_from_str(&r[dob], "%d/%m/%Y").unwrap();
        let mut age = chrono::Datelike::year(&on) - chrono::Datelike::year(&born);
        if (chrono::Datelike::month(&born), chrono::Datelike::day(&born))
            > (chrono::Datelike::month(&on), chrono::Datelike::day(&on))
        {
            age -= 1;
        }
        if !(5..=15).contains(&age) {
            outside += 1;
            continue;
        }
        pupils += 1;
        let band = t["band"].as_str().unwrap();
        persistent += u64::from(band == "persistent" || band == "severe");
        severe += u64::from(band == "severe");
    }
    assert!(outside > 20 && pupils > 200, "{outside} {pupils}");
    let r = report_json(&ws, &[]);
    let b = &r["statistics_basis"];
    assert_eq!(b["pupils"].as_u64(), Some(pupils));
    assert_eq!(b["persistent"].as_u64(), Some(persistent));
    assert_eq!(b["severe"].as_u64(), Some(severe));
    assert_eq!(b["persistent_pct"], pct(persistent, pupils));
    assert_eq!(b["outside_ages"].as_u64(), Some(outside));
    assert_eq!(r["whole_school"]["pupils"].as_u64(), Some(all));
    // the CSV row, and the table says which basis it is
    let out = ws.attend(["report", "--format", "csv"]).assert().success();
    let csv = csv_rows(&String::from_utf8_lossy(&out.get_output().stdout));
    let row = csv
        .iter()
        .find(|r| r[0] == "school" && r[1] == "dfe_basis")
        .unwrap();
    assert_eq!(row[3], pupils.to_string());
    assert_eq!(row[15], persistent.to_string());
    ws.attend(["report", "--wide"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "This school, aged 5 to 15 (DfE basis)",
        ))
        .stdout(predicates::str::contains(
            "pupils aged 5 to 15 on 31 August 2024",
        ));
}
