//! `stepbook lint` against a real HTTP server on 127.0.0.1 (images, 404s, redirects, an HTML page
//! where an image should be, a server that refuses HEAD, a 429 with Retry-After, one that never
//! answers), the cache, the output formats, and the local checks.

use crate::lint_server::TestServer;
use crate::{Book, locations};

fn lint_book(server: &TestServer) -> Book {
    let book = Book::fixture("screenshots");
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    let u = |p: &str| server.url(p);
    book.write(
        "content/remote.yaml",
        &format!(
            r#"title: Remote screenshots
summary: Read [the docs]({docs}) and [a missing page]({missing}).
sections:
  - title: Remote
    steps:
      - text: Good image
        screenshots:
          - src: {img}
            alt: A good image
      - text: Gone
        screenshots:
          - src: {missing}
            alt: A missing image
      - text: Moved
        screenshots:
          - src: {moved}
            alt: A moved image
      - text: A page, not an image
        screenshots:
          - src: {page}
            alt: A gallery page
      - text: Refuses HEAD
        screenshots:
          - src: {nohead}
            alt: An image behind a server without HEAD
      - text: Says it is an image, sends HTML
        screenshots:
          - src: {lying}
            alt: An image that is not
      - text: Busy at first
        screenshots:
          - src: {busy}
            alt: An image from a busy server
      - text: Never answers
        screenshots:
          - src: {slow}
            alt: An image from a dead server
      - text: Redirects forever
        screenshots:
          - src: {looping}
            alt: An image that loops
      - text: The same good image again, checked once
        screenshots:
          - src: {img}
            alt: The good image again
"#,
            docs = u("/docs"),
            missing = u("/missing.png"),
            img = u("/img.png"),
            moved = u("/moved.png"),
            page = u("/page.html"),
            nohead = u("/no-head.png"),
            lying = u("/lying.png"),
            busy = u("/busy.png"),
            slow = u("/slow.png"),
            looping = u("/loop.png"),
        ),
    );
    book
}

