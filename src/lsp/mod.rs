//! The language server's analysis: what `check` finds in one open guide, from the editor's
//! unsaved text and with the book around it (the same codes and words: one source of truth,
//! see [`Project`]), the guide's outline, hovers, completions and quick fixes. The protocol is
//! [`server`] (over [`io`]'s transport); nothing here prints.

pub mod fields;
mod io;
mod pool;
mod project;
mod requests;
pub mod rpc;
pub mod server;
mod workspace;

use std::path::Path;

pub use project::{Index, Project, Unsaved};
pub use workspace::{Analysis, Docs, Slot, Workspace};

use crate::book::Book;
use crate::diag::{Diagnostic, Fix, Severity};
use crate::source::load::LoadedGuide;
use crate::validate::{self, Resolved};

/// An open guide, checked: the model, what validation resolved, its local images in order of
/// use (`Image::Local(i)` is `locals[i]`).
pub struct Checked {
    pub guide: LoadedGuide,
    pub resolved: Resolved,
    pub locals: Vec<std::path::PathBuf>,
}

/// What to show when the pointer rests at byte `at`: a wait or duration as stepbook reads it,
/// or a screenshot's size and format (and a picture, for editors that show Markdown).
/// Waits and durations are told in `t`, the guide's language as its readers see it.
pub fn hover(c: &Checked, at: usize, t: &crate::i18n::Strings) -> Option<String> {
    let g = &c.guide.guide;
    let inside = |span: &std::ops::Range<usize>| span.start <= at && at <= span.end;
    if let Some(d) = g.duration.as_ref().filter(|d| inside(&d.span)) {
        return Some(match crate::duration::Duration::parse(d) {
            Ok(v) => format!("**duration**: about {}", t.duration(v)),
            Err(e) => format!("**duration**: not understood ({})", e.0),
        });
    }
    let checked = validate::CheckedGuide::new(g, &c.resolved);
    for section in checked.sections() {
        for step in section.steps() {
            if let Some(found) = hover_step(step, c, at, t) {
                return Some(found);
            }
        }
    }
    None
}

fn hover_step(
    step: validate::CheckedStep,
    c: &Checked,
    at: usize,
    t: &crate::i18n::Strings,
) -> Option<String> {
    let inside = |span: &std::ops::Range<usize>| span.start <= at && at <= span.end;
    let s = step.model;
    if let Some(w) = s.wait.as_ref().filter(|w| inside(&w.span)) {
        return Some(match crate::duration::Wait::parse(w) {
            Ok(v) => format!("**wait**: {}", t.wait(&v)),
            Err(e) => format!("**wait**: not understood ({})", e.0),
        });
    }
    for (shot, img) in step.screenshots() {
        if !inside(&shot.src.span) {
            continue;
        }
        return Some(match img {
            validate::Image::Local(i) => {
                let path = c.locals.get(*i)?;
                let format = image::ImageReader::open(path)
                    .ok()
                    .and_then(|r| r.with_guessed_format().ok())
                    .and_then(|r| r.format())
                    .map_or("unknown format".to_owned(), |f| {
                        format!("{f:?}").to_uppercase()
                    });
                let size = validate::image_size(path)
                    .map_or(String::new(), |(w, h)| format!("{w} × {h} px, "));
                let url = format!("file://{}", path.display()).replace(' ', "%20");
                format!("**screenshot**: {size}{format}\n\n![]({url})")
            }
            validate::Image::Remote(url) => format!("**screenshot**: remote, {url}"),
            validate::Image::Invalid => "**screenshot**: not found (see the diagnostic)".into(),
        });
    }
    step.substeps().find_map(|sub| hover_step(sub, c, at, t))
}

/// `at`, within `text` and moved back to the start of the character it falls in.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A byte offset of `text` as an LSP position: line and UTF-16 column, both from 0. (For
/// many positions in one text, [`crate::diag::LineIndex`] once.)
pub fn position(text: &str, offset: usize) -> (u32, u32) {
    crate::diag::LineIndex::new(text).position(text, offset)
}

