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

/// The text between `open` and the next `</script>` in `html`.
fn script_body<'h>(html: &'h str, open: &str) -> &'h str {
    let start = html.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let len = html[start..].find("</script>").expect("script closed");
    &html[start..start + len]
}

#[test]
fn interface_strings_cannot_open_a_comment_that_swallows_the_page_scripts() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!(
            "{toml}\n[languages.de]\ntitle = \"T\"\n\n[languages.de.strings]\nsearch_nothing = \"<!--<script>\"\nsearch_step = \"a & b > c\"\n"
        ),
    );
    book.write(
        "content/azure-pass.de.yaml",
        &book.read("content/azure-pass.yaml"),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/de/azure-pass/index.html");
    let strings = script_body(&html, "id=\"stepbook-strings\">");
    // No character that means anything to the HTML parser inside the script element ...
    assert!(!strings.contains(['<', '>', '&']), "{strings}");
    // ... and still the same strings to the JSON parser.
    let v: serde_json::Value = serde_json::from_str(strings).unwrap();
    assert_eq!(v["search_nothing"], "<!--<script>");
    assert_eq!(v["search_step"], "a & b > c");
    // The search index, a script too, holds a title with the same characters safely.
    for f in [
        "search-index.js",
        "search_index/g0.js",
        "search_index/t0.js",
    ] {
        let index = book.read(&format!("book/html/de/{f}"));
        assert!(
            !index.contains("<!--") && !index.contains("<script"),
            "{index}"
        );
    }
}

/// What GitHub shows of `md` (cmark-gfm with raw HTML kept, as GitHub's renderer parses it
/// before its own sanitizer), or None when the Python binding cmarkgfm is not installed.
fn gfm_html(md: &str) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, cmarkgfm\nfrom cmarkgfm.cmark import Options\nsys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read(), options=Options.CMARK_OPT_UNSAFE))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(md.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_bare_url_running_into_a_code_span_shows_no_live_html_on_github() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!(
            "{toml}\n[variables]\npayload = \"https://v.example/`<img src=x onerror=alert(3)>`\"\n"
        ),
    );
    book.write(
        "content/gfm.yaml",
        "title: GFM\nsections:\n  - title: S\n    steps:\n      - text: \"Open https://x.example/`<img src=x onerror=alert(1)>` now\"\n      - text: \"Or www.x.example/`<img src=x onerror=alert(2)>`\"\n      - text: \"Via {{ payload }}\"\n      - text: \"Plain https://ok.example/ and `code`\"\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = book.read("book/markdown/gfm.md");
    let Some(html) = gfm_html(&md) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs cmarkgfm (pip)"
        );
        eprintln!("cmarkgfm not installed: skipped");
        return;
    };
    assert!(!html.contains("<img"), "{md}\n{html}");
    for n in 1..=2 {
        assert!(
            html.contains(&format!(
                "<code>&lt;img src=x onerror=alert({n})&gt;</code>"
            )),
            "{n}: {md}\n{html}"
        );
    }
    // A variable's value is text, and stays text.
    assert!(
        html.contains("&lt;img src=x onerror=alert(3)&gt;"),
        "{md}\n{html}"
    );
    // A URL followed by a space and code is left as written.
    assert!(md.contains("Plain https://ok.example/ and `code`"), "{md}");
}

#[test]
fn escape_sequences_in_flags_are_printed_escaped() {
    let book = Book::bundled();
    let unprintable = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    };
    let r = book.run(&["build", "--profile", "\u{1b}]0;PWNED\u{7}"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!unprintable(&r.stderr), "{:?}", r.stderr);
    assert!(r.stderr.contains("\\u{1b}]0;PWNED\\u{7}"), "{}", r.stderr);
    let r = book.run(&["build", "--dest-dir", "out\u{1b}[2J"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!unprintable(&r.stderr), "{:?}", r.stderr);
}

#[test]
fn base_url_with_a_fragment_query_or_credentials_is_refused_at_its_line() {
    for (url, why) in [
        (
            "https://x.example/a?q=1#frag",
            "would end up inside every link",
        ),
        ("https://user:pw@host/", "would be published in every page"),
    ] {
        let book = Book::bundled();
        let toml = book.read("book.toml").replace(
            "theme = \"default\"",
            &format!("theme = \"default\"\nbase-url = \"{url}\""),
        );
        book.write("book.toml", &toml);
        let r = book.run(&["build"]);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(r.stderr.contains("error[E006]"), "{}", r.stderr);
        assert!(r.stderr.contains("book.toml:18:"), "{}", r.stderr);
        assert!(r.stderr.contains(why), "{}", r.stderr);
        assert!(!book.path().join("book").exists());
    }
}

/// Noncharacters fail the Nu HTML Checker ("Forbidden code point") and make a JUnit report
/// ill-formed XML: they are E019, like control characters.
#[test]
fn unicode_noncharacters_are_an_error_at_their_place() {
    let book = Book::bundled();
    book.write(
        "content/nonchar.yaml",
        "title: \"Bad \\uFFFE title\"\nsections:\n  - title: \"S \\uFDD0\"\n    steps:\n      - text: \"ok \\U0010FFFF\"\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [
            ("E019".to_owned(), "content/nonchar.yaml:1:8".to_owned()),
            ("E019".to_owned(), "content/nonchar.yaml:3:12".to_owned()),
            ("E019".to_owned(), "content/nonchar.yaml:5:15".to_owned())
        ],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("noncharacter U+FFFE"), "{}", r.stderr);
    // Full-width forms (led by the same byte) are text.
    book.write(
        "content/nonchar.yaml",
        "title: \"全角，テキスト（１）\"\nsections:\n  - title: S\n    steps:\n      - text: ok\n",
    );
    assert_eq!(book.run(&["check"]).code, 0);
}

/// A profile name that cannot be one gets no TOML suggestion (`[profiles.../x]` was offered),
/// and the declared profiles are listed.
#[test]
fn an_unknown_profile_lists_the_declared_ones_and_suggests_no_bad_toml() {
    let book = crate::Book::fixture("variables");
    for bad in ["../x", "", "a/b"] {
        let r = book.run(&["build", "--profile", bad]);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(!r.stderr.contains("[profiles."), "{bad}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("the profiles book.toml declares: `attendee`, `instructor`"),
            "{bad}: {}",
            r.stderr
        );
    }
    let r = book.run(&["build", "--profile", "staff"]);
    assert!(
        r.stderr.contains("declare it as `[profiles.staff]`"),
        "{}",
        r.stderr
    );
}
