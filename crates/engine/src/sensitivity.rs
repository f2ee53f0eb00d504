//! One-at-a-time sensitivity: swing every uncertain input (a sourced value
//! with a `confidence`) to its low and high bound, holding the rest at their
//! values, and measure the effect on one metric. Every run uses the same
//! seeds as the baseline (common random numbers), so the swings are paired
//! comparisons and small effects are not drowned in noise.

use drawdown_model::uncertain::{UncertainInput, uncertain_inputs};
use drawdown_model::{Override, Source, load, overrides};

use crate::compare::metrics;
use crate::engine::simulate;
use crate::error::Error;
use crate::montecarlo::run_batches;
use crate::world::World;

/// One input's swing.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Swing {
    pub path: String,
    pub label: String,
    pub source: Option<String>,
    pub confidence: Option<String>,
    pub base_value: f64,
    pub low_value: f64,
    pub high_value: f64,
    /// Mean of the metric with the input at its low bound.
    pub metric_at_low: f64,
    pub metric_at_high: f64,
}

impl Swing {
    pub fn range(&self) -> f64 {
        (self.metric_at_high - self.metric_at_low).abs()
    }
}

/// The tornado: swings sorted by decreasing effect.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Tornado {
    pub metric: String,
    /// Mean of the metric at the baseline.
    pub base: f64,
    pub runs: u64,
    pub swings: Vec<Swing>,
}

/// Names of the metrics sensitivity can rank by.
pub fn metric_names(w: &World) -> Vec<String> {
    metrics(w).into_iter().map(|m| m.name).collect()
}

/// Mean of `metric` over `runs` replications of `w`.
fn mean_of(w: &World, metric: &str, runs: u64, seed: u64, threads: usize) -> Result<f64, Error> {
    let ms = metrics(w);
    let unknown =
        || Error::UnknownMetric { metric: metric.into(), hint: String::new(), known: metric_names(w).join(", ") };
    let m = ms.iter().find(|m| m.name == metric).ok_or_else(unknown)?;
    let mut sum: i128 = 0;
    run_batches(runs, threads, &|_| {}, |r| m.of(&simulate(w, seed, r)), |x| sum += i128::from(x))?;
    Ok(sum as f64 / runs.max(1) as f64)
}

fn world_with(src: &Source, set: &str) -> Result<World, Error> {
    let invalid = |reason: String| Error::InvalidInputs { what: format!("`{set}`"), reason };
    let o = Override::parse(set).map_err(|d| invalid(d.message))?;
    let s = overrides::apply(src, &[o])
        .map_err(|d| invalid(d.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ")))?;
    let loaded = load(&s).map_err(|d| {
        let errs: Vec<String> =
            d.iter().filter(|d| d.is_error()).map(|d| format!("{} ({})", d.message, d.field)).collect();
        invalid(errs.join("; "))
    })?;
    Ok(World::compile(&loaded.scenario)?)
}

/// Runs the one-at-a-time analysis on `metric`; `progress(done, total)` after each input.
pub fn tornado_with(
    src: &Source,
    metric: &str,
    runs: u64,
    seed: u64,
    threads: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<Tornado, Error> {
    let base_scenario =
        load(src).map_err(|d| Error::InvalidScenario(d.first().map_or(String::new(), |d| d.message.clone())))?;
    let base_world = World::compile(&base_scenario.scenario)?;
    let names = metric_names(&base_world);
    if !names.iter().any(|n| n == metric) {
        let hint = drawdown_model::diag::did_you_mean(metric, names.iter().map(String::as_str))
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        return Err(Error::UnknownMetric { metric: metric.into(), hint, known: names.join(", ") });
    }
    let base = mean_of(&base_world, metric, runs, seed, threads)?;
    let inputs: Vec<UncertainInput> = uncertain_inputs(src);
    let mut swings = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let at = |x: f64| -> Result<f64, Error> {
            if x == input.value {
                return Ok(base);
            }
            mean_of(&world_with(src, &input.set(x))?, metric, runs, seed, threads)
        };
        swings.push(Swing {
            path: input.path.clone(),
            label: input.label.clone(),
            source: input.source.clone(),
            confidence: input.confidence.map(|c| format!("{c:?}").to_lowercase()),
            base_value: input.value,
            low_value: input.low,
            high_value: input.high,
            metric_at_low: at(input.low)?,
            metric_at_high: at(input.high)?,
        });
        progress(i + 1, inputs.len());
    }
    swings.sort_by(|a, b| b.range().total_cmp(&a.range()).then(a.path.cmp(&b.path)));
    Ok(Tornado { metric: metric.to_string(), base, runs, swings })
}

/// `tornado_with` without progress reports.
pub fn tornado(src: &Source, metric: &str, runs: u64, seed: u64, threads: usize) -> Result<Tornado, Error> {
    tornado_with(src, metric, runs, seed, threads, &|_, _| {})
}
