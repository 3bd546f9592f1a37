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
        // A task's heading with text but no steps (`## Task 2: …`) whose steps come under the
        // next heading (`## Architecture diagram - Load Balancer`): its title, and where its
        // bold line goes in `carried` if it does not title that section.
        let mut pending: Option<(String, usize)> = None;
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
            let deeper_next = blocks
                .get(body_end)
                .is_some_and(|n| matches!(n.kind, Kind::Heading(l) if l > level));
            if !body.iter().any(|x| x.kind == Kind::OrderedList) {
                restore(&mut pending, &mut carried);
                if deeper_next && level > 0 {
                    // A group heading (an exercise above its tasks, a task above its parts):
                    // its text opens the first section below it.
                    prefix.push((level, title));
                } else if level > 0 && task_like(&title) {
                    pending = Some((title, carried.len()));
                } else if level > 0 {
                    carried.push(format!("**{title}**"));
                }
                carried.extend(body.iter().map(|x| self.src(&x.range)));
                j = body_end;
                continue;
            }
            let title = match pending.take() {
                Some((task, _)) if !task_like(&title) => {
                    carried.push(format!("**{title}**"));
                    task
                }
                other => {
                    pending = other;
                    restore(&mut pending, &mut carried);
                    title
                }
            };
            let full_title = prefix
                .iter()
                .map(|(_, t)| t.as_str())
                .chain(std::iter::once(title.as_str()))
                .collect::<Vec<_>>()
                .join(" › ");
            self.push_sections(&full_title, body, &mut carried);
            // A task with steps of its own above its parts (`## Task 2` over `### Make
            // changes…`) titles them too; not a lab's `#` title over the whole lab.
            if level > 1 && deeper_next {
                prefix.push((level, title));
            }
            j = body_end;
        }
        restore(&mut pending, &mut carried);
        if !carried.is_empty() {
            let rest = carried.join("\n\n");
            if self.out.guide.sections.is_empty() {
                self.out.guide.summary = Some(merge(self.out.guide.summary.take(), rest));
            } else {
                self.out.guide.conclusion = Some(rest.into());
            }
        }
    }

    /// The section of `body` titled `full_title`, its intro what was `carried`; a bold line
    /// between steps ("**Scale in rule**") followed by more steps opens a section of its own,
    /// titled under this one (a bold line followed by no steps is carried on).
    fn push_sections(&mut self, full_title: &str, body: &[Block], carried: &mut Vec<String>) {
        let mut parts = self.split_at_pseudo_headings(body).into_iter();
        let (_, first) = parts.next().unwrap_or_default();
        let intro = std::mem::take(carried);
        let section = self.section(full_title.to_owned(), first, intro);
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

/// A pending task heading that titles no section after all: its bold line where it was.
fn restore(pending: &mut Option<(String, usize)>, carried: &mut Vec<String>) {
    if let Some((title, at)) = pending.take() {
        carried.insert(at.min(carried.len()), format!("**{title}**"));
    }
}

/// A heading numbered as a unit of a lab: `Task 2: …`, `Exercise 1`, `Part 3 - …`.
fn task_like(title: &str) -> bool {
    let mut words = title.split_whitespace();
    let first = words.next().unwrap_or("").to_lowercase();
    let units = [
        "task",
        "exercise",
        "part",
        "step",
        "module",
        "lesson",
        "lab",
        "challenge",
    ];
    units.contains(&first.as_str())
        && words
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_ascii_digit())
}
