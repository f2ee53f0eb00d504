//! `drawdown._native`: the engine, the planner and the parts of a sweep,
//! for the Python package `drawdown` (its Python half, in `python/drawdown`,
//! is the API people call; this module is its plumbing).
//!
//! Every function takes the scenario as `(kind, value)`: `("embedded",
//! "minusma-2023" | "minusma-2023-raw")`, `("path", PATH)` or `("text",
//! TOML)`, and returns JSON text that the Python side parses: the same
//! serialisation as the command line's `--format json`, so numbers are
//! identical. Simulations release the GIL. Parts of a sweep travel between
//! processes as bytes (postcard, a compact serde format), merged here
//! exactly.

use std::path::PathBuf;

use arrow_array::builder::{BooleanBuilder, Int64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_pyarrow::ToPyArrow;
use arrow_schema::{DataType, Field, Schema};
use drawdown_engine::compare::compare as compare_paired;
use drawdown_engine::global::{self, TrajectorySums};
use drawdown_engine::inputs::Inputs;
use drawdown_engine::montecarlo::{groups as groups_of, run_monte_carlo_part};
use drawdown_engine::replications::{Cell, Kind, Table};
use drawdown_engine::{SimResult, Summary, World};
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Diagnostic, Loaded, Source, load, overrides};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

create_exception!(
    _native,
    ScenarioError,
    PyValueError,
    "A scenario (or plan, or override) that is not valid; `.diagnostics` lists the problems."
);
create_exception!(
    _native,
    EngineError,
    PyRuntimeError,
    "The engine could not run the scenario (e.g. a drawn input makes it invalid)."
);

/// A scenario argument: what kind and its value.
type ScenarioArg = (String, String);

/// The source a scenario argument names.
fn source_of(arg: &ScenarioArg) -> Result<Source, (Source, Vec<Diagnostic>)> {
    let (kind, value) = arg;
    match kind.as_str() {
        "embedded" if value == drawdown_model::MINUSMA_2023_RAW_ID => {
            Ok(Source::new(drawdown_model::MINUSMA_2023_RAW_NAME, drawdown_model::MINUSMA_2023_RAW))
        }
        "embedded" => Ok(Source::new(drawdown_model::MINUSMA_2023_NAME, drawdown_model::MINUSMA_2023)),
        "path" => {
            let path = PathBuf::from(value);
            drawdown_model::open::read(&path).map_err(|f| (f.source, f.diagnostics))
        }
        _ => Ok(Source::new("<string>", value.clone())),
    }
}

/// The scenario with its variant, `--set`-style overrides and plan file
/// applied, loaded and validated: what `drawdown simulate` runs.
fn resolve(
    scenario: &ScenarioArg,
    variant: Option<&str>,
    sets: &[String],
    plan: Option<&ScenarioArg>,
) -> Result<(Source, Loaded), (Source, Vec<Diagnostic>)> {
    let mut req = drawdown_model::Request::new(source_of(scenario)?);
    if let Some(p) = plan {
        req.plan = drawdown_model::PlanInput::File(source_of(p)?);
    }
    req.variants = variant.map(str::to_string).into_iter().collect();
    let req = req.with_sets(sets).map_err(|f| (f.source, f.diagnostics))?;
    drawdown_model::open(&req).map_err(|f| (f.source, f.diagnostics))
}

/// One diagnostic as a dict (file, line, column, field, message, expected, hint).
fn diagnostic_dict<'py>(py: Python<'py>, src: &Source, d: &Diagnostic) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let (line, column) = d.line_col_in(&src.text).unzip();
    out.set_item("severity", d.severity.word())?;
    out.set_item("file", &src.name)?;
    out.set_item("line", line)?;
    out.set_item("column", column)?;
    out.set_item("field", d.field.to_string())?;
    out.set_item("message", &d.message)?;
    out.set_item("expected", &d.expected)?;
    out.set_item("hint", &d.hint)?;
    Ok(out)
}

