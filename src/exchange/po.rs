//! Exchange: GNU gettext PO files — a catalog written for Poedit, Weblate or Crowdin, and read
//! back with every problem at its line.

use super::export::Catalog;

/// The catalog as a PO file: a header naming the guide and the language, then one entry per
/// text, the context first (`msgctxt`), what the text is and its place as comments, `fuzzy`
/// with the previous source (`#| msgid`) when the source changed since the translation.
pub fn write(c: &Catalog) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Translation of the guide `{}` ({}) into `{}`, for stepbook.\n\
         # Contexts (msgctxt) name each text: keep them. Keep `{{{{ name }}}}` placeholders and\n\
         # link targets as they are; `stepbook i18n import` reads this file back.\n",
        c.id, c.source, c.lang
    ));
    out.push_str("msgid \"\"\nmsgstr \"\"\n");
    let header = [
        format!("Project-Id-Version: {}", c.id),
        "PO-Revision-Date: 1970-01-01 00:00+0000".into(),
        "Last-Translator: ".into(),
        format!("Language-Team: {}", c.lang),
        format!("Language: {}", c.lang),
        "MIME-Version: 1.0".into(),
        "Content-Type: text/plain; charset=UTF-8".into(),
        "Content-Transfer-Encoding: 8bit".into(),
        format!("X-Stepbook-Source: {}", c.source),
        format!("X-Stepbook-Guide: {}", c.id),
    ];
    for h in header {
        out.push_str(&format!("\"{}\\n\"\n", escape(&h)));
    }
    for u in &c.units {
        out.push('\n');
        out.push_str(&format!("#. {}\n", one_line(&u.kind)));
        if !u.placeholders.is_empty() {
            out.push_str(&format!(
                "#. Placeholders, keep them as written: {}\n",
                one_line(&u.placeholders.join(", "))
            ));
        }
        out.push_str(&format!("#: {}\n", u.place));
        if u.fuzzy {
            out.push_str("#, fuzzy\n");
            if let Some(p) = &u.previous {
                out.push_str(&field("#| msgctxt", &u.context));
                out.push_str(&field("#| msgid", p));
            }
        }
        out.push_str(&field("msgctxt", &u.context));
        out.push_str(&field("msgid", &u.source));
        out.push_str(&field("msgstr", &u.translation));
    }
    out
}

/// A comment's text on one line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// `keyword "text"`, or for text of several lines `keyword ""` and one quoted line each (the
/// line break at the end of each), with the prefix of `#|` lines on every line.
fn field(keyword: &str, text: &str) -> String {
    let prefix = if keyword.starts_with("#|") { "#| " } else { "" };
    if !text.contains('\n') || text.trim_end_matches('\n').is_empty() {
        return format!("{keyword} \"{}\"\n", escape(text));
    }
    let mut out = format!("{keyword} \"\"\n");
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        out.push_str(&format!("{prefix}\"{}\"\n", escape(&rest[..end])));
        rest = &rest[end..];
    }
    out
}

/// A PO string's escapes: `\\`, `\"`, `\n`, `\t`, `\r`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// A PO file read: its header's fields and its entries.
#[derive(Debug, Default)]
pub struct PoFile {
    pub header: Vec<(String, String)>,
    /// Where the header entry is (for its problems).
    pub header_span: std::ops::Range<usize>,
    pub entries: Vec<PoEntry>,
}

/// One entry of a PO file.
#[derive(Debug, Default, Clone)]
pub struct PoEntry {
    pub context: Option<String>,
    pub id: String,
    pub plural: Option<std::ops::Range<usize>>,
    /// `msgstr` (index 0) or `msgstr[n]`, with the bytes of its keyword line.
    pub strs: Vec<(usize, String, std::ops::Range<usize>)>,
    pub fuzzy: bool,
    /// The bytes of its first keyword line (`msgctxt` or `msgid`).
    pub span: std::ops::Range<usize>,
}

/// A problem in an exchange file: what, and the bytes it is at.
pub type Problem = (String, std::ops::Range<usize>);

/// Which string a continuation line (`"…"`) adds to.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    None,
    Ctx,
    Id,
    Plural,
    Str,
}

