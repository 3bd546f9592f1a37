//! The reader's site around the guide in a real browser (headless Chromium over the DevTools
//! protocol, from `file://`): the language menu in the header, the wait's alarm at zero, the
//! index's cards (one search box, each card's progress) and the checklist on screen (ticks kept
//! with the guide's, dark mode, a Print button); the index's filter, search results, code
//! blocks, the lightbox at full size, a countdown across a reload and the contents' mark after
//! an #anchor. axe-core checks each, also on imported labs.

use serde_json::json;

use crate::Book;
use crate::cdp::{Cdp, chromium, url};

fn scheme(cdp: &mut Cdp, media: &str, scheme: &str) {
    cdp.call(
        "Emulation.setEmulatedMedia",
        json!({"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]}),
    );
}

fn no_serious_violation(cdp: &mut Cdp, what: &str) {
    let violations = cdp.axe();
    assert!(violations.is_empty(), "{what}: {violations:#?}");
}

/// axe-core finds no serious violation at 390 and 1280 px, light and dark, and the page fits
/// each width.
fn no_serious_violation_at_both_widths_and_schemes(cdp: &mut Cdp, what: &str) {
    for width in [390, 1280] {
        cdp.fits(width)
            .unwrap_or_else(|e| panic!("{what}, {width} px: {e}"));
        for s in ["light", "dark"] {
            scheme(cdp, "", s);
            no_serious_violation(cdp, &format!("{what}, {width} px, {s}"));
        }
    }
}

/// The anchors of the ticked steps of a guide page, or of a checklist.
const TICKED: &str = "Array.from(document.querySelectorAll('li.step, li.check')).filter(s => { const b = s.querySelector('input[type=checkbox]'); return b && b.checked; }).map(s => s.id || s.getAttribute('data-step'))";

/// The header's language menu on a phone and a laptop: one small button on a row the header
/// has anyway (its list closed, over the page when open), named, usable from the keyboard, and
/// plain links without JavaScript. Switching keeps the step the reader is on (`#claim`) and
/// the ticks, which a translation shares with its source (the guide's id, the steps' anchors).
#[test]
fn the_language_menu_fits_the_header_and_keeps_the_step_and_the_ticks() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("translations");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/de/azure-pass/index.html");
    assert!(
        html.contains(r#"<nav class="languages" aria-label="Sprachen"><details><summary>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<a href="../../azure-pass/index.html" hreflang="en" lang="en">English</a>"#
        )
    );
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book
        .path()
        .join("book/html/de/azure-pass/index.html")));
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length > 0",
        "the reader",
    );
    // The rows of the header (items centred on one line share a middle), with and without the
    // menu; the menu's height; how many of its links show while it is closed.
    let layout = "(() => { const h = document.querySelector('header.site'); const nav = h.querySelector('nav.languages'); \
        const rows = () => new Set(Array.from(h.children).filter(c => c.getClientRects().length).map(c => { const r = c.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })).size; \
        const shown = Array.from(nav.querySelectorAll('a')).filter(a => a.checkVisibility()).length; \
        const height = nav.getBoundingClientRect().height; const withMenu = rows(); nav.style.display = 'none'; const without = rows(); nav.style.display = ''; \
        return { rows: withMenu - without, shown, small: height <= 40 }; })()";
    for width in [390, 1280] {
        cdp.fits(width)
            .unwrap_or_else(|e| panic!("{width} px: {e}"));
        assert_eq!(
            cdp.eval(layout),
            json!({"rows": 0, "shown": 0, "small": true}),
            "{width} px"
        );
    }
    assert_eq!(
        cdp.eval("document.querySelector('nav.languages summary').textContent"),
        "Sprachen: Deutsch"
    );
    // The keyboard: Enter opens the menu, Tab reaches its first language, Esc closes it and
    // gives the focus back.
    let open = "document.querySelector('nav.languages details').open";
    cdp.eval("document.querySelector('nav.languages summary').focus(); 1");
    cdp.press("Enter", 13);
    cdp.wait_for(open, "Enter to open the menu");
    no_serious_violation_at_both_widths_and_schemes(&mut cdp, "menu open");
    cdp.press("Tab", 9);
    assert_eq!(
        cdp.eval("document.activeElement.getAttribute('hreflang')"),
        "en"
    );
    cdp.press("Escape", 27);
    cdp.wait_for(&format!("!{open}"), "Esc to close the menu");
    assert_eq!(cdp.eval("document.activeElement.tagName"), "SUMMARY");
    // A click elsewhere closes it too.
    cdp.eval(&format!(
        "{open} = true; document.querySelector('main').click(); {open}"
    ));
    assert_eq!(cdp.eval(open), false);

    // On step `claim` with two steps ticked, the reader switches to English.
    cdp.eval("document.querySelectorAll('label.tick input')[0].click(); document.querySelectorAll('label.tick input')[3].click(); location.hash = '#claim'; 1");
    let ticked = cdp.eval(TICKED);
    assert_eq!(ticked.as_array().map(Vec::len), Some(2), "{ticked}");
    cdp.eval(&format!(
        "{open} = true; document.querySelector('nav.languages a[hreflang=en]').click(); 1"
    ));
    cdp.wait_for(
        "location.pathname.endsWith('/book/html/azure-pass/index.html') && location.hash === '#claim' && document.readyState === 'complete' && document.querySelectorAll('label.tick input').length > 0",
        "the English page at the same step",
    );
    assert_eq!(cdp.eval("document.documentElement.lang"), "en");
    assert_eq!(cdp.eval(TICKED), ticked, "the ticks in English");
}

