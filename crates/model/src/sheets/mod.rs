//! A scenario as tables: an Excel workbook or a folder of CSV files, the
//! same tables either way, and back to TOML.
//!
//! The mapping is generic over the TOML document, so that every field of
//! the format (and any added later) travels without a table of its own:
//!
//! - every array of tables (`[[site]]`, `[[plan.line]]`, `[[policy.clearance]]`)
//!   is a sheet, one row per entry, named for people (`sites`, `plan lines`,
//!   `clearances`; [`SHEETS`]) or, for an array the list does not know, by its
//!   path;
//! - a row's columns are the dotted paths of its fields (`km`, `leave_early.days`);
//!   a value with provenance (`km = { value = 608, source = "R4", low = 560 }`)
//!   is the column `km` with `km.source`, `km.low` … beside it, so source,
//!   confidence and bounds travel with every value;
//! - everything else (`[scenario]`, `[march]`, `[fuel]`, `[situation]`,
//!   `plan.priority` …) is a row of the `settings` sheet: key, value, and the
//!   same provenance columns;
//! - `[variants.NAME]` is the `variants` sheet: one row per `set` entry;
//! - a value a cell cannot hold as one number, text, date or truth value
//!   (an array, a schedule) is written as its TOML text (`[2, 5]`,
//!   `[{ from = 2023-09-01, value = 300 }]`).
//!
//! A text cell that would read as something else (a date, a TOML array, or
//! in a CSV file a number) is written with a leading apostrophe, which
//! reading strips: the round trip TOML → tables → TOML gives the same
//! document value for value. Reading keeps where every value came from
//! ([`Cells`]), so that a diagnostic about `link[3].km` names its sheet,
//! row and column.

pub mod csv;
pub mod template;
pub mod xlsx;

use std::collections::HashMap;
use std::sync::Arc;

use toml::Value;
use toml::value::Datetime;

use crate::diag::{Diagnostic, Path, Seg};
use crate::load::Source;

/// The sheet of the values that are not in an array of tables.
pub const SETTINGS: &str = "settings";
/// The sheet of `[variants.NAME]`.
pub const VARIANTS: &str = "variants";
/// The sheet of a calibrated scenario's posterior: `calibration.inputs`
/// as its header, `calibration.samples` as its rows.
pub const POSTERIOR: &str = "posterior";
/// A sheet reading skips: the template's notes for people.
pub const ABOUT: &str = "about";
/// A sheet reading skips: the movement table of a plan's workbook, which
/// its plan sheets say again in the format's terms.
pub const MOVEMENTS: &str = "movements";

/// Arrays of tables and the names of their sheets, in the order the sheets
/// are written.
pub const SHEETS: &[(&str, &str)] = &[
    ("site", "sites"),
    ("link", "links"),
    ("air_leg", "air legs"),
    ("corridor", "corridors"),
    ("personnel", "personnel"),
    ("equipment", "equipment"),
    ("fleet", "fleets"),
    ("aircraft", "aircraft"),
    ("threat", "threats"),
    ("attack", "attacks"),
    ("presence", "presence"),
    ("policy.clearance", "clearances"),
    ("policy.permit", "permits"),
    ("policy.customs_hold", "customs holds"),
    ("policy.import_ban", "import bans"),
    ("policy.fuel_ban", "fuel bans"),
    ("plan.line", "plan lines"),
    ("plan.closure", "closures"),
    ("plan.disposition", "dispositions"),
    ("milestone", "milestones"),
];

/// The columns of the settings sheet before the provenance ones.
const SETTINGS_KEY: &str = "key";
const SETTINGS_VALUE: &str = "value";
/// The columns of the variants sheet.
const VARIANT_COLUMNS: [&str; 4] = ["variant", "description", "set", "value"];

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(Datetime),
    /// A TOML value written as its inline text: an array or a table.
    Toml(String),
}

/// One sheet: a header row of column names and the rows under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// One row of a sheet, with its number in the sheet (1 is the header) so
/// that messages name the row a person sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<Cell>,
}

/// A scenario's tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    pub sheets: Vec<Sheet>,
}

