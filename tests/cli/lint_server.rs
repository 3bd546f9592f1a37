//! A real HTTP/1.1 server on a free loopback port for the linter's tests and benchmark: images,
//! 404s, redirects, an HTML page, a server that refuses HEAD, a 429 with Retry-After, one that
//! never answers; every answer can be delayed. Counts requests per path. For remote-image
//! copies: a 2 GB body (`/huge.png`), a slow drip (`/drip.png`), and `stop` (every connection
//! is then closed unanswered, as if the host were gone).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tiny HTTP/1.1 server on a free loopback port; counts requests per path.
pub(crate) struct TestServer {
    pub addr: SocketAddr,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
    stopped: Arc<AtomicBool>,
}

/// A 1×1 PNG.
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82";

impl TestServer {
    pub(crate) fn start() -> TestServer {
        TestServer::with_delay(Duration::ZERO)
    }

    /// Every answer waits `delay` first (the benchmark's slow server).
    pub(crate) fn with_delay(delay: Duration) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let stopped: Arc<AtomicBool> = Arc::default();
        let (h, st) = (hits.clone(), stopped.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if st.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes unanswered
                }
                let h = h.clone();
                std::thread::spawn(move || serve(stream, &h, delay));
            }
        });
        TestServer {
            addr,
            hits,
            stopped,
        }
    }

    /// From now on every connection is closed unanswered (the image host is gone).
    #[allow(dead_code)]
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

fn serve(stream: TcpStream, hits: &Mutex<HashMap<String, usize>>, delay: Duration) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let mut parts = request.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or("").to_owned(),
        );
        let n = {
            let mut h = hits.lock().unwrap();
            let c = h.entry(path.clone()).or_insert(0);
            *c += 1;
            *c
        };
        std::thread::sleep(delay);
        let head = method == "HEAD";
        let (status, headers, body): (u16, Vec<(&str, String)>, Vec<u8>) = match path.as_str() {
            p if p.starts_with("/img") => (
                200,
                vec![("Content-Type", "image/png".into())],
                PNG.to_vec(),
            ),
            "/missing.png" => (
                404,
                vec![("Content-Type", "text/plain".into())],
                b"not found".to_vec(),
            ),
            "/moved.png" => (301, vec![("Location", "/img.png".into())], vec![]),
            "/loop.png" => (302, vec![("Location", "/loop.png".into())], vec![]),
            "/page.html" => (
                200,
                vec![("Content-Type", "text/html".into())],
                b"<html><body>a gallery</body></html>".to_vec(),
            ),
            "/no-head.png" if head => (405, vec![], vec![]),
            "/no-head.png" => (
                200,
                vec![("Content-Type", "image/png".into())],
                PNG.to_vec(),
            ),
            "/lying.png" if head => (405, vec![], vec![]),
            "/lying.png" => (
                200,
                vec![("Content-Type", "image/png".into())],
                b"<!doctype html><p>sorry</p>".to_vec(),
            ),
            "/busy.png" if n == 1 => (429, vec![("Retry-After", "1".into())], vec![]),
            "/busy.png" => (
                200,
                vec![("Content-Type", "image/png".into())],
                PNG.to_vec(),
            ),
            "/slow.png" => {
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            // 2 GB announced and streamed (a PNG header, then zeros) until the client hangs up.
            "/huge.png" => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 2147483648\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() || stream.write_all(PNG).is_err() {
                    return;
                }
                let zeros = vec![0u8; 64 * 1024];
                let mut sent = PNG.len();
                while sent < 2 << 30 && stream.write_all(&zeros).is_ok() {
                    sent += zeros.len();
                }
                return;
            }
            // An image one byte every 200 ms: never done within any timeout.
            "/drip.png" => {
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for b in PNG.iter().cycle().take(600) {
                    if stream.write_all(&[*b]).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                return;
            }
            // Always busy, and asks for a wait far longer than any run should take.
            "/throttled.png" => (429, vec![("Retry-After", "100000".into())], vec![]),
            // Redirects to another host name (same server), where the file is gone.
            "/away.png" => (
                302,
                vec![(
                    "Location",
                    format!(
                        "http://localhost:{}/gone-elsewhere.png",
                        stream.local_addr().map_or(0, |a| a.port())
                    ),
                )],
                vec![],
            ),
            "/docs" => (
                200,
                vec![("Content-Type", "text/html".into())],
                b"<html>docs</html>".to_vec(),
            ),
            _ => (404, vec![], vec![]),
        };
        let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !head {
            bytes.extend_from_slice(&body);
        }
        if stream.write_all(&bytes).is_err() {
            return;
        }
    }
}
