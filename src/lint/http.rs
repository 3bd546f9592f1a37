//! Lint: checks remote URLs over HTTP (ureq): HEAD first, GET when a server refuses HEAD,
//! redirects followed one by one (bounded) so the final URL can be reported, retries with backoff
//! for timeouts, 429 and 5xx (honouring `Retry-After`, capped), one deadline for everything a URL
//! takes, a limit of requests in flight per host, and at most 64 bytes of any body read (to
//! sniff an image header) — except by [`Checker::fetch_image`], which the build's
//! `remote-images = "copy"` uses to download a screenshot whole (GET only, up to a byte cap).

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// What a URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Answered 2xx (or an accepted status); for images, with an image.
    Ok { status: u16 },
    /// Good, but only after redirects: the guide should use `to`.
    Redirected { to: String, status: u16 },
    /// Answered with an error status.
    Status { status: u16 },
    /// An image was expected; the server sent something else.
    NotImage { content_type: String },
    /// Too many redirects, or a redirect without a usable Location.
    RedirectLoop { last: String },
    /// No answer in time (after the retries).
    Timeout,
    /// Could not connect, bad URL, TLS error...
    Failed { reason: String },
    /// Redirects led to `to`, which failed as `then`.
    AfterRedirect { to: String, then: Box<Verdict> },
}

impl Verdict {
    /// Good results may be cached; failures never are.
    pub fn is_good(&self) -> bool {
        matches!(self, Verdict::Ok { .. } | Verdict::Redirected { .. })
    }
}

/// Settings of the checker.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub per_host: usize,
    pub retries: u32,
    pub max_redirects: u32,
    pub accept: Vec<u16>,
    pub user_agent: String,
    /// Upper bound on one `Retry-After` wait.
    pub max_retry_after: Duration,
}

