//! Fuel, seats and attacks on camps: a site without fuel sends no convoy,
//! tankers resupply it unless customs holds them, seats bound the people in
//! every convoy, an airfield closed by an attack takes no flights, and a
//! closure leaves early under attack. Conservation (people, items and fuel)
//! is checked after every event in each of these runs.

use drawdown_engine::{Outcome, World, simulate_checked};
use drawdown_model as m;
use drawdown_model::{Count, Date, Num, Scenario, Source, load};
use proptest::prelude::*;

fn toy() -> Scenario {
    let src = Source::new("toy.toml", include_str!("fixtures/toy.toml"));
    load(&src).map_err(|d| format!("{d:?}")).expect("toy scenario is valid").scenario
}

/// The toy with fuel consumption and a counted stock at the northern camp.
fn fuelled(north_litres: f64) -> Scenario {
    let mut s = toy();
    s.fuel = m::Fuel {
        truck_litres_per_100km: Some(Num::new(40.0)),
        vehicle_litres_per_100km: Some(Num::new(25.0)),
        armoured_vehicle_litres_per_100km: Some(Num::new(60.0)),
        generator_litres_per_day: Some(Num::new(0.0)),
    };
    s.sites[0].fuel_litres = Some(Num::new(north_litres));
    s
}

fn run(s: &Scenario, runs: u64) -> Vec<Outcome> {
    let w = World::compile(s).unwrap();
    (0..runs).map(|r| simulate_checked(&w, 5, r).unwrap_or_else(|e| panic!("replication {r}: {e}"))).collect()
}

fn date(y: i32, mo: u32, d: u32) -> Date {
    Date::ymd(y, mo, d).unwrap()
}

#[test]
fn a_site_without_fuel_sends_no_convoy() {
    for o in run(&fuelled(0.0), 10) {
        // The shuttle never leaves the north.
        assert_eq!(o.convoys[0].trips, 0);
        assert_eq!(o.convoys[0].first_departure, None);
        // Its pickup trucks are stuck with the shuttle's: the closing convoy
        // leaves on foot, and none of the 70 vehicles can be fuelled.
        assert_eq!(o.equipment.destroyed, 70, "every vehicle stays and is destroyed");
        assert!(o.fuel_waits > 0);
    }
    // With fuel the same convoys run.
    for o in run(&fuelled(1_000_000.0), 10) {
        assert!(o.convoys[0].trips > 0);
        assert!(o.site_closed[0].is_some());
        assert!(o.equipment.destroyed < 70);
        assert_eq!(o.fuel_waits, 0);
    }
}

#[test]
fn a_closing_convoy_short_of_fuel_leaves_vehicles_behind() {
    // Enough for the trucks and a few vehicles, not for all 70.
    let mut s = fuelled(4_000.0);
    s.plan.lines.retain(|l| l.id != "north-shuttle");
    let plenty = {
        let mut p = s.clone();
        p.sites[0].fuel_litres = Some(Num::new(1e7));
        p
    };
    let (a, b) = (run(&s, 10), run(&plenty, 10));
    for (o, p) in a.iter().zip(&b) {
        assert!(o.site_closed[0].is_some(), "the site still closes");
        assert!(
            o.equipment.destroyed > p.equipment.destroyed,
            "vehicles left behind are destroyed: {} vs {}",
            o.equipment.destroyed,
            p.equipment.destroyed
        );
    }
}

/// The toy's north starts dry; a tanker line from the hub (fuel not
/// counted there: it fills up from outside) resupplies it.
fn resupplied() -> Scenario {
    let mut s = fuelled(0.0);
    s.fleets.push(m::TruckFleet {
        id: "tankers".into(),
        home: "hub".into(),
        trucks: Count::new(10),
        capacity: Num::new(1.0),
        seats: None,
        tank_litres: Some(Num::new(30_000.0)),
    });
    let mut line = s.plan.lines[0].clone();
    line.id = "fuel-north".into();
    line.from = "hub".into();
    line.to = "north".into();
    line.fleet = Some("tankers".into());
    line.carry = m::Carry::Fuel;
    line.trucks = None;
    line.every_days = Some(Count::new(10));
    s.plan.lines.push(line);
    s
}

#[test]
fn tankers_resupply_a_dry_site_unless_customs_holds_them() {
    for o in run(&resupplied(), 10) {
        assert!(o.convoys[0].trips > 0, "the shuttle runs on delivered fuel");
    }
    let mut held = resupplied();
    held.policy.customs_hold.push(m::CustomsHold {
        id: "tankers".into(),
        site: "hub".into(),
        trucks: Count::new(10),
        fleet: Some("tankers".into()),
        litres: None,
        from: held.scenario.start,
        to: None,
        source: None,
    });
    for o in run(&held, 10) {
        assert_eq!(o.convoys[0].trips, 0, "no fuel reaches the north");
    }
}

