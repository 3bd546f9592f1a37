//! `stepbook handouts`: where the PDF goes (never over the book, the roster or a device), what
//! a roster may put in a QR code, and rosters too long or too wide to print.

use crate::Book;

const ROSTER: &str = "name,code\nAda,PASS-1\nGrace,PASS-2\n";

/// The bundled book with a site address and a roster `attendees.csv`.
fn book_with_roster(roster: &str) -> Book {
    let book = Book::bundled();
    let toml = book.read("book.toml").replace(
        "theme = \"default\"",
        "theme = \"default\"\nbase-url = \"https://guides.example.org/azure/\"",
    );
    book.write("book.toml", &toml);
    book.write("attendees.csv", roster);
    book
}

fn handouts(book: &Book, out: &str) -> crate::Run {
    book.run(&[
        "handouts",
        "azure-pass",
        "--roster",
        "attendees.csv",
        "--offline",
        "--out",
        out,
    ])
}

#[test]
fn handouts_out_never_replaces_the_book_the_roster_or_a_non_pdf() {
    let book = book_with_roster(ROSTER);
    for (out, why) in [
        ("content/azure-pass.yaml", "guides folder"),
        ("book.toml", "book.toml"),
        ("attendees.csv", "the roster being read"),
        ("./content/../attendees.csv", "the roster being read"),
        ("README.txt", "not a PDF"),
        ("content", "guides folder"),
        // The build's output: published with the site, replaced by the next build.
        ("book/html/pdf/h.pdf", "build output (`book`)"),
        ("book", "build output (`book`)"),
        (
            "../no-such-folder/h.pdf",
            "its folder `../no-such-folder` does not exist",
        ),
    ] {
        if out == "README.txt" {
            book.write(out, "notes\n");
        }
        let before = std::fs::read(book.path().join(out)).ok();
        let r = handouts(&book, out);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert!(
            r.stderr.contains("refusing to write the handouts") && r.stderr.contains(why),
            "{out}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
        assert_eq!(std::fs::read(book.path().join(out)).ok(), before, "{out}");
    }
    // A PDF is replaced, and the message says so.
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("to `h.pdf` (new file)"), "{}", r.stderr);
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("to `h.pdf` (replaced)"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn handouts_out_refuses_devices_fifos_and_links_and_dash_is_stdout() {
    let book = book_with_roster(ROSTER);
    let fifo = book.path().join("pipe.pdf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let r = handouts(&book, "pipe.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(
            &std::fs::symlink_metadata(&fifo).unwrap().file_type()
        ),
        "the FIFO is still there"
    );
    let r = handouts(&book, "/dev/null");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("x.pdf"), book.path().join("l.pdf")).unwrap();
    let r = handouts(&book, "l.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("it is a link"), "{}", r.stderr);
    // `-`: the PDF on standard output, no file named `-`.
    let out = assert_cmd::Command::cargo_bin("stepbook")
        .unwrap()
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .args([
            "handouts",
            "azure-pass",
            "--roster",
            "attendees.csv",
            "--offline",
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.starts_with(b"%PDF-"), "{stderr}");
    assert!(
        stderr.contains("wrote 2 handouts to standard output"),
        "{stderr}"
    );
    assert!(!book.path().join("-").exists());
}

#[test]
fn roster_urls_other_than_http_are_refused_at_their_place() {
    let book = book_with_roster(
        "name,code,url\n\
         Ada,PASS-1,https://ok.example/a\n\
         Bob,PASS-2,javascript:alert(1)\n\
         Cy,PASS-3,WIFI:T:WPA;S:net;P:secret;;\n\
         Di,PASS-4,\n",
    );
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [
            ("E024".to_string(), "attendees.csv:3:12".to_string()),
            ("E024".to_string(), "attendees.csv:4:11".to_string()),
        ],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("http:// or https://"), "{}", r.stderr);
    assert!(!book.path().join("h.pdf").exists());
}

#[test]
fn a_url_too_long_for_a_qr_code_is_printed_and_an_empty_roster_is_named() {
    let long = format!("https://guides.example.org/{}", "a".repeat(4000));
    let book = book_with_roster(&format!(
        "name,code,url\nAda,PASS-1,https://ok.example/a\nBob,PASS-2,{long}\n"
    ));
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("W016".to_string(), "attendees.csv:3:12".to_string())],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("too long for a QR code"), "{}", r.stderr);
    let pdf = std::fs::read(book.path().join("h.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = std::process::Command::new("pdftotext")
        .arg(book.path().join("h.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    // Printed whole, over several lines.
    let joined: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}')
        .collect();
    assert!(joined.contains(&long), "{text}");
    // A header and no rows: said so, at the header.
    book.write("attendees.csv", "name,code\n");
    let r = handouts(&book, "empty.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the roster has no attendees"),
        "{}",
        r.stderr
    );
    assert_eq!(
        crate::locations(&r.stderr),
        [("E024".to_string(), "attendees.csv:1:1".to_string())],
        "{}",
        r.stderr
    );
    assert!(!book.path().join("empty.pdf").exists());
}

/// `stepbook handouts` on `attendees.csv` under an address-space limit (`prlimit --as`), so a
/// roster that would take gigabytes fails the run instead of the machine.
fn handouts_limited(book: &Book, limit: u64, out: &str) -> crate::Run {
    let exe = assert_cmd::cargo::cargo_bin("stepbook");
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={limit}"))
        .arg(exe)
        .args([
            "handouts",
            "azure-pass",
            "--roster",
            "attendees.csv",
            "--offline",
            "--out",
            out,
        ])
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("prlimit (util-linux) is installed");
    crate::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_huge_roster_cell_is_refused_at_its_place_not_laid_out() {
    let cell = "x".repeat(2 << 20);
    let book = book_with_roster(&format!("name,code\nAda,PASS-1\n{cell},PASS-2\n"));
    let r = handouts_limited(&book, 4 << 30, "h.pdf");
    assert_eq!(r.code, 2, "{}", &r.stderr[..r.stderr.len().min(2000)]);
    assert!(
        r.stderr.contains("at most 4096"),
        "{}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
    assert_eq!(
        crate::locations(&r.stderr),
        [("E024".to_string(), "attendees.csv:3:1".to_string())],
    );
    assert!(
        r.stderr.len() < 10_000,
        "the cell is not printed whole: {} bytes",
        r.stderr.len()
    );
    assert!(!book.path().join("h.pdf").exists());
}

#[test]
fn a_roster_longer_than_the_limit_is_refused_at_the_first_row_too_many() {
    let mut roster = String::from("name,code\n");
    for i in 1..=20_001 {
        roster.push_str(&format!("A{i},P{i}\n"));
    }
    let book = book_with_roster(&roster);
    let r = handouts_limited(&book, 4 << 30, "h.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("more than 20000 attendees"),
        "{}",
        r.stderr
    );
    assert_eq!(
        crate::locations(&r.stderr),
        [("E024".to_string(), "attendees.csv:20002:1".to_string())],
        "{}",
        r.stderr
    );
}

#[test]
fn a_roster_printed_in_batches_is_one_whole_pdf() {
    // Batches of 4 (the default is 100): the batches' pages merged into one PDF as each is
    // laid out, so memory holds one batch, not the roster.
    let mut roster = String::from("name,code\n");
    for i in 1..=11 {
        roster.push_str(&format!("Attendee {i},PASS-{i:04}\n"));
    }
    let book = book_with_roster(&roster);
    for (two_up, pages) in [(false, 11), (true, 6)] {
        let mut args = vec![
            "handouts",
            "azure-pass",
            "--roster",
            "attendees.csv",
            "--offline",
            "--out",
            "h.pdf",
            "--batch",
            "4",
        ];
        if two_up {
            args.push("--two-up");
        }
        let r = book.run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("wrote 11 handouts"), "{}", r.stderr);
        let pdf = book.path().join("h.pdf");
        let info = std::process::Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.contains(&format!("Pages:           {pages}\n")),
            "{info}"
        );
        let text = |page: usize| {
            let out = std::process::Command::new("pdftotext")
                .args(["-f", &page.to_string(), "-l", &page.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        if two_up {
            let t = text(3);
            assert!(t.contains("PASS-0005") && t.contains("PASS-0006"), "{t}");
            assert!(text(6).contains("PASS-0011"));
        } else {
            for page in [1, 4, 5, 11] {
                // The code is boxed on a line of its own (#28): words, not lines.
                let t = text(page).split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    t.contains(&format!("Code: PASS-{page:04}")),
                    "page {page}: {t}"
                );
            }
        }
    }
    // The QR code of a handout from the last batch still decodes.
    let png = book.path().join("p");
    let ok = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "6", "-l", "6"])
        .arg(book.path().join("h.pdf"))
        .arg(&png)
        .status()
        .unwrap();
    assert!(ok.success());
    let page = std::fs::read_dir(book.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("p-"))
        .unwrap();
    let out = std::process::Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&page)
        .output()
        .unwrap();
    let codes = String::from_utf8_lossy(&out.stdout);
    assert!(
        codes.contains("https://guides.example.org/azure/azure-pass/"),
        "{codes}"
    );
}

/// A roster where some rows have a `url` and others none, and no `base-url`: the handouts
/// without one are named (they silently had no QR code).
#[test]
fn a_row_without_a_url_is_named_when_the_guide_has_no_address() {
    let book = book_with_roster("name,code,url\nAda,PASS-1,https://ok.example/a\nBob,PASS-2,\n");
    // With the site's address, Bob's handout gets the guide's QR code: nothing to say.
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("W016"), "{}", r.stderr);
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &toml.replace("base-url = \"https://guides.example.org/azure/\"", ""),
    );
    let r = handouts(&book, "h2.pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("W016".to_string(), "attendees.csv:3:12".to_string())],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("row 3 has no `url`"), "{}", r.stderr);
}

