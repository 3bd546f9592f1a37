//! Handouts: what a print run needs before anything is laid out — the roster read and checked,
//! the guide checked once (the attendee's columns standing in for their values), each
//! handout's fields (and the attendee's name for its running header), and the warnings for
//! handouts that would go without an address.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Failure, Sources};
use crate::error::Error;
use crate::handouts::roster::Roster;
use crate::handouts::roster_check::{FAMILY_NAMES, GIVEN_NAMES};
use crate::source::load::LoadedGuide;
use crate::validate::{self, Asset, Resolved};
use crate::variant::Variant;
use crate::{book::Book, pipeline};

/// The roster at `path`, read and checked against the columns the guide uses (`used`) and
/// `[handouts] show` (`show`); its text goes into `sources` for the problems' snippets. Errors
/// stop the run (a file that is not UTF-8 at its first bad byte); the warnings are given back.
pub(super) fn read_roster(
    path: &Path,
    used: &[String],
    show: Option<&[String]>,
    sources: &mut Sources,
) -> Result<(Roster, Vec<Diagnostic>), Error> {
    let shown = path.to_path_buf();
    let bytes = crate::safe_fs::read_regular(path, crate::handouts::roster::MAX_ROSTER_BYTES)
        .map_err(|e| {
            let failure = Failure::new(format!("cannot read the roster `{}`: {e}", path.display()))
                .help("give a UTF-8 CSV file (at most 64 MiB) with a header row");
            // A mistyped name on the command line is a usage mistake (exit 2).
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(failure)
            } else {
                failure.into()
            }
        })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let (d, text) = super::roster_check::not_utf8(e.as_bytes(), valid, &shown);
            sources.insert(shown, std::sync::Arc::from(text));
            return Err(super::content(vec![d], sources));
        }
    };
    let text = text.trim_start_matches('\u{feff}');
    sources.insert(shown.clone(), std::sync::Arc::from(text));
    let roster =
        crate::handouts::roster::parse(text, &shown).map_err(|d| super::content(d, sources))?;
    if let Some(d) = super::roster_check::header_is_data(&roster, used, show) {
        return Err(super::content(vec![d], sources));
    }
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
    let mut diagnostics = found.diagnostics;
    // The handouts show the same copies of remote screenshots as the book's PDFs.
    let checked = found.checked.map(|tree| {
        let (g, r, assets, problems) = tree.alone_with_copies(book);
        diagnostics.extend(problems);
        (g, r, assets)
    });
    (diagnostics, checked)
}

