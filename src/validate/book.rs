//! Validate: what concerns the whole book rather than one guide — the caches every guide's check
//! shares, guide ids unique in each language, and the table of local images (each file copied
//! once, under a name no other file has). The pipeline checks a book one family of guides at a
//! time with these pieces, keeping of each guide only what crosses guides.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use super::paths::FileIndex;
use super::{Asset, GuideValidator, Image, Languages, Resolved, ResolvedStep};
use crate::diag::{Code, Diagnostic};
use crate::source::load::LoadedGuide;

/// What validating one guide gives: its resolved facts (local images numbered in order of
/// use), its problems, and the local images it uses in that order.
pub type OneGuide = (Resolved, Vec<Diagnostic>, Vec<PathBuf>);

/// What every guide of a book is checked with: the book's folders and the caches the checks
/// share (the book's files by name, whether each image may be published).
pub struct Context<'a> {
    pub root: &'a Path,
    pub src: &'a Path,
    files: OnceLock<FileIndex>,
    publishable: Mutex<HashMap<PathBuf, Result<(), String>>>,
}

impl<'a> Context<'a> {
    /// `root` and `src` are canonical paths.
    pub fn new(root: &'a Path, src: &'a Path) -> Self {
        Context {
            root,
            src,
            files: OnceLock::new(),
            publishable: Mutex::new(HashMap::new()),
        }
    }

    /// Checks one guide; a translation with its source's resolved facts (it takes their id
    /// and anchors).
    pub fn guide(&self, g: &LoadedGuide, source: Option<&Resolved>) -> OneGuide {
        let mut v = GuideValidator {
            g,
            root: self.root,
            source,
            files: &self.files,
            publishable: &self.publishable,
            diags: Vec::new(),
            locals: Vec::new(),
            anchors: HashMap::new(),
            dirs: HashMap::new(),
            inline: HashMap::new(),
        };
        let r = v.run();
        (r, v.diags, v.locals)
    }
}

impl Context<'_> {
    /// Checks one guide of a family: a translation with its source (whose id and anchors it
    /// takes), and how it has drifted from it.
    pub fn member(&self, g: &LoadedGuide, source: Option<(&LoadedGuide, &Resolved)>) -> OneGuide {
        let (r, mut diags, locals) = self.guide(g, source.map(|(_, r)| r));
        if let Some(s) = source {
            diags.extend(super::translations::drift(s, (g, &r)));
        }
        (r, diags, locals)
    }
}

/// What the book-level id checks need to know of a guide.
#[derive(Debug, Clone)]
pub struct IdOf<'a> {
    pub lang: Option<&'a str>,
    pub id: &'a str,
    pub shown: &'a Path,
    /// Where its `id:` is written (`None`: taken from the file name).
    pub id_span: Option<Range<usize>>,
}

impl<'a> IdOf<'a> {
    pub fn new(g: &'a LoadedGuide, id: &'a str) -> Self {
        IdOf {
            lang: g.lang.as_deref(),
            id,
            shown: &g.shown,
            id_span: g.guide.id.as_ref().map(|i| i.span.clone()),
        }
    }
}

/// E009 for a guide id already used in its language (reported at the later guide, in book
/// order), E026 for an id that names one of the book's language folders.
pub fn id_problems<'a>(
    guides: impl Iterator<Item = IdOf<'a>>,
    langs: &Languages,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first: HashMap<(Option<&str>, &str), &Path> = HashMap::new();
    for g in guides {
        match first.get(&(g.lang, g.id)) {
            Some(other) => out.push(duplicate_guide_id(g.shown, g.id_span.clone(), g.id, other)),
            None => {
                first.insert((g.lang, g.id), g.shown);
            }
        }
        if langs.others.iter().any(|l| l == g.id) {
            out.push(
                Diagnostic::error(
                    Code::E026,
                    g.shown,
                    format!("guide id `{}` is a language of the book", g.id),
                )
                .at(g.id_span.clone().unwrap_or(0..0))
                .help("the site keeps that language's pages in a folder of that name: choose another id"),
            );
        }
    }
    out
}

/// The id problems of a book in which `this` guide is as it is now and `others` are its other
/// guides, in any order, each with its place in book order (weight, then path): the rule of
/// [`id_problems`] applied to the guides that can clash with `this`, those of its id (a guide
/// edited in a 10,000-guide book sorts a few guides, not 10,000). The problems may be at
/// `this` guide or at another (a duplicate is reported at the later one).
pub fn id_problems_among<'a>(
    this: (IdOf<'a>, (i64, &'a Path)),
    others: impl Iterator<Item = (IdOf<'a>, (i64, &'a Path))>,
    langs: &Languages,
) -> Vec<Diagnostic> {
    let id = this.0.id;
    let shown = this.0.shown;
    let mut all: Vec<(IdOf<'a>, (i64, &'a Path))> = others
        .filter(|(o, _)| o.id == id && o.shown != shown)
        .chain(std::iter::once(this))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    id_problems(all.into_iter().map(|(g, _)| g), langs)
}

