//! `simulate --csv DIR` and `--parquet FILE`: tables for people who continue
//! in pandas, R or a spreadsheet.
//!
//! The per-replication table (`replications.csv`, the Parquet file) is
//! streamed while the simulation runs: one row per replication, written as it
//! comes, so memory does not grow with the number of runs (Parquet buffers one
//! row group of `ROW_GROUP` rows). The summary tables (`daily.csv`,
//! `sites.csv`, `convoys.csv`, `summary.csv`) are written at the end from the
//! JSON report. The CSV tables are written into a temporary directory beside
//! DIR that takes DIR's place at once when the whole run succeeded (`AtomicDir`):
//! a run that fails or is killed leaves the previous set whole, never new
//! tables beside old ones. The Parquet file is written atomically on its own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use drawdown_engine::replications::{Cell, Column, Kind, Table};
use drawdown_engine::result::{ConvoyRow, DailyRow, SiteRow};
use drawdown_engine::stats::Q;
use drawdown_engine::{Outcome, SimResult, World};
use parquet::basic::{Compression, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::atomic::{AtomicDir, AtomicFile};

/// Rows per Parquet row group.
const ROW_GROUP: usize = 8192;

/// Streams per-replication rows while the simulation runs, then writes the
/// summary tables.
pub struct Exporter {
    table: Table,
    /// The current row, reused.
    cells: Vec<Cell>,
    csv: Option<CsvOut>,
    parquet: Option<ParquetOut>,
}

impl Exporter {
    pub fn new(w: &World, csv_dir: Option<&Path>, parquet: Option<&Path>) -> Result<Option<Exporter>, String> {
        if csv_dir.is_none() && parquet.is_none() {
            return Ok(None);
        }
        let table = Table::new(w);
        // A Parquet file inside the CSV directory is one of the set.
        let in_set = parquet.filter(|p| csv_dir.is_some() && p.parent() == csv_dir).and_then(|p| p.file_name());
        let csv = match csv_dir {
            Some(dir) => {
                let extra = in_set.map(|n| n.to_string_lossy().into_owned());
                Some(CsvOut::create(dir, extra.as_deref(), &table.columns)?)
            }
            None => None,
        };
        let parquet = match (parquet, &csv, in_set) {
            (Some(_), Some(set), Some(name)) => Some(ParquetOut::create(&set.dir.path().join(name), &table.columns)?),
            (Some(path), ..) => Some(ParquetOut::create(path, &table.columns)?),
            (None, ..) => None,
        };
        let cells = Vec::with_capacity(table.columns.len());
        Ok(Some(Exporter { table, cells, csv, parquet }))
    }

    pub fn row(&mut self, replication: u64, o: &Outcome) -> Result<(), String> {
        self.table.row(replication, o, &mut self.cells);
        if let Some(out) = &mut self.csv {
            out.row(&self.cells)?;
        }
        if let Some(out) = &mut self.parquet {
            out.row(&self.cells)?;
        }
        Ok(())
    }

    /// Writes the summary tables and puts every file in place. Until this
    /// returns `Ok`, no target path has been touched.
    pub fn finish(self, result: &SimResult) -> Result<(), String> {
        let mut ready: Vec<AtomicFile> = Vec::new();
        let mut set = None;
        if let Some(out) = self.csv {
            let dir = out.dir.path().to_path_buf();
            ready.push(out.replications.finish()?);
            ready.push(table(&dir.join("daily.csv"), &daily_cols(), &result.daily)?);
            ready.push(table(&dir.join("sites.csv"), &site_cols(), &result.sites)?);
            ready.push(table(&dir.join("convoys.csv"), &convoy_cols(), &result.convoys)?);
            ready.push(summary_table(&dir.join("summary.csv"), result)?);
            set = Some(out.dir);
        }
        if let Some(out) = self.parquet {
            ready.push(out.finish()?);
        }
        // Files in the set go into its temporary directory; then the set takes
        // the place of the previous one at once. A Parquet file elsewhere is
        // in place once renamed.
        for f in ready {
            f.commit()?;
        }
        if let Some(set) = set {
            set.commit()?;
        }
        Ok(())
    }
}

/// An `AtomicFile` as an owned writer (for `csv::Writer` and Parquet).
struct Sink(AtomicFile);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.writer().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.writer().write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.writer().flush()
    }
}

