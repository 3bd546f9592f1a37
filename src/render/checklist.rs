//! Render: printable checklists for event handouts, `checklist/<id>.html` (one page, `@page`
//! size from `paper`) and `checklist/<id>.md` (a GitHub task list).

use rayon::prelude::*;

use super::html::BookMeta;
use super::markdown::tidy;
use super::view::BookView;
use super::{Engine, OutFile};
use crate::config::ChecklistOutput;
use crate::diag::Diagnostic;

pub fn render(
    engine: &Engine,
    book: &BookView,
    cfg: &ChecklistOutput,
) -> Result<Vec<OutFile>, Box<Diagnostic>> {
    let meta = BookMeta::of(book);
    let css = engine
        .theme
        .get("checklist.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let pairs: Result<Vec<[OutFile; 2]>, Box<Diagnostic>> = book
        .guides
        .par_iter()
        .map(|g| {
            let mut ctx = tera::Context::new();
            ctx.insert("book", &meta);
            ctx.insert("guide", g);
            ctx.insert("paper", cfg.paper.css());
            ctx.insert("css", &css);
            ctx.insert("guide_href", &format!("../html/{}/index.html", g.id));
            let html = engine.render("checklist.html", &ctx)?;
            let md = engine.render("checklist.md", &ctx)?;
            Ok([
                OutFile::Text {
                    to: format!("checklist/{}.html", g.id),
                    text: html,
                },
                OutFile::Text {
                    to: format!("checklist/{}.md", g.id),
                    text: tidy(&md),
                },
            ])
        })
        .collect();
    Ok(pairs?.into_iter().flatten().collect())
}
