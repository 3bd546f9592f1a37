//! Diagnostics: a failure outside the user's content (a flag, a folder, a port, a missing
//! book.toml) with what to do about it. It prints like a diagnostic without a place: the
//! message, then `= help:` and `= note:` lines, written here once instead of by each error.

/// Why a command cannot go on, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// What else helps to see it (the names that exist, ...).
    pub notes: Vec<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        for note in &self.notes {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_and_notes_follow_the_message() {
        let f = Failure::new("no guide `x`")
            .help("did you mean `y`?")
            .note("the guides are `y`");
        assert_eq!(
            f.to_string(),
            "no guide `x`\n  = help: did you mean `y`?\n  = note: the guides are `y`"
        );
        assert_eq!(Failure::new("m").to_string(), "m");
    }
}
