//! PDF: downloads of remote images, with lint's politeness: a document's images are fetched
//! concurrently (a few at a time), never more at once per host than `per-host` across the whole
//! process, each within `connect-timeout` and `timeout`, and all of a document's within one
//! budget; a failure is remembered for a while beside the cache, so a server that never answers
//! costs one timeout, not one per build (or per `watch` rebuild).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Settings of the downloads (from `[lint]`).
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub per_host: usize,
    pub max_redirects: u32,
}

impl FetchOptions {
    pub fn of(lint: &crate::config::LintTable) -> FetchOptions {
        FetchOptions {
            connect_timeout: Duration::from_secs(lint.connect_timeout),
            timeout: Duration::from_secs(lint.timeout),
            per_host: lint.per_host.max(1),
            max_redirects: lint.max_redirects,
        }
    }

    /// The time all the downloads of one document may take together.
    pub fn budget(&self) -> Duration {
        (self.connect_timeout + self.timeout).saturating_mul(2)
    }
}

/// Downloads at once for one document.
pub const CONCURRENCY: usize = 8;

/// How long a failed fetch is not tried again.
pub const REMEMBER_FAILURE: Duration = Duration::from_secs(10 * 60);

/// An image larger than this is not fetched.
pub const MAX_BYTES: u64 = 32 << 20;

/// Runs `f` on each of `items`, [`CONCURRENCY`] at a time; results in the order of `items`.
pub fn each_concurrently<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..items.len().min(CONCURRENCY) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    out.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was done"))
        .collect()
}

/// GETs `url` (redirects followed), at most [`MAX_BYTES`], by `deadline`.
pub fn download(url: &str, opts: &FetchOptions, deadline: Instant) -> Result<Vec<u8>, String> {
    let host = crate::markdown::host_of(url).unwrap_or_default();
    let _slot = slot(&host, opts.per_host);
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(format!(
            "not fetched: this document's downloads took longer than {} s; the next build tries again",
            opts.budget().as_secs()
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(opts.connect_timeout.min(left)))
        .timeout_global(Some(opts.timeout.min(left)))
        .max_redirects(opts.max_redirects)
        .user_agent(concat!("stepbook/", env!("CARGO_PKG_VERSION"), " (pdf)"))
        .build()
        .into();
    let resp = agent.get(url).call().map_err(|e| words(&e, opts))?;
    let mut bytes = Vec::new();
    resp.into_body()
        .into_reader()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut => words(&ureq::Error::Io(e), opts),
            _ => format!("the download broke off ({e})"),
        })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err("larger than 32 MiB".into());
    }
    Ok(bytes)
}

/// A failed request in words, with the setting that bounds it (ureq's own text for a timeout
/// is `timeout: global`).
fn words(e: &ureq::Error, opts: &FetchOptions) -> String {
    match e {
        ureq::Error::StatusCode(code) => format!("HTTP {code}"),
        ureq::Error::Timeout(ureq::Timeout::Connect) => format!(
            "no connection within {} s (`connect-timeout` in [lint])",
            opts.connect_timeout.as_secs()
        ),
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {} s (`timeout` in [lint])",
            opts.timeout.as_secs()
        ),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => format!(
            "no complete answer within {} s (`timeout` in [lint])",
            opts.timeout.as_secs()
        ),
        ureq::Error::TooManyRedirects => {
            format!("more than {} redirects", opts.max_redirects)
        }
        other => other.to_string(),
    }
}

/// Requests in flight per host, across every document compiled at once.
static IN_FLIGHT: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);
static FREED: Condvar = Condvar::new();

struct Slot(String);

fn slot(host: &str, per_host: usize) -> Slot {
    let mut map = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
    while map.as_ref().and_then(|m| m.get(host)).copied().unwrap_or(0) >= per_host {
        map = FREED.wait(map).unwrap_or_else(|e| e.into_inner());
    }
    *map.get_or_insert_with(HashMap::new)
        .entry(host.to_owned())
        .or_insert(0) += 1;
    Slot(host.to_owned())
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.as_mut().and_then(|m| m.get_mut(&self.0)) {
            *n = n.saturating_sub(1);
        }
        FREED.notify_all();
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A failure remembered at `marker` (a regular file, not a link) and still fresh: why, and how
/// long ago.
pub fn remembered(marker: &Path) -> Option<String> {
    if !std::fs::symlink_metadata(marker).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = crate::safe_fs::read_regular_text(marker, 4096).ok()?;
    let (at, why) = text.split_once('\n')?;
    let at: u64 = at.trim().parse().ok()?;
    let age = now().checked_sub(at)?;
    (age < REMEMBER_FAILURE.as_secs()).then(|| {
        format!(
            "fetching it failed {} min ago ({}); it is tried again {} min after that",
            age / 60,
            why.trim(),
            REMEMBER_FAILURE.as_secs() / 60
        )
    })
}

/// Remembers a failed fetch at `marker` (best effort: the cache folder was checked).
pub fn remember(marker: &Path, why: &str) {
    let text = format!("{}\n{}\n", now(), why.replace('\n', " "));
    if let Some(dir) = marker.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = crate::safe_fs::write_new(marker, text.as_bytes(), true);
    }
}
