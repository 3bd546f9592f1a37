//! The offline event kit (#24): `build --zip`, one download that works unzipped from disk with no
//! network, and `[output.html] offline = true`, the service worker that keeps the site readable
//! in Chromium when the network goes.
//!
//! The zips are read by a small reader here (central directory, inflate, CRC check), not by the
//! writer's code, so a format mistake shows.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::Book;
use crate::cdp::{Cdp, chromium};

/// Every entry of the zip at `path`: name → bytes, in the central directory's order (checked:
/// each local header agrees with it, each CRC with the bytes).
pub(crate) fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let z = std::fs::read(path).unwrap();
    let u16_at = |i: usize| u16::from_le_bytes([z[i], z[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(z[i..i + 4].try_into().unwrap()) as usize;
    let end = z.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "end record where a zip has it");
    let (count, mut at) = (u16_at(end + 10), u32_at(end + 16));
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50);
        let (method, crc) = (u16_at(at + 10), u32_at(at + 16));
        let (packed, size) = (u32_at(at + 20), u32_at(at + 24));
        let (name_len, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let local = u32_at(at + 42);
        let name = String::from_utf8(z[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(u32_at(local), 0x0403_4b50);
        assert_eq!(&z[local + 30..local + 30 + name_len], name.as_bytes());
        let start = local + 30 + name_len + u16_at(local + 28);
        let body = &z[start..start + packed];
        let data = match method {
            0 => body.to_vec(),
            8 => {
                let mut d = Vec::new();
                flate2::read::DeflateDecoder::new(body)
                    .read_to_end(&mut d)
                    .unwrap();
                d
            }
            m => panic!("method {m}"),
        };
        assert_eq!(data.len(), size, "{name}");
        assert_eq!(crc32fast::hash(&data) as usize, crc, "{name}");
        out.push((name, data));
        at += 46 + name_len + extra + comment;
    }
    out
}

/// Unpacks the zip into `dir` (names checked to stay inside first).
fn unzip(zip: &Path, dir: &Path) {
    for (name, data) in read_zip(zip) {
        assert!(
            !name.starts_with('/') && !name.split('/').any(|p| p == ".." || p.is_empty()),
            "{name}"
        );
        let p = dir.join(&name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
}

/// The local-images fixture with its checklists (and PDFs with the `pdf` feature), and a third
/// guide whose image no other guide shows.
fn kit_book(extra_html: &str) -> Book {
    let book = Book::fixture("local-images");
    let pdf = if cfg!(feature = "pdf") {
        "[output.pdf]\n"
    } else {
        ""
    };
    book.write(
        "book.toml",
        &format!(
            "[book]\ntitle = \"Local images\"\n\n[output.html]\n{extra_html}\n[output.checklist]\n{pdf}"
        ),
    );
    let png = std::fs::read(book.path().join("content/media/start.png")).unwrap();
    std::fs::write(book.path().join("content/media/three.png"), png).unwrap();
    book.write(
        "content/three.yaml",
        "title: Guide three\nweight: 3\nsections:\n  - title: Storage accounts\n    steps:\n      - text: Open the storage blade\n        screenshots:\n          - src: media/three.png\n            alt: The storage blade\n      - text: Create the account\n",
    );
    book
}

#[test]
fn build_zip_writes_the_site_as_one_zip_the_same_bytes_every_time() {
    let book = kit_book("");
    let r = book.run(&["build", "--zip"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("local-images.zip"), "{}", r.stderr);
    let zip = book.path().join("book/local-images.zip");
    let entries = read_zip(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    // Every file of the site, under one folder, in name order, and nothing else.
    let mut site: Vec<String> = walkdir::WalkDir::new(book.path().join("book/html"))
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(book.path().join("book/html"))
                .unwrap();
            format!("local-images/{}", rel.to_str().unwrap())
        })
        .collect();
    assert_eq!(names, site, "the zip holds the site");
    site.sort();
    assert_eq!(names, site, "in name order");
    for want in [
        "local-images/index.html",
        "local-images/one/index.html",
        "local-images/checklist/one.html",
        "local-images/media/media/start.png",
        "local-images/media/media/three.png",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    if cfg!(feature = "pdf") {
        assert!(names.contains(&"local-images/pdf/one.pdf"), "{names:?}");
    }
    let bytes = std::fs::read(&zip).unwrap();
    // One fixed time for every entry (1980-01-01 00:00): nothing of the build's clock.
    assert!(bytes.windows(4).filter(|w| *w == b"PK\x03\x04").count() == names.len());
    // Again, an hour later by the files' clocks: the same bytes.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    book.write("content/two.yaml", &book.read("content/two.yaml"));
    assert_eq!(book.run(&["build", "--zip"]).code, 0);
    assert_eq!(std::fs::read(&zip).unwrap(), bytes, "same book, same zip");
    // A build without --zip leaves none behind.
    assert_eq!(book.run(&["build"]).code, 0);
    assert!(!zip.exists());
}

#[test]
fn a_failed_build_leaves_the_previous_zip_and_nothing_outside_the_site_gets_in() {
    let book = kit_book("");
    assert_eq!(book.run(&["build", "--zip"]).code, 0);
    let zip = book.path().join("book/local-images.zip");
    let before = std::fs::read(&zip).unwrap();
    let good = book.read("content/one.yaml");
    book.write(
        "content/one.yaml",
        &good.replace("title: Look", "titel: Look"),
    );
    let r = book.run(&["build", "--zip"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read(&zip).unwrap(), before, "previous zip intact");
    book.write("content/one.yaml", &good);
    // Links planted in the output (to a secret outside the book) are neither followed nor
    // zipped.
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("key.txt"), "TOP-SECRET").unwrap();
    let html = book.path().join("book/html");
    std::os::unix::fs::symlink(secret.path(), html.join("leak")).unwrap();
    std::os::unix::fs::symlink(secret.path().join("key.txt"), html.join("media/key.png")).unwrap();
    let r = book.run(&["build", "--zip"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entries = read_zip(&zip);
    for (name, data) in &entries {
        assert!(name.starts_with("local-images/"), "{name}");
        assert!(!name.contains("leak") && !name.contains("key"), "{name}");
        assert!(!data.windows(10).any(|w| w == b"TOP-SECRET"), "{name}");
    }
    // No temporary file left beside it.
    let left: Vec<String> = std::fs::read_dir(book.path().join("book"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn zip_without_a_site_is_refused_and_base_url_pages_are_zipped_relative() {
    let book = kit_book("");
    book.write("book.toml", "[book]\ntitle = \"T\"\n[output.markdown]\n");
    let r = book.run(&["build", "--zip"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("[output.html]"), "{}", r.stderr);
    // Under a base-url the site's links are absolute; the zip's are relative, so they work from
    // disk.
    let book = kit_book("base-url = \"/labs/\"\n");
    let r = book.run(&["build", "--zip"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        book.read("book/html/index.html")
            .contains("href=\"/labs/one/index.html\"")
    );
    let entries: BTreeMap<String, Vec<u8>> = read_zip(&book.path().join("book/local-images.zip"))
        .into_iter()
        .collect();
    let index = String::from_utf8(entries["local-images/index.html"].clone()).unwrap();
    assert!(index.contains("href=\"one/index.html\""), "{index}");
    assert!(!index.contains("/labs/"), "{index}");
    let page = String::from_utf8(entries["local-images/one/index.html"].clone()).unwrap();
    assert!(page.contains("src=\"../media/media/start.png\""), "{page}");
}

/// The zip unpacked into a fresh folder and opened from file:// with every http(s) request
/// blocked: the index, a guide and its images, moving to another guide, search, ticks that
/// survive a reload, the checklist and the PDF link all work.
#[test]
fn the_unzipped_site_works_from_disk_with_no_network() {
    let Some(browser) = chromium() else { return };
    // With the service worker on: from file:// it is not registered, and nothing breaks.
    let book = kit_book("offline = true\n");
    let r = book.run(&["build", "--zip"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let fresh = tempfile::tempdir().unwrap();
    unzip(&book.path().join("book/local-images.zip"), fresh.path());
    let root = fresh.path().join("local-images");
    let mut cdp = Cdp::open(browser, "about:blank");
    count_registers(&mut cdp);
    cdp.call("Network.enable", serde_json::json!({}));
    cdp.call(
        "Network.setBlockedURLs",
        serde_json::json!({"urls": ["http://*", "https://*", "ws://*", "wss://*"]}),
    );
    cdp.goto(&format!("file://{}", root.join("index.html").display()));
    assert_eq!(
        cdp.eval("document.querySelectorAll('main a[href$=\"/index.html\"]').length >= 3"),
        true
    );
    // From the index to a guide by its link, as a reader would.
    cdp.eval("document.querySelector('main a[href=\"one/index.html\"]').click(); 1");
    cdp.wait_for(
        "location.href.endsWith('/one/index.html') && document.readyState === 'complete'",
        "guide one",
    );
    images_all_shown(&mut cdp, 2);
    assert_eq!(cdp.eval("window.__swRegister"), 0, "no worker from file://");
    // Its checklist and its PDF.
    let links = cdp.eval(
        "Array.from(document.querySelectorAll('a')).map(a => a.href).filter(h => /checklist|\\.pdf$/.test(h))",
    );
    let links: Vec<String> = serde_json::from_value(links).unwrap();
    assert!(
        links.iter().any(|l| l.ends_with("/checklist/one.html")),
        "{links:?}"
    );
    for l in &links {
        let path = l.strip_prefix("file://").unwrap();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{l}: {e}"));
        if l.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF"), "{l}");
        }
    }
    if cfg!(feature = "pdf") {
        assert!(
            links.iter().any(|l| l.ends_with("/pdf/one.pdf")),
            "{links:?}"
        );
    }
    // Ticks survive a reload.
    cdp.eval("document.querySelector('label.tick input').click(); 1");
    cdp.call("Page.reload", serde_json::json!({}));
    cdp.wait_for(
        "document.readyState === 'complete' && document.querySelector('label.tick input') && document.querySelector('label.tick input').checked",
        "the tick after a reload",
    );
    // Search finds guide three, and its page shows its image.
    search(&mut cdp, "storage blade", "Guide three");
    cdp.eval("Array.from(document.querySelectorAll('ol.search-results a.search-title')).find(a => a.textContent === 'Guide three').click(); 1");
    cdp.wait_for(
        "location.href.includes('/three/index.html') && document.readyState === 'complete'",
        "guide three from search",
    );
    images_all_shown(&mut cdp, 1);
    cdp.goto(&format!(
        "file://{}",
        root.join("checklist/one.html").display()
    ));
    assert_eq!(cdp.eval("document.body.innerText.includes('Start')"), true);
    // Nothing was fetched from a network.
    let remote = cdp.eval(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file:'))",
    );
    assert_eq!(remote, serde_json::json!([]));
}

/// Waits until the page's `count` images have all loaded, each with a width.
fn images_all_shown(cdp: &mut Cdp, count: usize) {
    cdp.wait_for(
        &format!(
            "document.querySelectorAll('main img').length === {count} && Array.from(document.querySelectorAll('main img')).every(i => i.complete && i.naturalWidth > 0)"
        ),
        "every image shown",
    );
}

/// Types `query` into the search box and waits for a result titled `title`.
fn search(cdp: &mut Cdp, query: &str, title: &str) {
    let q = serde_json::to_string(query).unwrap();
    cdp.eval(&format!("document.querySelector('form.search input').value = {q}; document.querySelector('form.search input').dispatchEvent(new Event('input')); 1"));
    let t = serde_json::to_string(title).unwrap();
    cdp.wait_for(
        &format!("Array.from(document.querySelectorAll('ol.search-results a.search-title')).some(a => a.textContent === {t})"),
        "search results",
    );
}

/// How many service workers the page's origin has registered.
const REGISTRATIONS: &str = "navigator.serviceWorker.getRegistrations().then(r => r.length)";

/// Counts the page's calls of `navigator.serviceWorker.register` in `window.__swRegister`, from
/// the next page on.
fn count_registers(cdp: &mut Cdp) {
    cdp.call("Page.enable", serde_json::json!({}));
    cdp.call(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({"source": "window.__swRegister = 0; if (navigator.serviceWorker) { const r = navigator.serviceWorker.register.bind(navigator.serviceWorker); navigator.serviceWorker.register = function (u, o) { window.__swRegister++; return r(u, o); }; }"}),
    );
}

/// A plain static file server on loopback, like a real static host (no live reload): `stop`
/// makes it drop every connection unanswered, as a network that went away.
struct StaticHost {
    addr: SocketAddr,
    /// The path the site is served under (`""`, or `guides/`).
    under: String,
    stopped: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
}

impl StaticHost {
    fn start(root: PathBuf) -> StaticHost {
        StaticHost::start_under(root, "")
    }

    /// Serves `root` under the path `under` (`guides/`); anything else is 404.
    fn start_under(root: PathBuf, under: &str) -> StaticHost {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stopped = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let (stop, count) = (stopped.clone(), requests.clone());
        let prefix = under.to_owned();
        std::thread::spawn(move || {
            for conn in listener.incoming().map_while(Result::ok) {
                if stop.load(Ordering::SeqCst) {
                    drop(conn);
                    continue;
                }
                count.fetch_add(1, Ordering::SeqCst);
                let (root, prefix) = (root.clone(), prefix.clone());
                std::thread::spawn(move || answer(conn, &root, &prefix));
            }
        });
        StaticHost {
            addr,
            under: under.to_owned(),
            stopped,
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{}{path}", self.addr, self.under)
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    fn resume(&self) {
        self.stopped.store(false, Ordering::SeqCst);
    }
}

/// One request: the file under `root` (at the path `under`) with its type, or 404.
fn answer(conn: TcpStream, root: &Path, under: &str) {
    let mut reader = BufReader::new(conn);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let target = first.split(' ').nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let inside = path.trim_start_matches('/').strip_prefix(under);
    let mut rel = inside.unwrap_or("..").to_owned();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let file = root.join(&rel);
    let body = (!rel.split('/').any(|p| p == ".."))
        .then(|| std::fs::read(&file).ok())
        .flatten();
    let mut conn = reader.into_inner();
    let _ = match body {
        Some(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("png") => "image/png",
                Some("svg") => "image/svg+xml",
                Some("pdf") => "application/pdf",
                _ => "application/octet-stream",
            };
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .and_then(|()| conn.write_all(&body))
        }
        None => conn
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}

/// The service worker's cache version in a built site.
fn sw_version(book: &Book) -> String {
    let sw = book.read("book/html/sw.js");
    let line = sw
        .lines()
        .find(|l| l.starts_with("var VERSION = "))
        .unwrap();
    line.split('"').nth(1).unwrap().to_owned()
}

/// Over http from a plain static host: after visiting the index and one guide, with the network
/// gone (the browser offline and the host answering nothing), another guide opens with its
/// images, a reload works, search finds a guide and a tick survives a reload; with the network
/// back, a new build is picked up and the old build's cache deleted, the tick still there.
#[test]
fn the_service_worker_keeps_the_site_readable_with_the_network_gone() {
    let Some(browser) = chromium() else { return };
    let book = kit_book("offline = true\n");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sw = book.read("book/html/sw.js");
    for cached in [
        "\"index.html\"",
        "\"three/index.html\"",
        "\"media/media/three.png\"",
        "\"search-index.js\"",
        "\"theme/reader.js\"",
    ] {
        assert!(sw.contains(cached), "{cached} precached: {sw}");
    }
    let host = StaticHost::start(book.path().join("book/html"));
    let mut cdp = Cdp::open(browser, "about:blank");
    count_registers(&mut cdp);
    cdp.goto(&host.url("index.html"));
    cdp.wait_for(
        "!!navigator.serviceWorker && !!navigator.serviceWorker.controller",
        "the service worker in control",
    );
    assert_eq!(cdp.eval("window.__swRegister"), 1);
    cdp.goto(&host.url("one/index.html"));
    images_all_shown(&mut cdp, 2);
    // The network goes.
    host.stop();
    cdp.call("Network.enable", serde_json::json!({}));
    let offline = |cdp: &mut Cdp, on: bool| {
        cdp.call(
            "Network.emulateNetworkConditions",
            serde_json::json!({"offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        );
    };
    offline(&mut cdp, true);
    let before = host.requests.load(Ordering::SeqCst);
    cdp.goto(&host.url("three/index.html"));
    cdp.wait_for(
        "document.querySelector('h1').textContent === 'Guide three'",
        "guide three offline",
    );
    images_all_shown(&mut cdp, 1);
    cdp.call("Page.reload", serde_json::json!({}));
    cdp.wait_for(
        "document.readyState === 'complete' && document.querySelector('h1') && document.querySelector('h1').textContent === 'Guide three'",
        "guide three reloaded offline",
    );
    images_all_shown(&mut cdp, 1);
    cdp.eval("document.querySelector('label.tick input').click(); 1");
    cdp.call("Page.reload", serde_json::json!({}));
    cdp.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('label.tick input') && document.querySelector('label.tick input').checked",
        "the tick after an offline reload",
    );
    search(&mut cdp, "start again", "Guide two");
    cdp.goto(&host.url("index.html"));
    cdp.wait_for(
        "document.querySelectorAll('main a[href$=\"/index.html\"]').length >= 3",
        "the index offline",
    );
    assert_eq!(
        host.requests.load(Ordering::SeqCst),
        before,
        "nothing reached the host"
    );
    // The network is back, with a new build: the next visit shows it, and the worker of the new
    // build replaces the old one's cache.
    let old = sw_version(&book);
    book.write(
        "content/three.yaml",
        &book
            .read("content/three.yaml")
            .replace("title: Guide three", "title: Guide three, new"),
    );
    assert_eq!(book.run(&["build"]).code, 0);
    let new = sw_version(&book);
    assert_ne!(old, new, "a new build, a new version");
    host.resume();
    offline(&mut cdp, false);
    cdp.goto(&host.url("three/index.html"));
    cdp.wait_for(
        "document.querySelector('h1').textContent === 'Guide three, new'",
        "the new build",
    );
    cdp.eval("navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => 1)");
    cdp.wait_for(
        &format!("caches.keys().then(k => k.length === 1 && k[0].endsWith(':{new}'))"),
        "only the new build's cache",
    );
    cdp.call("Page.reload", serde_json::json!({}));
    cdp.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('label.tick input') && document.querySelector('label.tick input').checked",
        "the tick kept across builds",
    );
}

/// With `offline` off there is no sw.js and no page registers one; under `stepbook serve`
/// (live reload) the worker is served as JavaScript but not registered.
#[test]
fn without_offline_no_service_worker_and_serve_does_not_register_one() {
    let Some(browser) = chromium() else { return };
    let book = kit_book("");
    assert_eq!(book.run(&["build"]).code, 0);
    assert!(!book.path().join("book/html/sw.js").exists());
    for page in [
        "book/html/index.html",
        "book/html/one/index.html",
        "book/html/404.html",
    ] {
        assert!(!book.read(page).contains("serviceWorker"), "{page}");
    }
    let host = StaticHost::start(book.path().join("book/html"));
    let mut cdp = Cdp::open(browser, "about:blank");
    count_registers(&mut cdp);
    cdp.goto(&host.url("one/index.html"));
    images_all_shown(&mut cdp, 2);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(cdp.eval("window.__swRegister"), 0);
    assert_eq!(cdp.eval(REGISTRATIONS), 0);
    drop(cdp);
    if !cfg!(feature = "serve") {
        return;
    }
    let book = kit_book("offline = true\n");
    let server = crate::serve::Server::start(&book);
    let (status, head, body) = crate::serve::get(server.addr, "/html/sw.js");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/javascript"),
        "{head}"
    );
    assert!(body.contains("var PRECACHE"), "{body}");
    let mut cdp = Cdp::open(browser, "about:blank");
    count_registers(&mut cdp);
    cdp.goto(&format!("http://{}/html/one/index.html", server.addr));
    images_all_shown(&mut cdp, 2);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(cdp.eval("window.__stepbookVersion !== undefined"), true);
    assert_eq!(cdp.eval("window.__swRegister"), 0);
    assert_eq!(cdp.eval(REGISTRATIONS), 0);
}

/// `watch` (here under `serve`) rebuilding one guide writes the service worker again: a new
/// version, so a reader's worker fetches the changed page on the next visit.
#[cfg(feature = "serve")]
#[test]
fn a_rebuilt_guide_gives_the_service_worker_a_new_version() {
    let book = kit_book("offline = true\n");
    let server = crate::serve::Server::start(&book);
    let old = sw_version(&book);
    let guide = book.read("content/three.yaml");
    book.write(
        "content/three.yaml",
        &guide.replace("Create the account", "Create the storage account"),
    );
    server.wait_log(
        "rebuilt: guide content/three.yaml",
        std::time::Duration::from_secs(60),
    );
    let new = sw_version(&book);
    assert_ne!(old, new, "{}", book.read("book/html/sw.js"));
    assert!(
        book.read("book/html/three/index.html")
            .contains("Create the storage account")
    );
}

/// A site served under a path (`/guides/`), with relative links and with `base-url`: the worker
/// is registered at the site's root with that scope, and guides open offline.
#[test]
fn the_service_worker_of_a_site_under_a_path_has_its_scope() {
    let Some(browser) = chromium() else { return };
    for config in [
        "offline = true\n",
        "offline = true\nbase-url = \"/guides/\"\n",
    ] {
        let book = kit_book(config);
        assert_eq!(book.run(&["build"]).code, 0);
        let host = StaticHost::start_under(book.path().join("book/html"), "guides/");
        let mut cdp = Cdp::open(browser, "about:blank");
        cdp.goto(&host.url("one/index.html"));
        cdp.wait_for(
            "!!navigator.serviceWorker && !!navigator.serviceWorker.controller",
            "the service worker in control",
        );
        let scope = cdp.eval("navigator.serviceWorker.getRegistration().then(r => r.scope)");
        assert_eq!(scope, host.url(""), "{config}");
        host.stop();
        cdp.call("Network.enable", serde_json::json!({}));
        cdp.call(
            "Network.emulateNetworkConditions",
            serde_json::json!({"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        );
        cdp.goto(&host.url("three/index.html"));
        cdp.wait_for(
            "document.querySelector('h1').textContent === 'Guide three'",
            "guide three offline",
        );
        images_all_shown(&mut cdp, 1);
    }
}

/// `templates/sw.js` overrides the built-in worker like any template; a broken one is a
/// template error at its line, and the previous output stays.
#[test]
fn the_service_worker_template_is_overridable() {
    let book = kit_book("offline = true\n");
    std::fs::create_dir_all(book.path().join("templates")).unwrap();
    book.write(
        "templates/sw.js",
        "/* ours */ var V = {{ version | safe }}; var P = {{ precache | safe }};\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sw = book.read("book/html/sw.js");
    assert!(sw.starts_with("/* ours */ var V = \""), "{sw}");
    assert!(sw.contains("\"three/index.html\""), "{sw}");
    book.write("templates/sw.js", "var V = {{ version | safe };\n");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("templates/sw.js:1:"), "{}", r.stderr);
    assert_eq!(book.read("book/html/sw.js"), sw, "previous output intact");
}

/// With several profiles, each edition's zip is named for its profile and unpacks into a folder
/// of that name: the learners' and the instructor's downloads cannot be mixed up, and only the
/// instructor's holds the answers.
#[test]
fn each_profiles_zip_is_named_for_it() {
    let book = Book::fixture("instructor");
    let r = book.run(&["build", "--zip", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (profile, answers) in [("attendee", false), ("instructor", true)] {
        let zip = book
            .path()
            .join(format!("book/{profile}/storage-labs-{profile}.zip"));
        let entries = read_zip(&zip);
        let names: Vec<&String> = entries.iter().map(|(n, _)| n).collect();
        assert!(
            names
                .iter()
                .all(|n| n.starts_with(&format!("storage-labs-{profile}/"))),
            "{names:?}"
        );
        let has = entries
            .iter()
            .any(|(_, d)| String::from_utf8_lossy(d).contains("TOKSTEPANSWER"));
        assert_eq!(has, answers, "{profile}");
    }
}
