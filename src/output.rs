//! Output: the build writes into a staging folder beside the destination and swaps it into
//! place only when everything succeeded, so a failed or interrupted build leaves the previous
//! output as it was.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};

use crate::{Book, Error};

/// A file stepbook writes into every output folder, so it never replaces a folder it did not
/// write.
pub const MARKER: &str = ".stepbook-output";

/// Refuses destinations whose replacement would destroy the book or someone else's files.
pub fn guard_dest(dest: &Path, book: &Book) -> Result<(), Error> {
    let abs = absolute(dest)?;
    let protected = [
        (&book.root, "the book itself"),
        (&book.src, "the guides folder"),
    ];
    for (p, what) in protected {
        if p.starts_with(&abs) || abs.starts_with(p.as_path()) && p != &book.root {
            return Err(Error::Other(anyhow!(
                "refusing to build into `{}`: it would replace {what}\n  = help: choose another --dest-dir or `build-dir`",
                dest.display()
            )));
        }
    }
    for sub in ["templates", "themes"] {
        if abs.starts_with(book.root.join(sub)) {
            return Err(Error::Other(anyhow!(
                "refusing to build into `{}`: it is inside `{sub}/`",
                dest.display()
            )));
        }
    }
    if abs.exists() {
        if !abs.is_dir() {
            return Err(Error::Other(anyhow!(
                "cannot build into `{}`: it is a file, not a folder",
                dest.display()
            )));
        }
        let empty = std::fs::read_dir(&abs)
            .with_context(|| format!("failed to read `{}`", dest.display()))?
            .next()
            .is_none();
        if !empty && !abs.join(MARKER).exists() {
            return Err(Error::Other(anyhow!(
                "refusing to replace `{}`: it is not empty and was not written by stepbook\n  = help: choose another --dest-dir, or empty or remove that folder",
                dest.display()
            )));
        }
    }
    Ok(())
}

/// `path` made absolute and with symlinks resolved as far as it exists.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(path)
        .with_context(|| format!("failed to resolve `{}`", path.display()))?;
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// A folder beside the destination that becomes the destination on [`Staging::commit`];
/// dropped without commit, it is removed.
pub struct Staging {
    dir: tempfile::TempDir,
    dest: PathBuf,
}

impl Staging {
    pub fn new(dest: &Path) -> anyhow::Result<Staging> {
        let dest = absolute(dest)?;
        let parent = dest
            .parent()
            .ok_or_else(|| anyhow!("cannot build into `{}`", dest.display()))?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.stepbook-new-"))
            .tempdir_in(parent)
            .with_context(|| format!("failed to create a folder in `{}`", parent.display()))?;
        std::fs::write(
            dir.path().join(MARKER),
            "written by stepbook; replaced on every build\n",
        )
        .context("failed to write the output marker")?;
        Ok(Staging { dir, dest })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Swaps the staged folder into place and removes the previous output.
    pub fn commit(self) -> anyhow::Result<()> {
        let parent = self.dest.parent().expect("checked in new");
        let staged = self.dir.keep();
        let old = if self.dest.exists() {
            let old = tempfile::Builder::new()
                .prefix(".stepbook-old-")
                .tempdir_in(parent)
                .context("failed to make room for the previous output")?
                .keep();
            std::fs::remove_dir(&old).ok();
            std::fs::rename(&self.dest, &old).with_context(|| {
                format!(
                    "failed to move the previous output `{}` aside",
                    self.dest.display()
                )
            })?;
            Some(old)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staged, &self.dest) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.dest);
            }
            let _ = std::fs::remove_dir_all(&staged);
            bail!(
                "failed to move the new output into `{}`: {e}",
                self.dest.display()
            );
        }
        if let Some(old) = old {
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_staging_leaves_nothing_and_commit_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("book");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("old.txt"), "old").unwrap();
        {
            let s = Staging::new(&dest).unwrap();
            std::fs::write(s.path().join("new.txt"), "new").unwrap();
        }
        assert!(dest.join("old.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let s = Staging::new(&dest).unwrap();
        std::fs::write(s.path().join("new.txt"), "new").unwrap();
        s.commit().unwrap();
        assert!(!dest.join("old.txt").exists());
        assert!(dest.join("new.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