/// Where a value came from in a workbook or CSV folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub sheet: String,
    /// 1-based, as in the sheet.
    pub row: u32,
    /// 0-based column and its header; none: the whole row.
    pub column: Option<(u32, String)>,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some((c, name)) => {
                write!(f, "sheet `{}`, cell {}{} (column `{name}`)", self.sheet, column_letters(*c), self.row)
            }
            None => write!(f, "sheet `{}`, row {}", self.sheet, self.row),
        }
    }
}

/// Excel's letters for a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The place in the tables of every TOML path they produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    at: HashMap<String, Loc>,
}

impl Cells {
    fn put(&mut self, path: &Path, loc: Loc) {
        self.at.entry(path.to_string()).or_insert(loc);
    }
    /// The cell (or row) of the longest leading part of `path` that came from
    /// the tables: `site[3].km.value` → the `km` cell of the fourth site.
    pub fn find(&self, path: &Path) -> Option<&Loc> {
        (1..=path.0.len()).rev().find_map(|n| self.at.get(&Path(path.0[..n].to_vec()).to_string()))
    }
}

/// A document's tables.
pub fn from_toml(doc: &toml::Table) -> Book {
    let mut settings = Vec::new();
    let mut sheets = Vec::new();
    let mut variants = None;
    for (k, v) in doc {
        match v {
            Value::Array(a) if is_tables(a) => sheets.push(row_sheet(k, a)),
            Value::Table(t) if k == "variants" => variants = Some(variant_sheet(t)),
            Value::Table(t) if k == "calibration" => {
                let (rest, posterior) = posterior_sheet(t);
                table_into(&quote(k), &rest, &mut settings, &mut sheets);
                sheets.extend(posterior);
            }
            Value::Table(t) => table_into(&quote(k), t, &mut settings, &mut sheets),
            other => flatten(&quote(k), other, &mut settings),
        }
    }
    let rank = |s: &Sheet| SHEETS.iter().position(|(_, n)| *n == s.name).unwrap_or(SHEETS.len());
    sheets.sort_by_key(rank);
    let mut all = vec![settings_sheet(&settings)];
    all.extend(sheets);
    all.extend(variants);
    Book { sheets: all }
}

/// A table's fields into settings rows, its arrays of tables into sheets.
/// `prefix` is a dotted path of quoted keys.
fn table_into(prefix: &str, t: &toml::Table, settings: &mut Vec<Field>, sheets: &mut Vec<Sheet>) {
    if t.is_empty() {
        settings.push(Field { path: prefix.to_string(), value: Cell::Toml("{}".into()), prov: Vec::new() });
        return;
    }
    for (k, v) in t {
        let p = format!("{prefix}.{}", quote(k));
        match v {
            Value::Array(a) if is_tables(a) => sheets.push(row_sheet(&p, a)),
            Value::Table(sub) if !is_quantity(sub) && !sub.is_empty() => table_into(&p, sub, settings, sheets),
            other => flatten(&p, other, settings),
        }
    }
}

fn is_tables(a: &[Value]) -> bool {
    !a.is_empty() && a.iter().all(Value::is_table)
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Table(_))
}

/// `{ value = …, source = …, low = … }` with scalars only: one value and its
/// provenance.
fn is_quantity(t: &toml::Table) -> bool {
    t.contains_key("value") && t.values().all(is_scalar)
}

/// A key as a path segment: bare if it can be, else quoted.
fn quote(k: &str) -> String {
    toml_edit::Key::new(k).display_repr().into_owned()
}

/// One value at a dotted path, with the provenance beside it.
#[derive(Debug, Clone)]
struct Field {
    path: String,
    value: Cell,
    prov: Vec<(String, Cell)>,
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<Field>) {
    match v {
        Value::Table(t) if is_quantity(t) => {
            let prov = t.iter().filter(|(k, _)| *k != "value").map(|(k, v)| (quote(k), cell(v))).collect();
            out.push(Field { path: prefix.to_string(), value: cell(&t["value"]), prov });
        }
        Value::Table(t) if !t.is_empty() => {
            for (k, v) in t {
                flatten(&format!("{prefix}.{}", quote(k)), v, out);
            }
        }
        other => out.push(Field { path: prefix.to_string(), value: cell(other), prov: Vec::new() }),
    }
}

