//! The engine where values are extreme or the spec was silent: casualties
//! capped by who is there, a mean too large to sample, `every_days` at
//! u32::MAX, delays on the last stretch of a leg, independent permit draws
//! for a convoy's departures, the resource limits, and the situation
//! factor of routine traffic.

use drawdown_engine::engine::{Duty, Sim, Stage};
use drawdown_engine::world::CompileError;
use drawdown_engine::{World, simulate, simulate_checked};
use drawdown_model::{Date, Num, PermitPeriod, Scenario, Source, load};

/// A hub with a fleet, a seaport 100 km away on one link, 50 people at the
/// hub and a daily line to the port.
const BASE: &str = r#"
[scenario]
id = "t"
name = "t"
start = 2023-07-01
deadline = 2023-09-30

[[site]]
id = "hub"
kind = "hub"
lat = 16.0
lon = 0.0

[[site]]
id = "port"
kind = "seaport"
lat = 15.0
lon = 0.0

[[link]]
from = "hub"
to = "port"
km = 100
pace = 240
zone = "z"

[[threat]]
zone = "z"
from = 2023-07-01
ied_per_100km = 0
ambush_per_100km = 0
wounded_per_incident = 0
killed_per_incident = 0
delay_hours_per_incident = 0

[[personnel]]
site = "hub"
contingent = "x"
role = "essential"
count = 50

[[fleet]]
id = "trucks"
home = "hub"
trucks = 5
capacity = 1

[[plan.line]]
id = "out"
mode = "road"
from = "hub"
to = "port"
fleet = "trucks"
trucks = 5
ready = 2023-07-01
until = 2023-09-30
"#;

fn base() -> Scenario {
    load(&Source::new("t.toml", BASE)).map_err(|d| format!("{d:?}")).expect("valid").scenario
}

#[test]
fn the_killed_never_exceed_the_people_aboard_and_the_crew() {
    let mut s = base();
    s.threats[0].ied_per_100km = Num::new(50.0);
    s.threats[0].killed_per_incident = Num::new(1_000.0);
    s.threats[0].wounded_per_incident = Num::new(1_000.0);
    let w = World::compile(&s).unwrap();
    for r in 0..50 {
        let o = simulate_checked(&w, 3, r).unwrap();
        // 50 people and a crew of 5 trucks: whoever is not wounded in the
        // first incident is killed; nobody is left for the next ones.
        assert!(o.killed <= 55, "replication {r}: {} killed of 55", o.killed);
        assert!(o.killed + o.convoys[0].wounded >= 1 && o.convoys[0].incidents >= 1, "replication {r}");
        assert!(o.departed_by_deadline + o.killed.min(50) <= 50, "replication {r}");
    }
}

#[test]
fn a_mean_too_large_to_sample_kills_everyone_present_instead_of_nobody() {
    let mut s = base();
    s.threats[0].ied_per_100km = Num::new(50.0);
    // Past what the Poisson sampler accepts (it used to give 0 silently).
    s.threats[0].killed_per_incident = Num::new(1e20);
    let w = World::compile(&s).unwrap();
    for r in 0..20 {
        let o = simulate_checked(&w, 5, r).unwrap();
        assert_eq!(o.killed, 55, "replication {r}: everyone aboard and the crew");
        assert_eq!(o.departed_by_deadline, 0, "replication {r}");
    }
}

#[test]
fn every_days_at_u32_max_means_one_departure() {
    let mut s = base();
    s.plan.lines[0].personnel_max = Some(drawdown_model::Count::new(10));
    let w = World::compile(&s).unwrap();
    assert_eq!(simulate(&w, 1, 0).convoys[0].trips, 5, "daily: five trips of ten");
    s.plan.lines[0].every_days = Some(drawdown_model::Count::new(u32::MAX));
    let w = World::compile(&s).unwrap();
    let o = simulate_checked(&w, 1, 0).unwrap();
    assert_eq!(o.convoys[0].trips, 1, "one departure, never another");
    assert_eq!(o.departed_by_deadline, 10);
}

