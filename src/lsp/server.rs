//! The language server (LSP 3.17): `check`'s diagnostics for each open guide and book.toml as
//! they are edited (unsaved text, same codes and words as the CLI), the guide's outline, hovers,
//! completions, definitions and quick fixes. Messages are JSON-RPC handled as JSON values,
//! over the transport of [`super::io`]; the analysis is [`super::Workspace`]'s. `stepbook lsp`
//! runs it on stdin and stdout.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Response};
use serde_json::{Value, json};

use super::io::Conn;
use super::{Analysis, ItemKind, Workspace};
use crate::diag::LineIndex;
use crate::error::Error;

/// How long the server waits after an edit for the next one before it checks: typing a word
/// checks once, and the problems still show within 100 ms of the last key.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the problems of documents whose book is being read are looked at again.
const READING: Duration = Duration::from_millis(10);

/// Serves one editor over the streams `input` and `output` open (each on its own thread) until
/// it sends `exit` or closes its end.
pub fn run<R, W>(
    input: impl FnOnce() -> R + Send + 'static,
    output: impl FnOnce() -> W + Send + 'static,
) -> Result<(), Error>
where
    R: std::io::BufRead,
    W: std::io::Write,
{
    let (conn, io) = Conn::new(input, output);
    let caps = json!({
        "textDocumentSync": { "openClose": true, "change": 1, "save": false },
        "documentSymbolProvider": true,
        "documentLinkProvider": { "resolveProvider": false },
        "hoverProvider": true,
        "definitionProvider": true,
        "codeActionProvider": true,
        "completionProvider": { "triggerCharacters": ["#", " ", "/", "{", "[", "."] },
    });
    let Some((id, params)) = conn.initialize_start() else {
        return Err(anyhow::anyhow!("the editor did not initialize the server").into());
    };
    let result = json!({
        "capabilities": caps,
        "serverInfo": { "name": "stepbook", "version": env!("CARGO_PKG_VERSION") },
    });
    // Its `initialized` notification is a notification like others, taken by `serve`.
    conn.send(Response::new_ok(id, result));
    // Guides and book.toml changed outside the editor (a checkout) are read again, where the
    // editor can watch files for the server.
    if params["capabilities"]["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] == true {
        let watch = json!({ "registrations": [{
            "id": "stepbook-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": { "watchers": [
                { "globPattern": "**/*.{yaml,yml}" },
                { "globPattern": "**/book.toml" },
            ] },
        }] });
        let req = lsp_server::Request::new(
            lsp_server::RequestId::from("stepbook-watch".to_owned()),
            "client/registerCapability".into(),
            watch,
        );
        conn.send(req);
    }
    serve(&conn);
    drop(conn);
    io.join();
    Ok(())
}

/// Answers requests at once; publishes the problems of edited documents once no edit has come
/// for [`DEBOUNCE`].
fn serve(conn: &Conn) {
    let mut server = Server::default();
    let mut due: Option<Instant> = None;
    loop {
        let msg = match due {
            None => match conn.receiver.recv() {
                Ok(m) => m,
                Err(_) => return,
            },
            Some(at) => match conn
                .receiver
                .recv_timeout(at.saturating_duration_since(Instant::now()))
            {
                Ok(m) => m,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let again = server.ws.poll();
                    server.pending.extend(again);
                    for out in server.publish_pending() {
                        conn.send(out);
                    }
                    // Documents of books still being read wait for them.
                    due = (!server.pending.is_empty()).then(|| Instant::now() + READING);
                    continue;
                }
                Err(_) => return,
            },
        };
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req) {
                    return;
                }
                let resp = match server.request(&req.method, &req.params) {
                    Some(result) => Response::new_ok(req.id, result),
                    None => Response::new_err(req.id, -32601, "method not supported".into()),
                };
                conn.send(resp);
            }
            Message::Notification(n) => {
                if server.notify(&n) {
                    due = Some(Instant::now() + DEBOUNCE);
                }
            }
            Message::Response(_) => {}
        }
    }
}

/// The open documents and the books they are in, and the documents whose problems are to be
/// published.
#[derive(Default)]
struct Server {
    ws: Workspace,
    pending: BTreeSet<PathBuf>,
    /// Documents closed since the last publication: their problems are cleared.
    closed: BTreeSet<PathBuf>,
    /// Each open document's URI as the editor wrote it (editors percent-encode differently;
    /// problems must name the document the way it does).
    uris: std::collections::HashMap<PathBuf, String>,
    /// Open documents in no book, told so once (until they are in one again).
    bookless: BTreeSet<PathBuf>,
}

impl Server {
    /// didOpen, didChange (full text), didClose: whether documents wait to be published.
    fn notify(&mut self, n: &Notification) -> bool {
        let p = &n.params;
        if n.method == "workspace/didChangeWatchedFiles" {
            for change in p["changes"].as_array().into_iter().flatten() {
                if let Some(path) = change["uri"].as_str().and_then(path_of) {
                    let touched = self.ws.changed_on_disk(&path);
                    self.pending.extend(touched);
                }
            }
            return !self.pending.is_empty();
        }
        let Some(uri) = p["textDocument"]["uri"].as_str() else {
            return false;
        };
        let Some(path) = path_of(uri) else {
            return false;
        };
        let touched = match n.method.as_str() {
            "textDocument/didOpen" => {
                self.uris.insert(path.clone(), uri.to_owned());
                self.closed.remove(&path);
                let text = p["textDocument"]["text"].as_str().unwrap_or_default();
                self.ws.set(&path, text)
            }
            "textDocument/didChange" => {
                let Some(text) = p["contentChanges"]
                    .as_array()
                    .and_then(|c| c.last())
                    .and_then(|c| c["text"].as_str())
                else {
                    return false;
                };
                self.ws.set(&path, text)
            }
            "textDocument/didClose" => {
                self.closed.insert(path.clone());
                self.pending.remove(&path);
                self.ws.close(&path)
            }
            _ => return false,
        };
        self.pending.extend(touched);
        true
    }

