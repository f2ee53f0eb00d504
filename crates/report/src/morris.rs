//! Global sensitivity chart (Morris screening, `drawdown.morris` in
//! Python): one panel per headline output, each with the inputs of largest
//! μ* (the mean absolute change of the output's mean when the input moves
//! from its lower to its upper level, all other inputs anywhere in their
//! ranges) as bars, and σ (the spread of those effects: interactions and
//! non-linearity) as a thin line beside each bar.

use std::fmt::Write;

use drawdown_engine::global::Morris;

use crate::Chart;
use crate::svg::{self, Scale, c, colour};

/// Inputs shown per panel.
pub const ROWS: usize = 10;

/// An output's title and how its values are shown (factor, unit).
fn output_label(name: &str) -> (&'static str, f64, &'static str) {
    match name {
        "p_all_sites_closed_by_deadline" => ("P(all planned closures by the deadline)", 100.0, "points of %"),
        "personnel_departed_by_deadline" => ("personnel departed by the deadline", 1.0, "people"),
        "wounded" => ("wounded", 1.0, "people"),
        "equipment_destroyed" => ("equipment destroyed", 1.0, "items"),
        _ => ("output", 1.0, ""),
    }
}

pub fn chart(m: &Morris) -> Chart {
    let w = 960.0;
    let (lab_r, left, right) = (360.0, 375.0, 900.0);
    let row = 22.0;
    let panel = 46.0 + ROWS as f64 * row + 40.0;
    let mut o = String::new();
    for (k, name) in m.outputs.iter().enumerate() {
        let (title, factor, unit) = output_label(name);
        let top = k as f64 * panel;
        let mut ranked: Vec<_> = m.factors.iter().collect();
        ranked.sort_by(|a, b| b.mu_star[k].total_cmp(&a.mu_star[k]).then_with(|| a.path.cmp(&b.path)));
        let shown = &ranked[..ranked.len().min(ROWS)];
        svg::text(
            &mut o,
            20.0,
            top + 18.0,
            title,
            14.0,
            "start",
            &format!(r#"fill="{}" font-weight="bold""#, colour::INK),
        );
        let hi = shown.iter().map(|f| (f.mu_star[k].max(f.sigma[k])) * factor).fold(0.0, f64::max);
        let (y0, y1) = (top + 30.0, top + 30.0 + ROWS as f64 * row);
        if hi <= 0.0 {
            // No input moved the output in any world: no ranking to draw.
            svg::text(
                &mut o,
                20.0,
                y0 + 20.0,
                "No input changes this output in these runs: it is the same in every world.",
                12.0,
                "start",
                &format!(r#"fill="{}""#, colour::INK),
            );
            continue;
        }
        let xs = Scale::new(0.0, svg::nice_max(hi), left, right);
        svg::x_axis(&mut o, &xs, y1, y0, 5, &format!("μ* (bar) and σ (line), {unit}"));
        for (i, f) in shown.iter().enumerate() {
            let yc = y0 + (i as f64 + 0.5) * row;
            let label = format!("{}{}", f.label, if f.calibrated { " (fitted)" } else { "" });
            svg::text(
                &mut o,
                lab_r,
                yc + 4.0,
                &svg::fit(&label, 11.0, lab_r - 20.0),
                11.0,
                "end",
                &format!(r#"fill="{}""#, colour::INK),
            );
            let x = xs.at(f.mu_star[k] * factor);
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="10" fill="{}"/>"#,
                c(left),
                c(yc - 7.0),
                c((x - left).max(0.5)),
                colour::BLUE
            );
            let _ = write!(
                o,
                r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="2"/>"#,
                c(left),
                c(xs.at(f.sigma[k] * factor).max(left + 0.5)),
                c(yc + 6.0),
                colour::ORANGE
            );
        }
    }
    Chart {
        id: "morris",
        title: "Which inputs matter, all inputs varying (Morris screening)".into(),
        caption: format!(
            "Each bar is an input's μ*: the mean absolute change of the output's mean when the input moves from \
             the 1/8 or 3/8 quantile of its distribution to the 5/8 or 7/8 one, the other inputs anywhere in \
             their ranges; the line beside it is σ, the spread of those changes (large when the input acts through \
             interactions or non-linearly). {} trajectories over {} inputs: {} worlds of {} replications each \
             (common random numbers), seed {}.",
            m.trajectories,
            m.factors.len(),
            m.worlds,
            m.runs,
            m.seed
        ),
        width: w,
        height: m.outputs.len() as f64 * panel,
        body: o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drawdown_engine::global::Factor;

    #[test]
    fn an_output_no_input_moves_says_so_instead_of_drawing_zero_bars() {
        let factor = |path: &str, effect: f64| Factor {
            path: path.into(),
            label: path.into(),
            calibrated: false,
            low: 0.0,
            high: 1.0,
            mu_star: vec![0.0, effect],
            mu: vec![0.0, effect],
            sigma: vec![0.0, effect / 2.0],
        };
        let m = Morris {
            outputs: vec!["p_all_sites_closed_by_deadline".into(), "wounded".into()],
            trajectories: 2,
            runs: 4,
            seed: 7,
            worlds: 6,
            replications: 24,
            factors: vec![factor("a", 3.0), factor("b", 1.0)],
        };
        let body = chart(&m).body;
        assert_eq!(body.matches("No input changes this output").count(), 1, "{body}");
        // Only the second output has bars: one per factor.
        assert_eq!(body.matches("<rect").count(), 2, "{body}");
    }
}
