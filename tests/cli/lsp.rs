//! `stepbook lsp` driven over stdio as an editor would: initialize, didOpen, didChange,
//! documentSymbol, shutdown. Its diagnostics are `check`'s, at the same places.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::{Book, locations};

pub(crate) struct Client {
    pub(crate) child: Child,
    pub(crate) stdin: ChildStdin,
    /// The server's messages, read on a thread so that a missing answer fails the test (after
    /// 20 s) instead of hanging it.
    messages: mpsc::Receiver<Value>,
    /// The last problems published for each other document while waiting for one's (checks run
    /// on several threads, so documents' problems may come in any order); forgotten at the
    /// next edit, after which they may be out of date.
    held: Vec<Value>,
}

/// The next message on `stdout`, `None` when the server closed it.
fn read_message(stdout: &mut BufReader<ChildStdout>) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    pub(crate) fn start() -> Client {
        Client::start_with(&[])
    }

    /// The server run by `prefix` (`prlimit --as=…`, for a memory limit).
    pub(crate) fn start_with(prefix: &[&str]) -> Client {
        Client::start_env(prefix, &[])
    }

    /// The server run by `prefix` with the environment variables `env`.
    pub(crate) fn start_env(prefix: &[&str], env: &[(&str, &Path)]) -> Client {
        let bin = assert_cmd::cargo::cargo_bin("stepbook");
        let mut command = match prefix.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        command.envs(env.iter().copied());
        let mut child = command
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            held: Vec::new(),
        }
    }

    /// Keeps `m`, problems published for a document, replacing what was kept for it.
    fn hold(&mut self, m: Value) {
        self.held
            .retain(|h| h["params"]["uri"] != m["params"]["uri"]);
        self.held.push(m);
    }

    pub(crate) fn send(&mut self, msg: Value) {
        if msg["method"]
            .as_str()
            .is_some_and(|m| m.starts_with("textDocument/did") || m.starts_with("workspace/"))
        {
            self.held.clear();
        }
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Writes bytes as they are (a hostile client's).
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub(crate) fn recv(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(20))
            .expect("no message from the server within 20 s")
    }

    /// The next message that `pick` accepts (others, such as log messages, are skipped;
    /// problems published meanwhile are kept for [`Client::diagnostics`]).
    pub(crate) fn until(&mut self, pick: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.held.iter().position(&pick) {
            return self.held.remove(i);
        }
        for _ in 0..50 {
            let m = self.recv();
            if pick(&m) {
                return m;
            }
            if m["method"] == "textDocument/publishDiagnostics" {
                self.hold(m);
            }
        }
        panic!("no such message");
    }

    /// [`Client::until`] waiting up to `secs` seconds (for large inputs on a loaded machine).
    pub(crate) fn until_within(&mut self, secs: u64, pick: impl Fn(&Value) -> bool) -> Value {
        let end = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let left = end.saturating_duration_since(std::time::Instant::now());
            let m = self
                .messages
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no such message from the server within {secs} s"));
            if pick(&m) {
                return m;
            }
        }
    }
}

/// The labels of a completion answer.
fn labels_of(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect()
}

