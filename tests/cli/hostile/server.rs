//! `serve` under attack: requests for other hosts (DNS rebinding), idle and slow connections,
//! slow readers of a large file.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::Book;
use crate::serve::{Server, get};

/// A GET with the given Host header: the status code.
fn get_as(addr: SocketAddr, path: &str, host: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let book = Book::bundled();
    let server = Server::start_with(
        &book,
        &["--allow-host", "Guides.LAN"],
        "rebuilt: full build",
    );
    let addr = server.addr;
    let port = addr.port();
    for path in [
        "/html/index.html",
        "/__stepbook/events",
        "/__stepbook/live.js",
    ] {
        assert_eq!(get_as(addr, path, "attacker.rebind.network"), 421, "{path}");
        assert_eq!(
            get_as(addr, path, &format!("attacker.rebind.network:{port}")),
            421
        );
        assert_eq!(get_as(addr, path, "localhost.attacker.com"), 421);
    }
    assert_eq!(
        get_as(addr, "/html/index.html", &format!("127.0.0.1:{port}")),
        200
    );
    assert_eq!(
        get_as(addr, "/html/index.html", &format!("localhost:{port}")),
        200
    );
    assert_eq!(
        get_as(addr, "/html/index.html", &format!("guides.lan:{port}")),
        200
    );
}

/// Idle connections are closed after the header deadline, and more of them than the server
/// keeps open cannot stop it from answering once they are gone.
#[test]
fn idle_connections_cannot_exhaust_the_server() {
    let book = Book::bundled();
    let server = Server::start(&book);
    let addr = server.addr;
    raise_fd_limit();
    let start = Instant::now();
    let idle: Vec<TcpStream> = (0..stepbook::serve::MAX_CONNECTIONS + 20)
        .filter_map(|_| TcpStream::connect(addr).ok())
        .collect();
    assert!(
        idle.len() > stepbook::serve::MAX_CONNECTIONS,
        "{}",
        idle.len()
    );
    // A client trickling its headers is cut off at the deadline too.
    let mut slow = idle.into_iter().collect::<Vec<_>>();
    slow[0]
        .write_all(b"GET /html/index.html HTTP/1.1\r\n")
        .unwrap();
    let deadline = stepbook::serve::HEADER_TIMEOUT + Duration::from_secs(5);
    loop {
        let (ok, _) = std::panic::catch_unwind(|| get(addr, "/html/index.html").0)
            .map_or((false, 0), |s| (s == 200, s));
        if ok {
            break;
        }
        assert!(
            start.elapsed() < deadline,
            "the server never answered again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Every idle connection has been closed by the server (reads end, not time out).
    for s in slow.iter_mut().take(20) {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 256];
        let n = match s.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
            Err(e) => panic!("an idle connection is still open: {e}"),
        };
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
    }
}

/// Lets this test process hold the idle connections where the soft limit on open files is low
/// (1,024 on many systems; other tests run in the same process).
fn raise_fd_limit() {
    // SAFETY: getrlimit/setrlimit read and write the struct they are given.
    unsafe {
        let mut lim = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max.min(8192);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// Ten readers that stop reading a 64 MiB file cost the server buffers, not ten copies.
#[cfg(target_os = "linux")]
#[test]
fn slow_readers_of_a_large_file_do_not_hold_it_in_memory() {
    let book = Book::bundled();
    let png =
        std::fs::read(crate::repo().join("tests/fixtures/screenshots/content/img/ok.png")).unwrap();
    let mut big = png.clone();
    big.resize(64 << 20, 0);
    std::fs::create_dir_all(book.path().join("content/img")).unwrap();
    std::fs::write(book.path().join("content/img/big.png"), &big).unwrap();
    book.write(
        "content/big.yaml",
        "title: Big\nsections:\n  - title: Look\n    steps:\n      - text: A large picture\n        screenshots:\n          - src: img/big.png\n            alt: A large picture\n",
    );
    let server = Server::start(&book);
    let readers: Vec<TcpStream> = (0..10)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            write!(
                s,
                "GET /html/media/img/big.png HTTP/1.1\r\nHost: {}\r\n\r\n",
                server.addr
            )
            .unwrap();
            let mut head = [0u8; 12];
            s.read_exact(&mut head).unwrap();
            assert_eq!(&head[9..12], b"200");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let hwm_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    drop(readers);
    assert!(
        hwm_kib < 200 * 1024,
        "serve peaked at {} MiB for 10 readers of a 64 MiB file",
        hwm_kib / 1024
    );
}
