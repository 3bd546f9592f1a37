//! A book that is a git repository planted by a pull request: its `.git/config` can name
//! programs (fsmonitor, filters, a pager, a signature checker, a remote's transport) that git
//! would run. `check --translations` reads commit times from such a repository and runs none.

use crate::Book;

#[cfg(unix)]
#[test]
fn check_translations_runs_nothing_a_planted_repository_configures() {
    use std::os::unix::fs::PermissionsExt;
    let book = Book::fixture("translations");
    let dir = book.path();
    crate::git(dir, &["init", "-q"], "@1600000000 +0000");
    crate::git(dir, &["add", "."], "@1600000000 +0000");
    crate::git(dir, &["commit", "-qm", "one"], "@1600000000 +0000");
    // The source changes in a later commit: its translations are stale by commit time, though
    // every file on disk has the same modification time.
    let src = book.read("content/azure-pass.yaml");
    book.write("content/azure-pass.yaml", &format!("{src}\n"));
    crate::git(dir, &["commit", "-qam", "two"], "@1700000000 +0000");

    let marker = dir.join("PWNED");
    let evil = dir.join("evil.sh");
    std::fs::write(
        &evil,
        format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&evil, std::fs::Permissions::from_mode(0o755)).unwrap();
    let e = evil.display();
    let config = format!(
        "[core]\n\tfsmonitor = {e}\n\tpager = {e}\n\thooksPath = {hooks}\n[filter \"evil\"]\n\tclean = {e}\n\tsmudge = {e}\n\tprocess = {e}\n[diff]\n\texternal = {e}\n[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {e}\n[protocol]\n\tallow = always\n[remote \"origin\"]\n\turl = ext::{e}\n\tpromisor = true\n[extensions]\n\tpartialClone = origin\n",
        hooks = dir.display()
    );
    let cfg = book.read(".git/config");
    book.write(".git/config", &format!("{cfg}{config}"));
    book.write(".gitattributes", "* filter=evil diff=evil\n");
    // Edited after the commit, so a `git diff` would have to run the clean filter on it.
    book.write("content/welcome.yaml", &book.read("content/welcome.yaml"));

    let r = book.run(&["check", "--translations"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !marker.exists(),
        "git ran a program the repository configures: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
    assert!(
        r.stdout.lines().any(|l| l.starts_with("de")
            && l.contains("azure-pass.yaml")
            && l.split_whitespace().nth(2) == Some("stale")),
        "{}",
        r.stdout
    );
}
