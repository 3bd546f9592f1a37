//! Output: the build writes into a staging folder beside the destination and swaps it into
//! place only when everything succeeded, so a failed or interrupted build leaves the previous
//! output as it was.

pub mod zip;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};

use crate::diag::Failure;
use crate::{book::Book, error::Error};

pub use crate::layout::MARKER;

/// Refuses destinations whose replacement would destroy the book or someone else's files.
/// `from_config`: the destination is `build-dir` from book.toml, which must stay inside the book
/// (a destination given on the command line may be anywhere).
pub fn guard_dest(dest: &Path, book: &Book, from_config: bool) -> Result<(), Error> {
    let abs = absolute(dest)?;
    if from_config && !abs.starts_with(&book.root) {
        return Err(Failure::new(format!(
            "refusing to build into `{}`: `build-dir` leads out of the book (to `{}`)",
            dest.display(),
            abs.display()
        ))
        .help("set `build-dir` to a folder inside the book, or pass --dest-dir")
        .into());
    }
    let protected = [
        (&book.root, "the book itself"),
        (&book.src, "the guides folder"),
    ];
    for (p, what) in protected {
        if p.starts_with(&abs) || abs.starts_with(p.as_path()) && p != &book.root {
            return Err(Failure::new(format!(
                "refusing to build into `{}`: it would replace {what}",
                dest.display()
            ))
            .help("choose another --dest-dir or `build-dir`")
            .into());
        }
    }
    for sub in [crate::layout::TEMPLATES_DIR, crate::layout::THEMES_DIR] {
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
            return Err(Failure::new(format!(
                "refusing to replace `{}`: it is not empty and was not written by stepbook",
                dest.display()
            ))
            .help("choose another --dest-dir, or empty or remove that folder")
            .into());
        }
    }
    Ok(())
}

pub use crate::safe_fs::absolute;

/// The folder a build writes into, beside the destination; [`Staging::commit`] swaps it into
/// place.
///
/// The output a build replaces is kept as a *spare* (`.<name>.stepbook-spare`, beside the
/// destination) and becomes the next build's staging folder: only the files whose content
/// changed are rewritten in it and the ones no longer produced are removed, so a rebuild creates
/// and deletes almost no files or folders (on ext4 without a journal, allocating inodes right
/// after freeing many dominated rebuild time). Dropped without commit, a fresh staging folder is
/// removed; a reused spare is kept for the next build.
pub struct Staging {
    dir: PathBuf,
    dest: PathBuf,
    spare: PathBuf,
    reused: bool,
    committed: bool,
    /// Files a reused spare held before this build (relative, with `/`), for [`Staging::prune`].
    old_files: Vec<String>,
    /// The live output is stepbook's and holds only files and folders.
    previous_plain: bool,
}

impl Staging {
    pub fn new(dest: &Path) -> anyhow::Result<Staging> {
        let dest = absolute(dest)?;
        let parent = dest
            .parent()
            .ok_or_else(|| anyhow!("cannot build into `{}`", dest.display()))?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        remove_abandoned(parent, &dest);
        let spare = crate::layout::spare_of(&dest);
        if spare.join(MARKER).is_file() && !spare.is_symlink() {
            // A spare holding a link (or anything but files and folders) could make this build
            // write outside it: it is not reused but removed, and a fresh folder is made.
            match plain_tree(&spare) {
                Some(files) => {
                    return Ok(Staging {
                        dir: spare.clone(),
                        dest,
                        spare,
                        reused: true,
                        committed: false,
                        old_files: files,
                        previous_plain: false,
                    });
                }
                None => remove_tree(&spare),
            }
        }
        // The process's id in the name, so a later build can tell a folder left by a build that
        // was killed (or aborted) from one another build is still writing.
        let dir = tempfile::Builder::new()
            .prefix(&format!(
                "{}{}-",
                crate::layout::staging_prefix(&dest),
                std::process::id()
            ))
            .tempdir_in(parent)
            .with_context(|| format!("failed to create a folder in `{}`", parent.display()))?
            .keep();
        std::fs::write(
            dir.join(MARKER),
            "written by stepbook; replaced on every build\n",
        )
        .context("failed to write the output marker")?;
        // Unchanged files are hard-linked from the live output, but only from one that holds
        // nothing but files and folders: a link planted in it must not be followed.
        let previous_plain = dest.join(MARKER).is_file() && plain_tree(&dest).is_some();
        Ok(Staging {
            dir,
            dest,
            spare,
            reused: false,
            committed: false,
            old_files: Vec::new(),
            previous_plain,
        })
    }

