//! Render: printable checklists for event handouts, `checklist/<id>.html` (one page, `@page`
//! size from `paper`) and `checklist/<id>.md` (a GitHub task list).

use super::markdown::tidy;
use super::{Engine, Output, RenderCx};
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
    let mut ctx = super::guide_context(base, guide);
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

/// Printable checklists: an HTML page and a Markdown task list per guide.
pub struct Checklist {
    cfg: ChecklistOutput,
    /// The theme's `checklist.css`, inlined so a printed or mailed page needs no other file.
    css: String,
}

impl Checklist {
    pub fn new(cfg: ChecklistOutput, engine: &Engine) -> Checklist {
        let css = engine
            .theme
            .get("checklist.css")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        Checklist { cfg, css }
    }
}

impl Output for Checklist {
    fn folder(&self) -> &'static str {
        layout::CHECKLIST_DIR
    }

    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        let ctx = context(cx.base, guide, id, &self.cfg, &self.css, cx.html);
        vec![html(cx.engine, &ctx, id), markdown(cx.engine, &ctx, id)]
    }
}
