//! Paired comparison of two scenario variants with common random numbers.
//!
//! Replication *r* of the base and of the variant use the same seed and
//! index, so every entity the variant does not touch draws the same luck in
//! both. For each metric the difference is taken within the pair; its
//! variance is far smaller than that of two independent samples when the
//! variants share most of their randomness, which is what the reported
//! variance reduction measures:
//! `(Var(base) + Var(variant)) / Var(variant − base)`.
//!
//! All sums are exact integers, so the output is independent of the thread count.

use serde::Serialize;

use crate::engine::simulate;
use crate::error::Error;
use crate::inputs::{Inputs, run_groups};
use crate::outcome::{Fate, Outcome, Taker};
use crate::world::World;

/// A metric read off one replication's outcome.
pub struct Metric {
    pub name: String,
    pub better: Better,
    get: Box<dyn Fn(&Outcome) -> i64 + Sync + Send>,
}

/// Which way a metric is better for the withdrawal: more people out is
/// better, more wounded worse; closures brought forward, fuel left at closed
/// camps, equipment handed over, sold or still in the country depend on what
/// the plan wants, and are neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

/// The metrics compared: summary figures, equipment by fate, and per base
/// whether it was vacated by the deadline and whether an armed group took it.
pub fn metrics(w: &World) -> Vec<Metric> {
    let mut m: Vec<Metric> = vec![
        metric("personnel_departed_by_deadline", Better::Higher, |o| o.departed_by_deadline.into()),
        metric("sites_closed_by_deadline", Better::Higher, |o| o.sites_closed_by_deadline.into()),
        metric("all_sites_closed_by_deadline", Better::Higher, |o| o.all_closed_by_deadline.into()),
        metric("wounded", Better::Lower, |o| o.wounded.into()),
        metric("killed", Better::Lower, |o| o.killed.into()),
        metric("vehicles_damaged", Better::Lower, |o| o.vehicles_damaged.into()),
        metric("personnel_road_kkm", Better::Lower, |o| o.personnel_road_kkm.into()),
        metric("fuel_waits", Better::Lower, |o| o.fuel_waits.into()),
        metric("fuel_dry_days", Better::Lower, |o| o.fuel_dry_days.into()),
        metric("fuel_left_kl", Better::Neither, |o| o.fuel_left_kl.into()),
        metric("seat_waits", Better::Lower, |o| o.seat_waits.into()),
        metric("attacks", Better::Lower, |o| o.attacks.into()),
        metric("attack_wounded", Better::Lower, |o| o.attack_wounded.into()),
        metric("attack_killed", Better::Lower, |o| o.attack_killed.into()),
        metric("aircraft_hit", Better::Lower, |o| o.aircraft_hit.into()),
        metric("closures_early", Better::Neither, |o| o.closures_early.into()),
    ];
    for f in Fate::ALL {
        let better = match f {
            Fate::Repatriated => Better::Higher,
            Fate::Destroyed | Fate::Abandoned | Fate::Lost => Better::Lower,
            _ => Better::Neither,
        };
        m.push(Metric {
            name: format!("equipment.{}", f.as_str()),
            better,
            get: Box::new(move |o| o.equipment[f].into()),
        });
    }
    let deadline_end = (w.deadline_day + 1) * crate::world::MIN_PER_DAY;
    // Every base, closed by the plan or not, so two plans of one mission
    // (which may close different bases) share their metrics.
    for (s, site) in w.sites.iter().enumerate().filter(|(_, x)| x.kind.is_base()) {
        let id = &site.id;
        m.push(Metric {
            name: format!("site.{id}.closed_by_deadline"),
            better: Better::Higher,
            get: Box::new(move |o| o.site_closed[s].is_some_and(|t| t < deadline_end).into()),
        });
        m.push(Metric {
            name: format!("site.{id}.seized_by_armed_group"),
            better: Better::Lower,
            get: Box::new(move |o| (o.site_taken[s] == Taker::ArmedGroup).into()),
        });
    }
    m
}

fn metric(name: &str, better: Better, f: fn(&Outcome) -> i64) -> Metric {
    Metric { name: name.to_string(), better, get: Box::new(f) }
}

impl Metric {
    pub fn of(&self, o: &Outcome) -> i64 {
        (self.get)(o)
    }
}

