//! Interface text: the words every output adds around the content ("Step", "Wait up to
//! 5 min", "Printable checklist", the reader's progress and buttons), from a table per language.
//! Tables for en, de, fr, es, it, pt, nl, ja, zh and ko are built in; a book overrides any
//! string in `[languages.<code>.strings]`. A language without a table falls back to English for
//! what the book does not give; so do `pt-PT` and `zh-TW`/`zh-Hant` (see [`other_variant`]).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::duration::{Duration, Wait};

/// The built-in tables: (language, TOML text). English is the reference: every key of every
/// table is one of its keys (a unit test holds them together).
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("en.toml")),
    ("de", include_str!("de.toml")),
    ("fr", include_str!("fr.toml")),
    ("es", include_str!("es.toml")),
    ("it", include_str!("it.toml")),
    ("pt", include_str!("pt.toml")),
    ("nl", include_str!("nl.toml")),
    ("ja", include_str!("ja.toml")),
    ("zh", include_str!("zh.toml")),
    ("ko", include_str!("ko.toml")),
];

/// Strings named `column_<header>` label a roster column on handouts; a book may give one for
/// any column, so every key with this prefix is valid in `[languages.<code>.strings]`.
pub const COLUMN_PREFIX: &str = "column_";

/// The languages with a built-in table.
pub fn built_in_languages() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(l, _)| *l)
}

fn parsed(lang: &str) -> Option<&'static BTreeMap<String, String>> {
    static TABLES: OnceLock<Vec<BTreeMap<String, String>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        BUILT_IN
            .iter()
            .map(|(_, text)| toml::from_str(text).expect("built-in strings table"))
            .collect()
    });
    if other_variant(lang).is_some() {
        return None;
    }
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    BUILT_IN
        .iter()
        .position(|(l, _)| *l == base)
        .map(|i| &tables[i])
}

/// Why a built-in table does not serve `lang` though it is of its language: `pt` is Brazilian
/// Portuguese (a reader in Portugal reads "cronómetro", "ecrã" and European forms of address),
/// `zh` is Simplified Chinese (Taiwan, Hong Kong and Macao read Traditional characters). Those
/// fall back to English with a warning (W017) saying so, rather than to the wrong variant.
pub fn other_variant(lang: &str) -> Option<&'static str> {
    let mut parts = lang.split(['-', '_']);
    let base = parts.next().unwrap_or(lang).to_ascii_lowercase();
    let rest: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
    let script = rest.first().filter(|p| p.len() == 4).map(String::as_str);
    let region = rest
        .get(usize::from(script.is_some()))
        .filter(|p| p.len() == 2 || p.len() == 3)
        .map(String::as_str);
    match base.as_str() {
        "pt" if region.is_some_and(|r| r != "br") => {
            Some("the built-in `pt` table is Brazilian Portuguese")
        }
        "zh" if script == Some("hant")
            || (script.is_none() && matches!(region, Some("tw" | "hk" | "mo"))) =>
        {
            Some("the built-in `zh` table is Simplified Chinese")
        }
        _ => None,
    }
}

/// Every key of the interface text (the English table's).
pub fn keys() -> impl Iterator<Item = &'static str> {
    parsed("en")
        .into_iter()
        .flat_map(|t| t.keys().map(String::as_str))
}

/// The interface text of one language.
#[derive(Debug, Clone)]
pub struct Strings {
    /// The language tag (`de`, `pt-BR`).
    pub lang: String,
    map: Arc<BTreeMap<String, String>>,
}

impl Strings {
    /// The table of `lang`: the built-in one (by its base language, `pt-BR` → `pt`) with the
    /// book's `overrides` on top, English for any key still missing. Returns the keys that fell
    /// back to English (empty for a built-in language).
    pub fn new(lang: &str, overrides: &BTreeMap<String, String>) -> (Strings, Vec<String>) {
        let english = parsed("en").cloned().unwrap_or_default();
        let own = parsed(lang);
        let mut map = own.cloned().unwrap_or_default();
        map.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut missing = Vec::new();
        for (k, v) in english {
            if let std::collections::btree_map::Entry::Vacant(e) = map.entry(k) {
                missing.push(e.key().clone());
                e.insert(v);
            }
        }
        let strings = Strings {
            lang: lang.to_owned(),
            map: Arc::new(map),
        };
        (strings, missing)
    }

