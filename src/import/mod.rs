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

mod parse;
pub mod yaml;

use std::ops::Range;
use std::path::{Path, PathBuf};

use parse::{Block, Kind, line_of, source};
use pulldown_cmark::BlockQuoteKind;

/// A guide read from Markdown, in the model's shape.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Imported {
    pub title: String,
    pub summary: Option<String>,
    pub duration: Option<String>,
    pub notes: Vec<Note>,
    pub sections: Vec<Section>,
    /// What could not be mapped: (line in the Markdown file, message).
    pub warnings: Vec<(usize, String)>,
    /// The front matter, when some of its keys have no field in the model: kept as comments.
    pub kept_front_matter: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub intro: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Step {
    pub text: String,
    pub notes: Vec<Note>,
    pub screenshots: Vec<Shot>,
    pub wait: Option<String>,
    pub substeps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shot {
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
}

/// Reads Markdown `text` from `file`; local image paths are rewritten so that they resolve from
/// `out_dir`, where the YAML will be written.
pub fn import(text: &str, file: &Path, out_dir: &Path) -> Imported {
    let mut text = text
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut out = Imported::default();
    let front = front_matter(&mut text, &mut out);
    let text = dialects(&text);
    let doc = parse::blocks(&text);
    let mut r = Reader {
        text: &text,
        md_dir: file.parent().unwrap_or(Path::new("")).to_path_buf(),
        out_dir: out_dir.to_path_buf(),
        out,
    };
    r.document(&doc, front);
    r.rewrite_images();
    if r.out.title.trim().is_empty() {
        r.out.title = file
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
            .unwrap_or_else(|| "Untitled guide".into());
        r.out.warnings.push((
            1,
            "no `#` heading: the title is made from the file name".into(),
        ));
    }
    if r.out.sections.is_empty() {
        r.out.warnings.push((
            1,
            "no numbered steps found: the guide has no sections and will not pass `stepbook check`"
                .into(),
        ));
    }
    r.out
}

/// Removes YAML front matter and maps the keys stepbook knows; returns its title.
fn front_matter(text: &mut String, out: &mut Imported) -> Option<String> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest
        .find("\n---\n")
        .or_else(|| rest.strip_suffix("\n---").map(|r| r.len()))?;
    let yaml = rest[..end].to_owned();
    let lines = yaml.lines().count() + 2;
    let after = rest.get(end + 5..).unwrap_or("").to_owned();
    // Keep the line numbers of the body right: the front matter becomes blank lines.
    *text = format!("{}{after}", "\n".repeat(lines));
    let tree = crate::node::parse_yaml(&yaml).ok()?;
    let mut unmapped = false;
    let mut title = None;
    let mut walk = |key: &str, v: &crate::node::Node, line: usize, out: &mut Imported| {
        let s = match &v.value {
            crate::node::Value::Str(s) => s.clone(),
            crate::node::Value::Num { text, .. } => text.clone(),
            _ => return false,
        };
        match key {
            "title" => title = Some(s),
            "description" | "summary" => out.summary = Some(s),
            "duration" => match crate::duration::suggest(&s).or_else(|| crate::duration::Duration::parse(&s).ok().map(|_| s.clone())) {
                Some(d) => out.duration = Some(d),
                None => out.warnings.push((line, format!("front matter `duration: {s}` is not a duration stepbook understands; not imported"))),
            },
            _ => return false,
        }
        true
    };
    if let crate::node::Value::Map(entries) = &tree.value {
        for (k, v) in entries {
            let line = yaml[..k.span.start].matches('\n').count() + 2;
            if walk(&k.name, v, line, out) {
                continue;
            }
            // Nested `wts:` / `lab:` tables of lab platforms hold the same keys.
            if let crate::node::Value::Map(inner) = &v.value {
                for (ik, iv) in inner {
                    let line = yaml[..ik.span.start].matches('\n').count() + 2;
                    unmapped |= !walk(&ik.name, iv, line, out);
                }
            } else {
                unmapped = true;
            }
        }
    }
    // Keys with no field in the model are kept, with the whole front matter, as comments.
    if unmapped {
        out.kept_front_matter = yaml.lines().map(str::to_owned).collect();
    }
    title
}

