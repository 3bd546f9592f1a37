//! PDF: the images a document shows. Templates and the Markdown converter name each image by a
//! path in the document (`/media/<file>` for the book's own, `/remote/<hex of the URL>` for a
//! URL); this module finds those names in a generated source and resolves them: local files
//! from the book's assets, remote ones fetched once into the cache folder and reused by later
//! builds. What cannot be had is left out of the document's files, and the template's
//! `sb-image` prints a framed placeholder with the alt text instead.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::world::{File, Files};
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

/// Where remote images are kept between builds, and whether to fetch.
#[derive(Debug, Clone)]
pub struct Remote {
    pub cache: PathBuf,
    pub offline: bool,
}

/// An image a document names that it cannot show: (its source, why).
pub type Missing = Vec<(String, String)>;

/// The files a generated source names with [`CALL`], resolved.
pub fn resolve(source: &str, assets: &[Asset], remote: &Remote) -> (Files, Missing) {
    let mut files = Files::new();
    let mut missing = Missing::new();
    for (at, _) in source.match_indices(CALL) {
        let rest = &source[at + CALL.len()..];
        let Some(end) = rest.find('"') else { continue };
        let path = &rest[..end];
        if files.contains_key(path) || missing.iter().any(|(p, _)| p == path) {
            continue;
        }
        if let Some(out) = path.strip_prefix("/media/") {
            match assets.iter().find(|a| a.out == out) {
                Some(a) => {
                    files.insert(path.to_owned(), File::Path(a.path.clone()));
                }
                None => missing.push((out.to_owned(), "not a file of the book".into())),
            }
        } else if let Some(url) = path.strip_prefix("/remote/").and_then(unhex) {
            match fetch(&url, remote) {
                Ok(p) => {
                    files.insert(path.to_owned(), File::Path(p));
                }
                Err(why) => missing.push((url, why)),
            }
        }
    }
    (files, missing)
}

/// The cached copy of a remote image, fetched first when it is not there (and not offline).
fn fetch(url: &str, remote: &Remote) -> Result<PathBuf, String> {
    let file = remote.cache.join(format!("{:016x}", fnv(url)));
    if file.is_file() {
        return Ok(file);
    }
    if remote.offline {
        return Err("not fetched: --offline".into());
    }
    let bytes = download(url)?;
    std::fs::create_dir_all(&remote.cache).map_err(|e| format!("cannot create the cache: {e}"))?;
    crate::safe_fs::write_new(&file, &bytes, true).map_err(|e| format!("cannot cache it: {e}"))?;
    Ok(file)
}

/// An image larger than this is not fetched.
const MAX_BYTES: u64 = 32 << 20;

fn download(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(20)))
        .max_redirects(5)
        .user_agent(concat!("stepbook/", env!("CARGO_PKG_VERSION"), " (pdf)"))
        .build()
        .into();
    let resp = agent.get(url).call().map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    resp.into_body()
        .into_reader()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err("larger than 32 MiB".into());
    }
    match image::guess_format(&bytes) {
        Ok(
            image::ImageFormat::Png
            | image::ImageFormat::Jpeg
            | image::ImageFormat::Gif
            | image::ImageFormat::WebP,
        ) => Ok(bytes),
        _ => Err("the answer is not a PNG, JPEG, GIF or WebP image".into()),
    }
}

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
