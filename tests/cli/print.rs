//! Printing for a real event (issue 28): every script prints, checked with poppler's tools
//! (pdftotext, pdffonts, pdfinfo) and zbarimg.

use std::path::Path;
use std::process::Command;

use crate::Book;
use crate::pdf::{handouts_offline, pdftotext, with_pdf};

/// pdffonts' font names of a PDF.
pub(crate) fn font_names(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts is installed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Whether the machine has a CJK font installed (`.ci/run` installs fonts-noto-cjk; a test that
/// needs one is skipped without it, unless `CI` is set).
fn have_cjk_font() -> bool {
    let out = Command::new("fc-list").arg(":lang=ja").output();
    let have = out.is_ok_and(|o| !o.stdout.is_empty());
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs a CJK font: apt-get install fonts-noto-cjk"
        );
        eprintln!("skipped: no CJK font installed (apt-get install fonts-noto-cjk)");
    }
    have
}

/// Whitespace collapsed to single spaces.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A book in Japanese: its interface strings (`ja`) and a guide in Japanese.
fn japanese_book(extra: &str) -> Book {
    let book = Book::bundled();
    std::fs::remove_file(book.path().join("content/azure-pass.yaml")).unwrap();
    book.write(
        "book.toml",
        &format!(
            "[book]\ntitle = \"イベントガイド\"\nauthors = [\"山田太郎\"]\nlanguage = \"ja\"\nsrc = \"content\"\n\n[output.pdf]\npaper = \"a4\"\n{extra}"
        ),
    );
    book.write(
        "content/start.yaml",
        "title: サブスクリプションの作成\nid: start\nsummary: Azure のサブスクリプションを作成します。\nduration: 10m\nsections:\n  - title: 準備\n    id: prep\n    steps:\n      - text: ブラウザーを開き、サインインします。\n        check: サインインする\n      - text: プロモーションコードを入力してください，確認します。\n        check: コードを入力\n",
    );
    book
}

#[test]
fn a_japanese_book_prints_its_text_in_a_japanese_font() {
    if !have_cjk_font() {
        return;
    }
    let book = japanese_book("");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("W020"), "{}", r.stderr);
    let pdf = book.path().join("book/pdf/start.pdf");
    assert_eq!(
        words(&pdftotext(&pdf, 0)),
        "サブスクリプションの作成 Azure のサブスクリプションを作成します。 2 ステップ · 約 10 分 \
         準備 1. ブラウザーを開き、サインインします。 2. \
         プロモーションコードを入力してください，確認します。 イベントガイド 1/1"
    );
    // Set in the Japanese family (Han characters are drawn differently in Japan and China).
    let names = font_names(&pdf);
    assert!(names.iter().any(|n| n.contains("CJKjp")), "{names:?}");
    let checklist = book.path().join("book/pdf/start-checklist.pdf");
    assert!(words(&pdftotext(&checklist, 0)).contains("コードを入力"));
    assert!(font_names(&checklist).iter().any(|n| n.contains("CJKjp")));
}

/// An English book's handouts for a Japanese name (kana in it) print it in the Japanese
/// family, not the Chinese one Han alone gets; a Korean name (hangul) in the Korean one.
#[test]
fn a_japanese_or_korean_name_in_an_english_book_prints_in_its_own_family() {
    if !have_cjk_font() {
        return;
    }
    for (name, face, not) in [
        ("山田 さくら", "CJKjp", "CJKsc"),
        ("김민준", "CJKkr", "CJKsc"),
    ] {
        let book = with_pdf("");
        book.write("attendees.csv", &format!("name,code\n{name},PASS-0001\n"));
        let r = handouts_offline(&book);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let pdf = book.path().join("h.pdf");
        assert!(words(&pdftotext(&pdf, 1)).contains(name));
        let names = font_names(&pdf);
        assert!(names.iter().any(|n| n.contains(face)), "{name}: {names:?}");
        assert!(!names.iter().any(|n| n.contains(not)), "{name}: {names:?}");
    }
}

