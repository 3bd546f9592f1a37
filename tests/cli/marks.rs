//! Marks over screenshots (#26): an 800×600 screenshot with a box, an arrow and two callouts is
//! drawn over in HTML (an SVG whose viewBox is the image's size, which scales with it), in the
//! guide PDF and listed in Markdown; a mark outside the image is an error at its line in check,
//! lint and the language server.

use std::path::Path;

#[cfg(feature = "lsp")]
use serde_json::json;

use crate::Book;

/// A plain grey 800×600 PNG, so the marks' colour is easy to find in a rendering.
pub(crate) fn grey_png(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(800, 600, image::Rgb([200, 200, 200]))
        .save(path)
        .unwrap();
}

const GUIDE: &str = "title: Marks
sections:
  - title: Sign in
    steps:
      - text: Fill in the form and select **Next** (2).
        screenshots:
          - src: shot.png
            alt: The portal's create page
            marks:
              - box: [80, 120, 240, 100]
                label: Subscription
              - arrow: [700, 500, 560, 420]
              - callout: 1
                at: [600, 100]
                label: Resource group
              - callout: 2
                at: [720, 300]
                label: Next button
";

fn marked_book(outputs: &str) -> Book {
    let book = Book {
        dir: tempfile::tempdir().unwrap(),
    };
    book.write("book.toml", &format!("[book]\ntitle = \"T\"\n{outputs}"));
    book.write("content/marks.yaml", GUIDE);
    grey_png(&book.path().join("content/shot.png"));
    book
}

#[test]
fn marks_are_drawn_over_the_html_image_and_listed_in_markdown() {
    let book = marked_book("[output.html]\n[output.markdown]\n");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/marks/index.html");
    let svg_at = html.find("<svg class=\"marks\"").expect("an SVG overlay");
    let svg = &html[svg_at..html[svg_at..].find("</svg>").unwrap() + svg_at];
    assert!(svg.contains("viewBox=\"0 0 800 600\""), "{svg}");
    assert!(svg.contains("preserveAspectRatio=\"none\""), "{svg}");
    assert!(
        svg.contains("vector-effect=\"non-scaling-stroke\""),
        "{svg}"
    );
    assert!(
        svg.contains("role=\"img\" aria-label=\"Marks: Box: Subscription; Arrow; Callout 1: Resource group; Callout 2: Next button\""),
        "{svg}"
    );
    assert!(
        svg.contains("<rect class=\"mark-box\" x=\"80\" y=\"120\" width=\"240\" height=\"100\""),
        "{svg}"
    );
    assert_eq!(svg.matches("class=\"mark-callout\"").count(), 2);
    // The labels are for sighted readers too: printed under the image (the overlay has only
    // shapes and numbers).
    assert!(
        html.contains("<p class=\"mark-labels\">Box: Subscription · Callout 1: Resource group · Callout 2: Next button</p>"),
        "{html}"
    );
    // Inside the image's link, beside the image, in one positioned wrapper.
    let before = &html[..svg_at];
    assert!(
        before.ends_with("width=\"800\" height=\"600\">")
            && before.contains("<span class=\"marked\"><img"),
        "{}",
        &before[before.len() - 300..]
    );
    let css = book.read("book/html/theme/style.css");
    assert!(css.contains("--mark:") && css.contains(".marked > svg.marks"));
    let md = book.read("book/markdown/marks.md");
    assert!(
        md.contains(
            "    Marks:\n\n    1. Resource group\n    2. Next button\n\n    - Box: Subscription (80, 120, 240 × 100)\n    - Arrow (700, 500) → (560, 420)\n"
        ),
        "{md}"
    );
}

/// A label is text, never markup: not in the SVG, not in the Markdown.
#[test]
fn labels_cannot_inject_markup() {
    let book = marked_book("[output.html]\n[output.markdown]\n");
    book.write(
        "content/marks.yaml",
        &GUIDE.replace(
            "label: Subscription",
            "label: \"</svg><script>alert(1)</script> *x* [l](javascript:x)\"",
        ),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/marks/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("aria-label=\"Marks: Box: &lt;&#x2F;svg&gt;&lt;script&gt;")
            || html.contains("aria-label=\"Marks: Box: &lt;/svg&gt;&lt;script&gt;"),
        "{html}"
    );
    let md = book.read("book/markdown/marks.md");
    assert!(
        md.contains(
            "- Box: \\</svg\\>\\<script\\>alert(1)\\</script\\> \\*x\\* \\[l\\](javascript:x)"
        ),
        "{md}"
    );
}