fn cell(v: &Value) -> Cell {
    match v {
        Value::String(s) => Cell::Text(s.clone()),
        Value::Integer(i) => Cell::Int(*i),
        Value::Float(f) => Cell::Float(*f),
        Value::Boolean(b) => Cell::Bool(*b),
        Value::Datetime(d) => Cell::Date(*d),
        Value::Array(_) | Value::Table(_) => Cell::Toml(v.to_string()),
    }
}

/// The sheet's name for an array of tables at `path`.
pub fn sheet_name(path: &str) -> String {
    SHEETS.iter().find(|(p, _)| *p == path).map_or_else(|| path.to_string(), |(_, n)| n.to_string())
}

/// The array of tables a sheet holds.
fn sheet_path(name: &str) -> String {
    SHEETS.iter().find(|(_, n)| *n == name).map_or_else(|| name.to_string(), |(p, _)| p.to_string())
}

/// The provenance keys in the order their columns take beside a value.
const PROVENANCE_ORDER: [&str; 5] = ["source", "confidence", "low", "high", "note"];

fn row_sheet(path: &str, rows: &[Value]) -> Sheet {
    // Columns: the fields in order of first appearance, each with its
    // provenance columns right beside it.
    let mut bases: Vec<String> = Vec::new();
    let mut provs: HashMap<String, Vec<String>> = HashMap::new();
    let mut fields_per_row = Vec::new();
    for r in rows {
        let mut fields = Vec::new();
        for (k, v) in r.as_table().into_iter().flatten() {
            flatten(&quote(k), v, &mut fields);
        }
        for f in &fields {
            if !provs.contains_key(&f.path) {
                bases.push(f.path.clone());
            }
            let p = provs.entry(f.path.clone()).or_default();
            for (k, _) in &f.prov {
                if !p.contains(k) {
                    p.push(k.clone());
                }
            }
        }
        fields_per_row.push(fields);
    }
    let rank = |k: &String| PROVENANCE_ORDER.iter().position(|p| p == k).unwrap_or(PROVENANCE_ORDER.len());
    let mut columns = Vec::new();
    for b in &bases {
        columns.push(b.clone());
        let mut p = provs[b].clone();
        p.sort_by_key(rank);
        columns.extend(p.into_iter().map(|k| format!("{b}.{k}")));
    }
    let index: HashMap<&str, usize> = columns.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let rows = fields_per_row
        .into_iter()
        .enumerate()
        .map(|(i, fields)| {
            let mut row = vec![Cell::Empty; columns.len()];
            for f in fields {
                row[index[f.path.as_str()]] = f.value;
                for (k, c) in f.prov {
                    row[index[format!("{}.{k}", f.path).as_str()]] = c;
                }
            }
            Row { number: i as u32 + 2, cells: row }
        })
        .collect();
    Sheet { name: sheet_name(path), columns, rows }
}

fn settings_sheet(fields: &[Field]) -> Sheet {
    let mut prov: Vec<String> = Vec::new();
    for f in fields {
        for (k, _) in &f.prov {
            if !prov.contains(k) {
                prov.push(k.clone());
            }
        }
    }
    prov.sort_by_key(|k| PROVENANCE_ORDER.iter().position(|p| p == k).unwrap_or(PROVENANCE_ORDER.len()));
    let mut columns = vec![SETTINGS_KEY.to_string(), SETTINGS_VALUE.to_string()];
    columns.extend(prov);
    let rows = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut cells = vec![Cell::Empty; columns.len()];
            cells[0] = Cell::Text(f.path.clone());
            cells[1] = f.value.clone();
            for (k, c) in &f.prov {
                if let Some(j) = columns.iter().position(|x| x == k) {
                    cells[j] = c.clone();
                }
            }
            Row { number: i as u32 + 2, cells }
        })
        .collect();
    Sheet { name: SETTINGS.into(), columns, rows }
}

