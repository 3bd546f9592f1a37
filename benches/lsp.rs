//! Benchmark of `stepbook lsp` on the generated corpus (1,000 guides, or `--guides N`): a real
//! server process driven over stdio as an editor drives it, then yaml-language-server with
//! stepbook's schema (what an editor has without stepbook's server; `npm ci --prefix
//! benches/lsp`), side by side:
//!
//! - the first guide opened: the time from `didOpen` to the answer of a request about it (stepbook
//!   reads the book's guides once then) and to its published problems (after the debounce);
//! - other guides opened;
//! - an edit (a misspelt key, then its repair): from `didChange` to the problems of the new text;
//! - the server's peak resident memory (`VmHWM`);
//! - stepbook only: an edit's problems while the outline of a guide of `--long-steps N` steps
//!   (20,000) is being made, against the outline's own time (`STEPBOOK_BIN` runs another
//!   binary, e.g. one from before requests ran on worker threads).

#[path = "corpus.rs"]
mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

struct Client {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Client {
    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "server gone");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// A language server process and its client end.
struct Server {
    child: std::process::Child,
    c: Client,
    /// yaml-language-server's settings (it asks for them), `None` for stepbook.
    settings: Option<Value>,
}

impl Server {
    fn start(mut cmd: Command, settings: Option<Value>) -> Server {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let c = Client {
            stdin: child.stdin.take().unwrap(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
        };
        let mut s = Server { child, c, settings };
        let caps = json!({"workspace": {"configuration": true}, "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}});
        s.c.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": caps, "processId": null, "rootUri": null}}));
        s.until(|m| m["id"] == 0);
        s.c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        if let Some(settings) = s.settings.clone() {
            s.c.send(json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": settings}}));
        }
        s
    }

    /// The next message `pick` accepts; the server's own requests are answered on the way
    /// (its settings for `workspace/configuration`, nothing for the others).
    fn until(&mut self, pick: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.c.recv();
            if m.get("method").is_some() && m.get("id").is_some() {
                let result = match m["method"].as_str() {
                    Some("workspace/configuration") => {
                        let items = m["params"]["items"].as_array().cloned().unwrap_or_default();
                        json!(
                            items
                                .iter()
                                .map(|i| match i["section"].as_str() {
                                    Some("yaml") => self
                                        .settings
                                        .as_ref()
                                        .map_or(Value::Null, |s| s["yaml"].clone()),
                                    _ => Value::Null,
                                })
                                .collect::<Vec<_>>()
                        )
                    }
                    _ => Value::Null,
                };
                self.c
                    .send(json!({"jsonrpc": "2.0", "id": m["id"], "result": result}));
                continue;
            }
            if pick(&m) {
                return m;
            }
        }
    }

    /// Waits for the problems of `uri` to be published, with some (`found`) or none; earlier
    /// publications (a server may publish twice for one text) are passed over.
    fn published(&mut self, uri: &str, found: bool) {
        self.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.is_empty() != found)
        });
    }

