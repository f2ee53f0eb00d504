//! The engine's resource limits, checked on the scenario before anything
//! is allocated for it: a validated scenario whose every number is within
//! its bounds (`drawdown_model::bounds`) can still be too large as a whole
//! (5,000 sites × 5,000 personnel groups, thousands of sorties a day for ten
//! years). `World::compile` calls [`check`] first and stops with a
//! [`LimitExceeded`] naming the limit, the estimate and a hint.
//!
//! The estimates are upper bounds computed from the scenario alone (no
//! random draw), so whether a scenario passes never depends on the seed,
//! the machine or its load. `docs/scenario-format.md` lists the limits.

use drawdown_model as m;

/// Longest simulated period, in days (start to horizon).
pub const MAX_DAYS: u32 = m::validate::MAX_DAYS as u32;
/// Personnel groups, equipment lots and sites each (16-bit dense indices,
/// one value kept for "none").
pub const MAX_ENTITIES: usize = m::validate::MAX_ENTITIES;
/// Longest flight-clearance lead time, in days (clearance tables are padded
/// by it before day 0).
pub const MAX_LEAD_DAYS: u32 = 365;
/// Most events one replication may process (an upper estimate).
pub const MAX_EVENTS: u64 = 50_000_000;
/// Most memory the compiled scenario may take, in bytes.
pub const MAX_WORLD_BYTES: u64 = 2 << 30;
/// Most memory one replication may take, in bytes (one per worker thread
/// is alive at a time).
pub const MAX_REPLICATION_BYTES: u64 = 256 << 20;
/// Most incidents and breakdowns one convoy may expect in one march day,
/// at the fastest pace and the highest rates of the scenario: each is a
/// handful of draws, and a column struck every few metres is not a march.
pub const MAX_EVENTS_PER_MARCH_DAY: f64 = 10_000.0;

/// A scenario the engine will not run, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the scenario exceeds the engine's limit on {what}: {found} (limit {limit}); hint: {hint}")]
pub struct LimitExceeded {
    /// What is limited, in words (`memory of one replication`).
    pub what: &'static str,
    /// The scenario's figure, with its unit.
    pub found: String,
    pub limit: String,
    pub hint: String,
}

/// The estimated size of a scenario's run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub days: u64,
    pub events: u64,
    pub world_bytes: u64,
    pub replication_bytes: u64,
    /// Expected incidents and breakdowns of one convoy on its worst march day.
    pub march_events: f64,
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes.div_ceil(1 << 20))
}

/// Sizes of the engine's per-entity records (approximate, generous).
const CONVOY_BYTES: u64 = 160;
const FLIGHT_BYTES: u64 = 64;
const THREAT_BYTES: u64 = 64;