#[test]
fn each_remote_verdict_at_its_line_then_from_the_cache() {
    let server = TestServer::start();
    let book = lint_book(&server);
    let r = book.run(&["lint", "--timeout", "1", "--retries", "1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let got: Vec<(String, String)> = locations(&r.stderr);
    let got: Vec<(&str, &str)> = got.iter().map(|(c, l)| (c.as_str(), l.as_str())).collect();
    // The broken link's column depends on the port's digits: find it in the file.
    let text = book.read("content/remote.yaml");
    let line2 = text.lines().nth(1).unwrap();
    let col = line2.rfind(&server.url("/missing.png")).unwrap() + 1;
    let link_at = format!("content/remote.yaml:2:{col}");
    assert_eq!(
        got,
        [
            ("L005", link_at.as_str()),
            ("L001", "content/remote.yaml:12:18"),
            ("L003", "content/remote.yaml:16:18"),
            ("L002", "content/remote.yaml:20:18"),
            ("L002", "content/remote.yaml:28:18"),
            ("L004", "content/remote.yaml:36:18"),
            ("L006", "content/remote.yaml:40:18"),
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("use the final URL: `{}`", server.url("/img.png")))
    );
    assert!(r.stderr.contains("answers 404 (Not Found)"));
    assert!(r.stderr.contains("(text/html)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("image/png, but the body is not an image"),
        "{}",
        r.stderr
    );
    let hits = server.hits.lock().unwrap().clone();
    assert_eq!(
        hits["/img.png"], 2,
        "HEAD for /img.png once, then the redirect's target; {hits:?}"
    );
    assert_eq!(hits["/no-head.png"], 2, "HEAD refused, then GET");
    assert_eq!(
        hits["/busy.png"], 2,
        "429 with Retry-After, then the retry succeeds"
    );
    assert_eq!(hits["/slow.png"], 2, "timed out once, retried once");
    let first_run = server.total_hits();

    // Second run: good results come from the cache; failures are checked again.
    let r = book.run(&[
        "lint",
        "--timeout",
        "1",
        "--retries",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 2);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["summary"]["from_cache"], 5, "{}", report["summary"]);
    let again = server.total_hits() - first_run;
    assert_eq!(
        report["summary"]["requests"].as_u64().unwrap() as usize,
        again
    );
    let hits = server.hits.lock().unwrap().clone();
    assert_eq!(hits["/img.png"], 2, "cached: not asked again");
    assert_eq!(
        hits["/missing.png"], 2,
        "one check per run (link and screenshot share it); failures are not cached as success"
    );

    // --no-cache asks everything again.
    let before = server.total_hits();
    book.run(&[
        "lint",
        "--timeout",
        "1",
        "--retries",
        "0",
        "--no-cache",
        "--exclude",
        "*slow*",
    ]);
    assert!(server.hits.lock().unwrap()["/img.png"] > 2);
    assert!(server.total_hits() > before);
    assert_eq!(
        server.hits.lock().unwrap()["/slow.png"],
        3,
        "--exclude skips it (2 + 1 from the second run)"
    );
}

#[test]
fn a_clean_book_needs_no_requests_the_second_time() {
    let server = TestServer::start();
    let book = Book::fixture("screenshots");
    std::fs::remove_dir_all(book.path().join("content")).unwrap();
    let mut guide = String::from("title: Clean\nsections:\n  - title: S\n    steps:\n");
    for i in 0..20 {
        guide.push_str(&format!(
            "      - text: Step {i}, see {}\n        screenshots:\n          - src: {}\n            alt: Image {i}\n",
            server.url("/docs"),
            server.url(&format!("/img-{i}.png"))
        ));
    }
    book.write("content/clean.yaml", &guide);
    let r = book.run(&["lint"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("(21 URLs: 0 from the cache, 21 requests)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        server.total_hits(),
        21,
        "each URL checked once however often it is used"
    );
    let r = book.run(&["lint"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("(21 URLs: 21 from the cache, 0 requests)"),
        "{}",
        r.stderr
    );
    assert_eq!(server.total_hits(), 21, "zero requests");
}

#[test]
fn offline_checks_everything_local_and_no_url() {
    let server = TestServer::start();
    let book = lint_book(&server);
    let r = book.run(&["lint", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.total_hits(), 0);
    assert!(r.stderr.contains("not checked: --offline"), "{}", r.stderr);

    let book = Book::fixture("lint-local");
    let r = book.run(&["lint", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    insta::assert_snapshot!("lint_local", r.stderr);
}

/// With no network (every address refuses), lint says once that `--offline` exists; one host
/// down among others that answer is not that.
#[test]
fn without_a_network_lint_points_to_offline() {
    let server = TestServer::start();
    let book = lint_book(&server);
    let text = book.read("content/remote.yaml");
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    let down = text.replace(&server.url(""), "http://127.0.0.1:1");
    assert_ne!(down, text);
    book.write("content/remote.yaml", &down);
    let r = book.run(&["lint", "--timeout", "1", "--retries", "0"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("lint --offline").count(),
        1,
        "{}",
        r.stderr
    );
    book.write("content/remote.yaml", &text);
    let r = book.run(&["lint", "--timeout", "1", "--retries", "0"]);
    assert!(!r.stderr.contains("lint --offline"), "{}", r.stderr);
}

#[test]
fn machine_formats() {
    let book = Book::fixture("lint-local");
    let r = book.run(&["lint", "--offline", "--format", "json"]);
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 3);
    assert_eq!(v["summary"]["warnings"], 3);
    let p = &v["problems"][0];
    assert_eq!(p["code"], "L015");
    assert_eq!(p["file"], "content/guide.yaml");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(6), Some(93))
    );
    assert_eq!(p["severity"], "error");

    let r = book.run(&["lint", "--offline", "--format", "github"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("::error file=content/guide.yaml,line=24,col=18,title=stepbook E010::screenshot `img/moved.png` not found%0Ahelp: did you mean `../Media/moved.png`?")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("::warning file=content/guide.yaml,line=20,col=18,title=stepbook L013::")
    );

    let r = book.run(&["lint", "--offline", "--format", "junit"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ")
    );
    assert!(
        r.stdout
            .contains("<testsuite name=\"stepbook lint\" tests=\"6\" failures=\"3\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("<failure type=\"L010\""));
}

#[test]
fn severity_can_be_configured() {
    let book = Book::fixture("lint-local");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}[lint.severity]\nL010 = \"warning\"\nL015 = \"off\"\nE010 = \"warning\"\nL014 = \"error\"\n"),
    );
    let r = book.run(&["lint", "--offline", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["summary"]["errors"], 1,
        "only L014 is an error now: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("L015"));
    assert_eq!(r.code, 2);
    book.write("book.toml", &format!("{toml}[lint]\nconcurency = 3\n"));
    let r = book.run(&["lint"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

/// Every time setting takes seconds or a duration (`timeout = "5s"` was "expected an integer"
/// while `cache-max-age = "24h"` took one), and a bad one is an error at its line.
#[test]
fn time_settings_take_seconds_or_durations() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[lint]\ntimeout = \"5s\"\nconnect-timeout = 2\ncache-max-age = 3600\n"),
    );
    let r = book.run(&["lint", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    book.write(
        "book.toml",
        &format!("{toml}\n[lint]\ntimeout = \"5 parsecs\"\n"),
    );
    let r = book.run(&["lint", "--offline"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let line = toml.lines().count() + 3;
    assert!(
        r.stderr.contains(&format!("book.toml:{line}:")),
        "{line}: {}",
        r.stderr
    );
}

/// JUnit for CI (#30): one test case per problem (GitLab and Jenkins show one result per case),
/// warnings as skipped cases, a passing case per clean guide, the suite named after the command,
/// and the document valid against Jenkins's JUnit schema (tests/junit-10.xsd) by `xmllint`.
#[test]
fn junit_has_a_case_per_problem_and_passes_the_schema() {
    let book = Book::fixture("lint-local");
    let alt_less = "      - text: No alt\n        screenshots:\n          - src: img/good.png\n";
    book.write(
        "content/warned.yaml",
        &format!("title: Warned <&>\nsections:\n  - title: S\n    steps:\n{alt_less}{alt_less}"),
    );
    book.write(
        "content/clean.yaml",
        "title: Clean\nsections:\n  - title: S\n    steps:\n      - text: Fine\n",
    );
    let xsd = crate::repo().join("tests/junit-10.xsd");
    for (command, args) in [
        ("check", &["check"][..]),
        ("lint", &["lint", "--offline"][..]),
    ] {
        let r = book.run(&[args, &["--format", "junit"]].concat());
        assert_eq!(r.code, 2, "{}", r.stderr);
        let json = book.run(&[args, &["--format", "json"]].concat());
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let (errors, warnings) = (
            v["summary"]["errors"].as_u64().unwrap() as usize,
            v["summary"]["warnings"].as_u64().unwrap() as usize,
        );
        assert!(errors >= 1 && warnings >= 2, "{command}: {}", json.stdout);
        let doc = &r.stdout;
        assert!(
            doc.contains(&format!(
                "<testsuite name=\"stepbook {command}\" tests=\"{}\" failures=\"{errors}\" errors=\"0\" skipped=\"{warnings}\">",
                errors + warnings + 1
            )),
            "{command}: {doc}"
        );
        let cases: Vec<&str> = doc.split("<testcase ").skip(1).collect();
        assert_eq!(cases.len(), errors + warnings + 1, "{command}: {doc}");
        for case in &cases {
            let results = case.matches("<failure ").count() + case.matches("<skipped ").count();
            assert!(results <= 1, "{command}: one result per case: {case}");
        }
        assert_eq!(doc.matches("<failure ").count(), errors, "{command}: {doc}");
        assert_eq!(
            doc.matches("<skipped ").count(),
            warnings,
            "{command}: {doc}"
        );
        assert!(
            doc.contains("<testcase classname=\"content/clean.yaml\" name=\"no problems\"/>"),
            "{command}: {doc}"
        );
        assert!(
            doc.contains("<skipped message=\"warning W001: "),
            "{command}: {doc}"
        );

        // With --deny-warnings the warnings fail the run: failures, not skipped.
        let denied = book.run(&[args, &["--format", "junit", "--deny-warnings"]].concat());
        assert_eq!(
            denied.stdout.matches("<failure ").count(),
            errors + warnings,
            "{command}: {}",
            denied.stdout
        );
        assert!(!denied.stdout.contains("<skipped"), "{}", denied.stdout);

        let file = book.path().join(format!("{command}.xml"));
        std::fs::write(&file, doc).unwrap();
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&xsd)
            .arg(&file)
            .output()
            .expect("xmllint (libxml2-utils) is needed: .ci/run installs it");
        assert!(
            out.status.success(),
            "{command}: not valid JUnit: {}\n{doc}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