/// One line per diagnostic: `file:line:col: error: message (field …; expected …; hint …)`.
fn diagnostic_line(src: &Source, d: &Diagnostic) -> String {
    let place = match d.line_col_in(&src.text) {
        Some((l, c)) => format!("{}:{l}:{c}", src.name),
        None => src.name.clone(),
    };
    let details = d.details();
    let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join("; ")) };
    format!("{place}: {}: {}{details}", d.severity.word(), d.message)
}

/// The `ScenarioError` for diagnostics, with `.diagnostics` set.
fn scenario_error(py: Python<'_>, (src, diags): (Source, Vec<Diagnostic>)) -> PyErr {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    let shown = if errors.is_empty() { diags.iter().collect() } else { errors };
    let message = shown.iter().map(|d| diagnostic_line(&src, d)).collect::<Vec<_>>().join("\n");
    let err = ScenarioError::new_err(message);
    let list: PyResult<Vec<Bound<'_, PyDict>>> = diags.iter().map(|d| diagnostic_dict(py, &src, d)).collect();
    if let Ok(list) = list {
        let _ = err.value(py).setattr("diagnostics", list);
    }
    err
}

fn engine_error(e: impl std::fmt::Display) -> PyErr {
    EngineError::new_err(e.to_string())
}

/// A loaded scenario compiled, with its input space.
struct Model {
    src: Source,
    loaded: Loaded,
    world: World,
    space: InputSpace,
}

impl Model {
    fn new(py: Python<'_>, src: Source, loaded: Loaded) -> PyResult<Model> {
        let world = World::compile(&loaded.scenario).map_err(engine_error)?;
        let space = InputSpace::new(&src, &loaded.scenario).map_err(|d| scenario_error(py, (src.clone(), vec![d])))?;
        Ok(Model { src, loaded, world, space })
    }

    fn of(
        py: Python<'_>,
        scenario: &ScenarioArg,
        variant: Option<&str>,
        sets: &[String],
        plan: Option<&ScenarioArg>,
    ) -> PyResult<Model> {
        let (src, loaded) = resolve(scenario, variant, sets, plan).map_err(|e| scenario_error(py, e))?;
        Model::new(py, src, loaded)
    }

    /// Point inputs or sampled (`per_draw` replications per input draw).
    fn inputs(&self, sampled: bool, per_draw: u32) -> Inputs<'_> {
        if sampled { Inputs::sampled(&self.space, &self.world, per_draw) } else { Inputs::Point(&self.world) }
    }

    fn result_json(&self, summary: &Summary) -> PyResult<String> {
        let result = SimResult::new(&self.world, &self.loaded.scenario, summary);
        serde_json::to_string_pretty(&result).map_err(engine_error)
    }
}

fn sampled_flag(inputs: &str) -> PyResult<bool> {
    match inputs {
        "sampled" => Ok(true),
        "point" => Ok(false),
        other => Err(PyValueError::new_err(format!("inputs must be \"sampled\" or \"point\", not {other:?}"))),
    }
}

/// Per-replication columns being filled, one builder per column.
enum Builder {
    Int(Int64Builder),
    Bool(BooleanBuilder),
}

fn record_batch(table: &Table, rows: &[Vec<Cell>]) -> Result<RecordBatch, String> {
    let mut builders: Vec<Builder> = table
        .columns
        .iter()
        .map(|c| match c.kind {
            Kind::Bool => Builder::Bool(BooleanBuilder::with_capacity(rows.len())),
            Kind::Int | Kind::OptInt => Builder::Int(Int64Builder::with_capacity(rows.len())),
        })
        .collect();
    for row in rows {
        for (b, cell) in builders.iter_mut().zip(row) {
            let to_i64 = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
            match (b, *cell) {
                (Builder::Int(b), Cell::Int(x)) => b.append_value(to_i64(x)),
                (Builder::Int(b), Cell::OptInt(x)) => b.append_option(x.map(to_i64)),
                (Builder::Bool(b), Cell::Bool(x)) => b.append_value(x),
                _ => return Err("internal error: a cell does not match its column".into()),
            }
        }
    }
    let fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| match c.kind {
            Kind::Int => Field::new(&c.name, DataType::Int64, false),
            Kind::OptInt => Field::new(&c.name, DataType::Int64, true),
            Kind::Bool => Field::new(&c.name, DataType::Boolean, false),
        })
        .collect();
    let arrays: Vec<ArrayRef> = builders
        .into_iter()
        .map(|b| match b {
            Builder::Int(mut b) => std::sync::Arc::new(b.finish()) as ArrayRef,
            Builder::Bool(mut b) => std::sync::Arc::new(b.finish()) as ArrayRef,
        })
        .collect();
    RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}