/// A CSV table being written to a temporary file.
struct CsvFile {
    path: PathBuf,
    out: csv::Writer<Sink>,
}

impl CsvFile {
    fn create(path: &Path, header: impl IntoIterator<Item = impl AsRef<[u8]>>) -> Result<CsvFile, String> {
        let sink = Sink(AtomicFile::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?);
        let mut f =
            CsvFile { path: path.to_path_buf(), out: csv::WriterBuilder::new().flexible(false).from_writer(sink) };
        f.out.write_record(header).map_err(|e| f.err(e))?;
        Ok(f)
    }

    fn err(&self, e: impl std::fmt::Display) -> String {
        format!("cannot write {}: {e}", self.path.display())
    }

    /// Flushes the CSV buffer; the file is then ready to commit.
    fn finish(self) -> Result<AtomicFile, String> {
        let path = self.path;
        self.out.into_inner().map(|s| s.0).map_err(|e| format!("cannot write {}: {}", path.display(), e.error()))
    }
}

/// The CSV tables' file names.
const CSV_FILES: [&str; 5] = ["replications.csv", "daily.csv", "sites.csv", "convoys.csv", "summary.csv"];

struct CsvOut {
    /// The set being written (in place at `commit`).
    dir: AtomicDir,
    replications: CsvFile,
    /// Formatting buffer, reused.
    buf: String,
}

impl CsvOut {
    /// `extra`: the name of a Parquet file written into the same directory.
    fn create(dir: &Path, extra: Option<&str>, columns: &[Column]) -> Result<CsvOut, String> {
        let ours: Vec<&str> = CSV_FILES.iter().copied().chain(extra).collect();
        let set = AtomicDir::create(dir, &ours).map_err(|e| format!("cannot write CSV tables: {e}"))?;
        let replications =
            CsvFile::create(&set.path().join("replications.csv"), columns.iter().map(|c| c.name.as_bytes()))?;
        Ok(CsvOut { dir: set, replications, buf: String::new() })
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), String> {
        use std::fmt::Write as _;
        let f = &mut self.replications;
        for cell in cells {
            self.buf.clear();
            let _ = match *cell {
                Cell::Int(v) | Cell::OptInt(Some(v)) => write!(self.buf, "{v}"),
                Cell::Bool(b) => write!(self.buf, "{}", u8::from(b)),
                Cell::OptInt(None) => Ok(()),
            };
            f.out.write_field(&self.buf).map_err(|e| f.err(e))?;
        }
        f.out.write_record(None::<&[u8]>).map_err(|e| f.err(e))
    }
}

/// One buffered Parquet column (a row group's worth).
enum Buffer {
    Int(Vec<i64>),
    Bool(Vec<bool>),
    /// Values of the non-null cells, and a definition level per row (0 = null).
    OptInt(Vec<i64>, Vec<i16>),
}

struct ParquetOut {
    path: PathBuf,
    writer: SerializedFileWriter<Sink>,
    buffers: Vec<Buffer>,
    rows: usize,
}