#[test]
fn the_server_gives_checks_diagnostics_as_the_guide_is_edited() {
    let book = Book::bundled();
    let path = book
        .path()
        .canonicalize()
        .unwrap()
        .join("content/azure-pass.yaml");
    let uri = format!("file://{}", path.display());
    let good = book.read("content/azure-pass.yaml");
    let bad = good.replacen("kind: important", "kind: urgent", 1);
    // What `check` says of the bad text, on disk.
    book.write("content/azure-pass.yaml", &bad);
    let check = book.run(&["check"]);
    let expected = locations(&check.stderr);
    assert_eq!(expected.len(), 1, "{}", check.stderr);
    book.write("content/azure-pass.yaml", &good);

    let mut c = Client::start();
    c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": null}}));
    let init = c.until(|m| m["id"] == 1);
    assert_eq!(
        init["result"]["capabilities"]["documentSymbolProvider"],
        true
    );
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    // The unsaved text has the problem; the file on disk does not.
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": bad}}}));
    let published = c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    let diags = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(diags.len(), 1, "{published}");
    let d = &diags[0];
    let (code, at) = &expected[0];
    assert_eq!(d["code"], code.as_str());
    let line: u64 = at.split(':').nth(1).unwrap().parse().unwrap();
    let col: u64 = at.split(':').nth(2).unwrap().parse().unwrap();
    assert_eq!(
        (
            d["range"]["start"]["line"].as_u64(),
            d["range"]["start"]["character"].as_u64()
        ),
        (Some(line - 1), Some(col - 1)),
        "the same place as check's {at}"
    );
    assert_eq!(d["severity"], 1);
    assert!(
        check
            .stderr
            .contains(d["message"].as_str().unwrap().lines().next().unwrap()),
        "the same words"
    );
    // Fixed in the buffer: the diagnostics are cleared.
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": good}]}}));
    let cleared = c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    // The outline: two sections, their steps numbered as in the outputs.
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}));
    let symbols = c.until(|m| m["id"] == 2)["result"].clone();
    let sections = symbols.as_array().unwrap();
    assert_eq!(sections.len(), 2);
    assert_eq!(sections[0]["children"].as_array().unwrap().len(), 6);
    assert_eq!(sections[1]["children"].as_array().unwrap().len(), 7);
    assert!(
        sections[1]["children"][6]["name"]
            .as_str()
            .unwrap()
            .starts_with("2.7 ")
    );
    // A step's range covers its text (an editor folds and highlights it).
    let first = &sections[0]["children"][0]["range"];
    assert!(
        first["end"]["line"].as_u64() > first["start"]["line"].as_u64()
            || first["end"]["character"].as_u64() > first["start"]["character"].as_u64(),
        "{first}"
    );
    // Hover: a wait as stepbook reads it, a screenshot's source.
    let at = |needle: &str| {
        let i = good.find(needle).unwrap() + needle.len();
        let line = good[..i].matches('\n').count();
        let col = i - good[..i].rfind('\n').map_or(0, |n| n + 1);
        json!({"line": line, "character": col})
    };
    c.send(json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": at("wait: ")}}));
    let hover = c.until(|m| m["id"] == 4);
    assert_eq!(
        hover["result"]["contents"]["value"], "**wait**: up to 5\u{a0}min",
        "{hover}"
    );
    c.send(json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": at("- src: ")}}));
    let hover = c.until(|m| m["id"] == 5);
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.starts_with("**screenshot**: remote, https://lodmanuals"),
        "{hover}"
    );
    // A link to a section: go to its definition; complete anchors after `](#`.
    let linked = good.replacen(
        "Select the start button to get started.",
        "Select the start button to get started. Then [activate](#activate).",
        1,
    );
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": linked}]}}));
    c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    let pos = |needle: &str| {
        let i = linked.find(needle).unwrap() + needle.len();
        let line = linked[..i].matches('\n').count();
        let col = i - linked[..i].rfind('\n').map_or(0, |n| n + 1);
        json!({"line": line, "character": col})
    };
    c.send(json!({"jsonrpc": "2.0", "id": 6, "method": "textDocument/definition", "params": {"textDocument": {"uri": uri}, "position": pos("](#act")}}));
    let def = c.until(|m| m["id"] == 6);
    let section_line = linked
        .lines()
        .position(|l| l.contains("title: \"Step 2: Activate"))
        .unwrap();
    assert_eq!(
        def["result"]["range"]["start"]["line"], section_line,
        "{def}"
    );
    c.send(json!({"jsonrpc": "2.0", "id": 7, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": pos("](#")}}));
    let items = c.until(|m| m["id"] == 7)["result"].clone();
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"activate") && labels.contains(&"redeem-5"),
        "{labels:?}"
    );
    assert_eq!(labels.len(), 2 + 13, "two sections and 13 steps");
    // Variables after `{{`, note kinds after `kind:`.
    c.send(json!({"jsonrpc": "2.0", "id": 8, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": pos("{{ ")}}));
    let items = c.until(|m| m["id"] == 8)["result"].clone();
    let var = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "attendee.code")
        .cloned();
    assert_eq!(
        var.map(|v| v["detail"].clone()),
        Some(json!("= from your handout")),
        "{items}"
    );
    c.send(json!({"jsonrpc": "2.0", "id": 9, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": pos("kind: ")}}));
    let items = c.until(|m| m["id"] == 9)["result"].clone();
    let kinds = labels_of(&items);
    assert_eq!(kinds, ["note", "tip", "important", "warning", "caution"]);
    c.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    c.until(|m| m["id"] == 3);
    c.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = c.child.wait().unwrap();
    assert!(status.success());
}

/// On a guide with local images: hover shows a screenshot's size and format and the picture,
/// completion offers the book's images after `src: `, and a "did you mean" comes with its fix.
#[test]
fn hover_completion_and_quick_fixes_with_local_images() {
    let book = Book::fixture("local-images");
    let path = book.path().canonicalize().unwrap().join("content/one.yaml");
    let uri = format!("file://{}", path.display());
    let text = book.read("content/one.yaml");
    let mut c = Client::start();
    c.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    c.until(|m| m["id"] == 1);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}));
    c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    let line = text
        .lines()
        .position(|l| l.contains("src: media/start.png"))
        .unwrap();
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 18}}}));
    let hover = c.until(|m| m["id"] == 2);
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        value.starts_with("**screenshot**: 64 × 48 px, PNG"),
        "{hover}"
    );
    assert!(
        value.contains("![](file://") && value.contains("start.png)"),
        "{value}"
    );
    // The screenshot's path is a link to its file.
    c.send(json!({"jsonrpc": "2.0", "id": 6, "method": "textDocument/documentLink", "params": {"textDocument": {"uri": uri}}}));
    let links = c.until(|m| m["id"] == 6)["result"].clone();
    let link = links
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["range"]["start"]["line"] == line)
        .unwrap_or_else(|| panic!("{links}"));
    let target = link["target"].as_str().unwrap();
    assert!(target.ends_with("/content/media/start.png"), "{target}");
    let file = std::path::PathBuf::from(target.strip_prefix("file://").unwrap());
    assert!(file.is_file(), "{target}");
    // Completion of a screenshot's path: the book's images, relative to the guide.
    c.send(json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 17}}}));
    let items = c.until(|m| m["id"] == 4)["result"].clone();
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"media/start.png") && labels.contains(&"../shared/logo.png"),
        "{labels:?}"
    );
    // A misspelt key: the quick fix of its "did you mean" makes the guide check clean.
    let typo = text.replacen("screenshots:", "screnshots:", 1);
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": typo}]}}));
    let published = c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    let d = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("screnshots"))
        .cloned()
        .expect("the unknown key");
    c.send(json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}}));
    let actions = c.until(|m| m["id"] == 5)["result"].clone();
    let action = &actions[0];
    assert_eq!(action["title"], "Replace with `screenshots`", "{actions}");
    let edit = &action["edit"]["changes"][uri.as_str()][0];
    let (l, ch) = (
        edit["range"]["start"]["line"].as_u64().unwrap() as usize,
        edit["range"]["start"]["character"].as_u64().unwrap() as usize,
    );
    let start = typo.lines().take(l).map(|x| x.len() + 1).sum::<usize>() + ch;
    let fixed = format!(
        "{}{}{}",
        &typo[..start],
        edit["newText"].as_str().unwrap(),
        &typo[start + "screnshots".len()..]
    );
    assert_eq!(fixed, text, "the edit restores the key");
    c.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    c.until(|m| m["id"] == 3);
    c.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert!(c.child.wait().unwrap().success());
}

