//! Lint: everything `check` checks, plus what rots: local screenshots that are not images, are
//! too large or have the wrong extension; remote screenshots and links that no longer answer, are
//! not images, or redirect; `#anchors` to steps that do not exist; alt text that is a file name.

mod cache;
pub mod format;
pub mod http;
mod local;
mod measure;
mod shots;
mod similar;

use crate::diag::Code;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::config::{LintLevel, LintTable};
use crate::diag::{Diagnostic, Diagnostics, Severity, Sources};
use crate::model::{Screenshot, Sp};
use crate::source::load::LoadedGuide;
use crate::validate::{CheckedGuide, CheckedStep, Image, Resolved, ResolvedStep};
use crate::{book::Book, error::Error};

use http::{Checker, HttpOptions, Verdict};

/// Options of `stepbook lint`; `None` fields come from book.toml's `[lint]`.
#[derive(Clone, Default)]
pub struct LintOptions {
    pub offline: bool,
    pub no_cache: bool,
    pub timeout: Option<u64>,
    pub concurrency: Option<usize>,
    pub per_host: Option<usize>,
    pub retries: Option<u32>,
    pub exclude: Vec<String>,
    /// Told (done, total) as remote URLs are checked, e.g. to draw a progress bar.
    pub progress: Option<Progress>,
}

/// A progress callback: (URLs checked, URLs to check).
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The outcome of a lint run.
#[derive(Debug)]
pub struct LintReport {
    /// Things the user should know that are not problems in the book (the cache was not
    /// saved), for the caller to print.
    pub notes: Vec<String>,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
    /// Guide files linted (shown paths), for reports that list clean files too.
    pub files: Vec<PathBuf>,
    pub stats: Stats,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub guides: usize,
    pub local_images: usize,
    pub remote_images: usize,
    pub links: usize,
    /// Distinct URLs (image or link) that needed a check.
    pub urls: usize,
    pub from_cache: usize,
    pub requests: usize,
    pub skipped_offline: usize,
    pub excluded: usize,
}

/// A URL found in a guide, where it was found, and whether it must be an image.
#[derive(Debug, Clone)]
struct UrlUse {
    url: String,
    image: bool,
    file: std::sync::Arc<std::path::Path>,
    span: Range<usize>,
}

/// Lints the book.
pub fn lint(book: &Book, opts: &LintOptions) -> Result<LintReport, Error> {
    let cfg = &book.config.lint;
    // Local screenshots (each file once) and the URLs to check, taken from each guide as it
    // is checked (a large book is not read twice); the text of a guide with problems, to show
    // them. A use's image is first its number in its guide, then in the book.
    let (mut checked, per_guide) = book.check_visiting(&book.variant(), |g, r| {
        let (mut uses, mut local, mut diags) = (Vec::new(), Vec::new(), Diagnostics::default());
        let mut shot_uses = Vec::new();
        collect(g, r, (&mut uses, &mut local, &mut shot_uses), &mut diags);
        let marked = marked_remote(g, r);
        let text =
            (!diags.is_empty() || !marked.is_empty()).then(|| (g.shown.clone(), g.text.clone()));
        (uses, local, diags, text, shot_uses, marked)
    })?;
    let mut diagnostics = std::mem::take(&mut checked.diagnostics);
    let mut sources = std::mem::take(&mut checked.sources);
    let mut stats = Stats {
        guides: checked.guides.len(),
        ..Stats::default()
    };
    let files: Vec<PathBuf> = checked.guides.iter().map(|g| g.shown.clone()).collect();
    let paths: BTreeMap<PathBuf, PathBuf> = checked
        .guides
        .iter()
        .map(|g| (g.shown.clone(), g.path.clone()))
        .collect();
    let Gathered {
        uses,
        local,
        marked,
        shot_uses,
    } = gather(
        per_guide,
        |g, i| checked.asset_of(g, i),
        &mut diagnostics,
        &mut sources,
    );
    let assets = std::mem::take(&mut checked.assets);
    stats.local_images = local.len();
    diagnostics.extend(local::problems(&local, &assets, cfg));
    stats.remote_images = uses.iter().filter(|u| u.image).count();
    stats.links = uses.len() - stats.remote_images;

    // Remote URLs: each once, however often it is used; as an image if any use is one (a
    // link to an image is fine, whatever it is).
    let exclude = exclude_set(cfg.exclude.iter().chain(&opts.exclude))?;
    let distinct = distinct_urls(&uses, &exclude, &mut stats);
    let mut notes = Vec::new();
    let verdicts = if opts.offline {
        stats.skipped_offline = distinct.len();
        BTreeMap::new()
    } else {
        let urls = distinct.into_iter().collect();
        check_remote(book, cfg, opts, urls, &mut stats, &mut notes)?
    };
    for u in &uses {
        if let Some(v) = verdicts.get(&u.url) {
            diagnostics.extend(remote_problem(u, v));
        }
    }
    diagnostics.extend(measure_marked(cfg, opts, &marked, &verdicts, &mut stats));
    let found = shots::screenshot_checks(
        book, opts, &shot_uses, &assets, &verdicts, &paths, &mut notes,
    );
    diagnostics.extend(found);
    apply_levels(&mut diagnostics, cfg);
    diagnostics.sort();
    add_sources(&mut sources, &diagnostics, &paths);
    Ok(LintReport {
        notes,
        diagnostics,
        sources,
        files,
        stats,
    })
}

