//! The importer, the renderers and the linter on real lab guides (../shared/corpus): every guide
//! imports and passes `check` but for the broken links it really has; importing and rendering
//! back to Markdown keeps every step, image (same alt, same file), callout and link, in order;
//! `lint --offline` reports exactly the broken links of broken-links.tsv.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::run_in;

pub(crate) fn corpus() -> Option<PathBuf> {
    let p = crate::repo().join("../shared/corpus");
    if p.join("INDEX.md").is_file() {
        Some(p)
    } else if std::env::var_os("CI").is_some() {
        panic!("../shared/corpus is missing");
    } else {
        eprintln!("../shared/corpus is not here: skipping the corpus tests");
        None
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
            let mut perm = std::fs::metadata(&dest).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&dest, perm).unwrap();
        }
    }
}

/// What a reader of a Markdown guide would count: numbered items, images (alt, target), callouts
/// and links, in order.
#[derive(Debug, Default, PartialEq)]
struct Counts {
    numbered: usize,
    images: Vec<(String, String)>,
    callouts: usize,
    links: Vec<String>,
}

/// A callout as a reader sees one: `**Note:**`, `**Note**:`, `**Note**`, `Note:` (note, tip,
/// hint, important, warning, caution) or a `[!NOTE]` alert.
fn callout_start(s: &str) -> bool {
    let s = s
        .trim_start()
        .trim_start_matches('>')
        .trim_start()
        .to_ascii_lowercase();
    [
        "note",
        "tip",
        "hint",
        "important",
        "warning",
        "caution",
        "did you know?",
    ]
    .iter()
    .any(|k| {
        s.starts_with(&format!("**{k}:**"))
            || s.starts_with(&format!("**{k}**:"))
            || s.starts_with(&format!("**{k}**"))
            || s.starts_with(&format!("{k}:"))
    }) || s.starts_with("[!")
}

/// Counts in Markdown `text`; image targets are resolved against `dir` (relative to `root`).
fn counts(text: &str, dir: &Path, root: &Path) -> Counts {
    let text = text.replace("\r\n", "\n").replace("!IMAGE[", "![");
    let mut c = Counts::default();
    let mut image: Option<(String, String)> = None;
    let mut link_depth = 0;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_GFM | Options::ENABLE_TASKLISTS;
    for (ev, range) in Parser::new_ext(&text, opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::Item) => {
                let line = text[range.clone()].trim_start();
                // stepbook's Markdown writes a step as `- **2.3** …`, a substep as `- **a.** …`.
                let step = line
                    .strip_prefix("- **")
                    .is_some_and(|n| n.starts_with(|ch: char| ch.is_ascii_alphanumeric()));
                if step || line.starts_with(|ch: char| ch.is_ascii_digit()) {
                    c.numbered += 1;
                }
            }
            // A callout is a paragraph that starts with a label (in a blockquote or not), or a
            // GFM alert.
            Event::Start(Tag::Paragraph) => {
                let p = &text[range.clone()];
                c.callouts += usize::from(callout_start(p));
                // A hint at the end of a step's line ("… **Hint:** …") is one too.
                let lower = p.to_ascii_lowercase();
                c.callouts += [" **hint:**", " **hint**:"]
                    .iter()
                    .map(|h| lower.matches(h).count())
                    .sum::<usize>();
            }
            Event::Start(Tag::BlockQuote(Some(_))) => c.callouts += 1,
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((String::new(), resolve(&dest_url, dir, root)))
            }
            Event::End(pulldown_cmark::TagEnd::Image) => c.images.extend(image.take()),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link_depth += 1;
                if !dest_url.starts_with('#') {
                    c.links.push(dest_url.to_string());
                }
            }
            Event::End(pulldown_cmark::TagEnd::Link) => link_depth -= 1,
            Event::Text(t) | Event::Code(t) => {
                if let Some((alt, _)) = image.as_mut() {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    let _ = link_depth;
    c
}

fn resolve(src: &str, dir: &Path, root: &Path) -> String {
    if src.contains("://") {
        return src.to_owned();
    }
    let decoded = stepbook::validate::percent_decode(src).unwrap_or_else(|| src.to_owned());
    let mut p = dir.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                p.pop();
            }
            x => p.push(x),
        }
    }
    p.strip_prefix(root)
        .unwrap_or(&p)
        .to_string_lossy()
        .into_owned()
}

pub(crate) struct Imported {
    /// repo-relative guide path → (its markdown output, its yaml path)
    guides: BTreeMap<String, (PathBuf, PathBuf)>,
    pub(crate) dir: tempfile::TempDir,
    warnings_free: usize,
    /// `path:line` of each image import reported missing (I004).
    missing: BTreeSet<String>,
}

