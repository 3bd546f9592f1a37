//! Pipeline: incremental rebuilds. What a full build produced is kept ([`Built`]), so a change
//! to one guide file loads, checks and renders that guide alone and rewrites its pages and the
//! index in the live output, each file replaced atomically. Everything else is a full build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::guide::{GuideCheck, GuideInput, GuideTree, Text, check_guide};
use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::output::{MARKER, Target, write_files};
use crate::render::{Engine, GuideOut, NavLink, Neighbours, Pages};
use crate::source::load::LoadedGuide;
use crate::validate::Resolved;
use crate::{book::Book, error::Error, source::load, validate};

/// A finished build, kept for rebuilding one guide at a time.
pub struct Built {
    pub book: Book,
    /// The live output folder.
    pub dest: PathBuf,
    engine: Engine,
    /// The book's language (a book of several is rebuilt whole).
    lang: crate::i18n::Language,
    /// Guide file → its pages in the live output.
    pages: BTreeMap<PathBuf, GuideOut>,
}

/// What rebuilding one guide did.
#[derive(Debug)]
pub struct GuideRebuilt {
    /// "guide content/x.yaml" or "removed content/x.yaml".
    pub what: String,
    /// Warnings (a rebuild with errors is an `Err`).
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

impl Built {
    /// Keeps what a full build ([`super::build_kept`]) produced.
    pub fn new(book: Book, dest: PathBuf, engine: Engine, pages: Vec<GuideOut>) -> Built {
        let pages = pages.into_iter().map(|p| (p.path.clone(), p)).collect();
        let lang = book.languages().swap_remove(0);
        Built {
            lang,
            book,
            dest,
            engine,
            pages,
        }
    }

    /// Rebuilds after a change to the guide file at `path` (edited, created or deleted).
    /// `Ok(None)`: this cannot be done one guide at a time (the output folder was removed or
    /// replaced behind our back); the caller runs a full build.
    pub fn rebuild_guide(&mut self, path: &Path) -> Result<Option<GuideRebuilt>, Error> {
        // A translation takes its source's anchors, and every page links its translations:
        // in a book of several languages, any change rebuilds everything.
        if !self.dest.join(MARKER).is_file() || !self.book.config.languages.is_empty() {
            // Writing one guide's pages into a missing output would leave a partial one that
            // later builds refuse to replace.
            return Ok(None);
        }
        let shown = crate::diag::shown_path(
            &self.book.shown_root,
            path.strip_prefix(&self.book.root).unwrap_or(path),
        );
        // The book's order and links as they were, worked out only when they may have changed
        // (10,000 guides: two sorts of the book per edit otherwise): a guide that is new, or
        // whose title, id or place changed, or that went.
        let new_guide = !self.pages.contains_key(path);
        let fresh = new_guide.then(|| self.neighbours(None));
        let old = self.pages.remove(path);
        let nav_of = |p: &GuideOut| (p.weight, p.rel.clone(), p.path.clone(), p.card.nav());
        let old_nav = old.as_ref().map(nav_of);
        let before = |s: &Self| {
            fresh
                .clone()
                .unwrap_or_else(|| s.neighbours(old_nav.clone()))
        };
        if !load::is_plain_file(path) {
            // Deleted, renamed away or replaced by a link: its pages go, the index changes.
            let before = before(self);
            if let Some(old) = old {
                remove_files(&self.dest, &old.files);
            }
            self.refresh_neighbours(&before, path);
            self.write_index(&[])?;
            return Ok(Some(GuideRebuilt {
                what: format!("removed {}", shown.display()),
                diagnostics: Diagnostics::default(),
                sources: Sources::default(),
            }));
        }
        let result = self.rewrite(path, old.as_ref());
        match result {
            Ok((out, diagnostics, sources)) => {
                let moved = old_nav != Some(nav_of(&out));
                self.pages.insert(out.path.clone(), out);
                if moved {
                    let before = before(self);
                    self.refresh_neighbours(&before, path);
                }
                Ok(Some(GuideRebuilt {
                    what: format!("guide {}", shown.display()),
                    diagnostics,
                    sources,
                }))
            }
            Err(e) => {
                // The last good pages stay, and so does what we know of them.
                if let Some(old) = old {
                    self.pages.insert(old.path.clone(), old);
                }
                Err(e)
            }
        }
    }

