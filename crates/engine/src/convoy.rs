//! Road convoys: forming a convoy for a movement line, the host state's
//! permit, marching day by day along the route (pace, breakdowns, IEDs and
//! ambushes), and arriving.

use rand_distr::{Distribution, Gamma, Poisson};

use crate::engine::{Convoy, Duty, Ev, MOVE_MINUTE, Sim, Stage};
use crate::rng::{Purpose, Stream};
use crate::world::{Lift, MIN_PER_DAY, NONE, Threat};

/// The next convoy movement time (06:00) at or after `now`.
fn next_move_time(now: u32) -> u32 {
    let today = (now / MIN_PER_DAY) * MIN_PER_DAY + MOVE_MINUTE;
    if now <= today { today } else { today + MIN_PER_DAY }
}

/// A standard exponential draw.
fn exp1(s: &mut Stream) -> f64 {
    -(1.0 - s.uniform()).ln()
}

/// Means above this are not drawn: every count they give is capped lower
/// (by the people or vehicles present, at most `MAX_TOTAL` = 1e8).
const HUGE_MEAN: f64 = 1e9;

/// Poisson draw that accepts a zero mean, capped at `cap`. A mean too large
/// for the sampler (or not a number) gives `cap`, never a silent 0.
pub fn poisson_capped(mean: f64, cap: u32, s: &mut Stream) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    if mean.is_nan() || mean >= HUGE_MEAN {
        return cap;
    }
    Poisson::new(mean).map_or(cap, |p| {
        let x: f64 = p.sample(s);
        if x >= f64::from(cap) { cap } else { x as u32 }
    })
}

/// Poisson draw that accepts a zero mean (capped at `u32::MAX`).
pub fn poisson(mean: f64, s: &mut Stream) -> u32 {
    poisson_capped(mean, u32::MAX, s)
}

/// The `Permit` stream index of a convoy's request: its departure number
/// (permits granted before) and the refusals of this departure, so that no
/// two requests of a convoy share a draw.
pub fn permit_index(departures: u32, refusals: u32) -> u64 {
    (u64::from(departures) << 32) | u64::from(refusals)
}

