//! Import: writes an imported guide as readable YAML in the canonical field order, with block
//! scalars for long or multi-line text.

use std::fmt::Write as _;

use super::{Imported, Note, Shot, Step};

/// The YAML text of a guide; `schema` is the relative path of stepbook.schema.json, if any.
pub fn to_yaml(g: &Imported, schema: Option<&str>, source: &str) -> String {
    let mut out = String::new();
    if let Some(s) = schema {
        let _ = writeln!(out, "{}", crate::schema::modeline(s));
    }
    // The file name is untrusted: a newline in it must not start a YAML line of its own.
    let source: String = source
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let _ = writeln!(out, "# Imported from {source} by `stepbook import`.");
    if !g.kept_front_matter.is_empty() {
        out.push_str(
            "# The source's front matter (some keys have no field in stepbook's model):\n",
        );
        for line in &g.kept_front_matter {
            let _ = writeln!(out, "#   {line}");
        }
    }
    field(&mut out, 0, "title", &g.title);
    if let Some(s) = &g.summary {
        field(&mut out, 0, "summary", s);
    }
    if let Some(d) = &g.duration {
        field(&mut out, 0, "duration", d);
    }
    items(&mut out, "prerequisites", &g.prerequisites);
    items(&mut out, "objectives", &g.objectives);
    notes(&mut out, 0, &g.notes);
    out.push_str("sections:\n");
    for s in &g.sections {
        item_field(&mut out, 2, "title", &s.title);
        if let Some(i) = &s.intro {
            field(&mut out, 4, "intro", i);
        }
        notes(&mut out, 4, &s.notes);
        out.push_str("    steps:\n");
        for st in &s.steps {
            step(&mut out, 6, st);
        }
    }
    if let Some(c) = &g.conclusion {
        field(&mut out, 0, "conclusion", c);
    }
    out
}

/// A top-level list of Markdown items.
fn items(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key}:");
    for i in items {
        let _ = write!(out, "  - ");
        value_after_key_list(out, i);
    }
}

fn step(out: &mut String, indent: usize, s: &Step) {
    item_field(out, indent, "text", &s.text);
    let inner = indent + 2;
    notes(out, inner, &s.notes);
    if !s.screenshots.is_empty() {
        let _ = writeln!(out, "{}screenshots:", " ".repeat(inner));
        for shot in &s.screenshots {
            screenshot(out, inner + 2, shot);
        }
    }
    if let Some(w) = &s.wait {
        field(out, inner, "wait", w);
    }
    if !s.substeps.is_empty() {
        let _ = writeln!(out, "{}substeps:", " ".repeat(inner));
        for sub in &s.substeps {
            step(out, inner + 2, sub);
        }
    }
}

fn screenshot(out: &mut String, indent: usize, s: &Shot) {
    item_field(out, indent, "src", &s.src);
    field(out, indent + 2, "alt", &s.alt);
    if let Some(c) = &s.caption {
        field(out, indent + 2, "caption", c);
    }
}

fn notes(out: &mut String, indent: usize, notes: &[Note]) {
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}notes:", " ".repeat(indent));
    for n in notes {
        item_field(out, indent + 2, "kind", n.kind);
        field(out, indent + 4, "text", &n.text);
    }
}

/// `- key: value` as the first field of a list item at `indent`.
fn item_field(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = write!(out, "{}- ", " ".repeat(indent));
    value_after_key(out, indent + 2, key, value);
}

/// `key: value` at `indent`.
fn field(out: &mut String, indent: usize, key: &str, value: &str) {
    out.push_str(&" ".repeat(indent));
    value_after_key(out, indent, key, value);
}

fn value_after_key(out: &mut String, indent: usize, key: &str, value: &str) {
    if value.contains('\n') || value.len() > 100 && value.contains(' ') {
        block(out, indent, key, value);
    } else if plain_ok(value) {
        let _ = writeln!(out, "{key}: {value}");
    } else {
        let _ = writeln!(out, "{key}: {}", quoted(value));
    }
}

