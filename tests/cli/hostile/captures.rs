//! Hostile capture records (`captured`, `source`, `selector`, `width` on a screenshot): each bad
//! value is an error at its own line, in bounded time, with today pinned by `STEPBOOK_TODAY`.

use crate::{Book, locations, run_with};

const TODAY: (&str, &str) = ("STEPBOOK_TODAY", "2026-12-07");

fn guide_with(shots: &[&str]) -> String {
    let mut g = String::from(
        "title: Captures\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n",
    );
    for s in shots {
        g.push_str(&format!(
            "          - src: img/ok.png\n            alt: A red square\n            {s}\n"
        ));
    }
    g
}

#[test]
fn bad_sources_and_dates_are_errors_at_their_lines() {
    let book = Book::fixture("screenshots");
    let bad = [
        "source: \"javascript:alert(1)\"",
        "source: file:///etc/passwd",
        "source: \"data:text/html,<script>x</script>\"",
        "captured: 2026-12-08",
        "captured: 2024-13-45",
        "captured: yesterday",
        "captured: 2023-02-29",
        "selector: \"\"",
        "width: -5",
    ];
    book.write("content/guide.yaml", &guide_with(&bad));
    let r = run_with(book.path(), &["check"], &[TODAY]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let found: Vec<(String, String)> = locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "E031")
        .collect();
    let lines: Vec<String> = (0..bad.len())
        .map(|i| format!("content/guide.yaml:{}:", 9 + 3 * i))
        .collect();
    assert_eq!(found.len(), bad.len(), "{}", r.stderr);
    for (l, (_, at)) in lines.iter().zip(&found) {
        assert!(at.starts_with(l), "{at} is not at {l}\n{}", r.stderr);
    }
    assert!(
        r.stderr.contains("`captured` 2026-12-08 is in the future"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("today is 2026-12-07"), "{}", r.stderr);

    // The same day as today, and a real address, are fine.
    let good = [
        "captured: 2026-12-07",
        "source: https://portal.azure.com/#create/x",
        "width: 1280",
    ];
    book.write("content/guide.yaml", &guide_with(&good));
    let r = run_with(book.path(), &["check"], &[TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn ten_thousand_capture_records_are_checked_in_bounded_time() {
    let book = Book::fixture("screenshots");
    let shots: Vec<&str> = std::iter::repeat_n("captured: not-a-day", 10_000).collect();
    book.write("content/guide.yaml", &guide_with(&shots));
    let start = std::time::Instant::now();
    let r = run_with(book.path(), &["check", "--format", "json"], &[TODAY]);
    assert_eq!(r.code, 2);
    assert!(start.elapsed().as_secs() < 60, "a hang");
    assert_eq!(r.stdout.matches("\"E031\"").count(), 10_000);
}

/// A remote screenshot larger than `max-image-bytes` is not read past the limit nor
/// fingerprinted: a warning at its line says so.
#[test]
fn a_huge_remote_screenshot_is_not_fingerprinted() {
    let files = crate::shots::Files::start();
    files.put("big.png", &crate::shots::png(&crate::shots::screen(0)));
    let book = Book::fixture("screenshots");
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    book.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n[lint]\nmax-image-bytes = 1000\n[lint.severity]\nL017 = \"warning\"\n",
    );
    book.write(
        "content/g.yaml",
        &format!(
            "title: G\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - src: {}/big.png\n            alt: The big dialog\n            captured: 2026-11-02\n",
            files.url
        ),
    );
    let r = run_with(book.path(), &["lint"], &[TODAY]);
    assert!(
        locations(&r.stderr).contains(&("L011".into(), "content/g.yaml:7:18".into())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not fingerprinted"), "{}", r.stderr);
    let cache = book.read(".stepbook-cache/links.json");
    assert!(!cache.contains("\"shots\""), "{cache}");
}

/// 3,000 screenshots, each its own file, compared for near-duplicates (4.5 million pairs):
/// bounded time, and distinct pictures are not reported.
#[test]
fn three_thousand_screenshots_are_compared_in_bounded_time() {
    let book = Book::fixture("screenshots");
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    book.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n[lint.severity]\nL017 = \"warning\"\n",
    );
    std::fs::create_dir_all(book.path().join("content/img")).unwrap();
    let mut guide = String::from("title: G\nsections:\n  - title: S\n    steps:\n");
    for i in 0..3000u32 {
        // Each picture its own pattern of bars (the bits of i), so none look alike.
        let img = image::RgbImage::from_fn(48, 32, |x, _| {
            let on = (i.wrapping_mul(2_654_435_761) >> (x / 2 % 24)) & 1 == 1;
            if on {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        img.save(book.path().join(format!("content/img/{i}.png")))
            .unwrap();
        guide.push_str(&format!(
            "      - text: Step {i}\n        screenshots:\n          - src: img/{i}.png\n            alt: Bars number {i}\n"
        ));
    }
    book.write("content/g.yaml", &guide);
    let start = std::time::Instant::now();
    let r = run_with(
        book.path(),
        &["lint", "--offline", "--format", "json"],
        &[TODAY],
    );
    assert!(start.elapsed().as_secs() < 60, "a hang");
    assert!(r.stdout.contains("\"local_images\": 3000"), "{}", r.stdout);
}
