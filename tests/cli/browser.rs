//! Real browser: Debian's headless Chromium loads the HTML guide and prints the checklist to
//! PDF; poppler's `pdfinfo` reads the page count and size.
//!
//! `.ci/run` installs chromium and poppler-utils. Set `STEPBOOK_SKIP_BROWSER=1` to skip these
//! tests on a machine without them; without it a missing browser is a failure, not a pass.

use std::path::Path;
use std::process::Command;

use crate::Book;
use crate::cdp::{Cdp, chromium, headless, url};

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
    let checklist = book.path().join("book/html/checklist/azure-pass.html");
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

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn served_guide_reloads_itself_after_an_edit_and_shows_the_overlay_on_errors() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    let server = crate::serve::Server::start(&book);
    let url = format!("http://{}/html/azure-pass/index.html", server.addr);
    let mut page = Cdp::open(browser, &url);
    page.wait_for(
        "document.querySelector('h1') && document.querySelector('h1').textContent.includes('Creating a Microsoft Azure Pass')",
        "the served guide",
    );
    // Mark this page load; a reload forgets the mark.
    page.eval("window.__beforeEdit = true");
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace(
            "title: Creating a Microsoft Azure Pass Subscription",
            "title: Redeem your Azure Pass",
        ),
    );
    page.wait_for(
        "document.querySelector('h1') && document.querySelector('h1').textContent === 'Redeem your Azure Pass' && window.__beforeEdit === undefined",
        "the new title after a reload",
    );
    // A broken edit: the page keeps the last good output under an overlay with the problem.
    book.write(
        "content/azure-pass.yaml",
        &guide.replace("kind: important", "kind: urgent"),
    );
    page.wait_for(
        "!!document.getElementById('stepbook-overlay') && document.getElementById('stepbook-overlay').innerText.includes('content/azure-pass.yaml:')",
        "the error overlay",
    );
    let overlay = page.eval("document.getElementById('stepbook-overlay').innerText");
    assert!(
        overlay
            .as_str()
            .unwrap()
            .contains("unknown note kind `urgent`"),
        "{overlay}"
    );
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        "Redeem your Azure Pass"
    );
    // Fixed: the overlay goes with the reload.
    book.write("content/azure-pass.yaml", &guide);
    page.wait_for(
        "!document.getElementById('stepbook-overlay') && document.querySelector('h1') && document.querySelector('h1').textContent.includes('Creating a Microsoft Azure Pass')",
        "the fixed page without the overlay",
    );
}

