//! Config: the rules of book.toml that its schema cannot express — paths that must stay inside
//! the book, plain theme names, a safe `base-url`, `[lint]` values parsed when loaded — each an
//! error at its place, reported together with the shape problems.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Fix};
use crate::source::node::{self, Written};

/// Checks the rules on book.toml's tree; `root` is the book folder (canonical).
pub(super) fn check(tree: &node::Node, display: &Path, root: &Path, diags: &mut Vec<Diagnostic>) {
    let table = |name: &str| match &tree.value {
        node::Value::Map(m) => m.iter().find(|(k, _)| k.name == name).map(|(_, v)| v),
        _ => None,
    };
    paths(
        table("book"),
        table("build"),
        table("lint"),
        display,
        root,
        diags,
    );
    let html = match table("output").map(|o| &o.value) {
        Some(node::Value::Map(m)) => m.iter().find(|(k, _)| k.name == "html").map(|(_, v)| v),
        _ => None,
    };
    html_values(html, display, root, diags);
    let pdf = match table("output").map(|o| &o.value) {
        Some(node::Value::Map(m)) => m.iter().find(|(k, _)| k.name == "pdf").map(|(_, v)| v),
        _ => None,
    };
    font_paths(pdf, display, root, diags);
    if let Some((date, span)) = string_in(pdf, "workbook-date")
        && !is_day(date.trim())
    {
        diags.push(
            Diagnostic::error(
                Code::E006,
                display,
                format!("`workbook-date` is `{}`, not a date", date.escape_debug()),
            )
            .at(span)
            .help("write the day as `YYYY-MM-DD`, like `workbook-date = \"2026-03-14\"`"),
        );
    }
    lint_table_values(table("lint"), display, diags);
    #[cfg(not(feature = "pdf"))]
    if let Some(node::Value::Map(m)) = table("output").map(|o| &o.value)
        && let Some((k, _)) = m.iter().find(|(k, _)| k.name == "pdf")
    {
        diags.push(
            Diagnostic::error(
                Code::E002,
                display,
                "`[output.pdf]` needs a stepbook built with the `pdf` feature",
            )
            .at(k.span.clone())
            .help("install stepbook with its default features, or remove `[output.pdf]`"),
        );
    }
}

/// Whether `s` is a day as `YYYY-MM-DD` (a real month and day of that month).
fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        let t = &s[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse::<u32>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=days).contains(&d)
}

/// The string value of `key` in table `t`, with its span.
fn string_in(t: Option<&node::Node>, key: &str) -> Option<(String, std::ops::Range<usize>)> {
    match t.map(|t| &t.value) {
        Some(node::Value::Map(m)) => m.iter().find_map(|(k, v)| match &v.value {
            node::Value::Str(s) if k.name == key => Some((s.clone(), v.span.clone())),
            _ => None,
        }),
        _ => None,
    }
}

/// Paths a book names must stay inside it: a cloned book must not make stepbook read, write or
/// delete anything else (`--dest-dir` on the command line may point anywhere).
fn paths(
    book: Option<&node::Node>,
    build: Option<&node::Node>,
    lint: Option<&node::Node>,
    display: &Path,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let (src, src_span) = string_in(book, "src").unwrap_or_else(|| ("content".into(), 0..0));
    let paths = [
        (book, "src", "the guides folder", "content", ""),
        (
            build,
            "build-dir",
            "the output folder",
            "book",
            "; to write elsewhere, pass `--dest-dir`",
        ),
        (lint, "cache-dir", "the cache folder", ".stepbook-cache", ""),
    ];
    for (t, key, what, example, more) in paths {
        if let Some((value, span)) = string_in(t, key)
            && let Err(why) = inside_book(root, &value)
        {
            diags.push(
                Diagnostic::error(Code::E104, display, format!("`{key}` {why}"))
                    .at(span)
                    .help(format!(
                        "{what} must be a relative path inside the book, like `{example}`{more}"
                    )),
            );
        }
    }
    if inside_book(root, &src).is_ok() && !root.join(&src).is_dir() {
        diags.push(
            Diagnostic::error(
                Code::E102,
                display,
                format!("the guides folder `{src}` does not exist"),
            )
            .at(src_span)
            .help(format!(
                "create `{src}` and put guide files (`*.yaml`) in it, or set `src` in [book]"
            )),
        );
    }
}

