//! The operations log replayed once, up to the end of a day: which events
//! count, in which order, and what they add up to. Plan versus actual
//! (`status`) and the re-planning state (`state_from_log`) both read this,
//! so they count the same events the same way.
//!
//! The rule for people out of the country, for both: people are out when
//! the movement carrying them reaches an exit (a seaport, a border crossing,
//! abroad). A convoy reaches it when it arrives; a flight has no arrival
//! event and reaches it on the day it departs (as the simulation counts a
//! person out when they are set down at an exit). A convoy that has not
//! arrived is in transit.

use std::collections::BTreeMap;

use drawdown_model::state::SiteState;
use drawdown_model::{Date, Scenario};

use crate::event::{At, EventKind, LoggedEvent, start_of};

/// How a movement travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Road,
    Air,
}

/// A convoy or a flight the log records.
#[derive(Debug, Clone)]
pub(crate) struct Movement<'a> {
    pub mode: Mode,
    /// The convoy's serial or the flight's number.
    pub serial: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub trucks: u32,
    pub personnel: u32,
    /// Truck load units (flights).
    pub cargo: u32,
    /// The clearance a flight flew under.
    pub request: Option<&'a str>,
    pub departed: At,
    /// When it reached its destination: a convoy's arrival (none while on
    /// the road); a flight's departure.
    pub arrived: Option<At>,
    /// Its destination is an exit.
    pub to_exit: bool,
}

impl Movement<'_> {
    /// Its people are out of the country: it reached an exit.
    pub fn is_out(&self) -> bool {
        self.to_exit && self.arrived.is_some()
    }

    /// A convoy still on the road.
    pub fn in_transit(&self) -> bool {
        self.arrived.is_none()
    }
}

/// A site the log closes: when first (closed, handed over or seized), and
/// what it is now (a handover or seizure may follow a closure).
#[derive(Debug, Clone)]
pub(crate) struct Closing<'a> {
    pub site: &'a str,
    pub at: At,
    pub state: SiteState,
    /// `to` of a handover, `by` of a seizure.
    pub taken_by: Option<&'a str>,
}

/// What happened, in the order it happened, for what depends on the order
/// (the re-planning state moves people by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// `movements[i]` departed.
    Departed(usize),
    /// An event closed `closings[closing]` (its first closure, or a
    /// handover or seizure after it) at `at`.
    Closed { closing: usize, at: At },
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Casualties {
    pub incidents: u64,
    pub killed: u64,
    pub wounded: u64,
    pub vehicles_damaged: u64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Clearances {
    pub requested: u64,
    pub approved: u64,
    pub denied: u64,
    /// Requests not yet decided, in the order they were made.
    pub pending: Vec<String>,
}

/// The log up to the end of `today`.
#[derive(Debug, Clone)]
pub(crate) struct Replay<'a> {
    pub today: Date,
    /// The events that count: dated up to the end of `today`, in time
    /// order (ties in the order they were recorded).
    pub events: Vec<&'a LoggedEvent>,
    /// Convoys and flights, in the order they departed.
    pub movements: Vec<Movement<'a>>,
    /// Sites closed, in the order they closed.
    pub closings: Vec<Closing<'a>>,
    pub steps: Vec<Step>,
    pub casualties: Casualties,
    pub clearances: Clearances,
    /// Trucks held now, per site (zero or less: none).
    pub holds: BTreeMap<&'a str, i64>,
    /// Litres of fuel held now, per site (zero or less: none).
    pub fuel_holds: BTreeMap<&'a str, i128>,
}

