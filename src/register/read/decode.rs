//! Text decoding: UTF-8 or Windows-1252, decided by the file's first non-ASCII text, and UTF-16
//! transcoded to UTF-8 as it is read.

use super::TextEncoding;
use std::borrow::Cow;
use std::io::{self, Read};

/// Decides the encoding from the file's first non-ASCII text and decodes fields.
#[derive(Clone)]
pub(super) struct Decoder {
    pub(super) forced: Option<TextEncoding>,
    pub(super) bom: bool,
    pub(super) seen: Option<TextEncoding>,
}

impl Decoder {
    pub(super) fn name(&self) -> &'static str {
        match (self.forced, self.seen, self.bom) {
            (Some(TextEncoding::Windows1252), _, _) => "windows-1252",
            (Some(TextEncoding::Utf8), _, true) | (None, _, true) => "utf-8 (with byte-order mark)",
            (_, Some(TextEncoding::Windows1252), _) => "windows-1252",
            _ => "utf-8",
        }
    }

    /// Decode a field to text; `Err` names what is wrong.
    pub(super) fn text<'a>(&mut self, b: &'a [u8]) -> Result<Cow<'a, str>, String> {
        if b.is_ascii() {
            return Ok(Cow::Borrowed(
                std::str::from_utf8(b).expect("ASCII is UTF-8").trim(),
            ));
        }
        let mode = self.forced.or(self.seen);
        match mode {
            Some(TextEncoding::Windows1252) => {
                if self.forced.is_none() && std::str::from_utf8(b).is_ok() {
                    return Err(
                        "holds UTF-8 text, but earlier text in the file was Windows-1252: the file mixes encodings"
                            .into(),
                    );
                }
                let (t, _, _) = encoding_rs::WINDOWS_1252.decode(b);
                Ok(Cow::Owned(t.trim().to_string()))
            }
            Some(TextEncoding::Utf8) => match std::str::from_utf8(b) {
                Ok(t) => Ok(Cow::Borrowed(t.trim())),
                Err(e) => Err(format!(
                    "byte 0x{:02X} is not valid UTF-8{}",
                    b[e.valid_up_to()],
                    if self.bom || self.forced.is_some() {
                        ""
                    } else {
                        ", but earlier text in the file was UTF-8: the file mixes encodings"
                    }
                )),
            },
            None => match std::str::from_utf8(b) {
                Ok(t) => {
                    self.seen = Some(TextEncoding::Utf8);
                    Ok(Cow::Borrowed(t.trim()))
                }
                Err(e) if self.bom => Err(format!(
                    "byte 0x{:02X} is not valid UTF-8 (the file starts with a UTF-8 byte-order mark)",
                    b[e.valid_up_to()]
                )),
                Err(_) => {
                    self.seen = Some(TextEncoding::Windows1252);
                    let (t, _, _) = encoding_rs::WINDOWS_1252.decode(b);
                    Ok(Cow::Owned(t.trim().to_string()))
                }
            },
        }
    }
}

/// Wraps a UTF-16 source, transcoding to UTF-8 as it is read.
pub(super) struct Utf16ToUtf8<R: Read> {
    pub(super) src: R,
    pub(super) dec: encoding_rs::Decoder,
    pub(super) inbuf: Vec<u8>,
    pub(super) out: Vec<u8>,
    pub(super) pos: usize,
    pub(super) done: bool,
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.src.read(&mut self.inbuf)?;
            let last = n == 0;
            self.out.clear();
            self.out.resize(n * 2 + 16, 0);
            let (_, _, written, _) = self
                .dec
                .decode_to_utf8(&self.inbuf[..n], &mut self.out, last);
            self.out.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        let k = buf.len().min(self.out.len() - self.pos);
        buf[..k].copy_from_slice(&self.out[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}
