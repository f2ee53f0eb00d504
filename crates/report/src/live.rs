//! The charts of the operations centre's dashboard (`drawdown serve`): the
//! report's map, fan chart and closure timeline, fed with what the
//! operations log says happened beside what the simulation expects.
//!
//! - `map`: the report's map, each base drawn by its state in the log
//!   (handed over, seized, vacated, still open) instead of the simulated
//!   shares of who took it.
//! - `fan`: the report's fan chart, with the personnel the log says have
//!   left drawn as a point at today.
//! - `gantt`: plan versus actual, one row per closing site (planned date,
//!   simulated 5th–95th percentile, the logged closure) and one per convoy
//!   movement in the log (departed → arrived, or still in transit).
//!
//! Like the rest of the crate it draws and computes nothing: the numbers come
//! from the engine's quantiles and the operations store.

use std::fmt::Write;

use drawdown_engine::World;
use drawdown_model::Date;

use crate::Chart;
use crate::fan::{self, Day, Fan, Milestone};
use crate::map::{self, Marker, Theatre, Transit};
use crate::svg::{self, Scale, c, colour};

/// A site's state according to the operations log (the model's, which the
/// operations status reports).
pub use drawdown_model::state::SiteState;

/// The map with each closing base drawn by its logged state: blue when
/// handed over to the state, red when seized by an armed group, half grey
/// when vacated with no taker recorded, grey ring while still open; and the
/// convoys the log has on the road, as arrows.
/// `state_of` gives a site id's logged state (None: nothing logged);
/// `in_transit` lists (serial, from, to) site ids.
pub fn map(
    world: &World,
    state_of: &dyn Fn(&str) -> Option<SiteState>,
    in_transit: &[(String, String, String)],
) -> Chart {
    let mut t = Theatre::from_world(world, &[], &|s| match state_of(&s.id) {
        Some(SiteState::HandedOver) => Marker::Closing { state: 1.0, armed_group: 0.0 },
        Some(SiteState::Seized) => Marker::Closing { state: 0.0, armed_group: 1.0 },
        Some(SiteState::Closed) => Marker::Closing { state: 0.0, armed_group: 0.0 },
        _ => map::plain_marker(s),
    });
    t.convoys = in_transit
        .iter()
        .filter_map(|(serial, from, to)| {
            let (from, to) = (t.site_index(world, from)?, t.site_index(world, to)?);
            (from != to).then(|| Transit { from, to, label: format!("{serial} in transit") })
        })
        .collect();
    let mut chart = map::draw(&t);
    chart.id = "live-map";
    chart.title = "Sites by their state in the operations log, roads by threat".into();
    chart.caption = "Bases as the operations log has them: blue, handed over to the state; red, seized by an armed group; grey pie, vacated with no taker recorded; grey disc, open. Dashed arrows: convoys the log has on the road (departed, not yet arrived), origin to destination. Roads: colour = highest IED + ambush rate per 100 convoy-km in the link's threat zone over the period. Outlines: Natural Earth 1:50m (public domain).".into();
    chart
}

/// The fan chart of a simulation (daily quantiles of personnel departed),
/// with the personnel the log says have left by `today` as a point.
pub fn fan(world: &World, days: Vec<Day>, runs: u64, milestones: Vec<Milestone>, moved: Option<(Date, f64)>) -> Chart {
    let mut ms = milestones;
    if let Some((d, v)) = moved {
        ms.push(Milestone { day: d.days_since(world.start) as f64, value: v, source: Some("operations log".into()) });
    }
    let mut chart = fan::draw(&Fan {
        start: world.start,
        deadline_day: world.deadline_day,
        total: f64::from(world.total_personnel),
        days,
        milestones: ms,
        runs,
    });
    chart.id = "live-fan";
    if moved.is_some() {
        chart
            .caption
            .push_str(" The last orange point is the personnel the operations log records as moved out so far.");
    }
    chart
}

/// One closing site's row in the Gantt.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub name: String,
    pub planned: Date,
    /// Simulated day the site was vacated: 5th, 50th, 95th percentile (None:
    /// not vacated within the horizon at that quantile).
    pub p5: Option<Date>,
    pub p50: Option<Date>,
    pub p95: Option<Date>,
    /// What the log says: when and how it ended.
    pub actual: Option<(Date, SiteState)>,
}

/// One convoy movement from the log.
#[derive(Debug, Clone)]
pub struct Movement {
    pub label: String,
    pub departed: Date,
    /// None: still in transit.
    pub arrived: Option<Date>,
}

pub struct Gantt {
    pub start: Date,
    pub deadline: Date,
    pub today: Date,
    pub sites: Vec<PlanRow>,
    /// The most recent movements to draw (the caller caps the list).
    pub movements: Vec<Movement>,
    /// Movements in the log that are not drawn.
    pub more_movements: usize,
    pub runs: u64,
}

