//! Config: the rules of `[languages.<code>]` the schema cannot express — codes that are
//! language tags (they name folders and `.de.yaml` suffixes) and interface strings that exist
//! (with "did you mean").

use std::path::Path;

use crate::diag::{Code, Diagnostic, Fix};
use crate::source::node::{Node, Value, Written};

/// The most languages a book may declare: every page links every language, so 3,000 tables
/// and one guide wrote 1.4 GB.
pub(super) const MAX_LANGUAGES: usize = 64;

pub(super) fn check(tree: &Node, display: &Path, diags: &mut Vec<Diagnostic>) {
    let Some(Value::Map(langs)) = get(Some(tree), "languages").map(|n| &n.value) else {
        return;
    };
    let keys: Vec<&str> = crate::i18n::keys().collect();
    if let Some((code, _)) = langs.get(MAX_LANGUAGES) {
        diags.push(
            Diagnostic::error(
                Code::E106,
                display,
                format!(
                    "a book has at most {MAX_LANGUAGES} languages; `{}` is the {}th",
                    code.name,
                    MAX_LANGUAGES + 1
                ),
            )
            .at(code.span.clone())
            .help("every page links every language: keep the languages readers use, and make another book for the rest"),
        );
    }
    for (code, table) in langs.iter().take(MAX_LANGUAGES + 1) {
        let canonical = crate::i18n::canonical_tag(&code.name);
        if crate::i18n::is_language_tag(&code.name) && canonical != code.name {
            diags.push(
                Diagnostic::error(
                    Code::E106,
                    display,
                    format!("the language `{}` is written `{canonical}`", code.name),
                )
                .at(code.span.clone())
                .help(format!(
                    "write `[languages.{canonical}]`: tags that differ only in case are one language (one folder, one `.{canonical}.yaml` suffix)"
                )),
            );
        } else if !crate::i18n::is_language_tag(&code.name) {
            diags.push(
                Diagnostic::error(
                    Code::E106,
                    display,
                    format!("`{}` is not a language code", code.name),
                )
                .at(code.span.clone())
                .help("use an ISO 639-1 code, optionally with a region: `de`, `fr`, `pt-BR`"),
            );
        }
        let Some(Value::Map(strings)) = get(Some(table), "strings").map(|n| &n.value) else {
            continue;
        };
        for (key, _) in strings {
            if keys.contains(&key.name.as_str()) || key.name.starts_with(crate::i18n::COLUMN_PREFIX)
            {
                continue;
            }
            let d = Diagnostic::error(
                Code::E106,
                display,
                format!("no interface string `{}`", key.name),
            )
            .at(key.span.clone());
            diags.push(
                match crate::diag::did_you_mean(&key.name, keys.iter().copied()) {
                    Some(m) => {
                        d.suggest(Fix::written(key.span.clone(), m, Written::TomlKey.write(m)))
                    }
                    None => d.help("the README lists the interface strings and their English text"),
                },
            );
        }
    }
}

fn get<'a>(n: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    match n.map(|n| &n.value) {
        Some(Value::Map(m)) => m.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}
