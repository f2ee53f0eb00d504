//! The simulation result: one typed record of what many replications of a
//! scenario gave, built once (`SimResult::new`) from the compiled world, the
//! scenario and the Monte Carlo summary.
//!
//! Every consumer takes this type: the CLI's table and `--format json`, the
//! CSV exports, the HTML report and its charts, the dashboard's API and
//! charts, and what the operations store keeps of a run. No consumer reads
//! the result by string key, so a renamed field is a compile error, not a
//! silent zero. The JSON form is versioned (`schema_version`) and described
//! by a JSON Schema generated from these types (`docs/result.schema.json`).
//!
//! Everything here is a function of (scenario, seed, runs): nothing measures
//! wall time, so the same command gives the same JSON on a quiet or a busy
//! machine and on any number of threads.

use drawdown_model::{Date, MilestoneMetric, Scenario};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::montecarlo::{ConvoySummary, SPLIT_METRICS, Summary, VarianceSplit};
use crate::outcome::ByFate;
use crate::stats::{Hist, Q};
use crate::world::{NONE, World};

/// Version of the JSON form. 2: the first typed version (the dashboard's
/// result uses the CLI's names; wall-time figures left the result).
pub const SCHEMA_VERSION: u32 = 2;

/// What many replications of one scenario gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimResult {
    /// Version of this JSON form (`SCHEMA_VERSION`).
    pub schema_version: u32,
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's name.
    pub name: String,
    pub runs: u64,
    pub seed: u64,
    pub start: Date,
    pub deadline: Date,
    pub totals: Totals,
    /// The headline figures, by the end of the deadline day.
    pub summary: Headline,
    /// One row per day, start to deadline inclusive.
    pub daily: Vec<DailyRow>,
    /// Every base, and every other site the plan closes.
    pub sites: Vec<SiteRow>,
    /// Road lines in plan order, then one closing convoy per closure (`close-<site>`).
    pub convoys: Vec<ConvoyRow>,
    /// The scenario's observed milestones beside the simulated quantiles on their dates.
    pub milestones: Vec<MilestoneRow>,
    /// Where the replications took their inputs from.
    pub inputs: InputsUsed,
    /// With sampled inputs: the share of each headline figure's variance due
    /// to the inputs and to chance within a run (empty with point inputs).
    pub variance: Vec<VarianceRow>,
    pub engine: EngineCounts,
}

/// Point or sampled inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputMode {
    /// Every input at its point value in every replication.
    Point,
    /// Uncertain inputs drawn once per group of replications.
    Sampled,
}

/// How the inputs were drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InputsUsed {
    pub mode: InputMode,
    /// Uncertain inputs drawn (0 with point inputs).
    pub uncertain: usize,
    /// Replications per input draw.
    pub per_draw: u32,
    /// Number of input draws (groups).
    pub draws: u64,
    /// Some inputs were drawn from a calibration's posterior.
    pub calibrated: bool,
}

/// One headline figure's variance, split (one-way analysis of variance
/// over the groups of replications that share an input draw).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VarianceRow {
    pub metric: String,
    /// Total variance over replications.
    pub variance: f64,
    /// Share from the inputs (between groups), in [0, 1].
    pub inputs: f64,
    /// Share from chance within a run (within groups) = 1 − `inputs`; both
    /// are 0 when the figure does not vary at all.
    pub chance: f64,
}

/// What the scenario holds and must close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Totals {
    pub personnel: u32,
    pub vehicles: u32,
    pub containers: u32,
    /// Every equipment item (vehicles, containers and other items).
    pub equipment: u32,
    pub sites_to_close: u32,
}

/// The headline figures by the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Headline {
    pub personnel_departed_by_deadline: Q,
    pub sites_closed_by_deadline: Q,
    /// Share of replications in which every planned closure was done.
    pub p_all_sites_closed_by_deadline: f64,
    pub wounded: Q,
    pub killed: Q,
    pub vehicles_damaged: Q,
    /// Thousands of person-km travelled by road.
    pub personnel_road_kkm: Q,
    /// Equipment items by fate.
    pub equipment: ByFate<Q>,
    pub flight_clearances: Clearances,
}

/// Flight clearance requests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Clearances {
    /// Requests per replication (mean).
    pub requested_mean: f64,
    /// Approved ÷ requested over all replications (0 with no request).
    pub approval_rate: f64,
}

/// Cumulative figures at the end of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DailyRow {
    pub date: Date,
    pub personnel_departed: Q,
    pub sites_closed: Q,
}