/// A wait's countdown at zero, with the reader scrolled far from the step on a phone: a notice
/// fixed on the screen (role alert) that leads back to the step, the tab's title, a beep (the
/// click on Start allowed sound) and a vibration. Also on an imported lab's wait, with the
/// clock moved on, and axe-core with the notice shown.
#[test]
fn a_wait_at_zero_is_seen_and_heard_wherever_the_reader_is() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    let mut yaml = String::from(
        "title: Deploy\nsections:\n  - title: Deploy\n    steps:\n      - text: Start the deployment.\n        wait: 2s\n",
    );
    for n in 2..40 {
        yaml.push_str(&format!(
            "      - text: Check setting number {n} of the deployment in the portal.\n"
        ));
    }
    book.write("content/deploy.yaml", &yaml);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book.path().join("book/html/deploy/index.html")));
    cdp.wait_for("!!document.querySelector('button.timer')", "the timer");
    cdp.fits(390).unwrap();
    let title = cdp.eval("document.title");
    // Count the beeps and the vibrations.
    let spy = "window.__beeps = 0; const make = AudioContext.prototype.createOscillator; AudioContext.prototype.createOscillator = function () { window.__beeps++; return make.call(this); }; Object.defineProperty(navigator, 'vibrate', { value: p => { window.__vibrated = p; return true; } }); 1";
    cdp.eval(spy);
    // Start is a click of the reader's (a user gesture), then the reader scrolls away.
    cdp.call(
        "Runtime.evaluate",
        json!({"expression": "document.querySelector('button.timer').click()", "userGesture": true}),
    );
    cdp.eval("window.scrollTo(0, document.scrollingElement.scrollHeight); 1");
    assert_eq!(
        cdp.eval("document.querySelector('p.wait').getBoundingClientRect().bottom < 0 && !document.querySelector('.timer-toast:not([hidden])')"),
        true,
        "the step is off the screen and no notice yet"
    );
    let shown = "(() => { const t = document.querySelector('.timer-toast'); if (!t || t.hidden) return false; const r = t.getBoundingClientRect(); return getComputedStyle(t).position === 'fixed' && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })()";
    cdp.wait_for(shown, "the notice at zero");
    assert_eq!(
        cdp.eval("[document.querySelector('.timer-toast').getAttribute('role'), document.querySelector('.timer-toast a').textContent, document.title.startsWith('⏰ '), window.__beeps, window.__vibrated, window.scrollY > 0, document.querySelector('.timer-left').textContent]"),
        json!(["alert", "Step 1: the wait is over.", true, 3, [200, 100, 200], true, " Time is up: check the result before you go on."])
    );
    cdp.fits(390).unwrap();
    for s in ["light", "dark"] {
        scheme(&mut cdp, "", s);
        no_serious_violation(&mut cdp, &format!("the notice, {s}"));
    }
    // The notice leads back to the step, and goes; so does the title's clock.
    cdp.eval("document.querySelector('.timer-toast a').click(); 1");
    cdp.wait_for(
        "location.hash === '#' + document.querySelector('p.wait').closest('li.step').id",
        "the step",
    );
    assert_eq!(
        cdp.eval("[document.querySelector('.timer-toast').hidden, document.title]"),
        json!([true, title])
    );

    // An imported lab's wait (AZ-104 Lab 08), its clock moved on past the wait.
    let labs = Book::fixture("labs");
    assert_eq!(labs.run(&["build"]).code, 0);
    cdp.goto(&url(&labs
        .path()
        .join("book/html/lab-08-manage-virtual-machines/index.html")));
    cdp.wait_for(
        "!!document.querySelector('button.timer')",
        "the lab's timer",
    );
    cdp.call(
        "Runtime.evaluate",
        json!({"expression": "document.querySelector('button.timer').click(); const now = Date.now; Date.now = () => now() + 3600 * 1000; window.scrollTo(0, 0)", "userGesture": true}),
    );
    cdp.wait_for(shown, "the lab's notice");
    no_serious_violation_at_both_widths_and_schemes(&mut cdp, "lab 08's notice");
}

