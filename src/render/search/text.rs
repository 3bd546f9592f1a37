//! Render: what search reads of a guide. Every text of the page (titles, step text, substeps,
//! notes, code, tables, results, captions, the conclusion) as plain text, split into the words
//! the index knows, each guide's words weighed by where they stand (a title outweighs a step's
//! label, which outweighs its body).
//!
//! The word rules here and `tokens()` in `themes/default/search.js` must agree: lowercase runs
//! of letters, digits and `_`, joined by single `-` or `.` (`new-azvm`, `az104-rg8`,
//! `10.0.0.4`), such a joined word also giving its parts (`az104`, `rg8`); each Chinese or
//! Japanese character is a word of its own (those scripts do not put spaces between words).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// How much one occurrence weighs, by where it stands. A guide's weight for a word is the sum
/// over its texts, each body counting a word at most [`BODY_CAP`] times, capped at [`MAX_SCORE`]
/// (one base-36 digit in the index).
pub(super) const GUIDE_TITLE: u32 = 16;
pub(super) const SECTION_TITLE: u32 = 8;
pub(super) const STEP_LABEL: u32 = 4;
const BODY_CAP: u32 = 3;
pub(super) const MAX_SCORE: u32 = 35;

/// Words longer than this (hashes, base64) are not indexed whole (their parts may be).
const LONGEST: usize = 64;
/// A text kept in the index for excerpts is cut at this many bytes (its words are all indexed).
const KEPT_TEXT: usize = 4000;

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '_'
}

/// Chinese and Japanese characters: each is a word.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

/// Calls `each` with every word of `text` as search finds it (see the module's rules).
pub(super) fn words(text: &str, mut each: impl FnMut(&str)) {
    // Most words are lowercase ASCII already: only the others are copied, into one buffer.
    let mut buf = String::new();
    let mut emit = |token: &str| {
        let lower = if token.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
            buf.clear();
            buf.extend(token.chars().flat_map(char::to_lowercase));
            buf.as_str()
        } else {
            token
        };
        if lower.contains(['-', '.']) {
            for part in lower.split(['-', '.']).filter(|p| !p.is_empty()) {
                if part.len() <= LONGEST {
                    each(part);
                }
            }
        }
        if lower.len() <= LONGEST {
            each(lower);
        }
    };
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_cjk(c) {
            if let Some(s) = start.take() {
                emit(&text[s..i]);
            }
            emit(&text[i..i + c.len_utf8()]);
        } else if is_word_char(c) {
            start.get_or_insert(i);
        } else if (c == '-' || c == '.')
            && start.is_some()
            && chars
                .peek()
                .is_some_and(|(_, n)| is_word_char(*n) && !is_cjk(*n))
        {
            // A joiner inside a word: `new-azvm`, `10.0.0.4`.
        } else if let Some(s) = start.take() {
            emit(&text[s..i]);
        }
    }
    if let Some(s) = start {
        emit(&text[s..]);
    }
}

