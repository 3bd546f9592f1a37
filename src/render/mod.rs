//! Render: the validated book, in one profile's view (the pipeline renders each selected profile
//! into its own folder), through Tera templates into the HTML site, Markdown, checklists and,
//! with the `pdf` feature, PDFs (Typst templates compiled in-process, `pdf/`). Built-in
//! templates and the default theme are embedded; a book's `templates/` and `themes/<name>/`
//! override them file by file. Renderers never re-read or re-validate content: they take what
//! [`crate::validate`] resolved.

mod budget;
pub mod checklist;
pub mod compact;
#[cfg(feature = "pdf")]
pub mod pdf;

pub use budget::{PAGE_BUDGET, cancel_all, cancelled};

/// What every output renders with: the templates, the book-level context, and the outputs
/// that are on (a page links to the files the others make for its guide).
pub struct RenderCx<'a> {
    pub engine: &'a Engine,
    pub base: &'a tera::Context,
    pub outputs: &'a [Box<dyn Output>],
    /// The book's local images (the PDF embeds them).
    pub assets: &'a [crate::validate::Asset],
    /// The guides before and after this one (for a page's previous/next links), and the
    /// languages it exists in.
    pub nav: &'a Neighbours,
    /// The language of the pages.
    pub lang: &'a crate::i18n::Language,
}

impl RenderCx<'_> {
    /// The links the outputs offer to files of the whole book, in the outputs' order.
    pub fn book_links(&self) -> Vec<GuideLink> {
        self.outputs
            .iter()
            .filter_map(|o| o.book_link(self.lang))
            .collect()
    }

    /// The links the outputs offer for guide `id`, in the outputs' order.
    pub fn links(&self, id: &str) -> Vec<GuideLink> {
        self.outputs
            .iter()
            .filter_map(|o| o.link(self.lang, id))
            .collect()
    }
}

/// One output format, like mdBook's `Renderer`: the files of one guide, and the files shared by
/// all guides. It returns files and does no I/O; [`Pages`] writes them. Adding an output is one
/// file implementing this, one line in [`OUTPUTS`], its templates and its label.
pub trait Output: Send + Sync {
    /// Its name: `[output.<name>]` in book.toml, and its links' name.
    fn name(&self) -> &'static str;

    /// The link a guide's page shows to the file this output made for guide `id` (from the
    /// language's root of the site); none by default, and none from an output outside the site.
    fn link(&self, _lang: &crate::i18n::Language, _id: &str) -> Option<GuideLink> {
        None
    }

    /// The link the index shows to a file this output makes of the whole book (the workbook),
    /// from the language's root of the site; none by default.
    fn book_link(&self, _lang: &crate::i18n::Language) -> Option<GuideLink> {
        None
    }

    /// Its folder in the output (made even when no guide puts a file in it).
    fn folder(&self) -> &'static str;

    /// One guide's files; `guide` is the guide's view model as a template value. A warning
    /// (a diagnostic of warning severity) does not stop the build; an error does.
    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<crate::output::OutFile, Box<Diagnostic>>>;

    /// Files shared by the guides of one language (an index); none by default.
    fn shared(
        &self,
        _cx: &RenderCx,
        _cards: &[&GuideEntry],
        _assets: &[crate::validate::Asset],
    ) -> Result<Vec<crate::output::OutFile>, Box<Diagnostic>> {
        Ok(Vec::new())
    }

    /// The search index of one language, file by file as they are made (a large book's index
    /// comes in parts); none by default.
    fn search<'c>(
        &self,
        _cx: &RenderCx,
        _cards: &'c [&'c GuideEntry],
    ) -> Box<dyn Iterator<Item = crate::output::OutFile> + 'c> {
        Box::new(std::iter::empty())
    }

    /// Files of the whole output, once for all languages (theme files, copied images, a
    /// sitemap of every guide in `all`); none by default.
    fn site(
        &self,
        _cx: &RenderCx,
        _all: &[&GuideEntry],
        _assets: &[crate::validate::Asset],
    ) -> Result<Vec<crate::output::OutFile>, Box<Diagnostic>> {
        Ok(Vec::new())
    }
}

