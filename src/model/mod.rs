//! Model: the guide types every `*.yaml` under the book's `src` is read into.
//!
//! The serde attributes on these types (`deny_unknown_fields`, `default`, names) generate the
//! JSON Schema (`stepbook schema`) that the loader checks every file against, reporting every
//! problem at its place; [`crate::source::load`] then builds these types from the checked tree, keeping
//! each value's span. The converter (`convert.rs`) spells the keys by hand, so the schema and
//! the model can disagree if one changes alone: `tests/cli/schema.rs` checks that the schema and
//! `check` agree on every guide of the repository and the fixtures.

mod fields;
pub use fields::{Field, TextKind};

use std::borrow::Cow;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator};

/// A value with the bytes of its YAML file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Sp { value, span }
    }
}

/// A value made in code (by `import`), not read from a file: it has no span.
impl<T> From<T> for Sp<T> {
    fn from(value: T) -> Self {
        Sp::new(value, 0..0)
    }
}

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        T::default().into()
    }
}

/// Written as the bare value: the span belongs to the file it was read from.
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Sp<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// One step-by-step guide: one YAML file.
#[derive(Debug, Clone, Default, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// The guide's title, shown as its heading.
    pub title: Sp<String>,
    /// Identifier used in URLs and file names: lowercase letters, digits and `-`. Defaults to the
    /// file name without its extension. Unique in the book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Sp<String>>,
    /// Orders guides in the book: lower weights come first; equal weights sort by file path.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(extend("default" = 0))]
    pub weight: i64,
    /// Markdown: what the guide achieves, shown under the title and on the index page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Sp<String>>,
    /// Estimated time for the whole guide, e.g. `90s`, `15m`, `1h30m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Sp<String>>,
    /// Who the guide is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Sp<String>>,
    /// Markdown items the reader needs before starting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<Sp<String>>,
    /// Markdown items: what the reader will be able to do after the guide (a lab's objectives
    /// or job skills).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<Sp<String>>,
    /// Callouts shown before the first section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Sp<Note>>,
    /// The guide's sections, in order. At least one.
    #[schemars(length(min = 1))]
    pub sections: Sp<Vec<Sp<Section>>>,
    /// Markdown shown after the last section: what was achieved, cleaning up, further reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Sp<String>>,
    /// Markdown for facilitators about the whole guide (timing advice, what usually goes
    /// wrong): shown only in the instructor edition (a build whose profile has the
    /// `instructor` tag), in no file of any other build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructor: Option<Sp<String>>,
    /// Values for `{{ name }}` placeholders in this guide: text, or maps that give dotted names
    /// (`event: {name: …}` is `{{ event.name }}`). They override book.toml's `[variables]`; a
    /// profile's variables and `--set` override them.
    #[serde(default, skip_serializing_if = "GuideVars::is_empty")]
    #[schemars(with = "std::collections::BTreeMap<String, crate::variables::VarValue>")]
    pub variables: GuideVars,
}

/// A guide's `variables:`, flattened to dotted names: (name, value), each with its span.
#[derive(Debug, Clone, Default)]
pub struct GuideVars(pub Vec<(Sp<String>, Sp<String>)>);

impl GuideVars {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Written as the nested maps it was read from: `event.name` is `event: {name: …}`.
impl serde::Serialize for GuideVars {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Default)]
        struct Tree(Vec<(String, Leaf)>);
        enum Leaf {
            Text(String),
            Map(Tree),
        }
        impl Tree {
            fn insert(&mut self, path: &[&str], value: &str) {
                let (first, rest) = (path[0], &path[1..]);
                let at = self.0.iter().position(|(k, _)| k == first);
                if rest.is_empty() {
                    self.0
                        .push((first.to_owned(), Leaf::Text(value.to_owned())));
                    return;
                }
                let i = at
                    .filter(|&i| matches!(self.0[i].1, Leaf::Map(_)))
                    .unwrap_or_else(|| {
                        self.0.push((first.to_owned(), Leaf::Map(Tree::default())));
                        self.0.len() - 1
                    });
                if let Leaf::Map(t) = &mut self.0[i].1 {
                    t.insert(rest, value);
                }
            }
        }
        impl serde::Serialize for Tree {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in &self.0 {
                    match v {
                        Leaf::Text(t) => m.serialize_entry(k, t)?,
                        Leaf::Map(t) => m.serialize_entry(k, t)?,
                    }
                }
                m.end()
            }
        }
        let mut tree = Tree::default();
        for (name, value) in &self.0 {
            let path: Vec<&str> = name.value.split('.').collect();
            tree.insert(&path, &value.value);
        }
        tree.serialize(s)
    }
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// Profile tags of a part of a guide (`only: [instructor]`): the part is shown only in builds
/// whose profile has one of them. Empty: shown in every build.
pub type Only = Vec<Sp<String>>;

