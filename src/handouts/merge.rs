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
        let pdf = hayro_syntax::Pdf::new(bytes).map_err(|e| format!("{e:?}"))?;
        let n = pdf.pages().len();
        let queries: Vec<_> = (0..n).map(hayro_write::ExtractionQuery::new_page).collect();
        let next = std::cell::Cell::new(self.next);
        let extracted = hayro_write::extract(
            &pdf,
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
        let pages: Vec<Ref> = extracted
            .root_refs
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{e:?}"))?;
        self.next = next.get();
        let mut chunk = extracted.chunk;
        // This batch's node of the page tree, under the root.
        let node = extracted.page_tree_parent_ref;
        chunk
            .pages(node)
            .parent(Ref::new(PAGES))
            .kids(pages.iter().copied())
            .count(n as i32);
        self.append(&chunk)?;
        self.batches.push((node, n));
        Ok(n)
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
