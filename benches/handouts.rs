//! Benchmark of `stepbook handouts` (see benches/README.md): 500 personalised handouts of the
//! bundled guide in one PDF, side by side with what event staff would otherwise do — Chromium
//! printing the same 500 checklist pages from one HTML file.
//!
//! Each side runs once first, not counted (the disk cache then holds the binaries and the
//! fonts, as at an event printing its second batch), then `--runs` times; medians are compared.
//! With `--no-chromium` there is no warm-up.
//!
//! Options (after `--`): `--rows N` (default 500), `--runs N` (default 3), `--no-chromium` (only
//! stepbook: `-- --rows 20000 --runs 1 --no-chromium` is the largest roster it takes), `--cjk`
//! (every name in Chinese characters: an installed CJK font is found and embedded).

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

/// The Typst workers' peak memory (KiB) from `STEPBOOK_TIMINGS`' last line.
fn worker_peak_kib(stderr: &str) -> i64 {
    stderr
        .lines()
        .filter(|l| l.contains("pdf workers"))
        .filter_map(|l| l.rsplit("so far: ").next()?.split(' ').next()?.parse().ok())
        .max()
        .unwrap_or(0)
}

fn pages(pdf: &std::path::Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut rows = 500;
    let mut runs = 3;
    let mut chromium = true;
    let mut cjk = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => rows = args.next().and_then(|v| v.parse().ok()).expect("--rows N"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--no-chromium" => chromium = false,
            "--cjk" => cjk = true,
            _ => {}
        }
    }
    let exe = env!("CARGO_BIN_EXE_stepbook");
    let repo = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The site's address, so that every handout has its QR code (as at an event).
    let toml = std::fs::read_to_string(format!("{repo}/book.toml")).unwrap();
    let toml = toml.replace(
        "[output.html]\n",
        "[output.html]\nbase-url = \"https://labs.example.org/\"\n",
    );
    assert!(toml.contains("base-url"), "book.toml has no [output.html]");
    std::fs::write(d.join("book.toml"), toml).unwrap();
    fs_extra_copy(&format!("{repo}/content"), &d.join("content"));
    let mut roster = String::from("name,code\n");
    for i in 1..=rows {
        if cjk {
            roster.push_str(&format!("王小明 {i},PASS-{i:05}\n"));
        } else {
            roster.push_str(&format!("Attendee {i},PASS-{i:05}\n"));
        }
    }
    std::fs::write(d.join("attendees.csv"), roster).unwrap();

    // One run each not counted when comparing (see the top); the largest roster alone runs once.
    let warm = usize::from(chromium);
    // stepbook: the whole print run, fonts embedded, one PDF.
    let mut times = Vec::new();
    let mut worker_kib = 0;
    for run in 0..runs + warm {
        let t = Instant::now();
        let out = Command::new(exe)
            .current_dir(d)
            // For the Typst worker's peak memory (a process of its own, not waited for as a
            // child, so getrusage does not see it).
            .env("STEPBOOK_TIMINGS", "1")
            .args([
                "handouts",
                "azure-pass",
                "--roster",
                "attendees.csv",
                "--offline",
                "--quiet",
            ])
            .args(["--out", "handouts.pdf"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let took = t.elapsed().as_secs_f64();
        eprintln!(
            "stepbook run {run}: {took:.3} s{}",
            if run == 0 {
                " (warm-up, not counted)"
            } else {
                ""
            }
        );
        if run >= warm {
            times.push(took);
        }
        worker_kib = worker_kib.max(worker_peak_kib(&String::from_utf8_lossy(&out.stderr)));
    }
    let stepbook_rss = children_max_rss_kib().max(worker_kib) as f64 / 1024.0;
    times.sort_by(f64::total_cmp);
    let ours = times[times.len() / 2];
    assert_eq!(pages(&d.join("handouts.pdf")), rows);
    if !chromium {
        // The largest roster alone (20,000 rows, the limit): time and peak memory.
        println!("{rows} handouts: stepbook {ours:.2} s (median), peak {stepbook_rss:.0} MiB");
        return;
    }

    // Chromium: the same pages as one HTML file (the built checklist, once per attendee, with
    // their code), printed to PDF.
    let b = Command::new(exe)
        .current_dir(d)
        .args(["build", "--quiet"])
        .output()
        .unwrap();
    assert!(b.status.success());
    let page = std::fs::read_to_string(d.join("book/html/checklist/azure-pass.html")).unwrap();
    // Without the page's script (ticking on screen): 500 copies of it, each looking at every
    // box of the whole file, took Chromium minutes, which printing does not need.
    let page = without_scripts(&page);
    let (head, rest) = page.split_once("<body").unwrap();
    let body = &rest[rest.find('>').unwrap() + 1..rest.rfind("</body>").unwrap()];
    let mut html = format!("{head}<body class=\"checklist\">");
    for i in 1..=rows {
        html.push_str(&format!(
            "<section style=\"break-after: page\"><p>Attendee {i} · PASS-{i:05}</p>{}</section>",
            body.replace("from your handout", &format!("PASS-{i:05}"))
        ));
    }
    html.push_str("</body></html>");
    let file = d.join("book/html/checklist/all.html");
    std::fs::write(&file, html).unwrap();
    let mut ctimes = Vec::new();
    for run in 0..runs + warm {
        let profile = tempfile::tempdir().unwrap();
        let t = Instant::now();
        let out = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!(
                "--print-to-pdf={}",
                d.join("chromium.pdf").display()
            ))
            .arg(format!("file://{}", file.display()))
            .output()
            .expect("chromium");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let took = t.elapsed().as_secs_f64();
        eprintln!(
            "chromium run {run}: {took:.3} s{}",
            if run == 0 {
                " (warm-up, not counted)"
            } else {
                ""
            }
        );
        if run >= warm {
            ctimes.push(took);
        }
    }
    let all_rss = children_max_rss_kib() as f64 / 1024.0;
    ctimes.sort_by(f64::total_cmp);
    let theirs = ctimes[ctimes.len() / 2];
    println!(
        "{rows} handouts: stepbook {ours:.2} s (peak {stepbook_rss:.0} MiB), chromium printing {} pages {theirs:.2} s (largest process {all_rss:.0} MiB): {:.3}x",
        pages(&d.join("chromium.pdf")),
        ours / theirs
    );
}

/// `html` without its `<script>` elements.
fn without_scripts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</script>")
            .map_or(rest.len(), |e| start + e + "</script>".len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Copies a folder (the bundled guide).
fn fs_extra_copy(from: &str, to: &std::path::Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}
