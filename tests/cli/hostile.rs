//! Hostile inputs: each test is named for what it attacks. Nothing outside the book is read,
//! written or deleted, whatever the command line, book.toml, a planted link or the content says.

mod bounds;
mod data_loss;
mod editor;
pub mod formats;
mod lint_http;
mod markup;
mod publishing;
mod server;
mod themes;
mod watching;
mod writes;