/// The bundled book with a lab that quotes no attendee column (as an imported lab), `lab`.
fn book_with_lab(roster: &str) -> Book {
    let book = book_with_roster(roster);
    book.write(
        "content/lab.yaml",
        "title: Lab\nid: lab\nsections:\n  - title: All of it\n    steps:\n      - text: Open the portal.\n",
    );
    book
}

fn lab_handouts(book: &Book) -> crate::Run {
    book.run(&[
        "handouts",
        "lab",
        "--roster",
        "attendees.csv",
        "--offline",
        "--out",
        "h.pdf",
    ])
}

/// A roster exported without its header row is refused at its line 1, whatever the guide
/// quotes and whatever `[handouts] show` names (not blamed on book.toml).
#[test]
fn a_roster_without_its_header_row_is_refused_for_a_lab_that_quotes_no_column() {
    for roster in [
        "Ada,Lovelace,ada@example.org,PASS-0001\nGrace,Hopper,grace@example.org,PASS-0002\n",
        "Ada Lovelace,https://guides.example.org/a\nGrace Hopper,https://guides.example.org/b\n",
        "Ada,Lovelace,PASS-0001\nGrace,Hopper,PASS-0002\n",
        "Ada,Lovelace\nGrace,Hopper\n",
    ] {
        let book = book_with_lab(roster);
        let r = lab_handouts(&book);
        assert_eq!(r.code, 2, "{roster}: {}", r.stderr);
        assert!(
            r.stderr.contains("looks like data, not a header"),
            "{roster}: {}",
            r.stderr
        );
        assert_eq!(
            crate::locations(&r.stderr),
            [("E024".to_string(), "attendees.csv:1:1".to_string())],
            "{}",
            r.stderr
        );
        assert!(!book.path().join("h.pdf").exists());
    }
    let book = book_with_lab(
        "小明,王,wang@example.com,PASS-0001\nAda,Lovelace,ada@example.org,PASS-0002\n",
    );
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[handouts]\nshow = [\"first_name\", \"last_name\", \"promo_code\"]\n"),
    );
    let r = lab_handouts(&book);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("E006"), "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E024".to_string(), "attendees.csv:1:1".to_string())],
        "{}",
        r.stderr
    );
    // A real header with a column the handouts print is taken.
    let book = book_with_lab("Name,Table 2\nAda,1\n");
    let r = lab_handouts(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A printed column left empty on a few rows of a long roster: one warning per column at its
/// first empty row, naming the others.
#[test]
fn blank_values_of_printed_columns_are_one_warning_per_column() {
    let mut roster = String::from("First Name,Last Name,Promo Code\n");
    for i in 1..=300 {
        let code = if [7, 50, 51, 200].contains(&i) {
            "   ".to_owned()
        } else {
            format!("PASS-{i:04}")
        };
        let first = if i == 99 { "" } else { "Ada" };
        roster.push_str(&format!("{first},Lovelace{i},{code}\n"));
    }
    let book = book_with_lab(&roster);
    let r = lab_handouts(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w027: Vec<(String, String)> = crate::locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "W027")
        .collect();
    assert_eq!(
        w027,
        [
            ("W027".to_string(), "attendees.csv:8:15".to_string()),
            ("W027".to_string(), "attendees.csv:100:1".to_string()),
        ],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rows 8, 51, 52 and 201"), "{}", r.stderr);
}

/// A header given twice (the same column once normalised) is an error naming both.
#[test]
fn a_header_given_twice_is_an_error_naming_both() {
    let book = book_with_lab("Name,name,Code\nAda,A,PASS-1\n");
    let r = lab_handouts(&book);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E024".to_string(), "attendees.csv:1:6".to_string())],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`Name` and `name`"), "{}", r.stderr);
    assert!(!book.path().join("h.pdf").exists());
    // A column nothing prints given twice: a warning, and the handouts print.
    book.write("attendees.csv", "Name,Code,Notes,notes\nAda,PASS-1,a,b\n");
    let r = lab_handouts(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr)
            .into_iter()
            .filter(|(c, _)| c != "W016")
            .collect::<Vec<_>>(),
        [("W028".to_string(), "attendees.csv:1:17".to_string())],
        "{}",
        r.stderr
    );
}

