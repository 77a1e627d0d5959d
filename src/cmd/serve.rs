//! `surveysite serve`: build in memory, serve the site on loopback, rebuild when an input
//! changes and reload every open page (WebSocket). A broken input keeps the last good pages and
//! shows an overlay naming `file:line`; fixing the file recovers by itself.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use tiny_http::{Header, Request, Response, StatusCode};
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use crate::load::{self, Project};
use crate::render;

/// Where pages open their live-reload connection.
pub const SOCKET_PATH: &str = "/__surveysite/ws";

pub struct Options {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
    pub base_url: Option<String>,
}

/// What is being served: the last good site, and the current error if the last build failed.
struct Served {
    files: HashMap<String, Vec<u8>>,
    base_path: String,
    error: Option<String>,
}

struct State {
    served: RwLock<Served>,
    clients: Mutex<Vec<Sender<String>>>,
}

impl State {
    fn broadcast(&self, message: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(message.to_string()).is_ok());
    }
}

pub fn run(options: Options) -> Result<()> {
    let root = options.root.clone();
    let addr = format!("{}:{}", options.bind, options.port);
    // Bind first with std to give a clear message when the port is taken.
    let listener = TcpListener::bind(&addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "port {} on {} is already in use: stop the other server or choose another with --port",
            options.port,
            options.bind
        ),
        _ => anyhow::anyhow!("cannot listen on {addr}: {e}"),
    })?;
    let local: SocketAddr = listener.local_addr()?;
    let server = Arc::new(
        tiny_http::Server::from_listener(listener, None)
            .map_err(|e| anyhow::anyhow!("starting the server: {e}"))?,
    );

    let state = Arc::new(State {
        served: RwLock::new(Served {
            files: HashMap::new(),
            base_path: "/".into(),
            error: None,
        }),
        clients: Mutex::new(Vec::new()),
    });
    let mut builder = Builder {
        root: root.clone(),
        base_url: options.base_url.clone(),
        project: None,
        prepared: None,
        files: HashMap::new(),
    };
    let start = Instant::now();
    match builder.build(true) {
        Ok(rebuilt) => {
            let mut served = state.served.write().unwrap_or_else(|e| e.into_inner());
            served.base_path = rebuilt.base_path;
            served.files = rebuilt.files;
            println!(
                "built {} files in {} ms",
                served.files.len(),
                start.elapsed().as_millis()
            );
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            let mut served = state.served.write().unwrap_or_else(|e| e.into_inner());
            served.error = Some(format!("{e:#}"));
            if let Some(url) = &options.base_url {
                served.base_path = crate::url::base_path(url);
            }
        }
    }
    let base_path = state
        .served
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .base_path
        .clone();

    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(50), None, tx)
        .context("starting the file watcher")?;
    // report.yaml is watched through its folder (editors replace files on save); so are the
    // input folders' creation, so that a content/ made after start is watched too.
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("watching {}", root.display()))?;
    let mut inputs = InputWatch {
        debouncer,
        watched: Vec::new(),
    };
    inputs.watch_new_folders(&root)?;

    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || watch(rx, builder, inputs, &state));
    }
    {
        let server = Arc::clone(&server);
        ctrlc::set_handler(move || server.unblock()).context("installing the Ctrl-C handler")?;
    }
    // Only now, with the watcher and the Ctrl-C handler in place: an edit or a Ctrl-C right
    // after this line must not be lost.
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        local.ip().to_string()
    };
    println!(
        "serving http://{host}:{}{base_path} (Ctrl-C to stop)",
        local.port()
    );
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || handle(request, &state));
    }
    state.broadcast(r#"{"type":"bye"}"#);
    println!("stopped");
    Ok(())
}

/// Rebuilds, keeping what a change does not touch: a commentary edit reloads only content/ and
/// re-renders only the pages whose commentary changed (every page when a title, summary or
/// order changed, as parent pages show them); templates and charts are kept. Any other change
/// loads everything, with unchanged charts from the chart cache.
struct Builder {
    root: PathBuf,
    base_url: Option<String>,
    project: Option<Project>,
    prepared: Option<render::Prepared>,
    files: HashMap<String, Vec<u8>>,
}

/// What a rebuild did.
struct Rebuilt {
    files: HashMap<String, Vec<u8>>,
    base_path: String,
    pages_rendered: usize,
}

