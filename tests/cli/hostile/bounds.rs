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
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
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

/// A guide whose one step has `n` substeps.
fn substeps_guide(n: usize) -> String {
    let mut g = String::from(
        "title: Many\nsections:\n  - title: S\n    steps:\n      - text: Parent\n        substeps:\n",
    );
    for i in 0..n {
        g.push_str(&format!("          - text: Sub {i}\n"));
    }
    g
}

/// A guide whose substeps nest `depth` levels deep.
fn nested_guide(depth: usize) -> String {
    let mut g = String::from("title: Deep\nsections:\n  - title: S\n    steps:\n");
    let mut indent = 6;
    g.push_str(&format!("{}- text: Level 0\n", " ".repeat(indent)));
    for level in 1..=depth {
        g.push_str(&format!("{}substeps:\n", " ".repeat(indent + 2)));
        indent += 4;
        g.push_str(&format!("{}- text: Level {level}\n", " ".repeat(indent)));
    }
    g
}

#[test]
fn hundreds_of_substeps_get_letters_and_never_panic() {
    let book = Book::bundled();
    book.write("content/many.yaml", &substeps_guide(703));
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/many/index.html");
    assert!(html.contains("id=\"s-1-zz\""), "the 702nd substep is 1.zz");
    assert!(
        html.contains("id=\"s-1-aaa\""),
        "the 703rd substep is 1.aaa"
    );
}

#[test]
fn substeps_nested_too_deep_are_an_error_in_check_not_a_template_failure() {
    let book = Book::bundled();
    book.write(
        "content/deep.yaml",
        &nested_guide(stepbook::validate::MAX_SUBSTEP_DEPTH),
    );
    let r = book.run(&["build"]);
    assert_eq!(
        r.code, 0,
        "the deepest allowed nesting renders: {}",
        r.stderr
    );
    book.write("content/deep.yaml", &nested_guide(22));
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let locs = crate::locations(&r.stderr);
    assert_eq!(locs.len(), 1, "{}", r.stderr);
    assert_eq!(locs[0].0, "E018");
    assert!(!r.stderr.contains("E020"), "{}", r.stderr);
}

#[test]
fn an_alias_bomb_of_text_is_refused_at_its_place() {
    let book = Book::bundled();
    let mut g = format!(
        "title: Bomb\nsummary: &a {}\nsections:\n  - title: S\n    steps:\n",
        "x".repeat(1 << 20)
    );
    for _ in 0..20 {
        g.push_str("      - text: *a\n");
    }
    book.write("content/bomb.yaml", &g);
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("more text than a guide may have"),
        "{}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
}

#[test]
fn thousands_of_problems_in_one_file_are_counted_not_all_printed() {
    let book = Book::bundled();
    let mut g =
        String::from("title: Noisy\nsections:\n  - title: S\n    steps:\n      - text: x\n");
    for i in 0..20_000 {
        g.push_str(&format!("        unknown{i}: 1\n"));
    }
    book.write("content/noisy.yaml", &g);
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2);
    let shown = r.stderr.matches("error[E002]").count();
    assert_eq!(
        shown,
        stepbook::diag::MAX_SHOWN_PER_FILE,
        "{}",
        &r.stderr[..2000]
    );
    assert!(
        r.stderr.contains(&format!(
            "note: {} more problems in `content/noisy.yaml` are not shown",
            20_000 - stepbook::diag::MAX_SHOWN_PER_FILE
        )),
        "{}",
        &r.stderr[r.stderr.len() - 500..]
    );
    assert!(r.stderr.trim_end().ends_with("found 20000 errors"));
}

#[test]
fn many_bare_urls_in_one_field_are_all_found() {
    let book = Book::bundled();
    let urls: Vec<String> = (0..40_000)
        .map(|i| format!("https://e{i}.example/p"))
        .collect();
    book.write(
        "content/urls.yaml",
        &format!(
            "title: Links\nsections:\n  - title: S\n    steps:\n      - text: \"see http://a.example/x then {}\"\n",
            urls.join(" ")
        ),
    );
    let r = book.run(&["lint", "--offline", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["summary"]["links"],
        40_001 + 2,
        "the bundled guide has 2 links"
    );
}

#[test]
fn a_variable_name_of_twenty_thousand_parts_is_refused_not_a_stack_overflow() {
    let book = Book::bundled();
    let name = vec!["a"; 20_000].join(".");
    book.write(
        "content/deep.yaml",
        &format!("title: Deep\nvariables:\n  ? {name}\n  : x\nsections:\n  - title: S\n    steps:\n      - text: \"{{{{ {name} }}}}\"\n"),
    );
    for cmd in ["check", "build"] {
        let r = book.run(&[cmd]);
        assert_eq!(
            r.code,
            2,
            "{cmd}: {}",
            &r.stderr[..r.stderr.len().min(2000)]
        );
        assert!(r.stderr.contains("error[E105]"), "{cmd}");
        assert!(r.stderr.contains("content/deep.yaml:3:5"), "{cmd}");
        assert!(r.stderr.contains("at most 16 parts"), "{cmd}");
    }
    std::fs::remove_file(book.path().join("content/deep.yaml")).unwrap();
    let r = book.run(&["build", "--set", &format!("{name}=x")]);
    assert_eq!(r.code, 2, "{}", &r.stderr[..r.stderr.len().min(2000)]);
    assert!(r.stderr.contains("is not a variable name"));
    assert!(!r.stderr.contains("overflow"));
}

#[test]
fn variables_cannot_expand_a_guide_past_sixteen_mib() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[variables]\nbig = \"{}\"\n", "x".repeat(500_000)),
    );
    let steps: String = (0..2_000)
        .map(|i| format!("      - text: \"{i} {{{{ big }}}}\"\n"))
        .collect();
    book.write(
        "content/big.yaml",
        &format!("title: Big\nsections:\n  - title: S\n    steps:\n{steps}"),
    );
    let start = Instant::now();
    for cmd in ["check", "build"] {
        let r = book.run(&[cmd]);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        // 33 values of 500,000 bytes fit in 16 MiB; the 34th placeholder is the first past it.
        assert_eq!(
            crate::locations(&r.stderr),
            [("E027".to_owned(), "content/big.yaml:38:19".to_owned())],
            "{cmd}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("larger than 16 MiB"), "{}", r.stderr);
    }
    assert!(start.elapsed() < Duration::from_secs(60));
    assert!(!book.path().join("book/html/big").exists());
}