/// The local images, copied once into the `media/` folder of the HTML output (`html`) or the
/// Markdown output.
pub fn copy_assets(
    assets: &[crate::validate::Asset],
    html: bool,
) -> impl Iterator<Item = crate::output::OutFile> + '_ {
    assets.iter().map(move |a| crate::output::OutFile::Copy {
        to: crate::layout::media_file(html, &a.out),
        from: a.path.clone(),
    })
}

/// The context of a guide's page: the book's, with the guide and the variables it was resolved
/// with (`variables.event.name`).
fn guide_context(base: &tera::Context, guide: &tera::Value) -> tera::Context {
    let mut ctx = base.clone();
    if let Some(vars) = guide
        .as_map()
        .and_then(|m| m.get(&tera::value::Key::from("variables")))
        .filter(|v| v.is_map())
    {
        ctx.insert_value("variables", vars.clone());
    }
    ctx.insert_value("guide", guide.clone());
    ctx
}

/// Makes an output when book.toml turns it on.
pub type MakeOutput = fn(&Book, &Engine) -> Option<Box<dyn Output>>;

/// Every output, in the order they are written: the registry.
pub const OUTPUTS: &[MakeOutput] = &[
    html::make,
    markdown::make,
    checklist::make,
    #[cfg(feature = "pdf")]
    pdf::make,
    agenda::make,
];

/// The outputs book.toml turns on, in the order they are written.
pub fn outputs(book: &Book, engine: &Engine) -> Vec<Box<dyn Output>> {
    OUTPUTS
        .iter()
        .filter_map(|make| make(book, engine))
        .collect()
}
pub mod agenda;
mod entry;
mod feedback;
pub mod html;
pub mod markdown;
pub mod marks;
pub mod offline;
mod pages;
mod search;
pub mod view;

pub use entry::{GuideEntry, GuideLink};
pub use pages::{Alternate, GuideOut, NavLink, Neighbours, Pages};
pub use search::Spill;

use crate::diag::Code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::diag::{Diagnostic, Diagnostics, Failure, Sources};
use crate::{book::Book, error::Error};

/// Built-in templates: (name, text).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("guide.html", include_str!("../../templates/guide.html")),
    (
        "checklist.html",
        include_str!("../../templates/checklist.html"),
    ),
    ("guide.md", include_str!("../../templates/guide.md")),
    ("checklist.md", include_str!("../../templates/checklist.md")),
    ("agenda.md", include_str!("../../templates/agenda.md")),
    ("agenda.html", include_str!("../../templates/agenda.html")),
    ("sw.js", include_str!("../../templates/sw.js")),
    #[cfg(feature = "pdf")]
    ("guide.typ", include_str!("../../templates/guide.typ")),
    #[cfg(feature = "pdf")]
    (
        "checklist.typ",
        include_str!("../../templates/checklist.typ"),
    ),
    #[cfg(feature = "pdf")]
    ("handout.typ", include_str!("../../templates/handout.typ")),
    #[cfg(feature = "pdf")]
    ("agenda.typ", include_str!("../../templates/agenda.typ")),
    #[cfg(feature = "pdf")]
    (
        "guide-style.typ",
        include_str!("../../templates/guide-style.typ"),
    ),
    #[cfg(feature = "pdf")]
    (
        "guide-body.typ",
        include_str!("../../templates/guide-body.typ"),
    ),
    #[cfg(feature = "pdf")]
    ("workbook.typ", include_str!("../../templates/workbook.typ")),
];

/// Files of the built-in `default` theme: (name, bytes).
pub const THEME: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/style.css")),
    (
        "checklist.css",
        include_str!("../../themes/default/checklist.css"),
    ),
    ("reader.js", include_str!("../../themes/default/reader.js")),
    ("search.js", include_str!("../../themes/default/search.js")),
    (
        "favicon.svg",
        include_str!("../../themes/default/favicon.svg"),
    ),
];

