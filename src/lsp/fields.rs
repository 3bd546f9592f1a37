//! Field names for the editor, from the JSON Schemas `stepbook schema` writes (the guide's and
//! book.toml's): which keys may be written where the cursor is, with their descriptions, and
//! the description of the key under the pointer. The place comes from the text's indentation
//! (a guide) or its last table header (book.toml), not from a parse, because a file being typed
//! seldom parses.

use serde_json::Value;

/// One step down the guide's tree: a mapping's key, or an item of a list.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Item,
}

/// A line as the place finder sees it: where its list dashes are, the column its content (a key
/// or a value) starts at, and the key written there.
#[derive(Debug)]
struct Line<'a> {
    dashes: Vec<usize>,
    col: usize,
    key: Option<&'a str>,
    /// The key has no value on its line: what follows, indented, is its value.
    opens: bool,
}

fn parse_line(line: &str) -> Option<Line<'_>> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut dashes = Vec::new();
    while line[col..].starts_with("- ") || &line[col..] == "-" {
        dashes.push(col);
        col += 1;
        col += line[col..].len() - line[col..].trim_start_matches(' ').len();
    }
    let rest = &line[col..];
    if rest.starts_with('#') || (rest.trim().is_empty() && dashes.is_empty()) {
        return None;
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let after = &rest[name_len..];
    let is_key =
        name_len > 0 && (after == ":" || after.starts_with(": ") || after.starts_with(":\t"));
    let value = after.get(1..).unwrap_or("").trim();
    Some(Line {
        dashes,
        col,
        key: is_key.then(|| &rest[..name_len]),
        opens: is_key && (value.is_empty() || value.starts_with('#')),
    })
}

/// The path from the guide's top to the mapping whose key would start at column `target` of
/// line `n` (`compact`: the line starts an item of a list, whose key may be at the item's own
/// column). `None` inside a text block (`text: |`).
fn parent_path(lines: &[&str], n: usize, mut target: usize, mut compact: bool) -> Option<Vec<Seg>> {
    let mut path = Vec::new();
    for line in lines[..n].iter().rev() {
        if target == 0 && !compact {
            break;
        }
        let Some(l) = parse_line(line) else { continue };
        if let Some(key) = l.key {
            if l.col < target || (compact && l.col == target && l.opens) {
                if !l.opens {
                    return None; // inside a scalar written after `key:`
                }
                path.push(Seg::Key(key.to_owned()));
                target = l.col;
                compact = false;
            }
        } else if l.col < target && l.dashes.is_empty() {
            return None; // a continued scalar
        }
        for &d in l.dashes.iter().rev() {
            if d < target {
                path.push(Seg::Item);
                target = d;
                compact = true;
            }
        }
    }
    path.reverse();
    Some(path)
}

/// The schemas `s` stands for: `$ref`s followed, `anyOf`/`oneOf` opened.
fn alternatives<'a>(root: &'a Value, s: &'a Value, out: &mut Vec<&'a Value>, depth: u8) {
    if depth > 16 {
        return;
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        if let Some(target) = r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            alternatives(root, target, out, depth + 1);
        }
        return;
    }
    let mut split = false;
    for k in ["anyOf", "oneOf", "allOf"] {
        for a in s.get(k).and_then(Value::as_array).into_iter().flatten() {
            split = true;
            alternatives(root, a, out, depth + 1);
        }
    }
    if !split {
        out.push(s);
    }
}

/// The schemas of the value at `path`.
fn schemas_at<'a>(root: &'a Value, path: &[Seg]) -> Vec<&'a Value> {
    let mut here = Vec::new();
    alternatives(root, root, &mut here, 0);
    for seg in path {
        let mut next = Vec::new();
        for s in here {
            let child = match seg {
                // A key of a map (`[languages.de]`, `[profiles.x]`) takes its values' schema.
                Seg::Key(k) => s
                    .get("properties")
                    .and_then(|p| p.get(k.as_str()))
                    .or_else(|| s.get("additionalProperties").filter(|a| a.is_object())),
                Seg::Item => s.get("items"),
            };
            if let Some(c) = child {
                alternatives(root, c, &mut next, 0);
            }
        }
        here = next;
    }
    here
}

