//! Validate: screenshot and image paths. Local paths must stay inside the book root (resolved
//! lexically first, then with symlinks, each folder once); a missing file gets a "did you mean"
//! from an index of the book's files.

use crate::diag::{Code, Fix, suggestion};
use crate::source::node::Written;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::{GuideValidator, Image};
use crate::markdown;
use crate::model::Sp;

/// Where a local path is written, which decides how a fix writes another path there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SrcAt {
    /// A `src:` field: its whole YAML scalar.
    Field,
    /// The destination of an image in a Markdown text (`![](img.png)`), found in the file.
    Markdown,
    /// Somewhere in a text, not found as written (a YAML escape): no fix.
    Unplaced,
}

impl SrcAt {
    /// The fix that writes `path` at `span`. In Markdown only a path that needs no escaping in
    /// Markdown or YAML (letters, digits, `_-./`) is offered.
    fn fix(self, span: std::ops::Range<usize>, path: &str) -> Option<Fix> {
        match self {
            SrcAt::Field => Some(Fix::written(span, path, Written::Yaml.write(path))),
            SrcAt::Markdown
                if path
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_-./".contains(c)) =>
            {
                Some(Fix::new(span, path))
            }
            _ => None,
        }
    }
}

/// Where a Markdown text writes the destination `dest` of a link or image: after `(`, `(<` or
/// `]: ` and before `)`, `>`, a space or the end, so it is that destination and not a longer
/// one or the alt text.
pub(super) fn markdown_dest(text: &str, dest: &str) -> Option<usize> {
    ["(", "(<", "]: "].iter().find_map(|before| {
        let written = format!("{before}{dest}");
        text.match_indices(&written).find_map(|(i, _)| {
            let end = i + written.len();
            let next = text[end..].chars().next();
            next.is_none_or(|c| c == ')' || c == '>' || c.is_whitespace())
                .then_some(i + before.len())
        })
    })
}

impl GuideValidator<'_> {
    /// Classifies a screenshot `src`; local paths must stay inside the book root.
    pub(super) fn screenshot_src(&mut self, src: &Sp<String>) -> Image {
        let s = src.trim();
        if s.is_empty() {
            self.error(Code::E010, src, "screenshot `src` is empty".into())
                .help("give the path of an image file relative to this guide, or an https:// URL");
            return Image::Invalid;
        }
        if let Some(scheme) = markdown::scheme(s) {
            let lower = scheme.to_ascii_lowercase();
            if (lower == "https" || lower == "http") && remote_ok(s) {
                return Image::Remote(s.to_owned());
            }
            if lower == "https" || lower == "http" {
                // The scheme is fine: say what is wrong with the rest.
                let spaced = s.chars().any(|c| c.is_whitespace() || c.is_control());
                let (label, help) = if spaced {
                    (
                        "a URL cannot hold spaces",
                        "write each space as `%20` (the browser's address bar shows the encoded form)",
                    )
                } else {
                    (
                        "no host after the scheme",
                        "write the whole address, like `https://example.com/image.png`",
                    )
                };
                self.error(Code::E016, src, format!("malformed screenshot URL `{s}`"))
                    .label(label)
                    .help(help);
                return Image::Invalid;
            }
            self.error(Code::E016, src, format!("unsupported screenshot URL `{s}`"))
                .label(format!("`{scheme}:` is not allowed here"))
                .help("use an https:// URL with a host, or a path relative to this guide");
            return Image::Invalid;
        }
        if s.starts_with("//") {
            self.error(Code::E016, src, format!("unsupported screenshot URL `{s}`"))
                .help(format!("write the scheme: `https:{s}`"));
            return Image::Invalid;
        }
        self.local_src(src, "screenshot", SrcAt::Field)
    }

    /// Resolves a local path (a screenshot's `src` or an image in Markdown); it must stay inside
    /// the book root.
    pub(super) fn local_src(&mut self, src: &Sp<String>, noun: &str, at: SrcAt) -> Image {
        let s = src.trim();
        let base = self.g.path.parent().unwrap_or(self.root);
        let candidates = candidates(s);
        let mut outside = false;
        for cand in &candidates {
            let Some(joined) = lexical_join(base, cand) else {
                outside = true;
                continue;
            };
            if !joined.starts_with(self.root) {
                outside = true;
                continue;
            }
            // Resolve symlinks only for paths that are lexically inside; a link out is refused.
            match self.real_path(&joined) {
                Some(real) if real.starts_with(self.root) => {
                    if let Err(why) = self.publishable(&real) {
                        self.error(Code::E017, src, format!("{noun} `{s}` cannot be published"))
                            .label(why)
                            .help("only PNG, JPEG, GIF and WebP images outside hidden folders are copied into the output; convert the file, or point `src` at an image");
                        return Image::Invalid;
                    }
                    self.locals.push(real);
                    return Image::Local(self.locals.len() - 1);
                }
                Some(_) => outside = true,
                None => {}
            }
        }
        if outside {
            self.error(Code::E011, src, format!("{noun} `{s}` is outside the book"))
                .label("resolves outside the book's root")
                .help("copy the image into the book (e.g. next to the guide) and point `src` at the copy");
        } else {
            let shown = crate::diag::shown_path(
                self.g.shown.parent().unwrap_or(Path::new("")),
                Path::new(s),
            );
            let found = self.suggest(s);
            let pending = self
                .error(Code::E010, src, format!("{noun} `{s}` not found"))
                .label(format!("no file at `{}`", shown.display()));
            let relative = "(paths are relative to the guide file)";
            match found {
                Some(path) => match at.fix(src.span.clone(), &path) {
                    Some(fix) => pending.suggest_then(fix, relative),
                    None => pending.help(format!("{} {relative}", suggestion(&path))),
                },
                None => pending.help(
                    "paths are relative to the guide file; check the spelling and the folder",
                ),
            };
        }
        Image::Invalid
    }
}

