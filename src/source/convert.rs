//! Load helper: builds the [`crate::model`] types from a parsed [`Node`] tree, keeping every
//! value's span. Lenient by design: a value of the wrong shape (already reported by the shape
//! check) is skipped or left empty, so validation can still report every other problem.

use std::ops::Range;

use crate::model::{Guide, GuideVars, Mark, Note, NoteKind, Screenshot, Section, Sp, Step};
use crate::source::node::{Node, Value};

/// Builds a model value from a node; `None` when the node has the wrong shape.
pub trait FromNode: Sized {
    fn from_node(node: &Node) -> Option<Self>;
}

impl FromNode for String {
    fn from_node(node: &Node) -> Option<Self> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Num { text, .. } => Some(text.clone()),
            _ => None,
        }
    }
}

impl FromNode for bool {
    fn from_node(node: &Node) -> Option<Self> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl FromNode for i64 {
    fn from_node(node: &Node) -> Option<Self> {
        match &node.value {
            Value::Num { text, int: true } => text.parse().ok(),
            _ => None,
        }
    }
}

impl FromNode for NoteKind {
    fn from_node(node: &Node) -> Option<Self> {
        match &node.value {
            Value::Str(s) => NoteKind::parse(s),
            _ => None,
        }
    }
}

impl<T: FromNode> FromNode for Sp<T> {
    fn from_node(node: &Node) -> Option<Self> {
        T::from_node(node).map(|v| Sp::new(v, node.span.clone()))
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node) -> Option<Self> {
        match &node.value {
            Value::Seq(items) => Some(items.iter().filter_map(T::from_node).collect()),
            _ => None,
        }
    }
}

impl FromNode for GuideVars {
    /// A `variables:` map, nested maps flattened to dotted names; values that are not text,
    /// numbers or booleans are left out (the variant stage reports them).
    fn from_node(node: &Node) -> Option<Self> {
        fn walk(prefix: &str, node: &Node, out: &mut Vec<(Sp<String>, Sp<String>)>) {
            let Value::Map(entries) = &node.value else {
                return;
            };
            for (k, v) in entries {
                let name = if prefix.is_empty() {
                    k.name.clone()
                } else {
                    format!("{prefix}.{}", k.name)
                };
                let text = match &v.value {
                    Value::Str(s) => s.clone(),
                    Value::Num { text, .. } => text.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Map(_) => {
                        walk(&name, v, out);
                        continue;
                    }
                    Value::Null | Value::Seq(_) => continue,
                };
                out.push((Sp::new(name, k.span.clone()), Sp::new(text, v.span.clone())));
            }
        }
        let mut out = Vec::new();
        walk("", node, &mut out);
        Some(GuideVars(out))
    }
}

/// The entries of a mapping node.
struct Fields<'a> {
    entries: &'a [(crate::source::node::Key, Node)],
    span: Range<usize>,
}

