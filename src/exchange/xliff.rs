//! Exchange: XLIFF 1.2 files — a catalog written for CAT tools (one `<trans-unit>` per text,
//! `{{ name }}` placeholders as `<ph>` elements the tools keep), and read back with every problem
//! at its line. Reading is safe by construction: a DOCTYPE is refused before anything else (no
//! DTD is read, no entity but XML's five is known, so nothing is fetched or expanded), the
//! caller caps the size, and the text is UTF-8 (a declared other encoding is refused).

use std::collections::HashMap;
use std::ops::Range;

use super::export::{Catalog, Unit};
use super::po::Problem;
use super::{Incoming, IncomingFile};

/// The XLIFF 1.2 namespace.
pub const NS: &str = "urn:oasis:names:tc:xliff:document:1.2";

/// A `<ph>` for a character XML cannot carry (a control character a YAML escape can hold).
const CHAR_CTYPE: &str = "x-stepbook-char";

/// The catalog as an XLIFF 1.2 document: one `<file>` (the source guide's path as `original`,
/// both languages), one `<trans-unit>` per text with the context as its `id`, the current
/// translation as `<target>` (`needs-review-translation` when the source changed since, with
/// the previous source in an `<alt-trans>` and a note), what the text is and its
/// placeholders as `<note>`s, its place as a `location` context group.
pub fn write(c: &Catalog) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<!-- A guide's texts for translation, written by stepbook (`stepbook i18n export`).\n     \
         Keep the id of every trans-unit, every <ph> element (a {{ name }} placeholder) and\n     \
         the link targets; `stepbook i18n import` reads this file back. -->\n",
    );
    out.push_str(&format!("<xliff version=\"1.2\" xmlns=\"{NS}\">\n"));
    out.push_str(&format!(
        "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"x-markdown\" product-name=\"{}\">\n    <body>\n",
        attr(&c.source),
        attr(&c.source_lang),
        attr(&c.lang),
        attr(&c.id)
    ));
    for u in &c.units {
        unit(&mut out, u, &c.source);
    }
    out.push_str("    </body>\n  </file>\n</xliff>\n");
    out
}

/// One `<trans-unit>`.
fn unit(out: &mut String, u: &Unit, source_path: &str) {
    out.push_str(&format!(
        "      <trans-unit id=\"{}\" xml:space=\"preserve\">\n",
        attr(&u.context)
    ));
    let ids = Pieces::of(&u.source);
    out.push_str(&format!(
        "        <source>{}</source>\n",
        ids.inline(&u.source)
    ));
    if !u.translation.is_empty() {
        let state = if u.fuzzy {
            "needs-review-translation"
        } else {
            "translated"
        };
        out.push_str(&format!(
            "        <target state=\"{state}\">{}</target>\n",
            ids.inline(&u.translation)
        ));
    }
    out.push_str(&format!(
        "        <note from=\"stepbook\">{}</note>\n",
        text(&u.kind)
    ));
    if !u.placeholders.is_empty() {
        out.push_str(&format!(
            "        <note from=\"stepbook\">Placeholders, keep them as written: {}</note>\n",
            text(&u.placeholders.join(", "))
        ));
    }
    if u.fuzzy {
        let note = match &u.previous {
            Some(p) => format!(
                "The source changed since the translation was made; it was: {}",
                printable(p)
            ),
            None => "The source changed since the translation was made.".to_owned(),
        };
        out.push_str(&format!(
            "        <note from=\"stepbook\" annotates=\"source\">{}</note>\n",
            text(&note)
        ));
        if let Some(p) = &u.previous {
            let was = Pieces::of(p);
            out.push_str(&format!(
                "        <alt-trans alttranstype=\"previous-version\">\n          <source>{}</source>\n          <target>{}</target>\n        </alt-trans>\n",
                was.inline(p),
                was.inline(&u.translation)
            ));
        }
    }
    let (file, line) = u.place.rsplit_once(':').unwrap_or((source_path, ""));
    out.push_str(&format!(
        "        <context-group purpose=\"location\">\n          <context context-type=\"sourcefile\">{}</context>\n          <context context-type=\"linenumber\">{}</context>\n        </context-group>\n      </trans-unit>\n",
        text(file),
        text(line)
    ));
}

