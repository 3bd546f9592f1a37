//! The Cargo features: without the default ones (`--no-default-features`) stepbook is a lean
//! builder and linter, with none of the crates of PDF output, `serve`, `watch` or `lsp` in its
//! tree; a command it was built without says so instead of clap's "unrecognized subcommand".

use crate::repo;

/// The crates that only the default features bring in.
const HEAVY: [&str; 7] = [
    "axum",
    "hyper",
    "tokio",
    "notify",
    "lsp-server",
    "typst",
    "syntect",
];

/// `cargo tree -e normal` of stepbook with `features`, offline: one `name version` a line.
fn tree(features: &[&str]) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(repo())
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(features)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").to_owned())
        .collect()
}

#[test]
fn without_default_features_none_of_the_heavy_crates_is_in_the_tree() {
    let lean = tree(&["--no-default-features"]);
    let heavy: Vec<&String> = lean
        .iter()
        .filter(|l| HEAVY.iter().any(|h| l.split(' ').next() == Some(h)))
        .collect();
    assert!(heavy.is_empty(), "in the lean tree: {heavy:?}");
    // The check reads what it should: the default tree has each of them.
    let full = tree(&[]);
    for h in HEAVY {
        assert!(
            full.iter().any(|l| l.split(' ').next() == Some(h)),
            "{h} not in the default tree"
        );
    }
}

/// Run only in a build without `serve` (`cargo test --no-default-features`).
#[cfg(not(feature = "serve"))]
#[test]
fn a_command_left_out_of_the_build_says_so() {
    let book = crate::Book::bundled();
    let r = book.run(&["serve"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("built without `serve` (Cargo feature `serve`)"),
        "{}",
        r.stderr
    );
    let help = book.run(&["--help"]);
    assert!(
        !help
            .stdout
            .lines()
            .any(|l| l.trim_start().starts_with("serve ")),
        "{}",
        help.stdout
    );
}

/// The default build has every command.
#[cfg(all(feature = "serve", feature = "watch", feature = "lsp", feature = "pdf"))]
#[test]
fn the_default_build_lists_every_command() {
    let help = crate::Book::bundled().run(&["--help"]);
    for c in ["serve", "watch", "lsp", "handouts"] {
        assert!(
            help.stdout.lines().any(|l| l.trim_start().starts_with(c)),
            "{c}: {}",
            help.stdout
        );
    }
}