/// The quick fixes are the diagnostics' fixes, placed exactly: a quoted value with its quotes
/// (which the words of a help could not say), a placeholder's name between its braces; applying
/// them, as an editor would, gives a guide that checks clean.
#[test]
fn quick_fixes_apply_the_diagnostics_fixes() {
    let book = Book::bundled();
    let path = book
        .path()
        .canonicalize()
        .unwrap()
        .join("content/typos.yaml");
    let uri = format!("file://{}", path.display());
    let mut text = "title: Typos\nvariables:\n  wifi: guest\nsections:\n  - title: Start\n    steps:\n      - text: Use {{  wiffi }} now\n        notes:\n          - kind: \"tipp\"\n            text: Hello\n".to_owned();
    let mut c = Client::ready();
    c.open(&uri, &text);
    let published = c.diagnostics(&uri);
    assert_eq!(published.len(), 2, "{published:?}");
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": published}}}));
    let actions = c.until(|m| m["id"] == 1)["result"].clone();
    let mut titles = Vec::new();
    let mut edits = Vec::new();
    for a in actions.as_array().unwrap() {
        titles.push(a["title"].as_str().unwrap().to_owned());
        let e = &a["edit"]["changes"][uri.as_str()][0];
        let at = |p: &Value| {
            let (l, ch) = (
                p["line"].as_u64().unwrap() as usize,
                p["character"].as_u64().unwrap() as usize,
            );
            text.lines().take(l).map(|x| x.len() + 1).sum::<usize>() + ch
        };
        edits.push((
            at(&e["range"]["start"]),
            at(&e["range"]["end"]),
            e["newText"].as_str().unwrap().to_owned(),
        ));
    }
    // From the end, so the earlier places stay where they are.
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, new) in edits {
        text.replace_range(start..end, &new);
    }
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}}));
    assert_eq!(titles, ["Replace with `wifi`", "Replace with `tip`"]);
    assert!(
        text.contains("Use {{  wifi }} now") && text.contains("- kind: tip\n"),
        "{text}"
    );
    assert!(c.diagnostics(&uri).is_empty());
    book.write("content/typos.yaml", &text);
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    c.stop();
}

impl Client {
    /// A server that has been initialized.
    pub(crate) fn ready() -> Client {
        let mut c = Client::start();
        c.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}));
        c.until(|m| m["id"] == 0);
        c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        c
    }

    pub(crate) fn open(&mut self, uri: &str, text: &str) {
        self.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}));
    }

    /// The next problems published for `uri` (those for other documents met on the way are
    /// kept for later calls, in order).
    pub(crate) fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let of = |m: &Value| m["params"]["diagnostics"].as_array().unwrap().clone();
        if let Some(i) = self.held.iter().position(|m| m["params"]["uri"] == uri) {
            return of(&self.held.remove(i));
        }
        for _ in 0..50 {
            let m = self.recv();
            if m["method"] != "textDocument/publishDiagnostics" {
                continue;
            }
            if m["params"]["uri"] == uri {
                return of(&m);
            }
            self.hold(m);
        }
        panic!("no problems published for {uri}");
    }

    pub(crate) fn stop(mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 999, "method": "shutdown"}));
        self.until(|m| m["id"] == 999);
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        assert!(self.child.wait().unwrap().success());
    }
}

