//! Reading a large export in two halves at once, one on each core, for both layouts: the second
//! half is kept only when reading the file from start to finish would have given exactly the
//! same (see [`read_halves`]).

use super::build::Builder;
use super::fingerprint::Fingerprint;
use super::records::{Records, Row, Rows};
use super::{ExportError, Progress, TextEncoding};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// An export big enough to be read in two halves at once (smaller ones are read in one go: the
/// second thread would cost more than it saves).
pub(super) const PARALLEL_MIN_BYTES: u64 = 4 << 20;

/// How far past the middle of the file a place to split is looked for.
const SPLIT_WINDOW: usize = 1 << 20;

#[cfg(test)]
thread_local! {
    /// How many times this thread's reads used a second half (for the tests).
    pub(super) static HALVES_MERGED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Where the export being read is, for a second reader of its second half: only a file read as
/// it is (UTF-8 or Windows-1252), not one transcoded from UTF-16.
pub(super) struct SplitSource<'s> {
    pub(super) path: &'s Path,
    /// The file offset of the reader's first byte (3 after a UTF-8 byte-order mark).
    pub(super) offset: u64,
    pub(super) size: u64,
    /// The file's fingerprint, hashed from the blocks the first reader reads.
    pub(super) fingerprint: &'s Fingerprint,
}

/// Where the second half begins: just after a line end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    file_offset: u64,
    /// The same place, counted from the reader's first byte.
    src_offset: u64,
}

/// A place to split the rest of the file (`from`, a record boundary, is where the reader is),
/// at or after its middle: `place` is given the bytes from the middle on (up to 1 MiB) and says
/// where in them the second half begins, just after a line end (`None`: nowhere it trusts).
/// This only proposes the place, found without reading the first half: a line end inside a
/// quoted field is not the end of a record, so the first half's reader confirms that a record
/// ends exactly there before the second half is used (see [`read_halves`]).
pub(super) fn find_split(
    s: &SplitSource<'_>,
    from: u64,
    place: impl Fn(&[u8]) -> Option<usize>,
) -> io::Result<Option<Split>> {
    let from_file = s.offset + from;
    if s.size < from_file + PARALLEL_MIN_BYTES || crate::parallel::threads() < 2 {
        return Ok(None);
    }
    let mid = from_file + (s.size - from_file) / 2;
    let mut f = File::open(s.path)?;
    f.seek(SeekFrom::Start(mid))?;
    let mut buf = vec![0u8; SPLIT_WINDOW];
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    let Some(p) = place(&buf[..got]) else {
        return Ok(None);
    };
    debug_assert!(
        p > 0 && buf[p - 1] == b'\n',
        "a half begins after a line end"
    );
    let end = mid + p as u64;
    if end >= s.size {
        return Ok(None);
    }
    Ok(Some(Split {
        file_offset: end,
        src_offset: end - s.offset,
    }))
}

/// Just after the first line end: a wide export's place to split (each pupil is one row).
pub(super) fn after_first_line_end(window: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', window).map(|p| p + 1)
}

/// The walk over an export's rows in one layout, shared by both halves' readers.
pub(super) trait Walk: Sync {
    /// One reader's running state over the rows.
    type State: Default + Send;

    /// Read one row into `b`; false to stop (too many problems).
    fn row(
        &self,
        st: &mut Self::State,
        b: &mut Builder<'_>,
        row: &Row<'_>,
        progress: Option<&dyn Progress>,
    ) -> bool;

    /// Read a run of rows straight from `window` (text from a record boundary on, at file
    /// offset `consumed`), each exactly as [`Walk::row`] would: how many bytes and lines were
    /// read (see [`Rows::run`]). By default none: every row goes to [`Walk::row`].
    #[inline]
    fn run(
        &self,
        _st: &mut Self::State,
        _b: &mut Builder<'_>,
        _window: &[u8],
        _consumed: u64,
        _progress: Option<&dyn Progress>,
    ) -> (usize, usize) {
        (0, 0)
    }

