//! Fuel: stocks per site, what convoys and generators burn, tankers that
//! carry fuel between sites, imports and the host state's holds and bans.
//!
//! Fuel is counted in whole litres so that its conservation is exact:
//! the litres at the start plus those imported equal the litres at sites,
//! aboard tankers, burned, and left at closed sites by disposition (or
//! lost with a destroyed tanker). A site without `fuel_litres` is not
//! *limited*: convoys leaving it always find fuel, and a tanker loading
//! there fills up from outside the count (the litres are counted as
//! imported).

use drawdown_model as m;

use crate::engine::{Duty, Sim, Stage};
use crate::outcome::Fate;
use crate::world::{Disposal, Lot, NONE, World};

/// Fuel inputs, compiled.
#[derive(Debug, Clone, Default)]
pub struct FuelWorld {
    /// Per site: whether its stock limits what leaves it.
    pub limited: Vec<bool>,
    /// Per site: litres at the start.
    pub initial: Vec<u64>,
    /// Per site and day: litres imported that day (0 under a fuel ban).
    pub imports: Vec<Vec<u64>>,
    /// Per site and day: litres held by customs (unusable).
    pub held: Vec<Vec<u64>>,
    /// Litres per km for each truck.
    pub truck_per_km: f64,
    /// Litres per km for each vehicle of each lot (0 for cargo).
    pub lot_per_km: Vec<f64>,
    /// Litres per day for each generator.
    pub generator_per_day: u64,
    /// Lots of class `generator`.
    pub generator_lots: Vec<u16>,
    /// Litres per tanker truck of each fleet (0: not a tanker fleet).
    pub tank: Vec<u64>,
    /// What happens to the fuel left at a closing site.
    pub disposal: Disposal,
}

impl FuelWorld {
    /// Compiles the `[fuel]` table, the sites' stocks and imports, fuel
    /// holds and bans. `day` maps a date to a day index clamped to the run.
    pub fn compile(
        s: &m::Scenario,
        site_of: &dyn Fn(&str) -> Option<u16>,
        ndays: usize,
        day: &dyn Fn(m::Date) -> u32,
        lots: &[Lot],
    ) -> FuelWorld {
        let n = s.sites.len();
        let litres = |v: &Option<m::Num>| v.as_ref().map_or(0, |x| x.value.max(0.0).round() as u64);
        let rate = |v: &Option<m::Num>| v.as_ref().map_or(0.0, |x| x.value / 100.0);
        let mut imports = vec![vec![0u64; ndays]; n];
        for (i, site) in s.sites.iter().enumerate() {
            let per_day = litres(&site.fuel_import_litres_per_day);
            if per_day > 0 {
                imports[i].fill(per_day);
            }
        }
        for b in &s.policy.fuel_ban {
            let to = b.to.map_or(ndays as u32, day).min(ndays as u32);
            let banned: Vec<usize> = match &b.site {
                Some(id) => site_of(id).map(|x| x as usize).into_iter().collect(),
                None => (0..n).collect(),
            };
            for site in banned {
                for d in day(b.from)..to {
                    imports[site][d as usize] = 0;
                }
            }
        }
        let mut held = vec![vec![0u64; ndays]; n];
        for h in &s.policy.customs_hold {
            let (Some(site), Some(l)) = (site_of(&h.site), h.litres.as_ref()) else { continue };
            let to = h.to.map_or(ndays as u32, day).min(ndays as u32);
            for d in day(h.from)..to {
                held[site as usize][d as usize] += l.value.max(0.0).round() as u64;
            }
        }
        let f = &s.fuel;
        let (vehicle, armoured) = (rate(&f.vehicle_litres_per_100km), rate(&f.armoured_vehicle_litres_per_100km));
        let rule = s.plan.dispositions.iter().find(|r| {
            r.class.is_none_or(|c| c == m::EquipmentClass::Fuel) && r.ownership.is_none_or(|o| o == m::Ownership::Un)
        });
        FuelWorld {
            limited: s.sites.iter().map(|x| x.fuel_litres.is_some()).collect(),
            initial: s.sites.iter().map(|x| litres(&x.fuel_litres)).collect(),
            imports,
            held,
            truck_per_km: rate(&f.truck_litres_per_100km),
            lot_per_km: lots
                .iter()
                .map(|l| match l.class {
                    m::EquipmentClass::Vehicle => vehicle,
                    m::EquipmentClass::ArmouredVehicle => armoured,
                    _ => 0.0,
                })
                .collect(),
            generator_per_day: litres(&f.generator_litres_per_day),
            generator_lots: (0..lots.len() as u16)
                .filter(|&l| lots[l as usize].class == m::EquipmentClass::Generator)
                .collect(),
            tank: s.fleets.iter().map(|fl| litres(&fl.tank_litres)).collect(),
            disposal: match rule.map(|r| r.action) {
                Some(m::Disposition::HandOver) => Disposal::HandOver,
                Some(m::Disposition::Sell) => Disposal::Sell,
                Some(m::Disposition::Destroy) => Disposal::Destroy,
                Some(m::Disposition::Abandon) | None => Disposal::Abandon,
            },
        }
    }

