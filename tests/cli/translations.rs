//! Translations: the fixture book `translations` (English, with German and French; the French
//! translation has drifted) built into every output per language, with `hreflang`, the
//! language switcher and the built-in interface text; drift warnings at the translation's
//! lines; `check --translations`; undeclared languages; `import --lang`.

use crate::{Book, locations};

fn built() -> Book {
    let book = Book::fixture("translations");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    book
}

#[test]
fn every_output_is_written_per_language() {
    let book = built();
    for f in [
        "html/index.html",
        "html/azure-pass/index.html",
        "html/de/index.html",
        "html/de/azure-pass/index.html",
        "html/de/checklist/azure-pass.html",
        "html/de/checklist/azure-pass.md",
        "html/de/search-index.js",
        "markdown/de/azure-pass.md",
        "html/fr/azure-pass/index.html",
        "markdown/fr/azure-pass.md",
    ] {
        assert!(book.path().join("book").join(f).is_file(), "{f}");
    }
    // `welcome` has no translation: no page in German, and English pages stay where they were.
    assert!(!book.path().join("book/html/de/welcome").exists());
    assert!(book.path().join("book/html/welcome/index.html").is_file());
    // A translation shares its source's anchors (its own section titles differ).
    let de = book.read("book/html/de/azure-pass/index.html");
    for anchor in [
        "redeem-the-promo-code",
        "claim",
        "activate-the-subscription-2",
    ] {
        assert!(de.contains(&format!("id=\"{anchor}\"")), "{anchor}");
    }
    // Images are shared: the German page reaches them two folders up.
    assert!(de.contains("src=\"../../media/media/start.png\""), "{de}");
}

