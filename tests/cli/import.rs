//! `attend import`, end to end: the real binary on real files.

use crate::support::*;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Per pupil, per code: how many times the stored marks use it (read straight from the store's
/// documented text format, not through attend's library).
fn stored_code_counts(ws: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for entry in std::fs::read_dir(ws.join("register")).unwrap() {
        let p = entry.unwrap().path().join("marks.txt");
        if !p.is_file() {
            continue;
        }
        for line in read(&p).lines() {
            if line.starts_with('#') || line.starts_with("weeks") || line.is_empty() {
                continue;
            }
            let mut fields = line.split(' ');
            let upn = fields.next().unwrap().to_string();
            let counts = out.entry(upn).or_default();
            for week in fields {
                let b = week.as_bytes();
                let mut i = 0;
                let mut n = 0;
                while i < b.len() {
                    let len = if i + 1 < b.len() && b[i + 1].is_ascii_digit() {
                        2
                    } else {
                        1
                    };
                    let code = &week[i..i + len];
                    if code != "." {
                        *counts.entry(code.to_string()).or_default() += 1;
                    }
                    i += len;
                    n += 1;
                }
                assert_eq!(n, 10, "a week holds ten sessions: {week}");
            }
        }
    }
    out
}

fn truth_code_counts(truth: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    truth_map(truth)
        .into_iter()
        .map(|(upn, v)| {
            let codes = v["codes"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| !k.is_empty() && *k != "-")
                .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
                .collect();
            (upn, codes)
        })
        .filter(|(_, c): &(String, BTreeMap<String, u64>)| !c.is_empty())
        .collect()
}

fn truth_map(truth_path: &Path) -> serde_json::Map<String, serde_json::Value> {
    crate::support::truth(truth_path)
}

#[test]
fn wide_and_long_exports_of_the_same_data_make_identical_stores() {
    let a = Ws::new();
    let b = Ws::new();
    a.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    b.attend(["import"])
        .arg(example("riverside-long.csv"))
        .assert()
        .success();
    for f in ["register/2024-25/marks.txt", "register/pupils.csv"] {
        assert_eq!(
            read(&a.path().join(f)),
            read(&b.path().join(f)),
            "{f} differs"
        );
    }
    // and the marks are the generator's
    assert_eq!(
        stored_code_counts(a.path()),
        truth_code_counts(&example("riverside-truth.json"))
    );
}

#[test]
fn generated_register_of_300_pupils_matches_the_ground_truth_wide_and_long() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (w, l, t) = (d.join("w.csv"), d.join("l.csv"), d.join("t.json"));
    let base = [
        "--pupils",
        "300",
        "--seed",
        "11",
        "--names-from-seed",
        "--missing-rate",
        "0.002",
    ];
    let mut args = base.to_vec();
    args.extend([
        "--format",
        "wide",
        "--bom",
        "--out",
        w.to_str().unwrap(),
        "--truth",
        t.to_str().unwrap(),
    ]);
    generate(&args);
    let mut args = base.to_vec();
    args.extend(["--format", "long", "--out", l.to_str().unwrap()]);
    generate(&args);
    let expected = truth_code_counts(&t);
    assert!(expected.len() >= 290);
    for file in [&w, &l] {
        let ws = Ws::new();
        ws.attend(["import"])
            .arg(file)
            .assert()
            .success()
            .stderr(predicate::str::contains("300 pupils"));
        assert_eq!(
            stored_code_counts(ws.path()),
            expected,
            "{}",
            file.display()
        );
    }
}

/// The import log's fingerprint of each export is the SHA-256 of the whole file, as
/// `sha256sum` gives it, whether the file was read in one go (the reader handing its blocks to
/// the hashing thread) or in two halves (the hashing thread reading on by itself).
#[test]
fn the_import_log_holds_each_exports_sha256_as_sha256sum_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big-wide.csv");
    // a wide export of 20,000 pupils is over 8 MB: read in two halves where there are two cores
    let truth = dir.path().join("truth.json");
    generate(&[
        "--pupils",
        "20000",
        "--seed",
        "5",
        "--format",
        "wide",
        "--bom",
        "--out",
        big.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
    ]);
    assert!(std::fs::metadata(&big).unwrap().len() > 8 << 20);
    for file in [
        example("riverside-wide.csv"),
        example("riverside-long.csv"),
        big,
    ] {
        let ws = Ws::new();
        ws.attend(["import"]).arg(&file).assert().success();
        let log = read(&ws.path().join("register/imports.csv"));
        let row = log.lines().nth(1).expect("one import logged");
        let sha = row.split(',').nth(2).expect("the source_sha256 column");
        assert_eq!(sha, sha256sum(&file), "{}", file.display());
    }
}

