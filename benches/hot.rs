//! Benchmarks of attend's hot functions (criterion): reading a wide export, writing and loading
//! a year's marks file, counting every pupil's figures, and `flag --all`'s figures.
//!
//!     cargo bench --bench hot                 # all of them (20,000 pupils, a whole school year)
//!     cargo bench --bench hot -- counts       # those whose name holds "counts"
//!     ATTEND_BENCH_PUPILS=150000 cargo bench --bench hot
//!
//! The register is made here, from a fixed seed, so that the benchmark needs nothing but the
//! repository. Whole-process timings against the pandas/polars baselines, and the check of
//! attend's figures against the generator's truth, are `scripts/bench.sh`'s. These benchmarks only
//! build under `cargo bench` (never under `cargo test`).

use attend::attendance::{Frame, PeriodSpec, SchoolCalendar};
use attend::codes::Code;
use attend::dates::AcademicYear;
use attend::flag::{FlagQuery, flag};
use attend::register::read::{NoProgress, ReadOptions, read_export};
use attend::register::store::{marks_text, parse_marks};
use attend::register::{Register, store};
use attend::upn::Upn;
use chrono::{Datelike, Duration, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// A small deterministic generator (xorshift), so every run benchmarks the same register.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn pupils() -> usize {
    std::env::var("ATTEND_BENCH_PUPILS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

/// The school days of 2024-25 (2 September to 22 July, without the half terms and holidays).
fn school_days() -> Vec<NaiveDate> {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let breaks = [
        (d("2024-10-28"), d("2024-11-01")),
        (d("2024-12-23"), d("2025-01-03")),
        (d("2025-02-17"), d("2025-02-21")),
        (d("2025-04-07"), d("2025-04-21")),
        (d("2025-05-26"), d("2025-05-30")),
    ];
    let mut out = Vec::new();
    let mut day = d("2024-09-02");
    while day <= d("2025-07-22") {
        let weekend = day.weekday().num_days_from_monday() >= 5;
        if !weekend && !breaks.iter().any(|(a, b)| *a <= day && day <= *b) {
            out.push(day);
        }
        day += Duration::days(1);
    }
    out
}

/// A wide export as a school's MIS writes it: pupil columns, then a column per session, CRLF.
fn wide_export(n: usize) -> Vec<u8> {
    let days = school_days();
    let mut rng = Rng(0x5EED_2024);
    let mut out = String::from("UPN,Legal Surname,Legal Forename,Year,Reg Group");
    for day in &days {
        let dmy = day.format("%d/%m/%Y");
        out.push_str(&format!(",{dmy} AM,{dmy} PM"));
    }
    out.push_str("\r\n");
    // mostly present; some pupils often absent, as in a real register
    let absent = ["C", "I", "M", "G", "N", "O", "U", "E", "R"];
    let other = [
        "L", "B", "K", "V", "P", "W", "C1", "J1", "S", "C2", "X", "Q", "Y1", "D",
    ];
    for i in 0..n {
        let body = format!("8012{:08}", i + 1);
        let upn = Upn::from_body(&body).expect("a valid UPN body");
        let year = 7 + i % 7;
        out.push_str(&format!("{upn},Surname{i},Forename{i},{year},{year}X"));
        let absence_rate = [2u64, 4, 8, 15, 40][rng.below(5) as usize];
        for _ in 0..days.len() * 2 {
            let r = rng.below(100);
            let mark = if r < absence_rate {
                absent[rng.below(absent.len() as u64) as usize]
            } else if r < absence_rate + 3 {
                other[rng.below(other.len() as u64) as usize]
            } else if rng.below(2) == 0 {
                "/"
            } else {
                "\\"
            };
            out.push(',');
            out.push_str(mark);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The same export in the long layout, one row per mark (UPN, names, year, group, Date, Session,
/// Mark), a pupil's rows together, as MIS write it.
fn long_export(wide: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(wide).expect("UTF-8");
    let mut lines = text.split_terminator("\r\n");
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let mut out =
        String::from("UPN,Legal Surname,Legal Forename,Year,Reg Group,Date,Session,Mark\r\n");
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let pupil = cells[..5].join(",");
        for (session, mark) in header[5..].iter().zip(&cells[5..]) {
            let (date, half) = session.split_once(' ').expect("date and AM/PM");
            out.push_str(&format!("{pupil},{date},{half},{mark}\r\n"));
        }
    }
    out.into_bytes()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 31).expect("date")
}

fn opts() -> ReadOptions {
    ReadOptions {
        as_of: Some(as_of()),
        ..Default::default()
    }
}

/// The register as the store holds it after importing the export: pupils and one year's grid.
fn register(path: &Path) -> Register {
    let export = read_export(path, &opts(), &NoProgress).expect("the export reads");
    let pupils = export.pupils.iter().map(|p| p.details.clone()).collect();
    let grid = attend::register::MarkGrid {
        weeks: export.weeks.clone(),
        ids: export.pupils.iter().map(|p| p.details.id.clone()).collect(),
        marks: export
            .marks
            .iter()
            .map(|&b| {
                if b == attend::register::read::NOT_COVERED {
                    0
                } else {
                    b
                }
            })
            .collect(),
    };
    Register { pupils, grid }
}

fn benches(c: &mut Criterion) {
    let n = pupils();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let csv = dir.path().join("export.csv");
    let bytes = wide_export(n);
    std::fs::write(&csv, &bytes).expect("write the export");
    let reg = register(&csv);
    let year = AcademicYear::of(reg.grid.weeks[0]);
    let text = marks_text(&reg.grid, year);
    let marks = reg.grid.marks.len() as u64;

    let mut g = c.benchmark_group(format!("{n} pupils"));
    g.sample_size(10);

    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("parse wide export", |b| {
        b.iter(|| read_export(black_box(&csv), &opts(), &NoProgress).expect("reads"))
    });

    // a tenth of the pupils: the long layout takes about 25 times the bytes
    let long = long_export(&wide_export(n / 10));
    let long_csv = dir.path().join("long.csv");
    std::fs::write(&long_csv, &long).expect("write the export");
    g.throughput(Throughput::Bytes(long.len() as u64));
    g.bench_function(format!("parse long export ({} pupils)", n / 10), |b| {
        b.iter(|| read_export(black_box(&long_csv), &opts(), &NoProgress).expect("reads"))
    });

    g.throughput(Throughput::Elements(marks));
    g.bench_function("write marks file", |b| {
        b.iter(|| marks_text(black_box(&reg.grid), year))
    });
    g.bench_function("load marks file", |b| {
        b.iter(|| parse_marks(black_box(text.as_bytes()), Path::new("marks.txt")).expect("parses"))
    });

    let cal = SchoolCalendar::on(&reg.grid, as_of());
    let period = cal
        .resolve(&reg.grid, &PeriodSpec::default())
        .expect("a period");
    let frame = Frame::new(&reg.grid, &cal, period);
    g.bench_function("count figures (every pupil)", |b| {
        b.iter(|| {
            let mut possible = 0u64;
            for i in 0..reg.pupils.len() {
                possible += u64::from(frame.counts(black_box(i)).possible);
            }
            possible
        })
    });
    g.bench_function("analyse (every pupil)", |b| {
        b.iter(|| {
            let mut unauthorised = 0u64;
            for i in 0..reg.pupils.len() {
                unauthorised += u64::from(frame.analyse(black_box(i)).penalty_max);
            }
            unauthorised
        })
    });
    let q = FlagQuery {
        all: true,
        ..Default::default()
    };
    // the DfE's thresholds (attend.yaml's defaults)
    let t = Default::default();
    g.bench_function("flag --all figures", |b| {
        b.iter(|| flag(black_box(&reg), &frame, &q, &t).rows.len())
    });
    g.finish();

    // the figures benchmarked are real ones: the export's marks were read
    assert!(reg.grid.marks.contains(&Code::PresentAm.as_u8()));
    // the store's own path: pupils.csv and the marks file, as `flag` loads them
    let reg_dir = dir.path().join("register");
    std::fs::create_dir_all(reg_dir.join(year.label())).expect("folders");
    std::fs::write(
        reg_dir.join(store::PUPILS_FILE),
        store::pupils_text(reg.pupils.iter()),
    )
    .expect("pupils.csv");
    std::fs::write(store::marks_path(&reg_dir, year), &text).expect("marks");
    c.bench_function(
        &format!("{n} pupils/load register (pupils.csv + marks)"),
        |b| {
            b.iter(|| {
                Register::load(black_box(&reg_dir), attend::register::Years::All).expect("loads")
            })
        },
    );
}

criterion_group!(hot, benches);
criterion_main!(hot);