/// Reads a PO file: comments, `msgctxt`, `msgid`, `msgid_plural`, `msgstr`, `msgstr[n]` and
/// continued strings; obsolete entries (`#~`) are skipped. The first problem stops it.
pub fn parse(text: &str) -> Result<PoFile, Problem> {
    let mut r = Reader {
        file: PoFile::default(),
        cur: None,
        fuzzy: false,
        part: Part::None,
        has_id: false,
    };
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let span = at..at + raw.trim_end().len();
        at += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with("#~") || line.starts_with("#|") {
            continue;
        }
        if line.starts_with('#') {
            finish(&mut r.file, &mut r.cur, &span)?;
            r.part = Part::None;
            if let Some(flags) = line.strip_prefix("#,") {
                r.fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            }
        } else if line.starts_with('"') {
            r.string(line, span)?;
        } else {
            r.keyword(line, span)?;
        }
    }
    let end = at..at;
    finish(&mut r.file, &mut r.cur, &end)?;
    Ok(r.file)
}

/// A PO file being read, line by line.
struct Reader {
    file: PoFile,
    cur: Option<PoEntry>,
    /// The next entry is fuzzy (its flags came before it).
    fuzzy: bool,
    part: Part,
    /// The entry being read has its `msgid`.
    has_id: bool,
}

impl Reader {
    /// A continued string: added to what the keyword before it started.
    fn string(&mut self, line: &str, span: std::ops::Range<usize>) -> Result<(), Problem> {
        let s = unquote(line, &span)?;
        let part = self.part;
        let e = self
            .cur
            .as_mut()
            .filter(|_| part != Part::None)
            .ok_or_else(|| {
                (
                    "a string with no keyword before it".to_owned(),
                    span.clone(),
                )
            })?;
        match part {
            Part::Ctx => e.context.get_or_insert_with(String::new).push_str(&s),
            Part::Id => e.id.push_str(&s),
            Part::Str => {
                if let Some(last) = e.strs.last_mut() {
                    last.1.push_str(&s)
                }
            }
            Part::Plural | Part::None => {}
        }
        Ok(())
    }

