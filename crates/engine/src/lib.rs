//! The drawdown engine: one replication is a pure function of (scenario,
//! seed, replication index), run as a hand-written discrete-event loop; the
//! Monte Carlo layer runs many in parallel and folds them into exact
//! streaming statistics.
//!
//! Where to read: `world.rs` (the compiled scenario), `engine.rs` (state and
//! the event loop), `convoy.rs`, `airlift.rs`, `closure.rs` (the handlers),
//! `montecarlo.rs` and `stats.rs` (many replications), `rng.rs` (keyed draws).

// Index loops over dense ids read more plainly than zipped iterators here.
#![allow(clippy::needless_range_loop)]

pub mod airlift;
pub mod attacks;
pub mod calibrate;
pub mod closure;
pub mod compare;
pub mod convoy;
pub mod engine;
pub mod error;
pub mod expected;
pub mod fuel;
pub mod global;
pub mod inputs;
pub mod limits;
pub mod montecarlo;
pub mod observe;
pub mod outcome;
pub mod predict;
pub mod replications;
pub mod result;
pub mod rng;
pub mod sensitivity;
pub mod stats;
pub mod world;

pub use engine::{simulate, simulate_checked};
pub use error::Error;
pub use inputs::Inputs;
pub use montecarlo::{Summary, run_monte_carlo, run_monte_carlo_part, run_monte_carlo_with};
pub use outcome::{ByFate, Fate, Outcome, Taker};
pub use result::SimResult;
pub use world::World;