    /// Litres a column of `trucks` trucks and `vehicles` (lot, count)
    /// needs for `km` of road.
    pub fn need(&self, km: f64, trucks: u32, vehicles: &[(u16, u32)]) -> u64 {
        let per_km = f64::from(trucks) * self.truck_per_km
            + vehicles.iter().map(|&(l, n)| f64::from(n) * self.lot_per_km[l as usize]).sum::<f64>();
        (per_km * km).ceil() as u64
    }
}

/// Fuel accounts of one replication (litres).
#[derive(Debug, Clone, Default)]
pub struct FuelState {
    /// Per site: litres in stock.
    pub stock: Vec<u64>,
    /// Entered the count from outside: imports, and tankers filled at an
    /// unlimited site.
    pub imported: u64,
    /// Burned by convoys (drawn from counted stocks) and generators.
    pub burned: u64,
    /// Left at closed sites or lost, by fate.
    pub fates: crate::outcome::ByFate<u64>,
}

impl FuelState {
    pub fn new(w: &World) -> FuelState {
        FuelState { stock: w.fuel.initial.clone(), ..Default::default() }
    }
}

impl Sim<'_> {
    /// Litres at `site` usable today (stock less what customs holds).
    pub fn usable_fuel(&self, site: u16, day: u32) -> u64 {
        let held = &self.w.fuel.held[site as usize];
        self.fuel.stock[site as usize].saturating_sub(held[(day as usize).min(held.len() - 1)])
    }

    /// Whether `site` counts its fuel now: it has a stock and is open. A
    /// closed site's stock was disposed of when it closed; trucks leaving
    /// it afterwards (there when it closed, or arriving too late) drive on
    /// the fuel they brought, outside the count.
    pub fn counts_fuel(&self, site: u16) -> bool {
        self.w.fuel.limited[site as usize] && self.out.site_closed[site as usize].is_none()
    }

    /// Whether `site` can supply `litres` today.
    pub fn has_fuel(&self, site: u16, litres: u64, day: u32) -> bool {
        !self.counts_fuel(site) || self.usable_fuel(site, day) >= litres
    }

    /// Draws `litres` at `site` for a convoy's route: from the stock at a
    /// site that counts its fuel (which must have it, see `has_fuel`);
    /// otherwise the fuel is outside the count.
    pub fn burn_fuel(&mut self, site: u16, litres: u64) {
        if self.counts_fuel(site) {
            let s = &mut self.fuel.stock[site as usize];
            let n = litres.min(*s);
            *s -= n;
            self.fuel.burned += n;
        }
    }

    /// 00:00 of day `d`: imports arrive, open sites' generators burn.
    pub fn fuel_day(&mut self, d: u32) {
        let w = self.w;
        let nl = w.lots.len();
        for site in 0..w.n_sites() {
            if !w.fuel.limited[site] || self.out.site_closed[site].is_some() {
                continue;
            }
            let imports = &w.fuel.imports[site];
            let import = imports[(d as usize).min(imports.len() - 1)];
            self.fuel.stock[site] += import;
            self.fuel.imported += import;
            if w.fuel.generator_per_day == 0 {
                continue;
            }
            let generators: u64 =
                w.fuel.generator_lots.iter().map(|&l| u64::from(self.items[site * nl + l as usize])).sum();
            let want = generators * w.fuel.generator_per_day;
            let got = want.min(self.usable_fuel(site as u16, d));
            self.fuel.stock[site] -= got;
            self.fuel.burned += got;
            if got < want {
                self.out.fuel_dry_days += 1;
            }
        }
    }

    /// Litres convoy `c` needs to drive from where it is to its
    /// destination on today's route (0 without a route).
    pub fn route_fuel(&self, c: u32, items: &[(u16, u32)]) -> u64 {
        let w = self.w;
        let cv = &self.convoys[c as usize];
        let day = self.now / crate::world::MIN_PER_DAY;
        w.route_km(day, cv.at, cv.dest).map_or(0, |km| w.fuel.need(km, cv.trucks, items))
    }

    /// Fuel for a convoy about to leave (not a closing convoy, see
    /// `load_closing`): draws it, or says the convoy cannot leave today.
    pub fn fuel_for_departure(&mut self, c: u32) -> bool {
        let need = self.route_fuel(c, &self.convoys[c as usize].items);
        let (at, day) = (self.convoys[c as usize].at, self.now / crate::world::MIN_PER_DAY);
        if !self.has_fuel(at, need, day) {
            self.out.fuel_waits += 1;
            return false;
        }
        self.burn_fuel(at, need);
        true
    }

    /// A tanker convoy of a `carry = "fuel"` line fills up at `site`,
    /// keeping what its own route needs there. Returns the litres loaded.
    pub fn load_fuel(&mut self, c: u32, site: u16, own_need: u64) -> u64 {
        let w = self.w;
        let cv = &self.convoys[c as usize];
        if cv.fleet == NONE {
            return 0;
        }
        let tanks = u64::from(cv.trucks) * w.fuel.tank[cv.fleet as usize];
        let day = self.now / crate::world::MIN_PER_DAY;
        let n = if w.fuel.limited[site as usize] {
            let n = tanks.min(self.usable_fuel(site, day).saturating_sub(own_need));
            self.fuel.stock[site as usize] -= n;
            n
        } else {
            self.fuel.imported += tanks;
            tanks
        };
        self.convoys[c as usize].fuel += n;
        n
    }

    /// A convoy puts its fuel cargo down at `site`. At a site that has
    /// closed meanwhile, the fuel is left there and follows the disposition
    /// rules at once, as the stock did when the site closed.
    pub fn unload_fuel(&mut self, c: u32, site: u16) {
        let n = std::mem::take(&mut self.convoys[c as usize].fuel);
        self.fuel.stock[site as usize] += n;
        if n > 0 && self.out.site_closed[site as usize].is_some() {
            let state = self.out.site_taken[site as usize] == crate::outcome::Taker::State;
            self.dispose_fuel(site, state);
        }
    }

    /// A tanker of convoy `c` is destroyed: its share of the fuel is lost.
    pub fn lose_tanker_fuel(&mut self, c: u32) {
        let cv = &mut self.convoys[c as usize];
        if cv.fuel == 0 || cv.trucks == 0 {
            return;
        }
        let share = cv.fuel / u64::from(cv.trucks);
        cv.fuel -= share;
        self.fuel.fates.lost += share;
    }

    /// The fuel left at a vacated site follows the disposition rules
    /// (fuel is UN-owned; `hand_over` needs the state to win the race).
    pub fn dispose_fuel(&mut self, site: u16, state_took_it: bool) {
        let n = std::mem::take(&mut self.fuel.stock[site as usize]);
        let fate = match self.w.fuel.disposal {
            Disposal::HandOver if state_took_it => Fate::HandedOver,
            Disposal::HandOver | Disposal::Abandon => Fate::Abandoned,
            Disposal::Sell => Fate::Sold,
            Disposal::Destroy => Fate::Destroyed,
        };
        self.fuel.fates[fate] += n;
    }

    /// Fuel conservation: litres at the start plus imported = at sites +
    /// aboard + burned + disposed of or lost.
    pub fn check_fuel(&self) -> Result<(), String> {
        let f = &self.fuel;
        let start: u64 = self.w.fuel.initial.iter().sum::<u64>() + f.imported;
        let aboard: u64 = self.convoys.iter().filter(|c| c.stage != Stage::Done).map(|c| c.fuel).sum();
        let now = f.stock.iter().sum::<u64>() + aboard + f.burned + f.fates.values().sum::<u64>();
        if start != now {
            return Err(format!("minute {}: fuel counts {now} litres, expected {start}", self.now));
        }
        Ok(())
    }

    /// Whether a convoy's duty is a closing convoy (it never waits for fuel
    /// at the departure check: `load_closing` leaves vehicles behind instead).
    pub fn is_closing(&self, c: u32) -> bool {
        matches!(self.convoys[c as usize].duty, Duty::Closure(_))
    }
}