/// The index of imported labs: one search box (the header's, 16 px or more so phones do not
/// zoom), which also narrows the cards; each card shows the reader's progress in its guide
/// (steps, not substeps); a lab whose summary opens with its diagram is summarised by its
/// first words, not the diagram's alt text.
#[test]
fn the_index_has_one_search_box_and_shows_each_guides_progress() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let index = book.path().join("book/html/index.html");
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book
        .path()
        .join("book/html/lab-08-manage-virtual-machines/index.html")));
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length > 0",
        "the ticks",
    );
    // Three steps and, inside the third, a substep when there is one (not counted).
    let total = cdp.eval("(() => { const top = Array.from(document.querySelectorAll('li.step')).filter(s => !s.parentElement.closest('li.step')); top.slice(0, 3).forEach(s => s.querySelector('label.tick input').click()); const sub = document.querySelector('li.step li.step label.tick input'); if (sub) sub.click(); return top.length; })()");
    cdp.goto(&url(&index));
    let card = "document.querySelector('#guide-lab-08-manage-virtual-machines .card-progress')";
    cdp.wait_for(&format!("!!{card}"), "the card's progress");
    assert_eq!(
        cdp.eval(&format!("{card}.textContent")),
        format!("3 of {total} done").as_str()
    );
    assert_eq!(
        cdp.eval("document.querySelectorAll('.card-progress').length"),
        1
    );
    assert_eq!(
        cdp.eval("document.querySelector('#guide-lab-ak-05-lab1-ex01-kql-defender .summary').textContent.startsWith('You’re a Security Operations Analyst') || document.querySelector('#guide-lab-ak-05-lab1-ex01-kql-defender .summary').textContent.startsWith(\"You're a Security Operations Analyst\")"),
        true,
        "the lab's first words, not its diagram's alt text"
    );
    // One search box, and it narrows the cards.
    assert_eq!(
        cdp.eval("document.querySelectorAll('input[type=search], input[type=text]').length"),
        1
    );
    let visible = "Array.from(document.querySelectorAll('li.guide-card')).filter(c => !c.hidden && c.getClientRects().length).map(c => c.getAttribute('data-guide'))";
    cdp.eval("(() => { const i = document.querySelector('form.search input'); i.value = 'scale sets'; i.dispatchEvent(new Event('input')); return 1; })()");
    assert_eq!(cdp.eval(visible), json!(["lab-08-manage-virtual-machines"]));
    cdp.eval("(() => { const i = document.querySelector('form.search input'); i.value = ''; i.dispatchEvent(new Event('input')); document.querySelector('main').click(); return 1; })()");
    assert_eq!(cdp.eval(&format!("{visible}.length")), 6);
    for width in [390, 1280] {
        cdp.fits(width).unwrap();
        let size = cdp.eval(
            "parseFloat(getComputedStyle(document.querySelector('form.search input')).fontSize)",
        );
        assert!(size.as_f64().unwrap() >= 16.0, "{size} px at {width}");
        for s in ["light", "dark"] {
            scheme(&mut cdp, "", s);
            no_serious_violation(&mut cdp, &format!("index, {width} px, {s}"));
        }
    }
}

