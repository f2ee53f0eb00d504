//! The scenario compiled for simulation: dense indices instead of string
//! ids, time in minutes from the start, every time-dependent input tabulated
//! per day, and shortest routes precomputed for each state of the corridors.
//!
//! Compilation runs once per `simulate`; replications only read the `World`.

use std::collections::HashMap;

use drawdown_model as m;
use m::{DistKind, Role};

use crate::attacks::AttackWorld;
use crate::fuel::FuelWorld;
use crate::rng::entity_key;

pub const MIN_PER_DAY: u32 = 24 * 60;
pub const NONE: u16 = u16::MAX;

#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub kind: m::SiteKind,
    pub lat: f64,
    pub lon: f64,
    pub airfield: bool,
    pub exit: bool,
    pub vehicle_serviceability: f64,
    pub key: u64,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub a: u16,
    pub b: u16,
    pub km: f64,
    /// Pace in km per day of travel, for each simulated day.
    pub pace: Vec<f64>,
    pub zone: u16,
    pub corridor: u16,
}

/// One threat period, resolved.
#[derive(Debug, Clone, Copy, Default)]
pub struct Threat {
    pub ied_per_km: f64,
    pub ambush_per_km: f64,
    pub wounded: f64,
    pub killed: f64,
    pub damaged: f64,
    pub destroyed: f64,
    pub delay_min: f64,
    /// Shape of the incident's Gamma(k, 1/k) severity; 0: every incident at the means.
    pub dispersion: f64,
}

/// How a convoy's situation scales its incident rate (`[situation]`).
#[derive(Debug, Clone, Copy)]
pub struct Situation {
    /// A closing convoy leaving a site whose race drew "contested".
    pub closing_contested: f64,
    /// A march day without air cover, and the clearance group asked for it.
    pub without_air_cover: f64,
    pub air_cover: Option<usize>,
    /// A convoy of a plan line (not a closing convoy or a pickup).
    pub routine: f64,
    /// On a covered march day, the share of the would-be killed saved by air medevac.
    pub medevac_saves: f64,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub site: u16,
    pub role: Role,
    pub count: u32,
}

#[derive(Debug, Clone)]
pub struct Lot {
    pub site: u16,
    pub class: m::EquipmentClass,
    pub count: u32,
    pub value_usd: f64,
    pub ownership: m::Ownership,
    /// Truck load units per item (0 for self-moving vehicles).
    pub load: f64,
    pub sensitive: bool,
    pub self_moving: bool,
    /// Passenger seats per vehicle.
    pub seats: u32,
}

#[derive(Debug, Clone)]
pub struct Fleet {
    pub id: String,
    pub home: u16,
    pub trucks: u32,
    pub capacity: f64,
    /// Passenger seats per truck.
    pub seats: u32,
}

#[derive(Debug, Clone)]
pub struct Aircraft {
    pub id: String,
    pub count: u32,
    pub seats: u32,
    pub payload: f64,
    pub serviceability: f64,
    pub sorties_per_aircraft: u32,
    pub cruise_kmh: f64,
    pub clearance: usize,
    /// Aircraft grounded by import bans, per day.
    pub grounded: Vec<u32>,
    pub key: u64,
}

