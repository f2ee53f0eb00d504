//! Shared by the server's tests: a server over a fresh store (SQLite
//! always; PostgreSQL too when DRAWDOWN_TEST_POSTGRES holds its URL) with
//! the embedded MINUSMA scenario under a name of its own, so tests sharing
//! one PostgreSQL database never see each other's events.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use drawdown_server::{AppState, Config};

/// A store for one test; the temporary directory lives as long as it.
pub struct TestStore {
    pub url: String,
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
}

/// The stores every test runs against.
pub fn stores() -> Vec<TestStore> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut v = vec![TestStore {
        url: format!("sqlite:{}", dir.path().join("drawdown.db").display()),
        label: "sqlite",
        _dir: Some(dir),
    }];
    match std::env::var("DRAWDOWN_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => v.push(TestStore { url, label: "postgres", _dir: None }),
        _ => assert!(
            std::env::var("DRAWDOWN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "DRAWDOWN_REQUIRE_POSTGRES=1 but DRAWDOWN_TEST_POSTGRES is not set: start PostgreSQL (the test script does) and set it to its URL"
        ),
    }
    v
}

/// A scenario name no other test (or earlier run) uses.
pub fn unique_name() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("minusma-test-{}-{}-{}", std::process::id(), t % 1_000_000_000, N.fetch_add(1, Ordering::Relaxed))
}

pub fn config(db: &str, name: &str, token: Option<&str>) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        db: db.to_string(),
        token: token.map(str::to_string),
        scenario: Some((name.to_string(), drawdown_model::MINUSMA_2023.to_string())),
        recorded_by: "test".into(),
        whatif_slots: 2,
        allowed_hosts: Vec::new(),
        limits: drawdown_server::Limits::default(),
    }
}

/// Server state over `db` with MINUSMA stored as `name`.
pub async fn state(db: &str, name: &str, token: Option<&str>) -> AppState {
    drawdown_server::prepare(&config(db, name, token)).await.expect("server state")
}

/// A server for `state` on a free loopback port, in the background: its
/// address and its task (abort it to stop the server).
pub async fn spawn(state: AppState) -> (std::net::SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let addr = listener.local_addr().expect("address");
    (addr, tokio::spawn(drawdown_server::serve_on(listener, state, std::future::pending())))
}
