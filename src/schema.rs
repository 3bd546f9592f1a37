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

/// The guide schema, generated once.
pub fn guide_schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(crate::model::guide_schema)
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
