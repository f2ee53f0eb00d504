//! Fan chart: personnel who have left the country, day by day. The band is
//! the 5th–95th percentile over replications, the line the median; the
//! deadline is a vertical rule and the record's `personnel_departed`
//! milestones are points labelled with their value.

use std::fmt::Write;

use drawdown_engine::SimResult;
use drawdown_model::{Date, MilestoneMetric};

use crate::svg::{self, Placer, Scale, c, colour, esc};
use crate::{Chart, Report};

/// One day's quantiles.
#[derive(Debug, Clone, Copy)]
pub struct Day {
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// A recorded observation to draw over the band.
#[derive(Debug, Clone)]
pub struct Milestone {
    pub day: f64,
    pub value: f64,
    pub source: Option<String>,
}

/// What the fan chart draws, in plain numbers.
pub struct Fan {
    pub start: Date,
    pub deadline_day: u32,
    pub total: f64,
    pub days: Vec<Day>,
    pub milestones: Vec<Milestone>,
    pub runs: u64,
}

pub fn chart(r: &Report) -> Chart {
    let res = r.results;
    let start = r.world.start;
    let days = res
        .daily
        .iter()
        .map(|d| {
            let q = &d.personnel_departed;
            Day { p5: q.p5, p50: q.p50, p95: q.p95 }
        })
        .collect();
    let milestones = milestones(res, start, MilestoneMetric::PersonnelDeparted);
    draw(&Fan {
        start,
        deadline_day: r.world.deadline_day,
        total: f64::from(r.world.total_personnel),
        days,
        milestones,
        runs: res.runs,
    })
}

/// The result's milestones of one metric, as (day index, value).
pub fn milestones(res: &SimResult, start: Date, metric: MilestoneMetric) -> Vec<Milestone> {
    res.milestones
        .iter()
        .filter(|m| m.metric == metric)
        .map(|m| Milestone { day: m.date.days_since(start) as f64, value: m.observed, source: m.source.clone() })
        .collect()
}

pub fn draw(f: &Fan) -> Chart {
    let (w, h) = (960.0, 440.0);
    let (left, right, top, bottom) = (84.0, 930.0, 40.0, 370.0);
    let last_m = f.milestones.iter().map(|m| m.day).fold(0.0, f64::max);
    let x_end = (f64::from(f.deadline_day) + 1.0).max(last_m + 1.0);
    let xs = Scale::new(0.0, x_end + (x_end * 0.02).max(2.0), left, right);
    let y_top = svg::nice_max(
        f.total
            .max(f.days.iter().map(|d| d.p95).fold(0.0, f64::max))
            .max(f.milestones.iter().map(|m| m.value).fold(0.0, f64::max))
            * 1.04,
    );
    let ys = Scale::new(0.0, y_top, bottom, top);
    let mut o = String::new();
    svg::y_axis(&mut o, &ys, left, right, 6, "personnel departed (people)");
    svg::date_axis(&mut o, &xs, f.start, bottom, top, "date");

    // All personnel: the ceiling.
    let yt = ys.at(f.total);
    let _ = write!(
        o,
        r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="1.2" stroke-dasharray="2 3"/>"#,
        c(left),
        c(right),
        c(yt),
        colour::MUTED
    );
    svg::text(
        &mut o,
        left + 6.0,
        yt - 5.0,
        &format!("all personnel: {}", svg::int(f.total)),
        11.0,
        "start",
        &format!(r#"fill="{}""#, colour::MUTED),
    );

    // The band (day d's value is the count at the end of day d).
    if !f.days.is_empty() {
        let x_of = |d: usize| xs.at(d as f64 + 1.0);
        let mut band = format!("M{},{}", c(xs.at(0.0)), c(ys.at(0.0)));
        for (d, q) in f.days.iter().enumerate() {
            let _ = write!(band, " L{},{}", c(x_of(d)), c(ys.at(q.p95)));
        }
        for (d, q) in f.days.iter().enumerate().rev() {
            let _ = write!(band, " L{},{}", c(x_of(d)), c(ys.at(q.p5)));
        }
        band.push_str(" Z");
        let _ = write!(o, r#"<path d="{band}" fill="{}" fill-opacity="0.28" stroke="none"/>"#, colour::BLUE);
        let mut line = format!("M{},{}", c(xs.at(0.0)), c(ys.at(0.0)));
        for (d, q) in f.days.iter().enumerate() {
            let _ = write!(line, " L{},{}", c(x_of(d)), c(ys.at(q.p50)));
        }
        let _ = write!(o, r#"<path d="{line}" fill="none" stroke="{}" stroke-width="2.2"/>"#, colour::BLUE);
        // The median at the deadline, labelled at the line's end.
        if let Some(q) = f.days.last() {
            let (x, y) = (x_of(f.days.len() - 1), ys.at(q.p50));
            let _ = write!(o, r#"<circle cx="{}" cy="{}" r="3.5" fill="{}"/>"#, c(x), c(y), colour::BLUE);
        }
    }

    // The deadline.
    let xd = xs.at(f64::from(f.deadline_day) + 1.0);
    let _ = write!(
        o,
        r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
        c(xd),
        c(top),
        c(bottom),
        colour::VERMILION
    );
    let dl = format!("deadline {}", svg::short_date(f.start.plus_days(i64::from(f.deadline_day))));
    svg::text(
        &mut o,
        xd - 5.0,
        top + 12.0,
        &dl,
        11.5,
        "end",
        &format!(r#"fill="{}" font-weight="bold""#, colour::VERMILION),
    );

    // Milestones, labelled without collisions.
    let mut placer = Placer::within((left, top, right - left, bottom - top));
    placer.block((xd - svg::text_width(&dl, 11.5) - 8.0, top, svg::text_width(&dl, 11.5) + 6.0, 16.0));
    let mut ms: Vec<&Milestone> = f.milestones.iter().collect();
    ms.sort_by(|a, b| a.day.total_cmp(&b.day));
    for m in &ms {
        let (x, y) = (xs.at(m.day + 1.0), ys.at(m.value));
        placer.block((x - 5.0, y - 5.0, 10.0, 10.0));
    }
    for m in &ms {
        let (x, y) = (xs.at(m.day + 1.0), ys.at(m.value));
        let tip = format!(
            "{}: {} recorded{}",
            svg::long_date(f.start.plus_days(m.day as i64)),
            svg::int(m.value),
            m.source.as_ref().map(|s| format!(" (source {s})")).unwrap_or_default()
        );
        let _ = write!(
            o,
            r#"<circle cx="{}" cy="{}" r="4.5" fill="{}" stroke="white" stroke-width="1.5"><title>{}</title></circle>"#,
            c(x),
            c(y),
            colour::ORANGE,
            esc(&tip)
        );
        let label = svg::int(m.value);
        let tw = svg::text_width(&label, 11.0);
        let cands = [
            (x - tw - 7.0, y - 17.0, tw, 13.0),
            (x + 7.0, y + 4.0, tw, 13.0),
            (x - tw - 7.0, y + 4.0, tw, 13.0),
            (x + 7.0, y - 17.0, tw, 13.0),
            (x - tw / 2.0, y - 24.0, tw, 13.0),
            (x - tw / 2.0, y + 10.0, tw, 13.0),
        ];
        let r = cands[placer.place(&cands)];
        let _ = write!(
            o,
            r##"<text x="{}" y="{}" font-size="11" fill="#8a5a00" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"##,
            c(r.0),
            c(r.1 + 10.5),
            esc(&label)
        );
    }

    // Legend.
    let mut lx = left + 8.0;
    let ly = h - 22.0;
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<rect x="{{x}}" y="{{y}}" transform="translate(0 -6)" width="18" height="12" fill="{}" fill-opacity="0.28"/>"#,
            colour::BLUE
        ),
        "5th–95th percentile",
    );
    lx = svg::legend_item(
        &mut o,
        lx,
        ly,
        &format!(
            r#"<line x1="{{x}}" x2="{{x2}}" y1="{{y}}" y2="{{y}}" stroke="{}" stroke-width="2.2"/>"#,
            colour::BLUE
        ),
        "median",
    );
    if !f.milestones.is_empty() {
        lx = svg::legend_item(
            &mut o,
            lx,
            ly,
            &format!(r#"<circle cx="{{xm}}" cy="{{y}}" r="4.5" fill="{}"/>"#, colour::ORANGE),
            "recorded (scenario milestones)",
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

    let last = f.days.last().copied().unwrap_or(Day { p5: 0.0, p50: 0.0, p95: 0.0 });
    Chart {
        id: "fan-chart",
        title: "Personnel out of the country over time".into(),
        caption: format!(
            "People who have left the country by the end of each day. Band: 5th–95th percentile over {}; line: median. By the deadline the median is {} of {} (90 % of replications between {} and {}).{}",
            crate::replications(f.runs),
            svg::int(last.p50),
            svg::int(f.total),
            svg::int(last.p5),
            svg::int(last.p95),
            if f.milestones.is_empty() {
                ""
            } else {
                " Orange points: counts recorded at the time (the scenario's milestones), for comparison."
            }
        ),
        width: w,
        height: h,
        body: o,
    }
}
