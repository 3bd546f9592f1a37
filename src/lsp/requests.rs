//! The language server's answers to requests (outline, links, hover, definition, completion,
//! quick fixes) and its problems as LSP diagnostics, each made on a worker thread from a
//! [`Snapshot`]: what the main loop knew of the document when the request came.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::Notification;
use serde_json::{Value, json};

use super::workspace::{Docs, Slot};
use super::{Analysis, ItemKind, Project};
use crate::diag::LineIndex;

/// What a request about a document is answered from: its check (made on first use) and its
/// book, as they were when the request came.
pub(super) struct Snapshot {
    pub path: Option<PathBuf>,
    pub slot: Option<Arc<Slot>>,
    pub project: Option<Arc<Project>>,
}

/// The answer to a request, `None` for a method the server does not know.
pub(super) fn answer(method: &str, params: &Value, snap: &Snapshot) -> Option<Value> {
    Some(match method {
        "textDocument/documentSymbol" => symbols(snap, params),
        "textDocument/documentLink" => links(snap, params),
        "textDocument/hover" => hover(snap, params),
        "textDocument/definition" => definition(snap, params),
        "textDocument/completion" => completion(snap, params),
        "textDocument/codeAction" => code_actions(snap, params),
        _ => return None,
    })
}

/// Whether the server answers `method` (on a worker).
pub(super) fn knows(method: &str) -> bool {
    answer(method, &Value::Null, &Snapshot::none()).is_some()
}

impl Snapshot {
    fn none() -> Snapshot {
        Snapshot {
            path: None,
            slot: None,
            project: None,
        }
    }

    /// The document, checked.
    fn doc(&self, _params: &Value) -> Option<(PathBuf, Arc<Analysis>)> {
        Some((self.path.clone()?, self.slot.as_ref()?.analysis()))
    }

    /// [`Snapshot::doc`], and the byte offset of the request's position.
    fn at(&self, params: &Value) -> Option<(PathBuf, Arc<Analysis>, usize)> {
        let (path, a) = self.doc(params)?;
        let at = offset(&a, &params["position"]);
        Some((path, a, at))
    }
}

/// The problems of a check as LSP diagnostics; the places in other files they point to are
/// read from `docs` (unsaved) or the disk, and named by `uris` (as the editor wrote them).
pub(super) fn diagnostics(
    a: &Analysis,
    docs: &Docs,
    uris: &HashMap<PathBuf, String>,
) -> Vec<Value> {
    // The other files problems point into, each read and indexed once.
    let mut others: std::collections::HashMap<PathBuf, Option<(String, LineIndex)>> =
        std::collections::HashMap::new();
    a.diags
        .iter()
        .map(|d| {
            let span = d.span.clone().unwrap_or(0..0);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let related: Vec<Value> = d
                .related
                .iter()
                .filter_map(|r| {
                    let (text, lines) = others
                        .entry(r.file.clone())
                        .or_insert_with(|| {
                            let text = docs.text(&r.file)?;
                            let lines = LineIndex::new(&text);
                            Some((text, lines))
                        })
                        .as_ref()?;
                    Some(json!({
                        "location": { "uri": uri(uris, &r.file), "range": range(lines, text, r.span.clone()) },
                        "message": r.message,
                    }))
                })
                .collect();
            json!({
                "range": range(&a.lines, &a.text, span),
                "severity": super::severity(d),
                "code": d.code.as_str(),
                "source": "stepbook",
                "message": message,
                "relatedInformation": related,
            })
        })
        .collect()
}

/// From a `#anchor` link to the section or step it names.
fn definition(snap: &Snapshot, params: &Value) -> Value {
    let uri = params["textDocument"]["uri"].clone();
    let Some((_, a, at)) = snap.at(params) else {
        return Value::Null;
    };
    let (Some(c), Some(anchor)) = (&a.guide, super::link_anchor(&a.text, at)) else {
        return Value::Null;
    };
    match super::anchors(c).into_iter().find(|(x, _, _)| x == anchor) {
        Some((_, _, span)) => json!({ "uri": uri, "range": range(&a.lines, &a.text, span) }),
        None => Value::Null,
    }
}

/// Quick fixes: the structured fixes of the problems in the requested range.
fn code_actions(snap: &Snapshot, params: &Value) -> Value {
    let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
    let Some((_, a)) = snap.doc(params) else {
        return json!([]);
    };
    let from = offset(&a, &params["range"]["start"]);
    let to = offset(&a, &params["range"]["end"]);
    a.diags
        .iter()
        .filter_map(|d| {
            let fix = super::quick_fix(d, &a.text)?;
            // The problem's place or the fix's, in the range the editor asks about.
            let near = |s: &std::ops::Range<usize>| s.start <= to && from <= s.end;
            if !d.span.as_ref().is_some_and(near) && !near(&fix.span) {
                return None;
            }
            let edit = json!({
                "range": range(&a.lines, &a.text, fix.span.clone()),
                "newText": fix.replacement,
            });
            Some(json!({
                "title": fix.title(),
                "kind": "quickfix",
                "isPreferred": true,
                "edit": { "changes": { uri: [edit] } },
            }))
        })
        .collect()
}

