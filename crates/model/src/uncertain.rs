//! The uncertain inputs of a scenario: every sourced number that carries a
//! `confidence` or a `low`/`high` range, with that range and the
//! distribution a replication draws it from (`docs/model.md` §9).
//!
//! The range is the value's own `low`/`high` when given; otherwise the value
//! times `1 ∓ swing`, where the swing is 10 % (high confidence), 25 %
//! (medium) or 50 % (low). Whole-number fields swing to whole numbers,
//! probabilities stay within [0, 1], and nothing becomes negative.
//! Sensitivity analysis swings each input to the ends of its range; sampled
//! inputs treat the range as a 90 % interval (`UncertainInput::at`).
//! Coordinates are excluded (they only place sites on the map), and so are
//! the tables that are not inputs of the simulation: the milestones (they
//! are observations), the calibration (it is a posterior of other inputs)
//! and the planner's weights.

use crate::diag::{Diagnostic, Path};
use crate::load::Source;
use crate::quantity::Confidence;
use crate::scenario::Scenario;
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
    /// The field is a probability (kept within [0, 1]).
    pub probability: bool,
    /// The field is a date: `value`, `low` and `high` are its days since
    /// 1970-01-01, drawn on a linear scale and kept within `low..=high`.
    pub date: bool,
    /// The field's own name (`ied_per_100km`).
    pub key: String,
    pub source: Option<String>,
    pub confidence: Option<Confidence>,
    /// The field's physical bounds (`bounds.rs`), found once.
    pub bound: Option<&'static crate::bounds::Bound>,
}

const PROBABILITIES: &[&str] = &["approval", "serviceability", "armed_group", "vehicle_serviceability"];
const EXCLUDED: &[&str] = &["lat", "lon"];
/// Top-level tables whose values are not inputs of the simulation.
const NOT_INPUTS: &[&str] = &["milestone", "calibration", "planner", "scenario"];

/// All uncertain inputs, in document order.
pub fn uncertain_inputs(src: &Source) -> Vec<UncertainInput> {
    sourced_values(&src.text).into_iter().filter_map(input).collect()
}

