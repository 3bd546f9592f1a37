//! Config: `book.toml`, checked against the schema of these types (every problem at its place,
//! with "did you mean" for misspelt keys) and then deserialised.

use crate::diag::Code;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::node;
use crate::shape::{self, Flavor};

pub const CONFIG_FILE: &str = "book.toml";
/// A book.toml larger than this is not a configuration file.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The whole `book.toml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Metadata of the book.
    pub book: BookTable,
    /// Where and how the book is built.
    #[serde(default)]
    pub build: BuildTable,
    /// Which outputs to write. No `[output.*]` table means all of them.
    #[serde(default)]
    pub output: OutputTable,
    /// Settings of `stepbook lint`; command-line flags override them.
    #[serde(default)]
    pub lint: LintTable,
}

/// `[lint]`
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintTable {
    /// Seconds to wait for a connection.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout: u64,
    /// Seconds one request may take in all.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Requests in flight at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    #[serde(default = "default_per_host")]
    pub per_host: usize,
    /// Retries after a timeout, a 429 or a 5xx answer (with backoff; `Retry-After` honoured).
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Redirects followed before giving up.
    #[serde(default = "default_max_redirects")]
    pub max_redirects: u32,
    /// Status codes that count as success besides 2xx (e.g. `[403]` for a site that blocks
    /// robots).
    #[serde(default)]
    pub accept: Vec<u16>,
    /// URLs not checked: patterns where `*` matches any text, e.g. `https://intranet/*`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A local screenshot larger than this many bytes is reported.
    #[serde(default = "default_max_image_bytes")]
    pub max_image_bytes: u64,
    /// A local screenshot with more pixels than this (width × height) is reported.
    #[serde(default = "default_max_image_pixels")]
    pub max_image_pixels: u64,
    /// The User-Agent header of every request.
    #[serde(default = "default_user_agent")]
    pub user_agent: String,
    /// Folder, relative to book.toml, that keeps the results of earlier runs.
    #[serde(default = "default_cache_dir")]
    pub cache_dir: PathBuf,
    /// How long a good result stays valid in the cache: `1h`, `24h`, `30m`.
    #[serde(default = "default_cache_max_age")]
    pub cache_max_age: String,
    /// Severity of each lint problem by code: `"error"`, `"warning"` or `"off"`, e.g.
    /// `{ L003 = "error" }`.
    #[serde(default)]
    pub severity: std::collections::BTreeMap<String, LintLevel>,
}

/// What a lint problem counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LintLevel {
    Error,
    Warning,
    Off,
}

impl Default for LintTable {
    fn default() -> Self {
        LintTable {
            connect_timeout: default_connect_timeout(),
            timeout: default_timeout(),
            concurrency: default_concurrency(),
            per_host: default_per_host(),
            retries: default_retries(),
            max_redirects: default_max_redirects(),
            accept: Vec::new(),
            exclude: Vec::new(),
            max_image_bytes: default_max_image_bytes(),
            max_image_pixels: default_max_image_pixels(),
            user_agent: default_user_agent(),
            cache_dir: default_cache_dir(),
            cache_max_age: default_cache_max_age(),
            severity: Default::default(),
        }
    }
}

fn default_connect_timeout() -> u64 {
    5
}
fn default_timeout() -> u64 {
    20
}
fn default_concurrency() -> usize {
    128
}
fn default_per_host() -> usize {
    128
}
fn default_retries() -> u32 {
    2
}
fn default_max_redirects() -> u32 {
    5
}
fn default_max_image_bytes() -> u64 {
    10 * 1024 * 1024
}
fn default_max_image_pixels() -> u64 {
    40_000_000
}
fn default_user_agent() -> String {
    concat!("stepbook/", env!("CARGO_PKG_VERSION"), " (link checker)").into()
}
fn default_cache_dir() -> PathBuf {
    ".stepbook-cache".into()
}
fn default_cache_max_age() -> String {
    "24h".into()
}

/// `[book]`
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookTable {
    /// Title of the book, shown on the index page.
    pub title: String,
    /// Names of the authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Language of the content, as a BCP 47 tag (`lang` attribute of the pages).
    #[serde(default = "default_language")]
    pub language: String,
    /// One sentence shown under the title on the index page.
    #[serde(default)]
    pub description: Option<String>,
    /// Folder, relative to book.toml, holding the guide files (`*.yaml`, `*.yml`).
    #[serde(default = "default_src")]
    pub src: PathBuf,
}

/// `[build]`
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildTable {
    /// Folder, relative to book.toml, the outputs are written to.
    #[serde(default = "default_build_dir")]
    pub build_dir: PathBuf,
}

