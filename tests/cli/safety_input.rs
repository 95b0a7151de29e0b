//! Issue 12, what comes in: session dates that cannot be right are refused and marks after
//! today never count; CSV output carries no spreadsheet formula; YAML has limits and its errors
//! echo no values; nothing from an export reaches the terminal raw; a control character blocks
//! no document; a broken session heading is an error; an absurd meeting length and a logo
//! outside the workspace are refused.

use crate::support::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A pupil of a test export: UPN, surname, forename, reg group, and the mark of each session.
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a dyn Fn(usize) -> &'static str,
);

/// A wide export: one row per pupil (UPN, surname, forename, reg group, then one mark per
/// session), `days` school days from Monday 6 January 2025; `headers` replaces session headings
/// by position.
fn export(
    dir: &Path,
    name: &str,
    days: usize,
    pupils: &[Row<'_>],
    headers: &[(usize, &str)],
) -> PathBuf {
    let mut header = vec![
        "UPN".to_string(),
        "Surname".into(),
        "Forename".into(),
        "Reg Group".into(),
    ];
    let mut day = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    let mut sessions = Vec::new();
    while sessions.len() < 2 * days {
        if chrono::Datelike::weekday(&day).num_days_from_monday() < 5 {
            for h in ["AM", "PM"] {
                sessions.push(format!("{} {h}", day.format("%d/%m/%Y")));
            }
        }
        day = day.succ_opt().unwrap();
    }
    for (i, h) in headers {
        sessions[*i] = h.to_string();
    }
    header.extend(sessions);
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut text = header.join(",") + "\n";
    for (upn, surname, forename, group, mark) in pupils {
        let mut row = vec![
            upn.to_string(),
            quote(surname),
            quote(forename),
            quote(group),
        ];
        row.extend((0..2 * days).map(|s| mark(s).to_string()));
        text += &(row.join(",") + "\n");
    }
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

const A: &str = "B801200005001";
const B: &str = "P207000016049";

fn present(_: usize) -> &'static str {
    "/"
}

/// `flag --all --format csv` rows (header first).
fn flag_csv(ws: &Ws, as_of: &str, extra: &[&str]) -> (Vec<Vec<String>>, String) {
    let out = ws
        .at(as_of)
        .args(["flag", "--all", "--format", "csv"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        csv_rows(&String::from_utf8_lossy(&out.stdout)),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn column<'a>(rows: &'a [Vec<String>], upn: &str, name: &str) -> &'a str {
    let k = rows[0].iter().position(|h| h == name).unwrap();
    &rows.iter().find(|r| r[0] == upn).unwrap()[k]
}

#[test]
fn a_session_dated_far_in_the_future_is_refused_with_its_line_and_column() {
    let ws = Ws::new();
    // the header: a mistyped year
    let f = export(
        ws.path(),
        "e.csv",
        10,
        &[(A, "Smith", "Ann", "7A", &present)],
        &[(19, "Thu 14/03/2052 PM")],
    );
    let before = tree(ws.path());
    let err = run_err(ws.at("2025-03-14").arg("import").arg(&f));
    assert!(
        err.contains("line 1, column \"Thu 14/03/2052 PM\": 14/03/2052 is too far ahead"),
        "{err}"
    );
    assert!(err.contains("Nothing was imported"), "{err}");
    assert_eq!(tree(ws.path()), before);
    // a long export's mark on 01/01/2199
    let long = ws.path().join("long.csv");
    fs::write(
        &long,
        format!("UPN,Surname,Forename,Date,Session,Mark\n{A},Smith,Ann,06/01/2025,AM,/\n{A},Smith,Ann,01/01/2199,AM,/\n{A},Smith,Ann,06/01/2025,PM,/\n"),
    )
    .unwrap();
    let before = tree(ws.path());
    let err = run_err(ws.at("2025-03-14").arg("import").arg(&long));
    assert!(
        err.contains("line 3, column \"Date\": 01/01/2199 is too far ahead"),
        "{err}"
    );
    assert_eq!(tree(ws.path()), before);
    // a year mistyped into the past, a year from the rest of the export
    let f = export(
        ws.path(),
        "p.csv",
        10,
        &[(A, "Smith", "Ann", "7A", &present)],
        &[(3, "07/01/2015 PM")],
    );
    let err = run_err(ws.at("2025-03-14").arg("import").arg(&f));
    assert!(
        err.contains(
            "column \"07/01/2015 PM\": 07/01/2015 is more than a year from every other session"
        ),
        "{err}"
    );
}

#[test]
fn marks_dated_after_today_are_kept_but_never_counted() {
    let ws = Ws::new();
    // 20 school days from Monday 6 January 2025; today is Friday 17 January, the 10th.
    // A: present to today, then absent (O) every session after it; B: absent half the
    // sessions to today, then a planned closure (#) entered ahead.
    let a = |s: usize| if s < 20 { "/" } else { "O" };
    let b = |s: usize| {
        if s >= 20 {
            "#"
        } else if s.is_multiple_of(2) {
            "/"
        } else {
            "O"
        }
    };
    let f = export(
        ws.path(),
        "e.csv",
        20,
        &[(A, "Smith", "Ann", "7A", &a), (B, "Jones", "Bob", "7A", &b)],
        &[],
    );
    ws.at("2025-01-17").arg("import").arg(&f).assert().success();
    // the register keeps every mark, future ones included
    let marks = read(&ws.path().join("register/2024-25/marks.txt"));
    assert!(marks.contains("OOOOOOOOOO"), "{marks}");
    let (rows, _) = flag_csv(&ws, "2025-01-17", &[]);
    for (upn, possible, present) in [(A, "20", "20"), (B, "20", "10")] {
        assert_eq!(column(&rows, upn, "possible"), possible, "{upn}");
        assert_eq!(column(&rows, upn, "present"), present, "{upn}");
        assert_eq!(column(&rows, upn, "period_to"), "2025-01-17");
    }
    assert_eq!(column(&rows, A, "attendance_pct"), "100.0");
    assert_eq!(column(&rows, B, "attendance_pct"), "50.0");
    // a --to after today is brought back to today, and says so
    let (rows, err) = flag_csv(
        &ws,
        "2025-01-17",
        &["--from", "2025-01-06", "--to", "2025-01-31"],
    );
    assert_eq!(column(&rows, A, "possible"), "20");
    assert_eq!(column(&rows, A, "period_to"), "2025-01-17");
    assert!(err.contains("after today"), "{err}");
    // the pupil's page, the report and a case's frozen figures count the same sessions
    let out = ws
        .at("2025-01-17")
        .args(["pupil", A, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["period"]["possible"], 20, "{v}");
    let out = ws
        .at("2025-01-17")
        .args(["report", "--format", "csv"])
        .output()
        .unwrap();
    let report = csv_rows(&String::from_utf8_lossy(&out.stdout));
    let school = report.iter().find(|r| r[0] == "school").unwrap();
    let k = report[0].iter().position(|h| h == "possible").unwrap();
    assert_eq!(school[k], "40", "{report:?}");
    ws.at("2025-01-17")
        .args(["case", "open", A, "--reason", "x"])
        .assert()
        .success();
    let case = read(&case_file(ws.path(), A));
    assert!(case.contains("possible: 20"), "{case}");
    // once the day has come, the marks count
    let (rows, _) = flag_csv(&ws, "2025-01-31", &[]);
    assert_eq!(column(&rows, A, "possible"), "40");
    assert_eq!(column(&rows, A, "attendance_pct"), "50.0");
}

#[test]
fn a_session_heading_that_is_not_a_session_is_an_error_not_a_dropped_column() {
    let ws = Ws::new();
    let f = export(
        ws.path(),
        "e.csv",
        5,
        &[(A, "Smith", "Ann", "7A", &present)],
        &[(4, "Wed 08/01/2025 XM")],
    );
    let before = tree(ws.path());
    let err = run_err(ws.at("2025-03-14").arg("import").arg(&f));
    assert!(
        err.contains("column \"Wed 08/01/2025 XM\": is headed like a session"),
        "{err}"
    );
    assert_eq!(tree(ws.path()), before);
}

#[test]
fn csv_output_never_carries_a_formula_to_a_spreadsheet() {
    let ws = Ws::new();
    let (surname, forename, group) = (
        "=HYPERLINK(\"http://x\",\"y\")",
        "@SUM(1+1)",
        "-2+3+cmd|' /C calc'!A0",
    );
    let absent = |s: usize| if s.is_multiple_of(2) { "/" } else { "O" };
    let f = export(
        ws.path(),
        "e.csv",
        10,
        &[
            (A, surname, forename, group, &absent),
            (B, "+Plus", "Tab", "7A", &present),
        ],
        &[],
    );
    ws.at("2025-01-17").arg("import").arg(&f).assert().success();
    let (rows, _) = flag_csv(&ws, "2025-01-17", &[]);
    assert_eq!(column(&rows, A, "surname"), format!("'{surname}"));
    assert_eq!(column(&rows, A, "forename"), format!("'{forename}"));
    assert_eq!(column(&rows, A, "reg_group"), format!("'{group}"));
    assert_eq!(column(&rows, B, "surname"), "'+Plus");
    assert_eq!(column(&rows, A, "possible"), "20", "numbers stay numbers");
    // JSON stays exact
    let out = ws
        .at("2025-01-17")
        .args(["flag", "--all", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["upn"] == A)
        .unwrap();
    assert_eq!(a["surname"], surname);
    // the report's groups, the case list and what is due
    let out = ws
        .at("2025-01-17")
        .args(["report", "--format", "csv", "--show-small-groups"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(report.contains(&format!("'{group}")), "{report}");
    for line in report.lines() {
        for cell in csv_rows(line).concat() {
            assert!(
                !cell.starts_with(['=', '@']) && !cell.starts_with("-2"),
                "{cell}"
            );
        }
    }
    let out = ws
        .at("2025-01-17")
        .args(["due", "--format", "csv"])
        .output()
        .unwrap();
    let due = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        due.contains(&format!("\"'{surname}")) || due.contains("'=HYPERLINK"),
        "{due}"
    );
    ws.at("2025-01-17")
        .args(["case", "open", A, "--reason", "x"])
        .assert()
        .success();
    let out = ws
        .at("2025-01-17")
        .args(["case", "list", "--format", "csv"])
        .output()
        .unwrap();
    let list = csv_rows(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(list[1][1], format!("'{surname}"));
    assert_eq!(list[1][2], format!("'{forename}"));
}

#[test]
fn nothing_from_an_export_reaches_the_terminal_raw() {
    let ws = Ws::new();
    let evil = "Evil\u{1b}[2J\u{1b}]0;owned\u{7}\u{202E}gnirts";
    let absent = |s: usize| if s.is_multiple_of(2) { "/" } else { "O" };
    let f = export(
        ws.path(),
        "e.csv",
        10,
        &[(A, evil, "Ann\u{9b}31m", "7A\u{2066}", &absent)],
        &[],
    );
    let out = ws.at("2025-01-17").arg("import").arg(&f).output().unwrap();
    let import = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(import.contains("control characters"), "{import}");
    let bad = |s: &str| {
        s.chars().any(|c| {
            c.is_control() && c != '\n'
                || ('\u{202A}'..='\u{202E}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
    };
    for args in [
        vec!["flag", "--all"],
        vec!["pupil", A],
        vec!["report"],
        vec!["due"],
        vec!["case", "open", A, "--reason", "x"],
        vec!["case", "show", A],
        vec!["case", "list"],
    ] {
        let out = ws.at("2025-01-17").args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for text in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(text);
            assert!(
                !bad(&text),
                "{args:?} printed a control character: {text:?}"
            );
        }
    }
    // a case file edited by hand to hold one: shown cleaned, kept in the file
    let path = case_file(ws.path(), A);
    let text: String = read(&path)
        .lines()
        .map(|l| {
            if l.starts_with("  forename:") {
                "  forename: \"Ann\\e[31m\\u202E\"\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(text.contains("\\e[31m"));
    fs::write(&path, &text).unwrap();
    let out = ws
        .at("2025-01-17")
        .args(["case", "show", A])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("Ann\u{FFFD}[31m"), "{shown}");
    assert!(!bad(&shown), "{shown:?}");
}

#[test]
fn a_control_character_in_a_name_blocks_no_document() {
    // at import, taken out of the register's names, with a notice
    let ws = Ws::new();
    let f = export(
        ws.path(),
        "e.csv",
        10,
        &[(A, "Sm\u{0}ith", "Ann", "7A", &present)],
        &[],
    );
    let out = ws.at("2025-01-17").arg("import").arg(&f).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("control characters") && err.contains("line 2"),
        "{err}"
    );
    let pupils = read(&ws.path().join("register/pupils.csv"));
    assert!(
        pupils.contains("Smith") && !pupils.contains('\0'),
        "{pupils}"
    );
    // in a case (written before, or by hand): the letter is still written
    let ws = Ws::with_fictional_cases();
    let path = case_file(ws.path(), MASON);
    let text = read(&path).replacen("surname: Lee", "surname: \"Le\\0e\"", 1);
    assert!(text.contains("Le\\0e"));
    fs::write(&path, text).unwrap();
    let pdf = run_ok(ws.at(AS_OF).args(["letter", "concern", MASON, "--stdout"]));
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn an_absurd_meeting_length_never_reaches_a_letter() {
    let ws = Ws::with_fictional_cases();
    let before = tree(ws.path());
    for minutes in ["4294967295", "0", "601"] {
        let err = run_err(ws.at(AS_OF).args([
            "letter",
            "invitation",
            MASON,
            "--date",
            "2025-03-10",
            "--time",
            "9:30",
            "--minutes",
            minutes,
        ]));
        assert!(
            err.contains("--minutes") && err.contains("1..=600"),
            "{err}"
        );
    }
    assert_eq!(tree(ws.path()), before);
}

/// MASON's case file without its top-level fields `keys` (so that a test can give them).
fn mason_without(keys: &[&str]) -> String {
    let original = read(&repo().join("cases").join(MASON).join("case.yaml"));
    let mut out = String::new();
    let mut skipping = false;
    for line in original.lines() {
        let top = !line.starts_with([' ', '-', '#']) && line.contains(':');
        if top {
            skipping = keys.iter().any(|k| line.starts_with(&format!("{k}:")));
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The fictional cases' workspace, with `MASON`'s case file replaced by `text`.
fn with_case_text(text: &str) -> Ws {
    let ws = Ws::with_fictional_cases();
    fs::write(case_file(ws.path(), MASON), text).unwrap();
    ws
}

/// Run `case show MASON` and `case list`, each within `limit`; returns `case show`'s stderr.
fn refused_fast(ws: &Ws, limit: Duration) -> String {
    let t = Instant::now();
    let err = run_err(ws.attend(["case", "show", MASON]));
    assert!(t.elapsed() < limit, "case show took {:?}", t.elapsed());
    let t = Instant::now();
    let out = ws.attend(["case", "list"]).output().unwrap();
    assert!(t.elapsed() < limit, "case list took {:?}", t.elapsed());
    assert!(String::from_utf8_lossy(&out.stderr).contains(MASON));
    err
}

#[test]
fn a_yaml_alias_bomb_is_refused_fast() {
    // the attack: a 2 MB case file that aliases a 1 MB anchor 3,000 times
    let rest = mason_without(&["child_view", "barriers", "strengths"]);
    let big = "x".repeat(1 << 20);
    let text = format!(
        "{rest}child_view: &a '{big}'\nbarriers:\n  - &b '{big}'\nstrengths: [{}]\n",
        vec!["*a"; 3000].join(",")
    );
    assert!(text.len() > 2 << 20);
    let ws = with_case_text(&text);
    let err = refused_fast(&ws, Duration::from_secs(10));
    assert!(err.contains("aliases"), "{err}");
    assert!(err.contains(&format!("cases/{MASON}/case.yaml")), "{err}");
}

#[test]
fn deeply_nested_yaml_is_refused_fast() {
    let rest = mason_without(&["child_view"]);
    let n = 100_000;
    for nest in [
        format!("{}{}", "[".repeat(n), "]".repeat(n)),
        format!("{}{}", "{a: ".repeat(n), "}".repeat(n)),
    ] {
        let ws = with_case_text(&format!("{rest}child_view: {nest}\n"));
        let err = refused_fast(&ws, Duration::from_secs(10));
        assert!(err.contains("brackets"), "{err}");
    }
    // and a case file over the size limit
    let ws = with_case_text(&format!("{rest}child_view: '{}'\n", "x".repeat(5 << 20)));
    let err = refused_fast(&ws, Duration::from_secs(10));
    assert!(err.contains("at most 4 MiB"), "{err}");
}

#[test]
fn yaml_errors_name_the_field_and_never_echo_its_value() {
    let original = read(&repo().join("cases").join(MASON).join("case.yaml"));
    let note = "Mum told me about the divorce in confidence";
    for (from, to, field) in [
        ("format: 1", format!("format: \"{note}\""), "format"),
        ("stage: support", format!("stage: {note}"), "stage"),
        (
            "consent_to_referral: true",
            format!("consent_to_referral: {note}"),
            "consent_to_referral",
        ),
        (
            "opened: 2025-01-10",
            format!("opened: \"{note}\""),
            "opened",
        ),
    ] {
        let text = original.replacen(from, &to, 1);
        assert_ne!(text, original);
        let line = text.lines().position(|l| l.starts_with(&to)).unwrap() + 1;
        let ws = with_case_text(&text);
        for args in [vec!["case", "show", MASON], vec!["case", "list"]] {
            let out = ws.attend(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!err.contains("divorce"), "{field}: {err}");
            assert!(err.contains(&format!("line {line}")), "{field}: {err}");
            assert!(err.contains(field), "{field}: {err}");
        }
    }
}

#[test]
fn a_duplicate_yaml_key_is_reported_at_its_own_line() {
    let original = read(&repo().join("cases").join(MASON).join("case.yaml"));
    let stage = original.lines().find(|l| l.starts_with("stage:")).unwrap();
    let text = format!("{original}{stage}\n");
    let line = text.lines().count();
    let ws = with_case_text(&text);
    let err = run_err(ws.attend(["case", "show", MASON]));
    assert!(err.contains(&format!("line {line}")), "{err}");
    assert!(err.contains("duplicate"), "{err}");
}

#[test]
fn the_school_logo_must_be_a_file_inside_the_workspace() {
    let outside = tempfile::tempdir().unwrap();
    let crest = outside.path().join("crest.png");
    fs::write(&crest, b"\x89PNG\r\n\x1a\n").unwrap();
    for (logo, says) in [
        ("/etc/hostname".to_string(), "absolute path"),
        ("../crest.png".to_string(), "goes up"),
        (crest.display().to_string(), "absolute path"),
    ] {
        let ws = Ws::with_fictional_cases();
        let cfg = ws.path().join("attend.yaml");
        let text = read(&cfg).replace("  logo: \"\"", &format!("  logo: {logo:?}"));
        fs::write(&cfg, text).unwrap();
        let err = run_err(
            ws.at(AS_OF)
                .args(["letter", "concern", MASON, "--stdout", "--source"]),
        );
        assert!(
            err.contains("school.logo") && err.contains(says),
            "{logo}: {err}"
        );
    }
    // a link in the workspace to an image outside it
    #[cfg(unix)]
    {
        let ws = Ws::with_fictional_cases();
        std::os::unix::fs::symlink(&crest, ws.path().join("crest.png")).unwrap();
        let cfg = ws.path().join("attend.yaml");
        let text = read(&cfg).replace("  logo: \"\"", "  logo: \"crest.png\"");
        fs::write(&cfg, text).unwrap();
        let err = run_err(ws.at(AS_OF).args(["letter", "concern", MASON, "--stdout"]));
        assert!(err.contains("outside the workspace"), "{err}");
    }
}