    /// Where to write, and what to reuse.
    pub fn target(&self) -> Target<'_> {
        Target {
            dir: &self.dir,
            previous: (!self.reused && self.previous_plain).then_some(self.dest.as_path()),
            in_place: self.reused,
        }
    }

    /// Removes every file and folder of a reused staging folder that this build did not write.
    pub fn prune(&self, written: &HashSet<String>) -> anyhow::Result<()> {
        if !self.reused {
            return Ok(());
        }
        let mut dirs = HashSet::new();
        for rel in &self.old_files {
            if rel != MARKER && !written.contains(rel) {
                let path = self.dir.join(rel);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(e)
                            .with_context(|| format!("failed to remove `{}`", path.display()));
                    }
                }
                let mut up = Path::new(rel).parent();
                while let Some(d) = up.filter(|d| !d.as_os_str().is_empty()) {
                    dirs.insert(d.to_path_buf());
                    up = d.parent();
                }
            }
        }
        // Deepest first; only empty folders go (`remove_dir` fails on the others, as it should).
        let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in dirs {
            let _ = std::fs::remove_dir(self.dir.join(d));
        }
        Ok(())
    }

    /// Swaps the staged folder into place; the previous output becomes the spare.
    pub fn commit(mut self) -> anyhow::Result<()> {
        // Where the system can swap two folders in one step, readers (a browser on `serve`,
        // a web server publishing the folder) never find the destination missing, and an
        // interrupted build cannot leave it so.
        if self.dest.is_dir() && exchange(&self.dir, &self.dest).is_ok() {
            self.committed = true;
            let old = self.dir.clone();
            self.settle_old(old);
            return Ok(());
        }
        let parent = self.dest.parent().expect("checked in new").to_path_buf();
        let old = if self.dest.exists() {
            let old = tempfile::Builder::new()
                .prefix(&format!(
                    "{}{}-",
                    crate::layout::OLD_PREFIX,
                    std::process::id()
                ))
                .tempdir_in(&parent)
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
        if let Err(e) = std::fs::rename(&self.dir, &self.dest) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.dest);
            }
            bail!(
                "failed to move the new output into `{}`: {e}",
                self.dest.display()
            );
        }
        self.committed = true;
        if let Some(old) = old {
            self.settle_old(old);
        }
        Ok(())
    }

    /// The replaced output (now at `old`) becomes the spare when stepbook wrote it and there is
    /// no spare yet; otherwise it is removed.
    fn settle_old(&self, old: PathBuf) {
        let ours = old.join(MARKER).is_file();
        if old == self.spare {
            if !ours {
                remove_tree(&old);
            }
            return;
        }
        if !(ours && !self.spare.exists() && std::fs::rename(&old, &self.spare).is_ok()) {
            remove_tree(&old);
        }
    }
}

/// Swaps two folders atomically (`renameat2` with `RENAME_EXCHANGE`, Linux 3.15+); an error
/// where the kernel or the file system cannot, and the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated C strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Removes the staging folders (and replaced outputs) beside `dest` that builds which ended
/// without cleaning up left behind: an abort (an allocation failure, a signal) runs no
/// destructor. Only folders named for `dest` (or replaced outputs), marked as stepbook's,
/// holding nothing but files and folders, whose process is gone.
fn remove_abandoned(parent: &Path, dest: &Path) {
    let staging = crate::layout::staging_prefix(dest);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name
            .strip_prefix(staging.as_str())
            .or_else(|| name.strip_prefix(crate::layout::OLD_PREFIX))
        else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let path = entry.path();
        let gone = pid.is_some_and(|p| p != std::process::id() && !process_alive(p));
        if gone && path.join(MARKER).is_file() && plain_tree(&path).is_some() {
            remove_tree(&path);
        }
    }
}

/// Is the process `pid` still running? (Where this cannot be known: yes, so nothing of a
/// running build is removed.)
#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_: u32) -> bool {
    true
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && !self.reused {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The files under `dir` (relative, with `/`) when the tree holds nothing but regular files and
/// folders, and `dir` itself is not a link; `None` when it holds a symlink, a FIFO, a device or
/// anything else a build must not write through or into.
fn plain_tree(dir: &Path) -> Option<Vec<String>> {
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.ok()?;
        let t = entry.file_type();
        if t.is_file() {
            files.push(rel_name(dir, entry.path()));
        } else if !t.is_dir() {
            return None;
        }
    }
    Some(files)
}

