//! Tests of reading exports: header cells, the CSV splitter, encodings.

use super::columns::*;
use super::records::*;
use super::*;
use crate::dates::{Half, Session};
use chrono::{Datelike, Weekday};
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
    // the fingerprint is the file's bytes as they are, before any transcoding
    assert_eq!(e.sha256, crate::cases::store::sha256_hex(&bytes));
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

/// A wide export of `n` pupils over a school year, big enough to be read in two halves: quoted
/// names with commas and line breaks, accented names; `edit` changes row `i`'s text.
fn big_wide_export(n: usize, bom: bool, edit: impl Fn(usize, String) -> String) -> Vec<u8> {
    let mut days = Vec::new();
    let mut day = d(2024, 9, 2);
    while day <= d(2025, 7, 18) {
        if day.weekday().num_days_from_monday() < 5 {
            days.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    let mut out = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    let mut header = String::from("UPN,Surname,Forename,Year");
    for day in &days {
        for half in ["AM", "PM"] {
            header.push_str(&format!(",{} {half}", day.format("%d/%m/%Y")));
        }
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(b"\r\n");
    let codes = ["/", "\\", "L", "N", "I", "M", "U", "-", "", "B"];
    for i in 0..n {
        let upn = big_upn(i);
        let surname = match i % 7 {
            0 => format!("\"O'Brien, {i}\""),
            1 => format!("\"Two\nLines {i}\""),
            2 => format!("Zoë{i}"),
            3 => format!("\"say \"\"hi\"\" {i}\""),
            _ => format!("Smith{i}"),
        };
        let mut row = format!("{upn},{surname},Ann,{}", 7 + i % 5);
        for k in 0..days.len() * 2 {
            row.push(',');
            row.push_str(codes[(i * 7 + k * 3) % codes.len()]);
        }
        let row = edit(i, row);
        out.extend_from_slice(row.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Pupil `i`'s UPN in [`big_wide_export`].
fn big_upn(i: usize) -> String {
    let body: [u8; 12] = format!("801200{i:06}").into_bytes().try_into().unwrap();
    let letter = crate::upn::check_letter(&body).unwrap() as char;
    format!("{letter}{}", std::str::from_utf8(&body).unwrap())
}

/// Read `bytes` as written to a file (in two halves where big enough), and in one go from memory;
/// the two must agree exactly, in what is read or in what is wrong. Returns whether the halves
/// were used.
fn read_both_ways(bytes: &[u8]) -> (Result<Export, String>, bool) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "big.csv", bytes);
    let opts = ReadOptions::default();
    super::halves::HALVES_MERGED.with(|c| c.set(0));
    let halves = read_export(&p, &opts, &NoProgress).map_err(|e| e.to_string());
    let merged = super::halves::HALVES_MERGED.with(|c| c.get()) > 0;
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let dec = super::decode::Decoder {
        forced: None,
        bom,
        seen: None,
    };
    let src = if bom { &bytes[3..] } else { bytes };
    let one_go = super::reader::read_records(
        Records::new(src),
        dec,
        &p.display().to_string(),
        "big.csv",
        &opts,
        &NoProgress,
        None,
    )
    .map_err(|e| e.to_string());
    match (&halves, one_go) {
        (Ok(a), Ok(mut b)) => {
            // the fingerprint, worked out from the reader's blocks and then the file, is the
            // whole file's
            assert_eq!(
                a.sha256,
                crate::cases::store::sha256_hex(bytes),
                "the export's SHA-256"
            );
            b.sha256 = a.sha256.clone();
            assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "read in halves and in one go differ"
            );
        }
        (Err(a), Err(b)) => assert_eq!(*a, b),
        (a, b) => panic!(
            "read in halves: {:?}\nin one go: {:?}",
            a.is_ok(),
            b.is_ok()
        ),
    }
    (halves, merged)
}

#[test]
fn each_pupils_marks_stay_with_them_when_the_pupils_are_put_in_id_order() {
    // 10,000 pupils, not in id order in the file (a UPN starts with its check letter): the
    // records and the marks are put in id order apart, on two cores; pupil `i`'s marks follow a
    // pattern of `i`, so a row put with the wrong pupil shows
    let bytes = big_wide_export(10_000, false, |_, row| row);
    let dir = tempfile::tempdir().unwrap();
    let e = read_export(
        &write(dir.path(), "big.csv", &bytes),
        &ReadOptions::default(),
        &NoProgress,
    )
    .unwrap();
    let codes = ["/", "\\", "L", "N", "I", "M", "U", "-", "", "B"];
    let byte = |c: &str| match c {
        "" | "-" => 0,
        c => crate::codes::Code::parse_bytes(c.as_bytes())
            .unwrap()
            .as_u8(),
    };
    let n = e.weeks.len() * WEEK_SLOTS;
    assert_eq!(e.pupils.len(), 10_000);
    assert!(
        e.pupils
            .windows(2)
            .all(|w| w[0].details.id < w[1].details.id),
        "in id order"
    );
    let first_monday = e.weeks[0];
    assert_eq!(first_monday, d(2024, 9, 2));
    let mut moved = 0;
    for (r, p) in e.pupils.iter().enumerate() {
        let i: usize = p.details.id.as_str()[7..].parse().unwrap();
        moved += usize::from(i != r);
        assert_eq!(p.details.id.as_str(), big_upn(i));
        let row = &e.marks[r * n..(r + 1) * n];
        // the file's k-th session is the k-th weekday session from 2 September 2024
        for (k, &got) in row.iter().enumerate().take(20) {
            assert_eq!(
                got,
                byte(codes[(i * 7 + k * 3) % codes.len()]),
                "pupil {i}, slot {k}"
            );
        }
    }
    assert!(moved > 5_000, "the file's order is not the id order");
}

#[test]
fn a_big_wide_export_read_in_two_halves_is_read_exactly_as_in_one_go() {
    for bom in [true, false] {
        let bytes = big_wide_export(10_000, bom, |i, row| match i {
            // a blank row and a row with a control character in each half
            1000 | 8000 => format!("{row}\r\n,,,"),
            1001 | 8001 => row.replacen("Ann", "A\u{1b}nn", 1),
            _ => row,
        });
        assert!(bytes.len() as u64 > 2 * super::halves::PARALLEL_MIN_BYTES);
        let (e, merged) = read_both_ways(&bytes);
        let e = e.unwrap();
        assert!(merged, "the halves were not used");
        assert_eq!(e.pupils.len(), 10_000);
        assert!(
            e.notices.iter().any(|n| n.contains("2 blank rows")),
            "{:?}",
            e.notices
        );
        // the line breaks in names are control characters too: taken out, and counted
        let two_line_names = (0..10_000).filter(|i| i % 7 == 1).count();
        let cells = format!("{} cells of pupils' details", two_line_names + 2);
        assert!(
            e.notices.iter().any(|n| n.starts_with(&cells)),
            "{:?}",
            e.notices
        );
        // line numbers count the line breaks inside quoted names
        let last = e.pupils.iter().map(|p| p.line).max().unwrap();
        assert_eq!(last, 2 + 10_000 + two_line_names + 2 - 1);
    }
}

#[test]
fn a_problem_in_the_second_half_is_reported_as_when_read_in_one_go() {
    // the same UPN in both halves, a bad mark, a total row followed by pupils, mixed encodings
    let cases: Vec<Box<dyn Fn(usize, String) -> String>> = vec![
        Box::new(|i, row| {
            if i == 8500 {
                row.replacen(&big_upn(8500), &big_upn(10), 1)
            } else {
                row
            }
        }),
        Box::new(|i, row| {
            if i == 8200 {
                row.replacen(",/", ",%", 1)
            } else {
                row
            }
        }),
        Box::new(|i, row| {
            if i == 2900 {
                format!("Total,,,{}", &row[row.len() - 10..])
            } else {
                row
            }
        }),
    ];
    for edit in cases {
        let (e, merged) = read_both_ways(&big_wide_export(10_000, true, edit));
        assert!(e.is_err());
        assert!(!merged);
    }
    // UTF-8 text before the middle, then Windows-1252 text after it: one file, two encodings
    let mut bytes = big_wide_export(10_000, false, |_, row| row);
    let at = bytes.windows(9).position(|w| w == b"Smith9995").unwrap();
    bytes[at + 2] = 0xE9;
    let (e, merged) = read_both_ways(&bytes);
    assert!(e.unwrap_err().contains("mixes encodings"));
    assert!(!merged);
}

#[test]
fn a_stray_quote_that_misleads_the_split_falls_back_to_reading_in_one_go() {
    // a quote inside an unquoted name is text, not the start of a quoted field: the quick
    // search for the middle miscounts, and the first half's reader notices
    let bytes = big_wide_export(10_000, true, |i, row| {
        if i == 10 {
            row.replacen("Smith10", "Sm\"ith10", 1)
        } else {
            row
        }
    });
    let (e, _) = read_both_ways(&bytes);
    assert_eq!(e.unwrap().pupils.len(), 10_000);
}

#[test]
fn a_long_export_whose_weeks_outgrow_a_year_keeps_every_mark_on_its_pupil_and_session() {
    // 70 weeks (more than the 53 a long export's rows first have room for), given out of date
    // order, with pupils whose rows come before, across and after the rows grow
    let first_monday = d(2023, 9, 4);
    let codes = ["/", "L", "N", "O"];
    let mark = |p: usize, w: usize| codes[(p * 7 + w) % codes.len()];
    let date = |w: usize| first_monday + chrono::Duration::weeks(w as i64);
    let mut rows: Vec<(usize, usize)> = Vec::new();
    rows.extend((0..50).map(|w| (0, (w * 17 + 5) % 50))); // pupil 0: 50 weeks, shuffled
    rows.extend((0..70).rev().map(|w| (1, w))); // pupil 1: every week, last first
    rows.extend((50..70).map(|w| (0, w))); // pupil 0 again, after the rows grew
    rows.extend((0..70).step_by(3).map(|w| (2, w))); // pupil 2: every third week
    let mut text = String::from("UPN,Surname,Forename,Date,Session,Mark\n");
    for &(p, w) in &rows {
        text.push_str(&format!(
            "{},Name{p},Pupil,{},AM,{}\n",
            big_upn(p),
            date(w).format("%d/%m/%Y"),
            mark(p, w)
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "long.csv", text.as_bytes());
    let opts = ReadOptions {
        as_of: Some(d(2025, 6, 1)),
        ..ReadOptions::default()
    };
    let e = read_export(&path, &opts, &NoProgress).unwrap();
    assert_eq!(e.weeks, (0..70).map(date).collect::<Vec<_>>());
    let mut ids: Vec<String> = e.pupils.iter().map(|p| p.details.id.to_string()).collect();
    ids.sort();
    let mut upns: Vec<String> = (0..3).map(big_upn).collect();
    upns.sort();
    assert_eq!(ids, upns, "every pupil once");
    for p in 0..3 {
        let i = (e.pupils.iter())
            .position(|x| x.details.id.to_string() == big_upn(p))
            .unwrap();
        assert_eq!(e.pupils[i].details.surname, format!("Name{p}"));
        let mut want = vec![NOT_COVERED; 70 * WEEK_SLOTS];
        for &(q, w) in &rows {
            if q == p {
                want[w * WEEK_SLOTS] = Code::parse(mark(p, w)).unwrap().as_u8();
            }
        }
        assert_eq!(e.row(i), want.as_slice(), "pupil {p}");
    }
}

/// A long export of `n` pupils, big enough to be read in two halves: a row per session, each
/// pupil's rows together (`by_date`: a session's rows together instead). Pupil `i`'s rows start
/// on a later day the larger `i % 40` is, so the halves meet the weeks in different orders, and
/// only the second half's pupils have a week of July 2025. `edit` changes a row's text, given
/// the pupil and the row's place in the pupil's rows.
fn big_long_export(
    n: usize,
    by_date: bool,
    edit: impl Fn(usize, usize, String) -> String,
) -> Vec<u8> {
    let mut days = Vec::new();
    let mut day = d(2024, 9, 2);
    while day <= d(2025, 7, 25) {
        if day.weekday().num_days_from_monday() < 5 {
            days.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    let last_week = d(2025, 7, 21);
    let codes = ["/", "\\", "L", "N", "I", "M", "U", "B"];
    // (pupil, day, half) of every row, in the file's order
    let mut rows: Vec<(usize, usize, usize)> = Vec::new();
    for i in 0..n {
        for (k, &day) in days.iter().enumerate().skip(i % 40) {
            if day >= last_week && i < n / 2 {
                continue;
            }
            rows.push((i, k, 0));
            rows.push((i, k, 1));
        }
    }
    if by_date {
        rows.sort_by_key(|&(i, k, h)| (k, h, i));
    }
    let mut out = b"UPN,Surname,Forename,Year,Date,Session,Mark\r\n".to_vec();
    let mut nth = vec![0usize; n];
    for (i, k, h) in rows {
        let row = format!(
            "{},Smith{i},Ann,{},{},{},{}",
            big_upn(i),
            7 + i % 5,
            days[k].format("%d/%m/%Y"),
            ["AM", "PM"][h],
            codes[(i * 7 + k * 3 + h) % codes.len()]
        );
        out.extend_from_slice(edit(i, nth[i], row).as_bytes());
        out.extend_from_slice(b"\r\n");
        nth[i] += 1;
    }
    out
}

#[test]
fn a_big_long_export_read_in_two_halves_is_read_exactly_as_in_one_go() {
    let bytes = big_long_export(600, false, |i, k, row| match (i, k) {
        // a blank row and a row with a control character in each half
        (100, 5) | (500, 5) => format!("{row}\r\n,,,,,,"),
        (101, 0) | (501, 0) => row.replacen("Ann", "A\u{1b}nn", 1),
        _ => row,
    });
    assert!(bytes.len() as u64 > 2 * super::halves::PARALLEL_MIN_BYTES);
    let (e, merged) = read_both_ways(&bytes);
    let e = e.unwrap();
    assert!(merged, "the halves were not used");
    assert_eq!(e.pupils.len(), 600);
    assert_eq!(*e.weeks.last().unwrap(), d(2025, 7, 21));
    assert!(
        e.notices.iter().any(|n| n.contains("2 blank rows")),
        "{:?}",
        e.notices
    );
    assert!(
        e.notices
            .iter()
            .any(|n| n.starts_with("2 cells of pupils' details")),
        "{:?}",
        e.notices
    );
}

#[test]
fn a_long_export_in_date_order_is_not_split_and_is_read_as_in_one_go() {
    // every row a different pupil from the last: halves would share every pupil
    let (e, merged) = read_both_ways(&big_long_export(600, true, |_, _, row| row));
    assert_eq!(e.unwrap().pupils.len(), 600);
    assert!(!merged);
}

#[test]
fn a_long_export_whose_halves_cannot_be_put_together_is_read_as_in_one_go() {
    // a pupil of the first half with a row in the second; a bad mark in the second half; a
    // total row in the first half with rows after it
    type Edit = Box<dyn Fn(usize, usize, String) -> String>;
    let cases: Vec<Edit> = vec![
        Box::new(|i, k, row| {
            // pupil 20's rows start on the 21st day: this one (the 2nd day) is new to them
            if (i, k) == (560, 3) {
                row.replacen(&big_upn(560), &big_upn(20), 1)
                    .replacen("Smith560", "Smith20", 1)
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (520, 7) {
                format!("{}%", &row[..row.len() - 1])
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (200, 0) {
                format!("Total,,,,,,\r\n{row}")
            } else {
                row
            }
        }),
    ];
    for (n, edit) in cases.into_iter().enumerate() {
        let (e, merged) = read_both_ways(&big_long_export(600, false, edit));
        assert!(!merged, "case {n}");
        if n == 0 {
            // the same pupil's rows apart are still one pupil
            assert_eq!(e.unwrap().pupils.len(), 600);
        } else {
            assert!(e.is_err(), "case {n}");
        }
    }
}

#[test]
fn a_long_export_is_split_between_two_pupils_rows() {
    let text = b"tail of a line\nA1,x\nA1,y\nB2,x\nB2,y\nC3,x\n";
    let at = super::long::between_pupils(text, 0).unwrap();
    assert_eq!(&text[at..at + 4], b"B2,x");
    // in date order (no pupil twice in a row), or a quote before any place: no split
    assert_eq!(
        super::long::between_pupils(b"t\nA1,x\nB2,x\nC3,x\nA1,y\nB2,y\n", 0),
        None
    );
    assert_eq!(
        super::long::between_pupils(b"t\nA1,x\nA1,\"y\nB2,x\nB2,y\n", 0),
        None
    );
}

#[test]
fn a_long_export_is_read_in_halves_only_with_a_core_to_spare_for_the_fingerprint() {
    let bytes = big_long_export(600, false, |_, _, row| row);
    super::long::HALVES_ALWAYS.with(|c| c.set(false));
    let (e, merged) = read_both_ways(&bytes);
    super::long::HALVES_ALWAYS.with(|c| c.set(true));
    assert_eq!(e.unwrap().pupils.len(), 600);
    assert_eq!(merged, crate::parallel::threads() >= 3);
}

#[test]
fn reading_only_the_session_columns_of_a_pupils_next_row_reads_what_splitting_it_whole_does() {
    // The same export twice: the session columns last (a row with the same pupil text as the
    // row before is read from its session columns alone), and first (every row split whole).
    // What is read, or what is wrong, must be the same.
    type Edit = Box<dyn Fn(usize, usize, String) -> String>;
    let edits: Vec<Edit> = vec![
        Box::new(|_, _, row| row),
        // a bad mark, a session that is neither AM nor PM, a Saturday, an empty mark
        Box::new(|i, k, row| {
            if (i, k) == (3, 9) {
                format!("{}%", &row[..row.len() - 1])
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (4, 2) {
                row.replacen(",AM,", ",XX,", 1).replacen(",PM,", ",XX,", 1)
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (5, 4) {
                row.replacen("/2024,", "/2024 ,", 1)
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (6, 6) {
                row[..row.rfind(',').unwrap() + 1].to_string()
            } else {
                row
            }
        }),
        // a row with a cell too many; the same UPN with another name; a blank row between
        Box::new(|i, k, row| {
            if (i, k) == (7, 8) {
                format!("{row},extra")
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (8, 8) {
                row.replacen("Smith8,", "Smyth8,", 1)
            } else {
                row
            }
        }),
        Box::new(|i, k, row| {
            if (i, k) == (9, 8) {
                format!(",,,,,,\r\n{row}")
            } else {
                row
            }
        }),
    ];
    let dir = tempfile::tempdir().unwrap();
    let read = |bytes: &[u8]| read_as_text(dir.path(), bytes);
    for (n, edit) in edits.into_iter().enumerate() {
        let last = big_long_export(12, false, edit);
        // the same rows with the session columns (the last three) moved to the front
        let text = String::from_utf8(last.clone()).unwrap();
        let mut first = String::new();
        for line in text.split_terminator("\r\n") {
            let cells: Vec<&str> = line.split(',').collect();
            // the header's columns 4, 5 and 6 (Date, Session, Mark) first; any cell over after
            let (k, end) = (4.min(cells.len()), 7.min(cells.len()));
            first.push_str(
                &[&cells[k..end], &cells[..k], &cells[end..]]
                    .concat()
                    .join(","),
            );
            first.push_str("\r\n");
        }
        let (a, b) = (read(&last), read(first.as_bytes()));
        assert_eq!(a, b, "edit {n}");
    }
}

/// What reading `bytes` (written to a file in `dir`) gives: its pupils, marks, notices and rows,
/// or what is wrong with it.
fn read_as_text(dir: &Path, bytes: &[u8]) -> Result<String, String> {
    let p = write(dir, "long.csv", bytes);
    read_export(&p, &ReadOptions::default(), &NoProgress)
        .map(|e| format!("{:?} {:?} {:?} {}", e.pupils, e.marks, e.notices, e.rows))
        .map_err(|e| e.to_string())
}

/// A small long export of 3 pupils over two weeks, built cell by cell: each row's cells
/// (UPN, surname, forename, year, date, session, mark) changed by `edits` (a row's index and
/// what is done to it), and each row ended by CRLF or LF as `crlf`'s bits say. Returned twice:
/// with the session's columns last, as MIS export them, and first.
fn small_long_export(edits: &[(usize, u8)], crlf: u64) -> (String, String) {
    let days: Vec<NaiveDate> = (0..14)
        .map(|k| d(2024, 9, 2) + chrono::Days::new(k))
        .filter(|day| day.weekday().num_days_from_monday() < 5)
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for i in 0..3 {
        for day in &days {
            for (h, half) in ["AM", "PM"].into_iter().enumerate() {
                rows.push(vec![
                    big_upn(i),
                    format!("Smith{i}"),
                    "Ann".into(),
                    "7".into(),
                    day.format("%d/%m/%Y").to_string(),
                    half.into(),
                    ["/", "\\", "L", "N", "#"][(i + h + day.day() as usize) % 5].into(),
                ]);
            }
        }
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut edits = edits.to_vec();
    edits.sort();
    for (k, row) in rows.into_iter().enumerate() {
        let mut row = row;
        let mut after: Vec<Vec<String>> = Vec::new();
        for &(_, e) in edits.iter().filter(|(r, _)| *r == k) {
            match e {
                0 => row[6] = "%".into(),
                1 => row[6] = String::new(),
                2 => row[6] = "-".into(),
                3 => after.push(row.clone()),
                4 => {
                    let mut again = row.clone();
                    again[6] = "U".into();
                    after.push(again);
                }
                5 => row[5] = "am".into(),
                6 => row[5] = "XX".into(),
                7 => row[4] = "07/09/2024".into(),
                8 => row[4] = format!("\"{}\"", row[4]),
                9 => row[4] = "\"02,09/2024\"".into(),
                10 => row[4] = "2024-09-03".into(),
                11 => row[4] = "3/9/2024".into(),
                12 => row[1] = "Smyth".into(),
                13 => row.push("extra".into()),
                14 => out.push(vec![String::new(); 7]),
                15 => row[6] = "l".into(),
                16 => row[6] = "/ ".into(),
                17 => row[4] = format!("{} AM", row[4]),
                18 => row[6] = "\",\"".into(),
                19 => row[6] = "\"\"\"\"".into(),
                20 => row[1] = "\"Smith, Jr\"".into(),
                _ => row[6] = "\r".into(),
            }
        }
        out.push(row);
        out.extend(after);
    }
    let header = [
        "UPN", "Surname", "Forename", "Year", "Date", "Session", "Mark",
    ];
    let mut last = header.join(",") + "\r\n";
    let mut first = [&header[4..], &header[..4]].concat().join(",") + "\r\n";
    for (k, cells) in out.iter().enumerate() {
        let end = if crlf >> (k % 64) & 1 == 1 {
            "\r\n"
        } else {
            "\n"
        };
        let (a, b) = cells.split_at(4.min(cells.len()));
        let (b, c) = b.split_at(3.min(b.len()));
        last.push_str(&[a, b, c].concat().join(","));
        first.push_str(&[b, a, c].concat().join(","));
        last.push_str(end);
        first.push_str(end);
    }
    (last, first)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// A run of a pupil's rows read straight from the text (see `LongPlan::run`) must read what
    /// splitting every row whole does: the same export with the session's columns first is
    /// read row by row.
    #[test]
    fn reading_runs_of_a_pupils_rows_from_the_text_reads_what_splitting_every_row_does(
        edits in proptest::collection::vec((0usize..60, 0u8..22), 0..10),
        crlf in proptest::prelude::any::<u64>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let read = |bytes: &[u8]| read_as_text(dir.path(), bytes);
        let (last, first) = small_long_export(&edits, crlf);
        proptest::prop_assert_eq!(read(last.as_bytes()), read(first.as_bytes()));
    }
}

#[test]
fn a_run_of_a_pupils_rows_does_not_overwrite_a_session_already_marked() {
    // the first pupil's rows after the first are read in runs; a second, different mark for a
    // session (line 10) ends the run, and is reported as when every row is split
    let (last, first) = small_long_export(&[(7, 4), (8, 0)], 0);
    let dir = tempfile::tempdir().unwrap();
    for text in [last, first] {
        let p = write(dir.path(), "long.csv", text.as_bytes());
        let e = read_export(&p, &ReadOptions::default(), &NoProgress);
        let msg = e.map(|_| String::new()).unwrap_err().to_string();
        assert!(
            msg.contains("two different marks for 2024-09-05 PM (line 10"),
            "{msg}"
        );
        assert!(msg.contains("first at line 11"), "{msg}");
    }
}

/// The coverage of rows, worked out one cell at a time.
fn coverage_cell_by_cell(marks: &[u8], pupils: usize, n: usize) -> Coverage {
    let cell = |i: usize, j: usize| marks[i * n + j];
    Coverage {
        slots: (0..n)
            .map(|j| (0..pupils).any(|i| cell(i, j) != NOT_COVERED))
            .collect(),
        rows: (0..pupils)
            .map(|i| (0..n).any(|j| cell(i, j) != NOT_COVERED))
            .collect(),
        marked: marks
            .iter()
            .filter(|&&v| v != 0 && v != NOT_COVERED)
            .count(),
        not_covered: marks.iter().filter(|&&v| v == NOT_COVERED).count(),
    }
}

proptest::proptest! {
    /// The merge trusts the coverage worked out as the export is finished (counted in bytes,
    /// 255 slots at a time, the rows split across the cores): it must be the coverage cell by cell.
    #[test]
    fn an_exports_coverage_is_what_its_cells_hold(
        pupils in 0usize..12,
        n in 0usize..700,
        seed in proptest::prelude::any::<u64>(),
    ) {
        // mostly marks, some blank, some not covered, in runs as real exports have them
        let mut x = seed | 1;
        let marks: Vec<u8> = (0..pupils * n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                [1, 1, 1, 2, 0, NOT_COVERED][(x % 6) as usize]
            })
            .collect();
        proptest::prop_assert_eq!(
            Coverage::of(&marks, pupils, n),
            coverage_cell_by_cell(&marks, pupils, n)
        );
    }
}

#[test]
fn an_exports_coverage_is_right_when_its_rows_are_split_across_the_cores() {
    // 20,000 rows (split across the cores from 8,192), one slot no row covers, every row whole
    // but one with a slot not covered, and one row with no cell at all
    let (pupils, n) = (20_000, 300);
    let mut marks: Vec<u8> = (0..pupils * n).map(|k| (k % 5) as u8).collect();
    for row in marks.chunks_exact_mut(n) {
        row[17] = NOT_COVERED;
    }
    marks[12_345 * n + 40] = NOT_COVERED;
    marks[19_000 * n..19_001 * n].fill(NOT_COVERED);
    let c = Coverage::of(&marks, pupils, n);
    assert_eq!(c, coverage_cell_by_cell(&marks, pupils, n));
    assert!(!c.slots[17] && c.slots[40]);
    assert!(!c.rows[19_000] && c.rows[12_345]);
    assert!(!c.only_whole_slots(), "a slot not covered in one row only");
    marks[12_345 * n + 40] = 0;
    assert!(
        !Coverage::of(&marks, pupils, n).only_whole_slots(),
        "a row with no cell"
    );
    marks[19_000 * n..19_001 * n].fill(1);
    marks[19_000 * n + 17] = NOT_COVERED;
    assert!(Coverage::of(&marks, pupils, n).only_whole_slots());
}
