//! Benchmark of the watch loop's incremental rebuild on the generated corpus (1,000 guides, or
//! `--guides N`).
//!
//! `cargo bench --bench watch` builds the corpus once, then, many times, edits one guide file
//! and rebuilds: the time from the write of the file to its rebuilt pages (and the index) on
//! disk, without the 100 ms debounce. It measures the library call the watcher makes
//! (`Session::guide`) and, end to end, a real `stepbook watch` process (file write to changed
//! output, minus the debounce).

#[path = "corpus.rs"]
mod corpus;

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    // `cargo bench --bench watch -- --guides 10000` for a larger book.
    let mut args = std::env::args().skip_while(|a| a != "--guides").skip(1);
    let guides: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("book-src");
    corpus::generate(&dir, guides, false);
    eprintln!("corpus: {guides} guides in {}", dir.display());

    // 1. The incremental rebuild itself.
    let mut session = stepbook::watch::Session::new(&dir, None, Default::default());
    let t = Instant::now();
    session.full().expect("full build");
    eprintln!("first full build: {:.3} s", t.elapsed().as_secs_f64());
    let mut times = Vec::new();
    for i in 0..40 {
        let path =
            std::fs::canonicalize(dir.join(format!("content/guide-{:04}.yaml", (i * 37) % guides)))
                .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen(
            "select **Resource 0**",
            &format!("select **Resource 0 (edit {i})**"),
            1,
        );
        let t = Instant::now();
        std::fs::write(&path, &edited).unwrap();
        session.guide(&path).expect("rebuild");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (med, min, max) = median(times);
    println!(
        "incremental rebuild of one guide (write -> pages and index on disk): median {med:.1} ms, min {min:.1} ms, max {max:.1} ms"
    );

    // 2. End to end through `stepbook watch`: write -> changed page, minus the debounce.
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let mut child = Command::new(exe)
        .arg("watch")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Edits start once its own first build is done (it says so on stderr); the rest of its
    // lines are read on a thread so it never blocks on a full pipe.
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("rebuilt: full build") {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    let mut times = Vec::new();
    for i in 0..15 {
        let n = (i * 53 + 11) % guides;
        let path = dir.join(format!("content/guide-{n:04}.yaml"));
        let page = dir.join(format!("book/html/guide-{n:04}/index.html"));
        let marker = format!("watched edit {i}");
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen(
            "select **Resource 1**",
            &format!("select **Resource 1 ({marker})**"),
            1,
        );
        let t = Instant::now();
        std::fs::write(&path, &edited).unwrap();
        loop {
            if std::fs::read_to_string(&page).is_ok_and(|p| p.contains(&marker)) {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "no rebuild of {}",
                page.display()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let ms =
            t.elapsed().as_secs_f64() * 1000.0 - stepbook::watch::DEBOUNCE.as_secs_f64() * 1000.0;
        times.push(ms);
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = child.kill();
    let _ = child.wait();
    let (med, min, max) = median(times);
    println!(
        "stepbook watch, write -> changed page on disk minus the {} ms debounce: median {med:.1} ms, min {min:.1} ms, max {max:.1} ms",
        stepbook::watch::DEBOUNCE.as_millis()
    );
}
