//! What the language server holds between messages: the documents the editor has open (their
//! unsaved text), a [`Project`] per book (its guides read on a thread when it is first needed),
//! and each open document's check, a [`Slot`]: an immutable snapshot of what the check needs,
//! checked once (on whichever worker thread asks first) and shared by every request about the
//! document until the next edit replaces the slot.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use super::{Checked, Index, Project};
use crate::config::{CONFIG_FILE, ConfigError};
use crate::diag::Diagnostic;

/// An open document as checked now.
pub struct Analysis {
    pub text: String,
    /// The problems `check` finds in it (for book.toml: the configuration's).
    pub diags: Vec<Diagnostic>,
    /// The guide, when it parsed (never for book.toml).
    pub guide: Option<Checked>,
    /// Where the text's lines start: every position told (problems, the outline) is found
    /// from it, not counted from the start of the text.
    pub lines: crate::diag::LineIndex,
}

/// A book's project, or why it could not be opened (book.toml's problems, at its lines). The
/// project is shared with the checks in flight; changed, it is copied if one still holds it.
type Opened = Result<Arc<Project>, Vec<Diagnostic>>;

/// The open documents' texts as the editor has them (unsaved).
#[derive(Default, Clone)]
pub struct Docs(HashMap<PathBuf, Arc<str>>);

/// One document's check: made at most once, by the first thread that asks, from the snapshot
/// taken when the slot was made. An edit replaces the slot; a check of the old one finishes
/// for nothing (its result is told to no one).
pub struct Slot {
    cell: OnceLock<Arc<Analysis>>,
    /// What the check needs, let go once it is made (so the project is not kept from changes).
    inputs: Mutex<Option<Arc<Inputs>>>,
}

struct Inputs {
    path: PathBuf,
    text: Arc<str>,
    project: Opened,
    docs: Docs,
}

#[derive(Default)]
pub struct Workspace {
    docs: Docs,
    projects: HashMap<PathBuf, Opened>,
    checked: HashMap<PathBuf, Arc<Slot>>,
    /// The books whose guides are being read, on other threads.
    reading: HashMap<PathBuf, mpsc::Receiver<Index>>,
    /// Guides edited since the last [`Workspace::poll`]: what their book knows of them is
    /// brought up to date there, once for a burst of edits, not on every key.
    edited: std::collections::BTreeSet<PathBuf>,
}

impl Workspace {
    /// The editor opened or changed a document: the documents whose problems may have changed.
    /// For a guide that is itself (the others of its book follow from [`Workspace::poll`]);
    /// for book.toml, every open document of the book.
    pub fn set(&mut self, path: &Path, text: &str) -> Vec<PathBuf> {
        self.docs.0.insert(path.to_path_buf(), Arc::from(text));
        if is_config(path) {
            return self.touched(path);
        }
        self.checked.remove(path);
        self.edited.insert(path.to_path_buf());
        vec![path.to_path_buf()]
    }

    /// The editor closed a document: it is the file on disk again. The last one of a book
    /// closed, the book is forgotten (memory stays bounded by what is open).
    pub fn close(&mut self, path: &Path) -> Vec<PathBuf> {
        self.docs.0.remove(path);
        self.checked.remove(path);
        self.edited.remove(path);
        if let Some(root) = root_of(path)
            && !self.docs.0.keys().any(|d| d.starts_with(&root))
        {
            self.projects.remove(&root);
            self.reading.remove(&root);
            return Vec::new();
        }
        let mut out = self.touched(path);
        out.retain(|p| p != path);
        out
    }

    /// A file changed on disk (a checkout, another program); an open document's unsaved text
    /// still counts for it. The open documents to check again.
    pub fn changed_on_disk(&mut self, path: &Path) -> Vec<PathBuf> {
        if self.docs.0.contains_key(path) {
            return Vec::new();
        }
        let mut out = self.touched(path);
        out.retain(|p| p != path);
        out
    }

    /// Forgets the checks `path`'s change may have changed and returns the open documents to
    /// check again: this one; the book's others if book.toml changed or this guide's id,
    /// language or place did (duplicate ids); else its family's (a translation's source).
    fn touched(&mut self, path: &Path) -> Vec<PathBuf> {
        let Some(root) = root_of(path) else {
            self.checked.remove(path);
            return vec![path.to_path_buf()];
        };
        let mut all = is_config(path);
        let mut family = None;
        if all {
            self.projects.remove(&root);
        } else if let Some(Ok(p)) = self.projects.get_mut(&root) {
            let p = Arc::make_mut(p);
            let before = p.family(path);
            all = match self.docs.0.get(path) {
                Some(text) => p.update(path, text),
                // As the build reads guides: a link, a FIFO or a huge file is no guide (never
                // waited on nor read whole).
                None => match crate::source::load::read_guide(path) {
                    Some(text) => p.update(path, &text),
                    None => {
                        p.remove(path);
                        true
                    }
                },
            };
            family = before.or_else(|| p.family(path));
        }
        let project = self.projects.get(&root).and_then(|p| p.as_ref().ok());
        let mut mine: Vec<PathBuf> = self
            .docs
            .0
            .keys()
            .filter(|p| p.starts_with(&root))
            .filter(|p| all || family.is_some() && project.and_then(|pr| pr.family(p)) == family)
            .cloned()
            .chain(std::iter::once(path.to_path_buf()))
            .collect();
        for p in &mine {
            self.checked.remove(p);
        }
        mine.sort();
        mine.dedup();
        mine.retain(|p| self.docs.0.contains_key(p));
        mine
    }

