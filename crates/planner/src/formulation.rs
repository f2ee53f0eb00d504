//! The mixed-integer programme: building it, solving it, reading the plan.
//! `docs/planner.md` describes the formulation in words.

use std::time::Instant;

use drawdown_engine::expected::{self, Duty};
use drawdown_engine::world::{MIN_PER_DAY, NONE, World};
use drawdown_model as m;
use highs::{Col, HighsModelStatus, HighsSolutionStatus, RowProblem, Sense};

use crate::periods::{self, Periods};
use crate::{
    AirLine, Explanation, LotDisposition, Net, Options, PERSONNEL_PER_CONVOY, PlanError, Planned, PlannedClosure,
    RoadLine, SolveInfo, Stop, tie,
};

#[derive(Clone, Copy)]
pub struct RoadP {
    pub round_trip_days: f64,
    pub risk: f64,
    pub cargo: Col,
    pub people: Col,
    pub convoys: Col,
}

pub struct RoadArc {
    pub from: u16,
    pub to: u16,
    pub fleet: usize,
    pub per: Vec<Option<RoadP>>,
}

#[derive(Clone, Copy)]
pub struct AirP {
    pub sorties: Col,
    pub people: Col,
    pub cargo: Option<Col>,
    pub approval: f64,
}

pub struct AirArc {
    pub from: u16,
    pub to: u16,
    pub fleet: usize,
    pub per: Vec<Option<AirP>>,
}

pub struct ClosureVars {
    pub site: u16,
    pub to: u16,
    /// `closed[p]`: closed by period p (binary, monotone).
    pub closed: Vec<Col>,
    pub dispose: Vec<Col>,
    pub people: Vec<(Col, Col)>,
    pub fail: Vec<f64>,
    pub risk: Vec<f64>,
    /// Day the closing convoy leaving at the start of each period arrives (None: no route).
    pub arrive: Vec<Option<usize>>,
    /// Period in which it arrives after the deadline (people on it are left).
    pub late: Vec<bool>,
    /// Last day on which its convoy arrives in time: the planning deadline
    /// less the site's own margin (`Options::site_margins`).
    pub last: usize,
}

/// A capacity row: trucks of a fleet, or sorties of an aircraft fleet, in one period.
pub struct CapRow {
    pub fleet: usize,
    pub period: usize,
    pub row: usize,
}

pub struct Model {
    pub pb: RowProblem,
    pub per: Periods,
    pub nd: usize,
    pub last: usize,
    pub start: m::Date,
    pub site_ids: Vec<String>,
    pub is_exit: Vec<bool>,
    pub fleet_ids: Vec<String>,
    pub fleet_capacity: Vec<f64>,
    pub fleet_trucks: Vec<u32>,
    pub aircraft_ids: Vec<String>,
    pub aircraft_payload: Vec<f64>,
    pub road: Vec<RoadArc>,
    pub air: Vec<AirArc>,
    pub closures: Vec<ClosureVars>,
    /// Per closure: Some(period) or Some(None) (never) when kept as given (`Options::keep`).
    pub kept: Vec<Option<Option<usize>>>,
    pub closed_of: Vec<Option<usize>>,
    /// Stocks (movable, closure-bound, cargo) at the end of the last period.
    pub end_stock: Vec<(usize, Col, Col, Col)>,
    /// Per site: a base kept open past the deadline (`Options::keep`), whose
    /// guards and rear parties stay by decision.
    pub kept_open: Vec<bool>,
    pub truck_rows: Vec<CapRow>,
    pub sortie_rows: Vec<CapRow>,
    /// Relaxation columns (extra trucks per fleet, extra aircraft per fleet), when built with `relax`.
    pub extra_trucks: Vec<Col>,
    pub extra_aircraft: Vec<Col>,
    pub value_per_unit: f64,
    pub cargo0: Vec<f64>,
    /// Guards and rear parties per site at the start.
    pub bound0: Vec<f64>,
    pub personnel_total: f64,
    pub binaries: usize,
    /// Lots: (site, contingent, class, count, value per item, load per item, sensitive, self-moving).
    pub lots: Vec<(u16, String, m::EquipmentClass, u32, f64, bool, bool)>,
}

/// A solver quantity rounded up to a whole number (its tolerance aside).
fn whole(x: f64) -> f64 {
    (x - 1e-6).ceil().max(0.0)
}

/// The limits of one HiGHS call: one thread, deterministic work limits, and
/// what is left of the run's wall-clock safety net.
fn limit(model: &mut highs::Model, net: &Net) {
    model.set_option("threads", i32::try_from(net.threads).unwrap_or(1));
    model.set_option("random_seed", 0);
    model.set_option("simplex_iteration_limit", i32::try_from(net.lp_iterations).unwrap_or(i32::MAX));
    model.set_option("ipm_iteration_limit", i32::try_from(net.lp_iterations).unwrap_or(i32::MAX));
    model.set_option("time_limit", net.remaining());
    if let Some(flag) = &net.cancel {
        crate::interrupt::arm(model, flag);
    }
}

/// A solved model: column values and the solver's figures.
pub struct Solved {
    pub cols: Vec<f64>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub status: String,
    pub stopped_by: Stop,
    pub seconds: f64,
    pub start_objective: Option<f64>,
}

/// Where the programme times its trips: in the worlds of the scenario's
/// input draws (none: the point world alone), at the quantile `q` of each
/// trip's arrival (`expected::arrival_quantile`).
pub struct Timing {
    pub draws: Vec<World>,
    pub q: f64,
}

impl Timing {
    fn worlds<'a>(&'a self, w: &'a World) -> Vec<&'a World> {
        if self.draws.is_empty() { vec![w] } else { self.draws.iter().collect() }
    }
}

/// Expected road minutes of a plan line's convoy, with the engine's friction
/// (breakdown and incident delays at the routine situation factor).
fn minutes(w: &World, day: usize, from: u16, to: u16) -> Option<f64> {
    let f = expected::situation_factor(w, Duty::Line, day as u32);
    expected::road_trip(w, day as u32, from, to, f).map(|t| t.mean)
}

/// Expected minutes waiting for movement permits, from the world's daily rates.
fn permit_wait(w: &World, day: usize) -> f64 {
    expected::permit_wait_days(w, day as u32) * f64::from(MIN_PER_DAY)
}