/// What each guide's visit found: its URLs, local screenshots, problems, its text (when it has
/// problems), its screenshots' capture records and its remote screenshots with marks.
type Visit = (
    Vec<UrlUse>,
    Vec<LocalUse>,
    Diagnostics,
    Option<(PathBuf, std::sync::Arc<str>)>,
    Vec<shots::ShotUse>,
    Vec<measure::Marked>,
);

/// The visits' findings for the whole book (each image numbered in the book, not its guide).
struct Gathered {
    uses: Vec<UrlUse>,
    local: Vec<LocalUse>,
    marked: Vec<measure::Marked>,
    shot_uses: Vec<shots::ShotUse>,
}

/// Gathers the guides' visits into the book's lists, their problems and texts into
/// `diagnostics` and `sources`.
fn gather(
    per_guide: Vec<Visit>,
    asset_of: impl Fn(usize, usize) -> Option<usize>,
    diagnostics: &mut Diagnostics,
    sources: &mut Sources,
) -> Gathered {
    let mut all = Gathered {
        uses: Vec::new(),
        local: Vec::new(),
        marked: Vec::new(),
        shot_uses: Vec::new(),
    };
    for (gi, (u, l, d, text, su, m)) in per_guide.into_iter().enumerate() {
        all.uses.extend(u);
        all.marked.extend(m);
        all.shot_uses
            .extend(su.into_iter().filter_map(|mut s: shots::ShotUse| {
                if let shots::Where::Local(i) = s.image {
                    s.image = shots::Where::Local(asset_of(gi, i)?);
                }
                Some(s)
            }));
        all.local
            .extend(l.into_iter().filter_map(|mut l: LocalUse| {
                l.asset = asset_of(gi, l.asset)?;
                Some(l)
            }));
        diagnostics.extend(d.items);
        if let Some((shown, text)) = text
            && sources.get(&shown).is_none()
        {
            sources.insert(shown, text);
        }
    }
    all
}

/// The marks of remote screenshots outside their images: each image that answered is measured
/// (the first bytes of its body, for its header's size).
fn measure_marked(
    cfg: &LintTable,
    opts: &LintOptions,
    marked: &[measure::Marked],
    verdicts: &BTreeMap<String, Verdict>,
    stats: &mut Stats,
) -> Vec<Diagnostic> {
    if marked.is_empty() || verdicts.is_empty() {
        return Vec::new();
    }
    let checker = Checker::new(http_options(cfg, opts));
    let found = measure::problems(&checker, marked, verdicts);
    stats.requests += checker.requests.load(std::sync::atomic::Ordering::Relaxed);
    found
}

