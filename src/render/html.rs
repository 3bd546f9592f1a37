//! Render: the static HTML site, `html/index.html` and `html/<id>/index.html`.

use serde::Serialize;

use super::view::GuideView;
use super::{Engine, Output, RenderCx};
use crate::config::HtmlOutput;
use crate::diag::Diagnostic;
use crate::layout;
use crate::output::OutFile;

/// What the index page shows of each guide.
#[derive(Debug, Clone, Serialize)]
pub struct GuideCard {
    id: String,
    title: String,
    summary_html: Option<String>,
    /// The summary's first paragraph as plain text (at most 300 characters): what a card shows.
    lead: Option<String>,
    step_count: usize,
    duration: Option<String>,
    total_wait: Option<String>,
}

/// The first paragraph of a Markdown summary as plain text, cut at 300 characters.
fn lead(md: &str) -> Option<String> {
    // Headings and pictures are not the lead: the first paragraph of text is.
    let first = md
        .split("\n\n")
        .filter(|b| !b.trim_start().starts_with('#'))
        .map(crate::markdown::plain)
        .find(|p| !p.trim().is_empty())?;
    let text = first.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if text.chars().count() > 300 {
        let cut: String = text.chars().take(299).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    })
}

impl GuideCard {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn of(g: &GuideView) -> GuideCard {
        GuideCard {
            id: g.id.clone(),
            title: g.title.clone(),
            summary_html: g.summary_html.clone(),
            lead: g.summary_md.as_deref().and_then(lead),
            step_count: g.step_count,
            duration: g.duration.clone(),
            total_wait: g.total_wait.clone(),
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

#[derive(Serialize)]
struct CardLinks<'a> {
    #[serde(flatten)]
    card: &'a GuideCard,
    href: String,
    /// `None` when the checklist output is off.
    checklist_href: Option<String>,
}

pub fn index(
    engine: &Engine,
    base: &tera::Context,
    cards: &[&GuideCard],
    cfg: &HtmlOutput,
    checklists: bool,
) -> Result<OutFile, Box<Diagnostic>> {
    let root = root(cfg, "");
    let links: Vec<CardLinks> = cards
        .iter()
        .map(|card| CardLinks {
            card,
            href: layout::guide_href_from_index(&root, &card.id),
            checklist_href: checklists.then(|| layout::checklist_href_from_html(&root, &card.id)),
        })
        .collect();
    let mut ctx = base.clone();
    ctx.insert("guides", &links);
    ctx.insert("root", &root);
    Ok(OutFile::Text {
        to: layout::INDEX_PAGE.into(),
        text: engine.render("index.html", &ctx)?,
    })
}

pub fn page(
    engine: &Engine,
    base: &tera::Context,
    guide: &tera::Value,
    id: &str,
    cfg: &HtmlOutput,
    (checklists, pdf): (bool, bool),
) -> Result<OutFile, Box<Diagnostic>> {
    let root = root(cfg, "../");
    let mut ctx = super::guide_context(base, guide);
    let checklist = checklists.then(|| layout::checklist_href_from_html(&root, id));
    ctx.insert("checklist_href", &checklist);
    let pdf = pdf.then(|| layout::pdf_href_from_html(&root, id));
    ctx.insert("pdf_href", &pdf);
    ctx.insert("root", &root);
    Ok(OutFile::Text {
        to: layout::guide_page(id),
        text: engine.render("guide.html", &ctx)?,
    })
}

/// The static HTML site: a page per guide, the index, the theme files and the images.
pub struct Html {
    pub cfg: HtmlOutput,
}

impl Output for Html {
    fn folder(&self) -> &'static str {
        layout::HTML_DIR
    }

    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        vec![page(
            cx.engine,
            cx.base,
            guide,
            id,
            &self.cfg,
            (cx.checklist, cx.pdf),
        )]
    }

    fn shared(
        &self,
        cx: &RenderCx,
        cards: &[&GuideCard],
        assets: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let mut files = vec![index(cx.engine, cx.base, cards, &self.cfg, cx.checklist)?];
        for (name, bytes) in &cx.engine.theme {
            files.push(OutFile::Bytes {
                to: layout::theme_file(name),
                bytes: bytes.clone(),
            });
        }
        files.extend(super::copy_assets(assets, true));
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_card_shows_the_first_paragraph_only() {
        let md = "## Lab scenario\n\nYour organization wants **VMs**.\n\n![diagram](media/x.png)\n\nMore.";
        assert_eq!(
            super::lead(md).as_deref(),
            Some("Your organization wants VMs.")
        );
        let md = "Your organization wants **VMs**.\n\nMore.";
        assert_eq!(
            super::lead(md).as_deref(),
            Some("Your organization wants VMs.")
        );
        let long = "word ".repeat(100);
        let cut = super::lead(&long).unwrap();
        assert!(cut.chars().count() <= 300 && cut.ends_with('…'));
    }
}
