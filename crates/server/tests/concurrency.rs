//! Twenty clients recording events and five running what-ifs at once, over
//! real HTTP on loopback, for 30 s (DRAWDOWN_CONCURRENCY_SECS shortens it
//! for local iteration): afterwards the store holds exactly the events that
//! were accepted, each once, with what was sent, and none that was refused;
//! and of twenty clients racing to close the same site exactly one wins.
//! Against SQLite always, and PostgreSQL when DRAWDOWN_TEST_POSTGRES is set.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WRITERS: usize = 20;
const WHATIFS: usize = 5;

fn duration() -> Duration {
    let secs = std::env::var("DRAWDOWN_CONCURRENCY_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    Duration::from_secs(secs)
}

/// What one writer saw: accepted (id → (kind, convoy serial)) and refused serials.
#[derive(Default)]
struct Seen {
    accepted: BTreeMap<i64, (String, String)>,
    refused: Vec<String>,
    closed_kidal: bool,
}

async fn writer(client: reqwest::Client, base: String, w: usize, until: Instant) -> Seen {
    let url = format!("{base}/events");
    let mut seen = Seen::default();
    // Everyone races to close the same site first.
    let race = client
        .post(&url)
        .json(
            &json!({"at": "2023-10-31", "kind": "site_closed", "site": "kidal", "recorded_by": format!("writer-{w}")}),
        )
        .send()
        .await
        .expect("request");
    match race.status().as_u16() {
        201 => {
            let v: Value = race.json().await.expect("json");
            seen.accepted.insert(v["id"].as_i64().expect("id"), ("site_closed".into(), "kidal".into()));
            seen.closed_kidal = true;
        }
        422 => {}
        s => panic!("closing kidal: unexpected {s}"),
    }
    let mut i = 0u32;
    while Instant::now() < until {
        let serial = format!("W{w}-{i}");
        // Days spread over the period; arrival a day after departure.
        let day = 1 + (i % 150);
        let dep = format!("2023-07-{:02}", 1 + (day % 28));
        let arr = format!("2023-08-{:02}", 1 + (day % 28));
        let departed = json!({"at": dep, "kind": "convoy_departed", "convoy": serial, "from": "gao", "to": "bamako", "trucks": 10, "recorded_by": format!("writer-{w}")});
        let r = client.post(&url).json(&departed).send().await.expect("request");
        assert_eq!(r.status().as_u16(), 201, "departure {serial}: {}", r.text().await.unwrap_or_default());
        let v: Value = r.json().await.expect("json");
        seen.accepted.insert(v["id"].as_i64().expect("id"), ("convoy_departed".into(), serial.clone()));
        // The same serial again, and an arrival of a convoy that never left: refused.
        let twice = client.post(&url).json(&departed).send().await.expect("request");
        assert_eq!(twice.status().as_u16(), 422, "second departure of {serial}");
        let ghost = format!("GHOST-{w}-{i}");
        let r = client
            .post(&url)
            .json(&json!({"at": arr, "kind": "convoy_arrived", "convoy": ghost, "recorded_by": "x"}))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 422, "arrival of {ghost}");
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["field"], "convoy", "{body}");
        seen.refused.push(ghost);
        let r = client
            .post(&url)
            .json(&json!({"at": arr, "kind": "convoy_arrived", "convoy": serial, "recorded_by": format!("writer-{w}")}))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 201, "arrival {serial}");
        let v: Value = r.json().await.expect("json");
        seen.accepted.insert(v["id"].as_i64().expect("id"), ("convoy_arrived".into(), serial));
        i += 1;
    }
    seen
}

async fn what_ifs(client: reqwest::Client, base: String, k: usize, until: Instant) -> (u32, u32) {
    let variants = ["flights-cleared", "kidal-as-planned", "no-customs-hold", "no-niger-route", "niger-route-open"];
    let (mut done, mut busy) = (0, 0);
    let mut i = 0;
    while Instant::now() < until {
        let req = json!({"variants": [variants[(k + i) % variants.len()]], "runs": 1000, "seed": i});
        let r = client.post(format!("{base}/whatif")).json(&req).send().await.expect("request");
        match r.status().as_u16() {
            200 => {
                let v: Value = r.json().await.expect("json");
                let out = v["result"]["summary"]["personnel_departed_by_deadline"]["p50"].as_f64().expect("p50");
                assert!(out > 0.0 && out <= 13_871.0, "{out}");
                assert_eq!(v["result"]["runs"], 1000);
                done += 1;
            }
            503 => {
                // Every slot busy: refused at once, told when to come back (sooner here, to keep the load on).
                assert!(r.headers().contains_key("retry-after"), "503 without Retry-After");
                busy += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            s => panic!("what-if: unexpected {s}: {}", r.text().await.unwrap_or_default()),
        }
        i += 1;
    }
    (done, busy)
}

async fn run_against(db: &common::TestStore) {
    let name = common::unique_name();
    let state = common::state(&db.url, &name, None).await;
    let store = state.store().clone();
    let (addr, server) = common::spawn(state).await;
    let base = format!("http://{addr}/api/scenarios/{name}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
    let until = Instant::now() + duration();

    let writers: Vec<_> = (0..WRITERS).map(|w| tokio::spawn(writer(client.clone(), base.clone(), w, until))).collect();
    let sims: Vec<_> = (0..WHATIFS).map(|k| tokio::spawn(what_ifs(client.clone(), base.clone(), k, until))).collect();
    let mut accepted = BTreeMap::new();
    let mut refused = Vec::new();
    let mut winners = 0;
    for h in writers {
        let seen = h.await.expect("writer");
        winners += usize::from(seen.closed_kidal);
        for (id, what) in seen.accepted {
            assert!(accepted.insert(id, what).is_none(), "id {id} given to two events");
        }
        refused.extend(seen.refused);
    }
    let mut whatifs_done = 0;
    for h in sims {
        whatifs_done += h.await.expect("what-if client").0;
    }
    server.abort();

    assert_eq!(winners, 1, "{}: exactly one of {WRITERS} racing clients may close kidal", db.label);
    assert!(whatifs_done > 0, "{}: no what-if completed", db.label);
    // Count back from the store.
    let mut stored = BTreeMap::new();
    let mut after = None;
    loop {
        let page = store.events(&name, after, 5000).await.expect("events");
        let n = page.len();
        for e in page {
            after = Some(e.id);
            let v = serde_json::to_value(&e.kind).expect("kind");
            let subject = v["convoy"].as_str().or(v["site"].as_str()).unwrap_or("").to_string();
            assert!(stored.insert(e.id, (e.kind.name().to_string(), subject)).is_none(), "id {} stored twice", e.id);
        }
        if n < 5000 {
            break;
        }
    }
    assert_eq!(store.count_events(&name).await.expect("count") as usize, stored.len());
    assert_eq!(
        stored.len(),
        accepted.len(),
        "{}: accepted {} events, the store has {}",
        db.label,
        accepted.len(),
        stored.len()
    );
    assert_eq!(stored, accepted, "{}: the store differs from what was accepted", db.label);
    let subjects: BTreeSet<&str> = stored.values().map(|(_, s)| s.as_str()).collect();
    for r in &refused {
        assert!(!subjects.contains(r.as_str()), "{}: refused {r} was stored", db.label);
    }
    println!(
        "{}: {} events accepted and stored, {} refused, {whatifs_done} what-ifs in {:?}",
        db.label,
        accepted.len(),
        refused.len() * 2,
        duration()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_writers_and_five_what_ifs_lose_and_corrupt_nothing() {
    for db in common::stores() {
        run_against(&db).await;
    }
}
