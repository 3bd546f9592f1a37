//! The reader's search in a real browser (headless Chromium over the DevTools protocol, from
//! `file://`) on six real labs imported from the corpus (`tests/fixtures/labs`: AZ-104 labs 03,
//! 04, 06 and 08, SC-200's KQL and threat-hunting labs; their screenshots replaced by small
//! PNGs): code tokens in step bodies, ranking by title, marked words, the keyboard, and what a
//! page loads before a search (nothing).

use crate::Book;
use crate::cdp::{Cdp, chromium, url};

/// Types `query` into the search box and waits for results (or "nothing found").
fn search(cdp: &mut Cdp, query: &str) {
    let q = serde_json::to_string(query).unwrap();
    cdp.eval(
        "(() => { const i = document.querySelector('form.search input'); i.focus(); i.value = ''; i.dispatchEvent(new Event('input')); return 1; })()",
    );
    cdp.wait_for(
        "document.querySelectorAll('ol.search-results li').length === 0",
        "the results cleared",
    );
    cdp.eval(&format!(
        "(() => {{ const i = document.querySelector('form.search input'); i.value = {q}; i.dispatchEvent(new Event('input')); return 1; }})()"
    ));
    // Results are for this query once the first link's highlight is its words.
    cdp.wait_for(
        &format!("(() => {{ const a = document.querySelector('ol.search-results a'); const none = document.querySelector('ol.search-results .search-none'); return !!(none || (a && decodeURIComponent(a.href).includes('highlight=' + {q}.toLowerCase()))); }})()"),
        &format!("results for {query}"),
    );
}

fn first_guide(cdp: &mut Cdp) -> String {
    cdp.eval("document.querySelector('ol.search-results a.search-title').getAttribute('href').split('?')[0]")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn search_finds_code_in_step_bodies_ranks_titles_and_marks_the_step_landed_on() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index = book.path().join("book/html/index.html");
    // The placeholder a phone shows has no "(press /)".
    assert!(
        book.read("book/html/index.html")
            .contains("placeholder=\"Search\"")
    );
    let mut cdp = Cdp::open(browser, &url(&index));
    cdp.call(
        "Emulation.setFocusEmulationEnabled",
        serde_json::json!({"enabled": true}),
    );
    // (Chromium starts on about:blank, which is complete at once.)
    cdp.wait_for(
        "document.readyState === 'complete' && !!window.stepbookSearch",
        "the index",
    );
    // The page loaded no search data (file:// loads are not in the resource timings: the
    // index is loaded by adding script elements).
    let loaded =
        "Array.from(document.scripts).filter(s => /search-index|search_index/.test(s.src)).length";
    assert_eq!(cdp.eval(loaded), 0);

    // A code token that is only in a step's code block, whole and by its start.
    for query in ["New-AzVm", "new-azv", "az104-rg8", "AZ104-RG8"] {
        search(&mut cdp, query);
        assert_eq!(
            first_guide(&mut cdp),
            "lab-08-manage-virtual-machines/index.html",
            "{query}"
        );
    }
    assert!(cdp.eval(loaded).as_u64().unwrap() > 1);
    search(&mut cdp, "New-AzVm");
    let hit = cdp.eval(
        "(() => { const a = document.querySelector('ol.search-results ol a'); return [a.getAttribute('href'), a.querySelector('mark').textContent.toLowerCase()]; })()",
    );
    let href = hit[0].as_str().unwrap().to_owned();
    assert_eq!(hit[1], "new-azvm", "{hit}");
    let anchor = href
        .split('#')
        .nth(1)
        .expect("the result links to a step")
        .to_owned();
    assert!(href.contains("?highlight=new-azvm#"), "{href}");
    // Matched words are marked in the excerpt; every result shows its guide once.
    assert_eq!(
        cdp.eval("document.querySelectorAll('ol.search-results > li').length === new Set(Array.from(document.querySelectorAll('ol.search-results a.search-title')).map(a => a.getAttribute('href'))).size"),
        true
    );
    // Words of a lab's title rank that lab first.
    for (query, id) in [
        ("manage virtual machines", "lab-08-manage-virtual-machines"),
        (
            "implement virtual networking",
            "lab-04-implement-virtual-networking",
        ),
        (
            "network traffic management",
            "lab-06-implement-network-traffic-management",
        ),
        (
            "resource manager templates",
            "lab-03b-manage-azure-resources-by-using-arm-templates",
        ),
        (
            "threat hunting sentinel",
            "lab-ak-10-lab1-ex01-hunting-azure",
        ),
        (
            "queries kusto query language",
            "lab-ak-05-lab1-ex01-kql-defender",
        ),
    ] {
        search(&mut cdp, query);
        assert_eq!(first_guide(&mut cdp), format!("{id}/index.html"), "{query}");
    }
    search(&mut cdp, "zzqx nothing");
    assert_eq!(
        cdp.eval("document.querySelector('ol.search-results').innerText"),
        "Nothing found"
    );

    // Esc closes the results; a click outside closes them; ↓ enters them, Enter follows.
    search(&mut cdp, "New-AzVm");
    cdp.press("Escape", 27);
    assert_eq!(
        cdp.eval("document.querySelector('ol.search-results').hidden"),
        true
    );
    search(&mut cdp, "New-AzVm");
    assert_eq!(
        cdp.eval("document.querySelector('ol.search-results').hidden"),
        false
    );
    cdp.eval("document.querySelector('main').click(); 1");
    assert_eq!(
        cdp.eval("document.querySelector('ol.search-results').hidden"),
        true
    );
    search(&mut cdp, "New-AzVm");
    cdp.press("ArrowDown", 40);
    assert_eq!(cdp.eval("document.activeElement.className"), "search-title");
    cdp.press("ArrowDown", 40);
    assert_eq!(
        cdp.eval("document.activeElement.getAttribute('href')"),
        href.as_str()
    );
    cdp.press("Enter", 13);
    cdp.wait_for(
        &format!(
            "location.hash === '#{anchor}' && document.readyState === 'complete' && !!document.querySelector('.search-landed')"
        ),
        "the step landed on",
    );
    // On the page: the step is marked, its words too, and it is on screen below the top edge.
    assert_eq!(
        cdp.eval("document.querySelector('.search-landed').id"),
        anchor.as_str()
    );
    assert_eq!(
        cdp.eval("Array.from(new Set(Array.from(document.querySelectorAll('.search-landed mark.search-hit')).map(m => m.textContent.toLowerCase()))).join()"),
        "new-azvm"
    );
    let top = cdp.eval("document.querySelector('.search-landed').getBoundingClientRect().top");
    let top = top.as_f64().unwrap();
    assert!((10.0..300.0).contains(&top), "the step is at {top} px");
}

