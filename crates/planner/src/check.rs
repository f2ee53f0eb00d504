//! Every plan checked by the engine: the plan as written (whole convoys,
//! whole sorties) simulated with the scenario's friction, and paired with
//! the scenario's own plan under common random numbers (replication *r* of
//! both uses the same seed and index, as `drawdown compare` does).
//!
//! "People left" is everyone not out of the country by the end of the
//! deadline day, less the people a side keeps by decision: the guards and
//! rear parties of the bases it keeps open (for a planned plan, the bases
//! kept with `--keep`; for the scenario's plan, the bases it never closes).
//! The engine's outcome counts the killed with road crews included, so the
//! killed are taken off as a whole: a crew member killed on a replication
//! where someone is left hides one person left (the figure is a lower bound
//! by at most the crews killed).

use drawdown_engine::compare::{Better, Difference, PairSums, metrics};
use drawdown_engine::inputs::run_groups;
use drawdown_engine::stats::{Hist, Q};
use drawdown_engine::{Fate, Inputs, Outcome, World, simulate};
use drawdown_model as m;
use serde::Serialize;

/// One side of the check: its inputs and the people it keeps by decision.
pub struct Side<'a> {
    pub inputs: Inputs<'a>,
    /// Guards and rear parties of the bases this side keeps open.
    pub kept: u32,
}

impl<'a> Side<'a> {
    /// The side of `w`, keeping the guards and rear parties of `kept_open`.
    pub fn new(inputs: Inputs<'a>, kept_open: &[String]) -> Side<'a> {
        Side { kept: kept_people(inputs.point(), kept_open), inputs }
    }
}

/// Guards and rear parties of the named bases.
pub fn kept_people(w: &World, kept_open: &[String]) -> u32 {
    w.groups
        .iter()
        .filter(|g| g.role.stays_until_closure() && kept_open.iter().any(|k| *k == w.sites[g.site as usize].id))
        .map(|g| g.count)
        .sum()
}

/// Bases a world's plan never closes (the scenario's plan keeps them open).
pub fn bases_not_closed(w: &World) -> Vec<String> {
    w.sites
        .iter()
        .enumerate()
        .filter(|(i, x)| x.kind.is_base() && !w.closures.iter().any(|c| usize::from(c.site) == *i))
        .filter(|(i, _)| w.groups.iter().any(|g| usize::from(g.site) == *i && g.count > 0))
        .map(|(_, x)| x.id.clone())
        .collect()
}

/// A base's planned closure against the simulated one.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCheck {
    pub site: String,
    /// Closure date in the plan.
    pub planned: m::Date,
    /// Median simulated date the site is vacated (None: in fewer than half
    /// of the replications within the horizon).
    pub closed_p50: Option<m::Date>,
    pub closed_p95: Option<m::Date>,
    /// Median days late against the planned date (negative: early).
    pub late_days_p50: Option<i64>,
    /// Share of replications in which it is vacated by the end of the deadline day.
    pub closed_by_deadline: f64,
    /// Median simulated date its closing convoy reaches its target (None: in
    /// fewer than half of the replications within the horizon).
    pub arrives_p50: Option<m::Date>,
    pub arrives_p95: Option<m::Date>,
    /// Share of replications in which the closing convoy reaches its target
    /// by the end of the deadline day (for a target that is an exit: its
    /// people are out in time).
    pub arrives_by_deadline: f64,
    /// With a confidence P (`check`): the simulated P-quantile date its
    /// closing convoy reaches its target (None: no confidence asked, or not
    /// within the horizon in that share of the replications).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrives_q: Option<m::Date>,
}

/// Figures of one side.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    /// P(everyone not kept by decision is out by the end of the deadline day).
    pub deadline_met: f64,
    /// People left (see the module notes).
    pub people_left: Q,
    /// People kept by decision (not counted as left).
    pub people_kept: u32,
    pub wounded: Q,
    pub killed: Q,
    /// Equipment items by fate at the end of the deadline day.
    pub equipment: Vec<(String, Q)>,
}

/// The paired comparison with the scenario's own plan.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    pub figures: Figures,
    /// Mean of (this plan − the scenario's plan) per metric, with its 95 % interval.
    pub differences: Vec<Difference>,
    /// The headline metrics on which the engine finds this plan significantly
    /// worse than the scenario's plan, in words (empty: not worse).
    pub worse: Vec<String>,
    /// Likewise, significantly better.
    pub better: Vec<String>,
}