impl ParquetOut {
    fn create(path: &Path, columns: &[Column]) -> Result<ParquetOut, String> {
        let err = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
        if path.is_dir() {
            return Err(format!("cannot write {}: it is a directory", path.display()));
        }
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(format!("cannot write {}: directory {} does not exist", path.display(), parent.display()));
        }
        let fields = columns
            .iter()
            .map(|c| {
                let (ty, rep) = match c.kind {
                    Kind::Int => (PhysicalType::INT64, Repetition::REQUIRED),
                    Kind::Bool => (PhysicalType::BOOLEAN, Repetition::REQUIRED),
                    Kind::OptInt => (PhysicalType::INT64, Repetition::OPTIONAL),
                };
                Type::primitive_type_builder(&c.name, ty).with_repetition(rep).build().map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| err(&e))?;
        let schema = Type::group_type_builder("replication").with_fields(fields).build().map_err(|e| err(&e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .set_created_by(format!("drawdown {}", env!("CARGO_PKG_VERSION")))
            .build();
        let sink = Sink(AtomicFile::create(path).map_err(|e| err(&e))?);
        let writer = SerializedFileWriter::new(sink, Arc::new(schema), Arc::new(props)).map_err(|e| err(&e))?;
        let buffers = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Int => Buffer::Int(Vec::with_capacity(ROW_GROUP)),
                Kind::Bool => Buffer::Bool(Vec::with_capacity(ROW_GROUP)),
                Kind::OptInt => Buffer::OptInt(Vec::with_capacity(ROW_GROUP), Vec::with_capacity(ROW_GROUP)),
            })
            .collect();
        Ok(ParquetOut { path: path.to_path_buf(), writer, buffers, rows: 0 })
    }

