//! Tables as a folder of CSV files, one per sheet (`sites.csv`,
//! `plan lines.csv` …), UTF-8 with a byte-order mark so that Excel opens
//! them as UTF-8.
//!
//! A CSV cell has no type: reading takes a whole number for an integer,
//! a decimal for a float, `true`/`false` for a truth value, `2023-10-31`
//! for a date, `[…]` for a TOML array, and anything else for text. Text
//! that would read as one of those is written with a leading apostrophe.

use super::{Book, Cell, Row, Sheet, escape_text, text_cell};
use crate::diag::{Diagnostic, Path};

const BOM: &str = "\u{feff}";

/// The folder's files: name and bytes, in sheet order.
pub fn write(book: &Book) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    for s in &book.sheets {
        let mut w = ::csv::WriterBuilder::new().flexible(false).from_writer(BOM.as_bytes().to_vec());
        w.write_record(&s.columns).map_err(|e| e.to_string())?;
        for r in &s.rows {
            w.write_record(r.cells.iter().map(text)).map_err(|e| e.to_string())?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        files.push((format!("{}.csv", s.name), bytes));
    }
    Ok(files)
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => escape_text(t, cell),
        Cell::Int(i) => i.to_string(),
        // `6.0`, not `6`: it reads back as a decimal (see `xlsx::WHOLE_DECIMAL`).
        Cell::Float(f) if f.fract() == 0.0 => format!("{f:.1}"),
        Cell::Float(f) => f.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Toml(t) => t.clone(),
    }
}

/// What a CSV field holds.
pub fn cell(s: &str) -> Cell {
    let t = s.trim();
    if t.is_empty() {
        return Cell::Empty;
    }
    if s.starts_with('\'') {
        return text_cell(s);
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = t.parse()
    {
        return Cell::Int(i);
    }
    let numeric = digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if numeric && let Ok(f) = t.parse::<f64>() {
        return Cell::Float(f);
    }
    match t.to_ascii_lowercase().as_str() {
        "true" => return Cell::Bool(true),
        "false" => return Cell::Bool(false),
        _ => {}
    }
    text_cell(s)
}

/// Reads every `*.csv` file of a folder as a sheet named by the file.
pub fn read_dir(dir: &std::path::Path) -> Result<Book, Vec<Diagnostic>> {
    let name = dir.display().to_string();
    let unreadable =
        |e: std::io::Error| vec![Diagnostic::error(Path::root(), format!("cannot read the folder {name}: {e}"))];
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(vec![
            Diagnostic::error(Path::root(), format!("the folder {name} has no CSV files"))
                .expected("one CSV file per sheet: settings.csv, sites.csv, links.csv …")
                .hint("`drawdown convert SCENARIO --to csv --out FOLDER` writes one"),
        ]);
    }
    let mut sheets = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let sheet = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        match read_file(&f, &sheet) {
            Ok(s) => sheets.push(s),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() { Ok(Book { sheets }) } else { Err(errors) }
}

fn read_file(f: &std::path::Path, sheet: &str) -> Result<Sheet, Diagnostic> {
    let fail = |m: String| {
        Diagnostic::error(Path::root(), m)
            .expected("a CSV file: a header row of field names, then one row per entry, comma-separated")
            .hint("save it from Excel as \"CSV UTF-8 (Comma delimited)\"")
    };
    let bytes = std::fs::read(f).map_err(|e| fail(format!("cannot read {}: {e}", f.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| fail(format!("{} is not UTF-8 text (byte {})", f.display(), e.utf8_error().valid_up_to())))?;
    let text = text.strip_prefix(BOM).unwrap_or(&text);
    let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| fail(format!("{}: {e}", f.display())))?;
        let number = rec.position().map_or(i as u32 + 1, |p| p.line() as u32);
        if i == 0 {
            columns = rec.iter().map(|s| s.trim().to_string()).collect();
            continue;
        }
        rows.push(Row { number, cells: rec.iter().map(cell).collect() });
    }
    Ok(Sheet { name: sheet.to_string(), columns, rows })
}
