//! Validate: translations. A guide file with a language's code before its extension
//! (`azure-pass.de.yaml`) is the guide beside it (`azure-pass.yaml`) in that language: its
//! language must be one book.toml declares, it takes its source's id and anchors (so a link or
//! a handout's QR code to a step works in every language), and where it has drifted from its
//! source — section or step ids, step or screenshot counts, `only` tags — it is reported at its
//! own lines.

use std::path::{Path, PathBuf};

use super::{Resolved, ResolvedStep};
use crate::diag::{Code, Diagnostic};
use crate::model::{Only, Section, Sp, Step};
use crate::source::load::LoadedGuide;

/// The book's languages: `[book] language` and the codes of `[languages]`.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    pub default: String,
    /// The other languages, in book.toml's order.
    pub others: Vec<String>,
}

impl Languages {
    pub fn of(config: &crate::config::Config) -> Languages {
        let default = config.book.language.clone();
        let others = config
            .languages
            .keys()
            .filter(|c| **c != default)
            .cloned()
            .collect();
        Languages { default, others }
    }
}

/// The language a guide file's name gives it: `None` for the book's language, `Some("de")`
/// for `x.de.yaml` when the book declares `de`. A suffix that is a language code the book does
/// not declare is an error; any other suffix (`setup.old.yaml`) is part of the name.
pub fn of_file(
    path: &Path,
    shown: &Path,
    langs: &Languages,
) -> Result<Option<String>, Box<Diagnostic>> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some((base, suffix)) = stem.rsplit_once('.') else {
        return Ok(None);
    };
    if langs.others.iter().any(|l| l == suffix) {
        return Ok(Some(suffix.to_owned()));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    if suffix == langs.default {
        return Err(Box::new(
            Diagnostic::error(
                Code::E025,
                shown,
                format!("`{suffix}` is the book's own language"),
            )
            .help(format!(
                "a guide in the book's language has no suffix: name the file `{base}.{ext}`"
            )),
        ));
    }
    if !crate::i18n::is_language_tag(suffix) {
        return Ok(None);
    }
    let d = Diagnostic::error(
        Code::E025,
        shown,
        format!("the language `{suffix}` is not declared in book.toml"),
    );
    Err(Box::new(
        match langs.others.iter().find(|l| near(suffix, l)) {
            Some(m) => d.help(format!("did you mean `{m}` (`{base}.{m}.{ext}`)?")),
            None => d.help(format!(
                "declare it with a `[languages.{suffix}]` table in book.toml, or rename the file"
            )),
        },
    ))
}

