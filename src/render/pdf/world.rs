//! PDF: the Typst world stepbook compiles in — the standard library, the fonts embedded in the
//! binary (typst-assets' and DejaVu Sans, so a Latin text prints the same on every machine)
//! and the faces a document's plan adds for what they lack (see [`super::fonts`]), one main source, and only the image files the output names (no file system,
//! no packages; the date is fixed, so builds are reproducible).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::model::Document as _;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// DejaVu Sans (Bitstream Vera licence: free to embed and redistribute; see
/// `assets/fonts/LICENSE-DejaVu.txt`): typst-assets has no sans-serif body font.
const BODY_FONTS: [&[u8]; 4] = [
    include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Oblique.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-BoldOblique.ttf"),
];

/// How wide `text` is set in DejaVu Sans Bold at `size` (pt), from its advances (without
/// kerning); a character it has no glyph for counts as 1 em (a CJK character, drawn by
/// another font). For fitting a line without laying it out.
pub fn bold_width(text: &str, size: f64) -> f64 {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    let Some(face) = FACE.get_or_init(|| ttf_parser::Face::parse(BODY_FONTS[1], 0).ok()) else {
        return text.chars().count() as f64 * size;
    };
    let em = f64::from(face.units_per_em());
    text.chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(1.0, |a| f64::from(a) / em)
        })
        .sum::<f64>()
        * size
}

/// The fonts embedded in the binary: DejaVu Sans (4 faces, 2.9 MB) and typst-assets' (Libertinus
/// Serif, New Computer Modern and its Math, DejaVu Sans Mono). No CJK font is embedded (one is
/// about 16 MB a weight): a book names its own, or the machine's are used (see [`super::fonts`]).
fn embedded() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        for data in BODY_FONTS {
            for font in Font::iter(Bytes::new(data)) {
                let info = font.info().clone();
                store.push((font, info));
            }
        }
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

/// The embedded fonts' book (what each covers), for finding the characters they lack.
pub fn embedded_book() -> &'static FontBook {
    embedded().book()
}

/// A font face a document uses beyond the embedded ones: a file, and the face's index in it (a
/// collection such as `NotoSansCJK-Regular.ttc` holds several).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceRef {
    pub path: PathBuf,
    pub index: u32,
}

/// The embedded fonts and `faces`, made once for each set of faces (a worker keeps them for
/// the next document); each file is read once. A face that cannot be read is left out (the
/// plan that named it found it; the PDF then falls back as it can).
fn store_with(faces: &[FaceRef]) -> Arc<FontStore> {
    type Stores = HashMap<Vec<FaceRef>, Arc<FontStore>>;
    static STORES: Mutex<Option<Stores>> = Mutex::new(None);
    static DATA: Mutex<Option<HashMap<PathBuf, Bytes>>> = Mutex::new(None);
    let mut stores = STORES.lock().unwrap_or_else(|e| e.into_inner());
    let stores = stores.get_or_insert_with(HashMap::new);
    if let Some(s) = stores.get(faces) {
        return s.clone();
    }
    let base = embedded();
    let mut store = FontStore::new();
    for font in (0..).map_while(|i| base.font(i)) {
        let info = font.info().clone();
        store.push((font, info));
    }
    let mut data = DATA.lock().unwrap_or_else(|e| e.into_inner());
    let data = data.get_or_insert_with(HashMap::new);
    for face in faces {
        let bytes = match data.get(&face.path) {
            Some(b) => b.clone(),
            None => match crate::safe_fs::read_regular(&face.path, super::fonts::MAX_FONT_BYTES) {
                Ok(b) => {
                    let b = Bytes::new(b);
                    data.insert(face.path.clone(), b.clone());
                    b
                }
                Err(_) => continue,
            },
        };
        if let Some(font) = Font::new(bytes, face.index) {
            let info = font.info().clone();
            store.push((font, info));
        }
    }
    let store = Arc::new(store);
    stores.insert(faces.to_vec(), store.clone());
    store
}

/// Makes the standard library and the embedded fonts, which every compile needs, ahead of it.
pub(super) fn warm() {
    embedded();
    library();
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// A file a document may read: an image on disk, bytes made for it (a QR code), or an image
/// read and vetted before the compile (shared, not copied, by every read).
#[derive(Debug, Clone)]
pub enum File {
    Path(PathBuf),
    Bytes(Vec<u8>),
    Image(Bytes),
}

/// Files by their path in the document (`/media/shot.png`).
pub type Files = HashMap<String, File>;

struct StepbookWorld<'a> {
    main: Source,
    files: &'a Files,
    fonts: &'a FontStore,
}

