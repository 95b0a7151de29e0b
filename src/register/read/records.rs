//! A streaming CSV splitter: quotes, doubled quotes, quoted newlines, CRLF. Only a window of
//! the file is held in memory.

use super::simd::comma_mask;
use std::io::{self, Read};

/// Reads records from a byte stream, keeping only a window of the file in memory.
pub(super) struct Records<R: Read> {
    pub(super) src: R,
    pub(super) buf: Vec<u8>,
    pub(super) start: usize,
    pub(super) end: usize,
    eof: bool,
    /// Line number (1-based) of the record last returned.
    pub(super) line: usize,
    next_line: usize,
    /// Field ranges into `buf` (fast path) or `scratch` (quoted records).
    pub(super) ranges: Vec<(usize, usize)>,
    scratch: Vec<u8>,
    quoted: bool,
    pub(super) consumed: u64,
}

impl<R: Read> Records<R> {
    pub(super) fn new(src: R) -> Self {
        Records {
            src,
            buf: vec![0; 1 << 20],
            start: 0,
            end: 0,
            eof: false,
            line: 0,
            next_line: 1,
            ranges: Vec::with_capacity(512),
            scratch: Vec::new(),
            quoted: false,
            consumed: 0,
        }
    }

    /// A reader of `src`, a file read from a record boundary on: `line` is the number of the
    /// line there, `consumed` how far into the whole file (as the first reader counts) it is.
    pub(super) fn starting_at(src: R, line: usize, consumed: u64) -> Self {
        let mut r = Records::new(src);
        r.next_line = line;
        r.consumed = consumed;
        r
    }

