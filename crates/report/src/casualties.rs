//! Casualties: how many peacekeepers were wounded (and killed) per
//! replication, as histograms of the exact per-value counts the engine
//! keeps (`Hist::counts`), binned when the range is wide.

use std::fmt::Write;

use drawdown_engine::stats::Hist;

use crate::svg::{self, Scale, c, colour};
use crate::{Chart, Report};

/// A distribution to draw: replications per value, and the summary marks.
#[derive(Debug, Clone)]
pub struct Distribution {
    pub what: &'static str,
    pub colour: &'static str,
    /// counts[v] = replications with exactly v.
    pub counts: Vec<u64>,
    pub mean: f64,
    pub p5: f64,
    pub p95: f64,
}

impl Distribution {
    pub fn of(what: &'static str, colour: &'static str, h: &Hist) -> Distribution {
        let (lo, counts, _) = h.counts();
        let q = h.q();
        let mut from_zero = vec![0; lo as usize];
        from_zero.extend_from_slice(counts);
        Distribution { what, colour, counts: from_zero, mean: q.mean, p5: q.p5, p95: q.p95 }
    }
}

pub fn chart(r: &Report) -> Chart {
    let s = r.summary;
    draw(
        &[
            Distribution::of("wounded", colour::ORANGE, &s.wounded),
            Distribution::of("killed", colour::DARK_RED, &s.killed),
        ],
        s.runs,
    )
}

/// Bins of whole numbers: (first value, last value, replications).
fn bins(counts: &[u64], max_bins: usize) -> Vec<(usize, usize, u64)> {
    let n = counts.len().max(1);
    let width = n.div_ceil(max_bins).max(1);
    // Round bin widths: 1, 2, 5, 10, 20, 50...
    let width = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000]
        .into_iter()
        .find(|w| *w >= width)
        .unwrap_or(width);
    (0..n.div_ceil(width))
        .map(|b| {
            (b * width, b * width + width - 1, counts[b * width..((b + 1) * width).min(counts.len())].iter().sum())
        })
        .collect()
}

pub fn draw(ds: &[Distribution], runs: u64) -> Chart {
    let w = 960.0;
    let h = 330.0;
    let panel_w = (w - 40.0) / ds.len().max(1) as f64;
    let mut o = String::new();
    let mut notes = Vec::new();
    for (k, d) in ds.iter().enumerate() {
        let left = 20.0 + k as f64 * panel_w + 66.0;
        let right = 20.0 + (k + 1) as f64 * panel_w - 20.0;
        let (top, bottom) = (36.0, 260.0);
        let bs = bins(&d.counts, 40);
        let total = runs.max(1) as f64;
        let ymax = svg::nice_max(bs.iter().map(|b| b.2 as f64 / total * 100.0).fold(0.0, f64::max).max(1.0));
        let ys = Scale::new(0.0, ymax, bottom, top);
        let hi = bs.last().map_or(1.0, |b| b.1 as f64 + 1.0).max(1.0);
        let xs = Scale::new(0.0, hi, left, right);
        svg::y_axis(&mut o, &ys, left, right, 5, "share of replications (%)");
        let width = bs.first().map_or(1, |b| b.1 - b.0 + 1);
        let unit = if width == 1 {
            format!("people {} per replication", d.what)
        } else {
            format!("people {} per replication (bins of {width})", d.what)
        };
        // Integer-valued x axis: tick at bin edges, labelled with values.
        let ticks = svg::ticks(0.0, hi, 6);
        for t in &ticks {
            let x = xs.at(*t + if width == 1 { 0.5 } else { 0.0 });
            if x > right + 0.5 {
                continue;
            }
            let _ = write!(
                o,
                r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}"/>"#,
                c(x),
                c(bottom),
                c(bottom + 4.0),
                colour::MUTED
            );
            svg::text(&mut o, x, bottom + 16.0, &svg::int(*t), 11.0, "middle", &format!(r#"fill="{}""#, colour::MUTED));
        }
        let _ = write!(
            o,
            r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}"/>"#,
            c(left),
            c(right),
            c(bottom),
            colour::MUTED
        );
        svg::text(
            &mut o,
            (left + right) / 2.0,
            bottom + 34.0,
            &unit,
            12.0,
            "middle",
            &format!(r#"fill="{}""#, colour::INK),
        );
        for (a, z, n) in &bs {
            if *n == 0 {
                continue;
            }
            let (x0, x1) = (xs.at(*a as f64), xs.at(*z as f64 + 1.0));
            let y = ys.at(*n as f64 / total * 100.0);
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="white" stroke-width="0.6"/>"#,
                c(x0),
                c(y),
                c((x1 - x0).max(1.0)),
                c((bottom - y).max(0.5)),
                d.colour
            );
        }
        // Mean and the 90 % range.
        let centre = |v: f64| xs.at(v + if width == 1 { 0.5 } else { 0.0 });
        let xm = centre(d.mean);
        let _ = write!(
            o,
            r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.5" stroke-dasharray="4 3"/>"#,
            c(xm),
            c(top),
            c(bottom),
            colour::INK
        );
        let (xa, xz) = (centre(d.p5), centre(d.p95));
        let _ = write!(
            o,
            r#"<path d="M{a},{y} L{z},{y} M{a},{y0} L{a},{y1} M{z},{y0} L{z},{y1}" stroke="{ink}" stroke-width="1.5" fill="none"/>"#,
            a = c(xa),
            z = c(xz),
            y = c(top - 10.0),
            y0 = c(top - 14.0),
            y1 = c(top - 6.0),
            ink = colour::INK
        );
        let label = format!(
            "mean {}  ·  5th–95th percentile {}–{}",
            svg::num((d.mean * 10.0).round() / 10.0),
            svg::int(d.p5),
            svg::int(d.p95)
        );
        let anchor_x = ((xa + xz) / 2.0)
            .clamp(left + svg::text_width(&label, 11.0) / 2.0, right - svg::text_width(&label, 11.0) / 2.0);
        svg::text(&mut o, anchor_x, top - 18.0, &label, 11.0, "middle", &format!(r#"fill="{}""#, colour::INK));
        let none = d.counts.first().copied().unwrap_or(0) as f64 / total;
        notes.push(format!("{} {}", d.what, svg::pct(none)));
    }
    Chart {
        id: "casualties",
        title: "Casualties per replication".into(),
        caption: format!(
            "Distribution over {} of the number of peacekeepers wounded (left) and killed (right) in convoy incidents during the drawdown. Bar height: share of replications with that number; dashed line: mean; bracket above: 5th–95th percentile. Share of replications with none: {}.",
            crate::replications(runs),
            notes.join("; ")
        ),
        width: w,
        height: h,
        body: o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_round_and_keep_every_count() {
        let counts: Vec<u64> = (0..95).map(|v| v as u64).collect();
        let b = bins(&counts, 40);
        assert_eq!(b[0], (0, 4, 10));
        assert_eq!(b.iter().map(|x| x.2).sum::<u64>(), counts.iter().sum::<u64>());
        assert_eq!(bins(&[3, 2], 40), vec![(0, 0, 3), (1, 1, 2)]);
    }
}
