//! Exchange: a guide's translatable texts, each with a context that names it in every language
//! — the guide's id, the anchor of the section or step it belongs to (and which note or
//! screenshot), and its field — found with [`Guide::visit_text`], so a text field added to the
//! model is exported without a change here.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{Field, Guide, TextKind};
use crate::source::edit::{self, Scalar, Seg};

/// One translatable text of a guide file.
#[derive(Debug, Clone)]
pub struct Text {
    /// `azure-pass#open-site/note-1:text`: stable across languages, and across reordering
    /// where sections and steps have ids.
    pub context: String,
    pub value: String,
    pub field: Field,
    /// What the text is, for the translator: "a step", "alt text: describe the screenshot".
    pub kind: String,
    /// The scalar in the file, to be replaced on import.
    pub scalar: Scalar,
}

impl Text {
    pub fn span(&self) -> Range<usize> {
        self.scalar.span.clone()
    }
}

/// The texts of `guide` (read from `yaml`) in document order. Anchors come from `anchors`,
/// the source guide: a translation's sections and steps take its source's, by position.
pub fn texts(id: &str, guide: &Guide, yaml: &str, anchors: &Guide) -> Result<Vec<Text>, String> {
    let by_span: HashMap<(usize, usize), Scalar> = edit::scalars(yaml)?
        .into_iter()
        .map(|s| ((s.span.start, s.span.end), s))
        .collect();
    let mut out = Vec::new();
    let mut missing = None;
    guide.visit_text(
        &mut |field, text| match by_span.get(&(text.span.start, text.span.end)) {
            Some(s) => {
                let (owner, name, what) = describe(&s.path, anchors, guide);
                let context = match owner.is_empty() {
                    true => format!("{id}:{name}"),
                    false => format!("{id}{owner}:{name}"),
                };
                out.push(Text {
                    context,
                    value: text.value.clone(),
                    field,
                    kind: kind(&what, &name, field),
                    scalar: s.clone(),
                });
            }
            None => missing = Some(text.value.clone()),
        },
    );
    if let Some(v) = missing {
        return Err(format!(
            "the text {v:?} was not found in the file (an alias?)"
        ));
    }
    Ok(out)
}

/// What holds a text: the guide, a section, a step, a substep, or a note or screenshot of one.
#[derive(Debug, Clone, PartialEq)]
enum Owner {
    Guide,
    Section,
    Step,
    Substep,
    Note(String),
    Screenshot,
    /// A mark drawn over a screenshot.
    Mark,
}

/// A text's key path as (owner part of the context, field part, what owns it).
fn describe(path: &[Seg], anchors: &Guide, guide: &Guide) -> (String, String, Owner) {
    let mut owner = String::new();
    let mut what = Owner::Guide;
    let mut section = None;
    let mut place = String::new();
    let mut i = 0;
    let mut notes_of: Option<&[crate::model::Sp<crate::model::Note>]> = Some(&guide.notes);
    while i + 1 < path.len() {
        let (Seg::Key(k), Seg::Index(n)) = (&path[i], &path[i + 1]) else {
            break;
        };
        let n = *n;
        match (k.as_str(), &what) {
            ("sections", Owner::Guide) => {
                let anchor = section_anchor(anchors, n);
                owner = format!("#{anchor}");
                notes_of = guide.sections.get(n).map(|s| &s.notes[..]);
                section = Some((anchor, n));
                what = Owner::Section;
            }
            ("steps", Owner::Section) | ("substeps", Owner::Step | Owner::Substep) => {
                place = match what {
                    Owner::Section => (n + 1).to_string(),
                    _ => format!("{place}.{}", crate::validate::sub_label(n)),
                };
                let anchor = step_anchor(anchors, section.as_ref(), &path[..i + 2], &place);
                owner = format!("#{anchor}");
                notes_of = step_at(guide, &path[..i + 2]).map(|s| &s.notes[..]);
                what = if k == "steps" {
                    Owner::Step
                } else {
                    Owner::Substep
                };
            }
            ("notes", _) => {
                let kind = notes_of
                    .and_then(|ns| ns.get(n))
                    .map_or("note", |note| note.kind.as_str());
                owner.push_str(&format!("/note-{}", n + 1));
                what = Owner::Note(kind.to_owned());
            }
            ("screenshots", Owner::Step | Owner::Substep) => {
                owner.push_str(&format!("/shot-{}", n + 1));
                what = Owner::Screenshot;
            }
            ("marks", Owner::Screenshot) => {
                owner.push_str(&format!("/mark-{}", n + 1));
                what = Owner::Mark;
            }
            _ => break,
        }
        i += 2;
    }
    let mut name = String::new();
    for seg in &path[i..] {
        match seg {
            Seg::Key(k) if name.is_empty() => name.push_str(k),
            Seg::Key(k) => name.push_str(&format!(".{k}")),
            Seg::Index(n) => name.push_str(&format!(".{}", n + 1)),
        }
    }
    (owner, name, what)
}

