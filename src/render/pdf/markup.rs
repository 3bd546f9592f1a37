//! PDF: Markdown fields to Typst markup, from pulldown-cmark events. Content can never run Typst
//! code: every ASCII punctuation character of text is backslash-escaped (`#`, `$`, `@`, `<`,
//! `[`, `]`, `\`, `/`, `*`, `_`, `=`, `-`…), code and URLs only ever appear inside Typst string
//! literals, and structure (emphasis, lists, links, tables, images) is written by this converter
//! as function calls.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

/// Plain text as Typst markup that shows it as it is.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_text(&mut out, s);
    out
}

fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// A Typst string literal (with its quotes) holding `s`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A code block longer than this (bytes) is not highlighted.
pub const MAX_HIGHLIGHT: usize = 2048;

/// How the converter shows an image: the Typst call for a Markdown image (`src`, `alt`).
pub type ImageFn<'a> = &'a dyn Fn(&str, &str) -> String;

/// Markdown (as the Markdown output has it: sanitised) to Typst markup.
pub fn markdown(md: &str, image: ImageFn) -> String {
    let mut w = Writer {
        out: String::with_capacity(md.len() * 2),
        image,
        stack: Vec::new(),
        alt: None,
        code: None,
        lang: None,
        table_cols: 0,
        head: false,
        para: None,
        label_end: None,
    };
    for event in crate::markdown::autolink(Parser::new_ext(md, crate::markdown::options())) {
        w.event(event);
    }
    w.out.trim().to_owned()
}

/// An open structure and what closes it.
enum Open {
    /// Closed by `]`.
    Bracket,
    /// A list: items are `[...]` arguments; closed by `)`.
    List,
    /// A link or image being read.
    Link,
    Table,
}

struct Writer<'a> {
    out: String,
    image: ImageFn<'a>,
    stack: Vec<Open>,
    /// Alt text of an image being read, and its source.
    alt: Option<(String, String)>,
    /// The text of a code block being read, as it is.
    code: Option<String>,
    /// The language of the code block being gathered.
    lang: Option<String>,
    table_cols: usize,
    /// Inside a table's header row.
    head: bool,
    /// Where the paragraph being written starts in `out`.
    para: Option<usize>,
    /// Where a bold text that opens the paragraph ends in `out`: when the paragraph ends there
    /// too, it is a label ("**Architecture diagram**") kept with what follows it.
    label_end: Option<usize>,
}

