//! The workbook (`[output.pdf] workbook = true`): one PDF of the day's guides, checked as event
//! staff would before printing it duplex: its bookmarks (qpdf's JSON), its contents page and
//! each page's text (pdftotext), its metadata (pdfinfo).

use std::path::Path;
use std::process::Command;

use crate::Book;
use crate::pdf::pdftotext;

/// Five labs imported from the corpus (`tests/fixtures/labs`, one of its six left out), with
/// the HTML and PDF outputs and the workbook on.
fn five_labs(extra: &str) -> Book {
    let book = Book::fixture("labs");
    std::fs::remove_file(
        book.path()
            .join("content/lab-ak-05-lab1-ex01-kql-defender.yaml"),
    )
    .unwrap();
    book.write(
        "book.toml",
        &format!(
            "[book]\ntitle = \"Imported labs\"\nauthors = [\"Lab Team\", \"Ada Lovelace\"]\n\
             description = \"Azure administration, hands on.\"\n\n\
             [variables.event]\nname = \"Azure Day Zürich\"\n\n\
             [output.html]\n\n[output.pdf]\nworkbook = true\nworkbook-date = \"2026-03-14\"\n{extra}"
        ),
    );
    book
}

/// A guide's title and its sections' titles, from its YAML.
fn titles(yaml: &Path) -> (String, Vec<String>) {
    let v: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(yaml).unwrap()).unwrap();
    let sections = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect();
    (v["title"].as_str().unwrap().to_owned(), sections)
}