    /// Loads, checks and renders the guide at `path` into the live output, then the index.
    fn rewrite(
        &self,
        path: &Path,
        old: Option<&GuideOut>,
    ) -> Result<(GuideOut, Diagnostics, Sources), Error> {
        let (g, r, assets, diagnostics, sources) = self.check(path)?;
        let me = (
            g.guide.weight,
            g.rel.clone(),
            path.to_owned(),
            NavLink::of(&g, &r),
        );
        let nav = self.neighbours(Some(me)).remove(path).unwrap_or_default();
        let out = self.render_live(&g, &r, &assets, &nav, old)?;
        let (mut diagnostics, mut sources) = (diagnostics, sources);
        diagnostics.extend(out.warnings.iter().cloned());
        super::warned_text(&out, &mut sources);
        let cards = self
            .pages
            .values()
            .filter(|p| p.path != out.path)
            .chain(std::iter::once(&out))
            .collect();
        self.write_index_of(cards, &assets)?;
        Ok((out, diagnostics, sources))
    }

    /// Renders a checked guide into the live output and removes the files its last rendering
    /// wrote that this one did not.
    fn render_live(
        &self,
        g: &LoadedGuide,
        r: &Resolved,
        assets: &[validate::Asset],
        nav: &Neighbours,
        old: Option<&GuideOut>,
    ) -> Result<GuideOut, Error> {
        let renderer = self.renderer();
        let (out, files) = renderer
            .guide(g, r, assets, nav)
            .map_err(|d| renderer.content_error(d))?;
        write_files(self.target(), files)?;
        if let Some(old) = old {
            let stale: Vec<String> = old
                .files
                .iter()
                .filter(|f| !out.files.contains(f))
                .cloned()
                .collect();
            remove_files(&self.dest, &stale);
        }
        Ok(out)
    }

    /// Each guide's neighbours in book order, from the guides known now (and `extra`, a guide
    /// about to be rendered: weight, relative path, file, link).
    fn neighbours(
        &self,
        extra: Option<(i64, PathBuf, PathBuf, NavLink)>,
    ) -> BTreeMap<PathBuf, Neighbours> {
        let skip = extra.as_ref().map(|e| e.2.clone());
        let mut entries: Vec<(i64, PathBuf, PathBuf, NavLink)> = self
            .pages
            .values()
            .filter(|p| skip.as_ref() != Some(&p.path))
            .map(|p| (p.weight, p.rel.clone(), p.path.clone(), p.card.nav()))
            .chain(extra)
            .collect();
        entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let order: Vec<NavLink> = entries.iter().map(|e| e.3.clone()).collect();
        entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| (e.2, Neighbours::at(&order, i)))
            .collect()
    }

    /// Re-renders the guides (other than `changed`) whose previous or next guide differs from
    /// `before`: a title, id or order changed, or a guide came or went. A neighbour that no
    /// longer checks keeps its last good pages (its own change event reports it).
    fn refresh_neighbours(&mut self, before: &BTreeMap<PathBuf, Neighbours>, changed: &Path) {
        let after = self.neighbours(None);
        for (path, nav) in after {
            if path == changed || before.get(&path) == Some(&nav) {
                continue;
            }
            let Ok((g, r, assets, _, _)) = self.check(&path) else {
                continue;
            };
            if let Ok(out) = self.render_live(&g, &r, &assets, &nav, self.pages.get(&path)) {
                self.pages.insert(path, out);
            }
        }
    }

