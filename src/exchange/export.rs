//! Exchange: a language of the book as catalogs, one per guide — every translatable text of
//! the source with its context, place and kind, the current translation, and whether the
//! source changed since that translation was made (then with the text it was made from).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::texts::{self, Text};
use crate::book::Book;
use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::error::Error;
use crate::source::load::{self, LoadedGuide};
use crate::translations::{Base, History};
use crate::validate::translations::{Languages, of_file, source_key};

/// What to export.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: String,
    /// Offer texts that are nothing but code (code spans and blocks) too.
    pub code: bool,
}

/// One text to translate.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub context: String,
    pub source: String,
    /// The current translation; empty when there is none (or it is the source's text).
    pub translation: String,
    /// The source changed since the translation was made: it needs a look.
    pub fuzzy: bool,
    /// The source's text the translation was made from, when the history has it.
    pub previous: Option<String>,
    /// `content/azure-pass.yaml:41`.
    pub place: String,
    pub kind: String,
    /// The `{{ name }}` placeholders of the source, as written.
    pub placeholders: Vec<String>,
}

/// One guide's texts in one language.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub id: String,
    /// The source guide's path in the book (`content/azure-pass.yaml`, with `/`).
    pub source: String,
    pub lang: String,
    /// The source's language (the book's).
    pub source_lang: String,
    pub units: Vec<Unit>,
}

/// A source guide and its translation into one language, loaded.
pub struct Family {
    pub id: String,
    pub source: LoadedGuide,
    pub translation: Option<LoadedGuide>,
    /// Where the translation is (or would be) written.
    pub translation_path: PathBuf,
}

/// The book's other languages, or an error naming them when `lang` is not one.
pub fn check_lang(book: &Book, lang: &str) -> Result<Languages, Error> {
    let langs = Languages::of(&book.config);
    if langs.others.iter().any(|l| l == lang) {
        return Ok(langs);
    }
    let known = if langs.others.is_empty() {
        "the book declares no language besides its own".to_owned()
    } else {
        format!("its other languages: {}", langs.others.join(", "))
    };
    let failure =
        crate::diag::Failure::new(format!("`{lang}` is not a language of the book ({known})"));
    let help = match crate::diag::did_you_mean(lang, langs.others.iter().map(String::as_str)) {
        Some(m) => crate::diag::suggestion(m),
        None if !crate::i18n::is_language_tag(lang) => {
            "use a language code (ISO 639-1, optionally with a region: `de`, `fr`, `pt-BR`) and declare it in book.toml".to_owned()
        }
        // The table's name as book.toml must write it (`de-DE`: tags are written canonically).
        None => format!(
            "declare it in book.toml with a `[languages.{}]` table",
            crate::i18n::canonical_tag(lang)
        ),
    };
    Err(Error::Usage(failure.help(help)))
}

/// Every source guide of the book with its translation into `lang`, sorted by path; a guide
/// that does not load is an error (its problems are `check`'s).
pub fn families(book: &Book, lang: &str) -> Result<Vec<Family>, Error> {
    let langs = check_lang(book, lang)?;
    let found = load::find_guides(&book.src);
    let mut diags = Diagnostics::default();
    let mut sources = Sources::default();
    let mut srcs = Vec::new();
    let mut trs: HashMap<PathBuf, PathBuf> = HashMap::new();
    for path in &found.files {
        let rel = path.strip_prefix(&book.root).unwrap_or(path);
        let shown = crate::diag::shown_path(&book.shown_root, rel);
        match of_file(path, &shown, &langs) {
            Ok(None) => srcs.push(path.clone()),
            Ok(Some(l)) if l == lang => {
                trs.insert(source_key(rel, Some(&l)), path.clone());
            }
            Ok(Some(_)) => {}
            Err(d) => diags.push(*d),
        }
    }
    let mut out = Vec::new();
    for path in srcs {
        let Some(source) = load_clean(book, &path, &mut diags, &mut sources) else {
            continue;
        };
        let key = source_key(&source.rel, None);
        let translation_path = translation_path(&path, lang);
        let translation = match trs.get(&key) {
            Some(t) => match load_clean(book, t, &mut diags, &mut sources) {
                Some(g) => Some(g),
                None => continue,
            },
            None => None,
        };
        let id = source.guide.id.as_ref().map_or_else(
            || crate::validate::default_id(&source.rel, None),
            |i| i.value.clone(),
        );
        out.push(Family {
            id,
            source,
            translation,
            translation_path,
        });
    }
    if diags.has_errors() {
        return Err(Error::Content {
            diagnostics: diags,
            sources,
        });
    }
    Ok(out)
}

/// `content/x.yaml` → `content/x.de.yaml`.
pub fn translation_path(source: &Path, lang: &str) -> PathBuf {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = source
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "yaml".into());
    source.with_file_name(format!("{stem}.{lang}.{ext}"))
}