impl HttpOptions {
    /// The settings of book.toml's `[lint]`, shared by `lint` and the build's remote images.
    pub fn of(cfg: &crate::config::LintTable) -> HttpOptions {
        HttpOptions {
            connect_timeout: Duration::from_secs(cfg.connect_timeout),
            timeout: Duration::from_secs(cfg.timeout),
            per_host: cfg.per_host,
            retries: cfg.retries,
            max_redirects: cfg.max_redirects,
            accept: cfg.accept.clone(),
            user_agent: cfg.user_agent.clone(),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// Checks URLs; safe to share between worker threads.
pub struct Checker {
    agent: ureq::Agent,
    opts: HttpOptions,
    in_flight: Mutex<HashMap<String, usize>>,
    freed: Condvar,
    /// Requests sent, for the report (`requests` in the summary: zero when all came from the
    /// cache).
    pub requests: AtomicUsize,
}

/// How much of a body is read to recognise an image.
const SNIFF_BYTES: u64 = 64;

impl Checker {
    pub fn new(opts: HttpOptions) -> Checker {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_global(Some(opts.timeout))
            .user_agent(opts.user_agent.as_str())
            .max_idle_connections_per_host(opts.per_host.max(1))
            .max_idle_connections(opts.per_host.max(1) * 4)
            // Only headers and a few bytes of a body are read: ureq's 128 KiB buffers for each
            // connection would be most of the memory of a run with many in flight.
            .input_buffer_size(64 * 1024)
            .output_buffer_size(4 * 1024)
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            Resolver,
        );
        Checker {
            agent,
            opts,
            in_flight: Mutex::new(HashMap::new()),
            freed: Condvar::new(),
            requests: AtomicUsize::new(0),
        }
    }

    /// Checks a URL; `image` asks for an image (content type and, with a body, its first bytes).
    ///
    /// One deadline covers the whole check of a URL (every redirect, retry and wait): the
    /// request timeout times the number of tries, so a server answering 429 with a long
    /// `Retry-After` on every redirect cannot hold the run for minutes.
    pub fn check(&self, url: &str, image: bool) -> Verdict {
        self.follow(url, image, None).0
    }

    /// Downloads the image at `url` whole (GET, redirects followed, retries, the per-host
    /// limit and the deadline of [`Checker::check`]): the verdict, and the body when it is `Ok`
    /// or `Redirected`. A body of more than `max_bytes` is a `Failed` verdict, read no further
    /// than one byte past the cap (a 2 GB answer costs `max_bytes` of memory, not 2 GB).
    pub fn fetch_image(&self, url: &str, max_bytes: u64) -> (Verdict, Option<Vec<u8>>) {
        self.follow(url, true, Some(max_bytes))
    }

    /// [`Checker::check`], and with `whole` the body (read up to that many bytes).
    fn follow(&self, url: &str, image: bool, whole: Option<u64>) -> (Verdict, Option<Vec<u8>>) {
        let deadline = Instant::now() + self.url_budget();
        let mut current = url.to_owned();
        let mut redirected = false;
        for _ in 0..=self.opts.max_redirects {
            let (step, body) = self.check_one(&current, image, whole, deadline);
            let body = body.filter(|_| matches!(step, Step::Done(Verdict::Ok { .. })));
            match step {
                Step::Done(v) if redirected => {
                    let v = match v {
                        Verdict::Ok { status } => Verdict::Redirected {
                            to: current,
                            status,
                        },
                        other => Verdict::AfterRedirect {
                            to: current,
                            then: Box::new(other),
                        },
                    };
                    return (v, body);
                }
                Step::Done(v) => return (v, body),
                Step::Redirect(location) => match join_url(&current, &location) {
                    Some(next) => {
                        current = next;
                        redirected = true;
                    }
                    None => return (Verdict::RedirectLoop { last: current }, None),
                },
            }
        }
        (Verdict::RedirectLoop { last: current }, None)
    }

    /// The time one URL may take in all.
    fn url_budget(&self) -> Duration {
        self.opts
            .timeout
            .saturating_mul(self.opts.retries.saturating_add(1))
    }

    /// The first `max` bytes of the body at `url` (a GET, no redirects, no retries), for
    /// reading an image's size from its header; `None` for anything but a 2xx answer.
    pub fn first_bytes(&self, url: &str, max: u64) -> Option<Vec<u8>> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let host = host_of(url).unwrap_or_default();
        let _slot = self.slot(&host);
        let mut resp = self.agent.get(url).call().ok()?;
        if !resp.status().is_success() {
            return None;
        }
        let mut buf = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(max)
            .read_to_end(&mut buf)
            .ok()?;
        Some(buf)
    }

    /// One URL (no redirect following), with retries, until `deadline`; with `whole`, the body.
    fn check_one(
        &self,
        url: &str,
        image: bool,
        whole: Option<u64>,
        deadline: Instant,
    ) -> (Step, Option<Vec<u8>>) {
        let host = host_of(url).unwrap_or_default();
        let mut attempt = 0;
        loop {
            let outcome = {
                let _slot = self.slot(&host);
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return (Step::Done(Verdict::Timeout), None);
                }
                match whole {
                    // A download skips HEAD: the body is wanted anyway.
                    Some(max) => {
                        self.send(url, Fetch::Whole(max), image, left.min(self.opts.timeout))
                    }
                    None => self.request(url, image, left.min(self.opts.timeout)),
                }
            };
            let retry_after = match &outcome {
                Attempt::Timeout => Some(None),
                Attempt::Answer {
                    status,
                    retry_after,
                    ..
                } if *status == 429 || (500..600).contains(status) => Some(*retry_after),
                _ => None,
            };
            let wait = retry_after.map(|w| {
                let backoff = Duration::from_millis(250 * (1 << attempt.min(10)));
                w.unwrap_or(backoff).min(self.opts.max_retry_after)
            });
            match wait {
                // A wait that would end past the deadline is not worth starting: report now.
                Some(wait) if attempt < self.opts.retries && Instant::now() + wait < deadline => {
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                _ => {
                    let body = match (&outcome, whole) {
                        (Attempt::Answer { head, .. }, Some(_)) => head.clone(),
                        _ => None,
                    };
                    return (self.verdict(outcome, image), body);
                }
            }
        }
    }

    fn verdict(&self, outcome: Attempt, image: bool) -> Step {
        match outcome {
            Attempt::Timeout => Step::Done(Verdict::Timeout),
            Attempt::Failed(reason) => Step::Done(Verdict::Failed { reason }),
            Attempt::Answer {
                status,
                location,
                content_type,
                head,
                ..
            } => {
                if (300..400).contains(&status) && status != 304 {
                    return match location {
                        Some(l) => Step::Redirect(l),
                        None => Step::Done(Verdict::Failed {
                            reason: format!("redirect ({status}) without a Location"),
                        }),
                    };
                }
                let good = (200..300).contains(&status) || self.opts.accept.contains(&status);
                if !good {
                    return Step::Done(Verdict::Status { status });
                }
                if image && (200..300).contains(&status) {
                    let ct = content_type.unwrap_or_default();
                    let sniffed_image = head.as_deref().map(|h| image::guess_format(h).is_ok());
                    let declared_image = ct.to_ascii_lowercase().starts_with("image/");
                    if !declared_image || sniffed_image == Some(false) {
                        let shown = if ct.is_empty() {
                            "no Content-Type".into()
                        } else {
                            ct
                        };
                        return Step::Done(Verdict::NotImage {
                            content_type: if declared_image {
                                format!("{shown}, but the body is not an image")
                            } else {
                                shown
                            },
                        });
                    }
                }
                Step::Done(Verdict::Ok { status })
            }
        }
    }

    /// HEAD, then GET when the server refuses HEAD; both within `timeout`.
    fn request(&self, url: &str, image: bool, timeout: Duration) -> Attempt {
        let start = Instant::now();
        let head = self.send(url, Fetch::Head, image, timeout);
        match &head {
            Attempt::Answer {
                status: 405 | 403 | 501,
                ..
            } => {
                let left = timeout.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return Attempt::Timeout;
                }
                self.send(url, Fetch::Sniff, image, left)
            }
            _ => head,
        }
    }