/// `drawdown simulate --format json`: the result as JSON text and, if
/// `table`, the per-replication table as a pyarrow RecordBatch.
#[pyfunction]
#[pyo3(signature = (scenario, variant, sets, plan, runs, seed, inputs, per_draw, threads, table))]
#[allow(clippy::too_many_arguments)]
fn simulate(
    py: Python<'_>,
    scenario: ScenarioArg,
    variant: Option<String>,
    sets: Vec<String>,
    plan: Option<ScenarioArg>,
    runs: u64,
    seed: u64,
    inputs: &str,
    per_draw: u32,
    threads: usize,
    table: bool,
) -> PyResult<(String, Option<Py<PyAny>>)> {
    check_runs(runs, per_draw)?;
    let sampled = sampled_flag(inputs)?;
    let m = Model::of(py, &scenario, variant.as_deref(), &sets, plan.as_ref())?;
    let columns = Table::new(&m.world);
    let (summary, rows) = py.detach(|| {
        let inputs = m.inputs(sampled, per_draw);
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let all = 0..groups_of(inputs, runs);
        let summary = run_monte_carlo_part(inputs, runs, seed, all, threads, &|_| {}, &mut |r, o| {
            if table {
                let mut cells = Vec::with_capacity(columns.columns.len());
                columns.row(r, o, &mut cells);
                rows.push(cells);
            }
            Ok(())
        });
        (summary, rows)
    });
    let summary = summary.map_err(engine_error)?;
    let json = m.result_json(&summary)?;
    let batch = if table {
        let batch = py.detach(|| record_batch(&columns, &rows)).map_err(engine_error)?;
        Some(batch.to_pyarrow(py)?.unbind())
    } else {
        None
    };
    Ok((json, batch))
}

fn check_runs(runs: u64, per_draw: u32) -> PyResult<()> {
    if runs == 0 {
        return Err(PyValueError::new_err("runs must be at least 1"));
    }
    if per_draw == 0 {
        return Err(PyValueError::new_err("per_draw must be at least 1"));
    }
    Ok(())
}

/// The scenario text a variant, overrides and plan make (validated), and
/// its name: what a sweep ships to the processes that run its parts.
#[pyfunction]
#[pyo3(signature = (scenario, variant, sets, plan))]
fn resolve_source(
    py: Python<'_>,
    scenario: ScenarioArg,
    variant: Option<String>,
    sets: Vec<String>,
    plan: Option<ScenarioArg>,
) -> PyResult<(String, String)> {
    let (src, _) = resolve(&scenario, variant.as_deref(), &sets, plan.as_ref()).map_err(|e| scenario_error(py, e))?;
    Ok((src.name, src.text))
}

/// A resolved source (name, text) loaded again, on whichever process.
fn model_of_text(py: Python<'_>, name: &str, text: &str) -> PyResult<Model> {
    let src = Source::new(name, text);
    let loaded = load(&src).map_err(|d| scenario_error(py, (src.clone(), d)))?;
    Model::new(py, src, loaded)
}

/// The number of input groups a run of `runs` replications has (the unit
/// it is split into parts by).
#[pyfunction]
fn groups(py: Python<'_>, name: &str, text: &str, runs: u64, inputs: &str, per_draw: u32) -> PyResult<u64> {
    check_runs(runs, per_draw)?;
    let m = model_of_text(py, name, text)?;
    Ok(groups_of(m.inputs(sampled_flag(inputs)?, per_draw), runs))
}

