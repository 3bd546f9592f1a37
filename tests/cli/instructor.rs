//! The instructor edition (#25): `instructor:` notes (guide, section, step) and `answer:`s are
//! in every output of a build whose profile has the `instructor` tag, set apart, and in no file
//! of any other build. Fixture: `tests/fixtures/instructor`, each note and answer holding a token
//! of its own.

use std::path::Path;

use crate::{Book, locations};

/// A token of each kind of instructor note and answer in the fixture.
const INSTRUCTOR_ONLY: [&str; 8] = [
    "TOKGUIDEINSTR",
    "TOKSECINSTR",
    "TOKSTEPANSWER",
    "TOKSTEPINSTR",
    "TOKSUBANSWER",
    "TOKSUBINSTR",
    "TOKVARANSWER",
    "TOKCLEANINSTR",
];

/// The fixture, with the PDF output on when the binary has it.
fn book() -> Book {
    let book = Book::fixture("instructor");
    if cfg!(feature = "pdf") {
        let toml = book.read("book.toml");
        book.write("book.toml", &format!("{toml}[output.pdf]\n"));
    }
    book
}

/// The text of a PDF (pdftotext), else the file's bytes as text.
fn text_of(path: &Path) -> String {
    if path.extension().is_some_and(|e| e == "pdf") {
        let out = std::process::Command::new("pdftotext")
            .arg(path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        assert!(
            out.status.success(),
            "pdftotext failed on {}",
            path.display()
        );
        return String::from_utf8_lossy(&out.stdout).into_owned();
    }
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

/// Every file under `dir` with its text: (path, text).
fn every_file(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), text_of(e.path())))
        .collect()
}

#[test]
fn a_learner_build_holds_no_instructor_text_in_any_file() {
    let book = book();
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let learner = every_file(&book.path().join("book/attendee"));
    let pdfs = learner
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "pdf"))
        .count();
    assert!(learner.len() >= 15, "{} files", learner.len());
    if cfg!(feature = "pdf") {
        assert!(pdfs >= 4, "the guides' PDFs and checklists: {pdfs}");
    }
    for (path, text) in &learner {
        for token in INSTRUCTOR_ONLY {
            assert!(!text.contains(token), "{token} in {}", path.display());
        }
        // Nor a box of them (the theme's stylesheet styles one, for the instructor edition).
        let css = path.extension().is_some_and(|e| e == "css");
        assert!(
            !text.contains("Instructor notes") && (css || !text.contains("instructor-label")),
            "{}",
            path.display()
        );
    }
    // A hint is for learners: in their page, Markdown and PDF.
    let page = book.read("book/attendee/html/lab/index.html");
    assert!(page.contains("TOKHINT"), "{page}");
    assert!(
        book.read("book/attendee/markdown/lab.md")
            .contains("> **Hint:** Look in the top bar TOKHINT.")
    );

    // The instructor edition, beside it: every note and answer, set apart.
    let page = book.read("book/instructor/html/lab/index.html");
    for token in INSTRUCTOR_ONLY {
        assert!(page.contains(token), "{token} in the instructor's page");
    }
    assert!(page.contains("<aside class=\"instructor instructor-notes\" role=\"note\">\n  <p class=\"instructor-label\">Instructor notes</p>\n  <p>Guide-level note TOKGUIDEINSTR with <em>emphasis</em>; allow 20 minutes.</p>"), "{page}");
    assert!(page.contains("<aside class=\"instructor instructor-answer\" role=\"note\">\n  <p class=\"instructor-label\">Answer</p>\n  <p>The portal shows TOKSTEPANSWER.</p>"), "{page}");
    // Variables reach the new fields.
    assert!(page.contains("<code>labdata</code> TOKVARANSWER"), "{page}");
    let md = book.read("book/instructor/markdown/lab.md");
    for token in INSTRUCTOR_ONLY {
        assert!(
            md.contains(token),
            "{token} in the instructor's Markdown:\n{md}"
        );
    }
    assert!(
        md.contains("> **Instructor notes:** Section note TOKSECINSTR."),
        "{md}"
    );
    assert!(
        md.contains("    > **Answer:** The portal shows TOKSTEPANSWER."),
        "{md}"
    );
    // The answer of a check, in the instructor's checklist.
    let checklist = book.read("book/instructor/html/checklist/lab.md");
    assert!(
        checklist.contains("- [ ] **1.2** Account named\n  > **Answer:** `labdata` TOKVARANSWER"),
        "{checklist}"
    );
    if cfg!(feature = "pdf") {
        let pdf = text_of(&book.path().join("book/instructor/html/pdf/lab.pdf"));
        for token in INSTRUCTOR_ONLY {
            assert!(
                pdf.contains(token),
                "{token} in the instructor's PDF:\n{pdf}"
            );
        }
        assert!(
            pdf.contains("Instructor notes: Guide-level note TOKGUIDEINSTR"),
            "{pdf}"
        );
        let pdf = text_of(
            &book
                .path()
                .join("book/instructor/html/pdf/lab-checklist.pdf"),
        );
        assert!(
            pdf.contains("TOKSTEPANSWER") && pdf.contains("TOKVARANSWER"),
            "{pdf}"
        );
    }
}

