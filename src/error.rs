//! Errors: why a command failed, which decides its exit code, and how it is shown.

use crate::config;
use crate::diag::{Diagnostics, Sources};

/// Exit codes, as documented in the README and `--help`.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILURE: i32 = 1;
    pub const CONTENT: i32 = 2;
    pub const CONFIG: i32 = 3;
}

/// Why a command failed, which decides its exit code.
#[derive(Debug)]
pub enum Error {
    /// book.toml is missing or wrong (exit 3).
    Config(config::ConfigError),
    /// Problems in the guides or templates (exit 2), with the texts they point into.
    Content {
        diagnostics: Diagnostics,
        sources: Sources,
    },
    /// A command-line argument names nothing usable (a guide that is not there, a folder
    /// outside the book): exit 2, as clap's own usage errors.
    Usage(crate::diag::Failure),
    /// Anything else: I/O, a bug (exit 1).
    Other(anyhow::Error),
    /// Problems found and already printed (e.g. by `lint` in its output format): exit 2.
    Reported,
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => exit::CONFIG,
            Error::Content { .. } | Error::Reported | Error::Usage(_) => exit::CONTENT,
            Error::Other(_) => exit::FAILURE,
        }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Other(e)
    }
}

impl From<crate::diag::Failure> for Error {
    fn from(e: crate::diag::Failure) -> Self {
        Error::Other(anyhow::Error::new(e))
    }
}

impl From<config::ConfigError> for Error {
    fn from(e: config::ConfigError) -> Self {
        Error::Config(e)
    }
}

impl Error {
    /// The text a command prints for this error: diagnostics rustc-style, others as
    /// `error: ...`; empty for [`Error::Reported`].
    pub fn render(&self, color: bool) -> String {
        match self {
            Error::Content {
                diagnostics,
                sources,
            }
            | Error::Config(crate::config::ConfigError::Invalid {
                diagnostics,
                sources,
            }) => diagnostics.render(sources, color),
            // A profile name or path from the command line is untrusted too.
            Error::Config(c) => format!("error: {}\n", crate::diag::printable(&c.to_string())),
            Error::Other(err) => {
                format!("error: {}\n", crate::diag::printable(&format!("{err:#}")))
            }
            Error::Usage(f) => format!("error: {}\n", crate::diag::printable(&f.to_string())),
            Error::Reported => String::new(),
        }
    }
}
