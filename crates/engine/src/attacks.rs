//! Attacks on camps and airfields: gunfire, rockets and shelling at a
//! rate per site and period that rises as the garrison thins; casualties
//! among the people there, aircraft hit, the airfield closed to flights for
//! some days; and the plan's rule to leave early under that pressure.

use drawdown_model as m;

use crate::convoy::{poisson, poisson_capped};
use crate::engine::{Ev, MOVE_MINUTE, Sim};
use crate::rng::Purpose;
use crate::world::{MIN_PER_DAY, World};

/// One attack period at a site, compiled.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attack {
    pub per_day: f64,
    pub garrison_factor: f64,
    pub wounded: f64,
    pub killed: f64,
    pub aircraft_hit: f64,
    pub airfield_closure: f64,
    pub closed_days: u32,
}

/// Attack inputs per site and day (empty for a site without `[[attack]]`).
#[derive(Debug, Clone, Default)]
pub struct AttackWorld {
    pub by_site: Vec<Vec<Attack>>,
    /// People based at each site (its own groups), for the garrison factor.
    pub garrison: Vec<u32>,
}

impl AttackWorld {
    pub fn compile(
        s: &m::Scenario,
        site_of: &dyn Fn(&str) -> Option<u16>,
        ndays: usize,
        day: &dyn Fn(m::Date) -> u32,
    ) -> AttackWorld {
        let n = s.sites.len();
        let mut by_site = vec![Vec::new(); n];
        let num = |v: &Option<m::Num>| v.as_ref().map_or(0.0, |x| x.value);
        for (site, table) in by_site.iter_mut().enumerate() {
            let mut periods: Vec<&m::AttackPeriod> =
                s.attacks.iter().filter(|a| site_of(&a.site) == Some(site as u16)).collect();
            if periods.is_empty() {
                continue;
            }
            periods.sort_by_key(|a| a.from);
            *table = vec![Attack::default(); ndays];
            // Before its first period a site is not attacked.
            for (i, a) in periods.iter().enumerate() {
                let to = periods.get(i + 1).map_or(ndays as u32, |b| day(b.from)).min(ndays as u32);
                let at = Attack {
                    per_day: a.per_week.value / 7.0,
                    garrison_factor: num(&a.garrison_factor),
                    wounded: num(&a.wounded_per_attack),
                    killed: num(&a.killed_per_attack),
                    aircraft_hit: num(&a.aircraft_hit),
                    airfield_closure: num(&a.airfield_closure),
                    closed_days: a.airfield_closed_days.as_ref().map_or(0, |c| c.value),
                };
                for d in day(a.from)..to {
                    table[d as usize] = at;
                }
            }
        }
        let mut garrison = vec![0u32; n];
        for g in &s.personnel {
            if let Some(site) = site_of(&g.site) {
                garrison[site as usize] += g.count.value;
            }
        }
        AttackWorld { by_site, garrison }
    }
}

/// Attack state of one replication.
#[derive(Debug, Clone, Default)]
pub struct AttackState {
    /// Per site: attacks on each day so far.
    pub daily: Vec<Vec<u16>>,
    /// Per site: first day the airfield is open again.
    pub airfield_open_from: Vec<u32>,
    /// Per closure: its closing convoy has been called (on its date or early).
    pub called: Vec<bool>,
}

impl AttackState {
    pub fn new(w: &World) -> AttackState {
        AttackState {
            daily: w.attacks.by_site.iter().map(|t| vec![0; t.len()]).collect(),
            airfield_open_from: vec![0; w.n_sites()],
            called: vec![false; w.closures.len()],
        }
    }
}

impl Sim<'_> {
    /// 00:00 of day `d`: the attacks of the day on every open site (stream
    /// `Attack` of the site, index = day) and their effects.
    pub fn draw_attacks(&mut self, d: u32) {
        let w = self.w;
        for site in 0..w.n_sites() {
            let table = &w.attacks.by_site[site];
            if table.is_empty() || self.out.site_closed[site].is_some() {
                continue;
            }
            let a = table[(d as usize).min(table.len() - 1)];
            if a.per_day <= 0.0 {
                continue;
            }
            let based = w.attacks.garrison[site];
            let thinned = if based == 0 {
                0.0
            } else {
                1.0 - (f64::from(self.people_at(site as u16)) / f64::from(based)).min(1.0)
            };
            let rate = a.per_day * (1.0 + a.garrison_factor * thinned);
            let mut s = self.keys.stream(w.sites[site].key, Purpose::Attack, u64::from(d));
            let n = poisson(rate, &mut s);
            if n == 0 {
                continue;
            }
            let cell = (d as usize).min(self.attacks.daily[site].len() - 1);
            self.attacks.daily[site][cell] = self.attacks.daily[site][cell].saturating_add(n as u16);
            self.out.attacks += n;
            for _ in 0..n {
                // The killed and wounded of an attack are at most the people there.
                let present = self.people_at(site as u16);
                let wounded = poisson_capped(a.wounded, present, &mut s);
                let killed = poisson_capped(a.killed, present - wounded, &mut s);
                self.out.attack_wounded += wounded;
                self.out.attack_killed += self.kill_at_site(site as u16, killed);
                if w.sites[site].airfield {
                    if s.bernoulli(a.aircraft_hit) {
                        self.out.aircraft_hit += 1;
                    }
                    if s.bernoulli(a.airfield_closure) {
                        let open = &mut self.attacks.airfield_open_from[site];
                        *open = (*open).max(d + a.closed_days);
                    }
                }
            }
        }
    }

    /// People at a site now (its own and those in transit).
    pub fn people_at(&self, site: u16) -> u32 {
        self.site_transit[site as usize] + self.site_roles[site as usize].iter().sum::<u32>()
    }

    /// Up to `n` people killed at a site, groups in order. Returns how many.
    fn kill_at_site(&mut self, site: u16, mut n: u32) -> u32 {
        let mut killed = 0;
        for g in self.groups_at(site) {
            if n == 0 {
                break;
            }
            let k = self.remove_pax(site, g, n);
            n -= k;
            killed += k;
            self.killed_pax[g as usize] += k;
        }
        killed
    }

    /// Whether the airfield at `site` takes flights on day `d`.
    pub fn airfield_open(&self, site: u16, d: u32) -> bool {
        d >= self.attacks.airfield_open_from[site as usize]
    }

    /// Calls closing convoys due on day `d`: on their date, or earlier when
    /// the site's attacks within the rule's window reach its threshold.
    pub fn call_closures(&mut self, d: u32) {
        let w = self.w;
        for (c, cl) in w.closures.iter().enumerate() {
            if self.attacks.called[c] {
                continue;
            }
            let early = cl.leave_early.is_some_and(|(n, days)| {
                let daily = &self.attacks.daily[cl.site as usize];
                if daily.is_empty() || d >= cl.day {
                    return false;
                }
                let to = (d as usize).min(daily.len() - 1);
                let from = (d + 1).saturating_sub(days) as usize;
                daily[from..=to].iter().map(|&x| u32::from(x)).sum::<u32>() >= n
            });
            if cl.day == d || early {
                self.attacks.called[c] = true;
                if early {
                    self.out.closures_early += 1;
                }
                self.schedule(d * MIN_PER_DAY + MOVE_MINUTE, Ev::Close(c as u16));
            }
        }
    }
}
