//! Source: span-based editing of a YAML file — every scalar found with its key path, span and
//! style, and values replaced at their spans, each written as a YAML scalar that reads back as
//! the value. Everything else of the file (comments, field order, quoting of the untouched
//! values, blank lines) stays byte for byte.

use std::ops::Range;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// One step of a key path: a mapping's key or a sequence's index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// How a scalar is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar value of the file (not a key), where it is and how it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub path: Vec<Seg>,
    pub span: Range<usize>,
    pub style: Style,
    /// Inside a flow collection (`[a, b]`, `{k: v}`), where block scalars cannot go.
    pub in_flow: bool,
    pub value: String,
}

/// An open collection while the events are read.
enum Frame {
    /// A mapping: the key read and waiting for its value.
    Map {
        key: Option<String>,
        flow: bool,
    },
    Seq {
        next: usize,
        flow: bool,
    },
}

/// Every scalar value of `text` (a YAML document) with its key path, in document order.
/// Values under complex keys and aliases are left out; an error is the parser's message.
pub fn scalars(text: &str) -> Result<Vec<Scalar>, String> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<Seg> = Vec::new();
    let mut out = Vec::new();
    for ev in Parser::new_from_str(text) {
        let (event, span) = ev.map_err(|e| e.info().to_string())?;
        let range = span.start.byte_offset().unwrap_or(0)..span.end.byte_offset().unwrap_or(0);
        let in_flow = frames.iter().any(|f| match f {
            Frame::Map { flow, .. } | Frame::Seq { flow, .. } => *flow,
        });
        match event {
            Event::Scalar(value, style, ..) => {
                // A mapping waiting for a key: this scalar is the key.
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = frames.last_mut()
                {
                    *key = Some(value.into_owned());
                    continue;
                }
                let Some(seg) = next_seg(&mut frames) else {
                    continue;
                };
                let mut p = path.clone();
                p.push(seg);
                out.push(Scalar {
                    path: p,
                    span: range,
                    style: style_of(style),
                    in_flow,
                    value: value.into_owned(),
                });
            }
            Event::Alias(_) => {
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = frames.last_mut()
                {
                    *key = Some(String::new());
                } else {
                    next_seg(&mut frames);
                }
            }
            Event::SequenceStart(style, ..) | Event::MappingStart(style, ..) => {
                let flow = style == StructureStyle::Flow;
                // A collection as a key (rare, never in a guide): its values get a key of "?".
                let seg = match frames.last_mut() {
                    Some(Frame::Map {
                        key: key @ None, ..
                    }) => {
                        *key = Some("?".into());
                        Some(Seg::Key("?".into()))
                    }
                    _ => next_seg(&mut frames),
                };
                if !frames.is_empty() {
                    path.push(seg.unwrap_or(Seg::Key("?".into())));
                }
                frames.push(match event {
                    Event::SequenceStart(..) => Frame::Seq { next: 0, flow },
                    _ => Frame::Map { key: None, flow },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                frames.pop();
                if !frames.is_empty() {
                    path.pop();
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The segment of the value about to come in the innermost collection (and moves past it).
fn next_seg(frames: &mut [Frame]) -> Option<Seg> {
    match frames.last_mut()? {
        Frame::Map { key, .. } => key.take().map(Seg::Key),
        Frame::Seq { next, .. } => {
            *next += 1;
            Some(Seg::Index(*next - 1))
        }
    }
}

fn style_of(s: ScalarStyle) -> Style {
    match s {
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
        _ => Style::Plain,
    }
}

/// The bytes a new value of `s` replaces: the scalar as written, quotes included; for a block
/// scalar, from its `|` or `>` to the end of its last line of content (the blank lines after
/// it and the next line's indentation, which the parser's span takes in, are kept).
pub fn region(text: &str, s: &Scalar) -> Range<usize> {
    if !matches!(s.style, Style::Literal | Style::Folded) {
        return s.span.clone();
    }
    let body = &text[s.span.clone()];
    let last = body.trim_end().len();
    let end = s.span.start + body[last..].find('\n').map_or(body.len(), |i| last + i);
    // The header is on the last line before the content that is not blank.
    let mut line_end = text[..s.span.start].rfind('\n').unwrap_or(0);
    loop {
        let line_start = text[..line_end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[line_start..line_end];
        if !line.trim().is_empty() || line_start == 0 {
            let header = line.find(" #").map_or(line, |c| &line[..c]).trim_end();
            let indicator = header.rfind(['|', '>']).unwrap_or(header.len());
            return line_start + indicator..end;
        }
        line_end = line_start.saturating_sub(1);
    }
}

/// `value` written as a YAML scalar to stand where `s` is in `text`: the scalar's own style
/// when the value can keep it, a literal block (`|`) for text of several lines outside flow
/// collections (read back in place to be sure), else double quotes, which can hold anything.
pub fn render(text: &str, s: &Scalar, value: &str) -> String {
    if value.contains('\n') {
        return literal(text, s, value).unwrap_or_else(|| double_quoted(value));
    }
    let clean = !value.chars().any(|c| c.is_control() && c != '\t');
    match s.style {
        Style::SingleQuoted if clean => format!("'{}'", value.replace('\'', "''")),
        Style::DoubleQuoted => double_quoted(value),
        _ if clean && plain_fits(value, s.in_flow) => value.to_owned(),
        _ => double_quoted(value),
    }
}

/// `value` as a literal block to stand where `s` is in `text`, indented past its key (with an
/// indentation indicator when its first line starts with spaces), if the text with it reads
/// back as `value` at `s`'s path.
fn literal(text: &str, s: &Scalar, value: &str) -> Option<String> {
    if s.in_flow || !literal_fits(value) {
        return None;
    }
    let at = region(text, s);
    let indent = block_indent(text, at.start)?;
    let chomp = if value.ends_with('\n') { "" } else { "-" };
    let pad = " ".repeat(indent);
    let indicator = if value.starts_with(' ') { "2" } else { "" };
    let mut out = format!("|{indicator}{chomp}");
    for line in value.strip_suffix('\n').unwrap_or(value).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    let edited = format!("{}{out}{}", &text[..at.start], &text[at.end..]);
    let back = scalars(&edited).ok()?;
    back.iter()
        .any(|b| b.path == s.path && b.value == value)
        .then_some(out)
}

/// Can `value` be a literal block: no carriage return or control character but tab, no tab
/// leading a line (it cannot indent), at most one line break at the end (more needs `|+`,
/// whose blank lines the next key shares), no line of only spaces before the first text.
fn literal_fits(value: &str) -> bool {
    let body = value.strip_suffix('\n').unwrap_or(value);
    !body.trim().is_empty()
        && !body.ends_with('\n')
        && !value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        && !body.split('\n').any(|l| l.starts_with('\t'))
        && !body.split('\n').next().is_some_and(|l| l.trim().is_empty())
}

/// The indentation of a block scalar's lines whose header is at `at`: two more than the
/// column of the key (or list item) on the header's line.
fn block_indent(text: &str, at: usize) -> Option<usize> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    let mut col = 0;
    let bytes = line.as_bytes();
    while col < bytes.len() {
        match bytes[col] {
            b' ' => col += 1,
            b'-' if bytes.get(col + 1).is_none_or(|b| *b == b' ') => col += 1,
            _ => break,
        }
    }
    // A block scalar after a tab or a `---` marker: leave it to double quotes.
    (!line[..col].contains('\t') && !line.starts_with("---")).then_some(col + 2)
}

/// Does `value` read back as the same text written plain (`key: value`)? Not when it reads as
/// a number, a boolean or null, or holds what ends or starts something else (`: `, ` #`).
fn plain_fits(value: &str, in_flow: bool) -> bool {
    if value.is_empty()
        || value != value.trim()
        || (in_flow && value.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    let doc = format!("k: {value}\n");
    match crate::source::node::parse_yaml(&doc) {
        Ok(node) => match node.value {
            crate::source::node::Value::Map(entries) => {
                entries.len() == 1
                    && entries[0].1.value == crate::source::node::Value::Str(value.to_owned())
            }
            _ => false,
        },
        Err(_) => false,
    }
}

/// `value` in double quotes, with YAML's escapes for what cannot stand in them as it is.
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` with each scalar given its new value, written by [`render`]; checked by reading the
/// result again: every edited value reads back as given, every other scalar as it was (an
/// `Err` names the first that does not, and nothing should be written).
pub fn replace_values(text: &str, edits: &[(&Scalar, &str)]) -> Result<String, String> {
    let mut spans: Vec<(Range<usize>, String)> = edits
        .iter()
        .filter(|(s, v)| s.value != *v)
        .map(|(s, v)| (region(text, s), render(text, s, v)))
        .collect();
    spans.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, new) in &spans {
        if r.start < at {
            return Err("two edits overlap".into());
        }
        out.push_str(&text[at..r.start]);
        out.push_str(new);
        at = r.end;
    }
    out.push_str(&text[at..]);
    verify(text, &out, edits)?;
    Ok(out)
}

/// Reads `after` again: every scalar of `before` at its path, with the edited ones' new values.
fn verify(before: &str, after: &str, edits: &[(&Scalar, &str)]) -> Result<(), String> {
    let old = scalars(before)?;
    let new = scalars(after).map_err(|e| format!("the edited YAML does not parse: {e}"))?;
    if old.len() != new.len() {
        return Err("the edited YAML has another number of values".into());
    }
    for (o, n) in old.iter().zip(&new) {
        let want = edits
            .iter()
            .find(|(s, _)| s.path == o.path)
            .map_or(o.value.as_str(), |(_, v)| *v);
        if o.path != n.path || n.value != want {
            return Err(format!(
                "the value at {} does not read back",
                show_path(&o.path)
            ));
        }
    }
    Ok(())
}

/// A key path as written in messages: `sections[0].steps[2].text`.
pub fn show_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# a comment\ntitle: Plain title   # why\nid: x\nsummary: |\n  Two\n  lines\n\nnotes:\n  - kind: note\n    text: >-\n      folded\n      text\n  - {kind: tip, text: 'in flow'}\nlist: [a, \"b\"]\nlast: end\n";

    fn edit(doc: &str, path: &str, value: &str) -> String {
        let all = scalars(doc).unwrap();
        let s = all.iter().find(|s| show_path(&s.path) == path).unwrap();
        replace_values(doc, &[(s, value)]).unwrap()
    }

    #[test]
    fn every_scalar_has_its_key_path_and_value() {
        let paths: Vec<(String, String)> = scalars(DOC)
            .unwrap()
            .into_iter()
            .map(|s| (show_path(&s.path), s.value))
            .collect();
        let want = [
            ("title", "Plain title"),
            ("id", "x"),
            ("summary", "Two\nlines\n"),
            ("notes[0].kind", "note"),
            ("notes[0].text", "folded text"),
            ("notes[1].kind", "tip"),
            ("notes[1].text", "in flow"),
            ("list[0]", "a"),
            ("list[1]", "b"),
            ("last", "end"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(paths, want);
    }

    #[test]
    fn a_plain_value_is_replaced_and_the_comment_after_it_kept() {
        let out = edit(DOC, "title", "Neuer Titel");
        assert_eq!(out, DOC.replace("Plain title", "Neuer Titel"));
    }

    #[test]
    fn values_that_cannot_be_plain_are_quoted() {
        for v in [
            "true", "12", "a: b", "# x", "- item", " lead", "null", "x #y", "", "'q'",
        ] {
            let out = edit(DOC, "title", v);
            let back = scalars(&out).unwrap();
            assert_eq!(back[0].value, v, "{out}");
            assert!(out.contains("# why"));
        }
    }

    #[test]
    fn a_block_scalar_is_replaced_from_its_indicator_to_its_last_line() {
        let out = edit(DOC, "summary", "Zwei\n\nZeilen\n");
        assert!(
            out.contains("summary: |\n  Zwei\n\n  Zeilen\n\nnotes:"),
            "{out}"
        );
        let out = edit(DOC, "notes[0].text", "eins\nzwei");
        assert!(
            out.contains("    text: |-\n      eins\n      zwei\n  - {kind"),
            "{out}"
        );
        let out = edit(DOC, "summary", "one line");
        assert!(out.contains("summary: one line\n\nnotes:"), "{out}");
    }

    #[test]
    fn text_of_several_lines_in_a_flow_collection_is_double_quoted() {
        let out = edit(DOC, "notes[1].text", "a\n\"b\"\\");
        assert!(out.contains(r#"text: "a\n\"b\"\\"}"#), "{out}");
        let out = edit(DOC, "list[0]", "x, y");
        assert!(out.contains(r#"list: ["x, y", "b"]"#), "{out}");
        let out = edit(DOC, "notes[1].text", "it's");
        assert!(out.contains("text: 'it''s'}"), "{out}");
    }

    #[test]
    fn text_a_literal_block_cannot_hold_is_double_quoted() {
        for v in ["a\n\n\n", "a\r\nb", "bell\u{7}\nx", "\tx\ny", "   \nx"] {
            let out = edit(DOC, "summary", v);
            assert!(out.contains("summary: \""), "{v:?}: {out}");
            assert_eq!(scalars(&out).unwrap()[2].value, v);
        }
    }

    /// Translated Markdown of several lines is a block as long as it reads back: a hard break
    /// (two spaces at a line's end), an indented first line (an indentation indicator), a
    /// line of spaces, under a key or a list item.
    #[test]
    fn text_of_several_lines_is_a_literal_block_when_it_reads_back() {
        for v in [
            "Zeile eins  \nZeile zwei",
            "  eingerückt\nerste",
            "x\n   \ny",
            "a\n\n    code\nb\n",
        ] {
            let out = edit(DOC, "summary", v);
            assert!(out.contains("summary: |"), "{v:?}: {out}");
            assert_eq!(scalars(&out).unwrap()[2].value, v, "{out}");
            let out = edit(DOC, "notes[0].text", v);
            assert!(out.contains("text: |"), "{v:?}: {out}");
            assert_eq!(scalars(&out).unwrap()[4].value, v, "{out}");
        }
        let doc = "items:\n  - one\nafter: 1\n";
        let out = edit(doc, "items[0]", "  a\nb");
        assert_eq!(scalars(&out).unwrap()[0].value, "  a\nb", "{out}");
    }

    #[test]
    fn a_block_under_a_list_item_is_indented_past_the_dash() {
        let doc = "items:\n  - one\n  - two\nafter: 1\n";
        let out = edit(doc, "items[0]", "a\nb\n");
        assert_eq!(out, "items:\n  - |\n      a\n      b\n  - two\nafter: 1\n");
    }

    #[test]
    fn a_header_with_a_comment_and_indentation_indicator_is_replaced_whole() {
        let doc = "a: |2- # note\n   lead\n  x\nb: 1\n";
        let out = edit(doc, "a", "neu");
        assert_eq!(out, "a: neu\nb: 1\n");
    }
}