impl Sim<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn new_convoy(
        &mut self,
        duty: Duty,
        key: u64,
        fleet: u16,
        trucks: u32,
        at: u16,
        dest: u16,
        stage: Stage,
    ) -> u32 {
        self.convoys.push(Convoy {
            duty,
            stage,
            key,
            fleet,
            trucks,
            at,
            dest,
            epoch: 0,
            link: NONE,
            next: NONE,
            km_left: 0.0,
            delay_min: 0.0,
            hazard_left: f64::NAN,
            march_days: 0,
            risk: if matches!(duty, Duty::Line(_)) { self.w.situation.routine } else { 1.0 },
            permit_tries: 0,
            departures: 0,
            crew_killed: 0,
            departed_at: 0,
            fuel: 0,
            seats: u32::MAX,
            pax: Vec::new(),
            items: Vec::new(),
        });
        (self.convoys.len() - 1) as u32
    }

    /// Report row of a convoy (road lines first, then closures).
    fn row(&self, duty: Duty) -> usize {
        match duty {
            Duty::Line(l) => l as usize,
            Duty::Closure(c) | Duty::Pickup(c) => self.w.lines.len() + c as usize,
        }
    }

    /// Trucks of `fleet` free to leave home today (idle and not held).
    pub fn available_trucks(&self, fleet: u16, day: u32) -> u32 {
        let w = self.w;
        let home = w.fleets[fleet as usize].home;
        let d = (day as usize).min(w.held[home as usize].len() - 1);
        let mut hold = w.held[home as usize][d];
        // A hold naming a fleet applies to its trucks; a hold at a site to
        // the trucks left there, fleets in file order.
        let idle = |f: usize| self.idle[f] - w.held_fleet[f][d].min(self.idle[f]);
        for (f, fl) in w.fleets.iter().enumerate() {
            if fl.home != home {
                continue;
            }
            let held_here = hold.min(idle(f));
            if f == fleet as usize {
                return idle(f) - held_here;
            }
            hold -= held_here;
        }
        0
    }

    /// Forms today's convoy for a road line if it can run.
    pub fn dispatch_line(&mut self, l: u16, day: u32) {
        let w = self.w;
        let line = &w.lines[l as usize];
        let Lift::Road(road) = &line.lift else { return };
        if self.line_busy[l as usize]
            || self.line_last_departure[l as usize].is_some_and(|d| day < d.saturating_add(road.every_days))
        {
            return;
        }
        if w.sites[line.from as usize].exit
            || self.out.site_closed[line.from as usize].is_some()
            || self.out.site_closed[line.to as usize].is_some()
        {
            return;
        }
        let with_trucks = road.fleet != NONE;
        let has_load = if line.carry_fuel {
            !w.fuel.limited[line.from as usize] || self.usable_fuel(line.from, day) > 0
        } else {
            self.has_cargo_for(
                line.from,
                &line.roles,
                line.carry_personnel,
                line.carry_equipment,
                line.carry_equipment && with_trucks,
            )
        };
        if !has_load {
            return;
        }
        let trucks = if with_trucks {
            let avail = self.available_trucks(road.fleet, day);
            let n = road.trucks.map_or(avail, |t| t.min(avail));
            if n == 0 {
                return;
            }
            self.idle[road.fleet as usize] -= n;
            n
        } else {
            0
        };
        let trip = self.line_trips[l as usize];
        self.line_trips[l as usize] += 1;
        self.line_busy[l as usize] = true;
        self.line_last_departure[l as usize] = Some(day);
        let key = line.key ^ u64::from(trip).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let home = if with_trucks { w.fleets[road.fleet as usize].home } else { line.from };
        let (at, dest, stage) =
            if home == line.from { (line.from, line.to, Stage::Loaded) } else { (home, line.from, Stage::Positioning) };
        let c = self.new_convoy(Duty::Line(l), key, road.fleet, trucks, at, dest, stage);
        self.schedule(day * MIN_PER_DAY + MOVE_MINUTE, Ev::Depart(c));
    }

    /// Sends trucks to lift cargo with a site's closing convoy.
    pub fn dispatch_pickup(&mut self, c: u16) {
        let w = self.w;
        let cl = &w.closures[c as usize];
        let day = self.now / MIN_PER_DAY;
        let avail = self.available_trucks(cl.fleet, day);
        let n = cl.trucks.map_or(avail, |t| t.min(avail));
        if n == 0 {
            return;
        }
        self.idle[cl.fleet as usize] -= n;
        let home = w.fleets[cl.fleet as usize].home;
        let conv =
            self.new_convoy(Duty::Pickup(c), cl.key ^ 0x7069_636b, cl.fleet, n, home, cl.site, Stage::Positioning);
        self.pickups[c as usize].push(conv);
        self.schedule(day * MIN_PER_DAY + MOVE_MINUTE, Ev::Depart(conv));
    }

    /// The convoy asks for its movement permit, loads and sets off.
    pub fn depart(&mut self, c: u32) {
        let w = self.w;
        let day = self.now / MIN_PER_DAY;
        let cv = &self.convoys[c as usize];
        let (key, index) = (cv.key, permit_index(cv.departures, cv.permit_tries));
        let p = w.permit[(day as usize).min(w.permit.len() - 1)];
        if p < 1.0 && !self.keys.stream(key, Purpose::Permit, index).bernoulli(p) {
            self.convoys[c as usize].permit_tries += 1;
            self.schedule((day + 1) * MIN_PER_DAY + MOVE_MINUTE, Ev::Depart(c));
            return;
        }
        // Granted: the next request (another stage, or a retry after a
        // failed load) is a new departure with draws of its own.
        let cv = &mut self.convoys[c as usize];
        cv.departures += 1;
        cv.permit_tries = 0;
        let cv = &self.convoys[c as usize];
        let tomorrow = (day + 1) * MIN_PER_DAY + MOVE_MINUTE;
        if cv.stage == Stage::Loaded {
            match cv.duty {
                Duty::Closure(cl) => {
                    // Fuel is settled inside: vehicles it cannot fuel stay.
                    if !self.load_closing(c, cl) {
                        self.schedule(tomorrow, Ev::Depart(c));
                        return;
                    }
                }
                Duty::Line(l) => {
                    if !self.load_line(c, l) {
                        self.turn_home(c);
                        return;
                    }
                    if !self.fuel_for_departure(c) {
                        self.put_back(c);
                        self.schedule(tomorrow, Ev::Depart(c));
                        return;
                    }
                }
                Duty::Pickup(_) => {}
            }
            let cv = &self.convoys[c as usize];
            let row = self.row(cv.duty);
            self.out.convoys[row].first_departure.get_or_insert(self.now);
        } else if !self.fuel_for_departure(c) {
            self.schedule(tomorrow, Ev::Depart(c));
            return;
        }
        self.set_off(c);
    }

    /// A loaded convoy that cannot leave puts its load back where it is.
    fn put_back(&mut self, c: u32) {
        let cv = &mut self.convoys[c as usize];
        let (at, pax, items) = (cv.at, std::mem::take(&mut cv.pax), std::mem::take(&mut cv.items));
        self.unload(at, &pax, &items);
        self.unload_fuel(c, at);
    }

    /// Seats in a column of `trucks` trucks of `fleet` and the vehicles
    /// `items` (u32::MAX when seats are not modelled).
    pub fn seats(&self, fleet: u16, trucks: u32, items: &[(u16, u32)]) -> u32 {
        let w = self.w;
        if !w.seats_modelled {
            return u32::MAX;
        }
        let in_trucks = if fleet == NONE { 0 } else { trucks.saturating_mul(w.fleets[fleet as usize].seats) };
        items.iter().fold(in_trucks, |n, &(l, k)| n.saturating_add(k.saturating_mul(w.lots[l as usize].seats)))
    }

    /// Loads a line's convoy; false if there was nothing to take.
    fn load_line(&mut self, c: u32, l: u16) -> bool {
        let w = self.w;
        let line = &w.lines[l as usize];
        let Lift::Road(road) = &line.lift else { return false };
        let from = line.from;
        let mut pax = std::mem::take(&mut self.convoys[c as usize].pax);
        let mut items = std::mem::take(&mut self.convoys[c as usize].items);
        let mut moved = 0;
        let trucks = self.convoys[c as usize].trucks;
        if line.carry_fuel {
            let own = self.route_fuel(c, &[]);
            moved += u32::from(self.load_fuel(c, from, own) > 0);
        }
        // Vehicles first: their seats count for the people.
        if line.carry_equipment {
            moved += self.take_vehicles(from, road.vehicles_max, &mut items);
        }
        if line.carry_personnel {
            let seats = self.seats(road.fleet, trucks, &items);
            self.convoys[c as usize].seats = seats;
            moved += self.take_people(from, &line.roles, road.personnel_max.min(seats), &mut pax);
        }
        if line.carry_equipment && trucks > 0 {
            let cap = f64::from(trucks) * w.fleets[road.fleet as usize].capacity;
            if self.take_cargo(from, cap, &mut items) > 0.0 {
                moved += 1;
            }
        }
        let cv = &mut self.convoys[c as usize];
        cv.pax = pax;
        cv.items = items;
        moved > 0
    }

    /// Sends a convoy with nothing (more) to do back to its trucks' home,
    /// or retires it there.
    pub fn turn_home(&mut self, c: u32) {
        self.head_home(c, next_move_time(self.now));
    }

    /// Like `turn_home`, leaving no earlier than `at`.
    fn head_home(&mut self, c: u32, at: u32) {
        let w = self.w;
        let cv = &mut self.convoys[c as usize];
        let home = if cv.fleet == NONE { cv.at } else { w.fleets[cv.fleet as usize].home };
        if cv.at != home && cv.trucks > 0 {
            cv.stage = Stage::Returning;
            cv.dest = home;
            cv.permit_tries = 0;
            self.schedule(at, Ev::Depart(c));
        } else {
            self.retire(c);
        }
    }

    /// The convoy's trucks are home (or it had none): free them and the line.
    fn retire(&mut self, c: u32) {
        let cv = &mut self.convoys[c as usize];
        debug_assert!(cv.pax.is_empty() && cv.items.is_empty());
        cv.stage = Stage::Done;
        if cv.fleet != NONE {
            self.idle[cv.fleet as usize] += cv.trucks;
        }
        if let Duty::Line(l) = cv.duty {
            self.line_busy[l as usize] = false;
        }
    }

    /// Picks the route under today's corridor state and starts marching.
    fn set_off(&mut self, c: u32) {
        let w = self.w;
        let day = self.now / MIN_PER_DAY;
        let epoch = w.epoch_of_day[(day as usize).min(w.epoch_of_day.len() - 1)];
        let cv = &mut self.convoys[c as usize];
        cv.epoch = epoch;
        cv.departed_at = self.now;
        cv.permit_tries = 0;
        if cv.at == cv.dest {
            self.schedule(self.now, Ev::Arrive(c));
            return;
        }
        match w.next_hop(epoch, cv.at, cv.dest) {
            Some((link, next)) => {
                cv.link = link;
                cv.next = next;
                cv.km_left = w.links[link as usize].km;
                self.schedule(self.now, Ev::March(c));
            }
            None => {
                // No open road today (a corridor closed): what is aboard is
                // put down here, and the trucks try to go home tomorrow (not
                // now: the road will not reopen within the minute).
                let (at, pax, items) = (cv.at, std::mem::take(&mut cv.pax), std::mem::take(&mut cv.items));
                self.unload(at, &pax, &items);
                let tomorrow = (self.now / MIN_PER_DAY + 1) * MIN_PER_DAY + MOVE_MINUTE;
                self.head_home(c, tomorrow);
            }
        }
    }

    /// One day on the road: progress at the link's pace, exposed to the zone's
    /// threat, halted by incidents and breakdowns.
    pub fn march_one_day(&mut self, c: u32) {
        let w = self.w;
        let day = (self.now / MIN_PER_DAY) as usize;
        let cv = &self.convoys[c as usize];
        let mut s = self.keys.stream(cv.key, Purpose::March, u64::from(cv.march_days));
        let factor = w.pace_factor.map_or(1.0, |d| d.sample(&mut s));
        let covered = self.air_cover(cv.key, cv.march_days, day);
        let risk = cv.risk * if covered { 1.0 } else { w.situation.without_air_cover };
        let saves = if covered && w.situation.air_cover.is_some() { w.situation.medevac_saves } else { 0.0 };
        let mut budget = MIN_PER_DAY as f64;
        let row = self.row(cv.duty);
        let people: u32 = cv.pax.iter().map(|p| p.1).sum();
        self.convoys[c as usize].march_days += 1;
        loop {
            let cv = &mut self.convoys[c as usize];
            if cv.delay_min > 0.0 {
                let used = cv.delay_min.min(budget);
                cv.delay_min -= used;
                budget -= used;
                if budget <= 0.0 {
                    break;
                }
                continue;
            }
            let link = &w.links[cv.link as usize];
            let km_per_min = link.pace[day.min(link.pace.len() - 1)] * factor / MIN_PER_DAY as f64;
            let km = cv.km_left.min(budget * km_per_min);
            budget -= km / km_per_min;
            cv.km_left -= km;
            self.personnel_km += f64::from(people) * km;
            let zone = link.zone;
            self.expose(c, zone, km, day, row, (risk, saves), &mut s);
            let cv = &mut self.convoys[c as usize];
            if cv.km_left <= 1e-9 {
                cv.at = cv.next;
                if cv.at == cv.dest {
                    // An incident or breakdown on the last stretch holds the
                    // column before it arrives (the top of the loop spends
                    // the delay, over the next march days if need be).
                    if cv.delay_min > 0.0 && budget > 1e-9 {
                        continue;
                    }
                    if cv.delay_min <= 0.0 {
                        let at = self.now + (MIN_PER_DAY as f64 - budget.max(0.0)).round() as u32;
                        self.schedule(at, Ev::Arrive(c));
                        return;
                    }
                    break;
                }
                let (link, next) = w.next_hop(cv.epoch, cv.at, cv.dest).expect("route was complete at departure");
                cv.link = link;
                cv.next = next;
                cv.km_left = w.links[link as usize].km;
            }
            if budget <= 1e-9 {
                break;
            }
        }
        self.schedule(self.now + MIN_PER_DAY, Ev::March(c));
    }

    /// Whether a march day has air cover: with an air-cover group, the
    /// day's overwatch request (stream `AirCover`, index = march day) was
    /// made `lead` days before (the group's lead time that day) and is
    /// approved with the group's approval in force when it was made.
    /// Without a group air cover is not modelled (every day counts as covered).
    fn air_cover(&self, key: u64, march_day: u32, day: usize) -> bool {
        let w = self.w;
        let Some(g) = w.situation.air_cover else { return true };
        self.keys.stream(key, Purpose::AirCover, u64::from(march_day)).bernoulli(w.approval(g, day))
    }

    /// Incidents and breakdowns over `km` of road in `zone`, the incident
    /// rate scaled by the convoy's situation `risk`; with air cover, a
    /// share `saves` of the would-be killed are evacuated and survive wounded.
    ///
    /// Both are Poisson processes along the road, so together they are one
    /// process of rate `incident + breakdown` per km, each event being an
    /// incident with probability incident / total. The convoy carries the
    /// hazard left until its next event, an Exp(1) draw: a stretch that
    /// does not use it up costs a subtraction and no draw.
    #[allow(clippy::too_many_arguments)]
    fn expose(&mut self, c: u32, zone: u16, km: f64, day: usize, row: usize, situation: (f64, f64), s: &mut Stream) {
        let (risk, saves) = situation;
        let w = self.w;
        let t = if zone == NONE {
            Threat::default()
        } else {
            w.threat[zone as usize][day.min(w.threat[zone as usize].len() - 1)]
        };
        let incident_per_km = (t.ied_per_km + t.ambush_per_km) * risk;
        let total_per_km = incident_per_km + w.breakdowns_per_km;
        let mut hazard = total_per_km * km;
        if hazard <= 0.0 {
            return;
        }
        loop {
            let cv = &mut self.convoys[c as usize];
            if cv.hazard_left.is_nan() {
                cv.hazard_left = exp1(s);
            }
            if cv.hazard_left > hazard {
                cv.hazard_left -= hazard;
                return;
            }
            hazard -= cv.hazard_left;
            cv.hazard_left = f64::NAN;
            if s.uniform() * total_per_km >= incident_per_km {
                cv.delay_min += w.breakdown_delay_min;
                continue;
            }
            // Severity: one Gamma(k, 1/k) factor (mean 1) on every mean of
            // this incident, so a bad strike wounds, kills and wrecks more.
            let severity = if t.dispersion > 0.0 {
                Gamma::new(t.dispersion, 1.0 / t.dispersion).map_or(1.0, |g| g.sample(s))
            } else {
                1.0
            };
            // Nobody is hurt twice in one incident, and nobody who is not
            // there: the killed and wounded together are at most the people
            // aboard and the crew still alive; the damaged at most the
            // vehicles in the column.
            let (present, vehicles) = self.at_risk(c);
            let mut wounded = poisson_capped(t.wounded * severity, present, s);
            let mut killed = poisson_capped(t.killed * severity, present - wounded, s);
            let damaged = poisson_capped(t.damaged * severity, vehicles, s);
            let destroyed = poisson_capped(t.destroyed * severity, vehicles, s);
            if saves > 0.0 && killed > 0 {
                let key = self.convoys[c as usize].key;
                let index = u64::from(self.out.convoys[row].incidents);
                let mut m = self.keys.stream(key, Purpose::Medevac, index);
                let saved = (0..killed).filter(|_| m.bernoulli(saves)).count() as u32;
                killed -= saved;
                wounded += saved;
            }
            let stats = &mut self.out.convoys[row];
            stats.incidents += 1;
            stats.wounded += wounded;
            stats.killed += killed;
            stats.damaged += damaged;
            self.convoys[c as usize].delay_min += t.delay_min;
            self.kill_aboard(c, killed);
            self.destroy_vehicles(c, destroyed);
        }
    }

    /// Who an incident can strike: (people aboard + crew alive, vehicles in
    /// the column). The crew is one per truck and one per self-moving
    /// vehicle aboard, outside the personnel count.
    fn at_risk(&self, c: u32) -> (u32, u32) {
        let w = self.w;
        let cv = &self.convoys[c as usize];
        let people = cv.pax.iter().fold(0u32, |n, p| n.saturating_add(p.1));
        let vehicles =
            cv.items.iter().filter(|e| w.lots[e.0 as usize].self_moving).fold(cv.trucks, |n, e| n.saturating_add(e.1));
        (people.saturating_add(vehicles.saturating_sub(cv.crew_killed)), vehicles)
    }

    /// The killed are people aboard first, then crew (outside the personnel
    /// count); `n` is at most both (`at_risk`).
    fn kill_aboard(&mut self, c: u32, mut n: u32) {
        let cv = &mut self.convoys[c as usize];
        for entry in cv.pax.iter_mut() {
            if n == 0 {
                break;
            }
            let k = entry.1.min(n);
            entry.1 -= k;
            n -= k;
            self.killed_pax[entry.0 as usize] += k;
        }
        cv.pax.retain(|e| e.1 > 0);
        cv.crew_killed = cv.crew_killed.saturating_add(n);
    }

    /// Vehicles destroyed: the convoy's own vehicles first, then trucks with their loads.
    fn destroy_vehicles(&mut self, c: u32, mut n: u32) {
        let w = self.w;
        let cv = &mut self.convoys[c as usize];
        for entry in cv.items.iter_mut().filter(|e| w.lots[e.0 as usize].self_moving) {
            let k = entry.1.min(n);
            entry.1 -= k;
            n -= k;
            self.fates[entry.0 as usize].lost += k;
        }
        while n > 0 && self.convoys[c as usize].trucks > 0 {
            // A tanker's fuel burns with it.
            self.lose_tanker_fuel(c);
            let cv = &mut self.convoys[c as usize];
            n -= 1;
            cv.trucks -= 1;
            // The truck's share of the load is lost with it.
            let mut units = w.fleets[cv.fleet as usize].capacity;
            for entry in cv.items.iter_mut().rev().filter(|e| !w.lots[e.0 as usize].self_moving) {
                let load = w.lots[entry.0 as usize].load.max(1e-9);
                let k = entry.1.min((units / load).ceil() as u32);
                entry.1 -= k;
                units -= f64::from(k) * load;
                self.fates[entry.0 as usize].lost += k;
                if units <= 0.0 {
                    break;
                }
            }
        }
        self.convoys[c as usize].items.retain(|e| e.1 > 0);
    }

    /// The convoy reached its destination.
    pub fn arrive(&mut self, c: u32) {
        let w = self.w;
        let cv = &mut self.convoys[c as usize];
        match cv.stage {
            Stage::Positioning => match cv.duty {
                Duty::Pickup(cl) => {
                    if self.out.site_closed[w.closures[cl as usize].site as usize].is_some() {
                        self.turn_home(c); // too late: the site has closed
                    } else {
                        cv.stage = Stage::Waiting;
                    }
                }
                _ => {
                    cv.stage = Stage::Loaded;
                    cv.dest = match cv.duty {
                        Duty::Line(l) => w.lines[l as usize].to,
                        _ => cv.dest,
                    };
                    self.schedule(next_move_time(self.now), Ev::Depart(c));
                }
            },
            Stage::Loaded => {
                let (at, pax, items) = (cv.at, std::mem::take(&mut cv.pax), std::mem::take(&mut cv.items));
                let (trip, duty) = (self.now - cv.departed_at, cv.duty);
                let row = self.row(duty);
                self.unload(at, &pax, &items);
                self.unload_fuel(c, at);
                let stats = &mut self.out.convoys[row];
                stats.trips += 1;
                stats.trip_minutes += u64::from(trip);
                self.turn_home(c);
            }
            Stage::Returning => self.retire(c),
            Stage::Waiting | Stage::Done => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Keys, Purpose};

    #[test]
    fn capped_poisson_draws_at_most_the_cap_and_never_zero_for_a_huge_mean() {
        let k = Keys::new(1, 2);
        let mut s = k.stream(3, Purpose::March, 0);
        assert_eq!(poisson_capped(0.0, 10, &mut s), 0);
        assert_eq!(poisson_capped(-1.0, 10, &mut s), 0);
        assert_eq!(poisson_capped(1e20, 10, &mut s), 10, "past the sampler: the cap, not 0");
        assert_eq!(poisson_capped(f64::NAN, 10, &mut s), 10);
        assert_eq!(poisson_capped(1e6, 10, &mut s), 10);
        assert_eq!(poisson_capped(3.0, 0, &mut s), 0);
        let n: u32 = (0..1000).map(|_| poisson_capped(3.0, 1_000, &mut s)).sum();
        assert!((2700..3300).contains(&n), "mean 3: {n} in 1000 draws");
    }

    #[test]
    fn no_two_permit_requests_of_a_convoy_share_a_draw() {
        assert_ne!(permit_index(0, 1), permit_index(1, 0));
        assert_ne!(permit_index(1, 0), permit_index(0, 0));
        assert_eq!(permit_index(0, 3), 3);
    }
}
