//! Variables: `{{ name }}` placeholders in guide text, their values (book.toml `[variables]`,
//! a guide's `variables:`, a profile's, `--set`), and substitution that keeps values plain text.
//!
//! A placeholder is `{{`, optional spaces, a name (`event.wifi`: segments of letters, digits,
//! `_` and `-`, starting with a letter or `_`, joined by dots), optional spaces and `}}`. `\{{`
//! is a literal `{{`, and `{{` followed by anything else is literal text, so guides about
//! templating languages stay writable. Values are text: in Markdown they are escaped (every
//! ASCII punctuation character backslashed, line breaks made spaces) so they can start no link,
//! image, HTML or emphasis; inside code they are written as they are.

use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A value of a `[variables]` table as book.toml writes it: text, a number, a boolean, or a
/// table of more variables (`[variables.event]` gives `event.name`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum VarValue {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Table(BTreeMap<String, VarValue>),
}

/// What an `{{ attendee.<column> }}` without a value shows: a line to fill in by hand (roster
/// columns have values only in `stepbook handouts`).
pub const FILL_IN: &str = "______________";

/// Variables by dotted name, values as text.
pub type Vars = BTreeMap<String, String>;

/// A `[variables]` table flattened to dotted names.
pub fn flatten(table: &BTreeMap<String, VarValue>) -> Vars {
    fn walk(prefix: &str, v: &VarValue, out: &mut Vars) {
        let text = match v {
            VarValue::Text(s) => s.clone(),
            VarValue::Int(i) => i.to_string(),
            VarValue::Float(f) => f.to_string(),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Table(t) => {
                for (k, v) in t {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
                return;
            }
        };
        out.insert(prefix.to_owned(), text);
    }
    let mut out = Vars::new();
    for (k, v) in table {
        walk(k, v, &mut out);
    }
    out
}

/// The most parts a variable name may have (`event.wifi.name` has three) and its greatest
/// length: templates see the names as nested tables (`variables.event.wifi.name`), and a name
/// of 20,000 parts nested that deep overflowed the stack.
pub const MAX_NAME_PARTS: usize = 16;
pub const MAX_NAME_BYTES: usize = 200;

/// Whether `name` is a variable name: at most [`MAX_NAME_PARTS`] dot-joined segments of ASCII
/// letters, digits, `_` and `-`, each starting with a letter or `_`, at most
/// [`MAX_NAME_BYTES`] long.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name.bytes().filter(|&b| b == b'.').count() < MAX_NAME_PARTS
        && name.split('.').all(|seg| {
            let mut chars = seg.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// A placeholder found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Bytes of `{{ name }}` in the text.
    pub range: Range<usize>,
    pub name: String,
}

/// What a text holds: its placeholders and its escaped `\{{` (the backslash's offset).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub placeholders: Vec<Placeholder>,
    pub escapes: Vec<usize>,
}

/// Finds the placeholders of `text`, in order.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text[i..].find("{{") {
        let at = i + found;
        if at > 0 && bytes[at - 1] == b'\\' {
            out.escapes.push(at - 1);
            i = at + 2;
            continue;
        }
        let rest = &text[at + 2..];
        let inner_end = rest.find("}}");
        let parsed = inner_end.and_then(|end| {
            let name = rest[..end].trim_matches(' ');
            valid_name(name).then(|| (name.to_owned(), at + 2 + end + 2))
        });
        match parsed {
            Some((name, end)) => {
                out.placeholders.push(Placeholder {
                    range: at..end,
                    name,
                });
                i = end;
            }
            None => i = at + 2,
        }
    }
    out
}

/// How a field's text is read: as Markdown (titles, steps, captions…) or as plain text (alt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Markdown,
    Plain,
}

/// A placeholder that could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No value for the name.
    Undefined(Placeholder),
    /// The value holds a backtick and the placeholder is inside code, where it cannot be
    /// escaped.
    BacktickInCode(Placeholder),
    /// The value would take the guide past [`MAX_EXPANDED_BYTES`]; this placeholder and every
    /// one after it are left as written.
    OverBudget(Placeholder),
}

/// How many bytes the values put into one guide may add up to: a 500 KB value used 2,000 times
/// made a 16 KB guide 1 GB. The same bound as YAML's aliases (16 MiB).
pub const MAX_EXPANDED_BYTES: usize = 16 << 20;