    /// Checks one guide as the full build does, its id against the other guides', and numbers
    /// its images.
    #[allow(clippy::type_complexity)]
    fn check(
        &self,
        path: &Path,
    ) -> Result<
        (
            LoadedGuide,
            Resolved,
            Vec<validate::Asset>,
            Diagnostics,
            Sources,
        ),
        Error,
    > {
        let book = &self.book;
        let langs = validate::Languages::of(&book.config);
        let shown = crate::diag::shown_path(
            &book.shown_root,
            path.strip_prefix(&book.root).unwrap_or(path),
        );
        let mut diagnostics = Diagnostics::default();
        let lang = match validate::translations::of_file(path, &shown, &langs) {
            Ok(lang) => lang,
            Err(d) => {
                diagnostics.push(*d);
                None
            }
        };
        let variant = book.variant();
        let cx = validate::Context::new(&book.root, &book.src);
        let input = GuideInput {
            book,
            cx: &cx,
            variant: &variant,
            lang: lang.as_deref(),
            source: None,
        };
        let GuideCheck {
            checked,
            diagnostics: found,
            text,
        } = check_guide(Text::File(path), input);
        diagnostics.extend(found);
        let mut sources = Sources::default();
        if let Some((shown, text)) = text {
            sources.insert(shown, text);
        }
        if let Some(c) = &checked {
            diagnostics.extend(self.id_problems(path, c, &langs));
        }
        diagnostics.sort();
        if diagnostics.has_errors() {
            return Err(Error::Content {
                diagnostics,
                sources,
            });
        }
        let Some(tree) = checked else {
            return Err(Error::Other(anyhow::anyhow!(
                "`{}` did not load",
                path.display()
            )));
        };
        let (guide, resolved, assets, problems) = tree.alone_with_copies(book);
        if !problems.is_empty() && sources.get(&guide.shown).is_none() {
            sources.insert(guide.shown.clone(), guide.text.clone());
        }
        diagnostics.extend(problems);
        Ok((guide, resolved, assets, diagnostics, sources))
    }

    /// The book-level id problems with this guide as it is now among the guides built.
    fn id_problems(
        &self,
        path: &Path,
        c: &GuideTree,
        langs: &validate::Languages,
    ) -> Vec<Diagnostic> {
        let shown_root = &self.book.shown_root;
        let others: Vec<(PathBuf, &GuideOut)> = self
            .pages
            .values()
            .filter(|p| p.path != path && p.card.id() == c.resolved.id)
            .map(|p| (crate::diag::shown_path(shown_root, &p.rel), p))
            .collect();
        let this = (
            validate::IdOf::new(&c.guide, &c.resolved.id),
            (c.guide.guide.weight, c.guide.rel.as_path()),
        );
        let others = others.iter().map(|(shown, p)| {
            let id = validate::IdOf {
                lang: None,
                id: p.card.id(),
                shown,
                id_span: p.id_span.clone(),
            };
            (id, (p.weight, p.rel.as_path()))
        });
        validate::id_problems_among(this, others, langs)
    }

    /// Rewrites the index and shared files from the guides known now.
    fn write_index(&self, assets: &[validate::Asset]) -> Result<(), Error> {
        self.write_index_of(self.pages.values().collect(), assets)
    }

    /// Rewrites the index, the search index and the site's files from `pages` (in any order:
    /// they are put in book order).
    fn write_index_of(
        &self,
        mut pages: Vec<&GuideOut>,
        assets: &[validate::Asset],
    ) -> Result<(), Error> {
        let renderer = self.renderer();
        pages.sort_by(|a, b| (a.weight, &a.rel).cmp(&(b.weight, &b.rel)));
        let mut files = renderer
            .shared_files(pages.iter().map(|p| &p.card), assets, &[])
            .map_err(|d| content_error(*d, self.engine.sources()))?;
        files.extend(
            renderer
                .site_files(pages.iter().map(|p| &p.card), assets)
                .map_err(|d| content_error(*d, self.engine.sources()))?,
        );
        renderer.write_search(pages.iter().map(|p| &p.card), assets, |f| {
            files.push(f);
            Ok::<(), Error>(())
        })?;
        write_files(self.target(), files)?;
        // The service worker names and hashes every file: a reader's worker picks up the
        // change on the next visit.
        if self.book.config.outputs().html.is_some_and(|h| h.offline) {
            let mut written = live_files(&self.dest);
            super::service_worker(
                &self.book,
                &self.engine,
                self.target(),
                &pages,
                &mut written,
            )?;
        }
        Ok(())
    }

    /// The pages of the book's language, rendered with the kept templates.
    fn renderer(&self) -> Pages<'_> {
        Pages::new(&self.book, &self.engine, &self.book.variant(), &self.lang)
    }

    fn target(&self) -> Target<'_> {
        Target {
            dir: &self.dest,
            previous: None,
            in_place: true,
        }
    }
}

/// Every file of the live output, relative to it with `/` (links are not followed).
fn live_files(dest: &Path) -> std::collections::HashSet<String> {
    walkdir::WalkDir::new(dest)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dest).ok()?;
            let parts: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
            Some(parts.join("/"))
        })
        .collect()
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
