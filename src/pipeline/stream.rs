//! Pipeline: a book checked and rendered one family of guides at a time — a source and its
//! translations, on the worker that loaded them. Each guide is loaded, checked and then dropped;
//! only what crosses guides stays (its id, title and place in the book, the images it uses, its
//! problems). A book whose guides total at most 8 MiB of YAML keeps their trees from the check
//! to the render, so it is read once; a larger catalogue is read twice, in flat memory: its guides
//! are read and checked again when rendered.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::guide::{GuideCheck, GuideInput, GuideTree, SourceGuide, Text, check_guide};
use crate::diag::{Code, Diagnostic, Diagnostics, Failure, Sources};
use crate::source::load::{self, LoadedGuide};
use crate::validate::{self, Asset, Languages, Resolved, translations};
use crate::variant::Variant;
use crate::{book::Book, diag::shown_path, error::Error};

/// The most guide text (bytes of YAML) a book may have for its trees to be kept between check and
/// render: the 1,000-guide benchmark book (7 MB) is read once; a larger book is read again as it
/// is rendered (keeping part of it would only raise its peak memory). Override with
/// `STEPBOOK_KEEP_MIB` (0 reads every guide twice: the outputs are the same).
const KEEP_BYTES: usize = 8 << 20;

fn keep_budget() -> usize {
    std::env::var("STEPBOOK_KEEP_MIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(KEEP_BYTES, |m| m << 20)
}

/// What the rest of the book needs to know of a checked guide.
#[derive(Debug, Clone)]
pub struct Summary {
    pub path: PathBuf,
    pub rel: PathBuf,
    pub shown: PathBuf,
    pub weight: i64,
    /// A translation's language (`None`: the book's).
    pub lang: Option<String>,
    pub id: String,
    /// The title as plain text (for other pages' links to it).
    pub title: String,
    id_span: Option<Range<usize>>,
    /// Its `duration` in whole minutes, and the agenda's estimate when it has none.
    pub minutes: Option<u64>,
    pub estimate: u64,
    /// Local images it uses, in order of use: while checking, numbers in the book's list of
    /// distinct image files (a catalogue's guides share a few hundred images; each path is kept
    /// once); after, their indices in [`Checked::assets`].
    locals: Vec<u32>,
    /// Its remote screenshots (URL, span of `src`, marks), kept only when they are to be
    /// copied into the book (`remote-images = "copy"`).
    remotes: Vec<crate::remote::Found>,
}

impl Summary {
    fn of(g: &LoadedGuide, r: &Resolved) -> Summary {
        Summary {
            path: g.path.clone(),
            rel: g.rel.clone(),
            shown: g.shown.clone(),
            weight: g.guide.weight,
            lang: g.lang.clone(),
            id: r.id.clone(),
            title: crate::markdown::plain(&g.guide.title),
            id_span: g.guide.id.as_ref().map(|i| i.span.clone()),
            minutes: r.duration.map(|d| d.minutes_ceil()),
            estimate: crate::config::agenda_check::estimate(r.step_count, r.total_wait.0),
            locals: Vec::new(),
            remotes: Vec::new(),
        }
    }
}

/// A guide checked, with its tree when it was kept. Boxed: a book of 100,000 guides keeps none,
/// and 100,000 empty slots of a tree's size (650 bytes each) were 65 MiB, moved about twice.
type Kept = Option<Box<(LoadedGuide, Resolved)>>;

/// The result of checking a book: every guide's summary in book order, the images they use,
/// and the problems; the trees kept for rendering.
pub struct Checked {
    /// In book order (weight, then path).
    pub guides: Vec<Summary>,
    pub assets: Vec<Asset>,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
    /// Each family's guides (indices into `guides`), its source first.
    families: Vec<Vec<usize>>,
    kept: Vec<Kept>,
    /// A local image's asset index.
    table: HashMap<PathBuf, usize>,
    /// A remote screenshot's copy's asset index (`remote-images = "copy"`).
    copies: HashMap<String, usize>,
    variant: Variant,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("guides", &self.guides.len())
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

/// One guide file of a family, before it is read.
struct Member {
    path: PathBuf,
    lang: Option<String>,
}

/// What checking one family gave, guide by guide (`visited`: what the caller's visit made of
/// each).
struct FamilyChecked<T> {
    guides: Vec<(Summary, Kept)>,
    visited: Vec<T>,
    /// Each guide's local images, by path (numbered once gathered).
    locals: Vec<Vec<PathBuf>>,
    diagnostics: Vec<Diagnostic>,
    sources: Vec<(PathBuf, Arc<str>)>,
}

/// Checks every guide of the book, for one profile (`variant`), with `visit` called on each
/// guide as it is checked, on the worker that read it. What it returns comes back in book
/// order, one for each of [`Checked::guides`]: `lint` looks at every guide this way without
/// reading a large book twice. Its `Image::Local(i)` are the guide's own numbers, which
/// [`Checked::asset_of`] turns into the book's.
pub(super) fn check_with<T: Send>(
    book: &Book,
    variant: &Variant,
    visit: impl Fn(&LoadedGuide, &Resolved) -> T + Sync,
) -> Result<(Checked, Vec<T>), Error> {
    let found = super::timed("find", || load::find_guides(&book.src));
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(load::skipped(&book.root, &book.shown_root, &found));
    let langs = Languages::of(&book.config);
    let (families, lang_problems) = families(book, found.files, &langs);
    diagnostics.extend(lang_problems);
    let cx = validate::Context::new(&book.root, &book.src);
    let total: u64 = families
        .iter()
        .flatten()
        .filter_map(|m| std::fs::metadata(&m.path).ok())
        .map(|m| m.len())
        .sum();
    let keep = total <= keep_budget() as u64;
    // Each image path once for the book, the guides holding its number.
    let mut images = Images::default();
    let checked: Vec<FamilyChecked<T>> = super::timed("check", || {
        gather(
            &families,
            |f| check_family(book, f, variant, &cx, keep, &visit),
            |mut f| {
                for ((s, _), locals) in f.guides.iter_mut().zip(std::mem::take(&mut f.locals)) {
                    s.locals = locals.into_iter().map(|p| images.number(p)).collect();
                }
                f
            },
        )
    });
    let mut sources = Sources::default();
    // Each guide with its family's number.
    let mut all: Vec<(Summary, Kept, usize, T)> = Vec::new();
    for (fi, f) in checked.into_iter().enumerate() {
        diagnostics.extend(f.diagnostics);
        for (shown, text) in f.sources {
            sources.insert(shown, text);
        }
        let visited = f.visited.into_iter();
        all.extend(
            f.guides
                .into_iter()
                .zip(visited)
                .map(|((s, k), t)| (s, k, fi, t)),
        );
    }
    // Book order: weight, then path (a stable sort, in place).
    all.sort_by(|a, b| (a.0.weight, &a.0.rel).cmp(&(b.0.weight, &b.0.rel)));
    let mut guides = Vec::with_capacity(all.len());
    let mut kept = Vec::with_capacity(all.len());
    let mut visits = Vec::with_capacity(all.len());
    let mut fams: Vec<Vec<usize>> = families.iter().map(|_| Vec::new()).collect();
    for (new, (s, k, fi, t)) in all.into_iter().enumerate() {
        guides.push(s);
        kept.push(k);
        visits.push(t);
        fams[fi].push(new);
    }
    // Within a family, its source first (the translations take its ids).
    for f in &mut fams {
        f.sort_by_key(|&i| (guides[i].lang.is_some(), i));
    }
    diagnostics.extend(id_problems(&guides, &langs, &mut sources));
    let (assets, table) = assets(book, &mut guides, &images.paths, &mut kept);
    let checked = Checked {
        guides,
        assets,
        diagnostics,
        sources,
        families: fams,
        kept,
        table,
        copies: HashMap::new(),
        variant: variant.clone(),
    };
    Ok((checked, visits))
}

/// The book-level id problems (E009, E026) of the guides in book order, with the texts they
/// point into added to `sources`.
fn id_problems(guides: &[Summary], langs: &Languages, sources: &mut Sources) -> Vec<Diagnostic> {
    let problems = validate::id_problems(
        guides.iter().map(|g| validate::IdOf {
            lang: g.lang.as_deref(),
            id: &g.id,
            shown: &g.shown,
            id_span: g.id_span.clone(),
        }),
        langs,
    );
    for d in &problems {
        add_source(sources, guides, d);
    }
    problems
}

/// `work` on every item on the workers, each result handed to `keep` on this thread as it
/// comes (the book's image numbers are given there, in one place), and the results returned
/// in the items' order. `keep` once also cloned each summary on this thread, so that its small
/// strings would not pin the pages of the worker's guide tree: that lowered the check of
/// 100,000 guides from 534 to 456 MiB while each guide left an empty 648-byte tree slot, and
/// made no difference once the slot was boxed (201–215 against 212 MiB, two runs each), so
/// it was dropped.
fn gather<I: Sync, R: Send>(
    items: &[I],
    work: impl Fn(&I) -> R + Sync,
    mut keep: impl FnMut(R) -> R,
) -> Vec<R> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut out: Vec<Option<R>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            items
                .par_iter()
                .enumerate()
                .for_each_with(tx, |tx, (i, item)| {
                    let _ = tx.send((i, work(item)));
                });
        });
        for (i, r) in rx {
            out[i] = Some(keep(r));
        }
    });
    out.into_iter().flatten().collect()
}