/// Quantiles of a date; `None` where the quantile falls among replications
/// in which it did not happen within the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DateBand {
    pub p5: Option<Date>,
    pub p50: Option<Date>,
    pub p95: Option<Date>,
}

/// Mean and quantiles of a quantity that may not have occurred (e.g. the
/// duration of a trip that never completed): `None` where the quantile falls
/// among those replications, or the mean when it occurred in none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MaybeQ {
    pub mean: Option<f64>,
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// Shares of replications in which each taker held a vacated site.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Handover {
    pub state: f64,
    pub armed_group: f64,
}

/// One site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteRow {
    pub id: String,
    pub name: String,
    /// `None`: the plan does not close it (it stays open).
    pub planned_closure: Option<Date>,
    /// When it closed in the record, if the plan says.
    pub historical_closure: Option<Date>,
    /// Share of replications in which it was vacated within the horizon.
    pub p_closed: f64,
    pub closed_on: DateBand,
    pub handover: Handover,
}

/// One movement row: a road line's convoys, or a closure's closing convoy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConvoyRow {
    pub id: String,
    pub from: String,
    pub to: String,
    /// Share of replications with at least one loaded departure.
    pub p_departed: f64,
    /// Date of the first loaded departure.
    pub departed: DateBand,
    /// Mean loaded-trip duration per replication, in days.
    pub days: MaybeQ,
    pub incidents: Q,
    pub wounded: Q,
    pub killed: Q,
    pub vehicles_damaged: Q,
}

/// An observed milestone and the simulated quantiles on its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneRow {
    pub date: Date,
    pub metric: MilestoneMetric,
    /// The convoy rows of a convoy metric (one, or several observed as one column).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub convoy: Vec<String>,
    /// A readable name: the milestone's `label`, else the metric and its
    /// rows (an addition to version 2: empty in results stored before it).
    #[serde(default)]
    pub label: String,
    pub observed: f64,
    pub source: Option<String>,
    pub note: Option<String>,
    /// `None`: the date is outside the simulated days (or, for a convoy's
    /// duration, the median replication completed no trip).
    pub simulated: Option<Q>,
}

/// Deterministic counts of the engine's work (wall time is reported beside
/// the result, never in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EngineCounts {
    /// Events processed over all replications.
    pub events: u64,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn share(n: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { round4(n as f64 / of as f64) }
}

impl DateBand {
    /// Quantiles of a histogram of day indices, as dates.
    fn of(w: &World, h: &Hist) -> DateBand {
        let d = |p: f64| h.quantile(p).map(|x| w.date_of_day(x));
        DateBand { p5: d(0.05), p50: d(0.5), p95: d(0.95) }
    }
}

impl MaybeQ {
    /// Quantiles of a histogram of hours, in days (two decimals).
    fn days_of_hours(h: &Hist) -> MaybeQ {
        let d = |p: f64| h.quantile(p).map(|x| round2(f64::from(x) / 24.0));
        MaybeQ { mean: h.mean().map(|m| round2(m / 24.0)), p5: d(0.05), p50: d(0.5), p95: d(0.95) }
    }
}

impl SimResult {
    /// The result of `sum`, the replications of `s` compiled as `w`.
    pub fn new(w: &World, s: &Scenario, sum: &Summary) -> SimResult {
        SimResult {
            schema_version: SCHEMA_VERSION,
            scenario: w.id.clone(),
            name: s.scenario.name.clone(),
            runs: sum.runs,
            seed: sum.seed,
            start: w.start,
            deadline: w.date_of_day(w.deadline_day),
            totals: Totals {
                personnel: w.total_personnel,
                vehicles: w.vehicles,
                containers: w.containers,
                equipment: w.total_items,
                sites_to_close: w.closures.len() as u32,
            },
            summary: headline(sum),
            daily: (0..sum.departed_daily.len())
                .map(|d| DailyRow {
                    date: w.date_of_day(d as u32),
                    personnel_departed: sum.departed_daily[d].q(),
                    sites_closed: sum.closed_daily[d].q(),
                })
                .collect(),
            sites: sites(w, sum),
            convoys: convoys(w, sum),
            milestones: milestones(w, s, sum),
            inputs: inputs_used(sum),
            variance: variance(sum),
            engine: EngineCounts { events: sum.events },
        }
    }

