//! Planning periods: days grouped into buckets, day by day near the deadline,
//! longer earlier on. A period never spans a change in the inputs the model
//! reads by day (corridor epochs, permits, customs holds, groundings,
//! clearance, threat), so each period is planned with its first day's values.

use drawdown_engine::World;

/// Period `p` covers days `start[p] .. start[p] + len[p]`.
pub struct Periods {
    pub start: Vec<usize>,
    pub len: Vec<usize>,
    /// Period of each day.
    pub of_day: Vec<usize>,
}

impl Periods {
    pub fn n(&self) -> usize {
        self.start.len()
    }
    pub fn last_day(&self, p: usize) -> usize {
        self.start[p] + self.len[p] - 1
    }
}

/// Automatic longest period: 5 days up to 30 bases, then growing with the size to 7 at 70 bases.
pub fn auto_bucket(bases: usize) -> usize {
    if bases <= 30 { 5 } else { (5 + (bases - 30) / 20).min(7) }
}

/// Whether an input the model reads by day changes on day `d` (d ≥ 1).
fn changes(w: &World, d: usize) -> bool {
    let at = |v: &[f64], d: usize| v[d.min(v.len() - 1)];
    let epoch = |d: usize| w.epoch_of_day[d.min(w.epoch_of_day.len() - 1)];
    if epoch(d) != epoch(d - 1) || at(&w.permit, d) != at(&w.permit, d - 1) {
        return true;
    }
    if w.held.iter().any(|h| h[d.min(h.len() - 1)] != h[(d - 1).min(h.len() - 1)]) {
        return true;
    }
    if w.aircraft
        .iter()
        .any(|a| a.grounded[d.min(a.grounded.len() - 1)] != a.grounded[(d - 1).min(a.grounded.len() - 1)])
    {
        return true;
    }
    let pad = w.lead_pad as usize;
    if w.clearance.iter().any(|c| at(&c.approval, d + pad) != at(&c.approval, d - 1 + pad)) {
        return true;
    }
    w.threat.iter().any(|z| {
        let (a, b) = (&z[d.min(z.len() - 1)], &z[(d - 1).min(z.len() - 1)]);
        a.ied_per_km != b.ied_per_km || a.ambush_per_km != b.ambush_per_km
    })
}

/// Periods over days `0 .. nd`: at most `bucket` days, one day each over the
/// last `tail` days, a new period at every change in the inputs and at
/// every day in `also` (e.g. dates that matter for handovers).
pub fn make(w: &World, nd: usize, bucket: usize, tail: usize, also: &[usize]) -> Periods {
    let (mut start, mut len) = (Vec::new(), Vec::new());
    let daily_from = nd.saturating_sub(tail);
    for d in 0..nd {
        let open = match len.last() {
            None => true,
            Some(&l) => d >= daily_from || l >= bucket || changes(w, d) || also.contains(&d),
        };
        if open {
            start.push(d);
            len.push(1);
        } else {
            *len.last_mut().expect("a period is open") += 1;
        }
    }
    let mut of_day = vec![0; nd];
    for (p, (&s, &l)) in start.iter().zip(&len).enumerate() {
        of_day[s..s + l].iter_mut().for_each(|x| *x = p);
    }
    Periods { start, len, of_day }
}