#[test]
fn pages_name_their_language_and_link_the_others() {
    let book = built();
    let de = book.read("book/html/de/azure-pass/index.html");
    assert!(de.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"));
    for (lang, href) in [
        ("en", "../../azure-pass/index.html"),
        ("x-default", "../../azure-pass/index.html"),
        ("de", "../../de/azure-pass/index.html"),
        ("fr", "../../fr/azure-pass/index.html"),
    ] {
        let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\">");
        assert!(de.contains(&link), "{link}");
    }
    assert!(
        de.contains(
            r#"<a href="../../fr/azure-pass/index.html" hreflang="fr" lang="fr">Français</a>"#
        ),
        "{de}"
    );
    assert!(de.contains(r#"hreflang="de" lang="de" aria-current="page">Deutsch</a>"#));
    // The index of each language links the others' indexes; a guide in one language only has
    // no switcher.
    let index = book.read("book/html/fr/index.html");
    assert!(
        index.contains(r#"<a href="../index.html" hreflang="en" lang="en">English</a>"#),
        "{index}"
    );
    assert!(
        index.contains("Guides Azure Pass"),
        "the French title of the book"
    );
    let welcome = book.read("book/html/welcome/index.html");
    assert!(!welcome.contains("hreflang") && !welcome.contains("class=\"languages\""));
}

#[test]
fn interface_text_comes_from_the_language_table() {
    let book = built();
    let checklist = book.read("book/html/de/checklist/azure-pass.html");
    for text in [
        "5 Schritte",
        "etwa 15\u{a0}Min.",
        "warten: bis zu 5\u{a0}Min.",
        "Checkliste: Azure Pass einlösen",
    ] {
        assert!(checklist.contains(text), "{text}: {checklist}");
    }
    for english in [" steps", "about 15", "wait up to"] {
        assert!(
            !checklist.contains(english),
            "{english} in the German checklist"
        );
    }
    let page = book.read("book/html/de/azure-pass/index.html");
    for text in [
        "<p class=\"callout-label\">Wichtig</p>",
        "Alle Anleitungen",
        "Checkliste zum Drucken",
        // The whole sentence, one full stop (issue #30: "von bis zu 5 Min..").
        "<span class=\"wait-label\">Warten</span> Rechnen Sie mit bis zu 5\u{a0}Min. Wartezeit.</p>",
        "Sie können diesen Schritt überspringen.",
        "\"copy\":\"Kopieren\"",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let md = book.read("book/markdown/de/azure-pass.md");
    assert!(md.contains("**Dauer:** etwa 15\u{a0}Min."), "{md}");
    assert!(md.contains("⏱ **Warten:** bis zu 5\u{a0}Min."), "{md}");
    let fr = book.read("book/html/fr/checklist/azure-pass.md");
    assert!(fr.contains("4 étapes · environ 15\u{a0}min"), "{fr}");
    // A language's search finds its own words, and labels steps in it (the page's strings).
    let search = book.read("book/html/de/search_index/g0.js");
    assert!(search.contains("\"Azure Pass einlösen\""), "{search}");
    let words = book.read("book/html/de/search_index/t0.js");
    assert!(words.contains("\"einlösen\":"), "{words}");
    assert!(page.contains("\"search_step\":\"Schritt {number}\""));
    // English stays exactly English.
    let en = book.read("book/html/checklist/azure-pass.html");
    assert!(en.contains("5 steps") && en.contains("wait up to 5\u{a0}min"));
}

#[test]
fn drifted_translations_are_reported_at_their_lines() {
    let book = Book::fixture("translations");
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "warnings only: {}", r.stderr);
    let found: Vec<(String, String)> = locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "W018")
        .collect();
    let at = |line: &str| {
        (
            "W018".to_owned(),
            format!("content/azure-pass.fr.yaml:{line}"),
        )
    };
    assert_eq!(found, [at("8:15"), at("9:13"), at("12:12")], "{}", r.stderr);
    assert!(
        r.stderr
            .contains("step `reclamer` is `claim` in azure-pass.yaml")
    );
    assert!(r.stderr.contains(
        "step `activate-the-subscription-2` of azure-pass.yaml has no counterpart in azure-pass.fr.yaml"
    ));
    assert!(
        r.stderr
            .contains("has 0 screenshot(s) here and 1 in azure-pass.yaml")
    );
    // The German translation matches: nothing about it.
    assert!(!r.stderr.contains("azure-pass.de.yaml"), "{}", r.stderr);
}

#[test]
fn check_lists_stale_and_missing_translations() {
    let book = Book::fixture("translations");
    // The French file changed before its source did.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(book.path().join("content/azure-pass.fr.yaml"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let r = book.run(&["check", "--translations"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            vec![
                "language",
                "guide",
                "status",
                "translated",
                "fuzzy",
                "untranslated"
            ],
            vec![
                "de",
                "content/azure-pass.yaml",
                "up to date",
                "11",
                "0",
                "0"
            ],
            // Stale without history: every translated text of it is fuzzy.
            vec!["fr", "content/azure-pass.yaml", "stale", "0", "8", "3"],
            vec!["de", "content/welcome.yaml", "missing", "0", "0", "4"],
            vec!["fr", "content/welcome.yaml", "missing", "0", "0", "4"],
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn languages_the_book_does_not_declare_are_errors() {
    let book = Book::fixture("translations");
    book.write(
        "content/welcome.da.yaml",
        &book.read("content/welcome.yaml"),
    );
    book.write(
        "content/setup.old.yaml",
        &book
            .read("content/welcome.yaml")
            .replace("Welcome", "Setup"),
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error[E025]: the language `da` is not declared in book.toml"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `de` (`welcome.de.yaml`)?"),
        "{}",
        r.stderr
    );
    // `old` is not a language: `setup.old.yaml` is a guide of its own.
    assert!(!r.stderr.contains("`old`"), "{}", r.stderr);
    std::fs::remove_file(book.path().join("content/welcome.da.yaml")).unwrap();
    // A translation cannot have an id of its own.
    let de = book.read("content/azure-pass.de.yaml");
    book.write(
        "content/azure-pass.de.yaml",
        &format!("id: azure-pass-de\n{de}"),
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error[E026]: a translation of `azure-pass` cannot have its own id"),
        "{}",
        r.stderr
    );
}

#[test]
fn book_toml_strings_are_checked_and_completed() {
    let book = Book::fixture("translations");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[languages.de.strings]\nwiat = \"Warte\"\n"),
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("error[E106]: no interface string `wiat`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `wait`?"));
    // Swedish has no built-in table: what book.toml gives is used, the rest is English, and
    // one warning lists what is missing.
    book.write(
        "book.toml",
        &format!("{toml}\n[languages.sv.strings]\nwait = \"Vänta\"\n"),
    );
    book.write(
        "content/azure-pass.sv.yaml",
        &book.read("content/azure-pass.de.yaml"),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.matches("warning[W017]").count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("`sv` has no built-in interface text"),
        "{}",
        r.stderr
    );
    let page = book.read("book/html/sv/azure-pass/index.html");
    assert!(
        page.contains("<span class=\"wait-label\">Vänta</span>"),
        "{page}"
    );
    assert!(page.contains("All guides"), "English for the rest");
}

