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

pub mod bounds;
pub mod calibration;
pub mod diag;
pub mod generate;
pub mod load;
pub mod open;
pub mod overrides;
pub mod quantity;
pub mod scenario;
pub mod sheets;
pub mod sourced;
pub mod state;
pub mod uncertain;
pub mod validate;

pub use diag::{Diagnostic, Path, Severity};
pub use load::{Loaded, Source, load};
pub use open::{Failure, PlanInput, Request, StateInput, open};
pub use overrides::Override;
pub use quantity::{Confidence, Count, Date, Dist, DistKind, Num, Schedule, SourcedDate};
pub use scenario::*;

/// The embedded MINUSMA 2023 reference scenario, calibrated: the inputs
/// `drawdown calibrate` fitted to the record carry their posterior.
pub const MINUSMA_2023: &str = include_str!("../../../scenarios/minusma-2023-calibrated.toml");
/// Name under which the embedded scenario is reported in messages.
pub const MINUSMA_2023_NAME: &str = "scenarios/minusma-2023-calibrated.toml";
/// The same scenario before calibration (every input at its sourced or
/// assumed value and range), named `minusma-2023-raw` on the command line.
pub const MINUSMA_2023_RAW: &str = include_str!("../../../scenarios/minusma-2023.toml");
pub const MINUSMA_2023_RAW_NAME: &str = "scenarios/minusma-2023.toml";
/// Command-line names of the embedded scenarios.
pub const MINUSMA_2023_ID: &str = "minusma-2023";
pub const MINUSMA_2023_RAW_ID: &str = "minusma-2023-raw";
