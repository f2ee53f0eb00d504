//! Synthetic missions for benchmarks and tests: `drawdown generate --sites N
//! --personnel P --seed S` writes a valid scenario of a mission with N sites.
//!
//! Layout: one headquarters with an international airfield in the south-west,
//! about one hub per eight camps (each with an airfield and a truck fleet),
//! camps scattered around their hub. Camps link to their hub, hubs form a
//! chain to the headquarters, which links to a seaport; the north-eastern hub
//! also reaches a border crossing through a corridor that closes mid-way.
//! Threat grows towards the north. Personnel and equipment are spread over
//! sites in proportion to a random weight; the plan closes camps over the
//! first two thirds of the period and hubs near the end, shuttles camps to
//! hubs by road and flies people home from every hub.
//!
//! The generator uses its own SplitMix64 sequence (not the engine's keyed
//! streams): a scenario is a function of (N, P, seed) only.

use crate::quantity::{Count, Date, Dist, Num, Schedule};
use crate::scenario::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
}

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dy = (a.0 - b.0) * 111.0;
    let dx = (a.1 - b.1) * 111.0 * ((a.0 + b.0) / 2.0).to_radians().cos();
    (dx * dx + dy * dy).sqrt() * 1.3 // roads wind: 30 % longer than the crow flies
}

fn site(id: &str, kind: SiteKind, at: (f64, f64), airfield: bool) -> Site {
    Site {
        id: id.into(),
        name: String::new(),
        kind,
        lat: Num::new((at.0 * 100.0).round() / 100.0),
        lon: Num::new((at.1 * 100.0).round() / 100.0),
        airfield,
        vehicle_serviceability: None,
        fuel_litres: None,
        fuel_import_litres_per_day: None,
        source: Some("generated".into()),
        confidence: None,
    }
}

fn link(
    from: &str,
    to: &str,
    a: (f64, f64),
    b: (f64, f64),
    pace: f64,
    zone: Option<&str>,
    corridor: Option<&str>,
) -> Link {
    Link {
        from: from.into(),
        to: to.into(),
        km: Num::new(km(a, b).round().max(10.0)),
        pace: Schedule::Constant(Num::new(pace)),
        zone: zone.map(Into::into),
        corridor: corridor.map(Into::into),
        mode: LinkMode::Road,
    }
}