/// Expected casualties (wounded + killed) of one convoy of `duty` from
/// `from` to `to` leaving on `day`: incidents at the zone's rates times the
/// convoy's mean situation factor, times casualties per incident.
fn path_risk(w: &World, day: usize, from: u16, to: u16, duty: Duty) -> Option<f64> {
    let epoch = w.epoch_of_day[day.min(w.epoch_of_day.len() - 1)];
    let (mut at, mut risk, mut hops) = (from, 0.0, 0);
    while at != to {
        let (link, next) = w.next_hop(epoch, at, to)?;
        let l = &w.links[link as usize];
        if l.zone != NONE {
            let t = &w.threat[l.zone as usize][day.min(w.threat[l.zone as usize].len() - 1)];
            risk += l.km * (t.ied_per_km + t.ambush_per_km) * (t.wounded + t.killed);
        }
        at = next;
        hops += 1;
        if hops > w.sites.len() {
            return None;
        }
    }
    Some(risk * expected::situation_factor(w, duty, day as u32))
}

/// Day by which a convoy of `duty` ready on `day` at `from` has reached
/// `to` with probability `timing.q` (usable the next day if `to` is a base).
fn arrival(w: &World, timing: &Timing, day: usize, from: u16, to: u16, duty: Duty) -> Option<usize> {
    let t = expected::arrival_quantile(&timing.worlds(w), day as u32, from, to, duty, timing.q)?;
    Some(day + (t / f64::from(MIN_PER_DAY)) as usize + usize::from(!w.sites[to as usize].exit))
}

/// What is at each site at the start, in the programme's units.
struct Holdings {
    /// People (any role) free to leave by the lines, per site.
    movable0: Vec<f64>,
    /// Guards and rear parties (they stay until the closure), per site.
    bound0: Vec<f64>,
    /// Load of the equipment carried as cargo, per site.
    cargo0: Vec<f64>,
    personnel_total: f64,
    value_per_unit: f64,
    lots: Vec<(u16, String, m::EquipmentClass, u32, f64, bool, bool)>,
}

/// What the programme starts from (no columns or rows yet): the people
/// (movable, and closure-bound) and the cargo at each site, with the value
/// of one load unit and the lots to report.
fn holdings(s: &m::Scenario, w: &World) -> Holdings {
    let n = w.n_sites();
    let mut movable0 = vec![0.0; n];
    let mut bound0 = vec![0.0; n];
    for g in &w.groups {
        if g.role.stays_until_closure() {
            bound0[g.site as usize] += f64::from(g.count);
        } else {
            movable0[g.site as usize] += f64::from(g.count);
        }
    }
    let personnel_total: f64 = movable0.iter().chain(&bound0).sum();
    let mut cargo0 = vec![0.0; n];
    let (mut load_total, mut value_total) = (0.0, 0.0);
    for l in w.lots.iter().filter(|l| !l.self_moving) {
        cargo0[l.site as usize] += f64::from(l.count) * l.load;
        load_total += f64::from(l.count) * l.load;
        value_total += f64::from(l.count) * l.value_usd;
    }
    // One value per load unit: stocks mix at hubs.
    let value_per_unit = if load_total > 0.0 { value_total / load_total } else { 0.0 };
    let lots = w
        .lots
        .iter()
        .map(|l| (l.site, String::new(), l.class, l.count, l.value_usd, l.sensitive, l.self_moving))
        .collect::<Vec<_>>();
    let lots = lots
        .into_iter()
        .zip(s.equipment.iter().map(|e| e.contingent.clone()).chain(std::iter::repeat(String::new())))
        .map(|(mut l, c)| {
            l.1 = c;
            l
        })
        .collect();
    Holdings { movable0, bound0, cargo0, personnel_total, value_per_unit, lots }
}

/// Minutes standing for an unreachable destination in mean road times.
const UNREACHABLE: f64 = 30.0 * MIN_PER_DAY as f64;

/// Mean road minutes from `a` to `b` over the days `sample`, unreachable
/// days counting 30 days.
fn avg_minutes(w: &World, sample: &[usize], a: u16, b: u16) -> f64 {
    sample.iter().map(|&d| minutes(w, d, a, b).unwrap_or(UNREACHABLE)).sum::<f64>() / sample.len() as f64
}

/// Per base, the sites its lines and its closing convoy can go to, nearest
/// first (exits, and bases nearer to leaving); and the destination of air
/// lines (abroad, else an exit with an airfield).
fn candidates(w: &World, sample: &[usize], is_base: &[bool], is_exit: &[bool]) -> (Vec<Vec<u16>>, Option<u16>) {
    let n = w.n_sites();
    let has_air = !w.aircraft.is_empty();
    // Potential: how far a base is from leaving (0 for an airfield base
    // when there are aircraft); road arcs between bases go downhill only.
    let potential: Vec<f64> = (0..n as u16)
        .map(|i| {
            if is_exit[i as usize] {
                return -1.0;
            }
            if has_air && w.sites[i as usize].airfield && is_base[i as usize] {
                return 0.0;
            }
            (0..n as u16)
                .filter(|&j| is_exit[j as usize])
                .map(|j| avg_minutes(w, sample, i, j))
                .fold(UNREACHABLE, f64::min)
        })
        .collect();
    let candidates: Vec<Vec<u16>> = (0..n as u16)
        .map(|i| {
            if !is_base[i as usize] {
                return Vec::new();
            }
            let mut c: Vec<(f64, u16)> = (0..n as u16)
                .filter(|&j| {
                    j != i
                        && (is_exit[j as usize]
                            || (is_base[j as usize] && potential[j as usize] < potential[i as usize]))
                })
                .map(|j| (avg_minutes(w, sample, i, j), j))
                .filter(|x| x.0 < UNREACHABLE)
                .collect();
            c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            c.into_iter().map(|x| x.1).collect()
        })
        .collect();
    let air_dest: Option<u16> = (0..n as u16)
        .find(|&j| w.sites[j as usize].kind == m::SiteKind::Abroad)
        .or_else(|| (0..n as u16).find(|&j| is_exit[j as usize] && w.sites[j as usize].airfield));
    (candidates, air_dest)
}

/// Trucks available per fleet on a period's first day (customs holds as in the engine).
fn trucks_available(w: &World, per: &Periods) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0; per.n()]; w.fleets.len()];
    for (p, &d) in per.start.iter().enumerate() {
        let mut hold: Vec<u32> = w.held.iter().map(|h| h[d.min(h.len() - 1)]).collect();
        for (f, fl) in w.fleets.iter().enumerate() {
            let take = hold[fl.home as usize].min(fl.trucks);
            hold[fl.home as usize] -= take;
            out[f][p] = f64::from(fl.trucks - take);
        }
    }
    out
}

/// Day `x` as a day of the run (0 before its start).
fn day_of(w: &World, x: m::Date) -> usize {
    x.days_since(w.start).max(0) as usize
}

