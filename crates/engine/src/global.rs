//! Global sensitivity: Morris's elementary effects of every uncertain input
//! on the headline outputs, all inputs moving, not one at a time around the
//! point value as in the tornado (`sensitivity.rs`).
//!
//! Why Morris and not Sobol. A scenario has hundreds of uncertain inputs
//! (246 for MINUSMA); Sobol's first and total indices by Saltelli's scheme
//! need N·(k+2) worlds for N base samples, each with enough replications to
//! see through the chance of one world, which is tens of times the cost of
//! the tornado. Morris needs r·(k+1) worlds for r trajectories and ranks
//! inputs by μ* (the mean absolute effect), which tracks Sobol's total index
//! closely when screening; it is the method for many inputs and a costly
//! model.
//!
//! The design (Morris 1991, with the direction of each step drawn as in
//! Campolongo, Cariboni and Saltelli 2007). Every input is put on four
//! levels, the quantiles 1/8, 3/8, 5/8 and 7/8 of its distribution (the
//! distribution a sampled run draws it from: `UncertainInput::at`; an input
//! fitted by calibration at the quantiles of its posterior marginal, since
//! the method treats inputs as independent). A trajectory starts from a
//! random level for each input and moves the inputs one by one, in a random
//! order, by two levels (from the 1/8 to the 5/8 quantile or from 3/8 to
//! 7/8, up or down): k+1 worlds, one elementary effect per input, measured
//! as the change of each output's mean from the lower to the upper level.
//! Every world runs the same replications (`runs` of them, same seed:
//! common random numbers), so an effect is a paired difference and chance
//! mostly cancels out of it.
//!
//! Keyed and exact. Trajectory *t*'s levels and order come from the stream
//! (seed, *t*, `morris`), so any process can build any trajectory; a world's
//! outputs are exact integer sums over its replications. Trajectories can
//! be run in any split across processes (`run_trajectories` on a range)
//! and the indices computed from their sums are those of the one-piece run.

use std::ops::Range;

use drawdown_model::uncertain::InputSpace;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::simulate;
use crate::error::Error;
use crate::inputs::world_at;
use crate::montecarlo::Reading;
use crate::rng::{Keys, Purpose, entity_key};

/// The outputs whose sensitivity is measured (the mean of each).
pub const OUTPUTS: [(&str, Reading); 4] = [
    ("p_all_sites_closed_by_deadline", |o| u64::from(o.all_closed_by_deadline)),
    ("personnel_departed_by_deadline", |o| u64::from(o.departed_by_deadline)),
    ("wounded", |o| u64::from(o.wounded)),
    ("equipment_destroyed", |o| u64::from(o.equipment.destroyed)),
];

/// Levels per input.
const LEVELS: usize = 4;

/// The standard-normal quantiles of the levels' probabilities 1/8, 3/8,
/// 5/8 and 7/8 (the midpoints of four equal-probability bins).
const Z: [f64; LEVELS] = [-1.1503493803760079, -0.31863936396437514, 0.31863936396437514, 1.1503493803760079];

/// A step moves an input by this many levels (Morris's Δ = p / (2(p − 1))
/// of the unit range, on p = 4 levels).
const STEP: u8 = 2;

/// One trajectory: the inputs' starting levels and the order they move in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trajectory {
    /// Starting level of each input, in 0..4.
    pub start: Vec<u8>,
    /// The inputs in the order they are moved.
    pub order: Vec<usize>,
}

