//! Config: `book.toml`, checked against the schema of these types (every problem at its place,
//! with "did you mean" for misspelt keys) and then deserialised.

use crate::diag::Code;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, Failure, Sources};

mod agenda;
pub mod feedback;
pub mod handouts;
mod languages;
mod profiles;
pub(crate) mod rules;
use crate::source::node;
use crate::source::shape::{self, Flavor};
pub use agenda::{AgendaItem, AgendaOutput, ClockTime};
pub mod agenda_check {
    //! The agenda's checks that need the guides (see [`super::agenda`]).
    pub use super::agenda::{GuideTime, MINUTES_PER_STEP, Planned, estimate, unknown_guides};
}
pub use rules::{base_url_ok, exclude_glob, inside_book, plain_name, real_dir_inside};

pub const CONFIG_FILE: &str = "book.toml";
/// A book.toml larger than this is not a configuration file.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

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
    /// Values for `{{ name }}` placeholders in every guide: text, numbers or booleans; tables
    /// give dotted names (`[variables.event]` `name = "…"` is `{{ event.name }}`).
    #[serde(default)]
    pub variables: std::collections::BTreeMap<String, crate::variables::VarValue>,
    /// Profiles (`[profiles.instructor]`): which tagged content (`only:`) a build shows, and
    /// variables of their own.
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, Profile>,
    /// The book's languages besides `[book] language` (and overrides for that one):
    /// `[languages.de]`. A guide's translation is a file beside it with the language's code,
    /// `azure-pass.de.yaml`.
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, crate::i18n::LanguageTable>,
    /// `stepbook handouts`: what each handout prints.
    #[serde(default)]
    pub handouts: HandoutsTable,
}

/// `[handouts]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HandoutsTable {
    /// The roster columns printed at the top of each handout, in this order (normalised names:
    /// `"first_name"` for a header `First Name`). Default: the name columns (`name`,
    /// `full_name`, `first_name`, `last_name`) and those the guide uses; an email or phone
    /// column only when named here.
    #[serde(default)]
    pub show: Option<Vec<String>>,
    /// The promo code (column `code` or `promo_code`) printed in groups of this many characters
    /// joined by `-` (`4`: `ABCD-EFGH`), for reading it out and typing it; what attendees type
    /// and the QR code are unchanged. Default: as written.
    #[serde(default)]
    pub code_group: Option<u8>,
}

/// `[profiles.<name>]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Profile {
    /// Content tagged with any of these (`only: [instructor]`) is shown; untagged content
    /// always is.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Variables of this profile; they override the book's and the guides'.
    #[serde(default)]
    pub variables: std::collections::BTreeMap<String, crate::variables::VarValue>,
}

/// `[lint]`
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintTable {
    /// How long to wait for a connection: seconds (`10`) or a duration (`10s`, `1m`).
    #[serde(default = "default_connect_timeout", deserialize_with = "de_seconds")]
    #[schemars(with = "TimeSetting")]
    pub connect_timeout: u64,
    /// How long one request may take in all: seconds (`20`) or a duration (`20s`, `1m`).
    #[serde(default = "default_timeout", deserialize_with = "de_seconds")]
    #[schemars(with = "TimeSetting")]
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
    /// URLs not checked: glob patterns where `*` matches any text (`/` too) and `?` one
    /// character, e.g. `https://intranet/*`.
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
    /// How long a good result stays valid in the cache: a duration (`1h`, `24h`, `30m`) or
    /// seconds (`3600`).
    #[serde(
        default = "default_cache_max_age",
        deserialize_with = "de_duration",
        serialize_with = "ser_duration"
    )]
    #[schemars(with = "TimeSetting")]
    pub cache_max_age: std::time::Duration,
    /// A screenshot whose `captured` date is older than this many days is reported (W025):
    /// days (`365d`) or weeks (`52w`); not set, no screenshot is too old.
    #[serde(
        default,
        deserialize_with = "de_days",
        serialize_with = "ser_days",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub screenshot_max_age: Option<u32>,
    /// Severity of each lint problem by code: `"error"`, `"warning"` or `"off"`, e.g.
    /// `{ L003 = "error" }`; codes off by default (W026, L017) are turned on this way.
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
            screenshot_max_age: None,
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
fn default_cache_max_age() -> std::time::Duration {
    std::time::Duration::from_secs(24 * 3600)
}

/// A duration written as text (`24h`), parsed when book.toml is loaded (the rules report a bad
/// one at its line first, with help).
/// A time setting as book.toml may write it: a number of seconds or a duration (`20s`, `2m`,
/// `1h`); every time setting takes both.
#[derive(JsonSchema)]
#[allow(dead_code)] // the schema's shape only; values are read by `de_seconds`
#[serde(untagged)]
enum TimeSetting {
    Seconds(u64),
    Duration(String),
}