/// HTML (as the renderer made it) as plain text: tags dropped, block ends as spaces, the few
/// entities the renderer writes decoded, whitespace collapsed. Much cheaper than parsing the
/// Markdown again.
pub(super) fn html_text(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        decode(&rest[..lt], out);
        let Some(gt) = rest[lt..].find('>') else {
            rest = &rest[lt + 1..];
            continue;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        if matches!(
            name,
            "p" | "li"
                | "td"
                | "th"
                | "tr"
                | "br"
                | "pre"
                | "div"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "ul"
                | "ol"
                | "table"
                | "figcaption"
                | "dt"
                | "dd"
                | "hr"
        ) {
            push_space(out);
        }
        rest = &rest[lt + gt + 1..];
    }
    decode(rest, out);
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Text between tags into `out`: entities decoded, whitespace runs as one space.
fn decode(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find(['&', '\n', '\t', '\r', ' ']) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        if !rest.starts_with('&') {
            push_space(out);
            rest = &rest[1..];
            continue;
        }
        let entity = rest[1..]
            .find(';')
            .filter(|n| *n <= 10)
            .map(|n| &rest[1..1 + n]);
        let decoded = entity.and_then(|e| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        });
        match (entity, decoded) {
            (Some(e), Some(c)) => {
                if c == ' ' {
                    push_space(out);
                } else {
                    out.push(c);
                }
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// One guide as search sees it: its texts (each with its anchor, number, label and the section
/// it is in) as the JSON array the reader's excerpts come from, and each word's weight.
#[derive(Default)]
pub(super) struct GuideText {
    docs: String,
    count: usize,
    terms: Words,
}

/// A word's weight in the guide so far, and in the text being added.
#[derive(Default)]
struct Term {
    score: u32,
    /// The text `label` and `body` count in (1-based; 0: none yet).
    doc: usize,
    label: u32,
    body: u32,
}

impl Term {
    /// Moves the counts of the text it was last seen in into the guide's score.
    fn settle(&mut self) {
        self.score = (self.score + self.label + self.body.min(BODY_CAP)).min(MAX_SCORE);
        self.label = 0;
        self.body = 0;
    }

    fn seen_in(&mut self, doc: usize) -> &mut Term {
        if self.doc != doc {
            self.settle();
            self.doc = doc;
        }
        self
    }
}

/// Counts `w` in the text `doc` with `f`: one lookup by the borrowed word, and a word new to
/// the guide copied once.
fn bump(terms: &mut Words, w: &str, doc: usize, f: impl FnOnce(&mut Term)) {
    match terms.get_mut(w) {
        Some(t) => f(t.seen_in(doc)),
        None => {
            let mut t = Term {
                doc,
                ..Term::default()
            };
            f(&mut t);
            terms.insert(w.to_owned(), t);
        }
    }
}

/// A guide's words: many short keys, hashed for every word of its text (FNV-1a: SipHash, the
/// default, resists flooding that a book's own text cannot mount, and was a tenth of the
/// search's build time).
type Words = HashMap<String, Term, BuildHasherDefault<Fnv>>;

/// FNV-1a, for maps of words.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// One text of a guide: the guide itself, a section, a step, the conclusion.
pub(super) struct Doc<'a> {
    pub anchor: &'a str,
    /// A step's number (`2.3`), or empty.
    pub number: &'a str,
    /// What the result shows as the text's name (a step's checklist label, a section's title).
    pub label: &'a str,
    /// How much a word of the label weighs (0: the label is not indexed).
    pub label_weight: u32,
    pub body: &'a str,
    /// The position of the section this text is in, if it is a step.
    pub parent: Option<usize>,
}

impl GuideText {
    /// Adds a text; returns its position among the guide's texts.
    pub(super) fn add(&mut self, d: Doc) -> usize {
        let doc = self.count + 1;
        let terms = &mut self.terms;
        if d.label_weight > 0 {
            words(d.label, |w| {
                bump(terms, w, doc, |t| t.label = t.label.max(d.label_weight));
            });
        }
        words(d.body, |w| bump(terms, w, doc, |t| t.body += 1));
        let mut kept = d.body;
        if kept.len() > KEPT_TEXT {
            let mut cut = KEPT_TEXT;
            while !kept.is_char_boundary(cut) {
                cut -= 1;
            }
            kept = &kept[..cut];
        }
        if self.count > 0 {
            self.docs.push(',');
        }
        self.docs.push_str(&format!(
            "[{},{},{},{},{}]",
            super::json(d.anchor),
            super::json(d.number),
            super::json(d.label),
            super::json(kept),
            d.parent.map_or(-1, |p| p as i64)
        ));
        self.count += 1;
        self.count - 1
    }

    /// The guide's texts as one JSON array on one line, then a line per word: `word weight`.
    pub(super) fn finish(self) -> String {
        let mut out = String::with_capacity(self.docs.len() + self.terms.len() * 12 + 2);
        out.push('[');
        out.push_str(&self.docs);
        out.push(']');
        for (w, mut t) in self.terms {
            t.settle();
            out.push('\n');
            out.push_str(&w);
            out.push(' ');
            out.push_str(&t.score.to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        words(text, |w| v.push(w.to_owned()));
        v
    }

    #[test]
    fn code_tokens_are_words_whole_and_in_parts() {
        assert_eq!(
            all("Run New-AzVm in az104-rg8, then 10.0.0.4."),
            [
                "run",
                "new",
                "azvm",
                "new-azvm",
                "in",
                "az104",
                "rg8",
                "az104-rg8",
                "then",
                "10",
                "0",
                "0",
                "4",
                "10.0.0.4"
            ]
        );
        assert_eq!(
            all("--name -x a.b. Über"),
            ["name", "x", "a", "b", "a.b", "über"]
        );
        assert_eq!(all("仮想マシン vm"), ["仮", "想", "マ", "シ", "ン", "vm"]);
    }

    #[test]
    fn html_becomes_plain_text() {
        let mut out = String::new();
        html_text(
            "<p>Run <code>az &amp;&amp; x</code>:</p>\n<pre><code>New-AzVm\n  -Name &quot;vm&quot;</code></pre><table><tr><td>Sub</td><td>yours&#39;</td></tr></table>",
            &mut out,
        );
        assert_eq!(out.trim(), "Run az && x: New-AzVm -Name \"vm\" Sub yours'");
    }

    #[test]
    fn weights_add_up_by_where_words_stand() {
        let mut g = GuideText::default();
        g.add(Doc {
            anchor: "",
            number: "",
            label: "Manage VMs",
            label_weight: GUIDE_TITLE,
            body: "vm vm vm vm vm",
            parent: None,
        });
        let text = g.finish();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(r#"[["","","Manage VMs","vm vm vm vm vm",-1]]"#)
        );
        let mut rest: Vec<&str> = lines.collect();
        rest.sort();
        assert_eq!(rest, ["manage 16", "vm 3", "vms 16"]);
    }
}
