//! Calibration: the posterior of a scenario's uncertain inputs given its
//! milestones, by sequential Monte Carlo approximate Bayesian computation
//! (ABC-SMC) with an error-model kernel (`docs/model.md` §10).
//!
//! Why ABC-SMC rather than history matching with an emulator: the engine is
//! fast (a MINUSMA replication is about half a millisecond), so the
//! simulator itself can be run tens of thousands of times in minutes, and
//! ABC gives a joint posterior sample, correlations kept, which is exactly
//! what a sampled run draws from; an emulator would add a second model
//! whose own error must be tracked, for a speed the engine does not need.
//!
//! The method, in the inputs' standard-normal space (each uncertain input
//! is `input.at(z)`, and its prior is z ~ N(0, 1)):
//!
//! - a milestone *i* observed as `y_i`, with error sd `σ_i` (its `error`,
//!   or the defaults of `default_error`), against one replication's
//!   simulated value `x_i`: `D² = Σ ((x_i − y_i)/σ_i)²`;
//! - generation *t* has a temperature `τ_t ≥ 1` and targets
//!   `π(z) · E[exp(−D²/(2τ_t²))]`: a candidate is accepted with probability
//!   `exp(−D²/(2τ_t²))`. At τ = 1 this is the exact posterior under Gaussian
//!   observation errors (Wilkinson 2013); larger τ is a wider, conservative one;
//! - generation 0 draws from the prior; later ones pick an ancestor from
//!   the previous population by weight and perturb it with a normal kernel
//!   of twice the population's weighted covariance; weights are
//!   `π(z*) / Σ_j w_j K(z* | z_j)` (Beaumont et al. 2009), truncated at √N
//!   times their mean (Ionides 2008);
//! - `τ_{t+1}` is chosen adaptively (Del Moral, Doucet and Jasra 2012):
//!   the smallest τ ≥ 1 at which reweighting the accepted particles by
//!   `exp(−D²/2 · (1/τ_{t+1}² − 1/τ_t²))` keeps an effective sample size of
//!   half of them, so each step tightens as much as the population can follow;
//!   the run stops after the generation at τ = 1, after a generation that
//!   accepted fewer than `min_acceptance` of its candidates, or when the
//!   budget of simulations is spent. The posterior is then that of the
//!   last τ, which the output states: accepting with `exp(−D²/(2τ²))` is
//!   the exact posterior when every milestone's error is τ times the
//!   stated one, a wider and so conservative posterior.
//!
//! Inputs not fitted are drawn from their own ranges in every simulation,
//! so their uncertainty is integrated out rather than fixed.
//!
//! Every draw is keyed by (seed, generation, attempt), and candidates are
//! simulated in parallel in batches but accepted in attempt order: the
//! posterior is the same for a seed whatever the thread count.

use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Milestone, MilestoneMetric, Scenario};
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::engine::simulate;
use crate::error::Error;
use crate::inputs::{draw_values, world_at};
use crate::observe::observed;
use crate::rng::{Keys, Purpose, entity_key};
use crate::world::CompileError;

/// One fitted observation.
#[derive(Debug, Clone)]
pub struct Target {
    pub milestone: Milestone,
    /// Standard deviation of its error.
    pub sd: f64,
}

/// The default error of a milestone without its own `error`: the record's
/// counting error and the model's own discrepancy together.
pub fn default_error(m: &Milestone) -> f64 {
    let y = m.value.value;
    match m.metric {
        MilestoneMetric::PersonnelDeparted => (0.05 * y).max(25.0),
        MilestoneMetric::SitesClosed => 0.5,
        MilestoneMetric::ConvoyDays => (0.15 * y).max(0.5),
        MilestoneMetric::ConvoyIncidents | MilestoneMetric::ConvoyWounded => (0.3 * y).max(1.5),
    }
}

/// The standard deviation of a milestone's error: its own, or the default.
pub fn error_sd(m: &Milestone) -> f64 {
    m.error.as_ref().map_or_else(|| default_error(m), |e| e.value)
}