impl Default for BuildTable {
    fn default() -> Self {
        BuildTable {
            build_dir: default_build_dir(),
        }
    }
}

/// `[output]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OutputTable {
    /// The static HTML site: `<build-dir>/html/`.
    #[serde(default)]
    pub html: Option<HtmlOutput>,
    /// GitHub-flavoured Markdown: `<build-dir>/markdown/`.
    #[serde(default)]
    pub markdown: Option<MarkdownOutput>,
    /// Printable checklists: `<build-dir>/checklist/`.
    #[serde(default)]
    pub checklist: Option<ChecklistOutput>,
}

/// `[output.html]`
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HtmlOutput {
    /// Theme: `default`, or the name of a folder under `themes/` whose files override the default
    /// theme's file by file.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// URL prefix the site is served under, e.g. `/guides/`. Empty: links are relative.
    #[serde(default)]
    pub base_url: String,
}

impl Default for HtmlOutput {
    fn default() -> Self {
        HtmlOutput {
            theme: default_theme(),
            base_url: String::new(),
        }
    }
}

/// `[output.markdown]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MarkdownOutput {}

/// `[output.checklist]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChecklistOutput {
    /// Paper size of the printed checklist.
    #[serde(default)]
    pub paper: Paper,
}

/// Paper sizes for printed checklists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// The CSS `@page` size.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

fn default_language() -> String {
    "en".into()
}
fn default_src() -> PathBuf {
    "content".into()
}
fn default_build_dir() -> PathBuf {
    "book".into()
}
fn default_theme() -> String {
    "default".into()
}

impl Config {
    /// The outputs to write: those configured, or all three when none is.
    pub fn outputs(&self) -> OutputTable {
        let o = &self.output;
        if o.html.is_none() && o.markdown.is_none() && o.checklist.is_none() {
            OutputTable {
                html: Some(HtmlOutput::default()),
                markdown: Some(MarkdownOutput::default()),
                checklist: Some(ChecklistOutput::default()),
            }
        } else {
            o.clone()
        }
    }

    pub fn theme(&self) -> String {
        self.outputs().html.map_or_else(default_theme, |h| h.theme)
    }
}

/// A problem with the configuration: either the file is missing or unreadable (plain message),
/// or it has problems at places (diagnostics).
#[derive(Debug)]
pub enum ConfigError {
    Missing {
        path: PathBuf,
    },
    Unreadable {
        path: PathBuf,
        message: String,
    },
    Invalid {
        diagnostics: Diagnostics,
        sources: Sources,
    },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Missing { path } => write!(
                f,
                "no `{CONFIG_FILE}` in `{}`\n  = help: run `stepbook init {}` to create a book there, or write `{}` with a [book] table holding at least `title = \"...\"`",
                path.display(),
                path.display(),
                path.join(CONFIG_FILE).display()
            ),
            ConfigError::Unreadable { path, message } => {
                write!(f, "cannot read `{}`: {message}", path.display())
            }
            ConfigError::Invalid {
                diagnostics,
                sources,
            } => f.write_str(diagnostics.render(sources, false).trim_end()),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The JSON Schema of book.toml.
pub fn config_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<Config>()).unwrap_or_default()
}

/// Reads and checks `<root>/book.toml`. `shown` is the root as the user wrote it, used in messages.
pub fn load(root: &Path, shown: &Path) -> Result<Config, ConfigError> {
    let path = root.join(CONFIG_FILE);
    let display = crate::shown_path(shown, Path::new(CONFIG_FILE));
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::Missing {
                path: shown.to_path_buf(),
            });
        }
        Err(e) => {
            return Err(ConfigError::Unreadable {
                path: display,
                message: e.to_string(),
            });
        }
    };
    if !meta.is_file() {
        return Err(ConfigError::Unreadable {
            path: display,
            message: "it is not a regular file".into(),
        });
    }
    // A FIFO, a device or a file that grows while read cannot hang or exhaust memory.
    let text = crate::safe_fs::read_regular_text(&path, MAX_CONFIG_BYTES).map_err(|e| {
        ConfigError::Unreadable {
            path: display.clone(),
            message: format!("{e}; a book.toml is a UTF-8 text file of at most 1 MiB"),
        }
    })?;
    parse(&text, &display, root)
}

