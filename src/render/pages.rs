//! Render: turns validated guides into written pages, one guide at a time (so the watcher can
//! re-render a single guide) or the whole book in parallel.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Context;
use rayon::prelude::*;

use super::{Engine, Output, RenderCx, html, view};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::LoadedGuide;
use crate::output::{OutFile, Target, write_files};
use crate::validate::{Asset, Checked, Resolved};
use crate::{Book, Error};

/// What rendering one guide produced.
#[derive(Debug, Clone)]
pub struct GuideOut {
    /// The guide file.
    pub path: PathBuf,
    pub rel: PathBuf,
    pub weight: i64,
    pub card: html::GuideCard,
    /// Files written, relative to the output folder.
    pub files: Vec<String>,
}

/// What a render wrote.
pub struct Rendered {
    /// Every file, relative to the output folder with `/`.
    pub written: HashSet<String>,
    /// Each guide's pages, in book order.
    pub guides: Vec<GuideOut>,
}

/// Why one guide's pages could not be written.
pub enum Failed {
    Templates(Vec<Diagnostic>),
    Io(anyhow::Error),
}

/// The templates, book-level context and the outputs every page is rendered with.
pub struct Pages<'a> {
    engine: &'a Engine,
    base: tera::Context,
    outputs: Vec<Box<dyn Output>>,
    /// Which outputs are on, for the links between them.
    html: bool,
    checklist: bool,
}

impl<'a> Pages<'a> {
    pub fn new(book: &Book, engine: &'a Engine) -> Self {
        let mut base = tera::Context::new();
        base.insert("book", &view::BookMeta::of(book));
        let on = book.config.outputs();
        Pages {
            engine,
            base,
            outputs: super::outputs(&book.config, engine),
            html: on.html.is_some(),
            checklist: on.checklist.is_some(),
        }
    }

    fn cx(&self) -> RenderCx<'_> {
        RenderCx {
            engine: self.engine,
            base: &self.base,
            html: self.html,
            checklist: self.checklist,
        }
    }

    /// Creates the folder of each configured output.
    pub fn create_dirs(&self, target: Target) -> anyhow::Result<()> {
        for out in &self.outputs {
            let p = target.dir.join(out.folder());
            std::fs::create_dir_all(&p)
                .with_context(|| format!("failed to create `{}`", p.display()))?;
        }
        Ok(())
    }

    /// Renders and writes one guide's pages.
    pub fn guide(
        &self,
        g: &LoadedGuide,
        r: &Resolved,
        assets: &[Asset],
        target: Target,
    ) -> Result<GuideOut, Failed> {
        let checked = crate::validate::CheckedGuide::new(&g.guide, r);
        let view = view::guide(checked, assets, &g.rel.to_string_lossy());
        let value = tera::Value::from_serializable(&view);
        let cx = self.cx();
        let mut files: Vec<OutFile> = Vec::with_capacity(4);
        let mut errors = Vec::new();
        for out in &self.outputs {
            for r in out.guide(&cx, &value, &view.id) {
                match r {
                    Ok(f) => files.push(f),
                    Err(d) => errors.push(*d),
                }
            }
        }
        if !errors.is_empty() {
            return Err(Failed::Templates(errors));
        }
        let names = files.iter().map(|f| f.to().to_owned()).collect();
        write_files(target, files).map_err(Failed::Io)?;
        Ok(GuideOut {
            path: g.path.clone(),
            rel: g.rel.clone(),
            weight: g.guide.weight,
            card: html::GuideCard::of(&view),
            files: names,
        })
    }

    /// The files shared by all guides: the index page, the theme files and the local
    /// screenshots copied into each output that shows images.
    pub fn shared_files<'c>(
        &self,
        cards: impl IntoIterator<Item = &'c html::GuideCard>,
        assets: &[Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let cards: Vec<&html::GuideCard> = cards.into_iter().collect();
        let cx = self.cx();
        let mut files = Vec::new();
        for out in &self.outputs {
            files.extend(out.shared(&cx, &cards, assets)?);
        }
        Ok(files)
    }

    fn content_error(&self, diagnostics: Vec<Diagnostic>) -> Error {
        let mut d = Diagnostics::default();
        d.extend(diagnostics);
        d.sort();
        Error::Content {
            diagnostics: d,
            sources: self.engine.sources(),
        }
    }
}

/// Renders every configured output of the checked book into the target: each guide's pages are
/// rendered and written in one pass, in parallel across guides, and each guide's model is
/// dropped as soon as its pages are written (which keeps the peak memory of a big book down).
pub fn render_all(
    book: &Book,
    checked: Checked,
    engine: &Engine,
    target: Target,
) -> Result<Rendered, Error> {
    let pages = Pages::new(book, engine);
    pages.create_dirs(target)?;
    let assets = &checked.assets;
    let results: Vec<Result<GuideOut, Failed>> = checked
        .guides
        .into_par_iter()
        .map(|(g, r)| pages.guide(&g, &r, assets, target))
        .collect();
    let mut guides = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(out) => guides.push(out),
            Err(Failed::Templates(d)) => errors.extend(d),
            Err(Failed::Io(e)) => return Err(Error::Other(e)),
        }
    }
    if !errors.is_empty() {
        return Err(pages.content_error(errors));
    }
    let files = pages
        .shared_files(guides.iter().map(|g| &g.card), assets)
        .map_err(|d| pages.content_error(vec![*d]))?;
    let mut written: HashSet<String> = guides
        .iter()
        .flat_map(|g| g.files.iter().cloned())
        .collect();
    written.extend(files.iter().map(|f| f.to().to_owned()));
    write_files(target, files)?;
    Ok(Rendered { written, guides })
}