#[test]
fn reimporting_the_same_file_changes_nothing_and_says_so() {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let before = tree(ws.path());
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains("Nothing changed"))
        .stderr(predicate::str::contains("imported before"));
    assert_eq!(before, tree(ws.path()));
    // the long export of the same data changes nothing either
    ws.attend(["import"])
        .arg(example("riverside-long.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains("Nothing changed"));
    assert_eq!(before, tree(ws.path()));
}

/// Marks of a wide export: (upn, "YYYY-MM-DD", "AM"|"PM") -> mark ("" for no mark).
fn wide_marks(path: &Path) -> BTreeMap<(String, String, String), String> {
    let rows = csv_rows(&read(path));
    let header = &rows[0];
    let first = header.iter().position(|h| h.ends_with(" AM")).unwrap();
    let mut out = BTreeMap::new();
    for r in &rows[1..] {
        for (k, h) in header.iter().enumerate().skip(first) {
            let (date, half) = h.split_once(' ').unwrap();
            let (dd, rest) = date.split_once('/').unwrap();
            let (mm, yyyy) = rest.split_once('/').unwrap();
            let mark = if r[k] == "-" {
                String::new()
            } else {
                r[k].clone()
            };
            out.insert(
                (r[0].clone(), format!("{yyyy}-{mm}-{dd}"), half.to_string()),
                mark,
            );
        }
    }
    out
}

#[test]
fn an_amended_export_logs_exactly_the_changed_marks() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("feb14.csv"), dir.path().join("feb28.csv"));
    for (until, out) in [("2025-02-14", &a), ("2025-02-28", &b)] {
        generate(&[
            "--pupils",
            "300",
            "--seed",
            "3",
            "--until",
            until,
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    // what a register amendment log must say, worked out from the two files themselves
    let (old, new) = (wide_marks(&a), wide_marks(&b));
    let mut expected: Vec<Vec<String>> = old
        .iter()
        .filter_map(|(key, o)| {
            let n = new.get(key)?;
            (!o.is_empty() && o != n).then(|| {
                vec![
                    key.0.clone(),
                    key.1.clone(),
                    key.2.clone(),
                    o.clone(),
                    n.clone(),
                ]
            })
        })
        .collect();
    expected.sort();
    assert!(
        !expected.is_empty(),
        "the later export resolves some N marks"
    );
    assert!(
        expected.iter().all(|r| r[3] == "N"),
        "only N marks are amended by the generator"
    );

    let ws = Ws::new();
    ws.attend(["import"]).arg(&a).assert().success();
    ws.attend(["import"])
        .arg(&b)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "{} changed",
            expected.len()
        )));
    let rows = csv_rows(&read(&ws.path().join("register/changes.csv")));
    assert_eq!(
        rows[0].join(","),
        "imported_at,source_file,source_sha256,upn,date,session,old_mark,new_mark"
    );
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(std::fs::read(&b).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    let mut got: Vec<Vec<String>> = Vec::new();
    for r in &rows[1..] {
        assert_eq!(r[0], "2026-01-01T00:00:00Z");
        assert_eq!(r[1], "feb28.csv");
        assert_eq!(r[2], sha);
        got.push(r[3..].to_vec());
    }
    got.sort();
    assert_eq!(got, expected);
    // and the store now holds the later marks
    ws.attend(["import"])
        .arg(&b)
        .assert()
        .success()
        .stderr(predicate::str::contains("Nothing changed"));
}

#[test]
fn a_pupil_missing_from_a_newer_export_keeps_their_marks() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.csv");
    generate(&[
        "--pupils",
        "20",
        "--seed",
        "2",
        "--until",
        "2024-10-04",
        "--out",
        full.to_str().unwrap(),
    ]);
    let text = read(&full);
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    let dropped_upn = lines[3].split(',').next().unwrap().to_string();
    lines.remove(3);
    let fewer = dir.path().join("fewer.csv");
    std::fs::write(&fewer, lines.join("\r\n")).unwrap();
    let ws = Ws::new();
    ws.attend(["import"]).arg(&full).assert().success();
    let before = read(&ws.path().join("register/2024-25/marks.txt"));
    ws.attend(["import"])
        .arg(&fewer)
        .assert()
        .success()
        .stderr(predicate::str::contains("Nothing changed"));
    let after = read(&ws.path().join("register/2024-25/marks.txt"));
    assert_eq!(before, after);
    assert!(after.contains(&dropped_upn));
}

