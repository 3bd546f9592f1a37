//! Screenshots that stay right (#26): capture records and staleness (W025, W026), remote
//! screenshots whose bytes changed (L016) against a real server on 127.0.0.1, near-duplicates
//! (L017) and unused images (L018), and `stepbook shots`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use crate::{Book, run_with};

const TODAY: (&str, &str) = ("STEPBOOK_TODAY", "2026-12-07");

/// A file server on a free loopback port: `GET /x` answers the bytes of `dir/x` as they are at
/// that moment (so a test can change them between runs).
pub(crate) struct Files {
    pub(crate) url: String,
    dir: tempfile::TempDir,
}

impl Files {
    pub(crate) fn start() -> Files {
        let dir = tempfile::tempdir().unwrap();
        let root: PathBuf = dir.path().to_path_buf();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut request = String::new();
                    reader.read_line(&mut request).unwrap_or(0);
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                    }
                    let mut parts = request.split_whitespace();
                    let method = parts.next().unwrap_or("");
                    let path = parts.next().unwrap_or("/").trim_start_matches('/');
                    let mut stream = stream;
                    let (status, body) = match std::fs::read(root.join(path)) {
                        Ok(b) => ("200 OK", b),
                        Err(_) => ("404 Not Found", Vec::new()),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    if method != "HEAD" {
                        let _ = stream.write_all(&body);
                    }
                });
            }
        });
        Files { url, dir }
    }

    pub(crate) fn put(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
    }
}

/// A made-up screenshot: a window with a title bar, a sidebar and a few buttons; `variant`
/// moves things around so two variants do not look alike.
pub(crate) fn screen(variant: u32) -> image::RgbImage {
    let mut img = image::RgbImage::from_pixel(480, 320, image::Rgb([250, 250, 250]));
    let mut fill = |x0: u32, y0: u32, w: u32, h: u32, c: [u8; 3]| {
        for y in y0..(y0 + h).min(320) {
            for x in x0..(x0 + w).min(480) {
                img.put_pixel(x, y, image::Rgb(c));
            }
        }
    };
    fill(0, 0, 480, 36, [0, 90, 158]);
    if variant == 0 {
        fill(0, 36, 120, 284, [230, 230, 235]);
        fill(160, 80, 260, 30, [200, 200, 200]);
        fill(160, 140, 120, 36, [0, 120, 212]);
        fill(300, 140, 120, 36, [180, 180, 180]);
    } else {
        fill(360, 36, 120, 284, [40, 40, 48]);
        fill(20, 200, 300, 90, [220, 60, 60]);
        fill(30, 60, 80, 80, [20, 160, 80]);
    }
    img
}

pub(crate) fn png(img: &image::RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg90(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap();
    out
}

fn book_with(toml: &str) -> Book {
    let book = Book::fixture("screenshots");
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    book.write("book.toml", &format!("[book]\ntitle = \"Shots\"\n{toml}"));
    book
}

/// `(code, file, line)` of each problem in a JSON lint report.
fn problems(stdout: &str) -> Vec<(String, String, Option<u64>)> {
    let v: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                p["file"].as_str().unwrap().to_owned(),
                p["line"].as_u64(),
            )
        })
        .collect()
}

fn lint(book: &Book, extra: &[&str]) -> crate::Run {
    let mut args = vec!["lint", "--format", "json"];
    args.extend(extra);
    run_with(book.path(), &args, &[TODAY])
}

#[test]
fn changed_bytes_behind_a_url_warn_at_its_line_until_a_later_capture_date() {
    let files = Files::start();
    files.put("portal.png", &png(&screen(0)));
    // Fingerprints older than a second are fetched again (the default is a day).
    let book = book_with("[lint]\ncache-max-age = 1\n");
    let guide = |captured: &str| {
        format!(
            "title: G\nsections:\n  - title: S\n    steps:\n      - text: Open the portal\n      - text: Sign in\n        screenshots:\n          - src: {}/portal.png\n            alt: The sign-in page\n            captured: {captured}\n",
            files.url
        )
    };
    book.write("content/g.yaml", &guide("2026-11-02"));
    let r = lint(&book, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("L016"), "{}", r.stdout);

    files.put("portal.png", &png(&screen(1)));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = lint(&book, &[]);
    let found = problems(&r.stdout);
    assert!(
        found.contains(&("L016".into(), "content/g.yaml".into(), Some(8))),
        "{found:?}"
    );
    assert!(
        r.stdout
            .contains("changed since 2026-12-07: check its marks and the step text"),
        "{}",
        r.stdout
    );
    // Still reported from the cache (offline too) until the capture date is the change's.
    let r = lint(&book, &["--offline"]);
    assert!(r.stdout.contains("\"L016\""), "{}", r.stdout);
    book.write("content/g.yaml", &guide("2026-12-07"));
    let r = lint(&book, &[]);
    assert!(!r.stdout.contains("L016"), "{}", r.stdout);
}

