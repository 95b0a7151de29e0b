//! A year's marks as they are held in memory, kept beside the year's `marks.txt` so that a report
//! loads them without parsing: the file is read in place ([`Mapped`]), not copied.
//!
//! `marks.txt` stays the record (plain text, in git). The cache is derived from it, written by the
//! import that writes `marks.txt`, in `register/.cache/` (which holds a `.gitignore` of its own,
//! so git never sees it). It is used only when it was made from the very bytes `marks.txt` holds
//! now, and is whole:
//!
//! * it holds the length and the XXH3-128 hash of the `marks.txt` it was made from: `marks.txt`
//!   is hashed before each use (restored from git, merged, edited by hand: the cache is not used);
//! * it holds the hash of its own contents, checked before each use (a file cut short or damaged
//!   on the disk is not used; it is written without waiting for the disk, as it can be made again);
//!   that hash starts from the table of codes' bytes ([`code_table`]), so a cache made by a
//!   version of attend that numbered the codes otherwise is never read as this one's.
//!
//! Whenever the cache is not used, the marks are read from `marks.txt` as before; nothing is
//! reported, as nothing differs but the time it takes.
//!
//! The file: the marks (row after row, as in [`MarkGrid::marks`]), then each pupil's id and a
//! newline, then each week's Monday (4 bytes, days from 1 January of year 1), then a fixed
//! trailer ([`Trailer`]). Numbers are little-endian.

use super::bytes::MarkBytes;
use super::mapped::Mapped;
use super::{MarkGrid, WEEK_SLOTS, YearLayout};
use crate::codes::Code;
use crate::dates::AcademicYear;
use crate::upn::PupilId;
use chrono::{Datelike, NaiveDate};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use xxhash_rust::xxh3::Xxh3;

/// The register's folder of derived files.
pub const CACHE_DIR: &str = ".cache";
/// What the cache folder's own `.gitignore` holds: everything in it.
pub const CACHE_GITIGNORE: &str =
    "# attend's caches, made from the register's files: never committed\n*\n";
/// The first bytes of the trailer: the format and its version.
const MAGIC: &[u8; 16] = b"attend marks v1\n";
const TRAILER_LEN: usize = 16 + 4 * 8 + 2 * 16;

/// The seed of a cache's own hash: the hash of which byte stands for which code.
fn code_table() -> u64 {
    let table: String = Code::ALL
        .iter()
        .map(|c| format!("{} {}\n", c.as_u8(), c.as_str()))
        .collect();
    xxhash_rust::xxh3::xxh3_64(table.as_bytes())
}

/// Where the cache of a year's marks lives.
pub fn cache_path(register_dir: &Path, year: AcademicYear) -> PathBuf {
    register_dir
        .join(CACHE_DIR)
        .join(format!("marks-{}.bin", year.label()))
}

/// The end of a cache file: what is before it, and what it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trailer {
    weeks: u64,
    pupils: u64,
    /// Bytes of the ids (each with its newline).
    ids_len: u64,
    /// The length and hash of the `marks.txt` the cache was made from.
    text_len: u64,
    text_hash: u128,
    /// The hash of everything before the trailer.
    body_hash: u128,
}

impl Trailer {
    fn bytes(&self) -> [u8; TRAILER_LEN] {
        let mut out = [0u8; TRAILER_LEN];
        out[..16].copy_from_slice(MAGIC);
        for (k, n) in [self.weeks, self.pupils, self.ids_len, self.text_len]
            .into_iter()
            .enumerate()
        {
            out[16 + 8 * k..24 + 8 * k].copy_from_slice(&n.to_le_bytes());
        }
        out[48..64].copy_from_slice(&self.text_hash.to_le_bytes());
        out[64..80].copy_from_slice(&self.body_hash.to_le_bytes());
        out
    }

