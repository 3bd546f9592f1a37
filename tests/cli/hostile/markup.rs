//! No live markup or control characters in any output: the Markdown files GitHub renders are as
//! safe as the HTML, and the terminal and the machine formats get no raw escape sequences.

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::Book;

/// Every trick that once left live HTML or a `javascript:` link in the Markdown outputs.
const HOSTILE: &str = r#"title: "Hostile &lt;script&gt;alert(1)&lt;/script&gt;"
audience: "<script>alert('audience')</script> [x](javascript:alert(1))"
summary: |
  Nested <<script>script>alert(1)<</script>/script> and <scr<script>ipt>alert(2)</script>.

  [entity](javascript&#58;alert(3)) [decimal](&#106;avascript:alert(4)) [escaped](javascript\:alert(5))

  [ref][r] and <javascript:alert(6)>

  [r]: javascript:alert(7)
sections:
  - title: "<img src=x onerror=alert(8)>"
    steps:
      - text: "Type `<script>` then &lt;script&gt; then \\<script\\>"
        check: "&lt;script&gt; \\<script\\> `<script>` <b onclick=x>bold</b> [l](javascript:alert(9))"
      - text: "<details open ontoggle=alert(10)>x</details>"
"#;

/// The raw HTML and unsafe link targets a CommonMark renderer (as GitHub's) would see.
fn live_markup(md: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in Parser::new_ext(md, Options::all()) {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => found.push(format!("html: {h}")),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let url = dest_url.to_ascii_lowercase();
                let scheme = url.split(':').next().unwrap_or("");
                if url.contains(':') && !matches!(scheme, "http" | "https" | "mailto" | "tel") {
                    found.push(format!("url: {dest_url}"));
                }
            }
            _ => {}
        }
    }
    found
}

#[test]
fn markdown_outputs_hold_no_live_html_and_no_script_links() {
    let book = Book::bundled();
    book.write("content/hostile.yaml", HOSTILE);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for file in ["book/markdown/hostile.md", "book/html/checklist/hostile.md"] {
        let md = book.read(file);
        assert_eq!(live_markup(&md), Vec::<String>::new(), "{file}:\n{md}");
        assert!(
            md.contains("[entity](#)") || file.contains("checklist"),
            "{md}"
        );
    }
    // What was text stays readable as text.
    let checklist = book.read("book/html/checklist/hostile.md");
    assert!(checklist.contains(r"\<script\>"), "{checklist}");
    let guide = book.read("book/markdown/hostile.md");
    assert!(guide.contains("**Audience:** \\<script\\>"), "{guide}");
    // The HTML was already safe; it stays so.
    let html = book.read("book/html/hostile/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        !html.to_ascii_lowercase().contains("href=\"javascript:"),
        "{html}"
    );
}

#[test]
fn control_characters_in_text_are_an_error_at_their_place() {
    let book = Book::bundled();
    book.write(
        "content/ctl.yaml",
        "title: \"Bad\\0title\"\nsections:\n  - title: \"Esc \\e[31mred\"\n    steps:\n      - text: ok\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let locs = crate::locations(&r.stderr);
    assert_eq!(
        locs,
        [
            ("E019".to_owned(), "content/ctl.yaml:1:8".to_owned()),
            ("E019".to_owned(), "content/ctl.yaml:3:12".to_owned())
        ],
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\u{1b}'),
        "no raw ESC reaches the terminal"
    );
}

#[test]
fn base_url_must_be_a_path_or_a_web_address() {
    let book = Book::bundled();
    let toml = book.read("book.toml").replace(
        "theme = \"default\"",
        "theme = \"default\"\nbase-url = \"javascript:alert(1)//\"",
    );
    book.write("book.toml", &toml);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("error[E006]"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn escape_sequences_in_names_and_values_never_reach_the_terminal_or_reports() {
    let book = Book::bundled();
    let name = "content/\u{1b}[2J\u{1b}[31mred\u{7}.yaml";
    book.write(
        name,
        "title: Red\nsections:\n  - title: S\n    steps:\n      - text: ok\n        wait: \"5 \\e[5m minutes\"\n",
    );
    let unprintable = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    };
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[E007]"), "{}", r.stderr);
    assert!(r.stderr.contains("\\u{1b}[31mred"), "{}", r.stderr);
    assert!(!unprintable(&r.stderr), "{:?}", r.stderr);
    for format in ["human", "github", "junit", "json"] {
        let r = book.run(&["lint", "--offline", "--format", format]);
        assert_eq!(r.code, 2, "{format}: {}", r.stderr);
        assert!(!unprintable(&r.stdout), "{format}: {:?}", r.stdout);
        assert!(!unprintable(&r.stderr), "{format}: {:?}", r.stderr);
    }
}

#[test]
fn a_tab_in_the_indentation_is_reported_at_the_tab() {
    let book = Book::bundled();
    book.write(
        "content/tab.yaml",
        "title: T\nsections:\n  - title: S\n\tsteps:\n      - text: x\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E001".to_owned(), "content/tab.yaml:4:1".to_owned())]
    );
    assert!(
        r.stderr.contains("replace the tab with spaces"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_space_in_a_screenshot_url_is_named_as_the_problem() {
    let book = Book::bundled();
    book.write(
        "content/space.yaml",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - src: https://example.com/my shot.png\n            alt: A shot\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("a URL cannot hold spaces"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("%20"), "{}", r.stderr);
    assert!(!r.stderr.contains("is not allowed"), "{}", r.stderr);
}
