//! Source: the one writer of guide files — a [`Guide`] as YAML, fields in the model's order,
//! multi-line Markdown as literal blocks, defaults left out. `import` writes new guides with it;
//! edits of existing files keep their text and comments and do not come through here.

use crate::model::Guide;

/// The YAML text of `guide`, after `comments` (each written as a `# ` line). Text that YAML
/// would read as something else (`true`, `12`, `- x`) is quoted; reading the result gives back
/// the same guide.
pub fn guide_yaml(guide: &Guide, comments: &[String]) -> anyhow::Result<String> {
    let mut out = String::new();
    for c in comments {
        for line in c.split('\n') {
            out.push_str("# ");
            // A comment is untrusted (a file name, a lab's front matter): a line break or
            // another control character in it must not start a YAML line of its own.
            out.extend(line.chars().map(|ch| match ch {
                ch if ch.is_control() => ' ',
                ch => ch,
            }));
            out.push('\n');
        }
    }
    let options = serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: false,
        // Long single lines stay on one line: Markdown reads better unfolded, and a folded
        // block would hide a line break's absence from the author.
        folded_wrap_chars: usize::MAX,
    };
    let body = serde_saphyr::to_string_with_options(guide, options)?;
    out.push_str(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::guide_yaml;
    use crate::source::convert::FromNode;

    fn read(yaml: &str) -> crate::model::Guide {
        let tree = crate::source::node::parse_yaml(yaml).unwrap();
        crate::model::Guide::from_node(&tree).unwrap()
    }

    fn texts(g: &crate::model::Guide) -> Vec<String> {
        let mut out = Vec::new();
        g.visit_text(&mut |f, t| out.push(format!("{}={}", f.name, t.value)));
        out
    }

    #[test]
    fn a_guide_written_and_read_back_is_the_same_guide() {
        let tricky = [
            "true",
            "12",
            "- not a list",
            "key: value",
            "  leading spaces\nand lines",
            "trailing newline\n",
            "# not a comment",
            "{{ attendee.code }}",
            "tab\there",
            "ends with colon:",
            "quote \" and ' both",
            "",
        ];
        for t in tricky {
            let mut g = read("title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n");
            g.sections.value[0].value.steps.value[0].value.text.value = t.to_owned();
            g.summary = Some(t.to_owned().into());
            let yaml = guide_yaml(&g, &["made by a test\nwith a newline".into()]).unwrap();
            let back = read(&yaml);
            assert_eq!(texts(&back), texts(&g), "{t:?} as\n{yaml}");
            assert!(
                yaml.starts_with("# made by a test\n# with a newline\ntitle: T\n"),
                "{yaml}"
            );
        }
    }

    /// Defaults are left out: a field added to the model without `skip_serializing_if` would
    /// write `null` or `[]` into every imported guide, and this fails.
    #[test]
    fn a_minimal_guide_is_written_with_its_required_fields_only() {
        let yaml = "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        screenshots:\n          - src: a.png\n        notes:\n          - kind: tip\n            text: a note\n";
        let written = guide_yaml(&read(yaml), &[]).unwrap();
        let want = "title: T\nsections:\n  - title: S\n    steps:\n      - text: x\n        notes:\n          - kind: tip\n            text: a note\n        screenshots:\n          - src: a.png\n";
        assert_eq!(written, want);
    }

    #[test]
    fn every_field_and_nested_variables_survive_a_round_trip() {
        let yaml = "title: T\nid: t\nweight: 3\nsummary: |\n  Two\n  lines\nduration: 15m\naudience: a\nprerequisites: [p]\nobjectives: [o]\nnotes: [{kind: tip, text: n, only: [instructor]}]\nsections:\n  - title: S\n    id: s\n    intro: i\n    only: [x]\n    steps:\n      - text: x\n        id: x1\n        check: c\n        result: r\n        wait: 2m-5m\n        optional: true\n        screenshots: [{src: a.png, alt: al, caption: ca, only: [y]}]\n        substeps:\n          - text: y\nconclusion: z\nvariables:\n  event:\n    name: E\n    city: C\n  code: X\n";
        let g = read(yaml);
        let written = guide_yaml(&g, &[]).unwrap();
        let back = read(&written);
        assert_eq!(guide_yaml(&back, &[]).unwrap(), written);
        assert_eq!(texts(&back), texts(&g));
        let vars: Vec<(String, String)> = back
            .variables
            .0
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect();
        assert_eq!(
            vars,
            [("event.name", "E"), ("event.city", "C"), ("code", "X")]
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        for key in [
            "id: t",
            "weight: 3",
            "optional: true",
            "wait: 2m-5m",
            "only:",
            "summary: |",
        ] {
            assert!(written.contains(key), "{key} in\n{written}");
        }
        assert!(!written.contains("origin"), "{written}");
    }
}