/// `[output.pdf] fonts`: each a font file or a folder inside the book.
fn font_paths(pdf: Option<&node::Node>, display: &Path, root: &Path, diags: &mut Vec<Diagnostic>) {
    let Some(node::Value::Map(m)) = pdf.map(|p| &p.value) else {
        return;
    };
    let Some(node::Value::Seq(list)) = m
        .iter()
        .find(|(k, _)| k.name == "fonts")
        .map(|(_, v)| &v.value)
    else {
        return;
    };
    for item in list {
        let node::Value::Str(rel) = &item.value else {
            continue;
        };
        let problem = match inside_book(root, rel) {
            Err(why) => Some(format!("`fonts` entry {why}")),
            Ok(()) => {
                let path = root.join(rel);
                if path.is_dir() {
                    None
                } else if !path.is_file() {
                    Some(format!(
                        "the font path `{}` does not exist",
                        rel.escape_debug()
                    ))
                } else if !is_font_file(&path) {
                    Some(format!(
                        "`{}` is not a font file (`.ttf`, `.otf`, `.ttc`, `.otc`)",
                        rel.escape_debug()
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(message) = problem {
            diags.push(
                Diagnostic::error(Code::E104, display, message)
                    .at(item.span.clone())
                    .help("name font files or folders of them inside the book, like `fonts = [\"fonts/\"]`"),
            );
        }
    }
}

/// Does `path` name a font file (by its extension)?
pub(crate) fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str()))
}

/// `[output.html]`: a safe `base-url`, a theme that is a plain name of a folder in the book.
fn html_values(
    html: Option<&node::Node>,
    display: &Path,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some((url, span)) = string_in(html, "base-url")
        && let Some(why) = base_url_problem(&url)
    {
        diags.push(
            Diagnostic::error(
                Code::E006,
                display,
                format!("`base-url` `{}` is not allowed", url.escape_debug()),
            )
            .at(span)
            .help(why),
        );
    }
    if let Some((template, span)) = string_in(html, "feedback-url") {
        feedback_url(&template, span, display, diags);
    }
    let Some((theme, span)) = string_in(html, "theme") else {
        return;
    };
    if !plain_name(&theme) {
        diags.push(
            Diagnostic::error(
                Code::E103,
                display,
                format!("theme `{}` is not a plain folder name", theme.escape_debug()),
            )
            .at(span)
            .help("a theme is the name of a folder under `themes/`, like `dark`: letters, digits, `-`, `_` and `.`, not starting with `.`"),
        );
    } else if theme != "default" && !real_dir_inside(root, &root.join("themes").join(&theme)) {
        diags.push(
            Diagnostic::error(Code::E103, display, format!("theme `{theme}` not found"))
                .at(span)
                .help(format!(
                    "create `themes/{theme}/` (its files override the default theme's), or use `theme = \"default\"`"
                )),
        );
    }
}

/// `feedback-url`: a web or mail address whose placeholders are known ones; an unknown one is
/// reported at its name, with the fix when a known one is near.
fn feedback_url(
    template: &str,
    span: std::ops::Range<usize>,
    display: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let Err(p) = super::feedback::FeedbackUrl::parse(template) else {
        return;
    };
    // The template's bytes in book.toml, when the string is written as read (no escapes).
    let inner = span.start + 1..span.end.saturating_sub(1);
    let written = inner.len() == template.len();
    let at = if written {
        inner.start + p.at.start..inner.start + p.at.end
    } else {
        span
    };
    let d = Diagnostic::error(
        Code::E006,
        display,
        format!("`feedback-url`: {}", p.message),
    )
    .at(at.clone());
    diags.push(match p.meant {
        Some(m) if written => d.suggest(Fix::new(at, m)),
        Some(m) => d.help(crate::diag::suggestion(m)),
        None => d.help(format!(
            "the placeholders are {}",
            super::feedback::FeedbackUrl::names()
        )),
    });
}

/// Checks the `[lint]` values the schema cannot: `cache-max-age` must be a duration, and each
/// key of `[lint.severity]` a diagnostic code (a misspelt one would silently do nothing).
fn lint_table_values(lint: Option<&node::Node>, display: &Path, diags: &mut Vec<Diagnostic>) {
    let Some(node::Value::Map(entries)) = lint.map(|l| &l.value) else {
        return;
    };
    for (key, value) in entries {
        match (key.name.as_str(), &value.value) {
            (name @ ("cache-max-age" | "screenshot-max-age"), node::Value::Str(s)) => {
                let (why, help) = if name == "cache-max-age" {
                    let why = crate::duration::Duration::parse(s).err();
                    (
                        why.map(|e| format!("is not a duration: {}", e.0)),
                        "write it like `24h`, `30m` or `7d`",
                    )
                } else {
                    let why = super::parse_days(s).err();
                    (
                        why.map(|e| format!("is not a number of days: {e}")),
                        "write it like `365d` or `52w`",
                    )
                };
                if let Some(why) = why {
                    diags.push(
                        Diagnostic::error(
                            Code::E006,
                            display,
                            format!("`{name}` `{}` {why}", s.escape_debug()),
                        )
                        .at(value.span.clone())
                        .help(help),
                    );
                }
            }
            ("exclude", node::Value::Seq(patterns)) => {
                for p in patterns {
                    if let node::Value::Str(text) = &p.value
                        && let Err(why) = exclude_glob(text)
                    {
                        diags.push(
                            Diagnostic::error(
                                Code::E006,
                                display,
                                format!("exclude pattern `{}` is not valid: {why}", text.escape_debug()),
                            )
                            .at(p.span.clone())
                            .help("`*` matches any text and `?` one character; write `\\[` for a literal `[`"),
                        );
                    }
                }
            }
            ("severity", node::Value::Map(codes)) => unknown_codes(codes, display, diags),
            _ => {}
        }
    }
}

/// Each key of `[lint.severity]` that is not a diagnostic code (a misspelt one would silently do
/// nothing), with "did you mean".
fn unknown_codes(codes: &[(node::Key, node::Node)], display: &Path, diags: &mut Vec<Diagnostic>) {
    for (code, _) in codes {
        if Code::parse(&code.name).is_some() {
            continue;
        }
        let names = Code::ALL.iter().map(|c| c.as_str());
        let d = Diagnostic::error(
            Code::E002,
            display,
            format!(
                "unknown diagnostic code `{}` in [lint.severity]",
                code.name.escape_debug()
            ),
        )
        .at(code.span.clone());
        diags.push(
            match crate::diag::did_you_mean(&code.name.to_ascii_uppercase(), names) {
                Some(m) => d.suggest(Fix::written(
                    code.span.clone(),
                    m,
                    Written::TomlKey.write(m),
                )),
                None => d.help("use a code from the README's table of diagnostics, like `L003`"),
            },
        );
    }
}

/// One `exclude` pattern as a glob; an `Err` says what is wrong with it.
pub fn exclude_glob(pattern: &str) -> Result<globset::Glob, String> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .backslash_escape(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

/// A `base-url` the pages can use as a link prefix: empty, a path from the site's root, or an
/// http(s) URL with a host; no other scheme (`javascript:`), no `//host` without one, nothing
/// that would break out of an attribute.
pub fn base_url_ok(url: &str) -> bool {
    base_url_problem(url).is_none()
}

/// What is wrong with `url` as a `base-url`, if anything: it is put before every link of the
/// site, so a query or fragment would end up inside every link (`…#frag/theme/style.css`), and
/// credentials (`user:password@`) would be published in every page.
fn base_url_problem(url: &str) -> Option<&'static str> {
    if url.contains(['?', '#']) {
        return Some("a query or fragment (`?…`, `#…`) would end up inside every link: remove it");
    }
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if host.split('/').next().is_some_and(|h| h.contains('@')) {
        return Some(
            "credentials (`user:password@`) would be published in every page: remove them",
        );
    }
    (!base_url_shape_ok(url)).then_some(
        "use a path that starts with `/` (like `/guides/`), an http(s):// URL, or leave it empty for relative links",
    )
}

fn base_url_shape_ok(url: &str) -> bool {
    if url.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    }) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    url.is_empty()
        || (url.starts_with('/') && !url.starts_with("//"))
        || lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// A name that stands for one folder: no separators, no `..`, nothing hidden or odd.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Is `dir` a folder that is really inside `root` (after following links)?
pub fn real_dir_inside(root: &Path, dir: &Path) -> bool {
    std::fs::canonicalize(dir).is_ok_and(|d| d.is_dir() && d.starts_with(root))
}

/// Checks that `rel`, a path from book.toml, names a place inside the book `root`: relative,
/// no `..` that climbs out, and no link on the way that leads out. `Err` says what is wrong.
pub fn inside_book(root: &Path, rel: &str) -> Result<(), String> {
    use std::path::Component;
    let path = Path::new(rel);
    if rel.trim().is_empty() {
        return Err("is empty".into());
    }
    if rel.contains(['\0', '\n', '\r']) {
        return Err("holds a control character".into());
    }
    if path.has_root()
        || path.is_absolute()
        || matches!(path.components().next(), Some(Component::Prefix(_)))
    {
        return Err(format!("is an absolute path (`{}`)", rel.escape_debug()));
    }
    let mut depth = 0usize;
    for c in path.components() {
        match c {
            Component::ParentDir if depth == 0 => {
                return Err(format!("`{}` leads out of the book", rel.escape_debug()));
            }
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    match crate::safe_fs::absolute(&root.join(path)) {
        Ok(abs) if abs.starts_with(root) => Ok(()),
        Ok(abs) => Err(format!(
            "`{}` leads out of the book through a link (to `{}`)",
            rel.escape_debug(),
            abs.display()
        )),
        Err(e) => Err(format!("cannot be resolved: {e:#}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_day_is_a_real_date() {
        for ok in ["2026-03-14", "2024-02-29", "2000-02-29", "1999-12-31"] {
            assert!(super::is_day(ok), "{ok}");
        }
        for bad in [
            "2026-3-14",
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-00-10",
            "next Friday",
            "+026-03-14",
        ] {
            assert!(!super::is_day(bad), "{bad}");
        }
    }
}
