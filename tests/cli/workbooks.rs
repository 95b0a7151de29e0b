//! Excel workbooks (`--xlsx FILE`) read back with another reader (calamine), sheet by sheet
//! against the command's own CSV: the same rows and columns, percentages and counts as numbers,
//! dates as dates, UPNs and every other label as text; a sheet "About"; and `--excel-csv`, CSV
//! with a byte-order mark.

use crate::support::*;
use crate::tables::example_with_cases;
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use predicates::prelude::*;
use std::path::Path;

const TODAY: &str = "2025-03-17";

fn csv_of(ws: &Ws, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let out = ws
        .at(TODAY)
        .args(args)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn xlsx_of(ws: &Ws, args: &[&str], file: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    ws.at(TODAY)
        .args(args)
        .arg("--xlsx")
        .arg(file)
        .assert()
        .success()
        .stderr(predicate::str::contains("Wrote the workbook"));
    open_workbook(file).unwrap()
}

/// An Excel serial date as a date (the 1900 system: day 1 is 1 January 1900, with Excel's
/// phantom 29 February 1900, so from March 1900 day 0 is 30 December 1899).
fn date_of_serial(serial: f64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Duration::days(serial as i64)
}

/// The cell as the CSV writes it, checking that its type is the one its column needs.
fn as_csv(column: &str, cell: &Data, csv: &str) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => {
            assert!(
                column == "upn"
                    || column.contains("year")
                    || column.contains("group")
                    || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
                        && s.parse::<f64>().is_err()
                    || column.contains("phone"),
                "{column}: {s:?} should be a number or a date, not text"
            );
            s.clone()
        }
        Data::Float(f) if column.ends_with("pct") => format!("{f:.1}"),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            assert!(d.is_datetime());
            date_of_serial(d.as_f64()).to_string()
        }
        other => panic!("{column}: unexpected cell {other:?} for {csv:?}"),
    }
}

/// The sheet holds exactly the CSV's rows (`pick` chooses them), cell by cell.
fn sheet_equals_csv(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    header: &[String],
    rows: &[&Vec<String>],
) {
    let range = book.worksheet_range(sheet).unwrap();
    let mut lines = range.rows();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&head, header, "{sheet}: the CSV's columns");
    let got: Vec<&[Data]> = lines.collect();
    assert_eq!(got.len(), rows.len(), "{sheet}: the CSV's rows");
    for (cells, want) in got.iter().zip(rows) {
        for (c, column) in header.iter().enumerate() {
            let cell = cells.get(c).unwrap_or(&Data::Empty);
            // a CSV cell neutralised for a spreadsheet carries a `'`; the workbook holds text
            let csv = want[c].strip_prefix('\'').unwrap_or(&want[c]);
            assert_eq!(as_csv(column, cell, csv), csv, "{sheet}, {column}");
        }
    }
}

fn about(book: &mut Xlsx<std::io::BufReader<std::fs::File>>) -> Vec<(String, Data)> {
    let range = book.worksheet_range("About").unwrap();
    range
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r.get(1).cloned().unwrap_or(Data::Empty)))
        .collect()
}

fn about_date(a: &[(String, Data)], key: &str) -> NaiveDate {
    match &a
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("{key}"))
        .1
    {
        Data::DateTime(d) => date_of_serial(d.as_f64()),
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn each_workbook_holds_the_csv_with_numbers_dates_and_text_typed() {
    let ws = example_with_cases();
    let dir = tempfile::tempdir().unwrap();
    // flag: one sheet of pupils
    let (header, rows) = csv_of(&ws, &["flag", "--threshold", "85"]);
    let file = dir.path().join("flag.xlsx");
    let mut book = xlsx_of(&ws, &["flag", "--threshold", "85"], &file);
    assert_eq!(book.sheet_names(), vec!["Pupils", "About"]);
    sheet_equals_csv(
        &mut book,
        "Pupils",
        &header,
        &rows.iter().collect::<Vec<_>>(),
    );
    let range = book.worksheet_range("Pupils").unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = range.rows().nth(1).unwrap();
    assert!(matches!(first[col("upn")], Data::String(_)), "UPN as text");
    assert!(
        matches!(first[col("year")], Data::String(_)),
        "year group as text"
    );
    assert!(
        matches!(first[col("attendance_pct")], Data::Float(_)),
        "a number"
    );
    assert!(matches!(first[col("possible")], Data::Float(_)), "a number");
    assert!(
        matches!(first[col("period_from")], Data::DateTime(_)),
        "a date"
    );
    let a = about(&mut book);
    assert_eq!(
        about_date(&a, "As of"),
        NaiveDate::from_ymd_opt(2025, 3, 17).unwrap()
    );
    assert_eq!(
        about_date(&a, "Register's latest session"),
        NaiveDate::from_ymd_opt(2025, 3, 14).unwrap()
    );
    assert_eq!(
        about_date(&a, "Period from"),
        NaiveDate::from_ymd_opt(2024, 9, 2).unwrap()
    );
    assert!(a.iter().any(|(k, _)| k == "Small groups"));
    the_sheet_is_laid_out_for_excel(&file, header.len());

    // due, case list: one sheet each
    for (args, sheet) in [(vec!["due"], "Due"), (vec!["case", "list"], "Cases")] {
        let (header, rows) = csv_of(&ws, &args);
        assert!(!rows.is_empty());
        let file = dir.path().join(format!("{sheet}.xlsx"));
        let mut book = xlsx_of(&ws, &args, &file);
        assert_eq!(book.sheet_names(), vec![sheet, "About"]);
        sheet_equals_csv(&mut book, sheet, &header, &rows.iter().collect::<Vec<_>>());
    }

    // family: a sheet per kind of member
    let (header, rows) = csv_of(&ws, &["family", "lily parker"]);
    let mut book = xlsx_of(
        &ws,
        &["family", "lily parker"],
        &dir.path().join("family.xlsx"),
    );
    let member = header.iter().position(|h| h == "member").unwrap();
    for (kind, sheet) in [
        ("pupil", "Children at this school"),
        ("contact", "Parents and carers"),
    ] {
        let want: Vec<&Vec<String>> = rows.iter().filter(|r| r[member] == kind).collect();
        assert!(!want.is_empty(), "{kind}");
        sheet_equals_csv(&mut book, sheet, &header, &want);
    }

    // report: a sheet per section, the small groups withheld as in the CSV
    let (header, rows) = csv_of(&ws, &["report"]);
    let mut book = xlsx_of(&ws, &["report"], &dir.path().join("report.xlsx"));
    let names = book.sheet_names();
    assert!(
        names.contains(&"Group".to_string()) && names.contains(&"Week".to_string()),
        "{names:?}"
    );
    assert_eq!(names.last().map(String::as_str), Some("About"));
    let mut seen = 0;
    for name in names.iter().filter(|n| *n != "About") {
        let key = name.to_lowercase().replace(' ', "_");
        let want: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == key).collect();
        seen += want.len();
        sheet_equals_csv(&mut book, name, &header, &want);
    }
    assert_eq!(seen, rows.len(), "every row of the CSV in a sheet");
    let a = about(&mut book);
    let small = a.iter().find(|(k, _)| k == "Small groups").unwrap();
    assert!(small.1.to_string().contains("withheld"), "{small:?}");
}