impl GuideValidator<'_> {
    /// A file elsewhere in the book with the same name as a missing screenshot (or the same
    /// name but for case), else one in its folder with a close name (`img/example.png` for
    /// `img/exmaple.png`), as a path relative to the guide.
    fn suggest(&self, src: &str) -> Option<String> {
        let name = Path::new(src).file_name()?.to_string_lossy().into_owned();
        let index = self.files.get_or_init(|| FileIndex::build(self.root));
        let base = self.g.path.parent()?;
        let best = match index.by_name.get(&name.to_lowercase()) {
            Some(found) => found.iter().min_by_key(|p| {
                let exact = p.file_name().is_some_and(|n| n.to_string_lossy() == name);
                (!exact, p.components().count())
            })?,
            None => index.close(&lexical(&base.join(src)))?,
        };
        Some(relative_path(base, best))
    }

    /// [`publishable`], asked once per file for the whole book.
    fn publishable(&self, real: &Path) -> Result<(), String> {
        let known = self
            .publishable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(real)
            .cloned();
        if let Some(known) = known {
            return known;
        }
        let verdict = publishable(real, self.root);
        self.publishable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(real.to_path_buf(), verdict.clone());
        verdict
    }

    /// The canonical path of an existing regular file (symlinks resolved), with each folder
    /// resolved once per guide: one `lstat` per screenshot instead of one per path component.
    fn real_path(&mut self, path: &Path) -> Option<PathBuf> {
        let (dir, name) = (path.parent()?, path.file_name()?);
        let real_dir = self
            .dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| std::fs::canonicalize(dir).ok())
            .clone()?;
        let candidate = real_dir.join(name);
        let meta = std::fs::symlink_metadata(&candidate).ok()?;
        if meta.file_type().is_symlink() {
            std::fs::canonicalize(&candidate)
                .ok()
                .filter(|p| p.is_file())
        } else {
            meta.is_file().then_some(candidate)
        }
    }
}

/// Whether the file at `real` (canonical, inside `root`) may be copied into the output: not
/// hidden or in a hidden folder (`.env`, `.git/config`), and its first bytes are those of a
/// PNG, JPEG, GIF or WebP image (`book.toml`, a page or an SVG with a script are not). `Err`
/// says why not.
pub fn publishable(real: &Path, root: &Path) -> Result<(), String> {
    use std::io::Read;
    let rel = real.strip_prefix(root).unwrap_or(real);
    if rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return Err("hidden files and files in hidden folders are never published".into());
    }
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(real)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .map_err(|e| format!("cannot be read: {e}"))?;
    match image::guess_format(&head) {
        Ok(
            image::ImageFormat::Png
            | image::ImageFormat::Jpeg
            | image::ImageFormat::Gif
            | image::ImageFormat::WebP,
        ) => Ok(()),
        _ => {
            let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
            if text.contains("<svg") || text.contains("<?xml") {
                Err("SVG images can carry scripts and are not published; export it as PNG".into())
            } else {
                Err("its bytes are not a PNG, JPEG, GIF or WebP image".into())
            }
        }
    }
}

/// Files of the book by lowercase file name, and by folder (hidden folders skipped; at most
/// 100,000 files).
#[derive(Debug, Default)]
pub(super) struct FileIndex {
    by_name: HashMap<String, Vec<PathBuf>>,
    by_dir: HashMap<PathBuf, Vec<PathBuf>>,
    /// Name comparisons left for close-name suggestions in this run: each missing screenshot
    /// compares its name with every file's in its folder, so a folder of many files with many
    /// missing screenshots would be quadratic (a folder of 10,000 files and 3,000 typos took
    /// 2 min in a debug build without a budget, 0.4 s with none of it). Once spent, only
    /// same-name suggestions are made.
    budget: std::sync::atomic::AtomicUsize,
}