/// Handouts are learners' unless `--profile` names the instructor edition.
#[cfg(feature = "pdf")]
#[test]
fn handouts_show_answers_only_for_the_instructor_profile() {
    let book = book();
    for (profile, answers) in [("attendee", false), ("instructor", true)] {
        let out = format!("{profile}.pdf");
        let r = book.run(&[
            "handouts",
            "lab",
            "--profile",
            profile,
            "--out",
            &out,
            "--offline",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = text_of(&book.path().join(&out));
        assert_eq!(text.contains("TOKSTEPANSWER"), answers, "{profile}: {text}");
        for token in INSTRUCTOR_ONLY {
            assert!(
                answers || !text.contains(token),
                "{token} in the {profile} handout"
            );
        }
    }
}

/// After the event (`[build] reveal-answers = true`) a learner build shows every answer, folded
/// behind "Show answer" on the page and labelled in Markdown, the checklist and the PDF; the
/// instructor's notes stay out of every file, and the instructor edition still boxes answers.
#[test]
fn revealed_answers_reach_learners_but_instructor_notes_do_not() {
    let book = book();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace("[build]\n", "[build]\nreveal-answers = true\n"),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let answers = ["TOKSTEPANSWER", "TOKSUBANSWER", "TOKVARANSWER"];
    let learner = every_file(&book.path().join("book/attendee"));
    for (path, text) in &learner {
        for token in INSTRUCTOR_ONLY.iter().filter(|t| !answers.contains(t)) {
            assert!(!text.contains(token), "{token} in {}", path.display());
        }
    }
    let page = book.read("book/attendee/html/lab/index.html");
    assert!(
        page.contains("<details class=\"hint answer\"><summary>Show answer</summary><div class=\"hint-body\"><p>The portal shows TOKSTEPANSWER.</p>"),
        "{page}"
    );
    assert!(!page.contains("instructor-label"), "{page}");
    let md = book.read("book/attendee/markdown/lab.md");
    assert!(
        md.contains("    > **Answer:** The portal shows TOKSTEPANSWER."),
        "{md}"
    );
    let checklist = book.read("book/attendee/html/checklist/lab.md");
    assert!(checklist.contains("TOKVARANSWER"), "{checklist}");
    if cfg!(feature = "pdf") {
        let pdf = text_of(&book.path().join("book/attendee/html/pdf/lab.pdf"));
        for token in answers {
            assert!(pdf.contains(token), "{token} in the learner's PDF:\n{pdf}");
        }
        assert!(!pdf.contains("Instructor notes"), "{pdf}");
    }
    let page = book.read("book/instructor/html/lab/index.html");
    assert!(
        page.contains("<aside class=\"instructor instructor-answer\" role=\"note\">"),
        "{page}"
    );
    // The search finds a revealed answer (its words are in the search index's parts).
    let index: String = every_file(&book.path().join("book/attendee/html"))
        .into_iter()
        .filter(|(p, _)| p.to_string_lossy().contains("search"))
        .map(|(_, t)| t)
        .collect();
    assert!(
        index.to_lowercase().contains("tokstepanswer"),
        "not in the search index"
    );
}

#[test]
fn translations_keep_hints_answers_and_instructor_notes() {
    let book = Book::fixture("instructor");
    let r = book.run(&["check", "--profile", "instructor"]);
    assert_eq!(r.code, 0, "warnings only: {}", r.stderr);
    let found: Vec<String> = locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "W018")
        .map(|(_, at)| at)
        .collect();
    assert_eq!(
        found,
        [
            "content/lab.de.yaml:1:8",
            "content/lab.de.yaml:6:15",
            "content/lab.de.yaml:17:15",
        ],
        "{}",
        r.stderr
    );
    for message in [
        "`instructor` of the guide is in lab.yaml but not here",
        "`hint` of step `create-the-account-1` is in lab.yaml but not here",
        "`hint` of step `clean-up-1` is here but not in lab.yaml",
    ] {
        assert!(r.stderr.contains(message), "{message}: {}", r.stderr);
    }
}

#[test]
fn misplaced_and_misspelt_fields_say_where_they_belong() {
    let book = Book::fixture("instructor");
    book.write(
        "content/lab.yaml",
        "title: T\nanswer: a\nsections:\n  - title: S\n    hint: h\n    steps:\n      - text: x\n        instuctor: i\n        answr: a\n",
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let at: Vec<(String, String)> = locations(&r.stderr)
        .into_iter()
        .filter(|(_, l)| l.starts_with("content/lab.yaml"))
        .collect();
    let e = |l: &str| ("E002".to_owned(), format!("content/lab.yaml:{l}"));
    assert_eq!(at, [e("2:1"), e("5:5"), e("8:9"), e("9:9")], "{}", r.stderr);
    for help in [
        "`answer` is a field of a step: move it there",
        "`hint` is a field of a step: move it there",
        "did you mean `instructor`?",
        "did you mean `answer`?",
    ] {
        assert!(r.stderr.contains(help), "{help}: {}", r.stderr);
    }
}

/// A hint is folded on the learner's page ("Show hint") and unfolds when its summary is clicked
/// (a real mouse click through the DevTools protocol); the instructor's boxes are styled in both
/// colour schemes.
#[test]
fn a_hint_is_folded_until_clicked() {
    let Some(browser) = crate::cdp::chromium() else {
        return;
    };
    let book = Book::fixture("instructor");
    assert_eq!(book.run(&["build"]).code, 0);
    let page = book.path().join("book/attendee/html/lab/index.html");
    let mut cdp = crate::cdp::Cdp::open(browser, &format!("file://{}", page.display()));
    cdp.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('details.hint')",
        "the page",
    );
    let visible = "(() => { const b = document.querySelector('details.hint .hint-body'); return b.checkVisibility() && b.getClientRects().length > 0; })()";
    assert_eq!(
        cdp.eval("document.querySelector('details.hint summary').textContent"),
        "Show hint"
    );
    assert_eq!(
        cdp.eval("document.querySelector('details.hint').open"),
        false
    );
    assert_eq!(cdp.eval(visible), false, "the hint is folded");
    let at = cdp.eval("(() => { const s = document.querySelector('details.hint summary'); s.scrollIntoView(); const r = s.getBoundingClientRect(); return [r.x + 5, r.y + r.height / 2]; })()");
    for kind in ["mousePressed", "mouseReleased"] {
        cdp.call(
            "Input.dispatchMouseEvent",
            serde_json::json!({"type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1}),
        );
    }
    cdp.wait_for(visible, "the hint to unfold");
    let body = cdp.eval("document.querySelector('details.hint .hint-body').innerText");
    assert_eq!(body, "Look in the top bar TOKHINT.");
    // The instructor edition's box: a border and a background of its own, light and dark.
    let page = book.path().join("book/instructor/html/lab/index.html");
    cdp.goto(&format!("file://{}", page.display()));
    let style = "(() => { const s = getComputedStyle(document.querySelector('aside.instructor')); return [s.borderTopStyle, s.borderTopColor, s.backgroundColor, getComputedStyle(document.body).backgroundColor]; })()";
    let mut seen = Vec::new();
    for scheme in ["light", "dark"] {
        cdp.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        let s = cdp.eval(style);
        assert_eq!(s[0], "solid", "{scheme}: {s}");
        assert_ne!(
            s[2], s[3],
            "{scheme}: the box stands apart from the page: {s}"
        );
        seen.push(s);
    }
    assert_ne!(
        seen[0], seen[1],
        "each colour scheme has its own box colours"
    );
}