/// The reader's page in a real browser: ticks survive a reload and count, copy buttons put the
/// text to type on the clipboard (without a shell prompt), and no page is wider than the
/// screen at 390 and 1280 pixels.
#[test]
fn the_reader_ticks_steps_copies_code_and_fits_the_screen() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    book.write(
        "content/code.yaml",
        "title: Code\nsections:\n  - title: Shell\n    steps:\n      - text: |-\n          Run `az group create -n rg1` in the shell:\n\n          ```sh\n          $ az vm create --name vm1\n          ```\n      - text: Then wait.\n",
    );
    assert_eq!(book.run(&["build"]).code, 0);
    let page = book.path().join("book/html/azure-pass/index.html");
    let mut cdp = Cdp::open(browser, &url(&page));
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length === 13",
        "the ticks",
    );
    assert_eq!(
        cdp.eval("document.querySelector('.progress span').textContent"),
        "0 of 13 done · about 15\u{a0}min left"
    );
    cdp.eval("document.querySelectorAll('label.tick input')[1].click(); document.querySelectorAll('label.tick input')[4].click(); 1");
    cdp.call("Page.reload", serde_json::json!({}));
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length === 13",
        "the ticks after a reload",
    );
    assert_eq!(cdp.eval("Array.from(document.querySelectorAll('label.tick input')).map(b => b.checked ? 1 : 0).join('')"), "0100100000000");
    assert_eq!(
        cdp.eval("document.querySelector('.progress span').textContent"),
        "2 of 13 done · about 13\u{a0}min left"
    );
    // Reset clears the ticks and offers Undo, which brings them back.
    cdp.eval("document.querySelector('.progress-reset').click(); 1");
    assert_eq!(
        cdp.eval("[document.querySelector('.progress span').textContent, document.querySelector('.progress-undo').hidden, document.activeElement.className]"),
        serde_json::json!(["0 of 13 done · about 15\u{a0}min left", false, "progress-undo"])
    );
    cdp.eval("document.querySelector('.progress-undo').click(); 1");
    assert_eq!(
        cdp.eval("[Array.from(document.querySelectorAll('label.tick input')).map(b => b.checked ? 1 : 0).join(''), document.querySelector('.progress-undo').hidden]"),
        serde_json::json!(["0100100000000", true])
    );
    cdp.eval("document.querySelector('.progress-reset').click(); 1");
    // A wait step offers a countdown from its longest wait (step 1.6: up to 5 min).
    cdp.eval("document.querySelector('button.timer').click(); 1");
    assert_eq!(
        cdp.eval("document.querySelector('.timer-left').textContent"),
        " 5:00 left"
    );
    cdp.wait_for(
        "document.querySelector('.timer-left').textContent === ' 4:59 left'",
        "the countdown",
    );
    cdp.eval("document.querySelector('button.timer').click(); 1");
    assert_eq!(
        cdp.eval("document.querySelector('.timer-left').textContent"),
        ""
    );
    assert_eq!(
        cdp.eval("document.querySelector('.progress span').textContent"),
        "0 of 13 done · about 15\u{a0}min left"
    );
    // No page wider than the screen, on a phone and a laptop.
    for width in [390, 1280] {
        if let Err(e) = cdp.fits(width) {
            panic!("the page overflows at {width} px: {e}");
        }
    }
    // Search, from file://: "promo code" finds the step, and following it lands on the step.
    cdp.eval("document.querySelector('form.search input').value = 'claim promo code'; document.querySelector('form.search input').dispatchEvent(new Event('input')); 1");
    cdp.wait_for(
        "document.querySelectorAll('ol.search-results ol a').length > 0",
        "search results",
    );
    assert_eq!(
        cdp.eval("document.querySelector('ol.search-results a.search-title').textContent"),
        "Creating a Microsoft Azure Pass Subscription"
    );
    let first =
        cdp.eval("document.querySelector('ol.search-results ol .search-where').textContent");
    assert!(
        first.as_str().unwrap().starts_with("step 1.5 · "),
        "{first}"
    );
    cdp.eval("document.querySelector('ol.search-results ol a').click(); 1");
    cdp.wait_for("location.hash === '#redeem-5'", "the step's anchor");
    drop(cdp);
    // Copy buttons: the code block without its prompt; none after inline code.
    let page = book.path().join("book/html/code/index.html");
    let mut cdp = Cdp::open(browser, &url(&page));
    cdp.call(
        "Browser.grantPermissions",
        serde_json::json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );
    // One button, on the code block: inline code keeps the sentence whole.
    cdp.wait_for(
        "document.querySelectorAll('button.copy').length === 1 && document.querySelectorAll('button.copy-inline').length === 0",
        "the copy buttons",
    );
    cdp.eval("document.querySelector('.code-block button.copy').click(); 1");
    cdp.wait_for(
        "document.querySelector('.code-block button.copy').textContent === 'Copied'",
        "feedback",
    );
    assert_eq!(
        cdp.eval("navigator.clipboard.readText()"),
        "az vm create --name vm1"
    );
}