/// The size of a scenario's run, from the scenario alone.
pub fn estimate(s: &m::Scenario) -> Estimate {
    let start = s.scenario.start;
    let end = s.scenario.horizon.unwrap_or(s.scenario.deadline).max(s.scenario.deadline);
    let days = u64::try_from(end.days_since(start)).unwrap_or(0) + 1;
    let ndays = days + 1;
    let n = s.sites.len() as u64;
    let (groups, lots) = (s.personnel.len() as u64, s.equipment.len() as u64);
    let road_lines = s.plan.lines.iter().filter(|l| l.mode == m::Mode::Road).count() as u64;
    let closures = s.plan.closures.len() as u64;
    let sorties_per_day: u64 = s
        .plan
        .lines
        .iter()
        .map(|l| match l.lift() {
            m::Lift::Air { sorties_per_day, .. } => u64::from(sorties_per_day.unwrap_or(0)),
            m::Lift::Road { .. } => 0,
        })
        .sum();
    // Live convoys: one per road line (a line waits for its trucks), and a
    // pickup and a closing convoy per closure. Each has at most a departure,
    // a march, an arrival and a second departure a day; margin for waits.
    let convoys_at_once = road_lines + 2 * closures;
    let per_day = 2 + closures + sorties_per_day + 6 * convoys_at_once;
    let events = days.saturating_mul(per_day);

    let lead = s.policy.clearance.iter().map(|c| u64::from(c.lead_days.value)).max().unwrap_or(0);
    let clearance_groups =
        s.policy.clearance.iter().map(|c| c.group.as_str()).collect::<std::collections::HashSet<_>>().len() as u64;
    let zones = s
        .threats
        .iter()
        .map(|t| t.zone.as_str())
        .chain(s.links.iter().filter_map(|l| l.zone.as_deref()))
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    let windows: u64 = s.corridors.iter().map(|c| c.closed.len() as u64).sum();
    let epochs = (2 * windows + 1).min(ndays);
    let per_day_tables = n * 8 * 2 // fuel imports and holds
        + n * 4 // truck holds per site
        + s.fleets.len() as u64 * 4
        + s.links.len() as u64 * 8 // pace
        + zones * THREAT_BYTES
        + s.aircraft.len() as u64 * 4
        + 16; // permit, corridor state
    let world_bytes = ndays.saturating_mul(per_day_tables)
        + clearance_groups.saturating_mul(ndays + lead).saturating_mul(12)
        + epochs.saturating_mul(n * n * 4)
        + (groups + lots) * 64
        + n * 256;

    let trips = days.saturating_mul(road_lines) + 2 * closures;
    let flights = days.saturating_mul(sorties_per_day);
    let replication_bytes = n.saturating_mul(groups + lots).saturating_mul(4)
        + (groups + lots) * 32
        + trips.saturating_mul(CONVOY_BYTES)
        + flights.saturating_mul(FLIGHT_BYTES)
        + days * 16;

    let max_pace = s.links.iter().flat_map(|l| l.pace.values().into_iter().map(|v| v.value)).fold(0.0_f64, f64::max);
    let incident_per_km =
        s.threats.iter().map(|t| (t.ied_per_100km.value + t.ambush_per_100km.value) / 100.0).fold(0.0, f64::max);
    let factor = |v: &Option<m::Num>| v.as_ref().map_or(1.0, |x| x.value.max(1.0));
    // A convoy is either closing or on a plan line: the larger of the two
    // factors, times the one for a march day without air cover.
    let risk = factor(&s.situation.closing_contested).max(factor(&s.situation.routine))
        * factor(&s.situation.without_air_cover);
    let breakdown_per_km = s.march.breakdowns_per_100km.as_ref().map_or(0.0, |v| v.value / 100.0);
    let march_events = max_pace * (incident_per_km * risk + breakdown_per_km);

    Estimate { days, events, world_bytes, replication_bytes, march_events }
}

