//! Variables and profiles: `{{ name }}` substituted in every output from book.toml, the guide,
//! the profile and `--set` (in that order of precedence), values shown as text, `only:` content
//! filtered before numbering, several profiles in one build. Fixture: `tests/fixtures/variables`.

use crate::{Book, locations};

/// Every file an output writes for the guide `event`, by output.
fn outputs(book: &Book, dir: &str) -> [(String, String); 4] {
    [
        "html/event/index.html",
        "markdown/event.md",
        "html/checklist/event.html",
        "html/checklist/event.md",
    ]
    .map(|f| (f.to_owned(), book.read(&format!("{dir}/{f}"))))
}

#[test]
fn values_reach_every_output_with_their_precedence() {
    let book = Book::fixture("variables");
    let r = book.run(&["build", "--profile", "attendee"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (file, text) in outputs(&book, "book") {
        assert!(!text.contains("{{ event"), "{file} still has a placeholder");
        assert!(text.contains("Join Azure Day"), "{file}: the book's value");
        if !file.starts_with("html/checklist/") {
            // The guide's `room` overrides the book's "the lobby".
            assert!(
                text.contains("Hall 3") && !text.contains("the lobby"),
                "{file}"
            );
        }
        assert!(
            text.contains("guest-net") && !text.contains("staff-net"),
            "{file}"
        );
    }
    // The profile overrides the book; --set overrides the profile.
    let r = book.run(&["build", "--profile", "instructor"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(book.read("book/markdown/event.md").contains("`staff-net`"));
    let r = book.run(&[
        "build",
        "--profile",
        "instructor",
        "--set",
        "event.wifi=override-net",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = book.read("book/markdown/event.md");
    assert!(
        md.contains("`override-net`") && !md.contains("staff-net"),
        "{md}"
    );
    // `check` takes --set too: a value for a placeholder nothing else defines.
    book.write(
        "content/extra.yaml",
        "title: X {{ only_on_cli }}\nsections:\n  - title: S\n    steps: [{text: T}]\n",
    );
    assert_eq!(book.run(&["check"]).code, 2);
    assert_eq!(book.run(&["check", "--set", "only_on_cli=here"]).code, 0);
}

#[test]
fn values_are_text_never_markup() {
    let book = Book::fixture("variables");
    let evil = "<script>alert(1)</script> [x](javascript:alert(1)) ![i](https://evil.example/x.png) **bold** # 1. -";
    let set = format!("event.name={evil}");
    let r = book.run(&["build", "--profile", "attendee", "--set", &set]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/event/index.html");
    assert!(!html.contains("<script>alert"), "no script element");
    assert!(!html.contains("href=\"javascript"), "no link");
    assert!(!html.contains("evil.example/x.png\""), "no image");
    assert!(!html.contains("<strong>bold"), "no emphasis");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))"),
        "shown as text"
    );
    // The Markdown output, read by any Markdown renderer, shows the same text.
    let md = book.read("book/markdown/event.md");
    let rendered = stepbook::markdown::to_html(&md);
    // (A bare https URL in a value may be linked by a Markdown renderer, as if typed.)
    assert!(
        !rendered.contains("href=\"javascript")
            && !rendered.contains("<img")
            && !rendered.contains("<strong>bold"),
        "{rendered}"
    );
    assert!(rendered.contains("Join &lt;script&gt;"), "{rendered}");
    // Inside code a value is written as it is; a backtick there is an error at the placeholder.
    let r = book.run(&["check", "--profile", "attendee", "--set", "event.wifi=a`b"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        locations(&r.stderr),
        [
            ("E022".to_string(), "content/event.yaml:2:22".to_string()),
            ("E022".into(), "content/event.yaml:16:27".into())
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn an_undefined_variable_is_an_error_at_its_placeholder() {
    let book = Book::fixture("variables");
    book.write(
        "content/typo.yaml",
        "title: Typo\nsections:\n  - title: S\n    steps:\n      - text: |-\n          Welcome to {{ evnt.name }}!\n          Ask {{nobody}} for help.\n",
    );
    let r = book.run(&["check", "--profile", "attendee"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    insta::assert_snapshot!("undefined_variable", r.stderr);
}

#[test]
fn literal_braces_stay_text() {
    let book = Book::fixture("variables");
    let r = book.run(&["build", "--profile", "attendee"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/event/index.html");
    assert!(
        html.contains("Templating reads {{ braces }}, and {{ not a name }} stays as it is."),
        "{html}"
    );
}

#[test]
fn profiles_filter_before_numbering_and_keep_anchors() {
    let book = Book::fixture("variables");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // [build] profiles: each profile in its own folder, in one run.
    let attendee = book.read("book/attendee/html/event/index.html");
    let instructor = book.read("book/instructor/html/event/index.html");
    assert!(
        !attendee.contains("Collect the printed promo codes")
            && !attendee.contains("Instructor setup")
    );
    assert!(
        instructor.contains("Collect the printed promo codes")
            && instructor.contains("Instructor setup")
    );
    // Numbers count what is shown; anchors stay where they were.
    assert!(attendee.contains("id=\"arrive-3\" data-number=\"2\""));
    let step_of = |html: &str, anchor: &str| {
        let at = html.find(&format!("id=\"{anchor}\"")).unwrap();
        let label = html[at..].find("data-number=\"").unwrap() + at + 13;
        html[label..label + html[label..].find('"').unwrap()].to_owned()
    };
    assert_eq!(step_of(&attendee, "arrive-3"), "2");
    assert_eq!(step_of(&instructor, "arrive-3"), "1.3");
    assert_eq!(step_of(&attendee, "arrive-3-c"), "2.b");
    assert_eq!(step_of(&instructor, "arrive-3-c"), "1.3.c");
    // Counts, waits and the checklist reflect what is shown.
    assert!(
        attendee.contains("3 steps") && attendee.contains("waits: 2\u{a0}min"),
        "{attendee}"
    );
    assert!(instructor.contains("5 steps") && instructor.contains("waits: 7\u{a0}min"));
    let checklist = book.read("book/attendee/html/checklist/event.md");
    assert!(
        checklist.contains("3 steps") && !checklist.contains("Ask the staff"),
        "{checklist}"
    );
}

#[test]
fn profile_problems_are_reported() {
    let book = Book::fixture("variables");
    // A profile the book does not declare: a configuration error with did you mean.
    let r = book.run(&["build", "--profile", "instructer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean `instructor`?"),
        "{}",
        r.stderr
    );
    // A tag no profile declares is a warning at the tag; a profile that leaves a section with
    // no steps is an error naming it.
    book.write(
        "content/tags.yaml",
        "title: Tags\nsections:\n  - title: Only tagged\n    steps:\n      - text: For staff.\n        only: [instrutor]\n",
    );
    let r = book.run(&["check", "--profile", "attendee"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        locations(&r.stderr),
        [
            ("E023".to_string(), "content/tags.yaml:3:12".to_string()),
            ("W013".into(), "content/tags.yaml:6:16".into())
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `instructor`?"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("profile `attendee` shows none of the steps of section `Only tagged`")
    );
}

#[test]
fn templates_see_the_variables() {
    let book = Book::fixture("variables");
    book.write(
        "templates/guide.md",
        "# {{ guide.title_md }}\n\nEvent: {{ variables.event.name }}, room {{ variables.room }}, profile {{ profile }}.\n",
    );
    let r = book.run(&["build", "--profile", "instructor"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        book.read("book/markdown/event.md").trim(),
        "# Join Azure Day\n\nEvent: Azure Day, room Hall 3, profile instructor."
    );
}

#[test]
#[cfg_attr(not(feature = "watch"), ignore = "needs the `watch` feature")]
fn bad_variable_and_profile_settings_are_config_errors_at_their_place() {
    let book = Book::fixture("variables");
    book.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n\n[variables]\n\"my var\" = \"x\"\nlist = [\"a\"]\n\n[profiles.Staff]\ntags = [\"Has Space\"]\n\n[build]\nprofiles = [\"staf\"]\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let got = locations(&r.stderr);
    for want in [
        ("E105", "book.toml:5:1"),
        ("E003", "book.toml:6:8"),
        ("E105", "book.toml:8:11"),
        ("E105", "book.toml:9:9"),
        ("E105", "book.toml:12:13"),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {}",
            r.stderr
        );
    }
    // watch and serve show one profile at a time.
    let book = Book::fixture("variables");
    let r = book.run(&["watch", "--profile", "attendee", "--profile", "instructor"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("one profile at a time"), "{}", r.stderr);
}
