//! Stored scenarios, parsed and compiled once per version, each with its
//! baseline simulation (the plan as written): the what-ifs are compared with
//! it, the status uses its daily median as "expected", and the charts draw it
//! until a what-if replaces it.
//!
//! Scenarios are looked up by name in the store, never on the file system.

use std::collections::HashMap;
use std::sync::Arc;

use drawdown_engine::{SimResult, Summary, World};
use drawdown_model::{Request, Scenario, Source};
use drawdown_ops::{NewRun, ScenarioRef, Store};
use serde_json::json;
use tokio::sync::OnceCell;

use crate::ApiError;
use crate::compute::{self, Compute};

/// Replications and seed of the baseline simulation.
pub const BASELINE_RUNS: u64 = 1000;
pub const BASELINE_SEED: u64 = 7;

/// A stored scenario version, ready to simulate.
pub struct Compiled {
    pub reference: ScenarioRef,
    pub source: Source,
    pub scenario: Scenario,
    pub world: World,
    pub baseline: Summary,
    /// The baseline's result.
    pub baseline_result: SimResult,
    /// The baseline's run id in the store.
    pub baseline_run: i64,
    /// What-if worlds compiled lately, by their changes (most recent last).
    changed: std::sync::Mutex<Vec<(Changes, Arc<Changed>)>>,
}

/// A what-if's scenario and world.
pub type Changed = (Scenario, World);

/// What a what-if changes in a version: its variants (in order) and closure dates.
pub type Changes = (Vec<String>, std::collections::BTreeMap<String, String>);

/// What-if worlds kept per version: the few a user compares in turn.
const CHANGED_KEPT: usize = 8;

impl Compiled {
    fn new(
        reference: ScenarioRef,
        source: Source,
        scenario: Scenario,
        world: World,
        baseline: Summary,
        baseline_result: SimResult,
        baseline_run: i64,
    ) -> Compiled {
        let changed = std::sync::Mutex::new(Vec::new());
        Compiled { reference, source, scenario, world, baseline, baseline_result, baseline_run, changed }
    }

    /// The scenario and world of a what-if's `changes`, compiled by
    /// `compile` the first time and kept (the last `CHANGED_KEPT` sets of
    /// changes), so that a what-if run again, with another seed or more
    /// replications, does not compile its world again.
    pub fn changed(
        &self,
        changes: Changes,
        compile: impl FnOnce() -> Result<(Scenario, World), ApiError>,
    ) -> Result<Arc<Changed>, ApiError> {
        let lock = || self.changed.lock().map_err(|_| ApiError::internal("the what-if cache was poisoned"));
        {
            let mut kept = lock()?;
            if let Some(i) = kept.iter().position(|(k, _)| *k == changes) {
                let hit = kept.remove(i);
                let world = Arc::clone(&hit.1);
                kept.push(hit);
                return Ok(world);
            }
        }
        // Compiled outside the lock: other what-ifs go on meanwhile.
        let world = Arc::new(compile()?);
        let mut kept = lock()?;
        if !kept.iter().any(|(k, _)| *k == changes) {
            if kept.len() >= CHANGED_KEPT {
                kept.remove(0);
            }
            kept.push((changes, Arc::clone(&world)));
        }
        Ok(world)
    }
}

/// Compiled versions by (name, version). Each is built once, by a task of
/// its own that holds a compute slot while it simulates the baseline (so
/// baselines count against the same limit as what-ifs and re-plans, waiting
/// for a slot rather than being refused: there is one per version, however
/// many clients ask) and that finishes even if the client that asked has
/// gone. Callers asking meanwhile wait for that task.
#[derive(Default)]
pub struct Cache {
    compiled: tokio::sync::Mutex<HashMap<(String, i64), Arc<Entry>>>,
}

/// A version's place in the cache: empty until its build is done.
type Entry = OnceCell<Arc<Compiled>>;

/// Longest scenario name accepted in a request.
const MAX_NAME: usize = 128;

impl Cache {
    /// The latest version of `name`.
    pub async fn latest(&self, store: &Store, compute: &Arc<Compute>, name: &str) -> Result<Arc<Compiled>, ApiError> {
        self.get(store, compute, name, None).await
    }

    /// A version of `name` (None: the latest), compiled on first use.
    pub async fn get(
        &self,
        store: &Store,
        compute: &Arc<Compute>,
        name: &str,
        version: Option<i64>,
    ) -> Result<Arc<Compiled>, ApiError> {
        if name.is_empty() || name.len() > MAX_NAME {
            return Err(ApiError::bad("name", format!("a scenario name has 1 to {MAX_NAME} characters")));
        }
        let Some((reference, text)) = store.scenario(name, version).await? else {
            let names: Vec<String> = store.scenarios().await?.into_iter().map(|s| s.name).collect();
            let what = match version {
                Some(v) => format!("no version {v} of scenario `{name}` in the store"),
                None => format!("no scenario `{name}` in the store"),
            };
            return Err(ApiError::not_found("name", what).hint(format!(
                "stored scenarios: {}",
                if names.is_empty() { "none".into() } else { names.join(", ") }
            )));
        };
        let key = (reference.name.clone(), reference.version);
        let cell = Arc::clone(self.compiled.lock().await.entry(key).or_default());
        if let Some(c) = cell.get() {
            return Ok(Arc::clone(c));
        }
        let (store, compute) = (store.clone(), Arc::clone(compute));
        let build = tokio::spawn(async move {
            cell.get_or_try_init(|| compile(&store, &compute, reference, text)).await.map(Arc::clone)
        });
        build.await.map_err(ApiError::internal)?
    }
}