/// Flight clearance for one group: approval probability and lead time in
/// force on each day a request could be made (index: request day + lead_pad).
#[derive(Debug, Clone)]
pub struct Clearance {
    pub approval: Vec<f64>,
    pub lead_days: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
pub enum DistW {
    Fixed(f64),
    Exponential(f64),
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
    LogNormal(f64, f64),
}

impl From<&m::Dist> for DistW {
    fn from(d: &m::Dist) -> Self {
        match d.kind {
            DistKind::Fixed(x) => DistW::Fixed(x),
            DistKind::Exponential(x) => DistW::Exponential(x),
            DistKind::Uniform(a, b) => DistW::Uniform(a, b),
            DistKind::Triangular(a, m, b) => DistW::Triangular(a, m, b),
            DistKind::LogNormal(a, b) => DistW::LogNormal(a, b),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Presence {
    /// Minute from which the national army can arrive.
    pub state_from: u32,
    pub state_days: DistW,
    pub armed_group: f64,
    /// Minute from which no armed group contests the site (u32::MAX: never).
    pub armed_group_until: u32,
    pub armed_group_days: DistW,
}

#[derive(Debug, Clone)]
pub struct Closure {
    pub site: u16,
    pub day: u32,
    pub to: u16,
    pub fleet: u16,
    pub trucks: Option<u32>,
    pub historical: Option<m::Date>,
    pub key: u64,
    /// Day the pickup trucks leave home so as to arrive by the closure day.
    pub pickup_day: Option<u32>,
    /// Leave early after (attacks, within days).
    pub leave_early: Option<(u32, u32)>,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub from: u16,
    pub to: u16,
    /// Road convoys or air sorties, each with the fields of its mode.
    pub lift: Lift,
    pub carry_personnel: bool,
    pub carry_equipment: bool,
    /// A tanker line: carries fuel.
    pub carry_fuel: bool,
    /// Eligible local roles in priority order.
    pub roles: Vec<Role>,
    pub ready: u32,
    pub until: u32,
    pub key: u64,
}

/// How a line moves what it carries.
#[derive(Debug, Clone)]
pub enum Lift {
    Road(RoadLift),
    Air(AirLift),
}

/// A road line's convoys.
#[derive(Debug, Clone)]
pub struct RoadLift {
    /// Truck fleet; NONE for a line of self-moving vehicles (people ride in them).
    pub fleet: u16,
    /// Trucks per convoy (None: all available).
    pub trucks: Option<u32>,
    pub personnel_max: u32,
    pub vehicles_max: u32,
    pub every_days: u32,
}

/// An air line's sorties.
#[derive(Debug, Clone)]
pub struct AirLift {
    /// Aircraft fleet.
    pub aircraft: u16,
    pub sorties_per_day: u32,
}

impl Line {
    pub fn is_air(&self) -> bool {
        matches!(self.lift, Lift::Air(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Disposal {
    HandOver,
    Sell,
    Destroy,
    #[default]
    Abandon,
}

/// The compiled scenario.
#[derive(Debug, Clone)]
pub struct World {
    pub id: String,
    pub start: m::Date,
    /// Day index of the deadline (0 = start).
    pub deadline_day: u32,
    /// Last simulated day index (inclusive).
    pub horizon_day: u32,
    pub sites: Vec<Site>,
    pub links: Vec<Link>,
    pub adjacency: Vec<Vec<(u16, u16)>>,
    pub zones: Vec<String>,
    /// Threat per zone per day.
    pub threat: Vec<Vec<Threat>>,
    pub groups: Vec<Group>,
    /// Groups belonging to each site, in file order.
    pub local_groups: Vec<Vec<u16>>,
    pub lots: Vec<Lot>,
    /// Lots in loading order: sensitive first, then by value per load unit.
    pub lot_order: Vec<u16>,
    pub fleets: Vec<Fleet>,
    pub aircraft: Vec<Aircraft>,
    pub clearance: Vec<Clearance>,
    /// Days of lead time covered before day 0 in clearance tables.
    pub lead_pad: u32,
    /// Convoy permit approval per day.
    pub permit: Vec<f64>,
    /// Trucks held by customs per site per day (holds naming no fleet).
    pub held: Vec<Vec<u32>>,
    /// Trucks held by customs per fleet per day (holds naming a fleet).
    pub held_fleet: Vec<Vec<u32>>,
    /// Whether seats bound the people a convoy carries (some fleet or
    /// vehicle lot gives `seats`).
    pub seats_modelled: bool,
    pub fuel: FuelWorld,
    pub attacks: AttackWorld,
    pub presence: Vec<Option<Presence>>,
    pub closures: Vec<Closure>,
    /// Closure index per site (NONE if the site stays open).
    pub closure_of: Vec<u16>,
    pub lines: Vec<Line>,
    /// Indices of road lines and of air lines, in plan order.
    pub road_lines: Vec<u16>,
    pub air_lines: Vec<u16>,
    /// Disposal per lot for items left at a closing site.
    pub disposal: Vec<Disposal>,
    pub situation: Situation,
    pub pace_sigma: f64,
    /// The daily pace factor: log-normal with mean 1 and coefficient of
    /// variation `pace_sigma` (None when the pace does not vary).
    pub pace_factor: Option<rand_distr::LogNormal<f64>>,
    pub breakdowns_per_km: f64,
    pub breakdown_delay_min: f64,
    /// Air hours between sites (u16 pairs), from `[[air_leg]]` or great-circle.
    pub air_minutes: HashMap<(u16, u16), u32>,
    /// Corridor state epochs: `epoch_of_day[d]` indexes `next_hop`.
    pub epoch_of_day: Vec<u8>,
    /// `next_hop[epoch][to * n + from]` = (link, next site), NONE if unreachable.
    pub next_hop: Vec<Vec<(u16, u16)>>,
    pub total_personnel: u32,
    pub total_items: u32,
    pub vehicles: u32,
    pub containers: u32,
}

/// Why a validated scenario could not be compiled: it exceeds one of the
/// engine's resource limits (`limits.rs`), or it is inconsistent (should not
/// happen after validation; reported as an error rather than a panic).
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("cannot compile the scenario: {0}")]
    Invalid(String),
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
}

struct Ids<'a> {
    map: HashMap<&'a str, u16>,
    what: &'static str,
}

impl<'a> Ids<'a> {
    fn new(ids: impl Iterator<Item = &'a str>, what: &'static str) -> Ids<'a> {
        Ids { map: ids.enumerate().map(|(i, s)| (s, i as u16)).collect(), what }
    }
    fn get(&self, id: &str) -> Result<u16, CompileError> {
        self.map.get(id).copied().ok_or_else(|| CompileError::Invalid(format!("unknown {} `{id}`", self.what)))
    }
    fn opt(&self, id: Option<&str>) -> Result<u16, CompileError> {
        id.map_or(Ok(NONE), |s| self.get(s))
    }
}

fn haversine_km(a: &Site, b: &Site) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

impl World {
    /// Compiles a validated scenario: checks the engine's limits, then
    /// compiles its parts (below, in the order called) into one `World`.
    pub fn compile(s: &m::Scenario) -> Result<World, CompileError> {
        // Before anything is allocated for it.
        crate::limits::check(s)?;
        let cx = Ctx::new(s)?;
        // The parts run in the order that decides which error a scenario
        // with several faults reports.
        let sites = compile_sites(s);
        let zones = collect_zones(s);
        let network = compile_network(&cx, &zones)?;
        let threat = compile_threat(&cx, &zones);
        let groups = compile_groups(&cx)?;
        let lots = compile_lots(&cx)?;
        let lot_order = loading_order(&lots);
        let fleets = compile_fleets(&cx)?;
        let clearance = compile_clearance(&cx);
        let aircraft = compile_aircraft(&cx, &clearance.groups);
        let permit = compile_permit(&cx);
        let holds = compile_customs_holds(&cx)?;
        let site_of = |id: &str| cx.sites.map.get(id).copied();
        let clamp_day = |d: m::Date| cx.clamp_day(d);
        let fuel = FuelWorld::compile(s, &site_of, cx.ndays, &clamp_day, &lots);
        let attacks = AttackWorld::compile(s, &site_of, cx.ndays, &clamp_day);
        let presence = compile_presence(&cx)?;
        let closures = compile_closures(&cx)?;
        let lines = compile_lines(&cx)?;
        let disposal = compile_disposal(s, &lots);
        let air_minutes = compile_air_legs(&cx)?;
        let routes = compile_routes(&cx, &network);
        let index = compile_indexes(sites.len(), &groups, &lots, &lines);
        let situation = compile_situation(s, &clearance.groups);
        let mut world = World {
            id: s.scenario.id.clone(),
            start: cx.start,
            deadline_day: cx.deadline_day,
            horizon_day: cx.horizon_day,
            sites,
            links: network.links,
            adjacency: network.adjacency,
            zones,
            threat,
            groups,
            local_groups: index.local_groups,
            lots,
            lot_order,
            fleets,
            aircraft,
            clearance: clearance.tables,
            lead_pad: clearance.lead_pad,
            permit,
            held: holds.held,
            held_fleet: holds.held_fleet,
            seats_modelled: s.fleets.iter().any(|f| f.seats.is_some()) || s.equipment.iter().any(|e| e.seats.is_some()),
            fuel,
            attacks,
            presence,
            closures: closures.closures,
            closure_of: closures.closure_of,
            lines,
            road_lines: index.road_lines,
            air_lines: index.air_lines,
            disposal,
            situation,
            pace_sigma: s.march.pace_variability.as_ref().map_or(0.0, |v| v.value),
            pace_factor: pace_factor(s),
            breakdowns_per_km: s.march.breakdowns_per_100km.as_ref().map_or(0.0, |v| v.value / 100.0),
            breakdown_delay_min: s.march.breakdown_delay_hours.as_ref().map_or(0.0, |v| v.value * 60.0),
            air_minutes,
            epoch_of_day: routes.epoch_of_day,
            next_hop: routes.next_hop,
            total_personnel: index.total_personnel,
            total_items: index.total_items,
            vehicles: index.vehicles,
            containers: index.containers,
        };
        world.plan_pickups();
        Ok(world)
    }

    /// Pickup trucks leave home one day earlier than the expected drive needs.
    fn plan_pickups(&mut self) {
        for i in 0..self.closures.len() {
            let cl = &self.closures[i];
            if cl.fleet == NONE {
                continue;
            }
            let home = self.fleets[cl.fleet as usize].home;
            let days = self.expected_minutes(cl.day, home, cl.site).map(|m| m.div_ceil(MIN_PER_DAY) + 1);
            self.closures[i].pickup_day = days.map(|d| cl.day.saturating_sub(d));
        }
    }

    pub fn n_sites(&self) -> usize {
        self.sites.len()
    }

    /// Approval probability of a request of clearance group `group` for
    /// `day`: it was made the group's lead time (in force on `day`) before,
    /// under the approval rate in force on the day it was made (§6).
    pub fn approval(&self, group: usize, day: usize) -> f64 {
        let cl = &self.clearance[group];
        let today = day + self.lead_pad as usize;
        let lead = cl.lead_days[today.min(cl.lead_days.len() - 1)] as usize;
        cl.approval[today.saturating_sub(lead).min(cl.approval.len() - 1)]
    }

    /// Next link and site from `from` towards `to` under the corridor state
    /// of `epoch`, or None if unreachable.
    #[inline]
    pub fn next_hop(&self, epoch: u8, from: u16, to: u16) -> Option<(u16, u16)> {
        let h = self.next_hop[epoch as usize][to as usize * self.sites.len() + from as usize];
        (h.0 != NONE).then_some(h)
    }

    /// Expected road minutes from `from` to `to` leaving on `day` (no friction).
    pub fn expected_minutes(&self, day: u32, from: u16, to: u16) -> Option<u32> {
        let epoch = self.epoch_of_day[(day as usize).min(self.epoch_of_day.len() - 1)];
        let mut at = from;
        let mut mins = 0.0;
        let mut hops = 0;
        while at != to {
            let (link, next) = self.next_hop(epoch, at, to)?;
            let l = &self.links[link as usize];
            mins += l.km / l.pace[(day as usize).min(l.pace.len() - 1)] * MIN_PER_DAY as f64;
            at = next;
            hops += 1;
            if hops > self.sites.len() {
                return None;
            }
        }
        Some(mins.ceil() as u32)
    }

    /// Road km from `from` to `to` on the route of `day` (None: no route).
    pub fn route_km(&self, day: u32, from: u16, to: u16) -> Option<f64> {
        let epoch = self.epoch_of_day[(day as usize).min(self.epoch_of_day.len() - 1)];
        let (mut at, mut km) = (from, 0.0);
        for _ in 0..=self.sites.len() {
            if at == to {
                return Some(km);
            }
            let (link, next) = self.next_hop(epoch, at, to)?;
            km += self.links[link as usize].km;
            at = next;
        }
        None
    }

    /// Flying minutes between two sites.
    pub fn flight_minutes(&self, aircraft: usize, from: u16, to: u16) -> u32 {
        if let Some(&m) = self.air_minutes.get(&(from, to)) {
            return m;
        }
        let km = haversine_km(&self.sites[from as usize], &self.sites[to as usize]);
        (60.0 + km / self.aircraft[aircraft].cruise_kmh * 60.0).round() as u32
    }

    pub fn date_of_day(&self, day: u32) -> m::Date {
        self.start.plus_days(day as i64)
    }
}

// The parts of `World::compile`, in the order it calls them.

/// What the parts of compilation share: the scenario, its calendar and the
/// dense ids of the entities that other entities name.
struct Ctx<'a> {
    s: &'a m::Scenario,
    start: m::Date,
    /// Day index of the deadline (0 = start).
    deadline_day: u32,
    /// Last simulated day index (inclusive).
    horizon_day: u32,
    /// Length of the per-day tables: the days up to the horizon and one more.
    ndays: usize,
    sites: Ids<'a>,
    corridors: Ids<'a>,
    fleets: Ids<'a>,
    aircraft: Ids<'a>,
}

impl<'a> Ctx<'a> {
    /// The calendar (deadline, horizon, days tabulated) and the id maps.
    fn new(s: &'a m::Scenario) -> Result<Ctx<'a>, CompileError> {
        let start = s.scenario.start;
        let day = |d: m::Date| -> i64 { d.days_since(start) };
        let deadline_day = u32::try_from(day(s.scenario.deadline))
            .map_err(|_| CompileError::Invalid("deadline before start".into()))?;
        let horizon_day = s.scenario.horizon.map_or(deadline_day, |h| day(h).max(deadline_day as i64) as u32);
        Ok(Ctx {
            s,
            start,
            deadline_day,
            horizon_day,
            ndays: horizon_day as usize + 2,
            sites: Ids::new(s.sites.iter().map(|x| x.id.as_str()), "site"),
            corridors: Ids::new(s.corridors.iter().map(|c| c.id.as_str()), "corridor"),
            fleets: Ids::new(s.fleets.iter().map(|f| f.id.as_str()), "fleet"),
            aircraft: Ids::new(s.aircraft.iter().map(|a| a.id.as_str()), "aircraft"),
        })
    }

    /// Day index of a date (negative before the start).
    fn day(&self, d: m::Date) -> i64 {
        d.days_since(self.start)
    }

    /// Day index of a date, clamped to `0..=ndays`.
    fn clamp_day(&self, d: m::Date) -> u32 {
        self.day(d).clamp(0, self.ndays as i64) as u32
    }
}

/// A per-day table from a list of (from-date, value) steps; before the
/// first step the first value applies.
fn tabulate<T: Copy>(ndays: usize, steps: &[(i64, T)], default: T) -> Vec<T> {
    let mut out = vec![steps.first().map_or(default, |s| s.1); ndays];
    for (i, &(from, v)) in steps.iter().enumerate() {
        let end = steps.get(i + 1).map_or(ndays as i64, |s| s.0);
        for d in from.max(0)..end.min(ndays as i64) {
            out[d as usize] = v;
        }
    }
    out
}

/// Sites in file order, named by their id when they have no name.
fn compile_sites(s: &m::Scenario) -> Vec<Site> {
    s.sites
        .iter()
        .map(|x| Site {
            id: x.id.clone(),
            name: if x.name.is_empty() { x.id.clone() } else { x.name.clone() },
            kind: x.kind,
            lat: x.lat.value,
            lon: x.lon.value,
            airfield: x.airfield,
            exit: x.kind.is_exit(),
            vehicle_serviceability: x.vehicle_serviceability.as_ref().map_or(1.0, |v| v.value),
            key: entity_key(&x.id),
        })
        .collect()
}

/// Threat zones: those of the threat periods in file order, then those that
/// only links name.
fn collect_zones(s: &m::Scenario) -> Vec<String> {
    let mut zones: Vec<String> = Vec::new();
    for t in &s.threats {
        if !zones.contains(&t.zone) {
            zones.push(t.zone.clone());
        }
    }
    for l in &s.links {
        if let Some(z) = l.zone.as_ref().filter(|z| !zones.contains(z)) {
            zones.push(z.clone());
        }
    }
    zones
}

/// The road network.
struct Network {
    links: Vec<Link>,
    /// (link, other end) of each site's links, in link order.
    adjacency: Vec<Vec<(u16, u16)>>,
}

/// Links with their pace per day, zone and corridor, and each site's links.
fn compile_network(cx: &Ctx, zones: &[String]) -> Result<Network, CompileError> {
    let (s, ndays) = (cx.s, cx.ndays);
    let zone_ids = Ids::new(zones.iter().map(String::as_str), "zone");
    let mut links = Vec::new();
    let mut adjacency = vec![Vec::new(); s.sites.len()];
    for l in &s.links {
        let (a, b) = (cx.sites.get(&l.from)?, cx.sites.get(&l.to)?);
        let pace = match &l.pace {
            m::Schedule::Constant(v) => vec![v.value; ndays],
            m::Schedule::Steps(st) => {
                tabulate(ndays, &st.iter().map(|x| (cx.day(x.from), x.value.value)).collect::<Vec<_>>(), 1.0)
            }
        };
        let id = links.len() as u16;
        adjacency[a as usize].push((id, b));
        adjacency[b as usize].push((id, a));
        links.push(Link {
            a,
            b,
            km: l.km.value,
            pace,
            zone: zone_ids.opt(l.zone.as_deref())?,
            corridor: cx.corridors.opt(l.corridor.as_deref())?,
        });
    }
    Ok(Network { links, adjacency })
}

/// Threat per zone per day, from the zone's threat periods.
fn compile_threat(cx: &Ctx, zones: &[String]) -> Vec<Vec<Threat>> {
    zones
        .iter()
        .map(|z| {
            let steps: Vec<(i64, Threat)> =
                cx.s.threats
                    .iter()
                    .filter(|t| &t.zone == z)
                    .map(|t| {
                        (
                            cx.day(t.from),
                            Threat {
                                ied_per_km: t.ied_per_100km.value / 100.0,
                                ambush_per_km: t.ambush_per_100km.value / 100.0,
                                wounded: t.wounded_per_incident.value,
                                killed: t.killed_per_incident.value,
                                damaged: t.vehicles_damaged_per_incident.as_ref().map_or(0.0, |v| v.value),
                                destroyed: t.vehicles_destroyed_per_incident.as_ref().map_or(0.0, |v| v.value),
                                delay_min: t.delay_hours_per_incident.value * 60.0,
                                dispersion: t.casualty_dispersion.as_ref().map_or(0.0, |v| v.value),
                            },
                        )
                    })
                    .collect();
            tabulate(cx.ndays, &steps, Threat::default())
        })
        .collect()
}

/// Personnel groups at their sites.
fn compile_groups(cx: &Ctx) -> Result<Vec<Group>, CompileError> {
    cx.s.personnel
        .iter()
        .map(|g| Ok(Group { site: cx.sites.get(&g.site)?, role: g.role, count: g.count.value }))
        .collect()
}

/// Equipment lots at their sites, with their truck load, sensitivity and seats.
fn compile_lots(cx: &Ctx) -> Result<Vec<Lot>, CompileError> {
    cx.s.equipment
        .iter()
        .map(|e| {
            let self_moving = e.class.self_moving();
            Ok(Lot {
                site: cx.sites.get(&e.site)?,
                class: e.class,
                count: e.count.value,
                value_usd: e.value_usd.as_ref().map_or(0.0, |v| v.value),
                ownership: e.ownership,
                load: if self_moving { 0.0 } else { e.load.as_ref().map_or(1.0, |v| v.value) },
                sensitive: e.sensitive.unwrap_or(e.class.sensitive()),
                self_moving,
                seats: e.seats.as_ref().map_or(0, |v| v.value),
            })
        })
        .collect()
}

/// Lots in loading order: sensitive first, then by value per load unit,
/// then in file order.
fn loading_order(lots: &[Lot]) -> Vec<u16> {
    let mut lot_order: Vec<u16> = (0..lots.len() as u16).collect();
    lot_order.sort_by(|&a, &b| {
        let (x, y) = (&lots[a as usize], &lots[b as usize]);
        let density = |l: &Lot| if l.load > 0.0 { l.value_usd / l.load } else { l.value_usd };
        y.sensitive.cmp(&x.sensitive).then(density(y).total_cmp(&density(x))).then(a.cmp(&b))
    });
    lot_order
}

/// Truck fleets at their home sites.
fn compile_fleets(cx: &Ctx) -> Result<Vec<Fleet>, CompileError> {
    cx.s.fleets
        .iter()
        .map(|f| {
            Ok(Fleet {
                id: f.id.clone(),
                home: cx.sites.get(&f.home)?,
                trucks: f.trucks.value,
                capacity: f.capacity.value,
                seats: f.seats.as_ref().map_or(0, |v| v.value),
            })
        })
        .collect()
}

/// Flight clearance, per clearance group.
struct Clearances<'a> {
    /// The groups: those of the aircraft in file order, then the air-cover
    /// group of `[situation]`.
    groups: Vec<&'a str>,
    /// The tables of each group.
    tables: Vec<Clearance>,
    /// Days of lead time covered before day 0: the longest lead time.
    lead_pad: u32,
}

/// Clearance groups and, per group, approval and lead time per request day.
fn compile_clearance<'a>(cx: &Ctx<'a>) -> Clearances<'a> {
    let s = cx.s;
    let mut groups: Vec<&str> = Vec::new();
    for g in s.aircraft.iter().map(|a| a.clearance.as_str()).chain(s.situation.air_cover_group.as_deref()) {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let lead_pad = s.policy.clearance.iter().map(|c| c.lead_days.value).max().unwrap_or(0);
    let tables = groups
        .iter()
        .map(|g| {
            let steps: Vec<(i64, (f64, u32))> = s
                .policy
                .clearance
                .iter()
                .filter(|c| c.group == *g)
                .map(|c| (cx.day(c.from) + lead_pad as i64, (c.approval.value, c.lead_days.value)))
                .collect();
            let tab = tabulate(cx.ndays + lead_pad as usize, &steps, (1.0, 0));
            Clearance { approval: tab.iter().map(|x| x.0).collect(), lead_days: tab.iter().map(|x| x.1).collect() }
        })
        .collect();
    Clearances { groups, tables, lead_pad }
}

/// Aircraft fleets with their clearance group and the aircraft grounded by
/// import bans per day.
fn compile_aircraft(cx: &Ctx, clearance_groups: &[&str]) -> Vec<Aircraft> {
    let ndays = cx.ndays;
    cx.s.aircraft
        .iter()
        .map(|a| {
            let mut grounded = vec![0u32; ndays];
            for b in cx.s.policy.import_ban.iter().filter(|b| b.aircraft == a.id) {
                let to = b.to.map_or(ndays as u32, |d| cx.clamp_day(d));
                for d in cx.clamp_day(b.from)..to.min(ndays as u32) {
                    grounded[d as usize] += b.grounded.value;
                }
            }
            Aircraft {
                id: a.id.clone(),
                count: a.count.value,
                seats: a.seats.value,
                payload: a.payload.as_ref().map_or(0.0, |v| v.value),
                serviceability: a.serviceability.value,
                sorties_per_aircraft: a.sorties_per_day.as_ref().map_or(1, |v| v.value),
                cruise_kmh: a.cruise_kmh.as_ref().map_or(450.0, |v| v.value),
                clearance: clearance_groups.iter().position(|g| *g == a.clearance).unwrap_or(0),
                grounded,
                key: entity_key(&a.id),
            }
        })
        .collect()
}

/// Convoy permit approval per day.
fn compile_permit(cx: &Ctx) -> Vec<f64> {
    tabulate(cx.ndays, &cx.s.policy.permit.iter().map(|p| (cx.day(p.from), p.approval.value)).collect::<Vec<_>>(), 1.0)
}

/// Trucks held by customs per day.
struct Holds {
    /// Per site (holds naming no fleet).
    held: Vec<Vec<u32>>,
    /// Per fleet (holds naming a fleet).
    held_fleet: Vec<Vec<u32>>,
}

/// Trucks held by customs per site and per fleet per day.
fn compile_customs_holds(cx: &Ctx) -> Result<Holds, CompileError> {
    let (s, ndays) = (cx.s, cx.ndays);
    let mut held = vec![vec![0u32; ndays]; s.sites.len()];
    let mut held_fleet = vec![vec![0u32; ndays]; s.fleets.len()];
    for h in &s.policy.customs_hold {
        let row = match &h.fleet {
            Some(f) => &mut held_fleet[cx.fleets.get(f)? as usize],
            None => &mut held[cx.sites.get(&h.site)? as usize],
        };
        let to = h.to.map_or(ndays as u32, |d| cx.clamp_day(d));
        for d in cx.clamp_day(h.from)..to.min(ndays as u32) {
            row[d as usize] += h.trucks.value;
        }
    }
    Ok(Holds { held, held_fleet })
}

/// The national army's and armed groups' presence per site (None where
/// the scenario gives none), with its dates in minutes.
fn compile_presence(cx: &Ctx) -> Result<Vec<Option<Presence>>, CompileError> {
    let mut presence = vec![None; cx.s.sites.len()];
    for p in &cx.s.presences {
        presence[cx.sites.get(&p.site)? as usize] = Some(Presence {
            state_from: p.state_from.map_or(0, |d| cx.clamp_day(d) * MIN_PER_DAY),
            state_days: (&p.state_days).into(),
            armed_group: p.armed_group.value,
            armed_group_until: p.armed_group_until.map_or(u32::MAX, |d| cx.clamp_day(d) * MIN_PER_DAY),
            armed_group_days: (&p.armed_group_days).into(),
        });
    }
    Ok(presence)
}

/// The plan's closures.
struct Closures {
    closures: Vec<Closure>,
    /// Closure index per site (NONE if the site stays open).
    closure_of: Vec<u16>,
}

/// The plan's site closures (pickup days are set once routes are known, by
/// `World::plan_pickups`), and the closure of each site.
fn compile_closures(cx: &Ctx) -> Result<Closures, CompileError> {
    let mut closure_of = vec![NONE; cx.s.sites.len()];
    let closures =
        cx.s.plan
            .closures
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let site = cx.sites.get(&c.site)?;
                closure_of[site as usize] = i as u16;
                Ok(Closure {
                    site,
                    day: cx.clamp_day(c.date),
                    to: cx.sites.get(&c.to)?,
                    fleet: cx.fleets.opt(c.fleet.as_deref())?,
                    trucks: c.trucks.as_ref().map(|t| t.value),
                    historical: c.historical,
                    key: entity_key(&format!("closure:{}", c.site)),
                    pickup_day: None,
                    leave_early: c
                        .leave_early
                        .as_ref()
                        .map(|r| (r.attacks.value, r.days.as_ref().map_or(7, |d| d.value.max(1)))),
                })
            })
            .collect::<Result<_, CompileError>>()?;
    Ok(Closures { closures, closure_of })
}