/// `path` relative to `base`, with `/` separators.
fn rel_name(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Where a build writes: the staging folder, and the previous output to reuse files from.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub dir: &'a Path,
    /// The live output, whose unchanged files are hard-linked into a fresh staging folder.
    pub previous: Option<&'a Path>,
    /// The staging folder is a reused spare: files already holding the right bytes stay.
    pub in_place: bool,
}

impl Target<'_> {
    /// Writes `bytes` at `rel`, unless the file already holds them (a reused spare) or the
    /// previous output has them (then that file is hard-linked). Creating thousands of new inodes
    /// and freeing the old ones is most of a rebuild's cost; skipping and linking cost neither.
    /// The old output is private to stepbook, so sharing its inodes cannot touch user files; a
    /// changed file is replaced by a new one (never written through a shared inode).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let dest = self.dir.join(rel);
        if self.in_place {
            if same_content(&dest, bytes) {
                return Ok(());
            }
            // The folder may be live (`watch`, `serve`): readers see the old file or the new.
            return replace(&dest, |tmp| std::io::Write::write_all(tmp, bytes));
        } else if let Some(prev) = self.previous {
            let old = prev.join(rel);
            if same_content(&old, bytes) && std::fs::hard_link(&old, &dest).is_ok() {
                return Ok(());
            }
        }
        std::fs::write(&dest, bytes)
            .with_context(|| format!("failed to write `{}`", dest.display()))
    }

    /// Copies `from` to `rel`, with the same reuse as [`Target::write`].
    pub fn copy(&self, from: &Path, rel: &str) -> anyhow::Result<()> {
        let dest = self.dir.join(rel);
        let same_as =
            |candidate: &Path| match (std::fs::metadata(from), std::fs::metadata(candidate)) {
                (Ok(a), Ok(b)) if a.len() == b.len() => std::fs::read(from)
                    .ok()
                    .is_some_and(|src| same_content(candidate, &src)),
                _ => false,
            };
        if self.in_place {
            if same_as(&dest) {
                return Ok(());
            }
            return replace(&dest, |tmp| {
                std::io::copy(&mut std::fs::File::open(from)?, tmp).map(|_| ())
            });
        } else if let Some(prev) = self.previous {
            let old = prev.join(rel);
            if same_as(&old) && std::fs::hard_link(&old, &dest).is_ok() {
                return Ok(());
            }
        }
        std::fs::copy(from, &dest).map(|_| ()).with_context(|| {
            format!(
                "failed to copy `{}` to `{}`",
                from.display(),
                dest.display()
            )
        })
    }
}

/// Replaces `dest` atomically: writes a new temporary file beside it (created exclusively,
/// under a random name, so a planted link is never written through), then renames it over
/// `dest`. Readers (a browser on `serve`) see the old file or the new one, never a partial one
/// or none, and a file whose inode is shared with another output is never written through.
fn replace(
    dest: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut tmp = crate::safe_fs::temp_beside(dest)
        .with_context(|| format!("failed to write `{}`", dest.display()))?;
    write(tmp.as_file_mut()).with_context(|| format!("failed to write `{}`", dest.display()))?;
    tmp.persist(dest)
        .map(|_| ())
        .with_context(|| format!("failed to write `{}`", dest.display()))
}

/// One file of the output.
pub enum OutFile {
    Text { to: String, text: String },
    Bytes { to: String, bytes: Vec<u8> },
    Copy { to: String, from: PathBuf },
}

impl OutFile {
    /// The path relative to the output folder, with `/`.
    pub fn to(&self) -> &str {
        match self {
            OutFile::Text { to, .. } | OutFile::Bytes { to, .. } | OutFile::Copy { to, .. } => to,
        }
    }
}

/// Writes files into the target, creating their folders; in parallel.
pub fn write_files(target: Target, files: Vec<OutFile>) -> anyhow::Result<()> {
    use rayon::prelude::*;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| target.dir.join(f.to()).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d)
            .with_context(|| format!("failed to create `{}`", d.display()))?;
    }
    let write = |f: OutFile| -> anyhow::Result<()> {
        match f {
            OutFile::Text { to, text } => target.write(&to, text.as_bytes()),
            OutFile::Bytes { to, bytes } => target.write(&to, &bytes),
            OutFile::Copy { to, from } => target.copy(&from, &to),
        }
    };
    if files.len() < 8 {
        files.into_iter().try_for_each(write)
    } else {
        files.into_par_iter().try_for_each(write)
    }
}