/// Real labs imported from the corpus (Lab 08, lab-ak-10: wide tables, long URLs, diagrams)
/// fit the screen at 390 and 1280 pixels.
#[test]
fn imported_labs_fit_the_screen() {
    let Some(browser) = chromium() else { return };
    let corpus = crate::repo().join("../shared/corpus");
    if !corpus.join("INDEX.md").is_file() {
        return;
    }
    let labs = [
        (
            "AZ-104-MicrosoftAzureAdministrator/Instructions/Labs/LAB_08-Manage_Virtual_Machines.md",
            "lab-08-manage-virtual-machines",
        ),
        (
            "SC-200T00A-Microsoft-Security-Operations-Analyst/Instructions/Labs/LAB_AK_10_Lab1_Ex01_Hunting_Azure.md",
            "lab-ak-10-lab1-ex01-hunting-azure",
        ),
    ];
    let book = Book {
        dir: tempfile::tempdir().unwrap(),
    };
    book.write("book.toml", "[book]\ntitle = \"Labs\"\n");
    for (path, _) in labs {
        let r = book.run(&["import", corpus.join(path).to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (_, id) in labs {
        let page = book.path().join(format!("book/html/{id}/index.html"));
        let mut cdp = Cdp::open(browser, &url(&page));
        cdp.wait_for("document.readyState === 'complete'", "the lab");
        for width in [390, 1280] {
            if let Err(e) = cdp.fits(width) {
                panic!("{id} overflows at {width} px: {e}");
            }
        }
    }
}

/// Code blocks are highlighted when the site is built: with JavaScript off, the tokens of each
/// language labs use are in coloured spans, in light and dark, and axe-core finds no serious
/// contrast problem; an unknown language stays plain.
#[test]
fn code_blocks_are_highlighted_at_build_time_in_both_schemes() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    let blocks = [
        ("PowerShell", "New-AzVm -Name \"vm1\" # the VM"),
        ("bash", "az group create --name rg1 # the group"),
        ("cli", "az vm list --output table"),
        ("KQL", "SigninLogs | where TimeGenerated > ago(1d)"),
        ("json", "{\"name\": \"vm1\", \"size\": 2}"),
        ("yaml", "name: vm1 # the VM"),
        ("sql", "SELECT Name FROM Machines WHERE Id = 1"),
        ("python", "def f():\n    return 'vm1'"),
        ("Notepad", "not a language"),
    ];
    let mut yaml = String::from("title: Code\nsections:\n  - title: Languages\n    steps:\n");
    for (lang, code) in blocks {
        yaml.push_str(&format!(
            "      - text: |-\n          In {lang}:\n\n          ```{lang}\n"
        ));
        for line in code.lines() {
            yaml.push_str(&format!("          {line}\n"));
        }
        yaml.push_str("          ```\n");
    }
    book.write("content/code.yaml", &yaml);
    assert_eq!(book.run(&["build"]).code, 0);
    let page = book.path().join("book/html/code/index.html");
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    );
    cdp.goto(&url(&page));
    let kinds = cdp.eval(
        "Array.from(document.querySelectorAll('pre code')).map(c => Array.from(new Set(Array.from(c.querySelectorAll('span[class^=hl-]')).map(s => s.className))).sort().join(' '))",
    );
    assert_eq!(
        kinds,
        serde_json::json!([
            "hl-comment hl-function hl-parameter hl-string",
            "hl-comment hl-function hl-parameter",
            "hl-function hl-parameter",
            "hl-function hl-keyword hl-number",
            "hl-key hl-number hl-string",
            "hl-comment hl-key hl-string",
            "hl-keyword hl-number",
            "hl-function hl-keyword hl-string",
            "",
        ]),
        "the token kinds of each block"
    );
    // axe-core waits on timers, which do not run with scripts off.
    cdp.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": false}),
    );
    for scheme in ["light", "dark"] {
        cdp.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        let colours = cdp.eval(
            "(() => { const c = s => getComputedStyle(document.querySelector(s)).color; return [c('pre code'), c('.hl-keyword'), c('.hl-string'), c('.hl-comment')]; })()",
        );
        let colours: Vec<String> = serde_json::from_value(colours).unwrap();
        let distinct: std::collections::HashSet<&String> = colours.iter().collect();
        assert_eq!(distinct.len(), 4, "{scheme}: {colours:?}");
        let violations = cdp.axe();
        assert!(violations.is_empty(), "{scheme}: {violations:#?}");
    }
}

/// A screenshot tapped opens enlarged over the page (the page stays), its alt text as the
/// caption; Esc closes it, and so does the browser's Back; from the keyboard, Enter on the
/// focused picture opens it. Without JavaScript the link still leads to the image.
#[test]
fn a_screenshot_opens_in_a_lightbox_that_esc_and_back_close() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    assert_eq!(book.run(&["build"]).code, 0);
    let page = book.path().join("book/html/azure-pass/index.html");
    let mut cdp = Cdp::open(browser, &url(&page));
    cdp.wait_for("!!document.querySelector('.tick input')", "the reader");
    let alt = cdp.eval("document.querySelector('a.zoom img').alt");
    cdp.eval("document.querySelector('a.zoom').click(); 1");
    let open =
        "(() => { const d = document.querySelector('dialog.lightbox'); return !!d && d.open; })()";
    assert_eq!(cdp.eval(open), true);
    assert_eq!(
        cdp.eval("[location.pathname.endsWith('azure-pass/index.html'), document.querySelector('dialog.lightbox figcaption').textContent, document.querySelector('dialog.lightbox img').getAttribute('src') === document.querySelector('a.zoom').getAttribute('href') || document.querySelector('dialog.lightbox img').src === document.querySelector('a.zoom').href]"),
        serde_json::json!([true, alt, true])
    );
    for kind in ["rawKeyDown", "keyUp"] {
        cdp.call(
            "Input.dispatchKeyEvent",
            serde_json::json!({"type": kind, "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27}),
        );
    }
    cdp.wait_for(&format!("!{open}"), "Esc to close the lightbox");
    // Back closes it, and leaves the reader on the page.
    cdp.eval("document.querySelector('a.zoom').click(); 1");
    cdp.wait_for(open, "a second click to open the lightbox");
    cdp.eval("history.back(); 1");
    cdp.wait_for(&format!("!{open}"), "Back to close the lightbox");
    assert_eq!(
        cdp.eval("location.pathname.endsWith('azure-pass/index.html')"),
        true
    );
    // The keyboard: Enter on the focused picture link.
    cdp.eval("document.querySelector('a.zoom').focus(); 1");
    for kind in ["keyDown", "keyUp"] {
        cdp.call(
            "Input.dispatchKeyEvent",
            serde_json::json!({"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}),
        );
    }
    cdp.wait_for(open, "Enter to open the lightbox");
    let violations = cdp.axe();
    assert!(violations.is_empty(), "{violations:#?}");
    // Without JavaScript the picture is an ordinary link to the image.
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<a class=\"zoom\" href=\""),
        "the link to the image"
    );
}
