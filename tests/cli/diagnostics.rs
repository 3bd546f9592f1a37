//! Every diagnostic, at its place, with its exact text (snapshots make wording changes
//! deliberate).

use crate::{Book, locations};

#[test]
fn model_problems_are_all_reported_at_their_place() {
    let book = Book::fixture("model-errors");
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let locs = locations(&r.stderr);
    let expect = [
        ("E009", "content/dup-b.yaml:2:5"),
        ("E008", "content/guide.yaml:2:5"),
        ("E007", "content/guide.yaml:3:11"),
        ("E002", "content/guide.yaml:4:1"),
        ("E003", "content/guide.yaml:5:16"),
        ("E006", "content/guide.yaml:7:11"),
        ("E004", "content/guide.yaml:9:5"),
        ("E007", "content/guide.yaml:15:15"),
        ("E003", "content/guide.yaml:16:19"),
        ("E009", "content/guide.yaml:18:13"),
        ("E002", "content/guide.yaml:19:9"),
        ("E009", "content/guide.yaml:20:12"),
        ("E005", "content/guide.yaml:21:12"),
        ("E004", "content/guide.yaml:22:5"),
    ];
    let got: Vec<(&str, &str)> = locs.iter().map(|(c, l)| (c.as_str(), l.as_str())).collect();
    assert_eq!(got, expect, "{}", r.stderr);
    insta::assert_snapshot!("model_errors", r.stderr);
}

#[test]
fn yaml_level_problems_never_panic() {
    let book = Book::fixture("yaml-errors");
    // A huge file is refused before it is parsed.
    let mut huge = String::from("title: Huge\nsections:\n");
    while huge.len() < 3 * 1024 * 1024 {
        huge.push_str("  - title: Section with a long title to fill the file quickly\n    steps: [{text: x}]\n");
    }
    book.write("content/huge.yaml", &huge);
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let codes: Vec<String> = r
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error["))
        .map(|l| l[..4].to_owned())
        .collect();
    assert_eq!(
        codes,
        ["E001", "E001", "E013", "E014", "E012", "E001"],
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    insta::assert_snapshot!("yaml_errors", r.stderr);
}

#[test]
fn screenshot_problems_and_untrusted_paths() {
    let book = Book::fixture("screenshots");
    // A symlink inside the book that leads out of it is refused like `../`.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/hostname", book.path().join("content/img/link.png"))
            .unwrap();
        let g = book.read("content/guide.yaml");
        book.write(
            "content/guide.yaml",
            &format!("{g}      - text: Symlink out\n        screenshots:\n          - src: img/link.png\n            alt: x\n"),
        );
    }
    let r = book.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        !book.path().join("book").exists(),
        "nothing is built on errors"
    );
    let locs = locations(&r.stderr);
    let got: Vec<(&str, &str)> = locs.iter().map(|(c, l)| (c.as_str(), l.as_str())).collect();
    assert_eq!(
        got,
        [
            ("W003", "content/guide.yaml:2:10"),
            ("E010", "content/guide.yaml:12:18"),
            ("W002", "content/guide.yaml:13:18"),
            ("E011", "content/guide.yaml:16:18"),
            ("E011", "content/guide.yaml:18:18"),
            ("W004", "content/guide.yaml:20:15"),
            ("W001", "content/guide.yaml:22:13"),
            ("E016", "content/guide.yaml:22:18"),
            ("E016", "content/guide.yaml:23:18"),
            ("E011", "content/guide.yaml:27:18"),
        ],
        "{}",
        r.stderr
    );
    insta::assert_snapshot!("screenshot_errors", r.stderr);
}

