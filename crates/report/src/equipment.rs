//! Equipment by disposition: where the items ended up (repatriated, handed
//! over, sold, destroyed, abandoned, lost, still in the country), a bar at
//! the median with a 5th–95th percentile whisker.

use std::fmt::Write;

use drawdown_engine::Fate;

use crate::svg::{self, Scale, c, colour};
use crate::{Chart, Report};

/// One disposition's quantiles, in items.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: &'static str,
    pub colour: &'static str,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
}

/// Each fate's label and colour, in the order drawn.
const FATES: [(Fate, &str, &str); 7] = [
    (Fate::Repatriated, "repatriated", colour::GREEN),
    (Fate::HandedOver, "handed over", colour::BLUE),
    (Fate::Sold, "sold", colour::SKY),
    (Fate::Destroyed, "destroyed", colour::ORANGE),
    (Fate::Abandoned, "abandoned", colour::PURPLE),
    (Fate::Lost, "lost (attacks)", colour::DARK_RED),
    (Fate::InCountry, "still in the country", "#999999"),
];

pub fn chart(r: &Report) -> Chart {
    let eq = &r.results.summary.equipment;
    let bars: Vec<Bar> = FATES
        .iter()
        .map(|(fate, label, col)| {
            let q = &eq[*fate];
            Bar { label, colour: col, p5: q.p5, p50: q.p50, p95: q.p95, mean: q.mean }
        })
        .collect();
    draw(&bars, f64::from(r.world.total_items), r.results.runs)
}

pub fn draw(bars: &[Bar], total: f64, runs: u64) -> Chart {
    let w = 960.0;
    let (left, right, top) = (170.0, 760.0, 16.0);
    let row = 34.0;
    let bottom = top + row * bars.len() as f64;
    let h = bottom + 50.0;
    let xmax = svg::nice_max(bars.iter().map(|b| b.p95).fold(0.0, f64::max).max(1.0) * 1.02);
    let xs = Scale::new(0.0, xmax, left, right);
    let mut o = String::new();
    svg::x_axis(&mut o, &xs, bottom, top, 6, "items (vehicles, containers, other lots) per replication");
    for (i, b) in bars.iter().enumerate() {
        let yc = top + (i as f64 + 0.5) * row;
        svg::text(&mut o, left - 10.0, yc + 4.0, b.label, 12.5, "end", &format!(r#"fill="{}""#, colour::INK));
        let (x0, x1) = (xs.at(0.0), xs.at(b.p50));
        let _ = write!(
            o,
            r#"<rect x="{}" y="{}" width="{}" height="18" fill="{}"/>"#,
            c(x0),
            c(yc - 9.0),
            c((x1 - x0).max(if b.p95 > 0.0 { 1.5 } else { 0.0 })),
            b.colour
        );
        if b.p95 > b.p5 {
            let (a, z) = (xs.at(b.p5), xs.at(b.p95));
            let _ = write!(
                o,
                r#"<path d="M{a},{y} L{z},{y} M{a},{y0} L{a},{y1} M{z},{y0} L{z},{y1}" stroke="{ink}" stroke-width="1.5" fill="none"/>"#,
                a = c(a),
                z = c(z),
                y = c(yc),
                y0 = c(yc - 6.0),
                y1 = c(yc + 6.0),
                ink = colour::INK
            );
        }
        let share = if total > 0.0 { format!(" ({})", svg::pct(b.p50 / total)) } else { String::new() };
        let label = if b.p95 > b.p5 {
            format!("{}{share}  [{}–{}]", svg::int(b.p50), svg::int(b.p5), svg::int(b.p95))
        } else {
            format!("{}{share}", svg::int(b.p50))
        };
        svg::text(
            &mut o,
            xs.at(b.p95.max(b.p50)) + 8.0,
            yc + 4.0,
            &label,
            11.5,
            "start",
            &format!(r#"fill="{}""#, colour::INK),
        );
    }
    Chart {
        id: "equipment",
        title: "Equipment by disposition".into(),
        caption: format!(
            "Where the {} items of equipment ended up. Bar: median over {}; whisker and [bracket]: 5th–95th percentile; (percent): median share of all items. \"Lost\" items were destroyed with their vehicles in attacks; \"still in the country\" were at a site or on the road at the end of the horizon.",
            svg::int(total),
            crate::replications(runs)
        ),
        width: w,
        height: h,
        body: o,
    }
}
