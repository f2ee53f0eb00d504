//! `drawdown check` through the built binary: the corpus of broken scenarios
//! (each with its expected message), warnings, the minimal valid scenario,
//! JSON output, and random mutations that must never make it panic.
//!
//! Corpus files start with comment lines:
//! `# expect: <substring>` (tests/broken, one or more),
//! `# expect-warning: <substring>` (tests/warn),
//! `# expect-line: <N>` (optional: the reported `file:N:` location).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// Runs `drawdown check <args>` from the workspace root, without colour.
fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drawdown"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run drawdown")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

struct Expect {
    messages: Vec<String>,
    warnings: Vec<String>,
    line: Option<usize>,
}

/// Reads the `# expect...` header of a corpus file (which may not be UTF-8).
fn expectations(path: &Path) -> Expect {
    let bytes = std::fs::read(path).unwrap();
    let head = String::from_utf8_lossy(&bytes);
    let mut e = Expect { messages: Vec::new(), warnings: Vec::new(), line: None };
    for l in head.lines().take_while(|l| l.starts_with('#')) {
        if let Some(m) = l.strip_prefix("# expect: ") {
            e.messages.push(m.trim_end().to_string());
        } else if let Some(m) = l.strip_prefix("# expect-warning: ") {
            e.warnings.push(m.trim_end().to_string());
        } else if let Some(n) = l.strip_prefix("# expect-line: ") {
            e.line = Some(n.trim().parse().expect("expect-line is a number"));
        }
    }
    e
}