    /// The diagnostics of every pending document (and empty lists for closed ones).
    fn publish_pending(&mut self) -> Vec<Notification> {
        let mut out: Vec<Notification> = Vec::new();
        for p in std::mem::take(&mut self.closed) {
            out.push(publish(&self.uri(&p), Vec::new()));
            self.uris.remove(&p);
        }
        // A document's problems are told once its book is known whole (a duplicate id needs
        // every guide); until then its requests are answered with what is known.
        let ready: Vec<PathBuf> = std::mem::take(&mut self.pending)
            .into_iter()
            .filter(|p| {
                let ready = self.ws.is_ready(p);
                if !ready {
                    self.pending.insert(p.clone());
                }
                ready
            })
            .collect();
        for path in ready {
            if self.ws.in_book(&path) {
                self.bookless.remove(&path);
            } else if self.bookless.insert(path.clone()) {
                out.push(no_book(&path));
            }
            let diags = self.diagnostics(&path);
            out.push(publish(&self.uri(&path), diags));
        }
        out
    }

    /// The URI of a file: as the editor wrote it for an open document.
    fn uri(&self, path: &Path) -> String {
        self.uris.get(path).cloned().unwrap_or_else(|| uri_of(path))
    }

    fn request(&mut self, method: &str, params: &Value) -> Option<Value> {
        Some(match method {
            "textDocument/documentSymbol" => self.symbols(params),
            "textDocument/documentLink" => self.links(params),
            "textDocument/hover" => self.hover(params),
            "textDocument/definition" => self.definition(params),
            "textDocument/completion" => self.completion(params),
            "textDocument/codeAction" => self.code_actions(params),
            _ => return None,
        })
    }

    /// The open document a request is about (`textDocument`), checked.
    fn doc(&mut self, params: &Value) -> Option<(PathBuf, std::rc::Rc<Analysis>)> {
        let path = path_of(params["textDocument"]["uri"].as_str()?)?;
        let a = self.ws.analysis(&path)?;
        Some((path, a))
    }

    /// [`Server::doc`], and the byte offset of the request's position.
    fn at(&mut self, params: &Value) -> Option<(PathBuf, std::rc::Rc<Analysis>, usize)> {
        let (path, a) = self.doc(params)?;
        let at = offset(&a, &params["position"]);
        Some((path, a, at))
    }

    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let Some(a) = self.ws.analysis(path) else {
            return Vec::new();
        };
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
                                let text = self.ws.text(&r.file)?;
                                let lines = LineIndex::new(&text);
                                Some((text, lines))
                            })
                            .as_ref()?;
                        Some(json!({
                            "location": { "uri": self.uri(&r.file), "range": range(lines, text, r.span.clone()) },
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
    fn definition(&mut self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].clone();
        let Some((_, a, at)) = self.at(params) else {
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
    fn code_actions(&mut self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some((_, a)) = self.doc(params) else {
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
    fn completion(&mut self, params: &Value) -> Value {
        let Some((path, a, at)) = self.at(params) else {
            return json!([]);
        };
        let items = if is_config(&path) {
            super::book_toml_completions(&a.text, at)
        } else {
            let Some(p) = self.ws.project(&path) else {
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
    fn hover(&mut self, params: &Value) -> Value {
        let Some((path, a, at)) = self.at(params) else {
            return Value::Null;
        };
        if is_config(&path) {
            let schema = super::fields::book_schema();
            return match super::fields::toml_hover(schema, &a.text, at) {
                Some(md) => json!({ "contents": { "kind": "markdown", "value": md } }),
                None => Value::Null,
            };
        }
        let strings = match (&a.guide, self.ws.project(&path)) {
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
    fn links(&mut self, params: &Value) -> Value {
        let Some((_, a)) = self.doc(params) else {
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
    fn symbols(&mut self, params: &Value) -> Value {
        let Some((_, a)) = self.doc(params) else {
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
}

fn is_config(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == crate::config::CONFIG_FILE)
}

/// Why a document gets no problems: it is in no book (never opened in one, or its book.toml was
/// deleted), so nothing says how to check it. A log message, not a diagnostic: the editor may
/// run the server on YAML that is no guide at all.
fn no_book(path: &Path) -> Notification {
    let message = format!(
        "stepbook: {} is in no book (no {} in its folder or above), so it is not checked; \
         run `stepbook init` in the book's folder to make one",
        path.display(),
        crate::config::CONFIG_FILE
    );
    Notification::new(
        "window/logMessage".into(),
        json!({ "type": 3, "message": message }),
    )
}

fn publish(uri: &str, diagnostics: Vec<Value>) -> Notification {
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
fn uri_of(path: &Path) -> String {
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
fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    crate::validate::percent_decode(rest).map(PathBuf::from)
}
