//! Many replications: run in parallel across replications (never inside
//! one), folded into exact histograms in replication order.
//!
//! Replications run in batches: a batch is simulated in parallel into a
//! buffer of outcomes, then folded into one `Summary`. Memory is one batch
//! plus the summary, whatever the number of runs; and since every draw is
//! keyed by replication index and histogram counts commute, the result is
//! identical for any thread count.
//!
//! A run can also be split into parts, each a range of input groups
//! (`run_monte_carlo_part`), and the parts' summaries merged
//! (`Summary::merge`): every statistic is an exact integer count or sum, so
//! the merged summary is equal, field for field, to the one-piece run's,
//! however the groups were split and in whatever order the parts are merged.
//! This is what a sweep across the processes of a cluster rests on.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::simulate;
use crate::error::Error;
use crate::inputs::{Inputs, run_groups_in};
use crate::outcome::{ByFate, Outcome, Taker};
use crate::stats::Hist;
use crate::world::{MIN_PER_DAY, World};

const BATCH: u64 = 1024;

/// Statistics of one movement row (a road line or a closure).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvoySummary {
    /// Day index of the first loaded departure.
    pub first_departure: Hist,
    /// Mean loaded-trip duration per replication, in hours.
    pub trip_hours: Hist,
    pub incidents: Hist,
    pub wounded: Hist,
    pub killed: Hist,
    pub damaged: Hist,
}

/// How many replications ended with each taker holding a site (the rest:
/// still open at the horizon).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Takers {
    pub state: u64,
    pub armed_group: u64,
}

/// A whole-number figure read off one replication's outcome.
pub type Reading = fn(&Outcome) -> u64;

/// The headline figures whose variance is split into input and chance.
pub const SPLIT_METRICS: [(&str, Reading); 8] = [
    ("personnel_departed_by_deadline", |o| u64::from(o.departed_by_deadline)),
    ("sites_closed_by_deadline", |o| u64::from(o.sites_closed_by_deadline)),
    ("all_sites_closed_by_deadline", |o| u64::from(o.all_closed_by_deadline)),
    ("wounded", |o| u64::from(o.wounded)),
    ("killed", |o| u64::from(o.killed)),
    ("vehicles_damaged", |o| u64::from(o.vehicles_damaged)),
    ("equipment_repatriated", |o| u64::from(o.equipment.repatriated)),
    ("equipment_destroyed", |o| u64::from(o.equipment.destroyed)),
];

/// Streaming sums for a one-way analysis of variance over groups of
/// replications that share their input draw: the between-group part is the
/// input uncertainty, the within-group part the chance of one world.
///
/// The sums are exact integers (every metric is a whole number), so that
/// summaries of parts of a run merge into exactly the one-piece run's; the
/// floating-point arithmetic happens once, in `splits`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VarianceSplit {
    /// Replications and groups folded.
    pub n: u64,
    pub groups: u64,
    /// Per metric of `SPLIT_METRICS`: Σy and Σy².
    sum: Vec<u128>,
    sum2: Vec<u128>,
    /// Per group size, over the finished groups of that size: their number
    /// and, per metric, Σ (group sum)². (All groups have `per_draw`
    /// replications but the last one of a run.)
    between: BTreeMap<u64, (u64, Vec<u128>)>,
    /// The group being folded: its index, size and sums.
    current: Option<(u64, u64, Vec<u128>)>,
}

/// One metric's variance and the share of it due to the inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    pub variance: f64,
    /// Between-group variance component ÷ total, in [0, 1].
    pub input_share: f64,
}

impl VarianceSplit {
    fn new() -> VarianceSplit {
        let k = SPLIT_METRICS.len();
        VarianceSplit { sum: vec![0; k], sum2: vec![0; k], ..Default::default() }
    }

    fn close_group(&mut self) {
        if let Some((_, size, sums)) = self.current.take() {
            let (count, squares) = self.between.entry(size).or_insert_with(|| (0, vec![0; sums.len()]));
            *count += 1;
            for (b, s) in squares.iter_mut().zip(&sums) {
                *b += s * s;
            }
            self.groups += 1;
        }
    }

