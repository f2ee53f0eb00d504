//! `drawdown plan --confidence P`: the robust plan reaches P in its own
//! engine check, holds up under another seed in `drawdown simulate`, gives
//! the same output twice, and a confidence that no plan reaches exits with
//! status 4 and says why.

mod common;

use std::path::PathBuf;

use common::{drawdown, json, toy};
use serde_json::Value;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drawdown-plan-robust-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn read_json(p: &PathBuf) -> Value {
    let text = std::fs::read_to_string(p).expect("JSON written");
    serde_json::from_str(&text).expect("JSON parses")
}

#[test]
fn a_robust_plan_reaches_its_confidence_and_holds_under_another_seed() {
    let (js, out) = (tmp("robust.json"), tmp("robust.toml"));
    let (js_s, out_s) = (js.display().to_string(), out.display().to_string());
    let args = ["plan", "--confidence", "0.9", "--check-runs", "300", "--json", &js_s, "--out", &out_s];
    let (code, stdout, err) = drawdown(&args);
    assert_eq!(code, 0, "{stdout}\n{err}");
    assert!(stdout.contains("Robust to 0.9: simulated P(deadline) = "), "{stdout}");
    assert!(stdout.contains("per-site margins: "), "{stdout}");
    let v = read_json(&js);
    let r = &v["robust"];
    assert_eq!(r["confidence"].as_f64(), Some(0.9), "{r}");
    let achieved = r["achieved"].as_f64().expect("achieved");
    assert!(achieved >= 0.9, "{r}");
    assert_eq!(r["reached"], Value::Bool(true), "{r}");
    assert!(r["iterations"].as_u64().is_some_and(|n| n <= 6), "{r}");
    assert!(r["margins"].is_object(), "{r}");
    assert_eq!(v["check"]["figures"]["deadline_met"].as_f64(), Some(achieved));

    // The same command gives the same output.
    let first = std::fs::read_to_string(&js).expect("JSON");
    let (code, again, _) = drawdown(&args);
    assert_eq!(code, 0);
    assert_eq!(first, std::fs::read_to_string(&js).expect("JSON"), "the JSON differs between two runs");
    assert_eq!(stdout.lines().take(2).collect::<Vec<_>>(), again.lines().take(2).collect::<Vec<_>>());

    // Another seed, in the simulator: everyone out (departed or killed) by
    // the deadline in about as many runs as the check found.
    let dir = tmp("robust-sim");
    let dir_s = dir.display().to_string();
    let s = json(&[
        "simulate", "--plan", &out_s, "--runs", "500", "--seed", "99", "--format", "json", "--csv", &dir_s, "--quiet",
    ]);
    let closed = s["summary"]["p_all_sites_closed_by_deadline"].as_f64().expect("p_all_sites_closed_by_deadline");
    assert!(closed >= 0.85, "P(all planned closures done) = {closed}");
    let total = s["totals"]["personnel"].as_u64().expect("totals.personnel");
    let reps = std::fs::read_to_string(dir.join("replications.csv")).expect("replications.csv");
    let mut rows = reps.lines();
    let head: Vec<&str> = rows.next().expect("header").split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let (dep, killed) = (col("personnel_departed_by_deadline"), col("killed"));
    let (mut n, mut met) = (0u32, 0u32);
    for row in rows {
        let f: Vec<&str> = row.split(',').collect();
        let out: u64 = f[dep].parse::<u64>().expect("count") + f[killed].parse::<u64>().expect("count");
        n += 1;
        met += u32::from(out >= total);
    }
    assert_eq!(n, 500);
    let p = f64::from(met) / f64::from(n);
    assert!(p >= 0.85, "P(deadline) under seed 99 = {p} (check: {achieved})");
}

#[test]
fn a_confidence_no_plan_reaches_exits_4_with_the_statement() {
    let js = tmp("tight.json");
    let js_s = js.display().to_string();
    let (code, stdout, err) = drawdown(&[
        "plan",
        "--set",
        "scenario.deadline=2023-08-15",
        "--confidence",
        "0.99",
        "--check-runs",
        "200",
        "--json",
        &js_s,
    ]);
    assert_eq!(code, 4, "{stdout}\n{err}");
    assert!(stdout.contains("NOT robust to 0.99: no plan reaches it; best simulated P(deadline) = "), "{stdout}");
    assert!(stdout.contains("tried 0: P(deadline) = "), "{stdout}");
    assert!(stdout.contains("exit status 4"), "{stdout}");
    let v = read_json(&js);
    let r = &v["robust"];
    assert_eq!(r["reached"], Value::Bool(false), "{r}");
    assert!(r["achieved"].as_f64().is_some_and(|a| a < 0.99), "{r}");
    assert!(r["relaxation"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
}

/// The deterministic plan of the embedded scenario is one the engine
/// agrees with: its trips planned at their 0.9 quantile (over the input
/// draws the check runs), everyone is out by the deadline in most runs,
/// and the programme's expected casualties (situation factors included)
/// are near the engine's mean.
#[test]
fn the_deterministic_plan_is_one_the_engine_agrees_with() {
    let js = tmp("agrees.json");
    let js_s = js.display().to_string();
    let (code, stdout, err) = drawdown(&["plan", "--check-runs", "400", "--json", &js_s]);
    assert_eq!(code, 0, "{stdout}\n{err}");
    let v = read_json(&js);
    let f = &v["check"]["figures"];
    let met = f["deadline_met"].as_f64().expect("deadline_met");
    assert!(met >= 0.85, "P(everyone out) = {met}");
    let planned = v["expected_casualties"].as_f64().expect("expected_casualties");
    let engine = f["wounded"]["mean"].as_f64().expect("wounded") + f["killed"]["mean"].as_f64().expect("killed");
    assert!((planned / engine - 1.0).abs() < 0.3, "the programme expects {planned} casualties, the engine {engine}");
}

/// The raw (uncalibrated) MINUSMA scenario planned on each trip's median
/// (`--trip-quantile 0.5`): the deterministic plan misses 0.9, so the loop
/// learns margins and re-plans.
#[test]
fn the_loop_learns_margins_where_the_deterministic_plan_misses() {
    let raw = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/minusma-2023.toml").display().to_string();
    let js = tmp("raw.json");
    let js_s = js.display().to_string();
    let (code, stdout, err) = drawdown(&[
        "plan",
        &raw,
        "--trip-quantile",
        "0.5",
        "--confidence",
        "0.9",
        "--check-runs",
        "300",
        "--json",
        &js_s,
    ]);
    assert_eq!(code, 0, "{stdout}\n{err}");
    let r = &read_json(&js)["robust"];
    assert!(r["iterations"].as_u64().is_some_and(|n| n >= 1), "{r}");
    assert!(r["tried"][0]["achieved"].as_f64().is_some_and(|a| a < 0.9), "{r}");
    assert!(r["achieved"].as_f64().is_some_and(|a| a >= 0.9), "{r}");
    assert!(r["margins"].as_object().is_some_and(|m| m.values().any(|d| d.as_u64() > Some(0))), "{r}");
}

#[test]
fn confidence_needs_the_engine_check() {
    let toy = toy();
    let (code, _, err) = drawdown(&["plan", &toy, "--confidence", "0.9", "--check-runs", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("--confidence needs the engine check"), "{err}");
    let (code, _, err) = drawdown(&["plan", "--confidence", "1.5"]);
    assert_eq!(code, 2, "{err}");
}