#[test]
fn windows_1252_names_survive() {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("kellington-cp1252.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains("windows-1252"));
    let pupils = read(&ws.path().join("register/pupils.csv"));
    assert!(pupils.contains("O'Brien,Zoë"), "{pupils}");
}

#[test]
fn names_with_letters_outside_latin_1_survive_in_utf8() {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let pupils = read(&ws.path().join("register/pupils.csv"));
    assert!(pupils.contains("O'Brien,Zoë"));
    assert!(pupils.contains("Smith-Jones,Łukasz"));
}

// ---------------------------------------------------------------------------------------------
// Header shapes
// ---------------------------------------------------------------------------------------------

const U1: &str = "B801200005001";
const U2: &str = "P207000016049";

fn import_text(text: &[u8]) -> (Ws, assert_cmd::assert::Assert) {
    let ws = Ws::new();
    let f = ws.path().join("export.csv");
    std::fs::write(&f, text).unwrap();
    let a = ws.attend(["import"]).arg(&f).assert();
    (ws, a)
}

fn marks_line(ws: &Path, upn: &str) -> String {
    read(&ws.join("register/2024-25/marks.txt"))
        .lines()
        .find(|l| l.starts_with(upn))
        .unwrap_or_else(|| panic!("no line for {upn}"))
        .to_string()
}

#[test]
fn header_shapes_mis_exports_use() {
    let shapes = [
        "UPN,Surname,Forename,02/09/2024 AM,02/09/2024 PM,03/09/2024 AM\n",
        "UPN,Surname,Forename,Mon 02/09/2024 AM,Mon 02/09/2024 PM,Tue 03/09/2024 AM\n",
        "UPN,Surname,Forename,2024-09-02 AM,2024-09-02 PM,2024-09-03 AM\n",
        "UPN,Surname,Forename,02/09/2024 (am),02/09/2024 (pm),03/09/2024 (am)\n",
        "UPN,Surname,Forename,02/09/2024,,03/09/2024\n,,,AM,PM,AM\n",
        "upn,LEGAL SURNAME,legal forename,02/09/2024 AM,02/09/2024 PM,03/09/2024 AM,,\n",
    ];
    for (k, header) in shapes.iter().enumerate() {
        let text =
            format!("{header}{U1},Smith,Ann,/,\\,L\r\n\"{U2}\",\"O'Brien, Jr\",Zoë,I,O,C2\n");
        let (ws, a) = import_text(text.as_bytes());
        a.success();
        assert_eq!(
            marks_line(ws.path(), U1),
            format!("{U1} /\\L.......",),
            "shape {k}"
        );
        assert_eq!(
            marks_line(ws.path(), U2),
            format!("{U2} IOC2......."),
            "shape {k}"
        );
        assert!(read(&ws.path().join("register/pupils.csv")).contains("\"O'Brien, Jr\",Zoë"));
    }
}

#[test]
fn a_school_code_is_mapped_through_code_map() {
    let ws = Ws::new();
    let cfg = ws.path().join("attend.yaml");
    let text = read(&cfg).replace(
        "  code_map: {}",
        "  code_map:\n    \"<\": C1\n    \"X01\": X",
    );
    std::fs::write(&cfg, text).unwrap();
    let f = ws.path().join("e.csv");
    std::fs::write(&f, format!("UPN,02/09/2024 AM,02/09/2024 PM\n{U1},<,X01\n")).unwrap();
    ws.attend(["import"]).arg(&f).assert().success();
    assert_eq!(marks_line(ws.path(), U1), format!("{U1} C1X........"));
}

#[test]
fn rows_without_upn_use_the_admission_number_when_configured() {
    let ws = Ws::new();
    let f = ws.path().join("e.csv");
    std::fs::write(&f, "UPN,Adno,Surname,02/09/2024 AM\n,00123,Smith,/\n").unwrap();
    ws.attend(["import"])
        .arg(&f)
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 2"))
        .stderr(predicate::str::contains("identify_by: admission_number"));
    let cfg = ws.path().join("attend.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("identify_by: upn", "identify_by: admission_number"),
    )
    .unwrap();
    ws.attend(["import"]).arg(&f).assert().success();
    assert!(read(&ws.path().join("register/pupils.csv")).contains("ADNO-00123,00123,Smith"));
}

// ---------------------------------------------------------------------------------------------
// Bad input: a clear error naming file and line, and nothing written
// ---------------------------------------------------------------------------------------------

/// Import `bad` into a workspace that already holds the example; the import must fail with every
/// `expect` in its message, and leave every file as it was.
fn rejects(bad: &[u8], expect: &[&str]) {
    let ws = Ws::new();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let f = ws.path().join("bad-export.csv");
    std::fs::write(&f, bad).unwrap();
    let before = tree(ws.path());
    let out = ws.attend(["import"]).arg(&f).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("bad-export.csv"), "names the file: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(
        err.contains("Nothing was imported") || err.contains("nothing"),
        "{err}"
    );
    assert_eq!(before, tree(ws.path()), "nothing written");
}