/// Each handout's fields, in the roster's column order (one handout of blanks without a
/// roster).
pub(super) fn rows(roster: Option<&Roster>, used: &[String]) -> Vec<Vec<(String, String)>> {
    match roster {
        Some(r) => {
            // Only the columns that can be variables, each once.
            let cols: Vec<usize> = (0..r.columns.len())
                .filter(|&i| {
                    crate::variables::valid_name(&r.columns[i])
                        && r.column(&r.columns[i]) == Some(i)
                })
                .collect();
            // A column the guide uses by the other name of one the roster has (`code` for
            // `promo_code`) takes its values.
            let aliased: Vec<(&String, usize)> = used
                .iter()
                .filter(|u| r.column(u).is_none())
                .filter_map(|u| Some((u, r.column_for(u)?)))
                .collect();
            r.rows
                .iter()
                .map(|row| {
                    let value = |i: usize| row.values.get(i).cloned().unwrap_or_default();
                    cols.iter()
                        .map(|&i| (r.columns[i].clone(), value(i)))
                        .chain(aliased.iter().map(|&(u, i)| (u.clone(), value(i))))
                        .collect()
                })
                .collect()
        }
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

/// The columns each handout prints: `[handouts] show`, else the name and promo code columns
/// the roster has and the columns the guide uses (never an email or a phone number unless
/// `show` names it; the code once, by either name). Without a roster, lines to fill in for a
/// name and the code, and the columns the guide uses.
/// A column `show` names that the roster lacks is book.toml's mistake: a configuration error
/// at its place there (exit 3).
pub(super) fn shown_columns(
    book: &Book,
    roster: Option<&Roster>,
    used: &[String],
) -> Result<Vec<String>, Error> {
    if let Some(show) = &book.config.handouts.show {
        let Some(r) = roster else {
            return Ok(show.clone());
        };
        // `code` names a roster's `promo_code` column, and the other way round.
        let shown: Vec<String> = show
            .iter()
            .map(|c| match crate::handouts::roster::alias(c) {
                Some(a) if r.column(c).is_none() && r.column(a).is_some() => a.to_owned(),
                _ => c.clone(),
            })
            .collect();
        if shown.iter().any(|c| r.column(c).is_none()) {
            return Err(unknown_shown(book, r));
        }
        return Ok(shown);
    }
    // The code is what attendees type: printed even when the guide does not quote it.
    let names = [
        "name",
        "full_name",
        "first_name",
        "last_name",
        "code",
        "promo_code",
    ];
    let mut out: Vec<String> = match roster {
        Some(r) => names
            .iter()
            .filter(|n| r.column(n).is_some())
            .map(|n| (*n).to_owned())
            .collect(),
        None if used.iter().any(|u| u == "promo_code") => vec!["name".to_owned()],
        None => vec!["name".to_owned(), "code".to_owned()],
    };
    for u in used {
        let private = u.contains("mail") || u.contains("phone");
        let other = crate::handouts::roster::alias(u).is_some_and(|a| out.iter().any(|o| o == a));
        if !out.contains(u) && u != "url" && !private && !other {
            out.push(u.clone());
        }
    }
    Ok(out)
}

/// The roster `opts` names (read and checked: its warnings added to `diagnostics`) and the
/// columns each handout prints (a `show` column the roster lacks is a configuration error).
pub(super) fn roster_and_show(
    book: &Book,
    opts: &super::HandoutOptions,
    used: &[String],
    sources: &mut Sources,
    diagnostics: &mut crate::diag::Diagnostics,
) -> Result<(Option<Roster>, Vec<String>), Error> {
    let roster = match &opts.roster {
        Some(path) => {
            let show = book.config.handouts.show.as_deref();
            let (roster, warnings) = read_roster(path, used, show, sources)?;
            diagnostics.extend(warnings);
            Some(roster)
        }
        None => None,
    };
    let show = shown_columns(book, roster.as_ref(), used)?;
    if let Some(r) = &roster {
        let (errors, warnings) = super::roster_check::printed(r, &show, used);
        if !errors.is_empty() {
            return Err(super::content(errors, sources));
        }
        diagnostics.extend(warnings);
    }
    Ok((roster, show))
}

/// The configuration error for the `[handouts] show` names the roster has no column for, at
/// their places in book.toml.
fn unknown_shown(book: &Book, roster: &Roster) -> Error {
    let rel = Path::new(crate::config::CONFIG_FILE);
    let shown = crate::diag::shown_path(&book.shown_root, rel);
    let text =
        crate::safe_fs::read_regular_text(&book.root.join(rel), crate::config::MAX_CONFIG_BYTES)
            .unwrap_or_default();
    let mut found = crate::config::handouts::unknown_columns(&text, &shown, &roster.columns);
    if found.is_empty() {
        // book.toml changed since it was read: the error without its place.
        found.push(Diagnostic::error(
            Code::E006,
            &shown,
            "`[handouts] show` names a column the roster does not have",
        ));
    }
    let mut diagnostics = crate::diag::Diagnostics::default();
    diagnostics.extend(found);
    let mut sources = Sources::default();
    sources.insert(shown, std::sync::Arc::from(text));
    Error::Config(crate::config::ConfigError::Invalid {
        diagnostics,
        sources,
    })
}

/// The attendee's printed fields for the running header: the parts of their name that follow
/// each other (`first_name`, `last_name`) as one name, each other field on its own. A name
/// is written as its script writes names: "Ada Lovelace", given name first, with a space;
/// "王小明", "山田太郎", "김민준", family name first, without one.
pub(super) fn running_name(fields: &[serde_json::Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // The parts of the name being read: (family name?, text).
    let mut name: Vec<(bool, &str)> = Vec::new();
    for f in fields {
        let Some(v) = f["shown"].as_str().filter(|v| !v.is_empty()) else {
            continue;
        };
        let column = f["name"].as_str().unwrap_or("");
        let family = FAMILY_NAMES.contains(&column);
        if family || GIVEN_NAMES.contains(&column) {
            name.push((family, v));
            continue;
        }
        out.extend(joined(&mut name));
        out.push(v.to_owned());
    }
    out.extend(joined(&mut name));
    out
}

/// The parts of one name as one (see [`running_name`]), taking them; `None` for no parts.
fn joined(parts: &mut Vec<(bool, &str)>) -> Option<String> {
    if parts.is_empty() {
        return None;
    }
    let east_asian = parts
        .iter()
        .all(|(_, p)| p.chars().filter(|c| !c.is_whitespace()).all(east_asian));
    let name = if east_asian {
        // Family name first; a stable sort keeps the order within each kind.
        parts.sort_by_key(|(family, _)| !family);
        parts.iter().map(|(_, p)| p.trim()).collect::<String>()
    } else {
        parts.iter().map(|(_, p)| *p).collect::<Vec<_>>().join(" ")
    };
    parts.clear();
    Some(name)
}

/// Han, kana and hangul: the scripts whose names are written family name first.
fn east_asian(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}' | '\u{3040}'..='\u{30ff}' | '\u{3130}'..='\u{318f}'
        | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}'
        | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

#[cfg(test)]
mod tests {
    use super::running_name;

    fn fields(pairs: &[(&str, &str)]) -> Vec<serde_json::Value> {
        pairs
            .iter()
            .map(|(n, v)| serde_json::json!({ "name": n, "shown": v }))
            .collect()
    }

    #[test]
    fn a_name_is_written_as_its_script_writes_names() {
        let latin = fields(&[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("code", "P-1"),
        ]);
        assert_eq!(running_name(&latin), ["Ada Lovelace", "P-1"]);
        let chinese = fields(&[("first_name", "小明"), ("last_name", "王"), ("code", "P-2")]);
        assert_eq!(running_name(&chinese), ["王小明", "P-2"]);
        let japanese = fields(&[("given_name", "太郎"), ("surname", "山田")]);
        assert_eq!(running_name(&japanese), ["山田太郎"]);
        let korean = fields(&[("first_name", "민준"), ("last_name", "김")]);
        assert_eq!(running_name(&korean), ["김민준"]);
        // Already family name first (the roster's order): kept.
        let ordered = fields(&[("last_name", "王"), ("first_name", "小明")]);
        assert_eq!(running_name(&ordered), ["王小明"]);
        // A name in two scripts, or one part empty: as the roster has it.
        let mixed = fields(&[("first_name", "Xiaoming"), ("last_name", "王")]);
        assert_eq!(running_name(&mixed), ["Xiaoming 王"]);
        let one = fields(&[("first_name", ""), ("last_name", "王"), ("name", "x")]);
        assert_eq!(running_name(&one), ["王", "x"]);
        // Parts apart from each other are fields of their own.
        let apart = fields(&[("first_name", "Ada"), ("code", "P"), ("last_name", "L")]);
        assert_eq!(running_name(&apart), ["Ada", "P", "L"]);
    }
}
