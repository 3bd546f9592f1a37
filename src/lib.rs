//! stepbook: step-by-step guides as validated YAML, rendered to an HTML site, Markdown,
//! printable checklists and (feature `pdf`) PDFs and event handouts.
//!
//! The pipeline, one way, run by [`pipeline`] once per selected profile: [`config`] (book.toml)
//! → [`model`] (guide types) → [`load`] (YAML with spans) → [`variant`] (the profile's view:
//! `only:` filtered, `{{ name }}` substituted) → [`validate`] → [`render`] (html, markdown,
//! checklist, pdf) → [`output`] (atomic swap, every profile in one). ARCHITECTURE.md has the
//! module map.
//!
//! The command-line interface is not here: it is the `stepbook` binary's own module tree
//! (`src/main.rs` owns `src/cmd/`), so nothing in the library can reach it.

pub mod book;
pub mod config;
pub mod diag;
pub mod duration;
pub mod error;
pub mod escape;
pub mod exchange;
#[cfg(feature = "pdf")]
pub mod handouts;
pub mod highlight;
pub mod i18n;
pub mod import;
pub mod init;
pub mod layout;
pub mod lint;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod remote;
pub mod render;
pub mod safe_fs;
pub mod schema;
#[cfg(feature = "serve")]
pub mod serve;
pub mod shots;
pub mod source;
#[cfg(test)]
mod testing;
pub mod translations;
pub mod validate;
pub mod variables;
pub mod variant;
#[cfg(feature = "watch")]
pub mod watch;

pub use book::{Book, Selection};
pub use diag::shown_path;
pub use error::{Error, exit};
pub use pipeline::{BuildOptions, BuildReport, Checked, build, build_kept, timed};
pub use schema::guide_schema;
