//! Events as JSON, times, and plan versus actual: the pure parts.

use std::sync::OnceLock;

use drawdown_model::state::SiteState;
use drawdown_model::{Date, Scenario, Source, load};
use drawdown_ops::{EventKind, Gap, IncidentKind, LoggedEvent, NewEvent, parse_at, status, validate};
use proptest::prelude::*;
use serde_json::json;

fn minusma() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| {
        load(&Source::new("minusma", drawdown_model::MINUSMA_2023)).expect("embedded scenario loads").scenario
    })
}

fn logged(id: i64, at: &str, kind: EventKind) -> LoggedEvent {
    LoggedEvent {
        id,
        key: format!("k{id}"),
        scenario: "minusma-2023".into(),
        at: parse_at(at).expect("a test time"),
        kind,
        recorded_by: "ops".into(),
        recorded_at: parse_at("2023-11-01T00:00:00Z").unwrap(),
        note: None,
    }
}

#[test]
fn json_shape_names_the_field() {
    let ok = NewEvent::from_json(
        json!({"kind": "trucks_held", "site": "gao", "trucks": 200, "at": "2023-09-24", "recorded_by": "a"}),
    )
    .unwrap();
    assert_eq!(ok.kind, EventKind::TrucksHeld { at: "gao".into(), trucks: 200 });
    assert_eq!(ok.at, "2023-09-24", "the event's own time is not confused with the hold's site");
    let flights = NewEvent::from_json(json!({"kind": "clearance_requested", "request": "R", "from": "gao", "to": "bamako", "at": "2023-10-01", "recorded_by": "a"})).unwrap();
    assert!(matches!(flights.kind, EventKind::ClearanceRequested { flights: 1, .. }), "flights default to 1");

    let field = |v: serde_json::Value| NewEvent::from_json(v).unwrap_err().field.to_string();
    assert_eq!(
        field(json!({"kind": "site_closed", "site": "kidal", "at": "2023-10-31", "recorded_by": "a", "bogus": 1})),
        "bogus"
    );
    assert_eq!(field(json!({"kind": "site_closed", "at": "2023-10-31", "recorded_by": "a"})), "site");
    assert_eq!(field(json!({"kind": "site_closed", "site": "kidal", "recorded_by": "a"})), "at");
    assert_eq!(field(json!({"kind": "closed", "site": "kidal", "at": "2023-10-31", "recorded_by": "a"})), "kind");
    assert_eq!(field(json!({"site": "kidal", "at": "2023-10-31", "recorded_by": "a"})), "kind");
    assert_eq!(field(json!(["site_closed"])), "event");
    // A wrong type is refused too (its message names the type expected).
    let r = NewEvent::from_json(
        json!({"kind": "trucks_held", "site": "gao", "trucks": -5, "at": "2023-09-24", "recorded_by": "a"}),
    )
    .unwrap_err();
    assert!(r.message.contains("u32") || r.message.contains("invalid value"), "{r}");
}

#[test]
fn the_kinds_are_read_from_serde_and_every_one_round_trips() {
    let names = EventKind::names();
    assert_eq!(names.len(), 14);
    assert_eq!((names[0], names[13]), ("site_closed", "flight_departed"));
    assert_eq!(IncidentKind::names(), ["ied", "ambush", "indirect_fire", "other"]);
    // One event of every kind: its name is the tag serde writes, and it reads back.
    let s = |x: &str| x.to_string();
    let every = vec![
        EventKind::SiteClosed { site: s("kidal") },
        EventKind::SiteHandedOver { site: s("ber"), to: s("state") },
        EventKind::SiteSeized { site: s("kidal"), by: s("armed_group") },
        EventKind::ConvoyDeparted { convoy: s("C-1"), from: s("kidal"), to: s("gao"), trucks: 4, personnel: 5 },
        EventKind::ConvoyArrived { convoy: s("C-1") },
        EventKind::Incident {
            convoy: None,
            site: Some(s("gao")),
            what: s("ambush"),
            killed: 1,
            wounded: 2,
            vehicles_damaged: 3,
        },
        EventKind::ClearanceRequested { request: s("R-1"), from: s("gao"), to: s("bamako"), flights: 2 },
        EventKind::ClearanceApproved { request: s("R-1") },
        EventKind::ClearanceDenied { request: s("R-1") },
        EventKind::TrucksHeld { at: s("gao"), trucks: 7 },
        EventKind::TrucksReleased { at: s("gao"), trucks: 7 },
        EventKind::FuelHeld { site: s("gao"), litres: 600_000 },
        EventKind::FuelReleased { site: s("gao"), litres: 600_000 },
        EventKind::FlightDeparted {
            flight: s("UN-1"),
            from: s("gao"),
            to: s("abroad"),
            personnel: 9,
            cargo: 1,
            request: Some(s("R-1")),
        },
    ];
    let seen: Vec<&str> = every.iter().map(EventKind::name).collect();
    assert_eq!(seen, names, "one of each, in declaration order");
    for k in &every {
        let v = serde_json::to_value(k).unwrap();
        assert_eq!(v["kind"], k.name());
        assert_eq!(&serde_json::from_value::<EventKind>(v).unwrap(), k);
    }
    // The refusal of an unknown kind lists the kinds.
    let r = NewEvent::from_json(json!({"kind": "closed", "at": "2023-10-31", "recorded_by": "a"})).unwrap_err();
    assert_eq!(r.hint.as_deref(), Some(format!("one of {}", names.join(", ")).as_str()));
}