/// Comparisons of file names for close-name suggestions per run (that case: 0.4 s -> 1.3 s in a
/// debug build; a folder of 100 screenshots gets 200 suggestions).
const CLOSE_NAME_BUDGET: usize = 20_000;

impl FileIndex {
    /// The file in the missing screenshot's folder (`wanted` is its absolute path) with the
    /// name closest to its name: a typo, at most one edit, or two in a name of 8 characters or
    /// more, a transposition counting one. Names that differ from it only in digits are other
    /// screenshots of a numbered series (`step-2.png` for `step-3.png`), not typos. Only that
    /// folder: a file of the same name in another folder is the other suggestion.
    fn close(&self, wanted: &Path) -> Option<&PathBuf> {
        use std::sync::atomic::Ordering::Relaxed;
        let files = self.by_dir.get(wanted.parent()?)?;
        let left = self
            .budget
            .fetch_update(Relaxed, Relaxed, |b| b.checked_sub(files.len()));
        if left.is_err() {
            return None;
        }
        let lower = wanted.file_name()?.to_string_lossy().to_lowercase();
        let len = lower.chars().count();
        let most = if len >= 8 { 2 } else { 1 };
        let letters = |s: &str| {
            s.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        };
        let own_letters = letters(&lower);
        files
            .iter()
            .filter_map(|p| {
                let name = p.file_name()?.to_string_lossy().to_lowercase();
                if name.chars().count().abs_diff(len) > most {
                    return None;
                }
                let d = strsim::osa_distance(&name, &lower);
                (d <= most && letters(&name) != own_letters).then_some((d, p))
            })
            .min()
            .map(|(_, p)| p)
    }

    fn build(root: &Path) -> FileIndex {
        let mut index = FileIndex {
            budget: CLOSE_NAME_BUDGET.into(),
            ..FileIndex::default()
        };
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker.filter_map(Result::ok).take(100_000) {
            if entry.file_type().is_file() {
                let name = entry.file_name().to_string_lossy().to_lowercase();
                let path = entry.into_path();
                if let Some(dir) = path.parent() {
                    let files = index.by_dir.entry(dir.to_path_buf()).or_default();
                    files.push(path.clone());
                }
                index.by_name.entry(name).or_default().push(path);
            }
        }
        index
    }
}

/// `path` with `.` and `..` components resolved in the text (no file system access).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `to` relative to the folder `from`, with `/` (both absolute): `../Media/x.png`.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to_c[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn remote_ok(s: &str) -> bool {
    let Some((_, rest)) = s.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The path as written, and percent-decoded when that differs (`My%20Image.png`).
fn candidates(s: &str) -> Vec<String> {
    let mut v = vec![s.to_owned()];
    if s.contains('%')
        && let Some(decoded) = percent_decode(s)
        && decoded != s
    {
        v.push(decoded);
    }
    v
}

pub fn percent_decode(s: &str) -> Option<String> {
    // Strict where the crate is lenient: a `%` followed by two characters that are not hex
    // (`%zz`) is malformed (serve answers 400), while a `%` near the end (`100%`) is text.
    let b = s.as_bytes();
    let malformed = s.match_indices('%').any(|(i, _)| {
        i + 2 < b.len() && !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Joins a relative path onto `base`, resolving `.` and `..` without touching the file system.
/// `None` for absolute paths or paths that climb above the file system root.
fn lexical_join(base: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.is_absolute() || rel.has_root() || rel.starts_with("\\") {
        return None;
    }
    let mut out = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_never_escape_silently() {
        let base = Path::new("/book/content");
        assert_eq!(
            lexical_join(base, "img/a.png"),
            Some(PathBuf::from("/book/content/img/a.png"))
        );
        assert_eq!(
            lexical_join(base, "../../etc/passwd"),
            Some(PathBuf::from("/etc/passwd"))
        );
        assert_eq!(lexical_join(base, "/etc/passwd"), None);
        assert_eq!(lexical_join(Path::new("/"), "../x"), None);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/b/c/d"), Path::new("/b/Media/x.png")),
            "../../Media/x.png"
        );
        assert_eq!(
            relative_path(Path::new("/b/c"), Path::new("/b/c/img/x.png")),
            "img/x.png"
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("My%20Image.png").as_deref(),
            Some("My Image.png")
        );
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz"), None);
    }
}