    fn err(&self, e: impl std::fmt::Display) -> String {
        format!("cannot write {}: {e}", self.path.display())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), String> {
        for (b, cell) in self.buffers.iter_mut().zip(cells) {
            match (b, *cell) {
                (Buffer::Int(v), Cell::Int(x)) => v.push(to_i64(x)),
                (Buffer::Bool(v), Cell::Bool(x)) => v.push(x),
                (Buffer::OptInt(v, def), Cell::OptInt(x)) => {
                    def.push(i16::from(x.is_some()));
                    if let Some(x) = x {
                        v.push(to_i64(x));
                    }
                }
                _ => return Err(self.err("internal error: a cell does not match its column")),
            }
        }
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), String> {
        if self.rows == 0 {
            return Ok(());
        }
        let path = &self.path;
        let err = |e: parquet::errors::ParquetError| format!("cannot write {}: {e}", path.display());
        let mut group = self.writer.next_row_group().map_err(err)?;
        for b in &mut self.buffers {
            let Some(mut col) = group.next_column().map_err(err)? else {
                return Err(format!("cannot write {}: internal error: fewer columns than buffers", path.display()));
            };
            match b {
                Buffer::Int(v) => {
                    col.typed::<Int64Type>().write_batch(v, None, None).map_err(err)?;
                    v.clear();
                }
                Buffer::Bool(v) => {
                    col.typed::<BoolType>().write_batch(v, None, None).map_err(err)?;
                    v.clear();
                }
                Buffer::OptInt(v, def) => {
                    col.typed::<Int64Type>().write_batch(v, Some(def), None).map_err(err)?;
                    v.clear();
                    def.clear();
                }
            }
            col.close().map_err(err)?;
        }
        group.close().map_err(err)?;
        self.rows = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; the file is then ready to commit.
    fn finish(mut self) -> Result<AtomicFile, String> {
        self.flush()?;
        let path = self.path;
        let sink = self.writer.into_inner().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(sink.0)
    }
}

fn to_i64(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

/// A summary-table column: its header and its cell in one row.
type Col<T> = (&'static str, fn(&T) -> String);

/// A number as in the JSON result (`5.0`, `0.25`); empty for `None`.
fn n(x: f64) -> String {
    serde_json::Number::from_f64(x).map_or_else(String::new, |v| v.to_string())
}

fn opt(x: Option<f64>) -> String {
    x.map(n).unwrap_or_default()
}

fn day(d: Option<drawdown_model::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The four columns of a distribution: mean, P5, P50, P95.
macro_rules! q_cols {
    ($t:ty, $name:literal, $($field:tt)+) => {
        [
            (concat!($name, "_mean"), (|r: &$t| n(r.$($field)+.mean)) as fn(&$t) -> String),
            (concat!($name, "_p5"), |r: &$t| n(r.$($field)+.p5)),
            (concat!($name, "_p50"), |r: &$t| n(r.$($field)+.p50)),
            (concat!($name, "_p95"), |r: &$t| n(r.$($field)+.p95)),
        ]
    };
}

fn daily_cols() -> Vec<Col<DailyRow>> {
    let mut c: Vec<Col<DailyRow>> = vec![("date", |r| r.date.to_string())];
    c.extend(q_cols!(DailyRow, "personnel_departed", personnel_departed));
    c.extend(q_cols!(DailyRow, "sites_closed", sites_closed));
    c
}

fn site_cols() -> Vec<Col<SiteRow>> {
    vec![
        ("id", |r| r.id.clone()),
        ("name", |r| r.name.clone()),
        ("planned_closure", |r| day(r.planned_closure)),
        ("historical_closure", |r| day(r.historical_closure)),
        ("p_closed", |r| n(r.p_closed)),
        ("closed_p5", |r| day(r.closed_on.p5)),
        ("closed_p50", |r| day(r.closed_on.p50)),
        ("closed_p95", |r| day(r.closed_on.p95)),
        ("handover_state", |r| n(r.handover.state)),
        ("handover_armed_group", |r| n(r.handover.armed_group)),
    ]
}

fn convoy_cols() -> Vec<Col<ConvoyRow>> {
    let mut c: Vec<Col<ConvoyRow>> = vec![
        ("id", |r| r.id.clone()),
        ("from", |r| r.from.clone()),
        ("to", |r| r.to.clone()),
        ("p_departed", |r| n(r.p_departed)),
        ("departed_p5", |r| day(r.departed.p5)),
        ("departed_p50", |r| day(r.departed.p50)),
        ("departed_p95", |r| day(r.departed.p95)),
        ("days_mean", |r| opt(r.days.mean)),
        ("days_p5", |r| opt(r.days.p5)),
        ("days_p50", |r| opt(r.days.p50)),
        ("days_p95", |r| opt(r.days.p95)),
    ];
    c.extend(q_cols!(ConvoyRow, "incidents", incidents));
    c.extend(q_cols!(ConvoyRow, "wounded", wounded));
    c.extend(q_cols!(ConvoyRow, "killed", killed));
    c
}

/// Writes a summary table (not yet committed).
fn table<T>(path: &Path, cols: &[Col<T>], rows: &[T]) -> Result<AtomicFile, String> {
    let mut f = CsvFile::create(path, cols.iter().map(|(h, _)| h))?;
    for r in rows {
        f.out.write_record(cols.iter().map(|(_, cell)| cell(r))).map_err(|e| f.err(e))?;
    }
    f.finish()
}

/// `summary.csv`: one row per headline quantity. Distributions give mean and
/// quantiles; single numbers (a probability, a mean, a rate) only the mean
/// column. Groups are named with dots (`equipment.repatriated`).
fn summary_table(path: &Path, r: &SimResult) -> Result<AtomicFile, String> {
    let h = &r.summary;
    let dist = |name: String, q: &Q| [name, n(q.mean), n(q.p5), n(q.p50), n(q.p95)];
    let single = |name: &str, x: f64| [name.to_string(), n(x), String::new(), String::new(), String::new()];
    let mut rows = vec![
        dist("personnel_departed_by_deadline".into(), &h.personnel_departed_by_deadline),
        dist("sites_closed_by_deadline".into(), &h.sites_closed_by_deadline),
        single("p_all_sites_closed_by_deadline", h.p_all_sites_closed_by_deadline),
        dist("wounded".into(), &h.wounded),
        dist("killed".into(), &h.killed),
    ];
    rows.extend(h.equipment.iter().map(|(f, q)| dist(format!("equipment.{}", f.as_str()), q)));
    rows.push(single("flight_clearances.requested", h.flight_clearances.requested_mean));
    rows.push(single("flight_clearances.approval_rate", h.flight_clearances.approval_rate));
    rows.push(dist("personnel_road_kkm".into(), &h.personnel_road_kkm));
    rows.push(dist("vehicles_damaged".into(), &h.vehicles_damaged));
    let mut f = CsvFile::create(path, ["metric", "mean", "p5", "p50", "p95"])?;
    for row in &rows {
        f.out.write_record(row).map_err(|e| f.err(e))?;
    }
    f.finish()
}
