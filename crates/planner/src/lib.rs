//! The deterministic core of the withdrawal planner: a mixed-integer
//! programme on a time-expanded network (days × sites), solved with HiGHS.
//!
//! Spike: see `crates/planner/README.md` for the formulation, what is
//! approximated and what is left. Expected values replace every random
//! quantity (travel times without friction, permit and clearance approval
//! rates, aircraft serviceability), as `World::expected_minutes` does.

use std::fmt::Write as _;
use std::time::Instant;

use drawdown_engine::world::{MIN_PER_DAY, NONE, World};
use drawdown_model as m;
use highs::{Col, HighsModelStatus, RowProblem, Sense};

/// Objective weights (objective unit: thousand US dollars). Constants for
/// now; the planner issue wants them in the scenario.
pub mod weights {
    /// Per person (any role) not at an exit by the end of the deadline day.
    /// Dominates everything else: "no person left behind" is hard where feasible.
    pub const PERSON_LEFT: f64 = 1.0e5;
    /// Per expected casualty (wounded + killed) on road convoys.
    pub const CASUALTY: f64 = 1.0e3;
    /// Per US dollar of equipment disposed of at a closure or left in the country.
    pub const VALUE_PER_USD: f64 = 1.0e-3;
    /// Per expected handover failure (an armed group takes the vacated site).
    pub const HANDOVER_FAILURE: f64 = 500.0;
    /// Per person-day spent at a base: a tie-breaker that moves people early
    /// (leaves the Monte Carlo engine room for friction).
    pub const PERSON_DAY: f64 = 1.0e-2;
    /// Per road convoy and per flight: a tie-breaker against idle movements.
    pub const MOVEMENT: f64 = 1.0e-3;
}

/// Modelling constants that are not weights.
pub mod consts {
    /// People one road convoy is planned to carry (the engine has no limit
    /// unless a line sets `personnel_max`; this keeps convoy counts honest).
    pub const PERSONNEL_PER_CONVOY: f64 = 500.0;
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Wall-clock limit for HiGHS, seconds.
    pub time_limit_s: f64,
    /// Relative MIP gap at which HiGHS stops.
    pub mip_rel_gap: f64,
    /// Road destinations considered from each base (nearest exits, airfield
    /// bases and bases closer to an exit).
    pub road_destinations: usize,
    /// Truck fleets considered for each road arc (nearest homes).
    pub fleets_per_arc: usize,
    /// Plan as if the deadline were this many days earlier (margin for friction).
    pub margin_days: u32,
    /// Start HiGHS from the latest-closure plan (see `plan`).
    pub warm_start: bool,
    /// HiGHS `mip_heuristic_effort` (its default is 0.05).
    pub heuristic_effort: f64,
    /// Let HiGHS print its log.
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { time_limit_s: 60.0, mip_rel_gap: 0.01, road_destinations: 2, fleets_per_arc: 2, margin_days: 0, heuristic_effort: 0.05, warm_start: true, verbose: false }
    }
}

#[derive(Debug, Clone)]
pub struct PlannedClosure {
    pub site: String,
    pub date: m::Date,
    pub to: String,
}

#[derive(Debug, Clone)]
pub struct RoadLine {
    pub id: String,
    pub from: String,
    pub to: String,
    pub fleet: String,
    pub ready: m::Date,
    pub until: m::Date,
    pub trucks: u32,
}

#[derive(Debug, Clone)]
pub struct AirLine {
    pub id: String,
    pub from: String,
    pub to: String,
    pub fleet: String,
    /// Carries cargo too (the aircraft has a payload).
    pub cargo: bool,
    pub ready: m::Date,
    pub until: m::Date,
    pub sorties_per_day: u32,
}

/// The planner's answer.
#[derive(Debug, Clone)]
pub struct Planned {
    pub closures: Vec<PlannedClosure>,
    pub road: Vec<RoadLine>,
    pub air: Vec<AirLine>,
    /// Objective of the best plan found (thousand US dollars equivalent).
    pub objective: f64,
    /// HiGHS's dual bound on the objective.
    pub bound: f64,
    /// Relative MIP gap reported by HiGHS.
    pub gap: f64,
    /// Wall-clock seconds in HiGHS (warm start included).
    pub solve_seconds: f64,
    pub build_seconds: f64,
    /// Objective of the latest-closure starting plan, if computed.
    pub start_objective: Option<f64>,
    /// HiGHS model status, e.g. `Optimal`, `ReachedTimeLimit`.
    pub status: String,
    /// Terms of the objective in the plan found.
    pub personnel_left: f64,
    pub expected_casualties: f64,
    pub value_left_usd: f64,
    pub handover_failures: f64,
    pub columns: usize,
    pub rows: usize,
    pub binaries: usize,
}