/// A valid scenario with `n_sites` bases (at least 3) and about `personnel` people.
pub fn generate(n_sites: usize, personnel: u32, seed: u64) -> Scenario {
    let n = n_sites.max(3);
    let mut rng = Rng(seed ^ 0x5eed);
    let start = Date::ymd(2025, 1, 1).expect("valid date");
    let days: i64 = 180;
    let deadline = start.plus_days(days);
    let n_hubs = n.div_ceil(8).clamp(1, n - 1);
    let n_camps = n - 1 - n_hubs;

    let hq_at = (12.0, -8.0);
    let mut sites = vec![site("hq", SiteKind::Hq, hq_at, true)];
    let mut links = Vec::new();
    let mut hub_at = Vec::new();
    for h in 0..n_hubs {
        let t = (h + 1) as f64 / n_hubs as f64;
        let at = (12.0 + 8.0 * t + rng.range(-0.5, 0.5), -8.0 + 10.0 * t + rng.range(-0.5, 0.5));
        let id = format!("hub-{h}");
        let (prev, prev_at) =
            if h == 0 { ("hq".to_string(), hq_at) } else { (format!("hub-{}", h - 1), hub_at[h - 1]) };
        links.push(link(&prev, &id, prev_at, at, 90.0, Some(zone_of(at.0)), None));
        sites.push(site(&id, SiteKind::Hub, at, true));
        hub_at.push(at);
    }
    let mut camp_hub = Vec::new();
    for c in 0..n_camps {
        let h = c % n_hubs;
        let at = (hub_at[h].0 + rng.range(-1.5, 1.5), hub_at[h].1 + rng.range(-1.5, 1.5));
        let id = format!("camp-{c}");
        links.push(link(&id, &format!("hub-{h}"), at, hub_at[h], rng.range(40.0, 80.0), Some(zone_of(at.0)), None));
        sites.push(site(&id, SiteKind::Camp, at, false));
        camp_hub.push(h);
    }
    let port_at = (8.0, -14.0);
    sites.push(site("port", SiteKind::Seaport, port_at, false));
    links.push(link("hq", "port", hq_at, port_at, 300.0, None, None));
    let border_at = (hub_at[n_hubs - 1].0 - 1.0, hub_at[n_hubs - 1].1 + 3.0);
    sites.push(site("border", SiteKind::BorderCrossing, border_at, false));
    links.push(link(
        &format!("hub-{}", n_hubs - 1),
        "border",
        hub_at[n_hubs - 1],
        border_at,
        150.0,
        Some("east"),
        Some("east"),
    ));
    sites.push(site("home", SiteKind::Abroad, (48.0, 2.0), true));

    // Personnel and equipment in proportion to random weights.
    let bases: Vec<String> = sites.iter().filter(|s| s.kind.is_base()).map(|s| s.id.clone()).collect();
    let weights: Vec<f64> = bases.iter().map(|_| rng.range(0.5, 1.5)).collect();
    let total_w: f64 = weights.iter().sum();
    let mut personnel_groups = Vec::new();
    let mut equipment = Vec::new();
    for (b, id) in bases.iter().enumerate() {
        let people = ((personnel as f64) * weights[b] / total_w).round() as u32;
        let guard = (people / 8).max(1);
        let stay_role = if id == "hq" { Role::RearParty } else { Role::Guard };
        let rest = people.saturating_sub(guard);
        let non_essential = rest * 2 / 5;
        for (role, count) in
            [(Role::NonEssential, non_essential), (Role::Essential, rest - non_essential), (stay_role, guard)]
        {
            personnel_groups.push(PersonnelGroup {
                site: id.clone(),
                contingent: format!("c{}", b % 40),
                role,
                count: Count::new(count),
            });
        }
        let vehicles = (people / 3).max(1);
        let containers = (people * 2 / 5).max(1);
        equipment.push(EquipmentLot {
            site: id.clone(),
            contingent: String::new(),
            class: EquipmentClass::Vehicle,
            count: Count::new(vehicles),
            value_usd: Some(Num::new(60_000.0)),
            ownership: Ownership::Contingent,
            load: None,
            sensitive: None,
            seats: None,
        });
        equipment.push(EquipmentLot {
            site: id.clone(),
            contingent: String::new(),
            class: EquipmentClass::ArmouredVehicle,
            count: Count::new((vehicles / 10).max(1)),
            value_usd: Some(Num::new(400_000.0)),
            ownership: Ownership::Contingent,
            load: None,
            sensitive: None,
            seats: None,
        });
        equipment.push(EquipmentLot {
            site: id.clone(),
            contingent: String::new(),
            class: EquipmentClass::Container,
            count: Count::new(containers),
            value_usd: Some(Num::new(25_000.0)),
            ownership: Ownership::Un,
            load: None,
            sensitive: None,
            seats: None,
        });
    }

    let fleets: Vec<TruckFleet> = (0..n_hubs)
        .map(|h| TruckFleet {
            id: format!("trucks-{h}"),
            home: format!("hub-{h}"),
            trucks: Count::new(40 + personnel / (20 * n_hubs as u32)),
            capacity: Num::new(1.0),
            seats: None,
            tank_litres: None,
        })
        .collect();
    let aircraft = vec![AircraftFleet {
        id: "charter".into(),
        base: "hq".into(),
        count: Count::new(2 + n_hubs as u32 / 2),
        seats: Count::new(150),
        payload: None,
        serviceability: Num::new(0.85),
        sorties_per_day: Some(Count::new(2)),
        cruise_kmh: Some(Num::new(700.0)),
        clearance: "strategic".into(),
    }];

    let threat = |zone: &str, ied: f64| ThreatPeriod {
        zone: zone.into(),
        from: start,
        ied_per_100km: Num::new(ied),
        ambush_per_100km: Num::new(ied / 3.0),
        wounded_per_incident: Num::new(1.2),
        killed_per_incident: Num::new(0.1),
        vehicles_damaged_per_incident: Some(Num::new(1.0)),
        vehicles_destroyed_per_incident: Some(Num::new(0.2)),
        delay_hours_per_incident: Num::new(5.0),
        casualty_dispersion: None,
    };
    let threats = vec![threat("south", 0.01), threat("centre", 0.08), threat("north", 0.3), threat("east", 0.15)];

    let mut presences = Vec::new();
    let mut closures = Vec::new();
    let mut lines = Vec::new();
    for (c, &h) in camp_hub.iter().enumerate() {
        let id = format!("camp-{c}");
        let close = start.plus_days(30 + (c as i64 * (days * 2 / 3 - 30)) / n_camps.max(1) as i64);
        closures.push(Closure {
            site: id.clone(),
            date: close,
            to: format!("hub-{h}"),
            fleet: Some(format!("trucks-{h}")),
            trucks: Some(Count::new(20)),
            historical: None,
            leave_early: None,
            source: None,
        });
        lines.push(Line {
            id: format!("{id}-shuttle"),
            mode: Mode::Road,
            from: id.clone(),
            to: format!("hub-{h}"),
            fleet: Some(format!("trucks-{h}")),
            carry: Carry::All,
            roles: None,
            ready: start.plus_days(5).into(),
            until: Some(close.plus_days(-3)),
            trucks: Some(Count::new(15)),
            personnel_max: None,
            vehicles_max: Some(Count::new(30)),
            every_days: Some(Count::new(7)),
            sorties_per_day: None,
            source: None,
        });
        presences.push(Presence {
            site: id,
            state_from: None,
            state_days: Dist::fixed(rng.range(0.0, 5.0).round()),
            armed_group: Num::new(rng.range(0.0, 0.8)),
            armed_group_until: None,
            armed_group_days: Dist::fixed(rng.range(0.0, 3.0).round()),
        });
    }
    for h in 0..n_hubs {
        let id = format!("hub-{h}");
        let next = if h == 0 { "hq".to_string() } else { format!("hub-{}", h - 1) };
        closures.push(Closure {
            site: id.clone(),
            date: start.plus_days(days - 20 + h as i64 % 10),
            to: next.clone(),
            fleet: None,
            trucks: None,
            historical: None,
            leave_early: None,
            source: None,
        });
        lines.push(Line {
            id: format!("{id}-airlift"),
            mode: Mode::Air,
            from: id.clone(),
            to: "home".into(),
            fleet: Some("charter".into()),
            carry: Carry::Personnel,
            roles: None,
            ready: start.plus_days(3).into(),
            until: Some(deadline),
            trucks: None,
            personnel_max: None,
            vehicles_max: None,
            every_days: None,
            sorties_per_day: Some(Count::new(1)),
            source: None,
        });
        lines.push(Line {
            id: format!("{id}-freight"),
            mode: Mode::Road,
            from: id.clone(),
            to: next,
            fleet: Some(format!("trucks-{h}")),
            carry: Carry::Equipment,
            roles: None,
            ready: start.plus_days(10).into(),
            until: Some(deadline.plus_days(-25)),
            trucks: Some(Count::new(20)),
            personnel_max: None,
            vehicles_max: Some(Count::new(40)),
            every_days: Some(Count::new(5)),
            sorties_per_day: None,
            source: None,
        });
    }
    lines.push(Line {
        id: "hq-airlift".into(),
        mode: Mode::Air,
        from: "hq".into(),
        to: "home".into(),
        fleet: Some("charter".into()),
        carry: Carry::Personnel,
        roles: None,
        ready: start.plus_days(2).into(),
        until: Some(deadline),
        trucks: None,
        personnel_max: None,
        vehicles_max: None,
        every_days: None,
        sorties_per_day: Some(Count::new(4)),
        source: None,
    });
    lines.push(Line {
        id: "hq-sealift".into(),
        mode: Mode::Road,
        from: "hq".into(),
        to: "port".into(),
        fleet: Some("trucks-0".into()),
        carry: Carry::Equipment,
        roles: None,
        ready: start.plus_days(15).into(),
        until: Some(deadline),
        trucks: Some(Count::new(20)),
        personnel_max: None,
        vehicles_max: Some(Count::new(50)),
        every_days: Some(Count::new(3)),
        sorties_per_day: None,
        source: None,
    });

    Scenario {
        scenario: Meta {
            id: format!("generated-{n}-sites"),
            name: format!("Generated mission: {n} sites, {personnel} personnel (seed {seed})"),
            description:
                "Synthetic scenario written by `drawdown generate`; every figure is generated, none is sourced.".into(),
            start,
            deadline,
            horizon: None,
        },
        sites,
        links,
        air_legs: Vec::new(),
        corridors: vec![Corridor {
            id: "east".into(),
            name: "Eastern border".into(),
            closed: vec![Window { from: start.plus_days(days / 2), to: None }],
            source: None,
        }],
        personnel: personnel_groups,
        equipment,
        fleets,
        aircraft,
        march: March {
            pace_variability: Some(Num::new(0.25)),
            breakdowns_per_100km: Some(Num::new(0.3)),
            breakdown_delay_hours: Some(Num::new(3.0)),
        },
        fuel: Default::default(),
        threats,
        policy: Policy {
            clearance: vec![ClearancePeriod {
                group: "strategic".into(),
                from: start,
                approval: Num::new(0.9),
                lead_days: Count::new(2),
            }],
            permit: vec![PermitPeriod { from: start, approval: Num::new(0.95) }],
            customs_hold: vec![CustomsHold {
                id: "hub-0-hold".into(),
                site: "hub-0".into(),
                trucks: Count::new(20),
                from: start.plus_days(days / 2),
                to: Some(start.plus_days(days / 2 + 30)),
                fleet: None,
                litres: None,
                source: None,
            }],
            import_ban: Vec::new(),
            fuel_ban: Vec::new(),
        },
        presences,
        attacks: Vec::new(),
        situation: Default::default(),
        plan: Plan {
            closures,
            lines,
            dispositions: vec![
                DispositionRule {
                    class: Some(EquipmentClass::Container),
                    ownership: None,
                    action: Disposition::HandOver,
                },
                DispositionRule { class: None, ownership: None, action: Disposition::Destroy },
            ],
            priority: None,
            keep_open: Vec::new(),
        },
        planner: None,
        milestones: Vec::new(),
        calibration: None,
        variants: Default::default(),
    }
}

fn zone_of(lat: f64) -> &'static str {
    if lat > 17.0 {
        "north"
    } else if lat > 14.0 {
        "centre"
    } else {
        "south"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Source, load};

    #[test]
    fn generated_scenarios_are_valid_and_reproducible() {
        for (n, p, seed) in [(3, 500, 1), (10, 5_000, 2), (40, 20_000, 3), (100, 50_000, 4)] {
            let text = generate(n, p, seed).to_toml().unwrap();
            let loaded = load(&Source::new("gen.toml", text.clone())).unwrap_or_else(|d| panic!("{n} sites: {d:#?}"));
            assert_eq!(loaded.scenario.sites.iter().filter(|s| s.kind.is_base()).count(), n);
            let people: u32 = loaded.scenario.personnel.iter().map(|g| g.count.value).sum();
            assert!((people as i64 - p as i64).abs() <= n as i64, "{people} vs {p}");
            assert_eq!(text, generate(n, p, seed).to_toml().unwrap(), "same arguments, same file");
        }
    }
}