/// The URLs to check, each once however often it is used, as an image if any use is one;
/// the excluded ones counted.
fn distinct_urls(
    uses: &[UrlUse],
    exclude: &globset::GlobSet,
    stats: &mut Stats,
) -> BTreeMap<String, bool> {
    let mut distinct: BTreeMap<String, bool> = BTreeMap::new();
    for u in uses {
        if exclude.is_match(&u.url) {
            stats.excluded += 1;
            continue;
        }
        *distinct.entry(u.url.clone()).or_default() |= u.image;
    }
    stats.urls = distinct.len();
    distinct
}

/// The texts the problems point into, read again for the guides the check kept no text of
/// (it keeps only those of guides with problems).
fn add_sources(
    sources: &mut Sources,
    diagnostics: &Diagnostics,
    paths: &BTreeMap<PathBuf, PathBuf>,
) {
    for d in diagnostics.iter() {
        if sources.get(&d.file).is_none()
            && let Some(text) = paths
                .get(&d.file)
                .and_then(|p| std::fs::read_to_string(p).ok())
        {
            sources.insert(d.file.clone(), std::sync::Arc::from(text));
        }
    }
}

/// Severity overrides from `[lint.severity]`; `off` drops the problem.
fn apply_levels(d: &mut Diagnostics, cfg: &LintTable) {
    // Keys were checked when book.toml was loaded; any case is accepted (`l003`).
    let levels: HashMap<Code, LintLevel> = cfg
        .severity
        .iter()
        .filter_map(|(k, v)| Code::parse(k).map(|c| (c, *v)))
        .collect();
    d.items.retain_mut(|diag| match levels.get(&diag.code) {
        Some(LintLevel::Off) => false,
        Some(LintLevel::Error) => {
            diag.severity = Severity::Error;
            true
        }
        Some(LintLevel::Warning) => {
            diag.severity = Severity::Warning;
            true
        }
        None => !diag.code.off_by_default(),
    });
}

/// A screenshot's capture record and image, for the screenshot checks.
fn shot_use(
    shot: &Screenshot,
    img: &Image,
    file: &std::sync::Arc<std::path::Path>,
) -> Option<shots::ShotUse> {
    let image = match img {
        Image::Remote(url) => shots::Where::Remote(url.clone()),
        Image::Local(i) => shots::Where::Local(*i),
        Image::Invalid => return None,
    };
    let captured = shot.captured.as_ref().and_then(|c| {
        let day = crate::validate::capture::Day::parse(c.trim())?;
        Some((day, c.span.clone()))
    });
    Some(shots::ShotUse {
        file: file.clone(),
        src: shot.src.span.clone(),
        captured,
        dated: shot.captured.is_some(),
        sourced: shot.source.is_some(),
        image,
    })
}

/// The `exclude` patterns (book.toml's and `--exclude`) as one matcher (globset). `*` matches
/// any text, `/` included (`https://intranet/*` covers the whole site), `?` one character.
pub fn exclude_set<'a>(
    patterns: impl IntoIterator<Item = &'a String>,
) -> Result<globset::GlobSet, Error> {
    let mut set = globset::GlobSetBuilder::new();
    for p in patterns {
        set.add(
            crate::config::exclude_glob(p)
                .map_err(|e| Error::Other(anyhow::anyhow!("invalid exclude pattern `{p}`: {e}")))?,
        );
    }
    set.build()
        .map_err(|e| Error::Other(anyhow::anyhow!("invalid exclude patterns: {e}")))
}

/// A local screenshot use: which asset, and where its `src` is written.
struct LocalUse {
    asset: usize,
    /// The guide, shared by its uses (a catalogue has 100,000 of them).
    file: std::sync::Arc<std::path::Path>,
    src: Range<usize>,
}

/// What lint takes from one guide: URLs, local screenshot uses, and every screenshot.
type Collected<'a> = (
    &'a mut Vec<UrlUse>,
    &'a mut Vec<LocalUse>,
    &'a mut Vec<shots::ShotUse>,
);

