//! The language server's view of one book: its configuration (from book.toml's unsaved text
//! when the editor has it open) and, for every guide file, what the book-level checks need
//! (language, id, place in book order). With it an open guide is checked as `check` checks it
//! in its book: a guide id another guide has, a translation against its source.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::pipeline::{GuideInput, GuideTree, SourceGuide, Text, check_guide};
use crate::source::load::LoadedGuide;
use crate::validate::{self, Languages, Resolved};
use crate::{book::Book, source::load};

/// A book as the editor sees it (cloned when it changes while a check still reads it).
#[derive(Clone)]
pub struct Project {
    pub book: Book,
    /// The book.toml text the book was opened with (to tell when it changed).
    pub config_text: String,
    langs: Languages,
    /// Every guide file of the book, by canonical path.
    guides: HashMap<PathBuf, Known>,
    /// Whether `guides` has been read from the book, not only from the open guides.
    complete: bool,
}

/// What the book-level checks need of every guide of a book, read on another thread.
#[derive(Default)]
pub struct Index(HashMap<PathBuf, Known>);

/// What the book-level checks need to know of a guide.
#[derive(Debug, Clone)]
struct Known {
    rel: PathBuf,
    shown: PathBuf,
    weight: i64,
    lang: Option<String>,
    id: String,
    id_span: Option<Range<usize>>,
}

/// Texts the editor holds that differ from the files: `text(path)` is the unsaved text of an
/// open guide, `None` for a closed one (read from disk).
pub type Unsaved<'a> = &'a dyn Fn(&Path) -> Option<Arc<str>>;

impl Project {
    /// Opens the book in `root` with book.toml's `config_text`. What it knows of the book's
    /// guides comes from [`Project::reader`], run on another thread, and [`Project::install`]:
    /// until then only the open guides are known.
    pub fn open(root: &Path, config_text: &str) -> Result<Project, crate::error::Error> {
        let book = Book::open_text(root, config_text)?;
        let langs = Languages::of(&book.config);
        Ok(Project {
            book,
            config_text: config_text.to_owned(),
            langs,
            guides: HashMap::new(),
            complete: false,
        })
    }

