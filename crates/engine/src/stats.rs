//! Exact streaming statistics over replications.
//!
//! Every metric the engine reports is a whole number (people, items, days,
//! hours), so a histogram of exact counts gives exact means and quantiles in
//! memory bounded by the spread of the values seen (from the smallest to the
//! largest), not by the number of replications nor by the values' size: the
//! people departed by a day may be near a million in every replication and
//! take a few thousand counts.
//! Adding counts commutes, so merging is order-free: the result is the same
//! whatever the number of threads.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Counts of whole-number observations; `None` observations (e.g. "site not
/// closed within the horizon") sort after every value. Serialised sparse
/// (the values seen and their counts), so that a part of a run travels
/// between processes in space bounded by its replications, not by the
/// metric's range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SparseHist", from = "SparseHist")]
pub struct Hist {
    /// `counts[i]` observations of the value `lo + i`; empty, or first and
    /// last non-zero (so equal histograms are equal structs).
    counts: Vec<u64>,
    lo: u32,
    none: u64,
    n: u64,
    sum: u128,
}

/// A histogram's serialised form: the values observed at least once, in
/// increasing order, with their counts, and the count of `None`s.
#[derive(Serialize, Deserialize)]
struct SparseHist {
    values: Vec<u32>,
    counts: Vec<u64>,
    none: u64,
}

impl From<Hist> for SparseHist {
    fn from(h: Hist) -> SparseHist {
        let (values, counts) =
            h.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, &c)| (h.lo + i as u32, c)).unzip();
        SparseHist { values, counts, none: h.none }
    }
}

impl From<SparseHist> for Hist {
    fn from(s: SparseHist) -> Hist {
        let mut h = Hist { none: s.none, n: s.none, ..Hist::default() };
        for (&v, &c) in s.values.iter().zip(&s.counts).filter(|(_, c)| **c > 0) {
            *h.slot(v) += c;
            h.n += c;
            h.sum += u128::from(v) * u128::from(c);
        }
        h
    }
}

/// Mean and nearest-rank quantiles.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Q {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

impl Hist {
    pub fn new() -> Hist {
        Hist::default()
    }

    /// The count of value `v`, the range widened to hold it (the caller
    /// adds to it, so the ends stay non-zero).
    #[inline]
    fn slot(&mut self, v: u32) -> &mut u64 {
        if self.counts.is_empty() {
            self.lo = v;
            self.counts.push(0);
        } else if v < self.lo {
            let grow = (self.lo - v) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.lo = v;
        } else if (v - self.lo) as usize >= self.counts.len() {
            self.counts.resize((v - self.lo) as usize + 1, 0);
        }
        &mut self.counts[(v - self.lo) as usize]
    }

    #[inline]
    pub fn add(&mut self, v: u32) {
        *self.slot(v) += 1;
        self.n += 1;
        self.sum += u128::from(v);
    }

    #[inline]
    pub fn add_opt(&mut self, v: Option<u32>) {
        match v {
            Some(v) => self.add(v),
            None => {
                self.none += 1;
                self.n += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &Hist) {
        if !other.counts.is_empty() {
            // Widen to both ends of the other's range first (its ends are
            // non-zero, so the merged ends are too).
            let hi = other.lo + (other.counts.len() - 1) as u32;
            self.slot(other.lo);
            self.slot(hi);
            let at = (other.lo - self.lo) as usize;
            for (a, b) in self.counts[at..].iter_mut().zip(&other.counts) {
                *a += b;
            }
        }
        self.none += other.none;
        self.n += other.n;
        self.sum += other.sum;
    }

    /// Observations per value from the smallest seen: `(lo, counts, none)`,
    /// `counts[i]` observations of `lo + i`, and the count of `None`s.
    pub fn counts(&self) -> (u32, &[u64], u64) {
        (self.lo, &self.counts, self.none)
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    /// Fraction of observations that were `Some`.
    pub fn fraction_some(&self) -> f64 {
        if self.n == 0 { 0.0 } else { (self.n - self.none) as f64 / self.n as f64 }
    }

    /// Mean of the `Some` observations.
    pub fn mean(&self) -> Option<f64> {
        let k = self.n - self.none;
        (k > 0).then(|| self.sum as f64 / k as f64)
    }

    /// Nearest-rank quantile: the smallest v with at least ceil(q·n)
    /// observations <= v. `None` if that rank falls among the `None`s.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        if self.n == 0 {
            return None;
        }
        let rank = ((q * self.n as f64).ceil() as u64).clamp(1, self.n);
        let mut cum = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            cum += c;
            if cum >= rank {
                return Some(self.lo + i as u32);
            }
        }
        None
    }

