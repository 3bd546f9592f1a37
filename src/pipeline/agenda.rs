//! Pipeline: the event agenda's checks that need the guides (`[output.agenda]`): an item naming
//! a guide the book does not have is an error at its place in book.toml; a guide timed by an
//! estimate, and a day that runs past its `end`, are warnings.

use std::path::Path;

use crate::book::Book;
use crate::config::agenda_check::{self, GuideTime};
use crate::diag::{Code, Diagnostic};

use super::stream::Checked;

/// Adds the agenda's problems to `checked` (and book.toml's text, which they point into).
pub(super) fn check(book: &Book, checked: &mut Checked) {
    let Some(cfg) = book.config.outputs().agenda else {
        return;
    };
    let shown = crate::diag::shown_path(&book.shown_root, Path::new(crate::config::CONFIG_FILE));
    let guides: Vec<GuideTime> = checked
        .guides
        .iter()
        .filter(|g| g.lang.is_none())
        .map(|g| GuideTime {
            id: &g.id,
            title: &g.title,
            minutes: g.minutes,
            estimate: g.estimate,
        })
        .collect();
    let mut found = Vec::new();
    if !cfg.items.is_empty() {
        let path = book.root.join(crate::config::CONFIG_FILE);
        if let Ok(text) = crate::safe_fs::read_regular_text(&path, crate::config::MAX_CONFIG_BYTES)
        {
            let ids: Vec<&str> = guides.iter().map(|g| g.id).collect();
            found = agenda_check::unknown_guides(&text, &shown, &ids);
            if !found.is_empty() {
                checked
                    .sources
                    .insert(shown.clone(), std::sync::Arc::from(text));
            }
        }
    }
    let plan = cfg.plan(&guides);
    for p in plan.iter().filter(|p| p.estimated) {
        found.push(
            Diagnostic::warning(
                Code::W021,
                &shown,
                format!(
                    "the agenda times guide `{}` at an estimated {} min: it gives no `duration`",
                    p.guide.as_deref().unwrap_or_default(),
                    p.minutes
                ),
            )
            .help(format!(
                "give the guide a `duration:`, or the agenda item a `length`; the estimate is {} min a step plus its waits",
                agenda_check::MINUTES_PER_STEP
            )),
        );
    }
    if let (Some(start), Some(end), Some(last)) = (cfg.start, cfg.end, plan.last()) {
        let over = u64::from(start.0) + last.from + last.minutes;
        if over > u64::from(end.0) {
            let first = plan
                .iter()
                .find(|p| u64::from(start.0) + p.from + p.minutes > u64::from(end.0));
            found.push(
                Diagnostic::warning(
                    Code::W021,
                    &shown,
                    format!(
                        "the agenda ends at {}, {} min after its `end` ({}){}",
                        start.after(last.from + last.minutes),
                        over - u64::from(end.0),
                        end.after(0),
                        first.map_or(String::new(), |p| format!(": `{}` runs past it", p.title))
                    ),
                )
                .help("shorten or drop an item, or set a later `end`"),
            );
        }
    }
    checked.diagnostics.extend(found);
}
