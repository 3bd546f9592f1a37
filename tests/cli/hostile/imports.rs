//! `stepbook import` on hostile ground: a linked media folder that leads out of the book, and
//! labs built to make the import slow.

use crate::{repo, run_in};

#[cfg(unix)]
#[test]
fn import_never_copies_images_through_a_linked_media_folder() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(book.join("content/media")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    let lab = repo().join("tests/fixtures/import-lab/labs/lab.md");
    let lab = lab.to_str().unwrap();
    // The guide's own media folder is a link out of the book.
    std::os::unix::fs::symlink(&elsewhere, book.join("content/media/lab")).unwrap();
    let r = run_in(&book, &["import", lab]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("leads outside the book"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!book.join("content/lab.yaml").exists());
    // The same with `media` itself a link, and with --force.
    std::fs::remove_file(book.join("content/media/lab")).unwrap();
    std::fs::remove_dir(book.join("content/media")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, book.join("content/media")).unwrap();
    let r = run_in(&book, &["import", "--force", lab]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("leads outside the book"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!book.join("content/lab.yaml").exists());
}

#[test]
fn import_of_many_steps_with_missing_images_and_lab_variables_is_not_quadratic() {
    // 30,000 steps (2.2 MB), each with a missing image (a warning at its line) and its own
    // `@lab.Variable`: 49 s in a release build before (a search from the top of the lab per
    // warning and per variable), well under a second now. The bound only catches a hang.
    let dir = tempfile::tempdir().unwrap();
    let mut lab = String::from("# Lab\n\n## Part\n\n");
    for i in 0..30_000 {
        lab.push_str(&format!(
            "1. Step {i} uses @lab.Variable(Var{i})\n\n    ![shot](missing{i}.png)\n\n"
        ));
    }
    std::fs::write(dir.path().join("lab.md"), lab).unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    let out = std::process::Command::new("timeout")
        .arg("60")
        .arg(assert_cmd::cargo::cargo_bin("stepbook"))
        .args(["import", "lab.md"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "124: timed out; {}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stderr.contains("I004"), "the missing images are named");
    assert!(stderr.contains("more problems in"), "capped at 50 shown");
    let yaml = std::fs::read_to_string(dir.path().join("content/lab.yaml")).unwrap();
    assert!(yaml.contains("{{ Var29999 }}"));
}
