//! `drawdown simulate --csv DIR --parquet FILE` through the binary.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::RowAccessor;
use serde_json::Value;

fn toy() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/engine/tests/fixtures/toy.toml").display().to_string()
}

fn drawdown(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_drawdown")).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A fresh, empty scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("drawdown-export-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Header and data rows of a CSV file.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn column<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[i].as_str()).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const FATES: [&str; 7] = ["repatriated", "handed_over", "sold", "destroyed", "abandoned", "lost", "in_country"];

#[test]
fn csv_and_parquet_match_the_json_report() {
    let dir = Scratch::new("match");
    let csv_dir = dir.0.join("tables");
    let pq = dir.0.join("r.parquet");
    let (code, _, err) = drawdown(&[
        "simulate",
        &toy(),
        "--runs",
        "300",
        "--seed",
        "7",
        "--csv",
        csv_dir.to_str().unwrap(),
        "--parquet",
        pq.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, 0, "stderr: {err}");
    let (code, out, err) = drawdown(&["simulate", &toy(), "--runs", "300", "--seed", "7", "--format", "json", "-q"]);
    assert_eq!(code, 0, "stderr: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();

    // Only the five tables, no temporary files left behind.
    let mut names: Vec<String> =
        std::fs::read_dir(&csv_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(names, ["convoys.csv", "daily.csv", "replications.csv", "sites.csv", "summary.csv"]);
    assert_eq!(std::fs::read_dir(&dir.0).unwrap().count(), 2, "tables/ and r.parquet only");

    // daily.csv: one row per day, start ..= deadline.
    let (h, daily) = read_csv(&csv_dir.join("daily.csv"));
    let mut want = vec!["date".to_string()];
    for m in ["personnel_departed", "sites_closed"] {
        for s in ["mean", "p5", "p50", "p95"] {
            want.push(format!("{m}_{s}"));
        }
    }
    assert_eq!(h, want);
    assert_eq!(daily.len(), 92, "2023-07-01 ..= 2023-09-30");
    assert_eq!(daily[0][0], report["start"].as_str().unwrap());
    assert_eq!(daily[91][0], report["deadline"].as_str().unwrap());
    let json_daily = report["daily"].as_array().unwrap();
    assert_eq!(daily.len(), json_daily.len());
    for (row, j) in daily.iter().zip(json_daily) {
        assert_eq!(row[0], j["date"].as_str().unwrap());
        let mean: f64 = row[1].parse().unwrap();
        assert!((mean - j["personnel_departed"]["mean"].as_f64().unwrap()).abs() < 1e-9);
    }

    let (h, sites) = read_csv(&csv_dir.join("sites.csv"));
    assert_eq!(
        h,
        strs(&[
            "id",
            "name",
            "planned_closure",
            "historical_closure",
            "p_closed",
            "closed_p5",
            "closed_p50",
            "closed_p95",
            "handover_state",
            "handover_armed_group"
        ])
    );
    assert_eq!(sites.len(), report["sites"].as_array().unwrap().len());
    assert!(sites.iter().any(|r| r[0] == "north" && r[2] == "2023-09-10"), "{sites:?}");

    let (h, convoys) = read_csv(&csv_dir.join("convoys.csv"));
    let mut want = strs(&["id", "from", "to", "p_departed", "departed_p5", "departed_p50", "departed_p95"]);
    for m in ["days", "incidents", "wounded", "killed"] {
        for s in ["mean", "p5", "p50", "p95"] {
            want.push(format!("{m}_{s}"));
        }
    }
    assert_eq!(h, want);
    assert_eq!(convoys.len(), report["convoys"].as_array().unwrap().len());

    let (h, summary) = read_csv(&csv_dir.join("summary.csv"));
    assert_eq!(h, strs(&["metric", "mean", "p5", "p50", "p95"]));
    let metrics = column(&h, &summary, "metric");
    for m in [
        "personnel_departed_by_deadline",
        "sites_closed_by_deadline",
        "p_all_sites_closed_by_deadline",
        "wounded",
        "killed",
    ] {
        assert!(metrics.contains(&m), "{m} in {metrics:?}");
    }
    for f in FATES {
        assert!(metrics.contains(&format!("equipment.{f}").as_str()), "equipment.{f}");
    }

    // replications.csv: one row per replication, in order.
    let (h, reps) = read_csv(&csv_dir.join("replications.csv"));
    let mut want = strs(&[
        "replication",
        "personnel_departed_by_deadline",
        "sites_closed_by_deadline",
        "all_sites_closed_by_deadline",
        "wounded",
        "killed",
    ]);
    want.extend(FATES.iter().map(|f| format!("equipment_{f}")));
    want.extend(strs(&["clearances_requested", "clearances_approved", "events", "closed_day_north"]));
    assert_eq!(h, want);
    assert_eq!(reps.len(), 300);
    let index: Vec<u64> = column(&h, &reps, "replication").iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(index, (0..300).collect::<Vec<u64>>());
    for v in column(&h, &reps, "all_sites_closed_by_deadline") {
        assert!(v == "0" || v == "1", "{v}");
    }
    let departed: Vec<i64> =
        column(&h, &reps, "personnel_departed_by_deadline").iter().map(|s| s.parse().unwrap()).collect();
    let mean = departed.iter().sum::<i64>() as f64 / departed.len() as f64;
    let json_mean = report["summary"]["personnel_departed_by_deadline"]["mean"].as_f64().unwrap();
    assert!((mean - json_mean).abs() < 1e-9, "{mean} vs {json_mean}");
    for (name, key) in [("wounded", "wounded"), ("killed", "killed")] {
        let s: i64 = column(&h, &reps, name).iter().map(|s| s.parse::<i64>().unwrap()).sum();
        assert!((s as f64 / 300.0 - report["summary"][key]["mean"].as_f64().unwrap()).abs() < 1e-9, "{name}");
    }

    // Parquet: the same table, same order.
    let reader = SerializedFileReader::new(File::open(&pq).unwrap()).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), 300);
    let names: Vec<String> =
        meta.file_metadata().schema_descr().columns().iter().map(|c| c.name().to_string()).collect();
    assert_eq!(names, h);
    let col = names.iter().position(|n| n == "personnel_departed_by_deadline").unwrap();
    let closed = names.iter().position(|n| n == "closed_day_north").unwrap();
    let closed_csv = column(&h, &reps, "closed_day_north");
    let mut n = 0;
    for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
        let row = row.unwrap();
        assert_eq!(row.get_long(0).unwrap(), i as i64);
        assert_eq!(row.get_long(col).unwrap(), departed[i], "row {i}");
        let c = row.get_long(closed).ok().map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(c, closed_csv[i], "row {i}");
        n += 1;
    }
    assert_eq!(n, 300);
}

