//! Diagnostics: the registry of every problem code, with its default severity and the one-line
//! summary the README's table shows (a test holds the two together), like ruff's `DiagnosticId`.

use super::Severity;

/// Every diagnostic stepbook reports. `E…` errors in guides and book.toml (`E1…` book.toml),
/// `W…` warnings, `L…` found by `lint`, `I…` by `import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    E001,
    E002,
    E003,
    E004,
    E005,
    E006,
    E007,
    E008,
    E009,
    E010,
    E011,
    E012,
    E013,
    E014,
    E015,
    E016,
    E017,
    E018,
    E019,
    E020,
    E021,
    E022,
    E023,
    E024,
    E025,
    E026,
    E027,
    E101,
    E102,
    E103,
    E104,
    E105,
    E106,
    W001,
    W002,
    W003,
    W004,
    W010,
    W011,
    W012,
    W013,
    W014,
    W015,
    W016,
    W017,
    W018,
    L001,
    L002,
    L003,
    L004,
    L005,
    L006,
    L010,
    L011,
    L012,
    L013,
    L014,
    L015,
    I001,
    I002,
    I003,
    I004,
    I005,
    I006,
}

impl Code {
    /// Every code, in the README's order.
    pub const ALL: &[Code] = &[
        Code::E001,
        Code::E002,
        Code::E003,
        Code::E004,
        Code::E005,
        Code::E006,
        Code::E007,
        Code::E008,
        Code::E009,
        Code::E010,
        Code::E011,
        Code::E012,
        Code::E013,
        Code::E014,
        Code::E015,
        Code::E016,
        Code::E017,
        Code::E018,
        Code::E019,
        Code::E020,
        Code::E021,
        Code::E022,
        Code::E023,
        Code::E024,
        Code::E025,
        Code::E026,
        Code::E027,
        Code::E101,
        Code::E102,
        Code::E103,
        Code::E104,
        Code::E105,
        Code::E106,
        Code::W001,
        Code::W002,
        Code::W003,
        Code::W004,
        Code::W010,
        Code::W011,
        Code::W012,
        Code::W013,
        Code::W014,
        Code::W015,
        Code::W016,
        Code::W017,
        Code::W018,
        Code::L001,
        Code::L002,
        Code::L003,
        Code::L004,
        Code::L005,
        Code::L006,
        Code::L010,
        Code::L011,
        Code::L012,
        Code::L013,
        Code::L014,
        Code::L015,
        Code::I001,
        Code::I002,
        Code::I003,
        Code::I004,
        Code::I005,
        Code::I006,
    ];

