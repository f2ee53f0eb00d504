//! The operations centre's shared store and plan-versus-actual picture.
//!
//! One code path serves SQLite (the embedded default, a file next to the
//! user's work) and PostgreSQL (a team's server): scenarios (versioned), runs
//! and their results, and the operations log of actual events, each validated
//! against the scenario and the events already logged before it is written,
//! in one transaction. `status` compares the log with the plan, and
//! `state_from_log` gives the re-planning state; both read the log through
//! one replay (`replay.rs`).

// Rejections are the model's diagnostics (field, message, hint, span):
// large, but only on the error path of reading user input, as in the model.
#![allow(clippy::result_large_err)]

mod consistency;
mod error;
mod event;
mod names;
mod replay;
mod state;
mod status;
mod store;
mod validate;

pub use error::{Rejection, StoreError};
pub use event::{
    At, EventKind, IncidentKind, LoggedEvent, NewEvent, content_key, day_of, format_at, parse_at, short_at, start_of,
};
pub use state::state_from_log;
pub use status::{Gap, Status, status};
pub use store::{Backend, NewRun, Recorded, RunRef, ScenarioRef, Store};
pub use validate::{Limits, check_today, validate};