#[test]
fn wrong_delimiter() {
    rejects(
        format!("UPN;Surname;02/09/2024 AM\n{U1};Smith;/\n").as_bytes(),
        &["semicolons", "line 1", "CSV"],
    );
}

#[test]
fn ragged_rows() {
    rejects(
        format!("UPN,Surname,02/09/2024 AM,02/09/2024 PM\n{U1},Smith,/,\\\n{U2},Jones,/\n")
            .as_bytes(),
        &["line 3", "cut short"],
    );
    rejects(
        format!("UPN,Surname,02/09/2024 AM\n{U1},Smith,Jr,/\n").as_bytes(),
        &["line 2", "no column heading"],
    );
}

#[test]
fn duplicate_upn_rows() {
    rejects(
        format!("UPN,02/09/2024 AM\n{U1},/\n{U2},/\n{U1},I\n").as_bytes(),
        &["line 4", "already has a row, on line 2"],
    );
}

#[test]
fn duplicate_session_columns() {
    rejects(
        format!("UPN,02/09/2024 AM,Mon 02/09/2024 AM\n{U1},/,/\n").as_bytes(),
        &["line 1", "two columns"],
    );
}

#[test]
fn a_date_that_does_not_exist() {
    // in a long export, a bad date on its line; in a wide one, a bad session column
    rejects(
        format!("UPN,Date,Session,Mark\n{U1},28/02/2025,AM,/\n{U1},31/02/2025,AM,/\n").as_bytes(),
        &["line 3", "31/02/2025", "not a date"],
    );
    rejects(
        format!("UPN,Surname,28/02/2025 AM,31/02/2025 AM\n{U1},Smith,/,/\n").as_bytes(),
        &[
            "line 1",
            "column \"31/02/2025 AM\"",
            "not a date that exists",
        ],
    );
}

#[test]
fn a_weekend_session() {
    rejects(
        format!("UPN,06/09/2024 AM,07/09/2024 AM\n{U1},/,/\n").as_bytes(),
        &["line 1", "07/09/2024 AM", "Saturday", "weekends"],
    );
    rejects(
        format!("UPN,Date,Session,Mark\n{U1},08/09/2024,AM,/\n").as_bytes(),
        &["line 2", "Sunday"],
    );
}

#[test]
fn a_non_utf8_byte_in_a_utf8_file() {
    let mut text = format!("\u{feff}UPN,Surname,02/09/2024 AM\n{U1},Zoë,/\n").into_bytes();
    text.extend_from_slice(format!("{U2},Sm").as_bytes());
    text.push(0xE9);
    text.extend_from_slice(b"th,/\n");
    rejects(&text, &["line 3", "0xE9", "UTF-8"]);
}

#[test]
fn an_empty_file() {
    rejects(b"", &["empty"]);
    rejects(b"\n\r\n\n", &["no text"]);
}

#[test]
fn a_header_only_file() {
    rejects(
        b"UPN,Surname,02/09/2024 AM,02/09/2024 PM\r\n",
        &["no pupil rows"],
    );
}

#[test]
fn an_unknown_code() {
    rejects(
        format!("UPN,02/09/2024 AM,02/09/2024 PM,03/09/2024 AM\n{U1},/,!,/\n{U2},!,\\,Q9\n")
            .as_bytes(),
        &[
            "\"!\": not a DfE attendance code (2 times)",
            "line 2, column \"02/09/2024 PM\"",
            "line 3, column \"02/09/2024 AM\"",
            "\"Q9\"",
            "code_map",
        ],
    );
}

