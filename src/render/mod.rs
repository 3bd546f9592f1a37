//! Render: the validated book through Tera templates into the HTML site, Markdown and
//! checklists. Built-in templates and the default theme are embedded; a book's `templates/`
//! and `themes/<name>/` override them file by file. Renderers never re-read or re-validate
//! content: they take what [`crate::validate`] resolved.

pub mod checklist;
pub mod html;
pub mod markdown;
pub mod view;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::output::Target;
use crate::validate::Checked;
use crate::{Book, Error};

/// Built-in templates: (name, text).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("guide.html", include_str!("../../templates/guide.html")),
    (
        "checklist.html",
        include_str!("../../templates/checklist.html"),
    ),
    ("guide.md", include_str!("../../templates/guide.md")),
    ("checklist.md", include_str!("../../templates/checklist.md")),
];

/// Files of the built-in `default` theme: (name, bytes).
pub const THEME: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/style.css")),
    (
        "checklist.css",
        include_str!("../../themes/default/checklist.css"),
    ),
];

/// Templates and theme files, with the user's overrides applied.
pub struct Engine {
    tera: tera::Tera,
    /// Template name → (path shown in messages, text), for template error diagnostics.
    origins: BTreeMap<String, (PathBuf, Arc<str>)>,
    /// Theme file name → contents.
    pub theme: BTreeMap<String, Vec<u8>>,
}

impl Engine {
    /// Loads the built-in templates and theme, then the book's overrides.
    pub fn new(book: &Book) -> Result<Engine, Error> {
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
        let user_templates = book.root.join("templates");
        for (name, path) in files_under(&user_templates)? {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("failed to read template `{}`", path.display()))?;
            let shown = crate::shown_path(
                &book.shown_root,
                Path::new("templates").join(&name).as_path(),
            );
            texts.insert(name, (shown, Arc::from(text)));
        }
        let mut tera = tera::Tera::new();
        let mut diags = Diagnostics::default();
        let mut sources = Sources::default();
        for (shown, text) in texts.values() {
            sources.insert(shown.clone(), text.clone());
        }
        let raw: Vec<(&str, &str)> = texts.iter().map(|(n, (_, t))| (n.as_str(), &**t)).collect();
        if let Err(e) = tera.add_raw_templates(raw) {
            diags.push(template_diagnostic(&e, &texts));
            return Err(Error::Content {
                diagnostics: diags,
                sources,
            });
        }
        let mut theme: BTreeMap<String, Vec<u8>> = THEME
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect();
        let mut names = vec!["default".to_owned()];
        let chosen = book.config.theme();
        if chosen != "default" {
            names.push(chosen);
        }
        for name in names {
            for (file, path) in files_under(&book.root.join("themes").join(name))? {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("failed to read theme file `{}`", path.display()))?;
                theme.insert(file, bytes);
            }
        }
        Ok(Engine {
            tera,
            origins: texts,
            theme,
        })
    }

    /// Renders a template; errors become diagnostics pointing into the template.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Box<Diagnostic>> {
        self.tera
            .render(name, ctx)
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

/// Every regular file under `dir` (recursively), as (name relative to `dir` with `/`, path).
/// A missing folder has no files; symlinks are not followed.
fn files_under(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
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
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
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
            Diagnostic::error("E020", shown, format!("template error: {message}"))
                .at(span)
                .help(HELP)
        }
        None => {
            Diagnostic::error("E020", "templates", format!("template error: {message}")).help(HELP)
        }
    }
}