    /// Summary of an all-`Some` metric (0 for an empty histogram).
    pub fn q(&self) -> Q {
        Q {
            mean: self.mean().unwrap_or(0.0),
            p5: self.quantile(0.05).unwrap_or(0) as f64,
            p50: self.quantile(0.50).unwrap_or(0) as f64,
            p95: self.quantile(0.95).unwrap_or(0) as f64,
        }
    }

    /// Like `q`, with every value divided by `unit` (e.g. hours → days).
    pub fn q_scaled(&self, unit: f64) -> Q {
        let q = self.q();
        Q { mean: q.mean / unit, p5: q.p5 / unit, p50: q.p50 / unit, p95: q.p95 / unit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let mut h = Hist::new();
        for v in 1..=100 {
            h.add(v);
        }
        assert_eq!(h.quantile(0.05), Some(5));
        assert_eq!(h.quantile(0.5), Some(50));
        assert_eq!(h.quantile(0.95), Some(95));
        assert_eq!(h.mean(), Some(50.5));
    }

    #[test]
    fn none_sorts_last() {
        let mut h = Hist::new();
        h.add_opt(Some(3));
        h.add_opt(None);
        h.add_opt(None);
        assert_eq!(h.quantile(0.3), Some(3));
        assert_eq!(h.quantile(0.5), None);
        assert!((h.fraction_some() - 1.0 / 3.0).abs() < 1e-12);
    }

    /// Whatever the order of the values and however they are split and
    /// merged, the histogram is the same struct (its range starts at the
    /// smallest value and ends at the largest) with exact quantiles, and it
    /// survives its sparse serialised form.
    #[test]
    fn offset_histograms_are_canonical_and_exact() {
        use proptest::prelude::*;
        proptest!(|(xs in proptest::collection::vec(0u32..2_000_000, 0..60), cut in 0usize..60)| {
            let cut = cut.min(xs.len());
            let mut whole = Hist::new();
            xs.iter().for_each(|&x| whole.add(x));
            let (mut a, mut b) = (Hist::new(), Hist::new());
            xs[..cut].iter().rev().for_each(|&x| a.add(x));
            xs[cut..].iter().for_each(|&x| b.add(x));
            b.merge(&a);
            prop_assert_eq!(&b, &whole);
            let mut sorted = xs.clone();
            sorted.sort_unstable();
            for q in [0.05, 0.5, 0.95] {
                let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
                prop_assert_eq!(whole.quantile(q), sorted.get(rank - 1).copied());
            }
            if let (Some(lo), Some(hi)) = (sorted.first(), sorted.last()) {
                let (l, counts, _) = whole.counts();
                prop_assert_eq!((l, counts.len()), (*lo, (hi - lo) as usize + 1));
            }
            let back: Hist = serde_json::from_str(&serde_json::to_string(&whole).unwrap()).unwrap();
            prop_assert_eq!(back, whole);
        });
    }

    #[test]
    fn merge_is_order_free() {
        let xs = [5u32, 1, 9, 9, 0, 12, 3];
        let mut whole = Hist::new();
        xs.iter().for_each(|&x| whole.add(x));
        let (mut a, mut b) = (Hist::new(), Hist::new());
        xs[..3].iter().for_each(|&x| a.add(x));
        xs[3..].iter().for_each(|&x| b.add(x));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        for q in [0.05, 0.5, 0.95] {
            assert_eq!(ab.quantile(q), whole.quantile(q));
            assert_eq!(ba.quantile(q), whole.quantile(q));
        }
        assert_eq!(ab.mean(), whole.mean());
    }
}