/// The plan's lines, in plan order.
fn compile_lines(cx: &Ctx) -> Result<Vec<Line>, CompileError> {
    let default_roles = cx.s.plan.priority.clone().unwrap_or_else(|| vec![Role::NonEssential, Role::Essential]);
    cx.s.plan.lines.iter().map(|l| compile_line(cx, l, &default_roles)).collect()
}

/// One plan line: its lift, the local roles it may carry (the plan's
/// priority unless it gives its own) and its days.
fn compile_line(cx: &Ctx, l: &m::Line, default_roles: &[Role]) -> Result<Line, CompileError> {
    let lift = match l.lift() {
        m::Lift::Road { fleet, trucks, personnel_max, vehicles_max, every_days } => Lift::Road(RoadLift {
            fleet: cx.fleets.opt(fleet)?,
            trucks,
            personnel_max: personnel_max.unwrap_or(u32::MAX),
            vehicles_max: vehicles_max.unwrap_or(u32::MAX),
            every_days: every_days.unwrap_or(1).max(1),
        }),
        m::Lift::Air { aircraft, sorties_per_day } => {
            Lift::Air(AirLift { aircraft: cx.aircraft.opt(aircraft)?, sorties_per_day: sorties_per_day.unwrap_or(0) })
        }
    };
    let roles: Vec<Role> = l
        .roles
        .clone()
        .unwrap_or_else(|| default_roles.to_vec())
        .into_iter()
        .filter(|r| !r.stays_until_closure())
        .collect();
    let ready = cx.clamp_day(l.ready.value);
    Ok(Line {
        id: l.id.clone(),
        from: cx.sites.get(&l.from)?,
        to: cx.sites.get(&l.to)?,
        lift,
        carry_personnel: l.carry.personnel(),
        carry_equipment: l.carry.equipment(),
        carry_fuel: l.carry == m::Carry::Fuel,
        roles,
        ready,
        until: l.until.map_or(ready, |d| cx.clamp_day(d)),
        key: entity_key(&format!("line:{}", l.id)),
    })
}