fn collect(
    g: &LoadedGuide,
    r: &Resolved,
    (uses, local, shot_uses): Collected,
    diags: &mut Diagnostics,
) {
    let guide = &g.guide;
    let file: std::sync::Arc<std::path::Path> = std::sync::Arc::from(g.shown.as_path());
    let mut shots: Vec<(&Screenshot, &Image)> = Vec::new();
    for section in CheckedGuide::new(guide, r).sections() {
        for step in section.steps() {
            screenshots(step, &mut shots);
        }
    }
    let anchors = anchors_of(r);
    for field in guide.markdown_fields() {
        for (url, span) in links(&g.text, field.text) {
            if let Some(anchor) = url.strip_prefix('#') {
                diags.extend(anchor_problem(anchor, span, &anchors, &g.shown));
            } else if url.starts_with("http://") || url.starts_with("https://") {
                uses.push(UrlUse {
                    url,
                    image: false,
                    file: file.clone(),
                    span,
                });
            }
        }
    }
    for (shot, img) in shots {
        shot_uses.extend(shot_use(shot, img, &file));
        match img {
            Image::Remote(url) => uses.push(UrlUse {
                url: url.clone(),
                image: true,
                file: file.clone(),
                span: shot.src.span.clone(),
            }),
            Image::Local(i) => local.push(LocalUse {
                asset: *i,
                file: file.clone(),
                src: shot.src.span.clone(),
            }),
            Image::Invalid => {}
        }
        // Alt text that is a placeholder (a generic word, the file name) says nothing; an
        // empty one is W002 already.
        if let Some(alt) = &shot.alt
            && !alt.trim().is_empty()
            && crate::markdown::placeholder_alt(alt, &shot.src)
        {
            diags.push(
                Diagnostic::warning(
                    Code::L014,
                    &g.shown,
                    format!("alt text `{}` says nothing about the picture", alt.trim()),
                )
                .at(alt.span.clone())
                .help("describe what the screenshot shows, for readers who cannot see it"),
            );
        }
    }
}

/// The Markdown fields and screenshots of a step and its substeps.
/// Each screenshot of a step and its substeps, with what validation resolved it to.
fn screenshots<'a>(s: CheckedStep<'a>, shots: &mut Vec<(&'a Screenshot, &'a Image)>) {
    shots.extend(s.screenshots());
    for sub in s.substeps() {
        screenshots(sub, shots);
    }
}

/// `#anchor` links in the guide's Markdown that name no section or step of it (L015): what lint
/// reports, and the language server shows as the author types.
pub fn anchor_problems(g: &LoadedGuide, r: &Resolved) -> Vec<Diagnostic> {
    let anchors = anchors_of(r);
    let mut out = Vec::new();
    for field in g.guide.markdown_fields() {
        for (url, span) in links(&g.text, field.text) {
            if let Some(anchor) = url.strip_prefix('#') {
                out.extend(anchor_problem(anchor, span, &anchors, &g.shown));
            }
        }
    }
    out
}

fn anchor_problem(
    anchor: &str,
    span: Range<usize>,
    anchors: &HashSet<String>,
    shown: &std::path::Path,
) -> Option<Diagnostic> {
    if anchor.is_empty() || anchors.contains(anchor) {
        return None;
    }
    let d = Diagnostic::error(
        Code::L015,
        shown,
        format!("link to `#{anchor}`, which is not an id in this guide"),
    )
    .at(span)
    .help(format!("ids in this guide: {}", preview(anchors)));
    Some(d)
}

fn anchors_of(r: &Resolved) -> HashSet<String> {
    fn steps(s: &ResolvedStep, out: &mut HashSet<String>) {
        out.insert(s.anchor.clone());
        for sub in &s.substeps {
            steps(sub, out);
        }
    }
    let mut out = HashSet::new();
    for s in &r.sections {
        out.insert(s.anchor.clone());
        for st in &s.steps {
            steps(st, &mut out);
        }
    }
    out
}

