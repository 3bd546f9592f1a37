//! Render helper: Markdown fields to safe HTML, safe Markdown and plain text (pulldown-cmark;
//! ammonia for text that carries raw HTML). Untrusted input: no raw `<script>`, no
//! `javascript:`/`data:` URL survives.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

/// What validation needs to know about a Markdown field.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Byte ranges of raw HTML.
    pub raw_html: Vec<Range<usize>>,
    /// Link and image URLs with a scheme that is not allowed, and their ranges.
    pub unsafe_urls: Vec<(String, Range<usize>)>,
    /// Images with a local path (`![alt](../media/x.png)`), and their ranges.
    pub local_images: Vec<(String, Range<usize>)>,
}

/// A URL without a scheme that is not an anchor: a path to a local file.
pub fn is_local(url: &str) -> bool {
    !url.is_empty() && scheme(url).is_none() && !url.starts_with('#') && !url.starts_with("//")
}

/// Is `url` safe to put in an `href`/`src`? Relative URLs, fragments, http(s), mailto and tel.
pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore whitespace and control characters inside the scheme: `java\tscript:`.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(32)
        .collect();
    match scheme(&cleaned) {
        None => true,
        Some(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto" | "tel"
        ),
    }
}

/// `scheme://host[:port]` of a URL, lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    (!host.is_empty()).then(|| {
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        )
    })
}

/// The URL's scheme, if it has one (`https` in `https://x`); `C:` is not a scheme.
pub fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let valid = s.len() > 1
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(s)
}

/// Finds raw HTML and unsafe URLs in a Markdown field.
pub fn inspect(text: &str) -> Findings {
    let mut f = Findings::default();
    // Fast path: HTML needs `<`; a link destination needs `](` (inline), `]:` (reference) or
    // `<` (autolink).
    if !text.contains('<') && !text.contains("](") && !text.contains("]:") {
        return f;
    }
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => f.raw_html.push(range),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_safe_url(&dest_url) =>
            {
                f.unsafe_urls.push((dest_url.into_string(), range));
            }
            Event::Start(Tag::Image { dest_url, .. }) if is_local(&dest_url) => {
                f.local_images.push((dest_url.into_string(), range));
            }
            _ => {}
        }
    }
    f
}

/// Renders a Markdown field to HTML that is safe to embed in a page.
pub fn to_html(text: &str) -> String {
    to_html_with(text, &|_| None)
}

/// Like [`to_html`], with local image paths replaced by what `images` returns for them.
pub fn to_html_with(text: &str, images: &dyn Fn(&str) -> Option<String>) -> String {
    let mut raw_html = false;
    let events: Vec<Event> = autolink(Parser::new_ext(text, options()))
        .map(|e| match e {
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                e
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !is_safe_url(&dest_url) => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::Borrowed("#"),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !is_safe_url(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::Borrowed(""),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if is_local(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: images(&dest_url).map_or(dest_url, CowStr::from),
                title,
                id,
            }),
            e => e,
        })
        .collect();
    let events = crate::highlight::blocks(events);
    let mut html = String::with_capacity(text.len() + text.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if raw_html {
        // Text that carries raw HTML goes through a whitelist sanitiser; everything else was
        // escaped by pulldown-cmark and had its URLs checked above.
        let classes = crate::highlight::KINDS.map(|k| format!("hl-{k}"));
        ammonia::Builder::default()
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .add_allowed_classes("span", classes.iter().map(String::as_str))
            .clean(&html)
            .to_string()
    } else {
        html
    }
}

/// Renders a short field (a title, a label) to inline HTML: no surrounding `<p>`.
pub fn to_inline_html(text: &str) -> String {
    to_inline_html_with(text, &|_| None)
}

/// Like [`to_inline_html`], with local image paths replaced.
pub fn to_inline_html_with(text: &str, images: &dyn Fn(&str) -> Option<String>) -> String {
    let html = to_html_with(text, images);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// The Markdown field with raw HTML removed and unsafe URLs replaced by `#`, for the Markdown
/// output.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    sanitize_with(text, &|_| None)
}

/// Like [`sanitize`], with local image paths replaced by what `images` returns for them.
///
/// Text without raw HTML or unsafe URLs is kept as written (only local image paths are
/// replaced in place). Text with either is parsed and written out again from its events
/// (pulldown-cmark-to-cmark): cutting the HTML out of the source is not enough, since
/// `<<script>script>` leaves `<script>` behind and an entity-encoded `javascript&#58;` is not
/// found in the source; written from events, raw HTML is gone, text is escaped, and every link is
/// inline with its checked URL (a reference definition cannot smuggle one in).
pub fn sanitize_with<'t>(text: &'t str, images: &dyn Fn(&str) -> Option<String>) -> Cow<'t, str> {
    let f = inspect(text);
    let autolink_into_code = autolink_runs_into_code(text);
    if f.raw_html.is_empty()
        && f.unsafe_urls.is_empty()
        && f.local_images.is_empty()
        && !autolink_into_code
    {
        return Cow::Borrowed(text);
    }
    if !f.raw_html.is_empty() || !f.unsafe_urls.is_empty() || autolink_into_code {
        return Cow::Owned(rewrite(text, images));
    }
    let mut cuts: Vec<(Range<usize>, String)> =
        f.raw_html.into_iter().map(|r| (r, String::new())).collect();
    let mut replace = |url: &str, range: &Range<usize>, with: String| {
        if let Some(i) = text[range.clone()].rfind(url) {
            let start = range.start + i;
            cuts.push((start..start + url.len(), with));
        }
    };
    for (url, range) in &f.unsafe_urls {
        replace(url, range, "#".into());
    }
    for (url, range) in &f.local_images {
        if let Some(new) = images(url) {
            replace(url, range, new);
        }
    }
    cuts.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (r, with) in cuts {
        if r.start < pos {
            continue;
        }
        out.push_str(&text[pos..r.start]);
        out.push_str(&with);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    Cow::Owned(out)
}

