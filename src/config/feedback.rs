//! Config: `[output.html] feedback-url`, the address of a "Report a problem" link, with
//! `{placeholder}`s filled in for each step and guide. The template is checked when book.toml is
//! loaded (an unknown placeholder is an error at its place, with "did you mean"); stepbook
//! itself sends nothing anywhere: the reader follows a link.

use std::ops::Range;

/// The placeholders a feedback URL may hold, with what each becomes.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("guide", "the guide's id"),
    ("title", "the guide's title, as plain text"),
    (
        "step",
        "the step's number, `2.3` (empty in the guide's link)",
    ),
    (
        "anchor",
        "the step's anchor, `redeem-3` (empty in the guide's link)",
    ),
    ("lang", "the page's language code, `en`"),
    ("url", "the address of the page (and the step's anchor)"),
];

/// A checked template: literal text and placeholders, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackUrl {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Placeholder(&'static str),
}

/// What is wrong with a template: a message, where (bytes of the template), and the placeholder
/// meant, when a known one is near.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub at: Range<usize>,
    pub meant: Option<&'static str>,
}

impl FeedbackUrl {
    /// Reads a template: an `https://`, `http://` or `mailto:` address whose `{name}`s are
    /// [`PLACEHOLDERS`].
    pub fn parse(template: &str) -> Result<FeedbackUrl, Problem> {
        let scheme_ok = ["https://", "http://", "mailto:"].iter().any(|s| {
            template
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
        if !scheme_ok || template.contains(['"', '<', '>', '\n', '\r', ' ']) {
            return Err(Problem {
                message: "a feedback address starts with `https://`, `http://` or `mailto:` and has no spaces, quotes or `<>`".into(),
                at: 0..template.len(),
                meant: None,
            });
        }
        let mut parts = Vec::new();
        let mut rest = 0;
        while let Some(open) = template[rest..].find('{').map(|o| rest + o) {
            let Some(close) = template[open..].find('}').map(|c| open + c) else {
                return Err(Problem {
                    message: "`{` opens a placeholder that is not closed with `}`".into(),
                    at: open..template.len(),
                    meant: None,
                });
            };
            let name = &template[open + 1..close];
            let Some(&(known, _)) = PLACEHOLDERS.iter().find(|(p, _)| *p == name) else {
                let names = PLACEHOLDERS.iter().map(|(p, _)| *p);
                return Err(Problem {
                    message: format!("no placeholder `{{{name}}}` in a feedback address"),
                    at: open + 1..close,
                    meant: crate::diag::did_you_mean(name, names),
                });
            };
            if open > rest {
                parts.push(Part::Text(template[rest..open].to_owned()));
            }
            parts.push(Part::Placeholder(known));
            rest = close + 1;
        }
        if rest < template.len() {
            parts.push(Part::Text(template[rest..].to_owned()));
        }
        Ok(FeedbackUrl { parts })
    }

    /// The address with each placeholder replaced by its value from `value`, percent-encoded as
    /// one URL component (everything but letters, digits and `-._~`), so a value can neither
    /// end a query parameter nor add one.
    pub fn fill(&self, value: &dyn Fn(&str) -> String) -> String {
        /// RFC 3986's unreserved characters stay; everything else is encoded.
        const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Placeholder(name) => out.extend(percent_encoding::utf8_percent_encode(
                    &value(name),
                    COMPONENT,
                )),
            }
        }
        out
    }

    /// The list of placeholders, for a message: "`{guide}`, `{title}`, …".
    pub fn names() -> String {
        PLACEHOLDERS
            .iter()
            .map(|(p, _)| format!("`{{{p}}}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_encoded_as_components() {
        let t = FeedbackUrl::parse(
            "https://github.com/org/labs/issues/new?title={guide}%20step%20{step}&body={url}",
        )
        .unwrap();
        let url = t.fill(&|name| match name {
            "guide" => "a&b=c #ü".into(),
            "step" => "2.3".into(),
            "url" => "https://x.example/g/?q=1#s-3".into(),
            _ => String::new(),
        });
        assert_eq!(
            url,
            "https://github.com/org/labs/issues/new?title=a%26b%3Dc%20%23%C3%BC%20step%202.3&body=https%3A%2F%2Fx.example%2Fg%2F%3Fq%3D1%23s-3"
        );
    }

    #[test]
    fn unknown_placeholders_and_schemes_are_refused() {
        let e = FeedbackUrl::parse("https://x.example/?t={gide}").unwrap_err();
        assert_eq!((e.at, e.meant), (22..26, Some("guide")));
        let e = FeedbackUrl::parse("https://x.example/?t={nothing}").unwrap_err();
        assert_eq!(e.meant, None);
        assert!(FeedbackUrl::parse("https://x.example/?t={guide").is_err());
        for bad in [
            "javascript:alert(1)",
            "//x.example/",
            "https://x.example/\"><b>",
        ] {
            assert!(FeedbackUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(FeedbackUrl::parse("mailto:labs@example.org?subject={title}").is_ok());
    }
}