/// Expected handover failure of a site vacated on day `d` (its presence
/// `p`, if any): the probability that an armed group contests it when the
/// group arrives before the state does, and only while it contests the
/// site at all (`armed_group_until`).
fn handover_fail(w: &World, p: Option<&m::Presence>, d: usize) -> f64 {
    let Some(p) = p else { return 0.0 };
    let day = |x: m::Date| x.days_since(w.start) as f64;
    let dd = d as f64;
    if !p.armed_group_until.is_none_or(|u| dd < day(u)) {
        return 0.0;
    }
    let state = dd.max(p.state_from.map_or(0.0, day)) + p.state_days.mean();
    let armed = dd + p.armed_group_days.mean();
    if armed < state { p.armed_group.value } else { 0.0 }
}

/// Per site and period, the terms of a flow (column, coefficient).
type Cells = Vec<Vec<Vec<(Col, f64)>>>;

/// What can ever be at each site (people movable and closure-bound, cargo):
/// the tight big-Ms of the closure rows.
struct Upstream {
    m: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
}

/// The programme being built, section by section (`Model::build`): the
/// inputs, what every section reads, and what the sections have added.
struct Builder<'a> {
    s: &'a m::Scenario,
    w: &'a World,
    timing: &'a Timing,
    opts: &'a Options,
    relax: bool,
    n: usize,
    last: usize,
    nd: usize,
    per: Periods,
    np: usize,
    hold: Holdings,
    is_base: Vec<bool>,
    is_exit: Vec<bool>,
    candidates: Vec<Vec<u16>>,
    air_dest: Option<u16>,
    avail: Vec<Vec<f64>>,
    pb: RowProblem,
    binaries: usize,
    extra_trucks: Vec<Col>,
    extra_aircraft: Vec<Col>,
    flow_m: Cells,
    flow_b: Cells,
    flow_c: Cells,
    /// Arrivals at a base (nothing arrives at a closed site) and line
    /// departures (no line leaves a closed site).
    arrivals: Cells,
    departures: Cells,
    road: Vec<RoadArc>,
    truck_rows: Vec<CapRow>,
    air: Vec<AirArc>,
    sortie_rows: Vec<CapRow>,
    closures: Vec<ClosureVars>,
    kept: Vec<Option<Option<usize>>>,
    closed_of: Vec<Option<usize>>,
    end_stock: Vec<(usize, Col, Col, Col)>,
    kept_open: Vec<bool>,
}

impl<'a> Builder<'a> {
    /// Starts the programme: the holdings at each site, the planning
    /// periods, the lines each base can use and the trucks available; adds
    /// the relaxation columns (extra trucks, extra aircraft) with `relax`.
    fn new(s: &'a m::Scenario, w: &'a World, timing: &'a Timing, opts: &'a Options, relax: bool) -> Self {
        let n = w.n_sites();
        let last = w.deadline_day.saturating_sub(opts.margin_days) as usize;
        let nd = last + 1;
        let hold = holdings(s, w);

        let is_base: Vec<bool> = w.sites.iter().map(|x| x.kind.is_base()).collect();
        let is_exit: Vec<bool> = w.sites.iter().map(|x| x.exit).collect();
        let bases = is_base.iter().filter(|b| **b).count();

        // Handover-relevant dates start periods of their own.
        let also: Vec<usize> = s
            .presences
            .iter()
            .flat_map(|p| [p.state_from, p.armed_group_until])
            .flatten()
            .chain(opts.keep.iter().filter_map(|(_, d)| *d))
            .map(|x| day_of(w, x))
            .filter(|&d| d > 0 && d < nd)
            .collect();
        let bucket = opts.bucket_days.map_or_else(|| periods::auto_bucket(bases), |b| b as usize).max(1);
        let per = periods::make(w, nd, bucket, opts.daily_tail as usize, &also);
        let np = per.n();

        let (candidates, air_dest) = candidates(w, &per.start, &is_base, &is_exit);
        let avail = trucks_available(w, &per);

        let mut pb = RowProblem::default();
        let extra_trucks: Vec<Col> =
            if relax { w.fleets.iter().map(|_| pb.add_column(10.0, 0..)).collect() } else { Vec::new() };
        let extra_aircraft: Vec<Col> =
            if relax { w.aircraft.iter().map(|_| pb.add_column(100.0, 0..)).collect() } else { Vec::new() };
        let cell = || vec![vec![Vec::<(Col, f64)>::new(); np]; n];
        Builder {
            s,
            w,
            timing,
            opts,
            relax,
            n,
            last,
            nd,
            per,
            np,
            hold,
            is_base,
            is_exit,
            candidates,
            air_dest,
            avail,
            pb,
            binaries: 0,
            extra_trucks,
            extra_aircraft,
            flow_m: cell(),
            flow_b: cell(),
            flow_c: cell(),
            arrivals: cell(),
            departures: cell(),
            road: Vec::new(),
            truck_rows: Vec::new(),
            air: Vec::new(),
            sortie_rows: Vec::new(),
            closures: Vec::new(),
            kept: Vec::new(),
            closed_of: Vec::new(),
            end_stock: Vec::new(),
            kept_open: Vec::new(),
        }
    }