/// The posterior as a sheet (if there is one), and the rest of `[calibration]`.
fn posterior_sheet(t: &toml::Table) -> (toml::Table, Option<Sheet>) {
    let inputs: Option<Vec<String>> = t
        .get("inputs")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(|v| v.as_str().map(String::from)).collect());
    let samples = t.get("samples").and_then(Value::as_array);
    let (Some(inputs), Some(samples)) = (inputs, samples) else { return (t.clone(), None) };
    let matrix = !inputs.is_empty()
        && samples.iter().all(|s| s.as_array().is_some_and(|r| r.len() == inputs.len() && r.iter().all(is_scalar)));
    if !matrix {
        return (t.clone(), None);
    }
    let rows = samples
        .iter()
        .enumerate()
        .map(|(i, s)| Row { number: i as u32 + 2, cells: s.as_array().into_iter().flatten().map(cell).collect() })
        .collect();
    let mut rest = t.clone();
    rest.remove("inputs");
    rest.remove("samples");
    (rest, Some(Sheet { name: POSTERIOR.into(), columns: inputs, rows }))
}

fn variant_sheet(t: &toml::Table) -> Sheet {
    let mut rows = Vec::new();
    for (name, v) in t {
        let Some(v) = v.as_table() else { continue };
        let description = v.get("description").map_or(Cell::Empty, cell);
        let sets: Vec<(&String, &Value)> = v.get("set").and_then(Value::as_table).into_iter().flatten().collect();
        if sets.is_empty() {
            rows.push(vec![Cell::Text(name.clone()), description.clone(), Cell::Empty, Cell::Empty]);
        }
        for (i, (path, value)) in sets.into_iter().enumerate() {
            let d = if i == 0 { description.clone() } else { Cell::Empty };
            // A set value has no type until applied: a whole float keeps its
            // TOML text (`1.0`), which a number cell would turn into 1.
            let value = match value {
                Value::Float(f) if f.fract() == 0.0 => Cell::Toml(value.to_string()),
                _ => cell(value),
            };
            rows.push(vec![Cell::Text(name.clone()), d, Cell::Text(path.clone()), value]);
        }
    }
    Sheet {
        name: VARIANTS.into(),
        columns: VARIANT_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows: rows.into_iter().enumerate().map(|(i, cells)| Row { number: i as u32 + 2, cells }).collect(),
    }
}

/// The tables as a TOML document, and where each of its values came from.
/// Problems name the sheet, row and column; all are reported at once.
pub fn to_toml(book: &Book) -> Result<(toml::Table, Cells), Vec<Diagnostic>> {
    let mut b = Builder::default();
    for s in &book.sheets {
        match s.name.as_str() {
            ABOUT | MOVEMENTS => {}
            SETTINGS => b.settings(s),
            VARIANTS => b.variants(s),
            POSTERIOR => b.posterior(s),
            _ => b.rows(s),
        }
    }
    if b.errors.is_empty() { Ok((b.doc, b.cells)) } else { Err(b.errors) }
}

/// The tables as the text of a scenario, for [`crate::load`], with the
/// places of its values for the diagnostics.
pub fn to_source(name: &str, book: &Book) -> Result<Source, Vec<Diagnostic>> {
    let (doc, cells) = to_toml(book)?;
    let text = toml::to_string(&doc).map_err(|e| {
        vec![Diagnostic::error(Path::root(), format!("the tables of {name} do not make a TOML document: {e}"))]
    })?;
    Ok(Source::new(name, text).with_cells(Arc::new(cells)))
}

#[derive(Default)]
struct Builder {
    doc: toml::Table,
    cells: Cells,
    errors: Vec<Diagnostic>,
}

/// A cell's value with where it goes.
struct Entry {
    keys: Vec<String>,
    value: Value,
    loc: Loc,
}

impl Builder {
    fn error(&mut self, loc: &Loc, message: String, expected: &str, hint: &str) {
        let mut d = Diagnostic::error(Path::root(), format!("{message} ({loc})")).expected(expected);
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.errors.push(d);
    }

