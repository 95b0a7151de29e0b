//! Tests of reading exports: header cells, the CSV splitter, encodings.

use super::columns::*;
use super::records::*;
use super::*;
use crate::dates::{Half, Session};
use chrono::Weekday;
use std::io::Write;
use std::path::Path;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn header_cells_in_the_shapes_mis_exports_use() {
    let am = |y, m, dd| {
        HeaderCell::Session(Session {
            date: d(y, m, dd),
            half: Half::Am,
        })
    };
    assert_eq!(parse_header_cell("02/09/2024 AM"), am(2024, 9, 2));
    assert_eq!(parse_header_cell("Mon 02/09/2024 AM"), am(2024, 9, 2));
    assert_eq!(parse_header_cell("2024-09-02 AM"), am(2024, 9, 2));
    assert_eq!(parse_header_cell("02/09/2024 (am)"), am(2024, 9, 2));
    assert_eq!(parse_header_cell("Monday 2 Sep 2024 AM"), am(2024, 9, 2));
    assert_eq!(
        parse_header_cell("02/09/2024"),
        HeaderCell::Date(d(2024, 9, 2))
    );
    assert_eq!(
        parse_header_cell("Tue 02/09/2024 AM"),
        HeaderCell::WrongWeekday(d(2024, 9, 2), Weekday::Tue)
    );
    assert_eq!(
        parse_header_cell("31/02/2025 AM"),
        HeaderCell::BadDate("31/02/2025".into())
    );
    assert_eq!(
        parse_header_cell("2025-02-31"),
        HeaderCell::BadDate("2025-02-31".into())
    );
    assert_eq!(parse_header_cell("UPN"), HeaderCell::Other);
    assert_eq!(parse_header_cell("Year 7"), HeaderCell::Other);
}

#[test]
fn records_split_quotes_and_newlines() {
    let text = b"a,b,c\r\n\"O'Brien, Zo\xc3\xab\",\"say \"\"hi\"\"\",x\n\"multi\nline\",2,3\nlast,no,newline";
    let mut r = Records::new(&text[..]);
    let mut rows = Vec::new();
    let mut ranges = Vec::new();
    r.for_each(|row| {
        let f = row.fields(&mut ranges, None);
        rows.push((
            f.line,
            (0..f.len())
                .map(|k| String::from_utf8_lossy(f.field(k)).into_owned())
                .collect::<Vec<_>>(),
        ));
        true
    })
    .unwrap();
    assert_eq!(rows[0], (1, vec!["a".into(), "b".into(), "c".into()]));
    assert_eq!(
        rows[1],
        (
            2,
            vec!["O'Brien, Zoë".into(), "say \"hi\"".into(), "x".into()]
        )
    );
    assert_eq!(
        rows[2],
        (3, vec!["multi\nline".into(), "2".into(), "3".into()])
    );
    assert_eq!(
        rows[3],
        (5, vec!["last".into(), "no".into(), "newline".into()])
    );
}

proptest::proptest! {
    #[test]
    fn split_commas_agrees_with_a_plain_split(line in "[a-c,/\\\\]{0,200}", limit in 1usize..12) {
        let mut ranges = Vec::new();
        let rest = split_commas(line.as_bytes(), &mut ranges, usize::MAX);
        proptest::prop_assert!(rest.is_none());
        let got: Vec<&str> = ranges.iter().map(|&(a, b)| &line[a..b]).collect();
        let want: Vec<&str> = line.split(',').collect();
        proptest::prop_assert_eq!(&got, &want);
        // with a limit: the first `limit` fields, and where the rest begins
        let mut ranges = Vec::new();
        let rest = split_commas(line.as_bytes(), &mut ranges, limit);
        if want.len() > limit {
            let start = rest.expect("more fields than the limit");
            proptest::prop_assert_eq!(ranges.len(), limit);
            proptest::prop_assert_eq!(&line[start..], want[limit..].join(","));
        } else {
            proptest::prop_assert!(rest.is_none());
            proptest::prop_assert_eq!(ranges.len(), want.len());
        }
    }
}