impl Builder {
    fn build(&mut self, full: bool) -> Result<Rebuilt> {
        if let (false, Some(project), Some(prepared)) = (full, &mut self.project, &self.prepared) {
            let commentary = load::content::load(&self.root, &project.survey)?;
            let changed = changed_pages(&project.commentary, &commentary);
            project.commentary = commentary;
            let files = render::render_pages(project, prepared, &|p| {
                changed.as_ref().is_none_or(|c| c.contains(&p.path))
            })?;
            let pages_rendered = files.iter().filter(|f| f.path.ends_with(".html")).count();
            self.files
                .extend(files.into_iter().map(|f| (f.path, f.bytes)));
            return Ok(Rebuilt {
                files: self.files.clone(),
                base_path: crate::url::base_path(&project.config.base_url),
                pages_rendered,
            });
        }
        // If this load fails, the next commentary edit must load everything again, not
        // re-render the stale project (which would clear the error while data is broken).
        self.project = None;
        self.prepared = None;
        let mut project = super::build::load_project(&self.root, self.base_url.as_deref())?;
        project.drafts = true;
        let prepared = render::prepare(&project)?;
        let site = render::site_with(&project, &prepared)?;
        let pages_rendered = site.iter().filter(|f| f.path.ends_with(".html")).count();
        self.files = site.into_iter().map(|f| (f.path, f.bytes)).collect();
        let base_path = crate::url::base_path(&project.config.base_url);
        self.project = Some(project);
        self.prepared = Some(prepared);
        Ok(Rebuilt {
            files: self.files.clone(),
            base_path,
            pages_rendered,
        })
    }
}

/// The pages whose commentary changed, or `None` for every page (a change other pages show:
/// a file added or removed, or its title, summary or order).
fn changed_pages(
    old: &[load::content::Commentary],
    new: &[load::content::Commentary],
) -> Option<std::collections::BTreeSet<String>> {
    let same_pages = old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.page == b.page);
    if !same_pages {
        return None;
    }
    let mut changed = std::collections::BTreeSet::new();
    for (a, b) in old.iter().zip(new) {
        if a == b {
            continue;
        }
        let (fa, fb) = (&a.front, &b.front);
        if fa.title != fb.title
            || fa.summary != fb.summary
            || fa.order != fb.order
            || fa.draft != fb.draft
        {
            return None;
        }
        changed.insert(b.page.clone());
    }
    Some(changed)
}

/// Is this changed path one of ours, and not an editor's swap or temp file?
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    let name = rel.file_name()?.to_string_lossy();
    let temp = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    let ours = rel_str == "report.yaml"
        || matches!(rel_str.as_str(), "content" | "data" | "templates")
        || rel_str.starts_with("content/")
        || rel_str.starts_with("data/")
        || rel_str.starts_with("templates/");
    (ours && !temp).then_some(rel_str)
}

/// The watcher of the input folders, and which of them it watches.
struct InputWatch {
    debouncer: notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: Vec<&'static str>,
}

impl InputWatch {
    /// Watches content/, data/ and templates/ where they exist and are not watched yet.
    fn watch_new_folders(&mut self, root: &Path) -> Result<()> {
        for name in ["content", "data", "templates"] {
            let dir = root.join(name);
            if dir.is_dir() && !self.watched.contains(&name) {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .with_context(|| format!("watching {}", dir.display()))?;
                self.watched.push(name);
            }
        }
        Ok(())
    }
}

