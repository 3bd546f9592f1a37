//! Translation status: for every guide and every other language of the book, whether its
//! translation is up to date, stale (changed before its source last was) or missing — what a
//! team has to translate. When the book is in a git repository a file's last change is the
//! last commit that touched it (or its modification time, if it has changed since, or is not
//! committed); otherwise its modification time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::UNIX_EPOCH;

use crate::book::Book;
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
    /// The same, relative to the book.
    pub rel: PathBuf,
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
        // Once per source, not per language: finding it takes reading and hashing the file.
        let source_changed = std::cell::OnceCell::new();
        for l in &langs.others {
            let status = match by_key.get(&(key.clone(), l.as_str())) {
                None => Status::Missing,
                Some(t)
                    if changed.at(&t.path)
                        < *source_changed.get_or_init(|| changed.at(&s.path)) =>
                {
                    Status::Stale
                }
                Some(_) => Status::UpToDate,
            };
            rows.push(Row {
                lang: l.clone(),
                guide: s.shown.clone(),
                rel: s.rel.clone(),
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
            rel: g.rel.clone(),
            status: Status::NoSource,
        })
        .collect();
    orphans.sort_by(|a, b| (&a.guide, &a.lang).cmp(&(&b.guide, &b.lang)));
    rows.extend(orphans);
    rows
}

/// The source a translation was made from, as far as the book's history tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The translation changed after its source last did: it was made from the source as is.
    Current,
    /// The source's text when the translation last changed (from git's history).
    Was(String),
    /// The translation is stale, and the history does not hold the source it was made from
    /// (no repository, or the source was not committed before the translation changed).
    Unknown,
}

/// The book's history, read once, to find the source each translation was made from.
pub struct History {
    root: PathBuf,
    changed: LastChange,
}

impl History {
    pub fn of(root: &Path) -> History {
        History {
            root: root.to_path_buf(),
            changed: LastChange::of(root),
        }
    }

    /// The source (`source`, absolute) as it was when `translation` last changed: the newest
    /// commit of the source no later than that, read from the object store.
    pub fn base(&self, source: &Path, translation: &Path) -> Base {
        let t = self.changed.at(translation);
        if t >= self.changed.at(source) {
            return Base::Current;
        }
        let Ok(rel) = source.strip_prefix(&self.root) else {
            return Base::Unknown;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let before = format!("--before=@{t}");
        let log = git(
            &self.root,
            &[
                "log",
                "-1",
                "--no-show-signature",
                "--format=%H",
                &before,
                "--",
                &rel,
            ],
        );
        let Some(commit) = log.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()) else {
            return Base::Unknown;
        };
        match git(
            &self.root,
            &["cat-file", "blob", &format!("{commit}:./{rel}")],
        ) {
            Some(text) => Base::Was(text),
            None => Base::Unknown,
        }
    }
}

impl History {
    /// The committed texts of the file at `rel` (from the book's folder, `/`), newest first, at
    /// most `max`: read from the object store (empty without a repository).
    pub fn versions(&self, rel: &str, max: usize) -> Vec<String> {
        let n = format!("-{max}");
        let Some(log) = git(
            &self.root,
            &["log", &n, "--no-show-signature", "--format=%H", "--", rel],
        ) else {
            return Vec::new();
        };
        log.lines()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map_while(|c| git(&self.root, &["cat-file", "blob", &format!("{c}:./{rel}")]))
            .collect()
    }
}

/// When each file last changed: git's commit times where the book is in a repository, with
/// the files changed since (or never committed) by their modification time.
struct LastChange {
    /// Absolute path → seconds since the epoch of the last commit that touched it.
    committed: HashMap<PathBuf, u64>,
    /// Absolute path → its blob's id in `HEAD` (hex): the file is as committed when its bytes
    /// hash to it.
    blobs: HashMap<PathBuf, String>,
}

impl LastChange {
    fn of(root: &Path) -> LastChange {
        let mut committed = HashMap::new();
        let mut blobs = HashMap::new();
        // Newest commit first: a file's first appearance is its last change.
        let log = git(
            root,
            &[
                "log",
                "--no-show-signature",
                "--no-ext-diff",
                "--no-textconv",
                "--no-mailmap",
                "--format=%x00%ct",
                "--name-only",
                "--relative",
                "--no-renames",
                "--",
                ".",
            ],
        );
        let Some(log) = log else {
            return LastChange { committed, blobs };
        };
        let mut time = 0;
        for line in log.lines() {
            if let Some(t) = line.strip_prefix('\0') {
                time = t.trim().parse().unwrap_or(0);
            } else if !line.is_empty() {
                committed.entry(root.join(line)).or_insert(time);
            }
        }
        // What HEAD holds, read from the object store: unlike `git diff` or `git status`, this
        // never reads the work tree, so no filter, fsmonitor or attribute the repository
        // configures is run.
        if let Some(tree) = git(root, &["ls-tree", "-r", "-z", "HEAD", "--", "."]) {
            for entry in tree.split('\0') {
                let Some((meta, path)) = entry.split_once('\t') else {
                    continue;
                };
                let mut parts = meta.split(' ');
                if let (Some(_mode), Some("blob"), Some(id)) =
                    (parts.next(), parts.next(), parts.next())
                {
                    blobs.insert(root.join(path), id.to_owned());
                }
            }
        }
        LastChange { committed, blobs }
    }

    /// The last change of the file at `path`: its last commit's time if its bytes are what
    /// HEAD holds, else its modification time.
    fn at(&self, path: &Path) -> u64 {
        match self.committed.get(path) {
            Some(&t) if self.as_committed(path) => t,
            _ => std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs()),
        }
    }

    /// Are the bytes of the file at `path` the blob HEAD holds for it? (git's blob id: SHA-1
    /// of `blob <length>\0` and the bytes; a repository of another hash is taken as changed.)
    fn as_committed(&self, path: &Path) -> bool {
        use sha1::Digest;
        let Some(id) = self.blobs.get(path) else {
            return false;
        };
        let Ok(bytes) = crate::safe_fs::read_regular(path, crate::source::load::MAX_GUIDE_BYTES)
        else {
            return false;
        };
        let mut h = sha1::Sha1::new();
        h.update(format!("blob {}\0", bytes.len()).as_bytes());
        h.update(&bytes);
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        hex == *id
    }
}

/// The output of a git command run in `dir`, if git is there and it succeeded.
///
/// The repository is untrusted (a pull request can bring a book that is one, with its own
/// `.git/config`): only commands that read the object store are run, never the work tree or
/// the index, and every setting through which git runs a program is overridden on the command
/// line, which beats the repository's config: fsmonitor, hooks, pager, signature checking, and
/// every transport (a partial clone would otherwise fetch a missing object through its remote,
/// `ext::` commands included).
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    const OVERRIDES: [&str; 11] = [
        "core.fsmonitor=false",
        "core.hooksPath=/dev/null",
        "core.pager=cat",
        "core.sshCommand=false",
        "core.gitProxy=",
        "core.askPass=false",
        "credential.helper=",
        "diff.external=",
        "gpg.program=false",
        "log.showSignature=false",
        "protocol.allow=never",
    ];
    let mut cmd = Command::new("git");
    cmd.arg("--no-pager").arg("-C").arg(dir);
    for o in OVERRIDES {
        cmd.arg("-c").arg(o);
    }
    for p in ["ext", "file", "ssh", "git", "http", "https", "fd"] {
        cmd.arg("-c").arg(format!("protocol.{p}.allow=never"));
    }
    let out = cmd
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_ALLOW_PROTOCOL", "none")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_PAGER")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