#[test]
fn without_a_font_for_them_the_characters_are_named_at_their_line() {
    let book = japanese_book("system-fonts = false\n");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // At the guide's first line holding one, with the characters named and what to do.
    assert!(r.stderr.contains("warning[W020]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--> content/start.yaml:1:8"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`サ` (U+30B5)"), "{}", r.stderr);
    assert!(r.stderr.contains("[output.pdf] fonts"), "{}", r.stderr);
    // The interface text's characters (`約 10 分`) too.
    assert!(r.stderr.contains("`約` (U+7D04)"), "{}", r.stderr);
}

/// `serve` (watch) rebuilding one guide shows W020 at its line, as a build does.
#[cfg(feature = "serve")]
#[test]
fn a_rebuilt_guide_shows_the_characters_no_font_has_at_their_line() {
    let book = japanese_book("system-fonts = false\n");
    let server = crate::serve::Server::start(&book);
    server.wait_log(
        "--> content/start.yaml:1:8",
        std::time::Duration::from_secs(60),
    );
    let guide = book.read("content/start.yaml");
    book.write("content/start.yaml", &guide.replace("準備", "準備する"));
    server.wait_log(
        "rebuilt: guide content/start.yaml",
        std::time::Duration::from_secs(60),
    );
    let log = server.log.lock().unwrap().clone();
    let rebuilt = &log[log.find("rebuilt: full build").unwrap()..];
    assert!(rebuilt.contains("warning[W020]"), "{log}");
    assert!(rebuilt.contains("--> content/start.yaml:1:8"), "{log}");
}

#[test]
fn a_font_the_book_names_is_used() {
    let Some(font) = ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"]
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .or_else(|| {
            have_cjk_font();
            None
        })
    else {
        return;
    };
    let book = japanese_book("fonts = [\"fonts/\"]\nsystem-fonts = false\n");
    std::fs::create_dir_all(book.path().join("fonts")).unwrap();
    std::fs::copy(font, book.path().join("fonts/cjk.ttf")).unwrap();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("W020"), "{}", r.stderr);
    let names = font_names(&book.path().join("book/pdf/start.pdf"));
    assert!(names.iter().any(|n| n.contains("Droid")), "{names:?}");
    // A path that is no font, or leads out of the book, is refused at its place.
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace("\"fonts/\"", "\"../fonts\", \"book.toml\""),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`fonts` entry `../fonts` leads out of the book"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`book.toml` is not a font file"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_chinese_name_on_the_roster_prints() {
    let book = with_pdf("");
    book.write(
        "attendees.csv",
        "name,code\n王小明,PASS-0001\nAda Lovelace,PASS-0002\n",
    );
    if have_cjk_font() {
        let r = handouts_offline(&book);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("W020"), "{}", r.stderr);
        let pdf = book.path().join("h.pdf");
        assert!(pdftotext(&pdf, 1).contains("王小明"));
        assert!(
            font_names(&pdf).iter().any(|n| n.contains("CJK")),
            "{:?}",
            font_names(&pdf)
        );
    }
    // Without the machine's fonts: a warning at the roster's line and column.
    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}system-fonts = false\n"));
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("--> attendees.csv:2:1"), "{}", r.stderr);
    assert!(r.stderr.contains("`王` (U+738B)"), "{}", r.stderr);
    assert!(r.stderr.contains("fonts-noto-cjk"), "{}", r.stderr);
}

/// A roster as Excel exports it: a BOM, CRLF line ends, headers with spaces and capitals, an
/// email column, a Chinese and an accented name among `n` rows.
fn excel_roster(n: usize) -> String {
    let mut s = String::from("\u{feff}First Name,Last Name,Email Address,Promo Code,URL\r\n");
    for i in 1..=n {
        let (first, last) = match i {
            1 => ("小明".to_owned(), "王".to_owned()),
            2 => ("José".to_owned(), "Müller".to_owned()),
            _ => (format!("Ada{i}"), format!("Lovelace{i}")),
        };
        s.push_str(&format!(
            "{first},{last},person{i}@example.org,PASS-{i:04},https://guides.example.org/a/{i}\r\n"
        ));
    }
    s
}

/// The bundled book, its guide printing `{{ attendee.promo_code }}`.
fn promo_code_book() -> Book {
    let book = with_pdf("");
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace("attendee.code", "attendee.promo_code"),
    );
    book
}

