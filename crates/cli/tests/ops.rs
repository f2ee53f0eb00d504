//! `drawdown log` and `drawdown status` through the built binary, on a
//! SQLite store in a scratch directory and, when `DRAWDOWN_TEST_POSTGRES`
//! names a server (scripts/install-postgres.sh), on PostgreSQL.

#[allow(dead_code)]
mod common;

use std::path::PathBuf;

use common::{drawdown, json};

/// A fresh scratch directory (removed by the OS's temp cleaning; names are unique).
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("drawdown-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn count(db: &str) -> usize {
    json(&["log", "list", "--db", db, "--format", "json"]).as_array().expect("an array").len()
}

#[test]
fn log_records_lists_and_refuses_without_writing() {
    let dir = scratch("log");
    let db = dir.join("ops.db").display().to_string();
    let (code, out, err) = drawdown(&[
        "log",
        "convoy-departed",
        "--db",
        &db,
        "--convoy",
        "C-014",
        "--from",
        "kidal",
        "--to",
        "gao",
        "--trucks",
        "40",
        "--personnel",
        "150",
        "--at",
        "2023-10-31",
        "--by",
        "J. Doe (MovCon)",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("logged #1 convoy_departed C-014 kidal → gao"), "{out}");
    assert!(dir.join("ops.db").exists(), "created on first use");

    let list = json(&["log", "--list", "--db", &db, "--format", "json"]);
    assert_eq!(list[0]["convoy"], "C-014");
    assert_eq!(list[0]["at"], "2023-10-31T00:00:00Z");
    assert_eq!(list[0]["recorded_by"], "J. Doe (MovCon)");
    assert_eq!(list[0]["scenario"], "minusma-2023");

    // Each rejection: `error: field: message`, a hint, exit 1, nothing written.
    for (args, expect) in [
        (
            vec!["site-closed", "--site", "kidall", "--at", "2023-10-31"],
            "error: site: unknown site `kidall`\n  hint: nearest: kidal",
        ),
        (
            vec!["convoy-arrived", "--convoy", "C-404", "--at", "2023-11-01"],
            "error: convoy: convoy `C-404` never departed",
        ),
        (
            vec!["convoy-arrived", "--convoy", "C-014", "--at", "2023-10-30"],
            "error: at: 2023-10-30T00:00:00Z is before the previous event of convoy C-014",
        ),
        (vec!["site-closed", "--site", "kidal", "--at", "31/10/2023"], "error: at: `31/10/2023` is not a date"),
        (
            vec!["site-closed", "--site", "kidal", "--at", "2023-10-31", "--by", " "],
            "error: recorded_by: is empty\n  hint: give --by NAME",
        ),
    ] {
        let mut a = vec!["log"];
        a.extend(&args);
        a.extend(["--db", db.as_str()]);
        if !args.contains(&"--by") {
            a.extend(["--by", "ops"]);
        }
        let (code, _, err) = drawdown(&a);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert_eq!(count(&db), 1, "nothing written for {args:?}");
    }
    // The scenario's text is kept, once (same text: same version).
    drawdown(&["log", "convoy-arrived", "--db", &db, "--convoy", "C-014", "--at", "2023-11-02", "--by", "ops"]);
    assert_eq!(count(&db), 2);
}

#[test]
fn log_batches_report_each_rejection_by_line() {
    let dir = scratch("batch");
    let db = dir.join("ops.db").display().to_string();
    let file = dir.join("events.jsonl");
    std::fs::write(
        &file,
        "# autumn\n\
         {\"kind\":\"site_handed_over\",\"site\":\"ogossagou\",\"to\":\"state\",\"at\":\"2023-08-04\"}\n\
         {\"kind\":\"site_closed\",\"site\":\"kidall\",\"at\":\"2023-10-31\"}\n\
         \n\
         {\"kind\":\"trucks_held\",\"site\":\"gao\",\"trucks\":200,\"at\":\"2023-09-24\"}\n\
         {\"kind\":\"trucks_released\",\"site\":\"gao\",\"trucks\":500,\"at\":\"2023-10-24\"}\n\
         not json\n",
    )
    .unwrap();
    let (code, out, err) = drawdown(&["log", "--db", &db, "--file", &file.display().to_string(), "--by", "ops"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(err.contains("events.jsonl:3: site: unknown site `kidall`"), "{err}");
    assert!(err.contains("events.jsonl:6: trucks: 500 released but only 200 held"), "{err}");
    assert!(err.contains("events.jsonl:7: json:"), "{err}");
    assert!(err.contains("3 of 5 event(s) rejected"), "{err}");
    assert_eq!(count(&db), 2);

    let (code, _, err) = drawdown(&[
        "log",
        "--db",
        &db,
        "--json",
        r#"{"kind":"site_closed","site":"ber","at":"2023-08-13","by":"x"}"#,
        "--by",
        "ops",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("error: by: unknown field `by`"), "{err}");
    let (code, out, err) = drawdown(&[
        "log",
        "--db",
        &db,
        "--json",
        r#"[{"kind":"site_closed","site":"ber","at":"2023-08-13","recorded_by":"x"}]"#,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("by x"), "{out}");
    assert_eq!(count(&db), 3);
}

#[test]
fn status_compares_plan_and_log() {
    let dir = scratch("status");
    let db = dir.join("ops.db").display().to_string();
    for args in [
        vec!["site-handed-over", "--site", "ogossagou", "--at", "2023-08-04"],
        vec!["site-closed", "--site", "ber", "--at", "2023-08-20"],
        vec!["trucks-held", "--site", "gao", "--trucks", "200", "--at", "2023-09-24"],
    ] {
        let mut a = vec!["log"];
        a.extend(args);
        a.extend(["--db", db.as_str(), "--by", "ops"]);
        let (code, _, err) = drawdown(&a);
        assert_eq!(code, 0, "{err}");
    }
    // Default today: the latest event's day.
    let st = json(&["status", "--db", &db, "--runs", "0", "--format", "json"]);
    assert_eq!(st["today"], "2023-09-24");
    assert_eq!(st["events"], 3);
    let site = |id: &str| st["sites"].as_array().unwrap().iter().find(|r| r["site"] == id).unwrap().clone();
    assert_eq!(site("ogossagou")["flag"], "on_time");
    // Ber's planned closure is 15 Aug: closed on the 20th, five days late.
    assert_eq!((site("ber")["flag"].clone(), site("ber")["days_late"].clone()), ("late".into(), 5.into()));
    assert_eq!((site("goundam")["flag"].clone(), site("goundam")["days_late"].clone()), ("overdue".into(), 39.into()));
    assert_eq!(st["trucks_held_total"], 200);
    assert!(st["personnel"]["expected"].is_null());

    let st = json(&["status", "--db", &db, "--runs", "30", "--today", "2023-12-31", "--format", "json"]);
    assert_eq!(st["simulated_runs"], 30);
    assert!(st["personnel"]["expected"]["p50"].as_u64().unwrap() > 0);
    assert!(st["verdict"].as_str().unwrap().starts_with("BEHIND PLAN"), "{}", st["verdict"]);

    let (code, out, _) = drawdown(&["status", "--db", &db, "--runs", "20"]);
    assert_eq!(code, 0);
    assert!(out.contains("goundam    2023-08-16  -           open                 OVERDUE 39 d"), "{out}");
    assert!(out.contains("Trucks held now: 200 (gao 200)"), "{out}");
}

#[test]
fn flights_are_logged_and_take_people_out() {
    let dir = scratch("flights");
    let db = dir.join("ops.db").display().to_string();
    let log = |args: &[&str]| {
        let mut a = vec!["log"];
        a.extend(args);
        a.extend(["--db", db.as_str(), "--by", "ops"]);
        drawdown(&a)
    };
    for args in [
        vec!["clearance-requested", "--request", "R-101", "--from", "gao", "--to", "abroad", "--at", "2023-10-02"],
        vec!["clearance-approved", "--request", "R-101", "--at", "2023-10-04"],
        vec!["clearance-requested", "--request", "R-102", "--from", "gao", "--to", "abroad", "--at", "2023-10-02"],
    ] {
        let (code, _, err) = log(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let (code, out, err) = log(&[
        "flight-departed",
        "--flight",
        "UN-2231",
        "--from",
        "gao",
        "--to",
        "abroad",
        "--personnel",
        "120",
        "--cargo",
        "6",
        "--request",
        "R-101",
        "--at",
        "2023-10-05",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "logged #4 flight_departed UN-2231 gao → abroad, 120 personnel, 6 cargo under R-101 at 2023-10-05T00:00:00Z"
        ),
        "{out}"
    );
    let (code, _, err) = log(&[
        "flight-departed",
        "--flight",
        "UN-2232",
        "--from",
        "timbuktu",
        "--to",
        "bamako",
        "--personnel",
        "40",
        "--at",
        "2023-10-05",
    ]);
    assert_eq!(code, 0, "{err}");

    for (args, expect) in [
        (
            vec!["flight-departed", "--flight", "UN-2231", "--from", "gao", "--to", "abroad", "--at", "2023-10-06"],
            "error: flight: flight `UN-2231` already departed",
        ),
        (
            vec!["flight-departed", "--flight", "UN-9", "--from", "ber", "--to", "abroad", "--at", "2023-10-06"],
            "error: from: `ber` has no airfield\n  hint: airfields: ",
        ),
        (
            vec!["flight-departed", "--flight", "UN-9", "--from", "gao", "--to", "goundam", "--at", "2023-10-06"],
            "error: to: `goundam` has no airfield and is not an exit",
        ),
        (
            vec!["flight-departed", "--flight", "UN-9", "--from", "gaoo", "--to", "abroad", "--at", "2023-10-06"],
            "error: from: unknown site `gaoo`\n  hint: nearest: gao",
        ),
        (
            vec![
                "flight-departed",
                "--flight",
                "UN-9",
                "--from",
                "gao",
                "--to",
                "abroad",
                "--request",
                "R-102",
                "--at",
                "2023-10-06",
            ],
            "error: request: request `R-102` is still pending",
        ),
    ] {
        let (code, _, err) = log(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert_eq!(count(&db), 5, "nothing written for {args:?}");
    }

    let st = json(&["status", "--db", &db, "--runs", "0", "--format", "json"]);
    assert_eq!(st["today"], "2023-10-05");
    assert_eq!(
        (st["flights"]["count"].clone(), st["flights"]["personnel"].clone(), st["flights"]["cargo"].clone()),
        (2.into(), 160.into(), 6.into())
    );
    assert_eq!(st["personnel"]["out"], 120, "the flight abroad; the one to Bamako stays in the country");
    assert_eq!(st["personnel"]["out_by_air"], 120);
    let state = dir.join("state.toml");
    let (code, out, err) = drawdown(&["status", "--db", &db, "--runs", "0", "--state-out", state.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Flights: 2 departed, 160 personnel, 6 cargo\n  UN-2231 gao → abroad: 120 personnel, 6 cargo, departed 2023-10-05 (out)\n"), "{out}");
    assert!(out.contains("Personnel out: 120 of 13,871 (120 by air)"), "{out}");
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains("[out]\npersonnel = 120"), "{text}");
}

#[test]
fn status_writes_a_state_that_re_planning_accepts() {
    let dir = scratch("state");
    let db = dir.join("ops.db").display().to_string();
    for args in [
        vec![
            "convoy-departed",
            "--convoy",
            "C-1",
            "--from",
            "kidal",
            "--to",
            "gao",
            "--trucks",
            "30",
            "--personnel",
            "120",
            "--at",
            "2023-10-30",
        ],
        vec!["site-handed-over", "--site", "kidal", "--to", "state", "--at", "2023-10-31"],
        vec!["trucks-held", "--site", "gao", "--trucks", "80", "--at", "2023-10-31"],
    ] {
        let mut a = vec!["log"];
        a.extend(args);
        a.extend(["--db", db.as_str(), "--by", "ops"]);
        let (code, _, err) = drawdown(&a);
        assert_eq!(code, 0, "{err}");
    }
    let state = dir.join("state.toml");
    let (code, _, err) = drawdown(&["status", "--db", &db, "--runs", "0", "--state-out", state.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("the state as of 2023-11-01: 1 closed"), "{err}");
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains("[[closed]]\nsite = \"kidal\""), "{text}");
    assert!(text.contains("[[held]]\nsite = \"gao\"\ntrucks = 80"), "{text}");
    // The scenario applied to the state is valid and starts on its date.
    let (code, out, err) = drawdown(&["check", "--state", state.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("as of 2023-11-01"), "{out}");
    assert!(!out.contains("close kidal"), "Kidal is closed already: {out}");
    // And the planner re-plans from it: Kidal is not planned again, and the
    // plan starts on the state's date.
    let (code, out, err) =
        drawdown(&["plan", "--state", state.to_str().unwrap(), "--time-limit", "20", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(plan["start"], "2023-11-01");
    assert!(!plan["closures"].as_array().unwrap().iter().any(|c| c["site"] == "kidal"), "{out}");
    assert!(plan["closures"].as_array().unwrap().iter().all(|c| c["date"].as_str().unwrap() >= "2023-11-01"), "{out}");
}

#[test]
fn store_problems_are_clear_errors() {
    let dir = scratch("errors");
    let missing = dir.join("none.db").display().to_string();
    let (code, _, err) = drawdown(&["status", "--db", &missing]);
    assert_eq!(code, 1);
    assert!(err.contains("error: no store at"), "{err}");
    assert!(!dir.join("none.db").exists(), "status creates nothing");

    let junk = dir.join("junk.db");
    std::fs::write(&junk, "x".repeat(200)).unwrap();
    let (code, _, err) = drawdown(&[
        "log",
        "site-closed",
        "--site",
        "ber",
        "--at",
        "2023-08-13",
        "--by",
        "a",
        "--db",
        &junk.display().to_string(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("not a SQLite database"), "{err}");
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), "x".repeat(200));

    let (code, _, err) = drawdown(&["log", "--list", "--db", "postgres://nobody@127.0.0.1:1/none"]);
    assert_eq!(code, 1);
    assert!(err.contains("is the PostgreSQL server running"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn log_and_status_on_postgres() {
    let Some(url) = std::env::var("DRAWDOWN_TEST_POSTGRES").ok().filter(|u| !u.is_empty()) else {
        assert!(
            std::env::var("DRAWDOWN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "DRAWDOWN_REQUIRE_POSTGRES=1 but DRAWDOWN_TEST_POSTGRES is not set"
        );
        return;
    };
    let before = count(&url);
    let serial = format!("CLI-{}", std::process::id());
    let (code, _, err) = drawdown(&[
        "log",
        "convoy-departed",
        "--db",
        &url,
        "--convoy",
        &serial,
        "--from",
        "gao",
        "--to",
        "bamako",
        "--at",
        "2023-10-01",
        "--by",
        "ops",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = drawdown(&[
        "log",
        "convoy-departed",
        "--db",
        &url,
        "--convoy",
        &serial,
        "--from",
        "gao",
        "--to",
        "bamako",
        "--at",
        "2023-10-02",
        "--by",
        "ops",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("already departed"), "{err}");
    assert_eq!(count(&url), before + 1);
    let st = json(&["status", "--db", &url, "--runs", "0", "--format", "json", "--today", "2023-10-01"]);
    assert!(st["convoys"]["in_transit"].as_array().unwrap().iter().any(|c| c["convoy"] == serial.as_str()));
}

/// The workflow the docs show: a batch with one bad line, the line fixed,
/// the batch run again. The events logged the first time are found as
/// already logged, not logged twice (before: casualties and holds doubled).
#[test]
fn re_running_a_fixed_batch_logs_each_event_once() {
    let dir = scratch("rerun");
    let db = dir.join("ops.db").display().to_string();
    let file = dir.join("events.jsonl");
    let batch = |site: &str| {
        format!(
            "{{\"kind\":\"trucks_held\",\"site\":\"gao\",\"trucks\":200,\"at\":\"2023-09-24\"}}\n\
             {{\"kind\":\"convoy_departed\",\"convoy\":\"C-014\",\"from\":\"kidal\",\"to\":\"gao\",\"trucks\":40,\"personnel\":150,\"at\":\"2023-10-31\"}}\n\
             {{\"kind\":\"incident\",\"convoy\":\"C-014\",\"what\":\"ied\",\"killed\":1,\"wounded\":3,\"at\":\"2023-11-01T09:15\"}}\n\
             {{\"kind\":\"site_closed\",\"site\":\"{site}\",\"at\":\"2023-10-21\"}}\n"
        )
    };
    std::fs::write(&file, batch("tessalitt")).unwrap();
    let path = file.display().to_string();
    let (code, _, err) = drawdown(&["log", "--db", &db, "--file", &path, "--by", "ops"]);
    assert_eq!(code, 1);
    assert!(err.contains("events.jsonl:4: site: unknown site `tessalitt`"), "{err}");
    std::fs::write(&file, batch("tessalit")).unwrap();
    let (code, out, err) = drawdown(&["log", "--db", &db, "--file", &path, "--by", "ops"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("already logged as #").count(), 3, "{out}");
    assert!(out.contains("events.jsonl:1: already logged as #1 trucks_held"), "{out}");
    assert!(out.contains("logged #4 site_closed tessalit"), "{out}");
    assert_eq!(count(&db), 4);
    let st = json(&["status", "--db", &db, "--runs", "0", "--format", "json"]);
    assert_eq!(st["casualties"]["killed"], 1);
    assert_eq!(st["trucks_held_total"], 200);
    // A key of one's own: another event under it is refused.
    let (code, _, _) = drawdown(&[
        "log",
        "clearance-requested",
        "--db",
        &db,
        "--request",
        "R-1",
        "--from",
        "gao",
        "--to",
        "bamako",
        "--at",
        "2023-10-02",
        "--key",
        "MSG-1",
        "--by",
        "ops",
    ]);
    assert_eq!(code, 0);
    let (code, _, err) = drawdown(&[
        "log",
        "clearance-requested",
        "--db",
        &db,
        "--request",
        "R-2",
        "--from",
        "gao",
        "--to",
        "bamako",
        "--at",
        "2023-10-02",
        "--key",
        "MSG-1",
        "--by",
        "ops",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("error: key: `MSG-1` is the key of another event, #5"), "{err}");
}

/// A batch is checked event after event against the state the log implies:
/// a second convoy of everyone, and trucks held beyond the site's, are refused
/// with their line (before: 27,742 in transit of 13,871, 400 held of 200).
#[test]
fn a_batch_that_contradicts_itself_is_refused_line_by_line() {
    let dir = scratch("contradict");
    let db = dir.join("ops.db").display().to_string();
    let file = dir.join("events.jsonl");
    std::fs::write(
        &file,
        "{\"kind\":\"convoy_departed\",\"convoy\":\"C-1\",\"from\":\"gao\",\"to\":\"dakar\",\"trucks\":10,\"personnel\":100,\"at\":\"2023-10-01\"}\n\
         {\"kind\":\"convoy_departed\",\"convoy\":\"C-2\",\"from\":\"gao\",\"to\":\"dakar\",\"trucks\":10,\"personnel\":13000,\"at\":\"2023-10-01\"}\n\
         {\"kind\":\"trucks_held\",\"site\":\"gao\",\"trucks\":200,\"at\":\"2023-09-24\"}\n\
         {\"kind\":\"trucks_held\",\"site\":\"gao\",\"trucks\":200,\"at\":\"2023-09-25\"}\n",
    )
    .unwrap();
    let (code, out, err) = drawdown(&["log", "--db", &db, "--file", &file.display().to_string(), "--by", "ops"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("events.jsonl:2: personnel: convoy C-2 takes 13000 personnel from `gao` but the log leaves only"),
        "{err}"
    );
    assert!(err.contains("events.jsonl:4: trucks: 200 held with the 200 held at `gao` already"), "{err}");
    assert!(err.contains("2 of 4 event(s) rejected"), "{err}");
    assert_eq!(count(&db), 2);
}

/// `--db` is a file name, literally: `my%20ops.db` is created and found
/// again by `log list` and `status`; a relative path with a space works.
#[test]
fn store_paths_are_file_names() {
    let dir = scratch("paths");
    for name in ["my%20ops.db", "my ops.db"] {
        let db = dir.join(name).display().to_string();
        let (code, _, err) =
            drawdown(&["log", "site-closed", "--db", &db, "--site", "tessalit", "--at", "2023-10-21", "--by", "ops"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(dir.join(name).is_file(), "{name}");
        assert_eq!(count(&db), 1, "{name}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drawdown"))
        .current_dir(&dir)
        .args(["log", "list", "--db", "my ops.db", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `status --today` outside the scenario's days is refused (the docs' rule
/// for event times), not reported on.
#[test]
fn status_refuses_a_day_outside_the_scenario() {
    let dir = scratch("today");
    let db = dir.join("ops.db").display().to_string();
    let (code, _, err) =
        drawdown(&["log", "site-closed", "--db", &db, "--site", "tessalit", "--at", "2023-10-21", "--by", "ops"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = drawdown(&["status", "--db", &db, "--runs", "0", "--today", "0001-01-01"]);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("error: --today: 0001-01-01 is outside the scenario's days"), "{err}");
    let (code, _, err) = drawdown(&["status", "--db", &db, "--runs", "0", "--today", "2023-10-21"]);
    assert_eq!(code, 0, "{err}");
}
