//! Hostile translators' files (`stepbook i18n import`): broken PO headers, plural forms, a
//! context twice, an entry for no text, a file over the cap, bytes that are not UTF-8 — each a
//! message at its line, and no guide file written.

use crate::Book;

/// The bundled book with German declared and exported: (book, the PO's text).
fn exported() -> (Book, String) {
    let book = Book::bundled();
    let toml = book.read("book.toml") + "\n[languages.de]\n";
    book.write("book.toml", &toml);
    let r = book.run(&["i18n", "export", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let po = book.read("i18n/de/azure-pass.po");
    (book, po)
}

/// Imports `po` as `x.po`: the exit code, the (code, place) of every problem, stderr.
fn import(book: &Book, po: &str) -> (i32, Vec<(String, String)>, String) {
    book.write("x.po", po);
    let r = book.run(&["i18n", "import", "x.po"]);
    (r.code, crate::locations(&r.stderr), r.stderr)
}

fn line_of(text: &str, start: &str) -> usize {
    text.lines().position(|l| l.starts_with(start)).unwrap() + 1
}

fn refused(book: &Book, po: &str, line: usize, words: &str) {
    let (code, at, stderr) = import(book, po);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        at,
        [("E028".to_owned(), format!("x.po:{line}:1"))],
        "{stderr}"
    );
    assert!(stderr.contains(words), "{stderr}");
    assert!(!book.path().join("content/azure-pass.de.yaml").exists());
}

#[test]
fn a_broken_header_line_is_refused_at_the_header() {
    let (book, po) = exported();
    let bad = po.replace("\"Language-Team: de\\n\"", "\"Language-Team de\\n\"");
    refused(
        &book,
        &bad,
        line_of(&bad, "msgstr \"\""),
        "broken header: `Language-Team de`",
    );
    let bad = po.replace("charset=UTF-8", "charset=ISO-8859-1");
    refused(&book, &bad, line_of(&bad, "msgstr \"\""), "`ISO-8859-1`");
    let bad = po.replace(
        "\"Language: de\\n\"\n",
        "\"Plural-Forms: nplurals=; plural=\\n\"\n\"Language: de\\n\"\n",
    );
    refused(&book, &bad, line_of(&bad, "msgstr \"\""), "Plural-Forms");
}

#[test]
fn plural_forms_are_refused_at_their_line() {
    let (book, po) = exported();
    let bad = po.replacen(
        "msgid \"Select Start\"\nmsgstr \"\"",
        "msgid \"Select Start\"\nmsgid_plural \"Select Starts\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"",
        1,
    );
    refused(
        &book,
        &bad,
        line_of(&bad, "msgid_plural"),
        "no plural forms",
    );
    let bad = po.replacen(
        "msgid \"Select Start\"\nmsgstr \"\"",
        "msgid \"Select Start\"\nmsgstr[1] \"Start\"",
        1,
    );
    refused(&book, &bad, line_of(&bad, "msgstr[1]"), "no plural forms");
}

#[test]
fn a_context_twice_is_refused_at_the_second_with_the_first_line() {
    let (book, po) = exported();
    let entry = "\n\nmsgctxt \"azure-pass:title\"\nmsgid \"Creating a Microsoft Azure Pass Subscription\"\nmsgstr \"Zweimal\"\n";
    let bad = format!("{po}{entry}");
    let first = line_of(&bad, "msgctxt \"azure-pass:title\"");
    let second = bad.lines().count() - 2;
    refused(
        &book,
        &bad,
        second,
        &format!("duplicate context `azure-pass:title` (first at line {first})"),
    );
}

#[test]
fn an_entry_for_no_text_is_a_warning_naming_it_and_the_rest_is_imported() {
    let (book, po) = exported();
    let extra = "\nmsgctxt \"azure-pass#gone:text\"\nmsgid \"A step that was removed\"\nmsgstr \"Ein entfernter Schritt\"\n";
    let po = po.replacen(
        "msgid \"Select Start\"\nmsgstr \"\"",
        "msgid \"Select Start\"\nmsgstr \"Start wählen\"",
        1,
    ) + extra;
    let line = line_of(&po, "msgctxt \"azure-pass#gone:text\"");
    let (code, at, stderr) = import(&book, &po);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        at,
        [("W019".to_owned(), format!("x.po:{line}:1"))],
        "{stderr}"
    );
    assert!(
        stderr.contains("`azure-pass#gone:text` matches no text"),
        "{stderr}"
    );
    assert!(
        book.read("content/azure-pass.de.yaml")
            .contains("check: Start wählen\n")
    );
}

