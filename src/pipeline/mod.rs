//! Pipeline: the one home of check and build — open the book, load and validate every guide,
//! render every output into staging and swap it in. `build`, `watch` and `serve` all run it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod rebuild;
pub use rebuild::{Built, GuideRebuilt};

use crate::diag::{self, Code, Diagnostics, Sources};
use crate::variant::Variant;
use crate::{Book, Error, load, output, render, shown_path, validate};

impl Book {
    /// The book's languages, its own first (interface text, names, prefixes).
    pub fn languages(&self) -> Vec<crate::i18n::Language> {
        self.languages_and_gaps().0
    }

    /// [`Book::languages`], and the interface strings each language without a built-in table
    /// lacks.
    #[allow(clippy::type_complexity)]
    fn languages_and_gaps(&self) -> (Vec<crate::i18n::Language>, Vec<(String, Vec<String>)>) {
        let b = &self.config.book;
        let text = crate::i18n::BookText {
            language: &b.language,
            title: &b.title,
            description: b.description.as_deref(),
        };
        crate::i18n::languages(text, &self.config.languages)
    }

    /// W017 for each language whose interface text falls back to English.
    fn untranslated_strings(&self) -> Vec<diag::Diagnostic> {
        let shown = shown_path(&self.shown_root, Path::new(crate::config::CONFIG_FILE));
        self.languages_and_gaps()
            .1
            .into_iter()
            .map(|(code, missing)| {
                diag::Diagnostic::warning(
                    Code::W017,
                    &shown,
                    format!(
                        "`{code}` has no built-in interface text: {} of its strings are in English",
                        missing.len()
                    ),
                )
                .help(format!(
                    "give them in `[languages.{code}.strings]`: {}",
                    missing.join(", ")
                ))
            })
            .collect()
    }

    /// Loads and validates every guide, for the first selected profile. Errors in the content
    /// are in the returned diagnostics; `Err` is for failures that are not the content's fault.
    pub fn check(&self) -> Result<Checked, Error> {
        let loaded = timed("load", || {
            load::load_all(&self.root, &self.shown_root, &self.src)
        })?;
        Ok(self.check_loaded(loaded, &self.variant()))
    }

    /// [`Book::check`] for every selected profile, loading the guides once.
    pub fn check_each(&self) -> Result<Vec<(Variant, Checked)>, Error> {
        let loaded = timed("load", || {
            load::load_all(&self.root, &self.shown_root, &self.src)
        })?;
        let mut out = Vec::with_capacity(self.variants.len());
        let mut loaded = Some(loaded);
        for (i, v) in self.variants.iter().enumerate() {
            let this = if i + 1 == self.variants.len() {
                loaded.take().unwrap_or_default()
            } else {
                loaded.clone().unwrap_or_default()
            };
            out.push((v.clone(), self.check_loaded(this, v)));
        }
        Ok(out)
    }

    fn check_loaded(&self, loaded: load::Loaded, v: &Variant) -> Checked {
        use rayon::prelude::*;
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(loaded.diagnostics);
        diagnostics.extend(self.untranslated_strings());
        let guides = timed("variant", || {
            let (guides, diags): (Vec<_>, Vec<_>) = loaded
                .guides
                .into_par_iter()
                .map(|g| crate::variant::apply(g, v))
                .unzip();
            diagnostics.extend(diags.into_iter().flatten());
            guides
        });
        let mut checked = timed("validate", || {
            validate::validate(
                guides,
                &self.root,
                &self.src,
                &validate::Languages::of(&self.config),
            )
        });
        diagnostics.extend(std::mem::take(&mut checked.diagnostics));
        if checked.guides.is_empty() && !diagnostics.has_errors() {
            diagnostics.push(
                diag::Diagnostic::warning(
                    Code::W010,
                    shown_path(&self.shown_root, &self.config.book.src),
                    "no guides found",
                )
                .help(
                    "add a guide file (`*.yaml`) to this folder; `stepbook init` writes an example",
                ),
            );
        }
        diagnostics.sort();
        Checked {
            book: checked,
            diagnostics,
            sources: loaded.sources,
        }
    }
}

