//! Render: the static HTML site, `html/index.html` and `html/<id>/index.html`, plus the theme.

use rayon::prelude::*;
use serde::Serialize;

use super::view::{BookView, GuideView};
use super::{Engine, OutFile};
use crate::config::HtmlOutput;
use crate::diag::Diagnostic;

/// What the index page shows of each guide.
#[derive(Serialize)]
struct GuideCard<'a> {
    id: &'a str,
    title: &'a str,
    summary_html: &'a Option<String>,
    step_count: usize,
    duration: &'a Option<String>,
    total_wait: &'a Option<String>,
    href: String,
    checklist_href: String,
}

/// Book-level fields every page gets (without the guides, which can be many).
#[derive(Serialize)]
pub struct BookMeta<'a> {
    pub title: &'a str,
    pub description: &'a Option<String>,
    pub language: &'a str,
    pub authors: &'a [String],
    pub generator: &'a str,
}

impl<'a> BookMeta<'a> {
    pub fn of(b: &'a BookView) -> Self {
        BookMeta {
            title: &b.title,
            description: &b.description,
            language: &b.language,
            authors: &b.authors,
            generator: b.generator,
        }
    }
}

/// `base-url` with exactly one trailing slash, or the relative prefix to the site root.
fn root(cfg: &HtmlOutput, relative: &str) -> String {
    if cfg.base_url.is_empty() {
        relative.to_owned()
    } else {
        format!("{}/", cfg.base_url.trim_end_matches('/'))
    }
}

pub fn render(
    engine: &Engine,
    book: &BookView,
    cfg: &HtmlOutput,
) -> Result<Vec<OutFile>, Box<Diagnostic>> {
    let meta = BookMeta::of(book);
    let index_root = root(cfg, "");
    let cards: Vec<GuideCard> = book
        .guides
        .iter()
        .map(|g| GuideCard {
            id: &g.id,
            title: &g.title,
            summary_html: &g.summary_html,
            step_count: g.step_count,
            duration: &g.duration,
            total_wait: &g.total_wait,
            href: format!("{index_root}{}/index.html", g.id),
            checklist_href: format!("{index_root}../checklist/{}.html", g.id),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("book", &meta);
    ctx.insert("guides", &cards);
    ctx.insert("root", &index_root);
    let mut files = vec![OutFile::Text {
        to: "html/index.html".into(),
        text: engine.render("index.html", &ctx)?,
    }];
    let guide_root = root(cfg, "../");
    let pages: Result<Vec<OutFile>, Box<Diagnostic>> = book
        .guides
        .par_iter()
        .map(|g| page(engine, &meta, g, &guide_root))
        .collect();
    files.extend(pages?);
    for (name, bytes) in &engine.theme {
        files.push(OutFile::Bytes {
            to: format!("html/theme/{name}"),
            bytes: bytes.clone(),
        });
    }
    Ok(files)
}

fn page(
    engine: &Engine,
    meta: &BookMeta,
    g: &GuideView,
    root: &str,
) -> Result<OutFile, Box<Diagnostic>> {
    let mut ctx = tera::Context::new();
    ctx.insert("book", meta);
    ctx.insert("guide", g);
    ctx.insert("root", root);
    ctx.insert(
        "checklist_href",
        &format!("{root}../checklist/{}.html", g.id),
    );
    Ok(OutFile::Text {
        to: format!("html/{}/index.html", g.id),
        text: engine.render("guide.html", &ctx)?,
    })
}
