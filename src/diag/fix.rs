//! Diagnostics: a structured fix, the bytes of the diagnostic's file to replace and the text to
//! put there. The help's "did you mean `x`?", `check --format json` and the language server's
//! quick fixes are all made from it, so rewording a message cannot break a quick fix.

use std::ops::Range;

/// A change that repairs a problem: replace `span` of the diagnostic's file with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Byte range in the text of the file the diagnostic names.
    pub span: Range<usize>,
    /// The text to put there, as it is written in the file (`"a4"` for a TOML string).
    pub replacement: String,
    /// What the fix puts there as a reader names it (`a4`): the help's "did you mean `a4`?".
    pub shown: String,
}

impl Fix {
    /// Replaces `span` with `replacement`, named as written.
    pub fn new(span: Range<usize>, replacement: impl Into<String>) -> Fix {
        let replacement = replacement.into();
        Fix {
            span,
            shown: replacement.clone(),
            replacement,
        }
    }

    /// Replaces `span` with `written`, which is how the value `shown` is written there (quoted,
    /// escaped).
    pub fn written(span: Range<usize>, shown: impl Into<String>, written: String) -> Fix {
        Fix {
            span,
            replacement: written,
            shown: shown.into(),
        }
    }

    /// The help that offers it: "did you mean `x`?".
    pub fn did_you_mean(&self) -> String {
        suggestion(&self.shown)
    }

    /// A one-line name for the change, for an editor's list of actions.
    pub fn title(&self) -> String {
        format!("Replace with `{}`", self.shown)
    }
}

/// The help that suggests `word`: "did you mean `word`?". For a suggestion that has a place in a
/// file use [`super::Diagnostic::suggest`], which also attaches the [`Fix`]; this alone is for
/// one that has none (a command-line flag, a file name).
pub fn suggestion(word: &str) -> String {
    format!("did you mean `{word}`?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_names_the_value_not_its_quotes() {
        let f = Fix::written(4..8, "a4", "\"a4\"".into());
        assert_eq!(f.did_you_mean(), "did you mean `a4`?");
        assert_eq!(f.replacement, "\"a4\"");
        assert_eq!(Fix::new(0..1, "x").title(), "Replace with `x`");
    }
}
