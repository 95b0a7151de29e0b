//! The bytes of a grid of marks: held in memory, or read in place from the register's cache.

use super::mapped::Mapped;
use std::ops::{Deref, DerefMut, Range};
use std::sync::Arc;

/// A grid's marks, one byte a session. Either held in memory, or a part of a file read in place
/// (shared, never written: a change first copies them into memory).
#[derive(Clone, Default)]
pub struct MarkBytes(Held);

#[derive(Clone)]
enum Held {
    Owned(Vec<u8>),
    Mapped(Arc<Mapped>, Range<usize>),
}

impl Default for Held {
    fn default() -> Self {
        Held::Owned(Vec::new())
    }
}

impl MarkBytes {
    /// The bytes `range` of a file read in place.
    pub fn mapped(map: Arc<Mapped>, range: Range<usize>) -> MarkBytes {
        assert!(
            range.end <= map.bytes().len(),
            "the marks are inside the file"
        );
        MarkBytes(Held::Mapped(map, range))
    }

    /// Are the bytes read in place from a file (not held in memory)?
    pub fn is_mapped(&self) -> bool {
        matches!(self.0, Held::Mapped(..))
    }

    /// The bytes as a vector, to be resized (copied into memory first if read in place).
    pub fn vec_mut(&mut self) -> &mut Vec<u8> {
        if let Held::Mapped(map, range) = &self.0 {
            self.0 = Held::Owned(map.bytes()[range.clone()].to_vec());
        }
        match &mut self.0 {
            Held::Owned(v) => v,
            Held::Mapped(..) => unreachable!("copied into memory above"),
        }
    }
}

impl From<Vec<u8>> for MarkBytes {
    fn from(v: Vec<u8>) -> Self {
        MarkBytes(Held::Owned(v))
    }
}

impl FromIterator<u8> for MarkBytes {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        MarkBytes(Held::Owned(iter.into_iter().collect()))
    }
}

impl Deref for MarkBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Held::Owned(v) => v,
            Held::Mapped(map, range) => &map.bytes()[range.clone()],
        }
    }
}

impl DerefMut for MarkBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        self.vec_mut()
    }
}

impl PartialEq for MarkBytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for MarkBytes {}

impl PartialEq<Vec<u8>> for MarkBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        **self == other[..]
    }
}

impl std::fmt::Debug for MarkBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_read_in_place_are_copied_into_memory_before_they_are_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [1u8, 2, 3, 4, 5]).unwrap();
        let map = Arc::new(Mapped::map(&std::fs::File::open(&path).unwrap()).unwrap());
        let mut m = MarkBytes::mapped(map.clone(), 1..4);
        assert!(m.is_mapped());
        assert_eq!(m, vec![2, 3, 4]);
        let shared = m.clone();
        m[0] = 9;
        assert!(!m.is_mapped());
        assert_eq!(m, vec![9, 3, 4]);
        // the other grid sharing the file, and the file, are as they were
        assert_eq!(shared, vec![2, 3, 4]);
        assert_eq!(map.bytes(), &[1, 2, 3, 4, 5]);
        assert_eq!(std::fs::read(&path).unwrap(), vec![1, 2, 3, 4, 5]);
    }
}
