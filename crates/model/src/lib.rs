//! The drawdown scenario model: the file format (`scenario`), provenance-
//! carrying values (`quantity`), loading with located diagnostics (`load`,
//! `diag`) and validation (`validate`).
//!
//! Nothing here simulates; the engine crate compiles a validated
//! `Scenario` into dense indices and runs it.

// Diagnostics are large (message, path, hints, span) and travel only on the
// error path of reading user input, never in a hot loop: boxing them would
// add noise for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod diag;
pub mod generate;
pub mod load;
pub mod overrides;
pub mod quantity;
pub mod scenario;
pub mod sourced;
pub mod state;
pub mod uncertain;
pub mod validate;

pub use diag::{Diagnostic, Path, Severity};
pub use load::{Loaded, Source, load};
pub use overrides::Override;
pub use quantity::{Confidence, Count, Date, Dist, DistKind, Num, Schedule};
pub use scenario::*;

/// The embedded MINUSMA 2023 reference scenario.
pub const MINUSMA_2023: &str = include_str!("../../../scenarios/minusma-2023.toml");
/// Name under which the embedded scenario is reported in messages.
pub const MINUSMA_2023_NAME: &str = "scenarios/minusma-2023.toml";
