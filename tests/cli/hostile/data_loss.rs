//! Data loss and writes outside the book: destinations spelt with `..`, links planted in the
//! output or its spare, themes and caches that lead out of the book.

use std::path::Path;

use crate::serve::{Server, get};
use crate::{Book, run_in};

#[cfg(unix)]
use std::os::unix::fs::symlink;

/// A folder beside the book holding a file that must survive: (dir, file).
fn victim(book: &Book, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, "precious").unwrap();
    let _ = book;
    (dir, file)
}

fn intact(file: &Path) {
    assert_eq!(
        std::fs::read_to_string(file).unwrap_or_default(),
        "precious",
        "{} was changed",
        file.display()
    );
}

/// The bundled book inside a parent folder `bk`, so a command can be run from the parent.
fn nested_book() -> (tempfile::TempDir, std::path::PathBuf) {
    let book = Book::bundled();
    let parent = tempfile::tempdir().unwrap();
    let bk = parent.path().join("bk");
    std::fs::rename(book.path(), &bk)
        .or_else(|_| copy_tree(book.path(), &bk))
        .unwrap();
    (parent, bk)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for e in walkdir::WalkDir::new(from) {
        let e = e?;
        let t = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&t)?;
        } else {
            std::fs::copy(e.path(), &t)?;
        }
    }
    Ok(())
}