#[test]
fn warnings_pass_unless_denied() {
    let book = Book::fixture("screenshots");
    book.write(
        "content/guide.yaml",
        "title: Warnings only\nsections:\n  - title: S\n    steps:\n      - text: Look\n        screenshots:\n          - src: img/ok.png\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning[W001]: screenshot has no alt text"),
        "{}",
        r.stderr
    );
    assert!(book.path().join("book/html/index.html").exists());
    let r = book.run(&["build", "--deny-warnings", "--dest-dir", "strict"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!book.path().join("strict").exists());
    let r = book.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn config_problems_exit_3_with_suggestions() {
    let book = Book::fixture("config-errors");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    insta::assert_snapshot!("config_errors", r.stderr);
}

#[test]
fn missing_book_toml_names_init() {
    let dir = tempfile::tempdir().unwrap();
    let r = crate::run_in(dir.path(), &["build"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("no `book.toml` in `.`"), "{}", r.stderr);
    assert!(r.stderr.contains("stepbook init"), "{}", r.stderr);
    let r = crate::run_in(dir.path(), &["check", "no/such/dir"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("no/such/dir"), "{}", r.stderr);
}

#[test]
fn template_errors_point_into_the_template() {
    let book = Book::fixture("template-error");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[E020]"), "{}", r.stderr);
    assert!(r.stderr.contains("templates/guide.html:3:"), "{}", r.stderr);
    insta::assert_snapshot!("template_error", r.stderr);
}

#[test]
fn guide_ids_cannot_take_the_sites_own_folders() {
    let book = Book::bundled();
    book.write(
        "content/a.yaml",
        "title: T\nid: media\nsections:\n  - title: S\n    steps:\n      - text: x\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error[E008]: guide id `media` is reserved"),
        "{}",
        r.stderr
    );
    // A file named after one gets a different default id.
    std::fs::remove_file(book.path().join("content/a.yaml")).unwrap();
    book.write(
        "content/theme.yaml",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n",
    );
    assert_eq!(book.run(&["build"]).code, 0);
    assert!(
        book.path()
            .join("book/html/theme-guide/index.html")
            .exists()
    );
    assert!(book.path().join("book/html/theme/style.css").exists());
}

#[test]
fn a_misspelt_field_in_a_template_is_an_error_not_an_empty_string() {
    let book = Book::fixture("overrides");
    book.write(
        "templates/guide.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ guide.titel }}</h1>{% endblock content %}\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error[E020]: template error: Field `titel` is not defined"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--> templates/guide.html:2:33"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("title"),
        "the available fields are listed"
    );
}

/// #30: E010 suggested a file only when one of the same name was elsewhere in the book; a typo
/// in the name (`img/exmaple.png`) now gets the close name in the screenshot's folder (not
/// `other/exampel.png`, further and elsewhere), with its structured fix. A name that differs
/// only in digits is another screenshot of a numbered series, not a typo: no suggestion.
#[test]
fn a_missing_screenshot_gets_the_close_name() {
    let book = Book::fixture("lint-local");
    let png = std::fs::read(book.path().join("content/img/good.png")).unwrap();
    std::fs::write(book.path().join("content/img/example.png"), &png).unwrap();
    std::fs::create_dir_all(book.path().join("content/other")).unwrap();
    std::fs::write(book.path().join("content/other/exampel.png"), &png).unwrap();
    let shot = |src: &str| {
        format!(
            "      - text: Shot\n        screenshots:\n          - src: {src}\n            alt: A shot\n"
        )
    };
    book.write(
        "content/guide.yaml",
        &format!(
            "title: Typos\nsections:\n  - title: S\n    steps:\n{}{}",
            shot("img/exmaple.png"),
            shot("img/good2.png")
        ),
    );
    let r = book.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{}", r.stdout);
    assert_eq!(problems[0]["code"], "E010");
    assert_eq!(
        problems[0]["help"],
        "did you mean `img/example.png`? (paths are relative to the guide file)",
        "{}",
        r.stdout
    );
    assert_eq!(problems[0]["fix"]["replacement"], "img/example.png");
    assert_eq!(
        (
            problems[0]["fix"]["start"]["line"].as_u64(),
            problems[0]["fix"]["start"]["column"].as_u64()
        ),
        (Some(7), Some(18))
    );
    assert_eq!(problems[1]["code"], "E010");
    assert!(
        !problems[1]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean"),
        "{}",
        r.stdout
    );
}
