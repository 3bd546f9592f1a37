//! Benchmark of hostile inputs (issue #27; see benches/README.md "Hostile inputs"): the largest
//! input each hardening item states, run through the release binary, with its time and peak
//! memory. A bounded input must cost little and end with its diagnostic, never an abort.
//!
//! Options (after `--`): `--case NAME` (default: all), `--runs N` (default 3).
//! Cases: `variables` (a 500 KB value used 2,000 times in a 16 KB guide: `check` and `build`).

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
}
