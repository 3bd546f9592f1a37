//! Import: existing Markdown lab guides into guide YAML (`stepbook import`).
//!
//! Mapping (documented in the README): the first `#` heading (or front matter `title`) is the
//! title; what comes before the first heading that has numbered steps is the summary, its
//! callouts the guide's notes; every heading followed by a numbered list starts a section, and a
//! heading with no steps of its own right above deeper headings (`# Exercise 1` over
//! `## Task 1`) prefixes their titles (`Exercise 1 › Task 1: …`); other step-less headings and
//! their text open the next section's intro. Items of numbered lists are steps (nested numbered
//! lists are substeps), image-only paragraphs in them are screenshots, `> **Note:**`,
//! `**Note**:` and `> [!NOTE]`-style callouts are notes, and "may take up to 5 minutes" is a
//! wait. Everything else stays as Markdown in the nearest step's or section's text.

mod images;
mod parse;
pub mod plan;
mod preamble;
mod sections;
mod text;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diag::Code;
use crate::markdown::tidy_lines as tidy;
use crate::model::{Guide, Note, NoteKind, Screenshot, Section, Sp, Step, TextKind};
pub use images::{CopyImages, ImageCopy, Placement, conflicting, copy_images, media_inside};
use parse::{Block, Kind, source};
use pulldown_cmark::BlockQuoteKind;
pub use text::wait_of;
use text::{dialects, front_matter, merge, strip_label, strip_marker, unquote};

/// A guide read from Markdown: the model's guide (with no spans) and what import learned.
#[derive(Debug, Default, Clone)]
pub struct Imported {
    pub guide: Guide,
    /// What could not be mapped, or needs the author's eye.
    pub warnings: Vec<Warning>,
    /// Images to copy into the book for the guide's paths to hold.
    pub image_copies: Vec<ImageCopy>,
    /// Images outside the book, with [`CopyImages::Never`]: (line, path).
    pub outside_images: Vec<(usize, PathBuf)>,
    /// The front matter, when some of its keys have no field in the model: kept as comments.
    pub kept_front_matter: Vec<String>,
}

/// A problem found while importing, at a line of the Markdown file.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub line: usize,
    pub code: Code,
    pub message: String,
}

impl Imported {
    fn warn(&mut self, line: usize, code: Code, message: impl Into<String>) {
        self.warnings.push(Warning {
            line,
            code,
            message: message.into(),
        });
    }
}

/// Reads Markdown `text` from `file`; local image paths are rewritten so that they resolve from
/// `out_dir`, where the YAML will be written. Images are not looked up (see [`import_with`]).
pub fn import(text: &str, file: &Path, out_dir: &Path) -> Imported {
    import_with(text, file, out_dir, None)
}

/// [`import`], with each local image looked up: a missing one is a warning, and one outside
/// the book (or every one, as `placement` says) is planned for copying into the book, the
/// guide pointing at the copy.
pub fn import_with(
    text: &str,
    file: &Path,
    out_dir: &Path,
    placement: Option<&Placement>,
) -> Imported {
    let mut text = text
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut out = Imported::default();
    let front = front_matter(&mut text, &mut out);
    let text = dialects(&text);
    let text = parse::without_comments(&text);
    let doc = parse::blocks(&text);
    let mut r = Reader {
        text: &text,
        line_ends: text.match_indices('\n').map(|(i, _)| i).collect(),
        md_dir: file.parent().unwrap_or(Path::new("")).to_path_buf(),
        out_dir: out_dir.to_path_buf(),
        out,
        images: images::Images::default(),
    };
    if let Some(p) = placement {
        r.place_images(&doc, p);
    }
    r.document(&doc, front);
    r.rewrite_images();
    r.placeholders(&text);
    if r.out.guide.title.trim().is_empty() {
        r.out.guide.title = file
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
            .unwrap_or_else(|| "Untitled guide".into())
            .into();
        r.out.warn(
            1,
            Code::I001,
            "no `#` heading: the title is made from the file name",
        );
    }
    if r.out.guide.sections.is_empty() {
        r.out.warn(
            1,
            Code::I001,
            "no numbered steps found: the guide has no sections and will not pass `stepbook check`",
        );
    }
    r.out
}