/// The workbook's own XML, read with Python's zipfile (a reader other than the writer): the
/// header row frozen and filtered over every column, column widths set, and the number formats
/// for percentages (one decimal) and dates (dd/mm/yyyy) used by the cells.
fn the_sheet_is_laid_out_for_excel(file: &std::path::Path, columns: usize) {
    let script = r#"
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
styles = z.read("xl/styles.xml").decode()
fmts = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
xf_fmt = [fmts.get(m, m) for m in re.findall(r'<xf [^>]*numFmtId="(\d+)"', xfs)]
used = sorted({xf_fmt[int(s)] for s in re.findall(r'<c r="[A-Z]+\d+" s="(\d+)"', sheet)})
print(json.dumps({
    "frozen": 'state="frozen"' in sheet and 'ySplit="1"' in sheet,
    "filter": (re.search(r'<autoFilter ref="([^"]+)"', sheet) or [None, None])[1],
    "widths": len(re.findall(r'<col [^>]*customWidth="1"', sheet)),
    "formats": used,
}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["frozen"], true, "{v}");
    let filter = v["filter"].as_str().unwrap();
    assert!(filter.starts_with("A1:"), "{filter}");
    assert!(v["widths"].as_u64().unwrap() >= 1, "{v}");
    let formats: Vec<&str> = v["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        formats.contains(&"0.0"),
        "percentages with one decimal: {formats:?}"
    );
    assert!(formats.contains(&"dd/mm/yyyy"), "dates: {formats:?}");
    assert!(
        formats.contains(&"@") || formats.contains(&"49"),
        "text: {formats:?}"
    );
    assert!(columns > 10);
}

#[test]
fn formula_looking_text_is_text_in_the_workbook() {
    let ws = Ws::empty();
    let export = ws.path().join("export.csv");
    std::fs::write(
        &export,
        "UPN,Surname,Forename,Year,Reg,2025-03-03 AM,2025-03-03 PM\nA123456789012,=HYPERLINK(\"http://x\"),@SUM(A1),7,7A,/,O\n",
    )
    .unwrap();
    ws.attend(["--quiet", "import"])
        .arg(&export)
        .assert()
        .success();
    let file = ws.path().join("out.xlsx");
    let (header, rows) = csv_of(&ws, &["flag", "--all"]);
    assert!(
        rows[0].iter().any(|c| c.starts_with("'=")),
        "the CSV neutralises: {rows:?}"
    );
    let mut book = xlsx_of(&ws, &["flag", "--all"], &file);
    sheet_equals_csv(
        &mut book,
        "Pupils",
        &header,
        &rows.iter().collect::<Vec<_>>(),
    );
    let range = book.worksheet_range("Pupils").unwrap();
    let row = range.rows().nth(1).unwrap();
    assert_eq!(row[1], Data::String("=HYPERLINK(\"http://x\")".into()));
    assert_eq!(row[2], Data::String("@SUM(A1)".into()));
    let formulas = book.worksheet_formula("Pupils").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula at all"
    );
}

#[test]
fn a_workbook_is_never_written_over_attends_own_files_and_excel_csv_has_a_bom() {
    let ws = Ws::new();
    ws.attend(["--quiet", "import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let before = tree(ws.path());
    ws.attend(["flag", "--xlsx"])
        .arg(ws.path().join("attend.yaml"))
        .assert()
        .code(1);
    ws.attend(["flag", "--xlsx"])
        .arg(ws.path())
        .assert()
        .code(1);
    assert_eq!(before, tree(ws.path()), "nothing changed");
    let out = ws.attend(["flag", "--excel-csv"]).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with("\u{FEFF}upn,surname,".as_bytes()));
    let plain = ws.attend(["flag", "--format", "csv"]).output().unwrap();
    assert_eq!(
        &out.stdout[3..],
        &plain.stdout[..],
        "the same CSV after the mark"
    );
    assert!(String::from_utf8(plain.stdout).unwrap().contains("Muñoz"));
    ws.attend(["flag", "--excel-csv", "--format", "json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--excel-csv writes CSV"));
}
