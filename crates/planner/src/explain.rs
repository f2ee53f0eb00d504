//! Explaining a plan: which capacities bind and what one more unit is worth
//! (row duals of the programme with the closures fixed, an LP), why each site
//! closes when it does, and for a deadline that cannot be met the smallest
//! relaxation (extra trucks and aircraft priced in the capacity rows, or
//! extra days found by a search).

use drawdown_engine::World;
use drawdown_model as m;

use crate::formulation::{CapRow, Model, Solved, Timing};
use crate::{Binding, Explanation, Net, Options, Relaxation};

/// People left below this count as nobody left (the LP's tolerance).
const NOBODY: f64 = 0.5;

pub fn explain(
    s: &m::Scenario,
    w: &World,
    timing: &Timing,
    model: &Model,
    solved: &Solved,
    opts: &Options,
    net: &Net,
) -> Explanation {
    let close = model.closure_periods(&solved.cols);
    let left = model.people_left(&solved.cols);
    let mut out = Explanation { closures: closure_reasons(model, &close), ..Explanation::default() };
    if let Some((_, _, duals)) = model.solve_fixed(&close, net) {
        let unit = Unit::of(model, opts, left);
        out.binding.extend(bindings(model, &model.truck_rows, &duals, &unit, Kind::Trucks));
        out.binding.extend(bindings(model, &model.sortie_rows, &duals, &unit, Kind::Sorties));
        out.binding.sort_by(|a, b| b.value_of_one_more.total_cmp(&a.value_of_one_more));
    }
    if left > NOBODY {
        out.relaxation = Some(relaxation(s, w, timing, opts, net));
    }
    out
}