fn input(v: SourcedValue) -> Option<UncertainInput> {
    let table = v.path.split(['.', '[']).next().unwrap_or("");
    if EXCLUDED.contains(&v.key.as_str()) || NOT_INPUTS.contains(&table) {
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
    let (mut low, mut high) = if v.date {
        let days = confidence.map_or(7, Confidence::default_swing_days) as f64;
        (v.low.unwrap_or(value - days), v.high.unwrap_or(value + days))
    } else {
        let swing = confidence.map_or(0.25, Confidence::default_swing);
        (v.low.unwrap_or(value * (1.0 - swing)).max(0.0), v.high.unwrap_or(value * (1.0 + swing)))
    };
    let probability = PROBABILITIES.contains(&v.key.as_str());
    if probability {
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
    let bound = crate::bounds::of_path(&crate::diag::Path::parse(&v.path));
    Some(UncertainInput {
        bound,
        path: v.path,
        label: v.label,
        value,
        low,
        high,
        integer: v.integer,
        probability,
        date: v.date,
        key: v.key,
        source: v.source,
        confidence,
    })
}

/// The scale on which an input's 90 % interval is spread like a normal
/// distribution on each side of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// ln x: positive quantities (rates, counts, durations, paces).
    Log,
    /// ln(p / (1 − p)): probabilities.
    Logit,
    /// x itself, floored at 0: quantities whose range reaches 0.
    Linear,
}

/// The standard normal quantile of 0.95: `low` and `high` are the 5th and
/// 95th percentiles of an input's distribution.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Probabilities are kept this far from 0 and 1 on the logit scale.
const P_EDGE: f64 = 1e-4;

impl Scale {
    fn to(self, x: f64) -> f64 {
        match self {
            Scale::Log => x.ln(),
            Scale::Logit => {
                let p = x.clamp(P_EDGE, 1.0 - P_EDGE);
                (p / (1.0 - p)).ln()
            }
            Scale::Linear => x,
        }
    }
    fn from(self, t: f64) -> f64 {
        match self {
            Scale::Log => t.exp(),
            Scale::Logit => 1.0 / (1.0 + (-t).exp()),
            Scale::Linear => t.max(0.0),
        }
    }
}

impl UncertainInput {
    /// The override text setting this input to `x`.
    pub fn set(&self, x: f64) -> String {
        format!("{}={}", self.path, self.text(x))
    }

    /// `x` as the field is written: a date (`2023-11-19`) for a date, a
    /// whole number for a whole-number field, else the number.
    pub fn text(&self, x: f64) -> String {
        if self.date {
            crate::Date::from_epoch_days(x.round() as i64).to_string()
        } else if self.integer {
            format!("{}", x.round() as i64)
        } else {
            format!("{x}")
        }
    }

    /// A count of personnel or equipment items: the holdings every figure is
    /// counted against. Sensitivity swings them; sampled runs keep them, so
    /// that "departed of 13,871" has one denominator in every replication.
    pub fn is_holding(&self) -> bool {
        self.key == "count" && (self.path.starts_with("personnel[") || self.path.starts_with("equipment["))
    }

    /// The scale its draws are spread on.
    pub fn scale(&self) -> Scale {
        if self.probability {
            Scale::Logit
        } else if self.date {
            Scale::Linear
        } else if self.low > 0.0 && self.value > 0.0 {
            Scale::Log
        } else {
            Scale::Linear
        }
    }

    /// The input at standard-normal quantile `z`: a two-piece normal on its
    /// scale with median `value`, 5th percentile `low` and 95th `high`
    /// (so `at(−Z95) = low`, `at(0) = value`, `at(Z95) = high`); whole-number
    /// fields round to the nearest whole number. A date is kept within its
    /// range (each end takes the 5 % of draws beyond it), so that a drawn
    /// date never leaves the window its line allows.
    pub fn at(&self, z: f64) -> f64 {
        let g = self.scale();
        let centre = g.to(self.value);
        let end = if z >= 0.0 { self.high } else { self.low };
        let sigma = (g.to(end) - centre).abs() / Z95;
        let x = g.from(centre + sigma * z);
        let x = if self.date { x.clamp(self.low, self.high) } else { x };
        if self.integer { x.round() } else { x }
    }

    /// Inverse of `at` (before rounding): the quantile `z` of a value.
    pub fn z_of(&self, x: f64) -> f64 {
        let g = self.scale();
        let (centre, t) = (g.to(self.value), g.to(x));
        let end = if t >= centre { self.high } else { self.low };
        let sigma = (g.to(end) - centre).abs() / Z95;
        if sigma > 0.0 { (t - centre) / sigma } else { 0.0 }
    }

    /// Sets this input to `x` in the JSON form of a scenario (a bare number,
    /// or the `value` of a sourced one). The path is the input's own
    /// (`threat[2].ied_per_100km`).
    ///
    /// The value is first clamped to the field's bounds (`bounds.rs`): a
    /// draw in a tail never reaches a value validation refuses.
    pub fn set_in(&self, doc: &mut serde_json::Value, x: f64) -> Result<(), String> {
        let x = self.bound.map_or(x, |b| b.clamp(x));
        let mut node = doc;
        for seg in path_segments(&self.path) {
            node = match seg {
                PathSeg::Key(k) => node.get_mut(k),
                PathSeg::Index(i) => node.get_mut(i),
            }
            .ok_or_else(|| format!("`{}` is not in the scenario", self.path))?;
        }
        if node.is_object() {
            node = node.get_mut("value").ok_or_else(|| format!("`{}` has no value in the scenario", self.path))?;
        }
        if self.date {
            if !node.is_string() {
                return Err(format!("`{}` is not a date in the scenario", self.path));
            }
            *node = serde_json::Value::from(self.text(x));
            return Ok(());
        }
        let number = if self.integer {
            serde_json::Value::from(x.round().max(0.0) as u64)
        } else {
            serde_json::Number::from_f64(x).map(serde_json::Value::Number).ok_or("not a finite number")?
        };
        if !node.is_number() {
            return Err(format!("`{}` is not a number in the scenario", self.path));
        }
        *node = number;
        Ok(())
    }
}

enum PathSeg<'a> {
    Key(&'a str),
    Index(usize),
}

/// `a.b[2].c` → `a`, `b`, 2, `c`.
fn path_segments(path: &str) -> Vec<PathSeg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(PathSeg::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(PathSeg::Index(i));
            }
        }
    }
    out
}

/// The calibration's posterior, aligned with an `InputSpace`.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// For each column, the index of its input.
    pub columns: Vec<usize>,
    /// Equally weighted draws, one value per column.
    pub rows: Vec<Vec<f64>>,
}

/// The uncertain inputs of a validated scenario, ready to be drawn: a
/// replication's inputs are one value per input, set into a copy of the
/// scenario (`scenario_at`).
#[derive(Debug, Clone)]
pub struct InputSpace {
    /// The scenario's JSON form without its variants (they are what-ifs,
    /// not inputs), into which the values are set.
    base: serde_json::Value,
    pub inputs: Vec<UncertainInput>,
    pub posterior: Option<Posterior>,
}