fn section_anchor(g: &Guide, n: usize) -> String {
    let Some(s) = g.sections.get(n) else {
        return format!("section-{}", n + 1);
    };
    if let Some(id) = &s.id {
        return id.value.clone();
    }
    let slug = crate::validate::slug(&s.title);
    if slug.is_empty() {
        format!("section-{}", n + 1)
    } else {
        slug
    }
}

/// The anchor of the step at `path` in `g` (the source): its id, else `<section>-<place>`,
/// as validation gives it.
fn step_anchor(g: &Guide, section: Option<&(String, usize)>, path: &[Seg], place: &str) -> String {
    if let Some(id) = step_at(g, path).and_then(|s| s.id.as_ref()) {
        return id.value.clone();
    }
    let parent = section.map_or("section", |(a, _)| a.as_str());
    format!("{parent}-{}", place.replace('.', "-"))
}

/// The step of `g` at a key path of `sections`, `steps` and `substeps`.
fn step_at<'a>(g: &'a Guide, path: &[Seg]) -> Option<&'a crate::model::Step> {
    let mut step: Option<&crate::model::Step> = None;
    let mut section = None;
    for pair in path.chunks(2) {
        let [Seg::Key(k), Seg::Index(n)] = pair else {
            return None;
        };
        match k.as_str() {
            "sections" => section = g.sections.get(*n),
            "steps" => step = section?.steps.get(*n).map(|s| &s.value),
            "substeps" => step = step?.substeps.get(*n).map(|s| &s.value),
            _ => return None,
        }
    }
    step
}

/// What a text is, in words for the translator.
fn kind(what: &Owner, name: &str, field: Field) -> String {
    let format = match field.kind {
        TextKind::Plain => "plain text",
        TextKind::Inline => "one line of Markdown",
        TextKind::Markdown => "Markdown",
    };
    let known = match (what, name) {
        (Owner::Guide, "title") => "the guide's title",
        (Owner::Guide, "summary") => "the guide's summary",
        (Owner::Guide, "audience") => "who the guide is for",
        (Owner::Guide, n) if n.starts_with("prerequisites") => {
            "a prerequisite: what the reader needs"
        }
        (Owner::Guide, n) if n.starts_with("objectives") => {
            "an objective: what the reader will be able to do"
        }
        (Owner::Guide, "conclusion") => "the guide's conclusion",
        (Owner::Section, "title") => "a section's title",
        (Owner::Section, "intro") => "a section's introduction",
        (Owner::Step, "text") => "a step",
        (Owner::Substep, "text") => "a substep",
        (Owner::Step | Owner::Substep, "check") => "a step's line in the printed checklist (short)",
        (Owner::Step | Owner::Substep, "result") => "what the reader sees after the step",
        (Owner::Screenshot, "alt") => {
            "alt text: describe the screenshot for readers who cannot see it"
        }
        (Owner::Screenshot, "caption") => "a screenshot's caption",
        (Owner::Mark, "label") => {
            "a mark's label on a screenshot: what a box, arrow or numbered callout points at (short)"
        }
        (Owner::Note(k), "text") => return format!("a callout: {k} ({format})"),
        _ => "",
    };
    if known.is_empty() {
        format!("the field `{name}` ({format})")
    } else {
        format!("{known} ({format})")
    }
}

