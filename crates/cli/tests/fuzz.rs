//! Extreme values, field by field, through `--set`: every number of the toy
//! scenario, the minimal valid one and the MINUSMA reference is set to 0, a
//! negative number, 1e-20, 1e300, NaN, infinity, u32::MAX or a string, and
//! `simulate`, `compare` and `plan` run on the result with few
//! replications. Each outcome must be a success (exit 0) or a clean error
//! (exit 1, no panic): never an abort, a crash or a hang.
//!
//! Cases are drawn by a seeded generator from the list of (scenario, field,
//! value, command), so the same cases run every time; `DRAWDOWN_FUZZ_CASES`
//! raises their number (default 200, well under a minute) and
//! `DRAWDOWN_FUZZ_SEED` changes which are drawn. Each case runs as a
//! subprocess; the timeout is only a hang detector, far above any case's
//! run time, so the verdict does not depend on the machine's load.

use drawdown_engine::rng::{Keys, Purpose, entity_key};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The toy scenario of the engine's tests.
fn toy() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/toy.toml").display().to_string()
}

/// A case taking longer than this has hung.
const HANG: Duration = Duration::from_secs(120);

/// The values every field is tried with.
const EXTREMES: &[&str] =
    &["0", "-1", "1e-20", "1e300", "-1e300", "nan", "inf", "4294967295", "4294967296", "\"NaN\"", "0.5"];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The `--set` paths of every number in a TOML document: plain numbers and