    /// The line of a total row read with no pupil row after it yet.
    fn summary(st: &Self::State) -> Option<usize>;

    /// Put the second half's marks after the first's, one row for each of `h`'s pupils (whose
    /// details are appended afterwards, in order).
    fn append_marks(&self, b: &mut Builder<'_>, h: &mut Builder<'_>);

    /// Add the second half's running state to the first's (its line numbers moved on by
    /// `lines_before`).
    fn append_state(st: &mut Self::State, hs: Self::State, lines_before: usize);
}

/// Read the rest of the export's rows: in two halves where `split` gives a place (see
/// [`read_halves`]), else in one go.
pub(super) fn read_rows<R: Read, W: Walk>(
    rec: &mut Records<R>,
    b: &mut Builder<'_>,
    walk: &W,
    st: &mut W::State,
    split: Option<(&SplitSource<'_>, Split)>,
    progress: &dyn Progress,
) -> Result<(), Option<ExportError>> {
    let file = b.file;
    let t = std::time::Instant::now();
    match split {
        Some((s, at)) => {
            // the blocks would no longer come in the file's order: the fingerprint's thread
            // reads the rest of the file itself
            s.fingerprint.read_the_rest();
            read_halves(rec, b, walk, st, s.path, at, progress)
        }
        None => rec.feed(&mut Reader::new(walk, st, b, Some(progress))),
    }
    .map_err(|e| {
        Some(ExportError::one(
            file,
            None,
            format!("cannot be read: {e}"),
            "",
        ))
    })?;
    crate::timing("  rows", t);
    Ok(())
}

/// Read the rest of the export in two halves at once: this thread reads up to `at`, another
/// reads from `at` to the end into a builder of its own, and the second half's pupils and marks
/// are appended to the first's. The result is the one reading the file in one go gives, as
/// the second half is used only when nothing could tell the two apart:
/// * the first half's reader ended a record exactly at `at` (records are read the same from
///   any record boundary, so the second reader saw the records the first would have);
/// * neither half found a problem (problems are reported in file order, and stop at a limit),
///   and no total row was pending at `at` (the second half's line numbers, counted from `at`,
///   are moved on by the first half's lines);
/// * no pupil has rows in both halves;
/// * the text's encoding, decided by the first non-ASCII text, was decided the same way.
///
/// Otherwise the second half is set aside and this thread reads on from `at`, as if alone.
fn read_halves<R: Read, W: Walk>(
    rec: &mut Records<R>,
    b: &mut Builder<'_>,
    walk: &W,
    st: &mut W::State,
    path: &Path,
    at: Split,
    progress: &dyn Progress,
) -> io::Result<()> {
    let stop = AtomicBool::new(false);
    let fork = b.fork();
    let seen_at_start = b.dec.seen;
    std::thread::scope(|sc| {
        let stop = &stop;
        let second = sc.spawn(move || -> io::Result<(Builder<'_>, W::State)> {
            let mut hb = fork;
            let mut hs = W::State::default();
            let mut f = File::open(path)?;
            f.seek(SeekFrom::Start(at.file_offset))?;
            // line numbers from 1: the second half's are moved on when it is appended
            let mut r2 = Records::starting_at(f, 1, at.src_offset);
            let mut reader = Reader::new(walk, &mut hs, &mut hb, None);
            reader.stop = Some(stop);
            r2.feed(&mut reader)?;
            Ok((hb, hs))
        });
        let mut reader = Reader::new(walk, st, b, Some(progress));
        reader.until = at.src_offset;
        let first = rec.feed(&mut reader);
        let (halted, at_split) = (reader.halted, reader.at_split);
        let usable =
            first.is_ok() && at_split && !halted && b.err.is_empty() && W::summary(st).is_none();
        if !usable {
            stop.store(true, Ordering::Relaxed);
        }
        let half = second.join();
        first?;
        let lines_before = rec.next_line() - 1;
        if halted {
            return Ok(());
        }
        if usable
            && let Ok(Ok((hb, hs))) = half
            && merge_half(walk, b, st, hb, hs, seen_at_start, lines_before)
        {
            return Ok(());
        }
        // the careful way: read on from where the first half stopped
        rec.feed(&mut Reader::new(walk, st, b, Some(progress)))
    })
}

/// A walk's reader of a stretch of the rows, fed by [`Records::feed`].
struct Reader<'r, 'b, W: Walk> {
    walk: &'r W,
    st: &'r mut W::State,
    b: &'r mut Builder<'b>,
    progress: Option<&'r dyn Progress>,
    /// Where the first half ends: the reader stops after the record that ends at or past it
    /// (`u64::MAX`: read to the end).
    until: u64,
    /// Set when the other half's reader will not be used: stop.
    stop: Option<&'r AtomicBool>,
    /// The walk said stop (too many problems).
    halted: bool,
    /// The last record read ended exactly at `until`.
    at_split: bool,
}

impl<'r, 'b, W: Walk> Reader<'r, 'b, W> {
    fn new(
        walk: &'r W,
        st: &'r mut W::State,
        b: &'r mut Builder<'b>,
        progress: Option<&'r dyn Progress>,
    ) -> Self {
        Reader {
            walk,
            st,
            b,
            progress,
            until: u64::MAX,
            stop: None,
            halted: false,
            at_split: false,
        }
    }
}

impl<W: Walk> Rows for Reader<'_, '_, W> {
    #[inline]
    fn run(&mut self, window: &[u8], consumed: u64) -> (usize, usize) {
        // a run ends before the record that ends at `until` (its line end is the byte before),
        // so that record is read by `row`, which stops there
        let room = self.until.saturating_sub(consumed).saturating_sub(1);
        let window = &window[..window
            .len()
            .min(usize::try_from(room).unwrap_or(usize::MAX))];
        if window.is_empty() {
            return (0, 0);
        }
        self.walk
            .run(self.st, self.b, window, consumed, self.progress)
    }

    #[inline]
    fn row(&mut self, row: &Row<'_>) -> bool {
        if self.stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
            return false;
        }
        if !self.walk.row(self.st, self.b, row, self.progress) {
            self.halted = true;
            return false;
        }
        if row.consumed >= self.until {
            self.at_split = row.consumed == self.until;
            return false;
        }
        true
    }
}