fn preview(anchors: &HashSet<String>) -> String {
    let mut v: Vec<&String> = anchors.iter().collect();
    v.sort();
    let shown: Vec<String> = v.iter().take(8).map(|a| format!("`#{a}`")).collect();
    let more = if v.len() > 8 {
        format!(" and {} more", v.len() - 8)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

/// Links in a Markdown field (`[text](url)`, `<url>`, bare `http(s)://` URLs), each with the
/// best span in the file: the URL itself when it can be found in the field's source, else the
/// field.
fn links(source: &str, field: &Sp<String>) -> Vec<(String, Range<usize>)> {
    let out = crate::markdown::link_targets(&field.value);
    let field_src = source.get(field.span.clone()).unwrap_or("");
    // Links come in the order they are written: look for each after the one before, so many
    // links cost linear time (one the source spells otherwise, escaped, gets the field's span).
    let mut from = 0;
    out.into_iter()
        .map(|url| {
            let found = field_src
                .get(from..)
                .and_then(|rest| rest.find(&url))
                .map(|i| from + i);
            let span = match found {
                Some(i) => {
                    from = i + url.len();
                    field.span.start + i..field.span.start + i + url.len()
                }
                None => field.span.clone(),
            };
            (url, span)
        })
        .collect()
}

fn remote_problem(u: &UrlUse, v: &Verdict) -> Option<Diagnostic> {
    let what = if u.image { "screenshot" } else { "link" };
    let url = &u.url;
    let d = match v {
        Verdict::Ok { .. } => return None,
        // Checked as an image for another use; as a link it answered, which is all a link needs.
        Verdict::NotImage { .. } if !u.image => return None,
        Verdict::Redirected { to, .. } => Diagnostic::warning(Code::L003, &*u.file, format!("{what} `{url}` redirects"))
            .label("redirects")
            .help(format!("use the final URL: `{to}`")),
        Verdict::Status { status } => Diagnostic::error(
            if u.image { Code::L001 } else { Code::L005 },
            &*u.file,
            format!("{what} `{url}` answers {status}{}", status_text(*status)),
        )
        .label(format!("HTTP {status}"))
        .help(if *status == 404 || *status == 410 {
            "the file is gone: find its new address, or replace it".to_owned()
        } else {
            "check the URL in a browser; add the status to `accept` in [lint] if it is expected".to_owned()
        }),
        Verdict::NotImage { content_type } => Diagnostic::error(
            Code::L002,
            &*u.file,
            format!("screenshot `{url}` is not an image ({content_type})"),
        )
        .label("not an image")
        .help("the URL must lead to the image itself, not to a page that shows it"),
        Verdict::RedirectLoop { last } => Diagnostic::error(
            Code::L006,
            &*u.file,
            format!("{what} `{url}` redirects too often or nowhere"),
        )
        .help(format!("the last address tried was `{last}`")),
        Verdict::Timeout => Diagnostic::error(Code::L004, &*u.file, format!("{what} `{url}` did not answer in time"))
            .label("timed out")
            .help("the server may be down or slow; raise `timeout` in [lint] or `--timeout` if it is just slow"),
        Verdict::Failed { reason } => Diagnostic::error(Code::L004, &*u.file, format!("{what} `{url}` cannot be reached"))
            .label("unreachable")
            .help(reason.clone()),
        // The failure belongs to where the redirects led: name it, it may be another host.
        Verdict::AfterRedirect { to, then } => {
            let mut d = remote_problem(u, then)?;
            d.message = format!("{} after redirecting to `{to}`", d.message);
            d.label = Some("redirects to a failing address".into());
            return Some(d);
        }
    };
    Some(d.at(u.span.clone()))
}

/// Whether every address checked failed to connect or to answer (at least two: one host down
/// is not the network), as when lint runs with no network.
fn no_network(verdicts: &BTreeMap<String, Verdict>) -> bool {
    verdicts.len() >= 2
        && verdicts
            .values()
            .all(|v| matches!(v, Verdict::Failed { .. } | Verdict::Timeout))
}

fn status_text(status: u16) -> &'static str {
    match status {
        400 => " (Bad Request)",
        401 => " (Unauthorized)",
        403 => " (Forbidden)",
        404 => " (Not Found)",
        410 => " (Gone)",
        429 => " (Too Many Requests)",
        500 => " (Internal Server Error)",
        502 => " (Bad Gateway)",
        503 => " (Service Unavailable)",
        _ => "",
    }
}

/// The most worker threads `lint` starts, whatever `--concurrency` says.
const MAX_WORKERS: usize = 1024;

/// How many workers to start for `todo`: no more than `concurrency`, than [`MAX_WORKERS`],
/// than the requests the per-host limit lets be in flight at once (the rest would only wait),
/// nor than the address-space limit (`ulimit -v`) leaves room for: each thread costs its stack
/// and allocator arenas, and under a 4 GB limit 1,024 of them failed to start or to allocate.
fn workers(
    concurrency: usize,
    per_host: usize,
    todo: &[(String, bool)],
    notes: &mut Vec<String>,
) -> usize {
    let hosts: std::collections::HashSet<&str> = todo
        .iter()
        .map(|(u, _)| {
            let rest = u.split_once("://").map_or(u.as_str(), |(_, r)| r);
            rest.split(['/', '?', '#']).next().unwrap_or(rest)
        })
        .collect();
    let useful = hosts.len().saturating_mul(per_host.max(1)).max(1);
    let mut n = concurrency.clamp(1, MAX_WORKERS).min(useful);
    if concurrency > MAX_WORKERS {
        notes.push(format!(
            "`--concurrency {concurrency}` is more than {MAX_WORKERS}: {MAX_WORKERS} requests at most are in flight"
        ));
    }
    if let Some(room) = address_space_room() {
        // Each worker thread, and the thread that looks up its host, takes a 32 MiB segment of
        // the allocator's address space besides its stack: 64 MiB a worker (measured: under a
        // 1.5 GB limit 16 workers finished, 32 aborted).
        let fits = (room / (64 << 20)).max(1) as usize;
        if fits < n {
            notes.push(format!(
                "{n} requests in flight would not fit in the address-space limit (`ulimit -v`): {fits} at most"
            ));
            n = fits;
        }
    }
    n
}

/// The address space left for workers under `ulimit -v` (less 512 MiB for the rest), if it is
/// limited.
#[cfg(target_os = "linux")]
fn address_space_room() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut lim) } == 0;
    (ok && lim.rlim_cur != libc::RLIM_INFINITY).then(|| lim.rlim_cur.saturating_sub(512 << 20))
}

