//! Map of the theatre: sites, road links and exits from the scenario's
//! coordinates, over country outlines of Mali and its neighbours.
//!
//! Projection: equirectangular with its standard parallel at the middle of
//! the view (x = lon·cos φ₀, y = −lat), fitted to the bounding box of the
//! sites plus a margin. Over a few hundred kilometres that is as faithful as
//! any projection a reader would notice, and it needs no library.
//!
//! Roads are coloured by threat: the highest IED + ambush rate per 100
//! convoy-km of the link's zone over the simulated period. Bases that close
//! are small pies: the share of replications in which the national army or
//! an armed group took the vacated site.
//!
//! The outlines are `assets/west-africa.json`, made once from Natural Earth
//! (public domain) by `assets/make-west-africa.js`; see `assets/README.md`.

use std::fmt::Write;

use drawdown_engine::World;
use drawdown_model::SiteKind;

use crate::svg::{self, Placer, c, colour, esc};
use crate::{Chart, Report};

/// Country outlines: Natural Earth 1:50m via world-atlas, simplified.
pub const OUTLINES: &str = include_str!("../assets/west-africa.json");

/// A site as the map draws it.
#[derive(Debug, Clone)]
pub struct Site {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
    pub marker: Marker,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    /// A base that closes: shares of replications in which the state or an
    /// armed group took it.
    Closing {
        state: f64,
        armed_group: f64,
    },
    /// A base that stays open.
    Open,
    /// Seaport or border crossing.
    Exit,
    Airfield,
    Waypoint,
}

/// A road link between two sites (indices into the site list).
#[derive(Debug, Clone)]
pub struct Road {
    pub a: usize,
    pub b: usize,
    /// Highest IED + ambush rate per 100 convoy-km over the period (None: no threat zone).
    pub threat: Option<f64>,
    /// The link's corridor is closed at some time in the period.
    pub corridor_closes: bool,
}

pub struct Theatre {
    pub sites: Vec<Site>,
    pub roads: Vec<Road>,
    /// Destinations abroad (not drawn).
    pub abroad: usize,
    pub runs: u64,
    /// Convoys on the road now (drawn as arrows from origin to destination).
    pub convoys: Vec<Transit>,
}

/// A convoy in transit between two drawn sites (indices into `Theatre::sites`).
pub struct Transit {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

impl Theatre {
    /// The world's sites (all but those abroad) with the marker `marker`
    /// gives each, and its road links coloured by threat. `corridor_closes`
    /// says, per corridor, whether it is closed for part of the period.
    pub fn from_world(
        w: &World,
        corridor_closes: &[bool],
        marker: &dyn Fn(&drawdown_engine::world::Site) -> Marker,
    ) -> Theatre {
        let mut index = vec![usize::MAX; w.sites.len()];
        let mut sites = Vec::new();
        for (i, s) in w.sites.iter().enumerate() {
            if s.kind == SiteKind::Abroad {
                continue;
            }
            index[i] = sites.len();
            sites.push(Site {
                label: if s.name.is_empty() { s.id.clone() } else { s.name.clone() },
                lat: s.lat,
                lon: s.lon,
                marker: marker(s),
            });
        }
        let roads = w
            .links
            .iter()
            .filter(|l| index[l.a as usize] != usize::MAX && index[l.b as usize] != usize::MAX)
            .map(|l| {
                let threat = (l.zone != drawdown_engine::world::NONE).then(|| {
                    w.threat.get(l.zone as usize).map_or(0.0, |days| {
                        days.iter().map(|t| (t.ied_per_km + t.ambush_per_km) * 100.0).fold(0.0, f64::max)
                    })
                });
                Road {
                    a: index[l.a as usize],
                    b: index[l.b as usize],
                    threat: threat.filter(|t| *t > 0.0),
                    corridor_closes: l.corridor != drawdown_engine::world::NONE
                        && corridor_closes.get(l.corridor as usize).copied().unwrap_or(false),
                }
            })
            .collect();
        let abroad = w.sites.iter().filter(|s| s.kind == SiteKind::Abroad).count();
        Theatre { sites, roads, abroad, runs: 0, convoys: Vec::new() }
    }

