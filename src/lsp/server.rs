//! The language server (LSP 3.17): `check`'s diagnostics for each open guide and book.toml as
//! they are edited (unsaved text, same codes and words as the CLI), the guide's outline, hovers,
//! completions, definitions and quick fixes. Messages are JSON-RPC handled as JSON values,
//! over the transport of [`super::io`]; the analysis is [`super::Workspace`]'s. `stepbook lsp`
//! runs it on stdin and stdout.
//!
//! The main loop only reads messages and keeps the state; the work is done on worker threads
//! ([`super::pool`]) over immutable snapshots: each request on a request worker
//! ([`super::requests`]), each document's check on a check worker, so problems keep coming
//! while a long request (the outline of a big guide) runs, and are published as soon as their
//! check is done. A check finished after its document changed again is dropped; a request
//! cancelled (`$/cancelRequest`) before or while it runs is answered `RequestCancelled`; one
//! whose document changed while it ran is answered `ContentModified` (its positions are the old
//! text's: the editor asks again); a worker that panics answers an error and the server goes on.

use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select, unbounded};
use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use super::Workspace;
use super::io::Conn;
use super::pool::{Pool, workers};
use super::requests::{self, Snapshot, path_of, publish};
use super::workspace::Slot;
use crate::error::Error;

/// How long the server waits after an edit for the next one before it checks: typing a word
/// checks once, and the problems still show within 100 ms of the last key.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the problems of documents whose book is being read are looked at again.
const READING: Duration = Duration::from_millis(10);

/// LSP's error code for a request the client cancelled.
const REQUEST_CANCELLED: i32 = -32800;

/// LSP's error code for a request whose answer an edit made while it ran has made stale.
const CONTENT_MODIFIED: i32 = -32801;

/// Tests only: while this variable names a file that does not exist, outline requests wait
/// (at most a minute, or until cancelled); if the file says `panic`, they panic. A test holds
/// a long request this way on a machine of any speed.
const HOLD_VAR: &str = "STEPBOOK_LSP_TEST_HOLD";

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

/// What a worker tells the main loop.
enum Event {
    /// A request answered.
    Answered(Response),
    /// A document's problems, from the check `slot` made.
    Checked {
        path: PathBuf,
        slot: Arc<Slot>,
        diagnostics: Vec<Value>,
    },
    /// A document's check panicked (a bug): why.
    Failed {
        path: PathBuf,
        slot: Arc<Slot>,
        why: String,
    },
}

/// Reads messages and workers' results until the editor sends `shutdown` or `exit` or closes
/// its end; publishes the problems of edited documents once no edit has come for [`DEBOUNCE`].
fn serve(conn: &Conn) {
    let (events, done) = unbounded();
    let mut server = Server::new(events);
    let mut due: Option<Instant> = None;
    loop {
        let timer = match due {
            Some(at) => crossbeam_channel::at(at),
            None => crossbeam_channel::never(),
        };
        select! {
            recv(conn.receiver) -> msg => match msg {
                Ok(Message::Request(req)) if req.method == "shutdown" => {
                    server.stop(conn, &done);
                    conn.handle_shutdown(&req);
                    return;
                }
                Ok(Message::Request(req)) => server.request(conn, req),
                Ok(Message::Notification(n)) => {
                    if server.notify(&n) {
                        due = Some(Instant::now() + DEBOUNCE);
                    }
                }
                Ok(Message::Response(_)) => {}
                Err(_) => break,
            },
            recv(done) -> event => {
                if let Ok(e) = event {
                    server.event(conn, e);
                }
            }
            recv(timer) -> _ => {
                let again = server.ws.poll();
                server.pending.extend(again);
                server.publish_pending(conn);
                // Documents of books still being read wait for them.
                due = (!server.pending.is_empty()).then(|| Instant::now() + READING);
            }
        }
    }
    server.stop(conn, &done);
}