/// The `(code, line:col)` of diagnostics as `check` prints them for one file (1-based).
fn check_places(book: &Book, file: &str) -> Vec<(String, (u64, u64))> {
    let run = book.run(&["check"]);
    locations(&run.stderr)
        .into_iter()
        .filter(|(_, at)| at.starts_with(file))
        .map(|(code, at)| {
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next().unwrap().parse().unwrap();
            let line = parts.next().unwrap().parse().unwrap();
            (code, (line, col))
        })
        .collect()
}

/// The `(code, line:col)` of published diagnostics, 1-based like `check`'s.
fn lsp_places(diags: &[Value]) -> Vec<(String, (u64, u64))> {
    diags
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            (
                d["code"].as_str().unwrap().to_owned(),
                (
                    start["line"].as_u64().unwrap() + 1,
                    start["character"].as_u64().unwrap() + 1,
                ),
            )
        })
        .collect()
}

/// Problems that need the rest of the book: a translation's drift from its source, a guide id
/// another guide has (with that guide as related information), book.toml's own problems.
#[test]
fn the_open_guide_is_checked_with_its_book() {
    let book = Book::fixture("translations");
    let root = book.path().canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}", root.join(rel).display());
    let mut c = Client::ready();

    // The drifted French translation: the same warnings at the same places as `check`.
    let fr = "content/azure-pass.fr.yaml";
    c.open(&uri(fr), &book.read(fr));
    let published = c.diagnostics(&uri(fr));
    let expected = check_places(&book, fr);
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert_eq!(lsp_places(&published), expected);
    // A wait is told as the French reader sees it.
    let fr_text = book.read(fr);
    let line = fr_text
        .lines()
        .position(|l| l.contains("wait: 5m"))
        .unwrap();
    c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri(fr)}, "position": {"line": line, "character": 15}}}));
    let hover = c.until(|m| m["id"] == 1);
    assert_eq!(
        hover["result"]["contents"]["value"],
        "**wait**: jusqu’à 5\u{a0}min"
    );

    // A new guide with the id of the welcome guide (later in book order, where check reports).
    let dup = "content/zz-copy.yaml";
    let text = book
        .read("content/welcome.yaml")
        .replacen("weight: -1\n", "id: welcome\n", 1);
    book.write(dup, &text);
    let expected = check_places(&book, dup);
    assert_eq!(
        expected.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["E009"]
    );
    c.open(&uri(dup), &text);
    let published = c.diagnostics(&uri(dup));
    assert_eq!(lsp_places(&published), expected);
    let related = &published[0]["relatedInformation"][0];
    assert_eq!(
        related["location"]["uri"],
        uri("content/welcome.yaml"),
        "{published:?}"
    );
    // The help names the other guide by its path in the book, not the editor's absolute one.
    let message = published[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`content/welcome.yaml` uses it too")
            && !message.contains(&book.path().display().to_string()),
        "{message}"
    );
    // The earlier guide shows it too, pointing at the later one, where `check` reports it.
    let welcome = "content/welcome.yaml";
    c.open(&uri(welcome), &book.read(welcome));
    let published = c.diagnostics(&uri(welcome));
    assert_eq!(published.len(), 1, "{published:?}");
    let message = published[0]["message"].as_str().unwrap();
    assert!(
        message.contains("duplicate guide id `welcome`"),
        "{message}"
    );
    assert!(
        message.contains("`content/zz-copy.yaml` uses it too"),
        "{message}"
    );
    assert_eq!(
        published[0]["relatedInformation"][0]["location"]["uri"],
        uri(dup),
        "{published:?}"
    );
    // Another id in the buffer: the problem is gone before the file is saved, from both.
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri(dup), "version": 2}, "contentChanges": [{"text": text.replacen("id: welcome", "id: copy", 1)}]}}));
    // Both are published again, in either order.
    let mut cleared = std::collections::BTreeMap::new();
    while cleared.len() < 2 {
        let m = c.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && (m["params"]["uri"] == uri(dup) || m["params"]["uri"] == uri(welcome))
        });
        cleared.insert(
            m["params"]["uri"].as_str().unwrap().to_owned(),
            m["params"]["diagnostics"].clone(),
        );
    }
    assert!(cleared.values().all(|d| d == &json!([])), "{cleared:?}");

    // book.toml with a misspelt key, unsaved: its problem at its line, as `check` gives it,
    // and the open guides point at it.
    let config = book.read("book.toml");
    let bad = config.replacen("[output.markdown]", "[output.markdwn]", 1);
    book.write("book.toml", &bad);
    let expected = check_places(&book, "book.toml");
    book.write("book.toml", &config);
    assert_eq!(expected.len(), 1);
    c.open(&uri("book.toml"), &bad);
    let published = c.diagnostics(&uri("book.toml"));
    assert_eq!(lsp_places(&published), expected);
    assert!(
        published[0]["message"]
            .as_str()
            .unwrap()
            .contains("markdwn"),
        "{published:?}"
    );
    // The guide's problems then point at book.toml (a check made before the edit may still be
    // published first: checks run on their own threads).
    let fr_uri = uri(fr);
    let guide = c.until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == fr_uri.as_str()
            && m["params"]["diagnostics"][0]["message"]
                .as_str()
                .is_some_and(|t| t.starts_with("book.toml: "))
    });
    assert_eq!(guide["params"]["uri"], fr_uri.as_str());
    // Mended: the guide's own problems are back.
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri("book.toml"), "version": 2}, "contentChanges": [{"text": config}]}}));
    assert_eq!(c.diagnostics(&uri("book.toml")), Vec::<Value>::new());
    assert_eq!(lsp_places(&c.diagnostics(&uri(fr))).len(), 3);
    // book.toml's keys: those the table may still have, with their descriptions.
    let line = config
        .lines()
        .position(|l| l.starts_with("title = \"Guides Azure Pass\""))
        .unwrap()
        + 1;
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri("book.toml")}, "position": {"line": line, "character": 0}}}));
    let items = c.until(|m| m["id"] == 2)["result"].clone();
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"description")
            && labels.contains(&"strings")
            && !labels.contains(&"title"),
        "{labels:?}"
    );
    c.send(json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri("book.toml")}, "position": {"line": line - 1, "character": 1}}}));
    let hover = c.until(|m| m["id"] == 3);
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.starts_with("**languages.fr.title**: "), "{hover}");
    c.stop();
}

