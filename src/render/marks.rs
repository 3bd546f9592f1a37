//! Render: the marks over a screenshot as the templates draw them. Coordinates stay in the
//! image's pixels (the HTML overlay's `viewBox` is the image's size, so it scales with the
//! image; the PDF scales them to the printed width); what is computed here is what a template
//! cannot: arrow heads, callout sizes, the dimmed area around highlights, and each mark in
//! words for the accessible description and the Markdown list.

use serde::Serialize;

use crate::i18n::Strings;
use crate::model::{Mark, Sp};
use crate::validate::marks::{Shape, drawn};

/// One mark, ready for a template. Numbers are written out (`12.5`, `800`).
#[derive(Debug, Serialize)]
pub struct MarkView {
    /// `box`, `arrow`, `callout` or `highlight`.
    pub kind: &'static str,
    /// A box's or highlight's rectangle; an arrow's start and (`x2`, `y2`) end of its line.
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub x2: String,
    pub y2: String,
    /// An arrow's head: a triangle's points (`x,y x,y x,y`).
    pub head: String,
    /// A callout's number and circle radius (its centre is `x`, `y`).
    pub n: u32,
    pub r: String,
    /// The label as written (plain text; templates escape it).
    pub label: String,
    /// The mark in words, in the page's language: "Callout 2: Next", "Box: Subscription".
    pub text: String,
    /// The mark as a Markdown list item (escaped): `2. Next`, `- Box: Subscription (…)`.
    pub md: String,
    /// An arrow's head as Typst points: `((x, y), (x, y), (x, y))`.
    pub head_typ: String,
}

/// The marks of one screenshot, as the templates draw them.
#[derive(Debug, Default, Serialize)]
pub struct MarksView {
    pub items: Vec<MarkView>,
    /// Every mark in words ("Marks: Callout 1: Next; Box: Subscription"): the overlay's
    /// accessible name.
    pub label: String,
    /// The area outside every highlight (an even-odd path over the whole image); empty
    /// without highlights.
    pub dim: String,
    /// The Markdown list of the marks: callouts first, by number, then the others in order.
    pub md: Vec<String>,
    /// The marks that have a label, in words, joined by ` · ` (printed under the image in the
    /// PDF, where the overlay has no words).
    pub labelled: String,
}