/// A callout made by import: shown in every build.
fn note(kind: NoteKind, text: String) -> Note {
    Note {
        kind: kind.into(),
        text: text.into(),
        only: Vec::new(),
    }
}

struct Reader<'a> {
    text: &'a str,
    /// Where each line of `text` ends (its `\n`), for [`Reader::line`].
    line_ends: Vec<usize>,
    md_dir: PathBuf,
    out_dir: PathBuf,
    out: Imported,
    images: images::Images,
}

impl Reader<'_> {
    /// `{{` in the lab is literal text (an alert template's `{{Computer}}`): it is written
    /// `\{{`, so stepbook does not read it as a placeholder; `@lab.Variable(name)` tokens of
    /// lab platforms become `{{ name }}` placeholders, with a warning naming them.
    fn placeholders(&mut self, source: &str) {
        let mut names: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        self.out.guide.visit_text_mut(&mut |_, t| {
            if t.contains("{{") {
                t.value = text::escape_braces(t);
            }
            if t.contains("@lab.Variable(") {
                t.value = text::lab_variables(t, &mut names, &mut seen);
            }
        });
        // Named in the order the lab first uses them (one pass over the lab: a search per name
        // made thousands of variables quadratic).
        let first = text::first_uses(source);
        names.sort_by_key(|n| first.get(n.as_str()).copied());
        if !names.is_empty() {
            let line = source.find("@lab.Variable(").map_or(1, |i| self.line(i));
            self.out.warn(
                line,
                Code::I006,
                format!(
                    "`@lab.Variable(…)` became `{{{{ name }}}}` placeholders: define {} in book.toml's `[variables]` (or with `--set`)",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }

    /// Looks up every local image of the document (see [`images`]).
    fn place_images(&mut self, b: &Block, placement: &Placement) {
        for (_, src, _) in &b.images {
            if let Some(target) = self.local_target(src) {
                let line = self.line(b.range.start);
                self.images
                    .place(src, &target, line, &mut self.out, placement);
            }
        }
        for c in &b.children {
            self.place_images(c, placement);
        }
    }

    /// The file a local image path names (`..` applied); `None` for URLs and absolute paths.
    fn local_target(&self, src: &str) -> Option<PathBuf> {
        if src.contains("://")
            || src.starts_with("data:")
            || src.starts_with('/')
            || src.starts_with('#')
            || src.is_empty()
        {
            return None;
        }
        let decoded = crate::validate::percent_decode(src).unwrap_or_else(|| src.to_owned());
        let mut target = self.md_dir.clone();
        for part in decoded.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    target.pop();
                }
                p => target.push(p),
            }
        }
        Some(target)
    }

    /// Local images inside Markdown text are rewritten like screenshots, so that they resolve
    /// from the output folder: in every Markdown field.
    fn rewrite_images(&mut self) {
        let mut guide = std::mem::take(&mut self.out.guide);
        guide.visit_text_mut(&mut |f, md| {
            if f.kind == TextKind::Markdown {
                self.rewrite_images_in(md);
            }
        });
        self.out.guide = guide;
    }

    fn rewrite_images_in(&self, md: &mut String) {
        let found = crate::markdown::inspect(md).local_images;
        let mut cuts: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for (dest, range) in found {
            if let Some(i) = md[range.clone()].rfind(dest.as_str()) {
                let new = self.image_src(&dest);
                let new = if new.contains([' ', '(', ')']) {
                    format!("<{new}>")
                } else {
                    new
                };
                let start = range.start + i;
                // `<path with spaces>` as written: replace the brackets too.
                let (s, e) =
                    if md[..start].ends_with('<') && md[start + dest.len()..].starts_with('>') {
                        (start - 1, start + dest.len() + 1)
                    } else {
                        (start, start + dest.len())
                    };
                cuts.push((s..e, new));
            }
        }
        cuts.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        for (range, new) in cuts {
            md.replace_range(range, &new);
        }
    }

    fn src(&self, range: &Range<usize>) -> String {
        source(self.text, range)
    }

    /// The 1-based line of `offset`, by a binary search: counting the newlines before it each
    /// time made a warning per step (a missing image) quadratic.
    fn line(&self, offset: usize) -> usize {
        self.line_ends.partition_point(|&e| e < offset) + 1
    }

    /// A callout block: a GFM alert or a blockquote/paragraph that starts with a label.
    fn callout(&self, b: &Block) -> Option<Note> {
        match &b.kind {
            Kind::BlockQuote(Some(k)) => {
                let kind = match k {
                    BlockQuoteKind::Note => NoteKind::Note,
                    BlockQuoteKind::Tip => NoteKind::Tip,
                    BlockQuoteKind::Important => NoteKind::Important,
                    BlockQuoteKind::Warning => NoteKind::Warning,
                    BlockQuoteKind::Caution => NoteKind::Caution,
                };
                let inner = unquote(&self.src(&b.range));
                // The first line is the `[!NOTE]` marker.
                let body = inner.split_once('\n').map_or("", |(_, rest)| rest);
                Some(note(kind, body.trim().to_owned()))
            }
            Kind::BlockQuote(None) => {
                if b.children.first()?.kind != Kind::Paragraph {
                    return None;
                }
                let (kind, rest) = strip_label(&unquote(&self.src(&b.range)))?;
                Some(note(kind, rest.trim().to_owned()))
            }
            Kind::Paragraph => {
                let (kind, rest) = strip_label(&self.src(&b.range))?;
                Some(note(kind, rest))
            }
            _ => None,
        }
    }

    /// A step's hint or callout block, kept as its `hint:` (a second hint joins the first, so
    /// the reader unfolds them together, in order) or one of its notes; `false` for any other
    /// block.
    fn aside(&self, step: &mut Step, c: &Block) -> bool {
        if let Some(h) = self.hint(c) {
            let joined = match step.hint.take() {
                Some(first) => format!("{}\n\n{h}", first.value),
                None => h,
            };
            step.hint = Some(joined.into());
            return true;
        }
        match self.callout(c) {
            Some(n) => {
                step.notes.push(n.into());
                true
            }
            None => false,
        }
    }

    /// A hint written as a callout (`> **Hint:** …`, a lab platform's `>[!hint]`): the text a
    /// step keeps as its `hint:`, folded on the reader's page.
    fn hint(&self, b: &Block) -> Option<String> {
        match &b.kind {
            Kind::BlockQuote(None) if b.children.first()?.kind == Kind::Paragraph => {
                text::hint_text(&unquote(&self.src(&b.range)))
            }
            Kind::Paragraph => text::hint_text(&self.src(&b.range)),
            _ => None,
        }
    }

    /// A local image path, rewritten to resolve from the output folder (or pointing at the
    /// image's copy in the book); URLs stay as they are.
    fn image_src(&self, src: &str) -> String {
        let Some(target) = self.local_target(src) else {
            return src.to_owned();
        };
        let target = self.images.moved(&target).unwrap_or(&target);
        crate::validate::relative_path(&self.out_dir, target)
    }

    fn shots(&mut self, b: &Block) -> Vec<Sp<Screenshot>> {
        for (alt, src, _) in &b.images {
            if crate::markdown::placeholder_alt(alt, src) {
                let line = self.line(b.range.start);
                self.out.warn(
                    line,
                    Code::I002,
                    format!("image alt text `{}` says nothing about the picture; describe what it shows", alt.trim()),
                );
            }
        }
        b.images
            .iter()
            .map(|(alt, src, link)| {
                Screenshot {
                    src: self.image_src(src).into(),
                    alt: Some(alt.clone().into()),
                    caption: link
                        .as_ref()
                        .filter(|l| *l != src)
                        .map(|l| format!("<{l}>").into()),
                    ..Screenshot::default()
                }
                .into()
            })
            .collect()
    }

    fn document(&mut self, doc: &Block, front_title: Option<String>) {
        let blocks = &doc.children;
        let i = self.title(blocks, front_title);
        let first_section = sections::first_section(blocks, i);
        let (j, carried) = self.preamble(blocks, i, first_section);
        self.sections(blocks, j, carried);
    }

    /// Title: the first level-1 heading (front matter title otherwise). When the front matter
    /// names the lab and text comes before the first `#` heading (AI-900's "module 5": an
    /// introduction and "## Before you start" above `# Explore generative AI with Bing` and
    /// its steps), that heading opens a section and the text above it is the preamble.
    /// Returns where the rest of the document starts.
    fn title(&mut self, blocks: &[Block], front_title: Option<String>) -> usize {
        let pos = blocks.iter().position(|b| b.kind == Kind::Heading(1));
        let Some(pos) = pos.filter(|&p| p == 0 || front_title.is_none()) else {
            if let Some(t) = front_title {
                self.out.guide.title = t.into();
            }
            return 0;
        };
        self.out.guide.title = blocks[pos].text.clone().into();
        if let Some((title, d)) = preamble::title_duration(&self.out.guide.title) {
            let line = self.line(blocks[pos].range.start);
            self.out.guide.title = title.into();
            self.out.found_duration(&d, line);
        }
        if pos > 0 {
            // Content above the title is the preamble's start ("## Before you start" to
            // `prerequisites`); what has no field of its own joins the summary.
            let line = self.line(blocks[0].range.start);
            self.out.warn(
                line,
                Code::I001,
                "text above the title is mapped as the lab's preamble (summary, prerequisites…): check it",
            );
            let carried = self.preamble_parts(&blocks[..pos]);
            if !carried.is_empty() {
                self.out.guide.summary =
                    Some(merge(self.out.guide.summary.take(), carried.join("\n\n")));
            }
        }
        pos + 1
    }

    /// Before the first section (`first_section`): the preamble, mapped to fields (see
    /// `preamble.rs`). Numbered lists there (no heading above them) are left for a section named
    /// after the guide when no heading has steps, or when one opens the text under the title;
    /// group headings right above the first section (`## Exercise 1`) stay
    /// with it. Returns where the sections start and what opens the first one's intro.
    fn preamble(
        &mut self,
        blocks: &[Block],
        i: usize,
        first_section: Option<usize>,
    ) -> (usize, Vec<String>) {
        let mut end = match first_section {
            Some(f) => f,
            None => (i..blocks.len())
                .find(|&j| {
                    blocks[j].kind == Kind::OrderedList
                        && blocks[j..]
                            .iter()
                            .all(|x| !matches!(x.kind, Kind::Heading(_)))
                })
                .unwrap_or(blocks.len()),
        };
        while first_section.is_some()
            && end > i
            && matches!(blocks[end - 1].kind, Kind::Heading(_))
            && preamble::part_of(&blocks[end - 1].text) == preamble::Part::Other
        {
            end -= 1;
        }
        // A numbered list right under the title, before any introduction, is the lab's first
        // steps; one after an introduction is an overview ("a two step process: 1. Redeem…")
        // and stays in the summary.
        if first_section.is_some() && blocks.get(i).is_some_and(|b| b.kind == Kind::OrderedList) {
            end = i;
        }
        let carried = self.preamble_parts(&blocks[i..end]);
        (end, carried)
    }

    /// A list item: its own text, screenshots, callouts and substeps.
    fn step(&mut self, item: &Block) -> Step {
        let mut step = Step::default();
        let mut cut: Vec<Range<usize>> = Vec::new();
        for c in &item.children {
            if c.kind == Kind::OrderedList {
                for sub in &c.children {
                    step.substeps.push(self.step(sub).into());
                }
                cut.push(c.range.clone());
            } else if c.only_images {
                step.screenshots.extend(self.shots(c));
                cut.push(c.range.clone());
            } else if matches!(c.kind, Kind::BlockQuote(_))
                || c.kind == Kind::Paragraph && !std::ptr::eq(c, &item.children[0])
            {
                if self.aside(&mut step, c) {
                    cut.push(c.range.clone());
                }
            } else if matches!(c.kind, Kind::Other)
                && self.text[c.range.clone()].trim_start().starts_with('<')
            {
                let line = self.line(c.range.start);
                self.out.warn(
                    line,
                    Code::I001,
                    "raw HTML kept in the step's text; stepbook removes HTML from its output",
                );
            }
        }
        // The item's text: its source without the list marker and without what became fields.
        let mut own = String::new();
        let mut pos = item.range.start;
        cut.sort_by_key(|r| r.start);
        for r in &cut {
            if r.start > pos {
                own.push_str(&self.text[pos..r.start]);
            }
            pos = pos.max(r.end);
        }
        if pos < item.range.end {
            own.push_str(&self.text[pos..item.range.end]);
        }
        step.text = tidy(&strip_marker(&own, self.text, item.range.start)).into();
        inline_hint(&mut step);
        // A wait said in the step, or in one of its notes ("It might take between 5 and 10
        // minutes for the policy to take effect"); one said only vaguely is for the author.
        step.wait = std::iter::once(step.text.as_str())
            .chain(step.notes.iter().map(|n| n.text.as_str()))
            .find_map(wait_of)
            .map(Sp::from);
        if step.wait.is_none()
            && let Some(vague) = std::iter::once(step.text.as_str())
                .chain(step.notes.iter().map(|n| n.text.as_str()))
                .find_map(text::vague_wait)
        {
            let line = self.line(item.range.start);
            self.out.warn(
                line,
                Code::I003,
                format!("\"{vague}\" is not a wait stepbook can use: set `wait:` on this step if readers must wait"),
            );
        }
        if step.text.is_empty() {
            step.text = if step.screenshots.is_empty() {
                "(no text)".to_owned().into()
            } else {
                "See the screenshot.".to_owned().into()
            };
            let line = self.line(item.range.start);
            self.out.warn(
                line,
                Code::I001,
                "a numbered item with no text: its step text is a placeholder",
            );
        }
        step
    }
}