fn watch(
    rx: Receiver<notify_debouncer_full::DebounceEventResult>,
    mut builder: Builder,
    mut inputs: InputWatch,
    state: &State,
) {
    for events in rx {
        let Ok(events) = events else { continue };
        if let Err(e) = inputs.watch_new_folders(&builder.root) {
            eprintln!("warning: {e:#}");
        }
        // Reading the inputs (our own rebuild included) is not a change.
        let mut changed: Vec<String> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| relevant(&builder.root, p))
            .collect();
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        let full = changed.iter().any(|c| !c.starts_with("content/"));
        let start = Instant::now();
        let what = if changed.len() == 1 {
            changed[0].clone()
        } else {
            format!("{} and {} more", changed[0], changed.len() - 1)
        };
        match builder.build(full) {
            Ok(Rebuilt {
                files,
                base_path,
                pages_rendered,
            }) => {
                let mut served = state.served.write().unwrap_or_else(|e| e.into_inner());
                let pages_changed = files
                    .iter()
                    .filter(|(p, b)| p.ends_with(".html") && served.files.get(*p) != Some(*b))
                    .count();
                let pages = files.keys().filter(|p| p.ends_with(".html")).count();
                served.files = files;
                served.base_path = base_path;
                served.error = None;
                drop(served);
                println!(
                    "{what} changed: {} ({pages_rendered} of {pages} pages rendered, {pages_changed} changed) in {} ms",
                    if full {
                        "full rebuild"
                    } else {
                        "commentary only"
                    },
                    start.elapsed().as_millis()
                );
                state.broadcast(r#"{"type":"reload"}"#);
            }
            Err(e) => {
                let message = format!("{e:#}");
                eprintln!("{what} changed: error: {message}");
                state
                    .served
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .error = Some(message.clone());
                state.broadcast(
                    &serde_json::json!({"type": "error", "message": message}).to_string(),
                );
            }
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    // Values are ASCII (base URLs are checked, site paths are slugs); should one not be a valid
    // header value, a harmless constant header stands in rather than a panic.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Surveysite-Dropped"[..], &b"1"[..]).expect("a constant header")
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// What a request path names: a file of the site, a redirect, or nothing.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    File(String),
    Redirect(String),
    NotFound,
}

fn resolve(path: &str, base_path: &str, files: &HashMap<String, Vec<u8>>) -> Target {
    let path = path.split(['?', '#']).next().unwrap_or("");
    // No `..`, no backslashes, no encoded tricks: the site's own paths are plain.
    if path.split('/').any(|s| s == ".." || s == ".") || path.contains(['\\', '%', '\0']) {
        return Target::NotFound;
    }
    if path == "/" && base_path != "/" {
        return Target::Redirect(base_path.to_string());
    }
    if path.len() + 1 == base_path.len() && base_path.starts_with(path) {
        return Target::Redirect(base_path.to_string());
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        return Target::NotFound;
    };
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains_key(&file) {
        Target::File(file)
    } else if files.contains_key(&format!("{rel}/index.html")) {
        Target::Redirect(format!("{path}/"))
    } else {
        Target::NotFound
    }
}

fn handle(request: Request, state: &State) {
    let url = request.url().to_string();
    if url.split('?').next() == Some(SOCKET_PATH) {
        return live_socket(request, state);
    }
    let served = state.served.read().unwrap_or_else(|e| e.into_inner());
    let (status, file) = match resolve(&url, &served.base_path, &served.files) {
        Target::File(f) => (200, Some(f)),
        Target::Redirect(to) => {
            drop(served);
            let _ = request.respond(Response::empty(301).with_header(header("Location", &to)));
            return;
        }
        Target::NotFound => (
            404,
            served
                .files
                .contains_key("404.html")
                .then(|| "404.html".to_string()),
        ),
    };
    let body = match &file {
        Some(f) => {
            let bytes = &served.files[f];
            if f.ends_with(".html") { inject(bytes, served.error.as_deref()) } else { bytes.clone() }
        }
        None => inject("<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>surveysite</title></head><body><p>ビルドに失敗したため、表示できるページがありません。</p></body></html>".as_bytes(), served.error.as_deref()),
    };
    let kind = file
        .as_deref()
        .map_or("text/html; charset=utf-8", content_type);
    drop(served);
    let response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// The live-reload client, added before `</body>` of every served page (never by `build`).
fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let error = serde_json::to_string(&error)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c");
    let script = format!(
        "<script>window.__surveysiteError={error};</script>\n<script>{}</script>\n",
        LIVE_RELOAD_JS
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &html[..i], &html[i..]).into_bytes(),
        None => format!("{html}{script}").into_bytes(),
    }
}

const LIVE_RELOAD_JS: &str = r#"(function () {
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/__surveysite/ws';
  function overlay(message) {
    var o = document.getElementById('surveysite-error');
    if (!message) { if (o) o.remove(); return; }
    if (!o) {
      o = document.createElement('div');
      o.id = 'surveysite-error';
      o.setAttribute('role', 'alert');
      o.style.cssText = 'position:fixed;left:0;right:0;top:0;max-height:60vh;overflow:auto;z-index:2147483647;' +
        'background:#fff0f0;color:#82071e;border-bottom:4px solid #cf222e;padding:1rem 1.5rem;' +
        'font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;box-shadow:0 4px 12px rgba(0,0,0,.2)';
      document.body.appendChild(o);
    }
    o.textContent = 'ビルドエラー（ファイルを直すと自動で更新されます）\n\n' + message;
  }
  if (window.__surveysiteError) overlay(window.__surveysiteError);
  var retry = 500;
  function connect() {
    var ws = new WebSocket(url);
    ws.onopen = function () { retry = 500; };
    ws.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.type === 'reload') location.reload();
      else if (m.type === 'error') overlay(m.message);
    };
    ws.onclose = function () { setTimeout(connect, retry); retry = Math.min(retry * 2, 5000); };
  }
  connect();
})();"#;

