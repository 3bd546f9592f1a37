//! CLI: `stepbook lsp`, a language server on stdio (LSP 3.17): `check`'s diagnostics for each
//! open guide as it is edited (unsaved text, same codes and words as the CLI), and its outline
//! (sections and steps) for the editor. Messages are JSON-RPC handled as JSON values.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Response};
use serde_json::{Value, json};

use super::Ui;
use crate::{Book, Error};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Talk over stdin and stdout (the only transport; editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: Args, _ui: Ui) -> Result<(), Error> {
    let (conn, io) = Connection::stdio();
    let caps = json!({
        "textDocumentSync": 1,
        "documentSymbolProvider": true,
        "hoverProvider": true,
        "definitionProvider": true,
        "codeActionProvider": true,
        "completionProvider": { "triggerCharacters": ["#", " ", "/", "{", "["] },
    });
    let (id, _params) = conn
        .initialize_start()
        .map_err(|e| anyhow::anyhow!("the editor did not initialize the server: {e}"))?;
    let result = json!({
        "capabilities": caps,
        "serverInfo": { "name": "stepbook", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| anyhow::anyhow!("the editor did not initialize the server: {e}"))?;
    let mut server = Server::default();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn
                    .handle_shutdown(&req)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                {
                    break;
                }
                let result = match req.method.as_str() {
                    "textDocument/documentSymbol" => server.symbols(&req.params),
                    "textDocument/hover" => server.hover(&req.params),
                    "textDocument/definition" => server.definition(&req.params),
                    "textDocument/completion" => server.completion(&req.params),
                    "textDocument/codeAction" => server.code_actions(&req.params),
                    _ => {
                        let resp = Response::new_err(req.id, -32601, "method not supported".into());
                        let _ = conn.sender.send(resp.into());
                        continue;
                    }
                };
                let _ = conn.sender.send(Response::new_ok(req.id, result).into());
            }
            Message::Notification(n) => {
                for out in server.notify(&n) {
                    let _ = conn.sender.send(out.into());
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(conn);
    io.join().map_err(|e| anyhow::anyhow!("stdio: {e}"))?;
    Ok(())
}

/// An open guide, checked as it is now.
struct Open {
    path: PathBuf,
    text: String,
    book: Book,
    diags: Vec<crate::diag::Diagnostic>,
    guide: Option<crate::lsp::Checked>,
}

/// The open documents and the books they are in.
#[derive(Default)]
struct Server {
    docs: HashMap<String, String>,
    books: HashMap<PathBuf, Option<Book>>,
}

impl Server {
    /// didOpen, didChange (full text), didClose: the document's diagnostics to publish.
    fn notify(&mut self, n: &Notification) -> Vec<Notification> {
        let p = &n.params;
        let uri = p["textDocument"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let text = p["textDocument"]["text"].as_str().unwrap_or_default();
                self.docs.insert(uri.clone(), text.to_owned());
            }
            "textDocument/didChange" => {
                if let Some(text) = p["contentChanges"]
                    .as_array()
                    .and_then(|c| c.last())
                    .and_then(|c| c["text"].as_str())
                {
                    self.docs.insert(uri.clone(), text.to_owned());
                }
            }
            "textDocument/didClose" => {
                self.docs.remove(&uri);
                return vec![publish(&uri, Vec::new())];
            }
            _ => return Vec::new(),
        }
        vec![publish(&uri, self.diagnostics(&uri))]
    }

    /// The book a guide file is in: the nearest folder above it with a book.toml.
    fn book(&mut self, path: &Path) -> Option<&Book> {
        let root = path
            .ancestors()
            .skip(1)
            .find(|d| d.join(crate::config::CONFIG_FILE).is_file())?
            .to_path_buf();
        self.books
            .entry(root.clone())
            .or_insert_with(|| Book::open(&root).ok())
            .as_ref()
    }

    /// An open guide, checked as it is now: its path, text, book, problems and the checked
    /// guide (when it parses).
    fn open(&mut self, uri: &str) -> Option<Open> {
        let path = path_of(uri)?;
        let text = self.docs.get(uri).cloned()?;
        let book = self.book(&path)?.clone();
        let (diags, guide) = crate::lsp::check_text(&book, &path, &text);
        Some(Open {
            path,
            text,
            book,
            diags,
            guide,
        })
    }

    /// The open guide a request is about, and the byte offset of the request's position.
    fn at(&mut self, params: &Value) -> Option<(Open, usize)> {
        let o = self.open(params["textDocument"]["uri"].as_str()?)?;
        let at = offset(&o.text, &params["position"]);
        Some((o, at))
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let Some(o) = self.open(uri) else {
            return Vec::new();
        };
        o.diags
            .iter()
            .map(|d| {
                let span = d.span.clone().unwrap_or(0..0);
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str(&format!("\nhelp: {help}"));
                }
                json!({
                    "range": range(&o.text, span),
                    "severity": crate::lsp::severity(d),
                    "code": d.code.as_str(),
                    "source": "stepbook",
                    "message": message,
                })
            })
            .collect()
    }

    /// From a `#anchor` link to the section or step it names.
    fn definition(&mut self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].clone();
        let Some((
            Open {
                text,
                guide: Some(c),
                ..
            },
            at,
        )) = self.at(params)
        else {
            return Value::Null;
        };
        let Some(anchor) = crate::lsp::link_anchor(&text, at) else {
            return Value::Null;
        };
        match crate::lsp::anchors(&c)
            .into_iter()
            .find(|(a, _, _)| a == anchor)
        {
            Some((_, _, span)) => json!({ "uri": uri, "range": range(&text, span) }),
            None => Value::Null,
        }
    }

    /// Quick fixes for the "did you mean" of the problems in the requested range.
    fn code_actions(&mut self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some(o) = self.open(uri) else {
            return json!([]);
        };
        let from = offset(&o.text, &params["range"]["start"]);
        let to = offset(&o.text, &params["range"]["end"]);
        o.diags
            .iter()
            .filter(|d| {
                d.span
                    .as_ref()
                    .is_some_and(|s| s.start <= to && from <= s.end)
            })
            .filter_map(|d| {
                let (span, new) = crate::lsp::quick_fix(d, &o.text)?;
                let edit = json!({ "range": range(&o.text, span), "newText": new });
                Some(json!({
                    "title": format!("Replace with `{new}`"),
                    "kind": "quickfix",
                    "isPreferred": true,
                    "edit": { "changes": { uri: [edit] } },
                }))
            })
            .collect()
    }

    /// Anchors after `](#`, variables after `{{`, note kinds, profile tags, image files after
    /// `src: `.
    fn completion(&mut self, params: &Value) -> Value {
        let Some((o, at)) = self.at(params) else {
            return json!([]);
        };
        crate::lsp::completions(&o.book, &o.path, o.guide.as_ref(), &o.text, at)
            .into_iter()
            .map(|(label, detail)| {
                // LSP's kinds: file, variable, value, reference.
                let kind = match detail.as_str() {
                    "image" => 17,
                    d if d.starts_with("= ") => 6,
                    "note kind" | "profile tag" => 12,
                    _ => 18,
                };
                json!({ "label": label, "detail": detail, "kind": kind })
            })
            .collect()
    }

    /// The hover at a position: a wait or duration as read, a screenshot's size and format.
    fn hover(&mut self, params: &Value) -> Value {
        let Some((o, at)) = self.at(params) else {
            return Value::Null;
        };
        match o.guide.and_then(|c| crate::lsp::hover(&c, at)) {
            Some(md) => json!({ "contents": { "kind": "markdown", "value": md } }),
            None => Value::Null,
        }
    }

    /// The outline: sections with their steps.
    fn symbols(&mut self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some(Open {
            text,
            guide: Some(checked),
            ..
        }) = self.open(uri)
        else {
            return json!([]);
        };
        fn symbol(text: &str, s: &crate::lsp::Symbol) -> Value {
            let range = range(text, s.span.clone());
            json!({
                "name": s.name,
                "kind": if s.section { 3 } else { 12 },
                "range": range,
                "selectionRange": range,
                "children": s.children.iter().map(|c| symbol(text, c)).collect::<Vec<_>>(),
            })
        }
        crate::lsp::outline(&checked)
            .iter()
            .map(|s| symbol(&text, s))
            .collect()
    }
}

fn publish(uri: &str, diagnostics: Vec<Value>) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".into(),
        json!({ "uri": uri, "diagnostics": diagnostics }),
    )
}

/// An LSP position (`{line, character}`) in `text` as a byte offset.
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap_or(0) as u32;
    let character = position["character"].as_u64().unwrap_or(0) as u32;
    crate::lsp::offset(text, line, character)
}

fn range(text: &str, span: std::ops::Range<usize>) -> Value {
    let (l0, c0) = crate::lsp::position(text, span.start);
    let (l1, c1) = crate::lsp::position(text, span.end);
    json!({ "start": { "line": l0, "character": c0 }, "end": { "line": l1, "character": c1 } })
}

/// A `file://` URI as a path (percent-decoded); `None` for other schemes.
fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    crate::validate::percent_decode(rest).map(PathBuf::from)
}
