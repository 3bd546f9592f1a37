//! Render: the serialisable view of the book every template receives. Markdown fields arrive
//! both as safe HTML (`*_html`) and as sanitised Markdown (`*_md`); nothing here reads files.

use serde::Serialize;

use crate::book::Book;
use crate::markdown;
use crate::model::{Note, NoteKind, Screenshot, Sp};
use crate::validate::{Asset, CheckedGuide, CheckedStep, Image};

/// Book-level fields every page gets.
#[derive(Debug, Serialize)]
pub struct BookMeta<'a> {
    pub title: &'a str,
    pub description: &'a Option<String>,
    pub language: &'a str,
    pub authors: &'a [String],
    pub generator: &'static str,
}

impl<'a> BookMeta<'a> {
    /// The book as the pages of `lang` show it (its title and description in that language).
    pub fn of(book: &'a Book, lang: &'a crate::i18n::Language) -> Self {
        let b = &book.config.book;
        BookMeta {
            title: &lang.title,
            description: &lang.description,
            language: &lang.code,
            authors: &b.authors,
            generator: concat!("stepbook ", env!("CARGO_PKG_VERSION")),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GuideView {
    pub id: String,
    pub title: String,
    pub title_md: String,
    pub summary_html: Option<String>,
    pub summary_md: Option<String>,
    pub summary_plain: Option<String>,
    pub audience: Option<String>,
    pub duration: Option<String>,
    /// The duration in whole minutes, for the reader's "about N min left".
    pub duration_minutes: Option<u64>,
    /// The agenda's estimate of its length when it gives no duration (whole minutes).
    pub estimate_minutes: u64,
    pub total_wait: Option<String>,
    pub step_count: usize,
    pub prerequisites: Vec<Rich>,
    pub objectives: Vec<Rich>,
    pub notes: Vec<NoteView>,
    /// Notes of kind important, warning or caution: what a printed checklist must keep.
    pub key_notes: Vec<NoteView>,
    pub sections: Vec<SectionView>,
    pub conclusion_html: Option<String>,
    pub conclusion_md: Option<String>,
    /// The guide's instructor notes (only in the instructor edition: the variant stage removed
    /// them from every other build).
    pub instructor: Option<Boxed>,
    pub source: String,
    /// The variables the guide was resolved with, as nested tables (`event.name`).
    pub variables: serde_json::Value,
}

#[derive(Debug, Serialize)]
pub struct Rich {
    pub html: String,
    pub md: String,
}

/// A labelled block set apart from the text (a hint, an answer, instructor notes).
#[derive(Debug, Serialize)]
pub struct Boxed {
    /// In the page's language: "Hint", "Answer", "Instructor notes".
    pub label: String,
    pub html: String,
    pub md: String,
    /// The whole block as a Markdown blockquote: `> **Answer:** ...`.
    pub md_quote: String,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub anchor: String,
    pub title: String,
    pub title_html: String,
    pub title_md: String,
    pub intro_html: Option<String>,
    pub intro_md: Option<String>,
    pub notes: Vec<NoteView>,
    /// Notes of kind important, warning or caution.
    pub key_notes: Vec<NoteView>,
    pub steps: Vec<StepView>,
    /// The section's instructor notes (instructor edition only).
    pub instructor: Option<Boxed>,
}

#[derive(Debug, Serialize)]
pub struct StepView {
    pub anchor: String,
    /// The whole number, `2.3` (or `3` in a guide of one section), `2.3.a` for a substep.
    pub number: String,
    /// What the list shows beside the step: `2.3`, `3.`, a substep's `a.`.
    pub label: String,
    pub text_html: String,
    pub text_md: String,
    /// Plain label for the checklist.
    pub check: String,
    pub notes: Vec<NoteView>,
    pub screenshots: Vec<ShotView>,
    pub result_html: Option<String>,
    pub result_md: Option<String>,
    /// A hint for a stuck reader (shown collapsed in HTML).
    pub hint: Option<Boxed>,
    /// The expected answer (instructor edition only).
    pub answer: Option<Boxed>,
    /// Instructor notes on the step (instructor edition only).
    pub instructor: Option<Boxed>,
    pub wait: Option<String>,
    /// The wait as a sentence of the page's language: "Expect to wait up to 5 min."
    pub wait_sentence: Option<String>,
    /// The longest wait in seconds, for the reader's countdown.
    pub wait_seconds: Option<u64>,
    pub optional: bool,
    pub substeps: Vec<StepView>,
}

#[derive(Debug, Serialize)]
pub struct NoteView {
    pub kind: NoteKind,
    /// In the page's language: "Note", "Hinweis".
    pub label: String,
    pub html: String,
    /// The callout's text as Markdown (without its label).
    pub md: String,
    /// The whole callout as a Markdown blockquote: `> **Note:** ...`.
    pub md_quote: String,
}

#[derive(Debug, Serialize)]
pub struct ShotView {
    pub remote: bool,
    /// URL relative to a page at `html/<id>/index.html`.
    pub src_html: String,
    /// URL relative to `markdown/<id>.md`.
    pub src_md: String,
    pub alt: String,
    pub caption_html: Option<String>,
    pub caption_md: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The image as Markdown: `![alt](src)`.
    pub md: String,
    /// The marks drawn over the image (in its pixels).
    pub marks: crate::render::marks::MarksView,
    /// Whether the HTML draws the marks over the image: it has marks and a known size.
    pub overlay: bool,
}

/// What a guide's view depends on besides the guide: the interface text of its language, and
/// how far its pages sit below their output's root (a translation's one folder further:
/// `html/de/<id>/`, `markdown/de/<id>.md`).
#[derive(Clone, Copy)]
pub struct Locale<'a> {
    pub strings: &'a crate::i18n::Strings,
    pub depth: usize,
}

impl Locale<'_> {
    /// From a guide's HTML page (and a checklist) up to the site's root.
    fn html_up(&self) -> String {
        "../".repeat(1 + self.depth)
    }

    /// From a Markdown file up to the Markdown output's root.
    fn md_up(&self) -> String {
        "../".repeat(self.depth)
    }
}

/// Renders Markdown fields of one guide, pointing its local images at their copies.
struct Md<'a> {
    assets: &'a [Asset],
    inline: &'a std::collections::HashMap<String, Image>,
    t: &'a crate::i18n::Strings,
    html_up: String,
    md_up: String,
}