/// Checks config text; `display` is the path shown in diagnostics, `root` the book folder.
pub fn parse(text: &str, display: &Path, root: &Path) -> Result<Config, ConfigError> {
    let mut sources = Sources::default();
    sources.insert(display, Arc::from(text));
    let mut diags = Vec::new();
    let invalid = |diags: Vec<Diagnostic>, sources: Sources| {
        let mut d = Diagnostics::default();
        d.extend(diags);
        d.sort();
        ConfigError::Invalid {
            diagnostics: d,
            sources,
        }
    };
    let tree = match node::parse_toml(text) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::error(Code::E101, display, format!("invalid TOML: {}", e.message))
                    .at(e.span)
                    .help("see https://toml.io for the syntax"),
            );
            return Err(invalid(diags, sources));
        }
    };
    shape::check(&tree, &config_schema(), display, Flavor::Toml, &mut diags);
    for (span, c) in node::control_chars(&tree) {
        diags.push(node::control_char_error(display, span, c));
    }
    // Rules the schema cannot express; checked on the tree so they are reported together with
    // the shape problems.
    let table = |name: &str| match &tree.value {
        node::Value::Map(m) => m.iter().find(|(k, _)| k.name == name).map(|(_, v)| v),
        _ => None,
    };
    let string_in = |t: Option<&node::Node>, key: &str| match t.map(|t| &t.value) {
        Some(node::Value::Map(m)) => m.iter().find_map(|(k, v)| match &v.value {
            node::Value::Str(s) if k.name == key => Some((s.clone(), v.span.clone())),
            _ => None,
        }),
        _ => None,
    };
    let (src, src_span) =
        string_in(table("book"), "src").unwrap_or_else(|| ("content".into(), 0..0));
    // Paths a book names must stay inside it: a cloned book must not make stepbook read, write
    // or delete anything else (`--dest-dir` on the command line may point anywhere).
    let paths = [
        (table("book"), "src", "the guides folder"),
        (table("build"), "build-dir", "the output folder"),
        (table("lint"), "cache-dir", "the cache folder"),
    ];
    for (t, key, what) in paths {
        if let Some((value, span)) = string_in(t, key)
            && let Err(why) = inside_book(root, &value)
        {
            diags.push(
                Diagnostic::error(Code::E104, display, format!("`{key}` {why}"))
                    .at(span)
                    .help(format!(
                        "{what} must be a relative path inside the book, like `{}`{}",
                        match key {
                            "src" => "content",
                            "build-dir" => "book",
                            _ => ".stepbook-cache",
                        },
                        if key == "build-dir" {
                            "; to write elsewhere, pass `--dest-dir`"
                        } else {
                            ""
                        }
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
    let html = match table("output").map(|o| &o.value) {
        Some(node::Value::Map(m)) => m.iter().find(|(k, _)| k.name == "html").map(|(_, v)| v),
        _ => None,
    };
    if let Some((url, span)) = string_in(html, "base-url")
        && !base_url_ok(&url)
    {
        diags.push(
            Diagnostic::error(Code::E006, display, format!("`base-url` `{}` is not allowed", url.escape_debug()))
                .at(span)
                .help("use a path that starts with `/` (like `/guides/`), an http(s):// URL, or leave it empty for relative links"),
        );
    }
    lint_table_values(table("lint"), display, &mut diags);
    let theme = string_in(html, "theme");
    if let Some((theme, span)) = &theme
        && !plain_name(theme)
    {
        diags.push(
            Diagnostic::error(
                Code::E103,
                display,
                format!("theme `{}` is not a plain folder name", theme.escape_debug()),
            )
            .at(span.clone())
            .help("a theme is the name of a folder under `themes/`, like `dark`: letters, digits, `-`, `_` and `.`, not starting with `.`"),
        );
    } else if let Some((theme, span)) = theme
        && theme != "default"
        && !real_dir_inside(root, &root.join("themes").join(&theme))
    {
        diags.push(
            Diagnostic::error(Code::E103, display, format!("theme `{theme}` not found"))
                .at(span)
                .help(format!(
                    "create `themes/{theme}/` (its files override the default theme's), or use `theme = \"default\"`"
                )),
        );
    }
    if !diags.is_empty() {
        return Err(invalid(diags, sources));
    }
    toml::from_str(text).map_err(|e| {
        invalid(
            vec![
                Diagnostic::error(Code::E101, display, e.message().to_owned())
                    .at(e.span().unwrap_or(0..0)),
            ],
            sources,
        )
    })
}

/// Checks the `[lint]` values the schema cannot: `cache-max-age` must be a duration, and each
/// key of `[lint.severity]` a diagnostic code (a misspelt one would silently do nothing).
fn lint_table_values(lint: Option<&node::Node>, display: &Path, diags: &mut Vec<Diagnostic>) {
    let Some(node::Value::Map(entries)) = lint.map(|l| &l.value) else {
        return;
    };
    for (key, value) in entries {
        match (key.name.as_str(), &value.value) {
            ("cache-max-age", node::Value::Str(s)) => {
                if let Err(e) = crate::duration::Duration::parse(s) {
                    diags.push(
                        Diagnostic::error(
                            Code::E006,
                            display,
                            format!(
                                "`cache-max-age` `{}` is not a duration: {}",
                                s.escape_debug(),
                                e.0
                            ),
                        )
                        .at(value.span.clone())
                        .help("write it like `24h`, `30m` or `7d`"),
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
            ("severity", node::Value::Map(codes)) => {
                for (code, _) in codes {
                    if Code::parse(&code.name).is_some() {
                        continue;
                    }
                    let names = Code::ALL.iter().map(|c| c.as_str());
                    let help =
                        match crate::diag::did_you_mean(&code.name.to_ascii_uppercase(), names) {
                            Some(m) => format!("did you mean `{m}`?"),
                            None => {
                                "use a code from the README's table of diagnostics, like `L003`"
                                    .into()
                            }
                        };
                    diags.push(
                        Diagnostic::error(
                            Code::E002,
                            display,
                            format!(
                                "unknown diagnostic code `{}` in [lint.severity]",
                                code.name.escape_debug()
                            ),
                        )
                        .at(code.span.clone())
                        .help(help),
                    );
                }
            }
            _ => {}
        }
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
    match crate::output::absolute(&root.join(path)) {
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
    use super::*;

    fn errs(text: &str) -> Vec<(Code, String)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        match parse(text, Path::new("book.toml"), dir.path()) {
            Ok(_) => vec![],
            Err(ConfigError::Invalid { diagnostics, .. }) => diagnostics
                .items
                .into_iter()
                .map(|d| (d.code, d.help.unwrap_or_default()))
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let c = parse(
            "[book]\ntitle = \"T\"\n",
            Path::new("book.toml"),
            dir.path(),
        )
        .unwrap();
        assert_eq!(c.book.src, PathBuf::from("content"));
        assert_eq!(c.build.build_dir, PathBuf::from("book"));
        let o = c.outputs();
        assert!(o.html.is_some() && o.markdown.is_some() && o.checklist.is_some());
    }

    #[test]
    fn only_configured_outputs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let text = "[book]\ntitle = \"T\"\n[output.checklist]\npaper = \"letter\"\n";
        let c = parse(text, Path::new("book.toml"), dir.path()).unwrap();
        let o = c.outputs();
        assert!(o.html.is_none() && o.markdown.is_none());
        assert_eq!(o.checklist.unwrap().paper, Paper::Letter);
    }

    #[test]
    fn all_problems_with_suggestions() {
        let e =
            errs("[book]\ntitel = \"T\"\n[build]\nbuild_dir = \"x\"\n[output.html]\ntheme = 3\n");
        let codes: Vec<_> = e.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            codes,
            [Code::E004, Code::E002, Code::E002, Code::E003],
            "{e:?}"
        );
        assert_eq!(e[1].1, "did you mean `title`?");
        assert_eq!(e[2].1, "did you mean `build-dir`?");
    }

    #[test]
    fn lint_values_are_checked_when_loaded() {
        let e = errs(
            "[book]\ntitle = \"T\"\n[lint]\ncache-max-age = \"forever\"\n[lint.severity]\nL03 = \"off\"\nl003 = \"error\"\nX999 = \"off\"\n",
        );
        let codes: Vec<_> = e.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, [Code::E006, Code::E002, Code::E002], "{e:?}");
        assert!(e[1].1.starts_with("did you mean `L0"), "{e:?}");
    }

    #[test]
    fn base_urls() {
        for ok in [
            "",
            "/",
            "/guides/",
            "https://example.com/guides/",
            "http://x",
        ] {
            assert!(base_url_ok(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:x",
            "//evil.example/",
            "data:text/html,x",
            "guides/",
            "/a\" onmouseover=\"x",
            "https://",
            "https:///x",
        ] {
            assert!(!base_url_ok(bad), "{bad}");
        }
        let e = errs("[book]\ntitle = \"T\"\n[output.html]\nbase-url = \"javascript:alert(1)\"\n");
        assert_eq!(e[0].0, Code::E006);
        let e = errs("[book]\ntitle = \"T\\u0000\"\n");
        assert_eq!(e[0].0, Code::E019);
    }

    #[test]
    fn bad_paper_and_missing_theme() {
        let e = errs("[book]\ntitle = \"T\"\n[output.checklist]\npaper = \"a5\"\n");
        assert_eq!(e[0].0, Code::E006);
        let e = errs("[book]\ntitle = \"T\"\n[output.html]\ntheme = \"dark\"\n");
        assert_eq!(e[0].0, Code::E103);
    }
}
