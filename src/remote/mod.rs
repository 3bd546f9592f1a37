//! Remote screenshots brought into the book (`[output] remote-images = "copy"`, `build
//! --remote-images copy`): each distinct URL fetched once with lint's HTTP client (its timeouts,
//! retries, `Retry-After` and per-host limit), checked as lint checks a screenshot (status,
//! Content-Type, magic bytes, `max-image-bytes`, `max-image-pixels`), kept by content hash in the
//! cache (`store.rs`; a second build makes no request, `--offline` uses what it holds), and given
//! to every output as a local image in the site's `media/remote/`. What cannot be fetched keeps its
//! URL, with W022 at its `src`. `localize.rs`: the same copies written into the guide sources
//! for good (`stepbook localize`).

pub mod localize;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::book::Book;
use crate::diag::{Code, Diagnostic};
use crate::lint::http::{Checker, HttpOptions, Verdict};
use crate::model::{Guide, Mark, Sp};
use crate::validate::{Asset, CheckedGuide, CheckedStep, Image, Resolved};

pub use store::{EXTENSIONS, Entry};

/// No copy larger than this is read back from the cache, whatever `max-image-bytes` says.
const MAX_BYTES_CAP: u64 = 1 << 30;

/// Downloads at once (each waits on one request; the per-host limit still applies).
const MAX_WORKERS: usize = 32;

/// One use of a remote screenshot: its URL, its guide (as shown), its `src`'s span and its
/// marks (checked against the copy's size once it is had).
#[derive(Debug, Clone)]
pub struct Use {
    pub url: String,
    pub file: PathBuf,
    pub span: Range<usize>,
    pub marks: Vec<Sp<Mark>>,
}

/// A remote screenshot of a checked guide: URL, span of `src`, marks.
pub type Found = (String, Range<usize>, Vec<Sp<Mark>>);

/// The remote screenshots of a checked guide, in document order.
pub fn uses(guide: &Guide, resolved: &Resolved) -> Vec<Found> {
    fn walk(s: CheckedStep<'_>, out: &mut Vec<Found>) {
        for (shot, img) in s.screenshots() {
            if let Image::Remote(url) = img {
                out.push((url.clone(), shot.src.span.clone(), shot.marks.clone()));
            }
        }
        for sub in s.substeps() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    for section in CheckedGuide::new(guide, resolved).sections() {
        for step in section.steps() {
            walk(step, &mut out);
        }
    }
    out
}

/// E030 for each mark outside its copied screenshot: `check` cannot know a remote image's
/// size, the copy's is known (its shape problems were reported by `check` already).
pub fn marks_outside(uses: &[Use], copied: &[(String, Asset)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for u in uses.iter().filter(|u| !u.marks.is_empty()) {
        let Some((_, a)) = copied.iter().find(|(url, _)| *url == u.url) else {
            continue;
        };
        let known = crate::validate::marks::problems(&u.marks, None);
        for p in crate::validate::marks::problems(&u.marks, a.width.zip(a.height)) {
            if known
                .iter()
                .any(|k| k.span == p.span && k.message == p.message)
            {
                continue;
            }
            out.push(
                Diagnostic::error(Code::E030, &u.file, p.message)
                    .at(p.span)
                    .help(p.help),
            );
        }
    }
    out
}

/// What fetching the remote screenshots gave.
#[derive(Debug, Default)]
pub struct Copies {
    /// Each URL with a copy, and the copy as a local image (`out`: `remote/<hash>.<ext>`).
    pub copied: Vec<(String, Asset)>,
    /// Each URL without one, and why.
    pub failed: BTreeMap<String, String>,
    /// Requests sent (zero when the cache held every image).
    pub requests: usize,
    pub from_cache: usize,
}

/// Where the copies are kept: `<cache-dir>/remote/` of the book.
pub fn store_dir(book: &Book) -> PathBuf {
    book.root.join(&book.config.lint.cache_dir).join("remote")
}

/// Fetches (or takes from the cache) every URL of `urls`; with `skip_failed`, not those whose
/// fetch failed in the last minutes (a `watch` rebuild).
pub fn fetch_all(book: &Book, urls: BTreeSet<String>, skip_failed: bool) -> Copies {
    let cfg = &book.config.lint;
    let store = store::Store::open(&store_dir(book), cfg.cache_max_age);
    let mut out = Copies::default();
    let mut todo = Vec::new();
    for url in urls {
        match store.get(&url) {
            Some((e, file, fresh)) if fresh || book.offline => {
                out.from_cache += 1;
                out.copied.push((url, asset(&e, file)));
            }
            stale => match store.failed_recently(&url).filter(|_| skip_failed) {
                Some(why) => {
                    out.failed.insert(url, why);
                }
                None => todo.push((url, stale)),
            },
        }
    }
    if book.offline {
        for (url, _) in todo {
            out.failed.insert(
                url,
                "it is not in the cache, and `--offline` makes no request".into(),
            );
        }
        return out;
    }
    let checker = Checker::new(HttpOptions::of(cfg));
    let store = Mutex::new(store);
    let results = fetch_each(&todo, |url| {
        let (verdict, body) = checker.fetch_image(url, cfg.max_image_bytes);
        let bytes = body.ok_or_else(|| why(&verdict))?;
        let (ext, size) = check_image(&bytes, cfg.max_image_pixels)?;
        let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
        let (e, file) = s.put(url, &bytes, ext, size)?;
        Ok(asset(&e, file))
    });
    let mut store = store.into_inner().unwrap_or_else(|e| e.into_inner());
    for ((url, stale), got) in todo.into_iter().zip(results) {
        if let Err(why) = &got {
            store.failed(&url, why);
        }
        match (got, stale) {
            (Ok(a), _) => out.copied.push((url, a)),
            // A copy past the cache's age whose host fails now is still the picture.
            (Err(_), Some((e, file, _))) => out.copied.push((url, asset(&e, file))),
            (Err(why), None) => {
                out.failed.insert(url, why);
            }
        }
    }
    out.requests = checker.requests.load(Ordering::Relaxed);
    // Not saved (a read-only checkout): the copies are still used; the next build fetches again.
    let _ = store.save();
    out
}

/// The copy as a local image of the book.
fn asset(e: &Entry, file: PathBuf) -> Asset {
    Asset {
        path: file,
        out: crate::layout::remote_copy(&e.file_name()),
        width: Some(e.width),
        height: Some(e.height),
    }
}

/// Runs `f` on each URL of `todo` on a few worker threads; results in `todo`'s order.
fn fetch_each<T>(
    todo: &[(String, T)],
    f: impl Fn(&str) -> Result<Asset, String> + Sync,
) -> Vec<Result<Asset, String>>
where
    T: Sync,
{
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Result<Asset, String>>>> =
        Mutex::new(todo.iter().map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..todo.len().min(MAX_WORKERS) {
            // A worker only waits on one request: a small stack is plenty.
            let spawned = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(s, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((url, _)) = todo.get(i) else { break };
                        let r = f(url);
                        out.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                    }
                });
            if spawned.is_err() {
                break; // the system refused more threads: the ones running share the work
            }
        }
    });
    let got = out.into_inner().unwrap_or_else(|e| e.into_inner());
    got.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("no thread could be started to fetch it".into())))
        .collect()
}

