//! Marks over screenshots: coordinates that are negative, not numbers, infinite, huge or
//! inverted, and 10,000 marks on one image: each a diagnostic at its line, in bounded time,
//! and the previous output left in place.

use std::time::{Duration, Instant};

use crate::Book;

fn book_with(marks: &str) -> Book {
    let book = Book {
        dir: tempfile::tempdir().unwrap(),
    };
    book.write("book.toml", "[book]\ntitle = \"T\"\n[output.html]\n");
    crate::marks::grey_png(&book.path().join("content/shot.png"));
    book.write(
        "content/g.yaml",
        &format!(
            "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - src: shot.png\n            alt: A picture\n            marks:\n{marks}"
        ),
    );
    book
}

#[test]
fn bad_coordinates_are_each_an_error_at_their_line() {
    let marks = "              - box: [-10, 0, 5, 5]\n              - box: [.nan, 0, 5, 5]\n              - arrow: [0, 0, .inf, 5]\n              - highlight: [1e308, 0, 5, 5]\n              - box: [100, 100, -50, 20]\n              - box: [1, 2, 3]\n              - callout: 100\n                at: [1, 1]\n              - callout: 1\n                at: [99999, 1]\n";
    let book = book_with(marks);
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<String> = crate::locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "E030")
        .map(|(_, at)| at.split(':').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(
        lines,
        ["10", "11", "12", "13", "14", "15", "16", "19"],
        "{}",
        r.stderr
    );
    for said in [
        "-10 is negative",
        "not a number",
        "inf is too large",
        "is too large",
        "-50 is negative",
        "needs 4 numbers",
        "callout number 100 is not from 1 to 99",
        "this callout is outside the image, which is 800×600 pixels",
    ] {
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn ten_thousand_marks_on_one_image_are_one_error_in_bounded_time() {
    let book = book_with("              - box: [1, 1, 10, 10]\n");
    assert_eq!(book.run(&["build"]).code, 0);
    let before = book.read("book/html/g/index.html");
    let many = "              - box: [1, 1, 10, 10]\n".repeat(10_000);
    let book2 = book_with(&many);
    std::fs::copy(
        book2.path().join("content/g.yaml"),
        book.path().join("content/g.yaml"),
    )
    .unwrap();
    let start = Instant::now();
    let r = book.run(&["build"]);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let e030: Vec<(String, String)> = crate::locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "E030")
        .collect();
    assert_eq!(e030.len(), 1, "{}", r.stderr);
    // At the first mark past the cap (line 10 is the first mark).
    assert!(e030[0].1.starts_with("content/g.yaml:210:"), "{e030:?}");
    assert!(
        r.stderr
            .contains("10000 marks on one image: at most 200 are drawn")
    );
    assert_eq!(book.read("book/html/g/index.html"), before);
}
