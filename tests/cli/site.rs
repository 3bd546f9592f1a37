//! The published site: `book/html/` copied elsewhere and served alone by a plain static file
//! server on 127.0.0.1 (as a web host would), with and without `base-url`. Every internal
//! link and image of every page must answer, and every `#anchor` must exist on its page; in
//! headless Chromium axe-core finds no serious or critical violation on the index, a guide
//! and a checklist, the search from the index lands on the step, and the contents mark the
//! section scrolled to.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::Book;
use crate::cdp::{Cdp, chromium};

/// A static file server: `prefix` (`/guides/`) maps to `root`; a folder answers with its
/// `index.html`; anything else is a 404. No stepbook code: what a web host does.
struct FileServer {
    addr: SocketAddr,
}

impl FileServer {
    fn start(root: PathBuf, prefix: &'static str) -> FileServer {
        FileServer::start_with(root, prefix, false)
    }

    /// Answering a missing address with the site's `404.html` (status 404), as GitHub Pages
    /// and Netlify do.
    fn start_with(root: PathBuf, prefix: &'static str, pages_404: bool) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || answer(stream, &root, prefix, pages_404));
            }
        });
        FileServer { addr }
    }
}

fn answer(mut stream: TcpStream, root: &Path, prefix: &str, pages_404: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = decode(target.split(['?', '#']).next().unwrap_or(""));
    let file = path
        .strip_prefix(prefix)
        .filter(|rest| !rest.split('/').any(|part| part == ".."))
        .map(|rest| root.join(rest))
        .map(|f| if f.is_dir() { f.join("index.html") } else { f });
    let (status, body) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, body)) => (format!("200 OK\r\nContent-Type: {}", mime(&f)), body),
        None => match std::fs::read(root.join("404.html")) {
            Ok(page) if pages_404 => (
                "404 Not Found\r\nContent-Type: text/html; charset=utf-8".to_owned(),
                page,
            ),
            _ => ("404 Not Found".to_owned(), b"not found".to_vec()),
        },
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

fn mime(f: &Path) -> &'static str {
    match f.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Percent-decoding of a URL path.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `href` and `src` values of a page, entities decoded.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let value = &rest[..rest.find('"').unwrap_or(0)];
            out.push(value.replace("&amp;", "&").replace("&#x2F;", "/"));
        }
    }
    out
}

/// `base` is the page's folder (`/site/azure-pass/`); returns the absolute path and anchor.
fn resolve(base: &str, link: &str) -> (String, Option<String>) {
    let (path, anchor) = match link.split_once('#') {
        Some((p, a)) => (p, Some(a.to_owned())),
        None => (link, None),
    };
    let joined = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{base}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            p => parts.push(p),
        }
    }
    (parts.join("/"), anchor)
}

/// Crawls the site from `start` and returns every broken link as "page → link (why)".
fn broken_links(
    server: &FileServer,
    start: &str,
    site_url: Option<&str>,
    prefix: &str,
) -> Vec<String> {
    let mut queue = VecDeque::from([start.to_owned()]);
    let mut seen = BTreeSet::from([start.to_owned()]);
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let mut anchors: Vec<(String, String, String)> = Vec::new();
    let mut broken = Vec::new();
    while let Some(path) = queue.pop_front() {
        let (status, _, body) = crate::serve::get(server.addr, &path);
        if status != 200 {
            broken.push(format!("{path} answers {status}"));
            continue;
        }
        if !path.ends_with(".html") && !path.ends_with('/') {
            continue;
        }
        let base = &path[..=path.rfind('/').unwrap()];
        for link in links(&body) {
            let local = match site_url.and_then(|u| link.strip_prefix(u)) {
                Some(rest) => format!("{prefix}{rest}"),
                None => link.clone(),
            };
            if local.contains("://") || local.starts_with("mailto:") {
                continue;
            }
            let (target, anchor) = resolve(base, &local);
            let target = if target.is_empty() {
                path.clone()
            } else {
                target
            };
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                anchors.push((path.clone(), target.clone(), a));
            }
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
        pages.insert(path, body);
    }
    for (from, page, anchor) in anchors {
        let Some(html) = pages.get(&page) else {
            continue;
        };
        if !html.contains(&format!("id=\"{anchor}\"")) {
            broken.push(format!("{from} → {page}#{anchor}: no such anchor"));
        }
    }
    assert!(pages.len() >= 4, "crawled only {:?}", pages.keys());
    broken
}

