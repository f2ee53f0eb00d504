use super::*;
use crate::load::load;

fn scenario_json(src: &Source) -> serde_json::Value {
    let loaded = load(src).unwrap_or_else(|d| panic!("{} does not load: {d:#?}", src.name));
    serde_json::to_value(&loaded.scenario).expect("a scenario serialises")
}

/// The first place two JSON values differ, for a readable failure.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value as J;
    match (a, b) {
        (J::Object(x), J::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            first_difference(x.get(k).unwrap_or(&J::Null), y.get(k).unwrap_or(&J::Null), format!("{at}.{k}"))
        }),
        (J::Array(x), J::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, format!("{at}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} != {b}")),
    }
}

fn assert_same(a: &serde_json::Value, b: &serde_json::Value, what: &str) {
    if let Some(d) = first_difference(a, b, String::new()) {
        panic!("{what}: {d}");
    }
}

/// The sourced values by path, as numbers (`14.00` and `14.0` are one value).
fn sourced_of(text: &str) -> Vec<crate::sourced::SourcedValue> {
    let mut v = crate::sourced::sourced_values(text);
    for x in &mut v {
        x.value.clear();
        x.range = None;
    }
    v.sort_by(|a, b| a.path.cmp(&b.path));
    v
}

fn book_of(text: &str) -> Book {
    from_toml(&toml::from_str(text).expect("valid TOML"))
}

const SCENARIOS: [(&str, &str); 4] = [
    ("minusma raw", crate::MINUSMA_2023_RAW),
    ("minusma calibrated", crate::MINUSMA_2023),
    ("template", template::EXAMPLE),
    ("minimal", include_str!("../../../../tests/valid/minimal.toml")),
];

#[test]
fn a_scenario_survives_a_workbook_and_a_csv_folder_exactly() {
    for (name, text) in SCENARIOS {
        let original = scenario_json(&Source::new(name, text));
        let sourced = sourced_of(text);
        let book = book_of(text);
        // Through the bytes of a workbook.
        let bytes = xlsx::write(&book).expect("writes");
        let read = xlsx::read(&bytes, "x.xlsx").expect("reads");
        let src = to_source("x.xlsx", &read).expect("makes TOML");
        assert_same(&scenario_json(&src), &original, &format!("{name} through xlsx"));
        // The sourced values too: whether a value is written whole decides
        // whether its draws are whole.
        let got = sourced_of(&src.text);
        assert_eq!(got.len(), sourced.len(), "{name}: sourced values through xlsx");
        for (a, b) in got.iter().zip(&sourced) {
            assert_eq!(a, b, "{name}: sourced values through xlsx");
        }
        // Through CSV files.
        let dir =
            std::env::temp_dir().join(format!("drawdown-sheets-{}-{}", std::process::id(), name.replace(' ', "-")));
        std::fs::create_dir_all(&dir).unwrap();
        for (f, b) in csv::write(&book).expect("writes") {
            std::fs::write(dir.join(f), b).unwrap();
        }
        let src = read_path(&dir);
        std::fs::remove_dir_all(&dir).ok();
        assert_same(&scenario_json(&src), &original, &format!("{name} through CSV"));
        assert_eq!(sourced_of(&src.text), sourced, "{name}: sourced values through CSV");
    }
}

fn read_path(p: &std::path::Path) -> Source {
    super::read(p).unwrap_or_else(|d| panic!("{d:#?}"))
}

#[test]
fn values_keep_their_provenance_in_columns_beside_them() {
    let book = book_of(include_str!("../../../../tests/valid/minimal.toml"));
    let links = book.sheets.iter().find(|s| s.name == "links").expect("a links sheet");
    for c in ["from", "to", "km", "km.source", "km.confidence", "km.low", "km.high", "pace"] {
        assert!(links.columns.iter().any(|x| x == c), "column {c} in {:?}", links.columns);
    }
    let at = |row: usize, col: &str| &links.rows[row].cells[links.columns.iter().position(|x| x == col).unwrap()];
    assert_eq!(at(1, "km"), &Cell::Int(480));
    assert_eq!(at(1, "km.source"), &Cell::Text("map".into()));
    assert_eq!(at(0, "km"), &Cell::Int(350));
    assert_eq!(at(0, "km.source"), &Cell::Empty);
    assert!(matches!(at(0, "pace"), Cell::Toml(t) if t.starts_with('[')), "a schedule is its TOML text");
    let settings = &book.sheets[0];
    assert_eq!(settings.name, SETTINGS);
    assert!(settings.rows.iter().any(|r| r.cells[0] == Cell::Text("scenario.deadline".into())));
}