    fn add(&mut self, group: u64, o: &Outcome) {
        if self.current.as_ref().is_some_and(|c| c.0 != group) {
            self.close_group();
        }
        let cur = self.current.get_or_insert_with(|| (group, 0, vec![0; SPLIT_METRICS.len()]));
        cur.1 += 1;
        self.n += 1;
        for (k, (_, f)) in SPLIT_METRICS.iter().enumerate() {
            let y = u128::from(f(o));
            cur.2[k] += y;
            self.sum[k] += y;
            self.sum2[k] += y * y;
        }
    }

    /// Adds the sums of another part of the run. Parts hold whole groups
    /// (`run_monte_carlo_part` runs whole groups), so each part's last
    /// group is finished.
    fn merge(&mut self, other: &VarianceSplit) {
        let mut other = other.clone();
        other.close_group();
        self.close_group();
        self.n += other.n;
        self.groups += other.groups;
        for (a, b) in self.sum.iter_mut().zip(&other.sum) {
            *a += b;
        }
        for (a, b) in self.sum2.iter_mut().zip(&other.sum2) {
            *a += b;
        }
        for (size, (count, squares)) in other.between {
            let (c, s) = self.between.entry(size).or_insert_with(|| (0, vec![0; squares.len()]));
            *c += count;
            for (a, b) in s.iter_mut().zip(&squares) {
                *a += b;
            }
        }
    }

    /// The split of every metric of `SPLIT_METRICS`, in order (`None` with
    /// fewer than two groups or no replication sharing a group).
    pub fn splits(&self) -> Option<Vec<Split>> {
        let mut me = self.clone();
        me.close_group();
        let (n, g) = (me.n as f64, me.groups as f64);
        if me.groups < 2 || me.n <= me.groups {
            return None;
        }
        // Effective group size for unequal groups (n0 of the one-way ANOVA).
        let sizes2: f64 = me.between.iter().map(|(&size, (count, _))| (count * size * size) as f64).sum();
        let n0 = (n - sizes2 / n) / (g - 1.0);
        Some(
            (0..SPLIT_METRICS.len())
                .map(|k| {
                    // Σ over groups of (group sum)² / group size.
                    let between: f64 = me.between.iter().map(|(&size, (_, s))| s[k] as f64 / size as f64).sum();
                    let (sum, sum2) = (me.sum[k] as f64, me.sum2[k] as f64);
                    let ssb = between - sum * sum / n;
                    let ssw = sum2 - between;
                    let msw = (ssw / (n - g)).max(0.0);
                    let msb = (ssb / (g - 1.0)).max(0.0);
                    let input = ((msb - msw) / n0).max(0.0);
                    let total = input + msw;
                    Split { variance: total, input_share: if total > 0.0 { input / total } else { 0.0 } }
                })
                .collect(),
        )
    }
}

/// How the inputs of a sampled run were drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sampled {
    /// Uncertain inputs drawn per group.
    pub inputs: usize,
    /// Replications per input draw.
    pub per_draw: u32,
    /// Some inputs come from a calibration's posterior.
    pub calibrated: bool,
}

/// Streaming statistics over all replications (or over a part of them, to
/// be merged with the other parts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub runs: u64,
    pub seed: u64,
    pub departed_daily: Vec<Hist>,
    pub closed_daily: Vec<Hist>,
    pub departed_by_deadline: Hist,
    pub sites_closed_by_deadline: Hist,
    pub all_closed_by_deadline: u64,
    pub wounded: Hist,
    pub killed: Hist,
    pub vehicles_damaged: Hist,
    pub personnel_road_kkm: Hist,
    pub equipment: ByFate<Hist>,
    /// Day index each site was vacated (None: not within the horizon).
    pub site_closed: Vec<Hist>,
    /// Who took each site, counted over replications.
    pub site_taken: Vec<Takers>,
    pub convoys: Vec<ConvoySummary>,
    pub clearances_requested: u64,
    pub clearances_approved: u64,
    pub events: u64,
    /// With sampled inputs: the variance of the headline figures split into
    /// inputs and chance. `None` with point inputs.
    pub variance: Option<VarianceSplit>,
    /// With sampled inputs: what was drawn.
    pub sampled: Option<Sampled>,
}

