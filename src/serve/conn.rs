//! Serve: the connections. Our own accept loop instead of `axum::serve`, which has no limits:
//! at most [`MAX_CONNECTIONS`] at once (one more is closed at once, so idle sockets cannot use
//! up the process's file descriptors), a deadline for each request's headers (an idle or
//! trickling client is dropped), and only requests whose `Host` names this machine (DNS
//! rebinding: a page on `attacker.example` whose name is made to point at 127.0.0.1 must not
//! read the book or its event stream).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Connections served at once; live pages hold one each for their event stream.
pub const MAX_CONNECTIONS: usize = 512;
/// Time a client has to send a request's headers, on a new or a kept-alive connection.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The `Host` names a request may carry.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    /// Names given with `--allow-host` (lowercase, without port).
    pub names: Vec<String>,
}

impl AllowedHosts {
    /// Is a request with this `Host` header for us? IP literals always are (rebinding needs a
    /// name), as are `localhost` and its subdomains (they never leave the machine); any other
    /// name only when allowed by the user.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            return false;
        };
        let name = strip_port(host.trim()).to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        bare.parse::<IpAddr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || self.names.contains(&name)
    }
}

/// `host:port` → `host`; `[::1]:3000` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') => h,
        _ => host,
    }
}

/// Refuses requests whose `Host` is not ours, before any handler sees them.
pub(super) async fn check_host(
    axum::extract::State(allowed): axum::extract::State<Arc<AllowedHosts>>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    if allowed.allows(host.as_deref()) {
        return next.run(req).await;
    }
    let shown: String = host
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    (
        StatusCode::MISDIRECTED_REQUEST,
        format!(
            "stepbook serve does not answer for host `{shown}`; open it by IP address or localhost, or restart it with --allow-host {}\n",
            strip_port(&shown)
        ),
    )
        .into_response()
}

/// Accepts connections until `stop` is set, serving each with `router` under the limits above.
pub(super) async fn run(listener: TcpListener, router: Router, stop: Arc<AtomicBool>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let service = TowerToHyperService::new(router);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                continue;
            }
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or a reset before accept: wait a moment, go on.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream); // full: this one is closed; the others are still served
            continue;
        };
        let service = service.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service);
            let _ = conn.await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_hosts_are_allowed() {
        let allowed = AllowedHosts {
            names: vec!["guides.lan".into()],
        };
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST",
            "app.localhost:8080",
            "[::1]:3000",
            "192.168.1.20:3000",
            "guides.lan:3000",
        ] {
            assert!(allowed.allows(Some(ok)), "{ok}");
        }
        for bad in [
            "attacker.rebind.network",
            "attacker.rebind.network:3000",
            "localhost.attacker.com",
            "127.0.0.1.nip.io:3000",
            "",
        ] {
            assert!(!allowed.allows(Some(bad)), "{bad}");
        }
        assert!(!allowed.allows(None));
    }
}