/// The error for a guide (shown as `shown`) whose id `id` the guide shown as `other` has
/// already.
pub fn duplicate_guide_id(
    shown: &Path,
    id_span: Option<Range<usize>>,
    id: &str,
    other: &Path,
) -> Diagnostic {
    let (span, what) = match id_span {
        Some(span) => (span, "this id"),
        None => (0..0, "the id taken from the file name"),
    };
    Diagnostic::error(Code::E009, shown, format!("duplicate guide id `{id}`"))
        .at(span)
        .label(format!("{what} is already used"))
        .help(format!(
            "`{}` uses it too; guide ids name the output files and must be unique",
            other.display()
        ))
}

/// Gives each distinct local file one asset index, and one output name no other file has
/// (names that are not UTF-8 can meet after their lossy conversion). Files are numbered in the
/// order they are first met, so the same book always gives the same names.
#[derive(Default)]
pub struct AssetTable {
    index: HashMap<PathBuf, usize>,
    names: std::collections::HashSet<String>,
    assets: Vec<Asset>,
}

impl AssetTable {
    /// The index of the file at `path`, added if it is new.
    pub fn index(&mut self, path: PathBuf, root: &Path, src: &Path) -> usize {
        if let Some(&i) = self.index.get(&path) {
            return i;
        }
        let name = output_name(&path, root, src);
        let (stem, ext) = match name.rfind('.') {
            Some(i) if !name[i..].contains('/') => name.split_at(i),
            _ => (name.as_str(), ""),
        };
        let mut out = name.clone();
        let mut n = 1;
        while !self.names.insert(out.clone()) {
            n += 1;
            out = format!("{stem}-{n}{ext}");
        }
        self.index.insert(path.clone(), self.assets.len());
        self.assets.push(Asset {
            out,
            path,
            width: None,
            height: None,
        });
        self.assets.len() - 1
    }

    /// The index of a file already in the table.
    pub fn get(&self, path: &Path) -> Option<usize> {
        self.index.get(path).copied()
    }

    /// The assets, each with its size read from its header.
    pub fn into_assets(self) -> Vec<Asset> {
        let mut assets = self.assets;
        assets.par_iter_mut().for_each(|a| {
            if let Some((w, h)) = image_size(&a.path) {
                a.width = Some(w);
                a.height = Some(h);
            }
        });
        assets
    }
}

/// Renumbers a guide's local images from its own order of use to the book's asset indices
/// (`map[i]` is the book's index of the guide's `i`th image).
pub fn renumber(resolved: &mut Resolved, map: &[usize]) {
    fn step(s: &mut ResolvedStep, map: &[usize]) {
        for img in &mut s.screenshots {
            if let Image::Local(i) = img {
                *i = map[*i];
            }
        }
        for sub in &mut s.substeps {
            step(sub, map);
        }
    }
    for section in &mut resolved.sections {
        for s in &mut section.steps {
            step(s, map);
        }
    }
    for img in resolved.inline.values_mut() {
        if let Image::Local(i) = img {
            *i = map[*i];
        }
    }
}

/// Points each remote screenshot of a guide that has a local copy (`copies`: URL → the book's
/// asset index; `remote-images = "copy"`) at that copy; the others stay remote.
pub fn use_copies(resolved: &mut Resolved, copies: &HashMap<String, usize>) {
    fn step(s: &mut ResolvedStep, copies: &HashMap<String, usize>) {
        for img in &mut s.screenshots {
            if let Image::Remote(url) = img
                && let Some(&i) = copies.get(url.as_str())
            {
                *img = Image::Local(i);
            }
        }
        for sub in &mut s.substeps {
            step(sub, copies);
        }
    }
    if copies.is_empty() {
        return;
    }
    for section in &mut resolved.sections {
        for s in &mut section.steps {
            step(s, copies);
        }
    }
}

/// Width and height from the image header, without decoding the pixels.
pub fn image_size(path: &Path) -> Option<(u32, u32)> {
    let mut reader = image::ImageReader::open(path)
        .ok()?
        .with_guessed_format()
        .ok()?;
    // Reading a header may decompress metadata (a PNG's colour profile): a 200 KB file can
    // claim 200 MB of it. A header that needs more than this has no size.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(16 << 20);
    reader.limits(limits);
    reader.into_dimensions().ok()
}

/// Where an asset goes inside `media/`: its path under `src`, or under `_root/` when it lives
/// elsewhere in the book. The mapping is one-to-one: a path under `src` whose first folder starts
/// with `_` gets one more (`content/_root/x.png` → `__root/x.png`), so it never meets the
/// `_root/` of a file outside `src`.
fn output_name(path: &Path, root: &Path, src: &Path) -> String {
    let (prefix, rel) = match path.strip_prefix(src) {
        Ok(r) => (None, r),
        Err(_) => (
            Some(crate::layout::OUTSIDE_SRC),
            path.strip_prefix(root).unwrap_or(path),
        ),
    };
    let mut parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    match (prefix, parts.first_mut()) {
        (Some(p), _) => parts.insert(0, p.to_owned()),
        (None, Some(first)) if first.starts_with('_') => first.insert(0, '_'),
        _ => {}
    }
    parts.join("/")
}