    /// The index in `sites` of the world's site `id` (None: abroad or unknown).
    pub fn site_index(&self, w: &World, id: &str) -> Option<usize> {
        let s = w.sites.iter().position(|s| s.id == id)?;
        (w.sites[s].kind != SiteKind::Abroad)
            .then(|| w.sites[..s].iter().filter(|s| s.kind != SiteKind::Abroad).count())
    }
}

/// The marker of a site that is not a closing base.
pub fn plain_marker(s: &drawdown_engine::world::Site) -> Marker {
    if s.kind.is_base() {
        Marker::Open
    } else if s.exit {
        Marker::Exit
    } else if s.airfield || s.kind == SiteKind::Airfield {
        Marker::Airfield
    } else {
        Marker::Waypoint
    }
}

pub fn chart(r: &Report) -> Chart {
    let handover = |id: &str| -> Option<(f64, f64)> {
        let s = r.results.site(id)?;
        s.planned_closure?;
        Some((s.handover.state, s.handover.armed_group))
    };
    let corridor_closes: Vec<bool> = r.scenario.corridors.iter().map(|c| !c.closed.is_empty()).collect();
    let mut t = Theatre::from_world(r.world, &corridor_closes, &|s| match handover(&s.id) {
        Some((state, armed_group)) => Marker::Closing { state, armed_group },
        None => plain_marker(s),
    });
    t.runs = r.results.runs;
    draw(&t)
}

/// The projection: degrees to pixels.
#[derive(Debug, Clone, Copy)]
struct Proj {
    lon0: f64,
    lat1: f64,
    k: f64,
    kx: f64,
    x0: f64,
    y0: f64,
}

impl Proj {
    fn fit(sites: &[Site], x0: f64, y0: f64, max_w: f64, max_h: f64) -> (Proj, f64, f64) {
        let (mut lo0, mut lo1, mut la0, mut la1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for s in sites {
            lo0 = lo0.min(s.lon);
            lo1 = lo1.max(s.lon);
            la0 = la0.min(s.lat);
            la1 = la1.max(s.lat);
        }
        if !lo0.is_finite() {
            (lo0, lo1, la0, la1) = (-12.0, 4.0, 10.0, 25.0);
        }
        let kx = ((la0 + la1) / 2.0).to_radians().cos().max(0.2);
        // Margin: 8 % of the larger span, at least half a degree, more on the
        // east for labels.
        let m = ((lo1 - lo0) * kx).max(la1 - la0) * 0.08 + 0.5;
        let (lo0, lo1, la0, la1) = (lo0 - m / kx, lo1 + m * 1.6 / kx, la0 - m, la1 + m);
        let k = (max_w / ((lo1 - lo0) * kx)).min(max_h / (la1 - la0));
        let (pw, ph) = ((lo1 - lo0) * kx * k, (la1 - la0) * k);
        // Centre horizontally.
        let x0 = x0 + (max_w - pw) / 2.0;
        (Proj { lon0: lo0, lat1: la1, k, kx, x0, y0 }, pw, ph)
    }
    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.x0 + (lon - self.lon0) * self.kx * self.k, self.y0 + (self.lat1 - lat) * self.k)
    }
}

/// Threat classes: colour by quarter of the highest rate on the map.
const THREAT: [&str; 4] = ["#FDB863", "#F46D43", "#D73027", "#7F0000"];
const NO_THREAT: &str = "#8C8C8C";

fn threat_class(t: f64, max: f64) -> usize {
    (((t / max) * 4.0).ceil() as usize).clamp(1, 4) - 1
}