/// Does the file at `path` hold exactly `bytes`? (A regular file, not a symlink.)
fn same_content(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Removes a folder tree, its subfolders in parallel (an output holds a folder per guide).
/// Best effort: what cannot be removed is left for the next build's error to name.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .flat_map(|e| {
            let p = e.path();
            let children: Vec<PathBuf> = std::fs::read_dir(&p)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .filter(|c| c.file_type().is_ok_and(|t| t.is_dir()))
                .map(|c| c.path())
                .collect();
            children.into_iter().chain(std::iter::once(p))
        })
        .collect();
    // Children come before their parent in each group; remove the deepest first, in parallel.
    let (leaves, parents): (Vec<_>, Vec<_>) =
        subdirs.into_iter().partition(|p| p.parent() != Some(dir));
    leaves.par_iter().for_each(|p| {
        let _ = std::fs::remove_dir_all(p);
    });
    parents.par_iter().for_each(|p| {
        let _ = std::fs::remove_dir_all(p);
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (prev, next) = (dir.path().join("prev"), dir.path().join("next"));
        std::fs::create_dir_all(&prev).unwrap();
        std::fs::create_dir_all(&next).unwrap();
        std::fs::write(prev.join("same.html"), "same").unwrap();
        std::fs::write(prev.join("changed.html"), "old!").unwrap();
        let t = Target {
            dir: &next,
            previous: Some(&prev),
            in_place: false,
        };
        t.write("same.html", b"same").unwrap();
        t.write("changed.html", b"new!").unwrap();
        t.write("added.html", b"added").unwrap();
        let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
        assert_eq!(ino(&prev.join("same.html")), ino(&next.join("same.html")));
        assert_ne!(
            ino(&prev.join("changed.html")),
            ino(&next.join("changed.html"))
        );
        assert_eq!(
            std::fs::read_to_string(next.join("changed.html")).unwrap(),
            "new!"
        );
        assert_eq!(
            std::fs::read_to_string(prev.join("changed.html")).unwrap(),
            "old!"
        );
        assert_eq!(
            std::fs::read_to_string(next.join("added.html")).unwrap(),
            "added"
        );
    }

    #[test]
    fn uncommitted_staging_leaves_nothing_and_commit_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("book");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("old.txt"), "old").unwrap();
        {
            let s = Staging::new(&dest).unwrap();
            s.target().write("new.txt", b"new").unwrap();
        }
        assert!(dest.join("old.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let s = Staging::new(&dest).unwrap();
        s.target().write("new.txt", b"new").unwrap();
        s.commit().unwrap();
        assert!(!dest.join("old.txt").exists());
        assert!(dest.join("new.txt").exists());
        // The replaced output was not written by stepbook (no marker), so it is not kept.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_replaced_output_becomes_the_next_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("book");
        let build = |files: &[(&str, &str)]| {
            let s = Staging::new(&dest).unwrap();
            let t = s.target();
            let mut written = HashSet::new();
            for (name, text) in files {
                if let Some(p) = Path::new(name).parent() {
                    std::fs::create_dir_all(t.dir.join(p)).unwrap();
                }
                t.write(name, text.as_bytes()).unwrap();
                written.insert(name.to_string());
            }
            s.prune(&written).unwrap();
            s.commit().unwrap();
        };
        build(&[("a/index.html", "A1"), ("b/index.html", "B1")]);
        build(&[("a/index.html", "A2"), ("b/index.html", "B1")]);
        assert!(
            dir.path()
                .join(".book.stepbook-spare")
                .join(MARKER)
                .exists()
        );
        // The third build reuses the first one's folder: stale files and folders go.
        build(&[("a/index.html", "A3")]);
        assert_eq!(
            std::fs::read_to_string(dest.join("a/index.html")).unwrap(),
            "A3"
        );
        assert!(!dest.join("b").exists(), "pruned");
        let spare = dir.path().join(".book.stepbook-spare");
        assert_eq!(
            std::fs::read_to_string(spare.join("a/index.html")).unwrap(),
            "A2"
        );
        assert_eq!(
            std::fs::read_to_string(spare.join("b/index.html")).unwrap(),
            "B1"
        );
    }
}
