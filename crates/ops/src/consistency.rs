//! The log must describe something that could have happened: each event is
//! checked against the state the events before it (in time order) imply,
//! not only against the events of its own subject (`validate.rs`).
//!
//! Replayed in time order (ties in the order recorded, as in `replay.rs`):
//! - people: each site starts with the scenario's personnel there; a convoy
//!   takes its `personnel` from its origin when it departs and sets them
//!   down at its destination when it arrives (out of the country at an
//!   exit); a flight sets them down on the day it departs; a site's first
//!   closure sends whoever is still there on to the plan's closure
//!   destination (else the destination of the last convoy that left it), as
//!   the re-planning state does. A convoy or flight cannot carry more people
//!   than are at its origin then. These are head counts, not the state's
//!   groups by role (`state.rs`): the log records what happened, and anyone
//!   may have left on a convoy, whereas the state must say who is left to
//!   plan for; and people on the road count nowhere until they arrive, where
//!   the state (which has no "in transit") counts them at their destination.
//! - the killed: no more in all than the mission's personnel.
//! - trucks held: at all sites at once, at most the fleets' trucks in all;
//!   at one site, at most those that can be there: its fleets' trucks and
//!   those of the convoys that came to or left from it. (Convoys' own trucks
//!   are not bounded by the fleets: hired trucks drive in convoys too.)
//! - fuel held: at one site, at most the litres that can be there by then:
//!   its stock at the start and its imports from the start to that day
//!   (`fuel_litres`, `fuel_import_litres_per_day`), the tanks of the tanker
//!   fleets based there (trucks × `tank_litres`), and the tanks of the
//!   convoys that came to or left from it (their trucks × the largest
//!   `tank_litres`: any of them may have been tankers).
//!
//! An event is refused when it breaks a rule, or when adding it makes a
//! later event (in time) break one that it did not break before (an event
//! dated before others changes what they found).

use std::collections::{BTreeMap, BTreeSet};

use drawdown_model::Scenario;

use drawdown_model::state::ClosedSite;

use crate::error::Rejection;
use crate::event::{EventKind, LoggedEvent, day_of, format_at};
use crate::state::closing_destination;

/// Checks that `new` (not yet logged: its `id` sorts it after every logged
/// event of the same time) fits the log `prior`.
pub(crate) fn check(s: &Scenario, prior: &[LoggedEvent], new: &LoggedEvent) -> Result<(), Rejection> {
    let before: BTreeSet<i64> = failures(s, prior.iter()).into_iter().map(|(id, _)| id).collect();
    let after = failures(s, prior.iter().chain(std::iter::once(new)));
    if let Some((_, r)) = after.iter().find(|(id, _)| *id == new.id) {
        return Err(r.clone());
    }
    if let Some((id, r)) = after.into_iter().find(|(id, _)| !before.contains(id)) {
        let e = prior.iter().find(|e| e.id == id).expect("a failure is of a logged event");
        return Err(Rejection::error(
            "at",
            format!(
                "at {} it would contradict the later event #{id} ({} at {}): {}: {}",
                format_at(new.at),
                e.kind.name(),
                format_at(e.at),
                r.field,
                r.message
            ),
        )
        .hint("check the time and the figures of this event against the log (`drawdown log list`)"));
    }
    Ok(())
}

/// The events (by id) that break a rule, with why, replaying `log` in time order.
fn failures<'a>(s: &Scenario, log: impl Iterator<Item = &'a LoggedEvent>) -> Vec<(i64, Rejection)> {
    let mut events: Vec<&LoggedEvent> = log.collect();
    events.sort_by_key(|e| (e.at, e.id));
    let mut w = World::new(s);
    let mut out = Vec::new();
    for e in events {
        if let Err(r) = w.apply(s, e) {
            out.push((e.id, r));
        }
    }
    out
}

/// A convoy on the road.
struct OnTheRoad<'a> {
    to: &'a str,
    personnel: u64,
}

