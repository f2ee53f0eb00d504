//! The JSON API. Each handler carries its OpenAPI description
//! (`#[utoipa::path]`), and the router is built from the same list as the
//! document (`utoipa-axum`), so the document cannot name a route the server
//! does not have, nor miss one it has.

use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use drawdown_engine::SimResult;
use drawdown_model::Date;
use drawdown_ops::{EventKind, IncidentKind, LoggedEvent, NewEvent, NewRun, Store};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{Body, ErrorBody};
use crate::replan::PlanRequest;
use crate::scenarios::Compiled;
use crate::whatif::WhatIfRequest;
use crate::{ApiError, AppState, auth, charts, compute, replan, whatif};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "drawdown operations centre",
        description = "Scenarios, the operations log, plan versus actual, what-if simulations, re-plans from the log and charts of a drawdown. Every error is a 4xx or 5xx with `{error, field, hint}`. When the server has an access token every call needs `Authorization: Bearer TOKEN`. Every request must name in `Host` a host the server is served under (loopback, its address, `--allowed-host` names), else 421; a POST with an `Origin` other than the server's own gets 403; a body not sent within the body timeout, 408 (see \"Security model\" in docs/operations.md)."
    ),
    components(schemas(ErrorBody, WhatIfRequest, PlanRequest, NewEvent, LoggedEvent, EventKind, IncidentKind)),
    modifiers(&BearerToken),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        api.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(list_scenarios))
        .routes(routes!(get_scenario))
        .routes(routes!(get_status))
        .routes(routes!(event_kinds))
        .routes(routes!(list_events, record_event))
        .routes(routes!(run_whatif))
        .routes(routes!(run_plan))
        .routes(routes!(list_runs))
        .routes(routes!(get_run))
        .routes(routes!(get_chart))
}

/// The OpenAPI document (built once).
pub fn document() -> utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| api_router().split_for_parts().1).clone()
}

/// The API's routes, behind the token check.
pub fn routes(state: AppState) -> (axum::Router, utoipa::openapi::OpenApi) {
    let (router, doc) = api_router().split_for_parts();
    let router =
        router.layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_token)).with_state(state);
    (router, doc)
}

/// The OpenAPI 3 document of this API.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
async fn openapi_json() -> Response {
    Json(document()).into_response()
}

/// Stored scenarios (latest version of each) and the one the dashboard opens with.
#[utoipa::path(get, path = "/api/scenarios", tag = "scenarios", responses(
    (status = 200, description = "`{default, scenarios: [{name, version, sha256, created_at, recorded_by}]}`", content_type = "application/json"),
    (status = 401, body = ErrorBody)))]
async fn list_scenarios(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    let list = st.store.scenarios().await?;
    let default = st.default_scenario.clone().or_else(|| list.first().map(|s| s.name.clone()));
    Ok(Json(json!({"default": default, "scenarios": list})))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// A stored version (default: the latest).
    version: Option<i64>,
}