/// The open documents and the books they are in, the documents whose problems are to be
/// published, and the workers.
struct Server {
    ws: Workspace,
    pending: BTreeSet<PathBuf>,
    /// Documents closed since the last publication: their problems are cleared.
    closed: BTreeSet<PathBuf>,
    /// Each open document's URI as the editor wrote it (editors percent-encode differently;
    /// problems must name the document the way it does).
    uris: HashMap<PathBuf, String>,
    /// Open documents in no book, told so once (until they are in one again).
    bookless: BTreeSet<PathBuf>,
    /// The requests being answered, each with the flag that cancels it and the check of its
    /// document it was answered from.
    in_flight: HashMap<RequestId, InFlight>,
    /// Set when the server stops: queued checks are skipped.
    stopping: Arc<AtomicBool>,
    /// Workers for requests and for checks: a long request never holds up problems.
    requests: Pool,
    checks: Pool,
    events: Sender<Event>,
}

/// A request being answered.
struct InFlight {
    /// Set to cancel it.
    cancel: Arc<AtomicBool>,
    /// Its document and the document's text when it was asked (an edit since makes its answer
    /// stale; a check made anew for other reasons, the book read, does not).
    from: Option<(PathBuf, Option<Arc<str>>)>,
}

impl Server {
    fn new(events: Sender<Event>) -> Server {
        Server {
            ws: Workspace::default(),
            pending: BTreeSet::new(),
            closed: BTreeSet::new(),
            uris: HashMap::new(),
            bookless: BTreeSet::new(),
            in_flight: HashMap::new(),
            stopping: Arc::new(AtomicBool::new(false)),
            requests: Pool::new("stepbook-lsp-request", workers(4)),
            checks: Pool::new("stepbook-lsp-check", workers(2)),
            events,
        }
    }

