//! The store's suite, run against SQLite and, when `DRAWDOWN_TEST_POSTGRES`
//! names a server, PostgreSQL: every test body is one generic function called
//! for each backend.
//!
//! Locally: `pg_env="$(scripts/install-postgres.sh start)" && eval "$pg_env"`, then
//! `DRAWDOWN_REQUIRE_POSTGRES=1 cargo test --release -p drawdown-ops`, then
//! `scripts/install-postgres.sh stop "$DRAWDOWN_PG_DIR"`. Without the variable
//! only SQLite runs, unless `DRAWDOWN_REQUIRE_POSTGRES=1` is set: then the
//! tests fail rather than skip PostgreSQL.

use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use drawdown_model::{Scenario, Source, load};
use drawdown_ops::{EventKind, NewEvent, NewRun, Recorded, Store, StoreError};
use sqlx::Connection;

fn minusma() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| {
        load(&Source::new("minusma", drawdown_model::MINUSMA_2023)).expect("embedded scenario loads").scenario
    })
}

const NAME: &str = "minusma-2023";

/// A fresh, empty PostgreSQL database on the test server, or None.
async fn fresh_postgres(test: &str) -> Option<String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let base = match std::env::var("DRAWDOWN_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                std::env::var("DRAWDOWN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "DRAWDOWN_REQUIRE_POSTGRES=1 but DRAWDOWN_TEST_POSTGRES is not set (run scripts/install-postgres.sh start)"
            );
            return None;
        }
    };
    let db = format!("t_{}_{}_{}", test, std::process::id(), N.fetch_add(1, Ordering::SeqCst));
    let mut admin = sqlx::PgConnection::connect(&base).await.expect("the test PostgreSQL server answers");
    sqlx::query(&format!("CREATE DATABASE {db}")).execute(&mut admin).await.expect("create a test database");
    let cut = base.rfind('/').expect("URL has a database");
    Some(format!("{}/{db}", &base[..cut]))
}

/// Runs `body` once per backend, each on an empty store.
async fn each_backend<F, Fut>(test: &str, body: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    body(dir.path().join("ops.db").display().to_string()).await;
    if let Some(url) = fresh_postgres(test).await {
        body(url).await;
    }
}

macro_rules! on_each_backend {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            each_backend(stringify!($name), bodies::$name).await;
        }
    )*};
}

on_each_backend!(
    round_trip,
    scenario_versions,
    runs,
    every_rule_rejects_and_writes_nothing,
    reopen_keeps_data,
    concurrent_writers,
    conflicting_writers,
    resubmission_is_idempotent,
    a_log_that_contradicts_itself_is_refused,
    the_scenario_is_stored_with_the_first_event
);

fn ev(at: &str, kind: EventKind) -> NewEvent {
    NewEvent { at: at.into(), kind, recorded_by: "J. Doe (MovCon)".into(), note: None, key: None }
}

fn departed(convoy: &str, from: &str, to: &str, personnel: u32) -> EventKind {
    EventKind::ConvoyDeparted { convoy: convoy.into(), from: from.into(), to: to.into(), trucks: 40, personnel }
}

fn flight(number: &str, from: &str, to: &str, personnel: u32, request: Option<&str>) -> EventKind {
    EventKind::FlightDeparted {
        flight: number.into(),
        from: from.into(),
        to: to.into(),
        personnel,
        cargo: 12,
        request: request.map(Into::into),
    }
}

fn requested(request: &str) -> EventKind {
    EventKind::ClearanceRequested { request: request.into(), from: "gao".into(), to: "abroad".into(), flights: 2 }
}

fn arrived(convoy: &str) -> EventKind {
    EventKind::ConvoyArrived { convoy: convoy.into() }
}

