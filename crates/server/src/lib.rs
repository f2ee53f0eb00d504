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
//! Safe by default:
//! - it binds to loopback unless told otherwise, and refuses any other
//!   address without an access token (`check_bind`);
//! - with a token, every `/api/` call must carry `Authorization: Bearer
//!   TOKEN`, compared in constant time (`auth.rs`);
//! - request bodies are capped (`MAX_BODY_BYTES`), what-ifs are capped in
//!   replications (`MAX_WHATIF_RUNS`), re-plans in solver time
//!   (`MAX_PLAN_SECONDS`), and both in how many run at once (the rest wait,
//!   then get 503);
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
mod error;
mod event_form;
mod replan;
mod scenarios;
mod whatif;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use drawdown_ops::Store;

pub use error::{ApiError, ErrorBody};
pub use replan::PlanRequest;
pub use whatif::WhatIfRequest;

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
    /// What-ifs and re-plans that may run at once; more wait for a slot.
    pub whatif_slots: usize,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Store,
    pub(crate) token: Option<Arc<str>>,
    pub(crate) default_scenario: Option<String>,
    pub(crate) scenarios: Arc<scenarios::Cache>,
    pub(crate) whatif_slots: Arc<tokio::sync::Semaphore>,
    /// How long a what-if waits for a slot before a 503.
    pub(crate) whatif_wait: Duration,
}

impl AppState {
    /// State over an open store; `default_scenario` is the one the dashboard
    /// opens with (None: the first stored).
    pub fn new(store: Store, token: Option<String>, default_scenario: Option<String>, whatif_slots: usize) -> AppState {
        AppState {
            store,
            token: token.map(Arc::from),
            default_scenario,
            scenarios: Arc::new(scenarios::Cache::default()),
            whatif_slots: Arc::new(tokio::sync::Semaphore::new(whatif_slots.max(1))),
            whatif_wait: Duration::from_secs(20),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A slot to compute in: what-ifs and re-plans share `whatif_slots`, so
    /// at most that many simulations and solves run at once; the others wait
    /// up to `whatif_wait` for one, then get 503. Hold the permit until done.
    pub(crate) async fn compute_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout(self.whatif_wait, self.whatif_slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                None,
                "too many what-ifs and re-plans are running",
            )
            .hint(format!("retry in a few seconds; each waits up to {} s", self.whatif_wait.as_secs()))),
        }
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
    let state = AppState::new(store, config.token.clone(), default.clone(), config.whatif_slots);
    if let Some(name) = &default {
        state.scenarios.latest(&state.store, name).await.map_err(|e| ServeError::Scenario(e.message().to_string()))?;
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
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await.map_err(ServeError::Io)?;
    println!("stopped");
    Ok(())
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

/// The whole application: the page, its assets and the API.
pub fn router(state: AppState) -> axum::Router {
    let (api, _doc) = api::routes(state.clone());
    axum::Router::new()
        .merge(assets::routes())
        .merge(api)
        .fallback(assets::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The OpenAPI document the router serves at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::document()
}
