//! Benchmark of `stepbook build` on a generated corpus (see benches/README.md).
//!
//! `cargo bench --bench build` generates 1,000 guides x 3 sections x 10 steps (notes and local
//! screenshots on a third of the steps), builds all three outputs several times with the release
//! binary and prints the wall time and peak memory (max RSS) of each run.
//!
//! Options (after `--`): `--guides N`, `--runs N`, `--distinct-images` (every screenshot its own
//! file instead of a shared pool of 100), `--keep DIR` (write the corpus to DIR and keep it),
//! `--code` (a code block in every third step: PowerShell, bash, KQL, JSON, YAML, SQL, Python),
//! `--variables` (also build the same corpus with a `{{ event.name }}` in every step, and compare),
//! `--baseline BIN` (also build the same corpus with another stepbook binary, e.g. an earlier
//! version, and print both and their ratio), `--mdbook BIN` (also build the same guides as an
//! mdBook, stepbook's Markdown output as its chapters, with that `mdbook`), `--runs 0`
//! (generate the corpus only, with `--keep`). Each run's peak memory is its own (`wait4`); a first build's output is removed
//! after its run.

use std::process::Command;
use std::time::Instant;

#[path = "corpus.rs"]
mod corpus;
use corpus::generate_with;

struct Opts {
    guides: usize,
    runs: usize,
    distinct: bool,
    keep: Option<String>,
    variables: bool,
    baseline: Option<String>,
    mdbook: Option<String>,
    code: bool,
}

fn opts() -> Opts {
    let mut o = Opts {
        guides: 1000,
        runs: 5,
        distinct: false,
        keep: None,
        variables: false,
        baseline: None,
        mdbook: None,
        code: false,
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
            "--baseline" => o.baseline = args.next(),
            "--mdbook" => o.mdbook = args.next(),
            "--code" => o.code = true,
            _ => {} // cargo bench passes `--bench`
        }
    }
    o
}

/// Runs `exe build --quiet DIR --dest-dir DEST` and returns its wall time in seconds and its
/// own peak resident set size in MiB (from `wait4`, Linux).
fn run_build(exe: &str, dir: &std::path::Path, dest: &std::path::Path) -> (f64, f64) {
    let mut cmd = Command::new(exe);
    cmd.args(["build", "--quiet"])
        .arg(dir)
        .arg("--dest-dir")
        .arg(dest);
    run_measured(cmd, exe)
}

