//! The register store under `register/`: plain text, sorted and deterministic, so that `git diff`
//! after an import shows only what changed.
//!
//! ```text
//! register/
//!   pupils.csv            one row per pupil, sorted by id (UPN)
//!   2024-25/marks.txt     the marks of one academic year: one line per pupil (see below)
//!   changes.csv           every mark an import changed (append-only)
//!   pupil-changes.csv     every pupil detail an import changed (append-only)
//!   imports.csv           one row per import that changed something
//! ```
//!
//! A marks file starts with comment lines (`#` then a space) and a `weeks` line naming the Monday
//! of each school week held. Each further line is a pupil: the id, then one field per week of
//! exactly ten sessions (Monday AM ... Friday PM), `.` for a session with no mark. Two-character
//! codes (`C1`, `J1`, `Y4`...) are written in full, so a field is 10 to 20 characters.

use super::{MarkGrid, Pupil, Text, WEEK_SLOTS, YearLayout};
use crate::codes::Code;
use crate::dates::{AcademicYear, parse_date};
use crate::upn::PupilId;
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use std::fs;
use std::path::{Path, PathBuf};

pub const PUPILS_FILE: &str = "pupils.csv";
pub const CHANGES_FILE: &str = "changes.csv";
pub const PUPIL_CHANGES_FILE: &str = "pupil-changes.csv";
pub const IMPORTS_FILE: &str = "imports.csv";
pub const MARKS_FILE: &str = "marks.txt";

pub const PUPILS_HEADER: &str = "upn,admission_number,surname,forename,preferred_surname,preferred_forename,gender,dob,year,reg_group,fsm,sen,eal";
pub const CHANGES_HEADER: &str =
    "imported_at,source_file,source_sha256,upn,date,session,old_mark,new_mark";
pub const PUPIL_CHANGES_HEADER: &str =
    "imported_at,source_file,source_sha256,upn,field,old_value,new_value";
pub const IMPORTS_HEADER: &str = "imported_at,source_file,source_sha256,layout,encoding,rows,pupils,sessions,first_session,last_session,marks_new,marks_changed,marks_unchanged,no_mark_cells";

/// Where a year's marks live.
pub fn marks_path(register_dir: &Path, year: AcademicYear) -> PathBuf {
    register_dir.join(year.label()).join(MARKS_FILE)
}

