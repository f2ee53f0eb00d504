//! Charts as PNGs for slides: the chart's standalone SVG (title and caption
//! included) rasterised with `resvg`, pure Rust, at twice the SVG's size.
//!
//! Text needs a font: the system's fonts are loaded once (DejaVu Sans
//! preferred, as in the SVG's `font-family`). On a machine with no fonts at
//! all the PNGs are still written, without their text, and `Renderer::new`
//! says so, so the caller can warn (`apt-get install fonts-dejavu-core`).

use resvg::{tiny_skia, usvg};

use crate::Chart;

/// Pixels per SVG unit: 960-unit charts become 1920 px wide.
pub const SCALE: f32 = 2.0;

/// Renders SVG to PNG with the system's fonts.
pub struct Renderer {
    options: usvg::Options<'static>,
    has_fonts: bool,
}

impl Renderer {
    pub fn new() -> Renderer {
        let mut options = usvg::Options::default();
        let db = options.fontdb_mut();
        db.load_system_fonts();
        let families: Vec<String> = db.faces().filter_map(|f| f.families.first().map(|(n, _)| n.clone())).collect();
        let has_fonts = !families.is_empty();
        // Generic `sans-serif` and unnamed text fall back to a family that exists.
        let prefer = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"];
        if let Some(f) = prefer
            .iter()
            .find(|p| families.iter().any(|f| f == *p))
            .map(|s| s.to_string())
            .or_else(|| families.first().cloned())
        {
            db.set_sans_serif_family(f.clone());
            options.font_family = f;
        }
        Renderer { options, has_fonts }
    }

    /// False when no font was found: text will be missing from the PNGs.
    pub fn has_fonts(&self) -> bool {
        self.has_fonts
    }

    /// The chart as a PNG, title and caption included.
    pub fn chart(&self, chart: &Chart) -> Result<Vec<u8>, String> {
        self.svg(&chart.standalone()).map_err(|e| format!("chart {}: {e}", chart.id))
    }

    /// Any SVG document as a PNG at `SCALE`.
    pub fn svg(&self, svg: &str) -> Result<Vec<u8>, String> {
        let tree = usvg::Tree::from_str(svg, &self.options).map_err(|e| format!("cannot read the SVG: {e}"))?;
        let size = tree.size();
        let (w, h) = ((size.width() * SCALE).ceil() as u32, (size.height() * SCALE).ceil() as u32);
        let mut pixmap =
            tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| format!("cannot allocate a {w}×{h} image"))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(&tree, tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
        pixmap.encode_png().map_err(|e| format!("cannot encode the PNG: {e}"))
    }
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_becomes_a_png_twice_its_size() {
        let c = Chart {
            id: "t",
            title: "T".into(),
            caption: "c".into(),
            width: 100.0,
            height: 50.0,
            body: r#"<rect x="10" y="10" width="50" height="20" fill="red"/>"#.into(),
        };
        let png = Renderer::new().chart(&c).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // Width from the IHDR chunk.
        let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert_eq!(w, 200);
    }
}
