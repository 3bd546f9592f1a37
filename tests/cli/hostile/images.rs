//! Images in PDFs: planted links in the image cache, decompression bombs, damaged files, huge
//! colour profiles and servers that never answer cost a placeholder and a warning (W014), never
//! the build, a file outside the book, or unbounded time and memory.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{Book, Run, locations};

/// What the test server answers for a path.
#[derive(Clone)]
enum Route {
    /// 200 with this body (as `image/png`).
    Body(Vec<u8>),
    /// Accepts the request and never answers.
    Tarpit,
}

/// A loopback HTTP server with fixed answers; counts requests per path and the most requests
/// it held at once.
struct Server {
    addr: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    peak: Arc<AtomicUsize>,
}

impl Server {
    fn start(routes: &[(&str, Route)]) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Arc<HashMap<String, Route>> = Arc::new(
            routes
                .iter()
                .map(|(p, r)| ((*p).to_owned(), r.clone()))
                .collect(),
        );
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let peak = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let (h, p) = (hits.clone(), peak.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (routes, h, p, now) = (routes.clone(), h.clone(), p.clone(), now.clone());
                std::thread::spawn(move || answer(stream, &routes, &h, &p, &now));
            }
        });
        Server { addr, hits, peak }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

fn answer(
    stream: TcpStream,
    routes: &HashMap<String, Route>,
    hits: &Mutex<HashMap<String, usize>>,
    peak: &AtomicUsize,
    now: &AtomicUsize,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
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
    let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
    *hits.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
    peak.fetch_max(n, Ordering::SeqCst);
    let mut stream = stream;
    match routes.get(&path) {
        Some(Route::Body(body)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
        // Holds the request until the client gives up (closes) or a minute passes.
        Some(Route::Tarpit) => {
            use std::io::Read;
            let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
            let mut buf = [0u8; 64];
            for _ in 0..600 {
                match stream.read(&mut buf) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(_) => break,
                }
            }
        }
        None => {
            let _ = stream.write_all(b"HTTP/1.1 404 X\r\nContent-Length: 0\r\n\r\n");
        }
    }
    now.fetch_sub(1, Ordering::SeqCst);
}

/// The name of a URL's cached copy (FNV-1a of the URL, as stepbook names it).
fn cache_name(url: &str) -> String {
    let h = url.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// A new book (`init`) with PDF output, `[lint]` settings `lint`, and a guide `content/pics.yaml`
/// showing `shots` (src, alt).
fn book_with(shots: &[(&str, &str)], lint: &str) -> Book {
    let book = Book {
        dir: tempfile::tempdir().unwrap(),
    };
    let r = book.run(&["init", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.pdf]\n\n[lint]\n{lint}\n"),
    );
    let mut guide = String::from(
        "title: Pictures\nsections:\n  - title: S\n    steps:\n      - text: Look.\n        screenshots:\n",
    );
    for (src, alt) in shots {
        guide.push_str(&format!("          - src: {src}\n            alt: {alt}\n"));
    }
    book.write("content/pics.yaml", &guide);
    book
}

fn write_bytes(book: &Book, rel: &str, bytes: &[u8]) {
    let p = book.path().join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

const PDF: &str = "book/html/pdf/pics.pdf";

/// The number of images in a PDF (poppler's pdfimages).
fn images_in(pdf: &Path) -> usize {
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(pdf)
        .output()
        .expect("pdfimages (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdfimages failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).lines().skip(2).count()
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The W014 warnings of a run, each with what follows its header line.
/// How many images W014 says are not in the PDF: a warning names one image, or says how many
/// share its reason ("3 images are not in the PDF (no complete answer within 3 s …)").
fn w014(r: &Run) -> usize {
    let warnings = locations(&r.stderr)
        .iter()
        .filter(|(c, at)| c == "W014" && at.starts_with("content/pics.yaml"))
        .count();
    let grouped: Vec<usize> = r
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning[W014]: "))
        .filter_map(|m| m.split_once(" images are not in the PDF"))
        .filter_map(|(n, _)| n.parse().ok())
        .collect();
    warnings - grouped.len() + grouped.iter().sum::<usize>()
}

/// A small PNG with varied pixels (so its data spans many bytes).
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 7 + y) as u8, (x ^ y) as u8, (x * y) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffff_u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crced = kind.to_vec();
    crced.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crced).to_be_bytes());
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut c = fdeflate::Compressor::new(&mut out).unwrap();
    c.write_data(data).unwrap();
    c.finish().unwrap();
    out
}