/// The search files of a book are small and a query loads only some of them.
#[test]
fn the_index_is_split_so_a_query_loads_a_few_files() {
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let dir = book.path().join("book/html/search_index");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert!(files.len() >= 3, "{}", files.len());
    for f in &files {
        let len = f.metadata().unwrap().len();
        assert!(len < 100 * 1024, "{:?}: {len}", f.path());
    }
    let manifest = book.read("book/html/search-index.js");
    assert!(
        manifest.starts_with("stepbookSearch.index({\"n\":6,"),
        "{manifest}"
    );
    // Every word of a step body is in the index: code, table cells, notes.
    let words: String = files
        .iter()
        .filter(|f| f.file_name().to_string_lossy().starts_with('t'))
        .map(|f| std::fs::read_to_string(f.path()).unwrap())
        .collect();
    for w in [
        "\"new-azvm\":",
        "\"az104-rg8\":",
        "\"az104\":",
        "\"rg8\":",
        "\"securityevent\":",
    ] {
        assert!(words.contains(w), "{w}");
    }
}

/// axe-core on imported labs (code, tables, images): no serious or critical violation in light
/// and dark, at 390 and 1280 px, before and after ticking every step; printed, step numbers
/// such as `3.12` stay inside the page, link addresses print only for links whose text is not
/// the address, never for screenshots.
#[test]
fn imported_labs_are_accessible_ticked_or_not_and_print_cleanly() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let labs = [
        "lab-08-manage-virtual-machines",
        "lab-ak-05-lab1-ex01-kql-defender",
        "lab-ak-10-lab1-ex01-hunting-azure",
    ];
    let mut cdp = Cdp::open(browser, "about:blank");
    for id in labs {
        cdp.goto(&url(&book
            .path()
            .join(format!("book/html/{id}/index.html"))));
        cdp.wait_for(
            "document.querySelectorAll('label.tick input').length > 0",
            "the ticks",
        );
        for scheme in ["light", "dark"] {
            cdp.call(
                "Emulation.setEmulatedMedia",
                serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
            );
            for width in [390, 1280] {
                cdp.fits(width)
                    .unwrap_or_else(|e| panic!("{id} at {width} px: {e}"));
                for ticked in [false, true] {
                    cdp.eval(&format!("document.querySelectorAll('label.tick input').forEach(b => {{ if (b.checked !== {ticked}) b.click(); }}); 1"));
                    let violations = cdp.axe();
                    assert!(
                        violations.is_empty(),
                        "{id} ({scheme}, {width} px, ticked: {ticked}): {violations:#?}"
                    );
                }
            }
        }
        cdp.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"media": "print"}),
        );
        let clipped = cdp.eval(
            "(() => { const left = document.querySelector('main').getBoundingClientRect().left; return Array.from(document.querySelectorAll('.step-num')).filter(n => n.getBoundingClientRect().left < left - 0.5).map(n => n.textContent).slice(0, 5); })()",
        );
        assert_eq!(
            clipped,
            serde_json::json!([]),
            "{id}: numbers outside the page"
        );
        let printed = cdp.eval(
            "(() => { const after = a => getComputedStyle(a, '::after').content; const links = Array.from(document.querySelectorAll('main a[href^=\"http\"]')); return { bare: links.filter(a => a.textContent.trim() === a.getAttribute('href')).map(after).filter(c => c !== 'none'), shots: Array.from(document.querySelectorAll('a.zoom, a:has(img)')).map(after).filter(c => c !== 'none') }; })()",
        );
        assert_eq!(
            printed,
            serde_json::json!({"bare": [], "shots": []}),
            "{id}: addresses printed twice or under pictures"
        );
        cdp.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"media": ""}),
        );
    }
}