/// Corpus files in `tests/<dir>`, as paths relative to the workspace root.
fn corpus(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| format!("tests/{dir}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

fn assert_no_panic(what: &str, o: &Output) {
    let (out, err) = text(o);
    assert!(!err.contains("panicked") && !out.contains("panicked"), "{what}: panicked\n{err}");
    assert!(matches!(o.status.code(), Some(0 | 1)), "{what}: exit status {:?}\n{err}", o.status);
}

fn json(what: &str, o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}):\n{}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn broken_scenarios_fail_with_their_message() {
    let files = corpus("broken");
    assert!(files.len() >= 25, "only {} broken scenarios", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let e = expectations(&root().join(f));
        assert!(!e.messages.is_empty(), "{f}: no `# expect:` line");
        let o = check(&[f]);
        assert_no_panic(f, &o);
        let (out, err) = text(&o);
        let all = format!("{out}{err}");
        if o.status.code() != Some(1) {
            failures.push(format!("{f}: exit {:?}, expected 1", o.status.code()));
        }
        for m in &e.messages {
            if !all.contains(m.as_str()) {
                failures.push(format!("{f}: output lacks `{m}`:\n{all}"));
            }
        }
        if let Some(n) = e.line {
            let loc = format!("{f}:{n}:");
            if !all.contains(&loc) {
                failures.push(format!("{f}: output lacks location `{loc}`:\n{all}"));
            }
        }

        // The same through JSON: parseable, ok = false, located.
        let o = check(&["--format", "json", f]);
        assert_no_panic(f, &o);
        let v = json(f, &o);
        if v["ok"] != false || o.status.code() != Some(1) {
            failures.push(format!("{f}: JSON ok = {}, exit {:?}", v["ok"], o.status.code()));
        }
        let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
        let errors: Vec<_> = diags.iter().filter(|d| d["severity"] == "error").collect();
        if errors.is_empty() {
            failures.push(format!("{f}: JSON has no error diagnostic: {v}"));
        }
        for m in &e.messages {
            let found = errors.iter().any(|d| {
                [&d["message"], &d["expected"], &d["hint"]]
                    .iter()
                    .any(|s| s.as_str().is_some_and(|s| s.contains(m.as_str())))
            });
            if !found {
                failures.push(format!("{f}: no JSON diagnostic mentions `{m}`: {v}"));
            }
        }
        if let Some(n) = e.line
            && !errors
                .iter()
                .any(|d| d["line"] == n && d["column"].as_u64().is_some_and(|c| c >= 1) && d["file"] == f.as_str())
        {
            failures.push(format!("{f}: no JSON error at line {n}: {v}"));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn warnings_pass_with_their_message() {
    let files = corpus("warn");
    assert!(!files.is_empty());
    for f in &files {
        let e = expectations(&root().join(f));
        assert!(!e.warnings.is_empty(), "{f}: no `# expect-warning:` line");
        let o = check(&[f]);
        assert_no_panic(f, &o);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{f}: warnings only must exit 0\n{err}");
        assert!(err.contains("warning:"), "{f}: not shown as a warning\n{err}");
        assert!(!err.contains("error:"), "{f}: unexpected error\n{err}");
        for m in &e.warnings {
            assert!(err.contains(m.as_str()), "{f}: stderr lacks `{m}`\n{err}");
        }
        if let Some(n) = e.line {
            assert!(err.contains(&format!("{f}:{n}:")), "{f}: stderr lacks `{f}:{n}:`\n{err}");
        }
        assert!(out.contains("warnings   1"), "{f}: summary does not count the warning\n{out}");

        let o = check(&["--format", "json", f]);
        let v = json(f, &o);
        assert_eq!(v["ok"], true, "{f}: {v}");
        assert_eq!(v["warnings"], 1, "{f}: {v}");
        assert_eq!(v["diagnostics"][0]["severity"], "warning", "{f}: {v}");
    }
}

#[test]
fn minimal_scenario_is_valid() {
    let o = check(&["tests/valid/minimal.toml"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "unexpected diagnostics:\n{err}");
    for s in [
        "scenario   minimal — Minimal test scenario",
        "period     2023-07-01 → 2023-12-31 (183 days)",
        "personnel  1,300 (non_essential 300, essential 800, guard 200, rear_party 0)",
        "rn16: closed 2023-08-15 → 2023-09-30",
        "equipment  120 vehicles, 300 containers, 0 other (420 items)",
        "1 closure, 2 lines (1 road, 1 air)",
        "warnings   0",
        "ok: tests/valid/minimal.toml is valid",
    ] {
        assert!(out.contains(s), "summary lacks `{s}`:\n{out}");
    }
}

/// The reference scenario's rear parties at Gao and Bamako stay by the
/// plan's decision (`keep_open`): no warning a user cannot act on.
#[test]
fn a_base_kept_open_by_decision_raises_no_warning() {
    for s in ["minusma-2023", "minusma-2023-raw"] {
        let o = check(&[s]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(err.is_empty() && out.contains("warnings   0"), "{s}: {err}{out}");
    }
    let warned = std::fs::read_to_string(root().join("tests/warn/guard-never-relieved.toml")).unwrap();
    let kept = temp_file("kept", "kept.toml", format!("{warned}\n[plan]\nkeep_open = [\"camp\"]\n").as_bytes());
    let o = check(&[kept.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("only leave when the site closes") && out.contains("warnings   0"), "{err}{out}");
}

#[test]
fn minimal_scenario_json_summary() {
    let o = check(&["--format", "json", "tests/valid/minimal.toml"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json("minimal", &o);
    assert_eq!(v["ok"], true);
    assert_eq!(v["scenario"]["id"], "minimal");
    assert_eq!(v["scenario"]["days"], 183);
    assert_eq!(v["sites"]["total"], 4);
    assert_eq!(v["sites"]["by_kind"]["camp"], 1);
    assert_eq!(v["sites"]["to_close"], 1);
    assert_eq!(v["links"]["km"], 830.0);
    assert_eq!(v["personnel"]["total"], 1300);
    assert_eq!(v["personnel"]["by_role"]["guard"], 200);
    assert_eq!(v["personnel"]["by_site"][0]["site"], "camp");
    assert_eq!(v["personnel"]["by_site"][0]["total"], 1000);
    assert_eq!(v["equipment"]["vehicles"], 120);
    assert_eq!(v["equipment"]["containers"], 300);
    assert_eq!(v["fleets"]["trucks"], 60);
    assert_eq!(v["aircraft"]["seats"], 180);
    assert_eq!(v["policy"]["clearance_periods"], 1);
    assert_eq!(v["plan"]["closures"][0]["date"], "2023-10-31");
    assert_eq!(v["plan"]["lines"]["air"], 1);
    assert_eq!(v["warnings"], 0);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn json_error_has_location_field_expected_and_hint() {
    let f = "tests/broken/unknown-site-in-link.toml";
    let o = check(&["--format", "json", f]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(f, &o);
    assert_eq!(v["ok"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown site `bordr`");
    assert_eq!(d["file"], f);
    assert_eq!(d["line"], 24);
    assert_eq!(d["column"], 6);
    assert_eq!(d["field"], "link[0].to");
    assert!(d["expected"].as_str().unwrap().contains("[[site]]"));
    assert_eq!(d["hint"], "did you mean `border`?");
}

#[test]
fn text_error_shows_field_expected_and_hint() {
    let o = check(&["tests/broken/unknown-site-in-link.toml"]);
    let (out, err) = text(&o);
    assert!(out.is_empty(), "no summary for an invalid scenario:\n{out}");
    assert!(err.contains("error: unknown site `bordr` (tests/broken/unknown-site-in-link.toml:24:6)"), "{err}");
    assert!(err.contains("field: link[0].to"), "{err}");
    assert!(err.contains("expected: the id of a [[site]]"), "{err}");
    assert!(err.contains("hint: did you mean `border`?"), "{err}");
    assert!(err.contains("24 │ to = \"bordr\""), "source line not shown:\n{err}");
    assert!(!err.contains('\u{1b}'), "colour codes with NO_COLOR set:\n{err}");
}

/// Writes `bytes` to a fresh file in a per-test temporary directory.
fn temp_file(tag: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drawdown-check-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn hostile_inputs_do_not_panic() {
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("whitespace", b"  \n\n\t\n".to_vec()),
        ("binary", (0..=255u8).cycle().take(4096).map(|b| b.wrapping_mul(31)).collect()),
        ("nul", b"[scenario]\nid = \"a\0b\"\n".to_vec()),
        ("deep-arrays", format!("x = {}{}", "[".repeat(50_000), "]".repeat(50_000)).into_bytes()),
        ("deep-tables", format!("x = {}1{}", "{ a = ".repeat(20_000), " }".repeat(20_000)).into_bytes()),
        ("deep-headers", format!("[{}]\n", vec!["a"; 10_000].join(".")).into_bytes()),
        ("huge-int", b"[scenario]\nid = 99999999999999999999999999999\n".to_vec()),
        ("huge-float", b"[scenario]\nid = 1e999999\n".to_vec()),
        (
            "long-line",
            format!("# {}\n[scenario]\nid = \"{}\"\n", "x".repeat(100_000), "y".repeat(100_000)).into_bytes(),
        ),
        ("crlf", b"[scenario]\r\nid = \"a\"\r\nname = 1\r\n".to_vec()),
        ("bom", b"\xef\xbb\xbf[scenario]\nid = \"a\"\n".to_vec()),
    ];
    let minimal = std::fs::read_to_string(root().join("tests/valid/minimal.toml")).unwrap();
    cases.push(("far-dates", minimal.replace("deadline = 2023-12-31", "deadline = 9999-12-31").into_bytes()));
    cases.push(("ancient-dates", minimal.replace("start = 2023-07-01", "start = 0001-01-01").into_bytes()));
    cases.push((
        "huge-numbers",
        minimal.replace("km = 350", "km = 1e308").replace("capacity = 2", "capacity = 1.7e308").into_bytes(),
    ));
    cases.push((
        "max-counts",
        minimal.replace("count = 800", "count = 4294967295").replace("count = 300", "count = 4294967295").into_bytes(),
    ));
    for (name, bytes) in &cases {
        let p = temp_file("hostile", &format!("{name}.toml"), bytes);
        let path = p.to_str().unwrap();
        for format in ["text", "json"] {
            let o = check(&["--format", format, path]);
            assert_no_panic(name, &o);
            if format == "json" {
                json(name, &o);
            }
        }
    }
    // A directory without CSV files and a missing file are diagnostics too.
    for (path, says) in [("tests", "has no CSV files"), ("tests/does-not-exist.toml", "cannot read")] {
        let o = check(&[path]);
        assert_no_panic(path, &o);
        assert_eq!(o.status.code(), Some(1), "{path}");
        assert!(text(&o).1.contains(says), "{path}: {}", text(&o).1);
        let o = check(&["--format", "json", path]);
        assert_eq!(json(path, &o)["ok"], false);
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random edit of a scenario text.
fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(text).into_owned();
    let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
    match rng.below(6) {
        0 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            lines.remove(i);
        }
        1 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        2 | 3 => {
            // Replace one number (a run of digits, '.', 'e') with a hostile value.
            let spans: Vec<(usize, usize)> = {
                let b = s.as_bytes();
                let mut v = Vec::new();
                let mut i = 0;
                while i < b.len() {
                    if b[i].is_ascii_digit() {
                        let st = i;
                        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e') {
                            i += 1;
                        }
                        v.push((st, i));
                    } else {
                        i += 1;
                    }
                }
                v
            };
            if spans.is_empty() {
                return s.into_bytes();
            }
            let (a, b) = spans[rng.below(spans.len())];
            let with =
                ["-1", "1e30", "\"x\"", "0", "nan", "inf", "-0.5", "4294967296", "1e-300", "2023-02-29", "[]", "{}"]
                    [rng.below(12)];
            return format!("{}{with}{}", &s[..a], &s[b..]).into_bytes();
        }
        4 => {
            let mut bytes = s.into_bytes();
            let at = rng.below(bytes.len() + 1);
            bytes.truncate(at);
            return bytes;
        }
        _ if lines.len() >= 2 => {
            let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(i, j);
        }
        _ => {}
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

#[test]
fn random_mutations_never_panic() {
    let original = std::fs::read(root().join("tests/valid/minimal.toml")).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut valid, mut invalid) = (0, 0);
    for i in 0..300 {
        let mut bytes = mutate(&mut rng, &original);
        // Every third case stacks a second edit.
        if i % 3 == 0 {
            bytes = mutate(&mut rng, &bytes);
        }
        let p = temp_file("mutation", &format!("m{i:03}.toml"), &bytes);
        let path = p.to_str().unwrap();
        let format = if i % 2 == 0 { "text" } else { "json" };
        let o = check(&["--format", format, path]);
        let what = format!("mutation {i} ({})", p.display());
        assert_no_panic(&what, &o);
        if format == "json" {
            let v = json(&what, &o);
            assert_eq!(v["ok"] == true, o.status.code() == Some(0), "{what}: ok disagrees with the exit status");
        }
        if o.status.code() == Some(0) {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    // The mutations must exercise both outcomes.
    assert!(valid > 10 && invalid > 100, "valid {valid}, invalid {invalid}");
}

/// 4,000 duplicate sites: every one is reported at its own line. Each is
/// located through a line index of the file built once, and its snippet reads
/// only its own lines (the unit tests of `diagnostics.rs` check that), so
/// the work grows with the file, not with the file times the diagnostics
/// (before: 7 s for this file).
#[test]
fn thousands_of_errors_are_each_located() {
    let mut scenario = std::fs::read_to_string(root().join("crates/engine/tests/fixtures/toy.toml")).unwrap();
    let first_line = scenario.lines().count() + 3;
    for _ in 0..4000 {
        scenario.push_str("\n[[site]]\nid = \"north\"\nkind = \"camp\"\nlat = 18.0\nlon = 1.0\n");
    }
    let dir = std::env::temp_dir().join(format!("drawdown-check-dups-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dups.toml");
    std::fs::write(&file, &scenario).unwrap();
    let o = check(&[file.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{}", &err[..err.len().min(2000)]);
    let dups: Vec<&str> = err.lines().filter(|l| l.contains("duplicate site id `north`")).collect();
    assert_eq!(dups.len(), 4000, "one error per duplicate");
    // The k-th duplicate's id is on line first_line + 6k: its own line, numbered as in the file.
    for k in [0usize, 1, 1999, 3999] {
        let at = format!("dups.toml:{}:6)", first_line + 6 * k);
        assert!(dups.iter().any(|l| l.contains(&at)), "duplicate {k} at {at}");
    }
    let last = first_line + 6 * 3999;
    assert!(err.contains(&format!("{last} │ id = \"north\"")), "the snippet shows the file's own line number");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every command that prints, with its output a pipe nobody reads (as in
/// `drawdown check | head -1` once `head` has gone): a quiet end with the
/// command's own status, never a panic (exit 101).
#[test]
fn a_closed_output_pipe_ends_every_command_quietly() {
    let toy = root().join("crates/engine/tests/fixtures/toy.toml").display().to_string();
    let dir = std::env::temp_dir().join(format!("drawdown-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("ops.db").display().to_string();
    let logged = Command::new(env!("CARGO_BIN_EXE_drawdown"))
        .args(["log", "site-closed", "--db", &db, "--site", "tessalit", "--at", "2023-10-21", "--by", "t"])
        .output()
        .unwrap();
    assert!(logged.status.success(), "{}", String::from_utf8_lossy(&logged.stderr));
    let cases: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["status", "--db", &db, "--runs", "0"],
        vec!["log", "list", "--db", &db],
        vec!["generate", "--sites", "5", "--personnel", "100"],
        vec!["plan", &toy, "--check-runs", "0"],
        vec!["compare", &toy, &toy, "--runs", "20"],
        vec!["sensitivity", &toy, "--runs", "4"],
        vec!["bench", &toy, "--runs", "20", "--repeat", "1"],
        vec!["simulate", &toy, "--runs", "20"],
    ];
    for args in cases {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_drawdown"))
            .args(&args)
            .current_dir(root())
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: the command's own status: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
