//! Benchmark of placing many problems (issue #27 item 21): `check --format json|github|junit`
//! and the human format on one guide with 10,000, 20,000 and 40,000 E021 problems, then the
//! language server's `publishDiagnostics` of 40,000 problems and `documentSymbol` of a
//! 60,000-step guide (with `--max N`: N problems, 1.5 N steps). Wall time and peak RSS of each
//! (see benches/README.md).
//!
//! `cargo bench --bench formats`; `STEPBOOK_BIN=/path/to/stepbook cargo bench --bench formats`
//! measures another binary (the one before the fix).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

fn main() {
    let exe = std::env::var("STEPBOOK_BIN").unwrap_or(env!("CARGO_BIN_EXE_stepbook").into());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(dir.join("book.toml"), "[book]\ntitle = \"Formats\"\n").unwrap();
    // `-- --max 20000`: the sizes up to that (a quadratic binary takes minutes at 40,000).
    let mut args = std::env::args().skip_while(|a| a != "--max").skip(1);
    let max: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(40_000);
    for n in [10_000, 20_000, 40_000].into_iter().filter(|n| *n <= max) {
        std::fs::write(dir.join("content/many.yaml"), problems(n)).unwrap();
        for format in ["human", "json", "github", "junit"] {
            let (secs, rss) = measured(&exe, dir, &["check", "--format", format]);
            println!("check --format {format:6} {n:>6} E021: {secs:7.3} s, peak RSS {rss:6.1} MiB");
        }
    }
    let guide = dir.join("content/many.yaml");
    let n = max;
    std::fs::write(&guide, problems(n)).unwrap();
    let (secs, rss) = lsp(&exe, &guide, "textDocument/publishDiagnostics");
    println!("lsp publishDiagnostics, {n:>6} problems: {secs:7.3} s, peak RSS {rss:6.1} MiB");
    let steps = max * 3 / 2;
    let mut long = String::from("title: Long\nsections:\n  - title: S\n    steps:\n");
    for i in 0..steps {
        long.push_str(&format!("      - text: Step {i}\n"));
    }
    std::fs::write(&guide, long).unwrap();
    let (secs, rss) = lsp(&exe, &guide, "textDocument/documentSymbol");
    println!("lsp documentSymbol, {steps:>6} steps:         {secs:7.3} s, peak RSS {rss:6.1} MiB");
}

/// A guide with `n` steps, each with a placeholder that has no value.
fn problems(n: usize) -> String {
    let mut y = String::from("title: Many\nsections:\n  - title: S\n    steps:\n");
    for i in 0..n {
        y.push_str(&format!(
            "      - text: \"Use {{{{ nope{} }}}} here\"\n",
            i % 7
        ));
    }
    y
}

/// Runs `exe ARGS` in `dir` (output discarded): wall seconds and the child's peak RSS in MiB.
fn measured(exe: &str, dir: &Path, args: &[&str]) -> (f64, f64) {
    let t = Instant::now();
    let mut child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 fills the status and the usage of the child it waits for.
    let usage = unsafe {
        libc::wait4(child.id() as i32, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    // Already reaped by wait4; this only tells std so.
    let _ = child.wait();
    (t.elapsed().as_secs_f64(), usage.ru_maxrss as f64 / 1024.0)
}

/// Opens `guide` in `stepbook lsp` and waits for `what` (its problems, or its outline): the
/// seconds from `didOpen` and the server's peak RSS (MiB).
fn lsp(exe: &str, guide: &Path, what: &str) -> (f64, f64) {
    let mut child = Command::new(exe)
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |msg: Value| {
        let body = msg.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    let uri = format!("file://{}", guide.canonicalize().unwrap().display());
    send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
    );
    while recv(&mut stdout)["id"] != 0 {}
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let text = std::fs::read_to_string(guide).unwrap();
    let t = Instant::now();
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    );
    if what == "textDocument/documentSymbol" {
        send(
            json!({"jsonrpc": "2.0", "id": 1, "method": what, "params": {"textDocument": {"uri": uri}}}),
        );
        while recv(&mut stdout)["id"] != 1 {}
    } else {
        while recv(&mut stdout)["method"] != what {}
    }
    let secs = t.elapsed().as_secs_f64();
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let hwm: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0.0);
    let _ = child.kill();
    let _ = child.wait();
    (secs, hwm / 1024.0)
}

/// The next message on the server's stdout.
fn recv(stdout: &mut BufReader<ChildStdout>) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "server gone");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}