    /// The header's keys per column; `None` for an empty or unreadable one.
    fn header(&mut self, s: &Sheet) -> Vec<Option<Vec<String>>> {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut out = Vec::new();
        for (c, name) in s.columns.iter().enumerate() {
            let loc = Loc { sheet: s.name.clone(), row: 1, column: Some((c as u32, name.clone())) };
            if name.trim().is_empty() {
                let used = s.rows.iter().any(|r| r.cells.get(c).is_some_and(|x| *x != Cell::Empty));
                if used {
                    self.error(
                        &loc,
                        "a column with values has no name".into(),
                        "a field name in row 1",
                        "name the column (e.g. `km`) or delete it",
                    );
                }
                out.push(None);
                continue;
            }
            if let Some(first) = seen.insert(name.as_str(), c as u32) {
                let m = format!("column `{name}` appears twice (also column {})", column_letters(first));
                self.error(&loc, m, "each field once per sheet", "delete or rename one of them");
            }
            match toml_edit::Key::parse(name.trim()) {
                Ok(keys) => out.push(Some(keys.iter().map(|k| k.get().to_string()).collect())),
                Err(_) => {
                    let m = format!("`{name}` is not a field name");
                    self.error(
                        &loc,
                        m,
                        "a field such as `km` or `km.source`",
                        "quote a key that has dots or spaces in it: `\"a.b\"`",
                    );
                    out.push(None);
                }
            }
        }
        out
    }

    fn value(&mut self, c: &Cell, loc: &Loc) -> Option<Value> {
        Some(match c {
            Cell::Empty => return None,
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Int(i) => Value::Integer(*i),
            Cell::Float(f) => Value::Float(*f),
            Cell::Bool(b) => Value::Boolean(*b),
            Cell::Date(d) => Value::Datetime(*d),
            Cell::Toml(t) => match parse_inline(t) {
                Some(v) => v,
                None => {
                    let m = format!("`{t}` is not a TOML value");
                    self.error(
                        loc,
                        m,
                        "a list like [2, 5] or a table like { from = 2023-09-01 }",
                        "check brackets, commas and quotes; text that starts with [ or { needs a leading '",
                    );
                    return None;
                }
            },
        })
    }

    /// Puts a row's entries under `base`: a column whose path leads other
    /// columns of the row (`km` with `km.source`) is their `value`.
    fn put(&mut self, base: &mut toml::Table, prefix: &Path, entries: Vec<Entry>) {
        let leads = |i: usize| {
            entries.iter().enumerate().any(|(j, e)| {
                j != i && e.keys.len() > entries[i].keys.len() && e.keys[..entries[i].keys.len()] == entries[i].keys[..]
            })
        };
        let targets: Vec<bool> = (0..entries.len()).map(leads).collect();
        for (e, lead) in entries.into_iter().zip(targets) {
            let mut keys = e.keys.clone();
            let mut path = prefix.clone();
            for k in &keys {
                path = path.key(k);
            }
            self.cells.put(&path, e.loc.clone());
            if lead {
                keys.push("value".into());
                self.cells.put(&path.key("value"), e.loc.clone());
            }
            if let Err(m) = insert(base, &keys, e.value) {
                self.error(
                    &e.loc,
                    m,
                    "one value per field",
                    "a field and its parts (`x` and `x.y`) cannot both hold a table",
                );
            }
        }
    }

