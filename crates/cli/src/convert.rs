//! `drawdown convert`: a scenario between TOML, an Excel workbook and a
//! folder of CSV files (the tables of `drawdown_model::sheets`);
//! `drawdown template`: the workbook a new mission starts from.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use drawdown_model::sheets::{self, Book};

use crate::diagnostics::{print_diagnostics, print_failure};

/// How a scenario is written.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum To {
    /// An Excel workbook, one sheet per table.
    Xlsx,
    /// A folder with one CSV file per table (UTF-8 with a byte-order mark).
    Csv,
    /// The scenario format's TOML.
    Toml,
}

impl To {
    /// From the output path: `.xlsx` a workbook, `.toml` TOML, else a folder.
    fn of(out: &Path) -> To {
        match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xlsx") => To::Xlsx,
            Some("toml") => To::Toml,
            _ => To::Csv,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The scenario: a TOML file, a workbook (.xlsx), a folder of CSV files,
    /// or an embedded scenario's id (minusma-2023, minusma-2023-raw).
    pub file: PathBuf,
    /// What to write; by default from --out (.xlsx, .toml, else a CSV folder).
    #[arg(long, value_enum)]
    pub to: Option<To>,
    /// Where to write it (atomically; a CSV folder is replaced whole).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct TemplateArgs {
    /// Where to write the template: a workbook (.xlsx), a CSV folder, or TOML.
    #[arg(long, value_name = "PATH", default_value = "mission.xlsx")]
    pub out: PathBuf,
    /// What to write; by default from --out.
    #[arg(long, value_enum)]
    pub to: Option<To>,
}

pub fn run(args: Args) -> ExitCode {
    let Ok(src) = drawdown_model::open::scenario_source(Some(&args.file)).map_err(|f| print_failure(&f)) else {
        return ExitCode::from(1);
    };
    // A scenario with errors is not converted: its tables would carry them on.
    match drawdown_model::load(&src) {
        Ok(_) => {}
        Err(d) => {
            print_diagnostics(&src, &d);
            eprintln!("error: {} is not converted: fix the errors above first (`drawdown check`)", src.name);
            return ExitCode::from(1);
        }
    }
    let to = args.to.unwrap_or_else(|| To::of(&args.out));
    let text = match to {
        To::Toml if src.cells.is_none() => src.text.clone(),
        To::Toml => format!("# Converted by `drawdown convert` from {}.\n{}", src.name, src.text),
        _ => String::new(),
    };
    let book = match toml::from_str::<toml::Table>(&src.text) {
        Ok(doc) => sheets::from_toml(&doc),
        Err(e) => {
            eprintln!("error: {}: {e}", src.name);
            return ExitCode::from(1);
        }
    };
    finish(write(&book, &text, to, &args.out), &args.out, &book, to)
}

pub fn template(args: TemplateArgs) -> ExitCode {
    let to = args.to.unwrap_or_else(|| To::of(&args.out));
    let book = sheets::template::book();
    let r = write(&book, sheets::template::EXAMPLE, to, &args.out);
    let code = finish(r, &args.out, &book, to);
    if code == ExitCode::SUCCESS {
        eprintln!(
            "the example rows describe a made-up mission: replace them with yours, then `drawdown check {}`",
            args.out.display()
        );
    }
    code
}

fn write(book: &Book, toml_text: &str, to: To, out: &Path) -> Result<(), String> {
    match to {
        To::Toml => crate::atomic::write_atomic(out, toml_text.as_bytes()),
        To::Xlsx => crate::atomic::write_atomic(out, &sheets::xlsx::write(book)?),
        To::Csv => {
            let files = sheets::csv::write(book)?;
            // Sheets of an earlier conversion are replaced with the rest.
            let mut ours: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
            if let Ok(entries) = std::fs::read_dir(out) {
                ours.extend(
                    entries
                        .flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| n.to_ascii_lowercase().ends_with(".csv")),
                );
            }
            let names: Vec<&str> = ours.iter().map(String::as_str).collect();
            let dir = crate::atomic::AtomicDir::create(out, &names)?;
            for (name, bytes) in &files {
                let p = dir.path().join(name);
                std::fs::write(&p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            }
            dir.commit()
        }
    }
}

fn finish(r: Result<(), String>, out: &Path, book: &Book, to: To) -> ExitCode {
    match r {
        Ok(()) => {
            let rows: usize = book.sheets.iter().map(|s| s.rows.len()).sum();
            let what = match to {
                To::Toml => "TOML".to_string(),
                To::Xlsx => format!("a workbook of {} sheets, {rows} rows", book.sheets.len()),
                To::Csv => format!("{} CSV files, {rows} rows", book.sheets.len()),
            };
            eprintln!("wrote {}: {what}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
