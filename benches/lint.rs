//! Benchmark of `stepbook lint` on 2,000 distinct screenshot URLs served by one loopback server
//! that answers each request after 50 ms (see benches/README.md).
//!
//! `cargo bench --bench lint`: a first run with default settings (no cache), then a second run
//! that must come entirely from the cache with zero requests.

#[path = "../tests/cli/lint_server.rs"]
#[allow(dead_code)]
mod lint_server;

use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let server = lint_server::TestServer::with_delay(Duration::from_millis(50));
    let addr = server.addr;

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
                "      - text: Step {n}\n        screenshots:\n          - src: http://{addr}/img-{n}.png\n            alt: Screenshot {n}\n"
            ));
        }
        std::fs::write(dir.join(format!("content/guide-{g:03}.yaml")), y).unwrap();
    }
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let run = |label: &str, extra: &[&str]| {
        let before = server.total_hits();
        let t = Instant::now();
        let out = Command::new(exe)
            .args(["lint", "--quiet"])
            .args(extra)
            .arg(dir)
            .output()
            .unwrap();
        let elapsed = t.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let requests = server.total_hits() - before;
        println!(
            "stepbook lint, {label}: {:.3} s, {requests} requests for {urls} URLs (server answers after 50 ms)",
            elapsed.as_secs_f64()
        );
        (elapsed, requests)
    };
    let (_, first) = run("first run, default settings", &[]);
    assert_eq!(first, urls, "each URL once (HEAD)");
    let peak_default = children_max_rss_kib();
    let (_, second) = run("second run, from the cache", &[]);
    assert_eq!(second, 0, "an unchanged book makes no requests");
    // Memory with many requests in flight: one worker thread each.
    let wide = ["--no-cache", "--concurrency", "1024", "--per-host", "1024"];
    let (_, third) = run("no cache, 1,024 in flight", &wide);
    assert_eq!(third, urls);
    println!(
        "peak RSS: {:.1} MiB with the defaults, {:.1} MiB with 1,024 requests in flight",
        peak_default as f64 / 1024.0,
        children_max_rss_kib() as f64 / 1024.0
    );
}

/// Peak resident set size of the largest child waited for so far, in KiB (Linux).
fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init().ru_maxrss
    }
}
