//! The JSON Schema that `stepbook schema` prints (and `init` writes) agrees with `stepbook check`
//! on every guide in content/ and in the test fixtures: a guide is valid under the schema exactly
//! when check finds no shape problem (E002-E006) in it.

use std::path::Path;

use stepbook::source::node::{Node, Value};

use crate::{repo, run_in};

/// The YAML tree as JSON. A number written where text goes is text to stepbook (`title: 2024`),
/// so numbers become strings except where the model wants a number (`weight`).
fn to_json(node: &Node, key: &str) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Num { text, .. } if key == "weight" => {
            text.parse::<f64>().map_or(text.as_str().into(), Into::into)
        }
        Value::Num { text, .. } => text.as_str().into(),
        Value::Str(s) => s.as_str().into(),
        Value::Seq(items) => items.iter().map(|n| to_json(n, key)).collect(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.name.clone(), to_json(v, &k.name)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn guides_under(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && stepbook::source::load::is_guide_file(e.path()))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn schema_and_check_agree_on_every_guide() {
    let r = run_in(&repo(), &["schema"]);
    assert_eq!(r.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid draft 2020-12 schema");

    let mut files = guides_under(&repo().join("content"));
    assert!(!files.is_empty());
    let bundled = files.len();
    files.extend(guides_under(&repo().join("tests/fixtures")));
    let mut checked = 0;
    for (i, file) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        }; // not UTF-8
        let Ok(tree) = stepbook::source::node::parse_yaml(&text) else {
            continue;
        }; // not YAML
        if matches!(tree.value, Value::Null) {
            continue;
        }
        let valid = validator.is_valid(&to_json(&tree, ""));
        let mut shape = Vec::new();
        stepbook::source::shape::check(
            &tree,
            stepbook::guide_schema(),
            file,
            stepbook::source::shape::Flavor::Yaml,
            &mut shape,
        );
        assert_eq!(
            valid,
            shape.is_empty(),
            "{}: schema says valid={valid}, check found {:?}",
            file.display(),
            shape
                .iter()
                .map(|d| (d.code, &d.message))
                .collect::<Vec<_>>()
        );
        if i < bundled {
            assert!(valid, "bundled guide {} must be valid", file.display());
        }
        checked += 1;
    }
    assert!(checked >= 8, "checked {checked} guides");
}

#[test]
fn init_writes_the_schema_and_the_modeline() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.path().join("stepbook.schema.json")).unwrap();
    let printed = run_in(dir.path(), &["schema"]).stdout;
    assert_eq!(
        written, printed,
        "init writes what `stepbook schema` prints"
    );
    let example = std::fs::read_to_string(dir.path().join("content/example.yaml")).unwrap();
    assert!(example.starts_with("# yaml-language-server: $schema=../stepbook.schema.json\n"));
    let r = run_in(dir.path(), &["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.is_empty() || !r.stderr.contains("warning"),
        "{}",
        r.stderr
    );
    // A second init refuses and changes nothing.
    std::fs::write(dir.path().join("content/example.yaml"), "title: mine\n").unwrap();
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("content/example.yaml"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("content/example.yaml")).unwrap(),
        "title: mine\n"
    );
    // --theme writes the built-ins, and the build uses them.
    let r = run_in(dir.path(), &["init", "--theme", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(
        dir.path().join("themes/default/style.css"),
        "/* edited */ body { color: teal; }\n",
    )
    .unwrap();
    assert_eq!(run_in(dir.path(), &["build"]).code, 0);
    let css = std::fs::read_to_string(dir.path().join("book/html/theme/style.css")).unwrap();
    assert!(css.starts_with("/* edited */"));
}