/// The checklist on screen: its boxes can be ticked and are the guide page's ticks (both
/// ways), it is dark when the system is while paper stays black on white with empty boxes, and
/// a Print button (not printed) prints. axe-core in light and dark, also on an imported lab's
/// checklist with steps ticked.
#[test]
fn the_checklist_ticks_with_the_guide_follows_dark_mode_and_prints() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    assert_eq!(book.run(&["build"]).code, 0);
    let checklist = url(&book.path().join("book/html/checklist/azure-pass.html"));
    let guide = url(&book.path().join("book/html/azure-pass/index.html"));
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&checklist);
    let ready = "document.querySelectorAll('li.check').length > 0 && document.querySelectorAll('.box input').length === document.querySelectorAll('li.check').length";
    cdp.wait_for(ready, "the checklist's boxes");
    // Print: shown on screen, and it prints.
    cdp.eval("window.print = () => { window.__printed = true; }; 1");
    assert_eq!(
        cdp.eval("(() => { const b = document.querySelector('button.print'); return !b.hidden && getComputedStyle(b).display !== 'none'; })()"),
        true
    );
    cdp.eval("document.querySelector('button.print').click(); 1");
    assert_eq!(cdp.eval("window.__printed === true"), true);
    // Ticked here, ticked on the guide's page; ticked there, ticked here.
    cdp.eval("document.querySelectorAll('.box input')[0].click(); document.querySelectorAll('.box input')[3].click(); 1");
    let mut ticked: Vec<String> = serde_json::from_value(cdp.eval(TICKED)).unwrap();
    assert_eq!(ticked.len(), 2);
    cdp.goto(&guide);
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length > 0",
        "the guide's ticks",
    );
    assert_eq!(cdp.eval(TICKED), json!(ticked));
    let more = cdp.eval("(() => { const s = document.querySelectorAll('li.step')[6]; s.querySelector('label.tick input').click(); return s.id; })()");
    ticked.push(more.as_str().unwrap().to_owned());
    ticked.sort();
    cdp.goto(&checklist);
    cdp.wait_for(ready, "the checklist again");
    // The guide page's last write may reach the new page a moment later (Chromium commits
    // storage across processes asynchronously; the page follows `storage` events).
    let want = serde_json::to_string(&ticked).unwrap();
    let same = format!(
        "JSON.stringify(({TICKED}).sort()) === {}",
        serde_json::to_string(&want).unwrap()
    );
    for _ in 0..100 {
        if cdp.eval(&same) == json!(true) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut now: Vec<String> = serde_json::from_value(cdp.eval(TICKED)).unwrap();
    now.sort();
    assert_eq!(now, ticked);
    // Light and dark on screen; paper black on white with empty boxes, no button.
    let look = "(() => { const s = getComputedStyle(document.body); const vis = e => getComputedStyle(e).display !== 'none'; return [s.backgroundColor, s.color, vis(document.querySelector('.box input')), vis(document.querySelector('.box .pen')), vis(document.querySelector('button.print'))]; })()";
    for (media, s, expected) in [
        (
            "",
            "light",
            json!(["rgb(255, 255, 255)", "rgb(0, 0, 0)", true, false, true]),
        ),
        (
            "",
            "dark",
            json!(["rgb(13, 17, 23)", "rgb(230, 237, 243)", true, false, true]),
        ),
        (
            "print",
            "dark",
            json!(["rgb(255, 255, 255)", "rgb(0, 0, 0)", false, true, false]),
        ),
    ] {
        scheme(&mut cdp, media, s);
        assert_eq!(cdp.eval(look), expected, "{media} {s}");
        if media.is_empty() {
            no_serious_violation(&mut cdp, &format!("checklist, {s}"));
        }
    }
    scheme(&mut cdp, "", "light");

    // An imported lab's checklist, every box ticked.
    let labs = Book::fixture("labs");
    assert_eq!(labs.run(&["build"]).code, 0);
    let lab = labs
        .path()
        .join("book/html/checklist/lab-ak-10-lab1-ex01-hunting-azure.html");
    cdp.goto(&url(&lab));
    cdp.wait_for(ready, "the lab's checklist");
    cdp.eval("document.querySelectorAll('.box input').forEach(b => b.click()); 1");
    no_serious_violation_at_both_widths_and_schemes(&mut cdp, "lab checklist");
}

