//! PDF fonts beyond the embedded ones: the book's own (`[output.pdf] fonts`) and, where the
//! machine has them, its installed fonts — looked at only when a document holds a character
//! the embedded fonts (DejaVu Sans and Typst's) have no glyph for, so a Latin book starts as
//! fast as before and prints the same everywhere. A plan names the faces a document needs (the
//! compile loads only those), the family a `ja`, `zh` or `ko` text is set in, and the
//! characters no font has: each a warning, never a silent box (□).

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::Font;

use super::world::FaceRef;
use crate::diag::{Code, Diagnostic};

/// The largest font file read (Noto Sans CJK's collections are about 20 MB).
pub const MAX_FONT_BYTES: u64 = 128 << 20;

/// The body family of every document; the others are added after it.
pub const BODY: &str = "DejaVu Sans";

/// The fonts a book can use beyond the embedded ones.
pub struct Fonts {
    /// `[output.pdf] fonts`, folders expanded: read once a document needs them.
    files: Vec<PathBuf>,
    book: OnceLock<Vec<Candidate>>,
    /// Whether installed fonts are used.
    system: bool,
    /// `[output.pdf] standard = "ua-1"`: the documents are PDF/UA-1 (carried into each plan).
    accessible: bool,
}

/// A face that may be used: where it is, its family and what it covers.
struct Candidate {
    face: FaceRef,
    family: String,
    weight: u16,
    italic: bool,
    /// The face's data, for coverage (a book font, read once) or `None` (an installed one,
    /// looked at through the scan's maps).
    font: Option<Font>,
}

/// What one document needs: the faces to load, the families its text is set in (the body's,
/// then its language's), and the characters no font covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub faces: Vec<FaceRef>,
    pub families: Vec<String>,
    pub missing: Vec<char>,
    /// Written as PDF/UA-1 (`[output.pdf] standard = "ua-1"`): tagged, in one part.
    pub accessible: bool,
}

impl Plan {
    /// `#let sb-fonts = (…)`: the families the templates set text in.
    pub fn typst(&self) -> String {
        let mut list = vec![BODY.to_owned()];
        list.extend(self.families.iter().cloned());
        let items: String = list
            .iter()
            .map(|f| format!("{}, ", super::markup::string(f)))
            .collect();
        format!("#let sb-fonts = ({items})\n")
    }
}