fn rejection(r: Result<drawdown_ops::LoggedEvent, StoreError>) -> drawdown_ops::Rejection {
    match r {
        Err(StoreError::Invalid(rej)) => rej,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

mod bodies {
    use super::*;

    pub async fn round_trip(url: String) {
        let store = Store::open(&url).await.unwrap();
        let s = minusma();
        let mut e = ev("2023-10-31T06:30", departed("C-014", "kidal", "gao", 150));
        e.note = Some("left under escort".into());
        let a = store.record(NAME, s, &e).await.unwrap();
        assert_eq!(drawdown_ops::format_at(a.at), "2023-10-31T06:30:00Z", "stored normalised");
        assert_eq!(a.note.as_deref(), Some("left under escort"));
        let b = store.record(NAME, s, &ev("2023-11-02", arrived("C-014"))).await.unwrap();
        assert_eq!(drawdown_ops::format_at(b.at), "2023-11-02T00:00:00Z");
        assert!(b.id > a.id);
        // Another scenario's log is separate.
        store.record("other", s, &ev("2023-10-01", departed("C-014", "gao", "bamako", 0))).await.unwrap();

        let all = store.events(NAME, None, 100).await.unwrap();
        assert_eq!(all, vec![a.clone(), b.clone()]);
        assert_eq!(store.events(NAME, Some(a.id), 100).await.unwrap(), vec![b.clone()]);
        assert_eq!(store.events(NAME, None, 1).await.unwrap(), vec![a.clone()]);
        assert_eq!(store.count_events(NAME).await.unwrap(), 2);
        assert_eq!(store.count_events("other").await.unwrap(), 1);
        assert_eq!(store.count_events("nobody").await.unwrap(), 0);
        // Every kind survives the round trip through the body column.
        let kinds = vec![
            EventKind::SiteClosed { site: "kidal".into() },
            EventKind::SiteHandedOver { site: "tessalit".into(), to: "state".into() },
            EventKind::SiteSeized { site: "ber".into(), by: "armed_group".into() },
            EventKind::Incident {
                convoy: None,
                site: Some("gao".into()),
                what: "indirect_fire".into(),
                killed: 1,
                wounded: 4,
                vehicles_damaged: 2,
            },
            EventKind::ClearanceRequested {
                request: "R-1".into(),
                from: "gao".into(),
                to: "bamako".into(),
                flights: 3,
            },
            EventKind::ClearanceDenied { request: "R-1".into() },
            EventKind::TrucksHeld { at: "gao".into(), trucks: 200 },
            EventKind::TrucksReleased { at: "gao".into(), trucks: 50 },
            requested("R-2"),
            EventKind::ClearanceApproved { request: "R-2".into() },
            flight("UN-2231", "gao", "abroad", 120, Some("R-2")),
            flight("UN-2232", "timbuktu", "bamako", 0, None),
        ];
        for k in &kinds {
            store.record("kinds", s, &ev("2023-11-05", k.clone())).await.unwrap();
        }
        let back: Vec<EventKind> =
            store.events("kinds", None, 100).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(back, kinds);
    }

    pub async fn scenario_versions(url: String) {
        let store = Store::open(&url).await.unwrap();
        let v1 = store.put_scenario(NAME, "a = 1\n", "alice").await.unwrap();
        assert_eq!(v1.version, 1);
        assert_eq!(v1.sha256.len(), 64);
        let again = store.put_scenario(NAME, "a = 1\n", "bob").await.unwrap();
        assert_eq!(again, v1, "identical text keeps the version");
        let v2 = store.put_scenario(NAME, "a = 2\n", "bob").await.unwrap();
        assert_eq!((v2.version, v2.recorded_by.as_str()), (2, "bob"));
        assert_ne!(v2.sha256, v1.sha256);
        store.put_scenario("toy", "t = 0\n", "alice").await.unwrap();

        let (latest, text) = store.scenario(NAME, None).await.unwrap().unwrap();
        assert_eq!((latest.version, text.as_str()), (2, "a = 2\n"));
        let (old, text) = store.scenario(NAME, Some(1)).await.unwrap().unwrap();
        assert_eq!((old, text.as_str()), (v1, "a = 1\n"));
        assert!(store.scenario(NAME, Some(3)).await.unwrap().is_none());
        assert!(store.scenario("nope", None).await.unwrap().is_none());
        let list = store.scenarios().await.unwrap();
        assert_eq!(list.iter().map(|r| (r.name.as_str(), r.version)).collect::<Vec<_>>(), vec![(NAME, 2), ("toy", 1)]);
        assert!(
            matches!(store.put_scenario("", "x", "a").await, Err(StoreError::Invalid(r)) if r.field.to_string() == "name")
        );
        assert!(
            matches!(store.put_scenario("n", "x", " ").await, Err(StoreError::Invalid(r)) if r.field.to_string() == "recorded_by")
        );
    }

    pub async fn runs(url: String) {
        let store = Store::open(&url).await.unwrap();
        let v = store.put_scenario(NAME, "a = 1\n", "alice").await.unwrap();
        let run = |kind: &str, x: i64| NewRun {
            scenario: NAME.into(),
            version: v.version,
            kind: kind.into(),
            params: serde_json::json!({ "runs": x }),
            result: serde_json::json!({ "departed": { "p50": x * 10 } }),
            recorded_by: "alice".into(),
        };
        let r1 = store.put_run(&run("simulate", 1)).await.unwrap();
        let r2 = store.put_run(&run("whatif", 2)).await.unwrap();
        assert!(r2.id > r1.id);
        assert_eq!(store.runs(NAME, 10).await.unwrap(), vec![r2.clone(), r1.clone()], "newest first");
        assert_eq!(store.runs(NAME, 1).await.unwrap(), vec![r2.clone()]);
        let (got, result) = store.run(r1.id).await.unwrap().unwrap();
        assert_eq!(got, r1);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&result).unwrap(),
            serde_json::json!({ "departed": { "p50": 10 } })
        );
        assert!(store.run(r2.id + 100).await.unwrap().is_none());
        let mut bad = run("simulate", 3);
        bad.version = 9;
        assert!(matches!(store.put_run(&bad).await, Err(StoreError::NotFound { .. })));
        assert_eq!(store.runs(NAME, 10).await.unwrap().len(), 2, "the refused run was not stored");
    }

    /// Every validation rule, each through the store: the right field is
    /// named and nothing is written.
    pub async fn every_rule_rejects_and_writes_nothing(url: String) {
        let store = Store::open(&url).await.unwrap();
        let s = minusma();
        for (at, k) in [
            ("2023-10-20", departed("C-1", "kidal", "gao", 100)),
            ("2023-10-21", departed("C-2", "tessalit", "gao", 0)),
            ("2023-10-25", arrived("C-2")),
            ("2023-10-31", EventKind::SiteClosed { site: "kidal".into() }),
            ("2023-11-01", EventKind::SiteHandedOver { site: "aguelhok".into(), to: "state".into() }),
            (
                "2023-10-01",
                EventKind::ClearanceRequested {
                    request: "R-1".into(),
                    from: "gao".into(),
                    to: "bamako".into(),
                    flights: 2,
                },
            ),
            (
                "2023-10-02",
                EventKind::ClearanceRequested {
                    request: "R-2".into(),
                    from: "gao".into(),
                    to: "bamako".into(),
                    flights: 2,
                },
            ),
            ("2023-10-05", EventKind::ClearanceDenied { request: "R-2".into() }),
            ("2023-09-24", EventKind::TrucksHeld { at: "gao".into(), trucks: 200 }),
            ("2023-10-03", requested("R-3")),
            ("2023-10-04", requested("R-4")),
            ("2023-10-06", EventKind::ClearanceApproved { request: "R-4".into() }),
            ("2023-10-04", requested("R-5")),
            ("2023-11-10", EventKind::ClearanceApproved { request: "R-5".into() }),
            ("2023-10-20", flight("UN-1", "gao", "abroad", 100, None)),
        ] {
            store.record(NAME, s, &ev(at, k)).await.unwrap();
        }
        let before = store.count_events(NAME).await.unwrap();
        let incident = |convoy: Option<&str>, site: Option<&str>, what: &str, killed: u32| EventKind::Incident {
            convoy: convoy.map(Into::into),
            site: site.map(Into::into),
            what: what.into(),
            killed,
            wounded: 0,
            vehicles_damaged: 0,
        };
        let cases: Vec<(NewEvent, &str, &str)> = vec![
            (ev("2023-11-01", EventKind::SiteClosed { site: "kidall".into() }), "site", "unknown site"),
            (ev("2023-11-01", departed("C-9", "kidal", "gaoo", 0)), "to", "unknown site"),
            (ev("2023-11-01", EventKind::SiteClosed { site: "dakar".into() }), "site", "not a base"),
            (ev("2023-11-01", arrived("C-404")), "convoy", "never departed"),
            (ev("2023-11-01", incident(Some("C-404"), None, "ied", 0)), "convoy", "never departed"),
            (ev("2023-11-01", incident(Some("C-2"), None, "ied", 0)), "convoy", "already arrived"),
            (ev("2023-11-01", incident(None, None, "ied", 0)), "convoy", "needs a convoy or a site"),
            (ev("2023-11-01", incident(None, Some("gao"), "meteor", 0)), "what", "not a kind of incident"),
            (ev("2023-11-01", incident(None, Some("gao"), "ied", 20_000)), "killed", "more than"),
            (ev("2023-11-01", departed("C-1", "gao", "bamako", 0)), "convoy", "already departed"),
            (ev("2023-11-01", arrived("C-2")), "convoy", "already arrived"),
            (ev("2023-11-01", departed("C-9", "gao", "gao", 0)), "to", "departs from and goes to"),
            (ev("2023-11-01", departed("C-9", "gao", "bamako", 20_000)), "personnel", "more than"),
            (ev("2023-11-01", departed("", "gao", "bamako", 0)), "convoy", "is empty"),
            (ev("2023-11-01", EventKind::ClearanceApproved { request: "R-404".into() }), "request", "never made"),
            (ev("2023-11-01", EventKind::ClearanceApproved { request: "R-2".into() }), "request", "already decided"),
            (
                ev(
                    "2023-11-01",
                    EventKind::ClearanceRequested {
                        request: "R-1".into(),
                        from: "gao".into(),
                        to: "bamako".into(),
                        flights: 1,
                    },
                ),
                "request",
                "already made",
            ),
            (
                ev(
                    "2023-11-01",
                    EventKind::ClearanceRequested {
                        request: "R-3".into(),
                        from: "gao".into(),
                        to: "bamako".into(),
                        flights: 0,
                    },
                ),
                "flights",
                "at least 1",
            ),
            (ev("2023-11-01", EventKind::TrucksReleased { at: "gao".into(), trucks: 201 }), "trucks", "only 200 held"),
            (ev("2023-11-01", EventKind::TrucksReleased { at: "mopti".into(), trucks: 1 }), "trucks", "only 0 held"),
            (ev("2023-11-01", EventKind::TrucksHeld { at: "gao".into(), trucks: 0 }), "trucks", "at least 1"),
            (ev("2023-11-02", EventKind::SiteClosed { site: "kidal".into() }), "site", "already closed"),
            (ev("2023-11-02", EventKind::SiteClosed { site: "aguelhok".into() }), "site", "already closed"),
            (
                ev("2023-11-02", EventKind::SiteSeized { site: "aguelhok".into(), by: "armed_group".into() }),
                "site",
                "already taken over",
            ),
            (ev("2023-10-19", arrived("C-1")), "at", "before the previous event of convoy C-1"),
            (
                ev("2023-10-30T23:59", EventKind::SiteSeized { site: "kidal".into(), by: "armed_group".into() }),
                "at",
                "before the previous event of site kidal",
            ),
            (
                ev("2023-09-01", EventKind::TrucksReleased { at: "gao".into(), trucks: 1 }),
                "at",
                "before the previous event",
            ),
            (ev("31/10/2023", EventKind::SiteClosed { site: "ber".into() }), "at", "not a date"),
            (ev("2023-02-30", EventKind::SiteClosed { site: "ber".into() }), "at", "not a date"),
            (ev("2023-06-30", EventKind::SiteClosed { site: "ber".into() }), "at", "before the scenario starts"),
            (ev("2026-01-01", EventKind::SiteClosed { site: "ber".into() }), "at", "far after the deadline"),
            (ev("2023-11-01", flight("UN-9", "gaoo", "abroad", 0, None)), "from", "unknown site"),
            (ev("2023-11-01", flight("UN-9", "gao", "abroadd", 0, None)), "to", "unknown site"),
            (ev("2023-11-01", flight("UN-9", "ber", "abroad", 0, None)), "from", "has no airfield"),
            (ev("2023-11-01", flight("UN-9", "gao", "ber", 0, None)), "to", "has no airfield and is not an exit"),
            (ev("2023-11-01", flight("UN-9", "gao", "gao", 0, None)), "to", "leaves from and goes to"),
            (ev("2023-11-01", flight("UN-1", "mopti", "abroad", 0, None)), "flight", "already departed"),
            (ev("2023-11-01", flight("", "gao", "abroad", 0, None)), "flight", "is empty"),
            (ev("2023-11-01", flight("UN-9", "gao", "abroad", 20_000, None)), "personnel", "more than"),
            (
                ev(
                    "2023-11-01",
                    EventKind::FlightDeparted {
                        flight: "UN-9".into(),
                        from: "gao".into(),
                        to: "abroad".into(),
                        personnel: 0,
                        cargo: u32::MAX,
                        request: None,
                    },
                ),
                "cargo",
                "more than",
            ),
            (ev("2023-11-01", flight("UN-9", "gao", "abroad", 10, Some("R-404"))), "request", "never made"),
            (ev("2023-11-01", flight("UN-9", "gao", "abroad", 10, Some("R-3"))), "request", "still pending"),
            (ev("2023-11-01", flight("UN-9", "gao", "abroad", 10, Some("R-2"))), "request", "was denied"),
            (
                ev("2023-11-01", flight("UN-9", "gao", "abroad", 10, Some("R-5"))),
                "request",
                "approved only after the flight",
            ),
            (ev("2023-11-01", flight("UN-9", "gao", "abroad", 10, Some(""))), "request", "is empty"),
            (ev("2023-06-30", flight("UN-9", "gao", "abroad", 10, None)), "at", "before the scenario starts"),
            (ev("2026-01-01", flight("UN-9", "gao", "abroad", 10, None)), "at", "far after the deadline"),
            (
                NewEvent { recorded_by: "  ".into(), ..ev("2023-11-01", EventKind::SiteClosed { site: "ber".into() }) },
                "recorded_by",
                "is empty",
            ),
            (
                NewEvent {
                    note: Some("x".repeat(5000)),
                    ..ev("2023-11-01", EventKind::SiteClosed { site: "ber".into() })
                },
                "note",
                "longer than",
            ),
        ];
        for (e, field, message) in cases {
            let r = rejection(store.record(NAME, s, &e).await);
            assert_eq!(r.field.to_string(), field, "{e:?} → {r}");
            assert!(r.message.contains(message), "{e:?} → {r}");
            assert_eq!(store.count_events(NAME).await.unwrap(), before, "nothing written for {e:?}");
        }
        // The hint names the nearest ids.
        let r =
            rejection(store.record(NAME, s, &ev("2023-11-01", EventKind::SiteClosed { site: "kidall".into() })).await);
        assert!(r.hint.unwrap().contains("kidal"));
        let r = rejection(store.record(NAME, s, &ev("2023-11-01", flight("UN-9", "gaoo", "abroad", 0, None))).await);
        assert!(r.hint.unwrap().contains("gao"), "the nearest site");
        let r = rejection(store.record(NAME, s, &ev("2023-11-01", flight("UN-9", "ber", "abroad", 0, None))).await);
        assert!(
            r.hint.as_deref().is_some_and(|h| h.contains("gao") && !h.contains("ber")),
            "the hint lists airfields: {r}"
        );
        let r = rejection(store.record(NAME, s, &ev("2023-11-01", flight("UN-9", "gao", "ber", 0, None))).await);
        assert!(
            r.hint.as_deref().is_some_and(|h| h.contains("abroad") && h.contains("dakar") && !h.contains("ber")),
            "the hint lists airfields and exits: {r}"
        );
        // The same events pass once their problem is fixed (the rules are not simply refusing).
        store.record(NAME, s, &ev("2023-11-01", arrived("C-1"))).await.unwrap();
        store
            .record(NAME, s, &ev("2023-11-01", EventKind::TrucksReleased { at: "gao".into(), trucks: 200 }))
            .await
            .unwrap();
        store
            .record(
                NAME,
                s,
                &ev("2023-11-01", EventKind::SiteSeized { site: "kidal".into(), by: "armed_group".into() }),
            )
            .await
            .unwrap();
        store.record(NAME, s, &ev("2023-11-01", flight("UN-9", "gao", "abroad", 10, Some("R-4")))).await.unwrap();
        store.record(NAME, s, &ev("2023-11-10", flight("UN-10", "gao", "dakar", 10, Some("R-5")))).await.unwrap();
        assert_eq!(store.count_events(NAME).await.unwrap(), before + 5);
    }

    pub async fn reopen_keeps_data(url: String) {
        let store = Store::open(&url).await.unwrap();
        let e = store
            .record(NAME, minusma(), &ev("2023-08-04", EventKind::SiteClosed { site: "ogossagou".into() }))
            .await
            .unwrap();
        store.put_scenario(NAME, "a = 1\n", "alice").await.unwrap();
        store.close().await;
        // Migrations are applied once: opening again changes nothing.
        let again = Store::open(&url).await.unwrap();
        let also = Store::open(&url).await.unwrap();
        assert_eq!(again.events(NAME, None, 10).await.unwrap(), vec![e]);
        assert_eq!(also.scenario(NAME, None).await.unwrap().unwrap().0.version, 1);
        let mut conn = sqlx::AnyConnection::connect(&sqlx_url(&url)).await.unwrap();
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut conn).await.unwrap();
        assert_eq!(row.0, 2, "two migrations, each applied once");
    }

    /// 20 writers at once: every accepted event is stored exactly once, ids unique.
    pub async fn concurrent_writers(url: String) {
        let store = Store::open(&url).await.unwrap();
        let mut tasks = Vec::new();
        for w in 0..20 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in 0..10 {
                    // One truck each: 200 convoys on the road at once fit the fleets' trucks.
                    let kind = EventKind::ConvoyDeparted {
                        convoy: format!("W{w}-{i}"),
                        from: "gao".into(),
                        to: "bamako".into(),
                        trucks: 1,
                        personnel: 1,
                    };
                    let e = ev("2023-10-01", kind);
                    ids.push(store.record(NAME, minusma(), &e).await.unwrap().id);
                }
                ids
            }));
        }
        let mut ids = Vec::new();
        for t in tasks {
            ids.extend(t.await.unwrap());
        }
        let stored = store.events(NAME, None, 1000).await.unwrap();
        assert_eq!(stored.len(), 200);
        let mut stored_ids: Vec<i64> = stored.iter().map(|e| e.id).collect();
        stored_ids.dedup();
        assert_eq!(stored_ids.len(), 200, "ids unique and increasing");
        ids.sort();
        assert_eq!(ids, stored_ids, "every accepted event is stored, once");
        let mut serials: Vec<String> = stored.iter().map(|e| e.kind.subject()).collect();
        serials.sort();
        serials.dedup();
        assert_eq!(serials.len(), 200);
    }

    /// Checks only one writer may pass: exactly one succeeds (identical
    /// events are one event: the others find it logged).
    pub async fn conflicting_writers(url: String) {
        let store = Store::open(&url).await.unwrap();
        store.record(NAME, minusma(), &ev("2023-10-01", departed("C-1", "gao", "bamako", 10))).await.unwrap();
        let race = |make: fn(usize) -> NewEvent| {
            let store = store.clone();
            async move {
                let tasks: Vec<_> = (0..20)
                    .map(|i| {
                        let store = store.clone();
                        tokio::spawn(async move { store.submit(NAME, minusma(), None, &make(i)).await })
                    })
                    .collect();
                let mut ok = 0;
                for t in tasks {
                    match t.await.unwrap() {
                        Ok(Recorded::New(_)) => ok += 1,
                        Ok(Recorded::Already(_)) => {}
                        Err(StoreError::Invalid(_)) => {}
                        Err(e) => panic!("unexpected error: {e}"),
                    }
                }
                ok
            }
        };
        assert_eq!(race(|_| ev("2023-10-03", arrived("C-1"))).await, 1, "one arrival of C-1");
        assert_eq!(
            race(|i| ev("2023-10-04", departed("C-2", "gao", if i % 2 == 0 { "bamako" } else { "mopti" }, 1))).await,
            1,
            "one departure of C-2"
        );
        store
            .record(NAME, minusma(), &ev("2023-10-01", EventKind::TrucksHeld { at: "gao".into(), trucks: 5 }))
            .await
            .unwrap();
        assert_eq!(
            race(|i| NewEvent {
                key: Some(format!("release-{i}")),
                ..ev("2023-10-05", EventKind::TrucksReleased { at: "gao".into(), trucks: 1 })
            })
            .await,
            5,
            "only the 5 held are released"
        );
        assert_eq!(store.count_events(NAME).await.unwrap(), 1 + 1 + 1 + 1 + 5);
    }

    /// Re-sending a batch after fixing its bad line: the events logged the
    /// first time are found by their identity and not stored again.
    pub async fn resubmission_is_idempotent(url: String) {
        let store = Store::open(&url).await.unwrap();
        let s = minusma();
        let batch = [
            ev("2023-09-24", EventKind::TrucksHeld { at: "gao".into(), trucks: 200 }),
            ev("2023-10-31", departed("C-014", "kidal", "gao", 150)),
            ev(
                "2023-11-01",
                EventKind::Incident {
                    convoy: Some("C-014".into()),
                    site: None,
                    what: "ied".into(),
                    killed: 2,
                    wounded: 3,
                    vehicles_damaged: 1,
                },
            ),
        ];
        let mut first = Vec::new();
        for e in &batch {
            match store.submit(NAME, s, None, e).await.unwrap() {
                Recorded::New(l) => first.push(l),
                other => panic!("new the first time: {other:?}"),
            }
        }
        // The same batch again, by someone else and with a note: the same events.
        for (e, logged) in batch.iter().zip(&first) {
            let again = NewEvent { recorded_by: "someone else".into(), note: Some("re-sent".into()), ..e.clone() };
            assert_eq!(store.submit(NAME, s, None, &again).await.unwrap(), Recorded::Already(logged.clone()));
        }
        assert_eq!(store.count_events(NAME).await.unwrap(), 3, "nothing stored twice");
        let status = drawdown_ops::status(
            s,
            &store.events(NAME, None, 100).await.unwrap(),
            drawdown_model::Date::parse("2023-11-01").unwrap(),
            None,
        );
        assert_eq!((status.casualties.killed, status.trucks_held_total), (2, 200), "casualties and holds counted once");
        // A key of the client's own: the same key and event is the same; another event under it is refused.
        let keyed = NewEvent { key: Some("MSG-7".into()), ..ev("2023-10-02", requested("R-7")) };
        let logged = store.submit(NAME, s, None, &keyed).await.unwrap().into_event();
        assert_eq!(logged.key, "MSG-7");
        assert_eq!(store.submit(NAME, s, None, &keyed).await.unwrap(), Recorded::Already(logged.clone()));
        let other = NewEvent { key: Some("MSG-7".into()), ..ev("2023-10-03", requested("R-8")) };
        let r = rejection(store.submit(NAME, s, None, &other).await.map(Recorded::into_event));
        assert_eq!(r.field.to_string(), "key");
        assert!(r.message.contains(&format!("the key of another event, #{}", logged.id)), "{r:?}");
        // Content keys: the time is part of the identity, the note is not.
        assert!(first[0].key.starts_with("sha256:") && first[0].key.len() == 7 + 64, "{}", first[0].key);
        let later = ev("2023-09-25", EventKind::TrucksHeld { at: "bamako".into(), trucks: 10 });
        assert!(matches!(store.submit(NAME, s, None, &later).await.unwrap(), Recorded::New(_)));
        assert_eq!(store.count_events(NAME).await.unwrap(), 5);
    }

    /// Events that each pass their own subject's rules but together describe
    /// what cannot have happened are refused, each with why.
    pub async fn a_log_that_contradicts_itself_is_refused(url: String) {
        let store = Store::open(&url).await.unwrap();
        let s = minusma();
        let all: u32 = s.personnel.iter().map(|g| g.count.value).sum();
        let at_gao: u32 = s.personnel.iter().filter(|g| g.site == "gao").map(|g| g.count.value).sum();
        // More people than are at the origin.
        let e = ev(
            "2023-10-01",
            EventKind::ConvoyDeparted {
                convoy: "C-1".into(),
                from: "gao".into(),
                to: "dakar".into(),
                trucks: 10,
                personnel: at_gao + 1,
            },
        );
        let r = rejection(store.record(NAME, s, &e).await);
        assert_eq!(r.field.to_string(), "personnel");
        assert!(r.message.contains(&format!("leaves only {at_gao} there")), "{r:?}");
        // All of Gao leaves; a second convoy finds nobody there.
        let e = ev(
            "2023-10-01",
            EventKind::ConvoyDeparted {
                convoy: "C-1".into(),
                from: "gao".into(),
                to: "dakar".into(),
                trucks: 10,
                personnel: at_gao,
            },
        );
        store.record(NAME, s, &e).await.unwrap();
        let e = ev(
            "2023-10-02",
            EventKind::ConvoyDeparted {
                convoy: "C-2".into(),
                from: "gao".into(),
                to: "dakar".into(),
                trucks: 10,
                personnel: at_gao,
            },
        );
        let r = rejection(store.record(NAME, s, &e).await);
        assert!(r.message.contains("leaves only 0 there"), "{r:?}");
        // A flight from Gao dated before the convoy would take people the convoy took: refused, naming the convoy.
        let e = ev("2023-09-30", flight("UN-1", "gao", "abroad", 5, None));
        let r = rejection(store.record(NAME, s, &e).await);
        assert!(r.message.contains("contradict the later event #") && r.message.contains("convoy_departed"), "{r:?}");
        // The killed: no more in all than the mission has.
        let incident = |k: u32| EventKind::Incident {
            convoy: None,
            site: Some("kidal".into()),
            what: "other".into(),
            killed: k,
            wounded: 0,
            vehicles_damaged: 0,
        };
        store.record(NAME, s, &ev("2023-10-03", incident(all))).await.unwrap();
        let r = rejection(store.record(NAME, s, &ev("2023-10-04", incident(1))).await);
        assert_eq!(r.field.to_string(), "killed");
        // Trucks held at Gao: at most those that can be there (its fleets', and the convoy's 10).
        let gao_fleets: u32 = s.fleets.iter().filter(|f| f.home == "gao").map(|f| f.trucks.value).sum();
        store
            .record(NAME, s, &ev("2023-10-05", EventKind::TrucksHeld { at: "gao".into(), trucks: 200 }))
            .await
            .unwrap();
        let r = rejection(
            store.record(NAME, s, &ev("2023-10-06", EventKind::TrucksHeld { at: "gao".into(), trucks: 200 })).await,
        );
        assert_eq!(r.field.to_string(), "trucks");
        let can = gao_fleets + 10;
        assert!(r.message.contains(&format!("more than the {can} trucks that can be there")), "{r:?}");
        // Fuel held at Gao: at most what can be there (no counted stock: the
        // tanks of its tanker fleets, and of the convoy's 10 trucks as tankers).
        let gao = s.sites.iter().find(|x| x.id == "gao").unwrap();
        assert!(gao.fuel_litres.is_none() && gao.fuel_import_litres_per_day.is_none(), "the rule below assumes so");
        let tank = |f: &drawdown_model::TruckFleet| f.tank_litres.as_ref().map_or(0.0, |t| t.value);
        let largest = s.fleets.iter().map(tank).fold(0.0, f64::max);
        let tanks: f64 = s.fleets.iter().filter(|f| f.home == "gao").map(|f| f64::from(f.trucks.value) * tank(f)).sum();
        let litres = (tanks + 10.0 * largest) as u64;
        assert!(litres > 0, "MINUSMA has tankers at Gao");
        let fuel = |l: u64| EventKind::FuelHeld { site: "gao".into(), litres: l };
        store.record(NAME, s, &ev("2023-10-05", fuel(litres))).await.unwrap();
        let r = rejection(store.record(NAME, s, &ev("2023-10-06", fuel(1))).await);
        assert_eq!(r.field.to_string(), "litres");
        assert!(r.message.contains(&format!("more than the {litres} litres that can be there")), "{r:?}");
        // Released, it can be held again.
        let release = EventKind::FuelReleased { site: "gao".into(), litres };
        store.record(NAME, s, &ev("2023-10-07", release)).await.unwrap();
        store.record(NAME, s, &ev("2023-10-08", fuel(litres))).await.unwrap();
        let n = store.count_events(NAME).await.unwrap();
        assert_eq!(n, 6, "only the consistent events are logged");
    }

    /// The scenario's text is stored in the transaction of the event, before
    /// it: an event logged is never without its scenario; a refused one stores neither.
    pub async fn the_scenario_is_stored_with_the_first_event(url: String) {
        let store = Store::open(&url).await.unwrap();
        let s = minusma();
        let bad = ev("2023-10-01", arrived("C-404"));
        rejection(store.submit(NAME, s, Some("text = 1\n"), &bad).await.map(Recorded::into_event));
        assert!(store.scenario(NAME, None).await.unwrap().is_none(), "a refused event stores no scenario");
        store.submit(NAME, s, Some("text = 1\n"), &ev("2023-10-01", requested("R-1"))).await.unwrap();
        let (v, text) = store.scenario(NAME, None).await.unwrap().expect("stored with the event");
        assert_eq!((v.version, text.as_str(), v.recorded_by.as_str()), (1, "text = 1\n", "J. Doe (MovCon)"));
        store.submit(NAME, s, Some("text = 1\n"), &ev("2023-10-02", requested("R-2"))).await.unwrap();
        assert_eq!(store.scenario(NAME, None).await.unwrap().unwrap().0.version, 1, "the same text, the same version");
    }
}

