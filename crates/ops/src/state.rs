//! The re-planning state (`drawdown plan --state`) derived from the
//! operations log: what the log says has happened by the end of a day.
//!
//! The log records convoys and flights by their people and trucks, not by
//! which groups or lots they carried, so the state is built by these rules
//! (and says so in its notes), reading the log as `status` does (one
//! replay, `replay.rs`):
//! - a convoy or flight that departed takes its `personnel` from the groups
//!   at its origin, in the plan's priority order (non-essential first by
//!   default; guards and rear parties only leave with the closing convoy),
//!   and puts them at its destination, or out of the country if that is an
//!   exit. People are out when their movement reached an exit, as in
//!   `status`; a state has no "in transit", so a convoy still on the road
//!   counts where it is going (out, if that is an exit: the one way the
//!   state's people out can exceed the status's, by the personnel of those
//!   convoys, and a note says so);
//! - a site closed, handed over or seized is closed on that date; whoever
//!   and whatever the log has not moved out of it went with its closing
//!   convoy to the plan's closure destination for it (else the destination
//!   of the last convoy that left it);
//! - equipment moves are not logged, so lots stay where the scenario has
//!   them unless their site closed;
//! - trucks held and not released are held from the state's date on.

use std::collections::{BTreeMap, BTreeSet};

use drawdown_model::state::{ClosedSite, Held, Out, State, follow_closed};
use drawdown_model::{Count, Date, Num, PersonnelGroup, Role, Scenario};

use crate::event::{LoggedEvent, day_of};
use crate::replay::{Mode, Replay, Step};

/// The state at the end of `today` (so `as_of` is the day after), from the
/// events dated on or before `today`, with notes on what was assumed.
pub fn state_from_log(s: &Scenario, events: &[LoggedEvent], today: Date) -> (State, Vec<String>) {
    let log = Replay::new(s, events, today);
    let mut w = Whereabouts::new(s);
    for step in &log.steps {
        match *step {
            Step::Departed(i) => w.depart(&log.movements[i]),
            Step::Closed { closing, at } => w.close(s, log.closings[closing].site, day_of(at)),
        }
    }
    let exits = w.exits.clone();
    let Whereabouts { mut people, mut items, mut out, closed, mut notes, .. } = w;
    // People and items sent to a site that closed later went on with it;
    // people it took to an exit are out.
    for g in &mut people {
        g.site = follow_closed(&closed, &g.site).to_string();
        if exits.contains(&g.site.as_str()) {
            out += u64::from(g.count.value);
            g.count.value = 0;
        }
    }
    for l in &mut items {
        l.site = follow_closed(&closed, &l.site).to_string();
    }
    for m in log.movements.iter().filter(|m| m.in_transit() && m.to_exit) {
        notes.push(format!(
            "convoy {} is still on the road to {} at the end of {today}: its personnel are counted out (a state has no \"in transit\")",
            m.serial, m.to
        ));
    }
    if !log.events.is_empty() && log.movements.is_empty() {
        notes.push("no convoy or flight in the log: people are where the scenario has them".into());
    }
    notes.push("equipment moves are not logged: lots are where the scenario has them, or where their closed site's convoy went".into());
    let state = State {
        as_of: today.plus_days(1),
        out: Out { personnel: Some(Count::new(u32::try_from(out).unwrap_or(u32::MAX))), items: None },
        closed,
        personnel: merged(people),
        equipment: items,
        held: held(&log.holds, &log.fuel_holds),
    };
    (state, notes)
}

/// The trucks and litres of fuel held now, one entry per site holding any.
fn held(trucks: &BTreeMap<&str, i64>, litres: &BTreeMap<&str, i128>) -> Vec<Held> {
    let sites: BTreeSet<&str> = trucks.keys().chain(litres.keys()).copied().collect();
    sites
        .into_iter()
        .filter_map(|site| {
            let n = trucks.get(site).copied().unwrap_or(0).max(0);
            let l = litres.get(site).copied().unwrap_or(0).max(0);
            (n > 0 || l > 0).then(|| Held {
                site: site.to_string(),
                trucks: Count::new(n as u32),
                litres: (l > 0).then(|| Num::new(l as f64)),
                to: None,
            })
        })
        .collect()
}

