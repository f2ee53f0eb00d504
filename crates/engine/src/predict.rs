//! Predictive checks: each milestone's simulated distribution (over
//! replications with sampled inputs) against its observed value, with the
//! scores a backtest reports: the error of the median, whether the
//! observation falls inside the 50 % and 90 % bands, the interval score of
//! the 90 % band and the continuous ranked probability score (CRPS).
//!
//! The predictive distribution is that of the *observation*: each
//! replication's simulated value plus a draw of the milestone's error
//! (its `error`, or `calibrate::default_error`), floored at 0, since the
//! record is what is compared, not the model's latent value.
//!
//! Both scores are proper (Gneiting and Raftery 2007): an honest forecaster
//! minimises them in expectation, so narrow bands that miss are penalised,
//! and wide bands that hold are penalised for their width. Both are in the
//! milestone's own units; lower is better.

use drawdown_model::Milestone;
use serde::Serialize;

use rand_distr::{Distribution, StandardNormal};

use crate::calibrate::error_sd;
use crate::engine::simulate;
use crate::error::Error;
use crate::inputs::{Inputs, run_groups};
use crate::observe::observed;
use crate::rng::{Keys, Purpose, entity_key};

/// A milestone's predictive distribution and its scores.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub milestone: Milestone,
    pub observed: f64,
    /// Replications that could observe it (a convoy's duration needs a completed trip).
    pub n: usize,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    /// P50 − observed.
    pub error: f64,
    pub inside50: bool,
    pub inside90: bool,
    /// Interval score of the 5–95 % band (α = 0.1).
    pub interval_score: f64,
    pub crps: f64,
}

/// Nearest-rank quantile of a sorted sample.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

/// CRPS of the empirical distribution of a sorted sample at `y`:
/// E|X − y| − ½ E|X − X'|.
pub fn crps(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len() as f64;
    let e1: f64 = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    // E|X − X'| = (2 / n²) Σ_i (2i − n − 1) x_(i), i = 1..n.
    let e2: f64 =
        sorted.iter().enumerate().map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x).sum::<f64>() * 2.0 / (n * n);
    e1 - 0.5 * e2
}

/// Interval score of the band [l, u] at level 1 − α.
pub fn interval_score(l: f64, u: f64, y: f64, alpha: f64) -> f64 {
    (u - l) + 2.0 / alpha * ((l - y).max(0.0) + (y - u).max(0.0))
}

/// Scores one milestone from its simulated values.
pub fn score(m: &Milestone, mut xs: Vec<f64>) -> Option<Prediction> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let y = m.value.value;
    let (p5, p25, p50, p75, p95) =
        (quantile(&xs, 0.05), quantile(&xs, 0.25), quantile(&xs, 0.5), quantile(&xs, 0.75), quantile(&xs, 0.95));
    Some(Prediction {
        milestone: m.clone(),
        observed: y,
        n: xs.len(),
        p5,
        p25,
        p50,
        p75,
        p95,
        error: p50 - y,
        inside50: p25 <= y && y <= p75,
        inside90: p5 <= y && y <= p95,
        interval_score: interval_score(p5, p95, y, 0.1),
        crps: crps(&xs, y),
    })
}

/// The predictive distributions of `milestones` over `runs` replications of `inputs`.
pub fn predict(
    inputs: Inputs,
    milestones: &[Milestone],
    runs: u64,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Option<Prediction>>, Error> {
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(runs as usize); milestones.len()];
    run_groups(
        &[inputs],
        runs,
        seed,
        threads,
        progress,
        |w, r| {
            let o = simulate(w[0], seed, r);
            let k = Keys::new(seed, r);
            milestones
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let e: f64 =
                        StandardNormal.sample(&mut k.stream(entity_key("observation"), Purpose::Input, i as u64));
                    observed(w[0], m, &o).map(|x| (x + error_sd(m) * e).max(0.0))
                })
                .collect::<Vec<_>>()
        },
        |_, row| {
            for (v, x) in values.iter_mut().zip(row) {
                if let Some(x) = x {
                    v.push(x);
                }
            }
        },
    )?;
    Ok(milestones.iter().zip(values).map(|(m, xs)| score(m, xs)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crps_of_a_point_mass_is_the_absolute_error() {
        assert!((crps(&[3.0, 3.0, 3.0], 5.0) - 2.0).abs() < 1e-12);
        // Uniform sample 1..=4 at 2.5: E|X−y| = 1, E|X−X'| = 1.25.
        assert!((crps(&[1.0, 2.0, 3.0, 4.0], 2.5) - (1.0 - 0.625)).abs() < 1e-12);
    }

    #[test]
    fn the_interval_score_charges_width_and_misses() {
        assert_eq!(interval_score(2.0, 4.0, 3.0, 0.1), 2.0);
        assert_eq!(interval_score(2.0, 4.0, 5.0, 0.1), 2.0 + 20.0);
    }
}