    fn rows(&mut self, s: &Sheet) {
        let path = sheet_path(&s.name);
        let Ok(keys) = toml_edit::Key::parse(&path) else {
            let loc = Loc { sheet: s.name.clone(), row: 1, column: None };
            let known: Vec<&str> = SHEETS.iter().map(|(_, n)| *n).collect();
            self.error(
                &loc,
                format!("no table is called `{}`", s.name),
                &format!("one of the sheets {}", known.join(", ")),
                "rename the sheet, or name it `about` to have it skipped",
            );
            return;
        };
        let keys: Vec<String> = keys.iter().map(|k| k.get().to_string()).collect();
        let header = self.header(s);
        let mut prefix = Path::root();
        for k in &keys {
            prefix = prefix.key(k);
        }
        let mut array = Vec::new();
        for r in s.rows.iter().filter(|r| r.cells.iter().any(|c| *c != Cell::Empty)) {
            let at = prefix.index(array.len());
            self.cells.put(&at, Loc { sheet: s.name.clone(), row: r.number, column: None });
            let mut entries = Vec::new();
            for (c, cell) in r.cells.iter().enumerate() {
                let Some(Some(keys)) = header.get(c) else { continue };
                let loc = Loc { sheet: s.name.clone(), row: r.number, column: Some((c as u32, s.columns[c].clone())) };
                if let Some(value) = self.value(cell, &loc) {
                    entries.push(Entry { keys: keys.clone(), value, loc });
                }
            }
            let mut t = toml::Table::new();
            self.put(&mut t, &at, entries);
            array.push(Value::Table(t));
        }
        if array.is_empty() {
            return;
        }
        let loc = Loc { sheet: s.name.clone(), row: 1, column: None };
        if let Err(m) = insert(&mut self.doc, &keys, Value::Array(array)) {
            self.error(&loc, m, "one sheet per table", "merge the two sheets");
        }
    }

    fn settings(&mut self, s: &Sheet) {
        let header = self.header(s);
        let col = |name: &str| s.columns.iter().position(|c| c.trim() == name);
        let (Some(kc), Some(vc)) = (col(SETTINGS_KEY), col(SETTINGS_VALUE)) else {
            let loc = Loc { sheet: s.name.clone(), row: 1, column: None };
            self.error(
                &loc,
                "the settings sheet needs the columns `key` and `value`".into(),
                "row 1: key, value, then source, confidence, low, high, note",
                "",
            );
            return;
        };
        let mut doc = std::mem::take(&mut self.doc);
        for r in s.rows.iter().filter(|r| r.cells.iter().any(|c| *c != Cell::Empty)) {
            let loc_of =
                |c: usize| Loc { sheet: s.name.clone(), row: r.number, column: Some((c as u32, s.columns[c].clone())) };
            let key = match r.cells.get(kc) {
                Some(Cell::Text(k)) => k.clone(),
                _ => {
                    self.error(
                        &loc_of(kc),
                        "a setting has no key".into(),
                        "a dotted key such as `scenario.deadline` or `march.pace_variability`",
                        "fill in the key or delete the row",
                    );
                    continue;
                }
            };
            let Ok(base) = toml_edit::Key::parse(key.trim()) else {
                self.error(
                    &loc_of(kc),
                    format!("`{key}` is not a key"),
                    "a dotted key such as `scenario.deadline`",
                    "quote a part that has dots or spaces in it",
                );
                continue;
            };
            let base: Vec<String> = base.iter().map(|k| k.get().to_string()).collect();
            let mut entries = Vec::new();
            for (c, cell) in r.cells.iter().enumerate() {
                if c == kc {
                    continue;
                }
                let keys = if c == vc {
                    base.clone()
                } else {
                    let Some(Some(k)) = header.get(c) else { continue };
                    base.iter().chain(k).cloned().collect()
                };
                if let Some(value) = self.value(cell, &loc_of(c)) {
                    entries.push(Entry { keys, value, loc: loc_of(c) });
                }
            }
            self.cells.put(&Path(base.iter().map(|k| Seg::Key(k.clone())).collect()), loc_of(kc));
            self.put(&mut doc, &Path::root(), entries);
        }
        self.doc = doc;
    }

    fn posterior(&mut self, s: &Sheet) {
        let inputs = s.columns.iter().map(|c| Value::String(c.clone())).collect();
        let mut samples = Vec::new();
        for r in s.rows.iter().filter(|r| r.cells.iter().any(|c| *c != Cell::Empty)) {
            let mut row = Vec::new();
            for (c, cell) in r.cells.iter().enumerate().take(s.columns.len()) {
                let loc = Loc { sheet: s.name.clone(), row: r.number, column: Some((c as u32, s.columns[c].clone())) };
                match cell {
                    Cell::Int(i) => row.push(Value::Integer(*i)),
                    Cell::Float(f) => row.push(Value::Float(*f)),
                    _ => self.error(
                        &loc,
                        "a posterior sample is a number".into(),
                        "a number in every column",
                        "fill in the cell or delete the row",
                    ),
                }
            }
            samples.push(Value::Array(row));
        }
        let mut t = toml::Table::new();
        t.insert("inputs".into(), Value::Array(inputs));
        t.insert("samples".into(), Value::Array(samples));
        if let Err(m) = insert(&mut self.doc, &["calibration".into()], Value::Table(t)) {
            self.error(&Loc { sheet: s.name.clone(), row: 1, column: None }, m, "the posterior once", "");
        }
    }

