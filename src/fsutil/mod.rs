//! The only code that writes files: atomic, journalled, confined to the workspace.
//!
//! A single file is written to a temporary file in the same folder, flushed to disk, then renamed
//! over the target ([`write_atomic`]). A command that writes several files (an import writes
//! marks, pupils and logs) stages them all in a [`Transaction`]; `commit` first writes a journal
//! naming every staged file, relative to the workspace (the commit point), then renames them
//! into place and removes the journal. If the process dies after the journal is written, the
//! next command to hold the workspace's lock finishes the renames ([`recover`]); if it dies
//! before, nothing has changed, and the next lock holder removes the staged files
//! ([`clean_stale_tmp`]).
//!
//! * [`confine`](Root): every write, and every case file read, stays inside the workspace and
//!   never goes through a link that leads out of it;
//! * [`modes`](Modes): files `0600`, folders `0700` (or `0640`/`0750` shared with a group);
//! * [`journal`](recover): what a journal may name, checked before anything is moved;
//! * [`lock`](Lock): the write lock, and what only its holder may do;
//! * [`output`](write_output): files the user names (`--html FILE`).

mod confine;
mod journal;
mod lock;
mod modes;
mod output;

pub use confine::{ReadError, Root, plain_relative, size_text};
pub use journal::{pending, recover};
pub use lock::{Lock, clean_stale_tmp, lock, try_lock};
pub use modes::Modes;
pub use output::write_output;

