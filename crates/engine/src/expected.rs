//! The engine's own processes in closed form, for planning: what a convoy's
//! trip and its permit wait take on average and how they spread, under the
//! compiled world's friction and the convoy's situation, so that a planner
//! plans with the engine's numbers rather than estimates of its own.
//!
//! These are moments of the processes in `convoy.rs` (`docs/model.md` §4):
//! the daily pace factor has mean 1 and coefficient of variation
//! `pace_variability`; breakdowns and incidents are a Poisson process along
//! the road whose events each hold the column for their delay, the incident
//! rate scaled by the situation factor (§4.3: a contested closure, a plan
//! line, a march day without air cover), here at its mean; a refused permit
//! is asked again the next day at that day's approval rate. The quantile of
//! a trip (`arrival_quantile`) is that of a mixture over input draws of
//! "refused days + a normal road time": exact in the permit wait, a normal
//! approximation of the drive and its delays. Not included: waiting for
//! trucks, fuel or seats.

use crate::world::{MIN_PER_DAY, World};

/// Whose convoy it is: its situation factor depends on it (§4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// A convoy of a plan line (logistics run, backload, resupply).
    Line,
    /// The closing convoy of the site with this index.
    Closing(u16),
}

/// Mean situation factor of a convoy's incident rate on `day`: the
/// routine factor for a line; for a closing convoy, the contested factor
/// weighted by the chance that an armed group contests the site when it is
/// vacated (06:00 of `day`); times, with an air-cover group, the mean of
/// covered (1) and uncovered (`without_air_cover`) march days at the
/// group's approval for `day`.
pub fn situation_factor(w: &World, duty: Duty, day: u32) -> f64 {
    let sit = &w.situation;
    let own = match duty {
        Duty::Line => sit.routine,
        Duty::Closing(site) => match &w.presence[site as usize] {
            Some(p) if day.saturating_mul(MIN_PER_DAY).saturating_add(DEPART_MIN) < p.armed_group_until => {
                1.0 + p.armed_group.clamp(0.0, 1.0) * (sit.closing_contested - 1.0)
            }
            _ => 1.0,
        },
    };
    let cover = sit.air_cover.map_or(1.0, |g| {
        let a = w.approval(g, day as usize).clamp(0.0, 1.0);
        a + (1.0 - a) * sit.without_air_cover
    });
    own * cover
}

/// Minutes after midnight at which convoys depart (06:00).
pub const DEPART_MIN: u32 = 360;

/// Mean and variance of a convoy's minutes on the road.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    pub mean: f64,
    pub var: f64,
}

/// Minutes on the road from `from` to `to` for a convoy leaving on `day`,
/// along the route of that day, its incident rate scaled by `situation`
/// (`situation_factor`): the drive at each link's pace plus the breakdown
/// and incident delays on its km, with their variance. None: no route.
///
/// The drive's variance: a day's pace factor *F* (mean 1, coefficient of
/// variation *v*) covers *F* days of planned road, so a drive of *t*
/// planned minutes takes about *t*/1440 days' draws, each adding *v*²
/// days² (a renewal argument); a drive shorter than a day rests on one
/// draw, t²·v². Together: v²·t·min(t, 1440). Each Poisson delay of
/// *d* minutes at rate λ per km adds λ·km·d² to the variance.
pub fn road_trip(w: &World, day: u32, from: u16, to: u16, situation: f64) -> Option<Trip> {
    if from == to {
        return Some(Trip { mean: 0.0, var: 0.0 });
    }
    let d = day as usize;
    let epoch = w.epoch_of_day[d.min(w.epoch_of_day.len() - 1)];
    let (mut at, mut drive, mut delay, mut var, mut hops) = (from, 0.0, 0.0, 0.0, 0);
    let (b, bd) = (w.breakdowns_per_km, w.breakdown_delay_min);
    while at != to {
        let (link, next) = w.next_hop(epoch, at, to)?;
        let l = &w.links[link as usize];
        drive += l.km / l.pace[d.min(l.pace.len() - 1)] * f64::from(MIN_PER_DAY);
        delay += l.km * b * bd;
        var += l.km * b * bd * bd;
        if usize::from(l.zone) < w.threat.len() {
            let periods = &w.threat[l.zone as usize];
            let t = &periods[d.min(periods.len() - 1)];
            let rate = l.km * (t.ied_per_km + t.ambush_per_km) * situation;
            delay += rate * t.delay_min;
            var += rate * t.delay_min * t.delay_min;
        }
        at = next;
        hops += 1;
        if hops > w.sites.len() {
            return None;
        }
    }
    let v = w.pace_sigma;
    var += v * v * drive * drive.min(f64::from(MIN_PER_DAY));
    Some(Trip { mean: drive + delay, var })
}

