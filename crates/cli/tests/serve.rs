//! `drawdown serve` through the binary: its flags, and that the names it
//! is served under come from `--allowed-host`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

#[allow(dead_code)]
mod common;
use common::drawdown;

#[test]
fn serve_help_lists_allowed_host_and_a_bad_one_is_refused_with_a_hint() {
    let (code, out, _) = drawdown(&["serve", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--allowed-host <NAME>"), "{out}");
    for bad in ["http://ops.example.org", "ops.example.org:8080", ""] {
        let (code, _, err) = drawdown(&["serve", "--allowed-host", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("is not a host name") && err.contains("hint:"), "{bad}: {err}");
    }
}

/// Sends a GET naming `host` and returns the status code.
fn status(port: u16, host: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    write!(s, "GET /api/scenarios HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    answer.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("{answer}"))
}

#[test]
fn serve_answers_under_loopback_and_the_allowed_names_only() {
    let dir = std::env::temp_dir().join(format!("drawdown-serve-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("drawdown.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_drawdown"))
        .args(["serve", "--bind", "127.0.0.1:0", "--allowed-host", "ops.example.org", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its URL");
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let codes = [
        status(port, &format!("127.0.0.1:{port}")),
        status(port, &format!("ops.example.org:{port}")),
        status(port, &format!("rebind.attacker.example:{port}")),
    ];
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(codes, [200, 200, 421]);
}
