//! Re-planning from the operations log: the state the log describes at the
//! end of a day (`drawdown_ops::state_from_log`, as `drawdown status
//! --state-out` writes it), applied to the stored scenario and validated
//! again (as `drawdown plan --state` does), then planned by the solver. The
//! request names a day and solver limits, never a file.

use drawdown_model::{Date, PlanInput, Request, Scenario, StateInput};
use drawdown_ops::LoggedEvent;
use drawdown_planner::{Options, Planned};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::scenarios::{Compiled, diagnostics_error};
use crate::{ApiError, MAX_PLAN_SECONDS};

/// Solver time limit when the request gives none, seconds.
const DEFAULT_PLAN_SECONDS: f64 = 20.0;
/// Largest planning margin a request may ask for, days.
const MAX_MARGIN_DAYS: i64 = 30;
/// Explanation lines returned (the stored plan's comments hold the rest).
const EXPLANATION_LINES: usize = 12;

/// A re-plan from the operations log.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The last day of the log to plan from, `YYYY-MM-DD` (default: the day of the last logged event, or the scenario's start); the new plan starts the day after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2023-11-05")]
    pub today: Option<String>,
    /// Solver time limit, seconds (1 to 60; default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_s: Option<f64>,
    /// Plan against a deadline this many days earlier, for friction (0 to 30; default: the scenario's `[planner] margin_days`, else 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_days: Option<i64>,
}

/// The request's solver limits, checked: (time limit in seconds, margin in days).
pub fn limits(req: &PlanRequest) -> Result<(f64, Option<u32>), ApiError> {
    let t = req.time_limit_s.unwrap_or(DEFAULT_PLAN_SECONDS);
    if !(1.0..=MAX_PLAN_SECONDS).contains(&t) {
        return Err(ApiError::bad("time_limit_s", format!("a time limit of {t} s is out of range"))
            .hint(format!("1 to {MAX_PLAN_SECONDS} seconds")));
    }
    let margin = match req.margin_days {
        None => None,
        Some(m) if (0..=MAX_MARGIN_DAYS).contains(&m) => u32::try_from(m).ok(),
        Some(m) => {
            return Err(ApiError::bad("margin_days", format!("a margin of {m} days is out of range"))
                .hint(format!("0 to {MAX_MARGIN_DAYS} days")));
        }
    };
    Ok((t, margin))
}

/// The day is one the plan can start after: from the scenario's start to
/// the day before the deadline, with room left for the margin.
pub fn check_day(s: &Scenario, today: Date, margin: Option<u32>) -> Result<(), ApiError> {
    let (start, deadline) = (s.scenario.start, s.scenario.deadline);
    let unprocessable =
        |field: &str, msg: String| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, Some(field), msg);
    if today < start || today >= deadline {
        return Err(unprocessable(
            "today",
            format!("cannot re-plan from {today}: the plan runs from {start} to the deadline {deadline}"),
        )
        .hint(format!("{start} to {}", deadline.plus_days(-1))));
    }
    let days_left = deadline.days_since(today.plus_days(1));
    let margin = margin.or_else(|| s.planner.as_ref().and_then(|p| p.margin_days)).unwrap_or(0);
    if i64::from(margin) >= days_left {
        return Err(unprocessable(
            "margin_days",
            format!(
                "a margin of {margin} days leaves no day to plan: {days_left} days from {} to the deadline",
                today.plus_days(1)
            ),
        )
        .hint(format!("0 to {}", (days_left - 1).max(0))));
    }
    Ok(())
}

/// The state at the end of `today`, applied to the scenario, and the
/// planner's answer from it (CPU work: call it off the async runtime).
/// Returns what the API sends, without the run id.
pub fn replan(
    c: &Compiled,
    events: &[LoggedEvent],
    today: Date,
    time_limit_s: f64,
    margin: Option<u32>,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
) -> Result<Value, ApiError> {
    let (state, notes) = drawdown_ops::state_from_log(&c.scenario, events, today);
    let as_of = state.as_of;
    // Opened as `drawdown plan --state` opens it: the planner replaces the
    // plan, so an error in the old one does not stop it.
    let open = Request {
        plan: PlanInput::OwnIfValid,
        state: Some(StateInput::Given {
            state: Box::new(state),
            name: format!("the state of `{}` from its log at the end of {today}", c.reference.name),
        }),
        ..Request::new(c.source.clone())
    };
    let (src, loaded) = drawdown_model::open(&open).map_err(|f| diagnostics_error(&f.diagnostics))?;
    let scenario = loaded.scenario;
    // Trips are timed over the scenario's input draws, as `drawdown plan` does.
    let space = drawdown_model::uncertain::InputSpace::new(&src, &scenario)
        .map_err(|d| diagnostics_error(std::slice::from_ref(&d)))?;

    let mut opts = Options::from_scenario(&scenario);
    opts.time_limit_s = time_limit_s;
    opts.cancel = cancel;
    if let Some(m) = margin {
        opts.margin_days = m;
    }
    // Input the scenario must change for is 422; a solver that gave no plan
    // on a valid programme is the server's failure, 500.
    let planned = drawdown_planner::plan(&scenario, Some(&space), &opts).map_err(|e| {
        if matches!(e, drawdown_planner::PlanError::Cancelled) {
            return crate::compute::Job::cancelled();
        }
        let status = if e.is_input() {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        };
        ApiError::new(status, e.is_input().then_some("scenario"), format!("cannot plan from the state of {as_of}: {e}"))
    })?;
    Ok(json!({
        "today": today.to_string(),
        "as_of": as_of.to_string(),
        "notes": notes,
        "margin_days": opts.margin_days,
        "summary": summary(&planned),
        "plan_toml": drawdown_planner::to_plan_toml(&planned),
    }))
}

/// The planner's figures as the dashboard shows them.
fn summary(p: &Planned) -> Value {
    let s = &p.solve;
    let closures: Vec<Value> =
        p.closures.iter().map(|cl| json!({"site": cl.site, "date": cl.date.to_string(), "to": cl.to})).collect();
    let e = &p.explanation;
    let explanation: Vec<&str> = e
        .binding
        .iter()
        .map(|b| b.text.as_str())
        .chain(e.closures.iter().map(String::as_str))
        .take(EXPLANATION_LINES)
        .collect();
    json!({
        "status": s.status,
        "objective": s.objective,
        "bound": s.bound,
        "gap": s.gap,
        "solve_seconds": s.solve_seconds,
        "start": p.start.to_string(),
        "deadline": p.deadline.to_string(),
        "personnel_total": p.personnel_total,
        "personnel_left": p.personnel_left,
        "expected_casualties": p.expected_casualties,
        "bases_left_open": p.bases_left_open,
        "closures": closures,
        "explanation": explanation,
        "relaxation": e.relaxation,
    })
}
