//! The withdrawal planner: the deterministic core of a scenario (expected
//! travel times, permit and clearance rates, serviceability) as a
//! mixed-integer programme on a time-expanded network (planning periods ×
//! sites), solved with HiGHS; then explained (binding capacities and their
//! marginal value, what limits each closure) and, when the deadline cannot
//! be met, the smallest relaxation that meets it.
//!
//! `docs/planner.md` documents the formulation, the options and the output.

pub mod check;
mod error;
mod explain;
mod formulation;
mod interrupt;
mod output;
mod periods;
pub mod robust;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use drawdown_engine::World;
use drawdown_engine::world::CompileError;
use drawdown_model as m;
use drawdown_model::uncertain::InputSpace;

use crate::formulation::Timing;
use serde::Serialize;

pub use error::PlanError;
pub use output::{Movement, movements, to_csv, to_json, to_plan_toml};

/// Objective weights, in thousand US dollars (the solver's unit), read from
/// the scenario's `[planner]` table (US dollars there) or the defaults.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Weights {
    /// Per person (any role) not at an exit by the end of the deadline day.
    pub person_left: f64,
    /// Per expected casualty (wounded + killed) on road convoys.
    pub casualty: f64,
    /// Per US dollar of equipment disposed of at a closure or left in the country.
    pub value_per_usd: f64,
    /// Per expected handover failure (an armed group takes the vacated site).
    pub handover_failure: f64,
    /// Per base never closed by the deadline (kept closures excepted).
    pub open_base: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            person_left: 1.0e5,
            casualty: 1.0e3,
            value_per_usd: 1.0e-3,
            handover_failure: 500.0,
            open_base: 1.0e3,
        }
    }
}

/// Tie-breakers, far below every weight: they only choose among plans of
/// equal weighted cost.
pub mod tie {
    /// Per person-day spent at a base: move people early (room for friction).
    pub const PERSON_DAY: f64 = 1.0e-2;
    /// Per road convoy and per sortie: no idle movements.
    pub const MOVEMENT: f64 = 1.0e-3;
}

/// People one road convoy is planned to carry (the engine has no limit
/// unless a line sets `personnel_max`; this keeps convoy counts honest).
pub const PERSONNEL_PER_CONVOY: f64 = 500.0;

/// Branch-and-bound nodes after which HiGHS stops when the gap is not yet
/// reached: the limit that makes a plan reproducible (a count of work, not
/// a duration).
pub const MAX_NODES: u32 = 2_000;

/// Simplex iterations after which an LP solve stops (far more than any
/// model here needs; a count of work, so the same on every machine).
pub const LP_ITERATIONS: u32 = 5_000_000;

/// Wall-clock safety net over the whole planning run, seconds.
pub const TIME_LIMIT_S: f64 = 600.0;

/// Quantile of each trip's arrival the programme plans at, by default.
pub const TRIP_QUANTILE: f64 = 0.9;

/// Input draws each trip is timed in (with sampled inputs), by default.
pub const TRIP_DRAWS: u32 = 64;

#[derive(Debug, Clone, Serialize)]
pub struct Options {
    pub weights: Weights,
    /// Wall-clock safety net for the whole run (warm start, solve,
    /// explanation), seconds. The solver normally stops on `max_nodes` or
    /// the gap, which do not depend on machine speed; a run stopped by this
    /// net says so (`SolveInfo::time_limit_hit`) and is not reproducible.
    pub time_limit_s: f64,
    /// Branch-and-bound nodes after which HiGHS stops (deterministic).
    pub max_nodes: u32,
    /// Simplex iterations after which an LP solve stops (deterministic).
    pub lp_iterations: u32,
    /// HiGHS threads. One: HiGHS's parallel tasks could otherwise change the
    /// search path with the machine's load.
    pub threads: u32,
    /// Relative MIP gap at which HiGHS stops.
    pub mip_rel_gap: f64,
    /// Road destinations considered from each base (nearest exits, airfield
    /// bases and bases closer to an exit).
    pub road_destinations: usize,
    /// Truck fleets considered for each road arc (nearest homes).
    pub fleets_per_arc: usize,
    /// Plan as if the deadline were this many days earlier.
    pub margin_days: u32,
    /// Each trip (a line's convoy, a closing convoy) is planned to arrive
    /// when it has arrived with this probability (`expected::arrival_quantile`),
    /// not on average: the room for friction a plan needs.
    pub trip_quantile: f64,
    /// With an input space: how many of its draws trips are timed in, and
    /// the seed of the draws (the engine check's, so that both see the
    /// same worlds).
    pub trip_draws: u32,
    pub seed: u64,
    /// Per base: days more, beyond `margin_days`, by which its closing
    /// convoy must arrive before the deadline (`drawdown plan --confidence`
    /// learns them from the engine). Bases not named have none.
    pub site_margins: Vec<(String, u32)>,
    /// Longest planning period (days); None: automatic from the size.
    pub bucket_days: Option<u32>,
    /// Days before the deadline planned day by day.
    pub daily_tail: u32,
    /// Start HiGHS from the latest-closure plan.
    pub warm_start: bool,
    /// Explain the plan and, if people are left, search for a relaxation.
    pub explain: bool,
    /// Let HiGHS print its log.
    pub verbose: bool,
    /// Closures kept as given rather than planned: (base id, closure date),
    /// or (base id, None) for a base that stays open past the deadline.
    pub keep: Vec<(String, Option<m::Date>)>,
    /// Set from another thread to stop the run: every solve stops at its
    /// next interrupt check and `plan` returns `PlanError::Cancelled` (the
    /// server sets it when the client of a re-plan has gone).
    #[serde(skip)]
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            weights: Weights::default(),
            time_limit_s: TIME_LIMIT_S,
            max_nodes: MAX_NODES,
            lp_iterations: LP_ITERATIONS,
            threads: 1,
            mip_rel_gap: 0.01,
            road_destinations: 2,
            fleets_per_arc: 2,
            margin_days: 0,
            trip_quantile: TRIP_QUANTILE,
            trip_draws: TRIP_DRAWS,
            seed: 7,
            site_margins: Vec::new(),
            bucket_days: None,
            daily_tail: 14,
            warm_start: true,
            explain: true,
            verbose: false,
            keep: Vec::new(),
            cancel: None,
        }
    }
}