#[test]
fn a_fuel_ban_stops_imports_and_a_hold_locks_the_stock() {
    let mut s = fuelled(0.0);
    s.sites[0].fuel_import_litres_per_day = Some(Num::new(5_000.0));
    for o in run(&s, 5) {
        assert!(o.convoys[0].trips > 0, "imports fuel the shuttle");
    }
    let mut banned = s.clone();
    banned.policy.fuel_ban.push(m::FuelBan {
        id: "ban".into(),
        site: None,
        from: banned.scenario.start,
        to: None,
        source: None,
    });
    for o in run(&banned, 5) {
        assert_eq!(o.convoys[0].trips, 0);
    }
    let mut held = fuelled(1_000_000.0);
    held.policy.customs_hold.push(m::CustomsHold {
        id: "fuel".into(),
        site: "north".into(),
        trucks: Count::new(0),
        fleet: None,
        litres: Some(Num::new(1_000_000.0)),
        from: held.scenario.start,
        to: None,
        source: None,
    });
    for o in run(&held, 5) {
        assert_eq!(o.convoys[0].trips, 0, "held fuel is not usable");
    }
}

#[test]
fn generators_burn_the_stock_and_left_fuel_follows_the_disposition() {
    let mut s = fuelled(100_000.0);
    s.fuel.generator_litres_per_day = Some(Num::new(100.0));
    s.equipment.push(m::EquipmentLot {
        site: "north".into(),
        contingent: String::new(),
        class: m::EquipmentClass::Generator,
        count: Count::new(5),
        value_usd: None,
        ownership: m::Ownership::Un,
        load: None,
        sensitive: None,
        seats: None,
    });
    // The toy's catch-all rule destroys what is left: fuel too.
    for o in run(&s, 5) {
        assert!(o.site_closed[0].is_some());
        assert!(o.fuel_left_kl > 0, "the stock not burned is left at the closed site");
    }
    // 5 generators × 100 l/day: 1,000 l run dry on the third day.
    let mut dry = s.clone();
    dry.sites[0].fuel_litres = Some(Num::new(1_000.0));
    for o in run(&dry, 3) {
        assert!(o.fuel_dry_days > 0);
    }
}

#[test]
fn an_airfield_closed_by_attacks_takes_no_flights() {
    let mut s = toy();
    let attack = |site: &str, per_week: f64| m::AttackPeriod {
        site: site.into(),
        from: date(2023, 7, 1),
        per_week: Num::new(per_week),
        garrison_factor: None,
        wounded_per_attack: Some(Num::new(0.5)),
        killed_per_attack: Some(Num::new(0.1)),
        aircraft_hit: Some(Num::new(0.2)),
        airfield_closure: Some(Num::new(1.0)),
        airfield_closed_days: Some(Count::new(200)),
    };
    for o in run(&s, 5) {
        assert!(o.clearances.requested > 0, "without attacks the airlift flies");
    }
    s.attacks.push(attack("hub", 70.0));
    for o in run(&s, 5) {
        assert!(o.attacks > 0);
        assert_eq!(o.clearances.requested, 0, "the hub's airfield is closed from day 0");
    }
}