/// Reads a [`TimeSetting`] as seconds.
fn de_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number of seconds or a duration like `20s`, `2m` or `1h`")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom("a time cannot be negative"))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u64, E> {
            crate::duration::Duration::parse(v)
                .map(|d| d.0)
                .map_err(|e| E::custom(e.0))
        }
    }
    d.deserialize_any(V)
}

/// A number of days as book.toml writes it: `365d`, `52w`; `Err` says what is wrong.
pub fn parse_days(s: &str) -> Result<u32, String> {
    let s = s.trim();
    let (n, mult) = if let Some(n) = s.strip_suffix('d') {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('w') {
        (n, 7)
    } else {
        return Err("write a number of days or weeks, like `365d` or `52w`".into());
    };
    let n: u32 = n
        .parse()
        .ok()
        .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("`{n}` is not a whole number"))?;
    match n.checked_mul(mult) {
        Some(0) => Err("a maximum age must be longer than zero".into()),
        Some(d) if d <= 100 * 366 => Ok(d),
        _ => Err("longer than a hundred years".into()),
    }
}

fn de_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let s = String::deserialize(d)?;
    parse_days(&s).map(Some).map_err(serde::de::Error::custom)
}

fn ser_days<S: serde::Serializer>(v: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => s.serialize_str(&format!("{d}d")),
        None => s.serialize_none(),
    }
}

fn de_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
    de_seconds(d).map(std::time::Duration::from_secs)
}

fn ser_duration<S: serde::Serializer>(v: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
    let secs = v.as_secs();
    let text = match secs {
        0 => "0s".to_owned(),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    };
    s.serialize_str(&text)
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
    /// Profiles a build renders when `--profile` is not given; with more than one, each goes
    /// into its own folder, `<build-dir>/<profile>/`. Default: the profile named `default` if
    /// there is one, else no profile (untagged content only).
    #[serde(default)]
    pub profiles: Vec<String>,
    /// After the event: every build shows the steps' `answer:` to readers (collapsed behind
    /// "Show answer" on the site). Instructor notes stay in the instructor edition only.
    #[serde(default)]
    pub reveal_answers: bool,
}

impl Default for BuildTable {
    fn default() -> Self {
        BuildTable {
            build_dir: default_build_dir(),
            profiles: Vec::new(),
            reveal_answers: false,
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
    /// Printable checklists: `<build-dir>/html/checklist/` (`<build-dir>/checklist/` without the
    /// HTML output).
    #[serde(default)]
    pub checklist: Option<ChecklistOutput>,
    /// PDF files of each guide and its checklist: `<build-dir>/html/pdf/` (`<build-dir>/pdf/`
    /// without the HTML output).
    #[serde(default)]
    pub pdf: Option<PdfOutput>,
    /// An event agenda from the guides' durations: `<build-dir>/agenda/agenda.md`.
    #[serde(default)]
    pub agenda: Option<AgendaOutput>,
    /// Remote screenshots (an `https://` `src`): `"link"` (default) shows them from their host;
    /// `"copy"` fetches each once at build time (with `[lint]`'s timeouts, per-host limit and
    /// cache), checks it is an image, and every output uses a copy in the site's
    /// `media/remote/` (a screenshot that cannot be fetched keeps its URL, with a warning).
    #[serde(default, skip_serializing_if = "RemoteImages::is_link")]
    pub remote_images: RemoteImages,
}

/// What the outputs do with remote screenshots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RemoteImages {
    /// Shown from their host.
    #[default]
    Link,
    /// Copied into the book when it is built.
    Copy,
}

impl RemoteImages {
    fn is_link(&self) -> bool {
        *self == RemoteImages::Link
    }
}

/// `[output.pdf]`
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfOutput {
    /// Paper size; default: the checklist's, else A4.
    #[serde(default)]
    pub paper: Option<Paper>,
    /// Font files (`.ttf`, `.otf`, `.ttc`, `.otc`) or folders of them, inside the book: used for
    /// the characters the embedded fonts (DejaVu Sans and Typst's) have no glyph for, and for
    /// the text of a `ja`, `zh` or `ko` book when one covers its script.
    #[serde(default)]
    pub fonts: Vec<String>,
    /// Whether the fonts installed on the machine are used for characters that neither the
    /// embedded fonts nor `fonts` cover (default: true). `false` makes every machine print the
    /// same PDF; a character no font covers is then a warning.
    #[serde(default = "yes")]
    pub system_fonts: bool,
    /// A standard every PDF conforms to: `"ua-1"` (PDF/UA-1, accessible PDF) requires alt text on
    /// every screenshot (a missing or empty one is then an error, not a warning).
    #[serde(default)]
    pub standard: Option<PdfStandard>,
    /// Also one PDF of every guide (or of the guides `[output.agenda]` lists, in its order):
    /// a cover, the contents with page numbers, bookmarks, each guide on a right-hand page.
    #[serde(default)]
    pub workbook: bool,
    /// The date on the workbook's cover, as `YYYY-MM-DD`; default: the day of the build
    /// (`STEPBOOK_TODAY` fixes it).
    #[serde(default)]
    pub workbook_date: Option<String>,
}

/// `[output.pdf] standard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum PdfStandard {
    /// PDF/UA-1: tagged, titled, every image described.
    #[serde(rename = "ua-1")]
    Ua1,
}