/// The keys written at column `col` in the mapping around line `n`.
fn siblings<'a>(lines: &[&'a str], n: usize, col: usize) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut take = |l: &Line<'a>| -> bool {
        if l.col == col
            && let Some(k) = l.key
        {
            out.push(k);
        }
        // A line less indented, or a new item of this mapping's list, ends the mapping.
        !(l.col < col || l.dashes.iter().any(|&d| d < col))
    };
    for line in lines[..n].iter().rev() {
        if let Some(l) = parse_line(line)
            && !take(&l)
        {
            break;
        }
    }
    for line in lines.iter().skip(n + 1) {
        if let Some(l) = parse_line(line)
            && !take(&l)
        {
            break;
        }
    }
    out
}

/// Where byte `at` of a text is: its lines, the line's number, and the line up to `at`.
struct Place<'a> {
    lines: Vec<&'a str>,
    n: usize,
    before: &'a str,
}

fn place(text: &str, at: usize) -> Option<Place<'_>> {
    let at = at.min(text.len());
    if !text.is_char_boundary(at) {
        return None;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    Some(Place {
        lines: text.split('\n').collect(),
        n: text[..at].matches('\n').count(),
        before: &text[line_start..at],
    })
}

/// The keys that may be typed at byte `at` of `text` (a key being started on its line), each
/// with its description; keys the mapping has already are left out. `None` where no key goes.
pub fn completions(schema: &Value, text: &str, at: usize) -> Option<Vec<(String, String)>> {
    let Place { lines, n, before } = place(text, at)?;
    let l = parse_line(before).unwrap_or(Line {
        dashes: Vec::new(),
        col: before.len(),
        key: None,
        opens: false,
    });
    let typed = &before[l.col.min(before.len())..];
    if !typed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let path = line_path(&lines, n, &l)?;
    let written = if l.dashes.is_empty() {
        siblings(&lines, n, l.col)
    } else {
        Vec::new()
    };
    keys_of(schema, &path, &written)
}

/// The keys the schemas at `path` allow, less those `written`, with their descriptions; `None`
/// when there are none (not a mapping).
fn keys_of(schema: &Value, path: &[Seg], written: &[&str]) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in schemas_at(schema, path) {
        for (k, p) in s
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !written.contains(&k.as_str()) && !out.iter().any(|(o, _)| o == k) {
                out.push((k.clone(), description(p)));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The path to the mapping the key of line `n` (parsed as `l`) belongs to.
fn line_path(lines: &[&str], n: usize, l: &Line) -> Option<Vec<Seg>> {
    let (target, compact) = match l.dashes.first() {
        Some(&d) => (d, true),
        None => (l.col, false),
    };
    let mut path = parent_path(lines, n, target, compact)?;
    path.extend(l.dashes.iter().map(|_| Seg::Item));
    Some(path)
}

/// The description of the key at byte `at` of `text`, as Markdown.
pub fn hover(schema: &Value, text: &str, at: usize) -> Option<String> {
    let Place { lines, n, before } = place(text, at)?;
    let l = parse_line(lines.get(n)?)?;
    let key = l.key?;
    let col = before.len();
    if col < l.col || col > l.col + key.len() {
        return None;
    }
    let path = line_path(&lines, n, &l)?;
    let parents = schemas_at(schema, &path);
    let p = parents
        .iter()
        .find_map(|s| s.get("properties").and_then(|p| p.get(key)))?;
    Some(format!("**{key}**: {}", description(p)))
}

/// The schema of book.toml, made once.
pub fn book_schema() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(crate::config::config_schema)
}

/// A TOML line's table header (`[output.html]`) as its keys.
fn toml_header(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('[')?.trim_start_matches('[');
    let inner = &inner[..inner.find(']')?];
    Some(
        inner
            .split('.')
            .map(|k| k.trim().trim_matches('"').to_owned())
            .collect(),
    )
}

/// A TOML line's key (`build-dir = …`).
fn toml_key(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let end = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    (end > 0 && t[end..].trim_start().starts_with('=')).then(|| &t[..end])
}

/// The table line `n` of a book.toml is in, and the keys that table has.
fn toml_table<'a>(lines: &[&'a str], n: usize) -> (Vec<String>, Vec<&'a str>) {
    let start = lines[..n]
        .iter()
        .rposition(|l| toml_header(l).is_some())
        .map_or(0, |i| i + 1);
    let path = start
        .checked_sub(1)
        .and_then(|i| toml_header(lines[i]))
        .unwrap_or_default();
    let written = lines[start..]
        .iter()
        .take_while(|l| toml_header(l).is_none())
        .filter_map(|l| toml_key(l))
        .collect();
    (path, written)
}

