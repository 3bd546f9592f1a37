//! `stepbook localize`: remote screenshots turned into files of the book for good. Every
//! `screenshots[i].src` of every guide file that is an `http(s)://` URL is fetched (as a build
//! with `remote-images = "copy"` does, through the same cache), written into a folder of the
//! book under its content hash, and the `src` rewritten at its span to the file's path relative
//! to the guide (`source::edit`: comments, order and every other value kept byte for byte).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::book::Book;
use crate::diag::{Diagnostic, Diagnostics, Sources, shown_path};
use crate::error::Error;
use crate::source::edit::{self, Scalar, Seg};

/// What `localize` did.
#[derive(Debug, Default)]
pub struct Localized {
    /// Guide files rewritten (shown paths).
    pub files: Vec<PathBuf>,
    /// Image files written into the book (a file already there with the same bytes is reused).
    pub images: usize,
    /// `src` values rewritten.
    pub rewritten: usize,
    pub requests: usize,
    /// W022 for each screenshot that could not be had (its `src` is left as it was).
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

/// Where guide files' screenshots go: `dir` relative to the book's `src` folder; it must stay
/// inside the book (no absolute path, no `..`).
fn target_dir(book: &Book, dir: &str) -> Result<PathBuf, Error> {
    let rel = Path::new(dir);
    let bad = rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if dir.trim().is_empty() || bad {
        return Err(Error::Usage(
            crate::diag::Failure::new(format!(
                "`--dir {dir}` is not a folder inside the guides' folder"
            ))
            .help("name a folder relative to `src` in book.toml, like `media` (no absolute path, no `..`)"),
        ));
    }
    Ok(book.src.join(rel))
}

/// A remote screenshot `src` of a guide file.
fn remote_src(s: &Scalar) -> bool {
    let n = s.path.len();
    let is_src = n >= 3
        && s.path[n - 1] == Seg::Key("src".into())
        && matches!(s.path[n - 2], Seg::Index(_))
        && s.path[n - 3] == Seg::Key("screenshots".into());
    let v = s.value.trim();
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    is_src
        && (lower.starts_with("https://") || lower.starts_with("http://"))
        // A URL made of variables is the profile's to fill in: left alone.
        && !v.contains("{{")
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Fetches every remote screenshot of the book's guide files into `dir` and rewrites their
/// `src`. Nothing is rewritten in a file unless its edit reads back as intended; with `strict`
/// (`--deny-warnings`), nothing at all is written when any screenshot could not be had.
pub fn localize(book: &Book, dir: &str, strict: bool) -> Result<Localized, Error> {
    let target = target_dir(book, dir)?;
    let files = remote_srcs(book);
    let urls: BTreeSet<String> = files
        .iter()
        .flat_map(|(_, _, s)| s.iter().map(|s| s.value.trim().to_owned()))
        .collect();
    let mut out = Localized::default();
    if urls.is_empty() {
        return Ok(out);
    }
    let copies = super::fetch_all(book, urls, false);
    out.requests = copies.requests;
    for (path, text, srcs) in &files {
        warn(book, path, text, srcs, &copies.failed, &mut out);
    }
    if strict && !out.diagnostics.is_empty() {
        return Ok(out);
    }
    // Each copy written into the book once, under its hash.
    let mut written = std::collections::HashMap::new();
    if !copies.copied.is_empty() {
        std::fs::create_dir_all(&target)
            .map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", target.display()))?;
        inside_book(book, &target)?;
    }
    for (url, a) in &copies.copied {
        let name = short_name(&a.out);
        let file = target.join(&name);
        let bytes = crate::safe_fs::read_regular(&a.path, super::MAX_BYTES_CAP)
            .map_err(|e| anyhow::anyhow!("cannot read the copy of `{url}`: {e}"))?;
        let same =
            crate::safe_fs::read_regular(&file, super::MAX_BYTES_CAP).is_ok_and(|b| b == bytes);
        if !same {
            crate::safe_fs::write_new(&file, &bytes, true)
                .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", file.display()))?;
            out.images += 1;
        }
        written.insert(url.clone(), file);
    }
    for (path, text, srcs) in files {
        rewrite(book, &path, &text, &srcs, &written, &mut out)?;
    }
    Ok(out)
}

/// Each guide file with its remote screenshot `src` values (files that do not parse are
/// `check`'s to report, and are left as they are).
fn remote_srcs(book: &Book) -> Vec<(PathBuf, String, Vec<Scalar>)> {
    let found = crate::source::load::find_guides(&book.src);
    let mut files = Vec::new();
    for path in found.files {
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let Some(text) = yaml
            .then(|| crate::safe_fs::read_regular_text(&path, 64 << 20).ok())
            .flatten()
        else {
            continue;
        };
        let Ok(scalars) = edit::scalars(&text) else {
            continue;
        };
        let srcs: Vec<Scalar> = scalars.into_iter().filter(remote_src).collect();
        if !srcs.is_empty() {
            files.push((path, text, srcs));
        }
    }
    files
}

/// `<hash16>.<ext>` from a copy's `remote/<hash40>.<ext>`: short, and still only hex digits.
fn short_name(out: &str) -> String {
    let name = out.rsplit('/').next().unwrap_or(out);
    match name.split_once('.') {
        Some((hash, ext)) => format!("{}.{ext}", &hash[..hash.len().min(16)]),
        None => name.to_owned(),
    }
}

/// The folder, once created, really is inside the book (no link leads out of it).
fn inside_book(book: &Book, dir: &Path) -> Result<(), Error> {
    let root = book.root.canonicalize().map_err(anyhow::Error::from)?;
    let real = dir.canonicalize().map_err(anyhow::Error::from)?;
    if !real.starts_with(&root) {
        return Err(anyhow::anyhow!(
            "`{}` leads outside the book (a link?); choose another `--dir`",
            dir.display()
        )
        .into());
    }
    Ok(())
}

/// A guide file's path as shown in messages.
fn shown(book: &Book, path: &Path) -> PathBuf {
    shown_path(
        &book.shown_root,
        path.strip_prefix(&book.root).unwrap_or(path),
    )
}

/// W022 at each of a guide file's screenshots that could not be had.
fn warn(
    book: &Book,
    path: &Path,
    text: &str,
    srcs: &[Scalar],
    failed: &std::collections::BTreeMap<String, String>,
    out: &mut Localized,
) {
    let shown = shown(book, path);
    let problems: Vec<super::Use> = srcs
        .iter()
        .map(|s| super::Use {
            url: s.value.trim().to_owned(),
            file: shown.clone(),
            span: s.span.clone(),
            marks: Vec::new(),
        })
        .collect();
    let warned: Vec<Diagnostic> = super::warnings(&problems, failed, super::Step::Localize);
    if !warned.is_empty() {
        out.sources.insert(shown, std::sync::Arc::from(text));
        out.diagnostics.extend(warned);
    }
}

/// One guide file's remote `src` values rewritten to the copies' paths (relative to the file).
fn rewrite(
    book: &Book,
    path: &Path,
    text: &str,
    srcs: &[Scalar],
    written: &std::collections::HashMap<String, PathBuf>,
    out: &mut Localized,
) -> Result<(), Error> {
    let shown = shown(book, path);
    let folder = path.parent().unwrap_or(&book.root);
    let edits: Vec<(&Scalar, String)> = srcs
        .iter()
        .filter_map(|s| {
            let file = written.get(s.value.trim())?;
            Some((s, crate::validate::relative_path(folder, file)))
        })
        .collect();
    if edits.is_empty() {
        return Ok(());
    }
    let pairs: Vec<(&Scalar, &str)> = edits.iter().map(|(s, v)| (*s, v.as_str())).collect();
    let new = edit::replace_values(text, &pairs)
        .map_err(|e| anyhow::anyhow!("`{}` was left as it was: {e}", shown.display()))?;
    crate::safe_fs::write_new(path, new.as_bytes(), true)
        .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", shown.display()))?;
    out.rewritten += edits.len();
    out.files.push(shown);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_keep_only_the_hash() {
        assert_eq!(
            short_name("remote/0123456789abcdef0123456789abcdef01234567.png"),
            "0123456789abcdef.png"
        );
    }
}
