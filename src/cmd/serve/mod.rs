//! `surveysite serve`: the editors' preview. Loads the project in memory, serves the report on
//! loopback at once (each page rendered when first asked for, the rest behind), rebuilds what
//! an edit touches and reloads every open page (WebSocket). A broken input keeps the last good
//! pages and shows an overlay naming `file:line`; fixing the file recovers by itself.
//!
//! The server is hyper 1 (HTTP/1.1 only) on a single-threaded tokio runtime, chosen over the
//! tiny_http it replaces (issue 12 #7): tiny_http has no limit on request headers (its issue #56
//! has been open since 2015; a 300 MB header line took the preview to 345 MB), runs a thread
//! per connection that it never reclaims while the socket is open, and has no timeouts. hyper
//! is the maintained base of most Rust servers and does these itself: `max_header_size` (431
//! beyond it), `header_read_timeout` (which also closes a kept-alive connection left idle),
//! upgrades for the WebSocket. Connections are tasks, not threads: 300 idle sockets cost no
//! thread; rendering on demand runs on a small blocking pool whose threads end when idle.
//! axum or tower-http would add a router and middleware layers (and their compile time, on
//! a 2-core machine) for one route and one timeout hyper already has; astra (blocking, on
//! hyper) hands each connection to a thread of its worker pool (15 per core by default), so
//! idle sockets still hold threads. Cost: tokio (rt, net, time, sync, macros), hyper,
//! hyper-util, http-body-util, futures-util and tokio-tungstenite take 36 s of CPU to build
//! from scratch in release on the 2-core machine (dependencies the tree already had, such as
//! syn and sha1, included); tiny_http, ascii and chunked_transfer leave the tree. What hyper
//! leaves to us is small and lives in `http.rs`: the `Host` check against DNS rebinding, the
//! connection and socket counts; and in `socket.rs`: the Origin check of the socket.

mod client;
mod http;
mod paths;
mod rebuild;
mod site;
mod socket;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

/// Where pages open their live-reload connection.
pub const SOCKET_PATH: &str = "/__surveysite/ws";

pub struct Options {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
    pub base_url: Option<String>,
}

pub fn run(options: Options) -> Result<()> {
    // The watcher reports absolute, resolved paths: compare them with the root resolved the
    // same way (`serve` with no --root, `--root .`, `--root ../report`).
    let root = std::fs::canonicalize(&options.root).map_err(|e| {
        anyhow::anyhow!(
            "--root {}: {e} (the folder holding report.yaml)",
            options.root.display()
        )
    })?;
    let addr = format!("{}:{}", options.bind, options.port);
    let listener = TcpListener::bind(&addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "port {} on {} is already in use: stop the other server or choose another with --port",
            options.port,
            options.bind
        ),
        _ => anyhow::anyhow!("cannot listen on {addr}: {e}"),
    })?;
    let local = listener.local_addr()?;

    // Known before the project loads, for the `serving` line: --base-url, else report.yaml's.
    let base_url = options
        .base_url
        .clone()
        .or_else(|| crate::load::report::load(&root).ok().map(|c| c.base_url));
    let base_path = base_url
        .as_deref()
        .map_or_else(|| "/".to_string(), crate::url::base_path);
    let site = site::Site::new(base_path.clone())?;

    // The watcher first: an edit made while the project loads is not lost.
    let (inputs, events) = rebuild::InputWatch::start(&root)?;
    let builder = rebuild::Builder::new(root, options.base_url.clone(), Arc::clone(&site));
    std::thread::Builder::new()
        .name("serve-watch".into())
        .spawn(move || rebuild::run(builder, inputs, events))
        .context("starting the watcher thread")?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(4)
        .thread_keep_alive(Duration::from_secs(5))
        .build()
        .context("starting the server runtime")?;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(true);
    })
    .context("installing the Ctrl-C handler")?;

    // Only now, with the watcher and the Ctrl-C handler in place: an edit or a Ctrl-C right
    // after this line must not be lost.
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        match local.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        }
    };
    println!(
        "serving http://{host}:{}{base_path} (Ctrl-C to stop)",
        local.port()
    );
    let hosts = Arc::new(http::Hosts::new(&options.bind, local));
    let served = runtime.block_on(async {
        let result = http::serve(listener, Arc::clone(&site), hosts, stop).await;
        site.broadcast(r#"{"type":"bye"}"#);
        // Let the sockets say goodbye.
        tokio::time::sleep(Duration::from_millis(100)).await;
        result
    });
    runtime.shutdown_timeout(Duration::from_millis(500));
    served?;
    println!("stopped");
    Ok(())
}
