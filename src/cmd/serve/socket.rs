//! A page's live-reload connection: a WebSocket that receives `{"type":"reload"}`,
//! `{"type":"error","message":…}` and, when the server stops, `{"type":"bye"}`. Opened only by
//! a real WebSocket handshake (`Connection: Upgrade`, `Upgrade: websocket`, version 13, a key)
//! from the preview's own pages: a browser's `Origin` must be the host the page was served
//! from, so another site open in the same browser cannot listen to build errors.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::{OwnedSemaphorePermit, broadcast};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::site::Site;

/// How often an idle socket is pinged, to find pages that are gone.
const PING_EVERY: Duration = Duration::from_secs(20);
/// The most a page may send in one message (it has nothing to say but pongs and close).
const MAX_MESSAGE: usize = 4096;

/// Why a request for the socket is refused, or None to accept it.
pub fn refusal(headers: &HeaderMap, host: &str) -> Option<(StatusCode, &'static str)> {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    if !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Some((
            StatusCode::BAD_REQUEST,
            "expected a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)",
        ));
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|v| v.as_bytes() != b"13")
    {
        return Some((
            StatusCode::UPGRADE_REQUIRED,
            "expected Sec-WebSocket-Version: 13",
        ));
    }
    if headers
        .get(header::SEC_WEBSOCKET_KEY)
        .is_none_or(|v| v.is_empty())
    {
        return Some((StatusCode::BAD_REQUEST, "expected a Sec-WebSocket-Key"));
    }
    // Browsers always send Origin with a WebSocket; a program that sends none is not a web
    // page another site could have opened.
    if let Some(origin) = headers.get(header::ORIGIN)
        && !same_origin(origin, host)
    {
        return Some((
            StatusCode::FORBIDDEN,
            "the live-reload socket is only for the preview's own pages",
        ));
    }
    None
}

/// Is `origin` the preview itself, as reached through `host`?
fn same_origin(origin: &HeaderValue, host: &str) -> bool {
    origin.to_str().is_ok_and(|o| {
        o.strip_prefix("http://")
            .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
    })
}

/// Answers a valid upgrade request with 101 and serves the socket once the connection is
/// handed over.
pub fn accept(
    mut request: Request<Incoming>,
    site: &Arc<Site>,
    permit: OwnedSemaphorePermit,
) -> Response<Full<Bytes>> {
    let key = request
        .headers()
        .get(header::SEC_WEBSOCKET_KEY)
        .map(|k| k.as_bytes().to_vec())
        .unwrap_or_default();
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(&key);
    // Subscribed before the 101 goes out: no message between the two is lost.
    let messages = site.subscribe();
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        if let Ok(upgraded) = upgrade.await {
            let config = WebSocketConfig::default()
                .max_message_size(Some(MAX_MESSAGE))
                .max_frame_size(Some(MAX_MESSAGE));
            let socket = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            live(socket, messages).await;
        }
        drop(permit);
    });
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(value) = HeaderValue::from_str(&accept) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, value);
    }
    response
}

async fn live<S>(mut socket: WebSocketStream<S>, mut messages: broadcast::Receiver<String>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            message = messages.recv() => {
                let text = match message {
                    Ok(text) => text,
                    // Missed messages: the page reloads and sees the site as it is now.
                    Err(broadcast::error::RecvError::Lagged(_)) => r#"{"type":"reload"}"#.to_string(),
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                let bye = text.contains("\"bye\"");
                if socket.send(Message::text(text)).await.is_err() || bye {
                    break;
                }
            }
            _ = ping.tick() => {
                if socket.send(Message::Ping(Bytes::new())).await.is_err() {
                    break;
                }
            }
            incoming = socket.next() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {} // pongs; a page sends nothing else
            },
        }
    }
    let _ = socket.close(None).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    const HANDSHAKE: &[(&str, &str)] = &[
        ("connection", "keep-alive, Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn only_a_full_handshake_from_the_preview_itself_is_accepted() {
        let host = "127.0.0.1:8000";
        assert_eq!(refusal(&headers(HANDSHAKE), host), None);
        let mut same = HANDSHAKE.to_vec();
        same.push(("origin", "http://127.0.0.1:8000"));
        assert_eq!(refusal(&headers(&same), host), None);

        for origin in [
            "http://evil.example",
            "http://127.0.0.1:8001",
            "https://127.0.0.1:8000",
            "null",
        ] {
            let mut other = HANDSHAKE.to_vec();
            other.push(("origin", origin));
            assert_eq!(
                refusal(&headers(&other), host).map(|r| r.0),
                Some(StatusCode::FORBIDDEN),
                "{origin}"
            );
        }
        let no_connection: Vec<_> = HANDSHAKE[1..].to_vec();
        assert_eq!(
            refusal(&headers(&no_connection), host).map(|r| r.0),
            Some(StatusCode::BAD_REQUEST)
        );
        let mut keep_alive = HANDSHAKE[1..].to_vec();
        keep_alive.push(("connection", "keep-alive"));
        assert_eq!(
            refusal(&headers(&keep_alive), host).map(|r| r.0),
            Some(StatusCode::BAD_REQUEST)
        );
        let old: Vec<_> = HANDSHAKE
            .iter()
            .map(|&(n, v)| (n, if n == "sec-websocket-version" { "8" } else { v }))
            .collect();
        assert_eq!(
            refusal(&headers(&old), host).map(|r| r.0),
            Some(StatusCode::UPGRADE_REQUIRED)
        );
    }
}
