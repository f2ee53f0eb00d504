//! The JSON API in-process (tower `oneshot`): every route, every refusal
//! with its `{error, field, hint}`, the token, the size limit and the
//! OpenAPI document's completeness; against SQLite, and PostgreSQL when
//! DRAWDOWN_TEST_POSTGRES is set.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    content_type: String,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    /// A refusal: the status and the field it names.
    fn refused(&self, status: StatusCode, field: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        let v = self.json();
        assert_eq!(v["field"], field, "{v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
        v
    }
}

async fn call(app: &axum::Router, method: Method, uri: &str, body: Option<Value>, token: Option<&str>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    raw(app, req).await
}

async fn raw(app: &axum::Router, mut req: Request<Body>) -> Reply {
    // As a client on this machine sends it (the server refuses a request naming no host).
    req.headers_mut().entry(header::HOST).or_insert(header::HeaderValue::from_static("127.0.0.1:8080"));
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let content_type = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Reply { status, content_type, text: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    call(app, Method::GET, uri, None, None).await
}

async fn post(app: &axum::Router, uri: &str, body: Value) -> Reply {
    call(app, Method::POST, uri, Some(body), None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    let db = &common::stores()[0];
    let app = drawdown_server::router(common::state(&db.url, &common::unique_name(), None).await);
    let page = get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text.contains("id=\"event-form\"") && page.text.contains("id=\"whatif-form\""));
    // Nothing from elsewhere: every script and stylesheet is local.
    assert!(!page.text.contains("http://") && !page.text.contains("https://"), "the page refers to another host");
    let js = get(&app, "/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type.starts_with("text/javascript"));
    assert_eq!(get(&app, "/style.css").await.status, StatusCode::OK);
    // The event form is built from the server's description of the kinds: the
    // page names none of its own.
    for kind in drawdown_ops::EventKind::names() {
        assert!(
            !js.text.contains(&format!("{kind}:")) && !js.text.contains(&format!("\"{kind}\"")),
            "the page spells the kind `{kind}` itself"
        );
    }
    let resp = app
        .clone()
        .oneshot(Request::get("/").header(header::HOST, "127.0.0.1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = resp.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    // Unknown paths: JSON under /api/, plain text elsewhere.
    get(&app, "/api/nothing-here").await.refused(StatusCode::NOT_FOUND, "path");
    let other = get(&app, "/etc/passwd").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!other.text.contains("root:"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_form_lists_every_kind_with_the_fields_of_its_json() {
    let db = &common::stores()[0];
    let app = drawdown_server::router(common::state(&db.url, &common::unique_name(), None).await);
    let reply = get(&app, "/api/event-kinds").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let kinds = reply.json()["kinds"].as_array().cloned().expect("kinds");
    let names: Vec<&str> = kinds.iter().filter_map(|k| k["kind"].as_str()).collect();
    assert_eq!(names, drawdown_ops::EventKind::names(), "every kind, in the ops crate's order");
    let kind = |name: &str| kinds.iter().find(|k| k["kind"] == name).cloned().unwrap();
    let fields = |name: &str| -> Vec<String> {
        kind(name)["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_string()).collect()
    };
    let field =
        |k: &str, f: &str| kind(k)["fields"].as_array().unwrap().iter().find(|x| x["name"] == f).cloned().unwrap();
    assert_eq!(fields("convoy_departed"), ["convoy", "from", "to", "trucks", "personnel"]);
    assert_eq!(fields("trucks_held"), ["site", "trucks"], "the JSON's names, not the Rust field's");
    assert_eq!(fields("site_seized"), ["site", "by"]);
    assert_eq!(fields("flight_departed"), ["flight", "from", "to", "personnel", "cargo", "request"]);
    assert!(kinds.iter().all(|k| k["description"].as_str().is_some_and(|d| !d.is_empty())), "{kinds:?}");
    // What the form needs to offer the right inputs.
    assert_eq!(
        (field("flight_departed", "from")["sites"].clone(), field("flight_departed", "to")["sites"].clone()),
        (json!("airfield"), json!("airfield_or_exit"))
    );
    assert_eq!(field("site_closed", "site")["sites"], "base");
    assert_eq!(field("convoy_departed", "trucks")["input"], "number");
    assert_eq!(
        (field("incident", "site")["required"].clone(), field("incident", "what")["required"].clone()),
        (json!(false), json!(true))
    );
    let what: Vec<Value> = field("incident", "what")["choices"].as_array().cloned().unwrap();
    assert_eq!(what, drawdown_ops::IncidentKind::names().iter().map(|n| json!(n)).collect::<Vec<_>>());
    assert_eq!(field("clearance_requested", "flights")["initial"], 1);
    assert_eq!(field("site_handed_over", "to")["initial"], "state");
    assert_eq!(field("convoy_departed", "convoy")["label"], "Convoy serial");
    // Every field the form offers is one the JSON takes: an event with all of them is accepted as JSON.
    for k in &kinds {
        let mut ev = json!({"kind": k["kind"], "at": "2023-10-01", "recorded_by": "t"});
        for f in k["fields"].as_array().unwrap() {
            let v = if f["input"] == "number" {
                json!(1)
            } else if f["input"] == "choice" {
                f["choices"][0].clone()
            } else {
                json!("x")
            };
            ev[f["name"].as_str().unwrap()] = v;
        }
        drawdown_ops::NewEvent::from_json(ev.clone()).unwrap_or_else(|r| panic!("{ev}: {r}"));
    }
    // The OpenAPI document describes an event with the same types.
    let doc = get(&app, "/api/openapi.json").await.json();
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["EventKind"].is_object() && schemas["NewEvent"].is_object() && schemas["LoggedEvent"].is_object());
    let body =
        &doc["paths"]["/api/scenarios/{name}/events"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body["$ref"], "#/components/schemas/NewEvent", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_are_listed_and_described_and_unknown_ones_are_404() {
    for db in common::stores() {
        let name = common::unique_name();
        let app = drawdown_server::router(common::state(&db.url, &name, None).await);
        let list = get(&app, "/api/scenarios").await.json();
        assert_eq!(list["default"], name.as_str(), "{}", db.label);
        assert!(list["scenarios"].as_array().unwrap().iter().any(|s| s["name"] == name.as_str() && s["version"] == 1));
        let s = get(&app, &format!("/api/scenarios/{name}")).await.json();
        assert_eq!(s["start"], "2023-07-01");
        assert_eq!(s["deadline"], "2023-12-31");
        assert_eq!(s["personnel"], 13871);
        let variants: Vec<&str> = s["variants"].as_array().unwrap().iter().filter_map(|v| v["name"].as_str()).collect();
        assert!(variants.contains(&"flights-cleared") && variants.contains(&"kidal-as-planned"), "{variants:?}");
        assert!(
            s["sites"].as_array().unwrap().iter().any(|x| x["id"] == "kidal" && x["planned_closure"] == "2023-10-31")
        );
        let site = |id: &str| s["sites"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
        assert_eq!(
            (site("gao")["airfield"].clone(), site("ber")["airfield"].clone()),
            (true.into(), false.into()),
            "the form offers airfields for flights"
        );
        assert_eq!((site("abroad")["exit"].clone(), site("gao")["exit"].clone()), (true.into(), false.into()));
        assert!(s["event_kinds"].as_array().unwrap().iter().any(|k| k == "flight_departed"));
        assert!(s["baseline"]["run"].as_i64().is_some());
        let p50 = s["baseline"]["summary"]["personnel_departed_by_deadline"]["p50"].as_f64().unwrap();
        assert!(p50 > 10_000.0 && p50 <= 13_871.0, "{p50}");
        // The same text again is the same version.
        assert_eq!(get(&app, &format!("/api/scenarios/{name}?version=1")).await.json()["version"], 1);
        let v = get(&app, "/api/scenarios/no-such-mission").await.refused(StatusCode::NOT_FOUND, "name");
        assert!(v["hint"].as_str().unwrap().contains(&name), "{v}");
        get(&app, &format!("/api/scenarios/{name}?version=99")).await.refused(StatusCode::NOT_FOUND, "name");
        get(&app, &format!("/api/scenarios/{name}?version=abc")).await.refused(StatusCode::BAD_REQUEST, "query");
        get(&app, &format!("/api/scenarios/{name}?colour=red")).await.refused(StatusCode::BAD_REQUEST, "query");
        // A path-looking name is only ever a key in the store.
        get(&app, "/api/scenarios/..%2F..%2Fetc%2Fpasswd").await.refused(StatusCode::NOT_FOUND, "name");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_recorded_listed_and_refused_with_their_field() {
    for db in common::stores() {
        let name = common::unique_name();
        let state = common::state(&db.url, &name, None).await;
        let store = state.store().clone();
        let app = drawdown_server::router(state);
        let url = format!("/api/scenarios/{name}/events");
        let ok = post(&app, &url, json!({"at": "2023-07-20T06:30", "kind": "convoy_departed", "convoy": "C-001", "from": "kidal", "to": "gao", "trucks": 40, "personnel": 300, "recorded_by": "ops1"})).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}: {}", db.label, ok.text);
        let logged = ok.json();
        assert_eq!(logged["convoy"], "C-001");
        assert_eq!(logged["recorded_by"], "ops1");
        let id = logged["id"].as_i64().unwrap();

        // Refusals, each naming its field; none is written.
        let unknown_site =
            post(&app, &url, json!({"at": "2023-08-01", "kind": "site_closed", "site": "kidl", "recorded_by": "ops1"}))
                .await
                .refused(StatusCode::UNPROCESSABLE_ENTITY, "site");
        assert!(unknown_site["hint"].as_str().unwrap().contains("kidal"), "{unknown_site}");
        post(
            &app,
            &url,
            json!({"at": "2023-08-01", "kind": "convoy_arrived", "convoy": "C-999", "recorded_by": "ops1"}),
        )
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY, "convoy");
        post(
            &app,
            &url,
            json!({"at": "2023-07-19", "kind": "convoy_arrived", "convoy": "C-001", "recorded_by": "ops1"}),
        )
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY, "at");
        post(&app, &url, json!({"at": "2023-08-01", "kind": "site_closed", "site": "kidal", "recorded_by": ""}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "recorded_by");
        post(&app, &url, json!({"at": "2023-08-01", "kind": "site_exploded", "site": "kidal", "recorded_by": "ops1"}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "body");
        post(&app, &url, json!({"at": "2023-08-01", "kind": "convoy_departed", "convoy": "C-2", "from": "kidal", "to": "gao", "trucks": -3, "recorded_by": "ops1"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "body");
        let bad_json = raw(
            &app,
            Request::post(&url).header(header::CONTENT_TYPE, "application/json").body(Body::from("{\"at\": ")).unwrap(),
        )
        .await;
        bad_json.refused(StatusCode::BAD_REQUEST, "body");
        let not_json = raw(
            &app,
            Request::post(&url).header(header::CONTENT_TYPE, "text/plain").body(Body::from("site closed")).unwrap(),
        )
        .await;
        not_json.refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type");
        let huge = json!({"at": "2023-08-01", "kind": "site_closed", "site": "kidal", "recorded_by": "ops1", "note": "x".repeat(drawdown_server::MAX_BODY_BYTES)});
        post(&app, &url, huge).await.refused(StatusCode::PAYLOAD_TOO_LARGE, "body");
        post(
            &app,
            "/api/scenarios/nowhere/events",
            json!({"at": "2023-08-01", "kind": "site_closed", "site": "kidal", "recorded_by": "ops1"}),
        )
        .await
        .refused(StatusCode::NOT_FOUND, "name");

        assert_eq!(store.count_events(&name).await.unwrap(), 1, "{}: a refused event was written", db.label);
        let list = get(&app, &url).await.json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["events"][0]["id"], id);
        assert_eq!(get(&app, &format!("{url}?after={id}")).await.json()["events"].as_array().unwrap().len(), 0);
        get(&app, &format!("{url}?limit=0")).await.refused(StatusCode::BAD_REQUEST, "limit");
        get(&app, &format!("{url}?limit=5000")).await.refused(StatusCode::BAD_REQUEST, "limit");
        get(&app, &format!("{url}?after=x")).await.refused(StatusCode::BAD_REQUEST, "query");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reflects_the_log() {
    for db in common::stores() {
        let name = common::unique_name();
        let app = drawdown_server::router(common::state(&db.url, &name, None).await);
        let url = format!("/api/scenarios/{name}/events");
        for ev in [
            json!({"at": "2023-08-04", "kind": "site_handed_over", "site": "ogossagou", "to": "state", "recorded_by": "ops1"}),
            json!({"at": "2023-08-10T05:00", "kind": "convoy_departed", "convoy": "C-7", "from": "ber", "to": "timbuktu", "trucks": 12, "personnel": 80, "recorded_by": "ops2"}),
        ] {
            assert_eq!(post(&app, &url, ev).await.status, StatusCode::CREATED);
        }
        // Default day: the last event's.
        let st = get(&app, &format!("/api/scenarios/{name}/status")).await.json();
        assert_eq!(st["today"], "2023-08-10", "{}", db.label);
        let og = st["sites"].as_array().unwrap().iter().find(|s| s["site"] == "ogossagou").unwrap().clone();
        assert_eq!(og["state"], "handed_over");
        assert_eq!(st["convoys"]["in_transit"].as_array().unwrap().len(), 1);
        assert_eq!((st["flights"]["count"].clone(), st["personnel"]["out"].clone()), (0.into(), 0.into()));
        // A flight abroad: out of the country on the day it departs.
        let flight = json!({"at": "2023-08-11", "kind": "flight_departed", "flight": "UN-2231", "from": "gao", "to": "abroad", "personnel": 120, "cargo": 4, "recorded_by": "ops2"});
        let logged = post(&app, &url, flight.clone()).await;
        assert_eq!(logged.status, StatusCode::CREATED, "{}: {}", db.label, logged.text);
        assert_eq!(logged.json()["flight"], "UN-2231");
        post(&app, &url, flight).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "flight");
        post(&app, &url, json!({"at": "2023-08-11", "kind": "flight_departed", "flight": "UN-9", "from": "ber", "to": "abroad", "recorded_by": "ops2"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "from");
        post(&app, &url, json!({"at": "2023-08-11", "kind": "flight_departed", "flight": "UN-9", "from": "gao", "to": "abroad", "request": "R-404", "recorded_by": "ops2"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "request");
        let st = get(&app, &format!("/api/scenarios/{name}/status")).await.json();
        assert_eq!(st["today"], "2023-08-11");
        assert_eq!(
            (st["flights"]["count"].clone(), st["flights"]["personnel"].clone(), st["flights"]["cargo"].clone()),
            (1.into(), 120.into(), 4.into())
        );
        assert_eq!((st["personnel"]["out"].clone(), st["personnel"]["out_by_air"].clone()), (120.into(), 120.into()));
        // Before the events, nothing has happened yet.
        let early = get(&app, &format!("/api/scenarios/{name}/status?today=2023-07-15")).await.json();
        assert_eq!(early["convoys"]["in_transit"].as_array().unwrap().len(), 0);
        get(&app, &format!("/api/scenarios/{name}/status?today=tomorrow"))
            .await
            .refused(StatusCode::BAD_REQUEST, "today");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_ifs_simulate_store_a_run_and_refuse_bad_requests() {
    for db in common::stores() {
        let name = common::unique_name();
        let app = drawdown_server::router(common::state(&db.url, &name, None).await);
        let url = format!("/api/scenarios/{name}/whatif");
        let r = post(
            &app,
            &url,
            json!({"variants": ["kidal-as-planned"], "closures": {"timbuktu": "2023-12-10"}, "runs": 300, "seed": 11}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.text);
        let v = r.json();
        assert_eq!(v["result"]["runs"], 300);
        assert_eq!(v["result"]["seed"], 11);
        let site = |id: &str| v["result"]["sites"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap().clone();
        assert_eq!(site("kidal")["planned_closure"], "2023-11-22", "the variant moves Kidal");
        assert_eq!(site("timbuktu")["planned_closure"], "2023-12-10", "the closure date was moved");
        assert_eq!(v["result"]["daily"].as_array().unwrap().len(), 184);
        assert_eq!(v["result"]["schema_version"], drawdown_engine::result::SCHEMA_VERSION);
        // Stored, and listed with the baseline.
        let run = v["run"].as_i64().unwrap();
        let stored = get(&app, &format!("/api/runs/{run}")).await.json();
        assert_eq!(stored["run"]["kind"], "whatif");
        assert_eq!(stored["result"], v["result"]);
        let runs = get(&app, &format!("/api/scenarios/{name}/runs")).await.json();
        let kinds: Vec<&str> = runs.as_array().unwrap().iter().filter_map(|r| r["kind"].as_str()).collect();
        assert!(kinds.contains(&"whatif") && kinds.contains(&"simulate"), "{kinds:?}");
        // Same request, same seed: same numbers.
        let again = post(
            &app,
            &url,
            json!({"variants": ["kidal-as-planned"], "closures": {"timbuktu": "2023-12-10"}, "runs": 300, "seed": 11}),
        )
        .await
        .json();
        assert_eq!(again["result"], v["result"]);

        post(&app, &url, json!({"runs": 0})).await.refused(StatusCode::BAD_REQUEST, "runs");
        let too_many = post(&app, &url, json!({"runs": drawdown_server::MAX_WHATIF_RUNS + 1}))
            .await
            .refused(StatusCode::BAD_REQUEST, "runs");
        assert!(too_many["hint"].as_str().unwrap().contains("20000"), "{too_many}");
        let nv = post(&app, &url, json!({"variants": ["flights-clear"]}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "variants[0]");
        assert!(nv["hint"].as_str().unwrap().contains("flights-cleared"), "{nv}");
        post(&app, &url, json!({"variants": ["flights-cleared", "flights-cleared"]}))
            .await
            .refused(StatusCode::BAD_REQUEST, "variants[1]");
        post(&app, &url, json!({"closures": {"bamako": "2023-10-01"}}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "closures.bamako");
        post(&app, &url, json!({"closures": {"kidal": "31/10/2023"}}))
            .await
            .refused(StatusCode::BAD_REQUEST, "closures.kidal");
        post(&app, &url, json!({"closures": {"kidal": "2025-01-01"}}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "closures.kidal");
        post(&app, &url, json!({"runs": "many"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "runs");
        post(&app, &url, json!({"file": "/etc/passwd"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "file");
        get(&app, "/api/runs/987654321").await.refused(StatusCode::NOT_FOUND, "run");
        get(&app, "/api/runs/abc").await.refused(StatusCode::BAD_REQUEST, "path");
        get(&app, &format!("/api/scenarios/{name}/runs?limit=1000")).await.refused(StatusCode::BAD_REQUEST, "limit");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replan_starts_from_the_log_is_stored_and_refuses_bad_requests() {
    for db in common::stores() {
        let name = common::unique_name();
        let app = drawdown_server::router(common::state(&db.url, &name, None).await);
        let ev = json!({"at": "2023-11-01T09:00", "kind": "site_handed_over", "site": "kidal", "to": "state", "recorded_by": "ops1"});
        assert_eq!(post(&app, &format!("/api/scenarios/{name}/events"), ev).await.status, StatusCode::CREATED);
        let url = format!("/api/scenarios/{name}/plan");
        let r = post(&app, &url, json!({"time_limit_s": 15})).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.text);
        let v = r.json();
        // The default day is the last logged event's; the plan starts the day after.
        assert_eq!((v["today"].as_str(), v["as_of"].as_str()), (Some("2023-11-01"), Some("2023-11-02")), "{v}");
        let as_of = v["as_of"].as_str().unwrap();
        let sum = &v["summary"];
        assert!(sum["status"].as_str().is_some_and(|s| !s.is_empty()), "{sum}");
        assert!(sum["objective"].is_number() && sum["gap"].is_number() && sum["solve_seconds"].is_number(), "{sum}");
        assert!(sum["personnel_left"].as_f64().is_some_and(|x| x >= 0.0), "{sum}");
        assert!(sum["expected_casualties"].is_number() && sum["explanation"].is_array(), "{sum}");
        let closures = sum["closures"].as_array().unwrap();
        assert!(!closures.is_empty(), "{sum}");
        for cl in closures {
            assert_ne!(cl["site"], "kidal", "Kidal was handed over; the new plan closes it again: {cl}");
            // ISO dates compare as text.
            assert!(cl["date"].as_str().unwrap() >= as_of, "a closure before the state's date: {cl}");
            assert!(cl["to"].as_str().is_some_and(|t| !t.is_empty()), "{cl}");
        }
        let toml = v["plan_toml"].as_str().unwrap();
        assert!(toml.contains("[[plan.closure]]") && !toml.contains("site = \"kidal\""), "{toml}");
        // Stored as a run of kind `plan`, with the same result.
        let run = v["run"].as_i64().unwrap();
        let stored = get(&app, &format!("/api/runs/{run}")).await.json();
        assert_eq!(stored["run"]["kind"], "plan", "{}", db.label);
        assert_eq!(stored["result"]["plan_toml"], v["plan_toml"]);
        assert_eq!(stored["result"]["summary"]["closures"], sum["closures"]);
        let runs = get(&app, &format!("/api/scenarios/{name}/runs")).await.json();
        assert!(runs.as_array().unwrap().iter().any(|r| r["id"] == run && r["kind"] == "plan"), "{runs}");
        // A plan is not a simulation to draw.
        get(&app, &format!("/api/scenarios/{name}/charts/fan?run={run}")).await.refused(StatusCode::BAD_REQUEST, "run");

        post(&app, &url, json!({"time_limit_s": 0})).await.refused(StatusCode::BAD_REQUEST, "time_limit_s");
        let long =
            post(&app, &url, json!({"time_limit_s": 1000})).await.refused(StatusCode::BAD_REQUEST, "time_limit_s");
        assert!(long["hint"].as_str().unwrap().contains("60"), "{long}");
        post(&app, &url, json!({"time_limit_s": "soon"}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "time_limit_s");
        post(&app, &url, json!({"margin_days": 31})).await.refused(StatusCode::BAD_REQUEST, "margin_days");
        post(&app, &url, json!({"margin_days": -1})).await.refused(StatusCode::BAD_REQUEST, "margin_days");
        post(&app, &url, json!({"today": "2023-12-25", "margin_days": 10}))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY, "margin_days");
        post(&app, &url, json!({"today": "01/11/2023"})).await.refused(StatusCode::BAD_REQUEST, "today");
        post(&app, &url, json!({"today": "2023-02-30"})).await.refused(StatusCode::BAD_REQUEST, "today");
        post(&app, &url, json!({"today": "2023-06-01"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "today");
        post(&app, &url, json!({"today": "2024-01-15"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "today");
        post(&app, &url, json!({"file": "plan.toml"})).await.refused(StatusCode::UNPROCESSABLE_ENTITY, "file");
        post(&app, "/api/scenarios/no-such-mission/plan", json!({})).await.refused(StatusCode::NOT_FOUND, "name");
        let kinds: Vec<String> = get(&app, &format!("/api/scenarios/{name}/runs"))
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["kind"].as_str().map(str::to_string))
            .collect();
        assert_eq!(kinds.iter().filter(|k| *k == "plan").count(), 1, "a refused re-plan stored a run: {kinds:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_are_svg_and_follow_the_run_and_the_log() {
    let db = &common::stores()[0];
    let name = common::unique_name();
    let app = drawdown_server::router(common::state(&db.url, &name, None).await);
    let chart = |c: &str, q: &str| format!("/api/scenarios/{name}/charts/{c}{q}");
    let mut before = Vec::new();
    for c in ["map", "gantt", "fan"] {
        let r = get(&app, &chart(c, "")).await;
        assert_eq!(r.status, StatusCode::OK, "{c}: {}", r.text);
        assert!(r.content_type.starts_with("image/svg+xml"));
        assert!(r.text.starts_with("<svg") && r.text.ends_with("</svg>"), "{c}");
        before.push(r.text);
    }
    // A seizure in the log turns Kidal red on the map and puts it on the Gantt.
    let ev =
        json!({"at": "2023-10-31", "kind": "site_seized", "site": "kidal", "by": "armed_group", "recorded_by": "ops1"});
    assert_eq!(post(&app, &format!("/api/scenarios/{name}/events"), ev).await.status, StatusCode::CREATED);
    let map = get(&app, &chart("map", "")).await.text;
    assert_ne!(map, before[0]);
    let gantt = get(&app, &chart("gantt", "")).await.text;
    assert!(gantt.contains("logged 2023-10-31"), "the Gantt shows the logged closure");
    // A what-if changes the fan chart.
    let r =
        post(&app, &format!("/api/scenarios/{name}/whatif"), json!({"closures": {"gao": "2023-09-01"}, "runs": 200}))
            .await;
    let r = match r.status {
        StatusCode::OK => r.json(),
        // Gao may have no planned closure in this scenario: move Timbuktu instead.
        _ => post(
            &app,
            &format!("/api/scenarios/{name}/whatif"),
            json!({"closures": {"timbuktu": "2023-08-20"}, "runs": 200}),
        )
        .await
        .json(),
    };
    let run = r["run"].as_i64().expect("a run id");
    let fan = get(&app, &chart("fan", &format!("?run={run}"))).await;
    assert_eq!(fan.status, StatusCode::OK);
    assert_ne!(fan.text, before[2], "the what-if's fan chart is the baseline's");
    get(&app, &chart("pie", "")).await.refused(StatusCode::NOT_FOUND, "chart");
    get(&app, &chart("fan", "?run=987654321")).await.refused(StatusCode::NOT_FOUND, "run");
    get(&app, &chart("fan", "?today=yesterday")).await.refused(StatusCode::BAD_REQUEST, "today");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_every_api_call_needs_it() {
    let db = &common::stores()[0];
    let name = common::unique_name();
    let app = drawdown_server::router(common::state(&db.url, &name, Some("s3cret-token")).await);
    for uri in [
        "/api/scenarios",
        "/api/openapi.json",
        &format!("/api/scenarios/{name}/status"),
        &format!("/api/scenarios/{name}/charts/map"),
    ] {
        let none = call(&app, Method::GET, uri, None, None).await;
        none.refused(StatusCode::UNAUTHORIZED, "Authorization");
        call(&app, Method::GET, uri, None, Some("s3cret-tokem"))
            .await
            .refused(StatusCode::UNAUTHORIZED, "Authorization");
        call(&app, Method::GET, uri, None, Some("s3cret")).await.refused(StatusCode::UNAUTHORIZED, "Authorization");
        assert_eq!(call(&app, Method::GET, uri, None, Some("s3cret-token")).await.status, StatusCode::OK, "{uri}");
    }
    let ev = json!({"at": "2023-08-04", "kind": "site_closed", "site": "ogossagou", "recorded_by": "ops1"});
    call(&app, Method::POST, &format!("/api/scenarios/{name}/events"), Some(ev.clone()), None)
        .await
        .refused(StatusCode::UNAUTHORIZED, "Authorization");
    assert_eq!(
        call(&app, Method::POST, &format!("/api/scenarios/{name}/events"), Some(ev), Some("s3cret-token")).await.status,
        StatusCode::CREATED
    );
    // The page itself holds no data and loads without the token.
    assert_eq!(get(&app, "/").await.status, StatusCode::OK);
}

#[test]
fn only_loopback_may_go_without_a_token() {
    use drawdown_server::check_bind;
    for ok in ["127.0.0.1:8080", "[::1]:8080", "127.0.0.2:80"] {
        assert!(check_bind(&ok.parse().unwrap(), None).is_ok(), "{ok}");
    }
    for public in ["0.0.0.0:8080", "[::]:8080", "192.168.1.10:8080"] {
        let e = check_bind(&public.parse().unwrap(), None).expect_err(public).to_string();
        assert!(e.contains("--token") && e.contains("DRAWDOWN_TOKEN"), "{e}");
        assert!(check_bind(&public.parse().unwrap(), Some("t0ken")).is_ok());
        assert!(check_bind(&public.parse().unwrap(), Some("  ")).is_err(), "an empty token is no token");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_lists_exactly_the_routes_served() {
    let db = &common::stores()[0];
    let name = common::unique_name();
    let app = drawdown_server::router(common::state(&db.url, &name, None).await);
    let doc = get(&app, "/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    let mut listed: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in
            item.as_object().unwrap().keys().filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
        {
            listed.push((method.to_uppercase(), path.clone()));
        }
    }
    listed.sort();
    let mut expected: Vec<(String, String)> = [
        ("GET", "/api/openapi.json"),
        ("GET", "/api/event-kinds"),
        ("GET", "/api/runs/{id}"),
        ("GET", "/api/scenarios"),
        ("GET", "/api/scenarios/{name}"),
        ("GET", "/api/scenarios/{name}/charts/{chart}"),
        ("GET", "/api/scenarios/{name}/events"),
        ("POST", "/api/scenarios/{name}/events"),
        ("GET", "/api/scenarios/{name}/runs"),
        ("GET", "/api/scenarios/{name}/status"),
        ("POST", "/api/scenarios/{name}/whatif"),
        ("POST", "/api/scenarios/{name}/plan"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    expected.sort();
    assert_eq!(listed, expected);
    // Every documented route answers (not the fallback, not "method not allowed").
    let baseline = get(&app, &format!("/api/scenarios/{name}")).await.json()["baseline"]["run"].as_i64().unwrap();
    for (method, path) in &listed {
        let uri = path.replace("{name}", &name).replace("{id}", &baseline.to_string()).replace("{chart}", "fan");
        // A re-plan is refused before it solves: routing is what is checked here.
        let body =
            (method == "POST").then(|| if path.ends_with("/plan") { json!({"time_limit_s": 0}) } else { json!({}) });
        let r = call(&app, method.parse().unwrap(), &uri, body, None).await;
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(
            !(r.status == StatusCode::NOT_FOUND && r.text.contains("no API route")),
            "{method} {uri} is documented but not routed"
        );
    }
    // And the errors it promises have their schema.
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["schemas"]["WhatIfRequest"].is_object());
    assert!(doc["components"]["schemas"]["PlanRequest"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
