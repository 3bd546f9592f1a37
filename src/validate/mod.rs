//! Validate: the rules the schema cannot express (ids, durations, screenshot paths, alt text,
//! raw HTML), all collected in one pass; resolves ids, anchors, waits and images for rendering.

pub mod book;
pub mod capture;
mod checked;
pub mod marks;
mod paths;
pub mod translations;

pub use book::{
    AssetTable, Context, IdOf, OneGuide, id_problems, id_problems_among, image_size, renumber,
    use_copies,
};
pub use checked::{CheckedGuide, CheckedSection, CheckedStep};
pub use translations::Languages;

use crate::diag::Code;
use paths::FileIndex;
pub use paths::{percent_decode, publishable, relative_path};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::diag::Diagnostic;
use crate::duration::{Duration, Wait};
use crate::markdown;
use crate::model::{Section, Sp, Step};
use crate::source::load::LoadedGuide;

/// Facts about a guide that rendering needs and validation already worked out.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub id: String,
    pub duration: Option<Duration>,
    pub sections: Vec<ResolvedSection>,
    /// Sum of the longest waits of every step.
    pub total_wait: Duration,
    /// Local images inside Markdown fields (`![alt](img/x.png)`), by the path as written.
    pub inline: HashMap<String, Image>,
    pub step_count: usize,
}

#[derive(Debug, Clone)]
pub struct ResolvedSection {
    pub anchor: String,
    pub steps: Vec<ResolvedStep>,
}

#[derive(Debug, Clone)]
pub struct ResolvedStep {
    pub anchor: String,
    /// `3`, or `3.a` for a substep.
    pub number: String,
    pub wait: Option<Wait>,
    pub screenshots: Vec<Image>,
    pub substeps: Vec<ResolvedStep>,
}

/// Where a screenshot comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Image {
    Remote(String),
    /// Index into the book's list of local images (`pipeline::Checked::assets`).
    Local(usize),
    /// The screenshot had an error; it is not rendered (only reachable after a failed check).
    Invalid,
}

/// A local file used by one or more guides; copied into the output once.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Path inside each output's `media/` folder.
    pub out: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Lowercase ASCII slug: `Step 1: Redeem!` → `step-1-redeem`.
/// The id of a guide without an `id:`: its file name as a slug, with `-guide` after a name
/// the site's folders use (`media` → `media-guide`); empty when the name has no usable letter.
pub fn default_id(path: &Path, lang: Option<&str>) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A translation's name ends in its language (`azure-pass.de`): the id is the source's.
    let stem = match lang {
        Some(l) => stem
            .strip_suffix(&format!(".{l}"))
            .unwrap_or(&stem)
            .to_owned(),
        None => stem,
    };
    let mut s = slug(&stem);
    if crate::layout::RESERVED_IDS.contains(&s.as_str()) {
        s.push_str("-guide");
    }
    s
}

pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Letters of any script are transliterated first (`Einlösen` → `einlosen`, `概要` →
    // `gai-yao`), so guides in any language get readable anchors.
    let ascii = if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(deunicode::deunicode(s))
    };
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

struct GuideValidator<'a> {
    g: &'a LoadedGuide,
    root: &'a Path,
    /// A translation's source, checked: its id and anchors are the translation's.
    source: Option<&'a Resolved>,
    /// Every file in the book by lowercase name, built the first time a screenshot is missing.
    files: &'a OnceLock<FileIndex>,
    /// Whether each local image may be published (read once per file for the whole book).
    publishable: &'a std::sync::Mutex<HashMap<PathBuf, Result<(), String>>>,
    diags: Vec<Diagnostic>,
    /// Canonical paths of local screenshots, in order of use; `Image::Local(i)` indexes this.
    locals: Vec<PathBuf>,
    /// Anchor → where it was defined (byte offset, "section" or "step"), to report duplicates.
    anchors: HashMap<String, (std::ops::Range<usize>, &'static str)>,
    /// Folder → its canonical path (`None`: missing), so each folder is resolved once.
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    /// Local images in Markdown fields, resolved.
    inline: HashMap<String, Image>,
}

