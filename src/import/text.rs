//! Import helpers: front matter, lab-platform dialects, callout labels, list markers and
//! indentation, and waits read from step text.

use super::Imported;
use crate::model::{NoteKind, Sp};

/// Removes YAML front matter and maps the keys stepbook knows; returns its title.
pub(super) fn front_matter(text: &mut String, out: &mut Imported) -> Option<String> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest
        .find("\n---\n")
        .or_else(|| rest.strip_suffix("\n---").map(|r| r.len()))?;
    let yaml = rest[..end].to_owned();
    let lines = yaml.lines().count() + 2;
    let after = rest.get(end + 5..).unwrap_or("").to_owned();
    // Keep the line numbers of the body right: the front matter becomes blank lines.
    *text = format!("{}{after}", "\n".repeat(lines));
    let tree = crate::source::node::parse_yaml(&yaml).ok()?;
    let mut unmapped = false;
    let mut title = None;
    let mut walk = |key: &str, v: &crate::source::node::Node, line: usize, out: &mut Imported| {
        let s = match &v.value {
            crate::source::node::Value::Str(s) => s.clone(),
            crate::source::node::Value::Num { text, .. } => text.clone(),
            _ => return false,
        };
        match key {
            "title" => title = Some(s),
            "description" | "summary" => out.guide.summary = Some(s.into()),
            "duration" => match crate::duration::suggest(&s).or_else(|| crate::duration::Duration::parse(&s).ok().map(|_| s.clone())) {
                Some(d) => out.guide.duration = Some(d.into()),
                None => out.warn(line, crate::diag::Code::I005, format!("front matter `duration: {s}` is not a duration stepbook understands; not imported")),
            },
            _ => return false,
        }
        true
    };
    if let crate::source::node::Value::Map(entries) = &tree.value {
        for (k, v) in entries {
            let line = yaml[..k.span.start].matches('\n').count() + 2;
            if walk(&k.name, v, line, out) {
                continue;
            }
            // Nested `wts:` / `lab:` tables of lab platforms hold the same keys.
            if let crate::source::node::Value::Map(inner) = &v.value {
                for (ik, iv) in inner {
                    let line = yaml[..ik.span.start].matches('\n').count() + 2;
                    unmapped |= !walk(&ik.name, iv, line, out);
                }
            } else {
                unmapped = true;
            }
        }
    }
    // Keys with no field in the model are kept, with the whole front matter, as comments.
    if unmapped {
        out.kept_front_matter = yaml.lines().map(str::to_owned).collect();
    }
    title
}

/// Lab-platform dialects, rewritten line by line (line numbers stay): `!IMAGE[alt](url)`
/// images, `1. []` checkbox items and `+++text+++` type-this text.
pub(super) fn dialects(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut l = line.replace("!IMAGE[", "![").replace("!image[", "![");
        while let Some(start) = l.find("+++") {
            let Some(len) = l[start + 3..].find("+++") else {
                break;
            };
            let inner = l[start + 3..start + 3 + len].to_owned();
            l = format!("{}`{inner}`{}", &l[..start], &l[start + 6 + len..]);
        }
        let trimmed = l.trim_start();
        let indent = &l[..l.len() - trimmed.len()];
        if let Some(alert) = lods_alert(trimmed) {
            out.push_str(indent);
            out.push_str(&alert);
            continue;
        }
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            let rest = &trimmed[digits..];
            for marker in [". [] ", ". [ ] ", ") [] ", ") [ ] "] {
                if let Some(after) = rest.strip_prefix(marker) {
                    l = format!("{indent}{}{} {after}", &trimmed[..digits], &marker[..1]);
                    break;
                }
            }
        }
        out.push_str(&l);
    }
    out
}