    fn parse(b: &[u8]) -> Option<Trailer> {
        if b.len() != TRAILER_LEN || &b[..16] != MAGIC {
            return None;
        }
        let n = |k: usize| u64::from_le_bytes(b[16 + 8 * k..24 + 8 * k].try_into().expect("8"));
        let h = |at: usize| u128::from_le_bytes(b[at..at + 16].try_into().expect("16"));
        Some(Trailer {
            weeks: n(0),
            pupils: n(1),
            ids_len: n(2),
            text_len: n(3),
            text_hash: h(48),
            body_hash: h(64),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// writing
// ---------------------------------------------------------------------------------------------

/// A writer that hashes what it passes on, and counts it: wraps the writing of `marks.txt`.
pub struct Hashing<W: Write> {
    inner: W,
    hash: Xxh3,
    len: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hash: Xxh3::new(),
            len: 0,
        }
    }

    /// The length and hash of what was written.
    pub fn digest(&self) -> (u64, u128) {
        (self.len, self.hash.digest128())
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Write to `out` the cache of the marks file of `year` being written from `grid` at the same
/// time: the marks as that file reads back ([`super::store::write_marks`]: the weeks that touch
/// the year, sessions outside it with no mark, pupils with no mark in it left out, and a byte
/// that is no code's read as no mark). `text` gives the marks file's length and hash once it is
/// written whole; if it never does, the cache fails, and is not kept.
pub fn write(
    out: &mut dyn Write,
    grid: &MarkGrid,
    year: AcademicYear,
    text: Receiver<(u64, u128)>,
) -> std::io::Result<()> {
    let YearLayout { weeks, inside } = grid.year_layout(year);
    let span = weeks.start * WEEK_SLOTS..weeks.end * WEEK_SLOTS;
    // all ones for a session inside the year, zeros for one outside
    let mask: Vec<u8> = inside
        .iter()
        .flatten()
        .map(|&x| 0u8.wrapping_sub(x.into()))
        .collect();
    let is_code: [bool; 256] = std::array::from_fn(|b| Code::from_u8(b as u8).is_some());
    // the bytes up to this are all codes' (or no mark): most rows are checked by comparing
    // each byte with it, which the compiler does many bytes at a time
    let codes_to = (1..=255u8)
        .take_while(|&b| is_code[usize::from(b)])
        .last()
        .unwrap_or(0);
    let mut hash = Xxh3::with_seed(code_table());
    let mut put = |b: &[u8], out: &mut dyn Write| {
        hash.update(b);
        out.write_all(b)
    };
    let mut back = vec![0u8; span.len()];
    let mut ids = Vec::with_capacity(grid.ids.len() * 14);
    let mut pupils = 0u64;
    for (i, id) in grid.ids.iter().enumerate() {
        let row = &grid.row(i)[span.clone()];
        for ((b, &r), &m) in back.iter_mut().zip(row).zip(&mask) {
            *b = r & m;
        }
        if back.iter().all(|&b| b == 0) {
            continue;
        }
        if !back.iter().all(|&b| b <= codes_to) {
            for b in back.iter_mut() {
                if !is_code[usize::from(*b)] {
                    *b = 0;
                }
            }
        }
        put(&back, out)?;
        ids.extend_from_slice(id.as_str().as_bytes());
        ids.push(b'\n');
        pupils += 1;
    }
    put(&ids, out)?;
    let days: Vec<u8> = grid.weeks[weeks.clone()]
        .iter()
        .flat_map(|d| d.num_days_from_ce().to_le_bytes())
        .collect();
    put(&days, out)?;
    let (text_len, text_hash) = text
        .recv()
        .map_err(|_| std::io::Error::other("marks.txt was not written whole"))?;
    let trailer = Trailer {
        weeks: weeks.len() as u64,
        pupils,
        ids_len: ids.len() as u64,
        text_len,
        text_hash,
        body_hash: hash.digest128(),
    };
    out.write_all(&trailer.bytes())
}

// ---------------------------------------------------------------------------------------------
// reading
// ---------------------------------------------------------------------------------------------

/// The marks of `marks.txt` (at `text`), from the cache at `cache`, when the cache was made from
/// the bytes `text` holds now and is whole; `None` otherwise (read `marks.txt` itself).
pub fn load(cache: &Path, text: &Path) -> Option<MarkGrid> {
    let file = std::fs::File::open(cache).ok()?;
    let map = Mapped::map(&file).ok()?;
    let bytes = map.bytes();
    let body_len = bytes.len().checked_sub(TRAILER_LEN)?;
    let t = Trailer::parse(&bytes[body_len..])?;
    // the parts' sizes, from the trailer, must add up to the file's
    let row_len = usize::try_from(t.weeks).ok()?.checked_mul(WEEK_SLOTS)?;
    let pupils = usize::try_from(t.pupils).ok()?;
    let marks_len = pupils.checked_mul(row_len)?;
    let ids_len = usize::try_from(t.ids_len).ok()?;
    let weeks_len = usize::try_from(t.weeks).ok()?.checked_mul(4)?;
    if marks_len.checked_add(ids_len)?.checked_add(weeks_len)? != body_len {
        return None;
    }
    // made from this marks.txt, and whole
    if hash_file(text)? != (t.text_len, t.text_hash) {
        return None;
    }
    if xxhash_rust::xxh3::xxh3_128_with_seed(&bytes[..body_len], code_table()) != t.body_hash {
        return None;
    }
    let ids_text = std::str::from_utf8(&bytes[marks_len..marks_len + ids_len]).ok()?;
    let ids: Vec<PupilId> = ids_text
        .strip_suffix('\n')
        .unwrap_or(ids_text)
        .split('\n')
        .filter(|_| pupils > 0)
        .map(|s| PupilId::parse(s).ok())
        .collect::<Option<_>>()?;
    let weeks: Vec<NaiveDate> = bytes[marks_len + ids_len..body_len]
        .chunks_exact(4)
        .map(|d| NaiveDate::from_num_days_from_ce_opt(i32::from_le_bytes(d.try_into().ok()?)))
        .collect::<Option<_>>()?;
    let in_order = ids.len() == pupils
        && ids.windows(2).all(|p| p[0] < p[1])
        && weeks.windows(2).all(|p| p[0] < p[1]);
    if !in_order {
        return None;
    }
    Some(MarkGrid {
        weeks,
        ids,
        marks: MarkBytes::mapped(Arc::new(map), 0..marks_len),
    })
}

/// The length and hash of a file, read a part at a time.
fn hash_file(path: &Path) -> Option<(u64, u128)> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut hash = Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hash.update(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((len, hash.digest128()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::store::{parse_marks, write_marks};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn id(k: usize) -> PupilId {
        PupilId::from_admission_number(&format!("{k}")).unwrap()
    }

    /// Write `grid`'s marks file for `year` and its cache, as an import does, into `dir`;
    /// returns (marks file, cache).
    fn write_both(dir: &Path, grid: &MarkGrid, year: AcademicYear) -> (PathBuf, PathBuf) {
        let (text_path, cache) = (dir.join("marks.txt"), dir.join("marks.bin"));
        let mut text = Hashing::new(Vec::new());
        write_marks(grid, year, &mut text).unwrap();
        let (send, receive) = std::sync::mpsc::channel();
        send.send(text.digest()).unwrap();
        let mut bin = Vec::new();
        write(&mut bin, grid, year, receive).unwrap();
        std::fs::write(&text_path, &text.inner).unwrap();
        std::fs::write(&cache, &bin).unwrap();
        (text_path, cache)
    }

    /// Weeks across both ends of 2024-25 (1 August 2024 to 31 July 2025), and a grid over them.
    fn grid(rows: &[Vec<u8>]) -> MarkGrid {
        let weeks = [
            "2024-07-22",
            "2024-07-29",
            "2024-09-02",
            "2025-07-21",
            "2025-07-28",
            "2025-08-04",
        ]
        .map(d)
        .to_vec();
        MarkGrid {
            weeks,
            ids: (0..rows.len()).map(id).collect(),
            marks: rows.concat().into(),
        }
    }

    fn stored(k: usize) -> u8 {
        // 0: no mark; 1..: a code; past the codes: a byte that is no code's
        match k {
            0 => 0,
            k if k <= Code::ALL.len() => Code::ALL[k - 1].as_u8(),
            _ => 250,
        }
    }

    proptest! {
        /// The cache must hold exactly what the marks file reads back as: the weeks that touch
        /// the year, sessions outside the year with no mark, pupils with no mark in the year
        /// left out, and a byte that is no code's as no mark.
        #[test]
        fn the_cache_holds_the_marks_as_the_marks_file_reads_back(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![
                        6 => Just(0usize),
                        6 => 1..=Code::ALL.len(),
                        1 => Just(Code::ALL.len() + 1),
                    ],
                    60,
                ),
                0..8,
            )
        ) {
            let rows: Vec<Vec<u8>> =
                rows.iter().map(|r| r.iter().map(|&k| stored(k)).collect()).collect();
            let g = grid(&rows);
            let dir = tempfile::tempdir().unwrap();
            let (text, cache) = write_both(dir.path(), &g, AcademicYear(2024));
            let from_text = parse_marks(&std::fs::read(&text).unwrap(), &text).unwrap();
            let from_cache = load(&cache, &text).expect("the cache is used");
            prop_assert!(from_cache.marks.is_mapped());
            prop_assert_eq!(&from_cache.weeks, &from_text.weeks);
            prop_assert_eq!(&from_cache.ids, &from_text.ids);
            prop_assert_eq!(&from_cache.marks, &from_text.marks);
        }
    }

    fn example() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let rows: Vec<Vec<u8>> = (0..3).map(|k| vec![stored(k + 1); 60]).collect();
        let dir = tempfile::tempdir().unwrap();
        let (text, cache) = write_both(dir.path(), &grid(&rows), AcademicYear(2024));
        (dir, text, cache)
    }

    #[test]
    fn a_cache_made_from_another_marks_file_is_not_used() {
        let (_dir, text, cache) = example();
        assert!(load(&cache, &text).is_some());
        // the same length, one mark changed (as a hand edit or a restore from git might)
        let mut t = std::fs::read(&text).unwrap();
        let at = t.len() - 2;
        t[at] = if t[at] == b'/' { b'N' } else { b'/' };
        std::fs::write(&text, &t).unwrap();
        assert!(load(&cache, &text).is_none());
        // a line more
        let mut t = std::fs::read(&text).unwrap();
        t.extend_from_slice(b"\n");
        std::fs::write(&text, &t).unwrap();
        assert!(load(&cache, &text).is_none());
        std::fs::remove_file(&text).unwrap();
        assert!(load(&cache, &text).is_none());
    }

    #[test]
    fn a_cache_damaged_or_cut_short_is_not_used() {
        let (_dir, text, cache) = example();
        let good = std::fs::read(&cache).unwrap();
        assert!(load(&cache, &text).is_some());
        let damaged: Vec<Vec<u8>> = vec![
            // a mark changed
            {
                let mut b = good.clone();
                b[5] ^= 1;
                b
            },
            // an id changed (the last id's last character: before its newline and the weeks)
            {
                let mut b = good.clone();
                let weeks = 4 * Trailer::parse(&b[b.len() - TRAILER_LEN..]).unwrap().weeks;
                let at = b.len() - TRAILER_LEN - weeks as usize - 2;
                b[at] ^= 1;
                b
            },
            // a byte of the trailer changed
            {
                let mut b = good.clone();
                let at = b.len() - 40;
                b[at] ^= 1;
                b
            },
            good[..good.len() - 1].to_vec(),
            good[..good.len() / 2].to_vec(),
            good[good.len() / 2..].to_vec(),
            good[good.len() - TRAILER_LEN..].to_vec(),
            Vec::new(),
            vec![0; good.len()],
        ];
        for (k, bytes) in damaged.iter().enumerate() {
            std::fs::write(&cache, bytes).unwrap();
            assert!(load(&cache, &text).is_none(), "damage {k}");
        }
        std::fs::remove_file(&cache).unwrap();
        assert!(load(&cache, &text).is_none());
    }

    #[test]
    fn a_cache_made_with_another_table_of_codes_is_not_used() {
        let (_dir, text, cache) = example();
        let good = std::fs::read(&cache).unwrap();
        let body = good.len() - TRAILER_LEN;
        let with_seed = |seed: u64| {
            let mut t = Trailer::parse(&good[body..]).unwrap();
            t.body_hash = xxhash_rust::xxh3::xxh3_128_with_seed(&good[..body], seed);
            [&good[..body], &t.bytes()[..]].concat()
        };
        std::fs::write(&cache, with_seed(code_table())).unwrap();
        assert!(load(&cache, &text).is_some(), "this version's table");
        std::fs::write(&cache, with_seed(code_table() ^ 1)).unwrap();
        assert!(load(&cache, &text).is_none(), "another table");
    }

    #[test]
    fn a_cache_is_not_finished_when_the_marks_file_is_not() {
        let g = grid(&[vec![Code::ALL[0].as_u8(); 60]]);
        let (send, receive) = std::sync::mpsc::channel::<(u64, u128)>();
        drop(send);
        let mut bin = Vec::new();
        assert!(write(&mut bin, &g, AcademicYear(2024), receive).is_err());
    }
}