/// The guide files grouped into families (a source and its translations, by the source's path
/// without the language), in path order; and the problems of files whose language the book
/// does not declare (they are checked as guides of the book's language).
fn families(
    book: &Book,
    files: Vec<PathBuf>,
    langs: &Languages,
) -> (Vec<Vec<Member>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut by_key: std::collections::BTreeMap<PathBuf, Vec<Member>> = Default::default();
    for path in files {
        let rel = path.strip_prefix(&book.root).unwrap_or(&path).to_path_buf();
        let shown = shown_path(&book.shown_root, &rel);
        let lang = match translations::of_file(&path, &shown, langs) {
            Ok(l) => l,
            Err(d) => {
                problems.push(*d);
                None
            }
        };
        let key = translations::source_key(&rel, lang.as_deref());
        by_key.entry(key).or_default().push(Member { path, lang });
    }
    let families = by_key
        .into_values()
        .map(|mut f| {
            f.sort_by(|a, b| (a.lang.is_some(), &a.path).cmp(&(b.lang.is_some(), &b.path)));
            f
        })
        .collect();
    (families, problems)
}

/// Loads and checks the guides of one family: the source, then each translation with the
/// source's ids, and how each translation has drifted from it.
fn check_family<T>(
    book: &Book,
    family: &[Member],
    variant: &Variant,
    cx: &validate::Context,
    keep: bool,
    visit: &impl Fn(&LoadedGuide, &Resolved) -> T,
) -> FamilyChecked<T> {
    let mut out = FamilyChecked {
        guides: Vec::new(),
        visited: Vec::new(),
        locals: Vec::new(),
        diagnostics: Vec::new(),
        sources: Vec::new(),
    };
    let mut source: Option<(LoadedGuide, Resolved)> = None;
    for m in family {
        let input = GuideInput {
            book,
            cx,
            variant,
            lang: m.lang.as_deref(),
            source: source.as_ref().map(|(g, r)| SourceGuide {
                resolved: r,
                guide: Some(g),
            }),
        };
        let GuideCheck {
            checked,
            mut diagnostics,
            text,
        } = check_guide(Text::File(&m.path), input);
        if !diagnostics.is_empty() {
            out.sources.extend(text);
        }
        out.diagnostics.append(&mut diagnostics);
        let Some(GuideTree {
            guide: g,
            resolved: r,
            locals,
        }) = checked
        else {
            continue;
        };
        let mut summary = Summary::of(&g, &r);
        if book.config.output.remote_images == crate::config::RemoteImages::Copy {
            summary.remotes = crate::remote::uses(&g.guide, &r);
        }
        out.visited.push(visit(&g, &r));
        out.locals.push(locals);
        if g.lang.is_none() {
            // Its translations need it; it is kept (or dropped) after them.
            out.guides.push((summary, None));
            source = Some((g, r));
            continue;
        }
        out.guides.push((summary, keep.then(|| Box::new((g, r)))));
    }
    // The source is kept once its translations no longer need it.
    if let Some((g, r)) = source.filter(|_| keep)
        && let Some(slot) = out.guides.iter_mut().find(|(s, _)| s.lang.is_none())
    {
        slot.1 = Some(Box::new((g, r)));
    }
    out
}