/// Types `text` into the header's search box (as the reader does: an input event).
fn type_search(cdp: &mut Cdp, text: &str) {
    cdp.eval(&format!(
        "(() => {{ const i = document.querySelector('form.search input'); i.focus(); i.value = {}; i.dispatchEvent(new Event('input')); return 1; }})()",
        json!(text)
    ));
}

/// The cards shown on the index, by guide id.
const CARDS: &str = "Array.from(document.querySelectorAll('li.guide-card')).filter(c => !c.hidden && c.getClientRects().length).map(c => c.getAttribute('data-guide'))";

/// The index's card filter never leaves an empty page: words found only inside steps (the
/// search's results show them) keep every card; when it hides cards a line says how many match
/// and a button shows them all; Esc shows them all too.
#[test]
fn the_index_filter_says_what_it_hides_and_gives_the_cards_back() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book.path().join("book/html/index.html")));
    cdp.wait_for("!!document.querySelector('form.search input')", "the box");
    let note = "(() => { const n = document.querySelector('.filter-note'); return n && !n.hidden && n.getClientRects().length ? n.textContent : null; })()";
    // A word only inside a step: the result lists it, and every card stays.
    type_search(&mut cdp, "c2.ps1");
    cdp.wait_for(
        "!!document.querySelector('form.search ol a.search-title')",
        "the search's result",
    );
    assert_eq!(cdp.eval(&format!("{CARDS}.length")), 6);
    assert_eq!(cdp.eval(note), json!(null));
    // Words in one card's summary: that card, and a line saying so with a way back.
    type_search(&mut cdp, "scale sets");
    assert_eq!(cdp.eval(CARDS), json!(["lab-08-manage-virtual-machines"]));
    assert_eq!(cdp.eval(note), "1 of 6 guides match Show all guides");
    cdp.eval("document.querySelector('.filter-note button').click(); 1");
    assert_eq!(cdp.eval(&format!("{CARDS}.length")), 6);
    assert_eq!(cdp.eval(note), json!(null));
    // Esc in the box shows them all again too.
    type_search(&mut cdp, "scale sets");
    assert_eq!(cdp.eval(&format!("{CARDS}.length")), 1);
    cdp.press("Escape", 27);
    assert_eq!(cdp.eval(&format!("{CARDS}.length")), 6);
    assert_eq!(cdp.eval(note), json!(null));
    for width in [390, 1280] {
        cdp.fits(width).unwrap();
        type_search(&mut cdp, "scale sets");
        no_serious_violation(&mut cdp, &format!("index filtered, {width} px"));
    }
}