#[test]
fn a_jpeg_copy_in_another_guide_is_a_near_duplicate_with_both_places() {
    let files = Files::start();
    files.put("wizard.png", &png(&screen(0)));
    let book = book_with("[lint.severity]\nL017 = \"warning\"\n");
    book.write(
        "content/one.yaml",
        &format!(
            "title: One\nsections:\n  - title: S\n    steps:\n      - text: Start\n        screenshots:\n          - src: {}/wizard.png\n            alt: The wizard\n            source: https://portal.example/wizard\n",
            files.url
        ),
    );
    std::fs::create_dir_all(book.path().join("content/img")).unwrap();
    std::fs::write(
        book.path().join("content/img/wizard-copy.jpg"),
        jpeg90(&screen(0)),
    )
    .unwrap();
    std::fs::write(book.path().join("content/img/other.png"), png(&screen(1))).unwrap();
    book.write(
        "content/two.yaml",
        "title: Two\nsections:\n  - title: S\n    steps:\n      - text: Other\n        screenshots:\n          - src: img/other.png\n            alt: Another screen\n      - text: Again\n        screenshots:\n          - src: img/wizard-copy.jpg\n            alt: The wizard again\n",
    );
    let r = lint(&book, &[]);
    let dups: Vec<_> = problems(&r.stdout)
        .into_iter()
        .filter(|p| p.0 == "L017")
        .collect();
    assert_eq!(
        dups,
        vec![("L017".into(), "content/two.yaml".into(), Some(11))],
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("wizard.png` at content/one.yaml:7"),
        "{}",
        r.stdout
    );
    // The human report shows both places.
    let r = run_with(book.path(), &["lint"], &[TODAY]);
    assert!(r.stderr.contains("content/two.yaml:11"), "{}", r.stderr);
    assert!(r.stderr.contains("content/one.yaml:7"), "{}", r.stderr);
    // Off by default.
    book.write("book.toml", "[book]\ntitle = \"Shots\"\n");
    let r = lint(&book, &["--offline"]);
    assert!(!r.stdout.contains("L017"), "{}", r.stdout);
}

#[test]
fn max_age_warns_with_a_pinned_date_and_a_missing_date_only_when_asked() {
    let book = book_with("[lint]\nscreenshot-max-age = \"365d\"\n");
    std::fs::create_dir_all(book.path().join("content/img")).unwrap();
    std::fs::write(book.path().join("content/img/a.png"), png(&screen(0))).unwrap();
    book.write(
        "content/g.yaml",
        "title: G\nsections:\n  - title: S\n    steps:\n      - text: Old\n        screenshots:\n          - src: img/a.png\n            alt: The sign-in dialog\n            captured: 2025-12-06\n      - text: New\n        screenshots:\n          - src: img/a.png\n            alt: The sign-in dialog\n            captured: 2025-12-07\n      - text: Undated\n        screenshots:\n          - src: img/a.png\n            alt: The sign-in dialog\n",
    );
    let r = lint(&book, &["--offline"]);
    assert_eq!(
        problems(&r.stdout),
        vec![("W025".into(), "content/g.yaml".into(), Some(9))],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("366 days ago"), "{}", r.stdout);
    book.write(
        "book.toml",
        "[book]\ntitle = \"Shots\"\n[lint]\nscreenshot-max-age = \"52w\"\n[lint.severity]\nW026 = \"warning\"\n",
    );
    let found = problems(&lint(&book, &["--offline"]).stdout);
    assert!(
        found.contains(&("W026".into(), "content/g.yaml".into(), Some(17))),
        "{found:?}"
    );
    // A bad maximum age is an error at its line in book.toml.
    book.write(
        "book.toml",
        "[book]\ntitle = \"Shots\"\n[lint]\nscreenshot-max-age = \"a year\"\n",
    );
    let r = run_with(book.path(), &["lint", "--offline"], &[TODAY]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("book.toml:4"), "{}", r.stderr);
}