    /// The sites the plan closes, in the result's order.
    pub fn closing_sites(&self) -> impl Iterator<Item = &SiteRow> {
        self.sites.iter().filter(|s| s.planned_closure.is_some())
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&SiteRow> {
        self.sites.iter().find(|s| s.id == id)
    }
}

fn inputs_used(sum: &Summary) -> InputsUsed {
    match sum.sampled {
        Some(s) => InputsUsed {
            mode: InputMode::Sampled,
            uncertain: s.inputs,
            per_draw: s.per_draw,
            draws: sum.runs.div_ceil(u64::from(s.per_draw)),
            calibrated: s.calibrated,
        },
        None => InputsUsed { mode: InputMode::Point, uncertain: 0, per_draw: 1, draws: 1, calibrated: false },
    }
}

fn variance(sum: &Summary) -> Vec<VarianceRow> {
    let Some(splits) = sum.variance.as_ref().and_then(VarianceSplit::splits) else { return Vec::new() };
    SPLIT_METRICS
        .iter()
        .zip(splits)
        .map(|((name, _), s)| VarianceRow {
            metric: name.to_string(),
            variance: round4(s.variance),
            inputs: round4(s.input_share),
            chance: if s.variance > 0.0 { round4(1.0 - s.input_share) } else { 0.0 },
        })
        .collect()
}

fn headline(sum: &Summary) -> Headline {
    let reqs = sum.clearances_requested;
    Headline {
        personnel_departed_by_deadline: sum.departed_by_deadline.q(),
        sites_closed_by_deadline: sum.sites_closed_by_deadline.q(),
        p_all_sites_closed_by_deadline: share(sum.all_closed_by_deadline, sum.runs),
        wounded: sum.wounded.q(),
        killed: sum.killed.q(),
        vehicles_damaged: sum.vehicles_damaged.q(),
        personnel_road_kkm: sum.personnel_road_kkm.q(),
        equipment: sum.equipment.map(Hist::q),
        flight_clearances: Clearances {
            requested_mean: round2(reqs as f64 / sum.runs.max(1) as f64),
            approval_rate: share(sum.clearances_approved, reqs),
        },
    }
}

fn sites(w: &World, sum: &Summary) -> Vec<SiteRow> {
    w.sites
        .iter()
        .enumerate()
        .filter(|(i, site)| site.kind.is_base() || w.closure_of[*i] != NONE)
        .map(|(i, site)| {
            let closure = w.closures.iter().find(|c| c.site as usize == i);
            SiteRow {
                id: site.id.clone(),
                name: site.name.clone(),
                planned_closure: closure.map(|c| w.date_of_day(c.day)),
                historical_closure: closure.and_then(|c| c.historical),
                p_closed: round4(sum.site_closed[i].fraction_some()),
                closed_on: DateBand::of(w, &sum.site_closed[i]),
                handover: Handover {
                    state: share(sum.site_taken[i].state, sum.runs),
                    armed_group: share(sum.site_taken[i].armed_group, sum.runs),
                },
            }
        })
        .collect()
}

fn convoys(w: &World, sum: &Summary) -> Vec<ConvoyRow> {
    let row = |c: &ConvoySummary, id: String, from: u16, to: u16| ConvoyRow {
        id,
        from: w.sites[from as usize].id.clone(),
        to: w.sites[to as usize].id.clone(),
        p_departed: round4(c.first_departure.fraction_some()),
        departed: DateBand::of(w, &c.first_departure),
        days: MaybeQ::days_of_hours(&c.trip_hours),
        incidents: c.incidents.q(),
        wounded: c.wounded.q(),
        killed: c.killed.q(),
        vehicles_damaged: c.damaged.q(),
    };
    let roads = w
        .lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !line.is_air())
        .map(|(l, line)| row(&sum.convoys[l], line.id.clone(), line.from, line.to));
    let closing = w.closures.iter().enumerate().map(|(c, cl)| {
        row(&sum.convoys[w.lines.len() + c], format!("close-{}", w.sites[cl.site as usize].id), cl.site, cl.to)
    });
    roads.chain(closing).collect()
}

fn milestones(w: &World, s: &Scenario, sum: &Summary) -> Vec<MilestoneRow> {
    s.milestones
        .iter()
        .map(|m| MilestoneRow {
            date: m.date,
            metric: m.metric,
            convoy: m.convoy.clone(),
            label: m.label(),
            observed: m.value.value,
            source: m.source.clone().or_else(|| m.value.prov.source.clone()),
            note: m.value.prov.note.clone(),
            simulated: crate::observe::simulated(w, m, sum),
        })
        .collect()
}

/// The JSON Schema of the result's JSON form.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(SimResult)
}
