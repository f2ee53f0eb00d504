//! What a milestone observes, read off one replication's outcome (for
//! calibration and backtests) or off the summary of many (for the result).
//!
//! - `personnel_departed`, `sites_closed`: the cumulative count at the end
//!   of the milestone's date;
//! - `convoy_days`: the mean duration of the convoy row's completed loaded
//!   trips, in days (none completed: no observation);
//! - `convoy_incidents`, `convoy_wounded`: the row's totals.
//!
//! A convoy row is a road line's id or `close-<site>` for a closing convoy,
//! as in the result's `convoys`; a milestone naming several rows observes
//! them as one column (incidents and wounded summed, days the mean over
//! their completed trips).

use drawdown_model::{Milestone, MilestoneMetric};

use crate::montecarlo::Summary;
use crate::outcome::Outcome;
use crate::stats::{Hist, Q};
use crate::world::World;

/// Index of a convoy row in `Outcome::convoys` (road and air lines in plan
/// order, then closures).
pub fn convoy_row(w: &World, id: &str) -> Option<usize> {
    if let Some(site) = id.strip_prefix("close-")
        && let Some(c) = w.closures.iter().position(|c| w.sites[c.site as usize].id == site)
    {
        return Some(w.lines.len() + c);
    }
    w.lines.iter().position(|l| !l.is_air() && l.id == id)
}

/// Day index of a milestone's date within the recorded days, if it is one.
fn day_of(w: &World, m: &Milestone) -> Option<usize> {
    usize::try_from(m.date.days_since(w.start)).ok().filter(|&d| d <= w.deadline_day as usize)
}

/// The milestone's value in one replication.
pub fn observed(w: &World, m: &Milestone, o: &Outcome) -> Option<f64> {
    match m.metric {
        MilestoneMetric::PersonnelDeparted => day_of(w, m).and_then(|d| o.departed_daily.get(d)).map(|&x| f64::from(x)),
        MilestoneMetric::SitesClosed => day_of(w, m).and_then(|d| o.closed_daily.get(d)).map(|&x| f64::from(x)),
        metric => {
            let rows =
                m.convoy.iter().map(|id| convoy_row(w, id).map(|r| &o.convoys[r])).collect::<Option<Vec<_>>>()?;
            match metric {
                MilestoneMetric::ConvoyDays => {
                    let trips: u32 = rows.iter().map(|c| c.trips).sum();
                    let minutes: f64 = rows.iter().map(|c| c.trip_minutes as f64).sum();
                    (trips > 0).then(|| minutes / f64::from(trips) / (24.0 * 60.0))
                }
                MilestoneMetric::ConvoyIncidents => Some(rows.iter().map(|c| f64::from(c.incidents)).sum()),
                _ => Some(rows.iter().map(|c| f64::from(c.wounded)).sum()),
            }
        }
    }
}

/// The milestone's simulated distribution over the summary's replications.
pub fn simulated(w: &World, m: &Milestone, sum: &Summary) -> Option<Q> {
    let daily = |h: &[Hist]| day_of(w, m).and_then(|d| h.get(d)).map(Hist::q);
    match m.metric {
        MilestoneMetric::PersonnelDeparted => daily(&sum.departed_daily),
        MilestoneMetric::SitesClosed => daily(&sum.closed_daily),
        metric => {
            // A column of several rows has no distribution in the summary
            // (their sum is not recorded): calibrate and backtest read it
            // off the replications.
            let [id] = m.convoy.as_slice() else { return None };
            let c = &sum.convoys[convoy_row(w, id)?];
            match metric {
                MilestoneMetric::ConvoyDays => {
                    let h = &c.trip_hours;
                    let d = |p: f64| h.quantile(p).map(|x| f64::from(x) / 24.0);
                    Some(Q { mean: h.mean()? / 24.0, p5: d(0.05)?, p50: d(0.5)?, p95: d(0.95)? })
                }
                MilestoneMetric::ConvoyIncidents => Some(c.incidents.q()),
                _ => Some(c.wounded.q()),
            }
        }
    }
}
