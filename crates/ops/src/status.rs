//! Plan versus actual: what should have happened by a day under the
//! scenario's plan, what the operations log says did, and the gap. Pure.

use drawdown_engine::Summary;
use drawdown_model::state::SiteState;
use drawdown_model::{Date, Scenario};
use serde::Serialize;

use crate::event::{At, LoggedEvent, day_of};
use crate::replay::{Mode, Replay};

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
    pub state: SiteState,
    /// When it closed (the first of closed/handed over/seized).
    pub closed_at: Option<At>,
    /// Who took it over (`to` of a handover, `by` of a seizure).
    pub taken_by: Option<String>,
    /// Closed: days after (+) or before (−) the planned date. Open and past
    /// the planned date: days overdue.
    pub days_late: Option<i64>,
    pub flag: Gap,
}

/// A base's closure against the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gap {
    /// Closed on the planned day.
    OnTime,
    /// Closed before the planned day.
    Early,
    /// Closed after the planned day.
    Late,
    /// Open, and the planned day has passed.
    Overdue,
    /// Open, the planned day ahead.
    Due,
    /// The plan does not close it.
    Unplanned,
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
    pub departed: At,
    pub arrived: Option<At>,
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
    pub departed: At,
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
    let log = Replay::new(s, events, today);
    let expected = expected.map(|m| Expected { m, day: today.days_since(s.scenario.start).max(0) as usize });
    let sites = site_rows(s, &log);
    let convoys = convoys(&log);
    let flights = flights(&log);
    let personnel = personnel(s, &log, expected.as_ref());
    let closures = Closures {
        planned: sites.iter().filter(|r| r.planned.is_some_and(|p| p <= today)).count(),
        actual: sites.iter().filter(|r| r.closed_at.is_some()).count(),
        expected_median: expected.as_ref().and_then(|x| x.quantile(&x.m.closed_daily, 0.5)),
    };
    let c = &log.casualties;
    let casualties = Casualties {
        incidents: c.incidents,
        killed: c.killed,
        wounded: c.wounded,
        vehicles_damaged: c.vehicles_damaged,
        expected_killed: expected.as_ref().and_then(|x| x.m.killed.mean()),
        expected_wounded: expected.as_ref().and_then(|x| x.m.wounded.mean()),
    };
    let cl = &log.clearances;
    let clearances =
        Clearances { requested: cl.requested, approved: cl.approved, denied: cl.denied, pending: cl.pending.clone() };
    let trucks_held: Vec<Hold> = log
        .holds
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(site, n)| Hold { site: site.to_string(), trucks: *n as u64 })
        .collect();
    let verdict = verdict(&sites, &closures, &personnel, clearances.pending.len(), log.events.len());
    Status {
        scenario: s.scenario.id.clone(),
        today,
        start: s.scenario.start,
        deadline: s.scenario.deadline,
        days_to_deadline: s.scenario.deadline.days_since(today),
        events: log.events.len(),
        sites,
        closures,
        convoys,
        flights,
        personnel,
        casualties,
        clearances,
        trucks_held_total: trucks_held.iter().map(|h| h.trucks).sum(),
        trucks_held,
        verdict,
        simulated_runs: expected.map(|x| x.m.runs),
    }
}

/// The simulation's figures on today's index.
struct Expected<'a> {
    m: &'a Summary,
    /// Days from the scenario's start to today.
    day: usize,
}

impl Expected<'_> {
    fn quantile(&self, daily: &[drawdown_engine::stats::Hist], q: f64) -> Option<u32> {
        daily.get(self.day.min(daily.len().saturating_sub(1))).and_then(|h| h.quantile(q))
    }
}

/// Every base: the plan's date where it has one, what the log says, and the gap.
fn site_rows(s: &Scenario, log: &Replay) -> Vec<SiteStatus> {
    s.sites
        .iter()
        .filter(|x| x.kind.is_base())
        .map(|x| {
            let planned = s.plan.closures.iter().filter(|c| c.site == x.id).map(|c| c.date).min();
            let closing = log.closing(&x.id);
            let (days_late, flag) = gap(planned, closing.map(|c| day_of(c.at)), log.today);
            SiteStatus {
                site: x.id.clone(),
                name: x.name.clone(),
                planned,
                state: closing.map_or(SiteState::Open, |c| c.state),
                closed_at: closing.map(|c| c.at),
                taken_by: closing.and_then(|c| c.taken_by.map(str::to_string)),
                days_late,
                flag,
            }
        })
        .collect()
}

