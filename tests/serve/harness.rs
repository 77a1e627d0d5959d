//! The server under test and how the tests talk to it: the real binary on a free port, HTTP
//! requests written by hand, the live-reload socket as a page opens it.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::{Message, WebSocket};

use crate::common::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_surveysite");
pub const SOCKET_PATH: &str = "/__surveysite/ws";
pub const HOME: &str = "content/index.md";
/// Line 2 of content/index.md, its front matter title.
pub const HOME_TITLE: &str = "title: 地域医療連携システムに関する事前アンケート";
pub const NOT_FOUND_HEADING: &str = "<h1>ページが見つかりません</h1>";
/// How long an edit may take to reach the socket before a test gives up (a failure, not a
/// speed target: those are measured by the benchmarks, not asserted here; the test suite runs
/// many debug servers at once on two cores).
pub const EDIT_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// The server process

/// A running `surveysite serve`; killed when dropped, so a failing test leaves no server behind.
pub struct Server {
    pub child: Child,
    pub port: u16,
    /// The path the site is served under: "/" or e.g. "/repo/".
    pub base: String,
    /// Lines of stdout ("out: …") and stderr ("err: …") in the order they arrived.
    pub lines: Receiver<String>,
    /// Every line read so far, for failure messages.
    pub seen: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line of `from` to `to`, prefixed by `tag`.
pub fn forward_lines(
    from: impl Read + Send + 'static,
    tag: &'static str,
    to: mpsc::Sender<String>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if to.send(format!("{tag}: {line}")).is_err() {
                break;
            }
        }
    });
}

/// Starts `serve --root ROOT --port 0 EXTRA…` and waits for its `serving http://…` line and
/// its first page.
pub fn serve(project: &Project, extra: &[&str]) -> Server {
    let mut args = vec![
        "--root".into(),
        project.root().to_path_buf().into_os_string(),
    ];
    args.extend(extra.iter().map(|a| a.into()));
    serve_in(std::env::temp_dir().as_path(), &args)
}

/// Starts `serve --port 0 ARGS…` in the folder `cwd`, as an editor does from a terminal, and
/// waits for its `serving http://…` line and its first page.
pub fn serve_in(cwd: &std::path::Path, args: &[std::ffi::OsString]) -> Server {
    let mut child = Command::new(BIN)
        .current_dir(cwd)
        .arg("serve")
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting surveysite serve");
    let (tx, rx) = mpsc::channel();
    forward_lines(child.stdout.take().unwrap(), "out", tx.clone());
    forward_lines(child.stderr.take().unwrap(), "err", tx);
    let mut server = Server {
        child,
        port: 0,
        base: String::new(),
        lines: rx,
        seen: Vec::new(),
    };
    let line = server
        .wait_line(Duration::from_secs(60), |l| l.starts_with("out: serving "))
        .unwrap_or_else(|| {
            panic!(
                "no `serving http://…` line within 60 s; exit: {:?}; output:\n{}",
                server.child.try_wait(),
                server.transcript()
            )
        });
    // serving http://127.0.0.1:PORT/BASE/ (Ctrl-C to stop)
    let rest = line
        .strip_prefix("out: serving http://127.0.0.1:")
        .unwrap_or_else(|| panic!("the server should be on loopback: {line:?}"));
    let (url, tail) = rest.split_once(' ').expect("a space after the URL");
    assert_eq!(tail, "(Ctrl-C to stop)", "{line:?}");
    let slash = url.find('/').expect("a path after the port");
    server.port = url[..slash].parse().expect("a port number");
    assert_ne!(
        server.port, 0,
        "--port 0 should print the port actually used"
    );
    server.base = url[slash..].to_string();
    // The server answers as soon as it prints the line, the first page when it is rendered:
    // wait for it, as an editor opening the page does, so that an edit starts a rebuild.
    let base = server.base.clone();
    server.get(&base);
    server
}

