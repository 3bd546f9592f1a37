//! Load: finds every guide file under the book's `src`, reads it with size and encoding checks,
//! parses the YAML with spans, checks its shape against the model's schema and deserialises it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::convert::FromNode;
use crate::diag::{Diagnostic, Sources, line_col};
use crate::model::Guide;
use crate::node::{self, Value};
use crate::shape::{self, Flavor};

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
}

/// Everything the load stage produced: the guides that parsed, and the problems of the rest.
#[derive(Debug, Default)]
pub struct Loaded {
    pub guides: Vec<LoadedGuide>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
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

/// Lists the guide files under `src`, sorted by path. Hidden folders are skipped; symlinks are
/// not followed (a link could lead out of the book).
pub fn find_guides(src: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        });
    for entry in walker {
        let entry =
            entry.map_err(|e| anyhow::anyhow!("failed to list `{}`: {e}", src.display()))?;
        if entry.file_type().is_file() && is_guide_file(entry.path()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Loads every guide file under `src`. `root` is the book folder; `shown_root` is how the user
/// wrote it, so diagnostics show paths they can click.
pub fn load_all(root: &Path, shown_root: &Path, src: &Path) -> anyhow::Result<Loaded> {
    let files = find_guides(src)?;
    let results: Vec<_> = files
        .par_iter()
        .map(|path| load_one(root, shown_root, path))
        .collect();
    let mut loaded = Loaded::default();
    for (guide, diags, source) in results {
        if let Some((shown, text)) = source {
            loaded.sources.insert(shown, text);
        }
        loaded.diagnostics.extend(diags);
        loaded.guides.extend(guide);
    }
    Ok(loaded)
}

type LoadResult = (
    Option<LoadedGuide>,
    Vec<Diagnostic>,
    Option<(PathBuf, Arc<str>)>,
);

/// Reads, parses and shape-checks one guide file.
pub fn load_one(root: &Path, shown_root: &Path, path: &Path) -> LoadResult {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let shown = crate::shown_path(shown_root, &rel);
    let fail = |d: Diagnostic| (None, vec![d], None);
    let bytes = match read_limited(path, MAX_GUIDE_BYTES) {
        Ok(Some(b)) => b,
        Ok(None) => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            return fail(
                Diagnostic::error(
                    "E014",
                    &shown,
                    format!(
                        "guide file is too large ({:.1} MiB)",
                        size as f64 / 1048576.0
                    ),
                )
                .help(format!(
                    "a guide file may be at most {} MiB; split it into several guides",
                    MAX_GUIDE_BYTES / 1024 / 1024
                )),
            );
        }
        Err(e) => {
            return fail(Diagnostic::error(
                "E015",
                &shown,
                format!("cannot read guide file: {e}"),
            ));
        }
    };
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(t) => Arc::from(t),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned());
            let (line, col) = line_col(&lossy, at);
            let offset = crate::diag::offset_of(&lossy, line, col);
            let d = Diagnostic::error("E012", &shown, "guide file is not valid UTF-8")
                .at(offset..offset + 1)
                .label(format!("invalid byte at offset {at}"))
                .help("save the file as UTF-8 (most editors: \"Save with encoding\")");
            return (None, vec![d], Some((shown, lossy)));
        }
    };
    let text_ref: &str = &text;
    let source = Some((shown.clone(), text.clone()));
    let mut diags = Vec::new();
    let tree = match node::parse_yaml(text_ref) {
        Ok(tree) => tree,
        Err(e) => {
            diags.push(
                Diagnostic::error("E001", &shown, format!("invalid YAML: {}", e.message))
                    .at(e.span)
                    .help(yaml_help(&e.message)),
            );
            return (None, diags, source);
        }
    };
    if matches!(tree.value, Value::Null) {
        diags.push(
            Diagnostic::error("E013", &shown, "guide file is empty")
                .help("a guide needs at least `title:` and `sections:`; or delete the file"),
        );
        return (None, diags, source);
    }
    shape::check(
        &tree,
        crate::guide_schema(),
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
        text: text.clone(),
        guide,
    });
    (guide, diags, source)
}

fn yaml_help(message: &str) -> String {
    if message.starts_with("the document has") || message.contains("nested more than") {
        "the file expands to too many values (an alias bomb?); write the values out instead of \
         using many nested aliases"
            .into()
    } else if message.contains("duplicate") {
        "each key may appear once per mapping; remove or rename one of them".into()
    } else {
        "check the indentation and quoting near this place; text containing `: ` or starting \
         with a special character needs quotes"
            .into()
    }
}

/// Reads at most `limit` bytes; `Ok(None)` when the file is larger.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(None);
    }
    let mut buf = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(buf))
}
