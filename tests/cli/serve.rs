//! `stepbook serve` on a free loopback port: pages with the reload script, rebuilds and their
//! events read from the event stream over HTTP, the error overlay, traversal attempts, Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::Book;

/// A running `stepbook serve`; killed (SIGTERM) when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(book: &Book) -> Server {
        Server::start_waiting(book, "rebuilt: full build")
    }

    /// Starts `serve` and waits until its log holds `needle` (the first build's outcome).
    pub fn start_waiting(book: &Book, needle: &str) -> Server {
        Server::start_with(book, &[], needle)
    }

    /// Starts `serve --port 0` with more arguments.
    pub fn start_with(book: &Book, args: &[&str], needle: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stepbook"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(book.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("serving http://") {
                    let _ = tx.send(url.split('/').next().unwrap().to_owned());
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("serve printed its address")
            .parse()
            .unwrap();
        let server = Server { child, addr, log };
        server.wait_log(needle, Duration::from_secs(20));
        server
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the log holds `needle` at least `count` times.
    pub fn wait_log_count(&self, needle: &str, count: usize, timeout: Duration) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.log.lock().unwrap().matches(needle).count() >= count {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!(
            "`{needle}` not {count} times in the log:\n{}",
            self.log.lock().unwrap()
        );
    }

    pub fn wait_log(&self, needle: &str, timeout: Duration) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.log.lock().unwrap().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("`{needle}` not in the log:\n{}", self.log.lock().unwrap());
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit status.
    pub fn interrupt(self) -> std::process::ExitStatus {
        self.signal(libc::SIGINT)
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(self) -> std::process::ExitStatus {
        self.signal(libc::SIGTERM)
    }

    fn signal(mut self, signal: i32) -> std::process::ExitStatus {
        unsafe { libc::kill(self.child.id() as i32, signal) };
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "serve did not stop on Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            let _ = self.child.wait();
        }
    }
}

/// A raw HTTP/1.1 GET (the path is sent exactly as given): (status, headers, body).
pub fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Read the head, then the body by Content-Length when there is one (some servers keep the
    // connection open despite `Connection: close`), else to the end.
    let mut reader = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
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
        .and_then(|v| v.parse::<usize>().ok());
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).unwrap();
        }
        None => {
            reader.read_to_end(&mut body).unwrap();
        }
    }
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// The `build` events of the server's event stream, as JSON values, on a channel.
pub fn events(addr: SocketAddr) -> mpsc::Receiver<serde_json::Value> {
    let (tx, rx) = mpsc::channel();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /__stepbook/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            // Chunked framing lines (sizes) are skipped; SSE fields are what matter.
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_owned();
            } else if let Some(data) = line.strip_prefix("data: ")
                && event == "build"
                && tx.send(serde_json::from_str(data).unwrap()).is_err()
            {
                return;
            }
        }
    });
    rx
}

/// Waits for the first event that `want` accepts (a change may cause more than one build).
fn wait_event(
    rx: &mpsc::Receiver<serde_json::Value>,
    server: &Server,
    want: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    loop {
        let ev = next_event(rx, server);
        if want(&ev) {
            return ev;
        }
    }
}

