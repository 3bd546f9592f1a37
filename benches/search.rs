//! Benchmark of the reader's search (see benches/README.md, "Search"): builds a book (a bench
//! corpus kept with `cargo bench --bench build -- --guides 10000 --runs 0 --keep DIR`), opens
//! `benches/search/probe.html` in headless Chromium from `file://` over the DevTools protocol
//! (real time: `--dump-dom`'s virtual time stops the clock while scripts run), types one query
//! and prints the files and bytes the search loaded, the time to results with the files still
//! to load (cold) and loaded (warm: ranking and showing only), and whether a guide's page
//! loaded any search file.
//!
//! `cargo bench --bench search -- DIR [--bin STEPBOOK] [--query "words"] [--runs N]`

use std::path::Path;
use std::process::Command;

#[path = "../tests/cli/cdp.rs"]
#[allow(dead_code)]
mod cdp;

/// What the DevTools client needs of the test suite: the repository, and a plain GET.
fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

mod serve {
    use std::io::{BufRead, Read, Write};

    /// A GET read by its Content-Length (Chromium's DevTools server keeps the connection open).
    pub(crate) fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String, String) {
        let Ok(mut s) = std::net::TcpStream::connect(addr) else {
            return (0, String::new(), String::new());
        };
        let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let _ = write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        );
        let mut reader = std::io::BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_owned())
            })
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        (200, head, String::from_utf8_lossy(&body).into_owned())
    }
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut book = None;
    let mut bin = env!("CARGO_BIN_EXE_stepbook").to_owned();
    let mut query = "resource group".to_owned();
    let mut runs = 3;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bin" => bin = args.next().expect("--bin STEPBOOK"),
            "--query" => query = args.next().expect("--query WORDS"),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            _ => book = Some(a),
        }
    }
    let book = book.expect("usage: cargo bench --bench search -- BOOK_DIR [--bin B] [--query Q]");
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(&bin)
        .args(["build", &book, "--quiet", "--dest-dir"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let html = out.path().join("html");
    std::fs::copy(
        repo().join("benches/search/probe.html"),
        html.join("probe.html"),
    )
    .unwrap();
    let dir = html.join("search_index");
    let (n, total) = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .fold((0, 0), |(n, b), f| (n + 1, b + f.metadata().unwrap().len()));
    println!(
        "index: search-index.js {} bytes, search_index/ {n} files, {total} bytes",
        std::fs::metadata(html.join("search-index.js"))
            .unwrap()
            .len()
    );
    let browser = cdp::chromium().expect("chromium");
    first_page(browser, &html);
    for _ in 0..runs {
        one_query(browser, &html, &query);
    }
}

/// A guide's page, loaded: which search files it loaded (none expected).
fn first_page(browser: &str, html: &Path) {
    let guide = std::fs::read_dir(html)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("index.html").is_file())
        .unwrap();
    let mut page = cdp::Cdp::open(browser, &format!("file://{}/index.html", guide.display()));
    page.wait_for(
        "document.readyState === 'complete' && !!window.stepbookSearch",
        "the guide",
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let loaded = page.eval(
        "Array.from(document.scripts).map(s => s.src).filter(s => /search-index|search_index/.test(s)).length",
    );
    println!(
        "first page load ({}): {loaded} search files loaded",
        guide.file_name().unwrap().to_string_lossy()
    );
}

fn one_query(browser: &str, html: &Path, query: &str) {
    let url = format!(
        "file://{}/probe.html#{}",
        html.display(),
        query.replace(' ', "%20")
    );
    let mut page = cdp::Cdp::open(browser, &url);
    page.wait_for(
        "!!document.getElementById('out') && document.getElementById('out').textContent !== 'none'",
        "the probe's results",
    );
    let line = page.eval("document.getElementById('out').textContent");
    let line = line.as_str().unwrap_or_default();
    let files = line
        .strip_prefix("files ")
        .and_then(|l| l.split(" | ").next())
        .unwrap_or_default();
    let bytes: u64 = files
        .split_whitespace()
        .map(|f| std::fs::metadata(html.join(f)).map_or(0, |m| m.len()))
        .sum();
    let rest = line.split_once(" | ").map_or("", |(_, r)| r);
    println!(
        "query \"{query}\": {} files, {bytes} bytes ({:.2} MB) | {rest}",
        files.split_whitespace().count(),
        bytes as f64 / 1e6
    );
}
