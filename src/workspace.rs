//! The workspace: the school's folder (`attend.yaml`, `register/`, `cases/`, `templates/`).
//!
//! Found from `--dir`, then `ATTEND_DIR`, then the current folder and its parents (like git).

use crate::config::{Config, DEFAULT_CONFIG};
use crate::fsutil;
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "attend.yaml";

/// Lines the workspace's .gitignore must hold (attend's own temporary files).
const GITIGNORE: &str =
    "# attend's temporary and lock files\n.attend-tmp-*\n.attend-journal\n.attend-lock\n";

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

/// What `attend init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    pub created: Vec<String>,
    pub kept: Vec<String>,
}

impl Workspace {
    pub fn register_dir(&self) -> PathBuf {
        self.root.join("register")
    }
    pub fn cases_dir(&self) -> PathBuf {
        self.root.join("cases")
    }
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    /// Open the workspace at `root` (which must hold attend.yaml), finishing any interrupted write.
    pub fn open(root: &Path) -> Result<Workspace> {
        let cfg = root.join(CONFIG_FILE);
        if !cfg.is_file() {
            bail!(
                "{} is not an attend workspace (there is no {CONFIG_FILE}).\n\
                 Create one with: attend init {}",
                root.display(),
                root.display()
            );
        }
        if fsutil::recover(root)? {
            eprintln!(
                "note: finished saving the changes of an earlier command that was interrupted"
            );
        }
        let config = Config::load(&cfg)?;
        Ok(Workspace {
            root: root.to_path_buf(),
            config,
        })
    }

    /// Find the workspace: `--dir`, then `ATTEND_DIR`, then `start` and its parents.
    pub fn find(dir: Option<&Path>, env_dir: Option<&Path>, start: &Path) -> Result<Workspace> {
        if let Some(d) = dir.or(env_dir) {
            return Workspace::open(d);
        }
        let mut here = Some(start);
        while let Some(d) = here {
            if d.join(CONFIG_FILE).is_file() {
                return Workspace::open(d);
            }
            here = d.parent();
        }
        bail!(
            "no attend workspace here: there is no {CONFIG_FILE} in {} or any folder above it.\n\
             Create one with `attend init [FOLDER]`, or point to one with --dir FOLDER or ATTEND_DIR.",
            start.display()
        )
    }

    /// Create a workspace in `root`. Never overwrites: what exists is kept and reported.
    pub fn init(root: &Path) -> Result<InitReport> {
        let mut report = InitReport::default();
        fs::create_dir_all(root)
            .with_context(|| format!("cannot create folder {}", root.display()))?;
        let cfg = root.join(CONFIG_FILE);
        if cfg.exists() {
            // Check it is readable, so the user hears about mistakes now.
            Config::load(&cfg)?;
            report.kept.push(CONFIG_FILE.into());
        } else {
            fsutil::write_atomic(&cfg, DEFAULT_CONFIG.as_bytes())?;
            report.created.push(CONFIG_FILE.into());
        }
        for sub in ["register", "cases"] {
            let p = root.join(sub);
            if p.is_dir() {
                report.kept.push(format!("{sub}/"));
            } else {
                fs::create_dir_all(&p)
                    .with_context(|| format!("cannot create folder {}", p.display()))?;
                report.created.push(format!("{sub}/"));
            }
        }
        let gi = root.join(".gitignore");
        let existing = fs::read_to_string(&gi).unwrap_or_default();
        if !existing.contains(".attend-tmp-*") {
            let mut text = existing.clone();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(GITIGNORE);
            fsutil::write_atomic(&gi, text.as_bytes())?;
            if existing.is_empty() {
                report.created.push(".gitignore".into());
            } else {
                report.kept.push(".gitignore (attend's lines added)".into());
            }
        } else {
            report.kept.push(".gitignore".into());
        }
        Ok(report)
    }

    /// Take the write lock (held until the returned guard is dropped).
    pub fn lock(&self) -> Result<fs::File> {
        fsutil::lock(&self.root)
    }
}
