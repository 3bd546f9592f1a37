//! Render: printable checklists for event handouts, `checklist/<id>.html` (one page, `@page`
//! size from `paper`) and `checklist/<id>.md` (a GitHub task list).

use super::Engine;
use super::markdown::tidy;
use crate::config::ChecklistOutput;
use crate::diag::Diagnostic;
use crate::layout;
use crate::output::OutFile;

/// The context both checklist templates receive.
pub fn context(
    base: &tera::Context,
    guide: &tera::Value,
    id: &str,
    cfg: &ChecklistOutput,
    css: &str,
    html: bool,
) -> tera::Context {
    let mut ctx = base.clone();
    ctx.insert_value("guide", guide.clone());
    ctx.insert("paper", cfg.paper.css());
    ctx.insert("css", css);
    let guide = html.then(|| layout::guide_href_from_checklist(id));
    ctx.insert("guide_href", &guide);
    ctx
}

pub fn html(engine: &Engine, ctx: &tera::Context, id: &str) -> Result<OutFile, Box<Diagnostic>> {
    Ok(OutFile::Text {
        to: layout::checklist_html(id),
        text: engine.render("checklist.html", ctx)?,
    })
}

pub fn markdown(
    engine: &Engine,
    ctx: &tera::Context,
    id: &str,
) -> Result<OutFile, Box<Diagnostic>> {
    Ok(OutFile::Text {
        to: layout::checklist_md(id),
        text: tidy(&engine.render("checklist.md", ctx)?),
    })
}