    fn send(&self, url: &str, fetch: Fetch, image: bool, timeout: Duration) -> Attempt {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let get = !matches!(fetch, Fetch::Head);
        let result = if get {
            self.agent
                .get(url)
                .config()
                .timeout_global(Some(timeout))
                .build()
                .call()
        } else {
            self.agent
                .head(url)
                .config()
                .timeout_global(Some(timeout))
                .build()
                .call()
        };
        match result {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let header = |name: &str| {
                    resp.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let location = header("location");
                let content_type = header("content-type");
                let retry_after = header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let ok = (200..300).contains(&status);
                let head = match read_body(resp.body_mut(), fetch, image && ok) {
                    Ok(head) => head,
                    Err(failed) => return failed,
                };
                Attempt::Answer {
                    status,
                    location,
                    content_type,
                    retry_after,
                    head,
                }
            }
            Err(ureq::Error::Timeout(_)) => Attempt::Timeout,
            Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => Attempt::Timeout,
            Err(e) => Attempt::Failed(e.to_string()),
        }
    }

    /// Waits for a free slot for `host`; the slot is given back when the guard drops.
    fn slot(&self, host: &str) -> SlotGuard<'_> {
        let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while *map.get(host).unwrap_or(&0) >= self.opts.per_host.max(1) {
            map = self.freed.wait(map).unwrap_or_else(|e| e.into_inner());
        }
        *map.entry(host.to_owned()).or_insert(0) += 1;
        SlotGuard {
            checker: self,
            host: host.to_owned(),
        }
    }
}

struct SlotGuard<'a> {
    checker: &'a Checker,
    host: String,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let mut map = self
            .checker
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.host) {
            *n -= 1;
        }
        self.checker.freed.notify_all();
    }
}

enum Attempt {
    Answer {
        status: u16,
        location: Option<String>,
        content_type: Option<String>,
        retry_after: Option<Duration>,
        head: Option<Vec<u8>>,
    },
    Timeout,
    Failed(String),
}

enum Step {
    Done(Verdict),
    Redirect(String),
}

/// What `fetch` reads of a 2xx body (`wanted`): the first bytes of an image, or all of it up to
/// the cap; an `Err` is the attempt's outcome (timed out, broke off, too large).
fn read_body(
    body: &mut ureq::Body,
    fetch: Fetch,
    wanted: bool,
) -> Result<Option<Vec<u8>>, Attempt> {
    let mut buf = Vec::new();
    match fetch {
        Fetch::Sniff if wanted => {
            let _ = body.as_reader().take(SNIFF_BYTES).read_to_end(&mut buf);
            Ok(Some(buf))
        }
        Fetch::Whole(max) if wanted => {
            // ureq refuses a body over its default 10 MB unless given a limit; one byte past
            // the cap tells "too large" from "exactly the cap", and no more is read.
            let over = max.saturating_add(1);
            let read = body
                .with_config()
                .limit(over)
                .reader()
                .take(over)
                .read_to_end(&mut buf);
            match read {
                Err(e) if timed_out(&e) => Err(Attempt::Timeout),
                Err(e) if buf.len() as u64 <= max => {
                    Err(Attempt::Failed(format!("the download broke off: {e}")))
                }
                _ if buf.len() as u64 > max => Err(Attempt::Failed(format!(
                    "larger than {} (`max-image-bytes` in [lint])",
                    if max % (1 << 20) == 0 {
                        format!("{} MiB", max >> 20)
                    } else {
                        format!("{max} bytes")
                    }
                ))),
                _ => Ok(Some(buf)),
            }
        }
        _ => Ok(None),
    }
}