#[test]
fn an_excel_roster_prints_names_and_codes_and_no_email() {
    let book = promo_code_book();
    book.write("attendees.csv", &excel_roster(200));
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdftotext(&book.path().join("h.pdf"), 0);
    assert!(!text.contains('@'), "an email is printed");
    assert!(!text.contains("Email"), "an email label is printed");
    for i in 3..=200 {
        assert!(text.contains(&format!("Ada{i}")), "Ada{i} missing");
        assert!(
            text.contains(&format!("Lovelace{i}")),
            "Lovelace{i} missing"
        );
        assert!(
            text.contains(&format!("PASS-{i:04}")),
            "PASS-{i:04} missing"
        );
    }
    for name in ["小明", "王", "José", "Müller"] {
        assert!(text.contains(name), "{name} missing");
    }
    // Labelled from the strings table, not with the raw header.
    let first = pdftotext(&book.path().join("h.pdf"), 1);
    assert!(first.contains("First name:"), "{first}");
    assert!(first.contains("Promo code:"), "{first}");

    // `[handouts] show` chooses; an email only when asked.
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[handouts]\nshow = [\"last_name\", \"email_address\"]\n"),
    );
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = pdftotext(&book.path().join("h.pdf"), 2);
    assert!(first.contains("person2@example.org"), "{first}");
    assert!(!first.contains("First name:"), "{first}");
}

/// A misspelt `[handouts] show` column is book.toml's mistake: reported at its place there,
/// with the roster's column it meant, as a configuration error (exit 3); nothing is printed.
#[test]
fn a_misspelt_show_column_is_reported_at_book_toml_with_the_column_it_meant() {
    let book = with_pdf("");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[handouts]\nshow = [\"nmae\", \"code\", \"emial\"]\n"),
    );
    book.write(
        "attendees.csv",
        "Name,Code,Email\nAda Lovelace,PASS-0001,ada@example.org\n",
    );
    let r = handouts_offline(&book);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!book.path().join("h.pdf").exists());
    insta::assert_snapshot!("handouts_show_misspelt", r.stderr);
}

