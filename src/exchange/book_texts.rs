//! Exchange: the book's own texts in book.toml — its title, its description and the interface
//! strings it overrides (`[languages.<code>.strings]`) — as one more catalog, `_book` (guide ids
//! cannot start with `_`), and its translations written back into `[languages.<code>]` at their
//! places in book.toml (comments and order kept; a key not there yet is added to its table).

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use super::Incoming;
use super::export::{Catalog, Unit};
use crate::book::Book;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::source::node::{Node, Value, Written, parse_toml};

/// The catalog's id, and its file's name.
pub const ID: &str = "_book";
/// The file the texts are in, as the catalog names it.
pub const SOURCE: &str = "book.toml";

/// The most versions of book.toml read from its history to find where a translation was made.
const MAX_VERSIONS: usize = 200;

/// One text of book.toml: its context, its key path in `[languages.<lang>]`, the source's text.
struct BookText {
    context: String,
    path: Vec<String>,
    /// Where the source's own text is in book.toml (an interface string the book does not
    /// override has none there: its source is built in).
    source_path: Vec<String>,
    source: String,
    kind: String,
    /// Where the source's text is (or the translation's, for a built-in source string).
    span: Option<Range<usize>>,
}

/// book.toml's text and its tree.
fn read_toml(book: &Book) -> Result<(String, Node), Error> {
    let path = book.root.join(SOURCE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let node = parse_toml(&text).map_err(|e| anyhow::anyhow!("book.toml: {}", e.message))?;
    Ok((text, node))
}

/// The node at a key path.
fn at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
    path.iter().try_fold(node, |n, k| match &n.value {
        Value::Map(m) => m.iter().find(|(key, _)| key.name == *k).map(|(_, v)| v),
        _ => None,
    })
}

/// The book's texts to translate into `lang`: its title, its description, and each interface
/// string the book overrides in its own language or in `lang`.
fn texts(book: &Book, tree: &Node, lang: &str, source_lang: &str) -> Vec<BookText> {
    let cfg = &book.config;
    let span = |p: &[&str]| at(tree, p).map(|n| n.span.clone());
    let mut out = vec![BookText {
        context: "book:title".into(),
        path: vec!["title".into()],
        source_path: vec!["book".into(), "title".into()],
        source: cfg.book.title.clone(),
        kind: "the book's title (plain text)".into(),
        span: span(&["book", "title"]),
    }];
    if let Some(d) = &cfg.book.description {
        out.push(BookText {
            context: "book:description".into(),
            path: vec!["description".into()],
            source_path: vec!["book".into(), "description".into()],
            source: d.clone(),
            kind: "the book's description, for search engines and the index page (plain text)"
                .into(),
            span: span(&["book", "description"]),
        });
    }
    let none = Default::default();
    let own = cfg.languages.get(source_lang).map_or(&none, |l| &l.strings);
    let theirs = cfg.languages.get(lang).map_or(&none, |l| &l.strings);
    let (table, _) = crate::i18n::Strings::new(source_lang, own);
    let keys: BTreeSet<&String> = own.keys().chain(theirs.keys()).collect();
    for key in keys {
        let source = match table.get(key) {
            "" => key
                .strip_prefix(crate::i18n::COLUMN_PREFIX)
                .unwrap_or(key)
                .to_owned(),
            s => s.to_owned(),
        };
        let span = span(&["languages", source_lang, "strings", key])
            .or_else(|| span(&["languages", lang, "strings", key]));
        out.push(BookText {
            context: format!("book:strings.{key}"),
            path: vec!["strings".into(), key.clone()],
            source_path: ["languages", source_lang, "strings", key]
                .map(str::to_owned)
                .to_vec(),
            source,
            kind: format!("an interface string of the book's pages (`{key}`): keep its `{{name}}` fields and, for a count, its `one|other` forms"),
            span,
        });
    }
    out
}