#[test]
fn json_round_trip_of_a_logged_event() {
    let e = logged(
        7,
        "2023-10-31T06:30:00Z",
        EventKind::ConvoyDeparted {
            convoy: "C-014".into(),
            from: "kidal".into(),
            to: "gao".into(),
            trucks: 40,
            personnel: 150,
        },
    );
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["kind"], "convoy_departed");
    assert_eq!(v["convoy"], "C-014");
    assert_eq!(
        (v["at"].as_str(), v["recorded_at"].as_str()),
        (Some("2023-10-31T06:30:00Z"), Some("2023-11-01T00:00:00Z")),
        "times as RFC 3339 UTC, as stored"
    );
    assert_eq!(serde_json::from_value::<LoggedEvent>(v).unwrap(), e);
}

#[test]
fn a_flight_as_json() {
    let f = NewEvent::from_json(json!({"kind": "flight_departed", "flight": "UN-2231", "from": "gao", "to": "abroad", "at": "2023-10-31", "recorded_by": "a"})).unwrap();
    assert_eq!(
        f.kind,
        EventKind::FlightDeparted {
            flight: "UN-2231".into(),
            from: "gao".into(),
            to: "abroad".into(),
            personnel: 0,
            cargo: 0,
            request: None
        },
        "personnel and cargo default to 0, request to none"
    );
    assert_eq!(f.kind.subject(), "flight:UN-2231");
    assert_eq!(f.kind.subjects_read(), vec!["flight:UN-2231".to_string()]);
    assert!(EventKind::names().contains(&f.kind.name()));

    let e = logged(
        8,
        "2023-10-31T06:30:00Z",
        EventKind::FlightDeparted {
            flight: "UN-2231".into(),
            from: "gao".into(),
            to: "abroad".into(),
            personnel: 120,
            cargo: 6,
            request: Some("R-101".into()),
        },
    );
    assert_eq!(e.kind.describe(), "UN-2231 gao → abroad, 120 personnel, 6 cargo under R-101");
    assert_eq!(
        e.kind.subjects_read(),
        vec!["flight:UN-2231".to_string(), "clearance:R-101".to_string()],
        "the rules read the request's events"
    );
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(
        (v["kind"].as_str(), v["flight"].as_str(), v["request"].as_str(), v["cargo"].as_u64()),
        (Some("flight_departed"), Some("UN-2231"), Some("R-101"), Some(6))
    );
    assert_eq!(serde_json::from_value::<LoggedEvent>(v).unwrap(), e);
    let field = |v: serde_json::Value| NewEvent::from_json(v).unwrap_err().field.to_string();
    assert_eq!(
        field(
            json!({"kind": "flight_departed", "from": "gao", "to": "abroad", "at": "2023-10-31", "recorded_by": "a"})
        ),
        "flight"
    );
    assert_eq!(
        field(
            json!({"kind": "flight_departed", "flight": "F", "from": "gao", "to": "abroad", "trucks": 3, "at": "2023-10-31", "recorded_by": "a"})
        ),
        "trucks"
    );
}

