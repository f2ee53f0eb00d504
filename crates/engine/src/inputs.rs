//! Input uncertainty: the outer level of a two-level Monte Carlo.
//!
//! With sampled inputs, replications come in groups of `per_draw`: group
//! *j* draws one value for every uncertain input (`docs/model.md` §9), the
//! scenario with those values is compiled once, and its `per_draw`
//! replications run on it as usual. The spread across groups is the input
//! uncertainty, the spread within a group the chance of one world; the
//! summary splits the variance of the headline figures into the two
//! (`VarianceSplit`).
//!
//! Draws are keyed like every other draw (`rng.rs`): input *i* of group *j*
//! is the standard-normal quantile of the stream (seed, *j*, `input:<path>`,
//! `Input`), and a calibration posterior's row is picked by the stream
//! (seed, *j*, `calibration`, `Input`). Two variants of a scenario therefore
//! draw the same quantile for every input they share, and `compare` pairs
//! them with common random numbers at both levels.

use drawdown_model::uncertain::InputSpace;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::error::Error;

use crate::rng::{Keys, Purpose, entity_key};
use crate::world::{CompileError, World};

/// Where a Monte Carlo's replications take their inputs from.
#[derive(Clone, Copy)]
pub enum Inputs<'a> {
    /// Every input at its point value: one world for every replication.
    Point(&'a World),
    /// Inputs drawn once per group of `per_draw` replications.
    Sampled { space: &'a InputSpace, point: &'a World, per_draw: u32 },
}

/// Replications per input draw when the command line does not say.
pub const PER_DRAW: u32 = 4;

impl<'a> Inputs<'a> {
    /// Sampled inputs, or the point world if the scenario has no uncertain input.
    pub fn sampled(space: &'a InputSpace, point: &'a World, per_draw: u32) -> Inputs<'a> {
        if space.is_empty() {
            Inputs::Point(point)
        } else {
            Inputs::Sampled { space, point, per_draw: per_draw.max(1) }
        }
    }

    /// The world every point-valued question is asked of.
    pub fn point(&self) -> &'a World {
        match *self {
            Inputs::Point(w) | Inputs::Sampled { point: w, .. } => w,
        }
    }

    /// Replications per group (1 with point inputs: each is its own group).
    pub fn per_draw(&self) -> u32 {
        match *self {
            Inputs::Point(_) => 1,
            Inputs::Sampled { per_draw, .. } => per_draw,
        }
    }

    pub fn is_sampled(&self) -> bool {
        matches!(self, Inputs::Sampled { .. })
    }
}

/// The input values of group `draw`: one per input of `space`.
pub fn draw_values(space: &InputSpace, seed: u64, draw: u64) -> Vec<f64> {
    let keys = Keys::new(seed, draw);
    let mut values: Vec<f64> = space
        .inputs
        .iter()
        .map(|input| {
            let mut s = keys.stream(entity_key(&format!("input:{}", input.path)), Purpose::Input, 0);
            let z: f64 = StandardNormal.sample(&mut s);
            input.at(z)
        })
        .collect();
    if let Some(post) = &space.posterior
        && !post.rows.is_empty()
    {
        let u = keys.stream(entity_key("calibration"), Purpose::Input, 0).uniform();
        let row = &post.rows[((u * post.rows.len() as f64) as usize).min(post.rows.len() - 1)];
        for (&i, &x) in post.columns.iter().zip(row) {
            values[i] = x;
        }
    }
    values
}

/// The world of group `draw`.
pub fn world_of_draw(space: &InputSpace, seed: u64, draw: u64) -> Result<World, Error> {
    world_at(space, &draw_values(space, seed, draw))
}

/// The world with the inputs of `space` at `values`. Inputs that together
/// exceed the engine's limits (each within its bounds) give
/// `Error::Compile(CompileError::Limit)`, which a caller can tell apart.
pub fn world_at(space: &InputSpace, values: &[f64]) -> Result<World, Error> {
    let invalid = |reason: String| Error::InvalidInputs { what: "a sampled input".into(), reason };
    let scenario = space.scenario_at(values).map_err(invalid)?;
    World::compile(&scenario).map_err(|e| match e {
        CompileError::Limit(_) => Error::Compile(e),
        CompileError::Invalid(_) => invalid(e.to_string()),
    })
}

/// Replications per batch: memory holds one batch of results.
const BATCH: u64 = 1024;

/// The skeleton of every many-replication job. Replications `0..runs` come
/// in groups (one per input draw, `per_draw` long; with point inputs each
/// replication is its own group); a batch of groups is computed in parallel,
/// each group compiling one world per model (`models[m]` for draw *j*) and
/// calling `replicate(worlds, r)` for its replications; results are then
/// handed to `fold(group, result)` in replication order. All models must
/// agree on point or sampled and on `per_draw`.
pub fn run_groups<T: Send>(
    models: &[Inputs],
    runs: u64,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
    replicate: impl Fn(&[&World], u64) -> T + Sync + Send,
    fold: impl FnMut(u64, T),
) -> Result<(), Error> {
    let per = u64::from(models.first().map_or(1, Inputs::per_draw));
    run_groups_in(models, runs, seed, 0..runs.div_ceil(per), threads, progress, replicate, fold)
}

/// `run_groups` for the groups in `part` only (a part of a run split across
/// processes); group indices, replication indices and draws are those of
/// the whole run. Progress counts the part's replications.
#[allow(clippy::too_many_arguments)]
pub fn run_groups_in<T: Send>(
    models: &[Inputs],
    runs: u64,
    seed: u64,
    part: std::ops::Range<u64>,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
    replicate: impl Fn(&[&World], u64) -> T + Sync + Send,
    mut fold: impl FnMut(u64, T),
) -> Result<(), Error> {
    let per = u64::from(models.first().map_or(1, Inputs::per_draw));
    if models.iter().any(|m| u64::from(m.per_draw()) != per || m.is_sampled() != models[0].is_sampled()) {
        return Err(Error::Unpaired);
    }
    let pool = crate::error::pool(threads)?;
    let groups = part.end.min(runs.div_ceil(per));
    let per_batch = (BATCH / per).max(1);
    let first = part.start.min(groups);
    let mut start = first;
    let mut buffer: Vec<Result<Vec<T>, Error>> = Vec::new();
    while start < groups {
        let end = (start + per_batch).min(groups);
        pool.install(|| {
            (start as usize..end as usize)
                .into_par_iter()
                .map(|j| {
                    let j = j as u64;
                    let sampled: Vec<World> = models
                        .iter()
                        .filter_map(|m| match m {
                            Inputs::Sampled { space, .. } => Some(world_of_draw(space, seed, j)),
                            Inputs::Point(_) => None,
                        })
                        .collect::<Result<_, _>>()?;
                    let worlds: Vec<&World> = if sampled.is_empty() {
                        models.iter().map(Inputs::point).collect()
                    } else {
                        sampled.iter().collect()
                    };
                    Ok((j * per..((j + 1) * per).min(runs)).map(|r| replicate(&worlds, r)).collect())
                })
                .collect_into_vec(&mut buffer)
        });
        for (j, group) in (start..end).zip(buffer.drain(..)) {
            for t in group? {
                fold(j, t);
            }
        }
        start = end;
        progress((end * per).min(runs) - first * per);
    }
    Ok(())
}
