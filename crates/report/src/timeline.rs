//! Closure timeline: one row per site with a planned closure, in planned
//! order; a bar from the 5th to the 95th percentile of the day the site was
//! vacated, a tick at the median, the planned date and the historical date
//! (`historical` in `[[plan.closure]]`). Bases that stay open are listed
//! greyed at the bottom.

use std::fmt::Write;

use drawdown_model::Date;

use crate::svg::{self, Scale, c, colour};
use crate::{Chart, Report};

/// One row, in day indices from the scenario's start.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    /// None: the site stays open (no planned closure).
    pub planned: Option<f64>,
    pub historical: Option<f64>,
    /// Quantiles of the vacating day; None where the quantile falls among
    /// replications in which the site was not vacated within the horizon.
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p_closed: f64,
}

pub struct Timeline {
    pub start: Date,
    pub deadline_day: u32,
    pub horizon_day: u32,
    pub rows: Vec<Row>,
    pub runs: u64,
}

pub fn chart(r: &Report) -> Chart {
    let start = r.world.start;
    let day = |d: Option<Date>| d.map(|d| d.days_since(start) as f64);
    let mut rows: Vec<Row> = r
        .results
        .sites
        .iter()
        .map(|s| Row {
            name: if s.name.is_empty() { s.id.clone() } else { s.name.clone() },
            planned: day(s.planned_closure),
            historical: day(s.historical_closure),
            p5: day(s.closed_on.p5),
            p50: day(s.closed_on.p50),
            p95: day(s.closed_on.p95),
            p_closed: s.p_closed,
        })
        .collect();
    // Planned order; open sites last.
    rows.sort_by(|a, b| a.planned.unwrap_or(f64::INFINITY).total_cmp(&b.planned.unwrap_or(f64::INFINITY)));
    draw(&Timeline {
        start,
        deadline_day: r.world.deadline_day,
        horizon_day: r.world.horizon_day,
        rows,
        runs: r.results.runs,
    })
}

