//! Import: the local images a guide uses. Each is looked up when the guide is imported: a
//! missing one is a warning at its line (`I004`), and one outside the book is planned for
//! copying into it (`<out-dir>/media/<guide>/`), so the imported guide builds where it lands.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::Code;

/// Which local images `import` copies into the book.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CopyImages {
    /// Those outside the book (which `build` could not publish).
    #[default]
    Outside,
    /// Every local image, into the guide's own media folder.
    All,
    /// None: an image outside the book is an error and nothing is written.
    Never,
}

/// One image to copy: from where, to where (both absolute).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageCopy {
    pub from: PathBuf,
    pub to: PathBuf,
}

/// Where the images of one guide go.
#[derive(Debug, Default)]
pub(super) struct Images {
    /// An image file (absolute, `..` applied) → its new place, when it is copied.
    moved: HashMap<PathBuf, PathBuf>,
    /// Names taken in the guide's media folder.
    taken: HashMap<String, PathBuf>,
}

/// The settings of one guide's import that decide where its images go.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The book's root: images under it stay where they are (with [`CopyImages::Outside`]).
    pub book_root: PathBuf,
    pub copy: CopyImages,
    /// The folder copies go to: `<out-dir>/media/<guide>`.
    pub media_dir: PathBuf,
}

impl Images {
    /// Where the guide should point for an image target: its copy, or the target itself.
    pub(super) fn moved(&self, target: &Path) -> Option<&PathBuf> {
        self.moved.get(target)
    }

    /// Looks at one local image target (absolute, `..` applied), written at `line`: warns
    /// when it is missing, plans its copy when `placement` says so.
    pub(super) fn place(
        &mut self,
        src: &str,
        target: &Path,
        line: usize,
        out: &mut super::Imported,
        placement: &Placement,
    ) {
        if self.moved.contains_key(target) {
            return;
        }
        let real = match std::fs::canonicalize(target) {
            Ok(real) if real.is_file() => real,
            _ => {
                out.warn(
                    line,
                    Code::I004,
                    format!(
                        "the image `{src}` does not exist (looked for `{}`): add it, or fix the path",
                        target.display()
                    ),
                );
                // Where it would have been copied to, so the guide's `src` stays inside the
                // book: `check` then says it is not found there (E010, with "did you mean"),
                // not that a file that exists nowhere is outside the book (E011).
                let root = std::fs::canonicalize(&placement.book_root)
                    .unwrap_or_else(|_| placement.book_root.clone());
                let would_copy = match placement.copy {
                    CopyImages::All => true,
                    CopyImages::Outside => !target.starts_with(&root),
                    CopyImages::Never => false,
                };
                if would_copy {
                    let to = placement.media_dir.join(self.free_name(target));
                    self.moved.insert(target.to_path_buf(), to);
                }
                return;
            }
        };
        let root = std::fs::canonicalize(&placement.book_root)
            .unwrap_or_else(|_| placement.book_root.clone());
        let inside = real.starts_with(&root);
        let wanted = match placement.copy {
            CopyImages::All => true,
            CopyImages::Outside => !inside,
            CopyImages::Never => {
                if !inside {
                    out.outside_images.push((line, target.to_path_buf()));
                }
                false
            }
        };
        if !wanted {
            return;
        }
        // Only a file stepbook would publish is copied: never a page, a key or a hidden file
        // a hostile Markdown file points at.
        if let Err(why) = crate::validate::publishable(&real, real.parent().unwrap_or(&real)) {
            out.warn(
                line,
                Code::I004,
                format!("the image `{src}` is not copied: {why}"),
            );
            return;
        }
        let to = placement.media_dir.join(self.free_name(&real));
        out.image_copies.push(ImageCopy {
            from: real,
            to: to.clone(),
        });
        self.moved.insert(target.to_path_buf(), to);
    }

    /// The file's name in the media folder; a second file of the same name from another
    /// folder gets `-2`, `-3`…
    fn free_name(&mut self, real: &Path) -> String {
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "image".into());
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
            _ => (name.clone(), String::new()),
        };
        let mut candidate = name.clone();
        let mut n = 1;
        while let Some(owner) = self.taken.get(&candidate.to_lowercase()) {
            if owner == real {
                return candidate;
            }
            n += 1;
            candidate = format!("{stem}-{n}{ext}");
        }
        self.taken
            .insert(candidate.to_lowercase(), real.to_path_buf());
        candidate
    }
}

/// Checks that every copy lands inside `within` (the import's out-dir) once links are
/// followed: a `media` or `media/<guide>` folder that is a link out of the book would have the
/// copies written wherever it points.
pub fn media_inside(copies: &[ImageCopy], within: &Path) -> anyhow::Result<()> {
    let root = crate::safe_fs::absolute(within)?;
    for c in copies {
        let dir = c.to.parent().unwrap_or(&c.to);
        let real = crate::safe_fs::absolute(dir)?;
        if !real.starts_with(&root) {
            anyhow::bail!(
                "the image folder `{}` leads outside the book, to `{}` (a link)",
                dir.display(),
                real.display()
            );
        }
    }
    Ok(())
}

/// Copies the planned images, creating their folders, each inside `within` (checked again
/// just before it is written, see [`media_inside`]). With `overwrite` false, a different file
/// already at a destination is an error (the same bytes are fine: a second import).
pub fn copy_images(copies: &[ImageCopy], overwrite: bool, within: &Path) -> anyhow::Result<()> {
    use anyhow::Context as _;
    for c in copies {
        media_inside(std::slice::from_ref(c), within)?;
        let bytes = crate::safe_fs::read_regular(&c.from, MAX_IMAGE_BYTES)
            .with_context(|| format!("failed to read the image `{}`", c.from.display()))?;
        if let Ok(old) = std::fs::read(&c.to)
            && old == bytes
        {
            continue;
        }
        if let Some(dir) = c.to.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create `{}`", dir.display()))?;
        }
        crate::safe_fs::write_new(&c.to, &bytes, overwrite)
            .with_context(|| format!("failed to copy an image to `{}`", c.to.display()))?;
    }
    Ok(())
}

/// Copies that would replace a different file: for the check before anything is written.
pub fn conflicting(copies: &[ImageCopy]) -> Vec<&Path> {
    copies
        .iter()
        .filter(|c| {
            std::fs::symlink_metadata(&c.to).is_ok()
                && std::fs::read(&c.to).ok() != std::fs::read(&c.from).ok()
        })
        .map(|c| c.to.as_path())
        .collect()
}

/// An image larger than this is not a screenshot.
const MAX_IMAGE_BYTES: u64 = 64 << 20;
