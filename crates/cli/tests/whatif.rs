//! Variants, `--set`, `compare` and `sensitivity` through the binary.

use serde_json::Value;

mod common;
use common::{drawdown, json, toy};

fn diff<'a>(v: &'a Value, metric: &str) -> &'a Value {
    v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["metric"] == metric)
        .unwrap_or_else(|| panic!("metric {metric}"))
}

#[test]
fn releasing_the_gao_trucks_repatriates_more_with_a_paired_interval() {
    let v = json(&["compare", "minusma-2023", "baseline", "no-customs-hold", "--runs", "400", "--format", "json"]);
    assert_eq!(v["base"], "baseline");
    assert_eq!(v["variant"], "no-customs-hold");
    let d = diff(&v, "equipment.repatriated");
    let (lo, hi) = (d["ci95"][0].as_f64().unwrap(), d["ci95"][1].as_f64().unwrap());
    assert!(
        lo > 0.0 && lo <= d["mean_difference"].as_f64().unwrap() && d["mean_difference"].as_f64().unwrap() <= hi,
        "{d}"
    );
    assert!(d["variance_reduction"].as_f64().unwrap() > 1.0, "pairing must reduce variance: {d}");
    let destroyed = diff(&v, "equipment.destroyed");
    assert!(destroyed["mean_difference"].as_f64().unwrap() < 0.0, "{destroyed}");
}

/// The 95 % interval of `metric` in `compare minusma-2023 baseline VARIANT`,
/// which must exclude zero on the side of `sign`.
fn moves(variant: &str, metric: &str, sign: f64) {
    let v = json(&["compare", "minusma-2023", "baseline", variant, "--runs", "200", "--format", "json"]);
    let d = diff(&v, metric);
    let (lo, hi) = (d["ci95"][0].as_f64().unwrap(), d["ci95"][1].as_f64().unwrap());
    let mean = d["mean_difference"].as_f64().unwrap();
    assert!(lo <= mean && mean <= hi, "{variant}: {d}");
    assert!(
        lo * sign > 0.0 && hi * sign > 0.0,
        "{variant}: the interval of {metric} must exclude zero ({sign:+}): {d}"
    );
    assert_eq!(d["significant"], true, "{variant}: {d}");
}

#[test]
fn the_fuel_and_air_cover_variants_move_their_metrics_beyond_chance() {
    // Released tankers keep resupplying the northern camps: more fuel is
    // left there at closing, and the resumed runs are exposed on the road.
    moves("fuel-released", "fuel_left_kl", 1.0);
    moves("fuel-released", "vehicles_damaged", 1.0);
    // Air cover lowers the incident rate and evacuates some of the killed.
    moves("air-cover", "wounded", -1.0);
    moves("air-cover", "killed", -1.0);
}

#[test]
fn a_variant_compared_with_itself_differs_by_exactly_zero() {
    let v =
        json(&["compare", "minusma-2023", "no-customs-hold", "no-customs-hold", "--runs", "100", "--format", "json"]);
    for d in v["differences"].as_array().unwrap() {
        assert_eq!(d["mean_difference"], 0.0, "{d}");
    }
}

#[test]
fn kidal_as_planned_moves_the_closure_and_changes_who_takes_the_camp() {
    let base = json(&["simulate", "--runs", "200", "--format", "json", "-q"]);
    let late = json(&["simulate", "--variant", "kidal-as-planned", "--runs", "200", "--format", "json", "-q"]);
    let kidal = |v: &Value| v["sites"].as_array().unwrap().iter().find(|s| s["id"] == "kidal").unwrap().clone();
    assert_eq!(kidal(&base)["closed_on"]["p50"], "2023-10-31");
    assert!(kidal(&late)["closed_on"]["p50"].as_str().unwrap() >= "2023-11-22");
    assert!(kidal(&base)["handover"]["armed_group"].as_f64().unwrap() > 0.8);
    assert!(kidal(&late)["handover"]["state"].as_f64().unwrap() > 0.8);
}