    /// English, as built in.
    pub fn english() -> Strings {
        Strings::new("en", &BTreeMap::new()).0
    }

    /// The text of `key` as written (with its `{…}` and `one|other` forms).
    pub fn get(&self, key: &str) -> &str {
        self.map.get(key).map_or("", String::as_str)
    }

    /// `key` with `{name}`s filled in from `args`.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), None, args)
    }

    /// `key` for a count (`{n} step|{n} steps`).
    pub fn count(&self, key: &str, n: u64) -> String {
        fill(self.get(key), Some(n), &[("n", &n.to_string())])
    }

    /// A duration in this language: `1 h 30 min`, `1 Std. 30 Min.`, `1 時間 30 分`.
    pub fn duration(&self, d: Duration) -> String {
        let (h, m, s) = (d.0 / 3600, d.0 % 3600 / 60, d.0 % 60);
        let mut parts = Vec::new();
        for (n, key) in [(h, "hours"), (m, "minutes"), (s, "seconds")] {
            if n > 0 {
                parts.push(self.count(key, n));
            }
        }
        parts.join(" ")
    }

    /// A wait in this language: `up to 5 min`, `2–5 min`.
    pub fn wait(&self, w: &Wait) -> String {
        match w.min {
            None => self.fill("up_to", &[("duration", &self.duration(w.max))]),
            Some(min)
                if min.0.is_multiple_of(60) && w.max.0.is_multiple_of(60) && w.max.0 < 3600 =>
            {
                let range = format!("{}–{}", min.0 / 60, w.max.0 / 60);
                fill(self.get("minutes"), Some(w.max.0 / 60), &[("n", &range)])
            }
            Some(min) => format!("{} – {}", self.duration(min), self.duration(w.max)),
        }
    }

    /// The sentence announcing a wait, whole: `Expect to wait up to 5 min.` (a wait with only
    /// an upper bound: `expect_to_wait_up_to`, with the plain duration) or `Expect to wait
    /// 2–5 min.` (a range: `expect_to_wait`). One sentence per form, as "up to" inside a
    /// sentence's `{duration}` made it ungrammatical in most languages ("von bis zu 5 Min..").
    pub fn wait_sentence(&self, w: &Wait) -> String {
        match w.min {
            None => self.fill(
                "expect_to_wait_up_to",
                &[("duration", &self.duration(w.max))],
            ),
            Some(_) => self.fill("expect_to_wait", &[("duration", &self.wait(w))]),
        }
    }

    /// A handout's label for the roster column `column`: the string `column_<column>` (built
    /// in for `name` and `code`; a book adds others in `[languages.<code>.strings]`), else the
    /// column's header as the roster writes it.
    pub fn column_label(&self, column: &str) -> String {
        match self.map.get(&format!("{COLUMN_PREFIX}{column}")) {
            Some(label) if !label.is_empty() => label.clone(),
            _ => column.to_owned(),
        }
    }

    /// The whole table, for templates (`{{ t.printable_checklist }}`).
    pub fn table(&self) -> &BTreeMap<String, String> {
        &self.map
    }
}

/// `[languages.<code>]`
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LanguageTable {
    /// The language's name in the language switcher (default: the built-in name, `Deutsch`).
    #[serde(default)]
    pub name: Option<String>,
    /// The book's title in this language (default: `[book] title`).
    #[serde(default)]
    pub title: Option<String>,
    /// The book's description in this language (default: `[book] description`).
    #[serde(default)]
    pub description: Option<String>,
    /// Interface strings replacing the built-in ones (`wait = "Warten"`); the README lists the
    /// keys.
    #[serde(default)]
    pub strings: std::collections::BTreeMap<String, String>,
}