/// A guide quoting `{{ attendee.code }}` takes a roster's `Promo Code` column for it.
#[test]
fn a_promo_code_column_is_the_code_the_guide_quotes() {
    let book = book_with_roster("Name,Promo Code\nAda,PASS-0001\nGrace,PASS-0002\n");
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = crate::pdf::pdftotext(&book.path().join("h.pdf"), 2);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("promo code PASS-0002"), "{text}");
    // Printed once at the top, not twice.
    assert_eq!(text.matches("PASS-0002").count(), 2, "{text}");
}

/// A roster that is not UTF-8 (as Excel's plain "CSV" writes) is refused at its first bad
/// byte, saying how to save it; an empty file is called empty.
#[test]
fn a_roster_not_utf8_or_empty_is_a_content_error() {
    let book = book_with_roster(ROSTER);
    std::fs::write(
        book.path().join("attendees.csv"),
        b"name,code\nAda,PASS-1\nJos\xe9,PASS-2\n",
    )
    .unwrap();
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E024".to_string(), "attendees.csv:3:4".to_string())],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("CSV UTF-8 (Comma delimited)"),
        "{}",
        r.stderr
    );
    book.write("attendees.csv", "");
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("the roster is empty"), "{}", r.stderr);
    assert!(!book.path().join("h.pdf").exists());
}

