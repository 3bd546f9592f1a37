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

/// A guide of one step, taking `duration`.
fn guide_taking(id: &str, duration: &str) -> String {
    format!(
        "title: Guide {id}\nid: {id}\nduration: {duration}\nsections:\n  - title: S\n    steps:\n      - text: Do it.\n"
    )
}

/// `HH:MM` as minutes.
fn minutes(t: &str) -> u64 {
    let (h, m) = t.split_once(':').unwrap();
    h.parse::<u64>().unwrap() * 60 + m.parse::<u64>().unwrap()
}

/// The bundled book with three more guides and an agenda of them and a break; `extra` is
/// added to book.toml.
fn agenda_book(extra: &str) -> Book {
    let book = Book::bundled();
    let toml = format!("{}{extra}", book.read("book.toml"));
    book.write(
        "book.toml",
        &format!("{toml}\n[output.agenda]\nstart = \"09:00\"\nend = \"10:30\"\nitems = [\n  {{ guide = \"azure-pass\" }},\n  {{ title = \"Coffee\", length = \"20m\" }},\n  {{ guide = \"b\" }},\n  {{ guide = \"c\", length = \"25m\" }},\n  {{ guide = \"d\" }},\n]\n"),
    );
    book.write("content/b.yaml", &guide_taking("b", "1h"));
    book.write("content/c.yaml", &guide_taking("c", "30m"));
    // No duration: 2 min a step plus its waits (one step, a wait of up to 5 min).
    book.write(
        "content/d.yaml",
        "title: Guide d\nid: d\nsections:\n  - title: S\n    steps:\n      - text: Do it.\n        wait: 5m\n",
    );
    book
}

#[test]
fn the_event_agenda_times_each_item_after_the_one_before() {
    let book = agenda_book("");
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/agenda/agenda.html");
    let rows: Vec<(String, String, String, String)> = html
        .lines()
        .filter(|l| l.starts_with("<tr") && l.contains("class=\"time\""))
        .map(|l| {
            let cells: Vec<String> = l
                .split("<td")
                .skip(1)
                .map(|c| c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()].to_owned())
                .collect();
            (
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            )
        })
        .collect();
    let want = [
        (
            "09:00",
            "09:15",
            "Creating a Microsoft Azure Pass Subscription",
            "15\u{a0}min",
        ),
        ("09:15", "09:35", "Coffee", "20\u{a0}min"),
        ("09:35", "10:35", "Guide b", "1\u{a0}h"),
        ("10:35", "11:00", "Guide c", "25\u{a0}min"),
        ("11:00", "11:07", "Guide d", "≈ 7\u{a0}min"),
    ];
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(got, want, "{html}");
    // Each start is the previous start plus its length.
    let lengths = [15, 20, 60, 25, 7];
    for i in 1..rows.len() {
        assert_eq!(
            minutes(&rows[i].0),
            minutes(&rows[i - 1].0) + lengths[i - 1]
        );
        assert_eq!(minutes(&rows[i].1), minutes(&rows[i].0) + lengths[i]);
    }
    assert!(
        html.contains("about 2\u{a0}h 7\u{a0}min in all · Ends at 11:07"),
        "{html}"
    );
    let md = book.read("book/agenda/agenda.md");
    assert!(
        md.contains("| 09:15 | 09:35 | Coffee | 20\u{a0}min |"),
        "{md}"
    );
    // Warnings: the estimate, and the day past its end.
    assert!(
        r.stderr
            .contains("warning[W021]: the agenda times guide `d` at an estimated 7 min"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "the agenda ends at 11:07, 37 min after its `end` (10:30): `Guide b` runs past it"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn agenda_mistakes_are_errors_at_their_line_in_book_toml() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    let at = |text: &str, needle: &str| {
        let line = text.lines().position(|l| l.contains(needle)).unwrap();
        let col = text.lines().nth(line).unwrap().find(needle).unwrap();
        format!("book.toml:{}:{}", line + 1, col + 1)
    };
    // An unknown guide: did you mean, at the id.
    let text = format!(
        "{toml}\n[output.agenda]\nstart = \"09:00\"\nitems = [\n  {{ guide = \"azure-pas\" }},\n]\n"
    );
    book.write("book.toml", &text);
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        locations(&r.stderr),
        [("E006".to_owned(), at(&text, "\"azure-pas\""))],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `azure-pass`?"),
        "{}",
        r.stderr
    );
    // A length that is no duration, an item that is neither, an end before the start.
    let text = format!(
        "{toml}\n[output.agenda]\nstart = \"09:00\"\nend = \"08:00\"\nitems = [\n  {{ title = \"Lunch\", length = \"45 minutes or so\" }},\n  {{ title = \"Talk\" }},\n]\n"
    );
    book.write("book.toml", &text);
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let mut found = locations(&r.stderr);
    found.sort();
    let mut want = vec![
        ("E006".to_owned(), at(&text, "\"08:00\"")),
        ("E007".to_owned(), at(&text, "\"45 minutes or so\"")),
        ("E006".to_owned(), at(&text, "{ title = \"Talk\" }")),
    ];
    want.sort();
    assert_eq!(found, want, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the agenda ends at 08:00 but starts at 09:00"),
        "{}",
        r.stderr
    );
}

/// With the PDF output on, the agenda is also a PDF of one A4 page.
#[cfg(feature = "pdf")]
#[test]
fn the_agenda_pdf_is_one_a4_page() {
    let book = agenda_book("\n[output.pdf]\n");
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("book/agenda/agenda.pdf");
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo is installed");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{info}"
    );
    assert!(info.contains("595.276 x 841.89"), "A4: {info}");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    for want in ["09:15", "09:35", "Coffee", "Guide b", "Ends at 11:07"] {
        assert!(text.contains(want), "{want} in {text}");
    }
}
