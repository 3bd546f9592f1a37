//! Render: the event agenda (`[output.agenda]`), `agenda/agenda.md` and `agenda/agenda.html` per
//! language: the day's items (or every guide in book order) with how long each takes and, from
//! the book's `start` time, when each begins and ends; a guide that says nothing of its
//! duration is timed by an estimate, marked `≈` (the check warns about it).

/// The agenda page's style: a table for a screen, or one printed page; light and dark.
const AGENDA_CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d1d9e0}td.time{font-variant-numeric:tabular-nums;white-space:nowrap}tr.break td{color:#59636e;font-style:italic}@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}th,td{border-color:#3d444d}tr.break td{color:#9198a1}}@media print{body{margin:0;max-width:none}}";

use serde::Serialize;

use super::{Engine, GuideEntry, Output, RenderCx};
use crate::config::agenda_check::GuideTime;
use crate::diag::Diagnostic;
use crate::layout;
use crate::output::OutFile;

/// The agenda output.
pub struct Agenda {
    cfg: crate::config::AgendaOutput,
    /// The paper and the image settings, when the PDF output is on: a one-page PDF too.
    #[cfg(feature = "pdf")]
    pdf: Option<(
        crate::config::Paper,
        super::pdf::images::Remote,
        super::pdf::fonts::Fonts,
    )>,
}

/// The agenda output, when `[output.agenda]` is in book.toml.
pub fn make(book: &crate::book::Book, _: &Engine) -> Option<Box<dyn Output>> {
    let cfg = book.config.outputs().agenda?;
    Some(Box::new(Agenda {
        cfg,
        #[cfg(feature = "pdf")]
        pdf: book.config.outputs().pdf.as_ref().map(|_| {
            (
                book.config.pdf_paper(),
                super::pdf::images::Remote::of(book),
                super::pdf::fonts::Fonts::of(book),
            )
        }),
    }))
}

/// One line of the agenda.
#[derive(Debug, Serialize, PartialEq)]
struct Slot {
    /// `HH:MM`, when the book gives a start time.
    start: Option<String>,
    end: Option<String>,
    title: String,
    /// The guide's id; `None` for a break or talk.
    id: Option<String>,
    /// "30 min"; `≈ 30 min` when estimated.
    duration: String,
    estimated: bool,
}

impl Agenda {
    fn slots(&self, cards: &[&GuideEntry], t: &crate::i18n::Strings) -> (Vec<Slot>, u64) {
        let guides: Vec<GuideTime> = cards
            .iter()
            .map(|c| GuideTime {
                id: &c.id,
                title: &c.title,
                minutes: c.duration_minutes,
                estimate: c.estimate_minutes,
            })
            .collect();
        let plan = self.cfg.plan(&guides);
        let total = plan.last().map_or(0, |p| p.from + p.minutes);
        let slots = plan
            .into_iter()
            .map(|p| {
                let length = t.duration(crate::duration::Duration(p.minutes * 60));
                Slot {
                    start: self.cfg.start.map(|s| s.after(p.from)),
                    end: self.cfg.start.map(|s| s.after(p.from + p.minutes)),
                    title: p.title,
                    id: p.guide,
                    duration: if p.estimated {
                        format!("≈ {length}")
                    } else {
                        length
                    },
                    estimated: p.estimated,
                }
            })
            .collect();
        (slots, total)
    }
}

impl Output for Agenda {
    fn name(&self) -> &'static str {
        "agenda"
    }

    fn folder(&self) -> &'static str {
        layout::AGENDA_DIR
    }

    fn guide(
        &self,
        _: &RenderCx,
        _: &tera::Value,
        _: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        Vec::new()
    }

    fn shared(
        &self,
        cx: &RenderCx,
        cards: &[&GuideEntry],
        _: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let (slots, minutes) = self.slots(cards, &cx.lang.strings);
        let total = (minutes > 0).then(|| {
            cx.lang
                .strings
                .duration(crate::duration::Duration(minutes * 60))
        });
        let end = self.cfg.start.map(|s| s.after(minutes));
        let mut ctx = cx.base.clone();
        ctx.insert("slots", &slots);
        ctx.insert("end", &end.filter(|_| !slots.is_empty()));
        ctx.insert("total_duration", &total);
        ctx.insert("css", &AGENDA_CSS);
        let text = cx.engine.render("agenda.md", &ctx)?;
        let html = cx.engine.render("agenda.html", &ctx)?;
        #[allow(unused_mut)] // pushed to only with the `pdf` feature
        let mut files = Vec::with_capacity(3);
        #[cfg(feature = "pdf")]
        if let Some((paper, remote, fonts)) = &self.pdf {
            ctx.insert("paper", super::pdf::typst_paper(*paper));
            let source = cx.engine.render("agenda.typ", &ctx)?;
            // Guide titles in any script print: the fonts they need, as a guide's PDF finds them.
            let plan = fonts.plan(&[&source], &cx.lang.code);
            let (bytes, _) = super::pdf::compile(
                "agenda.typ",
                super::pdf::Shown {
                    file: crate::config::CONFIG_FILE,
                    text: "",
                },
                source,
                &[],
                remote,
                &plan,
            )?;
            files.push(OutFile::Bytes {
                to: layout::agenda_pdf(&cx.lang.prefix),
                bytes,
            });
        }
        files.extend([
            OutFile::Text {
                to: layout::agenda_page(&cx.lang.prefix),
                text: super::markdown::tidy(&text),
            },
            OutFile::Text {
                to: layout::agenda_html(&cx.lang.prefix),
                text: html,
            },
        ]);
        Ok(files)
    }
}
