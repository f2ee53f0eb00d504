//! The rules an event must pass before it is logged: it must name things the
//! scenario knows, follow what was logged before it, and be plausible.

use drawdown_model::Scenario;

use crate::error::Rejection;
use crate::event::{At, EventKind, IncidentKind, LoggedEvent, NewEvent, format_at, parse_at, start_of};

/// Longest accepted identifier (convoy serial, request id, `to`/`by`).
const MAX_ID: usize = 64;
/// Longest accepted `recorded_by`.
const MAX_BY: usize = 200;
/// Longest accepted note.
const MAX_NOTE: usize = 2000;
/// Most flights one clearance request may cover.
const MAX_FLIGHTS: u32 = 500;
/// Most litres of fuel one event may hold at a site (a large depot).
const MAX_LITRES: u64 = 1_000_000_000;
/// How far after the deadline (or horizon, if later) an event may be dated.
const DAYS_AFTER_DEADLINE: i64 = 365;

/// The bounds a scenario sets on plausible events.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Everyone in the mission.
    pub personnel: u64,
    /// Every truck of every fleet.
    pub trucks: u64,
    /// Trucks plus every equipment item (an upper bound on vehicles).
    pub vehicles: u64,
    /// Truck load units of every equipment item that does not drive itself
    /// (an item's `load`, else 1): an upper bound on cargo.
    pub cargo: u64,
    /// The scenario's start, 00:00 UTC.
    pub earliest: At,
    /// A year after the deadline (or horizon, if later).
    pub latest: At,
}

impl Limits {
    pub fn of(s: &Scenario) -> Limits {
        let personnel = s.personnel.iter().map(|g| g.count.value as u64).sum();
        let trucks: u64 = s.fleets.iter().map(|f| f.trucks.value as u64).sum();
        let items: u64 = s.equipment.iter().map(|l| l.count.value as u64).sum();
        let cargo: f64 = s
            .equipment
            .iter()
            .filter(|l| !l.class.self_moving())
            .map(|l| f64::from(l.count.value) * l.load.as_ref().map_or(1.0, |v| v.value))
            .sum();
        let end = s.scenario.horizon.map_or(s.scenario.deadline, |h| h.max(s.scenario.deadline));
        Limits {
            personnel,
            trucks,
            vehicles: trucks + items,
            cargo: cargo.ceil() as u64,
            earliest: start_of(s.scenario.start),
            latest: start_of(end.plus_days(DAYS_AFTER_DEADLINE)),
        }
    }
}

/// Checks `ev` against the scenario and the events logged before it for the
/// same scenario (`prior`, in any order; only events of the subjects in
/// `ev.kind.subjects_read()` matter, others are ignored). Returns the
/// event's time, normalised.
pub fn validate(s: &Scenario, prior: &[LoggedEvent], ev: &NewEvent) -> Result<At, Rejection> {
    let limits = Limits::of(s);
    check_text("recorded_by", &ev.recorded_by, MAX_BY)?;
    if let Some(note) = &ev.note
        && note.chars().count() > MAX_NOTE
    {
        return Err(Rejection::error("note", format!("is longer than {MAX_NOTE} characters")));
    }
    let at = parse_at(&ev.at)?;
    if at < limits.earliest {
        return Err(Rejection::error("at", format!("{} is before the scenario starts", format_at(at)))
            .hint(format!("the scenario starts on {}", s.scenario.start)));
    }
    if at > limits.latest {
        return Err(Rejection::error("at", format!("{} is far after the deadline", format_at(at))).hint(format!(
            "the deadline is {}; events up to {} are accepted",
            s.scenario.deadline,
            limits.latest.date_naive()
        )));
    }

    let subject = ev.kind.subject();
    let same: Vec<&LoggedEvent> = prior.iter().filter(|p| p.kind.subject() == subject).collect();
    check_kind(s, &limits, &same, &ev.kind)?;
    if let EventKind::FlightDeparted { request: Some(r), .. } = &ev.kind {
        approved_by(prior, r, at)?;
    }

    if let Some(last) = same.iter().max_by_key(|p| p.at)
        && at < last.at
    {
        return Err(Rejection::error(
            "at",
            format!("{} is before the previous event of {}", format_at(at), subject.replacen(':', " ", 1)),
        )
        .hint(format!("{} was logged at {} (event {})", last.kind.name(), format_at(last.at), last.id)));
    }
    Ok(at)
}