/// Renders every configured output of the checked book into `out`: each guide's pages are
/// rendered and written in one pass (in parallel across guides), so no output is held in
/// memory for longer than it takes to write it. Returns the number of files written.
pub fn render_all(
    book: &Book,
    checked: Checked,
    engine: &Engine,
    target: Target,
) -> Result<Rendered, Error> {
    let out = target.dir;
    let outputs = book.config.outputs();
    let meta = view::BookMeta::of(book);
    let mut base = tera::Context::new();
    base.insert("book", &meta);
    let checklist_css = engine
        .theme
        .get("checklist.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let enabled = [
        (outputs.html.is_some(), "html"),
        (outputs.markdown.is_some(), "markdown"),
        (outputs.checklist.is_some(), "checklist"),
    ];
    for dir in enabled.iter().filter(|(on, _)| *on).map(|(_, d)| d) {
        let p = out.join(dir);
        std::fs::create_dir_all(&p)
            .with_context(|| format!("failed to create `{}`", p.display()))?;
    }
    let assets = &checked.assets;
    // Each guide's model is dropped as soon as its pages are written, which keeps the peak
    // memory of a big book down.
    let results: Vec<Result<(html::GuideCard, Vec<String>), Failed>> = checked
        .guides
        .into_par_iter()
        .map(|(g, r)| {
            let view = view::guide(&g.guide, &r, assets, &g.rel.to_string_lossy());
            let value = tera::Value::from_serializable(&view);
            let mut files: Vec<OutFile> = Vec::with_capacity(4);
            let mut errors = Vec::new();
            let mut keep = |r: Result<OutFile, Box<Diagnostic>>| match r {
                Ok(f) => files.push(f),
                Err(d) => errors.push(*d),
            };
            if let Some(cfg) = &outputs.html {
                keep(html::page(engine, &base, &value, &view.id, cfg));
            }
            if outputs.markdown.is_some() {
                keep(markdown::page(engine, &base, &value, &view.id));
            }
            if let Some(cfg) = &outputs.checklist {
                let ctx = checklist::context(&base, &value, &view.id, cfg, &checklist_css);
                keep(checklist::html(engine, &ctx, &view.id));
                keep(checklist::markdown(engine, &ctx, &view.id));
            }
            if !errors.is_empty() {
                return Err(Failed::Templates(errors));
            }
            let names = files.iter().map(|f| f.to().to_owned()).collect();
            write_files(target, files).map_err(Failed::Io)?;
            Ok((html::GuideCard::of(&view), names))
        })
        .collect();
    let mut cards = Vec::with_capacity(results.len());
    let mut written = HashSet::new();
    let mut diagnostics = Diagnostics::default();
    for r in results {
        match r {
            Ok((card, names)) => {
                cards.push(card);
                written.extend(names);
            }
            Err(Failed::Templates(d)) => diagnostics.extend(d),
            Err(Failed::Io(e)) => return Err(Error::Other(e)),
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(Error::Content {
            diagnostics,
            sources: engine.sources(),
        });
    }
    let mut files = Vec::new();
    if let Some(cfg) = &outputs.html {
        files.push(
            html::index(engine, &base, &cards, cfg).map_err(|d| Error::Content {
                diagnostics: Diagnostics { items: vec![*d] },
                sources: engine.sources(),
            })?,
        );
        for (name, bytes) in &engine.theme {
            files.push(OutFile::Bytes {
                to: format!("html/theme/{name}"),
                bytes: bytes.clone(),
            });
        }
    }
    // Local screenshots: copied once into each output that shows images.
    for (enabled, dir) in [
        (outputs.html.is_some(), "html/media"),
        (outputs.markdown.is_some(), "markdown/media"),
    ] {
        if enabled {
            files.extend(checked.assets.iter().map(|a| OutFile::Copy {
                to: format!("{dir}/{}", a.out),
                from: a.path.clone(),
            }));
        }
    }
    written.extend(files.iter().map(|f| f.to().to_owned()));
    write_files(target, files)?;
    Ok(Rendered { written })
}

/// What a render wrote: every file, relative to the output folder with `/`.
pub struct Rendered {
    pub written: HashSet<String>,
}

/// Why one guide's pages could not be written.
enum Failed {
    Templates(Vec<Diagnostic>),
    Io(anyhow::Error),
}

/// One file of the output.
pub enum OutFile {
    Text { to: String, text: String },
    Bytes { to: String, bytes: Vec<u8> },
    Copy { to: String, from: PathBuf },
}

impl OutFile {
    fn to(&self) -> &str {
        match self {
            OutFile::Text { to, .. } | OutFile::Bytes { to, .. } | OutFile::Copy { to, .. } => to,
        }
    }
}

/// Writes files into the target, creating their folders; in parallel.
fn write_files(target: Target, files: Vec<OutFile>) -> anyhow::Result<()> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| target.dir.join(f.to()).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d)
            .with_context(|| format!("failed to create `{}`", d.display()))?;
    }
    let write = |f: OutFile| -> anyhow::Result<()> {
        match f {
            OutFile::Text { to, text } => target.write(&to, text.as_bytes()),
            OutFile::Bytes { to, bytes } => target.write(&to, &bytes),
            OutFile::Copy { to, from } => target.copy(&from, &to),
        }
    };
    if files.len() < 8 {
        files.into_iter().try_for_each(write)
    } else {
        files.into_par_iter().try_for_each(write)
    }
}
