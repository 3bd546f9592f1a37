//! Benchmark of `remote-images = "copy"` (#24) on the real labs of `../shared/corpus`: each lab
//! imported (`stepbook import`, its images copied in; the 5 labs of `AZ-104…@64093f0`, an older
//! copy of the same repository, are left out: their ids are the newer copy's and 15 of their
//! images are missing, so they cannot build in one book), then every screenshot moved to a
//! loopback server that answers each request after 50 ms, and the book built twice with
//! `--remote-images copy`: the first build fetches each image once, the second must make no
//! request. A build with the default (`link`) is the baseline. See benches/README.md.
//!
//! Options (after `--`): `--corpus DIR` (default `../shared/corpus`), `--delay-ms N` (50).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let mut corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut delay = 50;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--corpus" => corpus = args.next().map(PathBuf::from).expect("--corpus DIR"),
            "--delay-ms" => delay = args.next().and_then(|v| v.parse().ok()).expect("N"),
            _ => {}
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"Corpus\"\n").unwrap();
    let guides = import_corpus(&corpus, book);
    let files: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
    let hits = Arc::new(AtomicUsize::new(0));
    let port = serve(files.clone(), hits.clone(), Duration::from_millis(delay));
    let (shots, images) = to_remote(book, port, &mut files.lock().unwrap());
    println!(
        "{guides} labs imported: {shots} screenshots, {images} distinct image URLs on a server answering after {delay} ms"
    );
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let build = |label: &str, mode: &str| {
        let before = hits.load(Ordering::SeqCst);
        let t = Instant::now();
        let out = Command::new(exe)
            .args(["build", "--quiet", "--remote-images", mode])
            .arg(book)
            .output()
            .unwrap();
        let elapsed = t.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("W022"), "{stderr}");
        let requests = hits.load(Ordering::SeqCst) - before;
        println!("{label}: {elapsed:.3} s, {requests} requests");
        requests
    };
    build("build, remote-images = link (baseline)", "link");
    let first = build("first build, remote-images = copy", "copy");
    assert_eq!(first, images, "each image fetched once");
    let second = build("second build, remote-images = copy", "copy");
    assert_eq!(second, 0, "the second build makes no request");
    let copied = std::fs::read_dir(book.join("book/html/media/remote")).map_or(0, |d| d.count());
    let bytes: usize = files.lock().unwrap().values().map(Vec::len).sum();
    println!(
        "{copied} copies in the site's media/remote/ ({:.1} MiB served)",
        bytes as f64 / 1048576.0
    );
}

/// Imports each lab folder of the corpus (`guides.tsv`) into `content/<n>/`; the number of labs.
fn import_corpus(corpus: &Path, book: &Path) -> usize {
    let tsv = std::fs::read_to_string(corpus.join("guides.tsv")).expect("../shared/corpus");
    let mut by_dir: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(dir), Some(guide)) = (cols.next(), cols.next()) else {
            continue;
        };
        if dir.contains('@') {
            continue;
        }
        match by_dir.iter_mut().find(|(d, _)| d == dir) {
            Some((_, v)) => v.push(corpus.join(dir).join(guide)),
            None => by_dir.push((dir.to_owned(), vec![corpus.join(dir).join(guide)])),
        }
    }
    let mut n = 0;
    for (i, (_, labs)) in by_dir.iter().enumerate() {
        let out = Command::new(env!("CARGO_BIN_EXE_stepbook"))
            .current_dir(book)
            .args(["import", "--quiet", "--out-dir", &format!("content/{i}")])
            .args(labs)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        n += labs.len();
    }
    n
}

/// Every local screenshot `src` of the imported guides rewritten to a URL on the server, which
/// serves the file's bytes there: (screenshots, distinct URLs).
fn to_remote(book: &Path, port: u16, files: &mut HashMap<String, Vec<u8>>) -> (usize, usize) {
    let mut by_file: HashMap<PathBuf, String> = HashMap::new();
    let mut shots = 0;
    for e in walkdir::WalkDir::new(book.join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            let src = line.trim_start().strip_prefix("- src: ");
            let file = src.map(|s| e.path().parent().unwrap().join(s.trim_matches(['"', '\''])));
            match file {
                Some(f) => {
                    let n = by_file.len();
                    let url = by_file.entry(f.clone()).or_insert_with(|| {
                        let ext = f.extension().map_or("png".into(), |x| x.to_string_lossy());
                        let path = format!("/shots/{n}.{ext}");
                        // A screenshot the lab names but lacks (one in the corpus): a 1×1 PNG.
                        let bytes = std::fs::read(&f).unwrap_or_else(|_| PNG.to_vec());
                        files.insert(path.clone(), bytes);
                        format!("http://127.0.0.1:{port}{path}")
                    });
                    let indent = &line[..line.len() - line.trim_start().len()];
                    out.push_str(&format!("{indent}- src: {url}\n"));
                    shots += 1;
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        std::fs::write(e.path(), out).unwrap();
    }
    (shots, by_file.len())
}

/// A keep-alive HTTP/1.1 server on a free loopback port: each GET of a known path answers its
/// bytes after `delay`, anything else 404; `hits` counts requests.
fn serve(
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    hits: Arc<AtomicUsize>,
    delay: Duration,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (files, hits) = (files.clone(), hits.clone());
            std::thread::spawn(move || answer(stream, &files, &hits, delay));
        }
    });
    port
}

fn answer(
    stream: TcpStream,
    files: &Mutex<HashMap<String, Vec<u8>>>,
    hits: &AtomicUsize,
    delay: Duration,
) {
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
        hits.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(delay);
        let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
        let body = files.lock().unwrap().get(&path).cloned();
        let (status, ctype, body) = match body {
            Some(b) => (200, mime(&path), b),
            None => (404, "text/plain", b"not found".to_vec()),
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&body).is_err() {
            return;
        }
    }
}

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82";

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/png",
    }
}