fn sqlx_url(url: &str) -> String {
    if url.starts_with("postgres") { url.to_string() } else { format!("sqlite://{url}") }
}

#[tokio::test]
async fn open_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("notes.txt");
    let notes = "these are my notes, not a database, and long enough to have a header....................................................";
    std::fs::write(&junk, notes).unwrap();
    let e = Store::open(&junk.display().to_string()).await.unwrap_err();
    assert!(matches!(e, StoreError::Open { .. }), "{e:?}");
    assert!(e.to_string().contains("not a SQLite database"), "{e}");
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), notes, "the file is left alone");

    let missing = dir.path().join("no/such/dir/x.db");
    let e = Store::open(&missing.display().to_string()).await.unwrap_err();
    assert!(e.to_string().contains("directory exists"), "{e}");

    // Nothing listens on port 1 of loopback: refused at once, not after a pool timeout.
    let e = Store::open("postgres://nobody@127.0.0.1:1/none").await.unwrap_err();
    assert!(matches!(e, StoreError::Open { .. }), "{e:?}");
    assert!(e.to_string().contains("is the PostgreSQL server running"), "{e}");
    let e = Store::open("postgres://u:secret@127.0.0.1:1/none").await.unwrap_err();
    assert!(!e.to_string().contains("secret"), "password not shown: {e}");
    let e = Store::open("mysql://x@y/z").await.unwrap_err();
    assert!(e.to_string().contains("unsupported"), "{e}");
}

