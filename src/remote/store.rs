//! Remote images: the copies kept between builds, beside lint's link cache in the book's cache
//! folder (`<cache-dir>/remote/`): each image once, named by the SHA-1 of its bytes
//! (`<hash>.<ext>`), and `index.json` from each URL to its image and when it was fetched. Names
//! come from the hash and the sniffed format only, never from the URL, so no URL (`../`,
//! `%2e%2e`, a query string, 10,000 characters) can name a file outside the folder; an index
//! entry read back is checked the same way before its file is used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

const INDEX: &str = "index.json";
const VERSION: u32 = 1;
/// An index larger than this is not read (about 150 bytes a URL).
const MAX_INDEX_BYTES: u64 = 32 << 20;

/// A URL's copy: which image, its size, when it was fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// SHA-1 of the bytes, 40 lowercase hex digits.
    pub hash: String,
    /// `png`, `jpg`, `gif` or `webp`: from the bytes, not from the URL.
    pub ext: String,
    pub width: u32,
    pub height: u32,
    /// Seconds since the Unix epoch.
    pub fetched: u64,
}

impl Entry {
    /// The file name of the copy (`<hash>.<ext>`), the same in the cache and in the site.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.hash, self.ext)
    }

    /// Whether the entry could only have been written by us: a hash of hex digits and a known
    /// extension (an index edited by hand must not name `../../x`).
    fn well_formed(&self) -> bool {
        self.hash.len() == 40
            && self
                .hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && EXTENSIONS.contains(&self.ext.as_str())
    }
}

/// The extensions a copy may have.
pub const EXTENSIONS: [&str; 4] = ["png", "jpg", "gif", "webp"];

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    version: u32,
    entries: BTreeMap<String, Entry>,
    /// URLs whose last fetch failed: when (seconds since the epoch) and why. Only `watch`
    /// rebuilds and `handouts` skip them for a while (see [`Store::failed_recently`]).
    #[serde(default)]
    failures: BTreeMap<String, (u64, String)>,
}

/// How long a failed fetch is not tried again by a `watch` rebuild or `handouts`: a dead host
/// must not cost every edit its timeout. A full build always tries again.
pub const REMEMBER_FAILURE: Duration = Duration::from_secs(10 * 60);