/// The engine's check of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub runs: u64,
    pub seed: u64,
    /// `point` or `sampled` inputs.
    pub inputs: &'static str,
    pub figures: Figures,
    pub sites: Vec<SiteCheck>,
    /// The scenario's own plan, paired (None: the scenario has no plan, or it does not load).
    pub baseline: Option<Baseline>,
    /// Why there is no baseline, when there is none.
    pub no_baseline: Option<String>,
}

/// What one replication tells about one side.
struct Rep {
    left: u32,
    outcome: Outcome,
}

fn rep(w: &World, seed: u64, r: u64, total: u32, kept: u32) -> Rep {
    let o = simulate(w, seed, r);
    let left = total.saturating_sub(o.departed_by_deadline).saturating_sub(o.killed).saturating_sub(kept);
    Rep { left, outcome: o }
}

#[derive(Default)]
struct Fold {
    met: u64,
    left: Hist,
    wounded: Hist,
    killed: Hist,
    equipment: Vec<Hist>,
}

impl Fold {
    fn add(&mut self, x: &Rep) {
        self.met += u64::from(x.left == 0);
        self.left.add(x.left);
        self.wounded.add(x.outcome.wounded);
        self.killed.add(x.outcome.killed);
        if self.equipment.is_empty() {
            self.equipment = vec![Hist::new(); Fate::ALL.len()];
        }
        for (h, f) in self.equipment.iter_mut().zip(Fate::ALL) {
            h.add(x.outcome.equipment[f]);
        }
    }

    fn figures(&self, runs: u64, kept: u32) -> Figures {
        Figures {
            deadline_met: self.met as f64 / runs.max(1) as f64,
            people_left: self.left.q(),
            people_kept: kept,
            wounded: self.wounded.q(),
            killed: self.killed.q(),
            equipment: Fate::ALL.iter().zip(&self.equipment).map(|(f, h)| (f.as_str().to_string(), h.q())).collect(),
        }
    }
}

