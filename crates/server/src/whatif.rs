//! What-ifs: the stored scenario with some of its variants switched on and
//! some closure dates moved, simulated on the server. The request names
//! variants and sites, never files; it becomes the same overrides as
//! `--variant` and `--set plan.closure.SITE.date=…` on the command line, and
//! the result is opened (`drawdown_model::open`) and simulated like any scenario.

use std::collections::BTreeMap;

use drawdown_engine::{Inputs, Summary, World};
use drawdown_model::{Date, Override, Request, overrides};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::scenarios::Compiled;
use crate::{ApiError, MAX_WHATIF_RUNS};

/// A what-if on a stored scenario.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    /// Variants of the scenario to switch on (`[variants.NAME]`), applied in order.
    #[serde(default)]
    pub variants: Vec<String>,
    /// New closure dates: site id → `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>, example = json!({"kidal": "2023-11-22"}))]
    pub closures: BTreeMap<String, String>,
    /// Replications (1 to 20,000; default 1,000).
    #[serde(default = "default_runs")]
    pub runs: u64,
    /// Seed; the same seed and inputs give the same result.
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_runs() -> u64 {
    1000
}

fn default_seed() -> u64 {
    crate::scenarios::BASELINE_SEED
}

/// The request checked against the scenario and turned into what to open:
/// the stored scenario with the variants and the closure dates' overrides.
pub fn request_for(req: &WhatIfRequest, c: &Compiled) -> Result<Request, ApiError> {
    if req.runs == 0 || req.runs > MAX_WHATIF_RUNS {
        return Err(ApiError::bad("runs", format!("{} replications is out of range", req.runs))
            .hint(format!("1 to {MAX_WHATIF_RUNS}")));
    }
    let known = overrides::variant_names(&c.source);
    let names = || known.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
    let mut open = Request::new(c.source.clone());
    for (i, v) in req.variants.iter().enumerate() {
        let field = format!("variants[{i}]");
        if req.variants[..i].contains(v) {
            return Err(ApiError::bad(&field, format!("variant `{v}` is listed twice")));
        }
        if !known.iter().any(|(n, _)| n == v) {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Some(&field),
                format!("the scenario has no variant `{v}`"),
            )
            .hint(format!("variants: {}", names())));
        }
        open.variants.push(v.clone());
    }
    let closing: Vec<&str> = c.scenario.plan.closures.iter().map(|cl| cl.site.as_str()).collect();
    for (site, date) in &req.closures {
        let field = format!("closures.{site}");
        if !closing.contains(&site.as_str()) {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Some(&field),
                format!("`{site}` has no planned closure to move"),
            )
            .hint(format!("sites with a planned closure: {}", closing.join(", "))));
        }
        let Some(d) = Date::parse(date) else {
            return Err(ApiError::bad(&field, format!("`{date}` is not a date")).hint("YYYY-MM-DD, e.g. 2023-11-22"));
        };
        let (start, end) = (c.world.start, c.world.start.plus_days(i64::from(c.world.horizon_day)));
        if d < start || d > end {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Some(&field),
                format!("{d} is outside the simulated period"),
            )
            .hint(format!("{start} to {end}")));
        }
        open.overrides.push(
            Override::parse(&format!("plan.closure.{site}.date={d}"))
                .map_err(|d| crate::scenarios::diagnostics_error(&[d]))?,
        );
    }
    Ok(open)
}

/// Replications per part: a what-if checks between parts whether to go on.
pub const PART: u64 = 1024;

/// `runs` replications of `world` from `seed`, in parts of `part`
/// replications, asking `go_on(done)` after each: `None` when it says stop.
/// Parts merge exactly (`Summary::merge`), so a what-if that finishes gives
/// the one-piece run's summary (`run_monte_carlo`'s), whatever the part size
/// and whatever happened around it.
pub fn simulate(
    world: &World,
    runs: u64,
    seed: u64,
    part: u64,
    go_on: &dyn Fn(u64) -> bool,
) -> Result<Option<Summary>, drawdown_engine::Error> {
    let inputs = Inputs::Point(world);
    let groups = drawdown_engine::montecarlo::groups(inputs, runs);
    let mut total: Option<Summary> = None;
    let mut start = 0;
    while start < groups {
        let end = (start + part.max(1)).min(groups);
        let s = drawdown_engine::run_monte_carlo_part(inputs, runs, seed, start..end, 0, &|_| {}, &mut |_, _| Ok(()))?;
        match &mut total {
            None => total = Some(s),
            Some(t) => t.merge(&s)?,
        }
        start = end;
        if start < groups && !go_on(start) {
            return Ok(None);
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_what_if_in_parts_is_the_one_piece_run_and_stops_when_asked() {
        let src = drawdown_model::Source::new("minusma-2023.toml", drawdown_model::MINUSMA_2023);
        let world = World::compile(&drawdown_model::load(&src).expect("scenario").scenario).expect("world");
        let whole = drawdown_engine::run_monte_carlo(&world, 50, 7, 0, &|_| {}).expect("run");
        for part in [1, 7, 50, PART] {
            let parts = simulate(&world, 50, 7, part, &|_| true).expect("run").expect("not stopped");
            assert_eq!(parts, whole, "in parts of {part}");
        }
        let asked = std::cell::RefCell::new(Vec::new());
        let stopped = simulate(&world, 50, 7, 10, &|done| {
            asked.borrow_mut().push(done);
            done < 20
        })
        .expect("run");
        assert!(stopped.is_none());
        assert_eq!(*asked.borrow(), vec![10, 20], "asked after each part, stopped after the second");
    }
}
