//! Tornado chart (`--tornado METRIC`): one-at-a-time sensitivity. Each
//! uncertain input is set to its low and then its high bound, the rest held
//! at their values; a bar runs from the baseline mean of the metric to its
//! mean with the input low (blue) and high (orange). Rows are sorted by the
//! size of the swing, so the inputs worth pinning down come first.
//!
//! `draw` takes plain rows; `chart` adapts the engine's `Tornado`.

use std::fmt::Write;

use drawdown_engine::sensitivity::Tornado;

use crate::Chart;
use crate::svg::{self, Scale, c, colour};

/// Most rows drawn (the largest swings).
pub const MAX_ROWS: usize = 15;

/// One input's effect, in the metric's display unit.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    /// Second line: the input's range and provenance.
    pub detail: String,
    /// Metric at the input's low bound minus the baseline.
    pub low_effect: f64,
    pub high_effect: f64,
}

/// The metric's unit for axis labels.
pub fn unit_of(metric: &str) -> String {
    if crate::compare::is_probability(metric) {
        "percent of replications".into()
    } else if metric.starts_with("equipment.") {
        "items".into()
    } else if metric.starts_with("sites_") {
        "sites".into()
    } else {
        "people".into()
    }
}

pub fn chart(t: &Tornado, unit: &str) -> Chart {
    let k = if crate::compare::is_probability(&t.metric) { 100.0 } else { 1.0 };
    let rows: Vec<Row> = t
        .swings
        .iter()
        .map(|s| Row {
            label: s.label.clone(),
            detail: format!(
                "{} → {} (now {}){}{}",
                svg::num(s.low_value),
                svg::num(s.high_value),
                svg::num(s.base_value),
                s.confidence.as_ref().map(|c| format!(", {c} confidence")).unwrap_or_default(),
                s.source.as_ref().map(|c| format!(", {c}")).unwrap_or_default()
            ),
            low_effect: (s.metric_at_low - t.base) * k,
            high_effect: (s.metric_at_high - t.base) * k,
        })
        .collect();
    draw(&crate::compare::label(&t.metric, &Default::default()), t.base * k, unit, &rows, t.runs)
}

pub fn draw(metric: &str, base: f64, unit: &str, rows: &[Row], runs: u64) -> Chart {
    let shown = &rows[..rows.len().min(MAX_ROWS)];
    let w = 960.0;
    let (lab_r, left, right) = (330.0, 350.0, 900.0);
    let top = 34.0;
    let row = 38.0;
    let bottom = top + shown.len().max(1) as f64 * row;
    let h = bottom + 80.0;
    let lo = shown.iter().map(|r| r.low_effect.min(r.high_effect)).fold(0.0, f64::min);
    let hi = shown.iter().map(|r| r.low_effect.max(r.high_effect)).fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.08).max(base.abs() * 0.01).max(1e-6);
    let xs = Scale::new(base + lo - pad, base + hi + pad, left, right);
    let mut o = String::new();
    svg::x_axis(
        &mut o,
        &xs,
        bottom,
        top - 6.0,
        6,
        &format!("{metric} ({unit}), mean over {}", crate::replications(runs)),
    );
    let xb = xs.at(base);
    if shown.is_empty() {
        svg::text(
            &mut o,
            (left + right) / 2.0,
            top + 20.0,
            "no uncertain inputs: give values a `confidence` (or low/high) to vary them",
            12.0,
            "middle",
            &format!(r#"fill="{}""#, colour::MUTED),
        );
    }
    for (i, r) in shown.iter().enumerate() {
        let yc = top + (i as f64 + 0.5) * row;
        if i % 2 == 0 {
            let _ = write!(
                o,
                r##"<rect x="8" y="{}" width="{}" height="{}" fill="#F6F6F6"/>"##,
                c(yc - row / 2.0),
                c(w - 16.0),
                c(row)
            );
        }
        svg::text(
            &mut o,
            lab_r,
            yc - 2.0,
            &svg::fit(&r.label, 11.5, lab_r - 20.0),
            11.5,
            "end",
            &format!(r#"fill="{}""#, colour::INK),
        );
        svg::text(
            &mut o,
            lab_r,
            yc + 12.0,
            &svg::fit(&r.detail, 9.5, lab_r - 20.0),
            9.5,
            "end",
            &format!(r#"fill="{}""#, colour::MUTED),
        );
        for (effect, col) in [(r.low_effect, colour::SKY), (r.high_effect, colour::ORANGE)] {
            if effect == 0.0 {
                continue;
            }
            let x = xs.at(base + effect);
            let (a, z) = (x.min(xb), x.max(xb));
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="14" fill="{col}"/>"#,
                c(a),
                c(yc - 7.0),
                c((z - a).max(1.0))
            );
        }
        // Effects at the bar ends.
        let (l, hgh) = (r.low_effect.min(r.high_effect), r.low_effect.max(r.high_effect));
        let fmt = |e: f64| svg::signed((e * 100.0).round() / 100.0);
        if l < 0.0 {
            svg::text(
                &mut o,
                xs.at(base + l) - 4.0,
                yc + 4.0,
                &fmt(l),
                10.0,
                "end",
                &format!(r#"fill="{}""#, colour::MUTED),
            );
        }
        if hgh > 0.0 {
            svg::text(
                &mut o,
                xs.at(base + hgh) + 4.0,
                yc + 4.0,
                &fmt(hgh),
                10.0,
                "start",
                &format!(r#"fill="{}""#, colour::MUTED),
            );
        }
    }
    let _ = write!(
        o,
        r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.5"/>"#,
        c(xb),
        c(top - 10.0),
        c(bottom),
        colour::INK
    );
    svg::text(
        &mut o,
        xb,
        top - 14.0,
        &format!("baseline {}", svg::num(base)),
        11.0,
        "middle",
        &format!(r#"fill="{}" font-weight="bold""#, colour::INK),
    );
    let mut lg = svg::Legend::new(20.0, h - 16.0, w - 20.0);
    lg.item(
        &mut o,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -6)" width="18" height="12" fill="{}"/>"#,
            colour::SKY
        ),
        "input at its low bound",
    );
    lg.item(
        &mut o,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -6)" width="18" height="12" fill="{}"/>"#,
            colour::ORANGE
        ),
        "input at its high bound",
    );
    Chart {
        id: "tornado",
        title: format!("What {metric} is most sensitive to"),
        caption: format!(
            "One-at-a-time sensitivity: each uncertain input (a value with a confidence or a low/high range) is set to its low, then its high bound, all else as in the scenario; bars run from the baseline mean to the mean with the input changed, over {} with the same seeds (common random numbers). Largest swings first{}. Grey line under each name: the input's range, current value, confidence and source.",
            crate::replications(runs),
            if rows.len() > shown.len() {
                format!("; {} of {} inputs shown", shown.len(), rows.len())
            } else {
                String::new()
            }
        ),
        width: w,
        height: h,
        body: o,
    }
}