/// A callout: a note, tip, important point, warning or caution.
#[derive(Debug, Clone, Default, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// One of `note`, `tip`, `important`, `warning`, `caution`.
    pub kind: Sp<NoteKind>,
    /// Markdown text of the callout.
    pub text: Sp<String>,
    /// Profile tags: shown only in builds whose profile has one of them (`[instructor]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Only,
}

/// The kind of a callout, which decides how it is styled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    #[default]
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl NoteKind {
    pub fn parse(s: &str) -> Option<NoteKind> {
        Some(match s {
            "note" => NoteKind::Note,
            "tip" => NoteKind::Tip,
            "important" => NoteKind::Important,
            "warning" => NoteKind::Warning,
            "caution" => NoteKind::Caution,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Tip => "tip",
            NoteKind::Important => "important",
            NoteKind::Warning => "warning",
            NoteKind::Caution => "caution",
        }
    }

    /// The label used in Markdown output: `> **Note:**`.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Note => "Note",
            NoteKind::Tip => "Tip",
            NoteKind::Important => "Important",
            NoteKind::Warning => "Warning",
            NoteKind::Caution => "Caution",
        }
    }
}

/// A group of numbered steps under one heading.
#[derive(Debug, Clone, Default, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section heading.
    pub title: Sp<String>,
    /// Anchor of the section; defaults to a slug of the title. Unique in the guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Sp<String>>,
    /// Markdown shown before the first step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Sp<String>>,
    /// Callouts shown after the intro, before the first step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Sp<Note>>,
    /// The numbered steps. At least one.
    #[schemars(length(min = 1))]
    pub steps: Sp<Vec<Sp<Step>>>,
    /// Markdown for facilitators about this section: shown only in the instructor edition (a
    /// build whose profile has the `instructor` tag), in no file of any other build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructor: Option<Sp<String>>,
    /// Profile tags: shown only in builds whose profile has one of them (`[instructor]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Only,
    /// Position among the guide's sections before a profile filtered them (1-based; 0: not
    /// filtered), so default anchors stay the same in every profile.
    #[serde(skip)]
    pub origin: usize,
}

/// One action the reader performs.
#[derive(Debug, Clone, Default, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Markdown: the action, one step.
    pub text: Sp<String>,
    /// Anchor of the step; defaults to `<section id>-<number>`. Unique in the guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Sp<String>>,
    /// Short plain label for the printed checklist; defaults to the text's first sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Sp<String>>,
    /// Callouts attached to this step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Sp<Note>>,
    /// Screenshots that show the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screenshots: Vec<Sp<Screenshot>>,
    /// Markdown: what the reader should see afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Sp<String>>,
    /// Markdown: a hint for a reader who is stuck, shown collapsed ("Show hint") in the HTML
    /// page and in full in the PDF and Markdown; not in the printed checklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Sp<String>>,
    /// Markdown: the expected answer or solution of this step (and of its checklist item).
    /// Shown only in the instructor edition (a build whose profile has the `instructor` tag),
    /// in no file of any other build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Sp<String>>,
    /// Markdown for facilitators about this step: what usually goes wrong, timing advice.
    /// Shown only in the instructor edition (a build whose profile has the `instructor` tag),
    /// in no file of any other build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructor: Option<Sp<String>>,
    /// An expected wait in this step: `90s`, `5m`, `1h30m`, or a range like `2m-5m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Sp<String>>,
    /// Whether the step may be skipped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(extend("default" = false))]
    pub optional: bool,
    /// Steps nested under this one, numbered a, b, c.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substeps: Vec<Sp<Step>>,
    /// Profile tags: shown only in builds whose profile has one of them (`[instructor]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Only,
    /// Position among its siblings before a profile filtered them (1-based; 0: not filtered),
    /// so default anchors stay the same in every profile.
    #[serde(skip)]
    pub origin: usize,
}

