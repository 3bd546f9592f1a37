//! Book: a book opened from its folder — book.toml read and checked, and the canonical paths of
//! the book and its guides. Everything after loading takes a `Book`.

use std::path::{Path, PathBuf};

use crate::{Error, config};

/// A book opened from its folder: configuration and canonical paths.
#[derive(Debug, Clone)]
pub struct Book {
    /// Canonical path of the folder holding book.toml.
    pub root: PathBuf,
    /// The folder as the user wrote it, for messages.
    pub shown_root: PathBuf,
    /// Canonical path of the guides folder.
    pub src: PathBuf,
    pub config: config::Config,
}

impl Book {
    /// Opens the book in `dir`: reads and checks book.toml.
    pub fn open(dir: &Path) -> Result<Book, Error> {
        let root = std::fs::canonicalize(dir).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Config(config::ConfigError::Missing {
                    path: dir.to_path_buf(),
                })
            } else {
                Error::Other(anyhow::anyhow!("failed to open `{}`: {e}", dir.display()))
            }
        })?;
        let config = config::load(&root, dir)?;
        let src = std::fs::canonicalize(root.join(&config.book.src))
            .map_err(|e| anyhow::anyhow!("failed to open `{}`: {e}", config.book.src.display()))?;
        Ok(Book {
            root,
            shown_root: dir.to_path_buf(),
            src,
            config,
        })
    }

    /// The output folder: `dest_dir` if given, else `build-dir` from book.toml.
    pub fn dest(&self, dest_dir: Option<&Path>) -> PathBuf {
        match dest_dir {
            Some(d) => d.to_path_buf(),
            None => self.root.join(&self.config.build.build_dir),
        }
    }
}