/// Adds the text of the guide a book-level problem points at to `sources`, read again (the
/// check keeps the texts of guides with problems only).
fn add_source(sources: &mut Sources, guides: &[Summary], d: &Diagnostic) {
    let Some(g) = guides.iter().find(|g| g.shown == d.file) else {
        return;
    };
    if sources.get(&g.shown).is_none()
        && let Ok(text) = std::fs::read_to_string(&g.path)
    {
        sources.insert(g.shown.clone(), Arc::from(text));
    }
}

/// The book's local images, each once, numbered in book order (the order of the guides, then of
/// use in each); the kept trees and the summaries' image numbers renumbered to them.
fn assets(
    book: &Book,
    guides: &mut [Summary],
    paths: &[PathBuf],
    kept: &mut [Kept],
) -> (Vec<Asset>, HashMap<PathBuf, usize>) {
    let mut table = validate::AssetTable::default();
    for (g, k) in guides.iter_mut().zip(kept.iter_mut()) {
        let map: Vec<usize> = g
            .locals
            .iter()
            .map(|&n| table.index(paths[n as usize].clone(), &book.root, &book.src))
            .collect();
        if let Some(kept) = k {
            validate::renumber(&mut kept.1, &map);
        }
        g.locals = map.into_iter().map(|i| i as u32).collect();
    }
    let index: HashMap<PathBuf, usize> = paths
        .iter()
        .filter_map(|p| table.get(p).map(|i| (p.clone(), i)))
        .collect();
    (table.into_assets(), index)
}

