//! `drawdown serve`: the operations centre's dashboard and its JSON API.
//!
//! One page (`assets/`, embedded in the binary: nothing is fetched from
//! elsewhere) shows the map, the plan-versus-actual Gantt, the fan chart, a
//! what-if panel, the event form and the event log; everything it shows comes
//! from the JSON API under `/api/`, described by the OpenAPI document at
//! `/api/openapi.json`. Charts are SVG drawn on the server by
//! `drawdown-report`; everything stored goes through `drawdown-ops`, so the
//! command line (`drawdown log`, `drawdown status`) and the dashboard share
//! one code path and one store.
//!
//! Safe by default (the whole model is "Security model" in
//! `docs/operations.md`):
//! - it binds to loopback unless told otherwise, and refuses any other
//!   address without an access token (`check_bind`);
//! - it answers only under the host names it is served under, and takes
//!   changes only from its own origin (`host.rs`: DNS rebinding, cross-site
//!   requests);
//! - with a token, every `/api/` call must carry `Authorization: Bearer
//!   TOKEN`, compared in constant time (`auth.rs`);
//! - request bodies are capped (`MAX_BODY_BYTES`), what-ifs are capped in
//!   replications (`MAX_WHATIF_RUNS`), re-plans in solver time
//!   (`MAX_PLAN_SECONDS`), and both in how many run at once: a slot is held
//!   by the job until its computation ends, a job whose client has gone is
//!   stopped, and with every slot busy the answer is 503 (`compute.rs`);
//!   a version's baseline simulation takes a slot too, waiting for one;
//! - slow, idle or non-reading clients are cut off (header, body and write
//!   timeouts) and the connections open at once are capped (`net.rs`);
//! - every input is validated and refused with a 4xx and `{error, field,
//!   hint}` (`error.rs`); scenarios are looked up by name in the store only,
//!   so no path from a request ever reaches the file system;
//! - simulations and solves run on the blocking pool, so the API stays responsive
//!   while they do.
//!
//! Where to read: `api.rs` (the routes and their OpenAPI description),
//! `scenarios.rs` (stored scenarios compiled once, with their baseline
//! simulation), `whatif.rs`, `replan.rs` (a new plan from the state the
//! log describes), `charts.rs`.

mod api;
mod assets;
mod auth;
mod charts;
mod compute;
mod error;
mod event_form;
mod host;
mod net;
mod replan;
mod scenarios;
mod whatif;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use drawdown_ops::Store;

pub use compute::{JobCounts, RETRY_AFTER_SECS};
pub use error::{ApiError, ErrorBody};
pub use host::check_allowed_host;
pub use net::Limits;
pub use replan::PlanRequest;
pub use whatif::{PART as WHATIF_PART, WhatIfRequest};

/// Largest request body accepted (an event or a what-if is a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Most replications one what-if may ask for.
pub const MAX_WHATIF_RUNS: u64 = 20_000;
/// Longest solver time limit a re-plan may ask for, seconds.
pub const MAX_PLAN_SECONDS: f64 = 60.0;

/// How `drawdown serve` runs.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    /// Store URL: a SQLite path, `sqlite:PATH` or `postgres://…`.
    pub db: String,
    /// Access token; required when `bind` is not a loopback address.
    pub token: Option<String>,
    /// A scenario to store on start (its id and TOML text); the dashboard
    /// shows it first.
    pub scenario: Option<(String, String)>,
    /// Who stored it (recorded with the scenario version).
    pub recorded_by: String,
    /// What-ifs and re-plans that may run at once; more are refused (503).
    pub whatif_slots: usize,
    /// Host names (or addresses) to answer under besides loopback and the
    /// bound address (`--allowed-host`).
    pub allowed_hosts: Vec<String>,
    /// Timeouts and the connection cap.
    pub limits: Limits,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Store,
    pub(crate) token: Option<Arc<str>>,
    pub(crate) default_scenario: Option<String>,
    pub(crate) scenarios: Arc<scenarios::Cache>,
    pub(crate) compute: Arc<compute::Compute>,
    pub(crate) hosts: Arc<host::Hosts>,
    pub(crate) limits: Limits,
}

impl AppState {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What-ifs and re-plans running now, and how the others ended.
    pub fn compute_jobs(&self) -> JobCounts {
        self.compute.counts()
    }

