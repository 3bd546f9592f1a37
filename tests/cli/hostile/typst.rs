//! Typst templates: a `guide.typ` that loops without end fails its document in bounded time
//! with a message, one that allocates without end fails with a message instead of aborting the
//! build, and Ctrl-C stops `serve` (and `watch`) during a Typst compile.

use std::time::{Duration, Instant};

use crate::Book;
use crate::serve::Server;

/// Nested loops of 4×10⁸ passes (about a minute in a release build, far longer in a debug one).
const SLOW_TYP: &str = "#for a in range(20000) { for b in range(20000) { } }\n";

fn slow_book() -> Book {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}\n[output.pdf]\n"));
    book
}

#[test]
fn a_typst_template_that_loops_without_end_fails_in_bounded_time() {
    let book = slow_book();
    assert_eq!(book.run(&["build", "--offline"]).code, 0);
    let before = book.read("book/html/azure-pass/index.html");
    book.write("templates/guide.typ", SLOW_TYP);
    let start = Instant::now();
    let r = book.run(&["build", "--offline"]);
    let took = start.elapsed();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[E020]"), "{}", r.stderr);
    assert!(r.stderr.contains("took longer than"), "{}", r.stderr);
    assert!(r.stderr.contains("guide.typ"), "{}", r.stderr);
    assert!(
        took < Duration::from_secs(60 + 30), // the budget, and time to spare
        "{took:?}"
    );
    assert_eq!(book.read("book/html/azure-pass/index.html"), before);
}

/// Typst aborts the process when an allocation fails: this array would take gigabytes.
#[test]
fn a_typst_template_that_allocates_without_end_fails_with_a_message() {
    let book = slow_book();
    assert_eq!(book.run(&["build", "--offline"]).code, 0);
    let before = book.read("book/html/azure-pass/index.html");
    book.write(
        "templates/guide.typ",
        "#let a = range(400000000)\n#a.len()\n",
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[E020]"), "{}", r.stderr);
    assert!(r.stderr.contains("MiB of memory"), "{}", r.stderr);
    assert!(r.stderr.contains("templates/guide.typ"), "{}", r.stderr);
    assert_eq!(book.read("book/html/azure-pass/index.html"), before);
    // The checklist PDF, made from its own template, is unharmed: the build went on.
    assert!(r.stderr.contains("found 1 error"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn ctrl_c_stops_serve_during_a_typst_compile() {
    let book = slow_book();
    let server = Server::start(&book);
    book.write("templates/guide.typ", SLOW_TYP);
    // Let the rebuild start and get stuck in the Typst compile.
    std::thread::sleep(Duration::from_secs(3));
    let start = Instant::now();
    // `interrupt` fails the test if serve has not stopped 10 s after Ctrl-C.
    let status = server.interrupt();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(status.code().is_some(), "{status:?}");
}

#[test]
fn a_long_code_block_is_shown_plain_instead_of_highlighted_for_minutes() {
    let book = slow_book();
    // 8 KB on which highlighting is super-linear (13.8 s in a release build).
    let code = format!("s/{}", "(".repeat(8000));
    book.write(
        "content/code.yaml",
        &format!(
            "title: Code\nsections:\n  - title: S\n    steps:\n      - text: |\n          Run:\n\n          ```perl\n          {code}\n          ```\n"
        ),
    );
    let start = Instant::now();
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    let out = std::process::Command::new("pdftotext")
        .arg(book.path().join("book/html/pdf/code.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(((((((("));
}

#[test]
fn a_guide_too_long_for_a_pdf_is_refused_with_a_message() {
    let book = slow_book();
    assert_eq!(book.run(&["build", "--offline"]).code, 0);
    let before = book.read("book/html/azure-pass/index.html");
    let mut g = String::from("title: Long\nsections:\n  - title: S\n    steps:\n");
    for i in 0..10_001 {
        g.push_str(&format!("      - text: Step {i}\n"));
    }
    book.write("content/long.yaml", &g);
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("10001 steps"), "{}", r.stderr);
    assert!(r.stderr.contains("content/long.yaml"), "{}", r.stderr);
    assert!(r.stderr.contains("split the guide"), "{}", r.stderr);
    assert_eq!(book.read("book/html/azure-pass/index.html"), before);
}
