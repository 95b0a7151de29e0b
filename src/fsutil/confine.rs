//! Confinement: attend reads case files and writes everything only inside the workspace, never
//! through a link that leads out of it. A link that stays inside the workspace is followed.

use super::modes::Modes;
use anyhow::{Context, Result, anyhow, bail};
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// The workspace folder as the file functions need it: its path (absolute), where it really is
/// (links resolved), and the permissions of what attend creates in it.
#[derive(Debug, Clone)]
pub struct Root {
    path: PathBuf,
    canonical: PathBuf,
    modes: Modes,
}

/// Is `p` relative and made only of plain names (no `..`, not absolute)? `Err` says why not.
pub fn plain_relative(p: &Path) -> Result<(), &'static str> {
    if p.as_os_str().is_empty() {
        return Err("it is empty");
    }
    for c in p.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err("it goes up out of its folder (..)"),
            Component::RootDir | Component::Prefix(_) => {
                return Err("it is an absolute path, not one inside the workspace");
            }
        }
    }
    Ok(())
}

/// Why a file in the workspace could not be read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    /// The file, or a folder on its way, is a link that leads out of the workspace.
    Outside {
        shown: String,
    },
    /// Not a regular file (a folder, a device, a pipe).
    NotAFile {
        shown: String,
    },
    TooLarge {
        shown: String,
        size: u64,
        max: u64,
    },
    Io {
        shown: String,
        error: io::Error,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("there is no such file"),
            ReadError::Outside { shown } => write!(
                f,
                "{shown} is a link to a file outside the workspace: attend reads its files only from inside the workspace, so it was not read. Replace the link with the file itself"
            ),
            ReadError::NotAFile { shown } => {
                write!(f, "{shown} is not a regular file, so it was not read")
            }
            ReadError::TooLarge { shown, size, max } => write!(
                f,
                "{shown} is {} but a file of this kind may be at most {}: it was not read (it may be damaged, or made to slow attend down)",
                size_text(*size),
                size_text(*max)
            ),
            ReadError::Io { shown, error } => write!(f, "cannot read {shown}: {error}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// `4 MiB`, `512 KiB`, `300 bytes`.
pub fn size_text(n: u64) -> String {
    if n >= 1 << 20 {
        let tenths = n * 10 / (1 << 20);
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

impl Root {
    /// The workspace at `path` (which must exist).
    pub fn new(path: &Path, modes: Modes) -> Result<Root> {
        let path = std::path::absolute(path)
            .with_context(|| format!("cannot find the folder {}", path.display()))?;
        let canonical = fs::canonicalize(&path)
            .with_context(|| format!("cannot open the folder {}", path.display()))?;
        Ok(Root {
            path,
            canonical,
            modes,
        })
    }

    /// The workspace folder (absolute).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn modes(&self) -> Modes {
        self.modes
    }

    /// The same workspace, creating files and folders with `modes`.
    pub fn with_modes(mut self, modes: Modes) -> Root {
        self.modes = modes;
        self
    }

    /// Where the workspace folder really is (its links resolved).
    pub fn real(&self) -> &Path {
        &self.canonical
    }

    /// A path as people see it: relative to the workspace when it is inside it.
    pub fn shown(&self, p: &Path) -> String {
        p.strip_prefix(&self.path)
            .ok()
            .filter(|r| !r.as_os_str().is_empty())
            .unwrap_or(p)
            .display()
            .to_string()
    }

    /// `target` relative to the workspace: it must be (lexically) inside it, by plain names.
    pub fn relative(&self, target: &Path) -> Result<PathBuf> {
        let abs = std::path::absolute(target)
            .with_context(|| format!("cannot find {}", target.display()))?;
        let rel = abs.strip_prefix(&self.path).map_err(|_| {
            anyhow!(
                "{} is outside the workspace ({}): attend writes only inside the workspace; nothing was changed",
                target.display(),
                self.path.display()
            )
        })?;
        if rel.as_os_str().is_empty() {
            return Ok(PathBuf::new()); // the workspace folder itself
        }
        plain_relative(rel).map_err(|why| {
            anyhow!(
                "{} cannot be written: {why}; nothing was changed",
                target.display()
            )
        })?;
        Ok(rel.to_path_buf())
    }

    /// Is `resolved` (a path with its links resolved) inside the workspace?
    pub fn holds(&self, resolved: &Path) -> bool {
        resolved.starts_with(&self.canonical)
    }

    /// Where `p` really is, if it exists (its links resolved).
    fn resolve(&self, p: &Path) -> io::Result<PathBuf> {
        fs::canonicalize(p)
    }

    /// Check that the existing folder `dir` really is inside the workspace.
    pub fn check_dir(&self, dir: &Path) -> Result<()> {
        let real = self
            .resolve(dir)
            .with_context(|| format!("cannot open the folder {}", self.shown(dir)))?;
        if !self.holds(&real) {
            bail!(
                "{} leads outside the workspace (it is a link to {}): attend reads and writes only inside the workspace, so nothing was changed.\n  Replace the link with a real folder inside the workspace",
                self.shown(dir),
                real.display()
            );
        }
        if !real.is_dir() {
            bail!("{} is not a folder; nothing was changed", self.shown(dir));
        }
        Ok(())
    }

    /// Make sure the folder `dir` exists inside the workspace: each missing folder is created
    /// with the workspace's folder mode; a link on the way must stay inside the workspace.
    pub fn ensure_dir(&self, dir: &Path) -> Result<()> {
        let rel = self.relative(dir)?;
        let mut cur = self.path.clone();
        for comp in rel.components() {
            cur.push(comp);
            match fs::symlink_metadata(&cur) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => self.check_dir(&cur)?,
                Ok(_) => bail!(
                    "{} is a file, where attend needs a folder; nothing was changed",
                    self.shown(&cur)
                ),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    match self.modes.create_dir(&cur) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                            self.check_dir(&cur)?
                        }
                        Err(e) => {
                            return Err(e).with_context(|| {
                                format!("cannot create the folder {}", self.shown(&cur))
                            });
                        }
                    }
                }
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot open {}", self.shown(&cur)));
                }
            }
        }
        self.check_dir(dir)
    }

    /// Read a text file of the workspace, at most `max` bytes, refusing one that is (or is
    /// reached through) a link leading out of the workspace.
    pub fn read_text(&self, path: &Path, max: u64) -> Result<String, ReadError> {
        let bytes = self.read(path, max)?;
        String::from_utf8(bytes).map_err(|e| ReadError::Io {
            shown: self.shown(path),
            error: io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "it is not UTF-8 text (byte {} is not): save it as UTF-8",
                    e.utf8_error().valid_up_to() + 1
                ),
            ),
        })
    }

    /// Read a file of the workspace, at most `max` bytes, refusing one that is (or is reached
    /// through) a link leading out of the workspace.
    pub fn read(&self, path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
        let shown = self.shown(path);
        let io_err = |error: io::Error| ReadError::Io {
            shown: shown.clone(),
            error,
        };
        let real = match self.resolve(path) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // a dangling link is not a missing file
                return match fs::symlink_metadata(path) {
                    Ok(_) => Err(ReadError::Outside { shown }),
                    Err(_) => Err(ReadError::NotFound),
                };
            }
            Err(e) => return Err(io_err(e)),
        };
        if !self.holds(&real) {
            return Err(ReadError::Outside { shown });
        }
        let meta = fs::metadata(&real).map_err(io_err)?;
        if !meta.is_file() {
            return Err(ReadError::NotAFile { shown });
        }
        if meta.len() > max {
            return Err(ReadError::TooLarge {
                shown,
                size: meta.len(),
                max,
            });
        }
        let f = fs::File::open(&real).map_err(io_err)?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        f.take(max + 1).read_to_end(&mut bytes).map_err(io_err)?;
        if bytes.len() as u64 > max {
            return Err(ReadError::TooLarge {
                shown,
                size: bytes.len() as u64,
                max,
            });
        }
        Ok(bytes)
    }

    /// Is `resolved` (a path with its links resolved) one of attend's own files or folders:
    /// the settings, the register, the cases, the templates, git's folder, or attend's
    /// journal, lock and temporary files?
    pub fn is_attends_own(&self, resolved: &Path) -> bool {
        let Ok(rel) = resolved.strip_prefix(&self.canonical) else {
            return false;
        };
        let Some(Component::Normal(first)) = rel.components().next() else {
            return true; // the workspace folder itself
        };
        let first = first.to_string_lossy();
        matches!(
            first.as_ref(),
            "attend.yaml" | "register" | "cases" | "templates" | ".git" | ".gitignore"
        ) || first.starts_with(".attend-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_accepted() {
        assert!(plain_relative(Path::new("cases/X/case.yaml")).is_ok());
        assert!(plain_relative(Path::new("logo.png")).is_ok());
        assert!(plain_relative(Path::new("../outside")).is_err());
        assert!(plain_relative(Path::new("cases/../../x")).is_err());
        assert!(plain_relative(Path::new("/etc/passwd")).is_err());
        assert!(plain_relative(Path::new("")).is_err());
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(4 << 20), "4 MiB");
        assert_eq!(size_text((5 << 20) + (1 << 19)), "5.5 MiB");
        assert_eq!(size_text(256 << 10), "256 KiB");
        assert_eq!(size_text(12), "12 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_workspace_is_never_written_through() {
        let outside = tempfile::tempdir().unwrap();
        let ws = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), ws.path().join("cases")).unwrap();
        let root = Root::new(ws.path(), Modes::PRIVATE).unwrap();
        let err = root
            .ensure_dir(&ws.path().join("cases/X"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("leads outside the workspace"), "{err}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        // a link that stays inside is fine
        std::fs::create_dir(ws.path().join("real")).unwrap();
        std::os::unix::fs::symlink(ws.path().join("real"), ws.path().join("inside")).unwrap();
        root.ensure_dir(&ws.path().join("inside/sub")).unwrap();
        assert!(ws.path().join("real/sub").is_dir());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_from_outside_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "secret text").unwrap();
        let ws = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&secret, ws.path().join("case.yaml")).unwrap();
        let root = Root::new(ws.path(), Modes::PRIVATE).unwrap();
        let err = root
            .read_text(&ws.path().join("case.yaml"), 100)
            .unwrap_err();
        assert!(matches!(err, ReadError::Outside { .. }), "{err}");
        assert!(!err.to_string().contains("secret text"));
        assert!(matches!(
            root.read_text(&ws.path().join("none.yaml"), 100),
            Err(ReadError::NotFound)
        ));
        std::fs::write(ws.path().join("big.yaml"), "x".repeat(101)).unwrap();
        assert!(matches!(
            root.read_text(&ws.path().join("big.yaml"), 100),
            Err(ReadError::TooLarge { .. })
        ));
    }
}
