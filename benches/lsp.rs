//! Benchmark of `stepbook lsp` on the generated corpus (1,000 guides, or `--guides N`): a real
//! server process driven over stdio as an editor drives it.
//!
//! - the first guide opened: the time from `didOpen` to the answer of a request about it (the
//!   book's guides are read once then) and to its published problems (after the debounce);
//! - other guides opened;
//! - an edit: from `didChange` to the problems of the new text;
//! - the server's peak resident memory (`VmHWM`).

#[path = "corpus.rs"]
mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
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

    fn until(&mut self, pick: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.recv();
            if pick(&m) {
                return m;
            }
        }
    }
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let mut args = std::env::args().skip_while(|a| a != "--guides").skip(1);
    let guides: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("book-src");
    corpus::generate(&dir, guides, false);
    let dir = dir.canonicalize().unwrap();
    eprintln!("corpus: {guides} guides in {}", dir.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_stepbook"))
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create("/tmp/lsp-trace.txt").unwrap())
        .spawn()
        .unwrap();
    let mut c = Client {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
    };
    c.send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
    );
    c.until(|m| m["id"] == 0);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));

    let uri = |n: usize| format!("file://{}/content/guide-{n:04}.yaml", dir.display());
    let text =
        |n: usize| std::fs::read_to_string(dir.join(format!("content/guide-{n:04}.yaml"))).unwrap();
    let mut answer = Vec::new();
    let mut published = Vec::new();
    for (i, n) in (0..21).map(|i| (i, (i * 47 + 3) % guides)) {
        let (u, t) = (uri(n), text(n));
        let start = Instant::now();
        c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": t}}}));
        c.send(json!({"jsonrpc": "2.0", "id": 100 + i, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": u}}}));
        let symbols = c.until(|m| m["id"] == 100 + i);
        assert_eq!(symbols["result"].as_array().map(Vec::len), Some(3));
        let a = ms(start);
        c.until(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u);
        let p = ms(start);
        if i == 0 {
            println!(
                "first guide opened ({guides} guides read): answer {a:.1} ms, problems published {p:.1} ms"
            );
        } else {
            answer.push(a);
            published.push(p);
        }
    }
    let (med, min, max) = median(answer);
    println!("another guide opened: answer median {med:.1} ms (min {min:.1}, max {max:.1})");
    let (med, min, max) = median(published);
    println!(
        "another guide opened: problems published median {med:.1} ms (min {min:.1}, max {max:.1}), 40 ms of it the debounce"
    );
    let (u, t) = (uri(3), text(3));
    let mut edits = Vec::new();
    for v in 0..30 {
        let edited = t.replacen("wait: ", if v % 2 == 0 { "wait: x" } else { "wait: " }, 1);
        let start = Instant::now();
        c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": u, "version": 2 + v}, "contentChanges": [{"text": edited}]}}));
        let m = c
            .until(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u);
        let problems = m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        assert_eq!(
            problems > 0,
            v % 2 == 0,
            "the malformed wait is found, then cleared"
        );
        edits.push(ms(start));
    }
    let (med, min, max) = median(edits);
    println!(
        "edit -> problems published: median {med:.1} ms (min {min:.1}, max {max:.1}), 40 ms of it the debounce"
    );
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map_or("?".to_owned(), |v| v.trim().to_owned());
    println!("server peak memory (VmHWM): {peak}");
    c.send(json!({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}));
    c.until(|m| m["id"] == 9999);
    c.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
}