impl Server {
    /// Threads of the server process now.
    #[cfg(target_os = "linux")]
    pub fn threads(&self) -> usize {
        fs::read_dir(format!("/proc/{}/task", self.child.id()))
            .map(|d| d.count())
            .unwrap_or_else(|e| panic!("reading the server's threads: {e}"))
    }

    /// Resident memory of the server process now, in KiB.
    #[cfg(target_os = "linux")]
    pub fn rss_kib(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    /// The next output line within `timeout`, or None (nothing came, or the process ended).
    pub fn next_line(&mut self, timeout: Duration) -> Option<String> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => {
                self.seen.push(line.clone());
                Some(line)
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// The first line within `timeout` that `want` accepts, skipping the others.
    pub fn wait_line(&mut self, timeout: Duration, want: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = self.next_line(left)?;
            if want(&line) {
                return Some(line);
            }
        }
    }

    /// Every line printed so far (waiting briefly for lines still on their way).
    pub fn transcript(&mut self) -> String {
        while self.next_line(Duration::from_millis(100)).is_some() {}
        self.seen.join("\n")
    }

    /// The one-line rebuild report ("… changed: …") that follows an edit of `file`.
    pub fn rebuild_line(&mut self, file: &str) -> String {
        let needle = format!("{file} changed: ");
        self.wait_line(EDIT_TIMEOUT, |l| l.contains(&needle))
            .unwrap_or_else(|| panic!("no `{needle}…` line; output:\n{}", self.transcript()))
    }

    pub fn get(&self, target: &str) -> Reply {
        get(self.port, target)
    }

    pub fn live(&self) -> Live {
        Live::connect(self.port)
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP by hand: the request line goes out exactly as written, with no normalisation of `..`.

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for a binary file: compare `bytes` then).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value the served page gives `window.__surveysiteError` (None for `null`).
    pub fn served_error(&self) -> Option<String> {
        const START: &str = "<script>window.__surveysiteError=";
        let at = self
            .body
            .find(START)
            .unwrap_or_else(|| panic!("no live-reload error script in the page"))
            + START.len();
        let end = at
            + self.body[at..]
                .find(";</script>")
                .expect("the error script ends");
        serde_json::from_str(&self.body[at..end]).expect("the error is a JSON string or null")
    }
}

pub fn get(port: u16, target: &str) -> Reply {
    send(
        port,
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `request` exactly as written (request line, headers, blank line) and reads the answer
/// to the end of the connection.
pub fn send(port: u16, request: &str) -> Reply {
    let target = request.lines().next().unwrap_or_default().to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connecting to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("reading the answer to {target}: {e}"));
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("{target}: no end of headers in {raw:?}"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{target}: bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    }
}

pub fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size line");
        let size_text = String::from_utf8_lossy(&raw[..eol]);
        let size_text = size_text.split(';').next().unwrap().trim();
        let size = usize::from_str_radix(size_text, 16).expect("a hex chunk size");
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
}

// ---------------------------------------------------------------------------------------------
// The live-reload socket, as a page opens it

pub struct Live {
    pub socket: WebSocket<TcpStream>,
}

impl Live {
    /// Opens the socket as a page of the preview does (its Origin is the preview).
    pub fn connect(port: u16) -> Live {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connecting to the server");
        let request = socket_request(port, &format!("http://127.0.0.1:{port}"));
        let (socket, response) = tungstenite::client::client(request, stream)
            .unwrap_or_else(|e| panic!("opening {SOCKET_PATH}: {e}"));
        assert_eq!(response.status().as_u16(), 101);
        // Short reads, so that waiting for a message can give up at a deadline.
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        Live { socket }
    }

    /// The next message within `timeout`, as JSON; None if none came.
    pub fn next(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    return Some(serde_json::from_str(text.as_str()).unwrap_or_else(|e| {
                        panic!("the socket sent {:?}, not JSON: {e}", text.as_str())
                    }));
                }
                Ok(_) => {} // ping, pong
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("the live-reload socket failed: {e}"),
            }
        }
        None
    }

    /// The next message, which must be of `kind` ("reload", "error").
    pub fn expect(&mut self, kind: &str) -> Value {
        let message = self
            .next(EDIT_TIMEOUT)
            .unwrap_or_else(|| panic!("no {kind:?} message within {EDIT_TIMEOUT:?}"));
        assert_eq!(message["type"], kind, "unexpected message {message}");
        message
    }
}

