//! Exchange: a language of the book as files for translators (PO, XLIFF 1.2) and back — the
//! texts of each guide with stable contexts ([`texts`]), written out with the current
//! translation and what changed in the source since it was made, and read back into the
//! translation's guide file by editing its text at each value's place.

pub mod book_texts;
pub mod export;
pub mod import;
pub mod po;
pub mod xliff;

/// One translated text read from an exchange file.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub context: String,
    /// The source text it was translated from (as exported).
    pub source: String,
    /// The translation; empty: not translated.
    pub target: String,
    /// Marked for review: not taken.
    pub fuzzy: bool,
    /// The bytes of the entry's start, and of its translation, in the file.
    pub span: std::ops::Range<usize>,
    pub target_span: std::ops::Range<usize>,
    /// Placeholders the translation changed, which the import puts back as the source has
    /// them (an XLIFF `<ph>` whose content was edited): what it had, the source's, and where.
    pub edited: Vec<(String, String, std::ops::Range<usize>)>,
}

/// An exchange file read: its language, the guide it is for, its texts.
#[derive(Debug, Clone, Default)]
pub struct IncomingFile {
    pub lang: Option<String>,
    /// The source guide's path in the book, as exported.
    pub source: Option<String>,
    pub units: Vec<Incoming>,
}
pub mod texts;

/// The exchange formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Po,
    Xliff,
}

impl Format {
    /// The format of a file: by its extension (`.po`, `.pot`; `.xlf`, `.xliff`), else by its
    /// content (XML starts with `<`).
    pub fn of(path: &std::path::Path, text: &str) -> Format {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("po" | "pot") => Format::Po,
            Some("xlf" | "xliff") => Format::Xliff,
            _ if text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<') =>
            {
                Format::Xliff
            }
            _ => Format::Po,
        }
    }

    /// The extension of its files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Po => "po",
            Format::Xliff => "xlf",
        }
    }
}

/// The catalog written in `format`.
pub fn write(c: &export::Catalog, format: Format) -> String {
    match format {
        Format::Po => po::write(c),
        Format::Xliff => xliff::write(c),
    }
}

/// An exchange file's texts, read in `format`.
pub fn read(text: &str, format: Format) -> Result<IncomingFile, Vec<po::Problem>> {
    match format {
        Format::Po => po::read(text),
        Format::Xliff => xliff::read(text),
    }
}
