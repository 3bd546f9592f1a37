//! Config: the rules of `[variables]`, `[profiles.*]` and `[build] profiles` that the schema
//! cannot express — variable names, profile names and tags usable as folder names and in
//! `only:`, and profiles a build names that book.toml declares (with "did you mean").

use std::path::Path;

use crate::diag::{Code, Diagnostic, Fix};
use crate::source::node::{Node, Value, Written};

/// A profile name or tag: lowercase letters, digits and `-` (profile names are folder names).
pub(super) fn valid_tag(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn get<'a>(n: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    match n.map(|n| &n.value) {
        Some(Value::Map(m)) => m.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

pub(super) fn check(tree: &Node, display: &Path, diags: &mut Vec<Diagnostic>) {
    variable_names(get(Some(tree), "variables"), "", display, diags);
    let profiles = get(Some(tree), "profiles");
    let mut declared = Vec::new();
    if let Some(Value::Map(entries)) = profiles.map(|p| &p.value) {
        for (name, profile) in entries {
            declared.push(name.name.clone());
            if !valid_tag(&name.name) {
                diags.push(
                    Diagnostic::error(
                        Code::E105,
                        display,
                        format!("profile name `{}` cannot name a folder", name.name),
                    )
                    .at(name.span.clone())
                    .help("use lowercase letters, digits and `-`, e.g. `instructor`"),
                );
            }
            if let Some(Value::Seq(tags)) = get(Some(profile), "tags").map(|t| &t.value) {
                for t in tags {
                    if let Value::Str(s) = &t.value
                        && !valid_tag(s)
                    {
                        diags.push(
                            Diagnostic::error(Code::E105, display, format!("tag `{s}` is not a plain name"))
                                .at(t.span.clone())
                                .help("tags are lowercase letters, digits and `-`, as in `only: [instructor]`"),
                        );
                    }
                }
            }
            variable_names(get(Some(profile), "variables"), "", display, diags);
        }
    }
    let build_profiles = get(get(Some(tree), "build"), "profiles");
    if let Some(Value::Seq(names)) = build_profiles.map(|b| &b.value) {
        for n in names {
            if let Value::Str(s) = &n.value
                && !declared.contains(s)
            {
                diags.push(unknown_profile(s, &declared, display, n.span.clone()));
            }
        }
    }
}

/// A profile a build names (the string at `span`) that book.toml does not declare.
pub(super) fn unknown_profile(
    name: &str,
    declared: &[String],
    display: &Path,
    span: std::ops::Range<usize>,
) -> Diagnostic {
    let d = Diagnostic::error(
        Code::E105,
        display,
        format!("no profile `{name}` in `[profiles]`"),
    )
    .at(span.clone());
    match crate::diag::did_you_mean(name, declared.iter().map(String::as_str)) {
        Some(m) => d.suggest(Fix::written(span, m, Written::TomlString.write(m))),
        None if declared.is_empty() => d.help(format!(
            "declare it: `[profiles.{name}]` with `tags = [\"{name}\"]`"
        )),
        None => d.help(format!(
            "declared profiles: {}",
            declared
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Every key of a `[variables]` table (nested) must be a name a placeholder can use.
fn variable_names(table: Option<&Node>, prefix: &str, display: &Path, diags: &mut Vec<Diagnostic>) {
    let Some(Value::Map(entries)) = table.map(|t| &t.value) else {
        return;
    };
    for (k, v) in entries {
        let name = if prefix.is_empty() {
            k.name.clone()
        } else {
            format!("{prefix}.{}", k.name)
        };
        if k.name.contains('.') || !crate::variables::valid_name(&name) {
            diags.push(
                Diagnostic::error(
                    Code::E105,
                    display,
                    format!("`{}` cannot be used as a variable name", crate::variables::shorten(&name)),
                )
                .at(k.span.clone())
                .help(format!("use letters, digits, `_` and `-`, starting with a letter; tables give dotted names, of at most {} parts and {} characters", crate::variables::MAX_NAME_PARTS, crate::variables::MAX_NAME_BYTES)),
            );
            // A table nested deeper than a name may be is not walked further.
            continue;
        }
        if matches!(v.value, Value::Map(_)) {
            variable_names(Some(v), &name, display, diags);
        }
    }
}