impl Trajectory {
    /// Trajectory `t` of a design over `inputs` inputs, for `seed`.
    pub fn new(inputs: usize, seed: u64, t: u64) -> Trajectory {
        let mut s = Keys::new(seed, t).stream(entity_key("morris"), Purpose::Input, 0);
        let start: Vec<u8> = (0..inputs).map(|_| (s.draw() % LEVELS as u64) as u8).collect();
        // Fisher–Yates with keyed draws.
        let mut order: Vec<usize> = (0..inputs).collect();
        for i in (1..inputs).rev() {
            let j = (s.draw() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        Trajectory { start, order }
    }

    /// The levels of point `m` (0..=inputs): the start with the first `m`
    /// inputs of the order moved.
    pub fn levels(&self, m: usize) -> Vec<u8> {
        let mut levels = self.start.clone();
        for &i in &self.order[..m] {
            levels[i] = moved(levels[i]);
        }
        levels
    }
}

/// The level two steps away, staying on the grid: 0↔2, 1↔3.
fn moved(level: u8) -> u8 {
    if level < STEP { level + STEP } else { level - STEP }
}

/// Each input's value at each level.
fn level_values(space: &InputSpace) -> Vec<[f64; LEVELS]> {
    let mut values: Vec<[f64; LEVELS]> = space.inputs.iter().map(|input| Z.map(|z| input.at(z))).collect();
    if let Some(post) = &space.posterior
        && !post.rows.is_empty()
    {
        for (c, &i) in post.columns.iter().enumerate() {
            let mut column: Vec<f64> = post.rows.iter().map(|r| r[c]).collect();
            column.sort_by(f64::total_cmp);
            let n = column.len();
            values[i] = std::array::from_fn(|l| column[(((2 * l + 1) * n) / (2 * LEVELS)).min(n - 1)]);
        }
    }
    values
}

/// The outputs' sums over the replications of each point of a trajectory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrajectorySums {
    pub trajectory: u64,
    /// Per point (0..=inputs), per output of `OUTPUTS`: Σ over replications.
    pub points: Vec<[u64; OUTPUTS.len()]>,
}

/// Runs trajectories `range` of the design: every point's world with
/// `runs` replications (seed `seed`), on `threads` threads (0: all cores).
pub fn run_trajectories(
    space: &InputSpace,
    seed: u64,
    runs: u64,
    range: Range<u64>,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<TrajectorySums>, Error> {
    let values = level_values(space);
    let k = space.inputs.len();
    let pool = crate::error::pool(threads)?;
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut out = Vec::new();
    for t in range {
        let trajectory = Trajectory::new(k, seed, t);
        let points = pool.install(|| {
            (0..=k)
                .into_par_iter()
                .map(|m| {
                    let x: Vec<f64> = trajectory.levels(m).iter().zip(&values).map(|(&l, v)| v[l as usize]).collect();
                    let world = world_at(space, &x)?;
                    let mut sums = [0u64; OUTPUTS.len()];
                    for r in 0..runs {
                        let o = simulate(&world, seed, r);
                        for (s, (_, f)) in sums.iter_mut().zip(&OUTPUTS) {
                            *s += f(&o);
                        }
                    }
                    progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                    Ok(sums)
                })
                .collect::<Result<Vec<_>, Error>>()
        })?;
        out.push(TrajectorySums { trajectory: t, points });
    }
    Ok(out)
}

/// One input's elementary effects on every output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub path: String,
    pub label: String,
    /// Fitted by calibration (levels from its posterior marginal).
    pub calibrated: bool,
    /// The input's values at its lower and upper step levels, 1/8 and 7/8 quantiles.
    pub low: f64,
    pub high: f64,
    /// Per output of `OUTPUTS`: mean absolute effect μ*, mean effect μ and
    /// the effects' standard deviation σ, in the output's units (the change
    /// of its mean when the input moves up by two levels).
    pub mu_star: Vec<f64>,
    pub mu: Vec<f64>,
    pub sigma: Vec<f64>,
}

/// Morris indices of every input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Morris {
    pub outputs: Vec<String>,
    pub trajectories: u64,
    /// Replications per world.
    pub runs: u64,
    pub seed: u64,
    /// Worlds simulated: trajectories × (inputs + 1).
    pub worlds: u64,
    pub replications: u64,
    /// Every input, ranked by μ* on the first output, then the second, ….
    pub factors: Vec<Factor>,
}

