//! Tables as an Excel workbook: written with `rust_xlsxwriter`, read with
//! `calamine`.
//!
//! Written: one worksheet per sheet, the header row bold and frozen, a note
//! on each header cell saying what the column holds (its unit and bounds,
//! or its choices), a drop-down list on the columns that take one of a few
//! words, dates as Excel dates. Read: the first used row of a worksheet is
//! its header; whole numbers are integers (Excel keeps every number as a
//! float), dates are dates.

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Note, Workbook, Worksheet, XlsxError};

use super::{Book, Cell, Row, Sheet, escape_text, template, text_cell};
use crate::diag::{Diagnostic, Path};

/// Rows under the header that a column's drop-down list covers beyond
/// the rows written.
const VALIDATED_SPARE_ROWS: u32 = 1_000;
/// Widest a column is made by fitting it to its contents (in characters).
const MAX_WIDTH: u32 = 60;
/// Excel's default font, about seven pixels a character.
const PIXELS_PER_CHARACTER: u32 = 7;

/// The workbook's bytes.
pub fn write(book: &Book) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let decimal = Format::new().set_num_format(WHOLE_DECIMAL);
    for s in &book.sheets {
        let ws = wb.add_worksheet();
        sheet(ws, s, &Formats { bold: &bold, date: &date, decimal: &decimal })
            .map_err(|e| format!("sheet `{}`: {e}", s.name))?;
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// The number format of a whole number written as a decimal (`6.0`): it
/// reads back as a decimal, since the scenario format tells `6.0` from `6`
/// (a sourced value written whole is drawn in whole numbers).
const WHOLE_DECIMAL: &str = "0.0";

struct Formats<'a> {
    bold: &'a Format,
    date: &'a Format,
    decimal: &'a Format,
}

fn sheet(ws: &mut Worksheet, s: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    let (bold, date) = (f.bold, f.date);
    ws.set_name(&s.name)?;
    for (c, name) in s.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, name, bold)?;
        if let Some(note) = template::note(&s.name, name) {
            ws.insert_note(0, c, &Note::new(note).add_author_prefix(false))?;
        }
        if let Some(words) = template::choices(&s.name, name) {
            let last = s.rows.len() as u32 + VALIDATED_SPARE_ROWS;
            let dv = DataValidation::new().allow_list_strings(&words)?;
            ws.add_data_validation(1, c, last, c, &dv)?;
        }
    }
    for (r, row) in s.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    ws.write_string(r, c, escape_text(t, text_cell))?;
                }
                Cell::Int(i) => {
                    ws.write_number(r, c, *i as f64)?;
                }
                Cell::Float(x) if x.fract() == 0.0 => {
                    ws.write_number_with_format(r, c, *x, f.decimal)?;
                }
                Cell::Float(x) => {
                    ws.write_number(r, c, *x)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b)?;
                }
                Cell::Date(d) => match d.date.filter(|_| d.time.is_none() && d.offset.is_none()) {
                    Some(day) => {
                        let x = ExcelDateTime::from_ymd(day.year, day.month, day.day)?;
                        ws.write_datetime_with_format(r, c, &x, date)?;
                    }
                    // With a time of day: its TOML text, which reads back as a datetime.
                    None => {
                        ws.write_string(r, c, d.to_string())?;
                    }
                },
                Cell::Toml(t) => {
                    ws.write_string(r, c, t)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_autofit_max_width(MAX_WIDTH * PIXELS_PER_CHARACTER).autofit();
    Ok(())
}

/// Reads a workbook's sheets. `name` is the file, for messages.
pub fn read(bytes: &[u8], name: &str) -> Result<Book, Vec<Diagnostic>> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
        vec![
            Diagnostic::error(Path::root(), format!("{name} is not an Excel workbook: {e}"))
                .expected("an .xlsx file (Excel 2007 or later)")
                .hint("save it from Excel as \"Excel Workbook (.xlsx)\"; `drawdown template --out mission.xlsx` writes an empty one"),
        ]
    })?;
    let mut sheets = Vec::new();
    let mut errors = Vec::new();
    for sheet_name in wb.sheet_names() {
        let range = match wb.worksheet_range(&sheet_name) {
            Ok(r) => r,
            Err(e) => {
                errors
                    .push(Diagnostic::error(Path::root(), format!("cannot read sheet `{sheet_name}` of {name}: {e}")));
                continue;
            }
        };
        let Some((top, left)) = range.start() else { continue };
        let styles = wb.worksheet_style(&sheet_name).ok();
        let decimal_format = |row: u32, col: u32| {
            let nf = styles.as_ref().and_then(|s| s.get((row, col))).and_then(|s| s.number_format.as_ref());
            nf.is_some_and(|f| f.format_code.contains('.') || matches!(f.format_id, Some(2 | 4 | 10 | 11)))
        };
        let mut rows = range.rows();
        let Some(head) = rows.next() else { continue };
        let mut columns: Vec<String> = vec![String::new(); left as usize];
        columns.extend(head.iter().map(|c| c.to_string().trim().to_string()));
        let mut out = Vec::new();
        for (i, r) in rows.enumerate() {
            let number = top + i as u32 + 2;
            let mut cells = vec![Cell::Empty; left as usize];
            for (j, d) in r.iter().enumerate() {
                let whole_decimal =
                    matches!(d, Data::Float(x) if x.fract() == 0.0) && decimal_format(number - 1, left + j as u32);
                match cell(d, whole_decimal) {
                    Ok(c) => cells.push(c),
                    Err(m) => {
                        let col = left + j as u32;
                        let loc = super::Loc {
                            sheet: sheet_name.clone(),
                            row: number,
                            column: Some((col, columns.get(col as usize).cloned().unwrap_or_default())),
                        };
                        errors.push(
                            Diagnostic::error(Path::root(), format!("{m} ({loc})"))
                                .expected("a number, a date, text or TRUE/FALSE")
                                .hint("fix the formula or type the value"),
                        );
                        cells.push(Cell::Empty);
                    }
                }
            }
            out.push(Row { number, cells });
        }
        sheets.push(Sheet { name: sheet_name.clone(), columns, rows: out });
    }
    if errors.is_empty() { Ok(Book { sheets }) } else { Err(errors) }
}

/// Largest whole number a float holds exactly.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// A cell's value; `decimal`: a whole number formatted with decimals.
fn cell(d: &Data, decimal: bool) -> Result<Cell, String> {
    Ok(match d {
        Data::Empty => Cell::Empty,
        Data::Float(f) if decimal => Cell::Float(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < EXACT_INT => Cell::Int(*f as i64),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => text_cell(s),
        Data::DateTime(x) => {
            let dt = x.as_datetime().ok_or_else(|| format!("the date {} is out of range", x.as_f64()))?;
            let text = if dt.time() == chrono::NaiveTime::MIN {
                dt.date().format("%Y-%m-%d").to_string()
            } else {
                dt.format("%Y-%m-%dT%H:%M:%S").to_string()
            };
            Cell::Date(text.parse().map_err(|_| format!("the date {text} cannot be read"))?)
        }
        Data::DateTimeIso(s) => Cell::Date(s.parse().map_err(|_| format!("the date `{s}` cannot be read"))?),
        Data::DurationIso(s) => return Err(format!("the cell holds a duration ({s})")),
        Data::Error(e) => return Err(format!("the cell holds the Excel error {e}")),
    })
}
