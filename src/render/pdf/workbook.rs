//! PDF: the workbook (`[output.pdf] workbook = true`), one PDF of the day's guides for duplex
//! printing: `workbook.typ` puts a cover, the contents and each guide's body (`guide-body.typ`,
//! the part of `guide.typ` that is the guide's content) into one Typst document, so page
//! numbers, the contents and the bookmarks run through the whole. The guides are those
//! `[output.agenda] items` name, in their order, or else every guide in book order.
//!
//! Each guide's body is rendered while the guide is (the pipeline keeps no guide for later) and
//! held here, per language, until the book's shared files are made; the bodies held are bounded
//! as a guide's PDF is, by [`super::MAX_PDF_STEPS`] steps in all, past which the workbook is an
//! error (E020) instead of gigabytes of layout. Its compile runs in a worker like every PDF's,
//! within [`WORKBOOK_BOUNDS`] of time and memory.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::{Pdf, Shown, world};
use crate::diag::{Code, Diagnostic};
use crate::layout;
use crate::output::OutFile;
use crate::render::{GuideEntry, RenderCx};

/// How long the workbook may take to compile and how much memory: it holds every guide, where
/// one guide's PDF has [`super::worker::Bounds::PDF`]. 55 real labs (306 pages, 183
/// screenshots, 490 MiB of pixels decoded) took 40–50 s in a debug build on a shared 2-core
/// machine and 1.32 GiB, most of it the screenshots.
pub const WORKBOOK_BOUNDS: super::worker::Bounds = super::worker::Bounds {
    time: std::time::Duration::from_secs(300),
    memory: 3 << 30,
};

/// The workbook's settings and the guides' bodies held for it.
pub struct Workbook {
    /// The guides it holds, in order, when the agenda lists them; `None`: every guide.
    agenda: Option<Vec<String>>,
    /// The date on the cover (`YYYY-MM-DD`).
    date: String,
    held: Mutex<Held>,
}

/// Each guide's body by id, and the steps of them all.
#[derive(Default)]
struct Held {
    bodies: HashMap<String, String>,
    steps: usize,
    /// The steps were past the limit: the bodies were dropped.
    over: bool,
}

impl Workbook {
    /// The workbook, when `[output.pdf] workbook = true`.
    pub fn of(book: &crate::book::Book) -> Option<Workbook> {
        let outputs = book.config.outputs();
        let pdf = outputs.pdf.as_ref().filter(|p| p.workbook)?;
        let date = pdf
            .workbook_date
            .as_deref()
            .and_then(|d| crate::validate::capture::Day::parse(d.trim()))
            .unwrap_or_else(crate::validate::capture::Day::today)
            .to_string();
        let agenda = outputs.agenda.as_ref().and_then(|a| {
            let mut seen = HashSet::new();
            let ids: Vec<String> = a
                .items
                .iter()
                .filter_map(|i| i.guide.clone())
                .filter(|id| seen.insert(id.clone()))
                .collect();
            (!ids.is_empty()).then_some(ids)
        });
        Some(Workbook {
            agenda,
            date,
            held: Mutex::new(Held::default()),
        })
    }