#[test]
fn import_writes_the_translation_file() {
    let book = Book::fixture("translations");
    let md = "# Willkommen\n\n1. Setzen Sie sich.\n";
    book.write("docs/de/welcome.md", md);
    // From the `de` folder in its path.
    let r = book.run(&["import", "docs/de/welcome.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(book.path().join("content/welcome.de.yaml").is_file());
    // Or said with --lang.
    book.write("docs/willkommen.md", md);
    let r = book.run(&["import", "docs/willkommen.md", "--lang", "fr"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(book.path().join("content/willkommen.fr.yaml").is_file());
    let r = book.run(&["import", "docs/willkommen.md", "--lang", "german"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("`german` is not a language code"),
        "{}",
        r.stderr
    );
}

/// PDFs and handouts in each language: the German guide's PDF and its handouts say
/// "Schritte", not "steps".
#[test]
#[cfg_attr(not(feature = "pdf"), ignore = "needs the `pdf` feature")]
fn pdfs_and_handouts_speak_the_guides_language() {
    let book = Book::fixture("translations");
    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}\n[output.pdf]\n"));
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = |p: &std::path::Path| {
        let out = std::process::Command::new("pdftotext")
            .arg(p)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let guide = text(&book.path().join("book/html/de/pdf/azure-pass.pdf"));
    assert!(
        guide.contains("5 Schritte") && guide.contains("Wartezeit: 5 Min."),
        "{guide}"
    );
    assert!(!guide.contains(" steps"), "{guide}");
    let checklist = text(
        &book
            .path()
            .join("book/html/fr/pdf/azure-pass-checklist.pdf"),
    );
    assert!(checklist.contains("4 étapes"), "{checklist}");
    let out = book.path().join("de-handouts.pdf");
    let r = book.run(&[
        "handouts",
        "azure-pass",
        "--lang",
        "de",
        "--offline",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let handout = text(&out);
    assert!(
        handout.contains("Azure Pass einlösen") && handout.contains("5 Schritte"),
        "{handout}"
    );
    let r = book.run(&["handouts", "azure-pass", "--lang", "dr", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the book has no language `dr`"),
        "{}",
        r.stderr
    );
    // A guide with no translation in the language asked for is said to be just that (another
    // guide is never suggested: staff would print the wrong lab), and so is a missing roster.
    book.write(
        "content/other.yaml",
        "title: Other\nsections:\n  - title: S\n    steps:\n      - text: Go\n",
    );
    let r = book.run(&["handouts", "other", "--lang", "de", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("guide `other` has no `de` translation"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
    let r = book.run(&[
        "handouts",
        "azure-pass",
        "--roster",
        "nope.csv",
        "--offline",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot read the roster `nope.csv`"),
        "{}",
        r.stderr
    );
}

/// Issue #30: the punctuation around labels is the language's (Chinese full-width "：" and
/// "（）", French a non-breaking space before ":"), the wait sentence is whole, and numbers
/// keep their units on the same line.
#[test]
fn labels_carry_their_languages_punctuation() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace("language = \"en\"", "language = \"zh\""),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let checklist = book.read("book/html/checklist/azure-pass.html");
    assert!(checklist.contains("<strong>重要：</strong>"), "{checklist}");
    let md = book.read("book/markdown/azure-pass.md");
    for text in [
        "**时长：** 约 15\u{a0}分钟",
        "> **重要：** Please create",
        "> **备注：** It is recommended",
        "⏱ **等待：** 最多 5\u{a0}分钟",
    ] {
        assert!(md.contains(text), "{text}: {md}");
    }
    assert!(
        !md.contains(":**"),
        "an ASCII colon after a Chinese label: {md}"
    );
    let md_checklist = book.read("book/html/checklist/azure-pass.md");
    assert!(
        md_checklist.contains("（⏱ 最多 5\u{a0}分钟）"),
        "{md_checklist}"
    );
    let page = book.read("book/html/azure-pass/index.html");
    assert!(
        page.contains("预计最多需要等待 5\u{a0}分钟。</p>"),
        "{page}"
    );

    let fr = built();
    let checklist = fr.read("book/html/fr/checklist/azure-pass.md");
    assert!(
        checklist.starts_with("# Liste\u{a0}: Utiliser votre Azure Pass")
            && checklist.contains("attentes\u{a0}: 5\u{a0}min")
            && checklist.contains("(⏱ jusqu’à 5\u{a0}min)"),
        "{checklist}"
    );
    let page = fr.read("book/html/fr/azure-pass/index.html");
    assert!(
        page.contains(
            "<span class=\"wait-label\">Attente</span> Prévoyez jusqu’à 5\u{a0}min d’attente.</p>"
        ),
        "{page}"
    );
}

/// Issue #30: `pt` is Brazilian and `zh` Simplified: a book in `pt-PT` or `zh-TW` gets English
/// interface text and a warning saying why, not the other variant's words.
#[test]
fn another_variant_of_a_language_falls_back_to_english_with_a_warning() {
    for (code, why) in [
        ("pt-PT", "Brazilian Portuguese"),
        ("zh-TW", "Simplified Chinese"),
        ("zh-Hant", "Simplified Chinese"),
    ] {
        let book = Book::bundled();
        let toml = book.read("book.toml");
        book.write(
            "book.toml",
            &toml.replace("language = \"en\"", &format!("language = \"{code}\"")),
        );
        let r = book.run(&["build"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains("warning[W017]") && r.stderr.contains(why),
            "{code}: {}",
            r.stderr
        );
        let page = book.read("book/html/checklist/azure-pass.html");
        assert!(page.contains("13 steps"), "{code}: {page}");
    }
    // Brazilian Portuguese keeps its table, without a warning.
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace("language = \"en\"", "language = \"pt-BR\""),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("W017"), "{}", r.stderr);
    assert!(
        book.read("book/html/checklist/azure-pass.html")
            .contains("13 passos")
    );
}

/// Issue #30: handouts labelled roster values with the raw column names ("name:", "code:");
/// they are the language's strings now, and a book labels any other column.
#[test]
#[cfg_attr(not(feature = "pdf"), ignore = "needs the `pdf` feature")]
fn handouts_label_roster_columns_in_the_language() {
    let book = Book::fixture("translations");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[languages.fr.strings]\ncolumn_seat = \"Place\"\n[handouts]\nshow = [\"name\", \"code\", \"seat\"]\n"),
    );
    book.write("roster.csv", "name,code,seat\nAda Lovelace,PASS-0001,B12\n");
    let out = book.path().join("fr.pdf");
    let r = book.run(&[
        "handouts",
        "azure-pass",
        "--lang",
        "fr",
        "--roster",
        "roster.csv",
        "--offline",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::process::Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    // Words, not lines: the code is boxed on a line of its own (#28).
    let text = String::from_utf8_lossy(&text.stdout)
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for label in ["Nom : Ada Lovelace", "Code : PASS-0001", "Place : B12"] {
        assert!(text.contains(label), "{label}: {text}");
    }
    assert!(!text.contains("name:") && !text.contains("seat"), "{text}");
}
