//! Init: writes a new book (book.toml, an example guide that uses every field, the JSON Schema,
//! .gitignore) and, with `--theme`, the built-in templates and theme for editing.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::diag::Failure;

/// Options of `stepbook init`.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Also write the built-in templates and the default theme.
    pub theme: bool,
    /// Overwrite files that exist.
    pub force: bool,
}

const BOOK_TOML: &str = include_str!("book.toml");
const EXAMPLE_GUIDE: &str = include_str!("example.yaml");
const EXAMPLE_PNG: &[u8] = include_bytes!("example.png");
const GITIGNORE: &str = "/book\n/.book.stepbook-spare\n/.stepbook-cache\n";

/// The files `init` writes: (path relative to the book, contents).
pub fn files(opts: &InitOptions) -> Vec<(PathBuf, Vec<u8>)> {
    let schema = serde_json::to_string_pretty(&crate::schema::guide_schema_document())
        .expect("the schema serialises");
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("book.toml".into(), BOOK_TOML.into()),
        ("content/example.yaml".into(), EXAMPLE_GUIDE.into()),
        ("content/img/example.png".into(), EXAMPLE_PNG.into()),
        (
            crate::schema::SCHEMA_FILE.into(),
            format!("{schema}\n").into_bytes(),
        ),
        (".gitignore".into(), GITIGNORE.into()),
    ];
    if opts.theme {
        for (name, text) in crate::render::TEMPLATES {
            files.push((Path::new("templates").join(name), text.as_bytes().to_vec()));
        }
        for (name, text) in crate::render::THEME {
            files.push((
                Path::new("themes/default").join(name),
                text.as_bytes().to_vec(),
            ));
        }
    }
    files
}

/// Writes a new book into `dir`; refuses to overwrite anything unless `force`. Returns the files
/// written.
pub fn init(dir: &Path, opts: &InitOptions) -> anyhow::Result<Vec<PathBuf>> {
    let files = files(opts);
    if !opts.force {
        let existing: Vec<String> = files
            .iter()
            // A link counts as existing even when it dangles: it is never written through.
            .filter(|(p, _)| std::fs::symlink_metadata(dir.join(p)).is_ok())
            .map(|(p, _)| format!("  {}", crate::diag::shown_path(dir, p).display()))
            .collect();
        if !existing.is_empty() {
            bail!(
                Failure::new(format!(
                    "these files exist already; nothing was written:\n{}",
                    existing.join("\n")
                ))
                .help("use --force to overwrite them, or choose another folder")
            );
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        crate::safe_fs::write_new(&path, &bytes, opts.force)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_book_builds_cleanly_and_uses_every_field() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), &InitOptions::default()).unwrap();
        let book = crate::book::Book::open(dir.path()).unwrap();
        let checked = book.check().unwrap();
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        // Every field of the schema appears as a key in the example guide.
        let schema = crate::schema::guide_schema();
        let mut names = Vec::new();
        for def in schema["$defs"]
            .as_object()
            .unwrap()
            .values()
            .chain([schema])
        {
            if let Some(props) = def.get("properties").and_then(|p| p.as_object()) {
                names.extend(props.keys().cloned());
            }
        }
        for name in names {
            assert!(
                EXAMPLE_GUIDE.contains(&format!("{name}:")),
                "the example guide does not show `{name}`"
            );
        }
    }

    #[test]
    fn refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), "mine").unwrap();
        let e = init(dir.path(), &InitOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("book.toml"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("book.toml")).unwrap(),
            "mine"
        );
        assert!(!dir.path().join("content").exists(), "nothing written");
        init(
            dir.path(),
            &InitOptions {
                theme: true,
                force: true,
            },
        )
        .unwrap();
        assert!(dir.path().join("templates/guide.html").exists());
        assert!(dir.path().join("themes/default/style.css").exists());
    }
}
