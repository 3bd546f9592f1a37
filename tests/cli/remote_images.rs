//! `[output] remote-images = "copy"` (#24): with a local server standing in for the image host,
//! every output (pages, Markdown, PDFs) uses copies inside the site; a second build makes no
//! request; with the host gone the site still has every screenshot. And `stepbook localize`.

use std::path::Path;

use crate::lint_server::{PNG, TestServer};
use crate::{Book, locations};

/// The bundled book with its eleven screenshots on `server` (`/img0.png` …).
pub(crate) fn remote_book(server: &TestServer) -> Book {
    let book = Book::bundled();
    let mut text = book.read("content/azure-pass.yaml");
    let mut n = 0;
    while let Some(at) = text.find("https://lodmanuals") {
        let end = at + text[at..].find('\n').unwrap();
        text.replace_range(at..end, &server.url(&format!("/img{n}.png")));
        n += 1;
    }
    assert_eq!(n, 11);
    book.write("content/azure-pass.yaml", &text);
    book
}

/// Sets `[output] remote-images = "copy"` in the book's book.toml (and `[output.pdf]` with `pdf`).
fn copy_mode(book: &Book, pdf: bool) {
    let mut toml = book.read("book.toml");
    if pdf {
        toml = toml.replace("[output.markdown]", "[output.markdown]\n[output.pdf]");
    }
    toml = toml.replace(
        "[output.html]",
        "[output]\nremote-images = \"copy\"\n\n[output.html]",
    );
    book.write("book.toml", &toml);
}

/// Every `<img src>` of the HTML pages under `html`, resolved from its page.
fn images_of_pages(html: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(html) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let page = std::fs::read_to_string(e.path()).unwrap();
        for part in page.split("<img").skip(1) {
            let src = part
                .split("src=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            out.push((src.to_owned(), e.path().parent().unwrap().join(src)));
        }
    }
    out
}

fn assert_all_local(book: &Book) {
    let shots = images_of_pages(&book.path().join("book/html"));
    assert!(shots.len() >= 11, "{shots:?}");
    for (src, file) in &shots {
        assert!(!src.contains("://"), "{src} is not inside the site");
        assert!(src.contains("media/remote/"), "{src}");
        assert_eq!(std::fs::read(file).unwrap(), PNG, "{src}: the bytes served");
    }
    let md = book.read("book/markdown/azure-pass.md");
    assert!(
        !md.contains("127.0.0.1"),
        "the Markdown links to the host:\n{md}"
    );
    assert_eq!(md.matches("](media/remote/").count(), 11);
}

