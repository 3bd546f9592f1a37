//! `lint` against hostile servers (on 127.0.0.1): endless `Retry-After`, redirects to another
//! host that fails.

use std::time::{Duration, Instant};

use crate::Book;
use crate::lint_server::TestServer;

fn book_with_links(urls: &[String]) -> Book {
    let book = Book::fixture("screenshots");
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    let mut g = String::from("title: Links\nsections:\n  - title: S\n    steps:\n");
    for u in urls {
        g.push_str(&format!(
            "      - text: Look\n        screenshots:\n          - src: {u}\n            alt: A picture\n"
        ));
    }
    book.write("content/links.yaml", &g);
    book
}

/// A server that asks for a wait of 100,000 s on every try cannot hold the run: the whole check
/// of a URL has one deadline (the timeout times the tries), and no wait past it is started.
#[test]
fn retry_after_cannot_hold_a_url_past_its_deadline() {
    let server = TestServer::start();
    let book = book_with_links(&[server.url("/throttled.png")]);
    let start = Instant::now();
    let r = book.run(&["lint", "--no-cache", "--timeout", "1", "--retries", "2"]);
    let took = start.elapsed();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[L001]"), "{}", r.stderr);
    assert!(r.stderr.contains("answers 429"), "{}", r.stderr);
    // The deadline is 3 s (1 s × 3 tries); anything near the asked-for wait is a hang.
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn a_failure_after_a_redirect_names_where_it_led() {
    let server = TestServer::start();
    let book = book_with_links(&[server.url("/away.png")]);
    let r = book.run(&["lint", "--no-cache"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[L001]"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "answers 404 (Not Found) after redirecting to `http://localhost:{}/gone-elsewhere.png`",
            server.addr.port()
        )),
        "{}",
        r.stderr
    );
}

/// `--concurrency 4096` under a 1.5 GB address-space limit: 1,024 worker threads did not fit
/// (allocation failures, aborts); the workers are fewer, the run finishes and says why.
#[cfg(target_os = "linux")]
#[test]
fn a_huge_concurrency_under_an_address_space_limit_finishes() {
    let server = TestServer::start();
    let urls: Vec<String> = (0..2_000)
        .map(|i| server.url(&format!("/img{i}.png")))
        .collect();
    let book = book_with_links(&urls);
    let out = std::process::Command::new("prlimit")
        .arg("--as=1500000000")
        .arg(assert_cmd::cargo::cargo_bin("stepbook"))
        .args([
            "lint",
            "--no-cache",
            "--concurrency",
            "4096",
            "--per-host",
            "4096",
        ])
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("prlimit (util-linux) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("address-space limit"), "{stderr}");
    assert_eq!(server.total_hits(), 2_000, "{stderr}");
}