/// Exact running sums for one metric over pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairSums {
    pub n: u64,
    pub base: i128,
    pub base2: i128,
    pub variant: i128,
    pub variant2: i128,
    pub diff: i128,
    pub diff2: i128,
}

impl PairSums {
    pub fn add(&mut self, b: i64, v: i64) {
        let (b, v, d) = (i128::from(b), i128::from(v), i128::from(v - b));
        self.n += 1;
        self.base += b;
        self.base2 += b * b;
        self.variant += v;
        self.variant2 += v * v;
        self.diff += d;
        self.diff2 += d * d;
    }

    fn var(sum: i128, sum2: i128, n: u64) -> f64 {
        if n < 2 {
            return 0.0;
        }
        let n = n as f64;
        ((sum2 as f64 - (sum as f64) * (sum as f64) / n) / (n - 1.0)).max(0.0)
    }

    pub fn result(&self, name: &str, better: Better) -> Difference {
        let n = self.n.max(1) as f64;
        let mean = self.diff as f64 / n;
        let var_d = Self::var(self.diff, self.diff2, self.n);
        let var_indep = Self::var(self.base, self.base2, self.n) + Self::var(self.variant, self.variant2, self.n);
        let half = 1.96 * (var_d / n).sqrt();
        Difference {
            metric: name.to_string(),
            better,
            base_mean: self.base as f64 / n,
            variant_mean: self.variant as f64 / n,
            mean_difference: mean,
            ci95: [mean - half, mean + half],
            significant: var_d == 0.0 && mean != 0.0 || (mean - half > 0.0 || mean + half < 0.0),
            variance_reduction: if var_d > 0.0 {
                Some(var_indep / var_d)
            } else if var_indep == 0.0 {
                Some(1.0)
            } else {
                None // pairing removed all the variance: infinite reduction
            },
        }
    }
}

/// The comparison of one metric.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Difference {
    pub metric: String,
    /// Which way is better for the withdrawal.
    pub better: Better,
    pub base_mean: f64,
    pub variant_mean: f64,
    /// Mean of (variant − base) over pairs.
    pub mean_difference: f64,
    /// Normal-approximation 95 % confidence interval of the mean difference.
    pub ci95: [f64; 2],
    /// The interval excludes zero.
    pub significant: bool,
    /// Variance of the difference under independent sampling divided by its
    /// variance under pairing; `None` when pairing removed all variance.
    pub variance_reduction: Option<f64>,
}

/// Runs `runs` pairs and compares every metric. With sampled inputs both
/// sides draw the same quantile of every input they share (`inputs.rs`).
pub fn compare(
    base: Inputs,
    variant: Inputs,
    runs: u64,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Difference>, Error> {
    let ms = metrics(base.point());
    let mut sums = vec![PairSums::default(); ms.len()];
    run_groups(
        &[base, variant],
        runs,
        seed,
        threads,
        progress,
        |w, r| {
            let (b, v) = (simulate(w[0], seed, r), simulate(w[1], seed, r));
            ms.iter().map(|m| (m.of(&b), m.of(&v))).collect::<Vec<_>>()
        },
        |_, pairs| {
            for (s, (b, v)) in sums.iter_mut().zip(pairs) {
                s.add(b, v);
            }
        },
    )?;
    Ok(ms.iter().zip(&sums).map(|(m, s)| s.result(&m.name, m.better)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_sums_give_mean_difference_and_interval() {
        let mut s = PairSums::default();
        for (b, v) in [(10, 12), (20, 21), (30, 33), (40, 42)] {
            s.add(b, v);
        }
        let d = s.result("m", Better::Neither);
        assert_eq!(d.mean_difference, 2.0);
        assert!(d.ci95[0] < 2.0 && 2.0 < d.ci95[1]);
        assert!(d.significant);
        // Base and variant vary a lot, their difference little.
        assert!(d.variance_reduction.unwrap() > 100.0);
    }

    #[test]
    fn identical_variants_differ_by_exactly_zero() {
        let mut s = PairSums::default();
        for x in [1, 5, 9] {
            s.add(x, x);
        }
        let d = s.result("m", Better::Neither);
        assert_eq!(d.mean_difference, 0.0);
        assert_eq!(d.ci95, [0.0, 0.0]);
        assert!(!d.significant);
        assert_eq!(d.variance_reduction, None);
    }
}
