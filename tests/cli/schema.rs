//! The JSON Schema that `stepbook schema` prints (and `init` writes) agrees with `stepbook check`
//! on every guide in content/, the test fixtures, the imported corpus and probes: a guide is
//! valid under the schema exactly when check finds no problem the schema can state (E002-E008).

use std::path::Path;

use stepbook::source::node::{Node, Value};

use crate::{repo, run_in};

/// The YAML tree as JSON, as an editor's YAML plugin reads it: `1.50` is a number, `yes` text.
fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Num { text, int } => {
            let n = if *int {
                text.parse::<i64>().ok().map(Into::into)
            } else {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
            };
            n.map_or_else(|| text.as_str().into(), serde_json::Value::Number)
        }
        Value::Str(s) => s.as_str().into(),
        Value::Seq(items) => items.iter().map(to_json).collect(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.name.clone(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn guides_under(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && stepbook::source::load::is_guide_file(e.path()))
        .map(|e| e.into_path())
        .collect()
}

/// Guides written to probe the edges: (what, YAML, whether both must call it valid).
const PROBES: &[(&str, &str, bool)] = &[
    (
        "numbers where text goes",
        "title: 1.50\nsummary: 3\nobjectives: [1, 2]\nsections:\n  - title: 2024\n    steps:\n      - text: 42\n        check: 7\n        screenshots: [{src: a.png, alt: 5}]\n",
        true,
    ),
    (
        "an integer id",
        "title: T\nid: 2024\nsections:\n  - title: S\n    id: 7\n    steps: [{text: x}]\n",
        true,
    ),
    (
        "an id in capitals",
        "title: T\nid: Azure\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "an id with a space",
        "title: T\nsections:\n  - title: S\n    id: a b\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "a decimal id",
        "title: T\nid: 1.5\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "durations",
        "title: T\nduration: 1h 30m\nsections:\n  - title: S\n    steps: [{text: x, wait: 2m-5m}, {text: y, wait: 90s}]\n",
        true,
    ),
    (
        "a duration without unit",
        "title: T\nduration: \"15\"\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "a number as duration",
        "title: T\nduration: 15\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "a duration in words",
        "title: T\nduration: 15 minutes\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "units out of order",
        "title: T\nsections:\n  - title: S\n    steps: [{text: x, wait: 30m1h}]\n",
        false,
    ),
    (
        "a space inside a duration",
        "title: T\nsections:\n  - title: S\n    steps: [{text: x, wait: 30 m}]\n",
        false,
    ),
    (
        "a boolean title",
        "title: true\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "a decimal weight",
        "title: T\nweight: 1.5\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "optional as text",
        "title: T\nsections:\n  - title: S\n    steps: [{text: x, optional: \"yes\"}]\n",
        false,
    ),
    (
        "an unknown key",
        "title: T\ntitel: U\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "an unknown note kind",
        "title: T\nnotes: [{kind: hint, text: n}]\nsections:\n  - title: S\n    steps: [{text: x}]\n",
        false,
    ),
    ("no sections", "title: T\nsections: []\n", false),
    (
        "only as text",
        "title: T\nsections:\n  - title: S\n    only: instructor\n    steps: [{text: x}]\n",
        false,
    ),
    (
        "marks over a screenshot",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - src: https://example.com/a.png\n            alt: a\n            marks:\n              - {box: [1, 2, 30, 40.5], label: Next}\n              - {arrow: [0, 0, 10, 10]}\n              - {callout: 1, at: [5, 5]}\n              - {highlight: [1, 1, 2, 2], label: 7}\n",
        true,
    ),
    (
        "a mark with an unknown key or text coordinates",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - src: https://example.com/a.png\n            alt: a\n            marks:\n              - {circle: [1, 2, 3]}\n              - {box: \"1, 2, 3, 4\"}\n",
        false,
    ),
    (
        "numbers as tags and variables",
        "title: T\nvariables: {code: 1234, event: {year: 2026}}\nsections:\n  - title: S\n    only: [2026]\n    steps: [{text: x}]\n",
        true,
    ),
    (
        "a screenshot's capture record",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - {src: a.png, alt: A, captured: 2024-05-01, source: \"https://portal.azure.com/#create/x\", selector: \"#main\", width: 1280}\n",
        true,
    ),
    (
        "a capture date in words",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots: [{src: a.png, alt: A, captured: yesterday}]\n",
        false,
    ),
    (
        "a capture date in month 13",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots: [{src: a.png, alt: A, captured: 2024-13-45}]\n",
        false,
    ),
    (
        "a javascript: source",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots: [{src: a.png, alt: A, source: \"javascript:alert(1)\"}]\n",
        false,
    ),
    (
        "a window width of zero",
        "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots: [{src: a.png, alt: A, width: 0}]\n",
        false,
    ),
];

/// Whether `stepbook check` finds a problem the schema can state (E002-E008: shape, durations,
/// ids; E031: a capture record's date, address and width, but for a day in the future or
/// February 30, which only check can say) in the guide `yaml`, checked as the only guide of a book in `dir`.
fn check_finds_a_shape_problem(dir: &Path, yaml: &[u8]) -> bool {
    std::fs::write(dir.join("content/guide.yaml"), yaml).unwrap();
    let r = run_in(dir, &["check", "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    report["problems"].as_array().unwrap().iter().any(|p| {
        let code = p["code"].as_str().unwrap_or("");
        ("E002"..="E008").contains(&code) || code == "E031"
    })
}

/// Every corpus lab, imported into a book in `dir`: its guide files.
fn imported_corpus(dir: &Path) -> Vec<std::path::PathBuf> {
    let corpus = repo().join("../shared/corpus");
    if !corpus.join("INDEX.md").is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/corpus is missing"
        );
        return Vec::new();
    }
    std::fs::write(dir.join("book.toml"), "[book]\ntitle = \"Corpus\"\n").unwrap();
    let labs: Vec<String> = walkdir::WalkDir::new(&corpus)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("INDEX.md"))
        .map(|p| p.display().to_string())
        .collect();
    // One folder per lab: two courses' copies of a lab share a file name.
    for (i, lab) in labs.iter().enumerate() {
        let out = format!("content/{i}");
        let r = run_in(dir, &["import", lab, "--out-dir", &out]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let found = guides_under(&dir.join("content"));
    assert!(found.len() >= 50, "{} corpus guides", found.len());
    found
}

/// The published schema (what an editor checks as the author types) and `check` give the same
/// verdict on every guide we have: content/, the fixtures, every corpus lab once imported, and
/// probes at the edges (numbers where text goes, id and duration syntax). What only check can
/// say (files, duplicate ids, a zero duration, a range's order) is left out: see docs.
#[test]
fn schema_and_check_agree_on_every_guide() {
    let r = run_in(&repo(), &["schema"]);
    assert_eq!(r.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid draft 2020-12 schema");

    let corpus_book = tempfile::tempdir().unwrap();
    let mut files: Vec<(String, Vec<u8>, Option<bool>)> = Vec::new();
    for f in guides_under(&repo().join("content")) {
        files.push((
            f.display().to_string(),
            std::fs::read(&f).unwrap(),
            Some(true),
        ));
    }
    assert!(!files.is_empty());
    let fixtures = guides_under(&repo().join("tests/fixtures"));
    for f in fixtures
        .into_iter()
        .chain(imported_corpus(corpus_book.path()))
    {
        files.push((f.display().to_string(), std::fs::read(&f).unwrap(), None));
    }
    for (what, yaml, valid) in PROBES {
        files.push((
            format!("probe: {what}"),
            yaml.as_bytes().to_vec(),
            Some(*valid),
        ));
    }
    let book = tempfile::tempdir().unwrap();
    std::fs::create_dir(book.path().join("content")).unwrap();
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    let (mut checked, mut invalid) = (0, 0);
    for (name, bytes, want) in &files {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        }; // not UTF-8
        let Ok(tree) = stepbook::source::node::parse_yaml(text) else {
            continue;
        }; // not YAML
        if matches!(tree.value, Value::Null) {
            continue;
        }
        let by_schema = validator.is_valid(&to_json(&tree));
        let by_check = !check_finds_a_shape_problem(book.path(), bytes);
        assert_eq!(
            by_schema, by_check,
            "{name}: the schema says valid={by_schema}, check says valid={by_check}"
        );
        if let Some(want) = want {
            assert_eq!(by_check, *want, "{name}");
        }
        checked += 1;
        invalid += usize::from(!by_check);
    }
    assert!(
        checked >= 80 && invalid >= 12,
        "checked {checked}, {invalid} invalid"
    );
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