#[test]
fn a_code_from_the_wrong_code_set_for_its_date() {
    rejects(
        format!("UPN,15/07/2024 AM,02/09/2024 AM,02/09/2024 PM\n{U1},C1,J,/\n").as_bytes(),
        &[
            "\"C1\"",
            "before",
            "line 2, column \"15/07/2024 AM\"",
            "\"J\"",
            "withdrawn on 19 August 2024",
            "J1",
        ],
    );
}

#[test]
fn a_bad_upn() {
    rejects(
        format!("UPN,02/09/2024 AM\n{U1},/\nA801200005001,/\n").as_bytes(),
        &["line 3", "check letter should be B"],
    );
}

#[test]
fn month_first_dates_are_caught_by_their_weekday() {
    rejects(
        format!("UPN,Mon 09/02/2024 AM\n{U1},/\n").as_bytes(),
        &["month-first"],
    );
}

#[test]
fn a_total_row_is_skipped_with_a_notice() {
    let (ws, a) =
        import_text(format!("UPN,Surname,02/09/2024 AM\n{U1},Smith,/\nTotal,,1\n").as_bytes());
    a.success()
        .stderr(predicate::str::contains("line 3 is a total/summary row"));
    assert!(!read(&ws.path().join("register/pupils.csv")).contains("Total"));
}

#[test]
fn both_code_sets_in_one_export() {
    let (ws, a) = import_text(
        format!("UPN,15/07/2024 AM,15/07/2024 PM,02/09/2024 AM,02/09/2024 PM\n{U1},J,H,J1,C\n")
            .as_bytes(),
    );
    a.success()
        .stderr(predicate::str::contains("2006 regulations"))
        .stderr(predicate::str::contains("2024 regulations"));
    assert!(ws.path().join("register/2023-24/marks.txt").is_file());
    assert!(ws.path().join("register/2024-25/marks.txt").is_file());
}