/// `v` without trailing zeros: `12`, `12.5`.
fn num(v: f64) -> String {
    let s = format!("{:.2}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The marks of a screenshot over an image of `size` (unknown for a remote one: sizes of
/// callouts and heads then follow a 1,000-pixel-wide picture).
pub fn view(marks: &[Sp<Mark>], size: Option<(u32, u32)>, t: &Strings) -> MarksView {
    let shapes = drawn(marks);
    if shapes.is_empty() {
        return MarksView::default();
    }
    let (iw, ih) = size.map_or((1000.0, 750.0), |(w, h)| (f64::from(w), f64::from(h)));
    // A callout's circle is about 3.5% of the image's shorter side, readable at any size.
    let r = (iw.min(ih) * 0.035).clamp(10.0, 48.0);
    let mut dim = String::new();
    let mut items = Vec::new();
    for (shape, label) in shapes {
        let label = label.unwrap_or("").trim().replace('\n', " ");
        let mut v = MarkView {
            kind: shape.kind(),
            x: String::new(),
            y: String::new(),
            w: String::new(),
            h: String::new(),
            x2: String::new(),
            y2: String::new(),
            head: String::new(),
            n: 0,
            r: num(r),
            text: String::new(),
            md: String::new(),
            head_typ: String::new(),
            label,
        };
        fill(&mut v, &shape, r, t);
        if let Shape::Highlight { x, y, w, h } = shape {
            if dim.is_empty() {
                dim = format!("M0 0H{}V{}H0Z", num(iw), num(ih));
            }
            dim.push_str(&format!(
                "M{} {}h{}v{}h-{}Z",
                num(x),
                num(y),
                num(w),
                num(h),
                num(w)
            ));
        }
        items.push(v);
    }
    let words: Vec<&str> = items.iter().map(|m| m.text.as_str()).collect();
    let label = t.fill("label_colon", &[("label", t.get("marks"))]) + " " + &words.join("; ");
    let md = markdown_list(&items);
    let labelled = items
        .iter()
        .filter(|m| !m.label.is_empty())
        .map(|m| m.text.as_str())
        .collect::<Vec<_>>()
        .join(" · ");
    MarksView {
        items,
        label,
        dim,
        md,
        labelled,
    }
}

/// Callouts as a numbered list when they are numbered 1, 2, 3… (a Markdown list renumbers
/// from its first item, so `2.` and `5.` would read 2 and 3), else as bullets that say their
/// number; then the other marks.
fn markdown_list(items: &[MarkView]) -> Vec<String> {
    let mut callouts: Vec<&MarkView> = items.iter().filter(|m| m.kind == "callout").collect();
    callouts.sort_by_key(|m| m.n);
    let counted = callouts
        .iter()
        .enumerate()
        .all(|(i, m)| m.n as usize == i + 1);
    let mut out: Vec<String> = callouts
        .iter()
        .map(|m| {
            if counted {
                m.md.clone()
            } else {
                format!("- {}", crate::markdown::md_escape(&m.text))
            }
        })
        .collect();
    if !out.is_empty() && items.iter().any(|m| m.kind != "callout") {
        // A blank line ends the numbered list before the bullets.
        out.push(String::new());
    }
    out.extend(
        items
            .iter()
            .filter(|m| m.kind != "callout")
            .map(|m| m.md.clone()),
    );
    out
}

/// An arrow's head, `r` the marks' scale: where the line stops (the head's base) and the head's
/// three corners (the tip first).
fn arrow_head(x1: f64, y1: f64, x2: f64, y2: f64, r: f64) -> ((f64, f64), [(f64, f64); 3]) {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt();
    let head = (r * 1.4).min(len);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (x2 - ux * head, y2 - uy * head);
    let (px, py) = (-uy * head * 0.5, ux * head * 0.5);
    ((bx, by), [(x2, y2), (bx + px, by + py), (bx - px, by - py)])
}

/// Coordinates, words, the Markdown item and the Typst dictionary of one mark.
fn fill(v: &mut MarkView, shape: &Shape, r: f64, t: &Strings) {
    let named = |key: &str| -> String {
        if v.label.is_empty() {
            t.get(key).to_owned()
        } else {
            format!(
                "{} {}",
                t.fill("label_colon", &[("label", t.get(key))]),
                v.label
            )
        }
    };
    let md_label = crate::markdown::md_escape(&v.label);
    match *shape {
        Shape::Box { x, y, w, h } | Shape::Highlight { x, y, w, h } => {
            let key = if v.kind == "box" {
                "mark_box"
            } else {
                "mark_highlight"
            };
            (v.x, v.y, v.w, v.h) = (num(x), num(y), num(w), num(h));
            v.text = named(key);
            let what = crate::markdown::md_escape(t.get(key));
            v.md = if md_label.is_empty() {
                format!("- {what} ({}, {}, {} × {})", v.x, v.y, v.w, v.h)
            } else {
                format!("- {what}: {md_label} ({}, {}, {} × {})", v.x, v.y, v.w, v.h)
            };
        }
        Shape::Arrow { x1, y1, x2, y2 } => {
            let ((bx, by), [(ax, ay), (lx, ly), (rx, ry)]) = arrow_head(x1, y1, x2, y2, r);
            let points = [ax, ay, lx, ly, rx, ry].map(num);
            v.head = format!(
                "{},{} {},{} {},{}",
                points[0], points[1], points[2], points[3], points[4], points[5]
            );
            // The line stops where the head starts, so its end does not poke through the tip.
            (v.x, v.y, v.x2, v.y2) = (num(x1), num(y1), num(bx), num(by));
            v.text = named("mark_arrow");
            let what = crate::markdown::md_escape(t.get("mark_arrow"));
            let to = format!("({}, {}) → ({}, {})", num(x1), num(y1), num(x2), num(y2));
            v.md = if md_label.is_empty() {
                format!("- {what} {to}")
            } else {
                format!("- {what}: {md_label} {to}")
            };
            v.head_typ = format!(
                "(({}, {}), ({}, {}), ({}, {}))",
                points[0], points[1], points[2], points[3], points[4], points[5]
            );
        }
        Shape::Callout { n, x, y } => {
            v.n = n;
            (v.x, v.y) = (num(x), num(y));
            let title = t.fill("mark_callout", &[("n", &n.to_string())]);
            v.text = if v.label.is_empty() {
                title.clone()
            } else {
                format!(
                    "{} {}",
                    t.fill("label_colon", &[("label", &title)]),
                    v.label
                )
            };
            v.md = if md_label.is_empty() {
                format!("{n}. {}", crate::markdown::md_escape(&title))
            } else {
                format!("{n}. {md_label}")
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::convert::FromNode;

    fn view_of(yaml: &str) -> MarksView {
        let tree = crate::source::node::parse_yaml(yaml).unwrap();
        let marks = Vec::<Sp<Mark>>::from_node(&tree).unwrap();
        view(&marks, Some((800, 600)), &Strings::english())
    }

    #[test]
    fn marks_in_words_for_the_reader_and_the_markdown() {
        let v = view_of(
            "- callout: 1\n  at: [100, 50]\n  label: Next *button*\n- box: [10, 20, 300, 40.5]\n  label: Subscription\n- arrow: [0, 0, 100, 0]\n- highlight: [10, 10, 20, 20]\n",
        );
        assert_eq!(
            v.label,
            "Marks: Callout 1: Next *button*; Box: Subscription; Arrow; Highlighted"
        );
        assert_eq!(
            v.md,
            [
                "1. Next \\*button\\*",
                "",
                "- Box: Subscription (10, 20, 300 × 40.5)",
                "- Arrow (0, 0) → (100, 0)",
                "- Highlighted (10, 10, 20 × 20)"
            ]
        );
        let odd = view_of("- callout: 5\n  at: [1, 1]\n- callout: 2\n  at: [2, 2]\n  label: B\n");
        assert_eq!(odd.md, ["- Callout 2: B", "- Callout 5"]);
        assert_eq!(v.dim, "M0 0H800V600H0ZM10 10h20v20h-20Z");
        // The arrow's head is a triangle whose tip is the arrow's end; its line stops at the head.
        assert!(v.items[2].head.starts_with("100,0 "), "{}", v.items[2].head);
        assert_eq!(v.items[2].y2, "0");
        assert!(
            v.items[2].head_typ.starts_with("((100, 0), "),
            "{}",
            v.items[2].head_typ
        );
    }
}
