//! The crate's layering, checked: below the CLI (`src/cmd/`, `src/main.rs`) nothing imports the
//! CLI, prints, or draws progress bars; the library returns what happened and the CLI says it.

use crate::repo;

#[test]
fn the_library_never_imports_the_cli_and_never_prints() {
    let forbidden = [
        "crate::cmd",
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "indicatif",
        "clap::",
    ];
    let mut found = Vec::new();
    for (rel, text) in rust_sources() {
        if rel.starts_with("src/cmd/") || rel == "src/main.rs" {
            continue;
        }
        // Unit tests may print what they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for f in forbidden {
                if line.contains(f) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "below the CLI:\n{}", found.join("\n"));
}

/// Data flows one way: the stages below the pipeline (config, model, source, variant, validate,
/// render, output and their helpers) never reach up into the pipeline or the commands built on it.
#[test]
fn the_stages_never_import_the_pipeline_or_what_uses_it() {
    let stages = [
        "src/book.rs",
        "src/config/",
        "src/model/",
        "src/source/",
        "src/variant/",
        "src/variables.rs",
        "src/duration.rs",
        "src/validate/",
        "src/render/",
        "src/output/",
        "src/layout.rs",
        "src/safe_fs.rs",
        "src/markdown.rs",
        "src/diag/",
        "src/schema.rs",
        "src/error.rs",
    ];
    let above = [
        "crate::pipeline",
        "crate::build",
        "crate::Built",
        "crate::timed",
        "crate::watch",
        "crate::serve",
        "crate::lint",
        "crate::import",
        "crate::init",
        "crate::cmd",
    ];
    let mut found = Vec::new();
    for (rel, text) in rust_sources() {
        if !stages.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if above.iter().any(|a| line.contains(a)) && !line.trim_start().starts_with("//") {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a stage imports upward:\n{}",
        found.join("\n")
    );
}

/// No import circles between the top-level modules (outside the CLI): the graph of
/// `crate::<module>` references in non-test code has no cycle.
#[test]
fn modules_import_each_other_without_circles() {
    use std::collections::{BTreeMap, BTreeSet};
    // Names re-exported at the crate root, by the module that defines them.
    let roots = [
        ("Book", "book"),
        ("Error", "error"),
        ("exit", "error"),
        ("shown_path", "diag"),
        ("guide_schema", "schema"),
        ("BuildOptions", "pipeline"),
        ("BuildReport", "pipeline"),
        ("Checked", "pipeline"),
        ("build", "pipeline"),
        ("build_kept", "pipeline"),
        ("timed", "pipeline"),
    ];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(repo().join("src")).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo().join("src")).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = module.trim_end_matches(".rs").to_owned();
        if entry.path().extension().is_none_or(|e| e != "rs")
            || ["main", "lib", "cmd", "testing"].contains(&module.as_str())
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut names = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + 7..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                names.extend(
                    group
                        .split(',')
                        .map(|n| n.trim().split("::").next().unwrap_or("").to_owned()),
                );
            } else {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                names.push(rest[..end].to_owned());
            }
        }
        let deps = graph.entry(module.clone()).or_default();
        for n in names {
            let target = roots
                .iter()
                .find(|(r, _)| *r == n)
                .map_or(n.clone(), |(_, m)| m.to_string());
            if !target.is_empty() && target != module {
                deps.insert(target);
            }
        }
    }
    // Depth-first search for a path back to where it started.
    fn back(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if !path.contains(next) && path.len() < 12 {
                path.push(next.clone());
                if back(graph, start, next, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        assert!(
            !back(&graph, start, start, &mut path),
            "import circle: {}",
            path.join(" -> ")
        );
    }
}

/// The names lib.rs re-exports (`pub use book::{Book, Selection};` gives both): the public
/// API's short paths, for users of the library.
fn root_reexports() -> Vec<String> {
    let lib = std::fs::read_to_string(repo().join("src/lib.rs")).unwrap();
    let mut names = Vec::new();
    for line in lib.lines().map(str::trim) {
        let Some(path) = line.strip_prefix("pub use ") else {
            continue;
        };
        let path = path.trim_end_matches(';');
        let items = match path.find('{') {
            Some(i) => path[i + 1..path.rfind('}').unwrap()].to_owned(),
            None => path.to_owned(),
        };
        for item in items.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let name = match item.split_once(" as ") {
                Some((_, alias)) => alias,
                None => item.rsplit("::").next().unwrap(),
            };
            names.push(name.trim().to_owned());
        }
    }
    names
}

/// The first names of the paths after each `crate::` in `code`: `crate::diag::Code` gives
/// `diag`, `crate::{Book, diag::{Code, Severity}}` gives `Book` and `diag`.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        // `stepbook::crate::` does not occur; a longer name ending in `crate` (`my_crate::`)
        // is not the crate root.
        if code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let line = code[..i].matches('\n').count() + 1;
        let rest = &code[i + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            out.push((line, rest[..end].to_owned()));
            continue;
        };
        // The top-level items of the group, nested groups skipped whole.
        let (mut depth, mut item) = (0, String::new());
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push((line, std::mem::take(&mut item)));
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        out.push((line, item));
    }
    out.into_iter()
        .map(|(line, item)| {
            let first = item.trim().split("::").next().unwrap_or("");
            let first = first.split_whitespace().next().unwrap_or("");
            (line, first.to_owned())
        })
        .filter(|(_, name)| !name.is_empty())
        .collect()
}

/// Internal code names things by the module that defines them, never through lib.rs's
/// re-exports (`crate::Book` is `crate::book::Book`): the root only faces outward, so no module
/// imports "up" into lib.rs, and lib.rs can change what it re-exports without touching them.
#[test]
fn the_library_never_imports_through_the_root_reexports() {
    let roots = root_reexports();
    assert!(roots.contains(&"Book".to_owned()), "read {roots:?}");
    let mut found = Vec::new();
    for (rel, text) in rust_sources() {
        // The binary's `crate::` is the binary; lib.rs is where the re-exports are.
        if rel.starts_with("src/cmd/") || rel == "src/main.rs" || rel == "src/lib.rs" {
            continue;
        }
        let code: String = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("//") {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        for (line, name) in crate_paths(&code) {
            if roots.contains(&name) {
                found.push(format!("{rel}:{line}: crate::{name}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "imports through the crate root's re-exports (name the defining module instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn crate_paths_reads_groups_and_plain_paths() {
    let code = "use crate::{Book, diag::{Code, Severity}, Error as E};\nlet x = crate::timed(\"a\", f);\nmy_crate::Book";
    let names: Vec<String> = crate_paths(code).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["Book", "diag", "Error", "timed"]);
}

/// Functions (outside tests) of more than this many lines, from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 80;

#[test]
fn no_function_is_longer_than_80_lines_outside_tests() {
    let mut long = Vec::new();
    for (rel, text) in rust_sources() {
        let lines: Vec<&str> = text.lines().collect();
        // A module's tests come last, after `#[cfg(test)]` at the top level.
        let end = lines
            .iter()
            .position(|l| l.starts_with("#[cfg(test)]"))
            .unwrap_or(lines.len());
        for (i, line) in lines[..end].iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
                "pub const fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !is_fn || trimmed.ends_with(';') {
                continue;
            }
            let close = format!("{indent}}}");
            let Some(len) = lines[i..end].iter().position(|l| *l == close) else {
                continue;
            };
            if len + 1 > MAX_FUNCTION_LINES {
                long.push(format!("{rel}:{}: {} lines", i + 1, len + 1));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// Every Rust file under `src/`: its path from the repository (with `/`) and its text.
fn rust_sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("src")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
    }
    out
}