fn next_event(rx: &mpsc::Receiver<serde_json::Value>, server: &Server) -> serde_json::Value {
    rx.recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| {
            panic!(
                "no build event; server log:\n{}",
                server.log.lock().unwrap()
            )
        })
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn serves_pages_with_the_reload_script_and_rebuilds_on_edit() {
    let book = Book::bundled();
    let server = Server::start(&book);
    let (status, head, _) = get(server.addr, "/");
    assert_eq!(status, 307);
    assert!(head.contains("location: /html/index.html"), "{head}");
    let (status, _, page) = get(server.addr, "/html/azure-pass/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("Creating a Microsoft Azure Pass Subscription"));
    assert!(
        page.contains(r#"<script src="/__stepbook/live.js"></script></body>"#),
        "{page}"
    );
    let (status, _, checklist) = get(server.addr, "/html/checklist/azure-pass.html");
    assert_eq!(status, 200, "checklists are served too");
    let (status, _, list) = get(server.addr, "/html/checklist/");
    assert_eq!(status, 200, "a folder without index.html lists its files");
    assert!(
        list.contains(r#"<a href="azure-pass.html">azure-pass.html</a>"#),
        "{list}"
    );
    assert!(checklist.contains("☐"));
    let (status, head, js) = get(server.addr, "/__stepbook/live.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript") && js.contains("EventSource"));

    let rx = events(server.addr);
    let first = next_event(&rx, &server);
    assert_eq!(first["ok"], true);
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace("Select the start button", "Press the big start button"),
    );
    // A write may reach the watcher in two parts; wait for the good build.
    let ev = wait_event(&rx, &server, |e| e["ok"] == true);
    assert_eq!(ev["ok"], true, "{ev}");
    assert!(ev["version"].as_u64() > first["version"].as_u64());
    let (_, _, page) = get(server.addr, "/html/azure-pass/index.html");
    assert!(
        page.contains("Press the big start button"),
        "the rebuilt page is served"
    );
    server.wait_log(
        "rebuilt: guide content/azure-pass.yaml in",
        Duration::from_secs(5),
    );
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn an_invalid_edit_keeps_the_old_page_and_reports_to_the_overlay() {
    let book = Book::bundled();
    let server = Server::start(&book);
    let rx = events(server.addr);
    next_event(&rx, &server);
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace("duration: 15m", "duration: soon"),
    );
    let ev = wait_event(&rx, &server, |e| {
        e["message"].as_str().is_some_and(|m| m.contains("E007"))
    });
    assert_eq!(ev["ok"], false, "{ev}");
    let message = ev["message"].as_str().unwrap();
    assert!(
        message.contains("error[E007]: malformed duration `soon`"),
        "{message}"
    );
    let line = guide
        .lines()
        .position(|l| l.starts_with("duration:"))
        .unwrap()
        + 1;
    assert!(
        message.contains(&format!("--> content/azure-pass.yaml:{line}:11")),
        "{message}"
    );
    let (status, _, page) = get(server.addr, "/html/azure-pass/index.html");
    assert_eq!(status, 200);
    assert!(
        page.contains("about 15\u{a0}min"),
        "the last good page stays"
    );
    // A page loaded now learns about the failure from the stream's first event.
    let late = events(server.addr);
    assert_eq!(next_event(&late, &server)["ok"], false);
    // Fixing it rebuilds and reloads.
    book.write(
        "content/azure-pass.yaml",
        &guide.replace("duration: 15m", "duration: 25m"),
    );
    let ev = wait_event(&rx, &server, |e| e["ok"] == true);
    assert_eq!(ev["ok"], true, "{ev}");
    let (_, _, page) = get(server.addr, "/html/azure-pass/index.html");
    assert!(page.contains("about 25\u{a0}min"));
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn template_changes_rebuild_everything() {
    let book = Book::bundled();
    let server = Server::start(&book);
    let rx = events(server.addr);
    next_event(&rx, &server);
    book.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<p>CUSTOM INDEX</p>{% endblock content %}",
    );
    let ev = wait_event(&rx, &server, |e| e["ok"] == true);
    assert_eq!(ev["ok"], true, "{ev}");
    // Creating templates/ may cause a second full build (its watch starts after the first).
    let (_, _, page) = get(server.addr, "/html/index.html");
    assert!(page.contains("CUSTOM INDEX"), "{page}");
    book.write("templates/index.html", "{% if %}");
    let ev = wait_event(&rx, &server, |e| e["ok"] == false);
    assert!(
        ev["message"]
            .as_str()
            .unwrap()
            .contains("templates/index.html:1:"),
        "{ev}"
    );
    let (_, _, page) = get(server.addr, "/html/index.html");
    assert!(page.contains("CUSTOM INDEX"), "last good output");
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn nothing_outside_the_output_can_be_read() {
    let book = Book::bundled();
    let server = Server::start(&book);
    std::os::unix::fs::symlink(
        book.path().join("book.toml"),
        book.path().join("book/html/leak.txt"),
    )
    .unwrap();
    for path in [
        "/../book.toml",
        "/html/../../book.toml",
        "/%2e%2e/book.toml",
        "/html/%2E%2E/%2e%2e/book.toml",
        "/..%2fbook.toml",
        "/html/..%5c..%5cbook.toml",
        "/html/leak.txt",
        "//etc/passwd",
        "/html/%00",
    ] {
        let (status, _, body) = get(server.addr, path);
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(!body.contains("[book]"), "{path} leaked book.toml");
    }
    let (status, _, _) = get(server.addr, "/html/%zz");
    assert_eq!(status, 400);
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn ctrl_c_stops_the_server_cleanly() {
    let book = Book::bundled();
    let server = Server::start(&book);
    let addr = server.addr;
    let status = server.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(addr).is_err(), "the port is closed");
    let leftovers: Vec<_> = std::fs::read_dir(book.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("stepbook-new") || n.contains("stepbook-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn a_changed_screenshot_outside_the_guides_folder_rebuilds() {
    let book = Book::fixture("local-images");
    let server = Server::start(&book);
    let rx = events(server.addr);
    next_event(&rx, &server);
    let (_, _, page) = get(server.addr, "/html/one/index.html");
    assert!(page.contains(r#"width="32" height="20""#), "{page}");
    std::fs::write(book.path().join("shared/logo.png"), crate::lint_server::PNG).unwrap();
    let ev = wait_event(&rx, &server, |e| e["ok"] == true);
    assert_eq!(ev["ok"], true);
    let (_, _, page) = get(server.addr, "/html/one/index.html");
    assert!(page.contains(r#"width="1" height="1""#), "{page}");
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn renamed_and_deleted_guides_leave_no_stale_pages() {
    let book = Book::fixture("local-images");
    let server = Server::start(&book);
    let rx = events(server.addr);
    next_event(&rx, &server);
    assert_eq!(get(server.addr, "/html/two/index.html").0, 200);
    // two (weight 1) comes before one (weight 2).
    let prev_of_one = || {
        let page = get(server.addr, "/html/one/index.html").2;
        let at = page
            .find("rel=\"prev\"")
            .map(|i| page[i..i + 120].to_owned());
        at.unwrap_or_default()
    };
    assert!(
        prev_of_one().contains("href=\"../two/index.html\""),
        "{}",
        prev_of_one()
    );
    // A new id: the old pages go, the new ones come, the index follows, and so does the
    // neighbour's "previous guide" link (its page is rendered again).
    let two = book.read("content/two.yaml");
    book.write("content/two.yaml", &format!("id: second\n{two}"));
    wait_event(&rx, &server, |e| e["ok"] == true);
    assert!(
        prev_of_one().contains("href=\"../second/index.html\""),
        "{}",
        prev_of_one()
    );
    assert_eq!(get(server.addr, "/html/two/index.html").0, 404);
    assert_eq!(get(server.addr, "/html/checklist/two.html").0, 404);
    assert_eq!(get(server.addr, "/html/second/index.html").0, 200);
    assert!(
        get(server.addr, "/html/index.html")
            .2
            .contains("second/index.html")
    );
    // Deleted: its pages and its card go, and nothing links to it.
    std::fs::remove_file(book.path().join("content/two.yaml")).unwrap();
    wait_event(&rx, &server, |e| e["ok"] == true);
    assert_eq!(prev_of_one(), "", "one has no previous guide now");
    assert_eq!(get(server.addr, "/html/second/index.html").0, 404);
    let index = get(server.addr, "/html/index.html").2;
    assert!(
        !index.contains("Guide two") && index.contains("Guide one"),
        "{index}"
    );
    server.wait_log("rebuilt: removed content/two.yaml", Duration::from_secs(5));
}

/// A missing page gets the book's 404 page, with status 404, at any depth.
#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn a_missing_page_is_answered_with_the_books_404_page() {
    let book = Book::bundled();
    let server = Server::start(&book);
    for path in ["/html/azure-pass/typo", "/html/a/b/missing.html", "/typo"] {
        let (status, _, body) = get(server.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(
            body.contains("<h1>Page not found</h1>") && body.contains("theme/style.css"),
            "{path}: {body}"
        );
    }
    // A page that exists is still itself.
    assert_eq!(get(server.addr, "/html/azure-pass/index.html").0, 200);
}
