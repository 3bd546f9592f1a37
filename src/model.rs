//! Model: the guide types every `*.yaml` under the book's `src` deserialises into.
//!
//! The same types generate the JSON Schema (`stepbook schema`) that the loader checks each file
//! against first, so the schema, the shape check and the deserialiser cannot drift apart.

use std::borrow::Cow;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

/// A value with the place it came from in its YAML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub loc: Loc,
}

/// Where a value is in its file: 1-based line and character column, and the length of its
/// token; resolved to a byte range with [`Loc::range`] against the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
    pub byte: Option<(u32, u32)>,
    pub chars: u32,
}

impl Loc {
    pub fn from_saphyr(l: &serde_saphyr::Location) -> Self {
        let span = l.span();
        Loc {
            line: l.line() as u32,
            col: l.column() as u32,
            byte: match (span.byte_offset(), span.byte_len()) {
                (Some(o), Some(n)) => Some((o as u32, n as u32)),
                _ => None,
            },
            chars: span.len() as u32,
        }
    }

    /// Byte range of the token in `text`.
    pub fn range(&self, text: &str) -> Range<usize> {
        if let Some((o, n)) = self.byte {
            let (o, n) = (o as usize, n as usize);
            if o + n <= text.len() && text.is_char_boundary(o) && text.is_char_boundary(o + n) {
                return o..o + n;
            }
        }
        let start = crate::diag::offset_of(text, self.line as usize, self.col as usize);
        let end = text[start..]
            .char_indices()
            .nth(self.chars.max(1) as usize)
            .map_or(text.len(), |(i, _)| start + i);
        start..end
    }
}

impl<T> Sp<T> {
    pub fn new(value: T) -> Self {
        Sp {
            value,
            loc: Loc::default(),
        }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Sp {
            loc: Loc::from_saphyr(&s.referenced),
            value: s.value,
        })
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// The guide's title, shown as its heading.
    pub title: Sp<String>,
    /// Identifier used in URLs and file names: lowercase letters, digits and `-`. Defaults to the
    /// file name without its extension. Unique in the book.
    #[serde(default)]
    pub id: Option<Sp<String>>,
    /// Orders guides in the book: lower weights come first; equal weights sort by file path.
    #[serde(default)]
    pub weight: i64,
    /// Markdown: what the guide achieves, shown under the title and on the index page.
    #[serde(default)]
    pub summary: Option<Sp<String>>,
    /// Estimated time for the whole guide, e.g. `90s`, `15m`, `1h30m`.
    #[serde(default)]
    pub duration: Option<Sp<String>>,
    /// Who the guide is for.
    #[serde(default)]
    pub audience: Option<Sp<String>>,
    /// Markdown items the reader needs before starting.
    #[serde(default)]
    pub prerequisites: Vec<Sp<String>>,
    /// Callouts shown before the first section.
    #[serde(default)]
    pub notes: Vec<Sp<Note>>,
    /// The guide's sections, in order. At least one.
    #[schemars(length(min = 1))]
    pub sections: Sp<Vec<Sp<Section>>>,
}

/// A callout: a note, tip, important point, warning or caution.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// One of `note`, `tip`, `important`, `warning`, `caution`.
    pub kind: Sp<NoteKind>,
    /// Markdown text of the callout.
    pub text: Sp<String>,
}

/// The kind of a callout, which decides how it is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl NoteKind {
    pub const ALL: [&'static str; 5] = ["note", "tip", "important", "warning", "caution"];

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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section heading.
    pub title: Sp<String>,
    /// Anchor of the section; defaults to a slug of the title. Unique in the guide.
    #[serde(default)]
    pub id: Option<Sp<String>>,
    /// Markdown shown before the first step.
    #[serde(default)]
    pub intro: Option<Sp<String>>,
    /// The numbered steps. At least one.
    #[schemars(length(min = 1))]
    pub steps: Sp<Vec<Sp<Step>>>,
}

/// One action the reader performs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Markdown: the action, one step.
    pub text: Sp<String>,
    /// Anchor of the step; defaults to `<section id>-<number>`. Unique in the guide.
    #[serde(default)]
    pub id: Option<Sp<String>>,
    /// Short plain label for the printed checklist; defaults to the text's first sentence.
    #[serde(default)]
    pub check: Option<Sp<String>>,
    /// Callouts attached to this step.
    #[serde(default)]
    pub notes: Vec<Sp<Note>>,
    /// Screenshots that show the step.
    #[serde(default)]
    pub screenshots: Vec<Sp<Screenshot>>,
    /// Markdown: what the reader should see afterwards.
    #[serde(default)]
    pub result: Option<Sp<String>>,
    /// An expected wait in this step: `90s`, `5m`, `1h30m`, or a range like `2m-5m`.
    #[serde(default)]
    pub wait: Option<Sp<String>>,
    /// Whether the step may be skipped.
    #[serde(default)]
    pub optional: bool,
    /// Steps nested under this one, numbered a, b, c.
    #[serde(default)]
    pub substeps: Vec<Sp<Step>>,
}

/// An image that shows a step.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Screenshot {
    /// An `https://` URL, or a path relative to the guide file inside the book.
    pub src: Sp<String>,
    /// What the screenshot shows, for readers who cannot see it.
    #[serde(default)]
    pub alt: Option<Sp<String>>,
    /// Markdown caption shown under the image.
    #[serde(default)]
    pub caption: Option<Sp<String>>,
}

/// The JSON Schema (draft 2020-12) of a guide file, with a description for every field.
pub fn guide_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Guide>();
    serde_json::to_value(schema).unwrap_or_default()
}
