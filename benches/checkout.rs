//! Benchmark of `stepbook watch` when many guides change at once (issue #27 item 28, a
//! checkout): the generated corpus (`--guides N`, 10,000 by default), `--changed M` guides
//! (2,000) rewritten at once; the time from the writes to the rebuild that covers them all, the
//! watch process's peak RSS, and, after Ctrl-C, how many "cancelled" lines it printed.
//!
//! `cargo bench --bench checkout`; `STEPBOOK_BIN=/path/to/stepbook` measures another binary;
//! `-- --timeout S` gives up after S seconds (300), saying how many rebuilds were done.

#[path = "corpus.rs"]
mod corpus;

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(name: &str, default: u64) -> u64 {
    let mut args = std::env::args().skip_while(|a| a != name).skip(1);
    args.next().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let exe = std::env::var("STEPBOOK_BIN").unwrap_or(env!("CARGO_BIN_EXE_stepbook").into());
    let (guides, changed) = (
        arg("--guides", 10_000) as usize,
        arg("--changed", 2_000) as usize,
    );
    let timeout = Duration::from_secs(arg("--timeout", 300));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("book");
    corpus::generate(&dir, guides, false);
    let mut child = Command::new(&exe)
        .args(["watch", "."])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            sink.lock().unwrap().push(line);
        }
    });
    let count = |needle: &str| {
        log.lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    };
    let start = Instant::now();
    while count("rebuilt: full build") == 0 {
        assert!(start.elapsed() < timeout, "no first build");
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "{guides} guides: first full build after {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for g in 0..changed {
        let path = dir.join(format!("content/guide-{g:04}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("title: \"Lab", "title: \"Changed lab", 1),
        )
        .unwrap();
    }
    let done = loop {
        if count("rebuilt: full build") >= 2 || count("rebuilt: guide ") >= changed {
            break true;
        }
        if t.elapsed() > timeout {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let secs = t.elapsed().as_secs_f64();
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .unwrap_or(0.0);
    let guides_done = count("rebuilt: guide ");
    if done {
        println!(
            "{changed} guides changed: rebuilt after {secs:.1} s ({guides_done} one-guide rebuilds)"
        );
    } else {
        println!(
            "{changed} guides changed: not done after {secs:.1} s ({guides_done} one-guide rebuilds)"
        );
    }
    println!("peak RSS of watch: {:.1} MiB", hwm / 1024.0);
    // Ctrl-C while whatever is left runs.
    for g in 0..changed {
        let path = dir.join(format!("content/guide-{g:04}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("title: \"Changed", "title: \"Again", 1),
        )
        .unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(200));
    println!("after Ctrl-C: {} \"cancelled\" lines", count("cancelled"));
}