/// Every anchor of the guide (sections and steps), with what it names and the byte range of
/// its title or text.
pub fn anchors(c: &Checked) -> Vec<(String, String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    fn steps(
        list: &[crate::model::Sp<crate::model::Step>],
        resolved: &[validate::ResolvedStep],
        out: &mut Vec<(String, String, std::ops::Range<usize>)>,
    ) {
        for (s, r) in list.iter().zip(resolved) {
            let what = format!(
                "step {}: {}",
                r.number,
                crate::markdown::first_sentence(&crate::markdown::plain(&s.text))
            );
            out.push((r.anchor.clone(), what, s.text.span.clone()));
            steps(&s.substeps, &r.substeps, out);
        }
    }
    for (s, r) in c.guide.guide.sections.iter().zip(&c.resolved.sections) {
        let what = format!("section: {}", crate::markdown::plain(&s.title));
        out.push((r.anchor.clone(), what, s.title.span.clone()));
        steps(&s.steps, &r.steps, &mut out);
    }
    out
}

/// The `#anchor` of a Markdown link (`](#anchor)`) around byte `at`, if there is one.
pub fn link_anchor(text: &str, at: usize) -> Option<&str> {
    let at = floor(text, at);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let mut from = 0;
    while let Some(i) = line[from..].find("](#") {
        let start = from + i + 3;
        let end = line[start..].find(')').map_or(line.len(), |e| start + e);
        if line_start + from + i <= at && at <= line_start + end {
            return Some(&line[start..end]);
        }
        from = start;
    }
    None
}

/// One thing that may be typed: its label, a short detail, what it is, a longer text and what
/// to insert (the label when `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub label: String,
    pub detail: String,
    pub kind: ItemKind,
    pub documentation: Option<String>,
    pub insert: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ItemKind {
    Anchor,
    Variable,
    Value,
    File,
    Field,
}

impl Item {
    fn new(label: String, detail: impl Into<String>, kind: ItemKind) -> Item {
        Item {
            label,
            detail: detail.into(),
            kind,
            documentation: None,
            insert: None,
        }
    }
}

/// What may be typed at byte `at`: the guide's anchors after `](#`, its variables after `{{`,
/// note kinds after `kind:`, profile tags after `only:`, image files of the book (relative to
/// the guide) after `src:`, and where a key goes, the keys the schema allows there.
pub fn completions(
    book: &Book,
    path: &Path,
    c: Option<&Checked>,
    text: &str,
    at: usize,
) -> Vec<Item> {
    let found = values(book, path, c, text, at);
    if !found.is_empty() {
        return found;
    }
    let keys = fields::completions(crate::schema::guide_schema(), text, at).unwrap_or_default();
    // In a mark, its kinds come first, each with the shape of its coordinates.
    let in_mark = keys.iter().any(|(k, _)| k == "highlight");
    keys.into_iter()
        .map(|(k, doc)| {
            let kind = in_mark.then(|| mark_kind(&k)).flatten();
            match kind {
                Some((detail, insert)) => Item {
                    insert: Some(insert.to_owned()),
                    documentation: Some(doc),
                    ..Item::new(k, detail, ItemKind::Value)
                },
                None => Item {
                    insert: Some(format!("{k}: ")),
                    documentation: Some(doc),
                    ..Item::new(k, "field", ItemKind::Field)
                },
            }
        })
        .collect()
}

/// A mark kind's completion: what it takes (in the image's pixels) and the text inserted.
fn mark_kind(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "box" => ("mark: [x, y, width, height] in pixels", "box: ["),
        "arrow" => (
            "mark: [x1, y1, x2, y2] in pixels, head at x2, y2",
            "arrow: [",
        ),
        "callout" => ("mark: a number 1-99, with `at: [x, y]`", "callout: "),
        "highlight" => (
            "mark: [x, y, width, height] kept bright, the rest dimmed",
            "highlight: [",
        ),
        _ => return None,
    })
}

/// What may be typed at byte `at` of book.toml: the keys of the table the line is in, less those
/// written; the tables after `[`.
pub fn book_toml_completions(text: &str, at: usize) -> Vec<Item> {
    fields::toml_completions(fields::book_schema(), text, at)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, doc)| Item {
            documentation: Some(doc),
            ..Item::new(k, "book.toml", ItemKind::Field)
        })
        .collect()
}

/// The values [`completions`] offers (all but the keys).
/// The profile tags book.toml declares, after `only:` (`key`: the line from its key on).
fn profile_tags(book: &Book, key: &str) -> Vec<Item> {
    let mut tags: Vec<String> = book
        .config
        .profiles
        .values()
        .flat_map(|p| p.tags.iter().cloned())
        .collect();
    tags.sort();
    tags.dedup();
    // `only:` takes a list: a tag typed right after `only:` goes in brackets, or `check`
    // rejects the guide.
    let in_list = key.contains('[');
    tags.into_iter()
        .map(|t| {
            let insert = (!in_list).then(|| format!("[{t}]"));
            Item {
                insert,
                ..Item::new(t, "profile tag", ItemKind::Value)
            }
        })
        .collect()
}