/// Whether the engine can run `s`; the first limit it exceeds otherwise.
pub fn check(s: &m::Scenario) -> Result<Estimate, LimitExceeded> {
    let e = estimate(s);
    let fail = |what, found: String, limit: String, hint: &str| {
        Err(LimitExceeded { what, found, limit, hint: hint.to_string() })
    };
    if e.days > u64::from(MAX_DAYS) {
        return fail(
            "simulated days",
            format!("{} days", e.days),
            format!("{MAX_DAYS} days"),
            "check the year of scenario.deadline and scenario.horizon",
        );
    }
    for (what, count) in
        [("personnel groups", s.personnel.len()), ("equipment lots", s.equipment.len()), ("sites", s.sites.len())]
    {
        if count > MAX_ENTITIES {
            return fail(
                what,
                count.to_string(),
                MAX_ENTITIES.to_string(),
                "merge entries of the same site, contingent and role (or class)",
            );
        }
    }
    if let Some(c) = s.policy.clearance.iter().find(|c| c.lead_days.value > MAX_LEAD_DAYS) {
        return fail(
            "clearance lead time",
            format!("{} days", c.lead_days.value),
            format!("{MAX_LEAD_DAYS} days"),
            "lead_days is the days between a clearance request and the flight",
        );
    }
    if e.events > MAX_EVENTS {
        return fail(
            "events per replication",
            format!("up to {} events", e.events),
            format!("{MAX_EVENTS} events"),
            "fewer lines, sorties or days: the estimate is days × (2 + closures + sorties a day + 6 × (road lines + 2 × closures))",
        );
    }
    if e.world_bytes > MAX_WORLD_BYTES {
        return fail(
            "memory of the compiled scenario",
            format!("about {}", mib(e.world_bytes)),
            mib(MAX_WORLD_BYTES),
            "routes take sites² × corridor states and tables one entry a day: fewer sites, corridor closure periods or days",
        );
    }
    if e.replication_bytes > MAX_REPLICATION_BYTES {
        return fail(
            "memory of one replication",
            format!("about {}", mib(e.replication_bytes)),
            mib(MAX_REPLICATION_BYTES),
            "people and items are counted per site and group (or lot): merge personnel groups or equipment lots, or use fewer sites",
        );
    }
    if e.march_events > MAX_EVENTS_PER_MARCH_DAY {
        return fail(
            "incidents and breakdowns per convoy and march day",
            format!("{:.0} expected at the fastest pace and highest rates", e.march_events),
            format!("{MAX_EVENTS_PER_MARCH_DAY:.0}"),
            "check the units of the rates (per 100 km) and of the pace (km per day)",
        );
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minusma() -> m::Scenario {
        m::load(&m::Source::new("minusma", m::MINUSMA_2023_RAW)).expect("loads").scenario
    }

    #[test]
    fn the_reference_scenario_is_far_within_every_limit() {
        let e = check(&minusma()).expect("within the limits");
        assert!(e.events < MAX_EVENTS / 100, "{e:?}");
        assert!(e.world_bytes < MAX_WORLD_BYTES / 100, "{e:?}");
        assert!(e.replication_bytes < MAX_REPLICATION_BYTES / 100, "{e:?}");
        assert!(e.march_events < 100.0, "{e:?}");
    }

    #[test]
    fn many_sites_and_groups_exceed_the_replication_memory() {
        let mut s = minusma();
        let (g, site) = (s.personnel[0].clone(), s.sites[0].clone());
        for i in 0..9_000 {
            s.sites.push(m::Site { id: format!("extra-{i}"), ..site.clone() });
            s.personnel.push(g.clone());
        }
        let e = estimate(&s);
        assert!(e.replication_bytes > MAX_REPLICATION_BYTES && e.world_bytes < MAX_WORLD_BYTES, "{e:?}");
        let err = check(&s).unwrap_err();
        assert_eq!(err.what, "memory of one replication", "{err}");
        assert!(err.to_string().contains("hint: people and items are counted per site"), "{err}");
    }

    #[test]
    fn many_sites_exceed_the_memory_of_the_routes() {
        let mut s = minusma();
        let site = s.sites[0].clone();
        for i in 0..30_000 {
            s.sites.push(m::Site { id: format!("extra-{i}"), ..site.clone() });
        }
        let err = check(&s).unwrap_err();
        assert_eq!(err.what, "memory of the compiled scenario", "{err}");
    }

    #[test]
    fn a_long_lead_time_is_refused_before_any_table_is_made() {
        let mut s = minusma();
        s.policy.clearance[0].lead_days.value = 4_000_000_000;
        let e = check(&s).unwrap_err();
        assert_eq!(e.what, "clearance lead time");
        assert!(e.found.contains("4000000000"), "{e}");
    }

    #[test]
    fn rates_that_strike_every_few_metres_are_refused() {
        let mut s = minusma();
        s.threats[0].ied_per_100km.value = 100.0;
        s.situation.closing_contested = Some(m::Num::new(100.0));
        s.situation.without_air_cover = Some(m::Num::new(100.0));
        let e = check(&s).unwrap_err();
        assert_eq!(e.what, "incidents and breakdowns per convoy and march day", "{e}");
    }
}