/// Keys are completed where a key goes, with the schema's descriptions; hovering one describes
/// it; a burst of edits is checked once.
#[test]
fn keys_are_completed_and_described_and_edits_are_debounced() {
    let book = Book::bundled();
    let root = book.path().canonicalize().unwrap();
    let uri = format!("file://{}", root.join("content/azure-pass.yaml").display());
    let text = book.read("content/azure-pass.yaml");
    let mut c = Client::ready();
    // A new key line under the first step: a step's keys, not the ones it has.
    let anchor = "        id: open-site\n";
    let i = text.find(anchor).unwrap() + anchor.len();
    let typing = format!("{}        wa\n{}", &text[..i], &text[i..]);
    c.open(&uri, &typing);
    c.diagnostics(&uri);
    let line = typing[..i].matches('\n').count();
    c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 10}}}));
    let items = c.until(|m| m["id"] == 1)["result"].clone();
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"wait") && labels.contains(&"screenshots"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"text") && !labels.contains(&"id"),
        "written already: {labels:?}"
    );
    let wait = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "wait")
        .unwrap();
    assert_eq!(wait["insertText"], "wait: ");
    assert!(
        wait["documentation"]["value"]
            .as_str()
            .unwrap()
            .starts_with("An expected wait"),
        "{wait}"
    );
    // Hover on a key: its description.
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("audience:"))
        .unwrap();
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}}}));
    let hover = c.until(|m| m["id"] == 2);
    assert_eq!(
        hover["result"]["contents"]["value"],
        "**audience**: Who the guide is for."
    );
    // Five edits in one burst: one check, of the last text.
    let mut burst = String::new();
    for v in 0..5 {
        let t = if v == 4 {
            text.replacen("kind: important", "kind: urgent", 1)
        } else {
            text.clone()
        };
        let body = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 10 + v}, "contentChanges": [{"text": t}]}}).to_string();
        burst.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    }
    c.stdin.write_all(burst.as_bytes()).unwrap();
    c.stdin.flush().unwrap();
    let first = c.diagnostics(&uri);
    assert_eq!(
        lsp_places(&first).len(),
        1,
        "the last text's problem: {first:?}"
    );
    c.send(json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}));
    let mut published = 0;
    loop {
        let m = c.recv();
        if m["id"] == 3 {
            break;
        }
        published += usize::from(m["method"] == "textDocument/publishDiagnostics");
    }
    assert_eq!(published, 0, "the burst was checked once");
    c.stop();
}

