//! `simulate --csv DIR` and `--parquet FILE`: tables for people who continue
//! in pandas, R or a spreadsheet. (Being written.)

use std::path::Path;

use drawdown_engine::{Outcome, World};
use serde_json::Value;

/// Streams per-replication rows while the simulation runs, then writes the
/// summary tables.
pub struct Exporter;

impl Exporter {
    pub fn new(_w: &World, csv_dir: Option<&Path>, parquet: Option<&Path>) -> Result<Option<Exporter>, String> {
        if csv_dir.is_none() && parquet.is_none() {
            return Ok(None);
        }
        Err("exports are not implemented yet".into())
    }
    pub fn row(&mut self, _replication: u64, _o: &Outcome) -> Result<(), String> {
        Ok(())
    }
    pub fn finish(self, _report: &Value) -> Result<(), String> {
        Ok(())
    }
}
