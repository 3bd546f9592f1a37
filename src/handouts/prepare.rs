//! Handouts: what a print run needs before anything is laid out — the roster read and checked,
//! the guide checked once (the attendee's columns standing in for their values), each
//! handout's fields, and the warnings for handouts that would go without an address.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Failure, Sources};
use crate::error::Error;
use crate::handouts::roster::Roster;
use crate::source::load::LoadedGuide;
use crate::validate::{self, Asset, Resolved};
use crate::variant::Variant;
use crate::{book::Book, pipeline};

/// The roster at `path`, read and checked against the columns the guide uses (`used`); its
/// text goes into `sources` for the problems' snippets. Errors stop the run; the warnings are
/// given back.
pub(super) fn read_roster(
    path: &Path,
    used: &[String],
    sources: &mut Sources,
) -> Result<(Roster, Vec<Diagnostic>), Error> {
    let shown = path.to_path_buf();
    let text = crate::safe_fs::read_regular_text(path, crate::handouts::roster::MAX_ROSTER_BYTES)
        .map_err(|e| {
        Failure::new(format!("cannot read the roster `{}`: {e}", path.display()))
            .help("give a UTF-8 CSV file (at most 64 MiB) with a header row")
    })?;
    let text = text.trim_start_matches('\u{feff}');
    sources.insert(shown.clone(), std::sync::Arc::from(text));
    let roster =
        crate::handouts::roster::parse(text, &shown).map_err(|d| super::content(d, sources))?;
    let (errors, warnings) = crate::handouts::roster::check(&roster, used);
    if !errors.is_empty() {
        return Err(super::content(errors, sources));
    }
    Ok((roster, warnings))
}

/// A guide checked for the print run: its tree, what it resolved to, and its images.
pub(super) type Printable = (LoadedGuide, Resolved, Vec<Asset>);

/// The guide checked for the print run, and, when it loaded, its tree with its images numbered.
pub(super) fn check(
    book: &Book,
    guide: &LoadedGuide,
    variant: &Variant,
) -> (Vec<Diagnostic>, Option<Printable>) {
    let cx = validate::Context::new(&book.root, &book.src);
    let input = pipeline::GuideInput {
        book,
        cx: &cx,
        variant,
        lang: guide.lang.as_deref(),
        source: None,
    };
    let found = pipeline::check_guide(pipeline::Text::Given(&guide.path, &guide.text), input);
    let checked = found.checked.map(|tree| tree.alone(book));
    (found.diagnostics, checked)
}

/// Each handout's fields, in the roster's column order (one handout of blanks without a
/// roster).
pub(super) fn rows(roster: Option<&Roster>, used: &[String]) -> Vec<Vec<(String, String)>> {
    match roster {
        Some(r) => r
            .rows
            .iter()
            .map(|row| {
                r.columns
                    .iter()
                    .cloned()
                    .zip(row.values.iter().cloned())
                    .collect()
            })
            .collect(),
        None => vec![used.iter().map(|c| (c.clone(), String::new())).collect()],
    }
}

/// W016 for handouts that would have no QR code: the guide has no address online (`url`) and
/// the roster gives none, for every row or for some.
pub(super) fn without_address(
    url: Option<&str>,
    rows: &[Vec<(String, String)>],
    roster: Option<&Roster>,
    guide: &Path,
) -> Vec<Diagnostic> {
    if url.is_some() {
        return Vec::new();
    }
    let has_url = |r: &Vec<(String, String)>| r.iter().any(|(k, v)| k == "url" && !v.is_empty());
    if !rows.iter().any(has_url) {
        return vec![
            Diagnostic::warning(Code::W016, guide, "the handouts have no QR code: the guide has no address online")
                .help("set `base-url` in `[output.html]` (the site's address), or give the roster a `url` column"),
        ];
    }
    let Some((r, col)) = roster.and_then(|r| Some((r, r.columns.iter().position(|c| c == "url")?)))
    else {
        return Vec::new();
    };
    // Some rows have an address and others none: those handouts would go without a QR code,
    // silently.
    r.rows
        .iter()
        .filter(|row| row.values.get(col).is_none_or(|v| v.is_empty()))
        .map(|row| {
            Diagnostic::warning(
                Code::W016,
                &r.shown,
                format!("row {} has no `url`, and the guide has no address online: its handout has no QR code", row.line),
            )
            .at(row.spans.get(col).cloned().unwrap_or(0..0))
            .help("fill in the row's `url`, or set `base-url` in `[output.html]` for every row without one")
        })
        .collect()
}
