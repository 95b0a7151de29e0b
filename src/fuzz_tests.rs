//! What attend reads from other people's files — register exports, case files, attend.yaml —
//! driven with arbitrary bytes and with valid files mutated at random, for a bounded number of
//! cases (a few seconds in all): reading never panics and never hangs; it gives a valid result
//! or an error that says something.

use crate::cases::file::{case_text, parse_case};
use crate::config::Config;
use crate::register::WEEK_SLOTS;
use crate::register::read::{NoProgress, ReadOptions, read_export};
use proptest::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// No single reading may take longer than this, however hostile the input (debug build).
const SLOW: Duration = Duration::from_secs(3);

/// A small valid wide export: three pupils, two weeks of sessions.
fn valid_export() -> String {
    let mut text = String::from("UPN,Legal Surname,Legal Forename,Year,Reg Group");
    let days = [
        "06/01/2025",
        "07/01/2025",
        "08/01/2025",
        "09/01/2025",
        "10/01/2025",
        "13/01/2025",
        "14/01/2025",
    ];
    for d in days {
        text.push_str(&format!(",{d} AM,{d} PM"));
    }
    text.push('\n');
    for (upn, name) in [
        ("B801200005001", "Smith,Ann"),
        ("P207000016049", "\"O'Brien, Jr\",Zoë"),
        ("W801200005015", "Żak,Ruby"),
    ] {
        text.push_str(&format!("{upn},{name},9,9A"));
        for (i, _) in days.iter().enumerate() {
            let m = ["/", "\\", "L", "O", "I", "#", "N"][i % 7];
            text.push_str(&format!(",{m},/"));
        }
        text.push('\n');
    }
    text
}

/// The same, as a long export.
fn valid_long_export() -> String {
    let mut text = String::from("UPN,Surname,Forename,Date,Session,Mark\n");
    for upn in ["B801200005001", "P207000016049"] {
        for d in ["06/01/2025", "07/01/2025", "2025-01-08"] {
            for (h, m) in [("AM", "/"), ("PM", "O")] {
                text.push_str(&format!("{upn},Smith,Ann,{d},{h},{m}\n"));
            }
        }
    }
    text
}

/// The example case in the repository.
const CASE: &str = include_str!("../cases/C815381816030/case.yaml");

/// A mutation of a valid file: bytes replaced, inserted or removed at chosen places.
fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut out = base.to_vec();
    for &(at, kind, byte) in edits {
        if out.is_empty() {
            out.push(byte);
            continue;
        }
        let i = at % out.len();
        match kind % 3 {
            0 => out[i] = byte,
            1 => out.insert(i, byte),
            _ => {
                out.remove(i);
            }
        }
    }
    out
}

/// Bytes that matter to CSV, YAML and dates, more often than chance would give them.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        prop::sample::select(b",\"\n\r\t /\\:-[]{}&*!|>'#%@0123456789AMPO".to_vec()),
    ]
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), interesting_byte()), 1..12)
}

/// Read `bytes` as an export: a valid export, or an error that names the file.
fn check_export(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    std::fs::write(&path, bytes).unwrap();
    let opts = ReadOptions {
        as_of: Some(chrono::NaiveDate::from_ymd_opt(2025, 3, 14).unwrap()),
        ..Default::default()
    };
    let t = Instant::now();
    let result = read_export(&path, &opts, &NoProgress);
    assert!(t.elapsed() < SLOW, "reading took {:?}", t.elapsed());
    match result {
        Ok(e) => {
            assert!(!e.pupils.is_empty());
            assert_eq!(e.marks.len(), e.pupils.len() * e.weeks.len() * WEEK_SLOTS);
            assert!(
                e.pupils
                    .windows(2)
                    .all(|w| w[0].details.id < w[1].details.id)
            );
            assert!(e.weeks.windows(2).all(|w| w[0] < w[1]));
        }
        Err(e) => {
            let text = e.to_string();
            assert!(text.contains("export.csv") && text.len() > 40, "{text}");
        }
    }
}

/// Read `text` as a case file: a case that saves and reads back the same, or an error that
/// names the file.
fn check_case(text: &str) {
    let t = Instant::now();
    let result = parse_case(text, Path::new("cases/X/case.yaml"));
    assert!(t.elapsed() < SLOW, "reading took {:?}", t.elapsed());
    match result {
        Ok(case) => {
            let again = case_text(&case).unwrap();
            let back = parse_case(&again, Path::new("again")).unwrap();
            assert_eq!(back, case);
        }
        Err(e) => assert!(e.to_string().contains("cases/X/case.yaml"), "{e}"),
    }
}

fn check_settings(text: &str) {
    let t = Instant::now();
    let result = Config::parse(text, Path::new("attend.yaml"));
    assert!(t.elapsed() < SLOW, "reading took {:?}", t.elapsed());
    if let Err(e) = result {
        assert!(e.to_string().contains("attend.yaml"), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_read_as_an_export_give_an_export_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_export(&bytes);
    }

    #[test]
    fn a_mutated_export_gives_an_export_or_an_error(wide in any::<bool>(), e in edits()) {
        let base = if wide { valid_export() } else { valid_long_export() };
        check_export(&mutate(base.as_bytes(), &e));
    }

    #[test]
    fn any_text_read_as_a_case_file_gives_a_case_or_an_error(text in "\\PC{0,300}") {
        check_case(&text);
    }

    #[test]
    fn a_mutated_case_file_gives_a_case_or_an_error(e in edits()) {
        let bytes = mutate(CASE.as_bytes(), &e);
        check_case(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_settings_give_settings_or_an_error(e in edits()) {
        let bytes = mutate(crate::config::DEFAULT_CONFIG.as_bytes(), &e);
        check_settings(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn the_valid_inputs_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("w.csv", valid_export()), ("l.csv", valid_long_export())] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        read_export(&path, &ReadOptions::default(), &NoProgress).unwrap();
    }
    parse_case(CASE, Path::new("case.yaml")).unwrap();
}