    /// Adds the road arcs: per base, line destination, fleet and period,
    /// the cargo, people and convoy columns with their convoy-capacity rows
    /// and flows; then one convoy of a line underway at a time, and the
    /// truck-days of each fleet in each period within its trucks available.
    fn road_arcs(&mut self) {
        let (w, opts, per, np) = (self.w, self.opts, &self.per, self.np);
        let wt = opts.weights;
        let mut truck_terms = vec![vec![Vec::<(Col, f64)>::new(); np]; w.fleets.len()];
        for i in 0..self.n as u16 {
            if !self.is_base[i as usize] {
                continue;
            }
            for &j in self.candidates[i as usize].iter().take(opts.road_destinations) {
                // When a convoy leaving in each period arrives: the same for every fleet.
                let arrive_by: Vec<Option<usize>> =
                    per.start.iter().map(|&d| arrival(w, self.timing, d, i, j, Duty::Line)).collect();
                let mut fleets: Vec<(f64, usize)> = (0..w.fleets.len())
                    .map(|f| (avg_minutes(w, &per.start, w.fleets[f].home, i), f))
                    .filter(|x| x.0 < UNREACHABLE)
                    .collect();
                fleets.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for &(_, f) in fleets.iter().take(opts.fleets_per_arc) {
                    let fl = &w.fleets[f];
                    let mut pers = vec![None; np];
                    for p in 0..np {
                        let d = per.start[p];
                        let (Some(t), Some(pos), Some(ret)) =
                            (minutes(w, d, i, j), minutes(w, d, fl.home, i), minutes(w, d, j, fl.home))
                        else {
                            continue;
                        };
                        let Some(arrive) = arrive_by[p] else { continue };
                        if arrive > self.last {
                            continue;
                        }
                        let permit_wait = permit_wait(w, d);
                        let legs = if pos > 0.0 { 3.0 } else { 2.0 };
                        let round_trip_days =
                            ((pos + t + ret + legs * permit_wait) / f64::from(MIN_PER_DAY) + 1.0).max(1.0);
                        let risk = path_risk(w, d, fl.home, i, Duty::Line).unwrap_or(0.0)
                            + path_risk(w, d, i, j, Duty::Line).unwrap_or(0.0)
                            + path_risk(w, d, j, fl.home, Duty::Line).unwrap_or(0.0);
                        let len = per.len[p] as f64;
                        let max_convoys = (len / round_trip_days.ceil()).ceil().max(1.0);
                        let pb = &mut self.pb;
                        let cargo = pb.add_column(0.0, 0..);
                        let people = pb.add_column(0.0, 0..);
                        let convoys = pb.add_column(wt.casualty * risk + tie::MOVEMENT, 0.0..=max_convoys);
                        pb.add_row(..=0.0, [(cargo, 1.0), (convoys, -(f64::from(fl.trucks) * fl.capacity))]);
                        pb.add_row(..=0.0, [(people, 1.0), (convoys, -PERSONNEL_PER_CONVOY)]);
                        // Truck-days used: load × round trip / capacity.
                        truck_terms[f][p].push((cargo, round_trip_days / fl.capacity.max(1e-9)));
                        let (iu, ju) = (i as usize, j as usize);
                        self.flow_m[iu][p].push((people, -1.0));
                        self.flow_c[iu][p].push((cargo, -1.0));
                        self.departures[iu][p].push((people, 1.0));
                        self.departures[iu][p].push((cargo, 1.0));
                        if !self.is_exit[ju] {
                            let q = per.of_day[arrive].max(p);
                            self.flow_m[ju][q].push((people, 1.0));
                            self.flow_c[ju][q].push((cargo, 1.0));
                            self.arrivals[ju][q].push((people, 1.0));
                            self.arrivals[ju][q].push((cargo, 1.0));
                        }
                        pers[p] = Some(RoadP { round_trip_days, risk, cargo, people, convoys });
                    }
                    self.road.push(RoadArc { from: i, to: j, fleet: f, per: pers });
                }
            }
        }
        // One convoy of a line underway at a time: over the round trip
        // before the end of each period, at most one convoy per round trip.
        for arc in &self.road {
            for p in 0..np {
                let Some(rp) = arc.per[p] else { continue };
                let span = rp.round_trip_days.ceil() as usize;
                let end = per.start[p] + per.len[p];
                let window: Vec<usize> = (0..=p).filter(|&q| per.start[q] + per.len[q] + span > end).collect();
                let terms: Vec<(Col, f64)> =
                    window.iter().filter_map(|&q| arc.per[q].map(|x| (x.convoys, 1.0))).collect();
                if terms.len() > 1 {
                    let days = end - per.start[window[0]];
                    self.pb.add_row(..=(days as f64 / span as f64).ceil().max(1.0), terms);
                }
            }
        }
        for (f, rows) in truck_terms.into_iter().enumerate() {
            for (p, mut terms) in rows.into_iter().enumerate() {
                if terms.is_empty() {
                    continue;
                }
                let len = per.len[p] as f64;
                if self.relax {
                    terms.push((self.extra_trucks[f], -len));
                }
                self.truck_rows.push(CapRow { fleet: f, period: p, row: self.pb.num_rows() });
                self.pb.add_row(..=self.avail[f][p] * len, terms);
            }
        }
    }

    /// Adds the air arcs (when there is an air destination): per airfield
    /// base, aircraft fleet and period, the sortie, people and cargo
    /// columns with their seat and payload rows and flows; then the sorties
    /// of each fleet in each period within its capacity.
    fn air_arcs(&mut self) {
        let Some(dest) = self.air_dest else { return };
        let (w, per, np) = (self.w, &self.per, self.np);
        let mut terms_k = vec![vec![Vec::<(Col, f64)>::new(); np]; w.aircraft.len()];
        let mut capacity = vec![vec![0.0; np]; w.aircraft.len()];
        let mut per_aircraft = vec![vec![0.0; np]; w.aircraft.len()];
        for (k, ac) in w.aircraft.iter().enumerate() {
            for p in 0..np {
                let d = per.start[p];
                let approval = w.approval(ac.clearance, d);
                let up = f64::from(ac.count.saturating_sub(ac.grounded[d.min(ac.grounded.len() - 1)]));
                per_aircraft[k][p] =
                    ac.serviceability * f64::from(ac.sorties_per_aircraft) * approval * per.len[p] as f64;
                capacity[k][p] = up * per_aircraft[k][p];
            }
        }
        for i in 0..self.n as u16 {
            if !self.is_base[i as usize] || !w.sites[i as usize].airfield || i == dest {
                continue;
            }
            for (k, ac) in w.aircraft.iter().enumerate() {
                let mut pers = vec![None; np];
                for p in 0..np {
                    if capacity[k][p] <= 0.0 && !self.relax {
                        continue;
                    }
                    let d = per.start[p];
                    let approval = w.approval(ac.clearance, d);
                    let pb = &mut self.pb;
                    let sorties = pb.add_column(tie::MOVEMENT, 0..);
                    let people = pb.add_column(0.0, 0..);
                    pb.add_row(..=0.0, [(people, 1.0), (sorties, -f64::from(ac.seats))]);
                    let cargo = (ac.payload > 0.0).then(|| {
                        let c = pb.add_column(0.0, 0..);
                        pb.add_row(..=0.0, [(c, 1.0), (sorties, -ac.payload)]);
                        c
                    });
                    terms_k[k][p].push((sorties, 1.0));
                    let iu = i as usize;
                    self.flow_m[iu][p].push((people, -1.0));
                    self.departures[iu][p].push((people, 1.0));
                    if let Some(c) = cargo {
                        self.flow_c[iu][p].push((c, -1.0));
                        self.departures[iu][p].push((c, 1.0));
                    }
                    pers[p] = Some(AirP { sorties, people, cargo, approval });
                }
                self.air.push(AirArc { from: i, to: dest, fleet: k, per: pers });
            }
        }
        for (k, rows) in terms_k.into_iter().enumerate() {
            for (p, mut terms) in rows.into_iter().enumerate() {
                if terms.is_empty() {
                    continue;
                }
                if self.relax {
                    terms.push((self.extra_aircraft[k], -per_aircraft[k][p]));
                }
                self.sortie_rows.push(CapRow { fleet: k, period: p, row: self.pb.num_rows() });
                self.pb.add_row(..=capacity[k][p], terms);
            }
        }
    }