/// What the log implies, as far as the rules need it.
struct World<'a> {
    /// People at each site.
    present: BTreeMap<&'a str, u64>,
    on_the_road: BTreeMap<&'a str, OnTheRoad<'a>>,
    /// Sites closed (the first closure of each counts).
    closed: BTreeSet<&'a str>,
    /// Those whose people went on to another site, and where.
    went_to: Vec<ClosedSite>,
    last_convoy_to: BTreeMap<&'a str, &'a str>,
    killed: u64,
    personnel: u64,
    fleet_trucks: u64,
    /// Trucks of the fleets based at each site, plus those of convoys to or from it.
    trucks_seen: BTreeMap<&'a str, u64>,
    held: BTreeMap<&'a str, u64>,
    /// Litres of fuel held at each site, and the tanks of the tanker fleets
    /// based there plus those of the convoys to or from it.
    fuel_held: BTreeMap<&'a str, f64>,
    tanks_seen: BTreeMap<&'a str, f64>,
    /// The largest tank of any tanker fleet (litres per truck).
    largest_tank: f64,
}

impl<'a> World<'a> {
    fn new(s: &'a Scenario) -> World<'a> {
        let mut present: BTreeMap<&str, u64> = BTreeMap::new();
        for g in &s.personnel {
            *present.entry(g.site.as_str()).or_default() += u64::from(g.count.value);
        }
        let mut trucks_seen: BTreeMap<&str, u64> = BTreeMap::new();
        let mut tanks_seen: BTreeMap<&str, f64> = BTreeMap::new();
        for f in &s.fleets {
            *trucks_seen.entry(f.home.as_str()).or_default() += u64::from(f.trucks.value);
            if let Some(tank) = &f.tank_litres {
                *tanks_seen.entry(f.home.as_str()).or_default() += f64::from(f.trucks.value) * tank.value;
            }
        }
        World {
            personnel: present.values().sum(),
            present,
            on_the_road: BTreeMap::new(),
            closed: BTreeSet::new(),
            went_to: Vec::new(),
            last_convoy_to: BTreeMap::new(),
            killed: 0,
            fleet_trucks: s.fleets.iter().map(|f| u64::from(f.trucks.value)).sum(),
            trucks_seen,
            held: BTreeMap::new(),
            fuel_held: BTreeMap::new(),
            tanks_seen,
            largest_tank: s.fleets.iter().filter_map(|f| f.tank_litres.as_ref()).map(|t| t.value).fold(0.0, f64::max),
        }
    }

    /// The litres of fuel that can be at `site` on `day` (see the module's rules).
    fn fuel_there(&self, s: &Scenario, site: &str, day: drawdown_model::Date) -> f64 {
        let tanks = self.tanks_seen.get(site).copied().unwrap_or(0.0);
        let Some(x) = s.sites.iter().find(|x| x.id == site) else { return tanks };
        let stock = x.fuel_litres.as_ref().map_or(0.0, |n| n.value);
        let days = (day.days_since(s.scenario.start) + 1).max(0) as f64;
        let imports = x.fuel_import_litres_per_day.as_ref().map_or(0.0, |n| n.value) * days;
        stock + imports + tanks
    }

    fn is_exit(s: &Scenario, id: &str) -> bool {
        s.sites.iter().any(|x| x.id == id && x.kind.is_exit())
    }

    /// People set down at `site` (none kept at an exit: they are out).
    fn set_down(&mut self, s: &Scenario, site: &'a str, n: u64) {
        if !Self::is_exit(s, site) {
            *self.present.entry(site).or_default() += n;
        }
    }

    /// Takes `n` people from `from` for a movement, if they are there.
    fn take(&mut self, from: &'a str, n: u64, what: &str, serial: &str) -> Result<(), Rejection> {
        let there = self.present.get(from).copied().unwrap_or(0);
        if n > there {
            let closed = self.closed.contains(from);
            return Err(Rejection::error(
                "personnel",
                format!("{what} {serial} takes {n} personnel from `{from}` but the log leaves only {there} there"),
            )
            .hint(if closed {
                format!("`{from}` is closed by then: its people left with its closing convoy")
            } else {
                "the scenario's personnel there, less those that convoys and flights logged before took away".into()
            }));
        }
        self.present.insert(from, there - n);
        Ok(())
    }

    fn apply(&mut self, s: &'a Scenario, e: &'a LoggedEvent) -> Result<(), Rejection> {
        match &e.kind {
            EventKind::ConvoyDeparted { convoy, from, to, trucks, personnel } => {
                let trucks = u64::from(*trucks);
                self.take(from, u64::from(*personnel), "convoy", convoy)?;
                self.on_the_road.insert(convoy, OnTheRoad { to, personnel: u64::from(*personnel) });
                *self.trucks_seen.entry(from).or_default() += trucks;
                *self.trucks_seen.entry(to).or_default() += trucks;
                let tanks = trucks as f64 * self.largest_tank;
                *self.tanks_seen.entry(from).or_default() += tanks;
                *self.tanks_seen.entry(to).or_default() += tanks;
                self.last_convoy_to.insert(from, to);
            }
            EventKind::ConvoyArrived { convoy } => {
                if let Some(c) = self.on_the_road.remove(convoy.as_str()) {
                    self.set_down(s, c.to, c.personnel);
                }
            }
            EventKind::FlightDeparted { flight, from, to, personnel, .. } => {
                self.take(from, u64::from(*personnel), "flight", flight)?;
                self.set_down(s, to, u64::from(*personnel));
            }
            EventKind::SiteClosed { site }
            | EventKind::SiteHandedOver { site, .. }
            | EventKind::SiteSeized { site, .. } => self.close(s, site, e),
            EventKind::Incident { killed, .. } => {
                let killed = u64::from(*killed);
                if self.killed + killed > self.personnel {
                    return Err(Rejection::error(
                        "killed",
                        format!(
                            "{killed} killed with the {} logged before is more than the mission's {} personnel",
                            self.killed, self.personnel
                        ),
                    )
                    .hint("a person is killed once; check the figures"));
                }
                self.killed += killed;
            }
            EventKind::TrucksHeld { at, trucks } => {
                let trucks = u64::from(*trucks);
                let here = self.held.get(at.as_str()).copied().unwrap_or(0);
                let seen = self.trucks_seen.get(at.as_str()).copied().unwrap_or(0);
                if here + trucks > seen {
                    return Err(Rejection::error(
                        "trucks",
                        format!("{trucks} held with the {here} held at `{at}` already is more than the {seen} trucks that can be there"),
                    )
                    .hint("the trucks of the fleets based there and of the convoys logged to or from it"));
                }
                let all: u64 = self.held.values().sum();
                if all + trucks > self.fleet_trucks {
                    return Err(Rejection::error(
                        "trucks",
                        format!(
                            "{trucks} held with the {all} held already is more than the fleets' {} trucks",
                            self.fleet_trucks
                        ),
                    )
                    .hint("log the release of trucks held before (or check the figures)"));
                }
                self.held.insert(at, here + trucks);
            }
            EventKind::TrucksReleased { at, trucks } => {
                let here = self.held.entry(at).or_default();
                *here = here.saturating_sub(u64::from(*trucks));
            }
            EventKind::FuelHeld { site, litres } => {
                let here = self.fuel_held.get(site.as_str()).copied().unwrap_or(0.0);
                let there = self.fuel_there(s, site, day_of(e.at));
                if here + *litres as f64 > there {
                    return Err(Rejection::error(
                        "litres",
                        format!(
                            "{litres} litres held with the {here:.0} held at `{site}` already is more than the {there:.0} litres that can be there by then"
                        ),
                    )
                    .hint("the site's fuel stock and imports, and the tanks of the tanker fleets based there and of the convoys logged to or from it"));
                }
                self.fuel_held.insert(site, here + *litres as f64);
            }
            EventKind::FuelReleased { site, litres } => {
                let here = self.fuel_held.entry(site).or_default();
                *here = (*here - *litres as f64).max(0.0);
            }
            EventKind::ClearanceRequested { .. }
            | EventKind::ClearanceApproved { .. }
            | EventKind::ClearanceDenied { .. } => {}
        }
        Ok(())
    }

    /// A site's first closure: whoever is still there goes on with its
    /// closing convoy, by the re-planning state's rule
    /// (`state::closing_destination`).
    fn close(&mut self, s: &'a Scenario, site: &'a str, e: &LoggedEvent) {
        if !self.closed.insert(site) {
            return;
        }
        let Some(to) = closing_destination(s, &self.went_to, &self.last_convoy_to, site) else { return };
        let n = self.present.insert(site, 0).unwrap_or(0);
        if let Some(to) = s.sites.iter().find(|x| x.id == to) {
            self.set_down(s, &to.id, n);
        }
        self.went_to.push(ClosedSite { site: site.to_string(), date: day_of(e.at), to });
    }
}