    fn variants(&mut self, s: &Sheet) {
        let col = |name: &str| s.columns.iter().position(|c| c.trim() == name);
        let cols: Vec<Option<usize>> = VARIANT_COLUMNS.iter().map(|c| col(c)).collect();
        let (Some(nc), dc, sc, vc) = (cols[0], cols[1], cols[2], cols[3]) else {
            let loc = Loc { sheet: s.name.clone(), row: 1, column: None };
            self.error(
                &loc,
                "the variants sheet needs a `variant` column".into(),
                "row 1: variant, description, set, value",
                "",
            );
            return;
        };
        let mut variants = toml::Table::new();
        for r in s.rows.iter().filter(|r| r.cells.iter().any(|c| *c != Cell::Empty)) {
            let loc_of =
                |c: usize| Loc { sheet: s.name.clone(), row: r.number, column: Some((c as u32, s.columns[c].clone())) };
            let Some(Cell::Text(name)) = r.cells.get(nc) else {
                self.error(
                    &loc_of(nc),
                    "a variant row has no variant name".into(),
                    "the variant's name, e.g. `fuel-released`, on every row of it",
                    "",
                );
                continue;
            };
            self.cells.put(
                &Path::root().key("variants").key(name),
                Loc { sheet: s.name.clone(), row: r.number, column: None },
            );
            let v = variants.entry(name.clone()).or_insert_with(|| Value::Table(toml::Table::new()));
            let Value::Table(v) = v else { continue };
            if let Some(dc) = dc {
                match r.cells.get(dc) {
                    Some(Cell::Empty) | None => {}
                    Some(Cell::Text(d)) => {
                        if v.get("description").is_some_and(|x| x.as_str() != Some(d.as_str())) {
                            self.error(
                                &loc_of(dc),
                                format!("variant `{name}` has two descriptions"),
                                "its description once, on any of its rows",
                                "",
                            );
                        }
                        v.insert("description".into(), Value::String(d.clone()));
                    }
                    Some(_) => self.error(&loc_of(dc), "a description is text".into(), "text", ""),
                }
            }
            let set = sc.and_then(|c| r.cells.get(c)).cloned().unwrap_or(Cell::Empty);
            let value = vc.and_then(|c| r.cells.get(c)).cloned().unwrap_or(Cell::Empty);
            match (set, value) {
                (Cell::Empty, Cell::Empty) => {}
                (Cell::Text(path), value) => {
                    let at = loc_of(vc.unwrap_or(0));
                    let Some(value) = self.value(&value, &at) else {
                        self.error(
                            &at,
                            format!("`{path}` is set to nothing"),
                            "the value the variant gives the field",
                            "",
                        );
                        continue;
                    };
                    let sets = v.entry("set").or_insert_with(|| Value::Table(toml::Table::new()));
                    if let Value::Table(sets) = sets
                        && sets.insert(path.clone(), value).is_some()
                    {
                        self.error(
                            &at,
                            format!("variant `{name}` sets `{path}` twice"),
                            "each field once per variant",
                            "",
                        );
                    }
                }
                (_, _) => self.error(
                    &loc_of(sc.unwrap_or(0)),
                    "a value without the field it sets".into(),
                    "a path such as `plan.closure.kidal.date` in the `set` column",
                    "",
                ),
            }
        }
        if !variants.is_empty() {
            let loc = Loc { sheet: s.name.clone(), row: 1, column: None };
            if let Err(m) = insert(&mut self.doc, &["variants".into()], Value::Table(variants)) {
                self.error(&loc, m, "one variants sheet", "");
            }
        }
    }
}