use anyhow::{Context, Result, anyhow, bail};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name prefix of staged temporary files (ignored by git through the workspace's .gitignore).
pub const TMP_PREFIX: &str = ".attend-tmp-";
/// The journal of a transaction being committed, at the workspace root.
pub const JOURNAL: &str = ".attend-journal";
/// The lock file that serialises commands that write.
pub const LOCK: &str = ".attend-lock";
/// The random part of a temporary file's name: this many letters and digits.
const TMP_RANDOM: usize = 6;

/// Is `name` exactly the name of a temporary file attend stages (`.attend-tmp-` and six
/// letters or digits)?
pub fn is_tmp_name(name: &str) -> bool {
    name.strip_prefix(TMP_PREFIX).is_some_and(|rest| {
        rest.len() == TMP_RANDOM && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

pub(crate) fn sync_dir(dir: &Path) {
    // Best effort: directories cannot be opened for sync on every platform.
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

pub(crate) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Write a new temporary file beside `target` (inside the workspace) with `fill`; returns the
/// temporary path. The folder is created if missing, and must not lead out of the workspace.
fn stage_with(
    root: &Root,
    target: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PathBuf> {
    stage_file(root, target, fill, true)
}

/// [`stage_with`] for a file derived from the workspace's records (a cache), which checks itself
/// when read and can be made again: it is not flushed to the disk before it is renamed into place
/// ([`Transaction::adopt_derived`]), so it costs the command no wait for the disk.
pub fn stage_derived(
    root: &Root,
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PathBuf> {
    let target = root.path().join(root.relative(target)?);
    // (`stage_file` fills the file once)
    let mut fill = Some(fill);
    stage_file(
        root,
        &target,
        &mut |w| fill.take().expect("filled once")(w),
        false,
    )
}

fn stage_file(
    root: &Root,
    target: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    durable: bool,
) -> Result<PathBuf> {
    let dir = parent_of(target);
    root.ensure_dir(&dir)?;
    if fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) {
        bail!(
            "{} is a folder, where attend saves a file; nothing was changed",
            root.shown(target)
        );
    }
    let tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .rand_bytes(TMP_RANDOM)
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", root.shown(&dir)))?;
    {
        let file = tmp.as_file();
        root.modes()
            .set_file(file)
            .and_then(|_| {
                if !durable {
                    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                    fill(&mut w)?;
                    return w.flush();
                }
                std::thread::scope(|sc| {
                    let mut w =
                        std::io::BufWriter::with_capacity(1 << 20, SyncAhead::new(file, sc));
                    fill(&mut w)?;
                    w.flush()?;
                    w.into_inner().map_err(|e| e.into_error())?.finish()
                })
                .and_then(|_| file.sync_all())
            })
            .with_context(|| format!("cannot write {}", root.shown(target)))?;
    }
    let (_, path) = tmp
        .keep()
        .map_err(|e| anyhow!("cannot keep temporary file: {e}"))?;
    Ok(path)
}

/// After how many bytes written a large file's data is sent to the disk while the rest is still
/// being written (on Linux, where that is cheap; elsewhere only at the end).
const SYNC_AHEAD: u64 = if cfg!(target_os = "linux") {
    16 << 20
} else {
    u64::MAX
};

/// A file being written that, once it is large, has what is written so far flushed to the disk
/// on another thread while the rest is written: the flush at the end, before the file may be
/// renamed into place, then has little left to wait for. The file's durability is still decided
/// by that last flush; a failed flush on the way fails the write ([`SyncAhead::finish`]), as the
/// system may not report the same failure twice.
struct SyncAhead<'scope, 'env> {
    file: &'env File,
    scope: &'scope std::thread::Scope<'scope, 'env>,
    written: u64,
    next_sync: u64,
    helper: Option<(
        std::sync::mpsc::Sender<()>,
        std::thread::ScopedJoinHandle<'scope, std::io::Result<()>>,
    )>,
}

impl<'scope, 'env> SyncAhead<'scope, 'env> {
    fn new(file: &'env File, scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        SyncAhead {
            file,
            scope,
            written: 0,
            next_sync: SYNC_AHEAD,
            helper: None,
        }
    }

    /// Ask for what is written so far to be flushed, on the helper thread (started at the first
    /// ask); asks made while it is flushing are answered by its next flush.
    fn sync_ahead(&mut self) {
        let file = self.file;
        let (ask, _) = self.helper.get_or_insert_with(|| {
            let (ask, asked) = std::sync::mpsc::channel::<()>();
            let helper = self.scope.spawn(move || {
                while asked.recv().is_ok() {
                    while asked.try_recv().is_ok() {}
                    file.sync_data()?;
                }
                Ok(())
            });
            (ask, helper)
        });
        // the helper stops only on a failed flush, which `finish` reports
        let _ = ask.send(());
    }

    /// Wait for the helper's flushes: the first failure, if any.
    fn finish(self) -> std::io::Result<()> {
        match self.helper {
            None => Ok(()),
            Some((ask, helper)) => {
                drop(ask);
                helper
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("the disk flush failed")))
            }
        }
    }
}

impl Write for SyncAhead<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = (&*self.file).write(buf)?;
        self.written += n as u64;
        if self.written >= self.next_sync {
            self.next_sync = self.written + SYNC_AHEAD;
            self.sync_ahead();
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&*self.file).flush()
    }
}

/// Write one file of the workspace atomically (settings, templates).
pub fn write_atomic(root: &Root, target: &Path, bytes: &[u8]) -> Result<()> {
    let target = root.path().join(root.relative(target)?);
    let tmp = stage_with(root, &target, &mut |w| w.write_all(bytes))?;
    if let Err(e) = fs::rename(&tmp, &target) {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot replace {}", root.shown(&target)));
    }
    sync_dir(&parent_of(&target));
    Ok(())
}

/// Several files of the register and the cases, written all together or not at all.
pub struct Transaction {
    root: Root,
    /// (temporary file, target), both absolute.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Files derived from the others (caches), moved into place after them, not journalled.
    derived: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl Transaction {
    /// A transaction in the workspace `root` (whose root folder holds its journal).
    pub fn new(root: &Root) -> Transaction {
        Transaction {
            root: root.clone(),
            staged: Vec::new(),
            derived: Vec::new(),
            committed: false,
        }
    }

    /// The target as an absolute path inside the register or the cases.
    fn target(&self, target: &Path) -> Result<PathBuf> {
        let rel = self.root.relative(target)?;
        let top = rel.components().next().and_then(|c| c.as_os_str().to_str());
        if !top.is_some_and(|t| journal::JOURNALLED.contains(&t)) || rel.components().count() < 2 {
            bail!(
                "attend saves together only files of the register, the cases and the mail-outs, not {}",
                rel.display()
            );
        }
        Ok(self.root.path().join(rel))
    }

    fn unstage(&mut self, target: &Path) {
        if let Some(i) = self.staged.iter().position(|(_, t)| t == target) {
            let (old, _) = self.staged.remove(i);
            let _ = fs::remove_file(old);
        }
    }

    /// Stage the new content of `target` (written now to a temporary file; visible on commit).
    pub fn write(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        self.write_with(target, |w| w.write_all(bytes))
    }

    /// Stage the new content of `target`, written by `fill` (for large files, without holding
    /// them in memory).
    pub fn write_with(
        &mut self,
        target: &Path,
        mut fill: impl FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let target = self.target(target)?;
        self.unstage(&target);
        let tmp = stage_with(&self.root, &target, &mut fill)?;
        self.staged.push((tmp, target));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// The workspace the transaction writes in.
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// Take on a file staged by [`stage_derived`]: moved into place after the files the
    /// transaction saves, if they are saved, and removed if not. It is not in the journal: if the
    /// command is stopped before it is moved, the next command that holds the lock removes it
    /// ([`clean_stale_tmp`]), and whatever it is a cache of is read from the records instead.
    pub fn adopt_derived(&mut self, tmp: PathBuf, target: &Path) -> Result<()> {
        let target = match self.target(target) {
            Ok(t) => t,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if let Some(i) = self.derived.iter().position(|(_, t)| *t == target) {
            let (old, _) = self.derived.remove(i);
            let _ = fs::remove_file(old);
        }
        self.derived.push((tmp, target));
        Ok(())
    }

    /// Move the derived files into place; one that cannot be is removed (it is only a cache).
    fn place_derived(&mut self) {
        for (tmp, target) in std::mem::take(&mut self.derived) {
            if fs::rename(&tmp, &target).is_err() {
                let _ = fs::remove_file(&tmp);
            }
        }
    }

    /// Make every staged file visible.
    pub fn commit(mut self) -> Result<()> {
        if self.staged.is_empty() {
            self.committed = true;
            self.place_derived();
            return Ok(());
        }
        let base = self.root.path().to_path_buf();
        let relative: Vec<(PathBuf, PathBuf)> = self
            .staged
            .iter()
            .map(|(tmp, target)| {
                (
                    tmp.strip_prefix(&base).unwrap_or(tmp).to_path_buf(),
                    target.strip_prefix(&base).unwrap_or(target).to_path_buf(),
                )
            })
            .collect();
        let journal = journal::text(&relative)?;
        let jpath = base.join(JOURNAL);
        write_atomic(&self.root, &jpath, journal.as_bytes())?;
        self.committed = true; // from here on, recovery rolls forward
        finish(&self.staged).with_context(|| {
            format!(
                "the change could not be completed; it is recorded in {JOURNAL}, and the next attend command that can will complete it"
            )
        })?;
        fs::remove_file(&jpath).with_context(|| format!("cannot remove {}", jpath.display()))?;
        sync_dir(&base);
        self.place_derived();
        Ok(())
    }
}

/// Move staged files into place (renames within one folder).
pub(crate) fn finish(staged: &[(PathBuf, PathBuf)]) -> Result<()> {
    let mut dirs = Vec::new();
    for (tmp, target) in staged {
        if fs::symlink_metadata(tmp).is_ok() {
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
        // derived files not yet placed (not committed, or the commit failed before)
        for (tmp, _) in &self.derived {
            let _ = fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(dir: &Path) -> Root {
        Root::new(dir, Modes::PRIVATE).unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_large_file_flushed_to_disk_as_it_is_written_is_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let file = File::create(&path).unwrap();
        let data: Vec<u8> = (0..2 * SYNC_AHEAD as usize + 12_345)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::thread::scope(|sc| {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, SyncAhead::new(&file, sc));
            for chunk in data.chunks((1 << 19) + 3) {
                w.write_all(chunk).unwrap();
            }
            w.flush().unwrap();
            let ahead = w.into_inner().map_err(|e| e.into_error()).unwrap();
            assert!(ahead.helper.is_some(), "flushed ahead");
            ahead.finish().unwrap();
        });
        assert!(
            fs::read(&path).unwrap() == data,
            "the file holds what was written"
        );
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let r = root(dir.path());
        let p = dir.path().join("a.txt");
        write_atomic(&r, &p, b"one").unwrap();
        write_atomic(&r, &p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn writes_outside_the_workspace_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        fs::create_dir(&ws).unwrap();
        let r = root(&ws);
        let err = write_atomic(&r, &dir.path().join("outside.txt"), b"x").unwrap_err();
        assert!(err.to_string().contains("outside the workspace"), "{err}");
        let err = write_atomic(&r, &ws.join("../escape.txt"), b"x").unwrap_err();
        assert!(err.to_string().contains("nothing was changed"), "{err}");
        assert!(!dir.path().join("outside.txt").exists());
        assert!(!dir.path().join("escape.txt").exists());
    }

    #[test]
    fn dropped_transaction_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cases/a.txt");
        fs::create_dir(dir.path().join("cases")).unwrap();
        fs::write(&p, "old").unwrap();
        {
            let mut t = Transaction::new(&root(dir.path()));
            t.write(&p, b"new").unwrap();
            t.write(&dir.path().join("register/sub/b.txt"), b"b")
                .unwrap();
        }
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert!(!dir.path().join("register/sub/b.txt").exists());
    }

    #[test]
    fn a_derived_file_is_placed_only_with_the_records_it_is_made_from() {
        let dir = tempfile::tempdir().unwrap();
        let r = root(dir.path());
        let (record, derived) = (
            dir.path().join("register/a.txt"),
            dir.path().join("register/.cache/a.bin"),
        );
        let stage = |body: &'static [u8]| {
            stage_derived(&r, &derived, |w: &mut dyn Write| w.write_all(body)).unwrap()
        };
        // not committed: neither is written, and nothing staged is left
        {
            let mut t = Transaction::new(&r);
            t.write(&record, b"one").unwrap();
            t.adopt_derived(stage(b"1"), &derived).unwrap();
        }
        assert!(!record.exists() && !derived.exists());
        assert_eq!(fs::read_dir(derived.parent().unwrap()).unwrap().count(), 0);
        // committed: both, the derived one after the records
        let mut t = Transaction::new(&r);
        t.write(&record, b"two").unwrap();
        t.adopt_derived(stage(b"2"), &derived).unwrap();
        t.commit().unwrap();
        assert_eq!(fs::read(&record).unwrap(), b"two");
        assert_eq!(fs::read(&derived).unwrap(), b"2");
        assert_eq!(fs::read_dir(derived.parent().unwrap()).unwrap().count(), 1);
        // a derived file outside the register and the cases is refused, and not left behind
        let outside = dir.path().join("a.bin");
        let tmp = stage_derived(&r, &outside, |w: &mut dyn Write| w.write_all(b"x")).unwrap();
        let mut t = Transaction::new(&r);
        assert!(t.adopt_derived(tmp.clone(), &outside).is_err());
        assert!(!tmp.exists());
    }

    #[test]
    fn committed_journal_rolls_forward() {
        let dir = tempfile::tempdir().unwrap();
        let r = root(dir.path());
        let p = dir.path().join("register/a.txt");
        fs::create_dir(dir.path().join("register")).unwrap();
        fs::write(&p, "old").unwrap();
        // Simulate a kill after the journal was written but before the renames.
        let tmp = stage_with(&r, &p, &mut |w| w.write_all(b"new")).unwrap();
        let name = tmp.file_name().unwrap().to_str().unwrap();
        assert!(is_tmp_name(name), "{name}");
        fs::write(
            dir.path().join(JOURNAL),
            format!("attend journal 1\nregister/{name}\tregister/a.txt\n"),
        )
        .unwrap();
        let lock = lock(&r).unwrap();
        assert_eq!(recover(&r, &lock).unwrap(), Some(1));
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert!(!dir.path().join(JOURNAL).exists());
        assert_eq!(recover(&r, &lock).unwrap(), None);
    }

    #[test]
    fn commit_writes_everything_and_its_journal_is_workspace_relative() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Transaction::new(&root(dir.path()));
        t.write(&dir.path().join("cases/x/1"), b"1").unwrap();
        t.write(&dir.path().join("cases/x/2"), b"2").unwrap();
        t.write(&dir.path().join("cases/x/1"), b"1b").unwrap();
        let rel: Vec<(PathBuf, PathBuf)> = t
            .staged
            .iter()
            .map(|(a, b)| {
                (
                    a.strip_prefix(dir.path()).unwrap().to_path_buf(),
                    b.strip_prefix(dir.path()).unwrap().to_path_buf(),
                )
            })
            .collect();
        let text = journal::text(&rel).unwrap();
        assert!(
            text.lines().skip(1).all(|l| l.starts_with("cases/x/")),
            "{text}"
        );
        t.commit().unwrap();
        assert_eq!(fs::read(dir.path().join("cases/x/1")).unwrap(), b"1b");
        assert_eq!(fs::read(dir.path().join("cases/x/2")).unwrap(), b"2");
        assert!(!dir.path().join(JOURNAL).exists());
    }

    #[test]
    fn a_transaction_writes_only_the_register_and_the_cases() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Transaction::new(&root(dir.path()));
        assert!(t.write(&dir.path().join("attend.yaml"), b"x").is_err());
        assert!(t.write(&dir.path().join("cases"), b"x").is_err());
    }

    #[test]
    fn temporary_names_are_recognised_exactly() {
        assert!(is_tmp_name(".attend-tmp-a1B2c3"));
        assert!(!is_tmp_name(".attend-tmp-a1B2c"));
        assert!(!is_tmp_name(".attend-tmp-a1B2c3d"));
        assert!(!is_tmp_name(".attend-tmp-edit-a1B2c3-case.yaml"));
        assert!(!is_tmp_name(".attend-tmp-../../x"));
        assert!(!is_tmp_name("attend-tmp-a1B2c3"));
    }

    #[cfg(unix)]
    #[test]
    fn new_files_and_folders_are_the_owners_only_unless_shared_with_the_group() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let mut t = Transaction::new(&root(dir.path()));
        t.write(&dir.path().join("cases/X/case.yaml"), b"x")
            .unwrap();
        t.commit().unwrap();
        assert_eq!(mode(&dir.path().join("cases/X/case.yaml")), 0o600);
        assert_eq!(mode(&dir.path().join("cases/X")), 0o700);
        let shared = Root::new(dir.path(), Modes::GROUP).unwrap();
        let mut t = Transaction::new(&shared);
        t.write(&dir.path().join("cases/X/case.yaml"), b"y")
            .unwrap();
        t.write(&dir.path().join("cases/Y/case.yaml"), b"y")
            .unwrap();
        t.commit().unwrap();
        assert_eq!(mode(&dir.path().join("cases/X/case.yaml")), 0o640);
        assert_eq!(mode(&dir.path().join("cases/Y")), 0o750);
        assert_eq!(
            mode(&dir.path().join("cases/X")),
            0o700,
            "existing folders keep theirs"
        );
    }
}
