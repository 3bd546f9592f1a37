//! Watch: a build session that keeps what the last good build produced, so a change to one
//! guide re-renders only that guide's pages and the index, written into the live output file by
//! file (each replaced atomically). Anything else (config, templates, theme, screenshots, a
//! guide id that collides) falls back to a full build, which swaps the whole output.

use crate::diag::Code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::output::{Target, write_files};
use crate::render::{Engine, GuideOut, Pages};
use crate::{Book, BuildOptions, Error, load, validate};

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
    book: Option<Book>,
    engine: Option<Engine>,
    /// Guide file → its pages in the live output; `None` until a full build succeeds.
    pages: Option<BTreeMap<PathBuf, GuideOut>>,
    /// Folders of the screenshots the last good build used.
    asset_dirs: Vec<PathBuf>,
}

impl Session {
    pub fn new(dir: &Path, dest_dir: Option<PathBuf>) -> Session {
        Session {
            dir: dir.to_path_buf(),
            dest_dir,
            book: None,
            engine: None,
            pages: None,
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
        self.pages = None;
        let book = Book::open(&self.dir)?;
        self.book = Some(book.clone());
        let opts = BuildOptions {
            dest_dir: self.dest_dir.clone(),
            deny_warnings: false,
        };
        let (report, engine) = crate::build_keeping_engine(&book, &opts)?;
        self.engine = Some(engine);
        self.pages = Some(
            report
                .pages
                .into_iter()
                .map(|p| (p.path.clone(), p))
                .collect(),
        );
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
        let (Some(book), Some(engine), Some(pages)) = (&self.book, &self.engine, &mut self.pages)
        else {
            return self.full();
        };
        let start = Instant::now();
        let dest = book.dest(self.dest_dir.as_deref());
        if !dest.join(crate::output::MARKER).is_file() {
            // The output was deleted or replaced behind our back: writing one guide's pages
            // into it would leave a partial output that later builds refuse to replace.
            return self.full();
        }
        let target = Target {
            dir: &dest,
            previous: None,
            in_place: true,
        };
        let renderer = Pages::new(book, engine);
        let old = pages.remove(path);
        let shown = crate::shown_path(
            &book.shown_root,
            path.strip_prefix(&book.root).unwrap_or(path),
        );
        if !load::is_plain_file(path) {
            // Deleted (or renamed away): its pages go, the index changes.
            if let Some(old) = old {
                remove_files(&dest, &old.files);
            }
            let files = renderer
                .shared_files(pages.values().map(|p| &p.card), &[])
                .map_err(|d| content_error(*d, engine.sources()))?;
            write_files(target, files)?;
            return Ok(Rebuilt {
                what: format!("removed {}", shown.display()),
                elapsed: start.elapsed(),
                diagnostics: Diagnostics::default(),
                sources: Sources::default(),
            });
        }
        let restore = |pages: &mut BTreeMap<PathBuf, GuideOut>, old: Option<GuideOut>| {
            if let Some(old) = old {
                pages.insert(old.path.clone(), old);
            }
        };
        let (loaded, diags, source) = load::load_one(&book.root, &book.shown_root, path);
        let mut sources = Sources::default();
        if let Some((shown, text)) = source {
            sources.insert(shown, text);
        }
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(diags);
        let mut checked = validate::validate(loaded.into_iter().collect(), &book.root, &book.src);
        diagnostics.extend(std::mem::take(&mut checked.diagnostics));
        // A guide id must stay unique in the whole book.
        if let Some((g, r)) = checked.guides.first()
            && let Some(other) = pages.values().find(|p| p.card.id() == r.id)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::E009,
                    &g.shown,
                    format!("duplicate guide id `{}`", r.id),
                )
                .at(g.guide.id.as_ref().map_or(0..0, |i| i.span.clone()))
                .help(format!(
                    "`{}` uses it too; guide ids name the output files and must be unique",
                    crate::shown_path(&book.shown_root, &other.rel).display()
                )),
            );
        }
        diagnostics.sort();
        if diagnostics.has_errors() {
            restore(pages, old);
            return Err(Error::Content {
                diagnostics,
                sources,
            });
        }
        let Some((g, r)) = checked.guides.first() else {
            restore(pages, old);
            return Err(Error::Other(anyhow::anyhow!(
                "`{}` did not load",
                path.display()
            )));
        };
        let out = match renderer.guide(g, r, &checked.assets, target) {
            Ok(out) => out,
            Err(crate::render::Failed::Templates(d)) => {
                restore(pages, old);
                let mut diagnostics = Diagnostics::default();
                diagnostics.extend(d);
                return Err(Error::Content {
                    diagnostics,
                    sources: engine.sources(),
                });
            }
            Err(crate::render::Failed::Io(e)) => {
                restore(pages, old);
                return Err(Error::Other(e));
            }
        };
        if let Some(old) = &old {
            let stale: Vec<String> = old
                .files
                .iter()
                .filter(|f| !out.files.contains(f))
                .cloned()
                .collect();
            remove_files(&dest, &stale);
        }
        pages.insert(out.path.clone(), out);
        let mut order: Vec<&GuideOut> = pages.values().collect();
        order.sort_by(|a, b| (a.weight, &a.rel).cmp(&(b.weight, &b.rel)));
        let files = renderer
            .shared_files(order.into_iter().map(|p| &p.card), &checked.assets)
            .map_err(|d| content_error(*d, engine.sources()))?;
        write_files(target, files)?;
        Ok(Rebuilt {
            what: format!("guide {}", shown.display()),
            elapsed: start.elapsed(),
            diagnostics,
            sources,
        })
    }
}

fn content_error(d: Diagnostic, sources: Sources) -> Error {
    Error::Content {
        diagnostics: Diagnostics { items: vec![d] },
        sources,
    }
}

/// Removes output files (and the folders they leave empty).
fn remove_files(dest: &Path, files: &[String]) {
    for f in files {
        let p = dest.join(f);
        let _ = std::fs::remove_file(&p);
        if let Some(parent) = p.parent()
            && parent != dest
        {
            let _ = std::fs::remove_dir(parent);
        }
    }
}
