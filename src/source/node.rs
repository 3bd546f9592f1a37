//! Load helper: a format-neutral tree of values with byte spans, parsed from YAML (guides) or
//! TOML (book.toml), so one shape check can report every problem in a file at its place.

use crate::diag::Code;
use std::ops::Range;

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
    /// A number, with the text it was written as (`007` stays `007` where text is expected).
    Num {
        text: String,
        int: bool,
    },
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
            Value::Num { int: true, .. } => "an integer",
            Value::Num { .. } => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Keys and text values holding a control character other than tab, newline and carriage
/// return (`"\0"`, an ESC sequence): where, and the first such character. Such text would reach
/// pages, Markdown files and the terminal.
pub fn control_chars(node: &Node) -> Vec<(Range<usize>, char)> {
    fn bad(s: &str) -> Option<char> {
        // A byte scan first (control characters are C0 bytes, DEL, or C1 ones led by 0xC2):
        // nearly all text has none, and this runs over every value of every guide.
        // (`fold` without an early exit lets the compiler check many bytes at once.)
        // Noncharacters are led by 0xEF (U+FDD0–U+FDEF, U+FFFE, U+FFFF) or 0xF0–0xF4.
        let suspect = s.bytes().fold(false, |found, b| {
            found
                | (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')
                | (b == 0x7f)
                | (b == 0xc2)
                | (b >= 0xef)
        });
        if !suspect {
            return None;
        }
        s.chars()
            .find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_noncharacter(c))
    }
    fn walk(node: &Node, out: &mut Vec<(Range<usize>, char)>) {
        match &node.value {
            Value::Str(s) => out.extend(bad(s).map(|c| (node.span.clone(), c))),
            Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Map(entries) => {
                for (k, v) in entries {
                    out.extend(bad(&k.name).map(|c| (k.span.clone(), c)));
                    walk(v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(node, &mut out);
    out
}

/// Unicode's noncharacters (U+FDD0–U+FDEF and the last two code points of every plane): never
/// text, forbidden in HTML ("Forbidden code point") and in XML (a JUnit report).
pub fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

/// The diagnostic for a control character found by [`control_chars`].
pub fn control_char_error(
    file: &std::path::Path,
    span: Range<usize>,
    c: char,
) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::error(
        Code::E019,
        file,
        if is_noncharacter(c) {
            format!("text holds the noncharacter U+{:04X}", c as u32)
        } else {
            format!("text holds the control character U+{:04X}", c as u32)
        },
    )
    .at(span)
    .help("remove it: control characters other than tab and line breaks, and Unicode's noncharacters, are not allowed in text")
}

// ---- YAML ---------------------------------------------------------------------------------

/// Limits that keep hostile YAML (alias bombs, deep nesting) from exhausting memory or stack.
pub const MAX_NODES: usize = 250_000;
pub const MAX_DEPTH: usize = 128;
/// Text (keys and scalars) a document may hold once aliases are expanded, and text copied for
/// anchors: a node budget alone lets one 1 MB anchor aliased 20,000 times need 20 GB.
pub const MAX_EXPANDED_BYTES: usize = 16 << 20;

/// A YAML error with its message and byte span.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub span: Range<usize>,
}

/// Parses YAML text into a spanned tree.
///
/// Built from serde-saphyr's event parser (granit-parser) rather than through serde: it keeps
/// the byte span of every value for half the cost of `Spanned<T>` deserialisation (measured in
/// benches/README.md). YAML 1.2 core schema for plain scalars; one document per file; duplicate
/// keys are errors; aliases are expanded within a budget of [`MAX_NODES`] values and
/// [`MAX_EXPANDED_BYTES`] of text, and nesting is limited to [`MAX_DEPTH`] levels. Duplicate keys
/// are found with a set per mapping, so a mapping of many keys costs linear time.
pub fn parse_yaml(text: &str) -> Result<Node, YamlError> {
    use serde_saphyr::granit_parser::Parser;
    let mut tree = TreeBuilder::default();
    for ev in Parser::new_from_str(text) {
        let (event, span) = ev.map_err(|e| parser_error(text, &e))?;
        let range = span.start.byte_offset().unwrap_or(0)..span.end.byte_offset().unwrap_or(0);
        if let Some((node, anchor)) = tree.event(event, range)? {
            tree.attach(node, anchor)?;
        }
    }
    Ok(tree.root.unwrap_or(Node {
        span: 0..0,
        value: Value::Null,
    }))
}

fn err(message: String, span: Range<usize>) -> YamlError {
    YamlError { message, span }
}

/// The parser's error at its place, in words a guide's author understands.
fn parser_error(text: &str, e: &serde_saphyr::granit_parser::ScanError) -> YamlError {
    let m = e.marker();
    let at = m
        .byte_offset()
        .unwrap_or_else(|| crate::diag::offset_of(text, m.line(), m.col() + 1));
    let message = match e.info() {
        m if m.contains("recursion limit") => {
            format!("values nested more than {MAX_DEPTH} levels deep")
        }
        m => m,
    };
    // The parser notices a tab at the end of the value before it; point at the tab.
    if message.contains("tab")
        && let Some(tab) = indenting_tab(text, at)
    {
        return err(
            "a tab is used for indentation; YAML indents with spaces only".into(),
            tab..tab + 1,
        );
    }
    err(message, at..(at + 1).min(text.len()))
}

/// A sequence or mapping whose end has not come yet.
enum Open {
    Seq(Vec<Node>, usize, Range<usize>),
    /// Entries, the key waiting for its value, the keys so far (duplicates in linear time).
    Map(
        Vec<(Key, Node)>,
        Option<Key>,
        std::collections::HashSet<String>,
        usize,
        Range<usize>,
    ),
}

/// Builds the tree from parser events, within the budgets.
#[derive(Default)]
struct TreeBuilder {
    stack: Vec<Open>,
    /// Each anchor with its size in values and bytes, counted once when it is defined.
    anchors: std::collections::HashMap<usize, (Node, usize, usize)>,
    root: Option<Node>,
    nodes: usize,
    bytes: usize,
    documents: usize,
}

impl TreeBuilder {
    /// Takes one event; returns a value that is complete (with its anchor id, 0 for none).
    fn event(
        &mut self,
        event: serde_saphyr::granit_parser::Event<'_>,
        range: Range<usize>,
    ) -> Result<Option<(Node, usize)>, YamlError> {
        use serde_saphyr::granit_parser::{Event, ScalarStyle};
        Ok(match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    let message = "a guide file holds one YAML document; found a second one";
                    return Err(err(message.into(), range));
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.bytes += value.len();
                let value = if style == ScalarStyle::Plain && tag.is_none() {
                    resolve_plain(&value)
                } else {
                    Value::Str(value.into_owned())
                };
                Some((Node { span: range, value }, anchor))
            }
            Event::Alias(id) => Some((self.alias(id, range)?, 0)),
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    let message = format!("values nested more than {MAX_DEPTH} levels deep");
                    return Err(err(message, range));
                }
                self.stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new(), anchor, range),
                    _ => Open::Map(Vec::new(), None, Default::default(), anchor, range),
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Seq(items, anchor, span)) => Some((
                    Node {
                        span,
                        value: Value::Seq(items),
                    },
                    anchor,
                )),
                Some(Open::Map(entries, _, _, anchor, span)) => Some((
                    Node {
                        span,
                        value: Value::Map(entries),
                    },
                    anchor,
                )),
                None => None,
            },
            _ => None,
        })
    }

    /// A copy of an anchored value, counted against the budgets as if written out.
    fn alias(&mut self, id: usize, range: Range<usize>) -> Result<Node, YamlError> {
        let (node, size, weight) = self
            .anchors
            .get(&id)
            .ok_or_else(|| err("alias to an unknown anchor".into(), range.clone()))?;
        self.nodes += size;
        self.bytes += weight;
        if self.bytes > MAX_EXPANDED_BYTES {
            return Err(too_big(range));
        }
        if self.nodes > MAX_NODES {
            let message = format!(
                "the document has more values than a guide may have ({MAX_NODES}) once aliases are expanded"
            );
            return Err(err(message, range));
        }
        let mut copy = node.clone();
        copy.span = range;
        Ok(copy)
    }

    /// Puts a complete value where it belongs: the root, a sequence, or a mapping's key or value.
    fn attach(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            let message =
                format!("the document has more values than a guide may have ({MAX_NODES})");
            return Err(err(message, node.span));
        }
        if anchor != 0 {
            // Anchors nested in anchors copy their text again: that counts too.
            let (size, weight) = measure(&node);
            self.bytes += weight;
            if self.bytes > MAX_EXPANDED_BYTES {
                return Err(too_big(node.span));
            }
            self.anchors.insert(anchor, (node.clone(), size, weight));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq(items, ..)) => items.push(node),
            Some(Open::Map(entries, key, names, ..)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    let name = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Null => String::new(),
                        Value::Bool(b) => b.to_string(),
                        Value::Num { text, .. } => text.clone(),
                        _ => return Err(err("keys must be plain text".into(), node.span)),
                    };
                    // Small mappings (nearly all) are searched; large ones get a set, so a
                    // mapping of many keys still costs linear time.
                    let duplicate = if entries.len() < 16 {
                        entries.iter().any(|(k, _)| k.name == name)
                    } else {
                        if names.is_empty() {
                            names.extend(entries.iter().map(|(k, _)| k.name.clone()));
                        }
                        !names.insert(name.clone())
                    };
                    if duplicate {
                        return Err(err(format!("duplicate key `{name}`"), node.span));
                    }
                    *key = Some(Key {
                        name,
                        span: node.span,
                    });
                }
            },
        }
        Ok(())
    }
}

