//! Render: turns one validated guide into the files of every configured output, and the book
//! into the files all guides share. It returns files and does no I/O: the pipeline writes them
//! (one guide at a time, so the watcher can re-render a single guide).

use std::path::PathBuf;

use super::entry::GuideEntry;
use super::{Engine, Output, RenderCx, view};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::OutFile;
use crate::source::load::LoadedGuide;
use crate::validate::{Asset, Resolved};
use crate::{book::Book, error::Error};

/// What rendering one guide produced.
#[derive(Debug, Clone)]
pub struct GuideOut {
    /// The guide file.
    pub path: PathBuf,
    pub rel: PathBuf,
    pub weight: i64,
    /// Where its `id:` is written (`None`: taken from its file name), for the id checks of a
    /// later rebuild.
    pub id_span: Option<std::ops::Range<usize>>,
    pub card: GuideEntry,
    /// Its files, relative to the output folder.
    pub files: Vec<String>,
    /// Problems that did not stop it (an image the PDF could not show).
    pub warnings: Vec<Diagnostic>,
}

/// A guide as its neighbours' previous/next links name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NavLink {
    pub id: String,
    /// Plain text.
    pub title: String,
}

impl NavLink {
    pub fn of(g: &LoadedGuide, r: &Resolved) -> NavLink {
        NavLink {
            id: r.id.clone(),
            title: crate::markdown::plain(&g.guide.title),
        }
    }
}

/// The guides before and after one in book order (a page's previous/next links), and the
/// languages the guide is written in (its page links each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbours {
    pub prev: Option<NavLink>,
    pub next: Option<NavLink>,
    /// Every language the guide exists in, its own among them; empty in a book of one language.
    pub languages: Vec<Alternate>,
}

/// A language a page exists in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternate {
    pub code: String,
    pub name: String,
    /// Its pages' folder in each output: `""` or `de/`.
    pub prefix: String,
}

impl Alternate {
    pub fn of(l: &crate::i18n::Language) -> Alternate {
        Alternate {
            code: l.code.clone(),
            name: l.name.clone(),
            prefix: l.prefix.clone(),
        }
    }
}

impl Neighbours {
    /// The neighbours of the `i`th of `order`.
    pub fn at(order: &[NavLink], i: usize) -> Neighbours {
        Neighbours {
            prev: i.checked_sub(1).and_then(|p| order.get(p)).cloned(),
            next: order.get(i + 1).cloned(),
            languages: Vec::new(),
        }
    }
}

/// The interface text the reader's scripts show (progress, copy buttons, the timer, search),
/// as JSON for a `<script type="application/json">` element (`<`, `>`, `&` escaped).
fn reader_strings(t: &crate::i18n::Strings) -> String {
    const KEYS: [&str; 23] = [
        "progress_done",
        "progress_left",
        "progress_reset",
        "progress_undo",
        "lightbox_close",
        "lightbox_full_size",
        "lightbox_fit",
        "index_filtered",
        "index_show_all",
        "step_done",
        "copy",
        "copied",
        "copy_label",
        "timer_start",
        "timer_stop",
        "timer_left",
        "timer_up",
        "timer_toast",
        "search_nothing",
        "search_step",
        "search_placeholder",
        "contents",
        "back_to_top",
    ];
    let map: serde_json::Map<String, serde_json::Value> = KEYS
        .iter()
        .map(|k| ((*k).to_owned(), serde_json::Value::from(t.get(k))))
        .collect();
    super::script_safe_json(serde_json::Value::Object(map).to_string())
}

/// The templates, book-level context and the outputs every page is rendered with.
pub struct Pages<'a> {
    engine: &'a Engine,
    /// The language these pages are in.
    lang: crate::i18n::Language,
    base: tera::Context,
    outputs: Vec<Box<dyn Output>>,
}

impl<'a> Pages<'a> {
    /// The pages of one language of the book.
    pub fn new(
        book: &Book,
        engine: &'a Engine,
        variant: &crate::variant::Variant,
        lang: &crate::i18n::Language,
    ) -> Self {
        let mut base = tera::Context::new();
        base.insert("book", &view::BookMeta::of(book, lang));
        base.insert("lang", &lang.code);
        base.insert("t", lang.strings.table());
        base.insert("reader_strings", &reader_strings(&lang.strings));
        base.insert("profile", &variant.profile);
        // Answers are set apart as instructor text in the instructor edition; elsewhere (a book
        // that reveals them) they are the reader's, collapsed like hints.
        base.insert("instructor_edition", &variant.instructor());
        // `[output.html] offline`: the pages register the service worker (`sw.js`).
        let offline = book.config.outputs().html.is_some_and(|h| h.offline);
        base.insert("offline", &offline);
        // A page's one absolute address; set by the pages that have one.
        base.insert("canonical", &Option::<String>::None);
        base.insert(
            "variables",
            &crate::variables::nested(&variant.book_level()),
        );
        Pages {
            engine,
            lang: lang.clone(),
            base,
            outputs: super::outputs(book, engine),
        }
    }

