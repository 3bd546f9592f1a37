//! Benchmark of hostile inputs (issue #27; see benches/README.md "Hostile inputs"): the largest
//! input each hardening item states, run through the release binary, with its time and peak
//! memory. A bounded input must cost little and end with its diagnostic, never an abort.
//!
//! Options (after `--`): `--case NAME` (default: all), `--runs N` (default 3).
//! Cases: `variables` (a 500 KB value used 2,000 times in a 16 KB guide: `check` and `build`),
//! `long-pdf` (guides of 10,000 and 70,000 steps built with `[output.pdf]`), `code-pdf` (a
//! 48 KB Perl block and a 166 KB YAML block in a PDF).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs `exe args` in `dir`: (exit code, seconds, peak RSS in MiB) of that child alone.
// The child is reaped by `wait4` (which also gives its own peak memory), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn measure(exe: &str, dir: &Path, args: &[&str]) -> (i32, f64, f64) {
    let t = Instant::now();
    let child = Command::new(exe)
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the release binary runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 reaps our own child and fills the status and rusage it is given.
    let usage = unsafe {
        libc::wait4(pid, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = t.elapsed().as_secs_f64();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    (code, secs, usage.ru_maxrss as f64 / 1024.0)
}

/// The bundled book in a fresh folder.
fn bundled() -> tempfile::TempDir {
    let repo = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(format!("{repo}/book.toml"), dir.path().join("book.toml")).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::copy(
        format!("{repo}/content/azure-pass.yaml"),
        dir.path().join("content/azure-pass.yaml"),
    )
    .unwrap();
    dir
}

/// Item 15: a 500 KB value used 2,000 times in a 16 KB guide (was: 1 GB, then an abort).
fn variables(exe: &str, runs: usize) {
    let book = bundled();
    let d = book.path();
    let toml = std::fs::read_to_string(d.join("book.toml")).unwrap();
    let value = "x".repeat(500_000);
    std::fs::write(
        d.join("book.toml"),
        format!("{toml}\n[variables]\nbig = \"{value}\"\n"),
    )
    .unwrap();
    let steps: String = (0..2_000)
        .map(|i| format!("      - text: \"{i} {{{{ big }}}}\"\n"))
        .collect();
    let guide = format!("title: Big\nsections:\n  - title: S\n    steps:\n{steps}");
    std::fs::write(d.join("content/big.yaml"), &guide).unwrap();
    println!(
        "variables: a {} KB value used 2,000 times in a {} KB guide",
        value.len() / 1000,
        guide.len() / 1000
    );
    for cmd in ["check", "build"] {
        for _ in 0..runs {
            let (code, secs, mib) = measure(exe, d, &[cmd]);
            println!("  {cmd:<6} exit {code}  {secs:6.2} s  {mib:7.1} MiB");
        }
    }
}

/// The bundled book with `[output.pdf]` and `content/big.yaml` as `guide`.
fn pdf_book(guide: &str) -> tempfile::TempDir {
    let book = bundled();
    let d = book.path();
    let toml = std::fs::read_to_string(d.join("book.toml")).unwrap();
    std::fs::write(d.join("book.toml"), format!("{toml}\n[output.pdf]\n")).unwrap();
    std::fs::write(d.join("content/big.yaml"), guide).unwrap();
    book
}

/// Item 18: one guide of 70,000 steps (was: an abort at 2.6 GB) and of 10,000, the most a PDF
/// is made of (20,000 took 12 s and 1.2 GB).
fn long_pdf(exe: &str, runs: usize) {
    for n in [10_000, 70_000] {
        let steps: String = (0..n)
            .map(|i| format!("      - text: Step {i}\n"))
            .collect();
        let guide = format!("title: Long\nsections:\n  - title: S\n    steps:\n{steps}");
        let book = pdf_book(&guide);
        println!("long-pdf: {n} steps ({} KB)", guide.len() / 1000);
        for _ in 0..runs {
            let (code, secs, mib) = measure(exe, book.path(), &["build"]);
            println!("  build  exit {code}  {secs:6.2} s  {mib:7.1} MiB");
        }
    }
}

/// Item 26: highlighting that was super-linear: a 48 KB Perl block of `s/` and `(` (over
/// 120 s) and a 195 KB YAML block (28.6 s).
fn code_pdf(exe: &str, runs: usize) {
    let perl = format!("s/{}", "(".repeat(48_000));
    let yaml: String = (0..8_000)
        .map(|i| format!("key{i}: [a, {{b: c}}]\n"))
        .collect();
    for (name, lang, code) in [("perl", "perl", perl), ("yaml", "yaml", yaml)] {
        let block: String = code.lines().map(|l| format!("          {l}\n")).collect();
        let guide = format!(
            "title: Code\nsections:\n  - title: S\n    steps:\n      - text: |\n          ```{lang}\n{block}          ```\n"
        );
        let book = pdf_book(&guide);
        println!("code-pdf: a {} KB {name} block", code.len() / 1000);
        for _ in 0..runs {
            let (code, secs, mib) = measure(exe, book.path(), &["build"]);
            println!("  build  exit {code}  {secs:6.2} s  {mib:7.1} MiB");
        }
    }
}

fn main() {
    let mut case = String::from("all");
    let mut runs = 3;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--case" => case = args.next().expect("--case NAME"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            _ => {}
        }
    }
    let exe = env!("CARGO_BIN_EXE_stepbook");
    if matches!(case.as_str(), "all" | "variables") {
        variables(exe, runs);
    }
    if matches!(case.as_str(), "all" | "long-pdf") {
        long_pdf(exe, runs);
    }
    if matches!(case.as_str(), "all" | "code-pdf") {
        code_pdf(exe, runs);
    }
}