#[test]
fn text_that_would_read_as_something_else_is_escaped() {
    for s in ["2023-10-01", "[1, 2]", "'quoted", "{ a = 1 }"] {
        let w = escape_text(s, text_cell);
        assert_eq!(text_cell(&w), Cell::Text(s.into()), "{s} written as {w}");
        let w = escape_text(s, csv::cell);
        assert_eq!(csv::cell(&w), Cell::Text(s.into()), "{s} in CSV as {w}");
    }
    for s in ["12", "-3", "0.5", "true", "FALSE"] {
        let w = escape_text(s, csv::cell);
        assert_eq!(csv::cell(&w), Cell::Text(s.into()), "{s} in CSV as {w}");
        assert_eq!(escape_text(s, text_cell), s, "a workbook keeps text as text");
    }
    assert_eq!(text_cell("[R4] p. 3"), Cell::Text("[R4] p. 3".into()), "not TOML: text as it is");
    assert_eq!(csv::cell("12"), Cell::Int(12));
    assert_eq!(csv::cell("1.5e3"), Cell::Float(1500.0));
    assert_eq!(column_letters(0), "A");
    assert_eq!(column_letters(25), "Z");
    assert_eq!(column_letters(26), "AA");
    assert_eq!(column_letters(701), "ZZ");
    assert_eq!(column_letters(702), "AAA");
}

/// A sheet with a bad value: its diagnostic names the sheet, the cell and
/// the column.
#[test]
fn a_mistake_in_a_sheet_is_located_by_sheet_row_and_column() {
    let mut book = book_of(include_str!("../../../../tests/valid/minimal.toml"));
    let links = book.sheets.iter_mut().find(|s| s.name == "links").unwrap();
    let km = links.columns.iter().position(|c| c == "km").unwrap();
    links.rows[1].cells[km] = Cell::Text("far".into());
    let src = to_source("m.xlsx", &book).expect("tables make TOML");
    let err = load(&src).expect_err("a text where a number goes");
    let loc = src.cells.as_ref().unwrap().find(&err[0].field).expect("located");
    assert_eq!(loc.sheet, "links");
    assert_eq!(loc.row, 3, "the second link is row 3 under the header");
    assert_eq!(loc.to_string(), format!("sheet `links`, cell {}3 (column `km`)", column_letters(km as u32)));

    // A bad site kind: a validation diagnostic, located the same way.
    let mut book = book_of(include_str!("../../../../tests/valid/minimal.toml"));
    let sites = book.sheets.iter_mut().find(|s| s.name == "sites").unwrap();
    let kind = sites.columns.iter().position(|c| c == "kind").unwrap();
    sites.rows[0].cells[kind] = Cell::Text("castle".into());
    let src = to_source("m.xlsx", &book).unwrap();
    let err = load(&src).expect_err("an unknown kind");
    let loc = src.cells.as_ref().unwrap().find(&err[0].field).expect("located");
    assert_eq!((loc.sheet.as_str(), loc.row, loc.column.as_ref().map(|c| c.0)), ("sites", 2, Some(kind as u32)));
}

#[test]
fn structural_mistakes_are_refused_with_their_cell() {
    let mut book = book_of(include_str!("../../../../tests/valid/minimal.toml"));
    let links = book.sheets.iter_mut().find(|s| s.name == "links").unwrap();
    links.columns.push("km".into());
    for r in &mut links.rows {
        r.cells.push(Cell::Int(1));
    }
    let pace = links.columns.iter().position(|c| c == "pace").unwrap();
    links.rows[1].cells[pace] = Cell::Toml("[1, ".into());
    let err = to_source("m.xlsx", &book).expect_err("refused");
    let text: Vec<String> = err.iter().map(|d| d.message.clone()).collect();
    assert!(text.iter().any(|m| m.contains("column `km` appears twice") && m.contains("sheet `links`")), "{text:#?}");
    assert!(text.iter().any(|m| m.contains("is not a TOML value") && m.contains("cell")), "{text:#?}");
}

#[test]
fn the_template_checks_and_every_word_list_is_the_formats() {
    let book = template::book();
    assert_eq!(book.sheets[0].name, ABOUT);
    let src = to_source("template.xlsx", &book).expect("tables");
    let loaded = load(&src).unwrap_or_else(|d| panic!("{d:#?}"));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    for (_, sheet) in SHEETS {
        assert!(names.contains(sheet), "the template has a `{sheet}` sheet: {names:?}");
    }
    // Each word of a drop-down list is a value of its field: one row with
    // the word loads.
    for (table, field, words) in template::CHOICES {
        for w in *words {
            let mut doc: toml::Table = toml::from_str(template::EXAMPLE).unwrap();
            let keys: Vec<String> = table.split('.').map(String::from).collect();
            let mut here = &mut doc;
            for k in &keys[..keys.len() - 1] {
                here = here.get_mut(k).and_then(Value::as_table_mut).unwrap();
            }
            let row = here[keys.last().unwrap()].as_array_mut().unwrap()[0].as_table_mut().unwrap();
            row.insert(field.to_string(), Value::String(w.to_string()));
            let text = toml::to_string(&doc).unwrap();
            if let Err(d) = load(&Source::new("t", text)) {
                let typed =
                    d.iter().any(|x| x.field.to_string().ends_with(field) && x.message.contains("unknown variant"));
                assert!(!typed, "`{w}` is not a {table}.{field}: {d:#?}");
            }
        }
    }
    assert!(template::note("links", "km").unwrap().contains("km"), "a bounded field's note gives its unit");
    assert!(template::note("sites", "kind").unwrap().contains("border_crossing"));
    assert!(template::note("links", "km.source").unwrap().starts_with("`km`"));
}
