//! Render: the site's search index, written at build time and loaded by `theme/search.js` the
//! first time a reader searches — as scripts, so it also works from `file://`. Each guide's
//! entries are turned into JSON once, when the guide is rendered; the index is written from
//! those texts, without building the whole index as a value. A book whose index would exceed
//! about 2 MB gets it in parts (`search-index.js`, then `search-index-1.js`, …), made and written
//! one at a time, and loaded by the reader one after the other, so the first results come from
//! the first part.

use super::view::{GuideView, StepView};
use crate::layout;
use crate::output::OutFile;

/// The size of one part of the index.
pub(super) const PART_BYTES: usize = 2 << 20;

/// A guide's search entries as JSON, each `"label","anchor","text"` (the guide's number in the
/// index goes before it when the index is written): the guide itself (its summary), its
/// sections, its steps by their checklist label (the step's first sentence keeps the index
/// small).
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
    pub(super) fn of(g: &GuideView, t: &crate::i18n::Strings) -> Entries {
        // One string, entries apart by line breaks (JSON strings escape theirs): a guide's
        // entries stay in memory until the index is written.
        let mut out = String::new();
        let mut push = |label: &str, anchor: &str, text: &str| {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{},{},{}", json(label), json(anchor), json(text)));
        };
        push("", "", g.summary_plain.as_deref().unwrap_or_default());
        fn steps(
            push: &mut impl FnMut(&str, &str, &str),
            list: &[StepView],
            t: &crate::i18n::Strings,
        ) {
            for st in list {
                push(
                    &t.fill("search_step", &[("number", &st.number)]),
                    &st.anchor,
                    &st.check,
                );
                steps(push, &st.substeps, t);
            }
        }
        for sec in &g.sections {
            push(&sec.title, &sec.anchor, "");
            steps(&mut push, &sec.steps, t);
        }
        out.shrink_to_fit();
        Entries::Here(out)
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
    fn text(&self) -> std::borrow::Cow<'_, str> {
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

/// The entry at byte `at` of `text` and where the next one starts.
fn entry_at(text: &str, at: usize) -> Option<(&str, usize)> {
    let rest = text.get(at..).filter(|r| !r.is_empty())?;
    Some(match rest.find('\n') {
        Some(n) => (&rest[..n], at + n + 1),
        None => (rest, text.len()),
    })
}

/// A string as a JSON string literal, safe inside a `<script>` (`<`, `>`, `&` escaped).
fn json(s: &str) -> String {
    super::script_safe_json(serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()))
}

/// The index files of one language (`lang`, its folder prefix), made one at a time as they are
/// written: every guide once (`[title, page]`), then every entry as `[guide, label, anchor,
/// text]`. When a part is full, it says there is more (`"more":true`), and `search.js` loads the
/// next, `search-index-<n>.js`.
pub(super) fn files<'a>(
    guides: impl Iterator<Item = (&'a str, &'a str, &'a Entries)>,
    lang: &str,
) -> Parts<'a> {
    let mut list = String::from("[");
    let mut entries = Vec::new();
    for (i, (title, id, e)) in guides.enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&format!(
            "[{},{}]",
            json(title),
            json(&format!("{id}/index.html"))
        ));
        entries.push(e);
    }
    list.push(']');
    Parts {
        list: Some(list),
        entries,
        at: (0, 0),
        current: None,
        part: 0,
        lang: lang.to_owned(),
    }
}

/// The search index files of a language, each made when it is asked for.
pub(super) struct Parts<'a> {
    /// The guides' list, until the first file is made.
    list: Option<String>,
    entries: Vec<&'a Entries>,
    /// The next entry: (guide, byte in its entries).
    at: (usize, usize),
    /// The entries of the guide `at.0`, read.
    current: Option<(usize, String)>,
    part: usize,
    lang: String,
}

