//! `drawdown plan` as a reproducible, checked artefact: one solve writes the
//! plan, the movement table and the JSON; the same input gives the same
//! bytes whatever the thread settings; the lift is whole; kept bases are
//! kept, not missed; every plan is simulated by the engine and compared with
//! the scenario's own plan.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{drawdown, toy};
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("drawdown-plan-outputs-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Runs the binary with RAYON_NUM_THREADS set: (exit code, stdout, stderr).
fn drawdown_env(threads: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_drawdown"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn files(d: &Path) -> [PathBuf; 3] {
    [d.join("plan.toml"), d.join("lines.csv"), d.join("plan.json")]
}

fn plan_into(d: &Path, threads: &str, extra: &[&str]) -> (String, [Vec<u8>; 3]) {
    let [t, c, j] = files(d);
    let mut args = vec![
        "plan",
        "--out",
        t.to_str().unwrap(),
        "--csv",
        c.to_str().unwrap(),
        "--json",
        j.to_str().unwrap(),
        "--threads",
        threads,
        "--check-runs",
        "200",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = drawdown_env(threads, &args);
    assert_eq!(code, 0, "{err}\n{out}");
    (out, [std::fs::read(&t).unwrap(), std::fs::read(&c).unwrap(), std::fs::read(&j).unwrap()])
}

#[test]
fn minusma_plans_are_byte_identical_whatever_the_threads_and_every_file_comes_from_one_solve() {
    let (a, b) = (dir("one"), dir("two"));
    let (summary, first) = plan_into(&a, "1", &[]);
    let (_, second) = plan_into(&b, "2", &[]);
    for (name, (x, y)) in ["plan.toml", "lines.csv", "plan.json"].iter().zip(first.iter().zip(&second)) {
        assert!(x == y, "{name} differs between RAYON_NUM_THREADS=1 and 2");
    }
    assert!(summary.contains("written to"), "{summary}");
    assert!(!summary.contains("SAFETY NET"), "the solver stopped on work, not time:\n{summary}");
    let json: Value = serde_json::from_slice(&first[2]).expect("JSON");
    let toml = String::from_utf8(first[0].clone()).unwrap();
    let csv = String::from_utf8(first[1].clone()).unwrap();
    // No durations in the JSON (they would differ from run to run).
    assert!(json["solve"].get("solve_seconds").is_none(), "{}", json["solve"]);
    // All three from the same solution: the CSV is the JSON's movement table,
    // and the TOML's closures are the JSON's.
    let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
    assert_eq!(rows, json["movements"].as_array().unwrap().len());
    for c in json["closures"].as_array().unwrap() {
        let entry = format!("site = \"{}\"\ndate = {}\n", c["site"].as_str().unwrap(), c["date"].as_str().unwrap());
        assert!(toml.contains(&entry), "{entry} not in the TOML");
    }
    // Whole lift: whole convoys of whole trucks, whole sorties, and within
    // their capacities.
    for l in json["road"].as_array().unwrap() {
        let (k, trucks) = (l["convoys"].as_u64().expect("whole convoys"), l["trucks"].as_u64().expect("whole trucks"));
        assert!(k >= 1 && trucks >= 1, "{l}");
        assert!(l["personnel"].as_f64().unwrap() <= k as f64 * 500.0 + 1e-6, "{l}");
    }
    for l in json["air"].as_array().unwrap() {
        let k = l["sorties"].as_u64().expect("whole sorties");
        assert!(k >= 1 && l["sorties_per_day"].as_u64().unwrap() >= 1, "{l}");
    }
    for line in summary.lines() {
        assert!(!line.contains(" 0 sorties"), "a line moves people with no sortie: {line}");
        let words: Vec<&str> = line.split_whitespace().collect();
        if line.trim_start().starts_with("R-")
            && let Some(i) = words.iter().position(|w| *w == "x")
        {
            assert!(words[i - 1].parse::<u32>().is_ok(), "whole convoys: {line}");
            assert!(words[i + 1].parse::<u32>().is_ok(), "whole trucks: {line}");
        }
    }
    // The engine check is in the JSON, as in the summary.
    let check = &json["check"];
    assert_eq!(check["runs"], 200);
    let met = check["figures"]["deadline_met"].as_f64().expect("P(deadline met)");
    assert!((0.0..=1.0).contains(&met));
    assert!(summary.contains("Engine check") && summary.contains("everyone out by the deadline"), "{summary}");
    // MINUSMA has its own plan: the check is paired with it.
    let diffs = check["baseline"]["differences"].as_array().expect("paired with the scenario's plan");
    assert!(diffs.iter().any(|d| d["metric"] == "people_left"));
    let sites = check["sites"].as_array().unwrap();
    assert_eq!(sites.len(), json["closures"].as_array().unwrap().len(), "one row per planned closure");
    // Everyone is out only if every closing convoy with people bound for an
    // exit arrives in time: P(deadline met) is at most each one's share
    // (for convoys of more people than road crews are ever killed, which the
    // people-left count cannot tell apart: docs/planner.md).
    let exits: Vec<&str> = json["exits"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    for (c, x) in json["closures"].as_array().unwrap().iter().zip(sites) {
        assert_eq!(c["site"], x["site"]);
        let share = x["arrives_by_deadline"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{x}");
        let to_exit = exits.contains(&c["to"].as_str().unwrap());
        let said = summary.contains(&format!("{}'s closing convoy", c["site"].as_str().unwrap()));
        assert_eq!(said, to_exit && c["personnel"].as_f64().unwrap() > 0.5 && share < 0.9, "late convoy hint: {x}");
        if to_exit && c["personnel"].as_f64().unwrap() > 20.0 {
            assert!(met <= share + 1e-9, "P(everyone out) {met} > {} arriving in time: {x}", share);
        }
    }
    // The TOML is a plan the scenario accepts.
    let (code, out, err) = drawdown(&["check", "--plan", files(&a)[0].to_str().unwrap()]);
    assert_eq!(code, 0, "{err}{out}");
}

#[test]
fn the_check_is_what_simulate_says_of_the_written_plan() {
    let d = dir("simulate");
    let [t, _, j] = files(&d);
    let toy = toy();
    let (code, _, err) = drawdown(&[
        "plan",
        &toy,
        "--out",
        t.to_str().unwrap(),
        "--json",
        j.to_str().unwrap(),
        "--check-runs",
        "300",
        "--seed",
        "11",
    ]);
    assert_eq!(code, 0, "{err}");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    let sim = common::json(&[
        "simulate",
        &toy,
        "--plan",
        t.to_str().unwrap(),
        "--runs",
        "300",
        "--seed",
        "11",
        "--format",
        "json",
        "--quiet",
    ]);
    let f = &plan["check"]["figures"];
    // The same replications of the same plan: `simulate --plan` gives the
    // same casualty and equipment figures.
    for key in ["wounded", "killed"] {
        for q in ["mean", "p50", "p95"] {
            assert_eq!(
                f[key][q].as_f64(),
                sim["summary"][key][q].as_f64(),
                "{key} {q}: check {f}, simulate {}",
                sim["summary"]
            );
        }
    }
    assert!(f["wounded"]["mean"].as_f64().unwrap() > 0.0, "the toy's convoys are under threat: {f}");
}

#[test]
fn a_kept_base_is_kept_not_a_missed_deadline() {
    let d = dir("keep");
    let j = d.join("keep.json");
    let (code, out, err) = drawdown(&[
        "plan",
        "--keep",
        "gao",
        "--keep",
        "kidal=2023-10-31",
        "--json",
        j.to_str().unwrap(),
        "--check-runs",
        "100",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("deadline cannot be met"), "{out}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    // Gao's own guards and rear parties, from the scenario itself.
    let s = drawdown_model::load(&drawdown_model::Source::new("m", drawdown_model::MINUSMA_2023)).unwrap().scenario;
    let guards: u32 =
        s.personnel.iter().filter(|g| g.site == "gao" && g.role.stays_until_closure()).map(|g| g.count.value).sum();
    assert!(guards > 0);
    assert_eq!(v["personnel_kept"].as_f64().unwrap(), f64::from(guards), "{}", v["personnel_kept"]);
    assert!(v["personnel_left"].as_f64().unwrap() < 0.5, "{}", v["personnel_left"]);
    assert!(v["explanation"]["relaxation"].is_null());
    let reasons = v["explanation"]["closures"].to_string();
    assert!(reasons.contains("gao stays open past the deadline, as kept"), "{reasons}");
    assert!(reasons.contains("kidal closes on 2023-10-31 to") && reasons.contains("as kept"), "{reasons}");
    assert!(!reasons.contains("gao is never closed"), "{reasons}");
    assert_eq!(v["check"]["figures"]["people_kept"].as_u64(), Some(u64::from(guards)));
    assert!(out.contains("Kept open by decision: gao"), "{out}");
}

#[test]
fn a_plan_worse_than_the_scenarios_own_is_reported() {
    // People priced below a casualty: the planner leaves them rather than
    // drive them out, and the engine says so against the toy's own plan.
    let text = std::fs::read_to_string(toy()).unwrap();
    let d = dir("worse");
    let f = d.join("cheap-people.toml");
    std::fs::write(&f, format!("{text}\n[planner]\nperson_left_usd = 1\nopen_base_usd = 0\n")).unwrap();
    let (code, out, err) =
        drawdown(&["plan", f.to_str().unwrap(), "--out", d.join("p.toml").to_str().unwrap(), "--check-runs", "200"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("warning: the engine finds this plan WORSE than the scenario's own plan"), "{out}");
    assert!(out.contains("people left at the deadline"), "{out}");
}

#[test]
fn files_and_their_errors() {
    let d = dir("errors");
    let toy = toy();
    let p = d.join("same.out");
    let (code, _, err) = drawdown(&["plan", &toy, "--out", p.to_str().unwrap(), "--csv", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("given for two outputs"), "{err}");
    let (code, _, err) = drawdown(&["plan", &toy, "--out", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    assert!(err.contains("--format json chooses what goes to standard output"), "{err}");
    assert!(!p.exists(), "nothing written on a refused command line");
    // A file that cannot be written leaves the others untouched.
    let ok = d.join("ok.toml");
    std::fs::write(&ok, "old").unwrap();
    let bad = d.join("no-such-dir").join("x.csv");
    let (code, _, err) = drawdown(&["plan", &toy, "--out", ok.to_str().unwrap(), "--csv", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(std::fs::read_to_string(&ok).unwrap(), "old", "all or nothing");
    // --check-runs 0 skips the check.
    let j = d.join("nocheck.json");
    let (code, _, err) = drawdown(&["plan", &toy, "--json", j.to_str().unwrap(), "--check-runs", "0"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    assert!(v["check"].is_null());
}

#[test]
fn a_run_stopped_by_the_safety_net_says_so_and_exits_3() {
    let d = dir("net");
    let t = d.join("net.toml");
    // A net far shorter than the search: no gap target and no node limit to stop it first.
    let (code, out, err) = drawdown(&[
        "plan",
        "--time-limit",
        "4",
        "--gap",
        "0",
        "--max-nodes",
        "100000000",
        "--out",
        t.to_str().unwrap(),
        "--check-runs",
        "0",
    ]);
    assert_eq!(code, 3, "{err}\n{out}");
    assert!(err.contains("wall-clock safety net") && err.contains("exit status 3"), "{err}");
    assert!(out.contains("SAFETY NET"), "{out}");
    assert!(t.exists(), "the plan found is still written");
}

#[test]
fn a_plan_stopped_by_the_node_limit_is_the_same_whatever_the_threads() {
    // A generated mission searched with no gap to stop it: the node limit
    // ends the search, a count of work, so the plan does not depend on time.
    let d = dir("nodes");
    let (code, text, err) = drawdown(&["generate", "--sites", "10", "--personnel", "5000", "--seed", "1"]);
    assert_eq!(code, 0, "{err}");
    let mission = d.join("gen10.toml");
    std::fs::write(&mission, text).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let j = d.join(format!("nodes-{threads}.json"));
        let (code, out, err) = drawdown_env(
            threads,
            &[
                "plan",
                mission.to_str().unwrap(),
                "--gap",
                "0",
                "--max-nodes",
                "3",
                "--json",
                j.to_str().unwrap(),
                "--threads",
                threads,
                "--check-runs",
                "100",
            ],
        );
        assert_eq!(code, 0, "{err}\n{out}");
        assert!(out.contains("Stopped by: the node limit (3 nodes"), "{out}");
        outputs.push(std::fs::read(&j).unwrap());
    }
    assert!(outputs[0] == outputs[1], "the JSON differs between RAYON_NUM_THREADS=1 and 2");
    let v: Value = serde_json::from_slice(&outputs[0]).unwrap();
    assert_eq!(v["solve"]["stopped_by"], "node_limit");
    assert_eq!(v["solve"]["time_limit_hit"], false);
}