    /// A job that reads every guide of the book once for its id and language (in parallel: 0.1 s
    /// for 1,000 guides, 0.7 s for 10,000).
    pub fn reader(&self) -> impl FnOnce() -> Index + Send + 'static {
        let (book, langs) = (self.book.clone(), self.langs.clone());
        move || {
            let files = load::find_guides(&book.src).files;
            let known = files
                .par_iter()
                .filter_map(|p| {
                    let (g, _, _) = load::load_one(&book.root, &book.shown_root, p);
                    Some((p.clone(), known(&g?, &langs)))
                })
                .collect();
            Index(known)
        }
    }

    /// What [`Project::reader`] read; the open guides' unsaved texts are to be given again with
    /// [`Project::update`].
    pub fn install(&mut self, index: Index) {
        self.guides = index.0;
        self.take_source_ids();
        self.complete = true;
    }

    /// Is every guide of the book known (the book-level checks are whole)?
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// A translation takes its source's id (which may be written in the source's `id:`).
    fn take_source_ids(&mut self) {
        let by_key: HashMap<PathBuf, String> = self
            .guides
            .values()
            .filter(|k| k.lang.is_none())
            .map(|k| {
                (
                    validate::translations::source_key(&k.rel, None),
                    k.id.clone(),
                )
            })
            .collect();
        for k in self.guides.values_mut() {
            if let Some(lang) = k.lang.as_deref()
                && let Some(id) =
                    by_key.get(&validate::translations::source_key(&k.rel, Some(lang)))
            {
                k.id = id.clone();
            }
        }
    }

    /// What is known of the guide at `path` now holds for `text` (an edit in the editor, a
    /// save, a new file); a text that does not parse leaves the last known state. Whether
    /// that changed what other guides' checks see (its id, language or place).
    pub fn update(&mut self, path: &Path, text: &str) -> bool {
        let path = &canonical(path);
        let (g, _, _) = load::load_text(
            &self.book.root,
            &self.book.shown_root,
            path,
            Arc::from(text),
        );
        let Some(g) = g else { return false };
        let new = known(&g, &self.langs);
        let same = |old: &Known| {
            (old.lang == new.lang && old.weight == new.weight)
                && (old.id == new.id || new.lang.is_some())
                && old.id_span == new.id_span
        };
        if self.guides.get(path).is_some_and(same) {
            return false;
        }
        self.guides.insert(path.to_path_buf(), new);
        self.take_source_ids();
        true
    }

    /// The guide at `path` is gone.
    pub fn remove(&mut self, path: &Path) {
        self.guides.remove(&canonical(path));
    }

    /// What a guide and its translations share (see
    /// [`validate::translations::source_key`]), for a guide the project knows.
    pub fn family(&self, path: &Path) -> Option<PathBuf> {
        let k = self.guides.get(&canonical(path))?;
        Some(validate::translations::source_key(
            &k.rel,
            k.lang.as_deref(),
        ))
    }

    /// The problems `check` would report in the guide at `path` if it held `text` (with the
    /// other guides as `unsaved` or on disk), and the guide when it parsed.
    pub fn check(
        &self,
        path: &Path,
        text: &str,
        unsaved: Unsaved,
    ) -> (Vec<Diagnostic>, Option<super::Checked>) {
        let book = &self.book;
        let mut diags = Vec::new();
        let shown = crate::diag::shown_path(
            &book.shown_root,
            path.strip_prefix(&book.root).unwrap_or(path),
        );
        let lang = match validate::translations::of_file(path, &shown, &self.langs) {
            Ok(lang) => lang,
            Err(d) => {
                diags.push(*d);
                None
            }
        };
        let variant = book.variant();
        let cx = validate::Context::new(&book.root, &book.src);
        let source = lang
            .is_some()
            .then(|| self.source_of(path, &cx, &variant, unsaved))
            .flatten();
        let input = GuideInput {
            book,
            cx: &cx,
            variant: &variant,
            lang: lang.as_deref(),
            source: source.as_ref().map(|(g, r)| SourceGuide {
                resolved: r,
                guide: Some(g),
            }),
        };
        let text = Arc::from(text);
        let found = check_guide(Text::Given(path, &text), input);
        // A text that does not load has only its own problems (the language's is the file
        // name's, reported once it loads).
        let Some(GuideTree {
            guide,
            resolved,
            locals,
        }) = found.checked
        else {
            return (found.diagnostics, None);
        };
        diags.extend(found.diagnostics);
        diags.extend(self.id_problems(path, &guide, &resolved));
        // Lint's one check that needs no network nor other files: links to no step.
        diags.extend(crate::lint::anchor_problems(&guide, &resolved));
        diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        let checked = super::Checked {
            guide,
            resolved,
            locals,
        };
        (diags, Some(checked))
    }

    /// A translation's source, checked (its problems are its own file's, not shown here).
    fn source_of(
        &self,
        path: &Path,
        cx: &validate::Context,
        variant: &crate::variant::Variant,
        unsaved: Unsaved,
    ) -> Option<(LoadedGuide, Resolved)> {
        let rel = path.strip_prefix(&self.book.root).ok()?;
        let lang = validate::translations::of_file(path, rel, &self.langs).ok()??;
        let key = validate::translations::source_key(rel, Some(&lang));
        let source = ["yaml", "yml"]
            .iter()
            .map(|ext| self.book.root.join(key.with_extension(ext)))
            .find(|p| self.guides.contains_key(p) || p.is_file())?;
        let text = match unsaved(&source) {
            Some(t) => t,
            None => load::read_guide(&source)?,
        };
        let input = GuideInput {
            book: &self.book,
            cx,
            variant,
            lang: None,
            source: None,
        };
        let GuideTree {
            guide, resolved, ..
        } = check_guide(Text::Given(&source, &text), input).checked?;
        Some((guide, resolved))
    }

    /// The book-level id problems (E009, E026) `check` reports at this guide: the book's
    /// other guides as known, this one as it is now, in book order.
    fn id_problems(&self, path: &Path, g: &LoadedGuide, r: &Resolved) -> Vec<Diagnostic> {
        let mut this = known(g, &self.langs);
        this.id = r.id.clone();
        let path = canonical(path);
        // This guide by the path its problems are published at; the others by their path in
        // the book, as `check` names them in a help (the editor's absolute paths are long).
        fn id_of(k: &Known, shown: bool) -> (validate::IdOf<'_>, (i64, &Path)) {
            let id = validate::IdOf {
                lang: k.lang.as_deref(),
                id: &k.id,
                shown: if shown { &k.shown } else { &k.rel },
                id_span: k.id_span.clone(),
            };
            (id, (k.weight, k.rel.as_path()))
        }
        let others = self
            .guides
            .iter()
            .filter(|(p, _)| **p != path)
            .map(|(_, k)| id_of(k, false));
        let mut out = Vec::new();
        for d in validate::id_problems_among(id_of(&this, true), others, &self.langs) {
            if d.file == this.shown {
                out.push(self.with_related(d, &this));
            } else if d.code == crate::diag::Code::E009 {
                // `check` reports a duplicate at the later guide; the editor shows it at this,
                // the earlier one, too, where the author may have typed it.
                out.push(self.with_related(earlier_duplicate(&this, &d.file), &this));
            }
        }
        out
    }

    /// A duplicate id's problem, pointing also at the other guide that has it.
    fn with_related(&self, d: Diagnostic, this: &Known) -> Diagnostic {
        let other = self
            .guides
            .iter()
            .find(|(_, k)| k.shown != this.shown && k.id == this.id && k.lang == this.lang);
        match other {
            Some((path, k)) if d.code == crate::diag::Code::E009 => d.related(
                path.clone(),
                k.id_span.clone().unwrap_or(0..0),
                format!("`{}` has the id `{}` too", k.shown.display(), k.id),
            ),
            _ => d,
        }
    }

    /// The interface text of a guide's language (a translation's, or the book's), with the
    /// book's own strings for it: what its readers see.
    pub fn strings(&self, g: &LoadedGuide) -> crate::i18n::Strings {
        let lang = g.lang.as_deref().unwrap_or(&self.book.config.book.language);
        let own = self
            .book
            .config
            .languages
            .get(lang)
            .map(|l| l.strings.clone());
        crate::i18n::Strings::new(lang, &own.unwrap_or_default()).0
    }

    /// Is `path` a guide file of this book (under its guides folder)?
    pub fn is_guide(&self, path: &Path) -> bool {
        // As the book's listing finds them: no hidden folder on the way.
        let path = canonical(path);
        path.strip_prefix(&self.book.src).is_ok_and(|rel| {
            !rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        }) && load::is_guide_file(&path)
    }
}

