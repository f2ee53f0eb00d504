//! Many replications: run in parallel across replications (never inside
//! one), folded into exact histograms in replication order.
//!
//! Replications run in batches: a batch is simulated in parallel into a
//! buffer of outcomes, then folded into one `Summary`. Memory is one batch
//! plus the summary, whatever the number of runs; and since every draw is
//! keyed by replication index and histogram counts commute, the result is
//! identical for any thread count.

use rayon::prelude::*;

use crate::engine::simulate;
use crate::error::Error;
use crate::inputs::{Inputs, run_groups};
use crate::outcome::{ByFate, Outcome, Taker};
use crate::stats::Hist;
use crate::world::{MIN_PER_DAY, World};

const BATCH: u64 = 1024;

/// Statistics of one movement row (a road line or a closure).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Takers {
    pub state: u64,
    pub armed_group: u64,
}

/// A figure read off one replication's outcome.
pub type Reading = fn(&Outcome) -> f64;

/// The headline figures whose variance is split into input and chance.
pub const SPLIT_METRICS: [(&str, Reading); 8] = [
    ("personnel_departed_by_deadline", |o| f64::from(o.departed_by_deadline)),
    ("sites_closed_by_deadline", |o| f64::from(o.sites_closed_by_deadline)),
    ("all_sites_closed_by_deadline", |o| f64::from(u8::from(o.all_closed_by_deadline))),
    ("wounded", |o| f64::from(o.wounded)),
    ("killed", |o| f64::from(o.killed)),
    ("vehicles_damaged", |o| f64::from(o.vehicles_damaged)),
    ("equipment_repatriated", |o| f64::from(o.equipment.repatriated)),
    ("equipment_destroyed", |o| f64::from(o.equipment.destroyed)),
];

/// Streaming sums for a one-way analysis of variance over groups of
/// replications that share their input draw: the between-group part is the
/// input uncertainty, the within-group part the chance of one world.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VarianceSplit {
    /// Replications and groups folded.
    pub n: u64,
    pub groups: u64,
    /// Per metric of `SPLIT_METRICS`: Σy, Σy², Σ over finished groups of (group sum)² / group size.
    sum: Vec<f64>,
    sum2: Vec<f64>,
    between: Vec<f64>,
    /// Σn_j² over finished groups (for unequal group sizes).
    sizes2: f64,
    /// The group being folded: its index, size and sums.
    current: Option<(u64, u64, Vec<f64>)>,
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
        VarianceSplit { sum: vec![0.0; k], sum2: vec![0.0; k], between: vec![0.0; k], ..Default::default() }
    }

    fn close_group(&mut self) {
        if let Some((_, size, sums)) = self.current.take() {
            for (b, s) in self.between.iter_mut().zip(&sums) {
                *b += s * s / size as f64;
            }
            self.sizes2 += (size * size) as f64;
            self.groups += 1;
        }
    }

    fn add(&mut self, group: u64, o: &Outcome) {
        if self.current.as_ref().is_some_and(|c| c.0 != group) {
            self.close_group();
        }
        let cur = self.current.get_or_insert_with(|| (group, 0, vec![0.0; SPLIT_METRICS.len()]));
        cur.1 += 1;
        self.n += 1;
        for (k, (_, f)) in SPLIT_METRICS.iter().enumerate() {
            let y = f(o);
            cur.2[k] += y;
            self.sum[k] += y;
            self.sum2[k] += y * y;
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
        let n0 = (n - me.sizes2 / n) / (g - 1.0);
        Some(
            (0..SPLIT_METRICS.len())
                .map(|k| {
                    let ssb = me.between[k] - me.sum[k] * me.sum[k] / n;
                    let ssw = me.sum2[k] - me.between[k];
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampled {
    /// Uncertain inputs drawn per group.
    pub inputs: usize,
    /// Replications per input draw.
    pub per_draw: u32,
    /// Some inputs come from a calibration's posterior.
    pub calibrated: bool,
}

/// Streaming statistics over all replications.
#[derive(Debug, Clone, Default, PartialEq)]
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
    let mut summary = Summary::new(inputs.point(), seed);
    if let Inputs::Sampled { space, per_draw, .. } = inputs {
        summary.variance = Some(VarianceSplit::new());
        summary.sampled = Some(Sampled { inputs: space.inputs.len(), per_draw, calibrated: space.posterior.is_some() });
    }
    let mut failed = None;
    run_groups(
        &[inputs],
        runs,
        seed,
        threads,
        progress,
        |w, r| simulate(w[0], seed, r),
        |group, o| {
            if failed.is_none()
                && let Err(e) = each(summary.runs, &o)
            {
                failed = Some(e);
            }
            summary.add(&o);
            if let Some(v) = &mut summary.variance {
                v.add(group, &o);
            }
        },
    )?;
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
