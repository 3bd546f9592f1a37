//! Validate: the marks drawn over a screenshot (`marks:`), in the image's pixels. Each mark is
//! read into a [`Shape`] (exactly one kind, the right number of finite coordinates, a positive
//! size) and checked against the image's size when it is known: a local image's from its
//! header here, a remote one's when `lint` fetches it. Renderers read the same shapes.

use std::ops::Range;

use crate::model::{Mark, Sp};

/// Marks one image may carry: more are an error and only these are checked and drawn, so a
/// file of 10,000 marks costs no more than one of 200.
pub const MAX_MARKS: usize = 200;
/// The highest callout number: a circle holds two digits.
pub const MAX_CALLOUT: i64 = 99;
/// No coordinate is larger, whatever the image (a remote one's size is not known to `check`).
pub const MAX_COORD: f64 = 100_000.0;

/// A mark read and checked, in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Box { x: f64, y: f64, w: f64, h: f64 },
    Arrow { x1: f64, y1: f64, x2: f64, y2: f64 },
    Callout { n: u32, x: f64, y: f64 },
    Highlight { x: f64, y: f64, w: f64, h: f64 },
}

impl Shape {
    /// The mark's key in the guide file.
    pub fn kind(&self) -> &'static str {
        match self {
            Shape::Box { .. } => "box",
            Shape::Arrow { .. } => "arrow",
            Shape::Callout { .. } => "callout",
            Shape::Highlight { .. } => "highlight",
        }
    }

    /// The points that must lie inside the image.
    fn corners(&self) -> [(f64, f64); 2] {
        match *self {
            Shape::Box { x, y, w, h } | Shape::Highlight { x, y, w, h } => [(x, y), (x + w, y + h)],
            Shape::Arrow { x1, y1, x2, y2 } => [(x1, y1), (x2, y2)],
            Shape::Callout { x, y, .. } => [(x, y), (x, y)],
        }
    }
}

/// What is wrong with a mark: where (a coordinate list, or the mark), what, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

fn problem(span: &Range<usize>, message: String, help: &str) -> Problem {
    Problem {
        span: span.clone(),
        message,
        help: help.to_owned(),
    }
}

/// The coordinates of `key` (`n` of them, finite, not negative, not huge).
fn coords(key: &str, list: &Sp<Vec<f64>>, names: &str) -> Result<Vec<f64>, Problem> {
    let n = names.split(", ").count();
    if list.len() != n {
        return Err(problem(
            &list.span,
            format!(
                "`{key}` needs {n} numbers `[{names}]`, found {}",
                list.len()
            ),
            "write the coordinates in the image's pixels, as an image editor shows them",
        ));
    }
    for &v in list.iter() {
        if !v.is_finite() || !(0.0..=MAX_COORD).contains(&v) {
            let what = if v.is_nan() {
                "not a number".to_owned()
            } else if v < 0.0 {
                format!("{v} is negative")
            } else {
                format!("{v} is too large")
            };
            return Err(problem(
                &list.span,
                format!("`{key}` coordinates must be pixels of the image: {what}"),
                "coordinates count from the image's top-left corner (0, 0), in pixels",
            ));
        }
    }
    Ok(list.to_vec())
}