/// Markdown from the events of `text`, without raw HTML, with unsafe URLs replaced by `#` and
/// local images by what `images` returns.
fn rewrite(text: &str, images: &dyn Fn(&str) -> Option<String>) -> String {
    let link = |dest_url: CowStr<'_>, image: bool| -> CowStr<'static> {
        if !is_safe_url(&dest_url) {
            CowStr::Borrowed(if image { "" } else { "#" })
        } else if image && is_local(&dest_url) {
            CowStr::from(images(&dest_url).unwrap_or_else(|| dest_url.to_string()))
        } else {
            CowStr::from(dest_url.into_string())
        }
    };
    // Adjacent text merged, so a URL split by the parser is seen whole by `end_autolinks`.
    let parser = pulldown_cmark::TextMergeStream::new(Parser::new_ext(text, options()));
    let events = parser.filter_map(|e| match e {
        Event::Html(_)
        | Event::InlineHtml(_)
        | Event::Start(Tag::HtmlBlock)
        | Event::End(TagEnd::HtmlBlock) => None,
        Event::Start(Tag::Link {
            dest_url, title, ..
        }) => Some(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: link(dest_url, false),
            title,
            id: CowStr::Borrowed(""),
        })),
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => Some(Event::Start(Tag::Image {
            link_type: LinkType::Inline,
            dest_url: link(dest_url, true),
            title,
            id: CowStr::Borrowed(""),
        })),
        e => Some(e),
    });
    let events = end_autolinks(events.collect());
    let mut out = String::with_capacity(text.len());
    if pulldown_cmark_to_cmark::cmark(events, &mut out, options()).is_err() {
        // Writing to a String cannot fail; if the writer ever refuses, plain text is safe.
        return md_escape(&plain(text));
    }
    out
}

/// What GitHub's extended autolinks start with.
const AUTOLINK_PREFIXES: [&str; 4] = ["https://", "http://", "ftp://", "www."];

/// Where GitHub's extended autolinks start in a word: `https://`, `http://`, `ftp://`, `www.`.
fn autolink_start(word: &str) -> Option<usize> {
    let lower = word.to_ascii_lowercase();
    AUTOLINK_PREFIXES.iter().filter_map(|p| lower.find(p)).min()
}

/// Does a bare URL (`https://…`, `www.…`) run straight into a code span or a backslash
/// escape?
///
/// GitHub's extended autolinks end only at white space or `<`: in
/// ``https://x.example/`<img src=x onerror=…>` `` the link swallows the opening backtick (and
/// in ``https://x.example/\<img …`` the backslash), and what CommonMark reads as code or
/// escaped text becomes live HTML on GitHub.
fn autolink_runs_into_code(text: &str) -> bool {
    // Each part of a word is searched for a start once (with the few bytes before it that a
    // prefix may straddle): a word of megabytes with a backslash every other byte stays linear.
    let (mut word_start, mut searched, mut found) = (0, 0, false);
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == '<' {
            (word_start, searched, found) = (i + c.len_utf8(), i + c.len_utf8(), false);
        } else if matches!(c, '`' | '\\') && i > word_start {
            if !found {
                let mut from = searched.saturating_sub(7).max(word_start);
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                found = autolink_start(&text[from..i]).is_some();
                searched = i;
            }
            if found {
                return true;
            }
        }
    }
    false
}