#[test]
fn records_survive_tiny_buffers() {
    // a record longer than the initial window forces the buffer to grow
    let long = format!("\"{}\",1\n", "x".repeat(3 << 20));
    let mut r = Records::new(long.as_bytes());
    let mut lens = Vec::new();
    let mut ranges = Vec::new();
    r.for_each(|row| {
        lens.push(row.fields(&mut ranges, None).field(0).len());
        true
    })
    .unwrap();
    assert_eq!(lens, [3 << 20]);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

#[test]
fn windows_1252_is_detected_and_names_survive() {
    let dir = tempfile::tempdir().unwrap();
    let (cp, _, _) = encoding_rs::WINDOWS_1252
        .encode("UPN,Surname,Forename,02/09/2024 AM\r\nB801200005001,O'Brien,Zoë,/\r\n");
    let p = write(dir.path(), "r.csv", &cp);
    let e = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap();
    assert_eq!(e.encoding, "windows-1252");
    assert_eq!(e.pupils[0].details.forename, "Zoë");
    assert_eq!(e.pupils[0].details.surname, "O'Brien");
}

#[test]
fn a_bad_byte_in_a_utf8_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "UPN,Surname,Forename,02/09/2024 AM\nB801200005001,Zoë,Ann,/\n"
        .as_bytes()
        .to_vec();
    text.extend_from_slice(b"P207000016049,Sm\xffth,Bo,/\n");
    let p = write(dir.path(), "r.csv", &text);
    let err = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("line 3"), "{msg}");
    assert!(msg.contains("0xFF"), "{msg}");
}

#[test]
fn utf16_with_a_bom_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = "UPN,Surname,Forename,02/09/2024 AM\r\nB801200005001,Łukasz,Zoë,L\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let p = write(dir.path(), "r.csv", &bytes);
    let e = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap();
    assert_eq!(e.pupils[0].details.surname, "Łukasz");
    assert_eq!(e.encoding, "utf-16le");
}

#[test]
fn a_wide_export_out_of_order_puts_each_mark_on_its_pupil_and_session() {
    // pupils not in UPN order, session columns not in date order
    let dir = tempfile::tempdir().unwrap();
    let text = "UPN,Surname,Forename,09/09/2024 AM,02/09/2024 AM,02/09/2024 PM\n\
                P207000016049,Smith,Bo,N,/,\\\n\
                B801200005001,Jones,Ann,G,L,U\n";
    let p = write(dir.path(), "r.csv", text.as_bytes());
    let e = read_export(&p, &ReadOptions::default(), &NoProgress).unwrap();
    let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(e.weeks, vec![d("2024-09-02"), d("2024-09-09")]);
    let ids: Vec<String> = e.pupils.iter().map(|p| p.details.id.to_string()).collect();
    assert_eq!(ids, ["B801200005001", "P207000016049"]);
    assert_eq!(e.pupils[0].details.surname, "Jones");
    let code = |c: &str| Code::parse(c).unwrap().as_u8();
    let mut want_b = vec![NOT_COVERED; 20];
    (want_b[0], want_b[1], want_b[10]) = (code("L"), code("U"), code("G"));
    let mut want_p = vec![NOT_COVERED; 20];
    (want_p[0], want_p[1], want_p[10]) = (code("/"), code("\\"), code("N"));
    assert_eq!(e.row(0), want_b.as_slice());
    assert_eq!(e.row(1), want_p.as_slice());
}

#[test]
fn rows_permuted_in_place_land_in_order() {
    let n = 3;
    for order in [
        vec![],
        vec![0u32],
        vec![1, 0],
        vec![2, 0, 1],
        vec![0, 2, 1, 4, 3],
        (0..100).map(|k| (k * 37 + 11) % 100).collect(),
    ] {
        let rows: Vec<u8> = (0..order.len() * n).map(|k| (k / n) as u8).collect();
        let mut m = rows.clone();
        super::build::permute_rows(&mut m, n, &order);
        let want: Vec<u8> = order
            .iter()
            .flat_map(|&r| rows[r as usize * n..(r as usize + 1) * n].to_vec())
            .collect();
        assert_eq!(m, want, "order {order:?}");
    }
}
