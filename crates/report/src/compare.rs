//! Paired comparison (`--compare VARIANT`): for every metric that differs,
//! the mean difference variant − base with its 95 % confidence interval,
//! drawn as a forest plot. Metrics have different units (people, items,
//! probabilities), so each row has its own scale, symmetric about zero: the
//! picture shows the sign and whether the interval excludes zero, the
//! numbers beside it the size. The HTML page also has the full table.

use std::fmt::Write;

use drawdown_engine::compare::{Better, Difference};

use crate::svg::{self, c, colour, esc};
use crate::{Chart, Comparison};

/// Most rows drawn; the table has them all.
pub const MAX_ROWS: usize = 32;

/// The metrics that differ in at least one pair, in the engine's order.
pub fn differing(diffs: &[Difference]) -> Vec<&Difference> {
    diffs.iter().filter(|d| !(d.mean_difference == 0.0 && d.ci95 == [0.0, 0.0])).collect()
}

/// Yes/no metrics are compared as probabilities, shown in percentage points.
pub fn is_probability(metric: &str) -> bool {
    metric == "all_sites_closed_by_deadline"
        || (metric.starts_with("site.")
            && (metric.ends_with(".closed_by_deadline") || metric.ends_with(".seized_by_armed_group")))
}

/// A metric's name for people: `site.kidal.seized_by_armed_group` →
/// `Kidal: taken by an armed group` (site ids replaced by their names).
pub fn label(metric: &str, names: &std::collections::HashMap<String, String>) -> String {
    let words = |s: &str| s.replace('_', " ");
    if let Some(rest) = metric.strip_prefix("site.")
        && let Some((site, what)) = rest.rsplit_once('.')
    {
        let what = match what {
            "closed_by_deadline" => "vacated by the deadline".to_string(),
            "seized_by_armed_group" => "taken by an armed group".to_string(),
            w => words(w),
        };
        return format!("{}: {what}", names.get(site).map_or(site, String::as_str));
    }
    if let Some(f) = metric.strip_prefix("equipment.") {
        return format!("equipment {}", words(f));
    }
    words(metric)
}

/// A row's colour: grey when the interval holds zero; else blue when the
/// variant is better, vermilion when worse, purple when neither plainly.
fn row_colour(d: &Difference) -> &'static str {
    if !d.significant {
        return colour::LIGHT;
    }
    let up = d.mean_difference > 0.0;
    match d.better {
        Better::Higher if up => colour::BLUE,
        Better::Lower if !up => colour::BLUE,
        Better::Higher | Better::Lower => colour::VERMILION,
        Better::Neither => colour::PURPLE,
    }
}

/// Value in display units: probabilities in percent.
pub fn shown(metric: &str, x: f64) -> String {
    if is_probability(metric) { format!("{} %", svg::num((x * 1000.0).round() / 10.0)) } else { svg::num(x) }
}

/// A difference in display units: probabilities in percentage points.
pub fn shown_diff(metric: &str, x: f64) -> String {
    if is_probability(metric) { format!("{} pp", svg::signed((x * 1000.0).round() / 10.0)) } else { svg::signed(x) }
}

