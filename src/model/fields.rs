//! Model: the guide's text fields, walked by one visitor. Every place that reads or rewrites
//! text — variables (`{{ name }}`), the Markdown checks, lint's links — goes through
//! [`Guide::visit_text`] or [`Guide::visit_text_mut`], so a new text field is added here once.

use super::{Guide, Note, Section, Sp, Step};

/// What a text field holds, which decides how it is checked and substituted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Plain text (an alt text, the audience): no Markdown.
    Plain,
    /// One line of inline Markdown (a title, a checklist label).
    Inline,
    /// Markdown blocks (a summary, a step's text, a note).
    Markdown,
}

/// A text field: its key in the guide file and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: TextKind,
}

const fn field(name: &'static str, kind: TextKind) -> Field {
    Field { name, kind }
}

/// Writes the walk once for shared and once for mutable references: `$f` is called on each
/// text field, in document order.
macro_rules! walk {
    ($guide:ident, $visit:ident, $($mut_:tt)?) => {{
        use TextKind::*;
        fn notes<'a, F: FnMut(Field, &'a $($mut_)? Sp<String>)>(
            notes: &'a $($mut_)? [Sp<Note>],
            f: &mut F,
        ) {
            for n in notes {
                f(field("text", Markdown), &$($mut_)? n.value.text);
            }
        }
        fn step<'a, F: FnMut(Field, &'a $($mut_)? Sp<String>)>(s: &'a $($mut_)? Step, f: &mut F) {
            f(field("text", Markdown), &$($mut_)? s.text);
            if let Some(t) = &$($mut_)? s.check {
                f(field("check", Inline), t);
            }
            if let Some(t) = &$($mut_)? s.result {
                f(field("result", Markdown), t);
            }
            if let Some(t) = &$($mut_)? s.hint {
                f(field("hint", Markdown), t);
            }
            if let Some(t) = &$($mut_)? s.answer {
                f(field("answer", Markdown), t);
            }
            if let Some(t) = &$($mut_)? s.instructor {
                f(field("instructor", Markdown), t);
            }
            notes(&$($mut_)? s.notes, f);
            for shot in &$($mut_)? s.screenshots {
                if let Some(t) = &$($mut_)? shot.value.alt {
                    f(field("alt", Plain), t);
                }
                if let Some(t) = &$($mut_)? shot.value.caption {
                    f(field("caption", Markdown), t);
                }
                for mark in &$($mut_)? shot.value.marks {
                    if let Some(t) = &$($mut_)? mark.value.label {
                        f(field("label", Plain), t);
                    }
                }
            }
            for sub in &$($mut_)? s.substeps {
                step(&$($mut_)? sub.value, f);
            }
        }
        fn section<'a, F: FnMut(Field, &'a $($mut_)? Sp<String>)>(
            s: &'a $($mut_)? Section,
            f: &mut F,
        ) {
            f(field("title", Inline), &$($mut_)? s.title);
            if let Some(t) = &$($mut_)? s.intro {
                f(field("intro", Markdown), t);
            }
            notes(&$($mut_)? s.notes, f);
            if let Some(t) = &$($mut_)? s.instructor {
                f(field("instructor", Markdown), t);
            }
            for st in &$($mut_)? s.steps.value {
                step(&$($mut_)? st.value, f);
            }
        }
        let g = $guide;
        let f = $visit;
        f(field("title", Inline), &$($mut_)? g.title);
        if let Some(t) = &$($mut_)? g.summary {
            f(field("summary", Markdown), t);
        }
        if let Some(t) = &$($mut_)? g.audience {
            f(field("audience", Plain), t);
        }
        for t in &$($mut_)? g.prerequisites {
            f(field("prerequisites", Markdown), t);
        }
        for t in &$($mut_)? g.objectives {
            f(field("objectives", Markdown), t);
        }
        notes(&$($mut_)? g.notes, f);
        if let Some(t) = &$($mut_)? g.instructor {
            f(field("instructor", Markdown), t);
        }
        for s in &$($mut_)? g.sections.value {
            section(&$($mut_)? s.value, f);
        }
        if let Some(t) = &$($mut_)? g.conclusion {
            f(field("conclusion", Markdown), t);
        }
    }};
}

impl Guide {
    /// Calls `f` on every text field, in document order.
    pub fn visit_text<'a>(&'a self, f: &mut impl FnMut(Field, &'a Sp<String>)) {
        walk!(self, f,);
    }

    /// Calls `f` on every text field, in document order, to rewrite it.
    pub fn visit_text_mut(&mut self, f: &mut impl FnMut(Field, &mut Sp<String>)) {
        walk!(self, f, mut);
    }
}

#[cfg(test)]
mod tests {
    use super::TextKind::{Inline, Markdown, Plain};
    use crate::source::convert::FromNode;

    #[test]
    fn every_text_field_is_visited_once_in_document_order_and_can_be_rewritten() {
        let yaml = "title: t\nsummary: s\naudience: a\nprerequisites: [p]\nobjectives: [o]\nnotes: [{kind: note, text: n}]\ninstructor: gi\nconclusion: z\nsections:\n  - title: st\n    intro: i\n    notes: [{kind: tip, text: sn}]\n    instructor: si\n    steps:\n      - text: x\n        check: c\n        result: r\n        hint: h\n        answer: an\n        instructor: xi\n        notes: [{kind: tip, text: xn}]\n        screenshots: [{src: a.png, alt: al, caption: ca, marks: [{box: [1, 2, 3, 4], label: ml}]}]\n        substeps:\n          - text: y\n";
        let tree = crate::source::node::parse_yaml(yaml).unwrap();
        let mut guide = crate::model::Guide::from_node(&tree).unwrap();
        let mut seen = Vec::new();
        guide.visit_text(&mut |f, t| seen.push((t.value.clone(), f.name, f.kind)));
        let want = [
            ("t", "title", Inline),
            ("s", "summary", Markdown),
            ("a", "audience", Plain),
            ("p", "prerequisites", Markdown),
            ("o", "objectives", Markdown),
            ("n", "text", Markdown),
            ("gi", "instructor", Markdown),
            ("st", "title", Inline),
            ("i", "intro", Markdown),
            ("sn", "text", Markdown),
            ("si", "instructor", Markdown),
            ("x", "text", Markdown),
            ("c", "check", Inline),
            ("r", "result", Markdown),
            ("h", "hint", Markdown),
            ("an", "answer", Markdown),
            ("xi", "instructor", Markdown),
            ("xn", "text", Markdown),
            ("al", "alt", Plain),
            ("ca", "caption", Markdown),
            ("ml", "label", Plain),
            ("y", "text", Markdown),
            ("z", "conclusion", Markdown),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(t, n, k)| (t.to_string(), *n, *k))
            .collect();
        assert_eq!(seen, want);
        guide.visit_text_mut(&mut |_, t| t.value = t.value.to_uppercase());
        let mut after = Vec::new();
        guide.visit_text(&mut |_, t| after.push(t.value.clone()));
        let upper: Vec<String> = want.iter().map(|(t, _, _)| t.to_uppercase()).collect();
        assert_eq!(after, upper);
    }
}