#[test]
fn a_closure_leaves_early_when_attacks_reach_the_rule() {
    let mut s = toy();
    s.attacks.push(m::AttackPeriod {
        site: "north".into(),
        from: date(2023, 8, 1),
        per_week: Num::new(7.0),
        garrison_factor: Some(Num::new(2.0)),
        wounded_per_attack: Some(Num::new(1.0)),
        killed_per_attack: Some(Num::new(0.2)),
        aircraft_hit: None,
        airfield_closure: None,
        airfield_closed_days: None,
    });
    let planned = (s.plan.closures[0].date.days_since(s.scenario.start) as u32) * 1440;
    for o in run(&s, 10) {
        assert_eq!(o.closures_early, 0, "no rule, no early closure");
        assert!(o.site_closed[0].is_none_or(|t| t >= planned));
    }
    s.plan.closures[0].leave_early = Some(m::LeaveEarly { attacks: Count::new(3), days: Some(Count::new(7)) });
    let early = run(&s, 10);
    for o in &early {
        assert_eq!(o.closures_early, 1);
        let t = o.site_closed[0].expect("the north closes");
        // Attacks start on 1 Aug: the rule cannot fire before it.
        assert!(t < planned && t >= 31 * 1440, "closed at minute {t}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    /// Seats bound the people in every convoy (checked at every event with
    /// conservation), whatever the seats, fuel and attacks.
    #[test]
    fn seats_bound_personnel_and_everything_is_conserved(
        truck_seats in 0u32..6,
        vehicle_seats in 0u32..8,
        north_fuel in 0.0f64..60_000.0,
        tank in 1_000.0f64..40_000.0,
        destroyed in 0.0f64..3.0,
        attacks in 0.0f64..10.0,
        killed in 0.0f64..3.0,
        early in 1u32..6,
        seed in 0u64..1000,
    ) {
        let mut s = resupplied();
        s.sites[0].fuel_litres = Some(Num::new(north_fuel));
        s.fleets[0].seats = Some(Count::new(truck_seats));
        s.fleets[1].tank_litres = Some(Num::new(tank));
        for e in s.equipment.iter_mut().filter(|e| e.class.self_moving()) {
            e.seats = Some(Count::new(vehicle_seats));
        }
        s.threats[0].vehicles_destroyed_per_incident = Some(Num::new(destroyed));
        s.attacks.push(m::AttackPeriod {
            site: "north".into(),
            from: date(2023, 7, 10),
            per_week: Num::new(attacks),
            garrison_factor: Some(Num::new(1.0)),
            wounded_per_attack: Some(Num::new(1.0)),
            killed_per_attack: Some(Num::new(killed)),
            aircraft_hit: None,
            airfield_closure: None,
            airfield_closed_days: None,
        });
        s.plan.closures[0].leave_early = Some(m::LeaveEarly { attacks: Count::new(early), days: None });
        let w = World::compile(&s).unwrap();
        for r in 0..3 {
            let o = simulate_checked(&w, seed, r).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(o.equipment.values().sum::<u32>(), w.total_items);
        }
    }
}

#[test]
fn the_raw_minusma_scenario_with_fuel_and_attacks_loads_and_conserves() {
    let src = Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023_RAW);
    let s = load(&src).map_err(|d| format!("{d:?}")).expect("the raw MINUSMA scenario is valid").scenario;
    let w = World::compile(&s).unwrap();
    for r in 0..3 {
        simulate_checked(&w, 7, r).unwrap_or_else(|e| panic!("replication {r}: {e}"));
    }
}

#[test]
fn trucks_reaching_a_closed_site_drive_home_and_no_line_serves_it() {
    // The shuttle runs up to the closure, so some of its trucks are on the
    // way to the north when it closes, and the tankers run past it. The
    // north's stock is disposed of at closing: trucks there afterwards
    // drive home on what they brought, and no tanker sets out for it.
    let mut s = resupplied();
    s.sites[0].fuel_litres = Some(Num::new(1e6));
    s.plan.lines[0].until = Some(date(2023, 9, 10));
    let tankers = s.plan.lines.len() - 1;
    s.plan.lines[tankers].until = Some(date(2023, 9, 30));
    let closed = run(&s, 40);
    for o in &closed {
        assert!(o.site_closed[0].is_some());
        assert_eq!(o.fuel_waits, 0, "no convoy is stranded at the closed north");
    }
    // The same tanker line with the closure after it ends sends more trips.
    let mut open = s.clone();
    open.plan.closures[0].date = date(2023, 10, 15);
    let more: u32 = run(&open, 40).iter().map(|o| o.convoys[tankers].trips).sum();
    let fewer: u32 = closed.iter().map(|o| o.convoys[tankers].trips).sum();
    assert!(fewer < more, "tanker trips to a closed site: {fewer} against {more} while open");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// On the raw MINUSMA scenario with seats given to every fleet and
    /// vehicle lot, no convoy ever carries more people than its seats
    /// (checked after every event with conservation of people, items and
    /// fuel), and every person is still accounted for at the end.
    #[test]
    fn no_minusma_convoy_carries_more_people_than_its_seats(
        truck_seats in 0u32..4,
        vehicle_seats in 0u32..10,
        armoured_seats in 0u32..12,
        seed in 0u64..1000,
    ) {
        let src = Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023_RAW);
        let mut s = load(&src).map_err(|d| format!("{d:?}")).expect("the raw MINUSMA scenario is valid").scenario;
        for f in &mut s.fleets {
            f.seats = Some(Count::new(truck_seats));
        }
        for e in s.equipment.iter_mut() {
            match e.class {
                m::EquipmentClass::Vehicle => e.seats = Some(Count::new(vehicle_seats)),
                m::EquipmentClass::ArmouredVehicle => e.seats = Some(Count::new(armoured_seats)),
                _ => {}
            }
        }
        let w = World::compile(&s).unwrap();
        let o = simulate_checked(&w, seed, 0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(o.departed_by_deadline <= w.total_personnel);
        prop_assert_eq!(o.equipment.values().sum::<u32>(), w.total_items);
        // With no seat anywhere, nobody leaves by road: every departure
        // is by air.
        if truck_seats == 0 && vehicle_seats == 0 && armoured_seats == 0 {
            prop_assert_eq!(o.personnel_road_kkm, 0);
        }
    }
}