    /// The line number of the next record.
    pub(super) fn next_line(&self) -> usize {
        self.next_line
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let n = self.buf.len() * 2;
            self.buf.resize(n, 0);
        }
        let n = self.src.read(&mut self.buf[self.end..])?;
        if n == 0 {
            self.eof = true;
        }
        self.end += n;
        Ok(())
    }

    /// Advance to the next record. Returns false at the end of the file.
    pub(super) fn next(&mut self) -> io::Result<bool> {
        loop {
            let window = &self.buf[self.start..self.end];
            if let Some(nl) = memchr::memchr(b'\n', window) {
                let line = &window[..nl];
                if memchr::memchr(b'"', line).is_none() {
                    self.split_plain(nl);
                    return Ok(true);
                }
                if let Some(len) = self.split_quoted()? {
                    self.start += len;
                    return Ok(true);
                }
                // quoted field runs past the window: read more
                if self.eof {
                    return self.finish_last();
                }
                self.fill()?;
                continue;
            }
            if self.eof {
                return self.finish_last();
            }
            self.fill()?;
        }
    }

    fn finish_last(&mut self) -> io::Result<bool> {
        if self.start >= self.end {
            return Ok(false);
        }
        // a last line without a newline
        if self.end == self.buf.len() {
            self.buf.push(b'\n');
        } else {
            self.buf[self.end] = b'\n';
        }
        self.end += 1;
        let window = &self.buf[self.start..self.end];
        let nl = window.len() - 1;
        if memchr::memchr(b'"', &window[..nl]).is_none() {
            self.split_plain(nl);
            return Ok(true);
        }
        match self.split_quoted()? {
            Some(len) => {
                self.start += len;
                Ok(true)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a quoted field that starts on line {} is never closed",
                    self.next_line
                ),
            )),
        }
    }

    fn split_plain(&mut self, nl: usize) {
        let s = self.start;
        let mut e = s + nl;
        if e > s && self.buf[e - 1] == b'\r' {
            e -= 1;
        }
        self.ranges.clear();
        let mut f = s;
        for c in memchr::memchr_iter(b',', &self.buf[s..e]) {
            self.ranges.push((f, s + c));
            f = s + c + 1;
        }
        self.ranges.push((f, e));
        self.quoted = false;
        self.line = self.next_line;
        self.next_line += 1;
        self.consumed += (nl + 1) as u64;
        self.start += nl + 1;
    }

    /// Parse a record with quotes from `start`. Returns its length in bytes, or None if the
    /// window ends inside a quoted field.
    fn split_quoted(&mut self) -> io::Result<Option<usize>> {
        let window = &self.buf[self.start..self.end];
        self.scratch.clear();
        self.ranges.clear();
        let mut i = 0;
        let mut field_start = 0;
        let mut in_quotes = false;
        let mut newlines = 0;
        while i < window.len() {
            let c = window[i];
            if in_quotes {
                if c == b'"' {
                    if window.get(i + 1) == Some(&b'"') {
                        self.scratch.push(b'"');
                        i += 2;
                        continue;
                    }
                    if i + 1 == window.len() && !self.eof {
                        return Ok(None);
                    }
                    in_quotes = false;
                } else {
                    if c == b'\n' {
                        newlines += 1;
                    }
                    self.scratch.push(c);
                }
                i += 1;
                continue;
            }
            match c {
                b'"' if self.scratch.len() == field_start => in_quotes = true,
                b',' => {
                    self.ranges.push((field_start, self.scratch.len()));
                    field_start = self.scratch.len();
                }
                b'\n' => {
                    let mut e = self.scratch.len();
                    if e > field_start && self.scratch[e - 1] == b'\r' {
                        e -= 1;
                    }
                    self.ranges.push((field_start, e));
                    self.quoted = true;
                    self.line = self.next_line;
                    self.next_line += 1 + newlines;
                    self.consumed += (i + 1) as u64;
                    return Ok(Some(i + 1));
                }
                _ => self.scratch.push(c),
            }
            i += 1;
        }
        Ok(None)
    }

    /// The fields of the record last returned by [`Records::next`].
    pub(super) fn fields(&self) -> Fields<'_> {
        Fields {
            buf: if self.quoted {
                &self.scratch
            } else {
                &self.buf
            },
            ranges: &self.ranges,
            line: self.line,
            plain: false,
            rest: None,
        }
    }

    /// Call `f` on every remaining record, until it returns false (see [`Records::feed`]).
    #[cfg(test)]
    pub(super) fn for_each(&mut self, f: impl FnMut(&Row<'_>) -> bool) -> io::Result<()> {
        self.feed(&mut Each(f))
    }

    /// Hand every remaining record to `sink`, until it says stop. The hot path of imports: line
    /// ends (and quotes) are found with SIMD over each window of the file; a line without quotes
    /// is handed over whole, to be split by the reader that knows what it needs; a record with
    /// quotes is parsed by [`Records::split_quoted`]. Before each record, the sink may take a run
    /// of rows straight from the text (see [`Rows::run`]).
    pub(super) fn feed(&mut self, sink: &mut impl Rows) -> io::Result<()> {
        loop {
            let base = self.consumed - self.start as u64; // file offset of buf[0]
            let mut rec_start = self.start;
            let mut quote = false;
            let mut stop = false;
            {
                let window = &self.buf[..self.end];
                loop {
                    let (taken, lines) = sink.run(&window[rec_start..], base + rec_start as u64);
                    if lines > 0 {
                        debug_assert!(taken > 0 && window[rec_start + taken - 1] == b'\n');
                        rec_start += taken;
                        self.next_line += lines;
                        self.line = self.next_line - 1;
                    }
                    let Some(p) = memchr::memchr2(b'\n', b'"', &window[rec_start..]) else {
                        break;
                    };
                    let p = rec_start + p;
                    if window[p] == b'"' {
                        quote = true;
                        break;
                    }
                    let mut e = p;
                    if e > rec_start && window[e - 1] == b'\r' {
                        e -= 1;
                    }
                    let row = Row {
                        kind: RowKind::Plain(&window[rec_start..e]),
                        line: self.next_line,
                        consumed: base + p as u64 + 1,
                    };
                    self.line = self.next_line;
                    self.next_line += 1;
                    rec_start = p + 1;
                    if !sink.row(&row) {
                        stop = true;
                        break;
                    }
                }
            }
            self.consumed = base + rec_start as u64;
            self.start = rec_start;
            if stop {
                return Ok(());
            }
            if quote {
                match self.split_quoted()? {
                    Some(len) => {
                        self.start += len;
                        if !sink.row(&self.quoted_row()) {
                            return Ok(());
                        }
                        continue;
                    }
                    None if !self.eof => {
                        self.fill()?;
                        continue;
                    }
                    None => {}
                }
            } else if !self.eof {
                self.fill()?;
                continue;
            }
            // end of file: a last record without a line end, if any
            if self.finish_last()? {
                if !sink.row(&self.quoted_row()) {
                    return Ok(());
                }
                continue;
            }
            return Ok(());
        }
    }

    /// The record just parsed by `split_quoted` or `finish_last`, already split into fields.
    fn quoted_row(&self) -> Row<'_> {
        Row {
            kind: RowKind::Split(
                if self.quoted {
                    &self.scratch
                } else {
                    &self.buf
                },
                &self.ranges,
            ),
            line: self.line,
            consumed: self.consumed,
        }
    }
}

