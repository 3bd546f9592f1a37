//! Benchmark of `stepbook lint` on 2,000 distinct screenshot URLs served by one loopback server
//! that answers each request after 50 ms (see benches/README.md).
//!
//! `cargo bench --bench lint`: a first run with default settings (no cache), then a second run
//! that must come entirely from the cache with zero requests.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82";

fn serve(stream: TcpStream, hits: &AtomicUsize) {
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
        hits.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(50));
        let head = request.starts_with("HEAD");
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
            PNG.len()
        )
        .into_bytes();
        if !head {
            out.extend_from_slice(PNG);
        }
        if stream.write_all(&out).is_err() {
            return;
        }
    }
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let h = h.clone();
            std::thread::spawn(move || serve(stream, &h));
        }
    });

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Lint benchmark\"\n",
    )
    .unwrap();
    let urls = 2000;
    for g in 0..100 {
        let mut y = format!("title: Guide {g}\nsections:\n  - title: S\n    steps:\n");
        for i in 0..urls / 100 {
            let n = g * (urls / 100) + i;
            y.push_str(&format!(
                "      - text: Step {n}\n        screenshots:\n          - src: http://{addr}/shot-{n}.png\n            alt: Screenshot {n}\n"
            ));
        }
        std::fs::write(dir.join(format!("content/guide-{g:03}.yaml")), y).unwrap();
    }
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let run = |label: &str| {
        let before = hits.load(Ordering::Relaxed);
        let t = Instant::now();
        let out = Command::new(exe)
            .args(["lint", "--quiet"])
            .arg(dir)
            .output()
            .unwrap();
        let elapsed = t.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let requests = hits.load(Ordering::Relaxed) - before;
        println!(
            "stepbook lint, {label}: {:.3} s, {requests} requests for {urls} URLs (server answers after 50 ms)",
            elapsed.as_secs_f64()
        );
        (elapsed, requests)
    };
    let (_, first) = run("first run, default settings");
    assert_eq!(first, urls, "each URL once (HEAD)");
    let (_, second) = run("second run, from the cache");
    assert_eq!(second, 0, "an unchanged book makes no requests");
}