/// The distinct local image files of a book, each numbered once.
#[derive(Default)]
struct Images {
    paths: Vec<PathBuf>,
    numbers: HashMap<PathBuf, u32>,
}

impl Images {
    fn number(&mut self, p: PathBuf) -> u32 {
        if let Some(&n) = self.numbers.get(&p) {
            return n;
        }
        let n = self.paths.len() as u32;
        self.paths.push(p.clone());
        self.numbers.insert(p, n);
        n
    }
}

impl Checked {
    /// The index in [`Checked::assets`] of the `local`th local image of guide `guide` (its
    /// `Image::Local(local)` while it was checked).
    pub fn asset_of(&self, guide: usize, local: usize) -> Option<usize> {
        let n = *self.guides.get(guide)?.locals.get(local)?;
        Some(n as usize)
    }

    /// Every use of a remote screenshot, in book order (none unless `remote-images = "copy"`).
    pub fn remote_uses(&self) -> Vec<crate::remote::Use> {
        self.guides
            .iter()
            .flat_map(|g| {
                g.remotes
                    .iter()
                    .map(|(url, span, marks)| crate::remote::Use {
                        url: url.clone(),
                        file: g.shown.clone(),
                        span: span.clone(),
                        marks: marks.clone(),
                    })
            })
            .collect()
    }