/// A part as bytes: the package's version, then the part (postcard).
fn encode<T: serde::Serialize>(part: &T) -> Result<Vec<u8>, String> {
    postcard::to_stdvec(&(env!("CARGO_PKG_VERSION"), part)).map_err(|e| e.to_string())
}

/// A part from bytes, refused if another version of the package made it.
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let (version, part): (String, T) = postcard::from_bytes(bytes).map_err(|e| format!("a part is unreadable: {e}"))?;
    if version != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "a part was made by drawdown {version}, this is {}: install the same wheel on every worker",
            env!("CARGO_PKG_VERSION")
        ));
    }
    Ok(part)
}

/// The summary of groups `first..end` of a run, serialised.
#[pyfunction]
#[pyo3(signature = (name, text, runs, seed, inputs, per_draw, first, end, threads))]
#[allow(clippy::too_many_arguments)]
fn run_part<'py>(
    py: Python<'py>,
    name: &str,
    text: &str,
    runs: u64,
    seed: u64,
    inputs: &str,
    per_draw: u32,
    first: u64,
    end: u64,
    threads: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    check_runs(runs, per_draw)?;
    let sampled = sampled_flag(inputs)?;
    let m = model_of_text(py, name, text)?;
    let bytes = py.detach(|| {
        let summary =
            run_monte_carlo_part(m.inputs(sampled, per_draw), runs, seed, first..end, threads, &|_| {}, &mut |_, _| {
                Ok(())
            })
            .map_err(|e| e.to_string())?;
        encode(&summary)
    });
    Ok(PyBytes::new(py, &bytes.map_err(engine_error)?))
}

/// The result (JSON text) of the merged parts of one run.
#[pyfunction]
fn merge_parts(py: Python<'_>, name: &str, text: &str, parts: Vec<Bound<'_, PyBytes>>) -> PyResult<String> {
    let m = model_of_text(py, name, text)?;
    let parts: Vec<Vec<u8>> = parts.iter().map(|p| p.as_bytes().to_vec()).collect();
    let merged = py.detach(|| -> Result<Option<Summary>, String> {
        let mut merged: Option<Summary> = None;
        for bytes in &parts {
            let part: Summary = decode(bytes)?;
            match &mut merged {
                None => merged = Some(part),
                Some(m) => m.merge(&part).map_err(|e| e.to_string())?,
            }
        }
        Ok(merged)
    });
    let merged = merged.map_err(engine_error)?.ok_or_else(|| EngineError::new_err("no part to merge"))?;
    m.result_json(&merged)
}

/// Morris trajectories `first..end`, their sums serialised.
#[pyfunction]
#[pyo3(signature = (name, text, seed, runs, first, end, threads))]
#[allow(clippy::too_many_arguments)]
fn morris_part<'py>(
    py: Python<'py>,
    name: &str,
    text: &str,
    seed: u64,
    runs: u64,
    first: u64,
    end: u64,
    threads: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    check_runs(runs, 1)?;
    let m = model_of_text(py, name, text)?;
    let bytes = py.detach(|| {
        let sums =
            global::run_trajectories(&m.space, seed, runs, first..end, threads, &|_| {}).map_err(|e| e.to_string())?;
        encode(&sums)
    });
    Ok(PyBytes::new(py, &bytes.map_err(engine_error)?))
}

/// Morris indices from the parts' sums: the JSON and the chart (SVG).
#[pyfunction]
fn morris_indices(
    py: Python<'_>,
    name: &str,
    text: &str,
    seed: u64,
    runs: u64,
    parts: Vec<Bound<'_, PyBytes>>,
) -> PyResult<(String, String)> {
    let m = model_of_text(py, name, text)?;
    let mut sums: Vec<TrajectorySums> = Vec::new();
    for p in &parts {
        let mut part: Vec<TrajectorySums> = decode(p.as_bytes()).map_err(engine_error)?;
        sums.append(&mut part);
    }
    if m.space.is_empty() {
        return Err(EngineError::new_err(
            "the scenario has no uncertain input: give values a `confidence` or a low/high range",
        ));
    }
    let morris = global::indices(&m.space, seed, runs, &sums).map_err(engine_error)?;
    let chart = drawdown_report::morris::chart(&morris).standalone();
    Ok((serde_json::to_string_pretty(&morris).map_err(engine_error)?, chart))
}