impl Md<'_> {
    fn image(&self, dest: &str, prefix: &str) -> Option<String> {
        match self.inline.get(dest)? {
            Image::Local(i) => Some(format!(
                "{prefix}media/{}",
                encode_path(&self.assets[*i].out)
            )),
            _ => None,
        }
    }

    /// A Markdown field as HTML, its headings two levels down (the page's title is its `h1`
    /// and sections are `h2`: a summary's `# Lab scenario` must not be a second `h1`).
    fn html(&self, s: &str) -> String {
        demote_headings(&markdown::to_html_with(s, &|d| {
            self.image(d, &self.html_up)
        }))
    }

    fn inline_html(&self, s: &str) -> String {
        markdown::to_inline_html_with(s, &|d| self.image(d, &self.html_up))
    }

    fn md(&self, s: &str) -> String {
        markdown::sanitize_with(s, &|d| self.image(d, &self.md_up)).into_owned()
    }
}

/// A Markdown block field set apart under a label of the interface (`label` is its key in the
/// strings table); `None` when absent or blank.
fn block(m: &Md, s: &Option<Sp<String>>, label: &str) -> Option<Boxed> {
    match s {
        Some(s) if !s.trim().is_empty() => {
            let label = m.t.get(label).to_owned();
            let md = m.md(s.trim());
            Some(Boxed {
                html: m.html(s),
                md_quote: quote(m, &label, &md),
                md,
                label,
            })
        }
        _ => None,
    }
}

/// `> **Label:** text` with every line of `md` inside the quote.
fn quote(m: &Md, label: &str, md: &str) -> String {
    let mut quote = format!("> **{}**", m.t.fill("label_colon", &[("label", label)]));
    for (i, line) in md.trim().lines().enumerate() {
        if i == 0 {
            quote.push(' ');
            quote.push_str(line);
        } else if line.trim().is_empty() {
            quote.push_str("\n>");
        } else {
            quote.push_str("\n> ");
            quote.push_str(line);
        }
    }
    quote
}