#[test]
fn set_overrides_apply_and_bad_ones_name_the_override() {
    let v = json(&[
        "simulate",
        &toy(),
        "--runs",
        "50",
        "--format",
        "json",
        "-q",
        "--set",
        "plan.closure.north.date=2023-08-01",
    ]);
    let north = v["sites"].as_array().unwrap().iter().find(|s| s["id"] == "north").unwrap();
    assert!(north["closed_on"]["p50"].as_str().unwrap().starts_with("2023-08-0"));
    let (code, _, err) = drawdown(&["simulate", &toy(), "--set", "fleet.nope.trucks=3"]);
    assert_eq!(code, 1);
    assert!(err.contains("--set fleet.nope.trucks=3") && err.contains("nope"), "{err}");
    let (code, _, err) = drawdown(&["simulate", &toy(), "--set", "fleet.hub-trucks.trucks=-3"]);
    assert_eq!(code, 1);
    assert!(err.contains("trucks") && err.contains("-3"), "{err}");
    let (code, _, err) = drawdown(&["compare", "minusma-2023", "baseline", "no-customs-hld"]);
    assert_eq!(code, 1);
    assert!(err.contains("no-customs-hold"), "did-you-mean hint expected: {err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn sensitivity_ranks_inputs_and_leaves_unrelated_ones_at_zero() {
    let v = json(&["sensitivity", &toy(), "--metric", "wounded", "--runs", "100", "--format", "json"]);
    let swings = v["tornado"]["swings"].as_array().unwrap();
    assert!(swings.len() >= 4);
    let range = |s: &Value| (s["metric_at_high"].as_f64().unwrap() - s["metric_at_low"].as_f64().unwrap()).abs();
    assert!(swings.windows(2).all(|w| range(&w[0]) >= range(&w[1])), "sorted by effect");
    assert!(swings[0]["path"].as_str().unwrap().contains("ied_per_100km"), "{}", swings[0]);
    // Flight clearances cannot change road casualties: with common random
    // numbers the swing is exactly zero.
    let clearance = swings.iter().find(|s| s["path"].as_str().unwrap().starts_with("policy.clearance")).unwrap();
    assert_eq!(range(clearance), 0.0);
    let dir = std::env::temp_dir().join(format!("drawdown-tornado-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (svg, png) = (dir.join("t.svg"), dir.join("t.png"));
    let (code, _, err) = drawdown(&[
        "sensitivity",
        &toy(),
        "--metric",
        "wounded",
        "--runs",
        "50",
        "--svg",
        svg.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.matches("<rect").count() >= 8, "tornado bars drawn");
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    std::fs::remove_dir_all(&dir).unwrap();
    let (code, _, err) = drawdown(&["sensitivity", &toy(), "--metric", "woundd"]);
    assert_eq!(code, 1);
    assert!(err.contains("wounded"), "{err}");
}

#[test]
fn a_plan_file_replaces_the_scenarios_plan() {
    let dir = std::env::temp_dir().join(format!("drawdown-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.toml");
    let text = std::fs::read_to_string(toy()).unwrap();
    let start = text.find("[[plan.closure]]").unwrap();
    std::fs::write(&plan, text[start..].replace("date = 2023-09-10", "date = 2023-08-20")).unwrap();
    let v = json(&["simulate", &toy(), "--plan", plan.to_str().unwrap(), "--runs", "50", "--format", "json", "-q"]);
    let north = v["sites"].as_array().unwrap().iter().find(|s| s["id"] == "north").unwrap();
    assert_eq!(north["planned_closure"], "2023-08-20");
    std::fs::write(&plan, "[scenario]\nid = \"x\"\n").unwrap();
    let (code, _, err) = drawdown(&["simulate", &toy(), "--plan", plan.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("no [plan] table"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