/// The WebSocket handshake a page served from `origin` sends.
pub fn socket_request(port: u16, origin: &str) -> tungstenite::handshake::client::Request {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://127.0.0.1:{port}{SOCKET_PATH}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Origin", origin.parse().unwrap());
    request
}

/// A sentence no page of the example has, so finding it proves the edit was served.
pub fn unique_sentence(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{what}のための一文（{}-{nanos}）。", std::process::id())
}

pub fn append(project: &Project, rel: &str, text: &str) {
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(project.path(rel))
        .unwrap_or_else(|e| panic!("opening {rel}: {e}"));
    write!(file, "\n{text}\n").unwrap();
}

// ---------------------------------------------------------------------------------------------
// What a reader sees

/// The Q1 table of 都全域 and the home page's table of respondents, as a reader sees them.
pub const TOKYO_Q1_ROWS: &[&str] = &[
    "地域医療連携に関するシステムを導入している 80 32.0%",
    "今後導入する予定がある 51 20.4%",
    "導入予定なし 119 47.6%",
    "回答計 250",
];
pub const HOME_ROWS: &[&str] = &[
    "高度急性期 1 (6.3%) 36 (14.4%)",
    "急性期/サブアキュート 8 (50.0%) 79 (31.6%)",
    "計 16 250",
];

pub fn assert_shows(page: &str, html: &str, texts: &[&str]) {
    let seen = text(html);
    for t in texts {
        assert!(
            seen.contains(t),
            "{page} should show {t:?}; it shows:\n{seen}"
        );
    }
}

/// The live-reload client sits right before `</body>`, after everything the page itself has.
pub fn assert_client_injected(page: &str, html: &str) {
    let script = html
        .rfind(SOCKET_PATH)
        .unwrap_or_else(|| panic!("{page}: no live-reload client"));
    let body_end = html.rfind("</body>").expect("</body>");
    assert!(script < body_end, "{page}: the client is after </body>");
    assert!(
        html[..script].contains("<script>window.__surveysiteError="),
        "{page}: no error script"
    );
}

// ---------------------------------------------------------------------------------------------
// The served site against the built one

/// A page as `build` writes it: the served HTML without the live-reload client.
pub fn strip_client(html: &str) -> String {
    const START: &str = "<script>window.__surveysiteError=";
    let Some(at) = html.find(START) else {
        return html.to_string();
    };
    let end = html.rfind("</script>\n").expect("the client's end") + "</script>\n".len();
    format!("{}{}", &html[..at], &html[end..])
}

/// `path` with every byte other than ASCII letters, digits, `-._~/` written as `%XX`, as a
/// browser sends it.
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first file of `built` that the server does not serve byte for byte (pages without the
/// client), or None.
pub fn first_difference(server: &Server, built: &Site) -> Option<String> {
    for (path, bytes) in built.files() {
        if path == ".surveysite" {
            continue; // build's marker of its own output, not part of the site
        }
        let reply = server.get(&format!("{}{}", server.base, encode_path(&path)));
        let served = if path.ends_with(".html") {
            strip_client(&reply.body).into_bytes()
        } else {
            reply.bytes.clone()
        };
        if reply.status != 200 || served != bytes {
            return Some(format!("{path} (status {})", reply.status));
        }
    }
    None
}

/// Waits until every file `build` wrote is served as built: the first page comes at once, the
/// rest on demand or from the background, within EDIT_TIMEOUT.
pub fn wait_until_served_as_built(server: &Server, built: &Site) {
    let deadline = Instant::now() + EDIT_TIMEOUT;
    loop {
        let Some(path) = first_difference(server, built) else {
            return;
        };
        if Instant::now() > deadline {
            panic!("{path} is not served as `build` writes it");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
