//! Benchmark of `stepbook build` on a generated corpus (see benches/README.md).
//!
//! `cargo bench --bench build` generates 1,000 guides x 3 sections x 10 steps (notes and local
//! screenshots on a third of the steps), builds all three outputs several times with the release
//! binary and prints the wall time and peak memory (max RSS) of each run.
//!
//! Options (after `--`): `--guides N`, `--runs N`, `--distinct-images` (every screenshot its own
//! file instead of a shared pool of 100), `--keep DIR` (write the corpus to DIR and keep it).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

struct Opts {
    guides: usize,
    runs: usize,
    distinct: bool,
    keep: Option<String>,
}

fn opts() -> Opts {
    let mut o = Opts {
        guides: 1000,
        runs: 5,
        distinct: false,
        keep: None,
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
            "--keep" => o.keep = args.next(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    o
}

/// A small valid PNG of the given size (solid colour).
fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let row: Vec<u8> = std::iter::once(0)
        .chain((0..w).flat_map(|x| [seed, (x % 256) as u8, 128]))
        .collect();
    let raw = row.repeat(h as usize);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut c = kind.to_vec();
        c.extend_from_slice(data);
        out.extend_from_slice(&c);
        out.extend_from_slice(&crc32(&c).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// zlib stream with stored (uncompressed) blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        out.extend_from_slice(&(c.len() as u16).to_le_bytes());
        out.extend_from_slice(&(!(c.len() as u16)).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// Writes the corpus: book.toml, content/guide-NNNN.yaml, and the screenshots.
pub fn generate(dir: &Path, guides: usize, distinct: bool) {
    std::fs::create_dir_all(dir.join("content/img")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Benchmark corpus\"\n",
    )
    .unwrap();
    let pool = 100;
    if !distinct {
        for i in 0..pool {
            std::fs::write(
                dir.join(format!("content/img/shot-{i:03}.png")),
                png(320, 200, i as u8),
            )
            .unwrap();
        }
    }
    for g in 0..guides {
        let mut y = String::new();
        writeln!(y, "title: \"Lab {g}: deploy and verify a sample workload\"").unwrap();
        writeln!(y, "summary: |\n  In this lab you deploy a **sample workload** and verify it. See [the docs](https://example.com/docs/{g}).").unwrap();
        writeln!(y, "duration: 45m\naudience: workshop attendees").unwrap();
        writeln!(
            y,
            "prerequisites:\n  - An account with `Contributor` rights\n  - A browser"
        )
        .unwrap();
        writeln!(
            y,
            "notes:\n  - kind: important\n    text: Use a **new** account for this lab."
        )
        .unwrap();
        writeln!(y, "sections:").unwrap();
        for s in 0..3 {
            writeln!(
                y,
                "  - title: \"Task {}: configure part {s} of the lab\"",
                s + 1
            )
            .unwrap();
            writeln!(y, "    intro: In this task you configure *part {s}*.").unwrap();
            writeln!(y, "    steps:").unwrap();
            for st in 0..10 {
                let n = s * 10 + st;
                writeln!(y, "      - text: In the portal, select **Resource {n}** and then select `Create`. Enter the name `res-{g}-{n}` and continue.").unwrap();
                if n % 3 == 0 {
                    writeln!(y, "        notes:\n          - kind: note\n            text: It can take a moment for **Resource {n}** to appear.").unwrap();
                    let src = if distinct {
                        let name = format!("content/img/g{g:04}-{n:02}.png");
                        std::fs::write(dir.join(&name), png(320, 200, (n % 256) as u8)).unwrap();
                        format!("img/g{g:04}-{n:02}.png")
                    } else {
                        format!("img/shot-{:03}.png", (g * 7 + n) % pool)
                    };
                    writeln!(y, "        screenshots:\n          - src: {src}\n            alt: The Create blade for resource {n}").unwrap();
                    writeln!(y, "        result: The resource **res-{g}-{n}** is listed.").unwrap();
                }
                if n == 29 {
                    writeln!(y, "        wait: 5m").unwrap();
                }
            }
        }
        std::fs::write(dir.join(format!("content/guide-{g:04}.yaml")), y).unwrap();
    }
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
    let measure = |label: &str, dest: &dyn Fn(usize) -> std::path::PathBuf| {
        let mut times = Vec::new();
        for run in 0..o.runs {
            let t = Instant::now();
            let out = Command::new(exe)
                .args(["build", "--quiet"])
                .arg(&dir)
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
    };
    // A first build: a new destination each time (nothing to replace or reuse).
    measure("first build", &|run| dir.join(format!("fresh-{run}")));
    // Rebuilds of an unchanged book into the same destination.
    measure("rebuild", &|_| dir.join("book"));
    let rss_mib = children_max_rss_kib() as f64 / 1024.0;
    println!("peak RSS of any run: {rss_mib:.1} MiB");
}