/// A valid PNG header claiming `w`×`h` RGB pixels, then a few bytes of image data.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"IDAT", &zlib(&[0; 64])));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// A 35-byte GIF claiming 65535×65535 pixels.
fn gif_bomb() -> Vec<u8> {
    let mut g = b"GIF89a\xff\xff\xff\xff\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
    g.extend_from_slice(b",\x00\x00\x00\x00\xff\xff\xff\xff\x00");
    g.extend_from_slice(b"\x02\x02\x44\x01\x00;");
    g
}

#[cfg(unix)]
#[test]
fn links_planted_in_the_pdf_image_cache_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.png");
    std::fs::write(&secret, png(40, 30)).unwrap();
    let url = "https://example.invalid/shot.png";
    // A link at the cached copy's name: a file outside the book would appear in the PDF.
    let book = book_with(&[(url, "A remote shot")], "");
    std::fs::create_dir_all(book.path().join(".stepbook-cache/images")).unwrap();
    std::os::unix::fs::symlink(
        &secret,
        book.path()
            .join(".stepbook-cache/images")
            .join(cache_name(url)),
    )
    .unwrap();
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 1, "{}", r.stderr);
    assert_eq!(
        images_in(&book.path().join(PDF)),
        0,
        "the outside file is not shown"
    );

    // A link at the cache folder or at its images folder: a fetched image would be written
    // outside the book.
    let server = Server::start(&[("/shot.png", Route::Body(png(8, 8)))]);
    let url = server.url("/shot.png");
    for linked in [".stepbook-cache", ".stepbook-cache/images"] {
        let target = tempfile::tempdir().unwrap();
        let book = book_with(&[(url.as_str(), "A remote shot")], "");
        let at = book.path().join(linked);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target.path(), &at).unwrap();
        let r = book.run(&["build"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(w014(&r), 1, "{linked}: {}", r.stderr);
        assert!(r.stderr.contains("is a link"), "{}", r.stderr);
        let written: Vec<_> = walkdir::WalkDir::new(target.path())
            .min_depth(1)
            .into_iter()
            .collect();
        assert!(written.is_empty(), "{linked}: written outside: {written:?}");
    }
}

#[test]
fn image_bombs_are_refused_from_their_header() {
    let server = Server::start(&[("/bomb.png", Route::Body(png_bomb(60_000, 60_000)))]);
    let url = server.url("/bomb.png");
    let book = book_with(
        &[
            ("img/bomb.gif", "A GIF bomb"),
            ("img/bomb.png", "A PNG bomb"),
            (url.as_str(), "A remote bomb"),
            ("img/example.png", "A real picture"),
        ],
        "",
    );
    write_bytes(&book, "content/img/bomb.gif", &gif_bomb());
    write_bytes(&book, "content/img/bomb.png", &png_bomb(40_000, 40_000));
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 3, "{}", r.stderr);
    assert!(r.stderr.contains("65535×65535 pixels"), "{}", r.stderr);
    assert!(r.stderr.contains("max-image-pixels"), "{}", r.stderr);
    assert_eq!(
        images_in(&book.path().join(PDF)),
        1,
        "the real picture is shown"
    );
    assert!(
        !book
            .path()
            .join(".stepbook-cache/images")
            .join(cache_name(&url))
            .exists(),
        "a refused image is not cached"
    );
    // A bomb already in the cache (an older build, or committed) is refused and deleted.
    let cached = book
        .path()
        .join(".stepbook-cache/images")
        .join(cache_name(&url));
    std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
    std::fs::write(&cached, png_bomb(60_000, 60_000)).unwrap();
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 3, "{}", r.stderr);
    assert!(!cached.exists(), "the bad cached copy is deleted");
    // A lower cap in book.toml applies too.
    let small = book_with(
        &[("img/example.png", "A real picture")],
        "max-image-pixels = 1000",
    );
    let r = small.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 1, "{}", r.stderr);
}

#[test]
fn damaged_images_are_placeholders_and_never_cached() {
    let mut bad_crc = png(64, 64);
    let idat = bad_crc.windows(4).position(|w| w == b"IDAT").unwrap();
    bad_crc[idat + 10] ^= 0xff;
    let server = Server::start(&[("/bad.png", Route::Body(bad_crc))]);
    let url = server.url("/bad.png");
    let book = book_with(
        &[
            ("img/cut.png", "A truncated picture"),
            ("img/bad.webp", "A bad WebP"),
            (url.as_str(), "A remote picture with a bad checksum"),
            ("img/example.png", "A real picture"),
        ],
        "",
    );
    let mut cut = png(64, 64);
    cut.truncate(cut.len() / 2);
    write_bytes(&book, "content/img/cut.png", &cut);
    let mut webp = b"RIFF\x40\x00\x00\x00WEBPVP8L\x30\x00\x00\x00\x2f\x3f\xc0\x0f".to_vec();
    webp.extend_from_slice(&[0xAB; 48]);
    write_bytes(&book, "content/img/bad.webp", &webp);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("E020"), "{}", r.stderr);
    assert_eq!(w014(&r), 3, "{}", r.stderr);
    let pdf = book.path().join(PDF);
    assert_eq!(images_in(&pdf), 1, "the real picture is shown");
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Image not available: A truncated picture"),
        "{text}"
    );
    assert!(
        !book
            .path()
            .join(".stepbook-cache/images")
            .join(cache_name(&url))
            .exists(),
        "a damaged image is not cached"
    );
    let r = book.run(&["build", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 3, "{}", r.stderr);
}

