//! Lint: screenshots that went stale. A `captured` date older than `screenshot-max-age` (W025),
//! no date at all (W026, off by default), and remote screenshots whose bytes changed since lint
//! last fetched them (L016): their SHA-1 and size are kept in the cache, and a change is
//! reported until the screenshot's `captured` date is on or after the day it was seen.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::cache::{Cache, Fingerprint};
use super::http::Verdict;
use super::similar::{Look, look_of};
use crate::config::{LintLevel, LintTable};
use crate::diag::{Code, Diagnostic};
use crate::validate::capture::Day;

/// One screenshot as lint sees it: where it is, when it was taken, what it shows.
pub(super) struct ShotUse {
    pub file: Arc<Path>,
    /// The `src` value: problems about the image point here.
    pub src: Range<usize>,
    /// The `captured` day and where it is written (a bad one was reported by check: `None`).
    pub captured: Option<(Day, Range<usize>)>,
    pub dated: bool,
    /// Whether it has a `source`.
    pub sourced: bool,
    pub image: Where,
}

/// Where a screenshot's image is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Where {
    Remote(String),
    /// Index into the book's local images (`Checked::assets`).
    Local(usize),
}

/// The screenshots' own checks: staleness (W025, W026), remote screenshots that changed (L016),
/// near-duplicates (L017, only when turned on: it decodes every image) and unused images (L018).
pub(super) fn screenshot_checks(
    book: &crate::book::Book,
    opts: &super::LintOptions,
    shot_uses: &[ShotUse],
    assets: &[crate::validate::Asset],
    verdicts: &BTreeMap<String, Verdict>,
    paths: &BTreeMap<PathBuf, PathBuf>,
    notes: &mut Vec<String>,
) -> Vec<Diagnostic> {
    let cfg = &book.config.lint;
    let today = crate::validate::capture::Day::today();
    let mut out = staleness(shot_uses, cfg, today);
    let mut cache = (!opts.no_cache)
        .then(|| super::cache::Cache::open(&book.root.join(&cfg.cache_dir), cfg.cache_max_age));
    let (changed, remote_looks) = remote_changes(
        cache.as_mut(),
        cfg,
        shot_uses,
        verdicts,
        !opts.offline,
        today,
    );
    out.extend(changed);
    if let Some(c) = cache.as_mut()
        && !opts.offline
        && let Err(e) = c.save()
    {
        notes.push(format!(
            "the screenshots' fingerprints were not saved: {e:#}"
        ));
    }
    if enabled(Code::L017, cfg) {
        let local = super::similar::local_looks(shot_uses, assets, cfg);
        let look = |w: &Where| match w {
            Where::Local(i) => local.get(i).copied(),
            Where::Remote(u) => remote_looks.get(u).copied(),
        };
        let name = |i: usize| {
            assets.get(i).map_or_else(String::new, |a| {
                let name = a.path.file_name().unwrap_or_default().to_string_lossy();
                format!("`{name}`")
            })
        };
        out.extend(super::similar::near_duplicates(
            shot_uses, &look, &name, paths, notes,
        ));
    }
    let skip = [
        book.root.join(&book.config.build.build_dir),
        book.root.join(&cfg.cache_dir),
    ];
    let guides: Vec<&PathBuf> = paths.values().collect();
    out.extend(super::similar::unused_images(
        assets,
        &guides,
        &skip,
        &book.shown_root,
        &book.root,
    ));
    out
}

/// Whether a problem of `code` is reported: off-by-default codes only when `[lint.severity]`
/// turns them on.
pub(super) fn enabled(code: Code, cfg: &LintTable) -> bool {
    let set = cfg
        .severity
        .iter()
        .find(|(k, _)| Code::parse(k) == Some(code))
        .map(|(_, v)| *v);
    match set {
        Some(LintLevel::Off) => false,
        Some(_) => true,
        None => !code.off_by_default(),
    }
}

/// W025 for every screenshot captured more than `screenshot-max-age` days before `today`, W026
/// for every one without a `captured` date.
pub(super) fn staleness(uses: &[ShotUse], cfg: &LintTable, today: Day) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for u in uses {
        match (&u.captured, cfg.screenshot_max_age) {
            (Some((day, at)), Some(max)) if today.0 - day.0 > i64::from(max) => out.push(
                Diagnostic::warning(
                    Code::W025,
                    &*u.file,
                    format!("screenshot captured {day}, {} days ago", today.0 - day.0),
                )
                .at(at.clone())
                .label(format!("older than {max} days (`screenshot-max-age`)"))
                .help("take it again (`stepbook shots` lists the pages for shot-scraper) and set `captured` to the day you did"),
            ),
            (None, _) if !u.dated => out.push(
                Diagnostic::warning(Code::W026, &*u.file, "screenshot has no `captured` date")
                    .at(u.src.clone())
                    .help("add `captured: YYYY-MM-DD`, the day it was taken, so lint can tell when it is stale"),
            ),
            _ => {}
        }
    }
    out
}