impl Summary {
    fn new(w: &World, seed: u64) -> Summary {
        let days = w.deadline_day as usize + 1;
        Summary {
            seed,
            departed_daily: vec![Hist::new(); days],
            closed_daily: vec![Hist::new(); days],
            site_closed: vec![Hist::new(); w.n_sites()],
            site_taken: vec![Takers::default(); w.n_sites()],
            convoys: vec![ConvoySummary::default(); w.lines.len() + w.closures.len()],
            ..Default::default()
        }
    }

    /// Folds one replication in.
    pub fn add(&mut self, o: &Outcome) {
        self.runs += 1;
        for (h, &v) in self.departed_daily.iter_mut().zip(&o.departed_daily) {
            h.add(v);
        }
        for (h, &v) in self.closed_daily.iter_mut().zip(&o.closed_daily) {
            h.add(v);
        }
        self.departed_by_deadline.add(o.departed_by_deadline);
        self.sites_closed_by_deadline.add(o.sites_closed_by_deadline);
        self.all_closed_by_deadline += u64::from(o.all_closed_by_deadline);
        self.wounded.add(o.wounded);
        self.killed.add(o.killed);
        self.vehicles_damaged.add(o.vehicles_damaged);
        self.personnel_road_kkm.add(o.personnel_road_kkm);
        for (f, &v) in o.equipment.iter() {
            self.equipment[f].add(v);
        }
        for (s, closed) in o.site_closed.iter().enumerate() {
            self.site_closed[s].add_opt(closed.map(|t| t / MIN_PER_DAY));
            match o.site_taken[s] {
                Taker::State => self.site_taken[s].state += 1,
                Taker::ArmedGroup => self.site_taken[s].armed_group += 1,
                Taker::Open => {}
            }
        }
        for (cs, c) in self.convoys.iter_mut().zip(&o.convoys) {
            cs.first_departure.add_opt(c.first_departure.map(|t| t / MIN_PER_DAY));
            cs.trip_hours.add_opt(c.mean_trip_hours());
            cs.incidents.add(c.incidents);
            cs.wounded.add(c.wounded);
            cs.killed.add(c.killed);
            cs.damaged.add(c.damaged);
        }
        self.clearances_requested += u64::from(o.clearances.requested);
        self.clearances_approved += u64::from(o.clearances.approved);
        self.events += o.events;
    }

    /// Adds the statistics of another part of the same run (same world,
    /// seed and inputs; parts of whole input groups, as
    /// `run_monte_carlo_part` makes them). Exact: any split of a run into
    /// parts, merged in any order, gives the one-piece run's summary.
    pub fn merge(&mut self, other: &Summary) -> Result<(), Error> {
        let same_shape = self.seed == other.seed
            && self.sampled == other.sampled
            && self.departed_daily.len() == other.departed_daily.len()
            && self.site_closed.len() == other.site_closed.len()
            && self.convoys.len() == other.convoys.len();
        if !same_shape {
            return Err(Error::DifferentRuns);
        }
        let merge_all = |a: &mut [Hist], b: &[Hist]| a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        self.runs += other.runs;
        merge_all(&mut self.departed_daily, &other.departed_daily);
        merge_all(&mut self.closed_daily, &other.closed_daily);
        self.departed_by_deadline.merge(&other.departed_by_deadline);
        self.sites_closed_by_deadline.merge(&other.sites_closed_by_deadline);
        self.all_closed_by_deadline += other.all_closed_by_deadline;
        self.wounded.merge(&other.wounded);
        self.killed.merge(&other.killed);
        self.vehicles_damaged.merge(&other.vehicles_damaged);
        self.personnel_road_kkm.merge(&other.personnel_road_kkm);
        for (f, h) in other.equipment.iter() {
            self.equipment[f].merge(h);
        }
        merge_all(&mut self.site_closed, &other.site_closed);
        for (a, b) in self.site_taken.iter_mut().zip(&other.site_taken) {
            a.state += b.state;
            a.armed_group += b.armed_group;
        }
        for (a, b) in self.convoys.iter_mut().zip(&other.convoys) {
            a.first_departure.merge(&b.first_departure);
            a.trip_hours.merge(&b.trip_hours);
            a.incidents.merge(&b.incidents);
            a.wounded.merge(&b.wounded);
            a.killed.merge(&b.killed);
            a.damaged.merge(&b.damaged);
        }
        self.clearances_requested += other.clearances_requested;
        self.clearances_approved += other.clearances_approved;
        self.events += other.events;
        if let (Some(a), Some(b)) = (&mut self.variance, &other.variance) {
            a.merge(b);
        }
        Ok(())
    }
}

