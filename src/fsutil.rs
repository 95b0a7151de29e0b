//! Atomic writes: a command that fails, or is killed, leaves every file as it was.
//!
//! A single file is written to a temporary file in the same folder, flushed to disk, then renamed
//! over the target. A command that writes several files (an import writes marks, pupils and logs)
//! stages them all in a [`Transaction`]; `commit` first writes a journal naming every staged file
//! (the commit point), then renames them into place and removes the journal. If the process dies
//! after the journal is written, the next command finishes the renames ([`recover`]); if it dies
//! before, the staged files are removed and nothing has changed.

use anyhow::{Context, Result, anyhow};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name prefix of staged temporary files (ignored by git through the workspace's .gitignore).
pub const TMP_PREFIX: &str = ".attend-tmp-";
/// The journal of a transaction being committed, at the workspace root.
pub const JOURNAL: &str = ".attend-journal";
/// The lock file that serialises commands that write.
pub const LOCK: &str = ".attend-lock";

fn sync_dir(dir: &Path) {
    // Best effort: directories cannot be opened for sync on every platform.
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The permissions a replacement of `target` gets: the target's own, or read-write for the owner
/// and readable by others for a new file (as a text editor would create it).
#[cfg(unix)]
fn permissions_for(target: &Path) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(target)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| fs::Permissions::from_mode(0o644))
}

/// Write `bytes` to a new temporary file beside `target`; returns the temporary path.
fn stage(target: &Path, bytes: &[u8]) -> Result<PathBuf> {
    stage_with(target, &mut |w| w.write_all(bytes))
}

/// Write a new temporary file beside `target` with `fill`; returns the temporary path.
fn stage_with(
    target: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PathBuf> {
    let dir = parent_of(target);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX);
    #[cfg(unix)]
    builder.permissions(permissions_for(target));
    let tmp = builder
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        fill(&mut w)
            .and_then(|_| w.flush())
            .and_then(|_| tmp.as_file().sync_all())
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    let (_, path) = tmp
        .keep()
        .map_err(|e| anyhow!("cannot keep temporary file: {e}"))?;
    Ok(path)
}

/// Write one file atomically.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = stage(target, bytes)?;
    if let Err(e) = fs::rename(&tmp, target) {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot replace {}", target.display()));
    }
    sync_dir(&parent_of(target));
    Ok(())
}

/// Several files written all together or not at all.
pub struct Transaction {
    root: PathBuf,
    staged: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl Transaction {
    /// A transaction whose journal lives in `root` (the workspace).
    pub fn new(root: &Path) -> Transaction {
        Transaction {
            root: root.to_path_buf(),
            staged: Vec::new(),
            committed: false,
        }
    }

    /// Stage the new content of `target` (written now to a temporary file; visible on commit).
    pub fn write(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        if let Some(i) = self.staged.iter().position(|(_, t)| t == target) {
            let (old, _) = self.staged.remove(i);
            let _ = fs::remove_file(old);
        }
        let tmp = stage(target, bytes)?;
        self.staged.push((tmp, target.to_path_buf()));
        Ok(())
    }

    /// Stage the new content of `target`, written by `fill` (for large files, without holding
    /// them in memory).
    pub fn write_with(
        &mut self,
        target: &Path,
        mut fill: impl FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        if let Some(i) = self.staged.iter().position(|(_, t)| t == target) {
            let (old, _) = self.staged.remove(i);
            let _ = fs::remove_file(old);
        }
        let tmp = stage_with(target, &mut fill)?;
        self.staged.push((tmp, target.to_path_buf()));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Make every staged file visible.
    pub fn commit(mut self) -> Result<()> {
        if self.staged.is_empty() {
            self.committed = true;
            return Ok(());
        }
        let mut journal = String::new();
        for (tmp, target) in &self.staged {
            journal.push_str(&format!("{}\t{}\n", tmp.display(), target.display()));
        }
        let jpath = self.root.join(JOURNAL);
        write_atomic(&jpath, journal.as_bytes())?;
        self.committed = true; // from here on, recovery rolls forward
        finish(&self.staged)?;
        fs::remove_file(&jpath).with_context(|| format!("cannot remove {}", jpath.display()))?;
        sync_dir(&self.root);
        Ok(())
    }
}

fn finish(staged: &[(PathBuf, PathBuf)]) -> Result<()> {
    let mut dirs = Vec::new();
    for (tmp, target) in staged {
        if tmp.exists() {
            fs::rename(tmp, target)
                .with_context(|| format!("cannot move {} into place", target.display()))?;
        }
        let d = parent_of(target);
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    for d in dirs {
        sync_dir(&d);
    }
    Ok(())
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if !self.committed {
            for (tmp, _) in &self.staged {
                let _ = fs::remove_file(tmp);
            }
        }
    }
}

/// Finish a transaction that a killed command committed but did not complete. Returns whether
/// anything was recovered.
pub fn recover(root: &Path) -> Result<bool> {
    let jpath = root.join(JOURNAL);
    let text = match fs::read_to_string(&jpath) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", jpath.display())),
    };
    let mut staged = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (tmp, target) = line
            .split_once('\t')
            .ok_or_else(|| anyhow!("{} is damaged: remove it by hand", jpath.display()))?;
        staged.push((PathBuf::from(tmp), PathBuf::from(target)));
    }
    finish(&staged)?;
    fs::remove_file(&jpath).with_context(|| format!("cannot remove {}", jpath.display()))?;
    Ok(true)
}

/// Hold the workspace's write lock for the life of the returned file.
pub fn lock(root: &Path) -> Result<File> {
    let path = root.join(LOCK);
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(fs::TryLockError::WouldBlock) => Err(anyhow!(
            "another attend command is changing this workspace ({}); wait for it to finish and try again",
            root.display()
        )),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn dropped_transaction_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "old").unwrap();
        {
            let mut t = Transaction::new(dir.path());
            t.write(&p, b"new").unwrap();
            t.write(&dir.path().join("sub/b.txt"), b"b").unwrap();
        }
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert!(!dir.path().join("sub/b.txt").exists());
    }

    #[test]
    fn committed_journal_rolls_forward() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "old").unwrap();
        // Simulate a kill after the journal was written but before the renames.
        let tmp = stage(&p, b"new").unwrap();
        fs::write(
            dir.path().join(JOURNAL),
            format!("{}\t{}\n", tmp.display(), p.display()),
        )
        .unwrap();
        assert!(recover(dir.path()).unwrap());
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert!(!dir.path().join(JOURNAL).exists());
        assert!(!recover(dir.path()).unwrap());
    }

    #[test]
    fn commit_writes_everything() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Transaction::new(dir.path());
        t.write(&dir.path().join("x/1"), b"1").unwrap();
        t.write(&dir.path().join("x/2"), b"2").unwrap();
        t.write(&dir.path().join("x/1"), b"1b").unwrap();
        t.commit().unwrap();
        assert_eq!(fs::read(dir.path().join("x/1")).unwrap(), b"1b");
        assert_eq!(fs::read(dir.path().join("x/2")).unwrap(), b"2");
        assert!(!dir.path().join(JOURNAL).exists());
    }
}