/// Append the second half `h` to the first, `b`, if nothing could tell the result from reading
/// the file in one go (see [`read_halves`]); false, with `b` untouched, if not.
fn merge_half<W: Walk>(
    walk: &W,
    b: &mut Builder<'_>,
    st: &mut W::State,
    mut h: Builder<'_>,
    hs: W::State,
    seen_at_start: Option<TextEncoding>,
    lines_before: usize,
) -> bool {
    let (s0, s1, s2) = (seen_at_start, b.dec.seen, h.dec.seen);
    // the second half began undecided where the first had decided: the same only if it decided
    // the same way, or met no non-ASCII text
    let same_encoding = s0 == s1 || s2 == s0 || s2 == s1;
    if !h.err.is_empty()
        || !h.err.remedies.is_empty()
        || !same_encoding
        || h.by_id.keys().any(|id| b.by_id.contains_key(id))
    {
        return false;
    }
    walk.append_marks(b, &mut h);
    let offset = b.pupils.len() as u32;
    b.by_id
        .extend(h.by_id.into_iter().map(|(id, i)| (id, i + offset)));
    b.pupils.extend(h.pupils.into_iter().map(|mut p| {
        p.line += lines_before;
        p
    }));
    b.rows += h.rows;
    b.no_mark_cells += h.no_mark_cells;
    b.identical_duplicates += h.identical_duplicates;
    b.code_sets.extend(h.code_sets);
    b.controls.merge(h.controls, lines_before);
    b.dec.seen = s2.or(s1);
    #[cfg(test)]
    HALVES_MERGED.with(|c| c.set(c.get() + 1));
    W::append_state(st, hs, lines_before);
    true
}