fn too_big(range: Range<usize>) -> YamlError {
    err(
        format!(
            "the document holds more text than a guide may have ({} MiB) once aliases are expanded",
            MAX_EXPANDED_BYTES >> 20
        ),
        range,
    )
}

/// The offset of the first tab in the indentation of a line at or after `from` (the error's
/// line and the two after it).
fn indenting_tab(text: &str, from: usize) -> Option<usize> {
    let line_start = text[..from.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut start = line_start;
    for _ in 0..3 {
        let line = &text[start..];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            return Some(start + i);
        }
        start += line.find('\n')? + 1;
    }
    None
}

/// A tree's size: (values, bytes of text in keys and scalars).
fn measure(node: &Node) -> (usize, usize) {
    let own = match &node.value {
        Value::Str(s) => s.len(),
        Value::Num { text, .. } => text.len(),
        _ => 0,
    };
    let (mut values, mut bytes) = (1, own);
    match &node.value {
        Value::Seq(items) => {
            for item in items {
                let (v, b) = measure(item);
                values += v;
                bytes += b;
            }
        }
        Value::Map(entries) => {
            for (k, item) in entries {
                let (v, b) = measure(item);
                values += v + 1;
                bytes += b + k.name.len();
            }
        }
        _ => {}
    }
    (values, bytes)
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Num {
            text: s.to_owned(),
            int: s.parse::<i64>().is_ok(),
        };
    }
    let is_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && s.parse::<f64>().is_ok();
    if is_float || matches!(digits, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return Value::Num {
            text: s.to_owned(),
            int: false,
        };
    }
    Value::Str(s.to_owned())
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
        DeValue::Integer(i) => Value::Num {
            text: i.to_string(),
            int: true,
        },
        DeValue::Float(f) => Value::Num {
            text: f.to_string(),
            int: false,
        },
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(a) => Value::Seq(a.into_iter().map(toml_value).collect()),
        DeValue::Table(t) => toml_table(t),
    };
    Node { span, value }
}