#[test]
fn a_delay_on_the_last_stretch_holds_the_column_before_it_arrives() {
    let mut s = base();
    // The only stretch of the trip: 100 km in 10 hours, with 10 breakdowns
    // of a day each expected on it.
    s.march.breakdowns_per_100km = Some(Num::new(10.0));
    s.march.breakdown_delay_hours = Some(Num::new(24.0));
    let w = World::compile(&s).unwrap();
    let (mut minutes, mut trips) = (0u64, 0u64);
    for r in 0..40 {
        let o = simulate_checked(&w, 9, r).unwrap();
        minutes += o.convoys[0].trip_minutes;
        trips += u64::from(o.convoys[0].trips);
    }
    let mean_days = minutes as f64 / trips as f64 / 1440.0;
    assert!(mean_days > 5.0, "mean trip {mean_days:.2} days: the breakdowns' delay was not spent");
    assert!(mean_days < 20.0, "mean trip {mean_days:.2} days");
}

#[test]
fn a_convoys_two_departures_draw_their_permits_independently() {
    let mut s = base();
    let start = Date::ymd(2023, 7, 1).unwrap();
    s.policy.permit = vec![PermitPeriod { from: start, approval: Num::new(0.75) }];
    let w = World::compile(&s).unwrap();
    let n = 20_000;
    let mut both = 0;
    for r in 0..n {
        let mut sim = Sim::new(&w, 11, r);
        let c = sim.new_convoy(Duty::Line(0), 0x5eed ^ r, 0, 1, 0, 1, Stage::Returning);
        sim.now = 6 * 60;
        sim.depart(c);
        if sim.convoys[c as usize].departures != 1 {
            continue; // refused at its first request
        }
        // The same convoy sets out again on a later day (another leg).
        let cv = &mut sim.convoys[c as usize];
        (cv.stage, cv.at, cv.dest) = (Stage::Returning, 0, 1);
        sim.now = 3 * 1440 + 6 * 60;
        sim.depart(c);
        if sim.convoys[c as usize].departures == 2 {
            both += 1;
        }
    }
    let p = f64::from(both) / n as f64;
    // Independent: 0.75² = 0.5625 (sd 0.0035); the same draw twice gives 0.75.
    assert!((p - 0.5625).abs() < 0.02, "P(both granted at once) = {p}");
}

#[test]
fn a_scenario_over_a_limit_is_an_error_not_an_allocation() {
    let mut s = base();
    s.policy.clearance = vec![drawdown_model::ClearancePeriod {
        group: "g".into(),
        from: Date::ymd(2023, 7, 1).unwrap(),
        approval: Num::new(1.0),
        lead_days: drawdown_model::Count::new(4_000_000_000),
    }];
    match World::compile(&s) {
        Err(CompileError::Limit(e)) => {
            assert_eq!(e.what, "clearance lead time");
            assert!(e.to_string().contains("(limit 365 days); hint:"), "{e}");
        }
        other => panic!("expected a limit error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn the_routine_factor_scales_the_incidents_of_plan_line_convoys() {
    let mut s = base();
    s.threats[0].ied_per_100km = Num::new(5.0);
    let incidents = |s: &Scenario| {
        let w = World::compile(s).unwrap();
        (0..40).map(|r| simulate_checked(&w, 9, r).unwrap().convoys[0].incidents).sum::<u32>()
    };
    let full = incidents(&s);
    s.situation.routine = Some(Num::new(0.01));
    let routine = incidents(&s);
    // 40 replications of a few 100 km trips at 5 per 100 km: hundreds at
    // factor 1, a few at 0.01.
    assert!(full > 200, "{full} incidents at factor 1");
    assert!(routine * 20 < full, "{routine} incidents at factor 0.01 against {full} at 1");
}
