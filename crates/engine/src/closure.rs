//! Closing a site: the closing convoy leaves with everyone still there (the
//! guard force last), the serviceable vehicles and what the trucks on site
//! can lift; what is left is disposed of by the plan's rules; then the race
//! between the national army and armed groups for the empty camp.

use rand_distr::{Binomial, Distribution, Exp, LogNormal, Triangular, Uniform};

use crate::engine::{Duty, Ev, Sim, Stage};
use crate::outcome::{Fate, Taker};
use crate::rng::{Purpose, Stream};
use crate::world::{Disposal, DistW, MIN_PER_DAY};

/// Draw from a duration distribution (days); never negative.
pub fn sample_days(d: DistW, s: &mut Stream) -> f64 {
    let x = match d {
        DistW::Fixed(x) => x,
        DistW::Exponential(mean) => {
            if mean <= 0.0 {
                0.0
            } else {
                Exp::new(1.0 / mean).map_or(mean, |e| e.sample(s))
            }
        }
        DistW::Uniform(a, b) => {
            if b > a {
                Uniform::new(a, b).map_or(a, |u| u.sample(s))
            } else {
                a
            }
        }
        DistW::Triangular(a, m, b) => Triangular::new(a, b, m).map_or(m, |t| t.sample(s)),
        DistW::LogNormal(med, sigma) => LogNormal::new(med.ln(), sigma).map_or(med, |l| l.sample(s)),
    };
    x.max(0.0)
}