impl<'a> Replay<'a> {
    pub fn new(s: &Scenario, log: &'a [LoggedEvent], today: Date) -> Replay<'a> {
        let end_of_today = start_of(today.plus_days(1));
        let mut events: Vec<&LoggedEvent> = log.iter().filter(|e| e.at < end_of_today).collect();
        events.sort_by_key(|e| (e.at, e.id));
        let exit = |id: &str| s.sites.iter().any(|x| x.id == id && x.kind.is_exit());
        let mut r = Replay {
            today,
            events: Vec::new(),
            movements: Vec::new(),
            closings: Vec::new(),
            steps: Vec::new(),
            casualties: Casualties::default(),
            clearances: Clearances::default(),
            holds: BTreeMap::new(),
            fuel_holds: BTreeMap::new(),
        };
        for e in &events {
            r.apply(e, &exit);
        }
        r.events = events;
        r
    }

    fn apply(&mut self, e: &'a LoggedEvent, exit: &dyn Fn(&str) -> bool) {
        match &e.kind {
            EventKind::SiteClosed { site } => self.close(site, e.at, SiteState::Closed, None),
            EventKind::SiteHandedOver { site, to } => self.close(site, e.at, SiteState::HandedOver, Some(to)),
            EventKind::SiteSeized { site, by } => self.close(site, e.at, SiteState::Seized, Some(by)),
            EventKind::ConvoyDeparted { convoy, from, to, trucks, personnel } => self.depart(Movement {
                mode: Mode::Road,
                serial: convoy,
                from,
                to,
                trucks: *trucks,
                personnel: *personnel,
                cargo: 0,
                request: None,
                departed: e.at,
                arrived: None,
                to_exit: exit(to),
            }),
            EventKind::FlightDeparted { flight, from, to, personnel, cargo, request } => self.depart(Movement {
                mode: Mode::Air,
                serial: flight,
                from,
                to,
                trucks: 0,
                personnel: *personnel,
                cargo: *cargo,
                request: request.as_deref(),
                departed: e.at,
                arrived: Some(e.at),
                to_exit: exit(to),
            }),
            EventKind::ConvoyArrived { convoy } => {
                if let Some(m) = self.movements.iter_mut().rev().find(|m| m.mode == Mode::Road && m.serial == convoy) {
                    m.arrived.get_or_insert(e.at);
                }
            }
            EventKind::Incident { killed, wounded, vehicles_damaged, .. } => {
                let c = &mut self.casualties;
                c.incidents += 1;
                c.killed += u64::from(*killed);
                c.wounded += u64::from(*wounded);
                c.vehicles_damaged += u64::from(*vehicles_damaged);
            }
            EventKind::ClearanceRequested { request, .. } => {
                self.clearances.requested += 1;
                self.clearances.pending.push(request.clone());
            }
            EventKind::ClearanceApproved { request } | EventKind::ClearanceDenied { request } => {
                if matches!(e.kind, EventKind::ClearanceApproved { .. }) {
                    self.clearances.approved += 1;
                } else {
                    self.clearances.denied += 1;
                }
                self.clearances.pending.retain(|r| r != request);
            }
            EventKind::TrucksHeld { at, trucks } => *self.holds.entry(at).or_default() += i64::from(*trucks),
            EventKind::TrucksReleased { at, trucks } => *self.holds.entry(at).or_default() -= i64::from(*trucks),
            EventKind::FuelHeld { site, litres } => *self.fuel_holds.entry(site).or_default() += i128::from(*litres),
            EventKind::FuelReleased { site, litres } => {
                *self.fuel_holds.entry(site).or_default() -= i128::from(*litres)
            }
        }
    }

    fn depart(&mut self, m: Movement<'a>) {
        self.steps.push(Step::Departed(self.movements.len()));
        self.movements.push(m);
    }

    fn close(&mut self, site: &'a str, at: At, state: SiteState, taken_by: Option<&'a String>) {
        let taken_by = taken_by.map(String::as_str);
        let closing = match self.closings.iter().position(|c| c.site == site) {
            Some(i) => {
                (self.closings[i].state, self.closings[i].taken_by) = (state, taken_by);
                i
            }
            None => {
                self.closings.push(Closing { site, at, state, taken_by });
                self.closings.len() - 1
            }
        };
        self.steps.push(Step::Closed { closing, at });
    }

    /// The closing of a site, if the log closed it.
    pub fn closing(&self, site: &str) -> Option<&Closing<'a>> {
        self.closings.iter().find(|c| c.site == site)
    }

    /// Personnel out of the country (movements that reached an exit), and
    /// the part that left by air.
    pub fn personnel_out(&self) -> (u64, u64) {
        let out = |air: bool| {
            self.movements
                .iter()
                .filter(|m| m.is_out() && (!air || m.mode == Mode::Air))
                .map(|m| u64::from(m.personnel))
                .sum()
        };
        (out(false), out(true))
    }
}
