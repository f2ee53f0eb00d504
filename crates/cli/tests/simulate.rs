//! `drawdown simulate` through the binary, as a user runs it.

use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::{drawdown, json, toy};

fn is_q(v: &Value) -> bool {
    ["mean", "p5", "p50", "p95"].iter().all(|k| v[k].is_number())
        && v["p5"].as_f64() <= v["p50"].as_f64()
        && v["p50"].as_f64() <= v["p95"].as_f64()
}

#[test]
fn json_has_the_documented_shape() {
    let v = json(&["simulate", &toy(), "--runs", "300", "--seed", "7", "--format", "json"]);
    assert_eq!(v["scenario"], "toy");
    assert_eq!(v["runs"], 300);
    assert_eq!(v["seed"], 7);
    assert_eq!(v["start"], "2023-07-01");
    assert_eq!(v["deadline"], "2023-09-30");
    assert_eq!(v["totals"]["personnel"], 1400);
    assert_eq!(v["totals"]["vehicles"], 70);
    assert_eq!(v["totals"]["containers"], 450);
    let s = &v["summary"];
    for k in ["personnel_departed_by_deadline", "sites_closed_by_deadline", "wounded", "killed"] {
        assert!(is_q(&s[k]), "{k}: {}", s[k]);
    }
    for k in ["repatriated", "handed_over", "destroyed", "abandoned"] {
        assert!(is_q(&s["equipment"][k]), "equipment.{k}");
    }
    let p = s["p_all_sites_closed_by_deadline"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    let daily = v["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 92, "one entry per day, start to deadline inclusive");
    assert_eq!(daily[0]["date"], "2023-07-01");
    assert_eq!(daily[91]["date"], "2023-09-30");
    let p50s: Vec<f64> = daily.iter().map(|d| d["personnel_departed"]["p50"].as_f64().unwrap()).collect();
    assert!(p50s.windows(2).all(|w| w[0] <= w[1]), "daily P50s are non-decreasing");
    assert!(p50s[91] > 0.0);
    let north = v["sites"].as_array().unwrap().iter().find(|s| s["id"] == "north").expect("site north");
    assert!(north["closed_on"]["p50"].as_str().unwrap().starts_with("2023-09"));
    let h = &north["handover"];
    assert!((h["state"].as_f64().unwrap() + h["armed_group"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    let convoys = v["convoys"].as_array().unwrap();
    let shuttle = convoys.iter().find(|c| c["id"] == "north-shuttle").expect("convoy row");
    assert_eq!(shuttle["from"], "north");
    assert_eq!(shuttle["to"], "hub");
    assert!(is_q(&shuttle["days"]) && is_q(&shuttle["incidents"]) && is_q(&shuttle["wounded"]));
    assert!(convoys.iter().any(|c| c["id"] == "close-north"));
    assert!(v["engine"]["events"].as_u64().unwrap() > 300);
    assert_eq!(v["schema_version"], 2);
    assert!(v["engine"].get("wall_seconds").is_none(), "nothing in the result measures wall time");
}

#[test]
fn same_seed_same_output_on_one_or_two_threads() {
    let args = |t: &'static str| {
        vec![
            "simulate".to_string(),
            toy(),
            "--runs".into(),
            "1500".into(),
            "--seed".into(),
            "3".into(),
            "--threads".into(),
            t.into(),
            "--format".into(),
            "json".into(),
        ]
    };
    let a: Vec<String> = args("1");
    let b: Vec<String> = args("2");
    let one = json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let two = json(&b.iter().map(String::as_str).collect::<Vec<_>>());
    let again = json(&b.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(one, two);
    assert_eq!(two, again);
}

#[test]
fn the_embedded_minusma_scenario_runs_with_no_file() {
    let v = json(&["simulate", "--runs", "100", "--format", "json"]);
    assert_eq!(v["scenario"], "minusma-2023");
    assert_eq!(v["totals"]["personnel"], 13871);
    assert_eq!(v["deadline"], "2023-12-31");
    assert_eq!(v["daily"].as_array().unwrap().len(), 184);
    let ids: Vec<&str> = v["sites"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
    for id in [
        "ogossagou",
        "ber",
        "goundam",
        "menaka",
        "douentza",
        "tessalit",
        "aguelhok",
        "kidal",
        "ansongo",
        "mopti",
        "timbuktu",
        "gao",
        "bamako",
    ] {
        assert!(ids.contains(&id), "site {id} in {ids:?}");
    }
    assert!(ids.iter().all(|i| *i == i.to_lowercase()));
}

#[test]
fn bad_arguments_are_errors_not_panics() {
    let (code, _, err) = drawdown(&["simulate", &toy(), "--runs", "0"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = drawdown(&["simulate", "/nonexistent/scenario.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn the_table_matches_the_golden_file() {
    let (code, out, err) = drawdown(&["simulate", &toy(), "--runs", "400", "--seed", "7"]);
    assert_eq!(code, 0, "{err}");
    // The last line measures wall time; everything else is deterministic.
    let table: String = out.lines().filter(|l| !l.starts_with("engine:")).map(|l| format!("{l}\n")).collect();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/toy-simulate.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    let golden = std::fs::read_to_string(&path).expect("golden file (UPDATE_GOLDEN=1 to create)");
    assert_eq!(table, golden, "table changed; if intended, rerun with UPDATE_GOLDEN=1 and review the diff");
}

#[test]
fn minusma_1000_runs_seed_7_is_identical_on_one_or_two_threads_and_twice() {
    let run = |threads: &str| {
        json(&["simulate", "--runs", "1000", "--seed", "7", "--threads", threads, "--format", "json", "-q"])
    };
    let (one, two, again) = (run("1"), run("2"), run("2"));
    assert_eq!(one, two);
    assert_eq!(two, again);
    let daily = one["daily"].as_array().unwrap();
    for k in ["personnel_departed", "sites_closed"] {
        let p50s: Vec<f64> = daily.iter().map(|d| d[k]["p50"].as_f64().unwrap()).collect();
        assert!(p50s.windows(2).all(|w| w[0] <= w[1]), "{k} P50s are non-decreasing");
    }
    let eq = &one["summary"]["equipment"];
    let mean_total: f64 = ["repatriated", "handed_over", "sold", "destroyed", "abandoned", "lost", "in_country"]
        .iter()
        .map(|k| eq[k]["mean"].as_f64().unwrap())
        .sum();
    assert!((mean_total - one["totals"]["equipment"].as_f64().unwrap()).abs() < 1e-6, "every item has one fate");
}