/// The PDF's bookmarks: each top-level one's title and page, with its children's titles.
fn bookmarks(pdf: &Path) -> Vec<(String, usize, Vec<String>)> {
    let out = Command::new("qpdf")
        .arg("--json")
        .arg(pdf)
        .output()
        .expect("qpdf is installed");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let kids = o["kids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["title"].as_str().unwrap().to_owned())
                .collect();
            let page = o["destpageposfrom1"].as_u64().unwrap() as usize;
            (o["title"].as_str().unwrap().to_owned(), page, kids)
        })
        .collect()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The page number the contents give after `title` in `contents` (whitespace squeezed; the
/// leader dots and a word joiner between).
fn listed_page(contents: &str, title: &str) -> Option<usize> {
    let at = contents.find(title)? + title.len();
    let rest = contents[at..].trim_start_matches([' ', '.', '\u{2060}']);
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The workbook of five real labs: bookmarks list every guide and its sections in book order;
/// each guide starts on an odd page, the one its contents entry names; the page before a guide
/// is left blank when it must be (no header, no number); the pages after its first carry its
/// title; the cover names the book, the event and the date; pdfinfo shows the title, authors
/// and tags; the site's index links the workbook.
#[test]
fn a_workbook_of_five_labs_lists_every_guide_and_starts_each_on_a_right_hand_page() {
    let book = five_labs("");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("book/html/pdf/workbook/imported-labs.pdf");
    let mut files: Vec<_> = std::fs::read_dir(book.path().join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);
    let guides: Vec<(String, Vec<String>)> = files.iter().map(|f| titles(f)).collect();

    let marks = bookmarks(&pdf);
    let marked: Vec<&str> = marks.iter().map(|(t, _, _)| t.as_str()).collect();
    let wanted: Vec<&str> = guides.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(marked, wanted, "the bookmarks' guides in book order");
    for ((title, sections), (_, _, kids)) in guides.iter().zip(&marks) {
        let listed: Vec<&String> = kids.iter().filter(|k| sections.contains(k)).collect();
        let wanted: Vec<&String> = sections.iter().collect();
        assert_eq!(listed, wanted, "the sections of {title} in order");
    }

    let first = marks[0].1;
    let contents = squeeze(
        &(2..first)
            .map(|p| pdftotext(&pdf, p))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    assert!(contents.starts_with("Contents"), "{contents}");
    let pages: usize = crate::pdf::pdfinfo(&pdf).0;
    for (i, (title, start, _)) in marks.iter().enumerate() {
        assert_eq!(start % 2, 1, "{title} starts on page {start}");
        assert_eq!(
            listed_page(&contents, &squeeze(title)),
            Some(*start),
            "the contents' page of {title}: {contents}"
        );
        let text = squeeze(&pdftotext(&pdf, *start));
        let words: String = squeeze(title).chars().take(30).collect();
        assert!(text.starts_with(&words), "page {start}: {text}");
        let end = marks.get(i + 1).map_or(pages + 1, |m| m.1);
        // The guide's other pages: its title in the header, numbered; a blank page before the
        // next guide has no text at all.
        let mut blank = false;
        for p in start + 1..end {
            let text = squeeze(&pdftotext(&pdf, p));
            if text.is_empty() {
                blank = true;
                continue;
            }
            assert!(!blank, "page {p} has text after a blank page");
            assert!(
                text.starts_with("Imported labs") && text.contains(&words),
                "page {p}: {text}"
            );
            assert!(text.contains(&format!("{p} / {pages}")), "page {p}: {text}");
        }
    }
    let cover = squeeze(&pdftotext(&pdf, 1));
    for want in [
        "Imported labs",
        "Azure Day Zürich",
        "Azure administration, hands on.",
        "2026-03-14",
        "Lab Team, Ada Lovelace",
    ] {
        assert!(cover.contains(want), "the cover: {cover}");
    }

    let out = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    for want in [
        "Title:           Imported labs",
        "Author:          Lab Team, Ada Lovelace",
        "Tagged:          yes",
    ] {
        assert!(info.contains(want), "{info}");
    }
    let index = book.read("book/html/index.html");
    assert!(
        index.contains(
            r#"<a class="workbook-link" href="pdf/workbook/imported-labs.pdf">Workbook (PDF)</a>"#
        ),
        "{index}"
    );
}

/// With an agenda, the workbook holds the guides its items name, in its order; a date that is
/// no date is an error at its line.
#[test]
fn a_workbook_follows_the_agenda_and_its_date_is_checked() {
    let book = five_labs(
        "\n[output.agenda]\nitems = [\n  { guide = \"lab-08-manage-virtual-machines\" },\n  \
         { title = \"Lunch\", length = \"45m\" },\n  { guide = \"lab-04-implement-virtual-networking\" },\n]\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("book/html/pdf/workbook/imported-labs.pdf");
    let marked: Vec<String> = bookmarks(&pdf).into_iter().map(|(t, _, _)| t).collect();
    assert_eq!(
        marked,
        [
            "Lab 08 - Manage Virtual Machines",
            "Lab 04 - Implement Virtual Networking"
        ]
    );

    let toml = book.read("book.toml").replace("2026-03-14", "next Friday");
    book.write("book.toml", &toml);
    let r = book.run(&["check"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error[E006]: `workbook-date` is `next Friday`, not a date"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("book.toml:13:"), "{}", r.stderr);
}

/// With `standard = "ua-1"` the workbook is an accessible PDF like the guides' (Typst refuses
/// to write a PDF/UA-1 document that breaks its rules): its XMP metadata declares PDF/UA-1.
#[test]
fn an_accessible_books_workbook_is_pdf_ua() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.pdf]\nworkbook = true\nstandard = \"ua-1\"\n"),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book
        .path()
        .join("book/html/pdf/workbook/azure-pass-event-guides.pdf");
    let out = Command::new("pdfinfo")
        .arg("-meta")
        .arg(&pdf)
        .output()
        .unwrap();
    let meta = String::from_utf8_lossy(&out.stdout);
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "{meta}");
    let out = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Title:           Azure Pass event guides"),
        "{info}"
    );
}

/// The section headings left at the foot of a page of `pdf`: a heading of `titles` followed by
/// at most one line of text before the page's footer (pdftotext's layout, page by page).
fn headings_at_page_feet(pdf: &Path, titles: &[String]) -> Vec<(usize, String)> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut found = Vec::new();
    for (i, page) in text.split('\u{c}').enumerate() {
        let lines: Vec<String> = page
            .lines()
            .map(squeeze)
            .filter(|l| !l.is_empty())
            .collect();
        // The last line is the footer (the page's number).
        for (k, line) in lines.iter().enumerate() {
            if titles.contains(line) && lines.len() - k - 1 <= 2 {
                found.push((i + 1, line.clone()));
            }
        }
    }
    found
}

