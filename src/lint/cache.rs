//! Lint: the results of earlier runs (`.stepbook-cache/links.json`), so an unchanged book makes
//! no requests. Only good results are kept, each for the configured maximum age.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::http::Verdict;

const FILE: &str = "links.json";
const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    version: u32,
    /// `image URL` or `link URL` → result.
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Seconds since the Unix epoch.
    checked: u64,
    #[serde(flatten)]
    verdict: Verdict,
}

/// The cache of one book.
pub struct Cache {
    path: PathBuf,
    max_age: Duration,
    stored: Stored,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub fn key(url: &str, image: bool) -> String {
    format!("{} {url}", if image { "image" } else { "link" })
}

impl Cache {
    /// Opens the cache in `dir`; a missing, unreadable or old-format file is an empty cache.
    pub fn open(dir: &Path, max_age: Duration) -> Cache {
        let path = dir.join(FILE);
        let stored = std::fs::read(&path)
            .ok()
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
    pub fn get(&self, url: &str, image: bool) -> Option<Verdict> {
        let e = self.stored.entries.get(&key(url, image))?;
        (now().saturating_sub(e.checked) <= self.max_age.as_secs() && e.verdict.is_good())
            .then(|| e.verdict.clone())
    }

    /// Records a result: good ones are kept, a failure removes an older good one.
    pub fn put(&mut self, url: &str, image: bool, verdict: &Verdict) {
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

    /// Writes the cache (atomically), dropping expired entries.
    pub fn save(&mut self) -> anyhow::Result<()> {
        use anyhow::Context;
        let max = self.max_age.as_secs();
        let t = now();
        self.stored.version = VERSION;
        self.stored
            .entries
            .retain(|_, e| t.saturating_sub(e.checked) <= max);
        let dir = self.path.parent().expect("a file in a folder");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&self.stored)?)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .with_context(|| format!("failed to write `{}`", self.path.display()))
    }
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
}
