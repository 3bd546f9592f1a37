//! Watch: notices changes to book.toml, the guides, templates, themes and screenshots
//! (notify, debounced ~100 ms; a polling fallback) and rebuilds what they touch. A problem never
//! stops the loop: the last good output stays, the problem is reported, the next good build
//! replaces it.

mod session;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

pub use session::{Rebuilt, Session};

use crate::error::Error;

/// How long file events are gathered before a rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// More guides than this changed at once (a checkout, a search and replace) are one full
/// build, not as many rebuilds of one guide: each of those rewrites the index, so in a book
/// of 10,000 guides one costs ~200 ms and a full build ~4 s.
pub const FULL_REBUILD_AT: usize = 16;

/// Options of `watch` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// Poll the file system instead of relying on its events (network drives, containers).
    pub poll: bool,
    /// Write the output here instead of `build-dir`.
    pub dest_dir: Option<PathBuf>,
    /// The profile and variables to render with.
    pub selection: crate::book::Selection,
}

/// What a batch of changed paths calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// book.toml, a template, a theme file or a screenshot: rebuild everything.
    Full,
    /// These guide files changed (edited, created or deleted).
    Guides(BTreeSet<PathBuf>),
    /// Nothing stepbook reads (editor temp files, the output itself).
    Nothing,
}

pub use crate::layout::is_editor_temp;

fn is_image(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" | "avif"
        )
    })
}

/// Sorts changed paths into what to rebuild. `dest` is the output folder (ignored).
pub fn classify(paths: &[PathBuf], root: &Path, src: &Path, dest: &Path) -> Change {
    let mut guides = BTreeSet::new();
    let spare = crate::layout::spare_of(dest);
    for p in paths {
        if p.starts_with(dest) || p.starts_with(&spare) || is_editor_temp(p) {
            continue;
        }
        // Hidden folders of the book (.git, our staging folders) are not content.
        let rel = p.strip_prefix(root).unwrap_or(p);
        if rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if p.starts_with(src) && crate::source::load::is_guide_file(p) {
            guides.insert(p.clone());
        } else if p == &root.join(crate::config::CONFIG_FILE)
            || p.starts_with(root.join(crate::layout::TEMPLATES_DIR))
            || p.starts_with(root.join(crate::layout::THEMES_DIR))
            || is_image(p)
        {
            // A screenshot may be used by any guide (its size is in the pages): rebuild all.
            return Change::Full;
        }
    }
    if guides.is_empty() {
        Change::Nothing
    } else {
        Change::Guides(guides)
    }
}

/// A file watcher on the folders a book reads, with its own debounce.
///
/// notify-debouncer-mini was tried first: it reports paths without event kinds, and inotify
/// reports every *open* of a watched file, so each build's own reads of book.toml and the guides
/// triggered the next build, forever. Here reads (access events) and metadata-only changes are
/// dropped before debouncing.
pub struct Watcher {
    watcher: Box<dyn notify::Watcher + Send>,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<PathBuf>,
}

fn relevant(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}

impl Watcher {
    pub fn new(poll: bool) -> anyhow::Result<Watcher> {
        let (tx, events) = mpsc::channel();
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        let watcher: Box<dyn notify::Watcher + Send> = if poll {
            Box::new(notify::PollWatcher::new(tx, config)?)
        } else {
            Box::new(notify::RecommendedWatcher::new(tx, config)?)
        };
        Ok(Watcher {
            watcher,
            events,
            watched: BTreeSet::new(),
        })
    }

    /// Starts watching `path`; `true` if it was not watched before. A folder that does not
    /// exist (now) is not watched: [`Watcher::follow`] after a later batch picks it up.
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> anyhow::Result<bool> {
        if self.watched.contains(path) || !path.is_dir() {
            return Ok(false);
        }
        self.watched.insert(path.to_path_buf());
        self.watcher
            .watch(path, mode)
            .map_err(|e| anyhow::anyhow!("failed to watch `{}`: {e}", path.display()))?;
        Ok(true)
    }

    /// Watches what the book reads: its folder (book.toml; new templates/ or themes/), the
    /// guides folder, templates/, themes/ and the folders of screenshots outside the guides
    /// folder. Returns whether a folder that existed before the last build started being watched
    /// only now (its files may have changed unseen).
    pub fn follow(
        &mut self,
        book: Option<&crate::book::Book>,
        asset_dirs: &[PathBuf],
    ) -> anyhow::Result<bool> {
        let Some(book) = book else {
            return Ok(false);
        };
        let first = self.watched.is_empty();
        let mut added = self.watch(&book.root.clone(), RecursiveMode::NonRecursive)?;
        added |= self.watch(&book.src.clone(), RecursiveMode::Recursive)?;
        for sub in [crate::layout::TEMPLATES_DIR, crate::layout::THEMES_DIR] {
            let p = book.root.join(sub);
            if p.is_dir() {
                added |= self.watch(&p, RecursiveMode::Recursive)?;
            }
        }
        for dir in asset_dirs.iter().filter(|d| !d.starts_with(&book.src)) {
            // A screenshot folder is watched as long as it exists; new screenshot folders
            // are picked up after the next full build.
            self.watch(dir, RecursiveMode::NonRecursive)?;
        }
        Ok(added && !first)
    }

    /// Stops watching folders whose watch may be gone (see [`Batch::replaced`]), so that
    /// [`Watcher::follow`] watches them again where they are now.
    pub fn forget(&mut self, paths: &[PathBuf]) {
        for p in paths {
            if self.watched.remove(p) {
                let _ = self.watcher.unwatch(p);
            }
        }
    }