impl Options {
    /// The own margin of base `site` (days beyond `margin_days`).
    pub fn site_margin(&self, site: &str) -> u32 {
        self.site_margins.iter().find(|(s, _)| s == site).map_or(0, |&(_, d)| d)
    }

    /// The defaults, overridden by the scenario's `[planner]` table.
    pub fn from_scenario(s: &m::Scenario) -> Options {
        let mut o = Options::default();
        if let Some(p) = &s.planner {
            let k = 1.0e-3; // US$ -> thousand US$
            if let Some(x) = p.person_left_usd {
                o.weights.person_left = x * k;
            }
            if let Some(x) = p.casualty_usd {
                o.weights.casualty = x * k;
            }
            if let Some(x) = p.equipment_weight {
                o.weights.value_per_usd = x * k;
            }
            if let Some(x) = p.handover_failure_usd {
                o.weights.handover_failure = x * k;
            }
            if let Some(x) = p.open_base_usd {
                o.weights.open_base = x * k;
            }
            if let Some(x) = p.margin_days {
                o.margin_days = x;
            }
            if let Some(x) = p.trip_quantile {
                o.trip_quantile = x;
            }
            if let Some(x) = p.time_limit_s {
                o.time_limit_s = x;
            }
            if let Some(x) = p.gap {
                o.mip_rel_gap = x;
            }
            o.bucket_days = p.bucket_days.or(o.bucket_days);
        }
        o
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedClosure {
    pub site: String,
    pub date: m::Date,
    pub to: String,
    /// Latest date on which the closing convoy still arrives in time.
    pub latest: Option<m::Date>,
    /// People leaving with the closing convoy (guard force last).
    pub personnel: f64,
    /// Load units disposed of at the closure.
    pub disposed_load: f64,
    /// Expected casualties of the closing convoy.
    pub casualties: f64,
    /// Probability that an armed group takes the site before the state.
    pub handover_failure: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoadLine {
    pub id: String,
    /// Convoy serial of the line, e.g. `R-003`.
    pub serial: String,
    pub from: String,
    pub to: String,
    pub fleet: String,
    pub ready: m::Date,
    pub until: m::Date,
    /// Trucks per convoy: enough for the largest load a convoy carries.
    pub trucks: u32,
    /// Whole convoys over the line's life (each period's rounded up).
    pub convoys: u32,
    pub personnel: f64,
    pub load: f64,
    pub casualties: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AirLine {
    pub id: String,
    /// Flight number of the line, e.g. `A-002`.
    pub serial: String,
    pub from: String,
    pub to: String,
    pub fleet: String,
    /// Carries cargo too (the aircraft has a payload).
    pub cargo: bool,
    pub ready: m::Date,
    pub until: m::Date,
    /// Sorties requested per day (denied requests do not fly).
    pub sorties_per_day: u32,
    /// Whole sorties expected to fly over the line's life (each period's rounded up).
    pub sorties: u32,
    pub personnel: f64,
    pub load: f64,
}

/// What happens to one equipment lot of the scenario.
#[derive(Debug, Clone, Serialize)]
pub struct LotDisposition {
    pub site: String,
    pub contingent: String,
    pub class: m::EquipmentClass,
    pub count: u32,
    /// Value at stake: count × value per item, US$.
    pub value_usd: f64,
    /// `repatriate`, `hand_over` or `destroy`.
    pub action: &'static str,
    /// Planned share of the lot that leaves the country.
    pub repatriated_share: f64,
}

/// One binding constraint in plain words, with its marginal value.
#[derive(Debug, Clone, Serialize)]
pub struct Binding {
    pub what: String,
    pub from: m::Date,
    pub to: m::Date,
    /// Objective saved (thousand US$ equivalent) by one more unit (truck, sortie a day) over the binding days.
    pub value_of_one_more: f64,
    pub text: String,
}

/// The smallest relaxation that meets the deadline.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Relaxation {
    /// Extra days: the deadline that the plan meets (None: none found up to the search limit).
    pub extra_days: Option<u32>,
    /// Extra trucks per fleet that meet the deadline with the closures as late as possible.
    pub extra_trucks: Vec<(String, u32)>,
    /// Extra aircraft per fleet likewise.
    pub extra_aircraft: Vec<(String, u32)>,
    /// Trucks and aircraft alone cannot meet the deadline (closing convoys are too late).
    pub capacity_insufficient: bool,
    /// `--set` overrides that apply it, one alternative per entry.
    pub overrides: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Explanation {
    pub binding: Vec<Binding>,
    /// Why each site closes when it does.
    pub closures: Vec<String>,
    pub relaxation: Option<Relaxation>,
}

/// What stopped the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The gap target was reached (or the programme solved to optimality).
    Gap,
    /// The node limit (`max_nodes`) was reached first: deterministic.
    NodeLimit,
    /// The wall-clock safety net was reached: the plan depends on the
    /// machine's speed and load.
    TimeLimit,
    /// The solver failed; the starting plan was kept.
    Failed,
}

/// Size and solver figures. Durations are not serialised: the JSON output is
/// the same for the same input.
#[derive(Debug, Clone, Serialize)]
pub struct SolveInfo {
    pub status: String,
    /// What stopped the branch and bound.
    pub stopped_by: Stop,
    /// The node limit in force.
    pub max_nodes: u32,
    /// The relative gap at which the solver stops.
    pub gap_target: f64,
    /// Some solve of this run (the plan, its explanation or a relaxation)
    /// stopped on the wall-clock safety net: the output may differ from run
    /// to run.
    pub time_limit_hit: bool,
    /// Objective of the best plan found (thousand US$ equivalent).
    pub objective: f64,
    /// HiGHS's dual bound on the objective.
    pub bound: f64,
    /// Relative gap reported by HiGHS.
    pub gap: f64,
    #[serde(skip)]
    pub solve_seconds: f64,
    #[serde(skip)]
    pub build_seconds: f64,
    #[serde(skip)]
    pub explain_seconds: f64,
    /// Objective of the latest-closure starting plan, if computed.
    pub start_objective: Option<f64>,
    pub columns: usize,
    pub rows: usize,
    pub binaries: usize,
    pub periods: usize,
    pub days: usize,
}

/// The planner's answer.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub scenario: String,
    pub start: m::Date,
    pub deadline: m::Date,
    /// Ids of the sites that are exits (leaving the country).
    pub exits: Vec<String>,
    pub closures: Vec<PlannedClosure>,
    pub road: Vec<RoadLine>,
    pub air: Vec<AirLine>,
    pub dispositions: Vec<LotDisposition>,
    pub solve: SolveInfo,
    /// Terms of the objective in the plan found.
    pub personnel_total: f64,
    /// People still in the country at the deadline, those kept by decision excepted.
    pub personnel_left: f64,
    /// Guards and rear parties of the bases kept open (`kept_open`): they stay by decision.
    pub personnel_kept: f64,
    /// Bases kept open past the deadline by `--keep` (or the scenario's plan through `--keep SITE`).
    pub kept_open: Vec<String>,
    pub expected_casualties: f64,
    pub value_left_usd: f64,
    pub handover_failures: f64,
    /// Bases the plan never closes (kept closures excepted).
    pub bases_left_open: Vec<String>,
    pub weights: Weights,
    pub explanation: Explanation,
    /// The engine's check of the plan as written (set by the caller, e.g. `drawdown plan`).
    pub check: Option<check::Check>,
    /// The simulate → re-plan loop of `drawdown plan --confidence` (None: not asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robust: Option<robust::Robust>,
}

/// Plans the withdrawal of `s` (its own plan, if any, is ignored). With
/// `space` (the uncertain inputs of `s`), trips are timed over
/// `opts.trip_draws` of its draws, as the engine check's sampled inputs
/// will run them; without, in the point world alone.
pub fn plan(s: &m::Scenario, space: Option<&InputSpace>, opts: &Options) -> Result<Planned, PlanError> {
    let t0 = Instant::now();
    let w = compile_bare(s).map_err(PlanError::Compile)?;
    let timing = Timing { draws: space.map_or(Ok(Vec::new()), |sp| draw_worlds(sp, opts))?, q: opts.trip_quantile };
    if w.fleets.is_empty() && w.aircraft.is_empty() {
        return Err(PlanError::NothingMoves);
    }
    for (id, _) in &opts.keep {
        if !s.sites.iter().any(|x| x.id == *id && x.kind.is_base()) {
            return Err(PlanError::NotABase(id.clone()));
        }
    }
    let model = formulation::Model::build(s, &w, &timing, opts, false);
    // A kept closure must be possible: a road to its convoy's target that day.
    for (k, cv) in model.closures.iter().enumerate() {
        if let Some(Some(p)) = model.kept[k]
            && cv.arrive[p].is_none()
        {
            let site = &model.site_ids[cv.site as usize];
            return Err(PlanError::KeptWithoutRoad {
                site: site.clone(),
                date: model.date(model.per.start[p]),
                to: model.site_ids[cv.to as usize].clone(),
            });
        }
    }
    let build_seconds = t0.elapsed().as_secs_f64();
    let net = Net::new(opts, t0);
    let solved = model.solve(opts, &net)?;
    let mut planned = model.read(&solved, opts);
    planned.solve.build_seconds = build_seconds;
    planned.scenario = s.scenario.id.clone();
    if opts.explain {
        let t1 = Instant::now();
        planned.explanation = explain::explain(s, &w, &timing, &model, &solved, opts, &net);
        planned.solve.explain_seconds = t1.elapsed().as_secs_f64();
        // An explanation whose solves were stopped is no explanation.
        if net.interrupted.get() {
            return Err(PlanError::Cancelled);
        }
    }
    planned.solve.time_limit_hit = net.hit.get();
    Ok(planned)
}

/// The limits every HiGHS call of one planning run shares: deterministic
/// work limits, one thread, and the wall-clock safety net (what is left of
/// it), which records whether any solve ran into it.
pub(crate) struct Net {
    start: Instant,
    limit_s: f64,
    pub max_nodes: u32,
    pub lp_iterations: u32,
    pub threads: u32,
    pub hit: std::cell::Cell<bool>,
    /// Stops every solve once set (`Options::cancel`).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Whether a solve was stopped by it.
    pub interrupted: std::cell::Cell<bool>,
}

impl Net {
    fn new(opts: &Options, start: Instant) -> Net {
        Net {
            start,
            limit_s: opts.time_limit_s,
            max_nodes: opts.max_nodes.max(1),
            lp_iterations: opts.lp_iterations.max(1),
            threads: opts.threads.max(1),
            hit: std::cell::Cell::new(false),
            cancel: opts.cancel.clone(),
            interrupted: std::cell::Cell::new(false),
        }
    }

    /// Records what stopped a solve short: the safety net, or a request.
    pub fn note(&self, status: highs::HighsModelStatus) {
        match status {
            highs::HighsModelStatus::ReachedTimeLimit => self.hit.set(true),
            highs::HighsModelStatus::ReachedInterrupt => self.interrupted.set(true),
            _ => {}
        }
    }

    /// Seconds left of the safety net (at least a millisecond, so that a
    /// spent net stops the solver at once rather than meaning "no limit").
    pub fn remaining(&self) -> f64 {
        (self.limit_s - self.start.elapsed().as_secs_f64()).max(1e-3)
    }
}

/// The scenario compiled without its plan (the planner writes its own).
fn compile_bare(s: &m::Scenario) -> Result<World, CompileError> {
    let mut bare = s.clone();
    bare.plan = m::Plan::default();
    World::compile(&bare)
}

/// The worlds of the first `opts.trip_draws` input draws of `space` (seed
/// `opts.seed`, the keys of `drawdown_engine::inputs`), compiled without
/// their plan. None when the scenario has no uncertain input.
fn draw_worlds(space: &InputSpace, opts: &Options) -> Result<Vec<World>, PlanError> {
    if space.is_empty() {
        return Ok(Vec::new());
    }
    (0..u64::from(opts.trip_draws.max(1)))
        .map(|j| {
            let values = drawdown_engine::inputs::draw_values(space, opts.seed, j);
            let s = space.scenario_at(&values).map_err(|reason| PlanError::InputDraw { draw: j, reason })?;
            compile_bare(&s).map_err(|e| PlanError::InputDraw { draw: j, reason: e.to_string() })
        })
        .collect()
}