/// Is the language code `a` a likely slip for `b`: the same language with or without a region
/// (`pt` / `pt-BR`), or one letter changed or two swapped (`da` / `de`, `ed` / `de`)? Codes
/// are too short for a general similarity measure.
fn near(a: &str, b: &str) -> bool {
    let base = |s: &str| s.split('-').next().unwrap_or(s).to_ascii_lowercase();
    if base(a) == base(b) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diff[..] {
        [_] => true,
        [i, j] => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

/// What a guide and its translations share: the path of the source relative to the book,
/// without the language suffix and the extension (`content/azure-pass`).
pub fn source_key(rel: &Path, lang: Option<&str>) -> PathBuf {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = match lang {
        Some(l) => stem
            .strip_suffix(&format!(".{l}"))
            .unwrap_or(&stem)
            .to_owned(),
        None => stem,
    };
    rel.with_file_name(base)
}

/// Where a translation differs from its source, as warnings at the translation's lines.
pub fn drift(source: (&LoadedGuide, &Resolved), tr: (&LoadedGuide, &Resolved)) -> Vec<Diagnostic> {
    let mut d = Drift {
        src_name: file_name(&source.0.shown),
        tr_name: file_name(&tr.0.shown),
        shown: tr.0.shown.clone(),
        out: Vec::new(),
    };
    let (sg, tg) = (&source.0.guide, &tr.0.guide);
    d.fields(
        "the guide",
        &[("instructor", sg.instructor.is_some())],
        &[("instructor", tg.instructor.is_some())],
        tg.title.span.clone(),
    );
    let (ss, ts) = (&source.0.guide.sections, &tr.0.guide.sections);
    for i in 0..ss.len().max(ts.len()) {
        let (rs, rt) = (source.1.sections.get(i), tr.1.sections.get(i));
        match (ss.get(i).zip(rs), ts.get(i).zip(rt)) {
            (Some((_, rs)), None) => d.missing("section", &rs.anchor, ts.span.clone()),
            (None, Some((t, rt))) => d.extra("section", &rt.anchor, t.title.span.clone()),
            (Some((s, rs)), Some((t, rt))) => {
                if rs.anchor != rt.anchor {
                    d.renamed("section", &rs.anchor, &rt.anchor, id_span(t));
                }
                d.tags(
                    "section",
                    &rs.anchor,
                    &s.only,
                    &t.only,
                    t.title.span.clone(),
                );
                d.fields(
                    &format!("section `{}`", rs.anchor),
                    &[("instructor", s.instructor.is_some())],
                    &[("instructor", t.instructor.is_some())],
                    t.title.span.clone(),
                );
                d.steps(
                    &s.steps,
                    &rs.steps,
                    &t.steps,
                    &rt.steps,
                    t.title.span.clone(),
                );
            }
            (None, None) => {}
        }
    }
    d.out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn id_span(t: &Sp<Section>) -> std::ops::Range<usize> {
    t.id.as_ref()
        .map_or(t.title.span.clone(), |i| i.span.clone())
}

struct Drift {
    src_name: String,
    tr_name: String,
    shown: PathBuf,
    out: Vec<Diagnostic>,
}

impl Drift {
    fn warn(&mut self, at: std::ops::Range<usize>, message: String, help: &str) {
        self.out.push(
            Diagnostic::warning(Code::W018, &self.shown, message)
                .at(at)
                .help(help.to_owned()),
        );
    }

    fn missing(&mut self, what: &str, anchor: &str, at: std::ops::Range<usize>) {
        let message = format!(
            "{what} `{anchor}` of {} has no counterpart in {}",
            self.src_name, self.tr_name
        );
        self.warn(
            at,
            message,
            "translate it, or remove it from the source too",
        );
    }

    fn extra(&mut self, what: &str, anchor: &str, at: std::ops::Range<usize>) {
        let message = format!(
            "{what} `{anchor}` of {} has no counterpart in {}",
            self.tr_name, self.src_name
        );
        self.warn(
            at,
            message,
            "a translation has the source's sections and steps, in its order",
        );
    }

    fn renamed(&mut self, what: &str, source: &str, here: &str, at: std::ops::Range<usize>) {
        let message = format!("{what} `{here}` is `{source}` in {}", self.src_name);
        self.warn(
            at,
            message,
            "give it the source's id (or none: a translation takes its source's anchors)",
        );
    }

    fn tags(&mut self, what: &str, anchor: &str, s: &Only, t: &Only, at: std::ops::Range<usize>) {
        let names = |o: &Only| {
            let mut v: Vec<&str> = o.iter().map(|t| t.value.as_str()).collect();
            v.sort_unstable();
            v.join(", ")
        };
        if names(s) != names(t) {
            let message = format!(
                "{what} `{anchor}` is for [{}] here and for [{}] in {}",
                names(t),
                names(s),
                self.src_name
            );
            self.warn(at, message, "give it the source's `only` tags");
        }
    }

    /// The optional text fields (`hint`, `answer`, `instructor`) one side has and the other
    /// has not: a hint or an instructor's note left untranslated, or added to one side only.
    fn fields(
        &mut self,
        what: &str,
        source: &[(&str, bool)],
        here: &[(&str, bool)],
        at: std::ops::Range<usize>,
    ) {
        for ((name, s), (_, t)) in source.iter().zip(here) {
            let message = match (s, t) {
                (true, false) => format!("`{name}` of {what} is in {} but not here", self.src_name),
                (false, true) => format!("`{name}` of {what} is here but not in {}", self.src_name),
                _ => continue,
            };
            self.warn(
                at.clone(),
                message,
                "a translation has the source's fields: translate it, or remove it from both",
            );
        }
    }

    fn steps(
        &mut self,
        s: &[Sp<Step>],
        rs: &[ResolvedStep],
        t: &[Sp<Step>],
        rt: &[ResolvedStep],
        parent: std::ops::Range<usize>,
    ) {
        for i in 0..rs.len().max(rt.len()) {
            match (s.get(i).zip(rs.get(i)), t.get(i).zip(rt.get(i))) {
                (Some((_, r)), None) => self.missing("step", &r.anchor, parent.clone()),
                (None, Some((ts, r))) => self.extra("step", &r.anchor, ts.text.span.clone()),
                (Some((ss, a)), Some((ts, b))) => {
                    let at = ts
                        .id
                        .as_ref()
                        .map_or(ts.text.span.clone(), |i| i.span.clone());
                    if a.anchor != b.anchor {
                        self.renamed("step", &a.anchor, &b.anchor, at.clone());
                    }
                    if ss.screenshots.len() != ts.screenshots.len() {
                        let message = format!(
                            "step `{}` has {} screenshot(s) here and {} in {}",
                            b.anchor,
                            ts.screenshots.len(),
                            ss.screenshots.len(),
                            self.src_name
                        );
                        self.warn(at.clone(), message, "translate each screenshot of the source (a localized picture, or the same `src`)");
                    }
                    // Marks are drawn on the translation's own picture, so its coordinates
                    // may differ; their number may not (callouts are referred to by number).
                    for (n, (x, y)) in ss.screenshots.iter().zip(&ts.screenshots).enumerate() {
                        if x.marks.len() != y.marks.len() {
                            let message = format!(
                                "screenshot {} of step `{}` has {} mark(s) here and {} in {}",
                                n + 1,
                                b.anchor,
                                y.marks.len(),
                                x.marks.len(),
                                self.src_name
                            );
                            self.warn(y.span.clone(), message, "give the translation's screenshot the source's marks (their coordinates may differ on a localized picture)");
                        }
                    }
                    self.tags("step", &b.anchor, &ss.only, &ts.only, at.clone());
                    self.fields(
                        &format!("step `{}`", b.anchor),
                        &step_fields(ss),
                        &step_fields(ts),
                        at.clone(),
                    );
                    self.steps(&ss.substeps, &a.substeps, &ts.substeps, &b.substeps, at);
                }
                (None, None) => {}
            }
        }
    }
}

/// A step's optional text fields a translation must keep: whether each is present.
fn step_fields(s: &Step) -> [(&'static str, bool); 3] {
    [
        ("hint", s.hint.is_some()),
        ("answer", s.answer.is_some()),
        ("instructor", s.instructor.is_some()),
    ]
}
