//! Translation status: for every guide and every other language of the book, whether its
//! translation is up to date, stale (changed before its source last was) or missing — what a
//! team has to translate. When the book is in a git repository a file's last change is the
//! last commit that touched it (or its modification time, if it has changed since, or is not
//! committed); otherwise its modification time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::UNIX_EPOCH;

use crate::Book;
use crate::pipeline::Summary;
use crate::validate::translations::source_key;

/// Where a translation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    UpToDate,
    /// Changed before its source last was.
    Stale,
    /// No file for this language.
    Missing,
    /// A translation whose source (the file without the language suffix) does not exist.
    NoSource,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::UpToDate => "up to date",
            Status::Stale => "stale",
            Status::Missing => "missing",
            Status::NoSource => "no source",
        }
    }
}

/// One guide in one language.
#[derive(Debug, Clone)]
pub struct Row {
    pub lang: String,
    /// The source's file, as shown to the user.
    pub guide: PathBuf,
    pub status: Status,
}

/// The status of every guide in every language of the book but its own, by guide then
/// language (in book.toml's order).
pub fn status(book: &Book, guides: &[Summary]) -> Vec<Row> {
    let langs = crate::validate::Languages::of(&book.config);
    let changed = LastChange::of(&book.root);
    let mut sources: Vec<&Summary> = guides.iter().filter(|g| g.lang.is_none()).collect();
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    let by_key: HashMap<(PathBuf, &str), &Summary> = guides
        .iter()
        .filter_map(|g| {
            let l = g.lang.as_deref()?;
            Some(((source_key(&g.rel, Some(l)), l), g))
        })
        .collect();
    let mut rows = Vec::new();
    for s in &sources {
        let key = source_key(&s.rel, None);
        for l in &langs.others {
            let status = match by_key.get(&(key.clone(), l.as_str())) {
                None => Status::Missing,
                Some(t) if changed.at(&t.path) < changed.at(&s.path) => Status::Stale,
                Some(_) => Status::UpToDate,
            };
            rows.push(Row {
                lang: l.clone(),
                guide: s.shown.clone(),
                status,
            });
        }
    }
    let known: Vec<PathBuf> = sources.iter().map(|s| source_key(&s.rel, None)).collect();
    let mut orphans: Vec<Row> = by_key
        .iter()
        .filter(|((key, _), _)| !known.contains(key))
        .map(|((_, l), g)| Row {
            lang: (*l).to_owned(),
            guide: g.shown.clone(),
            status: Status::NoSource,
        })
        .collect();
    orphans.sort_by(|a, b| (&a.guide, &a.lang).cmp(&(&b.guide, &b.lang)));
    rows.extend(orphans);
    rows
}

/// When each file last changed: git's commit times where the book is in a repository, with
/// the files changed since (or never committed) by their modification time.
struct LastChange {
    /// Absolute path → seconds since the epoch of the last commit that touched it.
    committed: HashMap<PathBuf, u64>,
    /// Files that differ from their last commit, or are not committed.
    dirty: Vec<PathBuf>,
}

impl LastChange {
    fn of(root: &Path) -> LastChange {
        let mut committed = HashMap::new();
        let mut dirty = Vec::new();
        // Newest commit first: a file's first appearance is its last change.
        if let Some(log) = git(
            root,
            &[
                "log",
                "--format=%x00%ct",
                "--name-only",
                "--relative",
                "--no-renames",
                "--",
                ".",
            ],
        ) {
            let mut time = 0;
            for line in log.lines() {
                if let Some(t) = line.strip_prefix('\0') {
                    time = t.trim().parse().unwrap_or(0);
                } else if !line.is_empty() {
                    committed.entry(root.join(line)).or_insert(time);
                }
            }
            for args in [
                &["diff", "--name-only", "--relative", "HEAD", "--", "."][..],
                &["ls-files", "--others", "--exclude-standard", "--", "."][..],
            ] {
                if let Some(out) = git(root, args) {
                    dirty.extend(out.lines().filter(|l| !l.is_empty()).map(|l| root.join(l)));
                }
            }
        }
        LastChange { committed, dirty }
    }

    /// The last change of the file at `path`.
    fn at(&self, path: &Path) -> u64 {
        match self.committed.get(path) {
            Some(&t) if !self.dirty.iter().any(|d| d == path) => t,
            _ => std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs()),
        }
    }
}

/// The output of a git command run in `dir`, if git is there and it succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
