//! Exchange: a translators' file read back into the translation's guide file. Structure, ids,
//! anchors, screenshots and everything else come from the file as it is (the translation, or
//! the source for a new one); only the translated texts are replaced, each at its place in the
//! YAML ([`crate::source::edit`]), so comments and the order of fields stay.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::export::{self, Family};
use super::texts::{self, Text};
use super::{Format, IncomingFile};
use crate::book::Book;
use crate::diag::{Code, Diagnostic, Diagnostics, Sources};
use crate::error::Error;

/// An exchange file larger than this is refused (the PO of a long guide is well under 1 MiB).
pub const MAX_EXCHANGE_BYTES: u64 = 16 * 1024 * 1024;

/// What importing one file will write.
#[derive(Debug)]
pub struct Planned {
    /// The translation's guide file (absolute) and as shown.
    pub path: PathBuf,
    pub shown: PathBuf,
    /// Its new text; `None`: nothing changes.
    pub text: Option<String>,
    /// Texts taken from the file, and texts left as they were (missing, fuzzy, not taken).
    pub taken: usize,
    pub kept: usize,
}

/// Reads a translators' file (`shown` as the user named it) and works out the translation's
/// new text; its problems are added to `diags` (nothing is planned when one is an error).
pub fn plan(
    book: &Book,
    file: &Path,
    shown: &Path,
    diags: &mut Diagnostics,
    sources: &mut Sources,
) -> Result<Option<Planned>, Error> {
    let bytes = crate::safe_fs::read_regular(file, MAX_EXCHANGE_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            // A mistyped name on the command line.
            return Error::Usage(crate::diag::Failure::new(format!(
                "cannot read `{}`: there is no such file",
                shown.display()
            )));
        }
        let why = if e.kind() == std::io::ErrorKind::FileTooLarge {
            format!("it is larger than {} MiB", MAX_EXCHANGE_BYTES >> 20)
        } else {
            e.to_string()
        };
        anyhow::anyhow!("cannot read `{}`: {why}", shown.display()).into()
    })?;
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(t) => t.into(),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy: Arc<str> = String::from_utf8_lossy(e.as_bytes()).into_owned().into();
            sources.insert(shown, lossy);
            diags.push(
                Diagnostic::error(Code::E028, shown, "the file is not valid UTF-8")
                    .at(at..at + 1)
                    .help("save it as UTF-8"),
            );
            return Ok(None);
        }
    };
    sources.insert(shown, text.clone());
    let format = Format::of(file, &text);
    let incoming = match super::read(&text, format) {
        Ok(f) => f,
        Err(problems) => {
            for (message, span) in problems {
                diags.push(Diagnostic::error(Code::E028, shown, message).at(span));
            }
            return Ok(None);
        }
    };
    let Some(lang) = incoming.lang.clone() else {
        diags.push(
            Diagnostic::error(Code::E028, shown, "broken header: it names no language")
                .help(match format {
                    Format::Po => "the header needs `Language: <code>` (as `stepbook i18n export` writes it)",
                    Format::Xliff => "the `<file>` element needs `target-language=\"<code>\"` (as `stepbook i18n export` writes it)",
                }),
        );
        return Ok(None);
    };
    if incoming.source.as_deref() == Some(super::book_texts::SOURCE) {
        return plan_book(book, &lang, &incoming, shown, diags);
    }
    let families = export::families(book, &lang)?;
    let Some(family) = find_family(&families, &incoming) else {
        let what = incoming
            .source
            .clone()
            .unwrap_or_else(|| "(none named)".into());
        diags.push(
            Diagnostic::error(Code::E028, shown, format!("no guide of the book is the file's source `{what}`"))
                .help("import files exported from this book (`X-Stepbook-Source` in a PO header, `original` of an XLIFF `<file>`, names the guide)"),
        );
        return Ok(None);
    };
    let errors_before = diags.errors();
    let planned = merge(book, family, &incoming, shown, diags)?;
    Ok(planned.filter(|_| diags.errors() == errors_before))
}

/// What importing the book's own texts (`_book`) writes into book.toml.
fn plan_book(
    book: &Book,
    lang: &str,
    incoming: &IncomingFile,
    shown: &Path,
    diags: &mut Diagnostics,
) -> Result<Option<Planned>, Error> {
    export::check_lang(book, lang)?;
    let errors_before = diags.errors();
    let (text, taken, kept) = super::book_texts::merge(book, lang, &incoming.units, shown, diags)?;
    let rel = Path::new(super::book_texts::SOURCE);
    let planned = Planned {
        path: book.root.join(rel),
        shown: crate::diag::shown_path(&book.shown_root, rel),
        text,
        taken,
        kept,
    };
    Ok(Some(planned).filter(|_| diags.errors() == errors_before))
}