    /// Calls `hook(done)` in every what-if after each part of its
    /// replications, before it checks whether its client is still there
    /// (observes a job's progress; a test holds a job at a part's end with
    /// it). Set it before serving: the job counts start again from zero.
    pub fn on_batch(mut self, hook: impl Fn(u64) + Send + Sync + 'static) -> AppState {
        self.compute = Arc::new(compute::Compute::new(self.compute.capacity).between_batches(Arc::new(hook)));
        self
    }

    /// The timeouts and the connection cap it serves with.
    pub fn limits(&self) -> Limits {
        self.limits
    }
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Refused by the safety rules (e.g. a public address without a token).
    #[error("{0}")]
    Unsafe(String),
    #[error("{0}")]
    Store(Box<drawdown_ops::StoreError>),
    /// The scenario could not be stored or compiled.
    #[error("{0}")]
    Scenario(String),
    #[error("{0}")]
    Io(std::io::Error),
}

/// The safety rule for the address: loopback is open to this machine's
/// users only; anything else needs a token (and an empty token is no token).
pub fn check_bind(bind: &SocketAddr, token: Option<&str>) -> Result<(), ServeError> {
    if token.is_some_and(|t| t.trim().is_empty()) {
        return Err(ServeError::Unsafe(
            "the access token is empty; give a non-empty `--token` or DRAWDOWN_TOKEN".into(),
        ));
    }
    if !bind.ip().is_loopback() && token.is_none() {
        return Err(ServeError::Unsafe(format!(
            "refusing to listen on {bind} without an access token: any machine that can reach it could read and write the operations log.\n\
             hint: give one with `--token TOKEN` or the DRAWDOWN_TOKEN environment variable (clients then send `Authorization: Bearer TOKEN`), or bind to loopback, e.g. `--bind 127.0.0.1:8080`"
        )));
    }
    Ok(())
}

/// Opens the store, stores the configured scenario and compiles it (with
/// its baseline simulation) so the first page load is quick.
pub async fn prepare(config: &Config) -> Result<AppState, ServeError> {
    check_bind(&config.bind, config.token.as_deref())?;
    let store = Store::open(&config.db).await.map_err(|e| ServeError::Store(Box::new(e)))?;
    let default = match &config.scenario {
        Some((name, text)) => {
            store.put_scenario(name, text, &config.recorded_by).await.map_err(|e| ServeError::Store(Box::new(e)))?;
            Some(name.clone())
        }
        None => None,
    };
    let hosts = host::Hosts::new(config.bind.ip(), &config.allowed_hosts).map_err(ServeError::Unsafe)?;
    let state = AppState {
        store,
        token: config.token.clone().map(Arc::from),
        default_scenario: default.clone(),
        scenarios: Arc::new(scenarios::Cache::default()),
        compute: Arc::new(compute::Compute::new(config.whatif_slots)),
        hosts: Arc::new(hosts),
        limits: config.limits,
    };
    if let Some(name) = &default {
        state
            .scenarios
            .latest(&state.store, &state.compute, name)
            .await
            .map_err(|e| ServeError::Scenario(e.message().to_string()))?;
    }
    Ok(state)
}

/// Runs the server until Ctrl-C (or SIGTERM), printing its URL on start.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let state = prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.bind).await.map_err(ServeError::Io)?;
    let addr = listener.local_addr().map_err(ServeError::Io)?;
    let host = if addr.ip().is_unspecified() { "localhost".to_string() } else { addr.ip().to_string() };
    let host = if addr.is_ipv6() && !addr.ip().is_unspecified() { format!("[{host}]") } else { host };
    println!("drawdown dashboard: http://{host}:{}/  (store: {}; Ctrl-C to stop)", addr.port(), config.db);
    if config.token.is_some() {
        println!("API calls need `Authorization: Bearer <token>`; the page asks for the token once.");
    }
    serve_on(listener, state, shutdown_signal()).await.map_err(ServeError::Io)?;
    println!("stopped");
    Ok(())
}

/// Serves the application over `listener` with the state's limits until
/// `shutdown` completes; requests in progress are then finished.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = state.limits;
    net::serve_on(listener, router(state), limits, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// The whole application: the page, its assets and the API, answering only
/// under the server's host names (`host.rs`).
pub fn router(state: AppState) -> axum::Router {
    let (api, _doc) = api::routes(state.clone());
    axum::Router::new()
        .merge(assets::routes())
        .merge(api)
        .fallback(assets::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state, host::check))
}

/// The OpenAPI document the router serves at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::document()
}
