//! The process: a port in use, Ctrl-C.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use crate::harness::*;

// ---------------------------------------------------------------------------------------------
// The process

/// Waits for `child` to exit, killing it after `timeout`.
fn exit_within(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn a_port_in_use_is_refused_with_a_clear_message() {
    let project = Project::example();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg("--root")
        .arg(project.root())
        .args(["--port", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = exit_within(&mut child, Duration::from_secs(30))
        .expect("serve should exit when its port is taken, not run");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(!status.success(), "exit status {status}");
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("already in use"),
        "stderr should say the port is in use: {stderr:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stdout.contains("serving"), "{stdout}");
    drop(taken);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let project = Project::example();
    let mut server = serve(&project, &[]);
    let sent = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = exit_within(&mut server.child, Duration::from_secs(10))
        .expect("serve should stop on Ctrl-C");
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        server.transcript()
    );
    assert!(
        server
            .wait_line(Duration::from_secs(2), |l| l == "out: stopped")
            .is_some(),
        "no `stopped` line:\n{}",
        server.transcript()
    );
}