impl<'a> Fields<'a> {
    fn of(node: &'a Node) -> Option<Self> {
        match &node.value {
            Value::Map(entries) => Some(Fields {
                entries,
                span: node.span.start..node.span.start,
            }),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// An optional field; absent, null or of the wrong shape gives `None`.
    fn opt<T: FromNode>(&self, key: &str) -> Option<T> {
        self.get(key).and_then(T::from_node)
    }

    /// A field with a default when absent or wrong.
    fn or_default<T: FromNode + Default>(&self, key: &str) -> T {
        self.opt(key).unwrap_or_default()
    }

    /// A required text field; when missing, an empty value at the mapping's start.
    fn text(&self, key: &str) -> Sp<String> {
        self.opt(key)
            .unwrap_or_else(|| Sp::new(String::new(), self.span.clone()))
    }

    /// A required list; when missing, empty.
    fn list<T: FromNode>(&self, key: &str) -> Sp<Vec<T>> {
        self.opt(key)
            .unwrap_or_else(|| Sp::new(Vec::new(), self.span.clone()))
    }
}

impl FromNode for Guide {
    fn from_node(node: &Node) -> Option<Self> {
        let f = Fields::of(node)?;
        Some(Guide {
            title: f.text("title"),
            id: f.opt("id"),
            weight: f.or_default("weight"),
            summary: f.opt("summary"),
            duration: f.opt("duration"),
            audience: f.opt("audience"),
            prerequisites: f.or_default("prerequisites"),
            objectives: f.or_default("objectives"),
            notes: f.or_default("notes"),
            sections: f.list("sections"),
            conclusion: f.opt("conclusion"),
            instructor: f.opt("instructor"),
            variables: f.or_default("variables"),
        })
    }
}

impl FromNode for Note {
    fn from_node(node: &Node) -> Option<Self> {
        let f = Fields::of(node)?;
        Some(Note {
            kind: f.opt("kind")?,
            text: f.text("text"),
            only: f.or_default("only"),
        })
    }
}

impl FromNode for Section {
    fn from_node(node: &Node) -> Option<Self> {
        let f = Fields::of(node)?;
        Some(Section {
            title: f.text("title"),
            id: f.opt("id"),
            intro: f.opt("intro"),
            notes: f.or_default("notes"),
            steps: f.list("steps"),
            instructor: f.opt("instructor"),
            only: f.or_default("only"),
            origin: 0,
        })
    }
}

impl FromNode for Step {
    fn from_node(node: &Node) -> Option<Self> {
        let f = Fields::of(node)?;
        Some(Step {
            text: f.text("text"),
            id: f.opt("id"),
            check: f.opt("check"),
            notes: f.or_default("notes"),
            screenshots: f.or_default("screenshots"),
            result: f.opt("result"),
            hint: f.opt("hint"),
            answer: f.opt("answer"),
            instructor: f.opt("instructor"),
            wait: f.opt("wait"),
            optional: f.or_default("optional"),
            substeps: f.or_default("substeps"),
            only: f.or_default("only"),
            origin: 0,
        })
    }
}

impl FromNode for Screenshot {
    fn from_node(node: &Node) -> Option<Self> {
        let f = Fields::of(node)?;
        Some(Screenshot {
            src: f.opt("src")?,
            alt: f.opt("alt"),
            caption: f.opt("caption"),
            only: f.or_default("only"),
            captured: f.opt("captured"),
            source: f.opt("source"),
            selector: f.opt("selector"),
            width: f.opt("width"),
            marks: f.or_default("marks"),
        })
    }
}

impl FromNode for f64 {
    /// A number as written; YAML's `.nan` and `.inf` too (validation reports them).
    fn from_node(node: &Node) -> Option<Self> {
        let Value::Num { text, .. } = &node.value else {
            return None;
        };
        let lower = text.to_ascii_lowercase();
        match lower.trim_start_matches(['+', '-']) {
            ".nan" => Some(f64::NAN),
            ".inf" if lower.starts_with('-') => Some(f64::NEG_INFINITY),
            ".inf" => Some(f64::INFINITY),
            _ => text.parse().ok(),
        }
    }
}

impl FromNode for Mark {
    fn from_node(node: &Node) -> Option<Self> {
        let f = Fields::of(node)?;
        Some(Mark {
            rect: f.opt("box"),
            arrow: f.opt("arrow"),
            callout: f.opt("callout"),
            at: f.opt("at"),
            highlight: f.opt("highlight"),
            label: f.opt("label"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::node::parse_yaml;

    /// Mutated guides never panic the loader: they parse, or fail with a message and a span
    /// inside the text.
    #[test]
    fn mutated_guides_never_panic() {
        let base = include_str!("../../content/azure-pass.yaml");
        let pieces = [
            ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "|", ">", "'", "\"", "#", ",",
            "\n", "\t", "  ", "~", "é", "---\n", "? ",
        ];
        let mut m = crate::testing::Mutator::new(0x2545_f491_4f6c_dd1d);
        for _ in 0..300 {
            let text = m.mutate(base, &pieces, 10);
            match parse_yaml(&text) {
                Ok(tree) => {
                    let mut out = Vec::new();
                    crate::source::shape::check(
                        &tree,
                        crate::schema::guide_schema(),
                        std::path::Path::new("g"),
                        crate::source::shape::Flavor::Yaml,
                        &mut out,
                    );
                    let _ = Guide::from_node(&tree);
                    for d in out {
                        let span = d.span.clone().expect("every shape problem has a place");
                        assert!(span.end <= text.len(), "{d:?}");
                    }
                }
                Err(e) => assert!(e.span.end <= text.len() && !e.message.is_empty()),
            }
        }
    }

    #[test]
    fn keeps_spans_and_skips_bad_parts() {
        let text = "title: T\nsections:\n  - title: S\n    steps:\n      - text: a\n        wait: 5m\n      - 42\n";
        let g = Guide::from_node(&parse_yaml(text).unwrap()).unwrap();
        assert_eq!(&text[g.title.span.clone()], "T");
        let steps = &g.sections[0].steps;
        assert_eq!(steps.len(), 1, "the non-mapping step is skipped");
        assert_eq!(&text[steps[0].wait.as_ref().unwrap().span.clone()], "5m");
    }
}