/// The bare URLs GitHub would link in `s` (`https://`, `http://`, `ftp://`, `www.`): each
/// byte range runs to white space, `<` or `>`, less the punctuation that ends a sentence.
fn gfm_autolinks(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // The next place of each prefix, searched again only once passed: one pass over the text
    // (searching the rest of it for every URL would be quadratic).
    let lower = s.to_ascii_lowercase();
    let mut next = AUTOLINK_PREFIXES.map(|p| lower.find(p));
    let mut pos = 0;
    loop {
        for (n, p) in next.iter_mut().zip(AUTOLINK_PREFIXES) {
            if n.is_some_and(|at| at < pos) {
                *n = lower[pos..].find(p).map(|at| pos + at);
            }
        }
        let Some(start) = next.iter().flatten().min().copied() else {
            break;
        };
        let len = s[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>'))
            .unwrap_or(s.len() - start);
        let url = s[start..start + len]
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '*', '_', '~']);
        if url.len() > url.find("://").map_or(4, |k| k + 3) {
            out.push(start..start + url.len());
        }
        pos = start + len.max(1);
    }
    out
}

/// Writes a bare URL as an explicit link (`<https://…>`, `[www.…](http://www.…)`), whose end
/// GitHub's autolinker cannot run past, where it would otherwise run into what the writer
/// escapes (`\``, `\<`, `\_`…) or into the markup that follows it (a code span): text that is
/// code or escaped to CommonMark stays so on GitHub, and the link is the one GitHub would have
/// made. Other bare URLs are left as written.
fn end_autolinks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_link = 0usize;
    let mut events = events.into_iter().peekable();
    while let Some(e) = events.next() {
        match &e {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            _ => {}
        }
        let Event::Text(t) = &e else {
            out.push(e);
            continue;
        };
        let markup_follows = matches!(
            events.peek(),
            Some(Event::Code(_) | Event::InlineMath(_) | Event::Start(_))
        );
        let urls: Vec<Range<usize>> = if in_link == 0 {
            gfm_autolinks(t)
                .into_iter()
                .filter(|r| {
                    t[r.clone()].contains(['`', '\\', '*', '_', '[', ']', '&', '!', '~', '|'])
                        || (r.end == t.len() && markup_follows)
                })
                .collect()
        } else {
            Vec::new()
        };
        if urls.is_empty() {
            out.push(e);
            continue;
        }
        let mut pos = 0;
        for r in urls {
            if r.start > pos {
                out.push(Event::Text(CowStr::from(t[pos..r.start].to_owned())));
            }
            let url = t[r.clone()].to_owned();
            let (link_type, dest) = if url.to_ascii_lowercase().starts_with("www.") {
                (LinkType::Inline, format!("http://{url}"))
            } else {
                (LinkType::Autolink, url.clone())
            };
            out.push(Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(dest),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }));
            out.push(Event::Text(CowStr::from(url)));
            out.push(Event::End(TagEnd::Link));
            pos = r.end;
        }
        if pos < t.len() {
            out.push(Event::Text(CowStr::from(t[pos..].to_owned())));
        }
    }
    out
}

/// Plain text made safe to put inside a line of Markdown: every character with a meaning there
/// is escaped, and line breaks become spaces, so a label reads the same as text and can start no
/// HTML, link, code or emphasis (`<script>` stays the text `<script>`).
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            // What has a meaning inside a line (a label never starts one).
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Is `alt` a placeholder that says nothing about the picture at `src`: empty, a generic word
/// (`image`, `screenshot`, …) or the file's name?
pub fn placeholder_alt(alt: &str, src: &str) -> bool {
    const GENERIC: [&str; 9] = [
        "image",
        "img",
        "screenshot",
        "screen shot",
        "picture",
        "pic",
        "photo",
        "figure",
        "alt",
    ];
    let a = alt.trim().trim_end_matches('.').to_lowercase();
    let name = src.rsplit('/').next().unwrap_or(src).to_lowercase();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    a.is_empty() || GENERIC.contains(&a.as_str()) || a == name || a == stem
}

/// The text of a Markdown field without markup: for labels, titles and alt text.
pub fn plain(text: &str) -> String {
    plain_of(text, true)
}