/// Anchors after `](#`, variables after `{{`, note kinds, profile tags, image files after
/// `src: `, and where a key goes, the keys allowed there with their descriptions.
fn completion(snap: &Snapshot, params: &Value) -> Value {
    let Some((path, a, at)) = snap.at(params) else {
        return json!([]);
    };
    let items = if is_config(&path) {
        super::book_toml_completions(&a.text, at)
    } else {
        let Some(p) = snap.project.as_deref() else {
            return json!([]);
        };
        super::completions(&p.book, &path, a.guide.as_ref(), &a.text, at)
    };
    items
        .into_iter()
        .map(|i| {
            // LSP's kinds: reference, variable, value, file, property.
            let kind = match i.kind {
                ItemKind::Anchor => 18,
                ItemKind::Variable => 6,
                ItemKind::Value => 12,
                ItemKind::File => 17,
                ItemKind::Field => 10,
            };
            let mut item = json!({ "label": i.label, "detail": i.detail, "kind": kind });
            if let Some(doc) = i.documentation {
                item["documentation"] = json!({ "kind": "markdown", "value": doc });
            }
            if let Some(insert) = i.insert {
                item["insertText"] = json!(insert);
            }
            item
        })
        .collect()
}

/// The hover at a position: a wait or duration as read, a screenshot's size and format, a
/// field's description.
fn hover(snap: &Snapshot, params: &Value) -> Value {
    let Some((path, a, at)) = snap.at(params) else {
        return Value::Null;
    };
    if is_config(&path) {
        let schema = super::fields::book_schema();
        return match super::fields::toml_hover(schema, &a.text, at) {
            Some(md) => json!({ "contents": { "kind": "markdown", "value": md } }),
            None => Value::Null,
        };
    }
    let strings = match (&a.guide, snap.project.as_deref()) {
        (Some(c), Some(p)) => p.strings(&c.guide),
        _ => crate::i18n::Strings::english(),
    };
    let found = a
        .guide
        .as_ref()
        .and_then(|c| super::hover(c, at, &strings))
        .or_else(|| super::fields::hover(crate::schema::guide_schema(), &a.text, at));
    match found {
        Some(md) => json!({ "contents": { "kind": "markdown", "value": md } }),
        None => Value::Null,
    }
}

/// Each local screenshot's path, as a link to its file.
fn links(snap: &Snapshot, params: &Value) -> Value {
    let Some((_, a)) = snap.doc(params) else {
        return json!([]);
    };
    let Some(c) = &a.guide else {
        return json!([]);
    };
    super::image_links(c)
        .into_iter()
        .map(|(span, path)| json!({ "range": range(&a.lines, &a.text, span), "target": uri_of(&path) }))
        .collect()
}

/// The outline: sections with their steps.
fn symbols(snap: &Snapshot, params: &Value) -> Value {
    let Some((_, a)) = snap.doc(params) else {
        return json!([]);
    };
    let Some(checked) = &a.guide else {
        return json!([]);
    };
    fn symbol(a: &Analysis, s: &super::Symbol) -> Value {
        let range = range(&a.lines, &a.text, s.span.clone());
        json!({
            "name": s.name,
            "kind": if s.section { 3 } else { 12 },
            "range": range,
            "selectionRange": range,
            "children": s.children.iter().map(|c| symbol(a, c)).collect::<Vec<_>>(),
        })
    }
    super::outline(checked)
        .iter()
        .map(|s| symbol(&a, s))
        .collect()
}

pub(super) fn is_config(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == crate::config::CONFIG_FILE)
}

/// The URI of a file: as the editor wrote it for an open document.
pub(super) fn uri(uris: &HashMap<PathBuf, String>, path: &Path) -> String {
    uris.get(path).cloned().unwrap_or_else(|| uri_of(path))
}

pub(super) fn publish(uri: &str, diagnostics: Vec<Value>) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".into(),
        json!({ "uri": uri, "diagnostics": diagnostics }),
    )
}

/// An LSP position (`{line, character}`) in a document as a byte offset.
fn offset(a: &Analysis, position: &Value) -> usize {
    let clamp = |v: &Value| v.as_u64().unwrap_or(0).min(u32::MAX as u64) as u32;
    a.lines.offset(
        &a.text,
        clamp(&position["line"]),
        clamp(&position["character"]),
    )
}

/// A byte range of `text` as an LSP range, found with the text's line index.
fn range(lines: &LineIndex, text: &str, span: std::ops::Range<usize>) -> Value {
    let (l0, c0) = lines.position(text, span.start);
    let (l1, c1) = lines.position(text, span.end);
    json!({ "start": { "line": l0, "character": c0 }, "end": { "line": l1, "character": c1 } })
}

/// A path as a `file://` URI (characters a URI cannot hold percent-encoded).
pub(super) fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `file://` URI as a path (percent-decoded); `None` for other schemes.
pub(super) fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    crate::validate::percent_decode(rest).map(PathBuf::from)
}
