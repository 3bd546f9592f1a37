//! Import: a lab's preamble (what comes before its first section) mapped to fields, as an author
//! would: the introduction or scenario to `summary`, the requirements to `prerequisites`, the
//! objectives or job skills to `objectives`, "Estimated timing: 30 minutes" to `duration`,
//! callouts to the guide's `notes`. Any other heading and its text open the first section's
//! intro, the heading demoted to a bold line; a heading that only labels the document ("Student
//! lab manual") is left out when nothing follows it.

use super::parse::{Block, Kind};
use super::text::{amount, merge, strip_marker};
use super::{Imported, Reader};
use crate::diag::Code;
use crate::markdown::tidy_lines as tidy;

/// What a heading of the preamble announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Summary,
    Prerequisites,
    Objectives,
    Duration,
    /// Labels the document ("Student lab manual", "Instructions"): no content of its own.
    Label,
    Other,
}

/// The part a heading announces, from its words ("Lab scenario", "Job skills", "Estimated
/// timing: 30 minutes"); anything else is `Other`.
pub(super) fn part_of(heading: &str) -> Part {
    let h = normalize(heading);
    if h.starts_with("estimated tim") || h.starts_with("estimated duration") || h == "duration" {
        return Part::Duration;
    }
    let h = ["lab ", "exercise ", "the "]
        .iter()
        .find_map(|p| h.strip_prefix(p))
        .unwrap_or(&h);
    match h {
        "scenario" | "introduction" | "overview" | "about this lab" | "description" | "summary"
        | "purpose" => Part::Summary,
        "requirements" | "prerequisites" | "prerequisite" | "pre-requisites"
        | "before you begin" | "before you start" | "what you need" | "you need"
        | "you will need" | "what you'll need" | "what you will need" => Part::Prerequisites,
        "objectives"
        | "learning objectives"
        | "job skills"
        | "skills"
        | "goals"
        | "learning goals"
        | "what you will learn"
        | "what you'll learn"
        | "you will learn"
        | "in this lab, you will"
        | "in this lab you will"
        | "what you will do"
        | "what you'll do" => Part::Objectives,
        "student lab manual" | "lab manual" | "instructions" | "lab instructions" => Part::Label,
        _ => Part::Other,
    }
}

fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches([':', '.'])
        .to_owned()
}

/// The time a text gives as the lab's duration: "Estimated timing: 30 minutes", "Estimated
/// time to complete this lab: 45 - 60 minutes", "**Duration:** 1 hour" → `30m`, `45m-60m`, `1h`.
pub(super) fn duration_said(text: &str) -> Option<String> {
    let lower = normalize(text).replace(['–', '—'], "-").replace(" - ", "-");
    let at = [
        "estimated timing",
        "estimated time",
        "estimated duration",
        "duration",
    ]
    .iter()
    .find_map(|k| lower.find(k).map(|i| i + k.len()))?;
    let rest = &lower[at..];
    let rest = rest.find(':').map_or(rest, |i| &rest[i + 1..]);
    amount(rest)
}

/// A guide title's "(10 min)": the title without it and the time.
pub(super) fn title_duration(title: &str) -> Option<(String, String)> {
    let t = title.trim_end();
    let open = t.strip_suffix(')')?.rfind('(')?;
    let inner = &t[open + 1..t.len() - 1];
    if inner.split_whitespace().count() > 3 {
        return None;
    }
    let d = amount(&inner.to_lowercase())?;
    Some((t[..open].trim_end().to_owned(), d))
}

impl Imported {
    /// Sets the guide's duration unless the front matter gave one; a range (`45m-60m`) gives its
    /// upper end, with a warning, as the model's `duration` is one estimate.
    pub(super) fn found_duration(&mut self, said: &str, line: usize) {
        if self.guide.duration.is_some() {
            return;
        }
        let upper = match said.split_once('-') {
            Some((_, upper)) => {
                self.warn(
                    line,
                    Code::I005,
                    format!("the lab's time is a range ({said}): its upper end, {upper}, is the guide's `duration`"),
                );
                upper
            }
            None => said,
        };
        self.guide.duration = Some(upper.to_owned().into());
    }
}

