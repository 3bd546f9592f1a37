//! PDF: the running header and "Page n of m" of a print run of handouts, placed after the
//! layout instead of during it. Typst numbers pages itself, but a page number, or a label's
//! page, is read from the previous layout, so a document that shows them is laid out twice
//! (about 2.2 ms a handout instead of 1 ms). Here the document is laid out once; each
//! handout's first and last page (or half sheet) are read from its labels in that layout; and
//! the marginals, now known, are laid out as a small document of their own whose pages are
//! placed over the document's, one over each.

use typst::foundations::{Label, Value};
use typst::introspection::{Introspector as _, MetadataElem};
use typst::layout::Point;
use typst::model::Document as _;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::markup;
use super::world::{CompileError, message};

/// What the pages of a print run carry in their margins: from its second page (or half) on,
/// each handout's running header; on every one, its own "Page n of m".
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    /// Typst that sets a page up as the document's are (paper, orientation, margins, text).
    pub setup: String,
    /// Two halves a sheet, each numbered on its own (a handout starts at a half).
    pub two_up: bool,
    /// "Page n of m" as Typst markup, with `#(n)` and `#(m)` in place.
    pub page_of: String,
}

/// The markup that opens handout `i` of a document: a label holding `who`, its running header.
pub fn start(i: usize, who: &str) -> String {
    format!("#metadata({}) <sb-s{i}>\n", markup::string(who))
}

/// The markup that ends handout `i` of a document.
pub fn end(i: usize) -> String {
    format!("#metadata(none) <sb-e{i}>\n")
}

/// Where one handout lies: its first and last place (page, or half sheet numbered
/// `2 × page + (0 left, 1 right)`), and its running header.
#[derive(Debug, Clone, PartialEq)]
struct Handout {
    first: usize,
    last: usize,
    who: String,
}

/// The handouts of `doc`, in order, from their labels ([`start`], [`end`]). A label sits at the
/// start of a line, so at a column's left edge: left of the middle is the left half.
fn handouts(doc: &PagedDocument, two_up: bool) -> Vec<Handout> {
    let intro = doc.introspector();
    let place = |name: String| {
        let label = Label::new(PicoStr::intern(&name))?;
        let found = intro.query_label(label).ok()?;
        let at = intro.position(found.location()?)?;
        let page = at.page.get();
        let place = if two_up {
            let mid = doc.pages().get(page - 1)?.frame.width() / 2.0;
            page * 2 + usize::from(at.point.x > mid)
        } else {
            page
        };
        Some((place, found.clone()))
    };
    let mut all = Vec::new();
    for i in 0.. {
        let (Some((first, opened)), Some((last, _))) =
            (place(format!("sb-s{i}")), place(format!("sb-e{i}")))
        else {
            break;
        };
        let who = match opened.to_packed::<MetadataElem>().map(|m| &m.value) {
            Some(Value::Str(s)) => s.to_string(),
            _ => String::new(),
        };
        all.push(Handout { first, last, who });
    }
    all
}

/// The marginals of place `at`: its handout's running header (from its second place on) and
/// "Page n of m", as Typst calls; `None` for a place no handout reaches.
fn cell(handouts: &[Handout], at: usize) -> Option<(Option<String>, String)> {
    // Handouts are in order: the one at `at` is the last to start at or before it.
    let i = handouts.partition_point(|h| h.first <= at).checked_sub(1)?;
    let h = &handouts[i];
    if at > h.last {
        return None;
    }
    let (n, m) = (at - h.first + 1, h.last - h.first + 1);
    let header = (n > 1).then(|| format!("sb-head({})", markup::string(&h.who)));
    Some((header, format!("sb-foot({n}, {m})")))
}