    fn cx<'c>(&'c self, assets: &'c [Asset], nav: &'c Neighbours) -> RenderCx<'c> {
        RenderCx {
            nav,
            lang: &self.lang,
            engine: self.engine,
            base: &self.base,
            outputs: &self.outputs,
            assets,
        }
    }

    /// The folder of each configured output (made even when no guide puts a file in it).
    pub fn folders(&self) -> Vec<&'static str> {
        self.outputs.iter().map(|o| o.folder()).collect()
    }

    /// Renders one guide's pages; `nav` names the guides before and after it.
    pub fn guide(
        &self,
        g: &LoadedGuide,
        r: &Resolved,
        assets: &[Asset],
        nav: &Neighbours,
    ) -> Result<(GuideOut, Vec<OutFile>), Vec<Diagnostic>> {
        let checked = crate::validate::CheckedGuide::new(&g.guide, r);
        let locale = view::Locale {
            strings: &self.lang.strings,
            depth: self.lang.depth(),
        };
        let mut view = view::guide(checked, assets, &g.rel.to_string_lossy(), locale);
        view.variables = crate::variables::nested(&g.variables);
        let value = tera::Value::from_serializable(&view);
        let cx = self.cx(assets, nav);
        let mut files: Vec<OutFile> = Vec::with_capacity(4);
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for out in &self.outputs {
            for r in out.guide(&cx, &value, &view.id) {
                match r {
                    Ok(f) => files.push(f),
                    Err(d) if !d.is_error() => warnings.push(*d),
                    Err(d) => errors.push(*d),
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let names = files.iter().map(|f| f.to().to_owned()).collect();
        let out = GuideOut {
            path: g.path.clone(),
            rel: g.rel.clone(),
            weight: g.guide.weight,
            id_span: g.guide.id.as_ref().map(|i| i.span.clone()),
            card: GuideEntry::of(&view, &self.lang),
            files: names,
            warnings,
        };
        Ok((out, files))
    }

    /// The files shared by this language's guides (its index page and search index);
    /// `languages` are the book's, for the index's links to the others.
    pub fn shared_files<'c>(
        &self,
        cards: impl IntoIterator<Item = &'c GuideEntry>,
        assets: &[Asset],
        languages: &[Alternate],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let cards: Vec<&GuideEntry> = cards.into_iter().collect();
        let around = Neighbours {
            languages: languages.to_vec(),
            ..Neighbours::default()
        };
        let cx = self.cx(assets, &around);
        let mut files = Vec::new();
        for out in &self.outputs {
            files.extend(out.shared(&cx, &cards, assets)?);
        }
        Ok(files)
    }

    /// Writes this language's search index with `write`, file by file as each is made (the
    /// parts of a large book's index are never all in memory).
    pub fn write_search<'c, E>(
        &self,
        cards: impl IntoIterator<Item = &'c GuideEntry>,
        assets: &[Asset],
        mut write: impl FnMut(OutFile) -> Result<(), E>,
    ) -> Result<(), E> {
        let cards: Vec<&GuideEntry> = cards.into_iter().collect();
        let none = Neighbours::default();
        let cx = self.cx(assets, &none);
        for out in &self.outputs {
            for file in out.search(&cx, &cards) {
                write(file)?;
            }
        }
        Ok(())
    }

    /// The files of the whole site, once for all languages: the theme files, the local
    /// screenshots copied into each output that shows images, the 404 page and the sitemap of
    /// every guide in every language (`all`).
    pub fn site_files<'c>(
        &self,
        all: impl IntoIterator<Item = &'c GuideEntry>,
        assets: &[Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let all: Vec<&GuideEntry> = all.into_iter().collect();
        let none = Neighbours::default();
        let cx = self.cx(assets, &none);
        let mut files = Vec::new();
        for out in &self.outputs {
            files.extend(out.site(&cx, &all, assets)?);
        }
        Ok(files)
    }

    /// Template problems as the error a build stops with, with the templates as sources.
    pub fn content_error(&self, diagnostics: Vec<Diagnostic>) -> Error {
        let mut d = Diagnostics::default();
        d.extend(diagnostics);
        d.sort();
        Error::Content {
            diagnostics: d,
            sources: self.engine.sources(),
        }
    }
}