/// The text of a string value at a key path.
fn str_at(tree: &Node, path: &[&str]) -> Option<String> {
    match at(tree, path).map(|n| &n.value) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Whether the source of `t` changed since its translation into `lang` (`translation`) was
/// made, and the source it was made from: from book.toml's history (`versions`, newest
/// first), the translation was made in the oldest of the newest versions that hold it as it
/// is; its source then is compared with the source now. Not fuzzy when the translation is not
/// committed as it is (it was made from the source as it is) or there is no history.
fn drift(
    t: &BookText,
    tree: &Node,
    versions: &[Node],
    lang: &str,
    translation: &str,
) -> (bool, Option<String>) {
    let path: Vec<&str> = ["languages", lang]
        .into_iter()
        .chain(t.path.iter().map(String::as_str))
        .collect();
    let src: Vec<&str> = t.source_path.iter().map(String::as_str).collect();
    let made = versions
        .iter()
        .take_while(|v| str_at(v, &path).as_deref() == Some(translation))
        .last();
    let Some(made) = made else {
        return (false, None);
    };
    let was = str_at(made, &src);
    if was == str_at(tree, &src) {
        (false, None)
    } else {
        (true, was)
    }
}

/// The catalog of book.toml's texts in `lang`; a translated text whose source changed since
/// the translation was made (book.toml's git history) is fuzzy, with that source.
pub fn catalog(book: &Book, lang: &str) -> Result<Catalog, Error> {
    let source_lang = book.config.book.language.clone();
    let (text, tree) = read_toml(book)?;
    let mut versions: Option<Vec<Node>> = None;
    let units = texts(book, &tree, lang, &source_lang)
        .into_iter()
        .map(|t| {
            let path: Vec<&str> = ["languages", lang]
                .into_iter()
                .chain(t.path.iter().map(String::as_str))
                .collect();
            let translation = match at(&tree, &path).map(|n| &n.value) {
                Some(Value::Str(s)) if *s != t.source => s.clone(),
                _ => String::new(),
            };
            let (fuzzy, previous) = if translation.is_empty() {
                (false, None)
            } else {
                let versions = versions.get_or_insert_with(|| {
                    crate::translations::History::of(&book.root)
                        .versions(SOURCE, MAX_VERSIONS)
                        .iter()
                        .filter_map(|v| parse_toml(v).ok())
                        .collect()
                });
                drift(&t, &tree, versions, lang, &translation)
            };
            let line = t
                .span
                .map_or(1, |s| crate::diag::line_col(&text, s.start).0);
            Unit {
                placeholders: super::texts::placeholders(&t.source),
                context: t.context,
                source: t.source,
                translation,
                fuzzy,
                previous,
                place: format!("{SOURCE}:{line}"),
                kind: t.kind,
            }
        })
        .collect();
    Ok(Catalog {
        id: ID.into(),
        source: SOURCE.into(),
        lang: lang.to_owned(),
        source_lang,
        units,
    })
}

/// book.toml with the file's translations written into `[languages.<lang>]`: its new text, or
/// `None` when nothing changes; (taken, kept).
pub fn merge(
    book: &Book,
    lang: &str,
    units: &[Incoming],
    shown: &Path,
    diags: &mut Diagnostics,
) -> Result<(Option<String>, usize, usize), Error> {
    let (text, tree) = read_toml(book)?;
    let ours = texts(book, &tree, lang, &book.config.book.language);
    let mut edits: Vec<(Vec<String>, String)> = Vec::new();
    for u in units {
        let t = ours.iter().find(|t| t.context == u.context);
        let (warnings, usable) =
            super::import::unusable(u, t.map(|t| t.source.as_str()), Path::new(SOURCE), shown);
        diags.extend(warnings);
        let (Some(t), true) = (t, usable) else {
            continue;
        };
        if let Some(d) = fields_differ(&t.source, &u.target, shown, u) {
            diags.push(d);
            continue;
        }
        edits.push((t.path.clone(), u.target.clone()));
    }
    let kept = ours.len() - edits.len();
    let taken = edits.len();
    let mut new = text.clone();
    for (path, value) in &edits {
        new = set(&new, lang, path, value)?;
    }
    Ok(((new != text).then_some(new), taken, kept))
}

/// The `{name}` fields of an interface string (each once).
fn fields(s: &str) -> BTreeSet<&str> {
    s.split('{')
        .skip(1)
        .filter_map(|r| r.split_once('}').map(|(name, _)| name))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .collect()
}

/// E029 when a translated interface string has other `{name}` fields than its source.
fn fields_differ(source: &str, target: &str, shown: &Path, u: &Incoming) -> Option<Diagnostic> {
    let (a, b) = (fields(source), fields(target));
    if a == b {
        return None;
    }
    let list = |s: &BTreeSet<&str>| {
        s.iter()
            .map(|f| format!("`{{{f}}}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(
        Diagnostic::error(
            Code::E029,
            shown,
            format!(
                "the translation of `{}` has the fields {} where its source has {}",
                u.context,
                if b.is_empty() {
                    "none".into()
                } else {
                    list(&b)
                },
                if a.is_empty() {
                    "none".into()
                } else {
                    list(&a)
                }
            ),
        )
        .at(u.target_span.clone())
        .help("keep each `{name}` field of the source as written: the page fills it in"),
    )
}

/// `[languages.<lang>]`'s `path` set to `value` in book.toml's text: the value replaced at its
/// place, or the key added after its table's last key (written as that key is, `strings.` and
/// all), or a `[languages.<lang>.strings]` table added at the end. The result is read back.
fn set(text: &str, lang: &str, path: &[String], value: &str) -> Result<String, Error> {
    let tree = parse_toml(text).map_err(|e| anyhow::anyhow!("book.toml: {}", e.message))?;
    let full: Vec<&str> = ["languages", lang]
        .into_iter()
        .chain(path.iter().map(String::as_str))
        .collect();
    let written = Written::TomlString.write(value);
    let key = Written::TomlKey.write(&path[path.len() - 1]);
    let new = if let Some(n) = at(&tree, &full) {
        format!("{}{written}{}", &text[..n.span.start], &text[n.span.end..])
    } else if let Some((prefix, end)) =
        at(&tree, &full[..full.len() - 1]).and_then(|t| last_entry(text, t))
    {
        format!(
            "{}\n{prefix}{key} = {written}{}",
            &text[..end],
            &text[end..]
        )
    } else if let Some(end) = (path.len() == 1).then(|| header_end(text, lang)).flatten() {
        format!("{}\n{key} = {written}{}", &text[..end], &text[end..])
    } else if path.len() == 2 {
        let sep = if text.ends_with('\n') { "" } else { "\n" };
        let table = Written::TomlKey.write(lang);
        format!("{text}{sep}\n[languages.{table}.strings]\n{key} = {written}\n")
    } else {
        return Err(crate::diag::Failure::new(format!(
            "cannot add `{}` to `[languages.{lang}]` in book.toml: the table has no key to add it after",
            path.join(".")
        ))
        .help(format!("add `{} = \"\"` under `[languages.{lang}]` and import again", path.join(".")))
        .into());
    };
    let back = parse_toml(&new).ok();
    match back.as_ref().and_then(|t| at(t, &full)).map(|n| &n.value) {
        Some(Value::Str(s)) if s == value => Ok(new),
        _ => Err(crate::diag::Failure::new(format!(
            "cannot write `{}` into `[languages.{lang}]` of book.toml as it is written (an inline table?)",
            path.join(".")
        ))
        .help(format!("write `[languages.{lang}.strings]` as a table of its own and import again"))
        .into()),
    }
}

/// The end of the line of the `[languages.<lang>]` header.
fn header_end(text: &str, lang: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare: String = line
            .split('#')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect();
        if bare == format!("[languages.{lang}]") {
            return Some(at + line.trim_end_matches(['\n', '\r']).len());
        }
        at += line.len();
    }
    None
}

/// The last key-value of a table that is not itself a table: the text before its key on its
/// line (`strings.` for a dotted key) and the end of its value's line.
fn last_entry(text: &str, table: &Node) -> Option<(String, usize)> {
    let Value::Map(m) = &table.value else {
        return None;
    };
    let (key, value) = m
        .iter()
        .filter(|(_, v)| !matches!(v.value, Value::Map(_)))
        .max_by_key(|(_, v)| v.span.end)?;
    let line_start = text[..key.span.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = text[line_start..key.span.start].to_owned();
    if prefix.contains(['{', '=', ',']) {
        return None;
    }
    let end = text[value.span.end..]
        .find('\n')
        .map_or(text.len(), |i| value.span.end + i);
    Some((prefix, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_replaced_added_after_the_last_key_or_in_a_new_table() {
        let toml = "[book]\ntitle = \"T\"\n\n[languages.de]\n# Deutsch\ntitle = \"Alt\" # old\n\n[languages.de.strings]\nwait = \"Warten\" # ok\n";
        let s = |path: &[&str], v: &str, text: &str| {
            let path: Vec<String> = path.iter().map(|p| p.to_string()).collect();
            set(text, "de", &path, v).unwrap()
        };
        assert_eq!(
            s(&["title"], "Neu \"x\"", toml),
            toml.replace("\"Alt\"", "\"Neu \\\"x\\\"\"")
        );
        assert_eq!(
            s(&["strings", "copy"], "Kopieren", toml),
            toml.replace("# ok\n", "# ok\ncopy = \"Kopieren\"\n")
        );
        let dotted = "[languages.de]\nstrings.wait = \"W\"\n";
        assert_eq!(
            s(&["strings", "copy"], "K", dotted),
            "[languages.de]\nstrings.wait = \"W\"\nstrings.copy = \"K\"\n"
        );
        let bare = "[languages.de]\ntitle = \"A\"\n";
        assert_eq!(
            s(&["strings", "copy"], "K", bare),
            "[languages.de]\ntitle = \"A\"\n\n[languages.de.strings]\ncopy = \"K\"\n"
        );
        assert_eq!(
            s(
                &["title"],
                "T",
                "[languages.de] # German\n[languages.de.strings]\n"
            ),
            "[languages.de] # German\ntitle = \"T\"\n[languages.de.strings]\n"
        );
        let inline = "languages.de = { strings = { wait = \"W\" } }\n";
        let path = vec!["strings".to_owned(), "copy".to_owned()];
        assert!(set(inline, "de", &path, "K").is_err());
    }
}
