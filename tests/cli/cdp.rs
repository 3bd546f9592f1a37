//! The browser the tests drive: Debian's headless Chromium, found once, started with the flags
//! it needs as root on a closed network, and driven over the DevTools protocol (a WebSocket on
//! loopback) by a small client: evaluate, call, wait, navigate, check the width, run axe-core.

use std::process::Command;

pub(crate) fn chromium() -> Option<&'static str> {
    if std::env::var_os("STEPBOOK_SKIP_BROWSER").is_some() {
        eprintln!("STEPBOOK_SKIP_BROWSER is set: skipping the browser test");
        return None;
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .or_else(|| {
            panic!(
                "no chromium found: install Debian's `chromium` (or set STEPBOOK_SKIP_BROWSER=1)"
            )
        })
}

/// The `file://` address of a page on disk.
pub(crate) fn url(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

/// The flags headless Chromium needs as root on a closed network.
pub(crate) const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
];

/// Runs headless Chromium with a fresh profile.
pub(crate) fn headless(browser: &str, extra: &[&str], url: &str) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A headless Chromium driven over the DevTools protocol (a WebSocket on loopback).
pub(crate) struct Cdp {
    child: std::process::Child,
    ws: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Cdp {
    pub(crate) fn open(browser: &str, url: &str) -> Cdp {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(browser)
            .args(FLAGS)
            .args(["--remote-debugging-port=0", "--remote-allow-origins=*"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let port_file = profile.path().join("DevToolsActivePort");
        let start = std::time::Instant::now();
        let port: u16 = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let Some(p) = text.lines().next().and_then(|l| l.parse().ok())
            {
                break p;
            }
            assert!(
                start.elapsed().as_secs() < 30,
                "chromium did not open its DevTools port"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let ws_url = loop {
            let (_, _, body) = crate::serve::get(addr, "/json/list");
            let pages: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            if let Some(url) = pages
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["type"] == "page")
                .and_then(|p| p["webSocketDebuggerUrl"].as_str())
            {
                break url.to_owned();
            }
            assert!(start.elapsed().as_secs() < 30, "no page in chromium");
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let (ws, _) = tungstenite::connect(ws_url).unwrap();
        // A command the page never answers (a promise that never settles) fails the test
        // with its name instead of hanging the whole run.
        if let tungstenite::stream::MaybeTlsStream::Plain(tcp) = ws.get_ref() {
            tcp.set_read_timeout(Some(std::time::Duration::from_secs(90)))
                .unwrap();
        }
        Cdp {
            child,
            ws,
            next_id: 0,
            _profile: profile,
        }
    }

    /// Evaluates a JavaScript expression in the page (awaiting a promise) and returns its
    /// value.
    pub(crate) fn eval(&mut self, expression: &str) -> serde_json::Value {
        let v = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        v["result"]["value"].clone()
    }

    /// Sends a DevTools command and returns its result.
    pub(crate) fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = serde_json::json!({"id": id, "method": method, "params": &params});
        self.ws
            .send(tungstenite::Message::text(msg.to_string()))
            .unwrap();
        loop {
            let reply = self
                .ws
                .read()
                .unwrap_or_else(|e| panic!("no answer to {method} {params}: {e}"));
            let Ok(text) = reply.to_text() else { continue };
            let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if v["id"] == id {
                return v["result"].clone();
            }
        }
    }

    /// Whether the page fits `width` pixels without scrolling sideways, once the new size has
    /// taken effect (the emulated size applies asynchronously: polled for up to 5 s).
    pub(crate) fn fits(&mut self, width: u32) -> Result<(), String> {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500}),
        );
        let start = std::time::Instant::now();
        loop {
            let fits = self.eval(&format!(
                "window.innerWidth === {width} && document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
            ));
            if fits == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if start.elapsed().as_secs() >= 5 {
                return Err(format!(
                    "{} px wide, {} px visible",
                    self.eval("document.scrollingElement.scrollWidth"),
                    self.eval("document.scrollingElement.clientWidth")
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Waits until `expression` is true in the page.
    pub(crate) fn wait_for(&mut self, expression: &str, what: &str) {
        let start = std::time::Instant::now();
        while start.elapsed().as_secs() < 20 {
            if self.eval(expression) == serde_json::Value::Bool(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let body = self.eval("document.body ? document.body.innerText.slice(0, 500) : ''");
        panic!("timed out waiting for {what}; page shows: {body}");
    }
}

impl Cdp {
    /// Loads `url` in the page and waits until it has loaded.
    pub(crate) fn goto(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({ "url": url }));
        let wanted = serde_json::to_string(url).unwrap();
        self.wait_for(
            &format!("location.href.split('#')[0] === {wanted}.split('#')[0] && document.readyState === 'complete'"),
            url,
        );
    }

    /// Presses `key` in the page (with its text for Enter, so it activates what has the
    /// focus).
    pub(crate) fn press(&mut self, key: &str, code: u32) {
        let text = if key == "Enter" { "\r" } else { "" };
        let down = if text.is_empty() {
            "rawKeyDown"
        } else {
            "keyDown"
        };
        for kind in [down, "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                serde_json::json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "text": text}),
            );
        }
    }

    /// Runs axe-core (from npm, `tests/browser/`) on the page and returns its serious and
    /// critical violations, one line each: rule, impact, the elements.
    pub(crate) fn axe(&mut self) -> Vec<String> {
        let v = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": axe_source(), "returnByValue": true}),
        );
        assert!(
            v.get("exceptionDetails").is_none(),
            "axe-core did not load: {v}"
        );
        let found = self.eval(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations\
             .filter(v => v.impact === 'serious' || v.impact === 'critical')\
             .map(v => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))",
        );
        serde_json::from_value(found).expect("axe-core's answer")
    }
}

/// axe-core's script, from `tests/browser/node_modules` (`npm ci` there installs it; run once
/// here when it is missing, as `.ci/run` does).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = crate::repo().join("tests/browser");
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .status()
                .expect("npm (Node.js) installs axe-core for the accessibility checks");
            assert!(status.success(), "npm ci in tests/browser failed");
        }
        std::fs::read_to_string(&script).unwrap()
    })
}

impl Drop for Cdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