impl Fonts {
    /// The fonts of `book`: its `[output.pdf] fonts` (files and folders, which the config check
    /// keeps inside the book) and, unless `system-fonts = false`, the machine's.
    pub fn of(book: &crate::book::Book) -> Fonts {
        let pdf = book.config.outputs().pdf.clone().unwrap_or_default();
        let mut files = Vec::new();
        for rel in &pdf.fonts {
            let path = book.root.join(rel);
            if path.is_dir() {
                let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&path)
                    .follow_links(false)
                    .max_depth(4)
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                    .map(|e| e.into_path())
                    .filter(|p| crate::config::rules::is_font_file(p))
                    .collect();
                found.sort();
                files.extend(found);
            } else {
                files.push(path);
            }
        }
        let mut fonts = Fonts::new(files, pdf.system_fonts);
        fonts.accessible = pdf.standard == Some(crate::config::PdfStandard::Ua1);
        fonts
    }

    /// Fonts from these files, and the machine's when `system`.
    pub fn new(files: Vec<PathBuf>, system: bool) -> Fonts {
        Fonts {
            files,
            book: OnceLock::new(),
            system,
            accessible: false,
        }
    }

    /// The warnings for the characters `missing` no font has, at their places in `places`
    /// (see [`warnings`]), advising as these fonts are looked for (installed ones or not).
    pub fn warnings(&self, missing: &[char], places: &[(&Path, &str)]) -> Vec<Diagnostic> {
        warnings(missing, places, self.system)
    }

    /// The book's faces, read on first use.
    fn book_faces(&self) -> &[Candidate] {
        self.book.get_or_init(|| {
            let mut out = Vec::new();
            for path in &self.files {
                let Ok(data) = crate::safe_fs::read_regular(path, MAX_FONT_BYTES) else {
                    continue;
                };
                for (index, font) in Font::iter(Bytes::new(data)).enumerate() {
                    let info = font.info();
                    out.push(Candidate {
                        face: FaceRef {
                            path: path.clone(),
                            index: index as u32,
                        },
                        family: info.family.clone(),
                        weight: info.variant.weight.to_number(),
                        italic: info.variant.style != typst::text::FontStyle::Normal,
                        font: Some(font),
                    });
                }
            }
            out
        })
    }

    /// The plan of a document whose text is in `texts`, in language `lang` (`ja`, `zh-TW`, …).
    pub fn plan(&self, texts: &[&str], lang: &str) -> Plan {
        let mut wanted = uncovered(texts);
        // A text of another language with kana or hangul in it (a Japanese or Korean name on
        // an English book's roster) has its Han characters drawn the Japanese or Korean way.
        let lang = match cjk_sample(lang) {
            None => by_script(&wanted).unwrap_or(lang),
            Some(_) => lang,
        };
        let cjk = cjk_sample(lang);
        let mut plan = Plan {
            accessible: self.accessible,
            ..Plan::default()
        };
        if wanted.is_empty() {
            return plan;
        }
        let book = self.book_faces();
        let system: &[Candidate] = if self.system { installed() } else { &[] };
        let all: Vec<&Candidate> = book.iter().chain(ordered(system, lang)).collect();
        // The language's family first: a book font that covers its script, else the first
        // installed family of those made for it.
        if let Some(sample) = cjk
            && let Some(c) = all.iter().find(|c| covers(c, sample))
        {
            take_family(&mut plan, &all, &c.family, &mut wanted);
            plan.families.push(c.family.clone());
        }
        // Then, for each character still without a glyph, the first face that has it.
        while let Some(&ch) = wanted.iter().next() {
            match all.iter().find(|c| covers(c, ch)) {
                Some(c) => {
                    let family = c.family.clone();
                    take_family(&mut plan, &all, &family, &mut wanted);
                }
                None => {
                    wanted.remove(&ch);
                    plan.missing.push(ch);
                }
            }
        }
        plan
    }
}

/// Adds the upright regular and bold faces of `family` (or all its faces, when it has neither)
/// to the plan, and drops the characters they cover from `wanted`.
fn take_family(plan: &mut Plan, all: &[&Candidate], family: &str, wanted: &mut BTreeSet<char>) {
    let faces: Vec<&&Candidate> = all.iter().filter(|c| c.family == family).collect();
    let upright: Vec<&&Candidate> = faces
        .iter()
        .copied()
        .filter(|c| !c.italic && (c.weight == 400 || c.weight == 700))
        .collect();
    let chosen = if upright.is_empty() { faces } else { upright };
    for c in chosen.iter().take(4) {
        if !plan.faces.contains(&c.face) {
            plan.faces.push(c.face.clone());
        }
        wanted.retain(|&ch| !covers(c, ch));
    }
}

/// Whether a face has a glyph for `ch`.
fn covers(c: &Candidate, ch: char) -> bool {
    match &c.font {
        Some(font) => font.info().coverage.contains(ch as u32),
        None => system_db().is_some_and(|(db, ids)| {
            ids.get(&c.face).is_some_and(|&id| {
                db.with_face_data(id, |data, index| {
                    ttf_parser::Face::parse(data, index)
                        .ok()
                        .and_then(|f| f.glyph_index(ch))
                        .is_some()
                })
                .unwrap_or(false)
            })
        }),
    }
}

/// The characters of `texts` none of the embedded fonts has a glyph for (spaces, controls and
/// characters that print nothing need none).
fn uncovered(texts: &[&str]) -> BTreeSet<char> {
    let book = super::world::embedded_book();
    let mut seen = HashSet::new();
    let mut out = BTreeSet::new();
    for ch in texts.iter().flat_map(|t| t.chars()) {
        if ch.is_ascii() || !seen.insert(ch) || invisible(ch) {
            continue;
        }
        let covered = (0..)
            .map_while(|i| book.info(i))
            .any(|info| info.coverage.contains(ch as u32));
        if !covered {
            out.insert(ch);
        }
    }
    out
}

/// Characters that print nothing (typst draws no glyph for them).
fn invisible(ch: char) -> bool {
    ch.is_whitespace()
        || ch.is_control()
        || matches!(ch as u32,
            0xAD | 0x34F | 0x61C | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E
            | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE0000..=0xE0FFF)
}