/// Where everyone and everything is as the log's steps are applied.
struct Whereabouts<'a> {
    people: Vec<PersonnelGroup>,
    items: Vec<drawdown_model::EquipmentLot>,
    /// People out of the country.
    out: u64,
    closed: Vec<ClosedSite>,
    /// Who leaves first by convoy or flight: the plan's priority order.
    order: Vec<Role>,
    /// The destination of the last convoy that left each site.
    last_convoy_to: BTreeMap<&'a str, &'a str>,
    exits: Vec<&'a str>,
    notes: Vec<String>,
}

impl<'a> Whereabouts<'a> {
    fn new(s: &'a Scenario) -> Whereabouts<'a> {
        Whereabouts {
            people: s.personnel.clone(),
            items: s.equipment.clone(),
            out: 0,
            closed: Vec::new(),
            order: s.plan.priority.clone().unwrap_or_else(|| vec![Role::NonEssential, Role::Essential]),
            last_convoy_to: BTreeMap::new(),
            exits: s.sites.iter().filter(|x| x.kind.is_exit()).map(|x| x.id.as_str()).collect(),
            notes: Vec::new(),
        }
    }

    fn is_exit(&self, id: &str) -> bool {
        self.exits.contains(&id)
    }

    /// A convoy or flight takes its personnel from the groups at its origin
    /// in priority order, to its destination (out, if that is an exit), from
    /// the day it departs.
    fn depart(&mut self, m: &crate::replay::Movement<'a>) {
        let what = match m.mode {
            Mode::Road => {
                self.last_convoy_to.insert(m.from, m.to);
                "convoy"
            }
            Mode::Air => "flight",
        };
        let destination = if self.is_exit(m.to) { None } else { Some(m.to) };
        let left = self.take(m.from, destination, m.personnel);
        if left > 0 {
            self.notes.push(format!(
                "{what} {} left {} with {} personnel but only {} who may leave by {what} were there; {left} not moved",
                m.serial,
                m.from,
                m.personnel,
                m.personnel - left
            ));
        }
    }

    /// Moves up to `n` people from the groups at `from`, in priority order,
    /// to `to` (`None`: out of the country). Returns how many of the `n`
    /// were not there to move.
    fn take(&mut self, from: &str, to: Option<&str>, n: u32) -> u32 {
        let mut left = n;
        let mut moved = Vec::new();
        for role in &self.order {
            for g in self.people.iter_mut().filter(|g| g.site == from && g.role == *role) {
                let k = left.min(g.count.value);
                if k > 0 {
                    g.count.value -= k;
                    left -= k;
                    moved.push((g.clone(), k));
                }
            }
        }
        for (mut g, k) in moved {
            match to {
                None => self.out += u64::from(k),
                Some(to) => {
                    g.site = to.to_string();
                    g.count = Count::new(k);
                    self.people.push(g);
                }
            }
        }
        left
    }

    /// A site closed: whoever and whatever is still there went with its
    /// closing convoy, to the plan's closure destination (else the
    /// destination of the last convoy that left it), on along later closures.
    fn close(&mut self, s: &Scenario, site: &str, day: Date) {
        if self.closed.iter().any(|c| c.site == site) {
            return;
        }
        let Some(to) = closing_destination(s, &self.closed, &self.last_convoy_to, site) else {
            self.notes.push(format!(
                "{site} closed on {day}, but neither the plan nor the log says where its closing convoy went; left open in the state"
            ));
            return;
        };
        let exit = self.is_exit(&to);
        for g in self.people.iter_mut().filter(|g| g.site == site) {
            if exit {
                self.out += u64::from(g.count.value);
                g.count.value = 0;
            } else {
                g.site = to.clone();
            }
        }
        for l in self.items.iter_mut().filter(|l| l.site == site) {
            l.site = to.clone();
        }
        self.closed.push(ClosedSite { site: site.to_string(), date: day, to });
    }
}

/// Where the closing convoy of `site` went, by the rule the state and the
/// log's consistency check share: the plan's closure destination for it,
/// else the destination of the last convoy that left it, then on along the
/// sites `closed` before. None when neither says, or when that leads back
/// to the site itself.
pub(crate) fn closing_destination(
    s: &Scenario,
    closed: &[ClosedSite],
    last_convoy_to: &BTreeMap<&str, &str>,
    site: &str,
) -> Option<String> {
    s.plan
        .closures
        .iter()
        .find(|c| c.site == site)
        .map(|c| c.to.as_str())
        .or_else(|| last_convoy_to.get(site).copied())
        .map(|to| follow_closed(closed, to).to_string())
        .filter(|to| to != site)
}

/// Groups that ended up alike merged, so the file stays short; empty ones dropped.
fn merged(people: Vec<PersonnelGroup>) -> Vec<PersonnelGroup> {
    let mut merged: Vec<PersonnelGroup> = Vec::new();
    for g in people.into_iter().filter(|g| g.count.value > 0) {
        match merged.iter_mut().find(|m| m.site == g.site && m.contingent == g.contingent && m.role == g.role) {
            Some(m) => m.count = Count::new(m.count.value + g.count.value),
            None => merged.push(g),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use drawdown_model::{Source, load, state};
    use proptest::prelude::*;

    fn minusma() -> Scenario {
        load(&Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023)).expect("embedded scenario loads").scenario
    }

    fn ev(id: i64, at: &str, kind: EventKind) -> LoggedEvent {
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

    fn people(s: &[drawdown_model::PersonnelGroup], site: &str) -> u64 {
        s.iter().filter(|g| g.site == site).map(|g| u64::from(g.count.value)).sum()
    }

    fn total(st: &State) -> u64 {
        st.personnel.iter().map(|g| u64::from(g.count.value)).sum::<u64>()
            + u64::from(st.out.personnel.as_ref().map_or(0, |c| c.value))
    }

    #[test]
    fn convoys_move_people_closures_move_the_rest_and_holds_net_out() {
        let s = minusma();
        let all: u64 = s.personnel.iter().map(|g| u64::from(g.count.value)).sum();
        let kidal = people(&s.personnel, "kidal");
        let gao = people(&s.personnel, "gao");
        let log = vec![
            ev(
                1,
                "2023-10-30",
                EventKind::ConvoyDeparted {
                    convoy: "C-1".into(),
                    from: "kidal".into(),
                    to: "gao".into(),
                    trucks: 20,
                    personnel: 100,
                },
            ),
            ev(2, "2023-10-31", EventKind::SiteHandedOver { site: "kidal".into(), to: "state".into() }),
            ev(3, "2023-10-20", EventKind::TrucksHeld { at: "gao".into(), trucks: 50 }),
            ev(4, "2023-10-25", EventKind::TrucksReleased { at: "gao".into(), trucks: 20 }),
            ev(5, "2023-11-05", EventKind::SiteClosed { site: "ansongo".into() }),
        ];
        let (st, _) = state_from_log(&s, &log, Date::parse("2023-10-31").unwrap());
        assert_eq!(st.as_of, Date::parse("2023-11-01").unwrap(), "the state is at the end of today");
        assert_eq!(people(&st.personnel, "kidal"), 0, "Kidal closed: its people went with the closing convoy");
        assert_eq!(
            people(&st.personnel, "gao"),
            gao + kidal,
            "the convoy's 100 and the closing convoy's rest are at Gao"
        );
        assert_eq!(st.closed.len(), 1, "Ansongo closes after today: not in the state");
        assert_eq!((st.closed[0].site.as_str(), st.closed[0].to.as_str()), ("kidal", "gao"));
        assert_eq!(st.held.len(), 1);
        assert_eq!((st.held[0].site.as_str(), st.held[0].trucks.value), ("gao", 30));
        assert_eq!(total(&st), all, "everyone is accounted for");
        // The state applies to the scenario it came from.
        let text = toml::to_string(&st).expect("serialises");
        let src = Source::new("state.toml", text);
        let parsed = state::parse(&src).expect("the written state parses");
        state::apply(&s, Some((&parsed, &src)), None).expect("and applies");
    }

    #[test]
    fn a_convoy_to_an_exit_takes_people_out_non_essential_first() {
        let s = minusma();
        let from = s.personnel.iter().find(|g| g.role == Role::NonEssential).expect("non-essential group").site.clone();
        let non_essential: u32 =
            s.personnel.iter().filter(|g| g.site == from && g.role == Role::NonEssential).map(|g| g.count.value).sum();
        let log = vec![ev(
            1,
            "2023-08-01",
            EventKind::ConvoyDeparted {
                convoy: "C-1".into(),
                from: from.clone(),
                to: "dakar".into(),
                trucks: 10,
                personnel: non_essential,
            },
        )];
        let (st, _) = state_from_log(&s, &log, Date::parse("2023-08-01").unwrap());
        assert_eq!(st.out.personnel.as_ref().unwrap().value, non_essential);
        assert!(
            !st.personnel.iter().any(|g| g.site == from && g.role == Role::NonEssential),
            "the non-essential left first"
        );
    }

    #[test]
    fn a_flight_moves_people_like_a_convoy_out_or_to_its_destination() {
        let s = minusma();
        let all: u64 = s.personnel.iter().map(|g| u64::from(g.count.value)).sum();
        let gao = people(&s.personnel, "gao");
        let bamako = people(&s.personnel, "bamako");
        assert!(gao > 300, "the test needs people at Gao");
        let flight = |id: i64, n: &str, to: &str, personnel: u32| {
            ev(
                id,
                "2023-10-02",
                EventKind::FlightDeparted {
                    flight: n.into(),
                    from: "gao".into(),
                    to: to.into(),
                    personnel,
                    cargo: 5,
                    request: None,
                },
            )
        };
        let log = vec![flight(1, "UN-1", "abroad", 120), flight(2, "UN-2", "bamako", 80)];
        let (st, notes) = state_from_log(&s, &log, Date::parse("2023-10-02").unwrap());
        assert_eq!(st.out.personnel.as_ref().unwrap().value, 120, "flown abroad: out of the country");
        assert_eq!(people(&st.personnel, "gao"), gao - 200);
        assert_eq!(people(&st.personnel, "bamako"), bamako + 80, "flown to Bamako: there");
        assert_eq!(total(&st), all);
        assert!(!notes.iter().any(|n| n.starts_with("no convoy")), "flights move people: {notes:?}");
        // More than are there: the rest is noted, nobody is invented.
        let (st, notes) = state_from_log(
            &s,
            &[flight(1, "UN-3", "abroad", u32::try_from(gao).unwrap() + 50)],
            Date::parse("2023-10-02").unwrap(),
        );
        assert!(u64::from(st.out.personnel.as_ref().unwrap().value) <= gao);
        assert_eq!(total(&st), all);
        assert!(notes.iter().any(|n| n.starts_with("flight UN-3 left gao") && n.ends_with("not moved")), "{notes:?}");
    }

    #[test]
    fn status_and_state_count_the_same_people_out() {
        let s = minusma();
        let convoy = |serial: &str, from: &str, to: &str, personnel: u32| EventKind::ConvoyDeparted {
            convoy: serial.into(),
            from: from.into(),
            to: to.into(),
            trucks: 10,
            personnel,
        };
        let flight = |n: &str, from: &str, to: &str, personnel: u32| EventKind::FlightDeparted {
            flight: n.into(),
            from: from.into(),
            to: to.into(),
            personnel,
            cargo: 0,
            request: None,
        };
        let log = vec![
            ev(1, "2023-08-01", convoy("C-1", "gao", "dakar", 200)),
            ev(2, "2023-08-02", flight("UN-1", "gao", "abroad", 120)),
            ev(3, "2023-08-03", flight("UN-2", "timbuktu", "bamako", 80)),
            ev(4, "2023-08-04", convoy("C-2", "kidal", "gao", 150)),
            ev(5, "2023-08-06", EventKind::ConvoyArrived { convoy: "C-1".into() }),
            ev(6, "2023-08-07", convoy("C-3", "bamako", "abidjan", 90)),
            ev(7, "2023-08-08", EventKind::ConvoyArrived { convoy: "C-2".into() }),
        ];
        let out = |st: &State| u64::from(st.out.personnel.as_ref().map_or(0, |c| c.value));
        // C-1 on the road to Dakar on 4 August: in transit for the status, out for the
        // state (which has no "in transit"), and the state says so.
        let day = Date::parse("2023-08-04").unwrap();
        let status = crate::status(&s, &log, day, None);
        let (st, notes) = state_from_log(&s, &log, day);
        assert_eq!(status.personnel.out, 120, "only the flight abroad has reached an exit");
        assert_eq!(out(&st), status.personnel.out + 200, "plus the convoy on the road to Dakar");
        assert!(notes.iter().any(|n| n.starts_with("convoy C-1 is still on the road to dakar")), "{notes:?}");
        // Once every convoy to an exit has arrived, they agree.
        {
            let day = Date::parse("2023-08-06").unwrap();
            let status = crate::status(&s, &log, day, None);
            let (st, _) = state_from_log(&s, &log, day);
            assert_eq!(out(&st), status.personnel.out, "on {day}");
            assert_eq!(status.personnel.out, 200 + 120);
            let all: u64 = s.personnel.iter().map(|g| u64::from(g.count.value)).sum();
            assert_eq!(total(&st), all);
            assert_eq!(status.personnel.total, all);
        }
        // C-3 to Abidjan is on the road on 8 August: the status has it in transit.
        let day = Date::parse("2023-08-08").unwrap();
        let status = crate::status(&s, &log, day, None);
        assert_eq!(status.personnel.in_transit, 90);
        let (st, _) = state_from_log(&s, &log, day);
        assert_eq!(out(&st), status.personnel.out + 90);
    }

    proptest! {
        /// Whatever convoys, flights and closures the log holds, every person
        /// is in the state or out, and the state applies to the scenario.
        #[test]
        fn every_person_is_accounted_for(moves in proptest::collection::vec((0usize..13, 0usize..13, 0u32..3000, 0u8..6), 0..25)) {
            let s = minusma();
            let all: u64 = s.personnel.iter().map(|g| u64::from(g.count.value)).sum();
            let bases: Vec<String> = s.sites.iter().filter(|x| x.kind.is_base()).map(|x| x.id.clone()).collect();
            let exits: Vec<String> = s.sites.iter().filter(|x| x.kind.is_exit()).map(|x| x.id.clone()).collect();
            let airfields: Vec<String> = s.sites.iter().filter(|x| x.airfield).map(|x| x.id.clone()).collect();
            let start = s.scenario.start;
            let mut log = Vec::new();
            for (k, (a, b, n, what)) in moves.into_iter().enumerate() {
                let from = bases[a % bases.len()].clone();
                let at = start.plus_days(k as i64 * 3).to_string();
                let flight = |from: &str, to: &str| EventKind::FlightDeparted { flight: format!("F-{k}"), from: from.into(), to: to.into(), personnel: n, cargo: 0, request: None };
                let kind = match what {
                    0 => EventKind::SiteClosed { site: from },
                    1 => EventKind::ConvoyDeparted { convoy: format!("C-{k}"), from, to: exits[b % exits.len()].clone(), trucks: 1, personnel: n },
                    2 | 3 => EventKind::ConvoyDeparted { convoy: format!("C-{k}"), from, to: bases[b % bases.len()].clone(), trucks: 1, personnel: n },
                    4 => flight(&airfields[a % airfields.len()], "abroad"),
                    _ => flight(&airfields[a % airfields.len()], &airfields[b % airfields.len()]),
                };
                log.push(ev(k as i64 + 1, &at, kind));
            }
            let (st, _) = state_from_log(&s, &log, start.plus_days(80));
            prop_assert_eq!(total(&st), all);
            let closed: Vec<&str> = st.closed.iter().map(|c| c.site.as_str()).collect();
            prop_assert!(st.personnel.iter().all(|g| !closed.contains(&g.site.as_str())), "nobody at a closed site");
            let text = toml::to_string(&st).expect("serialises");
            let src = Source::new("state.toml", text);
            let parsed = state::parse(&src).expect("parses");
            let applied = state::apply(&s, Some((&parsed, &src)), None);
            prop_assert!(applied.is_ok(), "{:?}", applied.err());
        }
    }
}
