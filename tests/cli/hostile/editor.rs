//! The language server under a hostile editor client or book: lying `Content-Length`s, bad
//! headers and JSON, links to devices and FIFOs reported as changed files, huge outlines and
//! problem lists.

use std::time::Duration;

use serde_json::{Value, json};

use crate::lsp::Client;

/// A server under an address-space limit of `gib` GiB, initialized.
fn limited(gib: u64) -> Client {
    let limit = format!("--as={}", gib << 30);
    let mut c = Client::start_with(&["prlimit", &limit, "--"]);
    c.send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
    );
    c.until(|m| m["id"] == 0);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    c
}

/// The next error answer without an id (what a message that is none gets): its code.
fn error_code(c: &mut Client) -> i64 {
    let m = c.until(|m| m.get("error").is_some());
    assert_eq!(m["id"], Value::Null, "{m}");
    m["error"]["code"].as_i64().unwrap()
}

/// The server still answers a request.
fn answers(c: &mut Client, id: u64) {
    c.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": "file:///nowhere/x.yaml"}}}));
    let m = c.until(|m| m["id"] == id);
    assert_eq!(m["result"], json!([]), "{m}");
}

#[test]
fn lying_content_lengths_are_refused_before_allocating() {
    for length in ["1000000000000", "18446744073709551615", "3000000000"] {
        let mut c = limited(1);
        c.raw(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        assert_eq!(error_code(&mut c), -32600, "Content-Length {length}");
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            c.child.try_wait().unwrap().is_none(),
            "the server ended after Content-Length {length}"
        );
        let _ = c.child.kill();
    }
}

#[test]
fn malformed_messages_are_answered_and_the_server_goes_on() {
    let mut c = limited(1);
    c.raw(b"Garbage\r\n\r\n");
    assert_eq!(error_code(&mut c), -32700, "a garbage header");
    answers(&mut c, 1);
    c.raw(b"Content-Length: -5\r\n\r\n");
    assert_eq!(error_code(&mut c), -32700, "a negative length");
    answers(&mut c, 2);
    c.raw(b"Content-Length: 5\r\n\r\n{nope");
    assert_eq!(error_code(&mut c), -32700, "bad JSON");
    answers(&mut c, 3);
    c.raw(b"Content-Length: 7\r\n\r\n{\"x\":1}");
    assert_eq!(error_code(&mut c), -32600, "JSON that is no request");
    answers(&mut c, 4);
    let deep = "[".repeat(100_000);
    c.raw(format!("Content-Length: {}\r\n\r\n{deep}", deep.len()).as_bytes());
    assert_eq!(error_code(&mut c), -32700, "JSON nested without end");
    answers(&mut c, 5);
    c.stop();
}

#[cfg(target_os = "linux")]
#[test]
fn changed_files_that_are_links_or_fifos_are_not_read_whole_or_waited_on() {
    for name in ["zero.yaml", "fifo.yaml"] {
        let book = crate::Book::bundled();
        let root = book.path().canonicalize().unwrap();
        let planted = root.join("content").join(name);
        if name == "zero.yaml" {
            std::os::unix::fs::symlink("/dev/zero", &planted).unwrap();
        } else {
            let status = std::process::Command::new("mkfifo")
                .arg(&planted)
                .status()
                .unwrap();
            assert!(status.success());
        }
        let guide = root.join("content/azure-pass.yaml");
        let uri = format!("file://{}", guide.display());
        let mut c = limited(1);
        c.open(&uri, &book.read("content/azure-pass.yaml"));
        c.diagnostics(&uri);
        let changed = format!("file://{}", planted.display());
        c.send(json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": changed, "type": 2}]}}));
        c.send(json!({"jsonrpc": "2.0", "id": 7, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}));
        let m = c.until(|m| m["id"] == 7);
        assert_eq!(m["result"].as_array().map(Vec::len), Some(2), "{name}: {m}");
        c.stop();
    }
}

#[test]
fn many_problems_and_a_long_outline_are_placed_in_linear_time() {
    // 40,000 problems: each placed from the text's line index (a scan from the start for each
    // took 36 s in a release build, minutes in a debug one; the client gives up after 60 s).
    let n = 40_000;
    let book = crate::hostile::formats::book_with_problems(n);
    let root = book.path().canonicalize().unwrap();
    let uri = format!("file://{}", root.join("content/many.yaml").display());
    let mut c = Client::ready();
    c.open(&uri, &book.read("content/many.yaml"));
    let published = c.until_within(60, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
    });
    let diags = published["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), n);
    let last = &diags[n - 1]["range"]["start"];
    assert_eq!(
        (last["line"].as_u64(), last["character"].as_u64()),
        (Some(4 + n as u64 - 1), Some(19))
    );
    // The outline of 60,000 steps.
    let steps = 60_000;
    let mut text = String::from("title: Long\nsections:\n  - title: S\n    steps:\n");
    for i in 0..steps {
        text.push_str(&format!("      - text: Step {i}\n"));
    }
    book.write("content/long.yaml", &text);
    let uri = format!("file://{}", root.join("content/long.yaml").display());
    c.open(&uri, &text);
    c.send(json!({"jsonrpc": "2.0", "id": 8, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}));
    let m = c.until_within(60, |m| m["id"] == 8);
    let children = m["result"][0]["children"].as_array().unwrap();
    assert_eq!(children.len(), steps);
    let last = &children[steps - 1]["range"]["start"];
    assert_eq!(
        (last["line"].as_u64(), last["character"].as_u64()),
        (Some(4 + steps as u64 - 1), Some(8))
    );
    c.stop();
}