/// Where the accent colour of the marks is in a rendered page.
#[cfg(feature = "pdf")]
fn accent(p: &image::Rgb<u8>) -> bool {
    let [r, g, b] = p.0;
    r > 150 && g < 130 && b > 50 && b < 170 && r as i32 - g as i32 > 80
}

#[cfg(feature = "pdf")]
#[test]
fn the_guide_pdf_draws_the_marks_over_the_image() {
    let book = marked_book("[output.pdf]\n");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("book/pdf/marks.pdf");
    let pdf = if pdf.is_file() {
        pdf
    } else {
        book.path().join("book/html/pdf/marks.pdf")
    };
    // The overlay has no words: the labelled marks are printed under the image.
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Box: Subscription · Callout 1: Resource group · Callout 2: Next button"),
        "{text}"
    );
    let ok = std::process::Command::new("pdftoppm")
        .args(["-r", "100", "-png", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(book.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(ok.success());
    let page = image::open(book.path().join("page-1.png"))
        .unwrap()
        .to_rgb8();
    // The image: the grey pixels' bounds.
    let grey = |p: &image::Rgb<u8>| p.0.iter().all(|&c| (195..=205).contains(&c));
    // (Rows with many grey pixels: anti-aliased text has a few.)
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..page.height() {
        let row: Vec<u32> = (0..page.width())
            .filter(|&x| grey(page.get_pixel(x, y)))
            .collect();
        if row.len() > 200 {
            (y0, y1) = (y0.min(y), y1.max(y));
            (x0, x1) = (x0.min(row[0]), x1.max(row[row.len() - 1]));
        }
    }
    assert!(x1 > x0 + 300, "no image found on the page");
    let s = f64::from(x1 - x0 + 1) / 800.0;
    let ratio = f64::from(y1 - y0 + 1) / f64::from(x1 - x0 + 1);
    assert!(
        (ratio - 0.75).abs() < 0.01,
        "the image keeps its shape: {ratio}"
    );
    let at = |x: f64, y: f64| *page.get_pixel(x0 + (x * s) as u32, y0 + (y * s) as u32);
    // The box's colour on each of its edges (± a pixel of the page)...
    let near = |x: f64, y: f64| {
        (-2..=2).any(|d: i32| {
            let d = f64::from(d) / s;
            accent(&at(x + d, y)) || accent(&at(x, y + d))
        })
    };
    for (x, y) in [
        (200.0, 120.0),
        (200.0, 220.0),
        (80.0, 170.0),
        (320.0, 170.0),
    ] {
        assert!(near(x, y), "no mark colour on the box's edge at ({x}, {y})");
    }
    // ...not inside it, and nowhere on the image but the marks.
    assert!(!accent(&at(200.0, 170.0)));
    let marks = [
        (80.0, 120.0, 320.0, 220.0),
        (540.0, 400.0, 710.0, 510.0),
        (570.0, 70.0, 630.0, 130.0),
        (690.0, 270.0, 750.0, 330.0),
    ];
    let margin = 4.0;
    for (x, y, p) in page.enumerate_pixels() {
        if x < x0 || x > x1 || y < y0 || y > y1 || !accent(p) {
            continue;
        }
        let (ix, iy) = (f64::from(x - x0) / s, f64::from(y - y0) / s);
        let on_a_mark = marks.iter().any(|&(a, b, c, d)| {
            ix >= a - margin && ix <= c + margin && iy >= b - margin && iy <= d + margin
        });
        assert!(on_a_mark, "mark colour at image pixel ({ix:.0}, {iy:.0})");
    }
}

const OUTSIDE: &str = "title: Marks
sections:
  - title: S
    steps:
      - text: x
        screenshots:
          - src: shot.png
            alt: The portal
            marks:
              - box: [10, 10, 20, 20]
              - box: [700, 500, 200, 50]
              - callout: 1
                at: [-5, 10]
";

/// The line (1-based) of the first line of `text` that contains `what`.
fn line_of(text: &str, what: &str) -> usize {
    text.lines().position(|l| l.contains(what)).unwrap() + 1
}

#[test]
fn a_mark_outside_the_image_is_an_error_at_its_line_in_check_and_lint() {
    let book = marked_book("");
    book.write("content/marks.yaml", OUTSIDE);
    let outside = format!("content/marks.yaml:{}:", line_of(OUTSIDE, "[700, 500"));
    let negative = format!("content/marks.yaml:{}:", line_of(OUTSIDE, "[-5, 10]"));
    for args in [&["check"][..], &["lint", "--offline"][..]] {
        let r = book.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let found = crate::locations(&r.stderr);
        let e030: Vec<&String> = found
            .iter()
            .filter(|(c, _)| c == "E030")
            .map(|(_, at)| at)
            .collect();
        assert_eq!(e030.len(), 2, "{args:?}: {}", r.stderr);
        assert!(e030[0].starts_with(&outside), "{args:?}: {e030:?}");
        assert!(e030[1].starts_with(&negative), "{args:?}: {e030:?}");
        assert!(
            r.stderr
                .contains("this box is outside the image, which is 800×600 pixels"),
            "{}",
            r.stderr
        );
    }
}

#[cfg(feature = "lsp")]
#[test]
fn the_language_server_reports_marks_outside_and_completes_mark_kinds() {
    let book = marked_book("");
    let text = OUTSIDE.replace(
        "              - callout: 1\n                at: [-5, 10]\n",
        "              - \n",
    );
    book.write("content/marks.yaml", &text);
    let path = book
        .path()
        .canonicalize()
        .unwrap()
        .join("content/marks.yaml");
    let uri = format!("file://{}", path.display());
    let mut c = crate::lsp::Client::start();
    c.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    c.until(|m| m["id"] == 1);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}));
    let published = c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    let diags = published["params"]["diagnostics"].as_array().unwrap();
    let e030: Vec<&serde_json::Value> = diags.iter().filter(|d| d["code"] == "E030").collect();
    assert_eq!(e030.len(), 1, "{published}");
    assert_eq!(
        e030[0]["range"]["start"]["line"],
        line_of(&text, "[700, 500") - 1,
        "{published}"
    );
    assert_eq!(e030[0]["severity"], 1);
    // After `- ` in the list of marks: the mark kinds, with what each takes.
    let line = line_of(&text, "              - ") - 1;
    let line = text
        .lines()
        .enumerate()
        .skip(line)
        .find(|(_, l)| l.trim() == "-")
        .unwrap()
        .0;
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 16}}}));
    let items = c.until(|m| m["id"] == 2)["result"].clone();
    let items = items
        .as_array()
        .cloned()
        .unwrap_or_else(|| items["items"].as_array().cloned().unwrap_or_default());
    let kinds: Vec<(&str, &str)> = items
        .iter()
        .filter(|i| i["detail"].as_str().is_some_and(|d| d.starts_with("mark:")))
        .map(|i| {
            (
                i["label"].as_str().unwrap(),
                i["insertText"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("arrow", "arrow: ["),
            ("box", "box: ["),
            ("callout", "callout: "),
            ("highlight", "highlight: [")
        ],
        "{items:?}"
    );
}

/// At 390 and 1280 pixels wide, the box stays over the same pixels of the image.
#[test]
fn the_overlay_scales_with_the_image_in_a_browser() {
    let Some(browser) = crate::cdp::chromium() else {
        return;
    };
    let book = marked_book("[output.html]\n");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = book.path().join("book/html/marks/index.html");
    let mut cdp = crate::cdp::Cdp::open(browser, &format!("file://{}", page.display()));
    cdp.wait_for("document.readyState === 'complete'", "the guide");
    let mut widths = Vec::new();
    for width in [390, 1280] {
        cdp.fits(width)
            .unwrap_or_else(|e| panic!("{width} px: {e}"));
        // The box in the image's pixels, measured from the image's content box.
        let got = cdp.eval(
            "(() => { const img = document.querySelector('.marked img'); const i = img.getBoundingClientRect();\
             const b = document.querySelector('svg.marks .mark-box').getBoundingClientRect();\
             const l = i.left + img.clientLeft, t = i.top + img.clientTop, s = img.clientWidth / 800;\
             return [img.clientWidth, img.clientHeight, (b.left - l) / s, (b.top - t) / s, b.width / s, b.height / s]; })()",
        );
        let v: Vec<f64> = got
            .as_array()
            .unwrap_or_else(|| panic!("{got}"))
            .iter()
            .map(|n| n.as_f64().unwrap())
            .collect();
        widths.push(v[0]);
        assert!((v[1] / v[0] - 0.75).abs() < 0.01, "{width} px: {v:?}");
        for (got, want) in v[2..].iter().zip([80.0, 120.0, 240.0, 100.0]) {
            assert!(
                (got - want).abs() <= 2.0 * 800.0 / v[0],
                "{width} px: the box is at {:?}, not [80, 120, 240, 100]",
                &v[2..]
            );
        }
    }
    assert!(widths[0] < 390.0 && widths[1] >= 700.0, "{widths:?}");
    let problems = cdp.axe();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Lint reads a remote screenshot's size when it fetches it (a 1×1 PNG here) and checks its
/// marks against it; `check`, which fetches nothing, cannot.
#[test]
fn lint_checks_the_marks_of_remote_screenshots_against_their_size() {
    let server = crate::lint_server::TestServer::start();
    let book = marked_book("");
    let guide = format!(
        "title: Marks
sections:
  - title: S
    steps:
      - text: x
        screenshots:
          - src: {}
            alt: A one-pixel picture
            marks:
              - box: [0, 0, 1, 1]
          - src: {}
            alt: The same picture
            marks:
              - callout: 1
                at: [40, 30]
",
        server.url("/img-a.png"),
        server.url("/img-b.png")
    );
    book.write("content/marks.yaml", &guide);
    assert_eq!(book.run(&["check"]).code, 0);
    let r = book.run(&["lint", "--no-cache"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let found = crate::locations(&r.stderr);
    let want = format!("content/marks.yaml:{}:", line_of(&guide, "[40, 30]"));
    let e030: Vec<&(String, String)> = found.iter().filter(|(c, _)| c == "E030").collect();
    assert_eq!(e030.len(), 1, "{}", r.stderr);
    assert!(e030[0].1.starts_with(&want), "{e030:?}");
    assert!(
        r.stderr
            .contains("this callout is outside the image, which is 1×1 pixels"),
        "{}",
        r.stderr
    );
    // A build that copies the screenshots into the book knows their size too: the same error,
    // and nothing is written.
    book.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n[output]\nremote-images = \"copy\"\n[output.html]\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let found = crate::locations(&r.stderr);
    let e030: Vec<&(String, String)> = found.iter().filter(|(c, _)| c == "E030").collect();
    assert_eq!(e030.len(), 1, "{}", r.stderr);
    assert!(e030[0].1.starts_with(&want), "{e030:?}");
    assert!(!book.path().join("book").exists());
}

/// A translation's screenshot must keep its source's marks (W018 otherwise); their labels are
/// texts for translators, with a context that says what they are, and read in the page's
/// language.
#[test]
fn translations_keep_the_marks_and_translate_their_labels() {
    let book = marked_book("[languages]\nde = {}\n[output.html]\n");
    let de = GUIDE
        .replace("label: Next button", "label: Weiter-Schaltfläche")
        .replace("              - arrow: [700, 500, 560, 420]\n", "");
    book.write("content/marks.de.yaml", &de);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "warning[W018]: screenshot 1 of step `sign-in-1` has 3 mark(s) here and 4 in marks.yaml"
        ),
        "{}",
        r.stderr
    );
    let html = book.read("book/html/de/marks/index.html");
    assert!(
        html.contains("aria-label=\"Markierungen: Rahmen: Subscription; Nummer 1: Resource group; Nummer 2: Weiter-Schaltfläche\""),
        "{html}"
    );
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let po = book.read("i18n/de/marks.po");
    assert!(
        po.contains("#. a mark's label on a screenshot: what a box, arrow or numbered callout points at (short) (plain text)\n#: content/marks.yaml:11\nmsgctxt \"marks#sign-in-1/shot-1/mark-1:label\"\nmsgid \"Subscription\""),
        "{po}"
    );
}
