//! Output streams that fail: a reader that went away (`| head -c 100`) ends a command quietly,
//! a full disk is a one-line error; neither panics.

use std::process::{Command, Stdio};

use crate::Book;

/// Runs `stepbook ARGS` in `book` with `stdout` as its standard output: (exit code, stderr).
fn run_into(book: &Book, args: &[&str], stdout: Stdio) -> (i32, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("stepbook"))
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The write end of a pipe whose read end is already closed: every write fails with EPIPE.
#[cfg(unix)]
fn closed_pipe() -> Stdio {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills two new descriptors; the read end is closed at once and the write
    // end is owned by the returned `Stdio`.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        Stdio::from_raw_fd(fds[1])
    }
}

const COMMANDS: [&[&str]; 5] = [
    &["check", "--format", "json"],
    &["completions", "bash"],
    &["man"],
    &["schema"],
    &["lint", "--offline", "--format", "junit"],
];

#[cfg(unix)]
#[test]
fn a_reader_that_went_away_ends_the_command_quietly() {
    let book = Book::bundled();
    for args in COMMANDS {
        let (code, stderr) = run_into(&book, args, closed_pipe());
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_one_line_error() {
    let book = Book::bundled();
    for args in COMMANDS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = run_into(&book, args, Stdio::from(full));
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}
