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
    for entry in walkdir::WalkDir::new(repo().join("src")) {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path
            .strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("src/cmd/") || rel == "src/main.rs" || !rel.ends_with(".rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
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

/// Data flows one way: the stages below the pipeline (config, model, load, validate, render,
/// output and their helpers) never reach up into the pipeline or the commands built on it.
#[test]
fn the_stages_never_import_the_pipeline_or_what_uses_it() {
    let stages = [
        "src/book.rs",
        "src/config/",
        "src/model.rs",
        "src/node.rs",
        "src/shape.rs",
        "src/convert.rs",
        "src/duration.rs",
        "src/load.rs",
        "src/validate/",
        "src/render/",
        "src/output.rs",
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
    for entry in walkdir::WalkDir::new(repo().join("src")) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".rs") || !stages.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
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