/// Disposal per lot for items left at a closing site: the first disposition
/// rule matching its class and ownership (abandon if none); sensitive items
/// are always destroyed.
fn compile_disposal(s: &m::Scenario, lots: &[Lot]) -> Vec<Disposal> {
    lots.iter()
        .map(|lot| {
            let rule = s
                .plan
                .dispositions
                .iter()
                .find(|r| r.class.is_none_or(|c| c == lot.class) && r.ownership.is_none_or(|o| o == lot.ownership));
            let d = match rule.map(|r| r.action) {
                Some(m::Disposition::HandOver) => Disposal::HandOver,
                Some(m::Disposition::Sell) => Disposal::Sell,
                Some(m::Disposition::Destroy) => Disposal::Destroy,
                Some(m::Disposition::Abandon) | None => Disposal::Abandon,
            };
            if lot.sensitive { Disposal::Destroy } else { d }
        })
        .collect()
}

/// Flying minutes of the `[[air_leg]]`s, both ways (other pairs fly the
/// great circle, `World::flight_minutes`).
fn compile_air_legs(cx: &Ctx) -> Result<HashMap<(u16, u16), u32>, CompileError> {
    let mut air_minutes = HashMap::new();
    for a in &cx.s.air_legs {
        let (x, y) = (cx.sites.get(&a.from)?, cx.sites.get(&a.to)?);
        let mins = (a.hours.value * 60.0).round() as u32;
        air_minutes.insert((x, y), mins);
        air_minutes.insert((y, x), mins);
    }
    Ok(air_minutes)
}

