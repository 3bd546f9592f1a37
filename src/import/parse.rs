//! Import: Markdown lab guides to the guide model. pulldown-cmark events with source offsets are
//! gathered into a tree of blocks; the tree is then read as title, summary, callouts, sections
//! (headings with numbered lists) and steps (list items; nested numbered lists are substeps).
//! Whatever has no field of its own stays as Markdown in the nearest step's or section's text.

use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A block of the document and the bytes it covers.
#[derive(Debug)]
pub(super) struct Block {
    pub kind: Kind,
    pub range: Range<usize>,
    pub children: Vec<Block>,
    /// Plain text of a paragraph or heading.
    pub text: String,
    /// Images of a paragraph: (alt, src, the link around the image if any).
    pub images: Vec<(String, String, Option<String>)>,
    /// A paragraph with nothing but images (and the links around them).
    pub only_images: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Document,
    Paragraph,
    Heading(u8),
    BlockQuote(Option<BlockQuoteKind>),
    OrderedList,
    BulletList,
    Item,
    Other,
}

/// `text` with its HTML comments (`<!-- … -->`, GitHub's way of hiding a draft step) blanked:
/// each character but line breaks becomes a space, so offsets and line numbers stay true. Only
/// comments Markdown itself reads as HTML go (one in a code block or code span is code).
pub(super) fn without_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut html: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, Options::ENABLE_GFM).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => html.push(range),
            Event::InlineHtml(s) if s.starts_with("<!--") => html.push(range),
            _ => {}
        }
    }
    let mut bytes = text.as_bytes().to_vec();
    for r in html {
        let mut at = r.start;
        while let Some(open) = text[at..r.end].find("<!--") {
            let start = at + open;
            let end = text[start + 4..r.end]
                .find("-->")
                .map_or(r.end, |c| start + 4 + c + 3);
            for b in &mut bytes[start..end] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
            at = end;
        }
    }
    // Only whole UTF-8 sequences inside comments were replaced, each byte by a space.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned()))
}

/// Parses Markdown into its block tree.
pub(super) fn blocks(text: &str) -> Block {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_FOOTNOTES;
    let mut b = BlockBuilder {
        stack: vec![Block::new(Kind::Document, 0..text.len())],
        in_image: None,
        link: None,
        inline_text_outside_images: false,
    };
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(tag) => b.start(&tag, range),
            Event::End(end) => b.end(end),
            Event::Text(t) | Event::Code(t) => b.text(&t),
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = b.stack.last_mut() {
                    top.text.push(' ');
                }
            }
            Event::InlineHtml(_) | Event::InlineMath(_) | Event::FootnoteReference(_) => {
                b.inline_text_outside_images = true;
            }
            _ => {}
        }
    }
    let mut stack = b.stack;
    while stack.len() > 1 {
        let done = stack.pop().expect("len > 1");
        stack.last_mut().expect("root").children.push(done);
    }
    stack.pop().expect("the document")
}

/// The blocks open while the events are read.
struct BlockBuilder {
    stack: Vec<Block>,
    /// An image being read: (alt text so far, src).
    in_image: Option<(String, String)>,
    /// The link the current events are inside.
    link: Option<String>,
    /// The current paragraph holds text besides images.
    inline_text_outside_images: bool,
}

