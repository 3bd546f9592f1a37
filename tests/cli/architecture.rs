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
