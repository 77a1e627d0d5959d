//! The HTTP side of `serve`: hyper's HTTP/1.1 on one runtime thread, with limits (header size,
//! header read and idle timeouts, connections, sockets) and a check of the `Host` every request
//! names, so that a web page that rebinds its own name to this machine (DNS rebinding) cannot
//! read the preview. Only GET and HEAD.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, watch};

use super::site::{Found, Site};
use super::{SOCKET_PATH, client, socket};

/// The most bytes of request line and headers (a browser sends 1–2 KB): more gets 431.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Time to send a request's headers, and the longest a kept-alive connection may sit idle.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one connection may last (a live-reload socket is not bound by it).
pub const MAX_CONNECTION_TIME: Duration = Duration::from_secs(300);
/// Connections open at once; more are closed as they come.
pub const MAX_CONNECTIONS: usize = 512;
/// Live-reload sockets open at once (one per open page); more get 503.
pub const MAX_SOCKETS: usize = 128;

/// The `Host` values the preview answers to: `localhost`, `127.0.0.1`, `[::1]`, the address it
/// is bound to and the `--bind` name as given, each with the port. Bound to every address
/// (0.0.0.0 or ::), any IP address with the port too: rebinding needs a name, never an address.
pub struct Hosts {
    names: Vec<String>,
    port: u16,
    any_ip: bool,
}

impl Hosts {
    pub fn new(bind: &str, local: SocketAddr) -> Hosts {
        let ip = match local.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]", &ip, bind]
            .iter()
            .map(|n| n.to_ascii_lowercase())
            .collect();
        if bind.contains(':') && !bind.starts_with('[') {
            names.push(format!("[{}]", bind.to_ascii_lowercase()));
        }
        Hosts {
            names,
            port: local.port(),
            any_ip: local.ip().is_unspecified(),
        }
    }

    /// Is `host` (a `Host` header's value) one the preview answers to?
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name, Some(port)),
            _ => (host.as_str(), None),
        };
        let port_ok = match port {
            Some(p) => p.parse::<u16>().is_ok_and(|p| p == self.port),
            None => self.port == 80,
        };
        if !port_ok {
            return false;
        }
        if self.names.iter().any(|n| n == name) {
            return true;
        }
        self.any_ip
            && name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok()
    }
}

/// Accepts connections until `stop` turns true.
pub async fn serve(
    listener: std::net::TcpListener,
    site: Arc<Site>,
    hosts: Arc<Hosts>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let sockets = Arc::new(Semaphore::new(MAX_SOCKETS));
    loop {
        let stream = tokio::select! {
            _ = stop.wait_for(|s| *s) => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors, or the client gave up: breathe, go on.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (site, hosts, sockets) = (Arc::clone(&site), Arc::clone(&hosts), Arc::clone(&sockets));
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let (site, hosts, sockets) =
                    (Arc::clone(&site), Arc::clone(&hosts), Arc::clone(&sockets));
                async move { Ok::<_, Infallible>(handle(request, &site, &hosts, &sockets).await) }
            });
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_header_size(MAX_HEADER_BYTES)
                .max_buf_size(64 * 1024);
            let connection = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            let _ = tokio::time::timeout(MAX_CONNECTION_TIME, connection).await;
            drop(permit);
        });
    }
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!("{body}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

async fn handle(
    request: Request<Incoming>,
    site: &Arc<Site>,
    hosts: &Hosts,
    sockets: &Arc<Semaphore>,
) -> Response<Full<Bytes>> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let Some(host) = host else {
        return text(StatusCode::BAD_REQUEST, "a Host header is required");
    };
    if !hosts.allows(&host) {
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            "this preview answers only at localhost, 127.0.0.1 or [::1] (or the --bind address) with its port",
        );
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    if request.uri().path() == SOCKET_PATH {
        if let Some((status, why)) = socket::refusal(request.headers(), &host) {
            return text(status, why);
        }
        let Ok(permit) = Arc::clone(sockets).try_acquire_owned() else {
            return text(StatusCode::SERVICE_UNAVAILABLE, "too many open pages");
        };
        return socket::accept(request, site, permit);
    }
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let mut response = match site.find(&target).await {
        Found::Redirect(to) => {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(to) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(header::LOCATION, to);
            }
            response
        }
        Found::File {
            name,
            bytes,
            status,
            error,
        } => {
            let body = if name.ends_with(".html") {
                client::inject(&bytes, error.as_deref())
            } else {
                bytes.to_vec()
            };
            let mut response = Response::new(Full::new(Bytes::from(body)));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&name)),
            );
            response
        }
        Found::NoSite { error } => {
            let page = client::inject(
                "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>surveysite</title></head><body><p>ビルドに失敗したため、表示できるページがありません。</p></body></html>".as_bytes(),
                error.as_deref(),
            );
            let mut response = Response::new(Full::new(Bytes::from(page)));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Another site's page may not embed the preview's files (drafts are served here).
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_s_names_with_the_port_are_hosts() {
        let local: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        let hosts = Hosts::new("127.0.0.1", local);
        for ok in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST:8000",
            "[::1]:8000",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example:8000",
            "localhost.evil.example:8000",
            "127.0.0.1:8001",
            "127.0.0.1",
            "localhost",
            "192.168.1.5:8000",
            "",
            ":8000",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }

        // Shared on the network: any address, but still no name.
        let any: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        let hosts = Hosts::new("0.0.0.0", any);
        assert!(hosts.allows("192.168.1.5:8000"));
        assert!(hosts.allows("[fe80::1]:8000"));
        assert!(hosts.allows("localhost:8000"));
        assert!(!hosts.allows("evil.example:8000"));
        assert!(!hosts.allows("192.168.1.5:9000"));

        // A name given to --bind is the preview's own.
        let named = Hosts::new("mybox.local", "192.168.1.5:80".parse().unwrap());
        assert!(named.allows("mybox.local"));
        assert!(named.allows("mybox.local:80"));
        assert!(named.allows("192.168.1.5"));
        assert!(!named.allows("evil.example"));
    }
}
