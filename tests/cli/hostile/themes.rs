//! Template and theme files of hostile size: a sparse file of gigabytes is refused by its size,
//! never read whole.

use crate::{Book, Run};

/// `stepbook ARGS` in the book's folder under an address-space limit of 3 GiB.
fn limited(book: &Book, args: &[&str]) -> Run {
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={}", 3u64 << 30))
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("stepbook"))
        .args(args)
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_sparse_huge_theme_or_template_file_is_refused_by_its_size() {
    for rel in ["themes/default/big.css", "templates/big.html"] {
        let book = Book::bundled();
        let before = book.run(&["build"]);
        assert_eq!(before.code, 0, "{}", before.stderr);
        let index = book.read("book/html/index.html");
        let path = book.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::File::create(&path)
            .unwrap()
            .set_len(6 << 30)
            .unwrap();
        let r = limited(&book, &["build"]);
        assert_eq!(r.code, 2, "{rel}: {}", r.stderr);
        assert!(r.stderr.contains("error[E020]"), "{rel}: {}", r.stderr);
        assert!(r.stderr.contains(rel), "names the file: {}", r.stderr);
        assert!(r.stderr.contains("larger than"), "{}", r.stderr);
        assert_eq!(
            book.read("book/html/index.html"),
            index,
            "output left intact"
        );
    }
}
