//! Render: the search index of one language as small scripts a query loads on demand, so a
//! reader of a 10,000-guide book downloads a few hundred KB per query and nothing on page load:
//!
//! - `search-index.js`: how many guides, the first word of each word file and the first guide
//!   of each text file (a few KB for a large book), loaded the first time the reader types;
//! - `search_index/t<k>.js`: words in sorted order, each with the guides it is in and a weight
//!   per guide, cut into files of about [`CHUNK_BYTES`]; a query loads the files its words (and
//!   words they begin) fall in;
//! - `search_index/g<k>.js`: consecutive guides' texts (about [`PACK_BYTES`] a file), for the
//!   excerpts and steps of the guides that ranked highest.
//!
//! The folder's name has an underscore, which no guide id has. Files are made one at a time
//! as they are written; the word lists of the whole language are held until the end, each
//! guide's weight for a word packed with its number into one `u32`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::Entries;
use crate::layout;
use crate::output::OutFile;

/// About how large one file of guides' texts grows (a larger guide is a file of its own).
pub(super) const PACK_BYTES: usize = 32 * 1024;
/// About how large one file of words grows (one word used everywhere may make it larger).
pub(super) const CHUNK_BYTES: usize = 48 * 1024;
/// Guide numbers above this do not fit beside the weight in a posting.
const MAX_GUIDES: u32 = 1 << 24;

/// The search files of one language (`lang`, its folder prefix) from each guide's id and
/// entries in book order.
pub(in crate::render) fn files<'a>(
    guides: impl Iterator<Item = (&'a str, &'a Entries)> + 'a,
    lang: &str,
) -> Files<'a> {
    Files {
        guides: Box::new(guides),
        n: 0,
        postings: HashMap::default(),
        pack: String::new(),
        pack_first: 0,
        packs: Vec::new(),
        words: None,
        chunks: Vec::new(),
        lang: lang.to_owned(),
        done: false,
    }
}

/// Every word of a language with its postings, sorted, as the word files take them.
type Words = std::iter::Peekable<std::vec::IntoIter<(Box<str>, Vec<u32>)>>;

/// The search files of a language, each made when it is asked for.
pub(in crate::render) struct Files<'a> {
    guides: Box<dyn Iterator<Item = (&'a str, &'a Entries)> + 'a>,
    /// Guides read so far.
    n: u32,
    /// Each word's guides: `number << 8 | weight`, in book order.
    postings: HashMap<Box<str>, Vec<u32>, BuildHasherDefault<super::text::Fnv>>,
    /// The texts of the guides read since the last text file.
    pack: String,
    pack_first: u32,
    /// The first guide of each text file written.
    packs: Vec<u32>,
    /// Every word, sorted, once all guides are read.
    words: Option<Words>,
    /// The first word of each word file written.
    chunks: Vec<String>,
    lang: String,
    done: bool,
}

impl Files<'_> {
    fn file(&self, name: &str, text: String) -> OutFile {
        OutFile::Text {
            to: layout::search_file(&self.lang, name),
            text,
        }
    }

    /// Reads the next guide into the open text file and the word lists; false when none is
    /// left.
    fn read_guide(&mut self) -> bool {
        let Some((id, entries)) = self.guides.next() else {
            return false;
        };
        let text = entries.text();
        let mut lines = text.split('\n');
        let docs = lines.next().filter(|d| d.starts_with('[')).unwrap_or("[]");
        if self.pack.is_empty() {
            self.pack_first = self.n;
        } else {
            self.pack.push(',');
        }
        self.pack.push_str(&format!(
            "[{},{docs}]",
            super::json(&format!("{id}/index.html"))
        ));
        if self.n < MAX_GUIDES {
            for line in lines {
                let Some((word, weight)) = line.rsplit_once(' ') else {
                    continue;
                };
                let weight: u32 = weight.parse().unwrap_or(1);
                let posting = self.n << 8 | weight.min(255);
                match self.postings.get_mut(word) {
                    Some(list) => list.push(posting),
                    None => {
                        self.postings.insert(word.into(), vec![posting]);
                    }
                }
            }
        }
        self.n += 1;
        true
    }

    /// The open text file, written.
    fn pack_file(&mut self) -> OutFile {
        let k = self.packs.len();
        self.packs.push(self.pack_first);
        let text = format!(
            "stepbookSearch.guides({k},[{}]);\n",
            std::mem::take(&mut self.pack)
        );
        self.file(&format!("g{k}.js"), text)
    }

    /// The next file of words, if words remain.
    fn chunk_file(&mut self) -> Option<OutFile> {
        let words = self.words.as_mut()?;
        words.peek()?;
        let k = self.chunks.len();
        let mut out = format!("stepbookSearch.terms({k},{{");
        let start = out.len();
        while let Some((word, list)) = words.next_if(|_| out.len() < CHUNK_BYTES) {
            if out.len() == start {
                self.chunks.push(word.to_string());
            } else {
                out.push(',');
            }
            out.push_str(&super::json(&word));
            out.push_str(":\"");
            postings(&list, &mut out);
            out.push('"');
        }
        out.push_str("});\n");
        Some(self.file(&format!("t{k}.js"), out))
    }

    /// What the reader loads first: the number of guides and where words and guides are.
    fn manifest(&self) -> OutFile {
        let chunks: Vec<String> = self.chunks.iter().map(|w| super::json(w)).collect();
        let packs: Vec<String> = self.packs.iter().map(u32::to_string).collect();
        OutFile::Text {
            to: layout::search_index(&self.lang),
            text: format!(
                "stepbookSearch.index({{\"n\":{},\"t\":[{}],\"g\":[{}]}});\n",
                self.n,
                chunks.join(","),
                packs.join(",")
            ),
        }
    }
}

