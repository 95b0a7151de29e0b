//! An export's fingerprint (the SHA-256 of the whole file), worked out on a thread of its own
//! while the rows are read.
//!
//! SHA-256 runs at about 1.4 GB/s on one core: for a long export (3.5 GB) it takes longer than
//! reading the rows, so it is what the import waits for. Reading the file a second time to hash
//! it would add the copying of every byte out of the system's cache to that wait. So the reader
//! of the rows hands each block it reads to the hashing thread ([`Tee`]), which only hashes; the
//! copy is made on the reader's core, which has time to spare. The reader waits when the hashing
//! is [`BLOCKS_IN_FLIGHT`] blocks behind, so it keeps the hashing's pace (letting it run ahead,
//! the hashing thread reading the stretches it was not handed from the file, was measured
//! slower: the second reading costs more than it lets overlap). When the rows are read in two
//! halves at once, the blocks would no longer come in the file's order: the reader lets go
//! ([`Fingerprint::read_the_rest`]) and the hashing thread reads the rest of the file itself,
//! from where the blocks it was given end.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Blocks handed over and not yet hashed, at most (of up to 1 MB each: the reader waits when the
/// hashing thread is this far behind).
const BLOCKS_IN_FLIGHT: usize = 8;

/// The SHA-256 of an export file, being worked out on its own thread.
pub(super) struct Fingerprint {
    /// Where the reader's blocks go, until it lets go.
    blocks: Mutex<Option<Handover>>,
    hasher: Mutex<Option<JoinHandle<io::Result<String>>>>,
}

struct Handover {
    send: SyncSender<Vec<u8>>,
    /// Blocks the hashing thread is done with, to be filled again.
    spare: Receiver<Vec<u8>>,
}

impl Fingerprint {
    /// Start hashing the file at `path`, of which the reader has already read `head` (its first
    /// bytes); the reader's further blocks are to be handed over through a [`Tee`].
    pub(super) fn start(path: &Path, head: &[u8]) -> io::Result<Arc<Fingerprint>> {
        // opened now, so that the file hashed is the one being read even if it is replaced
        let mut file = File::open(path)?;
        let (send, blocks) = sync_channel::<Vec<u8>>(BLOCKS_IN_FLIGHT);
        let (give_back, spare) = sync_channel::<Vec<u8>>(BLOCKS_IN_FLIGHT + 1);
        let mut sha = Sha256::new();
        sha.update(head);
        let mut done = head.len() as u64;
        let hasher = std::thread::spawn(move || -> io::Result<String> {
            let t = std::time::Instant::now();
            // the reader's blocks, in the file's order, until it lets go
            for block in blocks {
                sha.update(&block);
                done += block.len() as u64;
                let _ = give_back.try_send(block);
            }
            // then the rest, read from the file
            file.seek(SeekFrom::Start(done))?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                match file.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => sha.update(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            crate::timing("  fingerprint (SHA-256, beside the rows)", t);
            Ok(sha.finalize().iter().map(|b| format!("{b:02x}")).collect())
        });
        Ok(Arc::new(Fingerprint {
            blocks: Mutex::new(Some(Handover { send, spare })),
            hasher: Mutex::new(Some(hasher)),
        }))
    }

    /// The reader hands over no more blocks: the hashing thread reads the rest of the file
    /// itself, from the end of the last block it was given.
    pub(super) fn read_the_rest(&self) {
        self.blocks.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// The file's SHA-256, as lowercase hex, once worked out.
    pub(super) fn wait(&self) -> std::thread::Result<io::Result<String>> {
        self.read_the_rest();
        let hasher = self.hasher.lock().unwrap_or_else(|e| e.into_inner()).take();
        match hasher {
            Some(h) => h.join(),
            None => Ok(Err(io::Error::other("the fingerprint was already taken"))),
        }
    }

    /// Hand over a copy of `bytes`, read just after the bytes handed over before.
    fn hand_over(&self, bytes: &[u8]) {
        let mut blocks = self.blocks.lock().unwrap_or_else(|e| e.into_inner());
        let Some(h) = blocks.as_ref() else {
            return;
        };
        let mut block = h
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(1 << 20));
        block.clear();
        block.extend_from_slice(bytes);
        if h.send.send(block).is_err() {
            // the hashing thread has stopped (it reports why when waited for)
            *blocks = None;
        }
    }
}

/// The reader of the rows, handing each block it reads to the hashing thread.
pub(super) struct Tee<'f, R> {
    pub(super) inner: R,
    pub(super) fingerprint: &'f Fingerprint,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.fingerprint.hand_over(&buf[..n]);
        } else {
            // the end of the file: nothing more to wait for
            self.fingerprint.read_the_rest();
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::store::sha256_hex as hex;

    /// The hash is the whole file's, each byte once and in order, however much of it the reader
    /// handed over before letting go (or stopping, or never reading at all).
    #[test]
    fn the_fingerprint_is_the_whole_files_however_far_the_reader_handed_it_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let want = hex(&bytes);
        for (head, read, block) in [
            (0, bytes.len(), 1 << 20),
            (3, bytes.len(), 1000),
            (3, 0, 1),
            (2, 1_234_567, 4096),
            (0, 100, 7),
        ] {
            let fp = Fingerprint::start(&path, &bytes[..head]).unwrap();
            let mut f = File::open(&path).unwrap();
            f.seek(SeekFrom::Start(head as u64)).unwrap();
            let mut tee = Tee {
                inner: f.take((read.saturating_sub(head)) as u64),
                fingerprint: &fp,
            };
            let mut buf = vec![0u8; block];
            let mut got = head;
            loop {
                let n = tee.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got += n;
            }
            assert_eq!(got, read.max(head));
            assert_eq!(
                fp.wait().unwrap().unwrap(),
                want,
                "head {head}, read {read} in blocks of {block}"
            );
        }
    }

    /// A reader that lets go part way (the halves begin) and reads on: what it reads after is
    /// not handed over, and the hash is still the file's.
    #[test]
    fn blocks_read_after_the_reader_lets_go_are_not_hashed_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        let bytes: Vec<u8> = (0..2_500_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let fp = Fingerprint::start(&path, &[]).unwrap();
        let mut tee = Tee {
            inner: File::open(&path).unwrap(),
            fingerprint: &fp,
        };
        let mut buf = vec![0u8; 65536];
        for k in 0.. {
            if k == 10 {
                fp.read_the_rest();
            }
            if tee.read(&mut buf).unwrap() == 0 {
                break;
            }
        }
        assert_eq!(fp.wait().unwrap().unwrap(), hex(&bytes));
    }
}