#[test]
fn times_are_normalised_to_utc() {
    let t = |s: &str| parse_at(s).map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).map_err(|r| r.field.to_string());
    assert_eq!(t("2023-10-15").unwrap(), "2023-10-15T00:00:00");
    assert_eq!(t("2023-10-15T06:30").unwrap(), "2023-10-15T06:30:00");
    assert_eq!(t("2023-10-15 06:30:15").unwrap(), "2023-10-15T06:30:15");
    assert_eq!(t("2023-10-15T06:30Z").unwrap(), "2023-10-15T06:30:00");
    assert_eq!(t("2023-10-15T06:30:00+02:00").unwrap(), "2023-10-15T04:30:00");
    for bad in ["", "yesterday", "15/10/2023", "2023-13-01", "2023-10-15T25:00"] {
        assert_eq!(t(bad), Err("at".to_string()), "{bad}");
    }
}

proptest! {
    /// Any minute of any day reads back as itself, whichever way it is written.
    #[test]
    fn any_time_reads_back(days in 0i64..3000, minute in 0u32..1440) {
        let d = Date::ymd(2020, 1, 1).unwrap().plus_days(days);
        let text = format!("{d}T{:02}:{:02}", minute / 60, minute % 60);
        let t = parse_at(&text).unwrap();
        prop_assert_eq!(t.format("%Y-%m-%dT%H:%M").to_string(), text.clone());
        prop_assert_eq!(parse_at(&format!("{text}:00Z")).unwrap(), t);
    }

    /// Whatever sequence of holds and releases is attempted, only the valid
    /// ones are accepted, the trucks held never go negative, and status
    /// reports exactly what the accepted events add up to.
    #[test]
    fn held_trucks_never_go_negative(ops in proptest::collection::vec((any::<bool>(), 0u32..120, 0usize..2), 1..40)) {
        let s = minusma();
        let sites = ["gao", "bamako"];
        let mut log: Vec<LoggedEvent> = Vec::new();
        let mut expected = [0i64; 2];
        for (i, (hold, trucks, site)) in ops.into_iter().enumerate() {
            let kind = if hold { EventKind::TrucksHeld { at: sites[site].into(), trucks } } else { EventKind::TrucksReleased { at: sites[site].into(), trucks } };
            let ev = NewEvent { at: "2023-10-01".into(), kind: kind.clone(), recorded_by: "a".into(), note: None, key: None };
            let valid = trucks > 0 && (hold || trucks as i64 <= expected[site]);
            let got = validate(s, &log, &ev);
            prop_assert_eq!(got.is_ok(), valid, "{:?}", got);
            if got.is_ok() {
                expected[site] += if hold { trucks as i64 } else { -(trucks as i64) };
                log.push(logged(i as i64 + 1, "2023-10-01T00:00:00Z", kind));
            }
            prop_assert!(expected.iter().all(|&n| n >= 0));
        }
        let st = status(s, &log, Date::ymd(2023, 10, 2).unwrap(), None);
        prop_assert_eq!(st.trucks_held_total as i64, expected[0] + expected[1]);
        for h in &st.trucks_held {
            let i = sites.iter().position(|x| *x == h.site).unwrap();
            prop_assert_eq!(h.trucks as i64, expected[i]);
        }
    }
}