/// Shortest routes for each state of the corridors.
struct Routes {
    /// `epoch_of_day[d]` indexes `next_hop`.
    epoch_of_day: Vec<u8>,
    /// `next_hop[epoch][to * n + from]` = (link, next site), NONE if unreachable.
    next_hop: Vec<Vec<(u16, u16)>>,
}

/// Corridor epochs: the distinct open/closed patterns of the corridors over
/// the days, numbered in order of first appearance, each with its routes.
fn compile_routes(cx: &Ctx, network: &Network) -> Routes {
    let s = cx.s;
    let corridor_closed = |c: usize, d: u32| -> bool {
        s.corridors[c].closed.iter().any(|w| {
            let (f, t) = (cx.clamp_day(w.from), w.to.map_or(u32::MAX, |d| cx.clamp_day(d)));
            f <= d && d < t
        })
    };
    let mut patterns: Vec<Vec<bool>> = Vec::new();
    let mut epoch_of_day = Vec::with_capacity(cx.ndays);
    for d in 0..cx.ndays as u32 {
        let p: Vec<bool> = (0..s.corridors.len()).map(|c| corridor_closed(c, d)).collect();
        let e = patterns.iter().position(|q| *q == p).unwrap_or_else(|| {
            patterns.push(p);
            patterns.len() - 1
        });
        epoch_of_day.push(e as u8);
    }
    let n = s.sites.len();
    let next_hop = patterns.iter().map(|closed| all_next_hops(n, &network.links, &network.adjacency, closed)).collect();
    Routes { epoch_of_day, next_hop }
}

