//! Lint: the size of each remote screenshot that carries marks, read from the header of its
//! first bytes, so its marks are checked against its bounds (`E030`, as `check` does for local
//! images); `W024` when a screenshot that answered as an image has no readable size. Only
//! screenshots with marks are fetched for this, each URL once.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::http::{Checker, Verdict};
use crate::diag::{Code, Diagnostic};
use crate::model::{Mark, Sp};
use crate::validate::marks;

/// How much of an image is read for its size: a JPEG's size may follow its EXIF data.
const HEADER_BYTES: u64 = 512 * 1024;

/// A remote screenshot with marks: its URL, where the guide is, and its marks.
#[derive(Debug, Clone)]
pub(super) struct Marked {
    pub url: String,
    pub file: Arc<std::path::Path>,
    pub marks: Vec<Sp<Mark>>,
    pub src: Range<usize>,
}

/// Width and height from an image's first bytes.
fn size_of(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(16 << 20);
    reader.limits(limits);
    reader.into_dimensions().ok()
}

/// The problems of the marks of remote screenshots whose URL answered as an image.
pub(super) fn problems(
    checker: &Checker,
    marked: &[Marked],
    verdicts: &BTreeMap<String, Verdict>,
) -> Vec<Diagnostic> {
    // Each good URL once, at the address it ends at.
    let mut urls: BTreeMap<&str, &str> = BTreeMap::new();
    for m in marked {
        match verdicts.get(&m.url) {
            Some(Verdict::Ok { .. }) => urls.insert(&m.url, &m.url),
            Some(Verdict::Redirected { to, .. }) => urls.insert(&m.url, to),
            _ => None,
        };
    }
    let sizes: BTreeMap<&str, Option<(u32, u32)>> = urls
        .into_par_iter()
        .map(|(url, at)| {
            let size = checker
                .first_bytes(at, HEADER_BYTES)
                .and_then(|b| size_of(&b));
            (url, size)
        })
        .collect();
    let mut out = Vec::new();
    for m in marked {
        let Some(size) = sizes.get(m.url.as_str()) else {
            continue;
        };
        let Some((w, h)) = *size else {
            let at = m.marks.first().map_or(m.src.clone(), |f| f.span.clone());
            out.push(
                Diagnostic::warning(
                    Code::W024,
                    &*m.file,
                    format!("the size of `{}` cannot be read: its marks are not checked", m.url),
                )
                .at(at)
                .help("check that the URL serves a PNG, JPEG, GIF or WebP image, or copy the image into the book"),
            );
            continue;
        };
        for mark in m.marks.iter().take(marks::MAX_MARKS) {
            let Ok(shape) = marks::shape(mark) else {
                continue; // reported by check
            };
            if let Some(p) = marks::outside(mark, &shape, w, h) {
                out.push(
                    Diagnostic::error(Code::E030, &*m.file, p.message)
                        .at(p.span)
                        .help(p.help),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_come_from_the_first_bytes() {
        let mut png = Vec::new();
        image::RgbImage::new(640, 360)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(super::size_of(&png[..64]), Some((640, 360)));
        assert_eq!(super::size_of(b"<!doctype html>"), None);
    }
}