/// A guide written or removed outside the editor (a checkout) counts once the editor reports it:
/// the server asks to be told of changed files, and the open guide's problems follow them.
#[test]
fn files_changed_on_disk_are_read_again() {
    let book = Book::fixture("translations");
    let root = book.path().canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}", root.join(rel).display());
    let mut c = Client::start();
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    c.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": caps}}));
    c.until(|m| m["id"] == 0);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let register = c.until(|m| m["method"] == "client/registerCapability");
    let reg = &register["params"]["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles");
    c.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));

    let welcome = "content/welcome.yaml";
    c.open(&uri(welcome), &book.read(welcome));
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    // Another guide with its id, earlier in book order, appears on disk.
    let other = "content/aa-welcome.yaml";
    book.write(other, "title: Hello\nid: welcome\nweight: -5\nsections:\n  - title: A\n    steps:\n      - text: B\n");
    let expected = check_places(&book, welcome);
    assert_eq!(
        expected.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["E009"]
    );
    c.send(json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": uri(other), "type": 1}]}}));
    assert_eq!(lsp_places(&c.diagnostics(&uri(welcome))), expected);
    // Removed again: the problem goes.
    std::fs::remove_file(book.path().join(other)).unwrap();
    c.send(json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": uri(other), "type": 3}]}}));
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    // YAML of the book's folder that is no guide (a CI workflow): nothing to say of it.
    book.write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
    c.open(&uri(".github/workflows/ci.yml"), "on: push\njobs: {}\n");
    assert_eq!(
        c.diagnostics(&uri(".github/workflows/ci.yml")),
        Vec::<Value>::new()
    );
    // A buffer over the size a guide file may have: the same error as `check` gives the file.
    let huge = "# padding\n".repeat(300_000);
    c.open(&uri("content/huge.yaml"), &huge);
    let published = c.diagnostics(&uri("content/huge.yaml"));
    assert_eq!(lsp_places(&published), [("E014".to_owned(), (1, 1))]);
    // A book.toml buffer over the 1 MiB a book.toml may have: said at its first line.
    let config = format!("{}# {}\n", book.read("book.toml"), "x".repeat(1 << 20));
    c.open(&uri("book.toml"), &config);
    let published = c.diagnostics(&uri("book.toml"));
    assert_eq!(lsp_places(&published), [("E101".to_owned(), (1, 1))]);
    let message = published[0]["message"].as_str().unwrap();
    assert!(message.contains("at most 1 MiB"), "{message}");
    c.stop();
}

/// Problems are published under the URI the editor used, however it percent-encoded the path
/// (a folder with spaces, brackets and a plus sign).
#[test]
fn problems_name_the_document_as_the_editor_does() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("My guides (v2)+x");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    let text = "title: A\nsections:\n  - title: S\n    steps:\n      - text: Go.\n        wait: 5 parsecs\n";
    std::fs::write(root.join("content/a.yaml"), text).unwrap();
    // Spaces encoded, brackets and `+` left as they are (as VS Code writes them).
    let uri = format!("file://{}/content/a.yaml", root.display()).replace(' ', "%20");
    let mut c = Client::ready();
    c.open(&uri, text);
    let published = c.diagnostics(&uri);
    assert_eq!(
        published
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["E007"],
        "{published:?}"
    );
    c.stop();
}

/// When the last open guide of a book is closed, the book is forgotten: opened again, it is
/// read again (a guide added meanwhile, without the editor telling, counts).
#[test]
fn a_book_closed_is_read_again_when_reopened() {
    let book = Book::fixture("translations");
    let root = book.path().canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}", root.join(rel).display());
    let welcome = "content/welcome.yaml";
    let mut c = Client::ready();
    c.open(&uri(welcome), &book.read(welcome));
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri(welcome)}}}));
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    book.write(
        "content/aa.yaml",
        "title: Hello\nid: welcome\nweight: -5\nsections:\n  - title: A\n    steps:\n      - text: B\n",
    );
    c.open(&uri(welcome), &book.read(welcome));
    let published = c.diagnostics(&uri(welcome));
    assert_eq!(lsp_places(&published), check_places(&book, welcome));
    assert_eq!(published.len(), 1, "{published:?}");
    c.stop();
}

/// An unsaved edit to one guide's id reaches the other open guides: the later of two guides
/// with the same id gets E009 once the edit is settled, and loses it when the id changes back.
#[test]
fn an_edited_id_reaches_the_other_open_guides() {
    let book = Book::fixture("translations");
    let root = book.path().canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}", root.join(rel).display());
    let welcome = "content/welcome.yaml";
    let mut c = Client::ready();
    c.open(&uri(welcome), &book.read(welcome));
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    // A new guide, unsaved, earlier in book order.
    let new = "content/aa.yaml";
    let text = "title: Hello\nid: hello\nweight: -5\nsections:\n  - title: A\n    steps:\n      - text: B\n";
    c.open(&uri(new), text);
    assert_eq!(c.diagnostics(&uri(new)), Vec::<Value>::new());
    // A new guide may change what the others see: they are checked again, still clean.
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    let clash = text.replace("id: hello", "id: welcome");
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri(new), "version": 2}, "contentChanges": [{"text": clash}]}}));
    let published = c.diagnostics(&uri(welcome));
    assert_eq!(
        published
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["E009"],
        "{published:?}"
    );
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri(new), "version": 3}, "contentChanges": [{"text": text}]}}));
    assert_eq!(c.diagnostics(&uri(welcome)), Vec::<Value>::new());
    c.stop();
}