#[tokio::test]
async fn sqlite_store_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db").display().to_string();
    Store::open(&format!("sqlite:{path}")).await.unwrap();
    let mut conn = sqlx::AnyConnection::connect(&sqlx_url(&path)).await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
}

/// Processes creating one new store at the same moment: each migration is
/// applied once, under the write lock, and every writer's events are logged
/// (before, 2–4 of 10 failed in 4 of 5 trials with "table scenarios already
/// exists" or "database is locked"). Threads with a runtime each, as
/// separate processes would be.
#[test]
fn writers_creating_one_new_store_at_once_all_succeed() {
    for trial in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db").display().to_string();
        let start = std::sync::Arc::new(std::sync::Barrier::new(10));
        let writers: Vec<_> = (0..10)
            .map(|w| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    rt.block_on(async {
                        start.wait();
                        let store = Store::open(&path).await.map_err(|e| e.to_string())?;
                        let e = ev("2023-10-01", requested(&format!("R-{w}")));
                        store.submit(NAME, minusma(), Some("text = 1\n"), &e).await.map_err(|e| e.to_string())?;
                        store.close().await;
                        Ok::<_, String>(())
                    })
                })
            })
            .collect();
        let failed: Vec<String> = writers.into_iter().filter_map(|t| t.join().unwrap().err()).collect();
        assert!(failed.is_empty(), "trial {trial}: {failed:?}");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = Store::open(&path).await.unwrap();
            assert_eq!(store.count_events(NAME).await.unwrap(), 10, "trial {trial}");
            let mut conn = sqlx::AnyConnection::connect(&sqlx_url(&path)).await.unwrap();
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut conn).await.unwrap();
            assert_eq!(n, 2);
        });
    }
}

/// A store's path is a file name, literally: `%20` is not a space, and a
/// space (in a relative path too) is allowed.
#[tokio::test]
async fn store_paths_are_taken_literally() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["my%20ops.db", "my ops.db", "a#b?c.db"] {
        let path = dir.path().join(name);
        let store = Store::open(&path.display().to_string()).await.unwrap();
        store.record(NAME, minusma(), &ev("2023-10-01", requested("R-1"))).await.unwrap();
        store.close().await;
        assert!(path.is_file(), "{name} is the file's name");
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".db"))
        .collect();
    names.sort();
    assert_eq!(names, ["a#b?c.db", "my ops.db", "my%20ops.db"]);
    // A relative path with a space, from the directory it is relative to.
    let here = std::env::current_dir().unwrap();
    let rel = std::path::Path::new("target-relative test.db");
    let _ = std::fs::remove_file(here.join(rel));
    Store::open(&rel.display().to_string()).await.unwrap().close().await;
    assert!(here.join(rel).is_file());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(here.join(format!("{}{suffix}", rel.display())));
    }
}
