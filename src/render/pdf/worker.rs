//! PDF: Typst compiles in worker processes, so one compile's memory can be bounded. Typst has no
//! memory limit of its own and aborts the process when an allocation fails: a template's
//! `range(2e8)`, or a guide far too long, took the whole build (or `watch`, or `serve`) down.
//! In a worker, a compile that grows past [`MAX_MEMORY`] is killed and becomes an error naming
//! its template; past the time budget, or when the build is cancelled, it is killed too, so no
//! abandoned compile keeps running.
//!
//! The binary turns this on ([`isolate_in`]) and runs [`serve`] when started as a worker; the
//! library alone (its tests, embedders) compiles in-process, as it does when a worker cannot be
//! started. Workers are kept for the next compile (their fonts are loaded once); a worker reads
//! jobs from its stdin and writes results to its stdout, framed by lengths.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::running::Running;
use super::world::{CompileError, FaceRef, File, Files, Parts, message};

/// The first argument that starts the binary as a worker (not a command users see).
pub const WORKER_ARG: &str = "__pdf-worker";

/// The most memory (resident) one compile may take. A guide of 10,000 steps, the most a PDF is
/// made of, takes about 660 MiB. The workbook has its own bound (its screenshots, decoded,
/// add up: 55 real labs took 1.32 GiB).
pub const MAX_MEMORY: u64 = 1536 << 20;

/// What one compile may take: its time and its memory (resident, in a worker).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub time: Duration,
    pub memory: u64,
}

impl Bounds {
    /// One guide's PDF, its checklist's, a batch of handouts, the agenda.
    pub const PDF: Bounds = Bounds {
        time: super::world::TYPST_BUDGET,
        memory: MAX_MEMORY,
    };
}

static EXE: OnceLock<PathBuf> = OnceLock::new();

/// Compiles from now on in worker processes started from `exe` (the running binary).
pub fn isolate_in(exe: PathBuf) {
    let _ = EXE.set(exe);
}

/// A running worker and its pipes.
struct Worker {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(exe: &PathBuf) -> io::Result<Worker> {
        let mut child = Command::new(exe)
            .arg(WORKER_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its only messages would be Rust's own on a crash; the parent says what happened.
            .stderr(Stdio::null())
            .spawn()?;
        STARTED.fetch_add(1, Ordering::Relaxed);
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            end(&mut child);
            return Err(io::Error::other("the worker has no pipes"));
        };
        Ok(Worker {
            child,
            stdin: BufWriter::new(stdin),
            stdout: BufReader::new(stdout),
        })
    }

    fn stop(mut self) {
        end(&mut self.child);
    }
}

/// Kills a worker and reaps it.
fn end(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Workers waiting for a job.
static IDLE: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

/// How many workers were started, and the most memory one of them took (kB), for
/// `STEPBOOK_TIMINGS`: the build's own peak no longer counts the compiles.
static STARTED: AtomicUsize = AtomicUsize::new(0);
static PEAK_KB: AtomicU64 = AtomicU64::new(0);

/// The workers started so far and the peak memory (kB) of the largest, if any was started.
pub fn usage() -> Option<(usize, u64)> {
    let n = STARTED.load(Ordering::Relaxed);
    (n > 0).then(|| (n, PEAK_KB.load(Ordering::Relaxed)))
}

/// Records a worker's peak memory (`VmHWM`) before it is stopped or kept.
fn record_peak(pid: u32) {
    let kb = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line[6..].trim().trim_end_matches("kB").trim().parse().ok()
        });
    if let Some(kb) = kb {
        PEAK_KB.fetch_max(kb, Ordering::Relaxed);
    }
}

/// Starts a worker now, if none is waiting, for a compile to come: it loads the standard
/// library and the embedded fonts while the caller prepares the document.
pub fn prestart() {
    let Some(exe) = EXE.get() else { return };
    let Ok(mut idle) = IDLE.lock() else { return };
    if idle.is_empty()
        && let Ok(w) = Worker::start(exe)
    {
        idle.push(w);
    }
}