/// The family the file is for: its `X-Stepbook-Source`, else the guide id of its contexts.
fn find_family<'a>(families: &'a [Family], f: &IncomingFile) -> Option<&'a Family> {
    if let Some(src) = &f.source {
        return families
            .iter()
            .find(|fam| fam.source.rel.to_string_lossy().replace('\\', "/") == *src);
    }
    let id = f.units.first()?.context.split([':', '#', '/']).next()?;
    families.iter().find(|fam| fam.id == id)
}

/// The translation's new text from the file's entries.
fn merge(
    book: &Book,
    family: &Family,
    f: &IncomingFile,
    shown: &Path,
    diags: &mut Diagnostics,
) -> Result<Option<Planned>, Error> {
    let src = &family.source;
    let src_texts = export::texts_of(&family.id, src, &src.guide)?;
    let by_ctx: HashMap<&str, &Text> = src_texts.iter().map(|t| (t.context.as_str(), t)).collect();
    let taken = take(&by_ctx, f, shown, &src.shown, diags);
    let (base, edits_of) = base_of(family, &src_texts)?;
    let mut edits: Vec<(&crate::source::edit::Scalar, &str)> = Vec::new();
    let mut kept = 0;
    for t in &edits_of {
        match taken.get(&t.context) {
            Some(v) => edits.push((&t.scalar, v.as_str())),
            None => kept += 1,
        }
    }
    let rel = family
        .translation_path
        .strip_prefix(&book.root)
        .unwrap_or(&family.translation_path);
    let planned = Planned {
        path: family.translation_path.clone(),
        shown: crate::diag::shown_path(&book.shown_root, rel),
        text: None,
        taken: taken.len(),
        kept,
    };
    if family.translation.is_none() && taken.is_empty() {
        return Ok(Some(planned));
    }
    let new = crate::source::edit::replace_values(&base, &edits).map_err(|e| {
        anyhow::anyhow!(
            "cannot write the translations into {}: {e}",
            planned.shown.display()
        )
    })?;
    let unchanged = family.translation.as_ref().is_some_and(|t| *t.text == *new);
    Ok(Some(Planned {
        text: (!unchanged).then_some(new),
        ..planned
    }))
}

/// The file's translations that can be taken, by context; warnings and errors for the rest.
fn take(
    by_ctx: &HashMap<&str, &Text>,
    f: &IncomingFile,
    shown: &Path,
    source: &Path,
    diags: &mut Diagnostics,
) -> HashMap<String, String> {
    let mut taken: HashMap<String, String> = HashMap::new();
    for u in &f.units {
        let current = by_ctx.get(u.context.as_str()).map(|t| t.value.as_str());
        let (warnings, usable) = unusable(u, current, source, shown);
        diags.extend(warnings);
        let (Some(t), true) = (by_ctx.get(u.context.as_str()), usable) else {
            continue;
        };
        let lang = f.lang.as_deref().unwrap_or_default();
        if let Some(d) = mismatch(&t.value, &u.target, lang, shown, u) {
            diags.push(d);
            continue;
        }
        taken.insert(u.context.clone(), u.target.clone());
    }
    taken
}

/// The warnings (W019) for an entry of the translators' file `shown`, and whether its
/// translation can be taken: not when its context matches no text of `of` (`current` is
/// `None`), when it is untranslated or fuzzy, or when the source it was translated from is not
/// the `current` one; a placeholder the translator edited (an XLIFF `<ph>`) is put back as the
/// source has it, with a warning. Used for guides and for book.toml's texts alike.
pub(super) fn unusable(
    u: &super::Incoming,
    current: Option<&str>,
    of: &Path,
    shown: &Path,
) -> (Vec<Diagnostic>, bool) {
    let Some(current) = current else {
        let d = Diagnostic::warning(
            Code::W019,
            shown,
            format!("`{}` matches no text of {}; skipped", u.context, of.display()),
        )
        .at(u.span.clone())
        .help(format!(
            "the text is no longer in {} (or its section or step got another id, or the book no longer overrides that interface string): export again",
            of.display()
        ));
        return (vec![d], false);
    };
    if u.fuzzy || u.target.is_empty() {
        return (Vec::new(), false);
    }
    if u.source != current {
        let d = Diagnostic::warning(
            Code::W019,
            shown,
            format!(
                "the source of `{}` changed since the export; its translation is not taken",
                u.context
            ),
        )
        .at(u.span.clone())
        .help("export again: the entry will be fuzzy, with the text it was translated from");
        return (vec![d], false);
    }
    let edited = u
        .edited
        .iter()
        .map(|(own, was, span)| {
            Diagnostic::warning(
                Code::W019,
                shown,
                format!(
                    "the translation of `{}` changed the placeholder `{was}` into `{own}`; the source's is kept",
                    u.context
                ),
            )
            .at(span.clone())
            .label("edited placeholder")
            .help("a `<ph>` stands for the source's placeholder as it is: leave its content alone")
        })
        .collect();
    (edited, true)
}