#[test]
fn fuel_holds_net_out_and_reach_the_replanning_state() {
    let s = minusma();
    let held = EventKind::FuelHeld { site: "gao".into(), litres: 500_000 };
    let ev =
        |kind: EventKind| NewEvent { at: "2023-10-01".into(), kind, recorded_by: "a".into(), note: None, key: None };
    assert!(validate(s, &[], &ev(held.clone())).is_ok());
    let zero = validate(s, &[], &ev(EventKind::FuelHeld { site: "gao".into(), litres: 0 })).unwrap_err();
    assert_eq!(zero.field.to_string(), "litres");
    let unknown = validate(s, &[], &ev(EventKind::FuelHeld { site: "gaoo".into(), litres: 5 })).unwrap_err();
    assert_eq!(unknown.field.to_string(), "site");
    let log = vec![logged(1, "2023-09-24T00:00:00Z", held)];
    let over = validate(s, &log, &ev(EventKind::FuelReleased { site: "gao".into(), litres: 500_001 })).unwrap_err();
    assert!(over.message.contains("only 500000 held"), "{over}");
    let mut log = log;
    log.push(logged(2, "2023-09-30T00:00:00Z", EventKind::FuelReleased { site: "gao".into(), litres: 200_000 }));
    let (state, _) = drawdown_ops::state_from_log(s, &log, day("2023-10-01"));
    let h: Vec<_> = state.held.iter().filter(|h| h.site == "gao").collect();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].litres.as_ref().map(|l| l.value), Some(300_000.0));
    assert_eq!(h[0].trucks.value, 0);
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn status_compares_the_log_with_the_plan() {
    let s = minusma();
    let log = vec![
        logged(1, "2023-08-04T00:00:00Z", EventKind::SiteHandedOver { site: "ogossagou".into(), to: "state".into() }),
        logged(2, "2023-08-20T00:00:00Z", EventKind::SiteClosed { site: "ber".into() }),
        logged(
            3,
            "2023-10-20T00:00:00Z",
            EventKind::ConvoyDeparted {
                convoy: "C-1".into(),
                from: "gao".into(),
                to: "dakar".into(),
                trucks: 40,
                personnel: 300,
            },
        ),
        logged(4, "2023-10-25T00:00:00Z", EventKind::ConvoyArrived { convoy: "C-1".into() }),
        logged(
            5,
            "2023-10-28T00:00:00Z",
            EventKind::ConvoyDeparted {
                convoy: "C-2".into(),
                from: "kidal".into(),
                to: "gao".into(),
                trucks: 60,
                personnel: 500,
            },
        ),
        logged(
            6,
            "2023-10-29T00:00:00Z",
            EventKind::Incident {
                convoy: Some("C-2".into()),
                site: None,
                what: "ied".into(),
                killed: 0,
                wounded: 3,
                vehicles_damaged: 1,
            },
        ),
        logged(
            7,
            "2023-10-01T00:00:00Z",
            EventKind::ClearanceRequested {
                request: "R-1".into(),
                from: "gao".into(),
                to: "bamako".into(),
                flights: 2,
            },
        ),
        logged(
            8,
            "2023-10-02T00:00:00Z",
            EventKind::ClearanceRequested {
                request: "R-2".into(),
                from: "gao".into(),
                to: "bamako".into(),
                flights: 2,
            },
        ),
        logged(9, "2023-10-03T00:00:00Z", EventKind::ClearanceDenied { request: "R-1".into() }),
        logged(10, "2023-09-24T00:00:00Z", EventKind::TrucksHeld { at: "gao".into(), trucks: 200 }),
        // After `today`: ignored.
        logged(11, "2023-11-05T00:00:00Z", EventKind::SiteClosed { site: "kidal".into() }),
    ];
    let st = status(s, &log, day("2023-11-01"), None);
    assert_eq!(st.events, 10);
    let site = |id: &str| st.sites.iter().find(|r| r.site == id).unwrap();
    assert_eq!(
        (site("ogossagou").state, site("ogossagou").flag, site("ogossagou").taken_by.as_deref()),
        (SiteState::HandedOver, Gap::OnTime, Some("state"))
    );
    assert_eq!(
        (site("ber").state, site("ber").flag, site("ber").days_late),
        (SiteState::Closed, Gap::Late, Some(5)),
        "planned 2023-08-15, closed 08-20"
    );
    assert_eq!(
        (site("kidal").state, site("kidal").flag, site("kidal").days_late),
        (SiteState::Open, Gap::Overdue, Some(1)),
        "planned 10-31, still open on 11-01"
    );
    assert_eq!(site("timbuktu").flag, Gap::Due);
    assert_eq!(site("gao").flag, Gap::Unplanned);
    assert!(st.sites.iter().all(|r| r.site != "dakar"), "only bases are listed");
    assert_eq!(st.convoys.arrived.len(), 1);
    assert_eq!((st.convoys.in_transit[0].convoy.as_str(), st.convoys.in_transit[0].days), ("C-2", 4));
    assert_eq!(st.personnel.in_transit, 500);
    assert_eq!(st.personnel.out, 300, "arrived at a seaport: out of the country");
    assert_eq!((st.casualties.incidents, st.casualties.wounded, st.casualties.vehicles_damaged), (1, 3, 1));
    assert_eq!(
        (st.clearances.requested, st.clearances.denied, st.clearances.pending.clone()),
        (2, 1, vec!["R-2".to_string()])
    );
    assert_eq!(st.trucks_held_total, 200);
    assert!(st.verdict.starts_with("BEHIND PLAN") && st.verdict.contains("kidal"), "{}", st.verdict);
    assert!(st.personnel.expected.is_none() && st.simulated_runs.is_none());

    // Once Kidal's closure is in the past of `today`, it counts as done (6 days late) and nothing is overdue
    // among the sites closed so far.
    let later = status(s, &log, day("2023-11-05"), None);
    let k = later.sites.iter().find(|r| r.site == "kidal").unwrap();
    assert_eq!((k.state, k.flag, k.days_late), (SiteState::Closed, Gap::Late, Some(5)));
}