pub(crate) fn import_folder(folder: &Path) -> Imported {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(folder, dir.path());
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"Corpus\"\n[output.markdown]\n",
    )
    .unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
            .unwrap();
    let mut guides = BTreeMap::new();
    let mut warnings_free = 0;
    let mut missing = BTreeSet::new();
    for g in manifest["guides"].as_array().unwrap() {
        let path = g["path"].as_str().unwrap();
        let r = run_in(dir.path(), &["import", path, "--out-dir", "content"]);
        assert_eq!(r.code, 0, "{path}: {}", r.stderr);
        if !r.stderr.contains("warning[") {
            warnings_free += 1;
        }
        for (code, at) in crate::locations(&r.stderr) {
            if code == "I004" {
                missing.insert(at.rsplit_once(':').unwrap().0.to_owned());
            }
        }
        let stem = Path::new(path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let id = stepbook::validate::slug(&stem);
        guides.insert(
            path.to_owned(),
            (
                dir.path().join(format!("book/markdown/{id}.md")),
                dir.path().join(format!("content/{id}.yaml")),
            ),
        );
    }
    Imported {
        guides,
        dir,
        warnings_free,
        missing,
    }
}

#[test]
fn corpus_round_trip_and_lint() {
    let Some(corpus) = corpus() else { return };
    let broken = std::fs::read_to_string(corpus.join("broken-links.tsv")).unwrap();
    let mut total = 0;
    let mut clean = 0;
    let mut report = Vec::new();
    for entry in std::fs::read_dir(&corpus).unwrap().filter_map(Result::ok) {
        if !entry.path().join("manifest.json").is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let imported = import_folder(&entry.path());
        let root = imported.dir.path();
        total += imported.guides.len();
        clean += imported.warnings_free;

        // lint --offline reports exactly the broken links of this folder (and nothing else that
        // is an error).
        let r = run_in(root, &["lint", "--offline", "--format", "json"]);
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|_| panic!("{}", r.stderr));
        let mut found = BTreeSet::new();
        for p in v["problems"].as_array().unwrap() {
            if p["severity"] != "error" {
                continue;
            }
            assert_eq!(p["code"], "E010", "{name}: unexpected error {p}");
            let msg = p["message"].as_str().unwrap();
            let src = msg.split('`').nth(1).unwrap();
            found.insert(resolve(src, &root.join("content"), root));
        }
        let expected: BTreeSet<String> = broken
            .lines()
            .skip(1)
            .filter(|l| l.split('\t').next() == Some(name.as_str()))
            .map(|l| l.split('\t').nth(5).unwrap().to_owned())
            .collect();
        assert_eq!(found, expected, "{name}: broken links reported by lint");
        // import reported the same images missing, each at its line.
        let at_lines: BTreeSet<String> = broken
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f[0] == name)
            .map(|f| format!("{}:{}", f[1], f[2]))
            .collect();
        assert_eq!(
            imported.missing, at_lines,
            "{name}: missing images reported by import"
        );
        // Stand-ins for the missing images (so the book builds), then compare before and after.
        for missing in &expected {
            let p = root.join(missing);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, crate::lint_server::PNG).unwrap();
        }
        {
            let r = run_in(root, &["build"]);
            assert_eq!(r.code, 0, "{name}: {}", r.stderr);
            for (path, (md_out, _)) in &imported.guides {
                let source = std::fs::read_to_string(entry.path().join(path)).unwrap();
                let before = counts(&source, root.join(path).parent().unwrap(), root);
                let after_text = std::fs::read_to_string(md_out).unwrap();
                let mut after = counts(&after_text, &root.join("book/markdown"), root);
                // Images were copied next to the Markdown output: map them back to the book.
                for (_, target) in &mut after.images {
                    if let Some(rest) = target.strip_prefix("book/markdown/media/") {
                        *target = rest
                            .strip_prefix("_root/")
                            .map_or(format!("content/{rest}"), str::to_owned);
                    }
                }
                // The importer adds nothing; numbered lists in the output are steps, which
                // also counts lists kept as text.
                if before != after {
                    report.push(format!(
                        "{name}/{path}:\n  before: {before:?}\n  after:  {after:?}"
                    ));
                }
            }
        }
    }
    eprintln!("{clean} of {total} corpus guides import with zero warnings");
    assert!(total >= 55, "{total}");
    assert!(report.is_empty(), "{}", report.join("\n"));
}