    /// Makes every output show the copies (URL, local image) of remote screenshots: each copy
    /// becomes one asset (URLs serving the same bytes share it), and the guides' images point
    /// at it, in the kept trees now and in those read again when rendered.
    pub fn use_copies(&mut self, copies: Vec<(String, Asset)>) {
        let mut by_out: HashMap<String, usize> = HashMap::new();
        for (url, a) in copies {
            // A local image of the book already published under the name: left a link.
            if let Some(&i) = by_out.get(&a.out) {
                self.copies.insert(url, i);
                continue;
            }
            if self.assets.iter().any(|b| b.out == a.out) {
                continue;
            }
            by_out.insert(a.out.clone(), self.assets.len());
            self.copies.insert(url, self.assets.len());
            self.assets.push(a);
        }
        for k in self.kept.iter_mut().flatten() {
            validate::use_copies(&mut k.1, &self.copies);
        }
    }

    /// Each family's guides with their trees — kept from the check, or read and checked again
    /// — handed to `f` on the workers, families in parallel and each family's guides in order
    /// (its source first). `f` gets each guide's index in [`Checked::guides`].
    pub fn render_families<T: Send>(
        self,
        book: &Book,
        f: impl Fn(usize, &LoadedGuide, &Resolved) -> T + Sync,
    ) -> Result<Vec<(usize, T)>, Error> {
        let Checked {
            guides,
            families,
            mut kept,
            table,
            copies,
            variant,
            ..
        } = self;
        let cx = validate::Context::new(&book.root, &book.src);
        let work: Vec<Vec<(usize, Kept)>> = families
            .iter()
            .map(|fam| fam.iter().map(|&i| (i, kept[i].take())).collect())
            .collect();
        let done: Vec<Result<Vec<(usize, T)>, Error>> = work
            .into_par_iter()
            .map(|fam| {
                let mut out = Vec::with_capacity(fam.len());
                let mut source: Option<Resolved> = None;
                for (i, k) in fam {
                    let s = &guides[i];
                    let (g, r) = match k {
                        Some(k) => *k,
                        None => {
                            let (g, mut r) =
                                again(book, s, &variant, &cx, source.as_ref(), &table)?;
                            validate::use_copies(&mut r, &copies);
                            (g, r)
                        }
                    };
                    out.push((i, f(i, &g, &r)));
                    if s.lang.is_none() {
                        source = Some(r);
                    }
                }
                Ok(out)
            })
            .collect();
        let mut all = Vec::with_capacity(guides.len());
        for d in done {
            all.extend(d?);
        }
        all.sort_by_key(|(i, _)| *i);
        Ok(all)
    }
}

/// A guide dropped after the check, read and checked again for rendering (what the check
/// found is already reported).
fn again(
    book: &Book,
    s: &Summary,
    variant: &Variant,
    cx: &validate::Context,
    source: Option<&Resolved>,
    table: &HashMap<PathBuf, usize>,
) -> Result<(LoadedGuide, Resolved), Error> {
    let changed = || {
        Error::from(
            Failure::new(format!(
                "`{}` changed while the book was being built",
                s.shown.display()
            ))
            .help("build again"),
        )
    };
    let input = GuideInput {
        book,
        cx,
        variant,
        lang: s.lang.as_deref(),
        source: source.map(|resolved| SourceGuide {
            resolved,
            guide: None,
        }),
    };
    let checked = check_guide(Text::File(&s.path), input).checked;
    let GuideTree {
        guide: g,
        resolved: mut r,
        locals,
    } = checked.ok_or_else(changed)?;
    let map: Option<Vec<usize>> = locals.iter().map(|p| table.get(p).copied()).collect();
    validate::renumber(&mut r, &map.ok_or_else(changed)?);
    Ok((g, r))
}

/// W010: a book without guides.
pub(super) fn no_guides(book: &Book) -> Diagnostic {
    Diagnostic::warning(
        Code::W010,
        shown_path(&book.shown_root, &book.config.book.src),
        "no guides found",
    )
    .help("add a guide file (`*.yaml`) to this folder; `stepbook init` writes an example")
}
