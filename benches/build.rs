//! Benchmark of `stepbook build` on a generated corpus (see benches/README.md).
//!
//! `cargo bench --bench build` generates 1,000 guides x 3 sections x 10 steps (notes and local
//! screenshots on a third of the steps), builds all three outputs several times with the release
//! binary and prints the wall time and peak memory (max RSS) of each run.
//!
//! Options (after `--`): `--guides N`, `--runs N`, `--distinct-images` (every screenshot its own
//! file instead of a shared pool of 100), `--keep DIR` (write the corpus to DIR and keep it),
//! `--variables` (also build the same corpus with a `{{ event.name }}` in every step, and compare).

use std::process::Command;
use std::time::Instant;

#[path = "corpus.rs"]
mod corpus;
use corpus::{generate, generate_with};

struct Opts {
    guides: usize,
    runs: usize,
    distinct: bool,
    keep: Option<String>,
    variables: bool,
}

fn opts() -> Opts {
    let mut o = Opts {
        guides: 1000,
        runs: 5,
        distinct: false,
        keep: None,
        variables: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--guides" => {
                o.guides = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--guides N")
            }
            "--runs" => o.runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--distinct-images" => o.distinct = true,
            "--variables" => o.variables = true,
            "--keep" => o.keep = args.next(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    o
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

fn main() {
    let o = opts();
    let tmp = tempfile::tempdir().unwrap();
    let dir = o.keep.as_ref().map_or(tmp.path().to_path_buf(), Into::into);
    let start = Instant::now();
    generate(&dir, o.guides, o.distinct);
    eprintln!(
        "corpus: {} guides x 3 sections x 10 steps ({} screenshots) in {} ({:.1?})",
        o.guides,
        if o.distinct {
            "distinct"
        } else {
            "pool of 100"
        },
        dir.display(),
        start.elapsed()
    );
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let measure = |label: &str,
                   dir: &std::path::Path,
                   dest: &dyn Fn(usize) -> std::path::PathBuf|
     -> f64 {
        let mut times = Vec::new();
        for run in 0..o.runs {
            let t = Instant::now();
            let out = Command::new(exe)
                .args(["build", "--quiet"])
                .arg(dir)
                .arg("--dest-dir")
                .arg(dest(run))
                .output()
                .unwrap();
            let elapsed = t.elapsed();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!("{label} run {run}: {:.3} s", elapsed.as_secs_f64());
            times.push(elapsed.as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "stepbook build, {label} ({} guides, 3 outputs): median {:.3} s, min {:.3} s, max {:.3} s",
            o.guides,
            times[times.len() / 2],
            times[0],
            times[times.len() - 1],
        );
        times[times.len() / 2]
    };
    // A first build: a new destination each time (nothing to replace or reuse).
    let first = measure("first build", &dir, &|run| dir.join(format!("fresh-{run}")));
    // Rebuilds of an unchanged book into the same destination.
    measure("rebuild", &dir, &|_| dir.join("book"));
    if o.variables {
        // The same corpus with a placeholder in every step, built side by side.
        let vdir = dir.join("with-variables");
        generate_with(&vdir, o.guides, o.distinct, true);
        let with = measure(
            "first build, {{ event.name }} in every step",
            &vdir,
            &|run| vdir.join(format!("fresh-{run}")),
        );
        println!(
            "variables: {:.3} s with, {:.3} s without: {:+.1}%",
            with,
            first,
            (with / first - 1.0) * 100.0
        );
    }
    let rss_mib = children_max_rss_kib() as f64 / 1024.0;
    println!("peak RSS of any run: {rss_mib:.1} MiB");
}