/// The academic years the store holds marks for, oldest first.
pub fn years_held(register_dir: &Path) -> Result<Vec<AcademicYear>> {
    let mut out = Vec::new();
    let rd = match fs::read_dir(register_dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", register_dir.display())),
    };
    for entry in rd {
        let entry = entry?;
        if let Some(y) = entry.file_name().to_str().and_then(AcademicYear::parse)
            && entry.path().join(MARKS_FILE).is_file()
        {
            out.push(y);
        }
    }
    out.sort();
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// pupils.csv
// ---------------------------------------------------------------------------------------------

/// Read `pupils.csv` (sorted by id). A missing file is an empty register.
pub fn load_pupils(register_dir: &Path) -> Result<Vec<Pupil>> {
    let path = register_dir.join(PUPILS_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let header = rdr
        .headers()
        .with_context(|| format!("{} cannot be read", path.display()))?
        .clone();
    let fixed = PUPILS_HEADER.split(',').count();
    if header.len() < fixed
        || header.iter().take(fixed).collect::<Vec<_>>().join(",") != PUPILS_HEADER
    {
        bail!(
            "{} does not have attend's columns ({PUPILS_HEADER}); was it edited by hand? Restore it from git",
            path.display()
        );
    }
    // the school's own columns follow attend's
    let extra: Vec<String> = header.iter().skip(fixed).map(str::to_string).collect();
    // one pupil a line after the header: room for them all at once, not grown by doubling
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', &bytes).count());
    // one record, read into again for each line: no allocation per line, and each detail is
    // held in place (`Text`) unless it is longer than 24 bytes
    let mut rec = csv::StringRecord::new();
    let mut line = 1;
    loop {
        line += 1;
        let more = rdr
            .read_record(&mut rec)
            .with_context(|| format!("{}, line {line}: cannot be read", path.display()))?;
        if !more {
            break;
        }
        let get = |k: usize| rec.get(k).unwrap_or("");
        let text = |k: usize| Text::from(get(k));
        let id =
            PupilId::parse(get(0)).map_err(|e| anyhow!("{}, line {line}: {e}", path.display()))?;
        let dob = get(7);
        out.push(Pupil {
            id,
            admission_number: text(1),
            surname: text(2),
            forename: text(3),
            preferred_surname: text(4),
            preferred_forename: text(5),
            gender: text(6),
            dob: if dob.is_empty() {
                None
            } else {
                Some(parse_date(dob).ok_or_else(|| {
                    anyhow!(
                        "{}, line {line}: date of birth {dob:?} is not a date",
                        path.display()
                    )
                })?)
            },
            year: text(8),
            reg_group: text(9),
            fsm: text(10),
            sen: text(11),
            eal: text(12),
            extra: extra
                .iter()
                .enumerate()
                .filter_map(|(k, name)| {
                    let v = get(fixed + k);
                    (!v.is_empty()).then(|| (name.clone(), v.to_string()))
                })
                .collect(),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The text of `pupils.csv` for pupils sorted by id.
pub fn pupils_text<'a>(pupils: impl ExactSizeIterator<Item = &'a Pupil> + Clone) -> String {
    // the school's own columns any pupil has, after attend's, by name
    let extra: std::collections::BTreeSet<&String> =
        pupils.clone().flat_map(|p| p.extra.keys()).collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(pupils.len() * 96 + 256));
    w.write_record(
        PUPILS_HEADER
            .split(',')
            .chain(extra.iter().map(|s| s.as_str())),
    )
    .expect("in memory");
    for p in pupils {
        let dob = p.dob.map(|d| d.to_string()).unwrap_or_default();
        let fixed = [
            p.id.as_str(),
            &p.admission_number,
            &p.surname,
            &p.forename,
            &p.preferred_surname,
            &p.preferred_forename,
            &p.gender,
            &dob,
            &p.year,
            &p.reg_group,
            &p.fsm,
            &p.sen,
            &p.eal,
        ];
        if extra.is_empty() {
            w.write_record(fixed).expect("in memory");
        } else {
            let own = extra
                .iter()
                .map(|k| p.extra.get(*k).map(String::as_str).unwrap_or(""));
            w.write_record(fixed.into_iter().chain(own))
                .expect("in memory");
        }
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
}

// ---------------------------------------------------------------------------------------------
// marks
// ---------------------------------------------------------------------------------------------

const MARKS_PREAMBLE: &str = "\
# attend register marks for one academic year. Written by attend import: edit through new imports.
# Each line after \"weeks\": a pupil's id, then one field per week on the weeks line (its Monday),
# holding ten sessions, Monday AM to Friday PM. \".\" means no mark is held for that session.
";

/// Decode the marks of one week field into `out` (10 bytes).
fn decode_week(field: &[u8], out: &mut [u8]) -> Option<()> {
    let mut i = 0;
    let mut k = 0;
    while i < field.len() {
        if k == WEEK_SLOTS {
            return None;
        }
        let c = field[i];
        if c == b'.' {
            out[k] = 0;
            i += 1;
        } else if i + 1 < field.len() && field[i + 1].is_ascii_digit() {
            out[k] = Code::parse_bytes(&field[i..i + 2])?.as_u8();
            i += 2;
        } else {
            out[k] = Code::parse_bytes(&field[i..i + 1])?.as_u8();
            i += 1;
        }
        k += 1;
    }
    (k == WEEK_SLOTS).then_some(())
}

/// Parse a marks file held in memory. Rows come back sorted by id.
pub fn parse_marks(text: &[u8], path: &Path) -> Result<MarkGrid> {
    read_marks(text, text.len() as u64, path)
}

/// How much of a marks file is read and parsed at a time.
const MARKS_CHUNK: usize = 8 << 20;

/// Parse a marks file from `src`, a few megabytes at a time (the text is never held whole), each
/// part on the machine's cores; `size` is the file's length, if known (0 if not), to reserve the
/// marks at once. Rows come back sorted by id.
fn read_marks(src: impl std::io::Read, size: u64, path: &Path) -> Result<MarkGrid> {
    read_marks_in(src, size, path, MARKS_CHUNK)
}

/// [`read_marks`], `chunk` bytes at a time.
fn read_marks_in(
    mut src: impl std::io::Read,
    size: u64,
    path: &Path,
    chunk: usize,
) -> Result<MarkGrid> {
    let bad = |line: usize, what: &str| {
        anyhow!(
            "{}, line {line}: {what}. This file is written by attend; restore it from git or re-import the export",
            path.display()
        )
    };
    let mut grid = MarkGrid::default();
    // how much of `grid.marks` holds pupils' marks (the rest is room, all zeros)
    let mut filled = 0usize;
    let mut have_weeks = false;
    // 0-based number of the first line in `buf`
    let mut line_base = 0usize;
    let mut buf: Vec<u8> = Vec::with_capacity(chunk.min(size as usize + 1));
    let mut eof = false;
    while !eof {
        // fill the buffer to a chunk (or the file's end)
        let want = chunk.max(buf.len() * 2);
        while buf.len() < want {
            let old = buf.len();
            buf.resize(want, 0);
            let n = loop {
                match src.read(&mut buf[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot read {}", path.display()));
                    }
                }
            };
            buf.truncate(old + n);
            if n == 0 {
                eof = true;
                break;
            }
        }
        // whole lines only; the rest waits for the next chunk
        let cut = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(p) => p + 1,
                None => continue, // a line longer than the buffer: read more
            }
        };
        let mut text = &buf[..cut];
        if !have_weeks {
            // preamble and weeks line
            let mut lines = text.split_inclusive(|&b| b == b'\n');
            for line in lines.by_ref() {
                let i = line_base;
                line_base += 1;
                let line = line.strip_suffix(b"\n").unwrap_or(line);
                if line.starts_with(b"#") || line.is_empty() {
                    continue;
                }
                let l = std::str::from_utf8(line).map_err(|_| bad(i + 1, "not text"))?;
                let rest = l
                    .strip_prefix("weeks")
                    .ok_or_else(|| bad(i + 1, "expected the weeks line"))?;
                for w in rest.split_whitespace() {
                    let d = NaiveDate::parse_from_str(w, "%Y-%m-%d")
                        .map_err(|_| bad(i + 1, &format!("{w:?} is not a date")))?;
                    grid.weeks.push(d);
                }
                if grid.weeks.windows(2).any(|p| p[0] >= p[1]) {
                    return Err(bad(i + 1, "the weeks are not in order"));
                }
                have_weeks = true;
                break;
            }
            let consumed = cut - lines.map(<[u8]>::len).sum::<usize>();
            text = &text[consumed..];
            if have_weeks {
                // reserve the marks of as many pupils as the file can hold (the shortest
                // line is a one-character id and ten one-character marks a week); only the
                // part filled is ever in memory
                let n = grid.weeks.len() * WEEK_SLOTS;
                let most = size as usize / (2 + grid.weeks.len() * (WEEK_SLOTS + 1)).max(1);
                // (less than the file's size: a pupil's line is longer than its marks), zeroed
                // by the system, not written: its pages are first touched where each part is
                // parsed, on the machine's cores (and those never filled never are)
                grid.marks = vec![0; most * n].into();
            }
        }
        if have_weeks && !text.is_empty() {
            line_base = parse_body(text, line_base, &mut grid, &mut filled, &bad)?;
        }
        buf.drain(..cut);
    }
    grid.marks.vec_mut().truncate(filled);
    Ok(grid)
}

/// Parse whole pupil lines (`text`, whose first line is the 0-based line `line0`) in parts on
/// the machine's cores, appending them to `grid` (whose marks are filled to `filled_to`, and
/// all zeros after it). Returns the number of the line after them.
fn parse_body(
    text: &[u8],
    line0: usize,
    grid: &mut MarkGrid,
    filled_to: &mut usize,
    bad: &(dyn Fn(usize, &str) -> anyhow::Error + Sync),
) -> Result<usize> {
    let parts = split_at_lines(text, crate::parallel::threads());
    let mut line_base = line0;
    let mut ranges = Vec::new();
    for part in &parts {
        ranges.push((line_base, *part));
        line_base += memchr::memchr_iter(b'\n', part).count();
    }
    if !text.ends_with(b"\n") {
        line_base += 1;
    }
    // each part's marks are parsed straight into their place at the grid's end (a line is a
    // pupil: room for as many pupils as lines), then closed up if a part had blank lines
    let n = grid.weeks.len() * WEEK_SLOTS;
    let lines: Vec<usize> = ranges
        .iter()
        .map(|(_, part)| {
            memchr::memchr_iter(b'\n', part).count() + usize::from(!part.ends_with(b"\n"))
        })
        .collect();
    let start = *filled_to;
    let end = start + lines.iter().sum::<usize>() * n;
    if grid.marks.len() < end {
        grid.marks.vec_mut().resize(end, 0);
    }
    let weeks = &grid.weeks;
    let mut outs: Vec<&mut [u8]> = Vec::with_capacity(ranges.len());
    let mut rest = &mut grid.marks[start..];
    for &l in &lines {
        let (here, after) = rest.split_at_mut(l * n);
        outs.push(here);
        rest = after;
    }
    let results: Vec<Result<Vec<PupilId>>> = if ranges.len() == 1 {
        let out = outs.pop().expect("one part");
        vec![parse_pupil_lines(ranges[0].1, ranges[0].0, weeks, out, bad)]
    } else {
        std::thread::scope(|sc| {
            let handles: Vec<_> = ranges
                .iter()
                .zip(outs)
                .map(|(&(line0, part), out)| {
                    sc.spawn(move || parse_pupil_lines(part, line0, weeks, out, bad))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("marks parser"))
                .collect()
        })
    };
    let mut filled = start;
    let mut part_start = start;
    for ((r, &(first_line, _)), &l) in results.into_iter().zip(&ranges).zip(&lines) {
        let ids = r?;
        if let (Some(last), Some(first)) = (grid.ids.last(), ids.first())
            && last >= first
        {
            return Err(bad(first_line + 1, "pupils are not in order"));
        }
        let len = ids.len() * n;
        if filled != part_start {
            grid.marks.copy_within(part_start..part_start + len, filled);
        }
        filled += len;
        part_start += l * n;
        grid.ids.extend(ids);
    }
    // rows closed up (a part had blank lines) leave no marks behind them
    grid.marks[filled..part_start].fill(0);
    *filled_to = filled;
    Ok(line_base)
}

/// Split `text` into about `n` parts, each ending at a line end.
fn split_at_lines(text: &[u8], n: usize) -> Vec<&[u8]> {
    if n <= 1 || text.len() < 1 << 20 {
        return vec![text];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for k in 1..n {
        let guess = (text.len() * k / n).max(start);
        let cut = memchr::memchr(b'\n', &text[guess..]).map_or(text.len(), |p| guess + p + 1);
        parts.push(&text[start..cut]);
        start = cut;
    }
    parts.push(&text[start..]);
    parts
}

/// The text of each stored byte when it is a one-character code; 0xFF otherwise.
fn single_char_decoder() -> &'static [u8; 256] {
    static TABLE: std::sync::LazyLock<[u8; 256]> = std::sync::LazyLock::new(|| {
        let mut t = [0xFFu8; 256];
        t[b'.' as usize] = 0;
        for &c in Code::ALL {
            if let [b] = c.as_bytes() {
                t[*b as usize] = c.as_u8();
            }
        }
        t
    });
    &TABLE
}

/// Parse pupil lines (`UPN week week ...`); `line0` is the 0-based line number of the first.
/// The marks go into `marks`, one row per pupil, in order (room for one row per line); the
/// pupils' ids come back.
fn parse_pupil_lines(
    part: &[u8],
    line0: usize,
    weeks: &[NaiveDate],
    marks: &mut [u8],
    bad: &(dyn Fn(usize, &str) -> anyhow::Error + Sync),
) -> Result<Vec<PupilId>> {
    let n = weeks.len() * WEEK_SLOTS;
    let single = single_char_decoder();
    let mut ids: Vec<PupilId> = Vec::new();
    let mut line_start = 0;
    let mut k = 0;
    while line_start < part.len() {
        let line_end =
            memchr::memchr(b'\n', &part[line_start..]).map_or(part.len(), |p| line_start + p);
        let line = &part[line_start..line_end];
        line_start = line_end + 1;
        let i = line0 + k;
        k += 1;
        if line.is_empty() {
            continue;
        }
        let id_end = memchr::memchr(b' ', line).unwrap_or(line.len());
        let id_txt = std::str::from_utf8(&line[..id_end]).map_err(|_| bad(i + 1, "not text"))?;
        let id = PupilId::parse(id_txt).map_err(|e| bad(i + 1, &e.to_string()))?;
        if ids.last().is_some_and(|p| *p >= id) {
            return Err(bad(i + 1, "pupils are not in order"));
        }
        let start = ids.len() * n;
        let mut pos = id_end + 1;
        for (w, week) in weeks.iter().enumerate() {
            if pos > line.len() {
                return Err(bad(i + 1, "fewer weeks than the weeks line names"));
            }
            let out = &mut marks[start + w * WEEK_SLOTS..start + (w + 1) * WEEK_SLOTS];
            // the usual week: ten one-character codes, then a space or the line's end
            let end = pos + WEEK_SLOTS;
            let fast = end <= line.len() && (end == line.len() || line[end] == b' ') && {
                let mut ok = true;
                for (o, &c) in out.iter_mut().zip(&line[pos..end]) {
                    let v = single[c as usize];
                    ok &= v != 0xFF;
                    *o = v;
                }
                ok
            };
            let end = if fast {
                end
            } else {
                let end = memchr::memchr(b' ', &line[pos..]).map_or(line.len(), |p| pos + p);
                decode_week(&line[pos..end], out).ok_or_else(|| {
                    bad(i + 1, &format!("week {week} does not hold ten valid marks"))
                })?;
                end
            };
            pos = end + 1;
        }
        if pos <= line.len() {
            return Err(bad(i + 1, "more weeks than the weeks line names"));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Read one academic year's marks (an empty grid if none are held).
pub fn load_year(register_dir: &Path, year: AcademicYear) -> Result<MarkGrid> {
    let path = marks_path(register_dir, year);
    // read in place from the cache, when it was made from this marks.txt
    if let Some(grid) = super::cache::load(&super::cache::cache_path(register_dir, year), &path) {
        return Ok(grid);
    }
    match fs::File::open(&path) {
        Ok(f) => {
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            read_marks(f, size, &path)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MarkGrid::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Write a year's marks file. Sessions outside the academic year are not written (they belong to
/// the neighbouring year's file); pupils with no mark in the year are left out.
pub fn write_marks(
    grid: &MarkGrid,
    year: AcademicYear,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let YearLayout { weeks, inside } = grid.year_layout(year);
    let weeks: Vec<usize> = weeks.collect();
    // the text of each stored byte: its length and up to two characters
    let mut text = [(1u8, [b'.', 0u8]); 256];
    for &c in Code::ALL {
        let t = c.as_bytes();
        text[c.as_u8() as usize] = (t.len() as u8, [t[0], *t.get(1).unwrap_or(&0)]);
    }
    // the text of a stored byte when it is one character (or no mark); 0 for a two-character
    // code
    let mut one = [0u8; 256];
    for (o, (n, t)) in one.iter_mut().zip(&text) {
        if *n == 1 {
            *o = t[0];
        }
    }
    // the kept weeks wholly inside the year (all of them, but at the year's ends)
    let whole: Vec<bool> = inside.iter().map(|ins| ins.iter().all(|&x| x)).collect();
    let mut head = String::from(MARKS_PREAMBLE);
    head.push_str("weeks");
    for &w in &weeks {
        head.push(' ');
        head.push_str(&grid.weeks[w].format("%Y-%m-%d").to_string());
    }
    head.push('\n');
    out.write_all(head.as_bytes())?;
    // a line is at most the id, and a space and ten two-character codes a week
    let mut line = vec![0u8; 64 + weeks.len() * (WEEK_SLOTS * 2 + 1)];
    for (i, id) in grid.ids.iter().enumerate() {
        let row = grid.row(i);
        let id = id.as_str().as_bytes();
        line[..id.len()].copy_from_slice(id);
        let mut p = id.len();
        let mut any = false;
        for ((&w, ins), &whole) in weeks.iter().zip(&inside).zip(&whole) {
            line[p] = b' ';
            p += 1;
            let week = &row[w * WEEK_SLOTS..(w + 1) * WEEK_SLOTS];
            if whole {
                // the usual week: ten one-character codes (or no marks), written at once
                let mut out = [0u8; WEEK_SLOTS];
                let (mut ok, mut seen) = (true, 0u8);
                for (o, &b) in out.iter_mut().zip(week) {
                    *o = one[b as usize];
                    ok &= *o != 0;
                    seen |= b;
                }
                if ok {
                    line[p..p + WEEK_SLOTS].copy_from_slice(&out);
                    p += WEEK_SLOTS;
                    any |= seen != 0;
                    continue;
                }
            }
            for (&b, &inside) in week.iter().zip(ins) {
                let b = if inside { b } else { 0 };
                any |= b != 0;
                // both characters are written; the second is kept only for a two-character code
                let (n, t) = text[b as usize];
                line[p] = t[0];
                line[p + 1] = t[1];
                p += n as usize;
            }
        }
        if any {
            line[p] = b'\n';
            out.write_all(&line[..p + 1])?;
        }
    }
    Ok(())
}

/// The text of a year's marks file (see [`write_marks`]).
pub fn marks_text(grid: &MarkGrid, year: AcademicYear) -> String {
    let mut out = Vec::with_capacity(grid.ids.len() * (15 + grid.weeks.len() * 11) + 1024);
    write_marks(grid, year, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("marks are ASCII")
}

/// Combine grids (of distinct academic years) onto the union of their weeks, rows in `ids` order.
pub fn combine(parts: &[MarkGrid], ids: &[PupilId]) -> MarkGrid {
    if parts.len() == 1 && parts[0].ids == ids {
        return parts[0].clone();
    }
    let mut weeks: Vec<NaiveDate> = parts.iter().flat_map(|g| g.weeks.iter().copied()).collect();
    weeks.sort();
    weeks.dedup();
    let n = weeks.len() * WEEK_SLOTS;
    let mut marks = vec![0u8; ids.len() * n];
    for g in parts {
        let wmap: Vec<usize> = g
            .weeks
            .iter()
            .map(|m| weeks.binary_search(m).expect("union holds every week"))
            .collect();
        let mut r = 0; // merge-join on sorted ids
        for (i, id) in g.ids.iter().enumerate() {
            while r < ids.len() && ids[r] < *id {
                r += 1;
            }
            if r == ids.len() || ids[r] != *id {
                continue;
            }
            let src = g.row(i);
            let dst = &mut marks[r * n..(r + 1) * n];
            for (w, &to) in wmap.iter().enumerate() {
                for k in 0..WEEK_SLOTS {
                    let b = src[w * WEEK_SLOTS + k];
                    if b != 0 {
                        dst[to * WEEK_SLOTS + k] = b;
                    }
                }
            }
        }
    }
    MarkGrid {
        weeks,
        ids: ids.to_vec(),
        marks: marks.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// logs
// ---------------------------------------------------------------------------------------------

/// Append CSV rows to an append-only log's current text (creating it with `header` if new).
pub fn appended_log(
    register_dir: &Path,
    file: &str,
    header: &str,
    rows: &[Vec<String>],
) -> Result<Vec<u8>> {
    let path = register_dir.join(file);
    let mut text = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if text.is_empty() {
        text.extend_from_slice(header.as_bytes());
        text.push(b'\n');
    } else if !text.ends_with(b"\n") {
        text.push(b'\n');
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(text);
    for r in rows {
        w.write_record(r).expect("in memory");
    }
    Ok(w.into_inner().expect("in memory"))
}

/// Read a log's rows (header first), for reports and tests. A missing log has no rows.
/// An import of register marks, as `imports.csv` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// When the export was imported (`2025-01-10T08:15:00Z`).
    pub imported_at: String,
    pub source_file: String,
    pub source_sha256: String,
    pub first_session: String,
    pub last_session: String,
}

/// The imports of register marks (not of contacts), oldest first.
pub fn register_imports(register_dir: &Path) -> Result<Vec<ImportRecord>> {
    let rows = read_log(register_dir, IMPORTS_FILE)?;
    let header: Vec<&str> = IMPORTS_HEADER.split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("a column");
    let (first, last) = (col("first_session"), col("last_session"));
    Ok(rows
        .into_iter()
        .skip(1)
        .filter(|r| r.get(last).is_some_and(|v| !v.is_empty()) && r.len() == header.len())
        .map(|r| ImportRecord {
            imported_at: r[0].clone(),
            source_file: r[1].clone(),
            source_sha256: r[2].clone(),
            first_session: r[first].clone(),
            last_session: r[last].clone(),
        })
        .collect())
}

pub fn read_log(register_dir: &Path, file: &str) -> Result<Vec<Vec<String>>> {
    let path = register_dir.join(file);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    rdr.records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .with_context(|| format!("cannot read {}", path.display()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upn::Upn;
    use chrono::Duration;

    fn id(body: &str) -> PupilId {
        Upn::from_body(body).unwrap().into()
    }

    #[test]
    fn marks_round_trip_with_two_character_codes() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut g = MarkGrid {
            weeks: vec![d("2024-09-02"), d("2024-09-09")],
            ids: vec![id("801200005001"), id("801200005002")],
            marks: vec![0; 40].into(),
        };
        let codes = ["/", "\\", "L", "C1", "#", "Y7", "J1", "N", "O", "U"];
        for (k, c) in codes.iter().enumerate() {
            g.marks[k] = Code::parse(c).unwrap().as_u8();
            g.marks[20 + 10 + k] = Code::parse(c).unwrap().as_u8();
        }
        let text = marks_text(&g, AcademicYear(2024));
        assert!(text.contains("weeks 2024-09-02 2024-09-09\n"), "{text}");
        assert!(text.contains(" /\\LC1#Y7J1NOU .........."), "{text}");
        let back = parse_marks(text.as_bytes(), Path::new("m")).unwrap();
        assert_eq!(back.weeks, g.weeks);
        assert_eq!(back.ids, g.ids);
        assert_eq!(back.marks, g.marks);
        assert_eq!(marks_text(&back, AcademicYear(2024)), text, "byte-stable");
    }

    proptest::proptest! {
        /// The marks file is written a week at a time where it can be; every session must still
        /// be written as its own code, blank outside the year, and a pupil with no mark in the
        /// year left out.
        #[test]
        fn each_session_is_written_as_its_code_and_sessions_outside_the_year_are_blank(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        3 => proptest::strategy::Just(0usize),
                        7 => 1..=Code::ALL.len(),
                    ],
                    60,
                ),
                1..6,
            )
        ) {
            let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
            // weeks across both ends of 2024-25 (1 August 2024 to 31 July 2025)
            let weeks: Vec<NaiveDate> = [
                "2024-07-22", "2024-07-29", "2024-09-02", "2025-07-21", "2025-07-28", "2025-08-04",
            ]
            .map(d)
            .to_vec();
            let code = |k: usize| (k > 0).then(|| Code::ALL[k - 1]);
            let g = MarkGrid {
                weeks: weeks.clone(),
                ids: (0..rows.len()).map(|k| id(&format!("80120000500{k}"))).collect(),
                marks: rows
                    .iter()
                    .flatten()
                    .map(|&k| code(k).map_or(0, |c| c.as_u8()))
                    .collect::<Vec<u8>>()
                    .into(),
            };
            // each session on its own: its day, and its code's text when inside the year
            let year = AcademicYear(2024);
            let inside = |w: usize, slot: usize| {
                AcademicYear::of(weeks[w] + Duration::days((slot / 2) as i64)) == year
            };
            let kept: Vec<usize> = (0..weeks.len())
                .filter(|&w| (0..WEEK_SLOTS).any(|s| inside(w, s)))
                .collect();
            let mut want = String::new();
            for (i, row) in rows.iter().enumerate() {
                let mut line = g.ids[i].as_str().to_string();
                let mut any = false;
                for &w in &kept {
                    line.push(' ');
                    for s in 0..WEEK_SLOTS {
                        match code(row[w * WEEK_SLOTS + s]).filter(|_| inside(w, s)) {
                            Some(c) => {
                                line.push_str(c.as_str());
                                any = true;
                            }
                            None => line.push('.'),
                        }
                    }
                }
                if any {
                    want.push_str(&line);
                    want.push('\n');
                }
            }
            let text = marks_text(&g, year);
            let at = text.find("\nweeks ").expect("a weeks line") + 1;
            let body = text[at..].split_once('\n').expect("the weeks line's end").1;
            proptest::prop_assert_eq!(body, want.as_str());
        }
    }

    #[test]
    fn damaged_marks_files_are_reported_with_their_line() {
        let text = b"# x\nweeks 2024-09-02\nB801200005001 /\\/\\/\\/\\/\n";
        let err = parse_marks(text, Path::new("m.txt"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        let text = b"weeks 2024-09-02\nB801200005001 /\\/\\/\\/\\/F\n";
        assert!(parse_marks(text, Path::new("m.txt")).is_err());
    }

    #[test]
    fn marks_read_in_small_chunks_are_the_same_as_read_whole() {
        // chunks far smaller than a line, about a line, and larger: every line split somewhere
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut g = MarkGrid {
            weeks: vec![d("2024-09-02"), d("2024-09-09"), d("2024-09-16")],
            ids: (1..=40).map(|k| id(&format!("8012000050{k:02}"))).collect(),
            marks: vec![0; 40 * 30].into(),
        };
        g.ids.sort();
        let codes = ["/", "\\", "L", "C1", "N", "Y7", "J1", "U"];
        for (k, m) in g.marks.iter_mut().enumerate() {
            if k % 7 != 3 {
                *m = Code::parse(codes[k % codes.len()]).unwrap().as_u8();
            }
        }
        let text = marks_text(&g, AcademicYear(2024));
        for chunk in [1, 7, 40, 75, 500, 1 << 20] {
            let back =
                read_marks_in(text.as_bytes(), text.len() as u64, Path::new("m"), chunk).unwrap();
            assert_eq!(back.weeks, g.weeks, "chunk {chunk}");
            assert_eq!(back.ids, g.ids, "chunk {chunk}");
            assert_eq!(back.marks, g.marks, "chunk {chunk}");
        }
        // a damaged line is reported with its own line number, whichever chunk it falls in
        let lines: Vec<&str> = text.lines().collect();
        let damaged = lines.len() - 5;
        let mut bad_text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        bad_text[damaged].push_str(" ..........");
        let bad_text = bad_text.join("\n") + "\n";
        for chunk in [7, 75, 1 << 20] {
            let err = read_marks_in(bad_text.as_bytes(), 0, Path::new("m.txt"), chunk)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("line {}:", damaged + 1)),
                "chunk {chunk}: {err}"
            );
        }
    }

    #[test]
    fn blank_lines_in_a_large_marks_file_do_not_shift_pupils_marks() {
        // over a megabyte, so that it is parsed in parts on several threads, straight into the
        // grid; blank lines (which hold no pupil) in each part must not leave gaps or move rows
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let pupils = 30_000;
        let mut g = MarkGrid {
            weeks: vec![d("2024-09-02"), d("2024-09-09"), d("2024-09-16")],
            ids: (0..pupils).map(|k| id(&format!("80120{k:07}"))).collect(),
            marks: vec![0; pupils * 30].into(),
        };
        g.ids.sort();
        let codes = ["/", "\\", "L", "C1", "N", "Y7", "J1", "U"];
        for (k, m) in g.marks.iter_mut().enumerate() {
            if k % 11 != 3 {
                *m = Code::parse(codes[(k / 3) % codes.len()]).unwrap().as_u8();
            }
        }
        let text = marks_text(&g, AcademicYear(2024));
        assert!(text.len() > 1 << 20, "large enough to be split");
        let mut lines: Vec<&str> = text.lines().collect();
        for at in [
            lines.len() - 3,
            lines.len() * 3 / 4,
            lines.len() / 2,
            lines.len() / 4,
            10,
        ] {
            lines.insert(at, "");
        }
        let with_blanks = lines.join("\n") + "\n";
        for chunk in [1 << 18, 1 << 20, 8 << 20] {
            let back = read_marks_in(
                with_blanks.as_bytes(),
                with_blanks.len() as u64,
                Path::new("m"),
                chunk,
            )
            .unwrap();
            assert_eq!(back.ids, g.ids, "chunk {chunk}");
            assert!(back.marks == g.marks, "chunk {chunk}: marks differ");
        }
    }

    #[test]
    fn combine_puts_years_side_by_side() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let a = MarkGrid {
            weeks: vec![d("2024-07-15")],
            ids: vec![id("801200005001")],
            marks: vec![1; 10].into(),
        };
        let b = MarkGrid {
            weeks: vec![d("2024-09-02")],
            ids: vec![id("801200005002")],
            marks: vec![2; 10].into(),
        };
        let ids = vec![id("801200005001"), id("801200005002")];
        let g = combine(&[a, b], &ids);
        assert_eq!(g.weeks.len(), 2);
        assert_eq!(
            g.row(0),
            &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(g.row(1)[10..], [2; 10]);
    }
}
