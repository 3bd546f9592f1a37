//! Benchmark of `stepbook import` on a lab built to be slow (issue #27 item 29): N steps, each
//! with a missing image (a warning at its line) and its own `@lab.Variable` (see
//! benches/README.md).
//!
//! Options (after `--`): `--steps N` (default 30,000: 2.2 MB of Markdown), `--runs N` (default 3).

use std::process::Command;
use std::time::Instant;

fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init().ru_maxrss
    }
}

fn main() {
    let mut steps = 30_000;
    let mut runs = 3;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--steps" => steps = args.next().and_then(|v| v.parse().ok()).expect("--steps N"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            _ => {}
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("book.toml"),
        "[book]\ntitle = \"Import benchmark\"\n",
    )
    .unwrap();
    let mut lab = String::from("# Lab\n\n## Part\n\n");
    for i in 0..steps {
        lab.push_str(&format!(
            "1. Step {i} uses @lab.Variable(Var{i})\n\n    ![shot](missing{i}.png)\n\n"
        ));
    }
    std::fs::write(d.join("lab.md"), &lab).unwrap();
    let mut times = Vec::new();
    for run in 0..runs {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_stepbook"))
            .current_dir(d)
            .args(["import", "lab.md", "--force", "--quiet"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        times.push(t.elapsed().as_secs_f64());
        eprintln!("run {run}: {:.3} s", times[run]);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "import of {steps} steps ({} KB), each with a missing image and a lab variable: {:.3} s (median), peak {:.0} MiB",
        lab.len() / 1024,
        times[times.len() / 2],
        children_max_rss_kib() as f64 / 1024.0
    );
}
