//! stepbook: step-by-step guides as validated YAML, rendered to an HTML site, Markdown and
//! printable checklists.
//!
//! The pipeline, one way: [`config`] (book.toml) → [`model`] (guide types) → [`load`] (YAML with
//! spans) → [`validate`] → [`render`] (html, markdown, checklist) → [`output`] (atomic swap).

pub mod cmd;
pub mod config;
pub mod convert;
pub mod diag;
pub mod duration;
pub mod import;
pub mod init;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod model;
pub mod node;
pub mod output;
pub mod render;
pub mod safe_fs;
pub mod schema;
pub mod serve;
pub mod shape;
#[cfg(test)]
mod testing;
pub mod validate;
pub mod watch;

use crate::diag::Code;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use diag::{Diagnostics, Sources};

/// Exit codes, as documented in the README and `--help`.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILURE: i32 = 1;
    pub const CONTENT: i32 = 2;
    pub const CONFIG: i32 = 3;
}

/// Why a command failed, which decides its exit code.
#[derive(Debug)]
pub enum Error {
    /// book.toml is missing or wrong (exit 3).
    Config(config::ConfigError),
    /// Problems in the guides or templates (exit 2), with the texts they point into.
    Content {
        diagnostics: Diagnostics,
        sources: Sources,
    },
    /// Anything else: I/O, a bug (exit 1).
    Other(anyhow::Error),
    /// Problems found and already printed (e.g. by `lint` in its output format): exit 2.
    Reported,
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => exit::CONFIG,
            Error::Content { .. } | Error::Reported => exit::CONTENT,
            Error::Other(_) => exit::FAILURE,
        }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Other(e)
    }
}

impl From<config::ConfigError> for Error {
    fn from(e: config::ConfigError) -> Self {
        Error::Config(e)
    }
}

/// A book opened from its folder: configuration and canonical paths.
#[derive(Debug, Clone)]
pub struct Book {
    /// Canonical path of the folder holding book.toml.
    pub root: PathBuf,
    /// The folder as the user wrote it, for messages.
    pub shown_root: PathBuf,
    /// Canonical path of the guides folder.
    pub src: PathBuf,
    pub config: config::Config,
}

impl Book {
    /// Opens the book in `dir`: reads and checks book.toml.
    pub fn open(dir: &Path) -> Result<Book, Error> {
        let root = std::fs::canonicalize(dir).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Config(config::ConfigError::Missing {
                    path: dir.to_path_buf(),
                })
            } else {
                Error::Other(anyhow::anyhow!("failed to open `{}`: {e}", dir.display()))
            }
        })?;
        let config = config::load(&root, dir)?;
        let src = std::fs::canonicalize(root.join(&config.book.src))
            .map_err(|e| anyhow::anyhow!("failed to open `{}`: {e}", config.book.src.display()))?;
        Ok(Book {
            root,
            shown_root: dir.to_path_buf(),
            src,
            config,
        })
    }

    /// The output folder: `dest_dir` if given, else `build-dir` from book.toml.
    pub fn dest(&self, dest_dir: Option<&Path>) -> PathBuf {
        match dest_dir {
            Some(d) => d.to_path_buf(),
            None => self.root.join(&self.config.build.build_dir),
        }
    }

    /// Loads and validates every guide. Errors in the content are in the returned diagnostics;
    /// `Err` is for failures that are not the content's fault.
    pub fn check(&self) -> Result<Checked, Error> {
        let loaded = timed("load", || {
            load::load_all(&self.root, &self.shown_root, &self.src)
        })?;
        let mut checked = timed("validate", || {
            validate::validate(loaded.guides, &self.root, &self.src)
        });
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(loaded.diagnostics);
        diagnostics.extend(std::mem::take(&mut checked.diagnostics));
        if checked.guides.is_empty() && !diagnostics.has_errors() {
            diagnostics.push(
                diag::Diagnostic::warning(
                    Code::W010,
                    shown_path(&self.shown_root, &self.config.book.src),
                    "no guides found",
                )
                .help(
                    "add a guide file (`*.yaml`) to this folder; `stepbook init` writes an example",
                ),
            );
        }
        diagnostics.sort();
        Ok(Checked {
            book: checked,
            diagnostics,
            sources: loaded.sources,
        })
    }
}

