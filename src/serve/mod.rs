//! Serve: the output folder over HTTP (axum) with live reload. Every HTML page gets a small
//! script that listens to `/__stepbook/events` (server-sent events): after a good rebuild the
//! page reloads, after a bad one it shows the diagnostics in an overlay over the last good page.
//! Only files inside the output folder can be read: `..` segments, encoded dots, backslashes and
//! symlinks that lead out are refused.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::watch;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;

use crate::diag::Failure;
use crate::error::Error;
use crate::watch::{Rebuilt, WatchOptions};

mod conn;
pub use conn::{AllowedHosts, HEADER_TIMEOUT, MAX_CONNECTIONS};

/// Options of `stepbook serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub watch: WatchOptions,
    /// Host names requests may use besides IP addresses and localhost (`--allow-host`).
    pub allow_hosts: Vec<String>,
}

/// The state every open page is told about.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BuildState {
    /// Increases with every rebuild, good or bad.
    pub version: u64,
    pub ok: bool,
    /// The diagnostics of a failed build, as printed in the terminal.
    pub message: String,
}

#[derive(Clone)]
struct App {
    dest: PathBuf,
    state: watch::Receiver<BuildState>,
}

const EVENTS: &str = "/__stepbook/events";
const SCRIPT: &str = "/__stepbook/live.js";
const LIVE_JS: &str = include_str!("live.js");

/// Serves the book in `dir` until `stop` is set; `on_ready` gets the address actually bound,
/// `report` every rebuild's outcome (as `watch` gives them).
pub fn serve(
    dir: &Path,
    opts: &ServeOptions,
    report: impl FnMut(&Result<Rebuilt, Error>) + Send + 'static,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    // Where the output goes: known from book.toml; `book/` if it cannot be read yet (the
    // watcher reports why and keeps trying).
    let dest = match crate::book::Book::open_with(dir, &opts.watch.selection) {
        Ok(book) => book.dest(opts.watch.dest_dir.as_deref()),
        Err(_) => opts
            .watch
            .dest_dir
            .clone()
            .unwrap_or_else(|| dir.join("book")),
    };
    let dest = std::path::absolute(&dest)
        .map_err(|e| anyhow::anyhow!("failed to resolve `{}`: {e}", dest.display()))?;
    let (tx, rx) = watch::channel(BuildState {
        version: 0,
        ok: true,
        message: String::new(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("failed to start the server: {e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind((opts.bind, opts.port)))
        .map_err(|e| {
            anyhow::Error::new(
                Failure::new(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))
                    .help("choose another port with --port, or --port 0 for any free one"),
            )
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| anyhow::anyhow!("failed to read the server address: {e}"))?;

    let watcher = spawn_watcher(dir, opts, report, tx, stop.clone());
    let router = router(App { dest, state: rx }, &opts.allow_hosts);
    on_ready(addr);
    rt.block_on(conn::run(listener, router, stop.clone()));
    stop.store(true, Ordering::Relaxed);
    // Open event streams end with the runtime.
    rt.shutdown_timeout(std::time::Duration::from_millis(500));
    watcher
        .join()
        .unwrap_or_else(|_| Err(Error::Other(anyhow::anyhow!("the watcher panicked"))))
}

/// The watcher on its own thread: each outcome goes to `report` and to every open page.
fn spawn_watcher(
    dir: &Path,
    opts: &ServeOptions,
    mut report: impl FnMut(&Result<Rebuilt, Error>) + Send + 'static,
    tx: watch::Sender<BuildState>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<Result<(), Error>> {
    let dir = dir.to_path_buf();
    let watch_opts = opts.watch.clone();
    std::thread::spawn(move || {
        let mut version = 0;
        crate::watch::run(
            &dir,
            &watch_opts,
            |outcome: &Result<Rebuilt, Error>| {
                report(outcome);
                version += 1;
                let (ok, message) = match outcome {
                    Ok(_) => (true, String::new()),
                    Err(e) => (false, e.render(false)),
                };
                let _ = tx.send(BuildState {
                    version,
                    ok,
                    message,
                });
            },
            || stop.load(Ordering::Relaxed),
        )
    })
}

/// The routes: live-reload events and script, the output's files; requests for other hosts
/// are refused before any of them.
fn router(app: App, allow_hosts: &[String]) -> Router {
    let allowed = AllowedHosts {
        names: allow_hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
    };
    Router::new()
        .route(EVENTS, get(events))
        .route(SCRIPT, get(script))
        .route(
            "/",
            get(|| async { Redirect::temporary(&format!("/{}", crate::layout::INDEX_PAGE)) }),
        )
        .fallback(get(file))
        .with_state(app)
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(allowed),
            conn::check_host,
        ))
}

async fn events(
    State(app): State<App>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let stream = WatchStream::new(app.state).map(|s| {
        Ok(Event::default()
            .event("build")
            .data(serde_json::to_string(&s).unwrap_or_default()))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_JS,
    )
        .into_response()
}

/// Does `dest` (after links) hold the marker of a stepbook build, as a regular file?
fn written_by_stepbook(dest: &Path) -> bool {
    std::fs::canonicalize(dest)
        .and_then(|d| std::fs::symlink_metadata(d.join(crate::output::MARKER)))
        .is_ok_and(|m| m.is_file())
}

/// What a request path leads to inside the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A folder without an index.html: served as a list of its entries.
    Folder(PathBuf),
}

/// Maps a request path to a file inside `root`, or `None` when it must not be served.
pub fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    match resolve_target(root, request_path)? {
        Target::File(p) => Some(p),
        Target::Folder(_) => None,
    }
}

/// Like [`resolve`], but a folder without an index.html is a [`Target::Folder`].
pub fn resolve_target(root: &Path, request_path: &str) -> Option<Target> {
    let decoded = crate::validate::percent_decode(request_path)?;
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            // Hidden files (the build marker, editors' and stepbook's temporaries) stay private.
            s if s.starts_with('.') => return None,
            s if s.contains(['\\', '\0']) || s.contains(':') => return None,
            s => rel.push(s),
        }
    }
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let real_root = std::fs::canonicalize(root).ok()?;
    let mut path = std::fs::canonicalize(real_root.join(&rel)).ok()?;
    if !path.starts_with(&real_root) {
        return None; // a symlink out of the tree
    }
    if path.is_dir() {
        let index = path.join("index.html");
        if !index.exists() {
            return Some(Target::Folder(path));
        }
        path = std::fs::canonicalize(index).ok()?;
        if !path.starts_with(&real_root) {
            return None;
        }
    }
    path.is_file().then_some(Target::File(path))
}

