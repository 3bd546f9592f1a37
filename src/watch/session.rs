//! Watch: a build session. It runs the pipeline's full build, keeps what that left
//! ([`Built`]), and hands one changed guide to [`Built::rebuild_guide`]; anything that cannot be
//! done one guide at a time falls back to a full build, which swaps the whole output.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostics, Sources};
use crate::pipeline::Built;
use crate::{book::Book, error::Error, pipeline::BuildOptions};

/// The result of one rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// "full build (1,000 guides)" or "guide content/x.yaml".
    pub what: String,
    pub elapsed: Duration,
    /// Warnings (a good build has no errors).
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

/// The book being watched and the last good output.
pub struct Session {
    dir: PathBuf,
    dest_dir: Option<PathBuf>,
    selection: crate::book::Selection,
    /// The book as last opened (kept when a build fails, so its folders stay watched).
    book: Option<Book>,
    /// The last good full build; `None` until one succeeds.
    built: Option<Built>,
    /// Folders of the local screenshots and images the last good build's guides use.
    asset_dirs: Vec<PathBuf>,
}

impl Session {
    pub fn new(
        dir: &Path,
        dest_dir: Option<PathBuf>,
        selection: crate::book::Selection,
    ) -> Session {
        Session {
            dir: dir.to_path_buf(),
            dest_dir,
            selection,
            book: None,
            built: None,
            asset_dirs: Vec::new(),
        }
    }

    /// Folders of the local screenshots and images the guides use.
    pub fn asset_dirs(&self) -> &[PathBuf] {
        &self.asset_dirs
    }

    /// The book as last opened (after a successful config read).
    pub fn book(&self) -> Option<&Book> {
        self.book.as_ref()
    }

    /// The live output folder.
    pub fn dest(&self) -> Option<PathBuf> {
        self.book.as_ref().map(|b| b.dest(self.dest_dir.as_deref()))
    }

    /// Re-reads book.toml and rebuilds everything; the output is swapped only on success.
    pub fn full(&mut self) -> Result<Rebuilt, Error> {
        let start = Instant::now();
        self.built = None;
        self.asset_dirs.clear();
        let book = Book::open_with(&self.dir, &self.selection)?;
        self.book = Some(book.clone());
        let opts = BuildOptions {
            dest_dir: self.dest_dir.clone(),
            deny_warnings: false,
            zip: false,
        };
        let (report, built) = crate::pipeline::build_kept(&book, &opts)?;
        self.built = built;
        self.asset_dirs = report.asset_dirs;
        Ok(Rebuilt {
            what: format!(
                "full build ({} guide{})",
                report.guides,
                if report.guides == 1 { "" } else { "s" }
            ),
            elapsed: start.elapsed(),
            diagnostics: report.diagnostics,
            sources: report.sources,
        })
    }

    /// Rebuilds after a change to one guide file (edited, created or deleted).
    pub fn guide(&mut self, path: &Path) -> Result<Rebuilt, Error> {
        let start = Instant::now();
        let Some(built) = &mut self.built else {
            return self.full();
        };
        match built.rebuild_guide(path)? {
            Some(r) => Ok(Rebuilt {
                what: r.what,
                elapsed: start.elapsed(),
                diagnostics: r.diagnostics,
                sources: r.sources,
            }),
            None => self.full(),
        }
    }
}
