//! One PDF out of the PDFs of a print run's batches, written as it goes: each batch's pages (and
//! the fonts and images they use) are copied in with hayro-write and written at once, so only
//! one batch is ever in memory; the page tree, the catalog and the cross-reference table follow
//! the last batch.

use std::io::Write;

use hayro_write::hayro_syntax;
use pdf_writer::{Chunk, Finish, Ref};

/// Object numbers of the objects written last: the catalog, the root of the page tree, the
/// document information.
const CATALOG: i32 = 1;
const PAGES: i32 = 2;
const INFO: i32 = 3;

/// The merged PDF's document information.
pub struct Info<'a> {
    pub creator: &'a str,
    pub title: &'a str,
    pub authors: &'a [String],
    pub subject: Option<&'a str>,
    pub lang: &'a str,
}

/// A page of another PDF kept as a form to draw on pages: its object and the page's box.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    form: Ref,
    media: pdf_writer::Rect,
    /// The page draws nothing (a page left blank for duplex printing).
    pub blank: bool,
}

impl Form {
    /// The page's width and height (pt).
    pub fn size(&self) -> (f32, f32) {
        (self.media.x2 - self.media.x1, self.media.y2 - self.media.y1)
    }
}

/// The merged PDF, being written to `out`.
pub struct Merger<W: Write> {
    out: W,
    written: u64,
    /// The next free object number.
    next: i32,
    /// Where each object starts, by number (0: not written).
    offsets: Vec<u64>,
    /// Each batch's node of the page tree and its number of pages.
    batches: Vec<(Ref, usize)>,
}

