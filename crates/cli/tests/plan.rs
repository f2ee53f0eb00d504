//! `drawdown plan` end to end: the plan it writes for MINUSMA stripped of its
//! plan is accepted by `check` and run by `simulate --plan`; an infeasible
//! deadline gets an explanation and a relaxation; re-planning from a state;
//! bad `[planner]` and state input give located errors; the output formats.

mod common;

use std::path::PathBuf;

use common::{drawdown, toy};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drawdown-plan-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn state_fixture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../planner/tests/fixtures/minusma-2023-10-15.state.toml")
        .display()
        .to_string()
}

/// MINUSMA with its `[[plan.closure]]` and `[[plan.line]]` entries removed.
fn minusma_stripped() -> String {
    let text = drawdown_model::MINUSMA_2023;
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            skipping = t.starts_with("[[plan.closure]]") || t.starts_with("[[plan.line]]");
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn minusma_without_its_plan_gets_a_plan_that_check_accepts_and_simulate_runs() {
    let scenario = tmp("minusma-stripped.toml");
    std::fs::write(&scenario, minusma_stripped()).expect("write");
    let sc = scenario.to_str().expect("utf-8 path");
    let (code, _, err) = drawdown(&["check", sc]);
    assert_eq!(code, 0, "the stripped scenario is valid: {err}");
    assert!(!std::fs::read_to_string(&scenario).expect("read").contains("[[plan.closure]]"));

    let plan = tmp("minusma.plan.toml");
    let pl = plan.to_str().expect("utf-8 path");
    let (code, out, err) = drawdown(&["plan", sc, "--gap", "0.02", "--out", pl]);
    assert_eq!(code, 0, "{err}");
    for part in ["Closures", "Convoys", "Flight requests", "Equipment lots", "gap", "bound", "Why this plan"] {
        assert!(out.contains(part), "summary lacks {part}:\n{out}");
    }
    let (code, out, err) = drawdown(&["check", sc, "--plan", pl]);
    assert_eq!(code, 0, "check rejects the plan: {err}\n{out}");
    let v = common::json(&["simulate", sc, "--plan", pl, "--runs", "20", "--format", "json", "--quiet"]);
    let departed = v.to_string();
    assert!(departed.contains("personnel"), "{departed}");
}

#[test]
fn an_infeasible_deadline_gets_an_explanation_and_a_relaxation() {
    let (code, out, err) = drawdown(&["plan", "--set", "scenario.deadline=2023-07-08", "--format", "json"]);
    assert_eq!(code, 0, "not a solver error: {err}");
    assert!(err.contains("The deadline cannot be met"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(v["personnel_left"].as_f64().expect("number") > 0.5);
    let r = &v["explanation"]["relaxation"];
    let days = r["extra_days"].as_u64().expect("an extension that meets the deadline");
    assert!(days > 0);
    // Applying the relaxation meets the deadline in the deterministic model.
    let deadline = format!(
        "scenario.deadline={}",
        drawdown_model::Date::parse("2023-07-08").expect("date").plus_days(days as i64)
    );
    let (code, out, err) = drawdown(&["plan", "--set", &deadline, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(v["personnel_left"].as_f64().expect("number") < 0.5, "with {days} more days people are still left: {err}");
}

#[test]
fn replans_minusma_from_a_mid_october_state() {
    let state = state_fixture();
    let plan = tmp("replan.plan.toml");
    let pl = plan.to_str().expect("utf-8 path");
    let (code, out, err) = drawdown(&["plan", "--state", &state, "--out", pl]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2023-10-15"), "{out}");
    assert!(!out.contains(" ber "), "ber is closed already:\n{out}");
    let (code, out, err) = drawdown(&["check", "--state", &state, "--plan", pl]);
    assert_eq!(code, 0, "{err}\n{out}");
    let (code, _, err) = drawdown(&["simulate", "--state", &state, "--plan", pl, "--runs", "10", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    // --from before the state's date is refused.
    let (code, _, err) = drawdown(&["plan", "--state", &state, "--from", "2023-10-01"]);
    assert_eq!(code, 1);
    assert!(err.contains("before the state's date"), "{err}");
}

#[test]
fn bad_planner_tables_and_state_files_get_located_errors() {
    let text = std::fs::read_to_string(toy()).expect("toy");
    let bad = tmp("bad-planner.toml");
    std::fs::write(&bad, format!("{text}\n[planner]\ngap = 2.0\ncasualty_weight = 3\n")).expect("write");
    let (code, _, err) = drawdown(&["plan", bad.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(
        err.contains("casualty_weight") && err.contains("casualty_usd"),
        "unknown field with the known ones: {err}"
    );
    std::fs::write(&bad, format!("{text}\n[planner]\ngap = 2.0\n")).expect("write");
    let (code, _, err) = drawdown(&["plan", bad.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    let line = text.lines().count() + 3;
    assert!(
        err.contains("`gap` must be between 0 and 0.99") && err.contains(&format!("bad-planner.toml:{line}:")),
        "{err}"
    );

    let state = tmp("bad.state.toml");
    std::fs::write(
        &state,
        "as_of = 2023-10-15\n\n[[personnel]]\nsite = \"gaoo\"\ncontingent = \"x\"\nrole = \"guard\"\ncount = 3\n",
    )
    .expect("write");
    let (code, _, err) = drawdown(&["plan", "--state", state.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown site `gaoo`") && err.contains("bad.state.toml:4:") && err.contains("did you mean `gao`?"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn csv_is_the_movement_table_and_json_has_the_solver_figures() {
    let text = std::fs::read_to_string(toy()).expect("toy");
    let (code, out, err) = drawdown(&["plan", &toy(), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rows.headers().expect("header").iter().map(String::from).collect();
    for col in [
        "line",
        "what",
        "quantity",
        "origin",
        "embarkation",
        "destination",
        "mode",
        "ready",
        "earliest_departure",
        "latest_departure",
        "serial",
    ] {
        assert!(header.iter().any(|h| h == col), "no column {col}: {header:?}");
    }
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    assert!(!records.is_empty());
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.get(0), Some((i + 1).to_string().as_str()), "lines are numbered");
        let origin = r.get(4).expect("origin");
        assert!(text.contains(&format!("id = \"{origin}\"")), "origin {origin} is a site of the scenario");
    }
    let v = common::json(&["plan", &toy(), "--format", "json"]);
    let s = &v["solve"];
    assert!(s["objective"].as_f64().expect("objective") >= s["bound"].as_f64().expect("bound") - 1e-6);
    assert!(s["gap"].as_f64().expect("gap") <= 0.01 + 1e-9, "{s}");
    assert!(v["movements"].as_array().expect("movements").len() == records.len());
}

#[test]
fn kept_closures_are_planned_around_and_bad_keeps_are_errors() {
    let toy = toy();
    // The toy's own plan closes `north` on 2023-09-10: `--keep north` keeps that date.
    let (code, out, err) = drawdown(&["plan", &toy, "--keep", "north", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let north =
        v["closures"].as_array().expect("closures").iter().find(|c| c["site"] == "north").expect("north closes");
    assert_eq!(north["date"], "2023-09-10");
    // An explicit date, then open: north no longer closes.
    let (code, out, err) = drawdown(&["plan", &toy, "--keep", "north=2023-08-01", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(v["closures"].as_array().unwrap().iter().any(|c| c["site"] == "north" && c["date"] == "2023-08-01"), "{v}");
    let (code, out, err) = drawdown(&["plan", &toy, "--keep", "north=open", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(!v["closures"].as_array().unwrap().iter().any(|c| c["site"] == "north"), "{v}");
    // North's guards stay by decision: kept, not left behind.
    assert!(v["personnel_kept"].as_f64().unwrap() > 0.5, "north's guards stay when it stays open");
    assert_eq!(v["kept_open"], serde_json::json!(["north"]));
    for (keep, expect) in [
        ("nort", "`nort` is not a base of the scenario"),
        ("port", "`port` is not a base"),
        ("north=1 Sept", "`1 Sept` is not a date"),
        ("north=2023-01-01", "before the scenario starts"),
    ] {
        let (code, _, err) = drawdown(&["plan", &toy, "--keep", keep]);
        assert_eq!(code, 1, "--keep {keep}: {err}");
        assert!(err.contains(expect), "--keep {keep}: {err}");
    }
}

#[test]
fn compare_takes_a_plan_file_as_one_side() {
    let toy = toy();
    let plan = tmp("toy-plan.toml");
    let (code, _, err) = drawdown(&["plan", &toy, "--out", plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) =
        drawdown(&["compare", &toy, "baseline", plan.to_str().unwrap(), "--runs", "50", "--format", "json", "--all"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let diffs = v["differences"].as_array().expect("differences");
    assert!(diffs.iter().any(|d| d["metric"] == "personnel_departed_by_deadline"));
    // Per-base rows cover every base, closed by either plan or not.
    assert!(diffs.iter().any(|d| d["metric"] == "site.hub.closed_by_deadline"), "{v}");
    // A plan against itself differs in nothing.
    let (code, out, _) = drawdown(&[
        "compare",
        &toy,
        plan.to_str().unwrap(),
        plan.to_str().unwrap(),
        "--runs",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(v["differences"].as_array().unwrap().iter().all(|d| d["mean_difference"] == 0.0), "{v}");
}