/// Expected days a convoy ready on `day` waits for its movement permit:
/// asked that day, and again each following day at that day's approval
/// rate, until granted (beyond the tabulated days the last rate holds).
pub fn permit_wait_days(w: &World, day: u32) -> f64 {
    refusals(w, day).iter().enumerate().map(|(k, p)| k as f64 * p).sum()
}

/// Tail probability below which the permit wait's distribution is cut.
const TAIL: f64 = 1e-9;

/// Distribution of the number of days a convoy ready on `day` is refused
/// its permit: element *k* is P(refused exactly *k* days), cut where the
/// tail falls below 10⁻⁹ (or after ten years of refusals).
pub fn refusals(w: &World, day: u32) -> Vec<f64> {
    let rate = |k: usize| w.permit[(day as usize + k).min(w.permit.len() - 1)].clamp(0.0, 1.0);
    let mut pmf = Vec::new();
    let mut refused = 1.0;
    for k in 0..3650 {
        pmf.push(refused * rate(k));
        refused *= 1.0 - rate(k);
        if refused < TAIL {
            break;
        }
    }
    pmf
}

/// Standard normal distribution function.
fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// The `q`-quantile of the minute, counted from midnight of `day`, at
/// which a convoy ready on `day` arrives at `to` from `from`, over the
/// worlds given (input draws, each weighing the same; the point world
/// alone for point inputs). In each world the convoy is refused its permit
/// for *K* days (its exact distribution, `refusals`), departs at 06:00 and
/// drives for a normal time of the trip's mean and variance (`road_trip`).
/// None: no route in some world. The quantile is found to the minute by
/// bisection on the mixture's distribution function.
pub fn arrival_quantile(worlds: &[&World], day: u32, from: u16, to: u16, duty: Duty, q: f64) -> Option<f64> {
    let mut parts: Vec<(Vec<f64>, Trip)> = Vec::with_capacity(worlds.len());
    for w in worlds {
        let trip = road_trip(w, day, from, to, situation_factor(w, duty, day))?;
        parts.push((refusals(w, day), trip));
    }
    if parts.is_empty() {
        return None;
    }
    let day_min = f64::from(MIN_PER_DAY);
    let start = f64::from(DEPART_MIN);
    let cdf = |t: f64| -> f64 {
        let total: f64 = parts
            .iter()
            .map(|(pmf, trip)| {
                let sd = trip.var.max(0.0).sqrt();
                pmf.iter()
                    .enumerate()
                    .map(|(k, p)| {
                        let x = t - start - k as f64 * day_min - trip.mean;
                        p * if sd > 0.0 { phi(x / sd) } else { f64::from(u8::from(x >= 0.0)) }
                    })
                    .sum::<f64>()
            })
            .sum();
        total / parts.len() as f64
    };
    let q = q.clamp(0.0, 1.0 - 1e-6);
    let (mut lo, mut hi) = (start, start);
    for (pmf, trip) in &parts {
        let sd = trip.var.max(0.0).sqrt();
        hi = f64::max(hi, start + pmf.len() as f64 * day_min + trip.mean + 8.0 * sd);
    }
    while hi - lo > 1.0 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) >= q {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minusma() -> World {
        let s = drawdown_model::load(&drawdown_model::Source::new("m", drawdown_model::MINUSMA_2023)).unwrap().scenario;
        World::compile(&s).unwrap()
    }

    fn id(w: &World, x: &str) -> u16 {
        w.sites.iter().position(|s| s.id == x).unwrap() as u16
    }

    #[test]
    fn a_constant_permit_rate_waits_one_over_p_minus_one_days() {
        let mut w = minusma();
        for p in [1.0, 0.5, 0.25] {
            w.permit = vec![p; 10];
            assert!((permit_wait_days(&w, 0) - (1.0 / p - 1.0)).abs() < 1e-6, "p = {p}");
            let pmf = refusals(&w, 0);
            assert!((pmf.iter().sum::<f64>() - 1.0).abs() < 1e-8, "p = {p}");
            assert!((pmf[0] - p).abs() < 1e-12);
        }
        // A day with no permits followed by certain ones: one day's wait.
        w.permit = vec![0.0, 1.0];
        assert!((permit_wait_days(&w, 0) - 1.0).abs() < 1e-9);
        assert_eq!(refusals(&w, 0), vec![0.0, 1.0]);
    }

    #[test]
    fn friction_makes_a_trip_longer_than_the_bare_drive() {
        let w = minusma();
        let (kidal, gao) = (id(&w, "kidal"), id(&w, "gao"));
        let bare = f64::from(w.expected_minutes(0, kidal, gao).unwrap());
        let with = road_trip(&w, 0, kidal, gao, 1.0).unwrap();
        assert!(with.mean > bare, "{} <= {bare}", with.mean);
        assert!(with.mean - bare < bare, "delays are a fraction of the drive: {} against {bare}", with.mean);
        assert!(with.var > 0.0);
        assert_eq!(road_trip(&w, 0, gao, gao, 1.0), Some(Trip { mean: 0.0, var: 0.0 }));
        // A riskier situation means more incidents, so more delay.
        let risky = road_trip(&w, 0, kidal, gao, 3.0).unwrap();
        assert!(risky.mean > with.mean && risky.var > with.var);
    }

    #[test]
    fn the_situation_factor_is_routine_for_lines_and_the_contest_odds_for_closures() {
        let mut w = minusma();
        w.situation.routine = 0.25;
        w.situation.closing_contested = 5.0;
        w.situation.air_cover = None;
        assert_eq!(situation_factor(&w, Duty::Line, 0), 0.25);
        let kidal = id(&w, "kidal");
        let p = w.presence[kidal as usize].as_mut().expect("kidal has a presence entry");
        (p.armed_group, p.armed_group_until) = (0.5, 10 * MIN_PER_DAY);
        // Contested half the time: 1 + 0.5 × (5 − 1).
        assert!((situation_factor(&w, Duty::Closing(kidal), 0) - 3.0).abs() < 1e-12);
        // After the armed group's window nobody contests the site.
        assert_eq!(situation_factor(&w, Duty::Closing(kidal), 10), 1.0);
        // A site with no presence entry is never contested.
        let bamako = id(&w, "bamako");
        w.presence[bamako as usize] = None;
        assert_eq!(situation_factor(&w, Duty::Closing(bamako), 0), 1.0);
    }

    #[test]
    fn the_arrival_quantile_grows_with_q_and_matches_the_exact_cases() {
        let mut w = minusma();
        let (kidal, gao) = (id(&w, "kidal"), id(&w, "gao"));
        let trip = road_trip(&w, 0, kidal, gao, situation_factor(&w, Duty::Line, 0)).unwrap();
        // Certain permits: the median of a normal trip is its mean.
        w.permit = vec![1.0; 10];
        let median = arrival_quantile(&[&w], 0, kidal, gao, Duty::Line, 0.5).unwrap();
        assert!((median - f64::from(DEPART_MIN) - trip.mean).abs() <= 1.0, "{median}");
        let qs: Vec<f64> = [0.1, 0.5, 0.9, 0.99]
            .iter()
            .map(|&q| arrival_quantile(&[&w], 0, kidal, gao, Duty::Line, q).unwrap())
            .collect();
        assert!(qs.windows(2).all(|x| x[0] < x[1]), "{qs:?}");
        // P90 of a normal: mean + 1.2816 sd.
        let p90 = f64::from(DEPART_MIN) + trip.mean + 1.281_551_6 * trip.var.sqrt();
        assert!((qs[2] - p90).abs() <= 1.0, "{} against {p90}", qs[2]);
        // Permits refused half the time: the median trip waits no day
        // (P(no refusal) = 0.5), the 90th percentile waits some.
        w.permit = vec![0.5; 10];
        let p90_refused = arrival_quantile(&[&w], 0, kidal, gao, Duty::Line, 0.9).unwrap();
        assert!(p90_refused > qs[2] + f64::from(MIN_PER_DAY), "{p90_refused}");
        // Two worlds, one twice as slow: the mixture's median lies between theirs.
        let mut slow = w.clone();
        for l in &mut slow.links {
            l.pace.iter_mut().for_each(|p| *p /= 2.0);
        }
        let m = |ws: &[&World]| arrival_quantile(ws, 0, kidal, gao, Duty::Line, 0.5).unwrap();
        let (a, b, both) = (m(&[&w]), m(&[&slow]), m(&[&w, &slow]));
        assert!(a < both && both < b, "{a} {both} {b}");
    }
}