#[test]
fn a_flight_to_an_exit_counts_personnel_out_on_its_date() {
    let s = minusma();
    let flight = |n: &str, to: &str, personnel: u32, cargo: u32| EventKind::FlightDeparted {
        flight: n.into(),
        from: "gao".into(),
        to: to.into(),
        personnel,
        cargo,
        request: None,
    };
    let log = vec![
        logged(
            1,
            "2023-10-20T00:00:00Z",
            EventKind::ConvoyDeparted {
                convoy: "C-1".into(),
                from: "gao".into(),
                to: "dakar".into(),
                trucks: 40,
                personnel: 300,
            },
        ),
        logged(2, "2023-10-25T00:00:00Z", EventKind::ConvoyArrived { convoy: "C-1".into() }),
        logged(3, "2023-10-28T06:00:00Z", flight("UN-1", "abroad", 120, 4)),
        logged(4, "2023-10-29T00:00:00Z", flight("UN-2", "bamako", 80, 0)),
        logged(5, "2023-10-30T00:00:00Z", flight("UN-3", "abroad", 50, 0)),
    ];
    let st = status(s, &log, day("2023-10-29"), None);
    assert_eq!(st.personnel.out, 300 + 120, "the convoy that arrived at a seaport and the flight abroad");
    assert_eq!(st.personnel.out_by_air, 120);
    assert_eq!(st.personnel.in_transit, 0, "a flight is never in transit");
    assert_eq!((st.flights.count, st.flights.personnel, st.flights.cargo), (2, 200, 4), "UN-3 departs after today");
    let names: Vec<(&str, bool)> = st.flights.departed.iter().map(|f| (f.flight.as_str(), f.out)).collect();
    assert_eq!(names, vec![("UN-1", true), ("UN-2", false)], "only the flight abroad is out");
    assert_eq!(st.events, 4);
    assert!(st.verdict.contains("personnel out 420"), "{}", st.verdict);
    // The day it departs is enough.
    assert_eq!(status(s, &log, day("2023-10-28"), None).personnel.out, 420);
    assert_eq!(status(s, &log, day("2023-10-27"), None).personnel.out, 300);
    assert_eq!(status(s, &log, day("2023-10-30"), None).personnel.out, 470);
}

#[test]
fn status_uses_the_simulated_median() {
    let s = minusma();
    let world = drawdown_engine::World::compile(s).unwrap();
    let summary = drawdown_engine::run_monte_carlo(&world, 40, 7, 1, &|_| {}).unwrap();
    let today = day("2023-12-31");
    let st = status(s, &[], today, Some(&summary));
    let idx = today.days_since(s.scenario.start) as usize;
    let b = st.personnel.expected.unwrap();
    assert_eq!(b.p50, summary.departed_daily[idx].quantile(0.5).unwrap());
    assert!(b.p10 <= b.p50 && b.p50 <= b.p90);
    assert!(b.p50 > 0, "the plan moves people out by the deadline");
    assert_eq!(st.simulated_runs, Some(40));
    assert_eq!(st.closures.expected_median, summary.closed_daily[idx].quantile(0.5));
    // Nothing logged: no verdict on the plan, only what it expects.
    assert!(st.verdict.starts_with("NOTHING LOGGED YET"), "{}", st.verdict);
    assert!(st.verdict.contains(&format!("expects {} personnel out", b.p50)), "{}", st.verdict);
    assert!(!st.verdict.contains("0 of 0"), "{}", st.verdict);
    let due = format!("{} closure(s) due by today;", st.closures.planned);
    assert!(st.closures.planned > 0 && st.verdict.contains(&due), "{}", st.verdict);
    // One event logged, nobody out while the simulation expects many: behind plan.
    let ev = logged(
        1,
        "2023-07-02T08:00:00Z",
        EventKind::ConvoyDeparted {
            convoy: "c1".into(),
            from: "kidal".into(),
            to: "gao".into(),
            personnel: 0,
            trucks: 1,
        },
    );
    let st = status(s, &[ev], today, Some(&summary));
    assert!(st.verdict.starts_with("BEHIND PLAN"), "{}", st.verdict);
    // On the first day, with nothing due: no `0 of 0`.
    let st = status(s, &[], s.scenario.start, None);
    assert!(st.verdict.contains("no closure due yet") && !st.verdict.contains("0 of 0"), "{}", st.verdict);
}
