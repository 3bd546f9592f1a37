//! Lint: screenshots that look the same (L017, off by default: a perceptual hash, image_hasher's
//! gradient hash of 16×16, so a PNG saved again as JPEG, a resized copy or the same screen taken
//! twice match), and images in the screenshots' folders that no guide uses (L018).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::shots::{ShotUse, Where};
use crate::config::LintTable;
use crate::diag::{Code, Diagnostic};

/// A perceptual hash: 256 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Look([u64; 4]);

/// At most this many of the 256 bits may differ for two screenshots to look the same
/// (measured in the tests: a PNG saved as JPEG at 90% differs in 0 bits, a half-size copy in 0,
/// another screen of the same window in 46).
const SAME: u32 = 12;
/// The most images compared with each other (each pair once): 20,000 is 200 million pairs,
/// about a second.
const MAX_COMPARED: usize = 20_000;

impl Look {
    pub(super) fn to_hex(self) -> String {
        self.0.iter().map(|w| format!("{w:016x}")).collect()
    }

    pub(super) fn from_hex(s: &str) -> Option<Look> {
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut w = [0u64; 4];
        for (i, word) in w.iter_mut().enumerate() {
            *word = u64::from_str_radix(&s[i * 16..i * 16 + 16], 16).ok()?;
        }
        Some(Look(w))
    }

    fn distance(&self, other: &Look) -> u32 {
        self.0
            .iter()
            .zip(other.0)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }
}

/// The look of an image's bytes; `None` when they do not decode, or the image is over
/// `max-image-pixels` (read from the header first, so a decompression bomb is never decoded).
pub(super) fn look_of(bytes: &[u8], cfg: &LintTable) -> Option<Look> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .ok()
    };
    let (w, h) = reader()?.into_dimensions().ok()?;
    if u64::from(w) * u64::from(h) > cfg.max_image_pixels {
        return None;
    }
    let mut r = reader()?;
    let mut limits = image::Limits::default();
    // Decoded RGBA, with room for the decoder's own buffers.
    limits.max_alloc = Some(
        (u64::from(w) * u64::from(h))
            .saturating_mul(8)
            .max(16 << 20),
    );
    r.limits(limits);
    let img = r.decode().ok()?;
    // A box-filtered thumbnail of a large one first: the hash looks at 17×16 pixels, and
    // image_hasher's own Lanczos resize of a whole screenshot took most of the time (37 corpus
    // images in a debug build: 27 s, 5.7 s with the thumbnail). A small one as it is:
    // `thumbnail` enlarges, which made 3,000 icons take 68 s instead of 3.1 s.
    let img = if img.width() > 256 || img.height() > 256 {
        img.thumbnail(256, 256)
    } else {
        img
    };
    let hasher = image_hasher::HasherConfig::new()
        .hash_size(16, 16)
        .resize_filter(image::imageops::FilterType::Triangle)
        .to_hasher();
    let bits = hasher.hash_image(&img);
    let b = bits.as_bytes();
    let mut words = [0u64; 4];
    for (i, chunk) in b.chunks(8).take(4).enumerate() {
        let mut buf = [0u8; 8];
        buf[..chunk.len()].copy_from_slice(chunk);
        words[i] = u64::from_be_bytes(buf);
    }
    Some(Look(words))
}

/// The looks of the local images the screenshots use (each file once, in parallel), over
/// neither size limit.
pub(super) fn local_looks(
    uses: &[ShotUse],
    assets: &[crate::validate::Asset],
    cfg: &LintTable,
) -> BTreeMap<usize, Look> {
    let used: BTreeSet<usize> = uses
        .iter()
        .filter_map(|u| match u.image {
            Where::Local(i) => Some(i),
            Where::Remote(_) => None,
        })
        .collect();
    let used: Vec<usize> = used.into_iter().collect();
    used.par_iter()
        .filter_map(|&i| {
            let a = assets.get(i)?;
            let bytes = crate::safe_fs::read_regular(&a.path, cfg.max_image_bytes).ok()?;
            Some((i, look_of(&bytes, cfg)?))
        })
        .collect()
}