/// Templates and theme files, with the user's overrides applied.
pub struct Engine {
    tera: tera::Tera,
    /// The Typst templates (`*.typ`), apart: their values are escaped for Typst markup.
    typ: tera::Tera,
    /// Template name → (path shown in messages, text), for template error diagnostics.
    origins: BTreeMap<String, (PathBuf, Arc<str>)>,
    /// Theme file name → contents.
    pub theme: BTreeMap<String, Vec<u8>>,
}

impl Engine {
    /// Loads the built-in templates and theme, then the book's overrides.
    pub fn new(book: &Book) -> Result<Engine, Error> {
        let texts = template_texts(book)?;
        let (tera, typ) = compile(&texts)?;
        let theme = theme_files(book)?;
        Ok(Engine {
            tera,
            typ,
            origins: texts,
            theme,
        })
    }

    /// Renders a template; errors become diagnostics pointing into the template.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Box<Diagnostic>> {
        if budget::cancelled() {
            return Err(Box::new(
                Diagnostic::error(Code::E020, "templates", "stopped: the build was cancelled")
                    .help("the command was interrupted (Ctrl-C); the previous output is unchanged"),
            ));
        }
        let tera = if name.ends_with(".typ") {
            &self.typ
        } else {
            &self.tera
        };
        budget::with_deadline(|| tera.render(name, ctx))
            .map_err(|e| Box::new(template_diagnostic(&e, &self.origins)))
    }

    pub fn sources(&self) -> Sources {
        let mut s = Sources::default();
        for (shown, text) in self.origins.values() {
            s.insert(shown.clone(), text.clone());
        }
        s
    }
}

/// JSON made safe to embed in HTML, inside a `<script>` element or a script file: `<`, `>` and
/// `&` become `\u003c`, `\u003e`, `\u0026` (the same string to a JSON parser), so no text can
/// close the element or open a comment (`<!--<script>` would put the HTML parser in the
/// double-escaped state, and the real `</script>` would no longer close it).
pub(crate) fn script_safe_json(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// `{{ t.steps | fill(n=guide.step_count) }}`: an interface string with its `{name}`s filled
/// in from the arguments; with `n`, a `one|other` string gives the form for that count.
fn fill_filter(val: &str, kwargs: tera::Kwargs, _: &tera::State) -> String {
    let args: Vec<(String, String)> = kwargs
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();
    let n = args
        .iter()
        .find(|(k, _)| k == "n")
        .and_then(|(_, v)| v.parse().ok());
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    crate::i18n::fill(val, n, &pairs)
}

/// The Tera instance of the Typst templates: every value is escaped for Typst markup, and the
/// filters `typst` (a Markdown field to markup), `typ_str` (a string literal) and `typ_path`
/// (an image source to its path in the document) are there. Without the `pdf` feature it holds
/// no templates.
fn typ_engine() -> tera::Tera {
    let mut t = tera::Tera::new();
    t.register_function("range", budget::range);
    t.register_filter("fill", fill_filter);
    #[cfg(feature = "pdf")]
    {
        t.set_escape_fn(|input, out| out.write_all(pdf::markup::text(input).as_bytes()));
        t.autoescape_on([".typ"]);
        t.register_filter("typst", |val: &str, _: tera::Kwargs, _: &tera::State| {
            pdf::markup::markdown(val, &|src, alt| {
                format!(
                    "#sb-image({}, {})",
                    pdf::markup::string(&pdf::images::doc_path(src)),
                    pdf::markup::string(alt)
                )
            })
        });
        t.register_filter("typ_str", |val: &str, _: tera::Kwargs, _: &tera::State| {
            pdf::markup::string(val)
        });
        t.register_filter("typ_path", |val: &str, _: tera::Kwargs, _: &tera::State| {
            pdf::images::doc_path(val)
        });
    }
    t
}

/// The most bytes one template file may have (as a guide file).
pub const MAX_TEMPLATE_BYTES: u64 = crate::source::load::MAX_GUIDE_BYTES;

/// The most bytes one theme file (a stylesheet, script, font or picture) may have, and all of a
/// theme's files together: they are held in memory and copied into every build.
pub const MAX_THEME_FILE_BYTES: u64 = 16 << 20;
pub const MAX_THEME_BYTES: u64 = 64 << 20;

/// E020 for a template or theme file that cannot be read (too large, not a regular file, not
/// UTF-8): a sparse file of gigabytes is refused, never read whole.
fn unreadable(shown: &Path, what: &str, e: &std::io::Error) -> Error {
    let d = Diagnostic::error(Code::E020, shown, format!("cannot read {what}: {e}")).help(format!(
        "a template may be at most {}, a theme file {} (a theme {} in all); \
             remove the file or make it smaller",
        crate::safe_fs::human_bytes(MAX_TEMPLATE_BYTES),
        crate::safe_fs::human_bytes(MAX_THEME_FILE_BYTES),
        crate::safe_fs::human_bytes(MAX_THEME_BYTES),
    ));
    Error::Content {
        diagnostics: Diagnostics { items: vec![d] },
        sources: Sources::default(),
    }
}

/// Every regular file under `dir` (recursively), as (name relative to `dir` with `/`, path).
/// A missing folder has no files; symlinks are not followed, and a folder that is a link out of
/// the book `root` is refused (its files would be published).
fn files_under(root: &Path, dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(Vec::new());
    }
    if !crate::config::real_dir_inside(root, dir) {
        anyhow::bail!(
            Failure::new(format!(
                "`{}` is not a folder inside the book (a link that leads out of it?)",
                dir.strip_prefix(root).unwrap_or(dir).display()
            ))
            .help("make it a real folder inside the book, or remove it")
        );
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // Hidden files and folders at any depth (`sub/.git/config`) are never published.
        if name.split('/').any(|part| part.starts_with('.'))
            || name.ends_with('~')
            || name.ends_with(".swp")
        {
            continue;
        }
        out.push((name, entry.into_path()));
    }
    Ok(out)
}