/// A road arc: loaded convoys of one fleet from one base to a hub or exit.
struct RoadArc {
    from: u16,
    to: u16,
    fleet: usize,
    /// Per day (None: no route that day, or arrives too late).
    days: Vec<Option<RoadDay>>,
}

#[derive(Clone, Copy)]
struct RoadDay {
    round_trip_days: f64,
    risk: f64,
    cargo: Col,
    people: Col,
    convoys: Col,
}

struct AirArc {
    from: u16,
    to: u16,
    fleet: usize,
    days: Vec<Option<(Col, Col, Option<Col>, f64)>>, // sorties, people, cargo, approval
}

/// Expected casualties (wounded + killed) of one convoy on the road from
/// `from` to `to` leaving on `day`.
fn path_risk(w: &World, day: usize, from: u16, to: u16) -> Option<f64> {
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
    Some(risk)
}

fn minutes(w: &World, day: usize, from: u16, to: u16) -> Option<f64> {
    if from == to { Some(0.0) } else { w.expected_minutes(day as u32, from, to).map(f64::from) }
}

/// Plans the withdrawal of `s` (its own plan, if any, is ignored).
pub fn plan(s: &m::Scenario, opts: &Options) -> Result<Planned, String> {
    let t_build = Instant::now();
    let mut bare = s.clone();
    bare.plan = m::Plan::default();
    let w = World::compile(&bare).map_err(|e| e.to_string())?;
    let n = w.n_sites();
    let last = w.deadline_day.saturating_sub(opts.margin_days) as usize;
    let nd = last + 1;
    if w.fleets.is_empty() && w.aircraft.is_empty() {
        return Err("the scenario has no truck fleet and no aircraft: nothing can move".into());
    }

    // --- Holdings -------------------------------------------------------
    let mut movable0 = vec![0.0; n];
    let mut bound0 = vec![0.0; n];
    for g in &w.groups {
        if g.role.stays_until_closure() {
            bound0[g.site as usize] += f64::from(g.count);
        } else {
            movable0[g.site as usize] += f64::from(g.count);
        }
    }
    let mut cargo0 = vec![0.0; n];
    let (mut load_total, mut value_total) = (0.0, 0.0);
    for l in w.lots.iter().filter(|l| !l.self_moving) {
        cargo0[l.site as usize] += f64::from(l.count) * l.load;
        load_total += f64::from(l.count) * l.load;
        value_total += f64::from(l.count) * l.value_usd;
    }
    // One value per load unit: stocks mix at hubs.
    let value_per_unit = if load_total > 0.0 { value_total / load_total } else { 0.0 };

    let is_base: Vec<bool> = w.sites.iter().map(|x| x.kind.is_base()).collect();
    let is_exit: Vec<bool> = w.sites.iter().map(|x| x.exit).collect();
    let has_air = !w.aircraft.is_empty();

    // Mean minutes over the planning days, unreachable days counting 30 days.
    let unreachable = 30.0 * f64::from(MIN_PER_DAY);
    let avg_minutes = |a: u16, b: u16| -> f64 {
        (0..nd).map(|d| minutes(&w, d, a, b).unwrap_or(unreachable)).sum::<f64>() / nd as f64
    };
    // Potential: how far a base is from leaving (0 for an airfield base when
    // there are aircraft); road arcs between bases go downhill only.
    let potential: Vec<f64> = (0..n as u16)
        .map(|i| {
            if is_exit[i as usize] {
                return -1.0;
            }
            if has_air && w.sites[i as usize].airfield && is_base[i as usize] {
                return 0.0;
            }
            (0..n as u16).filter(|&j| is_exit[j as usize]).map(|j| avg_minutes(i, j)).fold(unreachable, f64::min)
        })
        .collect();
    let candidates: Vec<Vec<u16>> = (0..n as u16)
        .map(|i| {
            if !is_base[i as usize] {
                return Vec::new();
            }
            let mut c: Vec<(f64, u16)> = (0..n as u16)
                .filter(|&j| j != i && (is_exit[j as usize] || (is_base[j as usize] && potential[j as usize] < potential[i as usize])))
                .map(|j| (avg_minutes(i, j), j))
                .filter(|x| x.0 < unreachable)
                .collect();
            c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            c.into_iter().map(|x| x.1).collect()
        })
        .collect();
    let air_dest: Option<u16> = (0..n as u16)
        .find(|&j| w.sites[j as usize].kind == m::SiteKind::Abroad)
        .or_else(|| (0..n as u16).find(|&j| is_exit[j as usize] && w.sites[j as usize].airfield));

    // Trucks available per fleet per day (customs holds as in the engine).
    let avail: Vec<Vec<f64>> = {
        let mut out = vec![vec![0.0; nd]; w.fleets.len()];
        for d in 0..nd {
            let mut hold: Vec<u32> = w.held.iter().map(|h| h[d.min(h.len() - 1)]).collect();
            for (f, fl) in w.fleets.iter().enumerate() {
                let take = hold[fl.home as usize].min(fl.trucks);
                hold[fl.home as usize] -= take;
                out[f][d] = f64::from(fl.trucks - take);
            }
        }
        out
    };

    let mut pb = RowProblem::default();
    let mut binaries = 0usize;
    // Row terms gathered per (site, day): inflows (+) and outflows (−).
    let mut flow_m = vec![vec![Vec::<(Col, f64)>::new(); nd]; n];
    let mut flow_b = vec![vec![Vec::<(Col, f64)>::new(); nd]; n];
    let mut flow_c = vec![vec![Vec::<(Col, f64)>::new(); nd]; n];
    // Arrivals at a base (for "nothing arrives at a closed site") and
    // departures on lines (for "no line leaves a closed site").
    let mut arrivals = vec![vec![Vec::<(Col, f64)>::new(); nd]; n];
    let mut departures = vec![vec![Vec::<(Col, f64)>::new(); nd]; n];

    // --- Road arcs ------------------------------------------------------
    let mut road: Vec<RoadArc> = Vec::new();
    let mut truck_rows = vec![vec![Vec::<(Col, f64)>::new(); nd]; w.fleets.len()];
    for i in 0..n as u16 {
        // Bases that hold nothing still get arcs: they may be collectors.
        if !is_base[i as usize] {
            continue;
        }
        for &j in candidates[i as usize].iter().take(opts.road_destinations) {
            let mut fleets: Vec<(f64, usize)> =
                (0..w.fleets.len()).map(|f| (avg_minutes(w.fleets[f].home, i), f)).filter(|x| x.0 < unreachable).collect();
            fleets.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(_, f) in fleets.iter().take(opts.fleets_per_arc) {
                let fl = &w.fleets[f];
                let mut days = vec![None; nd];
                for d in 0..nd {
                    let (Some(t), Some(pos), Some(ret)) = (minutes(&w, d, i, j), minutes(&w, d, fl.home, i), minutes(&w, d, j, fl.home))
                    else {
                        continue;
                    };
                    let permit = w.permit[d.min(w.permit.len() - 1)].max(0.05);
                    let permit_wait = (1.0 / permit - 1.0) * f64::from(MIN_PER_DAY);
                    let arrive_min = 360.0 + t + permit_wait;
                    let arrive = d + (arrive_min / f64::from(MIN_PER_DAY)) as usize + usize::from(!is_exit[j as usize]);
                    if arrive > last {
                        continue;
                    }
                    let legs = if pos > 0.0 { 3.0 } else { 2.0 };
                    let round_trip_days = ((pos + t + ret + legs * permit_wait) / f64::from(MIN_PER_DAY) + 1.0).max(1.0);
                    let risk = path_risk(&w, d, fl.home, i).unwrap_or(0.0)
                        + path_risk(&w, d, i, j).unwrap_or(0.0)
                        + path_risk(&w, d, j, fl.home).unwrap_or(0.0);
                    let cargo = pb.add_column(0.0, 0..);
                    let people = pb.add_column(0.0, 0..);
                    let convoys = pb.add_column(weights::CASUALTY * risk + weights::MOVEMENT, 0.0..=1.0);
                    // A convoy carries at most the fleet's trucks' load and a planned number of people.
                    pb.add_row(..=0.0, [(cargo, 1.0), (convoys, -(f64::from(fl.trucks) * fl.capacity))]);
                    pb.add_row(..=0.0, [(people, 1.0), (convoys, -consts::PERSONNEL_PER_CONVOY)]);
                    truck_rows[f][d].push((cargo, round_trip_days / fl.capacity.max(1e-9)));
                    let (iu, ju) = (i as usize, j as usize);
                    flow_m[iu][d].push((people, -1.0));
                    flow_c[iu][d].push((cargo, -1.0));
                    departures[iu][d].push((people, 1.0));
                    departures[iu][d].push((cargo, 1.0));
                    if !is_exit[ju] {
                        flow_m[ju][arrive].push((people, 1.0));
                        flow_c[ju][arrive].push((cargo, 1.0));
                        arrivals[ju][arrive].push((people, 1.0));
                        arrivals[ju][arrive].push((cargo, 1.0));
                    }
                    days[d] = Some(RoadDay { round_trip_days, risk, cargo, people, convoys });
                }
                road.push(RoadArc { from: i, to: j, fleet: f, days });
            }
        }
    }
    // One convoy of a line underway at a time: convoys in any window of a round trip ≤ 1.
    for arc in &road {
        for d in 0..nd {
            let Some(rd) = arc.days[d] else { continue };
            let span = rd.round_trip_days.ceil() as usize;
            let terms: Vec<(Col, f64)> =
                (d.saturating_sub(span.saturating_sub(1))..=d).filter_map(|e| arc.days[e].map(|x| (x.convoys, 1.0))).collect();
            if terms.len() > 1 {
                pb.add_row(..=1.0, terms);
            }
        }
    }
    for (f, rows) in truck_rows.into_iter().enumerate() {
        for (d, terms) in rows.into_iter().enumerate() {
            if !terms.is_empty() {
                pb.add_row(..=avail[f][d], terms);
            }
        }
    }

    // --- Air arcs -------------------------------------------------------
    let mut air: Vec<AirArc> = Vec::new();
    if let Some(dest) = air_dest {
        let mut sortie_rows = vec![vec![Vec::<(Col, f64)>::new(); nd]; w.aircraft.len()];
        let mut capacity = vec![vec![0.0; nd]; w.aircraft.len()];
        for i in 0..n as u16 {
            if !is_base[i as usize] || !w.sites[i as usize].airfield || i == dest {
                continue;
            }
            for (k, ac) in w.aircraft.iter().enumerate() {
                let cl = &w.clearance[ac.clearance];
                let mut days = vec![None; nd];
                for d in 0..nd {
                    let today = d + w.lead_pad as usize;
                    let lead = cl.lead_days[today.min(cl.lead_days.len() - 1)] as usize;
                    let approval = cl.approval[today.saturating_sub(lead).min(cl.approval.len() - 1)];
                    let up = f64::from(ac.count.saturating_sub(ac.grounded[d.min(ac.grounded.len() - 1)]));
                    capacity[k][d] = up * ac.serviceability * f64::from(ac.sorties_per_aircraft) * approval;
                    if capacity[k][d] <= 0.0 {
                        continue;
                    }
                    let sorties = pb.add_column(weights::MOVEMENT, 0..);
                    let people = pb.add_column(0.0, 0..);
                    pb.add_row(..=0.0, [(people, 1.0), (sorties, -f64::from(ac.seats))]);
                    let cargo = (ac.payload > 0.0).then(|| {
                        let c = pb.add_column(0.0, 0..);
                        pb.add_row(..=0.0, [(c, 1.0), (sorties, -ac.payload)]);
                        c
                    });
                    sortie_rows[k][d].push((sorties, 1.0));
                    let iu = i as usize;
                    flow_m[iu][d].push((people, -1.0));
                    departures[iu][d].push((people, 1.0));
                    if let Some(c) = cargo {
                        flow_c[iu][d].push((c, -1.0));
                        departures[iu][d].push((c, 1.0));
                    }
                    // Flights land the same day; a destination that is not an exit is not modelled.
                    days[d] = Some((sorties, people, cargo, approval));
                }
                air.push(AirArc { from: i, to: dest, fleet: k, days });
            }
        }
        for (k, rows) in sortie_rows.into_iter().enumerate() {
            for (d, terms) in rows.into_iter().enumerate() {
                if !terms.is_empty() {
                    pb.add_row(..=capacity[k][d], terms);
                }
            }
        }
    }

    // --- Tight big-Ms: what can ever be at a site ------------------------
    // Everything initially at the site or upstream of it (along road arcs
    // and closing-convoy targets). Far tighter than the mission's totals,
    // which make the LP relaxation close sites by a sliver.
    let (upstream_m, upstream_b, upstream_c) = {
        let mut next: Vec<Vec<u16>> = vec![Vec::new(); n];
        for arc in &road {
            if !is_exit[arc.to as usize] && !next[arc.from as usize].contains(&arc.to) {
                next[arc.from as usize].push(arc.to);
            }
        }
        for i in 0..n {
            if let Some(&t) = candidates[i].first() {
                if !is_exit[t as usize] && !next[i].contains(&t) {
                    next[i].push(t);
                }
            }
        }
        let (mut um, mut ub, mut uc) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        for k in 0..n {
            let mut seen = vec![false; n];
            let mut stack = vec![k];
            seen[k] = true;
            while let Some(x) = stack.pop() {
                um[x] += movable0[k];
                ub[x] += bound0[k];
                uc[x] += cargo0[k];
                for &y in &next[x] {
                    if !seen[y as usize] {
                        seen[y as usize] = true;
                        stack.push(y as usize);
                    }
                }
            }
        }
        (um, ub, uc)
    };

    // --- Closures -------------------------------------------------------
    let presence: Vec<Option<&m::Presence>> =
        w.sites.iter().map(|x| s.presences.iter().find(|p| p.site == x.id)).collect();
    let handover_fail = |i: usize, d: usize| -> f64 {
        let Some(p) = presence[i] else { return 0.0 };
        let day_of = |x: m::Date| x.days_since(w.start) as f64;
        let dd = d as f64;
        let contested = p.armed_group_until.is_none_or(|u| dd < day_of(u));
        if !contested {
            return 0.0;
        }
        let state = dd.max(p.state_from.map_or(0.0, day_of)) + p.state_days.mean();
        let armed = dd + p.armed_group_days.mean();
        if armed < state { p.armed_group.value } else { 0.0 }
    };
    struct ClosureVars {
        site: u16,
        to: u16,
        closed: Vec<Col>,
        dispose: Vec<Col>,
        people: Vec<(Col, Col)>,
        fail: Vec<f64>,
        risk: Vec<f64>,
        /// Day the closing convoy leaving on each day arrives (None: no route).
        arrive: Vec<Option<usize>>,
    }
    let mut closures: Vec<ClosureVars> = Vec::new();
    let mut closed_of: Vec<Option<usize>> = vec![None; n];
    for i in 0..n as u16 {
        let iu = i as usize;
        let receives = (0..nd).any(|d| !arrivals[iu][d].is_empty());
        if !is_base[iu] || (movable0[iu] + bound0[iu] + cargo0[iu] == 0.0 && !receives) {
            continue;
        }
        // The closing convoy goes to the nearest candidate (exits and
        // downhill bases), or the nearest reachable exit for an airfield base.
        let Some(&to) = candidates[iu].first() else { continue };
        let big_p = (upstream_m[iu] + upstream_b[iu]).max(1.0);
        let big_c = upstream_c[iu].max(1.0);
        let mut closed = Vec::with_capacity(nd);
        let mut dispose = Vec::with_capacity(nd);
        let mut people = Vec::with_capacity(nd);
        let (mut fail, mut risk) = (Vec::with_capacity(nd), Vec::with_capacity(nd));
        let mut arrive_days = Vec::with_capacity(nd);
        for d in 0..nd {
            let c = pb.add_integer_column(0.0, 0.0..=1.0);
            binaries += 1;
            if let Some(&prev) = closed.last() {
                pb.add_row(0.0.., [(c, 1.0), (prev, -1.0)]);
            }
            closed.push(c);
            // Closing flows on day d, only on the closure day.
            let zm = pb.add_column(0.0, 0..);
            let zb = pb.add_column(0.0, 0..);
            let dq = pb.add_column(weights::VALUE_PER_USD * value_per_unit, 0..);
            let mut on_day = vec![(c, -big_p)];
            if d > 0 {
                on_day.push((closed[d - 1], big_p));
            }
            pb.add_row(..=0.0, [(zm, 1.0), (zb, 1.0)].into_iter().chain(on_day.iter().copied()));
            let mut on_day_c = vec![(dq, 1.0), (c, -big_c)];
            if d > 0 {
                on_day_c.push((closed[d - 1], big_c));
            }
            pb.add_row(..=0.0, on_day_c);
            flow_m[iu][d].push((zm, -1.0));
            flow_b[iu][d].push((zb, -1.0));
            flow_c[iu][d].push((dq, -1.0));
            let t = minutes(&w, d, i, to);
            let permit = w.permit[d.min(w.permit.len() - 1)].max(0.05);
            let arrive = t.map(|t| d + ((360.0 + t + (1.0 / permit - 1.0) * 1440.0) / 1440.0) as usize + usize::from(!is_exit[to as usize]));
            arrive_days.push(arrive);
            match arrive {
                None => {
                    // No route that day: no closure that day.
                    let mut terms = vec![(c, 1.0)];
                    if d > 0 {
                        terms.push((closed[d - 1], -1.0));
                    }
                    pb.add_row(..=0.0, terms);
                }
                Some(a) if a > last => {
                    // Arrives after the deadline: still in the country.
                    pb.change_column_cost(zm, weights::PERSON_LEFT);
                    pb.change_column_cost(zb, weights::PERSON_LEFT);
                }
                Some(a) if !is_exit[to as usize] => {
                    flow_m[to as usize][a].push((zm, 1.0));
                    flow_b[to as usize][a].push((zb, 1.0));
                    arrivals[to as usize][a].push((zm, 1.0));
                    arrivals[to as usize][a].push((zb, 1.0));
                }
                Some(_) => {}
            }
            dispose.push(dq);
            people.push((zm, zb));
            fail.push(handover_fail(iu, d));
            risk.push(path_risk(&w, d, i, to).unwrap_or(0.0));
        }
        // Cost of closing on day d: (c_d − c_{d−1}) × cost_d, so c_d carries cost_d − cost_{d+1}.
        for d in 0..nd {
            let cost = |e: usize| weights::HANDOVER_FAILURE * fail[e] + weights::CASUALTY * risk[e];
            let coef = cost(d) - if d + 1 < nd { cost(d + 1) } else { 0.0 };
            pb.change_column_cost(closed[d], coef);
        }
        closed_of[iu] = Some(closures.len());
        closures.push(ClosureVars { site: i, to, closed, dispose, people, fail, risk, arrive: arrive_days });
    }

    // --- Stocks and conservation ---------------------------------------
    let mut stock_cols: Vec<(usize, Col, Col, Col)> = Vec::new(); // site, movable, bound, cargo at the last day
    for i in 0..n {
        if !is_base[i] {
            continue;
        }
        let any = movable0[i] + bound0[i] + cargo0[i] > 0.0 || (0..nd).any(|d| !arrivals[i][d].is_empty());
        if !any {
            continue;
        }
        let mut prev: Option<(Col, Col, Col)> = None;
        for d in 0..nd {
            let lastday = d == last;
            let sm = pb.add_column(if lastday { weights::PERSON_LEFT } else { weights::PERSON_DAY }, 0..);
            let sb = pb.add_column(if lastday { weights::PERSON_LEFT } else { weights::PERSON_DAY }, 0..);
            let sc = pb.add_column(if lastday { weights::VALUE_PER_USD * value_per_unit } else { 0.0 }, 0..);
            for (stock, init, flows, p) in [
                (sm, movable0[i], &flow_m[i][d], prev.map(|p| p.0)),
                (sb, bound0[i], &flow_b[i][d], prev.map(|p| p.1)),
                (sc, cargo0[i], &flow_c[i][d], prev.map(|p| p.2)),
            ] {
                // stock_d − stock_{d−1} − flows = init (day 0) or 0
                let rhs = if d == 0 { init } else { 0.0 };
                let mut terms = vec![(stock, 1.0)];
                if let Some(p) = p {
                    terms.push((p, -1.0));
                }
                terms.extend(flows.iter().map(|&(c, v)| (c, -v)));
                pb.add_row(rhs..=rhs, terms);
            }
            if let Some(k) = closed_of[i] {
                let c = closures[k].closed[d];
                // Closed: nothing stays, nothing arrives, no line leaves.
                let (bm, bb, bc) = (upstream_m[i].max(1.0), upstream_b[i].max(1.0), upstream_c[i].max(1.0));
                pb.add_row(..=bm, [(sm, 1.0), (c, bm)]);
                pb.add_row(..=bb, [(sb, 1.0), (c, bb)]);
                pb.add_row(..=bc, [(sc, 1.0), (c, bc)]);
                let big = bm + bb + bc;
                if !arrivals[i][d].is_empty() {
                    pb.add_row(..=big, arrivals[i][d].iter().copied().chain([(c, big)]));
                }
                if !departures[i][d].is_empty() {
                    pb.add_row(..=big, departures[i][d].iter().copied().chain([(c, big)]));
                }
            }
            prev = Some((sm, sb, sc));
            if lastday {
                stock_cols.push((i, sm, sb, sc));
            }
        }
    }
    let (columns, rows) = (pb.num_cols(), pb.num_rows());
    let build_seconds = t_build.elapsed().as_secs_f64();

    // --- Solve ----------------------------------------------------------
    let t_solve = Instant::now();
    // A starting plan for HiGHS: close every site as late as its closing
    // convoy still arrives in time (at an exit by the deadline, or at its
    // target before the target closes), then solve for the flows with the
    // closures fixed. The big-M structure leaves HiGHS's own heuristics
    // with poor incumbents on MINUSMA-sized models.
    let start = if opts.warm_start {
        let mut latest: Vec<Option<Option<usize>>> = vec![None; closures.len()]; // None: not yet known; Some(None): never
        for _ in 0..closures.len() + 1 {
            for k in 0..closures.len() {
                if latest[k].is_some() {
                    continue;
                }
                let cv = &closures[k];
                let limit = match closed_of[cv.to as usize] {
                    None => Some(last + 1),
                    Some(t) => match latest[t] {
                        None => continue,
                        Some(l) => l,
                    },
                };
                latest[k] = Some(limit.and_then(|lim| (0..nd).rev().find(|&d| cv.arrive[d].is_some_and(|a| a < lim))));
            }
        }
        let mut fixed = pb.clone();
        for (k, cv) in closures.iter().enumerate() {
            let l = latest[k].flatten();
            for d in 0..nd {
                let x = if l.is_some_and(|l| d >= l) { 1.0 } else { 0.0 };
                fixed.change_column_bounds(cv.closed[d], x..=x);
            }
        }
        let mut m0 = fixed.optimise(Sense::Minimise);
        m0.make_quiet();
        m0.set_option("time_limit", opts.time_limit_s);
        let s0 = m0.solve();
        (s0.primal_solution_status() == highs::HighsSolutionStatus::Feasible)
            .then(|| (s0.objective_value(), s0.get_solution().columns().to_vec()))
    } else {
        None
    };
    let start_objective = start.as_ref().map(|s| s.0);
    let mut model = pb.optimise(Sense::Minimise);
    if opts.verbose {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", true);
    } else {
        model.make_quiet();
    }
    if let Some((_, cols)) = &start {
        let _ = model.try_set_solution(Some(cols), None, None, None);
    }
    let time_left = (opts.time_limit_s - t_solve.elapsed().as_secs_f64()).max(1.0);
    model.set_option("time_limit", time_left);
    model.set_option("mip_rel_gap", opts.mip_rel_gap);
    model.set_option("mip_heuristic_effort", opts.heuristic_effort);
    let solved = model.solve();
    let solve_seconds = t_solve.elapsed().as_secs_f64();
    let status = solved.status();
    let ok = matches!(
        status,
        HighsModelStatus::Optimal | HighsModelStatus::ReachedTimeLimit | HighsModelStatus::ReachedSolutionLimit
    );
    let has_solution = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    if !ok || !has_solution {
        return Err(format!("HiGHS found no plan: status {status:?} after {solve_seconds:.1} s"));
    }
    let objective = solved.objective_value();
    let bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN);
    let gap = solved.mip_gap();
    let sol = solved.get_solution();
    let v = |c: Col| sol.columns()[c.index()];

    // --- Read the plan ----------------------------------------------------
    let date = |d: usize| w.date_of_day(d as u32);
    let mut planned_closures = Vec::new();
    let (mut casualties, mut fails, mut value_left, mut people_left) = (0.0, 0.0, 0.0, 0.0);
    for cv in &closures {
        if let Some(d) = (0..nd).find(|&d| v(cv.closed[d]) > 0.5) {
            planned_closures.push(PlannedClosure {
                site: w.sites[cv.site as usize].id.clone(),
                date: date(d),
                to: w.sites[cv.to as usize].id.clone(),
            });
            fails += cv.fail[d];
            casualties += cv.risk[d];
        }
        value_left += cv.dispose.iter().map(|&c| v(c)).sum::<f64>() * value_per_unit;
    }
    for &(_, sm, sb, sc) in &stock_cols {
        people_left += v(sm) + v(sb);
        value_left += v(sc) * value_per_unit;
    }
    // Closing convoys arriving after the deadline.
    for cv in &closures {
        for d in 0..nd {
            let t = minutes(&w, d, cv.site, cv.to);
            let permit = w.permit[d.min(w.permit.len() - 1)].max(0.05);
            let late = t.is_some_and(|t| {
                d + ((360.0 + t + (1.0 / permit - 1.0) * 1440.0) / 1440.0) as usize + usize::from(!is_exit[cv.to as usize]) > last
            });
            if late {
                people_left += v(cv.people[d].0) + v(cv.people[d].1);
            }
        }
    }
    let mut road_lines = Vec::new();
    for arc in &road {
        let used: Vec<usize> =
            (0..nd).filter(|&d| arc.days[d].is_some_and(|x| v(x.cargo) + v(x.people) > 1e-6)).collect();
        let (Some(&first), Some(&lastd)) = (used.first(), used.last()) else { continue };
        let fl = &w.fleets[arc.fleet];
        let mut trucks = 1.0f64;
        for &d in &used {
            let x = arc.days[d].unwrap();
            casualties += v(x.convoys) * x.risk;
            let conv = v(x.convoys).max(1e-9);
            trucks = trucks.max((v(x.cargo) / conv / fl.capacity.max(1e-9)).ceil());
        }
        let (from, to) = (&w.sites[arc.from as usize].id, &w.sites[arc.to as usize].id);
        road_lines.push(RoadLine {
            id: format!("plan-{from}-{to}-{}", fl.id),
            from: from.clone(),
            to: to.clone(),
            fleet: fl.id.clone(),
            ready: date(first),
            until: date(lastd),
            trucks: (trucks as u32).clamp(1, fl.trucks.max(1)),
        });
    }
    let mut air_lines = Vec::new();
    for arc in &air {
        let used: Vec<usize> =
            (0..nd).filter(|&d| arc.days[d].is_some_and(|x| v(x.1) + x.2.map_or(0.0, v) > 1e-6)).collect();
        let (Some(&first), Some(&lastd)) = (used.first(), used.last()) else { continue };
        let ac = &w.aircraft[arc.fleet];
        let mut per_day = 1.0f64;
        for &d in &used {
            let (s, _, _, approval) = arc.days[d].unwrap();
            per_day = per_day.max((v(s) / approval.max(1e-6) - 1e-6).ceil());
        }
        let from = &w.sites[arc.from as usize].id;
        air_lines.push(AirLine {
            id: format!("plan-air-{from}-{}", ac.id),
            from: from.clone(),
            to: w.sites[arc.to as usize].id.clone(),
            fleet: ac.id.clone(),
            cargo: ac.payload > 0.0,
            ready: date(first),
            until: date(lastd),
            sorties_per_day: per_day as u32,
        });
    }

    Ok(Planned {
        closures: planned_closures,
        road: road_lines,
        air: air_lines,
        objective,
        bound,
        gap,
        solve_seconds,
        build_seconds,
        start_objective,
        status: format!("{status:?}"),
        personnel_left: people_left,
        expected_casualties: casualties,
        value_left_usd: value_left,
        handover_failures: fails,
        columns,
        rows,
        binaries,
    })
}