/// Without a roster, a lab's one handout has lines to fill in for a name and the code.
#[test]
fn a_blank_handout_of_a_lab_has_lines_for_a_name_and_the_code() {
    let book = book_with_lab(ROSTER);
    let r = book.run(&["handouts", "lab", "--offline", "--out", "h.pdf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = crate::pdf::pdftotext(&book.path().join("h.pdf"), 1);
    assert!(text.contains("Name:"), "{text}");
    assert!(text.contains("Code:"), "{text}");
}

/// The second trial: a header row naming a column the handouts print is a header, even beside
/// a column named like a code (`AZ-104`); and `[handouts] show = ["code"]` takes a roster's
/// `Promo Code` column, as a guide's `{{ attendee.code }}` does.
#[test]
fn a_header_with_a_code_like_column_and_show_code_for_promo_code_are_accepted() {
    let book = book_with_lab("name,code,AZ-104\nAda,PASS-1,yes\n");
    let r = lab_handouts(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = crate::pdf::pdftotext(&book.path().join("h.pdf"), 1);
    assert!(text.contains("Ada") && text.contains("PASS-1"), "{text}");
    book.write("attendees.csv", "Name,Promo Code\nAda,PASS-1\n");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[handouts]\nshow = [\"name\", \"code\"]\n"),
    );
    let r = lab_handouts(&book);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = crate::pdf::pdftotext(&book.path().join("h.pdf"), 1);
    assert!(
        text.contains("Promo code") && text.contains("PASS-1"),
        "{text}"
    );
}

/// An empty value the guide quotes is named as the roster's header writes it, and as the guide
/// quotes it when they differ (the second trial was told of a `code` the roster did not have).
#[test]
fn an_empty_value_the_guide_quotes_is_named_by_the_rosters_header() {
    let book = book_with_roster("name,Promo Code\nAda,PASS-1\nGrace,\n");
    let r = handouts(&book, "h.pdf");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("row 3 has no `Promo Code`, which the guide prints as `{{ attendee.code }}`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("attendees.csv:3:7"), "{}", r.stderr);
    assert!(!book.path().join("h.pdf").exists());
}