/// Compiles in a worker, waiting as [`super::world::compile_parts`] does (its time bound, the
/// build's cancellation) and bounding the worker's memory; `None` when isolation is off or no
/// worker can be started (the caller then compiles in-process).
pub fn compile(
    parts: &Parts,
    files: &Files,
    faces: &[FaceRef],
    accessible: bool,
    bounds: Bounds,
) -> Option<Result<Vec<u8>, Vec<CompileError>>> {
    let exe = EXE.get()?;
    let idle = IDLE.lock().ok().and_then(|mut idle| idle.pop());
    let mut worker = match idle {
        Some(w) => w,
        None => Worker::start(exe).ok()?,
    };
    if send_job(&mut worker.stdin, parts, files, faces, accessible).is_err() {
        // A worker that died while idle: start a fresh one once.
        worker.stop();
        worker = Worker::start(exe).ok()?;
        send_job(&mut worker.stdin, parts, files, faces, accessible).ok()?;
    }
    Some(wait(worker, bounds))
}

/// Waits for the worker's answer, watching the clock, the build's cancellation and its memory.
fn wait(worker: Worker, bounds: Bounds) -> Result<Vec<u8>, Vec<CompileError>> {
    let Worker {
        mut child,
        stdin,
        mut stdout,
    } = worker;
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("typst-worker".into())
        .spawn(move || {
            let answer = read_answer(&mut stdout);
            let _ = tx.send((answer, stdout));
        });
    if reader.is_err() {
        end(&mut child);
        return Err(vec![message("cannot wait for the Typst worker")]);
    }
    let started = Instant::now();
    let watched = Watched { child, stdin };
    loop {
        match rx.recv_timeout(super::world::pause()) {
            Ok((Ok(made), stdout)) => {
                watched.keep(stdout);
                return made;
            }
            Ok((Err(_), _)) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(vec![watched.crashed()]);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Some(why) = super::world::must_stop(started, bounds.time) {
            watched.kill();
            return Err(vec![why]);
        }
        if watched.resident().is_some_and(|r| r > bounds.memory) {
            watched.kill();
            return Err(vec![message(format!(
                "compiling it took more than {} MiB of memory, and was stopped (a template that makes huge arrays or loops, or a document far too long?)",
                bounds.memory >> 20
            ))]);
        }
    }
}

/// A worker whose answer is awaited.
struct Watched {
    child: Child,
    stdin: BufWriter<ChildStdin>,
}

impl Watched {
    /// Its resident memory, from `/proc` (None where that cannot be read).
    fn resident(&self) -> Option<u64> {
        let statm = std::fs::read_to_string(format!("/proc/{}/statm", self.child.id())).ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        Some(pages * 4096)
    }

    fn kill(mut self) {
        record_peak(self.child.id());
        end(&mut self.child);
    }

    /// Back to the idle workers, as many as compiles can run at once.
    fn keep(self, stdout: BufReader<ChildStdout>) {
        record_peak(self.child.id());
        let worker = Worker {
            child: self.child,
            stdin: self.stdin,
            stdout,
        };
        match IDLE.lock() {
            Ok(mut idle) if idle.len() < rayon::current_num_threads() => idle.push(worker),
            _ => worker.stop(),
        }
    }

    /// What to say of a worker that ended without an answer.
    fn crashed(mut self) -> CompileError {
        let status = self.child.wait().ok();
        #[cfg(unix)]
        let signal = status.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
        #[cfg(not(unix))]
        let signal: Option<i32> = None;
        match signal {
            // Rust aborts when an allocation fails.
            Some(6) => message(format!(
                "compiling it ran out of memory (a template that makes huge arrays or loops, or a document far too long?); a PDF may take {} MiB",
                MAX_MEMORY >> 20
            )),
            _ => message("the Typst compile crashed without a result"),
        }
    }
}

// The worker's side.

/// Runs the worker: compiles each job read from stdin and writes its result to stdout, until
/// stdin ends, calling `idle` after each (the binary gives its allocator's memory back there).
/// Returns the process's exit code.
pub fn serve(idle: impl Fn()) -> i32 {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and touches no memory. A worker
    // whose parent is killed mid-compile is killed too instead of compiling on for nobody.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    // Ready before the first job comes (its sources are still being made).
    let _ = std::thread::Builder::new()
        .name("typst-warm".into())
        .spawn(super::world::warm);
    let mut input = BufReader::new(io::stdin().lock());
    let mut output = BufWriter::new(io::stdout().lock());
    loop {
        let (parts, files, faces, accessible) = match read_job(&mut input) {
            Ok(Some(job)) => job,
            Ok(None) => return 0,
            Err(_) => return 1,
        };
        let made = super::world::compile_here(parts, &files, &faces, accessible);
        if write_answer(&mut output, &made)
            .and_then(|()| output.flush())
            .is_err()
        {
            return 1;
        }
        drop(made);
        idle();
    }
}

// The frames: lengths as little-endian u64, then bytes.

fn put(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(bytes)
}

fn put_len(w: &mut impl Write, n: usize) -> io::Result<()> {
    w.write_all(&(n as u64).to_le_bytes())
}

fn get_len(r: &mut impl Read) -> io::Result<usize> {
    let mut b = [0; 8];
    r.read_exact(&mut b)?;
    usize::try_from(u64::from_le_bytes(b)).map_err(io::Error::other)
}

fn get(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let n = get_len(r)?;
    let mut v = Vec::new();
    // Read as it comes, so a bad length cannot allocate up front.
    r.take(n as u64).read_to_end(&mut v)?;
    if v.len() != n {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(v)
}

fn get_string(r: &mut impl Read) -> io::Result<String> {
    String::from_utf8(get(r)?).map_err(io::Error::other)
}

fn send_job(
    w: &mut impl Write,
    parts: &Parts,
    files: &Files,
    faces: &[FaceRef],
    accessible: bool,
) -> io::Result<()> {
    put_len(w, parts.sources.len())?;
    for s in &parts.sources {
        put(w, s.as_bytes())?;
    }
    match &parts.running {
        Some(r) => {
            w.write_all(&[1, u8::from(r.two_up)])?;
            put(w, r.setup.as_bytes())?;
            put(w, r.page_of.as_bytes())?;
        }
        None => w.write_all(&[0])?,
    }
    w.write_all(&[u8::from(accessible)])?;
    put_len(w, faces.len())?;
    for f in faces {
        put(w, f.path.as_os_str().as_encoded_bytes())?;
        put_len(w, f.index as usize)?;
    }
    put_len(w, files.len())?;
    for (name, file) in files {
        put(w, name.as_bytes())?;
        match file {
            File::Path(p) => {
                w.write_all(&[0])?;
                put(w, p.as_os_str().as_encoded_bytes())?;
            }
            File::Bytes(b) => {
                w.write_all(&[1])?;
                put(w, b)?;
            }
            File::Image(b) => {
                w.write_all(&[1])?;
                put(w, b.as_slice())?;
            }
        }
    }
    w.flush()
}

/// A path sent as its bytes.
fn path_of(body: Vec<u8>) -> PathBuf {
    #[cfg(unix)]
    let path =
        PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(body));
    #[cfg(not(unix))]
    let path = PathBuf::from(String::from_utf8_lossy(&body).into_owned());
    path
}

/// A job: the document's parts, the files they read, the font faces beyond the embedded ones,
/// whether the PDF is PDF/UA-1.
type Job = (Parts, Files, Vec<FaceRef>, bool);

/// The next job, or `None` when the input ends before one begins.
fn read_job(r: &mut impl Read) -> io::Result<Option<Job>> {
    let mut first = [0; 8];
    match r.read_exact(&mut first) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let count = u64::from_le_bytes(first);
    let sources = (0..count)
        .map(|_| get_string(r))
        .collect::<io::Result<Vec<_>>>()?;
    let mut running = [0];
    r.read_exact(&mut running)?;
    let running = if running[0] == 1 {
        let mut two_up = [0];
        r.read_exact(&mut two_up)?;
        Some(Running {
            two_up: two_up[0] == 1,
            setup: get_string(r)?,
            page_of: get_string(r)?,
        })
    } else {
        None
    };
    let mut accessible = [0];
    r.read_exact(&mut accessible)?;
    let mut faces = Vec::new();
    for _ in 0..get_len(r)? {
        let path = path_of(get(r)?);
        let index = u32::try_from(get_len(r)?).map_err(io::Error::other)?;
        faces.push(FaceRef { path, index });
    }
    let mut files = Files::new();
    for _ in 0..get_len(r)? {
        let name = get_string(r)?;
        let mut tag = [0];
        r.read_exact(&mut tag)?;
        let body = get(r)?;
        let file = if tag[0] == 0 {
            File::Path(path_of(body))
        } else {
            File::Image(typst::foundations::Bytes::new(body))
        };
        files.insert(name, file);
    }
    Ok(Some((
        Parts { sources, running },
        files,
        faces,
        accessible[0] == 1,
    )))
}

fn write_answer(w: &mut impl Write, made: &Result<Vec<u8>, Vec<CompileError>>) -> io::Result<()> {
    match made {
        Ok(pdf) => {
            w.write_all(&[0])?;
            put(w, pdf)
        }
        Err(errors) => {
            w.write_all(&[1])?;
            put_len(w, errors.len())?;
            for e in errors {
                put(w, e.message.as_bytes())?;
                match &e.line {
                    Some((n, text)) => {
                        w.write_all(&[1])?;
                        put_len(w, *n)?;
                        put(w, text.as_bytes())?;
                    }
                    None => w.write_all(&[0])?,
                }
            }
            Ok(())
        }
    }
}

fn read_answer(r: &mut impl Read) -> io::Result<Result<Vec<u8>, Vec<CompileError>>> {
    let mut tag = [0];
    r.read_exact(&mut tag)?;
    if tag[0] == 0 {
        return Ok(Ok(get(r)?));
    }
    let mut errors = Vec::new();
    for _ in 0..get_len(r)? {
        let message = get_string(r)?;
        let mut has_line = [0];
        r.read_exact(&mut has_line)?;
        let line = if has_line[0] == 1 {
            Some((get_len(r)?, get_string(r)?))
        } else {
            None
        };
        errors.push(CompileError { message, line });
    }
    Ok(Err(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_and_its_answers_survive_the_frames() {
        let mut files = Files::new();
        files.insert("/a.png".into(), File::Bytes(vec![1, 2, 3]));
        files.insert("/b.png".into(), File::Path(PathBuf::from("media/b.png")));
        let mut wire = Vec::new();
        let faces = [FaceRef {
            path: PathBuf::from("/fonts/cjk.ttc"),
            index: 3,
        }];
        let parts = Parts {
            sources: vec!["one".into(), "two é".into()],
            running: Some(Running {
                setup: "#set page(flipped: true)".into(),
                two_up: true,
                page_of: "Page #(n) of #(m)".into(),
            }),
        };
        send_job(&mut wire, &parts, &files, &faces, true).unwrap();
        let (parts_back, back, faces_back, accessible) =
            read_job(&mut wire.as_slice()).unwrap().unwrap();
        assert!(accessible);
        assert_eq!(parts_back, parts);
        assert_eq!(faces_back, faces);
        assert!(matches!(&back["/a.png"], File::Image(b) if b.as_slice() == [1, 2, 3]));
        assert!(matches!(&back["/b.png"], File::Path(p) if p == &PathBuf::from("media/b.png")));
        assert!(read_job(&mut &[][..]).unwrap().is_none());

        for made in [
            Ok(b"%PDF".to_vec()),
            Err(vec![
                message("no line"),
                CompileError {
                    message: "bad".into(),
                    line: Some((3, "#x".into())),
                },
            ]),
        ] {
            let mut wire = Vec::new();
            write_answer(&mut wire, &made).unwrap();
            assert_eq!(read_answer(&mut wire.as_slice()).unwrap(), made);
        }
    }

    #[test]
    fn a_length_past_the_input_is_an_error_not_an_allocation() {
        let mut wire = (1u64 << 60).to_le_bytes().to_vec();
        wire.extend(b"short");
        assert!(get(&mut wire.as_slice()).is_err());
    }
}