/// The copies of one book.
pub struct Store {
    dir: PathBuf,
    max_age: Duration,
    stored: Stored,
    changed: bool,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// SHA-1 of `bytes` as hex.
pub fn hash(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Opens the store in `dir`; a missing, unreadable, oversized or old-format index is empty.
    /// A `dir` (or its parent) that is a link is neither read nor written.
    pub fn open(dir: &Path, max_age: Duration) -> Store {
        let stored = (!linked(dir))
            .then(|| crate::safe_fs::read_regular(&dir.join(INDEX), MAX_INDEX_BYTES).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
            .filter(|s| s.version == VERSION)
            .unwrap_or_default();
        Store {
            dir: dir.to_path_buf(),
            max_age,
            stored,
            changed: false,
        }
    }

    /// The copy of `url`, when the index has one whose file is there, a regular file and
    /// still has the bytes its name says; and whether it is younger than the maximum age.
    pub fn get(&self, url: &str) -> Option<(Entry, PathBuf, bool)> {
        let e = self.stored.entries.get(url)?;
        if !e.well_formed() || linked(&self.dir) {
            return None;
        }
        let file = self.dir.join(e.file_name());
        let meta = std::fs::symlink_metadata(&file).ok()?;
        if !meta.is_file() {
            return None;
        }
        // A copy damaged or replaced on disk is fetched again, not published.
        let bytes = crate::safe_fs::read_regular(&file, super::MAX_BYTES_CAP).ok()?;
        if hash(&bytes) != e.hash {
            return None;
        }
        let t = now();
        let fresh =
            e.fetched <= t.saturating_add(300) && t - e.fetched.min(t) <= self.max_age.as_secs();
        Some((e.clone(), file, fresh))
    }

    /// Keeps `bytes` (already checked to be an image) as the copy of `url`: written under its
    /// hash (once, however many URLs share it), then the index updated.
    pub fn put(
        &mut self,
        url: &str,
        bytes: &[u8],
        ext: &str,
        size: (u32, u32),
    ) -> Result<(Entry, PathBuf), String> {
        if linked(&self.dir) {
            return Err(format!(
                "`{}` is a link; remote images are kept only in a real folder inside the book",
                self.dir.display()
            ));
        }
        let entry = Entry {
            hash: hash(bytes),
            ext: ext.to_owned(),
            width: size.0,
            height: size.1,
            fetched: now(),
        };
        debug_assert!(entry.well_formed());
        let file = self.dir.join(entry.file_name());
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create `{}`: {e}", self.dir.display()))?;
        let present = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file())
            && crate::safe_fs::read_regular(&file, super::MAX_BYTES_CAP)
                .is_ok_and(|b| hash(&b) == entry.hash);
        if !present {
            // Written under a random name and renamed: an interrupted build leaves no half file
            // under the hash's name, and a link planted there is replaced, not written through.
            crate::safe_fs::write_new(&file, bytes, true)
                .map_err(|e| format!("cannot keep it in `{}`: {e}", self.dir.display()))?;
        }
        self.stored.entries.insert(url.to_owned(), entry.clone());
        self.stored.failures.remove(url);
        self.changed = true;
        Ok((entry, file))
    }

    /// Why `url` failed, when that was less than [`REMEMBER_FAILURE`] ago.
    pub fn failed_recently(&self, url: &str) -> Option<String> {
        let (at, why) = self.stored.failures.get(url)?;
        let age = now().checked_sub(*at)?;
        (age < REMEMBER_FAILURE.as_secs()).then(|| {
            format!(
                "{why} ({} min ago; a rebuild tries again after {} min, a build at once)",
                age / 60,
                REMEMBER_FAILURE.as_secs() / 60
            )
        })
    }

    /// Remembers that fetching `url` failed (a later success forgets it).
    pub fn failed(&mut self, url: &str, why: &str) {
        self.stored
            .failures
            .insert(url.to_owned(), (now(), why.to_owned()));
        self.changed = true;
    }

    /// Writes the index when it changed (atomically).
    pub fn save(&mut self) -> Result<(), String> {
        if !self.changed {
            return Ok(());
        }
        if linked(&self.dir) {
            return Err(format!("`{}` is a link", self.dir.display()));
        }
        self.stored.version = VERSION;
        let t = now();
        self.stored
            .failures
            .retain(|_, (at, _)| t.saturating_sub(*at) < REMEMBER_FAILURE.as_secs());
        let json = serde_json::to_vec_pretty(&self.stored).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        crate::safe_fs::write_new(&self.dir.join(INDEX), &json, true).map_err(|e| e.to_string())?;
        self.changed = false;
        Ok(())
    }
}

/// Whether `dir` or its parent (the cache folder) is a link.
fn linked(dir: &Path) -> bool {
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .any(|d| std::fs::symlink_metadata(d).is_ok_and(|m| m.file_type().is_symlink()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_named_by_their_bytes_and_checked_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("remote");
        let mut s = Store::open(&store_dir, Duration::from_secs(3600));
        let url = "http://h/../../%2e%2e/x.png?a=../../b";
        let (e, file) = s.put(url, b"bytes", "png", (1, 1)).unwrap();
        assert_eq!(file.parent().unwrap(), store_dir);
        assert_eq!(e.file_name(), format!("{}.png", hash(b"bytes")));
        s.save().unwrap();
        let s = Store::open(&store_dir, Duration::from_secs(3600));
        assert_eq!(s.get(url).unwrap().0, e);
        assert!(s.get(url).unwrap().2, "fresh");
        // Changed on disk: not used.
        std::fs::write(&file, b"other").unwrap();
        assert!(s.get(url).is_none());
    }

    #[test]
    fn failures_are_remembered_for_a_while_and_forgotten_on_success() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path(), Duration::from_secs(3600));
        s.failed("http://h/x.png", "it answers HTTP 503");
        s.save().unwrap();
        let mut s = Store::open(dir.path(), Duration::from_secs(3600));
        let why = s.failed_recently("http://h/x.png").unwrap();
        assert!(why.starts_with("it answers HTTP 503 (0 min ago"), "{why}");
        s.put("http://h/x.png", b"b", "png", (1, 1)).unwrap();
        assert_eq!(s.failed_recently("http://h/x.png"), None);
        // An old failure is not remembered.
        s.stored
            .failures
            .insert("http://h/y".into(), (1, "old".into()));
        assert_eq!(s.failed_recently("http://h/y"), None);
    }

    #[test]
    fn a_forged_index_names_no_file_outside() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("remote");
        std::fs::create_dir(&store_dir).unwrap();
        std::fs::write(dir.path().join("secret.png"), b"x").unwrap();
        let forged = r#"{"version":1,"entries":{"http://h/x":{"hash":"../secret","ext":"png","width":1,"height":1,"fetched":1}}}"#;
        std::fs::write(store_dir.join(INDEX), forged).unwrap();
        let s = Store::open(&store_dir, Duration::from_secs(u64::MAX / 4));
        assert!(s.get("http://h/x").is_none());
    }
}
