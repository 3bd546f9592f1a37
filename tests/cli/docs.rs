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

#[test]
fn readme_documents_every_diagnostic_code() {
    let text = readme();
    let src: Vec<std::path::PathBuf> = walkdir::WalkDir::new(repo().join("src"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    for file in &src {
        let code = std::fs::read_to_string(file).unwrap();
        for (i, _) in code.match_indices('"') {
            let candidate = &code[i + 1..];
            if candidate.len() >= 5
                && (candidate.starts_with('E')
                    || candidate.starts_with('W')
                    || candidate.starts_with('L')
                    || candidate.starts_with('I'))
                && candidate[1..4].chars().all(|c| c.is_ascii_digit())
                && candidate.as_bytes()[4] == b'"'
            {
                let code = &candidate[..4];
                assert!(
                    text.contains(&format!("`{code}`")),
                    "README does not document {code} (from {})",
                    file.display()
                );
            }
        }
    }
}

#[test]
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