impl Writer<'_> {
    fn event(&mut self, event: Event) {
        if let Some((alt, _)) = &mut self.alt {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::End(TagEnd::Image) => {
                    let (alt, src) = self.alt.take().unwrap_or_default();
                    self.out.push_str(&(self.image)(&src, &alt));
                }
                _ => {}
            }
            return;
        }
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let code = self.code.take().unwrap_or_default();
                    let code = code.trim_end_matches('\n');
                    self.out.push_str("\n#raw(block: true, ");
                    // Typst's highlighting is super-linear on some inputs (a Perl `s/` and
                    // 8,000 `(`: 14 s): a long block is shown in plain monospace.
                    if let Some(l) = self.lang.take().filter(|_| code.len() <= MAX_HIGHLIGHT) {
                        self.out.push_str(&format!("lang: {}, ", string(&l)));
                    }
                    self.out.push_str(&string(code));
                    self.out.push_str(")\n");
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => push_text(&mut self.out, &t),
            Event::Code(t) => {
                self.out.push_str("#raw(");
                self.out.push_str(&string(&t));
                self.out.push(')');
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self.out.push_str("\n#line(length: 100%)\n"),
            Event::TaskListMarker(done) => self.out.push_str(if done { "☑ " } else { "☐ " }),
            // Raw HTML never reaches the Markdown fields (sanitised); math and footnotes are
            // shown as their text.
            Event::InlineMath(t) | Event::DisplayMath(t) => push_text(&mut self.out, &t),
            Event::FootnoteReference(t) => {
                self.out.push_str("#super[");
                push_text(&mut self.out, &t);
                self.out.push(']');
            }
            Event::Html(_) | Event::InlineHtml(_) => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                self.para = Some(self.out.len());
                self.label_end = None;
            }
            Tag::Heading { level, .. } => {
                let level = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => 3,
                    HeadingLevel::H3 => 4,
                    _ => 5,
                };
                self.out
                    .push_str(&format!("\n#heading(level: {level}, outlined: false)["));
                self.stack.push(Open::Bracket);
            }
            Tag::BlockQuote(_) => self.open("\n#quote(block: true)["),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_owned)
                    }
                    CodeBlockKind::Indented => None,
                };
                // The code is gathered until its end, then written as one string.
                self.lang = lang.filter(|l| !l.is_empty());
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                match start {
                    Some(n) => self.out.push_str(&format!("\n#enum(start: {n}, ")),
                    None => self.out.push_str("\n#list("),
                }
                self.stack.push(Open::List);
            }
            Tag::Item => self.open("["),
            Tag::Emphasis => self.open("#emph["),
            Tag::Strong => self.open("#strong["),
            Tag::Strikethrough => self.open("#strike["),
            Tag::Superscript => self.open("#super["),
            Tag::Subscript => self.open("#sub["),
            Tag::Link { dest_url, .. } => {
                self.out.push_str(&format!("#link({})[", string(&dest_url)));
                self.stack.push(Open::Link);
            }
            Tag::Image { dest_url, .. } => self.alt = Some((String::new(), dest_url.to_string())),
            Tag::Table(aligns) => {
                self.table_cols = aligns.len().max(1);
                self.out
                    .push_str(&format!("\n#table(columns: {}, ", self.table_cols));
                self.stack.push(Open::Table);
            }
            // The header row is a table header (for the tagged PDF's structure), in bold.
            Tag::TableHead => {
                self.out.push_str("table.header(");
                self.head = true;
            }
            Tag::TableRow => {}
            Tag::TableCell => {
                self.open("[");
                if self.head {
                    self.open("#strong[");
                }
            }
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
    }

    fn open(&mut self, s: &str) {
        self.out.push_str(s);
        self.stack.push(Open::Bracket);
    }

    fn close(&mut self) {
        match self.stack.pop() {
            Some(Open::Bracket | Open::Link) => self.out.push(']'),
            Some(Open::List | Open::Table) => self.out.push_str(")\n"),
            None => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if let Some(start) = self.para.take()
                    && self.label_end == Some(self.out.len())
                {
                    // A paragraph of bold text alone labels what follows (a diagram, a
                    // table): it moves to the next page with it rather than stay behind.
                    self.out.insert_str(start, "#block(sticky: true)[");
                    self.out.push(']');
                }
                self.out.push_str("\n\n");
            }
            TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Table
            | TagEnd::TableCell => {
                self.close();
                if matches!(tag, TagEnd::Strong)
                    && self
                        .para
                        .is_some_and(|p| self.out[p..].starts_with("#strong["))
                    && self.label_end.is_none()
                {
                    self.label_end = Some(self.out.len());
                }
                if matches!(tag, TagEnd::Item) {
                    self.out.push_str(", ");
                }
                if matches!(tag, TagEnd::TableCell) {
                    if self.head {
                        self.close();
                    }
                    self.out.push_str(", ");
                }
            }
            TagEnd::TableHead => {
                self.out.push_str("), ");
                self.head = false;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        markdown(s, &|src, alt| format!("IMG({src}|{alt})"))
    }

    #[test]
    fn text_is_escaped_and_structure_is_calls() {
        assert_eq!(
            md("Use **`az vm create`** then #set $x$ @ref 1 < 2 > 0 [c] // d \\ e"),
            "Use #strong[#raw(\"az vm create\")] then \\#set \\$x\\$ \\@ref 1 \\< 2 \\> 0 \\[c\\] \\/\\/ d \\\\ e"
        );
        assert_eq!(
            md("[site](<https://x.example/a\"b>)"),
            "#link(\"https://x.example/a\\\"b\")[site]"
        );
        assert_eq!(md("1. one\n2. two\n"), "#enum(start: 1, [one], [two], )");
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn bare_urls_are_links_and_table_headers_bold() {
        assert_eq!(
            md("Open https://portal.azure.com/#home."),
            "Open #link(\"https://portal.azure.com/#home\")[https\\:\\/\\/portal\\.azure\\.com\\/\\#home]\\."
        );
        assert_eq!(
            md("| A | B |\n|---|---|\n| 1 | 2 |\n"),
            "#table(columns: 2, table.header([#strong[A]], [#strong[B]], ), [1], [2], )"
        );
    }

    #[test]
    fn a_bold_paragraph_alone_is_kept_with_what_follows() {
        assert_eq!(
            md("**Architecture diagram**\n\nText."),
            "#block(sticky: true)[#strong[Architecture diagram]]\n\nText\\."
        );
        assert_eq!(md("**Note** this."), "#strong[Note] this\\.");
        assert_eq!(md("**a** and **b**"), "#strong[a] and #strong[b]");
    }

    #[test]
    fn code_blocks_are_strings() {
        let out = md("```sh\naz group create -n \"rg\" # [x]\n```\n");
        assert_eq!(
            out,
            "#raw(block: true, lang: \"sh\", \"az group create -n \\\"rg\\\" # [x]\")"
        );
    }
}