/// The number of uncertain inputs of a resolved scenario (Morris factors).
#[pyfunction]
fn input_count(py: Python<'_>, name: &str, text: &str) -> PyResult<usize> {
    Ok(model_of_text(py, name, text)?.space.inputs.len())
}

/// A PNG of an SVG chart (the report's renderer and fonts).
#[pyfunction]
fn png_of_svg<'py>(py: Python<'py>, svg: &str) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = py.detach(|| drawdown_report::png::Renderer::new().svg(svg)).map_err(engine_error)?;
    Ok(PyBytes::new(py, &bytes))
}

/// `drawdown compare --format json` of two resolved sides.
#[pyfunction]
#[pyo3(signature = (base, variant, base_name, variant_name, runs, seed, inputs, per_draw, threads))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    base: (String, String),
    variant: (String, String),
    base_name: &str,
    variant_name: &str,
    runs: u64,
    seed: u64,
    inputs: &str,
    per_draw: u32,
    threads: usize,
) -> PyResult<String> {
    check_runs(runs, per_draw)?;
    let sampled = sampled_flag(inputs)?;
    let (b, v) = (model_of_text(py, &base.0, &base.1)?, model_of_text(py, &variant.0, &variant.1)?);
    let same = b.world.sites.len() == v.world.sites.len()
        && b.world.sites.iter().zip(&v.world.sites).all(|(x, y)| x.id == y.id);
    if !same {
        return Err(PyValueError::new_err(format!(
            "`{base_name}` and `{variant_name}` have different sites; compare variants or plans of one mission"
        )));
    }
    let (bi, vi) = (b.inputs(sampled, per_draw), v.inputs(sampled, per_draw));
    let diffs = py.detach(|| compare_paired(bi, vi, runs, seed, threads, &|_| {})).map_err(engine_error)?;
    let any_sampled = bi.is_sampled() || vi.is_sampled();
    let v = serde_json::json!({
        "scenario": b.world.id, "base": base_name, "variant": variant_name, "runs": runs, "seed": seed,
        "inputs": if any_sampled { "sampled" } else { "point" },
        "per_draw": if any_sampled { per_draw } else { 1 },
        "method": "paired replications with common random numbers (at both levels with sampled inputs); 95 % CI = mean ± 1.96·sd/√n",
        "differences": diffs,
    });
    serde_json::to_string_pretty(&v).map_err(engine_error)
}

/// `drawdown sensitivity --format json`: the one-at-a-time tornado.
#[pyfunction]
#[pyo3(signature = (scenario, variant, sets, plan, metric, runs, seed, threads))]
#[allow(clippy::too_many_arguments)]
fn sensitivity(
    py: Python<'_>,
    scenario: ScenarioArg,
    variant: Option<String>,
    sets: Vec<String>,
    plan: Option<ScenarioArg>,
    metric: &str,
    runs: u64,
    seed: u64,
    threads: usize,
) -> PyResult<String> {
    check_runs(runs, 1)?;
    let (src, _) = resolve(&scenario, variant.as_deref(), &sets, plan.as_ref()).map_err(|e| scenario_error(py, e))?;
    let t = py
        .detach(|| drawdown_engine::sensitivity::tornado_with(&src, metric, runs, seed, threads, &|_, _| {}))
        .map_err(engine_error)?;
    let v = serde_json::json!({"scenario": src.name, "seed": seed, "tornado": t});
    serde_json::to_string_pretty(&v).map_err(engine_error)
}