impl World for StepbookWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath().get_with_slash();
        match self.files.get(path) {
            Some(File::Path(p)) => crate::safe_fs::read_regular(p, MAX_IMAGE_BYTES)
                .map(Bytes::new)
                .map_err(|e| FileError::from_io(e, p)),
            Some(File::Bytes(b)) => Ok(Bytes::new(b.clone())),
            Some(File::Image(b)) => Ok(b.clone()),
            None => Err(FileError::AccessDenied),
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// An image larger than this is not embedded.
const MAX_IMAGE_BYTES: u64 = 64 << 20;

/// A Typst compile error: the message and the line of the generated source it points at.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    pub message: String,
    pub line: Option<(usize, String)>,
}

/// Compiles Typst `source` (which may read `files`) to PDF bytes.
pub fn compile(source: String, files: &Files) -> Result<Vec<u8>, Vec<CompileError>> {
    compile_parts(
        Parts::one(source),
        files,
        &[],
        false,
        super::worker::Bounds::PDF,
    )
}

/// A document to compile: the sources of its parts and, for a print run of handouts, what its
/// pages carry in their margins (placed after the layout: see [`super::running`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    pub sources: Vec<String>,
    pub running: Option<super::running::Running>,
}

impl Parts {
    /// A document in one part.
    pub fn one(source: String) -> Parts {
        Parts {
            sources: vec![source],
            running: None,
        }
    }
}

/// How long one document may take to compile (a real guide takes well under a second; a
/// guide of 20,000 steps about 12 s).
pub const TYPST_BUDGET: Duration = Duration::from_secs(60);

/// Compiles each source within `bounds` (the parts of one long document, such as a print run of handouts) on
/// its own thread, then writes their pages, in order, as one PDF. Parts share nothing across
/// pages (no page numbers counting across parts), which is what lets them lay out in parallel.
///
/// The compile runs in a worker process when the binary has turned that on (see
/// [`super::worker`]: its memory is bounded, and it is killed past the budget). Otherwise, as
/// Typst cannot be interrupted, it runs on a thread of its own that this one waits for: past [`TYPST_BUDGET`], or once the process is asked to stop (Ctrl-C, SIGTERM),
/// the document fails at once with a message and the compile is left to end on its own (a
/// `build` exits meanwhile).
pub fn compile_parts(
    parts: Parts,
    files: &Files,
    faces: &[FaceRef],
    accessible: bool,
    bounds: super::worker::Bounds,
) -> Result<Vec<u8>, Vec<CompileError>> {
    if let Some(made) = super::worker::compile(&parts, files, faces, accessible, bounds) {
        return made;
    }
    let files = files.clone();
    let faces = faces.to_vec();
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("typst".into())
        // Typst recurses deeply on nested content; the main thread's size.
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(compile_here(parts, &files, &faces, accessible));
        });
    if let Err(e) = spawned {
        return Err(vec![message(format!(
            "cannot start the Typst compile: {e}"
        ))]);
    }
    loop {
        match rx.recv_timeout(pause()) {
            Ok(made) => return made,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(vec![message("the Typst compile stopped without a result")]);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Some(why) = must_stop(started, bounds.time) {
            return Err(vec![why]);
        }
    }
}

/// How long to wait for a compile's result before looking again. Typst lays out with rayon: a
/// waiting rayon worker runs pool jobs (the compile's own, among others) instead of only
/// blocking, or a pool whose workers all wait would stall; after running one it looks at once.
pub(super) fn pause() -> Duration {
    match rayon::yield_now() {
        Some(rayon::Yield::Executed) => Duration::ZERO,
        _ => Duration::from_millis(20),
    }
}

/// Why a compile started at `started` must stop now: the build was cancelled, or it is past
/// `budget`.
pub(super) fn must_stop(started: Instant, budget: Duration) -> Option<CompileError> {
    if crate::render::budget::cancelled() {
        return Some(message("stopped: the build was cancelled"));
    }
    (started.elapsed() > budget).then(|| {
        message(format!(
            "compiling it took longer than {} s (loops nested without end, or a document far too long?)",
            budget.as_secs()
        ))
    })
}

pub(super) fn message(m: impl Into<String>) -> CompileError {
    CompileError {
        message: m.into(),
        line: None,
    }
}