fn yes() -> bool {
    true
}

impl Default for PdfOutput {
    fn default() -> Self {
        PdfOutput {
            paper: None,
            fonts: Vec::new(),
            system_fonts: true,
            standard: None,
            workbook: false,
            workbook_date: None,
        }
    }
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
    /// Where "Report a problem with this step" (and "… with this guide") links lead, e.g.
    /// `https://github.com/org/labs/issues/new?title={guide}%20step%20{step}&body={url}`.
    /// Placeholders, each filled in URL-encoded: `{guide}` (id), `{title}`, `{step}` (`2.3`),
    /// `{anchor}`, `{lang}`, `{url}` (the page's address; a full one when `base-url` is).
    /// Without it, no such links.
    #[serde(default)]
    pub feedback_url: Option<String>,
    /// Keep the site readable without a network: a service worker (`sw.js`) that, after a
    /// reader's first visit over http(s), caches the index, theme, search index and the guides'
    /// pages and images (up to 20 MiB at once, then what the reader opens). Not registered from
    /// `file://` or under `stepbook serve`.
    #[serde(default)]
    pub offline: bool,
}

impl HtmlOutput {
    /// The checked feedback address template, if one is set (a bad one stopped the build
    /// when book.toml was loaded).
    pub fn feedback(&self) -> Option<feedback::FeedbackUrl> {
        feedback::FeedbackUrl::parse(self.feedback_url.as_deref()?).ok()
    }

    /// The site's address with one trailing `/`, when `base-url` is a full `http(s)://` URL
    /// (what a sitemap or a QR code needs; a path like `/guides/` is not one).
    pub fn site_url(&self) -> Option<String> {
        let b = self.base_url.trim();
        (b.starts_with("https://") || b.starts_with("http://"))
            .then(|| format!("{}/", b.trim_end_matches('/')))
    }
}

impl Default for HtmlOutput {
    fn default() -> Self {
        HtmlOutput {
            theme: default_theme(),
            base_url: String::new(),
            feedback_url: None,
            offline: false,
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
        let none = o.html.is_none() && o.markdown.is_none() && o.checklist.is_none();
        if none && o.pdf.is_none() && o.agenda.is_none() {
            OutputTable {
                html: Some(HtmlOutput::default()),
                markdown: Some(MarkdownOutput::default()),
                checklist: Some(ChecklistOutput::default()),
                pdf: None,
                agenda: None,
                remote_images: o.remote_images,
            }
        } else {
            o.clone()
        }
    }

    /// The paper of PDFs: `[output.pdf]`'s, else the checklist's, else A4.
    pub fn pdf_paper(&self) -> Paper {
        let o = &self.output;
        o.pdf
            .as_ref()
            .and_then(|p| p.paper)
            .or(o.checklist.as_ref().map(|c| c.paper))
            .unwrap_or_default()
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
    /// A profile named on the command line that book.toml does not declare.
    Profile(Failure),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Missing { path } => {
                let failure = Failure::new(format!("no `{CONFIG_FILE}` in `{}`", path.display()))
                    .help(format!(
                        "run `stepbook init {}` to create a book there, or write `{}` with a [book] table holding at least `title = \"...\"`",
                        path.display(),
                        path.join(CONFIG_FILE).display()
                    ));
                write!(f, "{failure}")
            }
            ConfigError::Unreadable { path, message } => {
                write!(f, "cannot read `{}`: {message}", path.display())
            }
            ConfigError::Invalid {
                diagnostics,
                sources,
            } => f.write_str(diagnostics.render(sources, false).trim_end()),
            ConfigError::Profile(failure) => write!(f, "{failure}"),
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
    let display = crate::diag::shown_path(shown, Path::new(CONFIG_FILE));
    // Missing is told apart: it gets its own help (`stepbook init`).
    match std::fs::metadata(&path) {
        Ok(_) => {}
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
    rules::check(&tree, display, root, &mut diags);
    profiles::check(&tree, display, &mut diags);
    languages::check(&tree, display, &mut diags);
    agenda::check(&tree, display, &mut diags);
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
        // `titel` for the missing `title` is one problem (#30), not also E004.
        assert_eq!(codes, [Code::E002, Code::E002, Code::E003], "{e:?}");
        assert_eq!(e[0].1, "did you mean `title`?");
        assert_eq!(e[1].1, "did you mean `build-dir`?");
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
            "https://x.example/a?q=1#frag",
            "https://x.example/#frag",
            "/guides/?q",
            "https://user:pw@host/",
            "https://user@host/",
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
