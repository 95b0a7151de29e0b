//! Who may read what attend writes: on Unix, files are `0600` and folders `0700` (the owner
//! only), or `0640` and `0750` when the school shares the workspace with a group
//! (`security.share_with_group` in attend.yaml). Children's data is not for every account on the
//! computer.

use std::fs;
use std::io;
use std::path::Path;

/// The permissions of the files and folders attend creates (or rewrites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modes {
    pub file: u32,
    pub dir: u32,
}

impl Modes {
    /// The owner only: the default.
    pub const PRIVATE: Modes = Modes {
        file: 0o600,
        dir: 0o700,
    };
    /// The owner, and the owner's group may read.
    pub const GROUP: Modes = Modes {
        file: 0o640,
        dir: 0o750,
    };

    pub fn new(share_with_group: bool) -> Modes {
        if share_with_group {
            Modes::GROUP
        } else {
            Modes::PRIVATE
        }
    }

    /// Give an open file this file mode, whatever the umask.
    pub(crate) fn set_file(self, f: &fs::File) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(self.file))
        }
        #[cfg(not(unix))]
        {
            let _ = f;
            Ok(())
        }
    }

    /// Create one folder (its parent exists) with this folder mode, whatever the umask.
    pub(crate) fn create_dir(self, dir: &Path) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
            fs::DirBuilder::new().mode(self.dir).create(dir)?;
            fs::set_permissions(dir, fs::Permissions::from_mode(self.dir))
        }
        #[cfg(not(unix))]
        {
            fs::create_dir(dir)
        }
    }
}

impl Default for Modes {
    fn default() -> Self {
        Modes::PRIVATE
    }
}