#[test]
fn parquet_spans_several_row_groups() {
    let dir = Scratch::new("groups");
    let pq = dir.0.join("r.parquet");
    let (code, _, err) =
        drawdown(&["simulate", &toy(), "--runs", "20000", "--seed", "3", "--parquet", pq.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "stderr: {err}");
    let reader = SerializedFileReader::new(File::open(&pq).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 20000);
    assert!(reader.metadata().num_row_groups() >= 3);
    let last = reader.get_row_iter(None).unwrap().last().unwrap().unwrap();
    assert_eq!(last.get_long(0).unwrap(), 19999);
}

#[test]
fn an_unwritable_target_is_an_error_not_a_panic() {
    let (code, _, err) = drawdown(&["simulate", &toy(), "--runs", "10", "--csv", "/proc/nonexistent/x", "-q"]);
    assert_ne!(code, 0);
    assert!(err.contains("/proc/nonexistent/x"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let dir = Scratch::new("unwritable");
    let missing = dir.0.join("no-such-dir/r.parquet");
    let (code, _, err) = drawdown(&["simulate", &toy(), "--runs", "10", "--parquet", missing.to_str().unwrap(), "-q"]);
    assert_ne!(code, 0);
    assert!(err.contains(missing.to_str().unwrap()), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // A failed run leaves nothing half-written: the CSV directory stays empty.
    let tables = dir.0.join("tables");
    let (code, _, err) = drawdown(&[
        "simulate",
        &toy(),
        "--runs",
        "10",
        "--csv",
        tables.to_str().unwrap(),
        "--parquet",
        missing.to_str().unwrap(),
        "-q",
    ]);
    assert_ne!(code, 0, "{err}");
    let left: Vec<_> =
        std::fs::read_dir(&tables).map(|d| d.map(|e| e.unwrap().file_name()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

/// The CSV set appears at once: a second run replaces the first run's set
/// whole (through a temporary directory beside it, swapped into place), a
/// Parquet file inside the directory is one of the set, what a killed run
/// left is cleaned up, and a directory holding other files is refused, untouched.
#[test]
fn the_csv_set_is_replaced_whole() {
    let dir = Scratch::new("set");
    let tables = dir.0.join("tables");
    let pq = tables.join("replications.parquet");
    let run = |seed: &str| {
        drawdown(&[
            "simulate",
            &toy(),
            "--runs",
            "10",
            "--seed",
            seed,
            "--csv",
            tables.to_str().unwrap(),
            "--parquet",
            pq.to_str().unwrap(),
            "-q",
        ])
    };
    let (code, _, err) = run("1");
    assert_eq!(code, 0, "{err}");
    let first = std::fs::read_to_string(tables.join("replications.csv")).unwrap();
    // What a run killed with -9 leaves: its temporary directory beside the target.
    let stale = dir.0.join(".tables.tmp-4000000000");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("replications.csv"), "half").unwrap();
    let (code, _, err) = run("2");
    assert_eq!(code, 0, "{err}");
    assert!(!stale.exists(), "the killed run's temporary is removed");
    let mut names: Vec<String> =
        std::fs::read_dir(&tables).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(
        names,
        ["convoys.csv", "daily.csv", "replications.csv", "replications.parquet", "sites.csv", "summary.csv"]
    );
    assert_ne!(std::fs::read_to_string(tables.join("replications.csv")).unwrap(), first, "the new run's set");
    let beside: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(beside, ["tables"], "no temporary left beside it");
    std::fs::write(tables.join("my-notes.txt"), "mine").unwrap();
    let (code, _, err) = run("3");
    assert_eq!(code, 1);
    assert!(err.contains("holds other files (my-notes.txt)"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read_to_string(tables.join("my-notes.txt")).unwrap(), "mine");
    assert!(tables.join("summary.csv").is_file(), "the previous set is left alone");
}