/// A lab platform's (LODS) `>[!alert] text`, `>[!knowledge]` or `>[!hint]` line as what the
/// importer maps: the GitHub alert `> [!WARNING]` (an alert) or `> [!NOTE]` (background
/// knowledge), the text after the marker on the next quoted line; a hint as a `**Hint:**`
/// callout, which a step takes as its `hint:` (elsewhere it is a tip).
fn lods_alert(line: &str) -> Option<String> {
    let rest = line.strip_prefix('>')?.trim_start().strip_prefix("[!")?;
    let end = rest.find(']')?;
    let text = rest[end + 1..].trim();
    let newline = if line.ends_with('\n') { "\n" } else { "" };
    let kind = match rest[..end].to_ascii_lowercase().as_str() {
        "alert" => "WARNING",
        "knowledge" => "NOTE",
        "hint" => return Some(format!("> **Hint:** {text}{newline}")),
        _ => return None,
    };
    Some(if text.is_empty() {
        format!("> [!{kind}]{newline}")
    } else {
        format!("> [!{kind}]\n> {text}{newline}")
    })
}

/// A callout's kind from its label (`Note`, `Tip`, ...), case-insensitive.
fn callout_kind(label: &str) -> Option<NoteKind> {
    match label.trim().to_ascii_lowercase().as_str() {
        // Microsoft Learn's labs: "> **Did you know?** There are many ways to …" (19 in the
        // corpus) is a tip.
        "hint" | "did you know?" | "did you know" => Some(NoteKind::Tip),
        l => NoteKind::parse(l),
    }
}

/// `**Note:**`, `**Note**:`, `**Note**`, `Note:` at the start of Markdown: (kind, the rest).
pub(super) fn strip_label(md: &str) -> Option<(NoteKind, String)> {
    let (label, rest) = split_label(md)?;
    let kind = callout_kind(label)?;
    Some((kind, rest.trim().to_owned()))
}

/// The text of a hint written as a callout (`**Hint:** …`, a lab platform's `>[!hint]`), for a
/// step's `hint:` field; `None` for any other text.
pub(super) fn hint_text(md: &str) -> Option<String> {
    let (label, rest) = split_label(md)?;
    let rest = rest.trim();
    (label.trim().eq_ignore_ascii_case("hint") && !rest.is_empty()).then(|| rest.to_owned())
}

