//! The `drawdown report`: one self-contained HTML file with charts, and the
//! same charts as PNGs for slides.
//!
//! Every chart is hand-written SVG (`format!`/`write!`), one module per chart:
//! `fan` (personnel departed over time), `timeline` (site closures), `map`
//! (sites, roads, threat and who took each site), `equipment` (equipment by
//! disposition), `casualties` (distribution per replication), `compare`
//! (paired what-if), `tornado` (one-at-a-time sensitivity); `inputs` is the
//! table of sourced values, `html` puts the page together and `png`
//! rasterises a chart with `resvg`.
//!
//! Why no JavaScript charting library: the report must open on an air-gapped
//! laptop (nothing fetched from a CDN, nothing to install), print cleanly,
//! and be byte-for-byte the same for the same scenario and seed, so it can be
//! diffed, archived and cited. Inline SVG does all three, renders the same in
//! every browser and in `resvg`, and the charts here are simple enough that a
//! library would add weight without adding anything a reader sees.
//!
//! The crate draws; it computes no statistics. The numbers come from the
//! engine's typed `SimResult` (passed in as `results`), from
//! `compare::compare` and from `sensitivity::tornado`.

pub mod casualties;
pub mod compare;
pub mod equipment;
pub mod fan;
pub mod html;
pub mod inputs;
pub mod live;
pub mod map;
pub mod morris;
pub mod png;
pub mod svg;
pub mod timeline;
pub mod tornado;

use drawdown_engine::SimResult;
use drawdown_engine::World;
use drawdown_engine::compare::Difference;
use drawdown_engine::montecarlo::Summary;
use drawdown_engine::sensitivity::Tornado;
use drawdown_model::{Scenario, Source};

/// Everything a report shows.
pub struct Report<'a> {
    /// The scenario as simulated (variant and overrides applied).
    pub source: &'a Source,
    pub scenario: &'a Scenario,
    pub world: &'a World,
    pub summary: &'a Summary,
    /// The simulation result (what `drawdown simulate --format json` prints).
    pub results: &'a SimResult,
    /// How the scenario was chosen, e.g. `--variant flights-cleared`.
    pub variant_note: Option<String>,
    pub comparison: Option<Comparison>,
    pub tornado: Option<&'a Tornado>,
}

/// A paired comparison of the report's scenario with a variant of it.
pub struct Comparison {
    pub variant: String,
    pub runs: u64,
    pub seed: u64,
    pub differences: Vec<Difference>,
    /// Site id → name, for readable metric labels.
    pub site_names: std::collections::HashMap<String, String>,
}

/// One chart: an id (also the PNG's file name), a title, a caption saying
/// how to read it, and its drawing.
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub caption: String,
    pub width: f64,
    pub height: f64,
    /// SVG elements in a `width` × `height` coordinate system.
    pub body: String,
}

const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";

impl Chart {
    /// The chart as an inline `<svg>` element for the HTML page (title and
    /// caption are in the surrounding `<figure>`).
    pub fn svg(&self) -> String {
        format!(
            r#"<svg id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}" role="img" aria-label="{t}"><title>{t}</title>{body}</svg>"#,
            id = self.id,
            w = svg::c(self.width),
            h = svg::c(self.height),
            t = svg::esc(&self.title),
            body = self.body
        )
    }

    /// The chart as a standalone SVG document for a slide: white
    /// background, the title above and the caption below.
    pub fn standalone(&self) -> String {
        let size = 12.5;
        let lines = wrap(&self.caption, ((self.width - 40.0) / (size * 0.55)) as usize);
        let top = 44.0;
        let h = top + self.height + 14.0 + lines.len() as f64 * 17.0 + 8.0;
        let mut o = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}"><rect width="{w}" height="{h}" fill="white"/>"#,
            w = svg::c(self.width),
            h = svg::c(h)
        );
        svg::text(&mut o, 20.0, 30.0, &self.title, 19.0, "start", r##"font-weight="bold" fill="#222222""##);
        o.push_str(&format!(r#"<g transform="translate(0 {top})">{}</g>"#, self.body));
        for (i, l) in lines.iter().enumerate() {
            svg::text(
                &mut o,
                20.0,
                top + self.height + 18.0 + i as f64 * 17.0,
                l,
                size,
                "start",
                r##"fill="#444444""##,
            );
        }
        o.push_str("</svg>");
        o
    }
}

/// Greedy word wrap at `width` characters.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    // Split on plain spaces, keeping units with their number ("5 %").
    let mut words: Vec<String> = Vec::new();
    for w in s.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(prev) if w.starts_with('%') || w == "pp" || w == "×" => {
                prev.push(' ');
                prev.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    for word in &words {
        let cur = lines.last_mut().expect("one line");
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.clone());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines
}

/// All the report's charts, in page order.
pub fn charts(r: &Report) -> Vec<Chart> {
    let mut v = vec![fan::chart(r), timeline::chart(r), map::chart(r), equipment::chart(r), casualties::chart(r)];
    if let Some(c) = &r.comparison {
        v.push(compare::chart(c));
    }
    if let Some(t) = r.tornado {
        v.push(tornado::chart(t, &tornado::unit_of(&t.metric)));
    }
    v
}

/// Runs in the caption's words: "1,000 replications".
pub(crate) fn replications(n: u64) -> String {
    format!("{} replication{}", svg::int(n as f64), if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_wrap_on_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
    }
}
