//! Files that `import` and `init` write, and the live output `serve` rewrites: nothing lost to a
//! name clash, nothing written through a planted link, no half-written page ever served.

use crate::serve::{Server, get};
use crate::{Book, run_in};

#[cfg(unix)]
use std::os::unix::fs::symlink;

const LAB: &str = "# Lab\n\n## Part\n\n1. Do a thing.\n2. Do another.\n";

#[test]
fn import_refuses_files_that_would_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["my guide.md", "my-guide.md", "My_Guide.md"] {
        std::fs::write(dir.path().join(name), LAB).unwrap();
    }
    let r = run_in(
        dir.path(),
        &["import", "my guide.md", "my-guide.md", "My_Guide.md"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("would all become"), "{}", r.stderr);
    assert!(r.stderr.contains("My_Guide.md"), "{}", r.stderr);
    assert!(!dir.path().join("content").exists(), "nothing written");
}

#[cfg(unix)]
#[test]
fn import_and_init_never_write_through_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere.txt");
    std::fs::write(dir.path().join("lab.md"), LAB).unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    symlink(&target, dir.path().join("content/lab.yaml")).unwrap();
    let r = run_in(dir.path(), &["import", "lab.md"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("exist already"), "{}", r.stderr);
    assert!(!target.exists(), "written through the link");
    // --force replaces the link itself, not what it points to.
    let r = run_in(dir.path(), &["import", "lab.md", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!target.exists());
    assert!(
        std::fs::symlink_metadata(dir.path().join("content/lab.yaml"))
            .unwrap()
            .is_file()
    );

    let book = tempfile::tempdir().unwrap();
    let target = book.path().join("outside.toml");
    symlink(&target, book.path().join("book.toml")).unwrap();
    let r = run_in(book.path(), &["init"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("exist already"), "{}", r.stderr);
    assert!(!target.exists());
}

#[test]
fn a_file_name_with_newlines_cannot_inject_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let name = "lab\nid: injected\ntitle: Injected.md";
    std::fs::write(dir.path().join(name), LAB).unwrap();
    let r = run_in(dir.path(), &["import", name, "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("# Imported from lab\\nid: injected"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("id: injected")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().any(|l| l == "title: Lab"), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn import_of_a_fifo_or_device_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    symlink("/dev/zero", dir.path().join("zero.md")).unwrap();
    let r = run_in(dir.path(), &["import", "zero.md", "--dry-run"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}

/// A guide page re-rendered 50 times while four readers fetch it: every answer is the whole
/// page, never a 404 or a truncated one.
#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn pages_rewritten_while_served_are_never_missing_or_partial() {
    let book = Book::bundled();
    let guide = book.read("content/azure-pass.yaml");
    hammer(&book, 50, "rebuilt: guide", |i| {
        let edited = guide.replacen(
            "title: Creating a Microsoft Azure Pass Subscription",
            &format!("title: Creating a Microsoft Azure Pass Subscription (edit {i})"),
            1,
        );
        assert_ne!(edited, guide);
        book.write("content/azure-pass.yaml", &edited);
    });
}

/// The same while a template changes 15 times: each change is a full build whose output is
/// swapped in whole, and the folder is never missing in between.
#[cfg(target_os = "linux")]
#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn outputs_swapped_while_served_are_never_missing() {
    let book = Book::bundled();
    let base = stepbook::render::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "base.html")
        .unwrap()
        .1;
    hammer(&book, 15, "rebuilt: full build", |i| {
        book.write(
            "templates/base.html",
            &base.replace("</body>", &format!("<!-- {i} --></body>")),
        );
    });
}

/// Makes `edit(i)` `times` times, each time waiting for `done` in the log, while four readers
/// fetch the guide page; no answer may be missing or cut short.
fn hammer(book: &Book, times: usize, done: &str, edit: impl Fn(usize)) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let server = Server::start(book);
    let already = server.log.lock().unwrap().matches(done).count();
    let addr = server.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let bad = Arc::new(Mutex::new(Vec::new()));
    let fetched = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (stop, bad, fetched) = (stop.clone(), bad.clone(), fetched.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let (status, _, body) = get(addr, "/html/azure-pass/index.html");
                    fetched.fetch_add(1, Ordering::Relaxed);
                    if status != 200 || !body.trim_end().ends_with("</html>") {
                        bad.lock().unwrap().push((status, body.len()));
                    }
                }
            })
        })
        .collect();
    for i in 0..times {
        edit(i);
        server.wait_log_count(done, already + i + 1, std::time::Duration::from_secs(20));
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    assert!(fetched.load(Ordering::Relaxed) > times);
    assert_eq!(*bad.lock().unwrap(), vec![], "404s or truncated pages");
}

#[test]
#[cfg_attr(not(feature = "serve"), ignore = "needs the `serve` feature")]
fn deleting_the_output_while_serving_rebuilds_it_whole() {
    let book = Book::bundled();
    let server = Server::start(&book);
    std::fs::remove_dir_all(book.path().join("book")).unwrap();
    let guide = book.read("content/azure-pass.yaml");
    book.write("content/azure-pass.yaml", &format!("{guide}\n"));
    let start = std::time::Instant::now();
    while !book.path().join("book/.stepbook-output").is_file() {
        assert!(
            start.elapsed().as_secs() < 20,
            "{}",
            server.log.lock().unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.wait_log(
        "rebuilt: full build (1 guide) in",
        std::time::Duration::from_secs(20),
    );
    assert!(book.path().join("book/html/theme/style.css").is_file());
    assert_eq!(get(server.addr, "/html/azure-pass/index.html").0, 200);
    // The next edit is an ordinary one again.
    book.write("content/azure-pass.yaml", &guide);
    server.wait_log("rebuilt: guide", std::time::Duration::from_secs(20));
}

#[test]
fn import_keeps_blank_lines_inside_fenced_code() {
    let dir = tempfile::tempdir().unwrap();
    let lab = "# Lab\n\n## Part\n\n1. Run this:\n\n    ```sh\n    first\n\n\n    second\n    ```\n\n2. Done.\n";
    std::fs::write(dir.path().join("lab.md"), lab).unwrap();
    let r = run_in(dir.path(), &["import", "lab.md", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("first\n\n\n"), "{}", r.stdout);
}

/// A build that aborted (an allocation failure, SIGKILL) ran no destructor: its staging folder
/// is removed by the next build, while one a running build is writing is left alone.
#[cfg(target_os = "linux")]
#[test]
fn staging_folders_of_aborted_builds_are_removed_by_the_next_build() {
    let book = crate::Book::bundled();
    assert_eq!(book.run(&["build"]).code, 0);
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let alive = std::process::id();
    let make = |name: &str| {
        let dir = book.path().join(name);
        std::fs::create_dir_all(dir.join("html")).unwrap();
        std::fs::write(dir.join(".stepbook-output"), "written by stepbook\n").unwrap();
        std::fs::write(dir.join("html/index.html"), "x").unwrap();
        dir
    };
    let abandoned = make(&format!(".book.stepbook-new-{dead}-a1b2c3"));
    let replaced = make(&format!(".stepbook-old-{dead}-d4e5f6"));
    let running = make(&format!(".book.stepbook-new-{alive}-g7h8i9"));
    // Not stepbook's (no marker): never removed, whatever its name.
    let foreign = book.path().join(format!(".book.stepbook-new-{dead}-mine"));
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "precious").unwrap();
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!abandoned.exists());
    assert!(!replaced.exists());
    assert!(running.exists());
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "precious"
    );
}