#[test]
fn copies_are_used_by_every_output_and_a_second_build_makes_no_request() {
    let server = TestServer::start();
    let book = remote_book(&server);
    copy_mode(&book, true);
    let r = book.run(&["build", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Eleven URLs, each fetched once (GET, no HEAD first).
    assert_eq!(server.total_hits(), 11, "{:?}", server.hits.lock().unwrap());
    assert_all_local(&book);

    let r = book.run(&["build", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.total_hits(), 11, "the second build made requests");

    // The host goes away: the site is built again (the PDF too) from the cache alone.
    server.stop();
    std::fs::remove_dir_all(book.path().join("book")).unwrap();
    let r = book.run(&["build", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_all_local(&book);
    if cfg!(feature = "pdf") && which("pdfimages") {
        let out = std::process::Command::new("pdfimages")
            .arg("-list")
            .arg(book.path().join("book/html/pdf/azure-pass.pdf"))
            .output()
            .unwrap();
        let list = String::from_utf8_lossy(&out.stdout);
        // Two header lines, then one line per image (the 1×1 PNG, once per screenshot).
        let images = list.lines().skip(2).count();
        assert_eq!(images, 11, "{list}");
    }
}

/// A screenshot the build cannot copy is one warning (W022 at its line), asked once: the PDF
/// does not fetch it a second time, nor warn of it again as W014.
#[cfg(feature = "pdf")]
#[test]
fn a_screenshot_that_cannot_be_copied_is_asked_once_and_warned_of_once() {
    let server = TestServer::start();
    let book = remote_book(&server);
    let text = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &text.replacen(&server.url("/img3.png"), &server.url("/missing.png"), 1),
    );
    copy_mode(&book, true);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = locations(&r.stderr);
    assert_eq!(found.len(), 1, "{}", r.stderr);
    assert_eq!(found[0].0, "W022", "{}", r.stderr);
    let asked: usize = server
        .hits
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.contains("missing"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(asked, 1, "{:?}", server.hits.lock().unwrap());
    assert!(book.path().join("book/html/pdf/azure-pass.pdf").is_file());
}

fn which(tool: &str) -> bool {
    std::process::Command::new(tool).arg("-v").output().is_ok()
}

#[test]
fn the_flag_copies_for_one_build_and_offline_uses_only_the_cache() {
    let server = TestServer::start();
    let book = remote_book(&server);
    // Offline with an empty cache: every screenshot is a W022 at its line and stays a link.
    let r = book.run(&["build", "--remote-images", "copy", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.total_hits(), 0);
    let found = locations(&r.stderr);
    assert_eq!(found.len(), 11, "{}", r.stderr);
    assert!(found.iter().all(|(c, _)| c == "W022"), "{found:?}");
    assert_eq!(found[0].1, "content/azure-pass.yaml:40:18", "{}", r.stderr);
    assert!(
        r.stderr.contains("`--offline` makes no request"),
        "{}",
        r.stderr
    );
    let page = book.read("book/html/azure-pass/index.html");
    assert!(page.contains(&server.url("/img0.png")));
    // With --deny-warnings that is an error, and the output is left as it was.
    let r = book.run(&[
        "build",
        "--remote-images",
        "copy",
        "--offline",
        "--deny-warnings",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(book.read("book/html/azure-pass/index.html"), page);
    // Online once; then offline builds take the copies.
    let r = book.run(&["build", "--remote-images", "copy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    server.stop();
    let r = book.run(&[
        "build",
        "--remote-images",
        "copy",
        "--offline",
        "--deny-warnings",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_all_local(&book);
    // The default (link) is today's output.
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        book.read("book/html/azure-pass/index.html")
            .contains(&server.url("/img0.png"))
    );
}

#[test]
fn a_misspelt_mode_is_a_config_error_at_its_line() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace(
            "[output.html]",
            "[output]\nremote-images = \"cpy\"\n\n[output.html]",
        ),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("book.toml:17"), "{}", r.stderr);
    assert!(r.stderr.contains("`copy`"), "{}", r.stderr);
}

#[test]
fn localize_writes_the_images_into_the_book_and_rewrites_src_keeping_comments() {
    let server = TestServer::start();
    let book = remote_book(&server);
    let before = book.read("content/azure-pass.yaml");
    let gone = server.url("/missing.png");
    book.write(
        "content/azure-pass.yaml",
        &before.replacen(&server.url("/img10.png"), &gone, 1),
    );
    let edited = book.read("content/azure-pass.yaml");
    // With --deny-warnings, one screenshot that cannot be had means nothing is written at all.
    let r = book.run(&["localize", "--deny-warnings"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nothing written"), "{}", r.stderr);
    assert!(
        r.stderr.contains("not downloaded into the book"),
        "{}",
        r.stderr
    );
    assert_eq!(book.read("content/azure-pass.yaml"), edited);
    assert!(!book.path().join("content/media").exists());
    let r = book.run(&["localize"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = locations(&r.stderr);
    assert_eq!(found.len(), 1, "{}", r.stderr);
    assert_eq!(found[0].0, "W022");
    assert!(r.stderr.contains("HTTP 404"), "{}", r.stderr);
    let after = book.read("content/azure-pass.yaml");
    // Comments and every other line kept; the ten good `src` point at one file in media/.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 11, "{changed:?}");
    for (old, new) in &changed {
        assert!(old.trim_start().starts_with("- src: http://"), "{old}");
        if new.contains(&gone) {
            continue;
        }
        let path = new.trim_start().strip_prefix("- src: ").unwrap();
        assert!(
            path.starts_with("media/") && path.ends_with(".png"),
            "{new}"
        );
        assert_eq!(
            std::fs::read(book.path().join("content").join(path)).unwrap(),
            PNG
        );
    }
    assert!(after.starts_with("# The Azure Pass how-to"));
    // The book is still good; running it again changes nothing and fetches nothing new.
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits = server.total_hits();
    let r = book.run(&["localize", "--deny-warnings"]);
    assert_eq!(r.code, 2, "the 404 is still there: {}", r.stderr);
    assert_eq!(book.read("content/azure-pass.yaml"), after);
    assert_eq!(
        server.total_hits(),
        hits + 1,
        "only the failing one is asked again"
    );
}

/// `serve` (watch) with copies: an edited guide's new screenshot is copied in as it is rebuilt,
/// and a URL that fails is asked once, not again at every edit.
#[cfg(feature = "serve")]
#[test]
fn serve_rebuilds_use_copies_and_do_not_ask_a_failing_host_at_every_edit() {
    use crate::serve::{Server, get};
    let host = TestServer::start();
    let book = remote_book(&host);
    copy_mode(&book, false);
    let server = Server::start(&book);
    let page = |needle: &str| {
        let start = std::time::Instant::now();
        loop {
            let (status, _, page) = get(server.addr, "/html/azure-pass/index.html");
            if status == 200 && page.contains(needle) {
                return page;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "`{needle}` never came:\n{}",
                server.log.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    let first = page("media/remote/");
    assert!(!first.contains(&host.url("/img")), "{first}");
    let guide = book.read("content/azure-pass.yaml");
    let edited = |title: &str, shot: &str| {
        guide
            .replace(
                "title: Creating a Microsoft Azure Pass Subscription",
                &format!("title: {title}"),
            )
            .replace(&host.url("/img0.png"), &host.url(shot))
    };
    book.write(
        "content/azure-pass.yaml",
        &edited("First Edit", "/img-new.png"),
    );
    let p = page("First Edit");
    assert!(
        !p.contains(&host.url("/img")),
        "the new screenshot is a copy: {p}"
    );
    assert_eq!(host.hits.lock().unwrap().get("/img-new.png"), Some(&1));
    book.write(
        "content/azure-pass.yaml",
        &edited("Second Edit", "/missing.png"),
    );
    let p = page("Second Edit");
    assert!(p.contains(&host.url("/missing.png")), "kept as a link: {p}");
    book.write(
        "content/azure-pass.yaml",
        &edited("Third Edit", "/missing.png"),
    );
    page("Third Edit");
    assert_eq!(
        host.hits.lock().unwrap().get("/missing.png"),
        Some(&1),
        "the failing URL was asked again"
    );
}
