//! One replication: a hand-written discrete-event loop.
//!
//! Time is an integer number of minutes from 00:00 on the start day. The
//! agenda is a binary heap keyed by `(time, sequence)`: events at the same
//! minute run in the order they were scheduled, so a replication is a pure
//! function of (world, seed, replication index). State lives in plain
//! vectors indexed by dense ids; the event handlers are in `convoy.rs`,
//! `airlift.rs` and `closure.rs`.

use crate::error::Error;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::outcome::{ByFate, Outcome, Taker};
use crate::rng::Keys;
use crate::world::{MIN_PER_DAY, NONE, World};

/// Minute of the day at which convoys and closures move (06:00).
pub const MOVE_MINUTE: u32 = 6 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ev {
    /// 00:00 of a day: record yesterday, dispatch lines and sorties.
    Day(u32),
    /// A convoy asks for its permit and, if granted, loads and leaves.
    Depart(u32),
    /// A convoy marches one day.
    March(u32),
    /// A convoy reaches the end of its current leg's destination.
    Arrive(u32),
    /// A flight lands.
    Land(u32),
    /// A site's closure is due (index into `World::closures`).
    Close(u16),
}

/// What a convoy is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Empty trucks driving from their home to where the load is.
    Positioning,
    /// Carrying people and equipment to the destination.
    Loaded,
    /// Empty trucks driving home.
    Returning,
    /// Trucks parked at a site, waiting for its closing convoy.
    Waiting,
    /// Finished; the slot is dead.
    Done,
}

/// Which plan item a convoy serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    Line(u16),
    Closure(u16),
    /// Trucks sent to lift cargo with a closing convoy.
    Pickup(u16),
}

#[derive(Debug, Clone)]
pub struct Convoy {
    pub duty: Duty,
    pub stage: Stage,
    /// Stream address of this convoy (stable across what-ifs).
    pub key: u64,
    pub fleet: u16,
    pub trucks: u32,
    pub at: u16,
    pub dest: u16,
    pub epoch: u8,
    pub link: u16,
    pub next: u16,
    pub km_left: f64,
    pub delay_min: f64,
    /// Exposure (expected events) left before the next incident or
    /// breakdown; NaN until drawn.
    pub hazard_left: f64,
    pub march_days: u32,
    /// Incident-rate factor of the convoy's situation for the whole trip
    /// (a closing convoy from a contested site), 1 otherwise.
    pub risk: f64,
    /// Permit refusals of the current departure.
    pub permit_tries: u32,
    /// Permits granted so far (the departure number of the next request).
    pub departures: u32,
    /// Crew killed so far (outside the personnel count).
    pub crew_killed: u32,
    pub departed_at: u32,
    /// Litres of fuel carried as cargo (tankers).
    pub fuel: u64,
    /// Seats when it loaded (u32::MAX: seats not modelled).
    pub seats: u32,
    /// People aboard by group.
    pub pax: Vec<(u16, u32)>,
    /// Items aboard by lot.
    pub items: Vec<(u16, u32)>,
}

#[derive(Debug, Clone)]
pub struct Flight {
    pub to: u16,
    pub pax: Vec<(u16, u32)>,
    pub items: Vec<(u16, u32)>,
    pub landed: bool,
}

