//! The per-replication table: one row per replication (its headline
//! figures, equipment by fate, flight clearances, events, each closing
//! site's day of closure). The columns are named and typed here once for
//! every consumer: `simulate --csv` and `--parquet`, and the Python
//! package's DataFrame.

use crate::outcome::{Fate, Outcome};
use crate::world::{MIN_PER_DAY, World};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number.
    Int,
    Bool,
    /// A whole number or nothing (a site not closed within the horizon).
    OptInt,
}

/// One column: its name (snake_case, unique) and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One cell of a row, of its column's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Int(u64),
    Bool(bool),
    OptInt(Option<u64>),
}

/// The columns of a world's per-replication table.
#[derive(Clone, Debug)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Site index of each `closed_day_<site>` column, in column order.
    closed_sites: Vec<usize>,
}

impl Table {
    /// The columns for `w`: the sites with a planned closure get a
    /// `closed_day_<site>` column each, in site order.
    pub fn new(w: &World) -> Table {
        let int = |name: &str| Column { name: name.to_string(), kind: Kind::Int };
        let mut columns = vec![
            int("replication"),
            int("personnel_departed_by_deadline"),
            int("sites_closed_by_deadline"),
            Column { name: "all_sites_closed_by_deadline".into(), kind: Kind::Bool },
            int("wounded"),
            int("killed"),
        ];
        for f in Fate::ALL {
            columns.push(int(&format!("equipment_{}", f.as_str())));
        }
        columns.push(int("clearances_requested"));
        columns.push(int("clearances_approved"));
        columns.push(int("events"));
        let mut closed_sites = Vec::new();
        for (i, site) in w.sites.iter().enumerate() {
            if w.closures.iter().any(|c| c.site as usize == i) {
                // Ids are lower-case letters, digits, `_` and `-`; make them snake_case
                // and keep names unique should two ids differ only in `-` vs `_`.
                let base = format!("closed_day_{}", site.id.replace('-', "_"));
                let mut name = base.clone();
                let mut k = 2;
                while columns.iter().any(|c| c.name == name) {
                    name = format!("{base}_{k}");
                    k += 1;
                }
                columns.push(Column { name, kind: Kind::OptInt });
                closed_sites.push(i);
            }
        }
        Table { columns, closed_sites }
    }

    /// Replication `replication`'s row, written into `cells` (cleared first;
    /// one cell per column, in order).
    pub fn row(&self, replication: u64, o: &Outcome, cells: &mut Vec<Cell>) {
        cells.clear();
        cells.push(Cell::Int(replication));
        cells.push(Cell::Int(u64::from(o.departed_by_deadline)));
        cells.push(Cell::Int(u64::from(o.sites_closed_by_deadline)));
        cells.push(Cell::Bool(o.all_closed_by_deadline));
        cells.push(Cell::Int(u64::from(o.wounded)));
        cells.push(Cell::Int(u64::from(o.killed)));
        for f in Fate::ALL {
            cells.push(Cell::Int(u64::from(o.equipment[f])));
        }
        cells.push(Cell::Int(u64::from(o.clearances.requested)));
        cells.push(Cell::Int(u64::from(o.clearances.approved)));
        cells.push(Cell::Int(o.events));
        for &s in &self.closed_sites {
            let day = o.site_closed.get(s).copied().flatten().map(|t| u64::from(t / MIN_PER_DAY));
            cells.push(Cell::OptInt(day));
        }
        debug_assert_eq!(cells.len(), self.columns.len());
    }
}