pub fn draw(t: &Timeline) -> Chart {
    let w = 960.0;
    let (left, right, top) = (190.0, 840.0, 46.0);
    let row_h = 34.0;
    let n = t.rows.len().max(1);
    let bottom = top + n as f64 * row_h;
    let h = bottom + 80.0;
    let end = t
        .rows
        .iter()
        .flat_map(|r| [r.planned, r.historical, r.p95])
        .flatten()
        .fold(f64::from(t.horizon_day) + 1.0, f64::max);
    let xs = Scale::new(0.0, end + 2.0, left, right);
    let mut o = String::new();
    // Row stripes first, so grid lines and the deadline show through them.
    for i in (0..t.rows.len()).step_by(2) {
        let _ = write!(
            o,
            r##"<rect x="8" y="{}" width="{}" height="{}" fill="#F4F4F4"/>"##,
            c(top + i as f64 * row_h),
            c(w - 16.0),
            c(row_h)
        );
    }
    svg::date_axis(&mut o, &xs, t.start, bottom, top - 8.0, "date the site was vacated (closing convoy left)");
    svg::text(&mut o, right + 12.0, top - 14.0, "vacated", 11.0, "start", &format!(r#"fill="{}""#, colour::MUTED));
    svg::text(&mut o, right + 12.0, top - 2.0, "at all", 11.0, "start", &format!(r#"fill="{}""#, colour::MUTED));

    // Deadline rule.
    let xd = xs.at(f64::from(t.deadline_day) + 1.0);
    let _ = write!(
        o,
        r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
        c(xd),
        c(top - 8.0),
        c(bottom),
        colour::VERMILION
    );
    svg::text(
        &mut o,
        xd - 4.0,
        top - 14.0,
        "deadline",
        11.0,
        "end",
        &format!(r#"fill="{}" font-weight="bold""#, colour::VERMILION),
    );

    // Each row: the simulated bar and median on the centre line, the
    // historical date above it, the planned date below, so none hides another.
    for (i, r) in t.rows.iter().enumerate() {
        let yc = top + (i as f64 + 0.5) * row_h;
        let open = r.planned.is_none();
        let name_fill = if open { colour::LIGHT } else { colour::INK };
        svg::text(
            &mut o,
            left - 10.0,
            yc + 4.0,
            &svg::fit(svg::short_name(&r.name), 12.0, left - 24.0),
            12.0,
            "end",
            &format!(r#"fill="{name_fill}""#),
        );
        if open {
            let _ = write!(
                o,
                r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="6" stroke-linecap="round" stroke-opacity="0.5"/>"#,
                c(left),
                c(right),
                c(yc + 4.0),
                colour::LIGHT
            );
            svg::text(
                &mut o,
                left + 8.0,
                yc - 4.0,
                "stays open (no planned closure)",
                10.5,
                "start",
                &format!(r#"fill="{}""#, colour::MUTED),
            );
            continue;
        }
        // The P5–P95 bar (to the right edge if P95 is "not vacated").
        if let Some(p5) = r.p5 {
            let x0 = xs.at(p5 + 0.5);
            let x1 = r.p95.map_or(right, |p| xs.at(p + 0.5));
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="10" rx="3" fill="{}" fill-opacity="0.45"/>"#,
                c(x0 - 3.0),
                c(yc - 5.0),
                c((x1 - x0 + 6.0).max(6.0)),
                colour::BLUE
            );
            if r.p95.is_none() {
                let _ = write!(o, r#"<path d="M{},{} l8,-7 l0,14 Z" fill="{}"/>"#, c(right + 8.0), c(yc), colour::BLUE);
            }
        }
        if let Some(p50) = r.p50 {
            let x = xs.at(p50 + 0.5);
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="3" height="16" fill="{}"/>"#,
                c(x - 1.5),
                c(yc - 8.0),
                colour::BLUE
            );
        }
        if let Some(hd) = r.historical {
            let x = xs.at(hd + 0.5);
            let _ = write!(o, r#"<path d="M{},{} l-5,-8 l10,0 Z" fill="{}"/>"#, c(x), c(yc - 7.0), colour::VERMILION);
        }
        if let Some(p) = r.planned {
            let x = xs.at(p + 0.5);
            let _ = write!(
                o,
                r#"<path d="M{},{} l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 Z" fill="white" stroke="{}" stroke-width="1.4"/>"#,
                c(x),
                c(yc + 7.0),
                colour::INK
            );
        }
        let share = svg::pct(r.p_closed);
        let fill = if r.p_closed < 0.995 { colour::VERMILION } else { colour::MUTED };
        svg::text(&mut o, right + 24.0, yc + 4.0, &share, 11.5, "start", &format!(r#"fill="{fill}""#));
    }

    // Legend.
    let ly = h - 18.0;
    let mut lx = 20.0;
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -6)" width="18" height="12" rx="3" fill="{}" fill-opacity="0.45"/>"#,
            colour::BLUE
        ),
        "vacated: 5th–95th percentile",
    );
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<rect x="{{xm}}" y="{{y}}" width="3" height="18" transform="translate(-1.5 -9)" fill="{}"/>"#,
            colour::BLUE
        ),
        "median",
    );
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<path d="M{{xm}},{{y}} m0,-4.5 l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 Z" fill="white" stroke="{}" stroke-width="1.4"/>"#,
            colour::INK
        ),
        "planned closure",
    );
    if t.rows.iter().any(|r| r.historical.is_some()) {
        lx = svg::legend_item(
            &mut o,
            lx,
            ly,
            &format!(r#"<path d="M{{xm}},{{y}} m0,4 l-5,-8 l10,0 Z" fill="{}"/>"#, colour::VERMILION),
            "historical (record)",
        );
    }
    svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<line x1="{{x}}" x2="{{x2}}" y1="{{y}}" y2="{{y}}" stroke="{}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
            colour::VERMILION
        ),
        "deadline",
    );

    let closing = t.rows.iter().filter(|r| r.planned.is_some()).count();
    Chart {
        id: "closure-timeline",
        title: "When each site was vacated".into(),
        caption: format!(
            "One row per base; {closing} {} a planned closure, in planned order. Bar: 5th–95th percentile of the day the closing convoy left, over {}; thick tick: median; red triangle above: historical date; hollow diamond below: planned date. An arrow at the right: in more than 5 % of replications the site was still occupied at the end of the horizon. Right column: share of replications in which the site was vacated at all.",
            if closing == 1 { "has" } else { "have" },
            crate::replications(t.runs)
        ),
        width: w,
        height: h,
        body: o,
    }
}