/// Reads a mark into its shape: exactly one kind, its coordinates, a positive size.
pub fn shape(mark: &Sp<Mark>) -> Result<Shape, Problem> {
    let m = &mark.value;
    let given: Vec<&str> = [
        ("box", m.rect.is_some()),
        ("arrow", m.arrow.is_some()),
        ("callout", m.callout.is_some()),
        ("highlight", m.highlight.is_some()),
    ]
    .iter()
    .filter(|(_, on)| *on)
    .map(|(k, _)| *k)
    .collect();
    if given.len() != 1 {
        let found = if given.is_empty() {
            "none".to_owned()
        } else {
            given.join(" and ")
        };
        return Err(problem(
            &mark.span,
            format!("a mark is one of `box`, `arrow`, `callout` or `highlight`; found {found}"),
            "write one mark per list item: `- box: [x, y, w, h]`, `- arrow: [x1, y1, x2, y2]`, `- callout: 1` with `at: [x, y]`, or `- highlight: [x, y, w, h]`",
        ));
    }
    if let (Some(at), None) = (&m.at, &m.callout) {
        return Err(problem(
            &at.span,
            "`at` places a callout: this mark has no `callout`".into(),
            "remove `at`, or make the mark `callout: <number>`",
        ));
    }
    let sized = |key: &str, list: &Sp<Vec<f64>>| -> Result<[f64; 4], Problem> {
        let v = coords(key, list, "x, y, width, height")?;
        if v[2] <= 0.0 || v[3] <= 0.0 {
            return Err(problem(
                &list.span,
                format!("`{key}` has no area: width and height must be above 0"),
                "the third and fourth numbers are the width and height, not a second corner",
            ));
        }
        Ok([v[0], v[1], v[2], v[3]])
    };
    if let Some(list) = &m.rect {
        let [x, y, w, h] = sized("box", list)?;
        return Ok(Shape::Box { x, y, w, h });
    }
    if let Some(list) = &m.highlight {
        let [x, y, w, h] = sized("highlight", list)?;
        return Ok(Shape::Highlight { x, y, w, h });
    }
    if let Some(list) = &m.arrow {
        let v = coords("arrow", list, "x1, y1, x2, y2")?;
        if v[0] == v[2] && v[1] == v[3] {
            return Err(problem(
                &list.span,
                "`arrow` starts and ends at the same point".into(),
                "an arrow goes from `[x1, y1]` to its head at `[x2, y2]`",
            ));
        }
        return Ok(Shape::Arrow {
            x1: v[0],
            y1: v[1],
            x2: v[2],
            y2: v[3],
        });
    }
    callout(mark)
}

fn callout(mark: &Sp<Mark>) -> Result<Shape, Problem> {
    let m = &mark.value;
    let Some(n) = &m.callout else {
        return Err(problem(&mark.span, "an empty mark".into(), ""));
    };
    if !(1..=MAX_CALLOUT).contains(&n.value) {
        return Err(problem(
            &n.span,
            format!("callout number {} is not from 1 to {MAX_CALLOUT}", n.value),
            "number callouts 1, 2, 3… and refer to them from the step text: \"select **Next** (2)\"",
        ));
    }
    let Some(at) = &m.at else {
        return Err(problem(
            &mark.span,
            format!("callout {} has no `at`", n.value),
            "add `at: [x, y]`: the centre of its circle, in the image's pixels",
        ));
    };
    let v = coords("at", at, "x, y")?;
    Ok(Shape::Callout {
        n: n.value as u32,
        x: v[0],
        y: v[1],
    })
}

/// Where the coordinates of a mark are written (the list), for a problem with its bounds.
pub fn coords_span(mark: &Sp<Mark>) -> Range<usize> {
    let m = &mark.value;
    [&m.rect, &m.arrow, &m.at, &m.highlight]
        .into_iter()
        .flatten()
        .next()
        .map_or(mark.span.clone(), |l| l.span.clone())
}

/// The problem of a shape that does not fit a `width`×`height` image, if it does not.
pub fn outside(mark: &Sp<Mark>, shape: &Shape, width: u32, height: u32) -> Option<Problem> {
    let (w, h) = (f64::from(width), f64::from(height));
    let fits = shape.corners().iter().all(|&(x, y)| x <= w && y <= h);
    if fits {
        return None;
    }
    Some(problem(
        &coords_span(mark),
        format!(
            "this {} is outside the image, which is {width}×{height} pixels",
            shape.kind()
        ),
        "marks are in the image's pixels, from its top-left corner: keep them inside its width and height (re-taken at another size? move the marks too)",
    ))
}

/// Every problem of a screenshot's marks, with `size` the image's when known: each mark's
/// shape and bounds, callout numbers used twice, the cap on their number.
pub fn problems(marks: &[Sp<Mark>], size: Option<(u32, u32)>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut numbers = std::collections::HashSet::new();
    for mark in marks.iter().take(MAX_MARKS) {
        match shape(mark) {
            Err(p) => out.push(p),
            Ok(s) => {
                if let Shape::Callout { n, .. } = s
                    && !numbers.insert(n)
                {
                    let at = mark.callout.as_ref().map_or(&mark.span, |c| &c.span);
                    out.push(problem(
                        at,
                        format!("callout {n} is on this image twice"),
                        "number each callout of an image once, so the step text can refer to it",
                    ));
                }
                if let Some((w, h)) = size {
                    out.extend(outside(mark, &s, w, h));
                }
            }
        }
    }
    if let Some(extra) = marks.get(MAX_MARKS) {
        out.push(problem(
            &extra.span,
            format!(
                "{} marks on one image: at most {MAX_MARKS} are drawn",
                marks.len()
            ),
            "mark what the step needs; split a busy screenshot into several",
        ));
    }
    out
}