/// A page listing a folder's entries (the checklists, the Markdown files), hidden ones left out.
fn listing(dir: &Path, request_path: &str) -> String {
    let mut names: Vec<(String, bool)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| {
            let dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.file_name().to_string_lossy().into_owned(), dir)
        })
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    names.sort();
    let base = if request_path.ends_with('/') {
        request_path.to_owned()
    } else {
        format!("{request_path}/")
    };
    let mut items = String::new();
    for (name, is_dir) in names {
        let shown = format!("{name}{}", if is_dir { "/" } else { "" });
        let href = format!(
            "{}{}",
            crate::render::view::encode_path(&name),
            if is_dir { "/" } else { "" }
        );
        items.push_str(&format!(
            "<li><a href=\"{href}\">{}</a></li>\n",
            crate::markdown::escape_html(&shown)
        ));
    }
    let title = crate::markdown::escape_html(&base);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>\n<ul>\n{items}</ul>\n</body></html>\n"
    )
}

async fn file(State(app): State<App>, uri: Uri) -> Response {
    let raw = uri.path();
    if crate::validate::percent_decode(raw).is_none() {
        return (StatusCode::BAD_REQUEST, "bad request path").into_response();
    }
    if !written_by_stepbook(&app.dest) {
        // Only a folder a build wrote is served: a `build-dir` that a build refused (the book
        // itself, `/`, a link to a home folder) must not be published by the server either.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "nothing built yet: the output folder was not written by stepbook (see the terminal)",
        )
            .into_response();
    }
    let path = match resolve_target(&app.dest, raw) {
        Some(Target::File(p)) => p,
        Some(Target::Folder(dir)) => {
            let version = app.state.borrow().version;
            let page = inject(&listing(&dir, raw), version);
            return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
        }
        None => return missing(&app, raw).await,
    };
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return missing(&app, raw).await;
    };
    let Ok(meta) = file.metadata().await else {
        return not_found();
    };
    let mime = mime_of(&path);
    // Files are streamed, so a large screenshot costs a small buffer per reader, not its size;
    // only pages get the reload script, and a page too large for that is streamed as it is.
    let body = if mime.starts_with("text/html") && meta.len() <= MAX_INJECTED_BYTES {
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        use tokio::io::AsyncReadExt;
        if file
            .take(MAX_INJECTED_BYTES)
            .read_to_end(&mut bytes)
            .await
            .is_err()
        {
            return not_found();
        }
        let version = app.state.borrow().version;
        Body::from(inject(&String::from_utf8_lossy(&bytes), version))
    } else {
        Body::from_stream(tokio_util::io::ReaderStream::new(file))
    };
    let mut resp = Response::new(body);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Pages up to this size get the live-reload script (a real page is well under 1 MiB).
