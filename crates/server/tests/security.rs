//! The server's defences over raw TCP on loopback, with short timeouts:
//! host names and origins (DNS rebinding, cross-site changes), the compute
//! limit (a slot held by its job until the job stops, a job whose client
//! left stopped, 503 with Retry-After when full), header, body and idle
//! timeouts and the connection cap. Every loop here is bounded in count and
//! time.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use drawdown_server::{Config, Limits};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer read off the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
    /// A refusal: the status, and the field its JSON body names.
    fn refused(&self, status: u16, field: &str) -> Value {
        assert_eq!(self.status, status, "{self:?}");
        let v = self.json();
        assert_eq!(v["field"], field, "{v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()) && v["hint"].is_string(), "{v}");
        v
    }
}

fn parse(raw: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no complete answer: {text:?}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status line: {head}"));
    Answer { status, head: head.to_string(), body: body.to_string() }
}

/// Reads until the server closes the connection, at most `within`; None if it did not.
async fn read_to_close(s: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(out),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// Sends `request` as is and reads the answer up to the server's close.
async fn exchange(addr: SocketAddr, request: &str) -> Answer {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("send");
    parse(&read_to_close(&mut s, Duration::from_secs(60)).await.expect("the server answered and closed"))
}

/// A request with these headers (and `Connection: close`).
fn request(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> String {
    let mut r = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (n, v) in headers {
        r.push_str(&format!("{n}: {v}\r\n"));
    }
    match body {
        Some(b) => {
            let b = b.to_string();
            r.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}", b.len()));
        }
        None => r.push_str("\r\n"),
    }
    r
}

fn event(by: &str) -> Value {
    json!({"at": "2023-10-15T06:30", "kind": "convoy_departed", "convoy": format!("C-{by}"), "from": "kidal", "to": "gao", "trucks": 40, "personnel": 300, "recorded_by": by})
}

struct Server {
    addr: SocketAddr,
    name: String,
    state: drawdown_server::AppState,
    _db: common::TestStore,
}

async fn start(change: impl FnOnce(&mut Config)) -> Server {
    start_with(change, |s| s).await
}

async fn start_with(
    change: impl FnOnce(&mut Config),
    hook: impl FnOnce(drawdown_server::AppState) -> drawdown_server::AppState,
) -> Server {
    let db = common::stores().remove(0);
    let name = common::unique_name();
    let mut config = common::config(&db.url, &name, None);
    change(&mut config);
    let state = hook(drawdown_server::prepare(&config).await.expect("server state"));
    let (addr, _) = common::spawn(state.clone()).await;
    Server { addr, name, state, _db: db }
}

impl Server {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.addr.port())
    }
    async fn events(&self) -> i64 {
        self.state.store().count_events(&self.name).await.expect("count")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_host_name_is_refused_before_anything_is_read_or_written() {
    let srv = start(|_| {}).await;
    let port = srv.addr.port();
    let evil = format!("rebind.attacker.example:{port}");
    let evil_origin = format!("http://{evil}");
    let events = format!("/api/scenarios/{}/events", srv.name);

    // The reproduced attack: a page on a rebound name posts an event with its own origin.
    let a =
        exchange(srv.addr, &request("POST", &events, &[("Host", &evil), ("Origin", &evil_origin)], Some(&event("x"))))
            .await;
    a.refused(421, "Host");
    assert!(a.json()["hint"].as_str().unwrap().contains("--allowed-host"), "{a:?}");
    // And it cannot read either: not the log, not the page.
    exchange(srv.addr, &request("GET", &events, &[("Host", &evil)], None)).await.refused(421, "Host");
    exchange(srv.addr, &request("GET", "/", &[("Host", &evil)], None)).await.refused(421, "Host");
    // An absolute target names the host too, and wins over `Host`.
    let absolute = format!("http://{evil}{events}");
    exchange(srv.addr, &request("GET", &absolute, &[("Host", &srv.host())], None)).await.refused(421, "Host");
    // No host at all (HTTP/1.0 allows leaving it out): refused.
    let a = exchange(srv.addr, &format!("GET {events} HTTP/1.0\r\n\r\n")).await;
    a.refused(400, "Host");
    assert_eq!(srv.events().await, 0, "nothing was written");

    // The names and addresses it is served under.
    for host in [
        srv.host(),
        format!("localhost:{port}"),
        format!("LOCALHOST.:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".into(),
    ] {
        let a = exchange(srv.addr, &request("GET", &events, &[("Host", &host)], None)).await;
        assert_eq!(a.status, 200, "{host}: {a:?}");
    }
    let own = format!("http://{}", srv.host());
    let a =
        exchange(srv.addr, &request("POST", &events, &[("Host", &srv.host()), ("Origin", &own)], Some(&event("a"))))
            .await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(srv.events().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_from_a_foreign_origin_is_refused() {
    let srv = start(|_| {}).await;
    let port = srv.addr.port();
    let events = format!("/api/scenarios/{}/events", srv.name);
    let whatif = format!("/api/scenarios/{}/whatif", srv.name);
    let host = srv.host();
    for origin in [
        "http://evil.example",
        &format!("http://localhost:{port}"),
        "http://127.0.0.1:3000",
        "null",
        "https://127.0.0.1",
    ] {
        let a =
            exchange(srv.addr, &request("POST", &events, &[("Host", &host), ("Origin", origin)], Some(&event("o"))))
                .await;
        a.refused(403, "Origin");
        let a = exchange(
            srv.addr,
            &request("POST", &whatif, &[("Host", &host), ("Origin", origin)], Some(&json!({"runs": 10}))),
        )
        .await;
        a.refused(403, "Origin");
    }
    assert_eq!(srv.events().await, 0);
    // Reading with a foreign Origin is the browser's business (no CORS header: the page cannot read it).
    let a =
        exchange(srv.addr, &request("GET", &events, &[("Host", &host), ("Origin", "http://evil.example")], None)).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert!(a.header("access-control-allow-origin").is_none(), "{a:?}");
    // No Origin: a script or curl, not a cross-site page.
    let a = exchange(srv.addr, &request("POST", &events, &[("Host", &host)], Some(&event("c")))).await;
    assert_eq!(a.status, 201, "{a:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_host_names_are_served_and_a_token_server_checks_the_host_first() {
    let srv = start(|c| {
        c.allowed_hosts = vec!["Ops.Example.org".into()];
        c.token = Some("s3cret".into());
    })
    .await;
    let port = srv.addr.port();
    let events = format!("/api/scenarios/{}/events", srv.name);
    let named = format!("ops.example.org:{port}");
    let origin = format!("http://{named}");
    let auth = ("Authorization", "Bearer s3cret");
    let a = exchange(
        srv.addr,
        &request("POST", &events, &[("Host", &named), ("Origin", &origin), auth], Some(&event("n"))),
    )
    .await;
    assert_eq!(a.status, 201, "{a:?}");
    // The right token does not make a foreign name acceptable.
    let other = format!("other.example.org:{port}");
    exchange(srv.addr, &request("GET", &events, &[("Host", &other), auth], None)).await.refused(421, "Host");
    let a = exchange(
        srv.addr,
        &request("POST", &events, &[("Host", &named), ("Origin", "http://evil.example"), auth], Some(&event("m"))),
    )
    .await;
    a.refused(403, "Origin");
    // A good name without the token: the token check still applies.
    exchange(srv.addr, &request("GET", &events, &[("Host", &named)], None)).await.refused(401, "Authorization");
    assert_eq!(srv.events().await, 1);
}

#[test]
fn a_bad_allowed_host_stops_the_server_with_a_hint() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let db = common::stores().remove(0);
    let mut config = common::config(&db.url, &common::unique_name(), None);
    config.allowed_hosts = vec!["http://ops.example.org:8080/".into()];
    let e = rt.block_on(drawdown_server::prepare(&config)).err().expect("refused").to_string();
    assert!(e.contains("`http://ops.example.org:8080/` is not a host name") && e.contains("hint:"), "{e}");
}

fn short(header: u64, body: u64, connections: usize) -> Limits {
    Limits {
        header_timeout: Duration::from_millis(header),
        body_timeout: Duration::from_millis(body),
        write_timeout: Duration::from_secs(30),
        max_connections: connections,
    }
}

/// Opens `n` connections that send the start of a request head and never finish it.
async fn half_sent_heads(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut v = Vec::new();
    for _ in 0..n {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(format!("GET /api/scenarios HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.expect("send");
        v.push(s);
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_heads_are_cut_off_with_or_without_a_token() {
    for token in [None, Some("s3cret")] {
        let srv = start(|c| {
            c.limits = short(400, 400, 256);
            c.token = token.map(str::to_string);
        })
        .await;
        let started = Instant::now();
        let mut open = half_sent_heads(srv.addr, 100).await;
        for (i, s) in open.iter_mut().enumerate() {
            assert!(
                read_to_close(s, Duration::from_secs(5)).await.is_some(),
                "token {token:?}: half-sent request {i} still open after {:?}",
                started.elapsed()
            );
        }
        assert!(started.elapsed() >= Duration::from_millis(400), "closed before the header timeout");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_body_gets_408_and_its_connection_is_closed() {
    for token in [None, Some("s3cret")] {
        let srv = start(|c| {
            c.limits = short(10_000, 400, 256);
            c.token = token.map(str::to_string);
        })
        .await;
        let mut s = TcpStream::connect(srv.addr).await.expect("connect");
        let head = format!(
            "POST /api/scenarios/{}/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer s3cret\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"at\": ",
            srv.name,
            srv.host()
        );
        s.write_all(head.as_bytes()).await.expect("send");
        let a = parse(&read_to_close(&mut s, Duration::from_secs(5)).await.expect("closed within the body timeout"));
        a.refused(408, "body");
        assert_eq!(a.header("connection"), Some("close"), "{a:?}");
        // Without the token, the refusal comes at once and the connection still closes.
        let mut s = TcpStream::connect(srv.addr).await.expect("connect");
        s.write_all(head.replace("Authorization: Bearer s3cret\r\n", "").as_bytes()).await.expect("send");
        let a = parse(&read_to_close(&mut s, Duration::from_secs(5)).await.expect("closed"));
        assert_eq!(a.status, if token.is_some() { 401 } else { 408 }, "{a:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed() {
    let srv = start(|c| c.limits = short(400, 400, 256)).await;
    let mut s = TcpStream::connect(srv.addr).await.expect("connect");
    s.write_all(format!("GET /api/event-kinds HTTP/1.1\r\nHost: {}\r\n\r\n", srv.host()).as_bytes())
        .await
        .expect("send");
    // Read the one answer (kept alive: no close), then nothing more is sent.
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    let deadline = Instant::now() + Duration::from_secs(5);
    let complete = |got: &[u8]| {
        let text = String::from_utf8_lossy(got);
        let Some((head, body)) = text.split_once("\r\n\r\n") else { return false };
        let len = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>()))
            .and_then(Result::ok);
        len.is_some_and(|n| body.len() >= n)
    };
    while !complete(&got) {
        let n =
            tokio::time::timeout_at(deadline.into(), s.read(&mut buf)).await.expect("answer in time").expect("read");
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(parse(&got).status, 200);
    let idle = Instant::now();
    assert!(read_to_close(&mut s, Duration::from_secs(5)).await.is_some(), "an idle connection stayed open");
    assert!(idle.elapsed() >= Duration::from_millis(300), "closed at once instead of after the timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let srv = start(|c| c.limits = short(20_000, 20_000, 2)).await;
    // Two connections take the two places and say nothing.
    let first = TcpStream::connect(srv.addr).await.expect("connect");
    let _second = TcpStream::connect(srv.addr).await.expect("connect");
    let mut third = TcpStream::connect(srv.addr).await.expect("connect (the kernel queues it)");
    third.write_all(request("GET", "/api/event-kinds", &[("Host", &srv.host())], None).as_bytes()).await.expect("send");
    assert!(read_to_close(&mut third, Duration::from_millis(800)).await.is_none(), "a third connection was served");
    drop(first);
    let a = parse(&read_to_close(&mut third, Duration::from_secs(10)).await.expect("served once a place was free"));
    assert_eq!(a.status, 200, "{a:?}");
}

/// A hook that holds the first what-if at the end of its first part until
/// released, and records every call.
struct Gate {
    calls: Arc<Mutex<Vec<u64>>>,
    entered: mpsc::Receiver<()>,
    release: mpsc::Sender<()>,
}

fn gate() -> (Gate, impl Fn(u64) + Send + Sync + 'static) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    let c = Arc::clone(&calls);
    let hook = move |done: u64| {
        let first = {
            let mut calls = c.lock().expect("calls");
            calls.push(done);
            calls.len() == 1
        };
        if first {
            let _ = entered_tx.lock().expect("entered").send(());
            let _ = release_rx.lock().expect("release").recv_timeout(Duration::from_secs(60));
        }
    };
    (Gate { calls, entered, release }, hook)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_what_if_whose_client_left_keeps_its_slot_until_it_stops_and_a_full_server_says_503() {
    let (gate, hook) = gate();
    let srv = start_with(|c| c.whatif_slots = 1, |s| s.on_batch(hook)).await;
    let whatif = format!("/api/scenarios/{}/whatif", srv.name);
    let host = srv.host();
    let probe = |runs: u64| request("POST", &whatif, &[("Host", &host)], Some(&json!({"runs": runs, "seed": 9})));

    // A client asks for the largest what-if, and is held at the end of its first part.
    let mut client = TcpStream::connect(srv.addr).await.expect("connect");
    client.write_all(probe(20_000).as_bytes()).await.expect("send");
    let entered = gate.entered;
    tokio::task::spawn_blocking(move || entered.recv_timeout(Duration::from_secs(60)))
        .await
        .expect("wait")
        .expect("the what-if reached its first part's end");
    assert_eq!(srv.state.compute_jobs().running, 1);

    // Full: refused at once, with when to retry.
    let a = exchange(srv.addr, &probe(10)).await;
    assert_eq!(a.status, 503, "{a:?}");
    assert!(a.json()["error"].as_str().is_some_and(|e| e.contains("busy")), "{a:?}");
    assert_eq!(a.header("retry-after"), Some(drawdown_server::RETRY_AFTER_SECS.to_string().as_str()), "{a:?}");

    // The client goes away; its job still runs (held), so its slot is still taken.
    drop(client);
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        let a = exchange(srv.addr, &probe(10)).await;
        assert_eq!(a.status, 503, "the slot was given back while its job was still running: {a:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(srv.state.compute_jobs().running, 1);

    // Let it go on: it sees its client has gone and stops at once, giving the slot back.
    gate.release.send(()).expect("release");
    let until = Instant::now() + Duration::from_secs(30);
    while srv.state.compute_jobs().running > 0 {
        assert!(Instant::now() < until, "the abandoned job did not stop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let counts = srv.state.compute_jobs();
    assert_eq!((counts.cancelled, counts.finished), (1, 0), "{counts:?}");
    assert_eq!(*gate.calls.lock().unwrap(), vec![drawdown_server::WHATIF_PART], "stopped after its first part");

    // The slot serves the next what-if, whose result is what a quiet server gives.
    let a = exchange(srv.addr, &probe(3000)).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(srv.state.compute_jobs().finished, 1);
    let quiet = start(|_| {}).await;
    let b = exchange(
        quiet.addr,
        &request(
            "POST",
            &format!("/api/scenarios/{}/whatif", quiet.name),
            &[("Host", &quiet.host())],
            Some(&json!({"runs": 3000, "seed": 9})),
        ),
    )
    .await;
    assert_eq!(b.status, 200, "{b:?}");
    assert_eq!(a.json()["result"], b.json()["result"], "the same what-if gave another result");
}

/// Waits (bounded) until `f` holds of the server's compute jobs.
async fn until_jobs(srv: &Server, within: Duration, what: &str, f: impl Fn(drawdown_server::JobCounts) -> bool) {
    let until = Instant::now() + within;
    while !f(srv.state.compute_jobs()) {
        assert!(Instant::now() < until, "{what}: {:?}", srv.state.compute_jobs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A re-plan whose client has gone is stopped inside the solver: it ends
/// as cancelled and gives its slot back. One that ran on to its answer
/// would end with the plan and count as finished.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_plan_whose_client_left_is_stopped_inside_the_solver() {
    let srv = start(|c| c.whatif_slots = 1).await;
    let plan = format!("/api/scenarios/{}/plan", srv.name);
    let mut client = TcpStream::connect(srv.addr).await.expect("connect");
    let body = json!({"time_limit_s": 60});
    client.write_all(request("POST", &plan, &[("Host", &srv.host())], Some(&body)).as_bytes()).await.expect("send");
    until_jobs(&srv, Duration::from_secs(60), "the re-plan never took its slot", |c| c.running == 1).await;
    drop(client);
    until_jobs(&srv, Duration::from_secs(120), "the abandoned re-plan did not stop", |c| c.running == 0).await;
    let counts = srv.state.compute_jobs();
    assert_eq!((counts.cancelled, counts.finished), (1, 0), "{counts:?}");
}

/// A scenario version's baseline simulation takes a compute slot: with the
/// one slot held by a what-if, a new version's first request waits (a toy
/// baseline takes milliseconds), and is answered once the slot is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_baseline_waits_for_a_compute_slot() {
    let (gate, hook) = gate();
    let srv = start_with(|c| c.whatif_slots = 1, |s| s.on_batch(hook)).await;
    let host = srv.host();
    let whatif = format!("/api/scenarios/{}/whatif", srv.name);
    let mut held = TcpStream::connect(srv.addr).await.expect("connect");
    let body = json!({"runs": 2 * drawdown_server::WHATIF_PART, "seed": 9});
    held.write_all(request("POST", &whatif, &[("Host", &host)], Some(&body)).as_bytes()).await.expect("send");
    let entered = gate.entered;
    tokio::task::spawn_blocking(move || entered.recv_timeout(Duration::from_secs(60)))
        .await
        .expect("wait")
        .expect("the what-if reached its first part's end");

    let toy = common::unique_name();
    let text = include_str!("../../engine/tests/fixtures/toy.toml");
    srv.state.store().put_scenario(&toy, text, "test").await.expect("stored");
    let mut s = TcpStream::connect(srv.addr).await.expect("connect");
    let status = request("GET", &format!("/api/scenarios/{toy}/status"), &[("Host", &host)], None);
    s.write_all(status.as_bytes()).await.expect("send");
    assert!(
        read_to_close(&mut s, Duration::from_millis(1500)).await.is_none(),
        "the baseline ran while the one slot was held"
    );
    assert_eq!(srv.state.compute_jobs().running, 1);

    gate.release.send(()).expect("release");
    let a = parse(&read_to_close(&mut s, Duration::from_secs(60)).await.expect("answered once the slot was free"));
    assert_eq!(a.status, 200, "{a:?}");
    let w = parse(&read_to_close(&mut held, Duration::from_secs(60)).await.expect("the what-if answered"));
    assert_eq!(w.status, 200, "{w:?}");
}

/// A client that sends requests and stops reading the answers is cut off
/// after the write timeout; without one it would hold its connection until
/// it closed it (here: until the 10-s idle timeout, after everything was read).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_cut_off_after_the_write_timeout() {
    let srv =
        start(|c| c.limits = Limits { write_timeout: Duration::from_millis(300), ..short(10_000, 10_000, 256) }).await;
    let one = exchange(srv.addr, &request("GET", "/app.js", &[("Host", &srv.host())], None)).await;
    assert_eq!(one.status, 200, "{one:?}");
    let size = one.head.len() + one.body.len();
    // Pipelined requests for ~16 MB of answers, more than the sockets buffer.
    let n = 16_000_000 / size + 1;
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("buffer");
    let mut s = socket.connect(srv.addr).await.expect("connect");
    let get = format!("GET /app.js HTTP/1.1\r\nHost: {}\r\n\r\n", srv.host());
    s.write_all(get.repeat(n).as_bytes()).await.expect("send");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got = read_to_close(&mut s, Duration::from_secs(5))
        .await
        .expect("the connection was closed while its answers were unread");
    assert!(got.len() < n * size / 2, "{} of {} bytes came before the close", got.len(), n * size);
}