/// Lookups and totals derived from the compiled entities.
struct Indexes {
    /// Groups belonging to each site, in file order.
    local_groups: Vec<Vec<u16>>,
    /// Road lines and air lines, in plan order.
    road_lines: Vec<u16>,
    air_lines: Vec<u16>,
    total_personnel: u32,
    total_items: u32,
    vehicles: u32,
    containers: u32,
}

/// Each site's groups, the road and the air lines, and what is to be moved.
fn compile_indexes(n_sites: usize, groups: &[Group], lots: &[Lot], lines: &[Line]) -> Indexes {
    let mut local_groups = vec![Vec::new(); n_sites];
    for (i, g) in groups.iter().enumerate() {
        local_groups[g.site as usize].push(i as u16);
    }
    Indexes {
        local_groups,
        road_lines: (0..lines.len() as u16).filter(|&l| !lines[l as usize].is_air()).collect(),
        air_lines: (0..lines.len() as u16).filter(|&l| lines[l as usize].is_air()).collect(),
        total_personnel: groups.iter().map(|g| g.count).sum(),
        total_items: lots.iter().map(|l| l.count).sum(),
        vehicles: lots.iter().filter(|l| l.self_moving).map(|l| l.count).sum(),
        containers: lots.iter().filter(|l| l.class == m::EquipmentClass::Container).map(|l| l.count).sum(),
    }
}

