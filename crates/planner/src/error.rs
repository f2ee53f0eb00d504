//! Why the planner gives no plan, as one typed error: the caller tells bad
//! input (the scenario cannot be planned as it stands: fix it) from the
//! solver's failure (the programme is fine, no plan came out).

use drawdown_engine::world::CompileError;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The scenario (without its plan) does not compile for the engine.
    #[error("{0}")]
    Compile(CompileError),
    /// A draw of the uncertain inputs that trips are timed in does not
    /// compile (its values together exceed an engine limit, say).
    #[error("input draw {draw}: {reason}")]
    InputDraw { draw: u64, reason: String },
    #[error("the scenario has no truck fleet and no aircraft: nothing can move")]
    NothingMoves,
    /// `--keep` names a site that is not a base.
    #[error("cannot keep the closure of `{0}`: it is not a base of the scenario")]
    NotABase(String),
    /// A kept closure date on which its closing convoy has no road.
    #[error("`{site}` cannot close on {date} as kept: no road to `{to}` that day (corridor closed or no route)")]
    KeptWithoutRoad { site: String, date: drawdown_model::Date, to: String },
    /// The run was stopped on request (`Options::cancel`) before its end.
    #[error("the planning run was stopped before its end, on request")]
    Cancelled,
    /// HiGHS gave no plan (and no starting plan was kept).
    #[error("{0}")]
    Solver(String),
}

impl PlanError {
    /// The scenario (or the options) must change for a plan to come out;
    /// otherwise the solver failed on a valid programme, or was stopped.
    pub fn is_input(&self) -> bool {
        !matches!(self, PlanError::Solver(_) | PlanError::Cancelled)
    }
}