/// L017: each screenshot (a file or URL) that looks like one before it in the book, once, at its
/// first use, pointing at the first use of the one it looks like.
pub(super) fn near_duplicates(
    uses: &[ShotUse],
    looks: &dyn Fn(&Where) -> Option<Look>,
    names: &dyn Fn(usize) -> String,
    paths: &BTreeMap<PathBuf, PathBuf>,
    notes: &mut Vec<String>,
) -> Vec<Diagnostic> {
    // The line of the first screenshot, for the message (every report format shows it).
    let mut texts: HashMap<PathBuf, Option<String>> = HashMap::new();
    let mut line_of = |file: &Path, offset: usize| -> Option<usize> {
        let text = texts
            .entry(file.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(paths.get(file)?).ok());
        let before = text.as_deref()?.get(..offset)?;
        Some(before.matches('\n').count() + 1)
    };
    // Each image once, at its first use.
    let mut seen = HashSet::new();
    let mut images: Vec<(&ShotUse, Look)> = Vec::new();
    for u in uses {
        if seen.insert(&u.image)
            && let Some(l) = looks(&u.image)
        {
            images.push((u, l));
        }
    }
    if images.len() > MAX_COMPARED {
        notes.push(format!(
            "{} screenshots: only the first {MAX_COMPARED} were compared for near-duplicates",
            images.len()
        ));
        images.truncate(MAX_COMPARED);
    }
    let mut out = Vec::new();
    for (j, (u, l)) in images.iter().enumerate() {
        let Some((first, d)) = images[..j]
            .iter()
            .map(|(f, fl)| (f, fl.distance(l)))
            .find(|(_, d)| *d <= SAME)
        else {
            continue;
        };
        let same = if d == 0 {
            "looks the same as"
        } else {
            "looks almost the same as"
        };
        let other = match &first.image {
            Where::Remote(url) => format!("`{url}`"),
            Where::Local(i) => names(*i),
        };
        let place = match line_of(&first.file, first.src.start) {
            Some(line) => format!("{}:{line}", first.file.display()),
            None => first.file.display().to_string(),
        };
        let message = format!("this screenshot {same} {other} at {place}");
        out.push(
            Diagnostic::warning(Code::L017, &*u.file, message)
                .at(u.src.clone())
                .label("near-duplicate")
                .related(first.file.to_path_buf(), first.src.clone(), "the screenshot it looks like")
                .help("use one file for both (one copy to re-take), or take the one that is out of date again"),
        );
    }
    out
}

/// Image files by extension (what a screenshot could be).
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg", "bmp"];
/// The most unused images reported (a folder of thousands is one problem, not thousands).
const MAX_UNUSED: usize = 200;

/// L018: image files in the folders that hold the book's local images (not below them), that no
/// guide uses: not a local image of the check, and their name in no guide's text (a profile or
/// translation may use what this check's variant leaves out). `skip`: folders never looked in
/// (the build and cache folders).
pub(super) fn unused_images(
    assets: &[crate::validate::Asset],
    guides: &[&PathBuf],
    skip: &[PathBuf],
    shown_root: &Path,
    root: &Path,
) -> Vec<Diagnostic> {
    let used: HashSet<&Path> = assets.iter().map(|a| a.path.as_path()).collect();
    let folders: BTreeSet<&Path> = assets.iter().filter_map(|a| a.path.parent()).collect();
    let mut candidates: Vec<PathBuf> = Vec::new();
    for dir in folders {
        if skip.iter().any(|s| dir.starts_with(s)) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten().take(100_000) {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let is_image = p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| IMAGE_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()));
            if is_image
                && !name.starts_with('.')
                && e.file_type().is_ok_and(|t| t.is_file())
                && !used.contains(p.as_path())
            {
                candidates.push(p);
            }
        }
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.sort();
    // Names written in some guide are used there (in another profile or language).
    let mut named: HashSet<String> = HashSet::new();
    for g in guides {
        if let Ok(text) = std::fs::read_to_string(g) {
            image_names(&text, &mut named);
        }
    }
    candidates
        .into_iter()
        .filter(|c| {
            c.file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| !named.contains(&n.to_ascii_lowercase()))
        })
        .take(MAX_UNUSED)
        .map(|c| {
            let rel = c.strip_prefix(root).unwrap_or(&c);
            let shown = crate::diag::shown_path(shown_root, rel);
            Diagnostic::warning(Code::L018, shown, "no guide uses this image")
                .help("delete it, or show it in a step with `screenshots:`")
        })
        .collect()
}