fn values(book: &Book, path: &Path, c: Option<&Checked>, text: &str, at: usize) -> Vec<Item> {
    let at = floor(text, at);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    if let Some(i) = before.rfind("](#")
        && !before[i..].contains(')')
    {
        return c
            .map(anchors)
            .unwrap_or_default()
            .into_iter()
            .map(|(a, what, _)| Item::new(a, what, ItemKind::Anchor))
            .collect();
    }
    // `{{ ` and a part of a name: the variables the guide can use, with their values.
    if let Some(i) = before.rfind("{{")
        && !before[i..].contains("}}")
    {
        let variant = book.variant();
        let vars = match c {
            Some(c) => variant.resolve(&c.guide.guide),
            None => variant.book_level(),
        };
        return vars
            .into_iter()
            .map(|(k, v)| Item::new(k, format!("= {v}"), ItemKind::Variable))
            .collect();
    }
    let key = before.trim_start().trim_start_matches("- ");
    if key.starts_with("kind:") {
        return ["note", "tip", "important", "warning", "caution"]
            .map(|k| Item::new(k.to_owned(), "note kind", ItemKind::Value))
            .into();
    }
    if key.starts_with("only:") {
        return profile_tags(book, key);
    }
    if key.starts_with("src:") {
        let dir = path.parent().unwrap_or(&book.root);
        let mut found = Vec::new();
        for e in walkdir::WalkDir::new(&book.root)
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                let output = e.path() == book.root.join(&book.config.build.build_dir);
                e.depth() == 0 || (!hidden && !output)
            })
            .flatten()
            .filter(|e| e.file_type().is_file())
        {
            let name = e.file_name().to_string_lossy().to_lowercase();
            if [".png", ".jpg", ".jpeg", ".gif", ".webp"]
                .iter()
                .any(|x| name.ends_with(x))
            {
                let rel = validate::relative_path(dir, e.path());
                found.push(Item::new(rel, "image", ItemKind::File));
            }
            if found.len() >= 500 {
                break;
            }
        }
        found.sort_by(|a, b| a.label.cmp(&b.label));
        return found;
    }
    Vec::new()
}

/// The quick fix a diagnostic offers: its structured [`Fix`] (never read back out of the help's
/// words), when its bytes are in `text`, the text it was checked from, and it changes them.
pub fn quick_fix<'d>(d: &'d Diagnostic, text: &str) -> Option<&'d Fix> {
    let fix = d.fix.as_ref()?;
    let current = text.get(fix.span.clone())?;
    (current != fix.replacement).then_some(fix)
}

/// An LSP position (line, UTF-16 column) as a byte offset of `text`.
pub fn offset(text: &str, line: u32, character: u32) -> usize {
    crate::diag::LineIndex::new(text).offset(text, line, character)
}

/// A diagnostic's severity in LSP's numbers (1 error, 2 warning).
pub fn severity(d: &Diagnostic) -> u8 {
    match d.severity {
        Severity::Error => 1,
        _ => 2,
    }
}

/// One entry of the outline: a section or a step, its name and the byte range it names.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    pub section: bool,
    pub span: std::ops::Range<usize>,
    pub children: Vec<Symbol>,
}

/// Each local screenshot's `src` and the file it names, so the editor can open it.
pub fn image_links(c: &Checked) -> Vec<(std::ops::Range<usize>, std::path::PathBuf)> {
    fn step(
        s: validate::CheckedStep,
        c: &Checked,
        out: &mut Vec<(std::ops::Range<usize>, std::path::PathBuf)>,
    ) {
        for (shot, img) in s.screenshots() {
            if let validate::Image::Local(i) = img
                && let Some(path) = c.locals.get(*i)
            {
                out.push((shot.src.span.clone(), path.clone()));
            }
        }
        for sub in s.substeps() {
            step(sub, c, out);
        }
    }
    let mut out = Vec::new();
    let checked = validate::CheckedGuide::new(&c.guide.guide, &c.resolved);
    for section in checked.sections() {
        for s in section.steps() {
            step(s, c, &mut out);
        }
    }
    out
}

