//! Book: a book opened from its folder — book.toml read and checked, and the canonical paths of
//! the book and its guides. Everything after loading takes a `Book`.

use std::path::{Path, PathBuf};

use crate::{config, error::Error};

/// What the command line chose to render: profiles (`--profile`) and variables (`--set`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub profiles: Vec<String>,
    pub set: crate::variables::Vars,
}

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
    /// What a build renders: one variant per selected profile (at least one).
    pub variants: Vec<crate::variant::Variant>,
    /// Make no network requests (the PDF output's remote images come from the cache only).
    pub offline: bool,
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
        Book::with_config(root, dir, config)
    }

    /// Opens the book in `dir` as if its book.toml held `text` (an editor's unsaved buffer).
    pub fn open_text(dir: &Path, text: &str) -> Result<Book, Error> {
        let root = std::fs::canonicalize(dir)
            .map_err(|e| anyhow::anyhow!("failed to open `{}`: {e}", dir.display()))?;
        let shown = crate::diag::shown_path(dir, Path::new(config::CONFIG_FILE));
        // The limit a book.toml read from disk has.
        if text.len() as u64 > config::MAX_CONFIG_BYTES {
            return Err(Error::Config(config::ConfigError::Unreadable {
                path: shown,
                message: "a book.toml is a UTF-8 text file of at most 1 MiB".into(),
            }));
        }
        let config = config::parse(text, &shown, &root)?;
        Book::with_config(root, dir, config)
    }

    fn with_config(root: PathBuf, dir: &Path, config: config::Config) -> Result<Book, Error> {
        let src = std::fs::canonicalize(root.join(&config.book.src))
            .map_err(|e| anyhow::anyhow!("failed to open `{}`: {e}", config.book.src.display()))?;
        let variants =
            crate::variant::select(&config, &[], &Default::default()).unwrap_or_else(|_| {
                vec![crate::variant::Variant::new(
                    &config,
                    None,
                    &Default::default(),
                )]
            });
        Ok(Book {
            root,
            shown_root: dir.to_path_buf(),
            src,
            config,
            variants,
            offline: false,
        })
    }

    /// Opens the book and selects what to render (see [`Book::select`]).
    pub fn open_with(dir: &Path, selection: &Selection) -> Result<Book, Error> {
        let mut book = Book::open(dir)?;
        book.select(selection)?;
        Ok(book)
    }

    /// Selects the profiles to render (none named: book.toml's choice) and the `--set`
    /// variables. A profile book.toml does not declare is a configuration error.
    pub fn select(&mut self, selection: &Selection) -> Result<(), Error> {
        self.variants = crate::variant::select(&self.config, &selection.profiles, &selection.set)
            .map_err(|failure| Error::Config(config::ConfigError::Profile(failure)))?;
        Ok(())
    }

    /// The variant `check` and `watch` use: the first selected.
    pub fn variant(&self) -> crate::variant::Variant {
        self.variants.first().cloned().unwrap_or_default()
    }

    /// The output folder: `dest_dir` if given, else `build-dir` from book.toml.
    pub fn dest(&self, dest_dir: Option<&Path>) -> PathBuf {
        match dest_dir {
            Some(d) => d.to_path_buf(),
            None => self.root.join(&self.config.build.build_dir),
        }
    }
}