/// The day a status or a state is asked for: from the scenario's start to
/// a year after its deadline (or horizon), the days events may be dated.
pub fn check_today(s: &Scenario, today: drawdown_model::Date) -> Result<(), Rejection> {
    let l = Limits::of(s);
    let (first, last) = (s.scenario.start, crate::event::day_of(l.latest));
    if today < first || today > last {
        return Err(Rejection::error("today", format!("{today} is outside the scenario's days"))
            .hint(format!("give a day from {first} (the start) to {last} (a year after the deadline)")));
    }
    Ok(())
}

fn check_kind(s: &Scenario, l: &Limits, same: &[&LoggedEvent], kind: &EventKind) -> Result<(), Rejection> {
    match kind {
        EventKind::SiteClosed { site } => {
            base(s, "site", site)?;
            if let Some(end) = same.iter().find(|p| {
                matches!(
                    p.kind,
                    EventKind::SiteClosed { .. } | EventKind::SiteHandedOver { .. } | EventKind::SiteSeized { .. }
                )
            }) {
                return Err(Rejection::error("site", format!("site `{site}` is already closed")).hint(format!(
                    "{} at {} (event {})",
                    end.kind.name(),
                    format_at(end.at),
                    end.id
                )));
            }
        }
        EventKind::SiteHandedOver { site, to } | EventKind::SiteSeized { site, by: to } => {
            base(s, "site", site)?;
            let field = if matches!(kind, EventKind::SiteHandedOver { .. }) { "to" } else { "by" };
            check_text(field, to, MAX_ID)?;
            if let Some(end) =
                same.iter().find(|p| matches!(p.kind, EventKind::SiteHandedOver { .. } | EventKind::SiteSeized { .. }))
            {
                return Err(Rejection::error("site", format!("site `{site}` was already taken over")).hint(format!(
                    "{} at {} (event {})",
                    end.kind.name(),
                    format_at(end.at),
                    end.id
                )));
            }
        }
        EventKind::ConvoyDeparted { convoy, from, to, trucks, personnel } => {
            check_text("convoy", convoy, MAX_ID)?;
            site(s, "from", from)?;
            site(s, "to", to)?;
            if from == to {
                return Err(Rejection::error("to", format!("the convoy departs from and goes to `{to}`"))
                    .hint("give a different destination"));
            }
            at_most("trucks", *trucks as u64, l.trucks, "the scenario's fleets have this many trucks in all")?;
            at_most("personnel", *personnel as u64, l.personnel, "the mission has this many personnel in all")?;
            if let Some(d) = departure(same) {
                return Err(Rejection::error("convoy", format!("convoy `{convoy}` already departed")).hint(format!(
                    "at {} (event {}); use a new serial for a new convoy",
                    format_at(d.at),
                    d.id
                )));
            }
        }
        EventKind::ConvoyArrived { convoy } => {
            check_text("convoy", convoy, MAX_ID)?;
            en_route(same, convoy)?;
        }
        EventKind::Incident { convoy, site: place, what, killed, wounded, vehicles_damaged } => {
            if !IncidentKind::names().contains(&what.as_str()) {
                return Err(Rejection::error("what", format!("`{what}` is not a kind of incident"))
                    .hint(format!("one of {}", IncidentKind::names().join(", "))));
            }
            match (convoy, place) {
                (None, None) => {
                    return Err(Rejection::error("convoy", "an incident needs a convoy or a site")
                        .hint("give `convoy` (en route) or `site`"));
                }
                (Some(c), _) => {
                    check_text("convoy", c, MAX_ID)?;
                    en_route(same, c)?;
                }
                (None, Some(_)) => {}
            }
            if let Some(p) = place {
                site(s, "site", p)?;
            }
            at_most(
                "killed",
                *killed as u64 + *wounded as u64,
                l.personnel,
                "killed plus wounded cannot exceed the mission's personnel",
            )?;
            at_most(
                "vehicles_damaged",
                *vehicles_damaged as u64,
                l.vehicles,
                "the mission's trucks and equipment items",
            )?;
        }
        EventKind::ClearanceRequested { request, from, to, flights } => {
            check_text("request", request, MAX_ID)?;
            site(s, "from", from)?;
            site(s, "to", to)?;
            if from == to {
                return Err(Rejection::error("to", format!("the flights leave from and go to `{to}`"))
                    .hint("give a different destination"));
            }
            if *flights == 0 {
                return Err(Rejection::error("flights", "must be at least 1"));
            }
            at_most("flights", *flights as u64, MAX_FLIGHTS as u64, "the most one request may cover")?;
            if let Some(r) = same.iter().find(|p| matches!(p.kind, EventKind::ClearanceRequested { .. })) {
                return Err(Rejection::error("request", format!("request `{request}` was already made"))
                    .hint(format!("at {} (event {}); use a new request id", format_at(r.at), r.id)));
            }
        }
        EventKind::ClearanceApproved { request } | EventKind::ClearanceDenied { request } => {
            check_text("request", request, MAX_ID)?;
            if !same.iter().any(|p| matches!(p.kind, EventKind::ClearanceRequested { .. })) {
                return Err(Rejection::error("request", format!("request `{request}` was never made"))
                    .hint("log clearance_requested first"));
            }
            if let Some(d) = same
                .iter()
                .find(|p| matches!(p.kind, EventKind::ClearanceApproved { .. } | EventKind::ClearanceDenied { .. }))
            {
                return Err(Rejection::error("request", format!("request `{request}` was already decided"))
                    .hint(format!("{} at {} (event {})", d.kind.name(), format_at(d.at), d.id)));
            }
        }
        EventKind::TrucksHeld { at, trucks } => {
            site(s, "site", at)?;
            if *trucks == 0 {
                return Err(Rejection::error("trucks", "must be at least 1"));
            }
            at_most("trucks", *trucks as u64, l.trucks, "the scenario's fleets have this many trucks in all")?;
        }
        EventKind::TrucksReleased { at, trucks } => {
            site(s, "site", at)?;
            if *trucks == 0 {
                return Err(Rejection::error("trucks", "must be at least 1"));
            }
            let held = held_now(same.iter().copied());
            if i128::from(*trucks) > held {
                return Err(Rejection::error("trucks", format!("{trucks} released but only {held} held at `{at}`"))
                    .hint("log trucks_held first, or release fewer"));
            }
        }
        EventKind::FuelHeld { site: at, litres } => {
            site(s, "site", at)?;
            if *litres == 0 {
                return Err(Rejection::error("litres", "must be at least 1"));
            }
            at_most("litres", *litres, MAX_LITRES, "a plausible stock for one site")?;
        }
        EventKind::FuelReleased { site: at, litres } => {
            site(s, "site", at)?;
            if *litres == 0 {
                return Err(Rejection::error("litres", "must be at least 1"));
            }
            let held = held_now(same.iter().copied());
            if i128::from(*litres) > held {
                return Err(Rejection::error(
                    "litres",
                    format!("{litres} litres released but only {held} held at `{at}`"),
                )
                .hint("log fuel_held first, or release fewer"));
            }
        }
        EventKind::FlightDeparted { flight, from, to, personnel, cargo, request } => {
            check_text("flight", flight, MAX_ID)?;
            if !site(s, "from", from)?.airfield {
                return Err(Rejection::error("from", format!("`{from}` has no airfield"))
                    .hint(format!("airfields: {}", ids(s, |x| x.airfield))));
            }
            let dest = site(s, "to", to)?;
            if !(dest.airfield || dest.kind.is_exit()) {
                return Err(Rejection::error("to", format!("`{to}` has no airfield and is not an exit"))
                    .hint(format!("airfields and exits: {}", ids(s, |x| x.airfield || x.kind.is_exit()))));
            }
            if from == to {
                return Err(Rejection::error("to", format!("the flight leaves from and goes to `{to}`"))
                    .hint("give a different destination"));
            }
            at_most("personnel", *personnel as u64, l.personnel, "the mission has this many personnel in all")?;
            at_most(
                "cargo",
                *cargo as u64,
                l.cargo,
                "the load units of all the mission's equipment that does not drive itself",
            )?;
            if let Some(r) = request {
                check_text("request", r, MAX_ID)?;
            }
            if let Some(d) = same.iter().find(|p| matches!(p.kind, EventKind::FlightDeparted { .. })) {
                return Err(Rejection::error("flight", format!("flight `{flight}` already departed")).hint(format!(
                    "at {} (event {}); give each departure its own number (e.g. {flight}-2)",
                    format_at(d.at),
                    d.id
                )));
            }
        }
    }
    Ok(())
}

