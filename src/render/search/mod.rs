//! Render: the site's full-text search, written at build time and read by `theme/search.js`
//! only when a reader searches — as scripts, not fetched, so it also works from `file://`.
//! Each guide's texts and words are made once, when the guide is rendered (`text.rs`); the
//! index is written from them at the end of the build in small files a query loads on demand
//! (`index.rs`): a catalogue of 10,000 guides costs a reader a few hundred KB per query, and a
//! page load nothing.

mod index;
mod text;

pub(super) use index::files;
use text::{Doc, GuideText, html_text};

use super::view::{GuideView, NoteView, StepView};

/// What search knows of a guide: its texts as a JSON array on the first line (for excerpts),
/// then a line per word with the guide's weight for it (see `text.rs`).
///
/// A full build moves them out of memory into a scratch file once the guide is rendered
/// ([`Entries::spill`]): the index is written at the end, and a catalogue's entries are the
/// largest thing that would otherwise grow with it.
#[derive(Debug, Clone)]
pub(super) enum Entries {
    Here(String),
    /// `len` bytes at `at` of a scratch file.
    Spilled {
        file: std::sync::Arc<Spill>,
        at: u64,
        len: usize,
    },
}

impl Default for Entries {
    fn default() -> Self {
        Entries::Here(String::new())
    }
}

/// A scratch file that guides' search entries are appended to (deleted when dropped).
#[derive(Debug)]
pub struct Spill {
    file: std::sync::Mutex<(std::fs::File, u64)>,
}

impl Spill {
    pub fn new() -> std::io::Result<Spill> {
        Ok(Spill {
            file: std::sync::Mutex::new((tempfile::tempfile()?, 0)),
        })
    }

    fn append(&self, bytes: &[u8]) -> std::io::Result<u64> {
        use std::io::Write;
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let at = f.1;
        f.0.write_all(bytes)?;
        f.1 += bytes.len() as u64;
        Ok(at)
    }

    fn read(&self, at: u64, len: usize) -> std::io::Result<String> {
        use std::os::unix::fs::FileExt;
        let f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let mut buf = vec![0; len];
        f.0.read_exact_at(&mut buf, at)?;
        String::from_utf8(buf).map_err(std::io::Error::other)
    }
}

impl Entries {
    /// Everything a reader can find on the guide's page: the guide (its title, summary,
    /// prerequisites, objectives and notes), each section (title, intro, notes), each step and
    /// substep (its label, text with code and tables, notes, result, captions, hint, and answer
    /// and instructor notes when the build has them), the conclusion.
    pub(super) fn of(g: &GuideView, t: &crate::i18n::Strings) -> Entries {
        let mut out = GuideText::default();
        let mut body = String::new();
        if let Some(s) = &g.summary_html {
            html_text(s, &mut body);
        }
        for r in g.prerequisites.iter().chain(&g.objectives) {
            html_text(&r.html, &mut body);
            body.push(' ');
        }
        notes(&g.notes, &mut body);
        out.add(Doc {
            anchor: "",
            number: "",
            label: &g.title,
            label_weight: text::GUIDE_TITLE,
            body: &body,
            parent: None,
        });
        for sec in &g.sections {
            body.clear();
            if let Some(s) = &sec.intro_html {
                html_text(s, &mut body);
            }
            notes(&sec.notes, &mut body);
            let at = out.add(Doc {
                anchor: &sec.anchor,
                number: "",
                label: &sec.title,
                label_weight: text::SECTION_TITLE,
                body: &body,
                parent: None,
            });
            steps(&mut out, &sec.steps, at, &mut body);
        }
        if let Some(c) = &g.conclusion_html {
            body.clear();
            html_text(c, &mut body);
            out.add(Doc {
                anchor: "conclusion",
                number: "",
                label: t.get("wrapping_up"),
                label_weight: 0,
                body: &body,
                parent: None,
            });
        }
        let mut text = out.finish();
        text.shrink_to_fit();
        Entries::Here(text)
    }

    /// Moves the entries into `file`.
    pub(super) fn spill(&mut self, file: &std::sync::Arc<Spill>) -> std::io::Result<()> {
        if let Entries::Here(text) = self {
            let at = file.append(text.as_bytes())?;
            *self = Entries::Spilled {
                file: file.clone(),
                at,
                len: text.len(),
            };
        }
        Ok(())
    }

    /// The entries' text (read back from the scratch file if they were moved there).
    pub(super) fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Entries::Here(t) => std::borrow::Cow::Borrowed(t),
            // A scratch file that cannot be read back leaves the guide out of the index
            // rather than failing the build at its very end.
            Entries::Spilled { file, at, len } => {
                std::borrow::Cow::Owned(file.read(*at, *len).unwrap_or_default())
            }
        }
    }
}

fn notes(list: &[NoteView], body: &mut String) {
    for n in list {
        body.push(' ');
        html_text(&n.html, body);
    }
}

/// Each step and substep of `list` (in the section at `section`) as a text of its own.
fn steps(out: &mut GuideText, list: &[StepView], section: usize, body: &mut String) {
    for st in list {
        body.clear();
        html_text(&st.text_html, body);
        notes(&st.notes, body);
        if let Some(r) = &st.result_html {
            body.push(' ');
            html_text(r, body);
        }
        for shot in &st.screenshots {
            if let Some(c) = &shot.caption_html {
                body.push(' ');
                html_text(c, body);
            }
        }
        // A hint, and an answer or instructor notes where the build has them (the instructor
        // edition; answers after the event with `reveal-answers`): a learner build has none.
        for b in [&st.hint, &st.answer, &st.instructor].into_iter().flatten() {
            body.push(' ');
            html_text(&b.html, body);
        }
        out.add(Doc {
            anchor: &st.anchor,
            number: &st.number,
            label: &st.check,
            label_weight: text::STEP_LABEL,
            body: body.trim(),
            parent: Some(section),
        });
        steps(out, &st.substeps, section, body);
    }
}

/// A string as a JSON string literal, safe inside a `<script>` (`<`, `>`, `&` escaped).
fn json(s: &str) -> String {
    super::script_safe_json(serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()))
}
