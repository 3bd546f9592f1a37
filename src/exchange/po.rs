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
