//! The workspace: the school's folder (`attend.yaml`, `register/`, `cases/`, `templates/`).
//!
//! Found from `--dir`, then `ATTEND_DIR`, then the current folder and its parents (like git).

use crate::config::{Config, DEFAULT_CONFIG};
use crate::fsutil::{self, Modes, Root};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "attend.yaml";

/// How many times, 20 ms apart, a command waits for another command's commit to finish before
/// saying so (a commit takes milliseconds).
const COMMIT_WAITS: u32 = 100;

/// Lines the workspace's .gitignore must hold (attend's own temporary files).
const GITIGNORE: &str =
    "# attend's temporary and lock files\n.attend-tmp-*\n.attend-journal\n.attend-lock\n";

#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace folder (absolute).
    pub root: PathBuf,
    pub config: Config,
    /// What the people using the command should know about opening it (an interrupted save
    /// that was finished).
    pub notes: Vec<String>,
    fs: Root,
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

    /// The workspace as the file functions need it (confinement, permissions).
    pub fn fs(&self) -> &Root {
        &self.fs
    }

    /// A transaction writing files of this workspace's register and cases.
    pub fn transaction(&self) -> fsutil::Transaction {
        fsutil::Transaction::new(&self.fs)
    }

    /// Open the workspace at `root` (which must hold attend.yaml). A save another command left
    /// unfinished is finished if no command holds the lock; while one does (it is saving now),
    /// this waits up to two seconds for it, and otherwise says so rather than read a register
    /// half saved.
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
        let fs = Root::new(root, Modes::PRIVATE)?;
        let text = fs
            .read_text(&cfg, crate::yaml::SETTINGS.max_bytes)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let config = Config::parse(&text, &cfg)?;
        let fs = fs.with_modes(Modes::new(config.security.share_with_group));
        let mut notes = Vec::new();
        let mut waits = 0;
        while fsutil::pending(&fs) {
            if let Some(lock) = fsutil::try_lock(&fs)? {
                if let Some(n) = fsutil::recover(&fs, &lock)? {
                    notes.push(format!(
                        "finished saving the changes of an earlier attend command that was interrupted ({})",
                        crate::text::plural(n, "file")
                    ));
                }
                fsutil::clean_stale_tmp(&fs, &lock);
                break;
            }
            if waits == COMMIT_WAITS {
                bail!(
                    "another attend command is saving its changes to this workspace ({}) right now: \
                     wait for it to finish, then run this command again",
                    fs.path().display()
                );
            }
            waits += 1;
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(Workspace {
            root: fs.path().to_path_buf(),
            config,
            notes,
            fs,
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

    /// Create a workspace in `root`. Never overwrites: what exists is kept and reported. What
    /// it creates is the owner's only (or the group's too, when an existing attend.yaml says
    /// `security: share_with_group: true`).
    pub fn init(root: &Path) -> Result<InitReport> {
        let mut report = InitReport::default();
        let cfg = root.join(CONFIG_FILE);
        let modes = match fs::read_to_string(&cfg) {
            Ok(text) => Modes::new(Config::parse(&text, &cfg)?.security.share_with_group),
            Err(_) => Modes::PRIVATE,
        };
        if !root.is_dir() {
            if let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create folder {}", parent.display()))?;
            }
            modes
                .create_dir(root)
                .with_context(|| format!("cannot create folder {}", root.display()))?;
        }
        let fs = Root::new(root, modes)?;
        if cfg.exists() {
            // Checked above, so the user hears about mistakes now.
            report.kept.push(CONFIG_FILE.into());
        } else {
            fsutil::write_atomic(&fs, &cfg, DEFAULT_CONFIG.as_bytes())?;
            report.created.push(CONFIG_FILE.into());
        }
        for sub in ["register", "cases"] {
            let p = root.join(sub);
            if p.is_dir() {
                report.kept.push(format!("{sub}/"));
            } else {
                fs.ensure_dir(&p)?;
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
            fsutil::write_atomic(&fs, &gi, text.as_bytes())?;
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

    /// Take the write lock (held until the returned guard is dropped). As the lock holder,
    /// finish a save another command left unfinished, and remove the temporary files a killed
    /// command left.
    pub fn lock(&self) -> Result<fsutil::Lock> {
        let lock = fsutil::lock(&self.fs)?;
        fsutil::recover(&self.fs, &lock)?;
        fsutil::clean_stale_tmp(&self.fs, &lock);
        Ok(lock)
    }
}