/// A site's closure against the plan: days late (or early, or overdue) and the flag.
fn gap(planned: Option<Date>, closed: Option<Date>, today: Date) -> (Option<i64>, Gap) {
    match (planned, closed) {
        (None, _) => (None, Gap::Unplanned),
        (Some(p), Some(c)) => {
            let d = c.days_since(p);
            (
                Some(d),
                if d > 0 {
                    Gap::Late
                } else if d < 0 {
                    Gap::Early
                } else {
                    Gap::OnTime
                },
            )
        }
        (Some(p), None) if p < today => (Some(today.days_since(p)), Gap::Overdue),
        (Some(_), None) => (None, Gap::Due),
    }
}

/// Convoys in transit and arrived, each by serial.
fn convoys(log: &Replay) -> Convoys {
    let (mut in_transit, mut arrived) = (Vec::new(), Vec::new());
    for m in log.movements.iter().filter(|m| m.mode == Mode::Road) {
        let dep = m.departed.date_naive();
        let c = ConvoyStatus {
            convoy: m.serial.to_string(),
            from: m.from.to_string(),
            to: m.to.to_string(),
            trucks: m.trucks,
            personnel: m.personnel,
            departed: m.departed,
            arrived: m.arrived,
            days: (m.arrived.map_or(log.today.0, |a| a.date_naive()) - dep).num_days(),
        };
        if m.in_transit() { in_transit.push(c) } else { arrived.push(c) }
    }
    in_transit.sort_by(|a, b| a.convoy.cmp(&b.convoy));
    arrived.sort_by(|a, b| a.convoy.cmp(&b.convoy));
    Convoys { in_transit, arrived }
}

/// Flights departed, in time order.
fn flights(log: &Replay) -> Flights {
    let departed: Vec<FlightStatus> = log
        .movements
        .iter()
        .filter(|m| m.mode == Mode::Air)
        .map(|m| FlightStatus {
            flight: m.serial.to_string(),
            from: m.from.to_string(),
            to: m.to.to_string(),
            personnel: m.personnel,
            cargo: m.cargo,
            request: m.request.map(str::to_string),
            departed: m.departed,
            out: m.is_out(),
        })
        .collect();
    Flights {
        count: departed.len(),
        personnel: departed.iter().map(|f| u64::from(f.personnel)).sum(),
        cargo: departed.iter().map(|f| u64::from(f.cargo)).sum(),
        departed,
    }
}

/// Personnel out, by air, in transit, and what the simulation expects by today.
fn personnel(s: &Scenario, log: &Replay, expected: Option<&Expected>) -> Personnel {
    let (out, out_by_air) = log.personnel_out();
    Personnel {
        total: s.personnel.iter().map(|g| u64::from(g.count.value)).sum(),
        out,
        out_by_air,
        in_transit: log.movements.iter().filter(|m| m.in_transit()).map(|m| u64::from(m.personnel)).sum(),
        expected: expected.and_then(|x| {
            let d = &x.m.departed_daily;
            Some(Band { p10: x.quantile(d, 0.1)?, p50: x.quantile(d, 0.5)?, p90: x.quantile(d, 0.9)? })
        }),
    }
}

/// Behind when a site is overdue or personnel out is below the simulated
/// 10th percentile; ahead when it is above the 90th and nothing is overdue.
/// With nothing logged there is nothing to judge: the verdict says so and
/// what the plan expects by today.
fn verdict(sites: &[SiteStatus], closures: &Closures, p: &Personnel, pending: usize, logged: usize) -> String {
    let due = match (closures.planned, logged) {
        (0, _) => "no closure due yet".to_string(),
        (n, 0) => format!("{n} closure(s) due by today"),
        (n, _) => format!("{} of {n} closure(s) due by today done", closures.actual),
    };
    if logged == 0 {
        let expected =
            p.expected.map(|b| format!("; the plan expects {} personnel out by today", b.p50)).unwrap_or_default();
        return format!("NOTHING LOGGED YET: {due}{expected}; log events to compare");
    }
    let overdue: Vec<&str> = sites.iter().filter(|r| r.flag == Gap::Overdue).map(|r| r.site.as_str()).collect();
    let mut why = Vec::new();
    if !overdue.is_empty() {
        why.push(format!("{} site(s) overdue ({})", overdue.len(), overdue.join(", ")));
    }
    why.push(due);
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
