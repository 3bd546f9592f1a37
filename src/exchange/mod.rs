//! Exchange: a language of the book as files for translators (PO, XLIFF 1.2) and back — the
//! texts of each guide with stable contexts ([`texts`]), written out with the current
//! translation and what changed in the source since it was made, and read back into the
//! translation's guide file by editing its text at each value's place.

pub mod export;
pub mod po;
pub mod texts;

/// The exchange formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Po,
}

impl Format {
    /// The extension of its files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Po => "po",
        }
    }
}

/// The catalog written in `format`.
pub fn write(c: &export::Catalog, format: Format) -> String {
    match format {
        Format::Po => po::write(c),
    }
}
