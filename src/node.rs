//! Load helper: a format-neutral tree of values with byte spans, parsed from YAML (guides) or
//! TOML (book.toml), so one shape check can report every problem in a file at its place.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A value and the bytes of the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

impl Value {
    /// How the value is described in messages: "a string", "a list", ...
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

// ---- YAML ---------------------------------------------------------------------------------

/// Byte range of a serde-saphyr location in `text`. Locations carry byte offsets for string
/// input; when one does not, the range is computed from its line and character column.
fn range_of(l: &serde_saphyr::Location, text: &str) -> Range<usize> {
    let span = l.span();
    if let (Some(o), Some(n)) = (span.byte_offset(), span.byte_len()) {
        let (o, n) = (o as usize, n as usize);
        if o + n <= text.len() && text.is_char_boundary(o) && text.is_char_boundary(o + n) {
            return o..o + n;
        }
    }
    let start = crate::diag::offset_of(text, l.line() as usize, l.column() as usize);
    let end = text[start..]
        .char_indices()
        .nth((span.len() as usize).max(1))
        .map_or(text.len(), |(i, _)| start + i);
    start..end
}

/// The tree serde-saphyr hands us, before locations become byte ranges.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<Raw>>),
    Map(Vec<(serde_saphyr::Spanned<String>, serde_saphyr::Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Raw::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<serde_saphyr::Spanned<String>>()? {
                    let val = a.next_value()?;
                    v.push((k, val));
                }
                Ok(Raw::Map(v))
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Raw, E> {
                Err(E::custom("binary values are not supported"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A YAML error with its message (no location suffix) and byte span.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub span: Range<usize>,
}

/// The parser options every guide is read with: duplicate keys are errors; alias expansion,
/// nesting depth and node counts are bounded (serde-saphyr's default budget).
pub fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! { with_snippet: false }
}

/// Turns a serde-saphyr error into a message and a span in `text`.
pub fn yaml_error(text: &str, e: &serde_saphyr::Error) -> YamlError {
    let span = e.location().map(|l| range_of(&l, text)).unwrap_or(0..0);
    let mut message = e.to_string();
    // serde-saphyr appends " at line L, column C ..."; the diagnostic shows the place itself.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    if let Some(detail) = message.strip_prefix("budget breached: ") {
        let what = if detail.starts_with("Nodes") {
            "more values than a guide may have (250,000) once aliases are expanded"
        } else if detail.starts_with("Depth") {
            "values nested too deeply"
        } else if detail.starts_with("Alias") {
            "too many aliases"
        } else {
            "more than a guide may hold"
        };
        message = format!("the document has {what}");
    } else if message.starts_with("duplicate mapping key") {
        message = message
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(&message)
            .to_owned();
    }
    YamlError { message, span }
}

/// Parses YAML text into a spanned tree.
pub fn parse_yaml(text: &str) -> Result<Node, YamlError> {
    let raw: serde_saphyr::Spanned<Raw> = serde_saphyr::from_str_with_options(text, yaml_options())
        .map_err(|e| yaml_error(text, &e))?;
    Ok(convert(text, raw))
}

fn convert(text: &str, raw: serde_saphyr::Spanned<Raw>) -> Node {
    let span = range_of(&raw.referenced, text);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|r| convert(text, r)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        span: range_of(&k.referenced, text),
                        name: k.value,
                    };
                    (key, convert(text, v))
                })
                .collect(),
        ),
    };
    Node { span, value }
}

// ---- TOML ---------------------------------------------------------------------------------

/// Parses TOML text into a spanned tree; the error carries its message and span.
pub fn parse_toml(text: &str) -> Result<Node, YamlError> {
    let table = toml::de::DeTable::parse(text).map_err(|e| YamlError {
        message: e.message().trim().to_owned(),
        span: e.span().unwrap_or(0..0),
    })?;
    let span = table.span();
    Ok(Node {
        span,
        value: toml_table(table.into_inner()),
    })
}

fn toml_table(t: toml::de::DeTable<'_>) -> Value {
    Value::Map(
        t.into_iter()
            .map(|(k, v)| {
                let key = Key {
                    span: k.span(),
                    name: k.into_inner().into_owned(),
                };
                (key, toml_value(v))
            })
            .collect(),
    )
}

fn toml_value(v: toml::Spanned<toml::de::DeValue<'_>>) -> Node {
    use toml::de::DeValue;
    let span = v.span();
    let value = match v.into_inner() {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => i
            .to_string()
            .replace('_', "")
            .parse()
            .map_or_else(|_| Value::Str(i.to_string()), Value::Int),
        DeValue::Float(f) => f
            .to_string()
            .replace('_', "")
            .parse()
            .map_or_else(|_| Value::Str(f.to_string()), Value::Float),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(a) => Value::Seq(a.into_iter().map(toml_value).collect()),
        DeValue::Table(t) => toml_table(t),
    };
    Node { span, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_spans_point_at_values() {
        let text = "title: Hé\nsections:\n  - steps: [a, 5]\n";
        let n = parse_yaml(text).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(&text[m[0].0.span.clone()], "title");
        assert_eq!(&text[m[0].1.span.clone()], "Hé");
        let Value::Seq(s) = &m[1].1.value else {
            panic!()
        };
        let Value::Map(sec) = &s[0].value else {
            panic!()
        };
        let Value::Seq(steps) = &sec[0].1.value else {
            panic!()
        };
        assert_eq!(steps[1].value, Value::Int(5));
        assert_eq!(&text[steps[1].span.clone()], "5");
    }

    #[test]
    fn yaml_errors_have_a_place() {
        let text = "title: x\ntitle: y\n";
        let e = parse_yaml(text).unwrap_err();
        assert_eq!(e.message, "duplicate mapping key: title");
        assert_eq!(e.span.start, 9);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            text.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        let e = parse_yaml(&text).unwrap_err();
        assert!(
            e.message.contains("once aliases are expanded"),
            "{}",
            e.message
        );
    }

    #[test]
    fn toml_spans() {
        let text = "[book]\ntitle = \"x\"\n";
        let n = parse_toml(text).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        let Value::Map(book) = &m[0].1.value else {
            panic!()
        };
        assert_eq!(&text[book[0].1.span.clone()], "\"x\"");
    }
}