fn state_colour(s: SiteState) -> &'static str {
    match s {
        SiteState::HandedOver => colour::BLUE,
        SiteState::Seized => colour::VERMILION,
        SiteState::Closed | SiteState::Open => colour::INK,
    }
}

/// Plan versus actual: closures (planned, simulated, logged) and movements.
pub fn gantt(g: &Gantt) -> Chart {
    let w = 960.0;
    let (left, right, top) = (170.0, 930.0, 40.0);
    let row_h = 26.0;
    let n_rows = g.sites.len() + g.movements.len() + usize::from(!g.movements.is_empty());
    let bottom = top + n_rows.max(1) as f64 * row_h;
    let h = bottom + 78.0;
    let day = |d: Date| d.days_since(g.start) as f64;
    let end = g
        .sites
        .iter()
        .flat_map(|r| [Some(r.planned), r.p95, r.actual.map(|a| a.0)])
        .flatten()
        .chain(g.movements.iter().flat_map(|m| [Some(m.departed), m.arrived]).flatten())
        .chain([g.deadline, g.today])
        .map(day)
        .fold(0.0, f64::max);
    let xs = Scale::new(0.0, end + 3.0, left, right);
    let xd = |d: Date| xs.at(day(d) + 0.5);
    let mut o = String::new();
    for i in (0..n_rows).step_by(2) {
        let _ = write!(
            o,
            r##"<rect x="8" y="{}" width="{}" height="{}" fill="#F4F4F4"/>"##,
            c(top + i as f64 * row_h),
            c(w - 16.0),
            c(row_h)
        );
    }
    svg::date_axis(&mut o, &xs, g.start, bottom, top - 6.0, "date");
    for (x, label, col) in
        [(xs.at(day(g.deadline) + 1.0), "deadline", colour::VERMILION), (xd(g.today), "today", colour::GREEN)]
    {
        let _ = write!(
            o,
            r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{col}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
            c(x),
            c(top - 6.0),
            c(bottom)
        );
        svg::text(&mut o, x, top - 10.0, label, 11.0, "middle", &format!(r#"fill="{col}" font-weight="bold""#));
    }
    let label = |o: &mut String, y: f64, s: &str, fill: &str| {
        svg::text(o, left - 10.0, y + 4.0, &svg::fit(s, 12.0, left - 24.0), 12.0, "end", &format!(r#"fill="{fill}""#))
    };
    for (i, r) in g.sites.iter().enumerate() {
        let yc = top + (i as f64 + 0.5) * row_h;
        label(&mut o, yc, svg::short_name(&r.name), colour::INK);
        if let Some(p5) = r.p5 {
            let (x0, x1) = (xd(p5), r.p95.map_or(right, xd));
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="8" rx="3" fill="{}" fill-opacity="0.4"/>"#,
                c(x0 - 3.0),
                c(yc - 4.0),
                c((x1 - x0 + 6.0).max(6.0)),
                colour::BLUE
            );
        }
        if let Some(p50) = r.p50 {
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="3" height="14" fill="{}"/>"#,
                c(xd(p50) - 1.5),
                c(yc - 7.0),
                colour::BLUE
            );
        }
        let x = xd(r.planned);
        let _ = write!(
            o,
            r#"<path d="M{},{} l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 Z" fill="white" stroke="{}" stroke-width="1.4"/>"#,
            c(x),
            c(yc + 3.0),
            colour::INK
        );
        if let Some((d, s)) = r.actual {
            let late = d.days_since(r.planned);
            let _ = write!(
                o,
                r#"<circle cx="{}" cy="{}" r="5.5" fill="{}" stroke="white" stroke-width="1.5"><title>{}</title></circle>"#,
                c(xd(d)),
                c(yc),
                state_colour(s),
                svg::esc(&format!("logged {d}; planned {}", r.planned))
            );
            if late != 0 {
                let txt = format!("{}{late} d", if late > 0 { "+" } else { "" });
                let col = if late > 0 { colour::VERMILION } else { colour::GREEN };
                svg::text(&mut o, xd(d) + 9.0, yc + 4.0, &txt, 10.5, "start", &format!(r#"fill="{col}""#));
            }
        }
    }
    if !g.movements.is_empty() {
        let yc = top + (g.sites.len() as f64 + 0.5) * row_h;
        let more =
            if g.more_movements > 0 { format!(" ({} earlier not shown)", g.more_movements) } else { String::new() };
        svg::text(
            &mut o,
            16.0,
            yc + 4.0,
            &format!("Convoy movements in the log{more}"),
            11.5,
            "start",
            r##"fill="#222222" font-weight="bold""##,
        );
    }
    for (i, m) in g.movements.iter().enumerate() {
        let yc = top + (g.sites.len() as f64 + 1.5 + i as f64) * row_h;
        label(&mut o, yc, &m.label, colour::INK);
        let x0 = xd(m.departed);
        match m.arrived {
            Some(a) => {
                let _ = write!(
                    o,
                    r#"<rect x="{}" y="{}" width="{}" height="10" rx="3" fill="{}"/>"#,
                    c(x0 - 3.0),
                    c(yc - 5.0),
                    c((xd(a) - x0 + 6.0).max(6.0)),
                    colour::GREEN
                );
            }
            None => {
                let x1 = xd(g.today).max(x0 + 6.0);
                let _ = write!(
                    o,
                    r#"<rect x="{}" y="{}" width="{}" height="10" rx="3" fill="{}"/><path d="M{},{} l8,-7 l0,14 Z" transform="rotate(180 {} {})" fill="{}"/>"#,
                    c(x0 - 3.0),
                    c(yc - 5.0),
                    c(x1 - x0 + 3.0),
                    colour::ORANGE,
                    c(x1 + 8.0),
                    c(yc),
                    c(x1 + 4.0),
                    c(yc),
                    colour::ORANGE
                );
            }
        }
    }
    let ly = h - 18.0;
    let mut lx = 20.0;
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<path d="M{{xm}},{{y}} m0,-4.5 l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 Z" fill="white" stroke="{}" stroke-width="1.4"/>"#,
            colour::INK
        ),
        "planned",
    );
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -5)" width="18" height="10" rx="3" fill="{}" fill-opacity="0.4"/>"#,
            colour::BLUE
        ),
        "simulated 5th–95th pct",
    );
    for (s, l) in
        [(SiteState::Closed, "vacated"), (SiteState::HandedOver, "handed over"), (SiteState::Seized, "seized")]
    {
        lx = svg::legend_item(
            &mut o,
            lx,
            ly,
            &format!(r#"<circle cx="{{xm}}" cy="{{y}}" r="5.5" fill="{}"/>"#, state_colour(s)),
            l,
        );
    }
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -5)" width="18" height="10" rx="3" fill="{}"/>"#,
            colour::GREEN
        ),
        "convoy arrived",
    );
    svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -5)" width="18" height="10" rx="3" fill="{}"/>"#,
            colour::ORANGE
        ),
        "in transit",
    );
    Chart {
        id: "live-gantt",
        title: "Plan versus actual: closures and convoy movements".into(),
        caption: format!(
            "One row per site with a planned closure: hollow diamond, the planned date; bar and tick, the 5th–95th percentile and median of the simulated day it is vacated ({}); disc, the date the operations log records (colour: how it ended), with the days late (+) or early (−). Below: the convoys in the log, from departure to arrival, or to today while in transit.",
            crate::replications(g.runs)
        ),
        width: w,
        height: h,
        body: o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minusma() -> World {
        let src = drawdown_model::Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023);
        let loaded = drawdown_model::load(&src).expect("the embedded scenario loads");
        World::compile(&loaded.scenario).expect("and compiles")
    }

    #[test]
    fn the_live_map_draws_logged_states_and_convoys_in_transit() {
        let w = minusma();
        let state_of = |id: &str| (id == "kidal").then_some(SiteState::Seized);
        let quiet = map(&w, &state_of, &[]).svg();
        assert!(!quiet.contains("in transit"), "no convoy, no arrow and no legend entry");
        let transit = vec![
            ("C-014".to_string(), "kidal".to_string(), "gao".to_string()),
            ("C-015".to_string(), "kidal".to_string(), "gao".to_string()),
            ("C-099".to_string(), "nowhere".to_string(), "gao".to_string()),
        ];
        let busy = map(&w, &state_of, &transit).svg();
        assert!(busy.contains("<title>C-014 in transit</title>") && busy.contains("<title>C-015 in transit</title>"));
        assert!(!busy.contains("C-099"), "a convoy between unknown sites is not drawn");
        assert_eq!(busy.matches(r#"marker-end="url(#transit-head)""#).count(), 2);
        assert!(busy.contains("convoy in transit"), "the legend explains the arrows");
    }

    #[test]
    fn site_index_points_at_the_drawn_site() {
        let w = minusma();
        let t = Theatre::from_world(&w, &[], &map::plain_marker);
        for s in &w.sites {
            match t.site_index(&w, &s.id) {
                Some(i) => assert_eq!(t.sites[i].label, if s.name.is_empty() { s.id.clone() } else { s.name.clone() }),
                None => assert_eq!(s.kind, drawdown_model::SiteKind::Abroad),
            }
        }
        assert_eq!(t.site_index(&w, "nowhere"), None);
    }
}