impl<W: Write> Merger<W> {
    /// Starts the PDF (its header) on `out`.
    pub fn new(out: W) -> std::io::Result<Self> {
        let mut m = Merger {
            out,
            written: 0,
            next: INFO + 1,
            offsets: vec![0; INFO as usize + 1],
            batches: Vec::new(),
        };
        // A comment of high bytes after the header marks the file as binary.
        m.write(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
        Ok(m)
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Copies every page of the PDF `bytes` (one batch) into the merged PDF; its pages come
    /// after those added before. Returns how many there were.
    pub fn add(&mut self, bytes: Vec<u8>) -> Result<usize, String> {
        let pdf = parse(bytes)?;
        let (mut chunk, pages, node) = self.extract(&pdf, false)?;
        let n = pages.len();
        self.add_node(&mut chunk, node, &pages)?;
        Ok(n)
    }

    /// Every page of the PDF `bytes` as a form (a picture of the page, drawn by others), its
    /// pages' boxes, written into the merged PDF but not shown as pages: the workbook each
    /// attendee's copy draws, written once for them all.
    pub fn add_forms(&mut self, bytes: Vec<u8>) -> Result<Vec<Form>, String> {
        let pdf = parse(bytes)?;
        let boxes: Vec<(pdf_writer::Rect, bool)> = pdf
            .pages()
            .iter()
            .map(|p| {
                let b = p.media_box();
                let media =
                    pdf_writer::Rect::new(b.x0 as f32, b.y0 as f32, b.x1 as f32, b.y1 as f32);
                (media, paints_nothing(p))
            })
            .collect();
        let (chunk, refs, _) = self.extract(&pdf, true)?;
        self.append(&chunk)?;
        Ok(refs
            .into_iter()
            .zip(boxes)
            .map(|(form, (media, blank))| Form { form, media, blank })
            .collect())
    }

    /// Adds the pages of the PDF `overlay` (a batch), each drawn over a form of `forms`: its
    /// page `j` over form `j mod len`, or alone where `j mod per` is past the forms (a blank
    /// page that makes each copy an even number of pages). Returns how many pages were added.
    pub fn add_stamped(
        &mut self,
        forms: &[Form],
        per: usize,
        overlay: Vec<u8>,
    ) -> Result<usize, String> {
        let overlay = parse(overlay)?;
        let (mut chunk, overlays, node) = self.extract(&overlay, true)?;
        // One content stream for every page: the form, then the overlay (`/W`, `/O` in each
        // page's resources).
        let both = self.alloc();
        chunk.stream(both, b"q /W Do Q q /O Do Q");
        let alone = self.alloc();
        chunk.stream(alone, b"q /O Do Q");
        let mut pages = Vec::with_capacity(overlays.len());
        let blank = forms.first().map(|f| f.media);
        for (j, o) in overlays.iter().enumerate() {
            let form = forms.get(j % per.max(1));
            let page_ref = self.alloc();
            let mut page = chunk.page(page_ref);
            page.parent(node);
            if let Some(media) = form.map(|f| f.media).or(blank) {
                page.media_box(media);
            }
            page.contents(if form.is_some() { both } else { alone });
            let mut resources = page.resources();
            let mut x = resources.x_objects();
            x.pair(pdf_writer::Name(b"O"), *o);
            if let Some(f) = form {
                x.pair(pdf_writer::Name(b"W"), f.form);
            }
            x.finish();
            resources.finish();
            page.finish();
            pages.push(page_ref);
        }
        let n = pages.len();
        self.add_node(&mut chunk, node, &pages)?;
        Ok(n)
    }

    /// The next free object number.
    fn alloc(&mut self) -> Ref {
        let r = Ref::new(self.next);
        self.next += 1;
        r
    }

    /// The pages (or, with `forms`, the pages as forms) of `pdf` copied into a chunk, with
    /// their objects numbered from the next free number; and the number kept for their node of
    /// the page tree.
    fn extract(
        &mut self,
        pdf: &hayro_syntax::Pdf,
        forms: bool,
    ) -> Result<(Chunk, Vec<Ref>, Ref), String> {
        let n = pdf.pages().len();
        let queries: Vec<_> = (0..n)
            .map(if forms {
                hayro_write::ExtractionQuery::new_xobject
            } else {
                hayro_write::ExtractionQuery::new_page
            })
            .collect();
        let next = std::cell::Cell::new(self.next);
        let extracted = hayro_write::extract(
            pdf,
            Box::new(|| {
                let r = Ref::new(next.get());
                next.set(next.get() + 1);
                r
            }),
            hayro_write::ChunkSettings::default(),
            |_| {},
            &queries,
        )
        .map_err(|e| format!("{e:?}"))?;
        let refs: Vec<Ref> = extracted
            .root_refs
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{e:?}"))?;
        self.next = next.get();
        Ok((extracted.chunk, refs, extracted.page_tree_parent_ref))
    }

    /// Writes `chunk` with `pages` under their own node of the page tree, below the root.
    fn add_node(&mut self, chunk: &mut Chunk, node: Ref, pages: &[Ref]) -> Result<(), String> {
        chunk
            .pages(node)
            .parent(Ref::new(PAGES))
            .kids(pages.iter().copied())
            .count(pages.len() as i32);
        self.append(chunk)?;
        self.batches.push((node, pages.len()));
        Ok(())
    }

    /// Writes a chunk's objects and notes where each starts. A chunk does not tell its
    /// offsets: each object is found where the one before it ends (`endobj`, then the next
    /// object's own `<n> 0 obj` header, which is what tells a real end from those bytes inside
    /// a stream).
    fn append(&mut self, chunk: &Chunk) -> Result<(), String> {
        let bytes = chunk.as_bytes();
        let refs: Vec<i32> = chunk.refs().map(Ref::get).collect();
        let mut at = 0usize;
        for (i, &id) in refs.iter().enumerate() {
            let head = format!("{id} 0 obj\n");
            if !bytes[at..].starts_with(head.as_bytes()) {
                return Err(format!("object {id} is not where it was expected"));
            }
            self.note(id, self.written + at as u64);
            let Some(&next) = refs.get(i + 1) else { break };
            let next_head = format!("{next} 0 obj\n");
            at = next_start(bytes, at + head.len(), next_head.as_bytes())
                .ok_or_else(|| format!("object {next} was not found"))?;
        }
        self.write(bytes).map_err(|e| e.to_string())
    }

    fn note(&mut self, id: i32, offset: u64) {
        let i = id as usize;
        if self.offsets.len() <= i {
            self.offsets.resize(i + 1, 0);
        }
        self.offsets[i] = offset;
    }

    /// Writes the page tree's root, the catalog, the document information, the
    /// cross-reference table and the trailer; returns the writer.
    pub fn finish(mut self, meta: &Info) -> Result<W, String> {
        let mut chunk = Chunk::new();
        let total: usize = self.batches.iter().map(|(_, n)| n).sum();
        chunk
            .pages(Ref::new(PAGES))
            .kids(self.batches.iter().map(|(r, _)| *r))
            .count(total as i32);
        let mut catalog = chunk
            .indirect(Ref::new(CATALOG))
            .start::<pdf_writer::writers::Catalog>();
        catalog.pages(Ref::new(PAGES));
        catalog.lang(pdf_writer::TextStr(meta.lang));
        // A viewer's window shows the title, not the file name.
        catalog.viewer_preferences().display_doc_title(true);
        catalog.finish();
        let mut info = chunk
            .indirect(Ref::new(INFO))
            .start::<pdf_writer::writers::DocumentInfo>();
        info.title(pdf_writer::TextStr(meta.title));
        if !meta.authors.is_empty() {
            info.author(pdf_writer::TextStr(&meta.authors.join(", ")));
        }
        if let Some(s) = meta.subject {
            info.subject(pdf_writer::TextStr(s));
        }
        info.creator(pdf_writer::TextStr(meta.creator));
        info.producer(pdf_writer::TextStr(meta.creator));
        info.finish();
        self.append(&chunk)?;
        let size = self.offsets.len().max(self.next as usize);
        let mut xref = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for i in 1..size {
            match self.offsets.get(i).copied().unwrap_or(0) {
                0 => xref.push_str("0000000000 00000 f \n"),
                o => xref.push_str(&format!("{o:010} 00000 n \n")),
            }
        }
        let start = self.written;
        xref.push_str(&format!(
            "trailer\n<< /Size {size} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{start}\n%%EOF\n"
        ));
        self.write(xref.as_bytes()).map_err(|e| e.to_string())?;
        self.out.flush().map_err(|e| e.to_string())?;
        Ok(self.out)
    }
}

/// The PDF `bytes`, read.
fn parse(bytes: Vec<u8>) -> Result<hayro_syntax::Pdf, String> {
    hayro_syntax::Pdf::new(bytes).map_err(|e| format!("{e:?}"))
}

/// Whether a page's content draws nothing: only marks (a tagged PDF marks even an empty page's
/// header and footer places) and state.
fn paints_nothing(page: &hayro_syntax::page::Page) -> bool {
    let mut ops = page.operations();
    while let Some(op) = ops.next() {
        if !matches!(
            &**op.operator,
            b"BDC" | b"BMC" | b"EMC" | b"MP" | b"DP" | b"q" | b"Q" | b"cm" | b"gs"
        ) {
            return false;
        }
    }
    true
}

/// Where the object with header `head` starts: right after an `endobj` line (and an optional
/// blank line) at or after `from`.
fn next_start(bytes: &[u8], from: usize, head: &[u8]) -> Option<usize> {
    const END: &[u8] = b"endobj\n";
    let mut i = from;
    while i + END.len() <= bytes.len() {
        let found = bytes[i..].windows(END.len()).position(|w| w == END)? + i;
        let mut start = found + END.len();
        if bytes.get(start) == Some(&b'\n') && !bytes[start..].starts_with(head) {
            start += 1;
        }
        if bytes[start..].starts_with(head) {
            return Some(start);
        }
        i = found + 1;
    }
    None
}