/// A character of the script of a `ja`, `zh` or `ko` text, to find a font made for it.
fn cjk_sample(lang: &str) -> Option<char> {
    match primary(lang).as_str() {
        "ja" => Some('あ'),
        "ko" => Some('한'),
        "zh" => Some('中'),
        _ => None,
    }
}

/// The language whose script the characters show: `ja` for kana, `ko` for hangul (the one
/// with more characters when both are there); none for Han alone, which every CJK language
/// writes.
fn by_script(chars: &BTreeSet<char>) -> Option<&'static str> {
    let kana = chars
        .iter()
        .filter(|&&c| matches!(c as u32, 0x3041..=0x309F | 0x30A0..=0x30FA | 0x30FD..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D))
        .count();
    let hangul = chars
        .iter()
        .filter(|&&c| matches!(c as u32, 0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF))
        .count();
    match (kana, hangul) {
        (0, 0) => None,
        (k, h) if k >= h => Some("ja"),
        _ => Some("ko"),
    }
}

fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Installed families made for each language, best first (Han characters are drawn
/// differently in Japan, China, Taiwan and Korea: the language's own family is used).
fn preferred(lang: &str) -> &'static [&'static str] {
    let l = lang.to_ascii_lowercase();
    match primary(lang).as_str() {
        "ja" => &[
            "Noto Sans CJK JP",
            "Noto Sans JP",
            "Source Han Sans JP",
            "Source Han Sans",
            "IPAexGothic",
            "IPAGothic",
            "TakaoGothic",
            "VL Gothic",
        ],
        "ko" => &[
            "Noto Sans CJK KR",
            "Noto Sans KR",
            "Source Han Sans KR",
            "NanumGothic",
            "UnDotum",
        ],
        "zh" if l.contains("hant")
            || l.ends_with("tw")
            || l.ends_with("hk")
            || l.ends_with("mo") =>
        {
            &[
                "Noto Sans CJK TC",
                "Noto Sans TC",
                "Source Han Sans TC",
                "Source Han Sans TW",
                "AR PL UMing TW",
            ]
        }
        "zh" => &[
            "Noto Sans CJK SC",
            "Noto Sans SC",
            "Source Han Sans SC",
            "Source Han Sans CN",
            "WenQuanYi Zen Hei",
            "WenQuanYi Micro Hei",
        ],
        // Han in a text of another language without kana or hangul (a name on a roster):
        // simplified Chinese forms.
        _ => &["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans"],
    }
}

/// The installed faces in the order they are tried for `lang`: the language's families, then
/// sans-serif faces, then the rest (by path, so every run picks the same).
fn ordered<'a>(system: &'a [Candidate], lang: &str) -> impl Iterator<Item = &'a Candidate> {
    let prefs = preferred(lang);
    let rank = |c: &Candidate| {
        let p = prefs
            .iter()
            .position(|f| *f == c.family)
            .unwrap_or(prefs.len());
        let serif = c.family.contains("Serif") || c.family.contains("Mono");
        (
            p,
            serif,
            c.family.clone(),
            c.face.path.clone(),
            c.face.index,
        )
    };
    let mut v: Vec<&Candidate> = system.iter().collect();
    v.sort_by_cached_key(|c| rank(c));
    v.into_iter()
}

/// The machine's fonts, scanned once and only when a document needs one (about 100 ms for a
/// few hundred faces: their names, not their glyphs).
fn installed() -> &'static [Candidate] {
    static FACES: OnceLock<Vec<Candidate>> = OnceLock::new();
    FACES.get_or_init(|| {
        let Some((db, _)) = system_db() else {
            return Vec::new();
        };
        db.faces()
            .filter_map(|f| {
                let path = match &f.source {
                    fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                    fontdb::Source::Binary(_) => return None,
                };
                Some(Candidate {
                    face: FaceRef {
                        path,
                        index: f.index,
                    },
                    family: f.families.first()?.0.clone(),
                    weight: f.weight.0,
                    italic: f.style != fontdb::Style::Normal,
                    font: None,
                })
            })
            .collect()
    })
}

type Db = (
    fontdb::Database,
    std::collections::HashMap<FaceRef, fontdb::ID>,
);