/// The id and language of a loaded guide (a translation's id is corrected to its source's by
/// [`Project::take_source_ids`]).
fn known(g: &LoadedGuide, langs: &Languages) -> Known {
    let lang = validate::translations::of_file(&g.path, &g.shown, langs)
        .ok()
        .flatten();
    let id = match &g.guide.id {
        Some(id) => id.value.clone(),
        None => validate::default_id(&g.path, lang.as_deref()),
    };
    Known {
        rel: g.rel.clone(),
        shown: g.shown.clone(),
        weight: g.guide.weight,
        lang,
        id,
        id_span: g.guide.id.as_ref().map(|i| i.span.clone()),
    }
}

/// E009 at the earlier of two guides with one id, the later being `later` (its path in the
/// book).
fn earlier_duplicate(this: &Known, later: &Path) -> Diagnostic {
    let what = if this.id_span.is_some() {
        "this id"
    } else {
        "the id taken from the file name"
    };
    Diagnostic::error(
        crate::diag::Code::E009,
        &this.shown,
        format!("duplicate guide id `{}`", this.id),
    )
    .at(this.id_span.clone().unwrap_or(0..0))
    .label(format!("{what} is used by a later guide too"))
    .help(format!(
        "`{}` uses it too (`check` reports it there); guide ids name the output files and must be unique",
        later.display()
    ))
}

/// The path the book's own listing gives a file (an editor may reach it through a link).
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
