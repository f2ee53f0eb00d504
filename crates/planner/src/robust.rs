//! Robust plans (`drawdown plan --confidence P`): per-site margins learnt
//! from the engine. Each step simulates the plan; every closing convoy that
//! reaches its target by the deadline in fewer than P of the runs gets days
//! added to its site's own margin (`Options::site_margins`), and the plan is
//! made again. The loop itself runs in the caller (it owns the engine
//! check); this module holds the learning rule and the record.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Planned;
use crate::check::Check;

/// Re-plans after the deterministic plan at most (a count, so the same on
/// every machine).
pub const MAX_REPLANS: u32 = 6;

/// Days added when a closing convoy's P-quantile arrival falls beyond the
/// simulated horizon (the engine gives no date to measure from).
pub const BEYOND_HORIZON_DAYS: u32 = 7;

/// One plan of the loop.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// 0: the deterministic plan; k: the k-th re-plan.
    pub iteration: u32,
    /// Engine-simulated P(everyone not kept is out by the deadline).
    pub achieved: f64,
    /// Per-site margins (days) this plan was made with.
    pub margins: BTreeMap<String, u32>,
    /// People the programme itself leaves at the deadline with these margins.
    pub planned_left: f64,
}

/// The record of `--confidence`.
#[derive(Debug, Clone, Serialize)]
pub struct Robust {
    pub confidence: f64,
    /// P(deadline met) of the plan written (the best of the loop).
    pub achieved: f64,
    pub reached: bool,
    /// Re-plans made after the deterministic plan.
    pub iterations: u32,
    /// Per-site margins of the plan written (days beyond `margin_days`).
    pub margins: BTreeMap<String, u32>,
    /// Every plan of the loop, in order.
    pub tried: Vec<Step>,
    /// Sites whose margin could not grow: the programme leaves people behind
    /// with the larger margin (their earliest possible closure is too late).
    pub capped: Vec<String>,
    /// When P is not reached: the smallest relaxation, in words.
    pub relaxation: Option<String>,
}

/// Days to add to each site's margin after a check: for every closing
/// convoy that arrives by the deadline in fewer than `confidence` of the
/// runs, the days by which its simulated `confidence`-quantile arrival falls
/// after the deadline (at least 1; `BEYOND_HORIZON_DAYS` when that quantile
/// is beyond the horizon). The planned arrival is at the deadline less the
/// margin already given, so this is the planned-to-quantile gap not yet
/// covered. Convoys without people and sites in `capped` are left out.
/// When no convoy alone is late in more than 1 − P of the runs but the
/// plan misses P, every convoy late in any run grows. Sorted by site id.
pub fn learn(p: &Planned, c: &Check, confidence: f64, capped: &[String]) -> BTreeMap<String, u32> {
    let add = learn_above(p, c, confidence, capped);
    if !add.is_empty() || c.figures.deadline_met >= confidence {
        return add;
    }
    // No convoy alone is late in more than 1 − P of the runs, but together
    // they miss P: every convoy late in any run grows.
    learn_above(p, c, 1.0, capped)
}

/// `learn` for the convoys in time in fewer than `threshold` of the runs.
fn learn_above(p: &Planned, c: &Check, threshold: f64, capped: &[String]) -> BTreeMap<String, u32> {
    let confidence = threshold;
    let mut add = BTreeMap::new();
    for s in &c.sites {
        if s.arrives_by_deadline >= confidence || capped.contains(&s.site) {
            continue;
        }
        if !p.closures.iter().any(|x| x.site == s.site && x.personnel > 0.5) {
            continue;
        }
        let deadline = p.deadline;
        let days = match s.arrives_q {
            Some(d) => u32::try_from(d.days_since(deadline).max(1)).unwrap_or(1),
            None => BEYOND_HORIZON_DAYS,
        };
        add.insert(s.site.clone(), days);
    }
    add
}

/// The margins in words: `menaka +9 d, gao +2 d` (or `none`).
pub fn margins_text(margins: &BTreeMap<String, u32>) -> String {
    let v: Vec<String> = margins.iter().filter(|(_, d)| **d > 0).map(|(s, d)| format!("{s} +{d} d")).collect();
    if v.is_empty() { "none".into() } else { v.join(", ") }
}
