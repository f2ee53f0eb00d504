//! Small drawing helpers shared by the charts: escaping, number and date
//! formatting, linear scales, axis ticks and text.

use std::fmt::Write;

use drawdown_model::Date;

/// Colour-blind-safe palette (Okabe & Ito) plus greys.
pub mod colour {
    pub const BLUE: &str = "#0072B2";
    pub const SKY: &str = "#56B4E9";
    pub const GREEN: &str = "#009E73";
    pub const ORANGE: &str = "#E69F00";
    pub const VERMILION: &str = "#D55E00";
    pub const PURPLE: &str = "#CC79A7";
    pub const DARK_RED: &str = "#8B1A1A";
    pub const INK: &str = "#222222";
    pub const MUTED: &str = "#666666";
    pub const GRID: &str = "#E3E3E3";
    pub const LIGHT: &str = "#BBBBBB";
}

/// Escapes text for XML/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// A coordinate with at most one decimal: SVG stays small and the output
/// is byte-for-byte deterministic.
pub fn c(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() { format!("{}", r as i64) } else { format!("{r:.1}") }
}

/// A whole number with thousands separators: `13,900`.
pub fn int(x: f64) -> String {
    let neg = x < 0.0;
    let digits = format!("{}", x.abs().round() as u64);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg && out != "0" { format!("−{out}") } else { out }
}

/// A number for labels: whole numbers with separators, small ones with
/// two significant decimals.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x.abs() >= 100.0 || x == x.round() {
        int(x)
    } else if x.abs() >= 10.0 {
        format!("{x:.1}").replace('-', "−")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}").replace('-', "−")
    } else {
        format!("{x:.3}").replace('-', "−")
    }
}

/// A signed number: `+12`, `−3.5`.
pub fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{}", num(x)) } else { num(x) }
}

/// A share as a percentage: `87 %`.
pub fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p > 0.0 && p < 1.0 {
        "<1 %".into()
    } else if p < 100.0 && p > 99.0 {
        ">99 %".into()
    } else {
        format!("{p:.0} %")
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `31 Dec 2023`.
pub fn long_date(d: Date) -> String {
    let s = d.to_string();
    let (y, m, day) = (&s[0..4], s[5..7].parse::<usize>().unwrap_or(1), s[8..10].trim_start_matches('0'));
    format!("{day} {} {y}", MONTHS[(m - 1).min(11)])
}

/// `31 Dec`.
pub fn short_date(d: Date) -> String {
    let s = d.to_string();
    let (m, day) = (s[5..7].parse::<usize>().unwrap_or(1), s[8..10].trim_start_matches('0'));
    format!("{day} {}", MONTHS[(m - 1).min(11)])
}

/// A linear map from a domain to a range of pixels.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Scale {
        let d1 = if (d1 - d0).abs() < 1e-12 { d0 + 1.0 } else { d1 };
        Scale { d0, d1, r0, r1 }
    }
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// About `n` round tick values covering [lo, hi] (1, 2, 2.5 or 5 × 10^k apart).
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    // Also catches NaN bounds.
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let mut v = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while v <= hi + step * 1e-9 {
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    out
}

/// A "nice" upper bound for an axis starting at zero.
pub fn nice_max(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let t = ticks(0.0, x, 5);
    let step = if t.len() > 1 { t[1] - t[0] } else { x };
    (x / step).ceil() * step
}

/// Tick labels for a numeric axis: whole numbers, or decimals if the step needs them.
pub fn tick_label(v: f64, step: f64) -> String {
    if v == 0.0 || (step >= 1.0 && step.fract() == 0.0) {
        int(v)
    } else if (step * 10.0).fract().abs() < 1e-9 {
        format!("{v:.1}").replace('-', "−")
    } else {
        format!("{v:.2}").replace('-', "−")
    }
}

/// Day indices (from `start`) of the first of each month in [d0, d1], with
/// labels ("Jul", and "Jan 2024" when the year changes).
pub fn month_ticks(start: Date, d0: f64, d1: f64) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let first = start.plus_days(d0.floor() as i64);
    let s = first.to_string();
    let (mut y, mut m) = (s[0..4].parse::<i32>().unwrap_or(2000), s[5..7].parse::<u32>().unwrap_or(1));
    let start_year = y;
    // The first of the month on or after d0.
    if s[8..10] != *"01" {
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    while let Some(d) = Date::ymd(y, m, 1) {
        let day = d.days_since(start) as f64;
        if day > d1 {
            break;
        }
        let label = if m == 1 || (y != start_year && out.is_empty()) {
            format!("{} {y}", MONTHS[m as usize - 1])
        } else {
            MONTHS[m as usize - 1].to_string()
        };
        out.push((day, label));
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    // Long spans: every other month.
    if out.len() > 14 {
        out = out.into_iter().step_by(2).collect();
    }
    out
}

/// Text anchored at (x, y).
pub fn text(o: &mut String, x: f64, y: f64, s: &str, size: f64, anchor: &str, attrs: &str) {
    let _ = write!(
        o,
        r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}"{}{attrs}>{}</text>"#,
        c(x),
        c(y),
        c(size),
        if attrs.is_empty() { "" } else { " " },
        esc(s)
    );
}