fn template_diagnostic(
    e: &tera::Error,
    origins: &BTreeMap<String, (PathBuf, Arc<str>)>,
) -> Diagnostic {
    const HELP: &str = "fix the template, or delete it to use the built-in one";
    // Syntax and rendering errors carry their place; problems found while checking references
    // (an unknown filter, a missing include) arrive as one message holding rendered reports.
    let (message, place) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            r.message().to_owned(),
            origins
                .get(r.filename())
                .map(|(shown, _)| (shown, r.span().range.clone())),
        ),
        _ => {
            let text = e.to_string();
            let message = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or(text.lines().next().unwrap_or_default())
                .to_owned();
            let place = text.lines().find_map(|l| {
                let loc = l.trim().strip_prefix("--> ")?;
                let mut parts = loc.rsplitn(3, ':');
                let col: usize = parts.next()?.parse().ok()?;
                let line: usize = parts.next()?.parse().ok()?;
                let (shown, src) = origins.get(parts.next()?)?;
                let start = crate::diag::offset_of(src, line, col);
                let end = src[start..]
                    .find(|c: char| c.is_whitespace() || c == '}')
                    .map_or(src.len(), |i| start + i.max(1));
                Some((shown, start..end))
            });
            (message, place)
        }
    };
    match place {
        Some((shown, span)) => {
            Diagnostic::error(Code::E020, shown, format!("template error: {message}"))
                .at(span)
                .help(HELP)
        }
        None => Diagnostic::error(
            Code::E020,
            "templates",
            format!("template error: {message}"),
        )
        .help(HELP),
    }
}

