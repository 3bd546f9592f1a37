//! Pipeline: checking one guide — read (or given) text, its language, the profile's variant,
//! then validation, a translation against its source. The full build, the family-at-a-time
//! stream, `watch`, the language server and `handouts` all check a guide with [`check_guide`],
//! so they report the same problems.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::book::Book;
use crate::diag::Diagnostic;
use crate::source::load::{self, LoadedGuide};
use crate::validate::{self, Resolved};
use crate::variant::Variant;

/// Where a guide's text comes from.
#[derive(Debug, Clone, Copy)]
pub enum Text<'a> {
    /// Read from its file (regular files only, capped, as everywhere).
    File(&'a Path),
    /// Given: an editor's unsaved buffer of the guide at this path.
    Given(&'a Path, &'a Arc<str>),
}

/// What one guide is checked with.
#[derive(Clone, Copy)]
pub struct GuideInput<'a> {
    pub book: &'a Book,
    /// The checks' shared caches (the book's files by name).
    pub cx: &'a validate::Context<'a>,
    /// The profile it is checked for.
    pub variant: &'a Variant,
    /// A translation's language (`None`: the book's); see
    /// [`validate::translations::of_file`].
    pub lang: Option<&'a str>,
    /// A translation's source, checked: the translation takes its ids.
    pub source: Option<SourceGuide<'a>>,
}

/// A translation's source, as its translations are checked against it.
#[derive(Clone, Copy)]
pub struct SourceGuide<'a> {
    pub resolved: &'a Resolved,
    /// The source's tree, for the drift warnings (`None`: none are made, as when a guide is
    /// checked again only to be rendered).
    pub guide: Option<&'a LoadedGuide>,
}

/// A guide that parsed, checked (it may still have errors: see [`GuideCheck::diagnostics`]).
#[derive(Debug)]
pub struct GuideTree {
    pub guide: LoadedGuide,
    pub resolved: Resolved,
    /// Its local images by path, in order of use: its `Image::Local(i)` are indices here until
    /// the caller numbers them for the book ([`validate::renumber`]).
    pub locals: Vec<PathBuf>,
}

impl GuideTree {
    /// The guide as a book of its own: its local images numbered as the book's assets (what
    /// `watch` rebuilds and `handouts` prints, one guide at a time).
    pub fn alone(self, book: &Book) -> (LoadedGuide, Resolved, Vec<validate::Asset>) {
        let GuideTree {
            guide,
            mut resolved,
            locals,
        } = self;
        let mut table = validate::AssetTable::default();
        let map: Vec<usize> = locals
            .into_iter()
            .map(|p| table.index(p, &book.root, &book.src))
            .collect();
        validate::renumber(&mut resolved, &map);
        (guide, resolved, table.into_assets())
    }

    /// [`GuideTree::alone`], with its remote screenshots copied in when book.toml (or the
    /// command line) asks for `remote-images = "copy"` (`watch` rebuilding one guide,
    /// `handouts`), and W022 for those that could not be had.
    pub fn alone_with_copies(
        self,
        book: &Book,
    ) -> (LoadedGuide, Resolved, Vec<validate::Asset>, Vec<Diagnostic>) {
        let (guide, mut resolved, mut assets) = self.alone(book);
        let problems = if book.config.output.remote_images == crate::config::RemoteImages::Copy {
            let g = &guide;
            crate::remote::copy_one(book, &g.guide, &g.shown, &mut resolved, &mut assets)
        } else {
            Vec::new()
        };
        (guide, resolved, assets, problems)
    }
}

/// One guide checked.
#[derive(Debug)]
pub struct GuideCheck {
    /// `None` when it did not load (its problems say why).
    pub checked: Option<GuideTree>,
    /// Its own problems (book-level ones, such as a duplicate id, are the caller's: see
    /// [`validate::id_problems`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The text read, by its shown path, for the problems' snippets.
    pub text: Option<(PathBuf, Arc<str>)>,
}

/// Checks one guide: load, language, variant, validation.
pub fn check_guide(text: Text<'_>, input: GuideInput<'_>) -> GuideCheck {
    let book = input.book;
    let (loaded, mut diagnostics, read) = match text {
        Text::File(path) => load::load_one(&book.root, &book.shown_root, path),
        Text::Given(path, t) => load::load_text(&book.root, &book.shown_root, path, t.clone()),
    };
    let Some(mut g) = loaded else {
        return GuideCheck {
            checked: None,
            diagnostics,
            text: read,
        };
    };
    g.lang = input.lang.map(str::to_owned);
    let (g, vd) = crate::variant::apply(g, input.variant);
    diagnostics.extend(vd);
    let (resolved, gd, locals) = match input.source.filter(|_| g.lang.is_some()) {
        Some(SourceGuide {
            resolved,
            guide: Some(sg),
        }) => input.cx.member(&g, Some((sg, resolved))),
        Some(SourceGuide { resolved, .. }) => input.cx.guide(&g, Some(resolved)),
        None => input.cx.guide(&g, None),
    };
    diagnostics.extend(gd);
    if book
        .config
        .outputs()
        .pdf
        .is_some_and(|p| p.standard.is_some())
    {
        accessible_alt(&mut diagnostics);
    }
    GuideCheck {
        checked: Some(GuideTree {
            guide: g,
            resolved,
            locals,
        }),
        diagnostics,
        text: read,
    }
}

/// Under `[output.pdf] standard = "ua-1"` a screenshot without alt text cannot be in the PDF
/// (PDF/UA requires every image described): its W001/W002 is an error.
fn accessible_alt(diagnostics: &mut [Diagnostic]) {
    use crate::diag::{Code, Severity};
    for d in diagnostics
        .iter_mut()
        .filter(|d| matches!(d.code, Code::W001 | Code::W002))
    {
        d.severity = Severity::Error;
        let why = "`[output.pdf] standard = \"ua-1\"` requires alt text on every screenshot";
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h}; {why}"),
            None => why.to_owned(),
        });
    }
}
