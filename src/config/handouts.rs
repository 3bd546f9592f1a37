//! Config: `[handouts] show`, checked against a roster once `stepbook handouts` has read one: a
//! column the roster lacks is book.toml's mistake, an error at its place there, with the
//! roster's column it most likely means.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Fix};
use crate::source::node::{self, Value};

/// Columns that name the same thing under another name (`code` for `promo_code`): suggested
/// when no column is spelt like the one `show` names.
const SAME: &[(&str, &str)] = &[
    ("code", "promo_code"),
    ("name", "full_name"),
    ("first_name", "given_name"),
    ("last_name", "family_name"),
    ("last_name", "surname"),
    ("email", "email_address"),
];

/// Errors (E006) for each name of `[handouts] show` in book.toml's text (`toml`, shown as
/// `display`) that is none of the roster's `columns` (normalised, `first_name`), each at its
/// place in the list, with "did you mean" when a column is spelt alike or names the same.
pub fn unknown_columns(toml: &str, display: &Path, columns: &[String]) -> Vec<Diagnostic> {
    let Ok(tree) = node::parse_toml(toml) else {
        return Vec::new();
    };
    let field = |n: &node::Node, key: &str| match &n.value {
        Value::Map(m) => m
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v.clone()),
        _ => None,
    };
    let Some(Value::Seq(items)) = field(&tree, "handouts")
        .and_then(|h| field(&h, "show"))
        .map(|n| n.value)
    else {
        return Vec::new();
    };
    let have: Vec<String> = columns.iter().map(|c| format!("`{c}`")).collect();
    let mut out = Vec::new();
    for n in &items {
        let Value::Str(name) = &n.value else { continue };
        if columns.contains(name) {
            continue;
        }
        let d = Diagnostic::error(
            Code::E006,
            display,
            format!("`[handouts] show` names the column `{name}`, which the roster does not have"),
        )
        .at(n.span.clone())
        .label("no such column");
        let meant = crate::diag::did_you_mean(name, columns.iter().map(String::as_str))
            .map(str::to_owned)
            .or_else(|| alias(name, columns));
        out.push(match meant {
            Some(m) => d.suggest(Fix::written(n.span.clone(), &m, format!("\"{m}\""))),
            None => d.help(format!(
                "name a column of the roster (headers normalised: `First Name` is `first_name`): {}",
                have.join(", ")
            )),
        });
    }
    out
}

/// The roster's column that names what `name` does under another name, if it has one.
fn alias(name: &str, columns: &[String]) -> Option<String> {
    SAME.iter()
        .filter_map(|&(a, b)| match name {
            n if n == a => Some(b),
            n if n == b => Some(a),
            _ => None,
        })
        .find(|other| columns.iter().any(|c| c == other))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unknown_column_is_at_its_place_with_the_one_meant() {
        let toml = "[book]\ntitle = \"T\"\n[handouts]\nshow = [\"nmae\", \"code\", \"x\"]\n";
        let cols: Vec<String> = ["name", "promo_code"].map(String::from).to_vec();
        let d = unknown_columns(toml, Path::new("book.toml"), &cols);
        assert_eq!(d.len(), 3);
        assert_eq!(&toml[d[0].span.clone().unwrap()], "\"nmae\"");
        let fix = |i: usize| d[i].fix.as_ref().map(|f| f.replacement.clone());
        assert_eq!(fix(0).as_deref(), Some("\"name\""));
        assert_eq!(fix(1).as_deref(), Some("\"promo_code\""));
        assert_eq!(fix(2), None);
        assert!(d[2].help.as_deref().unwrap().contains("`promo_code`"));
    }
}