/// The protected pieces of a source text — its placeholders and the characters XML cannot
/// carry — each with the `<ph>` id it gets; a translation's same pieces take the same ids.
struct Pieces {
    ids: Vec<(String, usize)>,
}

impl Pieces {
    fn of(source: &str) -> Pieces {
        let ids = pieces(source)
            .into_iter()
            .enumerate()
            .map(|(i, (r, _))| (source[r].to_owned(), i + 1))
            .collect();
        Pieces { ids }
    }

    /// `s` as XLIFF inline content: escaped text and `<ph>` elements.
    fn inline(&self, s: &str) -> String {
        let mut used = vec![false; self.ids.len()];
        let mut next = self.ids.len() + 1;
        let mut out = String::new();
        let mut at = 0;
        for (r, is_char) in pieces(s) {
            out.push_str(&text(&s[at..r.start]));
            let piece = &s[r.clone()];
            let id = match (0..self.ids.len()).find(|&i| !used[i] && self.ids[i].0 == piece) {
                Some(i) => {
                    used[i] = true;
                    self.ids[i].1
                }
                None => {
                    next += 1;
                    next - 1
                }
            };
            if is_char {
                let c = piece.chars().next().unwrap_or_default();
                out.push_str(&format!(
                    "<ph id=\"{id}\" ctype=\"{CHAR_CTYPE}\">U+{:04X}</ph>",
                    c as u32
                ));
            } else {
                out.push_str(&format!("<ph id=\"{id}\">{}</ph>", text(piece)));
            }
            at = r.end;
        }
        out.push_str(&text(&s[at..]));
        out
    }
}

/// The ranges of a text's placeholders and of its characters XML cannot carry (`true`), in order.
fn pieces(s: &str) -> Vec<(Range<usize>, bool)> {
    let mut out: Vec<(Range<usize>, bool)> = crate::variables::scan(s)
        .placeholders
        .into_iter()
        .map(|p| (p.range, false))
        .collect();
    for (i, c) in s.char_indices() {
        if !xml_char(c) && !out.iter().any(|(r, _)| r.contains(&i)) {
            out.push((i..i + c.len_utf8(), true));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// A character XML 1.0 can carry.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Element content escaped (a carriage return as a reference: a parser turns a literal one
/// into a line feed).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if !xml_char(c) => out.push_str(&format!("U+{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value escaped (white space as references: a parser normalises it).
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            c => out.push_str(&text(&c.to_string())),
        }
    }
    out
}

/// A text for a note: its characters XML cannot carry named.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| match xml_char(c) {
            true => c.to_string(),
            false => format!("U+{:04X}", c as u32),
        })
        .collect()
}

/// States of a `<target>` that say it is not ready: it is not taken, like a fuzzy PO entry.
const NOT_READY: [&str; 7] = [
    "new",
    "needs-translation",
    "needs-adaptation",
    "needs-l10n",
    "needs-review-translation",
    "needs-review-adaptation",
    "needs-review-l10n",
];

/// An XLIFF 1.2 document as the texts it brings: one `<file>` (its `target-language` and
/// `original`), every `<trans-unit>` with an `id` and a `<source>`, no id twice. A DOCTYPE, a
/// declared encoding other than UTF-8, and anything that is not well-formed are refused.
pub fn read(text: &str) -> Result<IncomingFile, Vec<Problem>> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    if let Some(p) = prolog_problem(body) {
        return Err(vec![shift(p, bom)]);
    }
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 2_000_000,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(body, opts)
        .map_err(|e| vec![shift(xml_error(body, &e), bom)])?;
    let mut problems = Vec::new();
    let file = read_doc(&doc, &mut problems);
    if !problems.is_empty() {
        return Err(problems.into_iter().map(|p| shift(p, bom)).collect());
    }
    let mut file = file.unwrap_or_default();
    for u in &mut file.units {
        u.span = u.span.start + bom..u.span.end + bom;
        u.target_span = u.target_span.start + bom..u.target_span.end + bom;
    }
    Ok(file)
}

fn shift((m, r): Problem, by: usize) -> Problem {
    (m, r.start + by..r.end + by)
}

