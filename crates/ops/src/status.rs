//! Plan versus actual: what should have happened by a day under the
//! scenario's plan, what the operations log says did, and the gap. Pure.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use drawdown_engine::Summary;
use drawdown_model::{Date, Scenario};
use serde::Serialize;

use crate::event::{EventKind, LoggedEvent};

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The scenario's id.
    pub scenario: String,
    pub today: Date,
    pub start: Date,
    pub deadline: Date,
    /// Days from today to the deadline (negative once past).
    pub days_to_deadline: i64,
    /// Events dated up to the end of `today` (later ones are ignored).
    pub events: usize,
    pub sites: Vec<SiteStatus>,
    pub closures: Closures,
    pub convoys: Convoys,
    pub flights: Flights,
    pub personnel: Personnel,
    pub casualties: Casualties,
    pub clearances: Clearances,
    /// Trucks held now, per site with any held.
    pub trucks_held: Vec<Hold>,
    pub trucks_held_total: u64,
    /// One line: ahead, on plan or behind, and why.
    pub verdict: String,
    /// Replications behind the expected figures, if a simulation was given.
    pub simulated_runs: Option<u64>,
}

/// One base: the plan's closure date and what the log says.
#[derive(Debug, Clone, Serialize)]
pub struct SiteStatus {
    pub site: String,
    pub name: String,
    /// The plan's closure date (none: the plan keeps it open).
    pub planned: Option<Date>,
    /// `open`, `closed`, `handed_over` or `seized`.
    pub state: &'static str,
    /// When it closed (the first of closed/handed over/seized).
    pub closed_at: Option<String>,
    /// Who took it over (`to` of a handover, `by` of a seizure).
    pub taken_by: Option<String>,
    /// Closed: days after (+) or before (−) the planned date. Open and past
    /// the planned date: days overdue.
    pub days_late: Option<i64>,
    /// `on_time`, `early`, `late`, `overdue`, `due` (open, date ahead) or
    /// `unplanned`.
    pub flag: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closures {
    /// Planned to be closed by today.
    pub planned: usize,
    /// Closed by today according to the log.
    pub actual: usize,
    /// Simulated median of sites closed by today, when a simulation was given.
    pub expected_median: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConvoyStatus {
    pub convoy: String,
    pub from: String,
    pub to: String,
    pub trucks: u32,
    pub personnel: u32,
    pub departed: String,
    pub arrived: Option<String>,
    /// Whole days from departure to arrival, or to today if in transit.
    pub days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Convoys {
    pub in_transit: Vec<ConvoyStatus>,
    pub arrived: Vec<ConvoyStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlightStatus {
    pub flight: String,
    pub from: String,
    pub to: String,
    pub personnel: u32,
    /// Truck load units.
    pub cargo: u32,
    /// The clearance request it flew under.
    pub request: Option<String>,
    pub departed: String,
    /// Its destination is an exit: its personnel are out of the country.
    pub out: bool,
}

/// Flights departed by today (a flight has no arrival event: it counts as
/// where it was going on the day it left).
#[derive(Debug, Clone, Serialize)]
pub struct Flights {
    /// How many departed.
    pub count: usize,
    /// Personnel flown, to any destination.
    pub personnel: u64,
    /// Cargo flown, in truck load units.
    pub cargo: u64,
    /// In time order.
    pub departed: Vec<FlightStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Personnel {
    /// Everyone in the mission.
    pub total: u64,
    /// Out of the country: personnel of convoys arrived at an exit (seaport,
    /// border crossing, abroad) and of flights that departed to one.
    pub out: u64,
    /// The part of `out` that left by air.
    pub out_by_air: u64,
    /// Personnel aboard convoys in transit.
    pub in_transit: u64,
    /// Simulated personnel out by today (10th, 50th, 90th percentiles).
    pub expected: Option<Band>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Band {
    pub p10: u32,
    pub p50: u32,
    pub p90: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Casualties {
    pub incidents: u64,
    pub killed: u64,
    pub wounded: u64,
    pub vehicles_damaged: u64,
    /// Simulated means over the whole drawdown (not prorated to today).
    pub expected_killed: Option<f64>,
    pub expected_wounded: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Clearances {
    pub requested: u64,
    pub approved: u64,
    pub denied: u64,
    /// Requests not yet decided.
    pub pending: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hold {
    pub site: String,
    pub trucks: u64,
}

/// The picture on `today` (events dated up to its end). `expected`, a Monte
/// Carlo summary of the scenario's plan, adds what the simulation expects.
pub fn status(s: &Scenario, events: &[LoggedEvent], today: Date, expected: Option<&Summary>) -> Status {
    let end_of_today = today.plus_days(1).0.and_time(NaiveTime::MIN);
    let mut evs: Vec<&LoggedEvent> = events.iter().filter(|e| e.time() < end_of_today).collect();
    evs.sort_by_key(|e| (e.time(), e.id));
    let day_index = today.days_since(s.scenario.start).max(0) as usize;
    let quantile_at = |daily: &[drawdown_engine::stats::Hist], q: f64| {
        daily.get(day_index.min(daily.len().saturating_sub(1))).and_then(|h| h.quantile(q))
    };

    // Sites: every base, with the plan's date where it has one.
    let mut sites: Vec<SiteStatus> = s
        .sites
        .iter()
        .filter(|x| x.kind.is_base())
        .map(|x| SiteStatus {
            site: x.id.clone(),
            name: x.name.clone(),
            planned: s.plan.closures.iter().filter(|c| c.site == x.id).map(|c| c.date).min(),
            state: "open",
            closed_at: None,
            taken_by: None,
            days_late: None,
            flag: "unplanned",
        })
        .collect();
    let exit = |id: &str| s.sites.iter().any(|x| x.id == id && x.kind.is_exit());
    let mut convoys: BTreeMap<&str, ConvoyStatus> = BTreeMap::new();
    let mut flights: Vec<FlightStatus> = Vec::new();
    let (mut requested, mut approved, mut denied) = (0, 0, 0);
    let mut pending: Vec<String> = Vec::new();
    let mut holds: BTreeMap<&str, i64> = BTreeMap::new();
    let mut cas = Casualties {
        incidents: 0,
        killed: 0,
        wounded: 0,
        vehicles_damaged: 0,
        expected_killed: None,
        expected_wounded: None,
    };
    for e in &evs {
        match &e.kind {
            EventKind::SiteClosed { site }
            | EventKind::SiteHandedOver { site, .. }
            | EventKind::SiteSeized { site, .. } => {
                if let Some(row) = sites.iter_mut().find(|r| &r.site == site) {
                    if row.closed_at.is_none() {
                        row.closed_at = Some(e.at.clone());
                    }
                    match &e.kind {
                        EventKind::SiteHandedOver { to, .. } => {
                            (row.state, row.taken_by) = ("handed_over", Some(to.clone()))
                        }
                        EventKind::SiteSeized { by, .. } => (row.state, row.taken_by) = ("seized", Some(by.clone())),
                        _ => row.state = "closed",
                    }
                }
            }
            EventKind::ConvoyDeparted { convoy, from, to, trucks, personnel } => {
                convoys.insert(
                    convoy,
                    ConvoyStatus {
                        convoy: convoy.clone(),
                        from: from.clone(),
                        to: to.clone(),
                        trucks: *trucks,
                        personnel: *personnel,
                        departed: e.at.clone(),
                        arrived: None,
                        days: 0,
                    },
                );
            }
            EventKind::ConvoyArrived { convoy } => {
                if let Some(c) = convoys.get_mut(convoy.as_str()) {
                    c.arrived = Some(e.at.clone());
                }
            }
            EventKind::Incident { killed, wounded, vehicles_damaged, .. } => {
                cas.incidents += 1;
                cas.killed += *killed as u64;
                cas.wounded += *wounded as u64;
                cas.vehicles_damaged += *vehicles_damaged as u64;
            }
            EventKind::ClearanceRequested { request, .. } => {
                requested += 1;
                pending.push(request.clone());
            }
            EventKind::ClearanceApproved { request } | EventKind::ClearanceDenied { request } => {
                if matches!(e.kind, EventKind::ClearanceApproved { .. }) {
                    approved += 1;
                } else {
                    denied += 1;
                }
                pending.retain(|r| r != request);
            }
            EventKind::TrucksHeld { at, trucks } => *holds.entry(at).or_default() += *trucks as i64,
            EventKind::TrucksReleased { at, trucks } => *holds.entry(at).or_default() -= *trucks as i64,
            EventKind::FlightDeparted { flight, from, to, personnel, cargo, request } => flights.push(FlightStatus {
                flight: flight.clone(),
                from: from.clone(),
                to: to.clone(),
                personnel: *personnel,
                cargo: *cargo,
                request: request.clone(),
                departed: e.at.clone(),
                out: exit(to),
            }),
        }
    }

    for row in &mut sites {
        let closed = row.closed_at.as_deref().and_then(|a| crate::event::parse_at(a).ok()).map(|t| Date(t.date()));
        (row.days_late, row.flag) = match (row.planned, closed) {
            (None, _) => (None, "unplanned"),
            (Some(p), Some(c)) => {
                let d = c.days_since(p);
                (
                    Some(d),
                    if d > 0 {
                        "late"
                    } else if d < 0 {
                        "early"
                    } else {
                        "on_time"
                    },
                )
            }
            (Some(p), None) if p < today => (Some(today.days_since(p)), "overdue"),
            (Some(_), None) => (None, "due"),
        };
    }

    let today_start = today.0.and_time(NaiveTime::MIN);
    let (mut in_transit, mut arrived) = (Vec::new(), Vec::new());
    for mut c in convoys.into_values() {
        let dep = crate::event::parse_at(&c.departed).map(|t| t.date()).unwrap_or(today.0);
        match &c.arrived {
            Some(a) => {
                c.days = (crate::event::parse_at(a).map(|t| t.date()).unwrap_or(dep) - dep).num_days();
                arrived.push(c);
            }
            None => {
                c.days = (today_start.date() - dep).num_days();
                in_transit.push(c);
            }
        }
    }
    let total: u64 = s.personnel.iter().map(|g| g.count.value as u64).sum();
    let out_by_air: u64 = flights.iter().filter(|f| f.out).map(|f| f.personnel as u64).sum();
    let personnel = Personnel {
        total,
        out: arrived.iter().filter(|c| exit(&c.to)).map(|c| c.personnel as u64).sum::<u64>() + out_by_air,
        out_by_air,
        in_transit: in_transit.iter().map(|c| c.personnel as u64).sum(),
        expected: expected.and_then(|m| {
            Some(Band {
                p10: quantile_at(&m.departed_daily, 0.1)?,
                p50: quantile_at(&m.departed_daily, 0.5)?,
                p90: quantile_at(&m.departed_daily, 0.9)?,
            })
        }),
    };
    if let Some(m) = expected {
        cas.expected_killed = m.killed.mean();
        cas.expected_wounded = m.wounded.mean();
    }
    let closures = Closures {
        planned: sites.iter().filter(|r| r.planned.is_some_and(|p| p <= today)).count(),
        actual: sites.iter().filter(|r| r.closed_at.is_some()).count(),
        expected_median: expected.and_then(|m| quantile_at(&m.closed_daily, 0.5)),
    };
    let trucks_held: Vec<Hold> = holds
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(site, n)| Hold { site: site.to_string(), trucks: n as u64 })
        .collect();
    let verdict = verdict(&sites, &closures, &personnel, pending.len());
    Status {
        scenario: s.scenario.id.clone(),
        today,
        start: s.scenario.start,
        deadline: s.scenario.deadline,
        days_to_deadline: s.scenario.deadline.days_since(today),
        events: evs.len(),
        sites,
        closures,
        convoys: Convoys { in_transit, arrived },
        flights: Flights {
            count: flights.len(),
            personnel: flights.iter().map(|f| f.personnel as u64).sum(),
            cargo: flights.iter().map(|f| f.cargo as u64).sum(),
            departed: flights,
        },
        personnel,
        casualties: cas,
        clearances: Clearances { requested, approved, denied, pending },
        trucks_held_total: trucks_held.iter().map(|h| h.trucks).sum(),
        trucks_held,
        verdict,
        simulated_runs: expected.map(|m| m.runs),
    }
}

/// Behind when a site is overdue or personnel out is below the simulated
/// 10th percentile; ahead when it is above the 90th and nothing is overdue.
fn verdict(sites: &[SiteStatus], closures: &Closures, p: &Personnel, pending: usize) -> String {
    let overdue: Vec<&str> = sites.iter().filter(|r| r.flag == "overdue").map(|r| r.site.as_str()).collect();
    let mut why = Vec::new();
    if !overdue.is_empty() {
        why.push(format!("{} site(s) overdue ({})", overdue.len(), overdue.join(", ")));
    }
    why.push(format!("{} of {} planned closures done", closures.actual, closures.planned));
    let mut behind = !overdue.is_empty();
    let mut ahead = false;
    match p.expected {
        Some(b) => {
            why.push(format!("personnel out {} vs {} expected (10–90%: {}–{})", p.out, b.p50, b.p10, b.p90));
            behind |= p.out < b.p10 as u64;
            ahead = !behind && p.out > b.p90 as u64;
        }
        None => why.push(format!("personnel out {}", p.out)),
    }
    if pending > 0 {
        why.push(format!("{pending} clearance request(s) pending"));
    }
    let word = if behind {
        "BEHIND PLAN"
    } else if ahead {
        "AHEAD OF PLAN"
    } else {
        "ON PLAN"
    };
    format!("{word}: {}", why.join("; "))
}