const MAX_INJECTED_BYTES: u64 = 8 << 20;

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// The book's 404 page for a missing address, status 404, as a static host answers (the page
/// finds the site's root itself, whatever the depth): the nearest `404.html` above the
/// address, else the site's `html/404.html`; a bare "not found" without either.
async fn missing(app: &App, raw: &str) -> Response {
    let Some(page) = not_found_page(&app.dest, raw) else {
        return not_found();
    };
    let Ok(bytes) = crate::safe_fs::read_regular(&page, MAX_INJECTED_BYTES) else {
        return not_found();
    };
    let version = app.state.borrow().version;
    let mut resp = Response::new(Body::from(inject(
        &String::from_utf8_lossy(&bytes),
        version,
    )));
    *resp.status_mut() = StatusCode::NOT_FOUND;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The `404.html` nearest above `request_path` inside `root` (checked as any request is).
pub fn not_found_page(root: &Path, request_path: &str) -> Option<PathBuf> {
    let segments: Vec<&str> = request_path.split('/').filter(|s| !s.is_empty()).collect();
    (0..=segments.len())
        .rev()
        .map(|n| format!("/{}/404.html", segments[..n].join("/")).replace("//", "/"))
        .chain(std::iter::once(format!(
            "/{}",
            crate::layout::NOT_FOUND_PAGE
        )))
        .find_map(|p| match resolve_target(root, &p) {
            Some(Target::File(f)) => Some(f),
            _ => None,
        })
}

/// Adds the live-reload script (and the build version the page was served at) to a page.
pub fn inject(html: &str, version: u64) -> String {
    let tag = format!(
        "<script>window.__stepbookVersion={version};</script><script src=\"{SCRIPT}\"></script>"
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    }
}

/// The Content-Type for a file, from its extension (mime_guess); text is UTF-8.
fn mime_of(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_root_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("book");
        std::fs::create_dir_all(root.join("html/g")).unwrap();
        std::fs::write(root.join("html/g/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        assert!(resolve(&root, "/html/g/index.html").is_some());
        assert!(
            resolve(&root, "/html/g/").is_some(),
            "folders serve index.html"
        );
        assert!(resolve(&root, "/html/g%2Findex.html").is_some());
        for bad in [
            "/../secret.txt",
            "/html/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/html/%2E%2E/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..\\secret.txt",
            "/html/%00",
            "/%zz",
        ] {
            assert!(resolve(&root, bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt"))
                .unwrap();
            assert!(
                resolve(&root, "/link.txt").is_none(),
                "symlink out of the tree"
            );
        }
    }

    #[test]
    fn injects_before_body_end() {
        let out = inject("<html><body>x</body></html>", 3);
        assert!(out.contains(
            "__stepbookVersion=3;</script><script src=\"/__stepbook/live.js\"></script></body>"
        ));
    }
}