/// A word's guides as the reader decodes them: per guide, the distance from the previous
/// guide's number in base 36 and its weight as one base-36 digit, space apart (`0k 1z 3a`).
fn postings(list: &[u32], out: &mut String) {
    let mut prev = 0;
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let guide = p >> 8;
        base36(guide - prev, out);
        prev = guide;
        base36((p & 0xff).min(super::text::MAX_SCORE), out);
    }
}

fn base36(mut n: u32, out: &mut String) {
    let mut digits = [0u8; 8];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
}

impl Iterator for Files<'_> {
    type Item = OutFile;

    fn next(&mut self) -> Option<OutFile> {
        if self.done {
            return None;
        }
        if self.words.is_none() {
            while self.read_guide() {
                if self.pack.len() >= PACK_BYTES {
                    return Some(self.pack_file());
                }
            }
            if !self.pack.is_empty() {
                return Some(self.pack_file());
            }
            let mut all: Vec<(Box<str>, Vec<u32>)> =
                std::mem::take(&mut self.postings).into_iter().collect();
            all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            self.words = Some(all.into_iter().peekable());
        }
        if let Some(f) = self.chunk_file() {
            return Some(f);
        }
        self.done = true;
        Some(self.manifest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(files: &[OutFile]) -> Vec<(&str, &str)> {
        files
            .iter()
            .map(|f| match f {
                OutFile::Text { to, text } => (to.as_str(), text.as_str()),
                _ => panic!("{}", f.to()),
            })
            .collect()
    }

    #[test]
    fn a_small_index_is_a_manifest_one_word_file_and_one_text_file() {
        let a = Entries::Here("[[\"\",\"\",\"A </script>\",\"\",-1]]\na 16\nscript 16".into());
        let b = Entries::Here("[[\"\",\"\",\"B\",\"a\",-1]]\na 1\nb 16".into());
        let files: Vec<OutFile> = files([("a", &a), ("b", &b)].into_iter(), "de/").collect();
        assert_eq!(
            texts(&files),
            [
                (
                    "html/de/search_index/g0.js",
                    "stepbookSearch.guides(0,[[\"a/index.html\",[[\"\",\"\",\"A </script>\",\"\",-1]]],[\"b/index.html\",[[\"\",\"\",\"B\",\"a\",-1]]]]);\n"
                ),
                (
                    "html/de/search_index/t0.js",
                    "stepbookSearch.terms(0,{\"a\":\"0g 11\",\"b\":\"1g\",\"script\":\"0g\"});\n"
                ),
                (
                    "html/de/search-index.js",
                    "stepbookSearch.index({\"n\":2,\"t\":[\"a\"],\"g\":[0]});\n"
                ),
            ]
        );
    }

    #[test]
    fn a_large_index_comes_in_small_files_and_keeps_every_guide_and_word() {
        // 3,000 guides of about 2 KB of text, 40 words each (20 shared, 20 their own).
        let guides: Vec<(String, Entries)> = (0..3000)
            .map(|i| {
                let mut text = format!("[[\"\",\"\",\"Guide {i}\",\"{}\",-1]]", "x".repeat(2000));
                for w in 0..20 {
                    text.push_str(&format!("\nshared{w} 3\nown{i}x{w} 1"));
                }
                (format!("g{i}"), Entries::Here(text))
            })
            .collect();
        let files: Vec<OutFile> =
            files(guides.iter().map(|(id, e)| (id.as_str(), e)), "").collect();
        let all = texts(&files);
        let (manifest, rest) = all.split_last().unwrap();
        assert_eq!(manifest.0, "html/search-index.js");
        assert!(manifest.1.len() < 20_000, "{}", manifest.1.len());
        for (to, text) in rest {
            // A file grows past its size by at most one word (here: 3,000 guides, 9 KB).
            assert!(
                text.len() < CHUNK_BYTES.max(PACK_BYTES) + 10_000,
                "{to}: {}",
                text.len()
            );
        }
        let packs = rest.iter().filter(|(to, _)| to.contains("/g")).count();
        let chunks = rest.iter().filter(|(to, _)| to.contains("/t")).count();
        assert!(packs > 100 && chunks > 10, "{packs} {chunks}");
        assert_eq!(
            rest.iter()
                .map(|(_, t)| t.matches("/index.html\"").count())
                .sum::<usize>(),
            3000
        );
        // A shared word lists every guide: 0, then 2,999 steps of one.
        let shared = rest
            .iter()
            .find(|(_, t)| t.contains("\"shared7\":"))
            .unwrap()
            .1;
        let list = shared
            .split("\"shared7\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(list.split(' ').count(), 3000);
        assert!(list.starts_with("03 13 13"));
        // The manifest names each word file's first word, in order.
        assert!(manifest.1.contains("\"t\":[\"own0x0\","));
    }
}
