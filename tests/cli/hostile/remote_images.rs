//! Hostile image hosts and URLs against `remote-images = "copy"`: an HTML page, a redirect
//! loop, a 2 GB body, a slow drip and a 404 are each a W022 at their line, in bounded time and
//! memory, with nothing half-written; URLs made to climb out of the media folder land inside
//! it under content-hash names.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::lint_server::TestServer;
use crate::{Book, locations};

/// A book of one guide whose screenshots are `paths` on `server`, with short timeouts and a
/// 1 MiB image cap.
fn book_of(server: &TestServer, paths: &[&str]) -> Book {
    let book = Book::bundled();
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    let mut yaml = String::from("title: Hostile hosts\nsections:\n  - title: Shots\n    steps:\n");
    for p in paths {
        yaml.push_str(&format!(
            "      - text: A step\n        screenshots:\n          - src: {}\n            alt: A screen\n",
            server.url(p)
        ));
    }
    book.write("content/hostile.yaml", &yaml);
    let toml = book.read("book.toml").replace(
        "[output.html]",
        "[output]\nremote-images = \"copy\"\n\n[lint]\ntimeout = 2\nretries = 0\nmax-image-bytes = 1048576\n\n[output.html]",
    );
    book.write("book.toml", &toml);
    book
}

/// Every file under `dir`, relative, with `/`.
fn files_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn bad_image_hosts_are_warnings_at_their_lines_in_bounded_time_and_memory() {
    let server = TestServer::start();
    let bad = [
        "/page.html",
        "/loop.png",
        "/huge.png",
        "/drip.png",
        "/missing.png",
        "/lying.png",
    ];
    let book = book_of(&server, &bad);
    let start = Instant::now();
    // Under a 1 GiB address-space limit: the 2 GB body is never held.
    let r = prlimited(book.path(), &["build"]);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = locations(&r.stderr);
    let lines: Vec<&str> = found.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        lines,
        [
            "content/hostile.yaml:7:18",
            "content/hostile.yaml:11:18",
            "content/hostile.yaml:15:18",
            "content/hostile.yaml:19:18",
            "content/hostile.yaml:23:18",
            "content/hostile.yaml:27:18",
        ],
        "{}",
        r.stderr
    );
    assert!(found.iter().all(|(c, _)| c == "W022"), "{found:?}");
    for why in [
        "not an image (text/html)",
        "redirects too often",
        "larger than 1 MiB",
        "did not answer in time",
        "HTTP 404",
        "image/png, but the body is not an image",
    ] {
        assert!(r.stderr.contains(why), "no `{why}` in:\n{}", r.stderr);
    }
    // Each keeps its URL; nothing was copied or cached, not even in part.
    let page = book.read("book/html/hostile/index.html");
    for p in bad {
        assert!(page.contains(&server.url(p)), "{p}");
    }
    assert!(!book.path().join("book/html/media/remote").exists());
    let cached = files_under(&book.path().join(".stepbook-cache/remote"));
    assert!(cached.iter().all(|f| f == "index.json"), "{cached:?}");
    // --deny-warnings: exit 2, the output left as it was.
    let r = book.run(&["build", "--deny-warnings"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(book.read("book/html/hostile/index.html"), page);
}

/// `stepbook ARGS` in `dir` under a 1 GiB address-space limit.
fn prlimited(dir: &Path, args: &[&str]) -> crate::Run {
    let bin = assert_cmd::cargo::cargo_bin("stepbook");
    let out = std::process::Command::new("prlimit")
        .arg("--as=1073741824")
        .arg("--")
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    crate::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn hostile_urls_never_name_a_file_outside_the_media_folder() {
    let server = TestServer::start();
    let long = format!("/img/{}.png", "a".repeat(5000));
    let paths = [
        "/img/../../../../etc/passwd",
        "/img/%2e%2e/%2e%2e/%2e%2e/outside.png",
        "/img/x.png?name=../../../../outside.png&f=/etc/passwd",
        "/img/..%2f..%2f..%2foutside.png",
        long.as_str(),
    ];
    let book = book_of(&server, &paths);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let media = files_under(&book.path().join("book/html/media"));
    assert!(!media.is_empty(), "{}", r.stderr);
    for f in &media {
        let name = f.strip_prefix("remote/").unwrap_or_else(|| panic!("{f}"));
        let (hash, ext) = name.split_once('.').unwrap();
        assert!(
            hash.len() == 40 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{f}"
        );
        assert_eq!(ext, "png");
    }
    for f in files_under(&book.path().join(".stepbook-cache/remote")) {
        assert!(f == "index.json" || f.len() == 44, "{f}");
    }
    // Nothing appeared above the media folders, up to beside the book.
    for dir in book.path().join("book/html/media").ancestors().take(5) {
        assert!(!dir.join("outside.png").exists(), "{}", dir.display());
        assert!(!dir.join("passwd").exists(), "{}", dir.display());
    }
    // `localize` writes into the book's media folder only, under the same names.
    let r = book.run(&["localize", "--dir", "../../escape"]);
    assert_eq!(r.code, 2, "a usage mistake, as clap's: {}", r.stderr);
    assert!(
        r.stderr.contains("inside the guides' folder"),
        "{}",
        r.stderr
    );
    let r = book.run(&["localize"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in files_under(&book.path().join("content/media")) {
        let (hash, ext) = f.split_once('.').unwrap();
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{f}"
        );
        assert_eq!(ext, "png");
    }
}
