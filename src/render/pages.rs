//! Render: turns validated guides into written pages, one guide at a time (so the watcher can
//! re-render a single guide) or the whole book in parallel.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Context;
use rayon::prelude::*;

use super::{Engine, checklist, html, markdown, view};
use crate::config::OutputTable;
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

/// The templates, book-level context and settings every page is rendered with.
pub struct Pages<'a> {
    engine: &'a Engine,
    base: tera::Context,
    outputs: OutputTable,
    checklist_css: String,
}

impl<'a> Pages<'a> {
    pub fn new(book: &Book, engine: &'a Engine) -> Self {
        let mut base = tera::Context::new();
        base.insert("book", &view::BookMeta::of(book));
        Pages {
            engine,
            base,
            outputs: book.config.outputs(),
            checklist_css: engine
                .theme
                .get("checklist.css")
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        }
    }

    /// Creates the folder of each configured output.
    pub fn create_dirs(&self, target: Target) -> anyhow::Result<()> {
        let enabled = [
            (self.outputs.html.is_some(), "html"),
            (self.outputs.markdown.is_some(), "markdown"),
            (self.outputs.checklist.is_some(), "checklist"),
        ];
        for dir in enabled.iter().filter(|(on, _)| *on).map(|(_, d)| d) {
            let p = target.dir.join(dir);
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
        let view = view::guide(&g.guide, r, assets, &g.rel.to_string_lossy());
        let value = tera::Value::from_serializable(&view);
        let mut files: Vec<OutFile> = Vec::with_capacity(4);
        let mut errors = Vec::new();
        let mut keep = |r: Result<OutFile, Box<Diagnostic>>| match r {
            Ok(f) => files.push(f),
            Err(d) => errors.push(*d),
        };
        let (engine, base, id) = (self.engine, &self.base, &view.id);
        if let Some(cfg) = &self.outputs.html {
            keep(html::page(
                engine,
                base,
                &value,
                id,
                cfg,
                self.outputs.checklist.is_some(),
            ));
        }
        if self.outputs.markdown.is_some() {
            keep(markdown::page(engine, base, &value, id));
        }
        if let Some(cfg) = &self.outputs.checklist {
            let html = self.outputs.html.is_some();
            let ctx = checklist::context(base, &value, id, cfg, &self.checklist_css, html);
            keep(checklist::html(engine, &ctx, id));
            keep(checklist::markdown(engine, &ctx, id));
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

    /// The index page, the theme files and the local screenshots.
    pub fn shared_files<'c>(
        &self,
        cards: impl IntoIterator<Item = &'c html::GuideCard>,
        assets: &[Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let mut files = Vec::new();
        if let Some(cfg) = &self.outputs.html {
            let cards: Vec<&html::GuideCard> = cards.into_iter().collect();
            let checklists = self.outputs.checklist.is_some();
            files.push(html::index(
                self.engine,
                &self.base,
                &cards,
                cfg,
                checklists,
            )?);
            for (name, bytes) in &self.engine.theme {
                files.push(OutFile::Bytes {
                    to: crate::layout::theme_file(name),
                    bytes: bytes.clone(),
                });
            }
        }
        // Local screenshots: copied once into each output that shows images.
        for (enabled, html) in [
            (self.outputs.html.is_some(), true),
            (self.outputs.markdown.is_some(), false),
        ] {
            if enabled {
                files.extend(assets.iter().map(|a| OutFile::Copy {
                    to: crate::layout::media_file(html, &a.out),
                    from: a.path.clone(),
                }));
            }
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
