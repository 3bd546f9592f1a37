//! `build --zip`: the HTML site of each profile as one download, `<build-dir>/<name>.zip`, made
//! in the staging folder before the swap, so it always matches the site beside it and a failed
//! build leaves the previous zip as it was.

use std::path::Path;

use super::{BuildOptions, build_kept};
use crate::book::Book;
use crate::config::ConfigError;
use crate::diag::Failure;
use crate::error::Error;
use crate::layout;

/// The zip's file name and the folder its entries are in: the book's title as a slug
/// (`Azure Labs` → `azure-labs`), else `book`; with several profiles, the profile's name after
/// it (`azure-labs-instructor`), so two editions copied to one stick or unzipped in one folder
/// stay apart. A name Windows reserves for a device (`con`, `nul`, `com1`…) gets `-book`.
pub fn zip_name(book: &Book, profile: &str) -> String {
    let slug = crate::validate::slug(&book.config.book.title);
    let mut name = if slug.is_empty() { "book".into() } else { slug };
    let device = matches!(name.as_str(), "con" | "prn" | "aux" | "nul")
        || (name.len() == 4
            && (name.starts_with("com") || name.starts_with("lpt"))
            && name.as_bytes()[3].is_ascii_digit());
    if device {
        name.push_str("-book");
    }
    if !profile.is_empty() {
        name.push('-');
        name.push_str(profile);
    }
    name
}

/// Refuses `--zip` for a book without the HTML output (there is no site to put in it).
pub(super) fn check(book: &Book, opts: &BuildOptions) -> Result<(), Error> {
    if opts.zip && book.config.outputs().html.is_none() {
        return Err(ConfigError::Profile(
            Failure::new("`--zip` bundles the HTML site, and this book has no `[output.html]`")
                .help("add `[output.html]` to book.toml, or build without `--zip`"),
        )
        .into());
    }
    Ok(())
}

/// With `--zip`, writes each profile's zip (`profiles`: their folders in the staging folder
/// `staging`, `""` for a build of one) and returns their paths relative to it.
pub(super) fn write_each(
    book: &Book,
    opts: &BuildOptions,
    staging: &Path,
    profiles: &[String],
) -> Result<Vec<String>, Error> {
    let mut zips = Vec::new();
    for name in profiles.iter().filter(|_| opts.zip) {
        let file = super::timed("zip", || write(book, opts, &staging.join(name), name))?;
        zips.push(match name.is_empty() {
            true => file,
            false => format!("{name}/{file}"),
        });
    }
    Ok(zips)
}

/// Writes `<dir>/<name>.zip` from `<dir>/html/` (`dir`: one profile's folder in the staging
/// folder) and returns its name relative to `dir`.
///
/// The pages link one another relatively, except under a `base-url`, which makes links absolute
/// and would break them when the zip is opened from disk: then the site is rendered once more
/// without it, into a scratch folder beside the staging folder, and that copy is zipped.
fn write(book: &Book, opts: &BuildOptions, dir: &Path, profile: &str) -> Result<String, Error> {
    let name = zip_name(book, profile);
    let file = format!("{name}.zip");
    let base_url = book
        .config
        .outputs()
        .html
        .map(|h| h.base_url)
        .unwrap_or_default();
    if base_url.is_empty() {
        zip_site(&dir.join(layout::HTML_DIR), &name, &dir.join(&file))?;
        return Ok(file);
    }
    let parent = dir.parent().unwrap_or(dir);
    let scratch = tempfile::Builder::new()
        .prefix(layout::TMP_PREFIX)
        .tempdir_in(parent)
        .map_err(|e| anyhow::anyhow!("failed to make a folder in `{}`: {e}", parent.display()))?;
    let mut relative = book.clone();
    if let Some(html) = relative.config.output.html.as_mut() {
        html.base_url.clear();
    }
    if !profile.is_empty() {
        relative
            .variants
            .retain(|v| v.profile.as_deref() == Some(profile));
    }
    let site = scratch.path().join("site");
    let inner = BuildOptions {
        dest_dir: Some(site.clone()),
        deny_warnings: opts.deny_warnings,
        zip: false,
    };
    build_kept(&relative, &inner)?;
    zip_site(&site.join(layout::HTML_DIR), &name, &dir.join(&file))?;
    Ok(file)
}

fn zip_site(html: &Path, name: &str, to: &Path) -> Result<(), Error> {
    crate::output::zip::write_folder(html, name, to)
        .map_err(|e| anyhow::anyhow!("failed to write `{}`: {e:#}", to.display()))?;
    Ok(())
}