/// A DOCTYPE (refused wherever it is, before the parser sees it) or a declared encoding other
/// than UTF-8.
fn prolog_problem(text: &str) -> Option<Problem> {
    if let Some(at) = text.find("<!DOCTYPE") {
        return Some((
            "the file has a DOCTYPE: stepbook reads no DTD and resolves no entity (a DOCTYPE can make a reader fetch files or addresses, or expand entities without end); remove it — an XLIFF file needs none".into(),
            at..at + "<!DOCTYPE".len(),
        ));
    }
    let decl = text.strip_prefix("<?xml")?;
    let end = decl.find("?>")?;
    let decl = &decl[..end];
    let at = decl.find("encoding")?;
    let value = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = value.chars().next()?;
    let name = value[1..].split(quote).next()?;
    if name.eq_ignore_ascii_case("UTF-8") || name.eq_ignore_ascii_case("UTF8") {
        return None;
    }
    let start = "<?xml".len() + at;
    Some((
        format!(
            "the file declares the encoding `{name}`; stepbook reads XLIFF in UTF-8: save it as UTF-8 and declare `encoding=\"UTF-8\"`"
        ),
        start..start + "encoding".len(),
    ))
}

/// A parser error as a problem at its place.
fn xml_error(text: &str, e: &roxmltree::Error) -> Problem {
    let pos = e.pos();
    let at = offset(text, pos.row as usize, pos.col as usize);
    let message = match e {
        roxmltree::Error::UnknownEntityReference(name, _) => format!(
            "unknown entity `&{name};`: XLIFF files use only `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and character references"
        ),
        roxmltree::Error::NodesLimitReached => {
            "the file has more than 2,000,000 XML nodes; a guide's file has far fewer".into()
        }
        e => {
            let shown = e.to_string();
            let shown = match shown.rsplit_once(" at ") {
                Some((m, p)) if p.contains(':') => m.to_owned(),
                _ => shown,
            };
            format!("the file is not well-formed XML: {shown}")
        }
    };
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    (message, at..end)
}

