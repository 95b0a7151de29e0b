//! Files the user names on the command line (`--html FILE`): written atomically, and never over
//! something that is not a regular file (a device, a pipe, a folder, or a link to one) or over
//! attend's own files (the settings, register, cases and templates of the workspace).

use super::confine::Root;
use super::{TMP_PREFIX, parent_of, sync_dir};
use anyhow::{Context, Result, anyhow, bail};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Write `bytes` to `target`, a file the user named, with the workspace's file mode (the owner's
/// only, without a workspace).
pub fn write_output(root: Option<&Root>, target: &Path, bytes: &[u8]) -> Result<()> {
    let own = |p: &Path| root.is_some_and(|r| r.is_attends_own(p));
    let modes = root.map(Root::modes).unwrap_or_default();
    let target =
        std::path::absolute(target).with_context(|| format!("cannot find {}", target.display()))?;
    let shown = target.display();
    // what is there now, following links
    match fs::metadata(&target) {
        Ok(m) if !m.is_file() => bail!(
            "{shown} is not a regular file (it is a folder, a device or a pipe, or a link to one): give the name of a file to write, such as report.html"
        ),
        Ok(_) => {
            let real = fs::canonicalize(&target).with_context(|| format!("cannot open {shown}"))?;
            if own(&real) {
                bail!("{}", own_file(&target));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot open {shown}")),
    }
    let dir = parent_of(&target);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let name = target
        .file_name()
        .ok_or_else(|| anyhow!("{shown} is not the name of a file"))?;
    let real_dir =
        fs::canonicalize(&dir).with_context(|| format!("cannot open folder {}", dir.display()))?;
    if own(&real_dir.join(name)) {
        bail!("{}", own_file(&target));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}out-"))
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    modes
        .set_file(tmp.as_file())
        .and_then(|_| tmp.write_all(bytes))
        .and_then(|_| tmp.flush())
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.persist(&target)
        .map_err(|e| anyhow!("cannot replace {shown}: {}", e.error))?;
    sync_dir(&dir);
    Ok(())
}

fn own_file(target: &Path) -> String {
    format!(
        "{} is one of attend's own files (the workspace's settings, register, cases or templates): write the page somewhere else, such as report.html",
        target.display()
    )
}
