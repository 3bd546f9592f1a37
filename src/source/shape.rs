//! Load helper: checks a spanned [`Node`] tree against the JSON Schema generated from the Rust
//! types and reports *every* unknown field, wrong type, missing field, empty list and bad enum
//! value at its place, before serde (which stops at the first problem) sees the file.

use crate::diag::Code;
use std::path::Path;

use serde_json::Value as Json;

use crate::diag::{Diagnostic, Fix, did_you_mean};
use crate::source::node::{Node, Value, Written};

/// How paths are written in messages: `sections[0].steps[1]` for YAML, `[output.html]` for TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Yaml,
    Toml,
}

/// Checks `node` against `schema` (a root schema with `$defs`), appending diagnostics.
pub fn check(node: &Node, schema: &Json, file: &Path, flavor: Flavor, out: &mut Vec<Diagnostic>) {
    let mut c = Checker {
        root: schema,
        file,
        flavor,
        out,
    };
    c.node(node, schema, &mut Vec::new(), None);
}

struct Checker<'a> {
    root: &'a Json,
    file: &'a Path,
    flavor: Flavor,
    out: &'a mut Vec<Diagnostic>,
}

#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

impl<'a> Checker<'a> {
    fn path(&self, path: &[Seg]) -> String {
        let mut s = String::new();
        for seg in path {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        match self.flavor {
            Flavor::Yaml if s.is_empty() => "the guide".to_owned(),
            Flavor::Yaml => format!("`{s}`"),
            Flavor::Toml if s.is_empty() => "the top level".to_owned(),
            Flavor::Toml => format!("`[{s}]`"),
        }
    }

    fn resolve<'s>(&self, mut schema: &'s Json) -> (&'s Json, Option<&'s str>)
    where
        'a: 's,
    {
        let mut name = None;
        for _ in 0..16 {
            let Some(r) = schema.get("$ref").and_then(Json::as_str) else {
                break;
            };
            let def = r.trim_start_matches("#/$defs/");
            match self.root.get("$defs").and_then(|d| d.get(def)) {
                Some(s) => {
                    name = Some(def);
                    schema = s;
                }
                None => break,
            }
        }
        (schema, name)
    }