#[test]
fn dest_dir_spelt_with_dotdot_cannot_replace_the_book() {
    let (parent, bk) = nested_book();
    let r = run_in(parent.path(), &["build", "bk", "--dest-dir", "q/../bk"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("it would replace the book itself"),
        "{}",
        r.stderr
    );
    assert!(bk.join("book.toml").is_file());
    assert!(bk.join("content/azure-pass.yaml").is_file());
}

#[test]
fn dest_dir_through_a_missing_folder_cannot_delete_the_guides() {
    let (parent, bk) = nested_book();
    let r = run_in(
        parent.path(),
        &["build", "bk", "--dest-dir", "bk/nonexist/../content"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("the guides folder"), "{}", r.stderr);
    assert!(bk.join("content/azure-pass.yaml").is_file());
}

#[test]
fn dest_dir_with_dotdot_cannot_replace_a_users_folder() {
    let (parent, _bk) = nested_book();
    let victim = parent.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("thesis.txt"), "precious").unwrap();
    let r = run_in(parent.path(), &["build", "bk", "--dest-dir", "q/../victim"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not written by stepbook"), "{}", r.stderr);
    intact(&victim.join("thesis.txt"));
}

#[test]
fn build_dir_outside_the_book_is_a_config_error() {
    for bad in ["/", "..", "../elsewhere", "out/../../x"] {
        let book = Book::bundled();
        let toml = book
            .read("book.toml")
            .replace("build-dir = \"book\"", &format!("build-dir = \"{bad}\""));
        book.write("book.toml", &toml);
        let r = book.run(&["build"]);
        assert_eq!(r.code, 3, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("error[E104]"), "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("--dest-dir"), "{}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn build_dir_that_is_a_link_out_of_the_book_is_refused() {
    let book = Book::bundled();
    let (_v, file) = victim(&book, "notes.txt");
    symlink(file.parent().unwrap(), book.path().join("book")).unwrap();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("through a link"), "{}", r.stderr);
    intact(&file);
    assert_eq!(
        std::fs::read_dir(file.parent().unwrap()).unwrap().count(),
        1
    );
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_spare_output_is_never_written_through() {
    let book = Book::bundled();
    let (victim_dir, file) = victim(&book, "style.css");
    for _ in 0..2 {
        assert_eq!(book.run(&["build"]).code, 0);
    }
    let spare = book.path().join(".book.stepbook-spare");
    assert!(
        spare.join(".stepbook-output").is_file(),
        "the second build keeps a spare"
    );
    std::fs::remove_dir_all(spare.join("html/theme")).unwrap();
    symlink(victim_dir.path(), spare.join("html/theme")).unwrap();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    intact(&file);
    let theme = book.path().join("book/html/theme");
    assert!(!std::fs::symlink_metadata(&theme).unwrap().is_symlink());
    assert!(
        book.read("book/html/theme/style.css")
            .contains("prefers-color-scheme")
    );
}

#[cfg(unix)]
#[test]
fn a_link_committed_in_the_output_is_never_written_through() {
    let book = Book::bundled();
    let (victim_dir, file) = victim(&book, "style.css");
    assert_eq!(book.run(&["build"]).code, 0);
    let theme = book.path().join("book/html/theme");
    std::fs::remove_dir_all(&theme).unwrap();
    symlink(victim_dir.path(), &theme).unwrap();
    // The planted output becomes the spare, then the staging folder of the build after.
    for _ in 0..3 {
        let r = book.run(&["build"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        intact(&file);
    }
    assert!(!std::fs::symlink_metadata(&theme).unwrap().is_symlink());
}

#[test]
fn a_theme_cannot_name_a_folder_outside_themes() {
    for bad in ["/etc", "../../secrets", "a/b", ".hidden", ""] {
        let book = Book::bundled();
        let toml = book
            .read("book.toml")
            .replace("theme = \"default\"", &format!("theme = \"{bad}\""));
        book.write("book.toml", &toml);
        let r = book.run(&["build"]);
        assert_eq!(r.code, 3, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("error[E103]"), "{bad}: {}", r.stderr);
        assert!(!book.path().join("book").exists());
    }
}

#[cfg(unix)]
#[test]
fn a_theme_or_templates_folder_linked_out_of_the_book_is_not_published() {
    let book = Book::bundled();
    let (victim_dir, _file) = victim(&book, "secret.css");
    std::fs::create_dir(book.path().join("themes")).unwrap();
    symlink(victim_dir.path(), book.path().join("themes/evil")).unwrap();
    let toml = book
        .read("book.toml")
        .replace("theme = \"default\"", "theme = \"evil\"");
    book.write("book.toml", &toml);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("error[E103]"), "{}", r.stderr);

    let book = Book::bundled();
    symlink(victim_dir.path(), book.path().join("templates")).unwrap();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a folder inside the book"),
        "{}",
        r.stderr
    );
    assert!(!book.path().join("book").exists());
}

#[cfg(unix)]
#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn serve_publishes_nothing_from_an_output_folder_it_did_not_write() {
    let book = Book::bundled();
    let (victim_dir, _file) = victim(&book, "passwd");
    symlink(victim_dir.path(), book.path().join("book")).unwrap();
    let server = Server::start_waiting(&book, "build failed");
    let (status, _, body) = get(server.addr, "/passwd");
    assert_eq!(status, 503, "{body}");
    assert!(!body.contains("precious"));
    let (status, _, _) = get(server.addr, "/html/index.html");
    assert_eq!(status, 503);
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn serve_never_serves_hidden_files() {
    let book = Book::bundled();
    let server = Server::start(&book);
    assert_eq!(get(server.addr, "/html/index.html").0, 200);
    assert_eq!(get(server.addr, "/.stepbook-output").0, 404);
    assert_eq!(get(server.addr, "/html/%2estepbook-output").0, 404);
}

#[test]
fn a_lint_cache_outside_the_book_is_a_config_error() {
    for bad in ["/tmp/stepbook-cache", "../cache"] {
        let book = Book::bundled();
        let toml = format!(
            "{}\n[lint]\ncache-dir = \"{bad}\"\n",
            book.read("book.toml")
        );
        book.write("book.toml", &toml);
        let r = book.run(&["lint", "--offline"]);
        assert_eq!(r.code, 3, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("error[E104]"), "{}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn book_toml_that_is_a_fifo_or_a_device_does_not_hang() {
    let book = Book::bundled();
    std::fs::remove_file(book.path().join("book.toml")).unwrap();
    symlink("/dev/zero", book.path().join("book.toml")).unwrap();
    let r = book.run(&["check"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    std::fs::remove_file(book.path().join("book.toml")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(book.path().join("book.toml"))
        .status()
        .unwrap();
    assert!(status.success());
    let r = book.run(&["check"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}