/// One language of the book, as its pages are rendered.
#[derive(Debug, Clone)]
pub struct Language {
    /// `en`, `de`, `pt-BR`.
    pub code: String,
    /// Its own name, for the language switcher: `Deutsch`.
    pub name: String,
    /// The book's title and description in this language.
    pub title: String,
    pub description: Option<String>,
    pub strings: Strings,
    /// Where its pages go in each output: `""` for the book's language, `de/` for another.
    pub prefix: String,
}

impl Language {
    /// How many folders further down than the book language's its pages are (0 or 1).
    pub fn depth(&self) -> usize {
        usize::from(!self.prefix.is_empty())
    }
}

/// What `[book]` says that each language may say differently.
#[derive(Debug, Clone, Copy)]
pub struct BookText<'a> {
    pub language: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
}

/// The book's languages, its own (`[book] language`) first, then those of `[languages]` in
/// book.toml's order; and for each language without a built-in table whose strings book.toml
/// does not complete, the keys that fall back to English.
pub fn languages(
    book: BookText,
    tables: &BTreeMap<String, LanguageTable>,
) -> (Vec<Language>, Vec<(String, Vec<String>)>) {
    let codes = std::iter::once(book.language.to_owned())
        .chain(tables.keys().filter(|c| **c != book.language).cloned());
    let mut out = Vec::new();
    let mut incomplete = Vec::new();
    for (i, code) in codes.enumerate() {
        let table = tables.get(&code).cloned().unwrap_or_default();
        let (strings, missing) = Strings::new(&code, &table.strings);
        // A book of one language without a table is English-only by choice: nothing to say,
        // unless the language has a table of another variant (`pt-PT`), which it used to get.
        let said = i > 0 || !tables.is_empty() || other_variant(&code).is_some();
        if !missing.is_empty() && said {
            incomplete.push((code.clone(), missing));
        }
        let name = table.name.clone().unwrap_or_else(|| match parsed(&code) {
            Some(t) => t
                .get("language_name")
                .cloned()
                .unwrap_or_else(|| code.clone()),
            None => code.clone(),
        });
        out.push(Language {
            prefix: if i == 0 {
                String::new()
            } else {
                format!("{code}/")
            },
            name,
            title: table.title.clone().unwrap_or_else(|| book.title.to_owned()),
            description: table
                .description
                .clone()
                .or_else(|| book.description.map(str::to_owned)),
            strings,
            code,
        });
    }
    (out, incomplete)
}

/// Fills `{name}`s in `template` from `args`; with a count `n`, a `one|other` template gives
/// its first form for 1 and its second otherwise. Unknown `{…}` stay as written.
pub fn fill(template: &str, n: Option<u64>, args: &[(&str, &str)]) -> String {
    let form = match (template.split_once('|'), n) {
        (Some((one, _)), Some(1)) => one,
        (Some((_, other)), _) => other,
        (None, _) => template,
    };
    let mut out = String::with_capacity(form.len() + 16);
    let mut rest = form;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if args.iter().any(|(k, _)| *k == name) => {
                let value = args.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v);
                out.push_str(value);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// ISO 639-1 language codes: a guide file's `.xx` suffix is a language when it is one of
/// these (or a declared language), so `setup.old.yaml` stays a guide of its own.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// Is `tag` a language tag stepbook takes: an ISO 639-1 code, then as BCP 47 orders them an
/// optional script (4 letters: `zh-Hant`), an optional region (2 letters or 3 digits: `pt-BR`,
/// `es-419`) and variants (5 to 8 letters or digits, or a digit and 3 more: `de-CH-1996`), in
/// any case ([`canonical_tag`] gives the one way to write it).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-').peekable();
    let base = parts.next().unwrap_or("");
    if !ISO_639_1.split(' ').any(|c| c == base) {
        return false;
    }
    let alpha = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_alphabetic());
    if parts.peek().is_some_and(|p| alpha(p, 4)) {
        parts.next();
    }
    if parts
        .peek()
        .is_some_and(|p| alpha(p, 2) || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())))
    {
        parts.next();
    }
    let mut variants: Vec<String> = Vec::new();
    for v in parts {
        let alnum = v.bytes().all(|b| b.is_ascii_alphanumeric());
        let shape =
            (5..=8).contains(&v.len()) || (v.len() == 4 && v.as_bytes()[0].is_ascii_digit());
        let lower = v.to_ascii_lowercase();
        if !alnum || !shape || variants.contains(&lower) {
            return false;
        }
        variants.push(lower);
    }
    true
}