/// The guide's sections and their steps, for the editor's outline.
pub fn outline(c: &Checked) -> Vec<Symbol> {
    let (g, r) = (&c.guide, &c.resolved);
    fn step(s: &crate::model::Sp<crate::model::Step>, rs: &validate::ResolvedStep) -> Symbol {
        Symbol {
            name: format!(
                "{} {}",
                rs.number,
                crate::markdown::first_sentence(&crate::markdown::plain(&s.text))
            ),
            section: false,
            span: extent(s),
            children: s
                .substeps
                .iter()
                .zip(&rs.substeps)
                .map(|(s, r)| step(s, r))
                .collect(),
        }
    }
    /// A step's bytes: a mapping's span is where it starts; it ends after its last value.
    fn extent(s: &crate::model::Sp<crate::model::Step>) -> std::ops::Range<usize> {
        let mut end = s.span.end.max(s.text.span.end);
        for n in &s.notes {
            end = end.max(n.span.end).max(n.text.span.end);
        }
        for shot in &s.screenshots {
            end = end.max(shot.span.end).max(shot.src.span.end);
        }
        for sub in &s.substeps {
            end = end.max(extent(sub).end);
        }
        s.span.start..end
    }
    g.guide
        .sections
        .iter()
        .zip(&r.sections)
        .map(|(s, rs)| Symbol {
            name: crate::markdown::plain(&s.title),
            section: true,
            span: s.span.clone(),
            children: s
                .steps
                .iter()
                .zip(&rs.steps)
                .map(|(s, r)| step(s, r))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::diag::{Code, Diagnostic, Fix};

    /// Every byte offset, inside characters too: no panic.
    #[test]
    fn any_offset_is_safe() {
        let text = "title: Grüße 😀\nsections:\n  - title: [x](#ä😀\n    steps:\n      - text: é\n        wa";
        let schema = crate::schema::guide_schema();
        for at in 0..=text.len() + 2 {
            let _ = super::link_anchor(text, at);
            let _ = super::fields::completions(schema, text, at);
            let _ = super::fields::hover(schema, text, at);
            let _ = super::position(text, at);
        }
    }

    /// The quick fix is the diagnostic's structured fix: a help worded any way at all (here
    /// without "did you mean") does not change it, and a help that names another word is not
    /// read.
    #[test]
    fn a_quick_fix_comes_from_the_fix_not_the_words() {
        let text = "text: Enter {{  attendee.cod }} now";
        let start = text.find("attendee").unwrap();
        let fix = Fix::new(start..start + "attendee.cod".len(), "attendee.code");
        for help in [
            "perhaps `attendee.code` was meant",
            "did you mean `other`?",
            "",
        ] {
            let mut d = Diagnostic::error(Code::E021, "g.yaml", "no value").suggest(fix.clone());
            d.help = Some(help.into());
            let fix = super::quick_fix(&d, text).unwrap();
            let fixed = format!(
                "{}{}{}",
                &text[..fix.span.start],
                fix.replacement,
                &text[fix.span.end..]
            );
            assert_eq!(fixed, "text: Enter {{  attendee.code }} now");
        }
        // Prose alone offers nothing; nor does a fix that would change nothing, or that is
        // outside the text.
        let prose = Diagnostic::error(Code::E021, "g.yaml", "no value")
            .at(start..start + 12)
            .help("did you mean `attendee.code`?");
        assert!(super::quick_fix(&prose, text).is_none());
        let same = Diagnostic::error(Code::E021, "g.yaml", "x").suggest(Fix::new(0..4, "text"));
        assert!(super::quick_fix(&same, text).is_none());
        let out = Diagnostic::error(Code::E021, "g.yaml", "x").suggest(Fix::new(90..99, "x"));
        assert!(super::quick_fix(&out, text).is_none());
    }

    #[test]
    fn positions_count_utf16_columns() {
        let text = "a: é😀x\nb";
        assert_eq!(super::position(text, 0), (0, 0));
        let x = text.find('x').unwrap();
        assert_eq!(super::position(text, x), (0, 6)); // "a: " 3, é 1, 😀 2
        assert_eq!(super::position(text, text.len()), (1, 1));
        assert_eq!(super::offset(text, 0, 6), x);
        assert_eq!(super::offset(text, 1, 0), text.find('b').unwrap());
    }
}