/// The state of one replication.
pub struct Sim<'w> {
    pub w: &'w World,
    pub keys: Keys,
    pub now: u32,
    seq: u32,
    agenda: BinaryHeap<Reverse<(u64, Ev)>>,
    /// People per site and group: `pax[site * groups + group]`.
    pub pax: Vec<u32>,
    /// Items per site and lot: `items[site * lots + lot]`.
    pub items: Vec<u32>,
    /// Per site: people from other sites (in transit), local people by role,
    /// self-moving vehicles, other items. Kept in step with `pax`/`items` so
    /// "is there anything to move?" is O(1).
    pub site_transit: Vec<u32>,
    pub site_roles: Vec<[u32; 4]>,
    pub site_vehicles: Vec<u32>,
    pub site_cargo: Vec<u32>,
    /// Per site: the lots with items there, in loading order
    /// (`World::lot_order`), and the groups of other sites with people
    /// there, by index. Kept in step with `items`/`pax`, so that loading a
    /// convoy walks what is at its site, not every lot and group of the world.
    pub site_lots: Vec<Vec<u16>>,
    pub site_visitors: Vec<Vec<u16>>,
    /// Each lot's place in the loading order.
    lot_rank: Vec<u32>,
    /// Per closure: its pickup convoys (to find them without a scan of
    /// every convoy ever formed).
    pub pickups: Vec<Vec<u32>>,
    pub departed: Vec<u32>,
    pub killed_pax: Vec<u32>,
    pub departed_total: u32,
    /// Items per lot per terminal fate (`InCountry` stays 0: it is what is
    /// not in a terminal fate).
    pub fates: Vec<ByFate<u32>>,
    /// Idle trucks at each fleet's home.
    pub idle: Vec<u32>,
    pub convoys: Vec<Convoy>,
    pub flights: Vec<Flight>,
    pub line_busy: Vec<bool>,
    pub line_last_departure: Vec<Option<u32>>,
    pub line_trips: Vec<u32>,
    pub closed_count: u32,
    /// Person-km travelled by road so far.
    pub personnel_km: f64,
    pub fuel: crate::fuel::FuelState,
    pub attacks: crate::attacks::AttackState,
    pub out: Outcome,
    /// Check conservation after every event (tests).
    pub check: bool,
}