/// The words of a Markdown field without its pictures' alt text: what a summary says (an
/// imported lab's summary may open with a diagram whose alt text is "Lab overview.").
pub fn prose(text: &str) -> String {
    plain_of(text, false)
}

fn plain_of(text: &str, alt_text: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_image = 0usize;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(_) | Event::Code(_) if in_image > 0 && !alt_text => {}
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push(' '),
            // Table cells and rows stay apart: "Setting Value; Subscription yours".
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                let trimmed = out.trim_end().len();
                out.truncate(trimmed);
                out.push_str("; ");
            }
            _ => {}
        }
    }
    let collapsed: Vec<&str> = out.split_whitespace().collect();
    collapsed.join(" ").trim_end_matches(';').to_owned()
}

/// The first sentence of plain text, for a default checklist label; at most about 100
/// characters.
pub fn first_sentence(plain: &str) -> String {
    let mut end = plain.len();
    let bytes = plain.as_bytes();
    for (i, c) in plain.char_indices() {
        if matches!(c, '.' | '!' | '?') && bytes.get(i + 1).is_none_or(|b| *b == b' ') {
            end = i + 1;
            break;
        }
    }
    let sentence = plain[..end].trim();
    if sentence.chars().count() <= 100 {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(99).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Every link target of a Markdown field, in order, as the HTML output links them: written
/// links, `<autolinks>` and bare `http(s)://` URLs (not images). The linter checks exactly what
/// readers can click.
pub fn link_targets(text: &str) -> Vec<String> {
    if !text.contains("http") && !text.contains("](") && !text.contains('<') && !text.contains("]:")
    {
        return Vec::new();
    }
    autolink(Parser::new_ext(text, options()))
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.into_string()),
            _ => None,
        })
        .collect()
}

/// Turns bare `http(s)://` URLs in text into links, as GitHub does (the HTML pages and the PDFs
/// both link them).
pub(crate) fn autolink<'a>(
    events: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let mut in_link = 0usize;
    events.flat_map(move |e| {
        let out: Vec<Event<'a>> = match e {
            Event::Start(Tag::Link { .. }) => {
                in_link += 1;
                vec![e]
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                vec![e]
            }
            Event::Text(t) if in_link == 0 && t.contains("http") => split_urls(t),
            e => vec![e],
        };
        out.into_iter()
    })
}

/// Bare `http(s)://` URLs in text, as GitHub links them: byte ranges of each URL, without the
/// punctuation that ends a sentence.
pub fn bare_urls(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    // One scan: each `http` found is looked at once (searching for `https://` and `http://`
    // separately rescanned the rest of the text for each URL: quadratic).
    while let Some(i) = s[pos..].find("http") {
        let start = pos + i;
        let tail = &s[start..];
        if !(tail.starts_with("https://") || tail.starts_with("http://")) {
            pos = start + 4;
            continue;
        }
        let len = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        let url = tail[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        // Something after the scheme: `http://` alone is text.
        if url.len() > url.find("://").map_or(usize::MAX, |k| k + 3) {
            out.push(start..start + url.len());
        }
        pos = start + len.max(1);
    }
    out
}

fn split_urls(t: CowStr<'_>) -> Vec<Event<'_>> {
    let s: &str = &t;
    let urls = bare_urls(s);
    if urls.is_empty() {
        return vec![Event::Text(t)];
    }
    let mut out = Vec::new();
    let mut pos = 0;
    for r in urls {
        if r.start > pos {
            out.push(Event::Text(CowStr::from(s[pos..r.start].to_owned())));
        }
        let url = s[r.clone()].to_owned();
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(url.clone()),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(CowStr::from(url)));
        out.push(Event::End(TagEnd::Link));
        pos = r.end;
    }
    if pos < s.len() {
        out.push(Event::Text(CowStr::from(s[pos..].to_owned())));
    }
    out
}

/// Text escaped for HTML and XML content and attribute values.
pub use crate::escape::html as escape_html;

/// Trims trailing white space, and collapses runs of blank lines to one outside fenced code
/// blocks: inside a fence (```` ``` ```` or `~~~`) every line is kept, blank lines included,
/// since they are part of the code.
pub fn tidy_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    let mut fence: Option<(char, usize)> = None;
    for line in s.lines() {
        if let Some((c, n)) = fence {
            out.push('\n');
            out.push_str(line.trim_end());
            if fence_marker(line.trim_start())
                .is_some_and(|(d, m, info)| d == c && m >= n && info.trim().is_empty())
            {
                fence = None;
            }
            continue;
        }
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
        fence = fence_marker(line.trim_start()).map(|(c, n, _)| (c, n));
    }
    out
}

