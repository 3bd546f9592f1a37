//! Pipeline: the one home of check and build — open the book, load and validate every guide,
//! render every output into staging and swap it in. `build`, `watch` and `serve` all run it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod agenda;
pub mod bundle;
mod guide;
mod rebuild;
mod stream;
pub use guide::{GuideCheck, GuideInput, GuideTree, SourceGuide, Text, check_guide};
pub use rebuild::{Built, GuideRebuilt};
pub use stream::{Checked, Summary};

use crate::diag::{self, Code, Diagnostics, Sources};
use crate::variant::Variant;
use crate::{book::Book, diag::shown_path, error::Error, output, render};

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
                        "`{code}` has no built-in interface text{}: {} of its strings are in English",
                        crate::i18n::other_variant(&code)
                            .map(|why| format!(" ({why})"))
                            .unwrap_or_default(),
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
        self.check_variant(&self.variant())
    }

    /// [`Book::check`] for every selected profile.
    pub fn check_each(&self) -> Result<Vec<(Variant, Checked)>, Error> {
        self.variants
            .iter()
            .map(|v| Ok((v.clone(), self.check_variant(v)?)))
            .collect()
    }

    fn check_variant(&self, v: &Variant) -> Result<Checked, Error> {
        Ok(self.check_visiting(v, |_, _| ())?.0)
    }

    /// [`Book::check`] of profile `v`, with `visit` called on each guide as it is checked (see
    /// [`stream::check_with`]); what it returns comes back in book order.
    pub fn check_visiting<T: Send>(
        &self,
        v: &Variant,
        visit: impl Fn(&crate::source::load::LoadedGuide, &crate::validate::Resolved) -> T + Sync,
    ) -> Result<(Checked, Vec<T>), Error> {
        let (mut checked, visits) = stream::check_with(self, v, visit)?;
        checked.diagnostics.extend(self.untranslated_strings());
        agenda::check(self, &mut checked);
        if checked.guides.is_empty() && !checked.diagnostics.has_errors() {
            checked.diagnostics.push(stream::no_guides(self));
        }
        checked.diagnostics.sort();
        Ok((checked, visits))
    }
}