/// The byte offset of a 1-based row and column (in characters).
fn offset(text: &str, row: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[line_start.min(text.len())..];
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// The bytes of an element's first line (its start tag, as far as the line goes).
fn line_span(node: roxmltree::Node) -> Range<usize> {
    let r = node.range();
    let text = node.document().input_text();
    let end = text[r.clone()].find('\n').map_or(r.end, |n| r.start + n);
    r.start..end
}

/// An element of the XLIFF namespace named `name`.
fn is(node: &roxmltree::Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(NS)
}

/// The document's `<xliff>`, its one `<file>` and its units.
fn read_doc(doc: &roxmltree::Document, problems: &mut Vec<Problem>) -> Option<IncomingFile> {
    let root = doc.root_element();
    let ns = root.tag_name().namespace().unwrap_or("");
    let version = root.attribute("version").unwrap_or("");
    if ns.contains(":xliff:document:2") || version.starts_with('2') {
        problems.push(("this is XLIFF 2; stepbook reads XLIFF 1.2 (as `stepbook i18n export --format xliff` writes it): export it as XLIFF 1.2 from your tool".into(), line_span(root)));
        return None;
    }
    if !is(&root, "xliff") {
        problems.push((
            format!("the root element is `<{}>` in {}: an XLIFF 1.2 file has `<xliff version=\"1.2\" xmlns=\"{NS}\">`", root.tag_name().name(), if ns.is_empty() { "no namespace".to_owned() } else { format!("the namespace `{ns}`") }),
            line_span(root),
        ));
        return None;
    }
    let files: Vec<roxmltree::Node> = root.children().filter(|n| is(n, "file")).collect();
    let Some(file) = files.first() else {
        problems.push(("the file has no `<file>` element".into(), line_span(root)));
        return None;
    };
    if let Some(second) = files.get(1) {
        problems.push((
            "a second `<file>`: stepbook writes one guide per XLIFF file; import each guide's file"
                .into(),
            line_span(*second),
        ));
        return None;
    }
    let units = read_units(*file, problems);
    let nonempty = |v: Option<&str>| v.map(str::to_owned).filter(|v| !v.is_empty());
    Some(IncomingFile {
        lang: nonempty(file.attribute("target-language")),
        source: nonempty(file.attribute("original")),
        units,
    })
}

/// Every `<trans-unit>` of the file's body (in groups too), each id once.
fn read_units(file: roxmltree::Node, problems: &mut Vec<Problem>) -> Vec<Incoming> {
    let mut units = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let text = file.document().input_text();
    for body in file.children().filter(|n| is(n, "body")) {
        for u in body.descendants().filter(|n| is(n, "trans-unit")) {
            let span = line_span(u);
            let Some(id) = u.attribute("id") else {
                problems.push(("this `<trans-unit>` has no `id`: the id names the text it translates (keep the ones `stepbook i18n export` wrote)".into(), span));
                continue;
            };
            if let Some(first) = seen.insert(id.to_owned(), span.start) {
                let (line, _) = crate::diag::line_col(text, first);
                problems.push((
                    format!(
                        "duplicate id `{id}` (first at line {line}): each text is translated once"
                    ),
                    span,
                ));
                continue;
            }
            if let Some(u) = read_unit(u, id, span, problems) {
                units.push(u);
            }
        }
    }
    units
}

/// One unit: its source, and its target when it has one (with its state).
fn read_unit(
    u: roxmltree::Node,
    id: &str,
    span: Range<usize>,
    problems: &mut Vec<Problem>,
) -> Option<Incoming> {
    let Some(source) = u.children().find(|n| is(n, "source")) else {
        problems.push((format!("the `<trans-unit>` `{id}` has no `<source>`"), span));
        return None;
    };
    let mut ph = HashMap::new();
    let src = inline(source, &HashMap::new(), Some(&mut ph), problems)?;
    let target = u.children().find(|n| is(n, "target"));
    let edited = target.map_or_else(Vec::new, |t| edited_placeholders(t, &ph));
    let (value, target_span, fuzzy) = match target {
        Some(t) => (
            inline(t, &ph, None, problems)?,
            line_span(t),
            t.attribute("state").is_some_and(|s| NOT_READY.contains(&s)),
        ),
        None => (String::new(), span.clone(), false),
    };
    Some(Incoming {
        context: id.to_owned(),
        source: src,
        target: value,
        fuzzy,
        span,
        target_span,
        edited,
    })
}

/// The `<ph>` elements of a `<target>` whose content is not the source's placeholder of their
/// id (an empty one is a tag the tool kept, not an edit): what each holds, the source's, where.
fn edited_placeholders(
    target: roxmltree::Node,
    source_ph: &HashMap<String, String>,
) -> Vec<(String, String, Range<usize>)> {
    target
        .descendants()
        .filter(|n| is(n, "ph"))
        .filter_map(|n| {
            let was = source_ph.get(n.attribute("id")?)?;
            let own = ph_text(n);
            (!own.is_empty() && own != *was).then(|| (own, was.clone(), line_span(n)))
        })
        .collect()
}

/// The text of a `<source>` or `<target>`: its text, `<g>` and `<mrk>` as their content, a
/// `<ph>` or `<x>` as the source's piece with its id (else a `<ph>`'s own content). The
/// source's pieces are collected into `collect`.
fn inline(
    node: roxmltree::Node,
    source_ph: &HashMap<String, String>,
    mut collect: Option<&mut HashMap<String, String>>,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let mut out = String::new();
    for n in node.children() {
        if n.is_text() {
            out.push_str(n.text().unwrap_or(""));
            continue;
        }
        if !n.is_element() {
            continue;
        }
        let name = n.tag_name().name();
        match name {
            "g" | "mrk" if is(&n, name) => {
                out.push_str(&inline(n, source_ph, collect.as_deref_mut(), problems)?)
            }
            "ph" | "x" if is(&n, name) => {
                let id = n.attribute("id").unwrap_or("");
                let own = (name == "ph").then(|| ph_text(n));
                let piece = match (source_ph.get(id), own) {
                    (Some(p), _) => p.clone(),
                    (None, Some(own)) => own,
                    (None, None) => {
                        problems.push((format!("`<x id=\"{id}\"/>` is no placeholder of the source: keep the source's `<ph>` elements"), line_span(n)));
                        return None;
                    }
                };
                if let Some(c) = collect.as_deref_mut() {
                    c.insert(id.to_owned(), piece.clone());
                }
                out.push_str(&piece);
            }
            _ => {
                problems.push((format!("`<{name}>`: stepbook's texts hold only text and `<ph>` placeholders (Markdown stays Markdown); remove the element, keeping its text"), line_span(n)));
                return None;
            }
        }
    }
    Some(out)
}

/// A `<ph>`'s content: its text, or the character a stepbook character `<ph>` names.
fn ph_text(n: roxmltree::Node) -> String {
    let own: String = n
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    if n.attribute("ctype") == Some(CHAR_CTYPE)
        && let Some(c) = own
            .strip_prefix("U+")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
    {
        return c.to_string();
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(units: Vec<Unit>) -> Catalog {
        Catalog {
            id: "g".into(),
            source: "content/g.yaml".into(),
            lang: "de".into(),
            source_lang: "en".into(),
            units,
        }
    }

    fn unit(context: &str, source: &str, translation: &str) -> Unit {
        Unit {
            context: context.into(),
            source: source.into(),
            translation: translation.into(),
            fuzzy: false,
            previous: None,
            place: "content/g.yaml:3".into(),
            kind: "a step (Markdown)".into(),
            placeholders: crate::exchange::texts::placeholders(source),
        }
    }

    #[test]
    fn texts_with_placeholders_markup_and_control_characters_come_back_as_written() {
        let tricky = "Enter {{ attendee.code }} & <b>go</b>\r\n\u{1}\ttwice {{ attendee.code }}\n";
        let c = catalog(vec![
            unit(
                "g#s-1:text",
                tricky,
                "Gib {{ attendee.code }} ein\u{1} {{ attendee.code }}",
            ),
            unit("g:title", "T", ""),
        ]);
        let xml = write(&c);
        assert!(
            xml.contains("<ph id=\"1\">{{ attendee.code }}</ph>"),
            "{xml}"
        );
        let f = read(&xml).unwrap();
        assert_eq!(
            (f.lang.as_deref(), f.source.as_deref()),
            (Some("de"), Some("content/g.yaml"))
        );
        assert_eq!(f.units[0].source, tricky);
        assert_eq!(f.units[0].target, c.units[0].translation);
        assert_eq!((f.units[1].target.as_str(), f.units[1].fuzzy), ("", false));
    }

    #[test]
    fn a_placeholder_a_tool_emptied_is_the_sources_by_id() {
        let xml = write(&catalog(vec![unit("g:t", "a {{ x }} b", "")])).replace(
            "</source>",
            "</source><target state=\"translated\">A <x id=\"1\"/> B <ph id=\"1\"/></target>",
        );
        let f = read(&xml).unwrap();
        assert_eq!(f.units[0].target, "A {{ x }} B {{ x }}");
    }

    #[test]
    fn doctypes_entities_other_encodings_and_broken_xml_are_refused_at_their_line() {
        let good = write(&catalog(vec![unit("g:t", "a", "")]));
        let line = |xml: &str| {
            let p = read(xml).unwrap_err();
            (p[0].0.clone(), crate::diag::line_col(xml, p[0].1.start).0)
        };
        let xxe = good.replacen(
            "<xliff",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<xliff",
            1,
        );
        assert_eq!(line(&xxe).1, 5);
        assert!(line(&xxe).0.contains("DOCTYPE"));
        let unknown = good.replace("<source>a</source>", "<source>&e;</source>");
        assert!(line(&unknown).0.contains("unknown entity `&e;`"));
        assert_eq!(line(&unknown).1, 9);
        let latin = good.replace("encoding=\"UTF-8\"", "encoding='ISO-8859-1'");
        assert_eq!(line(&latin), (line(&latin).0, 1));
        assert!(line(&latin).0.contains("`ISO-8859-1`"));
        let broken = good.replace("</source>", "</sourc>");
        assert!(line(&broken).0.contains("not well-formed"));
        assert_eq!(line(&broken).1, 9);
        let twice = good.replace(
            "</trans-unit>",
            "</trans-unit>\n<trans-unit id=\"g:t\"><source>b</source></trans-unit>",
        );
        assert!(
            line(&twice)
                .0
                .contains("duplicate id `g:t` (first at line 8)")
        );
        let v2 = good.replace("version=\"1.2\"", "version=\"2.0\"");
        assert!(line(&v2).0.contains("XLIFF 2"));
    }
}
