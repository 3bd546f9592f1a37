//! One download: a folder of the output (the HTML site) written as a zip file, byte for byte the
//! same for the same files (entries sorted by name, one fixed timestamp), holding only regular
//! files found inside the folder (no link is followed, no name leaves it), written under a
//! temporary name and renamed into place.
//!
//! Written by hand with flate2 and crc32fast (both already in the lean build's tree through
//! `image`'s PNG decoder) rather than with the `zip` crate: writing a zip is three small records
//! per file, and a new crate would bring its own dependencies for it.

use std::io::Write;
use std::path::{Component, Path};

use anyhow::{Context, bail};

/// The most entries and bytes a zip without the Zip64 extensions holds.
const MAX_ENTRIES: usize = 0xFFFF;
const MAX_OFFSET: u64 = 0xFFFF_FFFF;

/// Every entry's time: 1980-01-01 00:00, the earliest an MS-DOS date can say, so that two
/// builds of the same files write the same bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

/// General purpose flag bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

/// "Version made by": 3 (Unix) in the high byte, so the mode in the external attributes counts;
/// 2.0 in the low byte (deflate).
const MADE_BY: u16 = (3 << 8) | 20;
const NEEDED: u16 = 20;
/// A regular file, `rw-r--r--`, in the high half of the external attributes.
const FILE_MODE: u32 = 0o100644 << 16;

/// What a written zip holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipSummary {
    pub entries: usize,
    pub bytes: u64,
}

/// One entry as the central directory records it.
struct Entry {
    name: String,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// Writes every regular file under `dir` into the zip `to`, each named `<prefix>/<path>`: files
/// in name order (folder by folder), deflated where that makes them smaller. `to` is written
/// under a temporary name beside it and renamed into place, so a failure leaves the file that
/// was there before as it was.
pub fn write_folder(dir: &Path, prefix: &str, to: &Path) -> anyhow::Result<ZipSummary> {
    let mut tmp = crate::safe_fs::temp_beside(to)
        .with_context(|| format!("failed to create a file beside `{}`", to.display()))?;
    let summary = {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        let summary = write_entries(dir, prefix, &mut out)?;
        out.flush()?;
        summary
    };
    tmp.as_file().sync_all().ok();
    tmp.persist(to)
        .with_context(|| format!("failed to write `{}`", to.display()))?;
    Ok(summary)
}

/// The files of `dir` in a stable order, each with its entry name; anything but files and
/// folders (a link, a socket) is left out, and a name that is not plain UTF-8 is refused.
fn files_of(dir: &Path, prefix: &str) -> anyhow::Result<Vec<(std::path::PathBuf, String)>> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name();
    for item in walk {
        let item = item.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if !item.file_type().is_file() {
            continue;
        }
        let rel = item
            .path()
            .strip_prefix(dir)
            .context("a file outside the folder")?;
        files.push((item.path().to_path_buf(), entry_name(prefix, rel)?));
    }
    Ok(files)
}

/// `<prefix>/a/b.html` for `a/b.html`: only plain names, joined by `/`, never absolute or `..`.
fn entry_name(prefix: &str, rel: &Path) -> anyhow::Result<String> {
    let mut name = String::from(prefix);
    for c in rel.components() {
        let (Component::Normal(part), Some(part_str)) = (c, c.as_os_str().to_str()) else {
            bail!("`{}` cannot be named in a zip", rel.display());
        };
        if part_str.contains(['/', '\\']) || part.is_empty() {
            bail!("`{}` cannot be named in a zip", rel.display());
        }
        if !name.is_empty() {
            name.push('/');
        }
        name.push_str(part_str);
    }
    Ok(name)
}