/// The scan of the installed fonts (fontconfig's folders on Linux), with each face's id.
fn system_db() -> Option<&'static Db> {
    static DB: OnceLock<Option<Db>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let ids = db
            .faces()
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some((
                    FaceRef {
                        path: p.clone(),
                        index: f.index,
                    },
                    f.id,
                )),
                fontdb::Source::Binary(_) => None,
            })
            .collect();
        Some((db, ids))
    })
    .as_ref()
}

/// Warnings for the characters no font covers, each at the first place it is written: the
/// guide's line, a roster's `file:line:column`, else the guide file (the interface text or a
/// variable's value). `places` are (file as shown, its text); the first is the guide.
pub fn warnings(missing: &[char], places: &[(&Path, &str)], system: bool) -> Vec<Diagnostic> {
    if missing.is_empty() {
        return Vec::new();
    }
    let mut left: Vec<char> = missing.to_vec();
    let mut out = Vec::new();
    for (file, text) in places {
        // In the order they are written: the first named are the first a reader meets.
        let mut found: Vec<(usize, char)> = left
            .iter()
            .filter_map(|&c| text.find(c).map(|at| (at, c)))
            .collect();
        found.sort();
        if found.is_empty() {
            continue;
        }
        let first = found
            .iter()
            .map(|(at, c)| *at..*at + c.len_utf8())
            .min_by_key(|r| r.start);
        let chars: Vec<char> = found.iter().map(|(_, c)| *c).collect();
        left.retain(|c| !chars.contains(c));
        let mut d = one(&chars, file, system);
        if let Some(span) = first {
            d = d.at(span).label("no font has this character");
        }
        out.push(d);
    }
    if !left.is_empty()
        && let Some((file, _)) = places.first()
    {
        let d = one(&left, file, system);
        let message = format!(
            "{} (they are in the interface text or a variable's value)",
            d.message
        );
        out.push(Diagnostic { message, ..d });
    }
    out
}

fn one(chars: &[char], file: &Path, system: bool) -> Diagnostic {
    let list: Vec<String> = chars
        .iter()
        .take(12)
        .map(|c| format!("`{c}` (U+{:04X})", *c as u32))
        .collect();
    let more = if chars.len() > 12 {
        format!(" and {} more", chars.len() - 12)
    } else {
        String::new()
    };
    let cjk = chars.iter().any(|&c| is_cjk(c));
    let install = if cjk {
        "install a CJK font (Debian, Ubuntu: `apt-get install fonts-noto-cjk`; Fedora: `dnf install google-noto-sans-cjk-fonts`)"
    } else {
        "install a font with these characters (Debian, Ubuntu: `apt-get install fonts-noto-core`)"
    };
    let help = if system {
        format!(
            "{install}, or put font files in the book and name them in book.toml: `[output.pdf] fonts = [\"fonts/\"]`"
        )
    } else {
        format!(
            "installed fonts are off (`system-fonts = false`): put font files in the book and name them in book.toml, `[output.pdf] fonts = [\"fonts/\"]`, or remove `system-fonts = false` and {install}"
        )
    };
    Diagnostic::warning(
        Code::W020,
        file,
        format!(
            "no font has a glyph for {}{more}: the PDF would print {} as a box (□)",
            list.join(", "),
            if chars.len() == 1 { "it" } else { "them" }
        ),
    )
    .help(help)
}

/// Chinese, Japanese or Korean script (or their full-width forms and punctuation).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3130..=0x318F | 0x31C0..=0x31FF
        | 0x3200..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_needs_no_font_and_no_scan() {
        let fonts = Fonts::new(Vec::new(), true);
        assert_eq!(
            fonts.plan(&["Café, naïve — “quoted” ☐"], "fr"),
            Plan::default()
        );
    }

    #[test]
    fn without_any_other_font_the_characters_are_missing() {
        let fonts = Fonts::new(Vec::new(), false);
        let plan = fonts.plan(&["王小明 Ada"], "en");
        assert_eq!(plan.missing, ['小', '明', '王']);
        assert!(plan.faces.is_empty());
        let w = warnings(
            &plan.missing,
            &[(Path::new("g.yaml"), "title: 王小明")],
            false,
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].span, Some(7..10));
        assert!(w[0].message.contains("`王` (U+738B)"), "{}", w[0].message);
    }
}