/// A stored version compiled, its baseline simulated in a compute slot and stored as a run.
async fn compile(
    store: &Store,
    compute: &Arc<Compute>,
    reference: ScenarioRef,
    text: String,
) -> Result<Arc<Compiled>, ApiError> {
    let source = Source::new(reference.name.clone(), text);
    let slot = compute::wait_for_slot(compute).await?;
    let (scenario, world, baseline) = {
        let source = source.clone();
        tokio::task::spawn_blocking(move || {
            let out = compile_and_simulate(&source);
            drop(slot);
            out
        })
        .await
        .map_err(ApiError::internal)??
    };
    let baseline_result = SimResult::new(&world, &scenario, &baseline);
    let run = NewRun {
        scenario: reference.name.clone(),
        version: reference.version,
        kind: "simulate".into(),
        params: json!({"runs": BASELINE_RUNS, "seed": BASELINE_SEED}),
        result: serde_json::to_value(&baseline_result).map_err(ApiError::internal)?,
        recorded_by: "drawdown serve".into(),
    };
    let baseline_run = store.put_run(&run).await?.id;
    Ok(Arc::new(Compiled::new(reference, source, scenario, world, baseline, baseline_result, baseline_run)))
}

/// Loads, compiles and runs the baseline of a stored scenario's text.
fn compile_and_simulate(source: &Source) -> Result<(Scenario, World, Summary), ApiError> {
    let (scenario, world) = open_and_compile(&Request::new(source.clone()))?;
    let baseline = drawdown_engine::run_monte_carlo(&world, BASELINE_RUNS, BASELINE_SEED, 0, &|_| {})
        .map_err(ApiError::internal)?;
    Ok((scenario, world, baseline))
}

/// A scenario opened as the command line opens it, compiled for the
/// engine; its diagnostics become a 422 naming the first offending field.
pub fn open_and_compile(open: &Request) -> Result<(Scenario, World), ApiError> {
    let (_, loaded) = drawdown_model::open(open).map_err(|f| diagnostics_error(&f.diagnostics))?;
    let world = World::compile(&loaded.scenario).map_err(ApiError::internal)?;
    Ok((loaded.scenario, world))
}

/// The first error among diagnostics, as a 422.
pub fn diagnostics_error(diags: &[drawdown_model::Diagnostic]) -> ApiError {
    let d = diags.iter().find(|d| d.severity == drawdown_model::Severity::Error).or(diags.first());
    match d {
        Some(d) => {
            let field = d.field.to_string();
            let mut e = ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Some(if field.is_empty() { "scenario" } else { &field }),
                d.message.clone(),
            );
            if let Some(h) = d.hint.clone().or_else(|| d.expected.clone().map(|x| format!("expected {x}"))) {
                e = e.hint(h);
            }
            e
        }
        None => ApiError::internal("the scenario did not load and said nothing about why"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Compiled {
        let source = Source::new("toy", include_str!("../../engine/tests/fixtures/toy.toml"));
        let (scenario, world, baseline) = compile_and_simulate(&source).expect("the toy compiles");
        let baseline_result = SimResult::new(&world, &scenario, &baseline);
        let reference = ScenarioRef {
            name: "toy".into(),
            version: 1,
            sha256: String::new(),
            created_at: String::new(),
            recorded_by: "test".into(),
        };
        Compiled::new(reference, source, scenario, world, baseline, baseline_result, 1)
    }

    /// A what-if's world is compiled once per set of changes and kept for
    /// the last few sets; the oldest goes first.
    #[test]
    fn what_if_worlds_are_compiled_once_per_set_of_changes() {
        let c = toy();
        let compiles = std::cell::Cell::new(0);
        let get = |variant: usize| {
            let changes = (vec![format!("v{variant}")], Default::default());
            c.changed(changes, || {
                compiles.set(compiles.get() + 1);
                Ok((c.scenario.clone(), c.world.clone()))
            })
            .expect("compiled")
        };
        let first = get(0);
        assert!(Arc::ptr_eq(&first, &get(0)), "the same changes, the same world");
        assert_eq!(compiles.get(), 1);
        for v in 1..CHANGED_KEPT {
            get(v);
        }
        assert_eq!(compiles.get(), CHANGED_KEPT);
        get(0); // used again: now the most recent
        get(CHANGED_KEPT); // evicts the oldest, v1
        assert_eq!(compiles.get(), CHANGED_KEPT + 1);
        get(0);
        assert_eq!(compiles.get(), CHANGED_KEPT + 1, "v0 was kept");
        get(1);
        assert_eq!(compiles.get(), CHANGED_KEPT + 2, "v1 was evicted");
    }
}