/// Is `text` nothing but code (code spans and blocks, punctuation): nothing to translate.
pub fn only_code(text: &str) -> bool {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut in_code = 0usize;
    let mut any_code = false;
    for ev in Parser::new(text) {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code += 1;
                any_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Code(_) => any_code = true,
            Event::Text(t) if in_code == 0 && t.chars().any(char::is_alphanumeric) => {
                return false;
            }
            Event::Html(_) | Event::InlineHtml(_) => return false,
            _ => {}
        }
    }
    any_code
}

/// The `{{ name }}` placeholders of a text, as written, in order.
pub fn placeholders(text: &str) -> Vec<String> {
    crate::variables::scan(text)
        .placeholders
        .into_iter()
        .map(|p| text[p.range].to_owned())
        .collect()
}

/// The targets of a Markdown text's links and images, sorted (a translation may reorder them).
pub fn link_targets(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out: Vec<String> = Parser::new(text)
        .filter_map(|ev| match ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.into_string())
            }
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// Whether the translation's link target `target` may stand for the source's `source` in a
/// translation into `lang`: the same, or the same http(s) address (scheme, host, query,
/// fragment and every other path segment as written) but for one path segment where the
/// source names a locale and the translation one of `lang`
/// (`https://learn.microsoft.com/en-us/azure/` → `…/de-de/azure/` or `…/de/azure/` for `de`).
pub fn same_link(source: &str, target: &str, lang: &str) -> bool {
    if source == target {
        return true;
    }
    let split = |u: &str| -> Option<(String, Vec<String>, String)> {
        let (scheme, rest) = u.split_once("://")?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return None;
        }
        let end = rest.find(['?', '#']).unwrap_or(rest.len());
        let (path, tail) = rest.split_at(end);
        let mut segs = path.split('/');
        let host = segs.next()?.to_ascii_lowercase();
        Some((
            format!("{scheme}://{host}"),
            segs.map(str::to_owned).collect(),
            tail.to_owned(),
        ))
    };
    let (Some((a_base, a, a_tail)), Some((b_base, b, b_tail))) = (split(source), split(target))
    else {
        return false;
    };
    if !a_base.eq_ignore_ascii_case(&b_base) || a_tail != b_tail || a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let want = lang.split(['-', '_']).next().unwrap_or(lang);
    match differ[..] {
        [i] => {
            locale(&a[i]).is_some() && locale(&b[i]).is_some_and(|l| l.eq_ignore_ascii_case(want))
        }
        _ => false,
    }
}

