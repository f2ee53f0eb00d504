//! The uncertain inputs of a scenario: every sourced number that carries a
//! `confidence`, with the range sensitivity analysis swings it over.
//!
//! The range is the value's own `low`/`high` when given; otherwise the value
//! times `1 ∓ swing`, where the swing is 10 % (high confidence), 25 %
//! (medium) or 50 % (low). Whole-number fields swing to whole numbers,
//! probabilities stay within [0, 1], and nothing becomes negative.
//! Coordinates are excluded: they only place sites on the map.

use std::str::FromStr;

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::load::Source;
use crate::quantity::Confidence;

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
    let Ok(doc) = DocumentMut::from_str(&src.text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk_table(doc.as_table(), "", "", &mut out);
    out
}

fn walk_table(t: &Table, path: &str, label: &str, out: &mut Vec<UncertainInput>) {
    for (k, item) in t.iter() {
        if k == "variants" && path.is_empty() {
            continue;
        }
        let p = if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
        match item {
            Item::Table(sub) => walk_table(sub, &p, &p, out),
            Item::ArrayOfTables(arr) => {
                for (i, sub) in arr.iter().enumerate() {
                    walk_table(sub, &format!("{p}[{i}]"), &entry_label(&p, i, sub), out);
                }
            }
            Item::Value(v) => walk_value(v, &p, &format!("{label}: {k}"), k, out),
            Item::None => {}
        }
    }
}

fn entry_label(table: &str, i: usize, t: &Table) -> String {
    let text = |f: &str| t.get(f).and_then(Item::as_str);
    let mut l = match (["id", "site", "zone", "group"].iter().find_map(|f| text(f)), text("from"), text("to")) {
        (Some(n), _, _) => format!("{table} {n}"),
        // A link is named by its ends.
        (None, Some(a), Some(b)) => format!("{table} {a}–{b}"),
        _ => format!("{table}[{i}]"),
    };
    // A period is named by its start date.
    if let Some(from) = t.get("from").and_then(Item::as_value).filter(|v| v.is_datetime()) {
        l.push_str(&format!(" from {}", from.to_string().trim()));
    }
    l
}

fn walk_value(v: &Value, path: &str, label: &str, key: &str, out: &mut Vec<UncertainInput>) {
    match v {
        Value::InlineTable(t) if t.contains_key("value") => {
            if let Some(input) = input(t, path, label, key) {
                out.push(input);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                if let Value::InlineTable(t) = x {
                    let from = t.get("from").map(|f| format!(" from {}", f.to_string().trim())).unwrap_or_default();
                    if let Some(Value::InlineTable(inner)) = t.get("value") {
                        if let Some(input) = input(inner, &format!("{path}[{i}].value"), &format!("{label}{from}"), key) {
                            out.push(input);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn input(t: &toml_edit::InlineTable, path: &str, label: &str, key: &str) -> Option<UncertainInput> {
    if EXCLUDED.contains(&key) {
        return None;
    }
    let confidence = t.get("confidence").and_then(Value::as_str).and_then(|c| match c {
        "high" => Some(Confidence::High),
        "medium" => Some(Confidence::Medium),
        "low" => Some(Confidence::Low),
        _ => None,
    });
    let num = |k: &str| t.get(k).and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
    let value = num("value")?;
    let integer = t.get("value").is_some_and(Value::is_integer);
    let (explicit_low, explicit_high) = (num("low"), num("high"));
    if confidence.is_none() && explicit_low.is_none() && explicit_high.is_none() {
        return None;
    }
    let swing = confidence.map_or(0.25, Confidence::default_swing);
    let mut low = explicit_low.unwrap_or(value * (1.0 - swing)).max(0.0);
    let mut high = explicit_high.unwrap_or(value * (1.0 + swing));
    if PROBABILITIES.contains(&key) {
        low = low.clamp(0.0, 1.0);
        high = high.clamp(0.0, 1.0);
    }
    if integer {
        low = low.round();
        high = high.round();
    }
    if low == value && high == value {
        return None;
    }
    Some(UncertainInput {
        path: path.to_string(),
        label: label.to_string(),
        value,
        low,
        high,
        integer,
        source: t.get("source").and_then(Value::as_str).map(str::to_string),
        confidence,
    })
}

impl UncertainInput {
    /// The override text setting this input to `x`.
    pub fn set(&self, x: f64) -> String {
        if self.integer {
            format!("{}={}", self.path, x.round() as i64)
        } else {
            format!("{}={x}", self.path)
        }
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