/// Lab-platform dialects, rewritten line by line (line numbers stay): `!IMAGE[alt](url)`
/// images, `1. []` checkbox items and `+++text+++` type-this text.
fn dialects(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut l = line.replace("!IMAGE[", "![").replace("!image[", "![");
        while let Some(start) = l.find("+++") {
            let Some(len) = l[start + 3..].find("+++") else {
                break;
            };
            let inner = l[start + 3..start + 3 + len].to_owned();
            l = format!("{}`{inner}`{}", &l[..start], &l[start + 6 + len..]);
        }
        let trimmed = l.trim_start();
        let indent = &l[..l.len() - trimmed.len()];
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            let rest = &trimmed[digits..];
            for marker in [". [] ", ". [ ] ", ") [] ", ") [ ] "] {
                if let Some(after) = rest.strip_prefix(marker) {
                    l = format!("{indent}{}{} {after}", &trimmed[..digits], &marker[..1]);
                    break;
                }
            }
        }
        out.push_str(&l);
    }
    out
}

struct Reader<'a> {
    text: &'a str,
    md_dir: PathBuf,
    out_dir: PathBuf,
    out: Imported,
}

/// A callout's kind from its label (`Note`, `Tip`, ...), case-insensitive.
fn callout_kind(label: &str) -> Option<&'static str> {
    match label.trim().to_ascii_lowercase().as_str() {
        "note" => Some("note"),
        "tip" | "hint" => Some("tip"),
        "important" => Some("important"),
        "warning" => Some("warning"),
        "caution" => Some("caution"),
        _ => None,
    }
}

/// `**Note:**`, `**Note**:`, `**Note**`, `Note:` at the start of Markdown: (kind, the rest).
fn strip_label(md: &str) -> Option<(&'static str, String)> {
    let s = md.trim_start();
    let (label, rest) = if let Some(r) = s.strip_prefix("**") {
        let end = r.find("**")?;
        let inner = &r[..end];
        let rest = &r[end + 2..];
        let label = inner.trim_end_matches(':');
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        if !inner.ends_with(':')
            && !r[end + 2..].starts_with(':')
            && !rest.starts_with(char::is_whitespace)
        {
            return None;
        }
        (label, rest)
    } else {
        let colon = s.find(':')?;
        (&s[..colon], &s[colon + 1..])
    };
    let kind = callout_kind(label)?;
    Some((kind, rest.trim().to_owned()))
}