/// The marginals as a document of `pages` pages, each page's over the same page of the
/// document (same paper, orientation and margins, so the same header and footer places).
fn source(handouts: &[Handout], pages: usize, running: &Running) -> String {
    let mut s = format!(
        "{}#let sb-head(who) = layout(place => {{ let wide = measure(text(size: 7.5pt, who)).width; \
         let s = if wide > place.width {{ calc.max(5pt, 7.5pt * 0.95 * (place.width / wide)) }} else {{ 7.5pt }}; \
         let w = measure(text(size: s, who)).width + 1pt; \
         box(width: place.width, clip: true, align(if w > place.width {{ left }} else {{ right }}, box(width: w, text(size: s, fill: luma(60), who)))) }})\n\
         #let sb-foot(n, m) = align(right, text(size: 7.5pt, fill: luma(60))[{}])\n\
         #let sb-halves(left, right) = grid(columns: (1fr, 1fr), column-gutter: 16mm, left, right)\n",
        running.setup, running.page_of
    );
    for page in 1..=pages {
        let (header, footer) = if running.two_up {
            let (left, right) = (cell(handouts, page * 2), cell(handouts, page * 2 + 1));
            let head = |c: &Option<(Option<String>, String)>| {
                c.as_ref()
                    .and_then(|c| c.0.clone())
                    .unwrap_or_else(|| "none".into())
            };
            let foot = |c: &Option<(Option<String>, String)>| {
                c.as_ref().map_or_else(|| "none".into(), |c| c.1.clone())
            };
            (
                format!("sb-halves({}, {})", head(&left), head(&right)),
                format!("sb-halves({}, {})", foot(&left), foot(&right)),
            )
        } else {
            match cell(handouts, page) {
                Some((header, footer)) => (header.unwrap_or_else(|| "none".into()), footer),
                None => ("none".into(), "none".into()),
            }
        };
        s.push_str(&format!("#page(header: {header}, footer: {footer})[]\n"));
    }
    s
}

/// `doc` with its marginals: laid out by `lay_out` (a Typst source to a document) and placed
/// over its pages. A document without handouts' labels is returned as it is.
pub fn apply(
    doc: PagedDocument,
    running: &Running,
    lay_out: impl FnOnce(String) -> Result<PagedDocument, Vec<CompileError>>,
) -> Result<PagedDocument, Vec<CompileError>> {
    let handouts = handouts(&doc, running.two_up);
    if handouts.is_empty() {
        return Ok(doc);
    }
    let overlay = lay_out(source(&handouts, doc.pages().len(), running))?;
    if overlay.pages().len() != doc.pages().len() {
        return Err(vec![message(format!(
            "the running headers took {} pages for a document of {}",
            overlay.pages().len(),
            doc.pages().len()
        ))]);
    }
    let pages = doc
        .pages()
        .iter()
        .zip(overlay.pages())
        .map(|(page, over)| {
            let mut page = page.clone();
            page.frame.push_frame(Point::zero(), over.frame.clone());
            page
        })
        .collect();
    Ok(PagedDocument::new(pages, doc.info().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(first: usize, last: usize, who: &str) -> Handout {
        Handout {
            first,
            last,
            who: who.into(),
        }
    }

    #[test]
    fn each_place_is_numbered_within_its_handout() {
        let all = [h(1, 2, "Ada"), h(3, 3, "Grace"), h(5, 7, "Alan")];
        assert_eq!(cell(&all, 1), Some((None, "sb-foot(1, 2)".into())));
        assert_eq!(
            cell(&all, 2),
            Some((Some("sb-head(\"Ada\")".into()), "sb-foot(2, 2)".into()))
        );
        assert_eq!(cell(&all, 3), Some((None, "sb-foot(1, 1)".into())));
        // A place between handouts (an empty half), and places before and after them all.
        assert_eq!(cell(&all, 4), None);
        assert_eq!(cell(&all, 0), None);
        assert_eq!(cell(&all, 8), None);
        assert_eq!(
            cell(&all, 7),
            Some((Some("sb-head(\"Alan\")".into()), "sb-foot(3, 3)".into()))
        );
    }

    #[test]
    fn the_running_header_is_a_string_not_markup() {
        let all = [h(1, 2, "#panic(\"x\") [a] \"b\"")];
        let (header, _) = cell(&all, 2).unwrap();
        assert_eq!(
            header.unwrap(),
            "sb-head(\"#panic(\\\"x\\\") [a] \\\"b\\\"\")"
        );
    }

    #[test]
    fn two_up_pages_carry_both_halves() {
        let running = Running {
            setup: String::new(),
            two_up: true,
            page_of: "Page #(n) of #(m)".into(),
        };
        // Page 1's halves are places 2 and 3; page 2's, 4 and 5.
        let s = source(&[h(2, 4, "Ada")], 2, &running);
        assert!(s.contains(
            "#page(header: sb-halves(none, sb-head(\"Ada\")), footer: sb-halves(sb-foot(1, 3), sb-foot(2, 3)))[]"
        ));
        assert!(s.contains(
            "#page(header: sb-halves(sb-head(\"Ada\"), none), footer: sb-halves(sb-foot(3, 3), none))[]"
        ));
        assert_eq!(s.matches("#page(").count(), 2);
    }
}
