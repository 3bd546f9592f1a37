//! `[output.html] offline = true`: the site's service worker, `html/sw.js`, written once every
//! other file of the site is, since it names them: its version is a hash of their bytes (a new
//! build, a new cache) and it lists the files to cache at install, up to [`PRECACHE_BUDGET`].
//!
//! What is precached, in this order, while the total stays within the budget: the site's own
//! files (index pages, theme, 404 page, each language's search script) always; then the search
//! index's parts; then guide by guide in book order its page, its checklist and the images the
//! page shows. The rest (more guides of a big book, PDFs, images of guides past the budget) is
//! cached by the worker when the reader first opens it.

use std::collections::HashSet;
use std::path::Path;

use sha1::{Digest, Sha1};

use super::{Engine, GuideOut};
use crate::layout;
use crate::output::OutFile;

/// The most bytes the worker fetches at install beyond the site's own files: 20 MiB, a few
/// hundred guides with their screenshots, fetched once on a venue's Wi-Fi.
pub const PRECACHE_BUDGET: u64 = 20 * 1024 * 1024;

/// The most bytes of one site file read for the version hash (a file is ours; this only bounds
/// a mistake).
const MAX_FILE: u64 = 4 << 30;

/// `html/sw.js` for the site in `out` (the output folder being written, which holds every file
/// in `written`, relative to it with `/`); `guides` in book order.
pub fn service_worker(
    engine: &Engine,
    out: &Path,
    guides: &[&GuideOut],
    written: &HashSet<String>,
    base_url: &str,
) -> anyhow::Result<Result<OutFile, Box<crate::diag::Diagnostic>>> {
    let site_prefix = format!("{}/", layout::HTML_DIR);
    let mut files: Vec<&str> = written
        .iter()
        .filter(|f| f.starts_with(&site_prefix) && f.as_str() != layout::SERVICE_WORKER)
        .map(String::as_str)
        .collect();
    files.sort_unstable();
    let version = version(out, &files)?;
    let in_guides: HashSet<&str> = guides
        .iter()
        .flat_map(|g| g.files.iter().map(String::as_str))
        .collect();
    let mut plan = Plan::default();
    // The site's own files, always.
    for f in files.iter().filter(|f| {
        !in_guides.contains(*f)
            && !f.contains("/media/")
            && !f.contains(&format!("/{}/", layout::SEARCH_DIR))
            && !f.ends_with(".pdf")
            && **f != layout::SITEMAP
    }) {
        plan.always(out, f)?;
    }
    let mut fits = true;
    for f in files
        .iter()
        .filter(|f| f.contains(&format!("/{}/", layout::SEARCH_DIR)))
    {
        fits = fits && plan.within_budget(out, f)?;
    }
    for g in guides {
        let mut pages: Vec<&str> = g
            .files
            .iter()
            .map(String::as_str)
            .filter(|f| f.starts_with(&site_prefix) && f.ends_with(".html"))
            .collect();
        pages.sort_unstable_by_key(|f| !f.ends_with("/index.html"));
        let mut want: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
        if let Some(page) = pages.first() {
            let html = crate::safe_fs::read_regular_text(&out.join(page), MAX_FILE)?;
            want.extend(images_of(page, &html, base_url, written));
        }
        for f in &want {
            fits = fits && plan.within_budget(out, f)?;
        }
    }
    let mut ctx = tera::Context::new();
    ctx.insert("version", &serde_json::to_string(&version)?);
    let list = serde_json::to_string(&plan.urls)?;
    ctx.insert("precache", &super::script_safe_json(list));
    Ok(engine.render("sw.js", &ctx).map(|text| OutFile::Text {
        to: layout::SERVICE_WORKER.into(),
        text,
    }))
}

/// The files to precache, as URLs relative to the site's root, and their bytes so far.
#[derive(Default)]
struct Plan {
    urls: Vec<String>,
    seen: HashSet<String>,
    budget_used: u64,
}

impl Plan {
    fn always(&mut self, out: &Path, f: &str) -> anyhow::Result<()> {
        self.add(f, size(out, f)?, true);
        Ok(())
    }

    /// Adds `f` if it fits in what is left of the budget; false once the budget is spent (then
    /// nothing more is added, so the precached guides are the first ones in book order).
    fn within_budget(&mut self, out: &Path, f: &str) -> anyhow::Result<bool> {
        if self.seen.contains(f) {
            return Ok(true);
        }
        let n = size(out, f)?;
        if self.budget_used + n > PRECACHE_BUDGET {
            return Ok(false);
        }
        self.add(f, n, false);
        Ok(true)
    }

    fn add(&mut self, f: &str, n: u64, always: bool) {
        if self.seen.insert(f.to_owned()) {
            if !always {
                self.budget_used += n;
            }
            let rel = f.strip_prefix("html/").unwrap_or(f);
            self.urls.push(super::view::encode_path(rel));
        }
    }
}

fn size(out: &Path, f: &str) -> anyhow::Result<u64> {
    Ok(std::fs::symlink_metadata(out.join(f))?.len())
}

/// A hash of every file of the site (name and bytes), in name order: the cache's version.
fn version(out: &Path, files: &[&str]) -> anyhow::Result<String> {
    let mut h = Sha1::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for f in files {
        let bytes = crate::safe_fs::read_regular(&out.join(f), MAX_FILE)?;
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    let digest = h.finalize();
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// The site's images a page shows (`src="../media/a.png"`), as output paths (`html/media/a.png`)
/// of files the build wrote.
fn images_of(page: &str, html: &str, base_url: &str, written: &HashSet<String>) -> Vec<String> {
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    let mut found = Vec::new();
    for part in html.split("src=\"").skip(1) {
        let Some((src, _)) = part.split_once('"') else {
            continue;
        };
        let src = src.replace("&amp;", "&");
        let resolved = match src.strip_prefix(base_url).filter(|_| !base_url.is_empty()) {
            Some(rest) => Some(format!("{}/{rest}", layout::HTML_DIR)),
            None if src.contains(':') || src.starts_with('/') => None,
            None => join(dir, &src),
        };
        let Some(path) = resolved else { continue };
        let Ok(path) = percent_encoding::percent_decode_str(&path).decode_utf8() else {
            continue;
        };
        if path.contains("/media/") && written.contains(path.as_ref()) {
            found.push(path.into_owned());
        }
    }
    found
}

/// `dir` joined with a relative `src` (`..` applied), or `None` if it climbs out.
fn join(dir: &str, src: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in src.split(['?', '#']).next()?.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_s_images_are_found_relative_and_under_base_url() {
        let written: HashSet<String> = ["html/media/a b.png", "html/media/c.png"]
            .map(String::from)
            .into();
        let html = r#"<img src="../media/a%20b.png"><img src="https://x.example/y.png"><img src="/g/media/c.png"><script src="../theme/reader.js">"#;
        assert_eq!(
            images_of("html/g1/index.html", html, "", &written),
            vec!["html/media/a b.png"]
        );
        assert_eq!(
            images_of("html/g1/index.html", html, "/g/", &written),
            vec!["html/media/a b.png", "html/media/c.png"]
        );
        assert_eq!(join("html/g", "../../../x"), None);
    }
}