/// A section's heading is never left at the foot of a page, with one line of its section
/// under it and the rest on the next page (Typst keeps a heading with the next block, and a
/// one-line intro or a bold label is one): it starts the next page. Guides whose first section
/// grows a step at a time put the second section's heading at every height of the page; it
/// ended the page of guide 38 and the workbook, and the checklist of guide 44.
#[test]
fn no_page_ends_with_a_section_heading() {
    let book = Book::bundled();
    std::fs::remove_file(book.path().join("content/azure-pass.yaml")).unwrap();
    book.write(
        "book.toml",
        "[book]\ntitle = \"Feet\"\n\n[output.pdf]\nworkbook = true\n",
    );
    for k in 36..=45 {
        let steps: String = (1..=k)
            .map(|i| format!("      - text: Step {i} of the first part, one line.\n"))
            .collect();
        let more: String = (1..=5)
            .map(|i| format!("      - text: Step {i} of the second part, one line.\n"))
            .collect();
        book.write(
            &format!("content/g{k}.yaml"),
            &format!(
                "title: Guide {k}\nsections:\n  - title: First part\n    steps:\n{steps}\
                 \x20 - title: Second part\n    intro: One line of introduction.\n    steps:\n{more}"
            ),
        );
    }
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sections = ["First part".to_owned(), "Second part".to_owned()];
    let pdfs = book.path().join("book/pdf");
    let mut found = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&pdfs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.push(pdfs.join("workbook/feet.pdf"));
    assert_eq!(files.len(), 21);
    for p in &files {
        for (page, h) in headings_at_page_feet(p, &sections) {
            found.push(format!("{}: page {page}: {h}", p.display()));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// `handouts --workbook`: a copy of the built workbook per attendee of an Excel-style roster
/// (not Ada Lovelace: the book's authors, on the cover, name her),
/// checked page by page as staff would before printing it duplex: each copy an even number of
/// pages, the attendee's name and code large on its cover and at the foot of every other page
/// beside the workbook's own "n / m", nobody else's, and never their email.
#[test]
fn each_attendee_gets_a_copy_of_the_workbook_with_their_name_and_code_on_every_page() {
    let book = five_labs("");
    book.write(
        "r.csv",
        "\u{feff}First Name,Last Name,Email Address,Promo Code\r\nKatherine,Johnson,kj@example.org,PASS-AAA1\r\nGrace,Hopper,grace@example.org,PASS-BBB2\r\nAlan,Turing,alan@example.org,PASS-CCC3\r\n",
    );
    let args = [
        "handouts",
        "--workbook",
        "--roster",
        "r.csv",
        "--out",
        "day.pdf",
    ];
    // Before a build there is no workbook to copy: said, with what to run.
    let r = book.run(&args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot read the workbook `book/html/pdf/workbook/imported-labs.pdf`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`stepbook build` writes it"),
        "{}",
        r.stderr
    );
    assert!(!book.path().join("day.pdf").exists());
    let r = book.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = book.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("wrote 3 workbook copies to `day.pdf`"),
        "{}",
        r.stderr
    );
    let workbook = book.path().join("book/html/pdf/workbook/imported-labs.pdf");
    let pdf = book.path().join("day.pdf");
    let pages = |p: &Path| -> usize {
        let out = Command::new("pdfinfo").arg(p).output().unwrap();
        // Debian 12's poppler warned of every tagged PDF's `/Suspects false`.
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let m = pages(&workbook);
    let per = m + m % 2;
    assert_eq!(pages(&pdf), 3 * per);
    let people = [
        ("Katherine Johnson", "PASS-AAA1"),
        ("Grace Hopper", "PASS-BBB2"),
        ("Alan Turing", "PASS-CCC3"),
    ];
    for (k, (who, code)) in people.iter().enumerate() {
        for n in 1..=per {
            let text = pdftotext(&pdf, k * per + n);
            // The copy's last page when the workbook's count is odd, and the workbook's own
            // pages left blank for duplex printing, stay blank.
            if n > m || pdftotext(&workbook, n).trim().is_empty() {
                assert!(text.trim().is_empty(), "copy {k}'s blank page {n}: {text}");
                continue;
            }
            let mine = if n == 1 {
                text.contains(who) && text.contains(code)
            } else {
                squeeze(&text).contains(&format!("{who} · {code}"))
                    && squeeze(&text).contains(&format!("{n} / {m}"))
            };
            assert!(mine, "copy {k} page {n}: {text}");
            assert!(!text.contains("@example.org"), "copy {k} page {n}: {text}");
            for (other, c) in people.iter().filter(|(o, _)| o != who) {
                assert!(
                    !text.contains(other) && !text.contains(c),
                    "copy {k} page {n}: {text}"
                );
            }
        }
    }
    // The copies show the workbook's pages: the same text, the attendee's line aside.
    let original = pdftotext(&workbook, 4);
    let copied = pdftotext(&pdf, 2 * per + 4);
    assert_eq!(
        squeeze(&copied.replace("Alan Turing · PASS-CCC3", "")),
        squeeze(&original)
    );
    // Each workbook page is in the file once, drawn by every copy: three copies are not three
    // workbooks.
    let (one, all) = (
        std::fs::metadata(&workbook).unwrap().len(),
        std::fs::metadata(&pdf).unwrap().len(),
    );
    assert!(all < one * 2, "{all} bytes for three copies of {one}");
}

/// `--workbook` for a book that makes none, without a roster, or with a guide: each says what
/// to do, exit 2.
#[test]
fn workbook_handouts_are_refused_with_what_to_do() {
    let book = five_labs("");
    book.write("r.csv", "name,code\nAda,PASS-1\n");
    let r = book.run(&["handouts", "--workbook"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--roster"), "{}", r.stderr);
    let r = book.run(&[
        "handouts",
        "--workbook",
        "lab-04-implement-virtual-networking",
        "--roster",
        "r.csv",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "it takes no guide, and `lab-04-implement-virtual-networking` is not a folder"
        ),
        "{}",
        r.stderr
    );
    let r = book.run(&[
        "handouts",
        "--workbook",
        "--roster",
        "r.csv",
        "--paper",
        "letter",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
    // The copies are never written into the build's output, where the workbook is read from
    // and the site is published.
    let r = book.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let built = "book/html/pdf/workbook/imported-labs.pdf";
    let before = std::fs::read(book.path().join(built)).unwrap();
    let r = book.run(&[
        "handouts",
        "--workbook",
        "--roster",
        "r.csv",
        "--out",
        built,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("inside the book's build output"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(book.path().join(built)).unwrap(), before);
    // The book's folder, given where a guide would be: from outside the book.
    let (roster, out) = (book.path().join("r.csv"), book.path().join("day.pdf"));
    let r = crate::run_in(
        book.path().parent().unwrap(),
        &[
            "handouts",
            "--workbook",
            "--roster",
            roster.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            book.path().to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.exists());
    let toml = book.read("book.toml");
    book.write("book.toml", &toml.replace("workbook = true\n", ""));
    let r = book.run(&["handouts", "--workbook", "--roster", "r.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("this book makes no workbook"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`workbook = true`"), "{}", r.stderr);
}

/// The copies are of the workbook a build wrote: a guide edited since is said (W023, naming
/// it), and a build written elsewhere (`--dest-dir`) is read from there.
#[test]
fn workbook_copies_say_when_a_guide_changed_since_the_build_and_read_a_dest_dir() {
    let book = five_labs("");
    book.write("r.csv", "name,code\nKatherine Johnson,PASS-1\n");
    let r = book.run(&["build", "--quiet", "--dest-dir", "elsewhere"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = book.run(&[
        "handouts",
        "--workbook",
        "--roster",
        "r.csv",
        "--out",
        "day.pdf",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("with `--dest-dir DEST`: give it here too"),
        "{}",
        r.stderr
    );
    let args = [
        "handouts",
        "--workbook",
        "--roster",
        "r.csv",
        "--out",
        "day.pdf",
        "--dest-dir",
        "elsewhere",
    ];
    let r = book.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("W023"), "{}", r.stderr);
    // Never into the folder the build wrote to, wherever that is.
    let mut inside = args;
    inside[5] = "elsewhere/day.pdf";
    let r = book.run(&inside);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("inside the book's build output (`elsewhere`)"),
        "{}",
        r.stderr
    );
    let guide = "content/lab-04-implement-virtual-networking.yaml";
    let text = book.read(guide);
    book.write(guide, &format!("{text}# edited after the build\n"));
    let r = book.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[W023]"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("`{guide}` changed after the workbook was built")),
        "{}",
        r.stderr
    );
}