/// Puts `value` at `keys` under `t`, making the tables on the way; tables
/// met there merge.
fn insert(t: &mut toml::Table, keys: &[String], value: Value) -> Result<(), String> {
    let (last, path) = keys.split_last().ok_or("an empty key")?;
    let mut here = t;
    for k in path {
        let next = here.entry(k.clone()).or_insert_with(|| Value::Table(toml::Table::new()));
        here = match next {
            Value::Table(t) => t,
            _ => return Err(format!("`{k}` is a value here and a table elsewhere")),
        };
    }
    match (here.get_mut(last), value) {
        (None, v) => {
            here.insert(last.clone(), v);
            Ok(())
        }
        (Some(Value::Table(a)), Value::Table(b)) => {
            for (k, v) in b {
                insert(a, &[k], v)?;
            }
            Ok(())
        }
        (Some(_), _) => Err(format!("`{}` is given twice", keys.join("."))),
    }
}

/// A cell's TOML text as a value.
fn parse_inline(text: &str) -> Option<Value> {
    let mut t: toml::Table = toml::from_str(&format!("v = {text}")).ok()?;
    t.remove("v")
}

/// What a text cell holds: a TOML array or table written as text, a date,
/// or text (a leading apostrophe says "text", and is dropped).
pub fn text_cell(s: &str) -> Cell {
    if let Some(rest) = s.strip_prefix('\'') {
        return Cell::Text(rest.to_string());
    }
    let t = s.trim();
    if (t.starts_with('[') || t.starts_with('{') || is_whole_float(t)) && parse_inline(t).is_some() {
        return Cell::Toml(t.to_string());
    }
    if let Some(d) = as_date(t) {
        return Cell::Date(d);
    }
    Cell::Text(s.to_string())
}

/// `1.0`: a float written as TOML text so that it stays a float.
fn is_whole_float(t: &str) -> bool {
    t.strip_suffix(".0").is_some_and(|i| !i.is_empty() && i.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()))
}

/// `2023-10-31` (or a TOML datetime on that day) as a TOML date.
fn as_date(s: &str) -> Option<Datetime> {
    let b = s.as_bytes();
    let shaped =
        b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..10].iter().filter(|c| c.is_ascii_digit()).count() == 8;
    if !shaped {
        return None;
    }
    s.parse::<Datetime>().ok().filter(|d| d.date.is_some())
}

/// A text as written into a text cell: with an apostrophe in front if
/// `read` would take it for something else.
fn escape_text(s: &str, read: impl Fn(&str) -> Cell) -> String {
    if read(s) == Cell::Text(s.to_string()) { s.to_string() } else { format!("'{s}") }
}

impl Source {
    /// The places in a workbook or CSV folder of the values of this text.
    pub fn with_cells(mut self, cells: Arc<Cells>) -> Self {
        self.cells = Some(cells);
        self
    }
}

/// How a scenario file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Xlsx,
    /// A folder with one CSV file per sheet.
    CsvFolder,
}

impl Format {
    /// From a path: a folder is CSV, `.xlsx` a workbook, anything else TOML.
    pub fn of(path: &std::path::Path) -> Format {
        if path.is_dir() {
            return Format::CsvFolder;
        }
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xlsx" | "xlsm") => Format::Xlsx,
            _ => Format::Toml,
        }
    }
}

/// Reads a workbook or CSV folder as a scenario source.
pub fn read(path: &std::path::Path) -> Result<Source, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let book = match Format::of(path) {
        Format::Xlsx => {
            let bytes = std::fs::read(path).map_err(|e| {
                vec![Diagnostic::error(Path::root(), format!("cannot read {name}: {e}")).hint("check the path")]
            })?;
            xlsx::read(&bytes, &name)?
        }
        Format::CsvFolder => csv::read_dir(path)?,
        Format::Toml => return Source::read(path).map_err(|d| vec![d]),
    };
    to_source(&name, &book)
}

#[cfg(test)]
mod tests;