impl Reader<'_> {
    /// Local images inside Markdown text are rewritten like screenshots, so that they resolve
    /// from the output folder.
    fn rewrite_images(&mut self) {
        fn fix(r: &Reader, md: &mut String) {
            let found = crate::markdown::inspect(md).local_images;
            let mut cuts: Vec<(std::ops::Range<usize>, String)> = Vec::new();
            for (dest, range) in found {
                if let Some(i) = md[range.clone()].rfind(dest.as_str()) {
                    let new = r.image_src(&dest);
                    let new = if new.contains([' ', '(', ')']) {
                        format!("<{new}>")
                    } else {
                        new
                    };
                    let start = range.start + i;
                    // `<path with spaces>` as written: replace the brackets too.
                    let (s, e) = if md[..start].ends_with('<')
                        && md[start + dest.len()..].starts_with('>')
                    {
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
        fn step(r: &Reader, s: &mut Step) {
            fix(r, &mut s.text);
            for n in &mut s.notes {
                fix(r, &mut n.text);
            }
            for sub in &mut s.substeps {
                step(r, sub);
            }
        }
        let mut out = std::mem::take(&mut self.out);
        if let Some(sm) = &mut out.summary {
            fix(self, sm);
        }
        for n in &mut out.notes {
            fix(self, &mut n.text);
        }
        for sec in &mut out.sections {
            if let Some(i) = &mut sec.intro {
                fix(self, i);
            }
            for st in &mut sec.steps {
                step(self, st);
            }
        }
        self.out = out;
    }

    fn src(&self, range: &Range<usize>) -> String {
        source(self.text, range)
    }

    fn line(&self, offset: usize) -> usize {
        line_of(self.text, offset)
    }

    /// A callout block: a GFM alert or a blockquote/paragraph that starts with a label.
    fn callout(&self, b: &Block) -> Option<Note> {
        match &b.kind {
            Kind::BlockQuote(Some(k)) => {
                let kind = match k {
                    BlockQuoteKind::Note => "note",
                    BlockQuoteKind::Tip => "tip",
                    BlockQuoteKind::Important => "important",
                    BlockQuoteKind::Warning => "warning",
                    BlockQuoteKind::Caution => "caution",
                };
                let inner = unquote(&self.src(&b.range));
                // The first line is the `[!NOTE]` marker.
                let body = inner.split_once('\n').map_or("", |(_, rest)| rest);
                Some(Note {
                    kind,
                    text: body.trim().to_owned(),
                })
            }
            Kind::BlockQuote(None) => {
                if b.children.first()?.kind != Kind::Paragraph {
                    return None;
                }
                let (kind, rest) = strip_label(&unquote(&self.src(&b.range)))?;
                Some(Note {
                    kind,
                    text: rest.trim().to_owned(),
                })
            }
            Kind::Paragraph => {
                let (kind, rest) = strip_label(&self.src(&b.range))?;
                Some(Note { kind, text: rest })
            }
            _ => None,
        }
    }

    /// A local image path, rewritten to resolve from the output folder; URLs stay as they are.
    fn image_src(&self, src: &str) -> String {
        if src.contains("://")
            || src.starts_with("data:")
            || src.starts_with('/')
            || src.starts_with('#')
        {
            return src.to_owned();
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
        crate::validate::relative_path(&self.out_dir, &target)
    }

    fn shots(&self, b: &Block) -> Vec<Shot> {
        b.images
            .iter()
            .map(|(alt, src, link)| Shot {
                src: self.image_src(src),
                alt: alt.clone(),
                caption: link
                    .as_ref()
                    .filter(|l| *l != src)
                    .map(|l| format!("<{l}>")),
            })
            .collect()
    }

    fn document(&mut self, doc: &Block, front_title: Option<String>) {
        let blocks = &doc.children;
        let mut i = 0;
        // Title: the first level-1 heading (front matter title otherwise).
        if let Some(pos) = blocks.iter().position(|b| b.kind == Kind::Heading(1)) {
            self.out.title = blocks[pos].text.clone();
            if pos > 0 {
                // Content above the title joins the summary.
                let before: Vec<String> =
                    blocks[..pos].iter().map(|b| self.src(&b.range)).collect();
                self.out.warnings.push((
                    self.line(blocks[0].range.start),
                    "text above the title is kept at the start of the summary".into(),
                ));
                self.out.summary = Some(merge(self.out.summary.take(), before.join("\n\n")));
            }
            i = pos + 1;
        } else if let Some(t) = front_title {
            self.out.title = t;
        }
        // Which headings start sections: those followed (before the next heading) by a list of
        // numbered steps.
        let mut has_steps = vec![false; blocks.len()];
        let mut current = None;
        for (j, b) in blocks.iter().enumerate().skip(i) {
            match b.kind {
                Kind::Heading(_) => current = Some(j),
                Kind::OrderedList => {
                    if let Some(h) = current {
                        has_steps[h] = true;
                    }
                }
                _ => {}
            }
        }
        let first_section = (i..blocks.len()).find(|&j| has_steps[j]);
        // Before the first section: summary and notes. Numbered lists there (no heading above
        // them) become a section named after the guide.
        let preamble_end = first_section.unwrap_or(blocks.len());
        let mut summary = Vec::new();
        let mut j = i;
        while j < preamble_end {
            let b = &blocks[j];
            if b.kind == Kind::OrderedList
                && first_section.is_none()
                && blocks[j..]
                    .iter()
                    .all(|x| !matches!(x.kind, Kind::Heading(_)))
            {
                break;
            }
            if let Some(n) = self.callout(b) {
                self.out.notes.push(n);
            } else {
                summary.push(self.src(&b.range));
            }
            j += 1;
        }
        if !summary.is_empty() {
            self.out.summary = Some(merge(self.out.summary.take(), summary.join("\n\n")));
        }
        // Sections.
        let mut prefix: Vec<(u8, String)> = Vec::new();
        let mut carried: Vec<String> = Vec::new();
        while j < blocks.len() {
            let b = &blocks[j];
            let (level, title) = match b.kind {
                Kind::Heading(l) => (l, b.text.trim().trim_end_matches(':').trim().to_owned()),
                _ => (0, self.out.title.clone()),
            };
            let body_start = if level > 0 { j + 1 } else { j };
            let body_end = (body_start..blocks.len())
                .find(|&k| matches!(blocks[k].kind, Kind::Heading(_)))
                .unwrap_or(blocks.len());
            prefix.retain(|(l, _)| *l < level.max(1));
            let steps_here = blocks[body_start..body_end]
                .iter()
                .any(|x| x.kind == Kind::OrderedList);
            if !steps_here {
                let deeper_next = blocks
                    .get(body_end)
                    .is_some_and(|n| matches!(n.kind, Kind::Heading(l) if l > level));
                if body_start == body_end && deeper_next && level > 0 {
                    // A group heading (an exercise above its tasks).
                    prefix.push((level, title));
                } else {
                    if level > 0 {
                        carried.push(format!("**{title}**"));
                    }
                    carried.extend(
                        blocks[body_start..body_end]
                            .iter()
                            .map(|x| self.src(&x.range)),
                    );
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
            let mut section = Section {
                title: full_title,
                intro: None,
                steps: Vec::new(),
            };
            let mut intro = std::mem::take(&mut carried);
            for x in &blocks[body_start..body_end] {
                match x.kind {
                    Kind::OrderedList => {
                        for item in &x.children {
                            section.steps.push(self.step(item));
                        }
                    }
                    _ => match section.steps.last_mut() {
                        None => intro.push(self.src(&x.range)),
                        Some(last) => self.attach(last, x),
                    },
                }
            }
            if !intro.is_empty() {
                section.intro = Some(intro.join("\n\n"));
            }
            self.out.sections.push(section);
            j = body_end;
        }
        if !carried.is_empty() {
            let rest = carried.join("\n\n");
            match self
                .out
                .sections
                .last_mut()
                .and_then(|s| s.steps.last_mut())
            {
                Some(step) => step.text = merge(Some(std::mem::take(&mut step.text)), rest),
                None => self.out.summary = Some(merge(self.out.summary.take(), rest)),
            }
        }
    }

    /// A block between steps (a paragraph, an image at column 0, a table...): it belongs to the
    /// step above.
    fn attach(&mut self, step: &mut Step, b: &Block) {
        if b.only_images {
            step.screenshots.extend(self.shots(b));
        } else if let Some(n) = self.callout(b) {
            step.notes.push(n);
        } else {
            if matches!(b.kind, Kind::Other)
                && self.text[b.range.clone()].trim_start().starts_with('<')
            {
                self.out.warnings.push((
                    self.line(b.range.start),
                    "raw HTML kept in the step's text; stepbook removes HTML from its output"
                        .into(),
                ));
            }
            step.text = merge(Some(std::mem::take(&mut step.text)), self.src(&b.range));
        }
    }

    /// A list item: its own text, screenshots, callouts and substeps.
    fn step(&mut self, item: &Block) -> Step {
        let mut step = Step::default();
        let mut cut: Vec<Range<usize>> = Vec::new();
        for c in &item.children {
            if c.kind == Kind::OrderedList {
                for sub in &c.children {
                    step.substeps.push(self.step(sub));
                }
                cut.push(c.range.clone());
            } else if c.only_images {
                step.screenshots.extend(self.shots(c));
                cut.push(c.range.clone());
            } else if matches!(c.kind, Kind::BlockQuote(_))
                || c.kind == Kind::Paragraph && !std::ptr::eq(c, &item.children[0])
            {
                if let Some(n) = self.callout(c) {
                    step.notes.push(n);
                    cut.push(c.range.clone());
                }
            } else if matches!(c.kind, Kind::Other)
                && self.text[c.range.clone()].trim_start().starts_with('<')
            {
                self.out.warnings.push((
                    self.line(c.range.start),
                    "raw HTML kept in the step's text; stepbook removes HTML from its output"
                        .into(),
                ));
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
        step.text = tidy(&strip_marker(&own, self.text, item.range.start));
        step.wait = wait_of(&step.text);
        if step.text.is_empty() {
            step.text = if step.screenshots.is_empty() {
                "(no text)".into()
            } else {
                "See the screenshot.".into()
            };
            self.out.warnings.push((
                self.line(item.range.start),
                "a numbered item with no text: its step text is a placeholder".into(),
            ));
        }
        step
    }
}

/// The content of a blockquote: each line without its `>` (and the space after it).
fn unquote(md: &str) -> String {
    md.lines()
        .map(|l| {
            let t = l.trim_start();
            match t.strip_prefix('>') {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => t,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Removes the `1.` marker of an item's first line and the item's indentation from the rest.
fn strip_marker(own: &str, text: &str, start: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let first_line_end = own.find('\n').unwrap_or(own.len());
    let first = &own[..first_line_end];
    let after_digits = first
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit());
    let after_marker = after_digits
        .strip_prefix('.')
        .or_else(|| after_digits.strip_prefix(')'))
        .unwrap_or(after_digits);
    let content = after_marker.trim_start();
    // Continuation lines are indented to where the content starts (authors often indent one to
    // three columns deeper, e.g. 4 spaces under `1. `; that is still the item's content).
    let marker = (start - line_start) + (first.len() - content.len());
    let indent_of = |l: &str| {
        l.chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .fold(0, |c, ch| if ch == '\t' { c + 4 - c % 4 } else { c + 1 })
    };
    let first_cont = own[first_line_end..]
        .split('\n')
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(indent_of);
    let marker_cols = match first_cont {
        Some(i) if i > marker && i <= marker + 3 => i,
        _ => marker,
    };
    let mut out = content.to_owned();
    for line in own[first_line_end..].split('\n').skip(1) {
        out.push('\n');
        let mut cols = 0;
        let mut idx = 0;
        for (i, ch) in line.char_indices() {
            if cols >= marker_cols {
                idx = i;
                break;
            }
            match ch {
                ' ' => cols += 1,
                '\t' => cols += 4 - cols % 4,
                _ => {
                    idx = i;
                    break;
                }
            }
            idx = i + ch.len_utf8();
        }
        out.push_str(&line[idx.min(line.len())..]);
    }
    out
}

/// Trims trailing spaces and runs of blank lines.
fn tidy(s: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in s.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

fn merge(a: Option<String>, b: String) -> String {
    match a {
        Some(a) if !a.trim().is_empty() => format!("{}\n\n{}", a.trim_end(), b.trim()),
        _ => b.trim().to_owned(),
    }
}

/// "It may take up to 5 minutes", "can take 2-3 minutes", "might take between 5 and 10 minutes"
/// → `5m`, `2m-3m`, `5m-10m`. Words ("a few", "five to seven") are ambiguous: no wait.
pub fn wait_of(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = lower.find(" take ")?;
    let words: Vec<&str> = lower[at + 6..].split_whitespace().take(8).collect();
    let mut k = 0;
    while k < words.len()
        && matches!(
            words[k],
            "up" | "to" | "about" | "around" | "approximately" | "between" | "roughly"
        )
    {
        k += 1;
    }
    let num = |w: &str| {
        w.trim_matches(|c: char| !c.is_ascii_digit() && c != '-')
            .to_owned()
    };
    let first = num(words.get(k)?);
    let unit_of = |w: &str| match w.trim_end_matches(['.', ',', ';', ')']) {
        "second" | "seconds" | "secs" => Some("s"),
        "minute" | "minutes" | "mins" | "min" => Some("m"),
        "hour" | "hours" => Some("h"),
        _ => None,
    };
    if let Some((a, b)) = first.split_once('-') {
        let unit = unit_of(words.get(k + 1)?)?;
        (a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
            .then(|| format!("{a}{unit}-{b}{unit}"))
    } else if first.parse::<u32>().is_ok() {
        if matches!(words.get(k + 1), Some(&"and") | Some(&"to")) {
            let second = num(words.get(k + 2)?);
            let unit = unit_of(words.get(k + 3)?)?;
            second.parse::<u32>().ok()?;
            Some(format!("{first}{unit}-{second}{unit}"))
        } else {
            let unit = unit_of(words.get(k + 1)?)?;
            Some(format!("{first}{unit}"))
        }
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits() {
        assert_eq!(
            wait_of("It may take up to 5 minutes to process.").as_deref(),
            Some("5m")
        );
        assert_eq!(
            wait_of("It might take between 5 and 10 minutes.").as_deref(),
            Some("5m-10m")
        );
        assert_eq!(
            wait_of("This can take 2-3 minutes").as_deref(),
            Some("2m-3m")
        );
        assert_eq!(
            wait_of("It may take a few minutes to process the request."),
            None
        );
        assert_eq!(wait_of("anywhere from five to seven minutes"), None);
    }

    #[test]
    fn labels() {
        assert_eq!(strip_label("**Note:** text"), Some(("note", "text".into())));
        assert_eq!(strip_label("**Note**: text"), Some(("note", "text".into())));
        assert_eq!(
            strip_label("**IMPORTANT** text"),
            Some(("important", "text".into()))
        );
        assert_eq!(strip_label("**Did you know?** text"), None);
        assert_eq!(strip_label("**Bold** words"), None);
        assert_eq!(
            strip_label("**Note**\nThe text"),
            Some(("note", "The text".into()))
        );
        assert_eq!(
            unquote(">**Note**\n> The text\n>\n> More"),
            "**Note**\nThe text\n\nMore"
        );
    }

    #[test]
    fn dialect_rewrites() {
        assert_eq!(
            dialects("1. [] Type +++abc+++ now\n!IMAGE[x](y.png)\n"),
            "1. Type `abc` now\n![x](y.png)\n"
        );
    }

    #[test]
    fn the_seed() {
        let seed = include_str!("../../tests/fixtures/import/azure-pass.md");
        let g = import(seed, Path::new("seed/azure-pass.md"), Path::new("content"));
        assert_eq!(g.title, "Creating a Microsoft Azure Pass Subscription");
        assert_eq!(g.sections.len(), 2);
        assert_eq!(
            g.sections[0].title,
            "Step 1: Redeeming a Microsoft Azure Pass Promo Code"
        );
        assert_eq!(g.sections[0].steps.len(), 6);
        assert_eq!(g.sections[1].steps.len(), 7);
        let shots: usize = g
            .sections
            .iter()
            .flat_map(|s| &s.steps)
            .map(|s| s.screenshots.len())
            .sum();
        assert_eq!(shots, 11);
        assert_eq!(g.sections[0].steps[0].notes.len(), 1);
        assert_eq!(g.sections[0].steps[5].wait.as_deref(), Some("5m"));
        assert_eq!(
            g.sections[0].steps[0].text,
            "Open a browser and navigate to: https://www.microsoftazurepass.com/"
        );
        assert!(g.summary.as_deref().unwrap().contains("two step process"));
    }
}