/// How a fix writes a value in place of a whole scalar of the file (a key, a `kind:`, a `src:`), so
/// that it reads back as the text it suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A YAML key or value: plain when that is safe (`title`, `img/a.png`), else double-quoted.
    Yaml,
    /// A TOML key: bare when it can be (`A-Za-z0-9_-`), else quoted.
    TomlKey,
    /// A TOML string value, always quoted.
    TomlString,
}

impl Written {
    /// `s` written as this kind of scalar.
    pub fn write(self, s: &str) -> String {
        let plain = match self {
            Written::Yaml => yaml_plain(s),
            Written::TomlKey => {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }
            Written::TomlString => false,
        };
        if plain {
            return s.to_owned();
        }
        // A JSON string is a YAML double-quoted scalar and a TOML basic string alike, but for
        // DEL, which TOML wants escaped.
        serde_json::to_string(s)
            .unwrap_or_default()
            .replace('\u{7f}', "\\u007f")
    }
}

/// Does `s` read back as itself when written plain as a YAML key or value, in a block or a flow
/// (`[a, b]`)? Only words and paths are: no punctuation YAML gives a meaning to, nothing read
/// as another type (`true`, `12`, `~`).
fn yaml_plain(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_alphanumeric() || "_./".contains(first)) || s.trim_end() != s {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || "_-./ ".contains(c))
    {
        return false;
    }
    matches!(resolve_plain(s), Value::Str(ref v) if v == s)
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
        assert_eq!(
            steps[1].value,
            Value::Num {
                text: "5".into(),
                int: true
            }
        );
        assert_eq!(&text[steps[1].span.clone()], "5");
    }

    /// A fix replaces a whole scalar, quotes and all: what it writes must read back as the text
    /// it suggests, in YAML (as a key, a value, in a flow list) and in TOML.
    #[test]
    fn written_scalars_read_back_and_spans_cover_quotes() {
        let text = "\"titel\": 'x'\nk: [\"a b\"]\n";
        let Value::Map(m) = parse_yaml(text).unwrap().value else {
            panic!()
        };
        assert_eq!(&text[m[0].0.span.clone()], "\"titel\"");
        assert_eq!(&text[m[0].1.span.clone()], "'x'");
        let words = [
            "title",
            "img/a.png",
            "true",
            "12",
            "a: b",
            "x #y",
            "-a",
            "[a]",
            "é ü",
            "",
            " a",
            "a\"\\",
            "\u{7f}\n",
        ];
        for w in words {
            for (at, template) in [(0, "{}: 1\n"), (1, "k: {}\n"), (2, "k: [{}, z]\n")] {
                let yaml = template.replace("{}", &Written::Yaml.write(w));
                let Value::Map(m) = parse_yaml(&yaml).unwrap().value else {
                    panic!("{yaml}")
                };
                let got = match (at, &m[0]) {
                    (0, (k, _)) => Value::Str(k.name.clone()),
                    (1, (_, v)) => v.value.clone(),
                    (_, (_, v)) => match &v.value {
                        Value::Seq(items) => items[0].value.clone(),
                        other => panic!("{other:?}"),
                    },
                };
                assert_eq!(got, Value::Str(w.into()), "{yaml}");
            }
            let toml = format!(
                "{} = {}\n",
                Written::TomlKey.write(w),
                Written::TomlString.write(w)
            );
            let Value::Map(m) = parse_toml(&toml).unwrap().value else {
                panic!("{toml}")
            };
            assert_eq!(
                (m[0].0.name.as_str(), &m[0].1.value),
                (w, &Value::Str(w.into()))
            );
        }
        let toml = "\"a b\" = 'x'\n";
        let Value::Map(m) = parse_toml(toml).unwrap().value else {
            panic!()
        };
        assert_eq!(&toml[m[0].0.span.clone()], "\"a b\"");
        assert_eq!(&toml[m[0].1.span.clone()], "'x'");
        assert_eq!(Written::Yaml.write("img/a.png"), "img/a.png");
        assert_eq!(Written::TomlKey.write("build-dir"), "build-dir");
        assert_eq!(Written::TomlString.write("a4"), "\"a4\"");
    }

    #[test]
    fn yaml_errors_have_a_place() {
        let text = "title: x\ntitle: y\n";
        let e = parse_yaml(text).unwrap_err();
        assert_eq!(e.message, "duplicate key `title`");
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
    fn a_tab_in_the_indentation_is_reported_where_it_is() {
        let text = "title: T\nsections:\n  - title: S\n\tsteps:\n      - text: x\n";
        let e = parse_yaml(text).unwrap_err();
        assert_eq!(e.span.start, text.find('\t').unwrap(), "{}", e.message);
        assert!(
            e.message.contains("tab is used for indentation"),
            "{}",
            e.message
        );
    }

    #[test]
    fn alias_bombs_of_text_are_refused() {
        let big = "x".repeat(1 << 20);
        let mut text = format!("a: &a {big}\nb: [");
        text.push_str(&vec!["*a"; 20_000].join(","));
        text.push_str("]\n");
        let e = parse_yaml(&text).unwrap_err();
        assert!(
            e.message.contains("more text than a guide"),
            "{}",
            e.message
        );
    }

    #[test]
    fn many_keys_and_a_duplicate_among_them() {
        let mut text = String::new();
        for i in 0..120_000 {
            text.push_str(&format!("k{i}: 1\n"));
        }
        let n = parse_yaml(&text).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(m.len(), 120_000);
        text.push_str("k5: 2\n");
        assert!(
            parse_yaml(&text)
                .unwrap_err()
                .message
                .contains("duplicate key `k5`")
        );
    }

    #[test]
    fn deep_nesting_and_aliases() {
        let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        let e = parse_yaml(&deep).unwrap_err();
        assert!(e.message.contains("nested"), "{}", e.message);
        let text = "base: &b {kind: note, text: hi}\nnotes: [*b, *b]\n";
        let n = parse_yaml(text).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        let Value::Seq(notes) = &m[1].1.value else {
            panic!()
        };
        assert_eq!(notes.len(), 2);
        assert_eq!(&text[notes[0].span.clone()], "*b");
        assert!(parse_yaml("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn core_schema_scalars() {
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert!(matches!(resolve_plain("-12"), Value::Num { int: true, .. }));
        assert!(matches!(
            resolve_plain("1.5e3"),
            Value::Num { int: false, .. }
        ));
        assert_eq!(resolve_plain("15m"), Value::Str("15m".into()));
        assert_eq!(resolve_plain("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
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