    /// The tight big-Ms of the closure and stock rows (no columns or rows
    /// of their own): what can ever be at a site. Everything initially at the
    /// site or upstream of it (along road arcs and closing-convoy targets);
    /// the mission's totals would let the LP relaxation close sites by a
    /// sliver.
    fn big_ms(&self) -> Upstream {
        let (n, is_exit, candidates) = (self.n, &self.is_exit, &self.candidates);
        let mut next: Vec<Vec<u16>> = vec![Vec::new(); n];
        for arc in &self.road {
            if !is_exit[arc.to as usize] && !next[arc.from as usize].contains(&arc.to) {
                next[arc.from as usize].push(arc.to);
            }
        }
        for i in 0..n {
            if let Some(&t) = candidates[i].first()
                && !is_exit[t as usize]
                && !next[i].contains(&t)
            {
                next[i].push(t);
            }
        }
        let h = &self.hold;
        let (mut um, mut ub, mut uc) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        for k in 0..n {
            let mut seen = vec![false; n];
            let mut stack = vec![k];
            seen[k] = true;
            while let Some(x) = stack.pop() {
                um[x] += h.movable0[k];
                ub[x] += h.bound0[k];
                uc[x] += h.cargo0[k];
                for &y in &next[x] {
                    if !seen[y as usize] {
                        seen[y as usize] = true;
                        stack.push(y as usize);
                    }
                }
            }
        }
        Upstream { m: um, b: ub, c: uc }
    }

    /// Adds the closures: per base with anything to close, per period the
    /// binary "closed by then" (monotone, fixed when kept), the closing
    /// flows of people and disposed cargo (only in the closure period), the
    /// closing convoy's arrival, the cost of closing then (handover failure
    /// and casualties), and the cost of a base never closed.
    fn closures(&mut self, up: &Upstream) {
        let (s, w, opts, per, np) = (self.s, self.w, self.opts, &self.per, self.np);
        let wt = opts.weights;
        let h = &self.hold;
        let presence: Vec<Option<&m::Presence>> =
            w.sites.iter().map(|x| s.presences.iter().find(|p| p.site == x.id)).collect();
        self.closed_of = vec![None; self.n];
        for i in 0..self.n as u16 {
            let iu = i as usize;
            let receives = (0..np).any(|p| !self.arrivals[iu][p].is_empty());
            if !self.is_base[iu] || (h.movable0[iu] + h.bound0[iu] + h.cargo0[iu] == 0.0 && !receives) {
                continue;
            }
            let Some(&to) = self.candidates[iu].first() else { continue };
            let big_p = (up.m[iu] + up.b[iu]).max(1.0);
            let big_c = up.c[iu].max(1.0);
            let mut cv = ClosureVars {
                site: i,
                to,
                closed: vec![],
                dispose: vec![],
                people: vec![],
                fail: vec![],
                risk: vec![],
                arrive: vec![],
                late: vec![],
                last: self.last.saturating_sub(opts.site_margin(&w.sites[iu].id) as usize),
            };
            // A kept closure is fixed: closed from its period on (or never).
            let kept_at = opts
                .keep
                .iter()
                .find(|(id, _)| *id == w.sites[iu].id)
                .map(|(_, d)| d.map(|x| day_of(w, x)).filter(|&d| d < self.nd).map(|d| per.of_day[d]));
            self.kept.push(kept_at);
            let pb = &mut self.pb;
            for p in 0..np {
                let d = per.start[p];
                let c = match kept_at {
                    None => pb.add_integer_column(0.0, 0.0..=1.0),
                    Some(at) => {
                        let x = if at.is_some_and(|q| p >= q) { 1.0 } else { 0.0 };
                        pb.add_integer_column(0.0, x..=x)
                    }
                };
                self.binaries += 1;
                if let Some(&prev) = cv.closed.last() {
                    pb.add_row(0.0.., [(c, 1.0), (prev, -1.0)]);
                }
                cv.closed.push(c);
                // Closing flows only in the closure period: ≤ M (c_p − c_{p−1}).
                let zm = pb.add_column(0.0, 0..);
                let zb = pb.add_column(0.0, 0..);
                let dq = pb.add_column(wt.value_per_usd * h.value_per_unit, 0..);
                let prev = (p > 0).then(|| cv.closed[p - 1]);
                pb.add_row(..=0.0, [(zm, 1.0), (zb, 1.0), (c, -big_p)].into_iter().chain(prev.map(|x| (x, big_p))));
                pb.add_row(..=0.0, [(dq, 1.0), (c, -big_c)].into_iter().chain(prev.map(|x| (x, big_c))));
                self.flow_m[iu][p].push((zm, -1.0));
                self.flow_b[iu][p].push((zb, -1.0));
                self.flow_c[iu][p].push((dq, -1.0));
                let arrive = arrival(w, self.timing, d, i, to, Duty::Closing(i));
                let mut late = false;
                match arrive {
                    None => {
                        // No route that day: no closure in this period.
                        pb.add_row(..=0.0, [(c, 1.0)].into_iter().chain(prev.map(|x| (x, -1.0))));
                    }
                    Some(a) if a > cv.last => {
                        // Arrives after the deadline (less the site's own
                        // margin): still in the country.
                        pb.change_column_cost(zm, wt.person_left);
                        pb.change_column_cost(zb, wt.person_left);
                        late = true;
                    }
                    Some(a) if !self.is_exit[to as usize] => {
                        // At the target the closed site's guards are in
                        // transit, free to leave by its lines (as in the
                        // engine): they join its movable stock.
                        let q = per.of_day[a].max(p);
                        self.flow_m[to as usize][q].push((zm, 1.0));
                        self.flow_m[to as usize][q].push((zb, 1.0));
                        self.arrivals[to as usize][q].push((zm, 1.0));
                        self.arrivals[to as usize][q].push((zb, 1.0));
                    }
                    Some(_) => {}
                }
                cv.arrive.push(arrive);
                cv.late.push(late);
                cv.dispose.push(dq);
                cv.people.push((zm, zb));
                cv.fail.push(handover_fail(w, presence[iu], d));
                cv.risk.push(path_risk(w, d, i, to, Duty::Closing(i)).unwrap_or(0.0));
            }
            // Cost of closing in period p: (c_p − c_{p−1}) × cost_p, so c_p carries cost_p − cost_{p+1}.
            for p in 0..np {
                let cost = |e: usize| wt.handover_failure * cv.fail[e] + wt.casualty * cv.risk[e];
                let coef = cost(p) - if p + 1 < np { cost(p + 1) } else { 0.0 };
                pb.change_column_cost(cv.closed[p], coef);
            }
            // A base never closed costs `open_base`: open ≥ 1 − c_last.
            if kept_at.is_none() {
                let open = pb.add_column(wt.open_base, 0.0..=1.0);
                pb.add_row(1.0.., [(open, 1.0), (*cv.closed.last().expect("one column per period"), 1.0)]);
            }
            self.closed_of[iu] = Some(self.closures.len());
            self.closures.push(cv);
        }
    }