/// A page's live-reload connection: a WebSocket that receives `{"type":"reload"}` and
/// `{"type":"error","message":…}`.
fn live_socket(request: Request, state: &State) {
    let key = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Sec-WebSocket-Key"))
        .map(|h| h.value.to_string());
    let Some(key) = key else {
        let _ =
            request.respond(Response::from_string("expected a WebSocket").with_status_code(400));
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let response = Response::empty(101).with_header(header("Sec-WebSocket-Accept", &accept));
    let stream = request.upgrade("websocket", response);
    let mut socket = WebSocket::from_raw_socket(stream, Role::Server, None);
    let (tx, rx) = mpsc::channel::<String>();
    state
        .clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(tx);
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(text) => Message::text(text),
            // Keep the connection alive, and find out when the page is gone.
            Err(RecvTimeoutError::Timeout) => Message::Ping(Vec::new().into()),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let bye = matches!(&message, Message::Text(t) if t.as_str().contains("\"bye\""));
        if socket.send(message).is_err() || bye {
            break;
        }
    }
    let _ = socket.close(None);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> HashMap<String, Vec<u8>> {
        paths.iter().map(|p| (p.to_string(), Vec::new())).collect()
    }

    #[test]
    fn requests_resolve_under_the_base_path() {
        let f = files(&[
            "index.html",
            "regions/a/index.html",
            "assets/style.css",
            "404.html",
        ]);
        assert_eq!(resolve("/", "/", &f), Target::File("index.html".into()));
        assert_eq!(
            resolve("/regions/a/", "/", &f),
            Target::File("regions/a/index.html".into())
        );
        assert_eq!(
            resolve("/regions/a", "/", &f),
            Target::Redirect("/regions/a/".into())
        );
        assert_eq!(
            resolve("/repo/assets/style.css?v=1", "/repo/", &f),
            Target::File("assets/style.css".into())
        );
        assert_eq!(
            resolve("/", "/repo/", &f),
            Target::Redirect("/repo/".into())
        );
        assert_eq!(
            resolve("/repo", "/repo/", &f),
            Target::Redirect("/repo/".into())
        );
        assert_eq!(resolve("/assets/style.css", "/repo/", &f), Target::NotFound);
        assert_eq!(resolve("/nope/", "/", &f), Target::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        let f = files(&["index.html"]);
        assert_eq!(resolve("/../etc/passwd", "/", &f), Target::NotFound);
        assert_eq!(resolve("/regions/../index.html", "/", &f), Target::NotFound);
        assert_eq!(resolve("/%2e%2e/etc/passwd", "/", &f), Target::NotFound);
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        let root = Path::new("/p");
        assert_eq!(
            relevant(root, Path::new("/p/content/index.md")).as_deref(),
            Some("content/index.md")
        );
        assert_eq!(
            relevant(root, Path::new("/p/report.yaml")).as_deref(),
            Some("report.yaml")
        );
        assert_eq!(relevant(root, Path::new("/p/content/.index.md.swp")), None);
        assert_eq!(relevant(root, Path::new("/p/content/index.md~")), None);
        assert_eq!(relevant(root, Path::new("/p/content/4913")), None);
        assert_eq!(relevant(root, Path::new("/p/site/index.html")), None);
        assert_eq!(
            relevant(root, Path::new("/p/content")).as_deref(),
            Some("content")
        );
    }

    #[test]
    fn a_body_edit_touches_its_page_and_a_summary_edit_every_page() {
        let file = |page: &str, summary: &str, body: &str| load::content::Commentary {
            file: format!("content/{page}index.md"),
            page: page.into(),
            front: load::content::FrontMatter {
                summary: Some(summary.into()),
                ..Default::default()
            },
            body: body.into(),
            body_line: 4,
        };
        let old = vec![file("", "s", "a"), file("regions/x/", "s", "b")];
        let body = vec![file("", "s", "a"), file("regions/x/", "s", "B")];
        assert_eq!(
            changed_pages(&old, &body),
            Some(["regions/x/".to_string()].into())
        );
        let summary = vec![file("", "s", "a"), file("regions/x/", "S", "b")];
        assert_eq!(changed_pages(&old, &summary), None);
        assert_eq!(changed_pages(&old, &old[..1]), None);
        assert_eq!(changed_pages(&old, &old), Some(Default::default()));
    }

    #[test]
    fn the_client_goes_before_the_end_of_body() {
        let html = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            Some("a</script>"),
        ))
        .unwrap();
        assert!(html.ends_with("</script>\n</body></html>"));
        assert!(html.contains("__surveysite/ws"));
        assert!(!html.contains("a</script>"));
    }
}