/// Simulates `plan` (and `base`, paired) `runs` times. `planned` gives each
/// planned closure's date, by site id; with `confidence` P, also each
/// closing convoy's simulated P-quantile arrival (`SiteCheck::arrives_q`).
pub fn check(
    plan: &Side,
    base: Option<&Side>,
    planned: &[(String, m::Date)],
    runs: u64,
    seed: u64,
    threads: usize,
    confidence: Option<f64>,
) -> Result<Check, drawdown_engine::Error> {
    let w = plan.inputs.point();
    let total: u32 = w.groups.iter().map(|g| g.count).sum();
    let base_total: u32 = base.map_or(0, |b| b.inputs.point().groups.iter().map(|g| g.count).sum());
    let mut models = vec![plan.inputs];
    if let Some(b) = base {
        models.push(b.inputs);
    }
    let ms = metrics(w);
    let site_idx: Vec<(usize, m::Date)> =
        planned.iter().filter_map(|(id, d)| w.sites.iter().position(|x| x.id == *id).map(|i| (i, *d))).collect();
    // The outcome's movement row of each planned closure: road lines first,
    // then closures in plan order.
    let closure_row: Vec<Option<usize>> = site_idx
        .iter()
        .map(|&(i, _)| w.closures.iter().position(|c| usize::from(c.site) == i).map(|k| w.lines.len() + k))
        .collect();
    let mut arrived = vec![Hist::new(); site_idx.len()];
    let mut arrived_in_time = vec![0u64; site_idx.len()];
    let (mut pf, mut bf) = (Fold::default(), Fold::default());
    let mut closed = vec![Hist::new(); site_idx.len()];
    let mut by_deadline = vec![0u64; site_idx.len()];
    let mut pairs = vec![PairSums::default(); ms.len() + 2];
    let deadline_end = (w.deadline_day + 1) * drawdown_engine::world::MIN_PER_DAY;
    let (pk, bk) = (plan.kept, base.map_or(0, |b| b.kept));
    run_groups(
        &models,
        runs,
        seed,
        threads,
        &|_| {},
        |ws, r| {
            let p = rep(ws[0], seed, r, total, pk);
            let b = ws.get(1).map(|bw| rep(bw, seed, r, base_total, bk));
            (p, b)
        },
        |_, (p, b)| {
            pf.add(&p);
            for (k, &(i, _)) in site_idx.iter().enumerate() {
                let t = p.outcome.site_closed[i];
                closed[k].add_opt(t.map(|t| t / drawdown_engine::world::MIN_PER_DAY));
                by_deadline[k] += u64::from(t.is_some_and(|t| t < deadline_end));
                // The closing convoy leaves when the site is vacated; its one
                // loaded trip ends at the target.
                let at = closure_row[k].zip(t).and_then(|(row, t)| {
                    let c = &p.outcome.convoys[row];
                    (c.trips > 0).then(|| u64::from(t) + c.trip_minutes)
                });
                let at = at.map(|m| u32::try_from(m).unwrap_or(u32::MAX));
                arrived[k].add_opt(at.map(|m| m / drawdown_engine::world::MIN_PER_DAY));
                arrived_in_time[k] += u64::from(at.is_some_and(|m| m < deadline_end));
            }
            if let Some(b) = b {
                bf.add(&b);
                for (s, m) in pairs.iter_mut().zip(&ms) {
                    s.add(m.of(&b.outcome), m.of(&p.outcome));
                }
                let n = ms.len();
                pairs[n].add(i64::from(b.left), i64::from(p.left));
                pairs[n + 1].add(i64::from(b.left == 0), i64::from(p.left == 0));
            }
        },
    )?;
    let day = |d: Option<u32>| d.map(|d| w.start.plus_days(i64::from(d)));
    let sites = site_idx
        .iter()
        .zip(&closed)
        .zip(&by_deadline)
        .enumerate()
        .map(|(k, ((&(i, planned), h), &n))| {
            let p50 = h.quantile(0.5);
            SiteCheck {
                arrives_p50: day(arrived[k].quantile(0.5)),
                arrives_p95: day(arrived[k].quantile(0.95)),
                arrives_by_deadline: arrived_in_time[k] as f64 / runs.max(1) as f64,
                arrives_q: confidence.and_then(|q| day(arrived[k].quantile(q))),
                site: w.sites[i].id.clone(),
                planned,
                closed_p50: day(p50),
                closed_p95: day(h.quantile(0.95)),
                late_days_p50: day(p50).map(|d| d.days_since(planned)),
                closed_by_deadline: n as f64 / runs.max(1) as f64,
            }
        })
        .collect();
    let baseline = base.map(|b| {
        let mut differences: Vec<Difference> =
            ms.iter().zip(&pairs).map(|(m, s)| s.result(&m.name, m.better)).collect();
        let n = ms.len();
        differences.push(pairs[n].result("people_left", Better::Lower));
        differences.push(pairs[n + 1].result("deadline_met", Better::Higher));
        let (worse, better) = verdict(&differences);
        Baseline { figures: bf.figures(runs, b.kept), differences, worse, better }
    });
    Ok(Check {
        runs,
        seed,
        inputs: if plan.inputs.is_sampled() { "sampled" } else { "point" },
        figures: pf.figures(runs, plan.kept),
        sites,
        baseline,
        no_baseline: None,
    })
}

/// The headline metrics, in the order of the planner's weights, with the
/// direction that is better: (metric, words, higher is better).
const HEADLINE: &[(&str, &str, bool)] = &[
    ("people_left", "people left at the deadline", false),
    ("deadline_met", "chance that everyone is out by the deadline", true),
    ("killed", "killed", false),
    ("wounded", "wounded", false),
    ("equipment.repatriated", "equipment repatriated", true),
    ("equipment.abandoned", "equipment abandoned", false),
];

/// Headline metrics significantly worse and significantly better than the baseline.
fn verdict(diffs: &[Difference]) -> (Vec<String>, Vec<String>) {
    let (mut worse, mut better) = (Vec::new(), Vec::new());
    for &(metric, words, higher_better) in HEADLINE {
        let Some(d) = diffs.iter().find(|d| d.metric == metric) else { continue };
        if !d.significant || d.mean_difference == 0.0 {
            continue;
        }
        let text = if metric == "deadline_met" {
            format!("{words} {:.1} % against {:.1} %", d.variant_mean * 100.0, d.base_mean * 100.0)
        } else {
            format!("{words} {:.1} against {:.1} (mean)", d.variant_mean, d.base_mean)
        };
        if (d.mean_difference > 0.0) == higher_better {
            better.push(text);
        } else {
            worse.push(text);
        }
    }
    (worse, better)
}
