//! Load: finds every guide file under the book's `src`, reads it with size and encoding checks,
//! parses the YAML with spans, checks its shape against the model's schema and deserialises it.

use crate::diag::Code;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, line_col};
use crate::model::Guide;
use crate::source::convert::FromNode;
use crate::source::node::{self, Value};
use crate::source::shape::{self, Flavor};

/// A guide file larger than this is refused (a real guide is a few KiB).
pub const MAX_GUIDE_BYTES: u64 = 2 * 1024 * 1024;

/// One guide file, parsed.
#[derive(Debug, Clone)]
pub struct LoadedGuide {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Path relative to the book root (`content/azure-pass.yaml`).
    pub rel: PathBuf,
    /// Path as shown in diagnostics.
    pub shown: PathBuf,
    pub text: Arc<str>,
    pub guide: Guide,
    /// The variables the guide's text was resolved with (set by [`crate::variant::apply`]),
    /// for templates.
    pub variables: crate::variables::Vars,
    /// The language of a translation (`azure-pass.de.yaml`: `de`); `None` for a guide in the
    /// book's language. Set by validation, which knows the book's languages.
    pub lang: Option<String>,
}

/// Is this file a guide? `*.yaml` / `*.yml`, not hidden, not an editor's temporary file.
pub fn is_guide_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') {
        return false;
    }
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The guide files under `src`, and the entries that could not be looked at.
#[derive(Debug, Default)]
pub struct Found {
    /// Guide files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Folders or files that could not be listed or read, with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
    /// `*.yaml` files whose names are not UTF-8 (they cannot be named in links or ids).
    pub not_utf8: Vec<PathBuf>,
    /// Guide files that are links, which are not followed.
    pub links: Vec<PathBuf>,
}

/// Lists the guide files under `src`, sorted by path. Hidden folders are skipped; symlinks are
/// not followed (a link could lead out of the book). An unreadable folder or a file name that is
/// not UTF-8 is recorded, not fatal, so every other guide is still checked.
pub fn find_guides(src: &Path) -> Found {
    let mut found = Found::default();
    let walker = walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(src).to_path_buf();
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                found.unreadable.push((path, why));
                continue;
            }
        };
        if entry.file_type().is_symlink() && is_guide_file(entry.path()) {
            found.links.push(entry.into_path());
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if entry.file_name().to_str().is_none() {
            let lossy = entry.file_name().to_string_lossy();
            if !lossy.starts_with('.') && (lossy.ends_with(".yaml") || lossy.ends_with(".yml")) {
                found.not_utf8.push(entry.into_path());
            }
        } else if is_guide_file(entry.path()) {
            found.files.push(entry.into_path());
        }
    }
    found
}

/// The problems of the files under the guides folder that are not read: unreadable ones,
/// names that are not UTF-8, links.
pub fn skipped(root: &Path, shown_root: &Path, found: &Found) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let shown = |p: &Path| crate::diag::shown_path(shown_root, p.strip_prefix(root).unwrap_or(p));
    for (path, why) in &found.unreadable {
        out.push(
            Diagnostic::error(Code::E015, shown(path), format!("cannot read: {why}"))
                .help("fix its permissions, or move it out of the guides folder"),
        );
    }
    for path in &found.not_utf8 {
        out.push(
            Diagnostic::warning(
                Code::W011,
                shown(path),
                "guide file name is not UTF-8; skipped",
            )
            .help(
                "rename the file using UTF-8 characters (its name becomes the guide's id and URL)",
            ),
        );
    }
    for path in &found.links {
        out.push(
            Diagnostic::warning(Code::W012, shown(path), "guide file is a link; skipped")
                .help("links are not followed (one could lead out of the book); move or copy the guide into the guides folder"),
        );
    }
    out
}

/// Is `path` a guide file the build reads: a regular file, not a link (which could lead out of
/// the book)? `watch` asks this of every changed path, so it reads what `build` reads.
pub fn is_plain_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

type LoadResult = (
    Option<LoadedGuide>,
    Vec<Diagnostic>,
    Option<(PathBuf, Arc<str>)>,
);

/// Reads, parses and shape-checks one guide file.
pub fn load_one(root: &Path, shown_root: &Path, path: &Path) -> LoadResult {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let shown = crate::diag::shown_path(shown_root, &rel);
    let text = match read_text(path, &shown) {
        Ok(text) => text,
        Err((d, lossy)) => return (None, vec![*d], lossy.map(|t| (shown, t))),
    };
    load_text(root, shown_root, path, text)
}