    /// Waits up to `timeout` for a change, then gathers changes until none came for
    /// [`DEBOUNCE`]. Returns the changed paths (empty after a quiet `timeout`), or `None` when
    /// the watcher stopped. A watcher error (the kernel's event queue overflowed, a watch was
    /// lost) means changes may have been missed: [`Batch::missed`], which rebuilds everything.
    pub fn next(&self, timeout: Duration) -> Option<Batch> {
        let mut paths = BTreeSet::new();
        let mut replaced = BTreeSet::new();
        let mut missed = false;
        let mut wait = timeout;
        loop {
            match self.events.recv_timeout(wait) {
                Ok(Ok(event)) => {
                    if relevant(&event.kind) {
                        if replaces(&event.kind) {
                            let hit = event.paths.iter().filter(|p| self.watched.contains(*p));
                            replaced.extend(hit.cloned());
                        }
                        paths.extend(event.paths);
                        wait = DEBOUNCE;
                    }
                }
                Ok(Err(_)) => {
                    missed = true;
                    wait = DEBOUNCE;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(Batch {
            paths: paths.into_iter().collect(),
            missed,
            replaced: replaced.into_iter().collect(),
        })
    }
}

/// The changes one debounced wait gathered.
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// The watcher reported an error: changes may have been missed.
    pub missed: bool,
    /// Watched folders that were created, removed or renamed (`rm -rf content && mkdir
    /// content`, a move away and back): inotify's watch of such a folder is gone (notify drops
    /// it), and the folder seen now, if any, is not watched.
    pub replaced: Vec<PathBuf>,
}

/// Does an event of this kind end the watch of the folder it names?
fn replaces(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    )
}

/// Runs the watch loop until `stop` returns true: a full build first, then a rebuild per batch
/// of changes. Every outcome (good or bad) is passed to `report`.
pub fn run(
    dir: &Path,
    opts: &WatchOptions,
    mut report: impl FnMut(&Result<Rebuilt, Error>),
    stop: impl Fn() -> bool,
) -> Result<(), Error> {
    // A build stopped because we are stopping (Ctrl-C cancels the renders under way) is no
    // error of the book: it is not reported.
    let mut report = move |outcome: &Result<Rebuilt, Error>| {
        if outcome.is_ok() || !crate::render::cancelled() {
            report(outcome);
        }
    };
    let mut session = Session::new(dir, opts.dest_dir.clone(), opts.selection.clone());
    let mut watcher = Watcher::new(opts.poll)?;
    // Watch before the first build, so no change made while it runs is missed. Without a
    // readable book.toml there is nothing to watch but the folder itself.
    let root = std::fs::canonicalize(dir)
        .map_err(|e| anyhow::anyhow!("failed to open `{}`: {e}", dir.display()))?;
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    watcher.follow(
        crate::book::Book::open_with(dir, &opts.selection)
            .ok()
            .as_ref(),
        &[],
    )?;
    let first = session.full();
    watcher.follow(session.book(), session.asset_dirs())?;
    report(&first);
    while !stop() {
        let Some(Batch {
            paths,
            missed,
            replaced,
        }) = watcher.next(Duration::from_millis(200))
        else {
            break;
        };
        if paths.is_empty() && !missed {
            continue;
        }
        // A folder of the book deleted and made again, or moved away and back, is watched
        // anew; what was written into it before that is seen by a full build.
        watcher.forget(&replaced);
        let back = watcher.follow(session.book(), session.asset_dirs())? || !replaced.is_empty();
        let change = match session.book() {
            _ if missed || back => Change::Full,
            Some(book) => classify(
                &paths,
                &book.root,
                &book.src,
                &session.dest().unwrap_or_default(),
            ),
            None => Change::Full,
        };
        match change {
            Change::Nothing => {}
            Change::Full => {
                report(&session.full());
                // A folder created just now (templates/, a new src) may have received files
                // before its watch was in place: build once more to include them.
                if watcher.follow(session.book(), session.asset_dirs())? {
                    report(&session.full());
                }
            }
            Change::Guides(guides) if guides.len() > FULL_REBUILD_AT => report(&session.full()),
            Change::Guides(guides) => {
                for g in guides {
                    if stop() {
                        break;
                    }
                    report(&session.guide(&g));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let root = Path::new("/tmp/.tmpX/b");
        let (src, dest) = (root.join("content"), root.join("book"));
        let c = |p: &str| {
            let p = p.replace("/b/", "/tmp/.tmpX/b/");
            match classify(&[PathBuf::from(&p)], root, &src, &dest) {
                Change::Guides(g) => Change::Guides(
                    g.into_iter()
                        .map(|p| PathBuf::from(p.to_string_lossy().replace("/tmp/.tmpX", "")))
                        .collect(),
                ),
                other => other,
            }
        };
        assert_eq!(
            c("/b/content/a.yaml"),
            Change::Guides([PathBuf::from("/b/content/a.yaml")].into())
        );
        assert_eq!(c("/b/content/.a.yaml.swp"), Change::Nothing);
        assert_eq!(c("/b/content/a.yaml~"), Change::Nothing);
        assert_eq!(c("/b/content/4913"), Change::Nothing);
        assert_eq!(c("/b/book/html/index.html"), Change::Nothing);
        assert_eq!(c("/b/.book.stepbook-spare/x"), Change::Nothing);
        assert_eq!(c("/b/.git/index"), Change::Nothing);
        assert_eq!(c("/b/book.toml"), Change::Full);
        assert_eq!(c("/b/templates/guide.html"), Change::Full);
        assert_eq!(c("/b/themes/default/style.css"), Change::Full);
        assert_eq!(c("/b/content/img/shot.png"), Change::Full);
        assert_eq!(c("/b/README.md"), Change::Nothing);
        assert_eq!(
            c("/b/content/sedX1b2c3"),
            Change::Nothing,
            "sed -i's temporary file"
        );
    }
}