#[cfg(not(target_os = "linux"))]
fn address_space_room() -> Option<u64> {
    None
}

/// Checks `todo` (URL, as an image?) on up to `concurrency` worker threads (ureq is blocking:
/// one request in flight per worker).
fn check_all(
    checker: &Checker,
    todo: Vec<(String, bool)>,
    concurrency: usize,
    progress: Option<&Progress>,
) -> Vec<((String, bool), Verdict)> {
    let total = todo.len() as u64;
    let checked = std::sync::atomic::AtomicU64::new(0);
    let workers = concurrency.clamp(1, MAX_WORKERS).min(todo.len().max(1));
    let queue = Mutex::new(todo);
    let done = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            // A worker only waits on one request at a time: a small stack is plenty, and 1,024
            // workers with the default 2 MiB stacks cost gigabytes.
            let spawned = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(s, || {
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop();
                        let Some((url, image)) = next else { break };
                        let v = checker.check(&url, image);
                        let n = checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if let Some(p) = progress {
                            p(n, total);
                        }
                        done.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(((url, image), v));
                    }
                });
            if spawned.is_err() {
                break; // the system refused more threads: the ones running share the queue
            }
        }
    });
    done.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The HTTP settings of `[lint]` and the command line.
fn http_options(cfg: &LintTable, opts: &LintOptions) -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_secs(cfg.connect_timeout),
        timeout: Duration::from_secs(opts.timeout.unwrap_or(cfg.timeout)),
        per_host: opts.per_host.unwrap_or(cfg.per_host),
        retries: opts.retries.unwrap_or(cfg.retries),
        max_redirects: cfg.max_redirects,
        accept: cfg.accept.clone(),
        user_agent: cfg.user_agent.clone(),
        max_retry_after: Duration::from_secs(10),
    }
}

