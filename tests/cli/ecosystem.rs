//! For the ecosystem: shell completions (bash sources the script), man pages (`man -l` renders
//! them) and `check --format json|github` with the same shape as `lint`'s.

use std::process::Command;

use crate::Book;

fn stepbook() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("stepbook")
}

#[test]
#[cfg_attr(not(feature = "pdf"), ignore = "needs the `pdf` feature")]
fn bash_sources_the_completion_script_and_completes_commands() {
    let exe = stepbook();
    let script = format!(
        "source <('{}' completions bash) && complete -p stepbook && COMP_WORDS=(stepbook bui) COMP_CWORD=1 && _stepbook stepbook bui stepbook && echo \"${{COMPREPLY[@]}}\"",
        exe.display()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("-F _stepbook stepbook"), "{text}");
    assert!(
        text.lines()
            .last()
            .unwrap_or("")
            .split(' ')
            .any(|w| w == "build"),
        "{text}"
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = Command::new(&exe)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("handouts"),
            "{shell}"
        );
    }
    let bad = Command::new(&exe)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "clap's usage error");
}

#[test]
fn man_pages_render_with_man() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(stepbook())
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in [
        "stepbook.1",
        "stepbook-build.1",
        "stepbook-check.1",
        "stepbook-man.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
    let man = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(dir.path().join("stepbook-build.1"))
        .env("MANWIDTH", "100")
        .output()
        .expect("man (man-db) is installed");
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.status.success(),
        "{}",
        String::from_utf8_lossy(&man.stderr)
    );
    assert!(
        text.contains("NAME") && text.contains("--dest-dir"),
        "{text}"
    );
    // Every page's header: name, section, a date, the version (roff reads the third argument
    // as the date: the version stood there, and the subcommands' pages had none).
    let version = env!("CARGO_PKG_VERSION");
    for page in ["stepbook.1", "stepbook-build.1", "stepbook-lint.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        let th = text.lines().find(|l| l.starts_with(".TH ")).unwrap();
        let name = page.trim_end_matches(".1");
        assert_eq!(
            th,
            format!(".TH {name} 1 2026-12-07 \"stepbook {version}\" \"stepbook manual\""),
            "{page}"
        );
    }
    // Without --out-dir, stepbook(1) on stdout.
    let page = Command::new(stepbook()).arg("man").output().unwrap();
    assert!(String::from_utf8_lossy(&page.stdout).starts_with(".ie \\n(.g"));
}

#[test]
fn check_reports_in_lints_formats() {
    let book = Book::fixture("translations");
    let r = book.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "warnings only: {}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["warnings"], 3);
    assert_eq!(doc["summary"]["guides"], 4);
    let p = &doc["problems"][1];
    assert_eq!(
        (
            p["code"].as_str(),
            p["file"].as_str(),
            p["line"].as_u64(),
            p["column"].as_u64()
        ),
        (
            Some("W018"),
            Some("content/azure-pass.fr.yaml"),
            Some(9),
            Some(13)
        )
    );
    let r = book.run(&["check", "--format", "github", "--deny-warnings"]);
    assert_eq!(r.code, 2, "warnings denied");
    assert!(
        r.stdout.starts_with(
            "::warning file=content/azure-pass.fr.yaml,line=8,col=15,title=stepbook W018::"
        ),
        "{}",
        r.stdout
    );
    // The same document shape as lint's.
    let lint = book.run(&["lint", "--offline", "--format", "json"]);
    let lint: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    let keys = |v: &serde_json::Value| {
        v["summary"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&doc), keys(&lint));
}