/// The running header of a handout's later pages names the attendee as one name ("Ada
/// Lovelace", from a first and a last name column), then their code and the guide.
#[test]
fn the_running_header_joins_first_and_last_name_with_a_space() {
    let book = with_pdf("");
    let steps: String = (1..=90)
        .map(|i| {
            format!(
                "      - text: Step number {i} of a long lab, with some words to fill the line.\n"
            )
        })
        .collect();
    book.write(
        "content/long.yaml",
        &format!("title: Long lab\nid: long\nsections:\n  - title: All of it\n    steps:\n{steps}"),
    );
    book.write(
        "attendees.csv",
        "First Name,Last Name,Promo Code\nAda,Lovelace,PASS-0001\n",
    );
    let r = book.run(&[
        "handouts",
        "long",
        "--roster",
        "attendees.csv",
        "--out",
        "h.pdf",
        "--offline",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second = pdftotext(&book.path().join("h.pdf"), 2);
    assert!(
        second.contains("Ada Lovelace · PASS-0001 · Long lab"),
        "{second}"
    );
}

#[test]
fn a_roster_without_its_header_row_is_told_so() {
    let book = with_pdf("");
    book.write(
        "attendees.csv",
        "Ada Lovelace,PASS-0001\nGrace Hopper,PASS-0002\n",
    );
    let r = handouts_offline(&book);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the first row looks like data, not a header"),
        "{}",
        r.stderr
    );
    assert!(!book.path().join("h.pdf").exists());
}

#[test]
fn the_promo_code_prints_large_in_a_monospaced_face_grouped_and_the_qr_code_is_unchanged() {
    let book = with_pdf("");
    let toml = book.read("book.toml").replace(
        "theme = \"default\"",
        "theme = \"default\"\nbase-url = \"https://guides.example.org/azure/\"",
    );
    book.write(
        "book.toml",
        &format!("{toml}\n[handouts]\ncode-group = 4\n"),
    );
    book.write("attendees.csv", "name,code\nAda Lovelace,Q0OL1IZ2\n");
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("h.pdf");
    let text = pdftotext(&pdf, 1);
    // Grouped where it is printed large; typed as written in the checklist.
    assert!(text.contains("Q0OL-1IZ2"), "{text}");
    assert!(text.contains("Enter the promo code Q0OL1IZ2"), "{text}");
    assert!(
        font_names(&pdf)
            .iter()
            .any(|n| n.contains("DejaVuSansMono-Bold")),
        "{:?}",
        font_names(&pdf)
    );
    let (_, _, height) = word_box(&pdf, 1, "Q0OL-1IZ2").expect("the code's box");
    assert!(height >= 14.0, "the code is {height} pt high");
    // The QR code still holds the guide's address.
    let png = book.path().join("page");
    assert!(
        Command::new("pdftoppm")
            .args(["-r", "200", "-png", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(&png)
            .status()
            .unwrap()
            .success()
    );
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(book.path().join("page-1.png"))
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "https://guides.example.org/azure/azure-pass/"
    );
}

/// The tallest box of a word on page `page` of `pdf` (pdftotext -bbox): (xMin, xMax, height);
/// `None` when the word is not there whole.
fn word_box(pdf: &Path, page: usize, word: &str) -> Option<(f64, f64, f64)> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    html.lines()
        .filter(|l| l.contains(&format!(">{word}</word>")))
        .map(|line| {
            let num = |k: &str| -> f64 {
                let at = line.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                line[at..].split('"').next().unwrap().parse().unwrap()
            };
            (num("xMin"), num("xMax"), num("yMax") - num("yMin"))
        })
        .max_by(|a, b| a.2.total_cmp(&b.2))
}

/// A promo code never breaks at its hyphens nor runs out of its half: in a two-up half of
/// letter paper (the trial's `AZP-0002-` / `OQ7`), a 24-character code made smaller to fit, and
/// a long site address under the QR code not widening its column.
#[test]
fn a_long_promo_code_stays_whole_within_its_half() {
    let book = Book::fixture("labs");
    book.write(
        "book.toml",
        "[book]\ntitle = \"Labs\"\n\n[output.html]\nbase-url = \"https://labs.example.org/some/long/path/for/the-azure-labs/\"\n\n[output.pdf]\n",
    );
    let codes = ["AZP-0002-OQ7", "Q2HXT7RW9K3MPL5VZB8NCD4F"];
    book.write(
        "attendees.csv",
        &format!(
            "name,code\nAda Lovelace,{}\nGrace Hopper,{}\n",
            codes[0], codes[1]
        ),
    );
    let r = book.run(&[
        "handouts",
        "lab-08-manage-virtual-machines",
        "--roster",
        "attendees.csv",
        "--offline",
        "--two-up",
        "--paper",
        "letter",
        "--out",
        "h.pdf",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("h.pdf");
    let width = 792.0; // US letter, landscape
    for (i, code) in codes.iter().enumerate() {
        // Each handout's first half (the lab takes more than one): the page with its label.
        let page = (1..=8)
            .find(|&p| {
                let text = pdftotext(&pdf, p);
                text.contains("Code:")
                    && text.contains(["Ada", "Grace"][i])
                    && word_box(&pdf, p, code).is_some_and(|b| b.2 >= 8.0)
            })
            .unwrap_or_else(|| panic!("{code}'s first page: {}", pdftotext(&pdf, 1)));
        let (left, right, height) = word_box(&pdf, page, code)
            .unwrap_or_else(|| panic!("{code} is not whole: {}", pdftotext(&pdf, page)));
        let half = if left < width / 2.0 { 0.0 } else { 1.0 };
        let (start, end) = (half * width / 2.0, (half + 1.0) * width / 2.0);
        assert!(
            left > start && right < end - 20.0,
            "{code}: {left}..{right} in {start}..{end}"
        );
        assert!(height >= 8.0, "{code} is {height} pt high");
        if i == 0 {
            assert!(height >= 14.0, "{code} is {height} pt high");
        }
    }
}

/// pdfinfo's `Key: value` lines of a PDF, as pairs.
fn pdf_info(pdf: &Path) -> Vec<(String, String)> {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo is installed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn info<'a>(info: &'a [(String, String)], key: &str) -> &'a str {
    info.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// A real lab's handout runs over several pages: every page of an attendee's handout names the
/// attendee, their code and the guide (the first page in its header block, the others in a
/// running header) and says "Page n of m", numbered per attendee; each attendee starts on a new
/// page and no page shows another attendee. The PDF says what it is (title, author, language),
/// written in one piece or merged from batches.
#[test]
fn a_long_labs_handouts_name_the_attendee_and_number_every_page() {
    let Some(lab) = crate::repo()
        .join("../shared/corpus/AZ-104-MicrosoftAzureAdministrator/Instructions/Labs/LAB_07-Manage_Azure_Storage.md")
        .canonicalize()
        .ok()
    else {
        assert!(std::env::var_os("CI").is_none(), "the corpus is missing");
        return;
    };
    // No `[handouts] show`: the lab never quotes the code, and it prints all the same.
    let book = with_pdf("");
    let r = book.run(&["import", lab.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let people = [
        ("Ada Lovelace", "PASS-AAA1"),
        ("Grace Hopper", "PASS-BBB2"),
        ("Alan Turing", "PASS-CCC3"),
    ];
    let mut roster = String::from("name,code\n");
    for (n, c) in people {
        roster.push_str(&format!("{n},{c}\n"));
    }
    book.write("attendees.csv", &roster);
    for batch in ["200", "2"] {
        let r = book.run(&[
            "handouts",
            "lab-07-manage-azure-storage",
            "--roster",
            "attendees.csv",
            "--out",
            "h.pdf",
            "--offline",
            "--batch",
            batch,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let pdf = book.path().join("h.pdf");
        let meta = pdf_info(&pdf);
        assert_eq!(
            info(&meta, "Title"),
            "Handouts: Lab 07 - Manage Azure Storage"
        );
        assert_eq!(info(&meta, "Author"), "stepbook contributors");
        let pages: usize = info(&meta, "Pages").parse().unwrap();
        assert_eq!(pages % 3, 0, "{pages} pages for 3 attendees");
        let m = pages / 3;
        assert!(m >= 2, "the lab's handout is one page: {m}");
        for p in 1..=pages {
            let text = pdftotext(&pdf, p);
            let (who, code) = people[(p - 1) / m];
            let n = (p - 1) % m + 1;
            assert!(
                text.contains(who) && text.contains(code),
                "page {p}: {text}"
            );
            assert!(
                text.contains(&format!("Page {n} of {m}")),
                "page {p}: {text}"
            );
            // Once a page: on the first in the handout's own header block, then in the
            // running header.
            assert_eq!(text.matches(who).count(), 1, "page {p}: {text}");
            for (other, code) in people.iter().filter(|(o, _)| *o != who) {
                assert!(
                    !text.contains(other) && !text.contains(code),
                    "page {p} shows {other}"
                );
            }
            if n > 1 {
                assert!(
                    text.contains(&format!("{who} · {code} · Lab 07 - Manage Azure Storage")),
                    "page {p}: {text}"
                );
            }
        }
    }
    two_up_halves_are_one_attendees_each(&book, &people);
}

/// The text of the left or right half of page `page` (1-based) of `pdf`.
fn half_text(pdf: &Path, page: usize, right: bool) -> String {
    let meta = pdf_info(pdf);
    let size = info(&meta, "Page size");
    let mut dims = size
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok());
    let (w, h) = (dims.next().unwrap(), dims.next().unwrap());
    let half = (w / 2.0) as i64;
    let out = std::process::Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-x", &(if right { half } else { 0 }).to_string(), "-y", "0"])
        .args(["-W", &half.to_string(), "-H", &(h as i64 + 1).to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `--two-up` of a handout longer than a half: each half holds one attendee's pages, with its
/// running header from the second half on and "Page n of m" on every one.
fn two_up_halves_are_one_attendees_each(book: &Book, people: &[(&str, &str)]) {
    let r = book.run(&[
        "handouts",
        "lab-07-manage-azure-storage",
        "--roster",
        "attendees.csv",
        "--out",
        "two.pdf",
        "--offline",
        "--two-up",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("two.pdf");
    let pages: usize = info(&pdf_info(&pdf), "Pages").parse().unwrap();
    let mut seen: Vec<(usize, usize, usize)> = Vec::new();
    for p in 1..=pages {
        for right in [false, true] {
            let text = half_text(&pdf, p, right);
            let on: Vec<usize> = (0..people.len())
                .filter(|&i| text.contains(people[i].0) || text.contains(people[i].1))
                .collect();
            if text.trim().is_empty() {
                continue;
            }
            assert_eq!(on.len(), 1, "page {p} right {right}: one attendee: {text}");
            let (who, code) = people[on[0]];
            let at = text.find("Page ").expect("a page number");
            let nums: Vec<usize> = text[at..]
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .take(2)
                .collect();
            let (n, m) = (nums[0], nums[1]);
            if n > 1 {
                assert!(
                    text.contains(&format!("{who} · {code} · Lab 07 - Manage Azure Storage")),
                    "page {p} right {right}: {text}"
                );
            }
            seen.push((on[0], n, m));
        }
    }
    // Each attendee's halves in order, 1 to m, one after the other.
    let m = seen[0].2;
    assert!(m >= 2, "the lab's handout fits a half: {seen:?}");
    let expected: Vec<(usize, usize, usize)> = (0..people.len())
        .flat_map(|i| (1..=m).map(move |n| (i, n, m)))
        .collect();
    assert_eq!(seen, expected);
}

/// Every kind of PDF says what it is: its title and the book's authors (pdfinfo), and it is
/// tagged where it is laid out in one piece.
#[test]
fn every_pdf_has_a_title_and_the_books_authors() {
    let book = with_pdf("[output.agenda]\nstart = \"09:00\"\n");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace(
            "authors = [\"stepbook contributors\"]",
            "authors = [\"Ada Lovelace\", \"Grace Hopper\"]",
        ),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    book.write("attendees.csv", "name,code\nAda,PASS-1\n");
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdfs = [
        (
            "book/html/pdf/azure-pass.pdf",
            "Creating a Microsoft Azure Pass Subscription",
            true,
        ),
        (
            "book/html/pdf/azure-pass-checklist.pdf",
            "Checklist: Creating a Microsoft Azure Pass Subscription",
            true,
        ),
        (
            "book/agenda/agenda.pdf",
            "Agenda: Azure Pass event guides",
            true,
        ),
        (
            "h.pdf",
            "Handouts: Creating a Microsoft Azure Pass Subscription",
            false,
        ),
    ];
    for (path, title, tagged) in pdfs {
        let meta = pdf_info(&book.path().join(path));
        assert_eq!(info(&meta, "Title"), title, "{path}: {meta:?}");
        assert_eq!(
            info(&meta, "Author"),
            "Ada Lovelace, Grace Hopper",
            "{path}"
        );
        if tagged {
            assert_eq!(info(&meta, "Tagged"), "yes", "{path}");
        }
    }
}

/// A bare URL in a step is a link in the PDF, as on the page; a table with a header row lays out
/// (the header is bold: the markup's unit test).
#[test]
fn bare_urls_are_links_and_table_headers_are_bold_in_the_pdf() {
    let book = with_pdf("");
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace(
            "      - text: Select the start button to get started.\n",
            "      - text: |-\n          Select the start button to get started.\n\n          | Setting | Value |\n          |---|---|\n          | Region | East US |\n",
        ),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = book.path().join("book/html/pdf/azure-pass.pdf");
    let out = Command::new("pdfinfo")
        .arg("-url")
        .arg(&pdf)
        .output()
        .unwrap();
    let urls = String::from_utf8_lossy(&out.stdout);
    assert!(
        urls.contains("https://www.microsoftazurepass.com/"),
        "{urls}"
    );
    let text = pdftotext(&pdf, 0);
    assert!(
        text.contains("Setting") && text.contains("East US"),
        "{text}"
    );
}

/// Page 1 of a PDF in grey (pdftoppm, 100 dpi): width, height and one byte a pixel.
fn grey_page(pdf: &Path) -> (usize, usize, Vec<u8>) {
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", "100", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .output()
        .expect("pdftoppm is installed");
    let bytes = out.stdout;
    // A binary PGM: `P5`, width, height, max value, each after white space, then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[at + 1..].to_vec())
}

/// Two handouts a sheet: a dashed cut line runs down the middle of the sheet (grey pixels
/// alternating with white ones there), and one handout a sheet has none; each attendee is in
/// their own half.
#[test]
fn two_up_sheets_have_a_cut_line_between_the_halves() {
    let book = with_pdf("");
    book.write("attendees.csv", "name,code\nAda,PASS-1\nGrace,PASS-2\n");
    let centre_marks = |args: &[&str]| {
        let mut all = vec![
            "handouts",
            "azure-pass",
            "--roster",
            "attendees.csv",
            "--out",
            "h.pdf",
            "--offline",
        ];
        all.extend_from_slice(args);
        let r = book.run(&all);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let (w, h, px) = grey_page(&book.path().join("h.pdf"));
        // The middle column (and its neighbours, for rounding): how many rows are dark there.
        let dark = (h / 10..h * 9 / 10)
            .filter(|y| (w / 2 - 1..=w / 2 + 1).any(|x| px[y * w + x] < 235))
            .count();
        (dark, h * 8 / 10)
    };
    let (dark, rows) = centre_marks(&["--two-up"]);
    assert!(
        dark > rows / 4 && dark < rows * 9 / 10,
        "a dashed line: {dark} of {rows} rows"
    );
    let left = pdftotext(&book.path().join("h.pdf"), 1);
    assert!(left.contains("PASS-1") && left.contains("PASS-2"), "{left}");
    let (dark, _) = centre_marks(&[]);
    assert!(
        dark < rows / 10,
        "no cut line on a page of its own: {dark} dark rows"
    );
}

/// The checklist PDF has structure a screen reader follows (poppler's `pdfinfo -struct`): the
/// guide's title a level-1 heading, each section a level-2 heading, its steps a list of items,
/// substeps a list inside their step's item.
#[test]
fn the_checklist_pdf_has_headings_and_lists() {
    let book = with_pdf("");
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace(
            "      - text: Select the start button to get started.\n",
            "      - text: Select the start button to get started.\n        substeps:\n          - text: Scroll down.\n          - text: Find the button.\n",
        ),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Command::new("pdfinfo")
        .arg("-struct")
        .arg(book.path().join("book/html/pdf/azure-pass-checklist.pdf"))
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = tree.lines().map(str::trim).collect();
    assert!(
        lines.contains(&"H1 \"Creating a Microsoft Azure Pass Subscription\" (block)"),
        "{tree}"
    );
    let h2 = lines.iter().filter(|l| l.starts_with("H2 ")).count();
    assert_eq!(h2, 2, "{tree}");
    assert!(
        lines.iter().filter(|l| l.starts_with("LI ")).count() >= 15,
        "{tree}"
    );
    // A list nested in an item: a line `L` indented deeper than the section lists' `L`.
    let depth = |l: &str| l.len() - l.trim_start().len();
    let lists: Vec<usize> = tree
        .lines()
        .filter(|l| l.trim_start().starts_with("L ("))
        .map(depth)
        .collect();
    assert!(
        lists.iter().any(|d| *d > lists[0]),
        "no nested list: {tree}"
    );
}

/// `[output.pdf] standard = "ua-1"`: every PDF (guide, checklist, handouts) declares PDF/UA-1 in
/// its XMP metadata and is tagged; a screenshot without alt text, a warning otherwise, is then an
/// error at its line and nothing is built.
#[test]
fn accessible_pdfs_declare_pdf_ua_and_require_alt_text() {
    let book = with_pdf("standard = \"ua-1\"\n");
    // With the site's address: in the guide's footer and as the handouts' QR code (an image,
    // described by its address).
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace(
            "[output.html]\n",
            "[output.html]\nbase-url = \"https://guides.example.org/azure/\"\n",
        ),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    book.write("attendees.csv", "name,code\nAda,PASS-1\nGrace,PASS-2\n");
    let r = handouts_offline(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for pdf in [
        "book/html/pdf/azure-pass.pdf",
        "book/html/pdf/azure-pass-checklist.pdf",
        "h.pdf",
    ] {
        let bytes = std::fs::read(book.path().join(pdf)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{pdf} declares no PDF/UA"
        );
        assert_eq!(
            info(&pdf_info(&book.path().join(pdf)), "Tagged"),
            "yes",
            "{pdf}"
        );
    }
    let guide = book.read("content/azure-pass.yaml");
    book.write(
        "content/azure-pass.yaml",
        &guide.replace(
            "alt: The Microsoft Azure Pass welcome page with its Start button",
            "alt: \"\"",
        ),
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[W002]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("requires alt text on every screenshot"),
        "{}",
        r.stderr
    );
    // Without the standard, the same guide builds with a warning.
    let toml = book.read("book.toml");
    book.write("book.toml", &toml.replace("standard = \"ua-1\"\n", ""));
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[W002]"), "{}", r.stderr);
}