impl GuideValidator<'_> {
    /// A problem at `at`, with its code's severity (`error` and `warning` say which is meant).
    fn problem(&mut self, code: Code, at: &Sp<impl Sized>, message: String) -> Pending<'_> {
        let span = at.span.clone();
        Pending {
            out: &mut self.diags,
            d: Some(Diagnostic::new(code, &self.g.shown, message).at(span)),
        }
    }

    fn error(&mut self, code: Code, at: &Sp<impl Sized>, message: String) -> Pending<'_> {
        debug_assert!(code.default_severity() == crate::diag::Severity::Error);
        self.problem(code, at, message)
    }

    fn warning(&mut self, code: Code, at: &Sp<impl Sized>, message: String) -> Pending<'_> {
        debug_assert!(code.default_severity() == crate::diag::Severity::Warning);
        self.problem(code, at, message)
    }

    fn run(&mut self) -> Resolved {
        let guide = &self.g.guide;
        let id = self.guide_id();
        let duration = guide
            .duration
            .as_ref()
            .and_then(|d| self.duration(d, Duration::parse));
        // Every Markdown field, by the walk lint shares.
        for field in guide.markdown_fields() {
            self.markdown(Some(field.text), field.name);
        }
        let mut sections = Vec::new();
        let mut total_wait = Duration(0);
        let mut step_count = 0;
        // With several sections, numbers carry the section's (`2.3`), so "step 3" cannot mean
        // the third step of any section; a guide of one section numbers its steps `1`, `2`, ….
        let several = guide.sections.len() > 1;
        for (si, section) in guide.sections.iter().enumerate() {
            let r = self.section(si, section, several);
            step_count += r.steps.len();
            total_wait.0 += r.steps.iter().map(waits).sum::<u64>();
            sections.push(r);
        }
        Resolved {
            id,
            duration,
            sections,
            total_wait,
            step_count,
            inline: std::mem::take(&mut self.inline),
        }
    }

    /// The guide's id: its `id:`, its source's (a translation), or its file name's.
    fn guide_id(&mut self) -> String {
        let guide = &self.g.guide;
        match (&guide.id, self.source) {
            (Some(id), Some(source)) if id.value != source.id => {
                self.error(
                    Code::E026,
                    id,
                    format!("a translation of `{}` cannot have its own id", source.id),
                )
                .label("not the source's id")
                .help("remove `id:` (a translation takes its source's id), or give the source's");
                source.id.clone()
            }
            (_, Some(source)) => source.id.clone(),
            (Some(id), None) => {
                self.check_id(id, "guide");
                id.value.clone()
            }
            (None, None) => {
                let s = default_id(&self.g.path, self.g.lang.as_deref());
                if s.is_empty() {
                    let stem = self
                        .g
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    self.diags.push(
                        Diagnostic::error(
                            Code::E008,
                            &self.g.shown,
                            format!("cannot make a guide id from the file name `{stem}`"),
                        )
                        .help("add `id: my-guide` (lowercase letters, digits and `-`)"),
                    );
                }
                s
            }
        }
    }

    /// Section `si` (0-based) and its steps; `several`: the guide has more than one section,
    /// so step numbers carry the section's.
    fn section(&mut self, si: usize, section: &Section, several: bool) -> ResolvedSection {
        let counterpart = self.source.and_then(|s| s.sections.get(si));
        let anchor = match (&section.id, counterpart) {
            (Some(id), _) => {
                self.check_id(id, "section");
                id.value.clone()
            }
            // A translation's section takes its source's anchor.
            (None, Some(c)) => c.anchor.clone(),
            (None, None) => {
                let s = slug(&section.title);
                if s.is_empty() {
                    format!("section-{}", si + 1)
                } else {
                    s
                }
            }
        };
        self.claim_anchor(
            &anchor,
            section.id.as_ref().unwrap_or(&section.title),
            "section",
        );
        let mut steps = Vec::new();
        for (i, step) in section.steps.iter().enumerate() {
            // Numbers count what is shown; default anchors count from the step's first
            // position, so they stay the same in every profile.
            let first = if step.origin > 0 { step.origin } else { i + 1 };
            let number = if several {
                format!("{}.{}", si + 1, i + 1)
            } else {
                (i + 1).to_string()
            };
            let twin = counterpart.and_then(|c| c.steps.get(i));
            steps.push(self.step(step, &anchor, number, first.to_string(), twin));
        }
        ResolvedSection { anchor, steps }
    }

    fn step(
        &mut self,
        step: &Sp<Step>,
        parent: &str,
        number: String,
        place: String,
        twin: Option<&ResolvedStep>,
    ) -> ResolvedStep {
        let anchor = match (&step.id, twin) {
            (Some(id), _) => {
                self.check_id(id, "step");
                id.value.clone()
            }
            // A translation's step takes its source's anchor.
            (None, Some(t)) => t.anchor.clone(),
            (None, None) => format!("{parent}-{}", place.replace('.', "-")),
        };
        self.claim_anchor(&anchor, step.id.as_ref().unwrap_or(&step.text), "step");
        let wait = step
            .wait
            .as_ref()
            .and_then(|w| self.duration(w, Wait::parse));
        let screenshots = self.screenshots(step);
        // Substeps' parts of the number are letters (`2.3.a`).
        let depth = number
            .split('.')
            .filter(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
            .count();
        if depth >= MAX_SUBSTEP_DEPTH
            && let Some(first) = step.substeps.first()
        {
            self.error(
                Code::E018,
                first,
                format!("substeps nested more than {MAX_SUBSTEP_DEPTH} levels deep"),
            )
            .label("one level too deep")
            .help("make these substeps steps of their own, or of a new section");
            return ResolvedStep {
                anchor,
                number,
                wait,
                screenshots,
                substeps: Vec::new(),
            };
        }
        let substeps = step
            .substeps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let n = format!("{number}.{}", sub_label(i));
                let first = if s.origin > 0 { s.origin - 1 } else { i };
                let p = format!("{place}.{}", sub_label(first));
                let twin = twin.and_then(|t| t.substeps.get(i));
                self.step(s, parent, n, p, twin)
            })
            .collect();
        ResolvedStep {
            anchor,
            number,
            wait,
            screenshots,
            substeps,
        }
    }

    /// Where each of the step's screenshots comes from; W001/W002 for a missing or empty alt
    /// text.
    fn screenshots(&mut self, step: &Step) -> Vec<Image> {
        let mut screenshots = Vec::new();
        for shot in &step.screenshots {
            let img = self.screenshot_src(&shot.src);
            self.marks(shot, &img);
            screenshots.push(img);
            self.capture_record(shot);
            match &shot.alt {
                None => {
                    self.warning(Code::W001, shot, "screenshot has no alt text".into())
                        .label("this screenshot")
                        .help("add `alt:` describing what the screenshot shows, for readers who cannot see it");
                }
                Some(alt) if alt.trim().is_empty() => {
                    self.warning(Code::W002, alt, "screenshot alt text is empty".into())
                        .help("describe what the screenshot shows, for readers who cannot see it");
                }
                Some(_) => {}
            }
        }
        screenshots
    }

    /// E030 for each mark that is not usable or lies outside a local image; W024 when a local
    /// image's size cannot be read. A remote image's size is known only to `lint`.
    fn marks(&mut self, shot: &Sp<crate::model::Screenshot>, img: &Image) {
        let Some(first) = shot.marks.first() else {
            return;
        };
        let size = match img {
            Image::Local(i) => {
                let size = image_size(&self.locals[*i]);
                if size.is_none() {
                    self.warning(
                        Code::W024,
                        first,
                        format!(
                            "the size of `{}` cannot be read: its marks are not checked or drawn",
                            shot.src.trim()
                        ),
                    )
                    .help("save the image again as PNG or JPEG in an image editor");
                }
                size
            }
            Image::Remote(_) | Image::Invalid => None,
        };
        for p in marks::problems(&shot.marks, size) {
            self.diags.push(
                Diagnostic::error(Code::E030, &self.g.shown, p.message)
                    .at(p.span)
                    .help(p.help),
            );
        }
    }

    fn check_id(&mut self, id: &Sp<String>, what: &str) {
        if !valid_id(id) {
            let suggestion = slug(id);
            let d = self
                .error(Code::E008, id, format!("invalid {what} id `{}`", id.value))
                .label("only lowercase letters, digits and `-` are allowed");
            if !suggestion.is_empty() {
                d.help(format!("write `{suggestion}`"));
            }
        } else if what == "guide" && crate::layout::RESERVED_IDS.contains(&id.as_str()) {
            self.error(
                Code::E008,
                id,
                format!("guide id `{}` is reserved", id.value),
            )
            .label("the site uses this folder name")
            .help(format!("choose another id, e.g. `{}-guide`", id.value));
        }
    }

    fn claim_anchor(&mut self, anchor: &str, at: &Sp<String>, what: &'static str) {
        if let Some((first_span, first_what)) = self.anchors.get(anchor).cloned() {
            let (line, _) = crate::diag::line_col(&self.g.text, first_span.start);
            let first = format!("the {first_what} at line {line}");
            let path = self.g.path.clone();
            self.error(Code::E009, at, format!("duplicate {what} id `{anchor}`"))
                .label("already used in this guide")
                .help(format!(
                    "{first} has the same id; ids of sections and steps are anchors of the guide's page and must be unique; set `id:` on one of them"
                ))
                .related(path, first_span, format!("the {first_what} with the id `{anchor}`"));
        } else {
            self.anchors
                .insert(anchor.to_owned(), (at.span.clone(), what));
        }
    }

    fn duration<T>(
        &mut self,
        s: &Sp<String>,
        parse: fn(&str) -> Result<T, crate::duration::DurationError>,
    ) -> Option<T> {
        match parse(s) {
            Ok(d) => Some(d),
            Err(e) => {
                let help = match crate::duration::suggest(s) {
                    Some(short) => format!("write `{short}`"),
                    None => "write a duration like `90s`, `5m` or `1h30m`; a wait may be a range like `2m-5m`".into(),
                };
                self.error(Code::E007, s, format!("malformed duration `{}`", s.value))
                    .label(e.0)
                    .help(help);
                None
            }
        }
    }

    fn markdown(&mut self, text: Option<&Sp<String>>, field: &str) {
        let Some(text) = text else { return };
        let f = markdown::inspect(text);
        if !f.raw_html.is_empty() {
            self.warning(
                Code::W003,
                text,
                format!("raw HTML in `{field}` will be removed"),
            )
            .label("contains HTML")
            .help("use Markdown instead; HTML in guides is sanitised in every output");
        }
        let field_src = self.g.text.get(text.span.clone()).unwrap_or("");
        for (dest, _) in &f.local_images {
            if self.inline.contains_key(dest) {
                continue;
            }
            // Where the destination is written, else its first appearance in the text (the
            // alt text may be the same words: no fix there).
            let exact = paths::markdown_dest(field_src, dest).map(|i| (i, paths::SrcAt::Markdown));
            let (span, at) = match exact.or(field_src
                .find(dest.as_str())
                .map(|i| (i, paths::SrcAt::Unplaced)))
            {
                Some((i, at)) => (text.span.start + i..text.span.start + i + dest.len(), at),
                None => (text.span.clone(), paths::SrcAt::Unplaced),
            };
            let img = self.local_src(&Sp::new(dest.clone(), span), "image", at);
            self.inline.insert(dest.clone(), img);
        }
        for (url, _) in f.unsafe_urls {
            self.warning(
                Code::W004,
                text,
                format!("unsafe link `{url}` in `{field}` will be removed"),
            )
            .label("link with a forbidden scheme")
            .help("links may use http, https, mailto or tel, or be relative");
        }
    }
}

