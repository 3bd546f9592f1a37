//! The reader's search in a real browser (headless Chromium over the DevTools protocol, from
//! `file://`) on six real labs imported from the corpus (`tests/fixtures/labs`: AZ-104 labs 03,
//! 04, 06 and 08, SC-200's KQL and threat-hunting labs; their screenshots replaced by small
//! PNGs): code tokens in step bodies, ranking by title, marked words, the keyboard, and what a
//! page loads before a search (nothing).

use std::path::Path;

use crate::Book;
use crate::cdp::{Cdp, chromium};

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

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

fn key(cdp: &mut Cdp, key: &str, code: u32) {
    let text = if key == "Enter" { "\r" } else { "" };
    let down = if text.is_empty() {
        "rawKeyDown"
    } else {
        "keyDown"
    };
    for kind in [down, "keyUp"] {
        cdp.call(
            "Input.dispatchKeyEvent",
            serde_json::json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "text": text}),
        );
    }
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
    key(&mut cdp, "Escape", 27);
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
    key(&mut cdp, "ArrowDown", 40);
    assert_eq!(cdp.eval("document.activeElement.className"), "search-title");
    key(&mut cdp, "ArrowDown", 40);
    assert_eq!(
        cdp.eval("document.activeElement.getAttribute('href')"),
        href.as_str()
    );
    key(&mut cdp, "Enter", 13);
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