/// Estimated width of `s` in DejaVu Sans / Helvetica at `size` px: enough
/// to keep labels from colliding without measuring glyphs.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|ch| match ch {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | 'I' | 'f' | 't' | 'r' | '(' | ')' => {
                0.33
            }
            'm' | 'w' | 'M' | 'W' | '%' | '—' => 0.9,
            c if c.is_uppercase() => 0.72,
            c if c.is_ascii_digit() => 0.64,
            _ => 0.6,
        })
        .sum::<f64>()
        * size
}

/// A site's name without its parenthetical detail:
/// `Gao (super camp and logistics hub)` → `Gao`.
pub fn short_name(name: &str) -> &str {
    match name.find(" (") {
        Some(i) if i > 0 => name[..i].trim_end(),
        _ => name,
    }
}

/// Shortens `s` to fit `width` px at `size`, with an ellipsis.
pub fn fit(s: &str, size: f64, width: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && text_width(&out, size) + text_width("…", size) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// Shortens `s` to at most `max` characters, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max.saturating_sub(1)).collect::<String>())
    }
}

/// A horizontal numeric axis at `y` with grid lines up to `grid_top`.
pub fn x_axis(o: &mut String, sc: &Scale, y: f64, grid_top: f64, n: usize, label: &str) {
    let t = ticks(sc.d0.min(sc.d1), sc.d0.max(sc.d1), n);
    let step = if t.len() > 1 { t[1] - t[0] } else { 1.0 };
    for v in &t {
        let x = sc.at(*v);
        let _ = write!(
            o,
            r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1"/>"#,
            c(x),
            c(grid_top),
            c(y),
            colour::GRID
        );
        text(o, x, y + 16.0, &tick_label(*v, step), 11.0, "middle", &format!(r#"fill="{}""#, colour::MUTED));
    }
    let _ = write!(
        o,
        r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="1"/>"#,
        c(sc.r0.min(sc.r1)),
        c(sc.r0.max(sc.r1)),
        c(y),
        colour::MUTED
    );
    text(o, (sc.r0 + sc.r1) / 2.0, y + 34.0, label, 12.0, "middle", &format!(r#"fill="{}""#, colour::INK));
}

/// A vertical numeric axis at `x` with grid lines across to `grid_right`.
pub fn y_axis(o: &mut String, sc: &Scale, x: f64, grid_right: f64, n: usize, label: &str) {
    let t = ticks(sc.d0.min(sc.d1), sc.d0.max(sc.d1), n);
    let step = if t.len() > 1 { t[1] - t[0] } else { 1.0 };
    for v in &t {
        let y = sc.at(*v);
        let _ = write!(
            o,
            r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="1"/>"#,
            c(x),
            c(grid_right),
            c(y),
            colour::GRID
        );
        text(o, x - 6.0, y + 4.0, &tick_label(*v, step), 11.0, "end", &format!(r#"fill="{}""#, colour::MUTED));
    }
    let _ = write!(
        o,
        r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1"/>"#,
        c(x),
        c(sc.r0),
        c(sc.r1),
        colour::MUTED
    );
    let mid = (sc.r0 + sc.r1) / 2.0;
    let _ = write!(
        o,
        r#"<text x="{0}" y="{1}" font-size="12" text-anchor="middle" fill="{3}" transform="rotate(-90 {0} {1})">{2}</text>"#,
        c(x - 52.0),
        c(mid),
        esc(label),
        colour::INK
    );
}

/// A date axis (day indices from `start`) with month ticks.
pub fn date_axis(o: &mut String, sc: &Scale, start: Date, y: f64, grid_top: f64, label: &str) {
    for (d, l) in month_ticks(start, sc.d0, sc.d1) {
        let x = sc.at(d);
        let _ = write!(
            o,
            r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1"/>"#,
            c(x),
            c(grid_top),
            c(y + 4.0),
            colour::GRID
        );
        text(o, x, y + 16.0, &l, 11.0, "middle", &format!(r#"fill="{}""#, colour::MUTED));
    }
    let _ = write!(
        o,
        r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="1"/>"#,
        c(sc.r0),
        c(sc.r1),
        c(y),
        colour::MUTED
    );
    text(o, (sc.r0 + sc.r1) / 2.0, y + 34.0, label, 12.0, "middle", &format!(r#"fill="{}""#, colour::INK));
}

/// A legend entry: a swatch drawn by `swatch` (given x, y of its centre) then text.
pub fn legend_item(o: &mut String, x: f64, y: f64, swatch: &str, label: &str) -> f64 {
    o.push_str(
        &swatch.replace("{x}", &c(x)).replace("{y}", &c(y)).replace("{x2}", &c(x + 18.0)).replace("{xm}", &c(x + 9.0)),
    );
    text(o, x + 24.0, y + 4.0, label, 11.5, "start", &format!(r#"fill="{}""#, colour::INK));
    x + 24.0 + text_width(label, 11.5) + 18.0
}

/// Legend entries laid out left to right, wrapping at `max_x`.
pub struct Legend {
    pub x0: f64,
    pub x: f64,
    pub y: f64,
    pub max_x: f64,
}

impl Legend {
    pub fn new(x: f64, y: f64, max_x: f64) -> Legend {
        Legend { x0: x, x, y, max_x }
    }
    pub fn item(&mut self, o: &mut String, swatch: &str, label: &str) {
        if self.x > self.x0 && self.x + 24.0 + text_width(label, 11.5) > self.max_x {
            self.x = self.x0;
            self.y += 22.0;
        }
        self.x = legend_item(o, self.x, self.y, swatch, label);
    }
}

/// An axis-aligned box (x, y of the top-left corner, width, height).
pub type Rect = (f64, f64, f64, f64);

/// Greedy label placement: each label takes the first candidate box that
/// overlaps nothing placed so far (markers, earlier labels), or the one
/// that overlaps least.
#[derive(Default)]
pub struct Placer {
    taken: Vec<Rect>,
    bounds: Option<Rect>,
}

impl Placer {
    /// Labels should stay within `bounds`; boxes outside count as overlap.
    pub fn within(bounds: Rect) -> Placer {
        Placer { taken: Vec::new(), bounds: Some(bounds) }
    }
    /// Marks a box as occupied (a marker, a line end).
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }
    fn cost(&self, r: Rect) -> f64 {
        let overlap = |a: Rect, b: Rect| {
            let w = (a.0 + a.2).min(b.0 + b.2) - a.0.max(b.0);
            let h = (a.1 + a.3).min(b.1 + b.3) - a.1.max(b.1);
            if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
        };
        let mut cost: f64 = self.taken.iter().map(|t| overlap(r, *t)).sum();
        if let Some(b) = self.bounds {
            cost += (r.2 * r.3 - overlap(r, b)) * 4.0;
        }
        cost
    }
    /// Picks one of `candidates`, marks it occupied and returns its index.
    pub fn place(&mut self, candidates: &[Rect]) -> usize {
        let mut best = (f64::INFINITY, 0);
        for (i, r) in candidates.iter().enumerate() {
            let cost = self.cost(*r);
            if cost == 0.0 {
                best = (0.0, i);
                break;
            }
            if cost < best.0 {
                best = (cost, i);
            }
        }
        self.taken.push(candidates[best.1]);
        best.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_report() {
        assert_eq!(int(13900.0), "13,900");
        assert_eq!(int(999.0), "999");
        assert_eq!(int(1_234_567.0), "1,234,567");
        assert_eq!(num(0.25), "0.250");
        assert_eq!(signed(12.0), "+12");
        assert_eq!(pct(0.873), "87 %");
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(short_name("Gao (super camp)"), "Gao");
        assert_eq!(short_name("Mopti / Sévaré"), "Mopti / Sévaré");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 100.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_max(13_900.0), 15_000.0);
        assert_eq!(tick_label(12.5, 2.5), "12.5");
        assert_eq!(tick_label(10.0, 2.5), "10.0");
        assert_eq!(tick_label(1000.0, 250.0), "1,000");
        let t = ticks(-3.0, 7.0, 5);
        assert!(t.contains(&0.0) && t[0] >= -3.0 && *t.last().unwrap() <= 7.0);
    }

    #[test]
    fn labels_avoid_what_is_already_placed() {
        let mut p = Placer::default();
        p.block((0.0, 0.0, 10.0, 10.0));
        assert_eq!(p.place(&[(5.0, 5.0, 10.0, 10.0), (20.0, 0.0, 10.0, 10.0)]), 1);
        assert_eq!(p.place(&[(20.0, 0.0, 10.0, 10.0), (0.0, 0.0, 4.0, 4.0), (40.0, 0.0, 1.0, 1.0)]), 2);
    }

    #[test]
    fn month_ticks_fall_on_the_first() {
        let start = Date::ymd(2023, 7, 1).unwrap();
        let t = month_ticks(start, 0.0, 183.0);
        assert_eq!(t.first().unwrap(), &(0.0, "Jul".to_string()));
        assert_eq!(t.len(), 6, "{t:?}");
        assert_eq!(t.last().unwrap().1, "Dec");
        let t = month_ticks(start, 0.0, 200.0);
        assert_eq!(t.last().unwrap().1, "Jan 2024");
    }
}
