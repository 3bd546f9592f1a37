//! Lint: the results of earlier runs (`.stepbook-cache/links.json`), so an unchanged book makes
//! no requests. Only good results are kept, each for the configured maximum age.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::http::Verdict;

const FILE: &str = "links.json";
const VERSION: u32 = 1;
/// A cache larger than this is not read (it would be slow to parse; a real one is far smaller:
/// about 200 bytes a URL).
const MAX_BYTES: u64 = 32 << 20;
/// How far in the future a result's time may be (clock skew between machines) before the entry
/// is not trusted: a forged `checked` must not keep a broken URL hidden forever.
const SKEW: u64 = 300;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    version: u32,
    /// `image URL` or `link URL` → result.
    entries: BTreeMap<String, Entry>,
    /// Remote screenshot URL → what its bytes were when last fetched (kept however old: it is
    /// what a change is measured against).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    shots: BTreeMap<String, Fingerprint>,
}

/// A remote screenshot's bytes as lint last saw them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Fingerprint {
    /// SHA-1 of the bytes, hex.
    pub sha1: String,
    pub bytes: u64,
    /// Seconds since the Unix epoch when they were fetched.
    pub fetched: u64,
    /// The day (`YYYY-MM-DD`) lint first saw other bytes at the URL than before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    /// Perceptual hash (hex), when the bytes decoded as an image within the limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Seconds since the Unix epoch.
    checked: u64,
    #[serde(flatten)]
    verdict: Verdict,
}

/// The cache of one book.
pub(super) struct Cache {
    path: PathBuf,
    max_age: Duration,
    stored: Stored,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub(super) fn key(url: &str, image: bool) -> String {
    format!("{} {url}", if image { "image" } else { "link" })
}

impl Cache {
    /// Opens the cache in `dir`; a missing, unreadable, oversized or old-format file, or one
    /// that is not a regular file, is an empty cache. A `dir` that is a link is not read.
    pub(super) fn open(dir: &Path, max_age: Duration) -> Cache {
        let path = dir.join(FILE);
        let stored = (!is_link(dir))
            .then(|| crate::safe_fs::read_regular(&path, MAX_BYTES).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
            .filter(|s| s.version == VERSION)
            .unwrap_or_default();
        Cache {
            path,
            max_age,
            stored,
        }
    }

    /// A good result younger than the maximum age.
    pub(super) fn get(&self, url: &str, image: bool) -> Option<Verdict> {
        let e = self.stored.entries.get(&key(url, image))?;
        (fresh(e.checked, now(), self.max_age.as_secs()) && e.verdict.is_good())
            .then(|| e.verdict.clone())
    }

    /// Records a result: good ones are kept, a failure removes an older good one.
    pub(super) fn put(&mut self, url: &str, image: bool, verdict: &Verdict) {
        let k = key(url, image);
        if verdict.is_good() {
            self.stored.entries.insert(
                k,
                Entry {
                    checked: now(),
                    verdict: verdict.clone(),
                },
            );
        } else {
            self.stored.entries.remove(&k);
        }
    }

    /// What a remote screenshot's bytes were when last fetched.
    pub(super) fn shot(&self, url: &str) -> Option<&Fingerprint> {
        self.stored.shots.get(url)
    }

    /// Whether a screenshot's fingerprint is older than the maximum age (or missing), so its
    /// bytes should be fetched again.
    pub(super) fn shot_stale(&self, url: &str) -> bool {
        self.shot(url)
            .is_none_or(|f| !fresh(f.fetched, now(), self.max_age.as_secs()))
    }

    /// Records a remote screenshot's bytes as fetched now.
    pub(super) fn put_shot(&mut self, url: &str, mut f: Fingerprint) {
        f.fetched = now();
        self.stored.shots.insert(url.to_owned(), f);
    }

    /// Writes the cache (atomically), dropping expired entries.
    pub(super) fn save(&mut self) -> anyhow::Result<()> {
        use anyhow::Context;
        let max = self.max_age.as_secs();
        let t = now();
        self.stored.version = VERSION;
        self.stored.entries.retain(|_, e| fresh(e.checked, t, max));
        let dir = self.path.parent().expect("a file in a folder");
        if is_link(dir) {
            anyhow::bail!(
                "`{}` is a link; the cache is written only into a real folder inside the book",
                dir.display()
            );
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
        // A new file renamed over the old one: a link or FIFO planted at either name is
        // replaced, never written through.
        crate::safe_fs::write_new(&self.path, &serde_json::to_vec_pretty(&self.stored)?, true)
            .with_context(|| format!("failed to write `{}`", self.path.display()))
    }
}

/// Is a result checked at `checked` still good at `now`? Not when older than `max_age`, nor
/// when dated in the future beyond clock skew.
fn fresh(checked: u64, now: u64, max_age: u64) -> bool {
    checked <= now.saturating_add(SKEW) && now.saturating_sub(checked) <= max_age
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_good_results_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Cache::open(dir.path(), Duration::from_secs(3600));
        c.put("http://a/x.png", true, &Verdict::Ok { status: 200 });
        c.put("http://a/404", false, &Verdict::Status { status: 404 });
        c.save().unwrap();
        let c = Cache::open(dir.path(), Duration::from_secs(3600));
        assert_eq!(
            c.get("http://a/x.png", true),
            Some(Verdict::Ok { status: 200 })
        );
        assert_eq!(
            c.get("http://a/x.png", false),
            None,
            "checked as an image, not as a link"
        );
        assert_eq!(c.get("http://a/404", false), None);
    }

    #[cfg(unix)]
    #[test]
    fn links_planted_in_the_cache_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir(&cache).unwrap();
        std::os::unix::fs::symlink(&victim, cache.join(FILE)).unwrap();
        std::os::unix::fs::symlink(&victim, cache.join("links.json.tmp")).unwrap();
        let mut c = Cache::open(&cache, Duration::from_secs(3600));
        c.put("http://a/x.png", true, &Verdict::Ok { status: 200 });
        c.save().unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(
            std::fs::symlink_metadata(cache.join(FILE))
                .unwrap()
                .is_file()
        );
        // A cache folder that is itself a link is neither read nor written.
        let linked = dir.path().join("linked");
        std::os::unix::fs::symlink(&cache, &linked).unwrap();
        let mut c = Cache::open(&linked, Duration::from_secs(3600));
        assert_eq!(c.get("http://a/x.png", true), None);
        assert!(c.save().unwrap_err().to_string().contains("is a link"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_or_device_as_the_cache_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join(FILE);
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let c = Cache::open(dir.path(), Duration::from_secs(3600));
        assert!(c.stored.entries.is_empty());
        std::fs::remove_file(&fifo).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &fifo).unwrap();
        let c = Cache::open(dir.path(), Duration::from_secs(3600));
        assert!(c.stored.entries.is_empty());
    }

    #[test]
    fn results_dated_in_the_future_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |t: u64| format!(r#"{{"checked":{t},"verdict":"ok","status":200}}"#);
        let forged = format!(
            r#"{{"version":{VERSION},"entries":{{"link http://a/now":{},"link http://a/x":{}}}}}"#,
            entry(now()),
            entry(u64::MAX)
        );
        std::fs::write(dir.path().join(FILE), forged).unwrap();
        let c = Cache::open(dir.path(), Duration::from_secs(3600));
        assert_eq!(
            c.get("http://a/now", false),
            Some(Verdict::Ok { status: 200 })
        );
        assert_eq!(c.get("http://a/x", false), None);
    }
}
