//! `stepbook shots`: the screenshots that say where they were taken (`source:`), as a
//! shot-scraper configuration (`shot-scraper multi shots.yml`), so a team re-takes them all in
//! one run and keeps their marks, alt texts and captions in the guides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostics, Sources};
use crate::validate::Image;
use crate::{book::Book, error::Error};

/// One screenshot to take again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shot {
    /// The page (`source`).
    pub url: String,
    pub selector: Option<String>,
    /// The image file in the book (canonical path), which shot-scraper overwrites.
    pub output: PathBuf,
    pub width: Option<i64>,
}

/// What `stepbook shots` found.
#[derive(Debug, Default)]
pub struct ShotList {
    /// Each local image once, in book order.
    pub shots: Vec<Shot>,
    /// Screenshots with a `source` whose `src` is a URL: shot-scraper cannot write there.
    /// (guide as shown, src)
    pub remote: Vec<(PathBuf, String)>,
    /// One image used with two different sources or selectors: the first is kept.
    /// (image, guide as shown)
    pub conflicts: Vec<(PathBuf, PathBuf)>,
    /// The check's problems (the list is made only when there are no errors).
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

/// What one guide gives: (source, selector, width, image) of each screenshot with a source.
type Found = Vec<(String, Option<String>, Option<i64>, Image)>;

/// The screenshots of every selected profile that have a `source`.
pub fn shot_list(book: &Book) -> Result<ShotList, Error> {
    let mut out = ShotList::default();
    let mut seen: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for v in &book.variants {
        let (mut checked, per_guide) = book.check_visiting(v, |g, r| {
            let mut found: Found = Vec::new();
            let guide = crate::validate::CheckedGuide::new(&g.guide, r);
            for section in guide.sections() {
                for step in section.steps() {
                    visit(step, &mut found);
                }
            }
            found
        })?;
        out.diagnostics
            .extend(std::mem::take(&mut checked.diagnostics).items);
        out.sources.extend(std::mem::take(&mut checked.sources));
        for (gi, found) in per_guide.into_iter().enumerate() {
            let shown = checked.guides[gi].shown.clone();
            for (url, selector, width, image) in found {
                let path = match image {
                    Image::Local(i) => checked
                        .asset_of(gi, i)
                        .and_then(|a| checked.assets.get(a))
                        .map(|a| a.path.clone()),
                    Image::Remote(src) => {
                        if !out.remote.iter().any(|(g, s)| *g == shown && *s == src) {
                            out.remote.push((shown.clone(), src));
                        }
                        None
                    }
                    Image::Invalid => None,
                };
                let Some(output) = path else { continue };
                let shot = Shot {
                    url,
                    selector,
                    output: output.clone(),
                    width,
                };
                match seen.get(&output) {
                    Some(&i) if out.shots[i] != shot => {
                        out.conflicts.push((output, shown.clone()));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(output, out.shots.len());
                        out.shots.push(shot);
                    }
                }
            }
        }
    }
    out.diagnostics.sort();
    Ok(out)
}

fn visit(step: crate::validate::CheckedStep<'_>, found: &mut Found) {
    for (shot, image) in step.screenshots() {
        if let Some(source) = &shot.source {
            found.push((
                source.trim().to_owned(),
                shot.selector.as_ref().map(|s| s.trim().to_owned()),
                shot.width.as_ref().map(|w| w.value),
                image.clone(),
            ));
        }
    }
    for sub in step.substeps() {
        visit(sub, found);
    }
}

/// One entry of shot-scraper's `multi` file.
#[derive(serde::Serialize)]
struct Entry<'a> {
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    selector: Option<&'a str>,
    output: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<i64>,
}

/// The shots as shot-scraper's YAML, each `output` relative to `base` (the folder shot-scraper
/// runs in: the one that holds the file).
pub fn to_yaml(shots: &[Shot], base: &Path) -> Result<String, Error> {
    let entries: Vec<Entry> = shots
        .iter()
        .map(|s| Entry {
            url: &s.url,
            selector: s.selector.as_deref(),
            output: crate::validate::relative_path(base, &s.output),
            width: s.width,
        })
        .collect();
    let body = serde_saphyr::to_string(&entries)
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot write the shot list: {e}")))?;
    Ok(format!(
        "# Written by `stepbook shots`: re-take the screenshots with `shot-scraper multi <this file>`,\n# run in this file's folder; then set `captured:` on each to the day you did.\n{}",
        if entries.is_empty() {
            "[]\n".to_owned()
        } else {
            body
        }
    ))
}
