//! The compute limit: what-ifs and re-plans share a fixed number of slots.
//! A slot belongs to the job, not to the request that asked for it: the
//! permit moves into the blocking task that computes and is given back only
//! when that computation ends, so a client that disconnects cannot free a
//! slot while its simulation goes on. Instead, the request holds a
//! `CancelOnDrop`: when the client goes, the request is dropped and the job
//! is asked to stop, which a what-if does at the next batch boundary and a
//! re-plan at the solver's next interrupt check (`Job::flag`). With
//! every slot busy a new what-if or re-plan is refused at once (503 with
//! `Retry-After`): nothing queues. A scenario version's baseline, one per
//! version whoever asks, waits for a slot instead (`wait_for_slot`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::http::{HeaderValue, StatusCode, header};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::ApiError;

/// Seconds a refused client is told to wait (`Retry-After`).
pub const RETRY_AFTER_SECS: u64 = 5;

/// Called between batches of a what-if with the replications done.
pub type BatchHook = Arc<dyn Fn(u64) + Send + Sync>;

/// The slots and what became of the jobs that held them.
pub struct Compute {
    slots: Arc<Semaphore>,
    pub(crate) capacity: usize,
    finished: AtomicU64,
    cancelled: AtomicU64,
    between_batches: Option<BatchHook>,
}

/// Jobs running and done, as `AppState::compute_jobs` reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobCounts {
    /// Slots held by a job now.
    pub running: usize,
    /// Jobs that ran to their end (with a result or an error).
    pub finished: u64,
    /// Jobs stopped early because their client had gone.
    pub cancelled: u64,
}

impl Compute {
    pub fn new(slots: usize) -> Compute {
        let capacity = slots.max(1);
        Compute {
            slots: Arc::new(Semaphore::new(capacity)),
            capacity,
            finished: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
            between_batches: None,
        }
    }

    /// With `hook` called by what-ifs between parts.
    pub fn between_batches(self, hook: BatchHook) -> Compute {
        Compute { between_batches: Some(hook), ..self }
    }

    pub fn counts(&self) -> JobCounts {
        JobCounts {
            running: self.capacity - self.slots.available_permits(),
            finished: self.finished.load(Ordering::SeqCst),
            cancelled: self.cancelled.load(Ordering::SeqCst),
        }
    }
}

/// A slot, taken now or refused: the job to run in it, and the guard the
/// request keeps (dropping it asks the job to stop).
pub fn start(compute: &Arc<Compute>) -> Result<(Job, CancelOnDrop), ApiError> {
    let Ok(permit) = compute.slots.clone().try_acquire_owned() else {
        let n = compute.capacity;
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            format!("the server is busy: {n} what-if{} or re-plan{} already running, its limit", plural(n), plural(n)),
        )
        .hint(format!("retry in {RETRY_AFTER_SECS} s (Retry-After)"))
        .header(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS)));
    };
    let flag = Arc::new(AtomicBool::new(false));
    let job = Job { _permit: permit, cancel: Arc::clone(&flag), compute: Arc::clone(compute), stopped: false.into() };
    Ok((job, CancelOnDrop(flag)))
}

/// A slot for shared work that every request on a scenario needs (its
/// baseline), waited for rather than refused: the permit is held until dropped.
pub async fn wait_for_slot(compute: &Arc<Compute>) -> Result<OwnedSemaphorePermit, ApiError> {
    compute.slots.clone().acquire_owned().await.map_err(ApiError::internal)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Held by the request while its job runs; dropped (the client went away,
/// or the answer was sent), it asks the job to stop.
pub struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A job in its slot; the slot is given back when the job is dropped, at
/// the end of `run`.
pub struct Job {
    _permit: OwnedSemaphorePermit,
    cancel: Arc<AtomicBool>,
    compute: Arc<Compute>,
    stopped: std::cell::Cell<bool>,
}

impl Job {
    /// Runs the computation in this slot (on the blocking pool) and gives the slot back.
    pub fn run<T>(self, f: impl FnOnce(&Job) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let out = f(&self);
        // A job that failed after its client had gone was stopped by it
        // (a re-plan's solver returns as soon as the flag is set).
        let stopped = self.stopped.get() || (out.is_err() && self.cancel.load(Ordering::SeqCst));
        let counter = if stopped { &self.compute.cancelled } else { &self.compute.finished };
        counter.fetch_add(1, Ordering::SeqCst);
        out
    }

    /// Between batches, with `done` replications done: whether to go on
    /// (false once the client has gone).
    pub fn go_on(&self, done: u64) -> bool {
        if let Some(hook) = &self.compute.between_batches {
            hook(done);
        }
        let go = !self.cancel.load(Ordering::SeqCst);
        if !go {
            self.stopped.set(true);
        }
        go
    }

    /// The flag set when the client has gone, for a computation that checks
    /// it itself (the planner's `Options::cancel`).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// The error a stopped job ends with (no one is left to read it).
    pub fn cancelled() -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, None, "the job was stopped: its client disconnected")
    }
}