/// Runs `runs` replications of the point world on `threads` threads (0:
/// all cores), calling `progress(done)` after each batch.
pub fn run_monte_carlo(
    w: &World,
    runs: u64,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, Error> {
    run_monte_carlo_with(Inputs::Point(w), runs, seed, threads, progress, &mut |_, _| Ok(()))
}

/// Runs `runs` replications of `inputs` (point or sampled), also handing
/// every outcome, in replication order, to `each` (e.g. to stream
/// per-replication rows to a file). An error from `each` stops the run.
pub fn run_monte_carlo_with(
    inputs: Inputs,
    runs: u64,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
    each: &mut dyn FnMut(u64, &Outcome) -> Result<(), String>,
) -> Result<Summary, Error> {
    let all = 0..groups(inputs, runs);
    run_monte_carlo_part(inputs, runs, seed, all, threads, progress, each)
}

/// The number of input groups of a run of `runs` replications (one per
/// replication with point inputs): the unit a run is split into parts by.
pub fn groups(inputs: Inputs, runs: u64) -> u64 {
    runs.div_ceil(u64::from(inputs.per_draw()))
}

/// Part of a run of `runs` replications: the replications of input groups
/// `part` only (group *j* holds replications `j·per_draw` up to the next
/// group's first, below `runs`), each computed as in the whole run. The
/// summaries of parts that cover `0..groups(inputs, runs)` merge
/// (`Summary::merge`) into the whole run's. `each` gets every outcome with
/// its replication index, in order.
pub fn run_monte_carlo_part(
    inputs: Inputs,
    runs: u64,
    seed: u64,
    part: Range<u64>,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
    each: &mut dyn FnMut(u64, &Outcome) -> Result<(), String>,
) -> Result<Summary, Error> {
    let mut summary = Summary::new(inputs.point(), seed);
    if let Inputs::Sampled { space, per_draw, .. } = inputs {
        summary.variance = Some(VarianceSplit::new());
        summary.sampled = Some(Sampled { inputs: space.inputs.len(), per_draw, calibrated: space.posterior.is_some() });
    }
    let mut failed = None;
    run_groups_in(
        &[inputs],
        runs,
        seed,
        part,
        threads,
        progress,
        |w, r| (r, simulate(w[0], seed, r)),
        |group, (r, o)| {
            if failed.is_none()
                && let Err(e) = each(r, &o)
            {
                failed = Some(e);
            }
            summary.add(&o);
            if let Some(v) = &mut summary.variance {
                v.add(group, &o);
            }
        },
    )?;
    // A part ends on a whole group: close it, so that parts merge into
    // exactly what the one-piece run holds.
    if let Some(v) = &mut summary.variance {
        v.close_group();
    }
    failed.map_or(Ok(summary), |e| Err(Error::Output(e)))
}
/// The batching skeleton shared by every many-replication job: replications
/// `0..runs` are computed in parallel a batch at a time by `replicate`, then
/// handed to `fold` in replication order.
pub fn run_batches<T: Send>(
    runs: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
    replicate: impl Fn(u64) -> T + Sync + Send,
    mut fold: impl FnMut(T),
) -> Result<(), Error> {
    let pool = crate::error::pool(threads)?;
    let mut buffer: Vec<T> = Vec::with_capacity(BATCH.min(runs) as usize);
    let mut start = 0;
    while start < runs {
        let end = (start + BATCH).min(runs);
        pool.install(|| {
            (start as usize..end as usize).into_par_iter().map(|r| replicate(r as u64)).collect_into_vec(&mut buffer)
        });
        for o in buffer.drain(..) {
            fold(o);
        }
        start = end;
        progress(start);
    }
    Ok(())
}