/// After `only:`, the profile tags; typed there without `[`, a tag is inserted as a list, the
/// only form `check` accepts.
#[test]
fn only_completion_inserts_a_list_where_none_is_written() {
    let book = Book::bundled();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[profiles.instructor]\ntags = [\"instructor\"]\n"),
    );
    let path = book.path().canonicalize().unwrap().join("content/x.yaml");
    let uri = format!("file://{}", path.display());
    let text = "title: X\nsections:\n  - title: S\n    only: \n    steps:\n      - text: A\n        only: [\n";
    book.write("content/x.yaml", text);
    let mut c = Client::start();
    c.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    c.until(|m| m["id"] == 1);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    c.open(&uri, text);
    for (id, line, character, insert) in [(2, 3, 10, "[instructor]"), (3, 6, 15, "instructor")] {
        c.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}}));
        let items = c.until(|m| m["id"] == id)["result"].clone();
        let item = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["label"] == "instructor")
            .cloned()
            .unwrap_or_else(|| panic!("{items}"));
        let inserted = item["insertText"].as_str().or(item["label"].as_str());
        assert_eq!(inserted, Some(insert), "{item}");
    }
    c.stop();
}

/// A guide in no book (a YAML file outside any, or one whose book.toml was deleted while open)
/// has no problems to show: the server says why in a log message, once.
#[test]
fn a_guide_in_no_book_is_told_why() {
    let loose = tempfile::tempdir().unwrap();
    let file = loose.path().canonicalize().unwrap().join("guide.yaml");
    let uri = format!("file://{}", file.display());
    let mut c = Client::ready();
    c.open(&uri, "title: 5\nsections: []\n");
    let log = c.until(|m| m["method"] == "window/logMessage");
    let message = log["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("is in no book") && message.contains("book.toml"),
        "{message}"
    );
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    // A guide of a book, with a problem; then book.toml goes away.
    let book = Book::bundled();
    let root = book.path().canonicalize().unwrap();
    let guide = format!("file://{}", root.join("content/azure-pass.yaml").display());
    let broken = book
        .read("content/azure-pass.yaml")
        .replacen("title:", "titel:", 1);
    c.open(&guide, &broken);
    assert!(!c.diagnostics(&guide).is_empty());
    std::fs::remove_file(root.join("book.toml")).unwrap();
    let config = format!("file://{}", root.join("book.toml").display());
    c.send(json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": config, "type": 3}]}}));
    let log = c.until(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("azure-pass.yaml")
    );
    assert_eq!(c.diagnostics(&guide), Vec::<Value>::new());
    c.stop();
}

/// A `#anchor` link to no step or section is flagged as the author types (lint's L015), at the
/// link; one to an id of the guide is not.
#[test]
fn a_link_to_no_step_is_flagged_in_the_editor() {
    let book = Book::bundled();
    let root = book.path().canonicalize().unwrap();
    let guide = format!("file://{}", root.join("content/azure-pass.yaml").display());
    let text = book.read("content/azure-pass.yaml").replacen(
        "text: \"Open a browser and navigate to: https://www.microsoftazurepass.com/\"",
        "text: \"Open a browser (see [claiming](#nowhere) and [activating](#activate))\"",
        1,
    );
    let mut c = Client::ready();
    c.open(&guide, &text);
    let diags = c.diagnostics(&guide);
    let l015: Vec<&Value> = diags.iter().filter(|d| d["code"] == "L015").collect();
    assert_eq!(l015.len(), 1, "{diags:?}");
    let message = l015[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`#nowhere`") && message.contains("#activate"),
        "{message}"
    );
    let line = text.lines().position(|l| l.contains("#nowhere")).unwrap();
    assert_eq!(l015[0]["range"]["start"]["line"], line as u64);
    c.stop();
}

/// A server whose outline requests wait until `release` exists (the test hook
/// `STEPBOOK_LSP_TEST_HOLD`), initialized: a long request held for as long as the test needs,
/// on a machine of any speed.
fn holding(release: &Path) -> Client {
    let mut c = Client::start_env(&[], &[("STEPBOOK_LSP_TEST_HOLD", release)]);
    c.send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
    );
    c.until(|m| m["id"] == 0);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    c
}

/// The messages up to the first that `pick` accepts, that one last.
fn messages_until(c: &mut Client, pick: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let m = c.recv();
        let done = pick(&m);
        seen.push(m);
        if done {
            return seen;
        }
    }
}