/// Where [`Records::feed`] hands the records it reads.
pub(super) trait Rows {
    /// Take a run of whole rows from the start of `window` (text from a record boundary on, at
    /// file offset `consumed`), each exactly as [`Rows::row`] would have taken it: how many bytes
    /// (ending just after a line end) and lines were taken. Rows it cannot take as they are,
    /// it leaves, and they are handed to [`Rows::row`].
    #[inline]
    fn run(&mut self, _window: &[u8], _consumed: u64) -> (usize, usize) {
        (0, 0)
    }

    /// Take one record; false to stop.
    fn row(&mut self, row: &Row<'_>) -> bool;
}

/// A closure taking each record as a sink of rows.
#[cfg(test)]
pub(super) struct Each<F>(pub(super) F);

#[cfg(test)]
impl<F: FnMut(&Row<'_>) -> bool> Rows for Each<F> {
    #[inline]
    fn row(&mut self, row: &Row<'_>) -> bool {
        (self.0)(row)
    }
}

/// One record of the export, as found in the file.
pub(super) struct Row<'a> {
    kind: RowKind<'a>,
    /// Its line number (1-based).
    pub(super) line: usize,
    /// Bytes of the file read up to the end of this record (for progress bars).
    pub(super) consumed: u64,
}

enum RowKind<'a> {
    /// A line without quotes (and without its line end), not yet split into fields.
    Plain(&'a [u8]),
    /// A record already split into fields (`ranges` into the buffer).
    Split(&'a [u8], &'a [(usize, usize)]),
}

impl<'a> Row<'a> {
    /// The line, when it has no quotes (its fields are then its text between commas).
    pub(super) fn plain(&self) -> Option<&'a [u8]> {
        match self.kind {
            RowKind::Plain(line) => Some(line),
            RowKind::Split(..) => None,
        }
    }

    /// The record's fields. With `limit`, a plain line is split only into its first `limit`
    /// fields; where the rest begins is [`Fields::rest`].
    pub(super) fn fields<'b>(
        &'b self,
        ranges: &'b mut Vec<(usize, usize)>,
        limit: Option<usize>,
    ) -> Fields<'b>
    where
        'a: 'b,
    {
        match self.kind {
            RowKind::Split(buf, r) => Fields {
                buf,
                ranges: r,
                line: self.line,
                plain: false,
                rest: None,
            },
            RowKind::Plain(line) => {
                ranges.clear();
                let rest = split_commas(line, ranges, limit.unwrap_or(usize::MAX));
                Fields {
                    buf: line,
                    ranges,
                    line: self.line,
                    plain: true,
                    rest,
                }
            }
        }
    }
}

/// Split `line` at commas into `ranges`, at most `limit` fields; returns where field `limit`
/// starts if the line has more fields than that.
pub(super) fn split_commas(
    line: &[u8],
    ranges: &mut Vec<(usize, usize)>,
    limit: usize,
) -> Option<usize> {
    let mut field_start = 0;
    let mut block = 0;
    while block < line.len() {
        let mut m = comma_mask(&line[block..]);
        while m != 0 {
            let p = block + m.trailing_zeros() as usize;
            m &= m - 1;
            if p >= line.len() {
                break;
            }
            ranges.push((field_start, p));
            field_start = p + 1;
            if ranges.len() == limit {
                return Some(field_start);
            }
        }
        block += 64;
    }
    ranges.push((field_start, line.len()));
    None
}

/// The fields of one record.
pub(super) struct Fields<'a> {
    pub(super) buf: &'a [u8],
    pub(super) ranges: &'a [(usize, usize)],
    /// Its line number (1-based).
    pub(super) line: usize,
    /// A plain line (`buf` is the whole line).
    pub(super) plain: bool,
    /// Split only partly: where the unsplit rest of the line begins.
    pub(super) rest: Option<usize>,
}

impl Fields<'_> {
    /// Fields split (all of them, unless `rest` is set).
    pub(super) fn len(&self) -> usize {
        self.ranges.len()
    }

    #[inline]
    pub(super) fn field(&self, k: usize) -> &[u8] {
        match self.ranges.get(k) {
            Some(&(a, b)) => &self.buf[a..b],
            None => &[],
        }
    }

    /// Whether every field is empty or blank (a blank row).
    pub(super) fn is_blank(&self) -> bool {
        if self.plain {
            self.buf
                .iter()
                .all(|b| b.is_ascii_whitespace() || *b == b',')
        } else {
            (0..self.len()).all(|k| self.field(k).iter().all(u8::is_ascii_whitespace))
        }
    }
}