/// What is held now (trucks or litres) under one hold subject, from its
/// events (`EventKind::hold_change`).
pub(crate) fn held_now<'a>(events: impl Iterator<Item = &'a LoggedEvent>) -> i128 {
    events.map(|p| p.kind.hold_change()).sum()
}

fn departure<'a>(same: &[&'a LoggedEvent]) -> Option<&'a LoggedEvent> {
    same.iter().copied().find(|p| matches!(p.kind, EventKind::ConvoyDeparted { .. }))
}

/// The convoy has departed and not yet arrived.
fn en_route(same: &[&LoggedEvent], convoy: &str) -> Result<(), Rejection> {
    if departure(same).is_none() {
        return Err(Rejection::error("convoy", format!("convoy `{convoy}` never departed"))
            .hint("log convoy_departed first (check the serial)"));
    }
    if let Some(a) = same.iter().find(|p| matches!(p.kind, EventKind::ConvoyArrived { .. })) {
        return Err(Rejection::error("convoy", format!("convoy `{convoy}` already arrived")).hint(format!(
            "at {} (event {}); an incident after arrival belongs to the site",
            format_at(a.at),
            a.id
        )));
    }
    Ok(())
}

/// The clearance request `request` was made and approved by `at`: a flight
/// may not fly under a request that is pending, denied or approved later.
fn approved_by(prior: &[LoggedEvent], request: &str, at: At) -> Result<(), Rejection> {
    let subject = format!("clearance:{request}");
    let of_request: Vec<&LoggedEvent> = prior.iter().filter(|p| p.kind.subject() == subject).collect();
    if !of_request.iter().any(|p| matches!(p.kind, EventKind::ClearanceRequested { .. })) {
        return Err(Rejection::error("request", format!("request `{request}` was never made"))
            .hint("log clearance_requested and clearance_approved first, or leave out `request`"));
    }
    match of_request
        .iter()
        .find(|p| matches!(p.kind, EventKind::ClearanceApproved { .. } | EventKind::ClearanceDenied { .. }))
    {
        None => Err(Rejection::error("request", format!("request `{request}` is still pending"))
            .hint("log clearance_approved first")),
        Some(d) if matches!(d.kind, EventKind::ClearanceDenied { .. }) => Err(Rejection::error(
            "request",
            format!("request `{request}` was denied"),
        )
        .hint(format!("at {} (event {}); a flight needs an approved request", format_at(d.at), d.id))),
        Some(d) if d.at > at => {
            Err(Rejection::error("request", format!("request `{request}` was approved only after the flight")).hint(
                format!("approved at {} (event {}); check the flight's `at` or the request", format_at(d.at), d.id),
            ))
        }
        Some(_) => Ok(()),
    }
}

