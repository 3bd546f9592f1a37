//! The documentation and `--help` are part of the interface: tested here. The README is the
//! front page (its first commands, its example, its links); the reference lives in `docs/` (the
//! table of codes, the interface strings) and the module map in ARCHITECTURE.md.

use std::path::Path;

use crate::{Book, repo, run_in};

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn readme() -> String {
    read("README.md")
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

/// The table of codes in docs/diagnostics.md is the registry (`diag::Code`), row for row: every
/// code, in order, with its summary; and each code's default severity agrees with how the table
/// labels it.
#[test]
fn docs_table_of_codes_is_the_registry() {
    use stepbook::diag::{Code, Severity};
    let text = read("docs/diagnostics.md");
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
    assert_eq!(rows, registry, "docs/diagnostics.md table != diag::Code");
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

/// The table of interface strings in docs/translations.md is the built-in English table, key for
/// key.
#[test]
fn docs_table_of_interface_strings_is_the_english_table() {
    let text = read("docs/translations.md");
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

/// The README is a front page: short, with the reference one link away. Every `docs/` link in
/// it leads to a file, and every file of `docs/` is linked from it.
#[test]
fn readme_is_a_front_page_that_links_every_docs_file() {
    let text = readme();
    let lines = text.lines().count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines: keep it a front page (at most 200), the reference goes in docs/"
    );
    let linked: Vec<String> = links(&text)
        .into_iter()
        .map(|l| l.split('#').next().unwrap().to_owned())
        .filter(|l| l.starts_with("docs/"))
        .collect();
    for l in &linked {
        assert!(
            repo().join(l).is_file(),
            "README links {l}, which does not exist"
        );
    }
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let name = format!("docs/{}", entry.unwrap().file_name().to_str().unwrap());
        assert!(linked.contains(&name), "README.md does not link {name}");
    }
}

/// Every relative link in the README, ARCHITECTURE.md and docs/ leads to a file or folder that
/// exists, and every `#anchor` to a heading of its target.
#[test]
fn relative_links_in_the_docs_resolve() {
    let mut files = vec!["README.md".to_owned(), "ARCHITECTURE.md".to_owned()];
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_str().unwrap().to_owned();
        assert!(
            name.ends_with(".md"),
            "docs/{name}: docs/ holds Markdown only"
        );
        files.push(format!("docs/{name}"));
    }
    let mut checked = 0;
    for file in &files {
        let dir = Path::new(file).parent().unwrap();
        for link in links(&read(file)) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path).to_str().unwrap().to_owned()
            };
            assert!(
                repo().join(&target).exists(),
                "{file}: link to {link}: no such file"
            );
            if !anchor.is_empty() {
                let slugs: Vec<String> = headings(&read(&target)).iter().map(|h| slug(h)).collect();
                assert!(
                    slugs.iter().any(|s| s == anchor),
                    "{file}: link to {link}: no such heading in {target} (there are {slugs:?})"
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the link finder broken?"
    );
}

/// ARCHITECTURE.md's module map is `src/` as it is: every path it names exists, and every
/// top-level module of `src/` is named (a module moved or added fails here until the map says so).
#[test]
fn architecture_module_map_is_src() {
    let text = read("ARCHITECTURE.md");
    let start = text
        .find("| module | what it holds |")
        .expect("the module map");
    let mut named = Vec::new();
    for row in text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
    {
        let cell = row[1..].split(" |").next().unwrap();
        for name in cell.split('`').skip(1).step_by(2) {
            assert!(
                repo().join("src").join(name.trim_end_matches('/')).exists(),
                "ARCHITECTURE.md names `{name}`, which is not in src/"
            );
            named.push(name.trim_end_matches('/').to_owned());
        }
    }
    for entry in std::fs::read_dir(repo().join("src")).unwrap() {
        let name = entry.unwrap().file_name().to_str().unwrap().to_owned();
        if name.ends_with(".rs") || repo().join("src").join(&name).is_dir() {
            assert!(
                named.contains(&name),
                "src/{name} is missing from ARCHITECTURE.md's module map"
            );
        }
    }
}

/// The README's example guide is a real guide: it checks cleanly in the bundled book.
#[test]
fn readme_example_guide_checks_cleanly() {
    let text = readme();
    let example = text
        .split("```yaml\n")
        .nth(1)
        .and_then(|t| t.split("```").next())
        .expect("a YAML example in the README");
    let book = Book::bundled();
    book.write("content/azure-pass.yaml", example);
    let r = book.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The targets of the Markdown links `[text](target)` in a document, outside code.
fn links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(markdown) {
        let mut rest = line.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            if let Some(end) = rest.find(')') {
                out.push(rest[..end].to_owned());
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The headings (`#` lines) of a document, outside code blocks.
fn headings(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.push(line.trim_start_matches('#').trim().to_owned());
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The lines of a document outside fenced code, with inline code spans removed.
fn prose(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            let kept: String = line.split('`').step_by(2).collect::<Vec<_>>().join("");
            out.push(kept);
        }
    }
    out
}