#[test]
fn syntax_errors_are_refused_at_their_line() {
    let (book, po) = exported();
    let bad = po.replacen(
        "msgstr \"\"\n\n#. a step",
        "msgstr \"unterminated\n\n#. a step",
        1,
    );
    refused(
        &book,
        &bad,
        line_of(&bad, "msgstr \"unterminated"),
        "double quotes",
    );
    let bad = po.replacen(
        "msgctxt \"azure-pass:audience\"",
        "msgctx \"azure-pass:audience\"",
        1,
    );
    refused(
        &book,
        &bad,
        line_of(&bad, "msgctx "),
        "`msgctx` is not a PO keyword",
    );
    let bad = po.replacen("msgctxt \"azure-pass:audience\"\n", "", 1);
    refused(
        &book,
        &bad,
        line_of(&bad, "msgid \"event attendees"),
        "no `msgctxt`",
    );
}

#[test]
fn a_huge_file_or_one_not_utf8_is_refused_without_reading_it_all() {
    let (book, po) = exported();
    let f = std::fs::File::create(book.path().join("huge.po")).unwrap();
    f.set_len(17 << 20).unwrap();
    let r = book.run(&["i18n", "import", "huge.po"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("larger than 16 MiB"), "{}", r.stderr);
    let mut bytes = po.into_bytes();
    let at = bytes.len() - 3;
    bytes[at] = 0xff;
    std::fs::write(book.path().join("x.po"), &bytes).unwrap();
    let r = book.run(&["i18n", "import", "x.po"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
    assert!(!book.path().join("content/azure-pass.de.yaml").exists());
}

/// The bundled book with German declared and exported as XLIFF: (book, the file's text).
fn exported_xliff() -> (Book, String) {
    let book = Book::bundled();
    let toml = book.read("book.toml") + "\n[languages.de]\n";
    book.write("book.toml", &toml);
    let r = book.run(&["i18n", "export", "--lang", "de", "--format", "xliff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let xlf = book.read("i18n/de/azure-pass.xlf");
    (book, xlf)
}

/// Imports `xlf` as `x.xlf`, refused with one E028 at `line` saying `words`.
fn xliff_refused(book: &Book, xlf: &str, line: usize, words: &str) {
    book.write("x.xlf", xlf);
    let r = book.run(&["i18n", "import", "x.xlf"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let at = crate::locations(&r.stderr);
    assert_eq!(at.len(), 1, "{}", r.stderr);
    assert_eq!(at[0].0, "E028", "{}", r.stderr);
    assert!(
        at[0].1.starts_with(&format!("x.xlf:{line}:")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(words), "{}", r.stderr);
    assert!(!book.path().join("content/azure-pass.de.yaml").exists());
}

#[test]
fn an_xliff_doctype_is_refused_at_its_line_and_no_entity_is_read_or_fetched() {
    let (book, xlf) = exported_xliff();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "TOP SECRET").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let doctype = format!(
        "<!DOCTYPE xliff [\n  <!ENTITY secret SYSTEM \"file://{}\">\n  <!ENTITY remote SYSTEM \"http://127.0.0.1:{port}/x\">\n  <!ENTITY % dtd SYSTEM \"http://127.0.0.1:{port}/dtd\">\n  %dtd;\n]>\n<xliff",
        secret.path().display()
    );
    let bad = xlf.replacen("<xliff", &doctype, 1).replacen(
        "<source>Select Start</source>",
        "<source>Select Start</source>\n        <target state=\"translated\">&secret;&remote;</target>",
        1,
    );
    let line = bad
        .lines()
        .position(|l| l.starts_with("<!DOCTYPE"))
        .unwrap()
        + 1;
    xliff_refused(&book, &bad, line, "DOCTYPE");
    assert!(
        listener.accept().is_err(),
        "no request was made for an entity"
    );
    // Entities that expand without end (a billion laughs) are refused the same way, and an
    // entity used with no DOCTYPE is unknown.
    let laughs = "<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n]>\n<xliff";
    let bad = xlf.replacen("<xliff", laughs, 1);
    xliff_refused(&book, &bad, 5, "DOCTYPE");
    let bad = xlf.replacen(
        "<source>Select Start</source>",
        "<source>Select Start</source>\n        <target state=\"translated\">&lol2;</target>",
        1,
    );
    let line = bad.lines().position(|l| l.contains("&lol2;")).unwrap() + 1;
    xliff_refused(&book, &bad, line, "unknown entity `&lol2;`");
}

#[test]
fn broken_xliff_is_refused_at_its_line() {
    let (book, xlf) = exported_xliff();
    let bad = xlf.replacen("</source>", "</sourc>", 1);
    let line = bad.lines().position(|l| l.contains("</sourc>")).unwrap() + 1;
    xliff_refused(&book, &bad, line, "not well-formed XML");
    let bad = xlf.replacen("encoding=\"UTF-8\"", "encoding=\"windows-1252\"", 1);
    xliff_refused(&book, &bad, 1, "`windows-1252`");
    let bad = xlf.replacen("version=\"1.2\"", "version=\"2.0\"", 1);
    xliff_refused(&book, &bad, 5, "XLIFF 2");
    let second = xlf
        .find("      <trans-unit id=\"azure-pass:summary\"")
        .unwrap();
    let bad = format!(
        "{}      <trans-unit id=\"azure-pass:title\"><source>x</source></trans-unit>\n{}",
        &xlf[..second],
        &xlf[second..]
    );
    let line = bad[..second].lines().count() + 1;
    xliff_refused(
        &book,
        &bad,
        line,
        "duplicate id `azure-pass:title` (first at line 8)",
    );
    let bad = xlf.replacen(
        "<source>Select Start</source>",
        "<source>Select Start</source>\n        <target>Start <bpt id=\"1\">&lt;b&gt;</bpt>wählen</target>",
        1,
    );
    let line = bad.lines().position(|l| l.contains("<bpt")).unwrap() + 1;
    xliff_refused(&book, &bad, line, "`<bpt>`");
}

#[test]
fn an_xliff_unit_for_no_text_is_a_warning_at_its_line_and_the_rest_is_imported() {
    let (book, xlf) = exported_xliff();
    let xlf = xlf
        .replacen(
            "<source>Select Start</source>",
            "<source>Select Start</source>\n        <target>Start wählen</target>",
            1,
        )
        .replacen(
            "    </body>",
            "      <trans-unit id=\"azure-pass#gone:text\"><source>Gone</source><target>Weg</target></trans-unit>\n    </body>",
            1,
        );
    let line = xlf
        .lines()
        .position(|l| l.contains("azure-pass#gone"))
        .unwrap()
        + 1;
    // Named without an extension: read as XLIFF by its content.
    book.write("de-translation", &xlf);
    let r = book.run(&["i18n", "import", "de-translation"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("W019".to_owned(), format!("de-translation:{line}:7"))],
        "{}",
        r.stderr
    );
    assert!(
        book.read("content/azure-pass.de.yaml")
            .contains("check: Start wählen\n")
    );
}

#[test]
fn a_huge_xliff_or_one_not_utf8_is_refused() {
    let (book, xlf) = exported_xliff();
    let f = std::fs::File::create(book.path().join("huge.xlf")).unwrap();
    f.set_len(17 << 20).unwrap();
    let r = book.run(&["i18n", "import", "huge.xlf"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("larger than 16 MiB"), "{}", r.stderr);
    // UTF-16, as some tools save XLIFF: not UTF-8.
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(xlf.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(book.path().join("x.xlf"), &utf16).unwrap();
    let r = book.run(&["i18n", "import", "x.xlf"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
    assert!(!book.path().join("content/azure-pass.de.yaml").exists());
}

#[test]
fn an_interface_string_losing_its_field_is_rejected_at_its_line() {
    let book = Book::bundled();
    let toml = book.read("book.toml")
        + "\n[languages.de]\n\n[languages.en.strings]\nsearch_step = \"step {number} of the guide\"\n";
    book.write("book.toml", &toml);
    assert_eq!(book.run(&["i18n", "export", "--lang", "de"]).code, 0);
    let po = book.read("i18n/de/_book.po").replace(
        "msgid \"step {number} of the guide\"\nmsgstr \"\"",
        "msgid \"step {number} of the guide\"\nmsgstr \"Schritt {nummer}\"",
    );
    let line = line_of(&po, "msgstr \"Schritt");
    let (code, at, stderr) = import(&book, &po);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        at,
        [("E029".to_owned(), format!("x.po:{line}:1"))],
        "{stderr}"
    );
    assert!(
        stderr.contains("the fields `{nummer}` where its source has `{number}`"),
        "{stderr}"
    );
    assert_eq!(book.read("book.toml"), toml, "nothing is written");
}