    fn stop(mut self) {
        self.c
            .send(json!({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}));
        self.until(|m| m["id"] == 9999);
        self.c.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = self.child.wait();
    }
}

fn main() {
    let mut args = std::env::args().skip_while(|a| a != "--guides").skip(1);
    let guides: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(1000);
    // Not a hidden folder: yaml-language-server's globs do not match paths through one.
    let tmp = tempfile::Builder::new()
        .prefix("stepbook-lsp-bench")
        .tempdir()
        .unwrap();
    let dir = tmp.path().join("book-src");
    corpus::generate(&dir, guides, false);
    let dir = dir.canonicalize().unwrap();
    eprintln!("corpus: {guides} guides in {}", dir.display());

    let bin = std::env::var("STEPBOOK_BIN").unwrap_or(env!("CARGO_BIN_EXE_stepbook").into());
    let mut stepbook = Command::new(&bin);
    stepbook.args(["lsp", "--stdio"]);
    println!("stepbook lsp:");
    let mut s = Server::start(stepbook, None);
    measure(&mut s, &dir, guides);
    let mut args = std::env::args().skip_while(|a| a != "--long-steps").skip(1);
    let steps = args.next().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    during_a_long_request(&mut s, &dir, steps);
    s.stop();

    // What an editor has without stepbook's server: the schema through yaml-language-server
    // (`npm ci --prefix benches/lsp`).
    let yls = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/lsp/node_modules/yaml-language-server/bin/yaml-language-server");
    if !yls.is_file() {
        println!("yaml-language-server: not installed (npm ci --prefix benches/lsp)");
        return;
    }
    let schema = dir.join("stepbook.schema.json");
    std::fs::write(
        &schema,
        stepbook::schema::guide_schema_document().to_string(),
    )
    .unwrap();
    let settings = json!({"yaml": {"validate": true, "hover": true, "completion": true,
        "schemas": { format!("file://{}", schema.display()): "*.yaml" }}});
    let mut node = Command::new("node");
    node.arg(&yls).arg("--stdio");
    println!("yaml-language-server (the schema alone):");
    let mut s = Server::start(node, Some(settings));
    measure(&mut s, &dir, guides);
    s.stop();
}

/// The outline of a guide of `steps` steps is asked for, and another guide is edited at once:
/// the time to the edit's problems and to the outline, and which came first.
fn during_a_long_request(s: &mut Server, dir: &Path, steps: usize) {
    let mut long = String::from("title: Long\nsections:\n  - title: S\n    steps:\n");
    for i in 0..steps {
        long.push_str(&format!("      - text: Step {i}\n"));
    }
    std::fs::write(dir.join("content/long.yaml"), &long).unwrap();
    let lu = format!("file://{}/content/long.yaml", dir.display());
    s.c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": lu, "languageId": "yaml", "version": 1, "text": long}}}));
    s.published(&lu, false);
    let u = format!("file://{}/content/guide-0003.yaml", dir.display());
    let text = std::fs::read_to_string(dir.join("content/guide-0003.yaml")).unwrap();
    let start = Instant::now();
    s.c.send(json!({"jsonrpc": "2.0", "id": 500, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": lu}}}));
    let edited = text.replacen("wait: ", "wiat: ", 1);
    s.c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": u, "version": 100}, "contentChanges": [{"text": edited}]}}));
    let (mut problems, mut outline) = (None, None);
    while problems.is_none() || outline.is_none() {
        let m = s.until(|m| m["id"] == 500 || m["method"] == "textDocument/publishDiagnostics");
        if m["id"] == 500 {
            outline = Some(ms(start));
        } else if m["params"]["uri"] == u
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
        {
            problems = Some(ms(start));
        }
    }
    let (p, o) = (problems.unwrap(), outline.unwrap());
    println!(
        "  during the outline of {steps} steps: an edit's problems after {p:.1} ms, the outline after {o:.1} ms"
    );
}

/// Opens guides, edits one, and prints the times and the server's peak memory.
fn measure(s: &mut Server, dir: &Path, guides: usize) {
    let uri = |n: usize| format!("file://{}/content/guide-{n:04}.yaml", dir.display());
    let text =
        |n: usize| std::fs::read_to_string(dir.join(format!("content/guide-{n:04}.yaml"))).unwrap();
    let mut answer = Vec::new();
    let mut published = Vec::new();
    for (i, n) in (0..21).map(|i| (i, (i * 47 + 3) % guides)) {
        let (u, t) = (uri(n), text(n));
        let start = Instant::now();
        s.c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": t}}}));
        s.c.send(json!({"jsonrpc": "2.0", "id": 100 + i, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": u}}}));
        let symbols = s.until(|m| m["id"] == 100 + i);
        assert!(
            symbols["result"].as_array().is_some_and(|a| !a.is_empty()),
            "{symbols}"
        );
        let a = ms(start);
        s.published(&u, false);
        let p = ms(start);
        if i == 0 {
            println!("  first guide opened: answer {a:.1} ms, problems published {p:.1} ms");
        } else {
            answer.push(a);
            published.push(p);
        }
    }
    let (med, min, max) = median(answer);
    println!("  another guide opened: answer median {med:.1} ms (min {min:.1}, max {max:.1})");
    let (med, min, max) = median(published);
    println!(
        "  another guide opened: problems published median {med:.1} ms (min {min:.1}, max {max:.1})"
    );
    // A misspelt key, then mended: both servers see it.
    let (u, t) = (uri(3), text(3));
    let mut edits = Vec::new();
    for v in 0..30 {
        let edited = if v % 2 == 0 {
            t.replacen("wait: ", "wiat: ", 1)
        } else {
            t.clone()
        };
        let start = Instant::now();
        s.c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": u, "version": 2 + v}, "contentChanges": [{"text": edited}]}}));
        s.published(&u, v % 2 == 0);
        edits.push(ms(start));
    }
    let (med, min, max) = median(edits);
    println!("  edit -> problems published: median {med:.1} ms (min {min:.1}, max {max:.1})");
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map_or("?".to_owned(), |v| v.trim().to_owned());
    println!("  peak memory (VmHWM): {peak}");
}