/// A search result shows a step's first sentence (its label: "When prompted … select
/// PowerShell.") once: the excerpt goes on after it, and is left out when the text is no more
/// than the label.
#[test]
fn a_search_result_shows_a_one_sentence_step_once() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book.path().join("book/html/index.html")));
    cdp.wait_for("!!document.querySelector('form.search input')", "the box");
    type_search(&mut cdp, "prompted select PowerShell");
    cdp.wait_for(
        "!!document.querySelector('form.search ol ol a')",
        "the steps found",
    );
    // Each step found: its label, and its excerpt (null when there is none).
    let rows = cdp.eval("Array.from(document.querySelectorAll('form.search ol ol a')).map(a => { const e = a.querySelector('.search-excerpt'); return [a.querySelector('.search-where').textContent, e ? e.textContent : null]; })");
    let rows = rows.as_array().unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let once = rows
        .iter()
        .find(|r| r[0].as_str().unwrap().contains("select PowerShell."))
        .unwrap_or_else(|| panic!("the step: {rows:?}"));
    assert!(
        once[1]
            .as_str()
            .is_some_and(|e| !e.contains("When prompted")),
        "the text after the label: {once}"
    );
    for r in rows {
        let label = r[0].as_str().unwrap();
        let label = squash(label.split_once(" · ").map_or(label, |(_, l)| l));
        if let Some(e) = r[1].as_str() {
            let e = squash(e.trim_start_matches("… ").trim_end_matches(" …"));
            assert!(!label.contains(&e) && !e.contains(&label), "{r}");
        }
    }
    assert!(
        rows.iter().any(|r| r[1].is_string()),
        "a longer text keeps its excerpt: {rows:?}"
    );
}

/// At 390 px a code block's Copy button covers none of its code: the button's box and the
/// first line's text do not overlap (the line scrolls sideways, under the button before).
#[test]
fn the_copy_button_covers_no_code_on_a_phone() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book
        .path()
        .join("book/html/lab-08-manage-virtual-machines/index.html")));
    cdp.wait_for(
        "document.querySelectorAll('.code-block > button.copy').length > 0",
        "the copy buttons",
    );
    cdp.fits(390).unwrap();
    // For each code block: whether the button's box meets a box of its first line's text.
    let overlaps = "Array.from(document.querySelectorAll('.code-block')).map(w => { const b = w.querySelector('button.copy').getBoundingClientRect(); const r = document.createRange(); r.selectNodeContents(w.querySelector('pre')); const boxes = Array.from(r.getClientRects()).filter(x => x.width > 0 && x.height > 0); const top = Math.min(...boxes.map(x => x.top)); return boxes.filter(x => x.top < top + 2).some(x => x.left < b.right && x.right > b.left && x.top < b.bottom && x.bottom > b.top); })";
    let found = cdp.eval(overlaps);
    assert!(!found.as_array().unwrap().is_empty());
    assert!(
        found.as_array().unwrap().iter().all(|o| o == false),
        "{found}"
    );
    for width in [390, 1280] {
        cdp.fits(width).unwrap();
        no_serious_violation(&mut cdp, &format!("code blocks, {width} px"));
    }
}