/// The ids of the scenario's sites that pass `keep`, for hints.
fn ids(s: &Scenario, keep: impl Fn(&drawdown_model::Site) -> bool) -> String {
    s.sites.iter().filter(|x| keep(x)).map(|x| x.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// A non-empty single-line text of at most `max` characters.
pub(crate) fn check_text(field: &str, v: &str, max: usize) -> Result<(), Rejection> {
    if v.trim().is_empty() {
        return Err(Rejection::error(field, "is empty"));
    }
    if v.chars().count() > max {
        return Err(Rejection::error(field, format!("is longer than {max} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(Rejection::error(field, "contains a control character"));
    }
    Ok(())
}

fn at_most(field: &str, v: u64, max: u64, what: &str) -> Result<(), Rejection> {
    if v > max {
        return Err(Rejection::error(field, format!("{v} is more than {max}")).hint(what.to_string()));
    }
    Ok(())
}

/// A site the scenario knows, else a rejection naming the nearest ids.
fn site<'a>(s: &'a Scenario, field: &str, id: &str) -> Result<&'a drawdown_model::Site, Rejection> {
    if let Some(found) = s.sites.iter().find(|x| x.id == id) {
        return Ok(found);
    }
    let mut near: Vec<(f64, &str)> =
        s.sites.iter().map(|x| (strsim::normalized_damerau_levenshtein(id, &x.id), x.id.as_str())).collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let names: Vec<&str> = near.iter().take(3).map(|n| n.1).collect();
    Err(Rejection::error(field, format!("unknown site `{id}`")).hint(format!("nearest: {}", names.join(", "))))
}

/// A site that closes during a drawdown (camp, base, hub, HQ).
fn base<'a>(s: &'a Scenario, field: &str, id: &str) -> Result<&'a drawdown_model::Site, Rejection> {
    let found = site(s, field, id)?;
    if !found.kind.is_base() {
        return Err(Rejection::error(field, format!("`{id}` is not a base (it does not close)"))
            .hint(format!("bases: {}", ids(s, |x| x.kind.is_base()))));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use drawdown_model::{Source, load};

    fn logged(id: i64, at: &str, kind: EventKind) -> LoggedEvent {
        LoggedEvent {
            id,
            key: format!("k{id}"),
            scenario: "minusma-2023".into(),
            at: crate::parse_at(at).expect("a test date"),
            kind,
            recorded_by: "t".into(),
            recorded_at: crate::parse_at(at).expect("a test date"),
            note: None,
        }
    }

    fn new(at: &str, kind: EventKind) -> NewEvent {
        NewEvent { at: at.into(), kind, recorded_by: "t".into(), note: None, key: None }
    }

    #[test]
    fn a_release_is_bounded_by_what_its_own_hold_holds() {
        let s = load(&Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023)).expect("loads").scenario;
        let prior = [
            logged(1, "2023-09-24", EventKind::TrucksHeld { at: "gao".into(), trucks: 200 }),
            logged(2, "2023-09-24", EventKind::FuelHeld { site: "gao".into(), litres: 30_000 }),
            logged(3, "2023-10-01", EventKind::TrucksReleased { at: "gao".into(), trucks: 50 }),
        ];
        let trucks = |n| EventKind::TrucksReleased { at: "gao".into(), trucks: n };
        let litres = |n| EventKind::FuelReleased { site: "gao".into(), litres: n };
        // 150 trucks and 30,000 litres are held: the litres do not count as trucks, nor the trucks as litres.
        assert!(validate(&s, &prior, &new("2023-10-24", trucks(150))).is_ok());
        let e = validate(&s, &prior, &new("2023-10-24", trucks(151))).unwrap_err();
        assert!(e.message.contains("151 released but only 150 held"), "{e:?}");
        assert!(validate(&s, &prior, &new("2023-10-24", litres(30_000))).is_ok());
        let e = validate(&s, &prior, &new("2023-10-24", litres(30_001))).unwrap_err();
        assert!(e.message.contains("30001 litres released but only 30000 held"), "{e:?}");
    }
}
