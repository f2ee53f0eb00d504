//! Airlift: each day, serviceable aircraft fly the sorties planned on air
//! lines, each one cleared (or not) by the host state when it was requested
//! `lead_days` earlier.

use rand_distr::{Binomial, Distribution};

use crate::engine::{Ev, Flight, Sim};
use crate::rng::Purpose;
use crate::world::{Lift, MIN_PER_DAY};

/// Sorties take off from 08:00, one every 30 minutes per line.
const FIRST_TAKEOFF: u32 = 8 * 60;
const TAKEOFF_INTERVAL: u32 = 30;

/// The `Clearance` stream index of a line's sortie on a day: day and sortie
/// in separate halves, so no two sorties of a line share a draw.
pub fn clearance_index(day: u32, sortie: u32) -> u64 {
    (u64::from(day) << 32) | u64::from(sortie)
}

impl Sim<'_> {
    /// Flies today's sorties, air lines in plan order sharing each fleet.
    pub fn fly_sorties(&mut self, day: u32) {
        let w = self.w;

        // Serviceable aircraft are drawn only for fleets flying today (the
        // draw is keyed by fleet and day, so skipping it changes nothing else).
        let mut capacity: Vec<Option<u32>> = vec![None; w.aircraft.len()];
        for &l in &w.air_lines {
            let line = &w.lines[l as usize];
            let Lift::Air(air) = &line.lift else { continue };
            if day < line.ready || day > line.until || self.out.site_closed[line.from as usize].is_some() {
                continue;
            }
            // An airfield closed by an attack takes no flights, in or out.
            if !self.airfield_open(line.from, day) || !self.airfield_open(line.to, day) {
                continue;
            }
            let fleet = air.aircraft as usize;
            let ac = &w.aircraft[fleet];
            let capacity = capacity[fleet].get_or_insert_with(|| {
                let up = ac.count.saturating_sub(ac.grounded[(day as usize).min(ac.grounded.len() - 1)]);
                let mut s = self.keys.stream(ac.key, Purpose::Serviceable, u64::from(day));
                let ok = if ac.serviceability >= 1.0 {
                    up
                } else {
                    Binomial::new(u64::from(up), ac.serviceability).map_or(up as u64, |b| b.sample(&mut s)) as u32
                };
                ok * ac.sorties_per_aircraft
            });
            for sortie in 0..air.sorties_per_day {
                if *capacity == 0 {
                    break;
                }
                let people = line.carry_personnel && self.eligible_people(line.from, &line.roles) > 0;
                let cargo =
                    line.carry_equipment && ac.payload > 0.0 && self.has_cargo_for(line.from, &[], false, false, true);
                if !people && !cargo {
                    break;
                }
                // The request was made `lead` days before, under the policy then in force.
                let p = w.approval(ac.clearance, day as usize);
                self.out.clearances.requested += 1;
                let mut s = self.keys.stream(line.key, Purpose::Clearance, clearance_index(day, sortie));
                if !s.bernoulli(p) {
                    continue;
                }
                self.out.clearances.approved += 1;
                *capacity -= 1;
                let mut pax = Vec::new();
                let mut items = Vec::new();
                if people {
                    self.take_people(line.from, &line.roles, ac.seats, &mut pax);
                }
                if cargo {
                    self.take_cargo(line.from, ac.payload, &mut items);
                }
                let takeoff = day * MIN_PER_DAY + FIRST_TAKEOFF + sortie * TAKEOFF_INTERVAL;
                let lands = takeoff + w.flight_minutes(fleet, line.from, line.to);
                self.flights.push(Flight { to: line.to, pax, items, landed: false });
                self.schedule(lands.max(self.now), Ev::Land((self.flights.len() - 1) as u32));
            }
        }
    }

    pub fn land(&mut self, f: u32) {
        let fl = &mut self.flights[f as usize];
        fl.landed = true;
        let (to, pax, items) = (fl.to, std::mem::take(&mut fl.pax), std::mem::take(&mut fl.items));
        self.unload(to, &pax, &items);
    }
}

#[cfg(test)]
mod tests {
    use super::clearance_index;

    #[test]
    fn no_two_sorties_share_a_clearance_draw() {
        // `day * 1024 + sortie` made sortie 1,024 of day 0 draw like sortie 0 of day 1.
        let mut seen = std::collections::HashSet::new();
        for day in 0..4 {
            for sortie in 0..3000 {
                assert!(seen.insert(clearance_index(day, sortie)), "day {day} sortie {sortie}");
            }
        }
    }
}