/// Whether a body read failed on the request's timeout (ureq wraps its own error in the I/O
/// error the reader gives).
fn timed_out(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::TimedOut
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            .is_some_and(|u| matches!(u, ureq::Error::Timeout(_)))
}

/// What a request asks for and reads of the body.
#[derive(Clone, Copy)]
enum Fetch {
    Head,
    /// GET, the first [`SNIFF_BYTES`] of an image read.
    Sniff,
    /// GET, the whole body read, up to this many bytes.
    Whole(u64),
}

// Where the per-host limit and the PDF image fetcher share it, below the pipeline.
pub use crate::markdown::host_of;

/// Resolves a redirect's Location against the URL that sent it.
pub fn join_url(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.starts_with("http://") || location.starts_with("https://") {
        return Some(location.to_owned());
    }
    let origin = host_of(base)?;
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = base.split("://").next()?;
        return Some(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Some(format!("{origin}{location}"));
    }
    let path = base[origin.len()..].split(['?', '#']).next().unwrap_or("/");
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    Some(format!("{origin}{dir}/{location}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            host_of("https://User@Example.com:8080/a?b").as_deref(),
            Some("https://example.com:8080")
        );
        assert_eq!(
            join_url("http://h/a/b.png", "/c.png").as_deref(),
            Some("http://h/c.png")
        );
        assert_eq!(
            join_url("http://h/a/b.png", "c.png").as_deref(),
            Some("http://h/a/c.png")
        );
        assert_eq!(
            join_url("http://h/a/b.png", "https://o/x").as_deref(),
            Some("https://o/x")
        );
        assert_eq!(
            join_url("https://h/a", "//cdn/x").as_deref(),
            Some("https://cdn/x")
        );
    }
}

/// Host names looked up with a time limit, without ever panicking.
///
/// ureq's own resolver looks up on a thread it starts with `thread::spawn`, which panics when
/// the system refuses a thread (EAGAIN: `lint --concurrency 4096` under an address-space
/// limit). This one starts the thread with a small stack and, when refused, looks up on the
/// calling thread (the system resolver's own timeouts still apply). ureq's `unversioned` API:
/// pinned by Cargo.lock, checked by the lint tests.
#[derive(Debug)]
struct Resolver;

impl ureq::unversioned::resolver::Resolver for Resolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        use std::net::ToSocketAddrs;
        let bad = || ureq::Error::BadUri(uri.to_string());
        let authority = uri.authority().ok_or_else(bad)?;
        let port = match (authority.port_u16(), uri.scheme_str()) {
            (Some(p), _) => p,
            (None, Some("https")) => 443,
            (None, Some("http")) => 80,
            _ => return Err(bad()),
        };
        let host = authority.host();
        // An address needs no lookup (and no thread).
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
            let mut out = self.empty();
            out.push(std::net::SocketAddr::new(ip, port));
            return Ok(out);
        }
        let addr = format!("{host}:{port}");
        let limit: Duration = *timeout.after;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let lookup = addr.clone();
        let spawned = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || tx.send(lookup.to_socket_addrs()).ok());
        let found = match spawned {
            Ok(_) => match rx.recv_timeout(limit) {
                Ok(found) => found?,
                Err(_) => return Err(ureq::Error::Timeout(timeout.reason)),
            },
            Err(_) => addr.to_socket_addrs()?,
        };
        let mut out = self.empty();
        // As many as ureq keeps (its `MAX_ADDRS`).
        for a in found.take(16) {
            out.push(a);
        }
        if out.is_empty() {
            Err(ureq::Error::HostNotFound)
        } else {
            Ok(out)
        }
    }
}
