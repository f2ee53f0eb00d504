//! Scenarios as workbooks and CSV folders, through the binary: `template`,
//! `convert` both ways, `check`/`simulate`/`plan` on a workbook, and the
//! messages of a workbook with mistakes in it.

mod common;

use std::path::{Path, PathBuf};

use common::{drawdown, json, toy};
use drawdown_model::sheets::{self, Cell};

/// A fresh directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("drawdown-sheets-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = drawdown(args);
    assert_eq!(code, 0, "drawdown {args:?}: {err}");
    out
}

#[test]
fn the_template_is_a_workbook_or_folder_that_checks() {
    let d = scratch("template");
    let xlsx = d.join("mission.xlsx");
    let (code, _, err) = drawdown(&["template", "--out", s(&xlsx)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("drawdown check"), "says what to do next: {err}");
    let out = ok(&["check", s(&xlsx)]);
    assert!(out.contains("is valid"), "{out}");
    let folder = d.join("mission");
    ok(&["template", "--out", s(&folder)]);
    for f in ["settings.csv", "sites.csv", "plan lines.csv", "variants.csv"] {
        let bytes = std::fs::read(folder.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{f} starts with a byte-order mark for Excel");
    }
    ok(&["check", s(&folder)]);
    // Every sheet of the format is in the template.
    let book = sheets::xlsx::read(&std::fs::read(&xlsx).unwrap(), "mission.xlsx").unwrap();
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    for (_, sheet) in sheets::SHEETS {
        assert!(names.contains(sheet), "{sheet} in {names:?}");
    }
    std::fs::remove_dir_all(&d).ok();
}

/// TOML → workbook → TOML, and TOML → CSV folder: the same simulation, the
/// same plan, for the reference scenario and the toy.
#[test]
fn a_converted_scenario_simulates_and_plans_the_same() {
    let d = scratch("convert");
    for (name, scenario) in [("minusma", "minusma-2023".to_string()), ("toy", toy())] {
        let xlsx = d.join(format!("{name}.xlsx"));
        let folder = d.join(format!("{name}-csv"));
        let back = d.join(format!("{name}.toml"));
        ok(&["convert", &scenario, "--to", "xlsx", "--out", s(&xlsx)]);
        ok(&["convert", &scenario, "--to", "csv", "--out", s(&folder)]);
        ok(&["convert", s(&xlsx), "--to", "toml", "--out", s(&back)]);
        let sim = |f: &str| ok(&["simulate", f, "--runs", "64", "--format", "json"]);
        let expected = sim(&scenario);
        for f in [&xlsx, &folder, &back] {
            assert_eq!(sim(s(f)), expected, "{name}: simulate {} is the TOML's", f.display());
        }
        if name == "toy" {
            let plan = |f: &str| {
                let v = json(&["plan", f, "--format", "json"]);
                let parts = ["closures", "road", "air", "movements", "check"].map(|k| v[k].clone());
                assert!(parts.iter().all(|p| !p.is_null()), "{v}");
                parts
            };
            assert_eq!(plan(s(&xlsx)), plan(&scenario), "the plan of the workbook is the TOML's");
        }
    }
    // A plan written as a workbook reads back as the same plan.
    let (plan_xlsx, plan_toml) = (d.join("plan.xlsx"), d.join("plan.toml"));
    ok(&["plan", &toy(), "--out", s(&plan_xlsx), "--check-runs", "0"]);
    ok(&["plan", &toy(), "--out", s(&plan_toml), "--check-runs", "0"]);
    let with = |p: &Path| ok(&["simulate", &toy(), "--plan", s(p), "--runs", "64", "--format", "json"]);
    assert_eq!(with(&plan_xlsx), with(&plan_toml), "--plan plan.xlsx is --plan plan.toml");
    let book = sheets::xlsx::read(&std::fs::read(&plan_xlsx).unwrap(), "plan.xlsx").unwrap();
    let moves = book.sheets.iter().find(|s| s.name == sheets::MOVEMENTS).expect("the movement table");
    assert!(!moves.rows.is_empty() && moves.columns.contains(&"serial".to_string()), "{:?}", moves.columns);
    assert!(book.sheets.iter().any(|s| s.name == "plan lines"), "the plan's own sheets");
    // A second conversion into the same folder replaces it.
    let folder = d.join("toy-csv");
    ok(&["convert", &toy(), "--out", s(&folder)]);
    ok(&["check", s(&folder)]);
    std::fs::remove_dir_all(&d).ok();
}

fn template_book() -> sheets::Book {
    sheets::template::book()
}

fn set(book: &mut sheets::Book, sheet: &str, row: usize, column: &str, value: Cell) -> String {
    let sh = book.sheets.iter_mut().find(|x| x.name == sheet).unwrap();
    let c = sh.columns.iter().position(|x| x == column).unwrap_or_else(|| panic!("{column} in {:?}", sh.columns));
    sh.rows[row].cells[c] = value;
    format!("{}{}", sheets::column_letters(c as u32), row + 2)
}

#[test]
fn a_workbook_with_mistakes_names_sheet_cell_and_column() {
    let d = scratch("mistakes");
    // A text where a number goes.
    let mut book = template_book();
    let cell = set(&mut book, "links", 0, "km", Cell::Text("far".into()));
    let f = d.join("km.xlsx");
    std::fs::write(&f, sheets::xlsx::write(&book).unwrap()).unwrap();
    let (code, _, err) = drawdown(&["check", s(&f)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("sheet `links`, cell {cell} (column `km`)")), "{err}");
    assert!(err.contains("expected: a number"), "{err}");
    let out = drawdown(&["check", s(&f), "--format", "json"]).1;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v["diagnostics"][0];
    assert_eq!((first["sheet"].as_str(), first["cell"].as_str()), (Some("links"), Some(cell.as_str())), "{v}");

    // A word that is not a site kind, and a plan line to a site that does not exist.
    let mut book = template_book();
    let kind = set(&mut book, "sites", 1, "kind", Cell::Text("castle".into()));
    let f = d.join("kind.xlsx");
    std::fs::write(&f, sheets::xlsx::write(&book).unwrap()).unwrap();
    let err = drawdown(&["check", s(&f)]).2;
    assert!(err.contains(&format!("sheet `sites`, cell {kind} (column `kind`)")), "{err}");
    let mut book = template_book();
    let to = set(&mut book, "plan lines", 0, "to", Cell::Text("nowhere".into()));
    let f = d.join("to.xlsx");
    std::fs::write(&f, sheets::xlsx::write(&book).unwrap()).unwrap();
    let err = drawdown(&["check", s(&f)]).2;
    assert!(err.contains(&format!("sheet `plan lines`, cell {to} (column `to`)")), "{err}");

    // A mistake in the tables themselves: a cell that is not a TOML value.
    let mut book = template_book();
    let pace = set(&mut book, "links", 1, "pace", Cell::Toml("[1, ".into()));
    let f = d.join("structure.xlsx");
    std::fs::write(&f, sheets::xlsx::write(&book).unwrap()).unwrap();
    let (code, _, err) = drawdown(&["simulate", s(&f)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("sheet `links`, cell {pace} (column `pace`)")), "{err}");

    // Not a workbook at all.
    let f = d.join("text.xlsx");
    std::fs::write(&f, "id,kind\n").unwrap();
    let err = drawdown(&["check", s(&f)]).2;
    assert!(err.contains("is not an Excel workbook") && err.contains("drawdown template"), "{err}");

    // A CSV folder edited by hand.
    let folder = d.join("csv");
    ok(&["template", "--out", s(&folder)]);
    let links = folder.join("links.csv");
    let text = std::fs::read_to_string(&links).unwrap();
    std::fs::write(&links, text.replacen("350", "3x50", 1)).unwrap();
    let err = drawdown(&["check", s(&folder)]).2;
    assert!(err.contains("sheet `links`, cell") && err.contains("(column `km`)"), "{err}");
    std::fs::remove_dir_all(&d).ok();
}
