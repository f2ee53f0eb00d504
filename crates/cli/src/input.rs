//! Loading the scenario named on the command line (or the embedded one).

use std::path::PathBuf;

use drawdown_model::{load, Loaded, Source};

use crate::diagnostics::print_diagnostics;

/// The scenario source: a file, or the embedded MINUSMA 2023 scenario.
pub fn source(file: Option<&PathBuf>) -> Result<Source, ()> {
    match file {
        None => Ok(Source::new(drawdown_model::MINUSMA_2023_NAME, drawdown_model::MINUSMA_2023)),
        Some(p) if p.as_os_str() == "minusma-2023" && !p.exists() => {
            Ok(Source::new(drawdown_model::MINUSMA_2023_NAME, drawdown_model::MINUSMA_2023))
        }
        Some(p) => Source::read(p).map_err(|d| print_diagnostics(&Source::new(p.display().to_string(), ""), &[d])),
    }
}

/// Loads and validates, printing every diagnostic; `Err` means "exit 1".
pub fn load_scenario(file: Option<&PathBuf>) -> Result<(Source, Loaded), ()> {
    let src = source(file)?;
    match load(&src) {
        Ok(loaded) => {
            print_diagnostics(&src, &loaded.warnings);
            Ok((src, loaded))
        }
        Err(diags) => {
            print_diagnostics(&src, &diags);
            Err(())
        }
    }
}