impl<'w> Sim<'w> {
    pub fn new(w: &'w World, seed: u64, replication: u64) -> Sim<'w> {
        let (ns, ng, nl) = (w.n_sites(), w.groups.len(), w.lots.len());
        let mut pax = vec![0; ns * ng];
        for (g, grp) in w.groups.iter().enumerate() {
            pax[grp.site as usize * ng + g] += grp.count;
        }
        let mut items = vec![0; ns * nl];
        for (l, lot) in w.lots.iter().enumerate() {
            items[lot.site as usize * nl + l] += lot.count;
        }
        let n_rows = w.lines.len() + w.closures.len();
        let mut site_roles = vec![[0u32; 4]; ns];
        for g in &w.groups {
            site_roles[g.site as usize][g.role as usize] += g.count;
        }
        let (mut site_vehicles, mut site_cargo) = (vec![0u32; ns], vec![0u32; ns]);
        for lot in &w.lots {
            if lot.self_moving {
                site_vehicles[lot.site as usize] += lot.count;
            } else {
                site_cargo[lot.site as usize] += lot.count;
            }
        }
        let mut lot_rank = vec![0u32; nl];
        for (rank, &l) in w.lot_order.iter().enumerate() {
            lot_rank[l as usize] = rank as u32;
        }
        let mut site_lots = vec![Vec::new(); ns];
        for &l in &w.lot_order {
            let lot = &w.lots[l as usize];
            if lot.count > 0 {
                site_lots[lot.site as usize].push(l);
            }
        }
        Sim {
            w,
            keys: Keys::new(seed, replication),
            now: 0,
            seq: 0,
            agenda: BinaryHeap::with_capacity(64),
            pax,
            items,
            site_transit: vec![0; ns],
            site_roles,
            site_vehicles,
            site_cargo,
            site_lots,
            site_visitors: vec![Vec::new(); ns],
            lot_rank,
            pickups: vec![Vec::new(); w.closures.len()],
            departed: vec![0; ng],
            killed_pax: vec![0; ng],
            departed_total: 0,
            fates: vec![ByFate::default(); nl],
            idle: w.fleets.iter().map(|f| f.trucks).collect(),
            convoys: Vec::with_capacity(64),
            flights: Vec::with_capacity(256),
            line_busy: vec![false; w.lines.len()],
            line_last_departure: vec![None; w.lines.len()],
            line_trips: vec![0; w.lines.len()],
            closed_count: 0,
            personnel_km: 0.0,
            fuel: crate::fuel::FuelState::new(w),
            attacks: crate::attacks::AttackState::new(w),
            out: Outcome {
                departed_daily: Vec::with_capacity(w.deadline_day as usize + 1),
                closed_daily: Vec::with_capacity(w.deadline_day as usize + 1),
                site_closed: vec![None; ns],
                site_taken: vec![Taker::Open; ns],
                convoys: vec![Default::default(); n_rows],
                ..Default::default()
            },
            check: false,
        }
    }

    pub fn schedule(&mut self, at: u32, ev: Ev) {
        debug_assert!(at >= self.now, "event scheduled in the past");
        self.seq += 1;
        self.agenda.push(Reverse(((u64::from(at) << 32) | u64::from(self.seq), ev)));
    }

    /// Runs to the end of the horizon and returns the outcome.
    pub fn run(mut self) -> Result<Outcome, Error> {
        self.schedule(0, Ev::Day(0));
        while let Some(Reverse((key, ev))) = self.agenda.pop() {
            self.now = (key >> 32) as u32;
            self.out.events += 1;
            match ev {
                Ev::Day(d) => {
                    if !self.start_day(d) {
                        break;
                    }
                }
                Ev::Depart(c) => self.depart(c),
                Ev::March(c) => self.march_one_day(c),
                Ev::Arrive(c) => self.arrive(c),
                Ev::Land(f) => self.land(f),
                Ev::Close(c) => self.close_site(c),
            }
            if self.check {
                self.check_conservation().and_then(|()| self.check_fuel()).map_err(Error::Invariant)?;
            }
        }
        Ok(self.out)
    }

    /// 00:00 of day `d`. Returns false once the horizon is over.
    fn start_day(&mut self, d: u32) -> bool {
        let w = self.w;
        if d >= 1 && d - 1 <= w.deadline_day {
            self.out.departed_daily.push(self.departed_total);
            self.out.closed_daily.push(self.closed_count);
        }
        if d == w.deadline_day + 1 {
            self.snapshot_deadline();
        }
        if d > w.horizon_day {
            return false;
        }
        self.schedule((d + 1) * MIN_PER_DAY, Ev::Day(d + 1));
        self.fuel_day(d);
        self.draw_attacks(d);
        self.call_closures(d);
        for (c, cl) in w.closures.iter().enumerate() {
            if cl.fleet != NONE && cl.pickup_day == Some(d) {
                self.dispatch_pickup(c as u16);
            }
        }
        for &l in &w.road_lines {
            let line = &w.lines[l as usize];
            if line.ready <= d && d <= line.until {
                self.dispatch_line(l, d);
            }
        }
        self.fly_sorties(d);
        true
    }

    /// Figures reported "by the deadline".
    fn snapshot_deadline(&mut self) {
        self.out.departed_by_deadline = self.departed_total;
        self.out.sites_closed_by_deadline = self.closed_count;
        let end = (self.w.deadline_day + 1) * MIN_PER_DAY;
        self.out.all_closed_by_deadline =
            self.w.closures.iter().all(|c| self.out.site_closed[c.site as usize].is_some_and(|t| t < end));
        let mut eq = ByFate::<u32>::default();
        for lot in &self.fates {
            for (f, n) in lot.iter() {
                eq[f] += n;
            }
        }
        let terminal: u32 = eq.values().sum();
        eq.in_country = self.w.total_items - terminal;
        self.out.equipment = eq;
        self.out.wounded = self.out.convoys.iter().map(|c| c.wounded).sum();
        self.out.killed = self.out.convoys.iter().map(|c| c.killed).sum();
        self.out.vehicles_damaged = self.out.convoys.iter().map(|c| c.damaged).sum();
        self.out.personnel_road_kkm = (self.personnel_km / 1000.0).round() as u32;
        let f = &self.fuel.fates;
        self.out.fuel_left_kl = ((f.values().sum::<u64>() - f.lost) as f64 / 1000.0).round() as u32;
    }

    /// Puts people and items down at a site: leaving the country if it is an exit.
    pub fn unload(&mut self, site: u16, pax: &[(u16, u32)], items: &[(u16, u32)]) {
        let exit = self.w.sites[site as usize].exit;
        for &(g, n) in pax {
            if exit {
                self.departed[g as usize] += n;
                self.departed_total += n;
            } else {
                self.add_pax(site, g, n);
            }
        }
        for &(l, n) in items {
            if exit {
                self.fates[l as usize].repatriated += n;
            } else {
                self.add_items(site, l, n);
            }
        }
    }

    /// People of group `g` arrive at `site`.
    pub fn add_pax(&mut self, site: u16, g: u16, n: u32) {
        let grp = &self.w.groups[g as usize];
        let cell = &mut self.pax[site as usize * self.w.groups.len() + g as usize];
        let was = *cell;
        *cell += n;
        if grp.site == site {
            self.site_roles[site as usize][grp.role as usize] += n;
        } else {
            self.site_transit[site as usize] += n;
            if was == 0 && n > 0 {
                let v = &mut self.site_visitors[site as usize];
                if let Err(at) = v.binary_search(&g) {
                    v.insert(at, g);
                }
            }
        }
    }

    /// Up to `max` people of group `g` leave `site`; returns how many.
    pub fn remove_pax(&mut self, site: u16, g: u16, max: u32) -> u32 {
        let grp = &self.w.groups[g as usize];
        let cell = &mut self.pax[site as usize * self.w.groups.len() + g as usize];
        let n = (*cell).min(max);
        *cell -= n;
        let emptied = n > 0 && *cell == 0;
        if grp.site == site {
            self.site_roles[site as usize][grp.role as usize] -= n;
        } else {
            self.site_transit[site as usize] -= n;
            if emptied {
                let v = &mut self.site_visitors[site as usize];
                if let Ok(at) = v.binary_search(&g) {
                    v.remove(at);
                }
            }
        }
        n
    }

    /// The groups with people at `site` (its own and visitors), by index.
    pub fn groups_at(&self, site: u16) -> Vec<u16> {
        let mut gs = self.w.local_groups[site as usize].clone();
        gs.extend_from_slice(&self.site_visitors[site as usize]);
        gs.sort_unstable();
        gs
    }

    /// Items of lot `l` arrive at `site`.
    pub fn add_items(&mut self, site: u16, l: u16, n: u32) {
        let cell = &mut self.items[site as usize * self.w.lots.len() + l as usize];
        let was = *cell;
        *cell += n;
        if was == 0 && n > 0 {
            let rank = &self.lot_rank;
            let v = &mut self.site_lots[site as usize];
            if let Err(at) = v.binary_search_by_key(&rank[l as usize], |&x| rank[x as usize]) {
                v.insert(at, l);
            }
        }
        if self.w.lots[l as usize].self_moving {
            self.site_vehicles[site as usize] += n;
        } else {
            self.site_cargo[site as usize] += n;
        }
    }

    /// Up to `max` items of lot `l` leave `site`; returns how many.
    pub fn remove_items(&mut self, site: u16, l: u16, max: u32) -> u32 {
        let cell = &mut self.items[site as usize * self.w.lots.len() + l as usize];
        let n = (*cell).min(max);
        *cell -= n;
        if n > 0 && *cell == 0 {
            let rank = &self.lot_rank;
            let v = &mut self.site_lots[site as usize];
            if let Ok(at) = v.binary_search_by_key(&rank[l as usize], |&x| rank[x as usize]) {
                v.remove(at);
            }
        }
        if self.w.lots[l as usize].self_moving {
            self.site_vehicles[site as usize] -= n;
        } else {
            self.site_cargo[site as usize] -= n;
        }
        n
    }

    /// Takes up to `max` eligible people from `site` for a line: people who
    /// came from elsewhere first, then local people by role priority.
    pub fn take_people(
        &mut self,
        site: u16,
        roles: &[drawdown_model::Role],
        mut max: u32,
        into: &mut Vec<(u16, u32)>,
    ) -> u32 {
        let w = self.w;
        let mut taken = 0;
        let mut take = |sim: &mut Self, g: u16, max: &mut u32| {
            let n = sim.remove_pax(site, g, *max);
            if n > 0 {
                *max -= n;
                taken += n;
                into.push((g, n));
            }
        };
        // Visitors by group index; taking one may drop it from the list.
        let mut i = 0;
        while max > 0 && i < self.site_visitors[site as usize].len() {
            let g = self.site_visitors[site as usize][i];
            take(self, g, &mut max);
            if self.site_visitors[site as usize].get(i) == Some(&g) {
                i += 1;
            }
        }
        for role in roles {
            if self.site_roles[site as usize][*role as usize] == 0 {
                continue;
            }
            for &g in &w.local_groups[site as usize] {
                if max == 0 {
                    break;
                }
                if w.groups[g as usize].role == *role {
                    take(self, g, &mut max);
                }
            }
        }
        taken
    }

    /// People at `site` a line could take (see `take_people`).
    pub fn eligible_people(&self, site: u16, roles: &[drawdown_model::Role]) -> u32 {
        let by_role = &self.site_roles[site as usize];
        self.site_transit[site as usize] + roles.iter().map(|r| by_role[*r as usize]).sum::<u32>()
    }

    /// Takes self-moving vehicles (up to `max`) from a site.
    pub fn take_vehicles(&mut self, site: u16, mut max: u32, into: &mut Vec<(u16, u32)>) -> u32 {
        let mut taken = 0;
        if self.site_vehicles[site as usize] == 0 {
            return 0;
        }
        // The site's lots in loading order; taking a lot whole drops it from the list.
        let mut i = 0;
        while max > 0 && i < self.site_lots[site as usize].len() {
            let l = self.site_lots[site as usize][i];
            if self.w.lots[l as usize].self_moving {
                let n = self.remove_items(site, l, max);
                if n > 0 {
                    max -= n;
                    taken += n;
                    into.push((l, n));
                }
            }
            if self.site_lots[site as usize].get(i) == Some(&l) {
                i += 1;
            }
        }
        taken
    }

    /// Loads cargo (non-vehicle items) up to `capacity` load units, in the
    /// world's loading order. Returns load units used.
    pub fn take_cargo(&mut self, site: u16, capacity: f64, into: &mut Vec<(u16, u32)>) -> f64 {
        let mut left = capacity;
        if self.site_cargo[site as usize] == 0 {
            return 0.0;
        }
        // The site's lots in loading order; taking a lot whole drops it from the list.
        let mut i = 0;
        while self.site_cargo[site as usize] > 0 && i < self.site_lots[site as usize].len() {
            let l = self.site_lots[site as usize][i];
            let lot = &self.w.lots[l as usize];
            if !lot.self_moving && left >= lot.load - 1e-9 {
                let fit = if lot.load > 0.0 { (left / lot.load + 1e-9).floor() as u32 } else { u32::MAX };
                let n = self.remove_items(site, l, fit);
                if n > 0 {
                    left -= n as f64 * lot.load;
                    into.push((l, n));
                }
            }
            if self.site_lots[site as usize].get(i) == Some(&l) {
                i += 1;
            }
        }
        capacity - left
    }

    /// Whether a site holds anything a line could move.
    pub fn has_cargo_for(
        &self,
        site: u16,
        roles: &[drawdown_model::Role],
        personnel: bool,
        vehicles: bool,
        cargo: bool,
    ) -> bool {
        (personnel && self.eligible_people(site, roles) > 0)
            || (vehicles && self.site_vehicles[site as usize] > 0)
            || (cargo && self.site_cargo[site as usize] > 0)
    }

    /// Every person and item is in exactly one place.
    pub fn check_conservation(&self) -> Result<(), String> {
        let w = self.w;
        let (ng, nl) = (w.groups.len(), w.lots.len());
        let mut pax = vec![0u64; ng];
        let mut items = vec![0u64; nl];
        for s in 0..w.n_sites() {
            for g in 0..ng {
                pax[g] += u64::from(self.pax[s * ng + g]);
            }
            for l in 0..nl {
                items[l] += u64::from(self.items[s * nl + l]);
            }
            // The per-site indexes list exactly what is there.
            let lots: Vec<u16> = w.lot_order.iter().copied().filter(|&l| self.items[s * nl + l as usize] > 0).collect();
            let visitors: Vec<u16> = (0..ng as u16)
                .filter(|&g| usize::from(w.groups[g as usize].site) != s && self.pax[s * ng + g as usize] > 0)
                .collect();
            if lots != self.site_lots[s] || visitors != self.site_visitors[s] {
                return Err(format!("minute {}: the index of what is at site {s} is out of step", self.now));
            }
        }
        for s in 0..w.n_sites() {
            let (mut transit, mut roles, mut vehicles, mut cargo) = (0, [0u32; 4], 0, 0);
            for g in 0..ng {
                let n = self.pax[s * ng + g];
                if w.groups[g].site as usize == s {
                    roles[w.groups[g].role as usize] += n;
                } else {
                    transit += n;
                }
            }
            for l in 0..nl {
                let n = self.items[s * nl + l];
                if w.lots[l].self_moving {
                    vehicles += n;
                } else {
                    cargo += n;
                }
            }
            if (transit, roles, vehicles, cargo)
                != (self.site_transit[s], self.site_roles[s], self.site_vehicles[s], self.site_cargo[s])
            {
                return Err(format!("minute {}: site {s} aggregates out of step with its holdings", self.now));
            }
        }
        for (k, c) in self.convoys.iter().enumerate().filter(|(_, c)| c.stage != Stage::Done) {
            let aboard: u32 = c.pax.iter().map(|p| p.1).sum();
            if aboard > c.seats {
                return Err(format!("minute {}: convoy {k} carries {aboard} people in {} seats", self.now, c.seats));
            }
        }
        let live = self.convoys.iter().filter(|c| c.stage != Stage::Done).map(|c| (&c.pax, &c.items));
        let flying = self.flights.iter().filter(|f| !f.landed).map(|f| (&f.pax, &f.items));
        for (p, i) in live.chain(flying) {
            p.iter().for_each(|&(g, n)| pax[g as usize] += u64::from(n));
            i.iter().for_each(|&(l, n)| items[l as usize] += u64::from(n));
        }
        for g in 0..ng {
            let total = pax[g] + u64::from(self.departed[g]) + u64::from(self.killed_pax[g]);
            if total != u64::from(w.groups[g].count) {
                return Err(format!(
                    "minute {}: personnel group {g} counts {total}, expected {}",
                    self.now, w.groups[g].count
                ));
            }
        }
        for l in 0..nl {
            let total = items[l] + self.fates[l].values().map(|&n| u64::from(n)).sum::<u64>();
            if total != u64::from(w.lots[l].count) {
                return Err(format!(
                    "minute {}: equipment lot {l} counts {total}, expected {}",
                    self.now, w.lots[l].count
                ));
            }
        }
        Ok(())
    }
}

/// Runs one replication.
pub fn simulate(w: &World, seed: u64, replication: u64) -> Outcome {
    // `run` only fails when conservation checking is on.
    Sim::new(w, seed, replication).run().unwrap_or_default()
}

/// Runs one replication checking conservation after every event.
pub fn simulate_checked(w: &World, seed: u64, replication: u64) -> Result<Outcome, Error> {
    let mut sim = Sim::new(w, seed, replication);
    sim.check = true;
    sim.run()
}
