//! Safe file access for untrusted books: read only regular files, never more than a byte cap
//! (a FIFO, `/dev/zero` or a huge file cannot hang or exhaust memory), and create files without
//! following a link planted where the file goes; the one true name of a path (links and `..`
//! resolved) for checks that must not be fooled by spelling.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Reads the regular file at `path`, at most `max` bytes.
///
/// The file is opened without blocking (a FIFO does not wait for a writer) and checked on the
/// open handle, so what is read is what was checked. A file that is not regular, or that turns
/// out larger than `max` while it is read (the size a device or `/proc` reports cannot be
/// trusted), is an error saying so.
pub fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file (a folder, FIFO, socket or device)",
        ));
    }
    if meta.len() > max {
        return Err(too_large(meta.len(), max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(read_regular(path, max)?).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn too_large(len: u64, max: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "it is larger than {} (at least {} bytes)",
            human_bytes(max),
            len
        ),
    )
}

/// `1 MiB`, `64 KiB`, `512 bytes`.
pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc_o_nonblock())
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// `O_NONBLOCK`, which differs between platforms (std has no constant for it).
#[cfg(unix)]
const fn libc_o_nonblock() -> i32 {
    if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd"
    )) {
        0x0004
    } else {
        0o4000
    }
}

/// A new temporary file in the folder of `path`, to be renamed over it: created exclusively
/// under a random name (a planted link is never written through), readable by all as a
/// published file must be (`0644`; the umask still applies).
pub fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(crate::layout::TMP_PREFIX);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder.tempfile_in(parent)
}

/// Writes `bytes` to a new file at `path`, atomically: a temporary file beside it (created
/// exclusively, so no planted link is followed) renamed into place. With `overwrite` false, an
/// existing entry at `path` (a file, or a link even if it dangles) is an error, checked again at
/// the rename so nothing created meanwhile is replaced.
pub fn write_new(path: &Path, bytes: &[u8], overwrite: bool) -> std::io::Result<()> {
    use std::io::Write;
    if !overwrite && std::fs::symlink_metadata(path).is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it already exists",
        ));
    }
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    if overwrite {
        tmp.persist(path).map(|_| ()).map_err(|e| e.error)
    } else {
        tmp.persist_noclobber(path).map(|_| ()).map_err(|e| e.error)
    }
}

/// `path` made absolute, with `.` and `..` applied and every symlink resolved, component by
/// component, as far as the path exists: the one name of the folder a destination really is.
///
/// `..` is applied after the component before it is resolved, as the file system would, so
/// `q/../book` is `book` and `out/link/..` is the parent of the link's target. Checks made on
/// this path cannot be fooled by spelling.
pub fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(path)
        .with_context(|| format!("failed to resolve `{}`", path.display()))?;
    let mut out = PathBuf::new();
    for part in abs.components() {
        match part {
            std::path::Component::Prefix(_) | std::path::Component::RootDir => {
                out.push(part.as_os_str())
            }
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(name) => {
                out.push(name);
                if std::fs::symlink_metadata(&out).is_ok() {
                    out = std::fs::canonicalize(&out).with_context(|| {
                        format!("failed to resolve `{}` (a broken link?)", out.display())
                    })?;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_cap_only() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(read_regular(&f, 5).unwrap(), b"hello");
        let e = read_regular(&f, 4).unwrap_err();
        assert!(e.to_string().contains("larger than 4 bytes"), "{e}");
        let e = read_regular(dir.path(), 100).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_and_fifos_are_refused_without_waiting() {
        let e = read_regular(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let e = read_regular(&fifo, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn write_new_never_follows_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("out.yaml");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(write_new(&link, b"new", false).is_err());
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("d.yaml")).unwrap();
        assert!(
            write_new(&dir.path().join("d.yaml"), b"new", false).is_err(),
            "a dangling link counts as existing"
        );
        write_new(&link, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "new");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }
}