    /// A keyword line: `msgctxt`, `msgid`, `msgid_plural`, `msgstr`, `msgstr[n]`.
    fn keyword(&mut self, line: &str, span: std::ops::Range<usize>) -> Result<(), Problem> {
        let (keyword, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        let value = unquote(rest.trim(), &span)?;
        match keyword {
            "msgctxt" | "msgid" => {
                // A `msgid` right after its `msgctxt` continues the entry; anything else
                // starts the next one.
                let continues = keyword == "msgid"
                    && self
                        .cur
                        .as_ref()
                        .is_some_and(|e| e.strs.is_empty() && !self.has_id);
                if !continues {
                    finish(&mut self.file, &mut self.cur, &span)?;
                    self.has_id = false;
                }
                let fuzzy = &mut self.fuzzy;
                let e = self.cur.get_or_insert_with(|| PoEntry {
                    span: span.clone(),
                    fuzzy: std::mem::take(fuzzy),
                    ..Default::default()
                });
                if keyword == "msgctxt" {
                    e.context = Some(value);
                    self.part = Part::Ctx;
                } else {
                    e.id = value;
                    self.has_id = true;
                    self.part = Part::Id;
                }
            }
            "msgid_plural" => {
                let e = self
                    .cur
                    .as_mut()
                    .ok_or_else(|| ("`msgid_plural` before `msgid`".to_owned(), span.clone()))?;
                e.plural = Some(span.clone());
                self.part = Part::Plural;
            }
            k if k == "msgstr" || k.starts_with("msgstr[") => {
                let n = match k.strip_prefix("msgstr[").and_then(|r| r.strip_suffix(']')) {
                    Some(n) => n
                        .parse()
                        .map_err(|_| (format!("`{k}`: the index is not a number"), span.clone()))?,
                    None if k == "msgstr" => 0,
                    None => return Err((format!("`{k}` is not a PO keyword"), span)),
                };
                let e = self.cur.as_mut().ok_or_else(|| {
                    (
                        "`msgstr` without a `msgid` before it".to_owned(),
                        span.clone(),
                    )
                })?;
                e.strs.push((n, value, span.clone()));
                self.part = Part::Str;
            }
            _ => {
                let shown: String = keyword.chars().take(40).collect();
                return Err((
                    format!(
                        "`{shown}` is not a PO keyword: a line is a comment (`#`), a keyword (`msgctxt`, `msgid`, `msgstr`) with a quoted string, or a quoted string"
                    ),
                    span,
                ));
            }
        }
        Ok(())
    }
}

/// Ends the entry being read (at `next`, the line after it): it needs its `msgstr`. The first
/// entry with an empty `msgid` and no context is the header.
fn finish(
    file: &mut PoFile,
    cur: &mut Option<PoEntry>,
    next: &std::ops::Range<usize>,
) -> Result<(), Problem> {
    let Some(e) = cur.take() else {
        return Ok(());
    };
    if e.strs.is_empty() {
        return Err((
            "this entry has no `msgstr`".into(),
            e.span.start..next.start.max(e.span.end),
        ));
    }
    if e.id.is_empty() && e.context.is_none() {
        if !file.header.is_empty() || !file.entries.is_empty() || !file.header_span.is_empty() {
            return Err((
                "a second header (an entry with an empty `msgid`)".into(),
                e.span,
            ));
        }
        file.header_span = e.strs[0].2.clone();
        file.header = header_fields(&e.strs[0].1, &e.strs[0].2)?;
        return Ok(());
    }
    file.entries.push(e);
    Ok(())
}

/// The header's `Name: value` lines.
fn header_fields(s: &str, span: &std::ops::Range<usize>) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    for line in s.lines().filter(|l| !l.trim().is_empty()) {
        let Some((k, v)) = line.split_once(':') else {
            let shown: String = line.chars().take(60).collect();
            return Err((
                format!("broken header: `{shown}` is not a `Name: value` line"),
                span.clone(),
            ));
        };
        out.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    Ok(out)
}

/// A PO string: `"…"` with C escapes.
fn unquote(s: &str, span: &std::ops::Range<usize>) -> Result<String, Problem> {
    let bad = |m: &str| (m.to_owned(), span.clone());
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| s.len() >= 2)
        .ok_or_else(|| bad("expected a string in double quotes"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Err(bad("a `\"` inside a string must be written `\\\"`")),
            '\\' => out.push(match chars.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some('"') => '"',
                Some('\\') => '\\',
                Some('a') => '\u{7}',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('v') => '\u{b}',
                Some(o) => return Err(bad(&format!("unknown escape `\\{o}` in a string"))),
                None => return Err(bad("the string ends in a lone `\\`")),
            }),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A PO file as the texts it brings: its header checked (UTF-8, no plural forms used, a
/// well-formed `Plural-Forms`), every entry with a context, one `msgstr`, no context twice.
pub fn read(text: &str) -> Result<super::IncomingFile, Vec<Problem>> {
    let file = parse(text).map_err(|p| vec![p])?;
    let mut problems = header_problems(&file);
    let field = |name: &str| field_of(&file, name);
    let mut units = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for e in &file.entries {
        if let Some(p) = &e.plural {
            problems.push((
                "`msgid_plural`: stepbook's texts have no plural forms".into(),
                p.clone(),
            ));
            continue;
        }
        if let Some((n, _, span)) = e.strs.iter().find(|(n, ..)| *n != 0) {
            problems.push((format!("`msgstr[{n}]`: stepbook's texts have no plural forms (an entry has one `msgstr`)"), span.clone()));
            continue;
        }
        if e.strs.len() > 1 {
            problems.push((
                "this entry has more than one `msgstr`".into(),
                e.strs[1].2.clone(),
            ));
            continue;
        }
        let Some(ctx) = &e.context else {
            problems.push(("this entry has no `msgctxt`: the context names the text it translates (keep the ones `stepbook i18n export` wrote)".into(), e.span.clone()));
            continue;
        };
        if let Some(first) = seen.insert(ctx.clone(), e.span.start) {
            let (line, _) = crate::diag::line_col(text, first);
            problems.push((
                format!(
                    "duplicate context `{ctx}` (first at line {line}): each text is translated once"
                ),
                e.span.clone(),
            ));
            continue;
        }
        units.push(super::Incoming {
            context: ctx.clone(),
            source: e.id.clone(),
            target: e.strs[0].1.clone(),
            fuzzy: e.fuzzy,
            span: e.span.clone(),
            target_span: e.strs[0].2.clone(),
            edited: Vec::new(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(super::IncomingFile {
        lang: field("Language").filter(|l| !l.is_empty()),
        source: field("X-Stepbook-Source").filter(|l| !l.is_empty()),
        units,
    })
}

/// A header field's value (names in any case).
fn field_of(file: &PoFile, name: &str) -> Option<String> {
    file.header
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// The header's problems: a charset other than UTF-8, a malformed `Plural-Forms`.
fn header_problems(file: &PoFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    let field = |name: &str| field_of(file, name);
    if let Some(ct) = field("Content-Type") {
        let charset = ct
            .split(';')
            .find_map(|p| p.trim().strip_prefix("charset="))
            .unwrap_or("UTF-8");
        if !charset.eq_ignore_ascii_case("UTF-8") {
            problems.push((
                format!("broken header: the charset is `{charset}`; stepbook reads PO files in UTF-8 (convert it with `msgconv -t UTF-8`)"),
                file.header_span.clone(),
            ));
        }
    }
    if let Some(pf) = field("Plural-Forms")
        && !plural_forms_ok(&pf)
    {
        problems.push((
            format!(
                "broken header: `Plural-Forms: {pf}` is not `nplurals=<n>; plural=<expression>;`"
            ),
            file.header_span.clone(),
        ));
    }
    problems
}

/// `nplurals=<n>; plural=<expression>;` with n from 1 to 6.
fn plural_forms_ok(s: &str) -> bool {
    let mut n = None;
    let mut plural = false;
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, v)) if k.trim() == "nplurals" => n = v.trim().parse::<u32>().ok(),
            Some((k, v)) if k.trim() == "plural" => plural = !v.trim().is_empty(),
            _ => return false,
        }
    }
    plural && n.is_some_and(|n| (1..=6).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_continued_strings_flags_and_comments_are_read() {
        let po = "# c\nmsgid \"\"\nmsgstr \"\"\n\"Language: de\\n\"\n\n#. x\n#, fuzzy, c-format\n#| msgid \"old\"\nmsgctxt \"a:b\"\nmsgid \"\"\n\"one\\n\"\n\"two\"\nmsgstr \"eins\\n\"\n\"zwei \\\"q\\\"\"\n\nmsgctxt \"c\"\nmsgid \"x\"\nmsgstr \"\"\n#~ msgid \"gone\"\n#~ msgstr \"weg\"\n";
        let f = read(po).unwrap();
        assert_eq!(f.lang.as_deref(), Some("de"));
        assert_eq!(f.units.len(), 2);
        let u = &f.units[0];
        assert_eq!(
            (
                u.context.as_str(),
                u.source.as_str(),
                u.target.as_str(),
                u.fuzzy
            ),
            ("a:b", "one\ntwo", "eins\nzwei \"q\"", true)
        );
        assert!(!f.units[1].fuzzy);
        assert_eq!(&po[u.target_span.clone()], "msgstr \"eins\\n\"");
    }

    #[test]
    fn broken_files_are_refused_at_their_line() {
        let line = |po: &str| {
            let p = read(po).unwrap_err();
            (p[0].0.clone(), crate::diag::line_col(po, p[0].1.start).0)
        };
        let head = "msgid \"\"\nmsgstr \"\"\n\"Language: de\\n\"\n\n";
        assert!(
            line("msgid \"\"\nmsgstr \"\"\n\"Language de\\n\"\n")
                .0
                .contains("broken header")
        );
        assert!(
            line(&format!(
                "{head}msgctxt \"a\"\nmsgid \"x\"\nmsgstr \"\"\n\nmsgctxt \"a\"\nmsgid \"x\"\nmsgstr \"\"\n"
            )) == (
                "duplicate context `a` (first at line 5): each text is translated once".into(),
                9
            )
        );
        assert_eq!(
            line(&format!(
                "{head}msgctxt \"a\"\nmsgid \"x\"\nmsgid_plural \"xs\"\nmsgstr[0] \"\"\n"
            ))
            .1,
            7
        );
        assert_eq!(
            line(&format!(
                "{head}msgctxt \"a\"\nmsgid \"x\"\nmsgstr[1] \"\"\n"
            ))
            .1,
            7
        );
        assert!(
            line("msgid \"\"\nmsgstr \"\"\n\"Plural-Forms: nplurals=two\\n\"\n")
                .0
                .contains("Plural-Forms")
        );
        assert!(
            line("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n")
                .0
                .contains("ISO-8859-1")
        );
        assert_eq!(
            line(&format!("{head}msgctxt \"a\"\nmsgid \"x\nmsgstr \"\"\n")).1,
            6
        );
        assert_eq!(
            line(&format!(
                "{head}msgctxt \"a\"\nmsgid \"x\"\n\nmsgctxt \"b\"\n"
            ))
            .1,
            5
        );
        assert_eq!(line(&format!("{head}hello\n")).1, 5);
        assert_eq!(line(&format!("{head}msgid \"x\"\nmsgstr \"\"\n")).1, 5);
        assert_eq!(
            line(&format!(
                "{head}msgctxt \"a\"\nmsgid \"\\q\"\nmsgstr \"\"\n"
            ))
            .1,
            6
        );
    }
}