/// Runs `shell -c script` with `path` (the completion script) in `$SCRIPT`: (stdout, stderr),
/// or None when the shell is not installed (CI installs zsh and fish).
fn in_shell(shell: &str, script: &str, path: &std::path::Path) -> Option<(String, String)> {
    let out = Command::new(shell)
        .args(["-c", script])
        .env("SCRIPT", path)
        .output()
        .ok()?;
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Every shell loads its script without a word on stderr, and completes `lint --format ` to
/// exactly the four formats (a `"` in a value's help broke fish's and zsh's scripts).
#[test]
fn every_shell_loads_its_script_and_completes_format_values() {
    let dir = tempfile::tempdir().unwrap();
    let script = |shell: &str| {
        let out = Command::new(stepbook())
            .args(["completions", shell])
            .output()
            .unwrap();
        let path = dir.path().join(format!("stepbook.{shell}"));
        std::fs::write(&path, out.stdout).unwrap();
        path
    };
    let formats = ["github", "human", "json", "junit"];
    let words = |s: &str| {
        // fish: `value<TAB>help` a line; bash: the values on one line.
        let mut w: Vec<String> = s
            .lines()
            .flat_map(|l| l.split('\t').next().unwrap_or("").split_whitespace())
            .map(str::to_owned)
            .collect();
        w.sort();
        w
    };
    let cases = [
        (
            "bash",
            "source \"$SCRIPT\" && COMP_WORDS=(stepbook lint --format '') COMP_CWORD=3 && _stepbook stepbook '' --format && echo \"${COMPREPLY[@]}\"",
        ),
        (
            "fish",
            "source $SCRIPT; and complete -C 'stepbook lint --format '",
        ),
        (
            "zsh",
            "autoload -U compinit && compinit -u && source \"$SCRIPT\"",
        ),
    ];
    for (shell, run) in cases {
        let Some((stdout, stderr)) = in_shell(shell, run, &script(shell)) else {
            assert!(std::env::var_os("CI").is_none(), "CI installs {shell}");
            continue;
        };
        assert_eq!(stderr, "", "{shell}");
        if shell != "zsh" {
            // zsh completes only at an interactive prompt; loading is what can go wrong.
            assert_eq!(words(&stdout), formats, "{shell}: {stdout}");
        }
    }
}

/// Every "did you mean" comes with its fix in `check --format json`: a typo in book.toml (a key,
/// a value) and in a guide (a key, a note kind, a placeholder, a screenshot's path, an image in
/// Markdown, a tag). Applying the fixes as a tool would, by line and column, repairs the book.
#[test]
fn check_json_fixes_repair_what_the_help_suggests() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    let toml = toml
        .replace("[output.html]", "[output.htm]")
        .replace("\"a4\"", "\"leter\"");
    book.write(
        "book.toml",
        &format!("{toml}\n[profiles.trainer]\ntags = [\"trainer\"]\n"),
    );
    let png = crate::repo().join("tests/fixtures/screenshots/content/img/ok.png");
    std::fs::create_dir_all(book.path().join("content/pics")).unwrap();
    std::fs::copy(&png, book.path().join("content/pics/map.png")).unwrap();
    book.write(
        "content/typos.yaml",
        "title: Typos\nvariables:\n  wifi: guest\nsections:\n  - title: Start\n    steps:\n      - text: \"Join {{ wiffi }}, see ![map](img/map.png)\"\n        screenshots:\n          - src: img/map.png\n            alt: The map\n        notes:\n          - kind: tipp\n            txt: Hello\n      - text: Done\n        only: [traner]\n",
    );
    let mut fixed = Vec::new();
    for _ in 0..4 {
        let r = book.run(&["check", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let mut fixes: Vec<(String, usize, usize, String)> = Vec::new();
        for p in doc["problems"].as_array().unwrap() {
            let Some(fix) = p.get("fix").filter(|f| !f.is_null()) else {
                continue;
            };
            let file = p["file"].as_str().unwrap().to_owned();
            let text = book.read(&file);
            let at = |place: &serde_json::Value| {
                let (line, col) = (
                    place["line"].as_u64().unwrap(),
                    place["column"].as_u64().unwrap(),
                );
                let start: usize = text
                    .split_inclusive('\n')
                    .take(line as usize - 1)
                    .map(str::len)
                    .sum();
                start
                    + text[start..]
                        .chars()
                        .take(col as usize - 1)
                        .map(char::len_utf8)
                        .sum::<usize>()
            };
            let help = p["help"].as_str().unwrap();
            let replacement = fix["replacement"].as_str().unwrap().to_owned();
            assert!(help.starts_with("did you mean `"), "{p}");
            fixed.push(replacement.clone());
            fixes.push((file, at(&fix["start"]), at(&fix["end"]), replacement));
        }
        if fixes.is_empty() {
            assert_eq!(r.code, 0, "{}", r.stdout);
            break;
        }
        // From the end of each file, so earlier places stay where they are.
        fixes.sort_by(|a, b| (&b.0, b.1).cmp(&(&a.0, a.1)));
        for (file, start, end, new) in fixes {
            let mut text = book.read(&file);
            text.replace_range(start..end, &new);
            book.write(&file, &text);
        }
    }
    fixed.sort();
    assert_eq!(
        fixed,
        [
            "\"letter\"",
            "html",
            "pics/map.png",
            "pics/map.png",
            "text",
            "tip",
            "trainer",
            "wifi"
        ]
    );
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A broken book.toml still gives a CI step a document to parse: its problems at their lines,
/// exit 3 (stdout was empty).
#[test]
fn machine_formats_report_a_broken_book_toml() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}\n[ouptut.pdf]\n"));
    for cmd in ["check", "lint"] {
        let r =
            book.run(&[cmd, "--format", "json", "--offline"][..if cmd == "lint" { 4 } else { 3 }]);
        assert_eq!(r.code, 3, "{cmd}: {}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{cmd}: {e}: {:?}", r.stdout));
        let p = &doc["problems"][0];
        assert_eq!(p["file"], "book.toml", "{doc}");
        assert_eq!(p["severity"], "error", "{doc}");
        assert!(p["line"].as_u64().is_some(), "{doc}");
        assert_eq!(p["fix"]["replacement"], "output", "{doc}");
        assert_eq!(p["fix"]["start"]["column"], 2, "{doc}");
        assert_eq!(p["fix"]["end"]["column"], 8, "{doc}");
        assert!(r.stderr.contains("ouptut"), "{}", r.stderr);
        let r = book.run(&[cmd, "--format", "github"]);
        assert_eq!(r.code, 3);
        assert!(
            r.stdout.starts_with("::error file=book.toml,line="),
            "{}",
            r.stdout
        );
    }
}
