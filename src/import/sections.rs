//! Import: the sections of a lab — each heading with numbered steps below it, group headings
//! prefixed to the titles below them, bold lines between steps opening sections of their own,
//! callouts before the first step as section notes, and what follows the last section as the
//! guide's conclusion.

use super::parse::{Block, Kind};
use super::text::{merge, strip_label};
use super::{Reader, Section, Step, preamble};
use crate::diag::Code;

impl Reader<'_> {
    /// The sections from block `j` on: each heading with numbered steps below it; headings
    /// without steps are group headings (prefixed to the titles below) or carried text, which
    /// opens the next section's intro; what is carried past the last section is the conclusion.
    pub(super) fn sections(&mut self, blocks: &[Block], mut j: usize, mut carried: Vec<String>) {
        let mut prefix: Vec<(u8, String)> = Vec::new();
        while j < blocks.len() {
            let b = &blocks[j];
            let (level, title) = match b.kind {
                Kind::Heading(l) => (l, b.text.trim().trim_end_matches(':').trim().to_owned()),
                _ => (0, self.out.guide.title.value.clone()),
            };
            let body_start = if level > 0 { j + 1 } else { j };
            let body_end = (body_start..blocks.len())
                .find(|&k| matches!(blocks[k].kind, Kind::Heading(_)))
                .unwrap_or(blocks.len());
            prefix.retain(|(l, _)| *l < level.max(1));
            let body = &blocks[body_start..body_end];
            if !body.iter().any(|x| x.kind == Kind::OrderedList) {
                let deeper_next = blocks
                    .get(body_end)
                    .is_some_and(|n| matches!(n.kind, Kind::Heading(l) if l > level));
                if deeper_next && level > 0 {
                    // A group heading (an exercise above its tasks, a task above its parts):
                    // its text opens the first section below it.
                    prefix.push((level, title));
                    carried.extend(body.iter().map(|x| self.src(&x.range)));
                } else {
                    if level > 0 {
                        carried.push(format!("**{title}**"));
                    }
                    carried.extend(body.iter().map(|x| self.src(&x.range)));
                }
                j = body_end;
                continue;
            }
            let full_title = prefix
                .iter()
                .map(|(_, t)| t.as_str())
                .chain(std::iter::once(title.as_str()))
                .collect::<Vec<_>>()
                .join(" › ");
            // A bold line between steps ("**Scale in rule**") followed by more steps opens a
            // section of its own, titled under this one.
            let mut parts = self.split_at_pseudo_headings(body).into_iter();
            let (_, first) = parts.next().unwrap_or_default();
            let intro = std::mem::take(&mut carried);
            let section = self.section(full_title.clone(), first, intro);
            self.out.guide.sections.push(section.into());
            for (heading, part) in parts {
                if part.iter().any(|x| x.kind == Kind::OrderedList) {
                    let title = format!("{full_title} › {heading}");
                    let section = self.section(title, part, Vec::new());
                    self.out.guide.sections.push(section.into());
                } else {
                    carried.push(format!("**{heading}**"));
                    carried.extend(part.iter().map(|x| self.src(&x.range)));
                }
            }
            j = body_end;
        }
        if !carried.is_empty() {
            let rest = carried.join("\n\n");
            if self.out.guide.sections.is_empty() {
                self.out.guide.summary = Some(merge(self.out.guide.summary.take(), rest));
            } else {
                self.out.guide.conclusion = Some(rest.into());
            }
        }
    }

    /// A section's body cut at each bold-only paragraph that comes after a step: (the bold
    /// text, the blocks after it). The first part has no heading.
    fn split_at_pseudo_headings<'b>(&self, body: &'b [Block]) -> Vec<(String, &'b [Block])> {
        let first_list = body.iter().position(|x| x.kind == Kind::OrderedList);
        let cuts: Vec<usize> = (0..body.len())
            .filter(|&k| first_list.is_some_and(|f| k > f))
            .filter(|&k| self.pseudo_heading(&body[k]).is_some())
            .collect();
        let mut parts = Vec::new();
        let mut from = 0;
        let mut heading = String::new();
        for k in cuts {
            parts.push((std::mem::take(&mut heading), &body[from..k]));
            heading = self.pseudo_heading(&body[k]).unwrap_or_default();
            from = k + 1;
        }
        parts.push((heading, &body[from..]));
        parts
    }

    /// A paragraph that is one bold phrase, not a callout label: `**Scale in rule**`.
    fn pseudo_heading(&self, b: &Block) -> Option<String> {
        if b.kind != Kind::Paragraph || !b.images.is_empty() || b.text.len() > 120 {
            return None;
        }
        let src = self.src(&b.range);
        let inner = src
            .trim()
            .strip_prefix("**")
            .and_then(|r| r.strip_suffix("**"))
            .or_else(|| src.trim().strip_prefix("__")?.strip_suffix("__"))?;
        if inner.contains("**") || inner.contains('\n') || strip_label(&src).is_some() {
            return None;
        }
        Some(b.text.trim().trim_end_matches(':').trim().to_owned())
    }

    /// One section: its steps from the numbered lists of `body`; what comes before the first
    /// step joins `intro` (its callouts are the section's notes), what comes after a step joins
    /// that step.
    fn section(&mut self, title: String, body: &[Block], mut intro: Vec<String>) -> Section {
        let mut section = Section {
            title: title.into(),
            ..Section::default()
        };
        for x in body {
            match x.kind {
                Kind::OrderedList => {
                    for item in &x.children {
                        section.steps.push(self.step(item).into());
                    }
                }
                _ => match section.steps.last_mut() {
                    None => match self.callout(x) {
                        Some(n) => section.notes.push(n.into()),
                        None => intro.push(self.src(&x.range)),
                    },
                    Some(last) => self.attach(last, x),
                },
            }
        }
        if !intro.is_empty() {
            section.intro = Some(intro.join("\n\n").into());
        }
        section
    }

    /// A block between steps (a paragraph, an image at column 0, a table...): it belongs to the
    /// step above.
    fn attach(&mut self, step: &mut Step, b: &Block) {
        if b.only_images {
            step.screenshots.extend(self.shots(b));
        } else if self.aside(step, b) {
            // A hint or callout written at column 0 after the step: still the step's.
        } else {
            if matches!(b.kind, Kind::Other)
                && self.text[b.range.clone()].trim_start().starts_with('<')
            {
                let line = self.line(b.range.start);
                self.out.warn(
                    line,
                    Code::I001,
                    "raw HTML kept in the step's text; stepbook removes HTML from its output",
                );
            }
            step.text = merge(Some(std::mem::take(&mut step.text)), self.src(&b.range));
        }
    }
}

/// The first heading from block `i` on that is followed (before the next heading) by a list of
/// numbered steps: where the sections begin. A numbered list under a preamble heading
/// ("Objectives", "Requirements") is not steps.
pub(super) fn first_section(blocks: &[Block], i: usize) -> Option<usize> {
    use preamble::Part;
    let mut current = None;
    for (j, b) in blocks.iter().enumerate().skip(i) {
        match b.kind {
            Kind::Heading(_) => {
                current =
                    matches!(preamble::part_of(&b.text), Part::Other | Part::Label).then_some(j);
            }
            Kind::OrderedList => {
                if let Some(h) = current {
                    return Some(h);
                }
            }
            _ => {}
        }
    }
    None
}
