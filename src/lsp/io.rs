//! CLI: the language server's stdio transport. A reader thread frames what the editor sends
//! with [`crate::lsp::rpc`] (bounded: a `Content-Length` of a terabyte is refused before
//! anything is allocated) and answers what is not a message itself — a bad header or bad JSON
//! with a parse error (-32700), a body over the cap or JSON that is no request with an invalid
//! request (-32600) — and goes on with the next message; the server sees only messages. A
//! writer thread writes the server's answers. Both channels are bounded, so a client that
//! floods the server or never reads its answers holds a few messages, not all of them.

use std::io::Write;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use crate::lsp::rpc::{self, Frame};

/// The server's end: messages from the editor, and a way to answer.
pub(super) struct Conn {
    out: mpsc::SyncSender<Vec<u8>>,
    pub receiver: crossbeam_channel::Receiver<Message>,
}

/// The writer thread, joined once the last answer is written.
pub(super) struct Io {
    out: mpsc::SyncSender<Vec<u8>>,
    writer: JoinHandle<()>,
}

impl Conn {
    /// The transport over the streams `input` and `output` open (`stepbook lsp`: stdin and
    /// stdout), each opened on its own thread (a locked stdin cannot be sent to one).
    pub(super) fn new<R, W>(
        input: impl FnOnce() -> R + Send + 'static,
        output: impl FnOnce() -> W + Send + 'static,
    ) -> (Conn, Io)
    where
        R: std::io::BufRead,
        W: Write,
    {
        let (out, lines) = mpsc::sync_channel::<Vec<u8>>(16);
        let writer = std::thread::spawn(move || {
            let mut output = output();
            // An empty frame is the end: everything sent before it has been written.
            for frame in lines.iter().take_while(|f| !f.is_empty()) {
                if output
                    .write_all(&frame)
                    .and_then(|_| output.flush())
                    .is_err()
                {
                    return;
                }
            }
        });
        let (tx, receiver) = crossbeam_channel::bounded::<Message>(4);
        let replies = out.clone();
        std::thread::spawn(move || {
            let mut input = input();
            read_loop(&mut input, &tx, &replies);
        });
        let io = Io {
            out: out.clone(),
            writer,
        };
        (Conn { out, receiver }, io)
    }

    /// Sends a message to the editor (nothing if it is gone).
    pub(super) fn send(&self, m: impl Into<Message>) {
        let mut bytes = Vec::new();
        if m.into().write(&mut bytes).is_ok() {
            let _ = self.out.send(bytes);
        }
    }

    /// Waits for `initialize`, answering other requests that the server is not initialized
    /// (-32002); `None` if the editor left first.
    pub(super) fn initialize_start(&self) -> Option<(RequestId, Value)> {
        loop {
            match self.receiver.recv().ok()? {
                Message::Request(r) if r.method == "initialize" => return Some((r.id, r.params)),
                Message::Request(r) => self.send(Response::new_err(
                    r.id,
                    -32002,
                    "the server is not initialized yet".into(),
                )),
                Message::Notification(n) if n.method == "exit" => return None,
                _ => {}
            }
        }
    }

    /// `shutdown` answered, then the `exit` awaited (at most 30 s): `true` if `req` was it.
    pub(super) fn handle_shutdown(&self, req: &Request) -> bool {
        if req.method != "shutdown" {
            return false;
        }
        self.send(Response::new_ok(req.id.clone(), Value::Null));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while let Ok(m) = self
            .receiver
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            if matches!(&m, Message::Notification(Notification { method, .. }) if method == "exit")
            {
                break;
            }
        }
        true
    }
}

impl Io {
    /// Waits until everything sent has been written.
    pub(super) fn join(self) {
        let _ = self.out.send(Vec::new());
        let _ = self.writer.join();
    }
}

/// Reads frames until the editor closes stdin or sends `exit`: messages go to `server`, the
/// answers to what is none go to `out`.
fn read_loop(
    r: &mut impl std::io::BufRead,
    server: &crossbeam_channel::Sender<Message>,
    out: &mpsc::SyncSender<Vec<u8>>,
) {
    let fail = |id: Value, code: i32, message: String| {
        let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
        let body = body.to_string();
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        let _ = out.send(bytes);
    };
    loop {
        let body = match rpc::read_frame(r) {
            Err(_) | Ok(Frame::End) => return,
            Ok(Frame::BadHeader(why)) => {
                fail(
                    Value::Null,
                    -32700,
                    format!("malformed message header ({why}); skipped"),
                );
                continue;
            }
            Ok(Frame::TooLarge(n)) => {
                let max = crate::safe_fs::human_bytes(rpc::MAX_MESSAGE_BYTES);
                let m = format!("a message of {n} bytes is larger than {max}; it was skipped");
                fail(Value::Null, -32600, m);
                // The length is believed for framing's sake: an honest editor's next message
                // comes after this body; a lying one has lost its channel, not the server.
                if rpc::skip(r, n).is_err() {
                    return;
                }
                continue;
            }
            Ok(Frame::Body(body, junk)) => {
                if let Some(why) = junk {
                    fail(
                        Value::Null,
                        -32700,
                        format!("malformed message header ({why}); skipped"),
                    );
                }
                body
            }
        };
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                fail(Value::Null, -32700, format!("parse error: {e}"));
                continue;
            }
        };
        let id = match &value["id"] {
            v @ (Value::Number(_) | Value::String(_)) => v.clone(),
            _ => Value::Null,
        };
        let Ok(msg) = serde_json::from_value::<Message>(value) else {
            fail(
                id,
                -32600,
                "invalid request: not a JSON-RPC request, notification or response".into(),
            );
            continue;
        };
        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
        if server.send(msg).is_err() || exit {
            return;
        }
    }
}
