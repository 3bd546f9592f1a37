//! PDF: the Typst world stepbook compiles in — the standard library, the fonts embedded in the
//! binary (typst-assets' and DejaVu Sans, so every machine makes the same PDF and none needs
//! system fonts), one main source, and only the image files the output names (no file system,
//! no packages; the date is fixed, so builds are reproducible).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

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

fn fonts() -> &'static FontStore {
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
}

impl World for StepbookWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        fonts().book()
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
        fonts().font(index)
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
    compile_parts(vec![source], files)
}

/// Compiles each source (the parts of one long document, such as a print run of handouts) on
/// its own thread, then writes their pages, in order, as one PDF. Parts share nothing across
/// pages (no page numbers counting across parts), which is what lets them lay out in parallel.
pub fn compile_parts(sources: Vec<String>, files: &Files) -> Result<Vec<u8>, Vec<CompileError>> {
    use rayon::prelude::*;
    let laid_out: Vec<Result<PagedDocument, Vec<CompileError>>> =
        sources.into_par_iter().map(|s| layout(s, files)).collect();
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
        // The parts' structure trees were made apart; a tagged PDF needs one.
        tagged: !several,
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|d| {
        d.iter()
            .map(|d| CompileError {
                message: d.message.to_string(),
                line: None,
            })
            .collect::<Vec<_>>()
    });
    // Typst memoises across compiles; keep what recent compiles used, drop the rest, so a big
    // book's memory stays flat.
    typst::comemo::evict(8);
    pdf
}

/// Lays out one source.
fn layout(source: String, files: &Files) -> Result<PagedDocument, Vec<CompileError>> {
    let id = FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new("/main.typ").expect("a valid path"),
    ));
    let world = StepbookWorld {
        main: Source::new(id, source),
        files,
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