    fn node(&mut self, node: &Node, schema: &Json, path: &mut Vec<Seg>, name: Option<&str>) {
        let (schema, def) = self.resolve(schema);
        let name = def.or(name);
        if let Some(any) = schema.get("anyOf").and_then(Json::as_array) {
            // Accept the first alternative that fits; otherwise report against the first.
            for alt in any {
                let before = self.out.len();
                self.node(node, alt, path, name);
                if self.out.len() == before {
                    return;
                }
                self.out.truncate(before);
            }
            if let Some(first) = any.first() {
                self.node(node, first, path, name);
            }
            return;
        }
        if !self.type_ok(node, schema, path) {
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
            self.enumeration(node, allowed, path);
        }
        match &node.value {
            Value::Map(entries) => self.object(node, entries, schema, path, name),
            Value::Seq(items) => {
                if let Some(min) = schema.get("minItems").and_then(Json::as_u64)
                    && (items.len() as u64) < min
                {
                    let field = last_key(path);
                    self.out.push(
                        Diagnostic::error(Code::E005, self.file, format!("`{field}` is empty"))
                            .at(node.span.clone())
                            .label(format!("needs at least {min} item"))
                            .help(format!(
                                "add at least one entry to `{field}`, or remove the key"
                            )),
                    );
                }
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.node(item, item_schema, path, None);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn type_ok(&mut self, node: &Node, schema: &Json, path: &[Seg]) -> bool {
        let types: Vec<&str> = match schema.get("type") {
            Some(Json::String(t)) => vec![t.as_str()],
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
            _ => return true,
        };
        let yaml = self.flavor == Flavor::Yaml;
        let fits = |t: &str| match (&node.value, t) {
            (Value::Null, "null") | (Value::Bool(_), "boolean") => true,
            (Value::Num { int, .. }, "integer") => *int,
            (Value::Num { .. }, "number") => true,
            // A plain scalar such as `2024` or `1.5` is text where text is expected.
            (Value::Str(_), "string") => true,
            (Value::Num { .. }, "string") => yaml,
            (Value::Seq(_), "array") | (Value::Map(_), "object") => true,
            _ => false,
        };
        if types.iter().any(|t| fits(t)) {
            return true;
        }
        // A number is text where text goes: "expected text" says it all.
        let text = types.contains(&"string");
        let expected: Vec<&str> = types
            .iter()
            .filter(|t| **t != "null" && !(text && matches!(**t, "number" | "integer")))
            .map(|t| describe_type(t))
            .collect();
        let expected = expected.join(" or ");
        let field = last_key(path);
        let mut d = Diagnostic::error(
            Code::E003,
            self.file,
            format!(
                "expected {expected} for `{field}`, found {}",
                node.value.describe()
            ),
        )
        .at(node.span.clone())
        .label(format!("expected {expected}"));
        d = match (&node.value, types.first().copied()) {
            (Value::Null, _) => d.help(format!("give `{field}` a value, or remove the key")),
            (Value::Bool(_), Some("string")) => d.help("put the text in quotes"),
            (Value::Str(_), Some("array")) => {
                d.help(format!("write `{field}` as a list: one `- item` per line"))
            }
            _ => d,
        };
        self.out.push(d);
        false
    }

    fn enumeration(&mut self, node: &Node, allowed: &[Json], path: &[Seg]) {
        let Value::Str(s) = &node.value else { return };
        let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
        if names.contains(&s.as_str()) {
            return;
        }
        let field = last_key(path);
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = format!("`{field}` must be one of {list}");
        let what = if field == "kind" {
            "note kind"
        } else {
            "value"
        };
        let d = Diagnostic::error(Code::E006, self.file, format!("unknown {what} `{s}`"))
            .at(node.span.clone())
            .label(format!("not a valid `{field}`"));
        let written = match self.flavor {
            Flavor::Yaml => Written::Yaml,
            Flavor::Toml => Written::TomlString,
        };
        self.out.push(match did_you_mean(s, names.iter().copied()) {
            Some(m) => d.suggest_then(Fix::written(node.span.clone(), m, written.write(m)), &help),
            None => d.help(help),
        });
    }

    /// A key a closed table does not have, with the fix to the nearest one it has; returns that
    /// key (the did-you-mean), if any.
    fn unknown_key<'p>(
        &mut self,
        key: &crate::source::node::Key,
        props: &'p serde_json::Map<String, Json>,
        what: &str,
    ) -> Option<&'p str> {
        let d = Diagnostic::error(
            Code::E002,
            self.file,
            format!("unknown field `{}` in {what}", key.name),
        )
        .at(key.span.clone())
        .label("unknown field");
        let written = match self.flavor {
            Flavor::Yaml => Written::Yaml,
            Flavor::Toml => Written::TomlKey,
        };
        // A guide's key written at the wrong level (`hint:` on a section) is no misspelling:
        // say where it belongs rather than suggest a look-alike of this level.
        if let Some(places) = self.elsewhere(&key.name) {
            self.out.push(d.help(format!(
                "`{}` is a field of {places}: move it there",
                key.name
            )));
            return None;
        }
        let meant = did_you_mean(&key.name, props.keys().map(String::as_str));
        self.out.push(match meant {
            Some(m) => d.suggest(Fix::written(key.span.clone(), m, written.write(m))),
            None => {
                let list = props
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                d.help(format!("expected one of {list}"))
            }
        });
        meant
    }

    /// Where else in a guide's schema `key` is a field ("a step", "the guide or a section"),
    /// if anywhere. Guides only: book.toml's tables are named by their headers.
    fn elsewhere(&self, key: &str) -> Option<String> {
        if self.flavor != Flavor::Yaml {
            return None;
        }
        let has = |s: &Json| s.get("properties").and_then(|p| p.get(key)).is_some();
        let mut places = Vec::new();
        if has(self.root) {
            places.push("the guide".to_owned());
        }
        for (name, def) in self
            .root
            .get("$defs")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            if has(def) {
                places.push(format!("a {}", name.to_lowercase()));
            }
        }
        match places.len() {
            0 => None,
            1 => places.pop(),
            _ => {
                let last = places.pop().unwrap_or_default();
                Some(format!("{} or {last}", places.join(", ")))
            }
        }
    }