/// A hint at the end of the step's line moved to its `hint:`, before any hint found after it.
fn inline_hint(step: &mut Step) {
    if let Some((text, hint)) = text::inline_hint(&step.text) {
        step.text = text.into();
        let joined = match step.hint.take() {
            Some(later) => format!("{hint}\n\n{}", later.value),
            None => hint,
        };
        step.hint = Some(joined.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setext_headings_and_paren_numbers() {
        let md = "Guide\n=====\n\nTask one\n--------\n\n1) Do this.\n2) Then that.\n";
        let g = import(md, Path::new("g.md"), Path::new("content"));
        assert_eq!(g.guide.title.value, "Guide");
        assert_eq!(g.guide.sections[0].title.value, "Task one");
        assert_eq!(g.guide.sections[0].steps.len(), 2);
        assert_eq!(g.guide.sections[0].steps[1].text.value, "Then that.");
    }

    #[test]
    fn images_in_every_markdown_field_resolve_from_the_output_folder() {
        let md = "# Lab\n\n## Objectives\n\n- See ![a](img/a.png)\n\n## Task\n\n1. Do.\n\n## Review\n\n![b](img/b.png)\n";
        let g = import(md, Path::new("labs/lab.md"), Path::new("content"));
        assert_eq!(g.guide.objectives[0].value, "See ![a](../labs/img/a.png)");
        assert_eq!(
            g.guide.conclusion.as_ref().map(|c| c.as_str()),
            Some("**Review**\n\n![b](../labs/img/b.png)")
        );
    }

    /// A hint inside a step (a lab platform's `>[!hint]`, a `**Hint:**` quote), or right after
    /// it at column 0, is the step's `hint:`, folded on the page; a second one joins the first;
    /// one above every step stays a tip.
    #[test]
    fn a_hint_in_a_step_is_the_steps_hint() {
        let md = "# Lab\n\n>[!hint] Ask the proctor.\n\n## Task\n\n1. Open the portal.\n\n    >[!hint] Search for **Storage**.\n\n    > **Hint:** Or use the menu.\n\n1. Sign in.\n\n    >[!alert] Use the lab account.\n\n>[!hint] The account is on the lab's **Resources** tab.\n";
        let g = import(md, Path::new("g.md"), Path::new("content"));
        let steps = &g.guide.sections[0].steps;
        assert_eq!(
            steps[0].hint.as_ref().map(|h| h.as_str()),
            Some("Search for **Storage**.\n\nOr use the menu.")
        );
        assert_eq!(steps[0].text.value, "Open the portal.");
        assert!(steps[0].notes.is_empty());
        assert_eq!(
            steps[1].hint.as_ref().map(|h| h.as_str()),
            Some("The account is on the lab's **Resources** tab.")
        );
        assert_eq!(steps[1].notes[0].kind.value, NoteKind::Warning);
        assert_eq!(g.guide.notes[0].kind.value, NoteKind::Tip);
        assert_eq!(g.guide.notes[0].text.value, "Ask the proctor.");
    }

    /// HTML comments (a draft step, a link list hidden on GitHub) are not imported; one in code
    /// is code, and line numbers after them stay true.
    #[test]
    fn html_comments_are_left_out() {
        let md = "# Lab\n\n<!--- **[Exercise 5](https://example.org)**\n\nmore --->\nAn intro.\n\n## Task\n\n1. Open the portal.\n<!--- 1. A step left out. --->\n1. Sign in <!-- inline -->now.\n\n    ```html\n    <!-- kept -->\n    ```\n";
        let g = import(md, Path::new("g.md"), Path::new("content"));
        assert_eq!(
            g.guide.summary.as_ref().map(|s| s.trim()),
            Some("An intro.")
        );
        let steps = &g.guide.sections[0].steps;
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(steps[1].text.value.starts_with("Sign in"));
        assert!(!steps[1].text.value.contains("inline"));
        assert!(steps[1].text.value.contains("<!-- kept -->"));
    }

    #[test]
    fn the_seed() {
        let seed = include_str!("../../tests/fixtures/import/azure-pass.md");
        let g = import(seed, Path::new("seed/azure-pass.md"), Path::new("content"));
        assert_eq!(
            g.guide.title.value,
            "Creating a Microsoft Azure Pass Subscription"
        );
        assert_eq!(g.guide.sections.len(), 2);
        assert_eq!(
            g.guide.sections[0].title.value,
            "Step 1: Redeeming a Microsoft Azure Pass Promo Code"
        );
        assert_eq!(g.guide.sections[0].steps.len(), 6);
        assert_eq!(g.guide.sections[1].steps.len(), 7);
        let shots: usize = g
            .guide
            .sections
            .iter()
            .flat_map(|s| s.steps.iter())
            .map(|s| s.screenshots.len())
            .sum();
        assert_eq!(shots, 11);
        assert_eq!(g.guide.sections[0].steps[0].notes.len(), 1);
        assert_eq!(
            g.guide.sections[0].steps[5]
                .wait
                .as_ref()
                .map(|w| w.as_str()),
            Some("5m")
        );
        assert_eq!(
            g.guide.sections[0].steps[0].text.value,
            "Open a browser and navigate to: https://www.microsoftazurepass.com/"
        );
        assert!(
            g.guide
                .summary
                .as_ref()
                .unwrap()
                .contains("two step process")
        );
    }

    /// Every corpus lab, imported, written by the one writer and read back: the same texts and
    /// the same structure (the file `stepbook import` writes is the guide it found).
    #[test]
    fn every_corpus_lab_written_and_read_back_is_the_imported_guide() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        if !corpus.join("INDEX.md").is_file() {
            assert!(
                std::env::var_os("CI").is_none(),
                "../shared/corpus is missing"
            );
            return;
        }
        let mut labs = 0;
        for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "md") || path.ends_with("INDEX.md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let g = import(&text, &path, Path::new("content")).guide;
            let yaml = crate::source::write::guide_yaml(&g, &["a lab".into()]).unwrap();
            let tree = crate::source::node::parse_yaml(&yaml).unwrap();
            let back = <Guide as crate::source::convert::FromNode>::from_node(&tree)
                .unwrap_or_else(|| panic!("{}:\n{yaml}", path.display()));
            let shape = |g: &Guide| {
                let mut texts = Vec::new();
                g.visit_text(&mut |f, t| texts.push(format!("{}={}", f.name, t.value)));
                let steps: Vec<(usize, Vec<String>, Option<String>)> = g
                    .sections
                    .iter()
                    .flat_map(|s| s.steps.iter())
                    .map(|s| {
                        let srcs = s.screenshots.iter().map(|x| x.src.value.clone()).collect();
                        (
                            s.substeps.len(),
                            srcs,
                            s.wait.as_ref().map(|w| w.value.clone()),
                        )
                    })
                    .collect();
                (texts, steps, g.duration.as_ref().map(|d| d.value.clone()))
            };
            assert_eq!(shape(&back), shape(&g), "{}", path.display());
            labs += 1;
        }
        assert!(labs >= 50, "{labs} labs");
    }
}
