//! The workspace's write lock (`.attend-lock`), and what only its holder may do: finish an
//! interrupted commit ([`super::recover`]) and remove the temporary files a killed command left.

use super::confine::Root;
use super::{LOCK, is_tmp_name};
use anyhow::{Context, Result, anyhow, bail};
use std::fs::{self, File, OpenOptions};
use std::path::Path;

/// The workspace's write lock, held for the life of this value (the operating system releases
/// it when the process ends, however it ends).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Take the lock if no other command holds it: `None` when another does.
pub fn try_lock(root: &Root) -> Result<Option<Lock>> {
    let path = root.path().join(LOCK);
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        bail!(
            "{} is not a regular file (attend's lock file): remove it and run the command again",
            path.display()
        );
    }
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, root.modes().file);
    let f = options
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: f })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// Take the lock, or say that another command holds it.
pub fn lock(root: &Root) -> Result<Lock> {
    try_lock(root)?.ok_or_else(|| {
        anyhow!(
            "another attend command is changing this workspace ({}); wait for it to finish and try again",
            root.path().display()
        )
    })
}

/// Remove the temporary files (named exactly as attend names them) that a killed command left
/// in the workspace's own folders: the root, the register, the cases and the templates. Links
/// are not followed. Returns how many were removed.
pub fn clean_stale_tmp(root: &Root, _lock: &Lock) -> usize {
    let mut removed = 0;
    clean_dir(root.real(), 0, &mut removed);
    for (sub, depth) in [("register", 3), ("cases", 3), ("templates", 0)] {
        clean_dir(&root.real().join(sub), depth, &mut removed);
    }
    removed
}

fn clean_dir(dir: &Path, depth: usize, removed: &mut usize) {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let name = e.file_name();
        if ft.is_file() && name.to_str().is_some_and(is_tmp_name) {
            if fs::remove_file(e.path()).is_ok() {
                *removed += 1;
            }
        } else if ft.is_dir() && depth > 0 {
            clean_dir(&e.path(), depth - 1, removed);
        }
    }
}