/// A language tag written the one way BCP 47 recommends: language in lower case, script in
/// title case, region in capitals, variants in lower case (`pt-br` → `pt-BR`, `zh-hant` →
/// `zh-Hant`). Tags that differ only in case are one language.
pub fn canonical_tag(tag: &str) -> String {
    tag.split('-')
        .enumerate()
        .map(|(i, p)| match (i, p.len()) {
            (0, _) => p.to_ascii_lowercase(),
            (_, 4) if p.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let lower = p.to_ascii_lowercase();
                lower[..1].to_ascii_uppercase() + &lower[1..]
            }
            (_, 2) | (_, 3) => p.to_ascii_uppercase(),
            _ => p.to_ascii_lowercase(),
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_the_english_keys_and_no_other() {
        let english: Vec<&str> = keys().collect();
        assert!(english.len() > 50);
        for lang in built_in_languages() {
            let table = parsed(lang).unwrap();
            let own: Vec<&str> = table.keys().map(String::as_str).collect();
            assert_eq!(own, english, "{lang}");
            for (k, v) in table {
                // Every `{name}` of the English text is in the translation too.
                let en = parsed("en").unwrap()[k].clone();
                for part in en.split('{').skip(1) {
                    let name = &part[..part.find('}').unwrap()];
                    assert!(v.contains(&format!("{{{name}}}")), "{lang}.{k}: {v}");
                }
            }
        }
    }

    #[test]
    fn counts_durations_and_waits_per_language() {
        let en = Strings::english();
        assert_eq!(en.count("steps", 1), "1 step");
        assert_eq!(en.count("steps", 13), "13 steps");
        assert_eq!(en.duration(Duration(5400)), "1\u{a0}h 30\u{a0}min");
        let de = Strings::new("de", &BTreeMap::new()).0;
        assert_eq!(de.count("steps", 13), "13 Schritte");
        assert_eq!(de.wait(&Wait::parse("5m").unwrap()), "bis zu 5\u{a0}Min.");
        assert_eq!(de.wait(&Wait::parse("2m-5m").unwrap()), "2–5\u{a0}Min.");
        let ja = Strings::new("ja", &BTreeMap::new()).0;
        assert_eq!(ja.count("steps", 1), "1 ステップ");
        assert_eq!(ja.duration(Duration(5400)), "1\u{a0}時間 30\u{a0}分");
        let pt_br = Strings::new("pt-BR", &BTreeMap::new());
        assert_eq!(pt_br.0.get("wait"), "Espera");
        assert!(pt_br.1.is_empty());
    }

    #[test]
    fn a_language_without_a_table_falls_back_to_english() {
        let mut own = BTreeMap::new();
        own.insert("wait".to_owned(), "Väntar".to_owned());
        let (sv, missing) = Strings::new("sv", &own);
        assert_eq!(sv.get("wait"), "Väntar");
        assert_eq!(sv.get("result"), "Result");
        assert!(missing.contains(&"result".to_owned()) && !missing.contains(&"wait".to_owned()));
    }

    fn table(lang: &str) -> Strings {
        Strings::new(lang, &BTreeMap::new()).0
    }

    /// Issue #30: `{duration}` held "up to" inside a sentence that had its own preposition and
    /// full stop ("von bis zu 5 Min..", "une attente de jusqu’à 5 min", "最大 5 分 ほど").
    /// Each language's whole sentence, for a wait with an upper bound and for a range.
    #[test]
    fn the_wait_sentence_is_whole_in_every_language() {
        let expected = [
            (
                "en",
                "Expect to wait up to 5 min.",
                "Expect to wait 2–5 min.",
            ),
            (
                "de",
                "Rechnen Sie mit bis zu 5 Min. Wartezeit.",
                "Rechnen Sie mit 2–5 Min. Wartezeit.",
            ),
            (
                "fr",
                "Prévoyez jusqu’à 5 min d’attente.",
                "Prévoyez 2–5 min d’attente.",
            ),
            (
                "es",
                "Cuente con una espera de hasta 5 min.",
                "Cuente con una espera de 2–5 min.",
            ),
            (
                "it",
                "Prevedi fino a 5 min di attesa.",
                "Prevedi 2–5 min di attesa.",
            ),
            (
                "pt",
                "Conte com uma espera de até 5 min.",
                "Conte com uma espera de 2–5 min.",
            ),
            (
                "nl",
                "Reken op een wachttijd van maximaal 5 min.",
                "Reken op een wachttijd van 2–5 min.",
            ),
            (
                "ja",
                "最大 5 分待つことがあります。",
                "2–5 分ほど待つことがあります。",
            ),
            ("zh", "预计最多需要等待 5 分钟。", "预计需要等待 2–5 分钟。"),
            (
                "ko",
                "최대 5분 기다려야 할 수 있습니다.",
                "2–5분 정도 기다려야 할 수 있습니다.",
            ),
        ];
        assert_eq!(expected.len(), built_in_languages().count());
        let (upper, range) = (Wait::parse("5m").unwrap(), Wait::parse("2m-5m").unwrap());
        for (lang, up, between) in expected {
            let t = table(lang);
            // Written with plain spaces above; between number and unit they are non-breaking.
            let nb = |s: &str| {
                let mut out = String::new();
                let mut chars = s.chars().peekable();
                while let Some(c) = chars.next() {
                    out.push(c);
                    if c.is_ascii_digit() && chars.peek() == Some(&' ') {
                        chars.next();
                        out.push('\u{a0}');
                    }
                }
                out
            };
            assert_eq!(t.wait_sentence(&upper), nb(up), "{lang}");
            assert_eq!(t.wait_sentence(&range), nb(between), "{lang}");
            for sentence in [t.wait_sentence(&upper), t.wait_sentence(&range)] {
                assert!(!sentence.contains(".."), "{lang}: {sentence}");
            }
        }
        // A longer range keeps its units on both ends.
        assert_eq!(
            table("en").wait_sentence(&Wait::parse("30m-1h30m").unwrap()),
            "Expect to wait 30\u{a0}min – 1\u{a0}h 30\u{a0}min."
        );
    }

    /// Issue #30: a number and its unit never part at a line's end, in any language.
    #[test]
    fn numbers_and_units_are_held_together() {
        for lang in built_in_languages() {
            let t = table(lang);
            for text in [
                t.duration(Duration(5410)),
                t.wait(&Wait::parse("2m-5m").unwrap()),
                t.fill("progress_left", &[("minutes", "15")]),
            ] {
                let b = text.as_bytes();
                let loose = (1..b.len()).any(|i| b[i] == b' ' && b[i - 1].is_ascii_digit());
                assert!(!loose, "{lang}: {text:?}");
            }
        }
    }

    /// Issue #30: the punctuation around a label is the table's: French puts a non-breaking
    /// space before a colon, Japanese and Chinese use full-width forms.
    #[test]
    fn labels_take_their_punctuation_from_the_table() {
        let colon = |lang: &str, key: &str| {
            let t = table(lang);
            t.fill("label_colon", &[("label", t.get(key))])
        };
        let paren = |lang: &str| {
            let t = table(lang);
            t.fill("parenthesized", &[("text", t.get("optional"))])
        };
        assert_eq!(colon("en", "important"), "Important:");
        assert_eq!(colon("fr", "important"), "Important\u{a0}:");
        assert_eq!(colon("ja", "note"), "メモ：");
        assert_eq!(colon("zh", "note"), "备注：");
        assert_eq!(paren("en"), "(optional)");
        assert_eq!(paren("ja"), "（任意）");
        assert_eq!(paren("zh"), "（可选）");
        for key in [
            "checklist_title",
            "agenda_title",
            "waits",
            "timer_up",
            "timer_toast",
        ] {
            let fr = table("fr").get(key).to_owned();
            assert!(
                fr.contains("\u{a0}:") && !fr.contains(" :"),
                "fr.{key}: {fr}"
            );
            for lang in ["ja", "zh"] {
                let v = table(lang).get(key).to_owned();
                assert!(!v.contains(':'), "{lang}.{key}: {v}");
            }
        }
    }

    /// Issue #30: words a translator found wrong.
    #[test]
    fn words_a_translator_corrected() {
        assert_eq!(table("zh").get("note"), "备注");
        assert_eq!(table("zh").get("caution"), "注意");
        assert_eq!(table("nl").get("progress_reset"), "Wissen");
        assert_eq!(table("es").get("progress_reset"), "Restablecer");
        assert_eq!(table("pt").get("progress_reset"), "Redefinir");
        let done = table("es").fill("progress_done", &[("done", "3"), ("total", "13")]);
        assert_eq!(done, "3 de 13 completados");
        for key in ["timer_start", "timer_stop"] {
            assert!(table("pt").get(key).contains("temporizador"), "{key}");
        }
        // Japanese names a wait one way: the label, the short form and the total.
        let ja = table("ja");
        assert_eq!(ja.get("wait"), "待ち時間");
        assert!(
            ja.get("wait_short").starts_with("待ち時間") && ja.get("waits").starts_with("待ち時間")
        );
        assert!(!ja.table().values().any(|v| v.contains("待機")));
    }

    /// Issue #30: handouts label roster columns from the table (`column_<header>`), a header
    /// without one as written.
    #[test]
    fn roster_columns_are_labelled_in_the_language() {
        assert_eq!(table("de").column_label("name"), "Name");
        assert_eq!(table("fr").column_label("name"), "Nom");
        assert_eq!(table("ja").column_label("code"), "コード");
        assert_eq!(table("en").column_label("seat"), "seat");
        let mut own = BTreeMap::new();
        own.insert("column_seat".to_owned(), "Platz".to_owned());
        assert_eq!(Strings::new("de", &own).0.column_label("seat"), "Platz");
    }

    /// Issue #30: `pt` is Brazilian and `zh` Simplified; `pt-PT` and Traditional Chinese fall
    /// back to English, with a warning even in a book of that one language.
    #[test]
    fn other_variants_fall_back_to_english_and_say_so() {
        for served in [
            "pt",
            "pt-BR",
            "zh",
            "zh-CN",
            "zh-SG",
            "zh-Hans",
            "zh-Hans-CN",
        ] {
            assert!(
                Strings::new(served, &BTreeMap::new()).1.is_empty(),
                "{served}"
            );
        }
        for other in ["pt-PT", "pt-AO", "zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW"] {
            let (t, missing) = Strings::new(other, &BTreeMap::new());
            assert!(other_variant(other).is_some(), "{other}");
            assert_eq!(missing.len(), keys().count(), "{other}");
            assert_eq!(t.get("progress_reset"), "Reset", "{other}");
        }
        let alone = |code: &str| {
            let book = BookText {
                language: code,
                title: "T",
                description: None,
            };
            languages(book, &BTreeMap::new()).1
        };
        assert_eq!(alone("pt-PT").len(), 1);
        assert!(alone("pt-BR").is_empty() && alone("sv").is_empty());
    }

    #[test]
    fn fill_leaves_unknown_braces() {
        assert_eq!(fill("a {x} {y} {", None, &[("x", "1")]), "a 1 {y} {");
        assert!(is_language_tag("pt-BR") && is_language_tag("de") && !is_language_tag("old"));
        for ok in [
            "zh-Hant-TW",
            "es-419",
            "de-CH-1996",
            "sl-rozaj-biske",
            "de-ch",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "de-xxxxxxxxx",
            "de-CH-CH",
            "de-1996-1996",
            "de-x",
            "de-",
            "de-abc",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        assert_eq!(canonical_tag("de-ch"), "de-CH");
        assert_eq!(canonical_tag("ZH-hant-tw"), "zh-Hant-TW");
        assert_eq!(canonical_tag("es-419"), "es-419");
        assert_eq!(canonical_tag("DE-CH-1996"), "de-CH-1996");
    }
}