/// The result of loading and validating a book.
#[derive(Debug)]
pub struct Checked {
    pub book: validate::Checked,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

impl Checked {
    /// Turns the diagnostics into an error when they should stop the command.
    pub fn fail_on(self, deny_warnings: bool) -> Result<Checked, Error> {
        let (diagnostics, sources) = stop_on(self.diagnostics, self.sources, deny_warnings)?;
        Ok(Checked {
            book: self.book,
            diagnostics,
            sources,
        })
    }
}

/// Problems as the error that stops a command (errors, or any warning with `deny_warnings`),
/// or given back when they do not.
pub fn stop_on(
    diagnostics: Diagnostics,
    sources: Sources,
    deny_warnings: bool,
) -> Result<(Diagnostics, Sources), Error> {
    if diagnostics.has_errors() || (deny_warnings && !diagnostics.is_empty()) {
        Err(Error::Content {
            diagnostics,
            sources,
        })
    } else {
        Ok((diagnostics, sources))
    }
}

/// The problems of the checks of several profiles as one list (a problem they share, once,
/// in order), with the texts they point into.
pub fn merged(all: &[(Variant, Checked)]) -> (Diagnostics, Sources) {
    let mut diagnostics = Diagnostics::default();
    let mut sources = Sources::default();
    for (_, c) in all {
        diagnostics.extend(c.diagnostics.iter().cloned());
        sources.extend(c.sources.clone());
    }
    diagnostics.sort();
    (diagnostics, sources)
}

/// Options of `stepbook build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder; default: `build-dir` from book.toml, relative to the book.
    pub dest_dir: Option<PathBuf>,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
}

