//! `watch`/`serve` under changes that break naive file watching: a watched folder deleted and
//! made again, or moved away and back (inotify's watch of it is gone; the new one must be
//! watched), and many guides changed at once (a checkout).

use std::time::{Duration, Instant};

use crate::Book;
use crate::serve::{Server, get};

/// Waits up to 20 s until the page at `path` holds `needle`.
fn wait_page(server: &Server, path: &str, needle: &str) {
    let start = Instant::now();
    loop {
        let (status, _, page) = get(server.addr, path);
        if status == 200 && page.contains(needle) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "`{needle}` never reached {path}:\n{}",
            server.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn folders_deleted_and_made_again_or_moved_back_are_watched_again() {
    let book = Book::bundled();
    let server = Server::start(&book);
    let guide = book.read("content/azure-pass.yaml");
    let retitled = |title: &str| {
        guide.replace(
            "title: Creating a Microsoft Azure Pass Subscription",
            &format!("title: {title}"),
        )
    };
    let content = book.path().join("content");
    // rm -rf content && mkdir content, then a guide written into it.
    std::fs::remove_dir_all(&content).unwrap();
    std::fs::create_dir(&content).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    book.write("content/azure-pass.yaml", &retitled("Recreated Folder"));
    wait_page(&server, "/html/azure-pass/index.html", "Recreated Folder");
    // Moved away and back, then edited.
    let away = book.path().join("away");
    std::fs::rename(&content, &away).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::rename(&away, &content).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    book.write("content/azure-pass.yaml", &retitled("Moved Back"));
    wait_page(&server, "/html/azure-pass/index.html", "Moved Back");
    // templates/ deleted and made again.
    let custom = |text: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<p>{text}</p>{{% endblock content %}}"
        )
    };
    book.write("templates/index.html", &custom("FIRST INDEX"));
    wait_page(&server, "/html/index.html", "FIRST INDEX");
    std::fs::remove_dir_all(book.path().join("templates")).unwrap();
    std::fs::create_dir(book.path().join("templates")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    book.write("templates/index.html", &custom("SECOND INDEX"));
    wait_page(&server, "/html/index.html", "SECOND INDEX");
}

#[test]
fn many_guides_changed_at_once_are_one_full_build_and_ctrl_c_is_no_error() {
    let book = Book::bundled();
    let guide = book.read("content/azure-pass.yaml");
    let n = 40;
    let write_all = |word: &str| {
        for i in 0..n {
            let text = guide
                .replacen("id: azure-pass\n", &format!("id: g{i}\n"), 1)
                .replace(
                    "title: Creating a Microsoft Azure Pass Subscription",
                    &format!("title: {word} guide {i}"),
                );
            book.write(&format!("content/g{i}.yaml"), &text);
        }
    };
    write_all("First");
    let server = Server::start(&book);
    // A checkout: every guide changed at once is one full build, not 40 rebuilds of one.
    write_all("Second");
    server.wait_log_count(
        "rebuilt: full build (41 guides)",
        2,
        Duration::from_secs(60),
    );
    for i in [0, n / 2, n - 1] {
        wait_page(
            &server,
            &format!("/html/g{i}/index.html"),
            &format!("Second guide {i}"),
        );
    }
    assert!(
        !server.log.lock().unwrap().contains("rebuilt: guide "),
        "{}",
        server.log.lock().unwrap()
    );
    // Ctrl-C while that build runs: it stops, and says nothing of a cancelled build.
    write_all("Third");
    std::thread::sleep(Duration::from_millis(300));
    let log = server.log.clone();
    assert!(server.interrupt().success());
    let log = log.lock().unwrap();
    assert!(
        !log.contains("cancelled") && !log.contains("error["),
        "{log}"
    );
}