/// An image that shows a step.
#[derive(Debug, Clone, Default, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Screenshot {
    /// An `https://` URL, or a path relative to the guide file inside the book.
    pub src: Sp<String>,
    /// What the screenshot shows, for readers who cannot see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<Sp<String>>,
    /// Markdown caption shown under the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<Sp<String>>,
    /// Profile tags: shown only in builds whose profile has one of them (`[instructor]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Only,
    /// The day the screenshot was taken, `YYYY-MM-DD` (not in the future); `lint` warns when it
    /// is older than `screenshot-max-age`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<Sp<String>>,
    /// The `http(s)://` page the screenshot was taken of; `stepbook shots` lists it for
    /// shot-scraper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Sp<String>>,
    /// CSS selector of the part of the `source` page the screenshot shows (`#main`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<Sp<String>>,
    /// Width in pixels of the browser window the screenshot was taken in (1-10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10000))]
    pub width: Option<Sp<i64>>,
    /// Marks drawn over the image (never into it): boxes, arrows, numbered callouts and a
    /// highlight, in the image's pixels (x right, y down from the top-left corner, as an
    /// image editor shows them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Sp<Mark>>,
}

/// One mark over a screenshot: exactly one of `box`, `arrow`, `callout` (with `at`) or
/// `highlight`, in the image's pixels.
#[derive(Debug, Clone, Default, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// A rectangle `[x, y, width, height]` in the image's pixels.
    #[serde(rename = "box", default, skip_serializing_if = "Option::is_none")]
    pub rect: Option<Sp<Vec<f64>>>,
    /// An arrow `[x1, y1, x2, y2]` from the first point to the second (the head), in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrow: Option<Sp<Vec<f64>>>,
    /// A numbered callout (1-99) drawn as a circle at `at`; the step text can refer to it
    /// ("select **Next** (2)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callout: Option<Sp<i64>>,
    /// Where a callout's circle is centred: `[x, y]` in the image's pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Sp<Vec<f64>>>,
    /// A rectangle `[x, y, width, height]` kept bright while the rest of the image is dimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<Sp<Vec<f64>>>,
    /// What the mark points at ("Next button"): read aloud with the image and listed under
    /// it in the Markdown output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Sp<String>>,
}

/// A Markdown field of a guide: its text and the field's name (`summary`, `text`, `caption`…).
#[derive(Debug, Clone, Copy)]
pub struct MarkdownField<'a> {
    pub text: &'a Sp<String>,
    pub name: &'static str,
}

impl Guide {
    /// Every Markdown field of the guide (blocks: not titles, labels or alt texts) in document
    /// order, as [`Guide::visit_text`] walks them: what validate and lint check.
    pub fn markdown_fields(&self) -> Vec<MarkdownField<'_>> {
        let mut out = Vec::new();
        self.visit_text(&mut |f, text| {
            if f.kind == TextKind::Markdown {
                out.push(MarkdownField { text, name: f.name });
            }
        });
        out
    }
}

/// The JSON Schema (draft 2020-12) of a guide file, with a description for every field.
pub fn guide_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Guide>();
    serde_json::to_value(schema).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::source::convert::FromNode;

    #[test]
    fn markdown_fields_in_document_order() {
        let yaml = "title: T\nsummary: S\nprerequisites: [P]\nobjectives: [O]\nnotes:\n  - {kind: note, text: N}\nconclusion: Z\nsections:\n  - title: A\n    intro: I\n    notes: [{kind: tip, text: SN}]\n    steps:\n      - text: X\n        result: R\n        notes: [{kind: tip, text: XN}]\n        screenshots: [{src: a.png, alt: a, caption: C}]\n        substeps:\n          - text: Y\n";
        let tree = crate::source::node::parse_yaml(yaml).unwrap();
        let guide = super::Guide::from_node(&tree).unwrap();
        let fields: Vec<(String, &str)> = guide
            .markdown_fields()
            .iter()
            .map(|f| (f.text.value.clone(), f.name))
            .collect();
        let want = [
            ("S", "summary"),
            ("P", "prerequisites"),
            ("O", "objectives"),
            ("N", "text"),
            ("I", "intro"),
            ("SN", "text"),
            ("X", "text"),
            ("R", "result"),
            ("XN", "text"),
            ("C", "caption"),
            ("Y", "text"),
            ("Z", "conclusion"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(t, n)| (t.to_string(), *n)).collect();
        assert_eq!(fields, want);
    }
}
