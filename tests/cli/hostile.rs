//! Hostile inputs: each test is named for what it attacks. Nothing outside the book is read,
//! written or deleted, whatever the command line, book.toml, a planted link or the content says.

mod bounds;
mod captures;
mod data_loss;
#[cfg(feature = "lsp")]
mod editor;
mod exchange;
pub(crate) mod formats;
mod git;
#[cfg(feature = "pdf")]
mod handouts;
#[cfg(feature = "pdf")]
mod images;
mod imports;
mod lint_http;
mod marks;
mod markup;
mod publishing;
mod remote_images;
#[cfg(feature = "serve")]
mod server;
mod streams;
mod themes;
#[cfg(feature = "pdf")]
mod typst;
#[cfg(feature = "serve")]
mod watching;
mod writes;