/// A diagnostic being built; it is added to the list when dropped.
struct Pending<'a> {
    out: &'a mut Vec<Diagnostic>,
    d: Option<Diagnostic>,
}

impl Pending<'_> {
    fn label(mut self, label: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.label(label));
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.help(help));
        self
    }

    fn suggest_then(mut self, fix: crate::diag::Fix, more: &str) -> Self {
        self.d = self.d.take().map(|d| d.suggest_then(fix, more));
        self
    }

    fn related(mut self, file: PathBuf, span: std::ops::Range<usize>, message: String) -> Self {
        self.d = self.d.take().map(|d| d.related(file, span, message));
        self
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.d.take() {
            self.out.push(d);
        }
    }
}

/// The letter of the `i`th substep (from 0): a…z, then aa…zz, aaa…, like spreadsheet columns.
pub fn sub_label(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// How deep substeps may nest (`1.a.i…`); real guides use two or three levels, and every
/// output's templates must be able to render them.
pub const MAX_SUBSTEP_DEPTH: usize = 8;

fn waits(s: &ResolvedStep) -> u64 {
    s.wait.map_or(0, |w| w.max.0) + s.substeps.iter().map(waits).sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Step 1: Redeeming a Promo Code:"),
            "step-1-redeeming-a-promo-code"
        );
        assert_eq!(slug("¿¡!"), "");
        // Other scripts are transliterated, not dropped.
        assert_eq!(slug("Schritt 1: Einlösen"), "schritt-1-einlosen");
        assert_eq!(slug("Étape 2 : activer"), "etape-2-activer");
        assert!(!slug("プロモーションコードの引き換え").is_empty());
        assert!(!slug("概要").is_empty());
        let labels: Vec<String> = [0, 25, 26, 51, 701, 702, 703].map(sub_label).into();
        assert_eq!(labels, ["a", "z", "aa", "az", "zz", "aaa", "aab"]);
        assert!(valid_id("azure-pass-2"));
        assert!(!valid_id("Azure"));
    }
}