fn rich(m: &Md, s: &Option<Sp<String>>) -> (Option<String>, Option<String>) {
    match s {
        Some(s) if !s.trim().is_empty() => (Some(m.html(s)), Some(m.md(s))),
        _ => (None, None),
    }
}

/// The view of one guide, built from the model and what validation resolved.
pub fn guide(c: CheckedGuide, assets: &[Asset], source: &str, locale: Locale) -> GuideView {
    let (g, r) = (c.model, c.resolved);
    let t = locale.strings;
    let m = &Md {
        assets,
        inline: &r.inline,
        t,
        html_up: locale.html_up(),
        md_up: locale.md_up(),
    };
    let (summary_html, summary_md) = rich(m, &g.summary);
    let (conclusion_html, conclusion_md) = rich(m, &g.conclusion);
    let notes: Vec<NoteView> = g.notes.iter().map(|n| note(m, n)).collect();
    let key_notes = important(m, &g.notes);
    let sections = c
        .sections()
        .map(|cs| {
            let s = cs.model;
            let (intro_html, intro_md) = rich(m, &s.intro);
            SectionView {
                anchor: cs.resolved.anchor.clone(),
                title: markdown::plain(&s.title),
                title_html: m.inline_html(&s.title),
                title_md: single_line(&m.md(&s.title)),
                intro_html,
                intro_md,
                notes: s.notes.iter().map(|n| note(m, n)).collect(),
                key_notes: important(m, &s.notes),
                steps: cs.steps().map(|st| step(m, st)).collect(),
                instructor: block(m, &s.instructor, "instructor_notes"),
            }
        })
        .collect();
    GuideView {
        id: r.id.clone(),
        title: markdown::plain(&g.title),
        title_md: single_line(&m.md(&g.title)),
        summary_plain: g.summary.as_ref().map(|s| markdown::plain(s)),
        summary_html,
        summary_md,
        audience: g.audience.as_ref().map(|a| a.value.clone()),
        duration: r.duration.map(|d| t.duration(d)),
        duration_minutes: r.duration.map(|d| d.minutes_ceil()),
        estimate_minutes: crate::config::agenda_check::estimate(r.step_count, r.total_wait.0),
        total_wait: (r.total_wait.0 > 0).then(|| t.duration(r.total_wait)),
        step_count: r.step_count,
        prerequisites: items(m, &g.prerequisites),
        objectives: items(m, &g.objectives),
        notes,
        key_notes,
        sections,
        conclusion_html,
        conclusion_md,
        instructor: block(m, &g.instructor, "instructor_notes"),
        source: source.replace('\\', "/"),
        variables: serde_json::Value::Null,
    }
}

/// List items (prerequisites, objectives): inline HTML and one line of Markdown each.
fn items(m: &Md, list: &[Sp<String>]) -> Vec<Rich> {
    list.iter()
        .map(|p| Rich {
            html: m.inline_html(p),
            md: single_line(&m.md(p)),
        })
        .collect()
}

/// The notes a printed checklist keeps: important, warning and caution.
fn important(m: &Md, notes: &[Sp<Note>]) -> Vec<NoteView> {
    notes
        .iter()
        .filter(|n| {
            matches!(
                n.kind.value,
                NoteKind::Important | NoteKind::Warning | NoteKind::Caution
            )
        })
        .map(|n| note(m, n))
        .collect()
}