/// While the outline of a big guide is being made, another guide is edited to have a problem:
/// its problems are published (and its hover answered) before the outline, which still comes,
/// whole, once it is let go.
#[test]
fn problems_are_published_while_a_long_request_runs() {
    let book = Book::bundled();
    let root = book.path().canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}", root.join(rel).display());
    let steps = 3_000;
    let mut big = String::from("title: Big\nsections:\n  - title: S\n    steps:\n");
    for i in 0..steps {
        big.push_str(&format!("      - text: Step {i}\n"));
    }
    book.write("content/big.yaml", &big);
    let release = root.join("release");
    let mut c = holding(&release);
    c.open(&uri("content/big.yaml"), &big);
    assert_eq!(c.diagnostics(&uri("content/big.yaml")), Vec::<Value>::new());
    let guide = "content/azure-pass.yaml";
    let good = book.read(guide);
    c.open(&uri(guide), &good);
    assert_eq!(c.diagnostics(&uri(guide)), Vec::<Value>::new());

    // The outline is asked for and held; the other guide gets a problem.
    c.send(json!({"jsonrpc": "2.0", "id": 10, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri("content/big.yaml")}}}));
    let bad = good.replacen("kind: important", "kind: urgent", 1);
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri(guide), "version": 2}, "contentChanges": [{"text": bad}]}}));
    let seen = messages_until(&mut c, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri(guide)
    });
    assert!(
        seen.iter().all(|m| m["id"] != 10),
        "the outline came first: {seen:?}"
    );
    let published = seen.last().unwrap()["params"]["diagnostics"].clone();
    assert_eq!(published[0]["code"], "E006", "{published}");
    // Requests about other documents are answered meanwhile too.
    let line = bad.lines().position(|l| l.contains("wait: ")).unwrap();
    let col = bad.lines().nth(line).unwrap().find("wait: ").unwrap() + 6;
    c.send(json!({"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri(guide)}, "position": {"line": line, "character": col}}}));
    let seen = messages_until(&mut c, |m| m["id"] == 11);
    assert!(seen.iter().all(|m| m["id"] != 10), "{seen:?}");
    assert_eq!(
        seen.last().unwrap()["result"]["contents"]["value"],
        "**wait**: up to 5\u{a0}min"
    );

    // Let go, the outline comes whole.
    std::fs::write(&release, "go").unwrap();
    let outline = c.until_within(60, |m| m["id"] == 10);
    let children = outline["result"][0]["children"].as_array().unwrap();
    assert_eq!(children.len(), steps);
    c.stop();
}

/// A request whose document is edited while it runs is answered `ContentModified` (-32801):
/// its positions are the old text's. Asked again, it is answered from the new text.
#[test]
fn a_request_whose_document_changed_while_it_ran_is_answered_content_modified() {
    let book = Book::bundled();
    let root = book.path().canonicalize().unwrap();
    let guide = "content/azure-pass.yaml";
    let uri = format!("file://{}", root.join(guide).display());
    let release = root.join("release");
    let mut c = holding(&release);
    let text = book.read(guide);
    c.open(&uri, &text);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let symbols = |id: u64| json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}});
    c.send(symbols(20));
    let edited = text.replacen("title: ", "title: Renamed ", 1);
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}}));
    // The edit is taken (its problems are published) while the outline is held.
    c.diagnostics(&uri);
    std::fs::write(&release, "go").unwrap();
    let answer = c.until_within(60, |m| m["id"] == 20);
    assert_eq!(answer["error"]["code"], -32801, "{answer}");
    c.send(symbols(21));
    let answer = c.until_within(60, |m| m["id"] == 21);
    assert!(answer["result"].is_array(), "{answer}");
    c.stop();
}

/// A request cancelled while it runs is answered `RequestCancelled` (-32800); a request whose
/// worker panics is answered with an error and the server goes on; at shutdown, a request
/// still running is cancelled and answered before `shutdown` is, and the server ends cleanly.
#[test]
fn cancelled_and_failing_requests_are_answered_and_the_server_goes_on() {
    let book = Book::bundled();
    let root = book.path().canonicalize().unwrap();
    let guide = "content/azure-pass.yaml";
    let uri = format!("file://{}", root.join(guide).display());
    let release = root.join("release");
    let mut c = holding(&release);
    let text = book.read(guide);
    c.open(&uri, &text);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let outline = |id: u64| json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}});

    c.send(outline(20));
    c.send(json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 20}}));
    let answer = c.until(|m| m["id"] == 20);
    assert_eq!(answer["error"]["code"], -32800, "{answer}");

    // A worker that panics (the hook's `panic`): an error answer, and the server goes on.
    std::fs::write(&release, "panic").unwrap();
    c.send(outline(21));
    let answer = c.until(|m| m["id"] == 21);
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
    let broken = text.replacen("kind: important", "kind: urgent", 1);
    c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}}));
    assert_eq!(c.diagnostics(&uri)[0]["code"], "E006");
    std::fs::write(&release, "go").unwrap();
    c.send(outline(22));
    let answer = c.until(|m| m["id"] == 22);
    assert_eq!(
        answer["result"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );

    // Shutdown with a request held: it is cancelled and answered first.
    std::fs::remove_file(&release).unwrap();
    c.send(outline(23));
    c.send(json!({"jsonrpc": "2.0", "id": 24, "method": "shutdown"}));
    let seen = messages_until(&mut c, |m| m["id"] == 24);
    let held: Vec<&Value> = seen.iter().filter(|m| m["id"] == 23).collect();
    assert_eq!(held.len(), 1, "{seen:?}");
    assert_eq!(held[0]["error"]["code"], -32800, "{seen:?}");
    c.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert!(c.child.wait().unwrap().success());
}
