//! Bounds: every input costs time and memory in proportion to its size, and nothing waits
//! without end (slow templates, alias bombs, many keys, many diagnostics, deep nesting).

use std::time::{Duration, Instant};

use crate::Book;
use crate::serve::Server;

/// Nested loops that would run for hours.
const SLOW_TEMPLATE: &str = "{% extends \"base.html\" %}{% block content %}{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}{% endblock %}";

#[test]
fn a_template_that_loops_without_end_fails_the_build_in_bounded_time() {
    let book = Book::bundled();
    assert_eq!(book.run(&["build"]).code, 0);
    let before = book.read("book/html/azure-pass/index.html");
    book.write("templates/guide.html", SLOW_TEMPLATE);
    let start = Instant::now();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        start.elapsed() < stepbook::render::PAGE_BUDGET + Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(r.stderr.contains("error[E020]"), "{}", r.stderr);
    assert!(r.stderr.contains("took longer than"), "{}", r.stderr);
    assert!(r.stderr.contains("templates/guide.html"), "{}", r.stderr);
    assert_eq!(book.read("book/html/azure-pass/index.html"), before);
}

#[cfg(unix)]
#[test]
fn serve_stops_on_sigterm_while_a_slow_template_renders() {
    let book = Book::bundled();
    let server = Server::start(&book);
    book.write("templates/guide.html", SLOW_TEMPLATE);
    // Let the rebuild start and get stuck in the template.
    std::thread::sleep(Duration::from_millis(1500));
    let start = Instant::now();
    let status = server.terminate();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(status.code().is_some(), "{status:?}");
}
