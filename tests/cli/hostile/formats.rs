//! Machine formats (json, github, junit) of many problems: each problem is placed from its
//! file's line index, so 40,000 problems take seconds, not minutes (a scan from the start of
//! the file for each was quadratic: 19 s in a release build, minutes in a debug one).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Book;

/// A book whose one guide has `n` steps, each with a placeholder that has no value (E021).
pub(crate) fn book_with_problems(n: usize) -> Book {
    let book = Book::bundled();
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    let mut guide = String::from("title: Many\nsections:\n  - title: S\n    steps:\n");
    for i in 0..n {
        guide.push_str(&format!(
            "      - text: \"Use {{{{ nope{} }}}} here\"\n",
            i % 7
        ));
    }
    book.write("content/many.yaml", &guide);
    book
}

/// `stepbook ARGS` in `book`, stopped after 60 s (a hang or a quadratic run fails the test):
/// its stdout.
fn run_bounded(book: &Book, args: &[&str]) -> String {
    let out = book.path().join("out.txt");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("stepbook"))
        .args(args)
        .current_dir(book.path())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`stepbook {}` took more than 60 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn machine_formats_of_40000_problems_finish_in_seconds() {
    let n = 40_000;
    let book = book_with_problems(n);
    let json: serde_json::Value =
        serde_json::from_str(&run_bounded(&book, &["check", "--format", "json"])).unwrap();
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), n);
    // Step i is on line 5 + i; its placeholder at column 20.
    for (i, p) in problems.iter().enumerate().step_by(997) {
        assert_eq!(p["code"], "E021");
        assert_eq!(
            (p["line"].as_u64(), p["column"].as_u64()),
            (Some(5 + i as u64), Some(20))
        );
    }
    let github = run_bounded(&book, &["lint", "--offline", "--format", "github"]);
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::error ")).count(),
        n
    );
    assert!(
        github.contains(&format!(",line={},col=20,", 4 + n)),
        "the last one placed"
    );
    let junit = run_bounded(&book, &["check", "--format", "junit"]);
    assert_eq!(junit.matches("<failure ").count(), n);
}