/// book.toml: the keys the table around byte `at` may hold (a key being started on its line),
/// or the tables after `[`, each with its description.
pub fn toml_completions(schema: &Value, text: &str, at: usize) -> Option<Vec<(String, String)>> {
    let Place { lines, n, before } = place(text, at)?;
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if let Some(typed) = before.trim_start().strip_prefix('[') {
        if !typed.chars().all(|c| word(c) || c == '.') {
            return None;
        }
        let mut out = Vec::new();
        tables(schema, &[], &mut out);
        // A table written elsewhere in the file is not offered again (TOML refuses a table
        // written twice); the one on this line, being typed, may be.
        let written: Vec<String> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != n)
            .filter_map(|(_, l)| toml_header(l))
            .map(|keys| keys.join("."))
            .collect();
        out.retain(|(name, _)| !written.contains(name));
        return (!out.is_empty()).then_some(out);
    }
    if !before.trim_start().chars().all(word) {
        return None;
    }
    let (path, written) = toml_table(&lines, n);
    let path: Vec<Seg> = path.into_iter().map(Seg::Key).collect();
    keys_of(schema, &path, &written)
}

/// The tables of book.toml with fixed names (`book`, `output.html`), with their descriptions.
fn tables(schema: &Value, path: &[String], out: &mut Vec<(String, String)>) {
    let segs: Vec<Seg> = path.iter().cloned().map(Seg::Key).collect();
    for s in schemas_at(schema, &segs) {
        for (k, p) in s
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let mut alts = Vec::new();
            alternatives(schema, p, &mut alts, 0);
            if !alts.iter().any(|a| a.get("properties").is_some()) {
                continue;
            }
            let mut name = path.to_vec();
            name.push(k.clone());
            out.push((name.join("."), description(p)));
            if name.len() < 2 {
                tables(schema, &name, out);
            }
        }
    }
}

/// book.toml: the description of the key or table at byte `at`.
pub fn toml_hover(schema: &Value, text: &str, at: usize) -> Option<String> {
    let Place { lines, n, before } = place(text, at)?;
    let line = lines.get(n)?;
    let col = before.len();
    let path = if let Some(header) = toml_header(line) {
        // The keys of the header up to the one under the pointer.
        let upto = line[..col.min(line.len())].matches('.').count() + 1;
        header.into_iter().take(upto).collect()
    } else {
        let key = toml_key(line)?;
        let start = line.len() - line.trim_start().len();
        if col < start || col > start + key.len() {
            return None;
        }
        let (mut path, _) = toml_table(&lines, n);
        path.push(key.to_owned());
        path
    };
    let (last, parents) = path.split_last()?;
    let segs: Vec<Seg> = parents.iter().cloned().map(Seg::Key).collect();
    let p = schemas_at(schema, &segs)
        .into_iter()
        .find_map(|s| s.get("properties").and_then(|p| p.get(last.as_str())))?;
    Some(format!("**{}**: {}", path.join("."), description(p)))
}