/// The marks of a screenshot that are drawn: the first [`MAX_MARKS`] that are usable, each with
/// its label.
pub fn drawn(marks: &[Sp<Mark>]) -> Vec<(Shape, Option<&str>)> {
    marks
        .iter()
        .take(MAX_MARKS)
        .filter_map(|m| {
            let s = shape(m).ok()?;
            Some((s, m.label.as_ref().map(|l| l.value.as_str())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::convert::FromNode;

    fn marks(yaml: &str) -> Vec<Sp<Mark>> {
        let tree = crate::source::node::parse_yaml(yaml).unwrap();
        Vec::<Sp<Mark>>::from_node(&tree).unwrap()
    }

    fn messages(yaml: &str, size: Option<(u32, u32)>) -> Vec<String> {
        problems(&marks(yaml), size)
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn good_marks_read_into_shapes() {
        let m = marks(
            "- box: [10, 20, 100, 50]\n  label: Next\n- arrow: [0, 0, 5.5, 6]\n- callout: 2\n  at: [30, 40]\n- highlight: [1, 2, 3, 4]\n",
        );
        let d = drawn(&m);
        assert_eq!(d.len(), 4);
        assert_eq!(
            d[0],
            (
                Shape::Box {
                    x: 10.0,
                    y: 20.0,
                    w: 100.0,
                    h: 50.0
                },
                Some("Next")
            )
        );
        assert_eq!(
            d[2].0,
            Shape::Callout {
                n: 2,
                x: 30.0,
                y: 40.0
            }
        );
        assert!(problems(&m, Some((800, 600))).is_empty());
    }

    #[test]
    fn bad_coordinates_are_each_a_problem() {
        let cases = [
            ("- box: [-1, 0, 10, 10]\n", "is negative"),
            ("- box: [.nan, 0, 10, 10]\n", "not a number"),
            ("- box: [.inf, 0, 10, 10]\n", "too large"),
            ("- box: [0, 0, 1e300, 10]\n", "too large"),
            ("- box: [0, 0, -10, 10]\n", "is negative"),
            ("- box: [50, 50, 0, 10]\n", "no area"),
            ("- highlight: [1, 2, 3]\n", "needs 4 numbers"),
            ("- arrow: [1, 1, 1, 1]\n", "same point"),
            ("- callout: 0\n  at: [1, 1]\n", "not from 1 to 99"),
            ("- callout: 1\n", "has no `at`"),
            ("- at: [1, 1]\n", "found none"),
            (
                "- box: [0, 0, 1, 1]\n  arrow: [0, 0, 1, 1]\n",
                "found box and arrow",
            ),
            ("- box: [0, 0, 1, 1]\n  at: [1, 1]\n", "has no `callout`"),
            ("- label: x\n", "found none"),
            (
                "- callout: 1\n  at: [1, 1]\n- callout: 1\n  at: [2, 2]\n",
                "twice",
            ),
        ];
        for (yaml, want) in cases {
            let got = messages(yaml, None);
            assert_eq!(got.len(), 1, "{yaml}: {got:?}");
            assert!(got[0].contains(want), "{yaml}: {got:?}");
        }
    }

    #[test]
    fn marks_outside_the_image_are_found_when_its_size_is_known() {
        let yaml = "- box: [700, 500, 100, 100]\n- box: [700, 500, 101, 100]\n- arrow: [0, 0, 801, 10]\n- callout: 1\n  at: [800, 600]\n";
        assert!(messages(yaml, None).is_empty());
        let got = messages(yaml, Some((800, 600)));
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].contains("box is outside the image, which is 800×600"));
        assert!(got[1].contains("arrow"));
    }

    #[test]
    fn ten_thousand_marks_are_one_problem_and_bounded_work() {
        let yaml = "- box: [1, 1, 1, 1]\n".repeat(10_000);
        let m = marks(&yaml);
        let got = problems(&m, Some((10, 10)));
        assert_eq!(got.len(), 1);
        assert!(got[0].message.starts_with("10000 marks on one image"));
        assert_eq!(drawn(&m).len(), MAX_MARKS);
    }
}
