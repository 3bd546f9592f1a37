//! Integration tests: the `stepbook` binary run on fixture books copied into temporary folders.

mod architecture;
mod browser;
mod build;
mod cdp;
mod corpus;
mod diagnostics;
mod docs;
mod ecosystem;
#[cfg(feature = "lsp")]
mod editors;
mod event;
mod exchange;
mod features;
mod hostile;
mod import;
mod instructor;
mod lint;
pub mod lint_server;
#[cfg(feature = "lsp")]
mod lsp;
pub(crate) mod marks;
mod offline;
#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "pdf")]
mod print;
mod reader;
mod remote_images;
mod schema;
mod search;
pub mod serve;
mod shots;
mod site;
mod translations;
mod variables;
#[cfg(feature = "pdf")]
mod workbook;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The repository root (holds the bundled book).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture book copied into a fresh temporary folder, so a test may build and break it.
pub struct Book {
    pub dir: tempfile::TempDir,
}

impl Book {
    pub fn fixture(name: &str) -> Book {
        Book::copy_of(&repo().join("tests/fixtures").join(name), &[])
    }

    /// The bundled book (book.toml, content/) from the repository root.
    pub fn bundled() -> Book {
        Book::copy_of(&repo(), &["book.toml", "content"])
    }

    fn copy_of(from: &Path, only: &[&str]) -> Book {
        let dir = tempfile::tempdir().unwrap();
        for entry in walkdir::WalkDir::new(from).min_depth(1) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(from).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_str()
                .unwrap();
            if !only.is_empty() && !only.contains(&top) {
                continue;
            }
            let to = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        Book { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Runs `stepbook ARGS` inside the book's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

/// [`run_in`] with environment variables.
pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out: Output = Command::cargo_bin("stepbook")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `(code, "path:line:col")` of every diagnostic in rendered output, in order.
pub fn locations(stderr: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut code = None;
    for line in stderr.lines() {
        if let Some(rest) = line
            .strip_prefix("error[")
            .or_else(|| line.strip_prefix("warning["))
        {
            code = rest.split(']').next().map(str::to_owned);
        } else if let Some(loc) = line.trim_start().strip_prefix("--> ")
            && let Some(c) = code.take()
        {
            out.push((c, loc.to_owned()));
        }
    }
    out
}

/// Runs `git ARGS` in `dir` as a test's author at `date`, with no system or signing
/// configuration in the way; fails the test if git fails.
pub fn git(dir: &Path, args: &[&str], date: &str) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