/// the `value` of sourced ones (set through the table's own path). Arrays of
/// numbers (distribution parameters) are left out.
fn number_paths(text: &str) -> Vec<String> {
    fn walk(v: &toml::Value, path: &str, out: &mut Vec<String>) {
        match v {
            toml::Value::Integer(_) | toml::Value::Float(_) => out.push(path.to_string()),
            toml::Value::Table(t) => {
                if t.contains_key("value") && t.get("value").is_some_and(|x| x.is_integer() || x.is_float()) {
                    out.push(path.to_string());
                    return;
                }
                for (k, x) in t {
                    if path.is_empty() && matches!(k.as_str(), "variants" | "calibration" | "milestone") {
                        continue;
                    }
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    walk(x, &p, out);
                }
            }
            toml::Value::Array(a) if a.iter().all(toml::Value::is_table) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    let doc: toml::Value = toml::from_str(text).expect("the scenario parses");
    let mut out = Vec::new();
    walk(&doc, "", &mut out);
    out
}

/// The field of a path without indices (`threat.killed_per_incident`): one
/// instance of each field is enough.
fn field_of(path: &str) -> String {
    let mut s = String::new();
    let mut skip = false;
    for c in path.chars() {
        match c {
            '[' => skip = true,
            ']' => skip = false,
            _ if !skip => s.push(c),
            _ => {}
        }
    }
    s
}

struct Scenario {
    /// The file argument (None: the embedded MINUSMA scenario).
    file: Option<String>,
    name: &'static str,
    text: String,
}

fn scenarios() -> Vec<Scenario> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let minimal = root.join("tests/valid/minimal.toml").display().to_string();
    vec![
        Scenario { text: std::fs::read_to_string(toy()).unwrap(), file: Some(toy()), name: "toy" },
        Scenario { text: std::fs::read_to_string(&minimal).unwrap(), file: Some(minimal), name: "minimal" },
        Scenario { text: drawdown_model::MINUSMA_2023.to_string(), file: None, name: "minusma" },
    ]
}

#[derive(Clone, Copy, Debug)]
enum Cmd {
    Simulate,
    Compare,
    Plan,
}

/// The command line of a case.
fn args(cmd: Cmd, file: Option<&str>, set: &str) -> Vec<String> {
    let file: Vec<String> = file.map(str::to_string).into_iter().collect();
    let s = |x: &str| x.to_string();
    match cmd {
        Cmd::Simulate => {
            [vec![s("simulate")], file, vec![s("--set"), s(set), s("--runs"), s("8"), s("--quiet")]].concat()
        }
        Cmd::Compare => [vec![s("compare")], file, vec![s("baseline"), s(set), s("--runs"), s("8")]].concat(),
        Cmd::Plan => [
            vec![s("plan")],
            file,
            vec![s("--set"), s(set), s("--max-nodes"), s("200"), s("--check-runs"), s("4"), s("--format"), s("json")],
        ]
        .concat(),
    }
}

/// Runs the binary, killing it after `HANG`: (exit code, stderr), or None
/// if it hung.
fn run(args: &[String]) -> Option<(Option<i32>, String)> {
    // One file per call: the tests of this file run on parallel threads.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("drawdown-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err_path = dir.join(format!("stderr-{call}"));
    let err_file = std::fs::File::create(&err_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_drawdown"))
        .args(args)
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file)
        .spawn()
        .expect("binary runs");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let err = std::fs::read_to_string(&err_path).unwrap_or_default();
            let _ = std::fs::remove_file(&err_path);
            return Some((status.code(), err));
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Success or a clean error; the failure described otherwise.
fn verdict(args: &[String]) -> Result<i32, String> {
    let line = args.join(" ");
    match run(args) {
        None => Err(format!("hung (no exit within {} s): drawdown {line}", HANG.as_secs())),
        Some((code, err)) => {
            if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
                return Err(format!("panicked: drawdown {line}\n{err}"));
            }
            match code {
                Some(c @ (0 | 1)) => {
                    if c == 1 && !err.contains("error") {
                        return Err(format!("exit 1 without an error message: drawdown {line}\n{err}"));
                    }
                    Ok(c)
                }
                other => Err(format!("exit status {other:?} (abort or signal): drawdown {line}\n{err}")),
            }
        }
    }
}

#[test]
fn extreme_values_in_every_field_give_a_result_or_a_clean_error() {
    let budget = env_u64("DRAWDOWN_FUZZ_CASES", 200) as usize;
    // The engine's own keyed generator (docs/model.md §7), one stream.
    let mut rng = Keys::new(env_u64("DRAWDOWN_FUZZ_SEED", 1), 0).stream(entity_key("fuzz"), Purpose::Input, 0);
    let mut below = |n: usize| (rng.draw() % n as u64) as usize;
    // (scenario, path) for one instance of every field of every scenario.
    let scen = scenarios();
    let mut fields: Vec<(usize, String)> = Vec::new();
    for (i, s) in scen.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for p in number_paths(&s.text) {
            if seen.insert(field_of(&p)) {
                fields.push((i, p));
            }
        }
    }
    assert!(fields.len() > 60, "only {} fields found", fields.len());
    let mut failures = Vec::new();
    let (mut ok, mut refused) = (0, 0);
    for case in 0..budget {
        // Walk the fields in a shuffled order so that a small budget still
        // covers different tables; the value and command are drawn.
        let (si, path) = &fields[(case * 7919 + below(fields.len())) % fields.len()];
        let value = EXTREMES[below(EXTREMES.len())];
        // Plans are solved on the small scenarios only (a MINUSMA plan is
        // a long solve, and not what this test is about).
        let cmd = match below(6) {
            0..=2 => Cmd::Simulate,
            3 | 4 => Cmd::Compare,
            _ if scen[*si].name != "minusma" => Cmd::Plan,
            _ => Cmd::Simulate,
        };
        let set = format!("{path}={value}");
        match verdict(&args(cmd, scen[*si].file.as_deref(), &set)) {
            Ok(0) => ok += 1,
            Ok(_) => refused += 1,
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{} of {budget} cases failed:\n{}", failures.len(), failures.join("\n\n"));
    assert!(refused > 0, "no case was refused: the extreme values did not reach validation");
    eprintln!("{budget} cases: {ok} ran, {refused} refused cleanly");
}

/// The inputs that used to pass `check` and abort, hang or give impossible
/// numbers in `simulate`: each is now refused with the field, its bound and
/// a hint, by `check` and `simulate` alike.
#[test]
fn the_reported_inputs_are_refused_with_field_bound_and_hint() {
    for (set, field, bound) in [
        ("threat[0].wounded_per_incident=1e12", "wounded_per_incident", "between 0 and 1,000 people"),
        ("policy.clearance[0].lead_days=4000000000", "lead_days", "between 0 and 365 days"),
        ("link.0.km=1e-20", "km", "between 0.1 and 10,000 km"),
        ("threat[0].ied_per_100km=1e300", "ied_per_100km", "between 0 and 100 per 100 km"),
        ("march.breakdowns_per_100km=1e300", "breakdowns_per_100km", "between 0 and 100 per 100 km"),
        ("threat[0].killed_per_incident=1e20", "killed_per_incident", "between 0 and 1,000 people"),
        ("plan.line[0].every_days=4294967295", "every_days", "between 1 and 365 days"),
    ] {
        for cmd in ["check", "simulate"] {
            let mut a = vec![cmd.to_string(), "--set".into(), set.into()];
            if cmd == "simulate" {
                a.extend(["--runs".into(), "4".into()]);
            }
            let (code, err) = run(&a).unwrap_or_else(|| panic!("{cmd} --set {set} hung"));
            assert_eq!(code, Some(1), "{cmd} --set {set}: {err}");
            assert!(err.contains(&format!("`{field}` must be {bound}")), "{cmd} --set {set}: {err}");
            assert!(err.contains("hint:") || err.contains("help:"), "{cmd} --set {set}: no hint\n{err}");
        }
    }
}

#[test]
fn the_paths_of_every_number_are_found() {
    let paths = number_paths(&std::fs::read_to_string(toy()).unwrap());
    assert!(paths.contains(&"link[0].km".to_string()), "{paths:?}");
    assert!(paths.contains(&"threat[0].wounded_per_incident".to_string()), "{paths:?}");
    assert_eq!(field_of("plan.line[3].every_days"), "plan.line.every_days");
}

/// `generate` writes only what the engine can run: fewer people than bases
/// (each keeps a guard), a fleet past its bound, or a mission too large
/// for one replication's memory are refused with a hint, and nothing is written.
#[test]
fn generate_refuses_what_the_engine_cannot_run() {
    let out = std::env::temp_dir().join(format!("drawdown-fuzz-gen-{}.toml", std::process::id()));
    let out_arg = out.display().to_string();
    for (sites, personnel, expect) in [
        ("5000", "10", "fewer than the 5000 bases"),
        ("5000", "50000", "memory of one replication"),
        ("3", "10000000", "`trucks` must be between 0 and 100,000 trucks"),
    ] {
        let a: Vec<String> =
            ["generate", "--sites", sites, "--personnel", personnel, "--out", &out_arg].map(String::from).to_vec();
        let (code, err) = run(&a).expect("generate ends");
        assert_eq!(code, Some(1), "--sites {sites} --personnel {personnel}: {err}");
        assert!(err.contains(expect) && err.contains("hint:"), "--sites {sites} --personnel {personnel}: {err}");
        assert!(!out.exists(), "nothing is written when refused");
    }
    let a: Vec<String> =
        ["generate", "--sites", "20", "--personnel", "10000", "--out", &out_arg].map(String::from).to_vec();
    assert_eq!(run(&a).expect("generate ends").0, Some(0));
    assert!(out.exists());
    let _ = std::fs::remove_file(&out);
}
