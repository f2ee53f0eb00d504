//! `drawdown calibrate` and `drawdown backtest` through the binary.

use std::path::PathBuf;

#[allow(dead_code)]
mod common;
use common::{drawdown, json};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drawdown-calibrate-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

const QUICK: [&str; 7] = ["--particles", "60", "--budget", "4000", "--check-runs", "100", "-q"];

#[test]
fn calibrating_writes_a_posterior_that_every_command_reads_and_that_is_not_fitted_twice() {
    let out = tmp("cal.toml");
    let o = out.to_str().expect("utf-8");
    let mut args = vec!["calibrate", "--out", o];
    args.extend(QUICK);
    let (code, text, err) = drawdown(&args);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("inputs fitted to"), "{text}");
    assert!(text.contains("Posterior predictive check"), "{text}");
    // The file carries the posterior and runs with it.
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(written.contains("method = \"abc-smc\"") && written.contains("samples = "), "no posterior written");
    let v = json(&["simulate", o, "--runs", "40", "--format", "json"]);
    assert_eq!(v["inputs"]["calibrated"], true, "{}", v["inputs"]);
    // Fitting it again would count the milestones twice.
    let mut again = vec!["calibrate", o];
    again.extend(QUICK);
    let (code, _, err) = drawdown(&again);
    assert_eq!(code, 1);
    assert!(err.contains("already calibrated") && err.contains("hint"), "{err}");
}

#[test]
fn the_same_seed_gives_the_same_posterior_whatever_the_thread_count() {
    let run = |threads: &str| {
        let mut args = vec!["calibrate", "--format", "json", "--threads", threads];
        args.extend(QUICK);
        let (code, text, err) = drawdown(&args);
        assert_eq!(code, 0, "{err}");
        text
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn a_backtest_scores_the_milestones_after_its_origin() {
    let mut args = vec!["backtest", "--as-of", "2023-09-30", "--format", "json"];
    args.extend(QUICK);
    let v = json(&args);
    let origin = &v["origins"][0];
    assert_eq!(origin["as_of"], "2023-09-30");
    let preds = origin["predictions"].as_array().expect("predictions");
    assert!(!preds.is_empty());
    for p in preds {
        assert!(p["milestone"]["date"].as_str().expect("date") > "2023-09-30", "{p}");
        assert!(p["p5"].as_f64() <= p["p50"].as_f64() && p["p50"].as_f64() <= p["p95"].as_f64(), "{p}");
        let inside = p["p5"].as_f64() <= p["observed"].as_f64() && p["observed"].as_f64() <= p["p95"].as_f64();
        assert_eq!(p["inside90"].as_bool(), Some(inside), "{p}");
    }
    let cov = v["coverage"]["p5_p95"].as_f64().expect("coverage");
    assert!((0.0..=1.0).contains(&cov));
}

#[test]
fn a_backtest_with_nothing_after_its_origin_is_refused() {
    let (code, _, err) = drawdown(&["backtest", "--as-of", "2024-12-31", "-q"]);
    assert_eq!(code, 1);
    assert!(err.contains("nothing to predict") && err.contains("hint"), "{err}");
    let (code, _, err) = drawdown(&["calibrate", "--fit", "threat[1].ied_per_100kmm", "-q"]);
    assert_eq!(code, 1);
    assert!(err.contains("not an uncertain input") && err.contains("threat[1].ied_per_100km"), "{err}");
}