/// A hint written at the end of a step's line ("Select **Investigate**. **Hint:** It might take
/// a minute."): the step's text without it, and the hint. Only a label after a sentence's end,
/// and only to the end of its paragraph (what follows stays the step's).
pub(super) fn inline_hint(md: &str) -> Option<(String, String)> {
    let lower = md.to_ascii_lowercase();
    let at = ["**hint:**", "**hint**:"]
        .iter()
        .flat_map(|l| lower.match_indices(l).map(|(i, _)| i))
        .filter(|&i| lower[..i].ends_with([' ', '\n']))
        .min()?;
    let paragraph = md[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let lead = md[paragraph..at].trim_end();
    if lead.is_empty() || !lead.ends_with(['.', '!', '?', ')', '*', '`']) {
        return None;
    }
    let rest = &md[at + "**hint:**".len()..];
    let end = rest.find("\n\n").unwrap_or(rest.len());
    let hint = rest[..end].trim();
    if hint.is_empty() {
        return None;
    }
    Some((
        format!("{}{}", md[..at].trim_end(), &rest[end..]),
        hint.to_owned(),
    ))
}

/// The label a callout starts with (`**Note:**`, `**Note**:`, `**Note**`, `Note:`) and the rest.
fn split_label(md: &str) -> Option<(&str, &str)> {
    let s = md.trim_start();
    if let Some(r) = s.strip_prefix("**") {
        let end = r.find("**")?;
        let inner = &r[..end];
        let rest = &r[end + 2..];
        let label = inner.trim_end_matches(':');
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        if !inner.ends_with(':')
            && !r[end + 2..].starts_with(':')
            && !rest.starts_with(char::is_whitespace)
        {
            return None;
        }
        Some((label, rest))
    } else {
        let colon = s.find(':')?;
        Some((&s[..colon], &s[colon + 1..]))
    }
}

/// The content of a blockquote: each line without its `>` (and the space after it).
pub(super) fn unquote(md: &str) -> String {
    md.lines()
        .map(|l| {
            let t = l.trim_start();
            match t.strip_prefix('>') {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => t,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Removes the `1.` (or bullet) marker of an item's first line and the item's indentation from the rest.
pub(super) fn strip_marker(own: &str, text: &str, start: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let first_line_end = own.find('\n').unwrap_or(own.len());
    let first = &own[..first_line_end];
    let after_digits = first
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit());
    let numbered = after_digits.len() < first.trim_start().len();
    let after_marker = if numbered {
        after_digits
            .strip_prefix('.')
            .or_else(|| after_digits.strip_prefix(')'))
            .unwrap_or(after_digits)
    } else {
        // A bullet item: `-`, `+` or `*`.
        after_digits
            .strip_prefix(['-', '+', '*'])
            .unwrap_or(after_digits)
    };
    let content = after_marker.trim_start();
    // Continuation lines are indented to where the content starts (authors often indent one to
    // three columns deeper, e.g. 4 spaces under `1. `; that is still the item's content).
    let marker = (start - line_start) + (first.len() - content.len());
    let indent_of = |l: &str| {
        l.chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .fold(0, |c, ch| if ch == '\t' { c + 4 - c % 4 } else { c + 1 })
    };
    let first_cont = own[first_line_end..]
        .split('\n')
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(indent_of);
    let marker_cols = match first_cont {
        Some(i) if i > marker && i <= marker + 3 => i,
        _ => marker,
    };
    let mut out = content.to_owned();
    for line in own[first_line_end..].split('\n').skip(1) {
        out.push('\n');
        let mut cols = 0;
        let mut idx = 0;
        for (i, ch) in line.char_indices() {
            if cols >= marker_cols {
                idx = i;
                break;
            }
            match ch {
                ' ' => cols += 1,
                '\t' => cols += 4 - cols % 4,
                _ => {
                    idx = i;
                    break;
                }
            }
            idx = i + ch.len_utf8();
        }
        out.push_str(&line[idx.min(line.len())..]);
    }
    out
}

/// `a` then `b`, as paragraphs; a text already contained in the other is not repeated (a
/// front-matter description that the first paragraph also says).
pub(super) fn merge(a: Option<Sp<String>>, b: String) -> Sp<String> {
    let merged = match a.map(|a| a.value) {
        Some(a) if b.contains(a.trim()) => b.trim().to_owned(),
        Some(a) if a.contains(b.trim()) => a.trim().to_owned(),
        Some(a) if !a.trim().is_empty() => format!("{}\n\n{}", a.trim_end(), b.trim()),
        _ => b.trim().to_owned(),
    };
    merged.into()
}

/// `{{` written `\{{` (stepbook's literal braces), unless already escaped.
pub(super) fn escape_braces(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 4);
    let mut rest = t;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        if !out.ends_with('\\') {
            out.push('\\');
        }
        out.push_str("{{");
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// `@lab.Variable(name)` (Skillable / LODS) as a `{{ name }}` placeholder; the names found are
/// added to `names`. A name stepbook cannot use is left as it is.
pub(super) fn lab_variables(
    t: &str,
    names: &mut Vec<String>,
    seen: &mut std::collections::HashSet<String>,
) -> String {
    const TOKEN: &str = "@lab.Variable(";
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find(TOKEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + TOKEN.len()..];
        match after.find(')') {
            Some(end) if crate::variables::valid_name(after[..end].trim()) => {
                let name = after[..end].trim();
                out.push_str(&format!("{{{{ {name} }}}}"));
                if seen.insert(name.to_owned()) {
                    names.push(name.to_owned());
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(TOKEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where each `@lab.Variable(name)` is first written in `source`, by the name as written.
pub(super) fn first_uses(source: &str) -> std::collections::HashMap<&str, usize> {
    const TOKEN: &str = "@lab.Variable(";
    let mut first = std::collections::HashMap::new();
    let mut from = 0;
    while let Some(i) = source[from..].find(TOKEN).map(|i| from + i) {
        let after = &source[i + TOKEN.len()..];
        // Only as far as a name's characters go, so a token never makes a scan of the rest.
        let end = after
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
            .unwrap_or(after.len());
        if after[end..].starts_with(')') {
            first.entry(&after[..end]).or_insert(i);
        }
        from = i + TOKEN.len();
    }
    first
}

/// A wait written in a lab's text: "It may take up to 5 minutes", "can take 2-3 minutes",
/// "might take between 5 and 10 minutes", "should take approximately 5 minutes", "Wait 2 to 3
/// minutes", "wait for the deployment to complete (about 3 minutes)", "take a minute" → `5m`,
/// `2m-3m`, `5m-10m`, `3m`, `1m`. Words ("a few", "a couple of", "five to seven") are
/// ambiguous: no wait (see [`vague_wait`]).
pub fn wait_of(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    // Each place a wait may be said: after "take", "wait", or an opening "(about".
    let triggers = [
        " take ",
        "wait ",
        "(about ",
        "(approximately ",
        "(around ",
        "(roughly ",
    ];
    let mut starts: Vec<usize> = triggers
        .iter()
        .flat_map(|t| lower.match_indices(t).map(move |(i, _)| i + t.len()))
        .collect();
    if lower.starts_with("take ") {
        starts.push(5);
    }
    starts.sort_unstable();
    starts
        .into_iter()
        .find_map(|at| amount(&lower[at..]))
        // "take a minute to review the definition" is time to read, not to wait.
        .filter(|_| {
            let reading = [
                "review",
                "read",
                "look",
                "explore",
                "familiarize",
                "examine",
                "study",
            ];
            !reading.iter().any(|r| {
                lower.contains(&format!("minute to {r}"))
                    || lower.contains(&format!("minutes to {r}"))
            })
        })
}

/// The first amount of time in the next few words: `5 minutes`, `2-3 minutes`, `5 and 10
/// minutes`, `2 to 3 minutes`, `a minute`.
pub(super) fn amount(text: &str) -> Option<String> {
    // Within the sentence: a number in the next one is about something else.
    let sentence = text
        .find(". ")
        .or_else(|| text.find(['!', '?', ';', '\n']))
        .map_or(text, |i| &text[..i]);
    let words: Vec<&str> = sentence.split_whitespace().take(12).collect();
    let unit_of = |w: &str| match w.trim_matches(|c: char| !c.is_ascii_alphabetic()) {
        "second" | "seconds" | "secs" | "sec" => Some("s"),
        "minute" | "minutes" | "mins" | "min" => Some("m"),
        "hour" | "hours" | "hrs" => Some("h"),
        _ => None,
    };
    let num = |w: &str| {
        let n = w.trim_matches(|c: char| !c.is_ascii_digit() && c != '-');
        (!n.is_empty() && n.chars().any(|c| c.is_ascii_digit())).then(|| n.to_owned())
    };
    for k in 0..words.len() {
        // "a minute", "an hour": one.
        if matches!(words[k], "a" | "an")
            && let Some(unit) = words.get(k + 1).and_then(|w| unit_of(w))
        {
            return Some(format!("1{unit}"));
        }
        let Some(first) = num(words[k]) else { continue };
        if let Some((a, b)) = first.split_once('-') {
            let unit = unit_of(words.get(k + 1)?)?;
            return (a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
                .then(|| format!("{a}{unit}-{b}{unit}"));
        }
        first.parse::<u32>().ok()?;
        if matches!(words.get(k + 1), Some(&"and") | Some(&"to")) {
            let second = num(words.get(k + 2)?)?;
            second.parse::<u32>().ok()?;
            let unit = unit_of(words.get(k + 3)?)?;
            return Some(format!("{first}{unit}-{second}{unit}"));
        }
        let unit = unit_of(words.get(k + 1)?)?;
        return Some(format!("{first}{unit}"));
    }
    None
}

/// A wait said in words stepbook cannot turn into a duration ("a few minutes", "a couple of
/// minutes", "several minutes"), for a warning: the author decides.
pub(super) fn vague_wait(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    [
        "a few minutes",
        "a couple of minutes",
        "several minutes",
        "a few seconds",
        "a while",
    ]
    .into_iter()
    .find(|p| lower.contains(p) && (lower.contains("take") || lower.contains("wait")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_know_is_a_tip() {
        for md in [
            "**Did you know?** You can view resources by tag.",
            "**Did you know?**: You can view resources by tag.",
        ] {
            assert_eq!(
                strip_label(md),
                Some((NoteKind::Tip, "You can view resources by tag.".to_owned())),
                "{md}"
            );
        }
    }

    #[test]
    fn a_hint_at_the_end_of_a_steps_line_is_taken_out() {
        assert_eq!(
            inline_hint("Select **Investigate**. **Hint:** It might take a minute."),
            Some((
                "Select **Investigate**.".to_owned(),
                "It might take a minute.".to_owned()
            ))
        );
        assert_eq!(
            inline_hint("Open it. **Hint**: use the menu.\n\nThen sign in."),
            Some((
                "Open it.\n\nThen sign in.".to_owned(),
                "use the menu.".to_owned()
            ))
        );
        // Not after a sentence's end, or with nothing after it: left alone.
        assert_eq!(inline_hint("Select the **Hint:** tab"), None);
        assert_eq!(inline_hint("Open it. **Hint:**"), None);
        assert_eq!(inline_hint("Open it."), None);
    }

    #[test]
    fn waits() {
        assert_eq!(
            wait_of("It may take up to 5 minutes to process.").as_deref(),
            Some("5m")
        );
        assert_eq!(
            wait_of("It might take between 5 and 10 minutes.").as_deref(),
            Some("5m-10m")
        );
        assert_eq!(
            wait_of("This can take 2-3 minutes").as_deref(),
            Some("2m-3m")
        );
        assert_eq!(
            wait_of("It may take a few minutes to process the request."),
            None
        );
        assert_eq!(wait_of("anywhere from five to seven minutes"), None);
        assert_eq!(
            wait_of("This should take approximately 5 minutes.").as_deref(),
            Some("5m")
        );
        assert_eq!(
            wait_of("Wait for the deployment to complete (about 3 minutes).").as_deref(),
            Some("3m")
        );
        assert_eq!(wait_of("Wait 2 to 3 minutes.").as_deref(), Some("2m-3m"));
        assert_eq!(
            wait_of("It can take a minute to appear.").as_deref(),
            Some("1m")
        );
        assert_eq!(wait_of("Wait until the status is Succeeded."), None);
        assert_eq!(
            wait_of("Select the policy and take a minute to review the definition."),
            None
        );
        assert_eq!(
            vague_wait("It may take a few minutes."),
            Some("a few minutes")
        );
        assert_eq!(vague_wait("Read a few minutes of docs."), None);
    }

    #[test]
    fn lab_platform_alerts_become_github_alerts() {
        let md =
            ">[!alert] Be careful:\n>\n>1. One\n\n> [!knowledge]\n> Why.\n\n>[!hint] Look up.\n";
        assert_eq!(
            dialects(md),
            "> [!WARNING]\n> Be careful:\n>\n>1. One\n\n> [!NOTE]\n> Why.\n\n> **Hint:** Look up.\n"
        );
        assert_eq!(dialects("> [!NOTE]\n"), "> [!NOTE]\n");
    }

    #[test]
    fn labels() {
        assert_eq!(
            strip_label("**Note:** text"),
            Some((NoteKind::Note, "text".into()))
        );
        assert_eq!(
            strip_label("**Note**: text"),
            Some((NoteKind::Note, "text".into()))
        );
        assert_eq!(
            strip_label("**IMPORTANT** text"),
            Some((NoteKind::Important, "text".into()))
        );
        assert_eq!(
            strip_label("**Did you know?** text"),
            Some((NoteKind::Tip, "text".into()))
        );
        assert_eq!(strip_label("**Bold** words"), None);
        assert_eq!(
            strip_label("**Note**\nThe text"),
            Some((NoteKind::Note, "The text".into()))
        );
        assert_eq!(
            unquote(">**Note**\n> The text\n>\n> More"),
            "**Note**\nThe text\n\nMore"
        );
    }

    #[test]
    fn dialect_rewrites() {
        assert_eq!(
            dialects("1. [] Type +++abc+++ now\n!IMAGE[x](y.png)\n"),
            "1. Type `abc` now\n![x](y.png)\n"
        );
    }
}