/// The milestones to fit: those of `[calibration] metrics` (all when it
/// names none) dated up to `as_of`, when given, whose convoy rows are in
/// the plan (validation warns of the others).
pub fn targets(s: &Scenario, as_of: Option<drawdown_model::Date>) -> Vec<Target> {
    let metrics = s.calibration.as_ref().map(|c| c.metrics.as_slice()).unwrap_or_default();
    let rows = s.convoy_rows();
    s.milestones
        .iter()
        .filter(|m| as_of.is_none_or(|d| m.date <= d))
        .filter(|m| metrics.is_empty() || metrics.contains(&m.metric))
        .filter(|m| m.convoy.iter().all(|c| rows.contains(c)))
        .map(|m| Target { milestone: m.clone(), sd: error_sd(m) })
        .collect()
}

/// Settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Particles per generation.
    pub particles: usize,
    /// Most simulations in all.
    pub budget: u64,
    /// Most generations.
    pub generations: usize,
    /// Stop after a generation that accepted fewer than this share of its
    /// candidates: tightening further would cost more simulations than it
    /// teaches (the usual stopping rule of ABC-SMC).
    pub min_acceptance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { particles: 300, budget: 200_000, generations: 30, min_acceptance: 0.003 }
    }
}

/// One generation's record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Generation {
    pub tau: f64,
    pub attempts: u64,
    pub accepted: usize,
}

/// The posterior: equally weighted particles of the fitted inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// Indices of the fitted inputs in the input space.
    pub fitted: Vec<usize>,
    /// One row per particle: the fitted inputs' values.
    pub rows: Vec<Vec<f64>>,
    pub generations: Vec<Generation>,
    /// Simulations run in all.
    pub simulations: u64,
    /// The final temperature (1: the error model's exact posterior).
    pub tau: f64,
    /// A generation given up (too few acceptances within its candidates or
    /// the budget): its τ, candidates and acceptances.
    pub abandoned: Option<Generation>,
}

/// Distance² of one replication's milestones from the targets; a milestone
/// the replication cannot observe (no completed trip) counts 5 sd.
fn distance2(w: &crate::World, targets: &[Target], o: &crate::Outcome) -> f64 {
    targets
        .iter()
        .map(|t| match observed(w, &t.milestone, o) {
            Some(x) => ((x - t.milestone.value.value) / t.sd).powi(2),
            None => 25.0,
        })
        .sum()
}

/// A candidate: its z over the fitted inputs and its D².
struct Candidate {
    z: Vec<f64>,
    d2: f64,
    accept_u: f64,
}

/// A multivariate normal kernel by its lower Cholesky factor.
struct Kernel {
    l: Vec<Vec<f64>>,
}

impl Kernel {
    /// `x + L e`.
    fn perturb(&self, x: &[f64], e: &[f64]) -> Vec<f64> {
        (0..x.len()).map(|a| x[a] + (0..=a).map(|b| self.l[a][b] * e[b]).sum::<f64>()).collect()
    }

    /// The Mahalanobis distance² of `a − b`: |L⁻¹ (a − b)|² by forward substitution.
    fn distance2(&self, a: &[f64], b: &[f64]) -> f64 {
        let mut y = vec![0.0; a.len()];
        let mut s = 0.0;
        for i in 0..a.len() {
            let r: f64 = (0..i).map(|k| self.l[i][k] * y[k]).sum();
            y[i] = (a[i] - b[i] - r) / self.l[i][i];
            s += y[i] * y[i];
        }
        s
    }
}

