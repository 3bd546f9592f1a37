//! The translators' exchange (`stepbook i18n export` / `import`): the bundled guide exported as
//! PO for German, checked by GNU gettext's `msgfmt`, fuzzy entries where the source changed
//! since the translation (from git's history), and translations imported back.

use std::path::Path;
use std::process::Command;

use crate::Book;

/// The bundled book with German declared.
fn german() -> Book {
    let book = Book::bundled();
    let toml = book.read("book.toml") + "\n[languages.de]\ntitle = \"Azure-Pass-Anleitungen\"\n";
    book.write("book.toml", &toml);
    book
}

/// Runs `msgfmt --check` on a PO file (skipped without gettext, required in CI).
fn msgfmt_check(po: &Path) {
    let out = match Command::new("msgfmt")
        .args(["--check", "-o", "/dev/null"])
        .arg(po)
        .output()
    {
        Ok(out) => out,
        Err(_) if std::env::var_os("CI").is_none() => return,
        Err(e) => panic!("msgfmt (apt-get install gettext): {e}"),
    };
    assert!(
        out.status.success(),
        "{}: {}",
        po.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The entries of a PO file as (msgctxt, whole entry text).
fn entries(po: &str) -> Vec<(String, String)> {
    po.split("\n\n")
        .skip(1)
        .map(|e| {
            let ctx = e
                .lines()
                .find_map(|l| l.strip_prefix("msgctxt \""))
                .map(|c| c.trim_end_matches('"').to_owned())
                .unwrap_or_default();
            (ctx, e.to_owned())
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    crate::git(dir, args, "2020-01-01T00:00:00Z");
}

#[test]
fn the_export_has_every_text_once_with_its_context_place_and_kind_and_msgfmt_accepts_it() {
    let book = german();
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let po_path = book.path().join("i18n/de/azure-pass.po");
    msgfmt_check(&po_path);
    let po = book.read("i18n/de/azure-pass.po");
    assert!(
        po.contains("\"Language: de\\n\"")
            && po.contains("X-Stepbook-Source: content/azure-pass.yaml")
    );
    let e = entries(&po);
    let mut contexts: Vec<&str> = e.iter().map(|(c, _)| c.as_str()).collect();
    let n = contexts.len();
    contexts.sort_unstable();
    contexts.dedup();
    assert_eq!(contexts.len(), n, "contexts are unique");
    let find = |ctx: &str| {
        &e.iter()
            .find(|(c, _)| c == ctx)
            .unwrap_or_else(|| panic!("{ctx}: {po}"))
            .1
    };
    let step = find("azure-pass#open-site:text");
    assert!(
        step.contains("#. a step (Markdown)\n#: content/azure-pass.yaml:29\n"),
        "{step}"
    );
    let alt = find("azure-pass#redeem-2/shot-1:alt");
    assert!(
        alt.contains("#. alt text: describe the screenshot"),
        "{alt}"
    );
    let check = find("azure-pass#redeem-5:check");
    assert!(
        check.contains("#. Placeholders, keep them as written: {{ attendee.code }}"),
        "{check}"
    );
    assert!(find("azure-pass/note-1:text").contains("#. a callout: important"));
    assert!(
        !po.contains("#, fuzzy"),
        "nothing is fuzzy without a translation"
    );
    // Exporting again gives the same bytes.
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(book.read("i18n/de/azure-pass.po"), po);
}

#[test]
fn a_text_of_code_alone_is_offered_only_with_code() {
    let book = german();
    let yaml = book.read("content/azure-pass.yaml").replace(
        "      - text: Select the start button to get started.\n",
        "      - text: \"`az login --use-device-code`\"\n",
    );
    book.write("content/azure-pass.yaml", &yaml);
    let r = book.run(&["i18n", "export", "--lang", "de", "--out", "po"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!book.read("po/azure-pass.po").contains("az login"));
    let r = book.run(&["i18n", "export", "--lang", "de", "--out", "po", "--code"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        book.read("po/azure-pass.po")
            .contains("msgid \"`az login --use-device-code`\"")
    );
}

#[test]
fn a_language_the_book_does_not_declare_is_refused() {
    let book = Book::bundled();
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 2, "a command-line mistake: {}", r.stderr);
    assert!(
        r.stderr.contains("`de` is not a language of the book"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[languages.de]"), "{}", r.stderr);
    // The table suggested is one book.toml takes (`de-de` is written `de-DE` there).
    let r = book.run(&["i18n", "export", "--lang", "de-de"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`[languages.de-DE]`"), "{}", r.stderr);
    let r = book.run(&["i18n", "export", "--lang", "german"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("use a language code"), "{}", r.stderr);
}

#[test]
fn a_step_changed_since_the_translation_is_exactly_the_fuzzy_entry_with_its_previous_source() {
    let book = german();
    let src = book.read("content/azure-pass.yaml");
    let de = src
        .replace(
            "Select the start button to get started.",
            "Wählen Sie „Start“.",
        )
        .replace(
            "Enter your account login information",
            "Geben Sie Ihre Anmeldedaten ein",
        );
    book.write("content/azure-pass.de.yaml", &de);
    git(book.path(), &["init", "-q"]);
    git(book.path(), &["add", "."]);
    git(book.path(), &["commit", "-qm", "English and German"]);
    book.write(
        "content/azure-pass.yaml",
        &src.replace(
            "Select the start button to get started.",
            "Select Start to begin.",
        ),
    );
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let po_path = book.path().join("i18n/de/azure-pass.po");
    msgfmt_check(&po_path);
    let po = book.read("i18n/de/azure-pass.po");
    let fuzzy: Vec<(String, String)> = entries(&po)
        .into_iter()
        .filter(|(_, e)| e.contains("#, fuzzy"))
        .collect();
    assert_eq!(fuzzy.len(), 1, "{po}");
    let (ctx, e) = &fuzzy[0];
    assert_eq!(ctx, "azure-pass#redeem-2:text");
    assert!(
        e.contains("#| msgid \"Select the start button to get started.\"\n"),
        "{e}"
    );
    assert!(
        e.contains("msgid \"Select Start to begin.\"\nmsgstr \"Wählen Sie „Start“.\""),
        "{e}"
    );
    // The other translated step is current; untranslated texts are empty.
    assert!(
        po.contains("msgstr \"Geben Sie Ihre Anmeldedaten ein and select “Sign In”.\""),
        "{po}"
    );
}

/// The book's own texts are fuzzy like a guide's when their source changed since the
/// translation was made (book.toml's git history): the changed title is, with the title it was
/// translated from; the unchanged description is not; a translation changed since its last
/// commit was made from the source as it is.
#[test]
fn a_book_text_whose_source_changed_since_its_translation_is_fuzzy() {
    let book = german();
    let toml = book.read("book.toml").replace(
        "title = \"Azure-Pass-Anleitungen\"\n",
        "title = \"Azure-Pass-Anleitungen\"\ndescription = \"Schritt für Schritt.\"\n",
    );
    book.write("book.toml", &toml);
    git(book.path(), &["init", "-q"]);
    git(book.path(), &["add", "."]);
    git(book.path(), &["commit", "-qm", "English and German"]);
    book.write(
        "book.toml",
        &toml.replace(
            "title = \"Azure Pass event guides\"",
            "title = \"Azure Pass guides\"",
        ),
    );
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    msgfmt_check(&book.path().join("i18n/de/_book.po"));
    let po = book.read("i18n/de/_book.po");
    let fuzzy: Vec<(String, String)> = entries(&po)
        .into_iter()
        .filter(|(_, e)| e.contains("#, fuzzy"))
        .collect();
    assert_eq!(fuzzy.len(), 1, "{po}");
    assert_eq!(fuzzy[0].0, "book:title");
    assert!(
        fuzzy[0]
            .1
            .contains("#| msgid \"Azure Pass event guides\"\n"),
        "{}",
        fuzzy[0].1
    );
    assert!(po.contains("msgstr \"Schritt für Schritt.\""), "{po}");
    // The translation updated (not yet committed): made from the title as it is.
    let toml = book
        .read("book.toml")
        .replace("Azure-Pass-Anleitungen", "Azure-Pass-Leitfäden");
    book.write("book.toml", &toml);
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    assert!(!book.read("i18n/de/_book.po").contains("#, fuzzy"));
}

/// The PO with every `msgstr` set to its `msgid` marked `DE: ` (split into lines as the
/// export writes them), and the marked texts.
fn filled(po: &str) -> String {
    let mut out = Vec::new();
    for e in po.split("\n\n") {
        if !e.lines().any(|l| l.starts_with("msgctxt \"")) {
            out.push(e.to_owned());
            continue;
        }
        let (head, rest) = e.split_once("\nmsgid ").unwrap();
        let (id, _) = rest.split_once("\nmsgstr ").unwrap();
        let mut lines: Vec<String> = id.lines().map(str::to_owned).collect();
        let first = if lines.len() > 1 { 1 } else { 0 };
        lines[first] = lines[first].replacen('"', "\"DE: ", 1);
        let end = if e.ends_with('\n') { "\n" } else { "" };
        out.push(format!(
            "{head}\nmsgid {id}\nmsgstr {}{end}",
            lines.join("\n")
        ));
    }
    out.join("\n\n")
}

/// `key: value` lines of a YAML file whose key is one of `keys`, trimmed.
fn lines_of(yaml: &str, keys: &[&str]) -> Vec<String> {
    yaml.lines()
        .map(|l| l.trim().trim_start_matches("- ").to_owned())
        .filter(|l| keys.iter().any(|k| l.starts_with(&format!("{k}: "))))
        .collect()
}

/// The German book exported, filled with marked text and imported.
fn imported() -> (Book, String) {
    let book = german();
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let po = filled(&book.read("i18n/de/azure-pass.po"));
    book.write("i18n/de/azure-pass.po", &po);
    msgfmt_check(&book.path().join("i18n/de/azure-pass.po"));
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("wrote content/azure-pass.de.yaml: 45 texts translated"),
        "{}",
        r.stderr
    );
    (book, po)
}

#[test]
fn a_filled_export_imports_into_a_translation_that_builds_with_the_sources_ids_and_screenshots() {
    let (book, po) = imported();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        book.path()
            .join("book/html/de/azure-pass/index.html")
            .is_file()
    );
    let (src, de) = (
        book.read("content/azure-pass.yaml"),
        book.read("content/azure-pass.de.yaml"),
    );
    let keys = ["id", "src", "kind", "wait", "duration"];
    assert_eq!(lines_of(&de, &keys), lines_of(&src, &keys));
    assert!(
        de.starts_with("# The Azure Pass how-to"),
        "the source's comments are kept"
    );
    // Every text is the marked one: exported again, each entry is translated, as filled.
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    assert!(
        book.read("i18n/de/azure-pass.po") == po,
        "the export differs from the imported file"
    );
    let page = book.read("book/html/de/azure-pass/index.html");
    assert!(
        page.contains("DE: Select the start button to get started."),
        "{page}"
    );
}

#[test]
fn importing_an_unchanged_export_writes_nothing() {
    let (book, _) = imported();
    let before = std::fs::metadata(book.path().join("content/azure-pass.de.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("content/azure-pass.de.yaml: unchanged"),
        "{}",
        r.stderr
    );
    let after = std::fs::metadata(book.path().join("content/azure-pass.de.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

/// A translation of several lines (Markdown with a hard break, two spaces at a line's end) is
/// written into the guide as a literal block under its key, not as one quoted string; the
/// translation builds with it, and importing the export of it again changes nothing.
#[test]
fn a_translation_of_several_lines_is_written_as_a_block_and_round_trips() {
    let book = german();
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let po = book.read("i18n/de/azure-pass.po").replacen(
        "msgid \"Select the start button to get started.\"\nmsgstr \"\"",
        "msgid \"Select the start button to get started.\"\nmsgstr \"\"\n\"Wählen Sie **Start**.  \\n\"\n\"Dann geht es los.\"",
        1,
    );
    assert!(po.contains("Dann geht es los."));
    book.write("i18n/de/azure-pass.po", &po);
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let de = book.read("content/azure-pass.de.yaml");
    assert!(
        de.contains("      - text: |-\n          Wählen Sie **Start**.  \n          Dann geht es los.\n        check:"),
        "{de}"
    );
    assert_eq!(book.run(&["build"]).code, 0);
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert!(
        r.stderr.contains("content/azure-pass.de.yaml: unchanged"),
        "{}",
        r.stderr
    );
    assert_eq!(book.read("content/azure-pass.de.yaml"), de);
}

#[test]
fn a_translation_dropping_a_placeholder_is_rejected_at_its_po_line() {
    let book = german();
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let po = filled(&book.read("i18n/de/azure-pass.po")).replace(
        "msgstr \"DE: Enter the promo code {{ attendee.code }} and select",
        "msgstr \"DE: Enter the promo code and select",
    );
    book.write("i18n/de/azure-pass.po", &po);
    let line = po
        .lines()
        .position(|l| l.starts_with("msgstr \"DE: Enter the promo code and"))
        .unwrap()
        + 1;
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E029".to_owned(), format!("i18n/de/azure-pass.po:{line}:1"))]
    );
    assert!(
        r.stderr
            .contains("drops the placeholder `{{ attendee.code }}`"),
        "{}",
        r.stderr
    );
    assert!(
        !book.path().join("content/azure-pass.de.yaml").exists(),
        "nothing is written"
    );
}

#[test]
fn a_translation_changing_a_link_target_is_rejected_at_its_po_line() {
    let book = german();
    let src = book.read("content/azure-pass.yaml").replace(
        "on https://www.microsoftazuresponsorships.com/balance",
        "on [the balance page](https://www.microsoftazuresponsorships.com/balance)",
    );
    book.write("content/azure-pass.yaml", &src);
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let po = filled(&book.read("i18n/de/azure-pass.po")).replace(
        "(https://www.microsoftazuresponsorships.com/balance)\"\n\n",
        "(https://example.com/)\"\n\n",
    );
    book.write("i18n/de/azure-pass.po", &po);
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("links to other targets than its source"),
        "{}",
        r.stderr
    );
    assert_eq!(crate::locations(&r.stderr).len(), 1, "{}", r.stderr);
}

/// A link target localised for the translation's language (`/en-us/` → `/de-de/`) is taken;
/// one localised for another language, or another page, is still refused.
#[test]
fn a_link_localised_for_the_translations_language_is_taken_and_others_refused() {
    let book = german();
    let src = book.read("content/azure-pass.yaml").replace(
        "on https://www.microsoftazuresponsorships.com/balance",
        "on [the balance page](https://learn.microsoft.com/en-us/azure/cost-management-billing/)",
    );
    book.write("content/azure-pass.yaml", &src);
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let exported = filled(&book.read("i18n/de/azure-pass.po"));
    let with = |target: &str| {
        exported.replace(
            "(https://learn.microsoft.com/en-us/azure/cost-management-billing/)\"\n\n",
            &format!("({target})\"\n\n"),
        )
    };
    for refused in [
        "https://learn.microsoft.com/fr-fr/azure/cost-management-billing/",
        "https://learn.microsoft.com/de-de/azure/storage/",
    ] {
        let po = with(refused);
        assert!(po.contains(refused));
        book.write("i18n/de/azure-pass.po", &po);
        let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
        assert_eq!(r.code, 2, "{refused}: {}", r.stderr);
        assert!(r.stderr.contains("error[E029]"), "{}", r.stderr);
    }
    let localised = "https://learn.microsoft.com/de-de/azure/cost-management-billing/";
    book.write("i18n/de/azure-pass.po", &with(localised));
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.po"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        book.read("content/azure-pass.de.yaml")
            .contains(&format!("[the balance page]({localised})")),
        "{}",
        book.read("content/azure-pass.de.yaml")
    );
}

#[test]
fn missing_and_fuzzy_entries_keep_the_current_translation_and_its_comments() {
    let (book, po) = imported();
    let de = book.read("content/azure-pass.de.yaml").replace(
        "title: \"DE: Creating a Microsoft Azure Pass Subscription\"\n",
        "# Der Titel ist abgestimmt.\ntitle: \"DE: Creating a Microsoft Azure Pass Subscription\"\n",
    );
    book.write("content/azure-pass.de.yaml", &de);
    // One entry changed and fuzzy, one changed, the rest left out.
    let mut kept = String::new();
    for e in po.split("\n\n") {
        if e.contains("msgctxt \"azure-pass:title\"") {
            kept.push_str(&format!(
                "\n\n#, fuzzy\n{}",
                e.replace("msgstr \"DE: ", "msgstr \"FUZZY: ")
            ));
        } else if e.contains("msgctxt \"azure-pass#redeem:title\"") {
            kept.push_str(&format!(
                "\n\n{}",
                e.replace("msgstr \"DE: ", "msgstr \"Schritt 1: ")
            ));
        } else if !e.lines().any(|l| l.starts_with("msgctxt ")) {
            kept.push_str(e);
        }
    }
    book.write("de.po", &kept);
    let r = book.run(&["i18n", "import", "de.po"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = book.read("content/azure-pass.de.yaml");
    assert_eq!(
        after,
        de.replace(
            "title: \"DE: Step 1: Redeeming",
            "title: \"Schritt 1: Step 1: Redeeming"
        )
    );
}

#[test]
fn check_translations_counts_each_guides_texts_and_fails_an_incomplete_language_with_deny_warnings()
{
    let (book, _) = imported();
    let r = book.run(&["check", "--translations", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row: Vec<&str> = r
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        row,
        [
            "de",
            "content/azure-pass.yaml",
            "up",
            "to",
            "date",
            "45",
            "0",
            "0"
        ]
    );
    // One text back to the source's: untranslated.
    let de = book
        .read("content/azure-pass.de.yaml")
        .replace("\"DE: Select Start\"", "Select Start");
    book.write("content/azure-pass.de.yaml", &de);
    let r = book.run(&["check", "--translations"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .nth(1)
            .unwrap()
            .ends_with("44      0             1"),
        "{}",
        r.stdout
    );
    let r = book.run(&["check", "--translations", "--deny-warnings"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("not every guide is translated completely into de"),
        "{}",
        r.stderr
    );
}

/// Validates an XLIFF file against the OASIS XLIFF 1.2 strict schema (tests/xliff/, the XML
/// namespace's schema it imports found through the catalog beside it, with no network) with
/// `xmllint` (libxml2-utils, which .ci/run installs).
fn xliff_valid(xlf: &Path) {
    let dir = crate::repo().join("tests/xliff");
    let xsd = dir.join("xliff-core-1.2-strict.xsd");
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", dir.join("catalog.xml"))
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(xlf)
        .output()
        .expect("xmllint (libxml2-utils) is needed: .ci/run installs it");
    assert!(
        out.status.success(),
        "{}: not valid XLIFF 1.2: {}",
        xlf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The XLIFF with a `<target state="translated">` after every unit's `<source>`, its text
/// the source's marked `DE: ` (as the export writes a translation).
fn xliff_filled(xlf: &str) -> String {
    let mut out = String::new();
    let mut rest = xlf;
    while let Some(at) = rest.find("        <source>") {
        let end = rest[at..].find("</source>\n").unwrap() + at + "</source>\n".len();
        let inner = &rest[at + "        <source>".len()..end - "</source>\n".len()];
        out.push_str(&rest[..end]);
        out.push_str(&format!(
            "        <target state=\"translated\">DE: {inner}</target>\n"
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_xliff_export_is_valid_xliff_1_2_with_placeholders_as_ph_and_notes_for_place_and_kind() {
    let book = german();
    let r = book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = book.path().join("i18n/de/azure-pass.xlf");
    xliff_valid(&path);
    let xlf = book.read("i18n/de/azure-pass.xlf");
    assert!(xlf.contains("<file original=\"content/azure-pass.yaml\" source-language=\"en\" target-language=\"de\""), "{xlf}");
    assert_eq!(xlf.matches("<trans-unit ").count(), 45);
    let unit = |id: &str| {
        let at = xlf
            .find(&format!("<trans-unit id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {xlf}"));
        &xlf[at..at + xlf[at..].find("</trans-unit>").unwrap()]
    };
    let check = unit("azure-pass#redeem-5:check");
    assert!(
        check.contains(
            "<source>Enter the promo code <ph id=\"1\">{{ attendee.code }}</ph> and select"
        ),
        "{check}"
    );
    assert!(!check.contains("<target"), "untranslated: no target");
    let step = unit("azure-pass#open-site:text");
    assert!(
        step.contains("<note from=\"stepbook\">a step (Markdown)</note>")
            && step.contains("<context context-type=\"sourcefile\">content/azure-pass.yaml</context>\n          <context context-type=\"linenumber\">29</context>"),
        "{step}"
    );
    let r = book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        book.read("i18n/de/azure-pass.xlf"),
        xlf,
        "the same bytes again"
    );
}

#[test]
fn a_filled_xliff_imports_builds_and_exports_again_unchanged() {
    let book = german();
    assert_eq!(
        book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"])
            .code,
        0
    );
    let xlf = xliff_filled(&book.read("i18n/de/azure-pass.xlf"));
    book.write("i18n/de/azure-pass.xlf", &xlf);
    xliff_valid(&book.path().join("i18n/de/azure-pass.xlf"));
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.xlf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("wrote content/azure-pass.de.yaml: 45 texts translated"),
        "{}",
        r.stderr
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = book.read("book/html/de/azure-pass/index.html");
    assert!(
        page.contains("DE: Select the start button to get started."),
        "{page}"
    );
    let keys = ["id", "src", "kind", "wait", "duration"];
    assert_eq!(
        lines_of(&book.read("content/azure-pass.de.yaml"), &keys),
        lines_of(&book.read("content/azure-pass.yaml"), &keys)
    );
    assert_eq!(
        book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"])
            .code,
        0
    );
    assert!(
        book.read("i18n/de/azure-pass.xlf") == xlf,
        "the export differs from the imported file"
    );
    // Imported again, unchanged: nothing is written. The PO of the same book says the same.
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.xlf"]);
    assert!(r.stderr.contains("unchanged"), "{}", r.stderr);
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    assert!(
        !book
            .read("i18n/de/azure-pass.po")
            .contains("msgstr \"\"\n\n")
    );
}

#[test]
fn a_changed_source_is_a_target_needing_review_with_the_previous_source_in_valid_xliff() {
    let book = german();
    let src = book.read("content/azure-pass.yaml");
    let de = src.replace(
        "Select the start button to get started.",
        "Wählen Sie „Start“.",
    );
    book.write("content/azure-pass.de.yaml", &de);
    git(book.path(), &["init", "-q"]);
    git(book.path(), &["add", "."]);
    git(book.path(), &["commit", "-qm", "English and German"]);
    book.write(
        "content/azure-pass.yaml",
        &src.replace(
            "Select the start button to get started.",
            "Select Start to begin.",
        ),
    );
    let r = book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    xliff_valid(&book.path().join("i18n/de/azure-pass.xlf"));
    let xlf = book.read("i18n/de/azure-pass.xlf");
    assert_eq!(
        xlf.matches("state=\"needs-review-translation\"").count(),
        1,
        "{xlf}"
    );
    assert!(
        xlf.contains("<source>Select Start to begin.</source>\n        <target state=\"needs-review-translation\">Wählen Sie „Start“.</target>"),
        "{xlf}"
    );
    assert!(
        xlf.contains("<alt-trans alttranstype=\"previous-version\">\n          <source>Select the start button to get started.</source>\n          <target>Wählen Sie „Start“.</target>"),
        "{xlf}"
    );
    // Imported as it is, the entry needing review is not taken: the translation stays.
    let r = book.run(&["i18n", "import", "i18n/de/azure-pass.xlf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(book.read("content/azure-pass.de.yaml"), de);
}

#[test]
fn an_xliff_target_dropping_a_placeholder_is_rejected_at_its_line() {
    let book = german();
    assert_eq!(
        book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"])
            .code,
        0
    );
    let xlf = xliff_filled(&book.read("i18n/de/azure-pass.xlf")).replace(
        "<target state=\"translated\">DE: Enter the promo code <ph id=\"1\">{{ attendee.code }}</ph> and select Claim",
        "<target state=\"translated\">DE: Enter the promo code and select Claim",
    );
    book.write("de.xliff", &xlf);
    let line = xlf
        .lines()
        .position(|l| l.contains("DE: Enter the promo code and select Claim"))
        .unwrap()
        + 1;
    let r = book.run(&["i18n", "import", "de.xliff"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E029".to_owned(), format!("de.xliff:{line}:9"))]
    );
    assert!(!book.path().join("content/azure-pass.de.yaml").exists());
}

/// A `<ph>` whose content the translator edited is put back as the source's placeholder, and
/// a warning at its line says so (it was put back silently).
#[test]
fn an_edited_xliff_placeholder_is_put_back_with_a_warning_at_its_line() {
    let book = german();
    assert_eq!(
        book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"])
            .code,
        0
    );
    let xlf = xliff_filled(&book.read("i18n/de/azure-pass.xlf")).replace(
        "<target state=\"translated\">DE: Enter the promo code <ph id=\"1\">{{ attendee.code }}</ph>",
        "<target state=\"translated\">DE: Enter the promo code <ph id=\"1\">{{ attendee.kode }}</ph>",
    );
    assert!(xlf.contains("attendee.kode"));
    book.write("de.xliff", &xlf);
    let at = xlf.find("<ph id=\"1\">{{ attendee.kode").unwrap();
    let line = xlf[..at].lines().count();
    let col = at - xlf[..at].rfind('\n').unwrap();
    let r = book.run(&["i18n", "import", "de.xliff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("W019".to_owned(), format!("de.xliff:{line}:{col}"))],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "changed the placeholder `{{ attendee.code }}` into `{{ attendee.kode }}`; the source's is kept"
        ),
        "{}",
        r.stderr
    );
    let de = book.read("content/azure-pass.de.yaml");
    assert!(
        de.contains("DE: Enter the promo code {{ attendee.code }} and select"),
        "{de}"
    );
}

/// Every file under `dir/content`, with its bytes.
fn content_files(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_owned(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// The files of a folder with the given extension, as (name, text), sorted.
fn exported_files(dir: &Path, ext: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Exports `format` into `out` and imports every file written, unchanged: the exit code of
/// the import and its stderr.
fn export_import(root: &Path, format: &str, out: &str) -> (Vec<(String, String)>, crate::Run) {
    let r = crate::run_in(
        root,
        &[
            "i18n", "export", "--lang", "de", "--format", format, "--out", out,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ext = if format == "po" { "po" } else { "xlf" };
    let files = exported_files(&root.join(out), ext);
    let args: Vec<String> = ["i18n", "import"]
        .into_iter()
        .map(str::to_owned)
        .chain(files.iter().map(|(n, _)| format!("{out}/{n}")))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (files, crate::run_in(root, &args))
}

/// Every lab of ../shared/corpus imported, German exported and imported back unchanged (no
/// file changes), then every text translated (marked `DE: `) through PO and imported, and the
/// translated book exported and imported again, as PO and as XLIFF: no guide file changes,
/// and each export gives back the files imported.
#[test]
fn corpus_round_trip_through_po_and_xliff_changes_no_guide_file() {
    let Some(corpus) = crate::corpus::corpus() else {
        return;
    };
    let mut guides = 0;
    for entry in std::fs::read_dir(&corpus).unwrap().filter_map(Result::ok) {
        if !entry.path().join("manifest.json").is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let imported = crate::corpus::import_folder(&entry.path());
        let root = imported.dir.path();
        let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
        std::fs::write(root.join("book.toml"), toml + "[languages.de]\n").unwrap();
        let before = content_files(root);
        let (files, r) = export_import(root, "po", "po");
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(
            content_files(root) == before,
            "{name}: an untranslated export wrote files"
        );
        guides += files.len();
        // Every text translated, through PO.
        for (n, po) in &files {
            std::fs::write(root.join("po").join(n), filled(po)).unwrap();
        }
        let args: Vec<String> = files.iter().map(|(n, _)| format!("po/{n}")).collect();
        let mut cmd = vec!["i18n", "import"];
        cmd.extend(args.iter().map(String::as_str));
        let r = crate::run_in(root, &cmd);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(!r.stderr.contains("warning["), "{name}: {}", r.stderr);
        let translated = content_files(root);
        // One translation per guide (the last file is the book's own texts, `_book`).
        assert_eq!(translated.len(), before.len() + files.len() - 1, "{name}");
        // The translations are guides like their sources: no error but the sources' broken
        // links (E010, in each language), no drift.
        let r = crate::run_in(root, &["check", "--format", "json"]);
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|_| panic!("{}", r.stderr));
        for p in v["problems"].as_array().unwrap() {
            assert!(
                p["code"] == "E010" || p["severity"] != "error" && p["code"] != "W018",
                "{name}: {p}"
            );
        }
        for format in ["po", "xliff"] {
            let out = format!("again-{format}");
            let (again, r) = export_import(root, format, &out);
            assert_eq!(r.code, 0, "{name}: {format}: {}", r.stderr);
            assert_eq!(
                r.stderr.matches(": unchanged").count(),
                files.len(),
                "{name}: {format}: {}",
                r.stderr
            );
            assert!(
                content_files(root) == translated,
                "{name}: {format}: files changed"
            );
            if format == "po" {
                for ((n, po), (_, filled_po)) in again.iter().zip(&files) {
                    assert!(*po == filled(filled_po), "{name}: {n}: the export differs");
                }
            }
        }
    }
    assert!(guides >= 55, "{guides}");
}

/// The book's title, description and interface strings overrides are exported (`_book.po`, `_book.xlf`)
/// and imported back into book.toml's `[languages.de]`, comments kept; the site shows them.
#[test]
fn the_books_title_and_interface_strings_go_out_and_come_back_into_book_toml() {
    let book = german();
    let toml = book.read("book.toml")
        + "\n[languages.en.strings]\n# Our own wording.\nsearch_placeholder = \"Find a step\"\n";
    // A German guide (its texts still English), so the book has German pages.
    book.write(
        "content/azure-pass.de.yaml",
        &book.read("content/azure-pass.yaml"),
    );
    for format in ["po", "xliff"] {
        book.write("book.toml", &toml);
        let r = book.run(&["i18n", "export", "--lang", "de", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("exported 1 guide and the book's own texts"),
            "{}",
            r.stderr
        );
        let (file, filled_text) = if format == "po" {
            let po = book.read("i18n/de/_book.po");
            msgfmt_check(&book.path().join("i18n/de/_book.po"));
            assert!(po.contains("X-Stepbook-Source: book.toml"), "{po}");
            assert!(
                po.contains("msgctxt \"book:title\"\nmsgid \"Azure Pass event guides\"\nmsgstr \"Azure-Pass-Anleitungen\""),
                "{po}"
            );
            assert!(
                po.contains("msgctxt \"book:strings.search_placeholder\"\nmsgid \"Find a step\"\nmsgstr \"\""),
                "{po}"
            );
            // The title is translated already: only the string is filled.
            let filled_po = filled(&po).replace(
                "msgstr \"DE: Azure Pass event guides\"",
                "msgstr \"Azure-Pass-Anleitungen\"",
            );
            ("i18n/de/_book.po", filled_po)
        } else {
            let xlf = book.read("i18n/de/_book.xlf");
            xliff_valid(&book.path().join("i18n/de/_book.xlf"));
            let filled_xlf = xlf
                .replace(
                    "<source>Find a step</source>\n",
                    "<source>Find a step</source>\n        <target state=\"translated\">DE: Find a step</target>\n",
                )
                .replace(
                    "<source>Step-by-step guides for event attendees.</source>\n",
                    "<source>Step-by-step guides for event attendees.</source>\n        <target state=\"translated\">DE: Step-by-step guides for event attendees.</target>\n",
                );
            ("i18n/de/_book.xlf", filled_xlf)
        };
        book.write(file, &filled_text);
        let r = book.run(&["i18n", "import", file]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert!(
            r.stderr.contains("wrote book.toml"),
            "{format}: {}",
            r.stderr
        );
        let after = book.read("book.toml");
        assert_eq!(
            after,
            format!("{toml}\n[languages.de.strings]\nsearch_placeholder = \"DE: Find a step\"\n")
                .replace(
                    "title = \"Azure-Pass-Anleitungen\"\n",
                    "title = \"Azure-Pass-Anleitungen\"\ndescription = \"DE: Step-by-step guides for event attendees.\"\n"
                ),
            "{format}"
        );
        let r = book.run(&["build"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let page = book.read("book/html/de/azure-pass/index.html");
        assert!(page.contains("DE: Find a step"), "{format}");
        // Exported again: the file imported; imported again: unchanged.
        let r = book.run(&["i18n", "export", "--lang", "de", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        // (The places in book.toml moved: the description was added above the string.)
        let unplaced = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.starts_with("#: ") && !l.contains("\"linenumber\""))
                .map(str::to_owned)
                .collect()
        };
        let again = book.read(file);
        assert_eq!(
            unplaced(&again),
            unplaced(&filled_text),
            "{format}: the export differs"
        );
        let r = book.run(&["i18n", "import", file]);
        assert!(r.stderr.contains("book.toml: unchanged"), "{}", r.stderr);
        assert_eq!(
            book.run(&["i18n", "export", "--lang", "de", "--format", format])
                .code,
            0
        );
        assert!(
            book.read(file) == again,
            "{format}: a second export differs"
        );
    }
}