/// What a build wrote.
#[derive(Debug)]
pub struct BuildReport {
    pub dest: PathBuf,
    pub guides: usize,
    pub files: usize,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

/// Validates the book and writes every configured output into the destination, replacing the
/// previous output only when everything succeeded.
///
/// With several profiles selected, each is written into its own folder, `<dest>/<profile>/`,
/// all in one swap; the guides are loaded once.
pub fn build(book: &Book, opts: &BuildOptions) -> Result<BuildReport, Error> {
    if book.variants.len() > 1 {
        return build_profiles(book, opts);
    }
    build_kept(book, opts).map(|(report, _)| report)
}

/// [`build`] of several profiles.
fn build_profiles(book: &Book, opts: &BuildOptions) -> Result<BuildReport, Error> {
    let all = book.check_each()?;
    let (all_diagnostics, sources) = merged(&all);
    let (mut diagnostics, sources) = stop_on(all_diagnostics, sources, opts.deny_warnings)?;
    let dest = book.dest(opts.dest_dir.as_deref());
    output::guard_dest(&dest, book, opts.dest_dir.is_none())?;
    let engine = render::Engine::new(book)?;
    let staging = output::Staging::new(&dest)?;
    let mut written = HashSet::new();
    let mut guides = 0;
    for (v, c) in all {
        let name = v.profile.clone().unwrap_or_default();
        let whole = staging.target();
        let dir = whole.dir.join(&name);
        let previous = whole.previous.map(|p| p.join(&name));
        let target = output::Target {
            dir: &dir,
            previous: previous.as_deref(),
            in_place: whole.in_place,
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("failed to create `{}`: {e}", dir.display()))?;
        guides += c.book.guides.len();
        let files = timed("render", || write_all(book, c.book, &engine, target, &v))?;
        written.extend(files.written.iter().map(|f| format!("{name}/{f}")));
        diagnostics.extend(files.guides.iter().flat_map(|g| g.warnings.iter().cloned()));
    }
    timed("prune", || staging.prune(&written))?;
    timed("swap", || staging.commit())?;
    diagnostics.sort();
    Ok(BuildReport {
        dest,
        guides,
        files: written.len(),
        diagnostics,
        sources,
    })
}

/// [`build`], also keeping what a watcher needs to rebuild one guide at a time later: the
/// templates, each guide's pages and the folders of the screenshots used.
pub fn build_kept(book: &Book, opts: &BuildOptions) -> Result<(BuildReport, Built), Error> {
    let Checked {
        book: checked,
        mut diagnostics,
        sources,
    } = book.check()?.fail_on(opts.deny_warnings)?;
    let guides = checked.guides.len();
    let mut asset_dirs: Vec<PathBuf> = checked
        .assets
        .iter()
        .filter_map(|a| a.path.parent().map(Path::to_path_buf))
        .collect();
    asset_dirs.sort();
    asset_dirs.dedup();
    let dest = book.dest(opts.dest_dir.as_deref());
    output::guard_dest(&dest, book, opts.dest_dir.is_none())?;
    let engine = render::Engine::new(book)?;
    let staging = output::Staging::new(&dest)?;
    let variant = book.variant();
    let files = timed("render", || {
        write_all(book, checked, &engine, staging.target(), &variant)
    })?;
    timed("prune", || staging.prune(&files.written))?;
    timed("swap", || staging.commit())?;
    diagnostics.extend(files.guides.iter().flat_map(|g| g.warnings.iter().cloned()));
    diagnostics.sort();
    let report = BuildReport {
        dest: dest.clone(),
        guides,
        files: files.written.len(),
        diagnostics,
        sources,
    };
    let built = Built::new(book.clone(), dest, engine, files.guides, asset_dirs);
    Ok((report, built))
}

/// What a build wrote.
struct Written {
    /// Every file, relative to the output folder with `/`.
    written: HashSet<String>,
    /// Each guide's pages, in book order.
    guides: Vec<render::GuideOut>,
}

/// Renders every configured output of the checked book into the target: each guide's files are
/// rendered and written in one pass, in parallel across guides, and each guide's model is
/// dropped as soon as its files are written (which keeps the peak memory of a big book down).
fn write_all(
    book: &Book,
    checked: validate::Checked,
    engine: &render::Engine,
    target: output::Target,
    variant: &Variant,
) -> Result<Written, Error> {
    let languages = book.languages();
    let first = render::Pages::new(book, engine, variant, &languages[0]);
    for folder in first.folders() {
        let p = target.dir.join(folder);
        std::fs::create_dir_all(&p)
            .map_err(|e| anyhow::anyhow!("failed to create `{}`: {e}", p.display()))?;
    }
    let assets = &checked.assets;
    let (groups, alternates) = by_language(checked.guides, &languages);
    let mut guides = Vec::new();
    let mut problems = Vec::new();
    let mut written: HashSet<String> = HashSet::new();
    let all: Vec<render::Alternate> = if languages.len() > 1 {
        languages.iter().map(render::Alternate::of).collect()
    } else {
        Vec::new()
    };
    for (lang, group) in languages.iter().zip(groups) {
        let pages = render::Pages::new(book, engine, variant, lang);
        let (outs, mut failed) = write_language(&pages, group, assets, &alternates, target)?;
        if !failed.is_empty() {
            problems.append(&mut failed);
            continue;
        }
        let files = pages
            .shared_files(outs.iter().map(|g| &g.card), assets, &all)
            .map_err(|d| pages.content_error(vec![*d]))?;
        written.extend(files.iter().map(|f| f.to().to_owned()));
        output::write_files(target, files)?;
        guides.extend(outs);
    }
    if !problems.is_empty() {
        return Err(first.content_error(problems));
    }
    let files = first
        .site_files(guides.iter().map(|g| &g.card), assets)
        .map_err(|d| first.content_error(vec![*d]))?;
    written.extend(guides.iter().flat_map(|g| g.files.iter().cloned()));
    written.extend(files.iter().map(|f| f.to().to_owned()));
    output::write_files(target, files)?;
    Ok(Written { written, guides })
}

/// Guides checked, grouped by language (in the book's order of languages, each group in book
/// order); and for each guide id, the languages it is written in (empty in a book of one
/// language).
#[allow(clippy::type_complexity)]
fn by_language(
    guides: Vec<(load::LoadedGuide, validate::Resolved)>,
    languages: &[crate::i18n::Language],
) -> (
    Vec<Vec<(load::LoadedGuide, validate::Resolved)>>,
    std::collections::HashMap<String, Vec<render::Alternate>>,
) {
    let index = |g: &load::LoadedGuide| {
        g.lang
            .as_deref()
            .and_then(|l| languages.iter().position(|x| x.code == l))
            .unwrap_or(0)
    };
    let mut alternates: std::collections::HashMap<String, Vec<usize>> = Default::default();
    let mut groups: Vec<Vec<_>> = languages.iter().map(|_| Vec::new()).collect();
    for (g, r) in guides {
        let i = index(&g);
        if languages.len() > 1 {
            alternates.entry(r.id.clone()).or_default().push(i);
        }
        groups[i].push((g, r));
    }
    let alternates = alternates
        .into_iter()
        .map(|(id, mut langs)| {
            langs.sort_unstable();
            langs.dedup();
            let list = langs
                .into_iter()
                .map(|i| render::Alternate::of(&languages[i]))
                .collect();
            (id, list)
        })
        .collect();
    (groups, alternates)
}

/// Renders and writes the guides of one language, in parallel; each guide's model is dropped
/// once its files are written. Returns their pages, or the template problems that stopped
/// them; an I/O failure stops the build.
fn write_language(
    pages: &render::Pages,
    group: Vec<(load::LoadedGuide, validate::Resolved)>,
    assets: &[validate::Asset],
    alternates: &std::collections::HashMap<String, Vec<render::Alternate>>,
    target: output::Target,
) -> Result<(Vec<render::GuideOut>, Vec<diag::Diagnostic>), Error> {
    use rayon::prelude::*;
    // Each page links the one before and after it in its language.
    let order: Vec<render::NavLink> = group
        .iter()
        .map(|(g, r)| render::NavLink::of(g, r))
        .collect();
    let results: Vec<anyhow::Result<Result<render::GuideOut, Vec<diag::Diagnostic>>>> = group
        .into_par_iter()
        .enumerate()
        .map(|(i, (g, r))| {
            let mut nav = render::Neighbours::at(&order, i);
            nav.languages = alternates.get(&r.id).cloned().unwrap_or_default();
            match pages.guide(&g, &r, assets, &nav) {
                Ok((out, files)) => output::write_files(target, files).map(|()| Ok(out)),
                Err(d) => Ok(Err(d)),
            }
        })
        .collect();
    let mut outs = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r? {
            Ok(out) => outs.push(out),
            Err(d) => problems.extend(d),
        }
    }
    Ok((outs, problems))
}

/// Stage timings recorded by [`timed`], for the caller to print.
static TIMINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The timings recorded so far (`timing: load: 80.1ms (peak memory so far: …)`), taken.
pub fn take_timings() -> Vec<String> {
    std::mem::take(&mut *TIMINGS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Runs `f`; with `STEPBOOK_TIMINGS` set, records how long it took and the peak memory so far
/// (for profiling; `stepbook` prints them to stderr when it exits).
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    static ON: OnceLock<bool> = OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("STEPBOOK_TIMINGS").is_some()) {
        return f();
    }
    let start = std::time::Instant::now();
    let out = f();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_owned())
        })
        .unwrap_or_default();
    let line = format!(
        "timing: {stage}: {:.1?} (peak memory so far: {hwm})",
        start.elapsed()
    );
    TIMINGS.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    out
}
