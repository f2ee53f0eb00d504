//! Invariants of the engine: conservation at every event, determinism for
//! any thread count, monotone cumulative curves, common random numbers.

use drawdown_engine::{World, run_monte_carlo, simulate, simulate_checked};
use drawdown_model::{Count, Date, Num, Scenario, Source, load};
use proptest::prelude::*;

fn toy() -> Scenario {
    let src = Source::new("toy.toml", include_str!("fixtures/toy.toml"));
    load(&src).map_err(|d| format!("{d:?}")).expect("toy scenario is valid").scenario
}

fn minusma() -> Option<Scenario> {
    let src = Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023);
    load(&src).ok().map(|l| l.scenario)
}

#[test]
fn conservation_holds_at_every_event_on_the_toy() {
    let w = World::compile(&toy()).unwrap();
    for r in 0..300 {
        simulate_checked(&w, 11, r).unwrap_or_else(|e| panic!("replication {r}: {e}"));
    }
}

#[test]
fn conservation_holds_at_every_event_on_minusma() {
    let s = minusma().expect("the embedded MINUSMA scenario loads");
    let w = World::compile(&s).unwrap();
    for r in 0..100 {
        simulate_checked(&w, 7, r).unwrap_or_else(|e| panic!("replication {r}: {e}"));
    }
}

#[test]
fn equipment_fates_add_up_to_the_holdings() {
    let w = World::compile(&toy()).unwrap();
    for r in 0..100 {
        let o = simulate(&w, 3, r);
        assert_eq!(o.equipment.values().sum::<u32>(), w.total_items, "replication {r}");
        assert!(o.departed_by_deadline <= w.total_personnel);
    }
}

#[test]
fn cumulative_curves_never_go_down() {
    let w = World::compile(&toy()).unwrap();
    for r in 0..100 {
        let o = simulate(&w, 5, r);
        assert_eq!(o.departed_daily.len(), w.deadline_day as usize + 1);
        assert!(o.departed_daily.windows(2).all(|p| p[0] <= p[1]), "replication {r}: {:?}", o.departed_daily);
        assert!(o.closed_daily.windows(2).all(|p| p[0] <= p[1]));
    }
}

#[test]
fn same_seed_same_result_whatever_the_thread_count() {
    let w = World::compile(&toy()).unwrap();
    let one = run_monte_carlo(&w, 2500, 42, 1, &|_| {}).unwrap();
    let two = run_monte_carlo(&w, 2500, 42, 2, &|_| {}).unwrap();
    let again = run_monte_carlo(&w, 2500, 42, 2, &|_| {}).unwrap();
    assert_eq!(one, two);
    assert_eq!(two, again);
    let other = run_monte_carlo(&w, 2500, 43, 2, &|_| {}).unwrap();
    assert_ne!(one, other, "a different seed must give different draws");
}

#[test]
fn a_change_elsewhere_leaves_a_convoys_luck_alone() {
    // Common random numbers: the airlift's clearance rate does not touch the
    // road, so the northern shuttle's incidents are identical draw for draw.
    let base = toy();
    let mut variant = base.clone();
    for c in &mut variant.policy.clearance {
        c.approval = Num::new(0.1);
    }
    let (wb, wv) = (World::compile(&base).unwrap(), World::compile(&variant).unwrap());
    let mut differs = 0;
    for r in 0..50 {
        let (ob, ov) = (simulate(&wb, 9, r), simulate(&wv, 9, r));
        assert_eq!(ob.convoys[0].incidents, ov.convoys[0].incidents, "replication {r}");
        assert_eq!(ob.convoys[0].wounded, ov.convoys[0].wounded, "replication {r}");
        differs += usize::from(ob.departed_by_deadline != ov.departed_by_deadline);
    }
    assert!(differs > 0, "the variant should change the airlift");
}

#[test]
fn a_customs_hold_of_every_truck_stops_the_pickup() {
    let mut s = toy();
    s.policy.customs_hold[0].trucks = Count::new(1000);
    s.policy.customs_hold[0].from = Date::ymd(2023, 7, 1).unwrap();
    let w = World::compile(&s).unwrap();
    for r in 0..20 {
        let o = simulate(&w, 1, r);
        // No truck ever leaves the hub: only vehicles drive out of the north,
        // and nothing reaches the port.
        assert_eq!(o.convoys[0].trips, 0);
        assert_eq!(o.equipment.repatriated, 0);
    }
}

#[test]
fn trucks_cut_off_by_a_closing_corridor_wait_instead_of_looping() {
    // A convoy reaches the eastern border just as the corridor closes behind
    // it: its trucks cannot get home. They must wait (one attempt a day), not
    // retry forever at the same minute.
    let mut s = toy();
    let mut line = s.plan.lines[1].clone();
    line.id = "hub-east".into();
    line.to = "east".into();
    line.ready = Date::ymd(2023, 7, 19).unwrap().into();
    line.until = Some(Date::ymd(2023, 7, 19).unwrap());
    s.plan.lines.push(line);
    let w = World::compile(&s).unwrap();
    // A watchdog turns a hang into a failure.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let events: Vec<u64> =
            (0..50).map(|r| simulate_checked(&w, 2, r).map(|o| o.events)).collect::<Result<_, _>>().unwrap();
        let _ = tx.send(events);
    });
    let events =
        rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the replications finish (no endless loop)");
    // About one event per day per waiting convoy, not millions.
    assert!(events.iter().all(|&e| e < 5_000), "{events:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn conservation_holds_for_perturbed_scenarios(
        trucks in 0u32..80,
        capacity in 0.5f64..3.0,
        closure_day in 5i64..90,
        approval in 0.0f64..1.0,
        permit in 0.05f64..1.0,
        ied in 0.0f64..5.0,
        killed in 0.0f64..20.0,
        destroyed in 0.0f64..5.0,
        serviceability in 0.0f64..1.0,
        seed in 0u64..1000,
    ) {
        let mut s = toy();
        s.fleets[0].trucks = Count::new(trucks);
        s.fleets[0].capacity = Num::new(capacity);
        s.plan.closures[0].date = s.scenario.start.plus_days(closure_day);
        s.policy.clearance[0].approval = Num::new(approval);
        s.policy.permit[0].approval = Num::new(permit);
        s.threats[0].ied_per_100km = Num::new(ied);
        s.threats[0].killed_per_incident = Num::new(killed);
        s.threats[0].vehicles_destroyed_per_incident = Some(Num::new(destroyed));
        s.sites[0].vehicle_serviceability = Some(Num::new(serviceability));
        let w = World::compile(&s).unwrap();
        for r in 0..3 {
            let o = simulate_checked(&w, seed, r).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(o.equipment.values().sum::<u32>(), w.total_items);
        }
    }
}