pub fn chart(cmp: &Comparison) -> Chart {
    let rows = differing(&cmp.differences);
    let shown_rows: Vec<&Difference> = rows.iter().take(MAX_ROWS).copied().collect();
    let w = 960.0;
    let (lab_r, left, right) = (300.0, 320.0, 600.0);
    let top = 40.0;
    let row = 26.0;
    let n = shown_rows.len().max(1);
    let bottom = top + n as f64 * row;
    let h = bottom + 44.0;
    let mut o = String::new();
    let mid = (left + right) / 2.0;
    svg::text(
        &mut o,
        mid,
        top - 22.0,
        "difference, variant − base (each row its own scale)",
        11.5,
        "middle",
        &format!(r#"fill="{}""#, colour::INK),
    );
    svg::text(&mut o, left, top - 8.0, "← lower", 10.5, "start", &format!(r#"fill="{}""#, colour::MUTED));
    svg::text(&mut o, right, top - 8.0, "higher →", 10.5, "end", &format!(r#"fill="{}""#, colour::MUTED));
    svg::text(
        &mut o,
        right + 20.0,
        top - 8.0,
        "base → variant",
        11.0,
        "start",
        &format!(r#"fill="{}" font-weight="bold""#, colour::INK),
    );
    svg::text(
        &mut o,
        right + 190.0,
        top - 8.0,
        "difference [95 % CI]",
        11.0,
        "start",
        &format!(r#"fill="{}" font-weight="bold""#, colour::INK),
    );
    if shown_rows.is_empty() {
        svg::text(
            &mut o,
            mid,
            top + 18.0,
            "no metric differs in any pair",
            12.0,
            "middle",
            &format!(r#"fill="{}""#, colour::MUTED),
        );
    }
    for (i, d) in shown_rows.iter().enumerate() {
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
            yc + 4.0,
            &svg::fit(&label(&d.metric, &cmp.site_names), 11.5, lab_r - 20.0),
            11.5,
            "end",
            &format!(r#"fill="{}""#, colour::INK),
        );
        let m = d.ci95[0].abs().max(d.ci95[1].abs()).max(d.mean_difference.abs()).max(1e-9) * 1.15;
        let x = |v: f64| mid + v / m * (right - left) / 2.0;
        let col = row_colour(d);
        let (a, z) = (x(d.ci95[0]), x(d.ci95[1]));
        let _ = write!(
            o,
            r#"<rect x="{}" y="{}" width="{}" height="8" rx="2" fill="{col}" fill-opacity="0.45"/>"#,
            c(a),
            c(yc - 4.0),
            c((z - a).max(1.5))
        );
        let _ = write!(
            o,
            r#"<circle cx="{}" cy="{}" r="4.5" fill="{col}" stroke="white" stroke-width="1"/>"#,
            c(x(d.mean_difference)),
            c(yc)
        );
        svg::text(
            &mut o,
            right + 20.0,
            yc + 4.0,
            &format!("{} → {}", shown(&d.metric, d.base_mean), shown(&d.metric, d.variant_mean)),
            11.0,
            "start",
            &format!(r#"fill="{}""#, colour::INK),
        );
        let ci = format!(
            "{} [{}, {}]",
            shown_diff(&d.metric, d.mean_difference),
            shown_diff(&d.metric, d.ci95[0]),
            shown_diff(&d.metric, d.ci95[1])
        );
        let weight = if d.significant { r#" font-weight="bold""# } else { "" };
        let _ = write!(
            o,
            r#"<text x="{}" y="{}" font-size="11" fill="{}"{weight}>{}</text>"#,
            c(right + 190.0),
            c(yc + 4.0),
            colour::INK,
            esc(&ci)
        );
    }
    let _ = write!(
        o,
        r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.2"/>"#,
        c(mid),
        c(top - 2.0),
        c(bottom),
        colour::MUTED
    );
    let mut lg = svg::Legend::new(20.0, h - 16.0, w - 20.0);
    lg.item(
        &mut o,
        &format!(r#"<circle cx="{{xm}}" cy="{{y}}" r="4.5" fill="{}"/>"#, colour::BLUE),
        "variant better (interval excludes 0)",
    );
    lg.item(
        &mut o,
        &format!(r#"<circle cx="{{xm}}" cy="{{y}}" r="4.5" fill="{}"/>"#, colour::VERMILION),
        "variant worse",
    );
    lg.item(
        &mut o,
        &format!(r#"<circle cx="{{xm}}" cy="{{y}}" r="4.5" fill="{}"/>"#, colour::PURPLE),
        "changed, neither plainly better nor worse",
    );
    lg.item(
        &mut o,
        &format!(r#"<circle cx="{{xm}}" cy="{{y}}" r="4.5" fill="{}"/>"#, colour::LIGHT),
        "not distinguishable from 0",
    );
    let hidden = cmp.differences.len() - rows.len();
    let cut = rows.len() - shown_rows.len();
    Chart {
        id: "compare",
        title: format!("What changes with `{}`", cmp.variant),
        caption: format!(
            "Mean difference variant − base over {} paired replications (seed {}; common random numbers, so the luck not touched by the variant is the same on both sides). Point: mean difference; bar: 95 % confidence interval (mean ± 1.96·sd/√n). Yes/no metrics are shown as probabilities, their differences in percentage points (pp).{}{}",
            svg::int(cmp.runs as f64),
            cmp.seed,
            if hidden > 0 {
                format!(" {hidden} metrics identical in every pair are not shown.")
            } else {
                String::new()
            },
            if cut > 0 { format!(" {cut} more rows are in the table below.") } else { String::new() }
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
    fn metric_names_read_as_words() {
        let names = [("kidal".to_string(), "Kidal".to_string())].into_iter().collect();
        assert_eq!(label("site.kidal.seized_by_armed_group", &names), "Kidal: taken by an armed group");
        assert_eq!(label("site.ber.closed_by_deadline", &names), "ber: vacated by the deadline");
        assert_eq!(label("equipment.handed_over", &names), "equipment handed over");
        assert!(is_probability("site.kidal.closed_by_deadline"));
        assert!(!is_probability("sites_closed_by_deadline"));
        assert_eq!(shown_diff("all_sites_closed_by_deadline", 0.123), "+12.3 pp");
    }

    /// Colour says better or worse, not higher or lower: more wounded is
    /// worse, more people out is better, and a closure brought forward is
    /// neither plainly.
    #[test]
    fn rows_are_coloured_by_better_or_worse() {
        let src = drawdown_model::Source::new("m", drawdown_model::MINUSMA_2023);
        let world =
            drawdown_engine::World::compile(&drawdown_model::load(&src).expect("loads").scenario).expect("compiles");
        let d = |metric: &str, diff: f64, significant: bool| Difference {
            metric: metric.into(),
            better: drawdown_engine::compare::metrics(&world)
                .into_iter()
                .find(|m| m.name == metric)
                .map_or(Better::Neither, |m| m.better),
            base_mean: 0.0,
            variant_mean: diff,
            mean_difference: diff,
            ci95: [diff - 0.1, diff + 0.1],
            significant,
            variance_reduction: None,
        };
        assert_eq!(row_colour(&d("wounded", 2.0, true)), colour::VERMILION);
        assert_eq!(row_colour(&d("wounded", -2.0, true)), colour::BLUE);
        assert_eq!(row_colour(&d("personnel_departed_by_deadline", 50.0, true)), colour::BLUE);
        assert_eq!(row_colour(&d("site.kidal.seized_by_armed_group", 0.1, true)), colour::VERMILION);
        assert_eq!(row_colour(&d("site.kidal.closed_by_deadline", -0.1, true)), colour::VERMILION);
        assert_eq!(row_colour(&d("equipment.abandoned", -28.0, true)), colour::BLUE);
        assert_eq!(row_colour(&d("closures_early", 1.0, true)), colour::PURPLE);
        assert_eq!(row_colour(&d("wounded", 2.0, false)), colour::LIGHT);
    }
}