    /// A request, answered on a worker from what is known now (every edit before it counts).
    fn request(&mut self, conn: &Conn, req: Request) {
        if !requests::knows(&req.method) {
            conn.send(Response::new_err(
                req.id,
                -32601,
                "method not supported".into(),
            ));
            return;
        }
        let path = req.params["textDocument"]["uri"].as_str().and_then(path_of);
        let snap = Snapshot {
            slot: path.as_deref().and_then(|p| self.ws.slot(p)),
            project: path.as_deref().and_then(|p| self.ws.project(p).cloned()),
            path,
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let from = snap.path.clone().map(|p| {
            let text = self.ws.open_text(&p);
            (p, text)
        });
        self.in_flight.insert(
            req.id.clone(),
            InFlight {
                cancel: cancel.clone(),
                from,
            },
        );
        let events = self.events.clone();
        self.requests.spawn(move || {
            let _ = events.send(Event::Answered(answer(req, &snap, &cancel)));
        });
    }

    /// A worker's result: an answer is sent; problems are published if the document has not
    /// changed since its check was made (else a newer check is on its way, or is started).
    fn event(&mut self, conn: &Conn, e: Event) {
        match e {
            Event::Answered(resp) => {
                let stale = self
                    .in_flight
                    .remove(&resp.id)
                    .and_then(|f| f.from)
                    .is_some_and(|(path, then)| {
                        let now = self.ws.open_text(&path);
                        match (then, now) {
                            (Some(a), Some(b)) => !Arc::ptr_eq(&a, &b),
                            (a, b) => a.is_some() != b.is_some(),
                        }
                    });
                if stale && resp.response_result.is_ok() {
                    conn.send(Response::new_err(
                        resp.id,
                        CONTENT_MODIFIED,
                        "the document changed while the request ran".into(),
                    ));
                } else {
                    conn.send(resp);
                }
            }
            Event::Checked {
                path,
                slot,
                diagnostics,
            } => {
                if self.ws.is_current(&path, &slot) {
                    conn.send(publish(&self.uri(&path), diagnostics));
                } else if !self.pending.contains(&path)
                    && let Some(current) = self.ws.slot(&path)
                {
                    // Its slot was replaced with no publication on the way (a request made
                    // a new one after the book changed): check the current one, so the
                    // editor is never left with problems nobody will send.
                    self.check(path, current);
                }
            }
            Event::Failed { path, slot, why } => {
                if self.ws.is_current(&path, &slot) {
                    let message = format!(
                        "stepbook: checking {} failed: {why} (a bug in stepbook: please report it)",
                        path.display()
                    );
                    let params = json!({ "type": 1, "message": message });
                    conn.send(Notification::new("window/logMessage".into(), params));
                }
            }
        }
    }

    /// Cancels the requests in flight, lets the workers finish and sends their answers.
    fn stop(self, conn: &Conn, done: &Receiver<Event>) {
        self.stopping.store(true, Ordering::SeqCst);
        for f in self.in_flight.values() {
            f.cancel.store(true, Ordering::SeqCst);
        }
        self.requests.join();
        self.checks.join();
        for e in done.try_iter() {
            if let Event::Answered(resp) = e {
                conn.send(resp);
            }
        }
    }

    /// didOpen, didChange (full text), didClose: whether documents wait to be published.
    fn notify(&mut self, n: &Notification) -> bool {
        let p = &n.params;
        if n.method == "$/cancelRequest" {
            if let Ok(id) = serde_json::from_value::<RequestId>(p["id"].clone())
                && let Some(f) = self.in_flight.get(&id)
            {
                f.cancel.store(true, Ordering::SeqCst);
            }
            return false;
        }
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

    /// Publishes the problems of every pending document whose book is known (each checked on
    /// a check worker, told when done), and empty lists for closed ones.
    fn publish_pending(&mut self, conn: &Conn) {
        for p in std::mem::take(&mut self.closed) {
            conn.send(publish(&self.uri(&p), Vec::new()));
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
                conn.send(no_book(&path));
            }
            match self.ws.slot(&path) {
                Some(slot) => self.check(path, slot),
                None => conn.send(publish(&self.uri(&path), Vec::new())),
            }
        }
    }

    /// Checks a document on a check worker; its problems come back as an [`Event`].
    fn check(&self, path: PathBuf, slot: Arc<Slot>) {
        let (docs, uris) = (self.ws.docs(), self.uris.clone());
        let (events, stopping) = (self.events.clone(), self.stopping.clone());
        self.checks.spawn(move || {
            if stopping.load(Ordering::SeqCst) {
                return;
            }
            let found = catch_unwind(AssertUnwindSafe(|| {
                requests::diagnostics(&slot.analysis(), &docs, &uris)
            }));
            let _ = events.send(match found {
                Ok(diagnostics) => Event::Checked {
                    path,
                    slot,
                    diagnostics,
                },
                Err(panic) => Event::Failed {
                    path,
                    slot,
                    why: panic_message(&*panic),
                },
            });
        });
    }

    /// The URI of a file: as the editor wrote it for an open document.
    fn uri(&self, path: &Path) -> String {
        requests::uri(&self.uris, path)
    }
}

/// A request's answer, made on a worker: `RequestCancelled` if it was cancelled before it
/// started or while it ran, an internal error if it panicked.
fn answer(req: Request, snap: &Snapshot, cancel: &AtomicBool) -> Response {
    let cancelled =
        |id| Response::new_err(id, REQUEST_CANCELLED, "the request was cancelled".into());
    if cancel.load(Ordering::SeqCst) {
        return cancelled(req.id);
    }
    let found = catch_unwind(AssertUnwindSafe(|| {
        hold(&req.method, cancel);
        requests::answer(&req.method, &req.params, snap)
    }));
    if cancel.load(Ordering::SeqCst) {
        return cancelled(req.id);
    }
    match found {
        Ok(Some(result)) => Response::new_ok(req.id, result),
        Ok(None) => Response::new_err(req.id, -32601, "method not supported".into()),
        Err(panic) => Response::new_err(
            req.id,
            -32603,
            format!(
                "internal error: {} (a bug in stepbook: please report it)",
                panic_message(&*panic)
            ),
        ),
    }
}

/// What a panic said.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// The test hook of [`HOLD_VAR`].
fn hold(method: &str, cancel: &AtomicBool) {
    if method != "textDocument/documentSymbol" {
        return;
    }
    let Some(file) = std::env::var_os(HOLD_VAR) else {
        return;
    };
    let file = PathBuf::from(file);
    let end = Instant::now() + Duration::from_secs(60);
    while !file.exists() && !cancel.load(Ordering::SeqCst) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(5));
    }
    if std::fs::read_to_string(&file).is_ok_and(|t| t.trim() == "panic") {
        panic!("the test asked this request to panic");
    }
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