impl Checked {
    /// Turns the diagnostics into an error when they should stop the command.
    pub fn fail_on(mut self, deny_warnings: bool) -> Result<Checked, Error> {
        let diagnostics = std::mem::take(&mut self.diagnostics);
        let sources = std::mem::take(&mut self.sources);
        let (diagnostics, sources) = stop_on(diagnostics, sources, deny_warnings)?;
        self.diagnostics = diagnostics;
        self.sources = sources;
        Ok(self)
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
    /// Also write the HTML site as one zip, `<dest>/<name>.zip` (`bundle`).
    pub zip: bool,
}

/// What a build wrote.
#[derive(Debug)]
pub struct BuildReport {
    pub dest: PathBuf,
    pub guides: usize,
    pub files: usize,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
    /// Folders of the local screenshots and images the guides use (a watcher watches them).
    pub asset_dirs: Vec<PathBuf>,
    /// The zips written (`--zip`), in the destination.
    pub zips: Vec<PathBuf>,
}

/// Validates the book and writes every configured output into the destination, replacing the
/// previous output only when everything succeeded.
///
/// With several profiles selected, each is written into its own folder, `<dest>/<profile>/`,
/// all in one swap.
pub fn build(book: &Book, opts: &BuildOptions) -> Result<BuildReport, Error> {
    build_kept(book, opts).map(|(report, _)| report)
}

/// [`build`], also keeping what a watcher needs to rebuild one guide at a time later: the
/// templates, each guide's pages and the folders of the screenshots used (`None` with several
/// profiles, whose changes are full builds).
pub fn build_kept(book: &Book, opts: &BuildOptions) -> Result<(BuildReport, Option<Built>), Error> {
    // Every profile is checked before anything is written: one with errors stops them all.
    let mut all = book.check_each()?;
    // Remote screenshots are copied in before the problems are weighed: one that cannot be
    // fetched is a warning, which `--deny-warnings` makes stop the build.
    for (_, c) in &mut all {
        timed("remote images", || copy_remote(book, c));
    }
    let (all_diagnostics, sources) = merged(&all);
    let (mut diagnostics, mut sources) = stop_on(all_diagnostics, sources, opts.deny_warnings)?;
    bundle::check(book, opts)?;
    let dest = book.dest(opts.dest_dir.as_deref());
    output::guard_dest(&dest, book, opts.dest_dir.is_none())?;
    let engine = render::Engine::new(book)?;
    let staging = output::Staging::new(&dest)?;
    let several = all.len() > 1;
    let mut written = HashSet::new();
    let mut guides = 0;
    let mut kept = None;
    let mut dirs = Vec::new();
    let mut profiles = Vec::new();
    for (v, c) in all {
        // One profile is the whole output; several, a folder each.
        let name = if several {
            v.profile.clone().unwrap_or_default()
        } else {
            String::new()
        };
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
        guides += c.guides.len();
        dirs.extend(asset_dirs(&c));
        let mut files = timed("render", || write_all(book, c, &engine, target, &v))?;
        let guides: Vec<&render::GuideOut> = files.guides.iter().collect();
        service_worker(book, &engine, target, &guides, &mut files.written)?;
        written.extend(files.written.iter().map(|f| match several {
            true => format!("{name}/{f}"),
            false => f.clone(),
        }));
        render_warnings(&files.guides, &mut diagnostics, &mut sources);
        if !several {
            kept = Some(files.guides);
        }
        profiles.push(name);
    }
    timed("prune", || staging.prune(&written))?;
    let zips = bundle::write_each(book, opts, staging.target().dir, &profiles)?;
    written.extend(zips.iter().cloned());
    timed("swap", || staging.commit())?;
    diagnostics.sort();
    dirs.sort();
    dirs.dedup();
    let report = BuildReport {
        dest: dest.clone(),
        guides,
        files: written.len(),
        diagnostics,
        sources,
        asset_dirs: dirs,
        zips: zips.iter().map(|z| dest.join(z)).collect(),
    };
    let built = kept.map(|pages| Built::new(book.clone(), dest, engine, pages));
    Ok((report, built))
}

/// The render warnings of `guides` (an image not in the PDF, a character no font has), with the
/// text of each guide one points into: a warning at a place in its guide (W020) shows that
/// line, and the check kept the text only of guides with problems.
fn render_warnings(
    guides: &[render::GuideOut],
    diagnostics: &mut Diagnostics,
    sources: &mut Sources,
) {
    diagnostics.extend(guides.iter().flat_map(|g| g.warnings.iter().cloned()));
    for g in guides {
        warned_text(g, sources);
    }
}

/// The text of guide `g` in `sources` when one of its render warnings points into it (a build,
/// and `watch` rebuilding one guide).
fn warned_text(g: &render::GuideOut, sources: &mut Sources) {
    for w in g.warnings.iter().filter(|w| w.span.is_some()) {
        if sources.get(&w.file).is_none()
            && let Ok(text) = std::fs::read_to_string(&g.path)
        {
            sources.insert(w.file.clone(), std::sync::Arc::from(text));
        }
    }
}

/// With `remote-images = "copy"` (and no errors to stop the build first), every remote
/// screenshot of the checked book fetched or taken from the cache and used by the outputs from
/// the copy; W022 (with the guide's text, to show the line) for each one that cannot be had.
fn copy_remote(book: &Book, c: &mut Checked) {
    if book.config.output.remote_images != crate::config::RemoteImages::Copy
        || c.diagnostics.has_errors()
    {
        return;
    }
    let uses = c.remote_uses();
    if uses.is_empty() {
        return;
    }
    let urls = uses.iter().map(|u| u.url.clone()).collect();
    let copies = crate::remote::fetch_all(book, urls, false);
    let mut warnings = crate::remote::marks_outside(&uses, &copies.copied);
    warnings.extend(crate::remote::warnings(
        &uses,
        &copies.failed,
        crate::remote::Step::Build,
    ));
    for w in &warnings {
        if c.sources.get(&w.file).is_none()
            && let Some(g) = c.guides.iter().find(|g| g.shown == w.file)
            && let Ok(text) = std::fs::read_to_string(&g.path)
        {
            c.sources.insert(w.file.clone(), std::sync::Arc::from(text));
        }
    }
    c.diagnostics.extend(warnings);
    c.diagnostics.sort();
    c.use_copies(copies.copied);
}

/// The folders of the local images a checked book uses (a watcher watches them); not the
/// cache's copies of remote screenshots, which only a build writes.
fn asset_dirs(c: &Checked) -> Vec<PathBuf> {
    let remote = format!("{}/", crate::layout::REMOTE_MEDIA);
    let mut dirs: Vec<PathBuf> = c
        .assets
        .iter()
        .filter(|a| !a.out.starts_with(&remote))
        .filter_map(|a| a.path.parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
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
    mut checked: Checked,
    engine: &render::Engine,
    target: output::Target,
    variant: &Variant,
) -> Result<Written, Error> {
    let languages = book.languages();
    let pages: Vec<render::Pages> = languages
        .iter()
        .map(|l| render::Pages::new(book, engine, variant, l))
        .collect();
    make_folders(&pages[0], &target)?;
    let assets = std::mem::take(&mut checked.assets);
    let lang_of = |s: &Summary| {
        s.lang
            .as_deref()
            .and_then(|l| languages.iter().position(|x| x.code == l))
            .unwrap_or(0)
    };
    let around = around(&checked.guides, &languages, lang_of);
    let langs: Vec<usize> = checked.guides.iter().map(lang_of).collect();
    // Each guide is rendered and written on the worker that loaded it, then dropped; its search
    // entries wait in a scratch file for the index.
    let spill = std::sync::Arc::new(
        render::Spill::new().map_err(|e| anyhow::anyhow!("failed to make a scratch file: {e}"))?,
    );
    let results = checked.render_families(book, |i, g, r| {
        match pages[langs[i]].guide(g, r, &assets, &around[i]) {
            Ok((mut out, files)) => {
                out.card
                    .spill_search(&spill)
                    .map_err(|e| anyhow::anyhow!("failed to write a scratch file: {e}"))?;
                output::write_files(target, files).map(|()| Ok(out))
            }
            Err(d) => Ok(Err(d)),
        }
    })?;
    let mut by_lang: Vec<Vec<render::GuideOut>> = languages.iter().map(|_| Vec::new()).collect();
    let mut problems = Vec::new();
    for (i, r) in results {
        match r? {
            Ok(out) => by_lang[langs[i]].push(out),
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        return Err(pages[0].content_error(problems));
    }
    let all: Vec<render::Alternate> = if languages.len() > 1 {
        languages.iter().map(render::Alternate::of).collect()
    } else {
        Vec::new()
    };
    let mut written: HashSet<String> = HashSet::new();
    for (p, outs) in pages.iter().zip(&by_lang) {
        // The index, the agenda and the workbook (laid out only now, from every guide).
        let files = timed("shared files", || {
            p.shared_files(outs.iter().map(|g| &g.card), &assets, &all)
        })
        .map_err(|d| p.content_error(vec![*d]))?;
        written.extend(files.iter().map(|f| f.to().to_owned()));
        output::write_files(target, files)?;
        // A large book's search index is written part by part, as each is made.
        p.write_search(outs.iter().map(|g| &g.card), &assets, |f| {
            written.insert(f.to().to_owned());
            output::write_files(target, vec![f])
        })?;
    }
    let guides: Vec<render::GuideOut> = by_lang.into_iter().flatten().collect();
    let files = pages[0]
        .site_files(guides.iter().map(|g| &g.card), &assets)
        .map_err(|d| pages[0].content_error(vec![*d]))?;
    written.extend(guides.iter().flat_map(|g| g.files.iter().cloned()));
    written.extend(files.iter().map(|f| f.to().to_owned()));
    output::write_files(target, files)?;
    Ok(Written { written, guides })
}

/// The output's folders, made before the guides are written into them in parallel.
fn make_folders(pages: &render::Pages, target: &output::Target) -> Result<(), Error> {
    for folder in pages.folders() {
        let p = target.dir.join(folder);
        std::fs::create_dir_all(&p)
            .map_err(|e| anyhow::anyhow!("failed to create `{}`: {e}", p.display()))?;
    }
    Ok(())
}

/// With `[output.html] offline`, the site's service worker, written last: it names the other
/// files and hashes their bytes (a build, and `watch` after rebuilding a guide).
fn service_worker(
    book: &Book,
    engine: &render::Engine,
    target: output::Target,
    guides: &[&render::GuideOut],
    written: &mut HashSet<String>,
) -> Result<(), Error> {
    let Some(html) = book.config.outputs().html.filter(|h| h.offline) else {
        return Ok(());
    };
    let base_url = match html.base_url.trim_end_matches('/') {
        "" => String::new(),
        b => format!("{b}/"),
    };
    let sw = timed("service worker", || {
        render::offline::service_worker(engine, target.dir, guides, written, &base_url)
    })?
    .map_err(|d| Error::Content {
        diagnostics: Diagnostics { items: vec![*d] },
        sources: engine.sources(),
    })?;
    written.insert(sw.to().to_owned());
    output::write_files(target, vec![sw])?;
    Ok(())
}

/// Each guide's neighbours in its language (by book order) and the languages it is written
/// in (none in a book of one language).
fn around(
    guides: &[Summary],
    languages: &[crate::i18n::Language],
    lang_of: impl Fn(&Summary) -> usize,
) -> Vec<render::Neighbours> {
    let link = |s: &Summary| render::NavLink {
        id: s.id.clone(),
        title: s.title.clone(),
    };
    let mut order: Vec<Vec<usize>> = languages.iter().map(|_| Vec::new()).collect();
    let mut alternates: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, s) in guides.iter().enumerate() {
        order[lang_of(s)].push(i);
        if languages.len() > 1 {
            alternates.entry(&s.id).or_default().push(lang_of(s));
        }
    }
    let mut out = vec![render::Neighbours::default(); guides.len()];
    for list in &order {
        let links: Vec<render::NavLink> = list.iter().map(|&i| link(&guides[i])).collect();
        for (pos, &i) in list.iter().enumerate() {
            out[i] = render::Neighbours::at(&links, pos);
        }
    }
    for (i, s) in guides.iter().enumerate() {
        if let Some(langs) = alternates.get(s.id.as_str()) {
            let mut langs = langs.clone();
            langs.sort_unstable();
            langs.dedup();
            out[i].languages = langs
                .iter()
                .map(|&l| render::Alternate::of(&languages[l]))
                .collect();
        }
    }
    out
}

/// Stage timings recorded by [`timed`], for the caller to print.
static TIMINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The timings recorded so far (`timing: load: 80.1ms (peak memory so far: …)`), taken.
pub fn take_timings() -> Vec<String> {
    #[cfg_attr(not(feature = "pdf"), allow(unused_mut))]
    let mut lines = std::mem::take(&mut *TIMINGS.lock().unwrap_or_else(|e| e.into_inner()));
    // PDFs are compiled in worker processes: their memory is not in this process's peak.
    #[cfg(feature = "pdf")]
    if let (false, Some((n, kb))) = (lines.is_empty(), crate::render::pdf::worker::usage()) {
        lines.push(format!(
            "timing: pdf workers ({n} started), the largest: (peak memory so far: {kb} kB)"
        ));
    }
    lines
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