/// A phone at 390 px, 70% down a long lab (SC-200's threat hunting, 115 steps): the compact bar
/// is at the top with the section, "N of M done" and a contents button that opens the
/// contents; the page does not scroll sideways. Wide screens keep the sidebar, no bar.
#[test]
fn a_phone_deep_in_a_long_lab_has_a_bar_with_progress_and_contents() {
    let Some(browser) = chromium() else { return };
    let book = Book::fixture("labs");
    assert_eq!(book.run(&["build"]).code, 0);
    let page = book
        .path()
        .join("book/html/lab-ak-10-lab1-ex01-hunting-azure/index.html");
    let mut cdp = Cdp::open(browser, &url(&page));
    cdp.wait_for(
        "document.querySelectorAll('label.tick input').length > 0",
        "the ticks",
    );
    cdp.fits(390).unwrap();
    cdp.eval("document.querySelectorAll('label.tick input')[0].click(); window.scrollTo(0, 0.7 * (document.scrollingElement.scrollHeight - innerHeight)); 1");
    let shown = "(() => { const b = document.querySelector('.phonebar'); return !!b && getComputedStyle(b).display === 'flex' && b.getBoundingClientRect().top === 0; })()";
    cdp.wait_for(shown, "the phone bar");
    let bar = cdp.eval(
        "[document.querySelector('.phonebar-section').textContent, document.querySelector('.phonebar-progress').textContent, document.querySelector('.phonebar-contents').textContent]",
    );
    assert!(!bar[0].as_str().unwrap().is_empty(), "{bar}");
    assert!(
        bar[1].as_str().unwrap().starts_with("1 of ")
            && bar[1].as_str().unwrap().ends_with(" done"),
        "{bar}"
    );
    assert_eq!(bar[2], "Contents");
    cdp.fits(390).unwrap();
    // Table cells wrap between words, a wide table scrolls inside its own box.
    assert_eq!(
        cdp.eval("Array.from(document.querySelectorAll('main td')).every(td => getComputedStyle(td).overflowWrap === 'normal') && Array.from(document.querySelectorAll('main table')).every(t => t.getBoundingClientRect().right <= innerWidth + 0.5)"),
        true
    );
    // Touch screens: tick boxes of 24 px or more.
    cdp.call(
        "Emulation.setTouchEmulationEnabled",
        serde_json::json!({"enabled": true, "maxTouchPoints": 1}),
    );
    cdp.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"features": [{"name": "pointer", "value": "coarse"}]}),
    );
    cdp.wait_for("matchMedia('(pointer: coarse)').matches", "a touch screen");
    assert_eq!(
        cdp.eval("document.querySelector('label.tick input').getBoundingClientRect().width >= 24"),
        true
    );
    cdp.eval("document.querySelector('.phonebar-contents').click(); 1");
    cdp.wait_for(
        "(() => { const t = document.querySelector('nav.toc'); const r = t.getBoundingClientRect(); return t.querySelector('details').open && r.top >= -1 && r.top < innerHeight; })()",
        "the contents, open",
    );
    // A laptop: the sidebar, no bar.
    cdp.fits(1280).unwrap();
    cdp.eval("window.scrollTo(0, 0.7 * (document.scrollingElement.scrollHeight - innerHeight)); 1");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        cdp.eval("getComputedStyle(document.querySelector('.phonebar')).display"),
        "none"
    );
}
