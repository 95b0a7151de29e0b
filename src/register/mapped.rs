//! A file read in place: its pages mapped into memory, not copied into it.
//!
//! The one use is the register's cache of a year's marks ([`super::cache`]), whose bytes are the
//! marks as held in memory, so that loading them is mapping them. That file is only ever
//! replaced whole (written beside and renamed over), never changed in place, so the bytes mapped
//! stay those of the file as it was opened; and they are checked against their hash before use.

use std::fs::File;

/// The whole of a file, read in place.
#[derive(Debug)]
pub struct Mapped(memmap2::Mmap);

impl Mapped {
    /// Map the whole of `file` for reading.
    pub fn map(file: &File) -> std::io::Result<Mapped> {
        // SAFETY: the map is read only, and the files mapped are attend's caches, which attend
        // never writes in place or truncates (it writes a new file and renames it over the old
        // one: a map of the old one keeps the old bytes). Another program changing the file
        // while it is mapped could change what is read; what is read is checked against the
        // hash the file holds before it is used.
        let map = unsafe { memmap2::Mmap::map(file)? };
        Ok(Mapped(map))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}
