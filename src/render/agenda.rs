//! Render: the event agenda (`[output.agenda]`), `agenda/agenda.md` per language: the guides in
//! book order with how long each takes and, from the book's `start` time, when each begins; a
//! guide that says nothing of its duration stops the clock (its start and the ones after it are
//! left blank rather than guessed).

use serde::Serialize;

use super::{Engine, GuideEntry, Output, RenderCx};
use crate::config::ClockTime;
use crate::diag::Diagnostic;
use crate::layout;
use crate::output::OutFile;

/// The agenda output.
pub struct Agenda {
    start: Option<ClockTime>,
}

/// The agenda output, when `[output.agenda]` is in book.toml.
pub fn make(book: &crate::book::Book, _: &Engine) -> Option<Box<dyn Output>> {
    let cfg = book.config.outputs().agenda?;
    Some(Box::new(Agenda { start: cfg.start }))
}

/// One line of the agenda.
#[derive(Debug, Serialize, PartialEq)]
struct Slot {
    /// `HH:MM`, when the book gives a start time and every guide before says its duration.
    start: Option<String>,
    title: String,
    id: String,
    /// "about 30 min"; `None` when the guide does not say.
    duration: Option<String>,
}

impl Agenda {
    fn slots(&self, cards: &[&GuideEntry]) -> (Vec<Slot>, Option<String>) {
        let mut clock = self.start.map(|s| (s, 0u64));
        let mut slots = Vec::with_capacity(cards.len());
        for card in cards {
            slots.push(Slot {
                start: clock.map(|(s, m)| s.after(m)),
                title: card.title.clone(),
                id: card.id.clone(),
                duration: card.duration.clone(),
            });
            clock = match (clock, card.duration_minutes) {
                (Some((s, m)), Some(d)) => Some((s, m + d)),
                _ => None,
            };
        }
        let end = clock.map(|(s, m)| s.after(m));
        (slots, end)
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
        let (slots, end) = self.slots(cards);
        let minutes: u64 = cards.iter().filter_map(|c| c.duration_minutes).sum();
        let total = (minutes > 0).then(|| {
            cx.lang
                .strings
                .duration(crate::duration::Duration(minutes * 60))
        });
        let mut ctx = cx.base.clone();
        ctx.insert("slots", &slots);
        ctx.insert("end", &end);
        ctx.insert("total_duration", &total);
        let text = cx.engine.render("agenda.md", &ctx)?;
        Ok(vec![OutFile::Text {
            to: layout::agenda_page(&cx.lang.prefix),
            text: super::markdown::tidy(&text),
        }])
    }
}