/// A property's description on one line (the schema wraps its text).
fn description(p: &Value) -> String {
    p.get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Option<Vec<String>> {
        let at = text.find('|').unwrap();
        let text = text.replacen('|', "", 1);
        let schema = crate::schema::guide_schema();
        completions(schema, &text, at).map(|v| v.into_iter().map(|(k, _)| k).collect())
    }

    #[test]
    fn keys_follow_the_place_in_the_guide() {
        let top = keys("title: T\n|").unwrap();
        assert!(top.contains(&"sections".into()) && !top.contains(&"title".into()));
        let section = keys("title: T\nsections:\n  - title: S\n    |").unwrap();
        assert!(section.contains(&"steps".into()) && !section.contains(&"title".into()));
        let step = keys("sections:\n  - title: S\n    steps:\n      - text: x\n        |").unwrap();
        assert!(step.contains(&"wait".into()) && step.contains(&"screenshots".into()));
        // A list written at its key's own column, and a new item.
        let compact = keys("sections:\n- title: S\n  steps:\n  - |").unwrap();
        assert!(compact.contains(&"text".into()), "{compact:?}");
        let shot = keys(
            "sections:\n- steps:\n  - text: x\n    screenshots:\n      - src: a.png\n        a|",
        )
        .unwrap();
        assert!(shot.contains(&"alt".into()), "{shot:?}");
        let sub =
            keys("sections:\n- steps:\n  - text: x\n    substeps:\n      - text: y\n        |")
                .unwrap();
        assert!(sub.contains(&"wait".into()), "a substep is a step: {sub:?}");
        // #25: the instructor edition's fields, each where it belongs.
        for key in ["hint", "answer", "instructor"] {
            assert!(step.contains(&key.into()), "{key}: {step:?}");
            assert!(sub.contains(&key.into()), "{key}: {sub:?}");
        }
        assert!(section.contains(&"instructor".into()) && !section.contains(&"hint".into()));
        assert!(top.contains(&"instructor".into()) && !top.contains(&"answer".into()));
    }

    #[test]
    fn no_keys_inside_text() {
        assert_eq!(keys("title: T\nsummary: |\n  Some text\n  |"), None);
        assert_eq!(keys("title: |"), None);
        assert_eq!(keys("prerequisites:\n  - |"), None, "a list of strings");
    }

    /// #26: a screenshot's capture record and `[lint] screenshot-max-age` are completed and
    /// described from the schemas, like every other field.
    #[test]
    fn capture_record_keys_come_from_the_schema() {
        let shot = keys(
            "sections:\n- steps:\n  - text: x\n    screenshots:\n      - src: a.png\n        |",
        )
        .unwrap();
        for key in ["captured", "source", "selector", "width"] {
            assert!(shot.contains(&key.into()), "{key}: {shot:?}");
        }
        let schema = crate::schema::guide_schema();
        let text = "sections:\n- steps:\n  - text: x\n    screenshots:\n      - src: a.png\n        captured: 2026-11-02\n";
        let h = hover(schema, text, text.find("captured").unwrap() + 1).unwrap();
        assert!(
            h.starts_with("**captured**: The day the screenshot was taken"),
            "{h}"
        );
        let text = "[lint]\n";
        let lint: Vec<String> = toml_completions(book_schema(), text, text.len())
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(lint.contains(&"screenshot-max-age".into()), "{lint:?}");
    }

    #[test]
    fn book_toml_keys_tables_and_descriptions() {
        let schema = book_schema();
        let keys = |text: &str| {
            let at = text.find('|').unwrap();
            let text = text.replacen('|', "", 1);
            toml_completions(schema, &text, at)
                .map(|v| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>())
        };
        let book = keys("[book]\ntitle = \"T\"\n|\n[build]\n").unwrap();
        assert!(
            book.contains(&"language".into()) && !book.contains(&"title".into()),
            "{book:?}"
        );
        let lang = keys("[languages.de]\nti|").unwrap();
        assert!(
            lang.contains(&"title".into()) && lang.contains(&"strings".into()),
            "{lang:?}"
        );
        let tables = keys("[out|").unwrap();
        assert!(
            tables.contains(&"output.html".into()) && tables.contains(&"book".into()),
            "{tables:?}"
        );
        assert!(
            !tables.contains(&"languages".into()),
            "a map has no fixed table: {tables:?}"
        );
        let again = keys("[book]\ntitle = \"T\"\n[output.html]\n[|").unwrap();
        assert!(
            !again.contains(&"book".into()) && !again.contains(&"output.html".into()),
            "tables written are not offered again: {again:?}"
        );
        assert!(again.contains(&"build".into()), "{again:?}");
        assert_eq!(keys("[book]\ntitle = \"a |"), None, "inside a value");
        let text = "[output.html]\nbase-url = \"x\"\n";
        let h = toml_hover(schema, text, text.find("base-url").unwrap() + 1).unwrap();
        assert!(h.starts_with("**output.html.base-url**: "), "{h}");
        let h = toml_hover(schema, text, 3).unwrap();
        assert!(h.starts_with("**output**: Which outputs"), "{h}");
    }

    #[test]
    fn hover_describes_the_key() {
        let schema = crate::schema::guide_schema();
        let text = "sections:\n  - title: S\n    steps:\n      - text: x\n        wait: 5m\n";
        let at = text.find("wait").unwrap() + 2;
        let h = hover(schema, text, at).unwrap();
        assert!(h.starts_with("**wait**: An expected wait"), "{h}");
        let at = text.find("title").unwrap();
        assert!(hover(schema, text, at).unwrap().contains("section"));
        assert_eq!(hover(schema, text, text.find("5m").unwrap()), None);
        let text = "sections:\n  - title: S\n    steps:\n      - text: x\n        answer: 42\n        hint: h\n";
        let h = hover(schema, text, text.find("answer").unwrap() + 1).unwrap();
        assert!(
            h.starts_with("**answer**: Markdown: the expected answer")
                && h.contains("`instructor` tag"),
            "{h}"
        );
        let h = hover(schema, text, text.find("hint").unwrap() + 1).unwrap();
        assert!(h.contains("collapsed"), "{h}");
    }
}