/// A list item's scalar after `  - `: quoted, or a block scalar for several lines.
fn value_after_key_list(out: &mut String, value: &str) {
    if value.contains('\n') {
        let indicator = if value.starts_with([' ', '\n']) {
            "2"
        } else {
            ""
        };
        let _ = writeln!(out, "|{indicator}-");
        for line in value.trim_end_matches('\n').split('\n') {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "    {line}");
            }
        }
    } else if plain_ok(value) {
        let _ = writeln!(out, "{value}");
    } else {
        let _ = writeln!(out, "{}", quoted(value));
    }
}

/// A literal block scalar (`|-`), with an indentation indicator when the text starts with spaces.
fn block(out: &mut String, indent: usize, key: &str, value: &str) {
    let body_indent = indent + 2;
    let indicator = if value.starts_with([' ', '\n']) {
        "2"
    } else {
        ""
    };
    let chomp = if value.ends_with('\n') { "" } else { "-" };
    let _ = writeln!(out, "{key}: |{indicator}{chomp}");
    for line in value.split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{}{line}", " ".repeat(body_indent));
        }
    }
}

/// Text that YAML reads back unchanged without quotes.
fn plain_ok(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return false;
    }
    // Scalars YAML would read as something else (`true`, `12`, `~`).
    match crate::source::node::parse_yaml(&format!("k: {s}")).map(|n| n.value) {
        Ok(crate::source::node::Value::Map(m)) => {
            matches!(m.first().map(|(_, v)| &v.value), Some(crate::source::node::Value::Str(v)) if v == s)
        }
        _ => false,
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_unchanged() {
        for s in [
            "plain",
            "a: b",
            "- x",
            "true",
            "12",
            "# x",
            "x #y",
            "“Sign In”",
            "ends:",
            "'q'",
            "back\\slash",
            "tab\there",
        ] {
            let mut out = String::new();
            field(&mut out, 0, "k", s);
            let tree = crate::source::node::parse_yaml(&out).unwrap();
            let crate::source::node::Value::Map(m) = tree.value else {
                panic!()
            };
            let v = match &m[0].1.value {
                crate::source::node::Value::Str(v) => v.clone(),
                other => panic!("{s:?} read back as {other:?} from {out}"),
            };
            assert_eq!(v, s, "{out}");
        }
        let text = "line one\n\n    indented code\nlast";
        let mut out = String::new();
        field(&mut out, 0, "k", text);
        let tree = crate::source::node::parse_yaml(&out).unwrap();
        let crate::source::node::Value::Map(m) = tree.value else {
            panic!()
        };
        assert_eq!(
            m[0].1.value,
            crate::source::node::Value::Str(text.into()),
            "{out}"
        );
    }
}

#[cfg(test)]
mod property {
    use super::*;
    use crate::diag::Code;

    /// Whatever Markdown goes in, the YAML that comes out parses and has the model's shape.
    #[test]
    fn mutated_guides_always_give_well_formed_yaml() {
        let seed = include_str!("../../tests/fixtures/import/azure-pass.md");
        let pieces = [
            ":",
            "- ",
            "[",
            "]",
            "{",
            "}",
            "&a ",
            "*a",
            "!",
            "|",
            ">",
            "'",
            "\"",
            "%",
            "@",
            "`",
            "#",
            ",",
            "\n",
            "\t",
            "    ",
            "\\",
            "1. ",
            "> **Note:** ",
            "\r\n",
            "é",
            "---\n",
        ];
        let mut m = crate::testing::Mutator::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300 {
            let md = m.mutate(seed, &pieces, 15);
            let g = crate::import::import(
                &md,
                std::path::Path::new("g.md"),
                std::path::Path::new("content"),
            );
            let yaml = to_yaml(&g, None, "g.md");
            let tree = crate::source::node::parse_yaml(&yaml)
                .unwrap_or_else(|e| panic!("{}: {yaml}", e.message));
            let mut problems = Vec::new();
            crate::source::shape::check(
                &tree,
                crate::schema::guide_schema(),
                std::path::Path::new("g.yaml"),
                crate::source::shape::Flavor::Yaml,
                &mut problems,
            );
            let wrong: Vec<_> = problems
                .iter()
                .filter(|d| matches!(d.code, Code::E002 | Code::E003 | Code::E006))
                .collect();
            assert!(wrong.is_empty(), "{wrong:?}\n{yaml}");
        }
    }
}
