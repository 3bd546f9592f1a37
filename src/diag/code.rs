//! Diagnostics: the registry of every problem code, with its default severity and the one-line
//! summary the README's table shows (a test holds the two together), like ruff's `DiagnosticId`.

use super::Severity;

/// Writes the registry from one row per code (code, default severity, summary): the enum, the
/// list in the README's order, the code as text and its entry, so a code cannot be added to one
/// and forgotten in another.
macro_rules! codes {
    ($($code:ident $severity:ident $summary:literal,)*) => {
        /// Every diagnostic stepbook reports. `E…` errors in guides and book.toml (`E1…` book.toml),
        /// `W…` warnings, `L…` found by `lint`, `I…` by `import`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $code,)*
        }

        impl Code {
            /// Every code, in the README's order.
            pub const ALL: &[Code] = &[$(Code::$code,)*];

            /// The code as written: `E001`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            fn entry(self) -> (Severity, &'static str) {
                match self {
                    $(Code::$code => (Severity::$severity, $summary),)*
                }
            }
        }
    };
}

// One row per code, in the README's order: code, default severity, summary (the README's table;
// a test compares the two).
codes! {
    E001 Error   r#"invalid YAML: syntax, duplicate key, or the alias/nesting budget (values, text, depth) exceeded (alias bombs)"#,
    E002 Error   r#"unknown field (with "did you mean"; when that is a missing required field, the one problem: no `E004` for it too)"#,
    E003 Error   r#"wrong type (a list where text is expected, ...)"#,
    E004 Error   r#"missing required field"#,
    E005 Error   r#"empty `sections` or `steps`"#,
    E006 Error   r#"value not allowed, e.g. an unknown note kind (the allowed ones are listed)"#,
    E007 Error   r#"malformed duration or wait (with the short form when it was written in words)"#,
    E008 Error   r#"invalid id (`[a-z0-9-]+`)"#,
    E009 Error   r#"duplicate guide, section or step id"#,
    E010 Error   r#"local screenshot (or image in Markdown text) not found, or an empty `src`; with a "did you mean" when a file of that name is elsewhere in the book, or one in its folder with a close name (a typo)"#,
    E011 Error   r#"screenshot or image path resolves outside the book's root"#,
    E012 Error   r#"guide file is not UTF-8"#,
    E013 Error   r#"guide file is empty"#,
    E014 Error   r#"guide file is too large (over 2 MiB)"#,
    E015 Error   r#"guide file (or a folder under `src`) cannot be read, or is not a regular file (links are not followed)"#,
    E016 Error   r#"screenshot URL with a scheme other than http(s), without a host, or with a space"#,
    E017 Error   r#"local screenshot or image cannot be published: hidden (or in a hidden folder), or its bytes are not a PNG, JPEG, GIF or WebP image (SVG is refused: it can carry scripts)"#,
    E018 Error   r#"substeps nested more than 8 levels deep"#,
    E019 Error   r#"text (in a guide or book.toml) holds a control character other than tab and line breaks, or a Unicode noncharacter (U+FFFE, U+FDD0…)"#,
    E020 Error   r#"template error (also: one page took more than 10 s to render, the build was interrupted, or a template or theme file is over its size cap or not a regular file)"#,
    E021 Error   r#"`{{ name }}` placeholder with no value (did you mean …?)"#,
    E022 Error   r#"a variable's value holds a backtick and is used inside code"#,
    E023 Error   r#"the build's profile leaves a section with no steps, or a guide with no sections"#,
    E024 Error   r#"(handouts) the roster cannot be used: no header, no rows, a bad row, a column the guide uses is missing or empty, a `url` that is not http(s), a value or a list too long"#,
    E025 Error   r#"a guide file's language suffix (`x.de.yaml`) names a language book.toml does not declare"#,
    E026 Error   r#"a translation's `id` differs from its source's, or a guide id is a language's folder"#,
    E027 Error   r#"the variables' values make a guide larger than 16 MiB"#,
    E028 Error   r#"(i18n) a translators' file (PO, XLIFF) cannot be used: its syntax, a broken header, plural forms, an entry without a context or a context twice, a DOCTYPE or entity, over the size cap"#,
    E029 Error   r#"(i18n) a translation's `{{ placeholders }}` or link targets differ from its source's"#,
    E030 Error   r#"a mark over a screenshot is not usable: not exactly one of `box`, `arrow`, `callout` (with `at`) or `highlight`; the wrong count of coordinates; a negative, NaN, infinite or inverted coordinate; outside the image's size; a callout number outside 1-99 or twice; over 200 marks on one image"#,
    E031 Error   r#"a screenshot's capture record cannot be used: `captured` not a YYYY-MM-DD date or in the future, `source` not an http(s) address, `selector` empty or multi-line, `width` outside 1-10000"#,
    E101 Error   r#"invalid TOML in book.toml"#,
    E102 Error   r#"the guides folder (`src`) does not exist"#,
    E103 Error   r#"the theme folder does not exist, or the theme is not a plain folder name"#,
    E104 Error   r#"`src`, `build-dir`, `cache-dir` or a `[output.pdf] fonts` path leads out of the book (absolute, `..`, or a link), or a font path is missing or not a font file"#,
    E105 Error   r#"`[variables]`, `[profiles]` or a profile named by the build is not usable (name, tag, undeclared profile)"#,
    E106 Error   r#"`[languages]` is not usable: a code that is not a language tag (or not written as BCP 47 recommends), more than 64 languages, an interface string that does not exist"#,
    W001 Warning r#"screenshot without `alt`"#,
    W002 Warning r#"screenshot with empty `alt`"#,
    W003 Warning r#"raw HTML in a Markdown field (removed from the output)"#,
    W004 Warning r#"link with a forbidden scheme in a Markdown field (removed)"#,
    W010 Warning r#"the book has no guides"#,
    W011 Warning r#"a guide file's name is not UTF-8 (skipped)"#,
    W012 Warning r#"a guide file is a link (skipped: links are not followed)"#,
    W013 Warning r#"`only:` names a tag that no profile declares"#,
    W014 Warning r#"an image the PDF cannot show (offline, the fetch failed, damaged, over `max-image-pixels`): a framed placeholder with its alt text is printed"#,
    W015 Warning r#"(handouts) the same value twice in the roster's `code` column"#,
    W016 Warning r#"(handouts) no QR code: no `base-url` and no `url` (for the book or a row), or an address too long for one (printed as text)"#,
    W017 Warning r#"a book language has no built-in interface strings and book.toml does not give them all: English is used for the rest"#,
    W018 Warning r#"a translation differs from its source: section or step ids, step or screenshot counts, `only` tags"#,
    W019 Warning r#"(i18n) an entry of a translators' file matches no text of its guide, or its source text changed since the export (not imported); an XLIFF `<ph>` whose content was edited (the source's placeholder is kept)"#,
    W020 Warning r#"(PDF) a character no available font has a glyph for (it would print as a box): install a font for it or name one in `[output.pdf] fonts`"#,
    W021 Warning r#"the event agenda runs past its `end`, or times a guide that gives no `duration` by an estimate"#,
    W022 Warning r#"a remote screenshot could not be copied into the book (`remote-images = "copy"`): not an image, too large, unreachable, or not cached with `--offline`; the outputs link to its URL"#,
    W023 Warning r#"(handouts --workbook) a guide or book.toml changed after the workbook was built: the copies print it as the last build made it"#,
    W024 Warning r#"a screenshot has marks but its size cannot be known: a local image whose header does not give it, or a remote one `lint` could not measure (`check` does not fetch remote images: `lint` checks their marks' bounds)"#,
    W025 Warning r#"(lint) a screenshot's `captured` date is older than `screenshot-max-age`"#,
    W026 Warning r#"(lint, off by default: `W026 = "warning"` in `[lint.severity]` turns it on) a screenshot has no `captured` date"#,
    W027 Warning r#"(handouts) a row of the roster has no value for a column the handouts print (one warning per column, at its first empty row, naming the others)"#,
    W028 Warning r#"(handouts) the roster's header names a column twice that the handouts neither print nor quote (the first is read; one they print is an error, `E024`)"#,
    L001 Error   r#"(lint) remote screenshot answers an error status"#,
    L002 Error   r#"(lint) remote screenshot is not an image (HTML page, wrong Content-Type, body not an image)"#,
    L003 Warning r#"(lint, warning) redirect: use the final URL"#,
    L004 Error   r#"(lint) URL unreachable or timed out"#,
    L005 Error   r#"(lint) link answers an error status"#,
    L006 Error   r#"(lint) too many redirects"#,
    L010 Error   r#"(lint) local screenshot does not decode as an image"#,
    L011 Warning r#"(lint, warning) local screenshot over `max-image-bytes`"#,
    L012 Warning r#"(lint, warning) local screenshot over `max-image-pixels`"#,
    L013 Warning r#"(lint, warning) extension does not match the image's real format"#,
    L014 Warning r#"(lint, warning) alt text is a placeholder: a generic word (`image`, `screenshot`, …) or the file name"#,
    L015 Error   r#"(lint) `#anchor` link to an id that is not in the guide"#,
    L016 Warning r#"(lint, warning) the bytes at a remote screenshot's URL changed since lint last fetched them, and its `captured` date is older than the change"#,
    L017 Warning r#"(lint, warning) off by default (`L017 = "warning"` in `[lint.severity]` turns it on): two screenshots look the same by perceptual hash (re-encoded, resized, the same screen twice)"#,
    L018 Warning r#"(lint, warning) an image in a folder of the book's screenshots that no guide uses"#,
    I001 Warning r#"(import, warning) something in the Markdown that has no field: kept as text, or a placeholder"#,
    I002 Warning r#"(import, warning) image alt text is a placeholder: describe what the picture shows"#,
    I003 Warning r#"(import, warning) a wait said in words ("a few minutes"): set `wait:` if readers must wait"#,
    I004 Warning r#"(import, warning) a local image that does not exist"#,
    I005 Warning r#"(import, warning) a duration that is a range or not understood: check the `duration` imported"#,
    I006 Warning r#"(import, warning) `@lab.Variable(name)` became a `{{ name }}` placeholder: the book must define these variables"#,
}

impl Code {
    /// The severity a problem of this code has unless `[lint.severity]` says otherwise.
    pub fn default_severity(self) -> Severity {
        self.entry().0
    }

    /// Whether the code is reported only when `[lint.severity]` turns it on: a screenshot
    /// without a date is common and fine for many books; a perceptual hash decodes every image
    /// and can match two steps of one wizard.
    pub fn off_by_default(self) -> bool {
        matches!(self, Code::W026 | Code::L017)
    }

    /// One line saying what the code means (the README's table).
    pub fn summary(self) -> &'static str {
        self.entry().1
    }

    /// The code written as text (`"E001"`, any case); `None` for a code that does not exist.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(!c.summary().is_empty());
        }
        assert_eq!(Code::parse("e001"), Some(Code::E001));
        assert_eq!(Code::parse("E999"), None);
    }
}
