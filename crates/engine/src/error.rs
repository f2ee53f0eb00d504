//! The engine's errors at its seams: what a caller can tell apart (an
//! invalid sampled world, a broken invariant, a metric that does not exist,
//! a calibration that cannot start) rather than one string.

use crate::world::CompileError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// A drawn or swung input makes the scenario invalid (its range reaches
    /// a value the format refuses).
    #[error("{what} makes the scenario invalid: {reason}")]
    InvalidInputs { what: String, reason: String },
    #[error("invalid scenario: {0}")]
    InvalidScenario(String),
    #[error("cannot start {threads} worker threads: {source}")]
    Threads { threads: usize, source: rayon::ThreadPoolBuildError },
    /// `compare` was given one side with point inputs and one sampled, or
    /// different draws per group: they cannot share random numbers.
    #[error("models with different input designs cannot be paired")]
    Unpaired,
    /// `Summary::merge` was given parts of different runs (another seed,
    /// input design or world).
    #[error("the parts belong to different runs (seed, inputs or scenario differ) and cannot be merged")]
    DifferentRuns,
    /// A checked replication broke an invariant (conservation).
    #[error("invariant broken at {0}")]
    Invariant(String),
    #[error("unknown metric `{metric}`{hint}; metrics: {known}")]
    UnknownMetric { metric: String, hint: String, known: String },
    /// The consumer of the replications (a writer) failed; the run stopped.
    #[error("{0}")]
    Output(String),
    #[error("no input to fit: give values a confidence or a low/high range, or list them in [calibration] fit")]
    NothingToFit,
    #[error("no milestone to fit: add [[milestone]] observations")]
    NoMilestone,
    #[error("the population's weights vanished: widen the milestones' errors")]
    WeightsVanished,
    #[error("the budget of {budget} simulations did not fill one generation of {particles} particles")]
    BudgetTooSmall { budget: u64, particles: usize },
}

/// Where a run's replications are computed: the process's one pool of a
/// worker per core (`threads` = 0), shared by every run, so that runs side
/// by side (the server's what-ifs) take turns on the same workers instead
/// of each starting a pool of its own; or a pool of exactly `threads`
/// workers. Results never depend on which (replications fold in order).
pub(crate) enum Pool {
    Shared,
    Own(rayon::ThreadPool),
}

impl Pool {
    pub(crate) fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match self {
            Pool::Shared => f(),
            Pool::Own(p) => p.install(f),
        }
    }
}

/// The pool for `threads` workers (0: the shared one, a worker per core).
pub(crate) fn pool(threads: usize) -> Result<Pool, Error> {
    if threads == 0 {
        return Ok(Pool::Shared);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(Pool::Own)
        .map_err(|source| Error::Threads { threads, source })
}