/// The text the translations go into, with its texts: the translation as it is when its texts
/// are the source's (by context, in order), else the source's text with the translation's
/// current texts put in (a new translation, or one whose structure drifted).
fn base_of(family: &Family, src_texts: &[Text]) -> Result<(String, Vec<Text>), Error> {
    let src = &family.source;
    let Some(tr) = &family.translation else {
        return Ok((src.text.to_string(), src_texts.to_vec()));
    };
    let tr_texts = export::texts_of(&family.id, tr, &src.guide)?;
    let same = tr_texts.len() == src_texts.len()
        && tr_texts
            .iter()
            .zip(src_texts)
            .all(|(a, b)| a.context == b.context);
    if same {
        return Ok((tr.text.to_string(), tr_texts));
    }
    let current: HashMap<&str, &str> = tr_texts
        .iter()
        .map(|t| (t.context.as_str(), t.value.as_str()))
        .collect();
    let edits: Vec<(&crate::source::edit::Scalar, &str)> = src_texts
        .iter()
        .filter_map(|t| current.get(t.context.as_str()).map(|v| (&t.scalar, *v)))
        .collect();
    let text = crate::source::edit::replace_values(&src.text, &edits).map_err(|e| {
        anyhow::anyhow!("cannot rebuild {} from its source: {e}", tr.shown.display())
    })?;
    let rebuilt = crate::source::edit::scalars(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let by_path: HashMap<_, _> = rebuilt.into_iter().map(|s| (s.path.clone(), s)).collect();
    let texts = src_texts
        .iter()
        .filter_map(|t| {
            let scalar = by_path.get(&t.scalar.path)?.clone();
            Some(Text {
                value: scalar.value.clone(),
                scalar,
                ..t.clone()
            })
        })
        .collect();
    Ok((text, texts))
}

/// Whether the translation's link targets `b` are the source's `a`, each once, a target
/// localised for `lang` standing for its source's ([`texts::same_link`]).
fn links_match(a: &[String], b: &[String], lang: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut left: Vec<&String> = a.iter().collect();
    b.iter().all(|t| {
        let found = left
            .iter()
            .position(|s| *s == t)
            .or_else(|| left.iter().position(|s| texts::same_link(s, t, lang)));
        found.map(|i| left.remove(i)).is_some()
    })
}

/// E029 when the translation's placeholders or link targets are not the source's (a link
/// target may be localised for `lang`).
fn mismatch(
    source: &str,
    target: &str,
    lang: &str,
    shown: &Path,
    u: &super::Incoming,
) -> Option<Diagnostic> {
    let mut a = texts::placeholders(source);
    let mut b = texts::placeholders(target);
    a.sort();
    b.sort();
    if a != b {
        let missing: Vec<&String> = a.iter().filter(|p| !b.contains(p)).collect();
        let extra: Vec<&String> = b.iter().filter(|p| !a.contains(p)).collect();
        let what = match (missing.first(), extra.first()) {
            (Some(m), _) => format!(
                "the translation of `{}` drops the placeholder `{m}`",
                u.context
            ),
            (None, Some(e)) => format!(
                "the translation of `{}` has the placeholder `{e}`, which its source has not",
                u.context
            ),
            _ => format!(
                "the translation of `{}` has its placeholders another number of times",
                u.context
            ),
        };
        return Some(
            Diagnostic::error(Code::E029, shown, what)
                .at(u.target_span.clone())
                .help(format!(
                    "keep every placeholder of the source as written: {}",
                    a.join(", ")
                )),
        );
    }
    let (a, b) = (texts::link_targets(source), texts::link_targets(target));
    if !links_match(&a, &b, lang) {
        return Some(
            Diagnostic::error(
                Code::E029,
                shown,
                format!(
                    "the translation of `{}` links to other targets than its source",
                    u.context
                ),
            )
            .at(u.target_span.clone())
            .help(format!(
                "keep the link targets of the source (an address may name the translation's language instead of the source's in one path segment, `/en-us/` → `/{lang}/`): {}",
                if a.is_empty() {
                    "none".to_owned()
                } else {
                    a.join(", ")
                }
            )),
        );
    }
    None
}