    /// The book a document is in (opened once, with book.toml's unsaved text if it is open).
    pub fn project(&mut self, path: &Path) -> Option<&Arc<Project>> {
        let root = root_of(path)?;
        if !self.projects.contains_key(&root) {
            let config = root.join(CONFIG_FILE);
            let text = match self.docs.0.get(&config) {
                Some(t) => t.to_string(),
                None => read_config(&config)?,
            };
            let opened = Project::open(&root, &text).map_err(|e| match e {
                crate::error::Error::Config(ConfigError::Invalid { diagnostics, .. }) => {
                    diagnostics.items
                }
                crate::error::Error::Config(c) => {
                    vec![Diagnostic::error(
                        crate::diag::Code::E101,
                        &config,
                        c.to_string(),
                    )]
                }
                other => vec![Diagnostic::error(
                    crate::diag::Code::E101,
                    &config,
                    other.render(false).trim_start_matches("error: ").trim_end(),
                )],
            });
            if let Ok(p) = &opened {
                // The book's guides are read on a thread: requests are answered meanwhile.
                let (tx, rx) = mpsc::channel();
                let job = p.reader();
                std::thread::spawn(move || {
                    let _ = tx.send(job());
                });
                self.reading.insert(root.clone(), rx);
            }
            self.projects.insert(root.clone(), opened.map(Arc::new));
        }
        self.projects.get(&root)?.as_ref().ok()
    }

    /// Brings what the books know of the guides edited since the last call up to date, and
    /// takes what the readers of books have read: the open documents to check again.
    pub fn poll(&mut self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for path in std::mem::take(&mut self.edited) {
            out.extend(self.touched(&path));
        }
        let mut done = Vec::new();
        self.reading.retain(|root, rx| match rx.try_recv() {
            Ok(index) => {
                done.push((root.clone(), index));
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            // The reader failed: the book is known from its open guides alone.
            Err(mpsc::TryRecvError::Disconnected) => {
                done.push((root.clone(), Index::default()));
                false
            }
        });
        for (root, index) in done {
            let Some(Ok(p)) = self.projects.get_mut(&root) else {
                continue;
            };
            let p = Arc::make_mut(p);
            p.install(index);
            for (doc, text) in &self.docs.0 {
                if doc.starts_with(&root) && !is_config(doc) {
                    p.update(doc, text);
                    self.checked.remove(doc);
                    out.push(doc.clone());
                }
            }
        }
        out
    }

    /// Whether the document at `path` is in a book: a book.toml in its folder or above.
    pub fn in_book(&self, path: &Path) -> bool {
        root_of(path).is_some()
    }

    /// Can the problems of the document at `path` be told: is its book known whole (or not a
    /// book at all)?
    pub fn is_ready(&mut self, path: &Path) -> bool {
        self.project(path).is_none_or(|p| p.is_complete())
    }

    /// An open document, checked as it is now (once per text), on this thread.
    pub fn analysis(&mut self, path: &Path) -> Option<Arc<Analysis>> {
        self.slot(path).map(|s| s.analysis())
    }

    /// An open document's check, to be made (or taken, if it is made) on any thread; the same
    /// slot until the document or what its check sees changes. `None` for a document that is
    /// not open or is in no book.
    pub fn slot(&mut self, path: &Path) -> Option<Arc<Slot>> {
        if let Some(s) = self.checked.get(path) {
            return Some(s.clone());
        }
        let text = self.docs.0.get(path)?.clone();
        self.project(path);
        let project = self.projects.get(&root_of(path)?)?.clone();
        let inputs = Inputs {
            path: path.to_path_buf(),
            text,
            project,
            docs: self.docs.clone(),
        };
        let slot = Arc::new(Slot {
            cell: OnceLock::new(),
            inputs: Mutex::new(Some(Arc::new(inputs))),
        });
        self.checked.insert(path.to_path_buf(), slot.clone());
        Some(slot)
    }

    /// Is `slot` still the check of the document at `path` (no edit since it was made)?
    pub fn is_current(&self, path: &Path, slot: &Arc<Slot>) -> bool {
        self.checked.get(path).is_some_and(|s| Arc::ptr_eq(s, slot))
    }

    /// An open document's text as the editor last sent it (the same `Arc` until it sends
    /// another), `None` for a document that is not open.
    pub fn open_text(&self, path: &Path) -> Option<Arc<str>> {
        self.docs.0.get(path).cloned()
    }

    /// The open documents' texts now, for a worker.
    pub fn docs(&self) -> Docs {
        self.docs.clone()
    }

    /// A file's text as the editor has it (unsaved) or as it is on disk.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.docs.text(path)
    }
}

