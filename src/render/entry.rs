//! Render: what crosses guides. Each guide gives one [`GuideEntry`] to the book's shared files,
//! and each output may offer a [`GuideLink`] to a file it makes for a guide, which the HTML
//! pages list without knowing the outputs.

use serde::Serialize;

use super::view::GuideView;
use crate::i18n::Language;

/// A link from a guide's page (and its card on the index) to a file another output made for
/// the guide.
#[derive(Debug, Clone, Serialize)]
pub struct GuideLink {
    /// The output's name (`checklist`, `pdf`): its CSS class, and the template variable
    /// `<name>_href` older templates read.
    pub name: &'static str,
    /// Shown to readers, in the page's language.
    pub label: String,
    /// From the language's root of the site (`checklist/azure-pass.html`).
    pub path: String,
}

/// What the book's shared files (an index, a search index, a sitemap) know of one guide, made
/// once per guide and language whatever outputs are on.
#[derive(Debug, Clone, Serialize)]
pub struct GuideEntry {
    pub(super) id: String,
    pub(super) title: String,
    /// The summary's first paragraph as plain text (at most 300 characters): what a card shows.
    pub(super) lead: Option<String>,
    pub(super) step_count: usize,
    pub(super) duration: Option<String>,
    #[serde(skip)]
    pub(super) duration_minutes: Option<u64>,
    /// The agenda's estimate, for a guide without a duration.
    #[serde(skip)]
    pub(super) estimate_minutes: u64,
    pub(super) total_wait: Option<String>,
    /// What search finds of the guide: its title and summary, each section and each step.
    #[serde(skip)]
    pub(super) search: super::search::Entries,
    /// Its language's folder in the site (`""`, `de/`).
    #[serde(skip)]
    pub(super) prefix: String,
}

/// The first paragraph of a Markdown summary as plain text, cut at 300 characters.
fn lead(md: &str) -> Option<String> {
    // Headings and pictures are not the lead: the first paragraph of text is (a paragraph of
    // pictures only has no text without their alt text).
    let first = md
        .split("\n\n")
        .filter(|b| !b.trim_start().starts_with('#'))
        .map(crate::markdown::prose)
        .find(|p| !p.trim().is_empty())?;
    let text = first.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if text.chars().count() > 300 {
        let cut: String = text.chars().take(299).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    })
}

impl GuideEntry {
    /// How its neighbours' previous/next links name the guide.
    pub fn nav(&self) -> super::NavLink {
        super::NavLink {
            id: self.id.clone(),
            title: self.title.clone(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Moves the guide's search entries into a scratch file until the index is written.
    pub fn spill_search(&mut self, file: &std::sync::Arc<super::Spill>) -> std::io::Result<()> {
        self.search.spill(file)
    }

    pub fn of(g: &GuideView, lang: &Language) -> GuideEntry {
        GuideEntry {
            id: g.id.clone(),
            title: g.title.clone(),
            lead: g.summary_md.as_deref().and_then(lead),
            step_count: g.step_count,
            duration: g.duration.clone(),
            duration_minutes: g.duration_minutes,
            estimate_minutes: g.estimate_minutes,
            total_wait: g.total_wait.clone(),
            search: super::search::Entries::of(g, &lang.strings),
            prefix: lang.prefix.clone(),
        }
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
        // An imported lab's summary opens with its diagram: the card says the first words.
        let md = "![Lab overview.](media/diagram.png)\n\nYou're a Security Operations Analyst.";
        assert_eq!(
            super::lead(md).as_deref(),
            Some("You're a Security Operations Analyst.")
        );
        let long = "word ".repeat(100);
        let cut = super::lead(&long).unwrap();
        assert!(cut.chars().count() <= 300 && cut.ends_with('…'));
    }
}