/// The result of loading and validating a book.
#[derive(Debug)]
pub struct Checked {
    pub book: validate::Checked,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

impl Checked {
    /// Turns the diagnostics into an error when they should stop the command.
    pub fn fail_on(self, deny_warnings: bool) -> Result<Checked, Error> {
        let stop = self.diagnostics.has_errors() || (deny_warnings && !self.diagnostics.is_empty());
        if stop {
            Err(Error::Content {
                diagnostics: self.diagnostics,
                sources: self.sources,
            })
        } else {
            Ok(self)
        }
    }
}

/// Options of `stepbook build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder; default: `build-dir` from book.toml, relative to the book.
    pub dest_dir: Option<PathBuf>,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
}

/// What a build wrote.
#[derive(Debug)]
pub struct BuildReport {
    pub dest: PathBuf,
    pub guides: usize,
    pub files: usize,
    /// Each guide's pages, for a watcher that later re-renders one guide.
    pub pages: Vec<render::GuideOut>,
    /// The folders of the local screenshots and images the guides use.
    pub asset_dirs: Vec<PathBuf>,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

/// Validates the book and writes every configured output into the destination, replacing the
/// previous output only when everything succeeded.
pub fn build(book: &Book, opts: &BuildOptions) -> Result<BuildReport, Error> {
    build_keeping_engine(book, opts).map(|(report, _)| report)
}

/// [`build`], also returning the templates it rendered with (a watcher re-renders with them).
pub fn build_keeping_engine(
    book: &Book,
    opts: &BuildOptions,
) -> Result<(BuildReport, render::Engine), Error> {
    let Checked {
        book: checked,
        diagnostics,
        sources,
    } = book.check()?.fail_on(opts.deny_warnings)?;
    let guides = checked.guides.len();
    let mut asset_dirs: Vec<PathBuf> = checked
        .assets
        .iter()
        .filter_map(|a| a.path.parent().map(Path::to_path_buf))
        .collect();
    asset_dirs.sort();
    asset_dirs.dedup();
    let dest = book.dest(opts.dest_dir.as_deref());
    output::guard_dest(&dest, book, opts.dest_dir.is_none())?;
    let engine = render::Engine::new(book)?;
    let staging = output::Staging::new(&dest)?;
    let files = timed("render", || {
        render::render_all(book, checked, &engine, staging.target())
    })?;
    timed("prune", || staging.prune(&files.written))?;
    timed("swap", || staging.commit())?;
    let report = BuildReport {
        dest,
        guides,
        files: files.written.len(),
        pages: files.guides,
        asset_dirs,
        diagnostics,
        sources,
    };
    Ok((report, engine))
}

/// `shown` joined with `rel`, without a leading `./`.
pub fn shown_path(shown: &Path, rel: &Path) -> PathBuf {
    let joined = shown.join(rel);
    match joined.strip_prefix(".") {
        Ok(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => joined,
    }
}

/// Runs `f`; with `STEPBOOK_TIMINGS` set, prints how long it took to stderr (for profiling).
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    static ON: OnceLock<bool> = OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("STEPBOOK_TIMINGS").is_some()) {
        return f();
    }
    let start = std::time::Instant::now();
    let out = f();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_owned())
        })
        .unwrap_or_default();
    eprintln!(
        "timing: {stage}: {:.1?} (peak memory so far: {hwm})",
        start.elapsed()
    );
    out
}

/// The guide schema, generated once.
pub fn guide_schema() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(model::guide_schema)
}
