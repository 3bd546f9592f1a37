//! Where `stepbook handouts` writes its PDF, checked before the print run and again before the
//! write: never over the book's own files, its build output or the roster being read, never over a device, a
//! folder, a FIFO or a link, never over a file that is not a PDF; `-` is standard output.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`--out -`).
    Stdout,
    /// A file; `replaces` when a PDF is there already (it is replaced whole, by a rename).
    File { path: PathBuf, replaces: bool },
}

/// Checks that the PDF may be written to `out`: `-` is standard output; a file may be new, or
/// an existing PDF, but never one of `book`'s sources (book.toml, anything in the guides
/// folder), anything in its build output (`built`: `build-dir`, or `--dest-dir`), the `roster`, or anything that is not a regular
/// file. `Err` says why not.
pub fn destination(
    out: &Path,
    book: &crate::book::Book,
    roster: Option<&Path>,
    built: &Path,
) -> Result<Destination, String> {
    if out.as_os_str() == "-" {
        return Ok(Destination::Stdout);
    }
    // A dangling link has no real path; it is refused below as a link.
    if let Ok(real) = crate::safe_fs::absolute(out) {
        let same = |p: &Path| crate::safe_fs::absolute(p).is_ok_and(|r| r == real);
        if roster.is_some_and(same) {
            return Err("it is the roster being read".into());
        }
        if same(&book.root.join(crate::config::CONFIG_FILE)) {
            return Err("it is the book's book.toml".into());
        }
        if real.starts_with(&book.src) {
            return Err("it is inside the book's guides folder, among its sources".into());
        }
        // The build writes (and replaces) everything there, and publishes the site from it:
        // a print file of names and codes there would be put online, or lost at the next build.
        let built = crate::safe_fs::absolute(built).unwrap_or_else(|_| built.to_path_buf());
        if real.starts_with(&built) {
            return Err(format!(
                "it is inside the book's build output (`{}`), which the next build replaces and the site publishes",
                built.strip_prefix(&book.root).unwrap_or(&built).display()
            ));
        }
    }
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let folder = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !folder.is_dir() {
                return Err(format!(
                    "its folder `{}` does not exist (create it first)",
                    folder.display()
                ));
            }
            return Ok(Destination::File {
                path: out.to_path_buf(),
                replaces: false,
            });
        }
        Err(e) => return Err(format!("it cannot be examined: {e}")),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err("it is a link (give the file itself)".into());
    }
    if kind.is_dir() {
        return Err("it is a folder (give a file name, like `handouts.pdf`)".into());
    }
    if !kind.is_file() {
        return Err("it is not a regular file (a device, FIFO or socket)".into());
    }
    if !is_pdf(out) {
        return Err("it exists and is not a PDF (only a PDF is ever replaced)".into());
    }
    Ok(Destination::File {
        path: out.to_path_buf(),
        replaces: true,
    })
}

/// Whether the regular file at `path` starts as a PDF does (`%PDF-`).
fn is_pdf(path: &Path) -> bool {
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|f| f.take(5).read_exact(&mut head))
        .is_ok()
        && &head == b"%PDF-"
}
