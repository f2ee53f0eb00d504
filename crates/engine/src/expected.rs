//! Expected durations of the engine's own processes, for planning: what a
//! convoy's trip and its permit wait take on average under the compiled
//! world's friction, so that a planner plans with the engine's numbers
//! rather than estimates of its own.
//!
//! These are first moments of the processes in `convoy.rs` (`docs/model.md`
//! §4): the daily pace factor has mean 1, so a day covers the link's pace
//! on average; breakdowns and incidents are a Poisson process along the
//! road whose events each hold the column for their delay; a refused permit
//! is asked again the next day at that day's approval rate. Not included:
//! the situation's scaling of incident rates (`[situation]`, which depends on
//! draws made in the run) and waiting for trucks.

use crate::world::{MIN_PER_DAY, World};

/// Expected minutes on the road from `from` to `to` for a convoy leaving on
/// `day`, along the route of that day: driving at each link's pace, plus the
/// expected breakdown and incident delays on its km. None: no route.
pub fn road_minutes(w: &World, day: u32, from: u16, to: u16) -> Option<f64> {
    if from == to {
        return Some(0.0);
    }
    let d = day as usize;
    let epoch = w.epoch_of_day[d.min(w.epoch_of_day.len() - 1)];
    let (mut at, mut mins, mut hops) = (from, 0.0, 0);
    while at != to {
        let (link, next) = w.next_hop(epoch, at, to)?;
        let l = &w.links[link as usize];
        mins += l.km / l.pace[d.min(l.pace.len() - 1)] * f64::from(MIN_PER_DAY);
        mins += l.km * w.breakdowns_per_km * w.breakdown_delay_min;
        if usize::from(l.zone) < w.threat.len() {
            let periods = &w.threat[l.zone as usize];
            let t = &periods[d.min(periods.len() - 1)];
            mins += l.km * (t.ied_per_km + t.ambush_per_km) * t.delay_min;
        }
        at = next;
        hops += 1;
        if hops > w.sites.len() {
            return None;
        }
    }
    Some(mins)
}

/// Expected days a convoy ready on `day` waits for its movement permit:
/// asked that day, and again each following day at that day's approval
/// rate, until granted (beyond the tabulated days the last rate holds).
pub fn permit_wait_days(w: &World, day: u32) -> f64 {
    let rate = |k: usize| w.permit[(day as usize + k).min(w.permit.len() - 1)].clamp(0.0, 1.0);
    // E[wait] = sum over k >= 1 of P(refused on each of the first k days).
    let (mut refused, mut wait) = (1.0, 0.0);
    for k in 0..3650 {
        refused *= 1.0 - rate(k);
        if refused < 1e-9 {
            break;
        }
        wait += refused;
    }
    wait
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_permit_rate_waits_one_over_p_minus_one_days() {
        let s = drawdown_model::load(&drawdown_model::Source::new("m", drawdown_model::MINUSMA_2023)).unwrap().scenario;
        let mut w = World::compile(&s).unwrap();
        for p in [1.0, 0.5, 0.25] {
            w.permit = vec![p; 10];
            assert!((permit_wait_days(&w, 0) - (1.0 / p - 1.0)).abs() < 1e-6, "p = {p}");
        }
        // A day with no permits followed by certain ones: one day's wait.
        w.permit = vec![0.0, 1.0];
        assert!((permit_wait_days(&w, 0) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn friction_makes_a_trip_longer_than_the_bare_drive() {
        let s = drawdown_model::load(&drawdown_model::Source::new("m", drawdown_model::MINUSMA_2023)).unwrap().scenario;
        let w = World::compile(&s).unwrap();
        let id = |x: &str| w.sites.iter().position(|s| s.id == x).unwrap() as u16;
        let (kidal, gao) = (id("kidal"), id("gao"));
        let bare = f64::from(w.expected_minutes(0, kidal, gao).unwrap());
        let with = road_minutes(&w, 0, kidal, gao).unwrap();
        assert!(with > bare, "{with} <= {bare}");
        assert!(with - bare < bare, "delays are a fraction of the drive: {with} against {bare}");
        assert_eq!(road_minutes(&w, 0, gao, gao), Some(0.0));
    }
}