/// Cholesky factor of a symmetric positive semi-definite matrix (lower
/// triangle given), with a jitter on the diagonal where it is not
/// positive. Written here rather than taken from a linear-algebra crate:
/// it is the one factorisation the sampler needs, of a matrix with one row
/// per fitted input (tens at most).
fn cholesky(mut m: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let d = m.len();
    for j in 0..d {
        let s: f64 = (0..j).map(|k| m[j][k] * m[j][k]).sum();
        let diag = m[j][j] - s;
        m[j][j] = if diag > 1e-9 { diag.sqrt() } else { 1e-3 };
        for i in j + 1..d {
            let s: f64 = (0..j).map(|k| m[i][k] * m[j][k]).sum();
            m[i][j] = (m[i][j] - s) / m[j][j];
        }
        for k in j + 1..d {
            m[j][k] = 0.0;
        }
    }
    m
}

/// Simulations per parallel batch of candidates.
const BATCH: u64 = 256;

/// Keys of a generation's attempt.
fn keys(seed: u64, generation: usize, attempt: u64) -> Keys {
    Keys::new(generation_seed(seed, generation), attempt)
}

/// The seed of a generation's draws: attempt *a* of it draws its inputs as
/// group *a* of a sampled run with this seed.
fn generation_seed(seed: u64, generation: usize) -> u64 {
    seed ^ (generation as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Simulates one candidate: the fitted inputs at `z`, the others drawn
/// from their ranges as a sampled run draws them; one replication.
#[allow(clippy::too_many_arguments)]
fn simulate_candidate(
    space: &InputSpace,
    fitted: &[usize],
    targets: &[Target],
    z: Vec<f64>,
    k: &Keys,
    generation_seed: u64,
    sim_seed: u64,
    attempt: u64,
) -> Result<Candidate, Error> {
    let mut values = draw_values(space, generation_seed, attempt);
    for (&i, &zi) in fitted.iter().zip(&z) {
        values[i] = space.inputs[i].at(zi);
    }
    let accept_u = k.stream(entity_key("accept"), Purpose::Input, 0).uniform();
    // A perturbed candidate far in the tails can put several in-bound inputs
    // together beyond what the engine runs (`limits.rs`: a column struck
    // every few metres): it is rejected, as outside the prior's support.
    let w = match world_at(space, &values) {
        Ok(w) => w,
        Err(Error::Compile(CompileError::Limit(_))) => return Ok(Candidate { d2: f64::INFINITY, z, accept_u }),
        Err(e) => return Err(e),
    };
    let o = simulate(&w, sim_seed, attempt);
    Ok(Candidate { d2: distance2(&w, targets, &o), z, accept_u })
}

fn normal_pdf_log(z: &[f64]) -> f64 {
    -0.5 * z.iter().map(|x| x * x).sum::<f64>()
}

/// The weighted population of one generation.
struct Population {
    z: Vec<Vec<f64>>,
    w: Vec<f64>,
    d2: Vec<f64>,
}

impl Population {
    /// The perturbation kernel: a normal of twice the population's
    /// weighted covariance (Filippi et al. 2013), as its Cholesky factor.
    fn kernel(&self) -> Kernel {
        let d = self.z.first().map_or(0, Vec::len);
        let mean: Vec<f64> = (0..d).map(|k| self.z.iter().zip(&self.w).map(|(z, w)| w * z[k]).sum()).collect();
        let mut cov = vec![vec![0.0; d]; d];
        for (z, w) in self.z.iter().zip(&self.w) {
            for a in 0..d {
                for b in 0..=a {
                    cov[a][b] += 2.0 * w * (z[a] - mean[a]) * (z[b] - mean[b]);
                }
            }
        }
        for a in 0..d {
            cov[a][a] = cov[a][a].max(1e-6);
        }
        Kernel { l: cholesky(cov) }
    }

    /// Effective sample size of the accepted particles reweighted by the
    /// incremental likelihood from 1/τ² = `from` to `to` (the importance
    /// weights left out: they measure the kernel, not the tightening).
    fn ess(&self, from: f64, to: f64) -> f64 {
        let v: Vec<f64> = self.d2.iter().map(|d2| (-0.5 * d2 * (to - from)).exp()).collect();
        let (s, s2) = (v.iter().sum::<f64>(), v.iter().map(|x| x * x).sum::<f64>());
        if s2 > 0.0 { s * s / s2 } else { 0.0 }
    }

    /// The next temperature: the smallest τ ≥ 1 that keeps half the
    /// effective sample size (bisection on 1/τ²).
    fn next_tau(&self, tau: f64) -> f64 {
        let from = if tau.is_finite() { 1.0 / (tau * tau) } else { 0.0 };
        let target = 0.5 * self.ess(from, from);
        if self.ess(from, 1.0) >= target {
            return 1.0;
        }
        let (mut lo, mut hi) = (from, 1.0);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.ess(from, mid) >= target { lo = mid } else { hi = mid }
        }
        (1.0 / lo.max(1e-300).sqrt()).max(1.0)
    }

    /// An ancestor by weight, from a uniform draw.
    fn pick(&self, u: f64) -> usize {
        let mut acc = 0.0;
        for (i, w) in self.w.iter().enumerate() {
            acc += w;
            if u < acc {
                return i;
            }
        }
        self.w.len() - 1
    }
}

/// Runs the calibration; `progress(generation, tau, accepted, attempts)`
/// after each batch.
#[allow(clippy::too_many_arguments)]
pub fn calibrate(
    space: &InputSpace,
    fitted: &[usize],
    targets: &[Target],
    settings: Settings,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(usize, f64, usize, u64) + Sync),
) -> Result<Posterior, Error> {
    if fitted.is_empty() {
        return Err(Error::NothingToFit);
    }
    if targets.is_empty() {
        return Err(Error::NoMilestone);
    }
    let pool = crate::error::pool(threads)?;
    let n = settings.particles.max(2);
    let dim = fitted.len();
    let mut simulations = 0u64;
    let mut generations = Vec::new();
    let mut prev: Option<Population> = None;
    let mut tau = f64::INFINITY;
    let mut abandoned = None;
    for generation in 0..settings.generations.max(1) {
        let sim_seed = seed ^ 0x5eed ^ (generation as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        let kernel = prev.as_ref().map(Population::kernel);
        let mut accepted: Vec<Candidate> = Vec::with_capacity(n);
        let mut attempts = 0u64;
        // A generation that cannot reach `min_acceptance` is abandoned: the
        // previous one is the posterior.
        let cap = (n as f64 / settings.min_acceptance).ceil() as u64;
        while accepted.len() < n {
            if simulations >= settings.budget || (generation > 0 && attempts >= cap) {
                break;
            }
            let batch = BATCH.min(settings.budget - simulations);
            let cands: Vec<Result<Candidate, Error>> = pool.install(|| {
                (attempts..attempts + batch)
                    .into_par_iter()
                    .map(|a| {
                        let k = keys(seed, generation, a);
                        let z: Vec<f64> = match (&prev, &kernel) {
                            (Some(p), Some(kern)) => {
                                let parent =
                                    &p.z[p.pick(k.stream(entity_key("ancestor"), Purpose::Input, 0).uniform())];
                                let mut s = k.stream(entity_key("perturb"), Purpose::Input, 0);
                                let e: Vec<f64> = (0..dim).map(|_| StandardNormal.sample(&mut s)).collect();
                                kern.perturb(parent, &e)
                            }
                            _ => {
                                let mut s = k.stream(entity_key("prior"), Purpose::Input, 0);
                                (0..dim).map(|_| StandardNormal.sample(&mut s)).collect()
                            }
                        };
                        simulate_candidate(
                            space,
                            fitted,
                            targets,
                            z,
                            &k,
                            generation_seed(seed, generation),
                            sim_seed,
                            a,
                        )
                    })
                    .collect()
            });
            attempts += batch;
            simulations += batch;
            for c in cands {
                let c = c?;
                let p_accept = if !c.d2.is_finite() {
                    0.0
                } else if tau.is_finite() {
                    (-0.5 * c.d2 / (tau * tau)).exp()
                } else {
                    1.0
                };
                if accepted.len() < n && c.accept_u < p_accept {
                    accepted.push(c);
                }
            }
            progress(generation, tau, accepted.len(), simulations);
        }
        if accepted.len() < n {
            // Out of budget or below the acceptance floor: keep the last full one.
            abandoned = Some(Generation { tau, attempts, accepted: accepted.len() });
            break;
        }
        let weights: Vec<f64> = match (&prev, &kernel) {
            (Some(p), Some(kern)) => accepted
                .iter()
                .map(|c| {
                    let mix: f64 =
                        p.z.iter().zip(&p.w).map(|(zj, wj)| wj * (-0.5 * kern.distance2(&c.z, zj)).exp()).sum();
                    let prior = normal_pdf_log(&c.z).exp();
                    if mix > 0.0 { prior / mix } else { 0.0 }
                })
                .collect(),
            _ => vec![1.0; accepted.len()],
        };
        let total: f64 = weights.iter().sum();
        if total.is_nan() || total <= 0.0 {
            return Err(Error::WeightsVanished);
        }
        // Truncated importance sampling (Ionides 2008): no weight above
        // √N times the mean, so that one particle far in the kernel
        // mixture's tail cannot carry the population (in 16 dimensions one
        // held more than half the weight).
        let cap = total / accepted.len() as f64 * (accepted.len() as f64).sqrt();
        let weights: Vec<f64> = weights.into_iter().map(|w| w.min(cap)).collect();
        let total: f64 = weights.iter().sum();
        generations.push(Generation { tau, attempts, accepted: accepted.len() });
        let pop = Population {
            w: weights.iter().map(|w| w / total).collect(),
            d2: accepted.iter().map(|c| c.d2).collect(),
            z: accepted.into_iter().map(|c| c.z).collect(),
        };
        let done = tau <= 1.0 || (n as f64) < settings.min_acceptance * attempts as f64;
        let next = pop.next_tau(tau);
        prev = Some(pop);
        if done {
            break;
        }
        tau = next;
    }
    let Some(pop) = prev else {
        return Err(Error::BudgetTooSmall { budget: settings.budget, particles: n });
    };
    let final_tau = generations.last().map_or(f64::INFINITY, |g| g.tau);
    // Equal weights by systematic resampling (keyed).
    let u0 = keys(seed, usize::MAX, 0).stream(entity_key("resample"), Purpose::Input, 0).uniform();
    let rows = (0..n)
        .map(|i| {
            let j = pop.pick(((i as f64 + u0) / n as f64).min(1.0 - 1e-12));
            fitted.iter().zip(&pop.z[j]).map(|(&k, &z)| space.inputs[k].at(z)).collect()
        })
        .collect();
    Ok(Posterior { fitted: fitted.to_vec(), rows, generations, simulations, tau: final_tau, abandoned })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cholesky_factor_reproduces_the_matrix_and_its_distance() {
        let m = vec![vec![4.0, 0.0, 0.0], vec![2.0, 5.0, 0.0], vec![-2.0, 1.0, 6.0]];
        let full = |a: usize, b: usize| if b <= a { m[a][b] } else { m[b][a] };
        let l = cholesky(m.clone());
        for a in 0..3 {
            for b in 0..3 {
                let llt: f64 = (0..3).map(|k| l[a][k] * l[b][k]).sum();
                assert!((llt - full(a, b)).abs() < 1e-12, "({a},{b}) {llt} vs {}", full(a, b));
            }
        }
        // Mahalanobis distance² along the first axis of a diagonal kernel.
        let k = Kernel { l: cholesky(vec![vec![4.0, 0.0], vec![0.0, 9.0]]) };
        assert!((k.distance2(&[2.0, 3.0], &[0.0, 0.0]) - 2.0).abs() < 1e-12);
        assert_eq!(k.perturb(&[1.0, 1.0], &[1.0, -1.0]), vec![3.0, -2.0]);
    }
}