#[test]
fn unused_local_images_are_reported_once_each() {
    let book = book_with("");
    std::fs::create_dir_all(book.path().join("content/img")).unwrap();
    for name in ["used.png", "unused.png", "inline.png", "other-profile.PNG"] {
        std::fs::write(book.path().join("content/img").join(name), png(&screen(0))).unwrap();
    }
    std::fs::write(book.path().join("content/img/notes.txt"), "not an image").unwrap();
    book.write(
        "content/g.yaml",
        "title: G\nsections:\n  - title: S\n    steps:\n      - text: \"See ![the dialog](img/inline.png)\"\n        screenshots:\n          - src: img/used.png\n            alt: The sign-in dialog\n          - src: img/other-profile.PNG\n            alt: The answers dialog\n            only: [instructor]\n",
    );
    book.write(
        "book.toml",
        "[book]\ntitle = \"Shots\"\n[profiles.instructor]\ntags = [\"instructor\"]\n",
    );
    let r = lint(&book, &["--offline"]);
    let found: Vec<_> = problems(&r.stdout)
        .into_iter()
        .filter(|p| p.0 == "L018")
        .collect();
    assert_eq!(
        found,
        vec![("L018".into(), "content/img/unused.png".into(), None)],
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn shots_lists_every_screenshot_with_a_source_as_shot_scraper_yaml() {
    let book = book_with("");
    std::fs::create_dir_all(book.path().join("content/img")).unwrap();
    for name in ["portal.png", "blade.jpg", "plain.png"] {
        std::fs::write(book.path().join("content/img").join(name), png(&screen(0))).unwrap();
    }
    book.write(
        "content/g.yaml",
        "title: G\nsections:\n  - title: S\n    steps:\n      - text: Open the portal\n        screenshots:\n          - src: img/portal.png\n            alt: The portal's home page\n            source: \"https://portal.azure.com/#home\"\n            selector: \"#main > .blade\"\n            width: 1280\n            captured: 2026-11-02\n          - src: img/plain.png\n            alt: No source\n        substeps:\n          - text: Create\n            screenshots:\n              - src: img/blade.jpg\n                alt: The create blade\n                source: \"https://portal.azure.com/#create/a:b?x=1&y=#2\"\n                selector: \"a[title='x: y # z']\"\n              - src: https://example.com/remote.png\n                alt: A remote one\n                source: https://example.com/page\n",
    );
    let parse = |text: &str| -> Vec<serde_json::Value> {
        serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let r = run_with(book.path(), &["shots"], &[TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = parse(&r.stdout);
    assert_eq!(
        list,
        vec![
            serde_json::json!({"url": "https://portal.azure.com/#home", "selector": "#main > .blade", "output": "content/img/portal.png", "width": 1280}),
            serde_json::json!({"url": "https://portal.azure.com/#create/a:b?x=1&y=#2", "selector": "a[title='x: y # z']", "output": "content/img/blade.jpg"}),
        ],
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("https://example.com/remote.png` has a `source` but is a URL"),
        "{}",
        r.stderr
    );

    // --out: outputs relative to the file's folder, where shot-scraper runs.
    std::fs::create_dir_all(book.path().join("shots")).unwrap();
    let r = run_with(
        book.path(),
        &["shots", "--out", "shots/shots.yml"],
        &[TODAY],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = book.read("shots/shots.yml");
    let list = parse(&written);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["output"], "../content/img/portal.png");
    assert!(
        r.stderr.contains("wrote 2 screenshots to shots/shots.yml"),
        "{}",
        r.stderr
    );

    // A book with errors: exit 2, the file left as it was.
    book.write("content/bad.yaml", "title: Bad\nsections: []\n");
    let r = run_with(
        book.path(),
        &["shots", "--out", "shots/shots.yml"],
        &[TODAY],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(book.read("shots/shots.yml"), written);
}