/// The language of a path segment that is a locale (`en`, `en-us`, `de-DE`, `zh-Hant`,
/// `es-419`, `en_us`): 2 or 3 letters, then optionally `-` or `_` and 2 letters, 4 letters or
/// 3 digits.
fn locale(seg: &str) -> Option<&str> {
    let (lang, region) = match seg.split_once(['-', '_']) {
        Some((l, r)) => (l, Some(r)),
        None => (seg, None),
    };
    let letters = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let region_ok = region.is_none_or(|r| {
        (r.len() == 2 || r.len() == 4) && letters(r, 2..=4)
            || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
    });
    (letters(lang, 2..=3) && region_ok).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::convert::FromNode;

    fn guide(yaml: &str) -> Guide {
        Guide::from_node(&crate::source::node::parse_yaml(yaml).unwrap()).unwrap()
    }

    #[test]
    fn a_link_may_differ_by_its_locale_segment_alone() {
        let src = "https://learn.microsoft.com/en-us/azure/storage/?view=x#top";
        for ok in [
            "https://learn.microsoft.com/de-de/azure/storage/?view=x#top",
            "https://learn.microsoft.com/de/azure/storage/?view=x#top",
            "https://learn.microsoft.com/DE-AT/azure/storage/?view=x#top",
            src,
        ] {
            assert!(same_link(src, ok, "de"), "{ok}");
        }
        for bad in [
            // Another language than the translation's.
            "https://learn.microsoft.com/fr-fr/azure/storage/?view=x#top",
            // Another page, host, query or fragment.
            "https://learn.microsoft.com/de-de/azure/compute/?view=x#top",
            "https://evil.example/de-de/azure/storage/?view=x#top",
            "https://learn.microsoft.com/de-de/azure/storage/?view=y#top",
            "https://learn.microsoft.com/de-de/azure/storage/?view=x",
            // A segment dropped or added, or a word that is no locale.
            "https://learn.microsoft.com/azure/storage/?view=x#top",
            "https://learn.microsoft.com/de-de/en-us/azure/storage/?view=x#top",
            "https://learn.microsoft.com/deutsch/azure/storage/?view=x#top",
        ] {
            assert!(!same_link(src, bad, "de"), "{bad}");
        }
        // The source's segment must be a locale too; relative links must be as written.
        assert!(!same_link(
            "https://x.example/docs/a",
            "https://x.example/de/a",
            "de"
        ));
        assert!(!same_link("../en/a.md", "../de/a.md", "de"));
        assert!(same_link(
            "https://x.example/en_us/a",
            "https://x.example/de_de/a",
            "de-CH"
        ));
    }

    #[test]
    fn contexts_name_the_anchor_note_and_screenshot() {
        let yaml = "title: T\nprerequisites: [a, b]\nnotes: [{kind: tip, text: n}]\nsections:\n  - title: Get going\n    steps:\n      - text: one\n        id: first\n        notes: [{kind: warning, text: w}]\n        screenshots: [{src: a.png, alt: al}]\n      - text: two\n        substeps:\n          - text: sub\n";
        let g = guide(yaml);
        let got: Vec<(String, String)> = texts("g", &g, yaml, &g)
            .unwrap()
            .into_iter()
            .map(|t| (t.context, t.kind))
            .collect();
        let want = [
            ("g:title", "the guide's title (one line of Markdown)"),
            (
                "g:prerequisites.1",
                "a prerequisite: what the reader needs (Markdown)",
            ),
            (
                "g:prerequisites.2",
                "a prerequisite: what the reader needs (Markdown)",
            ),
            ("g/note-1:text", "a callout: tip (Markdown)"),
            (
                "g#get-going:title",
                "a section's title (one line of Markdown)",
            ),
            ("g#first:text", "a step (Markdown)"),
            ("g#first/note-1:text", "a callout: warning (Markdown)"),
            (
                "g#first/shot-1:alt",
                "alt text: describe the screenshot for readers who cannot see it (plain text)",
            ),
            ("g#get-going-2:text", "a step (Markdown)"),
            ("g#get-going-2-a:text", "a substep (Markdown)"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_translation_takes_its_sources_anchors() {
        let src = "title: T\nsections:\n  - title: Get going\n    steps:\n      - text: one\n";
        let tr = "title: U\nsections:\n  - title: Los geht's\n    steps:\n      - text: eins\n";
        let t = texts("g", &guide(tr), tr, &guide(src)).unwrap();
        assert_eq!(t[1].context, "g#get-going:title");
        assert_eq!(t[2].context, "g#get-going-1:text");
        assert_eq!(t[2].value, "eins");
    }

    #[test]
    fn code_only_texts_placeholders_and_links() {
        assert!(only_code("`az login`"));
        assert!(only_code("```\nls -l\n```\n"));
        assert!(!only_code("Run `az login`."));
        assert!(!only_code("plain"));
        assert_eq!(
            placeholders("Code {{ attendee.code }} and \\{{ not }}"),
            ["{{ attendee.code }}"]
        );
        assert_eq!(
            link_targets("[b](https://b) and ![a](a.png)"),
            ["a.png", "https://b"]
        );
    }
}