/// The remote screenshots of a guide that carry marks (their size is read when linted).
fn marked_remote(g: &LoadedGuide, r: &Resolved) -> Vec<measure::Marked> {
    let file: std::sync::Arc<std::path::Path> = std::sync::Arc::from(g.shown.as_path());
    let mut shots: Vec<(&Screenshot, &Image)> = Vec::new();
    for section in CheckedGuide::new(&g.guide, r).sections() {
        for step in section.steps() {
            screenshots(step, &mut shots);
        }
    }
    shots
        .into_iter()
        .filter_map(|(shot, img)| match img {
            Image::Remote(url) if !shot.marks.is_empty() => Some(measure::Marked {
                url: url.clone(),
                file: file.clone(),
                marks: shot
                    .marks
                    .iter()
                    .take(crate::validate::marks::MAX_MARKS)
                    .cloned()
                    .collect(),
                src: shot.src.span.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn check_remote(
    book: &Book,
    cfg: &LintTable,
    opts: &LintOptions,
    urls: Vec<(String, bool)>,
    stats: &mut Stats,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, Verdict>, Error> {
    let max_age = cfg.cache_max_age;
    let mut cache =
        (!opts.no_cache).then(|| cache::Cache::open(&book.root.join(&cfg.cache_dir), max_age));
    let mut results = BTreeMap::new();
    let mut todo = Vec::new();
    for (url, image) in urls {
        match cache.as_ref().and_then(|c| c.get(&url, image)) {
            Some(v) => {
                stats.from_cache += 1;
                results.insert(url, v);
            }
            None => todo.push((url, image)),
        }
    }
    let checker = Checker::new(http_options(cfg, opts));
    let per_host = opts.per_host.unwrap_or(cfg.per_host);
    let concurrency = workers(
        opts.concurrency.unwrap_or(cfg.concurrency),
        per_host,
        &todo,
        notes,
    );
    let done = check_all(&checker, todo, concurrency, opts.progress.as_ref());
    stats.requests = checker.requests.load(std::sync::atomic::Ordering::Relaxed);
    for ((url, image), v) in done {
        if let Some(c) = cache.as_mut() {
            c.put(&url, image, &v);
        }
        results.insert(url, v);
    }
    if let Some(c) = cache.as_mut()
        && let Err(e) = c.save()
    {
        // A read-only checkout still gets its report; only the next run is slower.
        notes.push(format!("the link cache was not saved: {e:#}"));
    }
    if no_network(&results) {
        notes.push(format!(
            "none of the {} addresses could be reached: without a network, `stepbook lint --offline` checks the local screenshots and links only",
            results.len()
        ));
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| {
            crate::config::exclude_glob(p)
                .unwrap()
                .compile_matcher()
                .is_match(t)
        };
        assert!(m("https://intranet/*", "https://intranet/a/b"));
        assert!(m("*example.com*", "https://www.example.com/x"));
        assert!(m("https://a/x", "https://a/x"));
        assert!(!m("https://a/x", "https://a/xy"));
        assert!(!m("https://intranet/*", "https://internet/a"));
        assert!(m("*.png", "http://h/a.png"));
        assert!(crate::config::exclude_glob("https://a/[x").is_err());
    }

    #[test]
    fn links_in_markdown_fields_with_spans() {
        let src = "text: See [docs](https://d.example/a) and https://bare.example/b. Or #x\n";
        let field = Sp::new(src[6..src.len() - 1].to_owned(), 6..src.len() - 1);
        let found = links(src, &field);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "https://d.example/a");
        assert_eq!(&src[found[0].1.clone()], "https://d.example/a");
        assert_eq!(found[1].0, "https://bare.example/b");
        let anchors = Sp::new("[step](#open-site)".to_owned(), 0..18);
        assert_eq!(links("[step](#open-site)", &anchors)[0].0, "#open-site");
    }
}