    /// Adds the stocks and their conservation: per base and period, the
    /// movable, closure-bound and cargo stocks (priced as left behind at
    /// the end), their balance with the flows, and, at a base that can
    /// close, the rows by which nothing stays, nothing arrives and no line
    /// leaves once it is closed.
    fn stocks(&mut self, up: &Upstream) {
        let (per, np) = (&self.per, self.np);
        let wt = self.opts.weights;
        let h = &self.hold;
        let kept_open: Vec<bool> =
            (0..self.n).map(|i| self.closed_of[i].is_some_and(|k| self.kept[k] == Some(None))).collect();
        for i in 0..self.n {
            if !self.is_base[i] {
                continue;
            }
            let any =
                h.movable0[i] + h.bound0[i] + h.cargo0[i] > 0.0 || (0..np).any(|p| !self.arrivals[i][p].is_empty());
            if !any {
                continue;
            }
            // Guards and rear parties of a base kept open stay by decision:
            // they are not priced as left behind (they are still counted as
            // left in the plan's figures), so the objective and its gap
            // measure what the plan can change.
            let kept_open = kept_open[i];
            let pb = &mut self.pb;
            let mut prev: Option<(Col, Col, Col)> = None;
            for p in 0..np {
                let lastp = p + 1 == np;
                let hold = tie::PERSON_DAY * per.len[p] as f64;
                let sm = pb.add_column(if lastp { wt.person_left } else { hold }, 0..);
                let sb = pb.add_column(if lastp && !kept_open { wt.person_left } else { hold }, 0..);
                let sc = pb.add_column(if lastp { wt.value_per_usd * h.value_per_unit } else { 0.0 }, 0..);
                for (stock, init, flows, pr) in [
                    (sm, h.movable0[i], &self.flow_m[i][p], prev.map(|x| x.0)),
                    (sb, h.bound0[i], &self.flow_b[i][p], prev.map(|x| x.1)),
                    (sc, h.cargo0[i], &self.flow_c[i][p], prev.map(|x| x.2)),
                ] {
                    // stock_p − stock_{p−1} − flows = init (first period) or 0
                    let rhs = if p == 0 { init } else { 0.0 };
                    let terms: Vec<(Col, f64)> = [(stock, 1.0)]
                        .into_iter()
                        .chain(pr.map(|x| (x, -1.0)))
                        .chain(flows.iter().map(|&(c, v)| (c, -v)))
                        .collect();
                    pb.add_row(rhs..=rhs, terms);
                }
                if let Some(k) = self.closed_of[i] {
                    let c = self.closures[k].closed[p];
                    // Closed: nothing stays, nothing arrives, no line leaves.
                    // Movable people: everyone upstream but the site's own
                    // guards; closure-bound: the site's own guards only.
                    let (bm, bb, bc) =
                        ((up.m[i] + up.b[i] - h.bound0[i]).max(1.0), h.bound0[i].max(1.0), up.c[i].max(1.0));
                    pb.add_row(..=bm, [(sm, 1.0), (c, bm)]);
                    pb.add_row(..=bb, [(sb, 1.0), (c, bb)]);
                    pb.add_row(..=bc, [(sc, 1.0), (c, bc)]);
                    let big = bm + bb + bc;
                    if !self.arrivals[i][p].is_empty() {
                        pb.add_row(..=big, self.arrivals[i][p].iter().copied().chain([(c, big)]));
                    }
                    if !self.departures[i][p].is_empty() {
                        pb.add_row(..=big, self.departures[i][p].iter().copied().chain([(c, big)]));
                    }
                }
                prev = Some((sm, sb, sc));
                if lastp {
                    self.end_stock.push((i, sm, sb, sc));
                }
            }
        }
        self.kept_open = kept_open;
    }

    /// The built programme with what reading the plan needs.
    fn finish(self) -> Model {
        let w = self.w;
        Model {
            pb: self.pb,
            per: self.per,
            nd: self.nd,
            last: self.last,
            start: w.start,
            site_ids: w.sites.iter().map(|x| x.id.clone()).collect(),
            is_exit: self.is_exit,
            fleet_ids: w.fleets.iter().map(|f| f.id.clone()).collect(),
            fleet_capacity: w.fleets.iter().map(|f| f.capacity).collect(),
            fleet_trucks: w.fleets.iter().map(|f| f.trucks).collect(),
            aircraft_ids: w.aircraft.iter().map(|a| a.id.clone()).collect(),
            aircraft_payload: w.aircraft.iter().map(|a| a.payload).collect(),
            road: self.road,
            air: self.air,
            closures: self.closures,
            kept: self.kept,
            closed_of: self.closed_of,
            end_stock: self.end_stock,
            kept_open: self.kept_open,
            truck_rows: self.truck_rows,
            sortie_rows: self.sortie_rows,
            extra_trucks: self.extra_trucks,
            extra_aircraft: self.extra_aircraft,
            value_per_unit: self.hold.value_per_unit,
            cargo0: self.hold.cargo0,
            bound0: self.hold.bound0,
            personnel_total: self.hold.personnel_total,
            binaries: self.binaries,
            lots: self.hold.lots,
        }
    }
}

impl Model {
    /// Builds the programme. With `relax`, trucks and aircraft can be added
    /// at a price (extra columns in the capacity rows).
    pub fn build(s: &m::Scenario, w: &World, timing: &Timing, opts: &Options, relax: bool) -> Model {
        let mut b = Builder::new(s, w, timing, opts, relax);
        b.road_arcs();
        b.air_arcs();
        let upstream = b.big_ms();
        b.closures(&upstream);
        b.stocks(&upstream);
        b.finish()
    }

    pub fn date(&self, d: usize) -> m::Date {
        self.start.plus_days(d as i64)
    }

    /// For each closure, the latest period in which it can close with its
    /// convoy arriving in time (at an exit by the deadline, or at its target
    /// before the target closes); None: never.
    pub fn latest_closures(&self) -> Vec<Option<usize>> {
        let nc = self.closures.len();
        let mut latest: Vec<Option<Option<usize>>> = vec![None; nc];
        for _ in 0..nc + 1 {
            for k in 0..nc {
                if latest[k].is_some() {
                    continue;
                }
                let cv = &self.closures[k];
                if let Some(at) = self.kept[k] {
                    latest[k] = Some(at);
                    continue;
                }
                // Latest day (exclusive) by which the convoy must arrive.
                let limit = match self.closed_of[cv.to as usize] {
                    None => Some(cv.last + 1),
                    // A target kept open stays open: arriving by the deadline is in time.
                    Some(_) if self.kept_open[cv.to as usize] => Some(cv.last + 1),
                    Some(t) => match latest[t] {
                        None => continue,
                        Some(l) => l.map(|p| self.per.start[p]),
                    },
                };
                latest[k] = Some(
                    limit.and_then(|lim| (0..self.per.n()).rev().find(|&p| cv.arrive[p].is_some_and(|a| a < lim))),
                );
            }
        }
        latest.into_iter().map(Option::flatten).collect()
    }