/// A book with two guides, a local image, checklists and PDFs, built and its `html/` copied to
/// a folder of its own.
fn published(base_url: Option<&str>) -> (Book, tempfile::TempDir) {
    let book = Book::fixture("local-images");
    let base_url = base_url.map(|u| format!("base-url = \"{u}\"\n"));
    book.write(
        "book.toml",
        &format!(
            "[book]\ntitle = \"Local images\"\n[output.html]\n{}[output.checklist]\n[output.pdf]\n",
            base_url.unwrap_or_default()
        ),
    );
    let guide = Book::bundled().read("content/azure-pass.yaml");
    book.write(
        "content/second.yaml",
        &guide.replace("id: azure-pass", "id: second"),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&book.path().join("book/html"), copy.path());
    (book, copy)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
#[cfg_attr(not(feature = "pdf"), ignore = "needs the `pdf` feature")]
fn publishing_only_the_html_folder_leaves_no_broken_link() {
    let (_book, copy) = published(None);
    let server = FileServer::start(copy.path().to_owned(), "/site/");
    let broken = broken_links(&server, "/site/index.html", None, "/site/");
    assert!(broken.is_empty(), "{broken:#?}");
    // The checklists and PDFs are inside the site.
    for f in [
        "checklist/second.html",
        "pdf/second.pdf",
        "pdf/second-checklist.pdf",
    ] {
        assert!(copy.path().join(f).is_file(), "{f}");
    }
    // With a full base-url every link is absolute, and still resolves on that host.
    let (_book, copy) = published(Some("https://example.org/guides"));
    let server = FileServer::start(copy.path().to_owned(), "/guides/");
    let site = "https://example.org/guides/";
    let broken = broken_links(&server, "/guides/index.html", Some(site), "/guides/");
    assert!(broken.is_empty(), "{broken:#?}");
    let sitemap = std::fs::read_to_string(copy.path().join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/guides/second/</loc>"),
        "{sitemap}"
    );
    let broken = broken_links(&server, "/guides/404.html", Some(site), "/guides/");
    assert!(broken.is_empty(), "404 page: {broken:#?}");
}

/// A static host that answers every missing address with `404.html` (GitHub Pages, Netlify),
/// at the domain's root and under a project's folder: at `/a/b/missing` the page finds the
/// site's root, so it is styled and its link to all guides works (default empty base-url).
#[test]
fn the_404_page_works_at_any_depth_on_a_static_host() {
    let Some(browser) = chromium() else { return };
    let (_book, copy) = published(None);
    for prefix in ["/", "/repo/"] {
        let server = FileServer::start_with(copy.path().to_owned(), prefix, true);
        let root = format!("http://{}{prefix}", server.addr);
        let mut cdp = Cdp::open(browser, &format!("{root}a/b/missing"));
        cdp.wait_for(
            "document.readyState === 'complete' && !!document.querySelector('header.site') && getComputedStyle(document.querySelector('header.site')).display === 'flex'",
            "the 404 page, styled",
        );
        assert_eq!(
            cdp.eval("document.querySelector('main a').href"),
            format!("{root}index.html").as_str()
        );
        cdp.eval("document.querySelector('main a').click(); 1");
        cdp.wait_for(
            &format!("location.href === '{root}index.html' && document.readyState === 'complete' && document.querySelectorAll('.guide-card').length > 0"),
            "the index from the 404 page",
        );
    }
}

/// axe-core on the served copy (index, guide, checklist) in light and dark mode; the search on
/// the index follows its result to the step; the contents mark the section scrolled to.
#[test]
#[cfg_attr(not(feature = "pdf"), ignore = "needs the `pdf` feature")]
fn the_published_site_is_accessible_and_navigable() {
    let Some(browser) = chromium() else { return };
    let (_book, copy) = published(None);
    let server = FileServer::start(copy.path().to_owned(), "/site/");
    let root = format!("http://{}/site/", server.addr);
    let mut cdp = Cdp::open(browser, "about:blank");
    for scheme in ["light", "dark"] {
        cdp.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        for page in ["index.html", "second/index.html", "checklist/second.html"] {
            cdp.goto(&format!("{root}{page}"));
            let violations = cdp.axe();
            assert!(violations.is_empty(), "{page} ({scheme}): {violations:#?}");
        }
    }
    // Search from the index page: the result is a link that lands on the step.
    cdp.goto(&format!("{root}index.html"));
    cdp.eval("document.querySelector('form.search input').value = 'claim promo code'; document.querySelector('form.search input').dispatchEvent(new Event('input')); 1");
    cdp.wait_for(
        "document.querySelectorAll('ol.search-results ol a').length > 0",
        "search results",
    );
    cdp.eval("document.querySelector('ol.search-results ol a').click(); 1");
    cdp.wait_for(
        "location.hash === '#redeem-5' && document.getElementById('redeem-5') !== null",
        "the step's anchor",
    );
    // Section headings line up with the page title (no anchor before their text).
    let offset = cdp.eval(
        "Array.from(document.querySelectorAll('section.section h2')).map(h => { const r = document.createRange(); r.selectNodeContents(h); return Math.round(r.getClientRects()[0].left - document.querySelector('h1').getBoundingClientRect().left); })",
    );
    assert_eq!(
        offset,
        serde_json::json!([0, 0]),
        "section headings' offset"
    );
    // The contents mark the section scrolled to.
    cdp.eval("document.getElementById('activate').scrollIntoView(); 1");
    cdp.wait_for(
        "document.querySelector('nav.toc a[aria-current]') !== null && document.querySelector('nav.toc a[aria-current]').getAttribute('href') === '#activate'",
        "the contents to mark the second section",
    );
}

/// A book in three languages, published: every page of every language (reached through the
/// language switchers) has no broken link or anchor.
#[test]
fn every_language_of_a_published_book_has_no_broken_link() {
    let book = Book::fixture("translations");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&book.path().join("book/html"), copy.path());
    let server = FileServer::start(copy.path().to_owned(), "/site/");
    let broken = broken_links(&server, "/site/index.html", None, "/site/");
    assert!(broken.is_empty(), "{broken:#?}");
    for page in [
        "de/index.html",
        "fr/azure-pass/index.html",
        "de/checklist/azure-pass.html",
    ] {
        let (status, _, _) = crate::serve::get(server.addr, &format!("/site/{page}"));
        assert_eq!(status, 200, "{page}");
    }
}
