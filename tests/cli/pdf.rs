//! PDF output and handouts, checked with real tools: poppler's pdfinfo, pdftotext and pdffonts,
//! and zbarimg for the QR codes (Debian's poppler-utils and zbar-tools; `.ci/run` installs them).

use std::path::Path;
use std::process::Command;

use crate::lint_server::TestServer;
use crate::{Book, locations};

/// (pages, page size in points) of a PDF, from pdfinfo.
pub(crate) fn pdfinfo(pdf: &Path) -> (usize, String) {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils) is installed");
    assert!(out.status.success(), "pdfinfo failed on {}", pdf.display());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    let size = field("Page size:");
    (
        field("Pages:").parse().unwrap(),
        size.split(" pts").next().unwrap().to_owned(),
    )
}

/// The text of page `page` (1-based; 0: all pages).
pub(crate) fn pdftotext(pdf: &Path, page: usize) -> String {
    let mut cmd = Command::new("pdftotext");
    if page > 0 {
        cmd.args(["-f", &page.to_string(), "-l", &page.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every font of the PDF is embedded (pdffonts' `emb` column).
pub(crate) fn fonts_embedded(pdf: &Path) -> bool {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts is installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows: Vec<&str> = text.lines().skip(2).collect();
    !rows.is_empty()
        && rows
            .iter()
            .all(|r| r.split_whitespace().rev().nth(4) == Some("yes"))
}

pub(crate) fn with_pdf(toml_extra: &str) -> Book {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}\n[output.pdf]\n{toml_extra}"));
    book
}

#[test]
fn the_bundled_guide_as_pdf() {
    let book = with_pdf("");
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The 11 remote screenshots are not fetched offline: a placeholder each, and one warning
    // for the eleven (the same reason), at the first and naming the others' lines.
    let w014: Vec<String> = locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "W014")
        .map(|(_, at)| at)
        .collect();
    assert_eq!(w014, ["content/azure-pass.yaml:40:18"], "{}", r.stderr);
    assert!(
        r.stderr
            .contains("11 images are not in the PDF (not fetched: --offline)")
            && r.stderr
                .contains("and the ones at lines 45, 50, 55, 61, 71, 76, 81, 87, 92, 97"),
        "{}",
        r.stderr
    );
    let guide = book.path().join("book/html/pdf/azure-pass.pdf");
    let checklist = book.path().join("book/html/pdf/azure-pass-checklist.pdf");
    let (pages, size) = pdfinfo(&guide);
    assert!(pages >= 2, "{pages}");
    assert_eq!(size, "595.276 x 841.89", "A4");
    assert_eq!(pdfinfo(&checklist).0, 1, "the checklist is one page");
    assert!(fonts_embedded(&guide) && fonts_embedded(&checklist));
    let text = pdftotext(&guide, 0);
    for want in [
        "Creating a Microsoft Azure Pass Subscription",
        "Step 1: Redeeming a Microsoft Azure Pass Promo Code",
        "Open a browser and navigate to: https://www.microsoftazurepass.com/",
        "Image not available: The Microsoft Azure Pass welcome page",
        "Wait: up to 5 min",
    ] {
        assert!(text.contains(want), "{want:?} in the guide's PDF:\n{text}");
    }
    let check = pdftotext(&checklist, 1);
    assert!(
        check.contains("Enter the promo code from your handout and select Claim Promo Code"),
        "{check}"
    );
    // The HTML page links to its PDF.
    let html = book.read("book/html/azure-pass/index.html");
    assert!(html.contains("href=\"../pdf/azure-pass.pdf\""), "{html}");
    // Letter paper, from [output.pdf].
    let book = with_pdf("paper = \"letter\"\n");
    assert_eq!(book.run(&["build", "--offline"]).code, 0);
    assert_eq!(
        pdfinfo(&book.path().join("book/html/pdf/azure-pass.pdf")).1,
        "612 x 792"
    );
}

#[test]
fn content_never_runs_as_typst() {
    let book = with_pdf("");
    book.write(
        "content/evil.yaml",
        r##"title: "Evil #set page(fill: red) $x^2$"
summary: "Reads #read(\"/etc/passwd\") and @ref [brackets] \\ // not a comment /* nor this */"
sections:
  - title: "= Not a heading #panic(\"boom\")"
    steps:
      - text: "Run `\")#read(\"/etc/passwd\")#(\"` then + - = 1. #sym.arrow"
        check: "#panic(\"check\")"
        notes:
          - kind: warning
            text: "```\n#panic(\"in code\")\n```"
"##,
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdftotext(&book.path().join("book/html/pdf/evil.pdf"), 0);
    for literal in [
        "Evil #set page(fill: red) $x^2$",
        "Reads #read(\"/etc/passwd\") and @ref [brackets] \\ // not a comment /* nor this */",
        "= Not a heading #panic(\"boom\")",
        "Run \")#read(\"/etc/passwd\")#(\" then + - = 1. #sym.arrow",
        "#panic(\"in code\")",
    ] {
        assert!(text.contains(literal), "{literal:?} shown as text:\n{text}");
    }
    assert!(!text.contains("root:"), "no file was read");
    let check = pdftotext(&book.path().join("book/html/pdf/evil-checklist.pdf"), 0);
    assert!(check.contains("#panic(\"check\")"), "{check}");
}

#[test]
fn remote_screenshots_are_fetched_once() {
    let server = TestServer::start();
    let book = with_pdf("");
    book.write(
        "content/remote.yaml",
        &format!(
            "title: Remote\nsections:\n  - title: S\n    steps:\n      - text: Look.\n        screenshots:\n          - src: {}\n            alt: A tiny picture\n          - src: {}\n            alt: Not a picture\n",
            server.url("/img-a.png"),
            server.url("/page.html")
        ),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warned: Vec<_> = locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "W014")
        .collect();
    assert!(
        warned
            .iter()
            .any(|(_, at)| at.starts_with("content/remote.yaml")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("page.html"),
        "the page is not an image: {}",
        r.stderr
    );
    let text = pdftotext(&book.path().join("book/html/pdf/remote.pdf"), 0);
    assert!(
        !text.contains("Image not available: A tiny picture"),
        "{text}"
    );
    assert!(
        text.contains("Image not available: Not a picture"),
        "{text}"
    );
    let hits = server.total_hits();
    // A second build takes the picture from the cache, and remembers that the page failed.
    assert_eq!(book.run(&["build"]).code, 0);
    assert_eq!(server.total_hits() - hits, 0, "nothing is asked again");
}

/// A roster of `n` attendees with codes `PASS-0001`….
pub(crate) fn roster(n: usize) -> String {
    let mut s = String::from("\u{feff}name;code\n");
    for i in 1..=n {
        s.push_str(&format!("\"Attendee {i}; guest\";PASS-{i:04}\n"));
    }
    s
}

/// `stepbook handouts azure-pass --roster attendees.csv --out h.pdf --offline` in `book`.
pub(crate) fn handouts_offline(book: &Book) -> crate::Run {
    book.run(&[
        "handouts",
        "azure-pass",
        "--roster",
        "attendees.csv",
        "--out",
        "h.pdf",
        "--offline",
    ])
}

pub(crate) fn codes_on(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .filter(|w| w.starts_with("PASS-"))
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn one_handout_per_attendee_with_their_code_and_a_qr_code() {
    let book = Book::bundled();
    let toml = book.read("book.toml").replace(
        "theme = \"default\"",
        "theme = \"default\"\nbase-url = \"https://guides.example.org/azure/\"",
    );
    book.write("book.toml", &toml);
    book.write("attendees.csv", &roster(40));
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("h.pdf");
    assert_eq!(pdfinfo(&pdf), (40, "595.276 x 841.89".to_owned()));
    assert!(fonts_embedded(&pdf));
    for page in [1, 17, 37, 40] {
        let text = pdftotext(&pdf, page);
        assert_eq!(
            codes_on(&text),
            [format!("PASS-{page:04}")],
            "page {page}:\n{text}"
        );
        assert!(
            text.contains(&format!("Enter the promo code PASS-{page:04} and select")),
            "{text}"
        );
        assert!(text.contains(&format!("Attendee {page}; guest")), "{text}");
    }
    // The QR code on page 1 decodes to the guide's address.
    let png = book.path().join("page");
    let ok = Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(ok.success());
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(book.path().join("page-01.png"))
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "https://guides.example.org/azure/azure-pass/"
    );
    // Two per sheet: A5 halves of landscape A4.
    let r = book.run(&[
        "handouts",
        "azure-pass",
        "--roster",
        "attendees.csv",
        "--out",
        "two.pdf",
        "--two-up",
        "--offline",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let two = book.path().join("two.pdf");
    assert_eq!(pdfinfo(&two), (20, "841.89 x 595.276".to_owned()));
    assert_eq!(codes_on(&pdftotext(&two, 7)), ["PASS-0013", "PASS-0014"]);
}

#[test]
fn roster_problems_are_reported_at_their_place() {
    let book = Book::bundled();
    // A column the guide uses is missing: named, with the columns there are.
    book.write("a.csv", "name,promo\nAda,X-1\n");
    let r = book.run(&["handouts", "azure-pass", "--roster", "a.csv", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no column `code`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the roster has `name`, `promo`"),
        "{}",
        r.stderr
    );
    assert!(!book.path().join("azure-pass-handouts.pdf").exists());
    // An empty code and a row of the wrong length: errors at their row and column.
    book.write("b.csv", "name,code\nAda,X-1\nBob,\nCy,X-3,extra\n");
    let r = book.run(&["handouts", "azure-pass", "--roster", "b.csv", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let got = locations(&r.stderr);
    assert!(
        got.contains(&("E024".into(), "b.csv:4:1".into())),
        "{}",
        r.stderr
    );
    book.write("c.csv", "name,code\nAda,X-1\nBob,\n");
    let r = book.run(&["handouts", "azure-pass", "--roster", "c.csv", "--offline"]);
    assert_eq!(
        locations(&r.stderr),
        [("E024".to_string(), "c.csv:3:5".to_string())],
        "{}",
        r.stderr
    );
    // The same code twice: a warning naming both rows; the handouts are printed.
    book.write("d.csv", "name\tcode\nAda\tX-1\nBob\tX-1\n");
    let r = book.run(&[
        "handouts",
        "azure-pass",
        "--roster",
        "d.csv",
        "--offline",
        "--out",
        "d.pdf",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("code `X-1` is on row 2 and on row 3"),
        "{}",
        r.stderr
    );
    assert_eq!(pdfinfo(&book.path().join("d.pdf")).0, 2);
    // No roster: one handout, with a line to fill in for the code.
    let r = book.run(&["handouts", "azure-pass", "--offline", "--out", "blank.pdf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdftotext(&book.path().join("blank.pdf"), 1);
    assert!(
        text.contains("Enter the promo code ______________ and select"),
        "{text}"
    );
    // An unknown guide: did you mean, and exit 2 as for any command-line mistake.
    let r = book.run(&["handouts", "azure-pas", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean `azure-pass`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn typst_template_errors_are_reported_at_their_place() {
    // A Tera error in a `.typ` template: at its line and column, like the other templates.
    let book = with_pdf("");
    book.write("templates/checklist.typ", "= {{ guide.title }}\n{% if %}\n");
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        locations(&r.stderr)
            .iter()
            .any(|(c, at)| c == "E020" && at.starts_with("templates/checklist.typ:2:")),
        "{}",
        r.stderr
    );
    // Typst that does not compile: the message and the generated line it is on; nothing is
    // written.
    let book = with_pdf("");
    book.write(
        "templates/checklist.typ",
        "= {{ guide.title }}\n#no-such-function()\n",
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[E020]: the Typst made from `checklist.typ` does not compile: unknown variable: no-such-function"), "{}", r.stderr);
    assert!(r.stderr.contains("#no-such-function()"), "{}", r.stderr);
    assert!(!book.path().join("book").exists());
}

#[test]
fn local_screenshots_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let r = crate::run_in(dir.path(), &["init", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        format!("{toml}\n[output.pdf]\n"),
    )
    .unwrap();
    let r = crate::run_in(dir.path(), &["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("W014"), "{}", r.stderr);
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(dir.path().join("book/html/pdf/workshop-setup.pdf"))
        .output()
        .expect("pdfimages (poppler-utils) is installed");
    let list = String::from_utf8_lossy(&out.stdout);
    let images: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(images.len(), 1, "{list}");
    assert!(
        images[0].contains(" 480 ") && images[0].contains(" 270 "),
        "at its own size: {list}"
    );
}

/// `init`'s book.toml shows how PDFs and handouts are turned on (they were undiscoverable from a
/// new book), with no placeholder link and the folders `build` really writes.
#[test]
fn a_new_book_says_how_to_turn_on_pdfs_and_uncommenting_it_works() {
    let dir = tempfile::tempdir().unwrap();
    let r = crate::run_in(dir.path(), &["init", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    assert!(!toml.contains("https://github.com/"), "{toml}");
    assert!(toml.contains("html/checklist/"), "{toml}");
    assert!(toml.contains("stepbook handouts"), "{toml}");
    let on = toml
        .replace("# [output.pdf]", "[output.pdf]")
        .replace("# paper = \"a4\"", "paper = \"a4\"");
    assert_ne!(on, toml);
    std::fs::write(dir.path().join("book.toml"), on).unwrap();
    let r = crate::run_in(dir.path(), &["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        dir.path()
            .join("book/html/pdf/workshop-setup.pdf")
            .is_file()
    );
}