/// A scenario: its dates, sites, planned closures, variants and baseline simulation run.
#[utoipa::path(get, path = "/api/scenarios/{name}", tag = "scenarios",
    params(("name" = String, Path, description = "Scenario name, e.g. `minusma-2023`"), VersionQuery),
    responses(
        (status = 200, description = "The scenario", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_scenario(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    q: Result<Query<VersionQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (Path(name), Query(q)) = (name?, q?);
    let c = st.scenarios.get(&st.store, &st.compute, &name, q.version).await?;
    Ok(Json(describe(&c)))
}

fn describe(c: &Compiled) -> Value {
    let s = &c.scenario;
    let sites: Vec<Value> = s
        .sites
        .iter()
        .map(|x| {
            let closure = s.plan.closures.iter().find(|cl| cl.site == x.id);
            json!({
                "id": x.id, "name": x.name, "kind": x.kind, "base": x.kind.is_base(), "airfield": x.airfield, "exit": x.kind.is_exit(),
                "planned_closure": closure.map(|cl| cl.date.to_string()),
            })
        })
        .collect();
    let variants: Vec<Value> = drawdown_model::overrides::variant_names(&c.source)
        .into_iter()
        .map(|(n, d)| json!({"name": n, "description": d}))
        .collect();
    let r = &c.reference;
    json!({
        "name": r.name, "version": r.version, "sha256": r.sha256, "created_at": r.created_at, "recorded_by": r.recorded_by,
        "title": s.scenario.name, "description": s.scenario.description,
        "start": s.scenario.start.to_string(), "deadline": s.scenario.deadline.to_string(),
        "personnel": c.world.total_personnel,
        "sites": sites,
        "variants": variants,
        "convoy_lines": s.plan.lines.iter().map(|l| &l.id).collect::<Vec<_>>(),
        "event_kinds": EventKind::names(),
        "incident_kinds": IncidentKind::names(),
        "baseline": {"run": c.baseline_run, "summary": c.baseline_result.summary},
        "limits": {"whatif_runs": crate::MAX_WHATIF_RUNS, "body_bytes": crate::MAX_BODY_BYTES},
    })
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TodayQuery {
    /// The day to judge the plan at, `YYYY-MM-DD` (default: the day of the last logged event, or the scenario's start).
    today: Option<String>,
    /// For charts: the simulation run to draw (default: the scenario's baseline).
    run: Option<i64>,
}

/// Every event of a scenario, oldest first.
async fn all_events(store: &Store, name: &str) -> Result<Vec<LoggedEvent>, ApiError> {
    const PAGE: i64 = 5000;
    let mut out: Vec<LoggedEvent> = Vec::new();
    loop {
        let page = store.events(name, out.last().map(|e| e.id), PAGE).await?;
        let n = page.len();
        out.extend(page);
        if (n as i64) < PAGE {
            return Ok(out);
        }
    }
}

/// The day asked for, else the day of the last logged event, else the scenario's start.
fn day_of(c: &Compiled, events: &[LoggedEvent], today: Option<&str>) -> Result<Date, ApiError> {
    Ok(match today {
        Some(t) => Date::parse(t).ok_or_else(|| {
            ApiError::bad("today", format!("`{t}` is not a date")).hint("YYYY-MM-DD, e.g. 2023-10-15")
        })?,
        None => events.iter().map(LoggedEvent::day).max().unwrap_or(c.scenario.scenario.start),
    })
}

async fn status_of(st: &AppState, c: &Compiled, today: Option<&str>) -> Result<drawdown_ops::Status, ApiError> {
    let events = all_events(&st.store, &c.reference.name).await?;
    let today = day_of(c, &events, today)?;
    // Refused as a bad query, like a day that does not parse.
    drawdown_ops::check_today(&c.scenario, today)
        .map_err(|r| ApiError::bad("today", r.message).hint(r.hint.unwrap_or_default()))?;
    Ok(drawdown_ops::status(&c.scenario, &events, today, Some(&c.baseline)))
}

/// Plan versus actual on a day: sites, convoys, flights, personnel, casualties, clearances, trucks held.
#[utoipa::path(get, path = "/api/scenarios/{name}/status", tag = "operations log",
    params(("name" = String, Path, description = "Scenario name"), TodayQuery),
    responses(
        (status = 200, description = "The status (as `drawdown status --format json`)", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_status(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    q: Result<Query<TodayQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (Path(name), Query(q)) = (name?, q?);
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    let status = status_of(&st, &c, q.today.as_deref()).await?;
    Ok(Json(serde_json::to_value(status).map_err(ApiError::internal)?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Only events with a larger id (to fetch what is new since the last call).
    after: Option<i64>,
    /// At most this many (1 to 1,000; default 200).
    limit: Option<i64>,
}

fn limit(v: Option<i64>, default: i64, max: i64) -> Result<i64, ApiError> {
    match v.unwrap_or(default) {
        n if (1..=max).contains(&n) => Ok(n),
        n => Err(ApiError::bad("limit", format!("limit {n} is out of range")).hint(format!("1 to {max}"))),
    }
}

/// The operations log, oldest first, in pages.
#[utoipa::path(get, path = "/api/scenarios/{name}/events", tag = "operations log",
    params(("name" = String, Path, description = "Scenario name"), PageQuery),
    responses(
        (status = 200, description = "`{total, events: [{id, scenario, at, kind, …fields of the kind, recorded_by, recorded_at, note}]}`", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_events(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (Path(name), Query(q)) = (name?, q?);
    let n = limit(q.limit, 200, 1000)?;
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    let events = st.store.events(&c.reference.name, q.after, n).await?;
    let total = st.store.count_events(&c.reference.name).await?;
    Ok(Json(json!({"total": total, "events": events})))
}

/// Records an event, validated against the scenario and the log in one transaction.
///
/// The body is `{at, kind, …fields of the kind, recorded_by, note?}` (the `NewEvent` schema; the kinds
/// and their fields are `EventKind`), e.g.
/// `{"at": "2023-10-15T06:30", "kind": "convoy_departed", "convoy": "C-014", "from": "kidal", "to": "gao", "trucks": 40, "personnel": 300, "recorded_by": "ops1"}`.
#[utoipa::path(post, path = "/api/scenarios/{name}/events", tag = "operations log",
    params(("name" = String, Path, description = "Scenario name")),
    request_body(content = NewEvent, content_type = "application/json", description = "The event"),
    responses(
        (status = 201, description = "The event as logged, with its id", body = LoggedEvent),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Refused by the scenario or the log (unknown site, convoy never departed, date before the previous event of the same subject…); nothing written", body = ErrorBody)))]
async fn record_event(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    Body(ev): Body<NewEvent>,
) -> Result<(StatusCode, Json<LoggedEvent>), ApiError> {
    let Path(name) = name?;
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    let logged = st.store.record(&c.reference.name, &c.scenario, &ev).await?;
    Ok((StatusCode::CREATED, Json(logged)))
}

/// The kinds of event and the fields of each, as the dashboard's form shows them: derived from the
/// `EventKind` schema (`kind`, `description`, and per field its `name`, `label`, `input`
/// (`text`, `number`, `choice`), `required`, `sites` (`base`, `any`, `airfield`, `airfield_or_exit`),
/// `choices`, `initial`).
#[utoipa::path(get, path = "/api/event-kinds", tag = "operations log", responses(
    (status = 200, description = "`{kinds: [{kind, description, fields: [{name, label, input, required, sites?, choices?, initial?}]}]}`", content_type = "application/json"),
    (status = 401, body = ErrorBody)))]
async fn event_kinds() -> Json<Value> {
    Json(json!({"kinds": crate::event_form::kinds()}))
}

/// Simulates the scenario with variants switched on and closure dates moved; stores the result as a run.
#[utoipa::path(post, path = "/api/scenarios/{name}/whatif", tag = "simulation",
    params(("name" = String, Path, description = "Scenario name")),
    request_body = WhatIfRequest,
    responses(
        (status = 200, description = "`{run, scenario, version, request, result, baseline: {run, summary}}`; `result` is a simulation result (schema in docs/result.schema.json)", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, description = "Every compute slot is busy (what-ifs and re-plans); retry after `Retry-After` seconds", body = ErrorBody)))]
async fn run_whatif(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    Body(req): Body<WhatIfRequest>,
) -> Result<Json<Value>, ApiError> {
    let Path(name) = name?;
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    let open = whatif::request_for(&req, &c)?;
    // The slot goes with the job; the guard stays with this request, and
    // dropping it (the client went away) stops the job at its next part.
    let (job, _stop_when_dropped) = compute::start(&st.compute)?;
    let result = {
        let (runs, seed) = (req.runs, req.seed);
        let changes = (req.variants.clone(), req.closures.clone());
        let c = Arc::clone(&c);
        tokio::task::spawn_blocking(move || {
            job.run(|job| -> Result<SimResult, ApiError> {
                let compiled = c.changed(changes, || crate::scenarios::open_and_compile(&open))?;
                let (scenario, world) = &*compiled;
                let sum = whatif::simulate(world, runs, seed, whatif::PART, &|done| job.go_on(done))
                    .map_err(ApiError::internal)?
                    .ok_or_else(compute::Job::cancelled)?;
                Ok(SimResult::new(world, scenario, &sum))
            })
        })
        .await
        .map_err(ApiError::internal)??
    };
    let params = serde_json::to_value(&req).map_err(ApiError::internal)?;
    let run = NewRun {
        scenario: c.reference.name.clone(),
        version: c.reference.version,
        kind: "whatif".into(),
        params: params.clone(),
        result: serde_json::to_value(&result).map_err(ApiError::internal)?,
        recorded_by: "dashboard".into(),
    };
    let stored = st.store.put_run(&run).await?;
    Ok(Json(json!({
        "run": stored.id,
        "scenario": c.reference.name,
        "version": c.reference.version,
        "request": params,
        "result": result,
        "baseline": {"run": c.baseline_run, "summary": c.baseline_result.summary},
    })))
}

/// Re-plans from the operations log: the state the log describes at the end of `today` (as `drawdown status --state-out`), applied to the scenario and planned by the solver (as `drawdown plan --state`); stored as a run of kind `plan`.
#[utoipa::path(post, path = "/api/scenarios/{name}/plan", tag = "planning",
    params(("name" = String, Path, description = "Scenario name")),
    request_body = PlanRequest,
    responses(
        (status = 200, description = "`{run, scenario, version, request, today, as_of, notes, margin_days, summary: {status, objective, bound, gap, solve_seconds, start, deadline, personnel_total, personnel_left, expected_casualties, bases_left_open, closures: [{site, date, to}], explanation: [text], relaxation}, plan_toml}`; `plan_toml` is the `[plan]` section, as `drawdown plan` writes it", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "A day outside the plan, a margin that leaves no day, a state the scenario refuses, or a scenario the planner cannot plan as it stands (nothing can move, a kept closure without a road)", body = ErrorBody),
        (status = 500, description = "The solver gave no plan for a valid programme", body = ErrorBody),
        (status = 503, description = "Every compute slot is busy (what-ifs and re-plans); retry after `Retry-After` seconds", body = ErrorBody)))]
async fn run_plan(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    Body(req): Body<PlanRequest>,
) -> Result<Json<Value>, ApiError> {
    let Path(name) = name?;
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    let (time_limit, margin) = replan::limits(&req)?;
    let events = all_events(&st.store, &c.reference.name).await?;
    let today = day_of(&c, &events, req.today.as_deref())?;
    replan::check_day(&c.scenario, today, margin)?;
    // As for a what-if: the slot goes with the job, and dropping the guard
    // (the client went away) stops the solver at its next interrupt check.
    let (job, _stop_when_dropped) = compute::start(&st.compute)?;
    let result = {
        let c = Arc::clone(&c);
        tokio::task::spawn_blocking(move || {
            job.run(|job| replan::replan(&c, &events, today, time_limit, margin, Some(job.flag())))
        })
        .await
        .map_err(ApiError::internal)??
    };
    let params = serde_json::to_value(&req).map_err(ApiError::internal)?;
    let run = NewRun {
        scenario: c.reference.name.clone(),
        version: c.reference.version,
        kind: "plan".into(),
        params: params.clone(),
        result: result.clone(),
        recorded_by: "dashboard".into(),
    };
    let stored = st.store.put_run(&run).await?;
    let mut out =
        json!({"run": stored.id, "scenario": c.reference.name, "version": c.reference.version, "request": params});
    if let (Some(o), Value::Object(r)) = (out.as_object_mut(), result) {
        o.extend(r);
    }
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct RunsQuery {
    /// At most this many, newest first (1 to 200; default 20).
    limit: Option<i64>,
}

/// Simulation runs of a scenario (baselines and what-ifs), newest first.
#[utoipa::path(get, path = "/api/scenarios/{name}/runs", tag = "simulation",
    params(("name" = String, Path, description = "Scenario name"), RunsQuery),
    responses(
        (status = 200, description = "`[{id, scenario, version, kind, created_at, recorded_by}]`", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_runs(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    q: Result<Query<RunsQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (Path(name), Query(q)) = (name?, q?);
    let n = limit(q.limit, 20, 200)?;
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    Ok(Json(serde_json::to_value(st.store.runs(&c.reference.name, n).await?).map_err(ApiError::internal)?))
}

async fn run_result(st: &AppState, id: i64) -> Result<(drawdown_ops::RunRef, Value), ApiError> {
    let Some((r, text)) = st.store.run(id).await? else {
        return Err(ApiError::not_found("run", format!("no run {id}")));
    };
    let v = serde_json::from_str(&text).map_err(ApiError::internal)?;
    Ok((r, v))
}

/// A stored simulation run's result, typed; a run stored in an older form
/// of the result is refused with a hint rather than drawn with zeros.
fn simulation_of(id: i64, v: Value) -> Result<SimResult, ApiError> {
    let version = v.get("schema_version").and_then(Value::as_u64);
    if version != Some(u64::from(drawdown_engine::result::SCHEMA_VERSION)) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("run"),
            format!("run {id} was stored in an older form of the result (schema {})", version.unwrap_or(1)),
        )
        .hint("run the what-if again to draw it"));
    }
    serde_json::from_value(v).map_err(ApiError::internal)
}

/// One run: its reference and its result.
#[utoipa::path(get, path = "/api/runs/{id}", tag = "simulation",
    params(("id" = i64, Path, description = "Run id")),
    responses(
        (status = 200, description = "`{run: {id, scenario, version, kind, created_at, recorded_by}, result}`", content_type = "application/json"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_run(State(st): State<AppState>, id: Result<Path<i64>, PathRejection>) -> Result<Json<Value>, ApiError> {
    let Path(id) = id?;
    let (r, v) = run_result(&st, id).await?;
    Ok(Json(json!({"run": r, "result": v})))
}

/// A chart as SVG: `map` (sites by logged state, roads by threat), `gantt` (plan versus actual), `fan` (personnel out against the deadline).
#[utoipa::path(get, path = "/api/scenarios/{name}/charts/{chart}", tag = "charts",
    params(("name" = String, Path, description = "Scenario name"), ("chart" = String, Path, description = "`map`, `gantt` or `fan`"), TodayQuery),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_chart(
    State(st): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    q: Result<Query<TodayQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (Path((name, chart)), Query(q)) = (path?, q?);
    let c = st.scenarios.latest(&st.store, &st.compute, &name).await?;
    if !charts::CHARTS.contains(&chart.as_str()) {
        return Err(ApiError::not_found("chart", format!("no chart `{chart}`"))
            .hint(format!("charts: {}", charts::CHARTS.join(", "))));
    }
    let result = match q.run {
        Some(id) => {
            let (r, v) = run_result(&st, id).await?;
            if r.scenario != c.reference.name {
                return Err(ApiError::bad(
                    "run",
                    format!("run {id} is of scenario `{}`, not `{}`", r.scenario, c.reference.name),
                ));
            }
            if r.kind == "plan" {
                return Err(ApiError::bad("run", format!("run {id} is a plan, not a simulation"))
                    .hint("draw the baseline or a what-if run"));
            }
            simulation_of(id, v)?
        }
        None => c.baseline_result.clone(),
    };
    let status = status_of(&st, &c, q.today.as_deref()).await?;
    let svg = charts::draw(&chart, &c, &result, &status)?.svg();
    Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], svg)
        .into_response())
}