impl Docs {
    /// A file's text as the editor has it (unsaved) or as it is on disk (read as the build
    /// reads it: book.toml as a config, anything else as a guide).
    pub fn text(&self, path: &Path) -> Option<String> {
        match self.0.get(path) {
            Some(t) => Some(t.to_string()),
            None if is_config(path) => read_config(path),
            None => crate::source::load::read_guide(path).map(|t| t.to_string()),
        }
    }
}

impl Slot {
    /// The document's check, made now if no thread has made it yet (a thread that asks while
    /// another makes it waits for that one).
    pub fn analysis(&self) -> Arc<Analysis> {
        self.cell
            .get_or_init(|| {
                let inputs = self
                    .inputs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                // Taken only after the check is made: a check that panicked leaves them for
                // the next try.
                let a = inputs.as_deref().map_or_else(Analysis::empty, analyse);
                *self.inputs.lock().unwrap_or_else(|e| e.into_inner()) = None;
                Arc::new(a)
            })
            .clone()
    }
}

impl Analysis {
    fn empty() -> Analysis {
        Analysis {
            text: String::new(),
            diags: Vec::new(),
            guide: None,
            lines: crate::diag::LineIndex::new(""),
        }
    }
}

/// A document checked from a snapshot: `check`'s problems, with its book as the snapshot saw it.
fn analyse(inputs: &Inputs) -> Analysis {
    let Inputs {
        path,
        text,
        project,
        docs,
    } = inputs;
    let path = path.as_path();
    let (diags, guide) = match project {
        Err(problems) if is_config(path) => (problems.clone(), None),
        // `check` stops at book.toml's problems; so does the guide, pointing at them.
        Err(problems) => {
            let d = problems.first().map(|first| {
                Diagnostic::new(first.code, path, format!("book.toml: {}", first.message))
                    .at(0..0)
                    .help("the book's configuration has problems: fix book.toml first")
            });
            (d.into_iter().collect(), None)
        }
        Ok(_) if is_config(path) => (Vec::new(), None),
        // Other YAML of the book's folder (a CI workflow) is no guide: nothing to say.
        Ok(p) if !p.is_guide(path) => (Vec::new(), None),
        Ok(p) => {
            let unsaved = |p: &Path| docs.0.get(p).cloned();
            p.check(path, text, &unsaved)
        }
    };
    let lines = crate::diag::LineIndex::new(text);
    Analysis {
        text: text.to_string(),
        diags,
        guide,
        lines,
    }
}

fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == CONFIG_FILE)
}

/// book.toml's text as `check` reads it: a regular file of at most 1 MiB (a FIFO or
/// `/dev/zero` is refused, not waited on or read whole).
fn read_config(path: &Path) -> Option<String> {
    crate::safe_fs::read_regular_text(path, crate::config::MAX_CONFIG_BYTES).ok()
}

/// The book a file is in: the nearest folder above it with a book.toml (book.toml's own).
fn root_of(path: &Path) -> Option<PathBuf> {
    if is_config(path) {
        return path.parent().map(Path::to_path_buf);
    }
    path.ancestors()
        .skip(1)
        .find(|d| d.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An edit replaces a document's slot: a check of the old one (still running on a worker)
    /// is of the old text, and is no longer current, so its problems are not told.
    #[test]
    fn an_edit_makes_the_old_check_stale() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join(CONFIG_FILE), "[book]\ntitle = \"T\"\n").unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let path = root.join("content/a.yaml");
        let good = "title: A\nsections:\n  - title: S\n    steps:\n      - text: Go.\n";
        let bad = good.replace("text: Go.", "text: Go.\n        wait: 5 parsecs");
        std::fs::write(&path, good).unwrap();
        let mut ws = Workspace::default();
        ws.set(&path, &bad);
        let old = ws.slot(&path).unwrap();
        assert!(ws.is_current(&path, &old));
        assert!(
            Arc::ptr_eq(&old, &ws.slot(&path).unwrap()),
            "one check per text"
        );
        ws.set(&path, good);
        let new = ws.slot(&path).unwrap();
        assert!(!ws.is_current(&path, &old) && ws.is_current(&path, &new));
        // Each is checked from its own snapshot, whenever a worker gets to it.
        let codes = |s: &Slot| -> Vec<&'static str> {
            s.analysis().diags.iter().map(|d| d.code.as_str()).collect()
        };
        assert_eq!(codes(&new), Vec::<&str>::new());
        assert_eq!(codes(&old), ["E007"]);
        ws.close(&path);
        assert!(!ws.is_current(&path, &new));
    }
}