/// `<h1>`…`<h6>` moved two levels down (at most `h6`).
fn demote_headings(html: &str) -> String {
    if !html.contains("<h") {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<h").or_else(|| rest.find("</h")) {
        let (at, close) = match rest.find("</h") {
            Some(c) if c < i => (c, true),
            _ => (i, false),
        };
        let tag_start = at + if close { 3 } else { 2 };
        let level = rest.as_bytes().get(tag_start).copied();
        match level {
            Some(d @ b'1'..=b'6')
                if matches!(rest.as_bytes().get(tag_start + 1), Some(b'>' | b' ')) =>
            {
                out.push_str(&rest[..tag_start]);
                out.push(char::from(b'0' + (d - b'0' + 2).min(6)));
                rest = &rest[tag_start + 1..];
            }
            _ => {
                out.push_str(&rest[..tag_start]);
                rest = &rest[tag_start..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn single_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn note(m: &Md, n: &Note) -> NoteView {
    let md = m.md(&n.text);
    let label = m.t.get(n.kind.as_str()).to_owned();
    NoteView {
        kind: n.kind.value,
        md_quote: quote(m, &label, &md),
        label,
        html: m.html(&n.text),
        md,
    }
}

/// What a list shows beside a step: `2.3` (a number with a section's), `3.` (a guide of one
/// section), `a.` (a substep's letter, `2.3.a`).
fn step_label(number: &str) -> String {
    match number.rsplit_once('.') {
        Some((_, last)) if last.starts_with(|c: char| c.is_ascii_lowercase()) => format!("{last}."),
        Some(_) => number.to_owned(),
        None => format!("{number}."),
    }
}

fn step(m: &Md, c: CheckedStep) -> StepView {
    let (s, r) = (c.model, c.resolved);
    let (result_html, result_md) = rich(m, &s.result);
    let check = match &s.check {
        Some(c) if !c.trim().is_empty() => single_line(&markdown::plain(c)),
        _ => markdown::first_sentence(&markdown::plain(&s.text)),
    };
    StepView {
        anchor: r.anchor.clone(),
        number: r.number.clone(),
        label: step_label(&r.number),
        text_html: m.html(&s.text),
        text_md: m.md(s.text.trim()),
        check,
        notes: s.notes.iter().map(|n| note(m, n)).collect(),
        screenshots: c
            .screenshots()
            .filter_map(|(shot, img)| screenshot(m, shot, img))
            .collect(),
        result_html,
        result_md,
        hint: block(m, &s.hint, "hint"),
        answer: block(m, &s.answer, "answer"),
        instructor: block(m, &s.instructor, "instructor_notes"),
        wait: r.wait.map(|w| m.t.wait(&w)),
        wait_sentence: r.wait.map(|w| m.t.wait_sentence(&w)),
        wait_seconds: r.wait.map(|w| w.max.0),
        optional: s.optional,
        substeps: c.substeps().map(|st| step(m, st)).collect(),
    }
}

fn screenshot(m: &Md, s: &Screenshot, img: &Image) -> Option<ShotView> {
    let (remote, src_html, src_md, width, height) = match img {
        Image::Remote(url) => (true, url.clone(), url.clone(), None, None),
        Image::Local(i) => {
            let a = &m.assets[*i];
            let (from_page, from_markdown) =
                crate::layout::media_hrefs(&m.html_up, &m.md_up, &encode_path(&a.out));
            (false, from_page, from_markdown, a.width, a.height)
        }
        Image::Invalid => return None,
    };
    let (caption_html, caption_md) = rich(m, &s.caption);
    // Alt text is kept as written (a line break becomes a space).
    let alt = s
        .alt
        .as_ref()
        .map(|a| a.replace('\n', " "))
        .unwrap_or_default();
    let md = format!("![{}]({})", md_escape_alt(&alt), md_url(&src_md));
    let size = width.zip(height);
    let marks = crate::render::marks::view(&s.marks, size, m.t);
    Some(ShotView {
        overlay: size.is_some() && !marks.items.is_empty(),
        marks,
        md,
        remote,
        src_html,
        src_md,
        alt,
        caption_html,
        caption_md,
        width,
        height,
    })
}

/// Escapes the characters that would end or confuse Markdown image alt text.
fn md_escape_alt(alt: &str) -> String {
    let mut out = String::with_capacity(alt.len());
    for c in alt.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL as a Markdown link destination: in `<...>` when it has spaces or parentheses.
fn md_url(url: &str) -> String {
    if url.contains([' ', '(', ')']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

/// Percent-encodes a relative path for use in a URL, keeping `/`.
pub fn encode_path(p: &str) -> String {
    /// Everything but letters, digits and `/ - _ . ~` is escaped.
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(p, PATH).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn headings_in_fields_sit_below_the_page_title() {
        assert_eq!(
            super::demote_headings("<h1>A</h1><p>x</p><h2 id=\"b\">B</h2><h5>C</h5><hr>"),
            "<h3>A</h3><p>x</p><h4 id=\"b\">B</h4><h6>C</h6><hr>"
        );
    }

    #[test]
    fn encodes_paths() {
        assert_eq!(super::encode_path("a b/ü.png"), "a%20b/%C3%BC.png");
    }
}