/// Runs `stepbook ARGS` in `dir`; (exit code, stderr, peak resident memory in MiB).
#[cfg(target_os = "linux")]
// The child is reaped by `wait4`, which also gives its peak memory.
#[allow(clippy::zombie_processes)]
fn run_measured(dir: &Path, args: &[&str]) -> (i32, String, u64) {
    let err = tempfile::NamedTempFile::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_stepbook"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // The peak as stepbook's own process knows it (VmHWM, after each stage): a forked
        // child's rusage also counts the test runner's pages it shared before exec, hundreds
        // of MiB while the whole suite runs.
        .env("STEPBOOK_TIMINGS", "1")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(err.reopen().unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: wait4 fills the status and usage it is given, for our own child.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let pid = libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        assert_eq!(pid, child.id() as libc::pid_t);
        usage
    };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let stderr = std::fs::read_to_string(err.path()).unwrap();
    let hwm = stderr
        .lines()
        .filter_map(|l| l.split("peak memory so far: ").nth(1))
        .filter_map(|v| v.trim_end_matches(" kB)").trim().parse::<u64>().ok())
        .max();
    (
        code,
        stderr,
        hwm.map_or(usage.ru_maxrss as u64, |k| k) / 1024,
    )
}

/// A book whose one screenshot is a PNG of a few hundred KB with 200 MB of colour profile.
fn icc_bomb_book() -> Book {
    let mut data = b"bomb\0\0".to_vec();
    data.extend(zlib(&vec![0u8; 200 << 20]));
    let plain = png(32, 32);
    let mut bomb = plain[..33].to_vec();
    bomb.extend(chunk(b"iCCP", &data));
    bomb.extend_from_slice(&plain[33..]);
    let book = book_with(&[("img/icc.png", "A picture with a huge profile")], "");
    write_bytes(&book, "content/img/icc.png", &bomb);
    book
}

#[cfg(target_os = "linux")]
#[test]
fn a_huge_colour_profile_is_left_out() {
    let book = icc_bomb_book();
    let (code, stderr, peak) = run_measured(book.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(images_in(&book.path().join(PDF)), 1, "the picture is shown");
    println!("peak memory {peak} MiB");
    assert!(peak < 300, "peak memory {peak} MiB");
}

#[cfg(target_os = "linux")]
#[test]
fn lint_reads_a_huge_colour_profile_within_bounds() {
    let book = icc_bomb_book();
    let (code, stderr, peak) = run_measured(book.path(), &["lint", "--offline"]);
    assert_eq!(code, 0, "{stderr}");
    println!("peak memory {peak} MiB");
    // It took 357 MiB, the profile decompressed whole to read the image's size.
    assert!(peak < 150, "peak memory {peak} MiB");
}

#[test]
fn servers_that_never_answer_are_asked_at_once_and_then_left_alone() {
    let server = Server::start(&[
        ("/a.png", Route::Tarpit),
        ("/b.png", Route::Tarpit),
        ("/c.png", Route::Tarpit),
        ("/ok.png", Route::Body(png(8, 8))),
    ]);
    let urls: Vec<String> = ["/a.png", "/b.png", "/c.png", "/ok.png"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let shots: Vec<(&str, &str)> = urls.iter().map(|u| (u.as_str(), "A remote shot")).collect();
    let book = book_with(&shots, "timeout = 3\nconnect-timeout = 3");
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 3, "{}", r.stderr);
    assert_eq!(
        images_in(&book.path().join(PDF)),
        1,
        "the answering server's picture"
    );
    assert!(
        server.peak.load(Ordering::SeqCst) >= 3,
        "fetched one after another: {} at most at once",
        server.peak.load(Ordering::SeqCst)
    );
    // The next build (a `watch` rebuild, too) remembers the failures and asks no one.
    let hits = server.hits();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w014(&r), 3, "{}", r.stderr);
    assert!(r.stderr.contains("failed 0 min ago"), "{}", r.stderr);
    assert_eq!(server.hits(), hits, "no request after a remembered failure");
}