/// The plan as a `[plan]` section in the scenario format.
pub fn to_plan_toml(p: &Planned) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Written by drawdown-planner: objective {:.1}, bound {:.1}, gap {:.2} %, {} in {:.1} s.",
        p.objective,
        p.bound,
        p.gap * 100.0,
        p.status,
        p.solve_seconds
    );
    let _ = writeln!(
        out,
        "# Expected: {:.0} personnel left, {:.2} casualties, US$ {:.0} of equipment left, {:.2} handover failures.",
        p.personnel_left, p.expected_casualties, p.value_left_usd, p.handover_failures
    );
    out.push_str("[plan]\npriority = [\"non_essential\", \"essential\"]\n");
    for c in &p.closures {
        let _ = write!(out, "\n[[plan.closure]]\nsite = {:?}\ndate = {}\nto = {:?}\n", c.site, c.date, c.to);
    }
    for l in &p.road {
        let _ = write!(
            out,
            "\n[[plan.line]]\nid = {:?}\nmode = \"road\"\nfrom = {:?}\nto = {:?}\nfleet = {:?}\nready = {}\nuntil = {}\ntrucks = {}\n",
            l.id, l.from, l.to, l.fleet, l.ready, l.until, l.trucks
        );
    }
    for l in &p.air {
        let _ = write!(
            out,
            "\n[[plan.line]]\nid = {:?}\nmode = \"air\"\nfrom = {:?}\nto = {:?}\nfleet = {:?}\ncarry = {:?}\nready = {}\nuntil = {}\nsorties_per_day = {}\n",
            l.id,
            l.from,
            l.to,
            l.fleet,
            if l.cargo { "all" } else { "personnel" },
            l.ready,
            l.until,
            l.sorties_per_day
        );
    }
    out.push_str("\n[[plan.disposition]]\naction = \"hand_over\"\n");
    out
}