/// A guide file loaded, or `None` with its errors added.
pub fn load_clean(
    book: &Book,
    path: &Path,
    diags: &mut Diagnostics,
    sources: &mut Sources,
) -> Option<LoadedGuide> {
    let (g, d, text) = load::load_one(&book.root, &book.shown_root, path);
    let failed = d.iter().any(Diagnostic::is_error);
    if let Some((shown, t)) = text {
        sources.insert(shown, t);
    }
    diags.extend(d.into_iter().filter(Diagnostic::is_error));
    if failed { None } else { g }
}

/// The texts of a loaded guide (`anchors`: its source).
pub fn texts_of(
    id: &str,
    g: &LoadedGuide,
    anchors: &crate::model::Guide,
) -> Result<Vec<Text>, Error> {
    texts::texts(id, &g.guide, &g.text, anchors)
        .map_err(|e| anyhow::anyhow!("{}: {e}", g.shown.display()).into())
}

/// The catalog of every guide of the book in `opts.lang`.
pub fn catalogs(book: &Book, opts: &Options) -> Result<Vec<Catalog>, Error> {
    let history = History::of(&book.root);
    let source_lang = Languages::of(&book.config).default;
    families(book, &opts.lang)?
        .iter()
        .map(|f| catalog(f, &history, opts, &source_lang))
        .collect()
}

/// One guide's catalog.
pub fn catalog(
    f: &Family,
    history: &History,
    opts: &Options,
    source_lang: &str,
) -> Result<Catalog, Error> {
    let src = &f.source;
    let rel = src.rel.to_string_lossy().replace('\\', "/");
    let current: HashMap<String, String> = match &f.translation {
        Some(t) => texts_of(&f.id, t, &src.guide)?
            .into_iter()
            .map(|t| (t.context, t.value))
            .collect(),
        None => HashMap::new(),
    };
    let base = match &f.translation {
        Some(t) => history.base(&src.path, &t.path),
        None => Base::Current,
    };
    let was = match &base {
        Base::Was(text) => Some(old_texts(&f.id, text)),
        _ => None,
    };
    let mut units = Vec::new();
    for t in texts_of(&f.id, src, &src.guide)? {
        if !opts.code && t.field.kind != crate::model::TextKind::Plain && texts::only_code(&t.value)
        {
            continue;
        }
        let translation = current
            .get(&t.context)
            .filter(|v| **v != t.value)
            .cloned()
            .unwrap_or_default();
        let (fuzzy, previous) = match (&base, &was) {
            _ if translation.is_empty() => (false, None),
            (Base::Unknown, _) => (true, None),
            (_, Some(was)) => match was.get(&t.context) {
                Some(old) if *old == t.value => (false, None),
                old => (true, old.cloned()),
            },
            _ => (false, None),
        };
        let (line, _) = crate::diag::line_col(&src.text, t.span().start);
        units.push(Unit {
            placeholders: texts::placeholders(&t.value),
            context: t.context,
            source: t.value,
            translation,
            fuzzy,
            previous,
            place: format!("{rel}:{line}"),
            kind: t.kind,
        });
    }
    Ok(Catalog {
        id: f.id.clone(),
        source: rel,
        lang: opts.lang.clone(),
        source_lang: source_lang.to_owned(),
        units,
    })
}

/// The texts of an earlier version of a source, by context (empty if it no longer parses).
fn old_texts(id: &str, text: &str) -> HashMap<String, String> {
    use crate::source::convert::FromNode;
    let Some(guide) = crate::source::node::parse_yaml(text)
        .ok()
        .and_then(|n| crate::model::Guide::from_node(&n))
    else {
        return HashMap::new();
    };
    texts::texts(id, &guide, text, &guide)
        .map(|ts| ts.into_iter().map(|t| (t.context, t.value)).collect())
        .unwrap_or_default()
}

/// How much of a guide is translated into a language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub translated: usize,
    /// Translated, but the source changed since.
    pub fuzzy: usize,
    pub untranslated: usize,
}

impl Counts {
    pub fn of(c: &Catalog) -> Counts {
        let mut n = Counts::default();
        for u in &c.units {
            if u.translation.is_empty() {
                n.untranslated += 1;
            } else if u.fuzzy {
                n.fuzzy += 1;
            } else {
                n.translated += 1;
            }
        }
        n
    }

    pub fn complete(&self) -> bool {
        self.fuzzy == 0 && self.untranslated == 0
    }
}

/// The counts of every source guide of the book in `lang`, by its path in the book (`/`).
pub fn counts(book: &Book, lang: &str) -> Result<HashMap<String, Counts>, Error> {
    let opts = Options {
        lang: lang.to_owned(),
        code: false,
    };
    Ok(catalogs(book, &opts)?
        .iter()
        .map(|c| (c.source.clone(), Counts::of(c)))
        .collect())
}