impl Sim<'_> {
    /// The closure date has come: form the closing convoy (it leaves once
    /// its permit is granted).
    pub fn close_site(&mut self, c: u16) {
        let w = self.w;
        let cl = &w.closures[c as usize];
        let conv = self.new_convoy(Duty::Closure(c), cl.key, cl.fleet, 0, cl.site, cl.to, Stage::Loaded);
        self.schedule(self.now, Ev::Depart(conv));
    }

    /// Loads the closing convoy and vacates the site; false (nothing done,
    /// it tries again tomorrow) when it lacks the fuel for its trucks, or
    /// the vehicles it can fuel and the trucks do not seat everyone there.
    pub fn load_closing(&mut self, conv: u32, c: u16) -> bool {
        let w = self.w;
        let cl = &w.closures[c as usize];
        let site = cl.site;
        let nl = w.lots.len();
        // Pickup trucks parked here for the closure.
        let waiting: Vec<u32> = self.pickups[c as usize]
            .iter()
            .copied()
            .filter(|&p| self.convoys[p as usize].stage == Stage::Waiting)
            .collect();
        let trucks: u32 = waiting.iter().map(|&p| self.convoys[p as usize].trucks).sum();
        // Serviceable vehicles: keyed draws (per lot, so in any order), the
        // same on every attempt; listed by lot index.
        let serviceability = w.sites[site as usize].vehicle_serviceability;
        let mut vehicles = Vec::new();
        for &l in &self.site_lots[site as usize] {
            let lot = &w.lots[l as usize];
            let n = self.items[site as usize * nl + l as usize];
            if lot.self_moving && n > 0 {
                let mut s = self.keys.stream(cl.key, Purpose::Vehicles, u64::from(l));
                let ok = if serviceability >= 1.0 {
                    n
                } else {
                    Binomial::new(u64::from(n), serviceability).map_or(n as u64, |b| b.sample(&mut s)) as u32
                };
                if ok > 0 {
                    vehicles.push((l, ok));
                }
            }
        }
        vehicles.sort_unstable();
        let Some((items, fuel)) = self.fuel_closing_column(c, trucks, vehicles) else {
            self.out.fuel_waits += 1;
            return false;
        };
        let seats = self.seats(cl.fleet, trucks, &items);
        if self.people_at(site) > seats {
            self.out.seat_waits += 1;
            return false;
        }
        let mut pax = Vec::new();
        for g in self.groups_at(site) {
            let n = self.remove_pax(site, g, u32::MAX);
            if n > 0 {
                pax.push((g, n));
            }
        }
        // Trucks parked here for the closure join the convoy.
        for p in waiting {
            let p = &mut self.convoys[p as usize];
            p.trucks = 0;
            p.stage = Stage::Done;
        }
        let mut items = items;
        for &(l, n) in &items {
            self.remove_items(site, l, n);
        }
        if trucks > 0 {
            let cap = f64::from(trucks) * w.fleets[cl.fleet as usize].capacity;
            self.take_cargo(site, cap, &mut items);
        }
        self.burn_fuel(site, fuel);
        let contested = self.vacate(c);
        let cv = &mut self.convoys[conv as usize];
        cv.pax = pax;
        cv.items = items;
        cv.trucks = trucks;
        cv.seats = seats;
        if contested {
            cv.risk = w.situation.closing_contested;
        }
        true
    }

    /// The column a closing convoy can fuel for its route: its trucks
    /// first (None if not even they can be fuelled), then its vehicles in
    /// loading order while the site's usable fuel lasts; the rest stay and
    /// are disposed of with the site. Returns the vehicles (lot order) and
    /// the litres needed.
    fn fuel_closing_column(&self, c: u16, trucks: u32, vehicles: Vec<(u16, u32)>) -> Option<(Vec<(u16, u32)>, u64)> {
        let w = self.w;
        let cl = &w.closures[c as usize];
        let day = self.now / MIN_PER_DAY;
        let km = w.route_km(day, cl.site, cl.to).unwrap_or(0.0);
        let all = w.fuel.need(km, trucks, &vehicles);
        if self.has_fuel(cl.site, all, day) {
            return Some((vehicles, all));
        }
        let mut left = self.usable_fuel(cl.site, day).checked_sub(w.fuel.need(km, trucks, &[]))?;
        let mut kept = Vec::new();
        for &l in &w.lot_order {
            let Some(&(_, n)) = vehicles.iter().find(|v| v.0 == l) else { continue };
            // Per vehicle rounded up, so the column's exact need fits.
            let each = w.fuel.need(km, 0, &[(l, 1)]);
            let k = left.checked_div(each).map_or(n, |fit| n.min(u32::try_from(fit).unwrap_or(u32::MAX)));
            if k > 0 {
                left -= u64::from(k) * each;
                kept.push((l, k));
            }
        }
        kept.sort_unstable();
        let need = w.fuel.need(km, trucks, &kept);
        Some((kept, need))
    }

    /// The site is empty of the mission: dispose of what is left and run the
    /// handover race. Returns whether an armed group contested the site.
    fn vacate(&mut self, c: u16) -> bool {
        let w = self.w;
        let cl = &w.closures[c as usize];
        let site = cl.site as usize;
        self.out.site_closed[site] = Some(self.now);
        self.closed_count += 1;
        let (taker, contested) = self.handover_race(c);
        self.out.site_taken[site] = taker;
        self.dispose_fuel(site as u16, taker == Taker::State);
        for l in self.site_lots[site].clone() {
            let n = self.remove_items(site as u16, l, u32::MAX);
            if n == 0 {
                continue;
            }
            let l = l as usize;
            let fate = match (w.disposal[l], taker) {
                (Disposal::HandOver, Taker::State) => Fate::HandedOver,
                (Disposal::HandOver, _) => Fate::Abandoned,
                (Disposal::Sell, _) => Fate::Sold,
                (Disposal::Destroy, _) => Fate::Destroyed,
                (Disposal::Abandon, _) => Fate::Abandoned,
            };
            self.fates[l][fate] += n;
        }
        contested
    }

    /// Who reaches the vacated site first: the national army (from the later
    /// of the vacating and its `state_from`) or, if one contests it (and the
    /// site is vacated before `armed_group_until`), an armed group. Ties go
    /// to the state; no presence entry means a formal handover. Also says
    /// whether the site was contested.
    fn handover_race(&mut self, c: u16) -> (Taker, bool) {
        let w = self.w;
        let cl = &w.closures[c as usize];
        let Some(p) = &w.presence[cl.site as usize] else {
            return (Taker::State, false);
        };
        let mut s = self.keys.stream(cl.key, Purpose::Race, 0);
        let state_at =
            f64::from(self.now.max(p.state_from)) + sample_days(p.state_days, &mut s) * f64::from(MIN_PER_DAY);
        let contested = s.bernoulli(p.armed_group) && self.now < p.armed_group_until;
        let armed_at = f64::from(self.now) + sample_days(p.armed_group_days, &mut s) * f64::from(MIN_PER_DAY);
        (if contested && armed_at < state_at { Taker::ArmedGroup } else { Taker::State }, contested)
    }
}
