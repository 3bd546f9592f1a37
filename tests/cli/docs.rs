//! The README's commands and `--help` are part of the interface: tested here.

use crate::{Book, repo, run_in};

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

#[test]
fn readme_starts_with_the_build_and_test_commands() {
    let text = readme();
    let first_block = text
        .split("```")
        .nth(1)
        .expect("a code block near the top of the README");
    assert!(
        first_block.contains("cargo run --release -- build"),
        "{first_block}"
    );
    assert!(first_block.contains("cargo test"), "{first_block}");
    // CI runs the README's test command.
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    let test_cmd = first_block
        .lines()
        .find(|l| l.trim_start().starts_with("cargo test"))
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .trim();
    assert!(ci.contains(test_cmd), ".ci/run must run `{test_cmd}`");
}

#[test]
fn readme_build_command_builds_the_bundled_guide() {
    // `cargo run --release -- build` in the repository is `stepbook build` in its root.
    let book = Book::bundled();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(book.path().join("book/html/index.html").exists());
    assert!(r.stderr.contains("built 1 guide"), "{}", r.stderr);
}

/// The README's table of codes is the registry (`diag::Code`), row for row: every code, in
/// order, with its summary; and each code's default severity agrees with how the table labels it.
#[test]
fn readme_table_of_codes_is_the_registry() {
    use stepbook::diag::{Code, Severity};
    let text = readme();
    let rows: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` | "))
        .filter(|(code, _)| {
            code.len() == 4
                && code.starts_with(|c: char| c.is_ascii_uppercase())
                && code[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(|(code, rest)| (code, rest.strip_suffix(" |").unwrap_or(rest)))
        .collect();
    let registry: Vec<(&str, &str)> = Code::ALL
        .iter()
        .map(|c| (c.as_str(), c.summary()))
        .collect();
    assert_eq!(rows, registry, "README table != diag::Code");
    for c in Code::ALL {
        let warning = c.summary().contains(", warning)") || matches!(&c.as_str()[..1], "W" | "I");
        let expected = if warning {
            Severity::Warning
        } else {
            Severity::Error
        };
        assert_eq!(c.default_severity(), expected, "{c}");
    }
}

#[test]
#[cfg_attr(
    not(all(feature = "pdf", feature = "serve", feature = "watch", feature = "lsp")),
    ignore = "needs the default features"
)]
fn help_explains_commands_and_exit_codes() {
    let r = run_in(&repo(), &["--help"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("help", r.stdout);
    let r = run_in(&repo(), &["build", "--help"]);
    assert_eq!(r.code, 0);
    for needle in ["--dest-dir", "--deny-warnings", "previous output", "[DIR]"] {
        assert!(r.stdout.contains(needle), "{needle}: {}", r.stdout);
    }
    let r = run_in(&repo(), &["frobnicate"]);
    assert_eq!(r.code, 2, "clap usage errors exit 2");
}

/// The README's table of interface strings is the built-in English table, key for key.
#[test]
fn readme_table_of_interface_strings_is_the_english_table() {
    let text = readme();
    let start = text.find("| key | English |").expect("the strings table");
    let mut rows: Vec<(String, String)> = text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let (key, rest) = l.strip_prefix("| `")?.split_once("` | ")?;
            Some((key.to_owned(), rest.strip_suffix(" |")?.replace("\\|", "|")))
        })
        .collect();
    rows.sort();
    let english = stepbook::i18n::Strings::english();
    let table: Vec<(String, String)> = stepbook::i18n::keys()
        .map(|k| (k.to_owned(), english.get(k).to_owned()))
        .collect();
    assert_eq!(rows, table);
}