/// The lightbox offers a screenshot at its own size: fitted first (a 1523 px screenshot barely
/// grew), a tap on it (or Full size) shows its natural width, scrollable within the dialog, and
/// another tap fits it again; Esc still closes. At 1280 and 390 px. A picture that fits whole
/// has no Full size.
#[test]
fn the_lightbox_shows_a_screenshot_at_full_size_and_scrolls_it() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    let shot = "content/media/lab-08-manage-virtual-machines/az104-lab08-create-vm.png";
    image::RgbImage::from_fn(1523, 1000, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    })
    .save(book.path().join(shot))
    .unwrap();
    image::RgbImage::from_pixel(240, 150, image::Rgb([30, 90, 160]))
        .save(
            book.path()
                .join("content/media/lab-08-manage-virtual-machines/az104-lab08-resize-vm.png"),
        )
        .unwrap();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&url(&book
        .path()
        .join("book/html/lab-08-manage-virtual-machines/index.html")));
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length > 0",
        "the reader",
    );
    let big = "document.querySelector('dialog.lightbox img')";
    // The picture's width on screen, the dialog's pane: how wide its content is, how far it
    // scrolled after asking for 300 px, and whether the dialog stays within the window.
    let state = format!(
        "(() => {{ const d = document.querySelector('dialog.lightbox'); const p = d.querySelector('.lightbox-pic'); p.scrollLeft = 300; const r = d.getBoundingClientRect(); \
         return {{ width: Math.round({big}.getBoundingClientRect().width), scrolled: p.scrollLeft > 0, inside: r.left >= 0 && r.right <= innerWidth && r.bottom <= innerHeight, button: d.querySelector('.lightbox-size').textContent }}; }})()"
    );
    for width in [1280, 390] {
        cdp.fits(width).unwrap();
        cdp.eval(
            "document.querySelector('a.zoom[href$=\"az104-lab08-create-vm.png\"]').click(); 1",
        );
        cdp.wait_for(
            &format!("document.querySelector('dialog.lightbox').open && {big}.complete && {big}.naturalWidth === 1523"),
            "the picture in the lightbox",
        );
        let fitted = cdp.eval(&state);
        assert!(
            fitted["width"].as_u64().unwrap() < 1200,
            "{width} px: {fitted}"
        );
        assert_eq!(fitted["button"], "Full size", "{fitted}");
        cdp.eval(&format!("{big}.click(); 1"));
        assert_eq!(
            cdp.eval(&state),
            json!({"width": 1523, "scrolled": true, "inside": true, "button": "Fit to screen"}),
            "{width} px, full size"
        );
        for s in ["light", "dark"] {
            scheme(&mut cdp, "", s);
            no_serious_violation(&mut cdp, &format!("full size, {width} px, {s}"));
        }
        cdp.eval(&format!("{big}.click(); 1"));
        assert_eq!(cdp.eval(&state), fitted, "{width} px, fitted again");
        // The button does the same; Esc closes the dialog.
        cdp.eval("document.querySelector('dialog.lightbox .lightbox-size').click(); 1");
        assert_eq!(cdp.eval(&state)["width"], 1523);
        cdp.press("Escape", 27);
        cdp.wait_for(
            "!document.querySelector('dialog.lightbox').open",
            "Esc to close",
        );
    }
    // A small picture is shown whole at its own size already: no Full size, and a tap on it
    // changes nothing.
    cdp.fits(1280).unwrap();
    cdp.eval("document.querySelector('a.zoom[href$=\"az104-lab08-resize-vm.png\"]').click(); 1");
    cdp.wait_for(
        &format!("document.querySelector('dialog.lightbox').open && {big}.complete && {big}.naturalWidth === 240"),
        "the small picture in the lightbox",
    );
    let small = "(() => { const d = document.querySelector('dialog.lightbox'); return { width: Math.round(d.querySelector('img').getBoundingClientRect().width), offered: !d.querySelector('.lightbox-size').hidden }; })()";
    assert_eq!(cdp.eval(small), json!({"width": 240, "offered": false}));
    cdp.eval(&format!("{big}.click(); 1"));
    assert_eq!(cdp.eval(small), json!({"width": 240, "offered": false}));
    no_serious_violation(&mut cdp, "a small picture");
}

