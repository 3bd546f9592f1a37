//! Model: the JSON Schema (draft 2020-12) of guide files, generated from the Rust types (a test
//! checks it agrees with `check` on every guide we have), published for editors
//! (`stepbook schema`, `init`).

use serde_json::Value;

/// The file name `stepbook init` writes the schema to.
pub const SCHEMA_FILE: &str = "stepbook.schema.json";

/// The guide schema as a standalone document: `$schema`, a title and an `$id`-free body so a
/// relative `$schema=` reference in a YAML file resolves to it.
pub fn guide_schema_document() -> Value {
    let mut schema = guide_schema().clone();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), Value::String("stepbook guide".into()));
        obj.insert(
            "description".into(),
            Value::String(
                "One step-by-step guide for stepbook: sections of numbered steps with notes, \
                 screenshots, expected results and waits."
                    .into(),
            ),
        );
    }
    schema
}

/// The first line of a guide file that makes VS Code's YAML extension use the schema.
pub fn modeline(relative_path: &str) -> String {
    format!("# yaml-language-server: $schema={relative_path}")
}

/// The guide schema, generated once, with what the loader accepts beyond the Rust types.
pub fn guide_schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = crate::model::guide_schema();
        as_check_reads(&mut schema, None);
        schema
    })
}

/// An id: lowercase letters, digits and `-` (`validate` reports others as E008).
const ID_PATTERN: &str = "^[a-z0-9-]+$";
/// A duration as `duration::Duration::parse` reads it: `90s`, `15m`, `1h30m`, `1h 30m`.
const DURATION: &str =
    r"\s*(?:[0-9]+h(?: *[0-9]+m)?(?: *[0-9]+s)?|[0-9]+m(?: *[0-9]+s)?|[0-9]+s)\s*";

/// A screenshot's `captured` day as `validate::capture::Day::parse` reads it (a real month and
/// day of the month; February 30 and days in the future are left to check, E031).
const DAY: &str = "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$";
/// A screenshot's `source`: an http(s) address with a host and no spaces (E031).
const PAGE_URL: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+[^\s]*$";

/// Makes the schema say what `check` reads, so an editor flags what check flags: a number
/// written where text goes is text (`title: 1.50`, `check: 7`), and ids, durations and waits
/// carry their syntax as a `pattern` (the shape check leaves those to `validate`, which names
/// the problem better). What a schema cannot say stays with check: a zero or week-long
/// duration, a range's order, reserved and duplicate ids, files that must exist.
fn as_check_reads(v: &mut Value, key: Option<&str>) {
    let Some(obj) = v.as_object_mut() else {
        if let Some(items) = v.as_array_mut() {
            items.iter_mut().for_each(|i| as_check_reads(i, key));
        }
        return;
    };
    let is_text = |t: &Value| t == "string";
    let types: Vec<Value> = match obj.get("type") {
        Some(Value::Array(ts)) => ts.clone(),
        Some(t @ Value::String(_)) => vec![t.clone()],
        _ => Vec::new(),
    };
    if types.iter().any(is_text) && !obj.contains_key("enum") {
        let (pattern, extra) = match key {
            Some("id") => (Some(ID_PATTERN.to_owned()), Some("integer")),
            Some("duration") => (Some(format!("^{DURATION}$")), None),
            Some("wait") => (Some(format!("^{DURATION}(?:-{DURATION})?$")), None),
            Some("captured") => (Some(DAY.to_owned()), None),
            Some("source") => (Some(PAGE_URL.to_owned()), None),
            _ => (None, Some("number")),
        };
        let mut types = types;
        if let Some(extra) = extra {
            types.insert(1, Value::String(extra.into()));
        }
        obj.insert("type".into(), Value::Array(types));
        if let Some(p) = pattern {
            obj.insert("pattern".into(), Value::String(p));
        }
    }
    for (k, child) in obj.iter_mut() {
        match k.as_str() {
            "properties" | "$defs" => {
                if let Some(map) = child.as_object_mut() {
                    for (name, sub) in map.iter_mut() {
                        as_check_reads(sub, Some(name));
                    }
                }
            }
            "items" | "additionalProperties" | "anyOf" | "oneOf" => as_check_reads(child, key),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every property of every object has a description, so editors can explain each field.
    #[test]
    fn every_field_is_described() {
        fn walk(v: &Value, path: &str, missing: &mut Vec<String>) {
            if let Some(props) = v.get("properties").and_then(Value::as_object) {
                for (k, p) in props {
                    if p.get("description")
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                    {
                        missing.push(format!("{path}.{k}"));
                    }
                }
            }
            if let Some(defs) = v.get("$defs").and_then(Value::as_object) {
                for (k, d) in defs {
                    walk(d, k, missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(&guide_schema_document(), "Guide", &mut missing);
        walk(&crate::config::config_schema(), "Config", &mut missing);
        assert!(
            missing.is_empty(),
            "fields without a description: {missing:?}"
        );
        let s = guide_schema_document();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
}