fn closure_reasons(model: &Model, close: &[Option<usize>]) -> Vec<String> {
    let latest = model.latest_closures();
    let mut out = Vec::new();
    for (k, cv) in model.closures.iter().enumerate() {
        let site = &model.site_ids[cv.site as usize];
        let to = &model.site_ids[cv.to as usize];
        // A kept closure is the user's decision, not the plan's: said as such.
        match model.kept[k] {
            Some(None) => {
                out.push(format!(
                    "{site} stays open past the deadline, as kept: its {:.0} guards and rear parties stay by decision.",
                    model.bound0[cv.site as usize]
                ));
                continue;
            }
            Some(Some(p)) => {
                let when = model.date(model.per.start[p]);
                out.push(if cv.late[p] {
                    format!("{site} closes on {when} to {to}, as kept; its closing convoy arrives after the deadline.")
                } else {
                    format!("{site} closes on {when} to {to}, as kept.")
                });
                continue;
            }
            None => {}
        }
        match (close[k], latest[k]) {
            (None, _) => out.push(format!("{site} is never closed in the plan: no day on which its closing convoy to {to} arrives in time, so its guard force stays.")),
            (Some(p), Some(l)) if p >= l => out.push(format!(
                "{site} closes on {} to {to}: the latest day its closing convoy still arrives in time.",
                model.date(model.per.start[p])
            )),
            (Some(p), Some(l)) => {
                let why = if cv.fail[p] < cv.fail[l] - 1e-9 {
                    format!("closing later raises the chance an armed group takes it first from {:.0} % to {:.0} %", cv.fail[p] * 100.0, cv.fail[l] * 100.0)
                } else if cv.risk[p] < cv.risk[l] - 1e-9 {
                    format!("the closing convoy's expected casualties rise from {:.2} to {:.2} later", cv.risk[p], cv.risk[l])
                } else {
                    "its people and cargo are out by then, and an earlier closure leaves room for friction".to_string()
                };
                out.push(format!(
                    "{site} closes on {} to {to}, {} days before the latest possible ({}): {why}.",
                    model.date(model.per.start[p]),
                    model.per.start[l] - model.per.start[p],
                    model.date(model.per.start[l])
                ));
            }
            (Some(p), None) => out.push(format!("{site} closes on {} to {to}.", model.date(model.per.start[p]))),
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Trucks,
    Sorties,
}

/// How to say an objective saving in plain words: people out by the
/// deadline when people are left, else load units of equipment.
struct Unit {
    per: f64,
    name: &'static str,
}

impl Unit {
    fn of(model: &Model, opts: &Options, left: f64) -> Unit {
        if left > NOBODY {
            Unit { per: opts.weights.person_left, name: "people out by the deadline" }
        } else {
            Unit {
                per: (opts.weights.value_per_usd * model.value_per_unit).max(1e-12),
                name: "load units (containers) of equipment",
            }
        }
    }
}

fn bindings(model: &Model, rows: &[CapRow], duals: &[f64], unit: &Unit, kind: Kind) -> Vec<Binding> {
    let n_fleets = match kind {
        Kind::Trucks => model.fleet_ids.len(),
        Kind::Sorties => model.aircraft_ids.len(),
    };
    let mut out = Vec::new();
    for f in 0..n_fleets {
        let binding: Vec<(usize, f64)> = rows
            .iter()
            .filter(|r| r.fleet == f)
            .map(|r| (r.period, duals[r.row].abs() * model.per.len[r.period] as f64))
            .filter(|&(_, v)| v > 1e-6)
            .collect();
        let (Some(first), Some(last)) = (binding.first(), binding.last()) else { continue };
        let value: f64 = binding.iter().map(|x| x.1).sum();
        let (from, to) = (model.date(model.per.start[first.0]), model.date(model.per.last_day(last.0)));
        let days: usize = binding.iter().map(|x| model.per.len[x.0]).sum();
        let saved = value / unit.per;
        // Said in the unit when it moves it; else the value is in the other terms.
        let gain = if saved >= 0.1 {
            format!("save about {saved:.1} {} (objective {value:.1} k$)", unit.name)
        } else {
            format!(
                "lower the plan's cost by about {value:.1} k$ (expected casualties and equipment), though not the {}",
                unit.name
            )
        };
        let text = match kind {
            Kind::Trucks => format!(
                "Truck fleet {} is at capacity on {days} days between {from} and {to}; one more truck over those days would {gain}.",
                model.fleet_ids[f]
            ),
            Kind::Sorties => format!(
                "Airlift by {} is at capacity on {days} days between {from} and {to}; one more sortie a day would {gain}.",
                model.aircraft_ids[f]
            ),
        };
        let what = match kind {
            Kind::Trucks => format!("trucks of {}", model.fleet_ids[f]),
            Kind::Sorties => format!("sorties of {}", model.aircraft_ids[f]),
        };
        out.push(Binding { what, from, to, value_of_one_more: value, text });
    }
    out
}

/// Whether the scenario's deadline can be met with every site closing as
/// late as possible (one LP; the closures that give the flows the most time).
fn meets_deadline(s: &m::Scenario, timing: &Timing, opts: &Options, net: &Net) -> Option<bool> {
    let w = crate::compile_bare(s).ok()?;
    let model = Model::build(s, &w, timing, opts, false);
    let (_, cols, _) = model.solve_fixed(&model.latest_closures(), net)?;
    Some(model.people_left(&cols) <= NOBODY)
}

fn with_deadline(s: &m::Scenario, extra: u32) -> m::Scenario {
    let mut t = s.clone();
    t.scenario.deadline = s.scenario.deadline.plus_days(i64::from(extra));
    if t.scenario.horizon.is_some_and(|h| h < t.scenario.deadline) {
        t.scenario.horizon = Some(t.scenario.deadline);
    }
    t
}

/// The smallest relaxation: extra trucks and aircraft (priced, with the
/// closures as late as possible), and independently the fewest extra days.
pub fn relaxation(s: &m::Scenario, w: &World, timing: &Timing, opts: &Options, net: &Net) -> Relaxation {
    let mut r = Relaxation::default();
    let model = Model::build(s, w, timing, opts, true);
    if let Some((_, cols, _)) = model.solve_fixed(&model.latest_closures(), net) {
        if model.people_left(&cols) <= NOBODY {
            let mut sets = Vec::new();
            for (f, c) in model.extra_trucks.iter().enumerate() {
                let x = (cols[c.index()] - 1e-6).ceil().max(0.0) as u32;
                if x > 0 {
                    r.extra_trucks.push((model.fleet_ids[f].clone(), x));
                    sets.push(format!("--set fleet.{}.trucks={}", model.fleet_ids[f], w.fleets[f].trucks + x));
                }
            }
            for (k, c) in model.extra_aircraft.iter().enumerate() {
                let x = (cols[c.index()] - 1e-6).ceil().max(0.0) as u32;
                if x > 0 {
                    r.extra_aircraft.push((model.aircraft_ids[k].clone(), x));
                    sets.push(format!("--set aircraft.{}.count={}", model.aircraft_ids[k], w.aircraft[k].count + x));
                }
            }
            if !sets.is_empty() {
                r.overrides.push(sets.join(" "));
            }
        } else {
            r.capacity_insufficient = true;
        }
    }
    // Fewest extra days: doubling, then bisection.
    let (mut lo, mut hi) = (0u32, None);
    for extra in [7u32, 14, 28, 56, 112, 224] {
        match meets_deadline(&with_deadline(s, extra), timing, opts, net) {
            Some(true) => {
                hi = Some(extra);
                break;
            }
            _ => lo = extra,
        }
    }
    if let Some(mut hi) = hi {
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if meets_deadline(&with_deadline(s, mid), timing, opts, net) == Some(true) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        r.extra_days = Some(hi);
        r.overrides.push(format!("--set scenario.deadline={}", s.scenario.deadline.plus_days(i64::from(hi))));
    }
    r
}
