//! For events (#25): "Report a problem" links from `[output.html] feedback-url`, and the event
//! agenda.

use crate::{Book, locations};

/// The `href` of the first "Report a problem" link after `from` in `html`, as a browser reads
/// it (`&amp;` is `&`).
fn feedback_href(html: &str, from: &str) -> String {
    let at = html.find(from).unwrap_or_else(|| panic!("no {from}"));
    let rest = &html[at..];
    let link = rest.find("<p class=\"feedback").unwrap()
        + rest[rest.find("<p class=\"feedback").unwrap()..]
            .find("href=\"")
            .unwrap()
        + 6;
    let href = &rest[link..link + rest[link..].find('"').unwrap()];
    href.replace("&amp;", "&")
}

/// The query parameter `name` of `url`, decoded.
fn param(url: &str, name: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    let value = query
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {url}"));
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[test]
fn feedback_links_fill_and_encode_each_steps_address() {
    let book = Book::fixture("instructor");
    let toml = book.read("book.toml").replace(
        "[output.html]\n",
        "[output.html]\nbase-url = \"https://labs.example/x/\"\nfeedback-url = \"https://github.com/org/labs/issues/new?title={guide}%20step%20{step}%20{title}&body={url}&labels=lab,{lang}&a={anchor}\"\n",
    );
    book.write("book.toml", &toml);
    book.write(
        "content/q.yaml",
        "title: \"Q&A: 50% #1 / Übung?\"\nid: q-a\nsections:\n  - title: One\n    steps: [{text: a}]\n  - title: \"Two & more\"\n    steps:\n      - text: b\n      - text: c\n      - text: d\n        id: \"tea-time\"\n",
    );
    let r = book.run(&["build", "--profile", "attendee"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = book.read("book/html/q-a/index.html");
    let href = feedback_href(&page, "id=\"tea-time\"");
    assert_eq!(
        href,
        "https://github.com/org/labs/issues/new?title=q-a%20step%202.3%20Q%26A%3A%2050%25%20%231%20%2F%20%C3%9Cbung%3F&body=https%3A%2F%2Flabs.example%2Fx%2Fq-a%2F%23tea-time&labels=lab,en&a=tea-time"
    );
    // What the issue tracker receives.
    assert_eq!(param(&href, "title"), "q-a step 2.3 Q&A: 50% #1 / Übung?");
    assert_eq!(param(&href, "body"), "https://labs.example/x/q-a/#tea-time");
    assert!(
        page.contains(">Report a problem with this step</a>"),
        "{page}"
    );
    // The guide's own link, at its end: no step, the page's address.
    let guide = feedback_href(&page, "<p class=\"feedback feedback-guide");
    assert_eq!(param(&guide, "body"), "https://labs.example/x/q-a/");
    assert!(guide.contains("step%20%20Q%26A"), "{guide}");
    assert_eq!(
        page.matches("class=\"feedback\"").count(),
        4,
        "one per step"
    );
    // In a translation's page, its language.
    let de = book.read("book/html/de/lab/index.html");
    assert!(
        de.contains(">Problem mit diesem Schritt melden</a>"),
        "{de}"
    );
    assert_eq!(
        param(&feedback_href(&de, "class=\"step"), "labels"),
        "lab,de"
    );
    // Without feedback-url, no links.
    let book = Book::fixture("instructor");
    assert_eq!(book.run(&["build", "--profile", "attendee"]).code, 0);
    assert!(
        !book
            .read("book/html/lab/index.html")
            .contains("class=\"feedback")
    );
}

#[test]
fn an_unknown_feedback_placeholder_is_a_config_error_at_its_place() {
    let book = Book::fixture("instructor");
    let toml = book.read("book.toml").replace(
        "[output.html]\n",
        "[output.html]\nfeedback-url = \"https://x.example/new?t={gide}&b={url}\"\n",
    );
    book.write("book.toml", &toml);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let line = toml
        .lines()
        .position(|l| l.starts_with("feedback-url"))
        .unwrap()
        + 1;
    let col = "feedback-url = \"https://x.example/new?t={".len() + 1;
    assert_eq!(
        locations(&r.stderr),
        [("E006".to_owned(), format!("book.toml:{line}:{col}"))],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `guide`?"), "{}", r.stderr);
    assert!(!book.path().join("book").exists(), "nothing written");
}