/// [`compile_parts`] on this thread, without a budget.
pub(super) fn compile_here(
    parts: Parts,
    files: &Files,
    faces: &[FaceRef],
    accessible: bool,
) -> Result<Vec<u8>, Vec<CompileError>> {
    use rayon::prelude::*;
    let fonts = store_with(faces);
    let Parts { sources, running } = parts;
    let laid_out: Vec<Result<PagedDocument, Vec<CompileError>>> = sources
        .into_par_iter()
        .map(|s| {
            let doc = layout(s, "/main.typ", files, &fonts)?;
            match &running {
                Some(r) => {
                    super::running::apply(doc, r, |s| layout(s, "/running.typ", files, &fonts))
                }
                None => Ok(doc),
            }
        })
        .collect();
    let mut docs = Vec::with_capacity(laid_out.len());
    for d in laid_out {
        docs.push(d?);
    }
    let several = docs.len() > 1;
    let doc = if several {
        let info = docs[0].info().clone();
        let pages: typst::ecow::EcoVec<_> = docs
            .iter()
            .flat_map(|d| d.pages().iter().cloned())
            .collect();
        PagedDocument::new(pages, info)
    } else {
        docs.pop().ok_or_else(Vec::new)?
    };
    let options = typst_pdf::PdfOptions {
        // A fixed identity and no timestamp: the same input makes the same bytes.
        ident: typst::foundations::Smart::Custom("stepbook".into()),
        creator: typst::foundations::Smart::Custom(Some(
            concat!("stepbook ", env!("CARGO_PKG_VERSION")).into(),
        )),
        // The parts' structure trees were made apart; a tagged PDF needs one (an accessible
        // document is laid out in one part).
        tagged: !several,
        standards: if accessible {
            typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
                .map_err(|e| vec![message(format!("PDF/UA-1: {}", e.message()))])?
        } else {
            typst_pdf::PdfStandards::default()
        },
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options)
        .map(without_suspects)
        .map_err(|d| {
            d.iter()
                .map(|d| CompileError {
                    message: d.message.to_string(),
                    line: None,
                })
                .collect::<Vec<_>>()
        });
    // Typst memoises across compiles; keep what this compile used again (the fonts, the
    // templates: every compile hits them), drop the rest, so memory stays flat over a big book
    // and over a roster's batches in one worker (keeping eight compiles' held 8 batches of
    // laid-out handouts: 834 MiB for 2,000 attendees).
    typst::comemo::evict(1);
    pdf
}

/// A tagged PDF's `/Suspects false` blanked out (spaces of the same length, so every offset
/// stays true). It is the default, and saying it made poppler before 23.x (Debian 12's
/// `pdfinfo`, `pdftotext`) print "Syntax Error: Suspects object is wrong type (boolean)" for
/// every tagged PDF.
fn without_suspects(mut pdf: Vec<u8>) -> Vec<u8> {
    const SAID: &[u8] = b"/Marked true/Suspects false>>";
    const BLANK: &[u8] = b"/Marked true               >>";
    // In the catalog, written after the pages: looked for from the end.
    if let Some(at) = pdf.windows(SAID.len()).rposition(|w| w == SAID) {
        pdf[at..at + SAID.len()].copy_from_slice(BLANK);
    }
    pdf
}

/// Lays out one source, as the file `path` (two sources laid out for one document, a
/// document and its marginals, have paths of their own, so their elements' places differ).
fn layout(
    source: String,
    path: &str,
    files: &Files,
    fonts: &FontStore,
) -> Result<PagedDocument, Vec<CompileError>> {
    let id = FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid path"),
    ));
    let world = StepbookWorld {
        main: Source::new(id, source),
        files,
        fonts,
    };
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|diags| {
            diags
                .iter()
                .map(|d| CompileError {
                    message: d.message.to_string(),
                    line: world.range(d.span).map(|r| {
                        let text = world.main.text();
                        let start = r.start.min(text.len());
                        let n = text[..start].matches('\n').count() + 1;
                        let line = text.lines().nth(n - 1).unwrap_or("").to_owned();
                        (n, line)
                    }),
                })
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagged_pdf_says_nothing_of_suspects_and_keeps_its_offsets() {
        let made = compile_here(
            Parts::one("= Title\n\nText.".into()),
            &Files::new(),
            &[],
            false,
        )
        .unwrap();
        assert!(made.windows(8).any(|w| w == b"/Marked "), "tagged");
        assert!(!made.windows(9).any(|w| w == b"/Suspects"));
        // Same length as typst-pdf wrote it, so the cross-reference table still holds.
        let said = typst_pdf::pdf(
            &layout(
                "= Title\n\nText.".into(),
                "/main.typ",
                &Files::new(),
                &store_with(&[]),
            )
            .unwrap(),
            &typst_pdf::PdfOptions {
                ident: typst::foundations::Smart::Custom("stepbook".into()),
                creator: typst::foundations::Smart::Custom(Some(
                    concat!("stepbook ", env!("CARGO_PKG_VERSION")).into(),
                )),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(made.len(), said.len());
    }
}
