//! Real browser: Debian's headless Chromium loads the HTML guide and prints the checklist to
//! PDF; poppler's `pdfinfo` reads the page count and size.
//!
//! `.ci/run` installs chromium and poppler-utils. Set `STEPBOOK_SKIP_BROWSER=1` to skip these
//! tests on a machine without them; without it a missing browser is a failure, not a pass.

use std::path::Path;
use std::process::Command;

use crate::Book;

fn chromium() -> Option<&'static str> {
    if std::env::var_os("STEPBOOK_SKIP_BROWSER").is_some() {
        eprintln!("STEPBOOK_SKIP_BROWSER is set: skipping the browser test");
        return None;
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .or_else(|| {
            panic!(
                "no chromium found: install Debian's `chromium` (or set STEPBOOK_SKIP_BROWSER=1)"
            )
        })
}

/// Runs headless Chromium with a fresh profile and the flags it needs as root on a closed
/// network.
fn headless(browser: &str, extra: &[&str], url: &str) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn pdfinfo(pdf: &Path) -> (u32, String) {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let pages = text
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or_else(|| panic!("no page count in {text}"));
    let size = text
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    (pages, size)
}

#[test]
fn browser_loads_the_guide_and_prints_the_checklist_on_one_a4_page() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    assert_eq!(book.run(&["build"]).code, 0);

    // The browser's DOM of the guide page: every step and screenshot, the checklist link.
    let page = book.path().join("book/html/azure-pass/index.html");
    let dom = String::from_utf8(headless(browser, &["--dump-dom"], &url(&page)).stdout).unwrap();
    assert_eq!(dom.matches("<li class=\"step").count(), 13, "{dom}");
    assert_eq!(dom.matches("<img ").count(), 11);
    assert!(dom.contains("Printable checklist"));

    // The checklist printed to PDF: one A4 page.
    let checklist = book.path().join("book/checklist/azure-pass.html");
    let pdf = book.path().join("checklist.pdf");
    headless(
        browser,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &url(&checklist),
    );
    let (pages, size) = pdfinfo(&pdf);
    assert_eq!(pages, 1, "the Azure Pass checklist fits one page");
    assert!(size.contains("(A4)"), "{size}");

    // The guide itself prints too, with the print stylesheet.
    let guide_pdf = book.path().join("guide.pdf");
    headless(
        browser,
        &[&format!("--print-to-pdf={}", guide_pdf.display())],
        &url(&page),
    );
    let (pages, _) = pdfinfo(&guide_pdf);
    assert!(pages >= 1);
}

#[test]
fn letter_paper_prints_on_letter() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    book.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n[output.checklist]\npaper = \"letter\"\n",
    );
    assert_eq!(book.run(&["build"]).code, 0);
    let pdf = book.path().join("letter.pdf");
    headless(
        browser,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &url(&book.path().join("book/checklist/azure-pass.html")),
    );
    let (pages, size) = pdfinfo(&pdf);
    assert_eq!(pages, 1);
    assert!(
        size.contains("612 x 792") || size.contains("(letter)"),
        "{size}"
    );
}
