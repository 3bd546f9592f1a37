//! Escaping text for HTML and XML: one pass, used by the Markdown renderer and the
//! highlighter alike (a leaf module, so both can use it).

/// Text escaped for HTML and XML content and attribute values.
pub fn html(s: &str) -> String {
    // One pass: highlighted code runs every token of a book's code blocks through here.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
