//! Reading and publishing what should stay private: any file of the book named as a screenshot
//! or image, and output names that two files share.

use crate::{Book, locations};

/// A guide whose screenshots and Markdown images name `srcs`, one step each.
fn guide_with_images(srcs: &[&str]) -> String {
    let mut steps = String::new();
    for (i, src) in srcs.iter().enumerate() {
        steps.push_str(&format!(
            "      - text: \"Step {i}: ![inline](../{src})\"\n        screenshots:\n          - src: ../{src}\n            alt: Picture {i}\n"
        ));
    }
    format!("title: Leaky\nsections:\n  - title: Look\n    steps:\n{steps}")
}

#[test]
fn only_real_images_outside_hidden_folders_are_published() {
    let book = Book::bundled();
    let png =
        std::fs::read(crate::repo().join("tests/fixtures/screenshots/content/img/ok.png")).unwrap();
    book.write(".env", "SECRET=1");
    book.write(".git/config", "[core]");
    book.write(
        "shots/evil.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    );
    book.write("shots/page.html", "<html><script>alert(1)</script></html>");
    std::fs::create_dir_all(book.path().join(".hidden")).unwrap();
    std::fs::write(book.path().join(".hidden/ok.png"), &png).unwrap();
    std::fs::write(book.path().join("shots/renamed.png.txt"), &png).unwrap();
    let bad = [
        ".env",
        "book.toml",
        ".git/config",
        "shots/evil.svg",
        "shots/page.html",
        ".hidden/ok.png",
    ];
    let mut all = bad.to_vec();
    all.push("shots/renamed.png.txt");
    book.write("content/leaky.yaml", &guide_with_images(&all));
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let e017: Vec<_> = locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "E017")
        .collect();
    // Each bad file twice (the screenshot and the image in the step's text).
    assert_eq!(e017.len(), bad.len() * 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("SVG images can carry scripts"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hidden files"), "{}", r.stderr);
    assert!(
        r.stderr.contains("not a PNG, JPEG, GIF or WebP"),
        "{}",
        r.stderr
    );
    assert_eq!(book.run(&["build"]).code, 2);
    assert!(!book.path().join("book").exists());

    // A real image with an odd name is published: it is the bytes that count.
    book.write(
        "content/leaky.yaml",
        &guide_with_images(&["shots/renamed.png.txt"]),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        book.path()
            .join("book/html/media/_root/shots/renamed.png.txt")
            .is_file()
    );
}

#[test]
fn two_images_never_share_an_output_name() {
    let book = Book::bundled();
    let png =
        std::fs::read(crate::repo().join("tests/fixtures/screenshots/content/img/ok.png")).unwrap();
    let mut other = png.clone();
    other.extend_from_slice(b"trailing bytes make a different file");
    std::fs::create_dir_all(book.path().join("content/_root/img")).unwrap();
    std::fs::create_dir_all(book.path().join("img")).unwrap();
    std::fs::write(book.path().join("content/_root/img/shot.png"), &png).unwrap();
    std::fs::write(book.path().join("img/shot.png"), &other).unwrap();
    book.write(
        "content/two.yaml",
        "title: Two\nsections:\n  - title: Look\n    steps:\n      - text: Inside\n        screenshots:\n          - src: _root/img/shot.png\n            alt: Inside the guides folder\n      - text: Outside\n        screenshots:\n          - src: ../img/shot.png\n            alt: Outside the guides folder\n",
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let media = book.path().join("book/html/media");
    assert_eq!(
        std::fs::read(media.join("__root/img/shot.png")).unwrap(),
        png
    );
    assert_eq!(
        std::fs::read(media.join("_root/img/shot.png")).unwrap(),
        other
    );
    let html = book.read("book/html/two/index.html");
    assert!(html.contains("../media/__root/img/shot.png"), "{html}");
    assert!(html.contains("../media/_root/img/shot.png"), "{html}");
}

#[cfg(unix)]
#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn serve_does_not_follow_a_guide_that_links_out_of_the_book() {
    let book = Book::bundled();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:secret-line:/root:/bin/bash\n").unwrap();
    let server = crate::serve::Server::start(&book);
    std::os::unix::fs::symlink(&secret, book.path().join("content/p.yaml")).unwrap();
    server.wait_log("removed content/p.yaml", std::time::Duration::from_secs(20));
    // An edit of the real guide rebuilds without the link.
    let guide = book.read("content/azure-pass.yaml");
    book.write("content/azure-pass.yaml", &format!("{guide}\n"));
    server.wait_log("rebuilt: guide", std::time::Duration::from_secs(20));
    assert!(!server.log.lock().unwrap().contains("secret-line"));
    // `build` and `check` say what they skipped, without its contents.
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[W012]"), "{}", r.stderr);
    assert!(!r.stderr.contains("secret-line"), "{}", r.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_guide_file_name_that_is_not_utf8_is_reported_not_silently_skipped() {
    use std::os::unix::ffi::OsStrExt;
    let book = Book::bundled();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(
        book.path().join("content").join(name),
        book.read("content/azure-pass.yaml"),
    )
    .unwrap();
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[W011]"), "{}", r.stderr);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
}

#[test]
fn hidden_files_in_a_theme_are_never_published() {
    let book = Book::bundled();
    book.write("themes/mine/style.css", "body { color: red }");
    book.write("themes/mine/fonts/.git/config", "[remote] url = secret");
    book.write("themes/mine/.env", "TOKEN=1");
    let toml = book
        .read("book.toml")
        .replace("theme = \"default\"", "theme = \"mine\"");
    book.write("book.toml", &toml);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let theme = book.path().join("book/html/theme");
    assert_eq!(
        book.read("book/html/theme/style.css"),
        "body { color: red }"
    );
    assert!(!theme.join(".env").exists());
    assert!(!theme.join("fonts/.git/config").exists());
}

/// A guide every section of which is for another profile: no page of no steps is published.
#[test]
fn a_profile_that_leaves_a_guide_with_no_section_is_an_error() {
    let book = crate::Book::fixture("variables");
    book.write(
        "content/staff.yaml",
        "title: Staff only\nsections:\n  - title: Setup\n    only: [instructor]\n    steps:\n      - text: Unlock the room\n  - title: Close\n    only: [instructor]\n    steps:\n      - text: Lock the room\n",
    );
    let r = book.run(&["build", "--profile", "attendee"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("E023".to_owned(), "content/staff.yaml:1:8".to_owned())],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("profile `attendee` shows none of the sections of this guide"),
        "{}",
        r.stderr
    );
    assert!(!book.path().join("book").exists());
    let r = book.run(&["build", "--profile", "instructor"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Language tags: one way to write each (`de-ch` and `de-CH` made two folders), shapes BCP 47
/// allows, and a bound on how many (3,000 tables and one guide wrote 1.4 GB).
#[test]
fn languages_are_bcp47_tags_written_one_way_and_bounded_in_number() {
    let book = crate::Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!(
            "{toml}\n[languages.de-ch]\ntitle = \"A\"\n\n[languages.de-xxxxxxxxx]\ntitle = \"B\"\n"
        ),
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("the language `de-ch` is written `de-CH`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`de-xxxxxxxxx` is not a language code"),
        "{}",
        r.stderr
    );
    let tables: String = (0..70)
        .map(|i| {
            let region = format!("{}{}", (b'A' + i / 26) as char, (b'A' + i % 26) as char);
            format!("\n[languages.de-{region}]\ntitle = \"T\"\n")
        })
        .collect();
    book.write("book.toml", &format!("{toml}{tables}"));
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("a book has at most 64 languages; `de-CM` is the 65th"),
        "{}",
        r.stderr
    );
    assert!(!book.path().join("book").exists());
}