/// Why a fetch gave no image, in words.
fn why(v: &Verdict) -> String {
    match v {
        Verdict::Ok { .. } | Verdict::Redirected { .. } => "it answered without a body".into(),
        Verdict::Status { status } => format!("it answers HTTP {status}"),
        Verdict::NotImage { content_type } => format!("it is not an image ({content_type})"),
        Verdict::RedirectLoop { last } => {
            format!("it redirects too often or nowhere (the last address tried: `{last}`)")
        }
        Verdict::Timeout => "it did not answer in time (`timeout` in [lint])".into(),
        Verdict::Failed { reason } => format!("it cannot be fetched: {reason}"),
        Verdict::AfterRedirect { to, then } => {
            format!("{} after redirecting to `{to}`", why(then))
        }
    }
}

/// Checks that `bytes` are a PNG, JPEG, GIF or WebP whose header reads and whose pixels are at
/// most `max_pixels` (nothing decoded but the header): its extension and size.
pub fn check_image(bytes: &[u8], max_pixels: u64) -> Result<(&'static str, (u32, u32)), String> {
    use image::ImageFormat;
    let (format, ext) = match image::guess_format(bytes) {
        Ok(f @ ImageFormat::Png) => (f, "png"),
        Ok(f @ ImageFormat::Jpeg) => (f, "jpg"),
        Ok(f @ ImageFormat::Gif) => (f, "gif"),
        Ok(f @ ImageFormat::WebP) => (f, "webp"),
        _ => return Err("its body is not a PNG, JPEG, GIF or WebP image".into()),
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    // Metadata (a colour profile) may be decompressed while the header is read: bounded.
    limits.max_alloc = Some(16 << 20);
    reader.limits(limits);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("it does not read as an image ({e})"))?;
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(format!(
            "it is {w}×{h} pixels, more than `max-image-pixels` ({max_pixels}) in [lint]"
        ));
    }
    Ok((ext, (w, h)))
}

/// Which step could not have a remote screenshot: a build copying it into the site, or
/// `localize` writing it into the book; the wording of W022 says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Build,
    Localize,
}

/// W022 at each use of a URL that was not copied.
pub fn warnings(uses: &[Use], failed: &BTreeMap<String, String>, step: Step) -> Vec<Diagnostic> {
    let (what, label, help) = match step {
        Step::Build => (
            "was not copied into the book",
            "the outputs link to its host",
            "fix or replace the URL (`stepbook lint` checks them all); the next build tries again",
        ),
        Step::Localize => (
            "was not downloaded into the book",
            "its `src` is left as the URL",
            "fix or replace the URL (`stepbook lint` checks them all), then run `stepbook localize` again",
        ),
    };
    uses.iter()
        .filter_map(|u| {
            let why = failed.get(&u.url)?;
            Some(
                Diagnostic::warning(
                    Code::W022,
                    &u.file,
                    format!("screenshot `{}` {what}: {why}", u.url),
                )
                .at(u.span.clone())
                .label(label)
                .help(help),
            )
        })
        .collect()
}

/// Copies one guide's remote screenshots (`watch` rebuilding it, `handouts`): its images
/// pointed at the copies, added to `assets`; W022 for those that could not be had.
pub fn copy_one(
    book: &Book,
    guide: &Guide,
    shown: &Path,
    resolved: &mut Resolved,
    assets: &mut Vec<Asset>,
) -> Vec<Diagnostic> {
    let found = uses(guide, resolved);
    if found.is_empty() {
        return Vec::new();
    }
    let urls = found.iter().map(|(u, _, _)| u.clone()).collect();
    let copies = fetch_all(book, urls, true);
    let uses: Vec<Use> = found
        .into_iter()
        .map(|(url, span, marks)| Use {
            url,
            file: shown.to_path_buf(),
            span,
            marks,
        })
        .collect();
    let mut problems = marks_outside(&uses, &copies.copied);
    let mut map = std::collections::HashMap::new();
    for (url, a) in copies.copied {
        map.insert(url, assets.len());
        assets.push(a);
    }
    crate::validate::use_copies(resolved, &map);
    problems.extend(warnings(&uses, &copies.failed, Step::Build));
    problems
}