/// What the remote screenshots' bytes are now: fetched again (at most `workers` at once) when
/// the cache's fingerprint is older than `cache-max-age`, compared with the one before (L016
/// for each use dated before the change). Returns the problems and each URL's look, for
/// the near-duplicate check.
pub(super) fn remote_changes(
    cache: Option<&mut Cache>,
    cfg: &LintTable,
    uses: &[ShotUse],
    verdicts: &BTreeMap<String, Verdict>,
    online: bool,
    today: Day,
) -> (Vec<Diagnostic>, HashMap<String, Look>) {
    // Only screenshots with a capture record (`captured` or `source`) are followed: fetching a
    // whole image is a second request for its URL, which a book that keeps no records should
    // not pay (an unchanged book's second run makes no requests).
    let urls: BTreeSet<&str> = uses
        .iter()
        .filter(|u| u.dated || u.sourced)
        .filter_map(|u| match &u.image {
            Where::Remote(url) if verdicts.get(url).is_none_or(Verdict::is_good) => {
                Some(url.as_str())
            }
            _ => None,
        })
        .collect();
    let todo: Vec<&str> = if online {
        let stale = |u: &&str| cache.as_deref().is_none_or(|c| c.shot_stale(u));
        urls.iter().copied().filter(stale).collect()
    } else {
        Vec::new()
    };
    let fetched = fetch_all(cfg, &todo);
    let mut too_large = BTreeSet::new();
    let mut looks = HashMap::new();
    let mut now: HashMap<String, Fingerprint> = HashMap::new();
    for (url, got) in fetched {
        match got {
            Ok(bytes) => {
                let f = fingerprint(&bytes, cfg);
                now.insert(url, f);
            }
            Err(Fetch::TooLarge) => {
                too_large.insert(url);
            }
            Err(Fetch::Failed) => {}
        }
    }
    let mut changed: HashMap<String, String> = HashMap::new();
    if let Some(cache) = cache {
        for url in &urls {
            let before = cache.shot(url).cloned();
            let mut f = match (now.remove(*url), before.clone()) {
                (Some(mut f), Some(b)) => {
                    f.changed = if f.sha1 != b.sha1 || f.bytes != b.bytes {
                        Some(today.to_string())
                    } else {
                        b.changed.clone()
                    };
                    cache.put_shot(url, f.clone());
                    f
                }
                (Some(f), None) => {
                    cache.put_shot(url, f.clone());
                    f
                }
                (None, Some(b)) => b,
                (None, None) => continue,
            };
            if let Some(day) = f.changed.take() {
                changed.insert(url.to_string(), day);
            }
            if let Some(l) = f.look.as_deref().and_then(Look::from_hex) {
                looks.insert(url.to_string(), l);
            }
        }
    } else {
        for (url, f) in now {
            if let Some(l) = f.look.as_deref().and_then(Look::from_hex) {
                looks.insert(url, l);
            }
        }
    }
    (problems(uses, &changed, &too_large, cfg), looks)
}

/// L016 at every use of a changed URL dated before the change; L011 at every use of a URL
/// whose bytes were over `max-image-bytes` (not fingerprinted).
fn problems(
    uses: &[ShotUse],
    changed: &HashMap<String, String>,
    too_large: &BTreeSet<String>,
    cfg: &LintTable,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for u in uses {
        let Where::Remote(url) = &u.image else {
            continue;
        };
        if too_large.contains(url) {
            out.push(
                Diagnostic::warning(Code::L011, &*u.file, format!("screenshot `{url}` is over {:.1} MiB", cfg.max_image_bytes as f64 / 1048576.0))
                    .at(u.src.clone())
                    .label("not fingerprinted")
                    .help("lint does not keep its fingerprint, so it cannot tell when it changes; save it smaller, or raise `max-image-bytes` in [lint]"),
            );
        }
        let Some(day) = changed.get(url) else {
            continue;
        };
        let seen = Day::parse(day);
        if u.captured.as_ref().is_some_and(|(c, _)| Some(*c) >= seen) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                Code::L016,
                &*u.file,
                format!("screenshot `{url}` changed since {day}: check its marks and the step text"),
            )
            .at(u.src.clone())
            .label(format!("other bytes at this URL since {day}"))
            .help(format!("when the step still matches the new picture, set `captured: {day}` (or the day it was taken) on this screenshot")),
        );
    }
    out
}

fn fingerprint(bytes: &[u8], cfg: &LintTable) -> Fingerprint {
    use sha1::Digest;
    let sha1 = sha1::Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Fingerprint {
        sha1,
        bytes: bytes.len() as u64,
        fetched: 0,
        changed: None,
        look: look_of(bytes, cfg).map(|l| l.to_hex()),
    }
}

enum Fetch {
    TooLarge,
    Failed,
}

/// Requests for screenshots' bytes in flight at once (they are whole images, not headers).
const FETCH_WORKERS: usize = 8;

/// GETs each URL's bytes (at most `max-image-bytes`), a few at a time, each within the
/// configured timeout; a failure was reported by the check already.
fn fetch_all(cfg: &LintTable, urls: &[&str]) -> Vec<(String, Result<Vec<u8>, Fetch>)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(cfg.max_redirects)
        .timeout_connect(Some(Duration::from_secs(cfg.connect_timeout)))
        .timeout_global(Some(Duration::from_secs(cfg.timeout)))
        .user_agent(cfg.user_agent.as_str())
        .build()
        .into();
    let queue = std::sync::Mutex::new(urls.to_vec());
    let done = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..FETCH_WORKERS.min(urls.len()) {
            let spawned = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(s, || {
                    while let Some(url) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop() {
                        let got = fetch(&agent, url, cfg.max_image_bytes);
                        let mut d = done.lock().unwrap_or_else(|e| e.into_inner());
                        d.push((url.to_owned(), got));
                    }
                });
            if spawned.is_err() {
                break;
            }
        }
    });
    done.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn fetch(agent: &ureq::Agent, url: &str, max: u64) -> Result<Vec<u8>, Fetch> {
    let resp = agent.get(url).call().map_err(|_| Fetch::Failed)?;
    if !resp.status().is_success() {
        return Err(Fetch::Failed);
    }
    let mut body = Vec::new();
    resp.into_body()
        .into_reader()
        .take(max.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|_| Fetch::Failed)?;
    if body.len() as u64 > max {
        return Err(Fetch::TooLarge);
    }
    Ok(body)
}