fn write_entries(dir: &Path, prefix: &str, out: &mut impl Write) -> anyhow::Result<ZipSummary> {
    let files = files_of(dir, prefix)?;
    if files.len() > MAX_ENTRIES {
        bail!(
            "the site has {} files, more than a zip can hold ({MAX_ENTRIES})",
            files.len()
        );
    }
    let mut entries = Vec::with_capacity(files.len());
    let mut offset: u64 = 0;
    for (path, name) in files {
        let data = crate::safe_fs::read_regular(&path, MAX_OFFSET)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        let crc = crc32fast::hash(&data);
        let deflated = deflate(&data)?;
        let (method, body) = match deflated.len() < data.len() {
            true => (8, deflated.as_slice()),
            false => (0, data.as_slice()),
        };
        let entry = Entry {
            method,
            crc,
            compressed: body.len() as u32,
            size: data.len() as u32,
            offset: offset as u32,
            name,
        };
        let header = local_header(&entry);
        offset += (header.len() + body.len()) as u64;
        if offset > MAX_OFFSET {
            bail!("the site is larger than a zip can hold (4 GiB)");
        }
        out.write_all(&header)?;
        out.write_all(body)?;
        entries.push(entry);
    }
    let start = offset;
    let mut central = Vec::new();
    for e in &entries {
        central_header(e, &mut central);
    }
    if start + central.len() as u64 > MAX_OFFSET {
        bail!("the site is larger than a zip can hold (4 GiB)");
    }
    out.write_all(&central)?;
    out.write_all(&end_record(entries.len(), central.len(), start))?;
    Ok(ZipSummary {
        entries: entries.len(),
        bytes: start + central.len() as u64 + 22,
    })
}

fn deflate(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::default(),
    );
    enc.write_all(data)?;
    enc.finish()
}

fn local_header(e: &Entry) -> Vec<u8> {
    let mut h = Vec::with_capacity(30 + e.name.len());
    h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [NEEDED, UTF8_NAMES, e.method, DOS_TIME, DOS_DATE] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    for v in [e.crc, e.compressed, e.size] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(e.name.as_bytes());
    h
}

fn central_header(e: &Entry, h: &mut Vec<u8>) {
    h.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for v in [MADE_BY, NEEDED, UTF8_NAMES, e.method, DOS_TIME, DOS_DATE] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    for v in [e.crc, e.compressed, e.size] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    // Name length, extra length, comment length, disk number, internal attributes.
    for v in [e.name.len() as u16, 0, 0, 0, 0] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&FILE_MODE.to_le_bytes());
    h.extend_from_slice(&e.offset.to_le_bytes());
    h.extend_from_slice(e.name.as_bytes());
}

fn end_record(entries: usize, size: usize, start: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(22);
    h.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    // This disk, the central directory's disk, its entries on this disk and in all.
    for v in [0u16, 0, entries as u16, entries as u16] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&(size as u32).to_le_bytes());
    h.extend_from_slice(&(start as u32).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_relative() {
        assert_eq!(
            entry_name("labs", Path::new("a/b.html")).unwrap(),
            "labs/a/b.html"
        );
        assert!(entry_name("labs", Path::new("../x")).is_err());
        assert!(entry_name("labs", Path::new("/etc/passwd")).is_err());
        assert!(entry_name("labs", Path::new("a\\b")).is_err());
    }

    #[test]
    fn the_same_files_give_the_same_bytes_and_links_are_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("g")).unwrap();
        std::fs::write(site.join("index.html"), "<p>hi</p>".repeat(100)).unwrap();
        std::fs::write(site.join("g/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("secret"), "outside").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(tmp.path().join("secret"), site.join("link")).unwrap();
        let a = tmp.path().join("a.zip");
        let b = tmp.path().join("b.zip");
        let s = write_folder(&site, "book", &a).unwrap();
        assert_eq!(s.entries, 2);
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(site.join("g/index.html"), "x").unwrap();
        write_folder(&site, "book", &b).unwrap();
        let bytes = std::fs::read(&a).unwrap();
        assert_eq!(bytes, std::fs::read(&b).unwrap());
        assert_eq!(bytes.len() as u64, s.bytes);
        assert!(!bytes.windows(7).any(|w| w == b"outside"));
        assert!(!bytes.windows(9).any(|w| w == b"book/link"));
    }
}