impl Parts<'_> {
    /// The next part's entries, as a JSON array, and whether entries remain after it.
    fn next_array(&mut self) -> (String, bool) {
        // Sized once for a full part (growing to 2 MiB by doubling copied it ten times).
        let mut out = String::with_capacity(PART_BYTES + 64 * 1024);
        out.push('[');
        while let Some(e) = self.entries.get(self.at.0) {
            if self.current.as_ref().is_none_or(|(g, _)| *g != self.at.0) {
                self.current = Some((self.at.0, e.text().into_owned()));
            }
            let text = self.current.as_ref().map_or("", |(_, t)| t.as_str());
            let Some((entry, next)) = entry_at(text, self.at.1) else {
                self.at = (self.at.0 + 1, 0);
                continue;
            };
            if out.len() >= PART_BYTES {
                out.push(']');
                return (out, true);
            }
            if out.len() > 1 {
                out.push(',');
            }
            out.push('[');
            out.push_str(&self.at.0.to_string());
            out.push(',');
            out.push_str(entry);
            out.push(']');
            self.at.1 = next;
        }
        out.push(']');
        (out, false)
    }
}

impl Iterator for Parts<'_> {
    type Item = OutFile;

    fn next(&mut self) -> Option<OutFile> {
        let first = self.part == 0;
        if !first && self.at.0 >= self.entries.len() {
            return None;
        }
        let (array, more) = self.next_array();
        let more_js = if more { ",\"more\":true" } else { "" };
        let file = match self.list.take() {
            Some(list) => OutFile::Text {
                to: layout::search_index(&self.lang),
                text: format!("window.stepbookIndex = {{\"e\":{array},\"g\":{list}{more_js}}};\n"),
            },
            None => OutFile::Text {
                to: layout::search_index_part(&self.lang, self.part),
                text: format!(
                    "window.stepbookIndex.e = window.stepbookIndex.e.concat({array});\nwindow.stepbookIndex.more = {more};\n"
                ),
            },
        };
        self.part += 1;
        if !more {
            self.at = (self.entries.len(), 0);
        }
        Some(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_index_is_one_file_and_a_large_one_comes_in_parts() {
        let one = Entries::Here(r#""","","A </script> summary""#.into());
        let small: Vec<OutFile> = files([("T", "g", &one)].into_iter(), "").collect();
        assert_eq!(small.len(), 1);
        let OutFile::Text { text, .. } = &small[0] else {
            panic!()
        };
        assert_eq!(
            text,
            "window.stepbookIndex = {\"e\":[[0,\"\",\"\",\"A </script> summary\"]],\"g\":[[\"T\",\"g/index.html\"]]};\n"
        );
        // Entries of ~108 bytes: 40,000 of them (4.3 MB) need three parts of 2 MiB.
        let mut big = Entries::Here(
            (0..40_000)
                .map(|i| format!(r#""step {i}","a{i}","{}""#, "x".repeat(80)))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        // Moved to a scratch file and read back as the index is written.
        big.spill(&std::sync::Arc::new(Spill::new().unwrap()))
            .unwrap();
        assert!(matches!(big, Entries::Spilled { .. }));
        let large: Vec<OutFile> = files([("T", "g", &big)].into_iter(), "de/").collect();
        assert_eq!(large.len(), 3);
        assert_eq!(large[2].to(), "html/de/search-index-2.js");
        let OutFile::Text { text, .. } = &large[0] else {
            panic!()
        };
        assert!(text.ends_with(",\"more\":true};\n") && text.len() <= PART_BYTES + 200);
        let OutFile::Text { text, .. } = &large[2] else {
            panic!()
        };
        assert!(text.ends_with("window.stepbookIndex.more = false;\n"));
        // Every entry once, in order.
        let all: String = large
            .iter()
            .map(|f| match f {
                OutFile::Text { text, .. } => text.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(all.matches("\"step ").count(), 40_000);
        assert!(all.contains("\"step 39999\"") && all.find("\"step 0\"") < all.find("\"step 1\""));
    }
}