    fn object(
        &mut self,
        node: &Node,
        entries: &[(crate::source::node::Key, Node)],
        schema: &Json,
        path: &mut Vec<Seg>,
        name: Option<&str>,
    ) {
        let empty = serde_json::Map::new();
        let props = schema
            .get("properties")
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let closed = schema.get("additionalProperties") == Some(&Json::Bool(false));
        // A map with values of one schema (`variables:`): each value is checked against it.
        let values = schema.get("additionalProperties").filter(|v| v.is_object());
        let what = match (name, self.flavor) {
            (Some(n), Flavor::Yaml) => format!("{} {}", n.to_lowercase(), self.path(path)),
            _ => self.path(path),
        };
        let what = what.replace("guide the guide", "the guide");
        // Keys a misspelt key was taken for: a missing required one among them is the same
        // problem (`titel` for `title`), reported once, by the unknown key with its fix.
        let mut meant = Vec::new();
        for (key, value) in entries {
            match props.get(&key.name) {
                Some(prop) => {
                    path.push(Seg::Key(key.name.clone()));
                    self.node(value, prop, path, None);
                    path.pop();
                }
                None if values.is_some() => {
                    path.push(Seg::Key(key.name.clone()));
                    self.node(value, values.unwrap_or(&Json::Null), path, None);
                    path.pop();
                }
                None if closed => meant.extend(self.unknown_key(key, props, &what)),
                None => {}
            }
        }
        let required = schema.get("required").and_then(Json::as_array);
        for req in required.into_iter().flatten().filter_map(Json::as_str) {
            if entries.iter().any(|(k, _)| k.name == req) || meant.contains(&req) {
                continue;
            }
            let mut d = Diagnostic::error(
                Code::E004,
                self.file,
                format!("missing required field `{req}` in {what}"),
            )
            .at(node.span.start..node.span.start)
            .label(format!("`{req}` is missing here"));
            if let Some(desc) = props
                .get(req)
                .and_then(|p| p.get("description"))
                .and_then(Json::as_str)
            {
                d = d.help(format!("add `{req}`: {}", first_line(desc)));
            }
            self.out.push(d);
        }
    }
}

fn first_line(s: &str) -> &str {
    s.split("\n\n").next().unwrap_or(s).trim()
}

fn last_key(path: &[Seg]) -> String {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        })
        .unwrap_or_else(|| "value".to_owned())
}

fn describe_type(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "boolean" => "`true` or `false`",
        "integer" => "an integer",
        "number" => "a number",
        "array" => "a list",
        "object" => "a mapping",
        _ => "a value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::node::parse_yaml;

    fn run(text: &str) -> Vec<Diagnostic> {
        let node = parse_yaml(text).unwrap();
        let mut out = Vec::new();
        check(
            &node,
            &crate::model::guide_schema(),
            Path::new("g.yaml"),
            Flavor::Yaml,
            &mut out,
        );
        out
    }

    #[test]
    fn reports_every_problem() {
        let out = run(
            "titel: x\nsections:\n  - title: s\n    steps:\n      - txt: a\n      - text: [1]\n        optional: maybe\n",
        );
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [Code::E002, Code::E002, Code::E003, Code::E003],
            "{out:#?}"
        );
        assert_eq!(out[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(out[0].fix, Some(Fix::new(0..5, "title")));
    }

    /// #30: `titel` was E002 (did you mean `title`?) and E004 (missing `title`): one problem,
    /// the unknown key with its fix. A required key nothing was taken for is still missing.
    #[test]
    fn a_misspelt_required_key_is_one_problem() {
        let out = run("titel: x\nsections: [{steps: [{text: a}]}]\n");
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::E002, Code::E004], "{out:#?}");
        assert_eq!(out[0].fix, Some(Fix::new(0..5, "title")));
        assert!(out[1].message.contains("`title` in section"), "{out:#?}");
    }

    #[test]
    fn empty_lists_and_bad_kinds() {
        let out = run("title: x\nnotes: [{kind: hint, text: t}]\nsections: []\n");
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::E006, Code::E005], "{out:#?}");
        assert!(out[0].help.as_deref().unwrap().contains("`tip`"));
    }

    /// #25: `hint:` or `answer:` on a section is a step's field in the wrong place, said so
    /// (not a did-you-mean of a section's look-alike key); a misspelt `instuctor` gets its fix.
    #[test]
    fn a_field_at_the_wrong_level_says_where_it_belongs() {
        let out = run(
            "title: x\nanswer: a\nsections:\n  - title: s\n    hint: h\n    instuctor: i\n    steps: [{text: a}]\n",
        );
        let helps: Vec<_> = out
            .iter()
            .map(|d| d.help.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            helps,
            [
                "`answer` is a field of a step: move it there",
                "`hint` is a field of a step: move it there",
                "did you mean `instructor`?",
            ],
            "{out:#?}"
        );
        assert!(out.iter().all(|d| d.code == Code::E002));
    }

    #[test]
    fn plain_scalars_are_text() {
        assert!(run("title: 2024\nsections: [{title: 1, steps: [{text: 3.5}]}]\n").is_empty());
    }
}