/// The file names of images a text mentions (`img/a.png` → `a.png`), in one pass: each
/// `.png` (or another image extension) back to the `/`, quote, bracket or space before it.
fn image_names(text: &str, out: &mut HashSet<String>) {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices('.') {
        let rest = &bytes[i + 1..];
        let Some(ext) = IMAGE_EXTENSIONS.iter().find(|e| {
            rest.starts_with(e.as_bytes())
                && rest.get(e.len()).is_none_or(|b| !b.is_ascii_alphanumeric())
        }) else {
            continue;
        };
        let end = i + 1 + ext.len();
        // A file name is at most 255 bytes: look no further back (linear time on any text).
        let mut from = i.saturating_sub(255);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let start = text[from..i]
            .rfind(|c: char| "/\\\"'([<: \t\n=".contains(c))
            .map_or(from, |p| from + p + 1);
        if let Some(name) = text.get(start..end) {
            out.insert(name.to_ascii_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(dark: bool) -> image::RgbImage {
        image::RgbImage::from_fn(640, 400, |x, y| {
            let bar = y < 40;
            let side = if dark { x > 500 } else { x < 140 };
            let button = (300..420).contains(&x) && (200..240).contains(&y);
            match (bar, side, button) {
                (true, _, _) => image::Rgb([0, 90, 158]),
                (_, true, _) => image::Rgb([40, 40, 48]),
                (_, _, true) => image::Rgb([0, 120, 212]),
                _ => image::Rgb([250, 250, 250 - (x % 7) as u8]),
            }
        })
    }

    fn encoded(img: &image::RgbImage, jpeg: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if jpeg {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                .encode_image(img)
                .unwrap();
        } else {
            img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                .unwrap();
        }
        out
    }

    /// A JPEG copy and a half-size copy are within [`SAME`]; another screen is far from it.
    #[test]
    fn copies_look_the_same_and_other_screens_do_not() {
        let cfg = LintTable::default();
        let a = screen(false);
        let look = |img: &image::RgbImage, jpeg| look_of(&encoded(img, jpeg), &cfg).unwrap();
        let png = look(&a, false);
        let small = image::imageops::resize(&a, 320, 200, image::imageops::FilterType::Triangle);
        let (jpeg, half, other) = (
            look(&a, true),
            look(&small, false),
            look(&screen(true), false),
        );
        let d = (
            png.distance(&jpeg),
            png.distance(&half),
            png.distance(&other),
        );
        eprintln!(
            "distances: jpeg {}, half size {}, another screen {}",
            d.0, d.1, d.2
        );
        assert!(d.0 <= SAME && d.1 <= SAME && d.2 > SAME, "{d:?}");
        assert_eq!(Look::from_hex(&png.to_hex()), Some(png));
    }

    #[test]
    fn image_names_in_text() {
        let mut names = HashSet::new();
        image_names(
            "src: img/A.png\n![x](../media/b c.JPG) see 'q.webp'. not.pngx",
            &mut names,
        );
        let mut v: Vec<_> = names.into_iter().collect();
        v.sort();
        assert_eq!(v, ["a.png", "c.jpg", "q.webp"]);
    }
}