/// Parses and shape-checks the text of the guide file at `path` (an editor's unsaved buffer,
/// or what [`load_one`] read).
pub fn load_text(root: &Path, shown_root: &Path, path: &Path, text: Arc<str>) -> LoadResult {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let shown = crate::diag::shown_path(shown_root, &rel);
    let source = Some((shown.clone(), text.clone()));
    let mut diags = Vec::new();
    // An editor's buffer has not been through `read_text`'s limit.
    if text.len() as u64 > MAX_GUIDE_BYTES {
        diags.push(too_large(&shown, text.len() as u64));
        return (None, diags, source);
    }
    let tree = match node::parse_yaml(&text) {
        Ok(tree) => tree,
        Err(e) => {
            diags.push(
                Diagnostic::error(Code::E001, &shown, format!("invalid YAML: {}", e.message))
                    .at(e.span)
                    .help(yaml_help(&e.message)),
            );
            return (None, diags, source);
        }
    };
    if matches!(tree.value, Value::Null) {
        diags.push(
            Diagnostic::error(Code::E013, &shown, "guide file is empty")
                .help("a guide needs at least `title:` and `sections:`; or delete the file"),
        );
        return (None, diags, source);
    }
    for (span, c) in node::control_chars(&tree) {
        diags.push(node::control_char_error(&shown, span, c));
    }
    shape::check(
        &tree,
        crate::schema::guide_schema(),
        &shown,
        Flavor::Yaml,
        &mut diags,
    );
    // Build the model even when the shape check found problems, so validation reports the
    // rest of them too; the parts of the wrong shape are left out.
    let guide = Guide::from_node(&tree).map(|guide| LoadedGuide {
        path: path.to_path_buf(),
        rel,
        shown,
        text,
        guide,
        variables: Default::default(),
        lang: None,
    });
    (guide, diags, source)
}

/// The problem with a guide file that could not be read as text, and the text as far as it
/// could be (for a UTF-8 error, to show the line).
type Unreadable = (Box<Diagnostic>, Option<Arc<str>>);

/// E014: a guide of `size` bytes, over [`MAX_GUIDE_BYTES`].
fn too_large(shown: &Path, size: u64) -> Diagnostic {
    let message = format!(
        "guide file is too large ({:.1} MiB)",
        size as f64 / 1048576.0
    );
    Diagnostic::error(Code::E014, shown, message).help(format!(
        "a guide file may be at most {} MiB; split it into several guides",
        MAX_GUIDE_BYTES / 1024 / 1024
    ))
}

/// The text of the guide file at `path` as the build reads it — a regular file (no link, FIFO
/// or device) of at most [`MAX_GUIDE_BYTES`] of UTF-8 — or `None`, for what the build would
/// refuse (the language server reads files it is told changed with this).
pub fn read_guide(path: &Path) -> Option<Arc<str>> {
    read_text(path, path).ok()
}

/// Reads a guide file as UTF-8 text: a regular file (no link) of at most [`MAX_GUIDE_BYTES`].
fn read_text(path: &Path, shown: &Path) -> Result<Arc<str>, Unreadable> {
    let fail = |d: Diagnostic| (Box::new(d), None);
    if !is_plain_file(path) {
        return Err(fail(
            Diagnostic::error(Code::E015, shown, "cannot read guide file: it is not a regular file")
                .help("guide files are read only as regular files inside the guides folder; links are not followed"),
        ));
    }
    let bytes = match read_limited(path, MAX_GUIDE_BYTES) {
        Ok(Some(b)) => b,
        Ok(None) => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            return Err(fail(too_large(shown, size)));
        }
        Err(e) => {
            let message = format!("cannot read guide file: {e}");
            return Err(fail(Diagnostic::error(Code::E015, shown, message)));
        }
    };
    String::from_utf8(bytes).map(Arc::from).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned());
        let (line, col) = line_col(&lossy, at);
        let offset = crate::diag::offset_of(&lossy, line, col);
        let d = Diagnostic::error(Code::E012, shown, "guide file is not valid UTF-8")
            .at(offset..offset + 1)
            .label(format!("invalid byte at offset {at}"))
            .help("save the file as UTF-8 (most editors: \"Save with encoding\")");
        (Box::new(d), Some(lossy))
    })
}

fn yaml_help(message: &str) -> String {
    if message.starts_with("the document has") || message.contains("nested more than") {
        "the file expands to too many values (an alias bomb?); write the values out instead of \
         using many nested aliases"
            .into()
    } else if message.contains("tab is used for indentation") {
        "replace the tab with spaces (most editors can convert indentation to spaces)".into()
    } else if message.contains("duplicate") {
        "each key may appear once per mapping; remove or rename one of them".into()
    } else {
        "check the indentation and quoting near this place; text containing `: ` or starting \
         with a special character needs quotes"
            .into()
    }
}

/// Reads a regular file of at most `limit` bytes; `Ok(None)` when it is larger. A FIFO or a
/// device is an error (it is never waited on or read without end).
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    match crate::safe_fs::read_regular(path, limit) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Ok(None),
        Err(e) => Err(e),
    }
}