pub fn draw(t: &Theatre) -> Chart {
    let w = 960.0;
    let (fx, fy) = (20.0, 10.0);
    let (p, pw, ph) = Proj::fit(&t.sites, fx, fy, w - 2.0 * fx, 640.0);
    let frame = (p.x0, fy, pw, ph);
    let mut o = String::new();

    // Background and outlines, clipped to the frame.
    let _ = write!(
        o,
        r##"<defs><clipPath id="map-clip"><rect x="{0}" y="{1}" width="{2}" height="{3}"/></clipPath></defs><rect x="{0}" y="{1}" width="{2}" height="{3}" fill="#E8F1F7" stroke="#BBBBBB"/>"##,
        c(frame.0),
        c(frame.1),
        c(frame.2),
        c(frame.3)
    );
    o.push_str(r#"<g clip-path="url(#map-clip)">"#);
    let countries = outlines();
    let mut country_labels = Vec::new();
    for ct in &countries {
        let mut d = String::new();
        for ring in &ct.rings {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let (x, y) = p.xy(*lon, *lat);
                let _ = write!(d, "{}{},{}", if i == 0 { "M" } else { "L" }, c(x), c(y));
            }
            d.push('Z');
        }
        let fill = if ct.name == "Mali" {
            "#F4EEDC"
        } else if ct.neighbour {
            "#F8F8F5"
        } else {
            "#F3F3EE"
        };
        let _ =
            write!(o, r##"<path d="{d}" fill="{fill}" stroke="#A8A39A" stroke-width="0.8" stroke-linejoin="round"/>"##);
        if let Some(at) = label_point(ct, &p, frame) {
            country_labels.push((ct.name.clone(), at, ct.name == "Mali"));
        }
    }
    o.push_str("</g>");

    // Roads: a white casing, then the threat colour.
    let max_threat = t.roads.iter().filter_map(|r| r.threat).fold(0.0, f64::max);
    let xy: Vec<(f64, f64)> = t.sites.iter().map(|s| p.xy(s.lon, s.lat)).collect();
    for r in &t.roads {
        let ((x1, y1), (x2, y2)) = (xy[r.a], xy[r.b]);
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="white" stroke-width="6" stroke-linecap="round"/>"#,
            c(x1),
            c(y1),
            c(x2),
            c(y2)
        );
    }
    for r in &t.roads {
        let ((x1, y1), (x2, y2)) = (xy[r.a], xy[r.b]);
        let col = r.threat.map_or(NO_THREAT, |v| THREAT[threat_class(v, max_threat)]);
        let dash = if r.corridor_closes { r#" stroke-dasharray="7 5""# } else { "" };
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{col}" stroke-width="3.2" stroke-linecap="round"{dash}/>"#,
            c(x1),
            c(y1),
            c(x2),
            c(y2)
        );
    }

    // Convoys in transit: a dark dashed arrow from origin to destination,
    // its serial at the middle.
    if !t.convoys.is_empty() {
        o.push_str(r##"<defs><marker id="transit-head" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#1F2A44"/></marker></defs>"##);
    }
    for (k, cv) in t.convoys.iter().enumerate() {
        let ((x1, y1), (x2, y2)) = (xy[cv.from], xy[cv.to]);
        // Several convoys on one link are fanned out sideways so each shows.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let same = t.convoys[..k]
            .iter()
            .filter(|o| (o.from, o.to) == (cv.from, cv.to) || (o.from, o.to) == (cv.to, cv.from))
            .count() as f64;
        let off = 6.0 + 7.0 * same;
        let (nx, ny) = (-dy / len * off, dx / len * off);
        let shrink = 9.0 / len;
        let (ax, ay) = (x1 + dx * shrink + nx, y1 + dy * shrink + ny);
        let (bx, by) = (x2 - dx * shrink + nx, y2 - dy * shrink + ny);
        let _ = write!(
            o,
            r##"<g><title>{}</title><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1F2A44" stroke-width="2.2" stroke-dasharray="5 3" marker-end="url(#transit-head)"/><rect x="{}" y="{}" width="9" height="6" rx="1" fill="#F2B134" stroke="#1F2A44" stroke-width="1"/></g>"##,
            esc(&cv.label),
            c(ax),
            c(ay),
            c(bx),
            c(by),
            c((ax + bx) / 2.0 - 4.5),
            c((ay + by) / 2.0 - 3.0)
        );
    }

    // Sites, then their labels placed around them.
    let mut placer = Placer::within(frame);
    for (s, &(x, y)) in t.sites.iter().zip(&xy) {
        let r = marker_radius(s.marker);
        placer.block((x - r, y - r, 2.0 * r, 2.0 * r));
    }
    // Road midpoints are kept clear too, lightly (a label may sit on a road if it must).
    for r in &t.roads {
        let ((x1, y1), (x2, y2)) = (xy[r.a], xy[r.b]);
        for f in [0.3, 0.5, 0.7] {
            placer.block((x1 + (x2 - x1) * f - 2.0, y1 + (y2 - y1) * f - 2.0, 4.0, 4.0));
        }
    }
    for (s, &(x, y)) in t.sites.iter().zip(&xy) {
        // The full name as a tooltip in browsers.
        let _ = write!(o, "<g><title>{}</title>", esc(&s.label));
        draw_marker(&mut o, s.marker, x, y);
        o.push_str("</g>");
    }
    // Bigger markers are labelled first: they matter most.
    let mut order: Vec<usize> = (0..t.sites.len()).collect();
    order.sort_by(|a, b| marker_radius(t.sites[*b].marker).total_cmp(&marker_radius(t.sites[*a].marker)));
    for i in order {
        let s = &t.sites[i];
        let (x, y) = xy[i];
        let size = if matches!(s.marker, Marker::Waypoint) { 10.0 } else { 11.5 };
        let label = svg::fit(svg::short_name(&s.label), size, 190.0);
        let (tw, th) = (svg::text_width(&label, size), size + 2.0);
        let r = marker_radius(s.marker) + 3.0;
        let cands = [
            (x + r, y - th / 2.0, tw, th),
            (x - r - tw, y - th / 2.0, tw, th),
            (x - tw / 2.0, y - r - th, tw, th),
            (x - tw / 2.0, y + r, tw, th),
            (x + r * 0.7, y - r * 0.7 - th, tw, th),
            (x + r * 0.7, y + r * 0.7, tw, th),
            (x - r * 0.7 - tw, y - r * 0.7 - th, tw, th),
            (x - r * 0.7 - tw, y + r * 0.7, tw, th),
            (x + r, y - th * 1.5, tw, th),
            (x + r, y + th * 0.5, tw, th),
        ];
        let b = cands[placer.place(&cands)];
        let fill = if matches!(s.marker, Marker::Waypoint | Marker::Open) { colour::MUTED } else { colour::INK };
        let _ = write!(
            o,
            r#"<text x="{}" y="{}" font-size="{}" fill="{fill}" stroke="white" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text>"#,
            c(b.0),
            c(b.1 + th - 3.5),
            c(size),
            esc(&label)
        );
    }
    // Country names where they fit.
    for (name, (x, y), main) in country_labels {
        let size = if main { 15.0 } else { 11.0 };
        let label = name.to_uppercase();
        let tw = svg::text_width(&label, size) * 1.15;
        let b = (x - tw / 2.0, y - size, tw, size + 2.0);
        if placer.place(&[b, (x - tw / 2.0, y + size, tw, size + 2.0)]) == 0 && placer_ok(frame, b) {
            let _ = write!(
                o,
                r##"<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#A39A88" letter-spacing="1.5">{}</text>"##,
                c(x),
                c(y),
                c(size),
                esc(&label)
            );
        }
    }

    // Legend below the frame.
    let mut lg = svg::Legend::new(20.0, fy + ph + 24.0, w - 20.0);
    let roads = "Roads, highest IED + ambush rate per 100 convoy-km:";
    svg::text(&mut o, 20.0, lg.y + 4.0, roads, 11.5, "start", r##"fill="#222222" font-weight="bold""##);
    lg.x += svg::text_width(roads, 11.5) * 1.1 + 12.0;
    if max_threat > 0.0 {
        for (k, col) in THREAT.iter().enumerate() {
            let (lo, hi) = (max_threat * k as f64 / 4.0, max_threat * (k + 1) as f64 / 4.0);
            lg.item(
                &mut o,
                &format!(r#"<line x1="{{x}}" x2="{{x2}}" y1="{{y}}" y2="{{y}}" stroke="{col}" stroke-width="4"/>"#),
                &format!("{}–{}", fmt_rate(lo), fmt_rate(hi)),
            );
        }
    }
    lg.item(
        &mut o,
        &format!(r#"<line x1="{{x}}" x2="{{x2}}" y1="{{y}}" y2="{{y}}" stroke="{NO_THREAT}" stroke-width="4"/>"#),
        "no threat",
    );
    if t.roads.iter().any(|r| r.corridor_closes) {
        lg.item(&mut o, r##"<line x1="{x}" x2="{x2}" y1="{y}" y2="{y}" stroke="#555555" stroke-width="3" stroke-dasharray="7 5"/>"##, "corridor closes");
    }
    if !t.convoys.is_empty() {
        lg.item(&mut o, r##"<line x1="{x}" x2="{x2}" y1="{y}" y2="{y}" stroke="#1F2A44" stroke-width="2.2" stroke-dasharray="5 3"/>"##, "convoy in transit");
    }
    let ly = lg.y;
    let mut lg = svg::Legend::new(20.0, ly + 24.0, w - 20.0);
    svg::text(&mut o, 20.0, lg.y + 4.0, "Sites:", 11.5, "start", r##"fill="#222222" font-weight="bold""##);
    lg.x += 48.0;
    let pie = |s: f64, a: f64| {
        format!(
            r#"<g transform="translate({{xm}} {{y}})">{}</g>"#,
            marker_svg(Marker::Closing { state: s, armed_group: a })
        )
    };
    let at = |m: Marker| format!(r#"<g transform="translate({{xm}} {{y}})">{}</g>"#, marker_svg(m));
    lg.item(&mut o, &pie(1.0, 0.0), "taken by the state");
    lg.item(&mut o, &pie(0.0, 1.0), "by an armed group");
    lg.item(&mut o, &pie(0.0, 0.0), "nobody / not vacated");
    lg.item(&mut o, &at(Marker::Open), "stays open");
    lg.item(&mut o, &at(Marker::Exit), "exit (port, border)");
    lg.item(&mut o, &at(Marker::Airfield), "airfield");
    lg.item(&mut o, &at(Marker::Waypoint), "waypoint");
    let ly = lg.y;
    let h = ly + 22.0;

    Chart {
        id: "map",
        title: "Sites, roads and who took each vacated base".into(),
        caption: format!(
            "Sites and road links at the scenario's coordinates (equirectangular projection fitted to the sites). Roads: colour = highest IED + ambush rate per 100 convoy-km in the link's threat zone at any time in the period; dashed: the corridor is closed for part of it. Pies: share of {} in which the national army (blue) or an armed group (orange) took the vacated base; grey: nobody, or not vacated.{} Outlines: Natural Earth 1:50m (public domain).",
            crate::replications(t.runs),
            if t.abroad > 0 {
                format!(" {} destination(s) abroad, reached by air, are not shown.", t.abroad)
            } else {
                String::new()
            }
        ),
        width: w,
        height: h,
        body: o,
    }
}

fn fmt_rate(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn placer_ok(frame: svg::Rect, b: svg::Rect) -> bool {
    b.0 >= frame.0 && b.1 >= frame.1 && b.0 + b.2 <= frame.0 + frame.2 && b.1 + b.3 <= frame.1 + frame.3
}

fn marker_radius(m: Marker) -> f64 {
    match m {
        Marker::Closing { .. } => 9.0,
        Marker::Open => 7.0,
        Marker::Exit => 7.0,
        Marker::Airfield => 5.0,
        Marker::Waypoint => 3.0,
    }
}

/// A marker centred on the origin.
fn marker_svg(m: Marker) -> String {
    let mut s = String::new();
    draw_marker(&mut s, m, 0.0, 0.0);
    s
}

fn draw_marker(o: &mut String, m: Marker, x: f64, y: f64) {
    match m {
        Marker::Closing { state, armed_group } => {
            let r = 9.0;
            let _ = write!(o, r##"<circle cx="{}" cy="{}" r="{r}" fill="#DDDDDD"/>"##, c(x), c(y));
            let mut from = 0.0;
            for (share, col) in [(state, colour::BLUE), (armed_group, colour::VERMILION)] {
                if share >= 0.999 {
                    let _ = write!(o, r#"<circle cx="{}" cy="{}" r="{r}" fill="{col}"/>"#, c(x), c(y));
                } else if share > 0.001 {
                    let a0 = from * std::f64::consts::TAU;
                    let a1 = (from + share) * std::f64::consts::TAU;
                    let (sx, sy) = (x + r * a0.sin(), y - r * a0.cos());
                    let (ex, ey) = (x + r * a1.sin(), y - r * a1.cos());
                    let large = if share > 0.5 { 1 } else { 0 };
                    let _ = write!(
                        o,
                        r#"<path d="M{},{} L{},{} A{r},{r} 0 {large} 1 {},{} Z" fill="{col}"/>"#,
                        c(x),
                        c(y),
                        c(sx),
                        c(sy),
                        c(ex),
                        c(ey)
                    );
                }
                from += share;
            }
            let _ = write!(
                o,
                r#"<circle cx="{}" cy="{}" r="{r}" fill="none" stroke="{}" stroke-width="1.2"/>"#,
                c(x),
                c(y),
                colour::INK
            );
        }
        Marker::Open => {
            let _ = write!(
                o,
                r##"<circle cx="{}" cy="{}" r="7" fill="#C8C8C8" stroke="#888888" stroke-width="1.2"/>"##,
                c(x),
                c(y)
            );
        }
        Marker::Exit => {
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="12" height="12" fill="{}" stroke="white" stroke-width="1"/>"#,
                c(x - 6.0),
                c(y - 6.0),
                colour::INK
            );
        }
        Marker::Airfield => {
            let _ = write!(
                o,
                r#"<circle cx="{}" cy="{}" r="5" fill="white" stroke="{}" stroke-width="2"/>"#,
                c(x),
                c(y),
                colour::INK
            );
        }
        Marker::Waypoint => {
            let _ = write!(o, r#"<circle cx="{}" cy="{}" r="3" fill="{}"/>"#, c(x), c(y), colour::MUTED);
        }
    }
}

/// One country of the bundled outline.
pub struct Country {
    pub name: String,
    /// Context countries around Mali's neighbours (drawn lighter).
    pub neighbour: bool,
    /// Rings of (lon, lat).
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// The bundled outlines as the file writes them: rings as flat lists of
/// lon, lat, lon, lat, …
#[derive(serde::Deserialize)]
struct OutlineFile {
    countries: Vec<OutlineCountry>,
}

#[derive(serde::Deserialize)]
struct OutlineCountry {
    name: String,
    #[serde(default)]
    neighbour: bool,
    rings: Vec<Vec<f64>>,
}

/// The bundled outlines, parsed. The file is compiled in and a test parses
/// it, so the empty map of a file that does not parse cannot ship.
pub fn outlines() -> Vec<Country> {
    let Ok(file) = serde_json::from_str::<OutlineFile>(OUTLINES) else {
        return Vec::new();
    };
    file.countries
        .into_iter()
        .map(|ct| Country {
            name: ct.name,
            neighbour: ct.neighbour,
            rings: ct.rings.iter().map(|r| r.chunks_exact(2).map(|p| (p[0], p[1])).collect()).collect(),
        })
        .collect()
}

/// Where to write a country's name: the visible point of the country
/// farthest from its border and from the frame (on a 16 px grid), if it
/// has room for a label.
fn label_point(ct: &Country, p: &Proj, frame: svg::Rect) -> Option<(f64, f64)> {
    let rings: Vec<Vec<(f64, f64)>> =
        ct.rings.iter().map(|r| r.iter().map(|(lon, lat)| p.xy(*lon, *lat)).collect()).collect();
    let mut best: Option<(f64, (f64, f64))> = None;
    let step = 16.0;
    let mut y = frame.1 + step / 2.0;
    while y < frame.1 + frame.3 {
        let mut x = frame.0 + step / 2.0;
        while x < frame.0 + frame.2 {
            let inside = rings.iter().filter(|r| point_in_ring((x, y), r)).count() % 2 == 1;
            if inside {
                // Labels are wide: horizontal room counts half.
                let to_frame =
                    ((x - frame.0).min(frame.0 + frame.2 - x) / 2.5).min((y - frame.1).min(frame.1 + frame.3 - y));
                let d = rings.iter().map(|r| distance_to_ring((x, y), r)).fold(to_frame, f64::min);
                if best.is_none_or(|(bd, _)| d > bd) {
                    best = Some((d, (x, y)));
                }
            }
            x += step;
        }
        y += step;
    }
    best.filter(|(d, _)| *d > 14.0).map(|(_, at)| (at.0, at.1 + 4.0))
}

/// Distance from a point to a closed ring's edges, with horizontal
/// distances counting 2.5× less (labels are wider than tall).
fn distance_to_ring((x, y): (f64, f64), ring: &[(f64, f64)]) -> f64 {
    let mut best = f64::INFINITY;
    for i in 0..ring.len() {
        let (ax, ay) = ring[i];
        let (bx, by) = ring[(i + 1) % ring.len()];
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((x - ax) * dx + (y - ay) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let (qx, qy) = (ax + t * dx - x, ay + t * dy - y);
        best = best.min(((qx / 2.5).powi(2) + qy * qy).sqrt());
    }
    best
}

fn point_in_ring((x, y): (f64, f64), ring: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The caption names the colours the pies are drawn in (it once said
    /// red for the armed group's vermilion, which reads as orange).
    #[test]
    fn the_caption_names_the_pies_colours() {
        let src = drawdown_model::Source::new("m", drawdown_model::MINUSMA_2023);
        let w = World::compile(&drawdown_model::load(&src).expect("loads").scenario).expect("compiles");
        let t = Theatre::from_world(&w, &[], &plain_marker);
        let chart = draw(&t);
        let pie = marker_svg(Marker::Closing { state: 0.0, armed_group: 1.0 });
        assert!(
            pie.contains(colour::VERMILION) && chart.caption.contains("an armed group (orange)"),
            "{}",
            chart.caption
        );
        let pie = marker_svg(Marker::Closing { state: 1.0, armed_group: 0.0 });
        assert!(pie.contains(colour::BLUE) && chart.caption.contains("national army (blue)"), "{}", chart.caption);
    }

    #[test]
    fn the_bundled_outlines_hold_mali_and_its_neighbours() {
        serde_json::from_str::<OutlineFile>(OUTLINES).expect("the bundled outlines parse");
        let cs = outlines();
        for name in ["Mali", "Algeria", "Niger", "Burkina Faso", "Côte d'Ivoire", "Guinea", "Senegal", "Mauritania"] {
            let ct = cs.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(!ct.neighbour && ct.rings.iter().any(|r| r.len() > 20), "{name}");
        }
        // Bamako is in Mali, Niamey is not.
        let mali = cs.iter().find(|c| c.name == "Mali").unwrap();
        let ring = mali.rings.iter().max_by_key(|r| r.len()).unwrap();
        assert!(point_in_ring((-8.0, 12.64), ring));
        assert!(!point_in_ring((2.11, 13.51), ring));
    }

    #[test]
    fn threat_classes_split_the_range_in_quarters() {
        assert_eq!(threat_class(0.01, 1.0), 0);
        assert_eq!(threat_class(0.26, 1.0), 1);
        assert_eq!(threat_class(1.0, 1.0), 3);
    }
}