/// Runs `cmd` and returns its wall time in seconds and its own peak RSS in MiB.
// The child is waited for with `wait4` (for its own rusage), which clippy does not see.
#[allow(clippy::zombie_processes)]
fn run_measured(mut cmd: Command, exe: &str) -> (f64, f64) {
    let t = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 fills the status and the rusage it is given, for our own child.
    let usage = unsafe {
        libc::wait4(child.id() as i32, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    let elapsed = t.elapsed().as_secs_f64();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{exe} failed"
    );
    (elapsed, usage.ru_maxrss as f64 / 1024.0)
}

fn main() {
    let o = opts();
    let tmp = tempfile::tempdir().unwrap();
    let dir = o.keep.as_ref().map_or(tmp.path().to_path_buf(), Into::into);
    let start = Instant::now();
    generate_with(&dir, o.guides, o.distinct, false, o.code);
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
    if o.runs == 0 {
        // `--runs 0 --keep DIR`: the corpus only, for measuring other commands on it.
        return;
    }
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let mut peak: f64 = 0.0;
    let mut measure = |label: &str, bin: &str, dir: &std::path::Path, fresh: bool| -> (f64, f64) {
        let mut times = Vec::new();
        let mut rss: f64 = 0.0;
        for run in 0..o.runs {
            let dest = if fresh {
                dir.join(format!("fresh-{run}"))
            } else {
                dir.join(format!(
                    "book-{}",
                    if bin == exe { "new" } else { "baseline" }
                ))
            };
            let (secs, mib) = run_build(bin, dir, &dest);
            if fresh {
                let _ = std::fs::remove_dir_all(&dest);
            }
            eprintln!("{label} run {run}: {secs:.3} s, {mib:.1} MiB");
            times.push(secs);
            rss = rss.max(mib);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{label} ({} guides, 3 outputs): median {:.3} s, min {:.3} s, max {:.3} s, peak RSS {rss:.1} MiB",
            o.guides,
            times[times.len() / 2],
            times[0],
            times[times.len() - 1],
        );
        peak = peak.max(rss);
        (times[times.len() / 2], rss)
    };
    // A first build: a new destination each time (nothing to replace or reuse).
    let first = measure("stepbook build, first build", exe, &dir, true);
    // Rebuilds of an unchanged book into the same destination.
    measure("stepbook build, rebuild", exe, &dir, false);
    if let Some(base) = &o.baseline {
        let b = measure("baseline build, first build", base, &dir, true);
        println!(
            "this build / baseline: time {:.2}x ({:+.1}%), peak RSS {:.2}x",
            first.0 / b.0,
            (first.0 / b.0 - 1.0) * 100.0,
            first.1 / b.1
        );
    }
    if o.variables {
        // The same corpus with a placeholder in every step, built side by side.
        let vdir = dir.join("with-variables");
        generate_with(&vdir, o.guides, o.distinct, true, o.code);
        let with = measure(
            "stepbook build, first build, {{ event.name }} in every step",
            exe,
            &vdir,
            true,
        );
        println!(
            "variables: {:.3} s with, {:.3} s without: {:+.1}%",
            with.0,
            first.0,
            (with.0 / first.0 - 1.0) * 100.0
        );
    }
    if let Some(mdbook) = &o.mdbook {
        let (secs, mib) = mdbook_side_by_side(mdbook, exe, &dir, o.runs);
        println!(
            "stepbook / mdBook: time {:.2}x, peak RSS {:.2}x (stepbook: three outputs; mdBook: HTML)",
            first.0 / secs,
            first.1 / mib
        );
    }
    println!("peak RSS of any run: {peak:.1} MiB");
}

/// The same guides as an mdBook (stepbook's Markdown output as its chapters, one per guide, in
/// book order), built `runs` times by `mdbook build`: median wall time and peak RSS.
fn mdbook_side_by_side(mdbook: &str, exe: &str, dir: &std::path::Path, runs: usize) -> (f64, f64) {
    let md = dir.join("mdbook-source");
    let _ = std::fs::remove_dir_all(&md);
    run_build(exe, dir, &md.join("stepbook-out"));
    let src = md.join("src");
    std::fs::rename(md.join("stepbook-out/markdown"), &src).unwrap();
    let _ = std::fs::remove_dir_all(md.join("stepbook-out"));
    let mut chapters: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md") && n != "index.md")
        .collect();
    chapters.sort();
    let mut summary = String::from("# Summary\n\n");
    for c in &chapters {
        summary.push_str(&format!("- [{}]({c})\n", c.trim_end_matches(".md")));
    }
    std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
    std::fs::write(
        md.join("book.toml"),
        "[book]\ntitle = \"Generated corpus\"\nsrc = \"src\"\n",
    )
    .unwrap();
    let mut times = Vec::new();
    let mut rss: f64 = 0.0;
    for run in 0..runs {
        let out = md.join(format!("out-{run}"));
        let mut cmd = Command::new(mdbook);
        cmd.arg("build").arg(&md).arg("--dest-dir").arg(&out);
        let (secs, mib) = run_measured(cmd, mdbook);
        let _ = std::fs::remove_dir_all(&out);
        eprintln!("mdbook build run {run}: {secs:.3} s, {mib:.1} MiB");
        times.push(secs);
        rss = rss.max(mib);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "mdbook build ({} chapters, HTML): median {median:.3} s, min {:.3} s, max {:.3} s, peak RSS {rss:.1} MiB",
        chapters.len(),
        times[0],
        times[times.len() - 1]
    );
    (median, rss)
}
