//! `drawdown simulate`: Monte Carlo replications and their summary.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML). Default: the embedded MINUSMA 2023 scenario.
    pub file: Option<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    match crate::input::load_scenario(args.file.as_ref()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(1),
    }
}