    /// Whether the workbook holds guide `id`.
    pub fn wants(&self, id: &str) -> bool {
        self.agenda
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|i| i == id))
    }

    /// Holds a guide's body (its Typst markup) of `steps` steps until the workbook is made.
    pub fn hold(&self, id: &str, body: String, steps: usize) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.steps += steps;
        if held.over || held.steps > super::MAX_PDF_STEPS {
            held.over = true;
            held.bodies = HashMap::new();
            return;
        }
        held.bodies.insert(id.to_owned(), body);
    }

    /// The workbook of one language from the guides held, in `cards`' order (book order) or
    /// the agenda's (a guide not written in the language is left out). Nothing when no guide
    /// was held: a `watch` rebuild renders the index with no guide's body, and leaves the
    /// workbook of the last full build in place.
    pub fn file(
        &self,
        pdf: &Pdf,
        cx: &RenderCx,
        cards: &[&GuideEntry],
        assets: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let held = std::mem::take(&mut *self.held.lock().unwrap_or_else(|e| e.into_inner()));
        if held.over {
            return Err(too_long(held.steps));
        }
        let ids: Vec<&str> = match &self.agenda {
            Some(ids) => ids.iter().map(String::as_str).collect(),
            None => cards.iter().map(|c| c.id()).collect(),
        };
        let mut bodies = held.bodies;
        if bodies.is_empty() {
            return Ok(Vec::new());
        }
        let guides: Vec<serde_json::Value> = ids
            .iter()
            .filter_map(|id| bodies.remove(*id))
            .map(|body| serde_json::json!({ "body": body }))
            .collect();
        let mut ctx = cx.base.clone();
        ctx.insert("guides", &guides);
        drop(guides);
        ctx.insert("paper", super::typst_paper(pdf.paper));
        ctx.insert("lang", &super::lang(cx.base));
        ctx.insert("date", &self.date);
        ctx.insert("event", &event(cx.base));
        let source = cx.engine.render("workbook.typ", &ctx)?;
        drop(ctx);
        // The guides' PDFs warned already of an image not shown or a character no font has.
        let plan = pdf.fonts.plan(&[&source], &cx.lang.code);
        let (bytes, _) = super::compile_parts(
            "workbook.typ",
            Shown {
                file: crate::config::CONFIG_FILE,
                text: "",
            },
            world::Parts::one(source),
            assets,
            &pdf.remote,
            world::Files::new(),
            &plan,
            WORKBOOK_BOUNDS,
        )
        .map_err(|d| Box::new((*d).help(HELP)))?;
        Ok(vec![OutFile::Bytes {
            to: layout::pdf_workbook(pdf.in_site, &cx.lang.prefix, &name(cx)),
            bytes,
        }])
    }
}

const HELP: &str = "list fewer guides in `[output.agenda] items` (the workbook holds those), or set `workbook = false` in `[output.pdf]`";

/// E020 for a workbook of more steps than a PDF is made of.
fn too_long(steps: usize) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            Code::E020,
            crate::config::CONFIG_FILE,
            format!(
                "the workbook would hold {steps} steps (substeps included); a PDF is made of at most {}: laying out more takes gigabytes",
                super::MAX_PDF_STEPS
            ),
        )
        .help(HELP),
    )
}

/// The workbook's file name, from the book's title in the language.
pub fn name(cx: &RenderCx) -> String {
    layout::workbook_name(&crate::validate::slug(&cx.lang.title))
}

/// The event on the cover: the book's variable `event.name`, when it has one.
fn event(base: &tera::Context) -> Option<String> {
    let key = |k: &'static str| tera::value::Key::from(k);
    base.get("variables")?
        .as_map()?
        .get(&key("event"))?
        .as_map()?
        .get(&key("name"))?
        .as_str()
        .map(str::to_owned)
}

/// The workbook's link on the index, when the PDFs are in the site.
pub fn link(pdf: &Pdf, lang: &crate::i18n::Language) -> Option<crate::render::GuideLink> {
    (pdf.in_site && pdf.workbook.is_some()).then(|| crate::render::GuideLink {
        name: "workbook",
        label: lang.strings.get("workbook").to_owned(),
        path: layout::workbook_href_from_html(
            "",
            &layout::workbook_name(&crate::validate::slug(&lang.title)),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_steps_a_pdf_is_made_of_the_bodies_are_dropped() {
        let w = Workbook {
            agenda: Some(vec!["b".into(), "a".into()]),
            date: "2026-03-14".into(),
            held: Mutex::new(Held::default()),
        };
        assert!(w.wants("a") && !w.wants("c"));
        w.hold("a", "= A".into(), super::super::MAX_PDF_STEPS);
        assert!(!w.held.lock().unwrap().over);
        w.hold("b", "= B".into(), 1);
        let held = w.held.lock().unwrap();
        assert!(held.over && held.bodies.is_empty());
        assert_eq!(held.steps, super::super::MAX_PDF_STEPS + 1);
        let e = too_long(held.steps);
        assert!(e.message.contains("10001 steps"), "{}", e.message);
    }
}