#[test]
fn no_workspace_says_how_to_make_one() {
    let d = tempfile::tempdir().unwrap();
    Env::REGISTER
        .attend()
        .current_dir(d.path())
        .arg("import")
        .arg(example("riverside-wide.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("attend init"));
}

#[test]
fn init_twice_clobbers_nothing() {
    let ws = Ws::new();
    let cfg = ws.path().join("attend.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("name: \"\"", "name: \"Riverside Academy\""),
    )
    .unwrap();
    let before = tree(ws.path());
    ws.attend(["init"])
        .assert()
        .success()
        .stderr(predicate::str::contains("already"));
    assert_eq!(before, tree(ws.path()));
}

#[test]
fn workspace_is_found_from_attend_dir_and_from_subfolders() {
    let ws = Ws::new();
    Env::REGISTER
        .attend()
        .env("ATTEND_DIR", ws.path())
        .arg("import")
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let sub = ws.path().join("cases");
    Env::REGISTER
        .attend()
        .current_dir(&sub)
        .arg("flag")
        .assert()
        .success()
        .stdout(predicate::str::contains("Pupils at or below 90%"));
}

#[test]
fn no_log_line_is_written_without_the_fingerprint_of_its_own_file() {
    // two exports imported in one command: the second changes a mark and a pupil's registration
    // group. Each file's SHA-256 is worked out while the files are merged and written, and each
    // line of the three logs must carry its own file's, never another's nor none.
    let dir = tempfile::tempdir().unwrap();
    let head =
        "UPN,Legal Surname,Legal Forename,Year,Reg Group,Mon 02/09/2024 AM,Mon 02/09/2024 PM\n";
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(
        &a,
        format!("{head}B801200005001,Ash,Bea,7,7A,/,\\\nQ801200005002,Cole,Dan,7,7B,/,N\n"),
    )
    .unwrap();
    std::fs::write(
        &b,
        format!("{head}B801200005001,Ash,Bea,7,7C,/,\\\nQ801200005002,Cole,Dan,7,7B,/,I\n"),
    )
    .unwrap();
    let sha = |p: &Path| -> String {
        use sha2::Digest;
        sha2::Sha256::digest(std::fs::read(p).unwrap())
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    };
    let ws = Ws::new();
    ws.attend(["import"]).arg(&a).arg(&b).assert().success();
    let log = |name: &str| csv_rows(&read(&ws.path().join("register").join(name)));
    let imports = log("imports.csv");
    assert_eq!(imports.len(), 3, "a header and a line per file");
    assert_eq!(
        (&imports[1][1], &imports[1][2]),
        (&"a.csv".into(), &sha(&a))
    );
    assert_eq!(
        (&imports[2][1], &imports[2][2]),
        (&"b.csv".into(), &sha(&b))
    );
    let changes = log("changes.csv");
    assert_eq!(changes.len(), 2, "the one mark b changed");
    assert_eq!(changes[1][1..3], ["b.csv".to_string(), sha(&b)]);
    assert_eq!(changes[1][6..8], ["N".to_string(), "I".to_string()]);
    let details = log("pupil-changes.csv");
    assert_eq!(details.len(), 2, "the one detail b changed");
    assert_eq!(details[1][1..3], ["b.csv".to_string(), sha(&b)]);
    // importing b again says it was imported before (looked up by its fingerprint)
    ws.attend(["import"])
        .arg(&b)
        .assert()
        .success()
        .stderr(predicate::str::contains("imported before"));
}

/// `flag --all --format csv` as printed.
fn flag_csv(ws: &Ws) -> String {
    let out = ws
        .attend(["flag", "--all", "--format", "csv"])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn figures_read_from_the_marks_cache_are_those_of_the_marks_file() {
    let ws = riverside_wide();
    let cache = ws.path().join("register/.cache/marks-2024-25.bin");
    assert!(cache.is_file(), "the import writes the year's cache");
    let with_cache = flag_csv(&ws);
    std::fs::remove_file(&cache).unwrap();
    assert_eq!(flag_csv(&ws), with_cache, "read from marks.txt");
}

#[test]
fn a_marks_file_changed_after_the_import_is_read_not_its_stale_cache() {
    let ws = riverside_wide();
    let before = csv_rows(&flag_csv(&ws));
    // one pupil's first present mark made an N, as a hand edit or a restore from git might:
    // the file keeps its length
    let marks = ws.path().join("register/2024-25/marks.txt");
    let text = read(&marks);
    let (head, body) = text.split_at(text.find("\nweeks ").unwrap() + 1);
    let mut lines: Vec<String> = body.lines().map(str::to_string).collect();
    let upn = lines[1].split(' ').next().unwrap().to_string();
    let at = lines[1].find('/').expect("a present mark");
    lines[1].replace_range(at..at + 1, "N");
    std::fs::write(&marks, format!("{head}{}\n", lines.join("\n"))).unwrap();
    assert_eq!(std::fs::metadata(&marks).unwrap().len(), text.len() as u64);
    let after = csv_rows(&flag_csv(&ws));
    let row = |rows: &[Vec<String>]| rows.iter().find(|r| r[0] == upn).unwrap().clone();
    let col = |name: &str| before[0].iter().position(|h| h == name).unwrap();
    let n = |r: &[String], name: &str| r[col(name)].parse::<i64>().unwrap();
    let (b, a) = (row(&before), row(&after));
    assert_eq!(n(&a, "present"), n(&b, "present") - 1);
    assert_eq!(n(&a, "unauthorised"), n(&b, "unauthorised") + 1);
    assert_eq!(n(&a, "possible"), n(&b, "possible"));
}

#[test]
fn the_marks_cache_is_never_seen_by_git() {
    let ws = Ws::new();
    let w = ws.path();
    git(w, &["init", "-q"]);
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    assert!(w.join("register/.cache/marks-2024-25.bin").is_file());
    let status = git(w, &["status", "--porcelain", "-uall"]);
    assert!(status.contains("register/2024-25/marks.txt"), "{status}");
    assert!(!status.contains(".cache"), "{status}");
}

#[test]
fn an_import_whose_cache_cannot_be_put_in_place_still_saves_the_marks() {
    let ws = Ws::new();
    // a folder where the cache goes: the cache cannot replace it
    let cache = ws.path().join("register/.cache/marks-2024-25.bin");
    std::fs::create_dir_all(&cache).unwrap();
    ws.attend(["import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    assert!(cache.is_dir());
    assert!(ws.path().join("register/2024-25/marks.txt").is_file());
    let left: Vec<String> = std::fs::read_dir(cache.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".attend-tmp-"))
        .collect();
    assert!(left.is_empty(), "no staged cache is left behind: {left:?}");
    // the figures are read from the marks file, the folder there or not
    let with_folder = flag_csv(&ws);
    std::fs::remove_dir(&cache).unwrap();
    assert_eq!(flag_csv(&ws), with_folder);
}