/// `text` with every placeholder replaced by its value from `lookup`; the problems found, with
/// their places in `text`. A text without `{{` is returned unchanged without parsing.
pub fn substitute(
    text: &str,
    flavor: Flavor,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (String, Vec<Problem>) {
    let mut unlimited = usize::MAX;
    substitute_within(text, flavor, lookup, &mut unlimited)
}

/// [`substitute`], the values adding at most `budget` bytes (what they add is taken from it):
/// the first placeholder past it is [`Problem::OverBudget`], and it and the rest are left as
/// written.
pub fn substitute_within(
    text: &str,
    flavor: Flavor,
    lookup: &dyn Fn(&str) -> Option<String>,
    budget: &mut usize,
) -> (String, Vec<Problem>) {
    let found = scan(text);
    if found.placeholders.is_empty() && found.escapes.is_empty() {
        return (text.to_owned(), Vec::new());
    }
    let code = match flavor {
        Flavor::Markdown => code_ranges(text),
        Flavor::Plain => Vec::new(),
    };
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    // Edits in order: (range replaced, new text).
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut problems = Vec::new();
    for &e in &found.escapes {
        // In Markdown text `\{` already reads as `{`; in code and plain text the backslash goes.
        if flavor == Flavor::Plain || in_code(e) {
            edits.push((e..e + 1, String::new()));
        }
    }
    for p in found.placeholders {
        if *budget == 0 {
            break;
        }
        let Some(value) = lookup(&p.name) else {
            problems.push(Problem::Undefined(p));
            continue;
        };
        let one_line: String = value
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let new = match flavor {
            Flavor::Plain => one_line,
            Flavor::Markdown if in_code(p.range.start) => {
                if one_line.contains('`') {
                    problems.push(Problem::BacktickInCode(p));
                    continue;
                }
                one_line
            }
            Flavor::Markdown => markdown_text(&one_line),
        };
        if new.len() > *budget {
            *budget = 0;
            problems.push(Problem::OverBudget(p));
            break;
        }
        *budget -= new.len();
        edits.push((p.range, new));
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for (r, new) in edits {
        out.push_str(&text[pos..r.start]);
        out.push_str(&new);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    (out, problems)
}

/// Text that Markdown shows as it is. Characters that mark up inside a line are always
/// backslashed (`\\ ` * _ [ ] < > | ~ &`); those that only mark up at the start of a line
/// (`#`, `-`, `+`, `=`, `1.`, `1)`) are backslashed there, so `help@contoso.com` stays readable
/// in the Markdown output while no value can start a link, image, HTML, list or heading.
fn markdown_text(s: &str) -> String {
    let s = s.trim_start();
    let mut out = String::with_capacity(s.len() + 8);
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in s.chars().enumerate() {
        let always = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&'
        );
        let at_start = i == 0 && matches!(c, '#' | '-' | '+' | '=');
        let list_number = digits > 0 && i == digits && matches!(c, '.' | ')');
        if always || at_start || list_number {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The bytes of `text` inside code spans and code blocks. Text without code blocks (the common
/// case: a step with `inline code`) is scanned for code spans directly; only text that may hold
/// a block is parsed as Markdown.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let may_have_blocks = text.contains("```")
        || text.contains("~~~")
        || text.starts_with("    ")
        || text.starts_with('\t')
        || text.contains("\n    ")
        || text.contains("\n\t");
    if may_have_blocks {
        return parsed_code_ranges(text);
    }
    code_spans(text)
}

/// CommonMark code spans: a run of n backticks (not backslash-escaped) up to the next run of
/// exactly n backticks.
fn code_spans(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => {
                let n = run_at(i);
                let mut j = i + n;
                let mut close = None;
                while j < b.len() {
                    if b[j] == b'`' {
                        let m = run_at(j);
                        if m == n {
                            close = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(end) => {
                        out.push(i..end);
                        i = end;
                    }
                    None => i += n,
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn parsed_code_ranges(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(text, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Code(_) => out.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block_start.take() {
                    out.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    out
}

/// Variables by dotted name as nested tables, for templates (`variables.event.name`).
pub fn nested(vars: &Vars) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (name, value) in vars {
        let mut table = &mut root;
        let mut segs = name.split('.').peekable();
        while let Some(seg) = segs.next() {
            if segs.peek().is_none() {
                table.insert(seg.to_owned(), serde_json::Value::String(value.clone()));
                break;
            }
            let entry = table
                .entry(seg.to_owned())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if !entry.is_object() {
                // `a = "x"` and `a.b = "y"`: the table wins in templates; both stay usable in
                // guides by their dotted names.
                *entry = serde_json::Value::Object(Default::default());
            }
            match entry {
                serde_json::Value::Object(m) => table = m,
                _ => break,
            }
        }
    }
    serde_json::Value::Object(root)
}

/// Parses `--set name=value`.
pub fn parse_set(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not `name=value`"))?;
    let name = name.trim();
    if !valid_name(name) {
        return Err(format!(
            "`{}` is not a variable name (letters, digits, `_` and `-`, dots between at most {MAX_NAME_PARTS} parts, at most {MAX_NAME_BYTES} characters)",
            shorten(name)
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// A name cut to its first 60 characters for a message (a rejected name can be 40 KB).
pub fn shorten(name: &str) -> String {
    match name.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &name[..i]),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(text: &str, flavor: Flavor) -> (String, Vec<Problem>) {
        let vars: Vars = [
            ("event.name", "Contoso <Cloud> Day"),
            ("wifi", "guest"),
            ("tick", "a`b"),
            ("evil", "[x](javascript:alert(1)) ![i](x.png) <script>"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        substitute(text, flavor, &|n| vars.get(n).cloned())
    }

    #[test]
    fn placeholders_and_literals() {
        let s = scan("a {{ event.name }} b {{x}} {{ not a name }} \\{{ y }} {{ z");
        let names: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["event.name", "x"]);
        assert_eq!(s.placeholders[0].range, 2..18);
        assert_eq!(s.escapes.len(), 1);
        assert!(!valid_name("1abc") && !valid_name("a..b") && valid_name("a_b-c.d1"));
    }

    #[test]
    fn values_are_text_in_markdown_and_as_is_in_code() {
        let (out, p) = sub("Join {{ event.name }} on `{{ wifi }}`.", Flavor::Markdown);
        assert!(p.is_empty());
        assert_eq!(out, "Join Contoso \\<Cloud\\> Day on `guest`.");
        for (value, shown) in [
            ("# Big", "# Big"),
            ("1. one", "1. one"),
            ("- a", "- a"),
            ("a@b.com", "a@b.com"),
        ] {
            let (out, _) = substitute("{{ v }}", Flavor::Markdown, &|_| Some(value.to_owned()));
            let html = crate::markdown::to_html(&out);
            assert_eq!(html.trim(), format!("<p>{shown}</p>"), "{value}");
        }
        let (out, _) = sub("{{ evil }}", Flavor::Markdown);
        let html = crate::markdown::to_html(&out);
        assert!(!html.contains("<a") && !html.contains("<img") && !html.contains("<script"));
        assert!(html.contains("[x](javascript:alert(1))"), "{html}");
        let (out, _) = sub("{{ event.name }}", Flavor::Plain);
        assert_eq!(out, "Contoso <Cloud> Day");
    }

    #[test]
    fn problems_and_escapes() {
        let (out, p) = sub("{{ evnt.name }} and `{{ tick }}`", Flavor::Markdown);
        assert_eq!(out, "{{ evnt.name }} and `{{ tick }}`");
        assert!(matches!(&p[0], Problem::Undefined(x) if x.name == "evnt.name"));
        assert!(matches!(&p[1], Problem::BacktickInCode(x) if x.name == "tick"));
        assert_eq!(sub("\\{{ wifi }}", Flavor::Markdown).0, "\\{{ wifi }}");
        assert_eq!(sub("`\\{{ wifi }}`", Flavor::Markdown).0, "`{{ wifi }}`");
        assert_eq!(sub("\\{{ wifi }}", Flavor::Plain).0, "{{ wifi }}");
    }

    #[test]
    fn code_spans_match_the_markdown_parser() {
        for t in [
            "a `b` c ``d ` e`` f",
            "no code",
            "`unclosed and `closed`",
            "\\`not code\\` but `code`",
            "``` not a fence in a line ``` x",
            "`a` `` `b` `` ```c```",
        ] {
            assert_eq!(code_spans(t), parsed_code_ranges(t), "{t}");
        }
    }

    #[test]
    fn nested_for_templates() {
        let vars: Vars = [("event.name", "C"), ("event.wifi", "W"), ("top", "T")]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        assert_eq!(
            nested(&vars),
            serde_json::json!({"event": {"name": "C", "wifi": "W"}, "top": "T"})
        );
    }
}