/// The templates' texts by name, each with the path it is shown by: the built-in ones, then a
/// book's own `templates/` over them.
fn template_texts(book: &Book) -> Result<BTreeMap<String, (PathBuf, Arc<str>)>, Error> {
    let mut texts: BTreeMap<String, (PathBuf, Arc<str>)> = TEMPLATES
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                (
                    PathBuf::from(format!("(built-in)/templates/{n}")),
                    Arc::from(*t),
                ),
            )
        })
        .collect();
    let user_templates = book.root.join(crate::layout::TEMPLATES_DIR);
    for (name, path) in files_under(&book.root, &user_templates)? {
        let shown = crate::diag::shown_path(
            &book.shown_root,
            Path::new(crate::layout::TEMPLATES_DIR)
                .join(&name)
                .as_path(),
        );
        let text = crate::safe_fs::read_regular_text(&path, MAX_TEMPLATE_BYTES)
            .map_err(|e| unreadable(&shown, "template", &e))?;
        texts.insert(name, (shown, Arc::from(text)));
    }
    Ok(texts)
}

/// The templates compiled: Tera's for the HTML and Markdown, and the Typst ones with their own
/// escaping; every template's syntax errors at once.
fn compile(
    texts: &BTreeMap<String, (PathBuf, Arc<str>)>,
) -> Result<(tera::Tera, tera::Tera), Error> {
    let mut tera = tera::Tera::new();
    tera.register_function("range", budget::range);
    // `{{ text | md_escape }}`: plain text (a label, the audience) inside a line of the
    // Markdown outputs, where it must read as text and never as HTML or a link.
    tera.register_filter(
        "md_escape",
        |val: &str, _: tera::Kwargs, _: &tera::State| crate::markdown::md_escape(val),
    );
    tera.register_filter("fill", fill_filter);
    let mut diags = Diagnostics::default();
    let mut sources = Sources::default();
    for (shown, text) in texts.values() {
        sources.insert(shown.clone(), text.clone());
    }
    let is_typ = |n: &str| n.ends_with(".typ");
    let raw: Vec<(&str, &str)> = texts
        .iter()
        .filter(|(n, _)| !is_typ(n))
        .map(|(n, (_, t))| (n.as_str(), &**t))
        .collect();
    let mut typ = typ_engine();
    let typ_raw: Vec<(&str, &str)> = texts
        .iter()
        .filter(|(n, _)| is_typ(n))
        .map(|(n, (_, t))| (n.as_str(), &**t))
        .collect();
    for e in [
        tera.add_raw_templates(raw).err(),
        typ.add_raw_templates(typ_raw).err(),
    ]
    .into_iter()
    .flatten()
    {
        diags.push(template_diagnostic(&e, texts));
    }
    if !diags.is_empty() {
        return Err(Error::Content {
            diagnostics: diags,
            sources,
        });
    }
    Ok((tera, typ))
}

/// The theme's files by name: the default theme's, then the chosen theme's over them.
fn theme_files(book: &Book) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    let mut theme: BTreeMap<String, Vec<u8>> = THEME
        .iter()
        .map(|(n, t)| (n.to_string(), compact::compact(n, t).into_bytes()))
        .collect();
    let mut names = vec!["default".to_owned()];
    let chosen = book.config.theme();
    if chosen != "default" {
        names.push(chosen);
    }
    let mut total = 0;
    for name in names {
        let dir = Path::new(crate::layout::THEMES_DIR).join(&name);
        for (file, path) in files_under(&book.root, &book.root.join(&dir))? {
            let shown = crate::diag::shown_path(&book.shown_root, &dir.join(&file));
            let bytes = crate::safe_fs::read_regular(&path, MAX_THEME_FILE_BYTES)
                .map_err(|e| unreadable(&shown, "theme file", &e))?;
            total += bytes.len() as u64;
            if total > MAX_THEME_BYTES {
                let e = std::io::Error::other(format!(
                    "the theme's files together are larger than {}",
                    crate::safe_fs::human_bytes(MAX_THEME_BYTES)
                ));
                return Err(unreadable(&shown, "theme file", &e));
            }
            theme.insert(file, bytes);
        }
    }
    Ok(theme)
}