/// A code fence opening `line` (without its indentation): its character, length and info text.
fn fence_marker(line: &str) -> Option<(char, usize, &str)> {
    let c = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = line.chars().take_while(|&d| d == c).count();
    let info = &line[n..];
    // A backtick fence's info text has no backtick (```` ```code``` ```` is inline code).
    (n >= 3 && !(c == '`' && info.contains('`'))).then_some((c, n, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_javascript_urls_never_survive() {
        let html = to_html(
            "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        let html =
            to_html("[x](JaVaScRiPt:alert(1)) [y](<java\tscript:alert(1)>) ![i](data:text/html,x)");
        assert!(!html.to_lowercase().contains("href=\"java"), "{html}");
        assert!(!html.contains("data:"), "{html}");
    }

    #[test]
    fn plain_text_keeps_table_cells_apart() {
        assert_eq!(
            plain(
                "Use these settings:\n\n| Setting | Value |\n| --- | --- |\n| Subscription | yours |\n| Region | East US |\n"
            ),
            "Use these settings: Setting Value; Subscription yours; Region East US"
        );
    }

    #[test]
    fn plain_markdown_is_escaped_and_linked() {
        let html = to_html("Go to: https://example.com/a. Then **click** & wait.");
        assert!(
            html.contains(r#"<a href="https://example.com/a">https://example.com/a</a>."#),
            "{html}"
        );
        assert!(html.contains("<strong>click</strong> &amp; wait"), "{html}");
    }

    #[test]
    fn autolinks_running_into_code_are_found_in_one_pass() {
        assert!(autolink_runs_into_code("see https://x.example/`<img>`"));
        assert!(autolink_runs_into_code("a\\b www.x.example/\\<b"));
        assert!(!autolink_runs_into_code("https://x.example/ `code`"));
        assert!(!autolink_runs_into_code("not a url`x` and \\ here"));
        // A prefix split across two searched parts of one word is still found.
        assert!(autolink_runs_into_code("x`https://a.example/`"));
        assert_eq!(
            gfm_autolinks("a www.b.example, HTTPS://c.example/x."),
            [2..15, 17..36]
        );
        // A word of 2 MB with a backslash every other byte: linear, not minutes.
        let long = "a\\".repeat(1 << 20);
        assert!(!autolink_runs_into_code(&long));
        assert!(gfm_autolinks(&"www.a.b ".repeat(100_000)).len() == 100_000);
    }

    #[test]
    fn bare_urls_in_order() {
        let t = "see http://a.example/x, then https://b.example/y. Not http:// alone.";
        let found: Vec<&str> = bare_urls(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(found, ["http://a.example/x", "https://b.example/y"]);
    }

    #[test]
    fn inspect_finds_html_and_bad_links() {
        let f = inspect("a <b>x</b> [l](javascript:x)");
        assert_eq!(f.raw_html.len(), 2);
        assert_eq!(f.unsafe_urls[0].0, "javascript:x");
        assert_eq!(inspect("plain text"), Findings::default());
    }

    #[test]
    fn sanitize_markdown() {
        assert_eq!(sanitize("a <b>x</b> [l](javascript:x)"), "a x [l](#)");
        assert!(matches!(sanitize("fine"), Cow::Borrowed(_)));
    }

    #[test]
    fn tidy_keeps_code_blocks_as_written() {
        let text = "a  \n\n\n\nb\n\n```sh\nx  \n\n\ny\n```\n\n\nc\n  ~~~~\n\n\n  ~~~\n\n  ~~~~\nd";
        assert_eq!(
            tidy_lines(text),
            "a\n\nb\n\n```sh\nx\n\n\ny\n```\n\nc\n  ~~~~\n\n\n  ~~~\n\n  ~~~~\nd"
        );
        assert_eq!(
            tidy_lines("```inline``` text\n\n\nnext"),
            "```inline``` text\n\nnext"
        );
    }

    #[test]
    fn sentences() {
        assert_eq!(
            first_sentence("Open a browser and navigate to: https://www.x.com/ now. Then more."),
            "Open a browser and navigate to: https://www.x.com/ now."
        );
        assert_eq!(
            plain("Select **“Sign In”**.\nNext"),
            "Select “Sign In”. Next"
        );
        let long = "word ".repeat(40);
        assert!(first_sentence(&long).ends_with('…'));
    }
}
