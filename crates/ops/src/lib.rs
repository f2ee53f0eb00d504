//! The operations centre's shared store and plan-versus-actual picture.
//!
//! One code path serves SQLite (the embedded default, a file next to the
//! user's work) and PostgreSQL (a team's server): scenarios (versioned), runs
//! and their results, and the operations log of actual events, each validated
//! against the scenario and the events already logged before it is written,
//! in one transaction. `status` compares the log with the plan.

mod error;
mod event;
mod state;
mod status;
mod store;
mod validate;

pub use error::{Rejection, StoreError};
pub use event::{EventKind, INCIDENT_KINDS, LoggedEvent, NewEvent, parse_at};
pub use state::state_from_log;
pub use status::{Status, status};
pub use store::{Backend, NewRun, RunRef, ScenarioRef, Store};
pub use validate::{Limits, validate};