    /// The code as written: `E001`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::E001 => "E001",
            Code::E002 => "E002",
            Code::E003 => "E003",
            Code::E004 => "E004",
            Code::E005 => "E005",
            Code::E006 => "E006",
            Code::E007 => "E007",
            Code::E008 => "E008",
            Code::E009 => "E009",
            Code::E010 => "E010",
            Code::E011 => "E011",
            Code::E012 => "E012",
            Code::E013 => "E013",
            Code::E014 => "E014",
            Code::E015 => "E015",
            Code::E016 => "E016",
            Code::E017 => "E017",
            Code::E018 => "E018",
            Code::E019 => "E019",
            Code::E020 => "E020",
            Code::E021 => "E021",
            Code::E022 => "E022",
            Code::E023 => "E023",
            Code::E024 => "E024",
            Code::E025 => "E025",
            Code::E026 => "E026",
            Code::E027 => "E027",
            Code::E101 => "E101",
            Code::E102 => "E102",
            Code::E103 => "E103",
            Code::E104 => "E104",
            Code::E105 => "E105",
            Code::E106 => "E106",
            Code::W001 => "W001",
            Code::W002 => "W002",
            Code::W003 => "W003",
            Code::W004 => "W004",
            Code::W010 => "W010",
            Code::W011 => "W011",
            Code::W012 => "W012",
            Code::W013 => "W013",
            Code::W014 => "W014",
            Code::W015 => "W015",
            Code::W016 => "W016",
            Code::W017 => "W017",
            Code::W018 => "W018",
            Code::L001 => "L001",
            Code::L002 => "L002",
            Code::L003 => "L003",
            Code::L004 => "L004",
            Code::L005 => "L005",
            Code::L006 => "L006",
            Code::L010 => "L010",
            Code::L011 => "L011",
            Code::L012 => "L012",
            Code::L013 => "L013",
            Code::L014 => "L014",
            Code::L015 => "L015",
            Code::I001 => "I001",
            Code::I002 => "I002",
            Code::I003 => "I003",
            Code::I004 => "I004",
            Code::I005 => "I005",
            Code::I006 => "I006",
        }
    }

    /// The severity a problem of this code has unless `[lint.severity]` says otherwise.
    pub fn default_severity(self) -> Severity {
        self.entry().0
    }

    /// One line saying what the code means (the README's table).
    pub fn summary(self) -> &'static str {
        self.entry().1
    }

    fn entry(self) -> (Severity, &'static str) {
        match self {
            Code::E001 => (
                Severity::Error,
                r#"invalid YAML: syntax, duplicate key, or the alias/nesting budget (values, text, depth) exceeded (alias bombs)"#,
            ),
            Code::E002 => (Severity::Error, r#"unknown field (with "did you mean")"#),
            Code::E003 => (
                Severity::Error,
                r#"wrong type (a list where text is expected, ...)"#,
            ),
            Code::E004 => (Severity::Error, r#"missing required field"#),
            Code::E005 => (Severity::Error, r#"empty `sections` or `steps`"#),
            Code::E006 => (
                Severity::Error,
                r#"value not allowed, e.g. an unknown note kind (the allowed ones are listed)"#,
            ),
            Code::E007 => (
                Severity::Error,
                r#"malformed duration or wait (with the short form when it was written in words)"#,
            ),
            Code::E008 => (Severity::Error, r#"invalid id (`[a-z0-9-]+`)"#),
            Code::E009 => (Severity::Error, r#"duplicate guide, section or step id"#),
            Code::E010 => (
                Severity::Error,
                r#"local screenshot (or image in Markdown text) not found, or an empty `src`; with a "did you mean" when a file of that name is elsewhere in the book"#,
            ),
            Code::E011 => (
                Severity::Error,
                r#"screenshot or image path resolves outside the book's root"#,
            ),
            Code::E012 => (Severity::Error, r#"guide file is not UTF-8"#),
            Code::E013 => (Severity::Error, r#"guide file is empty"#),
            Code::E014 => (Severity::Error, r#"guide file is too large (over 2 MiB)"#),
            Code::E015 => (
                Severity::Error,
                r#"guide file (or a folder under `src`) cannot be read, or is not a regular file (links are not followed)"#,
            ),
            Code::E016 => (
                Severity::Error,
                r#"screenshot URL with a scheme other than http(s), without a host, or with a space"#,
            ),
            Code::E017 => (
                Severity::Error,
                r#"local screenshot or image cannot be published: hidden (or in a hidden folder), or its bytes are not a PNG, JPEG, GIF or WebP image (SVG is refused: it can carry scripts)"#,
            ),
            Code::E018 => (
                Severity::Error,
                r#"substeps nested more than 8 levels deep"#,
            ),
            Code::E019 => (
                Severity::Error,
                r#"text (in a guide or book.toml) holds a control character other than tab and line breaks, or a Unicode noncharacter (U+FFFE, U+FDD0…)"#,
            ),
            Code::E020 => (
                Severity::Error,
                r#"template error (also: one page took more than 10 s to render, the build was interrupted, or a template or theme file is over its size cap or not a regular file)"#,
            ),
            Code::E021 => (
                Severity::Error,
                r#"`{{ name }}` placeholder with no value (did you mean …?)"#,
            ),
            Code::E022 => (
                Severity::Error,
                r#"a variable's value holds a backtick and is used inside code"#,
            ),
            Code::E023 => (
                Severity::Error,
                r#"the build's profile leaves a section with no steps, or a guide with no sections"#,
            ),
            Code::E024 => (
                Severity::Error,
                r#"(handouts) the roster cannot be used: no header, no rows, a bad row, a column the guide uses is missing or empty, a `url` that is not http(s), a value or a list too long"#,
            ),
            Code::E025 => (
                Severity::Error,
                r#"a guide file's language suffix (`x.de.yaml`) names a language book.toml does not declare"#,
            ),
            Code::E026 => (
                Severity::Error,
                r#"a translation's `id` differs from its source's, or a guide id is a language's folder"#,
            ),
            Code::E027 => (
                Severity::Error,
                r#"the variables' values make a guide larger than 16 MiB"#,
            ),
            Code::E101 => (Severity::Error, r#"invalid TOML in book.toml"#),
            Code::E102 => (
                Severity::Error,
                r#"the guides folder (`src`) does not exist"#,
            ),
            Code::E103 => (
                Severity::Error,
                r#"the theme folder does not exist, or the theme is not a plain folder name"#,
            ),
            Code::E104 => (
                Severity::Error,
                r#"`src`, `build-dir` or `cache-dir` leads out of the book (absolute, `..`, or a link)"#,
            ),
            Code::E105 => (
                Severity::Error,
                r#"`[variables]`, `[profiles]` or a profile named by the build is not usable (name, tag, undeclared profile)"#,
            ),
            Code::E106 => (
                Severity::Error,
                r#"`[languages]` is not usable: a code that is not a language tag (or not written as BCP 47 recommends), more than 64 languages, an interface string that does not exist"#,
            ),
            Code::W001 => (Severity::Warning, r#"screenshot without `alt`"#),
            Code::W002 => (Severity::Warning, r#"screenshot with empty `alt`"#),
            Code::W003 => (
                Severity::Warning,
                r#"raw HTML in a Markdown field (removed from the output)"#,
            ),
            Code::W004 => (
                Severity::Warning,
                r#"link with a forbidden scheme in a Markdown field (removed)"#,
            ),
            Code::W010 => (Severity::Warning, r#"the book has no guides"#),
            Code::W011 => (
                Severity::Warning,
                r#"a guide file's name is not UTF-8 (skipped)"#,
            ),
            Code::W012 => (
                Severity::Warning,
                r#"a guide file is a link (skipped: links are not followed)"#,
            ),
            Code::W013 => (
                Severity::Warning,
                r#"`only:` names a tag that no profile declares"#,
            ),
            Code::W014 => (
                Severity::Warning,
                r#"an image the PDF cannot show (offline, the fetch failed, damaged, over `max-image-pixels`): a framed placeholder with its alt text is printed"#,
            ),
            Code::W015 => (
                Severity::Warning,
                r#"(handouts) the same value twice in the roster's `code` column"#,
            ),
            Code::W016 => (
                Severity::Warning,
                r#"(handouts) no QR code: no `base-url` and no `url` (for the book or a row), or an address too long for one (printed as text)"#,
            ),
            Code::W017 => (
                Severity::Warning,
                r#"a book language has no built-in interface strings and book.toml does not give them all: English is used for the rest"#,
            ),
            Code::W018 => (
                Severity::Warning,
                r#"a translation differs from its source: section or step ids, step or screenshot counts, `only` tags"#,
            ),
            Code::L001 => (
                Severity::Error,
                r#"(lint) remote screenshot answers an error status"#,
            ),
            Code::L002 => (
                Severity::Error,
                r#"(lint) remote screenshot is not an image (HTML page, wrong Content-Type, body not an image)"#,
            ),
            Code::L003 => (
                Severity::Warning,
                r#"(lint, warning) redirect: use the final URL"#,
            ),
            Code::L004 => (Severity::Error, r#"(lint) URL unreachable or timed out"#),
            Code::L005 => (Severity::Error, r#"(lint) link answers an error status"#),
            Code::L006 => (Severity::Error, r#"(lint) too many redirects"#),
            Code::L010 => (
                Severity::Error,
                r#"(lint) local screenshot does not decode as an image"#,
            ),
            Code::L011 => (
                Severity::Warning,
                r#"(lint, warning) local screenshot over `max-image-bytes`"#,
            ),
            Code::L012 => (
                Severity::Warning,
                r#"(lint, warning) local screenshot over `max-image-pixels`"#,
            ),
            Code::L013 => (
                Severity::Warning,
                r#"(lint, warning) extension does not match the image's real format"#,
            ),
            Code::L014 => (
                Severity::Warning,
                r#"(lint, warning) alt text is a placeholder: a generic word (`image`, `screenshot`, …) or the file name"#,
            ),
            Code::L015 => (
                Severity::Error,
                r#"(lint) `#anchor` link to an id that is not in the guide"#,
            ),
            Code::I001 => (
                Severity::Warning,
                r#"(import, warning) something in the Markdown that has no field: kept as text, or a placeholder"#,
            ),
            Code::I002 => (
                Severity::Warning,
                r#"(import, warning) image alt text is a placeholder: describe what the picture shows"#,
            ),
            Code::I003 => (
                Severity::Warning,
                r#"(import, warning) a wait said in words ("a few minutes"): set `wait:` if readers must wait"#,
            ),
            Code::I004 => (
                Severity::Warning,
                r#"(import, warning) a local image that does not exist"#,
            ),
            Code::I005 => (
                Severity::Warning,
                r#"(import, warning) a duration that is a range or not understood: check the `duration` imported"#,
            ),
            Code::I006 => (
                Severity::Warning,
                r#"(import, warning) `@lab.Variable(name)` became a `{{ name }}` placeholder: the book must define these variables"#,
            ),
        }
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
