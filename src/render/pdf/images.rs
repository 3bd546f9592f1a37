//! PDF: the images a document shows. Templates and the Markdown converter name each image by a
//! path in the document (`/media/<file>` for the book's own, `/remote/<hex of the URL>` for a
//! URL); this module finds those names in a generated source and resolves them: local files
//! from the book's assets, remote ones fetched once into the cache folder and reused by later
//! builds. Every image is vetted first ([`vet`]); what cannot be had or fails the checks is left
//! out of the document's files, and the template's `sb-image` prints a framed placeholder with
//! the alt text instead. The cache is used only when it is a real folder (no planted links).

use std::path::{Path, PathBuf};
use std::time::Instant;

use typst::foundations::Bytes;

use super::world::{File, Files};
use super::{fetch, vet};
use crate::validate::Asset;

/// The call templates use to show an image, and the start of its first argument.
pub const CALL: &str = "sb-image(\"";

/// The document path of an image source as the Markdown output writes it: `media/x.png`, or
/// an `https://` URL.
pub fn doc_path(src: &str) -> String {
    if src.starts_with("https://") || src.starts_with("http://") {
        format!("/remote/{}", hex(src))
    } else if let Some(rest) = src.strip_prefix("media/") {
        format!("/media/{rest}")
    } else {
        format!("/missing/{}", hex(src))
    }
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// Where remote images are kept between builds, whether to fetch, and the pixel cap every
/// image is held to.
#[derive(Debug, Clone)]
pub struct Remote {
    pub cache: PathBuf,
    pub offline: bool,
    /// `max-image-pixels` of `[lint]`.
    pub max_pixels: u64,
    /// Timeouts and politeness of downloads (`[lint]`).
    pub fetch: fetch::FetchOptions,
    /// `remote-images = "copy"`: the build already fetched every remote screenshot and warned
    /// (W022) of each it could not have, so a URL left in a document is not asked again (a
    /// dead host would cost a second timeout) nor warned of twice.
    pub copied: bool,
}

/// Why an image is missing when the copy step already said so (W022): no W014 for it.
const COPY_FAILED: &str = "it could not be copied into the book (W022)";

impl Remote {
    /// The settings of `book`: its cache folder, `--offline`, its pixel cap.
    pub fn of(book: &crate::book::Book) -> Remote {
        Remote {
            cache: cache_dir(&book.root, &book.config.lint.cache_dir),
            offline: book.offline,
            max_pixels: book.config.lint.max_image_pixels,
            fetch: fetch::FetchOptions::of(&book.config.lint),
            copied: book.config.output.remote_images == crate::config::RemoteImages::Copy,
        }
    }
}

/// An image a document names that it cannot show: (its source, why).
pub type Missing = Vec<(String, String)>;

/// The warnings for images a guide's PDF cannot show: one for each reason (an offline build's
/// eleven screenshots are one warning, not eleven), at the first image's place in the guide's
/// `text` and pointing at each other one's.
pub fn warnings(missing: Missing, file: &str, text: &str) -> Vec<crate::diag::Diagnostic> {
    let mut by_why: Vec<(String, Vec<String>)> = Vec::new();
    for (src, why) in missing.into_iter().filter(|(_, why)| why != COPY_FAILED) {
        match by_why.iter_mut().find(|(w, _)| *w == why) {
            Some((_, srcs)) => srcs.push(src),
            None => by_why.push((why, vec![src])),
        }
    }
    let place = |src: &str| text.find(src).map(|at| at..at + src.len());
    by_why
        .into_iter()
        .map(|(why, srcs)| {
            let message = match srcs.as_slice() {
                [one] => format!("image `{one}` is not in the PDF ({why}); a framed placeholder with its alt text is printed"),
                more => format!("{} images are not in the PDF ({why}); a framed placeholder with its alt text is printed for each", more.len()),
            };
            let mut d = crate::diag::Diagnostic::warning(crate::diag::Code::W014, file, message)
                .help("use a PNG, JPEG, GIF or WebP image that opens, under `max-image-pixels`; run the build online once to cache remote images");
            let placed: Vec<std::ops::Range<usize>> = srcs.iter().filter_map(|s| place(s)).collect();
            if let Some(first) = placed.first() {
                // The others' lines in the label (a terminal shows one excerpt), and each as a
                // related place (an editor shows them all).
                let line = |at: usize| text[..at].matches('\n').count() + 1;
                let others: Vec<String> = placed[1..].iter().map(|r| line(r.start).to_string()).collect();
                let label = if others.is_empty() {
                    "this image".to_owned()
                } else {
                    format!("this image, and the ones at lines {}", others.join(", "))
                };
                d = d.at(first.clone()).label(label);
            }
            for span in placed.iter().skip(1) {
                d = d.related(file.into(), span.clone(), "another image not in the PDF");
            }
            // Images not found in the text (a path the guide writes otherwise) are named.
            let unplaced: Vec<&String> = srcs.iter().filter(|s| place(s).is_none()).collect();
            if srcs.len() > 1 && !unplaced.is_empty() {
                let names: Vec<String> = unplaced.iter().map(|s| format!("`{s}`")).collect();
                d.message.push_str(&format!(": {}", names.join(", ")));
            }
            d
        })
        .collect()
}

/// An image given to Typst, with what is needed to check it again: its path in the document,
/// its source for messages, its format and size, and its cached copy if it came from one.
#[derive(Debug, Clone)]
pub struct Held {
    pub path: String,
    pub source: String,
    pub format: image::ImageFormat,
    pub pixels: u64,
    pub cached: Option<PathBuf>,
}

/// The images a generated source names, resolved and vetted.
#[derive(Debug, Default)]
pub struct Resolved {
    pub files: Files,
    pub missing: Missing,
    pub held: Vec<Held>,
}

/// The files a generated source names with [`CALL`], each read and vetted ([`vet::vet`]): what
/// fails is missing, with the reason. Remote images are fetched concurrently ([`fetch`]).
pub fn resolve(source: &str, assets: &[Asset], remote: &Remote) -> Resolved {
    let mut paths: Vec<&str> = Vec::new();
    for (at, _) in source.match_indices(CALL) {
        let rest = &source[at + CALL.len()..];
        if let Some(end) = rest.find('"')
            && !paths.contains(&&rest[..end])
        {
            paths.push(&rest[..end]);
        }
    }
    let urls: Vec<String> = paths
        .iter()
        .filter_map(|p| p.strip_prefix("/remote/").and_then(unhex))
        .collect();
    let deadline = Instant::now() + remote.fetch.budget();
    let mut fetched =
        fetch::each_concurrently(&urls, |u| remote_image(u, remote, deadline)).into_iter();
    let mut out = Resolved::default();
    for path in paths {
        let (name, got) = if let Some(name) = path.strip_prefix("/media/") {
            let got = match assets.iter().find(|a| a.out == name) {
                Some(a) => crate::safe_fs::read_regular(&a.path, MAX_LOCAL_BYTES)
                    .map_err(|e| format!("cannot read it: {e}"))
                    .and_then(|b| vet::vet(b, remote.max_pixels))
                    .map(|v| (v, None)),
                None => Err("not a file of the book".into()),
            };
            (name.to_owned(), got)
        } else if let Some(url) = path.strip_prefix("/remote/").and_then(unhex) {
            let got = fetched.next().expect("one result per URL");
            (url, got)
        } else {
            continue;
        };
        if out.missing.iter().any(|(n, _)| *n == name) {
            continue;
        }
        match got {
            Ok((v, cached)) => {
                out.held.push(Held {
                    path: path.to_owned(),
                    source: name,
                    format: v.format,
                    pixels: v.pixels,
                    cached,
                });
                out.files
                    .insert(path.to_owned(), File::Image(Bytes::new(v.bytes)));
            }
            Err(why) => out.missing.push((name, why)),
        }
    }
    out
}

/// After Typst failed: decodes every image the document holds and takes out those that do not
/// decode (missing, with the reason; a cached copy is deleted, so the next build online fetches
/// it again). Whether any was taken out.
pub fn drop_damaged(r: &mut Resolved) -> bool {
    use rayon::prelude::*;
    let files = &r.files;
    let bad: Vec<(usize, String)> = r
        .held
        .par_iter()
        .enumerate()
        .filter_map(|(i, h)| match files.get(&h.path) {
            Some(File::Image(b)) => vet::decodes(b, h.format, h.pixels).err().map(|e| (i, e)),
            _ => None,
        })
        .collect();
    for (i, why) in bad.iter().rev() {
        let h = r.held.remove(*i);
        r.files.remove(&h.path);
        if let Some(file) = &h.cached {
            forget(file);
        }
        r.missing.push((h.source, why.clone()));
    }
    !bad.is_empty()
}

/// A remote image: the cached copy if it passes [`vet::vet`] (one that does not is deleted),
/// else fetched (not offline, and not failed recently), checked whole and only then cached.
fn remote_image(
    url: &str,
    remote: &Remote,
    deadline: Instant,
) -> Result<(vet::Vetted, Option<PathBuf>), String> {
    if let Some(why) = linked(&remote.cache) {
        return Err(why);
    }
    let file = remote.cache.join(format!("{:016x}", fnv(url)));
    let mut note = "";
    if let Some(bytes) = read_cached(&file) {
        match vet::vet(bytes, remote.max_pixels) {
            Ok(v) => return Ok((v, Some(file))),
            Err(_) => {
                forget(&file);
                note = "its cached copy was bad and is deleted; ";
            }
        }
    }
    if remote.copied {
        return Err(COPY_FAILED.into());
    }
    if remote.offline {
        return Err(format!("{note}not fetched: --offline"));
    }
    let marker = file.with_extension("failed");
    if let Some(why) = fetch::remembered(&marker) {
        return Err(why);
    }
    let fetched = fetch::download(url, &remote.fetch, deadline).and_then(|bytes| {
        let v = vet::vet(bytes, remote.max_pixels)?;
        vet::decodes(&v.bytes, v.format, v.pixels)?;
        Ok(v)
    });
    let v = match fetched {
        Ok(v) => v,
        Err(why) => {
            // Running out of the document's budget is no fault of the URL's.
            if Instant::now() < deadline {
                fetch::remember(&marker, &why);
            }
            return Err(why);
        }
    };
    forget(&marker);
    std::fs::create_dir_all(&remote.cache).map_err(|e| format!("cannot create the cache: {e}"))?;
    // A new file renamed into place: a link planted at the name is replaced, never followed.
    crate::safe_fs::write_new(&file, &v.bytes, true)
        .map_err(|e| format!("cannot cache it: {e}"))?;
    Ok((v, Some(file)))
}

/// Why the cache cannot be used: the images folder or the cache folder holding it is a link
/// (it would make a file outside the book appear in a PDF, or write a fetched image outside).
fn linked(cache: &Path) -> Option<String> {
    [Some(cache), cache.parent()]
        .into_iter()
        .flatten()
        .find(|d| is_link(d))
        .map(|d| {
            format!(
                "`{}` is a link; remote images are cached only in a real folder inside the book",
                d.display()
            )
        })
}

/// The cached copy at `file`, when it is a regular file (not a link, FIFO or device).
fn read_cached(file: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(file).ok()?;
    meta.is_file()
        .then(|| crate::safe_fs::read_regular(file, fetch::MAX_BYTES).ok())
        .flatten()
}

/// Deletes a cached copy that failed the checks, unless it is a link (never followed anyway).
fn forget(file: &Path) {
    if std::fs::symlink_metadata(file).is_ok_and(|m| m.is_file()) {
        let _ = std::fs::remove_file(file);
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// A file of the book larger than this is not embedded.
const MAX_LOCAL_BYTES: u64 = 64 << 20;

/// FNV-1a: a stable name for a URL's cached copy.
pub(crate) fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The folder remote images are cached in, under the book's cache folder.
pub fn cache_dir(root: &Path, cache_dir: &Path) -> PathBuf {
    root.join(cache_dir).join("images")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let url = "https://example.com/a b/ü.png?x=\"1\"";
        let p = doc_path(url);
        assert!(p.starts_with("/remote/") && p.is_ascii());
        assert_eq!(unhex(&p["/remote/".len()..]).as_deref(), Some(url));
        assert_eq!(doc_path("media/shot.png"), "/media/shot.png");
    }
}