    /// The programme with every closure fixed to a period (None: never),
    /// solved as an LP. Returns the solution and the row duals.
    pub fn solve_fixed(&self, close: &[Option<usize>], net: &Net) -> Option<(f64, Vec<f64>, Vec<f64>)> {
        let mut fixed = self.pb.clone();
        for (k, cv) in self.closures.iter().enumerate() {
            for p in 0..self.per.n() {
                let x = if close[k].is_some_and(|l| p >= l) { 1.0 } else { 0.0 };
                fixed.change_column_bounds(cv.closed[p], x..=x);
            }
        }
        let mut model = fixed.optimise(Sense::Minimise);
        model.make_quiet();
        limit(&mut model, net);
        // The binaries are fixed: solve the LP, which has duals.
        model.set_option("solve_relaxation", true);
        let solved = model.solve();
        net.note(solved.status());
        (solved.status() == HighsModelStatus::Optimal).then(|| {
            let sol = solved.get_solution();
            (solved.objective_value(), sol.columns().to_vec(), sol.dual_rows().to_vec())
        })
    }

    pub fn solve(&self, opts: &Options, net: &Net) -> Result<Solved, PlanError> {
        let t = Instant::now();
        // Starting plan: every site closed as late as its closing convoy
        // still arrives in time, flows solved with those closures fixed.
        let start = opts.warm_start.then(|| self.solve_fixed(&self.latest_closures(), net)).flatten();
        let start_objective = start.as_ref().map(|s| s.0);
        let mut model = self.pb.clone().optimise(Sense::Minimise);
        if opts.verbose {
            model.set_option("output_flag", true);
            model.set_option("log_to_console", true);
        } else {
            model.make_quiet();
        }
        if let Some((_, cols, _)) = &start {
            let _ = model.try_set_solution(Some(cols), None, None, None);
        }
        limit(&mut model, net);
        model.set_option("mip_max_nodes", i32::try_from(net.max_nodes).unwrap_or(i32::MAX));
        model.set_option("mip_rel_gap", opts.mip_rel_gap);
        let solved = model.solve();
        let status = solved.status();
        net.note(status);
        let stopped_by = match status {
            HighsModelStatus::Optimal => Stop::Gap,
            HighsModelStatus::ReachedSolutionLimit => Stop::NodeLimit,
            HighsModelStatus::ReachedTimeLimit => Stop::TimeLimit,
            // Stopped on request: whatever it found is not the answer.
            HighsModelStatus::ReachedInterrupt => return Err(PlanError::Cancelled),
            _ => Stop::Failed,
        };
        if stopped_by == Stop::Failed || solved.primal_solution_status() != HighsSolutionStatus::Feasible {
            // Every closure is optional and people left are priced, so the
            // programme is always feasible; a failure here is the solver's.
            return match start {
                Some((obj, cols, _)) => Ok(Solved {
                    cols,
                    objective: obj,
                    bound: f64::NAN,
                    gap: f64::NAN,
                    status: format!("{status:?} (starting plan kept)"),
                    stopped_by: if stopped_by == Stop::TimeLimit { Stop::TimeLimit } else { Stop::Failed },
                    seconds: t.elapsed().as_secs_f64(),
                    start_objective,
                }),
                None if net.hit.get() => Err(PlanError::Solver(format!(
                    "the wall-clock safety net (--time-limit {} s) ran out after {:.1} s, before any plan was found; raise it",
                    opts.time_limit_s,
                    t.elapsed().as_secs_f64()
                ))),
                None => Err(PlanError::Solver(format!(
                    "HiGHS found no plan: status {status:?} after {:.1} s",
                    t.elapsed().as_secs_f64()
                ))),
            };
        }
        Ok(Solved {
            cols: solved.get_solution().columns().to_vec(),
            objective: solved.objective_value(),
            bound: solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN),
            gap: solved.mip_gap(),
            status: format!("{status:?}"),
            stopped_by,
            seconds: t.elapsed().as_secs_f64(),
            start_objective,
        })
    }

    /// Closure period of each closure in a solution (None: never closes).
    pub fn closure_periods(&self, cols: &[f64]) -> Vec<Option<usize>> {
        self.closures.iter().map(|cv| (0..self.per.n()).find(|&p| cols[cv.closed[p].index()] > 0.5)).collect()
    }

    /// People left at the deadline in a solution, the guards and rear
    /// parties of bases kept open excepted (they stay by decision).
    pub fn people_left(&self, cols: &[f64]) -> f64 {
        let v = |c: Col| cols[c.index()];
        let mut left: f64 =
            self.end_stock.iter().map(|&(i, sm, sb, _)| v(sm) + if self.kept_open[i] { 0.0 } else { v(sb) }).sum();
        for cv in &self.closures {
            for p in 0..self.per.n() {
                if cv.late[p] {
                    left += v(cv.people[p].0) + v(cv.people[p].1);
                }
            }
        }
        left
    }

    /// Guards and rear parties of bases kept open, at the deadline.
    pub fn people_kept(&self, cols: &[f64]) -> f64 {
        self.end_stock.iter().filter(|x| self.kept_open[x.0]).map(|&(_, _, sb, _)| cols[sb.index()]).sum()
    }

    pub fn read(&self, solved: &Solved, opts: &Options) -> Planned {
        let v = |c: Col| solved.cols[c.index()];
        let np = self.per.n();
        let latest = self.latest_closures();
        let mut closures = Vec::new();
        let (mut casualties, mut fails, mut value_left) = (0.0, 0.0, 0.0);
        let mut bases_left_open = Vec::new();
        let mut disposed_share = vec![0.0; self.site_ids.len()];
        let mut received = self.cargo0.clone();
        for arc in &self.road {
            for rp in arc.per.iter().flatten() {
                if !self.is_exit[arc.to as usize] {
                    received[arc.to as usize] += v(rp.cargo);
                }
            }
        }
        for (k, cv) in self.closures.iter().enumerate() {
            let disposed: f64 = cv.dispose.iter().map(|&c| v(c)).sum();
            value_left += disposed * self.value_per_unit;
            if received[cv.site as usize] > 0.0 {
                disposed_share[cv.site as usize] = (disposed / received[cv.site as usize]).clamp(0.0, 1.0);
            }
            let closed_in = (0..np).find(|&p| v(cv.closed[p]) > 0.5);
            if closed_in.is_none() && self.kept[k].is_none() {
                bases_left_open.push(self.site_ids[cv.site as usize].clone());
            }
            if let Some(p) = closed_in {
                fails += cv.fail[p];
                casualties += cv.risk[p];
                closures.push(PlannedClosure {
                    site: self.site_ids[cv.site as usize].clone(),
                    date: self.date(self.per.start[p]),
                    to: self.site_ids[cv.to as usize].clone(),
                    latest: latest[k].map(|l| self.date(self.per.start[l])),
                    personnel: v(cv.people[p].0) + v(cv.people[p].1),
                    disposed_load: disposed,
                    casualties: cv.risk[p],
                    handover_failure: cv.fail[p],
                });
            }
        }
        for &(i, _, _, sc) in &self.end_stock {
            value_left += v(sc) * self.value_per_unit;
            if received[i] > 0.0 {
                disposed_share[i] = (disposed_share[i] + v(sc) / received[i]).min(1.0);
            }
        }
        let mut road = Vec::new();
        for arc in &self.road {
            let used: Vec<usize> =
                (0..np).filter(|&p| arc.per[p].is_some_and(|x| v(x.cargo) + v(x.people) > 1e-6)).collect();
            let (Some(&first), Some(&lastp)) = (used.first(), used.last()) else { continue };
            let cap = self.fleet_capacity[arc.fleet].max(1e-9);
            // Whole convoys: each period's convoys rounded up (a fraction
            // of a convoy is a convoy with fewer trucks), then the trucks a
            // convoy needs for the period's load, the line's `trucks` being
            // the largest.
            let (mut trucks, mut convoys, mut people, mut load, mut risk) = (1.0f64, 0u32, 0.0, 0.0, 0.0);
            for &p in &used {
                let x = arc.per[p].expect("used periods have variables");
                let k = whole(v(x.convoys)).max(1.0);
                risk += k * x.risk;
                convoys += k as u32;
                people += v(x.people);
                load += v(x.cargo);
                trucks = trucks.max(whole(v(x.cargo) / k / cap));
            }
            casualties += risk;
            let (from, to, fleet) =
                (&self.site_ids[arc.from as usize], &self.site_ids[arc.to as usize], &self.fleet_ids[arc.fleet]);
            road.push(RoadLine {
                id: format!("plan-{from}-{to}-{fleet}"),
                serial: format!("R-{:03}", road.len() + 1),
                from: from.clone(),
                to: to.clone(),
                fleet: fleet.clone(),
                ready: self.date(self.per.start[first]),
                until: self.date(self.per.last_day(lastp)),
                trucks: (trucks as u32).clamp(1, self.fleet_trucks[arc.fleet].max(1)),
                convoys,
                personnel: people,
                load,
                casualties: risk,
            });
        }
        let mut air = Vec::new();
        for arc in &self.air {
            let used: Vec<usize> =
                (0..np).filter(|&p| arc.per[p].is_some_and(|x| v(x.people) + x.cargo.map_or(0.0, v) > 1e-6)).collect();
            let (Some(&first), Some(&lastp)) = (used.first(), used.last()) else { continue };
            // Whole sorties: each period's expected sorties rounded up; the
            // requests a day cover them at the period's approval rate.
            let (mut per_day, mut sorties, mut people, mut load) = (1.0f64, 0u32, 0.0, 0.0);
            for &p in &used {
                let x = arc.per[p].expect("used periods have variables");
                let k = whole(v(x.sorties)).max(1.0);
                per_day = per_day.max(whole(k / self.per.len[p] as f64 / x.approval.max(1e-6)));
                sorties += k as u32;
                people += v(x.people);
                load += x.cargo.map_or(0.0, v);
            }
            let from = &self.site_ids[arc.from as usize];
            let fleet = &self.aircraft_ids[arc.fleet];
            air.push(AirLine {
                id: format!("plan-air-{from}-{fleet}"),
                serial: format!("A-{:03}", air.len() + 1),
                from: from.clone(),
                to: self.site_ids[arc.to as usize].clone(),
                fleet: fleet.clone(),
                cargo: self.aircraft_payload[arc.fleet] > 0.0,
                ready: self.date(self.per.start[first]),
                until: self.date(self.per.last_day(lastp)),
                sorties_per_day: per_day as u32,
                sorties,
                personnel: people,
                load,
            });
        }
        // Dispositions: a lot's share repatriated is what its site does not
        // dispose of, times the same along its closing convoy's targets.
        let mut through = vec![1.0; self.site_ids.len()];
        let order: Vec<usize> = (0..self.closures.len()).collect();
        for _ in 0..order.len() + 1 {
            for cv in &self.closures {
                let next = if self.is_exit[cv.to as usize] { 1.0 } else { through[cv.to as usize] };
                through[cv.site as usize] = (1.0 - disposed_share[cv.site as usize]) * next;
            }
        }
        let dispositions = self
            .lots
            .iter()
            .map(|(site, contingent, class, count, value, sensitive, self_moving)| {
                let share = if *self_moving { 1.0 } else { through[*site as usize] };
                let action = if share >= 0.5 {
                    "repatriate"
                } else if *sensitive {
                    "destroy"
                } else {
                    "hand_over"
                };
                LotDisposition {
                    site: self.site_ids[*site as usize].clone(),
                    contingent: contingent.clone(),
                    class: *class,
                    count: *count,
                    value_usd: f64::from(*count) * value,
                    action,
                    repatriated_share: share,
                }
            })
            .collect();
        Planned {
            scenario: String::new(),
            start: self.start,
            deadline: self.date(self.last),
            exits: self.site_ids.iter().zip(&self.is_exit).filter(|x| *x.1).map(|x| x.0.clone()).collect(),
            closures,
            road,
            air,
            dispositions,
            solve: SolveInfo {
                status: solved.status.clone(),
                stopped_by: solved.stopped_by,
                max_nodes: opts.max_nodes,
                gap_target: opts.mip_rel_gap,
                time_limit_hit: solved.stopped_by == Stop::TimeLimit,
                objective: solved.objective,
                bound: solved.bound,
                gap: solved.gap,
                solve_seconds: solved.seconds,
                build_seconds: 0.0,
                explain_seconds: 0.0,
                start_objective: solved.start_objective,
                columns: self.pb.num_cols(),
                rows: self.pb.num_rows(),
                binaries: self.binaries,
                periods: np,
                days: self.nd,
            },
            personnel_total: self.personnel_total,
            personnel_left: self.people_left(&solved.cols),
            personnel_kept: self.people_kept(&solved.cols),
            kept_open: self.site_ids.iter().zip(&self.kept_open).filter(|x| *x.1).map(|x| x.0.clone()).collect(),
            expected_casualties: casualties,
            value_left_usd: value_left,
            handover_failures: fails,
            bases_left_open,
            weights: opts.weights,
            explanation: Explanation::default(),
            check: None,
            robust: None,
        }
    }
}