/// The indices from the sums of trajectories `0..r` (in any order; each
/// trajectory once).
pub fn indices(space: &InputSpace, seed: u64, runs: u64, sums: &[TrajectorySums]) -> Result<Morris, Error> {
    let k = space.inputs.len();
    let mut sums: Vec<&TrajectorySums> = sums.iter().collect();
    sums.sort_by_key(|s| s.trajectory);
    let complete = sums.iter().enumerate().all(|(t, s)| s.trajectory == t as u64 && s.points.len() == k + 1);
    if !complete {
        return Err(Error::DifferentRuns);
    }
    let n_out = OUTPUTS.len();
    // effects[i][o]: the elementary effects of input i on output o.
    let mut effects = vec![vec![Vec::with_capacity(sums.len()); n_out]; k];
    let mean = |s: u64| s as f64 / runs.max(1) as f64;
    for s in &sums {
        let trajectory = Trajectory::new(k, seed, s.trajectory);
        for (m, &i) in trajectory.order.iter().enumerate() {
            // Point m has input i at its level before the step, m + 1 after it.
            let up = trajectory.start[i] < STEP;
            for o in 0..n_out {
                let change = mean(s.points[m + 1][o]) - mean(s.points[m][o]);
                effects[i][o].push(if up { change } else { -change });
            }
        }
    }
    let values = level_values(space);
    let calibrated = |i: usize| space.posterior.as_ref().is_some_and(|p| p.columns.contains(&i));
    let mut factors: Vec<Factor> = space
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let stat = |f: &dyn Fn(&[f64]) -> f64| effects[i].iter().map(|e| f(e)).collect::<Vec<f64>>();
            Factor {
                path: input.path.clone(),
                label: input.label.clone(),
                calibrated: calibrated(i),
                low: values[i][0],
                high: values[i][LEVELS - 1],
                mu_star: stat(&|e| e.iter().map(|x| x.abs()).sum::<f64>() / e.len().max(1) as f64),
                mu: stat(&|e| e.iter().sum::<f64>() / e.len().max(1) as f64),
                sigma: stat(&|e| {
                    let n = e.len() as f64;
                    if e.len() < 2 {
                        return 0.0;
                    }
                    let m = e.iter().sum::<f64>() / n;
                    (e.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt()
                }),
            }
        })
        .collect();
    factors.sort_by(|a, b| {
        let key = |f: &Factor| f.mu_star.clone();
        key(b).iter().zip(&key(a)).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(a.path.cmp(&b.path))
    });
    let r = sums.len() as u64;
    Ok(Morris {
        outputs: OUTPUTS.iter().map(|(n, _)| n.to_string()).collect(),
        trajectories: r,
        runs,
        seed,
        worlds: r * (k as u64 + 1),
        replications: r * (k as u64 + 1) * runs,
        factors,
    })
}

/// Morris indices on one machine: `trajectories` trajectories of `runs`
/// replications per world.
pub fn morris(
    space: &InputSpace,
    seed: u64,
    runs: u64,
    trajectories: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Morris, Error> {
    let sums = run_trajectories(space, seed, runs, 0..trajectories, threads, progress)?;
    indices(space, seed, runs, &sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trajectory_moves_every_input_once_by_two_levels() {
        let t = Trajectory::new(7, 3, 2);
        assert_eq!(t, Trajectory::new(7, 3, 2), "keyed");
        assert_ne!(t, Trajectory::new(7, 3, 3));
        let mut order = t.order.clone();
        order.sort_unstable();
        assert_eq!(order, (0..7).collect::<Vec<_>>());
        for m in 0..7 {
            let (a, b) = (t.levels(m), t.levels(m + 1));
            let changed: Vec<usize> = (0..7).filter(|&i| a[i] != b[i]).collect();
            assert_eq!(changed, vec![t.order[m]]);
            let i = changed[0];
            assert_eq!(a[i].abs_diff(b[i]), STEP);
            assert!(a[i] < 4 && b[i] < 4);
        }
    }

    #[test]
    fn levels_are_the_normal_quantiles_of_the_bins() {
        // Φ(z) for the constants: 1/8, 3/8, 5/8, 7/8 (checked by the
        // complementary error function's series to 1e-9).
        for (z, p) in Z.iter().zip([0.125, 0.375, 0.625, 0.875]) {
            assert!((phi(*z) - p).abs() < 1e-9, "{z}: {}", phi(*z));
        }
    }

    /// Φ by the Taylor series of erf (converges fast for |z| < 2).
    fn phi(z: f64) -> f64 {
        let x = z / std::f64::consts::SQRT_2;
        let (mut term, mut sum) = (x, x);
        for n in 1..60 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        0.5 * (1.0 + 2.0 / std::f64::consts::PI.sqrt() * sum)
    }
}
