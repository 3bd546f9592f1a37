//! Handouts: finding the guide to print — by its path, or by its id in the language printed —
//! reading as few of the book's guides as it can: the file whose name gives that id first, the
//! others (one at a time, for their ids) only when the guide's id is written in it.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostics, Failure, Sources};
use crate::source::load::{self, LoadedGuide};
use crate::validate::{self, Languages};
use crate::{book::Book, error::Error};

/// The guide `name` names (its id in `lang`, its path from the book's root, or a path to its
/// file), loaded, with its language set.
pub(super) fn find(
    name: &str,
    book: &Book,
    lang: &crate::i18n::Language,
) -> Result<LoadedGuide, Error> {
    let langs = Languages::of(&book.config);
    let files = load::find_guides(&book.src).files;
    let lang_of = |p: &Path| {
        let rel = p.strip_prefix(&book.root).unwrap_or(p);
        validate::translations::of_file(p, rel, &langs)
            .ok()
            .flatten()
    };
    let wanted = std::path::absolute(name)
        .ok()
        .and_then(|w| std::fs::canonicalize(w).ok());
    let by_path = files.iter().find(|p| {
        p.strip_prefix(&book.root).ok() == Some(Path::new(name)) || wanted.as_deref() == Some(p)
    });
    if let Some(p) = by_path {
        return load(book, p, lang_of(p));
    }
    let in_lang = |l: &Option<String>| l.as_deref().unwrap_or(&langs.default) == lang.code;
    let candidates: Vec<(&PathBuf, Option<String>)> = files
        .iter()
        .map(|p| (p, lang_of(p)))
        .filter(|(_, l)| in_lang(l))
        .collect();
    // The guide whose file name gives the id (most guides have no `id:`).
    for (p, l) in &candidates {
        if validate::default_id(p, l.as_deref()) == name
            && let Ok(g) = load(book, p, l.clone())
            && guide_id(&g) == name
        {
            return Ok(g);
        }
    }
    // Every guide's id, each guide dropped once read.
    let ids: Vec<(&PathBuf, &Option<String>, String)> = candidates
        .par_iter()
        .filter_map(|(p, l)| {
            let (g, _, _) = load::load_one(&book.root, &book.shown_root, p);
            let mut g = g?;
            g.lang = l.clone();
            Some((*p, l, guide_id(&g)))
        })
        .collect();
    if let Some((p, l, _)) = ids.iter().find(|(_, _, id)| id == name) {
        return load(book, p, (*l).clone());
    }
    let ids: Vec<&str> = ids.iter().map(|(_, _, id)| id.as_str()).collect();
    // The guide is there in another language: say so, never suggest another guide.
    if let Some(p) = files.iter().find(|p| {
        let l = lang_of(p);
        !in_lang(&l) && validate::default_id(p, l.as_deref()) == name
    }) {
        return Err(untranslated(name, book, p, &lang.code, &ids));
    }
    let failure = Failure::new(format!(
        "no guide `{name}` in `{}`",
        book.shown_root.display()
    ));
    // A name from the command line: no place in a file, so words only.
    let help = match crate::diag::did_you_mean(name, ids.iter().copied()) {
        Some(m) => crate::diag::suggestion(m),
        None => format!("the guides are {}", super::quoted_list(&ids)),
    };
    Err(Error::Usage(failure.help(help)))
}

/// Guide `name` (at `path`) has no translation into `code`: what to do, and the guides there are.
fn untranslated(name: &str, book: &Book, path: &Path, code: &str, ids: &[&str]) -> Error {
    let rel = path.strip_prefix(&book.root).unwrap_or(path);
    let failure = Failure::new(format!("guide `{name}` has no `{code}` translation"))
        .help(format!(
            "print it in its own language (without `--lang`), or translate `{}` first",
            rel.display()
        ))
        .note(format!(
            "the guides in `{code}` are {}",
            super::quoted_list(ids)
        ));
    Error::Usage(failure)
}

/// One guide file, loaded; its problems when it does not load.
fn load(book: &Book, path: &Path, lang: Option<String>) -> Result<LoadedGuide, Error> {
    let (g, diags, text) = load::load_one(&book.root, &book.shown_root, path);
    match g {
        Some(mut g) => {
            g.lang = lang;
            Ok(g)
        }
        None => {
            let mut diagnostics = Diagnostics::default();
            diagnostics.extend(diags);
            let mut sources = Sources::default();
            if let Some((shown, text)) = text {
                sources.insert(shown, text);
            }
            Err(Error::Content {
                diagnostics,
                sources,
            })
        }
    }
}

/// A guide's id as validation will make it: its `id`, or its file name as a slug.
fn guide_id(g: &LoadedGuide) -> String {
    match &g.guide.id {
        Some(id) => id.value.clone(),
        None => validate::default_id(&g.path, g.lang.as_deref()),
    }
}