/// `drawdown check`: the warnings of a valid scenario (errors raise
/// `ScenarioError`) and what it holds.
#[pyfunction]
#[pyo3(signature = (scenario, variant, sets, plan))]
fn check<'py>(
    py: Python<'py>,
    scenario: ScenarioArg,
    variant: Option<String>,
    sets: Vec<String>,
    plan: Option<ScenarioArg>,
) -> PyResult<Bound<'py, PyDict>> {
    let m = Model::of(py, &scenario, variant.as_deref(), &sets, plan.as_ref())?;
    let out = PyDict::new(py);
    let s = &m.loaded.scenario.scenario;
    let w = &m.world;
    out.set_item("ok", true)?;
    out.set_item("file", &m.src.name)?;
    out.set_item("id", &w.id)?;
    out.set_item("name", &s.name)?;
    out.set_item("start", w.start.to_string())?;
    out.set_item("deadline", w.date_of_day(w.deadline_day).to_string())?;
    out.set_item("sites", w.sites.len())?;
    out.set_item("sites_to_close", w.closures.len())?;
    out.set_item("personnel", w.total_personnel)?;
    out.set_item("vehicles", w.vehicles)?;
    out.set_item("containers", w.containers)?;
    out.set_item("equipment", w.total_items)?;
    out.set_item("uncertain_inputs", m.space.inputs.len())?;
    out.set_item("calibrated", m.space.posterior.is_some())?;
    let variants: Vec<String> = overrides::variant_names(&m.src).into_iter().map(|(n, _)| n).collect();
    out.set_item("variants", variants)?;
    let warnings: PyResult<Vec<_>> = m.loaded.warnings.iter().map(|d| diagnostic_dict(py, &m.src, d)).collect();
    out.set_item("warnings", PyList::new(py, warnings?)?)?;
    Ok(out)
}

/// `drawdown plan`: the optimised plan as a `[plan]` TOML section and the
/// planner's JSON (solver, plan, explanations).
#[pyfunction]
#[pyo3(signature = (scenario, variant, sets))]
fn plan(
    py: Python<'_>,
    scenario: ScenarioArg,
    variant: Option<String>,
    sets: Vec<String>,
) -> PyResult<(String, String)> {
    let (src, loaded) = resolve(&scenario, variant.as_deref(), &sets, None).map_err(|e| scenario_error(py, e))?;
    let s = loaded.scenario;
    // Trips are timed over the scenario's input draws, as `drawdown plan` does.
    let space = InputSpace::new(&src, &s).map_err(|d| scenario_error(py, (src.clone(), vec![d])))?;
    let planned = py
        .detach(|| drawdown_planner::plan(&s, Some(&space), &drawdown_planner::Options::from_scenario(&s)))
        .map_err(|e| EngineError::new_err(e.to_string()))?;
    let json = drawdown_planner::to_json(&planned).map_err(|e| EngineError::new_err(e.to_string()))?;
    Ok((drawdown_planner::to_plan_toml(&planned), json))
}

/// A scenario given as JSON text (from a Python dict) written as TOML.
#[pyfunction]
fn toml_of_json(json: &str) -> PyResult<String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let table = toml::Value::try_from(value).map_err(|e| {
        PyValueError::new_err(format!("the dict cannot be written as TOML: {e} (None has no TOML form)"))
    })?;
    toml::to_string(&table).map_err(|e| PyValueError::new_err(format!("the dict cannot be written as TOML: {e}")))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("EngineError", m.py().get_type::<EngineError>())?;
    m.add("OUTPUTS", global::OUTPUTS.iter().map(|(n, _)| *n).collect::<Vec<_>>())?;
    for f in [
        wrap_pyfunction!(simulate, m)?,
        wrap_pyfunction!(resolve_source, m)?,
        wrap_pyfunction!(groups, m)?,
        wrap_pyfunction!(run_part, m)?,
        wrap_pyfunction!(merge_parts, m)?,
        wrap_pyfunction!(morris_part, m)?,
        wrap_pyfunction!(morris_indices, m)?,
        wrap_pyfunction!(input_count, m)?,
        wrap_pyfunction!(png_of_svg, m)?,
        wrap_pyfunction!(compare, m)?,
        wrap_pyfunction!(sensitivity, m)?,
        wrap_pyfunction!(check, m)?,
        wrap_pyfunction!(plan, m)?,
        wrap_pyfunction!(toml_of_json, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