/// The `[situation]` factors, with the air-cover group as an index into the
/// clearance groups.
fn compile_situation(s: &m::Scenario, clearance_groups: &[&str]) -> Situation {
    Situation {
        closing_contested: s.situation.closing_contested.as_ref().map_or(1.0, |v| v.value),
        without_air_cover: s.situation.without_air_cover.as_ref().map_or(1.0, |v| v.value),
        air_cover: s.situation.air_cover_group.as_ref().and_then(|g| clearance_groups.iter().position(|x| x == g)),
        routine: s.situation.routine.as_ref().map_or(1.0, |v| v.value),
        medevac_saves: s.situation.medevac_saves.as_ref().map_or(0.0, |v| v.value),
    }
}

/// The daily pace factor: log-normal with mean 1 and coefficient of
/// variation `pace_variability` (None when the pace does not vary).
fn pace_factor(s: &m::Scenario) -> Option<rand_distr::LogNormal<f64>> {
    s.march.pace_variability.as_ref().filter(|v| v.value > 0.0).and_then(|v| {
        let sig2 = (1.0 + v.value * v.value).ln();
        rand_distr::LogNormal::new(-sig2 / 2.0, sig2.sqrt()).ok()
    })
}

/// For every destination, Dijkstra by km over open links, recording each
/// site's next hop towards it.
fn all_next_hops(n: usize, links: &[Link], adjacency: &[Vec<(u16, u16)>], closed: &[bool]) -> Vec<(u16, u16)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut table = vec![(NONE, NONE); n * n];
    for to in 0..n {
        let mut dist = vec![f64::INFINITY; n];
        dist[to] = 0.0;
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0u64, to as u16)));
        while let Some(Reverse((dk, u))) = heap.pop() {
            let du = f64::from_bits(dk);
            if du > dist[u as usize] {
                continue;
            }
            for &(link, v) in &adjacency[u as usize] {
                let l = &links[link as usize];
                if l.corridor != NONE && closed[l.corridor as usize] {
                    continue;
                }
                let nd = du + l.km;
                // Ties broken by lower link id for determinism.
                let better = nd < dist[v as usize]
                    || (nd == dist[v as usize]
                        && link < table[to * n + v as usize].0
                        && table[to * n + v as usize].0 != NONE);
                if better {
                    dist[v as usize] = nd;
                    table[to * n + v as usize] = (link, u);
                    heap.push(Reverse((nd.to_bits(), v)));
                }
            }
        }
    }
    table
}