impl InputSpace {
    /// The inputs of `s`, whose text is `src`; the calibration's posterior
    /// columns must name uncertain inputs.
    pub fn new(src: &Source, s: &Scenario) -> Result<InputSpace, Diagnostic> {
        let values = sourced_values(&src.text);
        // A posterior column whose value is now known (a state or an
        // override fixed it) is dropped: the known value wins.
        let known: Vec<String> = values.iter().map(|v| v.path.clone()).collect();
        let inputs: Vec<UncertainInput> = values.into_iter().filter_map(input).filter(|i| !i.is_holding()).collect();
        let mut base = serde_json::to_value(s)
            .map_err(|e| Diagnostic::error(Path::root(), format!("cannot copy the scenario: {e}")))?;
        if let Some(o) = base.as_object_mut() {
            o.insert("variants".into(), serde_json::Value::Object(Default::default()));
        }
        let posterior = match &s.calibration {
            Some(c) if !c.samples.is_empty() => {
                let mut columns = Vec::with_capacity(c.inputs.len());
                let mut kept = Vec::with_capacity(c.inputs.len());
                for (k, path) in c.inputs.iter().enumerate() {
                    if !inputs.iter().any(|x| &x.path == path) && known.contains(path) {
                        continue;
                    }
                    let Some(i) = inputs.iter().position(|x| &x.path == path) else {
                        let known = inputs.iter().map(|x| x.path.as_str());
                        let hint = crate::diag::did_you_mean(path, known).unwrap_or_else(|| {
                            "a posterior column must be a value with a confidence or a low/high range".into()
                        });
                        return Err(Diagnostic::error(
                            Path::parse("calibration.inputs").index(k),
                            format!("`{path}` is not an uncertain input of the scenario"),
                        )
                        .expected("the path of a sourced value with a confidence or a range")
                        .hint(hint));
                    };
                    columns.push(i);
                    kept.push(k);
                }
                let rows = c.samples.iter().map(|r| kept.iter().map(|&k| r[k]).collect()).collect();
                Some(Posterior { columns, rows })
            }
            _ => None,
        };
        Ok(InputSpace { base, inputs, posterior })
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// Every input at its point value.
    pub fn point(&self) -> Vec<f64> {
        self.inputs.iter().map(|i| i.value).collect()
    }

    /// The scenario with input `i` set to `values[i]`.
    pub fn scenario_at(&self, values: &[f64]) -> Result<Scenario, String> {
        let mut doc = self.base.clone();
        for (input, &x) in self.inputs.iter().zip(values) {
            input.set_in(&mut doc, x)?;
        }
        serde_json::from_value(doc).map_err(|e| format!("cannot set the sampled inputs: {e}"))
    }

    /// Indices of the inputs `drawdown calibrate` fits: `[calibration] fit`
    /// (paths), or every input when it names none.
    pub fn fitted(&self, s: &Scenario) -> Result<Vec<usize>, Diagnostic> {
        let fit = s.calibration.as_ref().map(|c| c.fit.as_slice()).unwrap_or_default();
        if fit.is_empty() {
            return Ok((0..self.inputs.len()).collect());
        }
        fit.iter()
            .enumerate()
            .map(|(k, path)| {
                self.inputs.iter().position(|x| &x.path == path).ok_or_else(|| {
                    let hint = crate::diag::did_you_mean(path, self.inputs.iter().map(|x| x.path.as_str()))
                        .unwrap_or_else(|| "give the value a confidence or a low/high range".into());
                    Diagnostic::error(
                        Path::parse("calibration.fit").index(k),
                        format!("`{path}` is not an uncertain input of the scenario"),
                    )
                    .expected("the path of a sourced value with a confidence or a range")
                    .hint(hint)
                })
            })
            .collect()
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

    /// The JSON pointer of the first place two values differ.
    fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
        use serde_json::Value as V;
        match (a, b) {
            (V::Object(x), V::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, &format!("{at}/{k}")),
                    _ => Some(format!("{at}/{k}")),
                })
            }
            (V::Array(x), V::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}")))
            }
            (V::Number(x), V::Number(y)) if x.as_f64() == y.as_f64() => None,
            _ if a == b => None,
            _ => Some(format!("{at}: {a} vs {b}")),
        }
    }

    fn minusma() -> (Source, Scenario) {
        let src = Source::new("m", crate::MINUSMA_2023);
        let s = crate::load(&src).expect("loads").scenario;
        (src, s)
    }

    #[test]
    fn every_minusma_input_is_set_where_the_file_has_it() {
        let (src, s) = minusma();
        let space = InputSpace::new(&src, &s).unwrap();
        assert!(space.inputs.len() > 20, "{}", space.inputs.len());
        assert!(space.inputs.iter().all(|i| !i.path.starts_with("milestone")), "milestones are observations");
        // At the point values the scenario is unchanged.
        let same = serde_json::to_value(space.scenario_at(&space.point()).unwrap()).unwrap();
        assert_eq!(first_difference(&same, &space.base, ""), None);
        // Each input set on its own changes exactly its own value.
        for (k, input) in space.inputs.iter().enumerate() {
            let mut values = space.point();
            values[k] = input.high;
            let changed = serde_json::to_value(space.scenario_at(&values).unwrap()).unwrap();
            assert!(
                first_difference(&changed, &space.base, "").is_some(),
                "{} at its high value changes nothing",
                input.path
            );
        }
    }

    #[test]
    fn draws_put_low_and_high_at_the_5th_and_95th_percentiles() {
        let (src, _) = minusma();
        for input in uncertain_inputs(&src) {
            let close =
                |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0) || input.integer && (a - b).abs() <= 0.5;
            assert!(close(input.at(0.0), input.value), "{}: median {} vs {}", input.path, input.at(0.0), input.value);
            // A probability's scale is kept within P_EDGE of 0 and 1
            // (docs/model.md §9): ends beyond that are not reached exactly.
            if input.low > P_EDGE && input.high < 1.0 - P_EDGE || !input.probability {
                assert!(close(input.at(Z95), input.high), "{}: P95 {} vs {}", input.path, input.at(Z95), input.high);
                assert!(close(input.at(-Z95), input.low), "{}: P5 {} vs {}", input.path, input.at(-Z95), input.low);
            }
            for z in [-2.0, -0.5, 0.7, 2.5] {
                let x = input.at(z);
                assert!(x >= 0.0 && (!input.probability || x <= 1.0), "{} at {z}: {x}", input.path);
                let inside = !input.probability || (P_EDGE..=1.0 - P_EDGE).contains(&x);
                if !input.integer && input.scale() != Scale::Linear && inside {
                    assert!((input.z_of(x) - z).abs() < 1e-6, "{}: z_of inverts at", input.path);
                }
            }
        }
    }

    /// A date with a range is an input: drawn on days, kept within its
    /// range, written back as a date that the scenario loads with.
    #[test]
    fn a_ready_date_with_a_range_or_a_confidence_is_an_uncertain_input() {
        // Gao's final airlift: ready 2023-11-19, 90 % range 5 Nov to 3 Dec.
        let (src, s) = minusma();
        let space = InputSpace::new(&src, &s).unwrap();
        let gao = s.plan.lines.iter().position(|l| l.id == "gao-airlift-final").expect("the line");
        let path = format!("plan.line[{gao}].ready");
        let (k, input) = space.inputs.iter().enumerate().find(|(_, i)| i.path == path).expect("a date input");
        assert!(input.date);
        let day = |d: &str| crate::Date::parse(d).unwrap().epoch_days() as f64;
        assert_eq!((input.value, input.low, input.high), (day("2023-11-19"), day("2023-11-05"), day("2023-12-03")));
        assert_eq!(input.scale(), Scale::Linear);
        assert_eq!(input.at(0.0), day("2023-11-19"));
        assert_eq!(input.at(Z95), day("2023-12-03"));
        assert_eq!(input.at(-Z95), day("2023-11-05"));
        assert_eq!(input.at(4.0), day("2023-12-03"), "kept within its range");
        assert_eq!(input.at(-4.0), day("2023-11-05"));
        assert_eq!(input.set(day("2023-11-25")), format!("{}=2023-11-25", input.path));
        // Drawn high, the line is ready on that day in the scenario it gives.
        let mut values = space.point();
        values[k] = input.at(Z95);
        let at = space.scenario_at(&values).unwrap();
        assert_eq!(at.plan.lines[gao].ready.value, crate::Date::parse("2023-12-03").unwrap());
        assert_eq!(at.plan.lines[gao].ready.low, crate::Date::parse("2023-11-05"), "the range travels with it");
        // A confidence alone gives a range in days: ±14 for low.
        let src = Source::new("c", "[[plan.line]]\nid = \"x\"\nready = { value = 2023-11-19, confidence = \"low\" }\n");
        let ins = uncertain_inputs(&src);
        assert_eq!((ins[0].low, ins[0].high), (day("2023-11-05"), day("2023-12-03")));
    }
}