/// A running countdown survives a reload of the page: it goes on from where it was (not back
/// to Start), and one that ended while the page was away gives its notice on load.
#[test]
fn a_wait_countdown_survives_a_reload() {
    let Some(browser) = chromium() else { return };
    let book = Book::bundled();
    book.write(
        "content/long.yaml",
        "title: Long\nsections:\n  - title: Deploy\n    steps:\n      - text: Start the deployment.\n        wait: 10m\n",
    );
    book.write(
        "content/short.yaml",
        "title: Short\nsections:\n  - title: Deploy\n    steps:\n      - text: Start the deployment.\n        wait: 1s\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut cdp = Cdp::open(browser, "about:blank");
    let long = url(&book.path().join("book/html/long/index.html"));
    cdp.goto(&long);
    cdp.wait_for("!!document.querySelector('button.timer')", "the timer");
    cdp.eval("document.querySelector('button.timer').click(); 1");
    let state = "[document.querySelector('button.timer').textContent, document.querySelector('.timer-left').textContent]";
    cdp.wait_for(
        "document.querySelector('.timer-left').textContent.includes('left')",
        "the countdown",
    );
    // Reloaded: still counting, from under ten minutes.
    cdp.eval("window.__old = true; 1");
    cdp.call("Page.reload", json!({}));
    cdp.wait_for(
        "!window.__old && document.readyState === 'complete' && !!document.querySelector('button.timer') && document.querySelector('.timer-left').textContent !== ''",
        "the countdown after the reload",
    );
    let after = cdp.eval(state);
    assert_eq!(after[0], "Stop timer", "{after}");
    let left = after[1].as_str().unwrap();
    assert!(left.starts_with(" 9:") || left == " 10:00 left", "{left}");
    // Stopped, a reload shows Start again.
    cdp.eval("document.querySelector('button.timer').click(); 1");
    cdp.eval("window.__old = true; 1");
    cdp.call("Page.reload", json!({}));
    cdp.wait_for(
        "!window.__old && document.readyState === 'complete' && !!document.querySelector('button.timer')",
        "the page again",
    );
    assert_eq!(cdp.eval(state), json!(["Start timer", ""]));

    // A wait that ends while the page is away: its notice on the way back.
    let short = url(&book.path().join("book/html/short/index.html"));
    cdp.goto(&short);
    cdp.wait_for(
        "!!document.querySelector('button.timer')",
        "the short timer",
    );
    cdp.eval("document.querySelector('button.timer').click(); 1");
    cdp.goto(&long);
    cdp.wait_for("!!document.querySelector('button.timer')", "another page");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    cdp.goto(&short);
    cdp.wait_for(
        "(() => { const t = document.querySelector('.timer-toast'); return !!t && !t.hidden; })()",
        "the notice of the wait that ended",
    );
    assert_eq!(
        cdp.eval("[document.querySelector('.timer-toast a').textContent, document.querySelector('button.timer').textContent]"),
        json!(["Step 1: the wait is over.", "Start timer"])
    );
    // Given once: not again on the next load.
    cdp.eval("window.__old = true; 1");
    cdp.call("Page.reload", json!({}));
    cdp.wait_for(
        "!window.__old && document.readyState === 'complete' && !!document.querySelector('button.timer')",
        "the page again",
    );
    assert_eq!(cdp.eval("!document.querySelector('.timer-toast')"), true);
}

/// Opened at the last step of a section (`#anchor`), or sent there, the contents mark that
/// section, not the next one whose top is just below the short step. On a laptop and a phone.
#[test]
fn the_contents_mark_the_section_of_the_step_landed_on() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let page = url(&book
        .path()
        .join("book/html/lab-08-manage-virtual-machines/index.html"));
    let mut cdp = Cdp::open(browser, "about:blank");
    cdp.goto(&page);
    cdp.wait_for("!!document.querySelector('nav.toc')", "the contents");
    // Each section's id and its last step's.
    let last = "Array.from(document.querySelectorAll('section.section')).map(s => { const steps = Array.from(s.querySelectorAll('li.step')).filter(x => !x.parentElement.closest('li.step')); return [s.id, steps.length ? steps[steps.length - 1].id : null]; })";
    let sections = cdp.eval(last);
    let sections = sections.as_array().unwrap();
    assert!(sections.len() >= 4, "{sections:?}");
    let marked = "(() => { const a = document.querySelector('nav.toc a[aria-current]'); return a ? a.getAttribute('href') : null; })()";
    for width in [1280, 390] {
        cdp.fits(width).unwrap();
        let (section, step) = (
            sections[2][0].as_str().unwrap(),
            sections[2][1].as_str().unwrap(),
        );
        cdp.goto("about:blank");
        cdp.goto(&format!("{page}#{step}"));
        cdp.wait_for(
            &format!("document.getElementById('{step}').getBoundingClientRect().top < 100 && window.scrollY > 0"),
            "the step at the top",
        );
        // The scroll's mark comes at most 50 ms after the scroll.
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(
            cdp.eval(marked),
            format!("#{section}"),
            "{width} px, opened at #{step}"
        );
        // Sent to the last step of section 2 by a link in the page.
        let (section, step) = (
            sections[1][0].as_str().unwrap(),
            sections[1][1].as_str().unwrap(),
        );
        cdp.eval(&format!("location.hash = '#{step}'; 1"));
        cdp.wait_for(
            &format!("document.getElementById('{step}').getBoundingClientRect().top < 100"),
            "the step at the top",
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(
            cdp.eval(marked),
            format!("#{section}"),
            "{width} px, sent to #{step}"
        );
    }
}