impl BlockBuilder {
    fn start(&mut self, tag: &Tag<'_>, range: std::ops::Range<usize>) {
        let kind = match tag {
            Tag::Paragraph => Some(Kind::Paragraph),
            Tag::Heading { level, .. } => Some(Kind::Heading(heading_level(*level))),
            Tag::BlockQuote(k) => Some(Kind::BlockQuote(*k)),
            Tag::List(Some(_)) => Some(Kind::OrderedList),
            Tag::List(None) => Some(Kind::BulletList),
            Tag::Item => Some(Kind::Item),
            Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::MetadataBlock(_) => Some(Kind::Other),
            Tag::Image { dest_url, .. } => {
                self.in_image = Some((String::new(), dest_url.to_string()));
                None
            }
            Tag::Link { dest_url, .. } => {
                self.link = Some(dest_url.to_string());
                None
            }
            _ => None,
        };
        if let Some(kind) = kind {
            if kind == Kind::Paragraph {
                self.inline_text_outside_images = false;
            }
            self.stack.push(Block::new(kind, range));
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Image => {
                if let (Some((alt, src)), Some(top)) = (self.in_image.take(), self.stack.last_mut())
                {
                    top.images.push((alt, src, self.link.clone()));
                }
            }
            TagEnd::Link => self.link = None,
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::MetadataBlock(_) => {
                if let Some(mut done) = self.stack.pop() {
                    if done.kind == Kind::Paragraph {
                        done.only_images =
                            !done.images.is_empty() && !self.inline_text_outside_images;
                    }
                    done.text = done.text.trim().to_owned();
                    match self.stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => self.stack.push(done),
                    }
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if let Some((alt, _)) = self.in_image.as_mut() {
            alt.push_str(t);
            return;
        }
        if !t.trim().is_empty() && !matches!(self.stack.last().map(|b| &b.kind), Some(Kind::Item)) {
            self.inline_text_outside_images = true;
        }
        if let Some(top) = self.stack.last_mut() {
            top.text.push_str(t);
        }
    }
}

impl Block {
    fn new(kind: Kind, range: Range<usize>) -> Block {
        Block {
            kind,
            range,
            children: Vec::new(),
            text: String::new(),
            images: Vec::new(),
            only_images: false,
        }
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The source of a block, with the indentation of its continuation lines removed (as deep as
/// the column its first line starts at) so it reads as Markdown on its own.
pub(super) fn source(text: &str, range: &Range<usize>) -> String {
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = columns(&text[line_start..start]);
    let mut out = String::new();
    for (i, line) in text[start..end].split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(dedent(line, indent));
        } else {
            out.push_str(line);
        }
    }
    out.trim_end().to_owned()
}

/// Width of leading text in columns; a tab goes to the next multiple of 4, `>` counts as 1.
fn columns(s: &str) -> usize {
    s.chars()
        .fold(0, |c, ch| if ch == '\t' { c + 4 - c % 4 } else { c + 1 })
}

fn dedent(line: &str, cols: usize) -> &str {
    let mut c = 0;
    for (i, ch) in line.char_indices() {
        if c >= cols {
            return &line[i..];
        }
        match ch {
            ' ' => c += 1,
            '\t' => c += 4 - c % 4,
            _ => return &line[i..],
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_of_a_lab_guide() {
        let md = "# T\n\nIntro\n\n## Task 1\n\n1. Do\n\n    ![a](x.png)\n\n    > **Note:** n\n\n1. Two\n    1. Sub\n";
        let doc = blocks(md);
        let kinds: Vec<&Kind> = doc.children.iter().map(|b| &b.kind).collect();
        assert_eq!(
            kinds,
            [
                &Kind::Heading(1),
                &Kind::Paragraph,
                &Kind::Heading(2),
                &Kind::OrderedList
            ]
        );
        let list = &doc.children[3];
        assert_eq!(list.children.len(), 2);
        let first = &list.children[0];
        assert!(first.children[1].only_images);
        assert_eq!(
            first.children[1].images[0],
            ("a".into(), "x.png".into(), None)
        );
        assert!(matches!(first.children[2].kind, Kind::BlockQuote(None)));
        assert_eq!(source(md, &first.children[2].range), "> **Note:** n");
        assert_eq!(
            list.children[1].children.last().unwrap().kind,
            Kind::OrderedList
        );
    }

    #[test]
    fn dedents_continuation_lines() {
        let md = "1. a\n\n    | x |\n    |---|\n    | y |\n";
        let doc = blocks(md);
        let table = &doc.children[0].children[0].children[1];
        assert_eq!(source(md, &table.range), "| x |\n|---|\n| y |");
    }
}