impl Reader<'_> {
    /// Maps the preamble's blocks to fields; returns what opens the first section's intro.
    pub(super) fn preamble_parts(&mut self, blocks: &[Block]) -> Vec<String> {
        let mut part = Part::Summary;
        let mut summary = Vec::new();
        let mut carried = Vec::new();
        // A labelling heading, written only if text follows it.
        let mut label: Option<(usize, String)> = None;
        for b in blocks {
            let line = self.line(b.range.start);
            if let Kind::Heading(_) = b.kind {
                self.drop_label(label.take());
                part = part_of(&b.text);
                match part {
                    Part::Duration => {
                        if let Some(d) = duration_said(&b.text) {
                            self.out.found_duration(&d, line);
                        }
                    }
                    Part::Label => label = Some((line, b.text.trim().to_owned())),
                    Part::Other => carried.push(format!("**{}**", b.text.trim())),
                    _ => {}
                }
                continue;
            }
            if let Some(n) = self.callout(b) {
                self.out.guide.notes.push(n.into());
                continue;
            }
            if b.kind == Kind::Paragraph {
                let said = duration_said(&b.text).or_else(|| {
                    (part == Part::Duration && b.text.len() < 40)
                        .then(|| amount(&b.text.to_lowercase()))
                        .flatten()
                });
                if let Some(d) = said {
                    self.out.found_duration(&d, line);
                    continue;
                }
            }
            match part {
                Part::Summary => summary.push(self.src(&b.range)),
                Part::Prerequisites | Part::Objectives => self.items(b, part, &mut carried),
                Part::Label => {
                    if let Some((_, t)) = label.take() {
                        carried.push(format!("**{t}**"));
                    }
                    carried.push(self.src(&b.range));
                }
                Part::Duration | Part::Other => carried.push(self.src(&b.range)),
            }
        }
        self.drop_label(label);
        if !summary.is_empty() {
            self.out.guide.summary =
                Some(merge(self.out.guide.summary.take(), summary.join("\n\n")));
        }
        carried
    }

    fn drop_label(&mut self, label: Option<(usize, String)>) {
        if let Some((line, text)) = label {
            self.out.warn(
                line,
                Code::I001,
                format!("the heading \"{text}\" has no text of its own and is left out"),
            );
        }
    }

    /// Items of a requirements or objectives part: each list item, or each paragraph, is one;
    /// a lead-in ending with a colon ("In this lab, you will:") is the heading's job; tables,
    /// images and code go to the first section's intro.
    fn items(&mut self, b: &Block, part: Part, carried: &mut Vec<String>) {
        let list = match part {
            Part::Prerequisites => &mut self.out.guide.prerequisites,
            _ => &mut self.out.guide.objectives,
        };
        match b.kind {
            Kind::BulletList | Kind::OrderedList => {
                for item in &b.children {
                    let own = &self.text[item.range.clone()];
                    let text = tidy(&strip_marker(own, self.text, item.range.start));
                    if !text.trim().is_empty() {
                        list.push(text.into());
                    }
                }
            }
            Kind::Paragraph if !b.only_images => {
                let src = super::parse::source(self.text, &b.range);
                let lead_in = src.trim_end().ends_with(':') && !src.contains("](");
                if !lead_in {
                    list.push(src.into());
                }
            }
            _ => carried.push(self.src(&b.range)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_lab_headings() {
        assert_eq!(part_of("Lab scenario"), Part::Summary);
        assert_eq!(part_of("Lab introduction"), Part::Summary);
        assert_eq!(part_of("Lab requirements"), Part::Prerequisites);
        assert_eq!(part_of("Job skills"), Part::Objectives);
        assert_eq!(part_of("Objectives:"), Part::Objectives);
        assert_eq!(part_of("What you’ll learn"), Part::Objectives);
        assert_eq!(part_of("Estimated timing: 30 minutes"), Part::Duration);
        assert_eq!(part_of("Student lab manual"), Part::Label);
        assert_eq!(part_of("Architecture diagram"), Part::Other);
        assert_eq!(
            part_of("Prerequisite task 1: Connect a server"),
            Part::Other
        );
    }

    #[test]
    fn durations_said() {
        let d = |s| duration_said(s);
        assert_eq!(d("Estimated timing: 30 minutes").as_deref(), Some("30m"));
        assert_eq!(
            d("Estimated time to complete this lab: 45 - 60 minutes").as_deref(),
            Some("45m-60m")
        );
        assert_eq!(d("**Duration:** 1 hour").as_deref(), Some("1h"));
        assert_eq!(d("Estimated time: 50 minutes").as_deref(), Some("50m"));
        assert_eq!(d("The lab scenario is about timing."), None);
        assert_eq!(
            title_duration("01 - Create a virtual machine in the portal (10 min)"),
            Some((
                "01 - Create a virtual machine in the portal".into(),
                "10m".into()
            ))
        );
        assert_eq!(title_duration("Deploy (optional)"), None);
        assert_eq!(
            title_duration("Use a VM (Windows or Linux, 5 min or more)"),
            None
        );
    }
}
