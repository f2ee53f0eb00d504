//! The uncertain inputs of a scenario: every sourced number that carries a
//! `confidence`, with the range sensitivity analysis swings it over.
//!
//! The range is the value's own `low`/`high` when given; otherwise the value
//! times `1 ∓ swing`, where the swing is 10 % (high confidence), 25 %
//! (medium) or 50 % (low). Whole-number fields swing to whole numbers,
//! probabilities stay within [0, 1], and nothing becomes negative.
//! Coordinates are excluded: they only place sites on the map.

use crate::load::Source;
use crate::quantity::Confidence;
use crate::sourced::{SourcedValue, sourced_values};

/// One input to swing.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainInput {
    /// Override path (`threat[2].ied_per_100km`).
    pub path: String,
    /// Readable name (`threat north from 2023-10-01: ied_per_100km`).
    pub label: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// The field holds a whole number.
    pub integer: bool,
    pub source: Option<String>,
    pub confidence: Option<Confidence>,
}

const PROBABILITIES: &[&str] = &["approval", "serviceability", "armed_group", "vehicle_serviceability"];
const EXCLUDED: &[&str] = &["lat", "lon"];

/// All uncertain inputs, in document order.
pub fn uncertain_inputs(src: &Source) -> Vec<UncertainInput> {
    sourced_values(&src.text).into_iter().filter_map(input).collect()
}

fn input(v: SourcedValue) -> Option<UncertainInput> {
    if EXCLUDED.contains(&v.key.as_str()) {
        return None;
    }
    let value = v.number?;
    let confidence = v.confidence.as_deref().and_then(|c| match c {
        "high" => Some(Confidence::High),
        "medium" => Some(Confidence::Medium),
        "low" => Some(Confidence::Low),
        _ => None,
    });
    if confidence.is_none() && v.low.is_none() && v.high.is_none() {
        return None;
    }
    let swing = confidence.map_or(0.25, Confidence::default_swing);
    let mut low = v.low.unwrap_or(value * (1.0 - swing)).max(0.0);
    let mut high = v.high.unwrap_or(value * (1.0 + swing));
    if PROBABILITIES.contains(&v.key.as_str()) {
        low = low.clamp(0.0, 1.0);
        high = high.clamp(0.0, 1.0);
    }
    if v.integer {
        low = low.round();
        high = high.round();
    }
    if low == value && high == value {
        return None;
    }
    Some(UncertainInput {
        path: v.path,
        label: v.label,
        value,
        low,
        high,
        integer: v.integer,
        source: v.source,
        confidence,
    })
}

impl UncertainInput {
    /// The override text setting this input to `x`.
    pub fn set(&self, x: f64) -> String {
        if self.integer { format!("{}={}", self.path, x.round() as i64) } else { format!("{}={x}", self.path) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sourced_values_with_confidence_and_derives_ranges() {
        let src = Source::new(
            "t.toml",
            r#"
[[site]]
id = "kidal"
lat = { value = 18.4, confidence = "low" }
[[fleet]]
id = "gao-trucks"
trucks = { value = 200, source = "S16", confidence = "high" }
capacity = { value = 1.0, source = "assumption" }
[[policy.clearance]]
group = "theatre"
from = 2023-10-01
approval = { value = 0.9, confidence = "low" }
[[link]]
pace = [{ from = 2023-07-01, value = { value = 30, confidence = "medium", low = 20, high = 45 } }]
"#,
        );
        let ins = uncertain_inputs(&src);
        let paths: Vec<&str> = ins.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["fleet[0].trucks", "policy.clearance[0].approval", "link[0].pace[0].value"]);
        assert_eq!((ins[0].low, ins[0].high), (180.0, 220.0));
        assert!(ins[0].integer);
        assert_eq!(ins[0].set(180.0), "fleet[0].trucks=180");
        assert_eq!((ins[1].low, ins[1].high), (0.45, 1.0), "probabilities stay within [0, 1]");
        assert_eq!((ins[2].low, ins[2].high), (20.0, 45.0), "explicit bounds win");
        assert!(ins[1].label.contains("theatre") && ins[1].label.contains("2023-10-01"), "{}", ins[1].label);
    }
}
