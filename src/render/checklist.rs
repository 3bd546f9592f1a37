//! Render: printable checklists for event handouts, `checklist/<id>.html` (one page, `@page`
//! size from `paper`) and `checklist/<id>.md` (a GitHub task list), inside the HTML site when
//! it is written.

use super::markdown::tidy;
use super::{Engine, Output, RenderCx};
use crate::config::ChecklistOutput;
use crate::diag::Diagnostic;
use crate::layout;
use crate::output::OutFile;

/// The context both checklist templates receive.
fn context(
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

fn html(
    engine: &Engine,
    ctx: &tera::Context,
    (in_site, lang): (bool, &str),
    id: &str,
) -> Result<OutFile, Box<Diagnostic>> {
    Ok(OutFile::Text {
        to: layout::checklist_html(in_site, lang, id),
        text: engine.render("checklist.html", ctx)?,
    })
}

fn markdown(
    engine: &Engine,
    ctx: &tera::Context,
    (in_site, lang): (bool, &str),
    id: &str,
) -> Result<OutFile, Box<Diagnostic>> {
    Ok(OutFile::Text {
        to: layout::checklist_md(in_site, lang, id),
        text: tidy(&engine.render("checklist.md", ctx)?),
    })
}

/// Printable checklists: an HTML page and a Markdown task list per guide.
pub struct Checklist {
    cfg: ChecklistOutput,
    /// The theme's `checklist.css`, inlined so a printed or mailed page needs no other file.
    css: String,
    /// Whether the HTML output is on (the checklists then live inside the site).
    in_site: bool,
}

/// The checklist output, when `[output.checklist]` is in book.toml.
pub fn make(book: &crate::book::Book, engine: &Engine) -> Option<Box<dyn Output>> {
    let on = book.config.outputs();
    let cfg = on.checklist?;
    let css = engine
        .theme
        .get("checklist.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let in_site = on.html.is_some();
    Some(Box::new(Checklist { cfg, css, in_site }))
}

impl Output for Checklist {
    fn name(&self) -> &'static str {
        "checklist"
    }

    fn link(&self, lang: &crate::i18n::Language, id: &str) -> Option<super::GuideLink> {
        self.in_site.then(|| super::GuideLink {
            name: "checklist",
            label: lang.strings.get("printable_checklist").to_owned(),
            path: layout::checklist_href_from_html("", id),
        })
    }

    fn folder(&self) -> &'static str {
        layout::checklist_dir(self.in_site)
    }

    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        let ctx = context(cx.base, guide, id, &self.cfg, &self.css, self.in_site);
        vec![
            html(cx.engine, &ctx, (self.in_site, &cx.lang.prefix), id),
            markdown(cx.engine, &ctx, (self.in_site, &cx.lang.prefix), id),
        ]
    }
}
